//! One test (or more) per rule ID, with dates across weekends, federal and plan holidays,
//! daylight-saving changes and year ends.

mod common;

use accord_cases::*;
use accord_core::Money;
use common::{at, d, with_ctx};

fn new(filing: Filing) -> NewCase {
    NewCase {
        parties: Parties::default(),
        subject: Subject {
            claim: Some("C26001".into()),
            authorization: Some("A-1".into()),
            provider: None,
            contract_term: Some("§4.2 rates".into()),
        },
        filing,
    }
}

fn ev(s: &str, action: Action) -> Event {
    Event::new(at(s), "staff", action)
}

fn appeal(level: AppealLevel, track: AppealTrack, notice: &str) -> Filing {
    Filing::Appeal(AppealFiling {
        level,
        track,
        nature: AppealNature::Clinical,
        appealed_notice: d(notice),
        decided_by: vec!["dr-a".into()],
        specialty: None,
    })
}

fn due_date(case: &Case, kind: ClockKind, ctx: &CaseContext<'_>) -> String {
    ctx.local_date(case.clock(kind).and_then(|c| c.due).expect("clock due"))
        .to_string()
}

fn refusal(r: Result<Case, CaseError>) -> String {
    r.expect_err("refused").to_string()
}

// ---------------------------------------------------------------- APL

#[test]
fn apl_01_level_one_within_180_calendar_days_of_the_notice() {
    with_ctx(&[], |ctx| {
        let f = new(appeal(
            AppealLevel::One,
            AppealTrack::Standard,
            "2026-01-05",
        ));
        // 2026-01-05 + 180 = 2026-07-04 (a Saturday and a holiday: calendar days count anyway).
        Case::file(&f, at("2026-07-04T23:59"), ctx).unwrap();
        assert_eq!(
            refusal(Case::file(&f, at("2026-07-05T00:00"), ctx)),
            "APL-01: Level I appeal must be filed within 180 calendar days of the notice of the \
             adverse determination on 2026-01-05 (by 2026-07-04); today is 2026-07-05"
        );
    });
}

#[test]
fn apl_01_level_two_within_90_calendar_days_of_the_level_one_decision() {
    with_ctx(&[], |ctx| {
        let f = new(appeal(
            AppealLevel::Two,
            AppealTrack::Standard,
            "2026-01-05",
        ));
        // The local day decides, not UTC: 23:30 Chicago on the last day is 05:30Z the day after.
        Case::file(&f, at("2026-04-05T23:30"), ctx).unwrap();
        assert_eq!(
            refusal(Case::file(&f, at("2026-04-20T09:00"), ctx)),
            "APL-01: Level II appeal must be filed within 90 calendar days of the Level I \
             decision on 2026-01-05 (by 2026-04-05); today is 2026-04-20"
        );
    });
}

#[test]
fn apl_02_decision_clocks_expedited_standard_retrospective() {
    with_ctx(&[], |ctx| {
        // Expedited: 72 elapsed hours across the spring-forward change (2026-03-08).
        let c = Case::file(
            &new(appeal(
                AppealLevel::One,
                AppealTrack::Expedited,
                "2026-03-05",
            )),
            at("2026-03-06T12:00"),
            ctx,
        )
        .unwrap();
        assert_eq!(
            c.clock(ClockKind::AppealDecision).unwrap().due,
            Some(at("2026-03-09T13:00"))
        );
        // Standard: 15 calendar days across the year end and New Year's Day.
        let c = Case::file(
            &new(appeal(
                AppealLevel::One,
                AppealTrack::Standard,
                "2026-12-01",
            )),
            at("2026-12-17T10:00"),
            ctx,
        )
        .unwrap();
        assert_eq!(due_date(&c, ClockKind::AppealDecision, ctx), "2027-01-01");
        // Retrospective: 30 calendar days.
        let c = Case::file(
            &new(appeal(
                AppealLevel::One,
                AppealTrack::Retrospective,
                "2026-01-02",
            )),
            at("2026-01-02T16:00"),
            ctx,
        )
        .unwrap();
        assert_eq!(due_date(&c, ClockKind::AppealDecision, ctx), "2026-02-01");
    });
}

#[test]
fn apl_02_no_extension_for_appeals() {
    with_ctx(&[], |ctx| {
        let mut c = Case::file(
            &new(appeal(
                AppealLevel::One,
                AppealTrack::Standard,
                "2026-03-01",
            )),
            at("2026-03-02T09:00"),
            ctx,
        )
        .unwrap();
        let before = c.clock(ClockKind::AppealDecision).unwrap().due;
        // Asking for information does not stop the clock…
        c.apply(
            &ev(
                "2026-03-03T09:00",
                Action::RequestInformation {
                    what: "records".into(),
                },
            ),
            ctx,
        )
        .unwrap();
        assert_eq!(c.clock(ClockKind::AppealDecision).unwrap().due, before);
        // …and no extension is allowed, not even for missing information.
        let e = c
            .apply(
                &ev(
                    "2026-03-04T09:00",
                    Action::Extend {
                        for_member_benefit: true,
                        reason: "records missing".into(),
                    },
                ),
                ctx,
            )
            .unwrap_err();
        assert_eq!(e.rule(), Some("APL-02"));
        assert!(e.to_string().contains("by 2026-03-17"), "{e}");
        assert_eq!(c.clock(ClockKind::AppealDecision).unwrap().due, before);
    });
}

#[test]
fn apl_02_only_level_one_is_expedited_and_retrospective_has_one_level() {
    with_ctx(&[], |ctx| {
        let e = Case::file(
            &new(appeal(
                AppealLevel::Two,
                AppealTrack::Expedited,
                "2026-03-01",
            )),
            at("2026-03-02T09:00"),
            ctx,
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("APL-02: only a Level I appeal can be expedited")
        );
        let e = Case::file(
            &new(appeal(
                AppealLevel::Two,
                AppealTrack::Retrospective,
                "2026-03-01",
            )),
            at("2026-03-02T09:00"),
            ctx,
        )
        .unwrap_err();
        assert!(e.to_string().contains("one level only"), "{e}");
    });
}

