//! REC-01: retroactive changes, end to end. Member and authorization files are applied as changes
//! to the records on file (one unit of work, [`crate::import_changes`] says what changes); then
//! each change, as the record before and after, goes to the pure [`crate::retro::affected_claims`]
//! over the stored decided claims, and — when asked — exactly the claims it finds are decided
//! again through [`crate::adjudication::readjudicate`] (a remitted claim is reversed and replaced;
//! an overpayment becomes a balance the next payment cycle recovers). `affected_since` finds the
//! same claims from the changes the event log recorded on or after an instant.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use accord_claims::{Authorization, Claim, Decision, ProviderFacts};
use accord_core::member::{EligibilitySpan, Member};
use accord_core::provider::SanctionLevel;
use accord_core::{MemberId, Npi, Timestamp};
use accord_plan::Plan;
use accord_store::StoredAuthorization;
use accord_store::events::{Event, MEMBER, PROVIDER, action};
use accord_store::network::action as network_action;
use accord_store::{Store, adjudication::AUTHORIZATION};
use rust_decimal::Decimal;

use crate::ServiceError;
use crate::adjudication::{Redecided, RunOptions, readjudicate};
use crate::import_changes::{
    AuthorizationEvent, AuthorizationFileChanges, Disagreement, MemberFileChanges, ProviderEvent,
    SpanEvent, authorization_before, authorization_file_changes, member_file_changes,
    provider_before, spans_before,
};
use crate::retro::{Affected, DecidedLine, RetroChange, affected_claims};

/// Who imports, why and when (the import's unit of work).
#[derive(Debug, Clone)]
pub struct ImportBy {
    /// Actor for the events.
    pub actor: String,
    /// Reason for the events.
    pub reason: String,
    /// When.
    pub at: Timestamp,
}

/// A claim decided again, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedecidedFor {
    /// The new decision's outcome.
    pub redecided: Redecided,
    /// The change that made it (rule ID included).
    pub reason: String,
}

/// What a retroactive run found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetroOutcome {
    /// The decided claims the changes affect, in tracking-number order, with the first reason.
    pub affected: Vec<Affected>,
    /// The claims decided again (empty unless asked), in tracking-number order.
    pub redecided: Vec<RedecidedFor>,
}

/// What a member import stored and what it affects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberImportOutcome {
    /// The changes stored.
    pub changes: MemberFileChanges,
    /// Claims affected and re-decided.
    pub retro: RetroOutcome,
}

/// What an authorization import stored and what it affects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationImportOutcome {
    /// The changes stored.
    pub changes: AuthorizationFileChanges,
    /// Claims affected and re-decided.
    pub retro: RetroOutcome,
}

fn disagreements(problems: Vec<Disagreement>) -> ServiceError {
    ServiceError::Conflict(format!(
        "the file disagrees with the records on file; nothing was imported: {}",
        problems
            .iter()
            .map(|p| format!("{}: {}", p.key, p.what))
            .collect::<Vec<_>>()
            .join("; ")
    ))
}

/// A file that changes nothing was imported already: a conflict, as a repeated insert is.
fn nothing_changed(what: &str) -> ServiceError {
    ServiceError::Conflict(format!(
        "every {what} in the file is already on file as it is: nothing to import (was the file imported already?)"
    ))
}

/// ELIG-01, REC-01: stores a member file as changes to the members and spans on file (new members
/// and spans added, changed end dates applied, one unit of work), then finds the decided claims
/// the eligibility changes affect and, with `redo`, decides exactly those again.
pub async fn import_members(
    store: &Store,
    plan: &Plan,
    members: &[Member],
    spans: &[EligibilitySpan],
    by: &ImportBy,
    redo: Option<&RunOptions>,
) -> Result<MemberImportOutcome, ServiceError> {
    let book = store.book().await?;
    let changes =
        member_file_changes(members, spans, &book.members, &book.spans).map_err(disagreements)?;
    if changes.is_empty() {
        return Err(nothing_changed("member and eligibility span"));
    }
    let mut uow = store.begin(&by.actor, &by.reason, by.at).await?;
    uow.insert_members(&changes.new_members).await?;
    uow.insert_eligibility(&changes.new_spans).await?;
    for e in &changes.ended {
        uow.end_eligibility(&e.member, &e.plan_code, e.start, e.new_end)
            .await?;
    }
    uow.commit().await?;
    let mut found = Found::default();
    for c in &changes.eligibility {
        let lines = decided_lines_of_member(store, &c.member).await?;
        found.add(affected_claims(
            &RetroChange::Eligibility {
                member: &c.member,
                before: &c.before,
                after: &c.after,
            },
            &plan.config.plan_code,
            &lines,
        ));
    }
    let retro = found.finish(store, plan, redo).await?;
    Ok(MemberImportOutcome { changes, retro })
}

