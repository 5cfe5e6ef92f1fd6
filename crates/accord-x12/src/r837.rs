//! Typed reader for 837P (005010X222A1/A2) and 837I (005010X223A2/A3).
//!
//! Hands out one claim at a time, each with the hierarchy above it (submitter,
//! receiver, billing provider, subscriber, patient), so memory stays bounded by
//! the largest claim, not the file: either borrowed and allocation-free
//! ([`Reader837::next_view`], a [`ClaimView`]) or owned ([`Reader837::next_claim`],
//! a [`Claim`] built from the view; the hierarchy is shared through `Arc`). The reader is
//! tolerant by design: structural and TR3 conformance is judged by
//! [`crate::check`] (which produces the 999); this reader extracts data and
//! only fails a claim when a value it must type (an amount, a number) is malformed.

use std::io::Read;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::lexer::LexError;
use crate::model::Claim;
use crate::segment::Segment;
use crate::view::{ArcCache, ClaimView, Core};

/// A read failure, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Lex(#[from] LexError),
    #[error(
        "segment {segment} ({segment_id}, position {position} in its transaction set), element {element}: {message}"
    )]
    Element {
        segment_id: String,
        /// Segment ordinal in the file.
        segment: u64,
        /// Segment position in the transaction set (ST = 1).
        position: u32,
        element: usize,
        message: String,
    },
}

/// X12 "R" numbers: optional sign, digits, optional decimal point.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    if let Some(d) = parse_plain_decimal(s.as_bytes()) {
        return Some(d);
    }
    if s.is_empty() || s.len() > 30 || s.contains(['e', 'E']) {
        return None;
    }
    let t = s.strip_prefix('+').unwrap_or(s);
    let t2 = if let Some(rest) = t.strip_prefix("-.") {
        format!("-0.{rest}")
    } else if let Some(rest) = t.strip_prefix('.') {
        format!("0.{rest}")
    } else {
        t.to_string()
    };
    Decimal::from_str(&t2).ok()
}

/// [`parse_decimal`] of bytes: `None` when they are not UTF-8 text, as for the empty string.
pub(crate) fn parse_decimal_bytes(b: &[u8]) -> Option<Decimal> {
    match parse_plain_decimal(b) {
        Some(d) => Some(d),
        None => parse_decimal(std::str::from_utf8(b).unwrap_or("")),
    }
}

/// The common shape of an amount (`123`, `40.5`, `0.25`: unsigned, digits on both sides
/// of the point, at most 18 digits) without `Decimal::from_str`'s generality. Gives
/// exactly what `from_str` gives (same mantissa and scale); `None` sends anything
/// else to the general path.
fn parse_plain_decimal(b: &[u8]) -> Option<Decimal> {
    if b.is_empty() || b.len() > 19 {
        return None;
    }
    let mut m: i64 = 0;
    let mut scale = 0u32;
    let mut point = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => m = m * 10 + i64::from(c - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < b.len() => point = Some(i),
            _ => return None,
        }
    }
    if let Some(p) = point {
        scale = (b.len() - p - 1) as u32;
    }
    if b.len() - usize::from(point.is_some()) > 18 {
        return None;
    }
    Some(Decimal::new(m, scale))
}

/// Segment text with the standard separators (`*`, `:`, `^`), for verbatim storage.
pub fn normalized_text(seg: &Segment<'_>) -> String {
    let d = seg.delimiters();
    seg.raw()
        .iter()
        .map(|&b| {
            if b == d.element {
                '*'
            } else if b == d.component {
                ':'
            } else if Some(b) == d.repetition {
                '^'
            } else {
                b as char
            }
        })
        .collect()
}

/// Streaming 837 reader. See the module docs.
pub struct Reader837<R> {
    core: Core<R>,
    cache: ArcCache,
}

impl<R: Read> Reader837<R> {
    pub fn new(src: R) -> Self {
        Reader837 {
            core: Core::new(src),
            cache: ArcCache::default(),
        }
    }

    /// Number of 837 transaction sets seen so far.
    pub fn sets_read(&self) -> u64 {
        self.core.sets_read()
    }

    /// The next claim, borrowed from the reader until the next call: typed (amounts are
    /// `Decimal`, checked) but not copied. `Ok(None)` at end of input; errors as for
    /// [`Reader837::next_claim`].
    pub fn next_view(&mut self) -> Result<Option<ClaimView<'_>>, ReadError> {
        self.core.next_view()
    }

    /// The next claim, `Ok(None)` at end of input. A claim with a malformed
    /// amount comes back as `Err` and reading can continue with the next one;
    /// a lexing error ends the stream.
    pub fn next_claim(&mut self) -> Result<Option<Claim>, ReadError> {
        let cache = &mut self.cache;
        Ok(self.core.next_view()?.map(|v| v.build_claim(cache)))
    }
}

impl<R: Read> Iterator for Reader837<R> {
    type Item = Result<Claim, ReadError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_claim().transpose()
    }
}

/// Reads every claim of an in-memory file (for tests and small files).
pub fn read_claims(input: &[u8]) -> Result<Vec<Claim>, ReadError> {
    Reader837::new(input).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_decimals_match_from_str() {
        for s in [
            "0",
            "7",
            "007",
            "40",
            "40.1",
            "40.10",
            "0.25",
            "123456789012345678",
            "12345678901234567.8",
            "1234567890123456789",
            "1.",
            ".5",
            "-5",
            "+5",
            "1.2.3",
            "99999999999999999.9",
            "000000000000000001",
        ] {
            let general = Decimal::from_str(s).ok();
            if let Some(d) = parse_plain_decimal(s.as_bytes()) {
                let g = general.unwrap_or_else(|| panic!("{s} parsed only by the fast path"));
                assert_eq!((d.mantissa(), d.scale()), (g.mantissa(), g.scale()), "{s}");
                assert_eq!(d.to_string(), g.to_string(), "{s}");
            }
        }
        assert_eq!(parse_decimal(".5"), Some(Decimal::new(5, 1)));
        assert_eq!(parse_decimal("-.5"), Some(Decimal::new(-5, 1)));
        assert_eq!(
            parse_decimal("40.10").map(|d| d.to_string()),
            Some("40.10".into())
        );
        assert_eq!(parse_decimal("1e5"), None);
    }
}
