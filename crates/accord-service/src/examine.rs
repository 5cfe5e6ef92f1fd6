//! A claims examiner's action on a pended claim (issue 4): approve (release the held lines, with a
//! rate where the fee schedule has none), deny the held lines with a reason code, or ask the
//! provider for records. Every action is a `claim_examined` event with actor and reason; approve
//! and deny also replace the decision and its history lines in the same unit of work.

use accord_claims::{
    Adjustment, Claim, ClaimStatus, Decision, ExaminerRelease, Group, LineStatus, TraceStep,
};
use accord_core::{Date, Money, Timestamp};
use accord_plan::Plan;
use accord_store::Store;
use serde_json::json;

use crate::ServiceError;
use crate::adjudication::{load_reference, stored_decision};
use crate::decide::{decide_with, stored_form};

/// What the examiner does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExaminerAction {
    /// Release the held lines and decide the claim again; `rates` price lines the fee schedule
    /// has no rate for (line number, rate per unit).
    Approve {
        /// Rates set by the examiner.
        rates: Vec<(u32, Money)>,
    },
    /// Deny the held lines with this CARC (group CO), with the remark the plan maps for it or
    /// the one the examiner names (PAY-06).
    Deny {
        /// Claim adjustment reason code, e.g. `16` (missing information) or `50` (not medically
        /// necessary).
        carc: String,
        /// The remark code (RARC) the examiner gives; it must be one of the plan's
        /// (`remark_codes.csv`). `None`: the plan's mapping for the CARC ([`examiner_remark`]).
        rarc: Option<String>,
    },
    /// Ask the provider for records; the claim stays pended.
    RequestRecords,
}

impl ExaminerAction {
    fn name(&self) -> &'static str {
        match self {
            ExaminerAction::Approve { .. } => "approve",
            ExaminerAction::Deny { .. } => "deny",
            ExaminerAction::RequestRecords => "request_records",
        }
    }
}

/// Who acts, why and when.
#[derive(Debug, Clone)]
pub struct Examiner {
    /// The examiner's user name.
    pub actor: String,
    /// The reason, shown to the provider.
    pub reason: String,
    /// The decision date.
    pub today: Date,
    /// When.
    pub at: Timestamp,
}

/// Acts on pended claim `tracking`; returns the decision as it now stands.
pub async fn examine(
    store: &Store,
    plan: &Plan,
    tracking: &str,
    action: &ExaminerAction,
    who: &Examiner,
) -> Result<Decision, ServiceError> {
    if store
        .decision(tracking)
        .await?
        .is_some_and(|row| row.status == "superseded")
    {
        return Err(ServiceError::Refused(format!(
            "claim {tracking} was replaced or voided by a later claim (CLM-10); examine that one"
        )));
    }
    let Some(current) = stored_decision(store, tracking).await? else {
        return Err(ServiceError::NotFound(format!(
            "no decision for claim {tracking} (is it adjudicated?)"
        )));
    };
    if current.status != ClaimStatus::Pended {
        return Err(ServiceError::Refused(format!(
            "claim {tracking} is not pended (it is {}); only pended claims are examined",
            crate::decide::status_name(current.status).replace('_', " ")
        )));
    }
    if who.reason.trim().is_empty() {
        return Err(ServiceError::invalid(
            format!("claim {tracking}"),
            "reason",
            "an examiner action needs a reason (it is shown to the provider)",
        ));
    }
    let held: Vec<u32> = current
        .lines
        .iter()
        .filter(|l| l.status == LineStatus::Pended)
        .map(|l| l.number)
        .collect();
    let claim = stored_claim(store, tracking).await?;
    let new = match action {
        ExaminerAction::RequestRecords => None,
        ExaminerAction::Deny { carc, rarc } => {
            let remark = denial_remark(plan, tracking, carc, rarc.as_deref())?;
            Some(deny_held(&current, carc, remark.as_ref(), who))
        }
        ExaminerAction::Approve { rates } => {
            let mut reference = load_reference(store, plan, who.at).await?;
            reference.history.remove_claim(&claim.member_id, tracking);
            let original = match claim.frequency.original() {
                Some(t) => stored_decision(store, t).await?,
                None => None,
            };
            let release = ExaminerRelease {
                lines: held.clone(),
                rates: rates.clone(),
                by: who.actor.clone(),
                reason: who.reason.clone(),
            };
            let d = decide_with(
                &mut reference,
                plan,
                &claim,
                original.as_ref(),
                Some(&release),
                who.today,
            );
            Some(d.decision)
        }
    };
    let mut uow = store
        .begin(&who.actor, &format!("examiner: {}", who.reason), who.at)
        .await?;
    uow.record_event(
        accord_store::events::CLAIM,
        tracking,
        accord_store::events::action::CLAIM_EXAMINED,
        json!({ "action": action.name(), "lines": held, "reason": who.reason }),
    )
    .await?;
    let result = match new {
        None => current,
        Some(decision) => {
            // Nothing is read from the store past this point: the unit of work holds the
            // connection (one, for an in-memory SQLite database).
            let mut scratch = crate::reference::Reference::default();
            let reversed = decision
                .reversal
                .as_ref()
                .map(|r| r.original_tracking.clone());
            // CLM-10: a released correction or void reverses its original; the quality measures
            // stop reading the original in the same unit of work (as a run does).
            let reversal: Vec<(String, String)> = reversed
                .iter()
                .filter(|o| o.as_str() != tracking)
                .map(|o| (o.clone(), tracking.to_owned()))
                .collect();
            let mut decided = stored_form(&mut scratch, &claim, decision, reversed, who.today);
            // Examined claims are not clean (PAY-07 counts them apart).
            decided.stored.clean = false;
            uow.save_decisions(std::slice::from_ref(&decided.stored))
                .await?;
            uow.mark_reversed(&reversal).await?;
            uow.replace_history(&[tracking.to_owned()], &decided.history)
                .await?;
            decided.decision
        }
    };
    uow.commit().await?;
    Ok(result)
}

