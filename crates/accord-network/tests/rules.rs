//! One test per rule ID (NET-01…NET-09), named after it, and the property test of the NET-03
//! calendar.

use std::collections::BTreeMap;

use accord_core::member::Program;
use accord_core::provider::{
    NetworkStatus, Provider, ProviderKind, Sanction, SanctionLevel, StatusSpan, standing_on,
};
use accord_core::{Date, Npi, TaxId};
use accord_network::changes::{ChangeKind, ProviderChange, apply_change, notice_check};
use accord_network::credentialing::{
    Accreditor, Application, ApplicationForm, CommitteeDecision, Item, Outcome, Phase,
};
use accord_network::exclusion::{self, Basis, MatchStatus, Subject};
use accord_network::leave;
use accord_network::recredential::{self, CycleRecord};
use accord_network::sanctions::{self, CareAuthorization, CareService, SanctionOrder};
use accord_network::status;
use accord_network::{NetworkError, add_days, add_months, appeal};
use accord_plan::NetworkSettings;
use jiff::civil::date;
use proptest::prelude::*;

fn npi(n: u32) -> Npi {
    Npi::from_first_nine(n)
}

fn provider(n: &Npi, kind: ProviderKind) -> Provider {
    Provider {
        npi: n.clone(),
        kind,
        name: "Avery Sample, LCSW".into(),
        tax_id: TaxId::parse("12-3456789").unwrap(),
        specialty: "lcsw".into(),
        license_number: Some("149-000001".into()),
        license_expires: Some(date(2029, 12, 31)),
        facility_npi: None,
    }
}

fn form(n: &Npi, kind: ProviderKind) -> ApplicationForm {
    ApplicationForm {
        provider: provider(n, kind),
        cycle: Default::default(),
        date_of_birth: (kind == ProviderKind::Individual).then(|| date(1980, 5, 6)),
        accreditation: None,
        prescriber: false,
        lines_of_business: vec![Program::Medicaid],
        staff: vec![],
        evidence: BTreeMap::new(),
    }
}

fn participating(n: &Npi, from: Date) -> StatusSpan {
    StatusSpan {
        npi: n.clone(),
        status: NetworkStatus::Participating,
        start: from,
        end: None,
        reason: "credentialed".into(),
    }
}

fn verify_all(mut app: Application, on: Date) -> Application {
    for item in app.items.iter().map(|e| e.item).collect::<Vec<_>>() {
        app = app
            .verify(item, Some("on file"), true, on, "cred1", "", on)
            .unwrap();
    }
    app
}

fn approval(on: Date) -> CommitteeDecision {
    CommitteeDecision {
        outcome: Outcome::Approved,
        reason: "meets every standard".into(),
        decided_on: on,
        notice_date: on,
        effective: [(Program::Medicaid, add_days(on, 1))].into_iter().collect(),
    }
}

#[test]
fn net_01_application_names_a_bad_identifier() {
    let text = r#"{"provider": {"npi": "1234567890", "kind": "individual", "name": "A", "tax_id": "12-3456789",
        "specialty": "lcsw", "license_number": null, "license_expires": null, "facility_npi": null},
        "date_of_birth": "1980-01-01", "lines_of_business": ["medicaid"]}"#;
    let err = serde_json::from_str::<ApplicationForm>(text).unwrap_err();
    assert!(
        err.to_string().contains("NPI") || err.to_string().contains("npi"),
        "{err}"
    );
    assert!(err.line() >= 1);
    // A good form reads, and an empty line of business list is named.
    let mut f = form(&npi(100_000_001), ProviderKind::Individual);
    f.lines_of_business.clear();
    let e = Application::receive("CRD-1", date(2026, 1, 5), f).unwrap_err();
    assert!(matches!(e, NetworkError::Invalid { ref field, .. } if field == "lines_of_business"));
}

