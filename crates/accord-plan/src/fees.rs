//! `fee_schedule.csv` (PAY-01): the plan's rate per code + modifiers (+ optionally program),
//! effective by date. Spans for the same key never overlap, so a date has at most one rate.

use std::collections::HashMap;
use std::path::Path;

use accord_core::member::Program;
use accord_core::{Date, Modifier, Money, ProcedureCode};

use crate::errors::PlanError;
use crate::keys::{DateSpan, ModifierSet, code_key};
use crate::services::{ServiceCatalog, ServiceUnit};
use crate::table::{self, Col, opt, req};

/// One rate row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeEntry {
    /// CPT/HCPCS code.
    pub code: ProcedureCode,
    /// Pricing modifiers (see [`ModifierSet`] for matching).
    pub modifiers: ModifierSet,
    /// Rate per unit.
    pub rate: Money,
    /// The unit the rate is per.
    pub unit: ServiceUnit,
    /// Dates the rate is in effect (inclusive; open-ended when `to` is empty).
    pub effective: DateSpan,
    /// Program-specific rate, or `None` for every program.
    pub program: Option<Program>,
    /// 1-based line in `fee_schedule.csv`.
    pub line: usize,
}

/// The fee schedule, indexed by code.
#[derive(Debug, Clone, Default)]
pub struct FeeSchedule {
    by_code: HashMap<ProcedureCode, Vec<FeeEntry>>,
    len: usize,
}

impl FeeSchedule {
    /// PAY-01: the rate for a code and the line's modifiers in effect on `date` (the date of
    /// service, or the admission date for inpatient/residential per diems), from rows that apply
    /// to every program.
    pub fn rate(&self, code: &ProcedureCode, modifiers: &[Modifier], date: Date) -> Option<Money> {
        self.entry(code, modifiers, date, None).map(|e| e.rate)
    }

    /// PAY-01 for a program: a program-specific row beats an all-programs row; among those, the
    /// most specific modifier match wins (see [`ModifierSet`]).
    pub fn rate_for_program(
        &self,
        code: &ProcedureCode,
        modifiers: &[Modifier],
        date: Date,
        program: Program,
    ) -> Option<Money> {
        self.entry(code, modifiers, date, Some(program))
            .map(|e| e.rate)
    }

