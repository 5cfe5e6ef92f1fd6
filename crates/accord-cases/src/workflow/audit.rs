//! Billing audits (REC-04) and treatment-record reviews (REC-05): records due, a reproducible
//! sample, findings per claim, the error rate against the plan's threshold, repayment or a
//! corrective action plan in 10 business days, monitoring in 90-day increments, and the appeal of
//! findings (presented within 45 days, decided within 10 business days of the meeting).

use accord_core::{Date, Money, Timestamp};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::clock::{CaseContext, Clock, ClockKind, Length};
use crate::error::CaseError;
use crate::event::{Action, Event};
use crate::model::{CaseKind, ClosureReason, Flag, Phase};
use crate::sample;
use crate::workflow::Detail;

/// REC-04 audit filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditFiling {
    /// The sampling frame: tracking numbers of the provider's claims in the audit period.
    pub claims: Vec<String>,
    /// How many to sample.
    pub sample_size: usize,
    /// The seed (recorded so the sample can be drawn again).
    pub seed: u64,
    /// REC-05 business days the provider has to send the records (at least the plan's minimum;
    /// default the minimum).
    #[serde(default)]
    pub records_business_days: Option<u32>,
}

/// One sampled claim's finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The claim's tracking number.
    pub claim: String,
    /// The claim is not supported by the records (improper or unsubstantiated billing).
    pub error: bool,
    /// What was overpaid on it (REC-01: flows to recovery).
    #[serde(default)]
    pub overpaid: Money,
}

/// The reviewing committee's decision on an appeal of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingsAppealOutcome {
    /// The findings stand.
    Uphold,
    /// The findings stand in part.
    UpholdInPart,
    /// The findings are overturned: nothing is owed.
    Overturn,
}

/// An audit's or review's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditState {
    /// Size of the sampling frame (distinct claims).
    pub population: usize,
    /// The seed.
    pub seed: Option<u64>,
    /// The sampled claims, in frame order.
    pub sample: Vec<String>,
    /// Findings per sampled claim.
    pub findings: Vec<Finding>,
    /// Errors over sampled claims, in percent (two decimals).
    pub error_rate_percent: Option<Decimal>,
    /// The error rate is above the plan's threshold.
    pub corrective_action: bool,
    /// The last day to appeal the findings, from the findings letter.
    pub appeal_by: Option<Date>,
    /// The appeal's outcome.
    pub appeal_outcome: Option<FindingsAppealOutcome>,
    /// Monitoring increments started.
    pub monitoring_increments: u32,
    /// Findings recorded one claim at a time, before they are issued.
    pub draft: Vec<DraftFinding>,
    /// When the findings became final (REC-04): from then on they are a recovery (REC-01).
    pub finalized_at: Option<Timestamp>,
    /// Repayments received from the provider, in order.
    pub repaid: Vec<Money>,
}

/// A finding recorded while the records are reviewed, with the analyst's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftFinding {
    /// The finding.
    pub finding: Finding,
    /// Why.
    pub reason: String,
}

impl AuditState {
    /// REC-01: what the findings say was overpaid, per claim (empty once overturned on appeal).
    pub fn overpayments(&self) -> Vec<(&str, Money)> {
        if self.appeal_outcome == Some(FindingsAppealOutcome::Overturn) {
            return Vec::new();
        }
        self.findings
            .iter()
            .filter(|f| f.overpaid.amount() > Decimal::ZERO)
            .map(|f| (f.claim.as_str(), f.overpaid))
            .collect()
    }

    /// REC-04 → REC-01: the overpayments that are a recovery, once the findings are final
    /// (empty before, and when the appeal overturned them).
    pub fn final_overpayments(&self) -> Vec<(&str, Money)> {
        if self.finalized_at.is_none() {
            return Vec::new();
        }
        self.overpayments()
    }
}

fn empty(seed: Option<u64>) -> AuditState {
    AuditState {
        population: 0,
        seed,
        sample: Vec::new(),
        findings: Vec::new(),
        error_rate_percent: None,
        corrective_action: false,
        appeal_by: None,
        appeal_outcome: None,
        monitoring_increments: 0,
        draft: Vec::new(),
        finalized_at: None,
        repaid: Vec::new(),
    }
}

