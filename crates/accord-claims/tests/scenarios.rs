//! Scenario tests on the demo plan: one per rule the engine applies, and one per provider complaint
//! (seed 000, "Billing") the engine can answer. Test names cite rule IDs.

mod common;

use accord_claims::{
    ClaimKind, ClaimStatus, ExaminerRelease, Frequency, LineStatus, OtherPayer, PriorStatus,
    RejectCategory, TransitionOfCare,
};
use accord_core::member::{OtherCoverage, Program};
use accord_core::provider::{NetworkStatus, Sanction, SanctionLevel, StatusSpan};
use accord_core::{Modifier, PlaceOfService, RevenueCode};
use accord_plan::CostShare;
use common::*;
use rust_decimal::Decimal;

fn line_status(dec: &accord_claims::Decision, n: u32) -> LineStatus {
    dec.lines
        .iter()
        .find(|l| l.number == n)
        .map(|l| l.status)
        .expect("line")
}

fn paid(dec: &accord_claims::Decision, n: u32) -> accord_core::Money {
    dec.lines
        .iter()
        .find(|l| l.number == n)
        .map(|l| l.paid)
        .expect("line")
}

// ---------------------------------------------------------------- 0. clean claim (CLM-03/04/09)

#[test]
fn clm_04_member_not_found_is_rejected_a7() {
    let fx = Fx::new();
    let mut c = claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]);
    c.member_id = mid("NOPE1");
    let dec = fx.run(&c);
    assert_eq!(dec.status, ClaimStatus::Rejected);
    assert_eq!(dec.rejections[0].category, RejectCategory::A8);
    assert!(dec.lines.is_empty());
    assert!(dec.explain().contains("does not match"));
}

#[test]
fn clm_04_missing_diagnosis_is_rejected_a6() {
    let fx = Fx::new();
    let mut c = claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]);
    c.diagnoses.clear();
    let dec = fx.run(&c);
    assert_eq!(dec.status, ClaimStatus::Rejected);
    assert_eq!(dec.rejections[0].category, RejectCategory::A6);
}

#[test]
fn clm_03_professional_line_with_two_dates_is_rejected_a8() {
    let fx = Fx::new();
    let mut l = ln(1, "T1016:HE", 4, "80", "2026-03-02");
    l.service_to = Some(d("2026-03-03"));
    let dec = fx.run(&claim("T1", vec![l]));
    assert_eq!(dec.status, ClaimStatus::Rejected);
    assert_eq!(dec.rejections[0].rule, "CLM-03");
    assert_eq!(dec.rejections[0].category, RejectCategory::A8);
}

#[test]
fn clm_04_code_not_valid_on_the_date_is_denied_co_181() {
    let mut fx = Fx::new();
    fx.spans = vec![span("ACCORD-IL", Program::Medicaid, "2024-01-01", None)];
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2024-06-30")]));
    assert_eq!(codes(&dec, 1), ["CO-181"]);
    assert_eq!(dec.status, ClaimStatus::Denied);
    assert_balanced(&dec);
}

#[test]
fn clm_04_code_not_covered_is_denied_co_204_and_bad_modifier_co_4() {
    let fx = Fx::new();
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "97110", 1, "50", "2026-03-02"),
            ln(2, "H0004", 4, "100", "2026-03-02"),
        ],
    ));
    assert_eq!(codes(&dec, 1), ["CO-204"]);
    assert_eq!(codes(&dec, 2), ["CO-4"]);
}

#[test]
fn clm_04_place_of_service_not_allowed_is_denied_co_5() {
    let fx = Fx::new();
    let mut c = claim("T1", vec![ln(1, "H2017:HE", 4, "50", "2026-03-02")]);
    c.place_of_service = Some(PlaceOfService::parse("12").unwrap());
    let dec = fx.run(&c);
    assert_eq!(codes(&dec, 1), ["CO-5"]);
}

#[test]
fn clm_04_add_on_without_its_primary_is_denied_co_107() {
    let fx = Fx::new();
    let dec = fx.run(&claim("T1", vec![ln(1, "90833", 1, "70", "2026-03-02")]));
    assert_eq!(codes(&dec, 1), ["CO-107"]);
    let dec = fx.run(&claim(
        "T2",
        vec![
            ln(1, "99213", 1, "75", "2026-03-02"),
            ln(2, "90833", 1, "68", "2026-03-02"),
        ],
    ));
    assert_eq!(line_status(&dec, 2), LineStatus::Paid);
    assert_eq!(paid(&dec, 2), money("68"));
}

