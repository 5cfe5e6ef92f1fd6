//! The claim history later claims are judged against (CLM-06, CLM-08, UM-01, UM-09), kept
//! compact: a run of a million claims holds about three million earlier lines, so each line is a
//! [`LineKey`] (what the filters compare) and four small integers naming its procedure code,
//! modifiers, rendering NPI and tracking number, each distinct value stored once. A line costs
//! about 56 bytes instead of a [`PriorLine`] with five strings of its own (about 420 bytes with
//! the allocator's share).
//!
//! Lines go in as [`PriorLine`]s and are read back as [`PriorRef`]s: the same fields, borrowed.

use accord_core::{Date, MemberId, Modifier, Npi, ProcedureCode};
use rust_decimal::Decimal;

use crate::facts::{LineKey, PriorLine, PriorStatus, code_key, member_key, npi_key};
use crate::hash::FastMap;

/// Distinct values, each stored once and named by its index.
#[derive(Debug, Clone)]
struct Pool<T> {
    values: Vec<T>,
    index: FastMap<T, u32>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Self {
            values: Vec::new(),
            index: FastMap::default(),
        }
    }
}

impl<T: std::hash::Hash + Eq + Clone> Pool<T> {
    fn intern(&mut self, v: T) -> u32 {
        if let Some(&i) = self.index.get(&v) {
            return i;
        }
        let i = index_of(self.values.len());
        self.values.push(v.clone());
        self.index.insert(v, i);
        i
    }

    fn get(&self, i: u32) -> &T {
        &self.values[i as usize]
    }
}

/// An index into one of the history's tables. Four thousand million distinct values would need
/// far more memory than a machine has; reaching that is a broken invariant, not bad input.
fn index_of(len: usize) -> u32 {
    u32::try_from(len).expect("fewer than 2^32 distinct values in the claim history")
}

/// The history's distinct codes, modifier sets, NPIs and tracking numbers.
#[derive(Debug, Clone, Default)]
struct Interned {
    codes: Pool<ProcedureCode>,
    modifiers: Pool<Vec<Modifier>>,
    npis: Pool<Npi>,
    /// Tracking numbers by claim, in arrival order. A claim's lines arrive together, so a
    /// tracking number equal to the last one reuses it; no map of a million strings is kept.
    /// A removed claim's entry stays (a few dozen bytes).
    trackings: Vec<Box<str>>,
}

impl Interned {
    fn tracking(&mut self, t: String) -> u32 {
        match self.trackings.last() {
            Some(last) if **last == *t => index_of(self.trackings.len() - 1),
            _ => {
                self.trackings.push(t.into_boxed_str());
                index_of(self.trackings.len() - 1)
            }
        }
    }
}

/// What a line names besides its key: indexes into [`Interned`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Names {
    code: u32,
    modifiers: u32,
    rendering: u32,
    tracking: u32,
}

#[derive(Debug, Clone, Default)]
struct MemberHistory {
    /// Sorted by date; the filters read these (contiguous, no pointer chasing).
    keys: Vec<LineKey>,
    /// Same order as `keys`.
    names: Vec<Names>,
    /// Paid units per (code key, year).
    year_paid: Vec<(u64, i16, Decimal)>,
}

impl MemberHistory {
    /// Recomputes the yearly totals from `keys`.
    fn retotal(&mut self) {
        self.year_paid.clear();
        for k in &self.keys {
            if !k.paid {
                continue;
            }
            let y = k.date.year();
            match self
                .year_paid
                .iter_mut()
                .find(|(c, yy, _)| *c == k.code && *yy == y)
            {
                Some(e) => e.2 += k.units,
                None => self.year_paid.push((k.code, y, k.units)),
            }
        }
    }
}

/// Claim history, indexed per member and sorted by date.
#[derive(Debug, Clone, Default)]
pub struct ClaimHistory {
    by_member: FastMap<u128, MemberHistory>,
    interned: Interned,
    len: usize,
}

impl ClaimHistory {
    /// Indexes history lines.
    pub fn new(lines: impl IntoIterator<Item = PriorLine>) -> Self {
        let mut h = Self::default();
        for l in lines {
            let (member, key, names) = h.keep(l);
            let m = h.by_member.entry(member).or_default();
            m.keys.push(key);
            m.names.push(names);
        }
        for m in h.by_member.values_mut() {
            let mut lines: Vec<(LineKey, Names)> =
                m.keys.drain(..).zip(m.names.drain(..)).collect();
            // Stable: lines of one date keep their arrival order.
            lines.sort_by_key(|(k, _)| k.date);
            (m.keys, m.names) = lines.into_iter().unzip();
            m.retotal();
        }
        h
    }

