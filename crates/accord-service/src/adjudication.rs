//! Adjudicating every stored claim that awaits a decision: the reference data is loaded once,
//! claims are read a page at a time in arrival order (tracking number), each is decided with the
//! history of every claim before it — this run's included — and each page's decisions and history
//! are saved in one unit of work.

use std::sync::Arc;
use std::time::Duration;

use accord_claims::{Claim, Decision};
use accord_core::Money;
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

/// Loads the reference data the engine needs from the store, with the appeals open at `at`
/// (APL-04), so every decision made from it — a run, a redo, an examiner's release — keeps the
/// member's share off the member while an appeal is open.
pub async fn load_reference(
    store: &Store,
    plan: &Plan,
    at: Timestamp,
) -> Result<Reference, ServiceError> {
    // Three independent reads, each on a connection of its own.
    let (book, auths, history) =
        tokio::try_join!(store.book(), store.authorizations(), store.history_lines())?;
    let mut reference = Reference::build(book, auths, history)?;
    let ctx = accord_cases::CaseContext::from_plan(plan);
    reference.open_appeals = crate::recovery::open_appeals(store, &ctx, at).await?;
    Ok(reference)
}

/// Adjudicates every accepted claim that has no decision, in arrival order.
pub async fn adjudicate_pending(
    store: &Store,
    plan: &Plan,
    opts: &RunOptions,
    mut progress: impl FnMut(u64),
) -> Result<Tally, ServiceError> {
    let t0 = std::time::Instant::now();
    // The first page is read before the reference data: nothing waiting (intake decided
    // everything), nothing to load.
    let first = store.claims_awaiting_decision("", opts.page.max(1)).await?;
    let first_read = t0.elapsed();
    if first.is_empty() {
        return Ok(Tally::default());
    }
    let mut first = Some(first);
    let t = std::time::Instant::now();
    let mut reference = load_reference(store, plan, opts.at).await?;
    let loaded = t.elapsed();
    let (mut reading, mut deciding, mut saving) = (first_read, Duration::ZERO, Duration::ZERO);
    let mut tally = Tally::default();
    let mut after = String::new();
    // Deciding (CPU) and saving (the database) overlap: a page is saved by a task while the next
    // is decided. One page at most is in flight; its decisions stay readable here until saved,
    // for a corrected or void claim whose original is in it.
    let mut in_flight: Option<(SaveTask, Arc<Vec<Decided>>)> = None;
    loop {
        let t = std::time::Instant::now();
        let page = match first.take() {
            Some(page) => page,
            None => {
                store
                    .claims_awaiting_decision(&after, opts.page.max(1))
                    .await?
            }
        };
        reading += t.elapsed();
        let t = std::time::Instant::now();
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
                // An original in this page or the page being saved is not committed yet.
                Some(t) => match decided
                    .iter()
                    .rev()
                    .chain(in_flight.iter().flat_map(|(_, p)| p.iter().rev()))
                    .find(|d| d.decision.tracking == t)
                {
                    Some(d) => Some(d.decision.clone()),
                    None => stored_decision(store, t).await?,
                },
            };
            let d = decide(&mut reference, plan, &claim, original.as_ref(), opts.today);
            tally.add(&d);
            decided.push(d);
        }
        let n = decided.len() as u64;
        deciding += t.elapsed();
        let t = std::time::Instant::now();
        if let Some((handle, _)) = in_flight.take() {
            join(handle).await?;
        }
        saving += t.elapsed();
        let page = Arc::new(decided);
        let handle = tokio::spawn(save(store.clone(), opts.clone(), Arc::clone(&page)));
        in_flight = Some((handle, page));
        progress(n);
    }
    let t = std::time::Instant::now();
    if let Some((handle, _)) = in_flight.take() {
        join(handle).await?;
    }
    saving += t.elapsed();
    // Where the time went, for `-v` (and the benchmark notes in docs/performance.md); `saving` is
    // the time spent waiting for saves, not overlapped with deciding.
    tracing::info!(
        ?loaded,
        ?reading,
        ?deciding,
        ?saving,
        claims = tally.claims,
        "adjudication run"
    );
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

/// A page being saved.
type SaveTask = tokio::task::JoinHandle<Result<(), ServiceError>>;

