//! Table tests of the clock arithmetic every workflow uses: weekends, federal holidays, plan
//! holidays (`BusinessCalendar::with_extra_holidays`), year ends and daylight-saving changes,
//! all in the plan's time zone (America/Chicago).

mod common;

use accord_cases::Length;
use common::{at, d, with_ctx};

#[test]
fn deadline_table() {
    // (start, local; length; plan holidays; due, local)
    let table: &[(&str, Length, &[&str], &str)] = &[
        // Weekends: Friday + 1 business day is Monday.
        (
            "2026-03-06T16:00",
            Length::BusinessDays(1),
            &[],
            "2026-03-09T23:59:59",
        ),
        // Started on a Saturday: 5 business days end the next Friday.
        (
            "2026-03-07T10:00",
            Length::BusinessDays(5),
            &[],
            "2026-03-13T23:59:59",
        ),
        // Thanksgiving, and the day after as a plan holiday.
        (
            "2026-11-25T09:00",
            Length::BusinessDays(1),
            &[],
            "2026-11-27T23:59:59",
        ),
        (
            "2026-11-25T09:00",
            Length::BusinessDays(1),
            &["2026-11-27"],
            "2026-11-30T23:59:59",
        ),
        // Year end: Christmas and New Year's Day (2027-01-01, a Friday).
        (
            "2026-12-23T09:00",
            Length::BusinessDays(5),
            &[],
            "2026-12-31T23:59:59",
        ),
        (
            "2026-12-28T09:00",
            Length::BusinessDays(5),
            &[],
            "2027-01-05T23:59:59",
        ),
        (
            "2026-12-17T09:00",
            Length::CalendarDays(15),
            &[],
            "2027-01-01T23:59:59",
        ),
        // New Year's Day 2022 fell on Saturday: observed Friday 2021-12-31.
        (
            "2021-12-30T09:00",
            Length::BusinessDays(1),
            &[],
            "2022-01-03T23:59:59",
        ),
        // Daylight saving: spring forward 2026-03-08, fall back 2026-11-01.
        (
            "2026-03-07T12:00",
            Length::Hours(24),
            &[],
            "2026-03-08T13:00",
        ),
        (
            "2026-10-31T12:00",
            Length::Hours(24),
            &[],
            "2026-11-01T11:00",
        ),
        (
            "2026-03-06T12:00",
            Length::Hours(72),
            &[],
            "2026-03-09T13:00",
        ),
        (
            "2026-03-07T12:00",
            Length::CalendarDays(1),
            &[],
            "2026-03-08T23:59:59",
        ),
        (
            "2026-10-31T12:00",
            Length::CalendarDays(1),
            &[],
            "2026-11-01T23:59:59",
        ),
        // A receipt late in the local evening is still that local day (05:30Z the next day).
        (
            "2026-01-05T23:30",
            Length::CalendarDays(90),
            &[],
            "2026-04-05T23:59:59",
        ),
        // Zero-length day clocks end the same local day.
        (
            "2026-01-05T08:00",
            Length::CalendarDays(0),
            &[],
            "2026-01-05T23:59:59",
        ),
    ];
    for (start, length, extra, due) in table {
        let extra: Vec<_> = extra.iter().map(|s| d(s)).collect();
        with_ctx(&extra, |ctx| {
            assert_eq!(
                length.due_from(at(start), ctx).unwrap(),
                at(due),
                "{start} + {length} with {extra:?}"
            );
        });
    }
}
