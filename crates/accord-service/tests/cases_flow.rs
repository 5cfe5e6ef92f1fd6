//! Cases with deadlines against a real store (in-memory SQLite): an appeal of a UM denial filed by
//! its request number and prefilled from the decision (APL-01), reviewer independence over the
//! stored reporting lines (APL-03), the overturn counted in the QM-04 report, a late Level II
//! refused with its window; a claim dispute numbered at filing (DSP-01) and the state-portal
//! tickets that name it or not (DSP-02, DSP-04); the due list per team at `now`.

mod common;

use common::{at, d, facility, plan};

use accord_cases::{Action, AppealOutcome, ClockState, Event, Phase};
use accord_core::{ErrorCode, Money};
use accord_plan::Plan;
use accord_service::cases::{self, DueSelection, ListFilter};
use accord_service::{ServiceError, um};
use accord_store::cases::CASE;
use accord_store::{ReceivedFile, Store, StoredClaim};
use accord_um::case::{ReviewerDecision, Status};
use accord_um::request::RequestForm;
use accord_um::{Role, StaffUser};
use serde_json::json;

const CLAIM: &str = "202603020000001";

async fn seeded() -> Store {
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let t = at("2026-01-01T12:00:00Z");
    let mut uow = store.begin("test", "seed", t).await.expect("uow");
    common::seed_member_and_facility(&mut uow).await;
    uow.record_received_file(&ReceivedFile {
        sender: "CH".into(),
        interchange_control: "1".into(),
        file_name: "batch.837".into(),
        received_at: "2026-03-02T15:00:00.000000000Z".into(),
        claims: 1,
    })
    .await
    .unwrap();
    uow.insert_claims(&[StoredClaim {
        tracking: CLAIM.into(),
        sender: "CH".into(),
        interchange_control: "1".into(),
        patient_control: "PCN-1".into(),
        member_id: Some("M1001".into()),
        billing_npi: Some(facility().to_string()),
        total_charge: Money::from_cents(12_550),
        status: "accepted".into(),
        reasons: json!([]),
        claim: Some("{}".into()),
        received_at: "2026-03-02T15:00:00.000000000Z".into(),
    }])
    .await
    .unwrap();
    uow.commit().await.unwrap();
    let u = |id: &str, role, boss: Option<&str>| StaffUser {
        user_id: id.into(),
        name: id.into(),
        role,
        reports_to: boss.map(str::to_owned),
    };
    let staff = [
        u("md-lead", Role::Psychiatrist, None),
        u("md1", Role::Psychiatrist, Some("md-lead")),
        u("ccm1", Role::ClinicalCareManager, Some("md1")),
        u("appeals1", Role::AppealsReviewer, None),
    ];
    um::save_staff(&store, &staff, "admin", t).await.unwrap();
    store
}

/// A residential request beyond the criteria, denied by md1 on 2026-03-02 (Chicago).
async fn denied_request(store: &Store, plan: &Plan) -> String {
    let form: RequestForm = serde_json::from_value(json!({
        "member_id": "M1001", "requesting_npi": facility().to_string(),
        "services": [{"code": "H0047", "modifiers": ["HF"], "units": 30}],
        "start_date": "2026-03-02", "end_date": "2026-03-31", "diagnoses": ["F10.20"],
        "clinical": {"risk": {}, "substance_use": "alcohol", "medical": "none",
            "treatment_plan": "residential", "discharge_plan": "IOP", "asam_level": "3.7"}
    }))
    .unwrap();
    let c = um::submit(store, plan, &form, at("2026-03-01T15:00:00Z"), "provider")
        .await
        .unwrap();
    assert_eq!(c.status, Status::InReview);
    let deny = ReviewerDecision {
        units: vec![0],
        through: None,
        reasons: vec!["criteria for 3.7 not met".into()],
        criteria_set: None,
    };
    let c = um::decide(
        store,
        plan,
        &c.request.id,
        "md1",
        &deny,
        at("2026-03-02T16:00:00Z"),
    )
    .await
    .unwrap();
    assert_eq!(c.status, Status::Denied);
    c.request.id
}

fn event(at_: &str, actor: &str, action: Action) -> Event {
    Event::new(at(at_), actor, action)
}

fn assign(at_: &str, reviewer: &str) -> Event {
    event(
        at_,
        "appeals-intake",
        Action::AssignReviewer {
            reviewer: reviewer.into(),
        },
    )
}

fn rule_of(e: &ServiceError) -> Option<&'static str> {
    match e {
        ServiceError::Case(c) => c.rule(),
        _ => None,
    }
}

