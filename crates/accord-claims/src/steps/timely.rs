//! Step 3 — timely filing (CLM-02; CARC 29). Calendar days (weekends included) from:
//! the date of service; for inpatient/residential claims with a discharge date, the discharge date
//! (when the plan sets `from_discharge_for_inpatient`); for secondary claims, the primary payer's
//! determination date (when the plan sets `secondary_from_primary_determination`). The window
//! length is the plan's `timely_filing.days`. A claim received on the last day is timely.
//!
//! Inpatient/residential means: an institutional claim whose line is a per-diem service or whose
//! type of bill starts with 11 (hospital inpatient) or 86 (residential facility).

use accord_core::Date;
use accord_plan::FilingBasis;

use crate::claim::{Claim, ClaimKind};
use crate::outcome::Group;
use crate::work::{Ctx, LineWork};

fn is_inpatient(claim: &Claim, lw: &LineWork) -> bool {
    if claim.kind != ClaimKind::Institutional {
        return false;
    }
    let tob = claim
        .bill_type
        .as_deref()
        .map(|t| t.trim_start_matches('0'))
        .unwrap_or("");
    lw.service.is_some_and(|s| s.per_diem) || tob.starts_with("11") || tob.starts_with("86")
}

pub(crate) fn run(cx: &mut Ctx) {
    let cfg = &cx.facts.plan.config;
    let claim = cx.claim;
    let days = cfg.timely_filing.days;
    // Lines counted from the same date share the deadline and its explanation.
    let mut last: Option<(&'static str, Date, Option<Date>, String)> = None;
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let lw = &cx.lines[i];
        let (line, dos) = (lw.line, lw.dos);
        let last_day = line.service_to.unwrap_or(dos);
        let basis = if let Some(op) = &claim.other_payer {
            FilingBasis::Secondary {
                service: dos,
                primary_determination: op.determination_date,
            }
        } else if is_inpatient(claim, lw) {
            FilingBasis::Inpatient {
                last_service: last_day,
                discharge: claim.discharge_date,
            }
        } else {
            FilingBasis::DateOfService(dos)
        };
        let from = cfg.timely_filing_start(basis);
        let from_what = match basis {
            FilingBasis::Secondary { .. } if from != dos => {
                "the primary payer's determination date"
            }
            FilingBasis::Inpatient {
                discharge: Some(dc),
                ..
            } if from == dc => "the discharge date",
            FilingBasis::Inpatient { .. } => "the last date of service",
            _ => "the date of service",
        };
        let n = Some(line.number);
        let (deadline, text) = match &last {
            Some((w, f, dl, t)) if *w == from_what && *f == from => (*dl, t.clone()),
            _ => {
                let dl = cfg.timely_filing_deadline(basis).ok();
                let t = match dl {
                    Some(dl) if claim.received <= dl => format!(
                        "received {} within {days} days of {from_what} {from} (deadline {dl}) (CLM-02)",
                        claim.received
                    ),
                    Some(dl) => format!(
                        "received {}, after the {days}-day filing limit counted from {from_what} {from} (deadline {dl}) (CLM-02); denied CO-29",
                        claim.received
                    ),
                    None => format!(
                        "filing deadline from {from_what} {from} cannot be computed (CLM-02)"
                    ),
                };
                last = Some((from_what, from, dl, t.clone()));
                (dl, t)
            }
        };
        match deadline {
            Some(dl) if claim.received <= dl => {}
            Some(_) => cx.lines[i].deny(Group::CO, "29", "CLM-02"),
            None => {
                cx.hold(i, "timely-filing", text.clone());
            }
        }
        cx.note("timely_filing", "CLM-02", n, text);
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn clm_02_lines_of_one_date_share_the_deadline() {
        let fx = Fx::new();
        let mut c = claim(
            "U1",
            vec![
                ln(1, "T1016:HE", 4, "76", "2026-01-02"),
                ln(2, "H0004:HF", 4, "76", "2026-01-02"),
                ln(3, "H0004:HF", 4, "76", "2026-03-02"),
            ],
        );
        c.received = d("2026-04-15");
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            super::run(&mut cx);
            assert!(!cx.lines[0].active() && !cx.lines[1].active());
            assert!(cx.lines[2].active());
            assert_eq!(cx.trace[0].text, cx.trace[1].text);
        });
    }
}
