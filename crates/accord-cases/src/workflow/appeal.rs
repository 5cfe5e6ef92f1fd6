//! Appeals of adverse determinations: APL-01 filing windows, APL-02 decision clocks, APL-03
//! reviewer independence, APL-04 no billing of the member, APL-05 administrative appeals first.
//!
//! One case per level: a Level I decision closes its case, and a Level II appeal is a new case
//! filed within its window of the Level I decision.

use accord_core::{Date, Timestamp};
use serde::{Deserialize, Serialize};

use crate::case::{Case, Window, check_window};
use crate::clock::{CaseContext, ClockKind, Length};
use crate::error::CaseError;
use crate::event::{Action, AppealOutcome, Event};
use crate::model::{CaseKind, ClosureReason, Flag, Phase};
use crate::workflow::Detail;

/// Appeal level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealLevel {
    /// Level I (initial).
    One,
    /// Level II.
    Two,
}

/// Timing track, from the member's care at the time of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealTrack {
    /// Urgent care: 72 hours, Level I only.
    Expedited,
    /// Non-urgent: 15 calendar days.
    Standard,
    /// After discharge: 30 calendar days, one level.
    Retrospective,
}

/// Nature of the adverse determination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealNature {
    /// Medical necessity.
    Clinical,
    /// Not based on medical necessity (timely filing, missing authorization, …): APL-05.
    Administrative,
}

/// The facts of an appeal filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppealFiling {
    /// Level I or II.
    pub level: AppealLevel,
    /// Expedited, standard or retrospective.
    pub track: AppealTrack,
    /// Clinical or administrative.
    pub nature: AppealNature,
    /// APL-01: the date of the notice being appealed — the adverse determination for Level I,
    /// the Level I decision for Level II.
    pub appealed_notice: Date,
    /// APL-03: staff IDs of whoever made the decision under appeal (for Level II: the original
    /// decision-maker and the Level I reviewer).
    pub decided_by: Vec<String>,
    /// APL-03: the specialty the reviewer must share, when the plan records one.
    #[serde(default)]
    pub specialty: Option<String>,
}

/// What an administrative appeal's outcome means for the clinical request (APL-05).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClinicalRequest {
    /// Still waiting for the administrative appeal.
    OnHold,
    /// Upheld: the clinical request is never processed.
    NeverProcessed,
    /// Overturned without clinical review (e.g. timely-filing waiver).
    NoClinicalReviewNeeded,
    /// Overturned: the clinical request is now processed and clinically determined.
    ToClinicalReview,
}

/// An appeal's kind-specific state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppealState {
    /// The filing.
    pub filing: AppealFiling,
    /// The assigned reviewer.
    pub reviewer: Option<String>,
    /// The outcome, once decided.
    pub outcome: Option<AppealOutcome>,
    /// When it was decided.
    pub decided_at: Option<Timestamp>,
    /// The plan-local date of the decision.
    pub decided_on: Option<Date>,
}

impl AppealState {
    /// APL-05: what this appeal means for the clinical request (administrative appeals only).
    pub fn clinical_request(&self) -> Option<ClinicalRequest> {
        if self.filing.nature != AppealNature::Administrative {
            return None;
        }
        Some(match self.outcome {
            None => ClinicalRequest::OnHold,
            Some(AppealOutcome::OverturnedWithoutClinicalReview) => {
                ClinicalRequest::NoClinicalReviewNeeded
            }
            Some(AppealOutcome::OverturnedForClinicalReview) => ClinicalRequest::ToClinicalReview,
            Some(_) => ClinicalRequest::NeverProcessed,
        })
    }
}

/// APL-02: the decision clock's length for a track.
pub fn decision_length(track: AppealTrack, ctx: &CaseContext<'_>) -> Length {
    let a = &ctx.config.appeals;
    match track {
        AppealTrack::Expedited => Length::Hours(a.expedited_hours),
        AppealTrack::Standard => Length::CalendarDays(a.standard_days),
        AppealTrack::Retrospective => Length::CalendarDays(a.retrospective_days),
    }
}

