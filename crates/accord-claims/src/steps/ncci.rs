//! Step 5 — NCCI procedure-to-procedure edits and medically unlikely edits (CLM-05).
//!
//! PTP: when two services on the same date by the same rendering provider form an active pair, the
//! column-2 code denies. Indicator 0 (no modifier allowed): CO-97, the service is included in the
//! column-1 service. Indicator 1 without an NCCI-associated modifier (59, XE, XS, XP, XU) on either
//! line: CO-236, not compatible on the same day without a modifier. Indicator 1 with one of those
//! modifiers: the edit is bypassed and both lines pay. The column-1 code may be on this claim or
//! on a paid line of an earlier claim the same day.
//!
//! MUE: MAI 1 compares each line's units to the value; MAI 2/3 compare the sum of this claim's
//! units for the code on the date. As CMS does, units beyond an MUE deny the whole line (CO-151),
//! never just the excess.

use accord_core::Modifier;
use accord_plan::PtpModifierIndicator;
use rust_decimal::Decimal;

use crate::facts::npi_key;
use crate::outcome::Group;
use crate::work::{Ctx, days_covered};

const BYPASS: [&str; 5] = ["59", "XE", "XS", "XP", "XU"];

fn has_bypass(mods: &[Modifier]) -> bool {
    mods.iter().any(|m| BYPASS.contains(&m.as_str()))
}

pub(crate) fn run(cx: &mut Ctx) {
    ptp(cx);
    mue(cx);
}

/// Where a column-1 candidate was billed: a line of this claim, or the k-th history line of the day.
enum Col1At {
    Line(u32),
    Claim(usize),
}

fn ptp(cx: &mut Ctx) {
    let ncci = &cx.facts.plan.ncci;
    if ncci.is_empty() {
        return;
    }
    let claim = cx.claim;
    for j in 0..cx.lines.len() {
        if !cx.lines[j].active() {
            continue;
        }
        let (l2, dos, rend) = (cx.lines[j].line, cx.lines[j].dos, cx.lines[j].rendering);
        // Column-1 candidates: other active lines on this claim, then paid history the same day.
        let on_claim = cx
            .lines
            .iter()
            .enumerate()
            .filter(|(i, o)| *i != j && o.active() && o.dos == dos && o.rendering == rend)
            .map(|(_, o)| {
                (
                    &o.line.procedure,
                    o.line.modifiers.as_slice(),
                    Col1At::Line(o.line.number),
                )
            });
        let (keys, day) = cx.hist.day(dos);
        let rk = npi_key(rend);
        let in_history = keys
            .iter()
            .zip(day)
            .enumerate()
            .filter(|(_, (k, p))| k.paid && k.rendering == rk && p.tracking != claim.tracking)
            .map(|(i, (_, p))| (i, p))
            .map(|(k, p)| (p.code, p.modifiers, Col1At::Claim(k)));
        let mut hit = None;
        for (c1, m1, at) in on_claim.chain(in_history) {
            let Some(edit) = ncci.pair(c1, &l2.procedure, dos) else {
                continue;
            };
            if edit.modifier == PtpModifierIndicator::NotApplicable {
                continue;
            }
            let bypass = has_bypass(&l2.modifiers) || has_bypass(m1);
            hit = Some((c1.clone(), edit, bypass, at));
            break;
        }
        let Some((c1, edit, bypass, at)) = hit else {
            continue;
        };
        let where_ = match at {
            Col1At::Line(n) => format!("line {n}"),
            Col1At::Claim(k) => format!("claim {}", day.get(k).map_or("", |p| p.tracking)),
        };
        let n = Some(l2.number);
        match edit.modifier {
            PtpModifierIndicator::Allowed if bypass => {
                cx.note(
                    "ncci",
                    "CLM-05",
                    n,
                    format!(
                        "NCCI pair {c1}/{} ({}) bypassed by a distinct-service modifier (CLM-05)",
                        l2.procedure, edit.rationale
                    ),
                );
            }
            PtpModifierIndicator::Allowed => {
                cx.lines[j].deny(Group::CO, "236", "CLM-05");
                cx.note("ncci", "CLM-05", n, format!("column-2 code of NCCI pair {c1}/{} with {where_} ({}); a modifier 59/XE/XS/XP/XU is required to bill both (CLM-05); denied CO-236", l2.procedure, edit.rationale));
            }
            _ => {
                cx.lines[j].deny(Group::CO, "97", "CLM-05");
                cx.note("ncci", "CLM-05", n, format!("included in {c1} on {where_} (NCCI pair, {}; no modifier allowed) (CLM-05); denied CO-97", edit.rationale));
            }
        }
    }
}

fn mue(cx: &mut Ctx) {
    let mue = &cx.facts.plan.mue;
    if mue.is_empty() {
        return;
    }
    // Decide on the units as billed before denying anything, so every line of an over-limit
    // date is denied (CMS), not only the first.
    let mut denials: Vec<(usize, String)> = Vec::new();
    for (i, lw) in cx.lines.iter().enumerate() {
        if !lw.active() {
            continue;
        }
        let (line, dos) = (lw.line, lw.dos);
        let Some(edit) = mue.edit(&line.procedure, Some(dos)) else {
            continue;
        };
        // A per-diem line spanning dates may carry one day's limit for each date it covers.
        let limit = Decimal::from(edit.value) * days_covered(line);
        let per_day = edit.adjudication.per_date_of_service();
        let units: Decimal = if per_day {
            cx.lines
                .iter()
                .filter(|o| o.line.procedure == line.procedure && o.dos == dos && o.active())
                .map(|o| o.line.units.value())
                .sum()
        } else {
            line.units.value()
        };
        if units > limit {
            let scope = if per_day {
                "on the date of service"
            } else {
                "on the line"
            };
            denials.push((i, format!("{units} units {scope} exceed the medically unlikely edit of {limit} for {} (CLM-05); denied CO-151", line.procedure)));
        }
    }
    for (i, text) in denials {
        cx.lines[i].deny(Group::CO, "151", "CLM-05");
        let n = Some(cx.lines[i].line.number);
        cx.note("mue", "CLM-05", n, text);
    }
}

#[cfg(test)]
mod tests {
    use crate::facts::PriorStatus;
    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn clm_05_column_one_on_an_earlier_paid_claim_denies_the_column_two_code() {
        let mut fx = Fx::new();
        fx.history = vec![prior(
            &staff(),
            "90791",
            "2026-03-02",
            1,
            PriorStatus::Paid,
            "T0",
        )];
        let c = claim("U1", vec![ln(1, "90832", 1, "65", "2026-03-02")]);
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            super::run(&mut cx);
            assert_eq!(cx.lines[0].cuts[0].carc, "97");
            assert!(cx.trace[0].text.contains("claim T0"));
        });
    }

    #[test]
    fn clm_05_mue_per_date_sums_lines_and_denies_all_of_them() {
        let fx = Fx::new();
        let c = claim(
            "U1",
            vec![
                ln(1, "H0004:HF", 16, "400", "2026-03-02"),
                ln(2, "H0004:HF", 16, "400", "2026-03-02"),
            ],
        );
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            super::run(&mut cx);
            assert!(!cx.lines[0].active() && !cx.lines[1].active());
        });
    }
}
