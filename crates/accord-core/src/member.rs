//! Members, eligibility spans and other coverage, with the pure rules over them.
//!
//! Eligibility is a set of spans per member (ELIG-01); a service is covered only by the span that
//! contains its date of service, and spans change retroactively (a retro termination shortens a
//! span after claims were paid). Other coverage (ELIG-04) is recorded with payer order.

use serde::{Deserialize, Serialize};

use crate::{Date, MemberId, Money};

/// The line of business a plan or span belongs to. Rules differ by program (Medicaid is payer of
/// last resort, PAY-04; state-funded programs use the sliding fee scale, PAY-05; CMS clocks, UM-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Program {
    /// State Medicaid (managed care).
    Medicaid,
    /// Medicare Advantage (CMS-governed).
    MedicareAdvantage,
    /// Commercial / employer coverage.
    Commercial,
    /// State-funded non-Medicaid behavioral-health funds (e.g. DMH/DASA).
    StateFunded,
    /// Employee assistance program.
    Eap,
}

impl Program {
    /// Every program, in a stable order.
    pub const ALL: [Program; 5] = [
        Program::Medicaid,
        Program::MedicareAdvantage,
        Program::Commercial,
        Program::StateFunded,
        Program::Eap,
    ];

    /// The configuration / storage spelling, e.g. `medicaid`.
    pub fn as_str(self) -> &'static str {
        match self {
            Program::Medicaid => "medicaid",
            Program::MedicareAdvantage => "medicare_advantage",
            Program::Commercial => "commercial",
            Program::StateFunded => "state_funded",
            Program::Eap => "eap",
        }
    }

    /// Parses the configuration spelling.
    pub fn parse(s: &str) -> Option<Program> {
        Program::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }
}

impl std::fmt::Display for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Administrative sex as carried on claims (X12 DMG03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Female.
    F,
    /// Male.
    M,
    /// Unknown / not reported.
    U,
}

/// A person enrolled (now or once) with the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The plan's member ID.
    pub member_id: MemberId,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// Date of birth.
    pub birth_date: Date,
    /// Administrative sex.
    pub sex: Sex,
    /// Postal code of residence (5 or 9 digits).
    pub zip: String,
    /// Household size, for the state sliding fee scale (PAY-05), when known.
    pub family_size: Option<u8>,
    /// Annual household income, for the sliding fee scale (PAY-05), when known.
    pub annual_income: Option<Money>,
    /// Whether the member's 42 CFR Part 2 consent is on file (SEC-02).
    pub sud_consent: bool,
}

/// One span of eligibility (ELIG-01): a member covered by a plan under a program between two dates,
/// both inclusive. `end: None` means open-ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilitySpan {
    /// Whose span.
    pub member_id: MemberId,
    /// The plan (health plan / MCO) code, e.g. `ACCORD-IL`; other plans' spans are kept so switches
    /// between plans can be shown to providers (ELIG-02).
    pub plan_code: String,
    /// The program.
    pub program: Program,
    /// First covered day.
    pub start: Date,
    /// Last covered day, if ended.
    pub end: Option<Date>,
}

impl EligibilitySpan {
    /// True when `d` falls within the span.
    pub fn contains(&self, d: Date) -> bool {
        d >= self.start && self.end.is_none_or(|e| d <= e)
    }
}

/// ELIG-01: the span of `plan_code` that covers date of service `dos`, if any. When spans overlap
/// (bad data from an enrollment feed), the one that started last wins, as the most recent enrollment
/// decision.
pub fn coverage_on<'a>(
    spans: &'a [EligibilitySpan],
    plan_code: &str,
    dos: Date,
) -> Option<&'a EligibilitySpan> {
    spans
        .iter()
        .filter(|s| s.plan_code == plan_code && s.contains(dos))
        .max_by_key(|s| s.start)
}

/// Why a date of service is not covered, for explanations and CARC selection (26: before coverage,
/// 27: after coverage ended, 31: never a member).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotCovered {
    /// The member has no span with this plan at all.
    NeverEnrolled,
    /// The date is before the member's first span with this plan.
    BeforeCoverage,
    /// The date is after a span ended (and no later span covers it).
    AfterCoverageEnded,
    /// The date falls in a gap between spans.
    InGap,
}

/// ELIG-01: covered, or the reason it is not.
pub fn check_coverage<'a>(
    spans: &'a [EligibilitySpan],
    plan_code: &str,
    dos: Date,
) -> Result<&'a EligibilitySpan, NotCovered> {
    if let Some(s) = coverage_on(spans, plan_code, dos) {
        return Ok(s);
    }
    let mine: Vec<&EligibilitySpan> = spans.iter().filter(|s| s.plan_code == plan_code).collect();
    if mine.is_empty() {
        return Err(NotCovered::NeverEnrolled);
    }
    if mine.iter().all(|s| dos < s.start) {
        return Err(NotCovered::BeforeCoverage);
    }
    if mine.iter().all(|s| s.end.is_some_and(|e| dos > e)) {
        return Err(NotCovered::AfterCoverageEnded);
    }
    Err(NotCovered::InGap)
}

