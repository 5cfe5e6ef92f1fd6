//! What the service tests share: the demo plan, date and instant helpers, and one member (M1001,
//! covered since 2025) with one participating facility.

#![allow(dead_code)] // each test file uses its own part

pub mod claims_flow;

use std::path::Path;

use accord_core::member::{EligibilitySpan, Member, Program, Sex};
use accord_core::provider::{NetworkStatus, Provider, ProviderKind, StatusSpan};
use accord_core::{Date, MemberId, Npi, TaxId};
use accord_plan::Plan;
use accord_store::UnitOfWork;
use jiff::Timestamp;

pub fn d(s: &str) -> Date {
    s.parse().expect("date")
}

pub fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

pub fn plan() -> Plan {
    Plan::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../plans/demo-illinois-bh"
    )))
    .expect("demo plan")
}

pub fn facility() -> Npi {
    Npi::from_first_nine(900_000_001)
}

/// Member M1001 (covered by ACCORD-IL since 2025-01-01, SUD consent on file) and the participating
/// facility [`facility`], in the caller's unit of work.
pub async fn seed_member_and_facility(uow: &mut UnitOfWork) {
    uow.insert_members(&[Member {
        member_id: MemberId::parse("M1001").unwrap(),
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
        member_id: MemberId::parse("M1001").unwrap(),
        plan_code: "ACCORD-IL".into(),
        program: Program::Medicaid,
        start: d("2025-01-01"),
        end: None,
    }])
    .await
    .unwrap();
    uow.insert_providers(&[Provider {
        npi: facility(),
        kind: ProviderKind::Facility,
        name: "Lakeside Recovery".into(),
        tax_id: TaxId::parse("12-3456789").unwrap(),
        specialty: "sud_program".into(),
        license_number: Some("036-000001".into()),
        license_expires: Some(d("2030-12-31")),
        facility_npi: None,
    }])
    .await
    .unwrap();
    uow.insert_status_spans(&[StatusSpan {
        npi: facility(),
        status: NetworkStatus::Participating,
        start: d("2020-01-01"),
        end: None,
        reason: "credentialed".into(),
    }])
    .await
    .unwrap();
}
