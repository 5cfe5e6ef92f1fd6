//! One example of every kind of document the codec writes, built from
//! generated claims with fixed dates: used by the golden-file tests, the
//! independent-validator script and `accord x12 gen --docs`.

use rust_decimal::Decimal;

use crate::check::check_bytes;
use crate::generate::claims;
use crate::model::{Adjustment, AdjustmentGroup, ClaimKind, Procedure};
use crate::w277ca::{ClaimAck, ClaimAckStatus, ClaimAcknowledgment, write_277ca};
use crate::w835::{
    ClaimPayment, Party, PaymentMethod, ProviderAdjustment, ProviderAdjustments, Remittance,
    ServicePayment, write_835,
};
use crate::w837::write_claims;
use crate::w999::{write_999, write_ta1};
use crate::write::Envelope;

fn d(y: i16, m: i8, day: i8) -> jiff::civil::Date {
    jiff::civil::date(y, m, day)
}

/// A small valid 837P (3 claims) and the same file broken in three ways.
pub fn example_837(kind: ClaimKind) -> String {
    write_claims(&claims(7, 3, kind), &Envelope::example(), kind)
}

/// The 837P with faults: a bad date, a bad code value, a wrong SE count.
pub fn broken_837() -> String {
    let good = example_837(ClaimKind::Professional);
    let mut out = String::new();
    let mut first_dtp = true;
    for line in good.lines() {
        if line.starts_with("DTP*472*D8*") && first_dtp {
            first_dtp = false;
            out.push_str("DTP*472*D8*20251345~\n");
        } else if line.starts_with("SBR*P*18*") && !out.contains("SBR*X") {
            out.push_str(&line.replacen("SBR*P*", "SBR*X*", 1));
            out.push('\n');
        } else if line.starts_with("SE*") {
            out.push_str("SE*5*0001~\n");
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn acks(claims_: &[crate::model::Claim], rejected: &[usize]) -> ClaimAcknowledgment {
    ClaimAcknowledgment {
        payer_name: "ACCORD HEALTH PLAN".into(),
        payer_id: "ACCORD01".into(),
        submitter_name: "ACCORD TEST SUBMITTER".into(),
        submitter_id: "SUB0001".into(),
        reference: "ACC000001".into(),
        received: d(2026, 1, 15),
        processed: d(2026, 1, 15),
        claims: claims_
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if rejected.contains(&i) {
                    ClaimAck::from_claim(
                        c,
                        ClaimAckStatus::Rejected {
                            category: "A7".into(),
                            codes: vec![("562".into(), Some("85".into())), ("21".into(), None)],
                            message: Some(
                                "2010AA NM109 (billing provider NPI): check digit does not match"
                                    .into(),
                            ),
                        },
                        None,
                    )
                } else {
                    ClaimAck::from_claim(
                        c,
                        ClaimAckStatus::Accepted,
                        Some(format!("26015{:08}", i + 1)),
                    )
                }
            })
            .collect(),
    }
}

/// A remittance paying two claims, denying one, with an overpayment offset (PLB WO).
pub fn example_remittance() -> Remittance {
    let cs = claims(7, 3, ClaimKind::Professional);
    let mut payments = vec![];
    for (i, c) in cs.iter().enumerate() {
        let denied = i == 2;
        let mut lines = vec![];
        for (k, l) in c.lines.iter().enumerate() {
            // Allowed is 80% of charge rounded to cents; patient pays a 10.00 copay on the first line.
            let allowed = if denied {
                Decimal::ZERO
            } else {
                (l.charge * Decimal::new(8, 1)).round_dp(2)
            };
            let copay = if k == 0 && !denied {
                Decimal::new(1000, 2).min(allowed)
            } else {
                Decimal::ZERO
            };
            let paid = allowed - copay;
            let mut adj = vec![];
            let co = l.charge - allowed;
            if !co.is_zero() {
                adj.push(AdjustmentGroup {
                    group: "CO".into(),
                    adjustments: vec![Adjustment {
                        reason: if denied { "197".into() } else { "45".into() },
                        amount: co,
                        quantity: None,
                    }],
                });
            }
            if !copay.is_zero() {
                adj.push(AdjustmentGroup {
                    group: "PR".into(),
                    adjustments: vec![Adjustment {
                        reason: "3".into(),
                        amount: copay,
                        quantity: None,
                    }],
                });
            }
            let procedure = l.procedure.clone().unwrap_or_default();
            lines.push(ServicePayment {
                procedure: Procedure {
                    description: None,
                    ..procedure
                },
                charge: l.charge,
                paid,
                revenue_code: None,
                units: l.units,
                original_procedure: None,
                service_date: l.service_date().and_then(|d| d.start()),
                adjustments: adj,
                line_control: Some(format!("{}-{}", c.claim_id, l.line_number)),
                allowed: (!denied).then_some(allowed),
                remarks: if denied { vec!["N54".into()] } else { vec![] },
            });
        }
        let paid: Decimal = lines.iter().map(|l| l.paid).sum();
        let pr: Decimal = lines
            .iter()
            .flat_map(|l| l.adjustments.iter())
            .filter(|g| g.group == "PR")
            .flat_map(|g| g.adjustments.iter())
            .map(|a| a.amount)
            .sum();
        let p = c.patient_entity();
        let dates: Vec<_> = lines.iter().filter_map(|l| l.service_date).collect();
        payments.push(ClaimPayment {
            claim_id: c.claim_id.clone(),
            status: if denied { "4".into() } else { "1".into() },
            charge: c.total_charge,
            paid,
            patient_responsibility: Some(pr),
            filing_indicator: "MC".into(),
            payer_claim_control: format!("26015{:08}", i + 1),
            facility_code: Some(c.facility_code.clone()),
            frequency_code: Some(c.frequency_code.clone()),
            adjustments: vec![],
            patient_last: p.name.clone(),
            patient_first: p.first_name.clone(),
            member_id: c.subscriber.person.id.clone().unwrap_or_default(),
            period_start: dates.iter().min().copied(),
            period_end: dates.iter().max().copied(),
            lines,
        });
    }
    let billing = &cs[0].billing.provider;
    Remittance {
        method: PaymentMethod::Ach {
            sender_routing: "011000015".into(),
            sender_account: "123456789".into(),
            receiver_routing: "021000021".into(),
            receiver_account: "987654321".into(),
        },
        payment_date: d(2026, 1, 20),
        trace_number: "EFT2026012000001".into(),
        payer_tin: "1123456789".into(),
        production_date: Some(d(2026, 1, 19)),
        payer: Party {
            name: "ACCORD HEALTH PLAN".into(),
            id: Some("ACCORD01".into()),
            address: Some(crate::model::Address {
                line1: "100 PLAN WAY".into(),
                line2: None,
                city: "SPRINGFIELD".into(),
                state: Some("IL".into()),
                postal_code: Some("627010001".into()),
                country: None,
            }),
            tax_id: None,
            contact_phone: Some("8005550100".into()),
        },
        payee: Party {
            name: billing.name.clone(),
            id: billing.id.clone(),
            address: billing.address.clone(),
            tax_id: billing.refs.first().map(|r| r.value.clone()),
            contact_phone: None,
        },
        claims: payments,
        provider_adjustments: vec![ProviderAdjustments {
            provider_id: billing.id.clone().unwrap_or_default(),
            fiscal_period_end: Some(d(2026, 12, 31)),
            adjustments: vec![ProviderAdjustment {
                reason: "WO".into(),
                reference: Some("2512200000042".into()),
                amount: Decimal::new(2500, 2),
            }],
        }],
    }
}

/// Every kind of document the codec writes, as (file name, content).
pub fn all() -> Vec<(String, String)> {
    let env = Envelope::example();
    let mut out = vec![];
    out.push(("837p.x12".to_string(), example_837(ClaimKind::Professional)));
    out.push((
        "837i.x12".to_string(),
        example_837(ClaimKind::Institutional),
    ));
    let good = check_bytes(example_837(ClaimKind::Professional).as_bytes());
    if let Some(ic) = good.interchanges.first() {
        out.push(("999-accepted.x12".into(), write_999(ic, &env)));
        out.push(("ta1-accepted.x12".into(), write_ta1(ic, &env)));
    }
    // An interchange whose IEA02 does not match ISA13: TA1 rejection (note code 001).
    let mismatched =
        example_837(ClaimKind::Professional).replace("IEA*1*000000001", "IEA*1*000000002");
    if let Some(ic) = check_bytes(mismatched.as_bytes()).interchanges.first() {
        out.push(("ta1-rejected.x12".into(), write_ta1(ic, &env)));
    }
    let bad = check_bytes(broken_837().as_bytes());
    if let Some(ic) = bad.interchanges.first() {
        out.push(("999-rejected.x12".into(), write_999(ic, &env)));
    }
    let cs = claims(7, 3, ClaimKind::Professional);
    out.push((
        "277ca-accepted.x12".into(),
        write_277ca(&[acks(&cs, &[])], &env),
    ));
    out.push((
        "277ca-rejected.x12".into(),
        write_277ca(&[acks(&cs, &[0, 1, 2])], &env),
    ));
    out.push((
        "277ca-mixed.x12".into(),
        write_277ca(&[acks(&cs, &[1])], &env),
    ));
    let ci = claims(7, 2, ClaimKind::Institutional);
    out.push((
        "277ca-institutional.x12".into(),
        write_277ca(&[acks(&ci, &[])], &env),
    ));
    let r = example_remittance();
    if let Ok(s) = write_835(std::slice::from_ref(&r), &env) {
        out.push(("835-plb.x12".into(), s));
    }
    let mut check = r.clone();
    check.method = PaymentMethod::Check;
    check.provider_adjustments.clear();
    check.trace_number = "CHK000123".into();
    if let Ok(s) = write_835(&[check], &env) {
        out.push(("835-check.x12".into(), s));
    }
    let mut denied = r;
    denied.claims.retain(|c| c.status == "4");
    denied.provider_adjustments.clear();
    denied.method = PaymentMethod::NonPayment;
    denied.trace_number = "NON000001".into();
    if let Ok(s) = write_835(&[denied], &env) {
        out.push(("835-denied.x12".into(), s));
    }
    out
}
