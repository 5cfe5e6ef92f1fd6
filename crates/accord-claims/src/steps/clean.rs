//! Step 0 — clean-claim checks (CLM-03, CLM-04, CLM-09, CLM-10).
//!
//! Claim-level problems make the claim unprocessable: it is *rejected* with 277CA reasons
//! (A6 missing, A7 invalid, A8 relational) and never adjudicated. Line-level coding problems are
//! adjudicated denials on the 835 instead, so the provider sees them next to the paid lines:
//! CO-204 code not covered by the plan, CO-181 code not valid on the date of service, CO-4
//! modifiers not valid for the code, CO-5 place of service not valid for the code, CO-107 add-on
//! without its primary. CLM-09 timed codes are flagged (no start/stop stated) or pended to the
//! `documentation` queue (stated missing).

use std::borrow::Cow;

use crate::claim::{Claim, ClaimKind};
use crate::facts::Facts;
use crate::outcome::{Group, RejectCategory, Rejection};
use crate::work::Ctx;

/// The largest line charge accepted (keeps every sum and product in range: no overflow on any
/// input).
const MAX_LINE_CHARGE: rust_decimal::Decimal =
    rust_decimal::Decimal::from_parts(1_000_000_000, 0, 0, false, 2);

fn reject(
    out: &mut Vec<Rejection>,
    category: RejectCategory,
    rule: &'static str,
    line: Option<u32>,
    message: String,
) {
    out.push(Rejection {
        category,
        rule: Cow::Borrowed(rule),
        line,
        message,
    });
}

/// CLM-10: billings are final unless corrected or voided within the plan's window
/// (`timely_filing.corrected_claim_days`, 60 calendar days in the demo plan) of the original's
/// remittance. A correction received on the last day of the window is in time; the day after is
/// not. An original never remitted (pended, or decided and not yet paid) can always be corrected.
fn correction_too_late(c: &Claim, f: &Facts, original: &str) -> Option<String> {
    let days = f.plan.config.timely_filing.corrected_claim_days?;
    let remitted = f.original_remitted_on?;
    let last = remitted
        .checked_add(jiff::Span::new().days(i64::from(days)))
        .ok()?;
    (c.received > last).then(|| {
        format!(
            "original claim {original} was remitted on {remitted}; corrections and voids are accepted within {days} calendar days of the remittance (through {last}), this one was received on {}: the billing is final, a review of it goes through a claim dispute",
            c.received
        )
    })
}

/// CLM-03, CLM-04, CLM-10: claim-level checks; a non-empty answer rejects the claim.
pub(crate) fn claim_level(cx: &Ctx) -> Vec<Rejection> {
    use RejectCategory::*;
    let c = cx.claim;
    let f = cx.facts;
    let mut out = Vec::new();
    match f.member {
        None => reject(
            &mut out,
            A7,
            "CLM-04",
            None,
            format!("member ID {} is not found", c.member_id),
        ),
        Some(m) if m.member_id != c.member_id => reject(
            &mut out,
            A8,
            "CLM-04",
            None,
            format!(
                "member ID {} does not match the member record {}",
                c.member_id, m.member_id
            ),
        ),
        Some(_) => {}
    }
    if f.providers.get(&c.billing_npi).is_none() {
        reject(
            &mut out,
            A7,
            "CLM-04",
            None,
            format!("billing provider NPI {} is not on file", c.billing_npi),
        );
    }
    if c.diagnoses.is_empty() {
        reject(
            &mut out,
            A6,
            "CLM-04",
            None,
            "no diagnosis code on the claim".into(),
        );
    }
    if c.lines.is_empty() && c.frequency.original().is_none() {
        reject(&mut out, A6, "CLM-04", None, "no service lines".into());
    }
    if c.kind == ClaimKind::Institutional && c.bill_type.is_none() {
        reject(
            &mut out,
            A6,
            "CLM-04",
            None,
            "institutional claim without a type of bill".into(),
        );
    }
    if let Some(orig) = c.frequency.original() {
        if orig.trim().is_empty() {
            reject(
                &mut out,
                A6,
                "CLM-10",
                None,
                "corrected or void claim without the original claim's tracking number".into(),
            );
        } else if f.original.is_none_or(|d| d.tracking != orig) {
            reject(
                &mut out,
                A8,
                "CLM-10",
                None,
                format!("original claim {orig} to correct or void is not on file"),
            );
        } else if let Some(message) = correction_too_late(c, f, orig) {
            reject(&mut out, A8, "CLM-10", None, message);
        }
    }
    for l in &c.lines {
        if l.charge.amount() > MAX_LINE_CHARGE {
            reject(
                &mut out,
                A7,
                "CLM-04",
                Some(l.number),
                format!(
                    "line {}: charge {} is above the largest accepted line charge {MAX_LINE_CHARGE}",
                    l.number, l.charge
                ),
            );
        }
        if l.charge.is_negative() {
            reject(
                &mut out,
                A7,
                "CLM-04",
                Some(l.number),
                format!("line {}: negative charge {}", l.number, l.charge),
            );
        }
        if let Some(to) = l.service_to {
            if c.kind == ClaimKind::Professional && to != l.service_from {
                reject(
                    &mut out,
                    A8,
                    "CLM-03",
                    Some(l.number),
                    format!(
                        "line {}: one date of service per line, but {} to {} was billed",
                        l.number, l.service_from, to
                    ),
                );
            }
            if to < l.service_from {
                reject(
                    &mut out,
                    A8,
                    "CLM-04",
                    Some(l.number),
                    format!("line {}: service ends before it starts", l.number),
                );
            }
        }
        if c.kind == ClaimKind::Professional && c.place_for(l).is_none() {
            reject(
                &mut out,
                A6,
                "CLM-04",
                Some(l.number),
                format!("line {}: no place of service", l.number),
            );
        }
    }
    out
}

