//! The payment cycle's arithmetic, pure: which claims each pay-to provider is paid for, how open
//! balances are offset (REC-01), what a negative net leaves owing, which balances are due a demand
//! letter or go to collections (REC-02), and which clean claims waited too long (PAY-07).
//!
//! Rules chosen where RULES.md is silent (also in `docs/payment.md`):
//! - A payee's net for the cycle is the sum of its claims' net payments (reversals included).
//! - A positive net first pays down open balances, oldest first (PLB `WO`, reference = the
//!   balance's source); what is left is paid (BPR02).
//! - A negative net pays nothing (BPR02 = 0, a non-payment 835) and opens a balance of the
//!   shortfall, sourced `cycle N`, carried on the 835 as PLB `FB` with the negative amount.
//! - A balance opened more than `demand_after_days` before the payment date and not yet demanded
//!   is demanded in this cycle; one demanded more than `collections_after_days` ago and still
//!   owed is listed for collections.

use std::collections::BTreeMap;

use accord_core::{Date, Money};
use accord_store::{ClaimDue, ProviderBalance};

/// The payment cycle's settings (from the plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleRules {
    /// REC-02: days a balance may be owed before a demand letter.
    pub demand_after_days: u32,
    /// REC-02: days after the demand before collections.
    pub collections_after_days: u32,
    /// PAY-07: days within which a clean claim is paid.
    pub clean_claim_days: u32,
}

/// One offset of an open balance against this cycle's payment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Offset {
    /// The balance's source.
    pub source: String,
    /// Amount recovered (positive).
    pub amount: Money,
}

/// What one pay-to provider gets in this cycle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PayeePlan {
    /// Pay-to NPI.
    pub pay_to_npi: String,
    /// Claims remitted, by tracking number.
    pub claims: Vec<String>,
    /// Sum of the claims' net payments.
    pub claim_payments: Money,
    /// Open balances recovered from it (PLB WO).
    pub offsets: Vec<Offset>,
    /// The shortfall carried forward when the net is negative (PLB FB; positive here).
    pub carried: Money,
    /// BPR02: what is paid.
    pub amount: Money,
}

impl PayeePlan {
    /// Total recovered from open balances.
    pub fn offset_total(&self) -> Money {
        self.offsets.iter().map(|o| o.amount).sum()
    }
}

/// A clean claim remitted, or still waiting, more than the clean-claim days after receipt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LateClaim {
    /// Tracking number.
    pub tracking: String,
    /// Pay-to NPI.
    pub pay_to_npi: String,
    /// Received.
    pub received_on: Date,
    /// Days from receipt to this cycle's payment date.
    pub days: i64,
    /// Remitted in this cycle (`true`) or still waiting (`false`).
    pub remitted: bool,
}

/// The whole cycle, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CyclePlan {
    /// Per payee, by NPI.
    pub payees: Vec<PayeePlan>,
    /// Balances changed or opened by this cycle (to save).
    pub balances: Vec<ProviderBalance>,
    /// Balances demanded in this cycle (REC-02).
    pub demands: Vec<ProviderBalance>,
    /// Balances for collections (REC-02).
    pub collections: Vec<ProviderBalance>,
    /// PAY-07 exceptions.
    pub late_clean_claims: Vec<LateClaim>,
}

impl CyclePlan {
    /// Money paid out (sum of BPR02).
    pub fn total(&self) -> Money {
        self.payees.iter().map(|p| p.amount).sum()
    }

    /// Claims remitted.
    pub fn claim_count(&self) -> usize {
        self.payees.iter().map(|p| p.claims.len()).sum()
    }
}