#[test]
fn net_02_checklist_site_visit_and_committee_decision() {
    // An unaccredited facility needs a site visit; an accredited one its accreditation.
    let fac = npi(200_000_001);
    let unaccredited = Application::receive(
        "CRD-1",
        date(2026, 1, 5),
        form(&fac, ProviderKind::Facility),
    )
    .unwrap();
    let items: Vec<Item> = unaccredited.items.iter().map(|e| e.item).collect();
    assert!(items.contains(&Item::SiteVisit) && !items.contains(&Item::Accreditation));
    let mut f = form(&fac, ProviderKind::Facility);
    f.accreditation = Some(Accreditor::Carf);
    let accredited = Application::receive("CRD-2", date(2026, 1, 5), f).unwrap();
    assert!(
        accredited
            .items
            .iter()
            .any(|e| e.item == Item::Accreditation)
    );
    assert!(!accredited.items.iter().any(|e| e.item == Item::SiteVisit));

    // Every item is missing until verified; approval is refused while anything is missing.
    let clin = npi(100_000_002);
    let mut f = form(&clin, ProviderKind::Individual);
    f.prescriber = true;
    let app = Application::receive("CRD-3", date(2026, 1, 5), f).unwrap();
    assert_eq!(app.phase(), Phase::Gathering);
    assert!(app.items.iter().any(|e| e.item == Item::DeaCds));
    let refused = app.decide(approval(date(2026, 2, 1))).unwrap_err();
    assert!(refused.to_string().contains("NET-02"), "{refused}");
    // Verification dates are checked.
    assert!(
        app.verify(
            Item::License,
            Some("lic"),
            true,
            date(2026, 1, 1),
            "cred1",
            "",
            date(2026, 1, 10)
        )
        .is_err()
    );
    let app = verify_all(app, date(2026, 1, 20));
    assert_eq!(app.phase(), Phase::ReadyForCommittee);
    assert!(app.missing().is_empty());
    // A decision needs a reason and an effective date per line of business.
    let mut no_reason = approval(date(2026, 2, 1));
    no_reason.reason = " ".into();
    assert!(app.decide(no_reason).is_err());
    let mut no_lob = approval(date(2026, 2, 1));
    no_lob.effective.clear();
    assert!(app.decide(no_lob).is_err());
    let decided = app.decide(approval(date(2026, 2, 1))).unwrap();
    assert_eq!(decided.participation_from(), Some(date(2026, 2, 2)));
    // A failed verification is what is missing.
    let failed = Application::receive(
        "CRD-4",
        date(2026, 1, 5),
        form(&clin, ProviderKind::Individual),
    )
    .unwrap()
    .verify(
        Item::Malpractice,
        Some("policy 1"),
        false,
        date(2026, 1, 6),
        "cred1",
        "lapsed policy",
        date(2026, 1, 6),
    )
    .unwrap();
    assert!(
        failed
            .missing()
            .iter()
            .any(|m| m.item == Item::Malpractice && m.what.contains("did not meet"))
    );
}

#[test]
fn net_03_recredentialing_opens_three_months_before_and_lapse_terminates() {
    let s = NetworkSettings::default();
    let n = npi(100_000_003);
    let rec = [CycleRecord {
        npi: n.clone(),
        credentialed_on: date(2023, 6, 15),
    }];
    let st = [participating(&n, date(2023, 7, 1))];
    let c = recredential::cycle(&rec[0], &s);
    assert_eq!(c.due_on, date(2026, 6, 15));
    assert_eq!(c.opens_on, date(2026, 3, 15));
    let job = recredential::daily(&rec, &st, date(2026, 3, 15), &s);
    assert_eq!(job.opening.len(), 1);
    assert_eq!(job.due.len(), 1);
    assert!(job.lapsing.is_empty());
    assert!(
        recredential::daily(&rec, &st, date(2026, 3, 14), &s)
            .due
            .is_empty()
    );
    let job = recredential::daily(&rec, &st, date(2026, 6, 16), &s);
    assert_eq!(job.lapsing.len(), 1);
    let change = &job.lapsing[0].change;
    assert_eq!(change.open.status, NetworkStatus::Terminated);
    assert_eq!(change.open.start, date(2026, 6, 16));
    // Applied, the lapse ends participation for dates after the due date only.
    let mut spans = st.to_vec();
    status::apply(&mut spans, change);
    let p = provider(&n, ProviderKind::Individual);
    assert!(standing_on(&p, &spans, &[], None, date(2026, 6, 15)).claims_payable);
    let after = standing_on(&p, &spans, &[], None, date(2026, 6, 16));
    assert!(!after.claims_payable && !after.may_receive_authorizations);
    // Once applied, the next day's job does not lapse it again.
    assert!(
        recredential::daily(&rec, &spans, date(2026, 6, 17), &s)
            .lapsing
            .is_empty()
    );
}

