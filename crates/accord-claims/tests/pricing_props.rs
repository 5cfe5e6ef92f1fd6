//! Property tests for pricing and balancing (PAY-01, PAY-02, PAY-03, PAY-04, PAY-05, CLM-08):
//! on every adjudicated line, paid ≤ allowed ≤ billed, paid + adjustments == billed (the 835
//! balancing identity), and no amount is ever negative.

mod common;

use accord_claims::{OtherPayer, PriorStatus};
use accord_core::Money;
use accord_core::member::Program;
use accord_plan::CostShare;
use common::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

const SERVICES: &[&str] = &[
    "H0004:HF", "H0004:HE", "T1016:HE", "H2015:HE", "99213", "99214", "90791", "H2011:HE",
    "H0031:HE", "H2017:HE",
];

fn program(i: u8) -> Program {
    match i % 3 {
        0 => Program::Medicaid,
        1 => Program::Commercial,
        _ => Program::StateFunded,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn pay_01_paid_le_allowed_le_billed_and_lines_balance(
        lines in prop::collection::vec((0usize..SERVICES.len(), 1u32..12, 0i64..100_000, 0u32..3), 1..5),
        prior_units in 0u32..10,
        primary in prop::option::of(0i64..50_000),
        prog in 0u8..3,
        copay in 0i64..3_000,
        coins in 0u32..50,
        self_pay in 0i64..5_000,
    ) {
        let mut fx = Fx::new();
        let mut p = plan().clone();
        p.config.cost_share.push(CostShare {
            program: Program::Commercial,
            copay: Money::from_cents(copay),
            coinsurance_percent: Decimal::from(coins),
            deductible: Money::from_cents(2_000),
            out_of_pocket_max: Some(Money::from_cents(5_000)),
        });
        fx.plan = Some(p);
        fx.spans = vec![span("ACCORD-IL", program(prog), "2025-01-01", None)];
        fx.history = vec![prior(&agency2(), "H0004:HF", "2026-03-02", prior_units.max(1), PriorStatus::Paid, "T0")];
        let claim_lines = lines
            .iter()
            .enumerate()
            .map(|(i, (s, units, cents, day))| {
                let mut l = ln(i as u32 + 1, SERVICES[*s], *units, "0", &format!("2026-03-0{}", 2 + day));
                l.charge = Money::from_cents(*cents);
                l.self_pay_collected = Money::from_cents(self_pay);
                l
            })
            .collect();
        let mut c = claim("P1", claim_lines);
        if let Some(paid) = primary {
            c.other_payer = Some(OtherPayer {
                payer_name: "Acme".into(),
                payer_id: "ACME1".into(),
                paid: Money::from_cents(paid),
                determination_date: d("2026-03-10"),
                adjustments: vec![],
            });
        }
        let dec = fx.run(&c);
        for l in &dec.lines {
            if l.pend.is_some() {
                continue;
            }
            prop_assert!(l.paid <= l.allowed, "paid > allowed: {l:?}");
            prop_assert!(l.allowed <= l.billed, "allowed > billed: {l:?}");
            prop_assert!(!l.paid.is_negative() && !l.allowed.is_negative(), "{l:?}");
            prop_assert!(l.adjustments.iter().all(|a| !a.amount.is_negative()), "{l:?}");
            prop_assert_eq!(l.billed, l.paid + l.adjusted(), "unbalanced: {:?}", l);
            prop_assert!(l.units_allowed <= l.units_billed);
            if let Some(rate) = l.rate {
                prop_assert!(l.allowed <= rate.times(l.units_allowed).round_cents());
            }
        }
        prop_assert_eq!(dec.paid, dec.lines.iter().map(|l| l.paid).sum::<Money>());
    }

    #[test]
    fn adjudicate_never_panics_and_is_deterministic(
        units in 1u32..200,
        cents in 0i64..1_000_000,
        day in 0i64..400,
        s in 0usize..SERVICES.len(),
        received_after in 0i64..200,
    ) {
        let fx = Fx::new();
        let dos = d("2025-06-01").checked_add(jiff::Span::new().days(day)).unwrap();
        let mut l = ln(1, SERVICES[s], units, "0", &dos.to_string());
        l.charge = Money::from_cents(cents);
        let mut c = claim("P2", vec![l]);
        c.received = dos.checked_add(jiff::Span::new().days(received_after)).unwrap();
        let a = fx.run(&c);
        let b = fx.run(&c);
        prop_assert_eq!(a, b);
    }
}

#[test]
fn clm_04_absurd_charges_are_rejected_without_overflow() {
    let fx = Fx::new();
    let mut a = ln(1, "T1016:HE", 4, "0", "2026-03-02");
    a.charge = Money::new(Decimal::MAX);
    let mut b = a.clone();
    b.number = 2;
    let dec = fx.run(&claim("X1", vec![a, b]));
    assert_eq!(dec.status, accord_claims::ClaimStatus::Rejected);
    assert_eq!(dec.billed, Money::new(Decimal::MAX));
}
