//! Field access for one input row (a CSV record or a JSON object flattened to strings), with errors
//! collected instead of returned, so one pass reports every problem in the row.

use std::collections::HashMap;
use std::str::FromStr;

use accord_core::Date;

use crate::{Format, ImportErrors, Location, RowError};

/// One row's fields by column name, and the problems found so far.
pub(crate) struct Row<'a> {
    pub location: Location,
    fields: HashMap<&'a str, &'a str>,
    pub errors: Vec<RowError>,
}

impl<'a> Row<'a> {
    pub fn new(location: Location, fields: HashMap<&'a str, &'a str>) -> Self {
        Self {
            location,
            fields,
            errors: Vec::new(),
        }
    }

    /// A row from (column, value) pairs as [`records`] returns them.
    pub fn from_fields(location: Location, fields: &'a [(String, String)]) -> Self {
        let map = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        Self::new(location, map)
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            location: self.location.clone(),
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// The trimmed text of a column, `None` when absent or empty.
    pub fn opt_text(&self, field: &str) -> Option<&'a str> {
        self.fields
            .get(field)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// A required text column.
    pub fn text(&mut self, field: &str) -> Option<&'a str> {
        let v = self.opt_text(field);
        if v.is_none() {
            self.error(field, "is required");
        }
        v
    }

    /// A required column parsed with `parse`, whose error message is kept.
    pub fn parse<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let v = self.text(field)?;
        match parse(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.error(field, e.to_string());
                None
            }
        }
    }

    /// An optional column parsed with `parse`: `Ok(None)` when empty.
    pub fn parse_opt<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<Option<T>> {
        match self.opt_text(field) {
            None => Some(None),
            Some(v) => match parse(v) {
                Ok(t) => Some(Some(t)),
                Err(e) => {
                    self.error(field, e.to_string());
                    None
                }
            },
        }
    }

    pub fn date(&mut self, field: &str) -> Option<Date> {
        self.parse(field, parse_date)
    }

    pub fn opt_date(&mut self, field: &str) -> Option<Option<Date>> {
        self.parse_opt(field, parse_date)
    }

    pub fn opt_bool(&mut self, field: &str) -> Option<bool> {
        match self.opt_text(field).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false" | "no" | "n" | "0") => Some(false),
            Some("true" | "yes" | "y" | "1") => Some(true),
            Some(_) => {
                self.error(field, "must be true or false");
                None
            }
        }
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::from_str(s).map_err(|_| format!("{s:?} is not a date (use YYYY-MM-DD)"))
}

/// One input record: where it is in the file, and its (column, value) pairs.
pub(crate) type Record = (Location, Vec<(String, String)>);

/// Reads every record of a CSV or JSON file, checking the CSV header for `required` columns.
pub(crate) fn records(
    bytes: &[u8],
    format: Format,
    required: &[&str],
) -> Result<Vec<Record>, ImportErrors> {
    Ok(match format {
        Format::Csv => {
            let (headers, rows) = csv_rows(bytes, required)?;
            rows.into_iter()
                .map(|(line, vals)| {
                    (
                        Location::Line(line),
                        headers.iter().cloned().zip(vals).collect(),
                    )
                })
                .collect()
        }
        Format::Json => json_records(bytes)?
            .iter()
            .enumerate()
            .map(|(i, v)| (Location::Record(i + 1), scalar_fields(v)))
            .collect(),
    })
}

/// A CSV file's header and its rows, each with its line number.
pub(crate) type CsvTable = (Vec<String>, Vec<(u64, Vec<String>)>);

/// Reads a CSV file into rows, checking that every `required` header is present.
pub(crate) fn csv_rows(bytes: &[u8], required: &[&str]) -> Result<CsvTable, ImportErrors> {
    let file_err = |message: String| {
        ImportErrors(vec![RowError {
            location: Location::File,
            field: "file".into(),
            message,
        }])
    };
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| file_err(format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !headers.iter().any(|h| h == r))
        .collect();
    if !missing.is_empty() {
        return Err(file_err(format!(
            "the header row lacks column(s) {}",
            missing.join(", ")
        )));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for rec in rdr.records() {
        match rec {
            Ok(r) => {
                let line = r.position().map(|p| p.line()).unwrap_or(0);
                rows.push((line, r.iter().map(str::to_owned).collect()));
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                errors.push(RowError {
                    location: Location::Line(line),
                    field: "row".into(),
                    message: e.to_string(),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok((headers, rows))
    } else {
        Err(ImportErrors(errors))
    }
}

/// Reads a JSON array of objects whose values are strings, numbers, booleans or null (flattened to
/// text), plus any nested arrays returned separately by the caller's own deserialisation.
pub(crate) fn json_records(bytes: &[u8]) -> Result<Vec<serde_json::Value>, ImportErrors> {
    let v: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ImportErrors(vec![RowError {
            location: Location::File,
            field: "json".into(),
            message: format!("line {} column {}: {e}", e.line(), e.column()),
        }])
    })?;
    match v {
        serde_json::Value::Array(items) => Ok(items),
        _ => Err(ImportErrors(vec![RowError {
            location: Location::File,
            field: "json".into(),
            message: "must be an array of records".into(),
        }])),
    }
}

/// A JSON object's scalar fields as text (nested arrays and objects are skipped).
pub(crate) fn scalar_fields(v: &serde_json::Value) -> Vec<(String, String)> {
    let Some(obj) = v.as_object() else {
        return Vec::new();
    };
    obj.iter()
        .filter_map(|(k, v)| {
            let s = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Null => String::new(),
                _ => return None,
            };
            Some((k.clone(), s))
        })
        .collect()
}
