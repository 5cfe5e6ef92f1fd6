//! Care without authorization that the plan owes the member: initial encounters (UM-09) and
//! transition of care (ELIG-03). The claims engine asks these same functions when a claim line
//! arrives without an authorization, so a provider hears the same answer from UM and from claims.

use accord_core::Date;
use accord_core::member::EligibilitySpan;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

/// UM-09: how many sessions of the current member–provider episode came before `dos`.
///
/// `earlier_sessions` are the dates of the member's earlier initial-encounter sessions with this
/// provider, **latest first**, none after `dos`. Each session counts one whatever its length. An
/// episode ends after a gap of more than `gap_months` months; the count restarts with the next
/// session (and a new provider restarts it too, since the caller passes one provider's sessions).
pub fn episode_sessions_before(
    earlier_sessions: impl IntoIterator<Item = Date>,
    dos: Date,
    gap_months: u32,
) -> u32 {
    let mut last = dos;
    let mut count = 0;
    for d in earlier_sessions {
        let gap_end = d
            .checked_add(i64::from(gap_months).months())
            .unwrap_or(last);
        if gap_end < last {
            break; // more than the gap: an earlier episode
        }
        count += 1;
        last = d;
    }
    count
}

/// UM-09: where a session falls among the plan's initial encounters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitialEncounter {
    /// 1-based number of this session in the episode.
    pub number: u32,
    /// Sessions the plan allows without authorization.
    pub allowed: u32,
}

impl InitialEncounter {
    /// True when this session needs no authorization.
    pub fn covered(&self) -> bool {
        self.number <= self.allowed
    }
}

/// UM-09: the initial-encounter position of a session on `dos` given the earlier sessions (latest
/// first). `None` when the plan allows no initial encounters.
pub fn initial_encounter(
    earlier_sessions: impl IntoIterator<Item = Date>,
    dos: Date,
    allowed: u32,
    gap_months: u32,
) -> Option<InitialEncounter> {
    (allowed > 0).then(|| InitialEncounter {
        number: episode_sessions_before(earlier_sessions, dos, gap_months) + 1,
        allowed,
    })
}

/// ELIG-03: a member new to the plan keeps a course of treatment without authorization from the
/// plan's effective date for the plan's days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitionWindow {
    /// The plan's effective date for the member.
    pub from: Date,
    /// The last day of the window.
    pub through: Date,
}

impl TransitionWindow {
    /// True when `d` falls in the window.
    pub fn covers(&self, d: Date) -> bool {
        d >= self.from && d <= self.through
    }
}

/// ELIG-03: the transition window starting at `effective` and lasting `days` calendar days.
pub fn transition_window(effective: Date, days: u32) -> TransitionWindow {
    let end = effective
        .checked_add(i64::from(days).days())
        .unwrap_or(effective);
    TransitionWindow {
        from: effective,
        through: end.yesterday().unwrap_or(end),
    }
}

/// ELIG-03: the member's transition window on `d`, when the member is new to `plan_code` — the
/// span covering `d` is the member's first with the plan — and is in a course of treatment.
pub fn transition_of_care_on(
    spans: &[EligibilitySpan],
    plan_code: &str,
    d: Date,
    in_course_of_treatment: bool,
    days: u32,
) -> Option<TransitionWindow> {
    if !in_course_of_treatment {
        return None;
    }
    let first = spans
        .iter()
        .filter(|s| s.plan_code == plan_code)
        .min_by_key(|s| s.start)?;
    let w = transition_window(first.start, days);
    (first.contains(d) && w.covers(d)).then_some(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::MemberId;
    use accord_core::member::Program;
    use jiff::civil::date;

    #[test]
    fn um_09_initial_encounters_count_per_episode() {
        let dos = date(2026, 9, 1);
        // Three sessions in the last months: this is the fourth.
        let earlier = [date(2026, 8, 1), date(2026, 6, 1), date(2026, 4, 1)];
        assert_eq!(
            initial_encounter(earlier, dos, 6, 6),
            Some(InitialEncounter {
                number: 4,
                allowed: 6
            })
        );
        // A gap of more than six months ends the episode: the count restarts.
        let earlier = [date(2026, 2, 1), date(2026, 1, 5)];
        assert_eq!(initial_encounter(earlier, dos, 6, 6).unwrap().number, 1);
        // The seventh session needs an authorization.
        let earlier: Vec<Date> = (1..=6).map(|m| date(2026, m, 15)).rev().collect();
        assert!(
            !initial_encounter(earlier, date(2026, 7, 1), 6, 6)
                .unwrap()
                .covered()
        );
        // A plan with none allowed.
        assert_eq!(initial_encounter([], dos, 0, 6), None);
    }

    #[test]
    fn elig_03_transition_of_care_only_for_a_member_new_to_the_plan() {
        let span = |start, end| EligibilitySpan {
            member_id: MemberId::parse("M1").unwrap(),
            plan_code: "P".into(),
            program: Program::Medicaid,
            start,
            end,
        };
        let spans = [span(date(2026, 3, 1), None)];
        let w = transition_of_care_on(&spans, "P", date(2026, 5, 29), true, 90).unwrap();
        assert_eq!(w.through, date(2026, 5, 29));
        assert!(transition_of_care_on(&spans, "P", date(2026, 5, 30), true, 90).is_none());
        assert!(transition_of_care_on(&spans, "P", date(2026, 4, 1), false, 90).is_none());
        // A member returning to the plan is not new to it.
        let spans = [
            span(date(2024, 1, 1), Some(date(2024, 12, 31))),
            span(date(2026, 3, 1), None),
        ];
        assert!(transition_of_care_on(&spans, "P", date(2026, 4, 1), true, 90).is_none());
    }
}
