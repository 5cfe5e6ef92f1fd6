//! The one error table.
//!
//! Every error Accord shows a person or a program has a stable machine code from this table. The
//! CLI maps it to an exit code, the API (later) to an HTTP status and a JSON body, and
//! `docs/errors.md` is generated from it (a test keeps the file in step), so the three never
//! disagree. Library error types carry their own detail and say which [`ErrorCode`] they are.

/// A stable, documented error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// An identifier, code or value failed its format rule.
    InvalidInput,
    /// A configuration file (plan directory) is missing or invalid.
    InvalidConfiguration,
    /// An import file has bad rows; nothing was imported.
    InvalidImport,
    /// The requested record does not exist.
    NotFound,
    /// The request conflicts with the current state (e.g. a duplicate key).
    Conflict,
    /// A rule of the domain refuses the action (e.g. a filing window has closed).
    RuleViolation,
    /// The caller is not allowed to do this.
    Forbidden,
    /// The database could not be reached or failed.
    Storage,
    /// An unexpected internal failure (a bug): reported, never silently ignored.
    Internal,
}

/// One row of the error table.
#[derive(Debug, Clone, Copy)]
pub struct ErrorInfo {
    /// The code as text, e.g. `invalid_input`.
    pub code: &'static str,
    /// HTTP status the API answers with.
    pub http_status: u16,
    /// Process exit code the CLI ends with.
    pub exit_code: u8,
    /// What it means and what to do.
    pub meaning: &'static str,
}

impl ErrorCode {
    /// Every code, in table order.
    pub const ALL: [ErrorCode; 9] = [
        ErrorCode::InvalidInput,
        ErrorCode::InvalidConfiguration,
        ErrorCode::InvalidImport,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::RuleViolation,
        ErrorCode::Forbidden,
        ErrorCode::Storage,
        ErrorCode::Internal,
    ];

    /// This code's row in the table.
    pub const fn info(self) -> ErrorInfo {
        match self {
            ErrorCode::InvalidInput => ErrorInfo {
                code: "invalid_input",
                http_status: 400,
                exit_code: 2,
                meaning: "A value failed its format rule. The message names the field and the rule; correct the value and retry.",
            },
            ErrorCode::InvalidConfiguration => ErrorInfo {
                code: "invalid_configuration",
                http_status: 500,
                exit_code: 3,
                meaning: "A plan configuration file is missing or invalid. The message names the file, line and field.",
            },
            ErrorCode::InvalidImport => ErrorInfo {
                code: "invalid_import",
                http_status: 422,
                exit_code: 4,
                meaning: "An import file has rows that failed validation. Every bad row is listed as `line N: field: problem`; nothing was imported.",
            },
            ErrorCode::NotFound => ErrorInfo {
                code: "not_found",
                http_status: 404,
                exit_code: 5,
                meaning: "The record asked for does not exist (or is not visible to you).",
            },
            ErrorCode::Conflict => ErrorInfo {
                code: "conflict",
                http_status: 409,
                exit_code: 6,
                meaning: "The action conflicts with what is already recorded, e.g. the same key twice.",
            },
            ErrorCode::RuleViolation => ErrorInfo {
                code: "rule_violation",
                http_status: 422,
                exit_code: 7,
                meaning: "A domain rule refuses the action. The message cites the rule ID from RULES.md and the dates or values involved.",
            },
            ErrorCode::Forbidden => ErrorInfo {
                code: "forbidden",
                http_status: 403,
                exit_code: 8,
                meaning: "Your role or scope does not allow this action.",
            },
            ErrorCode::Storage => ErrorInfo {
                code: "storage",
                http_status: 503,
                exit_code: 9,
                meaning: "The database failed or could not be reached. Nothing was half-written: the unit of work was rolled back.",
            },
            ErrorCode::Internal => ErrorInfo {
                code: "internal",
                http_status: 500,
                exit_code: 70,
                meaning: "An unexpected failure, which is a bug. Please report it with the message.",
            },
        }
    }

    /// The code as text.
    pub const fn as_str(self) -> &'static str {
        self.info().code
    }

    /// The error table as a Markdown document (the source of `docs/errors.md`).
    pub fn markdown_table() -> String {
        let mut s = String::from(
            "# Error codes\n\nGenerated from `accord_core::error::ErrorCode` (a test keeps this file in step).\n\
             The API answers with the HTTP status and `{\"code\", \"message\", \"field\"}`; the CLI prints the\n\
             message and exits with the exit code. Usage errors (bad flags) exit with 2, as clap does.\n\n\
             | code | HTTP | exit | meaning |\n|---|---|---|---|\n",
        );
        for c in Self::ALL {
            let i = c.info();
            s.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                i.code, i.http_status, i.exit_code, i.meaning
            ));
        }
        s
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_exit_codes_are_unique() {
        let mut codes: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ErrorCode::ALL.len());
        let mut exits: Vec<_> = ErrorCode::ALL
            .iter()
            .map(|c| c.info().exit_code)
            .filter(|e| *e != 2)
            .collect();
        exits.sort_unstable();
        exits.dedup();
        assert_eq!(exits.len(), ErrorCode::ALL.len() - 1);
    }

    #[test]
    fn docs_errors_md_matches_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/errors.md");
        let expected = ErrorCode::markdown_table();
        if std::env::var_os("ACCORD_BLESS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "docs/errors.md is out of date: run `ACCORD_BLESS=1 cargo test -p accord-core`"
        );
    }
}
