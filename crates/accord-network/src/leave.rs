//! NET-08: leave of absence makes a provider inactive (no referrals, no payment as participating);
//! inactive more than 6 months → disenrollment notice; a resigned provider may not reapply for 6
//! months.

use accord_core::provider::{NetworkStatus, StatusSpan};
use accord_core::{Date, Npi};
use accord_plan::NetworkSettings;
use serde::Serialize;

use crate::NetworkError;
use crate::dates::add_months;
use crate::status::{self, StatusChange};

/// NET-08: leave of absence from `from`. Only a participating provider takes leave.
pub fn start_leave(
    statuses: &[StatusSpan],
    npi: &Npi,
    from: Date,
    reason: &str,
) -> Result<StatusChange, NetworkError> {
    require(
        statuses,
        npi,
        from,
        NetworkStatus::Participating,
        "take leave",
    )?;
    status::change(
        statuses,
        npi,
        NetworkStatus::LeaveOfAbsence,
        from,
        &format!("leave of absence: {}", reason.trim()),
    )
}

/// NET-08: back from leave on `on`: participating again from that day.
pub fn return_from_leave(
    statuses: &[StatusSpan],
    npi: &Npi,
    on: Date,
) -> Result<StatusChange, NetworkError> {
    require(
        statuses,
        npi,
        on,
        NetworkStatus::LeaveOfAbsence,
        "return from leave",
    )?;
    status::change(
        statuses,
        npi,
        NetworkStatus::Participating,
        on,
        "returned from leave of absence",
    )
}

/// NET-08: resignation from `from`, by a participating provider or one on leave.
pub fn resign(
    statuses: &[StatusSpan],
    npi: &Npi,
    from: Date,
    reason: &str,
) -> Result<StatusChange, NetworkError> {
    if require(statuses, npi, from, NetworkStatus::LeaveOfAbsence, "resign").is_err() {
        require(statuses, npi, from, NetworkStatus::Participating, "resign")?;
    }
    status::change(
        statuses,
        npi,
        NetworkStatus::Resigned,
        from,
        &format!("resigned: {}", reason.trim()),
    )
}

fn require(
    statuses: &[StatusSpan],
    npi: &Npi,
    d: Date,
    want: NetworkStatus,
    to: &str,
) -> Result<(), NetworkError> {
    match status::in_force(statuses, npi, d) {
        Some(s) if s.status == want => Ok(()),
        other => Err(NetworkError::Refused(format!(
            "NET-08: to {to} on {d}, {npi} must be {}; it is {}",
            want.as_str(),
            other.map_or("not in the network".to_owned(), |s| format!(
                "{} since {}",
                s.status.as_str(),
                s.start
            ))
        ))),
    }
}

/// NET-08: a provider inactive long enough to be sent the disenrollment notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisenrollmentNotice {
    /// Who.
    pub npi: Npi,
    /// Inactive since.
    pub inactive_since: Date,
    /// The day the 6 months were up (the notice is due from the day after).
    pub inactive_through: Date,
}

/// NET-08: providers on leave on `on` for more than `inactive_disenrollment_months`.
pub fn disenrollment_notices(
    statuses: &[StatusSpan],
    on: Date,
    s: &NetworkSettings,
) -> Vec<DisenrollmentNotice> {
    let mut v: Vec<_> = statuses
        .iter()
        .filter(|x| x.status == NetworkStatus::LeaveOfAbsence)
        .filter(|x| status::in_force(statuses, &x.npi, on).is_some_and(|c| c == *x))
        .filter_map(|x| {
            let through = add_months(x.start, i64::from(s.inactive_disenrollment_months));
            (on > through).then(|| DisenrollmentNotice {
                npi: x.npi.clone(),
                inactive_since: x.start,
                inactive_through: through,
            })
        })
        .collect();
    v.sort_by(|a, b| a.npi.cmp(&b.npi));
    v
}

/// NET-08: may `npi` apply on `on`? Not within `reapply_bar_months` of a resignation.
pub fn may_reapply(
    statuses: &[StatusSpan],
    npi: &Npi,
    on: Date,
    s: &NetworkSettings,
) -> Result<(), NetworkError> {
    if let Some(r) = statuses
        .iter()
        .filter(|x| &x.npi == npi && x.status == NetworkStatus::Resigned && x.start <= on)
        .max_by_key(|x| x.start)
    {
        let from = add_months(r.start, i64::from(s.reapply_bar_months));
        if on < from {
            return Err(NetworkError::Refused(format!(
                "NET-08: {npi} resigned on {}; it may not reapply for {} months, until {from}",
                r.start, s.reapply_bar_months
            )));
        }
    }
    Ok(())
}