/// Plans cycle `cycle` paying on `pay_date`: `payable` are the decisions it remits, `waiting`
/// the clean decisions not yet due (for PAY-07), `open` the balances owed before it.
pub fn plan_cycle(
    cycle: i64,
    pay_date: Date,
    payable: &[ClaimDue],
    waiting: &[ClaimDue],
    open: &[ProviderBalance],
    rules: CycleRules,
) -> CyclePlan {
    let mut by_payee: BTreeMap<&str, Vec<&ClaimDue>> = BTreeMap::new();
    for d in payable {
        by_payee.entry(&d.pay_to_npi).or_default().push(d);
    }
    let mut open_by_payee: BTreeMap<&str, Vec<ProviderBalance>> = BTreeMap::new();
    for b in open {
        open_by_payee
            .entry(&b.pay_to_npi)
            .or_default()
            .push(b.clone());
    }
    let mut payees = Vec::with_capacity(by_payee.len());
    let mut balances = Vec::new();
    for (npi, claims) in &by_payee {
        let net: Money = claims.iter().map(|d| d.net_paid).sum();
        let mut plan = PayeePlan {
            pay_to_npi: (*npi).to_owned(),
            claims: claims.iter().map(|d| d.tracking.clone()).collect(),
            claim_payments: net,
            offsets: Vec::new(),
            carried: Money::ZERO,
            amount: Money::ZERO,
        };
        if net.is_negative() {
            plan.carried = -net;
            balances.push(ProviderBalance {
                pay_to_npi: (*npi).to_owned(),
                source: format!("cycle {cycle}"),
                opened_on: pay_date,
                original: -net,
                remaining: -net,
                demanded_on: None,
            });
        } else {
            let mut left = net;
            if let Some(owed) = open_by_payee.get_mut(npi) {
                owed.sort_by(|a, b| a.opened_on.cmp(&b.opened_on).then(a.source.cmp(&b.source)));
                for b in owed.iter_mut() {
                    if left.is_zero() {
                        break;
                    }
                    let take = left.min(b.remaining);
                    if take > Money::ZERO {
                        left -= take;
                        b.remaining -= take;
                        plan.offsets.push(Offset {
                            source: b.source.clone(),
                            amount: take,
                        });
                        balances.push(b.clone());
                    }
                }
            }
            plan.amount = left;
        }
        payees.push(plan);
    }

    // REC-02 on what is still owed after this cycle's offsets.
    let mut after: BTreeMap<(String, String), ProviderBalance> = open
        .iter()
        .map(|b| ((b.pay_to_npi.clone(), b.source.clone()), b.clone()))
        .collect();
    for b in &balances {
        after.insert((b.pay_to_npi.clone(), b.source.clone()), b.clone());
    }
    let mut demands = Vec::new();
    let mut collections = Vec::new();
    for b in after.values() {
        if b.remaining <= Money::ZERO {
            continue;
        }
        match b.demanded_on {
            None if days_between(b.opened_on, pay_date) > i64::from(rules.demand_after_days) => {
                let mut d = b.clone();
                d.demanded_on = Some(pay_date);
                demands.push(d);
            }
            Some(on) if days_between(on, pay_date) > i64::from(rules.collections_after_days) => {
                collections.push(b.clone());
            }
            _ => {}
        }
    }
    for d in &demands {
        match balances
            .iter_mut()
            .find(|b| b.pay_to_npi == d.pay_to_npi && b.source == d.source)
        {
            Some(b) => b.demanded_on = d.demanded_on,
            None => balances.push(d.clone()),
        }
    }

    let late = |d: &ClaimDue, remitted: bool| {
        let days = days_between(d.received_on, pay_date);
        (d.clean && days > i64::from(rules.clean_claim_days)).then(|| LateClaim {
            tracking: d.tracking.clone(),
            pay_to_npi: d.pay_to_npi.clone(),
            received_on: d.received_on,
            days,
            remitted,
        })
    };
    let late_clean_claims = payable
        .iter()
        .filter_map(|d| late(d, true))
        .chain(waiting.iter().filter_map(|d| late(d, false)))
        .collect();

    CyclePlan {
        payees,
        balances,
        demands,
        collections,
        late_clean_claims,
    }
}

