//! Value sets: which codes make a record an inpatient stay, an emergency-department visit, a
//! follow-up visit, a mental-health or alcohol/other-drug (AOD) diagnosis, an AOD treatment.
//! They are configuration (`value_sets.csv` in the plan directory), not code: a plan loads the
//! licensed HEDIS value sets in the same layout.
//!
//! Layout: `value_set,code_system,codes,description`, where `codes` is a `|`-separated list of
//! exact codes, prefixes ending in `*` (`F10*`) and ranges (`90832-90838`, same length, compared
//! as text). Code systems: `icd10` (no dot), `cpt_hcpcs`, `pos`, `bill_type` (first three digits),
//! `revenue`.

use serde::{Deserialize, Serialize};

/// The value sets the measures use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueSet {
    /// Mental illness diagnoses (FUH, FUM).
    MentalIllness,
    /// Alcohol and other drug dependence diagnoses (FUA, IET).
    AodDependence,
    /// Acute inpatient stays (FUH, PCR): bill types, revenue codes or places of service.
    AcuteInpatient,
    /// Emergency-department visits (FUM, FUA).
    EdVisit,
    /// Follow-up visits with a mental-health practitioner (FUH, FUM).
    MentalHealthFollowUp,
    /// AOD treatment services (FUA follow-up, IET initiation and engagement).
    AodTreatment,
}

impl ValueSet {
    /// Every value set.
    pub const ALL: [ValueSet; 6] = [
        ValueSet::MentalIllness,
        ValueSet::AodDependence,
        ValueSet::AcuteInpatient,
        ValueSet::EdVisit,
        ValueSet::MentalHealthFollowUp,
        ValueSet::AodTreatment,
    ];

    /// The file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueSet::MentalIllness => "mental_illness",
            ValueSet::AodDependence => "aod_dependence",
            ValueSet::AcuteInpatient => "acute_inpatient",
            ValueSet::EdVisit => "ed_visit",
            ValueSet::MentalHealthFollowUp => "mental_health_follow_up",
            ValueSet::AodTreatment => "aod_treatment",
        }
    }
}

/// A code system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeSystem {
    /// ICD-10-CM, without the dot.
    Icd10,
    /// CPT and HCPCS procedure codes.
    CptHcpcs,
    /// Place of service.
    Pos,
    /// Institutional bill type, first three digits.
    BillType,
    /// Revenue code.
    Revenue,
}

impl CodeSystem {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "icd10" => CodeSystem::Icd10,
            "cpt_hcpcs" => CodeSystem::CptHcpcs,
            "pos" => CodeSystem::Pos,
            "bill_type" => CodeSystem::BillType,
            "revenue" => CodeSystem::Revenue,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Default)]
struct Matcher {
    /// Sorted, no duplicates: a value set holds tens to hundreds of codes, where a binary search
    /// beats hashing the code (the quality read asks about ten times per service).
    exact: Vec<String>,
    prefixes: Vec<String>,
    ranges: Vec<(String, String)>,
}

impl Matcher {
    fn matches(&self, code: &str) -> bool {
        self.exact
            .binary_search_by(|c| c.as_str().cmp(code))
            .is_ok()
            || self.prefixes.iter().any(|p| code.starts_with(p.as_str()))
            || self
                .ranges
                .iter()
                .any(|(a, b)| code.len() == a.len() && code >= a.as_str() && code <= b.as_str())
    }
}

/// A bad row in a value-set file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("value_sets.csv:{line}: {field}: {message}")]
pub struct ValueSetError {
    /// 1-based line.
    pub line: usize,
    /// The column.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Loaded value sets.
#[derive(Debug, Clone)]
pub struct ValueSets {
    /// One matcher per value set and code system, at [`slot`].
    sets: Vec<Matcher>,
    /// Which value sets have a row in the file.
    listed: [bool; ValueSet::ALL.len()],
}

/// Code systems, for [`slot`].
const SYSTEMS: usize = 5;
const _: () = assert!(
    CodeSystem::Revenue as usize + 1 == SYSTEMS,
    "a code system was added"
);

/// Where a value set's codes of one system are: an index, so a lookup hashes nothing.
fn slot(set: ValueSet, system: CodeSystem) -> usize {
    set as usize * SYSTEMS + system as usize
}

impl Default for ValueSets {
    fn default() -> Self {
        ValueSets {
            sets: vec![Matcher::default(); ValueSet::ALL.len() * SYSTEMS],
            listed: [false; ValueSet::ALL.len()],
        }
    }
}

impl ValueSets {
    /// Parses `value_sets.csv`; every bad row is reported.
    pub fn parse(text: &str) -> Result<ValueSets, Vec<ValueSetError>> {
        let mut out = ValueSets::default();
        let mut errors = Vec::new();
        let mut rdr = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .flexible(true)
            .from_reader(text.as_bytes());
        for (i, rec) in rdr.records().enumerate() {
            let line = rec
                .as_ref()
                .ok()
                .and_then(|r| r.position())
                .map_or(i + 2, |p| p.line() as usize);
            let rec = match rec {
                Ok(r) => r,
                Err(e) => {
                    errors.push(ValueSetError {
                        line,
                        field: "row".into(),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            let err = |field: &str, message: String| ValueSetError {
                line,
                field: field.into(),
                message,
            };
            let set = ValueSet::ALL
                .into_iter()
                .find(|v| v.as_str() == rec.get(0).unwrap_or(""));
            let system = CodeSystem::parse(rec.get(1).unwrap_or(""));
            let (Some(set), Some(system)) = (set, system) else {
                if set.is_none() {
                    errors.push(err(
                        "value_set",
                        format!("{:?} is not a value set", rec.get(0).unwrap_or("")),
                    ));
                }
                if system.is_none() {
                    errors.push(err(
                        "code_system",
                        format!(
                            "{:?} is not icd10, cpt_hcpcs, pos, bill_type or revenue",
                            rec.get(1).unwrap_or("")
                        ),
                    ));
                }
                continue;
            };
            out.listed[set as usize] = true;
            let m = &mut out.sets[slot(set, system)];
            for c in rec
                .get(2)
                .unwrap_or("")
                .split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                let c = c.to_ascii_uppercase().replace('.', "");
                if let Some(p) = c.strip_suffix('*') {
                    m.prefixes.push(p.to_owned());
                } else if let Some((a, b)) = c.split_once('-') {
                    if a.len() != b.len() || a > b {
                        errors.push(err(
                            "codes",
                            format!("{c:?}: a range joins two codes of the same length, low first"),
                        ));
                    } else {
                        m.ranges.push((a.to_owned(), b.to_owned()));
                    }
                } else {
                    m.exact.push(c);
                }
            }
        }
        for m in &mut out.sets {
            m.exact.sort_unstable();
            m.exact.dedup();
        }
        for set in ValueSet::ALL {
            if !out.listed[set as usize] {
                errors.push(ValueSetError {
                    line: 0,
                    field: "value_set".into(),
                    message: format!("{} has no codes", set.as_str()),
                });
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// True when `code` (of `system`) is in `set`.
    pub fn contains(&self, set: ValueSet, system: CodeSystem, code: &str) -> bool {
        self.sets[slot(set, system)].matches(code)
    }
}
