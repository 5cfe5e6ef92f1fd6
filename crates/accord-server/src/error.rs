//! The API's one error shape: `{"code": "...", "message": "...", "field": "..."}` with the HTTP
//! status of the error table (`accord_core::ErrorCode`), shared with the CLI and the docs.

use accord_core::ErrorCode;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error as the API returns it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// Machine code from the error table (`invalid_input`, `not_found`, `forbidden`, …).
    pub code: String,
    /// What is wrong, for a person.
    pub message: String,
    /// The field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error on its way out.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Body.
    pub body: ApiErrorBody,
}

impl ApiError {
    /// From the error table.
    pub fn of(code: ErrorCode, message: impl Into<String>, field: Option<String>) -> Self {
        let info = code.info();
        Self {
            status: StatusCode::from_u16(info.http_status)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: ApiErrorBody {
                code: info.code.to_owned(),
                message: message.into(),
                field,
            },
        }
    }

    /// 401: not signed in.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            body: ApiErrorBody {
                code: "unauthorized".into(),
                message: message.into(),
                field: None,
            },
        }
    }

    /// 403: signed in, not allowed.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::of(ErrorCode::Forbidden, message, None)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::of(ErrorCode::NotFound, message, None)
    }

    /// 400 naming the field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::of(ErrorCode::InvalidInput, message, Some(field.to_owned()))
    }

    /// 429: too many failed sign-ins.
    pub fn throttled() -> Self {
        Self {
            status: StatusCode::TOO_MANY_REQUESTS,
            body: ApiErrorBody {
                code: "throttled".into(),
                message: "too many failed sign-ins for this user; wait 15 minutes".into(),
                field: None,
            },
        }
    }

    /// A store failure.
    pub fn from_store(e: accord_store::StoreError) -> Self {
        let code: ErrorCode = (&e).into();
        Self::of(code, e.to_string(), None)
    }

    /// A service failure; a form error names its first field.
    pub fn from_service(e: accord_service::ServiceError) -> Self {
        let code: ErrorCode = (&e).into();
        let field = match &e {
            accord_service::ServiceError::Form(m) => m.split(':').next().map(str::to_owned),
            accord_service::ServiceError::Invalid { field, .. } => Some((*field).to_owned()),
            _ => None,
        };
        Self::of(code, e.to_string(), field)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// A JSON body whose rejection (bad JSON, wrong type, unknown field, too large) is the API's error
/// shape, naming the field serde reports.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(r) => {
                let status = r.status();
                let text = r.body_text();
                // serde_json reports "field.path: message at line L column C".
                let field = text
                    .split_once(": ")
                    .map(|(_, rest)| rest)
                    .and_then(|rest| rest.split_once(": "))
                    .map(|(path, _)| path.to_owned())
                    .filter(|p| !p.contains(' '));
                let mut e = ApiError::of(ErrorCode::InvalidInput, text, field);
                if status == StatusCode::PAYLOAD_TOO_LARGE {
                    e.status = status;
                }
                Err(e)
            }
        }
    }
}
