//! NET-05 sanctions: consultation, written warning, second warning with monitoring, suspension
//! (up to 30 calendar days unless extended), termination. Imposing one produces the
//! [`Sanction`] row `accord_core::provider::standing_on` reads (monitoring and suspension stop new
//! authorizations; suspension and termination deny claims) and, for termination, the status
//! change. [`members_in_care`] lists the members a terminated provider was treating, for
//! transition.

use std::collections::BTreeMap;

use accord_core::provider::{NetworkStatus, Sanction, SanctionLevel, StatusSpan};
use accord_core::{Date, Npi};
use accord_plan::NetworkSettings;
use serde::{Deserialize, Serialize};

use crate::NetworkError;
use crate::dates::{add_days, add_months};
use crate::status::{self, StatusChange};

/// A sanction as ordered: its level, dates, whether a suspension is extended beyond the plan's
/// maximum, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanctionOrder {
    /// How severe.
    pub level: SanctionLevel,
    /// First day in force.
    pub start: Date,
    /// Last day in force (a suspension without one lasts the plan's maximum).
    #[serde(default)]
    pub end: Option<Date>,
    /// NET-05: the suspension is extended beyond the maximum (by committee decision).
    #[serde(default)]
    pub extended: bool,
    /// Why.
    pub reason: String,
}

/// What imposing a sanction writes: the sanction and, for termination, the status change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SanctionEffect {
    /// The sanction row.
    pub sanction: Sanction,
    /// Termination: participation ends from the sanction's first day.
    pub status: Option<StatusChange>,
}

/// NET-05: imposes a sanction. A suspension ends at most `suspension_max_days` after it starts
/// (counting its first day) unless `extended`; without an end it lasts exactly that. The same
/// level may not start twice on one day.
pub fn impose(
    npi: &Npi,
    order: &SanctionOrder,
    sanctions: &[Sanction],
    statuses: &[StatusSpan],
    s: &NetworkSettings,
) -> Result<SanctionEffect, NetworkError> {
    if order.reason.trim().is_empty() {
        return Err(NetworkError::invalid(
            "reason",
            "a sanction needs its reason (NET-05)",
        ));
    }
    if let Some(e) = order.end
        && e < order.start
    {
        return Err(NetworkError::invalid(
            "end",
            format!("{e} is before the start {}", order.start),
        ));
    }
    if sanctions
        .iter()
        .any(|x| &x.npi == npi && x.level == order.level && x.start == order.start)
    {
        return Err(NetworkError::Refused(format!(
            "{npi} already has a {} starting {}",
            order.level.as_str(),
            order.start
        )));
    }
    let max_end = add_days(order.start, i64::from(s.suspension_max_days) - 1);
    let end = match order.level {
        SanctionLevel::Suspension => {
            let end = order.end.unwrap_or(max_end);
            if end > max_end && !order.extended {
                return Err(NetworkError::Refused(format!(
                    "NET-05: a suspension lasts at most {} calendar days ({} to {max_end}) unless \
                     extended; {end} needs `extended`",
                    s.suspension_max_days, order.start
                )));
            }
            Some(end)
        }
        _ => order.end,
    };
    let status = if order.level == SanctionLevel::Termination {
        Some(status::change(
            statuses,
            npi,
            NetworkStatus::Terminated,
            order.start,
            &format!("terminated (NET-05): {}", order.reason.trim()),
        )?)
    } else {
        None
    };
    Ok(SanctionEffect {
        sanction: Sanction {
            npi: npi.clone(),
            level: order.level,
            start: order.start,
            end,
            reason: order.reason.trim().to_owned(),
        },
        status,
    })
}

/// NET-05: extends a suspension to `new_end` (the committee's extension).
pub fn extend(sanction: &Sanction, new_end: Date) -> Result<Sanction, NetworkError> {
    if sanction.level != SanctionLevel::Suspension {
        return Err(NetworkError::Refused(format!(
            "only a suspension is extended; this is a {}",
            sanction.level.as_str()
        )));
    }
    if sanction.end.is_some_and(|e| new_end <= e) {
        return Err(NetworkError::invalid(
            "end",
            format!(
                "{new_end} does not extend the suspension ending {:?}",
                sanction.end
            ),
        ));
    }
    Ok(Sanction {
        end: Some(new_end),
        ..sanction.clone()
    })
}

