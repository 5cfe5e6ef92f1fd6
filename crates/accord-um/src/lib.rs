//! # accord-um
//!
//! Utilization management, pure: the plan's authorization rules made explicit and fast. This crate
//! owns what happens to an authorization request from receipt to decision, with no database,
//! clock or I/O — "now" and every fact come in as arguments:
//!
//! - [`request`]: the request form (JSON) and the valid request it parses into, naming every bad
//!   field; the handbook's structured clinical information (§12.09).
//! - [`clock`]: UM-02 decision clocks in the plan's time zone; UM-08 late concurrent reviews.
//! - [`screen`]: the checks in order — eligibility (UM-03), completeness (UM-03), the grid
//!   (UM-01, UM-12, UM-09, ELIG-03), provider standing (NET-05), retrospective review (UM-11) — and
//!   the automatic decision where the plan's criteria are met (UM-10).
//! - [`case`]: a request on record: receipt, a reviewer's decision with UM-05's authority check,
//!   peer-to-peer, phone notice, reconsideration (UM-06), the appeal hand-off.
//! - [`notice`]: UM-06 adverse-determination notices as data and as a printable letter.
//! - [`emergency`]: UM-07 admission notifications and their deadline.
//! - [`encounters`]: UM-09 initial encounters and ELIG-03 transition of care — the same functions
//!   the claims engine asks.
//! - [`queue`]: the clinical work queue by due instant; [`metrics`]: the QM-04 / CMS-0057-F report.
//! - [`staff`]: roles and reporting lines.
//!
//! Storage, the CLI and (later) HTTP are shells in `accord-service` and `accord-cli`.

pub mod bench;
pub mod case;
pub mod clock;
pub mod emergency;
pub mod encounters;
pub mod metrics;
pub mod notice;
pub mod queue;
pub mod request;
pub mod screen;
pub mod staff;

pub use case::{
    AppealHandOff, Context, Decision, PeerToPeer, Refusal, ReviewerDecision, Status, UmCase,
};
pub use clock::{ClockRule, DecisionClock};
pub use request::{AuthRequest, FieldError, RequestForm, ReviewType, Urgency};
pub use screen::{Outcome, Screening, UmFacts};
pub use staff::{Role, StaffUser};
