//! A cycle's payment to one payee as an 835 remittance (PAY-06): one CLP per claim with its
//! lines (SVC), adjustments grouped by group code (CAS with CARC), RARCs (LQ), the allowed amount
//! (AMT B6); a corrected or void claim's reversal first (CLP02 22, amounts negated, the original's
//! tracking number as payer claim control number); balances recovered or carried as PLB (REC-01).

use accord_claims::{Adjustment, ClaimKind, ClaimStatus, Frequency};
use accord_core::member::Program;
use accord_core::{Date, Money};
use accord_store::PayableClaim;
use accord_x12::model::{Adjustment as CasAdjustment, AdjustmentGroup, Procedure};
use accord_x12::w835::{
    ClaimPayment, Party, PaymentMethod, ProviderAdjustment, ProviderAdjustments, Remittance,
    ServicePayment,
};

use crate::ServiceError;
use crate::cycle::PayeePlan;

/// The payer's side of every remittance of a cycle.
#[derive(Debug, Clone)]
pub struct PayerInfo {
    /// Payer name (N1 PR).
    pub name: String,
    /// Payer ID (N1 PR XV).
    pub payer_id: String,
    /// TRN03: `1` + the payer's EIN.
    pub trn_originator: String,
    /// The plan's program, for CLP06.
    pub program: Program,
    /// Remittance address (N3/N4).
    pub address: accord_x12::model::Address,
}

/// The payee's identity (N1 PE).
#[derive(Debug, Clone)]
pub struct PayeeInfo {
    /// Name.
    pub name: String,
    /// NPI.
    pub npi: String,
    /// Tax ID (REF TJ).
    pub tax_id: Option<String>,
}

/// What the 835 needs of a decision: the engine's `Decision` without its trace and rejections
/// (serde skips them), so a cycle of a million claims does not parse a million traces into memory.
#[derive(serde::Deserialize)]
struct PaidDecision {
    status: ClaimStatus,
    lines: Vec<PaidLine>,
    billed: Money,
    paid: Money,
    patient_responsibility: Money,
    reversal: Option<PaidReversal>,
}

/// What the 835 needs of a line decision: `accord_claims::LineDecision`'s fields of these names.
/// Its pend, flags, rate, status and authorizations are skipped, and the procedure code is read
/// as the text it was stored as (checked when the claim was decided). A payment cycle decodes
/// every line it pays, so it decodes no more of each than its 835 uses.
#[derive(serde::Deserialize)]
struct PaidLine {
    number: u32,
    procedure: String,
    modifiers: Vec<String>,
    service_date: Date,
    billed: Money,
    units_billed: rust_decimal::Decimal,
    allowed: Money,
    paid: Money,
    patient_responsibility: Money,
    adjustments: Vec<Adjustment>,
}

/// What the 835 needs of a CLM-10 reversal (`accord_claims::Reversal`).
#[derive(serde::Deserialize)]
struct PaidReversal {
    original_tracking: String,
    lines: Vec<PaidLine>,
    paid: Money,
}

/// What the 835 needs of a claim.
#[derive(serde::Deserialize)]
struct PaidClaim {
    kind: ClaimKind,
    frequency: Frequency,
    member_id: accord_core::MemberId,
    place_of_service: Option<accord_core::PlaceOfService>,
    bill_type: Option<String>,
    statement_from: Option<Date>,
    statement_to: Option<Date>,
}

/// The engine claim's remittance fields as JSON: what [`claim_payments`] reads of a claim (the
/// fields of `PaidClaim`, written from the engine claim's own types, so the text reads as the
/// claim's JSON would). Intake keeps it beside the decision (decision 0040), so the payment cycle
/// reads no claim row.
pub fn remittance_claim_json(c: &accord_claims::Claim) -> String {
    #[derive(serde::Serialize)]
    struct Fields<'a> {
        kind: &'a ClaimKind,
        frequency: &'a Frequency,
        member_id: &'a accord_core::MemberId,
        place_of_service: &'a Option<accord_core::PlaceOfService>,
        bill_type: &'a Option<String>,
        statement_from: &'a Option<Date>,
        statement_to: &'a Option<Date>,
    }
    serde_json::to_string(&Fields {
        kind: &c.kind,
        frequency: &c.frequency,
        member_id: &c.member_id,
        place_of_service: &c.place_of_service,
        bill_type: &c.bill_type,
        statement_from: &c.statement_from,
        statement_to: &c.statement_to,
    })
    .unwrap_or_default()
}

