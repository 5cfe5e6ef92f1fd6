//! `accord demo`: a fresh demo database in the current directory.
//!
//! Loads the demo plan, generates a deterministic synthetic population and network
//! (`accord-demo`), stores it (one unit of work, then the retroactive terminations as a second, as
//! an enrollment feed would send them), runs a month of claims, a UM day and the day's cases
//! (appeals, complaints, disputes, portal tickets, an audit), and prints what it did. The demo's
//! "today" is fixed (`--as-of`), so the same seed gives the same database on every run and every
//! machine.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use accord_core::provider::ProviderKind;
use accord_demo::{DemoData, DemoOptions};
use accord_plan::Plan;
use accord_store::{DatabaseUrl, Store, UnitOfWork};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::open_store;
use crate::failure::fail;

/// The demo's fixed "today" unless `--as-of` says otherwise: a Monday, so the clocks shown in the
/// demo start on a business day. Fixed so that runs are reproducible.
const DEFAULT_AS_OF: &str = "2026-11-02";

/// Where the demo writes the files it produces (837s, acknowledgments, remittances), beside the
/// database in the current directory.
const DEMO_OUT: &str = "demo-out";

/// Rows per insert call, so the progress bar moves and no statement grows unbounded.
const CHUNK: usize = 5_000;

/// Arguments of `accord demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Number of members to generate.
    #[arg(long, default_value_t = 10_000)]
    scale: u32,
    /// Random seed: the same seed gives the same database.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// The demo's "today" (YYYY-MM-DD).
    #[arg(long, default_value = DEFAULT_AS_OF)]
    as_of: jiff::civil::Date,
    /// Plan directory (defaults to plans/demo-illinois-bh, or the copy built into this binary).
    #[arg(long)]
    plan: Option<PathBuf>,
    /// Only build the database; do not start the server afterwards.
    #[arg(long)]
    no_serve: bool,
    /// Where the server listens afterwards.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
}

