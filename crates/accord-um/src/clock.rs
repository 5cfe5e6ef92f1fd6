//! UM-02 decision clocks: which clock a request runs on and the instant its decision is due.
//!
//! The clock starts at receipt. Hour clocks are elapsed hours from the receipt instant, so a DST
//! change never shortens them. Day clocks are calendar days counted in the plan's time zone: the
//! decision is due by the end of the local day N days after the local day of receipt, so a request
//! received at 23:30 on the 1st with a 15-day clock is due by 23:59:59 on the 16th, never earlier
//! than 15 civil days after receipt.

use accord_core::calendar::{self, CalendarError};
use accord_plan::PlanConfig;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::request::{ReviewType, Urgency};

/// Which row of UM-02 applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockRule {
    /// Prospective urgent (and concurrent urgent treated as prospective): hours.
    ProspectiveUrgent,
    /// Prospective non-urgent, standard contract.
    ProspectiveNonUrgent,
    /// Prospective non-urgent on a CMS-governed contract.
    CmsGovernedNonUrgent,
    /// Prospective non-urgent under CMS-0057-F.
    Cms0057fNonUrgent,
    /// Concurrent urgent, received more than the threshold before the authorization ends.
    ConcurrentUrgentEarly,
    /// Concurrent urgent, received less than the threshold before it ends (UM-08: late).
    ConcurrentUrgentLate,
    /// Retrospective.
    Retrospective,
}

/// How long a clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "n")]
pub enum ClockLength {
    /// Elapsed hours from receipt.
    Hours(u32),
    /// Calendar days in the plan's time zone, due at the end of the last day.
    CalendarDays(u32),
}

impl std::fmt::Display for ClockLength {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClockLength::Hours(n) => write!(f, "{n} hours"),
            ClockLength::CalendarDays(n) => write!(f, "{n} calendar days"),
        }
    }
}

/// A request's decision clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionClock {
    /// The UM-02 row.
    pub rule: ClockRule,
    /// Its length.
    pub length: ClockLength,
    /// When it started (receipt).
    pub started: Timestamp,
    /// When the decision is due.
    pub due: Timestamp,
    /// The rule in words, for queues and explanations.
    pub explanation: String,
}

/// The facts the clock depends on.
#[derive(Debug, Clone, Copy)]
pub struct ClockInput {
    /// Prospective, concurrent or retrospective.
    pub review_type: ReviewType,
    /// Urgency.
    pub urgency: Urgency,
    /// Receipt instant.
    pub received: Timestamp,
    /// Concurrent review: the instant the current authorization ends (end of its last day).
    pub current_authorization_ends: Option<Timestamp>,
}

/// UM-02: the decision clock for a request.
pub fn decision_clock(
    cfg: &PlanConfig,
    tz: &TimeZone,
    input: ClockInput,
) -> Result<DecisionClock, CalendarError> {
    let um = &cfg.um;
    let received_day = calendar::local_date(input.received, tz);
    let (rule, length) = match (input.review_type, input.urgency) {
        (ReviewType::Retrospective, _) => (
            ClockRule::Retrospective,
            ClockLength::CalendarDays(um.retrospective_days),
        ),
        (ReviewType::Concurrent, Urgency::Urgent) => match input.current_authorization_ends {
            Some(ends) => {
                let hours_before = ends.duration_since(input.received).as_hours();
                let hours = cfg.um_concurrent_urgent_hours(hours_before);
                let rule = if hours_before > i64::from(um.concurrent_late_threshold_hours) {
                    ClockRule::ConcurrentUrgentEarly
                } else {
                    ClockRule::ConcurrentUrgentLate
                };
                (rule, ClockLength::Hours(hours))
            }
            // No running authorization to measure against: treated as a prospective request.
            None => (
                ClockRule::ProspectiveUrgent,
                ClockLength::Hours(um.prospective_urgent_hours),
            ),
        },
        (ReviewType::Prospective, Urgency::Urgent) => (
            ClockRule::ProspectiveUrgent,
            ClockLength::Hours(um.prospective_urgent_hours),
        ),
        // UM-02: concurrent non-urgent is treated as prospective.
        (ReviewType::Prospective | ReviewType::Concurrent, Urgency::NonUrgent) => {
            let days = cfg.um_non_urgent_days_on(received_day);
            let rule = if cfg.cms_0057f && cfg.cms_0057f_from.is_none_or(|f| received_day >= f) {
                ClockRule::Cms0057fNonUrgent
            } else if cfg.cms_governed {
                ClockRule::CmsGovernedNonUrgent
            } else {
                ClockRule::ProspectiveNonUrgent
            };
            (rule, ClockLength::CalendarDays(days))
        }
    };
    let due = match length {
        ClockLength::Hours(h) => calendar::add_hours(input.received, i64::from(h))?,
        ClockLength::CalendarDays(d) => {
            let day = calendar::add_calendar_days(received_day, i64::from(d))?;
            calendar::end_of_day(day, tz)?
        }
    };
    let what = match rule {
        ClockRule::ProspectiveUrgent => "urgent request",
        ClockRule::ProspectiveNonUrgent => "non-urgent request",
        ClockRule::CmsGovernedNonUrgent => "non-urgent request, CMS-governed contract",
        ClockRule::Cms0057fNonUrgent => "non-urgent request under CMS-0057-F",
        ClockRule::ConcurrentUrgentEarly => {
            "urgent concurrent review received more than the threshold before the authorization ends"
        }
        ClockRule::ConcurrentUrgentLate => {
            "urgent concurrent review received less than the threshold before the authorization ends"
        }
        ClockRule::Retrospective => "retrospective review",
    };
    Ok(DecisionClock {
        rule,
        length,
        started: input.received,
        due,
        explanation: format!("{what}: decide within {length} of receipt (UM-02)"),
    })
}

