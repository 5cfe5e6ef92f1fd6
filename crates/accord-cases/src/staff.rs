//! Staff reporting lines and specialties, for APL-03 reviewer independence.
//!
//! The shell loads the directory (one reporting line per staff user) and passes it in; the
//! engine never looks anything up itself.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::CaseError;

/// One staff user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StaffMember {
    /// The staff ID of the person they report to, if any.
    #[serde(default)]
    pub reports_to: Option<String>,
    /// Their specialties (e.g. `psychiatry`, `child and adolescent psychiatry`); APL-03 asks for
    /// the same or a similar specialty, so list every specialty the person may review for.
    #[serde(default)]
    pub specialties: Vec<String>,
}

/// Staff by ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct StaffDirectory {
    /// Staff members by staff ID.
    pub staff: BTreeMap<String, StaffMember>,
}

impl StaffDirectory {
    /// Adds or replaces a staff member.
    pub fn insert(&mut self, id: impl Into<String>, member: StaffMember) {
        self.staff.insert(id.into(), member);
    }

    /// The chain of managers above `id`, nearest first. Stops at a cycle rather than looping.
    pub fn managers(&self, id: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::from([id]);
        let mut cur = id;
        while let Some(next) = self.staff.get(cur).and_then(|m| m.reports_to.as_deref()) {
            if !seen.insert(next) {
                break;
            }
            out.push(next);
            cur = next;
        }
        out
    }

    /// APL-03: `reviewer` may review an appeal of a decision made by `deciders` only when the
    /// reviewer is none of them, does not report to any of them (directly or further down the
    /// line), and — when `specialty` is given — lists that specialty.
    pub fn check_independent(
        &self,
        reviewer: &str,
        deciders: &[String],
        specialty: Option<&str>,
    ) -> Result<(), CaseError> {
        let Some(member) = self.staff.get(reviewer) else {
            return Err(CaseError::Invalid(format!(
                "reviewer {reviewer:?} is not in the staff directory"
            )));
        };
        if deciders.iter().any(|d| d == reviewer) {
            return Err(CaseError::refused(
                "APL-03",
                format!("{reviewer} made the decision under appeal and may not review it"),
            ));
        }
        let line = self.managers(reviewer);
        if let Some(pos) = line.iter().position(|m| deciders.iter().any(|d| d == m)) {
            let chain = std::iter::once(reviewer)
                .chain(line[..=pos].iter().copied())
                .collect::<Vec<_>>()
                .join(" → ");
            return Err(CaseError::refused(
                "APL-03",
                format!(
                    "{reviewer} reports to {}, who made the decision under appeal ({chain}); \
                     the reviewer may not be the decision-maker's subordinate",
                    line[pos]
                ),
            ));
        }
        if let Some(s) = specialty
            && !member
                .specialties
                .iter()
                .any(|m| m.trim().eq_ignore_ascii_case(s.trim()))
        {
            return Err(CaseError::refused(
                "APL-03",
                format!(
                    "{reviewer} is not of the same or a similar specialty ({s}); listed: {}",
                    if member.specialties.is_empty() {
                        "none".to_owned()
                    } else {
                        member.specialties.join(", ")
                    }
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> StaffDirectory {
        let mut d = StaffDirectory::default();
        let m = |to: Option<&str>, s: &[&str]| StaffMember {
            reports_to: to.map(str::to_owned),
            specialties: s.iter().map(|x| (*x).to_owned()).collect(),
        };
        d.insert("medical-director", m(None, &["psychiatry"]));
        d.insert("dr-a", m(Some("medical-director"), &["psychiatry"]));
        d.insert("dr-b", m(Some("dr-a"), &["psychiatry"]));
        d.insert("dr-c", m(Some("medical-director"), &["Psychiatry"]));
        d.insert("dr-p", m(Some("medical-director"), &["psychology"]));
        // A cycle in bad data must not hang the check.
        d.insert("x", m(Some("y"), &[]));
        d.insert("y", m(Some("x"), &[]));
        d
    }

    #[test]
    fn apl_03_refuses_the_decider_and_their_subordinates() {
        let d = dir();
        let deciders = vec!["dr-a".to_owned()];
        let e = d.check_independent("dr-a", &deciders, None).unwrap_err();
        assert!(e.to_string().starts_with("APL-03: dr-a made the decision"));
        let e = d.check_independent("dr-b", &deciders, None).unwrap_err();
        assert!(e.to_string().contains("dr-b → dr-a"), "{e}");
        // Further down the line too.
        let e = d
            .check_independent("dr-b", &["medical-director".to_owned()], None)
            .unwrap_err();
        assert!(
            e.to_string().contains("dr-b → dr-a → medical-director"),
            "{e}"
        );
        // A peer and the decider's manager are independent.
        d.check_independent("dr-c", &deciders, Some("psychiatry"))
            .unwrap();
        d.check_independent("medical-director", &deciders, None)
            .unwrap();
        // Specialty.
        let e = d
            .check_independent("dr-p", &deciders, Some("psychiatry"))
            .unwrap_err();
        assert_eq!(e.rule(), Some("APL-03"));
        assert!(d.check_independent("x", &deciders, None).is_ok());
        assert!(matches!(
            d.check_independent("nobody", &deciders, None),
            Err(CaseError::Invalid(_))
        ));
    }
}
