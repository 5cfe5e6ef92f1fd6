//! # accord-quality
//!
//! Quality measures (issue 9, QM-01), pure: service records and members in, rates with their
//! denominators, numerators and member-level lists out. No database and no clock: the shell
//! gathers records from claims and passes the measurement period.
//!
//! - [`value_sets`]: the code lists each measure reads, loaded from `value_sets.csv`.
//! - [`measures`]: FUH, FUM, FUA (7 and 30 days), IET (initiation, engagement), PCR (30-day
//!   readmissions).
//! - [`access`]: QM-02 access standards per urgency class and QM-03 aftercare, from
//!   appointment-availability records.
//! - [`state_funding`]: PAY-05 the state sliding fee scale (the member's tier), the amount billable
//!   to the state for a service, state-funded totals.
//! - [`self_assessment`]: the state's 17-item fiscal-policy self-assessment and its score.
//! - [`provider`]: one provider's rates beside the plan's, and its printable HTML page.
//! - [`bench`]: synthetic histories for `accord bench quality`.

pub mod access;
pub mod bench;
pub mod measures;
pub mod provider;
pub mod self_assessment;
pub mod state_funding;
pub mod value_sets;

pub use access::{AccessReport, Appointment, Urgency, access_report};
pub use measures::{
    ClassifiedRecord, Classifier, MemberInfo, Period, QualityReport, Rate, ServiceCodes,
    ServiceRecord, behavioral_discharges, behavioral_discharges_classified, classify_codes,
    measure, measure_classified,
};
pub use value_sets::{CodeSystem, ValueSet, ValueSetError, ValueSets};
