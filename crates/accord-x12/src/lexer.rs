//! Streaming X12 lexer.
//!
//! Delimiters come from each ISA header (element separator = byte 3, component
//! separator = ISA16, repetition separator = ISA11, segment terminator = the byte
//! after ISA16), so every interchange in a file may use its own. Line breaks and
//! other whitespace after a terminator are skipped, so files with or without
//! line breaks read the same.
//!
//! Memory is constant: [`Lexer`] keeps one read buffer (grown only up to
//! [`MAX_SEGMENT_LEN`] for a single pathological segment) and hands out
//! [`Segment`]s that borrow from it, so no segment is copied or allocated.
//! [`SliceLexer`] does the same over an in-memory byte slice.

use std::io::Read;

use memchr::memchr;

use crate::segment::Segment;

/// The four separators of one interchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delimiters {
    pub element: u8,
    pub component: u8,
    /// `None` when ISA11 is not a separator (e.g. the 4010 `U`).
    pub repetition: Option<u8>,
    pub segment: u8,
}

impl Default for Delimiters {
    /// The separators most clearinghouses use and Accord writes.
    fn default() -> Self {
        Delimiters {
            element: b'*',
            component: b':',
            repetition: Some(b'^'),
            segment: b'~',
        }
    }
}

/// Longest segment the streaming lexer accepts; bounds memory for hostile input.
pub const MAX_SEGMENT_LEN: usize = 1 << 20;

/// A lexing failure. Positions are 0-based byte offsets in the input and the
/// 1-based ordinal of the segment that was being read.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum LexError {
    #[error("segment {segment} at byte {offset}: expected an ISA header, found {found:?}")]
    NoIsa {
        segment: u64,
        offset: u64,
        found: String,
    },
    #[error("segment {segment} (ISA) at byte {offset}: malformed ISA header: {reason}")]
    BadIsa {
        segment: u64,
        offset: u64,
        reason: &'static str,
    },
    #[error(
        "segment {segment} at byte {offset}: segment longer than {max} bytes without a terminator"
    )]
    SegmentTooLong {
        segment: u64,
        offset: u64,
        max: usize,
    },
    #[error("read error at byte {offset}: {message}")]
    Io { offset: u64, message: String },
}

fn is_skippable(b: u8) -> bool {
    matches!(b, b'\r' | b'\n' | b' ' | b'\t' | 0)
}

/// Reads the delimiters from an ISA segment that starts at `buf[0]`.
///
/// Counts element separators instead of trusting fixed offsets, because some
/// senders do not pad ISA fields to their fixed widths.
/// Returns the delimiters and the length of the ISA segment including its terminator,
/// `Ok(None)` if more bytes are needed.
pub fn read_isa_delimiters(
    buf: &[u8],
    eof: bool,
) -> Result<Option<(Delimiters, usize)>, &'static str> {
    if buf.len() < 4 {
        return if eof {
            Err("file ends inside the ISA header")
        } else {
            Ok(None)
        };
    }
    let element = buf[3];
    if element.is_ascii_alphanumeric() || is_skippable(element) {
        return Err("ISA element separator must be a special character");
    }
    let mut count = 0;
    let mut i = 3;
    let mut repetition_pos = None;
    while i < buf.len() {
        if buf[i] == element {
            count += 1;
            if count == 11 {
                repetition_pos = Some(i + 1);
            }
            if count == 16 {
                // ISA16 is a single byte, then the terminator.
                if i + 2 >= buf.len() {
                    return if eof {
                        Err("file ends inside the ISA header")
                    } else {
                        Ok(None)
                    };
                }
                let component = buf[i + 1];
                let segment = buf[i + 2];
                if segment == element || segment == component || segment.is_ascii_alphanumeric() {
                    return Err("ISA16 must be one character followed by the segment terminator");
                }
                let repetition = repetition_pos.and_then(|p| {
                    let b = *buf.get(p)?;
                    let next = *buf.get(p + 1)?;
                    (next == element && !b.is_ascii_alphanumeric() && b != b' ').then_some(b)
                });
                return Ok(Some((
                    Delimiters {
                        element,
                        component,
                        repetition,
                        segment,
                    },
                    i + 3,
                )));
            }
        }
        i += 1;
        if i > 512 {
            return Err("ISA header has fewer than 16 elements");
        }
    }
    if eof {
        Err("file ends inside the ISA header")
    } else {
        Ok(None)
    }
}

