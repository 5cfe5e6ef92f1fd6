//! Why the engine said no.
//!
//! A refusal is data, not a panic: every rule that refuses an action returns
//! [`CaseError::Refused`] naming its rule ID and the dates involved, so the CLI, the server and
//! a letter can show the same sentence.

use accord_core::ErrorCode;
use accord_core::calendar::CalendarError;

/// Everything the case engine can refuse or fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// A domain rule refuses the filing or the action. The message names the window or clock and
    /// its dates, e.g. "Level II appeal must be filed within 90 calendar days of the Level I
    /// decision on 2026-01-05 (by 2026-04-05); today is 2026-04-20".
    #[error("{rule}: {message}")]
    Refused {
        /// The rule ID from RULES.md, e.g. `APL-01`.
        rule: &'static str,
        /// The sentence shown to people.
        message: String,
    },
    /// The case is closed; nothing can happen to it any more (a closed case never reopens).
    #[error("{message}")]
    Closed {
        /// The rule that forbids reopening, when one does (DSP-04 for portal tickets).
        rule: Option<&'static str>,
        /// The sentence shown to people.
        message: String,
    },
    /// The action does not belong to this kind of case, or not in its current phase.
    #[error("{action} does not apply to {what}")]
    NotApplicable {
        /// The action's name, e.g. `resolve`.
        action: &'static str,
        /// The case kind and phase, e.g. "a general complaint that is awaiting resolution".
        what: String,
    },
    /// An event is dated before the one recorded before it: events are folded in time order.
    #[error("event at {at} is earlier than the previous event at {previous}")]
    OutOfOrder {
        /// The new event's instant.
        at: jiff::Timestamp,
        /// The instant of the event before it.
        previous: jiff::Timestamp,
    },
    /// A value in the filing or the action is unusable (empty tracking number, sample larger than
    /// the claims, …).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Date arithmetic ran off the calendar.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

impl CaseError {
    /// A refusal under `rule`.
    pub(crate) fn refused(rule: &'static str, message: impl Into<String>) -> Self {
        CaseError::Refused {
            rule,
            message: message.into(),
        }
    }

    /// The rule ID behind this error, when there is one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            CaseError::Refused { rule, .. } => Some(rule),
            CaseError::Closed { rule, .. } => *rule,
            _ => None,
        }
    }
}

impl From<&CaseError> for ErrorCode {
    fn from(e: &CaseError) -> ErrorCode {
        match e {
            CaseError::Refused { .. } | CaseError::Closed { .. } => ErrorCode::RuleViolation,
            CaseError::NotApplicable { .. } | CaseError::OutOfOrder { .. } => ErrorCode::Conflict,
            CaseError::Invalid(_) | CaseError::Calendar(_) => ErrorCode::InvalidInput,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_rule_violations_and_name_their_rule() {
        let e = CaseError::refused("APL-01", "too late");
        assert_eq!(e.to_string(), "APL-01: too late");
        assert_eq!(e.rule(), Some("APL-01"));
        assert_eq!(ErrorCode::from(&e), ErrorCode::RuleViolation);
        assert_eq!(
            ErrorCode::from(&CaseError::Invalid("x".into())),
            ErrorCode::InvalidInput
        );
    }
}
