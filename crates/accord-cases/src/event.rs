//! What is filed and what is done: the inputs the engine folds into a case.
//!
//! Filings and actions are plain data (serde, tagged by `kind` and `action`) so the store can keep
//! them as the case's event log and the CLI can read them from JSON files.

use accord_core::{Date, Money, Timestamp};
use serde::{Deserialize, Serialize};

use crate::model::{Parties, Subject};
use crate::workflow::appeal::AppealFiling;
use crate::workflow::audit::{AuditFiling, Finding, FindingsAppealOutcome};
use crate::workflow::credentialing::{CredentialingAppealFiling, CredentialingOutcome};
use crate::workflow::dispute::{DisputeFiling, ReviewRequestFiling};
use crate::workflow::portal::{RegistrationFiling, TicketFiling};
use crate::workflow::recovery::RecoveryFiling;

/// A new case: who, about what, and the kind-specific filing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    /// The parties.
    #[serde(default)]
    pub parties: Parties,
    /// What it is about.
    #[serde(default)]
    pub subject: Subject,
    /// The kind and its facts.
    pub filing: Filing,
}

/// The kind-specific facts of a filing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Filing {
    /// APL-01..05.
    Appeal(AppealFiling),
    /// CMP-01: `event_date` is the day of the event (or when the provider should reasonably have
    /// become aware of it).
    AgreementComplaint {
        /// The event that gave rise to the complaint.
        event_date: Date,
    },
    /// CMP-02.
    GeneralComplaint {},
    /// CMP-03: `identified` is when the concern came to light; the 24 hours run from there.
    QualityOfCare {
        /// When the concern was identified.
        identified: Timestamp,
    },
    /// DSP-01.
    ClaimDispute(DisputeFiling),
    /// REC-03.
    ReviewRequest(ReviewRequestFiling),
    /// DSP-05.
    PortalRegistration(RegistrationFiling),
    /// DSP-02..04.
    PortalTicket(TicketFiling),
    /// REC-04.
    BillingAudit(AuditFiling),
    /// REC-05 treatment-record review: records due in 5 business days.
    TreatmentRecordReview {},
    /// REC-01/REC-02.
    Recovery(RecoveryFiling),
    /// NET-06.
    CredentialingAppeal(CredentialingAppealFiling),
}

/// What happens to a dispute's claim when it is resolved (the outcome flows back to claims).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClaimFollowUp {
    /// Nothing: the determination stands.
    #[default]
    None,
    /// Adjudicate the claim again.
    Readjudicate,
    /// Adjust the claim's payment.
    Adjust,
}

/// Outcome of an appeal of an adverse determination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    /// The adverse determination stands (clinical or administrative).
    Upheld,
    /// Clinical: reversed in whole.
    Overturned,
    /// Clinical: reversed in part.
    PartlyOverturned,
    /// APL-05 administrative: overturned; no clinical review is needed (e.g. a timely-filing
    /// waiver, a corrected claim).
    OverturnedWithoutClinicalReview,
    /// APL-05 administrative: overturned; the clinical request now goes to clinical review.
    OverturnedForClinicalReview,
}

impl AppealOutcome {
    /// The outcome in words.
    pub const fn label(self) -> &'static str {
        match self {
            AppealOutcome::Upheld => "upheld",
            AppealOutcome::Overturned => "overturned",
            AppealOutcome::PartlyOverturned => "partly overturned",
            AppealOutcome::OverturnedWithoutClinicalReview => "overturned without clinical review",
            AppealOutcome::OverturnedForClinicalReview => "overturned for clinical review",
        }
    }
}

