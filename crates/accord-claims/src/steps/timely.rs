//! Step 3 — timely filing (CLM-02; CARC 29). Calendar days (weekends included) from:
//! the date of service; for inpatient/residential claims with a discharge date, the discharge date
//! (when the plan sets `from_discharge_for_inpatient`); for secondary claims, the primary payer's
//! determination date (when the plan sets `secondary_from_primary_determination`). The window
//! length is the plan's `timely_filing.days`. A claim received on the last day is timely.
//!
//! Inpatient/residential means: an institutional claim whose line is a per-diem service or whose
//! type of bill starts with 11 (hospital inpatient) or 86 (residential facility).

use accord_plan::FilingBasis;

use crate::claim::{Claim, ClaimKind};
use crate::outcome::Group;
use crate::work::{Ctx, LineWork, describe};

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
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let lw = &cx.lines[i];
        let (line, dos) = (lw.line, lw.dos);
        let last = line.service_to.unwrap_or(dos);
        let (basis, from_what) = if let Some(op) = &claim.other_payer {
            (
                FilingBasis::Secondary {
                    service: dos,
                    primary_determination: op.determination_date,
                },
                if cfg.timely_filing.secondary_from_primary_determination {
                    format!("the primary payer's determination date {}", op.determination_date)
                } else {
                    format!("the date of service {dos}")
                },
            )
        } else if is_inpatient(claim, lw) {
            let from = match claim.discharge_date {
                Some(dc) if cfg.timely_filing.from_discharge_for_inpatient => {
                    format!("the discharge date {dc}")
                }
                _ => format!("the last date of service {last}"),
            };
            (
                FilingBasis::Inpatient {
                    last_service: last,
                    discharge: claim.discharge_date,
                },
                from,
            )
        } else {
            (FilingBasis::DateOfService(dos), format!("the date of service {dos}"))
        };
        let n = Some(line.number);
        let what = describe(line);
        let days = cfg.timely_filing.days;
        match cfg.timely_filing_deadline(basis) {
            Ok(deadline) if claim.received <= deadline => {
                cx.note(
                    "timely_filing",
                    "CLM-02",
                    n,
                    format!("{what}: received {} within {days} days of {from_what} (deadline {deadline}) (CLM-02)", claim.received),
                );
            }
            Ok(deadline) => {
                cx.lines[i].deny(Group::CO, "29", None);
                cx.note(
                    "timely_filing",
                    "CLM-02",
                    n,
                    format!("{what}: received {}, after the {days}-day filing limit counted from {from_what} (deadline {deadline}) (CLM-02); denied CO-29", claim.received),
                );
            }
            Err(e) => {
                cx.lines[i].pend("timely-filing", format!("filing deadline cannot be computed: {e}"));
            }
        }
    }
}