/// APL-01 filing window, APL-02 level/track combinations and decision clock.
pub(crate) fn file(
    case: &mut Case,
    f: &AppealFiling,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    if f.level == AppealLevel::Two {
        // APL-02: only Level I can be expedited; retrospective appeals have one level.
        match f.track {
            AppealTrack::Expedited => {
                return Err(CaseError::refused(
                    "APL-02",
                    "only a Level I appeal can be expedited; file the Level II appeal as standard",
                ));
            }
            AppealTrack::Retrospective => {
                return Err(CaseError::refused(
                    "APL-02",
                    "a retrospective appeal has one level only; there is no Level II",
                ));
            }
            AppealTrack::Standard => {}
        }
    }
    if f.decided_by.iter().all(|d| d.trim().is_empty()) {
        return Err(CaseError::Invalid(
            "decided_by must name who made the decision under appeal (APL-03)".into(),
        ));
    }
    let today = ctx.local_date(case.filed_at);
    if today < f.appealed_notice {
        return Err(CaseError::Invalid(format!(
            "the appeal is dated {today}, before the notice it appeals ({})",
            f.appealed_notice
        )));
    }
    // APL-01: Level I within 180 calendar days of the notice, Level II within 90 of the Level I
    // decision.
    let (what, days, of) = match f.level {
        AppealLevel::One => (
            "Level I appeal",
            ctx.config.appeals.level1_filing_days,
            "the notice of the adverse determination",
        ),
        AppealLevel::Two => (
            "Level II appeal",
            ctx.config.appeals.level2_filing_days,
            "the Level I decision",
        ),
    };
    check_window(
        "APL-01",
        what,
        Length::CalendarDays(days),
        of,
        f.appealed_notice,
        today,
        ctx,
    )?;
    case.start_clock(
        ClockKind::AppealDecision,
        case.filed_at,
        decision_length(f.track, ctx),
        ctx,
    )?;
    case.detail = Detail::Appeal(AppealState {
        filing: f.clone(),
        reviewer: None,
        outcome: None,
        decided_at: None,
        decided_on: None,
    });
    Ok(())
}

pub(crate) fn apply(case: &mut Case, e: &Event, ctx: &CaseContext<'_>) -> Result<(), CaseError> {
    let Detail::Appeal(mut a) = std::mem::replace(&mut case.detail, Detail::None) else {
        return Err(CaseError::Invalid(
            "appeal case without appeal detail".into(),
        ));
    };
    let r = step(case, &mut a, e, ctx);
    case.detail = Detail::Appeal(a);
    r
}

fn step(
    case: &mut Case,
    a: &mut AppealState,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let deciding = matches!(case.phase, Phase::Filed | Phase::UnderReview);
    match &e.action {
        Action::AssignReviewer { reviewer } if deciding => {
            // APL-03 (the part that needs no directory): never the decision-maker. Reporting
            // lines are checked by `Case::act` against the staff directory.
            if a.filing.decided_by.iter().any(|d| d == reviewer) {
                return Err(CaseError::refused(
                    "APL-03",
                    format!("{reviewer} made the decision under appeal and may not review it"),
                ));
            }
            a.reviewer = Some(reviewer.clone());
            case.phase = Phase::UnderReview;
        }
        Action::RequestInformation { what } if deciding => {
            let due = case
                .clock(ClockKind::AppealDecision)
                .and_then(|c| c.due)
                .map(|d| ctx.local_date(d).to_string())
                .unwrap_or_default();
            case.note(
                e.at,
                "APL-02",
                format!(
                    "information requested ({what}); the decision clock keeps running (due {due})"
                ),
            );
        }
        Action::InformationReceived if deciding => {}
        Action::Extend { .. } | Action::ExtendTo { .. } if deciding => {
            // APL-02: no extensions, not even for lack of information.
            let due = case
                .clock(ClockKind::AppealDecision)
                .and_then(|c| c.due)
                .map(|d| ctx.local_date(d).to_string())
                .unwrap_or_default();
            return Err(CaseError::refused(
                "APL-02",
                format!(
                    "appeal decision clocks have no extensions, not even for missing \
                     information; decide on the information at hand by {due}"
                ),
            ));
        }
        Action::Decide { outcome } if deciding => {
            if a.reviewer.is_none() {
                return Err(CaseError::refused(
                    "APL-03",
                    "assign an independent reviewer before deciding the appeal",
                ));
            }
            check_outcome(a.filing.nature, *outcome)?;
            a.outcome = Some(*outcome);
            a.decided_at = Some(e.at);
            a.decided_on = Some(ctx.local_date(e.at));
            case.stop_clock(ClockKind::AppealDecision);
            if a.filing.track == AppealTrack::Expedited {
                // APL-02: verbal notice within one calendar day of the decision.
                case.start_clock(
                    ClockKind::AppealVerbalNotice,
                    e.at,
                    Length::CalendarDays(ctx.config.appeals.expedited_verbal_notice_days),
                    ctx,
                )?;
                case.phase = Phase::AwaitingVerbalNotice;
            } else {
                close_decided(case, a, e.at);
            }
        }
        Action::VerbalNoticeGiven if case.phase == Phase::AwaitingVerbalNotice => {
            case.stop_clock(ClockKind::AppealVerbalNotice);
            close_decided(case, a, e.at);
        }
        other => return Err(case.not_applicable(other.name())),
    }
    Ok(())
}

