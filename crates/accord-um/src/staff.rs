//! The plan's staff as UM sees them: a user with a role and a reporting line. Roles decide who may
//! do what (UM-05); the reporting line is what appeals use for reviewer independence.

use serde::{Deserialize, Serialize};

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Clinical care manager: reviews and approves; may not deny (UM-05).
    ClinicalCareManager,
    /// Psychiatrist peer reviewer: may deny on clinical grounds (UM-05).
    Psychiatrist,
    /// Doctoral-level psychologist peer reviewer: may deny for the levels of care the plan names.
    DoctoralPsychologist,
    /// Appeals reviewer.
    AppealsReviewer,
    /// Claims examiner.
    ClaimsExaminer,
    /// Network / credentialing staff.
    NetworkStaff,
    /// Plan administrator.
    Administrator,
    /// Read-only auditor.
    Auditor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 8] = [
        Role::ClinicalCareManager,
        Role::Psychiatrist,
        Role::DoctoralPsychologist,
        Role::AppealsReviewer,
        Role::ClaimsExaminer,
        Role::NetworkStaff,
        Role::Administrator,
        Role::Auditor,
    ];

    /// The storage / CLI spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ClinicalCareManager => "clinical_care_manager",
            Role::Psychiatrist => "psychiatrist",
            Role::DoctoralPsychologist => "doctoral_psychologist",
            Role::AppealsReviewer => "appeals_reviewer",
            Role::ClaimsExaminer => "claims_examiner",
            Role::NetworkStaff => "network_staff",
            Role::Administrator => "administrator",
            Role::Auditor => "auditor",
        }
    }

    /// Parses the storage / CLI spelling.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Clinical staff: may review and approve authorization requests (UM-05).
    pub fn is_clinical(self) -> bool {
        matches!(
            self,
            Role::ClinicalCareManager | Role::Psychiatrist | Role::DoctoralPsychologist
        )
    }
}

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUser {
    /// Sign-in name.
    pub user_id: String,
    /// Full name, as it appears on notices.
    pub name: String,
    /// Role.
    pub role: Role,
    /// The user this one reports to, if any.
    pub reports_to: Option<String>,
}
