//! The plan's internal claim disputes (DSP-01) and requests for review of a claim determination
//! (REC-03): a tracking number at filing, resolution within 30 calendar days, and the outcome
//! flowing back to claims. A dispute also opens the provider's window to the state portal
//! (DSP-02).

use accord_core::Date;
use serde::{Deserialize, Serialize};

use crate::case::{Case, Window, check_window};
use crate::clock::{CaseContext, ClockKind, Length};
use crate::error::CaseError;
use crate::event::{Action, ClaimFollowUp, Event};
use crate::model::{CaseKind, ClosureReason};
use crate::workflow::Detail;

/// DSP-01 filing: the tracking number the plan issued at filing (the shell allocates it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisputeFiling {
    /// The plan's tracking number for this dispute.
    pub tracking_number: String,
}

/// REC-03 filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequestFiling {
    /// The plan's tracking number for this request.
    pub tracking_number: String,
    /// The date of the claim determination under review.
    pub determination_date: Date,
}

/// A dispute's or review request's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputeState {
    /// The plan's tracking number (the provider needs it for the state portal).
    pub tracking_number: String,
    /// REC-03 the determination under review.
    pub determination_date: Option<Date>,
    /// What happens to the claim, once resolved.
    pub follow_up: Option<ClaimFollowUp>,
    /// With `adjust`: the amount the plan now pays the provider on the claim.
    pub adjustment: Option<accord_core::Money>,
}

fn open(
    case: &mut Case,
    tracking_number: &str,
    determination_date: Option<Date>,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    if tracking_number.trim().is_empty() {
        return Err(CaseError::Invalid(
            "a dispute needs the tracking number issued at filing (DSP-01)".into(),
        ));
    }
    if case.subject.claim.is_none() {
        return Err(CaseError::Invalid(
            "subject.claim must name the disputed claim's tracking number".into(),
        ));
    }
    // DSP-01: resolved within 30 calendar days.
    case.start_clock(
        ClockKind::DisputeResolution,
        case.filed_at,
        Length::CalendarDays(ctx.config.disputes.resolution_days),
        ctx,
    )?;
    case.detail = Detail::Dispute(DisputeState {
        tracking_number: tracking_number.trim().to_owned(),
        determination_date,
        follow_up: None,
        adjustment: None,
    });
    Ok(())
}

/// DSP-01: a claim dispute with its tracking number.
pub(crate) fn file_dispute(
    case: &mut Case,
    f: &DisputeFiling,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    open(case, &f.tracking_number, None, ctx)
}

/// REC-03: a request for review within 60 calendar days of the determination; later requests
/// are refused as expired.
pub(crate) fn file_review(
    case: &mut Case,
    f: &ReviewRequestFiling,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let today = ctx.local_date(case.filed_at);
    if today < f.determination_date {
        return Err(CaseError::Invalid(format!(
            "the request is dated {today}, before the determination it asks to review ({})",
            f.determination_date
        )));
    }
    check_window(
        "REC-03",
        "A request for review",
        Length::CalendarDays(ctx.config.disputes.review_request_days),
        "the claim determination",
        f.determination_date,
        today,
        ctx,
    )
    .map_err(|e| match e {
        CaseError::Refused { rule, message } => CaseError::Refused {
            rule,
            message: format!("{message}: the request has expired and is not reviewed"),
        },
        other => other,
    })?;
    open(case, &f.tracking_number, Some(f.determination_date), ctx)
}

pub(crate) fn apply(case: &mut Case, e: &Event) -> Result<(), CaseError> {
    match &e.action {
        Action::RequestInformation { what } => {
            case.note(
                e.at,
                "DSP-01",
                format!("information requested ({what}); the resolution clock keeps running"),
            );
            Ok(())
        }
        Action::InformationReceived => Ok(()),
        Action::Resolve { claim, amount } => {
            match (claim, amount) {
                (ClaimFollowUp::Adjust, Some(a)) if a.amount() > rust_decimal::Decimal::ZERO => {}
                (ClaimFollowUp::Adjust, Some(a)) => {
                    return Err(CaseError::Invalid(format!(
                        "amount: an adjustment pays the provider a positive amount, not {a}"
                    )));
                }
                (ClaimFollowUp::Adjust, None) => {
                    return Err(CaseError::Invalid(
                        "amount: an adjustment names the amount the plan now pays on the claim"
                            .into(),
                    ));
                }
                (_, Some(_)) => {
                    return Err(CaseError::Invalid(
                        "amount: only an adjustment (claim: adjust) carries an amount".into(),
                    ));
                }
                (_, None) => {}
            }
            if let Detail::Dispute(d) = &mut case.detail {
                d.follow_up = Some(*claim);
                d.adjustment = *amount;
            }
            let what = match claim {
                ClaimFollowUp::None => "the determination stands",
                ClaimFollowUp::Readjudicate => "the claim is adjudicated again",
                ClaimFollowUp::Adjust => "the claim is adjusted",
            };
            let rule = if case.kind == CaseKind::ReviewRequest {
                "REC-03"
            } else {
                "DSP-01"
            };
            case.close(
                ClosureReason::Resolved,
                Some(rule),
                e.at,
                format!("resolved: {what}"),
            );
            Ok(())
        }
        other => Err(case.not_applicable(other.name())),
    }
}

/// DSP-02: the days on which the provider may take this dispute to the state portal.
pub fn portal_window(submitted: Date, ctx: &CaseContext<'_>) -> Result<(Date, Date), CaseError> {
    let d = &ctx.config.disputes;
    Ok((
        Length::CalendarDays(d.portal_min_days).last_day(submitted, ctx)?,
        Length::CalendarDays(d.portal_max_days).last_day(submitted, ctx)?,
    ))
}

pub(crate) fn windows(case: &Case, ctx: &CaseContext<'_>) -> Result<Vec<Window>, CaseError> {
    let (opens, closes) = portal_window(ctx.local_date(case.filed_at), ctx)?;
    Ok(vec![Window {
        rule: "DSP-02",
        label: "escalate to the state resolution portal",
        opens,
        closes,
    }])
}
