//! CLM-10: corrected (frequency 7) and void (8) claims. The engine reverses the original claim's
//! payment — every line with every amount negated, CLP02 `22` — and, for a corrected claim,
//! adjudicates the replacement as a new claim (the original's history lines do not count against
//! it as duplicates or toward limits). A void only reverses.

use accord_core::Money;

use crate::outcome::{ClaimStatus, Decision, LineDecision, Reversal};

fn negate_line(l: &LineDecision) -> LineDecision {
    let mut r = l.clone();
    r.billed = -l.billed;
    r.allowed = -l.allowed;
    r.paid = -l.paid;
    r.patient_responsibility = -l.patient_responsibility;
    r.units_allowed = -l.units_allowed;
    r.units_billed = -l.units_billed;
    for a in &mut r.adjustments {
        a.amount = -a.amount;
    }
    r
}

/// The reversal of `original`'s payment (its own reversal, if it had one, is not repeated).
pub fn reverse(original: &Decision) -> Reversal {
    // Only lines that went on a remittance are reversed: a pended line was never paid.
    let lines: Vec<LineDecision> = original
        .lines
        .iter()
        .filter(|l| l.status != crate::outcome::LineStatus::Pended)
        .map(negate_line)
        .collect();
    let paid: Money = lines.iter().map(|l| l.paid).sum();
    Reversal {
        original_tracking: original.tracking.clone(),
        status: ClaimStatus::Reversal,
        lines,
        paid,
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;

    #[test]
    fn clm_10_reversal_negates_every_amount() {
        let fx = Fx::new();
        let d0 = fx.run(&claim(
            "U1",
            vec![ln(1, "T1016:HE", 4, "100", "2026-03-02")],
        ));
        let r = super::reverse(&d0);
        assert_eq!(r.paid, -d0.paid);
        assert_eq!(
            r.lines[0].adjustments[0].amount,
            -d0.lines[0].adjustments[0].amount
        );
        assert_eq!(r.status.clp02(), Some("22"));
    }
}