#[test]
fn apl_02_expedited_verbal_notice_within_one_calendar_day() {
    with_ctx(&[], |ctx| {
        let mut c = Case::file(
            &new(appeal(
                AppealLevel::One,
                AppealTrack::Expedited,
                "2026-03-05",
            )),
            at("2026-03-06T12:00"),
            ctx,
        )
        .unwrap();
        c.apply(
            &ev(
                "2026-03-06T13:00",
                Action::AssignReviewer {
                    reviewer: "dr-c".into(),
                },
            ),
            ctx,
        )
        .unwrap();
        c.apply(
            &ev(
                "2026-03-07T22:00",
                Action::Decide {
                    outcome: AppealOutcome::Upheld,
                },
            ),
            ctx,
        )
        .unwrap();
        assert_eq!(c.phase, Phase::AwaitingVerbalNotice);
        assert_eq!(
            due_date(&c, ClockKind::AppealVerbalNotice, ctx),
            "2026-03-08"
        );
        let s = c.status(at("2026-03-09T08:00"), ctx).unwrap();
        assert_eq!(s.overdue().count(), 1);
        assert_eq!(s.overdue().next().unwrap().rule, "APL-02");
        c.apply(&ev("2026-03-09T08:30", Action::VerbalNoticeGiven), ctx)
            .unwrap();
        assert!(c.is_closed());
    });
}

fn staff() -> StaffDirectory {
    let mut s = StaffDirectory::default();
    let m = |to: Option<&str>| StaffMember {
        reports_to: to.map(str::to_owned),
        specialties: vec!["psychiatry".into()],
    };
    s.insert("director", m(None));
    s.insert("dr-a", m(Some("director")));
    s.insert("dr-b", m(Some("dr-a")));
    s.insert("dr-c", m(Some("director")));
    s
}

#[test]
fn apl_03_reviewer_is_not_the_decider_nor_their_subordinate() {
    with_ctx(&[], |ctx| {
        let mut c = Case::file(
            &new(appeal(
                AppealLevel::One,
                AppealTrack::Standard,
                "2026-03-01",
            )),
            at("2026-03-02T09:00"),
            ctx,
        )
        .unwrap();
        let assign = |who: &str| {
            ev(
                "2026-03-02T10:00",
                Action::AssignReviewer {
                    reviewer: who.into(),
                },
            )
        };
        let e = c.act(&assign("dr-a"), ctx, &staff()).unwrap_err();
        assert_eq!(e.rule(), Some("APL-03"));
        let e = c.act(&assign("dr-b"), ctx, &staff()).unwrap_err();
        assert!(e.to_string().contains("dr-b reports to dr-a"), "{e}");
        // Deciding without an independent reviewer is refused too.
        let e = c
            .apply(
                &ev(
                    "2026-03-02T11:00",
                    Action::Decide {
                        outcome: AppealOutcome::Overturned,
                    },
                ),
                ctx,
            )
            .unwrap_err();
        assert_eq!(e.rule(), Some("APL-03"));
        c.act(&assign("dr-c"), ctx, &staff()).unwrap();
        assert_eq!(c.phase, Phase::UnderReview);
    });
}

#[test]
fn apl_04_provider_may_not_bill_the_member_while_an_appeal_is_open() {
    with_ctx(&[], |ctx| {
        let f = new(appeal(
            AppealLevel::One,
            AppealTrack::Standard,
            "2026-03-01",
        ));
        let mut c = Case::file(&f, at("2026-03-02T09:00"), ctx).unwrap();
        let now = at("2026-03-03T09:00");
        assert!(
            c.status(now, ctx)
                .unwrap()
                .flags
                .contains(&Flag::NoMemberBilling)
        );
        assert!(member_billing_blocked("C26001", [&c], now, ctx).unwrap());
        assert!(!member_billing_blocked("C99999", [&c], now, ctx).unwrap());
        c.apply(
            &ev(
                "2026-03-03T10:00",
                Action::AssignReviewer {
                    reviewer: "dr-c".into(),
                },
            ),
            ctx,
        )
        .unwrap();
        c.apply(
            &ev(
                "2026-03-10T10:00",
                Action::Decide {
                    outcome: AppealOutcome::Upheld,
                },
            ),
            ctx,
        )
        .unwrap();
        // Upheld at Level I: a Level II appeal may still be filed until 2026-06-08, so the hold
        // stays until then.
        let s = c.status(at("2026-06-08T12:00"), ctx).unwrap();
        assert_eq!(s.windows[0].closes.to_string(), "2026-06-08");
        assert!(s.flags.contains(&Flag::NoMemberBilling));
        assert!(!member_billing_blocked("C26001", [&c], at("2026-06-09T12:00"), ctx).unwrap());
    });
}

