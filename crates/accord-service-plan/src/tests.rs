//! One test per rule (named after it), the refusal messages people read, and properties over
//! random command sequences.

use accord_core::{Date, ErrorCode, MemberId, Modifier, Npi, ProcedureCode, Units};
use jiff::civil::date;

use crate::*;

fn code(s: &str) -> ProcedureCode {
    ProcedureCode::parse(s).unwrap()
}

fn npi(n: u32) -> Npi {
    Npi::from_first_nine(n)
}

fn units(n: u32) -> Units {
    Units::whole(n).unwrap()
}

fn policy() -> Policy {
    Policy::new([code("H0047")], [code("H2011"), code("H0047")])
}

fn line(service: &str, n: u32, frequency: Frequency, begin: Date, end: Date) -> NewLine {
    NewLine {
        service: code(service),
        modifiers: vec![Modifier::parse("HE").unwrap()],
        provider: npi(123_456_789),
        units: units(n),
        frequency,
        begin,
        end,
    }
}

const TODAY: Date = date(2026, 1, 5);

fn new_plan(lines: Vec<NewLine>) -> NewPlan {
    NewPlan {
        id: None,
        member: MemberId::parse("M0002").unwrap(),
        plan_begin: date(2026, 1, 1),
        plan_end: date(2026, 12, 31),
        lines,
        notes: vec![],
        documents: vec![("UCAT".into(), DocumentStatus::Complete)],
    }
}

fn draft() -> ServicePlan {
    create(
        PlanId::parse("SP-1").unwrap(),
        &new_plan(vec![
            line(
                "H2015",
                40,
                Frequency::Week,
                date(2026, 1, 1),
                date(2026, 12, 31),
            ),
            line(
                "T1016",
                8,
                Frequency::Month,
                date(2026, 1, 1),
                date(2026, 12, 31),
            ),
        ]),
        &policy(),
        TODAY,
    )
    .unwrap()
    .plan
}

fn run(plan: &ServicePlan, cmd: Command) -> Result<ServicePlan, Refusal> {
    apply(plan, &cmd, &policy(), TODAY).map(|a| a.plan)
}

fn note(kind: NoteKind) -> Command {
    Command::AddNote(NewNote {
        kind,
        author: "supervisor".into(),
        text: "reviewed with the case manager".into(),
    })
}

/// A draft taken through review to authorized.
fn authorized() -> ServicePlan {
    let p = run(&draft(), note(NoteKind::SupervisorReview)).unwrap();
    let p = run(&p, Command::Submit { priority: false }).unwrap();
    run(
        &p,
        Command::Authorize {
            by: "msu.reviewer".into(),
        },
    )
    .unwrap()
}

#[test]
fn sp_01_plan_lines_have_dates_inside_the_plan_year_in_order() {
    let p = draft();
    assert_eq!(p.status, PlanStatus::Draft);
    assert_eq!(p.lines.len(), 2);
    assert_eq!(p.lines[1].number, 2);
    let before = run(
        &p,
        Command::AddLine(line(
            "H2017",
            4,
            Frequency::Week,
            date(2025, 12, 1),
            date(2026, 3, 1),
        )),
    )
    .unwrap_err();
    assert_eq!(before.rule(), Some("SP-01"));
    assert!(
        before
            .to_string()
            .contains("before the plan year begins on 2026-01-01; begin it on or after 2026-01-01"),
        "{before}"
    );
    let backwards = run(
        &p,
        Command::AddLine(line(
            "H2017",
            4,
            Frequency::Week,
            date(2026, 3, 1),
            date(2026, 2, 1),
        )),
    )
    .unwrap_err();
    assert!(matches!(backwards, Refusal::LineEndsBeforeBegin { .. }));
    // Units > 0 is the type's rule: zero never gets this far.
    assert!(Units::whole(0).is_err());
}

