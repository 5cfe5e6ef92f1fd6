//! The month of claims (`accord_demo::claims`): determinism, every edge case present at the
//! default scale, files that read back and pass the X12 checks (ours, and pyx12 in CI), the
//! authorization CSV, and corrected/void claims (CLM-10).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use accord_core::member::Program;
use accord_demo::claims::{self, ClaimMonth, ClaimMonthOptions, EdgeCase};
use accord_demo::{DemoData, DemoOptions};
use accord_plan::Plan;
use accord_x12::{Claim, ClaimKind, Provenance, Reader837};
use jiff::civil::date;

const AS_OF: (i16, i8, i8) = (2026, 11, 2);

fn as_of() -> jiff::civil::Date {
    date(AS_OF.0, AS_OF.1, AS_OF.2)
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plans/demo-illinois-bh");
        Plan::load(&dir).expect("the demo plan loads")
    })
}

fn data(members: u32, seed: u64) -> DemoData {
    accord_demo::generate(&DemoOptions {
        members,
        seed,
        as_of: as_of(),
        plan_code: plan().config.plan_code.clone(),
        program: Program::Medicaid,
    })
}

fn month(members: u32, seed: u64) -> ClaimMonth {
    claims::month(
        &data(members, seed),
        plan(),
        &ClaimMonthOptions::month_before(seed, as_of()),
    )
}

/// The default demo: 10,000 members, seed 2026 (another seed with ACCORD_DEMO_SEED).
fn default_month() -> &'static ClaimMonth {
    static M: OnceLock<ClaimMonth> = OnceLock::new();
    let seed = std::env::var("ACCORD_DEMO_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2026);
    M.get_or_init(|| month(10_000, seed))
}

/// The default month written once into a temporary directory.
fn default_files() -> &'static (tempfile::TempDir, Vec<PathBuf>) {
    static F: OnceLock<(tempfile::TempDir, Vec<PathBuf>)> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let files = claims::write_files(default_month(), dir.path(), 4001).expect("files written");
        (dir, files)
    })
}

fn without_provenance(mut c: Claim) -> Claim {
    c.provenance = Provenance::default();
    c
}

#[test]
fn the_month_before_as_of() {
    let o = ClaimMonthOptions::month_before(1, as_of());
    assert_eq!(o.first, date(2026, 10, 1));
    assert_eq!(o.last, date(2026, 10, 31));
    assert_eq!(o.received_by, as_of());
}

#[test]
fn same_seed_same_claims() {
    let a = month(2_000, 7);
    let b = month(2_000, 7);
    assert_eq!(a.professional, b.professional);
    assert_eq!(a.institutional, b.institutional);
    assert_eq!(a.authorizations, b.authorizations);
    assert_eq!(a.labelled, b.labelled);
    assert_eq!(a.edge_cases, b.edge_cases);
    let c = month(2_000, 8);
    assert_ne!(a.professional, c.professional);
}

#[test]
fn every_edge_case_is_present_at_the_default_scale() {
    let m = default_month();
    assert_eq!(m.edge_cases.len(), EdgeCase::ALL.len());
    for (label, n) in &m.edge_cases {
        println!("{n:6}  {label}");
        assert!(*n > 0, "no claim for edge case {label:?}");
    }
    for case in EdgeCase::ALL {
        assert!(m.count(case) > 0, "{case:?}");
    }
    // A few thousand claims: the demo stays fast.
    assert!(
        (1_000..6_000).contains(&m.len()),
        "{} claims at the default scale",
        m.len()
    );
    assert!(!m.institutional.is_empty());
    assert!(!m.authorizations.is_empty());
}

#[test]
fn volume_scales_with_the_population() {
    let small = month(2_500, 2026).len();
    let big = default_month().len();
    assert!(
        big > 3 * small,
        "{small} claims for 2,500 members, {big} for 10,000"
    );
}

