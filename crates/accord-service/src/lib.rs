//! # accord-service
//!
//! Accord's application services: the imperative shell around the pure engines that the CLI and
//! (later) the server share. This crate owns:
//! - [`reference`](mod@reference): the store's records turned into the claims engine's indexed facts, once per run;
//! - [`decide`]: one claim through the engine and what the run must remember of it (history lines,
//!   authorization units used, CLM-10 reversals) — synchronous, no I/O;
//! - [`adjudication`]: adjudicating every stored claim that awaits a decision, in arrival order,
//!   one unit of work per chunk;
//! - [`examine`]: a claims examiner's approve / deny / request-records on a pended claim;
//! - [`cycle`]: the payment cycle's arithmetic (PAY-06, REC-01, REC-02, PAY-07) — pure;
//! - [`remit`] and [`voucher`]: a cycle's 835 remittances and HTML vouchers;
//! - [`payment`]: running a payment cycle against the store and writing its files;
//! - [`reports`]: the claims report (outcomes, auto-adjudication, denial reasons, days to pay,
//!   PAY-07) — pure, with a loader;
//! - [`um`]: authorization requests against the store — receipt (facts gathered, the pure UM engine
//!   decides, case and authorization stored in one unit of work), reviewer decisions, reconsideration,
//!   UM-07 notifications, the work queue, notices and the QM-04 report.
//! - [`service_plans`]: service plans (SP-01..SP-06): load a plan, apply a command with the pure
//!   rules of `accord-service-plan`, save it with its event in one unit of work.
//! - [`cases`]: cases with deadlines (issue 6) — file (numbered by kind; an appeal of a UM
//!   decision prefilled from the request), act (APL-03 over the staff reporting lines), show, the
//!   due list per team, and the hand-offs to UM (QM-04 overturned on appeal) and claims (APL-04).
//! - [`recovery`]: what cases do to claims and money — an audit's final findings open recoveries
//!   (REC-04 → REC-01), repayments reduce them, a dispute resolved `readjudicate` runs the claim
//!   again (DSP-01, REC-03), and the open appeals the claims engine reads (APL-04).
//! - [`network`]: the provider network (issue 8): credentialing applications, verification and
//!   committee decisions (NET-02, NET-09), reported changes (NET-04), the NET-03 daily job,
//!   sanctions and reinstatement (NET-05), leave, return and resignation (NET-08), exclusion
//!   screening and review (NET-07), the NET-06 appeal hand-off; each writes the status spans and
//!   sanctions the standing rule reads, with its events, in one unit of work.
//! - [`retro`], [`import_changes`] (pure) and [`retro_run`]: retroactive changes (REC-01) — what
//!   a member or authorization file changes against the records on file, which decided claims a
//!   change affects, and deciding exactly those again after an import or for the changes logged
//!   since a date.
//!
//! "Now" is always an argument. Rules are in the engines (`accord-claims`, `accord-um`, `accord-cases`) and configuration
//! (`accord-plan`); this crate only moves data between them and the store.

pub mod access;
pub mod adjudication;
pub mod cases;
pub mod cycle;
pub mod decide;
mod error;
pub mod examine;
pub mod import_changes;
pub mod intake;
pub mod letters;
pub mod network;
mod paid_claim_view;
pub mod payment;
mod queued;
pub mod recovery;
pub mod reference;
pub mod remit;
pub mod reports;
pub mod retro;
pub mod retro_run;
pub mod service_plans;
pub mod state_funding;
pub mod um;
pub mod voucher;

pub use error::ServiceError;
pub use service_plans::PlanActor;
