//! The operations on a service plan: pure functions that take the plan, a command, the
//! configuration ([`Policy`]) and today's date, and return the changed plan with a description of
//! the change for the event log, or a [`Refusal`] that names the rule and says what to do instead.
//! The plan passed in is never modified, so a refusal leaves nothing half-done.

use accord_core::{Date, MemberId, Modifier, Npi, ProcedureCode, Units};
use jiff::ToSpan as _;
use serde::Serialize;

use crate::model::{
    Authorization, Document, DocumentStatus, EndDated, Frequency, LineState, Note, NoteKind,
    PlanId, PlanStatus, PlannedLine, ServicePlan,
};
use crate::policy::Policy;
use crate::refusal::Refusal;

/// A service to plan: everything a line has before it is numbered and authorized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine {
    /// Service code.
    pub service: ProcedureCode,
    /// Modifiers (any order; duplicates dropped).
    pub modifiers: Vec<Modifier>,
    /// Provider.
    pub provider: Npi,
    /// Units per `frequency`.
    pub units: Units,
    /// Per calendar day, week or month.
    pub frequency: Frequency,
    /// First day.
    pub begin: Date,
    /// Last day.
    pub end: Date,
}

/// A note to add. Its date is the day it is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    /// What it is for.
    pub kind: NoteKind,
    /// Who writes it.
    pub author: String,
    /// The note.
    pub text: String,
}

/// A new plan (or a reassessment): what `accord plan-of-care create FILE.json` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    /// The ID asked for; when none, the caller assigns one.
    pub id: Option<PlanId>,
    /// The member.
    pub member: MemberId,
    /// First day of the plan year.
    pub plan_begin: Date,
    /// Last day of the plan year.
    pub plan_end: Date,
    /// Planned services.
    pub lines: Vec<NewLine>,
    /// Notes.
    pub notes: Vec<NewNote>,
    /// Supporting documents and their status.
    pub documents: Vec<(String, DocumentStatus)>,
}

/// Edits to a line not yet authorized: each `Some` replaces that field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    /// New service code.
    pub service: Option<ProcedureCode>,
    /// New modifiers.
    pub modifiers: Option<Vec<Modifier>>,
    /// New provider.
    pub provider: Option<Npi>,
    /// New units.
    pub units: Option<Units>,
    /// New frequency.
    pub frequency: Option<Frequency>,
    /// New begin date.
    pub begin: Option<Date>,
    /// New end date.
    pub end: Option<Date>,
}

/// SP-02's one-step change of an authorized line: it is end-dated the day before `effective`,
/// and a new line with the same service and the changed values begins on `effective`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChange {
    /// The first day of the new amounts.
    pub effective: Date,
    /// New units (increase or decrease).
    pub units: Option<Units>,
    /// New frequency.
    pub frequency: Option<Frequency>,
    /// New provider (transfer).
    pub provider: Option<Npi>,
    /// End of the new line (default: the old line's end).
    pub end: Option<Date>,
}

/// A change to an existing plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Add a planned service (SP-01; on an authorized plan, an addendum: SP-03).
    AddLine(NewLine),
    /// Edit a line not yet authorized (SP-02 refuses authorized lines).
    EditLine {
        /// Line number.
        line: u32,
        /// The edits.
        edit: LineEdit,
    },
    /// Remove a line not yet authorized (SP-02 refuses authorized lines).
    RemoveLine {
        /// Line number.
        line: u32,
    },
    /// End-date an authorized line and add its replacement in one step (SP-02).
    ChangeLine {
        /// Line number.
        line: u32,
        /// The change.
        change: LineChange,
    },
    /// Set a line's end date (on an authorized line, only earlier: SP-02).
    EndLine {
        /// Line number.
        line: u32,
        /// The new last day.
        end: Date,
    },
    /// Add a note (SP-04 supervisor review, SP-05 priority justification, or general).
    AddNote(NewNote),
    /// Add a supporting document or set its status (SP-04).
    SetDocument {
        /// Document name.
        name: String,
        /// Its status.
        status: DocumentStatus,
    },
    /// Submit for review and authorization (SP-04; with priority, SP-05).
    Submit {
        /// Ask for priority processing.
        priority: bool,
    },
    /// Return a plan in review to its author, with the reason.
    Return {
        /// The reviewer.
        by: String,
        /// Why (kept as a general note).
        reason: String,
    },
    /// Authorize a plan in review: every planned line becomes authorized (SP-04 checked again).
    Authorize {
        /// The reviewer.
        by: String,
    },
}

