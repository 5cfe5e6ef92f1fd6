//! The per-provider printable page (QM-01): the provider's rates against the plan's, as a golden
//! file.

use std::collections::HashSet;

use accord_quality::provider::{provider_quality, render_html};
use accord_quality::{QualityReport, Rate};
use jiff::civil::date;
use rust_decimal::Decimal;

fn report() -> QualityReport {
    let rate = |measure, den, num, members: Vec<(String, jiff::civil::Date, bool)>| Rate {
        measure,
        description: "a description <with> markup & quotes \"",
        denominator: den,
        numerator: num,
        rate: Decimal::from(num * 100) / Decimal::from(den.max(1)),
        members,
    };
    QualityReport {
        start: date(2026, 1, 1),
        end: date(2026, 12, 31),
        rates: vec![
            rate(
                "FUH-7",
                4,
                2,
                vec![
                    ("M1".into(), date(2026, 3, 4), true),
                    ("M2".into(), date(2026, 4, 9), false),
                    ("M3".into(), date(2026, 5, 1), true),
                    ("M4".into(), date(2026, 6, 1), false),
                ],
            ),
            rate(
                "FUM-7",
                2,
                0,
                vec![
                    ("M5".into(), date(2026, 7, 1), false),
                    ("M6".into(), date(2026, 7, 2), false),
                ],
            ),
            rate(
                "PCR-30",
                2,
                1,
                vec![
                    ("M1".into(), date(2026, 3, 4), false),
                    ("M2".into(), date(2026, 4, 9), true),
                ],
            ),
        ],
    }
}

#[test]
fn qm_01_provider_page_against_the_plan() {
    let attributed: HashSet<(String, jiff::civil::Date)> = [
        ("M1".to_owned(), date(2026, 3, 4)),
        ("M3".to_owned(), date(2026, 5, 1)),
        ("M9".to_owned(), date(2026, 5, 1)),
    ]
    .into_iter()
    .collect();
    let q = provider_quality("1234567893", "Riverside <Hospital>", &report(), &attributed);
    let fuh = &q.rates[0];
    assert_eq!((fuh.denominator, fuh.numerator), (2, 2));
    assert_eq!(fuh.rate, Some(Decimal::from(100)));
    assert_eq!(q.rates[1].rate, None);
    let pcr = &q.rates[2];
    assert_eq!((pcr.denominator, pcr.numerator), (1, 0));
    let html = render_html(&q);
    assert!(html.contains("Riverside &lt;Hospital&gt;"));
    assert!(!html.contains("<Hospital>"));
    insta::assert_snapshot!("provider_page", html);
}
