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
pub use crate::history::{ClaimHistory, HistIter, HistLines, MemberView, PriorRef};
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
