//! The service plan as data: the plan with its plan year and status, its planned service lines,
//! notes and supporting documents. Plain values with serde, so the store keeps a plan as one JSON
//! document and the API (later) shows the same shape. Rules that change a plan live in
//! [`crate::ops`]; nothing here enforces them except the identifier's format.

use std::fmt;
use std::str::FromStr;

use accord_core::{Date, IdError, MemberId, Modifier, Npi, ProcedureCode, Units};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A service plan's identifier, e.g. `SP-000001`: 2–30 letters, digits and hyphens, stored
/// upper-case so look-ups never miss on case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlanId(String);

impl PlanId {
    /// Parses a plan ID.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        let err = |reason: &str| IdError {
            kind: "service plan ID",
            input: input.trim().to_owned(),
            reason: reason.to_owned(),
        };
        if !(2..=30).contains(&s.len()) {
            return Err(err("must be 2 to 30 characters"));
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(err("may contain only letters, digits and hyphens"));
        }
        Ok(Self(s))
    }

    /// The ID assigned to the `n`th plan when the caller gives none: `SP-000001`, `SP-000002`, …
    pub fn numbered(n: u64) -> Self {
        Self(format!("SP-{n:06}"))
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PlanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PlanId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}

impl Serialize for PlanId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PlanId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Where a plan is in its life.
///
/// `draft` → (submit, SP-04/SP-05) → `in_review` → (authorize) → `authorized`; a change to an
/// authorized plan (an addendum, SP-02/SP-03) makes it `amending` until it is submitted and
/// authorized again; a reviewer may return a plan in review to `draft` or `amending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being written; nothing authorized yet.
    Draft,
    /// Submitted for review and authorization.
    InReview,
    /// Every line authorized (or ended); no change waiting.
    Authorized,
    /// Authorized before, with an addendum (new or end-dated lines) not yet submitted.
    Amending,
}

impl PlanStatus {
    /// The storage and display spelling, e.g. `in_review`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::InReview => "in_review",
            PlanStatus::Authorized => "authorized",
            PlanStatus::Amending => "amending",
        }
    }

    /// Reads a storage spelling.
    pub fn from_name(s: &str) -> Option<Self> {
        [
            PlanStatus::Draft,
            PlanStatus::InReview,
            PlanStatus::Authorized,
            PlanStatus::Amending,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

impl fmt::Display for PlanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// How often a line's units are given (SP-01): per calendar day, week or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Per calendar day (every day counts, weekends included). Per-diem services use this (SP-06).
    #[serde(alias = "day", alias = "calendar-day")]
    CalendarDay,
    /// Per week.
    Week,
    /// Per month.
    Month,
}

impl Frequency {
    /// The spelling in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::CalendarDay => "calendar_day",
            Frequency::Week => "week",
            Frequency::Month => "month",
        }
    }

    /// Reads `calendar_day` (also `calendar-day`, `day`), `week` or `month`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "calendar_day" | "day" => Ok(Frequency::CalendarDay),
            "week" => Ok(Frequency::Week),
            "month" => Ok(Frequency::Month),
            _ => Err(format!(
                "{:?} is not a frequency (use calendar_day, week or month)",
                s.trim()
            )),
        }
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Frequency::CalendarDay => "per calendar day",
            Frequency::Week => "per week",
            Frequency::Month => "per month",
        })
    }
}

/// Whether a line has been authorized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineState {
    /// Planned, awaiting authorization: may still be edited or removed.
    Planned,
    /// Authorized: never edited in place again; only its end date may move earlier (SP-02).
    Authorized,
}

/// One planned service (SP-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedLine {
    /// Line number within the plan, from 1; never reused, so "line 3" always means one line.
    pub number: u32,
    /// Service code (HCPCS/CPT).
    pub service: ProcedureCode,
    /// Modifiers, sorted, no duplicates.
    #[serde(default)]
    pub modifiers: Vec<Modifier>,
    /// The provider delivering the service.
    pub provider: Npi,
    /// Units per `frequency`.
    pub units: Units,
    /// How often `units` are given.
    pub frequency: Frequency,
    /// First day of the service (inclusive).
    pub begin: Date,
    /// Last day of the service (inclusive).
    pub end: Date,
    /// Planned or authorized.
    pub state: LineState,
    /// When it was authorized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_on: Option<Date>,
    /// The authorized line this one continues after a change (SP-02: end-date and add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<u32>,
    /// When an authorized line's end date was moved earlier (SP-02), and from what.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_dated: Option<EndDated>,
}

