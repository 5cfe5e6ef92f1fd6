//! QM-02 access standards, QM-03 aftercare and PAY-05 state funding on the demo plan, with the
//! boundary cases: exactly at a standard meets it, one minute (or one day) over does not.

use accord_core::{Date, Money, Timestamp};
use accord_plan::{AccessStandards, Plan};
use accord_quality::access::{Discharge, aftercare_met, meets_standard};
use accord_quality::state_funding::{
    FundingError, OtherInsurance, StateService, sliding_fee_tier, state_billable,
};
use accord_quality::{Appointment, Urgency, access_report};
use jiff::civil::date;
use rust_decimal::Decimal;

fn plan() -> Plan {
    Plan::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../plans/demo-illinois-bh"
    )))
    .expect("demo plan loads")
}

/// A local (America/Chicago) time as a timestamp.
fn at(s: &str) -> Timestamp {
    let dt: jiff::civil::DateTime = s.parse().unwrap();
    dt.in_tz("America/Chicago").unwrap().timestamp()
}

fn appt(id: &str, urgency: Urgency, requested: &str, offered: Option<&str>) -> Appointment {
    Appointment {
        appointment_id: id.into(),
        member_id: "M100".into(),
        provider_npi: "1234567893".into(),
        requested_at: at(requested),
        offered_at: offered.map(at),
        urgency,
        discharge_date: None,
    }
}

fn met(a: &Appointment) -> bool {
    let p = plan();
    meets_standard(
        a,
        a.urgency.standard(&p.config.access),
        p.calendar(),
        p.time_zone(),
    )
}

#[test]
fn qm_02_urgent_within_48_hours() {
    let u = Urgency::Urgent;
    assert!(met(&appt(
        "a",
        u,
        "2026-03-02T09:00",
        Some("2026-03-04T09:00")
    )));
    assert!(!met(&appt(
        "b",
        u,
        "2026-03-02T09:00",
        Some("2026-03-04T09:01")
    )));
    assert!(!met(&appt("c", u, "2026-03-02T09:00", None)));
}

#[test]
fn qm_02_non_life_threatening_emergency_within_6_hours() {
    let u = Urgency::NonLifeThreateningEmergency;
    assert!(met(&appt(
        "a",
        u,
        "2026-03-02T22:00",
        Some("2026-03-03T04:00")
    )));
    assert!(!met(&appt(
        "b",
        u,
        "2026-03-02T22:00",
        Some("2026-03-03T04:01")
    )));
}

#[test]
fn qm_02_life_threatening_emergency_immediately() {
    let u = Urgency::LifeThreateningEmergency;
    assert!(met(&appt(
        "a",
        u,
        "2026-03-02T22:00",
        Some("2026-03-02T22:00")
    )));
    assert!(!met(&appt(
        "b",
        u,
        "2026-03-02T22:00",
        Some("2026-03-02T22:01")
    )));
}

#[test]
fn qm_02_routine_within_10_business_days() {
    let u = Urgency::Routine;
    // Requested Monday 2026-02-02 late evening; the 10th business day after is Wednesday
    // 2026-02-18 (Lincoln's Birthday 02-12 and Presidents' Day 02-16 are not business days).
    assert!(met(&appt(
        "a",
        u,
        "2026-02-02T23:30",
        Some("2026-02-18T17:00")
    )));
    assert!(!met(&appt(
        "b",
        u,
        "2026-02-02T23:30",
        Some("2026-02-19T08:00")
    )));
}

#[test]
fn qm_02_follow_up_30_and_90_business_days() {
    let p = plan();
    let cal = p.calendar();
    let limit30 = cal.add_business_days(date(2026, 4, 1), 30).unwrap();
    let limit90 = cal.add_business_days(date(2026, 4, 1), 90).unwrap();
    let on = |d: Date| format!("{d}T10:00");
    let np = Urgency::FollowUpNonPrescriber;
    let rx = Urgency::FollowUpPrescriber;
    assert!(met(&appt("a", np, "2026-04-01T10:00", Some(&on(limit30)))));
    assert!(!met(&appt(
        "b",
        np,
        "2026-04-01T10:00",
        Some(&on(limit30.tomorrow().unwrap()))
    )));
    assert!(met(&appt("c", rx, "2026-04-01T10:00", Some(&on(limit90)))));
    assert!(!met(&appt(
        "d",
        rx,
        "2026-04-01T10:00",
        Some(&on(limit90.tomorrow().unwrap()))
    )));
}

