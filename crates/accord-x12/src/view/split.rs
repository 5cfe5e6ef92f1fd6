//! A segment split into elements for the 837 state machine: element and component
//! boundaries as byte ranges of the segment, so the builder can record them as spans
//! of one copy of the segment in a store's arena (see [`super::store::Store::span`]).
//!
//! Text semantics are those of [`crate::segment::Fields::el`]: an element reads as its
//! bytes when they are UTF-8 and as the empty string otherwise, and its components are
//! that text split on the component separator (as a `char`). The common case, an ASCII
//! segment, needs no UTF-8 check at all: every byte range of it is text.

use crate::bytemask::masks16;
use crate::segment::Segment;

/// Element boundaries remembered per segment; later elements are found by scanning.
const MAX: usize = 24;
const _: () = assert!(MAX >= 2);

pub(crate) struct Split<'a, 'e> {
    seg: Segment<'a>,
    raw: &'a [u8],
    /// `ends[k]` is the offset of the k-th element separator (the end of element k, 0 = the
    /// ID), valid for `k < min(count, MAX - 1)`; the last slot is scratch. Borrowed from
    /// the caller's stack, so that a `Split` is small enough to move without a `memcpy` call.
    ends: &'e [u32; MAX],
    /// Number of data elements (element separators).
    count: usize,
    /// The whole segment is ASCII (so every range of it is text).
    pub(crate) ascii: bool,
    /// The segment ID as [`id_key`] packs it, for dispatch on one integer.
    pub(crate) key: u32,
}

/// A segment ID of one to three bytes packed into an integer (bytes, then the length in the
/// top byte), so that IDs compare as one `u32`; 0 for any other ID (empty or longer).
pub(crate) const fn id_key(id: &[u8]) -> u32 {
    match *id {
        [a] => a as u32 | 1 << 24,
        [a, b] => a as u32 | (b as u32) << 8 | 2 << 24,
        [a, b, c] => a as u32 | (b as u32) << 8 | (c as u32) << 16 | 3 << 24,
        _ => 0,
    }
}

impl<'a> std::ops::Deref for Split<'a, '_> {
    type Target = Segment<'a>;
    fn deref(&self) -> &Segment<'a> {
        &self.seg
    }
}

/// The table [`Split::new`] fills.
pub(crate) type Ends = [u32; MAX];

pub(crate) const NO_ENDS: Ends = [0; MAX];

impl<'a, 'e> Split<'a, 'e> {
    /// Splits `seg`. `padded` is the buffer the segment lies in, from the segment's first
    /// byte on (so it starts with `seg.raw()`, and usually goes on past it): the segment is
    /// scanned in blocks of 16 bytes read from there, and bits past the segment's end are
    /// masked off. Where fewer than 16 bytes are left, the block is copied and padded.
    #[inline(always)]
    pub(crate) fn new(seg: &Segment<'a>, padded: &[u8], ends: &'e mut Ends) -> Self {
        let raw = seg.raw();
        debug_assert!(padded.starts_with(raw));
        // Not the segment's buffer after all (never, from the reader): use the segment alone.
        let padded = if padded.as_ptr() == raw.as_ptr() && padded.len() >= raw.len() {
            padded
        } else {
            raw
        };
        let sep = seg.delimiters().element;
        let n = raw.len();
        let mut count = 0usize;
        let mut high = 0u32;
        let mut at = 0usize;
        while at < n {
            let (eq, hi) = match padded.get(at..at + 16) {
                Some(block) => masks16(block.try_into().unwrap_or(&[0; 16]), sep),
                _ => {
                    let mut block = [0u8; 16];
                    let rest = raw.get(at..).unwrap_or(&[]);
                    let k = rest.len().min(16);
                    block[..k].copy_from_slice(&rest[..k]);
                    masks16(&block, sep)
                }
            };
            let left = n - at;
            let keep = if left >= 16 {
                0xFFFF
            } else {
                (1u32 << left) - 1
            };
            high |= hi & keep;
            let mut m = eq & keep;
            while m != 0 {
                ends[count.min(MAX - 1)] = (at + m.trailing_zeros() as usize) as u32;
                count += 1;
                m &= m - 1;
            }
            at += 16;
        }
        // The ID is element 0: up to the first separator (as `Segment::id`).
        let id_len = if count > 0 { ends[0] as usize } else { n };
        let key = id_key(raw.get(..id_len).unwrap_or(&[]));
        Split {
            seg: *seg,
            raw,
            ends,
            count,
            ascii: high == 0,
            key,
        }
    }

