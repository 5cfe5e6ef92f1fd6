//! The provider network end to end on an in-memory SQLite store with the demo plan: a facility
//! credentialed through an application (NET-02), suspended by a confirmed exclusion match
//! (NET-07 → NET-05) — its new authorization request is refused (`provider_ineligible`) and its
//! claim denies CO-B7 — then reinstated, after which both succeed for dates after the
//! reinstatement; a lapse (NET-03), leave (NET-08) and the NET-06 appeal hand-off.

mod common;

use common::{at, d, plan};

use accord_claims::{
    Claim, ClaimKind, ClaimLine, Decision, Frequency, LineDocumentation, LineStatus,
};
use accord_core::member::{EligibilitySpan, Member, Program, Sex};
use accord_core::provider::{PayToVendor, Provider, ProviderKind};
use accord_core::{
    Icd10Code, MemberId, Modifier, Money, Npi, PlaceOfService, ProcedureCode, TaxId, Units,
    VendorNumber,
};
use accord_network::credentialing::{
    Accreditor, ApplicationForm, CommitteeDecision, Item, Outcome,
};
use accord_plan::Plan;
use accord_service::adjudication::{RunOptions, adjudicate_pending, stored_decision};
use accord_service::network::{self, LeaveAction, Verification};
use accord_service::um;
use accord_store::{ReceivedFile, Store, StoredClaim};
use accord_um::case::Status;
use accord_um::request::RequestForm;

fn agency() -> Npi {
    Npi::from_first_nine(900_000_011)
}

fn member() -> MemberId {
    MemberId::parse("M1001").expect("member")
}

async fn seeded() -> Store {
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let mut uow = store
        .begin("test", "seed", at("2026-01-01T12:00:00Z"))
        .await
        .expect("uow");
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
    .unwrap();
    uow.insert_eligibility(&[EligibilitySpan {
        member_id: member(),
        plan_code: "ACCORD-IL".into(),
        program: Program::Medicaid,
        start: d("2025-01-01"),
        end: None,
    }])
    .await
    .unwrap();
    uow.commit().await.unwrap();
    store
}

fn agency_record() -> Provider {
    Provider {
        npi: agency(),
        kind: ProviderKind::Facility,
        name: "Northwind Recovery Services LLC".into(),
        tax_id: TaxId::parse("12-3456789").unwrap(),
        specialty: "cmhc".into(),
        license_number: Some("036-000001".into()),
        license_expires: Some(d("2030-12-31")),
        facility_npi: None,
    }
}

/// NET-02: apply, verify every item, approve effective 2026-01-15.
async fn credential(store: &Store, plan: &Plan) {
    let form = ApplicationForm {
        provider: agency_record(),
        cycle: Default::default(),
        date_of_birth: None,
        accreditation: Some(Accreditor::Carf),
        prescriber: false,
        lines_of_business: vec![Program::Medicaid],
        staff: vec![],
        evidence: Default::default(),
    };
    let app = network::apply(
        store,
        plan,
        form,
        d("2026-01-02"),
        at("2026-01-02T15:00:00Z"),
        "portal",
    )
    .await
    .unwrap();
    assert_eq!(app.id, "CRD-2026-000001");
    let view = network::show(store, plan, &agency(), d("2026-01-03"))
        .await
        .unwrap();
    assert!(!view.standing.claims_payable);
    assert!(
        view.missing
            .iter()
            .any(|m| m.contains("evidence not submitted"))
    );
    assert!(view.missing.iter().any(|m| m.contains("pay-to")));
    for item in app.items.iter().map(|e| e.item) {
        network::verify(
            store,
            &app.id,
            &Verification {
                item,
                evidence: Some(format!("{item:?} on file")),
                passed: true,
                verified_on: d("2026-01-08"),
                note: String::new(),
            },
            d("2026-01-08"),
            at("2026-01-08T15:00:00Z"),
            "cred1",
        )
        .await
        .unwrap();
    }
    network::decide(
        store,
        &app.id,
        CommitteeDecision {
            outcome: Outcome::Approved,
            reason: "meets every standard".into(),
            decided_on: d("2026-01-14"),
            notice_date: d("2026-01-14"),
            effective: [(Program::Medicaid, d("2026-01-15"))].into_iter().collect(),
        },
        at("2026-01-14T18:00:00Z"),
        "committee",
    )
    .await
    .unwrap();
    let mut uow = store
        .begin("test", "pay-to", at("2026-01-15T12:00:00Z"))
        .await
        .unwrap();
    uow.insert_pay_to(&[PayToVendor {
        vendor_number: VendorNumber::parse("V00011").unwrap(),
        npi: agency(),
        name: "Northwind".into(),
        tax_id: TaxId::parse("12-3456789").unwrap(),
    }])
    .await
    .unwrap();
    uow.commit().await.unwrap();
}

