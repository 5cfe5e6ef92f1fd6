//! `accord claims …`: receive 837 files (CLM-01), adjudicate what was received, explain a
//! decision, list the pend queue, and act on a pended claim. Thin: the work is in
//! `accord_service`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord_core::{Date, ErrorCode};
use accord_plan::Plan;
use accord_service::ServiceError;
use accord_service::adjudication::{RunOptions, adjudicate_pending, stored_decision};
use accord_service::decide::Tally;
use accord_service::intake::{Incoming, IntakeReference, Numbering, Submission, submit_checked};
use accord_service::retro_run::RedecidedFor;
use accord_x12::check::CheckReport;
use anyhow::Context;

use super::open_store;
use crate::failure::{Failure, fail};

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
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
        /// Also decide each claim accepted, in the unit of work that stores it (as `claims
        /// adjudicate` would decide it next); the decisions are dated today.
        #[arg(long)]
        adjudicate: bool,
    },
    /// Adjudicate every received claim that has no decision yet, in the order received.
    Adjudicate {
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
        /// The decision date (default: today in the plan's time zone).
        #[arg(long)]
        as_of: Option<Date>,
    },
    /// Explain a claim's decision: every rule applied, in order, with the facts used.
    Explain {
        /// Tracking number (from the 277CA or `claims submit`).
        tracking: String,
        /// Print the decision as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List pended claims with their queue and reason.
    Pended,
    /// Decide claims again after a retroactive change (REC-01): paid claims that should not have
    /// been become overpayments, recovered from later payments.
    Readjudicate {
        /// Tracking numbers.
        tracking: Vec<String>,
        /// Every decided claim of this member (e.g. after a retroactive termination).
        #[arg(long)]
        member: Option<String>,
        /// The decided claims whose facts changed on or after this date (plan time zone):
        /// eligibility spans added or ended and authorizations added or changed, as the event log
        /// recorded them; each claim is printed with the change.
        #[arg(long, value_name = "DATE")]
        affected_since: Option<Date>,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
        /// The decision date (default: today in the plan's time zone).
        #[arg(long)]
        as_of: Option<Date>,
    },
    /// Act on a pended claim as a claims examiner: approve, deny or ask for records.
    Examine(ExamineArgs),
}

/// Arguments of `accord claims examine`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("action").required(true).args(["approve", "deny", "request_records"])))]
pub struct ExamineArgs {
    /// Tracking number of the pended claim.
    tracking: String,
    /// Release the held lines and decide the claim again.
    #[arg(long)]
    approve: bool,
    /// Deny the held lines with this CARC (group CO), e.g. 16 or 50; the remark code the plan's
    /// remark_codes.csv maps for it goes on the 835 and voucher (PAY-06).
    #[arg(long, value_name = "CARC")]
    deny: Option<String>,
    /// With --deny: the remark code (RARC) to send instead of the plan's mapping; it must be one
    /// of the plan's remark codes.
    #[arg(long, value_name = "RARC")]
    rarc: Option<String>,
    /// Ask the provider for records; the claim stays pended.
    #[arg(long)]
    request_records: bool,
    /// With --approve: the rate per unit for a line the fee schedule has none for (LINE=RATE).
    #[arg(long, value_name = "LINE=RATE")]
    rate: Vec<String>,
    /// Why (required; shown to the provider and written to the event log).
    #[arg(long)]
    reason: String,
    /// Who is acting.
    #[arg(long, default_value = "examiner")]
    actor: String,
    /// Plan directory (defaults to the demo plan).
    #[arg(long)]
    plan: Option<PathBuf>,
}

/// Runs a claims command.
pub async fn run(db: &str, cmd: ClaimsCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ClaimsCommand::Submit {
            files,
            out,
            plan,
            adjudicate,
        } => submit_files(db, &files, &out, plan.as_deref(), adjudicate).await,
        ClaimsCommand::Adjudicate { plan, as_of } => adjudicate(db, plan.as_deref(), as_of).await,
        ClaimsCommand::Explain { tracking, json } => explain(db, &tracking, json).await,
        ClaimsCommand::Pended => pended(db).await,
        ClaimsCommand::Examine(args) => examine(db, args).await,
        ClaimsCommand::Readjudicate {
            tracking,
            member,
            affected_since,
            plan,
            as_of,
        } => readjudicate(db, tracking, member, affected_since, plan.as_deref(), as_of).await,
    }
}

