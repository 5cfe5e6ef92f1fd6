//! The snapshot of facts a claim is adjudicated against: plan, member, eligibility, other
//! coverage, provider standing, authorizations, claim history, transition of care and the
//! original decision for corrected/void claims.
//!
//! Everything here is plain data built by the shell. The large collections (providers,
//! authorizations, history) are indexed once so that one claim costs hash look-ups, never scans of
//! the whole book: history is grouped per member and sorted by date.

use accord_core::member::{EligibilitySpan, Member, OtherCoverage};
use accord_core::provider::{Provider, Sanction, Standing, StatusSpan, standing_on};
use accord_core::{Date, MemberId, Modifier, Money, Npi, ProcedureCode};
use accord_plan::Plan;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::hash::FastMap;
use crate::outcome::Decision;

/// A provider with its network status spans and sanctions (NET-05, NET-08).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderFacts {
    /// The provider record.
    pub provider: Provider,
    /// Network status spans.
    pub statuses: Vec<StatusSpan>,
    /// Sanctions.
    pub sanctions: Vec<Sanction>,
}

/// Providers by NPI.
#[derive(Debug, Clone, Default)]
pub struct ProviderDirectory {
    by_npi: FastMap<u64, ProviderFacts>,
}

impl ProviderDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a provider.
    pub fn insert(&mut self, p: ProviderFacts) {
        self.by_npi.insert(npi_key(&p.provider.npi), p);
    }

    /// The provider, if known.
    pub fn get(&self, npi: &Npi) -> Option<&ProviderFacts> {
        self.by_npi.get(&npi_key(npi))
    }

    /// Number of providers.
    pub fn len(&self) -> usize {
        self.by_npi.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.by_npi.is_empty()
    }

    /// NET-05, NET-08, NET-09: the provider's standing on `d`, with its facility's standing
    /// applied for staff of a credentialed facility. `None` when the NPI is unknown.
    pub fn standing(&self, npi: &Npi, d: Date) -> Option<Standing> {
        let p = self.by_npi.get(&npi_key(npi))?;
        let facility = p
            .provider
            .facility_npi
            .as_ref()
            .and_then(|f| self.by_npi.get(&npi_key(f)))
            .map(|f| standing_on(&f.provider, &f.statuses, &f.sanctions, None, d));
        Some(standing_on(
            &p.provider,
            &p.statuses,
            &p.sanctions,
            facility.as_ref(),
            d,
        ))
    }
}

impl FromIterator<ProviderFacts> for ProviderDirectory {
    fn from_iter<I: IntoIterator<Item = ProviderFacts>>(iter: I) -> Self {
        let mut d = Self::new();
        for p in iter {
            d.insert(p);
        }
        d
    }
}

/// An approved authorization (UM-04), as imported for now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    /// Authorization number.
    pub id: String,
    /// Member.
    pub member: MemberId,
    /// Provider authorized (rendering or billing NPI).
    pub provider: Npi,
    /// Services authorized (code + modifiers that must be on the line).
    pub services: Vec<(ProcedureCode, Vec<Modifier>)>,
    /// Level of care.
    pub level_of_care: String,
    /// First authorized date.
    pub start: Date,
    /// Last authorized date.
    pub end: Date,
    /// Units authorized.
    pub units_authorized: Decimal,
    /// Units already used by earlier claims (UM-04: counted from claims).
    pub units_used: Decimal,
}

impl Authorization {
    /// True when the authorization covers this service for this provider on `d`.
    pub fn covers(&self, provider: &Npi, code: &ProcedureCode, mods: &[Modifier], d: Date) -> bool {
        &self.provider == provider
            && d >= self.start
            && d <= self.end
            && self
                .services
                .iter()
                .any(|(c, m)| c == code && m.iter().all(|x| mods.contains(x)))
    }

    /// Units left.
    pub fn remaining(&self) -> Decimal {
        (self.units_authorized - self.units_used).max(Decimal::ZERO)
    }
}

/// Authorizations by member.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationBook {
    by_member: FastMap<u128, Vec<Authorization>>,
}

