//! Receiving 837 files (CLM-01): every claim read is stored with a tracking number — accepted into
//! adjudication, or rejected with its reasons — in one unit of work per file, and only then are
//! the 999 and 277CA produced. An interchange already received (same sender and ISA13) creates no
//! claims.

use std::collections::BTreeMap;

use accord_claims::{Facts, RejectCategory, Rejection};
use accord_intake::{Category, IntakeProblem, to_engine_claim};
use accord_plan::Plan;
use accord_store::{ReceivedFile, Store, StoredClaim};
use accord_x12::w277ca::{ClaimAck, ClaimAckStatus, ClaimAcknowledgment, write_277ca};
use accord_x12::write::Envelope;
use serde_json::json;

use crate::ServiceError;
use crate::adjudication::stored_decision;
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
/// loaded once for a batch of files ([`IntakeReference::load`]).
pub struct IntakeReference<'p> {
    plan: &'p Plan,
    reference: Reference,
}

impl<'p> IntakeReference<'p> {
    /// Loads members and providers (no history: intake does not adjudicate).
    pub async fn load(store: &Store, plan: &'p Plan) -> Result<Self, ServiceError> {
        let book = store.book().await?;
        Ok(Self {
            plan,
            reference: Reference::build(book, Vec::new(), Vec::new())?,
        })
    }

    /// The engine's claim-level clean-claim checks (member and billing provider on file, the
    /// original of a corrected or void claim on file), as 277CA problems.
    async fn check(
        &self,
        store: &Store,
        claim: &accord_claims::Claim,
    ) -> Result<Vec<IntakeProblem>, ServiceError> {
        let original = match claim.frequency.original() {
            Some(t) => stored_decision(store, t).await?,
            None => None,
        };
        let r = &self.reference;
        let mut facts = Facts::new(self.plan, &r.providers, &r.authorizations, &r.history);
        facts.member = r.member(&claim.member_id);
        facts.original = original.as_ref();
        Ok(accord_claims::clean_claim_check(claim, &facts)
            .iter()
            .map(problem)
            .collect())
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

/// Receives one 837 file's bytes, named `file_name`, at `now` (its date starts tracking numbers
/// and is the claims' receipt date). `envelope(control)` makes each acknowledgment's envelope.
/// Claims that read cleanly are also checked against `reference` (CLM-04), so a claim the engine
/// would reject is rejected on the 277CA, with its reasons, and never silently later.
pub async fn submit(
    store: &Store,
    reference: &IntakeReference<'_>,
    bytes: &[u8],
    file_name: &str,
    now: &jiff::Zoned,
    numbering: &mut Numbering,
    envelope: impl Fn(u32) -> Envelope,
) -> Result<Submission, ServiceError> {
    let received_at = now.timestamp();
    let today = now.date();
    let report = accord_x12::check::check(bytes);
    let group_ok = report.all_accepted();
    let claims: Vec<accord_x12::Claim> = accord_x12::Reader837::new(bytes)
        .map_while(Result::ok)
        .collect();
    let mut out = Submission {
        claims_read: claims.len(),
        ..Submission::default()
    };

    // One interchange at a time: skip those already received (CLM-01 resubmission).
    let mut by_interchange: BTreeMap<(String, String), Vec<&accord_x12::Claim>> = BTreeMap::new();
    for c in &claims {
        let sender = c
            .submitter
            .id
            .clone()
            .unwrap_or_else(|| c.submitter.name.clone());
        by_interchange
            .entry((sender, c.provenance.interchange_control.clone()))
            .or_default()
            .push(c);
    }
    let reason = format!("837 received: {file_name}");
    let mut uow = store.begin("intake", &reason, received_at).await?;
    let mut acks = Vec::new();
    for ((sender, icn), group) in &by_interchange {
        if let Some(prev) = store.received_file(sender, icn).await? {
            out.repeats.push((
                sender.clone(),
                icn.clone(),
                prev.received_at,
                prev.file_name,
            ));
            out.already_received += group.len();
            continue;
        }
        uow.record_received_file(&ReceivedFile {
            sender: sender.clone(),
            interchange_control: icn.clone(),
            file_name: file_name.to_owned(),
            received_at: received_at.to_string(),
            claims: group.len() as u64,
        })
        .await?;
        let mut stored = Vec::with_capacity(group.len());
        let mut claim_acks = Vec::with_capacity(group.len());
        for c in group {
            numbering.claims += 1;
            let tracking = format!("{}{:07}", today.strftime("%Y%m%d"), numbering.claims);
            let outcome = if group_ok {
                match to_engine_claim(c, &tracking, today) {
                    Ok(engine) => {
                        let problems = reference.check(store, &engine).await?;
                        if problems.is_empty() {
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
            let (status, reasons, claim_json, ack_status) = match &outcome {
                Ok(engine) => {
                    out.accepted += 1;
                    (
                        "accepted",
                        json!([]),
                        Some(serde_json::to_string(engine).unwrap_or_default()),
                        ClaimAckStatus::Accepted,
                    )
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
                        None,
                        ClaimAckStatus::Rejected {
                            category: category.into(),
                            codes: vec![("21".into(), None)],
                        },
                    )
                }
            };
            stored.push(StoredClaim {
                tracking: tracking.clone(),
                sender: sender.clone(),
                interchange_control: icn.clone(),
                patient_control: c.claim_id.clone(),
                member_id: c.subscriber.person.id.clone(),
                billing_npi: c.billing.provider.id.clone(),
                total_charge: accord_core::Money::new(c.total_charge),
                status: status.into(),
                reasons,
                claim: claim_json,
                received_at: received_at.to_string(),
            });
            out.tracking.push(tracking.clone());
            let pcn = outcome.is_ok().then_some(tracking);
            claim_acks.push(ClaimAck::from_claim(c, ack_status, pcn));
        }
        uow.insert_claims(&stored).await?;
        let first = group[0];
        acks.push(ClaimAcknowledgment {
            payer_name: first.subscriber.payer.name.clone(),
            payer_id: first.subscriber.payer.id.clone().unwrap_or_default(),
            submitter_name: first.submitter.name.clone(),
            submitter_id: sender.clone(),
            reference: first.provenance.bht_reference.clone(),
            received: today,
            processed: today,
            claims: claim_acks,
        });
    }
    // Stored first (CLM-01); acknowledged after.
    uow.commit().await?;

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