#[test]
fn sp_01_plan_year_is_one_year_at_most_and_in_order() {
    let mut n = new_plan(vec![]);
    n.plan_end = date(2027, 1, 1);
    let e = create(PlanId::parse("SP-2").unwrap(), &n, &policy(), TODAY).unwrap_err();
    assert!(e.to_string().contains("end it by 2026-12-31"), "{e}");
    n.plan_end = date(2025, 12, 31);
    let e = create(PlanId::parse("SP-2").unwrap(), &n, &policy(), TODAY).unwrap_err();
    assert_eq!(e.rule(), Some("SP-01"));
    // An empty plan is kept as a draft, but never goes to review.
    n.plan_end = date(2026, 12, 31);
    let p = create(PlanId::parse("SP-2").unwrap(), &n, &policy(), TODAY)
        .unwrap()
        .plan;
    let p = run(&p, note(NoteKind::SupervisorReview)).unwrap();
    let e = run(&p, Command::Submit { priority: false }).unwrap_err();
    assert!(matches!(e, Refusal::NoLines { .. }), "{e}");
}

#[test]
fn sp_02_authorized_line_is_never_edited_in_place() {
    let p = authorized();
    assert_eq!(p.status, PlanStatus::Authorized);
    assert!(p.lines.iter().all(|l| l.state == LineState::Authorized));
    let e = run(
        &p,
        Command::EditLine {
            line: 1,
            edit: LineEdit {
                units: Some(units(60)),
                ..LineEdit::default()
            },
        },
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "SP-02: line 1 (H2015 HE, 40 units per week) is authorized and cannot be edited; \
         end-date it on 2026-01-04 and add a new line beginning 2026-01-05 with the new units, \
         frequency or provider (change-line does both in one step)"
    );
    assert_eq!(ErrorCode::from(&e), ErrorCode::RuleViolation);
    let e = run(&p, Command::RemoveLine { line: 1 }).unwrap_err();
    assert!(matches!(e, Refusal::AuthorizedLineRemoved { .. }), "{e}");
    // A line not yet authorized is edited in place.
    let d = run(
        &draft(),
        Command::EditLine {
            line: 1,
            edit: LineEdit {
                units: Some(units(60)),
                ..LineEdit::default()
            },
        },
    )
    .unwrap();
    assert_eq!(d.lines[0].units, units(60));
}

#[test]
fn sp_02_increase_is_end_date_and_new_line_in_one_step() {
    let p = authorized();
    let a = apply(
        &p,
        &Command::ChangeLine {
            line: 1,
            change: LineChange {
                effective: date(2026, 4, 1),
                units: Some(units(60)),
                frequency: None,
                provider: None,
                end: None,
            },
        },
        &policy(),
        TODAY,
    )
    .unwrap();
    let q = a.plan;
    assert_eq!(q.status, PlanStatus::Amending);
    let old = q.line(1).unwrap();
    assert_eq!(old.end, date(2026, 3, 31));
    assert_eq!(old.units, units(40), "the authorized units never change");
    assert_eq!(old.state, LineState::Authorized);
    assert_eq!(old.end_dated.unwrap().previous_end, date(2026, 12, 31));
    let new = q.line(3).unwrap();
    assert_eq!(
        (new.begin, new.end, new.units, new.replaces, new.state),
        (
            date(2026, 4, 1),
            date(2026, 12, 31),
            units(60),
            Some(1),
            LineState::Planned
        )
    );
    assert_eq!(a.change.action, "line_changed");
    assert_eq!(a.change.lines, [1, 3]);
    // A change on the line's first day would erase it: refused, with the earliest date.
    let e = run(
        &p,
        Command::ChangeLine {
            line: 1,
            change: LineChange {
                effective: date(2026, 1, 1),
                units: Some(units(60)),
                frequency: None,
                provider: None,
                end: None,
            },
        },
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("from 2026-01-02 at the earliest"),
        "{e}"
    );
    // Adding the same service again instead of changing it is the commonest error.
    let e = run(
        &p,
        Command::AddLine(line(
            "H2015",
            60,
            Frequency::Week,
            date(2026, 4, 1),
            date(2026, 12, 31),
        )),
    )
    .unwrap_err();
    assert_eq!(e.rule(), Some("SP-02"));
    assert!(e.to_string().contains("overlaps line 1"), "{e}");
}

#[test]
fn sp_02_authorized_end_date_only_moves_earlier() {
    let p = authorized();
    let q = run(
        &p,
        Command::EndLine {
            line: 2,
            end: date(2026, 6, 30),
        },
    )
    .unwrap();
    assert_eq!(q.line(2).unwrap().end, date(2026, 6, 30));
    assert_eq!(q.status, PlanStatus::Amending);
    let e = run(
        &q,
        Command::EndLine {
            line: 2,
            end: date(2026, 9, 30),
        },
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("add a new line beginning 2026-07-01"),
        "{e}"
    );
}

