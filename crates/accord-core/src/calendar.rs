//! The business calendar and deadline arithmetic.
//!
//! "Business day" (RULES.md preamble): Monday to Friday except the plan calendar's holidays. The plan
//! calendar is the US federal holidays, computed by rule and observed as the federal government
//! observes them (Saturday → the Friday before, Sunday → the Monday after), plus the plan's own
//! extra holidays from its configuration. "Calendar days" count every day; hours are elapsed hours
//! from an instant.
//!
//! Conventions used by every clock in Accord (see `docs/calendar.md`):
//! - "within N business days of D" ends on [`BusinessCalendar::add_business_days`]`(D, N)`: counting
//!   starts the business day after D, so filing on a Friday with a 5-business-day clock is due the
//!   next Friday (or later if a holiday intervenes).
//! - "within N calendar days of D" ends on D + N.
//! - A deadline that is a date is due at the end of that date in the plan's time zone
//!   ([`end_of_day`]); a deadline in hours is the receipt instant plus N hours ([`add_hours`]),
//!   which is exact across daylight-saving changes because it is elapsed time.

use std::collections::BTreeSet;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

/// Arithmetic that ran off the supported date range (years -9999 to 9999), or a time zone that does
/// not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// Date arithmetic overflowed.
    #[error("date arithmetic out of range: {0}")]
    OutOfRange(String),
    /// Unknown IANA time-zone name.
    #[error("unknown time zone {0:?} (use an IANA name such as America/Chicago)")]
    UnknownTimeZone(String),
}

fn range_err(e: jiff::Error) -> CalendarError {
    CalendarError::OutOfRange(e.to_string())
}

/// A federal holiday as observed on a weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holiday {
    /// The day it is observed (never a Saturday or Sunday).
    pub observed: Date,
    /// Its name, e.g. "Independence Day".
    pub name: &'static str,
}

/// Moves a Saturday holiday to Friday and a Sunday holiday to Monday (5 U.S.C. 6103(b), as applied
/// by OPM to most federal employees).
fn observed(d: Date) -> Date {
    match d.weekday() {
        Weekday::Saturday => d.yesterday().unwrap_or(d),
        Weekday::Sunday => d.tomorrow().unwrap_or(d),
        _ => d,
    }
}

fn nth(year: i16, month: i8, n: i8, wd: Weekday) -> Option<Date> {
    Date::new(year, month, 1)
        .ok()?
        .nth_weekday_of_month(n, wd)
        .ok()
}

/// The federal holidays whose *actual* date falls in `year`, each with its observed date. Note the
/// observed date of New Year's Day can fall on December 31 of the year before.
fn federal_holidays_by_actual_year(year: i16) -> Vec<Holiday> {
    let mut out = Vec::with_capacity(11);
    let mut fixed = |m: i8, d: i8, name: &'static str| {
        if let Ok(date) = Date::new(year, m, d) {
            out.push(Holiday {
                observed: observed(date),
                name,
            });
        }
    };
    fixed(1, 1, "New Year's Day");
    if year >= 2021 {
        fixed(6, 19, "Juneteenth National Independence Day");
    }
    fixed(7, 4, "Independence Day");
    if !(1971..=1977).contains(&year) {
        fixed(11, 11, "Veterans Day");
    }
    fixed(12, 25, "Christmas Day");
    let mut floating = |d: Option<Date>, name: &'static str| {
        if let Some(observed) = d {
            out.push(Holiday { observed, name });
        }
    };
    if year >= 1986 {
        floating(
            nth(year, 1, 3, Weekday::Monday),
            "Martin Luther King Jr. Day",
        );
    }
    floating(nth(year, 2, 3, Weekday::Monday), "Washington's Birthday");
    floating(nth(year, 5, -1, Weekday::Monday), "Memorial Day");
    floating(nth(year, 9, 1, Weekday::Monday), "Labor Day");
    floating(nth(year, 10, 2, Weekday::Monday), "Columbus Day");
    if (1971..=1977).contains(&year) {
        floating(nth(year, 10, 4, Weekday::Monday), "Veterans Day");
    }
    floating(nth(year, 11, 4, Weekday::Thursday), "Thanksgiving Day");
    out
}

