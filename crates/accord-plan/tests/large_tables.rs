//! CLM-05: CMS-sized NCCI and MUE tables (100k rows) load fast and index correctly. The timing
//! bound (200k rows in under a second, on a busy 2-core machine) is asserted in release builds
//! only (`cargo test --release -p accord-plan`).

use std::fmt::Write;
use std::time::{Duration, Instant};

use accord_core::ProcedureCode;
use accord_plan::Plan;
use jiff::civil::date;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/demo-illinois-bh");

fn cpt(n: u32) -> String {
    format!("{:05}", 10_000 + n)
}

#[test]
fn clm_05_100k_row_ncci_and_mue_load_well_under_a_second() {
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "plan.toml",
        "services.csv",
        "auth_grid.csv",
        "fee_schedule.csv",
    ] {
        std::fs::copy(std::path::Path::new(DEMO).join(f), tmp.path().join(f)).unwrap();
    }
    let mut ncci = String::from(
        "CPT codes and descriptions only are copyright American Medical Association.\n\
         Column 1,Column 2,* = in existence prior to 1996,Effective Date,Deletion Date *=no data,Modifier 0=not allowed 1=allowed 9=not applicable,PTP Edit Rationale\n",
    );
    for i in 0..100_000u32 {
        let (c1, c2) = (i / 100, 1_000 + i % 100);
        let _ = writeln!(
            ncci,
            "{},{},,20200101,*,{},Mutually exclusive procedures",
            cpt(c1),
            cpt(c2),
            i % 2
        );
    }
    let mut mue = String::from(
        "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n",
    );
    for i in 0..100_000u32 {
        // 5-digit CPT codes 10000..=99999 then HCPCS Level II codes.
        let c = if i < 90_000 {
            cpt(i)
        } else {
            format!("J{:04}", i - 90_000)
        };
        let _ = writeln!(
            mue,
            "{c},{},3 Date of Service Edit: Clinical,Clinical: Data",
            1 + i % 9
        );
    }
    std::fs::write(tmp.path().join("ncci_ptp.csv"), ncci).unwrap();
    std::fs::write(tmp.path().join("mue.csv"), mue).unwrap();

    let started = Instant::now();
    let plan = Plan::load(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
    let took = started.elapsed();
    assert_eq!(plan.ncci.len(), 100_000);
    assert_eq!(plan.mue.len(), 100_000);
    let c1 = ProcedureCode::parse(&cpt(123)).unwrap();
    let c2 = ProcedureCode::parse(&cpt(1_045)).unwrap();
    assert!(plan.ncci.pair(&c1, &c2, date(2026, 1, 1)).is_some());
    assert!(plan.ncci.pair(&c2, &c1, date(2026, 1, 1)).is_none());
    let j = ProcedureCode::parse("J0005").unwrap();
    assert_eq!(plan.mue.limit(&j, None), Some(1 + 90_005 % 9));
    eprintln!("loaded 200k CMS rows in {took:?}");
    if !cfg!(debug_assertions) {
        assert!(took < Duration::from_secs(1), "took {took:?}");
    }
}