#[test]
fn clm_09_timed_code_without_start_stop_times_is_pended_or_flagged() {
    let fx = Fx::new();
    let mut l = ln(1, "90837", 1, "130", "2026-03-02");
    l.documentation.start_stop_recorded = Some(false);
    let dec = fx.run(&claim("T1", vec![l.clone()]));
    assert_eq!(dec.status, ClaimStatus::Pended);
    assert_eq!(dec.lines[0].pend.as_ref().unwrap().queue, "documentation");
    l.documentation.start_stop_recorded = None;
    let dec = fx.run(&claim("T2", vec![l]));
    assert_eq!(dec.lines[0].status, LineStatus::Paid);
    assert!(dec.lines[0].flags[0].contains("CLM-09"));
}

/// Issue 4: an examiner releases a line pended for documentation after reviewing the record; the
/// claim is decided again with the hold lifted, and the trace says who released it and why.
#[test]
fn examiner_release_lifts_a_documentation_hold_and_is_in_the_trace() {
    let mut fx = Fx::new();
    let mut l = ln(1, "90837", 1, "130", "2026-03-02");
    l.documentation.start_stop_recorded = Some(false);
    let c = claim("T1", vec![l]);
    assert_eq!(fx.run(&c).status, ClaimStatus::Pended);
    fx.release = Some(ExaminerRelease {
        lines: vec![1],
        rates: vec![],
        by: "examiner.kim".into(),
        reason: "progress note shows 9:00-9:55".into(),
    });
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].status, LineStatus::Paid);
    assert!(
        dec.explain().contains("released by examiner examiner.kim"),
        "{}",
        dec.explain()
    );
    // A release of another line changes nothing.
    fx.release.as_mut().unwrap().lines = vec![2];
    assert_eq!(fx.run(&c).status, ClaimStatus::Pended);
}

// ---------------------------------------------------------------- 1. eligibility (ELIG-01)

#[test]
fn elig_01_before_after_and_never_covered_deny_26_27_31() {
    let mut fx = Fx::new();
    fx.spans = vec![span(
        "ACCORD-IL",
        Program::Medicaid,
        "2026-01-01",
        Some("2026-02-28"),
    )];
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "T1016:HE", 4, "80", "2025-12-31"),
            ln(2, "T1016:HE", 4, "80", "2026-03-01"),
            ln(3, "T1016:HE", 4, "80", "2026-02-02"),
        ],
    ));
    assert_eq!(codes(&dec, 1), ["CO-26"]);
    assert_eq!(codes(&dec, 2), ["CO-27"]);
    assert_eq!(line_status(&dec, 3), LineStatus::Paid);
    fx.spans = vec![span("OTHER-MCO", Program::Medicaid, "2025-01-01", None)];
    let dec = fx.run(&claim("T2", vec![ln(1, "T1016:HE", 4, "80", "2026-02-02")]));
    assert_eq!(codes(&dec, 1), ["CO-31"]);
}

/// Complaint (000 Billing 12, 20): coverage switching between plans mid-treatment.
#[test]
fn elig_01_complaint_coverage_switch_mid_treatment_names_the_plan_to_bill() {
    let mut fx = Fx::new();
    fx.spans = vec![
        span(
            "OTHER-MCO",
            Program::Medicaid,
            "2025-06-01",
            Some("2026-02-28"),
        ),
        span("ACCORD-IL", Program::Medicaid, "2026-03-01", None),
    ];
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "H0004:HF", 4, "100", "2026-02-26"),
            ln(2, "H0004:HF", 4, "100", "2026-03-02"),
        ],
    ));
    assert_eq!(codes(&dec, 1), ["CO-26"]);
    assert!(dec.explain().contains("covered by OTHER-MCO"));
    assert_eq!(line_status(&dec, 2), LineStatus::Paid);
    assert_balanced(&dec);
}

#[test]
fn elig_04_other_primary_coverage_without_its_remittance_denies_co_22_and_stale_attestation_pends()
{
    let mut fx = Fx::new();
    fx.other = vec![OtherCoverage {
        member_id: mid("M1001"),
        payer_order: 1,
        payer_name: "Acme Health".into(),
        payer_id: "ACME1".into(),
        policy_number: "G123".into(),
        start: d("2025-01-01"),
        end: None,
        last_attested: Some(d("2026-01-15")),
    }];
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]));
    assert_eq!(codes(&dec, 1), ["CO-22"]);
    fx.other[0].last_attested = Some(d("2024-06-01"));
    let dec = fx.run(&claim("T2", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]));
    assert_eq!(dec.lines[0].pend.as_ref().unwrap().queue, "cob");
}

// ---------------------------------------------------------------- 2. provider standing (NET, CLM-11)

