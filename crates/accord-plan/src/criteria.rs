//! `um_criteria.csv` (optional; UM-10): the plan's automatic-approval criteria per level of care.
//!
//! A row says: a request for this level of care whose structured clinical information scores inside
//! `levels` on `instrument` (LOCUS for mental health, ASAM for substance use), names every field in
//! `required_fields`, asks for no more than `max_units` units per service and `max_days` calendar
//! days, and has no imminent risk, may be approved at once by the rules. Anything else goes to a
//! clinical care manager. `criteria_set` names the published criteria the row encodes (UM-10: CMS
//! NCD/LCD, plan custom, ASAM, InterQual, the plan's own) — it is what adverse-determination notices
//! offer "on request" (UM-06). Levels of care with no row are never approved automatically.

use std::collections::HashMap;
use std::path::Path;

use crate::errors::PlanError;
use crate::table::{self, Col, opt, req};

/// The instrument a criteria row scores with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instrument {
    /// Level of Care Utilization System (mental health): levels 1–6.
    Locus,
    /// ASAM Criteria (substance use): 0.5, 1, 2.1, 2.5, 3.1, 3.3, 3.5, 3.7, 4.
    Asam,
    /// No score needed: required fields and ceilings only.
    None,
}

impl Instrument {
    /// The file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Locus => "locus",
            Instrument::Asam => "asam",
            Instrument::None => "none",
        }
    }
}

/// ASAM levels of care, as written (`0.5` … `4`).
pub const ASAM_LEVELS: &[&str] = &["0.5", "1", "2.1", "2.5", "3.1", "3.3", "3.5", "3.7", "4"];

/// Clinical fields a request can carry (the handbook's §12.09 list), by their JSON name.
pub const CLINICAL_FIELDS: &[&str] = &[
    "reason_for_admission",
    "risk",
    "substance_use",
    "medical",
    "medications",
    "functioning",
    "stressors",
    "previous_treatment",
    "treatment_plan",
    "discharge_plan",
];

/// One level of care's automatic-approval criteria.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criteria {
    /// Level of care (lower case), as in `services.csv`.
    pub level_of_care: String,
    /// UM-10: the published criteria set this row encodes, named on notices.
    pub criteria_set: String,
    /// The instrument scored.
    pub instrument: Instrument,
    /// Instrument levels that meet the criteria (LOCUS `"3"`, ASAM `"3.5"`); empty with `none`.
    pub levels: Vec<String>,
    /// Most units per requested service the rules may approve (`None`: no unit ceiling).
    pub max_units: Option<u32>,
    /// Most calendar days (start to end, inclusive) the rules may approve.
    pub max_days: Option<u32>,
    /// Clinical fields that must be present for the request to be complete (UM-03).
    pub required_fields: Vec<String>,
    /// Plain words for providers.
    pub note: String,
    /// 1-based line in the file.
    pub line: usize,
}

impl Criteria {
    /// True when `level` (as the request states it) is one of the row's levels.
    pub fn level_meets(&self, level: &str) -> bool {
        self.levels.iter().any(|l| l == level.trim())
    }
}

/// The criteria table, by level of care.
#[derive(Debug, Clone, Default)]
pub struct CriteriaTable {
    by_level: HashMap<String, Criteria>,
}

impl CriteriaTable {
    /// UM-10: the criteria for a level of care, if the plan has automatic criteria for it.
    pub fn for_level(&self, level_of_care: &str) -> Option<&Criteria> {
        self.by_level
            .get(&level_of_care.trim().to_ascii_lowercase())
    }

    /// Every row, ordered by level of care.
    pub fn iter(&self) -> impl Iterator<Item = &Criteria> {
        let mut v: Vec<&Criteria> = self.by_level.values().collect();
        v.sort_by(|a, b| a.level_of_care.cmp(&b.level_of_care));
        v.into_iter()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.by_level.len()
    }

    /// True when the plan has no automatic criteria.
    pub fn is_empty(&self) -> bool {
        self.by_level.is_empty()
    }
}

const COLS: &[Col] = &[
    req("level_of_care"),
    req("criteria_set"),
    req("instrument"),
    opt("levels"),
    opt("max_units"),
    opt("max_days"),
    opt("required_fields"),
    opt("note"),
];

fn parse_instrument(s: &str) -> Result<Instrument, String> {
    match s.to_ascii_lowercase().as_str() {
        "locus" => Ok(Instrument::Locus),
        "asam" => Ok(Instrument::Asam),
        "none" => Ok(Instrument::None),
        _ => Err(format!("{s:?} is not an instrument (locus, asam or none)")),
    }
}

