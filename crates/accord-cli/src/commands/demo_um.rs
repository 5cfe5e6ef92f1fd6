//! The demo's utilization-management day (issue 5): staff with roles, a mix of authorization
//! requests (approved by the rules, needing review, urgent, incomplete, not needing authorization,
//! waiting for eligibility, a late concurrent review), reviewers' decisions with their notices, and
//! emergency-admission notifications — then the work queue and the UM report. The request forms
//! are written under `demo-out/um/requests/` so they can be sent again with `accord auth request`.

use std::path::Path;

use accord_core::member::coverage_on;
use accord_core::provider::{NetworkStatus, ProviderKind};
use accord_demo::DemoData;
use accord_plan::Plan;
use accord_service::um;
use accord_store::Store;
use accord_um::case::ReviewerDecision;
use accord_um::metrics::MetricsRow;
use accord_um::queue::QueueItem;
use accord_um::{Role, StaffUser, UmCase};
use anyhow::Context;
use jiff::Timestamp;
use serde_json::json;

use crate::failure::fail;

/// What the UM day produced.
pub struct UmDay {
    /// Every request, in order.
    pub cases: Vec<UmCase>,
    /// The queue at the end of the day.
    pub queue: Vec<QueueItem>,
    /// The report over the day's decisions.
    pub report: Vec<MetricsRow>,
    /// Notifications: (id, late).
    pub notifications: Vec<(String, bool)>,
    /// The facility and the clinician the requests came from (the demo's provider logins).
    pub providers: (String, String),
}

fn staff() -> Vec<StaffUser> {
    let u = |id: &str, name: &str, role, boss: Option<&str>| StaffUser {
        user_id: id.into(),
        name: name.into(),
        role,
        reports_to: boss.map(str::to_owned),
    };
    vec![
        u("admin", "Plan Administrator", Role::Administrator, None),
        u("md-lead", "Dr. Irene Okafor", Role::Psychiatrist, None),
        u(
            "md1",
            "Dr. Samuel Reyes",
            Role::Psychiatrist,
            Some("md-lead"),
        ),
        u(
            "psy1",
            "Dr. Hannah Lindqvist",
            Role::DoctoralPsychologist,
            Some("md-lead"),
        ),
        u(
            "ccm1",
            "Maria Alvarez, LCSW",
            Role::ClinicalCareManager,
            Some("md1"),
        ),
        u(
            "ccm2",
            "Tom Becker, RN",
            Role::ClinicalCareManager,
            Some("md1"),
        ),
        u(
            "appeals1",
            "Grace Kim",
            Role::AppealsReviewer,
            Some("admin"),
        ),
        u(
            "examiner",
            "Claims Examiner",
            Role::ClaimsExaminer,
            Some("admin"),
        ),
        u("auditor", "Internal Audit", Role::Auditor, None),
    ]
}

