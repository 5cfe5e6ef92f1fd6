//! PAY-05: the state's 17-item fiscal-policy self-assessment (seed 002, Appendix A) as a form. A
//! provider fills it in the portal (`/portal/self-assessment`) for one of its own NPIs; the staff
//! who review providers' billing fill it in the console (`/console/self-assessment`) for a
//! provider under review. Both post a plain form carrying the signed-in user's CSRF token and get
//! the score from [`accord_quality::self_assessment::score`] — the function behind
//! `accord cob self-assessment` — with the answers kept on the page. Nothing is stored, as on the
//! command line.
//!
//! Scope (SEC-01): a provider names only its own NPIs (another NPI gets the same 404 as one not
//! on file); the console page is for claims examiners, administrators and auditors, and the NPI
//! must be a provider on file.

use std::collections::{BTreeMap, HashMap};

use accord_core::Npi;
use accord_quality::self_assessment::{self as sa, Answer, Answers, ItemAnswer, Score};
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Caller, Principal, Role};
use crate::case_forms::check_csrf;
use crate::error::ApiError;
use crate::pages::{esc, page, refused};

/// Staff who may fill the self-assessment for a provider under review.
pub const REVIEWERS: &[Role] = &[Role::ClaimsExaminer, Role::Administrator, Role::Auditor];

/// Longest note accepted on one item.
pub const NOTE_LIMIT: usize = 1_000;

const TITLE: &str = "Fiscal-policy self-assessment (PAY-05)";

/// Where the form is, for whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    /// A provider, for its own NPIs.
    Portal,
    /// Plan staff, for a provider under review.
    Console,
}

impl Desk {
    fn path(self) -> &'static str {
        match self {
            Desk::Portal => "/portal/self-assessment",
            Desk::Console => "/console/self-assessment",
        }
    }
}

/// What the form shows: the NPI, the provider's name once known, and the answers so far
/// (item → answer and note).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormState {
    /// The NPI the answers are about.
    pub npi: String,
    /// The provider's name, when the NPI is on file.
    pub provider: Option<String>,
    /// Answers by item number.
    pub answers: BTreeMap<u32, (Option<Answer>, String)>,
}

fn answer_value(a: Answer) -> &'static str {
    match a {
        Answer::Yes => "yes",
        Answer::YesBut => "yes_but",
        Answer::No => "no",
    }
}

fn status_words(s: &str) -> &'static str {
    match s {
        "yes_but" => "Yes, but",
        "no" => "No",
        _ => "Not answered",
    }
}

