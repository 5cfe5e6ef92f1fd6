//! One claim through the engine, and what the run must remember of it: the decision as stored,
//! the history lines later claims see (CLM-06, CLM-08, UM-01), the authorization units it used
//! (CLM-07, UM-04), and, for corrected and void claims, the original's lines and units taken back
//! (CLM-10). Synchronous and free of I/O: the caller loads and saves.

use accord_claims::{Claim, ClaimStatus, Decision, Facts, LineStatus, PriorLine, PriorStatus};
use accord_core::{Date, Money};
use accord_plan::Plan;
use accord_store::{HistoryLine, StoredDecision};

use crate::reference::Reference;

/// A claim decided: the engine's decision, its stored form and the history it leaves.
#[derive(Debug, Clone)]
pub struct Decided {
    /// The engine's decision.
    pub decision: Decision,
    /// The row the store keeps.
    pub stored: StoredDecision,
    /// History lines of this claim (paid and pending lines).
    pub history: Vec<HistoryLine>,
    /// CLM-10: the claim whose lines this one removed from history (its original).
    pub reversed: Option<String>,
    /// CLM-10: a pended original this claim replaces or voids: it leaves the pend queue unpaid.
    pub superseded: Option<String>,
    /// The stored row's decision and trace texts are still to be written ([`Decided::serialize`]):
    /// intake leaves them to the thread that stages its rows, off the thread that decides.
    json_pending: bool,
}

impl Decided {
    /// Writes the stored row's decision JSON and trace JSON, when they are still to be written.
    /// The trace is stored apart (compressed; the payment cycle never reads it), so the
    /// decision's JSON is written with an empty trace.
    pub fn serialize(&mut self) {
        if !self.json_pending {
            return;
        }
        self.stored.trace = Some(self.decision.trace_json());
        let trace = std::mem::take(&mut self.decision.trace);
        self.stored.decision = serde_json::to_string(&self.decision).unwrap_or_default();
        self.decision.trace = trace;
        self.json_pending = false;
    }

    /// Whether [`Decided::serialize`] is still to run.
    pub fn json_pending(&self) -> bool {
        self.json_pending
    }
}

/// The engine's status as stored (its serde name, e.g. `processed_primary`).
pub fn status_name(s: ClaimStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{s:?}"))
}

/// Decides `claim` against `reference` as of `today` and brings `reference` up to date with it.
/// `original` is the current decision on the claim a corrected or void claim replaces.
pub fn decide(
    reference: &mut Reference,
    plan: &Plan,
    claim: &Claim,
    original: Option<&Decision>,
    today: Date,
) -> Decided {
    decide_with(reference, plan, claim, original, None, today)
}

/// [`decide`], with an examiner's release of pended lines (the claim decided again after review).
pub fn decide_with(
    reference: &mut Reference,
    plan: &Plan,
    claim: &Claim,
    original: Option<&Decision>,
    release: Option<&accord_claims::ExaminerRelease>,
    today: Date,
) -> Decided {
    let what = ToDecide {
        claim,
        original,
        release,
    };
    let mut decided = decide_unserialized(reference, plan, what, today);
    decided.serialize();
    decided
}

/// A claim to decide: the claim, the current decision on the claim a corrected or void claim
/// replaces, and an examiner's release of pended lines.
pub(crate) struct ToDecide<'a> {
    pub(crate) claim: &'a Claim,
    pub(crate) original: Option<&'a Decision>,
    pub(crate) release: Option<&'a accord_claims::ExaminerRelease>,
}

/// [`decide_with`], with the stored row's JSON left for [`Decided::serialize`] (intake writes it
/// on the thread that stages the rows).
pub(crate) fn decide_unserialized(
    reference: &mut Reference,
    plan: &Plan,
    what: ToDecide<'_>,
    today: Date,
) -> Decided {
    let ToDecide {
        claim,
        original,
        release,
    } = what;
    let decision = {
        let mut facts = Facts::new(
            plan,
            &reference.providers,
            &reference.authorizations,
            &reference.history,
        );
        facts.member = reference.member(&claim.member_id);
        facts.spans = reference.spans(&claim.member_id);
        facts.other_coverage = reference.other_coverage(&claim.member_id);
        facts.original = original;
        facts.release = release;
        facts.open_appeals = &reference.open_appeals;
        accord_claims::adjudicate(claim, &facts, today)
    };

    // CLM-10: the original's lines stop counting and its authorization units come back.
    let reversed = decision
        .reversal
        .as_ref()
        .map(|r| r.original_tracking.clone());
    let superseded = original
        .filter(|o| o.status == ClaimStatus::Pended)
        .map(|o| o.tracking.clone());
    if let Some(t) = &superseded {
        reference.history.remove_claim(&claim.member_id, t);
    }
    if let (Some(orig), Some(tracking)) = (original, &reversed) {
        reference.history.remove_claim(&claim.member_id, tracking);
        for l in &orig.lines {
            for (id, units) in &l.authorizations {
                reference
                    .authorizations
                    .consume(&claim.member_id, id, -*units);
            }
        }
    }

    let mut decided = unserialized_form(reference, claim, decision, reversed, today);
    decided.superseded = superseded;
    decided
}