/// Runs the UM day on `as_of`; writes request forms and notices under `out/um/`.
pub async fn run(
    store: &Store,
    plan: &Plan,
    data: &DemoData,
    as_of: jiff::civil::Date,
    out: &Path,
) -> anyhow::Result<UmDay> {
    let tz = plan.time_zone().clone();
    let at = |day: jiff::civil::Date, h: i8, m: i8| -> anyhow::Result<Timestamp> {
        Ok(day
            .at(h, m, 0, 0)
            .to_zoned(tz.clone())
            .context("demo instant")?
            .timestamp())
    };
    um::save_staff(store, &staff(), "demo", at(as_of, 7, 0)?)
        .await
        .map_err(fail)?;

    // Members covered today and still covered in a month; one who is not covered today.
    let code = &plan.config.plan_code;
    let later = as_of.saturating_add(jiff::Span::new().days(30));
    // Read from the store: the claims month terminated some members after loading.
    let mut covered_ids = Vec::new();
    let mut uncovered = None;
    for m in &data.population.members {
        let spans = store.eligibility(&m.member_id).await.map_err(fail)?;
        let now_ok = coverage_on(&spans, code, as_of).is_some();
        if !now_ok && uncovered.is_none() {
            uncovered = Some(m.member_id.to_string());
        }
        if now_ok
            && coverage_on(&spans, code, later).is_some()
            && spans.iter().all(|s| {
                &s.plan_code == code
                    && s.end.is_none()
                    && s.start < as_of.saturating_sub(jiff::Span::new().days(200))
            })
        {
            covered_ids.push(m.member_id.to_string());
        }
        if covered_ids.len() >= 12 && uncovered.is_some() {
            break;
        }
    }
    let mut covered = covered_ids.into_iter();
    let mut next_member = || covered.next();
    // Participating providers with no sanction: a facility and an individual clinician.
    let clean = |kind: ProviderKind| {
        data.network
            .providers
            .iter()
            .filter(|p| p.kind == kind && p.facility_npi.is_none())
            .filter(|p| {
                data.network.statuses.iter().any(|s| {
                    s.npi == p.npi
                        && s.status == NetworkStatus::Participating
                        && s.start <= as_of
                        && s.end.is_none_or(|e| e >= later)
                }) && !data.network.sanctions.iter().any(|s| s.npi == p.npi)
                    && p.license_expires.is_none_or(|e| e >= later)
            })
            .map(|p| p.npi.to_string())
            .next()
    };
    let (Some(facility), Some(clinician)) = (
        clean(ProviderKind::Facility),
        clean(ProviderKind::Individual),
    ) else {
        anyhow::bail!("the demo network has no participating facility and clinician");
    };

    let d = |n: i64| as_of.saturating_add(jiff::Span::new().days(n)).to_string();
    let residential = |member: &str, start: String, end: String, units: u32| {
        json!({
            "member_id": member, "requesting_npi": facility,
            "services": [{"code": "H0047", "modifiers": ["HF"], "units": units}],
            "start_date": start, "end_date": end, "diagnoses": ["F10.20"],
            "clinical": {
                "reason_for_admission": "relapse after 8 months sober; unable to stop drinking",
                "risk": {"ideation": false},
                "substance_use": "alcohol, about a fifth a day; last use yesterday; tremor",
                "medical": "hypertension, treated",
                "treatment_plan": "residential 3.5, MAT evaluation, family sessions",
                "discharge_plan": "step down to intensive outpatient at the same agency",
                "asam_level": "3.5"
            }
        })
    };
    let m = |next: &mut dyn FnMut() -> Option<String>| {
        next().context("not enough covered demo members")
    };
    let m1 = m(&mut next_member)?;
    let forms: Vec<(&str, serde_json::Value, Timestamp)> = vec![
        // 1. Complete, meets ASAM 3.5 for 14 days: approved by the rules two weeks ago.
        (
            "auto-approved residential",
            residential(&m1, d(-13), d(0), 14),
            at(as_of.saturating_sub(jiff::Span::new().days(14)), 9, 5)?,
        ),
        // 2. Continued stay asked for this morning, less than 24 h before it ends: late (UM-08).
        (
            "late concurrent review",
            {
                let mut f = residential(&m1, d(1), d(7), 7);
                f["review_type"] = "concurrent".into();
                f["urgency"] = "urgent".into();
                f["extends_authorization"] = "PLACEHOLDER".into();
                f
            },
            at(as_of, 8, 15)?,
        ),
        // 3. Thirty days asked for: beyond what the rules approve; a psychiatrist reduces it.
        (
            "residential beyond the criteria",
            residential(&m(&mut next_member)?, d(1), d(30), 30),
            at(as_of, 9, 0)?,
        ),
        // 4. Urgent IOP with imminent risk reported: stays in the queue for a clinician.
        (
            "urgent IOP, imminent risk",
            json!({
                "member_id": m(&mut next_member)?, "requesting_npi": facility, "urgency": "urgent",
                "services": [{"code": "H0015", "modifiers": ["HF"], "units": 36}],
                "start_date": d(1), "end_date": d(28), "diagnoses": ["F11.20"],
                "clinical": {"risk": {"ideation": true, "plan": true, "notes": "safety plan in place"},
                    "substance_use": "opioids, IV; last use 2 days ago", "treatment_plan": "IOP 3 h x 3/week with MAT",
                    "discharge_plan": "standard outpatient", "asam_level": "2.1"}
            }),
            at(as_of, 9, 30)?,
        ),
        // 5. Outpatient psychotherapy at LOCUS 5: a doctoral psychologist denies (plan allows it).
        (
            "outpatient therapy outside criteria",
            json!({
                "member_id": m(&mut next_member)?, "requesting_npi": clinician,
                "services": [{"code": "90837", "units": 24}],
                "start_date": d(1), "end_date": d(89), "diagnoses": ["F33.1"],
                "clinical": {"functioning": "severe impairment, not leaving home", "treatment_plan": "weekly CBT", "locus_level": 5}
            }),
            at(as_of, 10, 0)?,
        ),
        // 6. Crisis intervention: never needs authorization (UM-12).
        (
            "crisis, not required",
            json!({
                "member_id": m(&mut next_member)?, "requesting_npi": clinician, "level_of_care": "crisis",
                "services": [{"code": "H2011", "modifiers": ["HE"], "units": 8}],
                "start_date": d(0), "end_date": d(0), "diagnoses": ["F43.10"]
            }),
            at(as_of, 10, 30)?,
        ),
        // 7. No diagnosis, no discharge plan: returned with the list (UM-03).
        (
            "incomplete",
            {
                let mut f = residential(&m(&mut next_member)?, d(2), d(15), 14);
                f["diagnoses"] = json!([]);
                f["clinical"]["discharge_plan"] = serde_json::Value::Null;
                f
            },
            at(as_of, 11, 0)?,
        ),
        // 8. A member not covered today: waits for eligibility (UM-03).
        (
            "pending eligibility",
            residential(uncovered.as_deref().unwrap_or("M999999"), d(1), d(14), 14),
            at(as_of, 11, 30)?,
        ),
        // 9. Outpatient within criteria: approved at once.
        (
            "outpatient within criteria",
            json!({
                "member_id": m(&mut next_member)?, "requesting_npi": clinician,
                "services": [{"code": "90837", "units": 12}],
                "start_date": d(1), "end_date": d(60), "diagnoses": ["F41.1"],
                "clinical": {"functioning": "working, sleep disturbed", "treatment_plan": "12 sessions CBT", "locus_level": 2}
            }),
            at(as_of, 12, 0)?,
        ),
    ];
    let dir = out.join("um").join("requests");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut cases = Vec::new();
    for (i, (what, mut form, received)) in forms.into_iter().enumerate() {
        if form["extends_authorization"] == "PLACEHOLDER" {
            form["extends_authorization"] = cases
                .first()
                .map(|c: &UmCase| c.request.id.clone())
                .unwrap_or_default()
                .into();
        }
        let name = format!(
            "{:02}-{}.json",
            i + 1,
            what.replace([' ', ','], "-").replace("--", "-")
        );
        std::fs::write(dir.join(&name), serde_json::to_string_pretty(&form)?)
            .with_context(|| format!("cannot write {name}"))?;
        let form = serde_json::from_value(form).context("demo request form")?;
        let c = um::submit(store, plan, &form, received, "provider")
            .await
            .map_err(fail)?;
        tracing::debug!(request = %c.request.id, status = c.status.as_str(), trace = ?c.screening.trace, "demo request");
        cases.push(c);
    }

    // Reviewers decide two of the queued requests; the notices are written out.
    let notices = out.join("um").join("notices");
    std::fs::create_dir_all(&notices)?;
    let reduce = ReviewerDecision {
        units: vec![14],
        through: Some(as_of.saturating_add(jiff::Span::new().days(14))),
        reasons: vec!["Withdrawal risk and relapse pattern meet ASAM 3.5 for an initial 14 days; the remaining days are not supported by the information sent. Concurrent review will consider more.".into()],
        criteria_set: None,
    };
    let deny = ReviewerDecision {
        units: vec![0],
        through: None,
        reasons: vec!["LOCUS level 5 calls for a more intensive level of care than weekly outpatient therapy; the plan's outpatient criteria (LOCUS 1-3) are not met. A care manager will help arrange a higher level of care.".into()],
        criteria_set: None,
    };
    for (idx, user, dec, when) in [
        (2usize, "md1", reduce, at(as_of, 14, 0)?),
        (4, "psy1", deny, at(as_of, 15, 0)?),
    ] {
        let id = cases[idx].request.id.clone();
        cases[idx] = um::decide(store, plan, &id, user, &dec, when)
            .await
            .map_err(fail)?;
        let n = um::notice(store, plan, &id).await.map_err(fail)?;
        std::fs::write(
            notices.join(format!("{id}.html")),
            accord_um::notice::render_html(&n),
        )?;
    }

    // UM-07: one notification on time, one late.
    let mut notifications = Vec::new();
    for (admitted, told) in [
        (
            at(as_of.saturating_sub(jiff::Span::new().days(1)), 23, 0)?,
            at(as_of, 8, 0)?,
        ),
        (
            at(as_of.saturating_sub(jiff::Span::new().days(5)), 2, 0)?,
            at(as_of, 8, 30)?,
        ),
    ] {
        let member =
            accord_core::MemberId::parse(&m(&mut next_member)?).map_err(anyhow::Error::msg)?;
        let npi = accord_core::Npi::parse(&facility).map_err(anyhow::Error::msg)?;
        let n = um::notify_admission(
            store,
            plan,
            member,
            npi,
            "residential",
            admitted,
            told,
            "provider",
        )
        .await
        .map_err(fail)?;
        notifications.push((n.id, n.late));
    }

    let end_of_day = at(as_of, 17, 0)?;
    let queue = um::queue(store, end_of_day).await.map_err(fail)?;
    let report = um::report(
        store,
        plan,
        as_of.saturating_sub(jiff::Span::new().days(30)),
        as_of,
    )
    .await
    .map_err(fail)?;
    Ok(UmDay {
        cases,
        queue,
        report,
        notifications,
        providers: (facility, clinician),
    })
}

