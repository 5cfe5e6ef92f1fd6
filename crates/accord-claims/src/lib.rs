//! # accord-claims
//!
//! The pure claim adjudication engine (issue 4). This crate owns: the claim as adjudicated
//! ([`Claim`]), the snapshot of facts it is judged against ([`Facts`], with indexed providers,
//! authorizations and claim history), the pipeline of edits and pricing, and the decision with
//! its 835 codes and explanation trace ([`Decision`]). One entry point: [`adjudicate`].
//!
//! A claim plus facts in, a decision out: no database, no clock (receipt date and "today" are
//! inputs), no I/O, deterministic, and no panics on any input. Intake (837 → [`Claim`]), storage,
//! the payment cycle and the CLI belong to other crates.
//!
//! Pipeline, in order (each a module under `steps`; rule IDs from `docs/RULES.md`):
//! 0. clean-claim checks — CLM-03, CLM-04, CLM-09, CLM-10 (277CA rejections; CO-4/5/107/181/204)
//! 1. eligibility on each date of service — ELIG-01, ELIG-04 (CO/PR-26/27/31, CO-22)
//! 2. provider standing and supervising billing — NET-05, NET-08, NET-09, CLM-11 (CO-B7, CO-185)
//! 3. timely filing — CLM-02 (CO-29)
//! 4. duplicates — CLM-06 (CO-18)
//! 5. NCCI PTP and MUE — CLM-05 (CO-97, CO-236, CO-151)
//! 6. benefit limits — CLM-08 (CO-119, partial allowance)
//! 7. authorization — CLM-07, UM-01, UM-07, UM-09, UM-12, ELIG-03 (CO-197, CO-198)
//! 8. pricing — PAY-01 (CO-45)
//! 9. member cost share — PAY-02 (PR-1/2/3)
//! 10. COB — PAY-03, PAY-04, PAY-05 (OA-23)
//! 11. appeal hold — APL-04 (the member's share on lines under an open appeal moves to CO)
//!
//! Each adjustment carries the remark code (RARC) the plan's `remark_codes.csv` maps its group,
//! CARC and rule to (PAY-06, `remarks`). Corrected and void claims (CLM-10) also carry the
//! reversal of the original's payment.
//! See `docs/claims.md`.

extern crate self as accord_claims;

pub mod bench;
pub mod claim;
mod explain;
pub mod facts;
pub mod hash;
mod history;
pub mod outcome;
mod remarks;
pub mod reversal;
mod steps;
#[cfg(test)]
#[path = "../tests/common/mod.rs"]
pub(crate) mod testkit;
mod work;

pub use claim::{
    Claim, ClaimKind, ClaimLine, Frequency, LineDocumentation, OtherPayer, PriorAdjustment,
};
pub use facts::{
    Accumulators, Authorization, AuthorizationBook, ClaimHistory, ExaminerRelease, Facts,
    HistLines, OpenAppeal, PriorLine, PriorRef, PriorStatus, ProviderDirectory, ProviderFacts,
    TransitionOfCare,
};
pub use outcome::{
    Adjustment, ClaimStatus, Decision, Group, LineDecision, LineStatus, Pend, RejectCategory,
    Rejection, Reversal, TraceStep,
};

use accord_core::{Date, Money};

use crate::claim::Frequency as Freq;
use crate::work::Ctx;

/// CLM-01, CLM-03, CLM-04, CLM-10: the claim-level clean-claim checks alone (member on file,
/// billing provider on file, diagnosis present, original of a corrected/void claim on file…), so
/// intake can reject on the 277CA what adjudication would reject. Empty when the claim is clean.
pub fn clean_claim_check(claim: &Claim, facts: &Facts) -> Vec<Rejection> {
    let cx = Ctx::new(claim, facts, claim.received);
    steps::clean::claim_level(&cx)
}

/// Adjudicates one claim against a snapshot of facts, as of `today` (used for re-attestation,
/// ELIG-04; the receipt date is the claim's). Pure and deterministic.
pub fn adjudicate(claim: &Claim, facts: &Facts, today: Date) -> Decision {
    let mut cx = Ctx::new(claim, facts, today);
    let reversal = match &claim.frequency {
        Freq::Original => None,
        Freq::Corrected { original } | Freq::Void { original } => facts
            .original
            .filter(|d| &d.tracking == original)
            // A pended or rejected original was never paid: there is nothing to reverse.
            .filter(|d| !matches!(d.status, ClaimStatus::Pended | ClaimStatus::Rejected))
            .map(reversal::reverse),
    };
    let rejections = steps::clean::claim_level(&cx);
    if !rejections.is_empty() {
        cx.note(
            "clean_claim",
            "CLM-04",
            None,
            format!(
                "claim rejected before adjudication: {}",
                rejections
                    .iter()
                    .map(|r| r.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
        return Decision {
            tracking: claim.tracking.clone(),
            status: ClaimStatus::Rejected,
            rejections,
            lines: Vec::new(),
            billed: claim.total_charge(),
            allowed: Money::ZERO,
            paid: Money::ZERO,
            patient_responsibility: Money::ZERO,
            reversal: None,
            trace: cx.trace,
        };
    }
    if let Freq::Void { original } = &claim.frequency {
        cx.note(
            "reversal",
            "CLM-10",
            None,
            format!(
                "void of claim {original}: its payment is reversed, nothing new is paid (CLM-10)"
            ),
        );
        return Decision {
            tracking: claim.tracking.clone(),
            status: ClaimStatus::Reversal,
            rejections: Vec::new(),
            lines: Vec::new(),
            billed: Money::ZERO,
            allowed: Money::ZERO,
            paid: Money::ZERO,
            patient_responsibility: Money::ZERO,
            reversal,
            trace: cx.trace,
        };
    }
    if let Freq::Corrected { original } = &claim.frequency {
        cx.note(
            "reversal",
            "CLM-10",
            None,
            format!("corrected claim replacing {original}: the original's payment is reversed and this claim is adjudicated anew (CLM-10)"),
        );
    }
    steps::clean::lines(&mut cx);
    steps::eligibility::run(&mut cx);
    steps::provider::run(&mut cx);
    steps::timely::run(&mut cx);
    steps::duplicate::run(&mut cx);
    steps::ncci::run(&mut cx);
    steps::limits::run(&mut cx);
    steps::auth::run(&mut cx);
    steps::pricing::run(&mut cx);
    steps::cost_share::run(&mut cx);
    steps::cob::run(&mut cx);
    steps::appeal_hold::run(&mut cx);

    let lines: Vec<LineDecision> = cx.lines.into_iter().map(|l| l.finish()).collect();
    remarks::note_remarks(&facts.plan.remarks, &lines, &mut cx.trace);
    let status = if lines.iter().any(|l| l.status == LineStatus::Pended) {
        ClaimStatus::Pended
    } else if lines.iter().all(|l| l.status == LineStatus::Denied) {
        ClaimStatus::Denied
    } else if claim.other_payer.is_some() {
        ClaimStatus::ProcessedSecondary
    } else {
        ClaimStatus::ProcessedPrimary
    };
    Decision {
        tracking: claim.tracking.clone(),
        status,
        rejections: Vec::new(),
        billed: lines.iter().map(|l| l.billed).sum(),
        allowed: lines.iter().map(|l| l.allowed).sum(),
        paid: lines.iter().map(|l| l.paid).sum(),
        patient_responsibility: lines.iter().map(|l| l.patient_responsibility).sum(),
        lines,
        reversal,
        trace: cx.trace,
    }
}
