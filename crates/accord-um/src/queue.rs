//! Work queues for clinical staff: requests in review ordered by due instant, with the time left
//! and what is overdue — nothing misses its clock unseen.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::case::{Status, UmCase};
use crate::request::{ReviewType, Urgency};

/// One request in a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    /// Request number.
    pub request_id: String,
    /// Member.
    pub member_id: String,
    /// Servicing provider.
    pub provider_npi: String,
    /// Level of care.
    pub level_of_care: String,
    /// Urgency.
    pub urgency: Urgency,
    /// Review type.
    pub review_type: ReviewType,
    /// UM-08 late concurrent review.
    pub late_concurrent: bool,
    /// When the decision is due.
    pub due: Timestamp,
    /// Time left (negative: overdue by that much).
    pub time_left: SignedDuration,
    /// Past due.
    pub overdue: bool,
    /// Why it is in review.
    pub reasons: Vec<String>,
}

/// The clinical review queue at `now`: requests in review (and, after them, those pending
/// eligibility), by due instant, earliest first; ties by request number.
pub fn work_queue<'a>(
    cases: impl IntoIterator<Item = &'a UmCase>,
    now: Timestamp,
) -> Vec<QueueItem> {
    let mut items: Vec<(bool, QueueItem)> = cases
        .into_iter()
        .filter(|c| matches!(c.status, Status::InReview | Status::PendingEligibility))
        .map(|c| {
            let reasons = match &c.screening.outcome {
                crate::screen::Outcome::Review { reasons, .. } => reasons.clone(),
                crate::screen::Outcome::PendingEligibility { reason } => vec![reason.clone()],
                _ => Vec::new(),
            };
            (
                c.status == Status::PendingEligibility,
                QueueItem {
                    request_id: c.request.id.clone(),
                    member_id: c.request.member_id.to_string(),
                    provider_npi: c.request.servicing_npi.to_string(),
                    level_of_care: c.request.level_of_care.clone(),
                    urgency: c.request.urgency,
                    review_type: c.request.review_type,
                    late_concurrent: c.late_concurrent,
                    due: c.clock.due,
                    time_left: c.clock.due.duration_since(now),
                    overdue: now > c.clock.due,
                    reasons,
                },
            )
        })
        .collect();
    items.sort_by(|a, b| (a.0, a.1.due, &a.1.request_id).cmp(&(b.0, b.1.due, &b.1.request_id)));
    items.into_iter().map(|(_, i)| i).collect()
}

/// "3 d 4 h", "45 min", "overdue 2 h 5 min": a duration as staff read it.
pub fn human(d: SignedDuration) -> String {
    let neg = d.is_negative();
    let mins = d.abs().as_secs() / 60;
    let (days, hours, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    let body = if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {m} min")
    } else {
        format!("{m} min")
    };
    if neg { format!("overdue {body}") } else { body }
}