#[test]
fn claims_use_real_members_providers_and_plan_codes() {
    let d = data(10_000, 2026);
    let m = default_month();
    let members: std::collections::HashSet<&str> = d
        .population
        .members
        .iter()
        .map(|x| x.member_id.as_str())
        .collect();
    let npis: std::collections::HashSet<&str> =
        d.network.providers.iter().map(|p| p.npi.as_str()).collect();
    let unknown_member: std::collections::HashSet<(bool, usize)> = m
        .labelled
        .iter()
        .filter(|l| l.case == EdgeCase::UnknownMember)
        .map(|l| (l.kind == ClaimKind::Institutional, l.index))
        .collect();
    for (kind, list) in [
        (ClaimKind::Professional, &m.professional),
        (ClaimKind::Institutional, &m.institutional),
    ] {
        for (i, c) in list.iter().enumerate() {
            let id = c.subscriber.person.id.as_deref().unwrap_or_default();
            assert_eq!(
                members.contains(id),
                !unknown_member.contains(&(kind == ClaimKind::Institutional, i)),
                "{id}"
            );
            assert!(npis.contains(c.billing.provider.id.as_deref().unwrap_or_default()));
            for p in &c.providers {
                assert!(npis.contains(p.id.as_deref().unwrap_or_default()));
            }
            assert!((1..=4).contains(&c.lines.len()));
            assert_eq!(
                c.total_charge,
                c.lines
                    .iter()
                    .map(|l| l.charge)
                    .sum::<rust_decimal::Decimal>()
            );
            for l in &c.lines {
                let p = l.procedure.as_ref().expect("procedure");
                let code = accord_core::ProcedureCode::parse(&p.code).expect("code");
                assert!(plan().services.knows(&code), "{}", p.code);
            }
        }
    }
}

#[test]
fn written_files_read_back_to_the_same_claims() {
    let m = default_month();
    let (_dir, files) = default_files();
    assert_eq!(files.len(), 2);
    for (path, expected) in files.iter().zip([&m.professional, &m.institutional]) {
        let read: Vec<Claim> = Reader837::new(File::open(path).expect("open"))
            .collect::<Result<_, _>>()
            .expect("every claim reads");
        assert_eq!(read.len(), expected.len(), "{}", path.display());
        for (r, e) in read.into_iter().zip(expected.iter()) {
            assert_eq!(without_provenance(r), e.clone());
        }
    }
}

#[test]
fn written_files_pass_the_x12_check() {
    let (_dir, files) = default_files();
    let mut controls = Vec::new();
    for path in files {
        let report = accord_x12::check::check(File::open(path).expect("open"));
        assert!(
            report.all_accepted(),
            "{}: {:?}",
            path.display(),
            report.error_lines()
        );
        assert!(report.groups().count() > 0);
        controls.extend(
            report
                .interchanges
                .iter()
                .map(|i| i.isa.control_number.clone()),
        );
    }
    controls.sort();
    controls.dedup();
    assert_eq!(controls.len(), files.len(), "distinct ISA13 per file");
}

/// The independent validator (pyx12), in CI only: it installs a Python package on first use.
#[test]
fn written_files_pass_pyx12_in_ci() {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/x12-validate");
    if std::env::var_os("CI").is_none() || !tool.exists() {
        println!(
            "skipped: pyx12 validation runs when CI is set and shared/tools/x12-validate exists"
        );
        return;
    }
    let (_dir, files) = default_files();
    let out = std::process::Command::new(&tool)
        .args(files)
        .output()
        .expect("x12-validate runs");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn authorizations_csv_has_one_row_per_service() {
    let m = default_month();
    let csv = claims::authorizations_csv(&m.authorizations);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "auth_id,member_id,provider_npi,procedure,modifiers,level_of_care,start_date,end_date,units_authorized"
        )
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let services: usize = m.authorizations.iter().map(|a| a.services.len()).sum();
    assert_eq!(rows.len(), services);
    for (r, a) in rows.iter().zip(&m.authorizations) {
        assert_eq!(r.len(), 9);
        assert_eq!(r[0], a.id);
        assert_eq!(r[1], a.member.as_str());
        assert_eq!(r[2], a.provider.as_str());
        assert!(accord_core::Npi::parse(r[2]).is_ok());
        for m in r[4].split_whitespace() {
            assert!(accord_core::Modifier::parse(m).is_ok());
        }
        assert!(
            r[6].parse::<jiff::civil::Date>().is_ok() && r[7].parse::<jiff::civil::Date>().is_ok()
        );
        assert!(r[6] <= r[7]);
        assert!(r[8].parse::<rust_decimal::Decimal>().is_ok());
    }
}