#[test]
fn qm_02_report_counts_share_and_member_list_per_class() {
    let p = plan();
    let appts = vec![
        appt(
            "u1",
            Urgency::Urgent,
            "2026-03-02T09:00",
            Some("2026-03-03T09:00"),
        ),
        appt(
            "u2",
            Urgency::Urgent,
            "2026-03-02T10:00",
            Some("2026-03-05T09:00"),
        ),
        appt(
            "u3",
            Urgency::Urgent,
            "2026-03-02T11:00",
            Some("2026-03-02T15:00"),
        ),
        // Outside the period: left out.
        appt(
            "u4",
            Urgency::Urgent,
            "2026-04-01T09:00",
            Some("2026-04-01T10:00"),
        ),
    ];
    let r = access_report(
        &appts,
        &[],
        &p.config.access,
        p.calendar(),
        p.time_zone(),
        date(2026, 3, 1),
        date(2026, 3, 31),
    );
    assert_eq!(r.classes.len(), 6);
    let urgent = &r.classes[2];
    assert_eq!(urgent.urgency, Urgency::Urgent);
    assert_eq!(urgent.standard, "48 hours");
    assert_eq!((urgent.requests, urgent.met), (3, 2));
    assert_eq!(urgent.percent, Decimal::new(6667, 2));
    assert_eq!(
        urgent
            .members
            .iter()
            .map(|l| (l.appointment_id.as_str(), l.met))
            .collect::<Vec<_>>(),
        [("u1", true), ("u2", false), ("u3", true)]
    );
    assert_eq!(r.classes[3].requests, 0);
    assert_eq!(r.classes[3].percent, Decimal::ZERO);
}

#[test]
fn qm_03_aftercare_recorded_at_discharge_within_7_days() {
    let p = plan();
    let tz = p.time_zone();
    let discharge = date(2026, 5, 4);
    let mut a = appt(
        "a",
        Urgency::Routine,
        "2026-05-04T16:00",
        Some("2026-05-11T09:00"),
    );
    a.discharge_date = Some(discharge);
    assert!(aftercare_met(&a, discharge, 7, tz), "day 7 meets it");
    a.offered_at = Some(at("2026-05-12T09:00"));
    assert!(!aftercare_met(&a, discharge, 7, tz), "day 8 does not");
    a.offered_at = Some(at("2026-05-06T09:00"));
    a.requested_at = at("2026-05-05T08:00");
    assert!(
        !aftercare_met(&a, discharge, 7, tz),
        "recorded after discharge"
    );
    a.requested_at = at("2026-05-04T23:59");
    assert!(aftercare_met(&a, discharge, 7, tz), "recorded on the day");
}

#[test]
fn qm_03_report_counts_discharges_from_claims_and_records() {
    let p = plan();
    let mut linked = appt(
        "a",
        Urgency::Routine,
        "2026-05-04T16:00",
        Some("2026-05-08T09:00"),
    );
    linked.discharge_date = Some(date(2026, 5, 4));
    let mut other = linked.clone();
    other.appointment_id = "b".into();
    other.member_id = "M200".into();
    other.discharge_date = Some(date(2026, 5, 10));
    other.offered_at = Some(at("2026-05-20T09:00"));
    let from_claims = [
        Discharge {
            member_id: "M100",
            date: date(2026, 5, 4),
        },
        Discharge {
            member_id: "M300",
            date: date(2026, 5, 15),
        },
    ];
    let r = access_report(
        &[linked, other],
        &from_claims,
        &p.config.access,
        p.calendar(),
        p.time_zone(),
        date(2026, 5, 1),
        date(2026, 5, 31),
    );
    let a = &r.aftercare;
    assert_eq!((a.discharges, a.met, a.days), (3, 1, 7));
    assert_eq!(a.percent, Decimal::new(3333, 2));
    assert_eq!(a.members[0].appointment_id.as_deref(), Some("a"));
    assert!(!a.members[1].met && a.members[1].member_id == "M200");
    assert!(!a.members[2].met && a.members[2].member_id == "M300");
}

#[test]
fn qm_02_defaults_equal_rules_md() {
    let d = AccessStandards::default();
    assert_eq!(
        (
            d.life_threatening_emergency_hours,
            d.non_life_threatening_emergency_hours,
            d.urgent_hours,
            d.routine_business_days,
            d.follow_up_non_prescriber_business_days,
            d.follow_up_prescriber_business_days,
            d.aftercare_days
        ),
        (0, 6, 48, 10, 30, 90, 7)
    );
    assert_eq!(plan().config.access, d);
}

