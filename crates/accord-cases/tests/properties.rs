//! Property tests over random event sequences on every kind of case:
//! - a clock's due instant never moves earlier than its rule allows (never before its floor, and
//!   never earlier than it was while the same clock stays open);
//! - a closed case never reopens (every later action is refused; time changes nothing).

mod common;

use accord_cases::*;
use accord_core::{Money, Timestamp};
use common::{at, d, with_ctx};
use proptest::prelude::*;

fn filings() -> Vec<NewCase> {
    let subject = Subject {
        claim: Some("C1".into()),
        authorization: Some("A1".into()),
        provider: None,
        contract_term: Some("rates".into()),
    };
    let n = |filing| NewCase {
        parties: Parties::default(),
        subject: subject.clone(),
        filing,
    };
    let appeal = |track, nature| {
        Filing::Appeal(AppealFiling {
            level: AppealLevel::One,
            track,
            nature,
            appealed_notice: d("2026-10-20"),
            decided_by: vec!["dr-a".into()],
            specialty: None,
        })
    };
    vec![
        n(appeal(AppealTrack::Standard, AppealNature::Clinical)),
        n(appeal(AppealTrack::Expedited, AppealNature::Administrative)),
        n(Filing::AgreementComplaint {
            event_date: d("2026-10-28"),
        }),
        n(Filing::GeneralComplaint {}),
        n(Filing::QualityOfCare {
            identified: at("2026-10-31T20:00"),
        }),
        n(Filing::ClaimDispute(DisputeFiling {
            tracking_number: "D1".into(),
        })),
        n(Filing::PortalTicket(TicketFiling {
            registered: true,
            plan_tracking_number: Some("D1".into()),
            internal_dispute: Some(InternalDispute {
                tracking_number: "D1".into(),
                submitted: at("2026-09-25T10:00"),
            }),
            medicare_only: false,
            missing_prior_authorization: false,
            complete: true,
        })),
        n(Filing::PortalRegistration(RegistrationFiling {
            individuals: 12,
            complete: true,
        })),
        n(Filing::BillingAudit(AuditFiling {
            claims: (0..20).map(|i| format!("C{i}")).collect(),
            sample_size: 2,
            seed: 3,
            records_business_days: None,
        })),
        n(Filing::TreatmentRecordReview {}),
        n(Filing::Recovery(RecoveryFiling {
            amount: Money::from_cents(100),
            respond_by: Some(d("2026-11-20")),
            balance_since: None,
        })),
        n(Filing::Recovery(RecoveryFiling {
            amount: Money::from_cents(100),
            respond_by: None,
            balance_since: Some(d("2026-07-01")),
        })),
        n(Filing::CredentialingAppeal(CredentialingAppealFiling {
            notice_date: d("2026-10-15"),
        })),
    ]
}

fn action(i: usize, case: &Case) -> Action {
    let sample: Vec<String> = match &case.detail {
        Detail::Audit(a) => a.sample.clone(),
        _ => Vec::new(),
    };
    let findings = |errors: bool| {
        sample
            .iter()
            .map(|c| Finding {
                claim: c.clone(),
                error: errors,
                overpaid: if errors {
                    Money::from_cents(500)
                } else {
                    Money::ZERO
                },
            })
            .collect()
    };
    match i % 36 {
        0 => Action::AssignReviewer {
            reviewer: "dr-c".into(),
        },
        1 => Action::AssignReviewer {
            reviewer: "dr-a".into(),
        },
        2 => Action::RequestInformation { what: "x".into() },
        3 => Action::InformationReceived,
        4 => Action::Decide {
            outcome: AppealOutcome::Upheld,
        },
        5 => Action::Decide {
            outcome: AppealOutcome::OverturnedForClinicalReview,
        },
        6 => Action::VerbalNoticeGiven,
        7 => Action::Extend {
            for_member_benefit: true,
            reason: "r".into(),
        },
        8 => Action::Extend {
            for_member_benefit: false,
            reason: "r".into(),
        },
        9 => Action::ExtendTo {
            until: d("2027-03-01"),
            reason: "r".into(),
        },
        10 => Action::Acknowledge,
        11 => Action::Answer,
        12 => Action::FileSecondLevel,
        13 => Action::Resolve {
            claim: ClaimFollowUp::Adjust,
            amount: Some(accord_core::Money::from_cents(1_000)),
        },
        14 => Action::Report,
        15 => Action::Register,
        16 => Action::Reopen,
        17 => Action::RecordsReceived,
        18 => Action::Findings {
            findings: findings(true),
            appeal_by: d("2027-06-30"),
        },
        19 => Action::Findings {
            findings: findings(false),
            appeal_by: d("2027-06-30"),
        },
        20 => Action::AppealFindings,
        21 => Action::CommitteeMet,
        22 => Action::DecideFindingsAppeal {
            outcome: FindingsAppealOutcome::UpholdInPart,
        },
        23 => Action::RepaymentReceived,
        24 => Action::StartMonitoring,
        25 => Action::ContinueMonitoring,
        26 => Action::EndMonitoring,
        27 => Action::Complete,
        28 => Action::SendDemand,
        29 => Action::RequestReview,
        30 => Action::DecideReview { upheld: true },
        31 => Action::BalanceRecovered,
        32 => Action::DecideCredentialingAppeal {
            outcome: CredentialingOutcome::Modified,
            fair_hearing_available: true,
        },
        33 => Action::RequestFairHearing,
        34 => Action::FairHearingHeld,
        _ => Action::Withdraw {
            reason: String::new(),
        },
    }
}

