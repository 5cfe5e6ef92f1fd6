//! Authorization requests against a real store (in-memory SQLite): the rules approve and the
//! authorization lands where claims read it (UM-04); a continued stay extends it (UM-08); a care
//! manager's denial is refused and a psychiatrist's is stored with its notice (UM-05, UM-06); the
//! queue and the QM-04 report read what was stored.

mod common;

use common::{at, d, facility, plan};

use accord_core::ErrorCode;
use accord_service::{ServiceError, um};
use accord_store::Store;
use accord_um::case::{ReviewerDecision, Status};
use accord_um::request::RequestForm;
use accord_um::{Role, StaffUser};
use rust_decimal::Decimal;

async fn seeded() -> Store {
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let mut uow = store
        .begin("test", "seed", at("2026-01-01T12:00:00Z"))
        .await
        .expect("uow");
    common::seed_member_and_facility(&mut uow).await;
    uow.commit().await.unwrap();
    let staff = [
        ("ccm1", Role::ClinicalCareManager),
        ("md1", Role::Psychiatrist),
    ]
    .map(|(id, role)| StaffUser {
        user_id: id.into(),
        name: id.into(),
        role,
        reports_to: None,
    });
    um::save_staff(&store, &staff, "admin", at("2026-01-01T12:00:00Z"))
        .await
        .unwrap();
    store
}

fn form(units: u32, start: &str, end: &str) -> RequestForm {
    serde_json::from_value(serde_json::json!({
        "member_id": "M1001", "requesting_npi": facility().to_string(),
        "services": [{"code": "H0047", "modifiers": ["HF"], "units": units}],
        "start_date": start, "end_date": end, "diagnoses": ["F10.20"],
        "clinical": {"risk": {}, "substance_use": "alcohol", "medical": "none",
            "treatment_plan": "residential", "discharge_plan": "IOP", "asam_level": "3.7"}
    }))
    .unwrap()
}

#[tokio::test]
async fn um_04_rules_approval_is_stored_as_an_authorization_claims_use() {
    let store = seeded().await;
    let plan = plan();
    let c = um::submit(
        &store,
        &plan,
        &form(14, "2026-03-02", "2026-03-15"),
        at("2026-03-01T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    assert_eq!(c.status, Status::Approved);
    assert_eq!(c.request.id, "UM-2026-000001");
    let auths = store.authorizations().await.unwrap();
    assert_eq!(auths.len(), 1);
    assert_eq!(auths[0].auth_id, "UM-2026-000001");
    assert_eq!(auths[0].units_authorized, Decimal::from(14));
    // UM-08: a continued stay extends it.
    let mut more = form(7, "2026-03-16", "2026-03-22");
    more.review_type = Some(accord_um::ReviewType::Concurrent);
    more.extends_authorization = Some("UM-2026-000001".into());
    let c2 = um::submit(&store, &plan, &more, at("2026-03-15T20:00:00Z"), "provider")
        .await
        .unwrap();
    assert!(
        c2.late_concurrent,
        "asked for less than 24 hours before the end"
    );
    let auths = store.authorizations().await.unwrap();
    assert_eq!(
        (auths[0].end, auths[0].units_authorized),
        (d("2026-03-22"), Decimal::from(21))
    );
    // The case reads back whole.
    assert_eq!(um::load(&store, "UM-2026-000002").await.unwrap(), c2);
    // UM-04: units used are counted from paid claim lines (a pended line does not count).
    let line = |tracking: &str, units: u32, paid: bool| accord_store::HistoryLine {
        tracking: tracking.into(),
        line: 1,
        member_id: "M1001".into(),
        rendering_npi: facility().to_string(),
        procedure: "H0047".into(),
        modifiers: "HF".into(),
        service_date: d("2026-03-05"),
        units: Decimal::from(units),
        paid,
        authorizations: vec![("UM-2026-000001".into(), Decimal::from(units))],
    };
    let mut uow = store
        .begin("test", "claims", at("2026-03-20T12:00:00Z"))
        .await
        .unwrap();
    uow.replace_history(
        &["T1".into(), "T2".into()],
        &[line("T1", 5, true), line("T2", 3, false)],
    )
    .await
    .unwrap();
    uow.commit().await.unwrap();
    let used = um::authorization_use(&store, &c).await.unwrap();
    assert_eq!(used.len(), 1);
    assert_eq!(
        (used[0].authorized, used[0].used, used[0].left),
        (Decimal::from(21), Decimal::from(5), Decimal::from(16))
    );
    assert_eq!(used[0].services, "H0047-HF");
    // The continued stay shows the authorization it extended.
    assert_eq!(
        um::authorization_use(&store, &c2).await.unwrap()[0].auth_id,
        "UM-2026-000001"
    );
}

#[tokio::test]
async fn um_05_denial_by_a_care_manager_is_refused_and_nothing_is_written() {
    let store = seeded().await;
    let plan = plan();
    let c = um::submit(
        &store,
        &plan,
        &form(30, "2026-03-02", "2026-03-31"),
        at("2026-03-01T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    assert_eq!(c.status, Status::InReview);
    let deny = ReviewerDecision {
        units: vec![0],
        through: None,
        reasons: vec!["not 3.7".into()],
        criteria_set: None,
    };
    let e = um::decide(
        &store,
        &plan,
        &c.request.id,
        "ccm1",
        &deny,
        at("2026-03-02T15:00:00Z"),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, ServiceError::Forbidden(_)));
    assert_eq!(ErrorCode::from(&e), ErrorCode::Forbidden);
    assert_eq!(
        um::load(&store, &c.request.id).await.unwrap().status,
        Status::InReview
    );
    assert_eq!(
        um::queue(&store, at("2026-03-02T15:00:00Z"))
            .await
            .unwrap()
            .len(),
        1
    );
    let denied = um::decide(
        &store,
        &plan,
        &c.request.id,
        "md1",
        &deny,
        at("2026-03-02T16:00:00Z"),
    )
    .await
    .unwrap();
    assert_eq!(denied.status, Status::Denied);
    let n = um::notice(&store, &plan, &c.request.id).await.unwrap();
    assert_eq!(n.reasons, vec!["not 3.7".to_owned()]);
    assert!(
        um::queue(&store, at("2026-03-02T17:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.authorizations().await.unwrap().is_empty());
    let rows = um::report(&store, &plan, d("2026-03-01"), d("2026-03-31"))
        .await
        .unwrap();
    let all = rows.iter().find(|r| r.group == "all").unwrap();
    assert_eq!((all.decided, all.denied), (1, 1));
}

#[tokio::test]
async fn um_03_a_bad_form_names_every_field_and_stores_nothing() {
    let store = seeded().await;
    let mut f = form(14, "2026-03-02", "2026-03-15");
    f.requesting_npi = "123".into();
    f.services[0].code = "ZZZ".into();
    let e = um::submit(&store, &plan(), &f, at("2026-03-01T15:00:00Z"), "provider")
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("requesting_npi:") && text.contains("services[0].code:"),
        "{text}"
    );
    assert_eq!(store.um_request_count().await.unwrap(), 0);
}
