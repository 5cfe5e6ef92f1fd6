//! What can go wrong in a service call.

use accord_core::ErrorCode;

/// A service failure, naming the record at fault.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] accord_store::StoreError),
    /// A stored record does not convert to the engine's types (it was written by an older or
    /// foreign version, or edited by hand).
    #[error("{record}: {field}: {message}")]
    Invalid {
        /// The record, e.g. `authorization PA-1`.
        record: String,
        /// The field at fault.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The record asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A service-plan rule (SP-01..SP-06) or the plan's state refuses the change; the message
    /// says what to do instead.
    #[error(transparent)]
    ServicePlan(#[from] accord_service_plan::Refusal),
    /// The case engine refuses a filing or an action (the message names the rule, the window and
    /// the dates), or finds it does not apply or is out of order.
    #[error(transparent)]
    Case(#[from] accord_cases::CaseError),
    /// The action is not allowed in the record's state.
    #[error("{0}")]
    Refused(String),
    /// The input disagrees with what is already recorded (e.g. an import that would change a
    /// member's details, or that changes nothing because it was imported already).
    #[error("{0}")]
    Conflict(String),
    /// The user may not take this action (e.g. UM-05: only a psychiatrist denies).
    #[error("{0}")]
    Forbidden(String),
    /// A submitted form has bad fields, each named with its path.
    #[error("{0}")]
    Form(String),
    /// An 835 would not balance (a bug: the cycle's arithmetic is checked before writing).
    #[error("remittance to {payee} does not balance: {source}")]
    Unbalanced {
        /// Pay-to NPI.
        payee: String,
        /// The imbalance.
        source: accord_x12::w835::BalanceError,
    },
    /// Writing an output file failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl From<&ServiceError> for ErrorCode {
    fn from(e: &ServiceError) -> ErrorCode {
        match e {
            ServiceError::Store(e) => e.into(),
            ServiceError::Invalid { .. } => ErrorCode::InvalidInput,
            ServiceError::NotFound(_) => ErrorCode::NotFound,
            ServiceError::Refused(_) => ErrorCode::RuleViolation,
            ServiceError::Conflict(_) => ErrorCode::Conflict,
            ServiceError::Forbidden(_) => ErrorCode::Forbidden,
            ServiceError::Form(_) => ErrorCode::InvalidInput,
            ServiceError::ServicePlan(r) => r.into(),
            ServiceError::Case(e) => e.into(),
            ServiceError::Unbalanced { .. } | ServiceError::Io { .. } => ErrorCode::Internal,
        }
    }
}

impl From<accord_network::NetworkError> for ServiceError {
    fn from(e: accord_network::NetworkError) -> Self {
        match e {
            accord_network::NetworkError::Invalid { .. } => ServiceError::Form(e.to_string()),
            accord_network::NetworkError::Refused(m) => ServiceError::Refused(m),
        }
    }
}

impl ServiceError {
    pub(crate) fn invalid(
        record: impl Into<String>,
        field: &'static str,
        message: impl ToString,
    ) -> Self {
        ServiceError::Invalid {
            record: record.into(),
            field,
            message: message.to_string(),
        }
    }
}
