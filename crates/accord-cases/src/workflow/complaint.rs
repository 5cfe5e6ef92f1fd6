//! Provider complaints: CMP-01 about the provider agreement (two levels, business-day clocks),
//! CMP-02 general complaints (one extension for the member's benefit), CMP-03 potential
//! quality-of-care concerns (reported within 24 hours).

use accord_core::{Date, Timestamp};
use serde::Serialize;

use crate::case::{Case, check_window};
use crate::clock::{CaseContext, Clock, ClockKind, Extension, Length};
use crate::error::CaseError;
use crate::event::{Action, Event};
use crate::model::{ClosureReason, Phase};
use crate::workflow::Detail;

/// A provider-agreement complaint's state (CMP-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementState {
    /// The event the complaint is about.
    pub event_date: Date,
    /// 1 or 2.
    pub level: u8,
    /// When the first level was answered.
    pub answered_at: Option<Timestamp>,
    /// When the second level was filed.
    pub second_level_at: Option<Timestamp>,
}

/// A general complaint's state (CMP-02).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GeneralState {
    /// When receipt was acknowledged.
    pub acknowledged_at: Option<Timestamp>,
    /// When the one extension was taken.
    pub extended_at: Option<Timestamp>,
}

/// CMP-01: filed in writing within 10 business days of the event; answered within 30 business
/// days of receipt of the complaint and the requested documentation.
pub(crate) fn file_agreement(
    case: &mut Case,
    event_date: Date,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    if case
        .subject
        .contract_term
        .as_deref()
        .is_none_or(|t| t.trim().is_empty())
    {
        return Err(CaseError::Invalid(
            "subject.contract_term must name the provider-agreement term in dispute (CMP-01)"
                .into(),
        ));
    }
    let today = ctx.local_date(case.filed_at);
    if today < event_date {
        return Err(CaseError::Invalid(format!(
            "the complaint is dated {today}, before the event it is about ({event_date})"
        )));
    }
    let c = &ctx.config.complaints;
    check_window(
        "CMP-01",
        "A complaint about the provider agreement",
        Length::BusinessDays(c.filing_business_days),
        "the event",
        event_date,
        today,
        ctx,
    )?;
    case.start_clock(
        ClockKind::ComplaintAnswer,
        case.filed_at,
        Length::BusinessDays(c.answer_business_days),
        ctx,
    )?;
    case.detail = Detail::AgreementComplaint(AgreementState {
        event_date,
        level: 1,
        answered_at: None,
        second_level_at: None,
    });
    Ok(())
}

pub(crate) fn apply_agreement(
    case: &mut Case,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let Detail::AgreementComplaint(mut a) = std::mem::replace(&mut case.detail, Detail::None)
    else {
        return Err(CaseError::Invalid(
            "complaint case without its detail".into(),
        ));
    };
    let r = step_agreement(case, &mut a, e, ctx);
    case.detail = Detail::AgreementComplaint(a);
    r
}

fn answer_clock(level: u8) -> ClockKind {
    if level == 1 {
        ClockKind::ComplaintAnswer
    } else {
        ClockKind::ComplaintFinalAnswer
    }
}

