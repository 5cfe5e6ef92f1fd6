//! Hand-built member histories for every numerator, denominator and exclusion edge (QM-01), on
//! the demo plan's value sets.

use accord_core::Date;
use accord_quality::{MemberInfo, Period, QualityReport, ServiceRecord, ValueSets, measure};
use jiff::civil::date;

fn vs() -> ValueSets {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../plans/demo-illinois-bh/value_sets.csv"
    ))
    .unwrap();
    ValueSets::parse(&text).expect("demo value sets load")
}

fn r(from: Date, through: Date, procedure: &str, pos: &str, dx: &str) -> ServiceRecord {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    ServiceRecord {
        member: 0,
        from,
        through,
        procedure: some(procedure),
        pos: some(pos),
        bill_type: None,
        revenue: None,
        diagnoses: vec![dx.into()],
    }
}

fn stay(a: Date, d: Date, dx: &str) -> ServiceRecord {
    r(a, d, "", "21", dx)
}
fn visit(d: Date, code: &str, dx: &str) -> ServiceRecord {
    r(d, d, code, "11", dx)
}
fn ed(d: Date, dx: &str) -> ServiceRecord {
    r(d, d, "99284", "23", dx)
}

fn run(birth: Date, recs: Vec<ServiceRecord>) -> QualityReport {
    let members = [MemberInfo {
        id: "M1".into(),
        birth_date: birth,
    }];
    measure(
        &members,
        &recs,
        &vs(),
        Period {
            start: date(2026, 1, 1),
            end: date(2026, 12, 31),
        },
    )
}

fn rate(r: &QualityReport, m: &str) -> (u64, u64) {
    let x = r.rates.iter().find(|x| x.measure == m).unwrap();
    (x.denominator, x.numerator)
}

const ADULT: Date = date(1980, 5, 5);

#[test]
fn qm_01_fuh_follow_up_on_day_7_counts_day_8_does_not() {
    let r7 = run(
        ADULT,
        vec![
            stay(date(2026, 1, 25), date(2026, 1, 31), "F329"),
            visit(date(2026, 2, 7), "90837", "F329"),
        ],
    );
    assert_eq!(rate(&r7, "FUH-7"), (1, 1));
    let r8 = run(
        ADULT,
        vec![
            stay(date(2026, 1, 25), date(2026, 1, 31), "F329"),
            visit(date(2026, 2, 8), "90837", "F329"),
        ],
    );
    assert_eq!(rate(&r8, "FUH-7"), (1, 0));
    assert_eq!(rate(&r8, "FUH-30"), (1, 1));
    // A visit on the day of discharge is not follow-up.
    let r0 = run(
        ADULT,
        vec![
            stay(date(2026, 1, 25), date(2026, 1, 31), "F329"),
            visit(date(2026, 1, 31), "90837", "F329"),
        ],
    );
    assert_eq!(rate(&r0, "FUH-30"), (1, 0));
    assert_eq!(
        r7.rates[0].members,
        vec![("M1".to_owned(), date(2026, 1, 31), true)]
    );
}

#[test]
fn qm_01_fuh_same_day_transfer_is_one_stay_counted_at_its_last_discharge() {
    let r = run(
        ADULT,
        vec![
            stay(date(2026, 3, 1), date(2026, 3, 10), "F329"),
            stay(date(2026, 3, 10), date(2026, 3, 15), "F329"),
            visit(date(2026, 3, 20), "90834", "F329"),
        ],
    );
    assert_eq!(rate(&r, "FUH-7"), (1, 1));
    assert_eq!(r.rates[0].members[0].1, date(2026, 3, 15));
    assert_eq!(
        rate(&r, "PCR-30"),
        (1, 0),
        "a transfer is not a readmission"
    );
}

