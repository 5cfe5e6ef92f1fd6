//! `accord bench pipeline`: the end-to-end benchmark of issue 4 — `claims submit` of a large 837,
//! adjudication of everything received, and one payment cycle, on a fresh database (SQLite by
//! default, PostgreSQL with `--db`). Setup (population, network, the 837 itself) is not timed.
//! Prints claims per second per phase and overall, and peak memory. Not a test: nothing here
//! asserts a time.

use std::path::PathBuf;
use std::time::Instant;

use accord_demo::DemoOptions;
use accord_demo::claims::{ClaimMonthOptions, month, write_837};
use accord_plan::Plan;
use accord_service::adjudication::{RunOptions, adjudicate_pending};
use accord_service::intake::{Incoming, IntakeReference, Numbering, submit_checked};
use accord_service::payment::{CycleOptions, run_cycle};
use accord_store::{Store, StoredAuthorization};
use accord_x12::model::ClaimKind;
use anyhow::Context;

use crate::failure::fail;

/// Arguments of `accord bench pipeline`.
#[derive(Debug, clap::Args)]
pub struct PipelineBenchArgs {
    /// Claims in the 837 (about; the generator makes whole months).
    #[arg(long, default_value_t = 1_000_000)]
    claims: usize,
    /// Database URL for the run; must hold no Accord data (default: a new SQLite file in a
    /// temporary directory). Separate from the global --db so a benchmark never touches a real
    /// database by default.
    #[arg(long, value_name = "URL")]
    bench_db: Option<String>,
    /// Plan directory (defaults to the demo plan).
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Keep the working directory (database and files) and print where it is.
    #[arg(long)]
    keep: bool,
}

/// Claims per member per month when every member is served (about 1.45 with the demo's mix).
const CLAIMS_PER_SERVED_MEMBER: f64 = 1.4;
/// Months of service within the timely-filing window (90 days) before the as-of date.
const MONTHS: u32 = 2;

