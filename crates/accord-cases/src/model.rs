//! The vocabulary of a case: who is involved, what it is about, what kind it is, where it stands
//! and how it ended.

use std::fmt;

use accord_core::{MemberId, Npi, Timestamp};
use serde::{Deserialize, Serialize};

/// Who filed the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FiledBy {
    /// The provider (or its billing staff).
    #[default]
    Provider,
    /// The member.
    Member,
    /// The member's authorized representative.
    MemberRepresentative,
    /// The plan itself (audits, recovery, quality-of-care reports).
    Plan,
}

/// The parties to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Parties {
    /// Who filed it.
    #[serde(default)]
    pub filed_by: FiledBy,
    /// The provider involved, when there is one.
    #[serde(default)]
    pub provider: Option<Npi>,
    /// The member involved, when there is one.
    #[serde(default)]
    pub member: Option<MemberId>,
}

/// What the case is about. Any combination may be set; at least the fields a workflow needs are
/// checked when it is filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    /// The claim's tracking number.
    #[serde(default)]
    pub claim: Option<String>,
    /// The authorization or request ID.
    #[serde(default)]
    pub authorization: Option<String>,
    /// The provider the case is about (audits, credentialing), when not the filer.
    #[serde(default)]
    pub provider: Option<Npi>,
    /// The provider-agreement term in dispute (CMP-01).
    #[serde(default)]
    pub contract_term: Option<String>,
}

/// The kinds of case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// APL-01..05 appeal of an adverse determination.
    Appeal,
    /// CMP-01 complaint about the provider agreement.
    AgreementComplaint,
    /// CMP-02 general complaint.
    GeneralComplaint,
    /// CMP-03 potential quality-of-care concern.
    QualityOfCare,
    /// DSP-01 the plan's internal claim dispute.
    ClaimDispute,
    /// REC-03 request for review of a claim determination.
    ReviewRequest,
    /// DSP-05 registration with the state portal.
    PortalRegistration,
    /// DSP-02..04 a state portal ticket.
    PortalTicket,
    /// REC-04 billing audit.
    BillingAudit,
    /// REC-05 treatment-record review.
    TreatmentRecordReview,
    /// REC-01/REC-02 overpayment recovery.
    Recovery,
    /// NET-06 appeal of a credentialing decision.
    CredentialingAppeal,
}

impl CaseKind {
    /// The kind in words, e.g. "claim dispute".
    pub const fn label(self) -> &'static str {
        match self {
            CaseKind::Appeal => "appeal",
            CaseKind::AgreementComplaint => "provider-agreement complaint",
            CaseKind::GeneralComplaint => "general complaint",
            CaseKind::QualityOfCare => "quality-of-care concern",
            CaseKind::ClaimDispute => "claim dispute",
            CaseKind::ReviewRequest => "request for review",
            CaseKind::PortalRegistration => "portal registration",
            CaseKind::PortalTicket => "portal ticket",
            CaseKind::BillingAudit => "billing audit",
            CaseKind::TreatmentRecordReview => "treatment-record review",
            CaseKind::Recovery => "overpayment recovery",
            CaseKind::CredentialingAppeal => "credentialing appeal",
        }
    }
}

impl fmt::Display for CaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Where an open case stands (the state machine's states; each workflow uses a few).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Filed, nothing done yet.
    Filed,
    /// A reviewer is assigned / the plan is working on it.
    UnderReview,
    /// Decided; the expedited verbal notice is still owed (APL-02).
    AwaitingVerbalNotice,
    /// The plan asked the filer for something and waits for it.
    AwaitingInformation,
    /// CMP-01 first level answered; the provider may file a second level.
    Answered,
    /// CMP-01 second level filed.
    SecondLevel,
    /// A portal registration or ticket is open with the state.
    Open,
    /// REC-05 records requested from the provider.
    AwaitingRecords,
    /// REC-04 records received; the plan compares them to the claims.
    ReviewingRecords,
    /// REC-04 findings sent; repayment, corrective action or appeal may follow.
    FindingsIssued,
    /// REC-04 the provider appealed the findings.
    FindingsAppealed,
    /// REC-04 the provider is monitored in 90-day increments.
    Monitoring,
    /// REC-01 overpayment notice sent; waiting for the provider.
    NoticeSent,
    /// REC-02 a negative balance is outstanding and offset against payments.
    BalanceOutstanding,
    /// REC-02 a demand letter was sent.
    Demanded,
    /// REC-02 the provider asked for review of the recovery.
    ReviewRequested,
    /// REC-02 the balance was placed in collections.
    InCollections,
    /// NET-06 waiting for the appeals committee's record to be complete.
    AwaitingRecord,
    /// NET-06 decided adversely; the provider may request a fair hearing.
    FairHearingAvailable,
    /// NET-06 a fair hearing was requested.
    FairHearingRequested,
    /// Closed for good.
    Closed,
}