#[test]
fn qm_01_readmission_within_30_days_leaves_fuh_and_counts_in_pcr() {
    let r = run(
        ADULT,
        vec![
            stay(date(2026, 4, 1), date(2026, 4, 5), "F329"),
            stay(date(2026, 4, 20), date(2026, 4, 25), "F329"),
        ],
    );
    assert_eq!(
        rate(&r, "FUH-30").0,
        1,
        "only the second stay (no readmission after it)"
    );
    assert_eq!(rate(&r, "PCR-30"), (2, 1));
    // Discharges in the last 30 days of the period are outside the denominator.
    let late = run(
        ADULT,
        vec![stay(date(2026, 12, 10), date(2026, 12, 15), "F329")],
    );
    assert_eq!(rate(&late, "FUH-30").0, 0);
}

#[test]
fn qm_01_age_boundaries() {
    let d = date(2026, 6, 10);
    let six_that_day = run(date(2020, 6, 10), vec![stay(date(2026, 6, 1), d, "F329")]);
    assert_eq!(rate(&six_that_day, "FUH-7").0, 1);
    let not_yet_six = run(date(2020, 6, 11), vec![stay(date(2026, 6, 1), d, "F329")]);
    assert_eq!(rate(&not_yet_six, "FUH-7").0, 0);
    assert_eq!(rate(&not_yet_six, "PCR-30").0, 0, "PCR is for 18+");
    let twelve = run(date(2013, 7, 1), vec![ed(date(2026, 6, 1), "F1020")]);
    assert_eq!(rate(&twelve, "FUA-7").0, 0, "FUA is for 13+");
}

#[test]
fn qm_01_fum_and_fua_count_the_first_ed_visit_in_31_days_and_same_day_follow_up() {
    let r = run(
        ADULT,
        vec![
            ed(date(2026, 5, 1), "F329"),
            visit(date(2026, 5, 1), "90834", "F329"),
            ed(date(2026, 5, 20), "F329"),
            ed(date(2026, 7, 1), "F1120"),
            visit(date(2026, 7, 12), "H0004", "F1120"),
        ],
    );
    assert_eq!(rate(&r, "FUM-7"), (1, 1));
    assert_eq!(rate(&r, "FUA-7"), (1, 0));
    assert_eq!(rate(&r, "FUA-30"), (1, 1));
    // An ED visit followed by an admission is counted as the stay, not as an ED visit.
    let admitted = run(
        ADULT,
        vec![
            ed(date(2026, 5, 1), "F329"),
            stay(date(2026, 5, 2), date(2026, 5, 6), "F329"),
        ],
    );
    assert_eq!(rate(&admitted, "FUM-7").0, 0);
}

#[test]
fn qm_01_iet_initiation_within_14_days_and_engagement_within_34() {
    let index = date(2026, 3, 1);
    let r = run(
        ADULT,
        vec![
            visit(index, "99213", "F1020"),
            visit(date(2026, 3, 14), "H0004", "F1020"),
            visit(date(2026, 3, 20), "H0005", "F1020"),
            visit(date(2026, 4, 10), "H0004", "F1020"),
        ],
    );
    assert_eq!(rate(&r, "IET-initiation"), (1, 1));
    assert_eq!(rate(&r, "IET-engagement"), (1, 1));
    // Initiation on day 15 is too late; a diagnosis 60 days before means no new episode.
    let late = run(
        ADULT,
        vec![
            visit(index, "99213", "F1020"),
            visit(date(2026, 3, 15), "H0004", "F1020"),
        ],
    );
    assert_eq!(rate(&late, "IET-initiation"), (1, 0));
    let known = run(
        ADULT,
        vec![
            visit(date(2026, 1, 20), "99213", "F1020"),
            visit(index, "99213", "F1020"),
        ],
    );
    assert_eq!(
        rate(&known, "IET-initiation").0,
        1,
        "the January visit is the episode, not March"
    );
    assert_eq!(known.rates[6].members[0].1, date(2026, 1, 20));
}

#[test]
fn value_set_errors_name_the_line_and_field() {
    let e = ValueSets::parse("value_set,code_system,codes,description\nmental_illness,icd9,F20*,x\nnope,icd10,F1,x\nmental_illness,icd10,9002-901,x\n").unwrap_err();
    let all: Vec<String> = e.iter().map(|e| e.to_string()).collect();
    let text = all.join("\n");
    assert!(text.contains("value_sets.csv:2: code_system"), "{text}");
    assert!(text.contains("value_sets.csv:3: value_set"), "{text}");
    assert!(text.contains("value_sets.csv:4: codes"), "{text}");
    assert!(text.contains("aod_dependence has no codes"), "{text}");
}

