//! The demo's provider network (issue 8), after the cases day: a credentialing pipeline with two
//! applications in progress (a clinician with items still to verify, an unaccredited facility
//! waiting for its site visit, NET-02), a provider whose re-credentialing lapsed and whose
//! participation the daily job ends (NET-03), a suspension of an in-network provider (NET-05), and
//! a screening against an exclusion list in the published layout with a confirmed match (which
//! suspends) and a near-name match held for review (NET-07), after which the monthly schedule says
//! when the next screening is due; a licence action reported late (NET-04) and the change report.
//! Every instant derives from the
//! demo's `as_of`, never the clock, so the database is the same on every run. The list and the
//! application forms are written under `demo-out/network/`.

use std::path::{Path, PathBuf};

use accord_core::member::Program;
use accord_core::provider::{NetworkStatus, Provider, ProviderKind, SanctionLevel};
use accord_core::{Npi, TaxId};
use accord_network::changes::{ChangeKind, ProviderChange};
use accord_network::credentialing::{
    Accreditor, Application, ApplicationForm, CommitteeDecision, Item, Outcome,
};
use accord_network::sanctions::SanctionOrder;
use accord_network::screening::ScreeningSchedule;
use accord_plan::Plan;
use accord_service::network::{self, ChangeReportLine, DailyReport, ScreeningReport, Verification};
use accord_store::Store;
use anyhow::Context;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::failure::fail;

/// What the network part of the demo produced.
pub struct NetworkDay {
    /// Applications on file, as they stand.
    pub applications: Vec<Application>,
    /// The daily job on `as_of`.
    pub daily: DailyReport,
    /// The sanction imposed: NPI, level, first and last day.
    pub sanction: Option<(Npi, SanctionLevel, Date, Option<Date>)>,
    /// The exclusion screening.
    pub screening: ScreeningReport,
    /// NET-07 the screening schedule after it.
    pub schedule: ScreeningSchedule,
    /// NET-04 the change report.
    pub changes: Vec<ChangeReportLine>,
    /// Where the files were written.
    pub dir: PathBuf,
}

fn days(d: Date, n: i64) -> Date {
    d.saturating_add(jiff::Span::new().days(n))
}

fn clinician(npi: Npi, name: &str, license: &str, expires: Date) -> Provider {
    Provider {
        npi,
        kind: ProviderKind::Individual,
        name: name.into(),
        tax_id: TaxId::parse("36-1000001").expect("demo tax ID"),
        specialty: "lcsw".into(),
        license_number: Some(license.into()),
        license_expires: Some(expires),
        facility_npi: None,
    }
}