async fn examine(db: &str, args: ExamineArgs) -> anyhow::Result<ExitCode> {
    use accord_service::examine::{Examiner, ExaminerAction, examine};
    if args.rarc.is_some() && args.deny.is_none() {
        return Err(anyhow::Error::new(Failure {
            code: ErrorCode::InvalidInput,
            message: "--rarc: a remark code goes with --deny CARC only".into(),
        }));
    }
    let action = if args.approve {
        let mut rates = Vec::new();
        for r in &args.rate {
            let parsed = r.split_once('=').and_then(|(l, m)| {
                Some((
                    l.trim().parse::<u32>().ok()?,
                    accord_core::Money::parse(m.trim()).ok()?,
                ))
            });
            match parsed {
                Some(p) => rates.push(p),
                None => {
                    return Err(anyhow::Error::new(Failure {
                        code: ErrorCode::InvalidInput,
                        message: format!("--rate {r:?}: expected LINE=RATE, e.g. 2=23.10"),
                    }));
                }
            }
        }
        ExaminerAction::Approve { rates }
    } else if let Some(carc) = args.deny {
        ExaminerAction::Deny {
            carc,
            rarc: args.rarc,
        }
    } else {
        ExaminerAction::RequestRecords
    };
    let (plan, now, today) = plan_and_clock(args.plan.as_deref(), None)?;
    let store = open_store(db).await?;
    let who = Examiner {
        actor: args.actor,
        reason: args.reason,
        today,
        at: now,
    };
    let d = examine(&store, &plan, &args.tracking, &action, &who)
        .await
        .map_err(fail)?;
    store.close().await;
    print!("{}", d.explain());
    Ok(ExitCode::SUCCESS)
}

async fn submit_files(
    db: &str,
    files: &[PathBuf],
    out: &Path,
    plan_dir: Option<&Path>,
    adjudicate: bool,
) -> anyhow::Result<ExitCode> {
    let (plan, at, today) = plan_and_clock(plan_dir, None)?;
    let store = open_store(db).await?;
    for file in files {
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    }
    // The first file is checked while the reference data loads.
    let mut checks = ChecksAhead::start(files);
    let mut reference = if adjudicate {
        let opts = RunOptions {
            today,
            at,
            actor: "intake".into(),
            page: 5_000,
        };
        IntakeReference::deciding(&store, &plan, opts).await
    } else {
        IntakeReference::load(&store, &plan).await
    }
    .map_err(fail)?;
    let now = jiff::Zoned::now();
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut numbering = Numbering::continuing(&store).await.map_err(fail)?;
    for file in files {
        // Opened twice by intake (check, then read): the file is streamed, never held whole.
        let name = file.display().to_string();
        let incoming = Incoming {
            open: || std::fs::File::open(file),
            file_name: &name,
            report: checks.next().await.map_err(fail)?,
        };
        let s = submit_checked(
            &store,
            &mut reference,
            incoming,
            &now,
            &mut numbering,
            super::x12::envelope_now,
        )
        .await
        .map_err(fail)?;
        report_submission(file, out, &s)?;
    }
    store.close().await;
    if let Some(tally) = reference.tally() {
        print_tally(tally);
    }
    Ok(ExitCode::SUCCESS)
}

/// The 999's check of each file, made on a thread of its own one file ahead of intake: the check
/// of the next file runs while this one is read and decided, and the first one's while the
/// reference data loads.
pub(crate) struct ChecksAhead<'a> {
    files: &'a [PathBuf],
    checked: usize,
    ahead: Option<tokio::task::JoinHandle<Result<CheckReport, ServiceError>>>,
}

impl<'a> ChecksAhead<'a> {
    /// Starts checking the first of `files`.
    pub(crate) fn start(files: &'a [PathBuf]) -> Self {
        Self {
            files,
            checked: 0,
            ahead: files.first().map(|f| check_on_a_thread(f)),
        }
    }

    /// The next file's report, in order; the check of the one after it starts.
    pub(crate) async fn next(&mut self) -> Result<CheckReport, ServiceError> {
        let failed = |message: String| ServiceError::Invalid {
            record: "intake".into(),
            field: "check",
            message,
        };
        let task = self
            .ahead
            .take()
            .ok_or_else(|| failed("no file left to check".into()))?;
        let report = task.await.map_err(|e| failed(e.to_string()))??;
        self.checked += 1;
        self.ahead = self.files.get(self.checked).map(|f| check_on_a_thread(f));
        Ok(report)
    }
}

