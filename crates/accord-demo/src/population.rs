//! Members, eligibility spans (with plan switches and retroactive terminations) and other coverage.

use accord_core::calendar::{add_calendar_days, calendar_days_between};
use accord_core::member::{EligibilitySpan, Member, OtherCoverage, Program, Sex};
use accord_core::{Date, MemberId, Money};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::DemoOptions;
use crate::names::{CITIES, FIRST, LAST, OTHER_PAYERS, OTHER_PLANS};

/// A retroactive termination to apply after loading (ELIG-01): the member's open span that started
/// on `start` is ended on `new_end`, a date already in the past on the demo's "today". Applying it
/// as a separate change (not as a pre-ended span) records the event a real enrollment feed causes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetroTermination {
    /// Whose span.
    pub member_id: MemberId,
    /// The plan of the span.
    pub plan_code: String,
    /// The span's start (its key together with member and plan).
    pub start: Date,
    /// The retroactive end date.
    pub new_end: Date,
}

/// The generated population.
#[derive(Debug, Clone, Default)]
pub struct Population {
    /// Members.
    pub members: Vec<Member>,
    /// Eligibility spans as first enrolled (open spans are still open here).
    pub spans: Vec<EligibilitySpan>,
    /// Terminations applied after loading.
    pub retro_terminations: Vec<RetroTermination>,
    /// Other coverage (about 10% of members).
    pub other_coverage: Vec<OtherCoverage>,
}

impl Population {
    /// Members whose history includes a switch between plans (ELIG-02).
    pub fn members_with_plan_switch(&self) -> usize {
        let mut ids: Vec<&MemberId> = self
            .spans
            .iter()
            .filter(|s| OTHER_PLANS.contains(&s.plan_code.as_str()))
            .map(|s| &s.member_id)
            .collect();
        ids.sort();
        ids.dedup();
        ids.len()
    }
}

fn days(d: Date, n: i64) -> Date {
    // Demo dates stay within a few decades of `as_of`, far from the supported range's ends.
    add_calendar_days(d, n).unwrap_or(d)
}

/// The member ID for the `i`-th generated member: nine digits, like an Illinois recipient ID.
pub fn member_id(i: u32) -> MemberId {
    MemberId::parse(&format!("{:09}", 100_000_001 + u64::from(i)))
        .unwrap_or_else(|_| unreachable!("nine digits are a valid member ID"))
}

