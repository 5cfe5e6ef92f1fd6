//! The provider network over HTTP (issue 8): a provider's own network status — status, licence
//! and expiry, credentialing applications with the checklist items still missing, the
//! re-credentialing dates, sanctions in effect — and, for the plan's staff, the credentialing
//! pipeline (applications by phase, what opens, is due and lapses, sanctions, exclusion matches
//! awaiting review, the NET-07 screening schedule). JSON under `/api/v1/network`, pages at
//! `/portal/network` and `/console/credentialing`. Reads only: credentialing acts stay on the
//! CLI (`accord provider …`) for now.
//!
//! Scope (SEC-01): a provider user sees only its own NPIs' records; asking for any other NPI gets
//! the same 404 as an NPI that is not on file, so the network's membership is not revealed. Plan
//! staff read any provider; the pipeline is for the staff who run or review credentialing
//! (administrator, appeals reviewer for NET-06 appeals, auditor read-only).

use accord_core::{Date, Npi};
use accord_service::network::{self as svc, NetworkStatusView, Pipeline};
use accord_store::{StoredChange, StoredMatch};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::AppState;
use crate::api::audit;
use crate::auth::{Caller, Principal, Role};
use crate::error::{ApiError, ApiErrorBody};
use crate::pages::{esc, page, refused};

/// Roles that may read a provider's network record (a provider: only its own).
pub const RECORD_READERS: &[Role] = &[
    Role::Provider,
    Role::ClinicalCareManager,
    Role::Psychiatrist,
    Role::DoctoralPsychologist,
    Role::AppealsReviewer,
    Role::ClaimsExaminer,
    Role::Administrator,
    Role::Auditor,
];

/// Roles that may read the credentialing pipeline.
pub const PIPELINE_READERS: &[Role] = &[Role::AppealsReviewer, Role::Administrator, Role::Auditor];

/// Longest list a page shows in full; the rest is counted (the API gives everything).
const PAGE_LIST_LIMIT: usize = 50;

/// The day to look at.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct OnQuery {
    /// `YYYY-MM-DD`; today in the plan's time zone when absent.
    pub on: Option<String>,
}

fn day(state: &AppState, on: Option<&str>) -> Result<Date, ApiError> {
    match on.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(accord_core::calendar::local_date(
            Timestamp::now(),
            state.plan.time_zone(),
        )),
        Some(s) => s
            .parse()
            .map_err(|_| ApiError::invalid("on", format!("{s:?} is not a date (YYYY-MM-DD)"))),
    }
}

/// A provider's network record as the caller may see it.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderNetworkAnswer {
    /// Status, licence, applications and what is missing, the cycle, sanctions in effect.
    #[serde(flatten)]
    pub status: NetworkStatusView,
    /// NET-04 the changes the provider reported, with their due dates and lateness.
    pub changes: Vec<StoredChange>,
    /// NET-07 exclusion matches (plan staff only: a match held for review is not the
    /// provider's to see until it is decided through the sanction it causes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusion_matches: Option<Vec<StoredMatch>>,
}

/// SEC-01: the record of `npi` on `on`, or the same 404 whether it is another provider's or not
/// on file at all.
pub async fn visible_record(
    state: &AppState,
    p: &Principal,
    npi: &str,
    on: Date,
) -> Result<ProviderNetworkAnswer, ApiError> {
    p.require(RECORD_READERS, "read provider network records")?;
    let nf = || ApiError::not_found(format!("provider {} not found", npi.trim()));
    let n = Npi::parse(npi.trim()).map_err(|e| ApiError::invalid("npi", e.to_string()))?;
    if !p.may_see(&[n.as_str()]) {
        audit(
            state,
            p,
            "read network status",
            "provider",
            n.as_str(),
            None,
            "denied",
        )
        .await?;
        return Err(nf());
    }
    let v = match svc::show(&state.store, &state.plan, &n, on).await {
        Ok(v) => v,
        Err(accord_service::ServiceError::NotFound(_)) => {
            audit(
                state,
                p,
                "read network status",
                "provider",
                n.as_str(),
                None,
                "not_found",
            )
            .await?;
            return Err(nf());
        }
        Err(e) => return Err(ApiError::from_service(e)),
    };
    audit(
        state,
        p,
        "read network status",
        "provider",
        n.as_str(),
        None,
        "allowed",
    )
    .await?;
    Ok(ProviderNetworkAnswer {
        status: NetworkStatusView::of(&v),
        changes: v.changes.clone(),
        exclusion_matches: p.role.is_plan_staff().then(|| v.exclusion_matches.clone()),
    })
}

