//! SEC-02 (42 CFR Part 2) for what a payee sees of claims it did not bill.
//!
//! A claim names a pay-to provider when the billing provider has its payments sent elsewhere (a
//! parent organisation, a billing service). The payee receives the remittance — it must, to
//! reconcile the payment — but it is not the program that treated the member. The rule:
//!
//! - A claim is a **Part 2 claim** when any of its diagnoses is a substance-use disorder (ICD-10-CM
//!   F10–F19, [`accord_core::Icd10Code::is_substance_use`]) — the same test the UM screens use.
//! - A provider user sees a Part 2 claim whole when its organisation **billed** the claim, or when
//!   the member's consent to disclose is on file. Otherwise the claim is **withheld**: it stays on
//!   the 835 and voucher with its claim numbers, status and amounts (so the payment still
//!   reconciles to the cent), but the patient's name and member ID become `WITHHELD`, the service
//!   lines (codes, dates, units, remarks) are dropped, and their adjustments are summed at claim
//!   level by group and reason, so the 835 still balances. The claim status answer for such a
//!   claim carries only the status and the notice.
//! - Plan staff see everything (their access is logged as always); a download with something
//!   withheld is logged `withheld` per claim.

use std::collections::BTreeMap;

use accord_core::Icd10Code;
use accord_x12::model::{Adjustment, AdjustmentGroup};
use accord_x12::w835::{ClaimPayment, Remittance};
use accord_x12::write::Envelope;
use rust_decimal::Decimal;

use crate::AppState;
use crate::api::audit;
use crate::auth::{Principal, Role};
use crate::error::ApiError;

/// What stands in for a withheld name or member ID.
pub const WITHHELD: &str = "WITHHELD";

/// The notice on a remittance with withheld claims.
pub const REMITTANCE_NOTICE: &str = "Some claims on this remittance were billed by another provider for substance-use disorder care and the member's consent to disclose it to you is not on file: their patient, member ID and service lines are withheld; their amounts are shown so the payment reconciles (42 CFR Part 2, SEC-02).";

/// The explanation shown instead of a withheld claim's details.
pub const CLAIM_NOTICE: &str = "This claim was billed by another provider for substance-use disorder care and the member's consent to disclose it to you is not on file: only its status is shown (42 CFR Part 2, SEC-02).";

