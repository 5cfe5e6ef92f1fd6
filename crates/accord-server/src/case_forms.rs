//! Cases from the pages: the provider portal's forms to file an appeal, a complaint or a claim
//! dispute, and the staff console's page to act on a case with its deadlines in view. Both post
//! plain forms carrying the signed-in user's CSRF token and go through the same checks as the case API
//! ([`crate::cases::file_as`], [`crate::cases::act_as`]): scope, the filing windows and every rule
//! are the cases engine's, and its refusal sentence is shown as it is.

use accord_cases::CaseKind;
use accord_service::cases::{self as svc, CaseView};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{Caller, Principal, Role};
use crate::cases::{act_as, file_as, visible};
use crate::error::ApiError;
use crate::pages::{esc, page, refused};

/// The CSRF check every form post makes: the token must be the one issued at sign-in.
pub(crate) fn check_csrf(caller: &Caller, token: &str) -> Result<(), ApiError> {
    if caller.csrf.as_deref() == Some(token) && !token.is_empty() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "the form's CSRF token does not match your sign-in; reload the page",
        ))
    }
}

fn hidden_csrf(caller: &Caller) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(caller.csrf.as_deref().unwrap_or(""))
    )
}

/// The three filing forms, with an optional refusal above them.
fn filing_forms(caller: &Caller, alert: Option<&str>) -> String {
    let csrf = hidden_csrf(caller);
    let alert = alert
        .map(|m| format!("<p role=\"alert\" id=\"refusal\">{}</p>", esc(m)))
        .unwrap_or_default();
    format!(
        "{alert}<p>Deadlines are counted by the plan from the day it receives your filing; a late \
filing is refused with the window and the dates.</p>\
<section><h2>Appeal a utilization-management decision (APL-01)</h2>\
<form method=\"post\" action=\"/portal/cases/new\" id=\"appeal-form\">{csrf}<input type=\"hidden\" name=\"kind\" value=\"appeal\">\
<label>Authorization request number <input name=\"authorization\" required></label>\
<label>Level <select name=\"level\"><option value=\"one\">Level I</option><option value=\"two\">Level II</option></select></label>\
<button>File the appeal</button></form></section>\
<section><h2>File a complaint (CMP-01, CMP-02)</h2>\
<form method=\"post\" action=\"/portal/cases/new\" id=\"complaint-form\">{csrf}<input type=\"hidden\" name=\"kind\" value=\"complaint\">\
<label>About <select name=\"complaint_type\"><option value=\"agreement\">the provider agreement</option><option value=\"general\">something else</option></select></label>\
<label>Agreement term (for a complaint about the agreement) <input name=\"contract_term\"></label>\
<label>Date of the event <input name=\"event_date\" type=\"date\"></label>\
<button>File the complaint</button></form></section>\
<section><h2>Dispute a claim (DSP-01)</h2>\
<form method=\"post\" action=\"/portal/cases/new\" id=\"dispute-form\">{csrf}<input type=\"hidden\" name=\"kind\" value=\"claim_dispute\">\
<label>Claim tracking number <input name=\"claim\" required></label>\
<button>Dispute the claim</button></form></section>"
    )
}

/// `GET /portal/cases/new`: the filing forms.
pub async fn new_case_page(caller: Result<Caller, ApiError>) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    if let Err(e) = may_file(p) {
        return refused(p, "File an appeal, complaint or dispute", e);
    }
    page(
        "File an appeal, complaint or dispute",
        Some(p),
        &filing_forms(&caller, None),
    )
    .into_response()
}

fn may_file(p: &Principal) -> Result<(), ApiError> {
    if p.role == Role::Provider || (p.role.is_plan_staff() && p.role.may_write()) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "{} ({}) may not file cases",
            p.user_id,
            p.role.as_str()
        )))
    }
}