/// The record of an authorized line's end date being moved earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndDated {
    /// The day the change was made.
    pub on: Date,
    /// The end date it had before.
    pub previous_end: Date,
}

impl PlannedLine {
    /// True when `day` falls within the line's dates.
    pub fn covers(&self, day: Date) -> bool {
        self.begin <= day && day <= self.end
    }

    /// True when the two lines plan the same service (code and modifiers) from the same provider.
    pub fn same_service_and_provider(&self, other: &PlannedLine) -> bool {
        self.service == other.service
            && self.modifiers == other.modifiers
            && self.provider == other.provider
    }

    /// The service as shown to people: the code and its modifiers, e.g. `H2015 HE`.
    pub fn service_text(&self) -> String {
        let mut s = self.service.to_string();
        for m in &self.modifiers {
            s.push(' ');
            s.push_str(m.as_str());
        }
        s
    }

    /// [`Self::label`] with the line's dates, e.g.
    /// `line 3 (H2015 HE, 40 units per week, 2026-01-01 to 2026-12-31)`.
    pub fn label_with_dates(&self) -> String {
        let l = self.label();
        format!(
            "{}, {} to {})",
            l.strip_suffix(')').unwrap_or(&l),
            self.begin,
            self.end
        )
    }

    /// How refusals and change descriptions name a line, e.g.
    /// `line 3 (H2015 HE, 40 units per week)`.
    pub fn label(&self) -> String {
        format!(
            "line {} ({}, {} {} {})",
            self.number,
            self.service_text(),
            self.units,
            if self.units.value() == 1.into() {
                "unit"
            } else {
                "units"
            },
            self.frequency
        )
    }
}

/// What a note is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Evidence of the case-management supervisor's review (SP-04).
    SupervisorReview,
    /// Why the plan needs priority processing (SP-05).
    PriorityJustification,
    /// Anything else, e.g. a reviewer's reason for returning a plan.
    General,
}

impl NoteKind {
    /// The spelling in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::SupervisorReview => "supervisor_review",
            NoteKind::PriorityJustification => "priority_justification",
            NoteKind::General => "general",
        }
    }

    /// Reads `supervisor_review`, `priority_justification` or `general` (hyphens accepted).
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "supervisor_review" => Ok(NoteKind::SupervisorReview),
            "priority_justification" => Ok(NoteKind::PriorityJustification),
            "general" => Ok(NoteKind::General),
            _ => Err(format!(
                "{:?} is not a note kind (use supervisor_review, priority_justification or general)",
                s.trim()
            )),
        }
    }
}

impl fmt::Display for NoteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', "-"))
    }
}

/// A plan note. Notes are never edited or removed: they are the record SP-04 and SP-05 read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// What it is for.
    pub kind: NoteKind,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub on: Date,
    /// The note.
    pub text: String,
    /// The plan's revision when the note was added: SP-04/SP-05 count only notes added since the
    /// last authorization, so last year's supervisor review never clears this year's addendum.
    pub revision: u32,
}

/// A supporting document's status (SP-04).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Not started.
    Pending,
    /// Started, not finished.
    InProgress,
    /// Complete: the only status review accepts.
    Complete,
}

impl DocumentStatus {
    /// The spelling in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::Pending => "pending",
            DocumentStatus::InProgress => "in_progress",
            DocumentStatus::Complete => "complete",
        }
    }

    /// Reads `pending`, `in_progress` (or `in-progress`) or `complete`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "pending" => Ok(DocumentStatus::Pending),
            "in_progress" => Ok(DocumentStatus::InProgress),
            "complete" => Ok(DocumentStatus::Complete),
            _ => Err(format!(
                "{:?} is not a document status (use pending, in_progress or complete)",
                s.trim()
            )),
        }
    }
}

impl fmt::Display for DocumentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// A supporting document (e.g. nurse evaluation, service team release, UCAT), by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Its name; unique within the plan (compared without regard to case).
    pub name: String,
    /// Its status.
    pub status: DocumentStatus,
    /// When the status was last set.
    pub updated_on: Date,
}

