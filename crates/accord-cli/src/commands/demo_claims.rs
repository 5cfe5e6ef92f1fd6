//! The demo's month of claims (issue 4): the month before the as-of date is generated for the demo
//! population with the seeds' edge cases mixed in, written as 837P/837I files under `demo-out/`,
//! imported (authorizations from a CSV, as a plan would before the UM module), submitted through
//! intake (999 + 277CA), adjudicated, followed by a file of corrected and void claims, and paid in
//! one cycle (835s, vouchers, exceptions). Everything runs on the demo's fixed clock, so the same
//! seed gives the same files and the same database.

use std::path::Path;

use accord_demo::DemoData;
use accord_demo::claims::{ClaimMonthOptions, corrections, month, write_837, write_files};
use accord_import::{Format, read_authorizations};
use accord_plan::Plan;
use accord_service::adjudication::{RunOptions, adjudicate_pending};
use accord_service::decide::Tally;
use accord_service::intake::{IntakeReference, Numbering, submit};
use accord_service::payment::{CycleOptions, run_cycle};
use accord_store::{Store, StoredAuthorization};
use accord_x12::model::ClaimKind;
use anyhow::Context;

use crate::failure::fail;

/// What the month did, for the demo's summary.
pub struct MonthReport {
    pub tally: Tally,
    pub received: usize,
    pub rejected_at_intake: usize,
    pub edge_cases: Vec<(String, usize)>,
    pub cycle: accord_service::payment::CycleReport,
    pub retro: Vec<accord_service::adjudication::Redecided>,
    pub second: accord_service::payment::CycleReport,
}

/// How many members the demo terminates retroactively after the first payment.
const RETRO_AFTER_PAYMENT: usize = 3;

async fn retro_terminate_after_payment(
    store: &Store,
    plan: &Plan,
    m: &accord_demo::claims::ClaimMonth,
    at: jiff::Timestamp,
    run_opts: &RunOptions,
) -> anyhow::Result<Vec<accord_service::adjudication::Redecided>> {
    let mid_month = m
        .first
        .checked_add(jiff::Span::new().days(14))
        .context("mid-month date")?;
    // Members with paid professional claims and one open span on the plan, in file order.
    let mut chosen: Vec<(accord_core::MemberId, jiff::civil::Date)> = Vec::new();
    for c in &m.professional {
        if chosen.len() == RETRO_AFTER_PAYMENT {
            break;
        }
        let Some(id) = c.subscriber.person.id.as_deref() else {
            continue;
        };
        let Ok(member) = accord_core::MemberId::parse(id) else {
            continue;
        };
        if chosen.iter().any(|(x, _)| *x == member) {
            continue;
        }
        let spans = store.eligibility(&member).await.map_err(fail)?;
        let open: Vec<_> = spans
            .iter()
            .filter(|s| s.plan_code == plan.config.plan_code && s.end.is_none())
            .collect();
        let paid = store.decided_claims_of_member(id).await.map_err(fail)?;
        if let ([span], false) = (open.as_slice(), paid.is_empty())
            && span.start < m.first
        {
            chosen.push((member, span.start));
        }
    }
    let mut uow = store
        .begin(
            "enrollment-feed",
            "retroactive termination from the state enrollment file (ELIG-01)",
            at,
        )
        .await
        .map_err(fail)?;
    for (member, start) in &chosen {
        uow.end_eligibility(member, &plan.config.plan_code, *start, Some(mid_month))
            .await
            .map_err(fail)?;
    }
    uow.commit().await.map_err(fail)?;
    let mut claims = Vec::new();
    for (member, _) in &chosen {
        claims.extend(
            store
                .decided_claims_of_member(member.as_str())
                .await
                .map_err(fail)?,
        );
    }
    accord_service::adjudication::readjudicate(store, plan, &claims, run_opts)
        .await
        .map_err(fail)
}

