//! The whole check and the acknowledgments written from it: never panic, and what we write lexes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = accord_x12::check::check_bytes(data);
    let _ = accord_x12::report::render_check("fuzz", &report);
    for (_, ack) in
        accord_x12::w999::acknowledgments(&report, &accord_x12::write::Envelope::example())
    {
        assert!(accord_x12::SliceLexer::new(ack.as_bytes()).all(|s| s.is_ok()));
    }
});
