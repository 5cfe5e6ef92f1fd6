//! `accord provider …`: the provider network (issue 8) — a provider's status, dated and
//! explained with what is missing; credentialing applications (apply, verify, decide, NET-02);
//! sanctions and reinstatement (NET-05); leave and return (NET-08); the NET-03 daily job (with the
//! NET-07 screening schedule); the NET-04 change report; the federal exclusion list and its
//! monthly schedule (NET-07). Thin: the work is in `accord_service::network`, the rules in
//! `accord-network`.

use std::path::PathBuf;
use std::process::ExitCode;

use accord_core::member::Program;
use accord_core::provider::SanctionLevel;
use accord_core::{Date, Npi};
use accord_network::changes::ProviderChange;
use accord_network::credentialing::{ApplicationForm, CommitteeDecision, Item, Outcome};
use accord_network::sanctions::SanctionOrder;
use accord_plan::Plan;
use accord_service::network::{self, LeaveAction, ProviderView, Verification};
use anyhow::Context;
use jiff::Timestamp;

use super::case::{instant, invalid, load_plan};
use super::open_store;
use crate::failure::fail;

/// `accord provider` and the options every subcommand shares.
#[derive(Debug, clap::Args)]
pub struct ProviderArgs {
    #[command(subcommand)]
    command: ProviderCommand,
    /// Plan configuration directory (defaults to the demo plan): the `[network]` settings.
    #[arg(long, global = true)]
    plan: Option<PathBuf>,
    /// The instant to act at (default: now): RFC 3339, a plan-local date and time, or a date.
    #[arg(long, global = true)]
    at: Option<String>,
    /// Who acts (written to the event log).
    #[arg(long = "as", global = true, default_value = "credentialing")]
    actor: String,
    /// Print JSON.
    #[arg(long, global = true)]
    json: bool,
}

