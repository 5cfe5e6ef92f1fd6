//! Server-rendered pages: sign-in, the home page per role, the provider portal's eligibility check
//! and authorization status, and the staff console's UM queue with a decision form. Plain HTML
//! with no script; every form carries the session's CSRF token.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;

use crate::AppState;
use crate::api::{self, DecisionBody, EligibilityQuery};
use crate::auth::{COOKIE, Caller, Principal, Role, session_cookie, verify_password};
use crate::error::ApiError;

/// HTML escaping: the one the vouchers and letters use.
pub use accord_service::voucher::esc;

pub(crate) fn page(title: &str, who: Option<&Principal>, body: &str) -> Html<String> {
    let nav = match who {
        Some(p) => format!(
            "<nav><a href=\"/\">Home</a> · {} ({}) · <form method=\"post\" action=\"/logout\" style=\"display:inline\"><button>Sign out</button></form></nav>",
            esc(&p.name),
            esc(p.role.as_str())
        ),
        None => String::new(),
    };
    Html(format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{t} — Accord</title>\n<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;line-height:1.4}}table{{border-collapse:collapse}}td,th{{border-bottom:1px solid #ccc;padding:.3rem .6rem;text-align:left}}.overdue{{color:#a00;font-weight:bold}}label{{display:block;margin:.4rem 0}}pre{{white-space:pre-wrap}}</style></head>\n<body>{nav}<main><h1>{t}</h1>\n{body}</main></body></html>\n",
        t = esc(title)
    ))
}

/// A page that says why the request was refused, with the error's status.
pub(crate) fn refused(p: &Principal, title: &str, e: ApiError) -> Response {
    (
        e.status,
        page(
            title,
            Some(p),
            &format!("<p role=\"alert\">{}</p>", esc(&e.body.message)),
        ),
    )
        .into_response()
}

/// The sign-in page.
pub async fn login_page() -> Html<String> {
    page(
        "Sign in",
        None,
        "<form method=\"post\" action=\"/login\"><label>User <input name=\"user\" autocomplete=\"username\" required></label><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label><button>Sign in</button></form>",
    )
}

/// Sign-in form fields.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    user: String,
    password: String,
}

/// Signs in: argon2 check, throttling after repeated failures, a fresh session cookie.
pub async fn login(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Response {
    let now = Timestamp::now();
    if state.sessions.throttled(&f.user, now) {
        return ApiError::throttled().into_response();
    }
    let account = state.store.account(&f.user).await.ok().flatten();
    let principal = account
        .as_ref()
        .filter(|a| verify_password(&f.password, &a.password_hash))
        .and_then(crate::auth::Principal::from_account);
    let Some(p) = principal else {
        state.sessions.failed(&f.user, now);
        tracing::info!(user = %f.user, "failed sign-in");
        return (
            StatusCode::UNAUTHORIZED,
            page("Sign in", None, "<p role=\"alert\">Wrong user or password.</p><p><a href=\"/login\">Try again</a></p>"),
        )
            .into_response();
    };
    tracing::info!(user = %p.user_id, role = p.role.as_str(), "signed in");
    let (token, _csrf) = state.sessions.start(p, now);
    let mut r = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&token, state.secure_cookies)) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// Signs out.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned());
    if let Some(t) = token {
        state.sessions.end(&t);
    }
    let mut r = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    )) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// The home page: what this role can do.
pub async fn home(caller: Result<Caller, ApiError>) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    let mut links = Vec::new();
    if p.role != Role::StatePortal {
        links.push("<li><a href=\"/portal/eligibility\">Check eligibility</a></li>");
    }
    if p.role == Role::Provider {
        links.push("<li><a href=\"/portal/authorizations/new\">Request an authorization</a></li>");
        links.push("<li><a href=\"/portal/claims\">Claims and their explanations</a></li>");
        links.push("<li><a href=\"/portal/remittances\">Remittances (835 and vouchers)</a></li>");
        links.push(
            "<li><a href=\"/portal/cases/new\">File an appeal, a complaint or a claim dispute</a></li>",
        );
        links.push("<li><a href=\"/portal/network\">My network status: credentialing, licence, what is missing</a></li>");
        links.push("<li><a href=\"/portal/self-assessment\">Fiscal-policy self-assessment (state funds, PAY-05)</a></li>");
    }
    if crate::self_assessment::REVIEWERS.contains(&p.role) {
        links.push("<li><a href=\"/console/self-assessment\">Fiscal-policy self-assessment for a provider under review (PAY-05)</a></li>");
    }
    if matches!(
        p.role,
        Role::ClaimsExaminer | Role::Administrator | Role::Auditor
    ) {
        links.push("<li><a href=\"/console/claims/pended\">Claims pend queue</a></li>");
    }
    if p.role.is_clinical() || matches!(p.role, Role::Administrator | Role::Auditor) {
        links.push("<li><a href=\"/console/peer-review\">Peer review (peer-to-peer)</a></li>");
    }
    if p.role.is_plan_staff() {
        links.push(
            "<li><a href=\"/console/dashboard\">Dashboard: claims and UM with charts</a></li>",
        );
    }
    if crate::network::PIPELINE_READERS.contains(&p.role) {
        links.push("<li><a href=\"/console/credentialing\">Credentialing pipeline</a></li>");
    }
    if p.role.is_plan_staff() {
        links.push("<li><a href=\"/portal/network\">Provider network status (any NPI)</a></li>");
    }
    if p.role.is_clinical() || matches!(p.role, Role::Administrator | Role::Auditor) {
        links.push("<li><a href=\"/console/um-queue\">Clinical review queue</a></li>");
    }
    links.push(match p.role {
        Role::StatePortal => "<li><a href=\"/portal/cases\">State resolution desk: tickets and registrations</a></li>",
        Role::Provider => "<li><a href=\"/portal/cases\">Appeals, complaints and disputes</a></li>",
        _ => "<li><a href=\"/portal/cases\">Open cases with their deadlines</a></li>",
    });
    links.push("<li><a href=\"/api/openapi.json\">API (OpenAPI document)</a></li>");
    let scope = if p.role == Role::Provider {
        format!("<p>Acting for NPI {}</p>", esc(&p.npis.join(", ")))
    } else {
        String::new()
    };
    page(
        "Accord",
        Some(p),
        &format!("{scope}<ul>{}</ul>", links.join("")),
    )
    .into_response()
}

