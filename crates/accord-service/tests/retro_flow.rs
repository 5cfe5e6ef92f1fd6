//! Retroactive changes end to end (REC-01) on an in-memory SQLite store with the demo plan: a
//! member file that ends eligibility after the fact re-decides exactly the paid claim it affects
//! (ELIG-01), reverses it, and the next payment cycles carry the overpayment and recover it by PLB;
//! an authorization file that extends an authorization turns the CO-197 denial it now covers into
//! a payment (CLM-07), found again from the event log by "affected since".

use accord_claims::{Frequency, LineStatus};
use accord_core::Money;
use accord_import::{Format, read_authorizations, read_members};
use accord_service::adjudication::adjudicate_pending;
use accord_service::payment::run_cycle;
use accord_service::retro_run::{ImportBy, affected_since, import_authorizations, import_members};
use accord_store::StoredAuthorization;
use jiff::Timestamp;

mod common;

use common::claims_flow::*;
use common::{d, plan};

fn by(second: i64) -> ImportBy {
    ImportBy {
        actor: "enrollment-feed".into(),
        reason: "state file".into(),
        at: Timestamp::from_second(second).expect("ts"),
    }
}

/// M1001 as `seeded_store` has it, with one ACCORD-IL span from 2025-01-01 ending `end`.
fn member_file(end: &str) -> String {
    format!(
        "member_id,first_name,last_name,birth_date,sex,zip,family_size,annual_income,sud_consent,plan_code,program,eligibility_start,eligibility_end\n\
         M1001,Pat,Doe,1990-05-05,U,60601,3,,true,ACCORD-IL,medicaid,2025-01-01,{end}\n"
    )
}

