//! Step 8 — pricing (PAY-01; CARC 45). Allowed = lesser of the charge left after unit denials and
//! the fee-schedule rate for code + modifiers (program-specific rows first) × units allowed, on the
//! date of service — or, for per-diem services on a claim with an admission date, on the admission
//! date (inpatient, rehabilitation and residential). The difference is written off CO-45.
//! A covered service with no rate on the date is pended to the `pricing` queue.
//!
//! Denied units are valued pro rata to the charge (charge × denied units / billed units, rounded to
//! cents half away from zero), so every line balances: billed = paid + Σ adjustments.

use accord_core::Money;

use crate::outcome::Group;
use crate::work::Ctx;

pub(crate) fn run(cx: &mut Ctx) {
    let plan = cx.facts.plan;
    let claim = cx.claim;
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let lw = &cx.lines[i];
        let (line, dos) = (lw.line, lw.dos);
        let n = Some(line.number);
        let per_diem = lw.service.is_some_and(|s| s.per_diem);
        let price_date = match claim.admission_date {
            Some(adm) if per_diem && adm <= dos => adm,
            _ => dos,
        };
        let rate = match lw.program {
            Some(p) => plan
                .fees
                .rate_for_program(&line.procedure, &line.modifiers, price_date, p),
            None => plan.fees.rate(&line.procedure, &line.modifiers, price_date),
        };
        // An examiner may set the rate of a line the fee schedule has none for.
        let examiner_rate = cx.facts.release.and_then(|r| {
            r.rates
                .iter()
                .find(|(l, _)| *l == line.number)
                .map(|(_, m)| (*m, r.by.clone()))
        });
        let rate = match (rate, examiner_rate) {
            (Some(r), _) => Some(r),
            (None, Some((r, by))) => {
                cx.note(
                    "pricing",
                    "PAY-01",
                    n,
                    format!("no fee-schedule rate on {price_date}; rate {r} set by examiner {by}"),
                );
                Some(r)
            }
            (None, None) => None,
        };
        let Some(rate) = rate else {
            let reason = format!(
                "no fee-schedule rate for {} on {price_date} (PAY-01)",
                line.procedure
            );
            cx.note(
                "pricing",
                "PAY-01",
                n,
                format!("{reason}; pended to pricing"),
            );
            // Released or not, a line with no rate cannot be paid: it waits for a rate.
            cx.lines[i].pend("pricing", reason);
            continue;
        };
        let lw = &mut cx.lines[i];
        lw.settle_cuts();
        let units = lw.units_allowed;
        let at_rate = rate.times(units).round_cents();
        let allowed = lw.charge_left.min(at_rate).floor_zero();
        let reduction = lw.charge_left - allowed;
        lw.rate = Some(rate);
        lw.allowed = allowed;
        lw.paid = allowed;
        lw.priced = true;
        lw.adjust(Group::CO, "45", "PAY-01", reduction);
        let basis: std::borrow::Cow<'static, str> = if price_date != dos {
            format!("rate in effect on the admission date {price_date}").into()
        } else {
            "rate on the date of service".into()
        };
        let text = if reduction > Money::ZERO {
            format!(
                "{units} units × {rate} ({basis}) = {at_rate}; charge {} exceeds it, allowed {allowed}, {reduction} written off CO-45 (PAY-01)",
                lw.charge_left
            )
        } else {
            format!(
                "{units} units × {rate} ({basis}) = {at_rate}; allowed the charge {allowed} (lesser of charge and rate, PAY-01)"
            )
        };
        cx.note("pricing", "PAY-01", n, text);
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn pay_01_rate_on_the_date_of_service_when_not_per_diem() {
        let fx = Fx::new();
        let c = claim(
            "U1",
            vec![
                ln(1, "H0004:HF", 4, "200", "2025-12-31"),
                ln(2, "H0004:HF", 4, "200", "2026-01-01"),
            ],
        );
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            crate::steps::clean::lines(&mut cx);
            super::run(&mut cx);
            assert_eq!(cx.lines[0].rate, Some(money("22")));
            assert_eq!(cx.lines[1].rate, Some(money("23.10")));
            assert_eq!(cx.lines[1].allowed, money("92.40"));
        });
    }
}