/// CLM-04, CLM-09: line-level coding checks (835 denials), and the service row each line uses.
pub(crate) fn lines(cx: &mut Ctx) {
    let plan = cx.facts.plan;
    let claim = cx.claim;
    for i in 0..cx.lines.len() {
        let (line, dos) = (cx.lines[i].line, cx.lines[i].dos);
        let n = Some(line.number);
        let code = &line.procedure;
        let Some(svc) = plan.services.get(code, &line.modifiers, dos) else {
            let rows = plan.services.rows(code);
            let (carc, why) = if rows.is_empty() {
                (
                    "204",
                    format!("{code} is not a covered service of this plan (CLM-04); denied CO-204"),
                )
            } else if !rows.iter().any(|r| r.effective.contains(dos)) {
                (
                    "181",
                    format!(
                        "{code} is not valid on the date of service (CLM-04, services effective dates); denied CO-181"
                    ),
                )
            } else {
                let allowed: Vec<String> = rows.iter().map(|r| r.modifiers.to_string()).collect();
                (
                    "4",
                    format!(
                        "the modifiers billed do not identify a covered variant of {code} (needs one of: {}) (CLM-04); denied CO-4",
                        allowed.join(", ")
                    ),
                )
            };
            cx.lines[i].deny(Group::CO, carc, "CLM-04");
            cx.note("clean_claim", "CLM-04", n, why);
            continue;
        };
        cx.lines[i].service = Some(svc);
        if let Some(pos) = claim.place_for(line)
            && claim.kind == ClaimKind::Professional
            && !svc.allows_place_of_service(pos)
        {
            cx.lines[i].deny(Group::CO, "5", "CLM-04");
            cx.note(
                "clean_claim",
                "CLM-04",
                n,
                format!("place of service {pos} is not allowed for {code} (CLM-04); denied CO-5"),
            );
            continue;
        }
        if svc.is_add_on() {
            let on_claim = claim.lines.iter().any(|o| {
                o.number != line.number
                    && o.service_from == dos
                    && svc.add_on_of.contains(&o.procedure)
            });
            let in_history =
                cx.hist.on_day(dos).iter().any(|p| {
                    p.rendering == cx.lines[i].rendering && svc.add_on_of.contains(p.code)
                });
            if !on_claim && !in_history {
                cx.lines[i].deny(Group::CO, "107", "CLM-04");
                let prim: Vec<&str> = svc.add_on_of.iter().map(|c| c.as_str()).collect();
                cx.note(
                    "clean_claim",
                    "CLM-04",
                    n,
                    format!("add-on code billed without its primary service ({}) on the same day (CLM-04); denied CO-107", prim.join(" or ")),
                );
                continue;
            }
        }
        if svc.timed {
            match line.documentation.start_stop_recorded {
                Some(true) => {}
                None => {
                    let flag = format!(
                        "{code} is a timed code: start and stop times must be in the record (CLM-09); flagged for documentation audit"
                    );
                    cx.note("clean_claim", "CLM-09", n, flag.clone());
                    cx.lines[i].flags.push(flag);
                }
                Some(false) => {
                    let reason = format!(
                        "{code} is a timed code and the record lacks start and stop times (CLM-09)"
                    );
                    cx.note(
                        "clean_claim",
                        "CLM-09",
                        n,
                        format!("{reason}; pended to documentation"),
                    );
                    if cx.hold(i, "documentation", reason) {
                        continue;
                    }
                }
            }
        }
        cx.note(
            "clean_claim",
            "CLM-04",
            n,
            "valid code, modifiers and place of service for the date (CLM-04)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn clm_04_clean_claim_has_no_rejections_and_finds_the_service_row() {
        let fx = Fx::new();
        let c = claim("U1", vec![ln(1, "H0004:HF", 4, "100", "2026-03-02")]);
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            assert!(super::claim_level(&cx).is_empty());
            super::lines(&mut cx);
            assert!(cx.lines[0].service.is_some() && cx.lines[0].active());
        });
    }

    #[test]
    fn clm_04_unknown_billing_provider_is_rejected() {
        let fx = Fx::new();
        let mut c = claim("U1", vec![ln(1, "H0004:HF", 4, "100", "2026-03-02")]);
        c.billing_npi = accord_core::Npi::from_first_nine(555_555_555);
        fx.with_facts(|f| {
            let cx = Ctx::new(&c, f, c.received);
            let r = super::claim_level(&cx);
            assert_eq!(r.len(), 1);
            assert!(r[0].message.contains("not on file"));
        });
    }
}
