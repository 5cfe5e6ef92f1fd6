//! The provider network against the store (issue 8). Rules live in `accord-network`; this module
//! loads the facts, numbers applications and screenings, and saves each change with its events in
//! one unit of work. Sanctions, lapses, leave and reinstatement write the `provider_status` and
//! `sanctions` rows that `accord_core::provider::standing_on` reads, so UM refuses new
//! authorizations (NET-05) and claims deny (CO-B7) from the first day of the change — and accept
//! again from the day of a reinstatement — with no other change.

use accord_core::provider::{Provider, Sanction, Standing, StatusSpan, standing_on};
use accord_core::{Date, Npi, Timestamp};
use accord_network::changes::{self, NoticeCheck, ProviderChange};
use accord_network::credentialing::{
    Application, ApplicationForm, CommitteeDecision, Item, spelling,
};
use accord_network::exclusion::{self, Match, MatchStatus, Subject};
use accord_network::leave::{self, DisenrollmentNotice};
use accord_network::recredential::{self, Cycle, CycleRecord, DailyJob};
use accord_network::sanctions::{
    self, CareAuthorization, CareService, MemberInCare, SanctionEffect, SanctionOrder,
};
use accord_network::screening::{self, Screenable, ScreeningRun, ScreeningSchedule};
use accord_network::status::StatusChange;
use accord_plan::{NetworkSettings, Plan};
use accord_store::network::StoredMatch;
use accord_store::{
    Store, StoredApplication, StoredChange, StoredCycle, StoredScreening, UnitOfWork,
};
use serde::Serialize;
use serde_json::json;

use crate::ServiceError;
use crate::cases::{self, CaseView};

/// Event actions on applications.
pub mod action {
    /// NET-02 an application was received.
    pub const RECEIVED: &str = "application_received";
    /// NET-02 an item was verified.
    pub const VERIFIED: &str = "item_verified";
    /// NET-02 the committee decided.
    pub const DECIDED: &str = "committee_decided";
}

fn settings(plan: &Plan) -> &NetworkSettings {
    &plan.config.network
}

fn record(id: &str) -> String {
    format!("application {id}")
}

fn to_stored(app: &Application, revision: i64) -> Result<StoredApplication, ServiceError> {
    Ok(StoredApplication {
        application_id: app.id.clone(),
        npi: app.npi().to_string(),
        cycle: spelling(app.form.cycle),
        phase: app.phase().as_str().to_owned(),
        received: app.received,
        decided_on: app.decision.as_ref().map(|d| d.decided_on),
        outcome: app.decision.as_ref().map(|d| spelling(d.outcome)),
        revision,
        document: serde_json::to_string(app)
            .map_err(|e| ServiceError::invalid(record(&app.id), "document", e))?,
    })
}

fn from_stored(row: &StoredApplication) -> Result<Application, ServiceError> {
    serde_json::from_str(&row.document)
        .map_err(|e| ServiceError::invalid(record(&row.application_id), "document", e))
}

/// One application and its stored revision.
pub async fn application(store: &Store, id: &str) -> Result<(Application, i64), ServiceError> {
    let row = store
        .application(id)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("application {id} not found")))?;
    Ok((from_stored(&row)?, row.revision))
}

/// Writes a status change (the span in force ended, the new one opened) in `uow`.
async fn write_status(uow: &mut UnitOfWork, c: &StatusChange) -> Result<(), ServiceError> {
    if let Some(cl) = &c.close {
        uow.end_status_span(&cl.npi, cl.start, cl.end).await?;
    }
    uow.insert_status_spans(std::slice::from_ref(&c.open))
        .await?;
    Ok(())
}

async fn provider(store: &Store, npi: &Npi) -> Result<Provider, ServiceError> {
    store
        .get_provider(npi)
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("provider {npi} not found")))
}

/// NET-02 receives an application: NET-08 reapply bar checked, numbered `CRD-<year>-<n>`, the
/// provider record added (or updated from the form) and the application stored, in one unit of
/// work.
pub async fn apply(
    store: &Store,
    plan: &Plan,
    form: ApplicationForm,
    received: Date,
    at: Timestamp,
    actor: &str,
) -> Result<Application, ServiceError> {
    let npi = form.provider.npi.clone();
    let statuses = store.provider_statuses(&npi).await?;
    leave::may_reapply(&statuses, &npi, received, settings(plan))?;
    let n = store.applications(None).await?.len() + 1;
    let id = format!("CRD-{}-{n:06}", received.year());
    let app = Application::receive(&id, received, form)?;
    let on_file = store.get_provider(&npi).await?;
    let mut uow = store
        .begin(actor, "credentialing application received", at)
        .await?;
    match on_file {
        None => {
            uow.insert_providers(std::slice::from_ref(&app.form.provider))
                .await?
        }
        Some(p) if p != app.form.provider => uow.update_provider(&app.form.provider).await?,
        Some(_) => {}
    }
    uow.insert_application(
        &to_stored(&app, 1)?,
        action::RECEIVED,
        json!({ "npi": npi, "cycle": app.form.cycle, "items": app.items }),
    )
    .await?;
    uow.commit().await?;
    Ok(app)
}