/// The eligibility page's query: empty until the form is sent.
#[derive(Debug, Deserialize)]
pub struct EligibilityPageQuery {
    member_id: Option<String>,
    date: Option<String>,
}

/// The provider portal's eligibility check.
pub async fn eligibility_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Query(q): Query<EligibilityPageQuery>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let form = "<form method=\"get\"><label>Member ID <input name=\"member_id\" required></label><label>Date <input name=\"date\" type=\"date\"></label><button>Check</button></form>";
    let q = q
        .member_id
        .filter(|m| !m.trim().is_empty())
        .map(|member_id| EligibilityQuery {
            member_id,
            date: q.date.filter(|d| !d.trim().is_empty()),
        });
    let answer = match q {
        None => String::new(),
        Some(q) => match api::eligibility(State(state), caller.clone(), Query(q)).await {
            Ok(axum::Json(a)) => {
                let switches: String = a
                    .plan_switches
                    .iter()
                    .map(|s| {
                        format!(
                            "<li>On {} the member moved from {} to {} (ELIG-02)</li>",
                            esc(&s.date),
                            esc(&s.from_plan),
                            esc(&s.to_plan)
                        )
                    })
                    .collect();
                format!(
                    "<section id=\"answer\"><h2>Member {} on {}</h2><p><strong>{}</strong>{}</p>{}<p>{}</p></section>",
                    esc(&a.member_id),
                    esc(&a.date),
                    if a.eligible {
                        "Eligible"
                    } else {
                        "Not eligible"
                    },
                    a.program
                        .map(|p| format!(" — {} ({})", esc(&a.plan_code), esc(&p)))
                        .unwrap_or_default(),
                    if switches.is_empty() {
                        String::new()
                    } else {
                        format!("<ul>{switches}</ul>")
                    },
                    esc(&a.note)
                )
            }
            Err(e) => format!("<p role=\"alert\">{}</p>", esc(&e.body.message)),
        },
    };
    page(
        "Check eligibility",
        Some(&caller.principal),
        &format!("{form}{answer}"),
    )
    .into_response()
}