    pub(crate) fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Number of data elements, as [`crate::segment::Fields::element_count`].
    pub(crate) fn element_count(&self) -> usize {
        self.count
    }

    /// Byte range of element `n` (empty at the end of the segment when absent).
    #[inline(always)]
    pub(crate) fn range(&self, n: usize) -> (usize, usize) {
        let len = self.raw.len();
        if n > self.count {
            return (len, len);
        }
        if n < MAX - 1 {
            let start = if n == 0 {
                0
            } else {
                self.ends[n - 1] as usize + 1
            };
            let end = if n < self.count {
                self.ends[n] as usize
            } else {
                len
            };
            return (start, end);
        }
        self.range_far(n)
    }

    /// `range` past the table: scan on from the last separator it holds.
    #[inline(never)]
    fn range_far(&self, n: usize) -> (usize, usize) {
        let len = self.raw.len();
        let sep = self.seg.delimiters().element;
        // Element MAX - 2 ends at separator MAX - 2 (in the table, as n <= count).
        let mut field = MAX - 1;
        let mut start = self.ends[MAX - 2] as usize + 1;
        for (i, &b) in self.raw.iter().enumerate().skip(start) {
            if b == sep {
                if field == n {
                    return (start, i);
                }
                field += 1;
                start = i + 1;
            }
        }
        if field == n && start <= len {
            (start, len)
        } else {
            (len, len)
        }
    }

    /// Element `n` as bytes.
    #[inline(always)]
    pub(crate) fn bytes(&self, n: usize) -> &'a [u8] {
        let (a, b) = self.range(n);
        self.raw.get(a..b).unwrap_or(&[])
    }

    /// Element `n` as text; empty when absent or not UTF-8.
    pub(crate) fn el(&self, n: usize) -> &'a str {
        std::str::from_utf8(self.bytes(n)).unwrap_or("")
    }

    /// `el(n).is_empty()`, without the UTF-8 check for ASCII segments.
    #[inline(always)]
    pub(crate) fn blank(&self, n: usize) -> bool {
        let b = self.bytes(n);
        b.is_empty() || (!self.ascii && std::str::from_utf8(b).is_err())
    }

    /// `el(n) == lit` for an ASCII literal.
    #[inline(always)]
    pub(crate) fn is(&self, n: usize, lit: &[u8]) -> bool {
        self.bytes(n) == lit
    }

    /// Components of element `n`, as byte ranges of the segment: `el(n)` split on the
    /// component separator as a `char`.
    #[inline]
    pub(crate) fn comps(&self, n: usize) -> Comps<'a> {
        let (start, end) = self.range(n);
        let end = if self.ascii || std::str::from_utf8(&self.raw[start..end]).is_ok() {
            end
        } else {
            start // not text: one empty component, as `"".split(..)`
        };
        // The separator as a `char` in UTF-8: itself when ASCII, else two bytes (U+0080..U+00FF).
        let c = self.seg.delimiters().component;
        let (pat, plen) = if c < 0x80 {
            ([c, 0, 0, 0], 1)
        } else {
            ([0xC0 | (c >> 6), 0x80 | (c & 0x3F), 0, 0], 2)
        };
        Comps {
            raw: self.raw,
            pos: start,
            end,
            pat,
            plen,
            done: false,
        }
    }
}

/// Iterator of component ranges (see [`Split::comps`]).
pub(crate) struct Comps<'a> {
    raw: &'a [u8],
    pos: usize,
    end: usize,
    pat: [u8; 4],
    plen: usize,
    done: bool,
}

