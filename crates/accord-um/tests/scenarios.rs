//! One scenario per UM rule on the demo plan, named by rule ID.

use std::path::Path;

use accord_core::member::{EligibilitySpan, Program};
use accord_core::provider::Standing;
use accord_core::{Date, MemberId, Npi, ProcedureCode};
use accord_plan::Plan;
use accord_um::case::{
    self, Context, PeerToPeer, ReviewerDecision, Status, appeal_hand_off, decide, receive,
    reconsideration_deadline, record_peer_to_peer, request_reconsideration,
};
use accord_um::notice::{adverse_notice, phone_notice, render_html};
use accord_um::request::{RequestForm, ReviewType};
use accord_um::{Refusal, Role, StaffUser, UmCase, UmFacts, Urgency, emergency, metrics, queue};
use jiff::Timestamp;
use jiff::civil::date;
use std::sync::OnceLock;

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| {
        Plan::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../plans/demo-illinois-bh"))
            .expect("demo plan loads")
    })
}

fn cx() -> Context<'static> {
    Context::of(plan())
}

fn local(y: i16, m: i8, d: i8, h: i8) -> Timestamp {
    date(y, m, d)
        .at(h, 0, 0, 0)
        .to_zoned(plan().time_zone().clone())
        .unwrap()
        .timestamp()
}

fn npi() -> Npi {
    Npi::from_first_nine(123_456_789)
}

fn spans(start: Date) -> Vec<EligibilitySpan> {
    vec![EligibilitySpan {
        member_id: MemberId::parse("M100001").unwrap(),
        plan_code: plan().config.plan_code.clone(),
        program: Program::Medicaid,
        start,
        end: None,
    }]
}

fn good() -> Standing {
    Standing {
        may_receive_authorizations: true,
        claims_payable: true,
        reasons: Vec::new(),
    }
}

/// A complete residential request meeting ASAM 3.5 for 14 days.
fn residential() -> serde_json::Value {
    serde_json::json!({
        "member_id": "M100001",
        "requesting_npi": npi().to_string(),
        "services": [{"code": "H0047", "modifiers": ["HF"], "units": 14}],
        "start_date": "2026-03-02", "end_date": "2026-03-15",
        "diagnoses": ["F10.20"],
        "clinical": {
            "risk": {"ideation": false},
            "substance_use": "alcohol daily; last use 2026-02-28; withdrawal tremor",
            "medical": "hypertension, treated",
            "treatment_plan": "14 days residential, then intensive outpatient",
            "discharge_plan": "step down to IOP at the same agency",
            "asam_level": "3.5"
        }
    })
}

struct Run {
    spans: Vec<EligibilitySpan>,
    standing: Option<Standing>,
    used: Vec<(ProcedureCode, u32)>,
    sessions: Vec<Date>,
    in_course: bool,
    auth_ends: Option<Date>,
    received: Timestamp,
}

impl Default for Run {
    fn default() -> Self {
        Run {
            spans: spans(date(2025, 1, 1)),
            standing: Some(good()),
            used: Vec::new(),
            sessions: Vec::new(),
            in_course: false,
            auth_ends: None,
            received: local(2026, 3, 1, 9),
        }
    }
}

impl Run {
    fn receive(&self, form: serde_json::Value) -> UmCase {
        let form: RequestForm = serde_json::from_value(form).unwrap();
        let req = form
            .parse("UM-T-1", self.received, |c, m| {
                plan()
                    .services
                    .iter()
                    .find(|s| &s.code == c && s.modifiers.matches(m))
                    .map(|s| s.level_of_care.clone())
            })
            .unwrap();
        let facts = UmFacts {
            plan: plan(),
            spans: &self.spans,
            servicing: self.standing.as_ref(),
            units_used_this_year: &self.used,
            sessions_with_provider: &self.sessions,
            in_course_of_treatment: self.in_course,
        };
        receive(cx(), req, &facts, self.auth_ends).unwrap()
    }
}

fn user(id: &str, role: Role) -> StaffUser {
    StaffUser {
        user_id: id.into(),
        name: format!("Dr. {id}"),
        role,
        reports_to: None,
    }
}

