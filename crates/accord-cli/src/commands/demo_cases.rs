//! The demo's cases (issue 6), after the UM day: a Level I appeal of the day's denial and an
//! expedited appeal of its reduction (each filed by the request number, each with a reviewer the
//! rules refuse first: APL-03), a Level II appeal filed too late (refused with its window,
//! APL-01), a claim dispute (DSP-01) and two state-portal tickets closed at once (DSP-04: no
//! tracking number; too soon), a provider-agreement complaint (CMP-01), an overdue member
//! complaint (CMP-02), quality-of-care concerns overdue and due today (CMP-03), a billing audit
//! with its reproducible sample (REC-04) and an overdue record request (REC-05) — then the due
//! list per team. Every instant derives from the demo's `as_of`, never the clock, so the database
//! is the same on every run. The filings are written under `demo-out/cases/` so they can be filed
//! again with `accord case file`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use accord_cases::{Action, AppealOutcome, Event};
use accord_plan::Plan;
use accord_service::cases::{self, CaseView, DueList, DueSelection, ListFilter};
use accord_service::um;
use accord_store::Store;
use accord_um::case::Status;
use anyhow::Context;
use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::{Value, json};

use super::demo_um::UmDay;
use crate::failure::fail;

/// What the cases part of the demo produced.
pub struct CasesDay {
    /// Every case filed, as it stands at the end of the day.
    pub cases: Vec<CaseView>,
    /// What the rules refused: what was tried, and the refusal.
    pub refusals: Vec<(String, String)>,
    /// The due list at the end of the day (every open clock).
    pub due: DueList,
    /// QM-04: adverse UM decisions of the last 30 days overturned on appeal.
    pub overturned: u64,
    /// APL-04: the denied request and whether the member may not be billed for it.
    pub billing_blocked: Option<(String, bool)>,
    /// The as-of date.
    pub as_of: Date,
    /// Where the filings were written.
    pub dir: PathBuf,
}

fn days(d: Date, n: i64) -> Date {
    d.saturating_add(jiff::Span::new().days(n))
}

