//! REST/JSON endpoints under `/api/v1`. Each handler checks role and scope (SEC-01) before it
//! reads, writes the access log for member data, and calls the same services the CLI uses.

use accord_core::member::{check_coverage, plan_switches};
use accord_core::{Date, MemberId, Modifier, ProcedureCode};
use accord_service::um;
use accord_store::AccessRecord;
use accord_um::case::ReviewerDecision;
use accord_um::request::RequestForm;
use axum::Json;
use axum::extract::{Path, Query, State};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::{Caller, Principal, Role};
use crate::error::{ApiError, ApiErrorBody, ApiJson};

/// Writes one access record (SEC-01). A failure to log refuses the request: member data is never
/// shown unlogged.
pub(crate) async fn audit(
    state: &AppState,
    who: &Principal,
    action: &str,
    entity: &str,
    entity_id: &str,
    member_id: Option<&str>,
    outcome: &str,
) -> Result<(), ApiError> {
    state
        .access_log
        .write(AccessRecord {
            at: Timestamp::now(),
            user_id: who.user_id.clone(),
            role: who.role.as_str().into(),
            action: action.into(),
            entity: entity.into(),
            entity_id: entity_id.into(),
            member_id: member_id.map(str::to_owned),
            reason: format!("{action} through the API"),
            outcome: outcome.into(),
        })
        .await
        .map_err(|e| ApiError::of(accord_core::ErrorCode::Storage, e, None))
}

/// Who is signed in.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = Principal), (status = 401, body = ApiErrorBody)))]
pub async fn me(caller: Caller) -> Json<Principal> {
    Json(caller.principal)
}

/// Eligibility inquiry parameters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct EligibilityQuery {
    /// Member ID.
    pub member_id: String,
    /// Date of service (`YYYY-MM-DD`); today in the plan's time zone when absent.
    pub date: Option<String>,
}

/// A plan switch shown to providers (ELIG-02).
#[derive(Debug, Serialize, ToSchema)]
pub struct SwitchView {
    /// First day under the new plan.
    pub date: String,
    /// Plan left.
    pub from_plan: String,
    /// Plan joined.
    pub to_plan: String,
}

/// ELIG-05: the answer to an eligibility inquiry. An answer is not an authorization.
#[derive(Debug, Serialize, ToSchema)]
pub struct EligibilityAnswer {
    /// Member ID.
    pub member_id: String,
    /// The date asked about.
    pub date: String,
    /// Covered by this plan on that date.
    pub eligible: bool,
    /// The plan.
    pub plan_code: String,
    /// The program, when covered.
    pub program: Option<String>,
    /// Why not, when not covered.
    pub reason: Option<String>,
    /// Every change of plan in the member's record (ELIG-02).
    pub plan_switches: Vec<SwitchView>,
    /// The standing reminder.
    pub note: String,
}

const INQUIRERS: &[Role] = &[
    Role::Provider,
    Role::ClinicalCareManager,
    Role::Psychiatrist,
    Role::DoctoralPsychologist,
    Role::AppealsReviewer,
    Role::ClaimsExaminer,
    Role::Administrator,
    Role::Auditor,
];