#[tokio::test]
async fn elig_01_rec_01_retro_termination_import_reverses_the_affected_paid_claim_only() {
    let plan = plan();
    let store = seeded_store().await;
    let dir = tempfile::tempdir().expect("dir");
    let cycle = |through: &str| cycle_through(dir.path(), through);
    two_t1016_claims_paid_in_cycle_one(&store, &plan, "000000050", dir.path()).await;
    let t1016 = |day: &str| line(1, "T1016", &["HE"], 4, "80", day);
    let r2_before = store.decision("R2").await.expect("q").expect("R2");

    // The state's file ends M1001's coverage on 2026-02-28 (ELIG-01), imported with re-decision.
    let file = read_members(member_file("2026-02-28").as_bytes(), Format::Csv).expect("file");
    let out = import_members(
        &store,
        &plan,
        &file.members,
        &file.spans,
        &by(1_773_100_000),
        Some(&opts("2026-03-12")),
    )
    .await
    .expect("import");
    assert!(out.changes.new_members.is_empty());
    assert_eq!(out.changes.ended.len(), 1);
    assert_eq!(out.changes.ended[0].new_end, Some(d("2026-02-28")));
    // Exactly R1 (after the new end) is affected; R2 (before it) is not.
    let ids: Vec<&str> = out
        .retro
        .affected
        .iter()
        .map(|a| a.tracking.as_str())
        .collect();
    assert_eq!(ids, ["R1"]);
    assert!(out.retro.affected[0].reason.contains("ELIG-01"));
    assert_eq!(out.retro.redecided.len(), 1);
    let r1 = &out.retro.redecided[0];
    assert_eq!(r1.redecided.tracking, "R1");
    assert_eq!(r1.redecided.before, "processed_primary");
    assert_eq!(r1.redecided.after, "denied");
    assert_eq!(r1.redecided.net_change, Money::parse("-76").expect("m"));
    assert!(r1.reason.contains("after coverage ended"), "{}", r1.reason);
    let explained = decision(&store, "R1").await;
    assert_eq!(carcs(&explained, 1), ["CO-27"]);
    assert!(
        explained.reversal.is_some(),
        "the remitted payment is reversed"
    );
    // R2 was not touched: same decision row, still remitted in cycle 1.
    assert_eq!(
        store.decision("R2").await.expect("q").expect("R2"),
        r2_before
    );
    // The span on file now ends 2026-02-28.
    let spans = store.eligibility(&member()).await.expect("spans");
    assert_eq!(spans[0].end, Some(d("2026-02-28")));

    // The same file again changes nothing: a conflict, as a repeated import always was.
    let again = import_members(
        &store,
        &plan,
        &file.members,
        &file.spans,
        &by(1_773_100_100),
        None,
    )
    .await
    .expect_err("nothing to change");
    assert_eq!(
        accord_core::ErrorCode::from(&again),
        accord_core::ErrorCode::Conflict,
        "{again}"
    );

    // Next cycle: the reversal leaves the agency owing 76, carried on the 835 as PLB (REC-01).
    let c2 = run_cycle(&store, &plan, &cycle("2026-03-17"))
        .await
        .expect("cycle 2");
    assert_eq!(c2.cycle.total, Money::ZERO);
    assert_eq!(
        c2.plan.balances[0].remaining,
        Money::parse("76").expect("m")
    );
    let x12 = std::fs::read_to_string(dir.path().join(format!("cycle-0002/835-{}.x12", agency())))
        .expect("835");
    assert!(x12.contains(&format!("PLB*{}*", agency())), "{x12}");
    // A later claim inside coverage pays, and the overpayment is recovered from it (PLB WO).
    receive(
        &store,
        "000000051",
        &[claim(
            "R3",
            &agency(),
            Frequency::Original,
            vec![t1016("2026-02-24")],
        )],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-18"), |_| {})
        .await
        .expect("adjudicate");
    let c3 = run_cycle(&store, &plan, &cycle("2026-03-24"))
        .await
        .expect("cycle 3");
    assert_eq!(
        c3.plan.payees[0].offset_total(),
        Money::parse("76").expect("m")
    );
    let x12 = std::fs::read_to_string(dir.path().join(format!("cycle-0003/835-{}.x12", agency())))
        .expect("835");
    assert!(x12.contains("*WO:"), "{x12}");
    assert!(store.open_balances().await.expect("balances").is_empty());
}

fn auth_file(end: &str) -> String {
    format!(
        "auth_id,member_id,provider_npi,procedure,modifiers,level_of_care,start_date,end_date,units_authorized\n\
         PA-7,M1001,{},H2017,HE,community_support,2026-03-01,{end},40\n",
        agency()
    )
}

fn auths(text: &str) -> Vec<StoredAuthorization> {
    read_authorizations(text.as_bytes(), Format::Csv)
        .expect("file")
        .into_iter()
        .map(accord_service::reference::stored_from_import)
        .collect()
}

#[tokio::test]
async fn clm_07_rec_01_extended_authorization_turns_the_denied_claim_paid() {
    let plan = plan();
    let store = seeded_store().await;
    // The authorization as first issued: 1–15 March.
    let first = import_authorizations(
        &store,
        &plan,
        &auths(&auth_file("2026-03-15")),
        &by(1_772_600_000),
        None,
    )
    .await
    .expect("import");
    assert_eq!(first.changes.new.len(), 1);
    assert!(first.retro.affected.is_empty(), "no claims yet");
    let h2017 = |day: &str| line(1, "H2017", &["HE"], 4, "60", day);
    receive(
        &store,
        "000000060",
        &[
            claim(
                "A1",
                &agency(),
                Frequency::Original,
                vec![h2017("2026-03-02")],
            ),
            claim(
                "A2",
                &agency(),
                Frequency::Original,
                vec![h2017("2026-03-20")],
            ),
        ],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-21"), |_| {})
        .await
        .expect("adjudicate");
    assert_eq!(
        decision(&store, "A1").await.lines[0].status,
        LineStatus::Paid
    );
    let a2 = decision(&store, "A2").await;
    assert_eq!(carcs(&a2, 1), ["CO-197"], "{}", a2.explain());
    let a1_before = store.decision("A1").await.expect("q").expect("A1");

    // UM extends it to 31 March; imported without --readjudicate: counted, nothing re-decided.
    let changed = import_authorizations(
        &store,
        &plan,
        &auths(&auth_file("2026-03-31")),
        &by(1_773_100_000),
        None,
    )
    .await
    .expect("import");
    assert_eq!(changed.changes.changed.len(), 1);
    let ids: Vec<&str> = changed
        .retro
        .affected
        .iter()
        .map(|a| a.tracking.as_str())
        .collect();
    assert_eq!(ids, ["A2"]);
    assert!(changed.retro.redecided.is_empty());
    assert_eq!(decision(&store, "A2").await.status, a2.status);

    // Changes recorded since a moment after the change: none. Since before it: A2, re-decided.
    let later = Timestamp::from_second(1_773_100_001).expect("ts");
    assert!(
        affected_since(&store, &plan, later, None)
            .await
            .expect("since")
            .affected
            .is_empty()
    );
    let since = Timestamp::from_second(1_773_000_000).expect("ts");
    let redone = affected_since(&store, &plan, since, Some(&opts("2026-03-22")))
        .await
        .expect("since");
    let ids: Vec<&str> = redone
        .affected
        .iter()
        .map(|a| a.tracking.as_str())
        .collect();
    assert_eq!(ids, ["A2"]);
    assert!(
        redone.affected[0]
            .reason
            .contains("newly inside authorization PA-7 (CLM-07)"),
        "{}",
        redone.affected[0].reason
    );
    let r = &redone.redecided[0].redecided;
    assert_eq!(
        (r.before.as_str(), r.after.as_str()),
        ("denied", "processed_primary")
    );
    let a2 = decision(&store, "A2").await;
    assert_eq!(a2.lines[0].status, LineStatus::Paid, "{}", a2.explain());
    assert_eq!(a2.lines[0].authorizations[0].0, "PA-7");
    // A1 was not touched.
    assert_eq!(
        store.decision("A1").await.expect("q").expect("A1"),
        a1_before
    );
    // The change is on the authorization's record with before and after.
    let events = store
        .events_for("authorization", "PA-7")
        .await
        .expect("events");
    let changed = events
        .iter()
        .find(|e| e.action == "authorization_changed")
        .expect("changed event");
    assert_eq!(changed.data["before"]["end"], "2026-03-15");
    assert_eq!(changed.data["after"]["end"], "2026-03-31");
}

#[tokio::test]
async fn net_05_rec_01_a_sanction_recorded_since_a_date_redecides_that_providers_claims() {
    use accord_core::provider::{Sanction, SanctionLevel};
    let plan = plan();
    let store = seeded_store().await;
    let t1016 = |day: &str| line(1, "T1016", &["HE"], 4, "80", day);
    receive(
        &store,
        "000000070",
        &[
            claim(
                "S1",
                &agency(),
                Frequency::Original,
                vec![t1016("2026-03-02")],
            ),
            claim(
                "S2",
                &agency2(),
                Frequency::Original,
                vec![t1016("2026-03-02")],
            ),
        ],
    )
    .await;
    adjudicate_pending(&store, &plan, &opts("2026-03-06"), |_| {})
        .await
        .expect("adjudicate");
    assert_eq!(
        decision(&store, "S1").await.lines[0].status,
        LineStatus::Paid
    );
    let s2_before = store.decision("S2").await.expect("q").expect("S2");
    // A suspension from 1 March is recorded on 9 March (NET-05), after S1 was paid.
    let mut uow = store
        .begin(
            "network",
            "suspension",
            Timestamp::from_second(1_773_050_000).expect("ts"),
        )
        .await
        .expect("uow");
    uow.insert_sanctions(&[Sanction {
        npi: agency(),
        level: SanctionLevel::Suspension,
        start: d("2026-03-01"),
        end: None,
        reason: "exclusion list match".into(),
    }])
    .await
    .expect("sanction");
    uow.commit().await.expect("commit");
    let since = Timestamp::from_second(1_773_000_000).expect("ts");
    let out = affected_since(&store, &plan, since, Some(&opts("2026-03-10")))
        .await
        .expect("since");
    let ids: Vec<&str> = out.affected.iter().map(|a| a.tracking.as_str()).collect();
    assert_eq!(ids, ["S1"]);
    assert!(
        out.affected[0].reason.contains("NET-05"),
        "{}",
        out.affected[0].reason
    );
    assert_eq!(carcs(&decision(&store, "S1").await, 1), ["CO-B7"]);
    assert_eq!(
        store.decision("S2").await.expect("q").expect("S2"),
        s2_before
    );
}