fn hours(t: Timestamp, h: u32) -> Timestamp {
    t.checked_add(jiff::Span::new().hours(i64::from(h)))
        .expect("in range")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn deadlines_never_move_earlier_and_closed_cases_never_reopen(
        which in 0usize..13,
        steps in prop::collection::vec((0u32..400, 0usize..36), 0..30),
        holiday in prop::bool::ANY,
    ) {
        let extra = if holiday { vec![d("2026-11-27"), d("2026-12-24")] } else { Vec::new() };
        with_ctx(&extra, |ctx| {
            let filing = &filings()[which];
            let received = at("2026-11-02T09:00");
            let mut case = Case::file(filing, received, ctx).expect("valid filing");
            let mut now = received;
            let mut last_due: std::collections::BTreeMap<ClockKind, Timestamp> = Default::default();
            let mut closed: Option<Closure> = case.closure.clone();
            for (gap, i) in steps {
                now = hours(now, gap);
                let ev = Event::new(now, "p", action(i, &case));
                let result = case.apply(&ev, ctx);
                if let Some(c) = &closed {
                    // A closed case refuses everything and stays exactly as it closed.
                    prop_assert!(result.is_err(), "closed case accepted {:?}", ev.action);
                    prop_assert_eq!(case.closure.as_ref(), Some(c));
                    let s = case.status(hours(now, 24 * 400), ctx).expect("status");
                    prop_assert_eq!(s.closure.as_ref(), Some(c));
                    prop_assert!(s.clocks.is_empty());
                    continue;
                }
                // Look at the case as time has run to `now`, whether or not the action was taken.
                let mut seen = case.clone();
                seen.advance(now, ctx).expect("advance");
                let open: std::collections::BTreeSet<ClockKind> =
                    seen.clocks.iter().map(|c| c.kind).collect();
                last_due.retain(|k, _| open.contains(k));
                for c in &seen.clocks {
                    if let Some(due) = c.due {
                        // Never before the rule's own minimum…
                        prop_assert!(due >= c.floor, "{:?} due {} before floor {}", c.kind, due, c.floor);
                        // Without an extension, the due instant is exactly the rule's length
                        // from the clock's (re)start.
                        if c.extensions.is_empty() {
                            let rule_due = c.length.due_from(c.started, ctx).expect("due").max(c.floor);
                            prop_assert_eq!(due, rule_due, "{:?}", c.kind);
                        }
                        // …and never earlier than it was while the clock stayed open.
                        if let Some(prev) = last_due.get(&c.kind) {
                            prop_assert!(due >= *prev, "{:?} moved from {} to {}", c.kind, prev, due);
                        }
                        last_due.insert(c.kind, due);
                    }
                }
                if seen.closure.is_some() {
                    closed = seen.closure.clone();
                    case = seen;
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn day_clocks_fall_at_the_end_of_a_local_day_and_never_before_their_length(
        start_h in 0u32..(24 * 365 * 2),
        n in 0u32..60,
        unit in 0u8..3,
    ) {
        with_ctx(&[d("2026-11-27")], |ctx| {
            let start = hours(at("2026-01-01T00:00"), start_h);
            let length = match unit {
                0 => Length::Hours(n),
                1 => Length::CalendarDays(n),
                _ => Length::BusinessDays(n),
            };
            let due = length.due_from(start, ctx).expect("due");
            prop_assert!(due >= start);
            match length {
                Length::Hours(h) => prop_assert_eq!(due.duration_since(start).as_secs(), i64::from(h) * 3600),
                _ => {
                    let local = due.to_zoned(ctx.tz.clone());
                    prop_assert_eq!((local.hour(), local.minute(), local.second()), (23, 59, 59));
                    if let Length::BusinessDays(k) = length {
                        let last = ctx.local_date(due);
                        prop_assert!(k == 0 || ctx.calendar.is_business_day(last));
                        prop_assert_eq!(
                            ctx.calendar.count_business_days_between(ctx.local_date(start), last),
                            i64::from(k)
                        );
                    }
                }
            }
            Ok(())
        })?;
    }
}
