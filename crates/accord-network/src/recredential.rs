//! NET-03: re-credentialing every 3 years; the cycle opens 3 months before the due date; missing
//! it terminates participation. [`daily`] is the daily job: on a date it lists the cycles that
//! open, the cycles open and due, and the providers whose cycle lapsed (each with the status
//! change that ends participation).

use accord_core::provider::{NetworkStatus, StatusSpan};
use accord_core::{Date, Npi};
use accord_plan::NetworkSettings;
use serde::{Deserialize, Serialize};

use crate::dates::{add_days, add_months};
use crate::status::{self, StatusChange};

/// A provider's credentialing cycle: when it was last (re-)credentialed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleRecord {
    /// Whose cycle.
    pub npi: Npi,
    /// The day of the last credentialing decision.
    pub credentialed_on: Date,
}

/// NET-03: the cycle's due date and opening date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cycle {
    /// Whose cycle.
    pub npi: Npi,
    /// Last credentialed.
    pub credentialed_on: Date,
    /// Re-credentialing opens (due − 3 months).
    pub opens_on: Date,
    /// Re-credentialing is due (credentialed + 3 years).
    pub due_on: Date,
}

/// NET-03: the cycle following a credentialing decision on `credentialed_on`.
pub fn cycle(r: &CycleRecord, s: &NetworkSettings) -> Cycle {
    let due_on = add_months(r.credentialed_on, i64::from(s.recredential_months));
    Cycle {
        npi: r.npi.clone(),
        credentialed_on: r.credentialed_on,
        opens_on: add_months(due_on, -i64::from(s.recredential_opens_months_before)),
        due_on,
    }
}

/// A lapse: the cycle was missed, participation ends the day after the due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lapse {
    /// The cycle missed.
    pub cycle: Cycle,
    /// The status change that ends participation (terminated from the day after the due date).
    pub change: StatusChange,
}

/// What the daily job finds on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct DailyJob {
    /// The day.
    pub on: Date,
    /// Cycles opening today: send the re-credentialing application.
    pub opening: Vec<Cycle>,
    /// Cycles open and not yet completed (opening ≤ today ≤ due), soonest due first.
    pub due: Vec<Cycle>,
    /// Cycles past due while the provider still participates: participation ends.
    pub lapsing: Vec<Lapse>,
}

/// NET-03 the daily job on `on`: every provider's cycle from its last credentialing, its
/// status spans deciding whether a lapse still has something to end. A provider not
/// participating on the day after its due date (already terminated, resigned, on leave) does not
/// lapse again; leave does not stop the clock.
pub fn daily(
    cycles: &[CycleRecord],
    statuses: &[StatusSpan],
    on: Date,
    s: &NetworkSettings,
) -> DailyJob {
    let mut job = DailyJob {
        on,
        ..DailyJob::default()
    };
    for r in cycles {
        let c = cycle(r, s);
        if c.opens_on == on {
            job.opening.push(c.clone());
        }
        if c.opens_on <= on && on <= c.due_on {
            job.due.push(c.clone());
        }
        if on > c.due_on {
            let from = add_days(c.due_on, 1);
            let participating = status::in_force(statuses, &c.npi, from)
                .is_some_and(|x| x.status == NetworkStatus::Participating);
            if participating
                && let Ok(change) = status::change(
                    statuses,
                    &c.npi,
                    NetworkStatus::Terminated,
                    from,
                    &format!(
                        "re-credentialing due {} was not completed (NET-03 lapse)",
                        c.due_on
                    ),
                )
            {
                job.lapsing.push(Lapse { cycle: c, change });
            }
        }
    }
    job.opening.sort_by(|a, b| a.npi.cmp(&b.npi));
    job.due
        .sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.npi.cmp(&b.npi)));
    job.lapsing.sort_by(|a, b| a.cycle.npi.cmp(&b.cycle.npi));
    job
}
