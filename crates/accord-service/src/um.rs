//! Utilization management against the store: receiving a request (facts gathered, the pure engine
//! decides, the case and any authorization stored in one unit of work), a reviewer's decision,
//! reconsideration, peer-to-peer, phone notices, UM-07 notifications, queues, notices and the
//! QM-04 report. Shared by the CLI and (later) the server. Rules live in `accord-um`.

use accord_core::provider::{Standing, standing_on};
use accord_core::{Date, MemberId, Npi, ProcedureCode};
use accord_plan::Plan;
use accord_store::{Store, StoredAuthorization, StoredNotification, StoredStaff, StoredUmRequest};
use accord_um::case::{self, Context, PeerToPeer, PhoneNotice, ReviewerDecision, Status, UmCase};
use accord_um::metrics::MetricsRow;
use accord_um::notice::AdverseNotice;
use accord_um::queue::QueueItem;
use accord_um::request::{RequestForm, ReviewType};
use accord_um::{Role, StaffUser, UmFacts, emergency};
use jiff::Timestamp;
use rust_decimal::Decimal;

use crate::ServiceError;

/// Event actions this module writes.
pub mod action {
    /// A request was received and screened.
    pub const RECEIVED: &str = "um_request_received";
    /// A reviewer decided.
    pub const DECIDED: &str = "um_request_decided";
    /// A request changed otherwise (peer-to-peer, phone notice, reconsideration, rescreen).
    pub const UPDATED: &str = "um_request_updated";
}

/// Why a request form was refused: every bad field.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
pub struct FormErrors(pub Vec<accord_um::FieldError>);

fn refused(e: accord_um::Refusal) -> ServiceError {
    match e {
        accord_um::Refusal::NotAuthorized(m) => ServiceError::Forbidden(m),
        other => ServiceError::Refused(other.to_string()),
    }
}

fn to_stored(c: &UmCase) -> Result<StoredUmRequest, ServiceError> {
    Ok(StoredUmRequest {
        request_id: c.request.id.clone(),
        member_id: c.request.member_id.to_string(),
        servicing_npi: c.request.servicing_npi.to_string(),
        status: c.status.as_str().into(),
        urgency: c.request.urgency.as_str().into(),
        review_type: c.request.review_type.as_str().into(),
        received_at: c.request.received_at,
        due_at: c.clock.due,
        decided_at: c.decision.as_ref().map(|d| d.at),
        document: serde_json::to_string(c)
            .map_err(|e| ServiceError::invalid(c.request.id.clone(), "document", e))?,
    })
}

fn from_stored(r: &StoredUmRequest) -> Result<UmCase, ServiceError> {
    serde_json::from_str(&r.document)
        .map_err(|e| ServiceError::invalid(format!("request {}", r.request_id), "document", e))
}

/// One request on record.
pub async fn load(store: &Store, id: &str) -> Result<UmCase, ServiceError> {
    let r = store
        .um_request(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("authorization request {id} not found")))?;
    from_stored(&r)
}

/// Every request on record.
pub async fn all(store: &Store) -> Result<Vec<UmCase>, ServiceError> {
    store
        .um_requests(&[])
        .await?
        .iter()
        .map(from_stored)
        .collect()
}

struct OwnedFacts {
    spans: Vec<accord_core::member::EligibilitySpan>,
    standing: Option<Standing>,
    used: Vec<(ProcedureCode, u32)>,
    sessions: Vec<Date>,
}

async fn gather(
    store: &Store,
    plan: &Plan,
    member: &MemberId,
    npi: &Npi,
    start: Date,
) -> Result<OwnedFacts, ServiceError> {
    let spans = store.eligibility(member).await?;
    let standing = match store.get_provider(npi).await? {
        None => None,
        Some(p) => {
            let facility = match &p.facility_npi {
                Some(f) => match store.get_provider(f).await? {
                    Some(fp) => Some(standing_on(
                        &fp,
                        &store.provider_statuses(f).await?,
                        &store.sanctions(f).await?,
                        None,
                        start,
                    )),
                    None => None,
                },
                None => None,
            };
            Some(standing_on(
                &p,
                &store.provider_statuses(npi).await?,
                &store.sanctions(npi).await?,
                facility.as_ref(),
                start,
            ))
        }
    };
    let lines = store.history_lines_of_member(member.as_str()).await?;
    let mut used: Vec<(ProcedureCode, u32)> = Vec::new();
    let mut sessions = Vec::new();
    for l in lines.iter().filter(|l| l.paid && l.service_date <= start) {
        let Ok(code) = ProcedureCode::parse(&l.procedure) else {
            continue;
        };
        if l.service_date.year() == start.year() {
            let units = u32::try_from(l.units.trunc().mantissa()).unwrap_or(0);
            match used.iter_mut().find(|(c, _)| *c == code) {
                Some(e) => e.1 += units,
                None => used.push((code.clone(), units)),
            }
        }
        let counts_as_session = plan
            .auth_grid
            .requirement(&code, &[], None)
            .is_some_and(|r| r.initial_encounters);
        if l.rendering_npi == npi.as_str() && counts_as_session {
            sessions.push(l.service_date);
        }
    }
    sessions.reverse(); // latest first
    Ok(OwnedFacts {
        spans,
        standing,
        used,
        sessions,
    })
}