#[test]
fn net_05_suspended_billing_provider_is_denied_b7() {
    let mut fx = Fx::new();
    let mut p = fx.providers.get(&agency()).unwrap().clone();
    p.sanctions.push(Sanction {
        npi: agency(),
        level: SanctionLevel::Suspension,
        start: d("2026-03-01"),
        end: Some(d("2026-03-30")),
        reason: "billing audit".into(),
    });
    fx.providers.insert(p);
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "T1016:HE", 4, "80", "2026-02-27"),
            ln(2, "T1016:HE", 4, "80", "2026-03-02"),
        ],
    ));
    assert_eq!(line_status(&dec, 1), LineStatus::Paid);
    assert_eq!(codes(&dec, 2), ["CO-B7"]);
    assert!(dec.explain().contains("suspension"));
}

#[test]
fn net_08_provider_on_leave_is_denied_b7() {
    let mut fx = Fx::new();
    let mut p = fx.providers.get(&clinician()).unwrap().clone();
    p.statuses = vec![StatusSpan {
        npi: clinician(),
        status: NetworkStatus::LeaveOfAbsence,
        start: d("2026-01-01"),
        end: None,
        reason: "medical leave".into(),
    }];
    fx.providers.insert(p);
    let mut c = claim("T1", vec![ln(1, "99213", 1, "75", "2026-03-02")]);
    c.billing_npi = clinician();
    c.rendering_npi = None;
    let dec = fx.run(&c);
    assert_eq!(codes(&dec, 1), ["CO-B7"]);
    assert!(dec.explain().contains("NET-08"));
}

#[test]
fn net_09_facility_credentialing_covers_staff_without_individual_credentialing() {
    let fx = Fx::new();
    // `staff()` has no status span of its own; the agency bills for it.
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]));
    assert_eq!(line_status(&dec, 1), LineStatus::Paid);
    assert!(dec.trace.iter().any(|t| t.rule == "NET-09"));
    // The same clinician billed by a non-facility provider is not covered.
    let mut c = claim("T2", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]);
    c.billing_npi = clinician();
    let mut fx2 = Fx::new();
    let mut s = fx2.providers.get(&staff()).unwrap().clone();
    s.provider.facility_npi = None;
    fx2.providers.insert(s);
    let dec = fx2.run(&c);
    assert_eq!(codes(&dec, 1), ["CO-B7"]);
}

#[test]
fn clm_11_trainee_service_billed_under_the_supervisor_is_denied() {
    let fx = Fx::new();
    let mut l = ln(1, "99213", 1, "75", "2026-03-02");
    l.documentation.performed_by_trainee = true;
    let mut c = claim("T1", vec![l]);
    c.billing_npi = clinician();
    c.rendering_npi = Some(clinician());
    c.supervising_npi = Some(clinician());
    let dec = fx.run(&c);
    assert_eq!(codes(&dec, 1), ["CO-185"]);
    assert!(dec.explain().contains("CLM-11"));
}

// ---------------------------------------------------------------- 3. timely filing (CLM-02)

#[test]
fn clm_02_ninety_calendar_days_from_the_date_of_service() {
    let fx = Fx::new();
    let mut c = claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]);
    c.received = d("2026-05-31"); // day 90
    assert_eq!(fx.run(&c).lines[0].status, LineStatus::Paid);
    c.received = d("2026-06-01"); // day 91
    let dec = fx.run(&c);
    assert_eq!(codes(&dec, 1), ["CO-29"]);
    assert!(dec.explain().contains("deadline 2026-05-31"));
}

#[test]
fn clm_02_secondary_claims_count_from_the_primary_determination() {
    let fx = Fx::new();
    let mut c = claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-01-05")]);
    c.received = d("2026-06-01");
    c.other_payer = Some(OtherPayer {
        payer_name: "Acme Health".into(),
        payer_id: "ACME1".into(),
        paid: money("10"),
        determination_date: d("2026-04-01"),
        adjustments: vec![],
    });
    let dec = fx.run(&c);
    assert_eq!(dec.status, ClaimStatus::ProcessedSecondary);
    assert_eq!(dec.lines[0].status, LineStatus::Paid);
}

fn residential_claim(
    code: &str,
    admit: &str,
    from: &str,
    to: &str,
    discharge: &str,
    days: u32,
    charge: &str,
) -> accord_claims::Claim {
    let mut l = ln(1, code, days, charge, from);
    l.service_to = Some(d(to));
    l.revenue_code = Some(RevenueCode::parse("0944").unwrap());
    let mut c = claim("R1", vec![l]);
    c.kind = ClaimKind::Institutional;
    c.bill_type = Some("0861".into());
    c.place_of_service = None;
    c.rendering_npi = None;
    c.admission_date = Some(d(admit));
    c.discharge_date = Some(d(discharge));
    c.statement_from = Some(d(from));
    c.statement_to = Some(d(to));
    c
}

