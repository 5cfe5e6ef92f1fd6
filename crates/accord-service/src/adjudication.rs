//! Adjudicating every stored claim that awaits a decision: the reference data is loaded once,
//! claims are read a page at a time in arrival order (tracking number), each is decided with the
//! history of every claim before it — this run's included — and each page's decisions and history
//! are saved in one unit of work.

use accord_claims::{Claim, Decision};
use accord_core::{Date, Timestamp};
use accord_plan::Plan;
use accord_store::Store;

use crate::ServiceError;
use crate::decide::{Decided, Tally, decide};
use crate::reference::Reference;

/// How a run is made.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The day decisions are dated (and "today" for the engine's re-attestation check).
    pub today: Date,
    /// When, for the events.
    pub at: Timestamp,
    /// Who, for the events (e.g. `adjudication`).
    pub actor: String,
    /// Claims per page and per unit of work.
    pub page: u32,
}

/// Loads the reference data the engine needs from the store.
pub async fn load_reference(store: &Store) -> Result<Reference, ServiceError> {
    let book = store.book().await?;
    let auths = store.authorizations().await?;
    let history = store.history_lines().await?;
    Reference::build(book, auths, history)
}

/// Adjudicates every accepted claim that has no decision, in arrival order.
pub async fn adjudicate_pending(
    store: &Store,
    plan: &Plan,
    opts: &RunOptions,
    mut progress: impl FnMut(u64),
) -> Result<Tally, ServiceError> {
    let mut reference = load_reference(store).await?;
    let mut tally = Tally::default();
    let mut after = String::new();
    loop {
        let page = store
            .claims_awaiting_decision(&after, opts.page.max(1))
            .await?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.clone();
        let mut decided: Vec<Decided> = Vec::with_capacity(page.len());
        for (tracking, json) in page {
            let claim: Claim = serde_json::from_str(&json)
                .map_err(|e| ServiceError::invalid(format!("claim {tracking}"), "claim", e))?;
            let original = match claim.frequency.original() {
                None => None,
                // An original in this page is not saved yet; earlier pages are.
                Some(t) => match decided.iter().rev().find(|d| d.decision.tracking == t) {
                    Some(d) => Some(d.decision.clone()),
                    None => stored_decision(store, t).await?,
                },
            };
            let d = decide(&mut reference, plan, &claim, original.as_ref(), opts.today);
            tally.add(&d);
            decided.push(d);
        }
        let n = decided.len() as u64;
        save(store, opts, decided).await?;
        progress(n);
    }
    Ok(tally)
}

/// The current decision on claim `tracking`, as the engine's value.
pub async fn stored_decision(
    store: &Store,
    tracking: &str,
) -> Result<Option<Decision>, ServiceError> {
    let Some(row) = store.decision(tracking).await? else {
        return Ok(None);
    };
    serde_json::from_str(&row.decision)
        .map(Some)
        .map_err(|e| ServiceError::invalid(format!("decision {tracking}"), "decision", e))
}

async fn save(store: &Store, opts: &RunOptions, decided: Vec<Decided>) -> Result<(), ServiceError> {
    let mut uow = store
        .begin(&opts.actor, "claims adjudicated", opts.at)
        .await?;
    let mut replaced: Vec<String> = decided.iter().map(|d| d.stored.tracking.clone()).collect();
    replaced.extend(decided.iter().filter_map(|d| d.reversed.clone()));
    let mut rows = Vec::with_capacity(decided.len());
    let mut lines = Vec::new();
    for d in decided {
        rows.push(d.stored);
        lines.extend(d.history);
    }
    uow.save_decisions(&rows).await?;
    uow.replace_history(&replaced, &lines).await?;
    uow.commit().await?;
    Ok(())
}