fn deny(reason: &str) -> ReviewerDecision {
    ReviewerDecision {
        units: vec![0],
        through: None,
        reasons: vec![reason.into()],
        criteria_set: None,
    }
}

/// A residential request asking for more than the rules approve: goes to review.
fn in_review() -> UmCase {
    let mut f = residential();
    f["services"][0]["units"] = 30.into();
    f["end_date"] = "2026-03-31".into();
    let c = Run::default().receive(f);
    assert_eq!(c.status, Status::InReview, "{:?}", c.screening);
    c
}

#[test]
fn um_10_complete_request_meeting_criteria_is_approved_at_once() {
    let c = Run::default().receive(residential());
    assert_eq!(c.status, Status::Approved, "{:#?}", c.screening.trace);
    let d = c.decision.as_ref().unwrap();
    assert_eq!(d.by.user_id, "rules");
    assert_eq!(d.approved[0].units, 14);
    assert_eq!(
        (d.from, d.to),
        (Some(date(2026, 3, 2)), Some(date(2026, 3, 15)))
    );
    assert!(d.criteria_set.as_deref().unwrap().contains("ASAM"));
    assert!(d.within_clock);
}

#[test]
fn um_10_over_the_ceiling_or_outside_the_level_goes_to_a_care_manager() {
    let c = in_review();
    let why = format!("{:?}", c.screening.outcome);
    assert!(
        why.contains("asks for 30 units; the rules approve up to 14"),
        "{why}"
    );
    assert!(
        why.contains("30 days asked for; the rules approve up to 14"),
        "{why}"
    );
    let mut f = residential();
    f["clinical"]["asam_level"] = "2.1".into();
    let c = Run::default().receive(f);
    assert_eq!(c.status, Status::InReview);
    let mut f = residential();
    f["clinical"]["risk"] = serde_json::json!({"ideation": true, "plan": true});
    let c = Run::default().receive(f);
    assert!(format!("{:?}", c.screening.outcome).contains("imminent risk"));
}

#[test]
fn um_03_no_eligibility_pends_unless_emergency() {
    let run = Run {
        spans: spans(date(2026, 4, 1)),
        ..Run::default()
    };
    let c = run.receive(residential());
    assert_eq!(c.status, Status::PendingEligibility);
    assert!(c.decision.is_none());
    let mut f = residential();
    f["emergency"] = true.into();
    let c = run.receive(f);
    assert_eq!(c.status, Status::Approved);
}

#[test]
fn um_03_incomplete_request_is_returned_with_what_is_missing() {
    let mut f = residential();
    f["diagnoses"] = serde_json::json!([]);
    f["clinical"]["discharge_plan"] = serde_json::Value::Null;
    let c = Run::default().receive(f);
    assert_eq!(c.status, Status::ReturnedIncomplete);
    let missing = &c.decision.as_ref().unwrap().reasons;
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].starts_with("diagnoses"));
    assert!(missing[1].starts_with("clinical.discharge_plan"));
}

#[test]
fn um_01_and_um_12_not_required_tells_the_provider_the_rule() {
    let mut f = residential();
    f["services"] = serde_json::json!([{"code": "H2011", "modifiers": ["HE"], "units": 8}]);
    f["level_of_care"] = "crisis".into();
    let c = Run::default().receive(f);
    assert_eq!(c.status, Status::NotRequired);
    let why = &c.decision.as_ref().unwrap().reasons[0];
    assert!(
        why.contains("no authorization needed by plan policy"),
        "{why}"
    );
    assert!(
        why.contains("Crisis intervention never needs authorization"),
        "{why}"
    );
    assert_eq!(c.screening.trace.last().unwrap().rule, "UM-12");
}

#[test]
fn um_01_threshold_units_need_no_authorization_until_used_up() {
    let mut f = residential();
    f["services"] = serde_json::json!([{"code": "H2015", "modifiers": ["HE"], "units": 50}]);
    f["level_of_care"] = "community_support".into();
    f["clinical"] =
        serde_json::json!({"functioning": "x", "treatment_plan": "y", "locus_level": 3});
    let c = Run {
        used: vec![(ProcedureCode::parse("H2015").unwrap(), 100)],
        ..Run::default()
    }
    .receive(f.clone());
    assert_eq!(c.status, Status::NotRequired);
    let c = Run {
        used: vec![(ProcedureCode::parse("H2015").unwrap(), 180)],
        ..Run::default()
    }
    .receive(f);
    assert_eq!(c.status, Status::Approved, "{:#?}", c.screening.trace);
}

