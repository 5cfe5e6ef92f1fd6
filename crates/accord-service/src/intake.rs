//! Receiving 837 files (CLM-01): every claim read is stored with a tracking number — accepted into
//! adjudication, or rejected with its reasons — in one unit of work per file, and only then are
//! the 999 and 277CA produced. An interchange already received (same sender and ISA13) creates no
//! claims.

use accord_claims::{Facts, RejectCategory, Rejection};
use accord_intake::{Category, IntakeProblem, to_engine_claim};
use accord_plan::Plan;
use accord_store::{ReceivedFile, Store, StoredClaim};
use accord_x12::w277ca::{ClaimAck, ClaimAckStatus, ClaimAcknowledgment, write_277ca};
use accord_x12::write::Envelope;
use serde_json::json;

use crate::ServiceError;
use crate::adjudication::{RunOptions, StagedDecisions, load_reference};
use crate::decide::{Decided, Tally, ToDecide, decide_unserialized};
use crate::paid_claim_view::quality_record;
use crate::queued::QueuedUnitOfWork;
use crate::reference::Reference;

/// The numbering a run of submissions continues: tracking numbers follow the claims on record,
/// acknowledgment control numbers follow too. One writer at a time.
#[derive(Debug, Clone, Copy)]
pub struct Numbering {
    /// Claims on record so far (the next tracking number's sequence is this + 1).
    pub claims: u64,
    /// Next interchange control number for an acknowledgment.
    pub control: u32,
}

impl Numbering {
    /// Numbering that continues the claims on record.
    pub async fn continuing(store: &Store) -> Result<Numbering, ServiceError> {
        let claims = store.claim_count().await?;
        Ok(Numbering {
            claims,
            control: u32::try_from(claims % 900_000_000).unwrap_or(0) + 1,
        })
    }

    fn next_control(&mut self) -> u32 {
        let c = self.control;
        self.control = if c >= 999_999_999 { 1 } else { c + 1 };
        c
    }
}

/// What receiving one file did.
#[derive(Debug, Clone, Default)]
pub struct Submission {
    /// Claims read from the file.
    pub claims_read: usize,
    /// Accepted into adjudication.
    pub accepted: usize,
    /// Rejected (on record with reasons).
    pub rejected: usize,
    /// In interchanges received before: no claims created.
    pub already_received: usize,
    /// Interchanges already received: (sender, ISA13, received at, file name).
    pub repeats: Vec<(String, String, String, String)>,
    /// Acknowledgments to write: file suffix (e.g. `999.x12`, `277ca.x12`) and content.
    pub acknowledgments: Vec<(String, String)>,
    /// Tracking numbers given, in order.
    pub tracking: Vec<String>,
}

/// What intake checks claims against: the plan and the members and providers on file (CLM-04),
/// loaded once for a batch of files ([`IntakeReference::load`]). Loaded with
/// [`IntakeReference::deciding`], it is the adjudication run's reference too, and intake decides
/// each claim it accepts as it receives it (CLM-01, then the pipeline of CLM-03).
pub struct IntakeReference<'p> {
    plan: &'p Plan,
    reference: Reference,
    /// Set when intake decides what it accepts: how, and what it decided so far.
    deciding: Option<(RunOptions, Tally)>,
}

impl<'p> IntakeReference<'p> {
    /// Loads members and providers (no history: claims accepted wait for an adjudication run).
    pub async fn load(store: &Store, plan: &'p Plan) -> Result<Self, ServiceError> {
        let book = store.book().await?;
        Ok(Self {
            plan,
            reference: Reference::build(book, Vec::new(), Vec::new())?,
            deciding: None,
        })
    }

    /// Loads everything the adjudication run loads (the claim history and authorizations too):
    /// each claim accepted is then decided in the unit of work that stores it, as an adjudication
    /// run would have decided it next, and never read back (decision 0033).
    pub async fn deciding(
        store: &Store,
        plan: &'p Plan,
        opts: RunOptions,
    ) -> Result<Self, ServiceError> {
        Ok(Self {
            plan,
            reference: load_reference(store, plan, opts.at).await?,
            deciding: Some((opts, Tally::default())),
        })
    }

