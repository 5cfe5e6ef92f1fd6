//! Element and component access on a lexed segment, without allocating.
//!
//! Element numbers are 1-based as in the implementation guides (`NM1-03` is
//! `el(3)`); an absent element reads as the empty string, which is how X12
//! represents "not used".

use memchr::memchr;

use crate::lexer::Delimiters;

/// One segment, borrowed from the lexer's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    raw: &'a [u8],
    delims: Delimiters,
    /// 1-based ordinal of this segment in the input file.
    pub index: u64,
    /// 0-based byte offset of the segment in the input.
    pub offset: u64,
}

impl<'a> Segment<'a> {
    pub fn new(raw: &'a [u8], delims: Delimiters, index: u64, offset: u64) -> Self {
        Segment {
            raw,
            delims,
            index,
            offset,
        }
    }

    /// The segment's bytes without its terminator.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    pub fn delimiters(&self) -> Delimiters {
        self.delims
    }

    /// Segment identifier bytes (`NM1`).
    pub fn id(&self) -> &'a [u8] {
        // IDs are two or three bytes: look only there.
        let sep = self.delims.element;
        let raw = self.raw;
        // The common shapes first (`NM1*`, `HL*`), unrolled.
        let p = if raw.get(3) == Some(&sep) && raw.get(2) != Some(&sep) {
            if raw[0] == sep {
                0
            } else if raw[1] == sep {
                1
            } else {
                3
            }
        } else if raw.get(2) == Some(&sep) && raw[0] != sep && raw[1] != sep {
            2
        } else {
            match memchr(sep, raw) {
                Some(p) => p,
                None => raw.len(),
            }
        };
        &raw[..p]
    }

    /// Segment identifier as text; non-UTF-8 identifiers read as `"?"`.
    pub fn id_str(&self) -> &'a str {
        std::str::from_utf8(self.id()).unwrap_or("?")
    }

    /// Element `n` (1-based) as bytes; empty when absent.
    pub fn element(&self, n: usize) -> &'a [u8] {
        // A plain byte scan: segments are short, and one pass beats a memchr call per element.
        let sep = self.delims.element;
        let raw = self.raw;
        let mut field = 0;
        let mut start = 0;
        for (i, &b) in raw.iter().enumerate() {
            if b == sep {
                if field == n {
                    return &raw[start..i];
                }
                field += 1;
                start = i + 1;
            }
        }
        if field == n { &raw[start..] } else { &[] }
    }

    /// Element `n` (1-based) as text. Invalid UTF-8 reads as empty; the
    /// validator reports it separately as an invalid character.
    pub fn el(&self, n: usize) -> &'a str {
        std::str::from_utf8(self.element(n)).unwrap_or("")
    }

    /// Element `n` as owned text, or `None` when empty: for situational fields.
    pub fn opt(&self, n: usize) -> Option<String> {
        let s = self.el(n);
        (!s.is_empty()).then(|| s.to_string())
    }

    /// Iterator over all elements, index 0 being the segment ID.
    pub fn elements(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        let sep = self.delims.element;
        let raw = self.raw;
        let mut pos = 0usize;
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let rest = &raw[pos..];
            match memchr(sep, rest) {
                Some(p) => {
                    pos += p + 1;
                    Some(&rest[..p])
                }
                None => {
                    done = true;
                    Some(rest)
                }
            }
        })
    }

    /// Number of data elements (not counting the ID), trailing empties included.
    pub fn element_count(&self) -> usize {
        memchr::memchr_iter(self.delims.element, self.raw).count()
    }

    /// Component `c` (1-based) of element `n`; empty when absent.
    pub fn component(&self, n: usize, c: usize) -> &'a str {
        self.components(n).nth(c.wrapping_sub(1)).unwrap_or("")
    }

    /// Components of element `n`.
    pub fn components(&self, n: usize) -> impl Iterator<Item = &'a str> + 'a {
        let e = self.el(n);
        let sep = self.delims.component as char;
        e.split(sep)
    }

    /// Repetitions of element `n` (split on the repetition separator when there is one).
    pub fn repetitions(&self, n: usize) -> Vec<&'a str> {
        let e = self.el(n);
        match self.delims.repetition {
            Some(r) => e.split(r as char).collect(),
            None => vec![e],
        }
    }

    /// The segment as text, for reports.
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(self.raw).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_match_elements() {
        let d = Delimiters::default();
        for raw in [
            &b"SV1*HC:99213:25*40*UN*1***1"[..],
            b"",
            b"*",
            b"AB*CDEFGHIJ*KLMNOPQ*",
            b"NM1*IL*1*DOE*JOHN****MI*123456789",
            b"X\xff*\x80*\xaa\xaa*********",
        ] {
            let s = Segment::new(raw, d, 1, 0);
            let f = s.fields();
            assert_eq!(f.element_count(), s.element_count());
            for n in 0..14 {
                assert_eq!(f.element(n), s.element(n), "{raw:?} {n}");
            }
        }
    }

    #[test]
    fn id_is_text_before_first_separator() {
        let d = Delimiters::default();
        let mut raws: Vec<Vec<u8>> = Vec::new();
        for len in 0..7 {
            for mask in 0..(1u32 << len) {
                raws.push(
                    (0..len)
                        .map(|i| if mask >> i & 1 == 1 { b'*' } else { b'A' })
                        .collect(),
                );
            }
        }
        for raw in &raws {
            let s = Segment::new(raw, d, 1, 0);
            let want = raw.iter().position(|&b| b == b'*').unwrap_or(raw.len());
            assert_eq!(s.id(), &raw[..want], "{raw:?}");
        }
    }

    #[test]
    fn access() {
        let d = Delimiters::default();
        let s = Segment::new(b"SV1*HC:99213:25*40*UN*1***1", d, 1, 0);
        assert_eq!(s.id_str(), "SV1");
        assert_eq!(s.el(2), "40");
        assert_eq!(s.component(1, 2), "99213");
        assert_eq!(s.component(1, 3), "25");
        assert_eq!(s.component(1, 4), "");
        assert_eq!(s.el(9), "");
        assert_eq!(s.element_count(), 7);
    }
}

