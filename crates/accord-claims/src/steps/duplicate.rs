//! Step 4 — duplicates (CLM-06; CARC 18). A line is an exact duplicate when a paid or pending line
//! for the same member has the same rendering provider, code, modifiers (as a set), date of
//! service and units — in history (other claims) or earlier on this claim. The same code on the
//! same day from a *different* rendering provider is not a duplicate and is paid (e.g. T1016 case
//! management by two agencies during a transition). A corrected claim never duplicates the claim
//! it replaces (CLM-10).

use accord_core::Modifier;

use crate::facts::code_key;
use crate::outcome::Group;
use crate::work::Ctx;

fn same_mods(a: &[Modifier], b: &[Modifier]) -> bool {
    a.len() == b.len() && a.iter().all(|m| b.contains(m))
}

pub(crate) fn run(cx: &mut Ctx) {
    let claim = cx.claim;
    let exclude = cx.excluded_tracking();
    for i in 0..cx.lines.len() {
        if !cx.lines[i].active() {
            continue;
        }
        let (line, dos, rendering) = (cx.lines[i].line, cx.lines[i].dos, cx.lines[i].rendering);
        let n = Some(line.number);
        let units = line.units.value();
        let mut dup: Option<String> = None;
        let mut other_provider: Option<String> = None;
        let (keys, day) = cx.hist.day(dos);
        let ck = code_key(&line.procedure);
        for (k, p) in keys.iter().zip(day) {
            if k.code != ck || p.tracking == claim.tracking || Some(p.tracking) == exclude {
                continue;
            }
            if p.rendering != rendering {
                other_provider
                    .get_or_insert_with(|| format!("{} (claim {})", p.rendering, p.tracking));
                continue;
            }
            if same_mods(p.modifiers, &line.modifiers) && p.units == units {
                dup = Some(format!("claim {} ({:?})", p.tracking, p.status).to_lowercase());
                break;
            }
        }
        if dup.is_none() {
            dup = cx.lines[..i]
                .iter()
                .find(|o| {
                    o.line.procedure == line.procedure
                        && o.dos == dos
                        && o.rendering == rendering
                        && o.line.units == line.units
                        && same_mods(&o.line.modifiers, &line.modifiers)
                })
                .map(|o| format!("line {} of this claim", o.line.number));
        }
        if let Some(d) = dup {
            cx.lines[i].deny(Group::CO, "18", "CLM-06");
            cx.note(
                "duplicate",
                "CLM-06",
                n,
                format!("exact duplicate of {d}: same member, rendering provider, code, modifiers, date and units (CLM-06); denied CO-18"),
            );
        } else if let Some(o) = other_provider {
            cx.note(
                "duplicate",
                "CLM-06",
                n,
                format!("the same code on the same day was billed by a different provider, {o}; not a duplicate (CLM-06)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::facts::PriorStatus;
    use crate::testkit::*;
    use crate::work::Ctx;

    #[test]
    fn clm_06_modifiers_are_compared_as_a_set_and_other_modifiers_are_not_duplicates() {
        let mut fx = Fx::new();
        fx.history = vec![prior(
            &staff(),
            "H0004:HE",
            "2026-03-02",
            4,
            PriorStatus::Paid,
            "T0",
        )];
        let c = claim("U1", vec![ln(1, "H0004:HF", 4, "100", "2026-03-02")]);
        fx.with_facts(|f| {
            let mut cx = Ctx::new(&c, f, c.received);
            super::run(&mut cx);
            assert!(cx.lines[0].active());
        });
    }
}
