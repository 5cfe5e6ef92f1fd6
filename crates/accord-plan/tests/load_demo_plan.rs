//! Loads the shipped demo plan and broken copies of it; asserts the facts the seeds ask for.

use std::path::{Path, PathBuf};

use accord_core::member::Program;
use accord_core::{ErrorCode, Modifier, Money, PlaceOfService, ProcedureCode, RevenueCode};
use accord_plan::{Plan, PtpModifierIndicator, Requirement};
use jiff::civil::date;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/demo-illinois-bh");
const BROKEN_RATE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/broken-rate");

fn demo() -> Plan {
    match Plan::load(Path::new(DEMO)) {
        Ok(p) => p,
        Err(e) => panic!("demo plan must load:\n{e}"),
    }
}

fn code(s: &str) -> ProcedureCode {
    ProcedureCode::parse(s).unwrap()
}

fn mods(s: &[&str]) -> Vec<Modifier> {
    s.iter().map(|m| Modifier::parse(m).unwrap()).collect()
}

#[test]
fn demo_plan_loads_with_its_settings() {
    let p = demo();
    assert_eq!(p.config.plan_code, "ACCORD-IL");
    assert_eq!(p.config.program, Program::Medicaid);
    assert_eq!(p.time_zone().iana_name(), Some("America/Chicago"));
    assert_eq!(p.config.um_non_urgent_days(), 15);
    assert!(!p.config.um.retrospective_allowed);
    assert_eq!(p.config.other_coverage.reattest_every_days, Some(365));
    let cs = p.config.cost_share(Program::Medicaid).unwrap();
    assert!(cs.copay.is_zero() && cs.deductible.is_zero());
    let summary = p.summary().to_string();
    assert!(summary.contains("ACCORD-IL"), "{summary}");
    assert!(summary.contains("services:           25"), "{summary}");
}

#[test]
fn clm_08_h0004_daily_cap_is_plan_data() {
    let p = demo();
    for m in ["HF", "HE"] {
        let s = p
            .services
            .get(&code("H0004"), &mods(&[m]), date(2026, 3, 2))
            .unwrap();
        assert_eq!(s.max_units_per_day, Some(8), "H0004 {m}");
    }
    let h0005 = p
        .services
        .get(&code("H0005"), &mods(&["HF"]), date(2026, 3, 2));
    assert_eq!(h0005.unwrap().max_units_per_day, Some(8));
}

#[test]
fn um_01_h2015_first_200_units_free() {
    let p = demo();
    let r = p
        .auth_grid
        .requirement(&code("H2015"), &mods(&["HE"]), None)
        .unwrap();
    assert_eq!(r.requirement, Requirement::PriorAuth);
    assert_eq!(r.threshold_units, 200);
    assert!(!r.needs_prior_auth(0, 200));
    assert!(r.needs_prior_auth(196, 8));
}

#[test]
fn um_12_crisis_and_case_management_need_no_authorization() {
    let p = demo();
    for c in ["H2011", "T1016"] {
        for m in [&[][..], &["HE"][..]] {
            let r = p.auth_grid.requirement(&code(c), &mods(m), None).unwrap();
            assert_eq!(r.requirement, Requirement::None, "{c} {m:?}");
        }
    }
}

#[test]
fn um_09_psychotherapy_counts_as_initial_encounters() {
    let p = demo();
    assert_eq!(p.config.um.initial_encounters.count, 6);
    let r = p.auth_grid.requirement(&code("90834"), &[], None).unwrap();
    assert!(r.initial_encounters);
}

