//! NET-07 exclusion screening: providers and their staff are checked against the federal
//! exclusion list (the OIG List of Excluded Individuals/Entities) monthly; a match suspends the
//! provider.
//!
//! [`parse_list`] reads the list in the CSV layout it is published in (18 columns, header row,
//! every value quoted, dates `YYYYMMDD` with `00000000` for none, NPI `0000000000` for none;
//! documented in `docs/network.md`). [`screen`] matches the providers on file by NPI and by name +
//! date of birth: an NPI match or an exact name with the same date of birth is a *confirmed*
//! match; a near name with the same date of birth, an exact name without a date of birth to
//! compare, or an organisation's exact business name goes to review. [`suspension_for`] turns a
//! confirmed match into the NET-05 suspension.

use accord_core::provider::{ProviderKind, SanctionLevel};
use accord_core::{Date, Npi};
use serde::{Deserialize, Serialize};

use crate::NetworkError;
use crate::sanctions::SanctionOrder;

/// The columns of the published list, in order.
pub const COLUMNS: [&str; 18] = [
    "LASTNAME",
    "FIRSTNAME",
    "MIDNAME",
    "BUSNAME",
    "GENERAL",
    "SPECIALTY",
    "UPIN",
    "NPI",
    "DOB",
    "ADDRESS",
    "CITY",
    "STATE",
    "ZIP",
    "EXCLTYPE",
    "EXCLDATE",
    "REINDATE",
    "WAIVERDATE",
    "WVRSTATE",
];

/// One row of the exclusion list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionEntry {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// `LASTNAME` (individuals).
    pub last_name: String,
    /// `FIRSTNAME`.
    pub first_name: String,
    /// `MIDNAME`.
    pub middle_name: String,
    /// `BUSNAME` (entities).
    pub business_name: String,
    /// `GENERAL`: general category, e.g. `NURSING PROFESSION`, `OTHER BUSINESS`.
    pub general: String,
    /// `SPECIALTY`.
    pub specialty: String,
    /// `NPI`, when the list carries one (`0000000000` = none).
    pub npi: Option<Npi>,
    /// `DOB`, when known.
    pub date_of_birth: Option<Date>,
    /// `CITY`.
    pub city: String,
    /// `STATE`.
    pub state: String,
    /// `EXCLTYPE`: the authority, e.g. `1128a1`, `1128b4`.
    pub exclusion_type: String,
    /// `EXCLDATE`.
    pub excluded_on: Date,
    /// `REINDATE` (`00000000` = not reinstated).
    pub reinstated_on: Option<Date>,
    /// `WAIVERDATE`.
    pub waiver_on: Option<Date>,
}

impl ExclusionEntry {
    /// Excluded (and not reinstated) on `d`.
    pub fn in_force(&self, d: Date) -> bool {
        self.excluded_on <= d && self.reinstated_on.is_none_or(|r| d < r)
    }

    /// The name as listed: business name, or `LAST, FIRST MIDDLE`.
    pub fn display_name(&self) -> String {
        if self.business_name.is_empty() {
            format!(
                "{}, {} {}",
                self.last_name, self.first_name, self.middle_name
            )
            .trim()
            .to_owned()
        } else {
            self.business_name.clone()
        }
    }
}

fn list_date(v: &str) -> Result<Option<Date>, String> {
    let v = v.trim();
    if v.is_empty() || v.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{v:?} is not a date (YYYYMMDD)"));
    }
    let n = |r: std::ops::Range<usize>| v[r].parse::<i16>().unwrap_or(0);
    Date::new(n(0..4), n(4..6) as i8, n(6..8) as i8)
        .map(Some)
        .map_err(|e| format!("{v:?} is not a date: {e}"))
}

