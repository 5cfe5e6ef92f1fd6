//! The claims flow tests' fixtures: two agencies, one member with Medicaid coverage, claims in the
//! engine's form, a store seeded with them, receiving claims as an interchange, run options, and
//! reading a decision and its adjustment codes back.

use accord_claims::{Claim, ClaimKind, ClaimLine, Decision, Frequency, LineDocumentation};
use accord_core::member::{EligibilitySpan, Member, Program, Sex};
use accord_core::provider::{NetworkStatus, PayToVendor, Provider, ProviderKind, StatusSpan};
use accord_core::{
    Icd10Code, MemberId, Modifier, Money, Npi, PlaceOfService, ProcedureCode, TaxId, Units,
    VendorNumber,
};
use accord_service::adjudication::{RunOptions, stored_decision};
use accord_store::{ReceivedFile, Store, StoredClaim};

use super::d;

pub fn agency() -> Npi {
    Npi::from_first_nine(900_000_001)
}
pub fn agency2() -> Npi {
    Npi::from_first_nine(900_000_002)
}

pub fn member() -> MemberId {
    MemberId::parse("M1001").expect("member")
}

pub fn line(n: u32, code: &str, mods: &[&str], units: u32, charge: &str, dos: &str) -> ClaimLine {
    ClaimLine {
        number: n,
        procedure: ProcedureCode::parse(code).expect("code"),
        modifiers: mods
            .iter()
            .map(|m| Modifier::parse(m).expect("mod"))
            .collect(),
        revenue_code: None,
        units: Units::whole(units).expect("units"),
        charge: Money::parse(charge).expect("charge"),
        service_from: d(dos),
        service_to: None,
        rendering_npi: None,
        place_of_service: None,
        other_payer_paid: None,
        self_pay_collected: Money::ZERO,
        documentation: LineDocumentation {
            start_stop_recorded: Some(true),
            performed_by_trainee: false,
        },
    }
}

pub fn claim(tracking: &str, billing: &Npi, frequency: Frequency, lines: Vec<ClaimLine>) -> Claim {
    Claim {
        tracking: tracking.into(),
        kind: ClaimKind::Professional,
        frequency,
        member_id: member(),
        billing_npi: billing.clone(),
        rendering_npi: None,
        supervising_npi: None,
        attending_npi: None,
        pay_to_npi: None,
        place_of_service: Some(PlaceOfService::parse("11").expect("pos")),
        bill_type: None,
        admission_date: None,
        discharge_date: None,
        statement_from: None,
        statement_to: None,
        received: d("2026-03-05"),
        diagnoses: vec![Icd10Code::parse("F32.1").expect("dx")],
        prior_auth_ref: None,
        emergency: false,
        other_payer: None,
        lines,
    }
}

pub async fn seeded_store() -> Store {
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let at = jiff::Timestamp::from_second(1_772_000_000).expect("ts");
    let mut uow = store.begin("test", "seed", at).await.expect("uow");
    uow.insert_members(&[Member {
        member_id: member(),
        first_name: "Pat".into(),
        last_name: "Doe".into(),
        birth_date: d("1990-05-05"),
        sex: Sex::U,
        zip: "60601".into(),
        family_size: Some(3),
        annual_income: None,
        sud_consent: true,
    }])
    .await
    .expect("members");
    uow.insert_eligibility(&[EligibilitySpan {
        member_id: member(),
        plan_code: "ACCORD-IL".into(),
        program: Program::Medicaid,
        start: d("2025-01-01"),
        end: None,
    }])
    .await
    .expect("spans");
    let providers: Vec<Provider> = [agency(), agency2()]
        .iter()
        .map(|npi| Provider {
            npi: npi.clone(),
            kind: ProviderKind::Facility,
            name: format!("Agency {npi}"),
            tax_id: TaxId::parse("12-3456789").expect("tin"),
            specialty: "cmhc".into(),
            license_number: Some("036-000001".into()),
            license_expires: Some(d("2030-12-31")),
            facility_npi: None,
        })
        .collect();
    uow.insert_providers(&providers).await.expect("providers");
    uow.insert_status_spans(
        &[agency(), agency2()]
            .iter()
            .map(|npi| StatusSpan {
                npi: npi.clone(),
                status: NetworkStatus::Participating,
                start: d("2020-01-01"),
                end: None,
                reason: "credentialed".into(),
            })
            .collect::<Vec<_>>(),
    )
    .await
    .expect("status");
    uow.insert_pay_to(&[PayToVendor {
        vendor_number: VendorNumber::parse("V00001").expect("vendor"),
        npi: agency(),
        name: "Lakeside Counseling Center".into(),
        tax_id: TaxId::parse("12-3456789").expect("tin"),
    }])
    .await
    .expect("pay-to");
    uow.commit().await.expect("commit");
    store
}

