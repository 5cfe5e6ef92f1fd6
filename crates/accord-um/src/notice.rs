//! UM-06 adverse-determination notices: every element as data, and the printable letter.

use accord_core::member::Program;
use accord_core::{Date, calendar};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::case::{Context, PhoneNotice, Status, UmCase, reconsideration_deadline};
use crate::request::{ReviewType, Urgency};

/// An adverse-determination notice (UM-06). Each field is one of the handbook's elements a–i.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdverseNotice {
    /// Request number.
    pub request_id: String,
    /// Plan name.
    pub plan_name: String,
    /// Member ID.
    pub member_id: String,
    /// Requesting and servicing provider NPIs.
    pub provider_npi: String,
    /// Level of care.
    pub level_of_care: String,
    /// Denied, partially approved or administratively denied.
    pub determination: Status,
    /// What was approved, in words (partial approvals).
    pub approved: Vec<String>,
    /// Decision date (plan time zone).
    pub decided_on: Date,
    /// Decided by (name and role).
    pub decided_by: String,
    /// a. The specific reasons.
    pub reasons: Vec<String>,
    /// b. The criteria used, available on request.
    pub criteria_statement: String,
    /// c. Reconsideration: the last day to ask, when available.
    pub reconsideration_by: Option<Date>,
    /// d. Appeal rights and how to appeal (expedited where applicable).
    pub appeal_rights: String,
    /// Expedited appeal available (urgent care, first level).
    pub expedited_appeal: bool,
    /// e. How an appeal may be asked for.
    pub appeal_methods: Vec<String>,
    /// f. The last day to appeal.
    pub appeal_by: Date,
    /// g. The right to submit documents.
    pub documents_statement: String,
    /// h. Expedited external review for urgent care (may run concurrently).
    pub external_review: Option<String>,
    /// i. ERISA civil action, when applicable.
    pub erisa: Option<String>,
    /// Urgent: the decision must also be told by phone at decision time.
    pub phone_notice_required: bool,
    /// The phone notice, once recorded.
    pub phone_notice: Option<PhoneNotice>,
    /// UM-11: the member is held harmless.
    pub member_held_harmless: bool,
}

