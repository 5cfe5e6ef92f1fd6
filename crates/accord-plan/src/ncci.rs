//! `ncci_ptp.csv` (CLM-05): NCCI procedure-to-procedure edits in the column layout CMS publishes
//! ("Column 1", "Column 2", "* = in existence prior to 1996", "Effective Date", "Deletion Date
//! *=no data", "Modifier 0=not allowed 1=allowed 9=not applicable", "PTP Edit Rationale"). A CMS
//! download saved as CSV (or left tab-delimited) loads as is: the copyright preamble and the
//! second header row are skipped. Indexed for constant-time pair lookup.

use std::collections::HashMap;
use std::path::Path;

use accord_core::{Date, ProcedureCode};

use crate::errors::PlanError;
use crate::table;

/// CMS's modifier indicator for a PTP pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PtpModifierIndicator {
    /// `0`: no modifier lets the pair be paid together; the column-2 code denies.
    NotAllowed,
    /// `1`: an NCCI-associated modifier (e.g. 59, XE, XP, XS, XU, 25) bypasses the edit.
    Allowed,
    /// `9`: the edit is deleted / not applicable.
    NotApplicable,
}

/// One PTP edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtpEdit {
    /// The column-1 (comprehensive) code, which is paid.
    pub column1: ProcedureCode,
    /// The column-2 (component) code, which denies unless a permitted modifier applies.
    pub column2: ProcedureCode,
    /// CMS's `*`: the edit existed before 1996.
    pub prior_to_1996: bool,
    /// First date of service the edit applies to.
    pub effective: Date,
    /// Deletion date: the edit applies to dates of service before it (`None`: active).
    pub deletion: Option<Date>,
    /// Whether a modifier can bypass the edit.
    pub modifier: PtpModifierIndicator,
    /// CMS's rationale text, e.g. "Mutually exclusive procedures".
    pub rationale: String,
    /// 1-based line in the file.
    pub line: usize,
}

impl PtpEdit {
    /// True when the edit applies to a date of service: on or after the effective date and before
    /// the deletion date.
    pub fn active_on(&self, date: Date) -> bool {
        date >= self.effective && self.deletion.is_none_or(|d| date < d)
    }
}

/// The PTP edits, indexed by column-1 then column-2 code.
#[derive(Debug, Clone, Default)]
pub struct NcciTable {
    by_col1: HashMap<ProcedureCode, HashMap<ProcedureCode, Vec<PtpEdit>>>,
    len: usize,
}

impl NcciTable {
    /// CLM-05: the edit for the pair (`col1`, `col2`) active on `date`, if any.
    pub fn pair(&self, col1: &ProcedureCode, col2: &ProcedureCode, date: Date) -> Option<&PtpEdit> {
        self.by_col1
            .get(col1)?
            .get(col2)?
            .iter()
            .find(|e| e.active_on(date))
    }

    /// CLM-05: every edit active on `date` with `col1` as its column-1 code.
    pub fn column2_of<'a>(
        &'a self,
        col1: &ProcedureCode,
        date: Date,
    ) -> impl Iterator<Item = &'a PtpEdit> + 'a {
        self.by_col1
            .get(col1)
            .into_iter()
            .flat_map(|m| m.values().flatten())
            .filter(move |e| e.active_on(date))
    }

    /// Number of edits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

struct Cols {
    col1: usize,
    col2: usize,
    prior: Option<usize>,
    effective: usize,
    deletion: Option<usize>,
    modifier: usize,
    rationale: Option<usize>,
}

fn parse_indicator(s: &str) -> Result<PtpModifierIndicator, String> {
    match s.trim() {
        "0" => Ok(PtpModifierIndicator::NotAllowed),
        "1" => Ok(PtpModifierIndicator::Allowed),
        "9" => Ok(PtpModifierIndicator::NotApplicable),
        _ => Err(format!("{s:?} is not a modifier indicator (0, 1 or 9)")),
    }
}

