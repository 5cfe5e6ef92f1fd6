//! The engine: a case is its filing plus its events, folded in time order.
//!
//! [`Case::file`] checks the filing window and opens the first clocks; [`Case::apply`] folds one
//! event (first letting time run to the event's instant, so an answer that arrives after its
//! clock closed the case is refused); [`Case::status`] lets time run to `now` on a copy and says
//! where the case stands, which clocks are open, what is due today and what is overdue. Nothing
//! here reads the clock or does I/O.
//!
//! Two invariants hold by construction and are checked by property tests:
//! - a clock's due instant never moves earlier than its rule allows (no pause, restart or
//!   extension ever lowers it; see [`crate::clock::Clock::floor`]);
//! - a closed case never reopens: once closed, every action is refused and time changes nothing.

use accord_core::{Date, Timestamp};
use serde::Serialize;

use crate::clock::{CaseContext, Clock, ClockKind, Expiry, Length, Owner};
use crate::error::CaseError;
use crate::event::{Event, Filing, NewCase};
use crate::model::{CaseKind, Closure, ClosureReason, Flag, Note, Parties, Phase, Subject};
use crate::staff::StaffDirectory;
use crate::workflow::{self, Detail};

/// A case folded from its filing and events.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The kind.
    pub kind: CaseKind,
    /// The parties.
    pub parties: Parties,
    /// What it is about.
    pub subject: Subject,
    /// When it was received.
    pub filed_at: Timestamp,
    /// Where it stands.
    pub phase: Phase,
    /// Open clocks.
    pub clocks: Vec<Clock>,
    /// How it closed, once closed.
    pub closure: Option<Closure>,
    /// What the engine did on its own (expiries) and noted while folding.
    pub notes: Vec<Note>,
    /// The instant of the last event folded (or of filing).
    pub last_event_at: Timestamp,
    /// Kind-specific facts (sample, findings, tracking number, reviewer, …).
    pub detail: Detail,
}

/// How a clock stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Running; not due today.
    Running,
    /// Due by the end of today (plan-local) and not yet overdue.
    DueToday,
    /// Past its due instant.
    Overdue,
    /// Stopped while what was asked for is awaited.
    Paused,
}

/// One open clock as shown to people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockStatus {
    /// Which clock.
    pub kind: ClockKind,
    /// Rule ID.
    pub rule: &'static str,
    /// What must be done.
    pub label: &'static str,
    /// Who must do it.
    pub owner: Owner,
    /// Its length.
    pub length: Length,
    /// When it (last) started.
    pub started: Timestamp,
    /// When it falls due (none while paused).
    pub due: Option<Timestamp>,
    /// The plan-local date it falls due.
    pub due_date: Option<Date>,
    /// How it stands at `now`.
    pub state: ClockState,
    /// What expiry does.
    pub on_expiry: Expiry,
}

/// A filing window open to a party (e.g. a Level II appeal, the state portal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    /// Rule ID.
    pub rule: &'static str,
    /// What may be filed.
    pub label: &'static str,
    /// First day (plan-local).
    pub opens: Date,
    /// Last day (plan-local), inclusive.
    pub closes: Date,
}

/// Where a case stands at `now`: the answer to "what is due and what is overdue".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseStatus {
    /// The instant asked about.
    pub now: Timestamp,
    /// The kind.
    pub kind: CaseKind,
    /// The phase at `now`.
    pub phase: Phase,
    /// How it closed (possibly by a clock that ran out before `now`).
    pub closure: Option<Closure>,
    /// Open clocks, earliest due first (paused last).
    pub clocks: Vec<ClockStatus>,
    /// Flags the rest of the system must respect (APL-04, APL-05, REC-04, REC-02).
    pub flags: Vec<Flag>,
    /// Windows open (or opening) to the filer after this case.
    pub windows: Vec<Window>,
    /// What the engine did on its own.
    pub notes: Vec<Note>,
}

impl CaseStatus {
    /// Clocks due by the end of today and not yet overdue.
    pub fn due_today(&self) -> impl Iterator<Item = &ClockStatus> {
        self.clocks
            .iter()
            .filter(|c| c.state == ClockState::DueToday)
    }

    /// Clocks past their due instant.
    pub fn overdue(&self) -> impl Iterator<Item = &ClockStatus> {
        self.clocks
            .iter()
            .filter(|c| c.state == ClockState::Overdue)
    }

    /// True when the case is closed at `now`.
    pub fn is_closed(&self) -> bool {
        self.closure.is_some()
    }
}

impl Case {
    /// Files a new case received at `received`: checks its filing window (a late filing is
    /// refused with the window and the dates named) and opens its first clocks. Some filings are
    /// accepted and closed at once with their reason (DSP-04 portal tickets, DSP-05 incomplete
    /// registrations), because the record of the closure is what the filer sees.
    pub fn file(
        new: &NewCase,
        received: Timestamp,
        ctx: &CaseContext<'_>,
    ) -> Result<Case, CaseError> {
        let mut case = Case {
            kind: kind_of(&new.filing),
            parties: new.parties.clone(),
            subject: new.subject.clone(),
            filed_at: received,
            phase: Phase::Filed,
            clocks: Vec::new(),
            closure: None,
            notes: Vec::new(),
            last_event_at: received,
            detail: Detail::None,
        };
        workflow::file(&mut case, &new.filing, ctx)?;
        Ok(case)
    }

