//! Dated changes of network status: the span in force is closed the day before and the new one
//! opens, so `accord_core::provider::standing_on` reads the new status from its first day
//! (NET-03 lapse, NET-05 termination, NET-08 leave, return and resignation).

use accord_core::Date;
use accord_core::Npi;
use accord_core::provider::{NetworkStatus, StatusSpan};
use serde::Serialize;

use crate::NetworkError;
use crate::dates::add_days;

/// A status span ended: the span of `npi` starting `start` now ends on `end`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedSpan {
    /// Whose span.
    pub npi: Npi,
    /// The span's first day (its key).
    pub start: Date,
    /// Its new last day.
    pub end: Date,
}

/// A change of status: the span closed (if one was in force) and the span opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// The span in force the day before, now ended.
    pub close: Option<ClosedSpan>,
    /// The new span (open-ended unless `end` is set).
    pub open: StatusSpan,
}

/// The span of `npi` in force on `d`, if any (the latest starting one, as `standing_on` reads).
pub fn in_force<'a>(statuses: &'a [StatusSpan], npi: &Npi, d: Date) -> Option<&'a StatusSpan> {
    statuses
        .iter()
        .filter(|s| &s.npi == npi && s.start <= d && s.end.is_none_or(|e| d <= e))
        .max_by_key(|s| s.start)
}

/// Changes `npi`'s status to `status` from `from` (inclusive): the span in force on `from` ends
/// the day before. Refused when a span already starts on or after `from` (changes are made in
/// date order; correct a future-dated change first) or when the status would not change.
pub fn change(
    statuses: &[StatusSpan],
    npi: &Npi,
    status: NetworkStatus,
    from: Date,
    reason: &str,
) -> Result<StatusChange, NetworkError> {
    if reason.trim().is_empty() {
        return Err(NetworkError::invalid(
            "reason",
            "a status change needs a reason",
        ));
    }
    if let Some(later) = statuses
        .iter()
        .filter(|s| &s.npi == npi && s.start >= from)
        .min_by_key(|s| s.start)
    {
        return Err(NetworkError::Refused(format!(
            "{npi} already has a {} status from {}: a change from {from} must come after it",
            later.status.as_str(),
            later.start
        )));
    }
    let current = in_force(statuses, npi, from);
    if let Some(c) = current
        && c.status == status
    {
        return Err(NetworkError::Refused(format!(
            "{npi} is already {} on {from} (since {})",
            status.as_str(),
            c.start
        )));
    }
    Ok(StatusChange {
        close: current.map(|c| ClosedSpan {
            npi: npi.clone(),
            start: c.start,
            end: add_days(from, -1),
        }),
        open: StatusSpan {
            npi: npi.clone(),
            status,
            start: from,
            end: None,
            reason: reason.trim().to_owned(),
        },
    })
}

/// Applies a change to a list of spans (for callers that fold several changes in memory).
pub fn apply(statuses: &mut Vec<StatusSpan>, c: &StatusChange) {
    if let Some(cl) = &c.close
        && let Some(s) = statuses
            .iter_mut()
            .find(|s| s.npi == cl.npi && s.start == cl.start)
    {
        s.end = Some(cl.end);
    }
    statuses.push(c.open.clone());
}
