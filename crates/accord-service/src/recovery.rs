//! What cases do to claims and money (issue 6 hand-offs):
//! - REC-04 → REC-01: an audit's final findings open one provider balance per overpaid claim,
//!   under the claim's pay-to provider, with the audit and claim as its source — the balances the
//!   payment cycle offsets through PLB WO and ages for REC-02 demand letters. Opened once: a
//!   balance already on record for the same audit and claim is left as it is.
//! - REC-04 repayment: money the provider sends reduces the audit's balances, oldest first.
//! - DSP-01, REC-03: a dispute or review resolved with `readjudicate` runs the claim again through
//!   [`crate::adjudication::readjudicate`] (a remitted claim is reversed and replaced); resolved
//!   with `adjust` and an amount, the claim's decision pays that much more (reversed and replaced
//!   when already remitted), saved with the case's event, and the next payment cycle pays it.
//! - APL-04: the appeals open at an instant, as the claims engine's facts.
//!
//! The arithmetic here is pure; the callers in [`crate::cases`] load and save.

use accord_cases::workflow::audit::AuditState;
use accord_cases::{Case, CaseContext, CaseKind, Flag};
use accord_claims::{Claim, ClaimStatus, Decision, Group, LineStatus, OpenAppeal, TraceStep};
use accord_core::{Date, Money};
use accord_store::recoveries::recovery_source;
use accord_store::{HistoryLine, ProviderBalance, Store, StoredDecision};
use jiff::Timestamp;

use crate::ServiceError;

/// REC-04 → REC-01: the balances to open for an audit's final findings (pure). `pay_to` gives
/// the claim's pay-to NPI; `existing` are the balances the audit already opened (so repeating
/// the hand-off opens nothing twice).
pub fn audit_balances(
    case_id: &str,
    audit: &AuditState,
    on: Date,
    existing: &[ProviderBalance],
    pay_to: impl Fn(&str) -> Option<String>,
) -> Result<Vec<ProviderBalance>, ServiceError> {
    let mut out = Vec::new();
    for (claim, amount) in audit.final_overpayments() {
        let source = recovery_source(case_id, claim);
        if existing.iter().any(|b| b.source == source) {
            continue;
        }
        let npi = pay_to(claim).ok_or_else(|| {
            ServiceError::NotFound(format!(
                "claim {claim} has no decision on file: its overpayment cannot be recovered"
            ))
        })?;
        let amount = amount.round_cents();
        out.push(ProviderBalance {
            pay_to_npi: npi,
            source,
            opened_on: on,
            original: amount,
            remaining: amount,
            demanded_on: None,
        });
    }
    Ok(out)
}

/// REC-04: a repayment of `amount` taken from the audit's balances, oldest first (pure). Returns
/// the balances it changed; what exceeds the balances is not applied (the engine refuses more
/// than is owed).
pub fn apply_repayment(balances: &[ProviderBalance], amount: Money) -> Vec<ProviderBalance> {
    let mut left = amount;
    let mut changed = Vec::new();
    let mut owed: Vec<&ProviderBalance> = balances
        .iter()
        .filter(|b| b.remaining > Money::ZERO)
        .collect();
    owed.sort_by(|a, b| a.opened_on.cmp(&b.opened_on).then(a.source.cmp(&b.source)));
    for b in owed {
        if left <= Money::ZERO {
            break;
        }
        let take = left.min(b.remaining);
        left -= take;
        let mut b = b.clone();
        b.remaining -= take;
        changed.push(b);
    }
    changed
}

/// The balances an audit action opens or changes, to save with the case's event.
pub(crate) async fn balances_for_audit_action(
    store: &Store,
    case_id: &str,
    case: &Case,
    action: &accord_cases::Action,
    on: Date,
) -> Result<Vec<ProviderBalance>, ServiceError> {
    let accord_cases::Detail::Audit(audit) = &case.detail else {
        return Ok(Vec::new());
    };
    match action {
        accord_cases::Action::Finalize => {
            let existing = store.balances_of_case(case_id).await?;
            let mut pay_to = std::collections::BTreeMap::new();
            for (claim, _) in audit.final_overpayments() {
                if let Some(d) = store.decision(claim).await? {
                    pay_to.insert(claim.to_owned(), d.pay_to_npi);
                }
            }
            audit_balances(case_id, audit, on, &existing, |c| pay_to.get(c).cloned())
        }
        accord_cases::Action::Repay { amount } => {
            let existing = store.balances_of_case(case_id).await?;
            Ok(apply_repayment(&existing, *amount))
        }
        _ => Ok(Vec::new()),
    }
}