impl AuthorizationBook {
    /// Indexes a list of authorizations.
    pub fn new(auths: impl IntoIterator<Item = Authorization>) -> Self {
        let mut by_member: FastMap<u128, Vec<Authorization>> = FastMap::default();
        for a in auths {
            by_member.entry(member_key(&a.member)).or_default().push(a);
        }
        Self { by_member }
    }

    /// CLM-07, UM-04: records `units` more used on authorization `id` of member `m` (negative
    /// when a reversed claim gives units back); units used never go below zero.
    pub fn consume(&mut self, m: &MemberId, id: &str, units: Decimal) {
        if let Some(a) = self
            .by_member
            .get_mut(&member_key(m))
            .and_then(|v| v.iter_mut().find(|a| a.id == id))
        {
            a.units_used = (a.units_used + units).max(Decimal::ZERO);
        }
    }

    /// The member's authorizations.
    pub fn for_member(&self, m: &MemberId) -> &[Authorization] {
        self.by_member
            .get(&member_key(m))
            .map_or(&[], Vec::as_slice)
    }
}

/// Whether an earlier line was paid or is still pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorStatus {
    /// Paid (counts toward limits, thresholds and duplicates).
    Paid,
    /// Pending (counts toward duplicates only).
    Pending,
}

/// A line of an earlier claim for the member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorLine {
    /// Member.
    pub member: MemberId,
    /// Rendering provider.
    pub rendering: Npi,
    /// Procedure code.
    pub code: ProcedureCode,
    /// Modifiers.
    pub modifiers: Vec<Modifier>,
    /// Date of service.
    pub date: Date,
    /// Units paid (or billed, when pending).
    pub units: Decimal,
    /// Paid or pending.
    pub status: PriorStatus,
    /// Tracking number of the claim it belongs to.
    pub tracking: String,
}

#[derive(Debug, Clone, Default)]
struct MemberHistory {
    /// Sorted by date.
    lines: Vec<PriorLine>,
    /// Compact keys of `lines`, same order: filters read these (contiguous, no pointer chasing)
    /// and touch a full line only on a match.
    keys: Vec<LineKey>,
    /// Paid units per (code key, year).
    year_paid: Vec<(u64, i16, Decimal)>,
}

impl MemberHistory {
    /// Rebuilds the keys and yearly totals from `lines` (sorted by date).
    fn reindex(&mut self) {
        self.keys = self
            .lines
            .iter()
            .map(|l| LineKey {
                code: code_key(&l.code),
                rendering: npi_key(&l.rendering),
                date: l.date,
                paid: l.status == PriorStatus::Paid,
                units: l.units,
            })
            .collect();
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

/// The fields the engine filters history on, inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineKey {
    /// [`code_key`] of the procedure code.
    pub code: u64,
    /// [`npi_key`] of the rendering provider.
    pub rendering: u64,
    /// Date of service.
    pub date: Date,
    /// Paid (not pending).
    pub paid: bool,
    /// Units.
    pub units: Decimal,
}

/// A member ID packed into an integer, injectively: at most 20 characters from `0-9`, `A-Z`, `-`
/// in base 38 (38^20 < 2^128), so index look-ups compare integers instead of chasing strings.
pub fn member_key(m: &MemberId) -> u128 {
    m.as_str().bytes().fold(0u128, |acc, b| {
        let d = match b {
            b'0'..=b'9' => u128::from(b - b'0') + 1,
            b'A'..=b'Z' => u128::from(b - b'A') + 11,
            _ => 37,
        };
        acc.wrapping_mul(38).wrapping_add(d)
    })
}

/// A procedure code packed into an integer, injectively (codes are five ASCII characters).
pub fn code_key(c: &ProcedureCode) -> u64 {
    c.as_str()
        .bytes()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(b))
}

/// An NPI as an integer, injectively (ten decimal digits).
pub fn npi_key(n: &Npi) -> u64 {
    n.as_str().bytes().fold(0u64, |acc, b| {
        acc.wrapping_mul(10)
            .wrapping_add(u64::from(b.wrapping_sub(b'0')))
    })
}

/// Claim history, indexed per member and sorted by date.
#[derive(Debug, Clone, Default)]
pub struct ClaimHistory {
    by_member: FastMap<u128, MemberHistory>,
    len: usize,
}