/// What a verification records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// The item.
    pub item: Item,
    /// Evidence submitted now (optional when already submitted).
    pub evidence: Option<String>,
    /// Met the standard.
    pub passed: bool,
    /// Verified on.
    pub verified_on: Date,
    /// Note.
    pub note: String,
}

/// NET-02 records an item's verification.
pub async fn verify(
    store: &Store,
    id: &str,
    v: &Verification,
    today: Date,
    at: Timestamp,
    actor: &str,
) -> Result<Application, ServiceError> {
    let (app, rev) = application(store, id).await?;
    let app = app.verify(
        v.item,
        v.evidence.as_deref(),
        v.passed,
        v.verified_on,
        actor,
        &v.note,
        today,
    )?;
    let mut uow = store
        .begin(actor, &format!("{} verified", v.item.label()), at)
        .await?;
    uow.update_application(
        &to_stored(&app, rev + 1)?,
        action::VERIFIED,
        json!({ "item": v.item, "passed": v.passed, "verified_on": v.verified_on, "phase": app.phase() }),
    )
    .await?;
    uow.commit().await?;
    Ok(app)
}

/// NET-02 the committee decides. An approval starts participation on the first effective date
/// (unless the provider already participates then, as at re-credentialing), sets the NET-03 cycle
/// from the decision day, and links the covered staff on file to the facility (NET-09).
pub async fn decide(
    store: &Store,
    id: &str,
    decision: CommitteeDecision,
    at: Timestamp,
    actor: &str,
) -> Result<Application, ServiceError> {
    let (app, rev) = application(store, id).await?;
    let app = app.decide(decision)?;
    let npi = app.npi().clone();
    // Everything read before the unit of work begins.
    let mut change = None;
    let mut staff = Vec::new();
    if let Some((status, from, why)) = app.approved_status() {
        let statuses = store.provider_statuses(&npi).await?;
        let now = accord_network::status::in_force(&statuses, &npi, from);
        if now.is_none_or(|s| s.status != status) {
            change = Some(accord_network::status::change(
                &statuses, &npi, status, from, &why,
            )?);
        }
        for n in app.covered_staff() {
            if let Some(mut p) = store.get_provider(n).await?
                && p.facility_npi.is_none()
            {
                p.facility_npi = Some(npi.clone());
                staff.push(p);
            }
        }
    }
    let mut uow = store
        .begin(actor, "credentialing committee decision", at)
        .await?;
    if let Some(c) = &change {
        write_status(&mut uow, c).await?;
    }
    if app.approved_status().is_some()
        && let Some(d) = app.decision.as_ref()
    {
        uow.set_cycle(&StoredCycle {
            npi: npi.clone(),
            credentialed_on: d.decided_on,
            application_id: app.id.clone(),
        })
        .await?;
    }
    for p in &staff {
        uow.update_provider(p).await?;
    }
    uow.update_application(
        &to_stored(&app, rev + 1)?,
        action::DECIDED,
        json!({ "decision": app.decision }),
    )
    .await?;
    uow.commit().await?;
    Ok(app)
}

/// NET-06 files the appeal of an adverse decision with the case engine (the filing built from the
/// decision: notice date, provider).
pub async fn appeal(
    store: &Store,
    plan: &Plan,
    id: &str,
    received: Timestamp,
    actor: &str,
) -> Result<CaseView, ServiceError> {
    let (app, _) = application(store, id).await?;
    let filing = accord_network::appeal::appeal_filing(&app)?;
    let draft = serde_json::to_value(&filing)
        .map_err(|e| ServiceError::invalid(record(id), "decision", e))?;
    cases::file(store, plan, &draft, received, actor).await
}