/// ELIG-05 eligibility inquiry. Providers may ask about any member ID (as with a 270); every
/// inquiry is in the access log.
#[utoipa::path(get, path = "/api/v1/eligibility", params(EligibilityQuery),
    responses((status = 200, body = EligibilityAnswer), (status = 400, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn eligibility(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<EligibilityQuery>,
) -> Result<Json<EligibilityAnswer>, ApiError> {
    let p = &caller.principal;
    p.require(INQUIRERS, "check eligibility")?;
    let member =
        MemberId::parse(&q.member_id).map_err(|e| ApiError::invalid("member_id", e.to_string()))?;
    let date: Date = match &q.date {
        Some(d) => d
            .parse()
            .map_err(|_| ApiError::invalid("date", format!("{d:?} is not a date (YYYY-MM-DD)")))?,
        None => Timestamp::now()
            .to_zoned(state.plan.time_zone().clone())
            .date(),
    };
    let found = state
        .store
        .get_member(&member)
        .await
        .map_err(ApiError::from_store)?;
    audit(
        &state,
        p,
        "read eligibility",
        "member",
        member.as_str(),
        Some(member.as_str()),
        if found.is_some() {
            "allowed"
        } else {
            "not_found"
        },
    )
    .await?;
    if found.is_none() {
        return Err(ApiError::not_found(format!(
            "member {member} is not on file"
        )));
    }
    let spans = state
        .store
        .eligibility(&member)
        .await
        .map_err(ApiError::from_store)?;
    let code = state.plan.config.plan_code.clone();
    let (eligible, program, reason) = match check_coverage(&spans, &code, date) {
        Ok(s) => (true, Some(s.program.as_str().to_owned()), None),
        Err(why) => (false, None, Some(format!("{why:?}"))),
    };
    Ok(Json(EligibilityAnswer {
        member_id: member.to_string(),
        date: date.to_string(),
        eligible,
        plan_code: code,
        program,
        reason,
        plan_switches: plan_switches(&spans)
            .into_iter()
            .map(|s| SwitchView {
                date: s.date.to_string(),
                from_plan: s.from_plan,
                to_plan: s.to_plan,
            })
            .collect(),
        note: "An eligibility answer is not an authorization (ELIG-05).".into(),
    }))
}

/// Grid look-up parameters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct GridQuery {
    /// HCPCS/CPT code.
    pub code: String,
    /// Modifiers, comma-separated.
    pub modifiers: Option<String>,
    /// Level of care.
    pub level_of_care: Option<String>,
}

/// UM-01: what the published grid says about a service.
#[derive(Debug, Serialize, ToSchema)]
pub struct GridAnswer {
    /// The code asked about.
    pub code: String,
    /// `prior_auth`, `notification` or `none`.
    pub requirement: String,
    /// Units free per member per plan year before authorization is needed.
    pub threshold_units: u32,
    /// Counts toward the plan's initial encounters (UM-09).
    pub initial_encounters: bool,
    /// The rule in plain words.
    pub note: String,
}

/// UM-01 "does this need authorization?", from the published grid. Open to every signed-in user.
#[utoipa::path(get, path = "/api/v1/auth-grid", params(GridQuery),
    responses((status = 200, body = GridAnswer), (status = 400, body = ApiErrorBody)))]
pub async fn auth_grid(
    State(state): State<AppState>,
    _caller: Caller,
    Query(q): Query<GridQuery>,
) -> Result<Json<GridAnswer>, ApiError> {
    let code =
        ProcedureCode::parse(&q.code).map_err(|e| ApiError::invalid("code", e.to_string()))?;
    let mut mods = Vec::new();
    for m in q
        .modifiers
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        mods.push(Modifier::parse(m).map_err(|e| ApiError::invalid("modifiers", e.to_string()))?);
    }
    Ok(Json(
        match state
            .plan
            .auth_grid
            .requirement(&code, &mods, q.level_of_care.as_deref())
        {
            Some(r) => GridAnswer {
                code: code.to_string(),
                requirement: r.requirement.as_str().into(),
                threshold_units: r.threshold_units,
                initial_encounters: r.initial_encounters,
                note: r.note.clone(),
            },
            None => GridAnswer {
                code: code.to_string(),
                requirement: "none".into(),
                threshold_units: 0,
                initial_encounters: false,
                note: "Not in the authorization grid: no authorization needed (UM-01).".into(),
            },
        },
    ))
}

fn case_json(c: &accord_um::UmCase) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(c)
        .map_err(|e| ApiError::of(accord_core::ErrorCode::Internal, e.to_string(), None))
}

/// Submit an authorization request (JSON, `docs/utilization-management.md`). A provider user may
/// only ask as one of its own NPIs.
#[utoipa::path(post, path = "/api/v1/authorizations", request_body(content = Object, description = "the request form"),
    responses((status = 201, body = Object, description = "the case: clock, checks, decision"), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody)))]
pub async fn request_authorization(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(form): ApiJson<RequestForm>,
) -> Result<(axum::http::StatusCode, Json<serde_json::Value>), ApiError> {
    let p = &caller.principal;
    p.require(
        &[
            Role::Provider,
            Role::ClinicalCareManager,
            Role::Psychiatrist,
            Role::DoctoralPsychologist,
            Role::Administrator,
        ],
        "request authorizations",
    )?;
    if !p.may_see(&[form.requesting_npi.trim()]) {
        return Err(ApiError::forbidden(format!(
            "requesting_npi {} is not one of your organisation's NPIs",
            form.requesting_npi
        )));
    }
    let c = um::submit(
        &state.store,
        &state.plan,
        &form,
        Timestamp::now(),
        &p.user_id,
    )
    .await
    .map_err(ApiError::from_service)?;
    audit(
        &state,
        p,
        "write authorization request",
        "authorization_request",
        &c.request.id,
        Some(c.request.member_id.as_str()),
        "allowed",
    )
    .await?;
    Ok((axum::http::StatusCode::CREATED, Json(case_json(&c)?)))
}