    /// Folds one event. Time first runs to the event's instant (clocks that ran out before it
    /// take effect), then the action is checked and applied. On any refusal the case is left
    /// exactly as it was. Checks that need facts outside the case (APL-03 reporting lines) are in
    /// [`Case::act`]; replaying recorded events uses `apply` alone.
    pub fn apply(&mut self, event: &Event, ctx: &CaseContext<'_>) -> Result<(), CaseError> {
        if event.at < self.last_event_at {
            return Err(CaseError::OutOfOrder {
                at: event.at,
                previous: self.last_event_at,
            });
        }
        let mut next = self.clone();
        next.advance(event.at, ctx)?;
        if next.closure.is_some() {
            return Err(next.closed_error(event.action.name()));
        }
        workflow::apply(&mut next, event, ctx)?;
        next.last_event_at = event.at;
        *self = next;
        Ok(())
    }

    /// A new action: [`Case::apply`] plus the checks that need today's facts — APL-03 reviewer
    /// independence against the staff directory's reporting lines.
    pub fn act(
        &mut self,
        event: &Event,
        ctx: &CaseContext<'_>,
        staff: &StaffDirectory,
    ) -> Result<(), CaseError> {
        if let (crate::event::Action::AssignReviewer { reviewer }, Detail::Appeal(a)) =
            (&event.action, &self.detail)
        {
            staff.check_independent(
                reviewer,
                &a.filing.decided_by,
                a.filing.specialty.as_deref(),
            )?;
        }
        self.apply(event, ctx)
    }

    /// Lets time run to `now`: every clock whose expiry changes the case (close, escalate, deem
    /// approved, lapse) and that ran out before `now` takes effect, earliest first. Clocks that
    /// only mark overdue stay open.
    pub fn advance(&mut self, now: Timestamp, ctx: &CaseContext<'_>) -> Result<(), CaseError> {
        while self.closure.is_none() {
            let next = self
                .clocks
                .iter()
                .enumerate()
                .filter(|(_, c)| c.spec().expiry != Expiry::MarkOverdue && c.is_overdue(now))
                .min_by_key(|(_, c)| c.due)
                .map(|(i, _)| i);
            let Some(i) = next else { break };
            let clock = self.clocks.remove(i);
            let spec = clock.spec();
            let due = clock.due.unwrap_or(now);
            match spec.expiry {
                Expiry::Close(reason) => {
                    let detail = format!(
                        "{}: the time to {} ran out on {}",
                        spec.rule,
                        spec.label,
                        ctx.local_date(due)
                    );
                    self.close(reason, Some(spec.rule), due, detail);
                }
                Expiry::Lapse => self.note(
                    due,
                    spec.rule,
                    format!(
                        "the window to {} lapsed on {}",
                        spec.label,
                        ctx.local_date(due)
                    ),
                ),
                Expiry::Escalate | Expiry::DeemApproved => {
                    workflow::on_expiry(self, &clock, due, ctx)?;
                }
                Expiry::MarkOverdue => {}
            }
        }
        Ok(())
    }

    /// Where the case stands at `now` (time runs on a copy; the case itself is unchanged).
    pub fn status(&self, now: Timestamp, ctx: &CaseContext<'_>) -> Result<CaseStatus, CaseError> {
        let mut at_now = self.clone();
        at_now.advance(now.max(self.last_event_at), ctx)?;
        let today = ctx.local_date(now);
        let mut clocks: Vec<ClockStatus> = at_now
            .clocks
            .iter()
            .map(|c| {
                let spec = c.spec();
                let state = match c.due {
                    None => ClockState::Paused,
                    Some(d) if now > d => ClockState::Overdue,
                    Some(d) if ctx.local_date(d) <= today => ClockState::DueToday,
                    Some(_) => ClockState::Running,
                };
                ClockStatus {
                    kind: c.kind,
                    rule: spec.rule,
                    label: spec.label,
                    owner: spec.owner,
                    length: c.length,
                    started: c.started,
                    due: c.due,
                    due_date: c.due.map(|d| ctx.local_date(d)),
                    state,
                    on_expiry: spec.expiry,
                }
            })
            .collect();
        clocks.sort_by_key(|c| (c.due.is_none(), c.due, c.kind));
        Ok(CaseStatus {
            now,
            kind: at_now.kind,
            phase: at_now.phase,
            flags: workflow::flags(&at_now, now, ctx),
            windows: workflow::windows(&at_now, ctx)?,
            closure: at_now.closure,
            clocks,
            notes: at_now.notes,
        })
    }

    /// True once closed (closed cases never reopen).
    pub fn is_closed(&self) -> bool {
        self.closure.is_some()
    }

    /// The open clock of `kind`, if any.
    pub fn clock(&self, kind: ClockKind) -> Option<&Clock> {
        self.clocks.iter().find(|c| c.kind == kind)
    }

