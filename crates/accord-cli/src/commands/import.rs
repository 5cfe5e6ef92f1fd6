//! `accord import members|providers|authorizations|appointments FILE`: all rows or none.
//! Members and authorizations already on file are updated from the file (a changed end date, a
//! changed authorization) and the decided claims the changes affect are reported, or decided
//! again with `--readjudicate` (REC-01).

use std::path::PathBuf;
use std::process::ExitCode;

use accord_import::{Format, read_appointments, read_authorizations, read_members, read_providers};
use accord_plan::Plan;
use accord_service::adjudication::RunOptions;
use accord_service::retro_run::{ImportBy, RetroOutcome};
use accord_store::StoredAuthorization;
use anyhow::Context;

use super::open_store;
use crate::failure::fail;

/// What to import.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportKind {
    /// Members and their eligibility spans (one row per span).
    Members,
    /// Providers, service locations and pay-to vendors (one row per location).
    Providers,
    /// Approved authorizations (one row per authorized service).
    Authorizations,
    /// Appointment-availability records (QM-02, QM-03): one row per request for care.
    Appointments,
}

/// Arguments of `accord import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// What the file holds.
    kind: ImportKind,
    /// A .csv or .json file; columns are listed in docs/import.md.
    file: PathBuf,
    /// Who is importing (written to the event log with each record).
    #[arg(long, default_value = "cli-import")]
    actor: String,
    /// Why (written to the event log).
    #[arg(long, default_value = "import file")]
    reason: String,
    /// Plan directory, for the time zone of appointment times without an offset and the plan
    /// code eligibility is judged on (defaults to the demo plan).
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Members and authorizations: after storing the file, decide again exactly the decided
    /// claims its changes affect (REC-01: a remitted claim is reversed and replaced, an
    /// overpayment is recovered from the next payments). Without it, they are only counted.
    #[arg(long)]
    readjudicate: bool,
    /// With --readjudicate: the decision date (default: today in the plan's time zone).
    #[arg(long, requires = "readjudicate")]
    as_of: Option<accord_core::Date>,
}