/// DSP-01, REC-03: the claim's decision raised by `amount`, taken from its adjustments other
/// than the member's share (pure). A decision already remitted is replaced: its payment is
/// reversed and the adjusted decision paid (CLM-10), so the next cycle pays the difference; one not
/// yet remitted is changed in place. The trace names the case.
pub fn adjust_decision(
    current: &Decision,
    remitted: bool,
    amount: Money,
    case_id: &str,
    rule: &'static str,
) -> Result<Decision, ServiceError> {
    let mut next = current.clone();
    if remitted {
        next.reversal = Some(accord_claims::reversal::reverse(&Decision {
            reversal: None,
            ..current.clone()
        }));
    }
    let mut left = amount;
    for line in next.lines.iter_mut().filter(|l| l.pend.is_none()) {
        for adj in line
            .adjustments
            .iter_mut()
            .rev()
            .filter(|a| a.group != Group::PR)
        {
            if left <= Money::ZERO {
                break;
            }
            let take = left.min(adj.amount);
            if take <= Money::ZERO {
                continue;
            }
            adj.amount -= take;
            line.paid += take;
            left -= take;
        }
        line.adjustments.retain(|a| !a.amount.is_zero());
        line.allowed = line.allowed.max(line.paid + line.patient_responsibility);
        if line.status == LineStatus::Denied && line.paid > Money::ZERO {
            line.status = LineStatus::PartiallyPaid;
            line.units_allowed = line.units_billed;
        }
    }
    if left > Money::ZERO {
        return Err(ServiceError::Refused(format!(
            "claim {}: an adjustment of {amount} is more than the claim's adjustments ({} could \
             not be placed); adjudicate it again instead",
            current.tracking, left
        )));
    }
    next.paid = next.lines.iter().map(|l| l.paid).sum();
    next.allowed = next.lines.iter().map(|l| l.allowed).sum();
    if next.status == ClaimStatus::Denied && next.paid > Money::ZERO {
        next.status = ClaimStatus::ProcessedPrimary;
    }
    next.trace.push(TraceStep {
        step: "adjustment".into(),
        rule: rule.into(),
        line: None,
        text: format!(
            "{case_id} upheld for the provider: the claim's payment is adjusted by {amount} \
             ({rule})"
        )
        .into(),
    });
    Ok(next)
}

/// The claim's decision and history after an `adjust` resolution, to save with the case's event.
pub(crate) async fn adjustment_for_action(
    store: &Store,
    case_id: &str,
    case: &Case,
    action: &accord_cases::Action,
    today: Date,
) -> Result<Option<(StoredDecision, Vec<HistoryLine>)>, ServiceError> {
    let accord_cases::Action::Resolve {
        claim: accord_cases::ClaimFollowUp::Adjust,
        amount: Some(amount),
    } = action
    else {
        return Ok(None);
    };
    let rule = match case.kind {
        CaseKind::ClaimDispute => "DSP-01",
        CaseKind::ReviewRequest => "REC-03",
        _ => return Ok(None),
    };
    let Some(tracking) = case.subject.claim.as_deref() else {
        return Ok(None);
    };
    let row = store.decision(tracking).await?.ok_or_else(|| {
        ServiceError::NotFound(format!("claim {tracking} has no decision to adjust"))
    })?;
    let current: Decision = serde_json::from_str(&row.decision)
        .map_err(|e| ServiceError::invalid(format!("decision {tracking}"), "decision", e))?;
    let next = adjust_decision(&current, row.cycle.is_some(), *amount, case_id, rule)?;
    let stored = store.claim(tracking).await?.and_then(|c| c.claim);
    let claim: Option<Claim> = stored.and_then(|j| serde_json::from_str(&j).ok());
    let history = claim
        .as_ref()
        .map(|c| crate::decide::history_lines(c, &next))
        .unwrap_or_default();
    let row = StoredDecision {
        status: crate::decide::status_name(next.status),
        decided_on: today,
        allowed: next.allowed,
        paid: next.paid,
        net_paid: next.net_paid(),
        decision: serde_json::to_string(&next)
            .map_err(|e| ServiceError::invalid(format!("decision {tracking}"), "decision", e))?,
        cycle: None,
        ..row
    };
    Ok(Some((row, history)))
}