/// REC-04/05: draw the sample and ask for the records (not less than 10 business days).
pub(crate) fn file_audit(
    case: &mut Case,
    f: &AuditFiling,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let min = ctx.config.audits.billing_audit_records_business_days;
    let days = f.records_business_days.unwrap_or(min);
    if days < min {
        return Err(CaseError::refused(
            "REC-05",
            format!(
                "records for a billing audit are due in not less than {}; {} were asked",
                Length::BusinessDays(min),
                Length::BusinessDays(days)
            ),
        ));
    }
    let drawn = sample::draw(&f.claims, f.sample_size, f.seed)?;
    let mut state = empty(Some(f.seed));
    let mut frame: Vec<&str> = f
        .claims
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    frame.sort_unstable();
    frame.dedup();
    state.population = frame.len();
    state.sample = drawn;
    case.start_clock(
        ClockKind::RecordsDue,
        case.filed_at,
        Length::BusinessDays(days),
        ctx,
    )?;
    case.detail = Detail::Audit(state);
    case.phase = Phase::AwaitingRecords;
    Ok(())
}

/// REC-05: records for a treatment-record review are due in 5 business days.
pub(crate) fn file_record_review(case: &mut Case, ctx: &CaseContext<'_>) -> Result<(), CaseError> {
    case.start_clock(
        ClockKind::RecordsDue,
        case.filed_at,
        Length::BusinessDays(ctx.config.audits.treatment_record_business_days),
        ctx,
    )?;
    case.detail = Detail::Audit(empty(None));
    case.phase = Phase::AwaitingRecords;
    Ok(())
}

pub(crate) fn apply(case: &mut Case, e: &Event, ctx: &CaseContext<'_>) -> Result<(), CaseError> {
    let Detail::Audit(mut a) = std::mem::replace(&mut case.detail, Detail::None) else {
        return Err(CaseError::Invalid("audit case without its detail".into()));
    };
    let r = step(case, &mut a, e, ctx);
    case.detail = Detail::Audit(a);
    r
}

