//! The checks every request goes through at receipt, in order (UM-03, UM-01, NET-05, UM-11), and
//! the automatic decision where the plan's criteria allow (UM-10). Pure: facts in, an outcome and
//! the trace of every check out.

use accord_core::member::{EligibilitySpan, check_coverage};
use accord_core::provider::Standing;
use accord_core::{Date, ProcedureCode};
use accord_plan::{Instrument, Plan, Requirement};
use serde::{Deserialize, Serialize};

use crate::encounters;
use crate::request::{AuthRequest, RequestedService, ReviewType};

/// What the plan knows that the checks need, gathered by the shell.
#[derive(Debug, Clone, Copy)]
pub struct UmFacts<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The member's eligibility spans, every plan (empty: not a member on file).
    pub spans: &'a [EligibilitySpan],
    /// The servicing provider's standing on the request's start date (`None`: not on file).
    pub servicing: Option<&'a Standing>,
    /// Units of each code the member already used this plan year (UM-01 thresholds).
    pub units_used_this_year: &'a [(ProcedureCode, u32)],
    /// The member's earlier initial-encounter sessions with the servicing provider, latest first
    /// (UM-09).
    pub sessions_with_provider: &'a [Date],
    /// The member is in a course of treatment begun before joining the plan (ELIG-03).
    pub in_course_of_treatment: bool,
}

/// One line of the trace: which check, which rule, what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The check (`eligibility`, `completeness`, `grid`, `provider`, `retrospective`, `criteria`).
    pub check: String,
    /// The rule applied.
    pub rule: String,
    /// What it found, in plain words.
    pub text: String,
}

/// A service the rules approve or that goes on to review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLine {
    /// The service.
    pub service: RequestedService,
}

/// What screening concluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Outcome {
    /// UM-03: no eligibility on the start date in a non-emergency; the request waits for it.
    PendingEligibility {
        /// Why.
        reason: String,
    },
    /// UM-03: returned to the provider with what is missing.
    Incomplete {
        /// Each missing item.
        missing: Vec<String>,
    },
    /// UM-01/UM-12/UM-09/ELIG-03: nothing here needs authorization.
    NotRequired,
    /// NET-05/NET-08: the servicing provider may not receive new authorizations.
    ProviderIneligible {
        /// Why.
        reasons: Vec<String>,
    },
    /// UM-11: retrospective review is not available; administratively denied, member held harmless.
    AdministrativeDenial {
        /// Why.
        reason: String,
    },
    /// UM-10: the plan's criteria are met; approved at once.
    Approve {
        /// The services approved with their units.
        services: Vec<RequestedService>,
        /// First date approved.
        from: Date,
        /// Last date approved.
        to: Date,
        /// The criteria set applied.
        criteria_set: String,
    },
    /// A clinical care manager must review.
    Review {
        /// The services needing review.
        services: Vec<RequestedService>,
        /// Why the rules could not approve.
        reasons: Vec<String>,
    },
}

/// Screening's result: the outcome, the services found not to need authorization (with why), and
/// the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    /// The outcome.
    pub outcome: Outcome,
    /// Services that need no authorization, each with the rule in words.
    pub not_required: Vec<(RequestedService, String)>,
    /// Every check, in order.
    pub trace: Vec<Note>,
}

fn note(trace: &mut Vec<Note>, check: &str, rule: &str, text: impl Into<String>) {
    trace.push(Note {
        check: check.into(),
        rule: rule.into(),
        text: text.into(),
    });
}