/// NET-04 records a reported change (its notice checked, late notices flagged) and applies it to
/// the record when it is a field Accord keeps.
pub async fn report_change(
    store: &Store,
    plan: &Plan,
    npi: &Npi,
    change: &ProviderChange,
    at: Timestamp,
    actor: &str,
) -> Result<NoticeCheck, ServiceError> {
    let p = provider(store, npi).await?;
    let check = changes::notice_check(change, settings(plan));
    let updated = changes::apply_change(&p, change)?;
    let n = store.provider_changes(npi).await?.len() + 1;
    let mut uow = store.begin(actor, &check.rule, at).await?;
    uow.insert_provider_change(&StoredChange {
        change_id: format!("{npi}/{n}"),
        npi: npi.clone(),
        kind: change.kind.as_str().to_owned(),
        field: change.field.clone(),
        value: change.value.clone(),
        effective: change.effective,
        reported: change.reported,
        due: check.due,
        late: check.late,
        description: change.description.clone(),
    })
    .await?;
    if let Some(p) = updated.filter(|u| *u != p) {
        uow.update_provider(&p).await?;
    }
    uow.commit().await?;
    Ok(check)
}

/// What a sanction did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SanctionOutcome {
    /// The sanction and status change written.
    pub effect: SanctionEffect,
    /// Termination: the members in the provider's care, for transition.
    pub members_in_care: Vec<MemberInCare>,
}

async fn members_in_care(
    store: &Store,
    plan: &Plan,
    npi: &Npi,
    from: Date,
) -> Result<Vec<MemberInCare>, ServiceError> {
    let auths: Vec<CareAuthorization> = store
        .authorizations()
        .await?
        .into_iter()
        .map(|a| CareAuthorization {
            auth_id: a.auth_id,
            member_id: a.member_id,
            npi: a.provider_npi,
            start: a.start,
            end: a.end,
        })
        .collect();
    let services: Vec<CareService> = store
        .history_lines()
        .await?
        .into_iter()
        .map(|l| CareService {
            member_id: l.member_id,
            npi: l.rendering_npi,
            date: l.service_date,
        })
        .collect();
    Ok(sanctions::members_in_care(
        npi,
        from,
        &auths,
        &services,
        settings(plan).transition_lookback_months,
    ))
}

async fn write_sanction(uow: &mut UnitOfWork, effect: &SanctionEffect) -> Result<(), ServiceError> {
    uow.insert_sanctions(std::slice::from_ref(&effect.sanction))
        .await?;
    if let Some(c) = &effect.status {
        write_status(uow, c).await?;
    }
    Ok(())
}

/// NET-05 imposes a sanction (and, for termination, ends participation), in one unit of work;
/// a termination lists the members in care for transition.
pub async fn sanction(
    store: &Store,
    plan: &Plan,
    npi: &Npi,
    order: &SanctionOrder,
    at: Timestamp,
    actor: &str,
) -> Result<SanctionOutcome, ServiceError> {
    provider(store, npi).await?;
    let effect = sanctions::impose(
        npi,
        order,
        &store.sanctions(npi).await?,
        &store.provider_statuses(npi).await?,
        settings(plan),
    )?;
    let mut uow = store.begin(actor, &effect.sanction.reason, at).await?;
    write_sanction(&mut uow, &effect).await?;
    uow.commit().await?;
    let members_in_care = if effect.status.is_some() {
        members_in_care(store, plan, npi, order.start).await?
    } else {
        Vec::new()
    };
    Ok(SanctionOutcome {
        effect,
        members_in_care,
    })
}

/// NET-05 extends a suspension to `new_end`.
pub async fn extend(
    store: &Store,
    npi: &Npi,
    start: Date,
    new_end: Date,
    at: Timestamp,
    actor: &str,
) -> Result<Sanction, ServiceError> {
    let s = store
        .sanctions(npi)
        .await?
        .into_iter()
        .find(|s| s.start == start && s.level == accord_core::provider::SanctionLevel::Suspension)
        .ok_or_else(|| {
            ServiceError::NotFound(format!("no suspension of {npi} starting {start}"))
        })?;
    let ext = sanctions::extend(&s, new_end)?;
    let mut uow = store
        .begin(actor, "suspension extended (NET-05)", at)
        .await?;
    uow.set_sanction_end(npi, ext.level, ext.start, ext.end)
        .await?;
    uow.commit().await?;
    Ok(ext)
}

/// NET-05 reinstates on `on`: sanctions in force end the day before, a terminated provider
/// participates again from `on`.
pub async fn reinstate(
    store: &Store,
    npi: &Npi,
    on: Date,
    reason: &str,
    at: Timestamp,
    actor: &str,
) -> Result<sanctions::Reinstatement, ServiceError> {
    let r = sanctions::reinstate(
        npi,
        on,
        &store.sanctions(npi).await?,
        &store.provider_statuses(npi).await?,
        reason,
    )?;
    let mut uow = store
        .begin(actor, &format!("reinstated: {}", reason.trim()), at)
        .await?;
    for s in &r.ended {
        uow.set_sanction_end(npi, s.level, s.start, s.end).await?;
    }
    if let Some(c) = &r.status {
        write_status(&mut uow, c).await?;
    }
    uow.commit().await?;
    Ok(r)
}