/// The stored decision and history lines of a decision, with `reference` brought up to date.
pub fn stored_form(
    reference: &mut Reference,
    claim: &Claim,
    decision: Decision,
    reversed: Option<String>,
    today: Date,
) -> Decided {
    let mut decided = unserialized_form(reference, claim, decision, reversed, today);
    decided.serialize();
    decided
}

/// [`stored_form`] without the row's JSON ([`Decided::serialize`] writes it).
fn unserialized_form(
    reference: &mut Reference,
    claim: &Claim,
    decision: Decision,
    reversed: Option<String>,
    today: Date,
) -> Decided {
    let history = history_lines(claim, &decision);
    reference
        .history
        .add(history.iter().filter_map(|h| as_prior(claim, h)));
    for l in &decision.lines {
        for (id, units) in &l.authorizations {
            reference
                .authorizations
                .consume(&claim.member_id, id, *units);
        }
    }

    let pended = decision
        .lines
        .iter()
        .any(|l| l.status == LineStatus::Pended);
    let stored = StoredDecision {
        tracking: decision.tracking.clone(),
        status: status_name(decision.status),
        member_id: Some(claim.member_id.to_string()),
        pay_to_npi: claim
            .pay_to_npi
            .as_ref()
            .unwrap_or(&claim.billing_npi)
            .to_string(),
        received_on: claim.received,
        decided_on: today,
        billed: decision.billed,
        allowed: decision.allowed,
        paid: decision.paid,
        net_paid: decision.net_paid(),
        patient_responsibility: decision.patient_responsibility,
        clean: !pended && decision.status != ClaimStatus::Rejected,
        decision: String::new(),
        trace: None,
        cycle: None,
        remittance: None,
    };
    Decided {
        decision,
        stored,
        history,
        reversed,
        superseded: None,
        json_pending: true,
    }
}

/// The claim's lines as later claims see them: paid and partially paid lines with the units
/// allowed, pended lines with the units billed (they count as duplicates while they wait).
pub fn history_lines(claim: &Claim, decision: &Decision) -> Vec<HistoryLine> {
    decision
        .lines
        .iter()
        .filter_map(|d| {
            let line = claim.lines.iter().find(|l| l.number == d.number)?;
            let (units, paid) = match d.status {
                LineStatus::Paid | LineStatus::PartiallyPaid => (d.units_allowed, true),
                LineStatus::Pended => (d.units_billed, false),
                LineStatus::Denied => return None,
            };
            Some(HistoryLine {
                tracking: decision.tracking.clone(),
                line: d.number,
                member_id: claim.member_id.to_string(),
                rendering_npi: claim.rendering_for(line).to_string(),
                procedure: d.procedure.to_string(),
                modifiers: d.modifiers.join(" "),
                service_date: d.service_date,
                units,
                paid,
                authorizations: d.authorizations.clone(),
            })
        })
        .collect()
}

fn as_prior(claim: &Claim, h: &HistoryLine) -> Option<PriorLine> {
    let line = claim.lines.iter().find(|l| l.number == h.line)?;
    Some(PriorLine {
        member: claim.member_id.clone(),
        rendering: claim.rendering_for(line).clone(),
        code: line.procedure.clone(),
        modifiers: line.modifiers.clone(),
        date: h.service_date,
        units: h.units,
        status: if h.paid {
            PriorStatus::Paid
        } else {
            PriorStatus::Pending
        },
        tracking: h.tracking.clone(),
    })
}

