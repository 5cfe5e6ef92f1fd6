//! Step 7 — authorization (CLM-07; CARC 197 absent, 198 exceeded), read from the plan's grid.
//!
//! For each line the grid row (UM-01) says what the service needs:
//! - `none` (UM-12, e.g. crisis services, Rule 132 case management) or `notification`: nothing to
//!   match; the line goes on.
//! - `prior_auth`: the line needs no authorization when the claim is for an emergency or urgent
//!   service (UM-07), when the member is in transition of care (ELIG-03: new to the plan, in a course
//!   of treatment, within the plan's days of the effective date), or when the session is one of
//!   the plan's initial encounters for this member–provider episode (UM-09). Otherwise the first
//!   `threshold_units` units per member per calendar year are free (UM-01), and the remaining units
//!   must be covered by an authorization matching member, provider (rendering or billing),
//!   service (code + modifiers) and date range. Units are consumed from the authorization's
//!   remaining units (also across lines of this claim). No matching authorization: CO-197
//!   (UM-11: the member is held harmless); units beyond what remains: CO-198.

use std::collections::HashMap;

use accord_core::{Date, Npi};
use accord_plan::{AuthRule, Requirement};
use rust_decimal::Decimal;

use crate::facts::{Authorization, npi_key};
use crate::outcome::Group;
use crate::work::Ctx;

/// UM-09: sessions already in the current member–provider episode before or on `dos`. The episode
/// rule itself is `accord_um::encounters` — the same function utilization management answers
/// providers with; this only picks the member's paid initial-encounter sessions with the provider
/// from the history index, latest first.
fn episode_sessions(cx: &Ctx, rendering: &Npi, dos: Date, gap_months: u32) -> u32 {
    let grid = &cx.facts.plan.auth_grid;
    let exclude = cx.excluded_tracking();
    let (keys, lines) = (cx.hist.keys(), cx.hist.lines());
    let upto = keys.partition_point(|k| k.date <= dos);
    let rk = npi_key(rendering);
    let sessions = keys[..upto]
        .iter()
        .zip(lines.first(upto))
        .rev()
        .filter(|(k, p)| {
            k.rendering == rk
                && k.paid
                && p.tracking != cx.claim.tracking
                && Some(p.tracking) != exclude
                && grid
                    .requirement(p.code, p.modifiers, None)
                    .is_some_and(|r| r.initial_encounters)
        })
        .map(|(_, p)| p.date);
    accord_um::encounters::episode_sessions_before(sessions, dos, gap_months)
}

fn exemption(cx: &Ctx, i: usize, rule: &AuthRule, ie_in_claim: u32) -> Option<String> {
    let cfg = &cx.facts.plan.config;
    let lw = &cx.lines[i];
    if cx.claim.emergency {
        return Some("emergency or urgent service: no prior authorization needed; the plan must be notified (UM-07)".into());
    }
    if let Some(toc) = cx.facts.transition_of_care {
        // ELIG-03: the window is `accord_um::encounters`'s, as utilization management states it.
        let w = accord_um::encounters::transition_window(
            toc.plan_effective,
            cfg.um.transition_of_care_days,
        );
        if toc.in_course_of_treatment && w.covers(lw.dos) {
            return Some(format!(
                "transition of care: member new to the plan on {} and in a course of treatment keeps it without authorization for {} days, until {} (ELIG-03)",
                w.from, cfg.um.transition_of_care_days, w.through
            ));
        }
    }
    let ie = &cfg.um.initial_encounters;
    if rule.initial_encounters && ie.count > 0 {
        let used = episode_sessions(cx, lw.rendering, lw.dos, ie.episode_gap_months) + ie_in_claim;
        if used < ie.count {
            return Some(format!(
                "initial encounter {} of {} for this member with provider {} (UM-09)",
                used + 1,
                ie.count,
                lw.rendering
            ));
        }
    }
    None
}

