//! `accord plan-of-care …`: service plans (SP-01..SP-06) — create from a JSON file, add, edit,
//! change, end and remove lines, notes and documents, submit (SP-04, SP-05), return, authorize,
//! reassess (SP-03), show and list. Thin: the rules are in `accord_service_plan`, the load/apply/
//! save in `accord_service::service_plans`; a refusal prints its message (rule, dates, what to do
//! instead) and exits with the error table's code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord_core::{Date, ErrorCode, MemberId, Modifier, Npi, ProcedureCode, Units};
use accord_plan::Plan;
use accord_service::service_plans::{self, PlanActor};
use accord_service_plan::{
    Applied, Command, DocumentStatus, Frequency, LineChange, LineEdit, NewLine, NewNote, NewPlan,
    NoteKind, Policy,
};
use anyhow::Context;

use super::open_store;
use crate::failure::{Failure, fail};

/// `accord plan-of-care` and the options every subcommand shares.
#[derive(Debug, clap::Args)]
pub struct PlanOfCareArgs {
    #[command(subcommand)]
    command: PlanOfCareCommand,
    /// Who is acting (written to the event log; the author of notes unless --author is given).
    #[arg(long, global = true, default_value = "case-manager")]
    actor: String,
    /// Plan configuration directory (defaults to the demo plan): per-diem services (SP-06) and
    /// priority-exempt services (SP-05).
    #[arg(long, global = true)]
    plan: Option<PathBuf>,
    /// Today's date for the rules (default: today in the plan's time zone).
    #[arg(long, global = true)]
    as_of: Option<Date>,
}