fn step(
    case: &mut Case,
    a: &mut AuditState,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let s = &ctx.config.audits;
    let today = ctx.local_date(e.at);
    match &e.action {
        Action::RecordsReceived if case.phase == Phase::AwaitingRecords => {
            case.stop_clock(ClockKind::RecordsDue);
            case.phase = Phase::ReviewingRecords;
        }
        Action::Finding {
            claim,
            error,
            overpaid,
            reason,
        } if case.phase == Phase::ReviewingRecords && case.kind == CaseKind::BillingAudit => {
            let finding = Finding {
                claim: claim.trim().to_owned(),
                error: error.unwrap_or(overpaid.amount() > Decimal::ZERO),
                overpaid: *overpaid,
            };
            check_finding(&a.sample, &finding)?;
            a.draft.retain(|d| d.finding.claim != finding.claim);
            a.draft.push(DraftFinding {
                finding,
                reason: reason.trim().to_owned(),
            });
        }
        Action::Findings {
            findings,
            appeal_by,
        } if case.phase == Phase::ReviewingRecords && case.kind == CaseKind::BillingAudit => {
            // No list: issue the findings recorded one claim at a time, in sample order.
            let findings = &if findings.is_empty() {
                a.sample
                    .iter()
                    .filter_map(|c| a.draft.iter().find(|d| &d.finding.claim == c))
                    .map(|d| d.finding.clone())
                    .collect()
            } else {
                findings.clone()
            };
            check_findings(&a.sample, findings)?;
            if *appeal_by < today {
                return Err(CaseError::Invalid(format!(
                    "the appeal due date {appeal_by} is before the findings ({today})"
                )));
            }
            let errors = findings.iter().filter(|f| f.error).count();
            let rate = (Decimal::from(errors as u64) * Decimal::ONE_HUNDRED
                / Decimal::from(a.sample.len().max(1) as u64))
            .round_dp(2);
            // REC-04: above the threshold → corrective action.
            a.corrective_action = rate > Decimal::from(s.error_rate_threshold_percent);
            a.error_rate_percent = Some(rate);
            a.findings = findings.clone();
            a.appeal_by = Some(*appeal_by);
            let owed = findings.iter().any(|f| f.overpaid.amount() > Decimal::ZERO);
            if owed || a.corrective_action {
                case.start_clock(
                    ClockKind::Repayment,
                    e.at,
                    Length::BusinessDays(s.repayment_business_days),
                    ctx,
                )?;
            }
            let window = Clock::until_date(ClockKind::FindingsAppealWindow, e.at, *appeal_by, ctx)?;
            case.clocks.push(window);
            case.note(
                e.at,
                "REC-04",
                format!(
                    "error rate {rate}% ({errors} of {}); threshold {}%{}",
                    a.sample.len(),
                    s.error_rate_threshold_percent,
                    if a.corrective_action {
                        ": corrective action required"
                    } else {
                        ""
                    }
                ),
            );
            case.phase = Phase::FindingsIssued;
        }
        Action::AppealFindings
            if case.phase == Phase::FindingsIssued && a.appeal_outcome.is_none() =>
        {
            if case.stop_clock(ClockKind::FindingsAppealWindow).is_none() {
                let by = a.appeal_by.map(|d| d.to_string()).unwrap_or_default();
                return Err(CaseError::refused(
                    "REC-04",
                    format!(
                        "an appeal of the audit findings must be received by {by} (the date in \
                         the report of findings); today is {today}"
                    ),
                ));
            }
            // Repayment waits for the committee: it is due 10 business days after its findings
            // letter (003 §11.15).
            if let Some(c) = case.clock_mut(ClockKind::Repayment) {
                c.pause(e.at)?;
            }
            case.start_clock(
                ClockKind::FindingsAppealReview,
                e.at,
                Length::CalendarDays(s.appeal_review_days),
                ctx,
            )?;
            case.phase = Phase::FindingsAppealed;
        }
        Action::CommitteeMet
            if case.phase == Phase::FindingsAppealed
                && case.clock(ClockKind::FindingsAppealReview).is_some() =>
        {
            case.stop_clock(ClockKind::FindingsAppealReview);
            case.start_clock(
                ClockKind::FindingsAppealDecision,
                e.at,
                Length::BusinessDays(s.appeal_decision_business_days),
                ctx,
            )?;
        }
        Action::ExtendTo { until, reason } if case.phase == Phase::FindingsAppealed => {
            let Some(clock) = case.clocks.iter_mut().find(|c| {
                matches!(
                    c.kind,
                    ClockKind::FindingsAppealReview | ClockKind::FindingsAppealDecision
                )
            }) else {
                return Err(CaseError::Invalid("no appeal clock is running".into()));
            };
            let current = clock.due.map(|d| ctx.local_date(d));
            if current.is_some_and(|d| *until <= d) {
                return Err(CaseError::refused(
                    "REC-04",
                    format!(
                        "a letter of extension must name a date after the current due date {}",
                        current.map(|d| d.to_string()).unwrap_or_default()
                    ),
                ));
            }
            clock.extend_to(e.at, ctx.end_of_day(*until)?, reason.clone());
        }
        Action::DecideFindingsAppeal { outcome }
            if case.phase == Phase::FindingsAppealed
                && case.clock(ClockKind::FindingsAppealDecision).is_some() =>
        {
            case.stop_clock(ClockKind::FindingsAppealDecision);
            a.appeal_outcome = Some(*outcome);
            if *outcome == FindingsAppealOutcome::Overturn {
                case.stop_clock(ClockKind::Repayment);
                a.corrective_action = false;
            } else if let Some(c) = case.clock_mut(ClockKind::Repayment) {
                c.restart(e.at, ctx)?;
            }
            case.phase = Phase::FindingsIssued;
        }
        Action::DecideFindingsAppeal { .. } if case.phase == Phase::FindingsAppealed => {
            return Err(CaseError::refused(
                "REC-04",
                "the committee decides after it has met on the appeal",
            ));
        }
        Action::RepaymentReceived | Action::InstallmentPlanApproved
            if case.clock(ClockKind::Repayment).is_some() =>
        {
            case.stop_clock(ClockKind::Repayment);
        }
        Action::Finalize
            if matches!(case.phase, Phase::FindingsIssued | Phase::Monitoring)
                && case.kind == CaseKind::BillingAudit =>
        {
            finalize(case, a, e)?;
        }
        Action::Repay { amount } if a.finalized_at.is_some() => {
            if amount.amount() <= Decimal::ZERO {
                return Err(CaseError::Invalid(format!(
                    "amount: a repayment must be positive, not {amount}"
                )));
            }
            let owed: Money = a.final_overpayments().iter().map(|(_, m)| *m).sum();
            let repaid: Money = a.repaid.iter().copied().sum();
            if repaid + *amount > owed {
                return Err(CaseError::Invalid(format!(
                    "amount: {amount} is more than the {} still owed on the findings",
                    owed - repaid
                )));
            }
            a.repaid.push(*amount);
            case.stop_clock(ClockKind::Repayment);
        }
        Action::Repay { .. } if case.kind == CaseKind::BillingAudit => {
            return Err(CaseError::refused(
                "REC-04",
                "a repayment is recorded once the findings are final (finalize)",
            ));
        }
        Action::StartMonitoring if case.phase == Phase::FindingsIssued && a.corrective_action => {
            case.start_clock(
                ClockKind::MonitoringIncrement,
                e.at,
                Length::CalendarDays(s.monitoring_days),
                ctx,
            )?;
            a.monitoring_increments = 1;
            case.phase = Phase::Monitoring;
        }
        Action::ContinueMonitoring if case.phase == Phase::Monitoring => {
            // The next increment starts where the last one ends (never earlier).
            let start = case
                .clock(ClockKind::MonitoringIncrement)
                .and_then(|c| c.due)
                .map_or(e.at, |d| d.max(e.at));
            case.start_clock(
                ClockKind::MonitoringIncrement,
                start,
                Length::CalendarDays(s.monitoring_days),
                ctx,
            )?;
            a.monitoring_increments += 1;
        }
        Action::EndMonitoring if case.phase == Phase::Monitoring => {
            case.stop_clock(ClockKind::MonitoringIncrement);
            case.phase = Phase::FindingsIssued;
        }
        Action::Complete
            if matches!(case.phase, Phase::FindingsIssued | Phase::ReviewingRecords) =>
        {
            if case.phase == Phase::ReviewingRecords && case.kind == CaseKind::BillingAudit {
                return Err(CaseError::refused(
                    "REC-04",
                    "a billing audit completes after its findings are issued",
                ));
            }
            if case.clock(ClockKind::Repayment).is_some() {
                return Err(CaseError::refused(
                    "REC-04",
                    "the repayment or corrective action plan is still due",
                ));
            }
            let rule = if case.kind == CaseKind::BillingAudit {
                "REC-04"
            } else {
                "REC-05"
            };
            case.close(
                ClosureReason::Completed,
                Some(rule),
                e.at,
                format!("{} completed", case.kind),
            );
        }
        other => return Err(case.not_applicable(other.name())),
    }
    Ok(())
}