fn step_agreement(
    case: &mut Case,
    a: &mut AgreementState,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let c = &ctx.config.complaints;
    let working = matches!(
        case.phase,
        Phase::Filed | Phase::UnderReview | Phase::SecondLevel
    );
    let working_phase = if a.level == 1 {
        Phase::UnderReview
    } else {
        Phase::SecondLevel
    };
    match &e.action {
        Action::RequestInformation { what } if working => {
            // CMP-01 counts from receipt of the requested documentation: asking stops the clock.
            if let Some(clock) = case.clock_mut(answer_clock(a.level)) {
                clock.pause(e.at)?;
            }
            case.note(
                e.at,
                "CMP-01",
                format!("documentation requested ({what}); the answer clock restarts on receipt"),
            );
            case.phase = Phase::AwaitingInformation;
        }
        Action::InformationReceived if case.phase == Phase::AwaitingInformation => {
            if let Some(clock) = case.clock_mut(answer_clock(a.level)) {
                clock.restart(e.at, ctx)?;
            }
            case.phase = working_phase;
        }
        Action::Answer if a.level == 1 && (working || case.phase == Phase::AwaitingInformation) => {
            case.stop_clock(ClockKind::ComplaintAnswer);
            a.answered_at = Some(e.at);
            // CMP-01: second level within 10 business days of the answer; the window closes the
            // case when it lapses.
            case.start_clock(
                ClockKind::ComplaintSecondLevelWindow,
                e.at,
                Length::BusinessDays(c.level2_filing_business_days),
                ctx,
            )?;
            case.phase = Phase::Answered;
        }
        Action::FileSecondLevel if case.phase == Phase::Answered => {
            case.stop_clock(ClockKind::ComplaintSecondLevelWindow);
            open_second_level(case, a, e.at, ctx)?;
        }
        Action::FileSecondLevel
            if a.level == 1 && (working || case.phase == Phase::AwaitingInformation) =>
        {
            // CMP-01: without an answer, a second level may be filed once the answer is late and
            // within 35 business days of the first-level complaint.
            let filed_on = ctx.local_date(case.filed_at);
            let today = ctx.local_date(e.at);
            let answer = case.clock(ClockKind::ComplaintAnswer);
            match answer.and_then(|k| k.due) {
                None => {
                    return Err(CaseError::refused(
                        "CMP-01",
                        "the plan is waiting for the documentation it requested; the first-level \
                         answer is not late",
                    ));
                }
                Some(due) if e.at <= due => {
                    return Err(CaseError::refused(
                        "CMP-01",
                        format!(
                            "the first-level answer is not due until {}; a second-level complaint \
                             may be filed after the answer, or without one once it is late",
                            ctx.local_date(due)
                        ),
                    ));
                }
                Some(_) => {}
            }
            check_window(
                "CMP-01",
                "Without an answer, a second-level complaint",
                Length::BusinessDays(c.level2_unanswered_business_days),
                "the first-level complaint",
                filed_on,
                today,
                ctx,
            )?;
            case.stop_clock(ClockKind::ComplaintAnswer);
            open_second_level(case, a, e.at, ctx)?;
        }
        Action::Resolve { .. }
            if case.phase == Phase::SecondLevel || case.phase == Phase::Answered =>
        {
            let detail = if a.level == 2 {
                "final written answer given"
            } else {
                "the provider accepted the first-level answer"
            };
            case.close(ClosureReason::Resolved, Some("CMP-01"), e.at, detail.into());
        }
        other => return Err(case.not_applicable(other.name())),
    }
    Ok(())
}

fn open_second_level(
    case: &mut Case,
    a: &mut AgreementState,
    at: Timestamp,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    a.level = 2;
    a.second_level_at = Some(at);
    case.start_clock(
        ClockKind::ComplaintFinalAnswer,
        at,
        Length::BusinessDays(ctx.config.complaints.final_answer_business_days),
        ctx,
    )?;
    case.phase = Phase::SecondLevel;
    Ok(())
}

/// CMP-02: resolved within 30 calendar days of receipt.
pub(crate) fn file_general(case: &mut Case, ctx: &CaseContext<'_>) -> Result<(), CaseError> {
    case.start_clock(
        ClockKind::ComplaintResolution,
        case.filed_at,
        Length::CalendarDays(ctx.config.complaints.general_resolution_days),
        ctx,
    )?;
    case.detail = Detail::GeneralComplaint(GeneralState {
        acknowledged_at: None,
        extended_at: None,
    });
    Ok(())
}

pub(crate) fn apply_general(
    case: &mut Case,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let Detail::GeneralComplaint(mut g) = std::mem::replace(&mut case.detail, Detail::None) else {
        return Err(CaseError::Invalid(
            "complaint case without its detail".into(),
        ));
    };
    let r = step_general(case, &mut g, e, ctx);
    case.detail = Detail::GeneralComplaint(g);
    r
}