/// Complaint (000 Billing 11): timely filing for residential stays counted from discharge.
#[test]
fn clm_02_complaint_residential_per_diem_filing_counts_from_discharge() {
    let mut fx = Fx::new();
    fx.auths = vec![authorization(
        "PA-1",
        &agency(),
        "H2036:HF",
        "2026-01-05",
        "2026-03-31",
        60,
        0,
    )];
    let mut c = residential_claim(
        "H2036:HF",
        "2026-01-05",
        "2026-01-05",
        "2026-02-19",
        "2026-02-20",
        46,
        "11270",
    );
    c.received = d("2026-05-20"); // 135 days after admission, 89 after discharge
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].status, LineStatus::Paid, "{}", dec.explain());
    assert_eq!(dec.lines[0].paid, money("11270")); // 46 × 245.00
    assert!(dec.explain().contains("discharge date 2026-02-20"));
    c.received = d("2026-05-22");
    assert_eq!(codes(&fx.run(&c), 1), ["CO-29"]);
}

// ---------------------------------------------------------------- 4. duplicates (CLM-06)

#[test]
fn clm_06_exact_duplicate_of_a_paid_or_pending_line_is_denied_18() {
    let mut fx = Fx::new();
    fx.history = vec![prior(
        &staff(),
        "T1016:HE",
        "2026-03-02",
        4,
        PriorStatus::Pending,
        "T0",
    )];
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]));
    assert_eq!(codes(&dec, 1), ["CO-18"]);
    // Different units: not an exact duplicate.
    let dec = fx.run(&claim("T2", vec![ln(1, "T1016:HE", 2, "40", "2026-03-02")]));
    assert_eq!(line_status(&dec, 1), LineStatus::Paid);
    // Twice on the same claim.
    let fx = Fx::new();
    let dec = fx.run(&claim(
        "T3",
        vec![
            ln(1, "T1016:HE", 4, "80", "2026-03-02"),
            ln(2, "T1016:HE", 4, "80", "2026-03-02"),
        ],
    ));
    assert_eq!(line_status(&dec, 1), LineStatus::Paid);
    assert_eq!(codes(&dec, 2), ["CO-18"]);
}

/// Complaint (000 Billing 6): same-day T1016 case management by two agencies during a transition.
#[test]
fn clm_06_same_code_same_day_other_provider_is_paid() {
    let mut fx = Fx::new();
    fx.history = vec![prior(
        &agency2(),
        "T1016:HE",
        "2026-03-02",
        4,
        PriorStatus::Paid,
        "T0",
    )];
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "76", "2026-03-02")]));
    assert_eq!(line_status(&dec, 1), LineStatus::Paid);
    assert_eq!(paid(&dec, 1), money("76")); // 4 × 19.00
    assert!(dec.explain().contains("not a duplicate (CLM-06)"));
}

// ---------------------------------------------------------------- 5. NCCI and MUE (CLM-05)

#[test]
fn clm_05_ncci_column_two_denies_97_when_no_modifier_is_allowed() {
    let fx = Fx::new();
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "90791", 1, "140", "2026-03-02"),
            ln(2, "90832", 1, "65", "2026-03-02"),
        ],
    ));
    assert_eq!(line_status(&dec, 1), LineStatus::Paid);
    assert_eq!(codes(&dec, 2), ["CO-97"]);
}

#[test]
fn clm_05_ncci_modifier_indicator_1_denies_236_unless_59_or_x_modifier() {
    let fx = Fx::new();
    let c = claim(
        "T1",
        vec![
            ln(1, "99213", 1, "75", "2026-03-02"),
            ln(2, "90853", 1, "28", "2026-03-02"),
        ],
    );
    assert_eq!(codes(&fx.run(&c), 2), ["CO-236"]);
    let mut c2 = c.clone();
    c2.lines[1].modifiers.push(Modifier::parse("XU").unwrap());
    let dec = fx.run(&c2);
    assert_eq!(line_status(&dec, 2), LineStatus::Paid, "{}", dec.explain());
}

#[test]
fn clm_05_mue_units_over_the_limit_deny_the_line_151() {
    let fx = Fx::new();
    let dec = fx.run(&claim("T1", vec![ln(1, "90791", 2, "280", "2026-03-02")]));
    assert_eq!(codes(&dec, 1), ["CO-151"]);
    assert_balanced(&dec);
}

// ---------------------------------------------------------------- 6. benefit limits (CLM-08)

