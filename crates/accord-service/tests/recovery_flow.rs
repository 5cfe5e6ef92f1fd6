//! Cases flowing back to claims and money, on an in-memory SQLite store with the demo plan:
//! an audit's final findings open a recovery the next payment cycle offsets through PLB WO
//! (REC-04 → REC-01), a dispute resolved `readjudicate` reverses and replaces a remitted claim
//! (DSP-01, REC-03), and an open appeal keeps the member's share off the member (APL-04).

use std::path::Path;

use accord_cases::{Action, ClaimFollowUp, Event};
use accord_claims::{Claim, ClaimLine, Decision, Frequency};
use accord_core::Money;
use accord_core::member::{EligibilitySpan, Program};
use accord_service::adjudication::{adjudicate_pending, stored_decision};
use accord_service::cases;
use accord_service::payment::{CycleOptions, run_cycle};
use accord_service::recovery::claim_cases;
use jiff::Timestamp;
use serde_json::json;

mod common;

use common::claims_flow::*;
use common::{d, plan};

fn at(s: &str) -> Timestamp {
    s.parse().expect("instant")
}

fn m(s: &str) -> Money {
    Money::parse(s).expect("money")
}

fn t1016(n: u32, day: &str) -> ClaimLine {
    line(n, "T1016", &["HE"], 4, "80", day)
}

fn cycle_opts(dir: &Path, through: &str) -> CycleOptions {
    CycleOptions {
        through: d(through),
        pay_date: d(through),
        at: at(&format!("{through}T18:00:00Z")),
        actor: "test".into(),
        out: dir.to_path_buf(),
    }
}

fn ev(when: &str, action: Action) -> Event {
    Event::new(at(when), "analyst1", action)
}

#[tokio::test]
async fn rec_04_rec_01_final_audit_findings_open_a_recovery_the_next_cycle_offsets() {
    let plan = plan();
    let store = seeded_store().await;
    let claims: Vec<Claim> = [
        ("A1", "2026-03-02"),
        ("A2", "2026-03-03"),
        ("A3", "2026-03-04"),
    ]
    .iter()
    .map(|(t, day)| claim(t, &agency(), Frequency::Original, vec![t1016(1, day)]))
    .collect();
    receive(&store, "000000071", &claims).await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    let dir = tempfile::tempdir().expect("dir");
    let c1 = run_cycle(&store, &plan, &cycle_opts(dir.path(), "2026-03-10"))
        .await
        .expect("cycle 1");
    assert_eq!(c1.cycle.total, m("228"));

    // The audit: every claim of the period sampled, records in, one finding per claim.
    let filed = cases::file(
        &store,
        &plan,
        &json!({"parties": {"filed_by": "plan"}, "subject": {"provider": agency().to_string()},
                "filing": {"kind": "billing_audit", "claims": ["A1", "A2", "A3"],
                           "sample_size": 3, "seed": 11}}),
        at("2026-03-16T15:00:00Z"),
        "analyst1",
    )
    .await
    .expect("audit filed");
    let id = filed.record.id.clone();
    assert!(id.starts_with("AUD-2026-"), "{id}");
    let (s, p) = (&store, &plan);
    let act = |when: &'static str, action: Action| {
        let id = id.clone();
        async move { cases::act(s, p, &id, &ev(when, action)).await }
    };
    act("2026-03-17T15:00:00Z", Action::RecordsReceived)
        .await
        .expect("records");
    for (claim, overpaid, reason) in [
        ("A1", "30.00", "one unit not documented"),
        ("A2", "0", ""),
        ("A3", "0", ""),
    ] {
        act(
            "2026-03-18T15:00:00Z",
            Action::Finding {
                claim: claim.into(),
                error: None,
                overpaid: m(overpaid),
                reason: reason.into(),
            },
        )
        .await
        .expect("finding");
    }
    act(
        "2026-03-19T15:00:00Z",
        Action::Findings {
            findings: Vec::new(),
            appeal_by: d("2026-04-03"),
        },
    )
    .await
    .expect("findings issued");
    // Not final while the provider may still appeal: nothing is recovered yet.
    let refused = act("2026-03-20T15:00:00Z", Action::Finalize)
        .await
        .expect_err("the window is open");
    assert!(refused.to_string().starts_with("REC-04: "), "{refused}");
    assert!(store.balances_of_case(&id).await.expect("read").is_empty());

    act("2026-04-06T15:00:00Z", Action::Finalize)
        .await
        .expect("final");
    let opened = store.balances_of_case(&id).await.expect("read");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].source, format!("{id} A1"));
    assert_eq!(opened[0].pay_to_npi, agency().to_string());
    assert_eq!(opened[0].remaining, m("30.00"));
    assert_eq!(opened[0].opened_on, d("2026-04-06"));
    // The case's event and the balance's event were written together.
    let events = store.events_for("case", &id).await.expect("events");
    assert!(events.iter().any(|e| e.action == "finalize"));

    // Repeating the action opens nothing twice.
    act("2026-04-07T15:00:00Z", Action::Finalize)
        .await
        .expect_err("final once");
    assert_eq!(store.balances_of_case(&id).await.expect("read").len(), 1);

    // The next cycle with money for the agency offsets the recovery (PLB WO, the audit and claim
    // as reference).
    receive(
        &store,
        "000000072",
        &[claim(
            "A4",
            &agency(),
            Frequency::Original,
            vec![t1016(1, "2026-04-01")],
        )],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-04-08"), |_| {})
        .await
        .expect("adjudicate");
    let c2 = run_cycle(&store, &plan, &cycle_opts(dir.path(), "2026-04-10"))
        .await
        .expect("cycle 2");
    assert_eq!(c2.cycle.total, m("46"));
    let payee = &c2.plan.payees[0];
    assert_eq!(payee.offsets.len(), 1);
    assert_eq!(payee.offsets[0].source, format!("{id} A1"));
    assert_eq!(payee.offsets[0].amount, m("30.00"));
    let x12 =
        std::fs::read(dir.path().join(format!("cycle-0002/835-{}.x12", agency()))).expect("835");
    let text = String::from_utf8_lossy(&x12);
    assert!(
        text.contains(&format!("PLB*{}*", agency())) && text.contains(&format!("WO:{id} A1")),
        "{text}"
    );
    let remits = accord_x12::w835::read_835(&x12).expect("reads back");
    assert_eq!(remits[0].total(), rust_decimal::Decimal::from(46));
    let left = store.balances_of_case(&id).await.expect("read");
    assert_eq!(left[0].remaining, Money::ZERO);
}

