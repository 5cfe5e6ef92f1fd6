//! PAY-06, RULES.md CODES: the remittance advice remark codes (RARC) the engine attaches to its
//! adjustments. Which RARC goes with which adjustment is plan data (`remark_codes.csv`, read by
//! `accord-plan`): each adjustment is keyed by its group, its CARC and the rule ID of the step
//! that made it, so the decision JSON, the explanation, the 835 (LQ*HE) and the voucher all carry
//! the same remark without any code list in the engine.

use std::borrow::Cow;

use accord_plan::RemarkCodes;

use crate::outcome::{Code, Group, LineDecision, TraceStep};

/// The remark code for an adjustment `group`-`carc` made under `rule`, if the plan maps one.
pub(crate) fn remark_for(
    remarks: &RemarkCodes,
    group: Group,
    carc: &str,
    rule: &str,
) -> Option<Code> {
    remarks
        .lookup(group.as_str(), carc, Some(rule))
        .map(|r| Cow::Owned(r.rarc.clone()))
}

/// Adds one trace step per remark a line carries, with the code's plain-language text, so the
/// explanation tells the provider what the remark on the remittance means.
pub(crate) fn note_remarks(
    remarks: &RemarkCodes,
    lines: &[LineDecision],
    trace: &mut Vec<TraceStep>,
) {
    for l in lines {
        let mut seen: Vec<&str> = Vec::new();
        for a in &l.adjustments {
            let Some(rarc) = a.rarc.as_deref() else {
                continue;
            };
            if seen.contains(&rarc) {
                continue;
            }
            seen.push(rarc);
            let text = remarks.text(rarc).unwrap_or("");
            trace.push(TraceStep {
                step: Cow::Borrowed("remarks"),
                rule: Cow::Borrowed("PAY-06"),
                line: Some(l.number),
                text: Cow::Owned(format!(
                    "remark {rarc} sent with {}-{} on the remittance (PAY-06): {text}",
                    a.group.as_str(),
                    a.carc
                )),
            });
        }
    }
}