/// APL-04: the appeals that keep the provider from billing the member at `now` (open, or an
/// adverse Level I decision whose Level II window is open), as the claims engine's facts.
pub async fn open_appeals(
    store: &Store,
    ctx: &CaseContext<'_>,
    now: Timestamp,
) -> Result<Vec<OpenAppeal>, ServiceError> {
    let mut out = Vec::new();
    for row in store.cases_of_kind("appeal").await? {
        let case = crate::cases::from_stored(&row)?.replay(ctx)?;
        if case.kind == CaseKind::Appeal
            && case
                .status(now, ctx)?
                .flags
                .contains(&Flag::NoMemberBilling)
        {
            out.push(OpenAppeal {
                case: row.case_id.clone(),
                claim: case.subject.claim.clone(),
                authorization: case.subject.authorization.clone(),
            });
        }
    }
    Ok(out)
}

/// A case about a claim, as the claim's explanation shows it (DSP-01, REC-03, APL-04).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClaimCase {
    /// Case number.
    pub case_id: String,
    /// Kind, e.g. `claim_dispute`.
    pub kind: String,
    /// Phase at its last save (`closed` once closed).
    pub phase: String,
    /// The resolution and what it did to the claim, once resolved.
    pub outcome: Option<String>,
}

impl ClaimCase {
    /// One line for `accord claims explain`.
    pub fn line(&self) -> String {
        let kind = self.kind.replace('_', " ");
        match &self.outcome {
            Some(o) => format!("{} ({kind}): {o}", self.case_id),
            None => format!(
                "{} ({kind}): {}",
                self.case_id,
                self.phase.replace('_', " ")
            ),
        }
    }
}

/// The cases filed about a claim, oldest first, with their outcome (read from the stored
/// events; no plan needed).
pub async fn claim_cases(store: &Store, tracking: &str) -> Result<Vec<ClaimCase>, ServiceError> {
    let mut out = Vec::new();
    for row in store.cases_about(tracking).await? {
        let rec = crate::cases::from_stored(&row)?;
        let outcome = rec.events.iter().rev().find_map(|e| match &e.action {
            accord_cases::Action::Resolve { claim, amount } => Some(format!(
                "resolved on {} — {}",
                e.at,
                match claim {
                    accord_cases::ClaimFollowUp::None => "the determination stands".to_owned(),
                    accord_cases::ClaimFollowUp::Readjudicate => {
                        "upheld for the provider: the claim was adjudicated again".to_owned()
                    }
                    accord_cases::ClaimFollowUp::Adjust => format!(
                        "upheld for the provider: the claim's payment is adjusted by {}",
                        amount.unwrap_or(Money::ZERO)
                    ),
                }
            )),
            accord_cases::Action::Decide { outcome } => {
                Some(format!("decided on {} — {}", e.at, outcome.label()))
            }
            _ => None,
        });
        out.push(ClaimCase {
            case_id: row.case_id,
            kind: row.kind,
            phase: row.phase,
            outcome,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn balance(source: &str, opened: &str, remaining: &str) -> ProviderBalance {
        ProviderBalance {
            pay_to_npi: "1234567893".into(),
            source: source.into(),
            opened_on: opened.parse().unwrap(),
            original: m(remaining),
            remaining: m(remaining),
            demanded_on: None,
        }
    }

    #[test]
    fn rec_04_repayment_takes_the_oldest_balance_first() {
        let open = [
            balance("AUD-2026-000001 B", "2026-11-02", "50.00"),
            balance("AUD-2026-000001 A", "2026-11-01", "30.00"),
        ];
        let changed = apply_repayment(&open, m("40.00"));
        assert_eq!(changed.len(), 2);
        assert_eq!(changed[0].source, "AUD-2026-000001 A");
        assert_eq!(changed[0].remaining, Money::ZERO);
        assert_eq!(changed[1].remaining, m("40.00"));
    }
}