/// Validates the whole file, then stores it in one transaction.
pub async fn run(db: &str, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let format = Format::from_path(&args.file).map_err(fail)?;
    tracing::info!(file = %args.file.display(), kind = ?args.kind, "importing");
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let reason = format!("{}: {}", args.reason, args.file.display());
    let now = jiff::Timestamp::now();
    let store = open_store(db).await?;
    match args.kind {
        ImportKind::Members => {
            let m = read_members(&bytes, format).map_err(fail)?;
            let (plan, redo, by) = retro_options(&args, &reason, now)?;
            let out = accord_service::retro_run::import_members(
                &store,
                &plan,
                &m.members,
                &m.spans,
                &by,
                redo.as_ref(),
            )
            .await
            .map_err(fail)?;
            store.close().await;
            let c = &out.changes;
            println!(
                "imported {} members with {} eligibility spans from {}",
                c.new_members.len(),
                c.new_spans.len(),
                args.file.display()
            );
            if !c.ended.is_empty() || c.unchanged_spans > 0 {
                println!(
                    "  {} eligibility end dates changed, {} spans already on file unchanged",
                    c.ended.len(),
                    c.unchanged_spans
                );
            }
            for e in &c.ended {
                let end = |d: Option<accord_core::Date>| {
                    d.map(|d| d.to_string()).unwrap_or_else(|| "open".into())
                };
                println!(
                    "  {} {} span from {}: end {} -> {} (ELIG-01)",
                    e.member,
                    e.plan_code,
                    e.start,
                    end(e.old_end),
                    end(e.new_end)
                );
            }
            report_retro(&out.retro, args.readjudicate, now, &plan);
            return Ok(ExitCode::SUCCESS);
        }
        ImportKind::Providers => {
            let p = read_providers(&bytes, format).map_err(fail)?;
            let mut uow = store.begin(&args.actor, &reason, now).await.map_err(fail)?;
            uow.insert_providers(&p.providers).await.map_err(fail)?;
            uow.insert_locations(&p.locations).await.map_err(fail)?;
            uow.insert_pay_to(&p.pay_to).await.map_err(fail)?;
            uow.insert_status_spans(&p.statuses).await.map_err(fail)?;
            uow.commit().await.map_err(fail)?;
            println!(
                "imported {} providers, {} locations, {} pay-to vendors from {}",
                p.providers.len(),
                p.locations.len(),
                p.pay_to.len(),
                args.file.display()
            );
        }
        ImportKind::Appointments => {
            let dir = super::demo_plan::locate(args.plan.as_deref())?;
            let plan = accord_plan::Plan::load(&dir).map_err(fail)?;
            let records = read_appointments(&bytes, format, plan.time_zone()).map_err(fail)?;
            let stored = accord_service::access::stored_appointments(&records).map_err(fail)?;
            let mut uow = store.begin(&args.actor, &reason, now).await.map_err(fail)?;
            uow.insert_appointments(&stored).await.map_err(fail)?;
            uow.commit().await.map_err(fail)?;
            println!(
                "imported {} appointment records from {}",
                stored.len(),
                args.file.display()
            );
        }
        ImportKind::Authorizations => {
            let auths: Vec<StoredAuthorization> = read_authorizations(&bytes, format)
                .map_err(fail)?
                .into_iter()
                .map(accord_service::reference::stored_from_import)
                .collect();
            let (plan, redo, by) = retro_options(&args, &reason, now)?;
            let out = accord_service::retro_run::import_authorizations(
                &store,
                &plan,
                &auths,
                &by,
                redo.as_ref(),
            )
            .await
            .map_err(fail)?;
            store.close().await;
            let c = &out.changes;
            println!(
                "imported {} authorizations from {}",
                c.new.len(),
                args.file.display()
            );
            if !c.changed.is_empty() || c.unchanged > 0 {
                println!(
                    "  {} authorizations changed, {} already on file unchanged",
                    c.changed.len(),
                    c.unchanged
                );
            }
            for (b, a) in &c.changed {
                println!(
                    "  {}: {} to {}, {} units -> {} to {}, {} units (CLM-07)",
                    a.auth_id,
                    b.start,
                    b.end,
                    b.units_authorized,
                    a.start,
                    a.end,
                    a.units_authorized
                );
            }
            report_retro(&out.retro, args.readjudicate, now, &plan);
            return Ok(ExitCode::SUCCESS);
        }
    }
    // Closing the pool lets SQLite checkpoint and remove its -wal/-shm files.
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// The plan, the run options of the re-decision when `--readjudicate` asks for one, and who
/// imports, why and when.
fn retro_options(
    args: &ImportArgs,
    reason: &str,
    now: jiff::Timestamp,
) -> anyhow::Result<(Plan, Option<RunOptions>, ImportBy)> {
    let dir = super::demo_plan::locate(args.plan.as_deref())?;
    let plan = Plan::load(&dir).map_err(fail)?;
    let today = args
        .as_of
        .unwrap_or_else(|| now.to_zoned(plan.time_zone().clone()).date());
    let redo = args.readjudicate.then(|| RunOptions {
        today,
        at: now,
        actor: "adjudication".into(),
        page: 5_000,
    });
    let by = ImportBy {
        actor: args.actor.clone(),
        reason: reason.to_owned(),
        at: now,
    };
    Ok((plan, redo, by))
}

/// Prints the claims a retroactive change affects and, when they were decided again, each
/// claim's old and new outcome with the change; otherwise the command that would decide them
/// again (paid claims are never changed silently).
pub(crate) fn report_retro(r: &RetroOutcome, redone: bool, now: jiff::Timestamp, plan: &Plan) {
    if r.affected.is_empty() {
        println!("no decided claims are affected (REC-01)");
        return;
    }
    if redone {
        println!(
            "{} decided claims affected, decided again (REC-01):",
            r.affected.len()
        );
        super::claims::print_redecided(&r.redecided);
        return;
    }
    println!(
        "{} decided claims are affected by these changes and were NOT decided again (REC-01):",
        r.affected.len()
    );
    for a in &r.affected {
        println!("  {}: {}", a.tracking, a.reason);
    }
    let today = now.to_zoned(plan.time_zone().clone()).date();
    println!(
        "decide them again with `accord claims readjudicate --affected-since {today}` (or name them: `accord claims readjudicate {}`)",
        r.affected
            .iter()
            .map(|a| a.tracking.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
}