/// Complaint (000 Services 4): the 8 units/day cap on H0004 counts earlier paid units.
#[test]
fn clm_08_h0004_eight_units_a_day_six_paid_four_billed_two_allowed() {
    let mut fx = Fx::new();
    fx.history = vec![prior(
        &agency2(),
        "H0004:HF",
        "2026-03-02",
        6,
        PriorStatus::Paid,
        "T0",
    )];
    let dec = fx.run(&claim(
        "T1",
        vec![ln(1, "H0004:HF", 4, "100", "2026-03-02")],
    ));
    let l = &dec.lines[0];
    assert_eq!(l.status, LineStatus::PartiallyPaid);
    assert_eq!(l.units_allowed, dec_units(2));
    assert_eq!(codes(&dec, 1), ["CO-119", "CO-45"]);
    assert_eq!(l.adjustments[0].amount, money("50"));
    assert_eq!(l.adjustments[0].units, Some(dec_units(2)));
    assert_eq!(l.allowed, money("46.20"));
    assert_eq!(l.paid, money("46.20"));
    assert_balanced(&dec);
    let text = dec.explain();
    assert!(
        text.contains("H0004:HF on 2026-03-02: 8 units/day limit (CLM-08), 6 already paid, 2 allowed, 2 denied CO-119"),
        "{text}"
    );
}

fn dec_units(n: i64) -> Decimal {
    Decimal::from(n)
}

// ---------------------------------------------------------------- 7. authorization (CLM-07, UM)

#[test]
fn clm_07_no_authorization_denies_197_and_units_beyond_it_deny_198() {
    let mut fx = Fx::new();
    let c = claim("T1", vec![ln(1, "H2017:HE", 8, "100", "2026-03-02")]);
    assert_eq!(codes(&fx.run(&c), 1), ["CO-197"]);
    fx.auths = vec![authorization(
        "PA-9",
        &staff(),
        "H2017:HE",
        "2026-03-01",
        "2026-05-31",
        10,
        6,
    )];
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].units_allowed, dec_units(4));
    assert_eq!(codes(&dec, 1), ["CO-198"]);
    assert_eq!(paid(&dec, 1), money("50")); // 4 × 12.50
    // Outside its dates, or for another provider: no match.
    fx.auths = vec![authorization(
        "PA-9",
        &staff(),
        "H2017:HE",
        "2026-04-01",
        "2026-05-31",
        10,
        0,
    )];
    assert_eq!(codes(&fx.run(&c), 1), ["CO-197"]);
    fx.auths = vec![authorization(
        "PA-9",
        &agency2(),
        "H2017:HE",
        "2026-03-01",
        "2026-05-31",
        10,
        0,
    )];
    assert_eq!(codes(&fx.run(&c), 1), ["CO-197"]);
}

/// Complaint (000 Services 3): the first 200 units of H2015 each year need no authorization.
#[test]
fn um_01_first_200_units_of_h2015_need_no_authorization() {
    let mut fx = Fx::new();
    let c = claim("T1", vec![ln(1, "H2015:HE", 16, "312", "2026-03-02")]);
    assert_eq!(fx.run(&c).lines[0].status, LineStatus::Paid);
    fx.history = vec![prior(
        &agency2(),
        "H2015:HE",
        "2026-02-02",
        190,
        PriorStatus::Paid,
        "T0",
    )];
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].units_allowed, dec_units(10));
    assert_eq!(codes(&dec, 1), ["CO-197"]);
    assert_eq!(paid(&dec, 1), money("195")); // 10 × 19.50
    assert!(dec.explain().contains("first 200 units"));
    // Last year's units do not count.
    fx.history = vec![prior(
        &agency2(),
        "H2015:HE",
        "2025-12-02",
        190,
        PriorStatus::Paid,
        "T0",
    )];
    assert_eq!(fx.run(&c).lines[0].status, LineStatus::Paid);
}

#[test]
fn um_09_initial_encounters_count_per_member_provider_episode() {
    let mut fx = Fx::new();
    let dates = [
        "2026-01-05",
        "2026-01-12",
        "2026-01-19",
        "2026-01-26",
        "2026-02-02",
        "2026-02-09",
    ];
    fx.history = dates
        .iter()
        .enumerate()
        .map(|(i, dt)| {
            prior(
                &staff(),
                "90837",
                dt,
                1,
                PriorStatus::Paid,
                &format!("H{i}"),
            )
        })
        .collect();
    // Five sessions before: the sixth is free; with six, the seventh needs authorization.
    fx.history.pop();
    let c = claim("T1", vec![ln(1, "90837", 1, "130", "2026-03-02")]);
    assert_eq!(fx.run(&c).lines[0].status, LineStatus::Paid);
    fx.history.push(prior(
        &staff(),
        "90837",
        "2026-02-09",
        1,
        PriorStatus::Paid,
        "H5",
    ));
    let dec = fx.run(&c);
    assert_eq!(codes(&dec, 1), ["CO-197"]);
    // A new provider restarts the count.
    let mut c2 = c.clone();
    c2.rendering_npi = Some(clinician());
    c2.billing_npi = clinician();
    assert_eq!(fx.run(&c2).lines[0].status, LineStatus::Paid);
    // After a gap of more than 6 months a new episode starts.
    let mut late = c.clone();
    late.lines[0].service_from = d("2026-08-10");
    late.received = d("2026-08-20");
    let dec = fx.run(&late);
    assert_eq!(dec.lines[0].status, LineStatus::Paid, "{}", dec.explain());
}

