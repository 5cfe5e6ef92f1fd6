//! The workflows built on the engine, one module per family of rules. Each module says how its
//! filing opens a case, how each action moves it, and what its clocks do when they run out.

pub mod appeal;
pub mod audit;
pub mod complaint;
pub mod credentialing;
pub mod dispute;
pub mod portal;
pub mod recovery;

use accord_core::Timestamp;
use serde::Serialize;

use crate::case::{Case, Window};
use crate::clock::{CaseContext, Clock};
use crate::error::CaseError;
use crate::event::{Action, Event, Filing};
use crate::model::{CaseKind, ClosureReason, Flag};

/// Kind-specific facts of a case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// Nothing beyond the common fields (CMP-03, DSP-05).
    None,
    /// APL.
    Appeal(appeal::AppealState),
    /// CMP-01.
    AgreementComplaint(complaint::AgreementState),
    /// CMP-02.
    GeneralComplaint(complaint::GeneralState),
    /// DSP-01, REC-03.
    Dispute(dispute::DisputeState),
    /// DSP-02..04.
    Ticket(portal::TicketState),
    /// REC-04, REC-05.
    Audit(audit::AuditState),
    /// REC-01, REC-02.
    Recovery(recovery::RecoveryState),
    /// NET-06.
    Credentialing(credentialing::CredentialingState),
}

pub(crate) fn file(
    case: &mut Case,
    filing: &Filing,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    match filing {
        Filing::Appeal(f) => appeal::file(case, f, ctx),
        Filing::AgreementComplaint { event_date } => {
            complaint::file_agreement(case, *event_date, ctx)
        }
        Filing::GeneralComplaint {} => complaint::file_general(case, ctx),
        Filing::QualityOfCare { identified } => complaint::file_quality(case, *identified, ctx),
        Filing::ClaimDispute(f) => dispute::file_dispute(case, f, ctx),
        Filing::ReviewRequest(f) => dispute::file_review(case, f, ctx),
        Filing::PortalRegistration(f) => portal::file_registration(case, f, ctx),
        Filing::PortalTicket(f) => portal::file_ticket(case, f, ctx),
        Filing::BillingAudit(f) => audit::file_audit(case, f, ctx),
        Filing::TreatmentRecordReview {} => audit::file_record_review(case, ctx),
        Filing::Recovery(f) => recovery::file(case, f, ctx),
        Filing::CredentialingAppeal(f) => credentialing::file(case, f, ctx),
    }
}

pub(crate) fn apply(
    case: &mut Case,
    event: &Event,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    match &event.action {
        Action::Withdraw { reason } => {
            if matches!(
                case.kind,
                CaseKind::BillingAudit | CaseKind::TreatmentRecordReview | CaseKind::Recovery
            ) {
                return Err(case.not_applicable("withdraw"));
            }
            let detail = if reason.is_empty() {
                format!("withdrawn by {}", actor(event))
            } else {
                format!("withdrawn by {}: {reason}", actor(event))
            };
            case.close(ClosureReason::Withdrawn, None, event.at, detail);
            return Ok(());
        }
        Action::Reopen => return Err(case.not_applicable("reopen")),
        _ => {}
    }
    match case.kind {
        CaseKind::Appeal => appeal::apply(case, event, ctx),
        CaseKind::AgreementComplaint => complaint::apply_agreement(case, event, ctx),
        CaseKind::GeneralComplaint => complaint::apply_general(case, event, ctx),
        CaseKind::QualityOfCare => complaint::apply_quality(case, event),
        CaseKind::ClaimDispute | CaseKind::ReviewRequest => dispute::apply(case, event),
        CaseKind::PortalRegistration => portal::apply_registration(case, event),
        CaseKind::PortalTicket => portal::apply_ticket(case, event, ctx),
        CaseKind::BillingAudit | CaseKind::TreatmentRecordReview => audit::apply(case, event, ctx),
        CaseKind::Recovery => recovery::apply(case, event, ctx),
        CaseKind::CredentialingAppeal => credentialing::apply(case, event, ctx),
    }
}

pub(crate) fn on_expiry(
    case: &mut Case,
    clock: &Clock,
    due: Timestamp,
    ctx: &CaseContext<'_>,
) -> Result<(), CaseError> {
    match case.kind {
        CaseKind::Recovery => recovery::on_expiry(case, clock, due, ctx),
        _ => Ok(()),
    }
}

pub(crate) fn flags(case: &Case, now: Timestamp, ctx: &CaseContext<'_>) -> Vec<Flag> {
    match &case.detail {
        Detail::Appeal(a) => appeal::flags(case, a, now, ctx),
        Detail::Audit(a) => audit::flags(case, a),
        Detail::Recovery(_) if case.phase == crate::model::Phase::InCollections => {
            vec![Flag::Collections]
        }
        _ => Vec::new(),
    }
}

pub(crate) fn windows(case: &Case, ctx: &CaseContext<'_>) -> Result<Vec<Window>, CaseError> {
    match &case.detail {
        Detail::Appeal(a) => appeal::windows(a, ctx),
        Detail::Dispute(_) => dispute::windows(case, ctx),
        _ => Ok(Vec::new()),
    }
}

fn actor(e: &Event) -> &str {
    if e.actor.is_empty() {
        "the filer"
    } else {
        &e.actor
    }
}