/// Something done on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// APL-03 assign the appeal reviewer.
    AssignReviewer {
        /// Staff ID of the reviewer.
        reviewer: String,
    },
    /// Ask the filer for information or documents.
    RequestInformation {
        /// What is asked for.
        #[serde(default)]
        what: String,
    },
    /// What was asked for arrived (also: NET-06 the record is complete).
    InformationReceived,
    /// APL decide the appeal.
    Decide {
        /// The outcome.
        outcome: AppealOutcome,
    },
    /// APL-02 the verbal notice of an expedited decision was given.
    VerbalNoticeGiven,
    /// CMP-02 take the one extension.
    Extend {
        /// Whether the extension is for the member's benefit (CMP-02 allows no other).
        for_member_benefit: bool,
        /// Why.
        reason: String,
    },
    /// REC-04 letter of extension naming a later date.
    ExtendTo {
        /// The new last day.
        until: Date,
        /// Why.
        reason: String,
    },
    /// CMP-02 acknowledge receipt.
    Acknowledge,
    /// CMP-01 written first-level answer.
    Answer,
    /// CMP-01 the provider files a second-level complaint.
    FileSecondLevel,
    /// Resolve a complaint, dispute, review or ticket (CMP-01 final answer too).
    Resolve {
        /// DSP-01/REC-03 what happens to the claim.
        #[serde(default)]
        claim: ClaimFollowUp,
        /// DSP-01/REC-03 with `adjust`: the amount the plan now pays the provider on the claim.
        #[serde(default)]
        amount: Option<Money>,
    },
    /// CMP-03 the concern was reported.
    Report,
    /// DSP-05 registration approved.
    Register,
    /// DSP-04 asking to reopen a closed ticket (always refused).
    Reopen,
    /// REC-05 the requested records arrived.
    RecordsReceived,
    /// REC-04 one sampled claim's finding, recorded while the records are reviewed (a later
    /// finding on the same claim replaces it); `findings` with no list issues those recorded.
    Finding {
        /// The claim's tracking number (it must be in the sample).
        claim: String,
        /// The claim is not supported by the records (default: true when something was overpaid).
        #[serde(default)]
        error: Option<bool>,
        /// What was overpaid on it.
        #[serde(default)]
        overpaid: Money,
        /// Why (printed on the report of findings and kept with the case).
        #[serde(default)]
        reason: String,
    },
    /// REC-04 findings per sampled claim, with the appeal due date from the findings letter.
    Findings {
        /// One per sampled claim that was reviewed (empty: the findings recorded one by one).
        #[serde(default)]
        findings: Vec<Finding>,
        /// The last day to appeal, as printed in the report of findings.
        appeal_by: Date,
    },
    /// REC-04 the provider appeals the findings.
    AppealFindings,
    /// REC-04 the reviewing committee met on the appeal of findings.
    CommitteeMet,
    /// REC-04 the committee's decision on the appeal of findings.
    DecideFindingsAppeal {
        /// The outcome.
        outcome: FindingsAppealOutcome,
    },
    /// REC-04 the repayment or corrective action plan arrived.
    RepaymentReceived,
    /// REC-04 the findings are final (the appeal window ended unused, or the committee decided
    /// the appeal): what they say was overpaid becomes a recovery (REC-01).
    Finalize,
    /// REC-04 the provider repaid an amount (by check or transfer); it reduces the audit's
    /// recoveries, oldest first, and ends the repayment clock.
    Repay {
        /// The amount received.
        amount: Money,
    },
    /// REC-04 an installment payment plan was approved (the 10-day repayment clock ends).
    InstallmentPlanApproved,
    /// REC-04 begin monitoring in increments.
    StartMonitoring,
    /// REC-04 another monitoring increment.
    ContinueMonitoring,
    /// REC-04 compliance demonstrated; monitoring ends.
    EndMonitoring,
    /// REC-04/05 close the audit or review.
    Complete,
    /// REC-02 send the demand letter.
    SendDemand,
    /// REC-02 the provider requests review of the recovery.
    RequestReview,
    /// REC-02 the review's outcome.
    DecideReview {
        /// True when the recovery stands.
        upheld: bool,
    },
    /// REC-02 the balance was repaid or offset to zero.
    BalanceRecovered,
    /// NET-06 the committee's decision.
    DecideCredentialingAppeal {
        /// The outcome.
        outcome: CredentialingOutcome,
        /// Whether the provider may request a fair hearing (adverse decisions on quality of care
        /// or professional competence or conduct).
        #[serde(default)]
        fair_hearing_available: bool,
    },
    /// NET-06 the provider requests a fair hearing.
    RequestFairHearing,
    /// NET-06 the fair hearing was held.
    FairHearingHeld,
    /// The filer withdraws the case.
    Withdraw {
        /// Why.
        #[serde(default)]
        reason: String,
    },
}

impl Action {
    /// The action's name (as written in JSON and on the command line).
    pub fn name(&self) -> &'static str {
        match self {
            Action::AssignReviewer { .. } => "assign_reviewer",
            Action::RequestInformation { .. } => "request_information",
            Action::InformationReceived => "information_received",
            Action::Decide { .. } => "decide",
            Action::VerbalNoticeGiven => "verbal_notice_given",
            Action::Extend { .. } => "extend",
            Action::ExtendTo { .. } => "extend_to",
            Action::Acknowledge => "acknowledge",
            Action::Answer => "answer",
            Action::FileSecondLevel => "file_second_level",
            Action::Resolve { .. } => "resolve",
            Action::Report => "report",
            Action::Register => "register",
            Action::Reopen => "reopen",
            Action::RecordsReceived => "records_received",
            Action::Finding { .. } => "finding",
            Action::Findings { .. } => "findings",
            Action::Finalize => "finalize",
            Action::Repay { .. } => "repay",
            Action::AppealFindings => "appeal_findings",
            Action::CommitteeMet => "committee_met",
            Action::DecideFindingsAppeal { .. } => "decide_findings_appeal",
            Action::RepaymentReceived => "repayment_received",
            Action::InstallmentPlanApproved => "installment_plan_approved",
            Action::StartMonitoring => "start_monitoring",
            Action::ContinueMonitoring => "continue_monitoring",
            Action::EndMonitoring => "end_monitoring",
            Action::Complete => "complete",
            Action::SendDemand => "send_demand",
            Action::RequestReview => "request_review",
            Action::DecideReview { .. } => "decide_review",
            Action::BalanceRecovered => "balance_recovered",
            Action::DecideCredentialingAppeal { .. } => "decide_credentialing_appeal",
            Action::RequestFairHearing => "request_fair_hearing",
            Action::FairHearingHeld => "fair_hearing_held",
            Action::Withdraw { .. } => "withdraw",
        }
    }
}

/// One recorded action: when, by whom, what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// When it happened (receipt instant for things received).
    pub at: Timestamp,
    /// Who did it (staff ID, provider, `system`).
    #[serde(default)]
    pub actor: String,
    /// What.
    #[serde(flatten)]
    pub action: Action,
}

impl Event {
    /// An event by `actor` at `at`.
    pub fn new(at: Timestamp, actor: impl Into<String>, action: Action) -> Self {
        Self {
            at,
            actor: actor.into(),
            action,
        }
    }
}

/// Convenience for amounts in filings.
pub(crate) fn money_is_positive(m: Money) -> bool {
    m.amount() > rust_decimal::Decimal::ZERO
}