    /// What intake decided so far, when it decides.
    pub fn tally(&self) -> Option<&Tally> {
        self.deciding.as_ref().map(|(_, t)| t)
    }

    /// Decides an accepted claim, when intake decides.
    fn decide(
        &mut self,
        claim: &accord_claims::Claim,
        original: Option<&accord_claims::Decision>,
    ) -> Option<Decided> {
        let (opts, tally) = self.deciding.as_mut()?;
        // The stored row's JSON is written where the batch is staged, off this thread.
        let what = ToDecide {
            claim,
            original,
            release: None,
        };
        let d = decide_unserialized(&mut self.reference, self.plan, what, opts.today);
        tally.add(&d);
        Some(d)
    }

    /// The engine's claim-level clean-claim checks (member and billing provider on file, the
    /// original of a corrected or void claim on file), as 277CA problems, with the original's
    /// current decision when the claim has one.
    async fn check(
        &self,
        uow: &mut QueuedUnitOfWork,
        claim: &accord_claims::Claim,
    ) -> Result<(Vec<IntakeProblem>, Option<accord_claims::Decision>), ServiceError> {
        // The original's decision and, CLM-10, the date it was remitted (the window for
        // corrections runs from it), read in the unit of work: it may have been decided in this
        // file.
        let (original, remitted_on) = match claim.frequency.original() {
            Some(t) => {
                let key = t.to_owned();
                let (json, at) = uow
                    .ask(move |uow| {
                        Box::pin(async move {
                            let json = uow.decision_json(&key).await?;
                            let at = match json {
                                Some(_) => uow.remitted_at(&key).await?,
                                None => None,
                            };
                            Ok((json, at))
                        })
                    })
                    .await?;
                let original: Option<accord_claims::Decision> = json
                    .map(|json| serde_json::from_str(&json))
                    .transpose()
                    .map_err(|e| ServiceError::invalid(format!("decision {t}"), "decision", e))?;
                let remitted_on = at
                    .map(|at| at.parse::<jiff::Timestamp>())
                    .transpose()
                    .map_err(|e| ServiceError::invalid(format!("claim {t}"), "remitted_at", e))?
                    .map(|at| at.to_zoned(self.plan.time_zone().clone()).date());
                (original, remitted_on)
            }
            None => (None, None),
        };
        let r = &self.reference;
        let mut facts = Facts::new(self.plan, &r.providers, &r.authorizations, &r.history);
        facts.member = r.member(&claim.member_id);
        facts.original = original.as_ref();
        facts.original_remitted_on = remitted_on;
        let problems = accord_claims::clean_claim_check(claim, &facts)
            .iter()
            .map(problem)
            .collect();
        Ok((problems, original))
    }
}

/// An engine rejection as a 277CA problem, located in the 837.
fn problem(r: &Rejection) -> IntakeProblem {
    let m = r.message.as_str();
    let element = if let Some(line) = r.line {
        format!("line {line} (2400)")
    } else if m.starts_with("member ID") {
        "2010BA NM109 (member ID)".into()
    } else if m.starts_with("billing provider") {
        "2010AA NM109 (billing provider NPI)".into()
    } else if m.contains("diagnosis") {
        "2300 HI (diagnoses)".into()
    } else if m.contains("original claim") || m.contains("corrected or void") {
        "2300 REF*F8 (original claim)".into()
    } else if m.contains("type of bill") {
        "2300 CLM05 (type of bill)".into()
    } else {
        "2300 CLM".into()
    };
    IntakeProblem {
        category: match r.category {
            RejectCategory::A6 => Category::A6,
            RejectCategory::A7 => Category::A7,
            RejectCategory::A8 => Category::A8,
        },
        element,
        message: format!("{m} ({})", r.rule),
    }
}