/// Reads the exclusion list (CSV as published). Every unreadable value is reported with its line
/// and column; a file with any error yields no entries.
pub fn parse_list(text: &str) -> Result<Vec<ExclusionEntry>, Vec<NetworkError>> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = match rd.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![NetworkError::invalid("line 1", e.to_string())]),
    };
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_uppercase())
        .collect();
    if names != COLUMNS {
        return Err(vec![NetworkError::invalid(
            "line 1",
            format!(
                "the header must be the exclusion list's 18 columns {}; found {}",
                COLUMNS.join(","),
                names.join(",")
            ),
        )]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let line = rec
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i as u64 + 2, |p| p.line());
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(NetworkError::invalid(format!("line {line}"), e.to_string()));
                continue;
            }
        };
        if rec.len() != COLUMNS.len() {
            errors.push(NetworkError::invalid(
                format!("line {line}"),
                format!("{} columns, expected {}", rec.len(), COLUMNS.len()),
            ));
            continue;
        }
        let get = |c: usize| rec.get(c).unwrap_or("").trim().to_owned();
        let mut bad = |col: usize, msg: String| {
            errors.push(NetworkError::invalid(
                format!("line {line}, {}", COLUMNS[col]),
                msg,
            ));
        };
        let npi = match get(7).as_str() {
            s if s.is_empty() || s.bytes().all(|b| b == b'0') => None,
            s => match Npi::parse(s) {
                Ok(n) => Some(n),
                Err(e) => {
                    bad(7, e.to_string());
                    None
                }
            },
        };
        let mut date = |col: usize| match list_date(&get(col)) {
            Ok(d) => d,
            Err(m) => {
                bad(col, m);
                None
            }
        };
        let dob = date(8);
        let excl = date(14);
        let rein = date(15);
        let waiver = date(16);
        if get(0).is_empty() && get(3).is_empty() {
            errors.push(NetworkError::invalid(
                format!("line {line}, LASTNAME"),
                "neither LASTNAME nor BUSNAME is given",
            ));
            continue;
        }
        let Some(excluded_on) = excl else {
            if list_date(&get(14)).is_ok() {
                errors.push(NetworkError::invalid(
                    format!("line {line}, EXCLDATE"),
                    "the exclusion date is required",
                ));
            }
            continue;
        };
        out.push(ExclusionEntry {
            line,
            last_name: get(0),
            first_name: get(1),
            middle_name: get(2),
            business_name: get(3),
            general: get(4),
            specialty: get(5),
            npi,
            date_of_birth: dob,
            city: get(10),
            state: get(11),
            exclusion_type: get(13),
            excluded_on,
            reinstated_on: rein,
            waiver_on: waiver,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Someone screened: a provider on file, or a member of a facility's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The provider's NPI.
    pub npi: Npi,
    /// Individual, group or facility.
    pub kind: ProviderKind,
    /// The name on file (`First Last, CREDENTIAL` for clinicians; the legal name otherwise).
    pub name: String,
    /// Date of birth, when on file (from the credentialing application).
    pub date_of_birth: Option<Date>,
}

/// How a match was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Same NPI.
    Npi,
    /// Same name and date of birth.
    NameAndBirthDate,
    /// A near name with the same date of birth, or the same name with no date to compare.
    SimilarName,
    /// An organisation's business name.
    BusinessName,
}

impl Basis {
    /// The storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Npi => "npi",
            Basis::NameAndBirthDate => "name_and_birth_date",
            Basis::SimilarName => "similar_name",
            Basis::BusinessName => "business_name",
        }
    }
}

/// Where a match stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// Certain: NPI, or name and date of birth. Suspends (NET-07).
    Confirmed,
    /// Fuzzy: a person decides.
    PendingReview,
    /// Reviewed: not the same provider.
    Dismissed,
}