/// NET-08 leave of absence, return and resignation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaveAction {
    /// Leave from the date.
    Leave,
    /// Back from leave on the date.
    Return,
    /// Resigned from the date.
    Resign,
}

/// NET-08 records a leave, a return or a resignation.
pub async fn leave(
    store: &Store,
    npi: &Npi,
    what: LeaveAction,
    on: Date,
    reason: &str,
    at: Timestamp,
    actor: &str,
) -> Result<StatusChange, ServiceError> {
    provider(store, npi).await?;
    let st = store.provider_statuses(npi).await?;
    let c = match what {
        LeaveAction::Leave => leave::start_leave(&st, npi, on, reason)?,
        LeaveAction::Return => leave::return_from_leave(&st, npi, on)?,
        LeaveAction::Resign => leave::resign(&st, npi, on, reason)?,
    };
    let mut uow = store.begin(actor, &c.open.reason, at).await?;
    write_status(&mut uow, &c).await?;
    uow.commit().await?;
    Ok(c)
}

/// The daily job's answer: NET-03 cycles and NET-08 notices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyReport {
    /// NET-03 what opens, is due and lapses.
    pub recredentialing: DailyJob,
    /// NET-08 providers inactive long enough for the disenrollment notice.
    pub disenrollment: Vec<DisenrollmentNotice>,
    /// NET-07 the monthly exclusion screening: when it is due, whether it is overdue, and who
    /// was not screened in the last month.
    pub exclusion_screening: ScreeningSchedule,
    /// Whether the lapses were written.
    pub applied: bool,
}

/// NET-03/NET-08 the daily job on `on`; with `apply`, each lapse ends participation (one unit of
/// work for all of them).
pub async fn daily(
    store: &Store,
    plan: &Plan,
    on: Date,
    apply: bool,
    at: Timestamp,
    actor: &str,
) -> Result<DailyReport, ServiceError> {
    let book = store.book().await?;
    let cycles = cycle_records(store).await?;
    let job = recredential::daily(&cycles, &book.statuses, on, settings(plan));
    let disenrollment = leave::disenrollment_notices(&book.statuses, on, settings(plan));
    let exclusion_screening = screening_schedule(store, plan, on).await?;
    if apply && !job.lapsing.is_empty() {
        let mut uow = store
            .begin(actor, "re-credentialing not completed (NET-03 lapse)", at)
            .await?;
        for l in &job.lapsing {
            write_status(&mut uow, &l.change).await?;
        }
        uow.commit().await?;
    }
    Ok(DailyReport {
        recredentialing: job,
        disenrollment,
        exclusion_screening,
        applied: apply,
    })
}

/// A screening's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningReport {
    /// The screening as stored.
    pub screening: StoredScreening,
    /// Every match (confirmed ones suspended).
    pub matches: Vec<Match>,
    /// The suspensions the confirmed matches ordered.
    pub suspensions: Vec<Sanction>,
}

