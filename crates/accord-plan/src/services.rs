//! `services.csv`: the covered services — code, modifiers, unit, benefit limits (CLM-08), add-on
//! primaries and timed codes (CLM-04, CLM-09), allowed places of service and revenue codes, and
//! the dates each code is valid (CLM-04 "codes valid for the date of service").

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use accord_core::{Date, Modifier, PlaceOfService, ProcedureCode, RevenueCode};

use crate::errors::PlanError;
use crate::keys::{DateSpan, ModifierSet, code_key, most_specific};
use crate::table::{self, Col, opt, req};

/// The unit a service is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServiceUnit {
    /// 15 minutes.
    Min15,
    /// One hour.
    Hour,
    /// One day (per diem).
    Day,
    /// One event / session regardless of length.
    Event,
    /// One month.
    Month,
}

impl ServiceUnit {
    /// The spelling in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceUnit::Min15 => "15min",
            ServiceUnit::Hour => "hour",
            ServiceUnit::Day => "day",
            ServiceUnit::Event => "event",
            ServiceUnit::Month => "month",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "15min" => Ok(ServiceUnit::Min15),
            "hour" => Ok(ServiceUnit::Hour),
            "day" => Ok(ServiceUnit::Day),
            "event" => Ok(ServiceUnit::Event),
            "month" => Ok(ServiceUnit::Month),
            _ => Err(format!(
                "{s:?} is not a unit (use 15min, hour, day, event or month)"
            )),
        }
    }
}

