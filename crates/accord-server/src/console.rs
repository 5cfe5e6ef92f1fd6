//! More of the staff console: the claims pend queue with the examiner's actions (as `accord claims
//! examine`: approve, deny with a CARC, request records — each with a reason the provider sees),
//! and the peer-review screen (UM-05: schedule or record a peer-to-peer conversation for a request,
//! as `accord auth peer-to-peer`). Plain forms carrying the signed-in user's CSRF token.

use accord_service::examine::{Examiner, ExaminerAction, examine};
use accord_um::case::PeerToPeer;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use crate::AppState;
use crate::api::audit;
use crate::auth::{Caller, Principal, Role};
use crate::case_forms::check_csrf;
use crate::error::ApiError;
use crate::pages::{esc, page, refused};

/// Who works the pend queue: examiners and the administrator act; the auditor reads.
const PEND_READERS: &[Role] = &[Role::ClaimsExaminer, Role::Administrator, Role::Auditor];
const PEND_ACTORS: &[Role] = &[Role::ClaimsExaminer, Role::Administrator];

/// Who uses the peer-review screen: clinical staff and the administrator act; the auditor reads.
const PEER_READERS: &[Role] = &[
    Role::ClinicalCareManager,
    Role::Psychiatrist,
    Role::DoctoralPsychologist,
    Role::Administrator,
    Role::Auditor,
];
const PEER_ACTORS: &[Role] = &[
    Role::ClinicalCareManager,
    Role::Psychiatrist,
    Role::DoctoralPsychologist,
    Role::Administrator,
];

/// One pended line as the queue shows it.
struct HeldLine {
    number: u64,
    code: String,
    queue: String,
    reason: String,
}