fn fnv(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

async fn subjects(store: &Store) -> Result<Vec<Subject>, ServiceError> {
    let book = store.book().await?;
    let mut dob = std::collections::BTreeMap::new();
    for row in store.applications(None).await? {
        if let Ok(app) = from_stored(&row)
            && let Some(d) = app.form.date_of_birth
        {
            dob.insert(row.npi.clone(), d);
        }
    }
    Ok(book
        .providers
        .into_iter()
        .map(|p| Subject {
            date_of_birth: dob.get(p.npi.as_str()).copied(),
            npi: p.npi,
            kind: p.kind,
            name: p.name,
        })
        .collect())
}

fn stored_match(id: &str, m: &Match) -> Result<StoredMatch, ServiceError> {
    Ok(StoredMatch {
        match_id: format!("{id}/{}/{}", m.entry.line, m.npi),
        screening_id: id.to_owned(),
        npi: m.npi.clone(),
        basis: m.basis.as_str().to_owned(),
        status: m.status.as_str().to_owned(),
        entry: serde_json::to_string(&m.entry)
            .map_err(|e| ServiceError::invalid(format!("screening {id}"), "entry", e))?,
        reviewed_by: None,
        reviewed_on: None,
        note: String::new(),
    })
}

/// NET-07 screens every provider on file (staff included) against the exclusion list `text`
/// (published on `list_date`, when known) on `on`: the screening — who ran it, whom it covered,
/// its matches — stored, each confirmed match suspending its provider (NET-05), in one unit of
/// work. A list with any unreadable row stores nothing.
#[allow(clippy::too_many_arguments)]
pub async fn import_exclusions(
    store: &Store,
    plan: &Plan,
    text: &str,
    source: &str,
    list_date: Option<Date>,
    on: Date,
    at: Timestamp,
    actor: &str,
) -> Result<ScreeningReport, ServiceError> {
    let list = exclusion::parse_list(text).map_err(|errs| {
        ServiceError::Form(
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })?;
    let subjects = subjects(store).await?;
    let matches = exclusion::screen(&list, &subjects, on);
    let n = store.exclusion_screenings().await?.len() + 1;
    let id = format!("EXS-{}-{n:06}", on.year());
    let screening = StoredScreening {
        screening_id: id.clone(),
        screened_on: on,
        source: source.to_owned(),
        digest: fnv(text),
        entries: list.len() as i64,
        subjects: subjects.len() as i64,
        matches: matches.len() as i64,
        list_date,
        screened_by: actor.to_owned(),
        confirmed: matches
            .iter()
            .filter(|m| m.status == MatchStatus::Confirmed)
            .count() as i64,
        for_review: matches
            .iter()
            .filter(|m| m.status == MatchStatus::PendingReview)
            .count() as i64,
    };
    let covered: Vec<Npi> = subjects.iter().map(|s| s.npi.clone()).collect();
    let rows = matches
        .iter()
        .map(|m| stored_match(&id, m))
        .collect::<Result<Vec<_>, _>>()?;
    let mut effects = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for m in matches
        .iter()
        .filter(|m| m.status == MatchStatus::Confirmed)
    {
        if seen.insert(m.npi.clone())
            && let Some(e) = suspension(store, plan, m, on).await?
        {
            effects.push(e);
        }
    }
    let mut uow = store
        .begin(actor, "federal exclusion list screening (NET-07)", at)
        .await?;
    uow.insert_screening(&screening, &covered, &rows).await?;
    for e in &effects {
        write_sanction(&mut uow, e).await?;
    }
    uow.commit().await?;
    let suspensions = effects.into_iter().map(|e| e.sanction).collect();
    Ok(ScreeningReport {
        screening,
        matches,
        suspensions,
    })
}

/// NET-07 → NET-05: the suspension of a confirmed match's provider from `on`, unless a
/// suspension or termination is already in force that day.
async fn suspension(
    store: &Store,
    plan: &Plan,
    m: &Match,
    on: Date,
) -> Result<Option<SanctionEffect>, ServiceError> {
    let existing = store.sanctions(&m.npi).await?;
    if existing
        .iter()
        .any(|s| s.in_force(on) && s.level >= accord_core::provider::SanctionLevel::Suspension)
    {
        return Ok(None);
    }
    let order = exclusion::suspension_for(m, on)?;
    let effect = sanctions::impose(
        &m.npi,
        &order,
        &existing,
        &store.provider_statuses(&m.npi).await?,
        settings(plan),
    )?;
    Ok(Some(effect))
}

/// NET-07 the matches awaiting review.
pub async fn exclusions_for_review(store: &Store) -> Result<Vec<StoredMatch>, ServiceError> {
    Ok(store
        .exclusion_matches(Some(MatchStatus::PendingReview.as_str()))
        .await?)
}

/// NET-07 a reviewer confirms (the provider is suspended from `on`) or dismisses a fuzzy match.
#[allow(clippy::too_many_arguments)]
pub async fn review_exclusion(
    store: &Store,
    plan: &Plan,
    match_id: &str,
    confirm: bool,
    note: &str,
    on: Date,
    at: Timestamp,
    actor: &str,
) -> Result<(StoredMatch, Option<Sanction>), ServiceError> {
    let mut row = store
        .exclusion_matches(None)
        .await?
        .into_iter()
        .find(|m| m.match_id == match_id)
        .ok_or_else(|| ServiceError::NotFound(format!("exclusion match {match_id} not found")))?;
    if row.status != MatchStatus::PendingReview.as_str() {
        return Err(ServiceError::Refused(format!(
            "exclusion match {match_id} is already {}",
            row.status
        )));
    }
    let entry = serde_json::from_str(&row.entry)
        .map_err(|e| ServiceError::invalid(format!("exclusion match {match_id}"), "entry", e))?;
    let status = if confirm {
        MatchStatus::Confirmed
    } else {
        MatchStatus::Dismissed
    };
    row.status = status.as_str().to_owned();
    row.reviewed_by = Some(actor.to_owned());
    row.reviewed_on = Some(on);
    row.note = note.trim().to_owned();
    let effect = if confirm {
        let m = Match {
            npi: row.npi.clone(),
            name: String::new(),
            basis: exclusion::Basis::SimilarName,
            status,
            entry,
        };
        suspension(store, plan, &m, on).await?
    } else {
        None
    };
    let mut uow = store
        .begin(actor, &format!("exclusion match {}", status.as_str()), at)
        .await?;
    uow.review_match(&row).await?;
    if let Some(e) = &effect {
        write_sanction(&mut uow, e).await?;
    }
    uow.commit().await?;
    Ok((row, effect.map(|e| e.sanction)))
}

/// An application as a provider or staff sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicationView {
    /// Number.
    pub id: String,
    /// Phase.
    pub phase: String,
    /// Received.
    pub received: Date,
    /// The decision, once made.
    pub decision: Option<CommitteeDecision>,
    /// What is still missing (NET-02).
    pub missing: Vec<String>,
}

/// A provider's status: dated, explained, and what is missing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProviderView {
    /// The record.
    pub provider: Provider,
    /// The day looked at.
    pub on: Date,
    /// What it may do that day, with the reasons (NET-05, NET-08, NET-09).
    pub standing: Standing,
    /// Status spans.
    pub statuses: Vec<StatusSpan>,
    /// Sanctions.
    pub sanctions: Vec<Sanction>,
    /// NET-03 the current cycle, when credentialed through Accord.
    pub cycle: Option<Cycle>,
    /// Applications, oldest first.
    pub applications: Vec<ApplicationView>,
    /// NET-04 reported changes.
    pub changes: Vec<StoredChange>,
    /// NET-07 matches.
    pub exclusion_matches: Vec<StoredMatch>,
    /// Everything missing: open applications' items, no service location, no pay-to vendor.
    pub missing: Vec<String>,
}

