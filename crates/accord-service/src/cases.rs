//! Cases with deadlines against the store (issue 6): filing a case (numbered by kind, the filing
//! window checked by the engine), acting on it (APL-03 reviewer independence over the staff
//! reporting lines on file), where it stands at `now`, and the due list per team. Every change is
//! saved with its event in one unit of work. Rules live in `accord-cases`; this module only
//! gathers facts, numbers cases and moves them to and from the store.
//!
//! A case is stored as its [`CaseRecord`] — filing, receipt instant and every event, in order —
//! and folded again by the engine whenever it is read, so there is no second source of truth.
//!
//! Hand-offs:
//! - an appeal of a UM decision names the request in `subject.authorization`; the filing is
//!   prefilled from the request's adverse decision (`accord_um::case::appeal_hand_off`): the
//!   notice date (APL-01), the decision-maker the reviewer may not be (APL-03), the track and the
//!   nature (APL-02, APL-05);
//! - a claim dispute or request for review gets its case number as the tracking number the plan
//!   issues at filing (DSP-01); a portal ticket naming that number finds the dispute (DSP-02);
//! - appeals that overturn a UM decision count in the QM-04 report ([`overturned_requests`]);
//! - APL-04 and APL-05 answers for claims and UM ([`member_billing_blocked`],
//!   [`clinical_request_may_proceed`]).

use std::collections::{BTreeMap, BTreeSet};

use accord_cases::workflow::appeal::AppealState;
use accord_cases::{
    AppealLevel, AppealOutcome, Case, CaseContext, CaseKind, CaseStatus, ClockState, ClockStatus,
    ClosureReason, Detail, Event, Filing, InternalDispute, NewCase, Owner, Parties, StaffDirectory,
    StaffMember, Subject, Team,
};
use accord_plan::Plan;
use accord_store::{CaseEvent, Store, StoredCase};
use accord_um::Role;
use accord_um::case::{Status, appeal_hand_off};
use accord_um::request::ReviewType;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::ServiceError;

/// Event actions this module writes besides the engine's action names (`assign_reviewer`,
/// `decide`, `resolve`, …), which are used as they are.
pub mod action {
    /// A case was filed.
    pub const FILED: &str = "case_filed";
}

/// A case on record: everything the engine needs to fold it again. This is the stored document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRecord {
    /// Case number, e.g. `APL-2026-000001`.
    pub id: String,
    /// When the plan received it.
    pub received: Timestamp,
    /// The filing as accepted (prefilled and numbered).
    pub filing: NewCase,
    /// Every action taken on it, in order.
    #[serde(default)]
    pub events: Vec<Event>,
}

impl CaseRecord {
    /// Folds the filing and events (the engine's `replay`).
    pub fn replay(&self, ctx: &CaseContext<'_>) -> Result<Case, ServiceError> {
        accord_cases::replay(&self.filing, self.received, &self.events, ctx)
            .map_err(|e| ServiceError::invalid(record(&self.id), "document", e))
    }
}

/// A case as people see it: its record, the folded case and where it stands at `status.now`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseView {
    /// Filing and events.
    #[serde(flatten)]
    pub record: CaseRecord,
    /// The folded case (detail: reviewer, outcome, sample, tracking number, …).
    pub case: Case,
    /// Where it stands.
    pub status: CaseStatus,
}

fn record(id: &str) -> String {
    format!("case {id}")
}

/// The storage spelling of an engine enum (its serde name, e.g. `portal_ticket`).
fn spelling<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The number prefix of a kind of case.
pub const fn prefix(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Appeal => "APL",
        CaseKind::AgreementComplaint => "CMP",
        CaseKind::GeneralComplaint => "GRV",
        CaseKind::QualityOfCare => "QOC",
        CaseKind::ClaimDispute => "DSP",
        CaseKind::ReviewRequest => "REV",
        CaseKind::PortalRegistration => "REG",
        CaseKind::PortalTicket => "TKT",
        CaseKind::BillingAudit => "AUD",
        CaseKind::TreatmentRecordReview => "TRR",
        CaseKind::Recovery => "RCV",
        CaseKind::CredentialingAppeal => "CRA",
    }
}

