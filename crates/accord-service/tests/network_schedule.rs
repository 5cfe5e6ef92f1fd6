//! NET-07's monthly screening schedule and NET-04's change report against the store (in-memory
//! SQLite, the demo plan): the daily job reports an overdue screening and names the providers and
//! staff no screening covered in the last month; the change report lists notices with their due
//! dates, the day told and lateness.

mod common;

use common::{at, d, facility, plan, seed_member_and_facility};

use accord_core::provider::{Provider, ProviderKind};
use accord_core::{Npi, TaxId};
use accord_network::changes::{ChangeKind, ProviderChange};
use accord_service::network;
use accord_store::Store;

const HEADER: &str = "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE\n";

fn clinician() -> Npi {
    Npi::from_first_nine(900_000_002)
}

async fn seeded() -> Store {
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let mut uow = store
        .begin("test", "seed", at("2026-01-01T12:00:00Z"))
        .await
        .unwrap();
    seed_member_and_facility(&mut uow).await;
    uow.commit().await.unwrap();
    store
}

/// A clinician on the facility's staff (NET-09), added after the first screening.
async fn add_staff(store: &Store) {
    let mut uow = store
        .begin("test", "staff", at("2026-02-15T12:00:00Z"))
        .await
        .unwrap();
    uow.insert_providers(&[Provider {
        npi: clinician(),
        kind: ProviderKind::Individual,
        name: "Ada Quill, LCSW".into(),
        tax_id: TaxId::parse("12-3456780").unwrap(),
        specialty: "lcsw".into(),
        license_number: Some("149-1".into()),
        license_expires: Some(d("2030-01-31")),
        facility_npi: Some(facility()),
    }])
    .await
    .unwrap();
    uow.commit().await.unwrap();
}

#[tokio::test]
async fn net_07_daily_job_reports_an_overdue_screening_and_who_was_not_screened() {
    let plan = plan();
    let store = seeded().await;
    // Never screened: the daily job says so at once.
    let first = network::daily(
        &store,
        &plan,
        d("2026-01-02"),
        false,
        at("2026-01-02T12:00:00Z"),
        "job",
    )
    .await
    .unwrap();
    assert!(first.exclusion_screening.overdue);
    assert_eq!(first.exclusion_screening.last_run, None);
    assert_eq!(first.exclusion_screening.not_screened.len(), 1);

    let run = network::import_exclusions(
        &store,
        &plan,
        HEADER,
        "LEIE-2026-01.csv",
        Some(d("2026-01-05")),
        d("2026-01-10"),
        at("2026-01-10T15:00:00Z"),
        "cred1",
    )
    .await
    .unwrap();
    assert_eq!(
        (
            run.screening.screened_by.as_str(),
            run.screening.list_date,
            run.screening.subjects
        ),
        ("cred1", Some(d("2026-01-05")), 1)
    );
    add_staff(&store).await;

    // Within the month: on time, but the new staff member was never screened.
    let mid = network::daily(
        &store,
        &plan,
        d("2026-02-10"),
        false,
        at("2026-02-10T12:00:00Z"),
        "job",
    )
    .await
    .unwrap()
    .exclusion_screening;
    assert!(!mid.overdue, "{mid:?}");
    assert_eq!(mid.next_due, Some(d("2026-02-10")));
    let names: Vec<(Npi, Option<Npi>)> = mid
        .not_screened
        .iter()
        .map(|u| (u.npi.clone(), u.staff_of.clone()))
        .collect();
    assert_eq!(names, vec![(clinician(), Some(facility()))]);

    // The day after the month: overdue by one day, and nobody counts as screened any more.
    let late = network::daily(
        &store,
        &plan,
        d("2026-02-11"),
        false,
        at("2026-02-11T12:00:00Z"),
        "job",
    )
    .await
    .unwrap()
    .exclusion_screening;
    assert!(late.overdue);
    assert_eq!(late.days_overdue, 1);
    assert_eq!(late.not_screened.len(), 2);
    assert_eq!(late.not_screened[0].last_screened, Some(d("2026-01-10")));

    // A new run covers both again.
    network::import_exclusions(
        &store,
        &plan,
        HEADER,
        "LEIE-2026-02.csv",
        None,
        d("2026-02-12"),
        at("2026-02-12T15:00:00Z"),
        "cred2",
    )
    .await
    .unwrap();
    let after = network::screening_schedule(&store, &plan, d("2026-02-12"))
        .await
        .unwrap();
    assert!(!after.overdue && after.not_screened.is_empty(), "{after:?}");
    assert_eq!(after.next_due, Some(d("2026-03-15")));
    let runs = network::screenings(&store).await.unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| r.screened_by.as_str())
            .collect::<Vec<_>>(),
        ["cred2", "cred1"]
    );
}

#[tokio::test]
async fn net_04_change_report_lists_due_dates_and_late_notices() {
    let plan = plan();
    let store = seeded().await;
    let report = |kind, field: &str, value: &str, effective: &str, reported: &str| ProviderChange {
        kind,
        field: field.into(),
        value: value.into(),
        effective: d(effective),
        reported: d(reported),
        description: String::new(),
    };
    for c in [
        report(
            ChangeKind::Material,
            "address",
            "1 Main St",
            "2026-03-01",
            "2026-03-11",
        ),
        report(
            ChangeKind::LicenseAction,
            "license_expires",
            "2026-12-31",
            "2026-03-01",
            "2026-03-09",
        ),
        report(
            ChangeKind::BoardAction,
            "board",
            "reprimand",
            "2026-04-01",
            "2026-04-03",
        ),
    ] {
        network::report_change(
            &store,
            &plan,
            &facility(),
            &c,
            at("2026-04-05T12:00:00Z"),
            "cred1",
        )
        .await
        .unwrap();
    }
    let all = network::change_report(&store, None, None, false)
        .await
        .unwrap();
    let summary: Vec<(&str, String, String, bool, i64)> = all
        .iter()
        .map(|l| {
            (
                l.change.kind.as_str(),
                l.change.due.to_string(),
                l.change.reported.to_string(),
                l.change.late,
                l.days_late,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "license_action",
                "2026-03-06".into(),
                "2026-03-09".into(),
                true,
                3
            ),
            (
                "material",
                "2026-03-11".into(),
                "2026-03-11".into(),
                false,
                0
            ),
            (
                "board_action",
                "2026-04-06".into(),
                "2026-04-03".into(),
                false,
                0
            ),
        ]
    );
    assert!(all.iter().all(|l| !l.provider_name.is_empty()));
    let late = network::change_report(&store, None, None, true)
        .await
        .unwrap();
    assert_eq!(late.len(), 1);
    let march = network::change_report(&store, Some(d("2026-03-01")), Some(d("2026-03-31")), false)
        .await
        .unwrap();
    assert_eq!(march.len(), 2);
}