/// Every demo case's acknowledgment, and the decision letter of those closed, under
/// `demo-out/cases/letters/`.
fn write_case_letters(
    day: &super::demo_cases::CasesDay,
    plan: &Plan,
    out: &Path,
) -> anyhow::Result<()> {
    use accord_service::letters::{LetterKind, letter};
    let dir = out.join("cases").join("letters");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for v in &day.cases {
        for (kind, name) in [
            (LetterKind::Acknowledgment, "acknowledgment"),
            (LetterKind::Decision, "decision"),
        ] {
            if let Some(html) = letter(v, kind, &plan.config.name, plan.time_zone()) {
                let path = dir.join(format!("{}-{name}.html", v.record.id));
                std::fs::write(&path, html)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// One sign-in per role for the demo; passwords are printed, salts derived from the seed so the
/// database is the same on every run. Demo only: real accounts get random salts (`accord user add`).
async fn demo_accounts(
    store: &accord_store::Store,
    um_day: &super::demo_um::UmDay,
    seed: u64,
    at: jiff::Timestamp,
) -> anyhow::Result<Vec<(String, String, String)>> {
    use sha2::Digest as _;
    let (facility, clinician) = &um_day.providers;
    let people: [(&str, &str, &str, Vec<String>); 10] = [
        (
            "provider1",
            "Demo facility staff",
            "provider",
            vec![facility.clone()],
        ),
        (
            "provider2",
            "Demo clinician",
            "provider",
            vec![clinician.clone()],
        ),
        (
            "ccm1",
            "Maria Alvarez, LCSW",
            "clinical_care_manager",
            vec![],
        ),
        ("md1", "Dr. Samuel Reyes", "psychiatrist", vec![]),
        (
            "psy1",
            "Dr. Hannah Lindqvist",
            "doctoral_psychologist",
            vec![],
        ),
        ("appeals1", "Grace Kim", "appeals_reviewer", vec![]),
        ("examiner", "Claims Examiner", "claims_examiner", vec![]),
        ("admin", "Plan Administrator", "administrator", vec![]),
        ("state1", "State resolution desk", "state_portal", vec![]),
        ("auditor", "Internal Audit", "auditor", vec![]),
    ];
    let accounts: Vec<accord_server::NewAccount> = people
        .iter()
        .map(|(u, name, role, npis)| {
            let salt = sha2::Sha256::digest(format!("{seed}:{u}").as_bytes())[..16].to_vec();
            accord_server::NewAccount {
                user_id: (*u).into(),
                name: (*name).into(),
                role: (*role).into(),
                npis: npis.clone(),
                password: format!("demo-{u}"),
                salt: Some(salt),
            }
        })
        .collect();
    accord_server::save_accounts(store, &accounts, "demo", at)
        .await
        .map_err(fail)?;
    Ok(accounts
        .into_iter()
        .map(|a| (a.user_id, a.role, a.password))
        .collect())
}

/// Builds the demo database.
pub async fn run(db: &str, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let plan_dir = super::demo_plan::locate(args.plan.as_deref())?;
    let plan = Plan::load(&plan_dir).map_err(fail)?;
    println!(
        "Plan: {} ({}), loaded from {}",
        plan.config.name,
        plan.config.plan_code,
        plan_dir.display()
    );

    reset_sqlite(db)?;
    let store = open_store(db).await?;
    println!("Database: {}", DatabaseUrl::new(db));

    let opts = DemoOptions {
        members: args.scale,
        seed: args.seed,
        as_of: args.as_of,
        plan_code: plan.config.plan_code.clone(),
        program: plan.config.program,
    };
    let spinner = spinner("generating the synthetic population");
    let data = accord_demo::generate(&opts);
    spinner.finish_and_clear();
    tracing::info!(
        members = data.population.members.len(),
        spans = data.population.spans.len(),
        providers = data.network.providers.len(),
        "generated demo data"
    );

    // Every event of the load carries the demo's "today", at 9:00 in the plan's time zone.
    let at = args
        .as_of
        .at(9, 0, 0, 0)
        .to_zoned(plan.time_zone().clone())
        .context("demo date in the plan's time zone")?
        .timestamp();
    load(&store, &data, &opts, at).await?;
    let working = self::spinner("a month of claims: submit, adjudicate, pay");
    let out = Path::new(DEMO_OUT);
    let month = super::demo_claims::run(&store, &plan, &data, args.seed, args.as_of, out).await?;
    working.finish_and_clear();
    let um_day = super::demo_um::run(&store, &plan, &data, args.as_of, out).await?;
    let cases_day =
        super::demo_cases::run(&store, &plan, &um_day, args.seed, args.as_of, out).await?;
    write_case_letters(&cases_day, &plan, out)?;
    let network_day = super::demo_network::run(&store, &plan, args.as_of, out).await?;
    let logins = demo_accounts(&store, &um_day, args.seed, at).await?;

    let counts = store.counts().await.map_err(fail)?;
    let digest = store.content_digest().await.map_err(fail)?;
    print_summary(&data, &opts, started.elapsed());
    super::demo_claims::print(&month, out);
    super::demo_um::print(&um_day, out);
    super::demo_cases::print(&cases_day, &plan);
    super::demo_network::print(&network_day);
    println!("\n{counts}");
    println!("content digest: {digest}");
    println!(
        "Next: `accord status`, `accord claims explain TRACKING`, `accord auth queue`, `accord case due`, `accord provider recredential-due --on DATE`, `accord plan check {}`.",
        plan_dir.display()
    );
    if args.no_serve {
        println!("\n--no-serve: batch part only; `accord serve` serves this database later.");
        // Closing the pool lets SQLite checkpoint and remove its -wal/-shm files.
        store.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "\nSign in at http://{}/login as (user / password):",
        args.addr
    );
    for (user, role, password) in &logins {
        println!("  {user:<10} {password:<16} {role}");
    }
    super::serve::serve_store(store, plan, args.addr).await?;
    Ok(ExitCode::SUCCESS)
}

/// The demo always starts from an empty database: for a SQLite file, remove it (and its WAL
/// files). Other databases are left alone; the load then fails on existing keys rather than mix
/// demo data into real data.
fn reset_sqlite(db: &str) -> anyhow::Result<()> {
    let Some(path) = db
        .strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
    else {
        return Ok(());
    };
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{path}{suffix}");
        if Path::new(&p).exists() {
            std::fs::remove_file(&p)
                .with_context(|| format!("cannot remove old demo database {p}"))?;
        }
    }
    Ok(())
}

fn spinner(msg: &str) -> ProgressBar {
    let pb = ProgressBar::new_spinner();
    pb.set_message(msg.to_owned());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

fn bar(total: usize) -> ProgressBar {
    let pb = ProgressBar::new(total as u64);
    pb.set_style(
        ProgressStyle::with_template("{msg:<28} [{bar:40}] {pos}/{len} ({per_sec})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb
}

pub(crate) async fn load(
    store: &Store,
    data: &DemoData,
    opts: &DemoOptions,
    at: jiff::Timestamp,
) -> anyhow::Result<()> {
    let reason = format!("demo load (seed {}, {} members)", opts.seed, opts.members);
    let mut uow = store
        .begin("accord-demo", &reason, at)
        .await
        .map_err(fail)?;
    let pop = &data.population;
    let net = &data.network;
    let total = pop.members.len()
        + pop.spans.len()
        + pop.other_coverage.len()
        + net.providers.len()
        + net.locations.len()
        + net.pay_to.len()
        + net.statuses.len()
        + net.sanctions.len();
    let pb = bar(total);
    pb.set_message("providers");
    uow.insert_providers(&net.providers).await.map_err(fail)?;
    uow.insert_locations(&net.locations).await.map_err(fail)?;
    uow.insert_pay_to(&net.pay_to).await.map_err(fail)?;
    uow.insert_status_spans(&net.statuses).await.map_err(fail)?;
    uow.insert_sanctions(&net.sanctions).await.map_err(fail)?;
    pb.inc(
        (net.providers.len()
            + net.locations.len()
            + net.pay_to.len()
            + net.statuses.len()
            + net.sanctions.len()) as u64,
    );
    pb.set_message("members");
    for chunk in pop.members.chunks(CHUNK) {
        uow.insert_members(chunk).await.map_err(fail)?;
        pb.inc(chunk.len() as u64);
    }
    pb.set_message("eligibility spans");
    for chunk in pop.spans.chunks(CHUNK) {
        uow.insert_eligibility(chunk).await.map_err(fail)?;
        pb.inc(chunk.len() as u64);
    }
    pb.set_message("other coverage");
    for chunk in pop.other_coverage.chunks(CHUNK) {
        uow.insert_other_coverage(chunk).await.map_err(fail)?;
        pb.inc(chunk.len() as u64);
    }
    pb.set_message("committing");
    uow.commit().await.map_err(fail)?;
    pb.finish_and_clear();
    tracing::info!(records = total, "demo load committed");

    // ELIG-01: the enrollment feed ends some open spans retroactively, a separate change with its
    // own events.
    let mut uow: UnitOfWork = store
        .begin(
            "enrollment-feed",
            "retroactive termination from the state enrollment file (ELIG-01)",
            at,
        )
        .await
        .map_err(fail)?;
    for t in &pop.retro_terminations {
        uow.end_eligibility(&t.member_id, &t.plan_code, t.start, Some(t.new_end))
            .await
            .map_err(fail)?;
    }
    uow.commit().await.map_err(fail)?;
    tracing::info!(
        terminations = pop.retro_terminations.len(),
        "retroactive terminations applied"
    );
    Ok(())
}

fn print_summary(data: &DemoData, opts: &DemoOptions, elapsed: Duration) {
    let pop = &data.population;
    let net = &data.network;
    let kinds = |k: ProviderKind| net.providers.iter().filter(|p| p.kind == k).count();
    let staff = net
        .providers
        .iter()
        .filter(|p| p.facility_npi.is_some())
        .count();
    println!("\nDemo as of {} (seed {}):", opts.as_of, opts.seed);
    println!(
        "  members               {:>8}  ({} eligibility spans)",
        pop.members.len(),
        pop.spans.len()
    );
    println!(
        "  plan switches         {:>8}  members who moved between plans (ELIG-02)",
        pop.members_with_plan_switch()
    );
    println!(
        "  retro terminations    {:>8}  spans ended after the fact (ELIG-01)",
        pop.retro_terminations.len()
    );
    println!(
        "  other coverage        {:>8}  members with a primary payer (ELIG-04)",
        pop.other_coverage.len()
    );
    println!(
        "  providers             {:>8}  ({} facilities, {} groups, {} individuals; {} covered by their facility, NET-09)",
        net.providers.len(),
        kinds(ProviderKind::Facility),
        kinds(ProviderKind::Group),
        kinds(ProviderKind::Individual),
        staff
    );
    println!(
        "  locations / pay-to    {:>8}  / {}",
        net.locations.len(),
        net.pay_to.len()
    );
    let name = |npi: &accord_core::Npi| {
        net.providers
            .iter()
            .find(|p| &p.npi == npi)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    for npi in net.suspended_on(opts.as_of) {
        println!("  suspended (NET-05)              {npi} {}", name(npi));
    }
    for npi in net.on_leave_on(opts.as_of) {
        println!("  on leave of absence (NET-08)    {npi} {}", name(npi));
    }
    println!("  built in {:.1} s", elapsed.as_secs_f64());
}