fn parse_level(instrument: Instrument, s: &str) -> Result<String, String> {
    match instrument {
        Instrument::Locus => match s.parse::<u8>() {
            Ok(n @ 1..=6) => Ok(n.to_string()),
            _ => Err(format!("{s:?} is not a LOCUS level (1 to 6)")),
        },
        Instrument::Asam => ASAM_LEVELS
            .iter()
            .find(|l| **l == s)
            .map(|l| (*l).to_owned())
            .ok_or_else(|| format!("{s:?} is not an ASAM level ({})", ASAM_LEVELS.join(", "))),
        Instrument::None => Err("levels must be empty when instrument is none".into()),
    }
}

pub(crate) fn parse(
    file: &Path,
    text: &str,
    levels_of_care: Option<&[String]>,
    errors: &mut Vec<PlanError>,
) -> CriteriaTable {
    let mut out = CriteriaTable::default();
    table::read_table(file, text, COLS, errors, |r| {
        let level_of_care = r.text("level_of_care").to_ascii_lowercase();
        if level_of_care.is_empty() {
            r.error("level_of_care", "is required");
        } else if let Some(known) = levels_of_care
            && !known.contains(&level_of_care)
        {
            r.error(
                "level_of_care",
                format!("{level_of_care:?} is not a level of care in services.csv"),
            );
        }
        let criteria_set = r.required("criteria_set", |s| Ok(s.to_owned()));
        let instrument = r.required("instrument", parse_instrument);
        let levels = match instrument {
            Some(i) => r
                .optional("levels", |s| table::parse_list(s, |l| parse_level(i, l)))
                .unwrap_or_default(),
            None => Vec::new(),
        };
        if matches!(instrument, Some(Instrument::Locus | Instrument::Asam)) && levels.is_empty() {
            r.error("levels", "is required when an instrument is scored");
        }
        let max_units = r.optional("max_units", table::parse_u32);
        let max_days = r.optional("max_days", table::parse_u32);
        let required_fields = r
            .optional("required_fields", |s| {
                table::parse_list(s, |f| {
                    CLINICAL_FIELDS
                        .iter()
                        .find(|c| **c == f)
                        .map(|c| (*c).to_owned())
                        .ok_or_else(|| {
                            format!(
                                "{f:?} is not a clinical field ({})",
                                CLINICAL_FIELDS.join(", ")
                            )
                        })
                })
            })
            .unwrap_or_default();
        let note = r.text("note").to_owned();
        let line = r.line;
        if r.failed() {
            return;
        }
        let (Some(criteria_set), Some(instrument)) = (criteria_set, instrument) else {
            return;
        };
        let row = Criteria {
            level_of_care: level_of_care.clone(),
            criteria_set,
            instrument,
            levels,
            max_units,
            max_days,
            required_fields,
            note,
            line,
        };
        if let Some(prev) = out.by_level.insert(level_of_care.clone(), row) {
            r.error(
                "level_of_care",
                format!(
                    "{level_of_care:?} already has criteria on line {}",
                    prev.line
                ),
            );
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (CriteriaTable, Vec<PlanError>) {
        let mut errors = Vec::new();
        let known = vec!["residential".to_owned(), "outpatient".to_owned()];
        let t = parse(
            Path::new("um_criteria.csv"),
            text,
            Some(&known),
            &mut errors,
        );
        (t, errors)
    }

    #[test]
    fn um_10_rows_load_with_levels_and_ceilings() {
        let (t, errors) = load(
            "level_of_care,criteria_set,instrument,levels,max_units,max_days,required_fields,note\n\
             Residential,ASAM Criteria 3rd ed.,asam,3.5|3.7,,14,risk|substance_use|treatment_plan|discharge_plan,x\n\
             outpatient,Plan LOCUS criteria,locus,1|2,24,90,functioning,y\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let r = t.for_level("residential").unwrap();
        assert_eq!(r.instrument, Instrument::Asam);
        assert!(r.level_meets("3.7"));
        assert!(!r.level_meets("2.1"));
        assert_eq!(r.max_days, Some(14));
        assert_eq!(r.required_fields.len(), 4);
        assert_eq!(t.for_level("outpatient").unwrap().max_units, Some(24));
    }

    #[test]
    fn bad_rows_name_the_field() {
        let (_, errors) = load(
            "level_of_care,criteria_set,instrument,levels,required_fields\n\
             detox,x,asam,3.5,\n\
             outpatient,x,locus,9,\n\
             residential,x,asam,,\n\
             residential,x,none,,mood\n",
        );
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        let all = text.join("\n");
        assert!(all.contains("not a level of care in services.csv"), "{all}");
        assert!(all.contains("not a LOCUS level"), "{all}");
        assert!(
            all.contains("is required when an instrument is scored"),
            "{all}"
        );
        assert!(all.contains("\"mood\" is not a clinical field"), "{all}");
    }

    #[test]
    fn a_level_of_care_has_one_row() {
        let (_, errors) =
            load("level_of_care,criteria_set,instrument\noutpatient,a,none\noutpatient,b,none\n");
        assert!(
            errors[0]
                .to_string()
                .contains("already has criteria on line 2")
        );
    }
}
