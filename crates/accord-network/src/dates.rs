use accord_core::Date;
use jiff::ToSpan as _;

/// `d` plus `n` calendar days (negative: before), saturating at the calendar's ends.
pub fn add_days(d: Date, n: i64) -> Date {
    d.checked_add(n.days())
        .unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}

/// `d` plus `n` months, the day clamped to the month's last (Jan 31 + 1 month = Feb 28/29).
pub fn add_months(d: Date, n: i64) -> Date {
    d.checked_add(n.months())
        .unwrap_or(if n < 0 { Date::MIN } else { Date::MAX })
}