/// An authorization request's page.
pub async fn authorization_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let mut c = match api::visible_case(&state, &caller.principal, &id).await {
        Ok(c) => c,
        Err(e) => {
            return crate::pages::refused(&caller.principal, "Authorization request", e);
        }
    };
    let withheld = match api::withhold_part2(&state, &caller.principal, &mut c).await {
        Ok(true) => format!(
            "<p role=\"note\"><strong>{}</strong></p>",
            esc(api::PART2_NOTICE)
        ),
        Ok(false) => String::new(),
        Err(e) => return e.into_response(),
    };
    let tz = state.plan.time_zone().clone();
    let local = |t: Timestamp| t.to_zoned(tz.clone()).strftime("%F %H:%M %Z").to_string();
    let trace: String = c
        .screening
        .trace
        .iter()
        .map(|n| {
            format!(
                "<li>[{}] {}: {}</li>",
                esc(&n.rule),
                esc(&n.check),
                esc(&n.text)
            )
        })
        .collect();
    let decision = c
        .decision
        .as_ref()
        .map(|d| {
            format!(
                "<h2>Decision</h2><p>{} by {} at {}</p><ul>{}</ul>",
                esc(d.status.as_str()),
                esc(&d.by.name),
                local(d.at),
                d.reasons
                    .iter()
                    .map(|r| format!("<li>{}</li>", esc(r)))
                    .collect::<String>()
            )
        })
        .unwrap_or_default();
    let uses = accord_service::um::authorization_use(&state.store, &c)
        .await
        .unwrap_or_default();
    let units: String = if uses.is_empty() {
        String::new()
    } else {
        format!(
            "<h2>Authorization</h2><table><thead><tr><th>Number</th><th>Service</th><th>Dates</th><th>Authorized</th><th>Used</th><th>Left</th></tr></thead><tbody>{}</tbody></table>",
            uses.iter()
                .map(|u| format!("<tr><td>{}</td><td>{}</td><td>{} to {}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&u.auth_id), esc(&u.services), u.start, u.end, u.authorized, u.used, u.left))
                .collect::<String>()
        )
    };
    let form = if caller.principal.role.is_clinical() && c.status == accord_um::Status::InReview {
        format!(
            "<h2>Decide</h2><form method=\"post\" action=\"/console/authorizations/{id}/decision\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><label><input type=\"radio\" name=\"verdict\" value=\"approve\" checked> Approve</label><label><input type=\"radio\" name=\"verdict\" value=\"deny\"> Deny</label><label>Units (blank: as asked) <input name=\"units\"></label><label>Reason <input name=\"reason\"></label><button>Decide</button></form>",
            id = esc(&id),
            csrf = esc(caller.csrf.as_deref().unwrap_or(""))
        )
    } else {
        String::new()
    };
    let body = format!(
        "{withheld}<p><strong>{}</strong> · {} · member {} · {} to {}</p><p>Received {} · due <strong>{}</strong> ({})</p><h2>Checks</h2><ol>{trace}</ol>{decision}{units}{form}",
        esc(c.status.as_str()),
        esc(&c.request.level_of_care),
        esc(c.request.member_id.as_str()),
        c.request.start,
        c.request.end,
        local(c.request.received_at),
        local(c.clock.due),
        esc(&c.clock.explanation)
    );
    page(
        &format!("Authorization request {id}"),
        Some(&caller.principal),
        &body,
    )
    .into_response()
}

/// The decision form's fields.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    csrf: String,
    verdict: String,
    #[serde(default)]
    units: String,
    #[serde(default)]
    reason: String,
}

/// Posts a decision from the console (CSRF checked).
pub async fn decide_form(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Form(f): Form<DecisionForm>,
) -> Response {
    if caller.csrf.as_deref() != Some(f.csrf.as_str()) {
        return ApiError::forbidden(
            "the form's CSRF token does not match your session; reload the page",
        )
        .into_response();
    }
    let units: Result<Vec<u32>, _> = f
        .units
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect();
    let Ok(units) = units else {
        return ApiError::invalid("units", "units are whole numbers, comma-separated")
            .into_response();
    };
    let body = DecisionBody {
        verdict: f.verdict,
        units,
        through: None,
        reasons: vec![f.reason]
            .into_iter()
            .filter(|r| !r.trim().is_empty())
            .collect(),
    };
    match api::decide_as(&state, &caller.principal, &id, body).await {
        Ok(_) => Redirect::to(&format!("/portal/authorizations/{id}")).into_response(),
        Err(e) => (
            e.status,
            page(
                "Decision refused",
                Some(&caller.principal),
                &format!(
                    "<p role=\"alert\">{}</p><p><a href=\"/portal/authorizations/{}\">Back</a></p>",
                    esc(&e.body.message),
                    esc(&id)
                ),
            ),
        )
            .into_response(),
    }
}

/// The staff console's UM queue.
pub async fn um_queue_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    if let Err(e) = p.require(
        &[
            Role::ClinicalCareManager,
            Role::Psychiatrist,
            Role::DoctoralPsychologist,
            Role::Administrator,
            Role::Auditor,
        ],
        "see the clinical queue",
    ) {
        return refused(p, "Clinical review queue", e);
    }
    let q = match accord_service::um::queue(&state.store, Timestamp::now()).await {
        Ok(q) => q,
        Err(e) => return ApiError::from_service(e).into_response(),
    };
    let rows: String = q
        .iter()
        .map(|i| {
            format!(
                "<tr><td><a href=\"/portal/authorizations/{id}\">{id}</a></td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
                esc(&i.member_id),
                esc(&i.level_of_care),
                esc(i.urgency.as_str()),
                if i.overdue { "overdue" } else { "" },
                esc(&accord_um::queue::human(i.time_left)),
                esc(&i.reasons.join("; ")),
                id = esc(&i.request_id)
            )
        })
        .collect();
    page(
        "Clinical review queue",
        Some(p),
        &format!("<p>{} waiting, {} overdue</p><table><thead><tr><th>Request</th><th>Member</th><th>Level</th><th>Urgency</th><th>Time left</th><th>Why</th></tr></thead><tbody>{rows}</tbody></table>", q.len(), q.iter().filter(|i| i.overdue).count()),
    )
    .into_response()
}