#[test]
fn um_09_initial_encounters_need_no_authorization() {
    let f = serde_json::json!({
        "member_id": "M100001", "requesting_npi": npi().to_string(),
        "services": [{"code": "90837", "units": 2}],
        "start_date": "2026-03-02", "end_date": "2026-03-31", "diagnoses": ["F32.1"],
        "clinical": {"functioning": "x", "treatment_plan": "y", "locus_level": 2}
    });
    let run = Run {
        sessions: vec![date(2026, 2, 20), date(2026, 2, 10), date(2026, 2, 1)],
        ..Run::default()
    };
    let c = run.receive(f.clone());
    assert_eq!(c.status, Status::NotRequired);
    assert!(c.decision.unwrap().reasons[0].contains("initial encounters 4 to 5 of 6"));
    let mut g = f;
    g["services"][0]["units"] = 8.into();
    assert_eq!(run.receive(g).status, Status::Approved);
}

#[test]
fn elig_03_transition_of_care_needs_no_authorization() {
    let c = Run {
        spans: spans(date(2026, 2, 1)),
        in_course: true,
        ..Run::default()
    }
    .receive(residential());
    assert_eq!(c.status, Status::NotRequired);
    assert_eq!(
        c.screening
            .trace
            .iter()
            .find(|n| n.check == "grid")
            .unwrap()
            .rule,
        "ELIG-03"
    );
}

#[test]
fn net_05_suspended_provider_gets_no_new_authorization() {
    let c = Run {
        standing: Some(Standing {
            may_receive_authorizations: false,
            claims_payable: false,
            reasons: vec!["suspended 2026-02-20 to 2026-03-20 (NET-05)".into()],
        }),
        ..Run::default()
    }
    .receive(residential());
    assert_eq!(c.status, Status::ProviderIneligible);
    assert!(c.decision.unwrap().reasons[0].contains("suspended"));
}

#[test]
fn um_11_retrospective_without_the_benefit_is_administratively_denied() {
    let mut f = residential();
    f["review_type"] = "retrospective".into();
    let c = Run::default().receive(f);
    assert_eq!(c.status, Status::AdministrativelyDenied);
    let n = adverse_notice(cx(), &c).unwrap();
    assert!(n.member_held_harmless);
    assert!(n.appeal_rights.contains("one level of appeal"));
}

#[test]
fn um_05_a_non_psychiatrist_denial_is_refused() {
    let c = in_review();
    let ccm = user("ccm1", Role::ClinicalCareManager);
    let e = decide(
        cx(),
        &c,
        &ccm,
        &deny("does not meet 3.5"),
        local(2026, 3, 2, 10),
    )
    .unwrap_err();
    assert!(matches!(e, Refusal::NotAuthorized(_)));
    assert!(e.to_string().contains("only a psychiatrist"), "{e}");
    // A reduction is a denial of the rest: refused too.
    let partial = ReviewerDecision {
        units: vec![14],
        through: Some(date(2026, 3, 15)),
        reasons: vec!["14 days meet criteria".into()],
        criteria_set: None,
    };
    assert!(decide(cx(), &c, &ccm, &partial, local(2026, 3, 2, 10)).is_err());
    // Approving in full is the care manager's to do.
    let full = ReviewerDecision {
        units: vec![30],
        through: None,
        reasons: vec![],
        criteria_set: None,
    };
    assert_eq!(
        decide(cx(), &c, &ccm, &full, local(2026, 3, 2, 10))
            .unwrap()
            .status,
        Status::Approved
    );
    // A claims examiner decides nothing.
    assert!(
        decide(
            cx(),
            &c,
            &user("ex1", Role::ClaimsExaminer),
            &full,
            local(2026, 3, 2, 10)
        )
        .is_err()
    );
    // The psychiatrist may reduce and deny.
    let md = user("md1", Role::Psychiatrist);
    assert_eq!(
        decide(cx(), &c, &md, &partial, local(2026, 3, 2, 10))
            .unwrap()
            .status,
        Status::PartiallyApproved
    );
    assert_eq!(
        decide(cx(), &c, &md, &deny("x"), local(2026, 3, 2, 10))
            .unwrap()
            .status,
        Status::Denied
    );
}

