//! The staff dashboard: the claims report (outcomes, denial reasons, days to pay, auto-adjudication,
//! PAY-07) and the UM report (QM-04 timeliness) as SVG charts, and both reports as JSON.

use accord_core::Date;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::{Caller, Principal};
use crate::charts::bars;
use crate::error::{ApiError, ApiErrorBody};

/// A report's period; the last 30 days when left out.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Period {
    /// First date (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Last date.
    pub to: Option<String>,
}

fn period(state: &AppState, q: &Period) -> Result<(Date, Date), ApiError> {
    let today = jiff::Timestamp::now()
        .to_zoned(state.plan.time_zone().clone())
        .date();
    let parse = |f: &str, v: &Option<String>, d: Date| -> Result<Date, ApiError> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => s
                .parse()
                .map_err(|_| ApiError::invalid(f, format!("{s:?} is not a date (YYYY-MM-DD)"))),
            None => Ok(d),
        }
    };
    let to = parse("to", &q.to, today)?;
    let from = parse(
        "from",
        &q.from,
        to.saturating_sub(jiff::Span::new().days(30)),
    )?;
    if from > to {
        return Err(ApiError::invalid(
            "from",
            format!("{from} is after to {to}"),
        ));
    }
    Ok((from, to))
}

fn json<T: serde::Serialize>(v: T) -> Result<Json<serde_json::Value>, ApiError> {
    serde_json::to_value(v)
        .map(Json)
        .map_err(|e| ApiError::of(accord_core::ErrorCode::Internal, e.to_string(), None))
}

fn staff_only(p: &Principal) -> Result<(), ApiError> {
    if p.role.is_plan_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden("reports are for the plan's staff"))
    }
}

/// The claims report as JSON.
#[utoipa::path(get, path = "/api/v1/reports/claims", params(Period), responses((status = 200, body = Object), (status = 403, body = ApiErrorBody)))]
pub async fn claims_report(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<Period>,
) -> Result<Json<serde_json::Value>, ApiError> {
    staff_only(&caller.principal)?;
    let (from, to) = period(&state, &q)?;
    let r = accord_service::reports::load_claims_report(&state.store, &state.plan, from, to)
        .await
        .map_err(ApiError::from_service)?;
    json(r)
}

/// The UM report (QM-04, CMS-0057-F public metrics) as JSON.
#[utoipa::path(get, path = "/api/v1/reports/um", params(Period), responses((status = 200, body = Object), (status = 403, body = ApiErrorBody)))]
pub async fn um_report(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<Period>,
) -> Result<Json<serde_json::Value>, ApiError> {
    staff_only(&caller.principal)?;
    let (from, to) = period(&state, &q)?;
    let r = accord_service::um::report(&state.store, &state.plan, from, to)
        .await
        .map_err(ApiError::from_service)?;
    json(r)
}

/// The dashboard page.
pub async fn page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Query(q): Query<Period>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    if let Err(e) = staff_only(p) {
        return crate::pages::refused(p, "Dashboard", e);
    }
    let (from, to) = match period(&state, &q) {
        Ok(x) => x,
        Err(e) => return e.into_response(),
    };
    let claims = match accord_service::reports::load_claims_report(
        &state.store,
        &state.plan,
        from,
        to,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return ApiError::from_service(e).into_response(),
    };
    let um = match accord_service::um::report(&state.store, &state.plan, from, to).await {
        Ok(r) => r,
        Err(e) => return ApiError::from_service(e).into_response(),
    };
    let f = |d: rust_decimal::Decimal| d.to_f64().unwrap_or(0.0);
    let outcome = bars(
        "Claims by outcome",
        &claims
            .by_status
            .iter()
            .map(|(s, n)| (s.replace('_', " "), *n as f64))
            .collect::<Vec<_>>(),
        "",
    );
    let denials = bars(
        "Top denial reasons (lines)",
        &claims
            .top_denials
            .iter()
            .map(|d| (d.code.clone(), d.lines as f64))
            .collect::<Vec<_>>(),
        "",
    );
    let days = bars(
        "Days from receipt to payment (claims)",
        &claims
            .days_to_pay
            .iter()
            .map(|(b, n)| (format!("{b} days"), *n as f64))
            .collect::<Vec<_>>(),
        "",
    );
    let timely = bars(
        "UM decisions within their clock (UM-02)",
        &um.iter()
            .map(|r| (r.group.clone(), f(r.within_clock_percent)))
            .collect::<Vec<_>>(),
        "%",
    );
    let body = format!(
        "<form method=\"get\"><label>From <input type=\"date\" name=\"from\" value=\"{from}\"></label><label>To <input type=\"date\" name=\"to\" value=\"{to}\"></label><button>Show</button></form>\
<p><strong>{}</strong> claims decided · auto-adjudicated <strong>{}%</strong> · clean <strong>{}%</strong> · clean claims paid within {} days: <strong>{}%</strong> (PAY-07) · paid {}</p>\
<figure>{outcome}</figure><figure>{denials}</figure><figure>{days}</figure><figure>{timely}</figure>\
<p>Data: <a href=\"/api/v1/reports/claims?from={from}&amp;to={to}\">claims report (JSON)</a> · <a href=\"/api/v1/reports/um?from={from}&amp;to={to}\">UM report (JSON)</a></p>",
        claims.decided,
        claims.auto_adjudication_percent,
        claims.clean_percent,
        state.plan.config.remittance.clean_claim_days,
        claims.clean_paid_within_percent,
        claims.paid
    );
    crate::pages::page("Dashboard", Some(p), &body).into_response()
}