/// What a change did, for the event log and the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The event action, e.g. `line_changed`.
    pub action: &'static str,
    /// One sentence for people, e.g. `line 3 end-dated 2026-03-31; line 5 added from 2026-04-01`.
    pub summary: String,
    /// The lines concerned.
    pub lines: Vec<u32>,
}

/// The result of an accepted command: the plan as it now stands and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The changed plan (revision one higher).
    pub plan: ServicePlan,
    /// The change.
    pub change: Change,
}

/// The event actions the operations produce.
pub mod action {
    /// A plan was created.
    pub const PLAN_CREATED: &str = "plan_created";
    /// A reassessment plan was created (SP-03).
    pub const REASSESSMENT_CREATED: &str = "reassessment_created";
    /// A line was added.
    pub const LINE_ADDED: &str = "line_added";
    /// A planned line was edited.
    pub const LINE_EDITED: &str = "line_edited";
    /// A planned line was removed.
    pub const LINE_REMOVED: &str = "line_removed";
    /// An authorized line was end-dated and replaced (SP-02).
    pub const LINE_CHANGED: &str = "line_changed";
    /// A line's end date was set.
    pub const LINE_END_DATED: &str = "line_end_dated";
    /// A note was added.
    pub const NOTE_ADDED: &str = "note_added";
    /// A document was added or its status set.
    pub const DOCUMENT_SET: &str = "document_set";
    /// The plan was submitted for review.
    pub const SUBMITTED: &str = "submitted";
    /// The plan was returned by the reviewer.
    pub const RETURNED: &str = "returned";
    /// The plan was authorized.
    pub const AUTHORIZED: &str = "authorized";
}

fn next_day(d: Date) -> Date {
    // Saturating: only 9999-12-31 has no next day, and no plan year reaches it.
    d.tomorrow().unwrap_or(d)
}

fn previous_day(d: Date) -> Date {
    d.yesterday().unwrap_or(d)
}

fn blank(field: &str, value: &str, what: &str) -> Result<(), Refusal> {
    if value.trim().is_empty() {
        return Err(Refusal::Invalid {
            field: field.to_owned(),
            problem: format!("must not be empty ({what})"),
        });
    }
    Ok(())
}

fn sorted(mut mods: Vec<Modifier>) -> Vec<Modifier> {
    mods.sort();
    mods.dedup();
    mods
}

/// SP-01: a plan year runs from `begin` to `end`, inclusive, and is at most one year long (the
/// next year is a reassessment plan, SP-03).
pub fn check_plan_year(begin: Date, end: Date) -> Result<(), Refusal> {
    if end < begin {
        return Err(Refusal::PlanYear {
            begin,
            end,
            problem: "ends before it begins; give an end date on or after the begin date".into(),
        });
    }
    if let Ok(year_later) = begin.checked_add(1.year()) {
        let last = previous_day(year_later);
        if end > last {
            return Err(Refusal::PlanYear {
                begin,
                end,
                problem: format!(
                    "is longer than one year; a plan covers one plan year (end it by {last}) and the next year is a reassessment plan with its own dates (SP-03)"
                ),
            });
        }
    }
    Ok(())
}