/// Runs the network day on `as_of`; writes the forms and the list under `out/network/`.
pub async fn run(
    store: &Store,
    plan: &Plan,
    as_of: Date,
    out: &Path,
) -> anyhow::Result<NetworkDay> {
    let tz = plan.time_zone().clone();
    let at = |day: Date, h: i8| -> anyhow::Result<Timestamp> {
        Ok(day
            .at(h, 0, 0, 0)
            .to_zoned(tz.clone())
            .context("demo instant")?
            .timestamp())
    };
    let dir = out.join("network");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let write = |name: &str, text: &str| -> anyhow::Result<()> {
        let p = dir.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
    };

    // NET-03: a clinician credentialed three years and a week ago who never returned the
    // re-credentialing application: the daily job ends participation.
    let lapsed = Npi::from_first_nine(960_000_001);
    let long_ago = days(as_of, -(3 * 365 + 8));
    let form = ApplicationForm {
        provider: clinician(
            lapsed.clone(),
            "Rowan Example, LCSW",
            "149-960001",
            days(as_of, 400),
        ),
        cycle: Default::default(),
        date_of_birth: Some(Date::constant(1975, 4, 2)),
        accreditation: None,
        prescriber: false,
        lines_of_business: vec![Program::Medicaid],
        staff: vec![],
        evidence: Default::default(),
    };
    let app = network::apply(store, plan, form, long_ago, at(long_ago, 9)?, "portal")
        .await
        .map_err(fail)?;
    for item in app.items.iter().map(|e| e.item) {
        network::verify(
            store,
            &app.id,
            &Verification {
                item,
                evidence: Some(format!("{} on file", item.label())),
                passed: true,
                verified_on: days(long_ago, 2),
                note: String::new(),
            },
            days(long_ago, 2),
            at(days(long_ago, 2), 10)?,
            "cred1",
        )
        .await
        .map_err(fail)?;
    }
    let decided = days(long_ago, 3);
    network::decide(
        store,
        &app.id,
        CommitteeDecision {
            outcome: Outcome::Approved,
            reason: "meets every NET-02 standard".into(),
            decided_on: decided,
            notice_date: decided,
            effective: [(Program::Medicaid, days(decided, 1))]
                .into_iter()
                .collect(),
        },
        at(decided, 15)?,
        "committee",
    )
    .await
    .map_err(fail)?;

    // NET-02: two applications in progress.
    let applicant = Npi::from_first_nine(960_000_002);
    let form = ApplicationForm {
        provider: clinician(
            applicant.clone(),
            "Margot Quillfeathers, LCPC",
            "180-960002",
            days(as_of, 700),
        ),
        cycle: Default::default(),
        date_of_birth: Some(Date::constant(1971, 3, 4)),
        accreditation: None,
        prescriber: false,
        lines_of_business: vec![Program::Medicaid, Program::StateFunded],
        staff: vec![],
        evidence: [
            (Item::License, "IDFPR licence 180-960002".to_owned()),
            (Item::Malpractice, "policy MP-2291, $1M/$3M".to_owned()),
            (Item::WorkHistory, "CV, 2001 to date".to_owned()),
        ]
        .into_iter()
        .collect(),
    };
    write(
        "application-clinician.json",
        &serde_json::to_string_pretty(&form)?,
    )?;
    let received = days(as_of, -12);
    let app = network::apply(store, plan, form, received, at(received, 11)?, "portal")
        .await
        .map_err(fail)?;
    network::verify(
        store,
        &app.id,
        &Verification {
            item: Item::License,
            evidence: None,
            passed: true,
            verified_on: days(as_of, -5),
            note: "primary source: state licence look-up".into(),
        },
        as_of,
        at(days(as_of, -5), 10)?,
        "cred1",
    )
    .await
    .map_err(fail)?;
    let facility = Npi::from_first_nine(960_000_003);
    let form = ApplicationForm {
        provider: Provider {
            npi: facility,
            kind: ProviderKind::Facility,
            name: "Prairie Bend Recovery Center".into(),
            tax_id: TaxId::parse("36-1000003").expect("demo tax ID"),
            specialty: "sud_program".into(),
            license_number: Some("DASA-960003".into()),
            license_expires: Some(days(as_of, 900)),
            facility_npi: None,
        },
        cycle: Default::default(),
        date_of_birth: None,
        accreditation: None::<Accreditor>,
        prescriber: false,
        lines_of_business: vec![Program::Medicaid],
        staff: vec![],
        evidence: [(Item::License, "DASA licence DASA-960003".to_owned())]
            .into_iter()
            .collect(),
    };
    write(
        "application-facility.json",
        &serde_json::to_string_pretty(&form)?,
    )?;
    let received = days(as_of, -3);
    network::apply(store, plan, form, received, at(received, 14)?, "portal")
        .await
        .map_err(fail)?;

    // NET-03: the daily job on as_of, lapses applied.
    let daily = network::daily(store, plan, as_of, true, at(as_of, 6)?, "daily-job")
        .await
        .map_err(fail)?;

    // NET-05: a suspension of the first participating individual in the network.
    let book = store.book().await.map_err(fail)?;
    let participating = |p: &&Provider| {
        book.statuses
            .iter()
            .any(|s| s.npi == p.npi && s.status == NetworkStatus::Participating && s.end.is_none())
            && book.sanctions.iter().all(|s| s.npi != p.npi)
    };
    let mut individuals = book
        .providers
        .iter()
        .filter(|p| p.kind == ProviderKind::Individual && p.npi != lapsed)
        .filter(participating);
    let suspended = individuals.next().cloned();
    let matched = individuals.next().cloned();
    let mut sanction = None;
    if let Some(p) = &suspended {
        let out = network::sanction(
            store,
            plan,
            &p.npi,
            &SanctionOrder {
                level: SanctionLevel::Suspension,
                start: days(as_of, 1),
                end: None,
                extended: false,
                reason: "billing audit findings not repaid (REC-04)".into(),
            },
            at(as_of, 16)?,
            "committee",
        )
        .await
        .map_err(fail)?;
        let x = out.effect.sanction;
        sanction = Some((x.npi, x.level, x.start, x.end));
    }

    // NET-07: the month's exclusion list: one in-network provider listed by NPI (confirmed:
    // suspended), the applicant under a near spelling with the same date of birth (review), and
    // entries that match no one (one reinstated).
    let mut list = String::from(
        "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE\n",
    );
    if let Some(p) = &matched {
        list.push_str(&format!(
            "\"LISTED\",\"PROVIDER\",\"\",\"\",\"COUNSELOR\",\"SOCIAL WORKER\",\"\",\"{}\",\"19700101\",\"1 SAMPLE STREET\",\"PEORIA\",\"IL\",\"61602\",\"1128b4\",\"20250915\",\"00000000\",\"00000000\",\"\"\n",
            p.npi
        ));
    }
    list.push_str(concat!(
        "\"QUILLFEATHER\",\"MARGO\",\"A\",\"\",\"NURSING PROFESSION\",\"NURSE/NURSES AIDE\",\"\",\"0000000000\",\"19710304\",\"1 SAMPLE STREET\",\"PEORIA\",\"IL\",\"61602\",\"1128a1\",\"20230610\",\"00000000\",\"00000000\",\"\"\n",
        "\"\",\"\",\"\",\"NORTHWIND RECOVERY SERVICES LLC\",\"OTHER BUSINESS\",\"SUD PROGRAM\",\"\",\"0000000000\",\"\",\"100 EXAMPLE AVENUE\",\"SPRINGFIELD\",\"IL\",\"62701\",\"1128b7\",\"20240115\",\"00000000\",\"00000000\",\"\"\n",
        "\"PLACEHOLDER\",\"JORDAN\",\"\",\"\",\"PHYSICIAN (MD, DO)\",\"PSYCHIATRY\",\"\",\"0000000000\",\"19650722\",\"2 SAMPLE STREET\",\"CHICAGO\",\"IL\",\"60601\",\"1128b4\",\"20190301\",\"20210301\",\"00000000\",\"\"\n",
    ));
    write("exclusions.csv", &list)?;
    let screening = network::import_exclusions(
        store,
        plan,
        &list,
        "exclusions.csv",
        Some(as_of.first_of_month()),
        as_of,
        at(as_of, 7)?,
        "screening",
    )
    .await
    .map_err(fail)?;

    // NET-04: the suspended clinician's licence was renewed twelve days ago and the plan was told
    // today — five calendar days were allowed, so the notice is late.
    let mut changes = Vec::new();
    if let Some(p) = &matched {
        let renewed = days(as_of, -12);
        network::report_change(
            store,
            plan,
            &p.npi,
            &ProviderChange {
                kind: ChangeKind::LicenseAction,
                field: "license_expires".into(),
                value: days(as_of, 2 * 365).to_string(),
                effective: renewed,
                reported: as_of,
                description: "licence renewed by the board".into(),
            },
            at(as_of, 11)?,
            "portal",
        )
        .await
        .map_err(fail)?;
        changes = network::change_report(store, None, None, false)
            .await
            .map_err(fail)?;
    }
    let schedule = network::screening_schedule(store, plan, as_of)
        .await
        .map_err(fail)?;

    let mut applications = Vec::new();
    for row in store.applications(None).await.map_err(fail)? {
        applications.push(
            network::application(store, &row.application_id)
                .await
                .map_err(fail)?
                .0,
        );
    }
    Ok(NetworkDay {
        applications,
        daily,
        sanction,
        screening,
        schedule,
        changes,
        dir,
    })
}