#[test]
fn sp_03_addenda_stay_within_the_current_plan_year() {
    let p = authorized();
    let e = run(
        &p,
        Command::AddLine(line(
            "H2017",
            4,
            Frequency::Week,
            date(2026, 6, 1),
            date(2027, 5, 31),
        )),
    )
    .unwrap_err();
    assert_eq!(e.rule(), Some("SP-03"));
    assert!(
        e.to_string()
            .contains("end it on 2026-12-31 and plan the rest in a reassessment plan"),
        "{e}"
    );
    // After the plan year, no addendum at all.
    let e = apply(
        &p,
        &Command::AddLine(line(
            "H2017",
            4,
            Frequency::Week,
            date(2026, 6, 1),
            date(2026, 6, 30),
        )),
        &policy(),
        date(2027, 1, 2),
    )
    .unwrap_err();
    assert!(matches!(e, Refusal::PlanYearOver { .. }), "{e}");
}

#[test]
fn sp_03_reassessment_is_a_new_plan_with_its_own_dates() {
    let p = authorized();
    let mut next = new_plan(vec![line(
        "H2015",
        30,
        Frequency::Week,
        date(2027, 1, 1),
        date(2027, 12, 31),
    )]);
    next.plan_begin = date(2027, 1, 1);
    next.plan_end = date(2027, 12, 31);
    let a = reassess(&p, PlanId::parse("SP-3").unwrap(), &next, &policy(), TODAY).unwrap();
    assert_eq!(a.plan.predecessor, Some(p.id.clone()));
    assert_eq!(a.plan.status, PlanStatus::Draft);
    assert_eq!(a.change.action, "reassessment_created");
    // Overlapping the current year would merge next year's services into it.
    next.plan_begin = date(2026, 7, 1);
    next.plan_end = date(2027, 6, 30);
    let e = reassess(&p, PlanId::parse("SP-3").unwrap(), &next, &policy(), TODAY).unwrap_err();
    assert_eq!(e.rule(), Some("SP-03"));
    next.plan_begin = date(2027, 1, 1);
    next.plan_end = date(2027, 12, 31);
    next.member = MemberId::parse("M0001").unwrap();
    let e = reassess(&p, PlanId::parse("SP-3").unwrap(), &next, &policy(), TODAY).unwrap_err();
    assert!(matches!(e, Refusal::ReassessmentMember { .. }), "{e}");
}

#[test]
fn sp_04_review_needs_supervisor_note_and_every_document_complete() {
    let p = run(
        &draft(),
        Command::SetDocument {
            name: "Nurse Evaluation".into(),
            status: DocumentStatus::InProgress,
        },
    )
    .unwrap();
    let e = run(&p, Command::Submit { priority: false }).unwrap_err();
    assert_eq!(e.rule(), Some("SP-04"));
    let text = e.to_string();
    assert!(text.contains("no supervisor-review note"), "{text}");
    assert!(
        text.contains("not Complete: Nurse Evaluation (in progress)"),
        "{text}"
    );
    assert!(!text.contains("UCAT"), "{text}");
    let p = run(&p, note(NoteKind::SupervisorReview)).unwrap();
    let e = run(&p, Command::Submit { priority: false }).unwrap_err();
    assert!(!e.to_string().contains("supervisor"), "{e}");
    let p = run(
        &p,
        Command::SetDocument {
            name: "nurse evaluation".into(),
            status: DocumentStatus::Complete,
        },
    )
    .unwrap();
    let p = run(&p, Command::Submit { priority: false }).unwrap();
    assert_eq!(p.status, PlanStatus::InReview);
    // A document reopened during review stops the authorization too.
    let reopened = run(
        &p,
        Command::SetDocument {
            name: "UCAT".into(),
            status: DocumentStatus::InProgress,
        },
    )
    .unwrap();
    let e = run(&reopened, Command::Authorize { by: "msu".into() }).unwrap_err();
    assert_eq!(e.rule(), Some("SP-04"));
}