/// The page's body: an alert, the score (after a post), then the form with the answers kept.
/// Pure, so its golden file shows exactly what a browser gets.
pub fn render_body(
    desk: Desk,
    csrf: &str,
    own_npis: &[String],
    form: &FormState,
    score: Option<&Score>,
    alert: Option<&str>,
) -> String {
    let mut out = String::new();
    if let Some(m) = alert {
        out.push_str(&format!("<p role=\"alert\" id=\"refusal\">{}</p>", esc(m)));
    }
    out.push_str(
        "<p>The state's fiscal-policy self-assessment for providers billing state funds (PAY-05; \
seed 002, Appendix A). Answer each item Yes, \"Yes, but\" (partly in place) or No; Yes scores 2 \
points, \"Yes, but\" 1, No or no answer 0. The answers are scored, not stored: keep a copy of \
the page.</p>",
    );
    if let Some(s) = score {
        out.push_str(&format!(
            "<section id=\"score\"><h2>Score: {} of {} points ({}%)</h2><p>{} of {} items met{}.</p>",
            s.points,
            s.max_points,
            s.percent,
            s.met,
            s.met as usize + s.unmet.len(),
            if s.provider.is_empty() {
                String::new()
            } else {
                format!(" — {}", esc(&s.provider))
            }
        ));
        if !s.unmet.is_empty() {
            out.push_str("<table><thead><tr><th>Item</th><th>Not met</th><th>Answer</th><th>Note</th></tr></thead><tbody>");
            for u in &s.unmet {
                out.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    u.item,
                    esc(&u.text),
                    status_words(u.status),
                    esc(&u.note)
                ));
            }
            out.push_str("</tbody></table>");
        }
        out.push_str("</section>");
    }
    out.push_str(&format!(
        "<form method=\"post\" action=\"{}\" id=\"self-assessment-form\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        desk.path(),
        esc(csrf)
    ));
    match desk {
        Desk::Portal if own_npis.len() > 1 => {
            let options: String = own_npis
                .iter()
                .map(|n| {
                    format!(
                        "<option value=\"{v}\"{sel}>{v}</option>",
                        v = esc(n),
                        sel = if *n == form.npi { " selected" } else { "" }
                    )
                })
                .collect();
            out.push_str(&format!(
                "<label>For NPI <select name=\"npi\">{options}</select></label>"
            ));
        }
        Desk::Portal => out.push_str(&format!(
            "<p>For NPI {v}</p><input type=\"hidden\" name=\"npi\" value=\"{v}\">",
            v = esc(&form.npi)
        )),
        Desk::Console => out.push_str(&format!(
            "<label>Provider under review (NPI) <input name=\"npi\" value=\"{}\" required inputmode=\"numeric\" pattern=\"[0-9]{{10}}\"></label>",
            esc(&form.npi)
        )),
    }
    if let Some(name) = &form.provider {
        out.push_str(&format!("<p>Provider: {}</p>", esc(name)));
    }
    out.push_str(
        "<table><thead><tr><th>#</th><th>Item</th><th>Answer</th><th>Note</th></tr></thead><tbody>",
    );
    for item in sa::items() {
        let (answer, note) = form
            .answers
            .get(&item.number)
            .cloned()
            .unwrap_or((None, String::new()));
        let radios: String = [
            (Answer::Yes, "Yes"),
            (Answer::YesBut, "Yes, but"),
            (Answer::No, "No"),
        ]
        .iter()
        .map(|(a, words)| {
            format!(
                "<label><input type=\"radio\" name=\"item{n}\" value=\"{v}\"{c}> {words}</label>",
                n = item.number,
                v = answer_value(*a),
                c = if answer == Some(*a) { " checked" } else { "" }
            )
        })
        .collect();
        out.push_str(&format!(
            "<tr><td>{n}</td><td>{text}</td><td>{radios}</td><td><input name=\"note{n}\" value=\"{note}\" maxlength=\"{NOTE_LIMIT}\" aria-label=\"Note on item {n}\"></td></tr>",
            n = item.number,
            text = esc(&item.text),
            note = esc(&note)
        ));
    }
    out.push_str("</tbody></table><button>Score the self-assessment</button></form>");
    out
}

/// Reads the posted fields (`npi`, `item1`…`item17`: `yes`, `yes_but`, `no` or empty; `note1`…
/// `note17`) into the form's state, or names the field at fault.
pub fn form_of(fields: &HashMap<String, String>) -> Result<FormState, ApiError> {
    let mut form = FormState {
        npi: fields
            .get("npi")
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
        ..FormState::default()
    };
    for item in sa::items() {
        let n = item.number;
        let field = format!("item{n}");
        let answer = match fields.get(&field).map(|s| s.trim()).unwrap_or("") {
            "" => None,
            "yes" => Some(Answer::Yes),
            "yes_but" => Some(Answer::YesBut),
            "no" => Some(Answer::No),
            other => {
                return Err(ApiError::invalid(
                    &field,
                    format!("{field}: {other:?} is not yes, yes_but or no"),
                ));
            }
        };
        let note_field = format!("note{n}");
        let note = fields
            .get(&note_field)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
        if note.chars().count() > NOTE_LIMIT {
            return Err(ApiError::invalid(
                &note_field,
                format!("{note_field}: a note is at most {NOTE_LIMIT} characters"),
            ));
        }
        if answer.is_some() || !note.is_empty() {
            form.answers.insert(n, (answer, note));
        }
    }
    Ok(form)
}