#[test]
fn synthetic_histories_produce_every_rate() {
    let (m, r) = accord_quality::bench::histories(5_000, 50_000, 7, 2026);
    let rep = measure(
        &m,
        &r,
        &vs(),
        Period {
            start: date(2026, 1, 1),
            end: date(2026, 12, 31),
        },
    );
    for rate in &rep.rates {
        assert!(rate.denominator > 0, "{} has no denominator", rate.measure);
        assert!(rate.numerator <= rate.denominator);
        assert_eq!(rate.members.len() as u64, rate.denominator);
    }
}

/// The database read classifies each service as it reads it ([`measure_classified`]); the
/// rates, and the member-level lists behind them, are those [`measure`] gives over the same
/// services with their codes (20,000 synthetic members with stays, ED visits and AOD episodes),
/// and so are the QM-03 discharges.
#[test]
fn qm_01_measures_over_classified_records_equal_the_measures_over_the_records() {
    use accord_quality::{
        ClassifiedRecord, behavioral_discharges, behavioral_discharges_classified,
        measure_classified,
    };
    let vs = vs();
    let (members, records) = accord_quality::bench::histories(20_000, 200_000, 7, 2026);
    let period = Period {
        start: Date::new(2026, 1, 1).unwrap(),
        end: Date::new(2026, 12, 31).unwrap(),
    };
    let classified: Vec<ClassifiedRecord> = records
        .iter()
        .map(|r| ClassifiedRecord::of(r, &vs))
        .collect();
    let by_codes = measure(&members, &records, &vs, period);
    assert!(
        by_codes.rates.iter().all(|r| r.denominator > 0),
        "{by_codes:?}"
    );
    assert_eq!(measure_classified(&members, &classified, period), by_codes);
    assert_eq!(
        behavioral_discharges_classified(&classified),
        behavioral_discharges(&records, &vs)
    );
    // The classifier that remembers each code's value sets gives every record the same flags.
    let mut classifier = accord_quality::Classifier::new(&vs);
    for (r, c) in records.iter().zip(&classified) {
        let codes = accord_quality::ServiceCodes {
            procedure: r.procedure.as_deref(),
            pos: r.pos.as_deref(),
            bill_type: r.bill_type.as_deref(),
            revenue: r.revenue.as_deref(),
        };
        assert_eq!(classifier.classify(&codes, &r.diagnoses), c.flags, "{r:?}");
    }
}

/// The remembering classifier agrees with the value sets on every code they list and on codes
/// they do not, across every code system, including a code longer than eight bytes.
#[test]
fn qm_01_classifier_remembers_exactly_what_the_value_sets_say() {
    let vs = vs();
    let mut classifier = accord_quality::Classifier::new(&vs);
    let codes = [
        "90837",
        "99284",
        "H0004",
        "H2013",
        "0124",
        "0450",
        "111",
        "131",
        "21",
        "23",
        "51",
        "F329",
        "F1020",
        "F1120",
        "Z0000",
        "F20",
        "ABCDEFGHIJ",
        "",
        "1",
        "0114",
    ];
    for _ in 0..2 {
        for a in codes {
            for b in ["F329", "F1020", "Z0000", "ABCDEFGHIJ"] {
                let c = accord_quality::ServiceCodes {
                    procedure: Some(a),
                    pos: Some(a),
                    bill_type: Some(a),
                    revenue: Some(a),
                };
                let dx = [a, b];
                assert_eq!(
                    classifier.classify(&c, &dx),
                    accord_quality::classify_codes(&c, &dx, &vs),
                    "{a} {b}"
                );
                let c = accord_quality::ServiceCodes {
                    procedure: Some(a),
                    ..Default::default()
                };
                assert_eq!(
                    classifier.classify(&c, &[b]),
                    accord_quality::classify_codes(&c, &[b], &vs),
                    "{a} {b}"
                );
            }
        }
    }
}
