//! `accord case …`: cases with deadlines — appeals (APL), complaints (CMP), claim disputes and
//! reviews (DSP-01, REC-03), the state portal (DSP-02..05), audits and recovery (REC), credentialing
//! appeals (NET-06). Thin: the work is in `accord_service::cases`, the rules in `accord-cases`. A
//! refusal prints the engine's sentence (rule, window and dates) and exits with the error table's
//! code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord_cases::{ClockState, Detail, Event, Flag, Length, Owner};
use accord_core::ErrorCode;
use accord_plan::Plan;
use accord_service::cases::{self, CaseView, DueList, DueSelection, ListFilter};
use anyhow::Context;
use jiff::Timestamp;
use serde_json::{Map, Value};

use super::open_store;
use crate::failure::{Failure, fail};

/// `accord case` and the options every subcommand shares.
#[derive(Debug, clap::Args)]
pub struct CaseArgs {
    #[command(subcommand)]
    command: CaseCommand,
    /// Plan configuration directory (defaults to the demo plan): clock lengths, calendar, zone.
    #[arg(long, global = true)]
    plan: Option<PathBuf>,
    /// The instant to act or evaluate at (default: now): RFC 3339 (2026-11-02T09:00:00-06:00),
    /// or a plan-local date and time (2026-11-02T09:00), or a date (noon plan-local).
    #[arg(long, global = true)]
    at: Option<String>,
}