/// Provider commands.
#[derive(Debug, clap::Subcommand)]
enum ProviderCommand {
    /// A provider's status on a date: standing with its reasons, status spans, sanctions, the
    /// re-credentialing cycle, applications and what is missing.
    Show {
        /// NPI.
        npi: String,
        /// The day (default: today, plan-local).
        #[arg(long)]
        on: Option<Date>,
    },
    /// Receive a credentialing application (JSON, docs/network.md).
    Apply {
        /// The application form.
        file: PathBuf,
    },
    /// Record a checklist item's verification (NET-02).
    Verify {
        /// Application number.
        application: String,
        /// The item: license, accreditation, site_visit, malpractice, exclusion_check, dea_cds,
        /// work_history.
        #[arg(long)]
        item: String,
        /// Evidence (document, number, policy), when not submitted with the application.
        #[arg(long)]
        evidence: Option<String>,
        /// Verified at the source on this day (default: today).
        #[arg(long)]
        on: Option<Date>,
        /// The item did not meet the standard.
        #[arg(long)]
        failed: bool,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The committee's decision (NET-02): approved with an effective date per line of business,
    /// or denied (the provider may appeal, NET-06: `--appeal` files it at once).
    Decide {
        /// Application number.
        application: String,
        /// approved | denied.
        #[arg(long)]
        outcome: String,
        /// Why.
        #[arg(long)]
        reason: String,
        /// Effective dates, `medicaid=2026-02-01` (repeat per line of business).
        #[arg(long = "effective")]
        effective: Vec<String>,
        /// The notice date (default: the decision day).
        #[arg(long)]
        notice: Option<Date>,
        /// File the provider's appeal of a denial with the case engine (NET-06).
        #[arg(long)]
        appeal: bool,
    },
    /// Impose a sanction (NET-05): consultation, written_warning, monitoring, suspension,
    /// termination. A suspension lasts at most `network.suspension_max_days` unless `--extended`.
    Sanction {
        /// NPI.
        npi: String,
        /// The level.
        #[arg(long)]
        level: String,
        /// First day.
        #[arg(long)]
        from: Date,
        /// Last day.
        #[arg(long)]
        to: Option<Date>,
        /// The committee extended the suspension beyond the maximum.
        #[arg(long)]
        extended: bool,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Reinstate (NET-05): sanctions in force end the day before; a terminated provider
    /// participates again from that day.
    Reinstate {
        /// NPI.
        npi: String,
        /// First day reinstated.
        #[arg(long)]
        on: Date,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Leave of absence from a day (NET-08).
    Leave {
        /// NPI.
        npi: String,
        /// First day of leave.
        #[arg(long)]
        from: Date,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Back from leave (NET-08).
    Return {
        /// NPI.
        npi: String,
        /// First day back.
        #[arg(long)]
        on: Date,
    },
    /// The daily job (NET-03, NET-08): re-credentialing cycles opening, due and lapsing on a day,
    /// and disenrollment notices; `--apply` ends the participation of each lapse.
    RecredentialDue {
        /// The day.
        #[arg(long)]
        on: Date,
        /// Write the lapses.
        #[arg(long)]
        apply: bool,
    },
    /// Record a change the provider reported (NET-04): its notice is checked (10 calendar days
    /// after for material changes, 5 for licence/DEA/board actions, 30 before for malpractice
    /// coverage, 60 before for new programs) and flagged late; `name`, `tax_id`, `specialty`,
    /// `license_number` and `license_expires` also update the record.
    Change {
        /// NPI.
        npi: String,
        /// material, license_action, dea_action, board_action, malpractice_coverage, new_program.
        #[arg(long)]
        kind: String,
        /// The field changed (a record field, or a label such as `address`).
        #[arg(long)]
        field: String,
        /// The new value.
        #[arg(long, default_value = "")]
        value: String,
        /// The day the change takes effect.
        #[arg(long)]
        effective: Date,
        /// The day the plan was told (default: today).
        #[arg(long)]
        reported: Option<Date>,
        /// What changed, in words.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// NET-04 the change report: reported changes with their notice deadline (10 calendar days;
    /// 5 for licence, DEA and board actions), the day the plan was told and whether the notice
    /// was late. The period is by the day told.
    Changes {
        /// First day told (inclusive).
        #[arg(long)]
        from: Option<Date>,
        /// Last day told (inclusive).
        #[arg(long)]
        to: Option<Date>,
        /// Late notices only.
        #[arg(long)]
        late: bool,
    },
    /// The federal exclusion list (NET-07).
    #[command(subcommand)]
    Exclusions(ExclusionsCommand),
}

/// Exclusion-list commands.
#[derive(Debug, clap::Subcommand)]
enum ExclusionsCommand {
    /// Screen every provider on file against the list (CSV as published, docs/network.md):
    /// confirmed matches are suspended, fuzzy ones held for review.
    Import {
        /// The list.
        file: PathBuf,
        /// The screening day (default: today).
        #[arg(long)]
        on: Option<Date>,
        /// The list's own date, as published (recorded with the screening).
        #[arg(long)]
        list_date: Option<Date>,
    },
    /// The monthly schedule (NET-07): the last screenings, when the next is due, whether it is
    /// overdue, and the providers and staff not screened in the last month.
    Schedule {
        /// The day (default: today).
        #[arg(long)]
        on: Option<Date>,
    },
    /// List the matches awaiting review, or decide one with --confirm / --dismiss.
    Review {
        /// The match to decide.
        #[arg(long = "match")]
        match_id: Option<String>,
        /// It is the same provider: suspend.
        #[arg(long, conflicts_with = "dismiss")]
        confirm: bool,
        /// It is not.
        #[arg(long)]
        dismiss: bool,
        /// Note.
        #[arg(long, default_value = "")]
        note: String,
    },
}

fn npi(s: &str) -> anyhow::Result<Npi> {
    Npi::parse(s).map_err(|e| invalid(format!("NPI: {e}")))
}

fn spelled<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> anyhow::Result<T> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_owned()))
        .map_err(|_| invalid(format!("--{what}: {s:?} is not one of the known values")))
}

fn today(now: Timestamp, plan: &Plan) -> Date {
    accord_core::calendar::local_date(now, plan.time_zone())
}

fn print<T: serde::Serialize>(
    json: bool,
    v: &T,
    text: impl FnOnce() -> String,
) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(v)?);
    } else {
        print!("{}", text());
    }
    Ok(())
}

