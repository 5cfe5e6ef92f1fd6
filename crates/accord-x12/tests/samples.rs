//! One test per public sample file in `shared/x12-samples` (see its README.md for
//! the independent validator's verdict on each). Files pyx12 calls OK must be
//! accepted; for the others the 999 must name the fault pyx12 found, or the
//! test says why the file is acceptable.

use accord_x12::check::{AckCode, CheckReport, check_bytes};
use accord_x12::r837::Reader837;
use accord_x12::w999::write_999;
use accord_x12::write::Envelope;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/x12-samples");

fn load(rel: &str) -> Vec<u8> {
    let path = format!("{DIR}/{rel}");
    std::fs::read(&path).unwrap_or_else(|e| panic!("sample {path} missing: {e}"))
}

/// Reads every claim; returns how many came back and how many failed.
fn read_all(bytes: &[u8]) -> (usize, usize) {
    let mut ok = 0;
    let mut bad = 0;
    for c in Reader837::new(bytes) {
        match c {
            Ok(_) => ok += 1,
            Err(_) => bad += 1,
        }
    }
    (ok, bad)
}

/// A file pyx12 accepts: every group accepted, every claim read.
fn accepted(rel: &str) -> CheckReport {
    let bytes = load(rel);
    let report = check_bytes(&bytes);
    assert!(
        report.all_accepted(),
        "{rel} should be accepted:\n{}",
        report.error_lines().join("\n")
    );
    let (ok, bad) = read_all(&bytes);
    assert_eq!(bad, 0, "{rel}: claims failed to read");
    assert!(ok > 0, "{rel}: no claims");
    assert_eq!(
        ok as u64,
        report.claims(),
        "{rel}: reader and checker disagree on the claim count"
    );
    report
}

/// A file with faults: not accepted, the report and the 999 name each fault.
/// `faults` are (text in the report, "IK3 code" or "IK4 code" or "IK5 code" etc.).
fn rejected(rel: &str, faults: &[&str]) -> CheckReport {
    let bytes = load(rel);
    let report = check_bytes(&bytes);
    assert!(!report.all_accepted(), "{rel} should not be accepted");
    let text = report.error_lines().join("\n");
    for f in faults {
        assert!(
            text.contains(f),
            "{rel}: expected a finding containing {f:?}, got:\n{text}"
        );
    }
    // The reader must survive the file whatever its faults.
    let _ = read_all(&bytes);
    for ic in &report.interchanges {
        let ack = write_999(ic, &Envelope::example());
        let back = accord_x12::r999::read_999(ack.as_bytes()).expect("our 999 reads back");
        assert_eq!(back.groups.len(), ic.groups.len());
        assert!(
            ic.groups.iter().all(|g| g.status == AckCode::Accepted)
                || back.groups.iter().any(|g| g.status != "A"),
            "{rel}: a faulty group must not be acknowledged A"
        );
    }
    report
}

macro_rules! ok837 {
    ($($name:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $name() {
            accepted($file);
        }
    )*};
}

// pyx12: OK.
ok837! {
    p_cob_a => "837p/stupidedi-COB-claim-from-billing-provider-to-payer-a.x12",
    p_cob_b => "837p/stupidedi-COB-claim-from-billing-provider-to-payer-b.x12",
    p_cob_payer_to_payer => "837p/stupidedi-COB-claim-from-payer-a-to-payer-b-in-payer-to-payer.x12",
    p_ambulance => "837p/stupidedi-ambulance.x12",
    p_anesthesia => "837p/stupidedi-anesthesia.x12",
    p_chiropractic => "837p/stupidedi-chiropractic.x12",
    p_commercial => "837p/stupidedi-commercial-health-insurance.x12",
    p_drug_office => "837p/stupidedi-drug-administered-in-the-physician-office.x12",
    p_encounter => "837p/stupidedi-encounter.x12",
    p_infusion_hcpcs => "837p/stupidedi-home-infusion-therapy-pharmacy-adjudicated-with-HCPCS-in-loop-2400-or-NDC-in-loop-2410.x12",
    p_infusion_ndc => "837p/stupidedi-home-infusion-therapy-pharmacy-adjudicated-with-NDC-in-loop-2410.x12",
    p_msp_cob => "837p/stupidedi-medicare-secondary-payer-COB.x12",
    p_out_of_network => "837p/stupidedi-out-of-network-repriced-claim.x12",
    p_ppo => "837p/stupidedi-ppo-repriced-claim.x12",
    i_out_of_network => "837i/stupidedi-out-of-network-repriced-claim.x12",
    i_ppo => "837i/stupidedi-ppo-repriced-claim.x12",
}