#[test]
fn apl_05_administrative_appeal_is_resolved_before_the_clinical_request() {
    with_ctx(&[], |ctx| {
        let mut f = new(appeal(
            AppealLevel::One,
            AppealTrack::Standard,
            "2026-03-01",
        ));
        if let Filing::Appeal(a) = &mut f.filing {
            a.nature = AppealNature::Administrative;
        }
        let mut c = Case::file(&f, at("2026-03-02T09:00"), ctx).unwrap();
        let e = clinical_request_may_proceed("A-1", [&c]).unwrap_err();
        assert_eq!(e.rule(), Some("APL-05"));
        assert!(
            c.status(at("2026-03-02T10:00"), ctx)
                .unwrap()
                .flags
                .contains(&Flag::ClinicalRequestOnHold)
        );
        c.apply(
            &ev(
                "2026-03-03T10:00",
                Action::AssignReviewer {
                    reviewer: "vp".into(),
                },
            ),
            ctx,
        )
        .unwrap();
        // A clinical outcome is not one of the three administrative outcomes.
        let e = c
            .apply(
                &ev(
                    "2026-03-04T10:00",
                    Action::Decide {
                        outcome: AppealOutcome::PartlyOverturned,
                    },
                ),
                ctx,
            )
            .unwrap_err();
        assert_eq!(e.rule(), Some("APL-05"));
        let mut upheld = c.clone();
        upheld
            .apply(
                &ev(
                    "2026-03-04T10:00",
                    Action::Decide {
                        outcome: AppealOutcome::Upheld,
                    },
                ),
                ctx,
            )
            .unwrap();
        assert!(clinical_request_may_proceed("A-1", [&upheld]).is_err());
        for (outcome, expect) in [
            (
                AppealOutcome::OverturnedWithoutClinicalReview,
                ClinicalRequest::NoClinicalReviewNeeded,
            ),
            (
                AppealOutcome::OverturnedForClinicalReview,
                ClinicalRequest::ToClinicalReview,
            ),
        ] {
            let mut o = c.clone();
            o.apply(&ev("2026-03-04T10:00", Action::Decide { outcome }), ctx)
                .unwrap();
            clinical_request_may_proceed("A-1", [&o]).unwrap();
            let Detail::Appeal(a) = &o.detail else {
                panic!("appeal detail")
            };
            assert_eq!(a.clinical_request(), Some(expect));
        }
    });
}

// ---------------------------------------------------------------- CMP

#[test]
fn cmp_01_filing_within_10_business_days_counts_plan_holidays() {
    let f = new(Filing::AgreementComplaint {
        event_date: d("2026-11-25"),
    });
    // Federal calendar: Thanksgiving skipped → the 10th business day is 2026-12-10.
    with_ctx(&[], |ctx| {
        assert_eq!(
            refusal(Case::file(&f, at("2026-12-11T09:00"), ctx)),
            "CMP-01: A complaint about the provider agreement must be filed within 10 business \
             days of the event on 2026-11-25 (by 2026-12-10); today is 2026-12-11"
        );
    });
    // With the day after Thanksgiving as a plan holiday, the window runs a day longer.
    with_ctx(&[d("2026-11-27")], |ctx| {
        Case::file(&f, at("2026-12-11T09:00"), ctx).unwrap();
    });
}

#[test]
fn cmp_01_answer_clock_restarts_on_receipt_of_requested_documents() {
    with_ctx(&[], |ctx| {
        let f = new(Filing::AgreementComplaint {
            event_date: d("2026-03-02"),
        });
        let mut c = Case::file(&f, at("2026-03-04T09:00"), ctx).unwrap();
        // 30 business days from Wed 2026-03-04 (no holidays in between): 2026-04-15.
        assert_eq!(due_date(&c, ClockKind::ComplaintAnswer, ctx), "2026-04-15");
        c.apply(
            &ev(
                "2026-03-05T09:00",
                Action::RequestInformation {
                    what: "the agreement page".into(),
                },
            ),
            ctx,
        )
        .unwrap();
        assert_eq!(c.clock(ClockKind::ComplaintAnswer).unwrap().due, None);
        c.apply(&ev("2026-03-20T09:00", Action::InformationReceived), ctx)
            .unwrap();
        // Restarted from Fri 2026-03-20, Memorial Day (2026-05-25) skipped: 2026-05-01.
        assert_eq!(due_date(&c, ClockKind::ComplaintAnswer, ctx), "2026-05-01");
    });
}

#[test]
fn cmp_01_second_level_within_10_business_days_of_the_answer_or_the_case_closes() {
    with_ctx(&[], |ctx| {
        let f = new(Filing::AgreementComplaint {
            event_date: d("2026-06-29"),
        });
        let mut c = Case::file(&f, at("2026-06-30T09:00"), ctx).unwrap();
        c.apply(&ev("2026-07-02T15:00", Action::Answer), ctx)
            .unwrap();
        // Thu 2026-07-02 + 10 business days, Independence Day observed Fri 07-03: 2026-07-17.
        assert_eq!(
            due_date(&c, ClockKind::ComplaintSecondLevelWindow, ctx),
            "2026-07-17"
        );
        let mut lapsed = c.clone();
        let s = lapsed.status(at("2026-07-18T08:00"), ctx).unwrap();
        assert_eq!(
            s.closure.as_ref().unwrap().reason,
            ClosureReason::WindowLapsed
        );
        let e = lapsed
            .apply(&ev("2026-07-18T08:00", Action::FileSecondLevel), ctx)
            .unwrap_err();
        assert!(matches!(e, CaseError::Closed { .. }), "{e}");
        c.apply(&ev("2026-07-17T16:00", Action::FileSecondLevel), ctx)
            .unwrap();
        assert_eq!(c.phase, Phase::SecondLevel);
        assert_eq!(
            due_date(&c, ClockKind::ComplaintFinalAnswer, ctx),
            "2026-08-28"
        );
        c.apply(
            &ev(
                "2026-08-20T16:00",
                Action::Resolve {
                    claim: ClaimFollowUp::None,
                    amount: None,
                },
            ),
            ctx,
        )
        .unwrap();
        assert_eq!(c.closure.unwrap().rule, Some("CMP-01"));
    });
}

#[test]
fn cmp_01_second_level_without_an_answer_within_35_business_days() {
    with_ctx(&[], |ctx| {
        let f = new(Filing::AgreementComplaint {
            event_date: d("2026-03-02"),
        });
        let c = Case::file(&f, at("2026-03-04T09:00"), ctx).unwrap();
        // Not before the answer is late (due 2026-04-15).
        let e = c
            .clone()
            .apply(&ev("2026-04-10T09:00", Action::FileSecondLevel), ctx)
            .unwrap_err();
        assert!(e.to_string().contains("not due until 2026-04-15"), "{e}");
        // Late answer: allowed until 35 business days after filing (2026-04-22).
        c.clone()
            .apply(&ev("2026-04-22T09:00", Action::FileSecondLevel), ctx)
            .unwrap();
        let e = c
            .clone()
            .apply(&ev("2026-04-23T09:00", Action::FileSecondLevel), ctx)
            .unwrap_err();
        assert!(e.to_string().contains("(by 2026-04-22)"), "{e}");
    });
}