impl ClaimHistory {
    /// Indexes history lines.
    pub fn new(lines: impl IntoIterator<Item = PriorLine>) -> Self {
        let mut by_member: FastMap<u128, MemberHistory> = FastMap::default();
        let mut len = 0;
        for l in lines {
            len += 1;
            by_member
                .entry(member_key(&l.member))
                .or_default()
                .lines
                .push(l);
        }
        for h in by_member.values_mut() {
            h.lines.sort_by_key(|l| l.date);
            h.reindex();
        }
        Self { by_member, len }
    }

    /// Adds the lines of a claim just decided, so the next claim of the same run sees them
    /// (CLM-06: a duplicate inside one file is still a duplicate).
    pub fn add(&mut self, lines: impl IntoIterator<Item = PriorLine>) {
        let mut touched: Vec<u128> = Vec::new();
        for l in lines {
            let key = member_key(&l.member);
            let h = self.by_member.entry(key).or_default();
            // After every line of the same date: history stays in arrival order within a day.
            let at = h.lines.partition_point(|x| x.date <= l.date);
            h.lines.insert(at, l);
            self.len += 1;
            if !touched.contains(&key) {
                touched.push(key);
            }
        }
        for key in touched {
            if let Some(h) = self.by_member.get_mut(&key) {
                h.reindex();
            }
        }
    }

    /// Removes every line of claim `tracking` for member `m` (CLM-10: a voided or replaced
    /// claim's lines no longer count).
    pub fn remove_claim(&mut self, m: &MemberId, tracking: &str) {
        if let Some(h) = self.by_member.get_mut(&member_key(m)) {
            let before = h.lines.len();
            h.lines.retain(|l| l.tracking != tracking);
            self.len -= before - h.lines.len();
            h.reindex();
        }
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
            history: self.by_member.get(&member_key(m)),
        }
    }

    /// Every line of the member, by date.
    pub fn member_lines(&self, m: &MemberId) -> &[PriorLine] {
        self.member(m).lines()
    }

    /// The member's lines on `d`.
    pub fn on_day(&self, m: &MemberId, d: Date) -> &[PriorLine] {
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

/// One member's claim history (see [`ClaimHistory::member`]).
#[derive(Debug, Clone, Copy)]
pub struct MemberView<'a> {
    history: Option<&'a MemberHistory>,
}

impl<'a> MemberView<'a> {
    /// Every line, by date.
    pub fn lines(&self) -> &'a [PriorLine] {
        self.history.map_or(&[], |h| h.lines.as_slice())
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
    pub fn day(&self, d: Date) -> (&'a [LineKey], &'a [PriorLine]) {
        let r = self.range(d, d);
        (
            self.keys().get(r.clone()).unwrap_or(&[]),
            self.lines().get(r).unwrap_or(&[]),
        )
    }

    /// The lines on `d`.
    pub fn on_day(&self, d: Date) -> &'a [PriorLine] {
        self.day(d).1
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
        let r = self.range(from, to);
        let (keys, lines) = (self.keys(), self.lines());
        let mut sum = Decimal::ZERO;
        for i in r {
            let (Some(k), Some(l)) = (keys.get(i), lines.get(i)) else {
                break;
            };
            if k.paid && k.code == ck && exclude.is_none_or(|t| l.tracking != t) {
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
                .zip(&h.lines)
                .filter(|(k, l)| k.paid && k.code == ck && k.date.year() == year && l.tracking == t)
                .map(|(k, _)| k.units)
                .sum(),
        };
        total - excluded
    }
}

/// ELIG-03: the member is new to the plan and in a course of treatment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionOfCare {
    /// The plan's effective date for the member (start of the new span).
    pub plan_effective: Date,
    /// The member is in a course of treatment (from the previous payer's records or the
    /// provider's attestation).
    pub in_course_of_treatment: bool,
}

/// PAY-02 year-to-date member cost-share accumulators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accumulators {
    /// Deductible met so far this year.
    pub deductible_met: Money,
    /// Out-of-pocket paid so far this year.
    pub out_of_pocket_met: Money,
}

