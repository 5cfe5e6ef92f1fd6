//! `accord auth …` (authorization requests), `accord staff …` and `accord report um`. Thin: the
//! work is in `accord_service::um` and the rules in `accord-um`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord_core::{Date, ErrorCode, MemberId, Npi};
use accord_plan::Plan;
use accord_service::um;
use accord_um::case::{PeerToPeer, ReviewerDecision, UmCase};
use accord_um::queue::human;
use accord_um::request::RequestForm;
use accord_um::{Role, StaffUser};
use anyhow::Context;
use jiff::Timestamp;

use super::open_store;
use crate::failure::{Failure, fail};

/// Authorization-request commands.
#[derive(Debug, clap::Subcommand)]
pub enum AuthCommand {
    /// Receive an authorization request (JSON, docs/utilization-management.md): its clock starts,
    /// the checks run, and it is approved at once when the plan's criteria are met.
    Request {
        /// The request file.
        file: PathBuf,
        /// Who submits it (provider user or staff).
        #[arg(long = "as", default_value = "provider")]
        actor: String,
        /// Print the case as JSON.
        #[arg(long)]
        json: bool,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// Decide a request in review: approve (in full or in part) or deny. Only a psychiatrist (or a
    /// doctoral psychologist for the levels the plan names) may deny or reduce (UM-05).
    Decide(DecideArgs),
    /// Show a request: status, clock, every check, the decision and its history.
    Show {
        /// Request number.
        id: String,
        /// Print the case as JSON.
        #[arg(long)]
        json: bool,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// The clinical work queue, by due instant, with the time left and what is overdue.
    Queue {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the adverse-determination notice (UM-06) of a request: printable HTML, or JSON.
    Notice {
        /// Request number.
        id: String,
        /// Write the letter here (default: print the notice as JSON).
        #[arg(long)]
        html: Option<PathBuf>,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// The provider asks for reconsideration of a denial issued without a peer-to-peer (UM-06).
    Reconsider {
        /// Request number.
        id: String,
        /// Who asks.
        #[arg(long = "as", default_value = "provider")]
        actor: String,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// Record a peer-to-peer conversation offered or held (UM-05).
    PeerToPeer {
        /// Request number.
        id: String,
        /// The peer reviewer.
        #[arg(long = "as")]
        reviewer: String,
        /// It took place (otherwise: offered).
        #[arg(long)]
        held: bool,
        /// What came of it.
        #[arg(long, default_value = "")]
        outcome: String,
    },
    /// Screen a request again (e.g. pending eligibility after an enrollment feed).
    Rescreen {
        /// Request number.
        id: String,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// Record a notification of an emergency or urgent admission (UM-07).
    Notify {
        /// Member ID.
        #[arg(long)]
        member: String,
        /// Admitting provider NPI.
        #[arg(long)]
        npi: String,
        /// Level of care.
        #[arg(long, default_value = "residential")]
        level: String,
        /// Admission instant (RFC 3339, e.g. 2026-11-27T22:00:00-06:00).
        #[arg(long)]
        admitted: Timestamp,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
}

/// Arguments of `accord auth decide`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("verdict").required(true).args(["approve", "deny"])))]
pub struct DecideArgs {
    /// Request number.
    id: String,
    /// Approve (in full unless --units or --through reduce it).
    #[arg(long)]
    approve: bool,
    /// Deny everything under review.
    #[arg(long)]
    deny: bool,
    /// Units approved per service under review, in order (e.g. --units 14 or --units 14,8).
    #[arg(long, value_delimiter = ',')]
    units: Vec<u32>,
    /// Last date approved (default: the request's end date).
    #[arg(long)]
    through: Option<Date>,
    /// A specific reason (repeat for several; required for a denial or reduction, UM-06).
    #[arg(long)]
    reason: Vec<String>,
    /// The reviewer (a staff user ID).
    #[arg(long = "as")]
    user: String,
    /// Plan directory (defaults to the demo plan).
    #[arg(long)]
    plan: Option<PathBuf>,
}

/// Staff commands.
#[derive(Debug, clap::Subcommand)]
pub enum StaffCommand {
    /// Add (or replace) a staff user with a role.
    Add {
        /// Sign-in name.
        user_id: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Role: clinical_care_manager, psychiatrist, doctoral_psychologist, appeals_reviewer,
        /// claims_examiner, network_staff, administrator or auditor.
        #[arg(long)]
        role: String,
        /// The user this one reports to.
        #[arg(long)]
        reports_to: Option<String>,
    },
    /// List staff users.
    List,
}

/// Report commands.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Quality measures over paid claims (QM-01): FUH, FUM, FUA, IET, PCR, with the member list
    /// behind each rate (`--format json`).
    Quality {
        /// First day of the measurement period.
        #[arg(long)]
        from: Date,
        /// Last day.
        #[arg(long)]
        to: Date,
        /// table, csv or json; with --provider also html (one printable page).
        #[arg(long, default_value = "table")]
        format: String,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
        /// One provider's rates beside the plan's (events on the provider's claims).
        #[arg(long)]
        provider: Option<String>,
        /// Write the report to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Access to care (QM-02): per urgency class the requests offered an appointment within the
    /// plan's standard; aftercare recorded at discharge (QM-03).
    Access {
        /// First request (and discharge) date.
        #[arg(long)]
        from: Date,
        /// Last date.
        #[arg(long)]
        to: Date,
        /// table, csv or json (json adds the member-level lists).
        #[arg(long, default_value = "table")]
        format: String,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// State-funded services (PAY-05): the rate, collections deducted and state payments for
    /// services to state-funded members decided in the period.
    Cob {
        /// First decision date.
        #[arg(long)]
        from: Date,
        /// Last decision date.
        #[arg(long)]
        to: Date,
        /// table or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Claims: outcomes, auto-adjudication and clean-claim rates, denial reasons ranked, days to
    /// pay, clean claims paid within the plan's days (PAY-07), dollars by service.
    Claims {
        /// First decision date.
        #[arg(long)]
        from: Date,
        /// Last decision date.
        #[arg(long)]
        to: Date,
        /// table or json.
        #[arg(long, default_value = "table")]
        format: String,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// UM timeliness and outcomes (QM-04, the CMS-0057-F public metrics).
    Um {
        /// First decision date.
        #[arg(long)]
        from: Date,
        /// Last decision date.
        #[arg(long)]
        to: Date,
        /// table, csv or json.
        #[arg(long, default_value = "table")]
        format: String,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
}

fn load_plan(dir: Option<&Path>) -> anyhow::Result<Plan> {
    let dir = super::demo_plan::locate(dir)?;
    Plan::load(&dir).map_err(fail)
}

/// The case as people read it.
pub fn describe(c: &UmCase, plan: &Plan) -> String {
    let tz = plan.time_zone().clone();
    let local = |t: Timestamp| t.to_zoned(tz.clone()).strftime("%F %H:%M %Z").to_string();
    let r = &c.request;
    let mut s = format!(
        "Request {}  {}\n  member {}  servicing {}  {}  {} {}\n  services: {}\n  dates {} to {}\n  received {}  due {}  ({})\n",
        r.id,
        c.status.as_str().replace('_', " ").to_uppercase(),
        r.member_id,
        r.servicing_npi,
        r.level_of_care,
        r.review_type.as_str(),
        r.urgency.as_str().replace('_', "-"),
        r.services
            .iter()
            .map(|s| format!(
                "{}{} x{}",
                s.code,
                s.modifiers
                    .iter()
                    .map(|m| format!("-{m}"))
                    .collect::<String>(),
                s.units
            ))
            .collect::<Vec<_>>()
            .join(", "),
        r.start,
        r.end,
        local(r.received_at),
        local(c.clock.due),
        c.clock.explanation
    );
    if c.late_concurrent {
        s.push_str("  LATE concurrent review (UM-08)\n");
    }
    s.push_str("Checks:\n");
    for n in &c.screening.trace {
        s.push_str(&format!("  [{}] {}: {}\n", n.rule, n.check, n.text));
    }
    if let Some(d) = &c.decision {
        s.push_str(&format!(
            "Decision: {} by {} at {}{}\n",
            d.status.as_str().replace('_', " "),
            d.by.name,
            local(d.at),
            if d.within_clock {
                ""
            } else {
                "  (AFTER the clock)"
            }
        ));
        for a in &d.approved {
            s.push_str(&format!(
                "  approved {}{} {} units, {} to {}\n",
                a.code,
                a.modifiers
                    .iter()
                    .map(|m| format!("-{m}"))
                    .collect::<String>(),
                a.units,
                d.from.map(|x| x.to_string()).unwrap_or_default(),
                d.to.map(|x| x.to_string()).unwrap_or_default()
            ));
        }
        for why in &d.reasons {
            s.push_str(&format!("  - {why}\n"));
        }
        if let Some(cs) = &d.criteria_set {
            s.push_str(&format!("  criteria: {cs}\n"));
        }
    }
    s.push_str("History:\n");
    for h in &c.history {
        s.push_str(&format!("  {}  {}  {}\n", local(h.at), h.by, h.what));
    }
    s
}

/// Runs an `auth` command.
pub async fn run(db: &str, cmd: AuthCommand) -> anyhow::Result<ExitCode> {
    let now = Timestamp::now();
    let store = open_store(db).await?;
    match cmd {
        AuthCommand::Request {
            file,
            actor,
            json,
            plan,
        } => {
            let plan = load_plan(plan.as_deref())?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let form: RequestForm = serde_json::from_str(&text).map_err(|e| {
                anyhow::Error::new(Failure {
                    code: ErrorCode::InvalidInput,
                    message: format!("{}: {e}", file.display()),
                })
            })?;
            let c = um::submit(&store, &plan, &form, now, &actor)
                .await
                .map_err(fail)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                print!("{}", describe(&c, &plan));
            }
        }
        AuthCommand::Decide(a) => {
            let plan = load_plan(a.plan.as_deref())?;
            let current = um::load(&store, &a.id).await.map_err(fail)?;
            let under_review: Vec<u32> = match &current.screening.outcome {
                accord_um::Outcome::Review { services, .. } => {
                    services.iter().map(|s| s.units).collect()
                }
                _ => Vec::new(),
            };
            let units = if a.deny {
                vec![0; under_review.len()]
            } else if a.units.is_empty() {
                under_review
            } else {
                a.units
            };
            let d = ReviewerDecision {
                units,
                through: a.through,
                reasons: a.reason,
                criteria_set: None,
            };
            let c = um::decide(&store, &plan, &a.id, &a.user, &d, now)
                .await
                .map_err(fail)?;
            print!("{}", describe(&c, &plan));
        }
        AuthCommand::Show { id, json, plan } => {
            let c = um::load(&store, &id).await.map_err(fail)?;
            let uses = um::authorization_use(&store, &c).await.map_err(fail)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&c)?);
            } else {
                print!("{}", describe(&c, &load_plan(plan.as_deref())?));
                for u in &uses {
                    println!(
                        "Authorization {}: {} {} to {}: {} units authorized, {} used, {} left (UM-04)",
                        u.auth_id, u.services, u.start, u.end, u.authorized, u.used, u.left
                    );
                }
            }
        }
        AuthCommand::Queue { json } => {
            let q = um::queue(&store, now).await.map_err(fail)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&q)?);
            } else {
                println!(
                    "{:<16} {:<10} {:<22} {:<10} {:<25} {:<18} why",
                    "request", "member", "level", "urgency", "due (UTC)", "time left"
                );
                for i in &q {
                    println!(
                        "{:<16} {:<10} {:<22} {:<10} {:<25} {:<18} {}{}",
                        i.request_id,
                        i.member_id,
                        i.level_of_care,
                        i.urgency.as_str(),
                        i.due.strftime("%F %H:%M").to_string(),
                        human(i.time_left),
                        if i.late_concurrent {
                            "[late concurrent] "
                        } else {
                            ""
                        },
                        i.reasons.join("; ")
                    );
                }
                println!(
                    "{} in queue, {} overdue",
                    q.len(),
                    q.iter().filter(|i| i.overdue).count()
                );
            }
        }
        AuthCommand::Notice { id, html, plan } => {
            let plan = load_plan(plan.as_deref())?;
            let n = um::notice(&store, &plan, &id).await.map_err(fail)?;
            match html {
                Some(path) => {
                    std::fs::write(&path, accord_um::notice::render_html(&n))
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    println!("wrote {}", path.display());
                }
                None => println!("{}", serde_json::to_string_pretty(&n)?),
            }
        }
        AuthCommand::Reconsider { id, actor, plan } => {
            let plan = load_plan(plan.as_deref())?;
            let c = um::reconsider(&store, &plan, &id, now, &actor)
                .await
                .map_err(fail)?;
            print!("{}", describe(&c, &plan));
        }
        AuthCommand::PeerToPeer {
            id,
            reviewer,
            held,
            outcome,
        } => {
            let p = PeerToPeer {
                offered_at: now,
                held_at: held.then_some(now),
                reviewer: reviewer.clone(),
                outcome,
            };
            um::peer_to_peer(&store, &id, p, &reviewer, now)
                .await
                .map_err(fail)?;
            println!("recorded on {id}");
        }
        AuthCommand::Rescreen { id, plan } => {
            let plan = load_plan(plan.as_deref())?;
            let c = um::rescreen(&store, &plan, &id, now, "staff")
                .await
                .map_err(fail)?;
            print!("{}", describe(&c, &plan));
        }
        AuthCommand::Notify {
            member,
            npi,
            level,
            admitted,
            plan,
        } => {
            let plan = load_plan(plan.as_deref())?;
            let bad = |f: &str, e: accord_core::ids::IdError| {
                anyhow::Error::new(Failure {
                    code: ErrorCode::InvalidInput,
                    message: format!("--{f}: {e}"),
                })
            };
            let member = MemberId::parse(&member).map_err(|e| bad("member", e))?;
            let npi = Npi::parse(&npi).map_err(|e| bad("npi", e))?;
            let n = um::notify_admission(
                &store, &plan, member, npi, &level, admitted, now, "provider",
            )
            .await
            .map_err(fail)?;
            println!("{}  {}", n.id, n.explanation);
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Runs a `staff` command.
pub async fn run_staff(db: &str, cmd: StaffCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db).await?;
    match cmd {
        StaffCommand::Add {
            user_id,
            name,
            role,
            reports_to,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::Error::new(Failure {
                    code: ErrorCode::InvalidInput,
                    message: format!(
                        "--role: {role:?} is not a role ({})",
                        Role::ALL.map(|r| r.as_str()).join(", ")
                    ),
                })
            })?;
            let u = StaffUser {
                user_id,
                name,
                role,
                reports_to,
            };
            um::save_staff(
                &store,
                std::slice::from_ref(&u),
                "administrator",
                Timestamp::now(),
            )
            .await
            .map_err(fail)?;
            println!("{} ({}) saved", u.user_id, u.role.as_str());
        }
        StaffCommand::List => {
            for s in store.staff_users().await.map_err(fail)? {
                println!(
                    "{:<12} {:<24} {:<22} {}",
                    s.user_id,
                    s.name,
                    s.role,
                    s.reports_to.unwrap_or_default()
                );
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// Runs a `report` command.
pub async fn run_report(db: &str, cmd: ReportCommand) -> anyhow::Result<ExitCode> {
    let (from, to, format, plan) = match cmd {
        ReportCommand::Quality {
            from,
            to,
            format,
            plan,
            provider: Some(npi),
            out,
        } => {
            return super::quality::report_provider_quality(
                db,
                from,
                to,
                &format,
                plan.as_deref(),
                &npi,
                out.as_deref(),
            )
            .await;
        }
        ReportCommand::Quality {
            from,
            to,
            format,
            plan,
            provider: None,
            out,
        } => {
            if out.is_some() || format == "html" {
                return Err(anyhow::Error::new(Failure {
                    code: ErrorCode::InvalidInput,
                    message: "--format html and --out need --provider NPI".into(),
                }));
            }
            let plan = load_plan(plan.as_deref())?;
            let store = open_store(db).await?;
            let r = accord_service::reports::load_quality_report(&store, &plan, from, to)
                .await
                .map_err(fail)?;
            store.close().await;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&r)?),
                "csv" => {
                    println!("measure,denominator,numerator,rate");
                    for x in &r.rates {
                        println!("{},{},{},{}", x.measure, x.denominator, x.numerator, x.rate);
                    }
                }
                _ => {
                    println!(
                        "Quality measures {from} to {to} (QM-01; value sets: {}/value_sets.csv)",
                        plan.dir.display()
                    );
                    for x in &r.rates {
                        println!(
                            "  {:<16} {:>8} / {:<8} {:>7}%  {}",
                            x.measure, x.numerator, x.denominator, x.rate, x.description
                        );
                    }
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        ReportCommand::Access {
            from,
            to,
            format,
            plan,
        } => {
            return super::quality::report_access(db, from, to, &format, plan.as_deref()).await;
        }
        ReportCommand::Cob { from, to, format } => {
            return super::quality::report_cob(db, from, to, &format).await;
        }
        ReportCommand::Claims {
            from,
            to,
            format,
            plan,
        } => {
            let plan = load_plan(plan.as_deref())?;
            let store = open_store(db).await?;
            let r = accord_service::reports::load_claims_report(&store, &plan, from, to)
                .await
                .map_err(fail)?;
            store.close().await;
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!("Claims decided {from} to {to}: {}", r.decided);
                for (s, n) in &r.by_status {
                    println!("  {s:<22} {n:>8}");
                }
                println!(
                    "  auto-adjudicated {}%   clean {}%   clean claims paid within {} days: {} of {} ({}%, PAY-07)",
                    r.auto_adjudication_percent,
                    r.clean_percent,
                    plan.config.remittance.clean_claim_days,
                    r.clean_paid_within,
                    r.clean_paid,
                    r.clean_paid_within_percent
                );
                println!(
                    "  billed {}   allowed {}   paid {}",
                    r.billed, r.allowed, r.paid
                );
                println!("Denial reasons:");
                for d in &r.top_denials {
                    println!(
                        "  {:<10} {:>6} lines  {:>12} billed",
                        d.code,
                        d.lines,
                        d.billed.to_string()
                    );
                }
                println!("Days from receipt to payment:");
                for (b, n) in &r.days_to_pay {
                    println!("  {b:<6} {n:>8}");
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        ReportCommand::Um {
            from,
            to,
            format,
            plan,
        } => (from, to, format, plan),
    };
    let plan = load_plan(plan.as_deref())?;
    let store = open_store(db).await?;
    let rows = um::report(&store, &plan, from, to).await.map_err(fail)?;
    store.close().await;
    match format.as_str() {
        "csv" => print!("{}", accord_um::metrics::to_csv(&rows)),
        "json" => println!("{}", serde_json::to_string_pretty(&rows)?),
        "table" => {
            println!("UM decisions {from} to {to} (QM-04 / CMS-0057-F)");
            print!("{}", accord_um::metrics::to_table(&rows));
        }
        other => {
            return Err(anyhow::Error::new(Failure {
                code: ErrorCode::InvalidInput,
                message: format!("--format: {other:?} is not table, csv or json"),
            }));
        }
    }
    Ok(ExitCode::SUCCESS)
}
