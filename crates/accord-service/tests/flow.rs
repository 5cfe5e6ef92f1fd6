//! Stored claims through adjudication and two payment cycles, on an in-memory SQLite store with
//! the demo plan: duplicates inside one run (CLM-06), authorization units counted from claims
//! (CLM-07, UM-04), a void reversing a paid claim (CLM-10) into a negative balance that the next
//! cycle recovers (REC-01), and 835s that balance and read back (PAY-06).

use accord_claims::{Frequency, LineStatus};
use accord_core::Money;
use accord_service::adjudication::adjudicate_pending;
use accord_service::payment::{CycleOptions, run_cycle};
use accord_store::StoredAuthorization;
use rust_decimal::Decimal;

mod common;

use common::claims_flow::*;
use common::{d, plan};

#[tokio::test]
async fn clm_06_clm_10_rec_01_pay_06_claims_are_decided_in_order_and_paid_in_cycles() {
    let plan = plan();
    let store = seeded_store().await;
    let t1016 = |n, units, charge: &str| line(n, "T1016", &["HE"], units, charge, "2026-03-02");
    receive(
        &store,
        "000000001",
        &[
            claim(
                "C1",
                &agency(),
                Frequency::Original,
                vec![t1016(1, 4, "80")],
            ),
            // Same code, same day, different provider: paid (CLM-06).
            claim(
                "C2",
                &agency2(),
                Frequency::Original,
                vec![t1016(1, 4, "80")],
            ),
            // Exact duplicate of C1 in the same run: denied CO-18.
            claim(
                "C3",
                &agency(),
                Frequency::Original,
                vec![t1016(1, 4, "80")],
            ),
        ],
    )
    .await;
    let tally = adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    assert_eq!(tally.claims, 3);
    let c1 = decision(&store, "C1").await;
    let c2 = decision(&store, "C2").await;
    let c3 = decision(&store, "C3").await;
    assert_eq!(c1.lines[0].status, LineStatus::Paid);
    assert_eq!(c1.paid, Money::parse("76").expect("m")); // 4 × 19.00
    assert_eq!(c2.lines[0].status, LineStatus::Paid);
    assert_eq!(carcs(&c3, 1), ["CO-18"]);
    // Nothing is decided twice.
    let again = adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    assert_eq!(again.claims, 0);

    // Cycle 1 pays agency 76 and agency2 76, with one 835 and one voucher each.
    let dir = tempfile::tempdir().expect("dir");
    let cycle_opts = |through: &str| CycleOptions {
        through: d(through),
        pay_date: d(through),
        at: jiff::Timestamp::from_second(1_772_900_000).expect("ts"),
        actor: "test".into(),
        out: dir.path().to_path_buf(),
    };
    let r1 = run_cycle(&store, &plan, &cycle_opts("2026-03-10"))
        .await
        .expect("cycle 1");
    assert_eq!(r1.cycle.cycle, 1);
    assert_eq!(r1.cycle.claims, 3);
    assert_eq!(r1.cycle.total, Money::parse("152").expect("m"));
    let x12 = std::fs::read(dir.path().join(format!("cycle-0001/835-{}.x12", agency())))
        .expect("835 written");
    let remits = accord_x12::w835::read_835(&x12).expect("835 reads back");
    assert_eq!(remits[0].total(), Decimal::from(76));
    assert_eq!(remits[0].payee.name, "Lakeside Counseling Center");
    let voucher = std::fs::read_to_string(
        dir.path()
            .join(format!("cycle-0001/voucher-{}.html", agency())),
    )
    .expect("voucher");
    assert!(
        voucher.contains("exact duplicate claim or service"),
        "{voucher}"
    );
    // Paid claims are not paid again.
    let r1b = run_cycle(&store, &plan, &cycle_opts("2026-03-10"))
        .await
        .expect("cycle 1b");
    assert_eq!(r1b.cycle.claims, 0);

    // A void of C1 (CLM-10) reverses 76: agency's net is −76, a balance opens (REC-01).
    receive(
        &store,
        "000000002",
        &[claim(
            "C4",
            &agency(),
            Frequency::Void {
                original: "C1".into(),
            },
            vec![t1016(1, 4, "80")],
        )],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-12"), |_| {})
        .await
        .expect("adjudicate void");
    let r2 = run_cycle(&store, &plan, &cycle_opts("2026-03-17"))
        .await
        .expect("cycle 2");
    assert_eq!(r2.cycle.total, Money::ZERO);
    assert_eq!(r2.plan.payees[0].carried, Money::parse("76").expect("m"));
    let open = store.open_balances().await.expect("balances");
    assert_eq!(open.len(), 1);
    let x12 = std::fs::read(dir.path().join(format!("cycle-0003/835-{}.x12", agency())))
        .expect("835 of cycle 3 (the void's)");
    let remits = accord_x12::w835::read_835(&x12).expect("reads back");
    assert_eq!(remits[0].claims[0].status, "22");
    assert_eq!(remits[0].total(), Decimal::ZERO);

    // The voided claim's units no longer count: the same service again is not a duplicate, and
    // this payment of 76 goes to recover the balance (PLB WO).
    receive(
        &store,
        "000000003",
        &[claim(
            "C5",
            &agency(),
            Frequency::Original,
            vec![t1016(1, 4, "80")],
        )],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-18"), |_| {})
        .await
        .expect("adjudicate");
    let c5 = decision(&store, "C5").await;
    assert_eq!(c5.lines[0].status, LineStatus::Paid, "{}", c5.explain());
    let r3 = run_cycle(&store, &plan, &cycle_opts("2026-03-24"))
        .await
        .expect("cycle 3");
    assert_eq!(
        r3.plan.payees[0].offset_total(),
        Money::parse("76").expect("m")
    );
    assert_eq!(r3.cycle.total, Money::ZERO);
    assert!(store.open_balances().await.expect("balances").is_empty());
}

#[tokio::test]
async fn clm_07_um_04_authorization_units_are_counted_from_earlier_claims() {
    let plan = plan();
    let store = seeded_store().await;
    // H2017:HE needs prior authorization in the demo grid, with no free threshold.
    let code = "H2017".to_string();
    let mods = vec!["HE".to_string()];
    let mut uow = store
        .begin("test", "auth", jiff::Timestamp::UNIX_EPOCH)
        .await
        .expect("uow");
    uow.insert_authorizations(&[StoredAuthorization {
        auth_id: "PA-1".into(),
        member_id: member().to_string(),
        provider_npi: agency().to_string(),
        services: vec![(code.clone(), mods.clone())],
        level_of_care: String::new(),
        start: d("2026-03-01"),
        end: d("2026-03-31"),
        units_authorized: Decimal::from(6),
    }])
    .await
    .expect("auth");
    uow.commit().await.expect("commit");
    let mods_ref: Vec<&str> = mods.iter().map(String::as_str).collect();
    let l = |day: &str| line(1, &code, &mods_ref, 4, "60", day);
    receive(
        &store,
        "000000010",
        &[
            claim("A1", &agency(), Frequency::Original, vec![l("2026-03-02")]),
            claim("A2", &agency(), Frequency::Original, vec![l("2026-03-03")]),
        ],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    let a1 = decision(&store, "A1").await;
    let a2 = decision(&store, "A2").await;
    assert_eq!(
        a1.lines[0].units_allowed,
        Decimal::from(4),
        "{}",
        a1.explain()
    );
    // 2 of 6 left for the second claim; the rest is beyond the authorization (CO-198).
    assert_eq!(
        a2.lines[0].units_allowed,
        Decimal::from(2),
        "{}",
        a2.explain()
    );
    assert!(carcs(&a2, 1).contains(&"CO-198".to_string()));

    // A later run (fresh reference from the store) still sees the 6 units used.
    receive(
        &store,
        "000000011",
        &[claim(
            "A3",
            &agency(),
            Frequency::Original,
            vec![l("2026-03-04")],
        )],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-07"), |_| {})
        .await
        .expect("adjudicate");
    let a3 = decision(&store, "A3").await;
    assert_eq!(a3.lines[0].units_allowed, Decimal::ZERO, "{}", a3.explain());
}

#[tokio::test]
async fn examiner_actions_are_events_and_release_or_deny_held_lines() {
    use accord_service::examine::{Examiner, ExaminerAction, examine};
    let plan = plan();
    let store = seeded_store().await;
    // 90837 is a timed code: without start and stop times it is held for documentation (CLM-09).
    let held = |t: &str| {
        let mut l = line(1, "90837", &[], 1, "130", "2026-03-02");
        l.documentation.start_stop_recorded = Some(false);
        claim(t, &agency(), Frequency::Original, vec![l])
    };
    receive(&store, "000000020", &[held("P1")]).await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    assert_eq!(
        store
            .decisions_with_status("pended")
            .await
            .expect("q")
            .len(),
        1
    );
    let who = Examiner {
        actor: "kim".into(),
        reason: "note shows 9:00-9:55".into(),
        today: d("2026-03-09"),
        at: jiff::Timestamp::from_second(1_773_000_000).expect("ts"),
    };
    // Asking for records keeps it pended and records the action.
    let d1 = examine(&store, &plan, "P1", &ExaminerAction::RequestRecords, &who)
        .await
        .expect("request");
    assert_eq!(d1.lines[0].status, LineStatus::Pended);
    // Approve: the hold is lifted and the line priced.
    let d2 = examine(
        &store,
        &plan,
        "P1",
        &ExaminerAction::Approve { rates: vec![] },
        &who,
    )
    .await
    .expect("approve");
    assert_eq!(d2.lines[0].status, LineStatus::Paid, "{}", d2.explain());
    assert!(d2.explain().contains("released by examiner kim"));
    let events = store.events_for("claim", "P1").await.expect("events");
    let examined = events
        .iter()
        .filter(|e| e.action == "claim_examined")
        .count();
    assert_eq!(examined, 2);
    // A claim that is no longer pended is refused.
    let again = examine(&store, &plan, "P1", &ExaminerAction::RequestRecords, &who).await;
    assert!(again.is_err());
    // The approved claim is paid in the next cycle.
    let stored = store.decision("P1").await.expect("row").expect("decided");
    assert_eq!(stored.status, "processed_primary");
    assert!(
        !stored.clean,
        "examined claims are not counted as clean (PAY-07)"
    );
}

#[tokio::test]
async fn examiner_denial_names_the_reason_code() {
    use accord_service::examine::{Examiner, ExaminerAction, examine};
    let plan = plan();
    let store = seeded_store().await;
    let mut l = line(1, "90837", &[], 1, "130", "2026-03-02");
    l.documentation.start_stop_recorded = Some(false);
    receive(
        &store,
        "000000030",
        &[claim("D1", &agency(), Frequency::Original, vec![l])],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    let who = Examiner {
        actor: "kim".into(),
        reason: "no start/stop times in the records received".into(),
        today: d("2026-03-20"),
        at: jiff::Timestamp::from_second(1_773_000_000).expect("ts"),
    };
    let empty_reason = Examiner {
        reason: " ".into(),
        ..who.clone()
    };
    assert!(
        examine(
            &store,
            &plan,
            "D1",
            &ExaminerAction::Deny {
                carc: "16".into(),
                rarc: None
            },
            &empty_reason
        )
        .await
        .is_err(),
        "a reason is required"
    );
    let dd = examine(
        &store,
        &plan,
        "D1",
        &ExaminerAction::Deny {
            carc: "16".into(),
            rarc: None,
        },
        &who,
    )
    .await
    .expect("deny");
    assert_eq!(carcs(&dd, 1), ["CO-16"]);
    assert_eq!(dd.status, accord_claims::ClaimStatus::Denied);
    assert_eq!(
        dd.lines[0].billed,
        dd.lines[0].paid + dd.lines[0].adjusted()
    );
    assert!(store.history_lines().await.expect("h").is_empty());
}

#[tokio::test]
async fn pay_06_examiner_denial_carries_the_plans_remark_on_the_835_and_voucher() {
    use accord_service::examine::{Examiner, ExaminerAction, examine};
    let plan = plan();
    let store = seeded_store().await;
    let held = |t: &str| {
        let mut l = line(1, "90837", &[], 1, "130", "2026-03-02");
        l.documentation.start_stop_recorded = Some(false);
        claim(t, &agency(), Frequency::Original, vec![l])
    };
    receive(&store, "000000031", &[held("E1"), held("E2")]).await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    let who = Examiner {
        actor: "kim".into(),
        reason: "no start/stop times in the records received".into(),
        today: d("2026-03-09"),
        at: jiff::Timestamp::from_second(1_773_000_000).expect("ts"),
    };
    // A remark code the plan does not have is refused, naming the field; nothing changes.
    let bad = examine(
        &store,
        &plan,
        "E1",
        &ExaminerAction::Deny {
            carc: "16".into(),
            rarc: Some("MA130".into()),
        },
        &who,
    )
    .await
    .expect_err("not a plan remark");
    assert!(bad.to_string().contains("rarc"), "{bad}");
    assert_eq!(
        decision(&store, "E1").await.status,
        accord_claims::ClaimStatus::Pended
    );
    // No remark given: the plan's mapping for CO-16 (N29).
    let e1 = examine(
        &store,
        &plan,
        "E1",
        &ExaminerAction::Deny {
            carc: "16".into(),
            rarc: None,
        },
        &who,
    )
    .await
    .expect("deny");
    assert_eq!(e1.lines[0].adjustments[0].rarc.as_deref(), Some("N29"));
    assert!(e1.explain().contains("remark N29"), "{}", e1.explain());
    // Named by the examiner (any case): one of the plan's codes, here with CO-50.
    let e2 = examine(
        &store,
        &plan,
        "E2",
        &ExaminerAction::Deny {
            carc: "50".into(),
            rarc: Some("m62".into()),
        },
        &who,
    )
    .await
    .expect("deny");
    assert_eq!(carcs(&e2, 1), ["CO-50"]);
    assert_eq!(e2.lines[0].adjustments[0].rarc.as_deref(), Some("M62"));
    // The 835 carries LQ*HE and the voucher the remark's text, as for the engine's denials.
    let dir = tempfile::tempdir().expect("dir");
    run_cycle(
        &store,
        &plan,
        &CycleOptions {
            through: d("2026-03-10"),
            pay_date: d("2026-03-10"),
            at: jiff::Timestamp::from_second(1_773_100_000).expect("ts"),
            actor: "test".into(),
            out: dir.path().to_path_buf(),
        },
    )
    .await
    .expect("cycle");
    let x12 = std::fs::read_to_string(dir.path().join(format!("cycle-0001/835-{}.x12", agency())))
        .expect("835");
    assert!(x12.contains("LQ*HE*N29~"), "{x12}");
    assert!(x12.contains("LQ*HE*M62~"), "{x12}");
    let voucher = std::fs::read_to_string(
        dir.path()
            .join(format!("cycle-0001/voucher-{}.html", agency())),
    )
    .expect("voucher");
    assert!(
        voucher.contains("Missing documentation/orders/notes/summary/report/chart."),
        "{voucher}"
    );
}

#[tokio::test]
async fn rec_01_retro_termination_turns_a_paid_claim_into_an_overpayment_recovered_later() {
    use accord_service::adjudication::readjudicate;
    let plan = plan();
    let store = seeded_store().await;
    let dir = tempfile::tempdir().expect("dir");
    let cycle = |through: &str| cycle_through(dir.path(), through);
    two_t1016_claims_paid_in_cycle_one(&store, &plan, "000000040", dir.path()).await;

    // The state's file ends the member's eligibility on 2026-02-28, after the fact (ELIG-01).
    let mut uow = store
        .begin(
            "enrollment-feed",
            "retro termination",
            jiff::Timestamp::UNIX_EPOCH,
        )
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
    let mine = store
        .decided_claims_of_member("M1001")
        .await
        .expect("claims");
    let redone = readjudicate(&store, &plan, &mine, &opts("2026-03-12"))
        .await
        .expect("readjudicate");
    // R1 (after the end) is now denied CO-27 and its 76 is owed back; R2 is unchanged (76 - 76).
    let r1 = redone.iter().find(|r| r.tracking == "R1").expect("R1");
    assert_eq!(r1.after, "denied");
    assert_eq!(r1.net_change, Money::parse("-76").expect("m"));
    let r2 = redone.iter().find(|r| r.tracking == "R2").expect("R2");
    assert_eq!(r2.net_change, Money::ZERO);
    let explained = decision(&store, "R1").await;
    assert_eq!(carcs(&explained, 1), ["CO-27"]);
    assert!(explained.reversal.is_some());

    // Doing it again before the cycle pays changes nothing: the first payment is still reversed.
    let again = readjudicate(&store, &plan, &mine, &opts("2026-03-13"))
        .await
        .expect("again");
    assert_eq!(
        again
            .iter()
            .find(|r| r.tracking == "R1")
            .expect("R1")
            .net_change,
        Money::parse("-76").expect("m")
    );

    // Cycle 2: the agency's net is -76 + 0: a balance of 76 opens (REC-01) and the 835 balances.
    let c2 = run_cycle(&store, &plan, &cycle("2026-03-17"))
        .await
        .expect("cycle 2");
    assert_eq!(c2.cycle.total, Money::ZERO);
    assert_eq!(
        c2.plan.balances[0].remaining,
        Money::parse("76").expect("m")
    );
    let x12 =
        std::fs::read(dir.path().join(format!("cycle-0002/835-{}.x12", agency()))).expect("835");
    let remits = accord_x12::w835::read_835(&x12).expect("reads back");
    assert_eq!(remits[0].total(), Decimal::ZERO);
}

#[tokio::test]
async fn clm_10_a_pended_claim_voided_before_payment_leaves_the_queue_unpaid() {
    use accord_service::examine::{Examiner, ExaminerAction, examine};
    let plan = plan();
    let store = seeded_store().await;
    let mut l = line(1, "90837", &[], 1, "130", "2026-03-02");
    l.documentation.start_stop_recorded = Some(false);
    receive(
        &store,
        "000000050",
        &[claim("V0", &agency(), Frequency::Original, vec![l.clone()])],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    receive(
        &store,
        "000000051",
        &[claim(
            "V1",
            &agency(),
            Frequency::Void {
                original: "V0".into(),
            },
            vec![l],
        )],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-07"), |_| {})
        .await
        .expect("adjudicate void");
    let v0 = store.decision("V0").await.expect("row").expect("decided");
    assert_eq!(v0.status, "superseded");
    assert!(
        store
            .decisions_with_status("pended")
            .await
            .expect("q")
            .is_empty()
    );
    assert!(
        decision(&store, "V1").await.reversal.is_none(),
        "nothing was paid"
    );
    let who = Examiner {
        actor: "kim".into(),
        reason: "records".into(),
        today: d("2026-03-09"),
        at: jiff::Timestamp::from_second(1_773_000_000).expect("ts"),
    };
    assert!(
        examine(
            &store,
            &plan,
            "V0",
            &ExaminerAction::Approve { rates: vec![] },
            &who
        )
        .await
        .is_err()
    );
    let dir = tempfile::tempdir().expect("dir");
    let r = run_cycle(
        &store,
        &plan,
        &CycleOptions {
            through: d("2026-03-10"),
            pay_date: d("2026-03-10"),
            at: jiff::Timestamp::from_second(1_773_100_000).expect("ts"),
            actor: "test".into(),
            out: dir.path().to_path_buf(),
        },
    )
    .await
    .expect("cycle");
    assert_eq!(r.cycle.total, Money::ZERO);
    assert_eq!(r.plan.payees[0].claims, ["V1"]);
}

/// QM-01 with CLM-10: after a correction and a void, the quality measures read the corrected
/// claim once and neither original (the originals keep their paid decisions; the reversal is on
/// the new claims' decisions). The compact read gives, claim for claim, what decoding the paid
/// claims' JSON gives, less the originals reversed; `load_quality_inputs` turns exactly the
/// correction's lines into service records and attributes only its dates to the agency.
#[tokio::test]
async fn qm_01_clm_10_quality_inputs_read_a_correction_once_and_no_voided_claim() {
    use accord_service::reports::load_quality_inputs;
    let plan = plan();
    let store = seeded_store().await;
    let l = |code: &str, dos: &str| line(1, code, &[], 1, "130", dos);
    receive(
        &store,
        "000000060",
        &[
            claim(
                "K1",
                &agency(),
                Frequency::Original,
                vec![l("90837", "2026-03-02")],
            ),
            claim(
                "K2",
                &agency(),
                Frequency::Original,
                vec![l("90834", "2026-03-03")],
            ),
            claim(
                "K3",
                &agency2(),
                Frequency::Original,
                vec![l("90832", "2026-03-04")],
            ),
        ],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    let dir = tempfile::tempdir().expect("dir");
    run_cycle(
        &store,
        &plan,
        &CycleOptions {
            through: d("2026-03-10"),
            pay_date: d("2026-03-10"),
            at: jiff::Timestamp::from_second(1_772_900_000).expect("ts"),
            actor: "test".into(),
            out: dir.path().to_path_buf(),
        },
    )
    .await
    .expect("cycle");
    receive(
        &store,
        "000000061",
        &[
            claim(
                "K4",
                &agency(),
                Frequency::Corrected {
                    original: "K1".into(),
                },
                vec![l("90837", "2026-03-05")],
            ),
            claim(
                "K5",
                &agency(),
                Frequency::Void {
                    original: "K2".into(),
                },
                vec![l("90834", "2026-03-03")],
            ),
        ],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-12"), |_| {})
        .await
        .expect("adjudicate corrections");
    let k4 = decision(&store, "K4").await;
    assert_eq!(k4.lines[0].status, LineStatus::Paid, "{}", k4.explain());
    assert_eq!(
        decision(&store, "K5")
            .await
            .reversal
            .map(|r| r.original_tracking),
        Some("K2".into())
    );

    // The old read: every paid claim's JSON. It still holds both originals.
    let mut via_json = Vec::new();
    let mut after = String::new();
    loop {
        let page = store.paid_claims_after(&after, 2).await.expect("page");
        let Some(last) = page.last() else { break };
        after = last.0.clone();
        for (t, json) in page {
            let c: accord_store::PaidClaim = serde_json::from_str(&json).expect("view");
            via_json.push((t, c));
        }
    }
    let json_trackings: Vec<&str> = via_json.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(json_trackings, ["K1", "K2", "K3", "K4"]);
    // The quality read: the same claims, field for field, without the reversed originals.
    let mut read = Vec::new();
    let mut after = String::new();
    while let Some((last, page)) = store.paid_claims_page(&after, 2).await.expect("page") {
        after = last;
        read.extend(page);
    }
    let expected: Vec<accord_store::PaidClaim> = via_json
        .into_iter()
        .filter(|(t, _)| t != "K1" && t != "K2")
        .map(|(_, c)| c)
        .collect();
    assert_eq!(read, expected);

    let input = load_quality_inputs(&store, &plan, Some(&agency()))
        .await
        .expect("inputs");
    assert_eq!(input.members.len(), 1);
    assert_eq!(input.members[0].birth_date, d("1990-05-05"));
    // K3 (90832 on March 4) and K4 (90837 on March 5), classified as they were read; not K1
    // (March 2) or K2 (March 3), which were reversed.
    let services: Vec<String> = input.records.iter().map(|r| r.from.to_string()).collect();
    assert_eq!(services, ["2026-03-04", "2026-03-05"]);
    // Classified from the stored text exactly as the measures classify the service with its codes.
    let with_codes: Vec<accord_quality::ClassifiedRecord> = expected
        .iter()
        .flat_map(|c| {
            c.lines.iter().map(|l| accord_quality::ServiceRecord {
                member: 0,
                from: l.service_from,
                through: l.service_to.unwrap_or(l.service_from),
                procedure: Some(l.procedure.clone()),
                pos: l.place_of_service.clone().or(c.place_of_service.clone()),
                bill_type: None,
                revenue: l.revenue_code.clone(),
                diagnoses: c.diagnoses.clone(),
            })
        })
        .map(|r| accord_quality::ClassifiedRecord::of(&r, &input.value_sets))
        .collect();
    assert_eq!(input.records, with_codes);
    assert!(
        input.records.iter().all(|r| r.flags != 0),
        "psychotherapy is a follow-up visit"
    );
    let mut attributed: Vec<String> = input
        .attributed
        .iter()
        .map(|(_, d)| d.to_string())
        .collect();
    attributed.sort();
    assert_eq!(attributed, ["2026-03-05"]);
}