#[tokio::test]
async fn rec_04_repayment_reduces_the_audits_recoveries_with_the_case_event() {
    let plan = plan();
    let store = seeded_store().await;
    let claims: Vec<Claim> = [("B1", "2026-03-02"), ("B2", "2026-03-03")]
        .iter()
        .map(|(t, day)| claim(t, &agency(), Frequency::Original, vec![t1016(1, day)]))
        .collect();
    receive(&store, "000000073", &claims).await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    let filed = cases::file(
        &store,
        &plan,
        &json!({"parties": {"filed_by": "plan"}, "subject": {"provider": agency().to_string()},
                "filing": {"kind": "billing_audit", "claims": ["B1", "B2"],
                           "sample_size": 2, "seed": 3}}),
        at("2026-03-16T15:00:00Z"),
        "analyst1",
    )
    .await
    .expect("audit filed");
    let id = filed.record.id;
    let (s, p) = (&store, &plan);
    let go = |when: &'static str, action: Action| {
        let id = id.clone();
        async move { cases::act(s, p, &id, &ev(when, action)).await }
    };
    go("2026-03-17T15:00:00Z", Action::RecordsReceived)
        .await
        .expect("records");
    go(
        "2026-03-18T15:00:00Z",
        Action::Findings {
            findings: vec![
                accord_cases::Finding {
                    claim: "B1".into(),
                    error: true,
                    overpaid: m("20.00"),
                },
                accord_cases::Finding {
                    claim: "B2".into(),
                    error: true,
                    overpaid: m("10.00"),
                },
            ],
            appeal_by: d("2026-03-20"),
        },
    )
    .await
    .expect("findings");
    go("2026-03-23T15:00:00Z", Action::Finalize)
        .await
        .expect("final");
    go("2026-03-24T15:00:00Z", Action::Repay { amount: m("25.00") })
        .await
        .expect("repaid");
    let owed: Money = store
        .balances_of_case(&id)
        .await
        .expect("read")
        .iter()
        .map(|b| b.remaining)
        .sum();
    assert_eq!(owed, m("5.00"));
}