fn request(start: &str, end: &str) -> RequestForm {
    serde_json::from_value(serde_json::json!({
        "member_id": "M1001", "requesting_npi": agency().to_string(),
        "services": [{"code": "H0047", "modifiers": ["HF"], "units": 7}],
        "start_date": start, "end_date": end, "diagnoses": ["F10.20"],
        "clinical": {"risk": {}, "substance_use": "alcohol", "medical": "none",
            "treatment_plan": "residential", "discharge_plan": "IOP", "asam_level": "3.7"}
    }))
    .unwrap()
}

fn claim(tracking: &str, dos: &str) -> Claim {
    Claim {
        tracking: tracking.into(),
        kind: ClaimKind::Professional,
        frequency: Frequency::Original,
        member_id: member(),
        billing_npi: agency(),
        rendering_npi: None,
        supervising_npi: None,
        attending_npi: None,
        pay_to_npi: None,
        place_of_service: Some(PlaceOfService::parse("11").unwrap()),
        bill_type: None,
        admission_date: None,
        discharge_date: None,
        statement_from: None,
        statement_to: None,
        received: d(dos),
        diagnoses: vec![Icd10Code::parse("F32.1").unwrap()],
        prior_auth_ref: None,
        emergency: false,
        other_payer: None,
        lines: vec![ClaimLine {
            number: 1,
            procedure: ProcedureCode::parse("T1016").unwrap(),
            modifiers: vec![Modifier::parse("HE").unwrap()],
            revenue_code: None,
            units: Units::whole(4).unwrap(),
            charge: Money::parse("80").unwrap(),
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
        }],
    }
}

async fn adjudicate(store: &Store, plan: &Plan, icn: &str, c: Claim, today: &str) -> Decision {
    let t = at("2026-04-20T12:00:00Z");
    let mut uow = store.begin("intake", "test", t).await.unwrap();
    uow.record_received_file(&ReceivedFile {
        sender: "CLEARINGHOUSE".into(),
        interchange_control: icn.into(),
        file_name: format!("{icn}.x12"),
        received_at: t.to_string(),
        claims: 1,
    })
    .await
    .unwrap();
    uow.insert_claims(&[StoredClaim {
        tracking: c.tracking.clone(),
        sender: "CLEARINGHOUSE".into(),
        interchange_control: icn.into(),
        patient_control: format!("PCN-{}", c.tracking),
        member_id: Some(c.member_id.to_string()),
        billing_npi: Some(c.billing_npi.to_string()),
        total_charge: c.total_charge(),
        status: "accepted".into(),
        reasons: serde_json::json!([]),
        claim: Some(serde_json::to_string(&c).unwrap()),
        received_at: t.to_string(),
    }])
    .await
    .unwrap();
    uow.commit().await.unwrap();
    let opts = RunOptions {
        today: d(today),
        at: t,
        actor: "test".into(),
        page: 10,
    };
    adjudicate_pending(store, plan, &opts, |_| {})
        .await
        .unwrap();
    stored_decision(store, &c.tracking).await.unwrap().unwrap()
}

fn carcs(dn: &Decision) -> Vec<String> {
    dn.lines[0]
        .adjustments
        .iter()
        .map(|a| format!("{}-{}", a.group.as_str(), a.carc))
        .collect()
}

const LIST: &str = "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE
\"\",\"\",\"\",\"NORTHWIND RECOVERY SERVICES LLC\",\"OTHER BUSINESS\",\"SUD PROGRAM\",\"\",\"NPI\",\"\",\"100 EXAMPLE AVENUE\",\"SPRINGFIELD\",\"IL\",\"62701\",\"1128b7\",\"20260210\",\"00000000\",\"00000000\",\"\"
";

