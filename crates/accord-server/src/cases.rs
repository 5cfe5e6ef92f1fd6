//! Cases over HTTP (issue 6 through issue 7): file, act, read, and the due list, for providers
//! (their own cases), plan staff (all) and the state desk (portal registrations and tickets only).
//! Rules and windows are the cases engine's; refusals come back in the error shape.

use accord_cases::CaseKind;
use accord_service::cases::{self as svc, CaseView, DueSelection, ListFilter};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::AppState;
use crate::api::audit;
use crate::auth::{Caller, Principal, Role};
use crate::error::{ApiError, ApiErrorBody, ApiJson};
use crate::pages::{esc, page};

/// The state desk's kinds of case (DSP-02…05).
fn state_kind(k: CaseKind) -> bool {
    matches!(k, CaseKind::PortalTicket | CaseKind::PortalRegistration)
}

/// SEC-01 for cases: a provider sees cases it is a party to or about; the state desk sees portal
/// registrations and tickets; plan staff see every case.
pub(crate) fn may_see(p: &Principal, v: &CaseView) -> bool {
    match p.role {
        Role::Provider => {
            let f = &v.record.filing;
            let npis: Vec<String> = f
                .parties
                .provider
                .iter()
                .chain(f.subject.provider.iter())
                .map(|n| n.to_string())
                .collect();
            p.may_see(&npis.iter().map(String::as_str).collect::<Vec<_>>())
        }
        Role::StatePortal => state_kind(v.status.kind),
        _ => true,
    }
}

fn to_json(v: &CaseView) -> Result<Value, ApiError> {
    serde_json::to_value(v)
        .map_err(|e| ApiError::of(accord_core::ErrorCode::Internal, e.to_string(), None))
}

pub(crate) async fn visible(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<CaseView, ApiError> {
    let v = match svc::show(&state.store, &state.plan, id, Timestamp::now()).await {
        Ok(v) => v,
        Err(accord_service::ServiceError::NotFound(_)) => {
            return Err(ApiError::not_found(format!("case {id} not found")));
        }
        Err(e) => return Err(ApiError::from_service(e)),
    };
    if !may_see(p, &v) {
        audit(state, p, "read case", "case", id, None, "denied").await?;
        return Err(ApiError::not_found(format!("case {id} not found")));
    }
    let member = v
        .record
        .filing
        .parties
        .member
        .as_ref()
        .map(|m| m.to_string());
    audit(
        state,
        p,
        "read case",
        "case",
        id,
        member.as_deref(),
        "allowed",
    )
    .await?;
    Ok(v)
}

/// File a case (appeal, complaint, dispute, portal ticket, …) as JSON (`docs/cases.md`). A provider
/// files as one of its own NPIs (filled in when left out); refusals name the rule, window and dates.
#[utoipa::path(post, path = "/api/v1/cases", request_body(content = Object, description = "the filing"),
    responses((status = 201, body = Object), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(draft): ApiJson<Value>,
) -> Result<(axum::http::StatusCode, Json<Value>), ApiError> {
    let v = file_as(&state, &caller.principal, draft).await?;
    Ok((axum::http::StatusCode::CREATED, Json(to_json(&v)?)))
}

/// Files a case for `p` (the API and the portal forms): role and scope checked, a provider's own
/// NPI filled in, the filing window checked by the cases engine.
pub(crate) async fn file_as(
    state: &AppState,
    p: &Principal,
    mut draft: Value,
) -> Result<CaseView, ApiError> {
    if !p.role.may_write() {
        return Err(ApiError::forbidden(format!(
            "{} ({}) may not file cases",
            p.user_id,
            p.role.as_str()
        )));
    }
    if p.role == Role::Provider {
        let given = draft
            .pointer("/parties/provider")
            .and_then(Value::as_str)
            .map(str::to_owned);
        match given {
            Some(n) if !p.may_see(&[n.as_str()]) => {
                return Err(ApiError::forbidden(format!(
                    "parties.provider {n} is not one of your organisation's NPIs"
                )));
            }
            Some(_) => subject_in_scope(state, p, &draft).await?,
            None => {
                subject_in_scope(state, p, &draft).await?;
                let Some(own) = p.npis.first() else {
                    return Err(ApiError::forbidden("this provider account has no NPI"));
                };
                if let Some(parties) = draft.get_mut("parties").and_then(Value::as_object_mut) {
                    parties.insert("provider".into(), Value::String(own.clone()));
                } else if let Some(obj) = draft.as_object_mut() {
                    obj.insert(
                        "parties".into(),
                        serde_json::json!({"filed_by": "provider", "provider": own}),
                    );
                }
            }
        }
    }
    let v = svc::file(
        &state.store,
        &state.plan,
        &draft,
        Timestamp::now(),
        &p.user_id,
    )
    .await
    .map_err(ApiError::from_service)?;
    let member = v
        .record
        .filing
        .parties
        .member
        .as_ref()
        .map(|m| m.to_string());
    audit(
        state,
        p,
        "write case",
        "case",
        &v.record.id,
        member.as_deref(),
        "allowed",
    )
    .await?;
    Ok(v)
}

/// SEC-01 for filings: a provider files only about a claim it billed or is paid for, or an
/// authorization request it sent or serves; anything else is "not found", as on reads.
async fn subject_in_scope(state: &AppState, p: &Principal, draft: &Value) -> Result<(), ApiError> {
    if let Some(t) = draft.pointer("/subject/claim").and_then(Value::as_str) {
        let nf = || ApiError::not_found(format!("claim {t} not found"));
        let c = state
            .store
            .claim(t)
            .await
            .map_err(ApiError::from_store)?
            .ok_or_else(nf)?;
        let mut npis: Vec<String> = c.billing_npi.into_iter().collect();
        if let Some(d) = state
            .store
            .decision(t)
            .await
            .map_err(ApiError::from_store)?
        {
            npis.push(d.pay_to_npi);
        }
        if !p.may_see(&npis.iter().map(String::as_str).collect::<Vec<_>>()) {
            audit(state, p, "write case", "claim", t, None, "denied").await?;
            return Err(nf());
        }
    }
    if let Some(id) = draft
        .pointer("/subject/authorization")
        .and_then(Value::as_str)
    {
        // Unknown request numbers are left to the case service (an appeal may name a request
        // decided before this system); a request on file must be in scope.
        if let Ok(c) = accord_service::um::load(&state.store, id).await {
            let npis = [
                c.request.requesting_npi.as_str(),
                c.request.servicing_npi.as_str(),
            ];
            if !p.may_see(&npis) {
                audit(
                    state,
                    p,
                    "write case",
                    "authorization_request",
                    id,
                    None,
                    "denied",
                )
                .await?;
                return Err(ApiError::not_found(format!(
                    "authorization request {id} not found"
                )));
            }
        }
    }
    Ok(())
}

/// A case with its clocks, what is due and what is overdue.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path, description = "case number")),
    responses((status = 200, body = Object), (status = 404, body = ApiErrorBody)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(to_json(
        &visible(&state, &caller.principal, &id).await?,
    )?))
}

