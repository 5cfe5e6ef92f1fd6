//! Clocks: what must happen by when, under which rule, and what happens when it does not.
//!
//! Every clock Accord runs on a case is a [`ClockKind`]; the kind fixes the rule ID, who must act,
//! whether the clock may pause or be extended, and what expiry does ([`ClockKind::spec`]). The
//! length comes from the plan's settings when the clock opens. A date deadline falls at the end of
//! the local day in the plan's time zone; an hour clock is elapsed hours (`docs/calendar.md`).

use std::fmt;

use accord_core::calendar;
use accord_core::{BusinessCalendar, Date, Timestamp};
use accord_plan::{Plan, PlanConfig};
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::error::CaseError;
use crate::model::ClosureReason;

/// The plan settings, calendar and time zone every clock is computed with.
#[derive(Debug, Clone, Copy)]
pub struct CaseContext<'a> {
    /// `plan.toml` (`[appeals]`, `[complaints]`, `[disputes]`, `[recovery]`, `[audits]`,
    /// `[credentialing_appeals]`).
    pub config: &'a PlanConfig,
    /// The plan's business calendar (federal and plan holidays).
    pub calendar: &'a BusinessCalendar,
    /// The plan's time zone: local dates and end-of-day deadlines are reckoned here.
    pub tz: &'a TimeZone,
}

impl<'a> CaseContext<'a> {
    /// A context from its parts (tests, or a shell holding them separately).
    pub fn new(config: &'a PlanConfig, calendar: &'a BusinessCalendar, tz: &'a TimeZone) -> Self {
        Self {
            config,
            calendar,
            tz,
        }
    }

    /// The context of a loaded plan.
    pub fn from_plan(plan: &'a Plan) -> Self {
        Self::new(&plan.config, plan.calendar(), plan.time_zone())
    }

    /// The plan-local date of an instant.
    pub fn local_date(&self, t: Timestamp) -> Date {
        calendar::local_date(t, self.tz)
    }

    /// The instant a deadline that is a date falls due: the end of that local day.
    pub fn end_of_day(&self, d: Date) -> Result<Timestamp, CaseError> {
        Ok(calendar::end_of_day(d, self.tz)?)
    }
}

/// How long a clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Length {
    /// Elapsed hours from the start instant (exact across daylight-saving changes).
    Hours(u32),
    /// Calendar days from the start's local date, due at the end of the last day.
    CalendarDays(u32),
    /// Business days on the plan calendar from the start's local date (counting starts the day
    /// after), due at the end of the last day.
    BusinessDays(u32),
}

impl Length {
    /// When a clock of this length started at `start` falls due.
    pub fn due_from(self, start: Timestamp, ctx: &CaseContext<'_>) -> Result<Timestamp, CaseError> {
        match self {
            Length::Hours(n) => Ok(calendar::add_hours(start, i64::from(n))?),
            Length::CalendarDays(_) | Length::BusinessDays(_) => {
                ctx.end_of_day(self.last_day(ctx.local_date(start), ctx)?)
            }
        }
    }

    /// The last day of a day-counted clock that starts on `day` (hours count as whole days
    /// rounded up, which only matters for windows expressed in days).
    pub fn last_day(self, day: Date, ctx: &CaseContext<'_>) -> Result<Date, CaseError> {
        Ok(match self {
            Length::CalendarDays(n) => calendar::add_calendar_days(day, i64::from(n))?,
            Length::BusinessDays(n) => ctx.calendar.add_business_days(day, n)?,
            Length::Hours(h) => calendar::add_calendar_days(day, i64::from(h.div_ceil(24)))?,
        })
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match self {
            Length::Hours(n) => (n, "hour"),
            Length::CalendarDays(n) => (n, "calendar day"),
            Length::BusinessDays(n) => (n, "business day"),
        };
        write!(f, "{n} {unit}{}", if *n == 1 { "" } else { "s" })
    }
}

/// The plan team that owns a clock (what `accord case due` groups by).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Team {
    /// Appeals of adverse determinations (APL).
    Appeals,
    /// Provider complaints (CMP-01, CMP-02).
    ProviderRelations,
    /// Quality management (CMP-03).
    Quality,
    /// Claim disputes, reviews and portal tickets (DSP, REC-03).
    Claims,
    /// Billing audits and recovery (REC-02, REC-04, REC-05).
    ProgramIntegrity,
    /// Credentialing appeals (NET-06).
    Credentialing,
}

