//! Shared test fixtures: a plan configuration with the RULES.md defaults, the federal calendar
//! (optionally with plan holidays), America/Chicago, and instant helpers.
#![allow(dead_code)]

use accord_core::{BusinessCalendar, Date, Timestamp};
use accord_plan::PlanConfig;
use jiff::tz::TimeZone;

/// A plan with every setting at its RULES.md default.
pub fn config() -> PlanConfig {
    toml::from_str(
        "name = \"Test\"\npayer_id = \"T\"\nplan_code = \"T\"\nprogram = \"medicaid\"\n\
         time_zone = \"America/Chicago\"\n",
    )
    .expect("minimal plan.toml")
}

/// The plan's zone.
pub fn tz() -> TimeZone {
    accord_core::calendar::time_zone("America/Chicago").expect("zone")
}

/// The federal calendar plus `extra` plan holidays.
pub fn calendar(extra: &[Date]) -> BusinessCalendar {
    BusinessCalendar::with_extra_holidays(extra.iter().copied())
}

/// An instant: `"2026-03-06T12:00"` is read as Chicago local time; a string ending in `Z` as UTC.
pub fn at(s: &str) -> Timestamp {
    if s.ends_with('Z') {
        s.parse().expect("timestamp")
    } else {
        let dt: jiff::civil::DateTime = s.parse().expect("civil date-time");
        dt.to_zoned(tz()).expect("zoned").timestamp()
    }
}

/// A date.
pub fn d(s: &str) -> Date {
    s.parse().expect("date")
}

/// Builds plan pieces and runs `f` with a context over them.
pub fn with_ctx<R>(extra: &[Date], f: impl FnOnce(&accord_cases::CaseContext<'_>) -> R) -> R {
    let cfg = config();
    let cal = calendar(extra);
    let tz = tz();
    f(&accord_cases::CaseContext::new(&cfg, &cal, &tz))
}
