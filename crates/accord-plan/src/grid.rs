//! `auth_grid.csv`: the authorization grid (UM-01, UM-12) — per service (code, modifiers, level
//! of care) whether prior authorization, notification or nothing is needed, the units free of
//! authorization (UM-01 thresholds), and whether the service counts as an initial encounter (UM-09).
//! Published to providers as is: `note` is the rule in plain words.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use accord_core::{Modifier, ProcedureCode};

use crate::errors::PlanError;
use crate::keys::ModifierSet;
use crate::services::ServiceCatalog;
use crate::table::{self, Col, opt, req};

/// What a service needs before it is delivered (UM-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// Nothing (UM-12: e.g. crisis services, Rule 132 case management).
    None,
    /// The provider notifies the plan (e.g. UM-07 admissions); no clinical review.
    Notification,
    /// Prior authorization, beyond any free threshold.
    PriorAuth,
}

impl Requirement {
    /// The spelling in the CSV file.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::None => "none",
            Requirement::Notification => "notification",
            Requirement::PriorAuth => "prior_auth",
        }
    }

    fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" => Ok(Requirement::None),
            "notification" => Ok(Requirement::Notification),
            "prior_auth" => Ok(Requirement::PriorAuth),
            _ => Err(format!(
                "{s:?} is not a requirement (use none, notification or prior_auth)"
            )),
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthRule {
    /// CPT/HCPCS code.
    pub code: ProcedureCode,
    /// Modifiers the row applies to (see [`ModifierSet`] for matching).
    pub modifiers: ModifierSet,
    /// Level of care (lower case), or empty for any.
    pub level_of_care: String,
    /// What is required.
    pub requirement: Requirement,
    /// UM-01: the first N units per member per plan year need no authorization (0: none free).
    pub threshold_units: u32,
    /// UM-09: sessions of this service count toward the plan's initial encounters.
    pub initial_encounters: bool,
    /// The rule in plain words, shown to providers.
    pub note: String,
    /// 1-based line in `auth_grid.csv`.
    pub line: usize,
}

impl AuthRule {
    /// UM-01: true when the `units_used_before` units already used this plan year plus `units`
    /// go beyond the free threshold and the row requires prior authorization.
    pub fn needs_prior_auth(&self, units_used_before: u32, units: u32) -> bool {
        self.requirement == Requirement::PriorAuth
            && units_used_before.saturating_add(units) > self.threshold_units
    }
}

/// The authorization grid, indexed by code.
#[derive(Debug, Clone, Default)]
pub struct AuthGrid {
    by_code: HashMap<ProcedureCode, Vec<AuthRule>>,
    len: usize,
}

