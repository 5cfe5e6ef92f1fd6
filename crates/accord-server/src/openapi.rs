//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::Json;
use utoipa::OpenApi;

use crate::auth::{Principal, Role};
use crate::error::ApiErrorBody;
use crate::{api, cases, claims_api, dashboard, intake, network};

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Accord API",
        description = "Managed behavioral-health care: eligibility, authorizations, claims (837 or JSON), cases. Errors are `{code, message, field}` with the status of the error table (docs/errors.md).",
        license(name = "Apache-2.0")
    ),
    paths(
        api::me,
        api::eligibility,
        api::auth_grid,
        api::request_authorization,
        api::authorization,
        api::decide,
        api::um_queue,
        api::claim,
        cases::file,
        cases::show,
        cases::act,
        cases::due,
        intake::receive_837,
        claims_api::submit_json,
        dashboard::claims_report,
        dashboard::um_report,
        network::provider_record,
        network::pipeline
    ),
    components(schemas(
        ApiErrorBody,
        Principal,
        Role,
        api::EligibilityAnswer,
        api::SwitchView,
        api::GridAnswer,
        api::DecisionBody,
        api::ClaimStatus,
        intake::IntakeReport,
        claims_api::JsonClaim,
        claims_api::JsonClaimKind,
        claims_api::JsonFrequency,
        claims_api::JsonAddress,
        claims_api::JsonBillingProvider,
        claims_api::JsonPayTo,
        claims_api::JsonMember,
        claims_api::JsonAdmission,
        claims_api::JsonLine,
        claims_api::ClaimReceipt,
        claims_api::ClaimAcknowledgment
    ))
)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