/// Where the lexer is in the input: shared by [`Lexer`] and [`SliceLexer`].
#[derive(Debug, Clone, Default)]
struct State {
    delims: Option<Delimiters>,
    /// Ordinal of the last segment produced (1-based).
    segments: u64,
    after_iea: bool,
}

enum Step {
    /// A segment at `start..end`, consumed through `next` (exclusive).
    Segment {
        start: usize,
        end: usize,
        next: usize,
    },
    /// Need more input.
    More,
    /// Nothing left.
    Done,
    Error(LexError),
}

/// One lexing step over `buf` (from its start). Pure, so both lexers agree.
#[inline]
fn step(state: &mut State, buf: &[u8], base: u64, eof: bool, bom_possible: bool) -> (usize, Step) {
    // Fast path for the common case: inside an interchange, a segment that is not ISA/IEA,
    // with its terminator already buffered.
    if let Some(d) = state.delims
        && !state.after_iea
        && !bom_possible
    {
        let mut s = 0;
        while s < buf.len() && is_skippable(buf[s]) {
            s += 1;
        }
        if s < buf.len()
            && buf[s] != b'I'
            && let Some(p) = memchr(d.segment, &buf[s..])
        {
            let mut end = s + p;
            while end > s && matches!(buf[end - 1], b'\r' | b'\n') && d.segment != b'\n' {
                end -= 1;
            }
            state.segments += 1;
            return (
                s,
                Step::Segment {
                    start: s,
                    end,
                    next: s + p + 1,
                },
            );
        }
    }
    // Skip a UTF-8 byte-order mark at the very start of the file and whitespace between segments.
    let mut s = 0;
    if bom_possible && buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        s = 3;
    } else if bom_possible && buf.len() < 3 && !eof && buf.first() == Some(&0xEF) {
        return (0, Step::More);
    }
    while s < buf.len() && is_skippable(buf[s]) {
        s += 1;
    }
    if s == buf.len() {
        return (s, if eof { Step::Done } else { Step::More });
    }
    let rest = &buf[s..];
    let expect_isa = state.delims.is_none() || state.after_iea;
    if expect_isa || rest.starts_with(b"ISA") {
        if rest.len() < 3 && !eof {
            return (s, Step::More);
        }
        if !rest.starts_with(b"ISA") {
            if state.delims.is_some() {
                // Trailing data after IEA that is not an ISA: lex it with the old delimiters,
                // the envelope layer reports it as a segment outside an interchange.
                state.after_iea = false;
            } else {
                let found = String::from_utf8_lossy(&rest[..rest.len().min(16)]).into_owned();
                return (
                    s,
                    Step::Error(LexError::NoIsa {
                        segment: state.segments + 1,
                        offset: base + s as u64,
                        found,
                    }),
                );
            }
        } else {
            match read_isa_delimiters(rest, eof) {
                Ok(None) => return (s, Step::More),
                Err(reason) => {
                    return (
                        s,
                        Step::Error(LexError::BadIsa {
                            segment: state.segments + 1,
                            offset: base + s as u64,
                            reason,
                        }),
                    );
                }
                Ok(Some((d, len))) => {
                    state.delims = Some(d);
                    state.after_iea = false;
                    state.segments += 1;
                    return (
                        s,
                        Step::Segment {
                            start: s,
                            end: s + len - 1,
                            next: s + len,
                        },
                    );
                }
            }
        }
    }
    let Some(d) = state.delims else {
        return (s, Step::Done);
    };
    match memchr(d.segment, rest) {
        Some(p) => {
            let mut end = s + p;
            // Tolerate a CR/LF placed before the terminator by some writers.
            while end > s && matches!(buf[end - 1], b'\r' | b'\n') && d.segment != b'\n' {
                end -= 1;
            }
            state.segments += 1;
            if rest.starts_with(b"IEA") {
                state.after_iea = true;
            }
            (
                s,
                Step::Segment {
                    start: s,
                    end,
                    next: s + p + 1,
                },
            )
        }
        None if eof => {
            // Last segment without a terminator: accept it rather than lose it.
            let mut end = buf.len();
            while end > s && is_skippable(buf[end - 1]) {
                end -= 1;
            }
            state.segments += 1;
            (
                s,
                Step::Segment {
                    start: s,
                    end,
                    next: buf.len(),
                },
            )
        }
        None => (s, Step::More),
    }
}