/// SP-01, SP-02, SP-03, SP-06: checks one line against the plan: dates in order and inside the
/// plan year, per-diem shape, and no second line for the same service and provider on any day.
/// `line` is compared with every other line of `plan` (a line with its own number is skipped).
pub fn check_line(plan: &ServicePlan, line: &PlannedLine, policy: &Policy) -> Result<(), Refusal> {
    let label = line.label();
    // SP-01: begin ≤ end.
    if line.end < line.begin {
        return Err(Refusal::LineEndsBeforeBegin {
            line: label,
            begin: line.begin,
            end: line.end,
        });
    }
    // SP-01: inside the plan year.
    if line.begin < plan.plan_begin {
        return Err(Refusal::LineBeforePlanYear {
            line: label,
            begin: line.begin,
            plan_begin: plan.plan_begin,
        });
    }
    // SP-03: next year's services are never merged into this year's plan.
    if line.end > plan.plan_end {
        return Err(Refusal::LineAfterPlanYear {
            line: label,
            end: line.end,
            plan_end: plan.plan_end,
        });
    }
    // SP-06: per-diem services are 1 unit per calendar day.
    if policy.is_per_diem(&line.service)
        && (line.units.value() != 1.into() || line.frequency != Frequency::CalendarDay)
    {
        return Err(Refusal::PerDiem {
            service: line.service_text(),
            units: format!(
                "{} {}",
                line.units,
                if line.units.value() == 1.into() {
                    "unit"
                } else {
                    "units"
                }
            ),
            frequency: line.frequency.to_string(),
        });
    }
    // SP-02: an increase is never a second, overlapping line for the same service.
    if let Some(other) = plan.lines.iter().find(|o| {
        o.number != line.number
            && o.same_service_and_provider(line)
            && o.begin <= line.end
            && line.begin <= o.end
    }) {
        return Err(Refusal::OverlappingLine {
            existing: other.label_with_dates(),
            existing_short: format!("line {}", other.number),
        });
    }
    Ok(())
}

fn build_line(number: u32, new: &NewLine) -> PlannedLine {
    PlannedLine {
        number,
        service: new.service.clone(),
        modifiers: sorted(new.modifiers.clone()),
        provider: new.provider.clone(),
        units: new.units,
        frequency: new.frequency,
        begin: new.begin,
        end: new.end,
        state: LineState::Planned,
        authorized_on: None,
        replaces: None,
        end_dated: None,
    }
}

/// Creates a draft plan (SP-01) with the ID `id` (the caller's choice when `new.id` is none).
pub fn create(id: PlanId, new: &NewPlan, policy: &Policy, today: Date) -> Result<Applied, Refusal> {
    let plan = build(id, new, None, policy, today)?;
    let summary = format!(
        "plan {} created for member {}: plan year {} to {}, {} line(s)",
        plan.id,
        plan.member,
        plan.plan_begin,
        plan.plan_end,
        plan.lines.len()
    );
    let lines = plan.lines.iter().map(|l| l.number).collect();
    Ok(Applied {
        plan,
        change: Change {
            action: action::PLAN_CREATED,
            summary,
            lines,
        },
    })
}

/// SP-03: a reassessment is a new plan with its own dates, after `previous`'s plan year, for the
/// same member. `previous` is not changed (its dates never change); nothing of it is copied.
pub fn reassess(
    previous: &ServicePlan,
    id: PlanId,
    new: &NewPlan,
    policy: &Policy,
    today: Date,
) -> Result<Applied, Refusal> {
    if new.member != previous.member {
        return Err(Refusal::ReassessmentMember {
            previous: previous.id.to_string(),
            member: previous.member.to_string(),
            given: new.member.to_string(),
        });
    }
    if new.plan_begin <= previous.plan_end {
        return Err(Refusal::ReassessmentOverlaps {
            previous: previous.id.to_string(),
            previous_end: previous.plan_end,
            begin: new.plan_begin,
        });
    }
    let plan = build(id, new, Some(previous.id.clone()), policy, today)?;
    let summary = format!(
        "reassessment plan {} created after plan {}: plan year {} to {}, {} line(s)",
        plan.id,
        previous.id,
        plan.plan_begin,
        plan.plan_end,
        plan.lines.len()
    );
    let lines = plan.lines.iter().map(|l| l.number).collect();
    Ok(Applied {
        plan,
        change: Change {
            action: action::REASSESSMENT_CREATED,
            summary,
            lines,
        },
    })
}