#[tokio::test]
async fn dsp_01_dispute_resolved_readjudicate_reverses_and_replaces_the_remitted_claim() {
    let plan = plan();
    let store = seeded_store().await;
    // The enrollment file ended the member's coverage in February: the March claim is denied.
    let mut uow = store
        .begin("enrollment-feed", "termination", at("2026-03-01T12:00:00Z"))
        .await
        .expect("uow");
    uow.end_eligibility(
        &member(),
        "ACCORD-IL",
        d("2025-01-01"),
        Some(d("2026-02-28")),
    )
    .await
    .expect("end");
    uow.commit().await.expect("commit");
    receive(
        &store,
        "000000074",
        &[claim(
            "D1",
            &agency(),
            Frequency::Original,
            vec![t1016(1, "2026-03-02")],
        )],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    assert_eq!(
        stored_decision(&store, "D1")
            .await
            .expect("read")
            .expect("decided")
            .paid,
        Money::ZERO
    );
    let dir = tempfile::tempdir().expect("dir");
    run_cycle(&store, &plan, &cycle_opts(dir.path(), "2026-03-10"))
        .await
        .expect("cycle 1");

    // The provider disputes; the enrollment was wrong and is corrected; the dispute is upheld for
    // the provider with the claim adjudicated again.
    let filed = cases::file(
        &store,
        &plan,
        &json!({"parties": {"filed_by": "provider", "provider": agency().to_string()},
                "subject": {"claim": "D1"}, "filing": {"kind": "claim_dispute"}}),
        at("2026-03-12T15:00:00Z"),
        "provider",
    )
    .await
    .expect("dispute filed");
    let id = filed.record.id;
    let mut uow = store
        .begin("enrollment-feed", "correction", at("2026-03-13T12:00:00Z"))
        .await
        .expect("uow");
    uow.end_eligibility(&member(), "ACCORD-IL", d("2025-01-01"), None)
        .await
        .expect("reinstate");
    uow.commit().await.expect("commit");
    cases::act(
        &store,
        &plan,
        &id,
        &ev(
            "2026-03-16T15:00:00Z",
            Action::Resolve {
                claim: ClaimFollowUp::Readjudicate,
                amount: None,
            },
        ),
    )
    .await
    .expect("resolved");

    let now: Decision = stored_decision(&store, "D1")
        .await
        .expect("read")
        .expect("decided");
    assert_eq!(now.paid, m("76"));
    // The remitted (denied) decision is reversed and replaced (CLM-10).
    assert!(now.reversal.is_some());
    let c2 = run_cycle(&store, &plan, &cycle_opts(dir.path(), "2026-03-20"))
        .await
        .expect("cycle 2");
    assert_eq!(c2.cycle.total, m("76"));

    // The claim's explanation names the case and its outcome.
    let about = claim_cases(&store, "D1").await.expect("cases");
    assert_eq!(about.len(), 1);
    let line = about[0].line();
    assert!(
        line.starts_with(&format!("{id} (claim dispute): resolved on ")),
        "{line}"
    );
    assert!(line.contains("the claim was adjudicated again"), "{line}");
}

#[tokio::test]
async fn apl_04_open_appeal_keeps_the_member_share_off_the_member() {
    let mut plan = plan();
    plan.config.cost_share.push(accord_plan::CostShare {
        program: Program::Commercial,
        copay: m("10"),
        coinsurance_percent: rust_decimal::Decimal::ZERO,
        deductible: Money::ZERO,
        out_of_pocket_max: None,
    });
    let store = seeded_store().await;
    let mut uow = store
        .begin("enrollment-feed", "commercial", at("2026-01-01T12:00:00Z"))
        .await
        .expect("uow");
    uow.end_eligibility(
        &member(),
        "ACCORD-IL",
        d("2025-01-01"),
        Some(d("2025-12-31")),
    )
    .await
    .expect("end");
    uow.insert_eligibility(&[EligibilitySpan {
        member_id: member(),
        plan_code: "ACCORD-IL".into(),
        program: Program::Commercial,
        start: d("2026-01-01"),
        end: None,
    }])
    .await
    .expect("span");
    uow.commit().await.expect("commit");
    receive(
        &store,
        "000000075",
        &[
            claim(
                "P1",
                &agency(),
                Frequency::Original,
                vec![t1016(1, "2026-03-02")],
            ),
            claim(
                "P2",
                &agency(),
                Frequency::Original,
                vec![t1016(1, "2026-03-03")],
            ),
        ],
    )
    .await;
    let filed = cases::file(
        &store,
        &plan,
        &json!({"parties": {"filed_by": "provider", "member": "M1001"},
                "subject": {"claim": "P1"},
                "filing": {"kind": "appeal", "level": "one", "track": "standard",
                           "nature": "clinical", "appealed_notice": "2026-03-01",
                           "decided_by": ["md1"]}}),
        at("2026-03-04T15:00:00Z"),
        "provider",
    )
    .await
    .expect("appeal filed");
    let id = filed.record.id;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    let p1 = stored_decision(&store, "P1")
        .await
        .expect("read")
        .expect("P1");
    let p2 = stored_decision(&store, "P2")
        .await
        .expect("read")
        .expect("P2");
    // P2 has no appeal: the member owes the copay (PR-3).
    assert_eq!(p2.patient_responsibility, m("10"));
    assert!(carcs(&p2, 1).contains(&"PR-3".to_string()));
    // P1's appeal is open: the same copay is the provider's (CO-3), the plan pays the same.
    assert_eq!(p1.patient_responsibility, Money::ZERO);
    assert_eq!(p1.paid, p2.paid);
    assert!(carcs(&p1, 1).contains(&"CO-3".to_string()));
    let explained = p1.explain();
    assert!(explained.contains(&id), "{explained}");
    assert!(explained.contains("APL-04"), "{explained}");
    assert!(
        explained.contains("may not be billed while the appeal is open"),
        "{explained}"
    );

    // The voucher says why.
    let dir = tempfile::tempdir().expect("dir");
    run_cycle(&store, &plan, &cycle_opts(dir.path(), "2026-03-10"))
        .await
        .expect("cycle");
    let voucher = std::fs::read_dir(dir.path().join("cycle-0001"))
        .expect("cycle dir")
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| std::fs::read_to_string(e.path()).expect("voucher"))
        .expect("a voucher");
    assert!(
        voucher.contains("the member may not be billed while the appeal is open (APL-04)"),
        "{voucher}"
    );
}

