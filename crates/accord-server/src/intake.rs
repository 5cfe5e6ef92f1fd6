//! Claims received over HTTP (CLM-01): an 837 file in the request body, stored with tracking
//! numbers before it is acknowledged, answered with the 999 and 277CA — the same intake as
//! `accord claims submit`. Bodies up to [`UPLOAD_LIMIT`].

use accord_service::intake::{IntakeReference, Numbering, submit};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::audit;
use crate::auth::{Caller, Role};
use crate::error::{ApiError, ApiErrorBody};

/// Largest 837 accepted in one request.
pub const UPLOAD_LIMIT: usize = 64 * 1024 * 1024;

/// What intake did with a file.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeReport {
    /// Claims read.
    pub claims_read: usize,
    /// Accepted into adjudication.
    pub accepted: usize,
    /// Rejected, on record with reasons.
    pub rejected: usize,
    /// Already received (same interchange from the same sender): nothing created.
    pub already_received: usize,
    /// Tracking numbers given, in file order.
    pub tracking: Vec<String>,
    /// The acknowledgments: name (`999`, `277CA`) and X12 text.
    pub acknowledgments: Vec<(String, String)>,
}

/// The billing-provider NPIs (loop 2010AA `NM1*85`, NM109) in an X12 text, read with the file's
/// own delimiters. Used to keep a provider user to its own claims before anything is stored.
pub fn billing_npis(x12: &[u8]) -> Vec<String> {
    if x12.len() < 106 || !x12.starts_with(b"ISA") {
        return Vec::new();
    }
    let (elem, term) = (x12[3], x12[105]);
    let mut out: Vec<String> = Vec::new();
    for seg in x12.split(|b| *b == term) {
        let seg = seg.trim_ascii_start();
        let fields: Vec<&[u8]> = seg.split(|b| *b == elem).collect();
        if fields.first() == Some(&&b"NM1"[..])
            && fields.get(1) == Some(&&b"85"[..])
            && let Some(n) = fields.get(9)
        {
            let n = String::from_utf8_lossy(n).trim().to_owned();
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// Receive an 837P/837I file (the body, as sent by a clearinghouse or a practice system). Every
/// claim is stored with a tracking number before the 999 and 277CA are returned. A provider user
/// may only send claims billed by its own NPIs (the file is refused whole otherwise, nothing stored).
#[utoipa::path(post, path = "/api/v1/claims/837", request_body(content = String, content_type = "application/edi-x12"),
    responses((status = 201, body = IntakeReport), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody)))]
pub async fn receive_837(
    State(state): State<AppState>,
    caller: Caller,
    body: Bytes,
) -> Result<(axum::http::StatusCode, Json<IntakeReport>), ApiError> {
    let p = &caller.principal;
    p.require(
        &[Role::Provider, Role::ClaimsExaminer, Role::Administrator],
        "send claims",
    )?;
    if p.role == Role::Provider {
        let npis = billing_npis(&body);
        if npis.is_empty() {
            return Err(ApiError::invalid(
                "body",
                "not an X12 837: no ISA header or no billing provider (NM1*85)",
            ));
        }
        if let Some(other) = npis.iter().find(|n| !p.npis.contains(n)) {
            return Err(ApiError::forbidden(format!(
                "the file bills as NPI {other}, which is not one of your organisation's NPIs; nothing was stored"
            )));
        }
    }
    let mut reference = IntakeReference::load(&state.store, &state.plan)
        .await
        .map_err(ApiError::from_service)?;
    let mut numbering = Numbering::continuing(&state.store)
        .await
        .map_err(ApiError::from_service)?;
    let now = jiff::Zoned::now().with_time_zone(state.plan.time_zone().clone());
    let name = format!("upload by {} at {}", p.user_id, now.timestamp());
    let data = body.clone();
    let s = submit(
        &state.store,
        &mut reference,
        || Ok(std::io::Cursor::new(data.clone())),
        &name,
        &now,
        &mut numbering,
        |control| {
            let now = jiff::Zoned::now();
            accord_x12::write::Envelope {
                date: now.date(),
                time: now.time(),
                interchange_control: control,
                group_control: control,
                ..accord_x12::write::Envelope::example()
            }
        },
    )
    .await
    .map_err(ApiError::from_service)?;
    for t in &s.tracking {
        audit(&state, p, "write claim", "claim", t, None, "allowed").await?;
    }
    Ok((
        axum::http::StatusCode::CREATED,
        Json(IntakeReport {
            claims_read: s.claims_read,
            accepted: s.accepted,
            rejected: s.rejected,
            already_received: s.already_received,
            tracking: s.tracking,
            acknowledgments: s.acknowledgments,
        }),
    ))
}