#[test]
fn um_12_crisis_and_rule_132_case_management_never_need_authorization() {
    let fx = Fx::new();
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "H2011:HE", 8, "304", "2026-03-02"),
            ln(2, "T1016:HE", 8, "152", "2026-03-02"),
        ],
    ));
    assert_eq!(dec.status, ClaimStatus::ProcessedPrimary);
    assert!(dec.lines.iter().all(|l| l.status == LineStatus::Paid));
    assert!(dec.trace.iter().any(|t| t.rule == "UM-12"));
}

#[test]
fn um_07_emergency_admission_needs_no_prior_authorization() {
    let fx = Fx::new();
    let mut c = residential_claim(
        "H0047:HF",
        "2026-03-01",
        "2026-03-01",
        "2026-03-03",
        "2026-03-04",
        3,
        "660",
    );
    assert_eq!(codes(&fx.run(&c), 1), ["CO-197"]);
    c.emergency = true;
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].status, LineStatus::Paid);
    assert!(dec.trace.iter().any(|t| t.rule == "UM-07"));
}

#[test]
fn elig_03_transition_of_care_keeps_treatment_without_authorization_for_90_days() {
    let mut fx = Fx::new();
    fx.spans = vec![span("ACCORD-IL", Program::Medicaid, "2026-03-01", None)];
    fx.toc = Some(TransitionOfCare {
        plan_effective: d("2026-03-01"),
        in_course_of_treatment: true,
    });
    let c = claim("T1", vec![ln(1, "H2017:HE", 8, "100", "2026-05-29")]);
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].status, LineStatus::Paid, "{}", dec.explain());
    assert!(dec.trace.iter().any(|t| t.rule == "ELIG-03"));
    let mut late = c.clone();
    late.lines[0].service_from = d("2026-05-30"); // day 91
    assert_eq!(codes(&fx.run(&late), 1), ["CO-197"]);
}

// ---------------------------------------------------------------- 8. pricing (PAY-01)

#[test]
fn pay_01_allowed_is_the_lesser_of_billed_and_rate() {
    let fx = Fx::new();
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "T1016:HE", 4, "100", "2026-03-02"),
            ln(2, "99213", 1, "60", "2026-03-02"),
        ],
    ));
    assert_eq!(dec.lines[0].allowed, money("76"));
    assert_eq!(codes(&dec, 1), ["CO-45"]);
    assert_eq!(dec.lines[1].allowed, money("60"));
    assert!(codes(&dec, 2).is_empty());
    assert_eq!(dec.paid, money("136"));
    assert_balanced(&dec);
}

/// Complaint: residential billed per diem priced at the rate in effect on the admission date.
#[test]
fn pay_01_residential_per_diem_priced_at_the_admission_date_rate() {
    let mut fx = Fx::new();
    fx.auths = vec![authorization(
        "PA-2",
        &agency(),
        "H0047:HF",
        "2025-12-20",
        "2026-01-31",
        30,
        0,
    )];
    let c = residential_claim(
        "H0047:HF",
        "2025-12-20",
        "2026-01-02",
        "2026-01-10",
        "2026-01-11",
        9,
        "2500",
    );
    let dec = fx.run(&c);
    let l = &dec.lines[0];
    assert_eq!(l.rate, Some(money("210"))); // the 2025 rate, not 220.00 from 2026-01-01
    assert_eq!(l.allowed, money("1890"));
    assert_eq!(codes(&dec, 1), ["CO-45"]);
    assert!(dec.explain().contains("admission date 2025-12-20"));
    assert_balanced(&dec);
}

// ---------------------------------------------------------------- 9. cost share (PAY-02)

#[test]
fn pay_02_member_cost_share_from_the_benefit_plan() {
    let mut fx = Fx::new();
    let mut p = plan().clone();
    p.config.cost_share.push(CostShare {
        program: Program::Commercial,
        copay: money("10"),
        coinsurance_percent: Decimal::from(20),
        deductible: money("30"),
        out_of_pocket_max: None,
    });
    fx.plan = Some(p);
    fx.spans = vec![span("ACCORD-IL", Program::Commercial, "2025-01-01", None)];
    let dec = fx.run(&claim("T1", vec![ln(1, "99214", 1, "110", "2026-03-02")]));
    // 110 allowed: deductible 30, coinsurance 20% of 80 = 16, copay 10 → plan pays 54.
    assert_eq!(codes(&dec, 1), ["PR-1", "PR-2", "PR-3"]);
    assert_eq!(dec.patient_responsibility, money("56"));
    assert_eq!(dec.paid, money("54"));
    assert_balanced(&dec);
}