/// The answers the scoring function takes, as `accord cob self-assessment` reads them from JSON:
/// items with no answer are left out (scored 0, listed as not answered).
pub fn answers_of(form: &FormState) -> Answers {
    Answers {
        provider: match &form.provider {
            Some(name) => format!("{name} (NPI {})", form.npi),
            None => form.npi.clone(),
        },
        answers: form
            .answers
            .iter()
            .filter_map(|(&item, (a, note))| {
                a.map(|answer| ItemAnswer {
                    item,
                    answer,
                    note: note.clone(),
                })
            })
            .collect(),
    }
}

fn may_use(p: &Principal, desk: Desk) -> Result<(), ApiError> {
    match desk {
        Desk::Portal => p.require(&[Role::Provider], "fill the self-assessment in the portal"),
        Desk::Console => p.require(REVIEWERS, "fill the self-assessment for a provider"),
    }
}

/// The provider the NPI names, within the caller's scope: a provider only its own NPIs (another
/// gets the 404 an unknown NPI gets); staff any provider on file.
async fn provider_name(state: &AppState, p: &Principal, npi: &str) -> Result<String, ApiError> {
    let nf = || ApiError::not_found(format!("provider {npi} not found"));
    let parsed = Npi::parse(npi)
        .map_err(|e| ApiError::invalid("npi", format!("npi: {npi:?} is not an NPI ({e})")))?;
    if p.role == Role::Provider && !p.npis.iter().any(|n| n == npi) {
        return Err(nf());
    }
    match state.store.get_provider(&parsed).await {
        Ok(Some(prov)) => Ok(prov.name),
        Ok(None) => Err(nf()),
        Err(e) => Err(ApiError::from_store(e)),
    }
}

/// The page's query: the NPI to fill the form for.
#[derive(Debug, Deserialize)]
pub struct NpiQuery {
    #[serde(default)]
    npi: Option<String>,
}

async fn show(
    state: AppState,
    caller: Result<Caller, ApiError>,
    q: NpiQuery,
    desk: Desk,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/login").into_response();
    };
    let p = &caller.principal;
    if let Err(e) = may_use(p, desk) {
        return refused(p, TITLE, e);
    }
    let asked = q.npi.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    let npi = match (desk, asked) {
        (_, Some(n)) => Some(n),
        (Desk::Portal, None) => p.npis.first().cloned(),
        (Desk::Console, None) => None,
    };
    let mut form = FormState::default();
    if let Some(npi) = npi {
        match provider_name(&state, p, &npi).await {
            Ok(name) => form.provider = Some(name),
            Err(e) => return refused(p, TITLE, e),
        }
        form.npi = npi;
    }
    let csrf = caller.csrf.as_deref().unwrap_or("");
    page(
        TITLE,
        Some(p),
        &render_body(desk, csrf, &p.npis, &form, None, None),
    )
    .into_response()
}

async fn submit(
    state: AppState,
    caller: Caller,
    fields: HashMap<String, String>,
    desk: Desk,
) -> Response {
    let p = &caller.principal;
    let csrf = fields.get("csrf").map(String::as_str).unwrap_or("");
    if let Err(e) = check_csrf(&caller, csrf).and_then(|()| may_use(p, desk)) {
        return refused(p, TITLE, e);
    }
    let token = caller.csrf.as_deref().unwrap_or("");
    let mut form = match form_of(&fields) {
        Ok(f) => f,
        Err(e) => {
            let kept = FormState {
                npi: fields.get("npi").cloned().unwrap_or_default(),
                ..FormState::default()
            };
            let body = render_body(desk, token, &p.npis, &kept, None, Some(&e.body.message));
            return (e.status, page(TITLE, Some(p), &body)).into_response();
        }
    };
    match provider_name(&state, p, &form.npi).await {
        Ok(name) => form.provider = Some(name),
        Err(e) if e.status == axum::http::StatusCode::NOT_FOUND => {
            return refused(p, TITLE, e);
        }
        Err(e) => {
            let body = render_body(desk, token, &p.npis, &form, None, Some(&e.body.message));
            return (e.status, page(TITLE, Some(p), &body)).into_response();
        }
    }
    let score = sa::score(&answers_of(&form));
    page(
        TITLE,
        Some(p),
        &render_body(desk, token, &p.npis, &form, Some(&score), None),
    )
    .into_response()
}