/// US federal holidays *observed* in `year` (by observed date), sorted by date. Covers the rules in
/// force since 1971 (Uniform Monday Holiday Act); Juneteenth from 2021.
pub fn federal_holidays(year: i16) -> Vec<Holiday> {
    let mut out: Vec<Holiday> = federal_holidays_by_actual_year(year)
        .into_iter()
        .chain(federal_holidays_by_actual_year(year.saturating_add(1)))
        .filter(|h| h.observed.year() == year)
        .collect();
    out.sort_by_key(|h| h.observed);
    out.dedup_by_key(|h| h.observed);
    out
}

/// First and last year for which holidays are precomputed; outside it they are computed on demand.
const PRECOMPUTED: (i16, i16) = (1990, 2100);

/// A plan's business calendar: federal holidays plus the plan's own.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    holidays: BTreeSet<Date>,
    extra: BTreeSet<Date>,
}

impl Default for BusinessCalendar {
    fn default() -> Self {
        Self::federal()
    }
}

impl BusinessCalendar {
    /// The federal calendar alone.
    pub fn federal() -> Self {
        Self::with_extra_holidays(std::iter::empty())
    }

    /// The federal calendar plus a plan's extra holidays (e.g. the day after Thanksgiving).
    pub fn with_extra_holidays(extra: impl IntoIterator<Item = Date>) -> Self {
        let extra: BTreeSet<Date> = extra.into_iter().collect();
        let mut holidays: BTreeSet<Date> = (PRECOMPUTED.0..=PRECOMPUTED.1)
            .flat_map(federal_holidays)
            .map(|h| h.observed)
            .collect();
        holidays.extend(extra.iter().copied());
        Self { holidays, extra }
    }

    /// The plan's extra holidays, as configured.
    pub fn extra_holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.extra.iter().copied()
    }

    /// True when `d` is a federal (observed) or plan holiday.
    pub fn is_holiday(&self, d: Date) -> bool {
        if (PRECOMPUTED.0..=PRECOMPUTED.1).contains(&d.year()) {
            self.holidays.contains(&d)
        } else {
            self.extra.contains(&d) || federal_holidays(d.year()).iter().any(|h| h.observed == d)
        }
    }

    /// True on Monday–Friday that is not a holiday.
    pub fn is_business_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.is_holiday(d)
    }

    /// The first business day strictly after `d`.
    pub fn next_business_day(&self, d: Date) -> Result<Date, CalendarError> {
        self.add_business_days(d, 1)
    }

    /// The day `n` business days after `d`: counting starts the day after `d`, and the result is
    /// always a business day when `n > 0`. With `n == 0` the answer is `d` itself.
    pub fn add_business_days(&self, d: Date, n: u32) -> Result<Date, CalendarError> {
        let mut day = d;
        let mut left = n;
        // Skip whole weeks first so long clocks (e.g. 30 business days) stay cheap; holidays inside
        // the skipped weeks are then paid back one day at a time.
        // Always leave at least one day for the day-by-day loop, so the answer is a business day
        // even when the start is a weekend (found by the property test below).
        while left > 5 {
            let weeks = (left - 1) / 5;
            let next = day
                .checked_add(Span::new().days(i64::from(weeks) * 7))
                .map_err(range_err)?;
            let holidays_skipped = self
                .holidays_between(day, next)
                .filter(|h| !matches!(h.weekday(), Weekday::Saturday | Weekday::Sunday))
                .count() as u32;
            day = next;
            left = left - weeks * 5 + holidays_skipped;
        }
        while left > 0 {
            day = day.tomorrow().map_err(range_err)?;
            if self.is_business_day(day) {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Holidays `h` with `from < h <= to`.
    fn holidays_between(&self, from: Date, to: Date) -> Box<dyn Iterator<Item = Date> + '_> {
        if from.year() >= PRECOMPUTED.0 && to.year() <= PRECOMPUTED.1 {
            use std::ops::Bound::{Excluded, Included};
            Box::new(self.holidays.range((Excluded(from), Included(to))).copied())
        } else {
            let years = from.year()..=to.year();
            let mut all: BTreeSet<Date> = years
                .flat_map(federal_holidays)
                .map(|h| h.observed)
                .collect();
            all.extend(self.extra.iter().copied());
            Box::new(
                all.into_iter()
                    .filter(move |h| *h > from && *h <= to)
                    .collect::<Vec<_>>()
                    .into_iter(),
            )
        }
    }

    /// Number of business days `x` with `from < x <= to` (zero when `to <= from`). The inverse of
    /// [`Self::add_business_days`]: `count(d, add(d, n)) == n`.
    pub fn count_business_days_between(&self, from: Date, to: Date) -> i64 {
        if to <= from {
            return 0;
        }
        let days = i64::from((to - from).get_days());
        let full_weeks = days / 7;
        let mut count = full_weeks * 5;
        let mut day = from
            .checked_add(Span::new().days(full_weeks * 7))
            .unwrap_or(to);
        while day < to {
            day = match day.tomorrow() {
                Ok(t) => t,
                Err(_) => break,
            };
            if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                count += 1;
            }
        }
        let weekday_holidays = self
            .holidays_between(from, to)
            .filter(|h| !matches!(h.weekday(), Weekday::Saturday | Weekday::Sunday))
            .count() as i64;
        count - weekday_holidays
    }
}

