//! # accord-core
//!
//! The vocabulary every other Accord crate speaks, and nothing else:
//!
//! - [`ids`]: identifiers and codes (NPI, vendor number, tax ID, member ID, HCPCS/CPT, modifiers,
//!   ICD-10-CM, place of service, revenue codes, units). Each is a newtype whose only constructor
//!   parses and validates, so a value in hand is valid by construction.
//! - [`money`]: [`Money`], a `rust_decimal::Decimal` with Accord's rounding rule. Never floats.
//! - [`calendar`]: the business calendar (US federal holidays by rule plus plan holidays) and the
//!   deadline arithmetic every clock in Accord uses.
//! - [`clock`]: "now" as an input. Rules take `now` as an argument; only shells own a [`Clock`].
//! - [`member`], [`provider`]: the records the plan keeps about people and providers, with the
//!   pure rules over them (ELIG-01 coverage on a date, ELIG-02 plan switches, ELIG-04 attestation,
//!   NET-05/08/09 provider standing on a date).
//! - [`error`]: the one error table (machine code, HTTP status, exit code, meaning) that the API, the
//!   CLI and the docs share.
//!
//! Architecture invariant: this crate knows nothing of storage, HTTP, X12 or files, and does no I/O.

pub mod calendar;
pub mod clock;
pub mod error;
pub mod ids;
pub mod member;
pub mod money;
pub mod provider;

pub use calendar::{BusinessCalendar, CalendarError};
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::ErrorCode;
pub use ids::{
    Icd10Code, IdError, MemberId, Modifier, Npi, PlaceOfService, ProcedureCode, ProcedureKind,
    RevenueCode, TaxId, Units, VendorNumber,
};
pub use money::Money;

/// The date type used everywhere in Accord: a civil (time-zone-free) date.
pub type Date = jiff::civil::Date;
/// An exact instant on the timeline (UTC-based); receipt times, decision times, "now".
pub type Timestamp = jiff::Timestamp;