/// Runs the cases on `as_of`, after the UM day; writes the filings under `out/cases/`.
pub async fn run(
    store: &Store,
    plan: &Plan,
    um_day: &UmDay,
    seed: u64,
    as_of: Date,
    out: &Path,
) -> anyhow::Result<CasesDay> {
    let tz = plan.time_zone().clone();
    let at = |day: Date, h: i8, m: i8| -> anyhow::Result<Timestamp> {
        Ok(day
            .at(h, m, 0, 0)
            .to_zoned(tz.clone())
            .context("demo instant")?
            .timestamp())
    };
    let dir = out.join("cases");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;

    // Facts from the rest of the demo: the UM day's denial and reduction, a denied claim, and
    // the rendering provider with the most paid claims (the audit's sampling frame).
    let request = |s: Status| {
        um_day
            .cases
            .iter()
            .find(|c| c.status == s)
            .map(|c| c.request.id.clone())
    };
    let denied = request(Status::Denied);
    let reduced = request(Status::PartiallyApproved);
    let member = um_day
        .cases
        .first()
        .map(|c| c.request.member_id.to_string());
    let disputed = store
        .decisions_with_status("denied")
        .await
        .map_err(fail)?
        .into_iter()
        .next();
    let mut by_provider: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in store.history_lines().await.map_err(fail)? {
        if l.paid {
            let v = by_provider.entry(l.rendering_npi).or_default();
            if v.last() != Some(&l.tracking) {
                v.push(l.tracking);
            }
        }
    }
    let audited = by_provider
        .into_iter()
        .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(&a.0)));

    let d = as_of;
    let mut filings: Vec<(&str, Value, Timestamp)> = Vec::new();
    if let Some(id) = &denied {
        filings.push((
            "level-1-appeal-of-denial",
            json!({"parties": {"filed_by": "provider"}, "subject": {"authorization": id},
                "filing": {"kind": "appeal", "level": "one"}}),
            at(d, 15, 30)?,
        ));
    }
    if let Some(id) = &reduced {
        filings.push((
            "expedited-appeal-of-reduction",
            json!({"parties": {"filed_by": "provider"}, "subject": {"authorization": id},
                "filing": {"kind": "appeal", "level": "one", "track": "expedited"}}),
            at(d, 15, 45)?,
        ));
    }
    filings.push((
        "late-level-2-appeal",
        json!({"parties": {"filed_by": "member_representative", "member": member},
            "subject": {"authorization": "PA-2026-000417"},
            "filing": {"kind": "appeal", "level": "two", "track": "standard", "nature": "clinical",
                "appealed_notice": days(d, -120).to_string(), "decided_by": ["md1", "appeals1"]}}),
        at(d, 10, 0)?,
    ));
    if let Some(dec) = &disputed {
        filings.push((
            "claim-dispute",
            json!({"parties": {"filed_by": "provider", "provider": dec.pay_to_npi},
                "subject": {"claim": dec.tracking}, "filing": {"kind": "claim_dispute"}}),
            at(d, 11, 0)?,
        ));
        filings.push((
            "portal-ticket-without-tracking-number",
            json!({"parties": {"filed_by": "provider", "provider": dec.pay_to_npi},
                "subject": {"claim": dec.tracking},
                "filing": {"kind": "portal_ticket", "registered": true}}),
            at(d, 11, 30)?,
        ));
        filings.push((
            "portal-ticket-too-soon",
            json!({"parties": {"filed_by": "provider", "provider": dec.pay_to_npi},
                "subject": {"claim": dec.tracking},
                "filing": {"kind": "portal_ticket", "registered": true,
                    "plan_tracking_number": "DSP-PLACEHOLDER"}}),
            at(d, 16, 0)?,
        ));
    }
    let some_npi = audited
        .as_ref()
        .map(|(npi, _)| npi.clone())
        .or_else(|| disputed.as_ref().map(|x| x.pay_to_npi.clone()));
    if let Some(npi) = &some_npi {
        filings.push((
            "provider-agreement-complaint",
            json!({"parties": {"filed_by": "provider", "provider": npi},
                "subject": {"contract_term": "Exhibit B: H0015-HF per-diem rate, 2026 amendment"},
                "filing": {"kind": "agreement_complaint", "event_date": days(d, -6).to_string()}}),
            at(d, 10, 30)?,
        ));
    }
    filings.push((
        "member-complaint",
        json!({"parties": {"filed_by": "member", "member": member},
            "filing": {"kind": "general_complaint"}}),
        at(days(d, -35), 10, 0)?,
    ));
    filings.push((
        "quality-of-care-overdue",
        json!({"parties": {"filed_by": "plan"}, "subject": {"provider": some_npi},
            "filing": {"kind": "quality_of_care",
                "identified": at(days(d, -2), 14, 0)?.to_string()}}),
        at(days(d, -2), 14, 30)?,
    ));
    filings.push((
        "quality-of-care-due-today",
        json!({"parties": {"filed_by": "plan"}, "subject": {"provider": some_npi},
            "filing": {"kind": "quality_of_care",
                "identified": at(days(d, -1), 20, 0)?.to_string()}}),
        at(days(d, -1), 20, 30)?,
    ));
    if let Some((npi, claims)) = &audited {
        filings.push((
            "billing-audit",
            json!({"parties": {"filed_by": "plan"}, "subject": {"provider": npi},
                "filing": {"kind": "billing_audit", "claims": claims,
                    "sample_size": claims.len().min(10), "seed": seed}}),
            at(d, 13, 0)?,
        ));
        filings.push((
            "treatment-record-review",
            json!({"parties": {"filed_by": "plan"}, "subject": {"provider": npi},
                "filing": {"kind": "treatment_record_review"}}),
            at(days(d, -10), 9, 0)?,
        ));
    }

    let mut refusals = Vec::new();
    let mut numbers: BTreeMap<&str, String> = BTreeMap::new();
    for (i, (name, mut filing, received)) in filings.into_iter().enumerate() {
        if filing["filing"]["plan_tracking_number"] == "DSP-PLACEHOLDER" {
            filing["filing"]["plan_tracking_number"] = numbers
                .get("claim-dispute")
                .cloned()
                .unwrap_or_default()
                .into();
        }
        let file = format!("{:02}-{name}.json", i + 1);
        std::fs::write(dir.join(&file), serde_json::to_string_pretty(&filing)?)
            .with_context(|| format!("cannot write {file}"))?;
        match cases::file(store, plan, &filing, received, "demo").await {
            Ok(v) => {
                numbers.insert(name, v.record.id.clone());
            }
            Err(accord_service::ServiceError::Case(e)) => {
                refusals.push((format!("filing {file}"), e.to_string()));
            }
            Err(e) => return Err(fail(e)),
        }
    }

    // Actions: reviewers the rules refuse (APL-03) and the ones they accept; decisions; the
    // member complaint acknowledged the day after it came in.
    let act = |id: &str, when: Timestamp, actor: &str, action: Action| {
        (id.to_owned(), Event::new(when, actor, action))
    };
    let assign = |r: &str| Action::AssignReviewer {
        reviewer: r.to_owned(),
    };
    let mut actions = Vec::new();
    if let Some(id) = numbers.get("level-1-appeal-of-denial") {
        actions.push(act(id, at(d, 15, 35)?, "appeals1", assign("psy1")));
        actions.push(act(id, at(d, 15, 40)?, "appeals1", assign("md-lead")));
    }
    if let Some(id) = numbers.get("expedited-appeal-of-reduction") {
        actions.push(act(id, at(d, 15, 50)?, "appeals1", assign("ccm1")));
        actions.push(act(id, at(d, 15, 55)?, "appeals1", assign("appeals1")));
        actions.push(act(
            id,
            at(d, 16, 40)?,
            "appeals1",
            Action::Decide {
                outcome: AppealOutcome::Overturned,
            },
        ));
    }
    if let Some(id) = numbers.get("member-complaint") {
        actions.push(act(
            id,
            at(days(d, -34), 9, 0)?,
            "member-services",
            Action::Acknowledge,
        ));
    }
    for (id, event) in actions {
        match cases::act(store, plan, &id, &event).await {
            Ok(_) => {}
            Err(accord_service::ServiceError::Case(e)) => refusals.push((
                format!(
                    "{} on {id} by {}",
                    describe_action(&event.action),
                    event.actor
                ),
                e.to_string(),
            )),
            Err(e) => return Err(fail(e)),
        }
    }

    let end_of_day = at(d, 17, 0)?;
    let due = cases::due(store, plan, end_of_day, DueSelection::All, None)
        .await
        .map_err(fail)?;
    let all = cases::list(store, plan, &ListFilter::default(), end_of_day)
        .await
        .map_err(fail)?;
    let report = um::report(store, plan, days(d, -30), d)
        .await
        .map_err(fail)?;
    let overturned = report
        .iter()
        .find(|r| r.group == "all")
        .map_or(0, |r| r.overturned_on_appeal);
    let billing_blocked = match &denied {
        Some(id) => Some((
            id.clone(),
            cases::member_billing_blocked(store, plan, id, end_of_day)
                .await
                .map_err(fail)?,
        )),
        None => None,
    };
    Ok(CasesDay {
        cases: all,
        refusals,
        due,
        overturned,
        billing_blocked,
        as_of,
        dir,
    })
}