/// Calendar days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    a.until(b).map_or(0, |span| i64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn decision(tracking: &str, npi: &str, net: Money, received: &str) -> ClaimDue {
        ClaimDue {
            tracking: tracking.into(),
            pay_to_npi: npi.into(),
            received_on: d(received),
            net_paid: net,
            clean: true,
        }
    }

    fn balance(npi: &str, source: &str, opened: &str, remaining: Money) -> ProviderBalance {
        ProviderBalance {
            pay_to_npi: npi.into(),
            source: source.into(),
            opened_on: d(opened),
            original: remaining,
            remaining,
            demanded_on: None,
        }
    }

    const RULES: CycleRules = CycleRules {
        demand_after_days: 90,
        collections_after_days: 30,
        clean_claim_days: 30,
    };

    fn m(v: rust_decimal::Decimal) -> Money {
        Money::new(v)
    }

    #[test]
    fn pay_06_one_payment_per_payee_summing_its_claims() {
        let p = plan_cycle(
            1,
            d("2026-03-10"),
            &[
                decision("T1", "A", m(dec!(100)), "2026-03-01"),
                decision("T2", "B", m(dec!(50)), "2026-03-01"),
                decision("T3", "A", m(dec!(25.50)), "2026-03-02"),
            ],
            &[],
            &[],
            RULES,
        );
        assert_eq!(p.payees.len(), 2);
        assert_eq!(p.payees[0].claims, vec!["T1", "T3"]);
        assert_eq!(p.payees[0].amount, m(dec!(125.50)));
        assert_eq!(p.total(), m(dec!(175.50)));
    }

    #[test]
    fn rec_01_negative_net_opens_a_balance_and_later_payments_offset_it_until_zero() {
        let first = plan_cycle(
            1,
            d("2026-03-10"),
            &[decision("R1", "A", m(dec!(-80)), "2026-03-01")],
            &[],
            &[],
            RULES,
        );
        assert_eq!(first.payees[0].amount, Money::ZERO);
        assert_eq!(first.payees[0].carried, m(dec!(80)));
        assert_eq!(first.balances[0].remaining, m(dec!(80)));

        let second = plan_cycle(
            2,
            d("2026-03-17"),
            &[decision("T9", "A", m(dec!(50)), "2026-03-12")],
            &[],
            &first.balances,
            RULES,
        );
        assert_eq!(second.payees[0].amount, Money::ZERO);
        assert_eq!(second.payees[0].offset_total(), m(dec!(50)));
        assert_eq!(second.balances[0].remaining, m(dec!(30)));

        let third = plan_cycle(
            3,
            d("2026-03-24"),
            &[decision("T10", "A", m(dec!(100)), "2026-03-20")],
            &[],
            &second.balances,
            RULES,
        );
        assert_eq!(third.payees[0].offset_total(), m(dec!(30)));
        assert_eq!(third.payees[0].amount, m(dec!(70)));
        assert_eq!(third.balances[0].remaining, Money::ZERO);
    }

    #[test]
    fn rec_01_oldest_balance_is_offset_first() {
        let open = [
            balance("A", "cycle 5", "2026-02-01", m(dec!(10))),
            balance("A", "cycle 2", "2026-01-01", m(dec!(10))),
        ];
        let p = plan_cycle(
            9,
            d("2026-03-01"),
            &[decision("T", "A", m(dec!(15)), "2026-02-20")],
            &[],
            &open,
            RULES,
        );
        assert_eq!(p.payees[0].offsets[0].source, "cycle 2");
        assert_eq!(p.payees[0].offsets[0].amount, m(dec!(10)));
        assert_eq!(p.payees[0].offsets[1].amount, m(dec!(5)));
    }

    #[test]
    fn rec_02_demand_after_90_days_and_collections_30_days_after_demand() {
        let open = [balance("A", "cycle 1", "2026-01-01", m(dec!(10)))];
        // Day 90: not yet.
        let p = plan_cycle(2, d("2026-04-01"), &[], &[], &open, RULES);
        assert!(p.demands.is_empty());
        // Day 91: demanded, and the demand date is saved.
        let p = plan_cycle(3, d("2026-04-02"), &[], &[], &open, RULES);
        assert_eq!(p.demands.len(), 1);
        assert_eq!(p.balances[0].demanded_on, Some(d("2026-04-02")));
        // 31 days after the demand: collections.
        let p2 = plan_cycle(4, d("2026-05-03"), &[], &[], &p.balances, RULES);
        assert!(p2.demands.is_empty());
        assert_eq!(p2.collections.len(), 1);
        let p3 = plan_cycle(4, d("2026-05-02"), &[], &[], &p.balances, RULES);
        assert!(p3.collections.is_empty());
    }

    #[test]
    fn pay_07_clean_claims_older_than_30_days_are_reported() {
        let p = plan_cycle(
            1,
            d("2026-03-31"),
            &[
                decision("OLD", "A", m(dec!(1)), "2026-02-28"),
                decision("NEW", "A", m(dec!(1)), "2026-03-01"),
            ],
            &[decision("WAIT", "B", m(dec!(1)), "2026-02-01")],
            &[],
            RULES,
        );
        let late: Vec<_> = p
            .late_clean_claims
            .iter()
            .map(|l| (l.tracking.as_str(), l.days, l.remitted))
            .collect();
        assert_eq!(late, vec![("OLD", 31, true), ("WAIT", 58, false)]);
    }
}