fn build(
    id: PlanId,
    new: &NewPlan,
    predecessor: Option<PlanId>,
    policy: &Policy,
    today: Date,
) -> Result<ServicePlan, Refusal> {
    check_plan_year(new.plan_begin, new.plan_end)?;
    let mut plan = ServicePlan {
        id,
        member: new.member.clone(),
        plan_begin: new.plan_begin,
        plan_end: new.plan_end,
        status: PlanStatus::Draft,
        predecessor,
        priority: false,
        lines: Vec::new(),
        notes: Vec::new(),
        documents: Vec::new(),
        revision: 1,
        authorized_revision: None,
        authorized: None,
    };
    for l in &new.lines {
        let line = build_line(plan.next_line_number(), l);
        check_line(&plan, &line, policy)?;
        plan.lines.push(line);
    }
    for (i, n) in new.notes.iter().enumerate() {
        blank(&format!("notes[{i}].author"), &n.author, "who wrote it")?;
        blank(&format!("notes[{i}].text"), &n.text, "what it says")?;
        plan.notes.push(Note {
            kind: n.kind,
            author: n.author.trim().to_owned(),
            on: today,
            text: n.text.trim().to_owned(),
            revision: 1,
        });
    }
    for (i, (name, status)) in new.documents.iter().enumerate() {
        blank(&format!("documents[{i}].name"), name, "the document's name")?;
        if find_document(&plan, name).is_some() {
            return Err(Refusal::Invalid {
                field: format!("documents[{i}].name"),
                problem: format!("{:?} is listed twice", name.trim()),
            });
        }
        plan.documents.push(Document {
            name: name.trim().to_owned(),
            status: *status,
            updated_on: today,
        });
    }
    Ok(plan)
}

fn find_document(plan: &ServicePlan, name: &str) -> Option<usize> {
    let name = name.trim();
    plan.documents
        .iter()
        .position(|d| d.name.eq_ignore_ascii_case(name))
}