/// The request number for the `n`th request of a year: `UM-2026-000042`.
pub fn request_number(year: i16, n: u64) -> String {
    format!("UM-{year}-{n:06}")
}

fn authorizations_for(c: &UmCase) -> Vec<StoredAuthorization> {
    let Some(d) = &c.decision else {
        return Vec::new();
    };
    let (Some(from), Some(to)) = (d.from, d.to) else {
        return Vec::new();
    };
    let many = d.approved.len() > 1;
    d.approved
        .iter()
        .enumerate()
        .map(|(i, s)| StoredAuthorization {
            auth_id: if many {
                format!("{}-{}", c.request.id, i + 1)
            } else {
                c.request.id.clone()
            },
            member_id: c.request.member_id.to_string(),
            provider_npi: c.request.servicing_npi.to_string(),
            services: vec![(
                s.code.to_string(),
                s.modifiers.iter().map(|m| m.to_string()).collect(),
            )],
            level_of_care: c.request.level_of_care.clone(),
            start: from,
            end: to,
            units_authorized: Decimal::from(s.units),
        })
        .collect()
}

/// Stores the case and, when it is newly approved, its authorization (UM-04) — or, for a
/// continued stay, the extension of the running one (UM-08) — in one unit of work.
async fn save(
    store: &Store,
    c: &UmCase,
    actor: &str,
    reason: &str,
    action: &'static str,
    now: Timestamp,
) -> Result<(), ServiceError> {
    let mut uow = store.begin(actor, reason, now).await?;
    uow.save_um_requests(&[to_stored(c)?], action).await?;
    if matches!(c.status, Status::Approved | Status::PartiallyApproved) {
        match (&c.request.extends_authorization, c.request.review_type) {
            (Some(auth), ReviewType::Concurrent) => {
                let d = c.decision.as_ref();
                let units: u32 = d.map_or(0, |d| d.approved.iter().map(|s| s.units).sum());
                if let Some(to) = d.and_then(|d| d.to) {
                    uow.extend_authorization(auth, to, Decimal::from(units), &c.request.id)
                        .await?;
                }
            }
            _ => uow.insert_authorizations(&authorizations_for(c)).await?,
        }
    }
    uow.commit().await?;
    Ok(())
}

/// Receives a request form: numbers it, gathers the facts, runs the engine (UM-02 clock, UM-03,
/// UM-01, NET-05, UM-11, UM-10) and stores the case — and the authorization when the rules
/// approve it — before answering.
pub async fn submit(
    store: &Store,
    plan: &Plan,
    form: &RequestForm,
    now: Timestamp,
    actor: &str,
) -> Result<UmCase, ServiceError> {
    let cx = Context::of(plan);
    let year = accord_core::calendar::local_date(now, cx.tz).year();
    let id = request_number(year, store.um_request_count().await? + 1);
    let request = form
        .parse(&id, now, |code, mods| {
            plan.services
                .iter()
                .find(|s| &s.code == code && s.modifiers.matches(mods))
                .map(|s| s.level_of_care.clone())
        })
        .map_err(|e| ServiceError::Form(FormErrors(e).to_string()))?;
    let mut auth_ends = None;
    if let Some(a) = &request.extends_authorization {
        let auth = store
            .authorizations()
            .await?
            .into_iter()
            .find(|x| &x.auth_id == a)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "extends_authorization: authorization {a} not found"
                ))
            })?;
        if auth.member_id != request.member_id.as_str() {
            return Err(ServiceError::Refused(format!(
                "extends_authorization: authorization {a} is for member {}, not {}",
                auth.member_id, request.member_id
            )));
        }
        auth_ends = Some(auth.end);
    }
    let f = gather(
        store,
        plan,
        &request.member_id,
        &request.servicing_npi,
        request.start,
    )
    .await?;
    let facts = UmFacts {
        plan,
        spans: &f.spans,
        servicing: f.standing.as_ref(),
        units_used_this_year: &f.used,
        sessions_with_provider: &f.sessions,
        in_course_of_treatment: request.in_course_of_treatment,
    };
    let c = case::receive(cx, request, &facts, auth_ends)
        .map_err(|e| ServiceError::Refused(e.to_string()))?;
    save(
        store,
        &c,
        actor,
        "authorization request received",
        action::RECEIVED,
        now,
    )
    .await?;
    Ok(c)
}