/// Streaming lexer over any [`Read`]: constant memory whatever the input size.
///
/// Not an `Iterator` because each segment borrows the lexer's buffer
/// (a lending iterator); call [`Lexer::next_segment`] in a loop.
pub struct Lexer<R> {
    src: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Byte offset of `buf[0]` in the input.
    base: u64,
    state: State,
    failed: bool,
    /// Positions of segment terminators in `buf`, found in one vectorised pass per buffer fill:
    /// cheaper than one memchr call per (short) segment.
    terms: Vec<u32>,
    term_pos: usize,
    /// The terminator byte `terms` was computed for; `None` when stale (after a fill).
    terms_for: Option<u8>,
}

impl<R: Read> Lexer<R> {
    pub fn new(src: R) -> Self {
        Self::with_capacity(src, 256 * 1024)
    }

    pub fn with_capacity(src: R, capacity: usize) -> Self {
        Lexer {
            src,
            buf: vec![0; capacity.max(512)],
            start: 0,
            end: 0,
            eof: false,
            base: 0,
            state: State::default(),
            failed: false,
            terms: Vec::new(),
            term_pos: 0,
            terms_for: None,
        }
    }

    /// Delimiters of the current interchange, once its ISA has been read.
    pub fn delimiters(&self) -> Option<Delimiters> {
        self.state.delims
    }

    /// Byte offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    fn fill(&mut self) -> Result<(), LexError> {
        self.terms_for = None;
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            if self.buf.len() >= MAX_SEGMENT_LEN {
                return Err(LexError::SegmentTooLong {
                    segment: self.state.segments + 1,
                    offset: self.base,
                    max: MAX_SEGMENT_LEN,
                });
            }
            let n = (self.buf.len() * 2).min(MAX_SEGMENT_LEN);
            self.buf.resize(n, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(LexError::Io {
                        offset: self.base + self.end as u64,
                        message: e.to_string(),
                    });
                }
            }
        }
    }

    /// The next segment, `Ok(None)` at the end of input. After an error the lexer stops.
    #[inline]
    pub fn next_segment(&mut self) -> Result<Option<Segment<'_>>, LexError> {
        Ok(self.next_segment_padded()?.map(|(seg, _)| seg))
    }

    /// [`Lexer::next_segment`], with the buffered bytes from the segment's start on (the
    /// segment, then its terminator and whatever else is buffered): lets a reader scan the
    /// segment in whole 16-byte blocks.
    #[inline]
    pub(crate) fn next_segment_padded(&mut self) -> Result<Option<(Segment<'_>, &[u8])>, LexError> {
        if self.failed {
            return Ok(None);
        }
        // Fast path (inlined into the caller, so the segment stays in registers): inside an
        // interchange, past the file's first byte, a segment that does not start with 'I'
        // (ISA/IEA need the general path) and whose terminator is buffered.
        let (s, end) = match self.fast_segment() {
            Some(r) => r,
            None => match self.next_segment_slow()? {
                Some(r) => r,
                None => return Ok(None),
            },
        };
        let Some(d) = &self.state.delims else {
            return Ok(None);
        };
        Ok(Some((
            Segment::new(
                &self.buf[s..end],
                *d,
                self.state.segments,
                self.base + s as u64,
            ),
            &self.buf[s..self.end],
        )))
    }

    /// The fast path of [`Lexer::next_segment`]: the next segment's range, if it applies.
    #[inline(always)]
    fn fast_segment(&mut self) -> Option<(usize, usize)> {
        let term = self.state.delims.as_ref()?.segment;
        if self.state.after_iea || (self.base == 0 && self.start == 0) {
            return None;
        }
        let mut s = self.start;
        while s < self.end && is_skippable(self.buf[s]) {
            s += 1;
        }
        if s >= self.end || self.buf[s] == b'I' {
            return None;
        }
        if self.terms_for != Some(term) {
            self.find_terms(term);
        }
        while self.term_pos < self.terms.len() && (self.terms[self.term_pos] as usize) < s {
            self.term_pos += 1;
        }
        let p = *self.terms.get(self.term_pos)? as usize;
        self.term_pos += 1;
        let mut end = p;
        while end > s && matches!(self.buf[end - 1], b'\r' | b'\n') && term != b'\n' {
            end -= 1;
        }
        self.state.segments += 1;
        self.start = p + 1;
        Some((s, end))
    }

    /// Terminator positions of the buffered bytes, found in one pass.
    #[inline(never)]
    fn find_terms(&mut self, term: u8) {
        self.terms.clear();
        let from = self.start;
        crate::bytemask::positions(
            &self.buf[from..self.end],
            term,
            from as u32,
            &mut self.terms,
        );
        self.term_pos = 0;
        self.terms_for = Some(term);
    }

    /// The general path: the next segment's range in `buf`, reading more input as needed.
    #[inline(never)]
    fn next_segment_slow(&mut self) -> Result<Option<(usize, usize)>, LexError> {
        loop {
            let bom = self.base == 0 && self.start == 0;
            let abs = self.base + self.start as u64;
            let (skip, st) = step(
                &mut self.state,
                &self.buf[self.start..self.end],
                abs,
                self.eof,
                bom,
            );
            match st {
                Step::Segment { start, end, next } => {
                    let r = (self.start + start, self.start + end);
                    self.start += next;
                    return Ok(Some(r));
                }
                Step::More => {
                    self.start += skip;
                    if let Err(e) = self.fill() {
                        self.failed = true;
                        return Err(e);
                    }
                }
                Step::Done => {
                    self.start = self.end;
                    return Ok(None);
                }
                Step::Error(err) => {
                    self.failed = true;
                    return Err(err);
                }
            }
        }
    }
}