pub(crate) fn generate(opts: &DemoOptions, rng: &mut ChaCha8Rng) -> Population {
    let mut pop = Population::default();
    let n = opts.members;
    pop.members.reserve(n as usize);
    pop.spans.reserve(n as usize + n as usize / 5);
    for i in 0..n {
        let id = member_id(i);
        let age_days = rng.gen_range(3 * 365..85 * 365);
        let (_, zip) = CITIES[rng.gen_range(0..CITIES.len())];
        let family_size = rng.gen_range(1u8..=6);
        // Income around the poverty line, so the sliding fee scale (PAY-05) has work to do.
        let income = Money::from_cents(
            rng.gen_range(0..(15_650 + 5_500 * i64::from(family_size - 1)) * 300),
        );
        pop.members.push(Member {
            member_id: id.clone(),
            first_name: FIRST.choose(rng).copied().unwrap_or("Alex").to_owned(),
            last_name: LAST.choose(rng).copied().unwrap_or("Doe").to_owned(),
            birth_date: days(opts.as_of, -age_days),
            sex: if rng.gen_bool(0.52) { Sex::F } else { Sex::M },
            zip: zip.to_owned(),
            family_size: Some(family_size),
            annual_income: Some(income.round_cents()),
            sud_consent: rng.gen_bool(0.6),
        });

        let enrolled = days(opts.as_of, -rng.gen_range(30..3 * 365));
        let span = |plan: &str, program: Program, start: Date, end: Option<Date>| EligibilitySpan {
            member_id: id.clone(),
            plan_code: plan.to_owned(),
            program,
            start,
            end,
        };
        let roll: f64 = rng.r#gen();
        if roll < 0.06 {
            // ELIG-02: came from another plan.
            let other = OTHER_PLANS.choose(rng).copied().unwrap_or(OTHER_PLANS[0]);
            let from = days(enrolled, -rng.gen_range(90..720));
            pop.spans.push(span(
                other,
                Program::Medicaid,
                from,
                Some(days(enrolled, -1)),
            ));
            pop.spans
                .push(span(&opts.plan_code, opts.program, enrolled, None));
        } else if roll < 0.10 {
            // ELIG-02: left for another plan.
            let enrolled_days = calendar_days_between(enrolled, opts.as_of);
            let switch = days(enrolled, rng.gen_range(1..enrolled_days));
            let other = OTHER_PLANS.choose(rng).copied().unwrap_or(OTHER_PLANS[0]);
            pop.spans.push(span(
                &opts.plan_code,
                opts.program,
                enrolled,
                Some(days(switch, -1)),
            ));
            pop.spans.push(span(other, Program::Medicaid, switch, None));
        } else if roll < 0.13 {
            // ELIG-01: retroactive termination of an open span.
            pop.spans
                .push(span(&opts.plan_code, opts.program, enrolled, None));
            let back = rng.gen_range(1..=60);
            let new_end = days(opts.as_of, -back).max(enrolled);
            pop.retro_terminations.push(RetroTermination {
                member_id: id.clone(),
                plan_code: opts.plan_code.clone(),
                start: enrolled,
                new_end,
            });
        } else if roll < 0.15 {
            // A gap: lost coverage for a while, then re-enrolled.
            let first_end = days(enrolled, rng.gen_range(10..20));
            let back = days(first_end, rng.gen_range(15..60)).min(opts.as_of);
            pop.spans.push(span(
                &opts.plan_code,
                opts.program,
                enrolled,
                Some(first_end),
            ));
            if back > first_end {
                pop.spans
                    .push(span(&opts.plan_code, opts.program, back, None));
            }
        } else {
            pop.spans
                .push(span(&opts.plan_code, opts.program, enrolled, None));
        }

        if rng.gen_bool(0.10) {
            let (payer_name, payer_id) = OTHER_PAYERS[rng.gen_range(0..OTHER_PAYERS.len())];
            pop.other_coverage.push(OtherCoverage {
                member_id: id.clone(),
                payer_order: 1,
                payer_name: payer_name.to_owned(),
                payer_id: payer_id.to_owned(),
                policy_number: format!("G{:07}", rng.gen_range(0..10_000_000)),
                start: days(enrolled, -rng.gen_range(0..365)),
                end: None,
                last_attested: Some(days(opts.as_of, -rng.gen_range(0..540))),
            });
        }
    }
    pop
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_core::member::coverage_on;
    use jiff::civil::date;
    use rand::SeedableRng;

    fn pop(n: u32) -> (DemoOptions, Population) {
        let o = DemoOptions {
            members: n,
            seed: 42,
            as_of: date(2026, 11, 2),
            plan_code: "ACCORD-IL".into(),
            program: Program::Medicaid,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
        let p = generate(&o, &mut rng);
        (o, p)
    }

    #[test]
    fn the_mix_the_demo_promises() {
        let (_, p) = pop(10_000);
        assert_eq!(p.members.len(), 10_000);
        let oc = p.other_coverage.len();
        assert!(
            (800..1_200).contains(&oc),
            "about 10% other coverage, got {oc}"
        );
        assert!(p.members_with_plan_switch() > 500, "plan switches present");
        assert!(
            p.retro_terminations.len() > 100,
            "retro terminations present"
        );
    }

    #[test]
    fn spans_are_well_formed_and_never_overlap_for_one_plan() {
        let (o, p) = pop(3_000);
        for s in &p.spans {
            if let Some(e) = s.end {
                assert!(e >= s.start, "{s:?}");
            }
        }
        for t in &p.retro_terminations {
            assert!(t.new_end >= t.start && t.new_end < o.as_of);
        }
        // Every member is covered by exactly one span (of some plan) on any day they are covered.
        for m in p.members.iter().take(500) {
            let mine: Vec<_> = p
                .spans
                .iter()
                .filter(|s| s.member_id == m.member_id)
                .cloned()
                .collect();
            for s in &mine {
                let d = s.start;
                let covering = mine.iter().filter(|x| x.contains(d)).count();
                assert_eq!(covering, 1, "{mine:?}");
                assert!(coverage_on(&mine, &s.plan_code, d).is_some());
            }
        }
    }
}