#[test]
fn net_04_notice_rules_and_late_notices() {
    let s = NetworkSettings::default();
    let ch = |kind, effective, reported| ProviderChange {
        kind,
        field: "address".into(),
        value: String::new(),
        effective,
        reported,
        description: String::new(),
    };
    let m = notice_check(
        &ch(ChangeKind::Material, date(2026, 3, 1), date(2026, 3, 11)),
        &s,
    );
    assert_eq!(m.due, date(2026, 3, 11));
    assert!(!m.late);
    let l = notice_check(
        &ch(
            ChangeKind::LicenseAction,
            date(2026, 3, 1),
            date(2026, 3, 8),
        ),
        &s,
    );
    assert_eq!(l.due, date(2026, 3, 6));
    assert!(l.late && l.days_late == 2);
    let mal = notice_check(
        &ch(
            ChangeKind::MalpracticeCoverage,
            date(2026, 4, 30),
            date(2026, 4, 1),
        ),
        &s,
    );
    assert_eq!(mal.due, date(2026, 3, 31));
    assert!(mal.late && mal.rule.contains("NET-04"));
    let prog = notice_check(
        &ch(ChangeKind::NewProgram, date(2026, 6, 1), date(2026, 3, 1)),
        &s,
    );
    assert!(!prog.late);
    // A change to a kept field updates the record; a bad value names the field.
    let p = provider(&npi(100_000_004), ProviderKind::Individual);
    let mut c = ch(
        ChangeKind::LicenseAction,
        date(2026, 3, 1),
        date(2026, 3, 2),
    );
    c.field = "license_expires".into();
    c.value = "2026-03-01".into();
    assert_eq!(
        apply_change(&p, &c).unwrap().unwrap().license_expires,
        Some(date(2026, 3, 1))
    );
    c.value = "March".into();
    assert!(
        matches!(apply_change(&p, &c), Err(NetworkError::Invalid { field, .. }) if field.contains("license_expires"))
    );
}

