//! # accord-cases
//!
//! Everything after a decision is a case with a clock. This crate owns the pure case engine and
//! the workflows built on it (issue 6): appeals of adverse determinations (APL-01..05), provider
//! complaints (CMP-01..03), claim disputes and requests for review (DSP-01, REC-03), the state
//! resolution portal as the state's own desk (DSP-02..05), billing audits, record reviews and
//! overpayment recovery (REC-02, REC-04, REC-05), and credentialing appeals (NET-06).
//!
//! A case is its filing plus its events, folded in time order ([`Case::file`], [`Case::apply`],
//! [`replay`]). Given those, `now`, and the plan's settings, calendar and time zone
//! ([`CaseContext`]), the engine says the phase, the open clocks, what is due today and what is
//! overdue ([`Case::status`], [`evaluate`]). Every clock is a [`ClockKind`] with its rule ID,
//! owner, pause and extension policy and expiry action; date deadlines fall at the end of the
//! plan-local day, hour clocks are elapsed hours. A refusal is a [`CaseError::Refused`] naming
//! its rule and dates.
//!
//! No database, no clock, no I/O: the store keeps filings and events, the CLI and server call
//! this crate. See `docs/cases.md` and `docs/decisions/0016-cases-engine.md`.

extern crate self as accord_cases;

pub mod case;
pub mod clock;
pub mod error;
pub mod event;
pub mod model;
pub mod sample;
pub mod staff;
#[cfg(test)]
#[path = "../tests/common/mod.rs"]
pub(crate) mod testkit;
pub mod workflow;

pub use case::{Case, CaseStatus, ClockState, ClockStatus, Window, evaluate, replay};
pub use clock::{
    CaseContext, Clock, ClockKind, ClockSpec, Expiry, Extension, Length, Owner, Pause, Team,
};
pub use error::CaseError;
pub use event::{Action, AppealOutcome, ClaimFollowUp, Event, Filing, NewCase};
pub use model::{CaseKind, Closure, ClosureReason, FiledBy, Flag, Note, Parties, Phase, Subject};
pub use staff::{StaffDirectory, StaffMember};
pub use workflow::Detail;
pub use workflow::appeal::{
    AppealFiling, AppealLevel, AppealNature, AppealTrack, ClinicalRequest,
    clinical_request_may_proceed,
};
pub use workflow::audit::{AuditFiling, Finding, FindingsAppealOutcome};
pub use workflow::credentialing::{CredentialingAppealFiling, CredentialingOutcome};
pub use workflow::dispute::{DisputeFiling, ReviewRequestFiling, portal_window};
pub use workflow::portal::{InternalDispute, RegistrationFiling, TicketFiling};
pub use workflow::recovery::RecoveryFiling;

/// APL-04: may the provider bill the member for `claim_or_authorization` at `now`? Not while an
/// appeal about it is open, nor while a Level II appeal may still be filed after an adverse
/// Level I decision. The claims engine reads this.
pub fn member_billing_blocked<'c>(
    claim_or_authorization: &str,
    cases: impl IntoIterator<Item = &'c Case>,
    now: accord_core::Timestamp,
    ctx: &CaseContext<'_>,
) -> Result<bool, CaseError> {
    for c in cases {
        let about = c.subject.claim.as_deref() == Some(claim_or_authorization)
            || c.subject.authorization.as_deref() == Some(claim_or_authorization);
        if c.kind == CaseKind::Appeal
            && about
            && c.status(now, ctx)?.flags.contains(&Flag::NoMemberBilling)
        {
            return Ok(true);
        }
    }
    Ok(false)
}