/// The case number for the `n`th case of a kind in a year: `APL-2026-000042`.
pub fn case_number(kind: CaseKind, year: i16, n: u64) -> String {
    format!("{}-{year}-{n:06}", prefix(kind))
}

fn kind_of(f: &Filing) -> CaseKind {
    match f {
        Filing::Appeal(_) => CaseKind::Appeal,
        Filing::AgreementComplaint { .. } => CaseKind::AgreementComplaint,
        Filing::GeneralComplaint {} => CaseKind::GeneralComplaint,
        Filing::QualityOfCare { .. } => CaseKind::QualityOfCare,
        Filing::ClaimDispute(_) => CaseKind::ClaimDispute,
        Filing::ReviewRequest(_) => CaseKind::ReviewRequest,
        Filing::PortalRegistration(_) => CaseKind::PortalRegistration,
        Filing::PortalTicket(_) => CaseKind::PortalTicket,
        Filing::BillingAudit(_) => CaseKind::BillingAudit,
        Filing::TreatmentRecordReview {} => CaseKind::TreatmentRecordReview,
        Filing::Recovery(_) => CaseKind::Recovery,
        Filing::CredentialingAppeal(_) => CaseKind::CredentialingAppeal,
    }
}

/// What a case is looked up by: the authorization or request, else the claim, else the provider
/// it is about, else the contract term; a portal ticket by the plan tracking number; else the
/// filing provider or member.
pub fn subject_key(new: &NewCase) -> String {
    let s = &new.subject;
    let ticket = match &new.filing {
        Filing::PortalTicket(t) => t.plan_tracking_number.clone(),
        _ => None,
    };
    s.authorization
        .clone()
        .or_else(|| s.claim.clone())
        .or_else(|| s.provider.as_ref().map(ToString::to_string))
        .or_else(|| s.contract_term.clone())
        .or(ticket)
        .or_else(|| new.parties.provider.as_ref().map(ToString::to_string))
        .or_else(|| new.parties.member.as_ref().map(ToString::to_string))
        .unwrap_or_default()
}

fn stored(rec: &CaseRecord, case: &Case) -> Result<StoredCase, ServiceError> {
    Ok(StoredCase {
        case_id: rec.id.clone(),
        kind: spelling(&case.kind),
        subject: subject_key(&rec.filing),
        phase: spelling(&case.phase),
        filed_at: rec.received,
        next_due: case.clocks.iter().filter_map(|c| c.due).min(),
        closed_at: case.closure.as_ref().map(|c| c.at),
        revision: i64::try_from(rec.events.len()).unwrap_or(i64::MAX - 1) + 1,
        document: serde_json::to_string(rec)
            .map_err(|e| ServiceError::invalid(record(&rec.id), "document", e))?,
    })
}

pub(crate) fn from_stored(row: &StoredCase) -> Result<CaseRecord, ServiceError> {
    serde_json::from_str(&row.document)
        .map_err(|e| ServiceError::invalid(record(&row.case_id), "document", e))
}

fn view(rec: CaseRecord, case: Case, now: Timestamp, ctx: &CaseContext<'_>) -> CaseView {
    // `status` fails only when date arithmetic runs off the calendar, which filing and every
    // event already did without failing; fall back to the case as folded.
    let status = case.status(now, ctx).unwrap_or_else(|_| CaseStatus {
        now,
        kind: case.kind,
        phase: case.phase,
        closure: case.closure.clone(),
        clocks: Vec::new(),
        flags: Vec::new(),
        windows: Vec::new(),
        notes: case.notes.clone(),
    });
    CaseView {
        record: rec,
        case,
        status,
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a filing
// ---------------------------------------------------------------------------------------------

fn form(message: impl Into<String>) -> ServiceError {
    ServiceError::Form(message.into())
}

fn part<T: serde::de::DeserializeOwned + Default>(
    top: &Map<String, Value>,
    name: &str,
) -> Result<T, ServiceError> {
    match top.get(name) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| form(format!("{name}: {e}"))),
    }
}