#[test]
fn cmp_02_one_extension_only_for_the_members_benefit() {
    with_ctx(&[], |ctx| {
        let mut c = Case::file(
            &new(Filing::GeneralComplaint {}),
            at("2026-12-10T09:00"),
            ctx,
        )
        .unwrap();
        assert_eq!(
            due_date(&c, ClockKind::ComplaintResolution, ctx),
            "2027-01-09"
        );
        let extend = |benefit: bool, when: &str| {
            ev(
                when,
                Action::Extend {
                    for_member_benefit: benefit,
                    reason: "waiting for the member's records".into(),
                },
            )
        };
        let e = c
            .apply(&extend(false, "2027-01-05T09:00"), ctx)
            .unwrap_err();
        assert!(
            e.to_string().contains("only for the member's benefit"),
            "{e}"
        );
        let e = c
            .clone()
            .apply(&extend(true, "2027-01-10T09:00"), ctx)
            .unwrap_err();
        assert!(e.to_string().contains("has passed"), "{e}");
        c.apply(&extend(true, "2027-01-05T09:00"), ctx).unwrap();
        assert_eq!(
            due_date(&c, ClockKind::ComplaintResolution, ctx),
            "2027-01-24"
        );
        let e = c.apply(&extend(true, "2027-01-06T09:00"), ctx).unwrap_err();
        assert!(e.to_string().contains("already taken on 2027-01-05"), "{e}");
    });
}

#[test]
fn cmp_03_quality_of_care_reported_within_24_elapsed_hours() {
    with_ctx(&[], |ctx| {
        // 24 hours across the fall-back change (2026-11-01): 12:00 CDT → 11:00 CST.
        let c = Case::file(
            &new(Filing::QualityOfCare {
                identified: at("2026-10-31T12:00"),
            }),
            at("2026-10-31T15:00"),
            ctx,
        )
        .unwrap();
        assert_eq!(
            c.clock(ClockKind::QualityOfCareReport).unwrap().due,
            Some(at("2026-11-01T17:00:00Z"))
        );
        let s = c.status(at("2026-11-01T11:30"), ctx).unwrap();
        assert_eq!(s.overdue().next().unwrap().rule, "CMP-03");
        let mut c = c;
        c.apply(&ev("2026-11-01T12:00", Action::Report), ctx)
            .unwrap();
        assert_eq!(c.closure.unwrap().reason, ClosureReason::Reported);
    });
}

// ---------------------------------------------------------------- DSP

fn dispute() -> Filing {
    Filing::ClaimDispute(DisputeFiling {
        tracking_number: "D-2026-0001".into(),
    })
}

#[test]
fn dsp_01_dispute_gets_a_tracking_number_and_30_days() {
    with_ctx(&[], |ctx| {
        let mut c = Case::file(&new(dispute()), at("2026-12-31T16:00"), ctx).unwrap();
        assert_eq!(
            due_date(&c, ClockKind::DisputeResolution, ctx),
            "2027-01-30"
        );
        let Detail::Dispute(s) = &c.detail else {
            panic!("dispute")
        };
        assert_eq!(s.tracking_number, "D-2026-0001");
        let blank = Filing::ClaimDispute(DisputeFiling {
            tracking_number: " ".into(),
        });
        assert!(Case::file(&new(blank), at("2026-12-31T16:00"), ctx).is_err());
        c.apply(
            &ev(
                "2027-01-15T10:00",
                Action::Resolve {
                    claim: ClaimFollowUp::Readjudicate,
                    amount: None,
                },
            ),
            ctx,
        )
        .unwrap();
        let Detail::Dispute(s) = &c.detail else {
            panic!("dispute")
        };
        assert_eq!(s.follow_up, Some(ClaimFollowUp::Readjudicate));
    });
}

fn ticket(tracking: Option<&str>, submitted: &str) -> Filing {
    Filing::PortalTicket(TicketFiling {
        registered: true,
        plan_tracking_number: tracking.map(str::to_owned),
        internal_dispute: Some(InternalDispute {
            tracking_number: "D-2026-0001".into(),
            submitted: at(submitted),
        }),
        medicare_only: false,
        missing_prior_authorization: false,
        complete: true,
    })
}

#[test]
fn dsp_02_portal_window_30_to_60_days_and_registration_required() {
    with_ctx(&[], |ctx| {
        let f = new(ticket(Some("D-2026-0001"), "2026-01-05T10:00"));
        let early = Case::file(&f, at("2026-02-03T10:00"), ctx).unwrap();
        let c = early.closure.unwrap();
        assert_eq!(c.reason, ClosureReason::OutsideWindow);
        assert_eq!(
            c.detail,
            "DSP-04: closed: a ticket may be entered no sooner than 30 calendar days after \
             submitting to the plan on 2026-01-05 (from 2026-02-04); today is 2026-02-03"
        );
        assert!(
            !Case::file(&f, at("2026-02-04T10:00"), ctx)
                .unwrap()
                .is_closed()
        );
        assert!(
            !Case::file(&f, at("2026-03-06T23:00"), ctx)
                .unwrap()
                .is_closed()
        );
        let late = Case::file(&f, at("2026-03-07T08:00"), ctx).unwrap();
        assert!(late.closure.unwrap().detail.contains("(by 2026-03-06)"));
        let mut unregistered = f.clone();
        if let Filing::PortalTicket(t) = &mut unregistered.filing {
            t.registered = false;
        }
        let e = Case::file(&unregistered, at("2026-02-10T10:00"), ctx).unwrap_err();
        assert_eq!(e.rule(), Some("DSP-02"));
        // The dispute shows the window to the provider.
        let dsp = Case::file(&new(dispute()), at("2026-01-05T10:00"), ctx).unwrap();
        let w = &dsp.status(at("2026-01-06T10:00"), ctx).unwrap().windows[0];
        assert_eq!(
            (w.opens.to_string(), w.closes.to_string()),
            ("2026-02-04".into(), "2026-03-06".into())
        );
    });
}