// pyx12 has no map for the errata (X222A2); these are valid A2 files and Accord accepts them.
ok837! {
    lfh_p_autoaccident => "837p/lfh-demo.autoaccident.x12",
    lfh_p_cob_3a => "837p/lfh-demo.cob.example3.A.x12",
    lfh_p_cob_3b => "837p/lfh-demo.cob.example3.B.x12",
    lfh_p_cob_3c => "837p/lfh-demo.cob.example3.C.x12",
    lfh_p_cob_4 => "837p/lfh-demo.cob.example4.x12",
    lfh_p_drug_1 => "837p/lfh-demo.drug.example10.1.x12",
    lfh_p_drug_2 => "837p/lfh-demo.drug.example10.2.x12",
    lfh_p_drug_3 => "837p/lfh-demo.drug.example10.3.x12",
    lfh_p_example1 => "837p/lfh-demo.example1.x12",
    lfh_p_example2 => "837p/lfh-demo.example2.x12",
    lfh_p_example7 => "837p/lfh-demo.example7.x12",
    lfh_p_example8 => "837p/lfh-demo.example8.x12",
}

// pyx12 Failure: PWK02 "AD" is not a valid attachment transmission code.
#[test]
fn p_oxygen() {
    rejected(
        "837p/stupidedi-oxygen.x12",
        &[
            "PWK02 \"AD\"",
            "segment 24 position 22 (PWK, loop 2400)",
            "IK4 7",
        ],
    );
}

#[test]
fn p_wheelchair() {
    rejected(
        "837p/stupidedi-wheelchair.x12",
        &["PWK02 \"AD\"", "segment 26 position 24 (PWK", "IK4 7"],
    );
}

// pyx12 Failure: billing provider ZIP must be 9 digits in the 837I; RD8 with a single date.
#[test]
fn i_institutional_claim() {
    rejected(
        "837i/stupidedi-837-institutional-claim.x12",
        &[
            "ZIP code \"17111\"",
            "segment 12 position 10 (N4, loop 2010AA)",
            "DTP03 \"19960911\"",
            "segment 23",
        ],
    );
}

#[test]
fn i_automobile_accident() {
    rejected(
        "837i/stupidedi-automobile-accident.x12",
        &["ZIP code \"99998\"", "segment 12 position 10 (N4"],
    );
}

#[test]
fn i_two_claims() {
    let r = rejected(
        "837i/stupidedi-two-claims-for-the-same-provider.x12",
        &["ZIP code \"17111\""],
    );
    assert_eq!(r.claims(), 2);
}

// No pyx12 map (X223A3 errata). Same 5-digit billing ZIP fault as the stupidedi originals, and
// CLM06, which the 837I marks "not used".
#[test]
fn lfh_i_institutional_claim() {
    rejected(
        "837i/lfh-institutional-claim.x12",
        &["ZIP code \"17111\"", "CLM06 is not used"],
    );
}

#[test]
fn lfh_i_two_claims() {
    rejected(
        "837i/lfh-two-claims-single-provider.x12",
        &["ZIP code \"17111\"", "CLM06 is not used"],
    );
}

// These LinuxForHealth files declare ':' as the component separator in ISA16 but use '>' in the body,
// so their composites (CLM05, HI, SV1) are malformed as sent: "BK>53081" is one component, not two.
#[test]
fn lfh_i_out_of_network() {
    rejected(
        "837i/lfh-out-of-network-repriced-claim.x12",
        &[
            "CLM05-2 facility code qualifier missing",
            "HI01-1 \"BK>53081\"",
        ],
    );
}

#[test]
fn lfh_i_ppo() {
    rejected(
        "837i/lfh-ppo-repriced-claim.x12",
        &[
            "CLM05-2 facility code qualifier missing",
            "HI01-1 \"BK>38181\"",
        ],
    );
}

#[test]
fn lfh_p_cob_2ndary() {
    rejected(
        "837p/lfh-demo.cob.2ndary.example4.x12",
        &[
            "HI01-1 \"BK>7215\"",
            "SV101-1 product qualifier \"HC>98940\"",
        ],
    );
}

#[test]
fn lfh_p_example11() {
    rejected("837p/lfh-demo.example11.x12", &["HI01-1 \"BK>496\""]);
}

