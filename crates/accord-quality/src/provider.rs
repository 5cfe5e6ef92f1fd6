//! One provider's quality rates beside the plan's (QM-01), and the printable HTML page
//! `accord report quality --provider NPI --format html` writes. Pure: the plan's report and the
//! (member, date) pairs of the provider's services in; an event counts for the provider when the
//! provider billed or rendered a service to the member on the event's date (the discharge, the ED
//! visit, the start of the AOD episode). Written by hand, every value escaped.

use std::collections::HashSet;
use std::fmt::Write;

use accord_core::Date;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::access::percent;
use crate::measures::QualityReport;

/// One measure: the provider's rate and the plan's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderRate {
    /// e.g. `FUH-7`.
    pub measure: &'static str,
    /// What it counts.
    pub description: &'static str,
    /// The provider's events.
    pub denominator: u64,
    /// The provider's events meeting the numerator.
    pub numerator: u64,
    /// The provider's percent, two places (none without events).
    pub rate: Option<Decimal>,
    /// The plan's events.
    pub plan_denominator: u64,
    /// The plan's percent.
    pub plan_rate: Decimal,
    /// PCR: a lower rate is better.
    pub lower_is_better: bool,
    /// The provider's member list: (member ID, event date, met).
    pub members: Vec<(String, Date, bool)>,
}

/// A provider's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderQuality {
    /// NPI.
    pub npi: String,
    /// Name on file.
    pub name: String,
    /// First day of the period.
    pub start: Date,
    /// Last day.
    pub end: Date,
    /// One per measure, in the plan report's order.
    pub rates: Vec<ProviderRate>,
}

/// The provider's rates from the plan's report.
pub fn provider_quality(
    npi: &str,
    name: &str,
    report: &QualityReport,
    attributed: &HashSet<(String, Date)>,
) -> ProviderQuality {
    let rates = report
        .rates
        .iter()
        .map(|r| {
            let members: Vec<(String, Date, bool)> = r
                .members
                .iter()
                .filter(|(m, d, _)| attributed.contains(&(m.clone(), *d)))
                .cloned()
                .collect();
            let den = members.len() as u64;
            let num = members.iter().filter(|m| m.2).count() as u64;
            ProviderRate {
                measure: r.measure,
                description: r.description,
                denominator: den,
                numerator: num,
                rate: (den > 0).then(|| percent(num, den)),
                plan_denominator: r.denominator,
                plan_rate: r.rate,
                lower_is_better: r.measure.starts_with("PCR"),
                members,
            }
        })
        .collect();
    ProviderQuality {
        npi: npi.to_owned(),
        name: name.to_owned(),
        start: report.start,
        end: report.end,
        rates,
    }
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// How the provider compares, in words a provider reads.
fn comparison(r: &ProviderRate) -> &'static str {
    let Some(rate) = r.rate else {
        return "no events";
    };
    if r.plan_denominator == 0 || rate == r.plan_rate {
        return "same as the plan";
    }
    if (rate > r.plan_rate) != r.lower_is_better {
        "better than the plan"
    } else {
        "below the plan"
    }
}

/// One printable page: the provider's rates against the plan's, then the member lists.
pub fn render_html(q: &ProviderQuality) -> String {
    let mut h = String::new();
    let title = format!(
        "Quality measures {} to {}: {} (NPI {})",
        q.start,
        q.end,
        if q.name.is_empty() {
            "provider"
        } else {
            &q.name
        },
        q.npi
    );
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n\
         <style>\nbody{{font-family:system-ui,sans-serif;margin:2rem;color:#111}}\n\
         table{{border-collapse:collapse;width:100%;margin-bottom:1.5rem}}\n\
         th,td{{border:1px solid #999;padding:.3rem .5rem;text-align:left}}\n\
         td.n{{text-align:right}}\n.bar{{display:inline-block;height:.7rem;background:#336}}\n\
         .plan{{background:#aaa}}\n@media print{{body{{margin:0}}}}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    h.push_str(
        "<p>QM-01 measures from paid claims. An event counts for this provider when the provider \
         billed or rendered a service to the member on the event's date (the discharge, the ED \
         visit, the start of the AOD episode). PCR-30: a lower rate is better.</p>\n",
    );
    h.push_str(
        "<table>\n<thead><tr><th>measure</th><th>what it counts</th><th>events</th><th>met</th>\
         <th>provider</th><th>plan</th><th></th><th>compared</th></tr></thead>\n<tbody>\n",
    );
    for r in &q.rates {
        let rate = r.rate.map_or("—".to_owned(), |x| format!("{x}%"));
        let width = |p: Decimal| p.round().to_string();
        let bars = format!(
            "<span class=\"bar\" style=\"width:{}px\"></span><br><span class=\"bar plan\" style=\"width:{}px\"></span>",
            width(r.rate.unwrap_or(Decimal::ZERO)),
            width(r.plan_rate)
        );
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}% of {}</td><td>{}</td><td>{}</td></tr>",
            esc(r.measure),
            esc(r.description),
            r.denominator,
            r.numerator,
            rate,
            r.plan_rate,
            r.plan_denominator,
            bars,
            comparison(r)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    let listed: Vec<&ProviderRate> = q.rates.iter().filter(|r| !r.members.is_empty()).collect();
    if !listed.is_empty() {
        h.push_str("<h2>Members behind the rates</h2>\n<table>\n<thead><tr><th>measure</th><th>member</th><th>event date</th><th>met</th></tr></thead>\n<tbody>\n");
        for r in listed {
            for (m, d, met) in &r.members {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(r.measure),
                    esc(m),
                    d,
                    if *met { "yes" } else { "no" }
                );
            }
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}