impl Phase {
    /// The phase in words.
    pub const fn label(self) -> &'static str {
        match self {
            Phase::Filed => "filed",
            Phase::UnderReview => "under review",
            Phase::AwaitingVerbalNotice => "decided, awaiting verbal notice",
            Phase::AwaitingInformation => "awaiting information",
            Phase::Answered => "answered",
            Phase::SecondLevel => "at second level",
            Phase::Open => "open",
            Phase::AwaitingRecords => "awaiting records",
            Phase::ReviewingRecords => "reviewing records",
            Phase::FindingsIssued => "findings issued",
            Phase::FindingsAppealed => "findings under appeal",
            Phase::Monitoring => "monitoring",
            Phase::NoticeSent => "overpayment notice sent",
            Phase::BalanceOutstanding => "balance outstanding",
            Phase::Demanded => "demand sent",
            Phase::ReviewRequested => "review requested",
            Phase::InCollections => "in collections",
            Phase::AwaitingRecord => "awaiting a complete record",
            Phase::FairHearingAvailable => "fair hearing available",
            Phase::FairHearingRequested => "fair hearing requested",
            Phase::Closed => "closed",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a case closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClosureReason {
    /// Decided (appeals, credentialing appeals).
    Decided,
    /// Resolved (complaints, disputes, tickets, reviews).
    Resolved,
    /// Withdrawn by whoever filed it.
    Withdrawn,
    /// The filer's window for the next step lapsed (CMP-01 second level, NET-06 fair hearing).
    WindowLapsed,
    /// DSP-04 no (valid) plan tracking number.
    NoTrackingNumber,
    /// DSP-04 outside the 30/60-day window.
    OutsideWindow,
    /// DSP-04 incomplete submission; DSP-05 incomplete registration.
    Incomplete,
    /// DSP-04 Medicare-only complaint.
    MedicareOnly,
    /// DSP-04 about a missing required prior authorization.
    MissingPriorAuthorization,
    /// DSP-03 the provider did not answer the request for information in time.
    NoResponse,
    /// CMP-03 reported.
    Reported,
    /// DSP-05 registered.
    Registered,
    /// REC-04/05 audit or review completed.
    Completed,
    /// REC-02 the balance was repaid or recovered.
    Repaid,
    /// REC-02 the recovery was reversed on review.
    Reversed,
}

impl ClosureReason {
    /// The reason in words.
    pub const fn label(self) -> &'static str {
        match self {
            ClosureReason::Decided => "decided",
            ClosureReason::Resolved => "resolved",
            ClosureReason::Withdrawn => "withdrawn",
            ClosureReason::WindowLapsed => "window lapsed",
            ClosureReason::NoTrackingNumber => "no plan tracking number",
            ClosureReason::OutsideWindow => "outside the 30/60-day window",
            ClosureReason::Incomplete => "incomplete",
            ClosureReason::MedicareOnly => "Medicare-only complaint",
            ClosureReason::MissingPriorAuthorization => "missing required prior authorization",
            ClosureReason::NoResponse => "no response to the request for information",
            ClosureReason::Reported => "reported",
            ClosureReason::Registered => "registered",
            ClosureReason::Completed => "completed",
            ClosureReason::Repaid => "repaid",
            ClosureReason::Reversed => "reversed on review",
        }
    }
}

impl fmt::Display for ClosureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How and when a case closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closure {
    /// Why.
    pub reason: ClosureReason,
    /// The rule that closed it, when a rule did (e.g. DSP-04).
    pub rule: Option<&'static str>,
    /// When.
    pub at: Timestamp,
    /// The sentence shown to people (names the rule, the window and the dates).
    pub detail: String,
}

/// Something the rest of the system must respect while the flag is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// APL-04 the provider may not bill the member for the service under appeal.
    NoMemberBilling,
    /// APL-05 the clinical request waits for the administrative appeal.
    ClinicalRequestOnHold,
    /// REC-04 the audit's error rate is above the threshold: corrective action required.
    CorrectiveActionRequired,
    /// REC-04 the provider's claims are monitored (not paid until reviewed).
    ClaimsMonitored,
    /// REC-02 the balance is in collections.
    Collections,
}

/// Something the engine did on its own when a clock ran out, or noted while folding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// When.
    pub at: Timestamp,
    /// Rule ID.
    pub rule: &'static str,
    /// What happened.
    pub text: String,
}