#[test]
fn dsp_03_information_request_within_5_business_days_and_answer_within_5() {
    with_ctx(&[], |ctx| {
        let f = new(ticket(Some("D-2026-0001"), "2026-10-01T10:00"));
        // Ticket on Fri 2026-11-06; Veterans Day (Wed 11-11) skipped: the plan may ask until
        // Mon 2026-11-16.
        let c = Case::file(&f, at("2026-11-06T10:00"), ctx).unwrap();
        assert_eq!(
            due_date(&c, ClockKind::PortalInformationRequestWindow, ctx),
            "2026-11-16"
        );
        let ask = |when: &str| {
            ev(
                when,
                Action::RequestInformation {
                    what: "the remittance".into(),
                },
            )
        };
        let e = c.clone().apply(&ask("2026-11-17T09:00"), ctx).unwrap_err();
        assert_eq!(
            e.to_string(),
            "DSP-03: the plan may ask for more information only within 5 business days of the \
             ticket (by 2026-11-16); today is 2026-11-17"
        );
        let mut asked = c.clone();
        asked.apply(&ask("2026-11-16T09:00"), ctx).unwrap();
        // Mon 11-16 + 5 business days = Mon 11-23; no answer → closed at the end of that day.
        let s = asked.status(at("2026-11-24T09:00"), ctx).unwrap();
        let closure = s.closure.unwrap();
        assert_eq!(closure.reason, ClosureReason::NoResponse);
        assert_eq!(closure.at, at("2026-11-23T23:59:59"));
        let mut answered = asked.clone();
        answered
            .apply(&ev("2026-11-23T17:00", Action::InformationReceived), ctx)
            .unwrap();
        assert!(
            !answered
                .status(at("2026-11-24T09:00"), ctx)
                .unwrap()
                .is_closed()
        );
    });
}

#[test]
fn dsp_04_closure_reasons_and_no_reopening() {
    with_ctx(&[], |ctx| {
        let when = at("2026-02-10T10:00");
        let reason = |f: Filing| {
            Case::file(&new(f), when, ctx)
                .unwrap()
                .closure
                .map(|c| (c.reason, c.rule))
        };
        assert_eq!(
            reason(ticket(None, "2026-01-05T10:00")),
            Some((ClosureReason::NoTrackingNumber, Some("DSP-04")))
        );
        assert_eq!(
            reason(ticket(Some("X-1"), "2026-01-05T10:00")).unwrap().0,
            ClosureReason::NoTrackingNumber
        );
        let variant = |edit: fn(&mut TicketFiling)| {
            let mut f = ticket(Some("D-2026-0001"), "2026-01-05T10:00");
            if let Filing::PortalTicket(t) = &mut f {
                edit(t);
            }
            reason(f).unwrap().0
        };
        assert_eq!(variant(|t| t.complete = false), ClosureReason::Incomplete);
        assert_eq!(
            variant(|t| t.medicare_only = true),
            ClosureReason::MedicareOnly
        );
        assert_eq!(
            variant(|t| t.missing_prior_authorization = true),
            ClosureReason::MissingPriorAuthorization
        );
        let mut closed = Case::file(&new(ticket(None, "2026-01-05T10:00")), when, ctx).unwrap();
        let e = closed
            .apply(&ev("2026-02-11T10:00", Action::Reopen), ctx)
            .unwrap_err();
        assert_eq!(e.rule(), Some("DSP-04"));
        assert!(e.to_string().contains("never reopened"), "{e}");
    });
}

#[test]
fn dsp_05_registration_two_business_days_longer_for_ten_or_more() {
    with_ctx(&[], |ctx| {
        let reg = |n: u32, complete: bool| {
            new(Filing::PortalRegistration(RegistrationFiling {
                individuals: n,
                complete,
            }))
        };
        // Thu 2026-12-24: Christmas (Fri) skipped → Tue 2026-12-29.
        let c = Case::file(&reg(1, true), at("2026-12-24T09:00"), ctx).unwrap();
        assert_eq!(
            due_date(&c, ClockKind::PortalRegistration, ctx),
            "2026-12-29"
        );
        let c = Case::file(&reg(10, true), at("2026-12-24T09:00"), ctx).unwrap();
        assert_eq!(
            due_date(&c, ClockKind::PortalRegistration, ctx),
            "2027-01-19"
        );
        let c = Case::file(&reg(3, false), at("2026-12-24T09:00"), ctx).unwrap();
        assert_eq!(c.closure.unwrap().reason, ClosureReason::Incomplete);
    });
}

// ---------------------------------------------------------------- REC

#[test]
fn rec_02_demand_after_90_days_then_collections_after_30() {
    with_ctx(&[], |ctx| {
        let f = new(Filing::Recovery(RecoveryFiling {
            amount: Money::from_cents(125_000),
            respond_by: None,
            balance_since: Some(d("2026-01-05")),
        }));
        let mut c = Case::file(&f, at("2026-01-05T09:00"), ctx).unwrap();
        let e = c
            .clone()
            .apply(&ev("2026-04-05T09:00", Action::SendDemand), ctx)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "REC-02: a demand letter may be sent only when the negative balance has been \
             outstanding more than 90 calendar days (since 2026-01-05; from 2026-04-06); today \
             is 2026-04-05"
        );
        c.apply(&ev("2026-04-06T09:00", Action::SendDemand), ctx)
            .unwrap();
        assert_eq!(due_date(&c, ClockKind::DemandResponse, ctx), "2026-05-06");
        let s = c.status(at("2026-05-07T09:00"), ctx).unwrap();
        assert_eq!(s.phase, Phase::InCollections);
        assert!(s.flags.contains(&Flag::Collections));
        // Review before the notice's date suspends collections.
        let mut r = c.clone();
        r.apply(&ev("2026-05-06T09:00", Action::RequestReview), ctx)
            .unwrap();
        assert_eq!(
            r.status(at("2026-06-01T09:00"), ctx).unwrap().phase,
            Phase::ReviewRequested
        );
        let mut late = c.clone();
        late.advance(at("2026-05-07T09:00"), ctx).unwrap();
        let e = late
            .apply(&ev("2026-05-07T09:00", Action::RequestReview), ctx)
            .unwrap_err();
        assert_eq!(e.rule(), Some("REC-02"));
    });
}