#[test]
fn sp_04_last_reviews_supervisor_note_does_not_clear_an_addendum() {
    let p = authorized();
    let q = run(
        &p,
        Command::EndLine {
            line: 2,
            end: date(2026, 6, 30),
        },
    )
    .unwrap();
    let e = run(&q, Command::Submit { priority: false }).unwrap_err();
    assert!(
        e.to_string().contains("since the plan was last authorized"),
        "{e}"
    );
    let q = run(&q, note(NoteKind::SupervisorReview)).unwrap();
    assert!(run(&q, Command::Submit { priority: false }).is_ok());
}

#[test]
fn sp_05_priority_needs_a_justification_note() {
    let p = run(&draft(), note(NoteKind::SupervisorReview)).unwrap();
    let e = run(&p, Command::Submit { priority: true }).unwrap_err();
    assert_eq!(e.rule(), Some("SP-05"));
    assert!(
        e.to_string()
            .contains("Add a priority-justification note saying why, or submit without priority"),
        "{e}"
    );
    let q = run(&p, note(NoteKind::PriorityJustification)).unwrap();
    let q = run(&q, Command::Submit { priority: true }).unwrap();
    assert!(q.priority);
    assert_eq!(q.status, PlanStatus::InReview);
}

#[test]
fn sp_05_listed_services_need_no_justification() {
    let mut n = new_plan(vec![line(
        "H2011",
        8,
        Frequency::CalendarDay,
        date(2026, 1, 1),
        date(2026, 1, 31),
    )]);
    n.notes.push(NewNote {
        kind: NoteKind::SupervisorReview,
        author: "sup".into(),
        text: "ok".into(),
    });
    let p = create(PlanId::parse("SP-9").unwrap(), &n, &policy(), TODAY)
        .unwrap()
        .plan;
    assert!(run(&p, Command::Submit { priority: true }).is_ok());
    // One service that is not exempt needs the note, and the refusal says which.
    let q = run(
        &p,
        Command::AddLine(line(
            "H2017",
            4,
            Frequency::Week,
            date(2026, 1, 1),
            date(2026, 1, 31),
        )),
    )
    .unwrap();
    let e = run(&q, Command::Submit { priority: true }).unwrap_err();
    assert!(
        e.to_string().contains("line 2 (H2017) is not exempt"),
        "{e}"
    );
}

#[test]
fn sp_06_per_diem_is_one_unit_per_calendar_day() {
    let p = draft();
    let mut l = line(
        "H0047",
        7,
        Frequency::Week,
        date(2026, 2, 1),
        date(2026, 2, 28),
    );
    let e = run(&p, Command::AddLine(l.clone())).unwrap_err();
    assert_eq!(
        e.to_string(),
        "SP-06: H0047 HE is a per-diem service: plan it as 1 unit per calendar day, not 7 units per week"
    );
    l.units = units(1);
    let e = run(&p, Command::AddLine(l.clone())).unwrap_err();
    assert_eq!(e.rule(), Some("SP-06"));
    l.frequency = Frequency::CalendarDay;
    assert!(run(&p, Command::AddLine(l)).is_ok());
}

#[test]
fn review_states_refuse_what_does_not_fit() {
    let p = run(&draft(), note(NoteKind::SupervisorReview)).unwrap();
    let r = run(&p, Command::Submit { priority: false }).unwrap();
    let e = run(
        &r,
        Command::AddLine(line(
            "H2017",
            4,
            Frequency::Week,
            date(2026, 2, 1),
            date(2026, 2, 28),
        )),
    )
    .unwrap_err();
    assert_eq!(ErrorCode::from(&e), ErrorCode::Conflict);
    assert!(
        e.to_string().contains("ask the reviewer to return it"),
        "{e}"
    );
    let back = run(
        &r,
        Command::Return {
            by: "msu".into(),
            reason: "UCAT date missing".into(),
        },
    )
    .unwrap();
    assert_eq!(back.status, PlanStatus::Draft);
    assert!(
        back.notes
            .last()
            .unwrap()
            .text
            .contains("UCAT date missing")
    );
    let e = run(&draft(), Command::Authorize { by: "msu".into() }).unwrap_err();
    assert!(e.to_string().contains("submit it first"), "{e}");
    let e = run(&draft(), Command::RemoveLine { line: 9 }).unwrap_err();
    assert_eq!(
        e.to_string(),
        "plan SP-1 has no line 9 (its lines are 1, 2)"
    );
    assert_eq!(ErrorCode::from(&e), ErrorCode::NotFound);
}