/// Case commands.
#[derive(Debug, clap::Subcommand)]
// One value per command line, parsed once: the size of the action's flags does not matter.
#[allow(clippy::large_enum_variant)]
enum CaseCommand {
    /// File a case from a JSON file (docs/cases.md): numbered by kind, its filing window checked
    /// (a late filing is refused naming the window and the dates), its clocks started.
    File {
        /// The filing.
        file: PathBuf,
        /// Who files it (written to the event log).
        #[arg(long = "as", default_value = "provider")]
        actor: String,
        /// Print the case as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Act on a case: an action name with flags (assign_reviewer --reviewer md-lead, decide
    /// --outcome upheld, resolve --claim readjudicate, request_information --what "records",
    /// finding --claim TRK --overpaid 125.00 --reason "…", findings --appeal-by DATE, finalize,
    /// repay --amount 50.00, …), or a JSON file holding the action (`{"action": "findings", …}`).
    Act(ActArgs),
    /// Write a case's letter as printable HTML: the acknowledgment, or with --decision the decision
    /// letter of a closed case.
    Letter {
        /// Case number.
        id: String,
        /// The decision letter (the case must be closed).
        #[arg(long)]
        decision: bool,
        /// Where to write it (default: `CASE-acknowledgment.html` / `CASE-decision.html`).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Show a case: phase, open clocks with rule, owner and due date, flags, windows, events.
    Show {
        /// Case number.
        id: String,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// What is due today and overdue, per team (every open clock with --all).
    Due {
        /// Only what is overdue.
        #[arg(long, conflicts_with = "all")]
        overdue: bool,
        /// Every open clock, running and paused too.
        #[arg(long)]
        all: bool,
        /// One owner: appeals, provider_relations, quality, claims, program_integrity,
        /// credentialing, provider or state.
        #[arg(long)]
        team: Option<String>,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List cases: every one, the open ones, or those about a subject.
    List {
        /// Only cases about this request, claim, NPI, contract term or tracking number.
        #[arg(long)]
        subject: Option<String>,
        /// Only open cases.
        #[arg(long)]
        open: bool,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `accord case act`.
#[derive(Debug, clap::Args)]
pub struct ActArgs {
    /// Case number.
    id: String,
    /// The action's name (e.g. assign_reviewer, decide, resolve, acknowledge, report, withdraw),
    /// or a JSON file with the action.
    action: String,
    /// assign_reviewer: the reviewer's staff ID (APL-03).
    #[arg(long)]
    reviewer: Option<String>,
    /// decide: upheld, overturned, partly_overturned, overturned_without_clinical_review,
    /// overturned_for_clinical_review; decide_findings_appeal: uphold, uphold_in_part, overturn;
    /// decide_credentialing_appeal: supported, modified, overturned.
    #[arg(long)]
    outcome: Option<String>,
    /// request_information: what is asked for.
    #[arg(long)]
    what: Option<String>,
    /// extend, extend_to, withdraw: why.
    #[arg(long)]
    reason: Option<String>,
    /// resolve: what happens to the claim (none, readjudicate, adjust); finding: the sampled
    /// claim's tracking number.
    #[arg(long)]
    claim: Option<String>,
    /// finding: what was overpaid on the claim (e.g. 125.00; default 0).
    #[arg(long)]
    overpaid: Option<String>,
    /// finding: the claim is not supported by the records (default: true when overpaid).
    #[arg(long)]
    error: Option<bool>,
    /// findings: the last day to appeal, as printed in the report of findings (YYYY-MM-DD).
    #[arg(long)]
    appeal_by: Option<String>,
    /// repay: the amount the provider repaid.
    #[arg(long)]
    amount: Option<String>,
    /// extend_to: the new last day (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// extend: the extension is for the member's benefit (CMP-02 allows no other).
    #[arg(long)]
    for_member_benefit: bool,
    /// decide_review: whether the recovery stands (true or false).
    #[arg(long)]
    upheld: Option<bool>,
    /// decide_credentialing_appeal: the provider may request a fair hearing.
    #[arg(long)]
    fair_hearing_available: bool,
    /// Who acts (written to the event log).
    #[arg(long = "as", default_value = "staff")]
    actor: String,
    /// Print the case as JSON.
    #[arg(long)]
    json: bool,
}

pub(super) fn invalid(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Failure {
        code: ErrorCode::InvalidInput,
        message: message.into(),
    })
}

pub(super) fn load_plan(dir: Option<&Path>) -> anyhow::Result<Plan> {
    let dir = super::demo_plan::locate(dir)?;
    Plan::load(&dir).map_err(fail)
}

/// `--at`: an RFC 3339 instant, a plan-local date and time, or a date (noon plan-local).
pub(super) fn instant(at: Option<&str>, plan: &Plan) -> anyhow::Result<Timestamp> {
    let Some(s) = at.map(str::trim) else {
        return Ok(Timestamp::now());
    };
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    let local = s
        .parse::<jiff::civil::DateTime>()
        .or_else(|_| s.parse::<jiff::civil::Date>().map(|d| d.at(12, 0, 0, 0)))
        .map_err(|_| {
            invalid(format!(
                "--at: {s:?} is not an instant (2026-11-02T09:00:00-06:00), a local date and time \
                 (2026-11-02T09:00) or a date (2026-11-02)"
            ))
        })?;
    Ok(local
        .to_zoned(plan.time_zone().clone())
        .map_err(|e| invalid(format!("--at: {e}")))?
        .timestamp())
}

fn read_json(file: &Path) -> anyhow::Result<Value> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| invalid(format!("{}: {e}", file.display())))
}

/// The event `accord case act` records: from a JSON file, or from the action's name and flags.
fn event_of(a: &ActArgs, at: Timestamp) -> anyhow::Result<Event> {
    let from_file = a.action.ends_with(".json") || Path::new(&a.action).is_file();
    let (mut obj, source) = if from_file {
        let path = Path::new(&a.action);
        match read_json(path)? {
            Value::Object(m) => (m, path.display().to_string()),
            _ => {
                return Err(invalid(format!(
                    "{}: an action is a JSON object with an \"action\" field",
                    path.display()
                )));
            }
        }
    } else {
        let mut m = Map::new();
        m.insert("action".into(), Value::from(a.action.as_str()));
        let mut set = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.into(), v);
            }
        };
        set("reviewer", a.reviewer.clone().map(Value::from));
        set("outcome", a.outcome.clone().map(Value::from));
        set("what", a.what.clone().map(Value::from));
        set("reason", a.reason.clone().map(Value::from));
        set("claim", a.claim.clone().map(Value::from));
        set("until", a.until.clone().map(Value::from));
        set("upheld", a.upheld.map(Value::from));
        set("overpaid", a.overpaid.clone().map(Value::from));
        set("error", a.error.map(Value::from));
        set("appeal_by", a.appeal_by.clone().map(Value::from));
        set("amount", a.amount.clone().map(Value::from));
        if a.action == "extend" {
            set(
                "for_member_benefit",
                Some(Value::from(a.for_member_benefit)),
            );
        }
        if a.action == "decide_credentialing_appeal" {
            set(
                "fair_hearing_available",
                Some(Value::from(a.fair_hearing_available)),
            );
        }
        (m, a.action.clone())
    };
    obj.entry("at")
        .or_insert_with(|| Value::from(at.to_string()));
    obj.entry("actor")
        .or_insert_with(|| Value::from(a.actor.as_str()));
    serde_json::from_value(Value::Object(obj)).map_err(|e| {
        let mut msg = format!("{source}: {e}");
        // Name the flag that gives a missing field.
        if let Some(field) = e
            .to_string()
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
            && !from_file
        {
            msg.push_str(&format!(" (give --{})", field.replace('_', "-")));
        }
        invalid(msg)
    })
}