#[test]
fn rec_02_unanswered_overpayment_notice_is_deemed_agreed() {
    with_ctx(&[], |ctx| {
        let f = new(Filing::Recovery(RecoveryFiling {
            amount: Money::from_cents(9_900),
            respond_by: Some(d("2026-03-31")),
            balance_since: None,
        }));
        let c = Case::file(&f, at("2026-03-01T09:00"), ctx).unwrap();
        let s = c.status(at("2026-04-01T09:00"), ctx).unwrap();
        assert_eq!(s.phase, Phase::BalanceOutstanding);
        assert!(s.notes[0].text.contains("deemed agreed"));
    });
}

#[test]
fn rec_03_review_requests_after_60_days_are_expired() {
    with_ctx(&[], |ctx| {
        let f = |det: &str| {
            new(Filing::ReviewRequest(ReviewRequestFiling {
                tracking_number: "R-1".into(),
                determination_date: d(det),
            }))
        };
        Case::file(&f("2026-11-02"), at("2027-01-01T12:00"), ctx).unwrap();
        assert_eq!(
            refusal(Case::file(&f("2026-11-01"), at("2027-01-01T12:00"), ctx)),
            "REC-03: A request for review must be filed within 60 calendar days of the claim \
             determination on 2026-11-01 (by 2026-12-31); today is 2027-01-01: the request has \
             expired and is not reviewed"
        );
    });
}

fn audit_case(ctx: &CaseContext<'_>) -> Case {
    let claims: Vec<String> = (0..200).map(|i| format!("C{i:04}")).collect();
    Case::file(
        &new(Filing::BillingAudit(AuditFiling {
            claims,
            sample_size: 10,
            seed: 7,
            records_business_days: None,
        })),
        at("2026-06-01T09:00"),
        ctx,
    )
    .unwrap()
}

fn findings(case: &Case, errors: usize) -> Vec<Finding> {
    let Detail::Audit(a) = &case.detail else {
        panic!("audit")
    };
    a.sample
        .iter()
        .enumerate()
        .map(|(i, c)| Finding {
            claim: c.clone(),
            error: i < errors,
            overpaid: if i < errors {
                Money::from_cents(10_000)
            } else {
                Money::ZERO
            },
        })
        .collect()
}

#[test]
fn rec_04_error_rate_above_threshold_requires_corrective_action() {
    with_ctx(&[], |ctx| {
        let mut c = audit_case(ctx);
        // REC-05: 10 business days from Mon 2026-06-01: Mon 2026-06-15.
        assert_eq!(due_date(&c, ClockKind::RecordsDue, ctx), "2026-06-15");
        assert_eq!(c, audit_case(ctx), "the sample is reproducible");
        c.apply(&ev("2026-06-10T09:00", Action::RecordsReceived), ctx)
            .unwrap();
        // Exactly 10% is not above the threshold.
        let mut at_threshold = c.clone();
        at_threshold
            .apply(
                &ev(
                    "2026-06-22T09:00",
                    Action::Findings {
                        findings: findings(&c, 1),
                        appeal_by: d("2026-07-22"),
                    },
                ),
                ctx,
            )
            .unwrap();
        let Detail::Audit(a) = &at_threshold.detail else {
            panic!()
        };
        assert!(!a.corrective_action);
        assert_eq!(a.error_rate_percent.unwrap().to_string(), "10");
        c.apply(
            &ev(
                "2026-06-22T09:00",
                Action::Findings {
                    findings: findings(&c, 2),
                    appeal_by: d("2026-07-22"),
                },
            ),
            ctx,
        )
        .unwrap();
        let s = c.status(at("2026-06-22T10:00"), ctx).unwrap();
        assert!(s.flags.contains(&Flag::CorrectiveActionRequired));
        // Repayment in 10 business days (Independence Day observed Fri 07-03): 2026-07-07.
        assert_eq!(due_date(&c, ClockKind::Repayment, ctx), "2026-07-07");
        let Detail::Audit(a) = &c.detail else {
            panic!()
        };
        assert_eq!(a.overpayments().len(), 2);
        // Monitoring in 90-day increments, each starting where the last ends.
        c.apply(&ev("2026-07-01T09:00", Action::RepaymentReceived), ctx)
            .unwrap();
        c.apply(&ev("2026-07-01T09:00", Action::StartMonitoring), ctx)
            .unwrap();
        assert_eq!(
            due_date(&c, ClockKind::MonitoringIncrement, ctx),
            "2026-09-29"
        );
        c.apply(&ev("2026-09-28T09:00", Action::ContinueMonitoring), ctx)
            .unwrap();
        assert_eq!(
            due_date(&c, ClockKind::MonitoringIncrement, ctx),
            "2026-12-28"
        );
        assert!(
            c.status(at("2026-10-01T09:00"), ctx)
                .unwrap()
                .flags
                .contains(&Flag::ClaimsMonitored)
        );
    });
}

