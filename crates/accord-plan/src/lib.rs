//! # accord-plan
//!
//! A plan is a directory of human-editable files, loaded and validated once at start. This crate
//! owns that directory's format and everything read from it:
//!
//! - `plan.toml` → [`PlanConfig`]: identity, program, time zone, and every clock and window
//!   RULES.md names (CLM-02, UM-02/06/07/09/11, ELIG-03/04, APL, CMP, DSP, REC, NET-06), plan holidays,
//!   member cost share (PAY-02), service-plan settings (SP-05), access standards (QM-02, QM-03)
//!   and the state sliding fee scale (PAY-05, [`standards`]), with the pure rule lookups over them
//!   (e.g. [`PlanConfig::um_non_urgent_days`]).
//! - `services.csv` → [`ServiceCatalog`] (CLM-04, CLM-08, CLM-09), `auth_grid.csv` →
//!   [`AuthGrid`] (UM-01, UM-09, UM-12), `fee_schedule.csv` → [`FeeSchedule`] (PAY-01),
//!   `ncci_ptp.csv` / `mue.csv` → [`NcciTable`] / [`MueTable`] in CMS's layouts (CLM-05),
//!   `poverty_guidelines.csv` → [`PovertyGuidelines`] (PAY-05), `um_criteria.csv` →
//!   [`CriteriaTable`] (UM-10 automatic-approval criteria per level of care), `remark_codes.csv` →
//!   [`RemarkCodes`] (PAY-06: the RARC an 835 carries with each adjustment).
//! - [`Plan::load`] reads them all and returns either a valid [`Plan`] or [`PlanErrors`] listing
//!   every problem in every file as `file:line: field: message`.
//!
//! No plan data lives in code: every number comes from the files (serde defaults equal the
//! RULES.md defaults and are documented in `docs/plan-configuration.md`). Format and choices:
//! `docs/decisions/0005-configuration-format.md`.

pub mod config;
pub mod criteria;
pub mod errors;
pub mod fees;
pub mod grid;
pub mod keys;
pub mod load;
pub mod mue;
pub mod ncci;
pub mod poverty;
pub mod remarks;
pub mod services;
pub mod standards;
mod table;

pub use config::{
    Appeals, Audits, Complaints, CostShare, CredentialingAppeals, Disputes, EmergencyNotification,
    FilingBasis, InitialEncounters, NetworkSettings, NotificationRule, OtherCoverageSettings,
    PlanConfig, PlanHoliday, Recovery, ServicePlanSettings, TimelyFiling, UmSettings,
};
pub use criteria::{Criteria, CriteriaTable, Instrument};
pub use errors::{PlanError, PlanErrors};
pub use fees::{FeeEntry, FeeSchedule};
pub use grid::{AuthGrid, AuthRule, Requirement};
pub use keys::{DateSpan, ModifierSet};
pub use load::{Plan, PlanSummary};
pub use mue::{MueAdjudication, MueEdit, MueTable};
pub use ncci::{NcciTable, PtpEdit, PtpModifierIndicator};
pub use poverty::PovertyGuidelines;
pub use remarks::{RemarkCode, RemarkCodes};
pub use services::{Service, ServiceCatalog, ServiceUnit};
pub use standards::{AccessStandards, SlidingFeeScale, SlidingFeeTier};