/// A provider's network status on a day: status, licence and expiry, applications with the items
/// still missing, re-credentialing dates, sanctions in effect, reported changes (NET-02…NET-08).
/// A provider user sees only its own NPIs (others: 404, as for an NPI not on file).
#[utoipa::path(get, path = "/api/v1/network/providers/{npi}",
    params(("npi" = String, Path, description = "the provider's NPI"), OnQuery),
    responses((status = 200, body = Object), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn provider_record(
    State(state): State<AppState>,
    caller: Caller,
    Path(npi): Path<String>,
    Query(q): Query<OnQuery>,
) -> Result<Json<ProviderNetworkAnswer>, ApiError> {
    let on = day(&state, q.on.as_deref())?;
    visible_record(&state, &caller.principal, &npi, on)
        .await
        .map(Json)
}

async fn pipeline_for(state: &AppState, p: &Principal, on: Date) -> Result<Pipeline, ApiError> {
    p.require(PIPELINE_READERS, "see the credentialing pipeline")?;
    svc::pipeline(&state.store, &state.plan, on)
        .await
        .map_err(ApiError::from_service)
}

/// The credentialing pipeline on a day (staff): applications by phase with what is missing, the
/// NET-03 cycles opening, due and lapsing, NET-05 sanctions in effect, NET-07 matches awaiting
/// review and the screening schedule, NET-08 disenrollment notices.
#[utoipa::path(get, path = "/api/v1/network/pipeline", params(OnQuery),
    responses((status = 200, body = Object), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn pipeline(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<OnQuery>,
) -> Result<Json<Pipeline>, ApiError> {
    let on = day(&state, q.on.as_deref())?;
    pipeline_for(&state, &caller.principal, on).await.map(Json)
}

/// The status page's query.
#[derive(Debug, Default, Deserialize)]
pub struct StatusPageQuery {
    /// One NPI (providers: one of their own; staff: any).
    pub npi: Option<String>,
    /// The day.
    pub on: Option<String>,
}

fn date_or(d: Option<Date>, none: &str) -> String {
    d.map_or_else(|| none.to_owned(), |d| d.to_string())
}

fn list(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        format!("<p>{}</p>", esc(empty))
    } else {
        format!(
            "<ul>{}</ul>",
            items
                .iter()
                .map(|i| format!("<li>{}</li>", esc(i)))
                .collect::<String>()
        )
    }
}

fn more(n: usize) -> String {
    if n > PAGE_LIST_LIMIT {
        format!(
            "<p>… and {} more (the API lists every one).</p>",
            n - PAGE_LIST_LIMIT
        )
    } else {
        String::new()
    }
}

/// One provider's status as an HTML section (pure: the page and its golden test share it).
pub fn render_status(a: &ProviderNetworkAnswer) -> String {
    let v = &a.status;
    let id = format!("npi-{}", v.npi);
    let status = match (&v.status, v.status_since) {
        (Some(s), Some(since)) => format!("{} since {since}", s.replace('_', " ")),
        _ => "not in the network yet".to_owned(),
    };
    let yes_no = |ok: bool, yes: &str, no: &str| {
        if ok {
            yes.to_owned()
        } else {
            format!("<strong class=\"overdue\">{no}</strong>")
        }
    };
    let licence = match (&v.licence.number, v.licence.expires, v.licence.days_left) {
        (Some(n), Some(e), Some(days)) if days < 0 => format!(
            "{}, <strong class=\"overdue\">expired {e}</strong> (NET-05: claims deny until renewed)",
            esc(n)
        ),
        (Some(n), Some(e), Some(days)) => format!("{}, expires {e} (in {days} days)", esc(n)),
        (Some(n), _, _) => format!("{}, no expiry on file", esc(n)),
        (None, _, _) => "none on file".to_owned(),
    };
    let cycle = match &v.recredentialing {
        Some(c) => format!(
            "credentialed {}; re-credentialing opens {}, due <strong>{}</strong> (NET-03)",
            c.credentialed_on, c.opens_on, c.due_on
        ),
        None => "no credentialing decision on file yet".to_owned(),
    };
    let facility = v.facility_npi.as_ref().map_or(String::new(), |f| {
        format!(
            "<dt>Covered by</dt><dd>facility {} (NET-09)</dd>",
            esc(f.as_str())
        )
    });
    let sanctions = if v.sanctions_in_effect.is_empty() {
        "<p>None.</p>".to_owned()
    } else {
        format!(
            "<table><thead><tr><th scope=\"col\">Sanction</th><th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Why</th></tr></thead><tbody>{}</tbody></table>",
            v.sanctions_in_effect
                .iter()
                .map(|s| format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&s.level.as_str().replace('_', " ")),
                    s.start,
                    date_or(s.end, "open"),
                    esc(&s.reason)
                ))
                .collect::<String>()
        )
    };
    let applications = if v.applications.is_empty() {
        "<p>No application on file.</p>".to_owned()
    } else {
        format!(
            "<table><thead><tr><th scope=\"col\">Application</th><th scope=\"col\">Received</th><th scope=\"col\">Phase</th><th scope=\"col\">Still missing / decision</th></tr></thead><tbody>{}</tbody></table>",
            v.applications
                .iter()
                .map(|x| {
                    let last = match &x.decision {
                        Some(d) => format!(
                            "{} on {}: {}",
                            serde_json::to_value(d.outcome)
                                .ok()
                                .and_then(|o| o.as_str().map(str::to_owned))
                                .unwrap_or_default(),
                            d.decided_on,
                            esc(&d.reason)
                        ),
                        None => list(&x.missing, "nothing: waiting for the committee"),
                    };
                    format!(
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{last}</td></tr>",
                        esc(&x.id),
                        x.received,
                        esc(&x.phase.replace('_', " "))
                    )
                })
                .collect::<String>()
        )
    };
    let changes = if a.changes.is_empty() {
        String::new()
    } else {
        format!(
            "<h3>Reported changes (NET-04)</h3><table><thead><tr><th scope=\"col\">Change</th><th scope=\"col\">Effective</th><th scope=\"col\">Notice due</th><th scope=\"col\">Told</th><th scope=\"col\">On time</th></tr></thead><tbody>{}</tbody></table>",
            a.changes
                .iter()
                .map(|c| format!(
                    "<tr><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&c.kind.replace('_', " ")),
                    esc(&c.field),
                    c.effective,
                    c.due,
                    c.reported,
                    if c.late {
                        "<strong class=\"overdue\">late</strong>"
                    } else {
                        "yes"
                    }
                ))
                .collect::<String>()
        )
    };
    let matches = match &a.exclusion_matches {
        Some(m) if !m.is_empty() => format!(
            "<h3>Exclusion matches (NET-07)</h3><table><thead><tr><th scope=\"col\">Match</th><th scope=\"col\">Basis</th><th scope=\"col\">Status</th><th scope=\"col\">Reviewed</th></tr></thead><tbody>{}</tbody></table>",
            m.iter()
                .map(|x| format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&x.match_id),
                    esc(&x.basis.replace('_', " ")),
                    esc(&x.status.replace('_', " ")),
                    x.reviewed_on.map_or_else(String::new, |d| format!(
                        "{d} by {}",
                        esc(x.reviewed_by.as_deref().unwrap_or(""))
                    ))
                ))
                .collect::<String>()
        ),
        _ => String::new(),
    };
    format!(
        "<section aria-labelledby=\"{id}\"><h2 id=\"{id}\">{name} — NPI {npi}</h2>\
         <dl><dt>Status on {on}</dt><dd>{status}</dd>{facility}\
         <dt>Claims</dt><dd>{claims}</dd><dt>New authorizations and referrals</dt><dd>{auths}</dd>\
         <dt>Licence</dt><dd>{licence}</dd><dt>Re-credentialing</dt><dd>{cycle}</dd></dl>{reasons}\
         <h3>What is missing</h3>{missing}\
         <h3>Sanctions in effect (NET-05)</h3>{sanctions}\
         <h3>Credentialing applications (NET-02)</h3>{applications}{changes}{matches}</section>",
        name = esc(&v.name),
        npi = esc(v.npi.as_str()),
        on = v.on,
        claims = yes_no(v.standing.claims_payable, "payable", "denied (CO-B7)"),
        auths = yes_no(v.standing.may_receive_authorizations, "allowed", "refused"),
        reasons = if v.standing.reasons.is_empty() {
            String::new()
        } else {
            format!("<p>Because:</p>{}", list(&v.standing.reasons, ""))
        },
        missing = list(&v.missing, "Nothing is missing."),
    )
}