/// What reinstating writes: the sanctions cut short (ending the day before) and, after a
/// termination, participation again from the reinstatement day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reinstatement {
    /// Each sanction in force on `on`, with its new end (`on` − 1).
    pub ended: Vec<Sanction>,
    /// Participating again from `on`, when the provider was terminated.
    pub status: Option<StatusChange>,
}

/// NET-05: reinstates `npi` on `on`: every monitoring, suspension or termination in force that
/// day ends the day before, and a terminated provider participates again from `on`. Effects
/// stop for dates from `on`; dates before keep theirs.
pub fn reinstate(
    npi: &Npi,
    on: Date,
    sanctions: &[Sanction],
    statuses: &[StatusSpan],
    reason: &str,
) -> Result<Reinstatement, NetworkError> {
    let mut ended = Vec::new();
    for x in sanctions
        .iter()
        .filter(|x| &x.npi == npi && x.level >= SanctionLevel::Monitoring && x.in_force(on))
    {
        if x.start >= on {
            return Err(NetworkError::Refused(format!(
                "the {} starts {}: reinstatement must come after its first day",
                x.level.as_str(),
                x.start
            )));
        }
        ended.push(Sanction {
            end: Some(add_days(on, -1)),
            ..x.clone()
        });
    }
    let terminated =
        status::in_force(statuses, npi, on).is_some_and(|x| x.status == NetworkStatus::Terminated);
    let status = if terminated {
        Some(status::change(
            statuses,
            npi,
            NetworkStatus::Participating,
            on,
            &format!("reinstated: {}", reason.trim()),
        )?)
    } else {
        None
    };
    if ended.is_empty() && status.is_none() {
        return Err(NetworkError::Refused(format!(
            "{npi} has no sanction in force on {on} and is not terminated: nothing to reinstate"
        )));
    }
    Ok(Reinstatement { ended, status })
}

/// An authorization, as transition of care reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareAuthorization {
    /// Authorization ID.
    pub auth_id: String,
    /// The member.
    pub member_id: String,
    /// The servicing provider.
    pub npi: String,
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

/// A service on a claim, as transition of care reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CareService {
    /// The member.
    pub member_id: String,
    /// The rendering or billing provider.
    pub npi: String,
    /// Date of service.
    pub date: Date,
}

/// A member in the care of a provider whose participation ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberInCare {
    /// The member.
    pub member_id: String,
    /// Authorizations with the provider still running on the termination date.
    pub open_authorizations: Vec<String>,
    /// The member's last service with the provider within the look-back.
    pub last_service: Option<Date>,
}

/// NET-05: the members in care of `npi` whose participation ends on `from`, for transition: an
/// authorization with the provider running on or after `from`, or a service in the
/// `lookback_months` before it (the plan's `network.transition_lookback_months`, 6 — the period
/// ELIG-02 uses for "in care"). By member ID.
pub fn members_in_care(
    npi: &Npi,
    from: Date,
    authorizations: &[CareAuthorization],
    services: &[CareService],
    lookback_months: u32,
) -> Vec<MemberInCare> {
    let since = add_months(from, -i64::from(lookback_months));
    let mut by: BTreeMap<String, MemberInCare> = BTreeMap::new();
    let entry = |by: &mut BTreeMap<String, MemberInCare>, m: &str| {
        by.entry(m.to_owned())
            .or_insert_with(|| MemberInCare {
                member_id: m.to_owned(),
                open_authorizations: Vec::new(),
                last_service: None,
            })
            .member_id
            .clone()
    };
    for a in authorizations
        .iter()
        .filter(|a| a.npi == npi.as_str() && a.end >= from)
    {
        let k = entry(&mut by, &a.member_id);
        if let Some(m) = by.get_mut(&k) {
            m.open_authorizations.push(a.auth_id.clone());
        }
    }
    for c in services
        .iter()
        .filter(|c| c.npi == npi.as_str() && c.date >= since && c.date < from)
    {
        let k = entry(&mut by, &c.member_id);
        if let Some(m) = by.get_mut(&k) {
            m.last_service = m.last_service.max(Some(c.date));
        }
    }
    let mut v: Vec<_> = by.into_values().collect();
    for m in &mut v {
        m.open_authorizations.sort();
        m.open_authorizations.dedup();
    }
    v
}
