//! Why a change to a service plan was refused. Every refusal names the rule it enforces (where
//! there is one), the line and dates involved, and what to do instead: these are the errors the
//! state's authorization unit listed as the ones that slow everything, so the message has to be
//! enough to fix the entry without calling anyone.

use accord_core::{Date, ErrorCode};

/// A refused change. `Display` is the message shown to the person who asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// SP-01: the plan year is not a plan year.
    #[error("SP-01: the plan year {begin} to {end} {problem}")]
    PlanYear {
        /// First day given.
        begin: Date,
        /// Last day given.
        end: Date,
        /// What is wrong and what to do.
        problem: String,
    },
    /// SP-01: a line ends before it begins.
    #[error(
        "SP-01: {line} would end on {end}, before it begins on {begin}; give an end date on or after the begin date"
    )]
    LineEndsBeforeBegin {
        /// The line.
        line: String,
        /// Its begin date.
        begin: Date,
        /// Its end date.
        end: Date,
    },
    /// SP-01: a line begins before the plan year.
    #[error(
        "SP-01: {line} would begin on {begin}, before the plan year begins on {plan_begin}; begin it on or after {plan_begin}"
    )]
    LineBeforePlanYear {
        /// The line.
        line: String,
        /// Its begin date.
        begin: Date,
        /// The plan year's first day.
        plan_begin: Date,
    },
    /// SP-01: a plan goes to review with at least one planned service.
    #[error(
        "SP-01: plan {plan} has no planned services; add at least one line before submitting it"
    )]
    NoLines {
        /// The plan.
        plan: String,
    },
    /// SP-02: an authorized line is never edited in place.
    #[error(
        "SP-02: {line} is authorized and cannot be edited; end-date it on {end_on} and add a new line beginning {begin_on} with the new units, frequency or provider (change-line does both in one step)"
    )]
    AuthorizedLineEdited {
        /// The line.
        line: String,
        /// The suggested end date (the day before the change takes effect).
        end_on: Date,
        /// The suggested begin date of the new line.
        begin_on: Date,
    },
    /// SP-02: an authorized line is never removed.
    #[error(
        "SP-02: {line} is authorized and cannot be removed; end-date it instead (end-line), from the last day the service is given"
    )]
    AuthorizedLineRemoved {
        /// The line.
        line: String,
    },
    /// SP-02: an authorized line's end date only moves earlier.
    #[error(
        "SP-02: {line} is authorized through {end}; its end date can only move earlier, not to {asked}. To continue or increase the service, add a new line beginning {next_day}"
    )]
    EndDateExtended {
        /// The line.
        line: String,
        /// Its authorized end.
        end: Date,
        /// The end date asked for.
        asked: Date,
        /// The day after its end.
        next_day: Date,
    },
    /// SP-02: a new line would plan the same service from the same provider twice on a day.
    #[error(
        "SP-02: the new line overlaps {existing}: same service and provider on the same days. To change its units or frequency, end-date {existing_short} and add the new line from the day after (change-line does both in one step)"
    )]
    OverlappingLine {
        /// The line already planned, with its dates.
        existing: String,
        /// `line N`.
        existing_short: String,
    },
    /// SP-02: a change takes effect after the line's first day (the authorized line keeps at least
    /// one day).
    #[error(
        "SP-02: {line} begins on {begin}; a change can take effect from {earliest} at the earliest, because the authorized line is end-dated, never erased, and keeps at least its first day"
    )]
    ChangeTooEarly {
        /// The line.
        line: String,
        /// Its begin date.
        begin: Date,
        /// The earliest effective date.
        earliest: Date,
    },
    /// SP-02: a change effective after the line ends is a new service, not a change.
    #[error(
        "SP-02: {line} ends on {end}, so a change effective {effective} is not a change of it; add a new line beginning {effective} instead"
    )]
    ChangeAfterEnd {
        /// The line.
        line: String,
        /// Its end date.
        end: Date,
        /// The effective date asked for.
        effective: Date,
    },
    /// change-line on a line not yet authorized: it can simply be edited.
    #[error(
        "{line} is not authorized yet, so it is changed in place: edit its units, frequency, provider or dates (edit-line)"
    )]
    NotAuthorizedYet {
        /// The line.
        line: String,
    },
    /// A change that changes nothing.
    #[error(
        "{line} would be unchanged: give new units, a new frequency, a new provider or a new end date"
    )]
    NothingToChange {
        /// The line.
        line: String,
    },
    /// SP-03: next year's services are never merged into this year's plan.
    #[error(
        "SP-03: {line} would end on {end}, after the plan year ends on {plan_end}; next year's services are never merged into this plan: end it on {plan_end} and plan the rest in a reassessment plan with its own dates"
    )]
    LineAfterPlanYear {
        /// The line.
        line: String,
        /// Its end date.
        end: Date,
        /// The plan year's last day.
        plan_end: Date,
    },
    /// SP-03: addenda stay within the current plan year.
    #[error(
        "SP-03: plan {plan}'s year ended on {plan_end}; changes (addenda) stay within the current plan year: create a reassessment plan for the new year"
    )]
    PlanYearOver {
        /// The plan.
        plan: String,
        /// The plan year's last day.
        plan_end: Date,
    },
    /// SP-03: a reassessment is a new plan with its own dates, after the current plan year.
    #[error(
        "SP-03: a reassessment plan has its own plan year after the current one: plan {previous} runs to {previous_end} and its dates never change, so the reassessment must begin after {previous_end} (it begins {begin}). Changes within the current year are addenda to plan {previous}"
    )]
    ReassessmentOverlaps {
        /// The plan reassessed.
        previous: String,
        /// Its last day.
        previous_end: Date,
        /// The new plan's first day.
        begin: Date,
    },
    /// SP-03: a reassessment is for the same member.
    #[error(
        "SP-03: plan {previous} is member {member}'s; a reassessment of it is for the same member, not {given}"
    )]
    ReassessmentMember {
        /// The plan reassessed.
        previous: String,
        /// Its member.
        member: String,
        /// The member given.
        given: String,
    },
    /// SP-04: review needs a supervisor-review note and every supporting document Complete.
    #[error("SP-04: plan {plan} cannot go to review: {}", not_ready(.missing_supervisor_note, .last_authorized, .incomplete))]
    NotReadyForReview {
        /// The plan.
        plan: String,
        /// When the plan was last authorized (an addendum needs a new supervisor review).
        last_authorized: Option<Date>,
        /// No supervisor-review note since the last authorization.
        missing_supervisor_note: bool,
        /// Documents not Complete: name and status.
        incomplete: Vec<(String, String)>,
    },
    /// SP-05: priority processing needs a justification note.
    #[error(
        "SP-05: priority processing for plan {plan} is denied: there is no plan note with the justification{exempt_hint}. Add a priority-justification note saying why, or submit without priority"
    )]
    PriorityWithoutJustification {
        /// The plan.
        plan: String,
        /// Which services would have been exempt, when some are.
        exempt_hint: String,
    },
    /// SP-06: per-diem services are one unit per calendar day.
    #[error(
        "SP-06: {service} is a per-diem service: plan it as 1 unit per calendar day, not {units} {frequency}"
    )]
    PerDiem {
        /// The service.
        service: String,
        /// Units given.
        units: String,
        /// Frequency given.
        frequency: String,
    },
    /// The plan's status does not allow the action.
    #[error("plan {plan} is {status}: {what}")]
    WrongStatus {
        /// The plan.
        plan: String,
        /// Its status.
        status: String,
        /// What cannot be done now and what to do.
        what: String,
    },
    /// No such line.
    #[error("plan {plan} has no line {line} (its lines are {known})")]
    NoSuchLine {
        /// The plan.
        plan: String,
        /// The number asked for.
        line: u32,
        /// The numbers it has.
        known: String,
    },
    /// A required value is missing or blank.
    #[error("{field}: {problem}")]
    Invalid {
        /// The field, e.g. `text`.
        field: String,
        /// What is wrong.
        problem: String,
    },
}