impl fmt::Display for ServiceUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One covered service (a row of `services.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// CPT/HCPCS code.
    pub code: ProcedureCode,
    /// Modifiers that identify this service variant (see [`ModifierSet`] for matching).
    pub modifiers: ModifierSet,
    /// Plain description.
    pub description: String,
    /// Unit of service.
    pub unit: ServiceUnit,
    /// Level of care, e.g. `outpatient`, `residential`, `crisis` (free text, matched by the grid).
    pub level_of_care: String,
    /// CLM-08 most units per member per day (`None`: no limit).
    pub max_units_per_day: Option<u32>,
    /// CLM-08 most units per member per plan year (`None`: no limit).
    pub max_units_per_year: Option<u32>,
    /// CLM-04 for an add-on code: the primary codes it may be billed with (empty: not an add-on).
    pub add_on_of: Vec<ProcedureCode>,
    /// CLM-09 timed code: start and stop times are required in the record.
    pub timed: bool,
    /// CLM-04 allowed places of service (empty: any).
    pub places_of_service: Vec<PlaceOfService>,
    /// Revenue codes for institutional (837I) lines (empty: professional only).
    pub revenue_codes: Vec<RevenueCode>,
    /// Billed per diem (unit must be `day`; SP-06, PAY-01 admission-date pricing).
    pub per_diem: bool,
    /// CLM-04 dates the code is valid.
    pub effective: DateSpan,
    /// 1-based line in `services.csv`.
    pub line: usize,
}

impl Service {
    /// True when this is an add-on code.
    pub fn is_add_on(&self) -> bool {
        !self.add_on_of.is_empty()
    }

    /// CLM-04: true when `pos` is allowed (any place when the list is empty).
    pub fn allows_place_of_service(&self, pos: &PlaceOfService) -> bool {
        self.places_of_service.is_empty() || self.places_of_service.contains(pos)
    }
}

/// The services catalog, indexed by code.
#[derive(Debug, Clone, Default)]
pub struct ServiceCatalog {
    by_code: HashMap<ProcedureCode, Vec<Service>>,
    len: usize,
}

impl ServiceCatalog {
    /// CLM-04: the service row for a code, the line's modifiers and the date of service — the most
    /// specific row whose modifiers are all on the line and whose dates contain `date`. `None`
    /// means not covered (or not valid on that date).
    pub fn get(
        &self,
        code: &ProcedureCode,
        modifiers: &[Modifier],
        date: Date,
    ) -> Option<&Service> {
        let rows = self.by_code.get(code)?;
        most_specific(
            rows.iter().filter(|s| s.effective.contains(date)),
            |s| &s.modifiers,
            modifiers,
        )
    }

    /// True when the plan lists the code at all (on any date).
    pub fn knows(&self, code: &ProcedureCode) -> bool {
        self.by_code.contains_key(code)
    }

    /// Every row for a code, in file order.
    pub fn rows(&self, code: &ProcedureCode) -> &[Service] {
        self.by_code.get(code).map_or(&[], Vec::as_slice)
    }

    /// Every service, grouped by code (no particular code order).
    pub fn iter(&self) -> impl Iterator<Item = &Service> {
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
    req("description"),
    req("unit"),
    req("level_of_care"),
    opt("max_units_per_day"),
    opt("max_units_per_year"),
    opt("add_on_of"),
    opt("timed"),
    opt("places_of_service"),
    opt("revenue_codes"),
    opt("per_diem"),
    req("effective_from"),
    opt("effective_to"),
];

/// Parses `services.csv` text, collecting every problem.
pub(crate) fn parse(file: &Path, text: &str, errors: &mut Vec<PlanError>) -> ServiceCatalog {
    let mut rows: Vec<Service> = Vec::new();
    table::read_table(file, text, COLS, errors, |r| {
        let code = r.required("code", table::parse_code);
        let modifiers = r.optional("modifiers", table::parse_modifiers);
        let description = r.text("description").to_owned();
        let unit = r.required("unit", ServiceUnit::parse);
        let level_of_care = r.text("level_of_care").to_ascii_lowercase();
        if level_of_care.is_empty() {
            r.error("level_of_care", "is required");
        }
        let max_day = r.optional("max_units_per_day", table::parse_u32);
        let max_year = r.optional("max_units_per_year", table::parse_u32);
        let add_on_of = r.optional("add_on_of", |s| table::parse_list(s, table::parse_code));
        let timed = r.optional("timed", table::parse_bool).unwrap_or(false);
        let pos = r.optional("places_of_service", |s| {
            table::parse_list(s, table::parse_pos)
        });
        let rev = r.optional("revenue_codes", |s| {
            table::parse_list(s, table::parse_revenue)
        });
        let per_diem = r.optional("per_diem", table::parse_bool).unwrap_or(false);
        let effective = r.span("effective_from", "effective_to");
        if per_diem && unit.is_some_and(|u| u != ServiceUnit::Day) {
            r.error(
                "per_diem",
                "a per-diem service must have unit = day (SP-06)",
            );
        }
        if max_day == Some(0) {
            r.error(
                "max_units_per_day",
                "0 would forbid the service; leave empty for no limit",
            );
        }
        if r.failed() {
            return;
        }
        let (Some(code), Some(unit), Some(effective)) = (code, unit, effective) else {
            return;
        };
        rows.push(Service {
            code,
            modifiers: modifiers.unwrap_or_default(),
            description,
            unit,
            level_of_care,
            max_units_per_day: max_day,
            max_units_per_year: max_year,
            add_on_of: add_on_of.unwrap_or_default(),
            timed,
            places_of_service: pos.unwrap_or_default(),
            revenue_codes: rev.unwrap_or_default(),
            per_diem,
            effective,
            line: r.line,
        });
    });
    let mut catalog = ServiceCatalog::default();
    for s in rows {
        let same = catalog.by_code.entry(s.code.clone()).or_default();
        if let Some(prev) = same
            .iter()
            .find(|p| p.modifiers == s.modifiers && p.effective.overlaps(&s.effective))
        {
            errors.push(PlanError::at(
                file,
                s.line,
                Some("effective_from"),
                format!(
                    "{} ({}) overlaps line {} ({}); one row per code, modifiers and date",
                    code_key(&s.code, &s.modifiers),
                    s.effective,
                    prev.line,
                    prev.effective
                ),
            ));
            continue;
        }
        same.push(s);
        catalog.len += 1;
    }
    // CLM-04: an add-on's primaries must themselves be covered services.
    let mut missing = Vec::new();
    for s in catalog.iter() {
        for p in &s.add_on_of {
            if !catalog.knows(p) {
                missing.push((s.line, p.clone()));
            }
        }
    }
    missing.sort_by_key(|(l, _)| *l);
    for (line, p) in missing {
        errors.push(PlanError::at(
            file,
            line,
            Some("add_on_of"),
            format!("primary code {p} is not in services.csv"),
        ));
    }
    catalog
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const HEADER: &str = "code,modifiers,description,unit,level_of_care,max_units_per_day,max_units_per_year,add_on_of,timed,places_of_service,revenue_codes,per_diem,effective_from,effective_to\n";

    fn load(rows: &str) -> (ServiceCatalog, Vec<String>) {
        let mut errors = Vec::new();
        let c = parse(
            Path::new("services.csv"),
            &format!("{HEADER}{rows}"),
            &mut errors,
        );
        (c, errors.iter().map(ToString::to_string).collect())
    }

    fn code(s: &str) -> ProcedureCode {
        ProcedureCode::parse(s).unwrap()
    }

    #[test]
    fn clm_04_code_valid_only_within_its_dates() {
        let (c, e) = load(
            "H0004,HF,Counseling,15min,outpatient,8,,,false,11|53,,false,2024-01-01,2026-06-30\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let hf = [Modifier::parse("HF").unwrap()];
        let s = c.get(&code("H0004"), &hf, date(2026, 6, 30)).unwrap();
        assert_eq!(s.max_units_per_day, Some(8));
        assert!(c.get(&code("H0004"), &hf, date(2026, 7, 1)).is_none());
        assert!(c.get(&code("H0004"), &[], date(2026, 1, 1)).is_none());
    }

    #[test]
    fn every_bad_field_is_reported() {
        let (_, e) = load(
            "H0004,HFX,Counseling,minutes,outpatient,x,,,maybe,,,false,2024-01-01,\n\
             90833,,Add-on,event,outpatient,,,99299,true,,,false,2024-01-01,\n",
        );
        assert_eq!(
            e,
            [
                "services.csv:2: modifiers: \"HFX\" must be exactly 2 letters or digits",
                "services.csv:2: unit: \"minutes\" is not a unit (use 15min, hour, day, event or month)",
                "services.csv:2: max_units_per_day: \"x\" is not a whole number",
                "services.csv:2: timed: \"maybe\" is not true or false",
                "services.csv:3: add_on_of: primary code 99299 is not in services.csv",
            ]
        );
    }

    #[test]
    fn overlapping_rows_are_refused() {
        let (_, e) = load(
            "H0004,HF,A,15min,outpatient,,,,,,,,2024-01-01,\n\
             H0004,HF,B,15min,outpatient,,,,,,,,2025-01-01,\n",
        );
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with(
                "services.csv:3: effective_from: H0004 HF (2025-01-01 onward) overlaps line 2"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn sp_06_per_diem_requires_day_unit() {
        let (_, e) = load("H0047,,Residential,event,residential,,,,,,0944,true,2024-01-01,\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("per_diem: a per-diem service must have unit = day"));
    }
}
