//! # accord-service-plan
//!
//! Service plans (plans of care) in the state-waiver style: one member's plan year and the
//! services planned in it, changed only in the ways the state's authorization unit accepts. This
//! crate owns the rules SP-01 … SP-06 of `docs/RULES.md`:
//!
//! - [`model`]: the plan ([`ServicePlan`]: ID, member, plan year, status, predecessor for a
//!   reassessment, priority flag), its planned lines ([`PlannedLine`]: service code, modifiers,
//!   provider NPI, units, [`Frequency`], dates, planned or authorized), notes and supporting
//!   documents. Plain serde values: the store keeps a plan as one JSON document.
//! - [`ops`]: the operations. [`create`], [`reassess`] and [`apply`] take the plan, a
//!   [`Command`], the configuration ([`Policy`]) and today's date, and return the changed plan
//!   with a [`Change`] for the event log, or a [`Refusal`].
//! - [`refusal`]: [`Refusal`], every refusal naming its rule, the line and dates, and what to do
//!   instead (the errors that slow authorization down, said so they can be fixed at once).
//! - [`policy`]: which services are per diem (`services.csv`, SP-06) and which are exempt from
//!   the priority note (`[service_plans]` in `plan.toml`, SP-05).
//! - [`input`]: the JSON a new plan is read from, every bad field named.
//!
//! Architecture invariant: pure and synchronous. No I/O, no clock (today is an argument), no
//! storage; `accord-service` loads, applies and saves in one unit of work.

pub mod input;
pub mod model;
pub mod ops;
pub mod policy;
pub mod refusal;

pub use input::{FieldError, InputErrors};
pub use model::{
    Authorization, Document, DocumentStatus, EndDated, Frequency, LineState, Note, NoteKind,
    PlanId, PlanStatus, PlannedLine, ServicePlan,
};
pub use ops::{
    Applied, Change, Command, LineChange, LineEdit, NewLine, NewNote, NewPlan, apply, create,
    reassess,
};
pub use policy::Policy;
pub use refusal::Refusal;

#[cfg(test)]
mod tests;
