//! Property tests over generated tables.

use std::path::Path;

use accord_core::{Money, ProcedureCode};
use accord_plan::Plan;
use jiff::civil::Date;
use proptest::prelude::*;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/demo-illinois-bh");

fn day(n: i32) -> Date {
    Date::constant(2020, 1, 1)
        .checked_add(jiff::Span::new().days(i64::from(n)))
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// PAY-01: for a generated fee schedule of back-to-back spans (some with gaps, the last maybe
    /// open), the rate on any date is the rate of the span containing it, and none in a gap.
    #[test]
    fn pay_01_lookup_returns_the_rate_whose_span_contains_the_date(
        spans in prop::collection::vec((1i32..60, 0i32..5, 1i64..100_000), 1..12),
        open_last in any::<bool>(),
        probes in prop::collection::vec(0i32..900, 1..40),
    ) {
        // Build rows: each span is `len` days, then `gap` days without a rate.
        let mut rows = Vec::new();
        let mut start = 0;
        for (i, (len, gap, cents)) in spans.iter().enumerate() {
            let last = i + 1 == spans.len();
            let end = if last && open_last { None } else { Some(start + len - 1) };
            rows.push((start, end, Money::from_cents(*cents)));
            start += len + gap;
        }
        let mut csv = String::from("code,modifiers,rate,unit,effective_from,effective_to,program\n");
        for (s, e, m) in &rows {
            let to = e.map(|e| day(e).to_string()).unwrap_or_default();
            csv.push_str(&format!("H0004,HF,{m},15min,{},{to},\n", day(*s)));
        }
        let tmp = tempfile::tempdir().unwrap();
        for f in ["plan.toml", "services.csv", "auth_grid.csv"] {
            std::fs::copy(Path::new(DEMO).join(f), tmp.path().join(f)).unwrap();
        }
        std::fs::write(tmp.path().join("fee_schedule.csv"), &csv).unwrap();
        let plan = Plan::load(tmp.path()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let code = ProcedureCode::parse("H0004").unwrap();
        let hf = [accord_core::Modifier::parse("HF").unwrap()];
        for p in probes {
            let d = day(p);
            let expected = rows
                .iter()
                .find(|(s, e, _)| p >= *s && e.is_none_or(|e| p <= e))
                .map(|(_, _, m)| *m);
            prop_assert_eq!(plan.fees.rate(&code, &hf, d), expected, "date {}", d);
        }
    }
}