#[test]
fn clm_10_corrections_and_voids_reference_the_tracking_numbers() {
    let m = default_month();
    let accepted: Vec<(String, Claim)> = m
        .professional
        .iter()
        .take(200)
        .enumerate()
        .map(|(i, c)| (format!("T{i:06}"), c.clone()))
        .collect();
    let fixes = claims::corrections(&accepted, 9, 9);
    assert_eq!(fixes, claims::corrections(&accepted, 9, 9), "deterministic");
    assert_eq!(fixes.len(), 9);
    let (mut seven, mut eight) = (0, 0);
    for f in &fixes {
        let tracking = f.original_reference().expect("REF*F8");
        let (_, orig) = accepted
            .iter()
            .find(|(t, _)| t == tracking)
            .expect("names an accepted claim");
        assert_eq!(f.claim_id, orig.claim_id);
        match f.frequency_code.as_str() {
            "7" => {
                seven += 1;
                assert_ne!(f.lines, orig.lines, "a correction changes units or charge");
            }
            "8" => {
                eight += 1;
                assert_eq!(f.lines, orig.lines);
            }
            other => panic!("frequency {other}"),
        }
        let engine = accord_intake::to_engine_claim(f, "T999999", as_of()).expect("intake");
        assert_eq!(engine.frequency.original(), Some(tracking));
    }
    assert!(seven > 0 && eight > 0);
    // They write as a valid 837P too.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("corrections.x12");
    claims::write_837(
        &fixes,
        ClaimKind::Professional,
        &path,
        &claims::envelope(&m.payer_id, as_of(), 77),
    )
    .expect("written");
    let report = accord_x12::check::check(File::open(&path).expect("open"));
    assert!(report.all_accepted(), "{:?}", report.error_lines());
    assert!(claims::corrections(&[], 1, 5).is_empty());
}

#[test]
fn bad_input_gives_fewer_claims_never_a_panic() {
    // No members, no providers.
    let empty = DemoData {
        population: Default::default(),
        network: Default::default(),
    };
    let o = ClaimMonthOptions::month_before(1, as_of());
    assert!(claims::month(&empty, plan(), &o).is_empty());
    // A month that ends before it starts, or lies after the receipt date.
    let d = data(300, 3);
    let backwards = ClaimMonthOptions {
        first: date(2026, 10, 31),
        last: date(2026, 10, 1),
        ..o.clone()
    };
    assert!(claims::month(&d, plan(), &backwards).is_empty());
    let future = ClaimMonthOptions {
        first: date(2026, 12, 1),
        last: date(2026, 12, 31),
        ..o.clone()
    };
    assert!(claims::month(&d, plan(), &future).is_empty());
    // A tiny population still works.
    let tiny = claims::month(&data(50, 3), plan(), &o);
    assert_eq!(tiny.edge_cases.len(), EdgeCase::ALL.len());
}

/// QM-01: the month carries acute psychiatric stays (837I, bill type 111, psychiatric room and
/// board, a mental-illness principal diagnosis, the discharge) and ED visits (bill type 131,
/// revenue 0450) with mental-illness and AOD diagnoses — also in a small population — and the
/// stays are authorized.
#[test]
fn qm_01_hospital_stays_and_ed_visits_are_in_the_month() {
    for m in [default_month(), &month(600, 11)] {
        let stays: Vec<&Claim> = m
            .institutional
            .iter()
            .filter(|c| c.bill_type() == "111")
            .collect();
        let ed: Vec<&Claim> = m
            .institutional
            .iter()
            .filter(|c| c.bill_type() == "131")
            .collect();
        assert!(stays.len() >= 6, "{} stays", stays.len());
        assert_eq!(stays.len(), m.count(EdgeCase::InpatientStay));
        assert!(ed.len() >= 6, "{} ED visits", ed.len());
        assert_eq!(ed.len(), m.count(EdgeCase::EmergencyVisit));
        for c in &stays {
            let line = &c.lines[0];
            assert!(
                ["0114", "0124", "0134", "0154", "0204"]
                    .contains(&line.revenue_code.as_deref().unwrap_or("")),
                "{line:?}"
            );
            assert!(c.diagnoses().next().unwrap().code.starts_with('F'));
            assert_eq!(c.patient_status.as_deref(), Some("01"), "discharged");
            let pa = c.prior_authorization().expect("authorized stay");
            assert!(m.authorizations.iter().any(|a| a.id == pa), "{pa}");
        }
        let aod = ed
            .iter()
            .filter(|c| {
                let p = &c.diagnoses().next().unwrap().code;
                ["F10", "F11", "F12", "F14", "F15"]
                    .iter()
                    .any(|x| p.starts_with(x))
            })
            .count();
        assert!(
            aod > 0 && aod < ed.len(),
            "{aod} of {} ED visits AOD",
            ed.len()
        );
        for c in &ed {
            assert_eq!(c.lines[0].revenue_code.as_deref(), Some("0450"));
        }
    }
}
