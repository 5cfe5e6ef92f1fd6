//! The snapshot of facts a claim is adjudicated against: plan, member, eligibility, other
//! coverage, provider standing, authorizations, claim history, transition of care and the
//! original decision for corrected/void claims.
//!
//! Everything here is plain data built by the shell. The large collections (providers,
//! authorizations, history) are indexed once so that one claim costs hash look-ups, never scans of
//! the whole book: history is grouped per member and sorted by date.

use std::collections::HashMap;

use accord_core::member::{EligibilitySpan, Member, OtherCoverage};
use accord_core::provider::{Provider, Sanction, Standing, StatusSpan, standing_on};
use accord_core::{Date, MemberId, Modifier, Money, Npi, ProcedureCode};
use accord_plan::Plan;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

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
    by_npi: HashMap<Npi, ProviderFacts>,
}

impl ProviderDirectory {
    /// An empty directory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a provider.
    pub fn insert(&mut self, p: ProviderFacts) {
        self.by_npi.insert(p.provider.npi.clone(), p);
    }

    /// The provider, if known.
    pub fn get(&self, npi: &Npi) -> Option<&ProviderFacts> {
        self.by_npi.get(npi)
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
        let p = self.by_npi.get(npi)?;
        let facility = p
            .provider
            .facility_npi
            .as_ref()
            .and_then(|f| self.by_npi.get(f))
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
    by_member: HashMap<MemberId, Vec<Authorization>>,
}

impl AuthorizationBook {
    /// Indexes a list of authorizations.
    pub fn new(auths: impl IntoIterator<Item = Authorization>) -> Self {
        let mut by_member: HashMap<MemberId, Vec<Authorization>> = HashMap::new();
        for a in auths {
            by_member.entry(a.member.clone()).or_default().push(a);
        }
        Self { by_member }
    }

    /// The member's authorizations.
    pub fn for_member(&self, m: &MemberId) -> &[Authorization] {
        self.by_member.get(m).map_or(&[], Vec::as_slice)
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
    /// Paid units per (code, year).
    year_paid: Vec<(ProcedureCode, i16, Decimal)>,
}

/// Claim history, indexed per member and sorted by date.
#[derive(Debug, Clone, Default)]
pub struct ClaimHistory {
    by_member: HashMap<MemberId, MemberHistory>,
    len: usize,
}

impl ClaimHistory {
    /// Indexes history lines.
    pub fn new(lines: impl IntoIterator<Item = PriorLine>) -> Self {
        let mut by_member: HashMap<MemberId, MemberHistory> = HashMap::new();
        let mut len = 0;
        for l in lines {
            len += 1;
            by_member.entry(l.member.clone()).or_default().lines.push(l);
        }
        for h in by_member.values_mut() {
            h.lines.sort_by_key(|l| l.date);
            for l in &h.lines {
                if l.status != PriorStatus::Paid {
                    continue;
                }
                let y = l.date.year();
                match h
                    .year_paid
                    .iter_mut()
                    .find(|(c, yy, _)| *c == l.code && *yy == y)
                {
                    Some(e) => e.2 += l.units,
                    None => h.year_paid.push((l.code.clone(), y, l.units)),
                }
            }
        }
        Self { by_member, len }
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every line of the member, by date.
    pub fn member_lines(&self, m: &MemberId) -> &[PriorLine] {
        self.by_member.get(m).map_or(&[], |h| h.lines.as_slice())
    }

    /// The member's lines on `d`.
    pub fn on_day(&self, m: &MemberId, d: Date) -> &[PriorLine] {
        let lines = self.member_lines(m);
        let a = lines.partition_point(|l| l.date < d);
        let b = lines.partition_point(|l| l.date <= d);
        &lines[a..b]
    }

    /// CLM-08: units of `code` paid for the member on `d`, not counting claim `exclude`.
    pub fn paid_units_on(
        &self,
        m: &MemberId,
        code: &ProcedureCode,
        d: Date,
        exclude: Option<&str>,
    ) -> Decimal {
        self.paid_units_between(m, code, d, d, exclude)
    }

    /// CLM-08: units of `code` paid for the member from `from` through `to`, not counting claim
    /// `exclude`.
    pub fn paid_units_between(
        &self,
        m: &MemberId,
        code: &ProcedureCode,
        from: Date,
        to: Date,
        exclude: Option<&str>,
    ) -> Decimal {
        let lines = self.member_lines(m);
        let a = lines.partition_point(|l| l.date < from);
        let b = lines.partition_point(|l| l.date <= to);
        lines[a..b.max(a)]
            .iter()
            .filter(|l| {
                l.status == PriorStatus::Paid
                    && &l.code == code
                    && exclude.is_none_or(|t| l.tracking != t)
            })
            .map(|l| l.units)
            .sum()
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
        let Some(h) = self.by_member.get(m) else {
            return Decimal::ZERO;
        };
        let total = h
            .year_paid
            .iter()
            .find(|(c, y, _)| c == code && *y == year)
            .map_or(Decimal::ZERO, |e| e.2);
        let excluded: Decimal = match exclude {
            None => Decimal::ZERO,
            Some(t) => h
                .lines
                .iter()
                .filter(|l| {
                    l.tracking == t
                        && l.status == PriorStatus::Paid
                        && &l.code == code
                        && l.date.year() == year
                })
                .map(|l| l.units)
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
    /// PAY-02 accumulators.
    pub accumulators: Accumulators,
    /// PAY-05: the sliding fee scale's ceiling, percent of the federal poverty guideline
    /// (RULES.md: 100–200%; default 200). Not yet a `plan.toml` field.
    pub sliding_fee_ceiling_percent: Decimal,
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
            accumulators: Accumulators::default(),
            sliding_fee_ceiling_percent: Decimal::from(200),
        }
    }
}