/// The held lines of a stored decision (the engine's JSON).
fn held_lines(decision_json: &str) -> Vec<HeldLine> {
    let v: serde_json::Value = serde_json::from_str(decision_json).unwrap_or_default();
    v["lines"]
        .as_array()
        .map(|ls| {
            ls.iter()
                .filter(|l| l["pend"].is_object())
                .map(|l| HeldLine {
                    number: l["number"].as_u64().unwrap_or(0),
                    code: l["procedure"].as_str().unwrap_or("").to_owned(),
                    queue: l["pend"]["queue"].as_str().unwrap_or("").to_owned(),
                    reason: l["pend"]["reason"].as_str().unwrap_or("").to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `GET /console/claims/pended`: every pended claim with its held lines, queue and reason, and
/// the examiner's form.
pub async fn pend_queue_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let title = "Claims pend queue";
    if let Err(e) = p.require(PEND_READERS, "see the claims pend queue") {
        return refused(p, title, e);
    }
    let pended = match state.store.decisions_with_status("pended").await {
        Ok(d) => d,
        Err(e) => return refused(p, title, ApiError::from_store(e)),
    };
    let csrf = esc(caller.csrf.as_deref().unwrap_or(""));
    let acts = PEND_ACTORS.contains(&p.role);
    let mut rows = String::new();
    for d in &pended {
        let held = held_lines(&d.decision);
        let lines: String = held
            .iter()
            .map(|h| {
                format!(
                    "<li>line {} {} — queue <strong>{}</strong>: {}</li>",
                    h.number,
                    esc(&h.code),
                    esc(&h.queue),
                    esc(&h.reason)
                )
            })
            .collect();
        let form = if acts {
            format!(
                "<form method=\"post\" action=\"/console/claims/{t}/examine\" class=\"examine\">\
<input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<label><input type=\"radio\" name=\"action\" value=\"approve\" checked> Approve</label>\
<label><input type=\"radio\" name=\"action\" value=\"deny\"> Deny with CARC <input name=\"carc\" size=\"4\" placeholder=\"16\"></label>\
<label>Remark code (RARC; empty: the plan's for the CARC) <input name=\"rarc\" size=\"5\" placeholder=\"N29\"></label>\
<label><input type=\"radio\" name=\"action\" value=\"request_records\"> Request records</label>\
<label>Rates for unpriced lines (LINE=RATE, comma-separated) <input name=\"rates\"></label>\
<label>Reason (shown to the provider) <input name=\"reason\" required></label>\
<button>Record</button></form>",
                t = esc(&d.tracking)
            )
        } else {
            String::new()
        };
        rows.push_str(&format!(
            "<tr><td><a href=\"/portal/claims/{t}\">{t}</a></td><td>{}</td><td>{}</td><td>{}</td><td><ul>{lines}</ul>{form}</td></tr>",
            esc(d.member_id.as_deref().unwrap_or("")),
            esc(&d.pay_to_npi),
            d.received_on,
            t = esc(&d.tracking)
        ));
    }
    page(
        title,
        Some(p),
        &format!(
            "<p>{} pended claims</p><table id=\"pended\"><thead><tr><th>Claim</th><th>Member</th><th>Pay-to</th><th>Received</th><th>Held lines and action</th></tr></thead><tbody>{rows}</tbody></table>",
            pended.len()
        ),
    )
    .into_response()
}

/// The examiner form's fields.
#[derive(Debug, Deserialize)]
pub struct ExamineFields {
    csrf: String,
    action: String,
    #[serde(default)]
    carc: String,
    #[serde(default)]
    rarc: String,
    #[serde(default)]
    rates: String,
    #[serde(default)]
    reason: String,
}

/// The examiner's action a form describes, or the field at fault.
fn action_of(f: &ExamineFields) -> Result<ExaminerAction, ApiError> {
    match f.action.as_str() {
        "approve" => {
            let mut rates = Vec::new();
            for r in f.rates.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                let parsed = r.split_once('=').and_then(|(l, m)| {
                    Some((
                        l.trim().parse::<u32>().ok()?,
                        accord_core::Money::parse(m.trim()).ok()?,
                    ))
                });
                rates.push(parsed.ok_or_else(|| {
                    ApiError::invalid(
                        "rates",
                        format!("rates: {r:?} is not LINE=RATE, e.g. 2=23.10"),
                    )
                })?);
            }
            Ok(ExaminerAction::Approve { rates })
        }
        "deny" => {
            let carc = f.carc.trim();
            if carc.is_empty() || carc.len() > 3 || !carc.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return Err(ApiError::invalid(
                    "carc",
                    "carc: a claim adjustment reason code is required to deny (e.g. 16, 50)",
                ));
            }
            let rarc = f.rarc.trim();
            Ok(ExaminerAction::Deny {
                carc: carc.to_owned(),
                // Checked against the plan's remark codes by the service.
                rarc: (!rarc.is_empty()).then(|| rarc.to_owned()),
            })
        }
        "request_records" => Ok(ExaminerAction::RequestRecords),
        other => Err(ApiError::invalid(
            "action",
            format!("action {other:?} is not approve, deny or request_records"),
        )),
    }
}

/// `POST /console/claims/{tracking}/examine`: the examiner's action (CSRF checked, reason
/// required), then the claim's page.
pub async fn examine_submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(tracking): Path<String>,
    Form(f): Form<ExamineFields>,
) -> Response {
    let p = &caller.principal;
    let title = format!("Examine claim {tracking}");
    let checked = check_csrf(&caller, &f.csrf)
        .and_then(|()| p.require(PEND_ACTORS, "examine pended claims"))
        .and_then(|()| {
            if f.reason.trim().is_empty() {
                Err(ApiError::invalid(
                    "reason",
                    "reason: an examiner action needs a reason (it is shown to the provider)",
                ))
            } else {
                Ok(())
            }
        })
        .and_then(|()| action_of(&f));
    let action = match checked {
        Ok(a) => a,
        Err(e) => return refused(p, &title, e),
    };
    let now = Timestamp::now();
    let who = Examiner {
        actor: p.user_id.clone(),
        reason: f.reason.trim().to_owned(),
        today: now.to_zoned(state.plan.time_zone().clone()).date(),
        at: now,
    };
    match examine(&state.store, &state.plan, &tracking, &action, &who).await {
        Ok(_) => {
            if let Err(e) = audit(
                &state,
                p,
                "write claim examination",
                "claim",
                &tracking,
                None,
                "allowed",
            )
            .await
            {
                return refused(p, &title, e);
            }
            Redirect::to(&format!("/portal/claims/{tracking}")).into_response()
        }
        Err(e) => refused(p, &title, ApiError::from_service(e)),
    }
}

fn peer_rows(c: &accord_um::UmCase, tz: &jiff::tz::TimeZone) -> String {
    let local = |t: Timestamp| t.to_zoned(tz.clone()).strftime("%F %H:%M").to_string();
    c.peer_to_peer
        .iter()
        .map(|p| match p.held_at {
            Some(h) => format!(
                "<li>held {} with {}: {}</li>",
                local(h),
                esc(&p.reviewer),
                esc(&p.outcome)
            ),
            None => format!(
                "<li>offered {} by {}{}</li>",
                local(p.offered_at),
                esc(&p.reviewer),
                if p.outcome.is_empty() {
                    String::new()
                } else {
                    format!(": {}", esc(&p.outcome))
                }
            ),
        })
        .collect()
}

/// `GET /console/peer-review`: requests in clinical review and requests with an adverse decision,
/// each with its peer-to-peer record and a form to schedule or record one (UM-05, UM-06).
pub async fn peer_review_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let title = "Peer review";
    if let Err(e) = p.require(PEER_READERS, "use the peer-review screen") {
        return refused(p, title, e);
    }
    let all = match accord_service::um::all(&state.store).await {
        Ok(a) => a,
        Err(e) => return refused(p, title, ApiError::from_service(e)),
    };
    let tz = state.plan.time_zone().clone();
    let csrf = esc(caller.csrf.as_deref().unwrap_or(""));
    let acts = PEER_ACTORS.contains(&p.role);
    let mut shown: Vec<&accord_um::UmCase> = all
        .iter()
        .filter(|c| c.status == accord_um::Status::InReview || c.status.is_adverse())
        .collect();
    shown.sort_by_key(|c| c.clock.due);
    let rows: String = shown
        .iter()
        .map(|c| {
            let id = esc(&c.request.id);
            let form = if acts {
                format!(
                    "<form method=\"post\" action=\"/console/authorizations/{id}/peer-to-peer\" class=\"p2p\">\
<input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<label><input type=\"radio\" name=\"held\" value=\"no\" checked> Offered / scheduled</label>\
<label><input type=\"radio\" name=\"held\" value=\"yes\"> Held</label>\
<label>When (scheduled for, or held at; blank: now) <input name=\"when\" type=\"datetime-local\"></label>\
<label>Peer reviewer <input name=\"reviewer\" value=\"{me}\" required></label>\
<label>Outcome (required when held) <input name=\"outcome\"></label>\
<button>Record</button></form>",
                    me = esc(&p.user_id)
                )
            } else {
                String::new()
            };
            format!(
                "<tr><td><a href=\"/portal/authorizations/{id}\">{id}</a></td><td>{}</td><td>{}</td><td>{}</td><td><ul>{}</ul>{form}</td></tr>",
                esc(c.status.as_str()),
                esc(&c.request.level_of_care),
                c.clock.due.to_zoned(tz.clone()).strftime("%F %H:%M"),
                peer_rows(c, &tz)
            )
        })
        .collect();
    page(
        title,
        Some(p),
        &format!(
            "<p>A clinical denial comes after peer review; a peer-to-peer conversation may be offered to the requesting provider (UM-05). With none held, the denial notice offers reconsideration (UM-06).</p>\
<table id=\"peer-review\"><thead><tr><th>Request</th><th>Status</th><th>Level</th><th>Due</th><th>Peer-to-peer</th></tr></thead><tbody>{rows}</tbody></table>"
        ),
    )
    .into_response()
}