/// A provider's status on `on`, explained.
pub async fn show(
    store: &Store,
    plan: &Plan,
    npi: &Npi,
    on: Date,
) -> Result<ProviderView, ServiceError> {
    let p = provider(store, npi).await?;
    let statuses = store.provider_statuses(npi).await?;
    let sanctions = store.sanctions(npi).await?;
    let facility = match &p.facility_npi {
        Some(f) => match store.get_provider(f).await? {
            Some(fp) => Some(standing_on(
                &fp,
                &store.provider_statuses(f).await?,
                &store.sanctions(f).await?,
                None,
                on,
            )),
            None => None,
        },
        None => None,
    };
    let standing = standing_on(&p, &statuses, &sanctions, facility.as_ref(), on);
    let cycle = store
        .credentialing_cycles()
        .await?
        .into_iter()
        .find(|c| &c.npi == npi)
        .map(|c| {
            recredential::cycle(
                &CycleRecord {
                    npi: c.npi,
                    credentialed_on: c.credentialed_on,
                },
                settings(plan),
            )
        });
    let mut applications = Vec::new();
    let mut missing = Vec::new();
    for row in store.applications(Some(npi)).await? {
        let app = from_stored(&row)?;
        let m: Vec<String> = if app.decision.is_none() {
            app.missing().into_iter().map(|m| m.what).collect()
        } else {
            Vec::new()
        };
        missing.extend(m.iter().map(|w| format!("{}: {w}", app.id)));
        applications.push(ApplicationView {
            id: app.id.clone(),
            phase: app.phase().as_str().to_owned(),
            received: app.received,
            decision: app.decision.clone(),
            missing: m,
        });
    }
    if store.locations(npi).await?.is_empty() && p.facility_npi.is_none() {
        missing.push(
            "no service location (vendor number) on file: claims cannot name one (NET-01)".into(),
        );
    }
    if store.pay_to(npi).await?.is_empty() && p.facility_npi.is_none() {
        missing.push("no pay-to vendor on file: claims cannot be paid (NET-01)".into());
    }
    let exclusion_matches = store
        .exclusion_matches(None)
        .await?
        .into_iter()
        .filter(|m| &m.npi == npi)
        .collect();
    Ok(ProviderView {
        provider: p,
        on,
        standing,
        statuses,
        sanctions,
        cycle,
        applications,
        changes: store.provider_changes(npi).await?,
        exclusion_matches,
        missing,
    })
}