async fn join(handle: SaveTask) -> Result<(), ServiceError> {
    handle
        .await
        .map_err(|e| ServiceError::invalid("adjudication run", "save", e))?
}

async fn save(
    store: Store,
    opts: RunOptions,
    decided: Arc<Vec<Decided>>,
) -> Result<(), ServiceError> {
    let mut uow = store
        .begin(&opts.actor, "claims adjudicated", opts.at)
        .await?;
    save_decided(&mut uow, &decided).await?;
    uow.commit().await?;
    Ok(())
}

/// Saves first decisions of claims stored without one, with their history lines, in `uow`.
pub(crate) async fn save_decided(
    uow: &mut accord_store::UnitOfWork,
    decided: &[Decided],
) -> Result<(), ServiceError> {
    StagedDecisions::of(decided)?.write(uow).await
}

/// First decisions of claims stored without one, made ready to write (rows built, traces
/// compressed) by whoever builds this, so the writer only writes (decision 0033).
pub(crate) struct StagedDecisions {
    /// Decision rows, traces, history lines, paid flags and events.
    staged: accord_store::Staged,
    /// CLM-10: pended originals a corrected or void claim replaced.
    superseded: Vec<String>,
    /// CLM-10: `(original, reversing claim)` pairs.
    reversed: Vec<(String, String)>,
    /// Claims whose history lines go: the originals reversed or superseded.
    replaced: Vec<String>,
}

impl StagedDecisions {
    /// Stages `decided`.
    pub(crate) fn of(decided: &[Decided]) -> Result<Self, ServiceError> {
        if let Some(d) = decided.iter().find(|d| d.json_pending()) {
            return Err(ServiceError::invalid(
                format!("decision {}", d.stored.tracking),
                "decision",
                "staged before its JSON was written",
            ));
        }
        // Claims awaiting a decision have no decision and no history lines yet; only the
        // originals that corrected and void claims reverse lose theirs (CLM-10).
        let superseded: Vec<String> = decided
            .iter()
            .filter_map(|d| d.superseded.clone())
            .collect();
        let mut replaced: Vec<String> = decided.iter().filter_map(|d| d.reversed.clone()).collect();
        replaced.extend(superseded.iter().cloned());
        let stored: Vec<&accord_store::StoredDecision> =
            decided.iter().map(|d| &d.stored).collect();
        let staged = accord_store::adjudication::stage_decisions(&stored)?.then(
            accord_store::adjudication::stage_history(decided.iter().flat_map(|d| &d.history)),
        );
        Ok(Self {
            staged,
            superseded,
            reversed: reversals(decided),
            replaced,
        })
    }

    /// These rows before `self`'s: claims staged by intake go in before their decisions.
    pub(crate) fn after(mut self, first: accord_store::Staged) -> Self {
        self.staged = first.then(self.staged);
        self
    }

    /// Writes them in `uow`.
    pub(crate) async fn write(
        self,
        uow: &mut accord_store::UnitOfWork,
    ) -> Result<(), ServiceError> {
        uow.write_staged(self.staged).await?;
        uow.mark_superseded(&self.superseded).await?;
        uow.mark_reversed(&self.reversed).await?;
        // The originals' lines go (the new lines, of other claims, are in already).
        uow.replace_history(&self.replaced, &[]).await?;
        Ok(())
    }
}

/// One claim decided again (REC-01).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redecided {
    /// Tracking number.
    pub tracking: String,
    /// Status before and after.
    pub before: String,
    /// Status now.
    pub after: String,
    /// What the claim's current decision had paid, net.
    pub paid_before: Money,
    /// What the new decision pays, net of the reversal of what was remitted: negative when money
    /// is now owed back (offset against later payments, REC-01).
    pub net_change: Money,
}