fn day_form(action: &str, on: Date, npi: Option<&str>) -> String {
    format!(
        "<form method=\"get\" action=\"{action}\">{}<label>Day <input name=\"on\" type=\"date\" value=\"{on}\"></label><button>Show</button></form>",
        npi.map_or_else(String::new, |n| format!(
            "<label>NPI <input name=\"npi\" inputmode=\"numeric\" pattern=\"[0-9]{{10}}\" value=\"{}\" required></label>",
            esc(n)
        ))
    )
}

/// "My network status" (providers: each of their NPIs, or one with `?npi=`); plan staff look up
/// any provider with `?npi=`.
pub async fn status_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Query(q): Query<StatusPageQuery>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let title = if p.role == Role::Provider {
        "My network status"
    } else {
        "Provider network status"
    };
    if let Err(e) = p.require(RECORD_READERS, "read provider network records") {
        return refused(p, title, e);
    }
    let on = match day(&state, q.on.as_deref()) {
        Ok(d) => d,
        Err(e) => return refused(p, title, e),
    };
    let asked = q.npi.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let npis: Vec<String> = match (asked, p.role) {
        (Some(n), _) => vec![n.to_owned()],
        (None, Role::Provider) => p.npis.clone(),
        (None, _) => Vec::new(),
    };
    let mut body = day_form(
        "/portal/network",
        on,
        (p.role != Role::Provider).then_some(asked.unwrap_or("")),
    );
    for n in &npis {
        match visible_record(&state, p, n, on).await {
            Ok(a) => body.push_str(&render_status(&a)),
            Err(e) => return refused(p, title, e),
        }
    }
    page(title, Some(p), &body).into_response()
}

