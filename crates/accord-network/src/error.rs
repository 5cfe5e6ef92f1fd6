//! What can go wrong: bad input (naming the field) and refusals (naming the rule and dates).

/// A network rule refused a change, or its input was unreadable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NetworkError {
    /// The input is not readable or not valid; names the field (and line, for files).
    #[error("{field}: {message}")]
    Invalid {
        /// The field, e.g. `items.license.verified_on` or `line 3, DOB`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A rule refuses the change; the message cites the rule ID and the dates.
    #[error("{0}")]
    Refused(String),
}

impl NetworkError {
    /// Bad input in `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        NetworkError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}