/// `GET /portal/self-assessment[?npi=]`: the form, for the provider's NPI.
pub async fn portal_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Query(q): Query<NpiQuery>,
) -> Response {
    show(state, caller, q, Desk::Portal).await
}

/// `POST /portal/self-assessment`: scores the answers (CSRF checked) and shows them with the score.
pub async fn portal_submit(
    State(state): State<AppState>,
    caller: Caller,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    submit(state, caller, fields, Desk::Portal).await
}

/// `GET /console/self-assessment[?npi=]`: the form, for a provider under review.
pub async fn console_page(
    State(state): State<AppState>,
    caller: Result<Caller, ApiError>,
    Query(q): Query<NpiQuery>,
) -> Response {
    show(state, caller, q, Desk::Console).await
}

/// `POST /console/self-assessment`: scores the answers (CSRF checked) for the provider named.
pub async fn console_submit(
    State(state): State<AppState>,
    caller: Caller,
    Form(fields): Form<HashMap<String, String>>,
) -> Response {
    submit(state, caller, fields, Desk::Console).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn pay_05_form_scores_like_the_command_line() {
        let f = form_of(&fields(&[
            ("npi", "1234567893"),
            ("item1", "yes"),
            ("item2", "yes_but"),
            ("note2", "scale adopted, not yet attached"),
            ("item3", "no"),
            ("item4", "yes"),
            ("note4", "200%"),
        ]))
        .unwrap();
        let from_form = sa::score(&answers_of(&f));
        let json = r#"{"provider": "1234567893", "answers": [
            {"item": 1, "answer": "yes"},
            {"item": 2, "answer": "yes_but", "note": "scale adopted, not yet attached"},
            {"item": 3, "answer": "no"}, {"item": 4, "answer": "yes", "note": "200%"}]}"#;
        let from_cli = sa::score(&sa::parse_answers(json).unwrap());
        assert_eq!(from_form, from_cli);
        assert_eq!((from_form.points, from_form.max_points), (5, 34));
    }

    #[test]
    fn pay_05_form_names_the_bad_field() {
        let e = form_of(&fields(&[("npi", "1234567893"), ("item7", "maybe")])).unwrap_err();
        assert_eq!(e.body.field.as_deref(), Some("item7"));
        assert!(e.body.message.contains("not yes, yes_but or no"), "{e:?}");
        let long = "x".repeat(NOTE_LIMIT + 1);
        let e = form_of(&fields(&[("note3", &long)])).unwrap_err();
        assert_eq!(e.body.field.as_deref(), Some("note3"));
    }

    #[test]
    fn pay_05_self_assessment_page_is_stable() {
        let f = FormState {
            npi: "1234567893".into(),
            provider: Some("Riverside <Counseling>".into()),
            ..form_of(&fields(&[
                ("item1", "yes"),
                ("item2", "yes_but"),
                ("note2", "scale adopted, not yet attached"),
                ("item3", "no"),
                ("item4", "yes"),
                ("note4", "200% of the \"FPL\""),
            ]))
            .unwrap()
        };
        let score = sa::score(&answers_of(&f));
        let portal = render_body(
            Desk::Portal,
            "CSRF-TOKEN",
            &["1234567893".into()],
            &f,
            Some(&score),
            None,
        );
        assert!(portal.contains("Score: 5 of 34 points"), "{portal}");
        assert!(!portal.contains("<Counseling>"), "escaped");
        insta::assert_snapshot!("self_assessment_portal_scored", portal);
        let console = render_body(
            Desk::Console,
            "CSRF-TOKEN",
            &[],
            &FormState::default(),
            None,
            Some("provider 1234567893 not found"),
        );
        insta::assert_snapshot!("self_assessment_console_empty", console);
    }
}