/// The peer-to-peer form's fields.
#[derive(Debug, Deserialize)]
pub struct PeerFields {
    csrf: String,
    #[serde(default)]
    held: String,
    #[serde(default)]
    when: String,
    #[serde(default)]
    reviewer: String,
    #[serde(default)]
    outcome: String,
}

/// The peer-to-peer a form describes at `now`, or the field at fault. `when` is plan-local.
fn peer_of(
    f: &PeerFields,
    now: Timestamp,
    tz: &jiff::tz::TimeZone,
) -> Result<PeerToPeer, ApiError> {
    let reviewer = f.reviewer.trim();
    if reviewer.is_empty() {
        return Err(ApiError::invalid(
            "reviewer",
            "reviewer: the peer reviewer is required",
        ));
    }
    let when = match f.when.trim() {
        "" => now,
        w => w
            .parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|d| d.to_zoned(tz.clone()).ok())
            .map(|z| z.timestamp())
            .ok_or_else(|| {
                ApiError::invalid("when", format!("when: {w:?} is not a date and time"))
            })?,
    };
    let held = f.held == "yes";
    if held && f.outcome.trim().is_empty() {
        return Err(ApiError::invalid(
            "outcome",
            "outcome: say what came of the peer-to-peer",
        ));
    }
    if held && when > now {
        return Err(ApiError::invalid(
            "when",
            "when: a peer-to-peer cannot be held in the future",
        ));
    }
    Ok(if held {
        PeerToPeer {
            offered_at: when,
            held_at: Some(when),
            reviewer: reviewer.to_owned(),
            outcome: f.outcome.trim().to_owned(),
        }
    } else {
        let local = when
            .to_zoned(tz.clone())
            .strftime("%F %H:%M %Z")
            .to_string();
        PeerToPeer {
            offered_at: now,
            held_at: None,
            reviewer: reviewer.to_owned(),
            outcome: if f.when.trim().is_empty() {
                f.outcome.trim().to_owned()
            } else {
                format!("scheduled for {local}")
            },
        }
    })
}

/// `POST /console/authorizations/{id}/peer-to-peer`: records a peer-to-peer offered (scheduled)
/// or held (CSRF checked), then the peer-review screen.
pub async fn peer_to_peer_submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(f): Form<PeerFields>,
) -> Response {
    let p: &Principal = &caller.principal;
    let title = format!("Peer-to-peer for {id}");
    let now = Timestamp::now();
    let checked = check_csrf(&caller, &f.csrf)
        .and_then(|()| p.require(PEER_ACTORS, "record peer-to-peer conversations"))
        .and_then(|()| peer_of(&f, now, state.plan.time_zone()));
    let peer = match checked {
        Ok(x) => x,
        Err(e) => return refused(p, &title, e),
    };
    // The request must exist and be in scope (logged like every read).
    if let Err(e) = crate::api::visible_case(&state, p, &id).await {
        return refused(p, &title, e);
    }
    match accord_service::um::peer_to_peer(&state.store, &id, peer, &p.user_id, now).await {
        Ok(c) => {
            if let Err(e) = audit(
                &state,
                p,
                "write peer-to-peer",
                "authorization_request",
                &id,
                Some(c.request.member_id.as_str()),
                "allowed",
            )
            .await
            {
                return refused(p, &title, e);
            }
            Redirect::to("/console/peer-review").into_response()
        }
        Err(e) => refused(p, &title, ApiError::from_service(e)),
    }
}