/// A provider's status in words.
pub fn describe(v: &ProviderView) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} {} ({})",
        v.provider.npi,
        v.provider.name,
        v.provider.kind.as_str()
    );
    let st = &v.standing;
    let _ = writeln!(
        s,
        "on {}: claims {}, new authorizations {}",
        v.on,
        if st.claims_payable {
            "payable"
        } else {
            "deny (CO-B7)"
        },
        if st.may_receive_authorizations {
            "allowed"
        } else {
            "refused"
        }
    );
    for r in &st.reasons {
        let _ = writeln!(s, "  because {r}");
    }
    for x in &v.statuses {
        let _ = writeln!(
            s,
            "status {} {} – {}: {}",
            x.status.as_str(),
            x.start,
            x.end.map_or("open".into(), |e| e.to_string()),
            x.reason
        );
    }
    for x in &v.sanctions {
        let _ = writeln!(
            s,
            "sanction {} {} – {}: {}",
            x.level.as_str(),
            x.start,
            x.end.map_or("open".into(), |e| e.to_string()),
            x.reason
        );
    }
    if let Some(c) = &v.cycle {
        let _ = writeln!(
            s,
            "credentialed {}; re-credentialing opens {}, due {} (NET-03)",
            c.credentialed_on, c.opens_on, c.due_on
        );
    }
    for a in &v.applications {
        let _ = writeln!(
            s,
            "application {} received {}: {}",
            a.id, a.received, a.phase
        );
        if let Some(d) = &a.decision {
            let _ = writeln!(s, "  {:?} on {}: {}", d.outcome, d.decided_on, d.reason);
        }
    }
    for c in &v.changes {
        let _ = writeln!(
            s,
            "change {} {} → {:?} effective {} reported {}{}",
            c.kind,
            c.field,
            c.value,
            c.effective,
            c.reported,
            if c.late {
                format!(" LATE (due {})", c.due)
            } else {
                String::new()
            }
        );
    }
    for m in &v.exclusion_matches {
        let _ = writeln!(
            s,
            "exclusion match {} ({}): {}",
            m.match_id, m.basis, m.status
        );
    }
    if v.missing.is_empty() {
        let _ = writeln!(s, "nothing missing");
    } else {
        let _ = writeln!(s, "missing:");
        for m in &v.missing {
            let _ = writeln!(s, "  - {m}");
        }
    }
    s
}

/// NET-07 the screening schedule in words: one status line, then who was not screened.
pub fn describe_schedule(x: &accord_network::screening::ScreeningSchedule) -> String {
    let mut s = match (x.last_run, x.next_due) {
        (Some(last), Some(due)) if x.overdue => format!(
            "exclusion screening OVERDUE: last run {last}, due {due}, {} day(s) late (NET-07)\n",
            x.days_overdue
        ),
        (Some(last), Some(due)) => {
            format!("exclusion screening: last run {last}, next due by {due} (NET-07)\n")
        }
        _ if x.overdue => "exclusion screening OVERDUE: never screened (NET-07)\n".to_owned(),
        _ => "exclusion screening: nobody on file to screen yet (NET-07)\n".to_owned(),
    };
    if !x.not_screened.is_empty() {
        s.push_str(&format!(
            "  {} provider(s)/staff not screened since {}:\n",
            x.not_screened.len(),
            x.screened_since
        ));
        for u in &x.not_screened {
            s.push_str(&format!(
                "    {} {}{} — last screened {}\n",
                u.npi,
                u.name,
                u.staff_of
                    .as_ref()
                    .map_or(String::new(), |f| format!(" (staff of {f})")),
                u.last_screened.map_or("never".into(), |d| d.to_string())
            ));
        }
    }
    s
}