#[test]
fn clm_04_add_ons_timed_codes_and_places() {
    let p = demo();
    let d = date(2026, 3, 2);
    let add_on = p.services.get(&code("90833"), &[], d).unwrap();
    assert_eq!(add_on.add_on_of, [code("99213"), code("99214")]);
    assert!(add_on.timed, "CLM-09");
    let res = p.services.get(&code("H0047"), &mods(&["HF"]), d).unwrap();
    assert!(res.per_diem);
    assert_eq!(
        res.revenue_codes,
        [
            RevenueCode::parse("0944").unwrap(),
            RevenueCode::parse("0945").unwrap()
        ]
    );
    assert!(res.allows_place_of_service(&PlaceOfService::parse("55").unwrap()));
    assert!(!res.allows_place_of_service(&PlaceOfService::parse("11").unwrap()));
    assert!(
        p.services
            .get(&code("H0047"), &mods(&["HF"]), date(2024, 6, 30))
            .is_none()
    );
}

#[test]
fn pay_01_demo_rates_by_date_and_program() {
    let p = demo();
    let hf = mods(&["HF"]);
    let c = code("H0004");
    assert_eq!(
        p.fees.rate(&c, &hf, date(2025, 12, 31)),
        Some(Money::from_cents(2200))
    );
    assert_eq!(
        p.fees.rate(&c, &hf, date(2026, 1, 1)),
        Some(Money::from_cents(2310))
    );
    assert_eq!(
        p.fees
            .rate_for_program(&c, &hf, date(2026, 1, 1), Program::StateFunded),
        Some(Money::from_cents(2100))
    );
}

#[test]
fn clm_05_demo_ncci_and_mue() {
    let p = demo();
    let d = date(2026, 3, 2);
    let e = p.ncci.pair(&code("90791"), &code("90834"), d).unwrap();
    assert_eq!(e.modifier, PtpModifierIndicator::NotAllowed);
    let e = p.ncci.pair(&code("99213"), &code("90853"), d).unwrap();
    assert_eq!(e.modifier, PtpModifierIndicator::Allowed);
    assert_eq!(p.mue.limit(&code("90791"), Some(d)), Some(1));
    assert_eq!(p.mue.limit(&code("H0004"), None), Some(24));
}

#[test]
fn calendar_has_federal_and_plan_holidays() {
    let p = demo();
    let cal = p.calendar();
    assert!(cal.is_holiday(date(2026, 2, 12)), "Lincoln's Birthday");
    assert!(cal.is_holiday(date(2026, 11, 27)), "day after Thanksgiving");
    assert!(cal.is_holiday(date(2026, 11, 26)), "Thanksgiving (federal)");
    // Wednesday before Thanksgiving + 1 business day skips Thu and Fri → Monday.
    assert_eq!(
        cal.next_business_day(date(2026, 11, 25)).unwrap(),
        date(2026, 11, 30)
    );
}

#[test]
fn pay_05_poverty_guidelines_2025() {
    let p = demo();
    assert_eq!(
        p.poverty.guideline(2025, 1),
        Some(Money::from_cents(1_565_000))
    );
    assert_eq!(
        p.poverty.guideline(2025, 10),
        Some(Money::from_cents(6_515_000))
    );
}

#[test]
fn pay_05_poverty_guidelines_2026() {
    // 91 FR 1797: $15,960 for one person, $55,720 for eight, $5,680 for each additional person.
    let p = demo();
    assert_eq!(
        p.poverty.guideline(2026, 1),
        Some(Money::from_cents(1_596_000))
    );
    assert_eq!(
        p.poverty.guideline(2026, 8),
        Some(Money::from_cents(5_572_000))
    );
    assert_eq!(
        p.poverty.guideline(2026, 10),
        Some(Money::from_cents(6_708_000))
    );
}

#[test]
fn broken_rate_fails_with_file_line_and_field() {
    let err = Plan::load(Path::new(BROKEN_RATE)).unwrap_err();
    assert_eq!(err.len(), 1, "{err}");
    let line = err.to_string();
    assert!(
        line.ends_with("fee_schedule.csv:7: rate: \"23.1O\" is not a number"),
        "{line}"
    );
    assert_eq!(err.errors[0].line, Some(7));
    assert_eq!(err.errors[0].field.as_deref(), Some("rate"));
    assert_eq!(ErrorCode::from(&err), ErrorCode::InvalidConfiguration);
    assert_eq!(ErrorCode::from(&err).info().exit_code, 3);
}