/// Totals of a run, for the summary the CLI prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Claims decided.
    pub claims: u64,
    /// Lines decided.
    pub lines: u64,
    /// Claims by engine status, in status-name order.
    pub by_status: std::collections::BTreeMap<String, u64>,
    /// Denial and reduction reasons by group and CARC (e.g. `CO-197`), one count per adjustment;
    /// fee-schedule reductions (CO-45), prior payers' payments (OA-23) and cost share (PR) are not
    /// denials and are not counted.
    pub denial_reasons: std::collections::BTreeMap<String, u64>,
    /// Claims decided with no pended line (auto-adjudicated).
    pub auto_adjudicated: u64,
    /// Net paid (reversals included).
    pub paid: Money,
}

impl Tally {
    /// Adds one decision.
    pub fn add(&mut self, d: &Decided) {
        self.claims += 1;
        self.lines += d.decision.lines.len() as u64;
        *self.by_status.entry(d.stored.status.clone()).or_default() += 1;
        if d.stored.clean {
            self.auto_adjudicated += 1;
        }
        for l in &d.decision.lines {
            for a in &l.adjustments {
                // Contractual reductions to the fee schedule (CO-45), the prior payer's payment
                // (OA-23) and member cost share (PR) are pricing, not denials.
                if a.carc != "45" && a.carc != "23" && a.group != accord_claims::Group::PR {
                    *self
                        .denial_reasons
                        .entry(format!("{}-{}", a.group.as_str(), a.carc))
                        .or_default() += 1;
                }
            }
        }
        self.paid += d.stored.net_paid;
    }

    /// The denial reasons, most frequent first.
    pub fn top_denials(&self, n: usize) -> Vec<(&str, u64)> {
        let mut v: Vec<(&str, u64)> = self
            .denial_reasons
            .iter()
            .map(|(k, n)| (k.as_str(), *n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.truncate(n);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_claims::TraceStep;

    /// A denied claim with no lines and nothing paid, with `trace`.
    fn denied(tracking: &str, trace: Vec<TraceStep>) -> Decision {
        Decision {
            tracking: tracking.into(),
            status: ClaimStatus::Denied,
            rejections: Vec::new(),
            lines: Vec::new(),
            billed: Money::ZERO,
            allowed: Money::ZERO,
            paid: Money::ZERO,
            patient_responsibility: Money::ZERO,
            reversal: None,
            trace,
        }
    }

    /// The store keeps traces apart and splices them back at the end of the decision's JSON: the
    /// engine must keep serialising the trace last.
    #[test]
    fn a_decision_without_its_trace_ends_with_an_empty_trace() {
        let d = denied("T1", Vec::new());
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.ends_with("\"trace\":[]}"), "{json}");
    }

    /// Intake leaves a decision's JSON to the thread that stages it: until then the row has no
    /// text and staging it is refused, rather than an empty decision stored; once written, the
    /// row holds the decision without its trace, the trace apart, and the decision keeps its trace.
    #[test]
    fn a_decision_is_staged_only_once_its_json_is_written() {
        let step = TraceStep {
            step: "eligibility".into(),
            rule: "ELIG-01".into(),
            line: None,
            text: "member eligible on every date of service".into(),
        };
        let decision = denied("T2", vec![step]);
        let day = jiff::civil::date(2026, 3, 2);
        let mut decided = Decided {
            stored: StoredDecision {
                tracking: "T2".into(),
                status: "denied".into(),
                member_id: None,
                pay_to_npi: "1234567893".into(),
                received_on: day,
                decided_on: day,
                billed: Money::ZERO,
                allowed: Money::ZERO,
                paid: Money::ZERO,
                net_paid: Money::ZERO,
                patient_responsibility: Money::ZERO,
                clean: false,
                decision: String::new(),
                trace: None,
                cycle: None,
                remittance: None,
            },
            decision,
            history: Vec::new(),
            reversed: None,
            superseded: None,
            json_pending: true,
        };
        let refused = crate::adjudication::StagedDecisions::of(std::slice::from_ref(&decided));
        assert!(
            refused.is_err(),
            "a decision without its JSON is not staged"
        );

        decided.serialize();
        assert!(!decided.json_pending());
        assert!(
            decided.stored.decision.ends_with("\"trace\":[]}"),
            "{}",
            decided.stored.decision
        );
        assert_eq!(decided.stored.trace, Some(decided.decision.trace_json()));
        assert_eq!(
            decided.decision.trace.len(),
            1,
            "the decision keeps its trace"
        );
        assert!(crate::adjudication::StagedDecisions::of(std::slice::from_ref(&decided)).is_ok());
    }
}