async fn stored_claim(store: &Store, tracking: &str) -> Result<Claim, ServiceError> {
    let row = store.claim(tracking).await?.ok_or_else(|| {
        ServiceError::NotFound(format!("no claim with tracking number {tracking}"))
    })?;
    let json = row.claim.ok_or_else(|| {
        ServiceError::invalid(format!("claim {tracking}"), "claim", "rejected at intake")
    })?;
    serde_json::from_str(&json)
        .map_err(|e| ServiceError::invalid(format!("claim {tracking}"), "claim", e))
}

/// A remark code and its plain-language text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remark {
    /// The RARC, e.g. `N29`.
    pub rarc: String,
    /// What it means (the plan's text).
    pub text: String,
}

/// PAY-06: the remark an examiner's denial of a held line with CO-`carc` carries, from the plan's
/// `remark_codes.csv`: the row for CO and the CARC with no rule (an examiner's denial is not an
/// engine rule), else the first row for CO and the CARC under any rule (so CO-197 carries M62 as
/// the engine's does); none when the plan maps none.
pub fn examiner_remark(remarks: &accord_plan::RemarkCodes, carc: &str) -> Option<Remark> {
    let carc = carc.trim().to_ascii_uppercase();
    remarks
        .lookup("CO", &carc, None)
        .or_else(|| remarks.iter().find(|r| r.group == "CO" && r.carc == carc))
        .map(|r| Remark {
            rarc: r.rarc.clone(),
            text: r.text.clone(),
        })
}