/// REC-04: the findings are final once the provider can no longer appeal them — the window in
/// the findings letter ended unused — or the committee decided the appeal. Final once.
fn finalize(case: &mut Case, a: &mut AuditState, e: &Event) -> Result<(), CaseError> {
    if let Some(on) = a.finalized_at {
        return Err(CaseError::refused(
            "REC-04",
            format!("the findings were made final at {on}; their recoveries are already open"),
        ));
    }
    if let Some(by) = a
        .appeal_by
        .filter(|_| case.clock(ClockKind::FindingsAppealWindow).is_some())
    {
        return Err(CaseError::refused(
            "REC-04",
            format!(
                "the findings become final when the provider's appeal window ends on {by} \
                 or the committee decides an appeal; the window is still open"
            ),
        ));
    }
    a.finalized_at = Some(e.at);
    let owed: Money = a.final_overpayments().iter().map(|(_, m)| *m).sum();
    case.note(
        e.at,
        "REC-04",
        format!(
            "findings final: {owed} overpaid on {} claims becomes a recovery (REC-01)",
            a.final_overpayments().len()
        ),
    );
    Ok(())
}

fn check_finding(sample: &[String], f: &Finding) -> Result<(), CaseError> {
    if !sample.contains(&f.claim) {
        return Err(CaseError::Invalid(format!(
            "claim {} is not in the audit sample",
            f.claim
        )));
    }
    if f.overpaid.amount() < Decimal::ZERO {
        return Err(CaseError::Invalid(format!(
            "claim {}: an overpayment cannot be negative",
            f.claim
        )));
    }
    Ok(())
}

fn check_findings(sample: &[String], findings: &[Finding]) -> Result<(), CaseError> {
    let mut seen = std::collections::BTreeSet::new();
    for f in findings {
        if !sample.contains(&f.claim) {
            return Err(CaseError::Invalid(format!(
                "claim {} is not in the audit sample",
                f.claim
            )));
        }
        if !seen.insert(f.claim.as_str()) {
            return Err(CaseError::Invalid(format!(
                "claim {} has two findings",
                f.claim
            )));
        }
        if f.overpaid.amount() < Decimal::ZERO {
            return Err(CaseError::Invalid(format!(
                "claim {}: an overpayment cannot be negative",
                f.claim
            )));
        }
    }
    if let Some(missing) = sample.iter().find(|c| !seen.contains(c.as_str())) {
        return Err(CaseError::Invalid(format!(
            "sampled claim {missing} has no finding; the error rate is over the whole sample"
        )));
    }
    Ok(())
}

pub(crate) fn flags(case: &Case, a: &AuditState) -> Vec<Flag> {
    let mut out = Vec::new();
    if a.corrective_action && !case.is_closed() {
        out.push(Flag::CorrectiveActionRequired);
    }
    if case.phase == Phase::Monitoring {
        out.push(Flag::ClaimsMonitored);
    }
    out
}