/// The credentialing pipeline as HTML (pure: the page and its test share it).
pub fn render_pipeline(x: &Pipeline) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let link = |npi: &str| {
        format!(
            "<a href=\"/portal/network?npi={n}&amp;on={on}\">{n}</a>",
            n = esc(npi),
            on = x.on
        )
    };
    // NET-07 first: an overdue screening is the one item with a legal deadline every month.
    let sch = &x.exclusion_screening;
    let line = match (sch.last_run, sch.next_due) {
        (Some(last), Some(due)) if sch.overdue => format!(
            "<p class=\"overdue\" role=\"alert\">Screening overdue: last run {last}, was due by {due} ({} day(s) late).</p>",
            sch.days_overdue
        ),
        (Some(last), Some(due)) => {
            format!("<p>Last run {last}; next due by <strong>{due}</strong>.</p>")
        }
        _ if sch.overdue => {
            "<p class=\"overdue\" role=\"alert\">Never screened: a screening is due now.</p>"
                .to_owned()
        }
        _ => "<p>Nobody on file to screen yet.</p>".to_owned(),
    };
    let _ = write!(
        s,
        "<h2>Exclusion screening (NET-07)</h2>{line}<p>{}</p>",
        esc(&sch.rule)
    );
    if !x.screenings.is_empty() {
        let _ = write!(
            s,
            "<table><caption>Recent screenings</caption><thead><tr><th scope=\"col\">Screening</th><th scope=\"col\">Day</th><th scope=\"col\">List</th><th scope=\"col\">By</th><th scope=\"col\">Screened</th><th scope=\"col\">Confirmed</th><th scope=\"col\">For review</th></tr></thead><tbody>{}</tbody></table>",
            x.screenings
                .iter()
                .map(|r| format!(
                    "<tr><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&r.screening_id),
                    r.screened_on,
                    esc(&r.source),
                    date_or(r.list_date, "undated"),
                    esc(&r.screened_by),
                    r.subjects,
                    r.confirmed,
                    r.for_review
                ))
                .collect::<String>()
        );
    }
    if !sch.not_screened.is_empty() {
        let _ = write!(
            s,
            "<h3>Not screened since {} ({})</h3><ul>{}</ul>{}",
            sch.screened_since,
            sch.not_screened.len(),
            sch.not_screened
                .iter()
                .take(PAGE_LIST_LIMIT)
                .map(|u| format!(
                    "<li>{} {}{} — last screened {}</li>",
                    link(u.npi.as_str()),
                    esc(&u.name),
                    u.staff_of
                        .as_ref()
                        .map_or_else(String::new, |f| format!(" (staff of {})", esc(f.as_str()))),
                    date_or(u.last_screened, "never")
                ))
                .collect::<String>(),
            more(sch.not_screened.len())
        );
    }
    let review = &x.exclusion_matches_for_review;
    let _ = write!(
        s,
        "<h2>Exclusion matches awaiting review ({})</h2>",
        review.len()
    );
    if review.is_empty() {
        s.push_str("<p>None.</p>");
    } else {
        let _ = write!(
            s,
            "<table><thead><tr><th scope=\"col\">Match</th><th scope=\"col\">Provider</th><th scope=\"col\">Basis</th></tr></thead><tbody>{}</tbody></table><p>Decide with <code>accord provider exclusions review --match ID --confirm|--dismiss</code>.</p>",
            review
                .iter()
                .map(|m| format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&m.match_id),
                    link(m.npi.as_str()),
                    esc(&m.basis.replace('_', " "))
                ))
                .collect::<String>()
        );
    }
    s.push_str("<h2>Applications (NET-02)</h2>");
    if x.applications.is_empty() {
        s.push_str("<p>No application on file.</p>");
    }
    for phase in ["gathering", "ready_for_committee", "decided"]
        .into_iter()
        .map(str::to_owned)
        .chain(
            x.applications
                .keys()
                .filter(|k| !["gathering", "ready_for_committee", "decided"].contains(&k.as_str()))
                .cloned(),
        )
    {
        let Some(apps) = x.applications.get(&phase) else {
            continue;
        };
        let _ = write!(
            s,
            "<h3>{} ({})</h3><table><thead><tr><th scope=\"col\">Application</th><th scope=\"col\">Applicant</th><th scope=\"col\">Cycle</th><th scope=\"col\">Received</th><th scope=\"col\">Still missing / decision</th></tr></thead><tbody>{}</tbody></table>{}",
            esc(&phase.replace('_', " ")),
            apps.len(),
            apps.iter()
                .take(PAGE_LIST_LIMIT)
                .map(|a| format!(
                    "<tr><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&a.id),
                    link(&a.npi),
                    esc(&a.name),
                    esc(&a.cycle),
                    a.received,
                    match (&a.outcome, a.decided_on) {
                        (Some(o), Some(d)) => format!("{} on {d}", esc(o)),
                        _ => list(&a.missing, "nothing: ready for the committee"),
                    }
                ))
                .collect::<String>(),
            more(apps.len())
        );
    }
    // (NPI, credentialed, opens, due) per cycle.
    type Row<'a> = (&'a Npi, Date, Date, Date);
    let cycles = |title: &str, c: Vec<Row<'_>>| -> String {
        if c.is_empty() {
            return format!("<h3>{title} (0)</h3>");
        }
        format!(
            "<h3>{title} ({})</h3><table><thead><tr><th scope=\"col\">Provider</th><th scope=\"col\">Credentialed</th><th scope=\"col\">Opens</th><th scope=\"col\">Due</th></tr></thead><tbody>{}</tbody></table>{}",
            c.len(),
            c.iter()
                .take(PAGE_LIST_LIMIT)
                .map(|(npi, credentialed, opens, due)| format!(
                    "<tr><td>{}</td><td>{credentialed}</td><td>{opens}</td><td>{due}</td></tr>",
                    link(npi.as_str())
                ))
                .collect::<String>(),
            more(c.len())
        )
    };
    let j = &x.recredentialing;
    let _ = write!(
        s,
        "<h2>Re-credentialing (NET-03)</h2>{}{}{}",
        cycles(
            "Opening today",
            j.opening
                .iter()
                .map(|c| (&c.npi, c.credentialed_on, c.opens_on, c.due_on))
                .collect()
        ),
        cycles(
            "Open and due",
            j.due
                .iter()
                .map(|c| (&c.npi, c.credentialed_on, c.opens_on, c.due_on))
                .collect()
        ),
        cycles(
            "Lapsed: participation ends the day after the due date",
            j.lapsing
                .iter()
                .map(|l| {
                    let c = &l.cycle;
                    (&c.npi, c.credentialed_on, c.opens_on, c.due_on)
                })
                .collect()
        )
    );
    let _ = write!(
        s,
        "<h2>Sanctions in effect (NET-05) ({})</h2>",
        x.sanctions_in_effect.len()
    );
    if x.sanctions_in_effect.is_empty() {
        s.push_str("<p>None.</p>");
    } else {
        let _ = write!(
            s,
            "<table><thead><tr><th scope=\"col\">Provider</th><th scope=\"col\">Sanction</th><th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Why</th></tr></thead><tbody>{}</tbody></table>{}",
            x.sanctions_in_effect
                .iter()
                .take(PAGE_LIST_LIMIT)
                .map(|z| format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    link(z.npi.as_str()),
                    esc(&z.level.as_str().replace('_', " ")),
                    z.start,
                    date_or(z.end, "open"),
                    esc(&z.reason)
                ))
                .collect::<String>(),
            more(x.sanctions_in_effect.len())
        );
    }
    if !x.disenrollment.is_empty() {
        let _ = write!(
            s,
            "<h2>Disenrollment notices due (NET-08) ({})</h2><ul>{}</ul>",
            x.disenrollment.len(),
            x.disenrollment
                .iter()
                .map(|n| format!(
                    "<li>{} inactive since {}</li>",
                    link(n.npi.as_str()),
                    n.inactive_since
                ))
                .collect::<String>()
        );
    }
    s
}

/// The staff console's "Credentialing pipeline".
pub async fn pipeline_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Query(q): Query<OnQuery>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let title = "Credentialing pipeline";
    let on = match day(&state, q.on.as_deref()) {
        Ok(d) => d,
        Err(e) => return refused(p, title, e),
    };
    match pipeline_for(&state, p, on).await {
        Ok(x) => page(
            title,
            Some(p),
            &format!(
                "{}<p>On {on}.</p>{}",
                day_form("/console/credentialing", on, None),
                render_pipeline(&x)
            ),
        )
        .into_response(),
        Err(e) => refused(p, title, e),
    }
}