/// UM-08: a concurrent review is late when it arrives less than the plan's threshold (24 hours)
/// before the current authorization ends.
pub fn concurrent_review_is_late(
    cfg: &PlanConfig,
    received: Timestamp,
    current_authorization_ends: Timestamp,
) -> bool {
    current_authorization_ends
        .duration_since(received)
        .as_hours()
        < i64::from(cfg.um.concurrent_late_threshold_hours)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cfg() -> PlanConfig {
        toml::from_str(
            r#"name = "t"
payer_id = "T"
plan_code = "T"
program = "medicaid"
time_zone = "America/Chicago""#,
        )
        .unwrap()
    }

    fn tz() -> TimeZone {
        TimeZone::get("America/Chicago").unwrap()
    }

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned(tz())
            .unwrap()
            .timestamp()
    }

    fn due(
        cfg: &PlanConfig,
        rt: ReviewType,
        u: Urgency,
        received: Timestamp,
        ends: Option<Timestamp>,
    ) -> (ClockRule, String) {
        let c = decision_clock(
            cfg,
            &tz(),
            ClockInput {
                review_type: rt,
                urgency: u,
                received,
                current_authorization_ends: ends,
            },
        )
        .unwrap();
        (
            c.rule,
            c.due.to_zoned(tz()).strftime("%F %T %Z").to_string(),
        )
    }

    /// The UM-02 table, row by row, across a weekend, a holiday and both DST changes of 2026
    /// (America/Chicago: 2026-03-08 spring forward, 2026-11-01 fall back).
    #[test]
    fn um_02_clock_table() {
        use ReviewType::*;
        use Urgency::*;
        let c = cfg();
        type Row = (
            ReviewType,
            Urgency,
            Timestamp,
            Option<Timestamp>,
            ClockRule,
            &'static str,
        );
        let rows: Vec<Row> = vec![
            // Prospective urgent: 72 elapsed hours, across the spring-forward night (local clock
            // shows 73 hours later because an hour was skipped).
            (
                Prospective,
                Urgent,
                at(2026, 3, 6, 10, 0),
                None,
                ClockRule::ProspectiveUrgent,
                "2026-03-09 11:00:00 CDT",
            ),
            // ... and across fall-back (local shows 71 hours later).
            (
                Prospective,
                Urgent,
                at(2026, 10, 30, 10, 0),
                None,
                ClockRule::ProspectiveUrgent,
                "2026-11-02 09:00:00 CST",
            ),
            // Over a weekend: hours count every hour.
            (
                Prospective,
                Urgent,
                at(2026, 11, 27, 16, 30),
                None,
                ClockRule::ProspectiveUrgent,
                "2026-11-30 16:30:00 CST",
            ),
            // Non-urgent: 15 calendar days, weekends and holidays (Thanksgiving 2026-11-26) included.
            (
                Prospective,
                NonUrgent,
                at(2026, 11, 20, 9, 0),
                None,
                ClockRule::ProspectiveNonUrgent,
                "2026-12-05 23:59:59 CST",
            ),
            // Received late in the evening: the local day counts, not UTC's.
            (
                Prospective,
                NonUrgent,
                at(2026, 2, 28, 23, 30),
                None,
                ClockRule::ProspectiveNonUrgent,
                "2026-03-15 23:59:59 CDT",
            ),
            // Concurrent urgent, received 48 hours before the authorization ends: 24 hours.
            (
                Concurrent,
                Urgent,
                at(2026, 4, 1, 12, 0),
                Some(at(2026, 4, 3, 12, 0)),
                ClockRule::ConcurrentUrgentEarly,
                "2026-04-02 12:00:00 CDT",
            ),
            // Concurrent urgent, received 10 hours before: 72 hours.
            (
                Concurrent,
                Urgent,
                at(2026, 4, 3, 2, 0),
                Some(at(2026, 4, 3, 12, 0)),
                ClockRule::ConcurrentUrgentLate,
                "2026-04-06 02:00:00 CDT",
            ),
            // Concurrent non-urgent: treated as prospective.
            (
                Concurrent,
                NonUrgent,
                at(2026, 4, 1, 12, 0),
                Some(at(2026, 4, 3, 12, 0)),
                ClockRule::ProspectiveNonUrgent,
                "2026-04-16 23:59:59 CDT",
            ),
            // Retrospective: 30 calendar days.
            (
                Retrospective,
                NonUrgent,
                at(2026, 12, 20, 8, 0),
                None,
                ClockRule::Retrospective,
                "2027-01-19 23:59:59 CST",
            ),
            (
                Retrospective,
                Urgent,
                at(2026, 12, 20, 8, 0),
                None,
                ClockRule::Retrospective,
                "2027-01-19 23:59:59 CST",
            ),
        ];
        for (rt, u, received, ends, rule, expected) in rows {
            assert_eq!(
                due(&c, rt, u, received, ends),
                (rule, expected.to_owned()),
                "{rt:?} {u:?} {received}"
            );
        }
    }

    #[test]
    fn um_02_cms_governed_and_cms_0057f_contracts_use_their_own_numbers() {
        let mut c = cfg();
        c.cms_governed = true;
        let r = at(2026, 6, 1, 9, 0);
        assert_eq!(
            due(&c, ReviewType::Prospective, Urgency::NonUrgent, r, None),
            (
                ClockRule::CmsGovernedNonUrgent,
                "2026-06-15 23:59:59 CDT".into()
            )
        );
        c.cms_0057f = true;
        c.cms_0057f_from = Some(date(2026, 6, 2));
        // Before the CMS-0057-F start date the contract's other clock applies.
        assert_eq!(
            due(&c, ReviewType::Prospective, Urgency::NonUrgent, r, None).0,
            ClockRule::CmsGovernedNonUrgent
        );
        assert_eq!(
            due(
                &c,
                ReviewType::Prospective,
                Urgency::NonUrgent,
                at(2026, 6, 2, 9, 0),
                None
            ),
            (
                ClockRule::Cms0057fNonUrgent,
                "2026-06-09 23:59:59 CDT".into()
            )
        );
    }

    #[test]
    fn um_08_late_concurrent_review() {
        let c = cfg();
        let ends = at(2026, 4, 3, 23, 59);
        assert!(!concurrent_review_is_late(&c, at(2026, 4, 2, 12, 0), ends));
        assert!(concurrent_review_is_late(&c, at(2026, 4, 3, 0, 30), ends));
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// UM-02: a due instant is never earlier than receipt plus the clock — elapsed hours
            /// for hour clocks, civil days in the plan's zone for day clocks.
            #[test]
            fn um_02_due_is_never_before_receipt_plus_the_clock(
                secs in 1_700_000_000i64..1_900_000_000i64,
                rt in 0u8..3, urgent in any::<bool>(), before_h in -10i64..200,
                cms in any::<bool>(), f57 in any::<bool>(),
            ) {
                let mut c = cfg();
                c.cms_governed = cms;
                c.cms_0057f = f57;
                let received = Timestamp::from_second(secs).unwrap();
                let review_type = [ReviewType::Prospective, ReviewType::Concurrent, ReviewType::Retrospective][rt as usize];
                let urgency = if urgent { Urgency::Urgent } else { Urgency::NonUrgent };
                let ends = Some(received + jiff::SignedDuration::from_hours(before_h));
                let clock = decision_clock(&c, &tz(), ClockInput { review_type, urgency, received, current_authorization_ends: ends }).unwrap();
                prop_assert!(clock.due > received);
                match clock.length {
                    ClockLength::Hours(h) => prop_assert_eq!(clock.due, received + jiff::SignedDuration::from_hours(i64::from(h))),
                    ClockLength::CalendarDays(d) => {
                        let civil = received.to_zoned(tz()).checked_add(jiff::Span::new().days(i64::from(d))).unwrap();
                        prop_assert!(clock.due >= civil.timestamp());
                        // ... and not a day later than needed.
                        prop_assert!(clock.due < civil.timestamp() + jiff::SignedDuration::from_hours(25));
                    }
                }
            }
        }
    }
}