/// Generates, submits, adjudicates and pays the demo month. `out` is `demo-out/`.
pub async fn run(
    store: &Store,
    plan: &Plan,
    data: &DemoData,
    seed: u64,
    as_of: jiff::civil::Date,
    out: &Path,
) -> anyhow::Result<MonthReport> {
    let now = as_of
        .at(9, 0, 0, 0)
        .to_zoned(plan.time_zone().clone())
        .context("demo date in the plan's time zone")?;
    let m = month(data, plan, &ClaimMonthOptions::month_before(seed, as_of));
    let claims_dir = out.join("claims");
    let acks_dir = out.join("acks");
    std::fs::create_dir_all(&acks_dir)
        .with_context(|| format!("cannot create {}", acks_dir.display()))?;
    let files = write_files(&m, &claims_dir, 1)
        .with_context(|| format!("cannot write claims under {}", claims_dir.display()))?;

    // Authorizations go in the way a plan loads them today: a CSV, all rows or none.
    let auth_csv = accord_demo::claims::authorizations_csv(&m.authorizations);
    let auth_path = out.join("authorizations.csv");
    std::fs::write(&auth_path, &auth_csv)
        .with_context(|| format!("cannot write {}", auth_path.display()))?;
    let auths: Vec<StoredAuthorization> = read_authorizations(auth_csv.as_bytes(), Format::Csv)
        .map_err(fail)?
        .into_iter()
        .map(accord_service::reference::stored_from_import)
        .collect();
    let mut uow = store
        .begin("demo", "authorizations imported", now.timestamp())
        .await
        .map_err(fail)?;
    uow.insert_authorizations(&auths).await.map_err(fail)?;
    uow.commit().await.map_err(fail)?;

    // Intake: every claim stored with a tracking number, then acknowledged.
    let mut reference = IntakeReference::load(store, plan).await.map_err(fail)?;
    let mut numbering = Numbering::continuing(store).await.map_err(fail)?;
    let ack_env = |control| accord_demo::claims::envelope(&plan.config.payer_id, as_of, control);
    let mut received = 0;
    let mut rejected = 0;
    let mut accepted_claims = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file)?;
        let s = submit(
            store,
            &mut reference,
            || Ok::<_, std::io::Error>(&bytes[..]),
            &file.display().to_string(),
            &now,
            &mut numbering,
            |c| reply(ack_env(c)),
        )
        .await
        .map_err(fail)?;
        write_acks(&acks_dir, file, &s.acknowledgments)?;
        received += s.claims_read;
        rejected += s.rejected;
        // One interchange per file: tracking numbers follow the file's claim order.
        let read: Vec<accord_x12::Claim> = accord_x12::Reader837::new(&bytes[..])
            .map_while(Result::ok)
            .collect();
        for (t, c) in s.tracking.iter().zip(read) {
            if store
                .claim(t)
                .await
                .map_err(fail)?
                .is_some_and(|sc| sc.status == "accepted")
            {
                accepted_claims.push((t.clone(), c));
            }
        }
    }
    let run_opts = RunOptions {
        today: as_of,
        at: now.timestamp(),
        actor: "adjudication".into(),
        page: 5_000,
    };
    let mut tally = adjudicate_pending(store, plan, &run_opts, |_| {})
        .await
        .map_err(fail)?;

    // The providers correct and void some claims (CLM-10) after seeing the first decisions.
    let fixes = corrections(&accepted_claims, seed, 12);
    if !fixes.is_empty() {
        let path = claims_dir.join("837P-corrections.x12");
        write_837(
            &fixes,
            ClaimKind::Professional,
            &path,
            &accord_demo::claims::envelope(&plan.config.payer_id, as_of, 3),
        )
        .with_context(|| format!("cannot write {}", path.display()))?;
        let bytes = std::fs::read(&path)?;
        let s = submit(
            store,
            &mut reference,
            || Ok::<_, std::io::Error>(&bytes[..]),
            &path.display().to_string(),
            &now,
            &mut numbering,
            |c| reply(ack_env(c)),
        )
        .await
        .map_err(fail)?;
        write_acks(&acks_dir, &path, &s.acknowledgments)?;
        received += s.claims_read;
        rejected += s.rejected;
        let more = adjudicate_pending(store, plan, &run_opts, |_| {})
            .await
            .map_err(fail)?;
        merge(&mut tally, more);
    }

    let cycle_opts = CycleOptions {
        through: as_of,
        pay_date: as_of,
        at: now.timestamp(),
        actor: "payment-cycle".into(),
        out: out.join("remittance"),
    };
    let cycle = run_cycle(store, plan, &cycle_opts).await.map_err(fail)?;

    // After payment, the state's enrollment file ends a few members' coverage mid-month, after
    // the fact (ELIG-01): their paid claims are decided again and what was paid for days without
    // coverage becomes an overpayment, carried on the next 835 (REC-01).
    let retro = retro_terminate_after_payment(store, plan, &m, now.timestamp(), &run_opts).await?;
    let second = run_cycle(store, plan, &cycle_opts).await.map_err(fail)?;
    Ok(MonthReport {
        tally,
        received,
        rejected_at_intake: rejected,
        edge_cases: m.edge_cases.clone(),
        cycle,
        retro,
        second,
    })
}

/// The acknowledgment's envelope answers the clearinghouse: the plan sends, the clearinghouse
/// receives.
fn reply(env: accord_x12::write::Envelope) -> accord_x12::write::Envelope {
    accord_x12::write::Envelope {
        sender_id: env.receiver_id.clone(),
        receiver_id: env.sender_id.clone(),
        gs_sender: env.gs_receiver.clone(),
        gs_receiver: env.gs_sender.clone(),
        interchange_control: env.interchange_control + 1000,
        group_control: env.group_control + 1000,
        ..env
    }
}

fn write_acks(dir: &Path, file: &Path, acks: &[(String, String)]) -> anyhow::Result<()> {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "claims".into());
    for (name, body) in acks {
        let path = dir.join(format!("{stem}.{name}"));
        std::fs::write(&path, body).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn merge(t: &mut Tally, more: Tally) {
    t.claims += more.claims;
    t.lines += more.lines;
    t.auto_adjudicated += more.auto_adjudicated;
    t.paid += more.paid;
    for (k, v) in more.by_status {
        *t.by_status.entry(k).or_default() += v;
    }
    for (k, v) in more.denial_reasons {
        *t.denial_reasons.entry(k).or_default() += v;
    }
}

/// Prints the month's summary.
pub fn print(r: &MonthReport, out: &Path) {
    println!(
        "\nA month of claims ({} received, {} rejected at intake and on record with reasons):",
        r.received, r.rejected_at_intake
    );
    super::claims::print_tally(&r.tally);
    let cases: Vec<String> = r
        .edge_cases
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(l, n)| format!("{l} ({n})"))
        .collect();
    println!("  edge cases mixed in: {}", cases.join("; "));
    super::pay::print_cycle(&r.cycle);
    let owed: accord_core::Money = r
        .retro
        .iter()
        .map(|x| x.net_change)
        .filter(|m| m.is_negative())
        .sum();
    println!(
        "\nAfter payment, {} claims of {} retroactively terminated members were decided again (ELIG-01, REC-01): {} now owed back.",
        r.retro.len(),
        RETRO_AFTER_PAYMENT,
        -owed
    );
    super::pay::print_cycle(&r.second);
    println!(
        "  files: {}/claims (837s), {}/acks (999, 277CA), {}/remittance (835s, vouchers, exceptions)",
        out.display(),
        out.display(),
        out.display()
    );
}