/// NET-07 the monthly screening schedule on `on`: the runs so far and whom each covered, against
/// every provider and staff member on file who still works with the plan that day (a provider
/// whose participation ended — terminated or resigned — is no longer listed).
pub async fn screening_schedule(
    store: &Store,
    plan: &Plan,
    on: Date,
) -> Result<ScreeningSchedule, ServiceError> {
    let book = store.book().await?;
    let mut covered: std::collections::BTreeMap<String, Vec<Npi>> = Default::default();
    for (id, npi) in store.exclusion_screened().await? {
        covered.entry(id).or_default().push(npi);
    }
    let runs: Vec<ScreeningRun> = store
        .exclusion_screenings()
        .await?
        .into_iter()
        .map(|s| ScreeningRun {
            screened_on: s.screened_on,
            covered: covered.remove(&s.screening_id).unwrap_or_default(),
        })
        .collect();
    let people: Vec<Screenable> = book
        .providers
        .iter()
        .filter(|p| {
            accord_network::status::in_force(&book.statuses, &p.npi, on).is_none_or(|s| {
                !matches!(
                    s.status,
                    accord_core::provider::NetworkStatus::Terminated
                        | accord_core::provider::NetworkStatus::Resigned
                )
            })
        })
        .map(|p| Screenable {
            npi: p.npi.clone(),
            name: p.name.clone(),
            staff_of: p.facility_npi.clone(),
        })
        .collect();
    Ok(screening::schedule(&runs, &people, on, settings(plan)))
}

/// The screenings so far, newest first, for the pipeline and `exclusions schedule`.
pub async fn screenings(store: &Store) -> Result<Vec<StoredScreening>, ServiceError> {
    let mut v = store.exclusion_screenings().await?;
    v.sort_by(|a, b| {
        b.screened_on
            .cmp(&a.screened_on)
            .then(b.screening_id.cmp(&a.screening_id))
    });
    Ok(v)
}

/// NET-04 one line of the change report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeReportLine {
    /// The change as recorded (kind, field, value, effective, reported, due, late).
    #[serde(flatten)]
    pub change: StoredChange,
    /// The provider's name on file.
    pub provider_name: String,
    /// Days the notice came after its due date (0 when on time).
    pub days_late: i64,
}

/// NET-04 the change report: every reported change whose notice reached the plan between `from`
/// and `to` (inclusive; either open), late notices only when `late_only`, by the day reported.
pub async fn change_report(
    store: &Store,
    from: Option<Date>,
    to: Option<Date>,
    late_only: bool,
) -> Result<Vec<ChangeReportLine>, ServiceError> {
    let names: std::collections::BTreeMap<Npi, String> = store
        .book()
        .await?
        .providers
        .into_iter()
        .map(|p| (p.npi, p.name))
        .collect();
    Ok(store
        .all_provider_changes()
        .await?
        .into_iter()
        .filter(|c| changes::in_report(c.reported, c.late, from, to, late_only))
        .map(|c| ChangeReportLine {
            provider_name: names.get(&c.npi).cloned().unwrap_or_default(),
            days_late: changes::days_late(c.due, c.reported),
            change: c,
        })
        .collect())
}

/// A licence as the provider and staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LicenceView {
    /// The licence number on file.
    pub number: Option<String>,
    /// Its expiry.
    pub expires: Option<Date>,
    /// Days from the day looked at to the expiry (negative: expired).
    pub days_left: Option<i64>,
    /// Expired on the day looked at (NET-05: an unlicensed provider's claims deny).
    pub expired: bool,
}

/// A provider's network status as the provider itself (and plan staff) see it: status, licence
/// and expiry, applications with the checklist items still missing, the re-credentialing dates,
/// the sanctions in effect and anything else missing. Exclusion matches and reported changes are
/// in [`ProviderView`] for staff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkStatusView {
    /// NPI.
    pub npi: Npi,
    /// Name on file.
    pub name: String,
    /// `individual`, `group`, `facility`.
    pub kind: String,
    /// For staff: the facility whose credentialing covers them (NET-09).
    pub facility_npi: Option<Npi>,
    /// The day looked at.
    pub on: Date,
    /// The status in force that day (`participating`, `leave_of_absence`, …; `None`: not yet in
    /// the network).
    pub status: Option<String>,
    /// Since when.
    pub status_since: Option<Date>,
    /// What it may do that day, with the reasons (NET-05, NET-08, NET-09).
    pub standing: Standing,
    /// The licence on file.
    pub licence: LicenceView,
    /// NET-03 the cycle: last credentialed, re-credentialing opens and is due.
    pub recredentialing: Option<Cycle>,
    /// NET-02 applications, oldest first, each with the items still missing.
    pub applications: Vec<ApplicationView>,
    /// NET-05 sanctions in effect that day.
    pub sanctions_in_effect: Vec<Sanction>,
    /// Everything missing, in words.
    pub missing: Vec<String>,
}