/// Runs a `case` command.
pub async fn run(db: &str, args: CaseArgs) -> anyhow::Result<ExitCode> {
    let plan = load_plan(args.plan.as_deref())?;
    let now = instant(args.at.as_deref(), &plan)?;
    match args.command {
        CaseCommand::File { file, actor, json } => {
            let draft = read_json(&file)?;
            let store = open_store(db).await?;
            let v = cases::file(&store, &plan, &draft, now, &actor)
                .await
                .map_err(|e| prefixed(&file, e))?;
            store.close().await;
            print_case(&v, &plan, json)?;
        }
        CaseCommand::Act(a) => {
            let event = event_of(&a, now)?;
            let store = open_store(db).await?;
            let v = cases::act(&store, &plan, &a.id, &event)
                .await
                .map_err(fail)?;
            store.close().await;
            print_case(&v, &plan, a.json)?;
        }
        CaseCommand::Letter { id, decision, out } => {
            use accord_service::letters::{LetterKind, letter};
            let store = open_store(db).await?;
            let v = cases::show(&store, &plan, &id, now).await.map_err(fail)?;
            store.close().await;
            let kind = if decision {
                LetterKind::Decision
            } else {
                LetterKind::Acknowledgment
            };
            let Some(html) = letter(&v, kind, &plan.config.name, plan.time_zone()) else {
                return Err(anyhow::Error::new(crate::failure::Failure {
                    code: accord_core::ErrorCode::RuleViolation,
                    message: format!("case {id} is not closed: there is no decision letter yet"),
                }));
            };
            let path = out.unwrap_or_else(|| {
                PathBuf::from(format!(
                    "{id}-{}.html",
                    if decision {
                        "decision"
                    } else {
                        "acknowledgment"
                    }
                ))
            });
            std::fs::write(&path, html)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        CaseCommand::Show { id, json } => {
            let store = open_store(db).await?;
            let v = cases::show(&store, &plan, &id, now).await.map_err(fail)?;
            store.close().await;
            print_case(&v, &plan, json)?;
        }
        CaseCommand::Due {
            overdue,
            all,
            team,
            json,
        } => {
            let selection = if overdue {
                DueSelection::Overdue
            } else if all {
                DueSelection::All
            } else {
                DueSelection::Today
            };
            let store = open_store(db).await?;
            let list = cases::due(&store, &plan, now, selection, team.as_deref())
                .await
                .map_err(|e| match e {
                    accord_service::ServiceError::Form(m) => invalid(format!("--{m}")),
                    other => fail(other),
                })?;
            store.close().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print!("{}", describe_due(&list, &plan, selection));
            }
        }
        CaseCommand::List {
            subject,
            open,
            json,
        } => {
            let store = open_store(db).await?;
            let all = cases::list(&store, &plan, &ListFilter { subject, open }, now)
                .await
                .map_err(fail)?;
            store.close().await;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for v in &all {
                    println!("{}", one_line(v, &plan));
                }
                println!("{} cases", all.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A filing refused for its content names the file too.
fn prefixed(file: &Path, e: accord_service::ServiceError) -> anyhow::Error {
    match e {
        accord_service::ServiceError::Form(m) => invalid(format!("{}: {m}", file.display())),
        other => fail(other),
    }
}

fn print_case(v: &CaseView, plan: &Plan, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(v)?);
    } else {
        print!("{}", describe(v, plan));
    }
    Ok(())
}

fn local(t: Timestamp, plan: &Plan) -> String {
    t.to_zoned(plan.time_zone().clone())
        .strftime("%F %H:%M %Z")
        .to_string()
}

/// The owner of a clock in words.
pub fn owner_label(o: Owner) -> String {
    cases::owner_key(o).replace('_', " ")
}

fn state_label(s: ClockState) -> &'static str {
    match s {
        ClockState::Running => "running",
        ClockState::DueToday => "DUE TODAY",
        ClockState::Overdue => "OVERDUE",
        ClockState::Paused => "paused",
    }
}

fn flag_label(f: Flag) -> &'static str {
    match f {
        Flag::NoMemberBilling => "APL-04 the provider may not bill the member",
        Flag::ClinicalRequestOnHold => {
            "APL-05 the clinical request waits for this administrative appeal"
        }
        Flag::CorrectiveActionRequired => {
            "REC-04 error rate above the threshold: corrective action plan required"
        }
        Flag::ClaimsMonitored => "REC-04 the provider's claims are monitored",
        Flag::Collections => "REC-02 the balance is in collections",
    }
}