/// Who must act before the clock runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "party", content = "team")]
pub enum Owner {
    /// A plan team.
    Plan(Team),
    /// The provider (or whoever filed).
    Provider,
    /// The state's resolution portal desk.
    State,
}

/// What running out does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "then", content = "reason")]
pub enum Expiry {
    /// Nothing changes; the clock stays open and is listed as overdue.
    MarkOverdue,
    /// The case closes with this reason at the due instant.
    Close(ClosureReason),
    /// The matter goes further (REC-02: collections); the clock ends.
    Escalate,
    /// Silence is agreement (REC-01: an unanswered overpayment notice is deemed accepted).
    DeemApproved,
    /// An option lapses (e.g. the plan's window to ask for information); the clock ends quietly.
    Lapse,
}

/// Whether a clock may stop while someone else is asked for something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pause {
    /// It runs regardless (APL-02: no extensions for missing information).
    Never,
    /// It counts from receipt of what was asked for: asking stops it, receipt starts it again
    /// with its full length (CMP-01 "receipt of the complaint and requested documentation",
    /// NET-06 "after its record is complete", REC-04 repayment after an appeal of findings).
    RestartOnReceipt,
}

/// Whether a clock's due date may be moved later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Extension {
    /// Never (APL-02).
    None,
    /// One extension of a configured length, only for the member's benefit (CMP-02).
    OnceForMemberBenefit,
    /// The plan names a later date in a letter of extension (REC-04 appeal of findings).
    ToNamedDate,
}

/// Every clock a case can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// APL-02 decide the appeal (expedited 72 h, standard 15 d, retrospective 30 d).
    AppealDecision,
    /// APL-02 verbal notice of an expedited decision within one calendar day.
    AppealVerbalNotice,
    /// CMP-01 answer a provider-agreement complaint (30 business days).
    ComplaintAnswer,
    /// CMP-01 the provider's window for a second-level complaint.
    ComplaintSecondLevelWindow,
    /// CMP-01 final answer to a second-level complaint (30 business days).
    ComplaintFinalAnswer,
    /// CMP-02 resolve a general complaint (30 calendar days, one 15-day extension).
    ComplaintResolution,
    /// CMP-03 report a potential quality-of-care concern (24 hours).
    QualityOfCareReport,
    /// DSP-01 resolve a claim dispute or request for review (30 calendar days).
    DisputeResolution,
    /// DSP-05 the state processes a portal registration.
    PortalRegistration,
    /// DSP-03 the plan may ask for more information within 5 business days of the ticket.
    PortalInformationRequestWindow,
    /// DSP-03 the provider answers the plan's request within 5 business days or the ticket closes.
    PortalInformationAnswer,
    /// DSP-03 the plan's resolution period for a portal ticket (30 calendar days).
    PortalResolution,
    /// REC-05 the provider sends the requested records (5 or at least 10 business days).
    RecordsDue,
    /// REC-04 repayment (or corrective action plan) after the findings (10 business days).
    Repayment,
    /// REC-04 one monitoring increment (90 calendar days).
    MonitoringIncrement,
    /// REC-04 the provider's window to appeal the findings (the date in the findings letter).
    FindingsAppealWindow,
    /// REC-04 present the appeal of findings to the reviewing committee (45 days).
    FindingsAppealReview,
    /// REC-04 send the committee's decision (10 business days after it meets).
    FindingsAppealDecision,
    /// REC-01/REC-02 the provider answers an overpayment notice by its date, or agrees.
    OverpaymentResponse,
    /// REC-02 the provider answers a demand letter (30 calendar days) or it goes to collections.
    DemandResponse,
    /// NET-06 the appeals committee decides (14 business days after its record is complete).
    CredentialingAppealDecision,
    /// NET-06 the provider's window to request a fair hearing (30 calendar days).
    FairHearingRequestWindow,
    /// NET-06 the fair hearing is held (within 90 calendar days of the request).
    FairHearing,
}