#[test]
fn net_05_suspension_limits_reinstatement_and_members_in_care() {
    let s = NetworkSettings::default();
    let n = npi(100_000_005);
    let st = vec![participating(&n, date(2024, 1, 1))];
    let order = |end, extended| SanctionOrder {
        level: SanctionLevel::Suspension,
        start: date(2026, 3, 1),
        end,
        extended,
        reason: "billing audit findings".into(),
    };
    let e = sanctions::impose(&n, &order(None, false), &[], &st, &s).unwrap();
    assert_eq!(e.sanction.end, Some(date(2026, 3, 30)));
    let too_long =
        sanctions::impose(&n, &order(Some(date(2026, 4, 15)), false), &[], &st, &s).unwrap_err();
    assert!(too_long.to_string().contains("NET-05"));
    assert!(sanctions::impose(&n, &order(Some(date(2026, 4, 15)), true), &[], &st, &s).is_ok());
    // The effect: standing_on refuses authorizations and payment while in force.
    let p = provider(&n, ProviderKind::Individual);
    let sanc = vec![e.sanction.clone()];
    assert!(!standing_on(&p, &st, &sanc, None, date(2026, 3, 10)).claims_payable);
    // Reinstatement on the 15th restores dates from the 15th.
    let r = sanctions::reinstate(&n, date(2026, 3, 15), &sanc, &st, "findings repaid").unwrap();
    assert_eq!(r.ended[0].end, Some(date(2026, 3, 14)));
    let after: Vec<Sanction> = r.ended.clone();
    assert!(!standing_on(&p, &st, &after, None, date(2026, 3, 14)).claims_payable);
    assert!(standing_on(&p, &st, &after, None, date(2026, 3, 15)).claims_payable);
    // Termination ends participation, and the members in care are listed.
    let t = sanctions::impose(
        &n,
        &SanctionOrder {
            level: SanctionLevel::Termination,
            start: date(2026, 5, 1),
            end: None,
            extended: false,
            reason: "fraud".into(),
        },
        &[],
        &st,
        &s,
    )
    .unwrap();
    assert_eq!(
        t.status.as_ref().unwrap().open.status,
        NetworkStatus::Terminated
    );
    let auths = [
        CareAuthorization {
            auth_id: "UM-1".into(),
            member_id: "M2".into(),
            npi: n.to_string(),
            start: date(2026, 4, 1),
            end: date(2026, 6, 30),
        },
        CareAuthorization {
            auth_id: "UM-0".into(),
            member_id: "M9".into(),
            npi: n.to_string(),
            start: date(2025, 1, 1),
            end: date(2025, 3, 31),
        },
    ];
    let svc = [
        CareService {
            member_id: "M1".into(),
            npi: n.to_string(),
            date: date(2026, 2, 1),
        },
        CareService {
            member_id: "M3".into(),
            npi: n.to_string(),
            date: date(2025, 6, 1),
        },
        CareService {
            member_id: "M4".into(),
            npi: npi(1).to_string(),
            date: date(2026, 4, 1),
        },
    ];
    let members = sanctions::members_in_care(
        &n,
        date(2026, 5, 1),
        &auths,
        &svc,
        s.transition_lookback_months,
    );
    let ids: Vec<&str> = members.iter().map(|m| m.member_id.as_str()).collect();
    assert_eq!(ids, ["M1", "M2"]);
}

#[test]
fn net_06_adverse_decision_hands_off_to_the_case_engine() {
    let n = npi(100_000_006);
    let app = Application::receive(
        "CRD-6",
        date(2026, 1, 5),
        form(&n, ProviderKind::Individual),
    )
    .unwrap();
    assert!(appeal::appeal_filing(&app).is_err());
    let denied = app
        .decide(CommitteeDecision {
            outcome: Outcome::Denied,
            reason: "licence encumbered".into(),
            decided_on: date(2026, 2, 3),
            notice_date: date(2026, 2, 4),
            effective: BTreeMap::new(),
        })
        .unwrap();
    let filing = appeal::appeal_filing(&denied).unwrap();
    assert_eq!(filing.subject.provider.as_ref(), Some(&n));
    match filing.filing {
        accord_cases::Filing::CredentialingAppeal(f) => assert_eq!(f.notice_date, date(2026, 2, 4)),
        other => panic!("{other:?}"),
    }
}

const LIST: &str = "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE
\"SAMPLE\",\"AVERY\",\"\",\"\",\"COUNSELOR\",\"SOCIAL WORKER\",\"\",\"0000000000\",\"19800506\",\"1 ST\",\"PEORIA\",\"IL\",\"61602\",\"1128a1\",\"20250101\",\"00000000\",\"00000000\",\"\"
\"SAMPEL\",\"AVERY\",\"\",\"\",\"COUNSELOR\",\"\",\"\",\"0000000000\",\"19700101\",\"1 ST\",\"PEORIA\",\"IL\",\"61602\",\"1128a1\",\"20250101\",\"00000000\",\"00000000\",\"\"
\"\",\"\",\"\",\"NORTHWIND RECOVERY LLC\",\"OTHER BUSINESS\",\"\",\"\",\"NPI_F\",\"\",\"2 ST\",\"PEORIA\",\"IL\",\"61602\",\"1128b7\",\"20250101\",\"00000000\",\"00000000\",\"\"
\"GONE\",\"PAT\",\"\",\"\",\"NURSE\",\"\",\"\",\"0000000000\",\"19700101\",\"3 ST\",\"PEORIA\",\"IL\",\"61602\",\"1128a1\",\"20200101\",\"20220101\",\"00000000\",\"\"
";