fn describe_action(a: &Action) -> String {
    match a {
        Action::AssignReviewer { reviewer } => format!("assigning {reviewer}"),
        other => other.name().replace('_', " "),
    }
}

/// Prints the cases and the due list.
pub fn print(day: &CasesDay, plan: &Plan) {
    println!(
        "\nCases: appeals, complaints, claim disputes, the state portal, audits ({} on file):",
        day.cases.len()
    );
    for v in &day.cases {
        println!("  {}", super::case::one_line(v, plan));
    }
    for (what, why) in &day.refusals {
        println!("  refused — {what}:\n      {why}");
    }
    if let Some((id, blocked)) = &day.billing_blocked {
        println!(
            "  APL-04: {id} {}",
            if *blocked {
                "may not be billed to the member while its appeal is open"
            } else {
                "may be billed as usual"
            }
        );
    }
    println!(
        "  QM-04: {} adverse UM decision(s) of the last 30 days overturned on appeal",
        day.overturned
    );
    let due = super::case::describe_due(&day.due, plan, DueSelection::All);
    for line in due.lines() {
        println!("  {line}");
    }
    println!(
        "  filings: {}/ (accord case file FILE --at {}T09:00)",
        day.dir.display(),
        day.as_of
    );
    println!(
        "  try: accord case due --at {}T17:00 · accord case show {} --at {}T17:00",
        day.as_of,
        day.cases
            .iter()
            .find(|v| v.record.id.starts_with("APL-"))
            .or(day.cases.first())
            .map(|v| v.record.id.as_str())
            .unwrap_or(""),
        day.as_of
    );
}
