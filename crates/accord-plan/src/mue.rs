//! `mue.csv` (CLM-05): medically unlikely edits in the column layout CMS publishes
//! ("HCPCS/CPT Code", "Practitioner Services MUE Values" — or the Outpatient Hospital / DME
//! Supplier variant —, "MUE Adjudication Indicator", "MUE Rationale"). CMS files are quarterly
//! and carry no dates; Accord also accepts optional "Effective Date" / "Deletion Date" columns so
//! one file can hold history. Indexed by code.

use std::collections::HashMap;
use std::path::Path;

use accord_core::{Date, ProcedureCode};

use crate::errors::PlanError;
use crate::table;

/// How an MUE is adjudicated (CMS's MAI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MueAdjudication {
    /// `1 Line Edit`: units on each claim line are compared to the value.
    Line,
    /// `2 Date of Service Edit: Policy`: units summed per date of service; absolute.
    DateOfServicePolicy,
    /// `3 Date of Service Edit: Clinical`: units summed per date of service.
    DateOfServiceClinical,
}

impl MueAdjudication {
    /// True for the date-of-service kinds (2 and 3), where units are summed across lines.
    pub fn per_date_of_service(self) -> bool {
        !matches!(self, MueAdjudication::Line)
    }
}

/// One MUE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MueEdit {
    /// CPT/HCPCS code.
    pub code: ProcedureCode,
    /// Most units per day (per line or per date of service, see `adjudication`).
    pub value: u32,
    /// MAI (defaults to date-of-service clinical when the column is absent or empty).
    pub adjudication: MueAdjudication,
    /// CMS's rationale text.
    pub rationale: String,
    /// First date of service (Accord extension; `None`: always).
    pub effective: Option<Date>,
    /// Applies to dates before this (Accord extension; `None`: active).
    pub deletion: Option<Date>,
    /// 1-based line in the file.
    pub line: usize,
}

impl MueEdit {
    /// True when the edit applies on `date`.
    pub fn active_on(&self, date: Date) -> bool {
        self.effective.is_none_or(|e| date >= e) && self.deletion.is_none_or(|d| date < d)
    }
}

/// The MUE table, indexed by code.
#[derive(Debug, Clone, Default)]
pub struct MueTable {
    by_code: HashMap<ProcedureCode, Vec<MueEdit>>,
    len: usize,
    /// The values column heading as written, e.g. "Practitioner Services MUE Values".
    pub values_column: String,
}

impl MueTable {
    /// CLM-05: the edit for `code` on `date`; with no date, the current one (no deletion date).
    pub fn edit(&self, code: &ProcedureCode, date: Option<Date>) -> Option<&MueEdit> {
        let rows = self.by_code.get(code)?;
        match date {
            Some(d) => rows.iter().find(|e| e.active_on(d)),
            None => rows.iter().find(|e| e.deletion.is_none()),
        }
    }