#[test]
fn lfh_p_example12() {
    rejected("837p/lfh-demo.example12.x12", &["HI01-1 \"BK>9951\""]);
}

#[test]
fn lfh_p_example6() {
    rejected("837p/lfh-demo.example6.x12", &["HI01-1 \"BK>7215\""]);
}

#[test]
fn lfh_p_example9() {
    rejected("837p/lfh-demo.example9.x12", &["HI01-1 \"BK>36616\""]);
}

// CLM*051068*766.50***41::1: CLM05-2 (facility code qualifier, required "B") is empty.
#[test]
fn lfh_p_ambulance() {
    rejected(
        "837p/lfh-demo.ambulance.example5.x12",
        &["CLM05-2 facility code qualifier missing", "05-2 IK4 1"],
    );
}

// imsweb structural files: broken on purpose. Every one has a wrong SE01 (they were edited by hand),
// plus the fault its name announces.
#[test]
fn ims_ambiguous_loop() {
    rejected(
        "imsweb-structural/imsweb-x12_ambiguous_loop.x12",
        &[
            "SE01 says \"25\" segments, counted 33",
            "trailing empty element",
        ],
    );
}

#[test]
fn ims_bad_first_line() {
    rejected(
        "imsweb-structural/imsweb-x12_bad_first_line.x12",
        &["ISA02 is 9 characters wide", "TA1 011"],
    );
}

#[test]
fn ims_bad_segment_identifier() {
    rejected(
        "imsweb-structural/imsweb-x12_bad_segment_identifier.x12",
        &[
            "unrecognized segment ID \"Nd4\"",
            "unrecognized segment ID \"NM31\"",
            "required segment PER missing in loop 1000A",
        ],
    );
}

#[test]
fn ims_bad_valid_code() {
    rejected(
        "imsweb-structural/imsweb-x12_bad_valid_code.x12",
        &[
            "required loop 2010AA missing",
            "segment NM1 is not expected here",
        ],
    );
}

#[test]
fn ims_complex() {
    let r = rejected(
        "imsweb-structural/imsweb-x12_complex.x12",
        &[
            "NM108 \"X\"",
            "N402 \"11\"",
            "GE01 says \"1\" transaction sets, received 2",
        ],
    );
    assert_eq!(r.claims(), 6);
}

#[test]
fn ims_loop_exceeds_max() {
    rejected(
        "imsweb-structural/imsweb-x12_loop_errors1_exceeds_max_1_parent.x12",
        &["loop 2010AA occurs more than 1 times", "IK3 4"],
    );
}

#[test]
fn ims_loop_exceeds_max_multiple_parents() {
    rejected(
        "imsweb-structural/imsweb-x12_loop_errors2_exceeds_max_repeats_multiple_parents.x12",
        &[
            "loop 2010AA occurs more than 1 times",
            "HL01 \"1\" out of sequence",
        ],
    );
}

#[test]
fn ims_missing_loops() {
    rejected(
        "imsweb-structural/imsweb-x12_loop_errors3_missing_loops.x12",
        &["required loop 2010AA missing", "IK3 3"],
    );
}

#[test]
fn ims_many_claims() {
    let r = rejected(
        "imsweb-structural/imsweb-x12_many_claims.x12",
        &["SE01 says \"25\" segments, counted 11486"],
    );
    assert_eq!(r.claims(), 820);
}

#[test]
fn ims_missing_elements() {
    rejected(
        "imsweb-structural/imsweb-x12_missing_elements.x12",
        &["NM102 is required", "CLM05 is required", "IK4 1"],
    );
}

#[test]
fn ims_missing_required_loop_in_one_repeat() {
    rejected(
        "imsweb-structural/imsweb-x12_missing_required_loop_in_one_repeat.x12",
        &["required loop 2010BA missing"],
    );
}

#[test]
fn ims_missing_required_loops_mult_repeats() {
    rejected(
        "imsweb-structural/imsweb-x12_missing_required_loops_mult_repeats.x12",
        &["required loop 2400 missing", "DTP02 \"RD9\""],
    );
}

#[test]
fn ims_multiple_gs() {
    let r = rejected(
        "imsweb-structural/imsweb-x12_multiple_gs.x12",
        &[
            "IEA01 says \"1\" groups, received 3",
            "GS06 1 is not unique",
        ],
    );
    assert_eq!(r.groups().count(), 3);
}