impl AuthGrid {
    /// UM-01: the grid row for a service. Among rows for the code whose modifiers are all on the
    /// line and whose level of care is empty or equal to `level_of_care` (any level when `None`),
    /// the most specific wins: more modifiers first, then an exact level over "any level"; file
    /// order breaks ties. `None` means the code is not in the grid.
    pub fn requirement(
        &self,
        code: &ProcedureCode,
        modifiers: &[Modifier],
        level_of_care: Option<&str>,
    ) -> Option<&AuthRule> {
        let level = level_of_care.map(|l| l.trim().to_ascii_lowercase());
        let mut best: Option<(&AuthRule, (usize, bool))> = None;
        for r in self.by_code.get(code)? {
            if !r.modifiers.matches(modifiers) {
                continue;
            }
            let level_exact = match &level {
                Some(_) if r.level_of_care.is_empty() => false,
                Some(l) if *l == r.level_of_care => true,
                Some(_) => continue,
                None => false,
            };
            let score = (r.modifiers.len(), level_exact);
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((r, score));
            }
        }
        best.map(|(r, _)| r)
    }

    /// Every row, grouped by code.
    pub fn iter(&self) -> impl Iterator<Item = &AuthRule> {
        self.by_code.values().flatten()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the grid is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

const COLS: &[Col] = &[
    req("code"),
    req("modifiers"),
    req("level_of_care"),
    req("requirement"),
    opt("threshold_units"),
    opt("initial_encounters"),
    req("note"),
];

/// Parses `auth_grid.csv`; codes must be in the services catalog (when it loaded).
pub(crate) fn parse(
    file: &Path,
    text: &str,
    services: Option<&ServiceCatalog>,
    errors: &mut Vec<PlanError>,
) -> AuthGrid {
    let mut grid = AuthGrid::default();
    table::read_table(file, text, COLS, errors, |r| {
        let code = r.required("code", table::parse_code);
        let modifiers = r.optional("modifiers", table::parse_modifiers);
        let level_of_care = r.text("level_of_care").to_ascii_lowercase();
        let requirement = r.required("requirement", Requirement::parse);
        let threshold_units = r.optional("threshold_units", table::parse_u32).unwrap_or(0);
        let initial_encounters = r
            .optional("initial_encounters", table::parse_bool)
            .unwrap_or(false);
        let note = r.text("note").to_owned();
        if note.is_empty() {
            r.error(
                "note",
                "is required: say the rule to providers in plain words",
            );
        }
        if let (Some(c), Some(svc)) = (&code, services)
            && !svc.knows(c)
        {
            r.error("code", format!("{c} is not in services.csv"));
        }
        if threshold_units > 0 && requirement != Some(Requirement::PriorAuth) {
            r.error(
                "threshold_units",
                "a threshold only makes sense with requirement = prior_auth",
            );
        }
        let (Some(code), Some(requirement)) = (code, requirement) else {
            return;
        };
        if r.failed() {
            return;
        }
        let modifiers = modifiers.unwrap_or_default();
        let rows = grid.by_code.entry(code.clone()).or_default();
        if let Some(prev) = rows
            .iter()
            .find(|p| p.modifiers == modifiers && p.level_of_care == level_of_care)
        {
            let line = prev.line;
            r.error(
                "code",
                format!("same code, modifiers and level of care as line {line}"),
            );
            return;
        }
        rows.push(AuthRule {
            code,
            modifiers,
            level_of_care,
            requirement,
            threshold_units,
            initial_encounters,
            note,
            line: r.line,
        });
        grid.len += 1;
    });
    grid
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "code,modifiers,level_of_care,requirement,threshold_units,initial_encounters,note\n";

    fn load(rows: &str) -> (AuthGrid, Vec<String>) {
        let mut errors = Vec::new();
        let g = parse(
            Path::new("auth_grid.csv"),
            &format!("{HEADER}{rows}"),
            None,
            &mut errors,
        );
        (g, errors.iter().map(ToString::to_string).collect())
    }

    fn code(s: &str) -> ProcedureCode {
        ProcedureCode::parse(s).unwrap()
    }

    #[test]
    fn um_01_most_specific_row_wins() {
        let (g, e) = load(
            "H2015,,,prior_auth,200,false,First 200 units free\n\
             H2015,HE,,prior_auth,0,false,MH program: always\n\
             H0004,,residential,none,,false,Residential\n",
        );
        assert!(e.is_empty(), "{e:?}");
        let he = [Modifier::parse("HE").unwrap()];
        assert_eq!(
            g.requirement(&code("H2015"), &[], None)
                .unwrap()
                .threshold_units,
            200
        );
        assert_eq!(
            g.requirement(&code("H2015"), &he, None)
                .unwrap()
                .threshold_units,
            0
        );
        assert!(
            g.requirement(&code("H0004"), &[], Some("outpatient"))
                .is_none()
        );
        assert!(
            g.requirement(&code("H0004"), &[], Some("Residential"))
                .is_some()
        );
        let r = g.requirement(&code("H2015"), &[], None).unwrap();
        assert!(!r.needs_prior_auth(150, 50));
        assert!(r.needs_prior_auth(150, 51));
    }

    #[test]
    fn bad_rows_are_reported() {
        let (_, e) = load(
            "H2011,,,never,,false,Crisis\n\
             H2015,,,none,200,false,x\n\
             H2015,,,prior_auth,,false,\n",
        );
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e[0].starts_with("auth_grid.csv:2: requirement: \"never\" is not a requirement"));
        assert!(e[1].starts_with("auth_grid.csv:3: threshold_units:"));
        assert!(e[2].starts_with("auth_grid.csv:4: note: is required"));
    }
}
