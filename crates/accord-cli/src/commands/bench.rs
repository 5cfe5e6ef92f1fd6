//! `accord bench …`: benchmarks that print figures for `docs/performance.md`. Not tests: nothing
//! here asserts a time.

use std::path::PathBuf;
use std::process::ExitCode;

use super::x12::{self, X12BenchArgs};

/// Benchmarks.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// X12 lexing and typed 837 reading: MB/s, claims/s and peak memory on a generated file.
    X12(X12BenchArgs),
    /// The pure adjudication engine: claim lines per second on generated claims and reference data.
    Adjudicate(AdjudicateBenchArgs),
    /// Quality measures (QM-01) over synthetic histories, in memory: members and lines per second.
    Quality(QualityBenchArgs),
    /// UM automatic decisions on complete requests, in process: decisions/s and p50/p99 latency.
    Um(UmBenchArgs),
    /// End to end on a fresh database: submit a large 837, adjudicate it, pay it.
    Pipeline(super::bench_pipeline::PipelineBenchArgs),
}

/// Arguments of `accord bench quality`.
#[derive(Debug, clap::Args)]
pub struct QualityBenchArgs {
    /// Members.
    #[arg(long, default_value_t = 1_000_000)]
    members: usize,
    /// Service records (claim lines and stays).
    #[arg(long, default_value_t = 10_000_000)]
    lines: usize,
    /// Plan directory (defaults to the demo plan; its value_sets.csv is used).
    #[arg(long)]
    plan: Option<std::path::PathBuf>,
    /// Read from a database, as `accord report quality` does: store the population and its paid
    /// claims once (not timed), then time the read and the measures separately.
    #[arg(long)]
    store: bool,
    /// Database URL for `--store` (implies it). Empty: the population is stored first; holding
    /// the population of an earlier run with the same `--members` (`--keep`, or a database
    /// given here): reused as it is. Default: a new SQLite file in a temporary directory.
    /// Separate from the global --db so a benchmark never touches a real database by default.
    #[arg(long, value_name = "URL")]
    bench_db: Option<String>,
    /// With `--store` and no `--bench-db`: keep the temporary directory (and its SQLite file) and
    /// print where it is, so a second run can reuse it.
    #[arg(long)]
    keep: bool,
}

/// Arguments of `accord bench um`.
#[derive(Debug, clap::Args)]
pub struct UmBenchArgs {
    /// Requests decided.
    #[arg(long, default_value_t = 200_000)]
    requests: usize,
    /// Plan directory (defaults to the demo plan).
    #[arg(long)]
    plan: Option<std::path::PathBuf>,
}

/// Arguments of `accord bench adjudicate`; defaults are the reference sizes.
#[derive(Debug, clap::Args)]
pub struct AdjudicateBenchArgs {
    /// Claims adjudicated in the timed run.
    #[arg(long, default_value_t = 200_000)]
    claims: usize,
    /// Members in the generated population.
    #[arg(long, default_value_t = 100_000)]
    members: usize,
    /// Prior claim lines in history.
    #[arg(long, default_value_t = 1_000_000)]
    history_lines: usize,
    /// NCCI procedure-to-procedure rows in the generated plan.
    #[arg(long, default_value_t = 100_000)]
    ncci_rows: usize,
    /// Base plan directory (defaults to the demo plan).
    #[arg(long)]
    plan: Option<PathBuf>,
}

/// Runs a benchmark.
pub fn run(cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCommand::X12(args) => x12::bench(&args)?,
        BenchCommand::Adjudicate(args) => {
            let opts = accord_claims::bench::BenchOptions {
                plan_dir: super::demo_plan::locate(args.plan.as_deref())?,
                claims: args.claims,
                members: args.members,
                history_lines: args.history_lines,
                ncci_rows: args.ncci_rows,
                ..Default::default()
            };
            let report = accord_claims::bench::run(&opts)?;
            println!("{}", report.summary());
        }
        BenchCommand::Quality(args) if args.store || args.bench_db.is_some() => {
            let opts = super::bench_quality::StoreBenchOptions {
                members: args.members,
                lines: args.lines,
                plan_dir: super::demo_plan::locate(args.plan.as_deref())?,
                bench_db: args.bench_db,
                keep: args.keep,
            };
            super::block_on(async {
                super::bench_quality::run(opts).await?;
                Ok(ExitCode::SUCCESS)
            })?;
        }
        BenchCommand::Quality(args) => {
            let dir = super::demo_plan::locate(args.plan.as_deref())?;
            let text = std::fs::read_to_string(dir.join("value_sets.csv"))?;
            let vs = accord_quality::ValueSets::parse(&text).map_err(|e| {
                anyhow::anyhow!(
                    "{}",
                    e.iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            })?;
            let t = std::time::Instant::now();
            let (members, records) =
                accord_quality::bench::histories(args.members, args.lines, 42, 2026);
            let generated = t.elapsed().as_secs_f64();
            let period = accord_quality::Period {
                start: jiff::civil::date(2026, 1, 1),
                end: jiff::civil::date(2026, 12, 31),
            };
            let t = std::time::Instant::now();
            let report = accord_quality::measure(&members, &records, &vs, period);
            let secs = t.elapsed().as_secs_f64();
            println!(
                "Quality measures over {} members and {} records (generated in {generated:.1} s): {secs:.2} s, {:.0} records/s",
                members.len(),
                records.len(),
                records.len() as f64 / secs.max(1e-9)
            );
            for r in &report.rates {
                println!(
                    "  {:<16} {:>8} / {:<8} {:>7}%",
                    r.measure, r.numerator, r.denominator, r.rate
                );
            }
        }
        BenchCommand::Um(args) => {
            let dir = super::demo_plan::locate(args.plan.as_deref())?;
            let plan = accord_plan::Plan::load(&dir).map_err(crate::failure::fail)?;
            let r = accord_um::bench::run(&plan, args.requests).map_err(anyhow::Error::msg)?;
            println!(
                "UM automatic decisions: {} requests ({} approved by the rules) in {:.3} s on one core\n  {:.0} decisions/s   p50 {:.1} µs   p99 {:.1} µs   max {:.1} µs",
                r.requests, r.auto_approved, r.seconds, r.per_second, r.p50_us, r.p99_us, r.max_us
            );
        }
        BenchCommand::Pipeline(args) => {
            super::block_on(async {
                super::bench_pipeline::run(args).await?;
                Ok(ExitCode::SUCCESS)
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
