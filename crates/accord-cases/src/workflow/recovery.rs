//! Overpayment recovery (REC-01, REC-02): an overpayment notice the provider may answer by its
//! date (silence is agreement), a negative balance offset against payments, a demand letter once
//! it has been outstanding more than 90 calendar days, and collections when the demand goes
//! unanswered for 30. The provider may request review before the notice's date.

use accord_core::{Date, Money, Timestamp};
use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::clock::{CaseContext, Clock, ClockKind, Length};
use crate::error::CaseError;
use crate::event::{Action, Event, money_is_positive};
use crate::model::{ClosureReason, Phase};
use crate::workflow::Detail;

/// A recovery: either an overpayment notice with its response date, or a negative balance
/// already created by adjusting the claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryFiling {
    /// The amount overpaid.
    pub amount: Money,
    /// REC-01: the date in the overpayment notice by which the provider may answer.
    #[serde(default)]
    pub respond_by: Option<Date>,
    /// REC-02: the day the negative balance arose (when the claims were adjusted directly).
    #[serde(default)]
    pub balance_since: Option<Date>,
}

/// A recovery's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryState {
    /// The amount.
    pub amount: Money,
    /// Since when the negative balance has been outstanding.
    pub balance_since: Option<Date>,
    /// When the demand letter was sent.
    pub demand_at: Option<Timestamp>,
    /// The phase review was requested from (so its outcome returns there).
    pub review_from: Option<Phase>,
}

pub(crate) fn file(
    case: &mut Case,
    f: &RecoveryFiling,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    if !money_is_positive(f.amount) {
        return Err(CaseError::Invalid(format!(
            "the overpaid amount must be positive, not {}",
            f.amount
        )));
    }
    let today = ctx.local_date(case.filed_at);
    let mut state = RecoveryState {
        amount: f.amount,
        balance_since: None,
        demand_at: None,
        review_from: None,
    };
    match (f.respond_by, f.balance_since) {
        (Some(by), None) => {
            if by < today {
                return Err(CaseError::Invalid(format!(
                    "the notice's response date {by} is before the notice ({today})"
                )));
            }
            let clock = Clock::until_date(ClockKind::OverpaymentResponse, case.filed_at, by, ctx)?;
            case.clocks.push(clock);
            case.phase = Phase::NoticeSent;
        }
        (None, Some(since)) => {
            if since > today {
                return Err(CaseError::Invalid(format!(
                    "the balance cannot arise on {since}, after today ({today})"
                )));
            }
            state.balance_since = Some(since);
            case.phase = Phase::BalanceOutstanding;
        }
        _ => {
            return Err(CaseError::Invalid(
                "give either respond_by (an overpayment notice) or balance_since (a negative \
                 balance), not both"
                    .into(),
            ));
        }
    }
    case.detail = Detail::Recovery(state);
    Ok(())
}

pub(crate) fn apply(case: &mut Case, e: &Event, ctx: &CaseContext<'_>) -> Result<(), CaseError> {
    let Detail::Recovery(mut r) = std::mem::replace(&mut case.detail, Detail::None) else {
        return Err(CaseError::Invalid(
            "recovery case without its detail".into(),
        ));
    };
    let out = step(case, &mut r, e, ctx);
    case.detail = Detail::Recovery(r);
    out
}

fn step(
    case: &mut Case,
    r: &mut RecoveryState,
    e: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let s = &ctx.config.recovery;
    let today = ctx.local_date(e.at);
    match &e.action {
        Action::RequestReview if matches!(case.phase, Phase::NoticeSent | Phase::Demanded) => {
            // REC-02: on or before the notice's date — its clock is still open, or the case
            // would have moved on.
            case.stop_clock(ClockKind::OverpaymentResponse);
            case.stop_clock(ClockKind::DemandResponse);
            r.review_from = Some(case.phase);
            case.phase = Phase::ReviewRequested;
        }
        Action::RequestReview if case.phase == Phase::InCollections => {
            return Err(CaseError::refused(
                "REC-02",
                "review must be requested on or before the date in the notice; the demand went \
                 unanswered and the balance is in collections",
            ));
        }
        Action::DecideReview { upheld } if case.phase == Phase::ReviewRequested => {
            if !upheld {
                case.close(
                    ClosureReason::Reversed,
                    Some("REC-02"),
                    e.at,
                    "the recovery was reversed on review".into(),
                );
                return Ok(());
            }
            match r.review_from.take() {
                Some(Phase::Demanded) => {
                    case.start_clock(
                        ClockKind::DemandResponse,
                        e.at,
                        Length::CalendarDays(s.collections_after_days),
                        ctx,
                    )?;
                    case.phase = Phase::Demanded;
                }
                _ => {
                    r.balance_since.get_or_insert(today);
                    case.phase = Phase::BalanceOutstanding;
                }
            }
        }
        Action::SendDemand if case.phase == Phase::BalanceOutstanding => {
            let since = r.balance_since.unwrap_or(today);
            // REC-02: "more than 90 calendar days" — the first day allowed is day 91.
            let first =
                Length::CalendarDays(s.demand_after_days.saturating_add(1)).last_day(since, ctx)?;
            if today < first {
                return Err(CaseError::refused(
                    "REC-02",
                    format!(
                        "a demand letter may be sent only when the negative balance has been \
                         outstanding more than {} (since {since}; from {first}); today is {today}",
                        Length::CalendarDays(s.demand_after_days)
                    ),
                ));
            }
            r.demand_at = Some(e.at);
            case.start_clock(
                ClockKind::DemandResponse,
                e.at,
                Length::CalendarDays(s.collections_after_days),
                ctx,
            )?;
            case.phase = Phase::Demanded;
        }
        Action::BalanceRecovered
            if matches!(
                case.phase,
                Phase::BalanceOutstanding
                    | Phase::Demanded
                    | Phase::InCollections
                    | Phase::NoticeSent
            ) =>
        {
            case.close(
                ClosureReason::Repaid,
                Some("REC-02"),
                e.at,
                format!("{} recovered", r.amount),
            );
        }
        other => return Err(case.not_applicable(other.name())),
    }
    Ok(())
}

/// REC-01: an unanswered overpayment notice is deemed agreed and the claims are adjusted (a
/// negative balance opens on that day); REC-02: an unanswered demand goes to collections.
pub(crate) fn on_expiry(
    case: &mut Case,
    clock: &Clock,
    due: Timestamp,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    let day = ctx.local_date(due);
    match clock.kind {
        ClockKind::OverpaymentResponse => {
            if let Detail::Recovery(r) = &mut case.detail {
                r.balance_since = Some(day);
            }
            case.phase = Phase::BalanceOutstanding;
            case.note(
                due,
                "REC-02",
                format!(
                    "no answer to the overpayment notice by {day}: deemed agreed; the claims are \
                     adjusted and the negative balance is offset against payments"
                ),
            );
        }
        ClockKind::DemandResponse => {
            case.phase = Phase::InCollections;
            case.note(
                due,
                "REC-02",
                format!("no answer to the demand by {day}: the balance is placed in collections"),
            );
        }
        _ => {}
    }
    Ok(())
}