fn check_on_a_thread(file: &Path) -> tokio::task::JoinHandle<Result<CheckReport, ServiceError>> {
    let file = file.to_path_buf();
    tokio::task::spawn_blocking(move || {
        accord_service::intake::check(|| std::fs::File::open(&file), &file.display().to_string())
    })
}

/// Writes a submission's acknowledgments beside `out` and prints what happened.
pub(crate) fn report_submission(file: &Path, out: &Path, s: &Submission) -> anyhow::Result<()> {
    for (sender, icn, at, name) in &s.repeats {
        println!(
            "{}: interchange {icn} from {sender} was already received on {at} ({name}): no claims created",
            file.display()
        );
    }
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "claims".into());
    for (name, body) in &s.acknowledgments {
        let path = out.join(format!("{stem}.{name}"));
        std::fs::write(&path, body).with_context(|| format!("cannot write {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    println!(
        "{}: {} claims read: {} accepted into adjudication, {} rejected (on record with reasons), {} already received",
        file.display(),
        s.claims_read,
        s.accepted,
        s.rejected,
        s.already_received
    );
    if let (Some(first), Some(last)) = (s.tracking.first(), s.tracking.last()) {
        println!("  tracking numbers {first} to {last} (`accord claims explain TRACKING`)");
    }
    Ok(())
}

async fn adjudicate(
    db: &str,
    plan_dir: Option<&Path>,
    as_of: Option<Date>,
) -> anyhow::Result<ExitCode> {
    let (plan, now, today) = plan_and_clock(plan_dir, as_of)?;
    let store = open_store(db).await?;
    let opts = RunOptions {
        today,
        at: now,
        actor: "adjudication".into(),
        page: 5_000,
    };
    let tally = adjudicate_pending(&store, &plan, &opts, |_| {})
        .await
        .map_err(fail)?;
    store.close().await;
    print_tally(&tally);
    Ok(ExitCode::SUCCESS)
}

/// Prints a run's totals.
pub(crate) fn print_tally(t: &Tally) {
    println!("adjudicated {} claims ({} lines)", t.claims, t.lines);
    for (status, n) in &t.by_status {
        println!("  {status:<22} {n:>8}");
    }
    if t.claims > 0 {
        println!(
            "  auto-adjudicated       {:>7.1}%",
            t.auto_adjudicated as f64 * 100.0 / t.claims as f64
        );
    }
    println!("  net paid               {:>12}", t.paid);
    let top = t.top_denials(5);
    if !top.is_empty() {
        println!("  top denial reasons:");
        for (code, n) in top {
            let carc = code.split('-').nth(1).unwrap_or("");
            println!(
                "    {code:<8} {n:>6}  {}",
                accord_service::voucher::carc_text(carc)
            );
        }
    }
}

async fn readjudicate(
    db: &str,
    mut tracking: Vec<String>,
    member: Option<String>,
    affected_since: Option<Date>,
    plan_dir: Option<&Path>,
    as_of: Option<Date>,
) -> anyhow::Result<ExitCode> {
    let (plan, now, today) = plan_and_clock(plan_dir, as_of)?;
    let store = open_store(db).await?;
    let opts = RunOptions {
        today,
        at: now,
        actor: "adjudication".into(),
        page: 5_000,
    };
    let mut why: std::collections::HashMap<String, String> = Default::default();
    if let Some(since) = affected_since {
        // Changes recorded on or after the start of that day in the plan's time zone.
        let from = since
            .to_zoned(plan.time_zone().clone())
            .map_err(|e| {
                anyhow::Error::new(Failure {
                    code: ErrorCode::InvalidInput,
                    message: format!("--affected-since {since}: {e}"),
                })
            })?
            .timestamp();
        let found = accord_service::retro_run::affected_since(&store, &plan, from, None)
            .await
            .map_err(fail)?;
        if found.affected.is_empty() && tracking.is_empty() && member.is_none() {
            store.close().await;
            println!("no decided claims are affected by changes recorded since {since} (REC-01)");
            return Ok(ExitCode::SUCCESS);
        }
        for a in found.affected {
            tracking.push(a.tracking.clone());
            why.insert(a.tracking, a.reason);
        }
    }
    if let Some(m) = &member {
        tracking.extend(store.decided_claims_of_member(m).await.map_err(fail)?);
    }
    if tracking.is_empty() {
        store.close().await;
        return Err(anyhow::Error::new(Failure {
            code: ErrorCode::InvalidInput,
            message:
                "name tracking numbers, --member (a member with decided claims) or --affected-since DATE"
                    .into(),
        }));
    }
    let done = accord_service::adjudication::readjudicate(&store, &plan, &tracking, &opts)
        .await
        .map_err(fail)?;
    store.close().await;
    let done: Vec<RedecidedFor> = done
        .into_iter()
        .map(|r| RedecidedFor {
            reason: why.get(&r.tracking).cloned().unwrap_or_default(),
            redecided: r,
        })
        .collect();
    print_redecided(&done);
    Ok(ExitCode::SUCCESS)
}

/// Prints each claim decided again: old and new outcome, the money, and the change that made it.
pub(crate) fn print_redecided(done: &[RedecidedFor]) {
    for d in done {
        let r = &d.redecided;
        println!(
            "  {}: {} -> {}; paid before {}, change {}{}",
            r.tracking,
            r.before,
            r.after,
            r.paid_before,
            r.net_change,
            if r.net_change.is_negative() {
                " (overpayment: recovered from later payments, REC-01)"
            } else {
                ""
            }
        );
        if !d.reason.is_empty() {
            println!("      because {}", d.reason);
        }
    }
}

/// The plan (`--plan`, else the demo plan), the clock, and the decision date: `--as-of`, else today
/// in the plan's time zone.
fn plan_and_clock(
    plan_dir: Option<&Path>,
    as_of: Option<Date>,
) -> anyhow::Result<(Plan, jiff::Timestamp, Date)> {
    let plan_dir = super::demo_plan::locate(plan_dir)?;
    let plan = Plan::load(&plan_dir).map_err(fail)?;
    let now = jiff::Timestamp::now();
    let today = as_of.unwrap_or_else(|| now.to_zoned(plan.time_zone().clone()).date());
    Ok((plan, now, today))
}

async fn explain(db: &str, tracking: &str, json: bool) -> anyhow::Result<ExitCode> {
    let store = open_store(db).await?;
    let claim = store.claim(tracking).await.map_err(fail)?;
    let decision = stored_decision(&store, tracking).await.map_err(fail)?;
    // DSP-01, REC-03, APL-04: the cases about the claim and their outcomes.
    let cases = accord_service::recovery::claim_cases(&store, tracking)
        .await
        .map_err(fail)?;
    store.close().await;
    let Some(claim) = claim else {
        return Err(anyhow::Error::new(Failure {
            code: ErrorCode::NotFound,
            message: format!("no claim with tracking number {tracking}"),
        }));
    };
    match (decision, json) {
        (Some(d), true) => println!("{}", serde_json::to_string_pretty(&d)?),
        (Some(d), false) => {
            print!("{}", d.explain());
            for c in &cases {
                println!("Case {}", c.line());
            }
        }
        (None, _) if claim.status == "rejected" => {
            println!(
                "Claim {tracking}: rejected at intake on {} (CLM-01, CLM-04); it is on record with its reasons:",
                claim.received_at
            );
            for r in claim.reasons.as_array().into_iter().flatten() {
                println!(
                    "  - {}: {} (277CA {})",
                    r["element"].as_str().unwrap_or(""),
                    r["message"].as_str().unwrap_or(""),
                    r["category"].as_str().unwrap_or("")
                );
            }
        }
        (None, _) => println!(
            "Claim {tracking}: received {} and accepted into adjudication; not adjudicated yet (run `accord claims adjudicate`).",
            claim.received_at
        ),
    }
    Ok(ExitCode::SUCCESS)
}

async fn pended(db: &str) -> anyhow::Result<ExitCode> {
    let store = open_store(db).await?;
    let rows = store.decisions_with_status("pended").await.map_err(fail)?;
    store.close().await;
    if rows.is_empty() {
        println!("no pended claims");
    }
    for r in rows {
        let d: accord_claims::Decision =
            serde_json::from_str(&r.decision).unwrap_or_else(|_| accord_claims::Decision {
                tracking: r.tracking.clone(),
                status: accord_claims::ClaimStatus::Pended,
                rejections: vec![],
                lines: vec![],
                billed: r.billed,
                allowed: r.allowed,
                paid: r.paid,
                patient_responsibility: r.patient_responsibility,
                reversal: None,
                trace: vec![],
            });
        for l in d
            .lines
            .iter()
            .filter_map(|l| l.pend.as_ref().map(|p| (l, p)))
        {
            println!(
                "{}  line {}  {}  queue {:<14} received {}  {}",
                r.tracking, l.0.number, l.0.procedure, l.1.queue, r.received_on, l.1.reason
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
