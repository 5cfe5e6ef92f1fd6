//! A failure the CLI expects and explains: a message for a person and a code from the error table.

use accord_core::ErrorCode;

/// An expected failure; `main` prints the message and exits with the code's exit code.
#[derive(Debug)]
pub struct Failure {
    /// Which row of the error table.
    pub code: ErrorCode,
    /// What to tell the person.
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Failure {}

/// Wraps a library error that knows its error code.
pub fn fail<E>(err: E) -> anyhow::Error
where
    E: std::fmt::Display,
    for<'a> &'a E: Into<ErrorCode>,
{
    let code: ErrorCode = (&err).into();
    anyhow::Error::new(Failure {
        code,
        message: err.to_string(),
    })
}