    pub(crate) fn clock_mut(&mut self, kind: ClockKind) -> Option<&mut Clock> {
        self.clocks.iter_mut().find(|c| c.kind == kind)
    }

    /// Opens (or replaces) the clock of `kind`.
    pub(crate) fn start_clock(
        &mut self,
        kind: ClockKind,
        start: Timestamp,
        length: Length,
        ctx: &CaseContext<'_>,
    ) -> Result<(), CaseError> {
        let clock = Clock::start(kind, start, length, ctx)?;
        self.stop_clock(kind);
        self.clocks.push(clock);
        Ok(())
    }

    /// Ends the clock of `kind` (its obligation was met); returns it.
    pub(crate) fn stop_clock(&mut self, kind: ClockKind) -> Option<Clock> {
        let i = self.clocks.iter().position(|c| c.kind == kind)?;
        Some(self.clocks.remove(i))
    }

    /// Closes the case: every clock ends.
    pub(crate) fn close(
        &mut self,
        reason: ClosureReason,
        rule: Option<&'static str>,
        at: Timestamp,
        detail: String,
    ) {
        self.clocks.clear();
        self.phase = Phase::Closed;
        self.closure = Some(Closure {
            reason,
            rule,
            at,
            detail,
        });
    }

    pub(crate) fn note(&mut self, at: Timestamp, rule: &'static str, text: String) {
        self.notes.push(Note { at, rule, text });
    }

    fn closed_error(&self, action: &'static str) -> CaseError {
        let Some(c) = &self.closure else {
            return CaseError::Invalid("case is not closed".into());
        };
        let when = c.at;
        if self.kind == CaseKind::PortalTicket {
            CaseError::Closed {
                rule: Some("DSP-04"),
                message: format!(
                    "DSP-04: this portal ticket was closed at {when} ({}); closed tickets are never \
                     reopened or restarted — submit a new ticket with all information included \
                     (refused: {action})",
                    c.reason
                ),
            }
        } else {
            CaseError::Closed {
                rule: c.rule,
                message: format!(
                    "this {} was closed at {when} ({}); a closed case never reopens — file a new \
                     one (refused: {action})",
                    self.kind, c.reason
                ),
            }
        }
    }

    pub(crate) fn not_applicable(&self, action: &'static str) -> CaseError {
        CaseError::NotApplicable {
            action,
            what: format!("a {} that is {}", self.kind, self.phase),
        }
    }
}

fn kind_of(f: &Filing) -> CaseKind {
    match f {
        Filing::Appeal(_) => CaseKind::Appeal,
        Filing::AgreementComplaint { .. } => CaseKind::AgreementComplaint,
        Filing::GeneralComplaint {} => CaseKind::GeneralComplaint,
        Filing::QualityOfCare { .. } => CaseKind::QualityOfCare,
        Filing::ClaimDispute(_) => CaseKind::ClaimDispute,
        Filing::ReviewRequest(_) => CaseKind::ReviewRequest,
        Filing::PortalRegistration(_) => CaseKind::PortalRegistration,
        Filing::PortalTicket(_) => CaseKind::PortalTicket,
        Filing::BillingAudit(_) => CaseKind::BillingAudit,
        Filing::TreatmentRecordReview {} => CaseKind::TreatmentRecordReview,
        Filing::Recovery(_) => CaseKind::Recovery,
        Filing::CredentialingAppeal(_) => CaseKind::CredentialingAppeal,
    }
}

/// Files `new` at `received` and folds `events` in order: the whole engine in one call, for
/// shells that keep a case as its filing plus its event log.
pub fn replay<'e>(
    new: &NewCase,
    received: Timestamp,
    events: impl IntoIterator<Item = &'e Event>,
    ctx: &CaseContext<'_>,
) -> Result<Case, CaseError> {
    let mut case = Case::file(new, received, ctx)?;
    for e in events {
        case.apply(e, ctx)?;
    }
    Ok(case)
}

/// [`replay`], then [`Case::status`] at `now`.
pub fn evaluate<'e>(
    new: &NewCase,
    received: Timestamp,
    events: impl IntoIterator<Item = &'e Event>,
    now: Timestamp,
    ctx: &CaseContext<'_>,
) -> Result<CaseStatus, CaseError> {
    replay(new, received, events, ctx)?.status(now, ctx)
}

/// A filing-window check shared by the workflows: `today` must not be after `start + length`.
/// The refusal names the window and the dates, e.g. "Level II appeal must be filed within 90
/// calendar days of the Level I decision on 2026-01-05 (by 2026-04-05); today is 2026-04-20".
pub(crate) fn check_window(
    rule: &'static str,
    what: &str,
    length: Length,
    of: &str,
    start: Date,
    today: Date,
    ctx: &CaseContext<'_>,
) -> Result<Date, CaseError> {
    let last = length.last_day(start, ctx)?;
    if today > last {
        return Err(CaseError::refused(
            rule,
            format!(
                "{what} must be filed within {length} of {of} on {start} (by {last}); today is {today}"
            ),
        ));
    }
    Ok(last)
}