/// Reads a filing as a person writes it (JSON, `docs/cases.md`) into the engine's [`NewCase`],
/// naming the part at fault. An appeal whose `subject.authorization` names a UM request is
/// prefilled from the request's adverse decision; a claim dispute's or request for review's
/// tracking number is issued at filing, so the file may leave it out.
pub async fn prepare(store: &Store, plan: &Plan, draft: &Value) -> Result<NewCase, ServiceError> {
    let Value::Object(top) = draft else {
        return Err(form(
            "a case filing is a JSON object with `filing` (its `kind` and facts) and optional \
             `parties` and `subject`",
        ));
    };
    let mut top = top.clone();
    if let Some(k) = top
        .keys()
        .find(|k| !["parties", "subject", "filing"].contains(&k.as_str()))
    {
        return Err(form(format!(
            "{k}: unknown field, expected `parties`, `subject` or `filing`"
        )));
    }
    let kind = match top.get("filing") {
        Some(Value::Object(f)) => match f.get("kind") {
            Some(Value::String(k)) => k.clone(),
            _ => {
                return Err(form(
                    "filing.kind: missing; one of appeal, agreement_complaint, general_complaint, \
                     quality_of_care, claim_dispute, review_request, portal_registration, \
                     portal_ticket, billing_audit, treatment_record_review, recovery, \
                     credentialing_appeal",
                ));
            }
        },
        _ => {
            return Err(form(
                "filing: missing; it holds the case's `kind` and facts",
            ));
        }
    };
    match kind.as_str() {
        "appeal" => prefill_appeal(store, plan, &mut top).await?,
        "claim_dispute" | "review_request" => {
            if let Some(Value::Object(f)) = top.get_mut("filing") {
                // DSP-01: the plan issues the tracking number at filing (the case number).
                f.entry("tracking_number").or_insert_with(|| json!("-"));
            }
        }
        _ => {}
    }
    let parties: Parties = part(&top, "parties")?;
    let subject: Subject = part(&top, "subject")?;
    let filing: Filing = serde_json::from_value(top.get("filing").cloned().unwrap_or(Value::Null))
        .map_err(|e| form(format!("filing: {e}")))?;
    Ok(NewCase {
        parties,
        subject,
        filing,
    })
}

fn obj<'a>(top: &'a mut Map<String, Value>, name: &str) -> &'a mut Map<String, Value> {
    let v = top.entry(name).or_insert_with(|| Value::Object(Map::new()));
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m,
        _ => unreachable!("just made an object"),
    }
}