/// A claims examiner's release of pended lines: the claim is decided again with those lines'
/// holds lifted (and, for a line pended for pricing, the rate the examiner set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExaminerRelease {
    /// Lines released, by number.
    pub lines: Vec<u32>,
    /// Rates set by the examiner for lines with no fee-schedule rate, per unit.
    pub rates: Vec<(u32, Money)>,
    /// Who released them.
    pub by: String,
    /// Why.
    pub reason: String,
}

/// Everything a claim is adjudicated against.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    /// The plan (rules, grid, fees, edits).
    pub plan: &'a Plan,
    /// The member the claim's member ID resolves to (`None`: not found).
    pub member: Option<&'a Member>,
    /// The member's eligibility spans, every plan (ELIG-01).
    pub spans: &'a [EligibilitySpan],
    /// The member's other coverage (ELIG-04, PAY-03).
    pub other_coverage: &'a [OtherCoverage],
    /// Providers with status and sanctions (NET-05/08/09).
    pub providers: &'a ProviderDirectory,
    /// Authorizations (CLM-07).
    pub authorizations: &'a AuthorizationBook,
    /// Claim history (CLM-06, CLM-08, UM-01, UM-09).
    pub history: &'a ClaimHistory,
    /// ELIG-03 transition of care, when the member qualifies.
    pub transition_of_care: Option<TransitionOfCare>,
    /// CLM-10: the decision on the claim a corrected/void claim replaces.
    pub original: Option<&'a Decision>,
    /// CLM-10: when the original's payment was remitted (the payment cycle's date), if it was.
    pub original_remitted_on: Option<Date>,
    /// PAY-02 accumulators.
    pub accumulators: Accumulators,
    /// PAY-05: the sliding fee scale's ceiling, percent of the federal poverty guideline
    /// (RULES.md: 100–200%): the last tier of `[sliding_fee]` in `plan.toml` (default 200; a plan
    /// with no tiers has no scale, so 0).
    pub sliding_fee_ceiling_percent: Decimal,
    /// An examiner's release of pended lines, when the claim is decided again after review.
    pub release: Option<&'a ExaminerRelease>,
    /// APL-04: the appeals open on this claim or on an authorization its lines use (the shell
    /// asks the case engine which are open on the claim's receipt; empty: none).
    pub open_appeals: &'a [OpenAppeal],
}

/// APL-04: an appeal open on a claim or an authorization, as the case engine reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAppeal {
    /// The case number, e.g. `APL-2026-000001`.
    pub case: String,
    /// The claim it is about (tracking number), if any.
    pub claim: Option<String>,
    /// The authorization or UM request it is about, if any.
    pub authorization: Option<String>,
}

impl<'a> Facts<'a> {
    /// Facts with no member-specific data: set the public fields for the claim at hand.
    pub fn new(
        plan: &'a Plan,
        providers: &'a ProviderDirectory,
        authorizations: &'a AuthorizationBook,
        history: &'a ClaimHistory,
    ) -> Self {
        Self {
            plan,
            member: None,
            spans: &[],
            other_coverage: &[],
            providers,
            authorizations,
            history,
            transition_of_care: None,
            original: None,
            original_remitted_on: None,
            accumulators: Accumulators::default(),
            sliding_fee_ceiling_percent: plan
                .config
                .sliding_fee
                .ceiling_percent()
                .unwrap_or(Decimal::ZERO),
            release: None,
            open_appeals: &[],
        }
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
        assert_eq!(grown.member_lines(&m), all.member_lines(&m));
        assert_eq!(
            grown.paid_units_in_year(&m, &code, 2026, None),
            all.paid_units_in_year(&m, &code, 2026, None)
        );
        assert_eq!(grown.on_day(&m, d("2026-03-02")).len(), 2);
    }

    #[test]
    fn clm_10_removing_a_claim_takes_its_units_out_of_every_total() {
        let mut h = ClaimHistory::new(lines());
        let m = lines()[0].member.clone();
        let code = lines()[0].code.clone();
        assert_eq!(h.paid_units_in_year(&m, &code, 2026, None), dec(7));
        h.remove_claim(&m, "T1");
        assert_eq!(h.paid_units_in_year(&m, &code, 2026, None), dec(3));
        assert_eq!(h.len(), 3);
        assert_eq!(h.on_day(&m, d("2026-03-02")).len(), 1);
    }
}
