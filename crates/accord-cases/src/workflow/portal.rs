//! The state's managed-care provider resolution portal, as the state's own desk: provider
//! registration (DSP-05) and tickets (DSP-02..04).
//!
//! A ticket that breaks the portal's rules is accepted and closed at once with its reason
//! (DSP-04), because the closed ticket is what the provider sees; only an unregistered provider
//! is refused outright (DSP-02: the portal does not let them enter a ticket).

use accord_core::{Date, Timestamp, calendar};
use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::clock::{CaseContext, Clock, ClockKind, Length};
use crate::error::CaseError;
use crate::event::{Action, Event};
use crate::model::{ClosureReason, Phase};
use crate::workflow::Detail;
use crate::workflow::dispute::portal_window;

/// DSP-05 registration request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrationFiling {
    /// How many individuals (providers, facilities) the request registers.
    pub individuals: u32,
    /// Every required field filled in, Medicaid ID included.
    pub complete: bool,
}

/// The plan's internal dispute a ticket refers to, as found by its tracking number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternalDispute {
    /// The tracking number the plan issued.
    pub tracking_number: String,
    /// When the provider submitted it to the plan.
    pub submitted: Timestamp,
}

/// DSP-02..04 ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketFiling {
    /// DSP-02 the provider is registered with the portal.
    pub registered: bool,
    /// DSP-02 the plan's tracking number, as entered by the provider.
    #[serde(default)]
    pub plan_tracking_number: Option<String>,
    /// The plan's dispute with that tracking number, when the shell found one.
    #[serde(default)]
    pub internal_dispute: Option<InternalDispute>,
    /// DSP-04 the complaint is about Medicare only.
    #[serde(default)]
    pub medicare_only: bool,
    /// DSP-04 the complaint is about a missing required prior authorization.
    #[serde(default)]
    pub missing_prior_authorization: bool,
    /// DSP-04 every required part of the ticket is present.
    #[serde(default = "yes")]
    pub complete: bool,
}

fn yes() -> bool {
    true
}

/// A ticket's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketState {
    /// The plan's tracking number.
    pub tracking_number: Option<String>,
    /// When the dispute was submitted to the plan.
    pub submitted_to_plan: Option<Date>,
    /// When the plan asked for more information.
    pub information_requested_at: Option<Timestamp>,
}

/// DSP-05: a complete registration is processed in 2 business days; 10 or more individuals may
/// take up to 3 weeks more. An incomplete one is denied.
pub(crate) fn file_registration(
    case: &mut Case,
    f: &RegistrationFiling,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    if f.individuals == 0 {
        return Err(CaseError::Invalid(
            "a registration registers at least one individual".into(),
        ));
    }
    if !f.complete {
        case.close(
            ClosureReason::Incomplete,
            Some("DSP-05"),
            case.filed_at,
            "DSP-05: incomplete registration requests are denied; no ticket can be entered until \
             the missing information (including the Medicaid ID) is provided"
                .into(),
        );
        return Ok(());
    }
    let d = &ctx.config.disputes;
    let mut last = Length::BusinessDays(d.registration_business_days)
        .last_day(ctx.local_date(case.filed_at), ctx)?;
    if f.individuals >= d.bulk_registration_individuals {
        last = calendar::add_calendar_days(last, i64::from(d.bulk_registration_extra_days))?;
    }
    let clock = Clock::until_date(ClockKind::PortalRegistration, case.filed_at, last, ctx)?;
    case.clocks.push(clock);
    case.phase = Phase::Open;
    Ok(())
}

pub(crate) fn apply_registration(case: &mut Case, e: &Event) -> Result<(), CaseError> {
    match &e.action {
        Action::Register => {
            case.close(
                ClosureReason::Registered,
                Some("DSP-05"),
                e.at,
                "registered; the provider may enter tickets".into(),
            );
            Ok(())
        }
        other => Err(case.not_applicable(other.name())),
    }
}