/// A claim payment for one decided claim (and its reversal first, for corrected and void
/// claims), ready for the 835.
pub fn claim_payments(
    p: &PayableClaim,
    program: Program,
) -> Result<Vec<ClaimPayment>, ServiceError> {
    let tracking = &p.decision.tracking;
    let decision: PaidDecision = serde_json::from_str(&p.decision.decision)
        .map_err(|e| ServiceError::invalid(format!("decision {tracking}"), "decision", e))?;
    let claim: PaidClaim = serde_json::from_str(&p.claim)
        .map_err(|e| ServiceError::invalid(format!("claim {tracking}"), "claim", e))?;
    let base = ClaimPayment {
        claim_id: p.patient_control.clone(),
        filing_indicator: filing_indicator(program).into(),
        patient_last: p.last_name.clone().unwrap_or_else(|| "UNKNOWN".into()),
        patient_first: p.first_name.clone(),
        member_id: claim.member_id.to_string(),
        facility_code: facility_code(&claim),
        period_start: claim.statement_from,
        period_end: claim.statement_to,
        ..ClaimPayment::default()
    };
    let mut out = Vec::new();
    let reverses = decision.reversal.is_some();
    if let Some(r) = decision.reversal {
        let charge: Money = r.lines.iter().map(|l| l.billed).sum();
        out.push(ClaimPayment {
            status: "22".into(),
            charge: charge.amount(),
            paid: r.paid.amount(),
            patient_responsibility: nonzero(r.lines.iter().map(|l| l.patient_responsibility).sum()),
            payer_claim_control: r.original_tracking,
            frequency_code: Some("1".into()),
            lines: r.lines.into_iter().map(service_payment).collect(),
            ..base.clone()
        });
    }
    // A void's decision is the reversal itself (CLP02 22): it is not written twice.
    if let Some(status) = decision.status.clp02()
        && (status != "22" || !reverses)
    {
        out.push(ClaimPayment {
            status: status.into(),
            charge: decision.billed.amount(),
            paid: decision.paid.amount(),
            patient_responsibility: nonzero(decision.patient_responsibility),
            payer_claim_control: tracking.clone(),
            frequency_code: Some(frequency_code(&claim.frequency).into()),
            lines: decision.lines.into_iter().map(service_payment).collect(),
            ..base
        });
    }
    Ok(out)
}

fn nonzero(m: Money) -> Option<rust_decimal::Decimal> {
    (!m.is_zero()).then(|| m.amount())
}

/// The line as an SVC loop; its decoded texts move into it rather than being copied.
fn service_payment(l: PaidLine) -> ServicePayment {
    let adjustments = cas_groups(&l.adjustments);
    let remarks = line_remarks(&l);
    ServicePayment {
        procedure: Procedure {
            qualifier: "HC".into(),
            code: l.procedure,
            modifiers: l.modifiers,
            description: None,
        },
        charge: l.billed.amount(),
        paid: l.paid.amount(),
        revenue_code: None,
        units: Some(l.units_billed),
        original_procedure: None,
        service_date: Some(l.service_date),
        adjustments,
        line_control: Some(l.number.to_string()),
        allowed: Some(l.allowed.amount()),
        remarks,
    }
}

/// PAY-06: the line's remark codes for LQ*HE, in adjustment order, each once (two adjustments
/// may carry the same remark, e.g. N362 for an MUE and a benefit limit).
fn line_remarks(l: &PaidLine) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in l.adjustments.iter().filter_map(|a| a.rarc.as_deref()) {
        if !out.iter().any(|o| o == r) {
            out.push(r.to_owned());
        }
    }
    out
}

/// Adjustments grouped by group code, in first-seen order, zero amounts dropped.
pub fn cas_groups(adjustments: &[Adjustment]) -> Vec<AdjustmentGroup> {
    let mut groups: Vec<AdjustmentGroup> = Vec::new();
    for a in adjustments.iter().filter(|a| !a.amount.is_zero()) {
        let adj = CasAdjustment {
            reason: a.carc.to_string(),
            amount: a.amount.amount(),
            quantity: a.units,
        };
        match groups.iter_mut().find(|g| g.group == a.group.as_str()) {
            Some(g) => g.adjustments.push(adj),
            None => groups.push(AdjustmentGroup {
                group: a.group.as_str().into(),
                adjustments: vec![adj],
            }),
        }
    }
    groups
}

/// CLP06 claim filing indicator for the plan's program.
pub fn filing_indicator(p: Program) -> &'static str {
    match p {
        Program::Medicaid => "MC",
        Program::MedicareAdvantage => "16",
        Program::StateFunded => "11",
        Program::Commercial | Program::Eap => "CI",
    }
}

