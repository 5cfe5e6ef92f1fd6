//! PAY-05 state-funded totals (`accord report cob`): the decisions made in a period for services
//! to members whose eligibility on the date of service is the state-funded program — what the
//! state was billed (the rate), what collections were deducted (third-party, and self-pay above
//! the sliding fee scale: the engine's OA-23), and what the state paid. [`cob_report`] is pure;
//! [`load_cob_report`] reads the store.

use accord_core::member::{EligibilitySpan, Program};
use accord_core::{Date, Money};
use accord_store::{Store, StoredDecision};
use serde::{Deserialize, Serialize};

use crate::ServiceError;

/// State-funded totals for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CobReport {
    /// First decision date.
    pub from: Date,
    /// Last decision date.
    pub to: Date,
    /// Claims with at least one state-funded line.
    pub claims: u64,
    /// State-funded lines.
    pub lines: u64,
    /// Billed by providers.
    pub billed: Money,
    /// The state's rate (allowed) for those lines.
    pub rate: Money,
    /// Collections deducted before the state pays (third-party; self-pay above the scale).
    pub collections_deducted: Money,
    /// Paid from state funds.
    pub paid_by_state: Money,
    /// Lines where a collection was deducted.
    pub lines_with_collections: u64,
}

#[derive(Debug, Deserialize)]
struct Lines {
    #[serde(default)]
    lines: Vec<Line>,
}

#[derive(Debug, Deserialize)]
struct Line {
    service_date: Date,
    billed: Money,
    allowed: Money,
    paid: Money,
    #[serde(default)]
    adjustments: Vec<Adj>,
}

#[derive(Debug, Deserialize)]
struct Adj {
    group: String,
    carc: String,
    amount: Money,
}

/// PAY-05 totals, pure: a line counts when the member's span on its date of service is
/// state-funded.
pub fn cob_report(
    decisions: &[StoredDecision],
    spans: &[EligibilitySpan],
    from: Date,
    to: Date,
) -> Result<CobReport, ServiceError> {
    let mut r = CobReport {
        from,
        to,
        claims: 0,
        lines: 0,
        billed: Money::ZERO,
        rate: Money::ZERO,
        collections_deducted: Money::ZERO,
        paid_by_state: Money::ZERO,
        lines_with_collections: 0,
    };
    for d in decisions {
        let Some(member) = d.member_id.as_deref() else {
            continue;
        };
        let parsed: Lines = serde_json::from_str(&d.decision)
            .map_err(|e| ServiceError::invalid(&d.tracking, "decision", e))?;
        let mut any = false;
        for l in &parsed.lines {
            let state_funded = spans.iter().any(|s| {
                s.member_id.as_str() == member
                    && s.program == Program::StateFunded
                    && s.contains(l.service_date)
            });
            if !state_funded {
                continue;
            }
            any = true;
            r.lines += 1;
            r.billed += l.billed;
            r.rate += l.allowed;
            r.paid_by_state += l.paid;
            let deducted: Money = l
                .adjustments
                .iter()
                .filter(|a| a.group == "OA" && a.carc == "23")
                .map(|a| a.amount)
                .sum();
            if !deducted.is_zero() {
                r.lines_with_collections += 1;
                r.collections_deducted += deducted;
            }
        }
        r.claims += u64::from(any);
    }
    Ok(r)
}

/// Reads the decisions of the period and the eligibility spans, then [`cob_report`].
pub async fn load_cob_report(
    store: &Store,
    from: Date,
    to: Date,
) -> Result<CobReport, ServiceError> {
    let decisions = store.decisions_between(from, to).await?;
    let book = store.book().await?;
    cob_report(&decisions, &book.spans, from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::MemberId;

    fn span(member: &str, program: Program) -> EligibilitySpan {
        EligibilitySpan {
            member_id: MemberId::parse(member).unwrap(),
            plan_code: "ACCORD-IL".into(),
            program,
            start: "2026-01-01".parse().unwrap(),
            end: None,
        }
    }

    fn decision(t: &str, member: &str, lines: &str) -> StoredDecision {
        let m = Money::parse("100.00").unwrap();
        StoredDecision {
            tracking: t.into(),
            status: "processed_primary".into(),
            member_id: Some(member.into()),
            pay_to_npi: "1234567893".into(),
            received_on: "2026-10-01".parse().unwrap(),
            decided_on: "2026-10-02".parse().unwrap(),
            billed: m,
            allowed: m,
            paid: m,
            net_paid: m,
            patient_responsibility: Money::ZERO,
            clean: true,
            decision: format!(r#"{{"lines": [{lines}]}}"#),
            trace: None,
            cycle: None,
            remittance: None,
        }
    }

    #[test]
    fn pay_05_state_funded_totals_count_only_state_funded_lines() {
        let line = |paid: &str, oa23: Option<&str>| {
            let adj = oa23
                .map(|a| format!(r#"{{"group": "OA", "carc": "23", "amount": "{a}"}}"#))
                .unwrap_or_default();
            format!(
                r#"{{"service_date": "2026-10-01", "billed": "120.00", "allowed": "100.00", "paid": "{paid}", "adjustments": [{adj}]}}"#
            )
        };
        let decisions = [
            decision(
                "T1",
                "S1",
                &format!("{},{}", line("70.00", Some("30.00")), line("100.00", None)),
            ),
            decision("T2", "M1", &line("100.00", None)),
        ];
        let spans = [
            span("S1", Program::StateFunded),
            span("M1", Program::Medicaid),
        ];
        let from = "2026-10-01".parse().unwrap();
        let r = cob_report(&decisions, &spans, from, from).unwrap();
        assert_eq!((r.claims, r.lines, r.lines_with_collections), (1, 2, 1));
        assert_eq!(r.rate, Money::parse("200.00").unwrap());
        assert_eq!(r.billed, Money::parse("240.00").unwrap());
        assert_eq!(r.collections_deducted, Money::parse("30.00").unwrap());
        assert_eq!(r.paid_by_state, Money::parse("170.00").unwrap());
    }
}
