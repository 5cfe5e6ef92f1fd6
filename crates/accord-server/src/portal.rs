//! More of the provider portal: request an authorization from a form, the organisation's claims
//! with each decision's plain-language explanation, and its remittances (835 and voucher) to
//! download again. Every page checks the same role and scope as the API (SEC-01).

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use crate::AppState;
use crate::api::audit;
use crate::auth::{Caller, Role};
use crate::error::ApiError;
use crate::pages::{esc, page, refused};

/// The authorization request form.
pub async fn request_form(caller: Result<Caller, ApiError>) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    // The same roles the API lets request (SEC-01): no empty form for those who may not send it.
    if !matches!(p.role, Role::Provider | Role::Administrator) && !p.role.is_clinical() {
        return refused(
            p,
            "Request an authorization",
            ApiError::forbidden(format!(
                "{} ({}) may not request authorizations",
                p.user_id,
                p.role.as_str()
            )),
        );
    }
    let npi = p.npis.first().cloned().unwrap_or_default();
    let body = format!(
        "<form method=\"post\" action=\"/portal/authorizations/new\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
<label>Member ID <input name=\"member_id\" required></label>\
<label>Requesting NPI <input name=\"requesting_npi\" value=\"{npi}\" required></label>\
<label>Service code <input name=\"code\" required></label>\
<label>Modifiers (comma-separated) <input name=\"modifiers\"></label>\
<label>Units or days <input name=\"units\" type=\"number\" min=\"1\" required></label>\
<label>First date <input name=\"start_date\" type=\"date\" required></label>\
<label>Last date <input name=\"end_date\" type=\"date\" required></label>\
<label>Diagnosis (ICD-10-CM) <input name=\"diagnosis\"></label>\
<label>Urgency <select name=\"urgency\"><option value=\"non_urgent\">standard</option><option value=\"urgent\">urgent</option></select></label>\
<label>LOCUS level <input name=\"locus_level\" type=\"number\" min=\"1\" max=\"6\"></label>\
<label>ASAM level <input name=\"asam_level\"></label>\
<label>Risk: no plan or intent <input name=\"risk_reviewed\" type=\"checkbox\" value=\"yes\"></label>\
<label>Substance use <textarea name=\"substance_use\"></textarea></label>\
<label>Medical <textarea name=\"medical\"></textarea></label>\
<label>Functioning <textarea name=\"functioning\"></textarea></label>\
<label>Treatment plan <textarea name=\"treatment_plan\"></textarea></label>\
<label>Discharge plan <textarea name=\"discharge_plan\"></textarea></label>\
<button>Send request</button></form>",
        csrf = esc(caller.csrf.as_deref().unwrap_or("")),
        npi = esc(&npi)
    );
    page("Request an authorization", Some(p), &body).into_response()
}

/// The form's fields.
#[derive(Debug, Deserialize)]
pub struct RequestFields {
    csrf: String,
    member_id: String,
    requesting_npi: String,
    code: String,
    #[serde(default)]
    modifiers: String,
    units: String,
    start_date: String,
    end_date: String,
    #[serde(default)]
    diagnosis: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    locus_level: String,
    #[serde(default)]
    asam_level: String,
    #[serde(default)]
    risk_reviewed: String,
    #[serde(default)]
    substance_use: String,
    #[serde(default)]
    medical: String,
    #[serde(default)]
    functioning: String,
    #[serde(default)]
    treatment_plan: String,
    #[serde(default)]
    discharge_plan: String,
}

fn opt(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_owned())
}

/// Sends the form as a request (CSRF checked), then shows its page.
pub async fn request_submit(
    State(state): State<AppState>,
    caller: Caller,
    Form(f): Form<RequestFields>,
) -> Response {
    let p = &caller.principal;
    let title = "Request an authorization";
    if caller.csrf.as_deref() != Some(f.csrf.as_str()) {
        return refused(
            p,
            title,
            ApiError::forbidden(
                "the form's CSRF token does not match your session; reload the page",
            ),
        );
    }
    let units: u32 = match f.units.trim().parse() {
        Ok(u) => u,
        Err(_) => {
            return refused(
                p,
                title,
                ApiError::invalid("units", "units must be a whole number"),
            );
        }
    };
    let form = serde_json::json!({
        "member_id": f.member_id.trim(),
        "requesting_npi": f.requesting_npi.trim(),
        "services": [{"code": f.code.trim(), "units": units,
            "modifiers": f.modifiers.split(',').map(str::trim).filter(|m| !m.is_empty()).collect::<Vec<_>>()}],
        "start_date": f.start_date.trim(), "end_date": f.end_date.trim(),
        "diagnoses": opt(&f.diagnosis).into_iter().collect::<Vec<_>>(),
        "urgency": if f.urgency == "urgent" { "urgent" } else { "non_urgent" },
        "clinical": {
            "risk": if f.risk_reviewed == "yes" { Some(serde_json::json!({})) } else { None },
            "substance_use": opt(&f.substance_use), "medical": opt(&f.medical),
            "functioning": opt(&f.functioning), "treatment_plan": opt(&f.treatment_plan),
            "discharge_plan": opt(&f.discharge_plan),
            "locus_level": f.locus_level.trim().parse::<u8>().ok(),
            "asam_level": opt(&f.asam_level),
        }
    });
    let form: accord_um::RequestForm = match serde_json::from_value(form) {
        Ok(f) => f,
        Err(e) => return refused(p, title, ApiError::invalid("form", e.to_string())),
    };
    if !p.may_see(&[form.requesting_npi.trim()])
        || !matches!(p.role, Role::Provider | Role::Administrator) && !p.role.is_clinical()
    {
        return refused(
            p,
            title,
            ApiError::forbidden(format!(
                "requesting_npi {} is not one of your organisation's NPIs",
                form.requesting_npi
            )),
        );
    }
    match accord_service::um::submit(
        &state.store,
        &state.plan,
        &form,
        Timestamp::now(),
        &p.user_id,
    )
    .await
    {
        Ok(c) => {
            if let Err(e) = audit(
                &state,
                p,
                "write authorization request",
                "authorization_request",
                &c.request.id,
                Some(c.request.member_id.as_str()),
                "allowed",
            )
            .await
            {
                return refused(p, title, e);
            }
            Redirect::to(&format!("/portal/authorizations/{}", c.request.id)).into_response()
        }
        Err(e) => refused(p, title, ApiError::from_service(e)),
    }
}