    /// The line's member key, filter key and interned names.
    fn keep(&mut self, l: PriorLine) -> (u128, LineKey, Names) {
        self.len += 1;
        let key = LineKey {
            code: code_key(&l.code),
            rendering: npi_key(&l.rendering),
            date: l.date,
            paid: l.status == PriorStatus::Paid,
            units: l.units,
        };
        let names = Names {
            code: self.interned.codes.intern(l.code),
            modifiers: self.interned.modifiers.intern(l.modifiers),
            rendering: self.interned.npis.intern(l.rendering),
            tracking: self.interned.tracking(l.tracking),
        };
        (member_key(&l.member), key, names)
    }

    /// Adds the lines of a claim just decided, so the next claim of the same run sees them
    /// (CLM-06: a duplicate inside one file is still a duplicate).
    pub fn add(&mut self, lines: impl IntoIterator<Item = PriorLine>) {
        let mut touched: Vec<u128> = Vec::new();
        for l in lines {
            let (member, key, names) = self.keep(l);
            let h = self.by_member.entry(member).or_default();
            // After every line of the same date: history stays in arrival order within a day.
            let at = h.keys.partition_point(|x| x.date <= key.date);
            h.keys.insert(at, key);
            h.names.insert(at, names);
            if !touched.contains(&member) {
                touched.push(member);
            }
        }
        for member in touched {
            if let Some(h) = self.by_member.get_mut(&member) {
                h.retotal();
            }
        }
    }

    /// Removes every line of claim `tracking` for member `m` (CLM-10: a voided or replaced
    /// claim's lines no longer count).
    pub fn remove_claim(&mut self, m: &MemberId, tracking: &str) {
        let Some(h) = self.by_member.get_mut(&member_key(m)) else {
            return;
        };
        let trackings = &self.interned.trackings;
        let before = h.keys.len();
        let mut i = 0;
        while i < h.keys.len() {
            if *trackings[h.names[i].tracking as usize] == *tracking {
                h.keys.remove(i);
                h.names.remove(i);
            } else {
                i += 1;
            }
        }
        self.len -= before - h.keys.len();
        h.retotal();
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// One member's history (one hash look-up; the engine takes it once per claim).
    pub fn member(&self, m: &MemberId) -> MemberView<'_> {
        MemberView {
            interned: &self.interned,
            history: self.by_member.get(&member_key(m)),
        }
    }

    /// Every line of the member, by date.
    pub fn member_lines(&self, m: &MemberId) -> HistLines<'_> {
        self.member(m).lines()
    }

    /// The member's lines on `d`.
    pub fn on_day(&self, m: &MemberId, d: Date) -> HistLines<'_> {
        self.member(m).on_day(d)
    }

    /// CLM-08: units of `code` paid for the member on `d`, not counting claim `exclude`.
    pub fn paid_units_on(
        &self,
        m: &MemberId,
        code: &ProcedureCode,
        d: Date,
        exclude: Option<&str>,
    ) -> Decimal {
        self.member(m).paid_units_between(code, d, d, exclude)
    }

    /// CLM-08, UM-01: units of `code` paid for the member in calendar year `year`, not counting
    /// claim `exclude`.
    pub fn paid_units_in_year(
        &self,
        m: &MemberId,
        code: &ProcedureCode,
        year: i16,
        exclude: Option<&str>,
    ) -> Decimal {
        self.member(m).paid_units_in_year(code, year, exclude)
    }
}

/// An earlier line as the engine reads it: a [`PriorLine`]'s fields, borrowed from the history
/// (the member is the one whose history it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorRef<'a> {
    /// Rendering provider.
    pub rendering: &'a Npi,
    /// Procedure code.
    pub code: &'a ProcedureCode,
    /// Modifiers.
    pub modifiers: &'a [Modifier],
    /// Date of service.
    pub date: Date,
    /// Units paid (or billed, when pending).
    pub units: Decimal,
    /// Paid or pending.
    pub status: PriorStatus,
    /// Tracking number of the claim it belongs to.
    pub tracking: &'a str,
}

