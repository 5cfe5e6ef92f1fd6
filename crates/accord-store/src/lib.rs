//! # accord-store
//!
//! Accord's persistence: the records of `accord-core` (members, eligibility spans, other coverage,
//! providers, locations, pay-to vendors, status spans, sanctions), claims received, decisions,
//! authorizations, payment cycles and provider balances, service plans, authorization requests,
//! cases with deadlines, and the append-only `events` log that is their audit trail and history,
//! on SQLite (the default: bundled, one file, no setup) or PostgreSQL (production).
//!
//! - [`Store`]: a pool on one database, chosen by the URL scheme ([`DatabaseUrl`], [`Backend`]);
//!   it migrates the schema on connect and answers queries.
//! - [`UnitOfWork`]: one transaction whose every change also writes its [`Event`]s (actor, time,
//!   reason); committed whole or not at all.
//! - [`StoreError`]: what can go wrong, mapped onto [`accord_core::ErrorCode`].
//!
//! One implementation of the queries serves both backends: sqlx's `Any` driver with statements
//! built at run time, `$1` placeholders and portable SQL (see `docs/storage.md` and
//! `docs/decisions/0001-database-layer.md`). Modules go by area: [`members`] (ELIG-01, ELIG-04),
//! [`providers`] (NET-01, NET-05, NET-08), [`claims`] (CLM-01), [`adjudication`] (decisions, history,
//! authorizations), [`payments`] (PAY-06, REC-01, REC-02), [`service_plans`] (SP-01..SP-06, each
//! plan a JSON document), [`snapshot`] (everything the engine reads, in one pass), [`um`]
//! (authorization requests, UM-07 notifications, staff), [`cases`] (appeals, complaints,
//! disputes, portal tickets, audits: each a JSON document of filing and events), [`network`]
//! (NET-02..NET-08: record changes, credentialing applications and cycles, exclusion screenings,
//! and the span/sanction updates that give sanctions, lapses and leave their effect),
//! [`appointments`] (QM-02/QM-03 appointment-availability records), [`quality`] (paid claims as the
//! QM-01 measures read them: a compact record per claim, flagged paid with its decision), [`events`];
//! changes to records on file that imports make and the events since an instant (REC-01) are in
//! `changes`.
//!
//! Architecture invariant: only this crate knows SQL. Other crates see domain types and
//! [`StoreError`], never a table, a column or a query.

pub mod access;
pub mod adjudication;
pub mod appointments;
mod bulk;
pub mod cases;
mod changes;
pub mod claims;
mod codec;
mod dictionary;
mod error;
pub mod events;
pub mod members;
pub mod migrate;
pub mod network;
pub mod payments;
pub mod providers;
pub mod quality;
pub mod recoveries;
pub mod service_plans;
pub mod snapshot;
mod staged;
mod store;
mod traces;
pub mod um;
mod url;

pub use access::{AccessRecord, PackedRemittanceFile, RemittanceFile, StoredAccount};
pub use adjudication::{HistoryLine, RemittanceFacts, StoredAuthorization, StoredDecision};
pub use appointments::StoredAppointment;
pub use cases::{CaseEvent, StoredCase};
pub use claims::{ReceivedFile, StoredClaim};
pub use error::StoreError;
pub use events::Event;
pub use network::{StoredApplication, StoredChange, StoredCycle, StoredMatch, StoredScreening};
pub use payments::{ClaimDue, PayableClaim, PaymentCycle, ProviderBalance, StoredRemittance};
pub use quality::{PaidClaim, PaidClaimKind, PaidClaimRef, PaidLine, QualityPage};
pub use service_plans::{PlanEvent, StoredServicePlan};
pub use snapshot::Book;
pub use staged::Staged;
pub use store::{Store, TableCounts, UnitOfWork};
pub use um::{StoredNotification, StoredStaff, StoredUmRequest};
pub use url::{Backend, DatabaseUrl};

#[cfg(test)]
mod send_check {
    fn is_send<T: Send>(_: &T) {}
    // Compile-time check: every public future is `Send`, so web handlers can await them.
    #[allow(dead_code, clippy::all)]
    async fn futures_are_send(s: crate::Store, mut u: crate::UnitOfWork) {
        let id = accord_core::MemberId::parse("M1").unwrap();
        is_send(&s.get_member(&id));
        is_send(&s.counts());
        is_send(&s.content_digest());
        is_send(&s.events_for("a", "b"));
        is_send(&s.open_cases());
        is_send(&s.balances_of_case("AUD-"));
        is_send(&s.case_count_with_prefix("APL-"));
        is_send(&crate::Store::connect("x"));
        is_send(&s.begin("a", "b", jiff::Timestamp::now()));
        is_send(&u.insert_members(&[]));
        is_send(&u.record_event("a", "b", "c", serde_json::Value::Null));
        is_send(&u.end_eligibility(&id, "p", jiff::civil::date(2020, 1, 1), None));
        is_send(&u.commit());
    }
}
