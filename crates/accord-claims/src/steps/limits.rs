//! Step 6 — benefit limits per member (CLM-08; CARC 119): units per day and per year from
//! `services.csv`, counting units already *paid* on earlier claims (history) and units allowed on
//! earlier lines of this claim, whatever the provider. Limits count per procedure code (all
//! modifier variants of a code share the limit); the year is the calendar year of the date of
//! service.
//!
//! Partial allowance (RULES.md is silent; chosen here): when a line asks for more units than remain,
//! the remaining units are allowed and only the excess is denied CO-119 (e.g. H0004 8/day: 6
//! already paid, 4 billed → 2 allowed, 2 denied). Pending lines in history do not count; a corrected
//! claim does not count the claim it replaces (CLM-10).

use rust_decimal::Decimal;

use crate::outcome::Group;
use crate::work::{Ctx, days_covered};

pub(crate) fn run(cx: &mut Ctx) {
    let exclude = cx.excluded_tracking();
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let lw = &cx.lines[i];
        let Some(svc) = lw.service else { continue };
        let (line, dos) = (lw.line, lw.dos);
        let code = &line.procedure;
        let n = Some(line.number);
        if let Some(max) = svc.max_units_per_day {
            // A per-diem line spanning dates may use one day's limit for each date it covers.
            let days = days_covered(line);
            let max = Decimal::from(max) * days;
            let last = line.service_to.filter(|t| *t > dos).unwrap_or(dos);
            let paid = cx.hist.paid_units_between(code, dos, last, exclude);
            let this_claim: Decimal = cx.lines[..i]
                .iter()
                .filter(|o| o.active() && &o.line.procedure == code && o.dos == dos)
                .map(|o| o.units_allowed)
                .sum();
            let used = paid + this_claim;
            let left = (max - used).max(Decimal::ZERO);
            let asked = cx.lines[i].units_allowed;
            if asked > left {
                let cut = asked - left;
                cx.lines[i].cut(Group::CO, "119", "CLM-08", cut);
                let text = format!(
                    "{} (CLM-08), {}, {left} allowed, {cut} denied CO-119",
                    per_day_limit(max, days),
                    already(paid, this_claim)
                );
                cx.note("benefit_limits", "CLM-08", n, text);
                if left.is_zero() {
                    continue;
                }
            } else {
                cx.note(
                    "benefit_limits",
                    "CLM-08",
                    n,
                    format!(
                        "{} (CLM-08), {}, {asked} within the limit",
                        per_day_limit(max, days),
                        already(paid, this_claim)
                    ),
                );
            }
        }
        if let Some(max) = svc.max_units_per_year {
            let max = Decimal::from(max);
            let year = dos.year();
            let paid = cx.hist.paid_units_in_year(code, year, exclude);
            let this_claim: Decimal = cx.lines[..i]
                .iter()
                .filter(|o| o.active() && &o.line.procedure == code && o.dos.year() == year)
                .map(|o| o.units_allowed)
                .sum();
            let used = paid + this_claim;
            let left = (max - used).max(Decimal::ZERO);
            let asked = cx.lines[i].units_allowed;
            if asked > left {
                let cut = asked - left;
                cx.lines[i].cut(Group::CO, "119", "CLM-08", cut);
                cx.note("benefit_limits", "CLM-08", n, format!("{max} units/year limit for {year} (CLM-08), {}, {left} allowed, {cut} denied CO-119", already(paid, this_claim)));
            }
        }
    }
}

fn per_day_limit(max: Decimal, days: Decimal) -> String {
    if days > Decimal::ONE {
        format!("{} units/day limit over {days} days", max / days)
    } else {
        format!("{max} units/day limit")
    }
}

fn already(paid: Decimal, this_claim: Decimal) -> String {
    if this_claim.is_zero() {
        format!("{paid} already paid")
    } else {
        format!("{paid} already paid and {this_claim} allowed on earlier lines of this claim")
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn clm_08_earlier_lines_of_the_same_claim_count_toward_the_daily_limit() {
        let fx = Fx::new();
        let c = claim(
            "U1",
            vec![
                ln(1, "H0004:HF", 6, "150", "2026-03-02"),
                ln(2, "H0004:HF", 4, "100", "2026-03-02"),
            ],
        );
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            crate::steps::clean::lines(&mut cx);
            super::run(&mut cx);
            assert_eq!(cx.lines[0].units_allowed, Decimal::from(6));
            assert_eq!(cx.lines[1].units_allowed, Decimal::from(2));
            assert_eq!(cx.lines[1].cuts[0].carc, "119");
        });
    }
}
