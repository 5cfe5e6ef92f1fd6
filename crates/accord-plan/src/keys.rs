//! The shapes every table shares: a set of modifiers on a row, and a span of effective dates.

use std::fmt;

use accord_core::{Date, Modifier};

/// The modifiers on a table row, e.g. `HF` or `HF:U1` (written with `:` or `|` between them, at
/// most four as on a claim line). Order does not matter: the set is kept sorted.
///
/// Matching rule, shared by the services catalog, the authorization grid and the fee schedule: a
/// row *matches* a claim line when every modifier of the row is on the line (a row with no
/// modifiers matches any line), and among matching rows the one with the most modifiers wins.
/// Informational modifiers on the line that the plan does not price or grid (e.g. `59`, `GT`)
/// therefore never stop a match. Equally specific matches are resolved by file order (first wins).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModifierSet(Vec<Modifier>);

impl ModifierSet {
    /// No modifiers.
    pub fn empty() -> Self {
        Self(Vec::new())
    }

    /// From modifiers in any order (duplicates are dropped).
    pub fn new(mods: impl IntoIterator<Item = Modifier>) -> Self {
        let mut v: Vec<Modifier> = mods.into_iter().collect();
        v.sort();
        v.dedup();
        Self(v)
    }

    /// Parses `""`, `"HF"`, `"HF:U1"` or `"HF|U1"`. The error is a message for a person.
    pub fn parse(input: &str) -> Result<Self, String> {
        let t = input.trim();
        if t.is_empty() {
            return Ok(Self::empty());
        }
        let mut mods = Vec::new();
        for part in t.split([':', '|']) {
            let m = Modifier::parse(part).map_err(|e| {
                if part.trim() == t {
                    format!("{t:?} {}", e.reason)
                } else {
                    format!("{:?} in {t:?} {}", part.trim(), e.reason)
                }
            })?;
            if mods.contains(&m) {
                return Err(format!("{t:?} lists {m} twice"));
            }
            mods.push(m);
        }
        if mods.len() > 4 {
            return Err(format!("{t:?} has more than 4 modifiers"));
        }
        Ok(Self::new(mods))
    }

    /// The modifiers, sorted.
    pub fn as_slice(&self) -> &[Modifier] {
        &self.0
    }

    /// Number of modifiers.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when every modifier of this (row) set is among `line` (see the matching rule above).
    pub fn matches(&self, line: &[Modifier]) -> bool {
        self.0.iter().all(|m| line.contains(m))
    }
}

impl fmt::Display for ModifierSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<&str> = self.0.iter().map(Modifier::as_str).collect();
        f.write_str(&parts.join(":"))
    }
}

/// Effective dates of a row: from `from` through `to`, both inclusive; `to == None` is open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateSpan {
    /// First day in effect.
    pub from: Date,
    /// Last day in effect (inclusive); `None` while open.
    pub to: Option<Date>,
}

impl DateSpan {
    /// True when `d` is within the span.
    pub fn contains(&self, d: Date) -> bool {
        d >= self.from && self.to.is_none_or(|to| d <= to)
    }

    /// True when the two spans share at least one day.
    pub fn overlaps(&self, other: &DateSpan) -> bool {
        let a_before_b = self.to.is_some_and(|to| to < other.from);
        let b_before_a = other.to.is_some_and(|to| to < self.from);
        !a_before_b && !b_before_a
    }
}

impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to {
            Some(to) => write!(f, "{} to {}", self.from, to),
            None => write!(f, "{} onward", self.from),
        }
    }
}

/// `H0004` or `H0004 HF:U1`: a code and its modifiers, for messages.
pub(crate) fn code_key(code: &accord_core::ProcedureCode, mods: &ModifierSet) -> String {
    if mods.is_empty() {
        code.to_string()
    } else {
        format!("{code} {mods}")
    }
}

/// The index of the most specific row among `candidates` matching `line` (see [`ModifierSet`]).
pub(crate) fn most_specific<'a, T>(
    candidates: impl IntoIterator<Item = &'a T>,
    mods: impl Fn(&T) -> &ModifierSet,
    line: &[Modifier],
) -> Option<&'a T>
where
    T: 'a,
{
    let mut best: Option<(&T, usize)> = None;
    for c in candidates {
        let m = mods(c);
        if m.matches(line) && best.is_none_or(|(_, n)| m.len() > n) {
            best = Some((c, m.len()));
        }
    }
    best.map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn m(s: &str) -> Modifier {
        Modifier::parse(s).unwrap()
    }

    #[test]
    fn modifier_sets_parse_and_match() {
        let s = ModifierSet::parse("u1:HF").unwrap();
        assert_eq!(s.to_string(), "HF:U1");
        assert_eq!(ModifierSet::parse("HF|U1").unwrap(), s);
        assert!(ModifierSet::parse("").unwrap().is_empty());
        assert!(ModifierSet::parse("HFX").is_err());
        assert!(ModifierSet::parse("HF:HF").is_err());
        assert!(s.matches(&[m("U1"), m("59"), m("HF")]));
        assert!(!s.matches(&[m("HF")]));
        assert!(ModifierSet::empty().matches(&[m("HF")]));
    }

    #[test]
    fn spans_are_inclusive() {
        let a = DateSpan {
            from: date(2026, 1, 1),
            to: Some(date(2026, 6, 30)),
        };
        let b = DateSpan {
            from: date(2026, 7, 1),
            to: None,
        };
        assert!(a.contains(date(2026, 6, 30)));
        assert!(!a.contains(date(2026, 7, 1)));
        assert!(!a.overlaps(&b));
        let c = DateSpan {
            from: date(2026, 6, 30),
            to: None,
        };
        assert!(a.overlaps(&c) && c.overlaps(&b));
    }
}