pub(crate) fn run(cx: &mut Ctx) {
    let grid = &cx.facts.plan.auth_grid;
    let claim = cx.claim;
    let auths: &[Authorization] = cx.facts.authorizations.for_member(&claim.member_id);
    let exclude = cx.excluded_tracking();
    let mut consumed: HashMap<usize, Decimal> = HashMap::new();
    let mut ie_in_claim: HashMap<Npi, u32> = HashMap::new();
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let lw = &cx.lines[i];
        let (line, dos, rendering) = (lw.line, lw.dos, lw.rendering);
        let level = lw.service.map(|s| s.level_of_care.as_str());
        let n = Some(line.number);
        let Some(rule) = grid.requirement(&line.procedure, &line.modifiers, level) else {
            cx.note(
                "authorization",
                "UM-01",
                n,
                "not in the authorization grid; no authorization needed (UM-01)",
            );
            continue;
        };
        match rule.requirement {
            Requirement::None => {
                cx.note(
                    "authorization",
                    "UM-12",
                    n,
                    "no authorization needed for this service by plan policy (authorization grid, UM-12)",
                );
                continue;
            }
            Requirement::Notification => {
                cx.note(
                    "authorization",
                    "UM-01",
                    n,
                    "notification only, no authorization needed (authorization grid, UM-01)",
                );
                continue;
            }
            Requirement::PriorAuth => {}
        }
        let ie_here = ie_in_claim.get(rendering).copied().unwrap_or(0);
        if let Some(why) = exemption(cx, i, rule, ie_here) {
            if rule.initial_encounters {
                *ie_in_claim.entry(rendering.clone()).or_default() += 1;
            }
            let rule_id = if why.contains("UM-07") {
                "UM-07"
            } else if why.contains("ELIG-03") {
                "ELIG-03"
            } else {
                "UM-09"
            };
            cx.note("authorization", rule_id, n, why);
            continue;
        }
        let asked = cx.lines[i].units_allowed;
        let mut free = Decimal::ZERO;
        if rule.threshold_units > 0 {
            let year = dos.year();
            let paid = cx.hist.paid_units_in_year(&line.procedure, year, exclude);
            let this_claim: Decimal = cx.lines[..i]
                .iter()
                .filter(|o| {
                    o.active() && o.line.procedure == line.procedure && o.dos.year() == year
                })
                .map(|o| o.units_allowed)
                .sum();
            let used = paid + this_claim;
            let threshold = Decimal::from(rule.threshold_units);
            free = (threshold - used).max(Decimal::ZERO).min(asked);
            cx.note("authorization", "UM-01", n, format!("the first {threshold} units each year need no authorization (UM-01); {used} used in {year}, {free} of {asked} units free"));
        }
        let mut need = asked - free;
        if need.is_zero() {
            continue;
        }
        // Matching authorizations: the one named on the claim first, then by earliest end.
        let mut cands: Vec<usize> = auths
            .iter()
            .enumerate()
            .filter(|(_, a)| {
                a.covers(rendering, &line.procedure, &line.modifiers, dos)
                    || a.covers(&claim.billing_npi, &line.procedure, &line.modifiers, dos)
            })
            .map(|(k, _)| k)
            .collect();
        cands.sort_by_key(|k| {
            (
                claim.prior_auth_ref.as_deref() != Some(auths[*k].id.as_str()),
                auths[*k].end,
            )
        });
        if cands.is_empty() {
            cx.lines[i].cut(Group::CO, "197", "CLM-07", need);
            cx.note("authorization", "CLM-07", n, format!("{need} units need prior authorization and no authorization covers this member, provider, service and date (CLM-07, UM-11: member held harmless); denied CO-197"));
            continue;
        }
        let mut used_ids = Vec::new();
        for k in cands {
            if need.is_zero() {
                break;
            }
            let a = &auths[k];
            let taken = consumed.entry(k).or_default();
            let left = (a.remaining() - *taken).max(Decimal::ZERO);
            let take = left.min(need);
            if take > Decimal::ZERO {
                *taken += take;
                need -= take;
                cx.lines[i].authorizations.push((a.id.clone(), take));
                used_ids.push(format!(
                    "{} ({take} of {} units left, {} to {})",
                    a.id, left, a.start, a.end
                ));
            }
        }
        if need > Decimal::ZERO {
            cx.lines[i].cut(Group::CO, "198", "CLM-07", need);
            cx.note("authorization", "CLM-07", n, format!("authorization exceeded: {need} units beyond the units authorized [{}] (CLM-07); denied CO-198", used_ids.join(", ")));
        } else {
            cx.note(
                "authorization",
                "CLM-07",
                n,
                format!(
                    "covered by authorization {} (CLM-07, UM-04)",
                    used_ids.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn clm_07_units_are_consumed_across_lines_of_one_claim() {
        let mut fx = Fx::new();
        fx.auths = vec![authorization(
            "PA-1",
            &agency(),
            "H2017:HE",
            "2026-03-01",
            "2026-03-31",
            10,
            0,
        )];
        let c = claim(
            "U1",
            vec![
                ln(1, "H2017:HE", 8, "100", "2026-03-02"),
                ln(2, "H2017:HE", 8, "100", "2026-03-03"),
            ],
        );
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            crate::steps::clean::lines(&mut cx);
            super::run(&mut cx);
            assert_eq!(cx.lines[0].units_allowed, Decimal::from(8));
            assert_eq!(cx.lines[1].units_allowed, Decimal::from(2));
            assert_eq!(cx.lines[1].cuts[0].carc, "198");
            // The shell counts these as used (UM-04).
            assert_eq!(
                cx.lines[0].authorizations,
                vec![("PA-1".to_string(), Decimal::from(8))]
            );
            assert_eq!(
                cx.lines[1].authorizations,
                vec![("PA-1".to_string(), Decimal::from(2))]
            );
        });
    }
}