/// Service-plan commands.
#[derive(Debug, clap::Subcommand)]
enum PlanOfCareCommand {
    /// Create a draft plan from a JSON file (schema: docs/service-plans.md).
    Create {
        /// The plan file.
        file: PathBuf,
    },
    /// Add a planned service (on an authorized plan: an addendum within the plan year, SP-03).
    AddLine {
        /// Plan ID.
        id: String,
        #[command(flatten)]
        line: LineArgs,
    },
    /// Edit a line that is not authorized yet (an authorized line is never edited: SP-02).
    EditLine {
        /// Plan ID.
        id: String,
        /// Line number.
        line: u32,
        #[command(flatten)]
        edit: EditArgs,
    },
    /// Remove a line that is not authorized yet.
    RemoveLine {
        /// Plan ID.
        id: String,
        /// Line number.
        line: u32,
    },
    /// Increase, decrease or transfer an authorized service (SP-02): end-date the line the day
    /// before --effective and add the new line from --effective, in one step.
    ChangeLine {
        /// Plan ID.
        id: String,
        /// Line number.
        line: u32,
        /// First day of the new amounts.
        #[arg(long)]
        effective: Date,
        /// New units.
        #[arg(long)]
        units: Option<String>,
        /// New frequency: calendar_day, week or month.
        #[arg(long)]
        frequency: Option<String>,
        /// New provider NPI (a transfer).
        #[arg(long)]
        provider: Option<String>,
        /// Last day of the new line (default: the old line's end).
        #[arg(long)]
        end: Option<Date>,
    },
    /// End a service: set a line's last day (an authorized line's end only moves earlier: SP-02).
    EndLine {
        /// Plan ID.
        id: String,
        /// Line number.
        line: u32,
        /// The last day of the service.
        #[arg(long)]
        end: Date,
    },
    /// Add a note: supervisor-review (SP-04), priority-justification (SP-05) or general.
    Note {
        /// Plan ID.
        id: String,
        /// supervisor-review, priority-justification or general.
        #[arg(long)]
        kind: String,
        /// The note.
        #[arg(long)]
        text: String,
        /// Who wrote it (default: --actor).
        #[arg(long)]
        author: Option<String>,
    },
    /// Add a supporting document or set its status (SP-04 needs every one complete).
    Document {
        /// Plan ID.
        id: String,
        /// Document name, e.g. "Nurse Evaluation".
        name: String,
        /// pending, in_progress or complete.
        #[arg(long)]
        status: String,
    },
    /// Submit for review and authorization (SP-04; with --priority, SP-05).
    Submit {
        /// Plan ID.
        id: String,
        /// Ask for priority processing (needs a priority-justification note).
        #[arg(long)]
        priority: bool,
    },
    /// Return a plan in review to its author (the reviewer, as --actor).
    Return {
        /// Plan ID.
        id: String,
        /// What the author must fix (kept as a note).
        #[arg(long)]
        reason: String,
    },
    /// Authorize a plan in review (the reviewer, as --actor): every planned line is authorized.
    Authorize {
        /// Plan ID.
        id: String,
    },
    /// Create the reassessment plan for the next plan year from a JSON file (SP-03).
    Reassess {
        /// The plan reassessed.
        id: String,
        /// The new plan's file (same schema as create; member_id must match).
        file: PathBuf,
    },
    /// Show a plan: lines, notes, documents.
    Show {
        /// Plan ID.
        id: String,
        /// Print the plan as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List a member's plans.
    List {
        /// Member ID.
        #[arg(long)]
        member: String,
    },
}

/// A new line's values.
#[derive(Debug, clap::Args)]
struct LineArgs {
    /// Service code (HCPCS/CPT), e.g. H2015.
    #[arg(long)]
    service: String,
    /// Modifiers, e.g. HE or HE,U1.
    #[arg(long, value_delimiter = ',')]
    modifiers: Vec<String>,
    /// Provider NPI.
    #[arg(long)]
    provider: String,
    /// Units per frequency.
    #[arg(long)]
    units: String,
    /// calendar_day, week or month.
    #[arg(long)]
    frequency: String,
    /// First day.
    #[arg(long)]
    begin: Date,
    /// Last day.
    #[arg(long)]
    end: Date,
}

/// Edits to a line not yet authorized; each given value replaces the line's.
#[derive(Debug, clap::Args)]
struct EditArgs {
    /// Service code.
    #[arg(long)]
    service: Option<String>,
    /// Modifiers (comma-separated; give an empty value to clear them).
    #[arg(long, value_delimiter = ',')]
    modifiers: Option<Vec<String>>,
    /// Provider NPI.
    #[arg(long)]
    provider: Option<String>,
    /// Units per frequency.
    #[arg(long)]
    units: Option<String>,
    /// calendar_day, week or month.
    #[arg(long)]
    frequency: Option<String>,
    /// First day.
    #[arg(long)]
    begin: Option<Date>,
    /// Last day.
    #[arg(long)]
    end: Option<Date>,
}

fn invalid(message: String) -> anyhow::Error {
    anyhow::Error::new(Failure {
        code: ErrorCode::InvalidInput,
        message,
    })
}

/// Parses a flag's value, naming the flag when it is refused.
fn value<T, E: std::fmt::Display>(
    flag: &str,
    v: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> anyhow::Result<T> {
    parse(v).map_err(|e| invalid(format!("--{flag}: {e}")))
}

fn opt<T, E: std::fmt::Display>(
    flag: &str,
    v: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> anyhow::Result<Option<T>> {
    v.map(|v| value(flag, v, parse)).transpose()
}

fn modifiers(flag: &str, v: &[String]) -> anyhow::Result<Vec<Modifier>> {
    v.iter()
        .filter(|m| !m.trim().is_empty())
        .map(|m| value(flag, m, Modifier::parse))
        .collect()
}

fn read_plan_file(file: &Path) -> anyhow::Result<NewPlan> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    NewPlan::from_json(&text).map_err(|e| {
        invalid(
            e.errors
                .iter()
                .map(|f| format!("{}: {f}", file.display()))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

/// Runs a plan-of-care command.
pub async fn run(db: &str, args: PlanOfCareArgs) -> anyhow::Result<ExitCode> {
    let plan_dir = super::demo_plan::locate(args.plan.as_deref())?;
    let plan = Plan::load(&plan_dir).map_err(fail)?;
    let policy = Policy::from_plan(&plan);
    let at = jiff::Timestamp::now();
    let today = args
        .as_of
        .unwrap_or_else(|| at.to_zoned(plan.time_zone().clone()).date());
    let who = PlanActor {
        actor: args.actor.clone(),
        reason: String::new(),
        today,
        at,
    };
    // Read and check every argument before touching the database.
    let (id, cmd) = match args.command {
        PlanOfCareCommand::Create { file } => {
            let new = read_plan_file(&file)?;
            let store = open_store(db).await?;
            let applied = service_plans::create(&store, &policy, &new, &who)
                .await
                .map_err(fail)?;
            store.close().await;
            report(&applied);
            return Ok(ExitCode::SUCCESS);
        }
        PlanOfCareCommand::Reassess { id, file } => {
            let new = read_plan_file(&file)?;
            let store = open_store(db).await?;
            let applied = service_plans::reassess(&store, &policy, &id, &new, &who)
                .await
                .map_err(fail)?;
            store.close().await;
            report(&applied);
            return Ok(ExitCode::SUCCESS);
        }
        PlanOfCareCommand::Show { id, json } => {
            let store = open_store(db).await?;
            let p = service_plans::load(&store, &id).await.map_err(fail)?;
            store.close().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                print!("{}", p.show());
            }
            return Ok(ExitCode::SUCCESS);
        }
        PlanOfCareCommand::List { member } => {
            let member = value("member", &member, MemberId::parse)?;
            let store = open_store(db).await?;
            let plans = service_plans::list_for_member(&store, &member)
                .await
                .map_err(fail)?;
            store.close().await;
            if plans.is_empty() {
                println!("member {member} has no service plans");
            }
            for p in plans {
                println!(
                    "{}  {} to {}  {:<11} {} line(s){}",
                    p.id,
                    p.plan_begin,
                    p.plan_end,
                    p.status.to_string(),
                    p.lines.len(),
                    p.predecessor
                        .map(|x| format!("  reassessment of {x}"))
                        .unwrap_or_default()
                );
            }
            return Ok(ExitCode::SUCCESS);
        }
        PlanOfCareCommand::AddLine { id, line } => {
            let new = NewLine {
                service: value("service", &line.service, ProcedureCode::parse)?,
                modifiers: modifiers("modifiers", &line.modifiers)?,
                provider: value("provider", &line.provider, Npi::parse)?,
                units: value("units", &line.units, Units::parse)?,
                frequency: value("frequency", &line.frequency, Frequency::parse)?,
                begin: line.begin,
                end: line.end,
            };
            (id, Command::AddLine(new))
        }
        PlanOfCareCommand::EditLine { id, line, edit } => {
            let edit = LineEdit {
                service: opt("service", edit.service.as_deref(), ProcedureCode::parse)?,
                modifiers: edit
                    .modifiers
                    .as_deref()
                    .map(|m| modifiers("modifiers", m))
                    .transpose()?,
                provider: opt("provider", edit.provider.as_deref(), Npi::parse)?,
                units: opt("units", edit.units.as_deref(), Units::parse)?,
                frequency: opt("frequency", edit.frequency.as_deref(), Frequency::parse)?,
                begin: edit.begin,
                end: edit.end,
            };
            (id, Command::EditLine { line, edit })
        }
        PlanOfCareCommand::RemoveLine { id, line } => (id, Command::RemoveLine { line }),
        PlanOfCareCommand::ChangeLine {
            id,
            line,
            effective,
            units,
            frequency,
            provider,
            end,
        } => {
            let change = LineChange {
                effective,
                units: opt("units", units.as_deref(), Units::parse)?,
                frequency: opt("frequency", frequency.as_deref(), Frequency::parse)?,
                provider: opt("provider", provider.as_deref(), Npi::parse)?,
                end,
            };
            (id, Command::ChangeLine { line, change })
        }
        PlanOfCareCommand::EndLine { id, line, end } => (id, Command::EndLine { line, end }),
        PlanOfCareCommand::Note {
            id,
            kind,
            text,
            author,
        } => (
            id,
            Command::AddNote(NewNote {
                kind: value("kind", &kind, NoteKind::parse)?,
                author: author.unwrap_or_else(|| args.actor.clone()),
                text,
            }),
        ),
        PlanOfCareCommand::Document { id, name, status } => (
            id,
            Command::SetDocument {
                name,
                status: value("status", &status, DocumentStatus::parse)?,
            },
        ),
        PlanOfCareCommand::Submit { id, priority } => (id, Command::Submit { priority }),
        PlanOfCareCommand::Return { id, reason } => (
            id,
            Command::Return {
                by: args.actor.clone(),
                reason,
            },
        ),
        PlanOfCareCommand::Authorize { id } => (
            id,
            Command::Authorize {
                by: args.actor.clone(),
            },
        ),
    };
    let store = open_store(db).await?;
    let applied = service_plans::change(&store, &policy, &id, &cmd, &who)
        .await
        .map_err(fail)?;
    store.close().await;
    report(&applied);
    Ok(ExitCode::SUCCESS)
}

/// Prints what changed and where the plan now stands.
fn report(a: &Applied) {
    println!("{}", a.change.summary);
    println!(
        "plan {} is {} (revision {}); `accord plan-of-care show {}` for the whole plan",
        a.plan.id, a.plan.status, a.plan.revision, a.plan.id
    );
}