#[test]
fn net_07_exclusion_list_matches_by_npi_and_name_and_birth_date() {
    let fac = npi(200_000_007);
    let text = LIST.replace("NPI_F", fac.as_str());
    let list = exclusion::parse_list(&text).unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(list[3].reinstated_on, Some(date(2022, 1, 1)));
    let a = npi(100_000_007);
    let b = npi(100_000_017);
    let subjects = [
        Subject {
            npi: a.clone(),
            kind: ProviderKind::Individual,
            name: "Avery Sample, LCSW".into(),
            date_of_birth: Some(date(1980, 5, 6)),
        },
        Subject {
            npi: b.clone(),
            kind: ProviderKind::Individual,
            name: "Avery Sampel".into(),
            date_of_birth: Some(date(1980, 5, 6)),
        },
        Subject {
            npi: fac.clone(),
            kind: ProviderKind::Facility,
            name: "Other Name".into(),
            date_of_birth: None,
        },
        Subject {
            npi: npi(100_000_027),
            kind: ProviderKind::Individual,
            name: "Pat Gone".into(),
            date_of_birth: Some(date(1970, 1, 1)),
        },
    ];
    let m = exclusion::screen(&list, &subjects, date(2026, 3, 1));
    let find = |n: &Npi, basis| m.iter().find(|x| &x.npi == n && x.basis == basis);
    assert_eq!(
        find(&a, Basis::NameAndBirthDate).unwrap().status,
        MatchStatus::Confirmed
    );
    assert_eq!(
        find(&b, Basis::SimilarName).unwrap().status,
        MatchStatus::PendingReview
    );
    assert_eq!(
        find(&fac, Basis::Npi).unwrap().status,
        MatchStatus::Confirmed
    );
    // Reinstated entries do not match.
    assert!(!m.iter().any(|x| x.name == "Pat Gone"));
    // A confirmed match suspends; a fuzzy one does not until confirmed.
    let order =
        exclusion::suspension_for(find(&a, Basis::NameAndBirthDate).unwrap(), date(2026, 3, 1))
            .unwrap();
    assert_eq!(order.level, SanctionLevel::Suspension);
    assert!(order.reason.contains("NET-07"));
    assert!(
        exclusion::suspension_for(find(&b, Basis::SimilarName).unwrap(), date(2026, 3, 1)).is_err()
    );
    // Bad input names line and column, never panics.
    let bad = LIST.replace("20250101", "2025-01-01");
    let errs = exclusion::parse_list(&bad).unwrap_err();
    assert!(
        errs[0].to_string().contains("line 2, EXCLDATE"),
        "{}",
        errs[0]
    );
    assert!(exclusion::parse_list("A,B\n1,2\n").is_err());
    assert!(exclusion::parse_list("").is_err());
}

#[test]
fn net_08_leave_return_disenrollment_and_reapply_bar() {
    let s = NetworkSettings::default();
    let n = npi(100_000_008);
    let mut st = vec![participating(&n, date(2024, 1, 1))];
    let l = leave::start_leave(&st, &n, date(2026, 1, 10), "medical").unwrap();
    status::apply(&mut st, &l);
    let p = provider(&n, ProviderKind::Individual);
    assert!(!standing_on(&p, &st, &[], None, date(2026, 1, 10)).may_receive_authorizations);
    assert!(leave::disenrollment_notices(&st, date(2026, 7, 10), &s).is_empty());
    let notices = leave::disenrollment_notices(&st, date(2026, 7, 11), &s);
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].inactive_since, date(2026, 1, 10));
    let r = leave::return_from_leave(&st, &n, date(2026, 8, 1)).unwrap();
    status::apply(&mut st, &r);
    assert!(standing_on(&p, &st, &[], None, date(2026, 8, 1)).claims_payable);
    assert!(leave::disenrollment_notices(&st, date(2026, 8, 2), &s).is_empty());
    // Returning when not on leave is refused.
    assert!(leave::return_from_leave(&st, &n, date(2026, 9, 1)).is_err());
    // Resignation bars reapplying for 6 months.
    let res = leave::resign(&st, &n, date(2026, 9, 1), "moving").unwrap();
    status::apply(&mut st, &res);
    let e = leave::may_reapply(&st, &n, date(2027, 2, 28), &s).unwrap_err();
    assert!(e.to_string().contains("2027-03-01"), "{e}");
    assert!(leave::may_reapply(&st, &n, date(2027, 3, 1), &s).is_ok());
}

