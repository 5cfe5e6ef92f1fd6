//! `accord claims submit FILE…`: intake (CLM-01). Every claim read is stored with a tracking number
//! — accepted into adjudication, or rejected with its reasons — in one unit of work, and only then
//! are the 999 and 277CA written. A file whose interchange (sender + ISA13) was already received
//! creates no claims. Adjudication and payment come next (issue 4).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use accord_intake::{Category, to_engine_claim};
use accord_store::{ReceivedFile, StoredClaim};
use accord_x12::w277ca::{ClaimAck, ClaimAckStatus, ClaimAcknowledgment, write_277ca};
use anyhow::Context;
use serde_json::json;

use super::open_store;
use crate::failure::fail;

/// Claims commands.
#[derive(Debug, clap::Subcommand)]
pub enum ClaimsCommand {
    /// Receive 837 files: store every claim with a tracking number, then write the 999 and 277CA.
    Submit {
        /// 837P or 837I files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to write the 999 and 277CA files.
        #[arg(long, default_value = "acks")]
        out: PathBuf,
    },
}

/// Runs a claims command.
pub async fn run(db: &str, cmd: ClaimsCommand) -> anyhow::Result<ExitCode> {
    let ClaimsCommand::Submit { files, out } = cmd;
    let store = open_store(db).await?;
    let now = jiff::Zoned::now();
    let received_at = now.timestamp();
    let today = now.date();
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    // Tracking numbers and acknowledgment control numbers both follow the claims on record; this
    // command is the only writer while it runs, so one reading serves every file.
    let mut base = store.claim_count().await.map_err(fail)?;
    let mut control = u32::try_from(base % 900_000_000).unwrap_or(0) + 1;
    for file in &files {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let report = accord_x12::check::check(&bytes[..]);
        let group_ok = report.all_accepted();
        let claims: Vec<accord_x12::Claim> = accord_x12::Reader837::new(&bytes[..])
            .map_while(Result::ok)
            .collect();

        // One interchange at a time: skip those already received (CLM-01 resubmission).
        let mut by_interchange: BTreeMap<(String, String), Vec<&accord_x12::Claim>> =
            BTreeMap::new();
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
        let reason = format!("837 received: {}", file.display());
        let mut uow = store
            .begin("intake", &reason, received_at)
            .await
            .map_err(fail)?;
        let mut acks = Vec::new();
        let (mut accepted, mut rejected, mut skipped) = (0usize, 0usize, 0usize);
        for ((sender, icn), group) in &by_interchange {
            if let Some(prev) = store.received_file(sender, icn).await.map_err(fail)? {
                println!(
                    "{}: interchange {icn} from {sender} was already received on {} ({}): no claims created",
                    file.display(),
                    prev.received_at,
                    prev.file_name
                );
                skipped += group.len();
                continue;
            }
            uow.record_received_file(&ReceivedFile {
                sender: sender.clone(),
                interchange_control: icn.clone(),
                file_name: file.display().to_string(),
                received_at: received_at.to_string(),
                claims: group.len() as u64,
            })
            .await
            .map_err(fail)?;
            let mut stored = Vec::with_capacity(group.len());
            let mut claim_acks = Vec::with_capacity(group.len());
            for c in group {
                base += 1;
                let tracking = format!("{}{:07}", today.strftime("%Y%m%d"), base);
                let outcome = if group_ok {
                    to_engine_claim(c, &tracking, today)
                } else {
                    Err(vec![accord_intake::IntakeProblem {
                        category: Category::A7,
                        element: "transaction set".into(),
                        message: "the 999 rejected this file's transaction set; see the 999".into(),
                    }])
                };
                let (status, reasons, claim_json, ack_status) = match &outcome {
                    Ok(engine) => {
                        accepted += 1;
                        (
                            "accepted",
                            json!([]),
                            Some(serde_json::to_value(engine)?),
                            ClaimAckStatus::Accepted,
                        )
                    }
                    Err(problems) => {
                        rejected += 1;
                        let category = if problems.iter().all(|p| p.category == Category::A6) {
                            "A6"
                        } else {
                            "A7"
                        };
                        (
                            "rejected",
                            serde_json::to_value(problems)?,
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
                let pcn = outcome.is_ok().then_some(tracking);
                claim_acks.push(ClaimAck::from_claim(c, ack_status, pcn));
            }
            uow.insert_claims(&stored).await.map_err(fail)?;
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
        uow.commit().await.map_err(fail)?;

        let env = super::x12::envelope_now(control);
        control += 1;
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "claims".into());
        for (name, body) in accord_x12::w999::acknowledgments(&report, &env) {
            let path = out.join(format!("{stem}.{name}"));
            std::fs::write(&path, body)?;
            println!("wrote {}", path.display());
        }
        if !acks.is_empty() {
            let env = super::x12::envelope_now(control);
            control += 1;
            let path = out.join(format!("{stem}.277ca.x12"));
            std::fs::write(&path, write_277ca(&acks, &env))?;
            println!("wrote {}", path.display());
        }
        println!(
            "{}: {} claims read: {accepted} accepted into adjudication, {rejected} rejected (on record with reasons), {skipped} already received",
            file.display(),
            claims.len()
        );
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
