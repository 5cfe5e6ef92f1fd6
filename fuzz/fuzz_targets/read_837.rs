//! The typed 837 reader on arbitrary bytes; claims it returns can be written again.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let claims: Vec<_> = accord_x12::Reader837::new(data)
        .filter_map(Result::ok)
        .take(64)
        .collect();
    if let Some(first) = claims.first() {
        let _ = accord_x12::w837::write_claims(
            &claims,
            &accord_x12::write::Envelope::example(),
            first.kind,
        );
    }
});
