//! The 999/TA1 reader on arbitrary bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = accord_x12::r999::read_999(data);
});