#[test]
fn a_plan_round_trips_through_json() {
    let p = authorized();
    let json = serde_json::to_string(&p).unwrap();
    let back: ServicePlan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
    assert!(p.show().contains("H2015 HE"));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn day() -> impl Strategy<Value = Date> {
        // A little beyond the plan year on both sides, so refusals are exercised too.
        (-20i32..400).prop_map(|d| {
            date(2026, 1, 1)
                .checked_add(jiff::Span::new().days(d))
                .unwrap()
        })
    }

    fn command() -> impl Strategy<Value = Command> {
        let service = prop_oneof![Just("H2015"), Just("H0047"), Just("T1016")];
        let freq = prop_oneof![
            Just(Frequency::CalendarDay),
            Just(Frequency::Week),
            Just(Frequency::Month)
        ];
        let new_line =
            (service, 1u32..50, freq, day(), day()).prop_map(|(s, u, f, b, e)| line(s, u, f, b, e));
        prop_oneof![
            new_line.prop_map(Command::AddLine),
            (1u32..6, 1u32..50, day()).prop_map(|(l, u, e)| Command::ChangeLine {
                line: l,
                change: LineChange {
                    effective: e,
                    units: Some(units(u)),
                    frequency: None,
                    provider: None,
                    end: None,
                },
            }),
            (1u32..6, 1u32..50, day(), day()).prop_map(|(l, u, b, e)| Command::EditLine {
                line: l,
                edit: LineEdit {
                    units: Some(units(u)),
                    begin: Some(b),
                    end: Some(e),
                    ..LineEdit::default()
                },
            }),
            (1u32..6, day()).prop_map(|(l, e)| Command::EndLine { line: l, end: e }),
            (1u32..6).prop_map(|l| Command::RemoveLine { line: l }),
            Just(note(NoteKind::SupervisorReview)),
            Just(note(NoteKind::PriorityJustification)),
            any::<bool>().prop_map(|priority| Command::Submit { priority }),
            Just(Command::Authorize { by: "msu".into() }),
            Just(Command::Return {
                by: "msu".into(),
                reason: "fix".into()
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// SP-01/SP-03: every line stays inside the plan year, begin ≤ end; SP-02: an authorized
        /// line's service, provider, units, frequency and begin never change and its end only
        /// moves earlier; SP-06: per-diem lines are 1 unit per calendar day.
        #[test]
        fn any_command_sequence_keeps_the_rules(
            from_authorized in any::<bool>(),
            cmds in proptest::collection::vec((command(), day()), 1..40)
        ) {
            let mut plan = if from_authorized { authorized() } else { draft() };
            for (cmd, today) in cmds {
                let Ok(a) = apply(&plan, &cmd, &policy(), today) else { continue };
                let next = a.plan;
                prop_assert_eq!(next.revision, plan.revision + 1);
                for l in &next.lines {
                    prop_assert!(l.begin <= l.end);
                    prop_assert!(next.plan_begin <= l.begin && l.end <= next.plan_end);
                    if l.service == code("H0047") {
                        prop_assert_eq!(l.units, units(1));
                        prop_assert_eq!(l.frequency, Frequency::CalendarDay);
                    }
                }
                for old in plan.lines.iter().filter(|l| l.state == LineState::Authorized) {
                    let Some(now) = next.line(old.number) else {
                        return Err(TestCaseError::fail("an authorized line disappeared"));
                    };
                    prop_assert_eq!(&now.service, &old.service);
                    prop_assert_eq!(&now.provider, &old.provider);
                    prop_assert_eq!(now.units, old.units);
                    prop_assert_eq!(now.frequency, old.frequency);
                    prop_assert_eq!(now.begin, old.begin);
                    prop_assert!(now.end <= old.end);
                    prop_assert_eq!(now.state, LineState::Authorized);
                }
                prop_assert_eq!((next.plan_begin, next.plan_end), (plan.plan_begin, plan.plan_end));
                plan = next;
            }
        }
    }
}
