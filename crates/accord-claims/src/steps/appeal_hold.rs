//! Step 11 — APL-04: while an appeal is open on the claim, or on an authorization a line used,
//! the provider may not bill the member. What the member would owe on the affected lines
//! (PR-1/2/3 cost share, PAY-02) moves to the provider: the same CARC under group CO, so the 835
//! still says which share it was while CO says the member may not be billed for it. The plan
//! pays no more and no less; the appeal's outcome changes the claim when it is decided again.

use accord_core::Money;

use crate::facts::OpenAppeal;
use crate::outcome::Group;
use crate::work::Ctx;

pub(crate) fn run(cx: &mut Ctx) {
    let appeals = cx.facts.open_appeals;
    if appeals.is_empty() {
        return;
    }
    let claim = cx.claim.tracking.as_str();
    let original = cx.claim.frequency.original();
    let on_claim = appeals.iter().find(|a| {
        a.claim
            .as_deref()
            .is_some_and(|c| c == claim || Some(c) == original)
    });
    for i in 0..cx.lines.len() {
        let lw = &cx.lines[i];
        if lw.patient_responsibility <= Money::ZERO {
            continue;
        }
        let appeal: Option<&OpenAppeal> = on_claim.or_else(|| {
            appeals.iter().find(|a| {
                a.authorization
                    .as_deref()
                    .is_some_and(|auth| lw.authorizations.iter().any(|(id, _)| id == auth))
            })
        });
        let Some(appeal) = appeal else { continue };
        let n = Some(lw.line.number);
        let lw = &mut cx.lines[i];
        let moved = lw.patient_responsibility;
        let mut codes = Vec::new();
        for adj in lw.adjustments.iter_mut().filter(|a| a.group == Group::PR) {
            adj.group = Group::CO;
            codes.push(format!("CO-{}", adj.carc));
        }
        lw.patient_responsibility = Money::ZERO;
        let text = format!(
            "appeal {} is open on {}: the member's share {moved} ({}) is the provider's; the \
             member may not be billed while the appeal is open (APL-04)",
            appeal.case,
            appeal
                .claim
                .as_deref()
                .or(appeal.authorization.as_deref())
                .unwrap_or("this claim"),
            codes.join(", ")
        );
        cx.note("appeal_hold", "APL-04", n, text);
    }
}

#[cfg(test)]
mod tests {
    use accord_core::member::Program;
    use accord_plan::CostShare;
    use rust_decimal::Decimal;

    use crate::facts::OpenAppeal;
    use crate::outcome::Group;
    use crate::testkit::*;

    /// A commercial member with a 10.00 copay, so the lines carry member cost share (PAY-02).
    fn copay_fixture() -> Fx {
        let mut fx = Fx::new();
        let mut p = plan().clone();
        p.config.cost_share.push(CostShare {
            program: Program::Commercial,
            copay: money("10"),
            coinsurance_percent: Decimal::ZERO,
            deductible: money("0"),
            out_of_pocket_max: None,
        });
        fx.plan = Some(p);
        fx.spans = vec![span("ACCORD-IL", Program::Commercial, "2025-01-01", None)];
        fx
    }

    fn appeal_on_claim(claim: &str) -> OpenAppeal {
        OpenAppeal {
            case: "APL-2026-000007".into(),
            claim: Some(claim.into()),
            authorization: None,
        }
    }

    #[test]
    fn apl_04_open_appeal_moves_member_share_to_the_provider() {
        let fx = copay_fixture();
        let c = claim("U1", vec![ln(1, "99213", 1, "75", "2026-03-02")]);
        let before = fx.run(&c);
        assert_eq!(before.lines[0].patient_responsibility, money("10"));
        assert!(codes(&before, 1).contains(&"PR-3".to_string()));

        let appeals = [appeal_on_claim("U1")];
        let after = fx.with_facts(|f| {
            let mut f = f.clone();
            f.open_appeals = &appeals;
            crate::adjudicate(&c, &f, c.received)
        });
        let line = &after.lines[0];
        assert_eq!(line.patient_responsibility, money("0"));
        assert_eq!(after.patient_responsibility, money("0"));
        // The plan pays what it paid before; the share is the provider's (CO-3), not the member's.
        assert_eq!(line.paid, before.lines[0].paid);
        assert!(codes(&after, 1).contains(&"CO-3".to_string()));
        assert!(!line.adjustments.iter().any(|a| a.group == Group::PR));
        assert_balanced(&after);
        let note = after
            .trace
            .iter()
            .find(|t| t.rule == "APL-04")
            .expect("an APL-04 trace entry");
        assert_eq!(note.line, Some(1));
        assert!(note.text.contains("APL-2026-000007"), "{}", note.text);
        assert!(note.text.contains("may not be billed"), "{}", note.text);
    }

    #[test]
    fn apl_04_appeal_on_another_claim_changes_nothing() {
        let fx = copay_fixture();
        let c = claim("U1", vec![ln(1, "99213", 1, "75", "2026-03-02")]);
        let appeals = [appeal_on_claim("U2")];
        let d = fx.with_facts(|f| {
            let mut f = f.clone();
            f.open_appeals = &appeals;
            crate::adjudicate(&c, &f, c.received)
        });
        assert_eq!(d.lines[0].patient_responsibility, money("10"));
        assert!(codes(&d, 1).contains(&"PR-3".to_string()));
        assert!(!d.trace.iter().any(|t| t.rule == "APL-04"));
    }

    #[test]
    fn apl_04_appeal_on_the_authorization_a_line_used() {
        let fx = copay_fixture();
        let c = claim("U1", vec![ln(1, "99213", 1, "75", "2026-03-02")]);
        // The line used no authorization: an appeal on some authorization does not reach it.
        let appeals = [OpenAppeal {
            case: "APL-2026-000008".into(),
            claim: None,
            authorization: Some("PA-1".into()),
        }];
        let d = fx.with_facts(|f| {
            let mut f = f.clone();
            f.open_appeals = &appeals;
            crate::adjudicate(&c, &f, c.received)
        });
        assert_eq!(d.lines[0].patient_responsibility, money("10"));
    }
}
