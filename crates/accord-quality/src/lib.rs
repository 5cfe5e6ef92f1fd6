//! # accord-quality
//!
//! Quality measures (issue 9, QM-01), pure: service records and members in, rates with their
//! denominators, numerators and member-level lists out. No database and no clock: the shell
//! gathers records from claims and passes the measurement period.
//!
//! - [`value_sets`]: the code lists each measure reads, loaded from `value_sets.csv`.
//! - [`measures`]: FUH, FUM, FUA (7 and 30 days), IET (initiation, engagement), PCR (30-day
//!   readmissions).
//! - [`bench`]: synthetic histories for `accord bench quality`.

pub mod bench;
pub mod measures;
pub mod value_sets;

pub use measures::{MemberInfo, Period, QualityReport, Rate, ServiceRecord, measure};
pub use value_sets::{CodeSystem, ValueSet, ValueSetError, ValueSets};
