//! Intake over real and generated 837s: every claim the generator writes becomes an engine claim;
//! broken values are named with their X12 element and 277CA category (CLM-01, CLM-04).

use accord_intake::{Category, to_engine_claim};
use accord_x12::ClaimKind as XKind;
use jiff::civil::date;

#[test]
fn clm_01_every_generated_claim_is_read() {
    for kind in [XKind::Professional, XKind::Institutional] {
        let claims = accord_x12::generate::claims(9, 300, kind);
        assert_eq!(claims.len(), 300);
        for (i, c) in claims.iter().enumerate() {
            let tracking = format!("T{i:06}");
            let engine = to_engine_claim(c, &tracking, date(2026, 11, 2))
                .unwrap_or_else(|e| panic!("claim {i} of {kind:?}: {e:?}"));
            assert_eq!(engine.tracking, tracking);
            assert_eq!(engine.lines.len(), c.lines.len());
            assert_eq!(engine.total_charge().amount(), c.total_charge, "claim {i}");
            assert!(!engine.diagnoses.is_empty());
        }
    }
}

#[test]
fn clm_04_bad_values_are_named_with_their_element() {
    let mut c = accord_x12::generate::claims(3, 1, XKind::Professional).remove(0);
    let mut billing = (*c.billing).clone();
    billing.provider.id = Some("1234567890".into());
    c.billing = billing.into();
    let mut sub = (*c.subscriber).clone();
    sub.person.id = None;
    c.subscriber = sub.into();
    c.lines[0].procedure.as_mut().unwrap().code = "9O837".into();
    let problems = to_engine_claim(&c, "T1", date(2026, 11, 2)).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        problems
            .iter()
            .any(|p| p.category == Category::A6 && p.element.contains("2010BA NM109")),
        "{text:?}"
    );
    assert!(
        problems.iter().any(|p| p.category == Category::A7
            && p.element.contains("2010AA NM109")
            && p.message.contains("check digit")),
        "{text:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.element.starts_with("line 1") && p.message.contains("procedure code")),
        "{text:?}"
    );
}

#[test]
fn clm_10_corrected_claim_needs_the_original_reference() {
    let mut c = accord_x12::generate::claims(4, 1, XKind::Professional).remove(0);
    c.frequency_code = "7".into();
    c.refs.retain(|r| r.qualifier != "F8");
    let problems = to_engine_claim(&c, "T2", date(2026, 11, 2)).unwrap_err();
    assert!(
        problems.iter().any(|p| p.element.contains("REF*F8")),
        "{problems:?}"
    );
    c.refs.push(accord_x12::Ref {
        qualifier: "F8".into(),
        value: "ORIG1".into(),
    });
    let ok = to_engine_claim(&c, "T2", date(2026, 11, 2)).unwrap();
    assert_eq!(ok.frequency.original(), Some("ORIG1"));
}

#[test]
fn public_837_samples_never_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/x12-samples");
    let mut read = 0;
    for sub in ["837p", "837i"] {
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in entries.flatten() {
            let bytes = std::fs::read(e.path()).unwrap();
            for c in accord_x12::read_claims(&bytes).into_iter().flatten() {
                let _ = to_engine_claim(&c, "S", date(2026, 11, 2));
                read += 1;
            }
        }
    }
    println!("mapped {read} sample claims");
}

/// CLM-02: in the 837I, DTP*096 carries the discharge hour (TM), not a date. Such a claim is read,
/// and its discharge date is the statement period's end when CL103 says the patient left.
#[test]
fn clm_02_institutional_discharge_hour_is_not_a_date_and_the_period_end_is_used() {
    let mut c = accord_x12::generate::claims(5, 1, XKind::Institutional).remove(0);
    c.dates
        .retain(|d| d.qualifier != "096" && d.qualifier != "434");
    c.dates.push(accord_x12::DateRef {
        qualifier: "434".into(),
        format: "RD8".into(),
        value: "20260301-20260315".into(),
    });
    c.dates.push(accord_x12::DateRef {
        qualifier: "096".into(),
        format: "TM".into(),
        value: "1130".into(),
    });
    c.patient_status = Some("01".into());
    let claim = to_engine_claim(&c, "T1", jiff::civil::date(2026, 4, 1)).expect("read");
    assert_eq!(claim.discharge_date, Some(jiff::civil::date(2026, 3, 15)));
    c.patient_status = Some("30".into());
    let claim = to_engine_claim(&c, "T1", jiff::civil::date(2026, 4, 1)).expect("read");
    assert_eq!(claim.discharge_date, None, "30: still a patient");
}