#[tokio::test]
async fn net_05_net_07_suspension_refuses_authorizations_and_denies_claims_until_reinstated() {
    let plan = plan();
    let store = seeded().await;
    credential(&store, &plan).await;
    assert!(
        network::show(&store, &plan, &agency(), d("2026-01-20"))
            .await
            .unwrap()
            .standing
            .claims_payable
    );

    // NET-07: the list names the agency's NPI: a confirmed match, suspended from 2026-03-01.
    let list = LIST.replace("\"NPI\"", &format!("\"{}\"", agency()));
    let report = network::import_exclusions(
        &store,
        &plan,
        &list,
        "list.csv",
        Some(d("2026-02-27")),
        d("2026-03-01"),
        at("2026-03-01T14:00:00Z"),
        "screening",
    )
    .await
    .unwrap();
    assert_eq!(report.matches.len(), 1);
    assert_eq!(report.suspensions.len(), 1);
    assert_eq!(report.suspensions[0].end, Some(d("2026-03-30")));

    // UM refuses a new authorization during the suspension.
    let c = um::submit(
        &store,
        &plan,
        &request("2026-03-10", "2026-03-16"),
        at("2026-03-09T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    assert_eq!(c.status, Status::ProviderIneligible);
    assert_eq!(c.status.as_str(), "provider_ineligible");
    // A claim for a date in the suspension denies CO-B7.
    let denied = adjudicate(
        &store,
        &plan,
        "000000001",
        claim("C1", "2026-03-05"),
        "2026-04-20",
    )
    .await;
    assert_eq!(denied.lines[0].status, LineStatus::Denied);
    assert!(
        carcs(&denied).contains(&"CO-B7".to_owned()),
        "{:?}",
        carcs(&denied)
    );

    // NET-05: reinstated on 2026-03-12: dates from then are restored, earlier ones stay denied.
    network::reinstate(
        &store,
        &agency(),
        d("2026-03-12"),
        "list entry was another entity",
        at("2026-03-12T14:00:00Z"),
        "committee",
    )
    .await
    .unwrap();
    let ok = um::submit(
        &store,
        &plan,
        &request("2026-03-13", "2026-03-19"),
        at("2026-03-12T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    assert_ne!(ok.status, Status::ProviderIneligible);
    let paid = adjudicate(
        &store,
        &plan,
        "000000002",
        claim("C2", "2026-03-13"),
        "2026-04-20",
    )
    .await;
    assert_eq!(paid.lines[0].status, LineStatus::Paid, "{:?}", carcs(&paid));
    let still = adjudicate(
        &store,
        &plan,
        "000000003",
        claim("C3", "2026-03-11"),
        "2026-04-20",
    )
    .await;
    assert!(carcs(&still).contains(&"CO-B7".to_owned()));
}

#[tokio::test]
async fn net_03_net_08_net_06_lapse_leave_and_appeal_through_the_store() {
    let plan = plan();
    let store = seeded().await;
    credential(&store, &plan).await;
    // NET-08: leave stops authorizations; return restores them.
    network::leave(
        &store,
        &agency(),
        LeaveAction::Leave,
        d("2026-02-01"),
        "relocating",
        at("2026-02-01T12:00:00Z"),
        "cred1",
    )
    .await
    .unwrap();
    let c = um::submit(
        &store,
        &plan,
        &request("2026-02-10", "2026-02-16"),
        at("2026-02-09T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    assert_eq!(c.status, Status::ProviderIneligible);
    let daily = network::daily(
        &store,
        &plan,
        d("2026-08-02"),
        false,
        at("2026-08-02T12:00:00Z"),
        "job",
    )
    .await
    .unwrap();
    assert_eq!(daily.disenrollment.len(), 1);
    network::leave(
        &store,
        &agency(),
        LeaveAction::Return,
        d("2026-03-01"),
        "",
        at("2026-03-01T12:00:00Z"),
        "cred1",
    )
    .await
    .unwrap();
    // NET-03: the cycle from the 2026-01-14 decision opens 2028-10-14 and lapses after 2029-01-14.
    let job = network::daily(
        &store,
        &plan,
        d("2028-10-14"),
        true,
        at("2028-10-14T12:00:00Z"),
        "job",
    )
    .await
    .unwrap();
    assert_eq!(job.recredentialing.opening.len(), 1);
    let job = network::daily(
        &store,
        &plan,
        d("2029-01-15"),
        true,
        at("2029-01-15T12:00:00Z"),
        "job",
    )
    .await
    .unwrap();
    assert_eq!(job.recredentialing.lapsing.len(), 1);
    let v = network::show(&store, &plan, &agency(), d("2029-01-15"))
        .await
        .unwrap();
    assert!(!v.standing.claims_payable);
    assert!(
        v.standing.reasons[0].contains("NET-03"),
        "{:?}",
        v.standing.reasons
    );
    assert!(
        network::show(&store, &plan, &agency(), d("2029-01-14"))
            .await
            .unwrap()
            .standing
            .claims_payable
    );

    // NET-06: a denied re-application is appealed through the case engine.
    let form = ApplicationForm {
        provider: agency_record(),
        cycle: accord_network::credentialing::CycleKind::Recredentialing,
        date_of_birth: None,
        accreditation: None,
        prescriber: false,
        lines_of_business: vec![Program::Medicaid],
        staff: vec![],
        evidence: [(Item::SiteVisit, "visit report".to_owned())]
            .into_iter()
            .collect(),
    };
    let app = network::apply(
        &store,
        &plan,
        form,
        d("2029-02-01"),
        at("2029-02-01T12:00:00Z"),
        "portal",
    )
    .await
    .unwrap();
    network::decide(
        &store,
        &app.id,
        CommitteeDecision {
            outcome: Outcome::Denied,
            reason: "site visit found unsafe conditions".into(),
            decided_on: d("2029-02-10"),
            notice_date: d("2029-02-11"),
            effective: Default::default(),
        },
        at("2029-02-10T18:00:00Z"),
        "committee",
    )
    .await
    .unwrap();
    let case = network::appeal(&store, &plan, &app.id, at("2029-02-20T15:00:00Z"), "portal")
        .await
        .unwrap();
    assert!(case.record.id.starts_with("CRA-2029-"));
    // NET-08: a provider whose participation lapsed has nothing to resign from.
    let e = network::leave(
        &store,
        &agency(),
        LeaveAction::Resign,
        d("2029-03-01"),
        "closing",
        at("2029-03-01T12:00:00Z"),
        "cred1",
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("NET-08"), "{e}");
}