/// Zero-copy lexer over bytes already in memory; an ordinary iterator.
pub struct SliceLexer<'a> {
    input: &'a [u8],
    pos: usize,
    state: State,
    failed: bool,
}

impl<'a> SliceLexer<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        SliceLexer {
            input,
            pos: 0,
            state: State::default(),
            failed: false,
        }
    }
}

impl<'a> Iterator for SliceLexer<'a> {
    type Item = Result<Segment<'a>, LexError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let (_, st) = step(
            &mut self.state,
            &self.input[self.pos..],
            self.pos as u64,
            true,
            self.pos == 0,
        );
        match st {
            Step::Segment { start, end, next } => {
                let seg = Segment::new(
                    &self.input[self.pos + start..self.pos + end],
                    self.state.delims.unwrap_or_default(),
                    self.state.segments,
                    (self.pos + start) as u64,
                );
                self.pos += next;
                Some(Ok(seg))
            }
            Step::More | Step::Done => {
                self.pos = self.input.len();
                None
            }
            Step::Error(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

/// Counts segments in a stream: the bare lexing cost, used by the benchmark.
pub fn count_segments<R: Read>(src: R) -> Result<u64, LexError> {
    let mut lx = Lexer::with_capacity(src, 1 << 20);
    let mut n = 0;
    while lx.next_segment()?.is_some() {
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISA: &str = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~";

    fn ids(input: &str) -> Vec<String> {
        SliceLexer::new(input.as_bytes())
            .map(|s| {
                s.map(|s| s.id_str().to_string())
                    .unwrap_or_else(|e| format!("ERR {e}"))
            })
            .collect()
    }

    #[test]
    fn reads_delimiters_and_line_breaks() {
        let input = format!("{ISA}\r\nGS*HC*A*B~\nST*837*1~SE*2*1~\r\nGE*1*1~IEA*1*000000001~\n");
        assert_eq!(ids(&input), ["ISA", "GS", "ST", "SE", "GE", "IEA"]);
        let mut lx = Lexer::with_capacity(input.as_bytes(), 16);
        let mut got = vec![];
        while let Some(s) = lx.next_segment().expect("lex") {
            got.push(s.id_str().to_string());
        }
        assert_eq!(got, ["ISA", "GS", "ST", "SE", "GE", "IEA"]);
    }

    #[test]
    fn other_separators_and_second_interchange() {
        let isa2 = ISA
            .replace('*', "|")
            .replace('~', "\n")
            .replace("|:\n", "|>\n");
        let input = format!("{ISA}GS*HC~IEA*1*1~{isa2}GS|HC\nIEA|1|1\n");
        let segs: Vec<_> = SliceLexer::new(input.as_bytes())
            .map(|s| s.expect("ok"))
            .collect();
        assert_eq!(segs.len(), 6);
        assert_eq!(segs[4].el(1), "HC");
        assert_eq!(segs[3].delimiters().component, b'>');
    }

    #[test]
    fn no_isa_is_an_error() {
        assert!(ids("GS*HC~").remove(0).starts_with("ERR"));
    }

    #[test]
    fn bom_is_skipped() {
        let input = format!("\u{feff}{ISA}GS*HC~");
        assert_eq!(ids(&input), ["ISA", "GS"]);
    }
}