/// True when the engine claim (stored JSON) carries a substance-use diagnosis.
pub fn is_part2_claim(claim_json: Option<&str>) -> bool {
    let Some(text) = claim_json else {
        return false;
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    v["diagnoses"].as_array().is_some_and(|ds| {
        ds.iter()
            .filter_map(|d| d.as_str())
            .filter_map(|d| Icd10Code::parse(d).ok())
            .any(|d| d.is_substance_use())
    })
}

/// SEC-02: must claim `tracking` be withheld from `p`? Only provider users who did not bill the
/// claim, for Part 2 claims of members without consent on file.
pub(crate) async fn must_withhold(
    state: &AppState,
    p: &Principal,
    tracking: &str,
) -> Result<Option<Option<String>>, ApiError> {
    if p.role != Role::Provider {
        return Ok(None);
    }
    let Some(c) = state
        .store
        .claim(tracking)
        .await
        .map_err(ApiError::from_store)?
    else {
        return Ok(None);
    };
    if c.billing_npi
        .as_deref()
        .is_some_and(|b| p.npis.iter().any(|n| n == b))
    {
        return Ok(None);
    }
    if !is_part2_claim(c.claim.as_deref()) {
        return Ok(None);
    }
    let consent = match c
        .member_id
        .as_deref()
        .and_then(|m| accord_core::MemberId::parse(m).ok())
    {
        Some(m) => state
            .store
            .get_member(&m)
            .await
            .map_err(ApiError::from_store)?
            .is_some_and(|m| m.sud_consent),
        None => false,
    };
    if consent {
        return Ok(None);
    }
    Ok(Some(c.member_id))
}

/// Withholds one claim payment's Part 2 details (pure): masked patient, no lines, the lines'
/// adjustments summed at claim level by group and reason so the claim still balances.
pub fn withhold_claim(c: &mut ClaimPayment) {
    c.patient_last = WITHHELD.into();
    c.patient_first = None;
    c.member_id = WITHHELD.into();
    let mut sums: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    let groups = c
        .adjustments
        .iter()
        .chain(c.lines.iter().flat_map(|l| l.adjustments.iter()));
    for g in groups {
        for a in &g.adjustments {
            let key = (g.group.clone(), a.reason.clone());
            if !sums.contains_key(&key) {
                order.push(key.clone());
            }
            *sums.entry(key).or_default() += a.amount;
        }
    }
    let mut by_group: Vec<AdjustmentGroup> = Vec::new();
    for key in order {
        let amount = sums[&key];
        let adj = Adjustment {
            reason: key.1.clone(),
            amount,
            quantity: None,
        };
        // A CAS segment carries at most six reasons.
        match by_group
            .iter_mut()
            .find(|g| g.group == key.0 && g.adjustments.len() < 6)
        {
            Some(g) => g.adjustments.push(adj),
            None => by_group.push(AdjustmentGroup {
                group: key.0,
                adjustments: vec![adj],
            }),
        }
    }
    c.adjustments = by_group;
    c.lines.clear();
}

/// The envelope an 835 was sent in, read from its ISA and GS (so a redacted copy keeps the
/// original parties, date and control numbers).
fn envelope_of(x12: &str) -> Option<Envelope> {
    let isa = x12.get(..106)?;
    if !isa.starts_with("ISA") {
        return None;
    }
    let sep = isa.as_bytes()[3] as char;
    let term = isa.as_bytes()[105] as char;
    let el: Vec<&str> = isa.split(sep).collect();
    let gs: Vec<&str> = x12
        .split(term)
        .map(str::trim_start)
        .find(|s| s.starts_with("GS"))?
        .split(sep)
        .collect();
    let date = el.get(9)?;
    let time = el.get(10)?;
    let year: i16 = 2000 + date.get(..2)?.parse::<i16>().ok()?;
    Some(Envelope {
        sender_qualifier: el.get(5)?.trim().into(),
        sender_id: el.get(6)?.trim().into(),
        receiver_qualifier: el.get(7)?.trim().into(),
        receiver_id: el.get(8)?.trim().into(),
        gs_sender: gs.get(2)?.trim().into(),
        gs_receiver: gs.get(3)?.trim().into(),
        date: jiff::civil::Date::new(
            year,
            date.get(2..4)?.parse().ok()?,
            date.get(4..6)?.parse().ok()?,
        )
        .ok()?,
        time: jiff::civil::Time::new(
            time.get(..2)?.parse().ok()?,
            time.get(2..4)?.parse().ok()?,
            0,
            0,
        )
        .ok()?,
        interchange_control: el.get(13)?.trim().parse().ok()?,
        group_control: gs.get(6)?.trim().parse().ok()?,
        usage: el.get(15)?.trim().chars().next().unwrap_or('P'),
    })
}

/// A remittance file as `p` may see it (SEC-02): unchanged when nothing is withheld; otherwise the
/// 835 written again, or the voucher rendered again, from the 835 with the withheld claims'
/// details removed. `x12` is the cycle's 835 for the payee (the voucher is rendered from it).
pub(crate) async fn remittance_for(
    state: &AppState,
    p: &Principal,
    cycle: i64,
    kind: &str,
    x12: &str,
    as_sent: String,
) -> Result<String, ApiError> {
    if p.role != Role::Provider {
        return Ok(as_sent);
    }
    let internal = |m: String| ApiError::of(accord_core::ErrorCode::Internal, m, None);
    let mut remits: Vec<Remittance> = accord_x12::w835::read_835(x12.as_bytes())
        .map_err(|e| internal(format!("the stored 835 cannot be read: {e}")))?;
    let mut withheld = 0;
    for r in &mut remits {
        for c in &mut r.claims {
            if let Some(member) = must_withhold(state, p, &c.payer_claim_control).await? {
                audit(
                    state,
                    p,
                    "withhold part 2",
                    "claim",
                    &c.payer_claim_control,
                    member.as_deref(),
                    "withheld",
                )
                .await?;
                withhold_claim(c);
                withheld += 1;
            }
        }
    }
    if withheld == 0 {
        return Ok(as_sent);
    }
    if kind == "835" {
        let env = envelope_of(x12).ok_or_else(|| internal("the stored 835 has no ISA".into()))?;
        accord_x12::w835::write_835(&remits, &env)
            .map_err(|e| internal(format!("the redacted 835 does not balance: {e}")))
    } else {
        let r = remits
            .first()
            .ok_or_else(|| internal("the stored 835 has no remittance".into()))?;
        let html = accord_service::voucher::render(r, cycle, &state.plan.remarks);
        Ok(html.replacen(
            "<h2>Claims</h2>\n",
            &format!(
                "<h2>Claims</h2>\n<p role=\"note\"><strong>{}</strong></p>\n",
                accord_service::voucher::esc(REMITTANCE_NOTICE)
            ),
            1,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_x12::model::Procedure;
    use accord_x12::w835::ServicePayment;

    fn cas(group: &str, reason: &str, amount: &str) -> AdjustmentGroup {
        AdjustmentGroup {
            group: group.into(),
            adjustments: vec![Adjustment {
                reason: reason.into(),
                amount: amount.parse().unwrap(),
                quantity: None,
            }],
        }
    }

    fn remit(claims: Vec<ClaimPayment>) -> Remittance {
        Remittance {
            method: accord_x12::w835::PaymentMethod::Check,
            payment_date: jiff::civil::date(2026, 3, 10),
            trace_number: "000001000001".into(),
            payer_tin: "1999999999".into(),
            production_date: None,
            payer: accord_x12::w835::Party::default(),
            payee: accord_x12::w835::Party::default(),
            claims,
            provider_adjustments: Vec::new(),
        }
    }

    fn line(charge: &str, paid: &str, adj: Vec<AdjustmentGroup>) -> ServicePayment {
        ServicePayment {
            procedure: Procedure {
                qualifier: "HC".into(),
                code: "H0020".into(),
                ..Procedure::default()
            },
            charge: charge.parse().unwrap(),
            paid: paid.parse().unwrap(),
            adjustments: adj,
            ..ServicePayment::default()
        }
    }

    #[test]
    fn sec_02_a_withheld_claim_keeps_its_amounts_and_still_balances() {
        let mut c = ClaimPayment {
            claim_id: "PCN".into(),
            status: "1".into(),
            charge: "300".parse().unwrap(),
            paid: "150".parse().unwrap(),
            payer_claim_control: "202603010000001".into(),
            patient_last: "DOE".into(),
            patient_first: Some("PAT".into()),
            member_id: "M1002".into(),
            lines: vec![
                line("100", "50", vec![cas("CO", "45", "50")]),
                line(
                    "200",
                    "100",
                    vec![cas("CO", "45", "60"), cas("PR", "2", "40")],
                ),
            ],
            ..ClaimPayment::default()
        };
        let before = remit(vec![c.clone()]);
        assert!(before.check_balance().is_ok());
        withhold_claim(&mut c);
        assert_eq!(
            (c.patient_last.as_str(), c.member_id.as_str()),
            (WITHHELD, WITHHELD)
        );
        assert!(c.patient_first.is_none() && c.lines.is_empty());
        let co: Vec<_> = c.adjustments.iter().filter(|g| g.group == "CO").collect();
        assert_eq!(co.len(), 1);
        assert_eq!(
            co[0].adjustments[0].amount,
            "110".parse::<Decimal>().unwrap()
        );
        let after = remit(vec![c]);
        assert!(after.check_balance().is_ok(), "{:?}", after.check_balance());
        assert_eq!(after.total(), before.total());
    }

    #[test]
    fn sec_02_part_2_claims_are_those_with_a_substance_use_diagnosis() {
        assert!(is_part2_claim(Some(r#"{"diagnoses": ["F331", "F1020"]}"#)));
        assert!(!is_part2_claim(Some(r#"{"diagnoses": ["F331"]}"#)));
        assert!(!is_part2_claim(None));
        assert!(!is_part2_claim(Some("not json")));
    }

    #[test]
    fn the_envelope_is_read_back_from_the_isa() {
        let env = Envelope {
            interchange_control: 4242,
            group_control: 4242,
            usage: 'P',
            ..Envelope::example()
        };
        let x12 = accord_x12::w835::write_835(&[remit(Vec::new())], &env).unwrap();
        assert_eq!(envelope_of(&x12), Some(env));
    }
}