/// Prints the UM day.
pub fn print(day: &UmDay, out: &Path) {
    println!(
        "\nUtilization management today ({} requests):",
        day.cases.len()
    );
    for c in &day.cases {
        println!(
            "  {}  {:<22} {:<20} {}",
            c.request.id,
            c.request.level_of_care,
            c.status.as_str(),
            c.screening
                .trace
                .last()
                .map(|n| format!("[{}] {}", n.rule, n.text))
                .unwrap_or_default()
                .chars()
                .take(90)
                .collect::<String>()
        );
    }
    println!(
        "  clinical queue at 17:00: {} waiting, {} overdue",
        day.queue.len(),
        day.queue.iter().filter(|q| q.overdue).count()
    );
    for (id, late) in &day.notifications {
        println!(
            "  admission notification {id}: {}",
            if *late {
                "LATE (UM-07)"
            } else {
                "on time (UM-07)"
            }
        );
    }
    if let Some(all) = day.report.iter().find(|r| r.group == "all") {
        println!(
            "  UM report, last 30 days: {} decided, {}% within their clock, {}% approved, {}% denied, {}% partial",
            all.decided,
            all.within_clock_percent,
            all.approval_percent,
            all.denial_percent,
            all.partial_percent
        );
    }
    println!(
        "  request forms: {}/um/requests/  notices: {}/um/notices/",
        out.display(),
        out.display()
    );
    println!(
        "  try: accord auth queue · accord auth show {} · accord report um --from … --to …",
        day.cases
            .first()
            .map(|c| c.request.id.as_str())
            .unwrap_or("")
    );
}
