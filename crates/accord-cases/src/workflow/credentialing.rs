//! Appeals of credentialing decisions (NET-06): filed within 30 calendar days of the committee's
//! notice; the appeals committee decides within 14 business days after its record is complete;
//! a fair hearing, where available, is requested within 30 calendar days and held within 90.

use accord_core::{Date, Timestamp};
use serde::{Deserialize, Serialize};

use crate::case::{Case, check_window};
use crate::clock::{CaseContext, ClockKind, Length};
use crate::error::CaseError;
use crate::event::{Action, Event};
use crate::model::{ClosureReason, Phase};
use crate::workflow::Detail;

/// NET-06 filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialingAppealFiling {
    /// The date of the committee's notice of the adverse decision.
    pub notice_date: Date,
}

/// The appeals committee's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialingOutcome {
    /// The decision stands.
    Supported,
    /// The decision is modified.
    Modified,
    /// The decision is overturned.
    Overturned,
}

/// A credentialing appeal's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CredentialingState {
    /// The notice appealed.
    pub notice_date: Date,
    /// The committee's decision.
    pub outcome: Option<CredentialingOutcome>,
    /// When a fair hearing was requested.
    pub fair_hearing_requested_at: Option<Timestamp>,
}

pub(crate) fn file(
    case: &mut Case,
    f: &CredentialingAppealFiling,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let today = ctx.local_date(case.filed_at);
    if today < f.notice_date {
        return Err(CaseError::Invalid(format!(
            "the appeal is dated {today}, before the notice it appeals ({})",
            f.notice_date
        )));
    }
    check_window(
        "NET-06",
        "An appeal of a credentialing decision",
        Length::CalendarDays(ctx.config.credentialing_appeals.filing_days),
        "the committee's notice",
        f.notice_date,
        today,
        ctx,
    )?;
    case.detail = Detail::Credentialing(CredentialingState {
        notice_date: f.notice_date,
        outcome: None,
        fair_hearing_requested_at: None,
    });
    // The decision clock starts when the committee's record is complete.
    case.phase = Phase::AwaitingRecord;
    Ok(())
}

pub(crate) fn apply(case: &mut Case, e: &Event, ctx: &CaseContext<'_>) -> Result<(), CaseError> {
    let Detail::Credentialing(mut c) = std::mem::replace(&mut case.detail, Detail::None) else {
        return Err(CaseError::Invalid(
            "credentialing appeal without its detail".into(),
        ));
    };
    let out = step(case, &mut c, e, ctx);
    case.detail = Detail::Credentialing(c);
    out
}

fn step(
    case: &mut Case,
    c: &mut CredentialingState,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let s = &ctx.config.credentialing_appeals;
    match &e.action {
        Action::InformationReceived if case.phase == Phase::AwaitingRecord => {
            // NET-06: 14 business days after the record is complete; a paused clock restarts.
            match case.clock_mut(ClockKind::CredentialingAppealDecision) {
                Some(clock) => clock.restart(e.at, ctx)?,
                None => case.start_clock(
                    ClockKind::CredentialingAppealDecision,
                    e.at,
                    Length::BusinessDays(s.decision_business_days),
                    ctx,
                )?,
            }
            case.phase = Phase::UnderReview;
        }
        Action::RequestInformation { what } if case.phase == Phase::UnderReview => {
            if let Some(clock) = case.clock_mut(ClockKind::CredentialingAppealDecision) {
                clock.pause(e.at)?;
            }
            case.note(
                e.at,
                "NET-06",
                format!("the committee asked for more ({what}); its clock restarts when the record is complete"),
            );
            case.phase = Phase::AwaitingRecord;
        }
        Action::DecideCredentialingAppeal {
            outcome,
            fair_hearing_available,
        } if case.phase == Phase::UnderReview => {
            case.stop_clock(ClockKind::CredentialingAppealDecision);
            c.outcome = Some(*outcome);
            if *outcome != CredentialingOutcome::Overturned && *fair_hearing_available {
                case.start_clock(
                    ClockKind::FairHearingRequestWindow,
                    e.at,
                    Length::CalendarDays(s.fair_hearing_request_days),
                    ctx,
                )?;
                case.phase = Phase::FairHearingAvailable;
            } else {
                case.close(
                    ClosureReason::Decided,
                    Some("NET-06"),
                    e.at,
                    format!("appeals committee decision: {outcome:?}").to_lowercase(),
                );
            }
        }
        Action::DecideCredentialingAppeal { .. } if case.phase == Phase::AwaitingRecord => {
            return Err(CaseError::refused(
                "NET-06",
                "the appeals committee decides once its record is complete",
            ));
        }
        Action::RequestFairHearing if case.phase == Phase::FairHearingAvailable => {
            case.stop_clock(ClockKind::FairHearingRequestWindow);
            c.fair_hearing_requested_at = Some(e.at);
            case.start_clock(
                ClockKind::FairHearing,
                e.at,
                Length::CalendarDays(s.fair_hearing_held_days),
                ctx,
            )?;
            case.phase = Phase::FairHearingRequested;
        }
        Action::FairHearingHeld if case.phase == Phase::FairHearingRequested => {
            case.close(
                ClosureReason::Decided,
                Some("NET-06"),
                e.at,
                "fair hearing held; the panel's written recommendation follows".into(),
            );
        }
        other => return Err(case.not_applicable(other.name())),
    }
    Ok(())
}