#[tokio::test]
async fn apl_03_appeal_of_a_um_denial_is_prefilled_and_refuses_the_decider_and_subordinates() {
    let store = seeded().await;
    let plan = plan();
    let request = denied_request(&store, &plan).await;

    // Filed by the request number alone: the rest comes from the decision.
    let draft = json!({"subject": {"authorization": request}, "filing": {"kind": "appeal"}});
    let filed = cases::file(
        &store,
        &plan,
        &draft,
        at("2026-03-05T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    let id = filed.record.id.clone();
    assert_eq!(id, "APL-2026-000001");
    let accord_cases::Filing::Appeal(f) = &filed.record.filing.filing else {
        panic!("an appeal");
    };
    assert_eq!(f.decided_by, ["md1"]);
    assert_eq!(f.appealed_notice, d("2026-03-02"));
    assert_eq!(
        serde_json::to_value(f.track).unwrap(),
        json!("standard"),
        "a non-urgent prospective denial"
    );
    assert_eq!(
        filed
            .record
            .filing
            .parties
            .member
            .as_ref()
            .unwrap()
            .as_str(),
        "M1001"
    );
    // APL-04: the provider may not bill the member while it is open.
    assert!(
        cases::member_billing_blocked(&store, &plan, &request, at("2026-03-06T15:00:00Z"))
            .await
            .unwrap()
    );

    // APL-03: not the decision-maker, not someone who reports to them; nothing is written.
    let e = cases::act(&store, &plan, &id, &assign("2026-03-05T16:00:00Z", "md1"))
        .await
        .unwrap_err();
    assert_eq!(rule_of(&e), Some("APL-03"));
    assert_eq!(ErrorCode::from(&e), ErrorCode::RuleViolation);
    let e = cases::act(&store, &plan, &id, &assign("2026-03-05T16:00:00Z", "ccm1"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("ccm1 → md1"), "{e}");
    let e = cases::act(
        &store,
        &plan,
        &id,
        &assign("2026-03-05T16:00:00Z", "nobody"),
    )
    .await
    .unwrap_err();
    assert_eq!(ErrorCode::from(&e), ErrorCode::InvalidInput);
    assert_eq!(store.case(&id).await.unwrap().unwrap().revision, 1);

    // The decider's manager is independent; the appeal is overturned.
    let v = cases::act(
        &store,
        &plan,
        &id,
        &assign("2026-03-05T16:00:00Z", "md-lead"),
    )
    .await
    .unwrap();
    assert_eq!(v.status.phase, Phase::UnderReview);
    let v = cases::act(
        &store,
        &plan,
        &id,
        &event(
            "2026-03-06T16:00:00Z",
            "md-lead",
            Action::Decide {
                outcome: AppealOutcome::Overturned,
            },
        ),
    )
    .await
    .unwrap();
    assert!(v.status.is_closed());
    let row = store.case(&id).await.unwrap().unwrap();
    assert_eq!((row.phase.as_str(), row.revision), ("closed", 3));
    let actions: Vec<String> = store
        .events_for(CASE, &id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["case_filed", "assign_reviewer", "decide"]);
    // Read back whole.
    assert_eq!(
        cases::show(&store, &plan, &id, at("2026-03-06T16:00:00Z"))
            .await
            .unwrap(),
        v
    );

    // QM-04: the UM report counts the overturn.
    let rows = um::report(&store, &plan, d("2026-03-01"), d("2026-03-31"))
        .await
        .unwrap();
    let all = rows.iter().find(|r| r.group == "all").unwrap();
    assert_eq!((all.denied, all.overturned_on_appeal), (1, 1));
    // Overturned in full: no Level II window, the member may be billed as usual again.
    assert!(
        !cases::member_billing_blocked(&store, &plan, &request, at("2026-03-07T15:00:00Z"))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn apl_01_level_two_takes_the_level_one_decision_and_a_late_one_is_refused() {
    let store = seeded().await;
    let plan = plan();
    let request = denied_request(&store, &plan).await;
    let draft = json!({"subject": {"authorization": request}, "filing": {"kind": "appeal"}});
    let one = cases::file(
        &store,
        &plan,
        &draft,
        at("2026-03-05T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap()
    .record
    .id;
    cases::act(
        &store,
        &plan,
        &one,
        &assign("2026-03-05T16:00:00Z", "md-lead"),
    )
    .await
    .unwrap();
    cases::act(
        &store,
        &plan,
        &one,
        &event(
            "2026-03-10T16:00:00Z",
            "md-lead",
            Action::Decide {
                outcome: AppealOutcome::Upheld,
            },
        ),
    )
    .await
    .unwrap();
    let level_two = json!({
        "subject": {"authorization": request},
        "filing": {"kind": "appeal", "level": "two"}
    });
    // 2026-03-10 + 90 = 2026-06-08; on 2026-06-20 it is too late, and nothing is stored.
    let e = cases::file(
        &store,
        &plan,
        &level_two,
        at("2026-06-20T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap_err();
    assert_eq!(rule_of(&e), Some("APL-01"));
    assert!(
        e.to_string()
            .contains("within 90 calendar days of the Level I decision on 2026-03-10 (by 2026-06-08); today is 2026-06-20"),
        "{e}"
    );
    assert_eq!(store.cases(&[]).await.unwrap().len(), 1);
    // In time: the Level I reviewer joins the decision-makers the reviewer may not be.
    let two = cases::file(
        &store,
        &plan,
        &level_two,
        at("2026-04-01T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    assert_eq!(two.record.id, "APL-2026-000002");
    let accord_cases::Filing::Appeal(f) = &two.record.filing.filing else {
        panic!("an appeal");
    };
    assert_eq!(f.decided_by, ["md1", "md-lead"]);
    assert_eq!(f.appealed_notice, d("2026-03-10"));
    let e = cases::act(
        &store,
        &plan,
        &two.record.id,
        &assign("2026-04-01T16:00:00Z", "md-lead"),
    )
    .await
    .unwrap_err();
    assert_eq!(rule_of(&e), Some("APL-03"));

    // A request not on file is not found (the file gives no notice date or decision-maker).
    let e = cases::file(
        &store,
        &plan,
        &json!({"subject": {"authorization": "UM-2026-000099"}, "filing": {"kind": "appeal"}}),
        at("2026-04-01T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap_err();
    assert_eq!(ErrorCode::from(&e), ErrorCode::NotFound);
    assert!(e.to_string().starts_with("subject.authorization:"), "{e}");
}

#[tokio::test]
async fn dsp_01_dispute_is_numbered_at_filing_and_dsp_04_tickets_close_with_their_reason() {
    let store = seeded().await;
    let plan = plan();
    let dispute = cases::file(
        &store,
        &plan,
        &json!({
            "parties": {"provider": facility().to_string()},
            "subject": {"claim": CLAIM},
            "filing": {"kind": "claim_dispute"}
        }),
        at("2026-03-10T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    let number = dispute.record.id.clone();
    assert_eq!(number, "DSP-2026-000001");
    let accord_cases::Filing::ClaimDispute(f) = &dispute.record.filing.filing else {
        panic!("a dispute");
    };
    assert_eq!(
        f.tracking_number, number,
        "the tracking number is the case number"
    );
    assert_eq!(dispute.status.windows[0].rule, "DSP-02");
    assert_eq!(dispute.status.clocks[0].rule, "DSP-01");

    // A claim not on file is not found.
    let e = cases::file(
        &store,
        &plan,
        &json!({"subject": {"claim": "999"}, "filing": {"kind": "claim_dispute"}}),
        at("2026-03-10T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap_err();
    assert_eq!(ErrorCode::from(&e), ErrorCode::NotFound);

    let ticket = |tracking: Option<&str>| {
        json!({
            "parties": {"provider": facility().to_string()},
            "subject": {"claim": CLAIM},
            "filing": {"kind": "portal_ticket", "registered": true, "plan_tracking_number": tracking}
        })
    };
    // DSP-04: without the plan's tracking number it is closed at once, and stays closed.
    let closed = cases::file(
        &store,
        &plan,
        &ticket(None),
        at("2026-04-12T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    assert_eq!(closed.record.id, "TKT-2026-000001");
    let closure = closed.status.closure.as_ref().unwrap();
    assert_eq!(closure.rule, Some("DSP-04"));
    assert!(closure.detail.contains("tracking number is required"));
    // Letters: the dispute's acknowledgment names its number and its DSP-01 due date; the closed
    // ticket's decision letter names the rule and the reason; an open case has no decision letter.
    use accord_service::letters::{LetterKind, letter};
    let tz = plan.time_zone();
    let ack = letter(&dispute, LetterKind::Acknowledgment, &plan.config.name, tz).unwrap();
    assert!(
        ack.contains(&dispute.record.id)
            && ack.contains("DSP-01")
            && ack.contains("What happens next"),
        "{ack}"
    );
    assert!(letter(&dispute, LetterKind::Decision, &plan.config.name, tz).is_none());
    let decision = letter(&closed, LetterKind::Decision, &plan.config.name, tz).unwrap();
    assert!(
        decision.contains("DSP-04") && decision.contains("tracking number is required"),
        "{decision}"
    );
    let e = cases::act(
        &store,
        &plan,
        &closed.record.id,
        &event(
            "2026-04-13T15:00:00Z",
            "provider",
            Action::Resolve {
                claim: Default::default(),
                amount: None,
            },
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(rule_of(&e), Some("DSP-04"));
    // With the dispute's number, 33 days after it was submitted: open, the plan's dispute found.
    let open = cases::file(
        &store,
        &plan,
        &ticket(Some(&number)),
        at("2026-04-12T15:00:00Z"),
        "provider",
    )
    .await
    .unwrap();
    assert!(!open.status.is_closed(), "{:?}", open.status.closure);
    let accord_cases::Filing::PortalTicket(t) = &open.record.filing.filing else {
        panic!("a ticket");
    };
    assert_eq!(
        t.internal_dispute.as_ref().unwrap().submitted,
        at("2026-03-10T15:00:00Z")
    );
    let about = cases::list(
        &store,
        &plan,
        &ListFilter {
            subject: Some(CLAIM.into()),
            open: true,
        },
        at("2026-04-12T16:00:00Z"),
    )
    .await
    .unwrap();
    let ids: Vec<&str> = about.iter().map(|v| v.record.id.as_str()).collect();
    assert_eq!(
        ids,
        [number.as_str(), "TKT-2026-000002"],
        "the closed ticket is left out"
    );
}

#[tokio::test]
async fn due_list_is_per_team_with_what_is_overdue_at_now() {
    let store = seeded().await;
    let plan = plan();
    // CMP-03: identified 2026-03-02 09:00 Chicago, not yet reported.
    cases::file(
        &store,
        &plan,
        &json!({"parties": {"filed_by": "plan"}, "subject": {"provider": facility().to_string()},
            "filing": {"kind": "quality_of_care", "identified": "2026-03-02T15:00:00Z"}}),
        at("2026-03-02T16:00:00Z"),
        "quality",
    )
    .await
    .unwrap();
    // CMP-02: resolution due in 30 calendar days.
    cases::file(
        &store,
        &plan,
        &json!({"parties": {"filed_by": "member", "member": "M1001"},
            "filing": {"kind": "general_complaint"}}),
        at("2026-03-02T16:00:00Z"),
        "member-services",
    )
    .await
    .unwrap();
    // 2026-03-03 12:00 Chicago: the report is due today (at 09:00) — overdue by then.
    let now = at("2026-03-03T18:00:00Z");
    let list = cases::due(&store, &plan, now, DueSelection::Today, None)
        .await
        .unwrap();
    assert_eq!((list.overdue, list.due_today, list.not_listed), (1, 0, 1));
    assert_eq!(list.groups.len(), 1);
    assert_eq!(list.groups[0].owner, "quality");
    assert_eq!(list.groups[0].items[0].clock.rule, "CMP-03");
    assert_eq!(list.groups[0].items[0].clock.state, ClockState::Overdue);
    // Every open clock, per team; one team only.
    let all = cases::due(&store, &plan, now, DueSelection::All, None)
        .await
        .unwrap();
    let owners: Vec<&str> = all.groups.iter().map(|g| g.owner.as_str()).collect();
    assert_eq!(owners, ["provider_relations", "quality"]);
    let team = cases::due(
        &store,
        &plan,
        now,
        DueSelection::All,
        Some("provider_relations"),
    )
    .await
    .unwrap();
    assert_eq!(team.groups.len(), 1);
    assert!(
        cases::due(&store, &plan, now, DueSelection::Overdue, Some("claims"))
            .await
            .unwrap()
            .groups
            .is_empty()
    );
    let e = cases::due(&store, &plan, now, DueSelection::All, Some("janitors"))
        .await
        .unwrap_err();
    assert_eq!(ErrorCode::from(&e), ErrorCode::InvalidInput);
    assert!(e.to_string().starts_with("team: \"janitors\""), "{e}");
}

#[tokio::test]
async fn bad_filings_name_the_field_and_store_nothing() {
    let store = seeded().await;
    let plan = plan();
    let t = at("2026-03-02T16:00:00Z");
    for (draft, starts) in [
        (json!([1, 2]), "a case filing is a JSON object"),
        (json!({"filing": {}}), "filing.kind: missing"),
        (json!({"filng": {}}), "filng: unknown field"),
        (
            json!({"filing": {"kind": "quality_of_care", "identified": "yesterday"}}),
            "filing:",
        ),
        (
            json!({"parties": {"member": "!!"}, "filing": {"kind": "general_complaint"}}),
            "parties:",
        ),
        (
            json!({"filing": {"kind": "agreement_complaint", "event_date": "2026-03-01"}}),
            "invalid input: subject.contract_term",
        ),
    ] {
        let e = cases::file(&store, &plan, &draft, t, "x")
            .await
            .unwrap_err();
        assert_eq!(ErrorCode::from(&e), ErrorCode::InvalidInput, "{e}");
        assert!(e.to_string().starts_with(starts), "{e}");
    }
    assert!(store.cases(&[]).await.unwrap().is_empty());
    let e = cases::show(&store, &plan, "APL-2026-000404", t)
        .await
        .unwrap_err();
    assert_eq!(ErrorCode::from(&e), ErrorCode::NotFound);
}