#[test]
fn rec_04_appeal_of_findings_45_days_then_10_business_days() {
    with_ctx(&[], |ctx| {
        let mut c = audit_case(ctx);
        c.apply(&ev("2026-06-10T09:00", Action::RecordsReceived), ctx)
            .unwrap();
        c.apply(
            &ev(
                "2026-06-22T09:00",
                Action::Findings {
                    findings: findings(&c, 3),
                    appeal_by: d("2026-07-22"),
                },
            ),
            ctx,
        )
        .unwrap();
        let e = c
            .clone()
            .apply(&ev("2026-07-23T09:00", Action::AppealFindings), ctx)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "REC-04: an appeal of the audit findings must be received by 2026-07-22 (the date in \
             the report of findings); today is 2026-07-23"
        );
        c.apply(&ev("2026-07-20T09:00", Action::AppealFindings), ctx)
            .unwrap();
        // The repayment clock waits for the committee.
        assert_eq!(c.clock(ClockKind::Repayment).unwrap().due, None);
        assert_eq!(
            due_date(&c, ClockKind::FindingsAppealReview, ctx),
            "2026-09-03"
        );
        c.apply(&ev("2026-08-31T09:00", Action::CommitteeMet), ctx)
            .unwrap();
        // Labor Day (09-07) skipped: 2026-09-15.
        assert_eq!(
            due_date(&c, ClockKind::FindingsAppealDecision, ctx),
            "2026-09-15"
        );
        let e = c
            .clone()
            .apply(
                &ev(
                    "2026-09-01T09:00",
                    Action::ExtendTo {
                        until: d("2026-09-10"),
                        reason: "x".into(),
                    },
                ),
                ctx,
            )
            .unwrap_err();
        assert_eq!(e.rule(), Some("REC-04"));
        c.apply(
            &ev(
                "2026-09-14T09:00",
                Action::DecideFindingsAppeal {
                    outcome: FindingsAppealOutcome::Uphold,
                },
            ),
            ctx,
        )
        .unwrap();
        // Repayment due 10 business days after the committee's letter.
        assert_eq!(due_date(&c, ClockKind::Repayment, ctx), "2026-09-28");
    });
}

fn sample_of(case: &Case) -> Vec<String> {
    let Detail::Audit(a) = &case.detail else {
        panic!("audit")
    };
    a.sample.clone()
}

fn audit_detail(case: &Case) -> &accord_cases::workflow::audit::AuditState {
    let Detail::Audit(a) = &case.detail else {
        panic!("audit")
    };
    a
}

#[test]
fn rec_04_findings_recorded_one_claim_at_a_time_then_issued() {
    with_ctx(&[], |ctx| {
        let mut c = audit_case(ctx);
        c.apply(&ev("2026-06-10T09:00", Action::RecordsReceived), ctx)
            .unwrap();
        let sample = sample_of(&c);
        let finding = |claim: &str, overpaid: &str, reason: &str| Action::Finding {
            claim: claim.into(),
            error: None,
            overpaid: Money::parse(overpaid).unwrap(),
            reason: reason.into(),
        };
        // Not in the sample: named.
        let e = c
            .clone()
            .apply(&ev("2026-06-11T09:00", finding("NOPE", "1.00", "x")), ctx)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: claim NOPE is not in the audit sample"
        );
        // Issuing before every sampled claim has a finding names the first one missing.
        c.apply(
            &ev("2026-06-11T09:00", finding(&sample[0], "90.00", "no note")),
            ctx,
        )
        .unwrap();
        // A second finding on the same claim replaces the first.
        c.apply(
            &ev(
                "2026-06-11T10:00",
                finding(&sample[0], "125.00", "units not documented"),
            ),
            ctx,
        )
        .unwrap();
        let issue = Action::Findings {
            findings: Vec::new(),
            appeal_by: d("2026-07-22"),
        };
        let e = c
            .clone()
            .apply(&ev("2026-06-12T09:00", issue.clone()), ctx)
            .unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("sampled claim {} has no finding", sample[1])),
            "{e}"
        );
        for claim in &sample[1..] {
            c.apply(&ev("2026-06-11T11:00", finding(claim, "0", "")), ctx)
                .unwrap();
        }
        c.apply(&ev("2026-06-12T09:00", issue), ctx).unwrap();
        let a = audit_detail(&c);
        assert_eq!(a.findings.len(), 10);
        assert_eq!(a.error_rate_percent.unwrap().to_string(), "10");
        assert_eq!(
            a.overpayments(),
            vec![(sample[0].as_str(), Money::parse("125.00").unwrap())]
        );
    });
}

#[test]
fn rec_04_findings_final_after_the_appeal_window_or_the_committee() {
    with_ctx(&[], |ctx| {
        let mut c = audit_case(ctx);
        c.apply(&ev("2026-06-10T09:00", Action::RecordsReceived), ctx)
            .unwrap();
        c.apply(
            &ev(
                "2026-06-22T09:00",
                Action::Findings {
                    findings: findings(&c, 2),
                    appeal_by: d("2026-07-22"),
                },
            ),
            ctx,
        )
        .unwrap();
        // Nothing is a recovery before the findings are final.
        assert!(audit_detail(&c).final_overpayments().is_empty());
        let e = c
            .clone()
            .apply(&ev("2026-07-22T09:00", Action::Finalize), ctx)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "REC-04: the findings become final when the provider's appeal window ends on \
             2026-07-22 or the committee decides an appeal; the window is still open"
        );
        let e = c
            .clone()
            .apply(
                &ev(
                    "2026-07-23T09:00",
                    Action::Repay {
                        amount: Money::parse("10.00").unwrap(),
                    },
                ),
                ctx,
            )
            .unwrap_err();
        assert_eq!(e.rule(), Some("REC-04"));
        // The window lapsed unused: final.
        c.apply(&ev("2026-07-23T09:00", Action::Finalize), ctx)
            .unwrap();
        assert_eq!(audit_detail(&c).final_overpayments().len(), 2);
        // Final once.
        let e = c
            .clone()
            .apply(&ev("2026-07-24T09:00", Action::Finalize), ctx)
            .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("REC-04: the findings were made final at"),
            "{e}"
        );
        // Repayments: never more than is owed (2 × 100.00).
        let repay = |s: &str| Action::Repay {
            amount: Money::parse(s).unwrap(),
        };
        c.apply(&ev("2026-07-24T09:00", repay("150.00")), ctx)
            .unwrap();
        let e = c
            .clone()
            .apply(&ev("2026-07-25T09:00", repay("60.00")), ctx)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: amount: 60.00 is more than the 50.00 still owed on the findings"
        );
        assert!(c.clock(ClockKind::Repayment).is_none());

        // Appealed and upheld: final after the committee's decision, not before.
        let mut appealed = audit_case(ctx);
        appealed
            .apply(&ev("2026-06-10T09:00", Action::RecordsReceived), ctx)
            .unwrap();
        appealed
            .apply(
                &ev(
                    "2026-06-22T09:00",
                    Action::Findings {
                        findings: findings(&appealed, 1),
                        appeal_by: d("2026-07-22"),
                    },
                ),
                ctx,
            )
            .unwrap();
        appealed
            .apply(&ev("2026-07-01T09:00", Action::AppealFindings), ctx)
            .unwrap();
        let e = appealed
            .clone()
            .apply(&ev("2026-07-02T09:00", Action::Finalize), ctx)
            .unwrap_err();
        assert!(matches!(e, CaseError::NotApplicable { .. }), "{e}");
        appealed
            .apply(&ev("2026-07-10T09:00", Action::CommitteeMet), ctx)
            .unwrap();
        appealed
            .apply(
                &ev(
                    "2026-07-14T09:00",
                    Action::DecideFindingsAppeal {
                        outcome: FindingsAppealOutcome::Overturn,
                    },
                ),
                ctx,
            )
            .unwrap();
        appealed
            .apply(&ev("2026-07-14T10:00", Action::Finalize), ctx)
            .unwrap();
        // Overturned: final, and nothing is owed.
        assert!(audit_detail(&appealed).finalized_at.is_some());
        assert!(audit_detail(&appealed).final_overpayments().is_empty());
    });
}