/// Runs the pipeline benchmark.
pub async fn run(args: PipelineBenchArgs) -> anyhow::Result<()> {
    let work = tempfile::Builder::new().prefix("accord-bench-").tempdir()?;
    let dir = work.path().to_path_buf();
    let db = args
        .bench_db
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.db").display()));
    let plan_dir = super::demo_plan::locate(args.plan.as_deref())?;
    let plan = Plan::load(&plan_dir).map_err(fail)?;
    let as_of = jiff::civil::date(2026, 11, 2);
    let now = as_of
        .at(9, 0, 0, 0)
        .to_zoned(plan.time_zone().clone())
        .context("as-of in the plan's time zone")?;

    // ---- setup (not timed): population, network, authorizations, the 837 files
    let setup = Instant::now();
    let members =
        ((args.claims as f64 / CLAIMS_PER_SERVED_MEMBER / f64::from(MONTHS)) as u32).max(1_000);
    let opts = DemoOptions {
        members,
        seed: 7,
        as_of,
        plan_code: plan.config.plan_code.clone(),
        program: plan.config.program,
    };
    let data = accord_demo::generate(&opts);
    let store = Store::connect(&db).await.map_err(fail)?;
    super::demo::load(&store, &data, &opts, now.timestamp()).await?;
    let mut files = Vec::new();
    let mut auths = Vec::new();
    let mut total_claims = 0usize;
    let mut first = as_of.first_of_month();
    for k in 0..MONTHS {
        let last = first.yesterday().map_err(|e| anyhow::anyhow!("{e}"))?;
        first = last.first_of_month();
        let m = month(
            &data,
            &plan,
            &ClaimMonthOptions {
                seed: 7 + u64::from(k),
                first,
                last,
                received_by: as_of,
                served_share: 1.0,
            },
        );
        total_claims += m.len();
        for (kind, claims, name) in [
            (ClaimKind::Professional, &m.professional, "837P"),
            (ClaimKind::Institutional, &m.institutional, "837I"),
        ] {
            let path = dir.join(format!("{name}-{k}.x12"));
            let control = 10 + k * 2 + u32::from(name == "837I");
            write_837(
                claims,
                kind,
                &path,
                &accord_demo::claims::envelope(&plan.config.payer_id, as_of, control),
            )?;
            files.push(path);
        }
        auths.extend(m.authorizations);
    }
    let stored_auths: Vec<StoredAuthorization> = auths
        .iter()
        .map(accord_service::reference::stored_from_engine)
        .collect();
    let mut uow = store
        .begin("bench", "authorizations", now.timestamp())
        .await
        .map_err(fail)?;
    // Two months can give one member the same authorization number: keep the first.
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<_> = stored_auths
        .into_iter()
        .filter(|a| seen.insert(a.auth_id.clone()))
        .collect();
    uow.insert_authorizations(&unique).await.map_err(fail)?;
    uow.commit().await.map_err(fail)?;
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    println!(
        "setup: {members} members, {} providers, {total_claims} claims in {} files ({:.1} MB) in {:.1} s (not timed)",
        data.network.providers.len(),
        files.len(),
        bytes as f64 / 1e6,
        setup.elapsed().as_secs_f64()
    );
    drop(data);

    // ---- timed: submit, adjudicate, pay
    // The setup's heap stays mapped (the allocator keeps it), so the timed phases' memory is
    // measured as growth over it: reset the peak to the current size first (Linux clear_refs 5).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_at_start = status_kib("VmRSS:");
    let heap = AnonPeak::start();
    let started = Instant::now();
    let cpu_start = cpu_seconds();
    // Intake decides each claim it accepts (decision 0033): the adjudication run after it finds
    // only what intake left waiting.
    let run = RunOptions {
        today: as_of,
        at: now.timestamp(),
        actor: "adjudication".into(),
        page: 5_000,
    };
    // The first file is checked while the reference data loads (`claims submit` does the same).
    let mut checks = super::claims::ChecksAhead::start(&files);
    let mut reference = IntakeReference::deciding(&store, &plan, run.clone())
        .await
        .map_err(fail)?;
    let mut numbering = Numbering::continuing(&store).await.map_err(fail)?;
    let mut accepted = 0usize;
    for f in &files {
        let name = f.display().to_string();
        let incoming = Incoming {
            open: || std::fs::File::open(f),
            file_name: &name,
            report: checks.next().await.map_err(fail)?,
        };
        let s = submit_checked(
            &store,
            &mut reference,
            incoming,
            &now,
            &mut numbering,
            |c| accord_demo::claims::envelope(&plan.config.payer_id, as_of, 1000 + c),
        )
        .await
        .map_err(fail)?;
        accepted += s.accepted;
    }
    let submitted = started.elapsed();
    let cpu_submitted = cpu_seconds();
    let t = Instant::now();
    let at_intake = reference.tally().cloned().unwrap_or_default();
    drop(reference);
    // `claims submit --adjudicate` then `pay`: the adjudication run is the CLI's next step only
    // when intake left claims waiting (on a fresh database, when it decided fewer than it
    // accepted). Asking the database would cost a scan of every claim (4–5 s at a million).
    let left = if at_intake.claims < accepted as u64 {
        adjudicate_pending(&store, &plan, &run, |_| {})
            .await
            .map_err(fail)?
    } else {
        Default::default()
    };
    let adjudicated = t.elapsed();
    let cpu_adjudicated = cpu_seconds();
    let t = Instant::now();
    let cycle = run_cycle(
        &store,
        &plan,
        &CycleOptions {
            through: as_of,
            pay_date: as_of,
            at: now.timestamp(),
            actor: "payment-cycle".into(),
            out: dir.join("remittance"),
        },
    )
    .await
    .map_err(fail)?;
    let paid = t.elapsed();
    let total = started.elapsed();
    let cpu_paid = cpu_seconds();
    // CPU seconds of the whole process (every thread: the deciding thread and the database's
    // worker) per phase: on a shared machine the wall clock includes time other processes took.
    let cpu = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => format!("  cpu {:>6.1} s", b - a),
        _ => String::new(),
    };
    store.close().await;

    let rate = |n: usize, d: std::time::Duration| n as f64 / d.as_secs_f64().max(1e-9);
    println!(
        "backend: {}",
        accord_store::DatabaseUrl::new(db.as_str())
            .backend()
            .map_or("?", |b| b.as_str())
    );
    println!(
        "submit      {total_claims:>9} claims  {:>7.1} s  {:>9.0} claims/s  ({accepted} accepted, {} decided: {} lines){}",
        submitted.as_secs_f64(),
        rate(total_claims, submitted),
        at_intake.claims,
        at_intake.lines,
        cpu(cpu_start, cpu_submitted)
    );
    println!(
        "adjudicate  {:>9} claims  {:>7.1} s  {:>9.0} claims/s  (left by intake: {} lines){}",
        left.claims,
        adjudicated.as_secs_f64(),
        rate(left.claims as usize, adjudicated),
        left.lines,
        cpu(cpu_submitted, cpu_adjudicated)
    );
    println!(
        "pay         {:>9} claims  {:>7.1} s  {:>9.0} claims/s  ({} remittances){}",
        cycle.cycle.claims,
        paid.as_secs_f64(),
        rate(cycle.cycle.claims as usize, paid),
        cycle.cycle.remittances,
        cpu(cpu_adjudicated, cpu_paid)
    );
    println!(
        "overall     {total_claims:>9} claims  {:>7.1} s  {:>9.0} claims/s{}",
        total.as_secs_f64(),
        rate(total_claims, total),
        cpu(cpu_start, cpu_paid)
    );
    if let (Some(start), Some(peak)) = (rss_at_start, status_kib("VmHWM:")) {
        println!(
            "memory: {:.0} MiB resident after setup, peak {:.0} MiB during the timed phases (+{:.0} MiB)",
            start as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(start) as f64 / 1024.0
        );
    }
    if let Some((start, peak)) = heap.stop() {
        println!(
            "heap (anonymous memory, without the database file's pages): {:.0} MiB after setup, peak {:.0} MiB (+{:.0} MiB)",
            start as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(start) as f64 / 1024.0
        );
    }
    if args.keep {
        let kept = work.keep();
        println!("kept {}", kept.display());
    }
    Ok(())
}