fn length_label(l: Length) -> String {
    l.to_string()
}

/// A subject cut to `width` characters for a column (long contract terms end in `…`).
fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// One line per case, for lists.
pub fn one_line(v: &CaseView, plan: &Plan) -> String {
    let s = &v.status;
    let next = s
        .clocks
        .first()
        .and_then(|c| {
            c.due
                .map(|d| format!("next due {} [{}]", local(d, plan), c.rule))
        })
        .unwrap_or_default();
    format!(
        "{:<16} {:<28} {:<18} {:<31} {}",
        v.record.id,
        v.case.kind.label(),
        cut(&cases::subject_key(&v.record.filing), 18),
        s.closure.as_ref().map_or_else(
            || s.phase.label().to_owned(),
            |c| format!("closed: {}", c.reason)
        ),
        next
    )
}

/// The case as people read it.
pub fn describe(v: &CaseView, plan: &Plan) -> String {
    let c = &v.case;
    let s = &v.status;
    let parties = &v.record.filing.parties;
    let mut out = format!(
        "Case {}  {}  {}\n",
        v.record.id,
        c.kind,
        s.phase.label().to_uppercase()
    );
    out.push_str(&format!(
        "  about {}  filed by {}{}{}\n  received {}\n",
        cases::subject_key(&v.record.filing),
        serde_json::to_value(parties.filed_by)
            .ok()
            .and_then(|x| x.as_str().map(|s| s.replace('_', " ")))
            .unwrap_or_default(),
        parties
            .provider
            .as_ref()
            .map(|p| format!("  provider {p}"))
            .unwrap_or_default(),
        parties
            .member
            .as_ref()
            .map(|m| format!("  member {m}"))
            .unwrap_or_default(),
        local(v.record.received, plan)
    ));
    match &c.detail {
        Detail::Appeal(a) => {
            let f = &a.filing;
            out.push_str(&format!(
                "  level {}  {}  {}  appeals the notice of {}; decided by {}{}{}\n",
                match f.level {
                    accord_cases::AppealLevel::One => "I",
                    accord_cases::AppealLevel::Two => "II",
                },
                serde_json::to_value(f.track)
                    .ok()
                    .and_then(|x| x.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                serde_json::to_value(f.nature)
                    .ok()
                    .and_then(|x| x.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                f.appealed_notice,
                f.decided_by.join(", "),
                a.reviewer
                    .as_ref()
                    .map(|r| format!("; reviewer {r}"))
                    .unwrap_or_default(),
                a.outcome
                    .map(|o| format!("; outcome {}", o.label()))
                    .unwrap_or_default()
            ));
        }
        Detail::Dispute(d) => out.push_str(&format!(
            "  plan tracking number {}{}\n",
            d.tracking_number,
            d.follow_up
                .map(|f| format!(
                    "; claim follow-up: {}",
                    serde_json::to_value(f)
                        .ok()
                        .and_then(|x| x.as_str().map(str::to_owned))
                        .unwrap_or_default()
                ))
                .unwrap_or_default()
        )),
        Detail::Ticket(t) => out.push_str(&format!(
            "  plan tracking number {}{}\n",
            t.tracking_number.as_deref().unwrap_or("(none)"),
            t.submitted_to_plan
                .map(|d| format!("; submitted to the plan on {d}"))
                .unwrap_or_default()
        )),
        Detail::Audit(a) if a.seed.is_some() => {
            out.push_str(&format!(
                "  sample of {} from {} claims (seed {}): {}\n",
                a.sample.len(),
                a.population,
                a.seed.unwrap_or_default(),
                a.sample.join(" ")
            ));
            if let Some(rate) = a.error_rate_percent {
                out.push_str(&format!("  error rate {rate}%\n"));
            }
            if a.findings.is_empty() {
                for d in &a.draft {
                    out.push_str(&format!(
                        "  finding recorded on {}: {}, overpaid {}{}\n",
                        d.finding.claim,
                        if d.finding.error { "error" } else { "no error" },
                        d.finding.overpaid,
                        if d.reason.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", d.reason)
                        }
                    ));
                }
            }
            for (claim, amount) in a.overpayments() {
                out.push_str(&format!("  overpaid {claim}: {amount} (REC-01 recovery)\n"));
            }
            if let Some(at) = a.finalized_at {
                let repaid: accord_core::Money = a.repaid.iter().copied().sum();
                out.push_str(&format!(
                    "  findings final at {at}: recoveries opened (REC-04 → REC-01); repaid {repaid}\n"
                ));
            }
        }
        _ => {}
    }
    if let Some(cl) = &s.closure {
        out.push_str(&format!(
            "Closed {} ({}{}): {}\n",
            local(cl.at, plan),
            cl.reason,
            cl.rule.map(|r| format!(", {r}")).unwrap_or_default(),
            cl.detail
        ));
    }
    if !s.clocks.is_empty() {
        out.push_str(&format!("Clocks at {}:\n", local(s.now, plan)));
        for k in &s.clocks {
            out.push_str(&format!(
                "  [{}] {} — {} — {} from {}, due {}  {}\n",
                k.rule,
                k.label,
                owner_label(k.owner),
                length_label(k.length),
                local(k.started, plan),
                k.due
                    .map_or_else(|| "(paused)".to_owned(), |d| local(d, plan)),
                state_label(k.state)
            ));
        }
    }
    for f in &s.flags {
        out.push_str(&format!("Flag: {}\n", flag_label(*f)));
    }
    for w in &s.windows {
        out.push_str(&format!(
            "Window [{}] {}: {} to {}\n",
            w.rule, w.label, w.opens, w.closes
        ));
    }
    if !v.record.events.is_empty() {
        out.push_str("Events:\n");
        for e in &v.record.events {
            out.push_str(&format!(
                "  {}  {}  {}\n",
                local(e.at, plan),
                e.actor,
                e.action.name()
            ));
        }
    }
    for n in &s.notes {
        out.push_str(&format!(
            "Note {} [{}] {}\n",
            local(n.at, plan),
            n.rule,
            n.text
        ));
    }
    out
}

/// The due list as people read it.
pub fn describe_due(list: &DueList, plan: &Plan, selection: DueSelection) -> String {
    let mut out = format!(
        "Due at {}: {} overdue, {} due today",
        local(list.now, plan),
        list.overdue,
        list.due_today
    );
    if list.not_listed > 0 && selection != DueSelection::All {
        out.push_str(&format!(
            " ({} other open clocks not listed; --all shows them)",
            list.not_listed
        ));
    }
    out.push('\n');
    for g in &list.groups {
        out.push_str(&format!(
            "{} ({} listed, {} overdue)\n",
            g.owner.replace('_', " "),
            g.items.len(),
            g.overdue
        ));
        for i in &g.items {
            out.push_str(&format!(
                "  {:<16} {:<28} {:<18} [{}] {:<52} due {}  {}\n",
                i.case_id,
                i.case_kind.label(),
                cut(&i.subject, 18),
                i.clock.rule,
                i.clock.label,
                i.clock
                    .due
                    .map_or_else(|| "(paused)".to_owned(), |d| local(d, plan)),
                state_label(i.clock.state)
            ));
        }
    }
    out
}