#[test]
fn um_05_a_doctoral_psychologist_denies_only_the_levels_the_plan_names() {
    let psy = user("psy1", Role::DoctoralPsychologist);
    let c = in_review(); // residential: not in psychologist_may_deny
    assert!(decide(cx(), &c, &psy, &deny("x"), local(2026, 3, 2, 10)).is_err());
    let f = serde_json::json!({
        "member_id": "M100001", "requesting_npi": npi().to_string(),
        "services": [{"code": "90837", "units": 30}],
        "start_date": "2026-03-02", "end_date": "2026-05-30", "diagnoses": ["F32.1"],
        "clinical": {"functioning": "x", "treatment_plan": "y", "locus_level": 2}
    });
    let c = Run::default().receive(f);
    assert_eq!(c.status, Status::InReview);
    assert_eq!(
        decide(cx(), &c, &psy, &deny("x"), local(2026, 3, 2, 10))
            .unwrap()
            .status,
        Status::Denied
    );
}

#[test]
fn um_05_a_denial_needs_specific_reasons() {
    let md = user("md1", Role::Psychiatrist);
    let e = decide(cx(), &in_review(), &md, &deny(" "), local(2026, 3, 2, 10)).unwrap_err();
    assert!(e.to_string().contains("UM-06a"));
}

#[test]
fn um_06_notice_has_every_element_and_a_printable_letter() {
    let mut f = residential();
    f["services"][0]["units"] = 30.into();
    f["end_date"] = "2026-03-31".into();
    f["urgency"] = "urgent".into();
    let c = Run::default().receive(f);
    let md = user("md1", Role::Psychiatrist);
    let partial = ReviewerDecision {
        units: vec![14],
        through: Some(date(2026, 3, 15)),
        reasons: vec![
            "Withdrawal is managed; ASAM dimension scores support 3.5 for 14 days, not 30.".into(),
        ],
        criteria_set: None,
    };
    let c = decide(cx(), &c, &md, &partial, local(2026, 3, 1, 15)).unwrap();
    let c = case::record_phone_notice(
        &c,
        phone_notice(local(2026, 3, 1, 15), "md1", "admitting nurse"),
    )
    .unwrap();
    let n = adverse_notice(cx(), &c).unwrap();
    assert_eq!(n.reasons.len(), 1);
    assert!(
        n.criteria_statement
            .contains("ASAM Criteria levels 3.5 and 3.7")
    );
    // 2026-03-01 is a Sunday: three business days later is Wednesday the 4th.
    assert_eq!(n.reconsideration_by, Some(date(2026, 3, 4)));
    assert!(n.expedited_appeal);
    assert_eq!(n.appeal_methods.len(), 3);
    assert_eq!(n.appeal_by, date(2026, 8, 28));
    assert!(n.external_review.is_some());
    assert!(n.erisa.is_none(), "Medicaid: no ERISA");
    assert!(n.phone_notice.is_some());
    insta::assert_snapshot!("um_06_partial_approval_letter", render_html(&n));
}

#[test]
fn um_06_reconsideration_within_three_business_days_without_peer_to_peer() {
    let md = user("md1", Role::Psychiatrist);
    let c = decide(
        cx(),
        &in_review(),
        &md,
        &deny("not 3.5"),
        local(2026, 3, 6, 10),
    )
    .unwrap();
    // Friday the 6th: three business days is Wednesday the 11th.
    assert_eq!(reconsideration_deadline(cx(), &c), Some(date(2026, 3, 11)));
    let late = request_reconsideration(cx(), &c, local(2026, 3, 12, 9)).unwrap_err();
    assert!(
        late.to_string()
            .contains("by 2026-03-11; today is 2026-03-12"),
        "{late}"
    );
    let again = request_reconsideration(cx(), &c, local(2026, 3, 9, 9)).unwrap();
    assert_eq!(again.status, Status::InReview);
    assert!(again.clock.due > local(2026, 3, 9, 9));
    // After a peer-to-peer the route is an appeal.
    let held = record_peer_to_peer(
        &c,
        PeerToPeer {
            offered_at: local(2026, 3, 5, 9),
            held_at: Some(local(2026, 3, 5, 14)),
            reviewer: "md1".into(),
            outcome: "denial upheld".into(),
        },
        "md1",
    );
    assert!(reconsideration_deadline(cx(), &held).is_none());
    let handoff = appeal_hand_off(&held).unwrap();
    assert_eq!(handoff.decided_by, "md1");
    assert_eq!(handoff.request_id, "UM-T-1");
}