/// The fixed facts about a kind of clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClockSpec {
    /// Rule ID from RULES.md.
    pub rule: &'static str,
    /// What the clock is for, in words.
    pub label: &'static str,
    /// Who must act.
    pub owner: Owner,
    /// Pause policy.
    pub pause: Pause,
    /// Extension policy.
    pub extension: Extension,
    /// What running out does.
    pub expiry: Expiry,
}

impl ClockKind {
    /// The rule, owner, pause and extension policies and expiry action of this clock.
    pub const fn spec(self) -> ClockSpec {
        use ClockKind as K;
        use Owner::{Plan, Provider, State};
        let (rule, label, owner, pause, extension, expiry) = match self {
            K::AppealDecision => (
                "APL-02",
                "decide the appeal",
                Plan(Team::Appeals),
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::AppealVerbalNotice => (
                "APL-02",
                "give verbal notice of the expedited decision",
                Plan(Team::Appeals),
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::ComplaintAnswer => (
                "CMP-01",
                "answer the complaint in writing",
                Plan(Team::ProviderRelations),
                Pause::RestartOnReceipt,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::ComplaintSecondLevelWindow => (
                "CMP-01",
                "file a second-level complaint",
                Provider,
                Pause::Never,
                Extension::None,
                Expiry::Close(ClosureReason::WindowLapsed),
            ),
            K::ComplaintFinalAnswer => (
                "CMP-01",
                "give the final written answer",
                Plan(Team::ProviderRelations),
                Pause::RestartOnReceipt,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::ComplaintResolution => (
                "CMP-02",
                "resolve the complaint",
                Plan(Team::ProviderRelations),
                Pause::Never,
                Extension::OnceForMemberBenefit,
                Expiry::MarkOverdue,
            ),
            K::QualityOfCareReport => (
                "CMP-03",
                "report the potential quality-of-care concern",
                Plan(Team::Quality),
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::DisputeResolution => (
                "DSP-01",
                "resolve the dispute",
                Plan(Team::Claims),
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::PortalRegistration => (
                "DSP-05",
                "process the portal registration",
                State,
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::PortalInformationRequestWindow => (
                "DSP-03",
                "ask the provider for more information (optional)",
                Plan(Team::Claims),
                Pause::Never,
                Extension::None,
                Expiry::Lapse,
            ),
            K::PortalInformationAnswer => (
                "DSP-03",
                "answer the plan's request for information",
                Provider,
                Pause::Never,
                Extension::None,
                Expiry::Close(ClosureReason::NoResponse),
            ),
            K::PortalResolution => (
                "DSP-03",
                "resolve the portal ticket",
                Plan(Team::Claims),
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::RecordsDue => (
                "REC-05",
                "send the requested records",
                Provider,
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::Repayment => (
                "REC-04",
                "repay the overpayment or submit the corrective action plan",
                Provider,
                Pause::RestartOnReceipt,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::MonitoringIncrement => (
                "REC-04",
                "review the monitoring increment",
                Plan(Team::ProgramIntegrity),
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::FindingsAppealWindow => (
                "REC-04",
                "appeal the audit findings (optional)",
                Provider,
                Pause::Never,
                Extension::None,
                Expiry::Lapse,
            ),
            K::FindingsAppealReview => (
                "REC-04",
                "present the appeal of findings to the committee",
                Plan(Team::ProgramIntegrity),
                Pause::Never,
                Extension::ToNamedDate,
                Expiry::MarkOverdue,
            ),
            K::FindingsAppealDecision => (
                "REC-04",
                "send the committee's decision on the appeal of findings",
                Plan(Team::ProgramIntegrity),
                Pause::Never,
                Extension::ToNamedDate,
                Expiry::MarkOverdue,
            ),
            K::OverpaymentResponse => (
                "REC-02",
                "answer the overpayment notice or request review",
                Provider,
                Pause::Never,
                Extension::None,
                Expiry::DeemApproved,
            ),
            K::DemandResponse => (
                "REC-02",
                "pay or answer the demand letter",
                Provider,
                Pause::Never,
                Extension::None,
                Expiry::Escalate,
            ),
            K::CredentialingAppealDecision => (
                "NET-06",
                "decide the credentialing appeal",
                Plan(Team::Credentialing),
                Pause::RestartOnReceipt,
                Extension::None,
                Expiry::MarkOverdue,
            ),
            K::FairHearingRequestWindow => (
                "NET-06",
                "request a fair hearing (optional)",
                Provider,
                Pause::Never,
                Extension::None,
                Expiry::Close(ClosureReason::WindowLapsed),
            ),
            K::FairHearing => (
                "NET-06",
                "hold the fair hearing",
                Plan(Team::Credentialing),
                Pause::Never,
                Extension::None,
                Expiry::MarkOverdue,
            ),
        };
        ClockSpec {
            rule,
            label,
            owner,
            pause,
            extension,
            expiry,
        }
    }

    /// Every kind, for documentation and tests.
    pub const ALL: [ClockKind; 23] = [
        ClockKind::AppealDecision,
        ClockKind::AppealVerbalNotice,
        ClockKind::ComplaintAnswer,
        ClockKind::ComplaintSecondLevelWindow,
        ClockKind::ComplaintFinalAnswer,
        ClockKind::ComplaintResolution,
        ClockKind::QualityOfCareReport,
        ClockKind::DisputeResolution,
        ClockKind::PortalRegistration,
        ClockKind::PortalInformationRequestWindow,
        ClockKind::PortalInformationAnswer,
        ClockKind::PortalResolution,
        ClockKind::RecordsDue,
        ClockKind::Repayment,
        ClockKind::MonitoringIncrement,
        ClockKind::FindingsAppealWindow,
        ClockKind::FindingsAppealReview,
        ClockKind::FindingsAppealDecision,
        ClockKind::OverpaymentResponse,
        ClockKind::DemandResponse,
        ClockKind::CredentialingAppealDecision,
        ClockKind::FairHearingRequestWindow,
        ClockKind::FairHearing,
    ];
}

/// An extension taken on a clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockExtension {
    /// When it was taken.
    pub at: Timestamp,
    /// The new due instant.
    pub until: Timestamp,
    /// Why (shown on the letter).
    pub reason: String,
}

/// A running clock on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// Which clock.
    pub kind: ClockKind,
    /// When it (last) started: the start event, or the receipt that restarted it.
    pub started: Timestamp,
    /// Its length, from the plan's settings.
    pub length: Length,
    /// When it falls due; `None` while paused.
    pub due: Option<Timestamp>,
    /// The earliest due instant its rule allows: the first start plus the length. No pause,
    /// restart or extension ever moves `due` before this.
    pub floor: Timestamp,
    /// Since when it has been paused (waiting for what was asked for).
    pub paused_since: Option<Timestamp>,
    /// Extensions taken.
    pub extensions: Vec<ClockExtension>,
}

impl Clock {
    /// Starts a clock of `kind` and `length` at `start`.
    pub fn start(
        kind: ClockKind,
        start: Timestamp,
        length: Length,
        ctx: &CaseContext<'_>,
    ) -> Result<Self, CaseError> {
        let due = length.due_from(start, ctx)?;
        Ok(Self {
            kind,
            started: start,
            length,
            due: Some(due),
            floor: due,
            paused_since: None,
            extensions: Vec::new(),
        })
    }

    /// A clock due at a date fixed by a letter (the end of that local day), e.g. the response
    /// date of an overpayment notice.
    pub fn until_date(
        kind: ClockKind,
        start: Timestamp,
        last_day: Date,
        ctx: &CaseContext<'_>,
    ) -> Result<Self, CaseError> {
        let due = ctx.end_of_day(last_day)?;
        let days = u32::try_from(calendar::calendar_days_between(
            ctx.local_date(start),
            last_day,
        ))
        .unwrap_or(0);
        Ok(Self {
            kind,
            started: start,
            length: Length::CalendarDays(days),
            due: Some(due),
            floor: due,
            paused_since: None,
            extensions: Vec::new(),
        })
    }

    /// This clock's fixed facts.
    pub fn spec(&self) -> ClockSpec {
        self.kind.spec()
    }

    /// Stops the clock while what was asked for is awaited. Refused for clocks that run
    /// regardless (APL-02).
    pub(crate) fn pause(&mut self, at: Timestamp) -> Result<(), CaseError> {
        let spec = self.spec();
        if spec.pause == Pause::Never {
            return Err(CaseError::refused(
                spec.rule,
                format!(
                    "the clock to {} does not stop while information is awaited",
                    spec.label
                ),
            ));
        }
        if self.paused_since.is_none() {
            self.paused_since = Some(at);
            self.due = None;
        }
        Ok(())
    }

    /// Starts a paused clock again from `at` with its full length: the rule counts from receipt
    /// of what was asked for. The new due instant is never earlier than before (`at` is later
    /// than the old start and every length is monotone).
    pub(crate) fn restart(
        &mut self,
        at: Timestamp,
        ctx: &CaseContext<'_>,
    ) -> Result<(), CaseError> {
        if self.paused_since.take().is_some() {
            let due = self.length.due_from(at, ctx)?.max(self.floor);
            self.started = at;
            self.due = Some(due);
        }
        Ok(())
    }

    /// Moves the due instant to `until` (never earlier).
    pub(crate) fn extend_to(&mut self, at: Timestamp, until: Timestamp, reason: String) {
        let until = self.due.map_or(until, |d| d.max(until));
        self.due = Some(until);
        self.extensions.push(ClockExtension { at, until, reason });
    }

    /// True when the clock has run out at `now` (strictly after its due instant).
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.due.is_some_and(|d| now > d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn with_ctx<R>(f: impl FnOnce(&CaseContext<'_>) -> R) -> R {
        let cfg: PlanConfig = toml_min();
        let cal = BusinessCalendar::federal();
        let tz = calendar::time_zone("America/Chicago").unwrap();
        f(&CaseContext::new(&cfg, &cal, &tz))
    }

    pub(crate) fn toml_min() -> PlanConfig {
        crate::testkit::config()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn lengths_display() {
        assert_eq!(Length::Hours(72).to_string(), "72 hours");
        assert_eq!(Length::CalendarDays(1).to_string(), "1 calendar day");
        assert_eq!(Length::BusinessDays(30).to_string(), "30 business days");
    }

    #[test]
    fn day_clocks_end_at_local_midnight_and_hour_clocks_are_elapsed() {
        with_ctx(|ctx| {
            // Received Friday 2026-03-06 12:00 CST (18:00Z).
            let start = ts("2026-03-06T18:00:00Z");
            // 72 elapsed hours across the spring-forward change: Monday 13:00 CDT = 18:00Z.
            assert_eq!(
                Length::Hours(72).due_from(start, ctx).unwrap(),
                ts("2026-03-09T18:00:00Z")
            );
            // 15 calendar days: 2026-03-21 23:59:59 CDT.
            assert_eq!(
                Length::CalendarDays(15).due_from(start, ctx).unwrap(),
                ts("2026-03-22T04:59:59Z")
            );
            // 5 business days from a Friday: the next Friday.
            assert_eq!(
                ctx.local_date(Length::BusinessDays(5).due_from(start, ctx).unwrap()),
                date(2026, 3, 13)
            );
        });
    }

    #[test]
    fn every_clock_kind_names_a_rule() {
        for k in ClockKind::ALL {
            let s = k.spec();
            assert!(s.rule.len() == 6 && s.rule.as_bytes()[3] == b'-', "{k:?}");
            assert!(!s.label.is_empty());
        }
    }

    #[test]
    fn every_clock_kind_is_documented() {
        let doc = include_str!("../../../docs/cases.md");
        for k in ClockKind::ALL {
            let name = serde_json::to_string(&k).unwrap();
            let name = name.trim_matches('"');
            assert!(
                doc.contains(&format!("| `{name}` | {} |", k.spec().rule)),
                "{name}"
            );
        }
    }

    #[test]
    fn restart_never_moves_due_earlier() {
        with_ctx(|ctx| {
            let start = ts("2026-03-06T18:00:00Z");
            let mut c = Clock::start(
                ClockKind::ComplaintAnswer,
                start,
                Length::BusinessDays(30),
                ctx,
            )
            .unwrap();
            let before = c.due.unwrap();
            c.pause(ts("2026-03-10T15:00:00Z")).unwrap();
            assert!(c.due.is_none());
            c.restart(ts("2026-03-20T15:00:00Z"), ctx).unwrap();
            assert!(c.due.unwrap() > before);
            let mut a =
                Clock::start(ClockKind::AppealDecision, start, Length::Hours(72), ctx).unwrap();
            assert_eq!(a.pause(start).unwrap_err().rule(), Some("APL-02"));
        });
    }
}