    /// The row [`Self::rate`] / [`Self::rate_for_program`] would use.
    pub fn entry(
        &self,
        code: &ProcedureCode,
        modifiers: &[Modifier],
        date: Date,
        program: Option<Program>,
    ) -> Option<&FeeEntry> {
        let mut best: Option<(&FeeEntry, (bool, usize))> = None;
        for e in self.by_code.get(code)? {
            if !e.effective.contains(date) || !e.modifiers.matches(modifiers) {
                continue;
            }
            let program_specific = match (e.program, program) {
                (None, _) => false,
                (Some(p), Some(q)) if p == q => true,
                _ => continue,
            };
            let score = (program_specific, e.modifiers.len());
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((e, score));
            }
        }
        best.map(|(e, _)| e)
    }

    /// Every row, grouped by code.
    pub fn iter(&self) -> impl Iterator<Item = &FeeEntry> {
        self.by_code.values().flatten()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

const COLS: &[Col] = &[
    req("code"),
    req("modifiers"),
    req("rate"),
    req("unit"),
    req("effective_from"),
    opt("effective_to"),
    opt("program"),
];

fn parse_program(s: &str) -> Result<Program, String> {
    Program::parse(&s.to_ascii_lowercase()).ok_or_else(|| {
        let all: Vec<&str> = Program::ALL.iter().map(|p| p.as_str()).collect();
        format!("{s:?} is not a program (use {})", all.join(", "))
    })
}

/// Parses `fee_schedule.csv`. Codes must be in the services catalog with the same unit (when it
/// loaded); overlapping spans for the same code, modifiers and program name both lines.
pub(crate) fn parse(
    file: &Path,
    text: &str,
    services: Option<&ServiceCatalog>,
    errors: &mut Vec<PlanError>,
) -> FeeSchedule {
    let mut fees = FeeSchedule::default();
    table::read_table(file, text, COLS, errors, |r| {
        let code = r.required("code", table::parse_code);
        let modifiers = r.optional("modifiers", table::parse_modifiers);
        let rate = r.required("rate", table::parse_money);
        let unit = r.required("unit", ServiceUnit::parse);
        let effective = r.span("effective_from", "effective_to");
        let program = r.optional("program", parse_program);
        if let (Some(c), Some(u), Some(svc)) = (&code, unit, services) {
            let rows = svc.rows(c);
            if rows.is_empty() {
                r.error("code", format!("{c} is not in services.csv"));
            } else if !rows.iter().any(|s| s.unit == u) {
                r.error(
                    "unit",
                    format!(
                        "{u} does not match the unit of {c} in services.csv ({})",
                        rows[0].unit
                    ),
                );
            }
        }
        if r.failed() {
            return;
        }
        let (Some(code), Some(rate), Some(unit), Some(effective)) = (code, rate, unit, effective)
        else {
            return;
        };
        let modifiers = modifiers.unwrap_or_default();
        let rows = fees.by_code.entry(code.clone()).or_default();
        if let Some(prev) = rows.iter().find(|p| {
            p.modifiers == modifiers && p.program == program && p.effective.overlaps(&effective)
        }) {
            let (pl, pe) = (prev.line, prev.effective);
            let key = code_key(&code, &modifiers);
            r.error(
                "effective_from",
                format!(
                    "{key} ({effective}) overlaps line {pl} ({pe}) with the same code, modifiers and program"
                ),
            );
            return;
        }
        rows.push(FeeEntry {
            code,
            modifiers,
            rate,
            unit,
            effective,
            program,
            line: r.line,
        });
        fees.len += 1;
    });
    fees
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const HEADER: &str = "code,modifiers,rate,unit,effective_from,effective_to,program\n";

    fn load(rows: &str) -> (FeeSchedule, Vec<String>) {
        let mut errors = Vec::new();
        let f = parse(
            Path::new("fee_schedule.csv"),
            &format!("{HEADER}{rows}"),
            None,
            &mut errors,
        );
        (f, errors.iter().map(ToString::to_string).collect())
    }

    fn code(s: &str) -> ProcedureCode {
        ProcedureCode::parse(s).unwrap()
    }

    #[test]
    fn pay_01_rate_by_date_modifier_and_program() {
        let (f, e) = load(
            "H0004,,20.00,15min,2025-01-01,2025-12-31,\n\
             H0004,,21.00,15min,2026-01-01,,\n\
             H0004,HF,22.50,15min,2026-01-01,,\n\
             H0004,HF,19.00,15min,2026-01-01,,state_funded\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let hf = [Modifier::parse("HF").unwrap()];
        let c = code("H0004");
        assert_eq!(
            f.rate(&c, &[], date(2025, 12, 31)),
            Some(Money::from_cents(2000))
        );
        assert_eq!(
            f.rate(&c, &[], date(2026, 1, 1)),
            Some(Money::from_cents(2100))
        );
        assert_eq!(
            f.rate(&c, &hf, date(2026, 1, 1)),
            Some(Money::from_cents(2250))
        );
        assert_eq!(
            f.rate_for_program(&c, &hf, date(2026, 1, 1), Program::StateFunded),
            Some(Money::from_cents(1900))
        );
        assert_eq!(
            f.rate_for_program(&c, &hf, date(2026, 1, 1), Program::Medicaid),
            Some(Money::from_cents(2250))
        );
        assert_eq!(f.rate(&c, &[], date(2024, 12, 31)), None);
    }

    #[test]
    fn pay_01_overlapping_spans_name_both_lines() {
        let (_, e) = load(
            "H0004,,20.00,15min,2025-01-01,2025-12-31,\n\
             H0004,,21.00,15min,2025-12-01,,\n",
        );
        assert_eq!(
            e,
            [
                "fee_schedule.csv:3: effective_from: H0004 (2025-12-01 onward) overlaps line 2 (2025-01-01 to 2025-12-31) with the same code, modifiers and program"
            ]
        );
    }

    #[test]
    fn bad_rate_names_file_line_and_field() {
        let (_, e) = load("H0004,,12.x,15min,2025-01-01,,\n");
        assert_eq!(e, ["fee_schedule.csv:2: rate: \"12.x\" is not a number"]);
    }
}