/// Runs the checks in order and, where the criteria allow, decides.
pub fn screen(req: &AuthRequest, facts: &UmFacts<'_>) -> Screening {
    let plan = facts.plan;
    let cfg = &plan.config;
    let mut trace = Vec::new();
    let mut not_required = Vec::new();
    let done = |outcome, trace, not_required| Screening {
        outcome,
        not_required,
        trace,
    };

    // 1. Eligibility (UM-03, ELIG-01).
    let mut approve_to = req.end;
    match check_coverage(facts.spans, &cfg.plan_code, req.start) {
        Ok(span) => {
            let mut text = format!(
                "member {} is covered by {} ({}) on {}",
                req.member_id,
                cfg.plan_code,
                span.program.as_str(),
                req.start
            );
            if let Some(e) = span.end
                && e < req.end
            {
                approve_to = e;
                text.push_str(&format!(
                    "; coverage ends {e}, so nothing after it can be approved"
                ));
            }
            note(&mut trace, "eligibility", "UM-03", text);
        }
        Err(why) => {
            let reason = format!(
                "member {} has no eligibility with {} on {} ({:?})",
                req.member_id, cfg.plan_code, req.start, why
            )
            .replace("(NeverEnrolled)", "(not enrolled)")
            .replace("(BeforeCoverage)", "(before coverage starts)")
            .replace("(AfterCoverageEnded)", "(after coverage ended)")
            .replace("(InGap)", "(in a gap between spans)");
            if !req.emergency {
                note(
                    &mut trace,
                    "eligibility",
                    "UM-03",
                    format!("{reason}: the request waits for eligibility"),
                );
                return done(Outcome::PendingEligibility { reason }, trace, not_required);
            }
            note(
                &mut trace,
                "eligibility",
                "UM-03",
                format!("{reason}; emergency admission: reviewed without waiting (UM-03, UM-07)"),
            );
        }
    }

    // 2. Completeness (UM-03).
    let criteria = plan.um_criteria.for_level(&req.level_of_care);
    let mut missing = Vec::new();
    if req.diagnoses.is_empty() {
        missing.push("diagnoses: at least one ICD-10-CM diagnosis".to_owned());
    }
    if let Some(c) = criteria {
        for f in &c.required_fields {
            if !req.clinical.has(f) {
                missing.push(format!(
                    "clinical.{f}: required for {} review",
                    req.level_of_care
                ));
            }
        }
    }
    if !missing.is_empty() {
        note(
            &mut trace,
            "completeness",
            "UM-03",
            format!("incomplete: {}", missing.join("; ")),
        );
        return done(Outcome::Incomplete { missing }, trace, not_required);
    }
    note(&mut trace, "completeness", "UM-03", "complete");

    // 3. The grid (UM-01, UM-12, UM-09, ELIG-03).
    let toc = encounters::transition_of_care_on(
        facts.spans,
        &cfg.plan_code,
        req.start,
        facts.in_course_of_treatment,
        cfg.um.transition_of_care_days,
    );
    let mut needed = Vec::new();
    for s in &req.services {
        let why = grid_exemption(req, s, facts, toc);
        match why {
            Some(w) => {
                note(&mut trace, "grid", &w.0, format!("{}: {}", s.code, w.1));
                not_required.push((s.clone(), w.1));
            }
            None => {
                note(
                    &mut trace,
                    "grid",
                    "UM-01",
                    format!("{}: prior authorization required", s.code),
                );
                needed.push(s.clone());
            }
        }
    }
    if needed.is_empty() {
        return done(Outcome::NotRequired, trace, not_required);
    }

    // 4. Provider standing (NET-05, NET-08).
    match facts.servicing {
        None => {
            let r = format!(
                "servicing provider {} is not a provider on file",
                req.servicing_npi
            );
            note(&mut trace, "provider", "NET-05", r.clone());
            return done(
                Outcome::ProviderIneligible { reasons: vec![r] },
                trace,
                not_required,
            );
        }
        Some(st) if !st.may_receive_authorizations => {
            note(&mut trace, "provider", "NET-05", st.reasons.join("; "));
            return done(
                Outcome::ProviderIneligible {
                    reasons: st.reasons.clone(),
                },
                trace,
                not_required,
            );
        }
        Some(_) => note(
            &mut trace,
            "provider",
            "NET-05",
            format!("{} may receive authorizations", req.servicing_npi),
        ),
    }

    // 5. Retrospective review (UM-11).
    if req.review_type == ReviewType::Retrospective && !cfg.um.retrospective_allowed {
        let reason = "retrospective review is not available under this benefit plan and the service needed prior authorization: administratively denied; the member is held harmless and may not be billed (UM-11)".to_owned();
        note(&mut trace, "retrospective", "UM-11", reason.clone());
        return done(
            Outcome::AdministrativeDenial { reason },
            trace,
            not_required,
        );
    }

    // 6. Automatic criteria (UM-10).
    let mut reasons = Vec::new();
    match criteria {
        None => reasons.push(format!(
            "the plan has no automatic criteria for {}: a clinical care manager reviews",
            req.level_of_care
        )),
        Some(c) => {
            match c.instrument {
                Instrument::Locus => match req.clinical.locus_level {
                    Some(l) if c.level_meets(&l.to_string()) => {}
                    Some(l) => reasons.push(format!(
                        "LOCUS level {l} is outside {} ({})",
                        c.levels.join("/"),
                        c.criteria_set
                    )),
                    None => reasons.push("no LOCUS level given".into()),
                },
                Instrument::Asam => match &req.clinical.asam_level {
                    Some(l) if c.level_meets(l) => {}
                    Some(l) => reasons.push(format!(
                        "ASAM level {l} is outside {} ({})",
                        c.levels.join("/"),
                        c.criteria_set
                    )),
                    None => reasons.push("no ASAM level given".into()),
                },
                Instrument::None => {}
            }
            if req.clinical.risk.as_ref().is_some_and(|r| r.imminent()) {
                reasons.push("imminent risk reported (plan or intent): a clinician reviews".into());
            }
            if let Some(max) = c.max_units {
                for s in &needed {
                    if s.units > max {
                        reasons.push(format!(
                            "{} asks for {} units; the rules approve up to {max}",
                            s.code, s.units
                        ));
                    }
                }
            }
            let days = accord_core::calendar::calendar_days_between(req.start, approve_to) + 1;
            if let Some(max) = c.max_days
                && days > i64::from(max)
            {
                reasons.push(format!(
                    "{days} days asked for; the rules approve up to {max}"
                ));
            }
            if reasons.is_empty() {
                note(
                    &mut trace,
                    "criteria",
                    "UM-10",
                    format!("meets {}: approved by the plan's rules", c.criteria_set),
                );
                return done(
                    Outcome::Approve {
                        services: needed,
                        from: req.start,
                        to: approve_to,
                        criteria_set: c.criteria_set.clone(),
                    },
                    trace,
                    not_required,
                );
            }
        }
    }
    note(&mut trace, "criteria", "UM-10", reasons.join("; "));
    done(
        Outcome::Review {
            services: needed,
            reasons,
        },
        trace,
        not_required,
    )
}