impl NetworkStatusView {
    /// The provider's side of a [`ProviderView`].
    pub fn of(v: &ProviderView) -> Self {
        let span = accord_network::status::in_force(&v.statuses, &v.provider.npi, v.on);
        let expires = v.provider.license_expires;
        let days_left = expires.map(|e| accord_core::calendar::calendar_days_between(v.on, e));
        Self {
            npi: v.provider.npi.clone(),
            name: v.provider.name.clone(),
            kind: v.provider.kind.as_str().to_owned(),
            facility_npi: v.provider.facility_npi.clone(),
            on: v.on,
            status: span.map(|s| s.status.as_str().to_owned()),
            status_since: span.map(|s| s.start),
            standing: v.standing.clone(),
            licence: LicenceView {
                number: v.provider.license_number.clone(),
                expires,
                days_left,
                expired: days_left.is_some_and(|d| d < 0),
            },
            recredentialing: v.cycle.clone(),
            applications: v.applications.clone(),
            sanctions_in_effect: v
                .sanctions
                .iter()
                .filter(|s| s.in_force(v.on))
                .cloned()
                .collect(),
            missing: v.missing.clone(),
        }
    }
}

/// An application in the pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipelineApplication {
    /// Number.
    pub id: String,
    /// The applicant.
    pub npi: String,
    /// Name on the form.
    pub name: String,
    /// `initial` / `recredentialing`.
    pub cycle: String,
    /// Received.
    pub received: Date,
    /// Items still missing (NET-02).
    pub missing: Vec<String>,
    /// The decision, once made: outcome and day.
    pub outcome: Option<String>,
    /// Decided on.
    pub decided_on: Option<Date>,
}

/// The credentialing pipeline on a day, for the plan's staff.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pipeline {
    /// The day.
    pub on: Date,
    /// NET-02 applications by phase (`gathering`, `ready_for_committee`, `decided`), each list by
    /// receipt.
    pub applications: std::collections::BTreeMap<String, Vec<PipelineApplication>>,
    /// NET-03 what opens, is due and lapses that day (not applied: the daily job applies).
    pub recredentialing: DailyJob,
    /// NET-08 disenrollment notices due.
    pub disenrollment: Vec<DisenrollmentNotice>,
    /// NET-05 sanctions in effect that day, by NPI.
    pub sanctions_in_effect: Vec<Sanction>,
    /// NET-07 matches awaiting review.
    pub exclusion_matches_for_review: Vec<StoredMatch>,
    /// NET-07 the screening schedule.
    pub exclusion_screening: ScreeningSchedule,
    /// NET-07 the last screenings, newest first (at most 12).
    pub screenings: Vec<StoredScreening>,
}

/// The credentialing pipeline on `on`. Reads only: the daily job is not applied here.
pub async fn pipeline(store: &Store, plan: &Plan, on: Date) -> Result<Pipeline, ServiceError> {
    let mut applications: std::collections::BTreeMap<String, Vec<PipelineApplication>> =
        Default::default();
    for row in store.applications(None).await? {
        let app = from_stored(&row)?;
        let missing = if app.decision.is_none() {
            app.missing().into_iter().map(|m| m.what).collect()
        } else {
            Vec::new()
        };
        applications
            .entry(row.phase.clone())
            .or_default()
            .push(PipelineApplication {
                id: row.application_id.clone(),
                npi: row.npi.clone(),
                name: app.form.provider.name.clone(),
                cycle: row.cycle.clone(),
                received: row.received,
                missing,
                outcome: row.outcome.clone(),
                decided_on: row.decided_on,
            });
    }
    let book = store.book().await?;
    let cycles = cycle_records(store).await?;
    let mut sanctions_in_effect: Vec<Sanction> = book
        .sanctions
        .iter()
        .filter(|s| s.in_force(on))
        .cloned()
        .collect();
    sanctions_in_effect.sort_by(|a, b| a.npi.cmp(&b.npi).then(a.start.cmp(&b.start)));
    let mut screenings = screenings(store).await?;
    screenings.truncate(12);
    Ok(Pipeline {
        on,
        applications,
        recredentialing: recredential::daily(&cycles, &book.statuses, on, settings(plan)),
        disenrollment: leave::disenrollment_notices(&book.statuses, on, settings(plan)),
        sanctions_in_effect,
        exclusion_matches_for_review: exclusions_for_review(store).await?,
        exclusion_screening: screening_schedule(store, plan, on).await?,
        screenings,
    })
}

/// NET-03: the credentialing cycles on record, as the re-credentialing rules read them.
async fn cycle_records(store: &Store) -> Result<Vec<CycleRecord>, ServiceError> {
    Ok(store
        .credentialing_cycles()
        .await?
        .into_iter()
        .map(|c| CycleRecord {
            npi: c.npi,
            credentialed_on: c.credentialed_on,
        })
        .collect())
}