/// The notice shown where substance-use information is withheld (SEC-02).
pub const PART2_NOTICE: &str = "Substance-use disorder information is withheld: the member's consent to disclose it to you is not on file (42 CFR Part 2, SEC-02).";

/// SEC-02: a provider that did not itself send the request (e.g. the servicing provider named by
/// another) sees no substance-use diagnoses or clinical details without the member's consent on
/// file. Returns true when something was withheld.
pub(crate) async fn withhold_part2(
    state: &AppState,
    p: &Principal,
    c: &mut accord_um::UmCase,
) -> Result<bool, ApiError> {
    if p.role != Role::Provider
        || p.npis
            .iter()
            .any(|n| n == c.request.requesting_npi.as_str())
    {
        return Ok(false);
    }
    let sud = c.request.diagnoses.iter().any(|d| d.is_substance_use());
    if !sud {
        return Ok(false);
    }
    let consent = state
        .store
        .get_member(&c.request.member_id)
        .await
        .map_err(ApiError::from_store)?
        .is_some_and(|m| m.sud_consent);
    if consent {
        return Ok(false);
    }
    c.request.diagnoses.clear();
    c.request.clinical = accord_um::request::ClinicalInfo::default();
    c.request.attachments.clear();
    audit(
        state,
        p,
        "withhold part 2",
        "authorization_request",
        &c.request.id,
        Some(c.request.member_id.as_str()),
        "withheld",
    )
    .await?;
    Ok(true)
}

/// One authorization request with its clock, checks, decision and history. A provider user sees
/// only requests for its NPIs; any other ID is "not found". Substance-use details are withheld
/// from a provider without the member's consent (SEC-02).
#[utoipa::path(get, path = "/api/v1/authorizations/{id}", params(("id" = String, Path, description = "request number")),
    responses((status = 200, body = Object), (status = 404, body = ApiErrorBody)))]
pub async fn authorization(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let mut c = visible_case(&state, &caller.principal, &id).await?;
    let withheld = withhold_part2(&state, &caller.principal, &mut c).await?;
    let mut v = case_json(&c)?;
    if withheld && let Some(o) = v.as_object_mut() {
        o.insert(
            "withheld".into(),
            serde_json::Value::String(PART2_NOTICE.into()),
        );
    }
    Ok(Json(v))
}