/// The filing forms' fields (one form per kind; unused fields are left empty).
#[derive(Debug, Deserialize)]
pub struct FilingFields {
    csrf: String,
    kind: String,
    #[serde(default)]
    authorization: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    complaint_type: String,
    #[serde(default)]
    contract_term: String,
    #[serde(default)]
    event_date: String,
    #[serde(default)]
    claim: String,
}

/// The filing a form describes, or the field at fault.
pub fn filing_of(f: &FilingFields) -> Result<Value, ApiError> {
    let need = |field: &str, v: &str| -> Result<String, ApiError> {
        let v = v.trim();
        if v.is_empty() {
            Err(ApiError::invalid(field, format!("{field} is required")))
        } else {
            Ok(v.to_owned())
        }
    };
    match f.kind.as_str() {
        "appeal" => {
            let level = match f.level.trim() {
                "" | "one" => "one",
                "two" => "two",
                other => {
                    return Err(ApiError::invalid(
                        "level",
                        format!("level {other:?} is not one or two"),
                    ));
                }
            };
            Ok(json!({
                "parties": {"filed_by": "provider"},
                "subject": {"authorization": need("authorization", &f.authorization)?},
                "filing": {"kind": "appeal", "level": level}
            }))
        }
        "complaint" if f.complaint_type == "general" => Ok(json!({
            "parties": {"filed_by": "provider"},
            "filing": {"kind": "general_complaint"}
        })),
        "complaint" => Ok(json!({
            "parties": {"filed_by": "provider"},
            "subject": {"contract_term": need("contract_term", &f.contract_term)?},
            "filing": {"kind": "agreement_complaint", "event_date": need("event_date", &f.event_date)?}
        })),
        "claim_dispute" => Ok(json!({
            "parties": {"filed_by": "provider"},
            "subject": {"claim": need("claim", &f.claim)?},
            "filing": {"kind": "claim_dispute"}
        })),
        other => Err(ApiError::invalid(
            "kind",
            format!("kind {other:?} is not appeal, complaint or claim_dispute"),
        )),
    }
}

/// `POST /portal/cases/new`: files the case (CSRF checked) and shows it, or shows the forms again
/// with the refusal — for a late filing, the cases engine's sentence naming the window and dates.
pub async fn new_case_submit(
    State(state): State<AppState>,
    caller: Caller,
    Form(f): Form<FilingFields>,
) -> Response {
    let p = &caller.principal;
    let title = "File an appeal, complaint or dispute";
    if let Err(e) = check_csrf(&caller, &f.csrf).and_then(|()| may_file(p)) {
        return refused(p, title, e);
    }
    let result = match filing_of(&f) {
        Ok(draft) => file_as(&state, p, draft).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(v) => Redirect::to(&format!("/portal/cases/{}", v.record.id)).into_response(),
        Err(e) => (
            e.status,
            page(
                title,
                Some(p),
                &filing_forms(&caller, Some(&e.body.message)),
            ),
        )
            .into_response(),
    }
}

/// The actions a staff member can take on a case of `kind` from the console (those that need a
/// list of findings go through the API).
pub fn console_actions(kind: CaseKind) -> &'static [&'static str] {
    match kind {
        CaseKind::Appeal => &[
            "assign_reviewer",
            "request_information",
            "information_received",
            "decide",
            "verbal_notice_given",
            "withdraw",
        ],
        CaseKind::AgreementComplaint => &[
            "request_information",
            "information_received",
            "answer",
            "file_second_level",
            "resolve",
            "withdraw",
        ],
        CaseKind::GeneralComplaint => &["acknowledge", "extend", "resolve", "withdraw"],
        CaseKind::QualityOfCare => &["report"],
        CaseKind::ClaimDispute | CaseKind::ReviewRequest => &["resolve", "withdraw"],
        CaseKind::PortalRegistration => &["register"],
        CaseKind::PortalTicket => &["request_information", "information_received", "resolve"],
        CaseKind::BillingAudit => &[
            "records_received",
            "appeal_findings",
            "committee_met",
            "decide_findings_appeal",
            "extend_to",
            "repayment_received",
            "installment_plan_approved",
            "start_monitoring",
            "continue_monitoring",
            "end_monitoring",
            "complete",
        ],
        CaseKind::TreatmentRecordReview => &["records_received", "complete"],
        CaseKind::Recovery => &[
            "send_demand",
            "request_review",
            "decide_review",
            "balance_recovered",
        ],
        CaseKind::CredentialingAppeal => &[
            "request_information",
            "information_received",
            "decide_credentialing_appeal",
            "request_fair_hearing",
            "fair_hearing_held",
        ],
    }
}