/// Prints the network day.
pub fn print(day: &NetworkDay) {
    println!(
        "\nProvider network: credentialing, re-credentialing, sanctions, exclusion screening:"
    );
    for a in &day.applications {
        let missing = a.missing();
        println!(
            "  {} {} {} — {}{}",
            a.id,
            a.npi(),
            a.form.provider.name,
            a.phase().as_str(),
            if a.decision.is_none() {
                format!(" ({} item(s) missing)", missing.len())
            } else {
                String::new()
            }
        );
    }
    let j = &day.daily.recredentialing;
    println!(
        "  NET-03 daily job: {} opening, {} due, {} lapsed",
        j.opening.len(),
        j.due.len(),
        j.lapsing.len()
    );
    for l in &j.lapsing {
        println!(
            "    {} re-credentialing due {} not completed: terminated from {}",
            l.cycle.npi, l.cycle.due_on, l.change.open.start
        );
    }
    if let Some((npi, level, start, end)) = &day.sanction {
        println!(
            "  NET-05 {npi} {} from {start} to {}: new authorizations refused, claims deny CO-B7",
            level.as_str(),
            end.map_or("open".into(), |e| e.to_string())
        );
    }
    let s = &day.screening;
    println!(
        "  NET-07 {}: {} providers against {} list entries: {} match(es), {} suspended",
        s.screening.screening_id,
        s.screening.subjects,
        s.screening.entries,
        s.matches.len(),
        s.suspensions.len()
    );
    for m in &s.matches {
        println!(
            "    {} {} — {} ({}, {})",
            m.npi,
            m.name,
            m.entry.display_name(),
            m.basis.as_str(),
            m.status.as_str()
        );
    }
    println!(
        "  NET-07 next screening due by {}; {} provider(s)/staff not screened in the last month",
        day.schedule
            .next_due
            .map_or("now".into(), |d| d.to_string()),
        day.schedule.not_screened.len()
    );
    for l in &day.changes {
        println!(
            "  NET-04 {} {} {} effective {}: due {}, told {}{}",
            l.change.npi,
            l.change.kind,
            l.change.field,
            l.change.effective,
            l.change.due,
            l.change.reported,
            if l.change.late {
                format!(", late by {} day(s)", l.days_late)
            } else {
                String::new()
            }
        );
    }
    println!(
        "  Files: {} (`accord provider show NPI`, `accord provider exclusions review`, `accord provider changes --late`)",
        day.dir.display()
    );
}