/// DSP-02..04: a ticket is accepted from a registered provider; it closes at once without the
/// plan's tracking number, outside the 30/60-day window, incomplete, Medicare-only, or about a
/// missing required prior authorization. Otherwise the plan has 5 business days to ask for more
/// information and its resolution period runs.
pub(crate) fn file_ticket(
    case: &mut Case,
    f: &TicketFiling,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    if !f.registered {
        return Err(CaseError::refused(
            "DSP-02",
            "the provider must register with the portal before entering a ticket",
        ));
    }
    let at = case.filed_at;
    let today = ctx.local_date(at);
    let tracking = f
        .plan_tracking_number
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let submitted = f
        .internal_dispute
        .as_ref()
        .map(|d| ctx.local_date(d.submitted));
    case.detail = Detail::Ticket(TicketState {
        tracking_number: tracking.map(str::to_owned),
        submitted_to_plan: submitted,
        information_requested_at: None,
    });
    let close = |case: &mut Case, reason, detail: String| {
        case.close(reason, Some("DSP-04"), at, format!("DSP-04: {detail}"));
        Ok(())
    };
    let Some(tracking) = tracking else {
        return close(
            case,
            ClosureReason::NoTrackingNumber,
            "closed: the plan's tracking number is required; contact the plan to receive one"
                .into(),
        );
    };
    let Some(dispute) = f
        .internal_dispute
        .as_ref()
        .filter(|d| d.tracking_number.trim() == tracking)
    else {
        return close(
            case,
            ClosureReason::NoTrackingNumber,
            format!("closed: {tracking} is not a tracking number the plan issued"),
        );
    };
    let submitted = ctx.local_date(dispute.submitted);
    let (opens, closes) = portal_window(submitted, ctx)?;
    let d = &ctx.config.disputes;
    if today < opens {
        return close(
            case,
            ClosureReason::OutsideWindow,
            format!(
                "closed: a ticket may be entered no sooner than {} calendar days after \
                 submitting to the plan on {submitted} (from {opens}); today is {today}",
                d.portal_min_days
            ),
        );
    }
    if today > closes {
        return close(
            case,
            ClosureReason::OutsideWindow,
            format!(
                "closed: a ticket must be entered no later than {} calendar days after \
                 submitting to the plan on {submitted} (by {closes}); today is {today}",
                d.portal_max_days
            ),
        );
    }
    if !f.complete {
        return close(
            case,
            ClosureReason::Incomplete,
            "closed: the submission is incomplete; submit a new ticket with all information \
             included"
                .into(),
        );
    }
    if f.medicare_only {
        return close(
            case,
            ClosureReason::MedicareOnly,
            "closed: the portal handles the Medicaid portion only; Medicare-only complaints \
             follow Medicare's appeals and grievances"
                .into(),
        );
    }
    if f.missing_prior_authorization {
        return close(
            case,
            ClosureReason::MissingPriorAuthorization,
            "closed: the complaint involves failure to obtain a required prior authorization"
                .into(),
        );
    }
    case.start_clock(
        ClockKind::PortalInformationRequestWindow,
        at,
        Length::BusinessDays(d.info_request_business_days),
        ctx,
    )?;
    case.start_clock(
        ClockKind::PortalResolution,
        at,
        Length::CalendarDays(d.portal_resolution_days),
        ctx,
    )?;
    case.phase = Phase::Open;
    Ok(())
}

pub(crate) fn apply_ticket(
    case: &mut Case,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let d = &ctx.config.disputes;
    match &e.action {
        Action::RequestInformation { what } if case.phase == Phase::Open => {
            // DSP-03: only within 5 business days of the ticket, and once.
            if case
                .stop_clock(ClockKind::PortalInformationRequestWindow)
                .is_none()
            {
                let last = Length::BusinessDays(d.info_request_business_days)
                    .last_day(ctx.local_date(case.filed_at), ctx)?;
                return Err(CaseError::refused(
                    "DSP-03",
                    format!(
                        "the plan may ask for more information only within {} of the ticket \
                         (by {last}); today is {}",
                        Length::BusinessDays(d.info_request_business_days),
                        ctx.local_date(e.at)
                    ),
                ));
            }
            case.start_clock(
                ClockKind::PortalInformationAnswer,
                e.at,
                Length::BusinessDays(d.info_answer_business_days),
                ctx,
            )?;
            if let Detail::Ticket(t) = &mut case.detail {
                t.information_requested_at = Some(e.at);
            }
            case.note(
                e.at,
                "DSP-03",
                format!("the plan asked for more information: {what}"),
            );
            case.phase = Phase::AwaitingInformation;
            Ok(())
        }
        Action::InformationReceived if case.phase == Phase::AwaitingInformation => {
            case.stop_clock(ClockKind::PortalInformationAnswer);
            case.phase = Phase::Open;
            Ok(())
        }
        Action::Resolve { .. } => {
            case.close(
                ClosureReason::Resolved,
                None,
                e.at,
                "ticket resolved".into(),
            );
            Ok(())
        }
        other => Err(case.not_applicable(other.name())),
    }
}