    /// CLM-05: most units per day for `code` on `date` (see [`Self::edit`]).
    pub fn limit(&self, code: &ProcedureCode, date: Option<Date>) -> Option<u32> {
        self.edit(code, date).map(|e| e.value)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

struct Cols {
    code: usize,
    value: usize,
    mai: Option<usize>,
    rationale: Option<usize>,
    effective: Option<usize>,
    deletion: Option<usize>,
}

fn parse_mai(s: &str) -> Result<MueAdjudication, String> {
    match s.trim().chars().next() {
        None => Ok(MueAdjudication::DateOfServiceClinical),
        Some('1') => Ok(MueAdjudication::Line),
        Some('2') => Ok(MueAdjudication::DateOfServicePolicy),
        Some('3') => Ok(MueAdjudication::DateOfServiceClinical),
        _ => Err(format!(
            "{s:?} is not an MUE adjudication indicator (starts with 1, 2 or 3, e.g. \"3 Date of Service Edit: Clinical\")"
        )),
    }
}

/// Parses an MUE file (see the module docs for the layout).
pub(crate) fn parse(file: &Path, text: &str, errors: &mut Vec<PlanError>) -> MueTable {
    let mut out = MueTable::default();
    let mut values_column = String::new();
    table::read_cms(
        file,
        text,
        "MUE",
        |first| first.starts_with("hcpcs"),
        errors,
        |cells, line, errors| {
            let f = |p: &dyn Fn(&str) -> bool| table::find_col(cells, p);
            let value = f(&|c| c.contains("mue value"));
            if value.is_none() {
                errors.push(PlanError::at(
                    file,
                    line,
                    Some("Practitioner Services MUE Values"),
                    "required column is missing from the header",
                ));
            }
            let value = value?;
            values_column = cells[value].clone();
            Some(Cols {
                code: 0,
                value,
                mai: f(&|c| c.contains("adjudication")),
                rationale: f(&|c| c.contains("rationale")),
                effective: f(&|c| c.starts_with("effective")),
                deletion: f(&|c| c.starts_with("deletion")),
            })
        },
        |c, line, rec, errors| {
            let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
            let mut bad = |field: &str, m: String| {
                errors.push(PlanError::at(file, line, Some(field), m));
            };
            let code = table::parse_code(get(Some(c.code))).map_err(|m| bad("HCPCS/CPT Code", m));
            let value = table::parse_u32(get(Some(c.value))).map_err(|m| bad("MUE Values", m));
            let mai = parse_mai(get(c.mai)).map_err(|m| bad("MUE Adjudication Indicator", m));
            let opt_date = |s: &str| match s {
                "" | "*" => Ok(None),
                d => table::parse_date(d).map(Some),
            };
            let effective = opt_date(get(c.effective)).map_err(|m| bad("Effective Date", m));
            let deletion = opt_date(get(c.deletion)).map_err(|m| bad("Deletion Date", m));
            let (Ok(code), Ok(value), Ok(adjudication), Ok(effective), Ok(deletion)) =
                (code, value, mai, effective, deletion)
            else {
                return;
            };
            let rows = match out.by_code.get_mut(&code) {
                Some(r) => r,
                None => out.by_code.entry(code.clone()).or_default(),
            };
            if let Some(prev) = rows.iter().find(|p| {
                let a_before_b = p.deletion.zip(effective).is_some_and(|(d, e)| d <= e);
                let b_before_a = deletion.zip(p.effective).is_some_and(|(d, e)| d <= e);
                !a_before_b && !b_before_a
            }) {
                bad(
                    "HCPCS/CPT Code",
                    format!(
                        "{code} already has an MUE in effect on line {} (add Effective/Deletion dates to keep history)",
                        prev.line
                    ),
                );
                return;
            }
            rows.push(MueEdit {
                code,
                value,
                adjudication,
                rationale: get(c.rationale).to_owned(),
                effective,
                deletion,
                line,
            });
            out.len += 1;
        },
    );
    out.values_column = values_column;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn code(s: &str) -> ProcedureCode {
        ProcedureCode::parse(s).unwrap()
    }

    #[test]
    fn clm_05_mue_limits_in_cms_layout() {
        let text = "\
CPT codes and descriptions only are copyright 2025 American Medical Association.\n\
HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale\n\
90791,1,3 Date of Service Edit: Clinical,Nature of Service/Procedure\n\
H0004,24,1 Line Edit,Clinical: Data\n";
        let mut errors = Vec::new();
        let t = parse(Path::new("mue.csv"), text, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(t.limit(&code("90791"), None), Some(1));
        assert_eq!(t.limit(&code("H0004"), Some(date(2026, 1, 1))), Some(24));
        assert_eq!(
            t.edit(&code("H0004"), None).unwrap().adjudication,
            MueAdjudication::Line
        );
        assert_eq!(t.values_column, "practitioner services mue values");
        assert!(t.limit(&code("90832"), None).is_none());
    }

    #[test]
    fn dated_history_and_duplicates() {
        let text = "HCPCS/CPT Code,Practitioner Services MUE Values,MUE Adjudication Indicator,MUE Rationale,Effective Date,Deletion Date\n\
H0004,16,3,Clinical: Data,20240101,20260101\n\
H0004,24,3,Clinical: Data,20260101,*\n\
H0004,30,3,Clinical: Data,20260601,\n";
        let mut errors = Vec::new();
        let t = parse(Path::new("mue.csv"), text, &mut errors);
        assert_eq!(t.limit(&code("H0004"), Some(date(2025, 12, 31))), Some(16));
        assert_eq!(t.limit(&code("H0004"), Some(date(2026, 1, 1))), Some(24));
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().starts_with(
            "mue.csv:4: HCPCS/CPT Code: H0004 already has an MUE in effect on line 3"
        ));
    }
}