/// CLM-07, REC-01: stores an authorization file as changes to the authorizations on file (new
/// ones added, changed ones replaced, one unit of work), then finds the decided claims the
/// changes affect and, with `redo`, decides exactly those again.
pub async fn import_authorizations(
    store: &Store,
    plan: &Plan,
    auths: &[StoredAuthorization],
    by: &ImportBy,
    redo: Option<&RunOptions>,
) -> Result<AuthorizationImportOutcome, ServiceError> {
    let on_file = store.authorizations().await?;
    let changes = authorization_file_changes(auths, &on_file).map_err(disagreements)?;
    if changes.is_empty() {
        return Err(nothing_changed("authorization"));
    }
    let mut uow = store.begin(&by.actor, &by.reason, by.at).await?;
    uow.insert_authorizations(&changes.new).await?;
    for (_, after) in &changes.changed {
        uow.replace_authorization(after).await?;
    }
    uow.commit().await?;
    let mut found = Found::default();
    let pairs = changes
        .new
        .iter()
        .map(|a| (None, Some(a)))
        .chain(changes.changed.iter().map(|(b, a)| (Some(b), Some(a))));
    for (before, after) in pairs {
        found
            .add_authorization(store, plan, before.cloned(), after.cloned())
            .await?;
    }
    let retro = found.finish(store, plan, redo).await?;
    Ok(AuthorizationImportOutcome { changes, retro })
}

/// REC-01: the decided claims whose facts changed at or after `since` — eligibility spans added
/// or ended, authorizations added or changed, a provider's status spans, sanctions or record
/// (licence) changed — judged on the records as they were just before
/// `since` (rebuilt from the records now by undoing the changes logged since) against the records
/// now; with `redo`, decides exactly those again.
pub async fn affected_since(
    store: &Store,
    plan: &Plan,
    since: Timestamp,
    redo: Option<&RunOptions>,
) -> Result<RetroOutcome, ServiceError> {
    let mut found = Found::default();
    let events = store
        .events_since(
            MEMBER,
            &[action::ELIGIBILITY_ADDED, action::ELIGIBILITY_ENDED],
            since,
        )
        .await?;
    let mut by_member: BTreeMap<String, Vec<SpanEvent>> = BTreeMap::new();
    for e in &events {
        by_member
            .entry(e.entity_id.clone())
            .or_default()
            .push(span_event(e)?);
    }
    for (id, evs) in by_member {
        let member = MemberId::parse(&id).map_err(|err| {
            ServiceError::invalid(format!("event on member {id}"), "entity_id", err)
        })?;
        let now = store.eligibility(&member).await?;
        let before = spans_before(&now, &evs);
        let lines = decided_lines_of_member(store, &member).await?;
        found.add(affected_claims(
            &RetroChange::Eligibility {
                member: &member,
                before: &before,
                after: &now,
            },
            &plan.config.plan_code,
            &lines,
        ));
    }
    let events = store
        .events_since(
            AUTHORIZATION,
            &[action::AUTHORIZATION_ADDED, action::AUTHORIZATION_CHANGED],
            since,
        )
        .await?;
    let mut by_auth: BTreeMap<String, Vec<AuthorizationEvent>> = BTreeMap::new();
    for e in &events {
        by_auth
            .entry(e.entity_id.clone())
            .or_default()
            .push(authorization_event(e)?);
    }
    if !by_auth.is_empty() {
        let now: HashMap<String, StoredAuthorization> = store
            .authorizations()
            .await?
            .into_iter()
            .map(|a| (a.auth_id.clone(), a))
            .collect();
        for (id, evs) in by_auth {
            let after = now.get(&id);
            let before = authorization_before(after, &evs);
            if before.as_ref() == after {
                continue;
            }
            found
                .add_authorization(store, plan, before, after.cloned())
                .await?;
        }
    }
    let events = store
        .events_since(
            PROVIDER,
            &[
                action::STATUS_ADDED,
                action::SANCTION_ADDED,
                network_action::STATUS_ENDED,
                network_action::SANCTION_ENDED,
                network_action::PROVIDER_UPDATED,
            ],
            since,
        )
        .await?;
    let mut by_provider: BTreeMap<String, Vec<ProviderEvent>> = BTreeMap::new();
    for e in &events {
        by_provider
            .entry(e.entity_id.clone())
            .or_default()
            .push(provider_event(e)?);
    }
    for (id, evs) in by_provider {
        let npi = Npi::parse(&id).map_err(|err| {
            ServiceError::invalid(format!("event on provider {id}"), "entity_id", err)
        })?;
        let Some(provider) = store.get_provider(&npi).await? else {
            continue;
        };
        let now = ProviderFacts {
            provider,
            statuses: store.provider_statuses(&npi).await?,
            sanctions: store.sanctions(&npi).await?,
        };
        let before = provider_before(&now, &evs);
        if before == now {
            continue;
        }
        let trackings = store.decided_claims_of_provider(npi.as_str()).await?;
        let lines = decided_lines(store, &trackings).await?;
        found.add(affected_claims(
            &RetroChange::Provider {
                before: &before,
                after: &now,
            },
            &plan.config.plan_code,
            &lines,
        ));
    }
    found.finish(store, plan, redo).await
}