#[test]
fn rec_05_records_due_in_5_or_not_less_than_10_business_days() {
    with_ctx(&[], |ctx| {
        let c = Case::file(
            &new(Filing::TreatmentRecordReview {}),
            at("2026-12-31T09:00"),
            ctx,
        )
        .unwrap();
        // Thu 2026-12-31; New Year's Day skipped: Fri 2027-01-08.
        assert_eq!(due_date(&c, ClockKind::RecordsDue, ctx), "2027-01-08");
        let e = Case::file(
            &new(Filing::BillingAudit(AuditFiling {
                claims: vec!["C1".into()],
                sample_size: 1,
                seed: 1,
                records_business_days: Some(5),
            })),
            at("2026-12-31T09:00"),
            ctx,
        )
        .unwrap_err();
        assert_eq!(e.rule(), Some("REC-05"));
    });
}

// ---------------------------------------------------------------- NET

#[test]
fn net_06_credentialing_appeal_windows_and_committee_clock() {
    with_ctx(&[], |ctx| {
        let f = new(Filing::CredentialingAppeal(CredentialingAppealFiling {
            notice_date: d("2026-11-01"),
        }));
        assert!(
            refusal(Case::file(&f, at("2026-12-02T09:00"), ctx))
                .starts_with("NET-06: An appeal of a credentialing decision must be filed within 30 calendar days")
        );
        let mut c = Case::file(&f, at("2026-12-01T09:00"), ctx).unwrap();
        assert_eq!(c.phase, Phase::AwaitingRecord);
        c.apply(&ev("2026-12-14T09:00", Action::InformationReceived), ctx)
            .unwrap();
        // 14 business days from Mon 12-14, Christmas and New Year's Day skipped: 2027-01-05.
        assert_eq!(
            due_date(&c, ClockKind::CredentialingAppealDecision, ctx),
            "2027-01-05"
        );
        c.apply(
            &ev(
                "2027-01-04T09:00",
                Action::DecideCredentialingAppeal {
                    outcome: CredentialingOutcome::Supported,
                    fair_hearing_available: true,
                },
            ),
            ctx,
        )
        .unwrap();
        assert_eq!(
            due_date(&c, ClockKind::FairHearingRequestWindow, ctx),
            "2027-02-03"
        );
        c.apply(&ev("2027-02-01T09:00", Action::RequestFairHearing), ctx)
            .unwrap();
        assert_eq!(due_date(&c, ClockKind::FairHearing, ctx), "2027-05-02");
        c.apply(&ev("2027-04-01T09:00", Action::FairHearingHeld), ctx)
            .unwrap();
        assert!(c.is_closed());
    });
}

// ---------------------------------------------------------------- engine

#[test]
fn events_and_filings_round_trip_as_json() {
    let f = new(appeal(
        AppealLevel::One,
        AppealTrack::Expedited,
        "2026-03-05",
    ));
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(serde_json::from_str::<NewCase>(&json).unwrap(), f);
    let e = ev(
        "2026-03-06T13:00",
        Action::Decide {
            outcome: AppealOutcome::PartlyOverturned,
        },
    );
    let json = serde_json::to_string(&e).unwrap();
    assert!(json.contains("\"action\":\"decide\""), "{json}");
    assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
}

#[test]
fn events_out_of_order_are_refused_and_leave_the_case_unchanged() {
    with_ctx(&[], |ctx| {
        let mut c = Case::file(
            &new(Filing::GeneralComplaint {}),
            at("2026-03-02T09:00"),
            ctx,
        )
        .unwrap();
        c.apply(&ev("2026-03-03T09:00", Action::Acknowledge), ctx)
            .unwrap();
        let before = c.clone();
        let e = c
            .apply(&ev("2026-03-02T10:00", Action::Acknowledge), ctx)
            .unwrap_err();
        assert!(matches!(e, CaseError::OutOfOrder { .. }));
        assert_eq!(c, before);
    });
}

#[test]
fn due_today_and_overdue_lists() {
    with_ctx(&[], |ctx| {
        let c = Case::file(&new(dispute()), at("2026-03-02T09:00"), ctx).unwrap();
        let s = c.status(at("2026-04-01T08:00"), ctx).unwrap();
        assert_eq!(s.due_today().count(), 1);
        assert_eq!(s.overdue().count(), 0);
        let s = c.status(at("2026-04-02T00:00"), ctx).unwrap();
        assert_eq!(s.overdue().count(), 1);
        assert_eq!(s.clocks[0].owner, Owner::Plan(Team::Claims));
    });
}