fn line_index(plan: &ServicePlan, number: u32) -> Result<usize, Refusal> {
    plan.lines
        .iter()
        .position(|l| l.number == number)
        .ok_or_else(|| Refusal::NoSuchLine {
            plan: plan.id.to_string(),
            line: number,
            known: if plan.lines.is_empty() {
                "none yet".into()
            } else {
                plan.lines
                    .iter()
                    .map(|l| l.number.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
}

/// Lines may change only outside review, and (SP-03) only within the current plan year.
fn lines_may_change(plan: &ServicePlan, today: Date) -> Result<(), Refusal> {
    if plan.status == PlanStatus::InReview {
        return Err(Refusal::WrongStatus {
            plan: plan.id.to_string(),
            status: plan.status.to_string(),
            what: "its lines change only after the review ends: wait for the authorization, or ask the reviewer to return it".into(),
        });
    }
    if today > plan.plan_end {
        return Err(Refusal::PlanYearOver {
            plan: plan.id.to_string(),
            plan_end: plan.plan_end,
        });
    }
    Ok(())
}

/// SP-02: the dates suggested to a person who tried to edit an authorized line: the change takes
/// effect today (or the line's second day, if it has not begun), the line ends the day before.
fn suggested_split(line: &PlannedLine, today: Date) -> (Date, Date) {
    let begin = today.max(next_day(line.begin));
    (previous_day(begin), begin)
}

/// SP-04: a supervisor-review note since the last authorization, and every document Complete.
fn check_ready(plan: &ServicePlan) -> Result<(), Refusal> {
    let missing_supervisor_note = !plan
        .notes_since_authorization()
        .any(|n| n.kind == NoteKind::SupervisorReview);
    let incomplete: Vec<(String, String)> = plan
        .documents
        .iter()
        .filter(|d| d.status != DocumentStatus::Complete)
        .map(|d| (d.name.clone(), d.status.to_string()))
        .collect();
    if missing_supervisor_note || !incomplete.is_empty() {
        return Err(Refusal::NotReadyForReview {
            plan: plan.id.to_string(),
            last_authorized: plan.authorized.as_ref().map(|a| a.on),
            missing_supervisor_note,
            incomplete,
        });
    }
    Ok(())
}

/// SP-05: priority processing needs a priority-justification note since the last authorization,
/// unless every line awaiting authorization is a service the plan lists as exempt.
fn check_priority(plan: &ServicePlan, policy: &Policy) -> Result<(), Refusal> {
    let justified = plan
        .notes_since_authorization()
        .any(|n| n.kind == NoteKind::PriorityJustification);
    if justified {
        return Ok(());
    }
    let pending: Vec<&PlannedLine> = plan.planned_lines().collect();
    let exempt: Vec<&PlannedLine> = pending
        .iter()
        .copied()
        .filter(|l| policy.is_priority_exempt(&l.service))
        .collect();
    if !pending.is_empty() && exempt.len() == pending.len() {
        return Ok(());
    }
    let exempt_hint = if exempt.is_empty() {
        String::new()
    } else {
        let not: Vec<String> = pending
            .iter()
            .filter(|l| !policy.is_priority_exempt(&l.service))
            .map(|l| format!("line {} ({})", l.number, l.service))
            .collect();
        format!(
            " (exempt services need none, but {} {} not exempt)",
            not.join(", "),
            if not.len() == 1 { "is" } else { "are" }
        )
    };
    Err(Refusal::PriorityWithoutJustification {
        plan: plan.id.to_string(),
        exempt_hint,
    })
}

fn after_line_change(plan: &mut ServicePlan) {
    if plan.status == PlanStatus::Authorized {
        plan.status = PlanStatus::Amending;
    }
}

/// Applies `cmd` to `plan` on `today`. On success the returned plan has its revision one higher;
/// on refusal `plan` is as it was.
pub fn apply(
    plan: &ServicePlan,
    cmd: &Command,
    policy: &Policy,
    today: Date,
) -> Result<Applied, Refusal> {
    let mut p = plan.clone();
    let revision = plan.revision + 1;
    let change = match cmd {
        Command::AddLine(new) => {
            lines_may_change(&p, today)?;
            let line = build_line(p.next_line_number(), new);
            check_line(&p, &line, policy)?;
            let change = Change {
                action: action::LINE_ADDED,
                summary: format!("{} added, {} to {}", line.label(), line.begin, line.end),
                lines: vec![line.number],
            };
            p.lines.push(line);
            after_line_change(&mut p);
            change
        }
        Command::EditLine { line, edit } => {
            lines_may_change(&p, today)?;
            let i = line_index(&p, *line)?;
            let old = p.lines[i].clone();
            if old.state == LineState::Authorized {
                let (end_on, begin_on) = suggested_split(&old, today);
                return Err(Refusal::AuthorizedLineEdited {
                    line: old.label(),
                    end_on,
                    begin_on,
                });
            }
            let mut new = old.clone();
            if let Some(v) = &edit.service {
                new.service = v.clone();
            }
            if let Some(v) = &edit.modifiers {
                new.modifiers = sorted(v.clone());
            }
            if let Some(v) = &edit.provider {
                new.provider = v.clone();
            }
            if let Some(v) = edit.units {
                new.units = v;
            }
            if let Some(v) = edit.frequency {
                new.frequency = v;
            }
            if let Some(v) = edit.begin {
                new.begin = v;
            }
            if let Some(v) = edit.end {
                new.end = v;
            }
            if new == old {
                return Err(Refusal::NothingToChange { line: old.label() });
            }
            check_line(&p, &new, policy)?;
            let change = Change {
                action: action::LINE_EDITED,
                summary: format!(
                    "{} edited: now {}, {} to {}",
                    format_args!("line {}", old.number),
                    new.label(),
                    new.begin,
                    new.end
                ),
                lines: vec![new.number],
            };
            p.lines[i] = new;
            change
        }
        Command::RemoveLine { line } => {
            lines_may_change(&p, today)?;
            let i = line_index(&p, *line)?;
            let old = p.lines[i].clone();
            if old.state == LineState::Authorized {
                return Err(Refusal::AuthorizedLineRemoved { line: old.label() });
            }
            p.lines.remove(i);
            after_line_change(&mut p);
            Change {
                action: action::LINE_REMOVED,
                summary: format!("{} removed (it was never authorized)", old.label()),
                lines: vec![old.number],
            }
        }
        Command::ChangeLine { line, change } => {
            lines_may_change(&p, today)?;
            let i = line_index(&p, *line)?;
            let old = p.lines[i].clone();
            if old.state != LineState::Authorized {
                return Err(Refusal::NotAuthorizedYet { line: old.label() });
            }
            if change.effective <= old.begin {
                return Err(Refusal::ChangeTooEarly {
                    line: old.label(),
                    begin: old.begin,
                    earliest: next_day(old.begin),
                });
            }
            if change.effective > old.end {
                return Err(Refusal::ChangeAfterEnd {
                    line: old.label(),
                    end: old.end,
                    effective: change.effective,
                });
            }
            let mut new = PlannedLine {
                number: p.next_line_number(),
                begin: change.effective,
                state: LineState::Planned,
                authorized_on: None,
                replaces: Some(old.number),
                end_dated: None,
                ..old.clone()
            };
            if let Some(v) = change.units {
                new.units = v;
            }
            if let Some(v) = change.frequency {
                new.frequency = v;
            }
            if let Some(v) = &change.provider {
                new.provider = v.clone();
            }
            if let Some(v) = change.end {
                new.end = v;
            }
            if new.units == old.units
                && new.frequency == old.frequency
                && new.provider == old.provider
                && new.end == old.end
            {
                return Err(Refusal::NothingToChange { line: old.label() });
            }
            let ended_on = previous_day(change.effective);
            p.lines[i].end = ended_on;
            p.lines[i].end_dated = Some(EndDated {
                on: today,
                previous_end: old.end,
            });
            check_line(&p, &new, policy)?;
            let summary = format!(
                "line {} end-dated {} (was {}); {} added from {} to {}, continuing it",
                old.number,
                ended_on,
                old.end,
                new.label(),
                new.begin,
                new.end
            );
            let lines = vec![old.number, new.number];
            p.lines.push(new);
            after_line_change(&mut p);
            Change {
                action: action::LINE_CHANGED,
                summary,
                lines,
            }
        }
        Command::EndLine { line, end } => {
            lines_may_change(&p, today)?;
            let i = line_index(&p, *line)?;
            let old = p.lines[i].clone();
            if *end == old.end {
                return Err(Refusal::NothingToChange { line: old.label() });
            }
            if old.state == LineState::Authorized && *end > old.end {
                return Err(Refusal::EndDateExtended {
                    line: old.label(),
                    end: old.end,
                    asked: *end,
                    next_day: next_day(old.end),
                });
            }
            let mut new = old.clone();
            new.end = *end;
            if old.state == LineState::Authorized {
                new.end_dated = Some(EndDated {
                    on: today,
                    previous_end: old.end,
                });
            }
            check_line(&p, &new, policy)?;
            p.lines[i] = new;
            if old.state == LineState::Authorized {
                after_line_change(&mut p);
            }
            Change {
                action: action::LINE_END_DATED,
                summary: format!("{} now ends {} (was {})", old.label(), end, old.end),
                lines: vec![old.number],
            }
        }
        Command::AddNote(n) => {
            blank("author", &n.author, "who writes the note")?;
            blank("text", &n.text, "what the note says")?;
            p.notes.push(Note {
                kind: n.kind,
                author: n.author.trim().to_owned(),
                on: today,
                text: n.text.trim().to_owned(),
                revision,
            });
            Change {
                action: action::NOTE_ADDED,
                summary: format!("{} note added by {}", n.kind, n.author.trim()),
                lines: vec![],
            }
        }
        Command::SetDocument { name, status } => {
            blank("name", name, "the document's name")?;
            let summary = match find_document(&p, name) {
                Some(i) => {
                    let before = p.documents[i].status;
                    if before == *status {
                        return Err(Refusal::Invalid {
                            field: "status".into(),
                            problem: format!(
                                "document {} is already {status}",
                                p.documents[i].name
                            ),
                        });
                    }
                    p.documents[i].status = *status;
                    p.documents[i].updated_on = today;
                    format!(
                        "document {} set to {status} (was {before})",
                        p.documents[i].name
                    )
                }
                None => {
                    p.documents.push(Document {
                        name: name.trim().to_owned(),
                        status: *status,
                        updated_on: today,
                    });
                    format!("document {} added as {status}", name.trim())
                }
            };
            Change {
                action: action::DOCUMENT_SET,
                summary,
                lines: vec![],
            }
        }
        Command::Submit { priority } => {
            match p.status {
                PlanStatus::Draft | PlanStatus::Amending => {}
                PlanStatus::InReview => {
                    return Err(Refusal::WrongStatus {
                        plan: p.id.to_string(),
                        status: p.status.to_string(),
                        what: "it was already submitted; wait for the authorization, or ask the reviewer to return it".into(),
                    });
                }
                PlanStatus::Authorized => {
                    return Err(Refusal::WrongStatus {
                        plan: p.id.to_string(),
                        status: p.status.to_string(),
                        what: "nothing is waiting for review; add or end-date lines (an addendum) first".into(),
                    });
                }
            }
            if p.lines.is_empty() {
                return Err(Refusal::NoLines {
                    plan: p.id.to_string(),
                });
            }
            check_ready(&p)?;
            if *priority {
                check_priority(&p, policy)?;
            }
            p.status = PlanStatus::InReview;
            p.priority = *priority;
            Change {
                action: action::SUBMITTED,
                summary: format!(
                    "plan {} submitted for review{} with {} line(s) awaiting authorization",
                    p.id,
                    if *priority {
                        " with priority processing"
                    } else {
                        ""
                    },
                    p.planned_lines().count()
                ),
                lines: p.planned_lines().map(|l| l.number).collect(),
            }
        }
        Command::Return { by, reason } => {
            if p.status != PlanStatus::InReview {
                return Err(Refusal::WrongStatus {
                    plan: p.id.to_string(),
                    status: p.status.to_string(),
                    what: "only a plan in review can be returned".into(),
                });
            }
            blank("by", by, "the reviewer")?;
            blank("reason", reason, "what the author must fix")?;
            p.notes.push(Note {
                kind: NoteKind::General,
                author: by.trim().to_owned(),
                on: today,
                text: format!("returned: {}", reason.trim()),
                revision,
            });
            p.status = if p.has_authorized_lines() {
                PlanStatus::Amending
            } else {
                PlanStatus::Draft
            };
            p.priority = false;
            Change {
                action: action::RETURNED,
                summary: format!("plan {} returned by {}: {}", p.id, by.trim(), reason.trim()),
                lines: vec![],
            }
        }
        Command::Authorize { by } => {
            if p.status != PlanStatus::InReview {
                return Err(Refusal::WrongStatus {
                    plan: p.id.to_string(),
                    status: p.status.to_string(),
                    what: "only a plan in review is authorized; submit it first".into(),
                });
            }
            blank("by", by, "the reviewer")?;
            // SP-04 holds at authorization too: a document may have been reopened since submit.
            check_ready(&p)?;
            let mut lines = Vec::new();
            for l in p.lines.iter_mut().filter(|l| l.state == LineState::Planned) {
                l.state = LineState::Authorized;
                l.authorized_on = Some(today);
                lines.push(l.number);
            }
            p.status = PlanStatus::Authorized;
            p.priority = false;
            p.authorized_revision = Some(revision);
            p.authorized = Some(Authorization {
                by: by.trim().to_owned(),
                on: today,
            });
            Change {
                action: action::AUTHORIZED,
                summary: format!(
                    "plan {} authorized by {}: {} line(s) authorized",
                    p.id,
                    by.trim(),
                    lines.len()
                ),
                lines,
            }
        }
    };
    p.revision = revision;
    Ok(Applied { plan: p, change })
}