fn provider_event(e: &Event) -> Result<ProviderEvent, ServiceError> {
    let bad =
        |err: serde_json::Error| ServiceError::invalid(format!("event {}", e.id), "data", err);
    let data = e.data.clone();
    #[derive(serde::Deserialize)]
    struct Ended {
        start: accord_core::Date,
        old_end: Option<accord_core::Date>,
    }
    #[derive(serde::Deserialize)]
    struct SanctionEnded {
        level: SanctionLevel,
        start: accord_core::Date,
        old_end: Option<accord_core::Date>,
    }
    Ok(match e.action.as_str() {
        action::STATUS_ADDED => {
            ProviderEvent::StatusAdded(serde_json::from_value(data).map_err(bad)?)
        }
        action::SANCTION_ADDED => {
            ProviderEvent::SanctionAdded(serde_json::from_value(data).map_err(bad)?)
        }
        network_action::STATUS_ENDED => {
            let x: Ended = serde_json::from_value(data).map_err(bad)?;
            ProviderEvent::StatusEnded {
                start: x.start,
                old_end: x.old_end,
            }
        }
        network_action::SANCTION_ENDED => {
            let x: SanctionEnded = serde_json::from_value(data).map_err(bad)?;
            ProviderEvent::SanctionEnded {
                level: x.level,
                start: x.start,
                old_end: x.old_end,
            }
        }
        _ => ProviderEvent::Updated(
            serde_json::from_value(data.get("old").cloned().unwrap_or_default()).map_err(bad)?,
        ),
    })
}

fn span_event(e: &Event) -> Result<SpanEvent, ServiceError> {
    let bad =
        |err: serde_json::Error| ServiceError::invalid(format!("event {}", e.id), "data", err);
    if e.action == action::ELIGIBILITY_ADDED {
        return serde_json::from_value::<EligibilitySpan>(e.data.clone())
            .map(SpanEvent::Added)
            .map_err(bad);
    }
    #[derive(serde::Deserialize)]
    struct Ended {
        plan_code: String,
        start: accord_core::Date,
        old_end: Option<accord_core::Date>,
    }
    let x: Ended = serde_json::from_value(e.data.clone()).map_err(bad)?;
    Ok(SpanEvent::EndChanged {
        plan_code: x.plan_code,
        start: x.start,
        old_end: x.old_end,
    })
}

fn authorization_event(e: &Event) -> Result<AuthorizationEvent, ServiceError> {
    if e.action == action::AUTHORIZATION_ADDED {
        return Ok(AuthorizationEvent::Added);
    }
    let before = e
        .data
        .get("before")
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    serde_json::from_value::<StoredAuthorization>(before)
        .map(AuthorizationEvent::Changed)
        .map_err(|err| ServiceError::invalid(format!("event {}", e.id), "data.before", err))
}

/// Affected claims gathered over several changes: the first reason per claim.
#[derive(Default)]
struct Found {
    by_tracking: BTreeMap<String, String>,
}

impl Found {
    fn add(&mut self, affected: Vec<Affected>) {
        for a in affected {
            self.by_tracking.entry(a.tracking).or_insert(a.reason);
        }
    }

