//! The 277CA reader on arbitrary bytes; what it reads can be written again.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(acks) = accord_x12::w277ca::read_277ca(data) {
        let _ = accord_x12::w277ca::write_277ca(&acks, &accord_x12::write::Envelope::example());
    }
});
