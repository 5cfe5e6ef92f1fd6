//! PAY-06, RULES.md CODES: every denial and reduction the engine makes carries the remark code the
//! demo plan's `remark_codes.csv` maps it to — one test per family of edits — and the
//! explanation says what the remark means.

mod common;

use accord_claims::PriorStatus;
use accord_core::PlaceOfService;
use accord_core::member::{OtherCoverage, Program};
use accord_core::provider::{Sanction, SanctionLevel};
use common::*;

/// `group-CARC/RARC` per adjustment of a line (`-` when the adjustment carries no remark).
fn remarks(dec: &accord_claims::Decision, line: u32) -> Vec<String> {
    dec.lines
        .iter()
        .find(|l| l.number == line)
        .map(|l| {
            l.adjustments
                .iter()
                .map(|a| {
                    format!(
                        "{}-{}/{}",
                        a.group.as_str(),
                        a.carc,
                        a.rarc.as_deref().unwrap_or("-")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn pay_06_clean_claim_line_edits_carry_coding_remarks() {
    let mut fx = Fx::new();
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "97110", 1, "50", "2026-03-02"),
            ln(2, "H0004", 4, "100", "2026-03-02"),
            ln(3, "90833", 1, "70", "2026-03-02"),
        ],
    ));
    assert_eq!(remarks(&dec, 1), ["CO-204/N130"]);
    assert_eq!(remarks(&dec, 2), ["CO-4/M78"]);
    assert_eq!(remarks(&dec, 3), ["CO-107/N122"]);
    let mut c = claim("T2", vec![ln(1, "H2017:HE", 4, "50", "2026-03-02")]);
    c.place_of_service = Some(PlaceOfService::parse("12").unwrap());
    assert_eq!(remarks(&fx.run(&c), 1), ["CO-5/M77"]);
    fx.spans = vec![span("ACCORD-IL", Program::Medicaid, "2024-01-01", None)];
    let dec = fx.run(&claim("T3", vec![ln(1, "T1016:HE", 4, "80", "2024-06-30")]));
    assert_eq!(remarks(&dec, 1), ["CO-181/N56"]);
}

#[test]
fn pay_06_eligibility_denials_carry_n30_and_other_coverage_ma04() {
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
        ],
    ));
    assert_eq!(remarks(&dec, 1), ["CO-26/N30"]);
    assert_eq!(remarks(&dec, 2), ["CO-27/N30"]);
    let text = dec.explain();
    assert!(
        text.contains("adjustment CO-27: 80.00, 4 units, remark N30"),
        "{text}"
    );
    assert!(
        text.contains("remark N30 sent with CO-27 on the remittance (PAY-06): Patient ineligible for this service."),
        "{text}"
    );

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
    let dec = fx.run(&claim("T2", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]));
    assert_eq!(remarks(&dec, 1), ["CO-22/MA04"]);
}

#[test]
fn pay_06_provider_denials_carry_n570_and_n95() {
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
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]));
    assert_eq!(remarks(&dec, 1), ["CO-B7/N570"]);
    // CLM-11: a trainee's service billed under the supervising clinician.
    let fx = Fx::new();
    let mut l = ln(1, "99213", 1, "75", "2026-03-02");
    l.documentation.performed_by_trainee = true;
    let mut c = claim("T2", vec![l]);
    c.billing_npi = clinician();
    c.rendering_npi = Some(clinician());
    c.supervising_npi = Some(clinician());
    assert_eq!(remarks(&fx.run(&c), 1), ["CO-185/N95"]);
}

#[test]
fn pay_06_duplicate_carries_m86() {
    let mut fx = Fx::new();
    fx.history = vec![prior(
        &staff(),
        "T1016:HE",
        "2026-03-02",
        4,
        PriorStatus::Paid,
        "T0",
    )];
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]));
    assert_eq!(remarks(&dec, 1), ["CO-18/M86"]);
}

#[test]
fn pay_06_ncci_and_mue_denials_carry_m15_n20_n362() {
    let fx = Fx::new();
    let dec = fx.run(&claim(
        "T1",
        vec![
            ln(1, "90791", 1, "140", "2026-03-02"),
            ln(2, "90832", 1, "65", "2026-03-02"),
        ],
    ));
    assert_eq!(remarks(&dec, 2), ["CO-97/M15"]);
    let dec = fx.run(&claim(
        "T2",
        vec![
            ln(1, "99213", 1, "75", "2026-03-02"),
            ln(2, "90853", 1, "28", "2026-03-02"),
        ],
    ));
    assert_eq!(remarks(&dec, 2), ["CO-236/N20"]);
    let dec = fx.run(&claim("T3", vec![ln(1, "90791", 2, "280", "2026-03-02")]));
    assert_eq!(remarks(&dec, 1), ["CO-151/N362"]);
}

#[test]
fn pay_06_benefit_limit_cut_carries_n362_and_the_fee_reduction_none() {
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
    assert_eq!(remarks(&dec, 1), ["CO-119/N362", "CO-45/-"]);
}

#[test]
fn pay_06_authorization_denials_carry_m62_and_n54() {
    let mut fx = Fx::new();
    let c = claim("T1", vec![ln(1, "H2017:HE", 8, "100", "2026-03-02")]);
    assert_eq!(remarks(&fx.run(&c), 1), ["CO-197/M62"]);
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
    assert_eq!(remarks(&dec, 1), ["CO-198/N54"]);
    // The remark survives the decision's JSON round trip (the store keeps decisions as JSON).
    let json = serde_json::to_string(&dec).unwrap();
    assert!(json.contains("\"rarc\":\"N54\""), "{json}");
    let back: accord_claims::Decision = serde_json::from_str(&json).unwrap();
    assert_eq!(back.lines[0].adjustments[0].rarc.as_deref(), Some("N54"));
}

#[test]
fn pay_06_a_paid_line_carries_no_remark() {
    let fx = Fx::new();
    let dec = fx.run(&claim("T1", vec![ln(1, "T1016:HE", 4, "80", "2026-03-02")]));
    assert!(dec.lines[0].adjustments.iter().all(|a| a.rarc.is_none()));
    assert!(!dec.trace.iter().any(|t| t.step == "remarks"));
}
