//! NET-07: the monthly exclusion screening schedule. Providers and their staff are checked
//! against the federal exclusion list monthly. The plan's `exclusion_screening_days` (31) is the
//! month: the next screening is due that many calendar days after the last run and is overdue
//! from the day after. A provider or staff member counts as screened in the last month when a
//! run dated within those days (up to and including today) covered it; anyone on file that no
//! such run covered is listed, so the next run — or a check by hand — can reach them.

use std::collections::BTreeMap;

use accord_core::{Date, Npi};
use accord_plan::NetworkSettings;
use serde::Serialize;

use crate::dates::add_days;

/// One screening run, as the schedule needs it: its day and whom it covered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningRun {
    /// The day of the run.
    pub screened_on: Date,
    /// The providers (staff included) the run screened.
    pub covered: Vec<Npi>,
}

/// Someone the plan must screen: a provider on file, or a clinician on a facility's staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screenable {
    /// NPI.
    pub npi: Npi,
    /// The name on file.
    pub name: String,
    /// For staff: the facility whose credentialing covers them (NET-09).
    pub staff_of: Option<Npi>,
}

/// A provider or staff member not screened in the last month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unscreened {
    /// NPI.
    pub npi: Npi,
    /// Name on file.
    pub name: String,
    /// For staff: the facility.
    pub staff_of: Option<Npi>,
    /// The last run that covered them, if any.
    pub last_screened: Option<Date>,
}

/// NET-07 where the schedule stands on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningSchedule {
    /// The day looked at.
    pub on: Date,
    /// The last run on or before `on`.
    pub last_run: Option<Date>,
    /// The last day the next run is on time (`None`: never screened, due at once).
    pub next_due: Option<Date>,
    /// No run on or before `on`, or `on` is after `next_due`.
    pub overdue: bool,
    /// Days past `next_due` (0 when on time; for a plan never screened, 0).
    pub days_overdue: i64,
    /// The first day a run counts as "in the last month" (`on` − the interval).
    pub screened_since: Date,
    /// Providers and staff no run covered in the last month, by NPI.
    pub not_screened: Vec<Unscreened>,
    /// The rule in words, citing NET-07.
    pub rule: String,
}