/// The notice for a case with an adverse decision (`None` otherwise).
pub fn adverse_notice(cx: Context<'_>, case: &UmCase) -> Option<AdverseNotice> {
    let d = case.decision.as_ref()?;
    if !case.status.is_adverse() {
        return None;
    }
    let cfg = &cx.plan.config;
    let decided_on = calendar::local_date(d.at, cx.tz);
    let urgent = case.request.urgency == Urgency::Urgent;
    let retro = case.request.review_type == ReviewType::Retrospective;
    let appeal_days = if retro {
        cfg.appeals.retrospective_days
    } else {
        cfg.appeals.level1_filing_days
    };
    let appeal_by =
        calendar::add_calendar_days(decided_on, i64::from(appeal_days)).unwrap_or(decided_on);
    let expedited = urgent && !retro;
    Some(AdverseNotice {
        request_id: case.request.id.clone(),
        plan_name: cfg.name.clone(),
        member_id: case.request.member_id.to_string(),
        provider_npi: case.request.servicing_npi.to_string(),
        level_of_care: case.request.level_of_care.clone(),
        determination: case.status,
        approved: d
            .approved
            .iter()
            .map(|s| {
                format!(
                    "{}{} — {} units, {} to {}",
                    s.code,
                    s.modifiers.iter().map(|m| format!("-{m}")).collect::<String>(),
                    s.units,
                    d.from.map(|x| x.to_string()).unwrap_or_default(),
                    d.to.map(|x| x.to_string()).unwrap_or_default()
                )
            })
            .collect(),
        decided_on,
        decided_by: match d.by.role {
            Some(r) => format!("{}, {}", d.by.name, r.as_str().replace('_', " ")),
            None => d.by.name.clone(),
        },
        reasons: d.reasons.clone(),
        criteria_statement: format!(
            "The clinical rationale and the criteria used ({}) will be provided in writing on request.",
            d.criteria_set
                .clone()
                .unwrap_or_else(|| "the plan's administrative rules".into())
        ),
        reconsideration_by: reconsideration_deadline(cx, case),
        appeal_rights: format!(
            "You may appeal this decision. A Level I appeal must be filed within {appeal_days} calendar days of this notice{}{}.",
            if expedited {
                format!(
                    "; because the care is urgent you may ask for an expedited appeal, decided within {} hours",
                    cfg.appeals.expedited_hours
                )
            } else {
                String::new()
            },
            if retro {
                "; a retrospective decision has one level of appeal"
            } else {
                ""
            }
        ),
        expedited_appeal: expedited,
        appeal_methods: vec![
            "by telephone (verbally)".into(),
            "in writing".into(),
            "by fax".into(),
        ],
        appeal_by,
        documents_statement: "The member and the provider may submit written comments, documents, records and other information about the request for the appeal to consider.".into(),
        external_review: urgent.then(|| {
            "For urgent care, an expedited external review may be asked for at the same time as the expedited appeal.".into()
        }),
        erisa: matches!(cx.plan.config.program, Program::Commercial | Program::Eap).then(|| {
            "If the member's plan is governed by ERISA, the member has the right to bring a civil action under section 502(a) of the Employee Retirement Income Security Act of 1974 after the appeal.".into()
        }),
        phone_notice_required: urgent,
        phone_notice: case.phone_notice.clone(),
        member_held_harmless: case.status == Status::AdministrativelyDenied,
    })
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// The printable letter (HTML), every UM-06 element in order.
pub fn render_html(n: &AdverseNotice) -> String {
    let mut h = String::new();
    let li = |items: &[String]| -> String {
        items
            .iter()
            .map(|i| format!("<li>{}</li>", esc(i)))
            .collect::<String>()
    };
    let title = match n.determination {
        Status::PartiallyApproved => "Notice of partial approval (adverse determination)",
        Status::AdministrativelyDenied => "Notice of administrative denial",
        _ => "Notice of adverse determination",
    };
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t} — {id}</title>\n<style>body{{font-family:Georgia,serif;max-width:46rem;margin:2rem auto;line-height:1.45}}h1{{font-size:1.4rem}}dt{{font-weight:bold}}section{{margin-top:1.2rem}}@media print{{body{{margin:0}}}}</style></head><body>\n",
        t = esc(title),
        id = esc(&n.request_id)
    ));
    h.push_str(&format!(
        "<header><p>{}</p><h1>{}</h1></header>\n<dl><dt>Request</dt><dd>{}</dd><dt>Member</dt><dd>{}</dd><dt>Provider (NPI)</dt><dd>{}</dd><dt>Level of care</dt><dd>{}</dd><dt>Decided</dt><dd>{} by {}</dd></dl>\n",
        esc(&n.plan_name),
        esc(title),
        esc(&n.request_id),
        esc(&n.member_id),
        esc(&n.provider_npi),
        esc(&n.level_of_care),
        n.decided_on,
        esc(&n.decided_by)
    ));
    if !n.approved.is_empty() {
        h.push_str(&format!(
            "<section><h2>What is approved</h2><ul>{}</ul></section>\n",
            li(&n.approved)
        ));
    }
    h.push_str(&format!(
        "<section><h2>a. Why</h2><ul>{}</ul></section>\n",
        li(&n.reasons)
    ));
    if n.member_held_harmless {
        h.push_str("<section><p><strong>The member is held harmless: the provider may not bill the member for this service.</strong></p></section>\n");
    }
    h.push_str(&format!(
        "<section><h2>b. Criteria</h2><p>{}</p></section>\n",
        esc(&n.criteria_statement)
    ));
    h.push_str(&format!(
        "<section><h2>c. Reconsideration</h2><p>{}</p></section>\n",
        match n.reconsideration_by {
            Some(d) => format!(
                "Because no peer-to-peer conversation took place, the provider may ask for a reconsideration by {d}."
            ),
            None => "Reconsideration is not available for this decision; you may appeal.".into(),
        }
    ));
    h.push_str(&format!(
        "<section><h2>d. Your appeal rights</h2><p>{}</p>\n<h2>e. How to appeal</h2><ul>{}</ul>\n<h2>f. Deadline</h2><p>File your appeal by {}.</p></section>\n",
        esc(&n.appeal_rights),
        li(&n.appeal_methods),
        n.appeal_by
    ));
    h.push_str(&format!(
        "<section><h2>g. Documents</h2><p>{}</p></section>\n",
        esc(&n.documents_statement)
    ));
    if let Some(x) = &n.external_review {
        h.push_str(&format!(
            "<section><h2>h. Urgent care</h2><p>{}</p></section>\n",
            esc(x)
        ));
    }
    if let Some(x) = &n.erisa {
        h.push_str(&format!(
            "<section><h2>i. ERISA</h2><p>{}</p></section>\n",
            esc(x)
        ));
    }
    if n.phone_notice_required {
        h.push_str(&format!(
            "<section><h2>Telephone notice</h2><p>{}</p></section>\n",
            match &n.phone_notice {
                Some(p) => format!(
                    "This urgent decision was told by telephone to {} by {} at {}.",
                    esc(&p.to),
                    esc(&p.by),
                    p.at
                ),
                None => "This is an urgent decision: it must also be told by telephone at decision time (not yet recorded).".into(),
            }
        ));
    }
    h.push_str("</body></html>\n");
    h
}

/// The instant a notice's phone call is recorded, for convenience in tests and shells.
pub fn phone_notice(at: Timestamp, by: &str, to: &str) -> PhoneNotice {
    PhoneNotice {
        at,
        by: by.into(),
        to: to.into(),
    }
}
