//! Both lexers on arbitrary bytes: never panic, and agree with each other.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let slice: Vec<(Vec<u8>, u64)> = accord_x12::SliceLexer::new(data)
        .map_while(Result::ok)
        .map(|s| (s.raw().to_vec(), s.index))
        .collect();
    // A tiny buffer forces every refill and compaction path of the streaming lexer.
    let mut lx = accord_x12::Lexer::with_capacity(data, 512);
    let mut stream = vec![];
    while let Ok(Some(s)) = lx.next_segment() {
        let f = s.fields();
        let _ = (f.el(1), f.component(2, 2), f.element_count(), s.el(3));
        stream.push((s.raw().to_vec(), s.index));
    }
    if data.len() < 256 * 1024 {
        assert_eq!(slice, stream, "streaming and slice lexers disagree");
    }
});
