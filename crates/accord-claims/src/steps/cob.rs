//! Step 10 — coordination of benefits (PAY-03, PAY-04, PAY-05; CARC 23).
//!
//! - Secondary claims (PAY-03): the plan pays what remains of its allowed amount (never above the
//!   contracted rate) after the prior payer's payment and the member's cost share; primary plus
//!   secondary never exceeds the rate. The prior payer's payment is adjusted OA-23.
//! - Medicaid (PAY-04): payer of last resort; its rate is payment in full: it pays the rate minus
//!   what other payers paid, and the member owes nothing (no PR, whatever the primary reported).
//! - State-funded programs (PAY-05): the rate less third-party collections. Self-pay collected from
//!   the member: at or below the sliding fee scale's ceiling (income ≤ ceiling % of the federal
//!   poverty guideline for the family size) the provider keeps it and the state pays 100% of the
//!   rate less third-party payments; above the scale — or when income or family size is unknown —
//!   self-pay is deducted like a third-party collection. The guideline year is the year of service,
//!   else the latest year on file before it.
//!
//! The prior payer's paid amount per line is the line's own (SVD02) when given; otherwise the
//! claim-level amount is spread over the priced lines in line order, each up to its allowed amount.

use accord_core::Money;
use accord_core::member::Program;
use rust_decimal::Decimal;

use crate::outcome::Group;
use crate::work::Ctx;

/// PAY-05: is the member at or below the sliding fee scale's ceiling? `None` when unknown.
fn within_sliding_scale(cx: &Ctx, year: i16) -> Option<(bool, Decimal)> {
    let m = cx.facts.member?;
    let size = u32::from(m.family_size?);
    let income = m.annual_income?;
    let pov = &cx.facts.plan.poverty;
    let y = pov
        .years()
        .filter(|y| *y <= year)
        .max()
        .or_else(|| pov.years().min())?;
    let pct = pov.percent_of_guideline(y, size, income)?;
    Some((pct <= cx.facts.sliding_fee_ceiling_percent, pct))
}

pub(crate) fn run(cx: &mut Ctx) {
    let claim = cx.claim;
    let any_line_amount = claim.lines.iter().any(|l| l.other_payer_paid.is_some());
    let mut claim_level_left = match &claim.other_payer {
        Some(op) if !any_line_amount => op.paid.floor_zero(),
        _ => Money::ZERO,
    };
    for i in 0..cx.lines.len() {
        let lw = &cx.lines[i];
        if !lw.priced || !lw.active() {
            continue;
        }
        let n = Some(lw.line.number);
        let program = lw.program;
        let allowed = lw.allowed;
        let pr = lw.patient_responsibility;
        let prior = match (&claim.other_payer, lw.line.other_payer_paid) {
            (None, _) => Money::ZERO,
            (Some(_), Some(p)) => p.floor_zero().min(allowed),
            (Some(_), None) => {
                let take = claim_level_left.min(allowed);
                claim_level_left -= take;
                take
            }
        };
        let payer = claim
            .other_payer
            .as_ref()
            .map(|o| o.payer_name.as_str())
            .unwrap_or("other payers");
        let (deducted, text) = match program {
            Some(Program::Medicaid) => {
                if claim.other_payer.is_none() {
                    continue;
                }
                (
                    prior,
                    format!(
                        "Medicaid is payer of last resort and its rate is payment in full: allowed {allowed} less {prior} paid by {payer}; the member owes nothing (PAY-04)"
                    ),
                )
            }
            Some(Program::StateFunded) => {
                let self_pay = lw.line.self_pay_collected.floor_zero().min(allowed);
                let (deduct_self, why) = match within_sliding_scale(cx, lw.dos.year()) {
                    Some((true, pct)) => (
                        Money::ZERO,
                        format!(
                            "income {}% of the poverty guideline is within the sliding fee scale (ceiling {}%): the provider keeps self-pay {self_pay}",
                            pct.round_dp(0),
                            cx.facts.sliding_fee_ceiling_percent
                        ),
                    ),
                    Some((false, pct)) => (
                        self_pay,
                        format!(
                            "income {}% of the poverty guideline is above the sliding fee scale (ceiling {}%): self-pay {self_pay} is deducted",
                            pct.round_dp(0),
                            cx.facts.sliding_fee_ceiling_percent
                        ),
                    ),
                    None => (
                        self_pay,
                        format!("income or family size unknown: self-pay {self_pay} is deducted"),
                    ),
                };
                if prior.is_zero() && self_pay.is_zero() {
                    continue;
                }
                (
                    prior + deduct_self,
                    format!(
                        "state funds are last resort: rate {allowed} less third-party collections {prior}; {why} (PAY-05)"
                    ),
                )
            }
            _ => {
                if claim.other_payer.is_none() {
                    continue;
                }
                (
                    prior,
                    format!(
                        "secondary: allowed {allowed} less member cost share {pr} and {prior} paid by {payer}; primary plus secondary never exceed the rate (PAY-03)"
                    ),
                )
            }
        };
        let lw = &mut cx.lines[i];
        let before = lw.paid;
        let pay = (before - deducted).floor_zero();
        let adj = before - pay;
        lw.paid = pay;
        lw.adjust(Group::OA, "23", "PAY-03", adj);
        let rule = match program {
            Some(Program::Medicaid) => "PAY-04",
            Some(Program::StateFunded) => "PAY-05",
            _ => "PAY-03",
        };
        cx.note(
            "cob",
            rule,
            n,
            format!("{text}; pays {pay}, {adj} adjusted OA-23"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::claim::OtherPayer;
    use crate::testkit::*;

    #[test]
    fn pay_04_claim_level_prior_payment_is_spread_in_line_order() {
        let fx = Fx::new();
        let mut c = claim(
            "U1",
            vec![
                ln(1, "T1016:HE", 4, "76", "2026-03-02"),
                ln(2, "T1016:HE", 2, "38", "2026-03-03"),
            ],
        );
        c.other_payer = Some(OtherPayer {
            payer_name: "Acme".into(),
            payer_id: "A".into(),
            paid: money("80"),
            determination_date: d("2026-03-05"),
            adjustments: vec![],
        });
        let dec = fx.run(&c);
        assert_eq!(dec.lines[0].paid, money("0"));
        assert_eq!(dec.lines[1].paid, money("34"));
        assert_balanced(&dec);
    }
}
