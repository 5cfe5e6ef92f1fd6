//! The 835 reader on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(remits) = accord_x12::w835::read_835(data) {
        for r in &remits {
            let _ = r.total();
            let _ = r.check_balance();
        }
    }
});
