//! Load errors: every problem in every file of a plan directory, each naming the file, the line and
//! the field, so a person editing the plan can go straight to it.

use std::fmt;
use std::path::{Path, PathBuf};

use accord_core::ErrorCode;

/// One problem in one plan file. Displays as `file:line: field: message` (line and field are
/// left out when unknown), e.g. `plans/x/services.csv:17: rate: "12.x" is not a number`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError {
    /// The file, as the plan directory path joined with the file name.
    pub file: PathBuf,
    /// 1-based line number, when the problem is on a line.
    pub line: Option<usize>,
    /// The column (CSV) or key (TOML) at fault, when there is one.
    pub field: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl PlanError {
    /// A problem with the file as a whole (missing, unreadable).
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// A problem at a line, optionally in a field.
    pub fn at(file: &Path, line: usize, field: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            line: Some(line),
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PlanError {}

/// Every problem found while loading a plan directory, in file order. Loading never stops at the
/// first problem: all files are read and all rows checked, so one run lists everything to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", join_lines(.errors))]
pub struct PlanErrors {
    /// The problems, one per file line at fault (a line can have several, one per field).
    pub errors: Vec<PlanError>,
}

fn join_lines(errors: &[PlanError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

impl PlanErrors {
    /// Number of problems.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// True when there are none (a `PlanErrors` returned by [`crate::Plan::load`] never is).
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The problems in order.
    pub fn iter(&self) -> std::slice::Iter<'_, PlanError> {
        self.errors.iter()
    }
}

impl<'a> IntoIterator for &'a PlanErrors {
    type Item = &'a PlanError;
    type IntoIter = std::slice::Iter<'a, PlanError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.iter()
    }
}

impl From<&PlanErrors> for ErrorCode {
    /// A bad plan directory is always [`ErrorCode::InvalidConfiguration`].
    fn from(_: &PlanErrors) -> Self {
        ErrorCode::InvalidConfiguration
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_file_line_field_message() {
        let e = PlanError::at(
            Path::new("services.csv"),
            17,
            Some("rate"),
            "\"12.x\" is not a number",
        );
        assert_eq!(
            e.to_string(),
            "services.csv:17: rate: \"12.x\" is not a number"
        );
        let f = PlanError::file(Path::new("plan.toml"), "file is missing");
        assert_eq!(f.to_string(), "plan.toml: file is missing");
        let all = PlanErrors { errors: vec![e, f] };
        assert_eq!(
            all.to_string(),
            "services.csv:17: rate: \"12.x\" is not a number\nplan.toml: file is missing"
        );
        assert_eq!(ErrorCode::from(&all), ErrorCode::InvalidConfiguration);
    }
}