fn not_ready(
    missing_note: &bool,
    last_authorized: &Option<Date>,
    incomplete: &[(String, String)],
) -> String {
    let mut parts = Vec::new();
    if *missing_note {
        let since = match last_authorized {
            Some(d) => format!(" since the plan was last authorized on {d}"),
            None => String::new(),
        };
        parts.push(format!(
            "there is no supervisor-review note{since} (add one as evidence of the case-management supervisor's review)"
        ));
    }
    if !incomplete.is_empty() {
        let list = incomplete
            .iter()
            .map(|(n, s)| format!("{n} ({s})"))
            .collect::<Vec<_>>()
            .join(", ");
        parts.push(format!(
            "supporting documents not Complete: {list} (finish each and set its status to complete)"
        ));
    }
    parts.join("; ")
}

impl Refusal {
    /// The RULES.md rule this refusal enforces, if any.
    pub fn rule(&self) -> Option<&'static str> {
        Some(match self {
            Refusal::PlanYear { .. }
            | Refusal::LineEndsBeforeBegin { .. }
            | Refusal::LineBeforePlanYear { .. }
            | Refusal::NoLines { .. } => "SP-01",
            Refusal::AuthorizedLineEdited { .. }
            | Refusal::AuthorizedLineRemoved { .. }
            | Refusal::EndDateExtended { .. }
            | Refusal::OverlappingLine { .. }
            | Refusal::ChangeTooEarly { .. }
            | Refusal::ChangeAfterEnd { .. } => "SP-02",
            Refusal::LineAfterPlanYear { .. }
            | Refusal::PlanYearOver { .. }
            | Refusal::ReassessmentOverlaps { .. }
            | Refusal::ReassessmentMember { .. } => "SP-03",
            Refusal::NotReadyForReview { .. } => "SP-04",
            Refusal::PriorityWithoutJustification { .. } => "SP-05",
            Refusal::PerDiem { .. } => "SP-06",
            Refusal::NotAuthorizedYet { .. }
            | Refusal::NothingToChange { .. }
            | Refusal::WrongStatus { .. }
            | Refusal::NoSuchLine { .. }
            | Refusal::Invalid { .. } => return None,
        })
    }
}

impl From<&Refusal> for ErrorCode {
    fn from(r: &Refusal) -> ErrorCode {
        match r {
            Refusal::NoSuchLine { .. } => ErrorCode::NotFound,
            Refusal::WrongStatus { .. } | Refusal::NotAuthorizedYet { .. } => ErrorCode::Conflict,
            Refusal::Invalid { .. } | Refusal::NothingToChange { .. } => ErrorCode::InvalidInput,
            _ => ErrorCode::RuleViolation,
        }
    }
}