/// CPU seconds this process has used so far, all threads, user and system (Linux: fields 14 and
/// 15 of `/proc/self/stat`, in clock ticks of 1/100 s; `None` elsewhere).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// The peak of the process's anonymous memory (`RssAnon`: its heap and stacks), sampled every
/// 50 ms on a thread of its own. The resident peak (`VmHWM`) also counts the pages of the
/// database file SQLite maps into memory (up to its `mmap_size`), which are the kernel's page
/// cache, not memory the process holds; this figure leaves them out.
struct AnonPeak {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    sampler: std::thread::JoinHandle<Option<(u64, u64)>>,
}

impl AnonPeak {
    fn start() -> Self {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let sampler = std::thread::spawn(move || {
            let start = status_kib("RssAnon:")?;
            let mut peak = start;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(status_kib("RssAnon:").unwrap_or(0));
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Some((start, peak.max(status_kib("RssAnon:").unwrap_or(0))))
        });
        Self { stop, sampler }
    }

    /// Stops sampling: (at start, peak) in KiB, or `None` where `/proc` has no `RssAnon`.
    fn stop(self) -> Option<(u64, u64)> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.sampler.join().ok().flatten()
    }
}

/// A size line of this process's `/proc/self/status` (e.g. `VmHWM:` peak, `VmRSS:` current), in
/// KiB (Linux only; `None` elsewhere).
pub(super) fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}