/// Parses a PTP edit file (see the module docs for the layout).
pub(crate) fn parse(file: &Path, text: &str, errors: &mut Vec<PlanError>) -> NcciTable {
    let mut out = NcciTable::default();
    table::read_cms(
        file,
        text,
        "NCCI PTP",
        |first| first.starts_with("column 1"),
        errors,
        |cells, line, errors| {
            let f = |p: &dyn Fn(&str) -> bool| table::find_col(cells, p);
            let cols = (
                f(&|c| c.starts_with("column 1")),
                f(&|c| c.starts_with("column 2")),
                f(&|c| c.starts_with('*') || c.contains("prior to 1996")),
                f(&|c| c.starts_with("effective")),
                f(&|c| c.starts_with("deletion")),
                f(&|c| c.starts_with("modifier")),
                f(&|c| c.contains("rationale")),
            );
            let mut missing = Vec::new();
            for (name, c) in [
                ("Column 2", cols.1),
                ("Effective Date", cols.3),
                ("Modifier 0=not allowed 1=allowed 9=not applicable", cols.5),
            ] {
                if c.is_none() {
                    missing.push(name);
                }
            }
            for name in &missing {
                errors.push(PlanError::at(
                    file,
                    line,
                    Some(name),
                    "required column is missing from the header",
                ));
            }
            Some(Cols {
                col1: cols.0?,
                col2: cols.1?,
                prior: cols.2,
                effective: cols.3?,
                deletion: cols.4,
                modifier: cols.5?,
                rationale: cols.6,
            })
        },
        |c, line, rec, errors| {
            let get = |i: usize| rec.get(i).unwrap_or("").trim();
            let mut bad = |field: &str, m: String| {
                errors.push(PlanError::at(file, line, Some(field), m));
            };
            let col1 = table::parse_code(get(c.col1)).map_err(|m| bad("Column 1", m));
            let col2 = table::parse_code(get(c.col2)).map_err(|m| bad("Column 2", m));
            let prior = match c.prior.map(get).unwrap_or("") {
                "" => Ok(false),
                "*" => Ok(true),
                other => {
                    bad(
                        "* = in existence prior to 1996",
                        format!("{other:?} must be * or empty"),
                    );
                    Err(())
                }
            };
            let effective =
                table::parse_date(get(c.effective)).map_err(|m| bad("Effective Date", m));
            let deletion = match c.deletion.map(get).unwrap_or("") {
                "" | "*" => Ok(None),
                d => table::parse_date(d)
                    .map(Some)
                    .map_err(|m| bad("Deletion Date", m)),
            };
            let modifier = parse_indicator(get(c.modifier)).map_err(|m| bad("Modifier", m));
            let (
                Ok(column1),
                Ok(column2),
                Ok(prior_to_1996),
                Ok(effective),
                Ok(deletion),
                Ok(modifier),
            ) = (col1, col2, prior, effective, deletion, modifier)
            else {
                return;
            };
            if let Some(d) = deletion
                && d < effective
            {
                bad(
                    "Deletion Date",
                    format!("{d} is before the effective date {effective}"),
                );
                return;
            }
            let edit = PtpEdit {
                column1,
                column2,
                prior_to_1996,
                effective,
                deletion,
                modifier,
                rationale: c.rationale.map(get).unwrap_or("").to_owned(),
                line,
            };
            // Look up before inserting so the common case (column 1 already present) clones nothing.
            let by_col2 = match out.by_col1.get_mut(&edit.column1) {
                Some(m) => m,
                None => out.by_col1.entry(edit.column1.clone()).or_default(),
            };
            match by_col2.get_mut(&edit.column2) {
                Some(v) => v.push(edit),
                None => {
                    by_col2.insert(edit.column2.clone(), vec![edit]);
                }
            }
            out.len += 1;
        },
    );
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
    fn clm_05_loads_cms_layout_with_preamble_and_two_header_rows() {
        let text = "\
CPT codes and descriptions only are copyright 2025 American Medical Association. All rights reserved.\n\
Column1/Column 2 Edits\n\
Column 1,Column 2,\"*=in existence prior to 1996\",Effective Date,\"Deletion Date\n*=no data\",\"Modifier\n0=not allowed\n1=allowed\n9=not applicable\",PTP Edit Rationale\n\
,,,,,,\n\
90791,90832,,20130101,*,0,Mutually exclusive procedures\n\
99213,90853,,20200101,20250101,1,Misuse of column two code with column one code\n";
        let mut errors = Vec::new();
        let t = parse(Path::new("ncci_ptp.csv"), text, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(t.len(), 2);
        let e = t
            .pair(&code("90791"), &code("90832"), date(2026, 1, 5))
            .unwrap();
        assert_eq!(e.modifier, PtpModifierIndicator::NotAllowed);
        assert_eq!(e.line, 9, "quoted header cells span lines 3-7");
        assert!(
            t.pair(&code("90832"), &code("90791"), date(2026, 1, 5))
                .is_none()
        );
        assert!(
            t.pair(&code("99213"), &code("90853"), date(2024, 12, 31))
                .is_some()
        );
        assert!(
            t.pair(&code("99213"), &code("90853"), date(2025, 1, 1))
                .is_none()
        );
    }

    #[test]
    fn tab_delimited_and_bad_rows() {
        let text = "Column 1\tColumn 2\t*\tEffective Date\tDeletion Date *=no data\tModifier 0=not allowed 1=allowed 9=not applicable\tPTP Edit Rationale\n\
90791\t9083X\t\t20130101\t*\t0\tx\n\
90791\t90834\t\t2013-02-30\t*\t3\tx\n";
        let mut errors = Vec::new();
        let t = parse(Path::new("ncci_ptp.csv"), text, &mut errors);
        assert!(t.is_empty());
        let s: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(s.len(), 3, "{s:#?}");
        assert!(s[0].starts_with("ncci_ptp.csv:2: Column 2: \"9083X\""));
        assert!(s[1].starts_with("ncci_ptp.csv:3: Effective Date: \"2013-02-30\" is not a date"));
        assert!(s[2].starts_with("ncci_ptp.csv:3: Modifier: \"3\""));
    }
}