/// Screens a request pending eligibility (or in review) again, e.g. after an enrollment feed.
pub async fn rescreen(
    store: &Store,
    plan: &Plan,
    id: &str,
    now: Timestamp,
    actor: &str,
) -> Result<UmCase, ServiceError> {
    let old = load(store, id).await?;
    let r = &old.request;
    let f = gather(store, plan, &r.member_id, &r.servicing_npi, r.start).await?;
    let facts = UmFacts {
        plan,
        spans: &f.spans,
        servicing: f.standing.as_ref(),
        units_used_this_year: &f.used,
        sessions_with_provider: &f.sessions,
        in_course_of_treatment: r.in_course_of_treatment,
    };
    let c = case::rescreen(&old, &facts, now).map_err(refused)?;
    save(store, &c, actor, "screened again", action::UPDATED, now).await?;
    Ok(c)
}

async fn staff_user(store: &Store, user_id: &str) -> Result<StaffUser, ServiceError> {
    let s = store
        .staff_user(user_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("staff user {user_id} not found")))?;
    Ok(StaffUser {
        role: Role::parse(&s.role)
            .ok_or_else(|| ServiceError::invalid(format!("staff {user_id}"), "role", &s.role))?,
        user_id: s.user_id,
        name: s.name,
        reports_to: s.reports_to,
    })
}

/// A reviewer decides a request in review (UM-05 authority checked by the engine).
pub async fn decide(
    store: &Store,
    plan: &Plan,
    id: &str,
    user_id: &str,
    d: &ReviewerDecision,
    now: Timestamp,
) -> Result<UmCase, ServiceError> {
    let user = staff_user(store, user_id).await?;
    let old = load(store, id).await?;
    let c = case::decide(Context::of(plan), &old, &user, d, now).map_err(refused)?;
    save(
        store,
        &c,
        user_id,
        "authorization request decided",
        action::DECIDED,
        now,
    )
    .await?;
    Ok(c)
}

/// Records a peer-to-peer offered or held.
pub async fn peer_to_peer(
    store: &Store,
    id: &str,
    p: PeerToPeer,
    actor: &str,
    now: Timestamp,
) -> Result<UmCase, ServiceError> {
    let c = case::record_peer_to_peer(&load(store, id).await?, p, actor);
    save(
        store,
        &c,
        actor,
        "peer-to-peer recorded",
        action::UPDATED,
        now,
    )
    .await?;
    Ok(c)
}

/// Records the phone notice of an urgent adverse decision.
pub async fn phone_notice(
    store: &Store,
    id: &str,
    n: PhoneNotice,
    now: Timestamp,
) -> Result<UmCase, ServiceError> {
    let actor = n.by.clone();
    let c = case::record_phone_notice(&load(store, id).await?, n).map_err(refused)?;
    save(
        store,
        &c,
        &actor,
        "phone notice recorded",
        action::UPDATED,
        now,
    )
    .await?;
    Ok(c)
}

/// UM-06c: a provider asks for reconsideration.
pub async fn reconsider(
    store: &Store,
    plan: &Plan,
    id: &str,
    now: Timestamp,
    actor: &str,
) -> Result<UmCase, ServiceError> {
    let c = case::request_reconsideration(Context::of(plan), &load(store, id).await?, now)
        .map_err(refused)?;
    save(
        store,
        &c,
        actor,
        "reconsideration asked for",
        action::UPDATED,
        now,
    )
    .await?;
    Ok(c)
}

/// The clinical work queue at `now`.
pub async fn queue(store: &Store, now: Timestamp) -> Result<Vec<QueueItem>, ServiceError> {
    let cases: Vec<UmCase> = store
        .um_requests(&[
            Status::InReview.as_str(),
            Status::PendingEligibility.as_str(),
        ])
        .await?
        .iter()
        .map(from_stored)
        .collect::<Result<_, _>>()?;
    Ok(accord_um::queue::work_queue(&cases, now))
}

/// The UM-06 notice of a request with an adverse decision.
pub async fn notice(store: &Store, plan: &Plan, id: &str) -> Result<AdverseNotice, ServiceError> {
    let c = load(store, id).await?;
    accord_um::notice::adverse_notice(Context::of(plan), &c).ok_or_else(|| {
        ServiceError::NotFound(format!(
            "request {id} is {}: there is no adverse-determination notice",
            c.status.as_str()
        ))
    })
}