/// NET-07: the schedule on `on` from the runs so far and the people on file. Runs dated after
/// `on` are ignored, so the answer for a past day is what it was then.
pub fn schedule(
    runs: &[ScreeningRun],
    people: &[Screenable],
    on: Date,
    s: &NetworkSettings,
) -> ScreeningSchedule {
    let interval = i64::from(s.exclusion_screening_days);
    let past: Vec<&ScreeningRun> = runs.iter().filter(|r| r.screened_on <= on).collect();
    let last_run = past.iter().map(|r| r.screened_on).max();
    let next_due = last_run.map(|d| add_days(d, interval));
    let days_overdue = next_due.map_or(0, |due| {
        accord_core::calendar::calendar_days_between(due, on).max(0)
    });
    let overdue = match next_due {
        Some(_) => days_overdue > 0,
        None => !people.is_empty(),
    };
    let mut last_covered: BTreeMap<&Npi, Date> = BTreeMap::new();
    for r in &past {
        for n in &r.covered {
            let e = last_covered.entry(n).or_insert(r.screened_on);
            if *e < r.screened_on {
                *e = r.screened_on;
            }
        }
    }
    let since = add_days(on, -interval);
    let mut not_screened: Vec<Unscreened> = people
        .iter()
        .filter(|p| last_covered.get(&p.npi).is_none_or(|d| *d < since))
        .map(|p| Unscreened {
            npi: p.npi.clone(),
            name: p.name.clone(),
            staff_of: p.staff_of.clone(),
            last_screened: last_covered.get(&p.npi).copied(),
        })
        .collect();
    not_screened.sort_by(|a, b| a.npi.cmp(&b.npi));
    not_screened.dedup_by(|a, b| a.npi == b.npi);
    ScreeningSchedule {
        on,
        last_run,
        next_due,
        overdue,
        days_overdue,
        screened_since: since,
        not_screened,
        rule: format!(
            "providers and their staff are screened against the federal exclusion list at least \
             every {interval} calendar days (NET-07)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }
    fn npi(n: u32) -> Npi {
        Npi::from_first_nine(n)
    }
    fn person(n: u32, staff_of: Option<u32>) -> Screenable {
        Screenable {
            npi: npi(n),
            name: format!("Provider {n}"),
            staff_of: staff_of.map(npi),
        }
    }
    fn run(on: &str, covered: &[u32]) -> ScreeningRun {
        ScreeningRun {
            screened_on: d(on),
            covered: covered.iter().copied().map(npi).collect(),
        }
    }

    #[test]
    fn net_07_next_screening_is_due_31_days_after_the_last_run() {
        let s = NetworkSettings::default();
        let people = [person(100_000_001, None)];
        let runs = [
            run("2026-01-10", &[100_000_001]),
            run("2026-02-05", &[100_000_001]),
        ];
        let on_time = schedule(&runs, &people, d("2026-03-08"), &s);
        assert_eq!(on_time.last_run, Some(d("2026-02-05")));
        assert_eq!(on_time.next_due, Some(d("2026-03-08")));
        assert!(!on_time.overdue);
        assert_eq!(on_time.days_overdue, 0);
        assert!(on_time.not_screened.is_empty());
        let late = schedule(&runs, &people, d("2026-03-10"), &s);
        assert!(late.overdue);
        assert_eq!(late.days_overdue, 2);
        assert!(
            late.rule.contains("31 calendar days (NET-07)"),
            "{}",
            late.rule
        );
    }

    #[test]
    fn net_07_a_plan_never_screened_is_overdue_at_once() {
        let s = NetworkSettings::default();
        let people = [person(100_000_001, None)];
        let never = schedule(&[], &people, d("2026-03-01"), &s);
        assert!(never.overdue);
        assert_eq!((never.last_run, never.next_due), (None, None));
        assert_eq!(never.not_screened.len(), 1);
        assert_eq!(never.not_screened[0].last_screened, None);
        // With nobody on file there is nothing to screen yet.
        assert!(!schedule(&[], &[], d("2026-03-01"), &s).overdue);
    }

    #[test]
    fn net_07_lists_providers_and_staff_not_screened_in_the_last_month() {
        let s = NetworkSettings::default();
        let people = [
            person(100_000_001, None),
            person(100_000_002, Some(100_000_001)),
            person(100_000_003, None),
        ];
        // The facility was screened recently; its clinician only in January; the third never.
        let runs = [
            run("2026-01-05", &[100_000_001, 100_000_002]),
            run("2026-02-20", &[100_000_001]),
        ];
        let sch = schedule(&runs, &people, d("2026-03-01"), &s);
        assert!(!sch.overdue);
        let listed: Vec<(Npi, Option<Date>, Option<Npi>)> = sch
            .not_screened
            .iter()
            .map(|u| (u.npi.clone(), u.last_screened, u.staff_of.clone()))
            .collect();
        assert_eq!(
            listed,
            vec![
                (
                    npi(100_000_002),
                    Some(d("2026-01-05")),
                    Some(npi(100_000_001))
                ),
                (npi(100_000_003), None, None),
            ]
        );
    }

    #[test]
    fn net_07_a_run_exactly_one_interval_ago_still_counts_and_later_runs_are_ignored() {
        let s = NetworkSettings::default();
        let people = [person(100_000_001, None)];
        let runs = [run("2026-01-29", &[100_000_001]), run("2026-04-01", &[])];
        // 2026-01-29 + 31 days = 2026-03-01: still screened that day, not the day after.
        let edge = schedule(&runs, &people, d("2026-03-01"), &s);
        assert!(edge.not_screened.is_empty() && !edge.overdue);
        let after = schedule(&runs, &people, d("2026-03-02"), &s);
        assert_eq!(after.not_screened.len(), 1);
        assert!(after.overdue);
        assert_eq!(after.last_run, Some(d("2026-01-29")));
    }

    #[test]
    fn net_07_the_interval_is_the_plans_setting() {
        let s = NetworkSettings {
            exclusion_screening_days: 7,
            ..NetworkSettings::default()
        };
        let people = [person(100_000_001, None)];
        let runs = [run("2026-03-01", &[100_000_001])];
        let sch = schedule(&runs, &people, d("2026-03-09"), &s);
        assert_eq!(sch.next_due, Some(d("2026-03-08")));
        assert_eq!(sch.days_overdue, 1);
        assert_eq!(sch.not_screened.len(), 1);
    }
}