#[tokio::test]
async fn dsp_01_dispute_resolved_adjust_pays_the_amount_in_the_next_cycle() {
    let plan = plan();
    let store = seeded_store().await;
    receive(
        &store,
        "000000076",
        &[claim(
            "J1",
            &agency(),
            Frequency::Original,
            vec![t1016(1, "2026-03-02")],
        )],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    // Billed 80, paid 76: 4.00 written off CO-45 (PAY-01).
    let before = stored_decision(&store, "J1")
        .await
        .expect("read")
        .expect("J1");
    assert_eq!(before.paid, m("76"));
    let dir = tempfile::tempdir().expect("dir");
    run_cycle(&store, &plan, &cycle_opts(dir.path(), "2026-03-10"))
        .await
        .expect("cycle 1");
    let filed = cases::file(
        &store,
        &plan,
        &json!({"parties": {"filed_by": "provider", "provider": agency().to_string()},
                "subject": {"claim": "J1"}, "filing": {"kind": "claim_dispute"}}),
        at("2026-03-12T15:00:00Z"),
        "provider",
    )
    .await
    .expect("dispute filed");
    let id = filed.record.id;
    let resolve = |amount: Option<&str>| {
        ev(
            "2026-03-16T15:00:00Z",
            Action::Resolve {
                claim: ClaimFollowUp::Adjust,
                amount: amount.map(m),
            },
        )
    };
    // Without an amount: the field is named.
    let e = cases::act(&store, &plan, &id, &resolve(None))
        .await
        .expect_err("no amount");
    assert!(e.to_string().contains("amount: an adjustment names"), "{e}");
    // More than the claim's adjustments can carry: refused, and nothing is saved.
    let e = cases::act(&store, &plan, &id, &resolve(Some("10.00")))
        .await
        .expect_err("too much");
    assert!(
        e.to_string().contains("more than the claim's adjustments"),
        "{e}"
    );
    assert_ne!(
        store.case(&id).await.expect("read").expect("case").phase,
        "closed"
    );
    cases::act(&store, &plan, &id, &resolve(Some("3.00")))
        .await
        .expect("adjusted");
    let after = stored_decision(&store, "J1")
        .await
        .expect("read")
        .expect("J1");
    assert_eq!(after.paid, m("79.00"));
    assert_eq!(after.net_paid(), m("3.00"));
    assert!(
        after.reversal.is_some(),
        "the remitted payment is reversed and replaced"
    );
    assert!(
        after
            .trace
            .iter()
            .any(|t| t.rule == "DSP-01" && t.text.contains(&id)),
        "{:?}",
        after.trace
    );
    let c2 = run_cycle(&store, &plan, &cycle_opts(dir.path(), "2026-03-20"))
        .await
        .expect("cycle 2");
    assert_eq!(c2.cycle.total, m("3.00"));
    let x12 =
        std::fs::read(dir.path().join(format!("cycle-0002/835-{}.x12", agency()))).expect("835");
    let remits = accord_x12::w835::read_835(&x12).expect("reads back");
    assert_eq!(remits[0].total(), rust_decimal::Decimal::from(3));
    let about = claim_cases(&store, "J1").await.expect("cases");
    assert!(
        about[0].line().contains("adjusted by 3.00"),
        "{}",
        about[0].line()
    );
}