/// QM-04: the UM report for decisions made from `from` through `to`. An adverse decision counts
/// as overturned on appeal when an appeal case on file about its request was decided overturned
/// (in whole or in part; `crate::cases::overturned_requests`).
pub async fn report(
    store: &Store,
    plan: &Plan,
    from: Date,
    to: Date,
) -> Result<Vec<MetricsRow>, ServiceError> {
    let cases = all(store).await?;
    let overturned = crate::cases::overturned_requests(store, plan).await?;
    Ok(accord_um::metrics::um_report(
        &cases,
        from,
        to,
        plan.time_zone(),
        |id| overturned.contains(id),
    ))
}

/// UM-07: records a notification of an emergency or urgent admission.
#[allow(clippy::too_many_arguments)]
pub async fn notify_admission(
    store: &Store,
    plan: &Plan,
    member: MemberId,
    npi: Npi,
    level_of_care: &str,
    admitted_at: Timestamp,
    now: Timestamp,
    actor: &str,
) -> Result<emergency::AdmissionNotification, ServiceError> {
    let n = store.admission_notifications().await?.len();
    let id = format!(
        "EN-{}-{:06}",
        accord_core::calendar::local_date(now, plan.time_zone()).year(),
        n + 1
    );
    let note = emergency::notify(
        Context::of(plan),
        &id,
        member,
        npi,
        level_of_care,
        admitted_at,
        now,
    )
    .map_err(|e| ServiceError::Refused(e.to_string()))?;
    let mut uow = store.begin(actor, "admission notification", now).await?;
    uow.insert_notifications(&[StoredNotification {
        notification_id: note.id.clone(),
        member_id: note.member_id.to_string(),
        provider_npi: note.provider_npi.to_string(),
        admitted_at: note.admitted_at,
        notified_at: note.notified_at,
        due_at: note.due,
        late: note.late,
        document: serde_json::to_string(&note)
            .map_err(|e| ServiceError::invalid(note.id.clone(), "document", e))?,
    }])
    .await?;
    uow.commit().await?;
    Ok(note)
}

/// Adds or replaces staff users.
pub async fn save_staff(
    store: &Store,
    staff: &[StaffUser],
    actor: &str,
    now: Timestamp,
) -> Result<(), ServiceError> {
    let rows: Vec<StoredStaff> = staff
        .iter()
        .map(|s| StoredStaff {
            user_id: s.user_id.clone(),
            name: s.name.clone(),
            role: s.role.as_str().into(),
            reports_to: s.reports_to.clone(),
        })
        .collect();
    let mut uow = store.begin(actor, "staff saved", now).await?;
    uow.save_staff(&rows).await?;
    uow.commit().await?;
    Ok(())
}

/// UM-04: an authorization's units authorized, used (counted from paid claim lines, never kept as a
/// counter) and left.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuthorizationUse {
    /// Authorization number.
    pub auth_id: String,
    /// Service(s), e.g. `H0047-HF`.
    pub services: String,
    /// First authorized date.
    pub start: Date,
    /// Last authorized date.
    pub end: Date,
    /// Units authorized.
    pub authorized: Decimal,
    /// Units used by paid claim lines.
    pub used: Decimal,
    /// Units left.
    pub left: Decimal,
}

/// UM-04: the authorizations a request produced (or extended), with units used and left.
pub async fn authorization_use(
    store: &Store,
    c: &UmCase,
) -> Result<Vec<AuthorizationUse>, ServiceError> {
    let id = c.request.id.as_str();
    let mine = |a: &str| {
        a == id
            || a.strip_prefix(id).is_some_and(|r| r.starts_with('-'))
            || c.request.extends_authorization.as_deref() == Some(a)
    };
    let auths: Vec<StoredAuthorization> = store
        .authorizations()
        .await?
        .into_iter()
        .filter(|a| a.member_id == c.request.member_id.as_str() && mine(&a.auth_id))
        .collect();
    if auths.is_empty() {
        return Ok(Vec::new());
    }
    let lines = store
        .history_lines_of_member(c.request.member_id.as_str())
        .await?;
    Ok(auths
        .into_iter()
        .map(|a| {
            let used: Decimal = lines
                .iter()
                .filter(|l| l.paid)
                .flat_map(|l| l.authorizations.iter())
                .filter(|(id, _)| *id == a.auth_id)
                .map(|(_, u)| *u)
                .sum();
            AuthorizationUse {
                services: a
                    .services
                    .iter()
                    .map(|(code, mods)| {
                        std::iter::once(code.clone())
                            .chain(mods.iter().cloned())
                            .collect::<Vec<_>>()
                            .join("-")
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                start: a.start,
                end: a.end,
                authorized: a.units_authorized,
                left: (a.units_authorized - used).max(Decimal::ZERO),
                used,
                auth_id: a.auth_id,
            }
        })
        .collect())
}
