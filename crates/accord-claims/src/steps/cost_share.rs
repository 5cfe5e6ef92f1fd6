//! Step 9 — member cost share (PAY-02; PR-1 deductible, PR-2 coinsurance, PR-3 copay) from the
//! plan's `[[cost_share]]` for the program of the span covering the date of service.
//! Deductible first (year-to-date accumulator from the facts), then coinsurance on the rest, then
//! one copay per date of service on the claim; capped by the out-of-pocket maximum. Medicaid
//! members are never billed (PAY-04): no cost share whatever the configuration. State-funded
//! members' payments are handled by the sliding fee scale at COB (PAY-05).

use accord_core::Money;
use accord_core::member::Program;
use rust_decimal::Decimal;

use crate::outcome::Group;
use crate::work::Ctx;

pub(crate) fn run(cx: &mut Ctx) {
    let cfg = &cx.facts.plan.config;
    let acc = cx.facts.accumulators;
    let mut deductible_used = Money::ZERO;
    let mut oop_used = Money::ZERO;
    let mut copay_dates = Vec::new();
    for i in 0..cx.lines.len() {
        let lw = &cx.lines[i];
        if !lw.priced || !lw.active() {
            continue;
        }
        let n = Some(lw.line.number);
        let Some(program) = lw.program else { continue };
        if matches!(program, Program::Medicaid | Program::StateFunded) {
            if program == Program::Medicaid {
                cx.note(
                    "cost_share",
                    "PAY-04",
                    n,
                    "Medicaid member: no cost share, the member is never billed (PAY-02, PAY-04)",
                );
            }
            continue;
        }
        let Some(cs) = cfg.cost_share(program) else {
            continue;
        };
        let lw = &mut cx.lines[i];
        let mut left = lw.allowed;
        let oop_left = cs
            .out_of_pocket_max
            .map(|m| (m - acc.out_of_pocket_met - oop_used).floor_zero());
        let cap = |x: Money, oop_used: Money| match oop_left {
            Some(o) => x.min((o - oop_used).floor_zero()),
            None => x,
        };
        let ded_left = (cs.deductible - acc.deductible_met - deductible_used).floor_zero();
        let ded = cap(ded_left.min(left), Money::ZERO);
        left -= ded;
        deductible_used += ded;
        let mut pr_so_far = ded;
        let coins = cap(
            left.times(cs.coinsurance_percent / Decimal::ONE_HUNDRED)
                .round_cents(),
            pr_so_far,
        );
        left -= coins;
        pr_so_far += coins;
        let copay = if copay_dates.contains(&lw.dos) {
            Money::ZERO
        } else {
            copay_dates.push(lw.dos);
            cap(cs.copay.min(left), pr_so_far)
        };
        pr_so_far += copay;
        oop_used += pr_so_far;
        lw.adjust(Group::PR, "1", "PAY-02", ded);
        lw.adjust(Group::PR, "2", "PAY-02", coins);
        lw.adjust(Group::PR, "3", "PAY-02", copay);
        lw.patient_responsibility = pr_so_far;
        lw.paid = lw.allowed - pr_so_far;
        cx.note("cost_share", "PAY-02", n, format!("member cost share for {program}: deductible {ded} (PR-1), coinsurance {coins} (PR-2), copay {copay} (PR-3) (PAY-02)"));
    }
}

#[cfg(test)]
mod tests {
    use accord_core::member::Program;
    use accord_plan::CostShare;
    use rust_decimal::Decimal;

    use crate::testkit::*;

    #[test]
    fn pay_02_one_copay_per_date_and_out_of_pocket_cap() {
        let mut fx = Fx::new();
        let mut p = plan().clone();
        p.config.cost_share.push(CostShare {
            program: Program::Commercial,
            copay: money("10"),
            coinsurance_percent: Decimal::ZERO,
            deductible: money("0"),
            out_of_pocket_max: Some(money("15")),
        });
        fx.plan = Some(p);
        fx.spans = vec![span("ACCORD-IL", Program::Commercial, "2025-01-01", None)];
        let c = claim(
            "U1",
            vec![
                ln(1, "99213", 1, "75", "2026-03-02"),
                ln(2, "T1016:HE", 4, "76", "2026-03-02"),
                ln(3, "T1016:HE", 4, "76", "2026-03-03"),
            ],
        );
        let dec = fx.run(&c);
        assert_eq!(dec.lines[0].patient_responsibility, money("10"));
        assert_eq!(dec.lines[1].patient_responsibility, money("0"));
        assert_eq!(dec.lines[2].patient_responsibility, money("5"));
    }
}
