//! # accord (the command)
//!
//! A thin shell over Accord's libraries: it parses arguments, reads files, opens the database,
//! reads the clock, calls the pure rules and the store, and prints. No rule lives here.
//!
//! Exit codes come from the one error table (`accord_core::ErrorCode`, `docs/errors.md`); usage
//! errors exit with 2.

mod commands;
mod failure;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::failure::Failure;

/// mimalloc instead of the system allocator: intake, adjudication and payment allocate many small
/// values on one thread and free them on another (the database worker), where glibc's allocator
/// spent a quarter of a pipeline run (decision 0025, `docs/performance.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A report piped into `head` or `less` that is closed early ends the command quietly, as for any
/// Unix tool, instead of a panic ("failed printing to stdout: Broken pipe"): the default action of
/// SIGPIPE is restored. Not for the commands that serve HTTP (`serve`, `demo`), where a client
/// hanging up must be an error on that one connection, never the end of the process.
#[cfg(unix)]
fn quiet_on_closed_pipe() {
    // SAFETY: called once at start, before any other thread exists; SIG_DFL is a valid handler.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn quiet_on_closed_pipe() {}

/// Accord: managed behavioral-health care — eligibility, authorizations, claims, remittance,
/// appeals and the provider network, with every rule explained.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// Database URL: sqlite://FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "ACCORD_DATABASE_URL",
        default_value = "sqlite://accord.db"
    )]
    db: String,

    /// More log output (-v info, -vv debug). Logs go to stderr; RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a demo database in the current directory: the demo plan and a synthetic population.
    Demo(commands::demo::DemoArgs),
    /// Check a plan configuration directory.
    #[command(subcommand)]
    Plan(commands::plan::PlanCommand),
    /// Import members, providers or authorizations from a CSV or JSON file (all rows or none).
    Import(commands::import::ImportArgs),
    /// Claims: receive 837s, adjudicate, explain a decision, list the pend queue.
    #[command(subcommand)]
    Claims(commands::claims::ClaimsCommand),
    /// Authorization requests: receive, decide, show, queue, notices (UM-01…UM-12).
    #[command(subcommand)]
    Auth(commands::auth::AuthCommand),
    /// Plan staff and their roles.
    #[command(subcommand)]
    Staff(commands::auth::StaffCommand),
    /// Reports: UM timeliness and outcomes, claims, quality measures, access to care.
    #[command(subcommand)]
    Report(commands::auth::ReportCommand),
    /// Cases with deadlines: appeals, complaints, claim disputes, the state portal, audits
    /// (APL, CMP, DSP, REC, NET-06): file, act, show, and what is due per team.
    Case(commands::case::CaseArgs),
    /// The provider network: status, credentialing, sanctions, leave, the re-credentialing daily
    /// job and exclusion screening (NET-02…NET-09).
    Provider(commands::provider::ProviderArgs),
    /// State-funded services (PAY-05): sliding fee tier, amount billable to the state, the
    /// fiscal-policy self-assessment.
    #[command(subcommand)]
    Cob(commands::quality::CobCommand),
    /// Run a payment cycle: an 835 and a voucher per pay-to provider.
    Pay(commands::pay::PayArgs),
    /// Service plans (plans of care): plan years, planned services, addenda, review, reassessment.
    PlanOfCare(commands::plan_of_care::PlanOfCareArgs),
    /// Serve the API, the provider portal and the staff console on an existing database.
    Serve(commands::serve::ServeArgs),
    /// Sign-in accounts and API tokens.
    #[command(subcommand)]
    User(commands::serve::UserCommand),
    /// Show what the database holds.
    Status,
    /// Read, check and generate X12 5010 files.
    #[command(subcommand)]
    X12(commands::x12::X12Command),
    /// Run a benchmark and print its figures.
    #[command(subcommand)]
    Bench(commands::bench::BenchCommand),
}

fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve(_) | Command::Demo(_)) {
        quiet_on_closed_pipe();
    }
    init_tracing(cli.verbose);
    let result = match cli.command {
        Command::Demo(args) => commands::block_on(commands::demo::run(&cli.db, args)),
        Command::Plan(cmd) => commands::plan::run(cmd),
        Command::Import(args) => commands::block_on(commands::import::run(&cli.db, args)),
        Command::Claims(cmd) => commands::block_on(commands::claims::run(&cli.db, cmd)),
        Command::Auth(cmd) => commands::block_on(commands::auth::run(&cli.db, cmd)),
        Command::Staff(cmd) => commands::block_on(commands::auth::run_staff(&cli.db, cmd)),
        Command::Report(cmd) => commands::block_on(commands::auth::run_report(&cli.db, cmd)),
        Command::Case(args) => commands::block_on(commands::case::run(&cli.db, args)),
        Command::Provider(args) => commands::block_on(commands::provider::run(&cli.db, args)),
        Command::Cob(cmd) => commands::quality::run_cob(cmd),
        Command::Pay(args) => commands::block_on(commands::pay::run(&cli.db, args)),
        Command::PlanOfCare(args) => commands::block_on(commands::plan_of_care::run(&cli.db, args)),
        Command::Serve(args) => commands::block_on(commands::serve::run(&cli.db, args)),
        Command::User(cmd) => commands::block_on(commands::serve::run_user(&cli.db, cmd)),
        Command::Status => commands::block_on(commands::status::run(&cli.db)),
        Command::X12(cmd) => commands::x12::run(cmd),
        Command::Bench(cmd) => commands::bench::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if let Some(f) = err.downcast_ref::<Failure>() {
                eprintln!("error: {}", f.message);
                ExitCode::from(f.code.info().exit_code)
            } else {
                eprintln!("error: {err:#}");
                ExitCode::from(accord_core::ErrorCode::Internal.info().exit_code)
            }
        }
    }
}