pub(crate) async fn visible_case(
    state: &AppState,
    p: &Principal,
    id: &str,
) -> Result<accord_um::UmCase, ApiError> {
    p.require(
        &[
            Role::Provider,
            Role::ClinicalCareManager,
            Role::Psychiatrist,
            Role::DoctoralPsychologist,
            Role::AppealsReviewer,
            Role::ClaimsExaminer,
            Role::Administrator,
            Role::Auditor,
        ],
        "read authorization requests",
    )?;
    let c = match um::load(&state.store, id).await {
        Ok(c) => c,
        Err(accord_service::ServiceError::NotFound(_)) => {
            return Err(ApiError::not_found(format!(
                "authorization request {id} not found"
            )));
        }
        Err(e) => return Err(ApiError::from_service(e)),
    };
    let npis = [
        c.request.requesting_npi.as_str(),
        c.request.servicing_npi.as_str(),
    ];
    if !p.may_see(&npis) {
        audit(
            state,
            p,
            "read authorization request",
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
    audit(
        state,
        p,
        "read authorization request",
        "authorization_request",
        id,
        Some(c.request.member_id.as_str()),
        "allowed",
    )
    .await?;
    Ok(c)
}

/// A reviewer's decision.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionBody {
    /// `approve` or `deny`.
    pub verdict: String,
    /// Units approved per service under review (approve; default: as asked).
    #[serde(default)]
    pub units: Vec<u32>,
    /// Last date approved.
    pub through: Option<String>,
    /// Specific reasons (required for a denial or reduction, UM-06).
    #[serde(default)]
    pub reasons: Vec<String>,
}

pub(crate) async fn decide_as(
    state: &AppState,
    p: &Principal,
    id: &str,
    b: DecisionBody,
) -> Result<accord_um::UmCase, ApiError> {
    if !p.role.is_clinical() {
        return Err(ApiError::forbidden(format!(
            "{} ({}) is not clinical staff: only clinical care managers and peer reviewers decide authorization requests (UM-05)",
            p.user_id,
            p.role.as_str()
        )));
    }
    let current = visible_case(state, p, id).await?;
    let asked: Vec<u32> = match &current.screening.outcome {
        accord_um::Outcome::Review { services, .. } => services.iter().map(|s| s.units).collect(),
        _ => Vec::new(),
    };
    let units = match b.verdict.as_str() {
        "deny" => vec![0; asked.len()],
        "approve" if b.units.is_empty() => asked,
        "approve" => b.units,
        other => {
            return Err(ApiError::invalid(
                "verdict",
                format!("{other:?} is not approve or deny"),
            ));
        }
    };
    let through = match &b.through {
        Some(t) if !t.trim().is_empty() => Some(
            t.trim()
                .parse::<Date>()
                .map_err(|_| ApiError::invalid("through", format!("{t:?} is not a date")))?,
        ),
        _ => None,
    };
    let d = ReviewerDecision {
        units,
        through,
        reasons: b.reasons,
        criteria_set: None,
    };
    let c = um::decide(
        &state.store,
        &state.plan,
        id,
        &p.user_id,
        &d,
        Timestamp::now(),
    )
    .await
    .map_err(ApiError::from_service)?;
    audit(
        state,
        p,
        "write authorization decision",
        "authorization_request",
        id,
        Some(c.request.member_id.as_str()),
        "allowed",
    )
    .await?;
    Ok(c)
}

/// Decide a request in review (UM-05: only a psychiatrist — or a doctoral psychologist for the
/// levels the plan names — may deny or reduce).
#[utoipa::path(post, path = "/api/v1/authorizations/{id}/decision", params(("id" = String, Path, description = "request number")),
    request_body = DecisionBody,
    responses((status = 200, body = Object), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let c = decide_as(&state, &caller.principal, &id, b).await?;
    Ok(Json(case_json(&c)?))
}

/// The clinical work queue, by due instant.
#[utoipa::path(get, path = "/api/v1/um/queue", responses((status = 200, body = Object), (status = 403, body = ApiErrorBody)))]
pub async fn um_queue(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.principal.require(
        &[
            Role::ClinicalCareManager,
            Role::Psychiatrist,
            Role::DoctoralPsychologist,
            Role::Administrator,
            Role::Auditor,
        ],
        "see the clinical queue",
    )?;
    let q = um::queue(&state.store, Timestamp::now())
        .await
        .map_err(ApiError::from_service)?;
    serde_json::to_value(q)
        .map(Json)
        .map_err(|e| ApiError::of(accord_core::ErrorCode::Internal, e.to_string(), None))
}

/// A claim's status.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimStatus {
    /// Tracking number.
    pub tracking: String,
    /// `accepted`, `rejected`, or the decision's status.
    pub status: String,
    /// Member.
    pub member_id: Option<String>,
    /// Billing provider.
    pub billing_npi: Option<String>,
    /// The plain-language explanation of every rule applied.
    pub explanation: Option<String>,
    /// The decision with its trace.
    #[schema(value_type = Object)]
    pub decision: Option<serde_json::Value>,
}

/// Claim status with its explanation. A provider user sees only claims it billed or is paid for.
#[utoipa::path(get, path = "/api/v1/claims/{tracking}", params(("tracking" = String, Path, description = "tracking number")),
    responses((status = 200, body = ClaimStatus), (status = 404, body = ApiErrorBody)))]