fn step_general(
    case: &mut Case,
    g: &mut GeneralState,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    match &e.action {
        Action::Acknowledge => {
            g.acknowledged_at.get_or_insert(e.at);
            case.phase = Phase::UnderReview;
        }
        Action::RequestInformation { what } => {
            case.note(
                e.at,
                "CMP-02",
                format!("information requested ({what}); the resolution clock keeps running"),
            );
        }
        Action::InformationReceived => {}
        Action::Extend {
            for_member_benefit,
            reason,
        } => {
            let n = ctx.config.complaints.extension_days;
            if !for_member_benefit {
                return Err(CaseError::refused(
                    "CMP-02",
                    format!(
                        "the one extension of {} may be taken only for the member's benefit",
                        Length::CalendarDays(n)
                    ),
                ));
            }
            if let Some(at) = g.extended_at {
                return Err(CaseError::refused(
                    "CMP-02",
                    format!(
                        "the one extension was already taken on {}; there is no second",
                        ctx.local_date(at)
                    ),
                ));
            }
            let Some(clock) = case.clock_mut(ClockKind::ComplaintResolution) else {
                return Err(CaseError::Invalid("no resolution clock is running".into()));
            };
            debug_assert_eq!(clock.spec().extension, Extension::OnceForMemberBenefit);
            let Some(due) = clock.due else {
                return Err(CaseError::Invalid("the resolution clock is paused".into()));
            };
            if e.at > due {
                return Err(CaseError::refused(
                    "CMP-02",
                    format!(
                        "the resolution deadline {} has passed; the extension must be taken before it",
                        ctx.local_date(due)
                    ),
                ));
            }
            extend_by_days(clock, e.at, n, reason.clone(), ctx)?;
            g.extended_at = Some(e.at);
        }
        Action::ExtendTo { .. } => {
            return Err(CaseError::refused(
                "CMP-02",
                format!(
                    "the only extension is one of {}, for the member's benefit",
                    Length::CalendarDays(ctx.config.complaints.extension_days)
                ),
            ));
        }
        Action::Resolve { .. } => {
            case.close(
                ClosureReason::Resolved,
                Some("CMP-02"),
                e.at,
                "complaint resolved; the provider is notified of the resolution".into(),
            );
        }
        other => return Err(case.not_applicable(other.name())),
    }
    Ok(())
}

/// Moves a clock's due date `n` calendar days later (end of that local day).
pub(crate) fn extend_by_days(
    clock: &mut Clock,
    at: Timestamp,
    n: u32,
    reason: String,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let Some(due) = clock.due else {
        return Ok(());
    };
    let last = Length::CalendarDays(n).last_day(ctx.local_date(due), ctx)?;
    clock.extend_to(at, ctx.end_of_day(last)?, reason);
    Ok(())
}

/// CMP-03: a potential quality-of-care concern is reported within 24 hours of being identified.
pub(crate) fn file_quality(
    case: &mut Case,
    identified: Timestamp,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    if identified > case.filed_at {
        return Err(CaseError::Invalid(format!(
            "the concern is identified at {identified}, after it was recorded at {}",
            case.filed_at
        )));
    }
    case.start_clock(
        ClockKind::QualityOfCareReport,
        identified,
        Length::Hours(ctx.config.complaints.quality_of_care_report_hours),
        ctx,
    )?;
    Ok(())
}

pub(crate) fn apply_quality(case: &mut Case, e: &Event) -> Result<(), CaseError> {
    match &e.action {
        Action::Report => {
            case.close(
                ClosureReason::Reported,
                Some("CMP-03"),
                e.at,
                "quality-of-care concern reported".into(),
            );
            Ok(())
        }
        other => Err(case.not_applicable(other.name())),
    }
}
