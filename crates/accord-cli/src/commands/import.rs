//! `accord import members|providers|authorizations|appointments FILE`: all rows or none.

use std::path::PathBuf;
use std::process::ExitCode;

use accord_import::{Format, read_appointments, read_authorizations, read_members, read_providers};
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
    /// Plan directory, for the time zone of appointment times without an offset (defaults to
    /// the demo plan).
    #[arg(long)]
    plan: Option<PathBuf>,
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
    let mut uow = store.begin(&args.actor, &reason, now).await.map_err(fail)?;
    match args.kind {
        ImportKind::Members => {
            let m = read_members(&bytes, format).map_err(fail)?;
            uow.insert_members(&m.members).await.map_err(fail)?;
            uow.insert_eligibility(&m.spans).await.map_err(fail)?;
            uow.commit().await.map_err(fail)?;
            println!(
                "imported {} members with {} eligibility spans from {}",
                m.members.len(),
                m.spans.len(),
                args.file.display()
            );
        }
        ImportKind::Providers => {
            let p = read_providers(&bytes, format).map_err(fail)?;
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
            uow.insert_authorizations(&auths).await.map_err(fail)?;
            uow.commit().await.map_err(fail)?;
            println!(
                "imported {} authorizations from {}",
                auths.len(),
                args.file.display()
            );
        }
    }
    // Closing the pool lets SQLite checkpoint and remove its -wal/-shm files.
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