/// A run of one member's lines, by date (see [`MemberView::lines`]); reads like a slice of
/// [`PriorRef`]s.
#[derive(Debug, Clone, Copy)]
pub struct HistLines<'a> {
    interned: &'a Interned,
    keys: &'a [LineKey],
    names: &'a [Names],
}

impl<'a> HistLines<'a> {
    /// Number of lines.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The `i`-th line.
    pub fn get(&self, i: usize) -> Option<PriorRef<'a>> {
        Some(self.read(self.keys.get(i)?, self.names.get(i)?))
    }

    /// The first `n` lines (all of them when there are fewer).
    pub fn first(&self, n: usize) -> HistLines<'a> {
        let n = n.min(self.keys.len());
        HistLines {
            interned: self.interned,
            keys: &self.keys[..n],
            names: &self.names[..n],
        }
    }

    /// The lines in order.
    pub fn iter(&self) -> HistIter<'a> {
        HistIter {
            lines: *self,
            front: 0,
            back: self.keys.len(),
        }
    }

    fn read(&self, k: &LineKey, n: &Names) -> PriorRef<'a> {
        let i = self.interned;
        PriorRef {
            rendering: i.npis.get(n.rendering),
            code: i.codes.get(n.code),
            modifiers: i.modifiers.get(n.modifiers),
            date: k.date,
            units: k.units,
            status: if k.paid {
                PriorStatus::Paid
            } else {
                PriorStatus::Pending
            },
            tracking: &i.trackings[n.tracking as usize],
        }
    }
}

impl<'a> IntoIterator for HistLines<'a> {
    type Item = PriorRef<'a>;
    type IntoIter = HistIter<'a>;
    fn into_iter(self) -> HistIter<'a> {
        self.iter()
    }
}

/// The lines of a [`HistLines`], in order (or reversed).
#[derive(Debug, Clone)]
pub struct HistIter<'a> {
    lines: HistLines<'a>,
    front: usize,
    back: usize,
}

impl<'a> Iterator for HistIter<'a> {
    type Item = PriorRef<'a>;
    fn next(&mut self) -> Option<PriorRef<'a>> {
        if self.front >= self.back {
            return None;
        }
        self.front += 1;
        self.lines.get(self.front - 1)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for HistIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.lines.get(self.back)
    }
}

impl ExactSizeIterator for HistIter<'_> {}

/// One member's claim history (see [`ClaimHistory::member`]).
#[derive(Debug, Clone, Copy)]
pub struct MemberView<'a> {
    interned: &'a Interned,
    history: Option<&'a MemberHistory>,
}