/// NET-04 the change report in words, one line per change.
pub fn describe_changes(lines: &[network::ChangeReportLine]) -> String {
    let mut s = format!(
        "{} change(s), {} late (NET-04)\n",
        lines.len(),
        lines.iter().filter(|l| l.change.late).count()
    );
    for l in lines {
        let c = &l.change;
        s.push_str(&format!(
            "  {} {} {} {}={:?} effective {}: due {}, told {}{}\n",
            c.npi,
            l.provider_name,
            c.kind,
            c.field,
            c.value,
            c.effective,
            c.due,
            c.reported,
            if c.late {
                format!(" LATE by {} day(s)", l.days_late)
            } else {
                " on time".to_owned()
            }
        ));
    }
    s
}

/// Runs `accord provider …`.
pub async fn run(db: &str, args: ProviderArgs) -> anyhow::Result<ExitCode> {
    let plan = load_plan(args.plan.as_deref())?;
    let now = instant(args.at.as_deref(), &plan)?;
    let day = today(now, &plan);
    let actor = args.actor.as_str();
    let json = args.json;
    let store = open_store(db).await?;
    match args.command {
        ProviderCommand::Show { npi: n, on } => {
            let v = network::show(&store, &plan, &npi(&n)?, on.unwrap_or(day))
                .await
                .map_err(fail)?;
            print(json, &v, || describe(&v))?;
        }
        ProviderCommand::Apply { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let form: ApplicationForm = serde_json::from_str(&text)
                .map_err(|e| invalid(format!("{}: {e}", file.display())))?;
            let app = network::apply(&store, &plan, form, day, now, actor)
                .await
                .map_err(fail)?;
            print(json, &app, || {
                let mut s = format!(
                    "{} received for {}: {}\n",
                    app.id,
                    app.npi(),
                    app.phase().as_str()
                );
                for m in app.missing() {
                    s.push_str(&format!("  - {}\n", m.what));
                }
                s
            })?;
        }
        ProviderCommand::Verify {
            application,
            item,
            evidence,
            on,
            failed,
            note,
        } => {
            let item: Item = spelled("item", &item)?;
            let app = network::verify(
                &store,
                &application,
                &Verification {
                    item,
                    evidence,
                    passed: !failed,
                    verified_on: on.unwrap_or(day),
                    note,
                },
                day,
                now,
                actor,
            )
            .await
            .map_err(fail)?;
            print(json, &app, || {
                format!(
                    "{}: {} verified; {} item(s) missing; {}\n",
                    app.id,
                    item.label(),
                    app.missing().len(),
                    app.phase().as_str()
                )
            })?;
        }
        ProviderCommand::Decide {
            application,
            outcome,
            reason,
            effective,
            notice,
            appeal,
        } => {
            let outcome: Outcome = spelled("outcome", &outcome)?;
            let mut eff = std::collections::BTreeMap::new();
            for e in &effective {
                let (lob, d) = e
                    .split_once('=')
                    .ok_or_else(|| invalid(format!("--effective: {e:?} is not LINE=YYYY-MM-DD")))?;
                let lob: Program = spelled("effective", lob)?;
                let d: Date = d
                    .trim()
                    .parse()
                    .map_err(|_| invalid(format!("--effective: {d:?} is not a date")))?;
                eff.insert(lob, d);
            }
            let decision = CommitteeDecision {
                outcome,
                reason,
                decided_on: day,
                notice_date: notice.unwrap_or(day),
                effective: eff,
            };
            let app = network::decide(&store, &application, decision, now, actor)
                .await
                .map_err(fail)?;
            let case = if appeal {
                Some(
                    network::appeal(&store, &plan, &application, now, "provider")
                        .await
                        .map_err(fail)?,
                )
            } else {
                None
            };
            print(json, &app, || {
                let mut s = format!(
                    "{}: {:?} — {}\n",
                    app.id,
                    outcome,
                    app.decision.as_ref().map_or("", |d| d.reason.as_str())
                );
                if let Some(c) = &case {
                    s.push_str(&format!("appeal filed: {} (NET-06)\n", c.record.id));
                }
                s
            })?;
        }
        ProviderCommand::Sanction {
            npi: n,
            level,
            from,
            to,
            extended,
            reason,
        } => {
            let level: SanctionLevel = spelled("level", &level)?;
            let out = network::sanction(
                &store,
                &plan,
                &npi(&n)?,
                &SanctionOrder {
                    level,
                    start: from,
                    end: to,
                    extended,
                    reason,
                },
                now,
                actor,
            )
            .await
            .map_err(fail)?;
            print(json, &out, || {
                let x = &out.effect.sanction;
                let mut s = format!(
                    "{} {} from {} to {} (NET-05)\n",
                    x.npi,
                    x.level.as_str(),
                    x.start,
                    x.end.map_or("open".into(), |e| e.to_string())
                );
                for m in &out.members_in_care {
                    s.push_str(&format!(
                        "  transition member {} (authorizations {:?}, last service {:?})\n",
                        m.member_id, m.open_authorizations, m.last_service
                    ));
                }
                s
            })?;
        }
        ProviderCommand::Reinstate { npi: n, on, reason } => {
            let r = network::reinstate(&store, &npi(&n)?, on, &reason, now, actor)
                .await
                .map_err(fail)?;
            print(json, &r, || {
                format!(
                    "{n} reinstated from {on}: {} sanction(s) ended\n",
                    r.ended.len()
                )
            })?;
        }
        ProviderCommand::Leave {
            npi: n,
            from,
            reason,
        } => {
            let c = network::leave(
                &store,
                &npi(&n)?,
                LeaveAction::Leave,
                from,
                &reason,
                now,
                actor,
            )
            .await
            .map_err(fail)?;
            print(json, &c, || format!("{n} on leave from {from} (NET-08)\n"))?;
        }
        ProviderCommand::Return { npi: n, on } => {
            let c = network::leave(&store, &npi(&n)?, LeaveAction::Return, on, "", now, actor)
                .await
                .map_err(fail)?;
            print(json, &c, || {
                format!("{n} participating again from {on} (NET-08)\n")
            })?;
        }
        ProviderCommand::RecredentialDue { on, apply } => {
            let r = network::daily(&store, &plan, on, apply, now, actor)
                .await
                .map_err(fail)?;
            print(json, &r, || {
                let j = &r.recredentialing;
                let mut s = format!(
                    "{on}: {} opening, {} due, {} lapsing, {} disenrollment notice(s)\n",
                    j.opening.len(),
                    j.due.len(),
                    j.lapsing.len(),
                    r.disenrollment.len()
                );
                for c in &j.opening {
                    s.push_str(&format!("  opens  {} due {}\n", c.npi, c.due_on));
                }
                for c in &j.due {
                    s.push_str(&format!("  due    {} by {}\n", c.npi, c.due_on));
                }
                for l in &j.lapsing {
                    s.push_str(&format!(
                        "  lapse  {} (due {}): terminated from {}{}\n",
                        l.cycle.npi,
                        l.cycle.due_on,
                        l.change.open.start,
                        if r.applied {
                            ""
                        } else {
                            " [not applied: --apply]"
                        }
                    ));
                }
                for n in &r.disenrollment {
                    s.push_str(&format!(
                        "  notice {} inactive since {} (NET-08)\n",
                        n.npi, n.inactive_since
                    ));
                }
                s.push_str(&describe_schedule(&r.exclusion_screening));
                s
            })?;
        }
        ProviderCommand::Change {
            npi: n,
            kind,
            field,
            value,
            effective,
            reported,
            description,
        } => {
            let change = ProviderChange {
                kind: spelled("kind", &kind)?,
                field: field.trim().to_owned(),
                value,
                effective,
                reported: reported.unwrap_or(day),
                description,
            };
            let check = network::report_change(&store, &plan, &npi(&n)?, &change, now, actor)
                .await
                .map_err(fail)?;
            print(json, &check, || {
                format!(
                    "{n} {} {}: notice due {}, told {}{} — {}\n",
                    change.kind.as_str(),
                    change.field,
                    check.due,
                    change.reported,
                    if check.late {
                        format!(", LATE by {} day(s)", check.days_late)
                    } else {
                        ", on time".to_owned()
                    },
                    check.rule
                )
            })?;
        }
        ProviderCommand::Changes { from, to, late } => {
            let lines = network::change_report(&store, from, to, late)
                .await
                .map_err(fail)?;
            print(json, &lines, || describe_changes(&lines))?;
        }
        ProviderCommand::Exclusions(ExclusionsCommand::Schedule { on }) => {
            let on = on.unwrap_or(day);
            let schedule = network::screening_schedule(&store, &plan, on)
                .await
                .map_err(fail)?;
            let runs = network::screenings(&store).await.map_err(fail)?;
            let v = serde_json::json!({ "schedule": schedule, "screenings": runs });
            print(json, &v, || {
                let mut s = String::new();
                for r in &runs {
                    s.push_str(&format!(
                        "{} on {} by {}: {} (list of {}), {} screened, {} confirmed, {} for review\n",
                        r.screening_id,
                        r.screened_on,
                        if r.screened_by.is_empty() {
                            "?"
                        } else {
                            r.screened_by.as_str()
                        },
                        r.source,
                        r.list_date.map_or("undated".into(), |d| d.to_string()),
                        r.subjects,
                        r.confirmed,
                        r.for_review
                    ));
                }
                s.push_str(&describe_schedule(&schedule));
                s
            })?;
        }
        ProviderCommand::Exclusions(ExclusionsCommand::Import {
            file,
            on,
            list_date,
        }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let source = file
                .file_name()
                .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
            let r = network::import_exclusions(
                &store,
                &plan,
                &text,
                &source,
                list_date,
                on.unwrap_or(day),
                now,
                actor,
            )
            .await
            .map_err(|e| match e {
                accord_service::ServiceError::Form(m) => {
                    invalid(format!("{}: {m}", file.display()))
                }
                other => fail(other),
            })?;
            print(json, &r, || {
                let mut s = format!(
                    "{}: {} entries, {} providers screened, {} match(es), {} suspended (NET-07)\n",
                    r.screening.screening_id,
                    r.screening.entries,
                    r.screening.subjects,
                    r.matches.len(),
                    r.suspensions.len()
                );
                for m in &r.matches {
                    s.push_str(&format!(
                        "  {} {} — {} ({}, {})\n",
                        m.npi,
                        m.name,
                        m.entry.display_name(),
                        m.basis.as_str(),
                        m.status.as_str()
                    ));
                }
                s
            })?;
        }
        ProviderCommand::Exclusions(ExclusionsCommand::Review {
            match_id,
            confirm,
            dismiss,
            note,
        }) => match match_id {
            None => {
                let v = network::exclusions_for_review(&store).await.map_err(fail)?;
                print(json, &v, || {
                    let mut s = format!("{} match(es) awaiting review\n", v.len());
                    for m in &v {
                        s.push_str(&format!("  {} {} ({})\n", m.match_id, m.npi, m.basis));
                    }
                    s
                })?;
            }
            Some(id) => {
                if !confirm && !dismiss {
                    return Err(invalid(
                        "exclusions review --match: say --confirm or --dismiss",
                    ));
                }
                let (m, s) =
                    network::review_exclusion(&store, &plan, &id, confirm, &note, day, now, actor)
                        .await
                        .map_err(fail)?;
                print(json, &m, || {
                    format!(
                        "{}: {}{}\n",
                        m.match_id,
                        m.status,
                        if s.is_some() {
                            "; provider suspended (NET-07)"
                        } else {
                            ""
                        }
                    )
                })?;
            }
        },
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