/// `d` plus `n` calendar days (negative `n` goes back).
pub fn add_calendar_days(d: Date, n: i64) -> Result<Date, CalendarError> {
    d.checked_add(Span::new().days(n)).map_err(range_err)
}

/// Calendar days from `from` to `to` (negative when `to` is earlier).
pub fn calendar_days_between(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
}

/// An instant plus `n` elapsed hours.
pub fn add_hours(t: Timestamp, n: i64) -> Result<Timestamp, CalendarError> {
    t.checked_add(Span::new().hours(n)).map_err(range_err)
}

/// Looks up an IANA time zone (the tz database is bundled into the binary, so this works on a
/// machine without `/usr/share/zoneinfo`).
pub fn time_zone(name: &str) -> Result<TimeZone, CalendarError> {
    TimeZone::get(name).map_err(|_| CalendarError::UnknownTimeZone(name.to_owned()))
}

/// The civil date of an instant in a time zone (e.g. the plan's local date of a receipt).
pub fn local_date(t: Timestamp, tz: &TimeZone) -> Date {
    t.to_zoned(tz.clone()).date()
}

/// The last second of `d` in time zone `tz` (23:59:59 local): when a deadline that is a date is due.
pub fn end_of_day(d: Date, tz: &TimeZone) -> Result<Timestamp, CalendarError> {
    let z = d
        .at(23, 59, 59, 0)
        .to_zoned(tz.clone())
        .map_err(range_err)?;
    Ok(z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> BusinessCalendar {
        BusinessCalendar::federal()
    }

    #[test]
    fn observed_rules() {
        // 2021-07-04 was a Sunday: observed Monday 2021-07-05.
        assert!(cal().is_holiday(date(2021, 7, 5)));
        assert!(!cal().is_holiday(date(2021, 7, 4)));
        // 2022-01-01 was a Saturday: observed Friday 2021-12-31.
        assert!(cal().is_holiday(date(2021, 12, 31)));
        // Juneteenth 2021 (Saturday) observed Friday 2021-06-18; none before 2021.
        assert!(cal().is_holiday(date(2021, 6, 18)));
        assert!(!cal().is_holiday(date(2020, 6, 19)));
        assert!(cal().is_holiday(date(2026, 11, 26)), "Thanksgiving 2026");
        assert!(cal().is_holiday(date(2026, 1, 19)), "MLK 2026");
    }

    #[test]
    fn federal_holidays_2026_table() {
        let got: Vec<String> = federal_holidays(2026)
            .iter()
            .map(|h| h.observed.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "2026-01-01",
                "2026-01-19",
                "2026-02-16",
                "2026-05-25",
                "2026-06-19",
                "2026-07-03",
                "2026-09-07",
                "2026-10-12",
                "2026-11-11",
                "2026-11-26",
                "2026-12-25",
            ]
        );
    }

    #[test]
    fn add_business_days_skips_weekends_and_holidays() {
        // Wednesday 2026-11-25 + 1 → Friday 11-27 (Thursday is Thanksgiving).
        assert_eq!(
            cal().add_business_days(date(2026, 11, 25), 1).unwrap(),
            date(2026, 11, 27)
        );
        // Friday + 1 → Monday.
        assert_eq!(
            cal().add_business_days(date(2026, 3, 6), 1).unwrap(),
            date(2026, 3, 9)
        );
        // Friday before Christmas 2026 (Fri 12-25 is a holiday); Thu 12-24 + 1 → Mon 12-28.
        assert_eq!(
            cal().add_business_days(date(2026, 12, 24), 1).unwrap(),
            date(2026, 12, 28)
        );
        // From a Saturday, 5 business days lands on the next Friday.
        assert_eq!(
            cal().add_business_days(date(2026, 3, 7), 5).unwrap(),
            date(2026, 3, 13)
        );
        assert_eq!(
            cal().add_business_days(date(2026, 3, 7), 0).unwrap(),
            date(2026, 3, 7)
        );
    }

    #[test]
    fn plan_holidays_are_not_business_days() {
        let c = BusinessCalendar::with_extra_holidays([date(2026, 11, 27)]);
        assert!(!c.is_business_day(date(2026, 11, 27)));
        assert_eq!(
            c.add_business_days(date(2026, 11, 25), 1).unwrap(),
            date(2026, 11, 30)
        );
    }

    #[test]
    fn count_between() {
        assert_eq!(
            cal().count_business_days_between(date(2026, 11, 25), date(2026, 11, 30)),
            2
        );
        assert_eq!(
            cal().count_business_days_between(date(2026, 11, 30), date(2026, 11, 25)),
            0
        );
    }

    #[test]
    fn end_of_day_in_plan_zone_across_dst() {
        let tz = time_zone("America/Chicago").unwrap();
        // 2026-03-08 is the spring-forward day; 23:59:59 CDT is 04:59:59Z the next day.
        assert_eq!(
            end_of_day(date(2026, 3, 8), &tz).unwrap().to_string(),
            "2026-03-09T04:59:59Z"
        );
        assert_eq!(
            end_of_day(date(2026, 1, 8), &tz).unwrap().to_string(),
            "2026-01-09T05:59:59Z"
        );
        assert!(time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn hours_are_elapsed_time_across_dst() {
        let t: Timestamp = "2026-03-07T12:00:00-06:00".parse().unwrap();
        let due = add_hours(t, 24).unwrap();
        let tz = time_zone("America/Chicago").unwrap();
        // 24 elapsed hours over spring-forward reads 13:00 local the next day.
        assert_eq!(due.to_zoned(tz).hour(), 13);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn any_date() -> impl Strategy<Value = Date> {
            (1995i16..2095, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
        }

        proptest! {
            #[test]
            fn add_lands_on_business_day_and_counts_back(d in any_date(), n in 1u32..400) {
                let c = BusinessCalendar::with_extra_holidays([date(2030, 3, 4), date(2041, 8, 2)]);
                let end = c.add_business_days(d, n).unwrap();
                prop_assert!(c.is_business_day(end));
                prop_assert_eq!(c.count_business_days_between(d, end), i64::from(n));
                // And the day before the end is one business day short.
                prop_assert_eq!(c.count_business_days_between(d, end.yesterday().unwrap()), i64::from(n) - 1);
            }

            #[test]
            fn week_skipping_matches_day_by_day(d in any_date(), n in 0u32..120) {
                let c = cal();
                let mut day = d;
                let mut left = n;
                while left > 0 {
                    day = day.tomorrow().unwrap();
                    if c.is_business_day(day) { left -= 1; }
                }
                prop_assert_eq!(c.add_business_days(d, n).unwrap(), day);
            }

            #[test]
            fn holidays_are_never_on_weekends(y in 1971i16..2200) {
                for h in federal_holidays(y) {
                    prop_assert!(!matches!(h.observed.weekday(), Weekday::Saturday | Weekday::Sunday));
                    prop_assert_eq!(h.observed.year(), y);
                }
            }

            #[test]
            fn calendar_days_round_trip(d in any_date(), n in -2000i64..2000) {
                let e = add_calendar_days(d, n).unwrap();
                prop_assert_eq!(calendar_days_between(d, e), n);
            }
        }
    }
}
