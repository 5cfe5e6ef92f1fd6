//! `accord pay --through DATE --out DIR`: one payment cycle (PAY-06). Thin: the cycle is
//! `accord_service::payment::run_cycle`.

use std::path::PathBuf;
use std::process::ExitCode;

use accord_core::Date;
use accord_plan::Plan;
use accord_service::payment::{CycleOptions, CycleReport, run_cycle};

use super::open_store;
use crate::failure::fail;

/// Arguments of `accord pay`.
#[derive(Debug, clap::Args)]
pub struct PayArgs {
    /// Pay decisions made on or before this date.
    #[arg(long)]
    through: Date,
    /// Payment date (default: the --through date).
    #[arg(long)]
    pay_date: Option<Date>,
    /// Directory for the 835s, vouchers and the exceptions list (a cycle-NNNN directory is made).
    #[arg(long, default_value = "remittance")]
    out: PathBuf,
    /// Plan directory (defaults to the demo plan).
    #[arg(long)]
    plan: Option<PathBuf>,
}

/// Runs one payment cycle.
pub async fn run(db: &str, args: PayArgs) -> anyhow::Result<ExitCode> {
    let plan_dir = super::demo_plan::locate(args.plan.as_deref())?;
    let plan = Plan::load(&plan_dir).map_err(fail)?;
    let store = open_store(db).await?;
    let opts = CycleOptions {
        through: args.through,
        pay_date: args.pay_date.unwrap_or(args.through),
        at: jiff::Timestamp::now(),
        actor: "payment-cycle".into(),
        out: args.out,
    };
    let report = run_cycle(&store, &plan, &opts).await.map_err(fail)?;
    store.close().await;
    print_cycle(&report);
    Ok(ExitCode::SUCCESS)
}

/// Prints what a cycle did.
pub(crate) fn print_cycle(r: &CycleReport) {
    let c = &r.cycle;
    println!(
        "payment cycle {} (through {}): {} claims to {} payees, {} paid",
        c.cycle, c.through, c.claims, c.remittances, c.total
    );
    let offsets: accord_core::Money = r.plan.payees.iter().map(|p| p.offset_total()).sum();
    let carried: accord_core::Money = r.plan.payees.iter().map(|p| p.carried).sum();
    if !offsets.is_zero() || !carried.is_zero() {
        println!("  overpayments recovered {offsets}, new balances owed {carried} (REC-01)");
    }
    if !r.plan.demands.is_empty() {
        println!(
            "  {} balances older than the demand window: demand letters due (REC-02)",
            r.plan.demands.len()
        );
    }
    if !r.plan.collections.is_empty() {
        println!(
            "  {} demanded balances unpaid past the collections window (REC-02)",
            r.plan.collections.len()
        );
    }
    if !r.plan.late_clean_claims.is_empty() {
        println!(
            "  {} clean claims beyond the clean-claim window (PAY-07): see exceptions.csv",
            r.plan.late_clean_claims.len()
        );
    }
    if let Some(dir) = r.files.first().and_then(|f| f.parent()) {
        println!("  wrote {} files in {}", r.files.len(), dir.display());
    }
}