pub async fn claim(
    State(state): State<AppState>,
    caller: Caller,
    Path(tracking): Path<String>,
) -> Result<Json<ClaimStatus>, ApiError> {
    let p = &caller.principal;
    p.require(
        &[
            Role::Provider,
            Role::ClaimsExaminer,
            Role::AppealsReviewer,
            Role::Administrator,
            Role::Auditor,
            Role::ClinicalCareManager,
            Role::Psychiatrist,
            Role::DoctoralPsychologist,
        ],
        "read claims",
    )?;
    let nf = || ApiError::not_found(format!("claim {tracking} not found"));
    let c = state
        .store
        .claim(&tracking)
        .await
        .map_err(ApiError::from_store)?
        .ok_or_else(nf)?;
    let stored = state
        .store
        .decision(&tracking)
        .await
        .map_err(ApiError::from_store)?;
    let mut npis: Vec<&str> = c.billing_npi.as_deref().into_iter().collect();
    if let Some(s) = &stored {
        npis.push(s.pay_to_npi.as_str());
    }
    if !p.may_see(&npis) {
        audit(&state, p, "read claim", "claim", &tracking, None, "denied").await?;
        return Err(nf());
    }
    audit(
        &state,
        p,
        "read claim",
        "claim",
        &tracking,
        c.member_id.as_deref(),
        "allowed",
    )
    .await?;
    // SEC-02: a payee that did not bill a Part 2 claim sees its status, not its details.
    if let Some(member) = crate::part2::must_withhold(&state, p, &tracking).await? {
        audit(
            &state,
            p,
            "withhold part 2",
            "claim",
            &tracking,
            member.as_deref(),
            "withheld",
        )
        .await?;
        return Ok(Json(ClaimStatus {
            tracking: c.tracking.clone(),
            status: stored
                .as_ref()
                .map_or(c.status.clone(), |s| s.status.clone()),
            member_id: None,
            billing_npi: c.billing_npi.clone(),
            explanation: Some(crate::part2::CLAIM_NOTICE.into()),
            decision: None,
        }));
    }
    let decision = accord_service::adjudication::stored_decision(&state.store, &tracking)
        .await
        .map_err(ApiError::from_service)?;
    Ok(Json(ClaimStatus {
        tracking: c.tracking.clone(),
        status: stored
            .as_ref()
            .map_or(c.status.clone(), |s| s.status.clone()),
        member_id: c.member_id.clone(),
        billing_npi: c.billing_npi.clone(),
        explanation: decision
            .as_ref()
            .map(|d| d.explain())
            .or_else(|| rejection_explained(&c)),
        decision: decision.as_ref().and_then(|d| serde_json::to_value(d).ok()),
    }))
}

/// CLM-01, CLM-03: a claim rejected at intake has no decision; its explanation is the rejection
/// itself, each reason with the element at fault, as its 277CA said — never "not decided yet".
fn rejection_explained(c: &accord_store::StoredClaim) -> Option<String> {
    if c.status != "rejected" {
        return None;
    }
    let reasons: Vec<String> = c
        .reasons
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let text = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or("");
            match (text("element"), text("message")) {
                ("", m) => format!("- {m}"),
                (e, m) => format!("- {e}: {m}"),
            }
        })
        .collect();
    Some(format!(
        "Rejected at intake (CLM-01): stored with this tracking number, not adjudicated. \
         Correct and resubmit it as a new claim.\n{}",
        reasons.join("\n")
    ))
}

#[cfg(test)]
mod rejection_tests {
    use super::*;

    fn stored(status: &str, reasons: serde_json::Value) -> accord_store::StoredClaim {
        accord_store::StoredClaim {
            tracking: "202611020002270".into(),
            sender: "S".into(),
            interchange_control: "1".into(),
            patient_control: "P1".into(),
            member_id: Some("974066164".into()),
            billing_npi: Some("1234567893".into()),
            total_charge: accord_core::Money::ZERO,
            status: status.into(),
            reasons,
            claim: None,
            received_at: "2026-11-02T15:00:00Z".into(),
        }
    }

    #[test]
    fn clm_01_a_rejected_claim_is_explained_by_its_rejection() {
        let c = stored(
            "rejected",
            serde_json::json!([{"category": "A7", "element": "2010BA NM109 (member ID)",
                "message": "member ID 974066164 is not found (CLM-04)"}]),
        );
        let text = rejection_explained(&c).expect("explained");
        assert!(text.starts_with("Rejected at intake (CLM-01)"), "{text}");
        assert!(
            text.ends_with("- 2010BA NM109 (member ID): member ID 974066164 is not found (CLM-04)"),
            "{text}"
        );
        assert_eq!(
            rejection_explained(&stored("accepted", serde_json::json!([]))),
            None
        );
    }
}