/// Copies the demo plan into a temp dir so a test can break it.
fn demo_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(DEMO).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), tmp.path().join(entry.file_name())).unwrap();
    }
    let dir = tmp.path().to_owned();
    (tmp, dir)
}

fn edit(dir: &Path, file: &str, from: &str, to: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_error_in_every_file_is_reported_together() {
    let (_tmp, dir) = demo_copy();
    edit(&dir, "plan.toml", "days = 90\n", "days = \"ninety\"\n");
    edit(
        &dir,
        "services.csv",
        "H0004,HF,Behavioral",
        "H0004,HF,Behavioral health",
    );
    edit(
        &dir,
        "services.csv",
        ",8,,,false,11|53|57",
        ",8,,,false,11|53|5X",
    );
    edit(&dir, "auth_grid.csv", "H2011,,,none", "H2011,,,nothing");
    edit(
        &dir,
        "fee_schedule.csv",
        "H0015,HF,45.00,hour",
        "H0015,HF,45.00,minute",
    );
    edit(
        &dir,
        "fee_schedule.csv",
        "90853,,28.00,event,2024-07-01,,",
        "90853,,28.00,event,2024-07-01,,\n90853,,29.00,event,2025-01-01,,",
    );
    edit(
        &dir,
        "ncci_ptp.csv",
        "90791,90853,,20130101",
        "90791,90853,,2013010",
    );
    edit(&dir, "mue.csv", "H0004,24,", "H0004,lots,");
    std::fs::remove_file(dir.join("auth_grid.csv")).ok();
    let err = Plan::load(&dir).unwrap_err();
    let text: Vec<String> = err
        .iter()
        .map(|e| {
            let s = e.to_string();
            s.strip_prefix(&format!("{}/", dir.display()))
                .unwrap_or(&s)
                .to_owned()
        })
        .collect();
    let expect_prefixes = [
        "plan.toml:15: days: invalid type: string \"ninety\", expected u32",
        "services.csv:9: places_of_service: \"5X\" must be a two-digit code",
        "auth_grid.csv: file is missing",
        "fee_schedule.csv:13: unit: \"minute\" is not a unit",
        "fee_schedule.csv:29: effective_from: 90853 (2025-01-01 onward) overlaps line 28 (2024-07-01 onward)",
        "ncci_ptp.csv:6: Effective Date: \"2013010\" is not a date",
        "mue.csv:13: MUE Values: \"lots\" is not a whole number",
    ];
    assert_eq!(text.len(), expect_prefixes.len(), "{text:#?}");
    for (got, want) in text.iter().zip(expect_prefixes) {
        assert!(got.starts_with(want), "got {got:?}\nwant {want:?}");
    }
}

#[test]
fn missing_directory_is_one_error() {
    let err = Plan::load(Path::new("/nonexistent/plan")).unwrap_err();
    assert_eq!(err.to_string(), "/nonexistent/plan: is not a directory");
}

#[test]
fn sp_05_priority_exempt_services_must_be_covered_services() {
    let p = demo();
    assert_eq!(
        p.config.service_plans.priority_exempt_services,
        [code("H2011"), code("H0047")]
    );
    let (_tmp, dir) = demo_copy();
    edit(
        &dir,
        "plan.toml",
        "priority_exempt_services = [\"H2011\", \"H0047\"]",
        "priority_exempt_services = [\"H2011\", \"T2031\"]",
    );
    let err = Plan::load(&dir).unwrap_err();
    let text = err.to_string();
    // The error names the line the setting is on, wherever the demo file puts it.
    let toml = std::fs::read_to_string(dir.join("plan.toml")).unwrap();
    let line = 1 + toml
        .lines()
        .position(|l| l.starts_with("priority_exempt_services"))
        .unwrap();
    assert!(
        text.contains(&format!(
            "plan.toml:{line}: service_plans.priority_exempt_services: T2031 is not in services.csv"
        )),
        "{text}"
    );
}
