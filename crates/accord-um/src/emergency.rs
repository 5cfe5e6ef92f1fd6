//! UM-07 emergency and urgent admissions: no prior authorization, but the provider notifies the
//! plan by the plan's deadline (end of the next business day, or a number of hours). A late
//! notification is flagged; emergency screening and stabilisation are always authorized.

use accord_core::calendar::CalendarError;
use accord_core::{MemberId, Npi};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::case::Context;

/// A notification of an emergency or urgent admission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionNotification {
    /// Notification number.
    pub id: String,
    /// The member admitted.
    pub member_id: MemberId,
    /// The admitting facility or provider.
    pub provider_npi: Npi,
    /// Level of care admitted to.
    pub level_of_care: String,
    /// When the member was admitted.
    pub admitted_at: Timestamp,
    /// When the plan was told.
    pub notified_at: Timestamp,
    /// UM-07: when the notification was due.
    pub due: Timestamp,
    /// UM-07: told after the deadline.
    pub late: bool,
    /// The rule in words.
    pub explanation: String,
}

/// UM-07: records a notification, computing its deadline and whether it came late.
pub fn notify(
    cx: Context<'_>,
    id: &str,
    member_id: MemberId,
    provider_npi: Npi,
    level_of_care: &str,
    admitted_at: Timestamp,
    notified_at: Timestamp,
) -> Result<AdmissionNotification, CalendarError> {
    let cfg = &cx.plan.config;
    let due = cfg.emergency_notification_due(admitted_at, cx.calendar, cx.tz)?;
    let rule = match cfg.um.emergency_notification.rule {
        accord_plan::config::NotificationRule::NextBusinessDay => {
            "by the end of the next business day after the admission".to_owned()
        }
        accord_plan::config::NotificationRule::Hours => format!(
            "within {} hours of the admission",
            cfg.um.emergency_notification.hours
        ),
    };
    let late = notified_at > due;
    Ok(AdmissionNotification {
        id: id.into(),
        member_id,
        provider_npi,
        level_of_care: level_of_care.trim().to_ascii_lowercase(),
        admitted_at,
        notified_at,
        due,
        late,
        explanation: format!(
            "emergency or urgent admission: no prior authorization needed; screening and stabilisation are always authorized; the plan must be told {rule}, by {due}{} (UM-07)",
            if late {
                " — this notification came late"
            } else {
                ""
            }
        ),
    })
}
