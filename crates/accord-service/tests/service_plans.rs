//! Service plans through the service layer and a real (in-memory) store: the documented example
//! file, an addendum by end-date and new line (SP-02), review (SP-04, SP-05), a reassessment
//! (SP-03), and refusals that change nothing.

use std::path::Path;

use accord_core::member::{Member, Sex};
use accord_core::{Date, ErrorCode, MemberId, Units};
use accord_plan::Plan;
use accord_service::ServiceError;
use accord_service::service_plans::{PlanActor, change, create, list_for_member, load, reassess};
use accord_service_plan::{
    Command, DocumentStatus, LineChange, LineState, NewNote, NewPlan, NoteKind, PlanStatus, Policy,
};
use accord_store::Store;

const EXAMPLE: &str = include_str!("../../../docs/examples/service-plan.json");

fn d(s: &str) -> Date {
    s.parse().expect("date")
}

fn policy() -> Policy {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/demo-illinois-bh");
    Policy::from_plan(&Plan::load(Path::new(dir)).expect("demo plan"))
}

fn who(today: &str) -> PlanActor {
    PlanActor {
        actor: "cm.jones".into(),
        reason: String::new(),
        today: d(today),
        at: "2026-01-05T15:00:00Z".parse().expect("timestamp"),
    }
}

async fn store_with_member() -> Store {
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let mut uow = store
        .begin("test", "member", who("2026-01-05").at)
        .await
        .expect("uow");
    uow.insert_members(&[Member {
        member_id: MemberId::parse("M0002").expect("member"),
        first_name: "Bo".into(),
        last_name: "Li".into(),
        birth_date: d("1980-01-01"),
        sex: Sex::M,
        zip: "62701".into(),
        family_size: None,
        annual_income: None,
        sud_consent: false,
    }])
    .await
    .expect("insert");
    uow.commit().await.expect("commit");
    store
}

fn note(kind: NoteKind) -> Command {
    Command::AddNote(NewNote {
        kind,
        author: "sup.lee".into(),
        text: "Reviewed the plan with the case manager.".into(),
    })
}

#[tokio::test]
async fn sp_example_plan_is_created_reviewed_amended_and_reassessed() {
    let store = store_with_member().await;
    let policy = policy();
    let new = NewPlan::from_json(EXAMPLE).expect("example");
    let created = create(&store, &policy, &new, &who("2026-01-05"))
        .await
        .expect("create");
    let id = created.plan.id.to_string();
    assert_eq!(id, "SP-2026-0001");

    // SP-04: the UCAT is in progress and there is no supervisor note; nothing is saved.
    let err = change(
        &store,
        &policy,
        &id,
        &Command::Submit { priority: false },
        &who("2026-01-05"),
    )
    .await
    .unwrap_err();
    assert_eq!(ErrorCode::from(&err), ErrorCode::RuleViolation);
    assert!(err.to_string().contains("UCAT (in progress)"), "{err}");
    assert_eq!(load(&store, &id).await.unwrap().revision, 1);

    for cmd in [
        note(NoteKind::SupervisorReview),
        Command::SetDocument {
            name: "UCAT".into(),
            status: DocumentStatus::Complete,
        },
        Command::Submit { priority: false },
        Command::Authorize {
            by: "msu.reviewer".into(),
        },
    ] {
        change(&store, &policy, &id, &cmd, &who("2026-01-06"))
            .await
            .expect("step");
    }
    let plan = load(&store, &id).await.unwrap();
    assert_eq!(plan.status, PlanStatus::Authorized);

    // SP-02: an increase is end-date + new line, one revision, one event.
    let a = change(
        &store,
        &policy,
        &id,
        &Command::ChangeLine {
            line: 1,
            change: LineChange {
                effective: d("2026-04-01"),
                units: Some(Units::whole(60).unwrap()),
                frequency: None,
                provider: None,
                end: None,
            },
        },
        &who("2026-03-20"),
    )
    .await
    .expect("change");
    assert_eq!(a.plan.status, PlanStatus::Amending);
    let plan = load(&store, &id).await.unwrap();
    assert_eq!(plan.line(1).unwrap().end, d("2026-03-31"));
    assert_eq!(plan.line(4).unwrap().state, LineState::Planned);
    let events = store.events_for("service_plan", &id).await.unwrap();
    let last = events.last().unwrap();
    assert_eq!(last.action, "line_changed");
    assert_eq!(last.actor, "cm.jones");
    assert!(
        last.reason.contains("line 1 end-dated 2026-03-31"),
        "{}",
        last.reason
    );
    assert_eq!(
        events.len(),
        6,
        "created, note, document, submitted, authorized, changed"
    );

    // SP-03: a reassessment is a new plan after this year; a second one is refused.
    let mut next = new.clone();
    next.id = None;
    next.plan_begin = d("2027-01-01");
    next.plan_end = d("2027-12-31");
    next.lines.truncate(1);
    next.lines[0].begin = d("2027-01-01");
    next.lines[0].end = d("2027-12-31");
    let r = reassess(&store, &policy, &id, &next, &who("2026-11-20"))
        .await
        .expect("reassess");
    assert_eq!(r.plan.id.as_str(), "SP-000002");
    assert_eq!(r.plan.predecessor.as_ref().unwrap().as_str(), id);
    let err = reassess(&store, &policy, &id, &next, &who("2026-11-20"))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("already reassessed by plan SP-000002"),
        "{err}"
    );
    let all = list_for_member(&store, &MemberId::parse("M0002").unwrap())
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id.as_str(), id);
}

#[tokio::test]
async fn unknown_member_and_plan_are_not_found() {
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let new = NewPlan::from_json(EXAMPLE).expect("example");
    let err = create(&store, &policy(), &new, &who("2026-01-05"))
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err}");
    assert!(err.to_string().contains("import the member first"), "{err}");
    let err = load(&store, "SP-404").await.unwrap_err();
    assert_eq!(ErrorCode::from(&err), ErrorCode::NotFound);
}