/// The 277CA's STC12 text for a rejected claim: each element at fault and what is wrong with it,
/// in the order found (the text is cut at 264 characters by the writer; `accord claims explain`
/// keeps every reason in full).
fn stc12_message(problems: &[IntakeProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{} - {}", p.element, p.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The entity the first problem is about (STC01-3), when the element says: the subscriber (IL)
/// for loop 2010BA, the billing provider (85) for loop 2010AA.
fn entity_at_fault(problems: &[IntakeProblem]) -> Option<String> {
    let element = &problems.first()?.element;
    if element.starts_with("2010BA") {
        Some("IL".into())
    } else if element.starts_with("2010AA") {
        Some("85".into())
    } else {
        None
    }
}

/// Claims stored per insert while a file streams through.
const CLAIMS_PER_INSERT: usize = 2_000;

/// Receives one 837 file at `now` (its date starts tracking numbers and is the claims' receipt
/// date), named `file_name`. `open` gives the file's bytes from the start; it is called twice (one
/// pass checks the envelope and the implementation guide for the 999, one reads the claims), so
/// memory stays flat whatever the file's size. `envelope(control)` makes each acknowledgment's
/// envelope. Claims that read cleanly are also checked against `reference` (CLM-04), so a claim
/// the engine would reject is rejected on the 277CA, with its reasons, and never silently later.
/// Everything is stored in one unit of work before any acknowledgment is produced (CLM-01).
pub async fn submit<R: std::io::Read>(
    store: &Store,
    reference: &mut IntakeReference<'_>,
    open: impl Fn() -> std::io::Result<R>,
    file_name: &str,
    now: &jiff::Zoned,
    numbering: &mut Numbering,
    envelope: impl Fn(u32) -> Envelope,
) -> Result<Submission, ServiceError> {
    let report = check(&open, file_name)?;
    let file = Incoming {
        open,
        file_name,
        report,
    };
    submit_checked(store, reference, file, now, numbering, envelope).await
}

/// The 999's check of a file (the envelope and the implementation guide): the first of the two
/// passes [`submit`] makes. A caller with several files can run it for the next file while this
/// one is read ([`submit_checked`]).
pub fn check<R: std::io::Read>(
    open: impl Fn() -> std::io::Result<R>,
    file_name: &str,
) -> Result<accord_x12::check::CheckReport, ServiceError> {
    let file = open().map_err(|source| ServiceError::Io {
        path: file_name.to_owned(),
        source,
    })?;
    Ok(accord_x12::check::check(file))
}

/// A file to receive, already checked: `open` gives its bytes from the start; `report` is
/// [`check`]'s report on those bytes.
pub struct Incoming<'a, F> {
    /// Opens the file from its start.
    pub open: F,
    /// Its name, for tracking and errors.
    pub file_name: &'a str,
    /// The 999's check of it.
    pub report: accord_x12::check::CheckReport,
}

/// [`submit`], with the file's check made beforehand (the 999 is written from `file.report`).
pub async fn submit_checked<R: std::io::Read, F: Fn() -> std::io::Result<R>>(
    store: &Store,
    reference: &mut IntakeReference<'_>,
    file: Incoming<'_, F>,
    now: &jiff::Zoned,
    numbering: &mut Numbering,
    envelope: impl Fn(u32) -> Envelope,
) -> Result<Submission, ServiceError> {
    let Incoming {
        open,
        file_name,
        report,
    } = file;
    let io = |source| ServiceError::Io {
        path: file_name.to_owned(),
        source,
    };
    let received_at = now.timestamp();
    let today = now.date();
    let group_ok = report.all_accepted();
    let mut out = Submission::default();
    let reason = format!("837 received: {file_name}");
    // The database writes on a task of its own while the file is read and decided.
    let mut uow = QueuedUnitOfWork::start(store.begin("intake", &reason, received_at).await?);
    let mut acks: Vec<ClaimAcknowledgment> = Vec::new();
    // The interchange being read: (sender, ISA13), whether it is new, and its claims so far.
    let mut current: Option<((String, String), bool, u64)> = None;
    let mut batch = Batch::default();
    // Where the time goes, for `-v`: waiting for the writer (the database is the bottleneck when
    // this is large) and the final writes and commit.
    let started = std::time::Instant::now();
    let mut waiting = std::time::Duration::ZERO;
    for c in accord_x12::Reader837::new(open().map_err(io)?).map_while(Result::ok) {
        out.claims_read += 1;
        let sender = c
            .submitter
            .id
            .clone()
            .unwrap_or_else(|| c.submitter.name.clone());
        let key = (sender, c.provenance.interchange_control.clone());
        if current.as_ref().is_none_or(|(k, _, _)| *k != key) {
            finish_interchange(&mut uow, &mut batch, current.take()).await?;
            // CLM-01: an interchange already received creates no claims.
            let (sender, icn) = key.clone();
            let seen = uow
                .ask(move |uow| {
                    Box::pin(async move { Ok(uow.received_file(&sender, &icn).await?) })
                })
                .await?;
            let fresh = match seen {
                Some(prev) => {
                    out.repeats.push((
                        key.0.clone(),
                        key.1.clone(),
                        prev.received_at,
                        prev.file_name,
                    ));
                    false
                }
                None => {
                    let file = ReceivedFile {
                        sender: key.0.clone(),
                        interchange_control: key.1.clone(),
                        file_name: file_name.to_owned(),
                        received_at: received_at.to_string(),
                        claims: 0,
                    };
                    uow.queue(move |uow| {
                        Box::pin(async move { Ok(uow.record_received_file(&file).await?) })
                    })
                    .await?;
                    acks.push(ClaimAcknowledgment {
                        payer_name: c.subscriber.payer.name.clone(),
                        payer_id: c.subscriber.payer.id.clone().unwrap_or_default(),
                        submitter_name: c.submitter.name.clone(),
                        submitter_id: key.0.clone(),
                        reference: c.provenance.bht_reference.clone(),
                        received: today,
                        processed: today,
                        claims: Vec::new(),
                    });
                    true
                }
            };
            current = Some((key, fresh, 0));
        }
        let Some((key, fresh, count)) = current.as_mut() else {
            continue;
        };
        if !*fresh {
            out.already_received += 1;
            continue;
        }
        *count += 1;
        numbering.claims += 1;
        let tracking = format!("{}{:07}", today.strftime("%Y%m%d"), numbering.claims);
        let outcome = if group_ok {
            match to_engine_claim(&c, &tracking, today) {
                Ok(engine) => {
                    if engine.frequency.original().is_some() && reference.deciding.is_some() {
                        // CLM-10: an original decided in this file is read from the unit of
                        // work, so what is held is stored first.
                        batch.store(&mut uow).await?;
                    }
                    let (problems, original) = reference.check(&mut uow, &engine).await?;
                    if problems.is_empty() {
                        if let Some(d) = reference.decide(&engine, original.as_ref()) {
                            batch.decided.push(d);
                        }
                        Ok(engine)
                    } else {
                        Err(problems)
                    }
                }
                Err(problems) => Err(problems),
            }
        } else {
            Err(vec![accord_intake::IntakeProblem {
                category: Category::A7,
                element: "transaction set".into(),
                message: "the 999 rejected this file's transaction set; see the 999".into(),
            }])
        };
        let (status, reasons, ack_status) = match &outcome {
            Ok(_) => {
                out.accepted += 1;
                ("accepted", json!([]), ClaimAckStatus::Accepted)
            }
            Err(problems) => {
                out.rejected += 1;
                let category = if problems.iter().all(|p| p.category == Category::A6) {
                    "A6"
                } else if problems.iter().any(|p| p.category == Category::A7) {
                    "A7"
                } else {
                    "A8"
                };
                (
                    "rejected",
                    serde_json::to_value(problems).unwrap_or_default(),
                    ClaimAckStatus::Rejected {
                        category: category.into(),
                        codes: vec![("21".into(), entity_at_fault(problems))],
                        message: Some(stc12_message(problems)),
                    },
                )
            }
        };
        batch.claims.push(StoredClaim {
            tracking: tracking.clone(),
            sender: key.0.clone(),
            interchange_control: key.1.clone(),
            patient_control: c.claim_id.clone(),
            member_id: c.subscriber.person.id.clone(),
            billing_npi: c.billing.provider.id.clone(),
            total_charge: accord_core::Money::new(c.total_charge),
            status: status.into(),
            reasons,
            // Written from the engine claim where the batch is staged.
            claim: None,
            received_at: received_at.to_string(),
        });
        out.tracking.push(tracking.clone());
        let pcn = outcome.is_ok().then_some(tracking);
        if let Some(a) = acks.last_mut() {
            a.claims.push(ClaimAck::from_claim(&c, ack_status, pcn));
        }
        batch.engines.push(outcome.ok());
        if batch.claims.len() >= CLAIMS_PER_INSERT {
            let t = std::time::Instant::now();
            batch.store(&mut uow).await?;
            waiting += t.elapsed();
        }
    }
    finish_interchange(&mut uow, &mut batch, current.take()).await?;
    let reading = started.elapsed();
    // Stored first (CLM-01); acknowledged after.
    let t = std::time::Instant::now();
    uow.commit().await?;
    tracing::info!(?reading, ?waiting, committing = ?t.elapsed(), claims = out.claims_read, file_name, "837 received");

    let env = envelope(numbering.next_control());
    for (name, body) in accord_x12::w999::acknowledgments(&report, &env) {
        out.acknowledgments.push((name, body));
    }
    if !acks.is_empty() {
        let env = envelope(numbering.next_control());
        out.acknowledgments
            .push(("277ca.x12".into(), write_277ca(&acks, &env)));
    }
    Ok(out)
}

/// Claims read and not stored yet, with the engine's form of each accepted one and, when intake
/// decides, their decisions.
#[derive(Default)]
struct Batch {
    claims: Vec<StoredClaim>,
    /// `engines[i]`: the engine's claim of `claims[i]`, when accepted.
    engines: Vec<Option<accord_claims::Claim>>,
    decided: Vec<Decided>,
}

impl Batch {
    /// Hands the claims held, then their decisions, to a thread that makes them ready to write
    /// (JSON written, texts packed, rows built) while this one reads and decides the next claims;
    /// queues their writing, which waits for that thread; and empties the batch. Batches are
    /// written in the order queued.
    async fn store(&mut self, uow: &mut QueuedUnitOfWork) -> Result<(), ServiceError> {
        if self.claims.is_empty() && self.decided.is_empty() {
            return Ok(());
        }
        let held = std::mem::take(self);
        let staging = tokio::task::spawn_blocking(move || held.stage());
        uow.queue(move |uow| {
            Box::pin(async move {
                let rows = staging
                    .await
                    .map_err(|e| ServiceError::invalid("intake", "staging", e))??;
                rows.write(uow).await
            })
        })
        .await
    }

    /// The rows of this batch: each accepted claim's JSON and quality record (QM-01, from the
    /// claim in hand rather than from its JSON), each decision's JSON, then the rows of both.
    /// Pure work; the batch is dropped here, not on the writer.
    fn stage(mut self) -> Result<StagedDecisions, ServiceError> {
        let records: Vec<Option<String>> = self
            .claims
            .iter_mut()
            .zip(&self.engines)
            .map(|(stored, engine)| {
                let engine = engine.as_ref()?;
                stored.claim = Some(serde_json::to_string(engine).unwrap_or_default());
                Some(quality_record(engine))
            })
            .collect();
        // Decision 0040: what each decided claim's 835 needs of the claim, beside its decision.
        let mut remittance: std::collections::HashMap<&str, accord_store::RemittanceFacts> = self
            .claims
            .iter()
            .zip(&self.engines)
            .filter_map(|(stored, engine)| {
                let facts = accord_store::RemittanceFacts {
                    patient_control: stored.patient_control.clone(),
                    claim: crate::remit::remittance_claim_json(engine.as_ref()?),
                };
                Some((stored.tracking.as_str(), facts))
            })
            .collect();
        for d in &mut self.decided {
            d.serialize();
            d.stored.remittance = remittance.remove(d.stored.tracking.as_str());
        }
        let claims = accord_store::claims::stage_claims(&self.claims, &records)?;
        Ok(StagedDecisions::of(&self.decided)?.after(claims))
    }
}

/// Stores the claims still buffered and the interchange's claim count.
async fn finish_interchange(
    uow: &mut QueuedUnitOfWork,
    batch: &mut Batch,
    current: Option<((String, String), bool, u64)>,
) -> Result<(), ServiceError> {
    batch.store(uow).await?;
    if let Some(((sender, icn), true, n)) = current {
        uow.queue(move |uow| {
            Box::pin(async move { Ok(uow.set_received_file_claims(&sender, &icn, n).await?) })
        })
        .await?;
    }
    Ok(())
}