impl Iterator for Comps<'_> {
    type Item = (usize, usize);
    #[inline]
    fn next(&mut self) -> Option<(usize, usize)> {
        if self.done {
            return None;
        }
        let start = self.pos;
        let hay = self.raw.get(start..self.end).unwrap_or(&[]);
        let found = if self.plen == 1 {
            let p = self.pat[0];
            hay.iter().position(|&b| b == p)
        } else {
            let pat = &self.pat[..self.plen];
            hay.windows(pat.len()).position(|w| w == pat)
        };
        match found {
            Some(i) => {
                self.pos = start + i + self.plen;
                Some((start, start + i))
            }
            None => {
                self.done = true;
                Some((start, self.end))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::Delimiters;

    fn delims(element: u8, component: u8) -> Delimiters {
        Delimiters {
            element,
            component,
            ..Delimiters::default()
        }
    }

    #[test]
    fn split_matches_fields() {
        let long = [b"X".as_slice(), &b"*ab".repeat(40)].concat();
        let raws: Vec<&[u8]> = vec![
            b"SV1*HC:99213:25*40*UN*1***1",
            b"",
            b"*",
            b"********",
            b"AB*CDEFGHIJ*KLMNOPQ*",
            b"NM1*IL*1*DOE*JOHN****MI*123456789",
            b"X\xff*\x80*\xaa\xaa*********",
            b"HI*ABK:\xc3\xa9:x*\xc3:\xa9*ok:ok",
            &long,
        ];
        for d in [
            Delimiters::default(),
            delims(0xA7, 0xA9),
            delims(b'*', 0xC3),
            delims(b'|', b'>'),
        ] {
            for raw in &raws {
                let seg = Segment::new(raw, d, 1, 0);
                let f = seg.fields();
                let mut ends = NO_ENDS;
                let s = Split::new(&seg, raw, &mut ends);
                // As the reader calls it: the segment inside a longer buffer.
                let mut buf = raw.to_vec();
                buf.extend_from_slice(b"~\nNM1*41*2*ACCORD*****46*X~");
                let mut ends2 = NO_ENDS;
                let s2 = Split::new(&Segment::new(&buf[..raw.len()], d, 1, 0), &buf, &mut ends2);
                assert_eq!(s2.element_count(), s.element_count());
                assert_eq!((s2.ascii, s2.key), (s.ascii, s.key));
                for n in 0..60 {
                    assert_eq!(s2.range(n), s.range(n), "{raw:?} {n}");
                }
                assert_eq!(s.element_count(), f.element_count(), "{raw:?}");
                assert_eq!(s.ascii, raw.is_ascii());
                assert_eq!(s.key, id_key(seg.id()), "{raw:?}");
                for n in 0..60 {
                    assert_eq!(s.bytes(n), f.element(n), "{raw:?} {n}");
                    assert_eq!(s.el(n), f.el(n), "{raw:?} {n}");
                    assert_eq!(s.blank(n), f.el(n).is_empty(), "{raw:?} {n}");
                    let comps: Vec<&[u8]> = s.comps(n).map(|(a, b)| &raw[a..b]).collect();
                    let want: Vec<&[u8]> = f.components(n).map(str::as_bytes).collect();
                    assert_eq!(comps, want, "{raw:?} {n}");
                }
            }
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// Any bytes (ASCII, multi-byte UTF-8, invalid UTF-8), any separators, and anything
        /// after the segment in the buffer: `Split` agrees with `Fields`.
        #[test]
        fn split_matches_fields_on_any_bytes(
            raw in proptest::collection::vec(prop_oneof![
                3 => Just(b'*'), 1 => Just(b':'), 1 => Just(0xA7u8), 1 => Just(0xC3u8),
                4 => any::<u8>(), 6 => b'A'..=b'Z',
            ], 0..120),
            after in proptest::collection::vec(any::<u8>(), 0..40),
            text in any::<String>(),
            at in any::<prop::sample::Index>(),
            element in prop_oneof![Just(b'*'), Just(0xA7u8), Just(b'|'), any::<u8>()],
            component in prop_oneof![Just(b':'), Just(0xC3u8), Just(0xA9u8), any::<u8>()],
        ) {
            let mut raw = raw;
            let i = at.index(raw.len() + 1);
            raw.splice(i..i, text.bytes());
            let d = delims(element, component);
            let mut buf = raw.clone();
            buf.extend_from_slice(&after);
            let seg = Segment::new(&buf[..raw.len()], d, 1, 0);
            let f = seg.fields();
            let mut ends = NO_ENDS;
            let s = Split::new(&seg, &buf, &mut ends);
            prop_assert_eq!(s.element_count(), f.element_count());
            prop_assert_eq!(s.ascii, raw.is_ascii());
            prop_assert_eq!(s.key, id_key(seg.id()));
            for n in 0..(f.element_count() + 3) {
                prop_assert_eq!(s.bytes(n), f.element(n));
                prop_assert_eq!(s.el(n), f.el(n));
                let comps: Vec<&[u8]> = s.comps(n).map(|(a, b)| &raw[a..b]).collect();
                let want: Vec<&[u8]> = f.components(n).map(str::as_bytes).collect();
                prop_assert_eq!(comps, want);
            }
        }
    }
}