impl MatchStatus {
    /// The storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Confirmed => "confirmed",
            MatchStatus::PendingReview => "pending_review",
            MatchStatus::Dismissed => "dismissed",
        }
    }

    /// Parses the storage spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Confirmed, Self::PendingReview, Self::Dismissed]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A provider found on the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    /// The provider.
    pub npi: Npi,
    /// The provider's name on file.
    pub name: String,
    /// How it matched.
    pub basis: Basis,
    /// Confirmed or held for review.
    pub status: MatchStatus,
    /// The list's row.
    pub entry: ExclusionEntry,
}

/// Upper-case letters only, for comparing names (`O'Neil` = `ONEIL`).
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The first and last name of a clinician's display name (`First [Middle] Last[, CREDENTIAL]`,
/// titles like `Dr` dropped).
fn first_last(name: &str) -> (String, String) {
    let base = name.split(',').next().unwrap_or("");
    let words: Vec<&str> = base
        .split_whitespace()
        .filter(|w| !matches!(norm(w).as_str(), "DR" | "MR" | "MRS" | "MS"))
        .collect();
    match words.as_slice() {
        [] => (String::new(), String::new()),
        [one] => (String::new(), norm(one)),
        [first, .., last] => (norm(first), norm(last)),
    }
}

/// Edit distance (Levenshtein), for near names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// NET-07: screens `subjects` against the entries in force on `on`. One match per subject and
/// entry, the strongest basis; by NPI, then list line.
pub fn screen(list: &[ExclusionEntry], subjects: &[Subject], on: Date) -> Vec<Match> {
    let mut out = Vec::new();
    for e in list.iter().filter(|e| e.in_force(on)) {
        let (el, ef) = (norm(&e.last_name), norm(&e.first_name));
        let eb = norm(&e.business_name);
        for s in subjects {
            let basis = if e.npi.as_ref() == Some(&s.npi) {
                Some((Basis::Npi, MatchStatus::Confirmed))
            } else if s.kind == ProviderKind::Individual && !el.is_empty() {
                let (sf, sl) = first_last(&s.name);
                let same_dob =
                    matches!((s.date_of_birth, e.date_of_birth), (Some(a), Some(b)) if a == b);
                let dob_unknown = s.date_of_birth.is_none() || e.date_of_birth.is_none();
                let exact = !sl.is_empty() && sl == el && sf == ef;
                let near = !sl.is_empty()
                    && distance(&sl, &el) + distance(&sf, &ef) <= 2
                    && sf.chars().next() == ef.chars().next();
                if exact && same_dob {
                    Some((Basis::NameAndBirthDate, MatchStatus::Confirmed))
                } else if (near && same_dob) || (exact && dob_unknown) {
                    Some((Basis::SimilarName, MatchStatus::PendingReview))
                } else {
                    None
                }
            } else if s.kind != ProviderKind::Individual && !eb.is_empty() && norm(&s.name) == eb {
                Some((Basis::BusinessName, MatchStatus::PendingReview))
            } else {
                None
            };
            if let Some((basis, status)) = basis {
                out.push(Match {
                    npi: s.npi.clone(),
                    name: s.name.clone(),
                    basis,
                    status,
                    entry: e.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.npi.cmp(&b.npi).then(a.entry.line.cmp(&b.entry.line)));
    out
}

/// NET-07 → NET-05: the suspension a confirmed match orders, from `on`, for the plan's maximum
/// suspension (extended or ended by the committee).
pub fn suspension_for(m: &Match, on: Date) -> Result<SanctionOrder, NetworkError> {
    if m.status != MatchStatus::Confirmed {
        return Err(NetworkError::Refused(format!(
            "NET-07: the match of {} is {}; only a confirmed match suspends",
            m.npi,
            m.status.as_str()
        )));
    }
    Ok(SanctionOrder {
        level: SanctionLevel::Suspension,
        start: on,
        end: None,
        extended: false,
        reason: format!(
            "on the federal exclusion list since {} ({}, line {}) (NET-07)",
            m.entry.excluded_on, m.entry.exclusion_type, m.entry.line
        ),
    })
}
