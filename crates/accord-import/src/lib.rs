//! # accord-import
//!
//! Reads the member, provider, authorization and appointment-availability files a plan loads (CSV or JSON, columns in `docs/import.md`) into
//! validated `accord-core` records. Pure: bytes in, records or errors out; storing them is the
//! caller's job (one transaction, so a file with any bad row imports nothing).
//!
//! Every bad row is reported, not just the first, as `line N: field: what is wrong` (CSV line
//! numbers count the header as line 1; JSON errors name the record, counted from 1).

mod appointments;
mod authorizations;
mod members;
mod providers;
mod row;

pub use appointments::{APPOINTMENT_COLUMNS, read_appointments};
pub use authorizations::{AUTHORIZATION_COLUMNS, ImportedAuthorization, read_authorizations};
pub use members::{MEMBER_COLUMNS, MemberImport, read_members};
pub use providers::{PROVIDER_COLUMNS, ProviderImport, read_providers};

use accord_core::ErrorCode;

/// The format of an import file, chosen from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of records.
    Json,
}

impl Format {
    /// `.csv` or `.json` (case-insensitive); anything else is refused with the reason.
    pub fn from_path(path: &std::path::Path) -> Result<Format, ImportErrors> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(Format::Csv),
            Some("json") => Ok(Format::Json),
            _ => Err(ImportErrors(vec![RowError {
                location: Location::File,
                field: "file".into(),
                message: format!(
                    "{}: unknown format: use a .csv or .json file",
                    path.display()
                ),
            }])),
        }
    }
}

/// Where in the file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (unreadable, wrong format, missing header).
    File,
    /// A CSV line (the header is line 1).
    Line(u64),
    /// A JSON record, counted from 1.
    Record(usize),
}

/// One problem in one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Where.
    pub location: Location,
    /// Which column or field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.location {
            Location::File => write!(f, "{}: {}", self.field, self.message),
            Location::Line(l) => write!(f, "line {l}: {}: {}", self.field, self.message),
            Location::Record(r) => write!(f, "record {r}: {}: {}", self.field, self.message),
        }
    }
}

/// Every problem found in a file. Display prints one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportErrors(pub Vec<RowError>);

impl std::fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<&ImportErrors> for ErrorCode {
    fn from(_: &ImportErrors) -> ErrorCode {
        ErrorCode::InvalidImport
    }
}