/// REC-01, CLM-10: decides claims again after a retroactive change (eligibility ended, an
/// authorization changed). A claim whose decision was already remitted is decided as a
/// replacement of itself: the engine reverses what was paid and pays what is due now, and the next
/// payment cycle pays the difference or recovers it from later payments. A claim not yet remitted
/// is simply decided again. Claims are taken in tracking-number order.
pub async fn readjudicate(
    store: &Store,
    plan: &Plan,
    trackings: &[String],
    opts: &RunOptions,
) -> Result<Vec<Redecided>, ServiceError> {
    let mut reference = load_reference(store, plan, opts.at).await?;
    let mut sorted = trackings.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut out = Vec::new();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut reversed = Vec::new();
    for tracking in &sorted {
        let Some(row) = store.decision(tracking).await? else {
            return Err(ServiceError::NotFound(format!(
                "claim {tracking} has no decision to redo"
            )));
        };
        if row.status == "superseded" {
            // Replaced or voided before it was paid (CLM-10): nothing to decide again.
            continue;
        }
        let old: Decision = serde_json::from_str(&row.decision)
            .map_err(|e| ServiceError::invalid(format!("decision {tracking}"), "decision", e))?;
        let stored = store.claim(tracking).await?.ok_or_else(|| {
            ServiceError::NotFound(format!("no claim with tracking number {tracking}"))
        })?;
        let json = stored.claim.ok_or_else(|| {
            ServiceError::invalid(format!("claim {tracking}"), "claim", "rejected at intake")
        })?;
        let mut claim: Claim = serde_json::from_str(&json)
            .map_err(|e| ServiceError::invalid(format!("claim {tracking}"), "claim", e))?;
        // Its own lines and authorization units no longer count against it.
        reference.history.remove_claim(&claim.member_id, tracking);
        for l in &old.lines {
            for (id, units) in &l.authorizations {
                reference
                    .authorizations
                    .consume(&claim.member_id, id, -*units);
            }
        }
        // What was last remitted for this claim: its decision if a cycle paid it, or — when it
        // was already decided again and not yet paid — the remitted decision its own reversal
        // undoes (so a second redo does not forget the first payment).
        let self_reversal = old
            .reversal
            .as_ref()
            .filter(|r| r.original_tracking == *tracking);
        let remitted = if row.cycle.is_some() {
            Some(old.clone())
        } else {
            self_reversal.map(|r| {
                let mut was = old.clone();
                was.lines = accord_claims::reversal::reverse(&Decision {
                    lines: r.lines.clone(),
                    ..old.clone()
                })
                .lines;
                was.reversal = None;
                was
            })
        };
        let unchanged_from = remitted.clone();
        let original = if let Some(was) = remitted {
            claim.frequency = accord_claims::Frequency::Corrected {
                original: tracking.clone(),
            };
            Some(was)
        } else {
            match claim.frequency.original() {
                Some(t) => stored_decision(store, t).await?,
                None => None,
            }
        };
        let d = decide(&mut reference, plan, &claim, original.as_ref(), opts.today);
        // Nothing changed for a remitted claim: no reversal and re-payment of the same lines.
        if unchanged_from
            .as_ref()
            .is_some_and(|was| was.lines == d.decision.lines && row.cycle.is_some())
        {
            out.push(Redecided {
                tracking: tracking.clone(),
                before: row.status.clone(),
                after: row.status.clone(),
                paid_before: row.net_paid,
                net_change: Money::ZERO,
            });
            // Its history lines are rewritten as they were.
            lines.extend(d.history);
            continue;
        }
        out.push(Redecided {
            tracking: tracking.clone(),
            before: row.status.clone(),
            after: d.stored.status.clone(),
            paid_before: row.net_paid,
            net_change: d.stored.net_paid,
        });
        reversed.extend(reversals(std::slice::from_ref(&d)));
        rows.push(d.stored);
        lines.extend(d.history);
    }
    let mut uow = store
        .begin(
            &opts.actor,
            "claims decided again after a retroactive change (REC-01)",
            opts.at,
        )
        .await?;
    uow.save_decisions(&rows).await?;
    uow.mark_reversed(&reversed).await?;
    uow.replace_history(&sorted, &lines).await?;
    uow.commit().await?;
    Ok(out)
}

/// CLM-10: `(original, reversing claim)` for each decision that reverses another claim (a claim
/// decided again that reverses its own payment is left out), so the quality read stops counting
/// the original in the same unit of work (QM-01).
fn reversals(decided: &[Decided]) -> Vec<(String, String)> {
    decided
        .iter()
        .filter_map(|d| {
            let original = d.reversed.as_ref()?;
            (*original != d.stored.tracking).then(|| (original.clone(), d.stored.tracking.clone()))
        })
        .collect()
}