pub async fn receive(store: &Store, icn: &str, claims: &[Claim]) {
    let at = jiff::Timestamp::from_second(1_772_700_000).expect("ts");
    let mut uow = store.begin("intake", "test", at).await.expect("uow");
    uow.record_received_file(&ReceivedFile {
        sender: "CLEARINGHOUSE".into(),
        interchange_control: icn.into(),
        file_name: format!("{icn}.x12"),
        received_at: at.to_string(),
        claims: claims.len() as u64,
    })
    .await
    .expect("file");
    let stored: Vec<StoredClaim> = claims
        .iter()
        .map(|c| StoredClaim {
            tracking: c.tracking.clone(),
            sender: "CLEARINGHOUSE".into(),
            interchange_control: icn.into(),
            patient_control: format!("PCN-{}", c.tracking),
            member_id: Some(c.member_id.to_string()),
            billing_npi: Some(c.billing_npi.to_string()),
            total_charge: c.total_charge(),
            status: "accepted".into(),
            reasons: serde_json::json!([]),
            claim: Some(serde_json::to_string(c).expect("json")),
            received_at: at.to_string(),
        })
        .collect();
    uow.insert_claims(&stored).await.expect("claims");
    uow.commit().await.expect("commit");
}

pub fn opts(today: &str) -> RunOptions {
    RunOptions {
        today: d(today),
        at: jiff::Timestamp::from_second(1_772_800_000).expect("ts"),
        actor: "test".into(),
        // Small pages, so originals and duplicates cross page boundaries.
        page: 2,
    }
}

pub async fn decision(store: &Store, t: &str) -> Decision {
    stored_decision(store, t)
        .await
        .expect("read")
        .expect("decided")
}

pub fn carcs(d: &Decision, line: u32) -> Vec<String> {
    d.lines
        .iter()
        .find(|l| l.number == line)
        .map(|l| {
            l.adjustments
                .iter()
                .map(|a| format!("{}-{}", a.group.as_str(), a.carc))
                .collect()
        })
        .unwrap_or_default()
}

/// A payment cycle through `through` (paid that day), its files under `out`.
pub fn cycle_through(
    out: &std::path::Path,
    through: &str,
) -> accord_service::payment::CycleOptions {
    accord_service::payment::CycleOptions {
        through: d(through),
        pay_date: d(through),
        at: jiff::Timestamp::from_second(1_772_900_000).expect("ts"),
        actor: "test".into(),
        out: out.to_path_buf(),
    }
}

/// The retroactive-change story's start (REC-01): the agency's two T1016 claims for M1001, R1 on
/// 2026-03-02 and R2 on 2026-02-20 (4 units each), received in interchange `icn`, decided on
/// 2026-03-06 and paid in cycle 1 through 2026-03-10 (files under `out`): 152.00 in all.
pub async fn two_t1016_claims_paid_in_cycle_one(
    store: &Store,
    plan: &accord_plan::Plan,
    icn: &str,
    out: &std::path::Path,
) -> accord_service::payment::CycleReport {
    let t1016 = |day: &str| line(1, "T1016", &["HE"], 4, "80", day);
    receive(
        store,
        icn,
        &[
            claim(
                "R1",
                &agency(),
                Frequency::Original,
                vec![t1016("2026-03-02")],
            ),
            claim(
                "R2",
                &agency(),
                Frequency::Original,
                vec![t1016("2026-02-20")],
            ),
        ],
    )
    .await;
    accord_service::adjudication::adjudicate_pending(store, plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    let c1 = accord_service::payment::run_cycle(store, plan, &cycle_through(out, "2026-03-10"))
        .await
        .expect("cycle 1");
    assert_eq!(c1.cycle.total, Money::parse("152").expect("m"));
    c1
}