#[test]
fn pay_02_pay_04_medicaid_members_never_owe_cost_share() {
    let mut fx = Fx::new();
    let mut p = plan().clone();
    p.config.cost_share[0].copay = money("5");
    fx.plan = Some(p);
    let dec = fx.run(&claim("T1", vec![ln(1, "99214", 1, "110", "2026-03-02")]));
    assert_eq!(dec.patient_responsibility, money("0"));
    assert_eq!(dec.paid, money("110"));
}

// ---------------------------------------------------------------- 10. COB (PAY-03/04/05)

fn primary_paid(amount: &str) -> OtherPayer {
    OtherPayer {
        payer_name: "Acme Health".into(),
        payer_id: "ACME1".into(),
        paid: money(amount),
        determination_date: d("2026-03-20"),
        adjustments: vec![accord_claims::PriorAdjustment {
            group: "PR".into(),
            reason: "2".into(),
            amount: money("20"),
        }],
    }
}

/// Complaint: payer of last resort — Medicaid secondary after a commercial primary paid part.
#[test]
fn pay_04_medicaid_pays_its_rate_less_the_primary_payment_member_owes_nothing() {
    let fx = Fx::new();
    let mut c = claim("T1", vec![ln(1, "H0004:HF", 4, "120", "2026-03-02")]);
    c.other_payer = Some(primary_paid("60"));
    let dec = fx.run(&c);
    assert_eq!(dec.status, ClaimStatus::ProcessedSecondary);
    assert_eq!(ClaimStatus::ProcessedSecondary.clp02(), Some("2"));
    let l = &dec.lines[0];
    assert_eq!(l.allowed, money("92.40"));
    assert_eq!(l.paid, money("32.40"));
    assert_eq!(l.patient_responsibility, money("0"));
    assert_eq!(codes(&dec, 1), ["CO-45", "OA-23"]);
    assert_balanced(&dec);
    // A primary that paid more than the Medicaid rate leaves nothing to pay.
    c.other_payer = Some(primary_paid("100"));
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].paid, money("0"));
    assert_balanced(&dec);
}

#[test]
fn pay_03_secondary_never_exceeds_the_contracted_rate() {
    let mut fx = Fx::new();
    fx.spans = vec![span("ACCORD-IL", Program::Commercial, "2025-01-01", None)];
    let mut c = claim("T1", vec![ln(1, "99214", 1, "150", "2026-03-02")]);
    c.lines[0].other_payer_paid = Some(money("80"));
    c.other_payer = Some(primary_paid("80"));
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].paid, money("30")); // rate 110 − 80
    assert!(dec.lines[0].paid + money("80") <= money("110"));
    assert_balanced(&dec);
}

#[test]
fn pay_05_state_funded_sliding_fee_scale() {
    let mut fx = Fx::new();
    fx.spans = vec![span("ACCORD-IL", Program::StateFunded, "2025-01-01", None)];
    let mut c = claim("T1", vec![ln(1, "H0004:HF", 4, "120", "2026-03-02")]);
    c.lines[0].self_pay_collected = money("15");
    c.lines[0].other_payer_paid = Some(money("10"));
    c.other_payer = Some(primary_paid("10"));
    // Family of 3 earning 30,000: 113% of the 2025 guideline (26,650), within the scale.
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].rate, Some(money("21"))); // state-funded rate
    assert_eq!(dec.lines[0].paid, money("74")); // 84 − 10 third party; self-pay kept
    assert!(dec.explain().contains("within the sliding fee scale"));
    // Above the scale: self-pay is deducted like a third-party collection.
    fx.member.annual_income = Some(money("80000"));
    let dec = fx.run(&c);
    assert_eq!(dec.lines[0].paid, money("59"));
    assert_balanced(&dec);
}

// ---------------------------------------------------------------- CLM-10 corrected and void