#[test]
fn um_07_late_emergency_notification_is_flagged() {
    // Admitted Friday 2026-11-27 (a plan holiday) at 22:00: next business day is Monday the 30th.
    let n = emergency::notify(
        cx(),
        "EN-1",
        MemberId::parse("M100001").unwrap(),
        npi(),
        "residential",
        local(2026, 11, 27, 22),
        local(2026, 11, 30, 17),
    )
    .unwrap();
    assert!(!n.late);
    assert_eq!(
        n.due.to_zoned(plan().time_zone().clone()).date(),
        date(2026, 11, 30)
    );
    let n = emergency::notify(
        cx(),
        "EN-2",
        MemberId::parse("M100001").unwrap(),
        npi(),
        "residential",
        local(2026, 11, 24, 22),
        local(2026, 11, 26, 9),
    )
    .unwrap();
    assert!(n.late, "due end of Wednesday the 25th");
    assert!(n.explanation.contains("came late"));
}

#[test]
fn um_08_late_concurrent_review_is_flagged_and_runs_the_late_clock() {
    let mut f = residential();
    f["review_type"] = "concurrent".into();
    f["urgency"] = "urgent".into();
    f["extends_authorization"] = "AUTH-1".into();
    let run = Run {
        auth_ends: Some(date(2026, 3, 1)),
        received: local(2026, 3, 1, 9),
        ..Run::default()
    };
    let c = run.receive(f.clone());
    assert!(c.late_concurrent);
    assert_eq!(c.clock.rule, accord_um::ClockRule::ConcurrentUrgentLate);
    let early = Run {
        auth_ends: Some(date(2026, 3, 5)),
        ..run
    }
    .receive(f);
    assert!(!early.late_concurrent);
    assert_eq!(
        early.clock.rule,
        accord_um::ClockRule::ConcurrentUrgentEarly
    );
}

#[test]
fn um_02_queue_orders_by_due_and_shows_overdue() {
    let mut urgent = in_review();
    urgent.request.id = "UM-T-U".into();
    urgent.clock.due = local(2026, 3, 2, 9);
    let standard = in_review();
    let q = queue::work_queue([&standard, &urgent], local(2026, 3, 3, 9));
    assert_eq!(q[0].request_id, "UM-T-U");
    assert!(q[0].overdue);
    assert_eq!(queue::human(q[0].time_left), "overdue 1 d 0 h");
    assert!(!q[1].overdue);
}

#[test]
fn qm_04_report_counts_timeliness_and_rates() {
    let md = user("md1", Role::Psychiatrist);
    let auto = Run::default().receive(residential());
    let denied_late = decide(cx(), &in_review(), &md, &deny("x"), local(2026, 3, 20, 9)).unwrap();
    let mut f = residential();
    f["urgency"] = "urgent".into();
    let urgent = Run::default().receive(f);
    let rows = metrics::um_report(
        [&auto, &denied_late, &urgent],
        date(2026, 3, 1),
        date(2026, 3, 31),
        plan().time_zone(),
        |id| id == "UM-T-1",
    );
    let all = rows.iter().find(|r| r.group == "all").unwrap();
    assert_eq!(
        (all.decided, all.within_clock, all.approved, all.denied),
        (3, 2, 2, 1)
    );
    assert_eq!(all.within_clock_percent.to_string(), "66.67");
    assert_eq!(all.overturned_on_appeal, 1);
    let std = rows
        .iter()
        .find(|r| r.group == "prospective standard")
        .unwrap();
    assert_eq!(std.decided, 2);
    assert!(metrics::to_csv(&rows).starts_with("group,decided,within_clock"));
    assert_eq!(urgent.request.urgency, Urgency::Urgent);
    assert_eq!(urgent.request.review_type, ReviewType::Prospective);
}