/// APL-01/02/03/05: an appeal naming a UM request takes its facts from the request's adverse
/// decision — the notice date, the decision-maker (never the reviewer, APL-03), the track
/// (retrospective for a retrospective review, expedited for urgent care at Level I) and the nature
/// (administrative for an administrative denial). A Level II appeal also takes the Level I
/// decision date and reviewer from the Level I appeal on file. Values the file gives are kept,
/// except that the original decision-maker is always among `decided_by`.
async fn prefill_appeal(
    store: &Store,
    plan: &Plan,
    top: &mut Map<String, Value>,
) -> Result<(), ServiceError> {
    let Some(request) = top
        .get("subject")
        .and_then(|s| s.get("authorization"))
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return Ok(());
    };
    if store.um_request(&request).await?.is_none() {
        let f = top.get("filing");
        let complete = ["appealed_notice", "decided_by"]
            .iter()
            .all(|k| f.and_then(|f| f.get(k)).is_some());
        if complete {
            // An appeal of something decided outside UM (e.g. an older authorization).
            return Ok(());
        }
        return Err(ServiceError::NotFound(format!(
            "subject.authorization: authorization request {request} not found; an appeal of \
             anything else must give filing.appealed_notice and filing.decided_by"
        )));
    }
    let um = crate::um::load(store, &request).await?;
    let Some(hand) = appeal_hand_off(&um) else {
        return Err(ServiceError::Refused(format!(
            "APL-01: authorization request {request} is {}: there is no adverse determination to \
             appeal",
            um.status.as_str().replace('_', " ")
        )));
    };
    let tz = plan.time_zone();
    let level_two = top
        .get("filing")
        .and_then(|f| f.get("level"))
        .and_then(Value::as_str)
        == Some("two");
    let mut deciders = vec![hand.decided_by.clone()];
    let mut notice = accord_core::calendar::local_date(hand.decided_at, tz);
    if level_two {
        // The Level I appeal of the same request, decided.
        let ctx = CaseContext::from_plan(plan);
        let mut level_one: Option<AppealState> = None;
        for row in store.cases_about(&request).await? {
            if row.kind != spelling(&CaseKind::Appeal) {
                continue;
            }
            let case = from_stored(&row)?.replay(&ctx)?;
            if let Detail::Appeal(a) = case.detail
                && a.filing.level == AppealLevel::One
                && a.decided_on.is_some()
            {
                level_one = Some(a);
            }
        }
        if let Some(a) = level_one {
            deciders.extend(a.reviewer.clone());
            notice = a.decided_on.unwrap_or(notice);
        } else if top
            .get("filing")
            .and_then(|f| f.get("appealed_notice"))
            .is_none()
        {
            return Err(ServiceError::Refused(format!(
                "APL-01: a Level II appeal of {request} is filed against the Level I decision, and \
                 no decided Level I appeal of it is on file; give filing.appealed_notice (the Level \
                 I decision date) and filing.decided_by"
            )));
        }
    }
    let parties = obj(top, "parties");
    parties
        .entry("member")
        .or_insert_with(|| json!(um.request.member_id.to_string()));
    parties
        .entry("provider")
        .or_insert_with(|| json!(um.request.servicing_npi.to_string()));
    let filing = obj(top, "filing");
    filing.entry("level").or_insert_with(|| json!("one"));
    filing.entry("track").or_insert_with(|| {
        json!(match (hand.review_type, hand.urgent && !level_two) {
            (ReviewType::Retrospective, _) => "retrospective",
            (_, true) => "expedited",
            _ => "standard",
        })
    });
    filing.entry("nature").or_insert_with(|| {
        json!(if hand.status == Status::AdministrativelyDenied {
            "administrative"
        } else {
            "clinical"
        })
    });
    filing
        .entry("appealed_notice")
        .or_insert_with(|| json!(notice.to_string()));
    let given = filing
        .entry("decided_by")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(list) = given else {
        return Err(form("filing.decided_by: must be a list of staff IDs"));
    };
    for d in deciders {
        if !list.iter().any(|x| x.as_str() == Some(d.as_str())) {
            list.push(json!(d));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Filing and acting
// ---------------------------------------------------------------------------------------------

/// The staff directory for APL-03: every staff user with their reporting line, and the
/// specialty their role implies (psychiatrist: `psychiatry`; doctoral psychologist:
/// `psychology`).
pub async fn staff_directory(store: &Store) -> Result<StaffDirectory, ServiceError> {
    let mut dir = StaffDirectory::default();
    for s in store.staff_users().await? {
        let specialties = match Role::parse(&s.role) {
            Some(Role::Psychiatrist) => vec!["psychiatry".to_owned()],
            Some(Role::DoctoralPsychologist) => vec!["psychology".to_owned()],
            _ => Vec::new(),
        };
        dir.insert(
            s.user_id,
            StaffMember {
                reports_to: s.reports_to,
                specialties,
            },
        );
    }
    Ok(dir)
}

/// DSP-05: the provider holds a completed portal registration.
async fn registered_with_portal(
    store: &Store,
    ctx: &CaseContext<'_>,
    npi: &str,
) -> Result<bool, ServiceError> {
    for row in store
        .cases_of_kind(&spelling(&CaseKind::PortalRegistration))
        .await?
    {
        if row.subject != npi || row.closed_at.is_none() {
            continue;
        }
        let case = from_stored(&row)?.replay(ctx)?;
        if case
            .closure
            .as_ref()
            .is_some_and(|c| c.reason == ClosureReason::Registered)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Files a case received at `received`: reads the filing ([`prepare`]), numbers it by kind and
/// year, lets the engine check its window and open its clocks, and stores it with its
/// `case_filed` event in one unit of work. A refusal (e.g. APL-01 "Level II appeal must be filed
/// within 90 calendar days of the Level I decision on …") stores nothing.
pub async fn file(
    store: &Store,
    plan: &Plan,
    draft: &Value,
    received: Timestamp,
    actor: &str,
) -> Result<CaseView, ServiceError> {
    let ctx = CaseContext::from_plan(plan);
    let mut new = prepare(store, plan, draft).await?;
    let kind = kind_of(&new.filing);
    let year = ctx.local_date(received).year();
    let n = store
        .case_count_with_prefix(&format!("{}-{year}-", prefix(kind)))
        .await?;
    let id = case_number(kind, year, n + 1);
    match &mut new.filing {
        Filing::ClaimDispute(d) => {
            check_claim(store, &new.subject).await?;
            d.tracking_number = id.clone();
        }
        Filing::ReviewRequest(r) => {
            check_claim(store, &new.subject).await?;
            r.tracking_number = id.clone();
        }
        Filing::PortalTicket(t) => {
            // DSP-02: the plan's dispute behind the tracking number the provider entered.
            if t.internal_dispute.is_none()
                && let Some(number) = t
                    .plan_tracking_number
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                && let Some(row) = store.case(number).await?
                && (row.kind == spelling(&CaseKind::ClaimDispute)
                    || row.kind == spelling(&CaseKind::ReviewRequest))
            {
                t.internal_dispute = Some(InternalDispute {
                    tracking_number: row.case_id,
                    submitted: row.filed_at,
                });
            }
            if !t.registered
                && let Some(npi) = &new.parties.provider
            {
                t.registered = registered_with_portal(store, &ctx, npi.as_str()).await?;
            }
        }
        _ => {}
    }
    let case = Case::file(&new, received, &ctx)?;
    let rec = CaseRecord {
        id,
        received,
        filing: new,
        events: Vec::new(),
    };
    let row = stored(&rec, &case)?;
    let mut uow = store
        .begin(actor, &format!("{} filed", case.kind), received)
        .await?;
    uow.insert_case(
        &row,
        &CaseEvent {
            action: action::FILED,
            data: json!({
                "kind": row.kind,
                "subject": row.subject,
                "phase": row.phase,
                "filing": rec.filing,
            }),
        },
    )
    .await?;
    uow.commit().await?;
    Ok(view(rec, case, received, &ctx))
}

/// DSP-01/REC-03: the disputed claim must be on file.
async fn check_claim(store: &Store, subject: &Subject) -> Result<(), ServiceError> {
    let Some(tracking) = subject.claim.as_deref() else {
        return Err(form(
            "subject.claim: must name the disputed claim's tracking number",
        ));
    };
    if store.claim(tracking).await?.is_none() {
        return Err(ServiceError::NotFound(format!(
            "subject.claim: no claim with tracking number {tracking}"
        )));
    }
    Ok(())
}

async fn load_record(store: &Store, id: &str) -> Result<CaseRecord, ServiceError> {
    let row = store
        .case(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("case {id} not found")))?;
    from_stored(&row)
}

/// Takes an action on a case: folds the case from its record, lets the engine check the action
/// (with APL-03 reviewer independence against the staff reporting lines on file), and saves the
/// case with the action's event in one unit of work (actor and time from the event). A refusal
/// names its rule and dates and changes nothing.
pub async fn act(
    store: &Store,
    plan: &Plan,
    id: &str,
    event: &Event,
) -> Result<CaseView, ServiceError> {
    let ctx = CaseContext::from_plan(plan);
    let mut rec = load_record(store, id).await?;
    let mut case = rec.replay(&ctx)?;
    let staff = staff_directory(store).await?;
    case.act(event, &ctx, &staff)?;
    // REC-04 → REC-01: final findings open recoveries, repayments reduce them — saved with the
    // case's event.
    let balances = crate::recovery::balances_for_audit_action(
        store,
        id,
        &case,
        &event.action,
        ctx.local_date(event.at),
    )
    .await?;
    // DSP-01, REC-03: an adjustment upheld for the provider changes the claim's decision, saved
    // with the case's event; the next payment cycle pays it.
    let adjusted = crate::recovery::adjustment_for_action(
        store,
        id,
        &case,
        &event.action,
        ctx.local_date(event.at),
    )
    .await?;
    rec.events.push(event.clone());
    let row = stored(&rec, &case)?;
    let actor = if event.actor.trim().is_empty() {
        "staff"
    } else {
        event.actor.as_str()
    };
    let mut uow = store
        .begin(actor, &format!("{} on {id}", event.action.name()), event.at)
        .await?;
    uow.update_case(
        &row,
        &CaseEvent {
            action: event.action.name(),
            data: json!({ "event": event, "phase": row.phase }),
        },
    )
    .await?;
    if !balances.is_empty() {
        uow.save_balances(&balances).await?;
    }
    if let Some((decision, history)) = &adjusted {
        uow.save_decisions(std::slice::from_ref(decision)).await?;
        uow.replace_history(std::slice::from_ref(&decision.tracking), history)
            .await?;
    }
    uow.commit().await?;
    // DSP-01, REC-03: a resolution that re-runs the claim goes the way `accord claims
    // readjudicate` goes (a remitted claim is reversed and replaced); it runs after the case is
    // saved, as its own unit of work, and can be repeated with that command if it fails. A claim
    // not decided yet has nothing to redo: its first adjudication runs on the facts of that day.
    if let (
        accord_cases::Action::Resolve {
            claim: accord_cases::ClaimFollowUp::Readjudicate,
            ..
        },
        Some(tracking),
    ) = (&event.action, case.subject.claim.as_deref())
        && matches!(case.kind, CaseKind::ClaimDispute | CaseKind::ReviewRequest)
        && store.decision(tracking).await?.is_some()
    {
        crate::adjudication::readjudicate(
            store,
            plan,
            &[tracking.to_owned()],
            &crate::adjudication::RunOptions {
                today: ctx.local_date(event.at),
                at: event.at,
                actor: actor.to_owned(),
                page: 100,
            },
        )
        .await?;
    }
    Ok(view(rec, case, event.at, &ctx))
}

/// One case and where it stands at `now`.
pub async fn show(
    store: &Store,
    plan: &Plan,
    id: &str,
    now: Timestamp,
) -> Result<CaseView, ServiceError> {
    let ctx = CaseContext::from_plan(plan);
    let rec = load_record(store, id).await?;
    let case = rec.replay(&ctx)?;
    Ok(view(rec, case, now, &ctx))
}

/// Which cases [`list`] returns.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Only cases about this subject (request, claim, NPI, contract term, tracking number).
    pub subject: Option<String>,
    /// Only open cases (at `now`).
    pub open: bool,
}

/// Cases at `now`, by receipt.
pub async fn list(
    store: &Store,
    plan: &Plan,
    filter: &ListFilter,
    now: Timestamp,
) -> Result<Vec<CaseView>, ServiceError> {
    let ctx = CaseContext::from_plan(plan);
    let rows = match (&filter.subject, filter.open) {
        (Some(s), _) => store.cases_about(s).await?,
        (None, true) => store.open_cases().await?,
        (None, false) => store.cases(&[]).await?,
    };
    let mut out = Vec::new();
    for row in &rows {
        let rec = from_stored(row)?;
        let case = rec.replay(&ctx)?;
        let v = view(rec, case, now, &ctx);
        if !filter.open || !v.status.is_closed() {
            out.push(v);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The due list
// ---------------------------------------------------------------------------------------------

/// Who a clock's owner is, as `accord case due --team` spells it: a plan team (`appeals`,
/// `provider_relations`, `quality`, `claims`, `program_integrity`, `credentialing`), `provider`
/// or `state`.
pub fn owner_key(o: Owner) -> String {
    match o {
        Owner::Plan(t) => spelling(&t),
        Owner::Provider => "provider".into(),
        Owner::State => "state".into(),
    }
}

/// Every owner key, in the order the due list groups them.
pub fn owner_keys() -> Vec<String> {
    [
        Team::Appeals,
        Team::ProviderRelations,
        Team::Quality,
        Team::Claims,
        Team::ProgramIntegrity,
        Team::Credentialing,
    ]
    .into_iter()
    .map(Owner::Plan)
    .chain([Owner::Provider, Owner::State])
    .map(owner_key)
    .collect()
}

/// Which clocks the due list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DueSelection {
    /// Due by the end of today, and overdue.
    #[default]
    Today,
    /// Overdue only.
    Overdue,
    /// Every open clock (running and paused too).
    All,
}

/// One clock in the due list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueItem {
    /// Case number.
    pub case_id: String,
    /// The case's kind.
    pub case_kind: CaseKind,
    /// What the case is about.
    pub subject: String,
    /// The clock.
    pub clock: ClockStatus,
}

/// One owner's clocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueGroup {
    /// The owner (see [`owner_key`]).
    pub owner: String,
    /// Its clocks, earliest due first.
    pub items: Vec<DueItem>,
    /// How many are overdue.
    pub overdue: usize,
    /// How many are due by the end of today (not overdue).
    pub due_today: usize,
}

/// What is due at `now`, per team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueList {
    /// The instant asked about.
    pub now: Timestamp,
    /// Per owner, in [`owner_keys`] order; owners with nothing listed are left out.
    pub groups: Vec<DueGroup>,
    /// Overdue clocks listed.
    pub overdue: usize,
    /// Clocks due today listed.
    pub due_today: usize,
    /// Open clocks not listed (running later, or paused) — 0 with [`DueSelection::All`].
    pub not_listed: usize,
}

/// The due list at `now`: every open case folded and evaluated (clocks that ran out close or
/// escalate their case first), its clocks kept by `selection` and `team`, grouped by owner.
pub async fn due(
    store: &Store,
    plan: &Plan,
    now: Timestamp,
    selection: DueSelection,
    team: Option<&str>,
) -> Result<DueList, ServiceError> {
    let keys = owner_keys();
    if let Some(t) = team
        && !keys.iter().any(|k| k == t)
    {
        return Err(form(format!(
            "team: {t:?} is not one of {}",
            keys.join(", ")
        )));
    }
    let ctx = CaseContext::from_plan(plan);
    let mut groups: BTreeMap<Owner, Vec<DueItem>> = BTreeMap::new();
    let mut not_listed = 0;
    for row in store.open_cases().await? {
        let rec = from_stored(&row)?;
        let status = rec.replay(&ctx)?.status(now, &ctx)?;
        for clock in status.clocks {
            if team.is_some_and(|t| owner_key(clock.owner) != t) {
                continue;
            }
            let keep = match selection {
                DueSelection::All => true,
                DueSelection::Today => {
                    matches!(clock.state, ClockState::DueToday | ClockState::Overdue)
                }
                DueSelection::Overdue => clock.state == ClockState::Overdue,
            };
            if !keep {
                not_listed += 1;
                continue;
            }
            groups.entry(clock.owner).or_default().push(DueItem {
                case_id: row.case_id.clone(),
                case_kind: status.kind,
                subject: row.subject.clone(),
                clock,
            });
        }
    }
    let mut out = DueList {
        now,
        groups: Vec::new(),
        overdue: 0,
        due_today: 0,
        not_listed,
    };
    for (owner, mut items) in groups {
        items.sort_by(|a, b| {
            (a.clock.due.is_none(), a.clock.due, &a.case_id).cmp(&(
                b.clock.due.is_none(),
                b.clock.due,
                &b.case_id,
            ))
        });
        let overdue = items
            .iter()
            .filter(|i| i.clock.state == ClockState::Overdue)
            .count();
        let due_today = items
            .iter()
            .filter(|i| i.clock.state == ClockState::DueToday)
            .count();
        out.overdue += overdue;
        out.due_today += due_today;
        out.groups.push(DueGroup {
            owner: owner_key(owner),
            items,
            overdue,
            due_today,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Hand-offs to UM and claims
// ---------------------------------------------------------------------------------------------

async fn appeals_about(
    store: &Store,
    ctx: &CaseContext<'_>,
    subject: Option<&str>,
) -> Result<Vec<Case>, ServiceError> {
    let rows = match subject {
        Some(s) => store.cases_about(s).await?,
        None => store.cases_of_kind(&spelling(&CaseKind::Appeal)).await?,
    };
    rows.iter()
        .filter(|r| r.kind == spelling(&CaseKind::Appeal))
        .map(|r| from_stored(r)?.replay(ctx))
        .collect()
}

/// QM-04: the UM requests whose adverse decision an appeal on file overturned, in whole or in
/// part (administrative appeals: overturned with or without clinical review).
pub async fn overturned_requests(
    store: &Store,
    plan: &Plan,
) -> Result<BTreeSet<String>, ServiceError> {
    let ctx = CaseContext::from_plan(plan);
    let mut out = BTreeSet::new();
    for case in appeals_about(store, &ctx, None).await? {
        let Detail::Appeal(a) = &case.detail else {
            continue;
        };
        let overturned = matches!(
            a.outcome,
            Some(
                AppealOutcome::Overturned
                    | AppealOutcome::PartlyOverturned
                    | AppealOutcome::OverturnedWithoutClinicalReview
                    | AppealOutcome::OverturnedForClinicalReview
            )
        );
        if overturned && let Some(id) = &case.subject.authorization {
            out.insert(id.clone());
        }
    }
    Ok(out)
}

/// APL-04: may the provider bill the member for this claim or authorization at `now`? Not while
/// an appeal about it is open, nor while a Level II appeal may still be filed.
pub async fn member_billing_blocked(
    store: &Store,
    plan: &Plan,
    claim_or_authorization: &str,
    now: Timestamp,
) -> Result<bool, ServiceError> {
    let ctx = CaseContext::from_plan(plan);
    let cases = appeals_about(store, &ctx, Some(claim_or_authorization)).await?;
    Ok(accord_cases::member_billing_blocked(
        claim_or_authorization,
        &cases,
        now,
        &ctx,
    )?)
}

/// APL-05: may the clinical request on `authorization` be processed? Refused while an
/// administrative appeal on it is open, and for good once one was upheld.
pub async fn clinical_request_may_proceed(
    store: &Store,
    plan: &Plan,
    authorization: &str,
) -> Result<(), ServiceError> {
    let ctx = CaseContext::from_plan(plan);
    let cases = appeals_about(store, &ctx, Some(authorization)).await?;
    Ok(accord_cases::clinical_request_may_proceed(
        authorization,
        &cases,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_per_kind_and_year() {
        assert_eq!(case_number(CaseKind::Appeal, 2026, 1), "APL-2026-000001");
        assert_eq!(
            case_number(CaseKind::PortalTicket, 2027, 42),
            "TKT-2027-000042"
        );
        let all: BTreeSet<&str> = [
            CaseKind::Appeal,
            CaseKind::AgreementComplaint,
            CaseKind::GeneralComplaint,
            CaseKind::QualityOfCare,
            CaseKind::ClaimDispute,
            CaseKind::ReviewRequest,
            CaseKind::PortalRegistration,
            CaseKind::PortalTicket,
            CaseKind::BillingAudit,
            CaseKind::TreatmentRecordReview,
            CaseKind::Recovery,
            CaseKind::CredentialingAppeal,
        ]
        .into_iter()
        .map(prefix)
        .collect();
        assert_eq!(all.len(), 12, "every kind has its own prefix");
    }

    #[test]
    fn owners_are_spelled_as_the_cli_takes_them() {
        assert_eq!(
            owner_key(Owner::Plan(Team::ProviderRelations)),
            "provider_relations"
        );
        assert_eq!(owner_keys().len(), 8);
        assert_eq!(owner_keys()[0], "appeals");
    }
}