/// The remark for an examiner's denial: the one named (it must be among the plan's remark
/// codes), else the plan's mapping for the CARC.
fn denial_remark(
    plan: &Plan,
    tracking: &str,
    carc: &str,
    rarc: Option<&str>,
) -> Result<Option<Remark>, ServiceError> {
    let Some(given) = rarc.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(examiner_remark(&plan.remarks, carc));
    };
    let code = given.to_ascii_uppercase();
    match plan.remarks.text(&code) {
        Some(text) => Ok(Some(Remark {
            rarc: code,
            text: text.to_owned(),
        })),
        None => Err(ServiceError::invalid(
            format!("claim {tracking}"),
            "rarc",
            format!(
                "{given:?} is not one of the plan's remark codes (remark_codes.csv): {}",
                plan.remarks
                    .iter()
                    .map(|r| r.rarc.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The held lines denied with `carc` (group CO: the provider may not bill the member) and
/// `remark` (PAY-06: on the 835's LQ*HE and the voucher, noted in the trace as the engine notes
/// its remarks), the rest of the decision unchanged, and the claim's status and totals
/// recomputed.
pub fn deny_held(
    current: &Decision,
    carc: &str,
    remark: Option<&Remark>,
    who: &Examiner,
) -> Decision {
    let mut d = current.clone();
    for l in d
        .lines
        .iter_mut()
        .filter(|l| l.status == LineStatus::Pended)
    {
        let queue = l
            .pend
            .as_ref()
            .map(|p| p.queue.to_string())
            .unwrap_or_default();
        l.status = LineStatus::Denied;
        l.pend = None;
        l.units_allowed = rust_decimal::Decimal::ZERO;
        l.allowed = Money::ZERO;
        l.paid = Money::ZERO;
        l.patient_responsibility = Money::ZERO;
        l.adjustments = vec![Adjustment {
            group: Group::CO,
            carc: carc.to_owned().into(),
            rarc: remark.map(|r| r.rarc.clone().into()),
            amount: l.billed,
            units: Some(l.units_billed),
        }];
        d.trace.push(TraceStep {
            step: "examiner".into(),
            rule: "examiner".into(),
            line: Some(l.number),
            text: format!(
                "held in queue {queue}; denied CO-{carc} by examiner {}: {}",
                who.actor, who.reason
            )
            .into(),
        });
        if let Some(r) = remark {
            d.trace.push(TraceStep {
                step: "remarks".into(),
                rule: "PAY-06".into(),
                line: Some(l.number),
                text: format!(
                    "remark {} sent with CO-{carc} on the remittance (PAY-06): {}",
                    r.rarc, r.text
                )
                .into(),
            });
        }
    }
    d.status = if d.lines.iter().all(|l| l.status == LineStatus::Denied) {
        ClaimStatus::Denied
    } else if d
        .lines
        .iter()
        .any(|l| l.adjustments.iter().any(|a| a.carc == "23"))
    {
        ClaimStatus::ProcessedSecondary
    } else {
        ClaimStatus::ProcessedPrimary
    };
    d.allowed = d.lines.iter().map(|l| l.allowed).sum();
    d.paid = d.lines.iter().map(|l| l.paid).sum();
    d.patient_responsibility = d.lines.iter().map(|l| l.patient_responsibility).sum();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_claims::{LineDecision, Pend};
    use accord_plan::{RemarkCode, RemarkCodes};

    fn row(carc: &str, rule: Option<&str>, rarc: &str) -> RemarkCode {
        RemarkCode {
            group: "CO".into(),
            carc: carc.into(),
            rule: rule.map(str::to_owned),
            rarc: rarc.into(),
            text: format!("text of {rarc}"),
        }
    }

    #[test]
    fn pay_06_examiner_remark_prefers_the_row_without_a_rule_then_any_row_for_the_carc() {
        let remarks =
            RemarkCodes::from_rows([row("16", None, "N29"), row("197", Some("CLM-07"), "M62")]);
        assert_eq!(examiner_remark(&remarks, "16").unwrap().rarc, "N29");
        let m62 = examiner_remark(&remarks, " 197 ").unwrap();
        assert_eq!(m62.rarc, "M62");
        assert_eq!(m62.text, "text of M62");
        assert!(examiner_remark(&remarks, "50").is_none());
    }

    #[test]
    fn pay_06_denied_held_line_carries_the_remark_and_notes_it() {
        let line = LineDecision {
            number: 1,
            procedure: accord_core::ProcedureCode::parse("90837").unwrap(),
            modifiers: vec![],
            service_date: "2026-03-02".parse().unwrap(),
            status: LineStatus::Pended,
            billed: Money::parse("130").unwrap(),
            units_billed: rust_decimal::Decimal::ONE,
            units_allowed: rust_decimal::Decimal::ZERO,
            rate: None,
            allowed: Money::ZERO,
            paid: Money::ZERO,
            patient_responsibility: Money::ZERO,
            adjustments: vec![],
            pend: Some(Pend {
                queue: "documentation".into(),
                reason: "no start/stop times".into(),
            }),
            flags: vec![],
            authorizations: vec![],
        };
        let current = Decision {
            tracking: "D1".into(),
            status: ClaimStatus::Pended,
            rejections: vec![],
            lines: vec![line],
            billed: Money::parse("130").unwrap(),
            allowed: Money::ZERO,
            paid: Money::ZERO,
            patient_responsibility: Money::ZERO,
            reversal: None,
            trace: vec![],
        };
        let who = Examiner {
            actor: "kim".into(),
            reason: "no times in the records".into(),
            today: "2026-03-20".parse().unwrap(),
            at: Timestamp::UNIX_EPOCH,
        };
        let remark = Remark {
            rarc: "N29".into(),
            text: "Missing documentation/orders/notes/summary/report/chart.".into(),
        };
        let d = deny_held(&current, "16", Some(&remark), &who);
        assert_eq!(d.status, ClaimStatus::Denied);
        assert_eq!(d.lines[0].adjustments[0].rarc.as_deref(), Some("N29"));
        assert!(d.explain().contains("remark N29"), "{}", d.explain());
        assert!(
            d.trace
                .iter()
                .any(|t| t.rule == "PAY-06" && t.text.contains("remark N29 sent with CO-16")),
            "{:?}",
            d.trace
        );
        let bare = deny_held(&current, "50", None, &who);
        assert_eq!(bare.lines[0].adjustments[0].rarc, None);
    }
}