/// A service plan (SP-01): one member's plan year and the services planned in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePlan {
    /// The plan's ID.
    pub id: PlanId,
    /// The member.
    pub member: MemberId,
    /// First day of the plan year (inclusive). Never changes (SP-03).
    pub plan_begin: Date,
    /// Last day of the plan year (inclusive). Never changes (SP-03).
    pub plan_end: Date,
    /// Where the plan is in its life.
    pub status: PlanStatus,
    /// For a reassessment: the plan it follows (SP-03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predecessor: Option<PlanId>,
    /// Priority processing was requested for the review under way (SP-05).
    #[serde(default)]
    pub priority: bool,
    /// Planned services, in line-number order.
    pub lines: Vec<PlannedLine>,
    /// Notes, oldest first.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Supporting documents.
    #[serde(default)]
    pub documents: Vec<Document>,
    /// Changes applied so far: 1 when created, one more per change. The store uses it to refuse a
    /// change made from a stale copy.
    pub revision: u32,
    /// The revision at the last authorization (none: never authorized).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_revision: Option<u32>,
    /// Who last authorized the plan, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized: Option<Authorization>,
}

/// Who authorized a plan and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorization {
    /// The reviewer.
    pub by: String,
    /// The day.
    pub on: Date,
}

impl ServicePlan {
    /// The line numbered `number`.
    pub fn line(&self, number: u32) -> Option<&PlannedLine> {
        self.lines.iter().find(|l| l.number == number)
    }

    /// The number the next line gets.
    pub fn next_line_number(&self) -> u32 {
        self.lines.iter().map(|l| l.number).max().unwrap_or(0) + 1
    }

    /// True when any line has ever been authorized: changes are then addenda (SP-02, SP-03).
    pub fn has_authorized_lines(&self) -> bool {
        self.lines.iter().any(|l| l.state == LineState::Authorized)
    }

    /// Notes added since the last authorization (all notes when never authorized).
    pub fn notes_since_authorization(&self) -> impl Iterator<Item = &Note> {
        let after = self.authorized_revision.unwrap_or(0);
        self.notes.iter().filter(move |n| n.revision > after)
    }

    /// Lines awaiting authorization.
    pub fn planned_lines(&self) -> impl Iterator<Item = &PlannedLine> {
        self.lines.iter().filter(|l| l.state == LineState::Planned)
    }

    /// The plan as text for people: header, lines, notes, documents.
    pub fn show(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Service plan {} — member {}, plan year {} to {}, {}{}",
            self.id,
            self.member,
            self.plan_begin,
            self.plan_end,
            self.status,
            if self.priority { ", priority" } else { "" }
        );
        if let Some(p) = &self.predecessor {
            let _ = writeln!(s, "  reassessment of plan {p}");
        }
        if let Some(a) = &self.authorized {
            let _ = writeln!(s, "  last authorized on {} by {}", a.on, a.by);
        }
        let _ = writeln!(s, "Lines:");
        if self.lines.is_empty() {
            let _ = writeln!(s, "  (none)");
        }
        for l in &self.lines {
            let state = match (l.state, l.authorized_on) {
                (LineState::Authorized, Some(d)) => format!("authorized {d}"),
                (LineState::Authorized, None) => "authorized".to_owned(),
                (LineState::Planned, _) => "planned".to_owned(),
            };
            let _ = write!(
                s,
                "  {:>3}  {:<10} {:>6} {:<17} provider {}  {} to {}  {}",
                l.number,
                l.service_text(),
                l.units.to_string(),
                l.frequency.to_string(),
                l.provider,
                l.begin,
                l.end,
                state
            );
            if let Some(r) = l.replaces {
                let _ = write!(s, "  (continues line {r})");
            }
            if let Some(e) = l.end_dated {
                let _ = write!(s, "  (end-dated on {} from {})", e.on, e.previous_end);
            }
            s.push('\n');
        }
        if !self.notes.is_empty() {
            let _ = writeln!(s, "Notes:");
            for n in &self.notes {
                let _ = writeln!(s, "  {}  {:<22} {}: {}", n.on, n.kind, n.author, n.text);
            }
        }
        if !self.documents.is_empty() {
            let _ = writeln!(s, "Documents:");
            for d in &self.documents {
                let _ = writeln!(s, "  {:<30} {} ({})", d.name, d.status, d.updated_on);
            }
        }
        s
    }
}