#[test]
fn clm_10_corrected_claim_reverses_the_original_and_is_adjudicated_anew() {
    let mut fx = Fx::new();
    let original = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "76", "2026-03-02")]));
    assert_eq!(original.paid, money("76"));
    fx.history = vec![prior(
        &staff(),
        "T1016:HE",
        "2026-03-02",
        4,
        PriorStatus::Paid,
        "T1",
    )];
    fx.original = Some(original);
    let mut c = claim("T2", vec![ln(1, "T1016:HE", 6, "114", "2026-03-02")]);
    c.frequency = Frequency::Corrected {
        original: "T1".into(),
    };
    let dec = fx.run(&c);
    let rev = dec.reversal.as_ref().expect("reversal");
    assert_eq!(rev.status.clp02(), Some("22"));
    assert_eq!(rev.paid, money("-76"));
    assert_eq!(dec.paid, money("114"));
    assert_eq!(dec.net_paid(), money("38"));
    assert!(dec.explain().contains("reversed (CLM-10)"));
}

#[test]
fn clm_10_void_only_reverses() {
    let mut fx = Fx::new();
    let original = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "76", "2026-03-02")]));
    fx.original = Some(original);
    let mut c = claim("T2", vec![]);
    c.frequency = Frequency::Void {
        original: "T1".into(),
    };
    let dec = fx.run(&c);
    assert_eq!(dec.status, ClaimStatus::Reversal);
    assert!(dec.lines.is_empty());
    assert_eq!(dec.net_paid(), money("-76"));
    // Without the original on file the void is rejected.
    fx.original = None;
    assert_eq!(fx.run(&c).status, ClaimStatus::Rejected);
}

/// CLM-10: billings are final 60 calendar days after the remittance: a correction received on the
/// 60th day is decided, one received on the 61st is rejected (A8) naming the window and the dates.
#[test]
fn clm_10_corrections_only_within_60_days_of_the_remittance() {
    let mut fx = Fx::new();
    let original = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "76", "2026-03-02")]));
    fx.original = Some(original);
    fx.original_remitted_on = Some(d("2026-03-20"));
    let mut c = claim("T2", vec![ln(1, "T1016:HE", 6, "114", "2026-03-02")]);
    c.frequency = Frequency::Corrected {
        original: "T1".into(),
    };
    c.received = d("2026-05-19"); // 2026-03-20 + 60 days
    let dec = fx.run(&c);
    assert_ne!(dec.status, ClaimStatus::Rejected);
    assert!(dec.reversal.is_some());
    c.received = d("2026-05-20");
    let dec = fx.run(&c);
    assert_eq!(dec.status, ClaimStatus::Rejected);
    let why = &dec.rejections[0];
    assert_eq!(why.rule, "CLM-10");
    assert!(
        why.message.contains("remitted on 2026-03-20")
            && why.message.contains("through 2026-05-19")
            && why.message.contains("received on 2026-05-20"),
        "{}",
        why.message
    );
    // Never remitted: no window.
    fx.original_remitted_on = None;
    assert_ne!(fx.run(&c).status, ClaimStatus::Rejected);
}

/// A void or correction of a claim that was pended (never paid) reverses nothing: the reversal of
/// unpaid lines would not balance on an 835 and would take back money never paid.
#[test]
fn clm_10_void_of_a_pended_original_reverses_nothing() {
    let mut fx = Fx::new();
    let mut l = ln(1, "90837", 1, "130", "2026-03-02");
    l.documentation.start_stop_recorded = Some(false);
    let original = fx.run(&claim("T1", vec![l]));
    assert_eq!(original.status, ClaimStatus::Pended);
    fx.original = Some(original);
    let mut c = claim("T2", vec![]);
    c.frequency = Frequency::Void {
        original: "T1".into(),
    };
    let dec = fx.run(&c);
    assert!(dec.reversal.is_none());
    assert_eq!(dec.net_paid(), money("0"));
}

// ---------------------------------------------------------------- outcome and explanation

#[test]
fn pay_06_claim_status_codes_and_serialised_trace() {
    let fx = Fx::new();
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "76", "2026-03-02")]));
    assert_eq!(dec.status.clp02(), Some("1"));
    let json = dec.trace_json();
    assert!(json.contains("\"rule\":\"ELIG-01\""));
    let back: accord_claims::Decision =
        serde_json::from_str(&serde_json::to_string(&dec).unwrap()).unwrap();
    assert_eq!(back, dec);
    let denied = fx.run(&claim("T2", vec![ln(1, "97110", 1, "50", "2026-03-02")]));
    assert_eq!(denied.status.clp02(), Some("4"));
    // The trace lists the steps in pipeline order.
    let steps: Vec<&str> = dec.trace.iter().map(|t| t.step.as_ref()).collect();
    let pos = |s: &str| steps.iter().position(|x| *x == s).unwrap();
    assert!(pos("clean_claim") < pos("eligibility"));
    assert!(pos("eligibility") < pos("provider"));
    assert!(pos("provider") < pos("timely_filing"));
    assert!(pos("timely_filing") < pos("authorization"));
    assert!(pos("authorization") < pos("pricing"));
}