fn console_case_body(
    v: &CaseView,
    caller: &Caller,
    tz: &jiff::tz::TimeZone,
    alert: Option<&str>,
) -> String {
    let p = &caller.principal;
    let id = esc(&v.record.id);
    let local = |t: jiff::Timestamp| t.to_zoned(tz.clone()).strftime("%F %H:%M %Z").to_string();
    let clocks: String = v
        .status
        .clocks
        .iter()
        .map(|c| {
            let overdue = c.due.is_some_and(|d| d < v.status.now);
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
                esc(c.rule),
                esc(c.label),
                esc(&svc::owner_key(c.owner)),
                if overdue { "overdue" } else { "" },
                c.due.map(local).unwrap_or_else(|| "—".into()),
                esc(&format!("{:?}", c.state))
            )
        })
        .collect();
    let events: String = v
        .record
        .events
        .iter()
        .map(|e| {
            format!(
                "<li>{} · {} · {}</li>",
                local(e.at),
                esc(&e.actor),
                esc(e.action.name())
            )
        })
        .collect();
    let alert = alert
        .map(|m| format!("<p role=\"alert\" id=\"refusal\">{}</p>", esc(m)))
        .unwrap_or_default();
    let form = if p.role.may_write() && !v.status.is_closed() {
        let options: String = console_actions(v.status.kind)
            .iter()
            .map(|a| format!("<option value=\"{a}\">{}</option>", a.replace('_', " ")))
            .collect();
        format!(
            "<h2>Act</h2><form method=\"post\" action=\"/console/cases/{id}/events\" id=\"act-form\">{}\
<label>Action <select name=\"action\">{options}</select></label>\
<label>Reviewer (assign reviewer) <input name=\"reviewer\"></label>\
<label>Outcome (decide: upheld, overturned, partly_overturned, …) <input name=\"outcome\"></label>\
<label>What is asked for (request information) <input name=\"what\"></label>\
<label>Claim follow-up (resolve) <select name=\"claim\"><option value=\"\">none</option><option value=\"readjudicate\">readjudicate</option><option value=\"adjust\">adjust</option></select></label>\
<label>Until (extend to) <input name=\"until\" type=\"date\"></label>\
<label><input type=\"checkbox\" name=\"for_member_benefit\" value=\"yes\"> For the member's benefit (extend)</label>\
<label><input type=\"checkbox\" name=\"upheld\" value=\"yes\"> Recovery upheld (decide review)</label>\
<label><input type=\"checkbox\" name=\"fair_hearing_available\" value=\"yes\"> Fair hearing available</label>\
<label>Reason <input name=\"reason\"></label>\
<button>Record</button></form>",
            hidden_csrf(caller)
        )
    } else {
        String::new()
    };
    format!(
        "{alert}<p>{} · phase <strong id=\"phase\">{}</strong>{} · received {}</p>\
<h2>Deadlines</h2><table id=\"deadlines\"><thead><tr><th>Rule</th><th>Clock</th><th>Owner</th><th>Due</th><th>State</th></tr></thead><tbody>{clocks}</tbody></table>\
{form}<h2>History</h2><ol><li>{} · filed</li>{events}</ol>",
        esc(v.status.kind.label()),
        esc(&format!("{:?}", v.status.phase)),
        v.status
            .closure
            .as_ref()
            .map(|c| format!(" · closed: {}", esc(&format!("{c:?}"))))
            .unwrap_or_default(),
        local(v.record.received),
        local(v.record.received),
    )
}