#[test]
fn net_09_facility_credentialing_covers_its_staff() {
    let fac = npi(200_000_009);
    let clin = npi(100_000_009);
    let mut f = form(&fac, ProviderKind::Facility);
    f.accreditation = Some(Accreditor::Tjc);
    f.staff = vec![clin.clone()];
    let app = verify_all(
        Application::receive("CRD-9", date(2026, 1, 5), f).unwrap(),
        date(2026, 1, 9),
    );
    assert!(app.covered_staff().is_empty());
    let app = app.decide(approval(date(2026, 1, 20))).unwrap();
    assert_eq!(app.covered_staff(), std::slice::from_ref(&clin));
    let (st, from, why) = app.approved_status().unwrap();
    let spans = [StatusSpan {
        npi: fac.clone(),
        status: st,
        start: from,
        end: None,
        reason: why,
    }];
    let facility = provider(&fac, ProviderKind::Facility);
    let fs = standing_on(&facility, &spans, &[], None, date(2026, 2, 1));
    let mut staff = provider(&clin, ProviderKind::Individual);
    staff.facility_npi = Some(fac.clone());
    assert!(standing_on(&staff, &spans, &[], Some(&fs), date(2026, 2, 1)).claims_payable);
    // Staff listed on a group's application are refused: only facilities cover staff.
    let mut g = form(&npi(200_000_019), ProviderKind::Group);
    g.staff = vec![clin];
    assert!(Application::receive("CRD-10", date(2026, 1, 5), g).is_err());
}

proptest! {
    /// NET-03 calendar: the cycle opens exactly `opens_months_before` before it is due, due is
    /// `recredential_months` after credentialing, and on every day a provider is in exactly one of
    /// before-window / due / lapsed (lapsed only after due, and at most once).
    #[test]
    fn net_03_recredentialing_calendar(
        y in 2000i16..2090, m in 1i8..=12, d in 1i8..=31, offset in 0i64..1500,
        months in 12u32..60, before in 1u32..6,
    ) {
        let Ok(credentialed_on) = Date::new(y, m, d) else { return Ok(()); };
        let s = NetworkSettings { recredential_months: months, recredential_opens_months_before: before, ..NetworkSettings::default() };
        let n = npi(100_000_010);
        let rec = [CycleRecord { npi: n.clone(), credentialed_on }];
        let c = recredential::cycle(&rec[0], &s);
        prop_assert_eq!(c.due_on, add_months(credentialed_on, i64::from(months)));
        prop_assert!(c.opens_on < c.due_on && c.credentialed_on < c.opens_on);
        prop_assert!(add_months(c.opens_on, i64::from(before)) >= add_days(c.due_on, -3));
        let st = [participating(&n, credentialed_on)];
        let on = add_days(credentialed_on, offset);
        let job = recredential::daily(&rec, &st, on, &s);
        let due = !job.due.is_empty();
        let lapsed = !job.lapsing.is_empty();
        prop_assert_eq!(due, c.opens_on <= on && on <= c.due_on);
        prop_assert_eq!(lapsed, on > c.due_on);
        prop_assert!(!(due && lapsed));
        prop_assert_eq!(!job.opening.is_empty(), on == c.opens_on);
        if lapsed {
            let mut spans = st.to_vec();
            status::apply(&mut spans, &job.lapsing[0].change);
            prop_assert!(recredential::daily(&rec, &spans, on, &s).lapsing.is_empty());
        }
    }
}