    async fn add_authorization(
        &mut self,
        store: &Store,
        plan: &Plan,
        before: Option<StoredAuthorization>,
        after: Option<StoredAuthorization>,
    ) -> Result<(), ServiceError> {
        let engine =
            |a: Option<StoredAuthorization>| -> Result<Option<Authorization>, ServiceError> {
                a.map(|a| crate::reference::authorization(a, Decimal::ZERO))
                    .transpose()
            };
        let (before, after) = (engine(before)?, engine(after)?);
        let Some(member) = after.as_ref().or(before.as_ref()).map(|a| a.member.clone()) else {
            return Ok(());
        };
        let lines = decided_lines_of_member(store, &member).await?;
        self.add(affected_claims(
            &RetroChange::Authorization {
                before: before.as_ref(),
                after: after.as_ref(),
            },
            &plan.config.plan_code,
            &lines,
        ));
        Ok(())
    }

    async fn finish(
        self,
        store: &Store,
        plan: &Plan,
        redo: Option<&RunOptions>,
    ) -> Result<RetroOutcome, ServiceError> {
        let affected: Vec<Affected> = self
            .by_tracking
            .into_iter()
            .map(|(tracking, reason)| Affected { tracking, reason })
            .collect();
        let mut redecided = Vec::new();
        if let Some(opts) = redo.filter(|_| !affected.is_empty()) {
            let trackings: Vec<String> = affected.iter().map(|a| a.tracking.clone()).collect();
            let reasons: HashMap<&str, &str> = affected
                .iter()
                .map(|a| (a.tracking.as_str(), a.reason.as_str()))
                .collect();
            for r in readjudicate(store, plan, &trackings, opts).await? {
                let reason = reasons
                    .get(r.tracking.as_str())
                    .map(|s| (*s).to_owned())
                    .unwrap_or_default();
                redecided.push(RedecidedFor {
                    redecided: r,
                    reason,
                });
            }
        }
        Ok(RetroOutcome {
            affected,
            redecided,
        })
    }
}

/// The lines of the member's decided claims that a retroactive change is judged on.
pub async fn decided_lines_of_member(
    store: &Store,
    member: &MemberId,
) -> Result<Vec<DecidedLine>, ServiceError> {
    let trackings = store.decided_claims_of_member(member.as_str()).await?;
    decided_lines(store, &trackings).await
}

/// The lines of the claims `trackings` that a retroactive change is judged on: every claim with
/// a current decision, except those superseded or reversed by a later claim (CLM-10: the later
/// claim is the one decided) and void claims.
pub async fn decided_lines(
    store: &Store,
    trackings: &[String],
) -> Result<Vec<DecidedLine>, ServiceError> {
    let mut decided: Vec<(Claim, Decision)> = Vec::new();
    for tracking in trackings {
        let tracking = tracking.as_str();
        let Some(row) = store.decision(tracking).await? else {
            continue;
        };
        if matches!(row.status.as_str(), "superseded" | "rejected") {
            continue;
        }
        let Some(stored) = store.claim(tracking).await? else {
            continue;
        };
        let Some(json) = stored.claim else {
            continue;
        };
        let claim: Claim = serde_json::from_str(&json)
            .map_err(|e| ServiceError::invalid(format!("claim {tracking}"), "claim", e))?;
        let decision: Decision = serde_json::from_str(&row.decision)
            .map_err(|e| ServiceError::invalid(format!("decision {tracking}"), "decision", e))?;
        decided.push((claim, decision));
    }
    // Claims a later claim reversed (a correction or a void) are not decided again themselves.
    let replaced: BTreeSet<String> = decided
        .iter()
        .filter_map(|(_, d)| d.reversal.as_ref())
        .map(|r| r.original_tracking.clone())
        .collect();
    let mut out = Vec::new();
    for (claim, decision) in &decided {
        let own_reversal = decision
            .reversal
            .as_ref()
            .is_some_and(|r| r.original_tracking == claim.tracking);
        if (replaced.contains(&claim.tracking) && !own_reversal)
            || matches!(claim.frequency, accord_claims::Frequency::Void { .. })
        {
            continue;
        }
        for l in &claim.lines {
            let used = decision
                .lines
                .iter()
                .find(|d| d.number == l.number)
                .map(|d| d.authorizations.iter().map(|(id, _)| id.clone()).collect())
                .unwrap_or_default();
            out.push(DecidedLine {
                tracking: claim.tracking.clone(),
                line: l.number,
                member: claim.member_id.clone(),
                billing: claim.billing_npi.clone(),
                rendering: l
                    .rendering_npi
                    .clone()
                    .or_else(|| claim.rendering_npi.clone())
                    .unwrap_or_else(|| claim.billing_npi.clone()),
                service_date: l.service_from,
                authorizations: used,
            });
        }
    }
    Ok(out)
}