fn usd(s: &str) -> Money {
    Money::parse(s).unwrap()
}

#[test]
fn pay_05_tiers_by_income_and_family_size() {
    let p = plan();
    let tier = |size, income: &str| {
        sliding_fee_tier(&p.poverty, &p.config.sliding_fee, 2025, size, usd(income)).unwrap()
    };
    // 2025, one person: $15,650. 100% exactly is tier A; one cent more is B.
    assert_eq!(tier(1, "15650").tier.as_deref(), Some("A"));
    assert_eq!(tier(1, "15650.01").tier.as_deref(), Some("B"));
    // 200% of a family of four ($32,150) is the ceiling: still on the scale; a dollar more is not.
    let at_ceiling = tier(4, "64300");
    assert_eq!(at_ceiling.tier.as_deref(), Some("C"));
    assert_eq!(at_ceiling.percent_of_guideline, Decimal::from(200));
    assert!(at_ceiling.on_scale());
    let above = tier(4, "64301");
    assert_eq!(above.tier, None);
    assert!(!above.on_scale());
    assert_eq!(above.member_fee_percent, Decimal::ONE_HUNDRED);
    // Family size beyond the table adds $5,500 a person: 10 people = $65,150.
    assert_eq!(tier(10, "65150").tier.as_deref(), Some("A"));
    // 2024 figures are there too ($15,060 for one).
    let y2024 = sliding_fee_tier(&p.poverty, &p.config.sliding_fee, 2024, 1, usd("15060")).unwrap();
    assert_eq!(y2024.tier.as_deref(), Some("A"));
    assert_eq!(
        sliding_fee_tier(&p.poverty, &p.config.sliding_fee, 1999, 1, usd("1")),
        Err(FundingError::NoGuideline {
            year: 1999,
            family_size: 1
        })
    );
    assert!(matches!(
        sliding_fee_tier(&p.poverty, &p.config.sliding_fee, 2025, 1, usd("-1")),
        Err(FundingError::NegativeIncome(_))
    ));
}

fn service(on_scale: bool, third: &str, self_pay: &str) -> StateService {
    StateService {
        rate: usd("100.00"),
        third_party_collected: usd(third),
        self_pay_collected: usd(self_pay),
        on_sliding_scale: on_scale,
        other_insurance: OtherInsurance::CoveredOrNone,
    }
}

#[test]
fn pay_05_billable_amount_rate_less_third_party() {
    // On the scale: the provider keeps self-pay and bills 100% of the rate less third party.
    let b = state_billable(&service(true, "30.00", "10.00")).unwrap();
    assert_eq!(b.billable, usd("70.00"));
    assert_eq!(b.self_pay_kept, usd("10.00"));
    assert_eq!(b.self_pay_deducted, Money::ZERO);
    assert!(b.explanation.starts_with("PAY-05"));
    // Above the scale: self-pay is deducted like third-party collections.
    let b = state_billable(&service(false, "30.00", "10.00")).unwrap();
    assert_eq!(b.billable, usd("60.00"));
    assert_eq!(b.self_pay_deducted, usd("10.00"));
    // Collections above the rate leave nothing billable, never a negative amount.
    assert_eq!(
        state_billable(&service(false, "90.00", "20.00"))
            .unwrap()
            .billable,
        Money::ZERO
    );
    // Exactly the rate collected: zero.
    assert_eq!(
        state_billable(&service(true, "100.00", "0"))
            .unwrap()
            .billable,
        Money::ZERO
    );
}

#[test]
fn pay_05_not_covered_needs_the_insurers_denial_on_file() {
    let mut s = service(true, "0", "0");
    s.other_insurance = OtherInsurance::NotCovered {
        denial_on_file: false,
    };
    assert_eq!(state_billable(&s), Err(FundingError::DenialNotOnFile));
    s.other_insurance = OtherInsurance::NotCovered {
        denial_on_file: true,
    };
    assert_eq!(state_billable(&s).unwrap().billable, usd("100.00"));
    let mut bad = service(true, "-1", "0");
    bad.rate = usd("100");
    assert!(
        state_billable(&bad)
            .unwrap_err()
            .to_string()
            .starts_with("third_party_collected:")
    );
}