fn facility_code(c: &PaidClaim) -> Option<String> {
    match c.kind {
        ClaimKind::Professional => c.place_of_service.as_ref().map(|p| p.to_string()),
        ClaimKind::Institutional => c
            .bill_type
            .as_ref()
            .map(|b| b.trim_start_matches('0').chars().take(2).collect()),
    }
}

fn frequency_code(f: &Frequency) -> &'static str {
    match f {
        Frequency::Original => "1",
        Frequency::Corrected { .. } => "7",
        Frequency::Void { .. } => "8",
    }
}

/// The remittance for one payee: its claims, recoveries (PLB WO) and carried balance (PLB FB).
pub fn remittance(
    plan: &PayeePlan,
    claims: Vec<ClaimPayment>,
    payer: &PayerInfo,
    payee: &PayeeInfo,
    pay_date: Date,
    trace_number: String,
) -> Remittance {
    let mut plb: Vec<ProviderAdjustment> = plan
        .offsets
        .iter()
        .map(|o| ProviderAdjustment {
            reason: "WO".into(),
            reference: Some(o.source.clone()),
            amount: o.amount.amount(),
        })
        .collect();
    if plan.carried > Money::ZERO {
        plb.push(ProviderAdjustment {
            reason: "FB".into(),
            reference: Some(trace_number.clone()),
            amount: -plan.carried.amount(),
        });
    }
    let year_end = jiff::civil::date(pay_date.year(), 12, 31);
    Remittance {
        method: if plan.amount > Money::ZERO {
            PaymentMethod::Check
        } else {
            PaymentMethod::NonPayment
        },
        payment_date: pay_date,
        trace_number,
        payer_tin: payer.trn_originator.clone(),
        production_date: Some(pay_date),
        payer: Party {
            name: payer.name.clone(),
            id: Some(payer.payer_id.clone()),
            address: Some(payer.address.clone()),
            ..Party::default()
        },
        payee: Party {
            name: payee.name.clone(),
            id: Some(payee.npi.clone()),
            tax_id: payee.tax_id.clone(),
            ..Party::default()
        },
        claims,
        provider_adjustments: if plb.is_empty() {
            Vec::new()
        } else {
            vec![ProviderAdjustments {
                provider_id: payee.npi.clone(),
                fiscal_period_end: Some(year_end),
                adjustments: plb,
            }]
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_claims::Decision;

    fn payable(claim: String, decision: &Decision) -> PayableClaim {
        let day = jiff::civil::date(2026, 3, 20);
        PayableClaim {
            decision: accord_store::StoredDecision {
                tracking: decision.tracking.clone(),
                status: "processed_primary".into(),
                member_id: Some("M1001".into()),
                pay_to_npi: "1234567893".into(),
                received_on: day,
                decided_on: day,
                billed: decision.billed,
                allowed: decision.allowed,
                paid: decision.paid,
                net_paid: decision.paid,
                patient_responsibility: decision.patient_responsibility,
                clean: true,
                decision: serde_json::to_string(decision).unwrap(),
                trace: None,
                cycle: None,
                remittance: None,
            },
            patient_control: "PCN-1".into(),
            claim,
            last_name: Some("DOE".into()),
            first_name: Some("JANE".into()),
        }
    }

    /// PAY-06, decision 0040: the remittance fields kept beside a decision give the 835 exactly
    /// what the whole claim's JSON gives, for both kinds of claim, original or corrected.
    #[test]
    fn pay_06_remittance_fields_read_as_the_whole_claim() {
        for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
            for frequency in [
                Frequency::Original,
                Frequency::Corrected {
                    original: "T0".into(),
                },
            ] {
                let mut claim = crate::paid_claim_view::tests::claim(kind);
                claim.frequency = frequency;
                let decision = Decision {
                    tracking: "T1".into(),
                    status: ClaimStatus::ProcessedPrimary,
                    rejections: Vec::new(),
                    lines: Vec::new(),
                    billed: Money::from_cents(24_690),
                    allowed: Money::from_cents(20_000),
                    paid: Money::from_cents(18_000),
                    patient_responsibility: Money::from_cents(2_000),
                    reversal: None,
                    trace: Vec::new(),
                };
                let whole = payable(serde_json::to_string(&claim).unwrap(), &decision);
                let kept = payable(remittance_claim_json(&claim), &decision);
                assert!(kept.claim.len() < whole.claim.len() / 2, "{}", kept.claim);
                let from_whole = claim_payments(&whole, Program::Medicaid).unwrap();
                let from_kept = claim_payments(&kept, Program::Medicaid).unwrap();
                assert!(!from_whole.is_empty());
                assert_eq!(from_kept, from_whole);
                assert!(from_kept[0].facility_code.is_some());
                assert!(from_kept[0].period_start.is_some());
            }
        }
    }
}