/// A change of plan seen in a member's spans (ELIG-02): on `date` the member left `from_plan` for
/// `to_plan`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSwitch {
    /// The first day under the new plan.
    pub date: Date,
    /// The plan left.
    pub from_plan: String,
    /// The plan joined.
    pub to_plan: String,
}

/// ELIG-02: every switch between plans in a member's history, in date order. A switch is a span of
/// one plan followed (the next day or later) by a span of a different plan.
pub fn plan_switches(spans: &[EligibilitySpan]) -> Vec<PlanSwitch> {
    let mut sorted: Vec<&EligibilitySpan> = spans.iter().collect();
    sorted.sort_by_key(|s| s.start);
    sorted
        .windows(2)
        .filter(|w| w[0].plan_code != w[1].plan_code)
        .map(|w| PlanSwitch {
            date: w[1].start,
            from_plan: w[0].plan_code.clone(),
            to_plan: w[1].plan_code.clone(),
        })
        .collect()
}

/// Other coverage a member has (ELIG-04), in payer order (1 = primary to this plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherCoverage {
    /// Whose coverage.
    pub member_id: MemberId,
    /// Payer order: 1 pays before this plan, 2 after the first, and so on.
    pub payer_order: u8,
    /// Other payer's name.
    pub payer_name: String,
    /// Other payer's ID (as on claims, NM109 of loop 2330B).
    pub payer_id: String,
    /// Policy or group number.
    pub policy_number: String,
    /// First covered day.
    pub start: Date,
    /// Last covered day, if ended.
    pub end: Option<Date>,
    /// When the member last attested to this coverage.
    pub last_attested: Option<Date>,
}

/// ELIG-04: true when the member's attestation of other coverage is overdue on `today`, given how
/// often the plan requires it (`every_days`; `None` means the plan does not require re-attestation).
pub fn attestation_overdue(oc: &OtherCoverage, today: Date, every_days: Option<u32>) -> bool {
    let Some(every) = every_days else {
        return false;
    };
    match oc.last_attested {
        None => true,
        Some(d) => crate::calendar::calendar_days_between(d, today) > i64::from(every),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn span(plan: &str, start: Date, end: Option<Date>) -> EligibilitySpan {
        EligibilitySpan {
            member_id: MemberId::parse("M100").unwrap(),
            plan_code: plan.into(),
            program: Program::Medicaid,
            start,
            end,
        }
    }

    #[test]
    fn elig_01_only_the_span_containing_the_date_covers_it() {
        let spans = [
            span("ACCORD", date(2026, 1, 1), Some(date(2026, 3, 31))),
            span("OTHER", date(2026, 4, 1), Some(date(2026, 6, 30))),
            span("ACCORD", date(2026, 7, 1), None),
        ];
        assert!(coverage_on(&spans, "ACCORD", date(2026, 3, 31)).is_some());
        assert_eq!(
            check_coverage(&spans, "ACCORD", date(2026, 4, 1)),
            Err(NotCovered::InGap)
        );
        assert_eq!(
            check_coverage(&spans, "ACCORD", date(2025, 12, 31)),
            Err(NotCovered::BeforeCoverage)
        );
        assert!(coverage_on(&spans, "ACCORD", date(2030, 1, 1)).is_some());
        assert_eq!(
            check_coverage(&spans, "NOPE", date(2026, 1, 1)),
            Err(NotCovered::NeverEnrolled)
        );
    }

    #[test]
    fn elig_01_retro_termination_uncovers_later_dates() {
        let spans = [span("ACCORD", date(2026, 1, 1), Some(date(2026, 2, 14)))];
        assert_eq!(
            check_coverage(&spans, "ACCORD", date(2026, 2, 15)),
            Err(NotCovered::AfterCoverageEnded)
        );
    }

    #[test]
    fn elig_02_plan_switches_are_listed() {
        let spans = [
            span("OTHER", date(2026, 4, 1), Some(date(2026, 6, 30))),
            span("ACCORD", date(2026, 1, 1), Some(date(2026, 3, 31))),
            span("ACCORD", date(2026, 7, 1), None),
        ];
        let s = plan_switches(&spans);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].date, date(2026, 4, 1));
        assert_eq!(s[0].to_plan, "OTHER");
        assert_eq!(s[1].from_plan, "OTHER");
    }

    #[test]
    fn elig_04_attestation_overdue() {
        let mut oc = OtherCoverage {
            member_id: MemberId::parse("M100").unwrap(),
            payer_order: 1,
            payer_name: "Acme Health".into(),
            payer_id: "ACME1".into(),
            policy_number: "G1".into(),
            start: date(2025, 1, 1),
            end: None,
            last_attested: Some(date(2025, 6, 1)),
        };
        assert!(!attestation_overdue(&oc, date(2026, 6, 1), Some(365)));
        assert!(attestation_overdue(&oc, date(2026, 6, 2), Some(365)));
        assert!(!attestation_overdue(&oc, date(2030, 1, 1), None));
        oc.last_attested = None;
        assert!(attestation_overdue(&oc, date(2025, 1, 2), Some(365)));
    }
}