fn close_decided(case: &mut Case, a: &AppealState, at: Timestamp) {
    let outcome = a.outcome.map_or("", AppealOutcome::label);
    case.close(
        ClosureReason::Decided,
        Some("APL-02"),
        at,
        format!("appeal decided: {outcome}"),
    );
}

/// APL-05: administrative appeals have their three outcomes; clinical appeals uphold or overturn.
fn check_outcome(nature: AppealNature, o: AppealOutcome) -> Result<(), CaseError> {
    use AppealOutcome as O;
    let ok = match nature {
        AppealNature::Clinical => matches!(o, O::Upheld | O::Overturned | O::PartlyOverturned),
        AppealNature::Administrative => matches!(
            o,
            O::Upheld | O::OverturnedWithoutClinicalReview | O::OverturnedForClinicalReview
        ),
    };
    if ok {
        Ok(())
    } else {
        Err(CaseError::refused(
            "APL-05",
            format!(
                "\"{}\" is not an outcome of a {} appeal; an administrative appeal is upheld, \
                 overturned without clinical review, or overturned for clinical review",
                o.label(),
                match nature {
                    AppealNature::Clinical => "clinical",
                    AppealNature::Administrative => "administrative",
                }
            ),
        ))
    }
}

/// The Level II window a decided Level I appeal leaves open (not for retrospective appeals, nor
/// when the appeal was overturned in full).
pub(crate) fn windows(a: &AppealState, ctx: &CaseContext<'_>) -> Result<Vec<Window>, CaseError> {
    let open_to_level_two = a.filing.level == AppealLevel::One
        && a.filing.track != AppealTrack::Retrospective
        && matches!(
            a.outcome,
            Some(AppealOutcome::Upheld | AppealOutcome::PartlyOverturned)
        );
    match (open_to_level_two, a.decided_on) {
        (true, Some(d)) => Ok(vec![Window {
            rule: "APL-01",
            label: "file a Level II appeal",
            opens: d,
            closes: Length::CalendarDays(ctx.config.appeals.level2_filing_days).last_day(d, ctx)?,
        }]),
        _ => Ok(Vec::new()),
    }
}

/// APL-04: the provider may not bill the member while the appeal is open, nor while a Level II
/// appeal may still be filed after an adverse Level I decision (the handbook: until all appeals
/// available to the member are exhausted). APL-05: an open administrative appeal holds the
/// clinical request.
pub(crate) fn flags(
    case: &Case,
    a: &AppealState,
    now: Timestamp,
    ctx: &CaseContext<'_>,
) -> Vec<Flag> {
    let mut out = Vec::new();
    let today = ctx.local_date(now);
    let level_two_open = windows(a, ctx)
        .unwrap_or_default()
        .iter()
        .any(|w| today <= w.closes);
    if !case.is_closed() || level_two_open {
        out.push(Flag::NoMemberBilling);
    }
    if a.clinical_request() == Some(ClinicalRequest::OnHold) && !case.is_closed() {
        out.push(Flag::ClinicalRequestOnHold);
    }
    out
}

/// APL-05: may the clinical request on `authorization` be processed, given the cases on file?
/// Refused while an administrative appeal on that authorization is open, and when one was upheld
/// (the clinical request is then never processed).
pub fn clinical_request_may_proceed<'c>(
    authorization: &str,
    cases: impl IntoIterator<Item = &'c Case>,
) -> Result<(), CaseError> {
    for c in cases {
        let Detail::Appeal(a) = &c.detail else {
            continue;
        };
        if c.kind != CaseKind::Appeal || c.subject.authorization.as_deref() != Some(authorization) {
            continue;
        }
        match a.clinical_request() {
            Some(ClinicalRequest::OnHold) if !c.is_closed() => {
                return Err(CaseError::refused(
                    "APL-05",
                    format!(
                        "an administrative appeal on {authorization} (filed {}) must be resolved \
                         before the clinical request is processed",
                        c.filed_at
                    ),
                ));
            }
            Some(ClinicalRequest::NeverProcessed) => {
                return Err(CaseError::refused(
                    "APL-05",
                    format!(
                        "the administrative denial on {authorization} was upheld on appeal; the \
                         clinical request is not processed"
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