/// Most element boundaries a [`Fields`] remembers; later elements are found by scanning.
const MAX_FIELDS: usize = 48;

/// A segment with its element boundaries found once, for readers that look at
/// many elements of the same segment. Same accessors as [`Segment`], O(1) each.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    seg: Segment<'a>,
    /// `ends[k]` is the byte offset just past element k (0 = the ID).
    ends: [u32; MAX_FIELDS],
    /// Number of boundaries recorded (elements + 1, capped at MAX_FIELDS).
    n: usize,
    /// Number of data elements in the segment.
    count: usize,
    /// The whole segment as text, validated once (None if it is not UTF-8).
    text: Option<&'a str>,
}

impl<'a> std::ops::Deref for Fields<'a> {
    type Target = Segment<'a>;
    fn deref(&self) -> &Segment<'a> {
        &self.seg
    }
}

impl<'a> Segment<'a> {
    /// Splits the segment into elements once.
    #[inline]
    pub fn fields(&self) -> Fields<'a> {
        let sep = self.delims.element;
        let mut ends = [0u32; MAX_FIELDS];
        let mut n = 0;
        let mut count = 0;
        for (i, &b) in self.raw.iter().enumerate() {
            if b == sep {
                if n < MAX_FIELDS {
                    ends[n] = i as u32;
                    n += 1;
                }
                count += 1;
            }
        }
        if n < MAX_FIELDS {
            ends[n] = self.raw.len() as u32;
            n += 1;
        }
        Fields {
            seg: *self,
            ends,
            n,
            count,
            text: std::str::from_utf8(self.raw).ok(),
        }
    }
}

impl<'a> Fields<'a> {
    /// The plain segment.
    pub fn segment(&self) -> &Segment<'a> {
        &self.seg
    }

    /// Element `n` (1-based) as bytes; empty when absent.
    pub fn element(&self, n: usize) -> &'a [u8] {
        if n >= self.n {
            return if self.n == MAX_FIELDS {
                self.seg.element(n)
            } else {
                &[]
            };
        }
        let start = if n == 0 {
            0
        } else {
            self.ends[n - 1] as usize + 1
        };
        let end = self.ends[n] as usize;
        self.seg.raw.get(start..end).unwrap_or(&[])
    }

    /// Element `n` as text (invalid UTF-8 reads as empty).
    pub fn el(&self, n: usize) -> &'a str {
        if let Some(t) = self.text
            && n < self.n
        {
            // Slicing the validated text: `get` refuses a cut inside a multi-byte character.
            let start = if n == 0 {
                0
            } else {
                self.ends[n - 1] as usize + 1
            };
            return t.get(start..self.ends[n] as usize).unwrap_or("");
        }
        std::str::from_utf8(self.element(n)).unwrap_or("")
    }

    /// Element `n` as owned text, `None` when empty.
    pub fn opt(&self, n: usize) -> Option<String> {
        let s = self.el(n);
        (!s.is_empty()).then(|| s.to_string())
    }

    pub fn element_count(&self) -> usize {
        self.count
    }

    /// Component `c` (1-based) of element `n`.
    pub fn component(&self, n: usize, c: usize) -> &'a str {
        self.components(n).nth(c.wrapping_sub(1)).unwrap_or("")
    }

    pub fn components(&self, n: usize) -> impl Iterator<Item = &'a str> + 'a {
        let e = self.el(n);
        e.split(self.seg.delims.component as char)
    }

    pub fn repetitions(&self, n: usize) -> Vec<&'a str> {
        let e = self.el(n);
        match self.seg.delims.repetition {
            Some(r) => e.split(r as char).collect(),
            None => vec![e],
        }
    }
}