fn may_use_console(p: &Principal) -> Result<(), ApiError> {
    if p.role.is_plan_staff() || p.role == Role::StatePortal {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "the console is for plan and state staff; providers see their cases at /portal/cases",
        ))
    }
}

/// `GET /console/cases/{id}`: a case's deadlines, history and the action form.
pub async fn console_case_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let title = format!("Case {id}");
    if let Err(e) = may_use_console(p) {
        return refused(p, &title, e);
    }
    match visible(&state, p, &id).await {
        Ok(v) => page(
            &title,
            Some(p),
            &console_case_body(&v, &caller, state.plan.time_zone(), None),
        )
        .into_response(),
        Err(e) => refused(p, &title, e),
    }
}

/// The action form's fields.
#[derive(Debug, Deserialize)]
pub struct ActionFields {
    csrf: String,
    action: String,
    #[serde(default)]
    reviewer: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    what: String,
    #[serde(default)]
    claim: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    for_member_benefit: String,
    #[serde(default)]
    upheld: String,
    #[serde(default)]
    fair_hearing_available: String,
    #[serde(default)]
    reason: String,
}

/// The event a form describes: the action with the fields it takes.
pub fn event_of(f: &ActionFields) -> Value {
    let mut e = serde_json::Map::new();
    e.insert("action".into(), json!(f.action.trim()));
    let text = |e: &mut serde_json::Map<String, Value>, k: &str, v: &str| {
        if !v.trim().is_empty() {
            e.insert(k.into(), json!(v.trim()));
        }
    };
    match f.action.trim() {
        "assign_reviewer" => text(&mut e, "reviewer", &f.reviewer),
        "request_information" => text(&mut e, "what", &f.what),
        "decide" | "decide_findings_appeal" => text(&mut e, "outcome", &f.outcome),
        "decide_credentialing_appeal" => {
            text(&mut e, "outcome", &f.outcome);
            e.insert(
                "fair_hearing_available".into(),
                json!(f.fair_hearing_available == "yes"),
            );
        }
        "extend" => {
            e.insert(
                "for_member_benefit".into(),
                json!(f.for_member_benefit == "yes"),
            );
            e.insert("reason".into(), json!(f.reason.trim()));
        }
        "extend_to" => {
            text(&mut e, "until", &f.until);
            e.insert("reason".into(), json!(f.reason.trim()));
        }
        "resolve" => text(&mut e, "claim", &f.claim),
        "decide_review" => {
            e.insert("upheld".into(), json!(f.upheld == "yes"));
        }
        "withdraw" => text(&mut e, "reason", &f.reason),
        _ => {}
    }
    Value::Object(e)
}

/// `POST /console/cases/{id}/events`: records the action (CSRF checked) and shows the case again,
/// with the engine's refusal when it refused.
pub async fn console_case_act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(f): Form<ActionFields>,
) -> Response {
    let p = &caller.principal;
    let title = format!("Case {id}");
    if let Err(e) = check_csrf(&caller, &f.csrf).and_then(|()| may_use_console(p)) {
        return refused(p, &title, e);
    }
    match act_as(&state, p, &id, event_of(&f)).await {
        Ok(_) => Redirect::to(&format!("/console/cases/{id}")).into_response(),
        Err(e) => match visible(&state, p, &id).await {
            Ok(v) => (
                e.status,
                page(
                    &title,
                    Some(p),
                    &console_case_body(&v, &caller, state.plan.time_zone(), Some(&e.body.message)),
                ),
            )
                .into_response(),
            Err(_) => refused(p, &title, e),
        },
    }
}
