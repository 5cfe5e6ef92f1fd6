//! Everything the codec writes: golden files (insta), round trips through the
//! readers, and, when `ACCORD_X12_OUT_DIR` is set, a copy of every document in
//! that directory for the independent validator (`scripts/validate-written.sh`).

use accord_x12::check::check_bytes;
use accord_x12::model::{Claim, ClaimKind};
use accord_x12::sample_docs;
use accord_x12::write::Envelope;

#[test]
fn golden_documents() {
    let docs = sample_docs::all();
    assert_eq!(docs.len(), 13, "every kind of document is produced");
    if let Ok(dir) = std::env::var("ACCORD_X12_OUT_DIR") {
        std::fs::create_dir_all(&dir).expect("create ACCORD_X12_OUT_DIR");
        for (name, body) in &docs {
            std::fs::write(std::path::Path::new(&dir).join(name), body).expect("write document");
        }
    }
    for (name, body) in docs {
        insta::assert_snapshot!(name.replace(".x12", ""), body);
    }
}

#[test]
fn written_837s_pass_our_own_check() {
    for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
        let text = sample_docs::example_837(kind);
        let r = check_bytes(text.as_bytes());
        assert!(r.all_accepted(), "{kind:?}: {:?}", r.error_lines());
    }
}

fn strip(mut c: Claim) -> Claim {
    c.provenance = Default::default();
    c
}

#[test]
fn claims_round_trip() {
    for kind in [ClaimKind::Professional, ClaimKind::Institutional] {
        let claims = accord_x12::generate::claims(11, 40, kind);
        let text = accord_x12::w837::write_claims(&claims, &Envelope::example(), kind);
        let back: Vec<Claim> = accord_x12::read_claims(text.as_bytes())
            .expect("reads back")
            .into_iter()
            .map(strip)
            .collect();
        let claims: Vec<Claim> = claims.into_iter().map(strip).collect();
        assert_eq!(back, claims);
    }
}

#[test]
fn sample_claims_round_trip_through_writer() {
    // Real files no one here wrote: read, write, read again: the typed claims are unchanged.
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/x12-samples/837p"
    );
    let mut n = 0;
    for f in std::fs::read_dir(dir).expect("samples") {
        let p = f.expect("entry").path();
        let bytes = std::fs::read(&p).expect("read");
        let Ok(claims) = accord_x12::read_claims(&bytes) else {
            continue;
        };
        let Some(first) = claims.first() else {
            continue;
        };
        let text = accord_x12::w837::write_claims(&claims, &Envelope::example(), first.kind);
        let back: Vec<Claim> = accord_x12::read_claims(text.as_bytes())
            .expect("reads back")
            .into_iter()
            .map(strip)
            .collect();
        let orig: Vec<Claim> = claims.into_iter().map(strip).collect();
        assert_eq!(back, orig, "{}", p.display());
        n += 1;
    }
    assert!(n > 20);
}

#[test]
fn ack_999_round_trip() {
    let report = check_bytes(sample_docs::broken_837().as_bytes());
    let ic = &report.interchanges[0];
    let text = accord_x12::w999::write_999(ic, &Envelope::example());
    let back = accord_x12::r999::read_999(text.as_bytes()).expect("reads");
    let g = &ic.groups[0];
    let bg = &back.groups[0];
    assert_eq!(bg.status, g.status.code());
    assert_eq!(bg.control_number, g.gs.control_number);
    assert_eq!(bg.sets.len(), g.sets.len());
    let set = &g.sets[0];
    let bset = &bg.sets[0];
    assert_eq!(bset.status, set.status.code());
    let ours: Vec<(String, u32, &str)> = set
        .issues
        .iter()
        .map(|i| (i.segment_id.clone(), i.position, i.code))
        .collect();
    let theirs: Vec<(String, u32, &str)> = bset
        .segments
        .iter()
        .map(|i| (i.segment_id.clone(), i.position, i.code.as_str()))
        .collect();
    assert_eq!(ours, theirs);
    // The faults put in on purpose are all named: bad SBR01 code, impossible date, wrong SE01.
    assert!(
        bset.segments
            .iter()
            .any(|s| s.segment_id == "SBR" && s.elements[0].code == "7")
    );
    assert!(
        bset.segments
            .iter()
            .any(|s| s.segment_id == "DTP" && s.elements[0].code == "8")
    );
    assert!(bset.codes.contains(&"4".to_string()));
}

#[test]
fn ack_277ca_round_trip() {
    let docs = sample_docs::all();
    for (name, body) in docs.iter().filter(|(n, _)| n.starts_with("277ca")) {
        let back = accord_x12::w277ca::read_277ca(body.as_bytes()).expect("reads");
        let again = accord_x12::w277ca::write_277ca(&back, &Envelope::example());
        assert_eq!(&again, body, "{name}");
    }
}

#[test]
fn remittance_round_trip_and_balance() {
    let r = sample_docs::example_remittance();
    let text = accord_x12::w835::write_835(std::slice::from_ref(&r), &Envelope::example())
        .expect("balances");
    let back = accord_x12::w835::read_835(text.as_bytes()).expect("reads");
    assert_eq!(back, vec![r.clone()]);
    let bpr = accord_x12::w835::bpr_totals(text.as_bytes());
    let paid: rust_decimal::Decimal = r.claims.iter().map(|c| c.paid).sum();
    assert_eq!(bpr, vec![Some(paid - rust_decimal::Decimal::new(2500, 2))]);
}

#[test]
fn unbalanced_remittance_is_refused() {
    let mut r = sample_docs::example_remittance();
    r.claims[0].paid += rust_decimal::Decimal::ONE;
    let err =
        accord_x12::w835::write_835(&[r], &Envelope::example()).expect_err("must not balance");
    assert!(err.to_string().contains("C000000000001"));
}

#[test]
fn ta1_for_interchange_errors() {
    let text = sample_docs::example_837(ClaimKind::Professional)
        .replace("IEA*1*000000001", "IEA*1*000000002");
    let r = check_bytes(text.as_bytes());
    assert!(!r.all_accepted());
    let acks = accord_x12::w999::acknowledgments(&r, &Envelope::example());
    let ta1 = acks
        .iter()
        .find(|(n, _)| n.starts_with("ta1"))
        .expect("a TA1");
    let back = accord_x12::r999::read_999(ta1.1.as_bytes()).expect("reads");
    assert_eq!(back.ta1[0].status, "R");
    assert_eq!(back.ta1[0].note_code, "001");
}