/// Act on a case (JSON event, `docs/cases.md`): the engine checks the state and the rules
/// (reviewer independence, APL-03).
#[utoipa::path(post, path = "/api/v1/cases/{id}/events", params(("id" = String, Path, description = "case number")),
    request_body(content = Object, description = "the event"),
    responses((status = 200, body = Object), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(event): ApiJson<Value>,
) -> Result<Json<Value>, ApiError> {
    let v = act_as(&state, &caller.principal, &id, event).await?;
    Ok(Json(to_json(&v)?))
}

/// Acts on a case for `p` (the API and the console form): the case must be visible, the auditor
/// only reads, the actor is the signed-in user, the engine checks the rest.
pub(crate) async fn act_as(
    state: &AppState,
    p: &Principal,
    id: &str,
    mut event: Value,
) -> Result<CaseView, ApiError> {
    if p.role == Role::Auditor {
        return Err(ApiError::forbidden("the auditor's access is read-only"));
    }
    visible(state, p, id).await?;
    if let Some(obj) = event.as_object_mut() {
        obj.insert("actor".into(), Value::String(p.user_id.clone()));
        obj.entry("at")
            .or_insert_with(|| Value::String(Timestamp::now().to_string()));
    }
    let event: accord_cases::Event =
        serde_json::from_value(event).map_err(|e| ApiError::invalid("event", e.to_string()))?;
    let v = svc::act(&state.store, &state.plan, id, &event)
        .await
        .map_err(ApiError::from_service)?;
    audit(state, p, "write case", "case", id, None, "allowed").await?;
    Ok(v)
}

/// Due-list parameters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DueQuery {
    /// Only overdue clocks.
    #[serde(default)]
    pub overdue: bool,
}

/// What is due and overdue, per team (plan staff: every team; the state desk: its own clocks).
#[utoipa::path(get, path = "/api/v1/cases/due", params(DueQuery), responses((status = 200, body = Object), (status = 403, body = ApiErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DueQuery>,
) -> Result<Json<Value>, ApiError> {
    let p = &caller.principal;
    if p.role == Role::Provider {
        return Err(ApiError::forbidden(
            "the due list is for plan and state staff; providers see their cases at /portal/cases",
        ));
    }
    let sel = if q.overdue {
        DueSelection::Overdue
    } else {
        DueSelection::Today
    };
    let team = (p.role == Role::StatePortal).then_some("state");
    let list = svc::due(&state.store, &state.plan, Timestamp::now(), sel, team)
        .await
        .map_err(ApiError::from_service)?;
    serde_json::to_value(list)
        .map(Json)
        .map_err(|e| ApiError::of(accord_core::ErrorCode::Internal, e.to_string(), None))
}