#[test]
fn ims_multiple_isa() {
    let r = rejected(
        "imsweb-structural/imsweb-x12_multiple_isa.x12",
        &["SE01 says"],
    );
    assert_eq!(r.interchanges.len(), 2);
}

#[test]
fn ims_multiple_st() {
    let r = rejected(
        "imsweb-structural/imsweb-x12_multiple_st.x12",
        &["ST02 987654 is not unique", "GE01 says \"1\""],
    );
    assert_eq!(r.sets(), 2);
}

#[test]
fn ims_multiple_transactions() {
    let r = rejected(
        "imsweb-structural/imsweb-x12_multiple_transactions.x12",
        &["SE01 says"],
    );
    assert_eq!(r.sets(), 312);
    assert_eq!(r.claims(), 624);
}

// Despite its name pyx12 finds 19 errors: the HI composites use '^'-less codes like "8901" as qualifiers
// (HI02 is "8901", not "ABF:8901"), HL numbering is out of sequence and SE01 is wrong. Accord agrees.
#[test]
fn ims_no_errors() {
    rejected(
        "imsweb-structural/imsweb-x12_no_errors.x12",
        &["HI02-1 \"8901\" is not a code list qualifier", "SE01 says"],
    );
}

#[test]
fn ims_no_isa_line() {
    let r = rejected(
        "imsweb-structural/imsweb-x12_no_isa_line.x12",
        &["expected an ISA header"],
    );
    assert!(r.lex_error.is_some());
}

#[test]
fn ims_segment_errors() {
    rejected(
        "imsweb-structural/imsweb-x12_segment_errors.x12",
        &[
            "required segment N3 missing in loop 2010AA",
            "required segment HI missing in loop 2300",
        ],
    );
}

#[test]
fn ims_segments_out_of_order() {
    rejected(
        "imsweb-structural/imsweb-x12_segments_out_of_order.x12",
        &["N4 is out of sequence in loop 2010AA", "IK3 7"],
    );
}

#[test]
fn ims_valid() {
    rejected(
        "imsweb-structural/imsweb-x12_valid.x12",
        &["HI02-1 \"8901\"", "SE01 says"],
    );
}

#[test]
fn ims_valid_different_separators() {
    let bytes = load("imsweb-structural/imsweb-x12_valid_different_separators.x12");
    // Same content as imsweb-x12_valid.x12 with '~' and '_' separators: the same findings.
    let a = check_bytes(&bytes).error_lines();
    let b = check_bytes(&load("imsweb-structural/imsweb-x12_valid.x12")).error_lines();
    assert_eq!(a, b);
    rejected(
        "imsweb-structural/imsweb-x12_valid_different_separators.x12",
        &["SE01 says"],
    );
}

#[test]
fn ims_writer_test() {
    rejected(
        "imsweb-structural/imsweb-x12_writer_test.x12",
        &[
            "SE01 says \"25\" segments, counted 31",
            "trailing empty element",
        ],
    );
}

#[test]
fn ims_x223_test() {
    rejected(
        "imsweb-structural/imsweb-x223-test.x12",
        &[
            "ZIP code \"20705\"",
            "CLM05-2 \"B\" must be A",
            "CLM06 is not used",
        ],
    );
}

// --- 835: read without panicking; pyx12-OK files balance: BPR02 = Σ CLP04 − Σ PLB. ---

fn remit(rel: &str, must_balance: bool) {
    let bytes = load(rel);
    let remits = accord_x12::w835::read_835(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    remit_checks(rel, &bytes, remits, must_balance);
}

/// A sample whose BPR16 payment date is missing or impossible: the reader refuses it, naming the element.
fn remit_bad_date(rel: &str, date: &str) {
    let bytes = load(rel);
    match accord_x12::w835::read_835(&bytes) {
        Ok(_) => panic!("{rel}: BPR16 {date:?} should be refused"),
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains("(BPR) element 16") && msg.contains(date),
                "{rel}: {msg}"
            );
        }
    }
}

fn remit_checks(
    rel: &str,
    bytes: &[u8],
    remits: Vec<accord_x12::w835::Remittance>,
    must_balance: bool,
) {
    assert!(!remits.is_empty(), "{rel}: no 835 read");
    let bprs = accord_x12::w835::bpr_totals(bytes);
    assert_eq!(bprs.len(), remits.len());
    if must_balance {
        for (r, bpr) in remits.iter().zip(bprs) {
            assert_eq!(Some(r.total()), bpr, "{rel}: BPR02 does not balance");
        }
    }
    let report = check_bytes(bytes);
    assert!(report.lex_error.is_none());
}