/// The grid's answer for one service when it needs no authorization: (rule, words).
fn grid_exemption(
    req: &AuthRequest,
    s: &RequestedService,
    facts: &UmFacts<'_>,
    toc: Option<encounters::TransitionWindow>,
) -> Option<(String, String)> {
    let cfg = &facts.plan.config;
    let Some(rule) =
        facts
            .plan
            .auth_grid
            .requirement(&s.code, &s.modifiers, Some(&req.level_of_care))
    else {
        return Some((
            "UM-01".into(),
            "not in the authorization grid: no authorization needed".into(),
        ));
    };
    let say = |id: &str, why: String| {
        Some((
            id.to_owned(),
            format!("{why} (grid line {}: {})", rule.line, rule.note),
        ))
    };
    match rule.requirement {
        Requirement::None => return say("UM-12", "no authorization needed by plan policy".into()),
        Requirement::Notification => {
            return say(
                "UM-01",
                "notification only: recorded, no authorization needed".into(),
            );
        }
        Requirement::PriorAuth => {}
    }
    if let Some(w) = toc
        && w.covers(req.end)
    {
        return say(
            "ELIG-03",
            format!(
                "transition of care: new to the plan on {} and in a course of treatment, covered without authorization through {}",
                w.from, w.through
            ),
        );
    }
    let used = facts
        .units_used_this_year
        .iter()
        .find(|(c, _)| *c == s.code)
        .map_or(0, |e| e.1);
    if rule.threshold_units > 0 && !rule.needs_prior_auth(used, s.units) {
        return say(
            "UM-01",
            format!(
                "{used} of the first {} units this plan year used; these {} need no authorization",
                rule.threshold_units, s.units
            ),
        );
    }
    let ie = &cfg.um.initial_encounters;
    if rule.initial_encounters
        && let Some(pos) = encounters::initial_encounter(
            facts.sessions_with_provider.iter().copied(),
            req.start,
            ie.count,
            ie.episode_gap_months,
        )
        && pos.number + s.units - 1 <= pos.allowed
    {
        return say(
            "UM-09",
            format!(
                "initial encounters {} to {} of {} with this provider need no authorization",
                pos.number,
                pos.number + s.units - 1,
                pos.allowed
            ),
        );
    }
    None
}