fn case_rows(views: &[CaseView], tz: &jiff::tz::TimeZone) -> String {
    views
        .iter()
        .map(|v| {
            let next = v
                .status
                .clocks
                .iter()
                .filter_map(|c| c.due.map(|d| (d, c.label)))
                .min();
            let overdue = next.is_some_and(|(d, _)| d < v.status.now);
            format!(
                "<tr><td><a href=\"/portal/cases/{id}\">{id}</a></td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>",
                esc(&format!("{:?}", v.status.kind)),
                esc(&format!("{:?}", v.status.phase)),
                if overdue { "overdue" } else { "" },
                next.map(|(d, l)| format!("{} — {}", d.to_zoned(tz.clone()).strftime("%F %H:%M"), esc(l))).unwrap_or_else(|| "—".into()),
                id = esc(&v.record.id)
            )
        })
        .collect()
}

/// Which letter the page shows.
#[derive(Debug, Deserialize)]
pub struct LetterQuery {
    /// `acknowledgment` (default) or `decision`.
    pub kind: Option<String>,
}

/// A case's letter (acknowledgment or decision), printable, within scope.
pub async fn letter_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
    Query(q): Query<LetterQuery>,
) -> Response {
    use accord_service::letters::{LetterKind, letter};
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let v = match visible(&state, p, &id).await {
        Ok(v) => v,
        Err(e) => return crate::pages::refused(p, "Letter", e),
    };
    let kind = if q.kind.as_deref() == Some("decision") {
        LetterKind::Decision
    } else {
        LetterKind::Acknowledgment
    };
    match letter(&v, kind, &state.plan.config.name, state.plan.time_zone()) {
        Some(html) => axum::response::Html(html).into_response(),
        None => crate::pages::refused(
            p,
            "Letter",
            ApiError::not_found(format!(
                "case {id} is not closed: there is no decision letter yet"
            )),
        ),
    }
}

/// The cases page: a provider's own cases, the state desk's tickets, or every open case for staff.
pub async fn cases_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let all = match svc::list(
        &state.store,
        &state.plan,
        &ListFilter {
            subject: None,
            open: p.role.is_plan_staff(),
        },
        Timestamp::now(),
    )
    .await
    {
        Ok(v) => v,
        Err(e) => return ApiError::from_service(e).into_response(),
    };
    let mine: Vec<CaseView> = all.into_iter().filter(|v| may_see(p, v)).collect();
    let title = match p.role {
        Role::StatePortal => "State resolution desk: portal registrations and tickets",
        Role::Provider => "Your appeals, complaints and disputes",
        _ => "Open cases",
    };
    page(
        title,
        Some(p),
        &format!(
            "<p>{} cases</p><table><thead><tr><th>Case</th><th>Kind</th><th>Phase</th><th>Next deadline</th></tr></thead><tbody>{}</tbody></table>",
            mine.len(),
            case_rows(&mine, state.plan.time_zone())
        ),
    )
    .into_response()
}

/// One case: its clocks with rule, owner and due instant, and its history.
pub async fn case_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let v = match visible(&state, p, &id).await {
        Ok(v) => v,
        Err(e) => {
            return crate::pages::refused(p, "Case", e);
        }
    };
    let tz = state.plan.time_zone().clone();
    let clocks: String = v
        .status
        .clocks
        .iter()
        .map(|c| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(c.rule),
                esc(c.label),
                esc(&svc::owner_key(c.owner)),
                c.due
                    .map(|d| d.to_zoned(tz.clone()).strftime("%F %H:%M %Z").to_string())
                    .unwrap_or_else(|| "—".into()),
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
                e.at.to_zoned(tz.clone()).strftime("%F %H:%M"),
                esc(&e.actor),
                esc(e.action.name())
            )
        })
        .collect();
    page(
        &format!("Case {id}"),
        Some(p),
        &format!(
            "<p>{} · phase {}{}</p><p><a href=\"/portal/cases/{id}/letter\">Acknowledgment letter</a> · <a href=\"/portal/cases/{id}/letter?kind=decision\">Decision letter</a>{}</p><h2>Clocks</h2><table><thead><tr><th>Rule</th><th>Clock</th><th>Owner</th><th>Due</th><th>State</th></tr></thead><tbody>{clocks}</tbody></table><h2>History</h2><ol><li>{} · filed</li>{events}</ol>",
            esc(&format!("{:?}", v.status.kind)),
            esc(&format!("{:?}", v.status.phase)),
            v.status.closure.as_ref().map(|c| format!(" · closed: {}", esc(&format!("{c:?}")))).unwrap_or_default(),
            if p.role == Role::Provider { String::new() } else { format!(" · <a href=\"/console/cases/{id}\">Act on this case</a>") },
            v.record.received.to_zoned(tz.clone()).strftime("%F %H:%M"),
        ),
    )
    .into_response()
}
