//! NET-04: provider record changes are dated events, and each kind of change has its notice rule:
//! material changes are reported within 10 calendar days, licence/DEA/board actions within 5,
//! malpractice coverage changes 30 days before, new facility programs 60 days before. A notice
//! received after its due date is flagged late.

use accord_core::provider::Provider;
use accord_core::{Date, TaxId};
use accord_plan::NetworkSettings;
use serde::{Deserialize, Serialize};

use crate::NetworkError;
use crate::dates::add_days;

/// The kinds of change NET-04 distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Any material change (name, address, tax ID, ownership, specialty…): 10 days after.
    Material,
    /// An action against the licence (or its renewal): 5 days after.
    LicenseAction,
    /// An action against the DEA/CDS registration: 5 days after.
    DeaAction,
    /// A board action: 5 days after.
    BoardAction,
    /// A malpractice coverage change: 30 days before.
    MalpracticeCoverage,
    /// A new facility program: 60 days before.
    NewProgram,
}

impl ChangeKind {
    /// The storage / file spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Material => "material",
            ChangeKind::LicenseAction => "license_action",
            ChangeKind::DeaAction => "dea_action",
            ChangeKind::BoardAction => "board_action",
            ChangeKind::MalpracticeCoverage => "malpractice_coverage",
            ChangeKind::NewProgram => "new_program",
        }
    }
}

/// A change to a provider's record, as the provider reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderChange {
    /// What kind of change (decides the notice rule).
    pub kind: ChangeKind,
    /// The record field changed, when it is one Accord keeps (`name`, `tax_id`, `specialty`,
    /// `license_number`, `license_expires`), else a free label (`address`, `ownership`, …).
    pub field: String,
    /// The new value (dates as `YYYY-MM-DD`; empty clears an optional field).
    #[serde(default)]
    pub value: String,
    /// The day the change takes effect.
    pub effective: Date,
    /// The day the plan received the notice.
    pub reported: Date,
    /// What changed, in words.
    #[serde(default)]
    pub description: String,
}

/// NET-04: when the notice was due and whether it came late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeCheck {
    /// The last day the notice was timely.
    pub due: Date,
    /// The notice came after `due`.
    pub late: bool,
    /// Days after `due` (0 when timely).
    pub days_late: i64,
    /// The rule in words, citing NET-04.
    pub rule: String,
}

/// NET-04: the notice rule for `change` under the plan's settings.
pub fn notice_check(change: &ProviderChange, s: &NetworkSettings) -> NoticeCheck {
    let (due, rule) = match change.kind {
        ChangeKind::Material => (
            add_days(change.effective, i64::from(s.material_change_days)),
            format!(
                "material changes are reported within {} calendar days (NET-04)",
                s.material_change_days
            ),
        ),
        ChangeKind::LicenseAction | ChangeKind::DeaAction | ChangeKind::BoardAction => (
            add_days(change.effective, i64::from(s.license_action_days)),
            format!(
                "licence, DEA and board actions are reported within {} calendar days (NET-04)",
                s.license_action_days
            ),
        ),
        ChangeKind::MalpracticeCoverage => (
            add_days(
                change.effective,
                -i64::from(s.malpractice_change_days_before),
            ),
            format!(
                "malpractice coverage changes are reported {} calendar days before (NET-04)",
                s.malpractice_change_days_before
            ),
        ),
        ChangeKind::NewProgram => (
            add_days(change.effective, -i64::from(s.new_program_days_before)),
            format!(
                "new facility programs are reported {} calendar days before they start (NET-04)",
                s.new_program_days_before
            ),
        ),
    };
    let days_late = days_late(due, change.reported);
    NoticeCheck {
        due,
        late: days_late > 0,
        days_late,
        rule,
    }
}

/// Applies a change to the provider record when its field is one Accord keeps; other fields
/// (addresses, ownership, programs) are kept as the change event only and return `None`.
/// A value that does not read names the field.
pub fn apply_change(
    provider: &Provider,
    change: &ProviderChange,
) -> Result<Option<Provider>, NetworkError> {
    let mut p = provider.clone();
    let v = change.value.trim();
    let field = format!("field {}", change.field);
    match change.field.as_str() {
        "name" | "specialty" if v.is_empty() => {
            return Err(NetworkError::invalid(field, "must not be empty"));
        }
        "name" => p.name = v.to_owned(),
        "specialty" => p.specialty = v.to_owned(),
        "tax_id" => {
            p.tax_id = TaxId::parse(v).map_err(|e| NetworkError::invalid(field, e.to_string()))?
        }
        "license_number" => p.license_number = (!v.is_empty()).then(|| v.to_owned()),
        "license_expires" => {
            p.license_expires = if v.is_empty() {
                None
            } else {
                Some(v.parse::<Date>().map_err(|e| {
                    NetworkError::invalid(field, format!("{v:?} is not a date (YYYY-MM-DD): {e}"))
                })?)
            }
        }
        _ => return Ok(None),
    }
    Ok(Some(p))
}

/// NET-04: days a notice came after its due date (0 when on time).
pub fn days_late(due: Date, reported: Date) -> i64 {
    accord_core::calendar::calendar_days_between(due, reported).max(0)
}

/// NET-04 the change report's filter: a notice belongs to the period `from`..=`to` (either end
/// open) by the day the plan was told — the day the plan can act on — and, with `late_only`,
/// only when it came late.
pub fn in_report(
    reported: Date,
    late: bool,
    from: Option<Date>,
    to: Option<Date>,
    late_only: bool,
) -> bool {
    from.is_none_or(|f| reported >= f) && to.is_none_or(|t| reported <= t) && (late || !late_only)
}

#[cfg(test)]
mod report_tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn change(kind: ChangeKind, effective: &str, reported: &str) -> ProviderChange {
        ProviderChange {
            kind,
            field: "address".into(),
            value: String::new(),
            effective: d(effective),
            reported: d(reported),
            description: String::new(),
        }
    }

    #[test]
    fn net_04_material_changes_are_due_in_10_days_licence_actions_in_5() {
        let s = NetworkSettings::default();
        let material = notice_check(
            &change(ChangeKind::Material, "2026-03-01", "2026-03-11"),
            &s,
        );
        assert_eq!((material.due, material.late), (d("2026-03-11"), false));
        let late = notice_check(
            &change(ChangeKind::Material, "2026-03-01", "2026-03-12"),
            &s,
        );
        assert_eq!((late.late, late.days_late), (true, 1));
        for kind in [
            ChangeKind::LicenseAction,
            ChangeKind::DeaAction,
            ChangeKind::BoardAction,
        ] {
            let c = notice_check(&change(kind, "2026-03-01", "2026-03-08"), &s);
            assert_eq!(
                (c.due, c.late, c.days_late),
                (d("2026-03-06"), true, 2),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn net_04_report_keeps_notices_told_in_the_period_and_late_ones_when_asked() {
        let (from, to) = (Some(d("2026-03-01")), Some(d("2026-03-31")));
        assert!(in_report(d("2026-03-01"), false, from, to, false));
        assert!(in_report(d("2026-03-31"), true, from, to, true));
        assert!(!in_report(d("2026-04-01"), true, from, to, false));
        assert!(!in_report(d("2026-02-28"), true, from, to, false));
        assert!(!in_report(d("2026-03-15"), false, from, to, true));
        assert!(in_report(d("1999-01-01"), false, None, None, false));
        assert_eq!(days_late(d("2026-03-06"), d("2026-03-08")), 2);
        assert_eq!(days_late(d("2026-03-06"), d("2026-03-01")), 0);
    }
}
