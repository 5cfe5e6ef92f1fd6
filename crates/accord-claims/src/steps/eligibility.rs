//! Step 1 — eligibility on each date of service (ELIG-01): only the span of this plan that contains
//! the date covers the line. CARC 26 before coverage, 27 after coverage ended (or in a gap between
//! spans), 31 never a member of this plan. When another plan covered the member that day the
//! explanation names it, so the provider knows whom to bill (coverage switching mid-treatment).
//!
//! Other coverage (ELIG-04, PAY-03/04/05): when another payer is primary on the date of service
//! (any other coverage for Medicaid and state-funded spans, which are last resort; coverage with
//! payer order 1 otherwise) and the claim carries no prior payer's adjudication, the line denies
//! CO-22 (bill the primary first). When the plan requires re-attestation of other coverage and it
//! is overdue on the day of adjudication, the line is pended to the `cob` queue instead (the
//! coverage on file may be stale).
//!
//! Group code: CO for Medicaid plans (PAY-04: Medicaid members are never billed), PR otherwise.

use accord_core::member::{
    EligibilitySpan, NotCovered, Program, attestation_overdue, check_coverage,
};

use crate::outcome::Group;
use crate::work::Ctx;

pub(crate) fn run(cx: &mut Ctx) {
    let plan = &cx.facts.plan.config;
    let group = if plan.program == Program::Medicaid {
        Group::CO
    } else {
        Group::PR
    };
    // Lines covered by the same span share the explanation text (formatted once).
    let mut last: Option<(&EligibilitySpan, String)> = None;
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let (line, dos) = (cx.lines[i].line, cx.lines[i].dos);
        let n = Some(line.number);
        match check_coverage(cx.facts.spans, &plan.plan_code, dos) {
            Ok(span) => {
                cx.lines[i].program = Some(span.program);
                let text = match &last {
                    Some((s, t)) if std::ptr::eq(*s, span) => t.clone(),
                    _ => {
                        let t = match span.end {
                            Some(e) => format!(
                                "member covered by {} ({}) from {} to {e} (ELIG-01)",
                                plan.plan_code, span.program, span.start
                            ),
                            None => format!(
                                "member covered by {} ({}) from {} (ELIG-01)",
                                plan.plan_code, span.program, span.start
                            ),
                        };
                        last = Some((span, t.clone()));
                        t
                    }
                };
                cx.note("eligibility", "ELIG-01", n, text);
                other_coverage(cx, i, span.program);
            }
            Err(why) => {
                let (carc, what) = match why {
                    NotCovered::NeverEnrolled => {
                        ("31", "the member was never enrolled with this plan")
                    }
                    NotCovered::BeforeCoverage => (
                        "26",
                        "the date is before the member's coverage with this plan began",
                    ),
                    NotCovered::AfterCoverageEnded => {
                        ("27", "the member's coverage with this plan had ended")
                    }
                    NotCovered::InGap => (
                        "27",
                        "the member was not covered by this plan on that date (gap between coverage spans)",
                    ),
                };
                let other = cx
                    .facts
                    .spans
                    .iter()
                    .filter(|s| s.plan_code != plan.plan_code && s.contains(dos))
                    .max_by_key(|s| s.start)
                    .map(|s| {
                        format!(
                            "; on that date the member was covered by {} ({}) — bill that plan",
                            s.plan_code, s.program
                        )
                    })
                    .unwrap_or_default();
                cx.lines[i].deny(group, carc, "ELIG-01");
                let text = format!("{what}{other} (ELIG-01); denied {}-{carc}", group.as_str());
                cx.note("eligibility", "ELIG-01", n, text);
            }
        }
    }
}

/// ELIG-04, PAY-03: primary coverage elsewhere must be billed first.
fn other_coverage(cx: &mut Ctx, i: usize, program: Program) {
    let (line, dos) = (cx.lines[i].line, cx.lines[i].dos);
    let last_resort = matches!(program, Program::Medicaid | Program::StateFunded);
    let Some(oc) = cx.facts.other_coverage.iter().find(|oc| {
        oc.start <= dos && oc.end.is_none_or(|e| dos <= e) && (last_resort || oc.payer_order == 1)
    }) else {
        return;
    };
    let n = Some(line.number);
    let every = cx.facts.plan.config.other_coverage.reattest_every_days;
    if attestation_overdue(oc, cx.today, every) {
        let reason = format!(
            "the member's other coverage with {} was last attested {}; re-attestation is overdue (ELIG-04)",
            oc.payer_name,
            oc.last_attested
                .map(|d| d.to_string())
                .unwrap_or_else(|| "never".into())
        );
        cx.note(
            "eligibility",
            "ELIG-04",
            n,
            format!("{reason}; pended to cob"),
        );
        if cx.hold(i, "cob", reason) {
            return;
        }
    }
    if cx.claim.other_payer.is_none() {
        cx.lines[i].deny(Group::CO, "22", "PAY-03");
        let text = format!(
            "the member has other coverage with {} (policy {}) that pays first on this date; bill it first and send its remittance with this claim (ELIG-04, PAY-03); denied CO-22",
            oc.payer_name, oc.policy_number
        );
        cx.note("eligibility", "PAY-03", n, text);
    }
}

#[cfg(test)]
mod tests {
    use accord_core::member::Program;

    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn elig_01_sets_the_program_of_the_covering_span() {
        let mut fx = Fx::new();
        fx.spans = vec![span("ACCORD-IL", Program::StateFunded, "2026-01-01", None)];
        let c = claim("U1", vec![ln(1, "H0004:HF", 4, "100", "2026-03-02")]);
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            super::run(&mut cx);
            assert_eq!(cx.lines[0].program, Some(Program::StateFunded));
            assert_eq!(cx.trace[0].rule, "ELIG-01");
        });
    }
}
