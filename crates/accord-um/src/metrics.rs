//! QM-04 / CMS-0057-F public metrics: for requests decided in a period, by review type and
//! urgency — how many, the share decided within their clock, approval / denial / partial rates,
//! the share overturned on appeal, and average and median time from receipt to decision.

use std::collections::BTreeMap;

use accord_core::Date;
use accord_core::calendar::local_date;
use jiff::tz::TimeZone;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::case::{Status, UmCase};
use crate::request::{ReviewType, Urgency};

/// One row of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricsRow {
    /// `prospective urgent`, `prospective standard`, … or `all`.
    pub group: String,
    /// Requests decided in the period (needing a decision: not-required answers excluded).
    pub decided: u64,
    /// Decided within their clock.
    pub within_clock: u64,
    /// Approved in full.
    pub approved: u64,
    /// Partially approved.
    pub partial: u64,
    /// Denied (clinical or administrative).
    pub denied: u64,
    /// Adverse decisions overturned on appeal.
    pub overturned_on_appeal: u64,
    /// Percent decided within the clock (2 places).
    pub within_clock_percent: Decimal,
    /// Percent approved in full.
    pub approval_percent: Decimal,
    /// Percent denied.
    pub denial_percent: Decimal,
    /// Percent partially approved.
    pub partial_percent: Decimal,
    /// Percent of adverse decisions overturned on appeal.
    pub overturned_percent: Decimal,
    /// Average hours from receipt to decision (1 place).
    pub average_hours: Decimal,
    /// Median hours from receipt to decision (1 place).
    pub median_hours: Decimal,
}

fn group(rt: ReviewType, u: Urgency) -> &'static str {
    match (rt, u) {
        (ReviewType::Prospective, Urgency::Urgent) => "prospective expedited",
        (ReviewType::Prospective, Urgency::NonUrgent) => "prospective standard",
        (ReviewType::Concurrent, Urgency::Urgent) => "concurrent expedited",
        (ReviewType::Concurrent, Urgency::NonUrgent) => "concurrent standard",
        (ReviewType::Retrospective, _) => "retrospective",
    }
}

fn pct(n: u64, d: u64) -> Decimal {
    if d == 0 {
        return Decimal::ZERO;
    }
    (Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(d)).round_dp(2)
}

/// QM-04: the report for decisions made from `from` through `to` (dates in the plan's zone).
/// `overturned` says whether an adverse decision was overturned on appeal (from the appeals
/// records).
pub fn um_report<'a>(
    cases: impl IntoIterator<Item = &'a UmCase>,
    from: Date,
    to: Date,
    tz: &TimeZone,
    overturned: impl Fn(&str) -> bool,
) -> Vec<MetricsRow> {
    let mut acc: BTreeMap<&'static str, (MetricsRow, Vec<i64>)> = BTreeMap::new();
    let mut all = (MetricsRow::default(), Vec::new());
    for c in cases {
        let Some(d) = &c.decision else { continue };
        if matches!(
            c.status,
            Status::NotRequired | Status::ReturnedIncomplete | Status::ProviderIneligible
        ) {
            continue;
        }
        let day = local_date(d.at, tz);
        if day < from || day > to {
            continue;
        }
        let secs = d.at.duration_since(c.request.received_at).as_secs();
        for (row, times) in [
            acc.entry(group(c.request.review_type, c.request.urgency))
                .or_default(),
            &mut all,
        ] {
            row.decided += 1;
            row.within_clock += u64::from(d.within_clock);
            match c.status {
                Status::Approved => row.approved += 1,
                Status::PartiallyApproved => row.partial += 1,
                Status::Denied | Status::AdministrativelyDenied => row.denied += 1,
                _ => {}
            }
            if c.status.is_adverse() && overturned(&c.request.id) {
                row.overturned_on_appeal += 1;
            }
            times.push(secs);
        }
    }
    let finish = |name: &str, (mut r, mut t): (MetricsRow, Vec<i64>)| {
        r.group = name.to_owned();
        r.within_clock_percent = pct(r.within_clock, r.decided);
        r.approval_percent = pct(r.approved, r.decided);
        r.denial_percent = pct(r.denied, r.decided);
        r.partial_percent = pct(r.partial, r.decided);
        r.overturned_percent = pct(r.overturned_on_appeal, r.partial + r.denied);
        if !t.is_empty() {
            t.sort_unstable();
            let hours = |s: i64| Decimal::from(s) / Decimal::from(3600);
            let sum: i64 = t.iter().sum();
            r.average_hours = (hours(sum) / Decimal::from(t.len())).round_dp(1);
            let mid = t.len() / 2;
            r.median_hours = if t.len() % 2 == 0 {
                (hours(t[mid - 1] + t[mid]) / Decimal::TWO).round_dp(1)
            } else {
                hours(t[mid]).round_dp(1)
            };
        }
        r
    };
    let mut rows: Vec<MetricsRow> = acc.into_iter().map(|(k, v)| finish(k, v)).collect();
    rows.push(finish("all", all));
    rows
}

/// The report as CSV.
pub fn to_csv(rows: &[MetricsRow]) -> String {
    let mut s = String::from(
        "group,decided,within_clock,within_clock_percent,approved,approval_percent,partial,partial_percent,denied,denial_percent,overturned_on_appeal,overturned_percent,average_hours,median_hours\n",
    );
    for r in rows {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.group,
            r.decided,
            r.within_clock,
            r.within_clock_percent,
            r.approved,
            r.approval_percent,
            r.partial,
            r.partial_percent,
            r.denied,
            r.denial_percent,
            r.overturned_on_appeal,
            r.overturned_percent,
            r.average_hours,
            r.median_hours
        ));
    }
    s
}

/// The report as a table people read.
pub fn to_table(rows: &[MetricsRow]) -> String {
    let mut s = format!(
        "{:<24} {:>7} {:>13} {:>9} {:>8} {:>8} {:>11} {:>9} {:>10}\n",
        "group",
        "decided",
        "within clock",
        "approved",
        "partial",
        "denied",
        "overturned",
        "avg h",
        "median h"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<24} {:>7} {:>12}% {:>8}% {:>7}% {:>7}% {:>10}% {:>9} {:>10}\n",
            r.group,
            r.decided,
            r.within_clock_percent,
            r.approval_percent,
            r.partial_percent,
            r.denial_percent,
            r.overturned_percent,
            r.average_hours,
            r.median_hours
        ));
    }
    s
}