impl<'a> MemberView<'a> {
    /// Every line, by date.
    pub fn lines(&self) -> HistLines<'a> {
        let (keys, names) = self.history.map_or((&[][..], &[][..]), |h| {
            (h.keys.as_slice(), h.names.as_slice())
        });
        HistLines {
            interned: self.interned,
            keys,
            names,
        }
    }

    /// The compact keys of [`Self::lines`], same order.
    pub fn keys(&self) -> &'a [LineKey] {
        self.history.map_or(&[], |h| h.keys.as_slice())
    }

    /// Index range of the lines from `from` through `to`.
    pub fn range(&self, from: Date, to: Date) -> std::ops::Range<usize> {
        let keys = self.keys();
        let a = keys.partition_point(|k| k.date < from);
        let b = keys.partition_point(|k| k.date <= to).max(a);
        a..b
    }

    /// The lines on `d`, with their keys.
    pub fn day(&self, d: Date) -> (&'a [LineKey], HistLines<'a>) {
        let r = self.range(d, d);
        let all = self.lines();
        let day = HistLines {
            interned: self.interned,
            keys: &all.keys[r.clone()],
            names: &all.names[r],
        };
        (day.keys, day)
    }

    /// The lines on `d`.
    pub fn on_day(&self, d: Date) -> HistLines<'a> {
        self.day(d).1
    }

    /// The tracking number of line `i` of [`Self::lines`] (`""` past the end).
    fn tracking(&self, i: usize) -> &'a str {
        self.history
            .and_then(|h| h.names.get(i))
            .map_or("", |n| &self.interned.trackings[n.tracking as usize])
    }

    /// CLM-08: units of `code` paid from `from` through `to`, not counting claim `exclude`.
    pub fn paid_units_between(
        &self,
        code: &ProcedureCode,
        from: Date,
        to: Date,
        exclude: Option<&str>,
    ) -> Decimal {
        let ck = code_key(code);
        let keys = self.keys();
        let mut sum = Decimal::ZERO;
        for i in self.range(from, to) {
            let Some(k) = keys.get(i) else { break };
            if k.paid && k.code == ck && exclude.is_none_or(|t| self.tracking(i) != t) {
                sum += k.units;
            }
        }
        sum
    }

    /// CLM-08, UM-01: units of `code` paid in calendar year `year`, not counting claim `exclude`.
    pub fn paid_units_in_year(
        &self,
        code: &ProcedureCode,
        year: i16,
        exclude: Option<&str>,
    ) -> Decimal {
        let Some(h) = self.history else {
            return Decimal::ZERO;
        };
        let ck = code_key(code);
        let total = h
            .year_paid
            .iter()
            .find(|(c, y, _)| *c == ck && *y == year)
            .map_or(Decimal::ZERO, |e| e.2);
        let excluded: Decimal = match exclude {
            None => Decimal::ZERO,
            Some(t) => h
                .keys
                .iter()
                .enumerate()
                .filter(|(i, k)| {
                    k.paid && k.code == ck && k.date.year() == year && self.tracking(*i) == t
                })
                .map(|(_, k)| k.units)
                .sum(),
        };
        total - excluded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn lines() -> Vec<PriorLine> {
        vec![
            prior(&staff(), "H0004", "2026-03-02", 4, PriorStatus::Paid, "T1"),
            prior(
                &clinician(),
                "H0004",
                "2026-03-01",
                2,
                PriorStatus::Paid,
                "T2",
            ),
            prior(
                &staff(),
                "H0004",
                "2026-03-02",
                3,
                PriorStatus::Pending,
                "T3",
            ),
            prior(&staff(), "H0004", "2026-04-02", 1, PriorStatus::Paid, "T4"),
        ]
    }

    #[test]
    fn clm_06_history_added_during_a_run_reads_as_if_loaded_at_once() {
        let all = ClaimHistory::new(lines());
        let mut grown = ClaimHistory::new(lines().into_iter().take(1));
        grown.add(lines().into_iter().skip(1));
        let m = lines()[0].member.clone();
        let code = lines()[0].code.clone();
        assert_eq!(grown.len(), all.len());
        assert_eq!(
            grown.member_lines(&m).iter().collect::<Vec<_>>(),
            all.member_lines(&m).iter().collect::<Vec<_>>()
        );
        assert_eq!(
            grown.paid_units_in_year(&m, &code, 2026, None),
            all.paid_units_in_year(&m, &code, 2026, None)
        );
        assert_eq!(grown.on_day(&m, d("2026-03-02")).len(), 2);
    }

    #[test]
    fn clm_06_lines_read_back_as_they_went_in_by_date_then_arrival() {
        let h = ClaimHistory::new(lines());
        let m = lines()[0].member.clone();
        let back: Vec<PriorLine> = h
            .member_lines(&m)
            .iter()
            .map(|p| PriorLine {
                member: m.clone(),
                rendering: p.rendering.clone(),
                code: p.code.clone(),
                modifiers: p.modifiers.to_vec(),
                date: p.date,
                units: p.units,
                status: p.status,
                tracking: p.tracking.to_owned(),
            })
            .collect();
        let mut want = lines();
        want.sort_by_key(|l| l.date);
        assert_eq!(back, want);
        let reversed: Vec<&str> = h
            .member_lines(&m)
            .iter()
            .rev()
            .map(|p| p.tracking)
            .collect();
        assert_eq!(reversed, ["T4", "T3", "T1", "T2"]);
        assert_eq!(h.member_lines(&m).first(2).len(), 2);
        assert!(h.member_lines(&m).get(4).is_none());
    }

    #[test]
    fn clm_10_removing_a_claim_takes_its_units_out_of_every_total() {
        let mut h = ClaimHistory::new(lines());
        let m = lines()[0].member.clone();
        let code = lines()[0].code.clone();
        assert_eq!(h.paid_units_in_year(&m, &code, 2026, None), dec(7));
        assert_eq!(h.paid_units_in_year(&m, &code, 2026, Some("T1")), dec(3));
        assert_eq!(
            h.paid_units_on(&m, &code, d("2026-03-02"), Some("T1")),
            dec(0)
        );
        h.remove_claim(&m, "T1");
        assert_eq!(h.paid_units_in_year(&m, &code, 2026, None), dec(3));
        assert_eq!(h.len(), 3);
        assert_eq!(h.on_day(&m, d("2026-03-02")).len(), 1);
    }
}
