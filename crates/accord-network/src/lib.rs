//! # accord-network
//!
//! The plan's side of the provider network, as pure functions: a provider's status is always
//! known, dated and explained. This crate owns
//!
//! - [`changes`]: provider record changes as dated events, with the NET-04 notice rules (material
//!   changes 10 days after, licence/DEA/board actions 5 days after, malpractice coverage 30 days
//!   before, new facility programs 60 days before) and late notices flagged;
//! - [`credentialing`]: applications with the NET-02 checklist (each item's evidence and
//!   verification date; a site visit for unaccredited organisations), the committee decision with
//!   its reason and effective date per line of business, facility credentialing covering its staff
//!   (NET-09);
//! - [`recredential`]: the NET-03 cycle (every 3 years, opening 3 months before the due date) and
//!   the daily job listing what opens, what is due and what lapses; a lapse ends participation;
//! - [`sanctions`]: NET-05 sanctions (suspension up to 30 days unless extended, reinstatement) and
//!   the members in care of a terminated provider, for transition;
//! - [`exclusion`]: NET-07 screening against the federal exclusion list (LEIE CSV layout), by NPI
//!   and by name + date of birth, fuzzy matches held for review, a confirmed match suspending;
//! - [`screening`]: the NET-07 monthly schedule — when the next screening is due and which
//!   providers and staff no screening covered in the last month;
//! - [`leave`]: NET-08 leave of absence and return, the disenrollment notice after 6 months
//!   inactive, the 6-month reapply bar after resignation;
//! - [`appeal`]: the NET-06 hand-off of an adverse credentialing decision to the case engine.
//!
//! Everything produces the records `accord_core::provider::standing_on` already reads — status
//! spans ([`status::StatusChange`]) and [`accord_core::provider::Sanction`]s — so UM and claims
//! feel a sanction, a lapse or a leave without knowing this crate. Numbers come from the plan's
//! `[network]` settings ([`accord_plan::NetworkSettings`]).
//!
//! No database, no clock, no I/O: "today" is always an argument. The store keeps the records,
//! `accord-service::network` runs them, the CLI is `accord provider`. See `docs/network.md`.

pub mod appeal;
pub mod changes;
pub mod credentialing;
mod dates;
pub mod error;
pub mod exclusion;
pub mod leave;
pub mod recredential;
pub mod sanctions;
pub mod screening;
pub mod status;

pub use dates::{add_days, add_months};
pub use error::NetworkError;