/// The organisation's latest claims.
pub async fn claims_list(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    if p.role != Role::Provider {
        return refused(
            p,
            "Claims",
            ApiError::forbidden(
                "the claim list is the provider portal's; staff look claims up by tracking number",
            ),
        );
    }
    let claims = match state.store.claims_billed_by(&p.npis, 50).await {
        Ok(c) => c,
        Err(e) => return refused(p, "Claims", ApiError::from_store(e)),
    };
    let rows: String = claims
        .iter()
        .map(|c| {
            format!(
                "<tr><td><a href=\"/portal/claims/{t}\">{t}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(c.member_id.as_deref().unwrap_or("")),
                esc(&c.total_charge.to_string()),
                esc(&c.status),
                t = esc(&c.tracking)
            )
        })
        .collect();
    page("Claims", Some(p), &format!("<table><thead><tr><th>Tracking</th><th>Member</th><th>Billed</th><th>Received as</th></tr></thead><tbody>{rows}</tbody></table>")).into_response()
}

/// One claim with the explanation of its decision.
pub async fn claim_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(tracking): Path<String>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = caller.principal.clone();
    match crate::api::claim(State(state), caller, Path(tracking.clone())).await {
        Ok(axum::Json(c)) => page(
            &format!("Claim {tracking}"),
            Some(&p),
            &format!(
                "<p>Status: <strong id=\"status\">{}</strong> · member {}</p><h2>Why</h2><pre id=\"explanation\">{}</pre>",
                esc(&c.status),
                esc(c.member_id.as_deref().unwrap_or("")),
                esc(c.explanation.as_deref().unwrap_or("Not decided yet."))
            ),
        )
        .into_response(),
        Err(e) => refused(&p, &format!("Claim {tracking}"), e),
    }
}

/// The organisation's remittances.
pub async fn remittances(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    if p.role != Role::Provider {
        return refused(
            p,
            "Remittances",
            ApiError::forbidden("remittances are listed in the provider portal"),
        );
    }
    let files = match state.store.remittance_files_for(&p.npis).await {
        Ok(f) => f,
        Err(e) => return refused(p, "Remittances", ApiError::from_store(e)),
    };
    let rows: String = files
        .iter()
        .map(|f| {
            let (label, ext) = if f.kind == "835" { ("835 (X12)", "x12") } else { ("voucher", "html") };
            format!(
                "<tr><td>{}</td><td>{}</td><td><a href=\"/portal/remittances/{}/{}/{}\" download=\"{}-{}-{}.{ext}\">{label}</a></td></tr>",
                f.cycle, esc(&f.pay_to_npi), f.cycle, esc(&f.pay_to_npi), esc(&f.kind), esc(&f.kind), f.cycle, esc(&f.pay_to_npi)
            )
        })
        .collect();
    page("Remittances", Some(p), &format!("<table><thead><tr><th>Cycle</th><th>Payee</th><th>File</th></tr></thead><tbody>{rows}</tbody></table>")).into_response()
}

/// Downloads a remittance file as sent (835 or voucher), within scope; for a provider user, with
/// the Part 2 details of claims it did not bill withheld (SEC-02, [`crate::part2`]).
pub async fn remittance_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((cycle, npi, kind)): Path<(i64, String, String)>,
) -> Result<Response, ApiError> {
    let p = &caller.principal;
    p.require(
        &[
            Role::Provider,
            Role::ClaimsExaminer,
            Role::Administrator,
            Role::Auditor,
        ],
        "download remittances",
    )?;
    let nf = || ApiError::not_found(format!("no {kind} for {npi} in cycle {cycle}"));
    if !p.may_see(&[npi.as_str()]) {
        return Err(nf());
    }
    let body = state
        .store
        .remittance_file(cycle, &npi, &kind)
        .await
        .map_err(ApiError::from_store)?
        .ok_or_else(nf)?;
    // SEC-02: claims the payee did not bill may have Part 2 details to withhold.
    let body = if p.role == Role::Provider {
        let x12 = if kind == "835" {
            body.clone()
        } else {
            state
                .store
                .remittance_file(cycle, &npi, "835")
                .await
                .map_err(ApiError::from_store)?
                .unwrap_or_default()
        };
        crate::part2::remittance_for(&state, p, cycle, &kind, &x12, body).await?
    } else {
        body
    };
    audit(
        &state,
        p,
        "read remittance",
        "remittance",
        &format!("{cycle}/{npi}/{kind}"),
        None,
        "allowed",
    )
    .await?;
    let (ctype, ext) = if kind == "835" {
        ("application/edi-x12", "x12")
    } else {
        ("text/html; charset=utf-8", "html")
    };
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, ctype.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{kind}-{cycle}-{npi}.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}