#[test]
fn r835_separate() {
    remit("835/stupidedi-dollars-and-data-sent-separate.x12", true);
}
#[test]
fn r835_together() {
    remit("835/stupidedi-dollars-and-data-sent-together.x12", true);
}
#[test]
fn r835_era_sample() {
    remit("835/stupidedi-era-sample.x12", true);
}
#[test]
fn r835_multiple_claims() {
    remit("835/stupidedi-multiple-claims-single-check.x12", true);
}
#[test]
fn r835_secondary_higher_fee() {
    remit(
        "835/stupidedi-secondary-payment-with-higher-fee-schedule.x12",
        true,
    );
}
#[test]
fn r835_secondary() {
    remit("835/stupidedi-secondary-payments.x12", true);
}
#[test]
fn r835_tertiary() {
    remit("835/stupidedi-tertiary-payments.x12", true);
}
// pyx12 Failure (TR3 violations in the samples themselves): BPR16, the payment date, is empty or
// impossible (20002316) in four of them, which Accord's reader refuses; the fifth reads.
#[test]
fn r835_lfh_cob() {
    remit_bad_date("835/lfh-cob-contractural-adjustment.x12", "\"\"");
}
#[test]
fn r835_lfh_managed_care() {
    remit_bad_date("835/lfh-managed-care.x12", "20002316");
}
#[test]
fn r835_lfh_medicare_a() {
    remit("835/lfh-medicare-part-a.x12", false);
}
#[test]
fn r835_lfh_secondary() {
    remit_bad_date("835/lfh-secondary-payment.x12", "\"\"");
}
#[test]
fn r835_lfh_tertiary() {
    remit_bad_date("835/lfh-tertiary-payment.x12", "\"\"");
}

// --- 999 and 277CA: read without panicking. ---

#[test]
fn r999_accepted() {
    let bytes = load("999/imsweb-x12_999_accepted.x12");
    let acks = accord_x12::r999::read_999(&bytes).expect("reads");
    assert_eq!(acks.groups.len(), 1);
    // pyx12: IEA02 does not match ISA13. Accord's envelope check names it (TA1 001).
    let r = check_bytes(&bytes);
    assert!(r.error_lines().join("\n").contains("TA1 001"));
}

#[test]
fn r999_rejected() {
    let acks = accord_x12::r999::read_999(&load("999/imsweb-x12_999_rejected.x12")).expect("reads");
    assert!(acks.groups.iter().any(|g| g.status == "R"));
    assert!(!acks.groups[0].sets[0].segments.is_empty());
}

// Has a UTF-8 byte-order mark (pyx12 crashes on it); Accord skips it.
#[test]
fn r999_three_837s_with_bom() {
    let bytes = load("999/stupidedi-response-to-functional-group-containing-3-837s.x12");
    let acks = accord_x12::r999::read_999(&bytes).expect("reads");
    assert_eq!(acks.groups.len(), 1);
    assert_eq!(acks.groups[0].sets.len(), 3);
    assert!(check_bytes(&bytes).all_accepted());
}

#[test]
fn r277ca_accepted() {
    let acks = accord_x12::w277ca::read_277ca(&load("277ca/imsweb-x12_277CA_accepted.x12"))
        .expect("reads");
    assert_eq!(acks.len(), 1);
}

#[test]
fn r277ca_rejected() {
    let acks = accord_x12::w277ca::read_277ca(&load("277ca/imsweb-x12_277CA_rejected.x12"))
        .expect("reads");
    assert_eq!(acks.len(), 1);
    assert!(
        acks[0]
            .claims
            .iter()
            .any(|c| c.status != accord_x12::w277ca::ClaimAckStatus::Accepted)
    );
}

/// Every file in the folder, including any added later: no panics anywhere.
#[test]
fn every_sample_survives_every_reader() {
    let mut n = 0;
    for dir in std::fs::read_dir(DIR).expect("samples dir") {
        let dir = dir.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).expect("subdir") {
            let p = f.expect("entry").path();
            let bytes = std::fs::read(&p).expect("read");
            let _ = check_bytes(&bytes);
            let _ = read_all(&bytes);
            let _ = accord_x12::w835::read_835(&bytes);
            let _ = accord_x12::r999::read_999(&bytes);
            let _ = accord_x12::w277ca::read_277ca(&bytes);
            n += 1;
        }
    }
    assert!(n >= 80, "expected the whole sample set, found {n} files");
}
