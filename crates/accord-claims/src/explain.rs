//! `Decision::explain`: the decision in plain language a provider understands — the outcome,
//! each line with its amounts and the reasons in pipeline order (rule IDs kept so staff can look
//! them up), then any reversal.

use std::fmt::Write;

use crate::outcome::{ClaimStatus, Decision, LineStatus};

impl Decision {
    /// The plain-language explanation of the decision.
    pub fn explain(&self) -> String {
        let mut s = String::new();
        let status = match self.status {
            ClaimStatus::ProcessedPrimary => "processed",
            ClaimStatus::ProcessedSecondary => "processed as secondary payer",
            ClaimStatus::Denied => "denied",
            ClaimStatus::Reversal => "voided: the earlier payment is reversed",
            ClaimStatus::Pended => "pended for review",
            ClaimStatus::Rejected => "rejected before adjudication (not processed)",
        };
        let _ = writeln!(s, "Claim {}: {status}.", self.tracking);
        if !self.rejections.is_empty() {
            let _ = writeln!(s, "Please correct and resubmit:");
            for r in &self.rejections {
                let _ = writeln!(s, "  - {} ({}, 277CA {:?})", r.message, r.rule, r.category);
            }
        }
        if !self.lines.is_empty() {
            let _ = writeln!(
                s,
                "Billed {}, allowed {}, paid {}, member owes {}.",
                self.billed, self.allowed, self.paid, self.patient_responsibility
            );
        }
        for l in &self.lines {
            let st = match l.status {
                LineStatus::Paid => "paid",
                LineStatus::PartiallyPaid => "partially paid",
                LineStatus::Denied => "denied",
                LineStatus::Pended => "pended",
            };
            let mut label = l.procedure.to_string();
            for m in &l.modifiers {
                label.push(':');
                label.push_str(m);
            }
            let _ = write!(label, " on {}", l.service_date);
            let _ = writeln!(
                s,
                "Line {} {label}: {st} — billed {} for {} units, allowed {} units / {}, paid {}.",
                l.number, l.billed, l.units_billed, l.units_allowed, l.allowed, l.paid
            );
            for a in &l.adjustments {
                let units = a.units.map(|u| format!(", {u} units")).unwrap_or_default();
                let remark = a
                    .rarc
                    .as_ref()
                    .map(|r| format!(", remark {r}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    s,
                    "    adjustment {}-{}: {}{units}{remark}",
                    a.group.as_str(),
                    a.carc,
                    a.amount
                );
            }
            if let Some(p) = &l.pend {
                let _ = writeln!(s, "    waiting in queue '{}': {}", p.queue, p.reason);
            }
            for t in self.trace.iter().filter(|t| t.line == Some(l.number)) {
                let _ = writeln!(s, "    - {label}: {}", t.text);
            }
        }
        for t in self.trace.iter().filter(|t| t.line.is_none()) {
            let _ = writeln!(s, "  - {}", t.text);
        }
        if let Some(r) = &self.reversal {
            let _ = writeln!(
                s,
                "Earlier claim {} is reversed (CLM-10): {} taken back.",
                r.original_tracking, -r.paid
            );
        }
        s
    }
}
