//! Reading the plan's CSV tables: named columns, comment lines (`#`), one error per bad field with
//! its line, and the small value parsers every table uses. Crate-private.

use std::collections::HashMap;
use std::path::Path;

use accord_core::{Date, Money, PlaceOfService, ProcedureCode, RevenueCode};

use crate::errors::PlanError;
use crate::keys::{DateSpan, ModifierSet};

/// A column a table expects.
pub(crate) struct Col {
    pub name: &'static str,
    pub required: bool,
}

/// Shorthand for a required column.
pub(crate) const fn req(name: &'static str) -> Col {
    Col {
        name,
        required: true,
    }
}

/// Shorthand for an optional column (may be absent from the header).
pub(crate) const fn opt(name: &'static str) -> Col {
    Col {
        name,
        required: false,
    }
}

/// Reads a CSV text with a header row naming its columns (any order; unknown columns are errors,
/// so typos are caught), `#` comment lines and surrounding spaces trimmed. Calls `row` for each
/// record with a [`Row`] to read fields from. Problems go to `errors`.
pub(crate) fn read_table(
    file: &Path,
    text: &str,
    cols: &[Col],
    errors: &mut Vec<PlanError>,
    mut row: impl FnMut(&mut Row<'_>),
) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(csv_error(file, &e));
            return;
        }
    };
    let header_line = header.position().map_or(1, |p| record_line(text, p));
    if header.iter().all(str::is_empty) {
        errors.push(PlanError::at(
            file,
            header_line,
            None,
            "no header row (expected the column names on the first line)",
        ));
        return;
    }
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut ok = true;
    for (i, h) in header.iter().enumerate() {
        match cols.iter().find(|c| c.name.eq_ignore_ascii_case(h)) {
            Some(c) if index.contains_key(c.name) => {
                errors.push(PlanError::at(
                    file,
                    header_line,
                    Some(h),
                    "column appears twice",
                ));
                ok = false;
            }
            Some(c) => {
                index.insert(c.name, i);
            }
            None => {
                let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
                errors.push(PlanError::at(
                    file,
                    header_line,
                    Some(h),
                    format!("unknown column (expected: {})", names.join(", ")),
                ));
                ok = false;
            }
        }
    }
    for c in cols.iter().filter(|c| c.required) {
        if !index.contains_key(c.name) {
            errors.push(PlanError::at(
                file,
                header_line,
                Some(c.name),
                "required column is missing from the header",
            ));
            ok = false;
        }
    }
    if !ok {
        return;
    }
    let width = header.len();
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(csv_error(file, &e));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = rec.position().map_or(0, |p| record_line(text, p));
        if rec.iter().all(str::is_empty) {
            continue;
        }
        if rec.len() != width {
            errors.push(PlanError::at(
                file,
                line,
                None,
                format!(
                    "expected {width} fields as in the header, found {}",
                    rec.len()
                ),
            ));
            continue;
        }
        let mut r = Row {
            file,
            line,
            rec: &rec,
            index: &index,
            errors,
            failed: false,
        };
        row(&mut r);
    }
}

/// The 1-based line a record starts on. The csv reader reports where it started reading, which
/// is before any comment or blank lines it skipped; step over those (cheap: only skipped lines).
fn record_line(text: &str, pos: &csv::Position) -> usize {
    let mut line = usize::try_from(pos.line()).unwrap_or(0);
    let mut at = usize::try_from(pos.byte()).unwrap_or(0).min(text.len());
    while let Some(rest) = text.get(at..) {
        let end = rest.find('\n');
        let this = &rest[..end.unwrap_or(rest.len())];
        let t = this.trim();
        if !(t.is_empty() || t.starts_with('#')) {
            break;
        }
        match end {
            Some(e) => {
                at += e + 1;
                line += 1;
            }
            None => break,
        }
    }
    line
}

pub(crate) fn csv_error(file: &Path, e: &csv::Error) -> PlanError {
    match e.position() {
        Some(p) => PlanError::at(
            file,
            usize::try_from(p.line()).unwrap_or(0),
            None,
            e.to_string(),
        ),
        None => PlanError::file(file, e.to_string()),
    }
}

/// One CSV record being read; collects an error per bad field and remembers that the row failed.
pub(crate) struct Row<'a> {
    pub file: &'a Path,
    pub line: usize,
    rec: &'a csv::StringRecord,
    index: &'a HashMap<&'static str, usize>,
    errors: &'a mut Vec<PlanError>,
    failed: bool,
}

impl Row<'_> {
    /// The trimmed text of a column ("" when the column is absent or empty).
    pub fn text(&self, col: &str) -> &str {
        self.index
            .get(col)
            .and_then(|i| self.rec.get(*i))
            .unwrap_or("")
    }

    /// Records a problem with a field.
    pub fn error(&mut self, col: &str, message: impl Into<String>) {
        self.failed = true;
        self.errors
            .push(PlanError::at(self.file, self.line, Some(col), message));
    }

    /// True when any field of this row was bad.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// A required field parsed by `parse`; `None` (and an error) when empty or bad.
    pub fn required<T>(
        &mut self,
        col: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let t = self.text(col);
        if t.is_empty() {
            self.error(col, "is required");
            return None;
        }
        match parse(t) {
            Ok(v) => Some(v),
            Err(m) => {
                self.error(col, m);
                None
            }
        }
    }

    /// An optional field: `None` when empty or bad (bad also records an error).
    pub fn optional<T>(
        &mut self,
        col: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let t = self.text(col);
        if t.is_empty() {
            return None;
        }
        match parse(t) {
            Ok(v) => Some(v),
            Err(m) => {
                self.error(col, m);
                None
            }
        }
    }

    /// The `effective_from` / `effective_to` pair as a span, checking that it is not reversed.
    pub fn span(&mut self, from_col: &str, to_col: &str) -> Option<DateSpan> {
        let from = self.required(from_col, parse_date);
        let to_given = !self.text(to_col).is_empty();
        let to = self.optional(to_col, parse_date);
        let from = from?;
        if to_given && to.is_none() {
            return None;
        }
        if let Some(t) = to
            && t < from
        {
            self.error(to_col, format!("{t} is before {from_col} {from}"));
            return None;
        }
        Some(DateSpan { from, to })
    }
}

/// Normalises a CMS header cell for matching: lower case, whitespace (including line breaks inside
/// a quoted cell) collapsed to single spaces.
pub(crate) fn norm_header(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

/// Reads a table in a CMS download layout: any preamble rows (copyright notice, titles) before the
/// header row are skipped; the header row is the first whose first cell satisfies `is_header`
/// (after [`norm_header`]); blank rows and rows with an empty first cell (a second header row,
/// as CMS's spreadsheets have) are skipped. Comma- or tab-delimited, detected from the header
/// line. `on_header` gets the normalised header cells and returns the column mapping, or `None`
/// (after reporting) when a required column is missing.
pub(crate) fn read_cms<H>(
    file: &Path,
    text: &str,
    what: &str,
    is_header: impl Fn(&str) -> bool,
    errors: &mut Vec<PlanError>,
    on_header: impl FnOnce(&[String], usize, &mut Vec<PlanError>) -> Option<H>,
    mut on_row: impl FnMut(&H, usize, &csv::StringRecord, &mut Vec<PlanError>),
) {
    let delimiter = text
        .lines()
        .find(|l| is_header(&norm_header(l.trim_start_matches('"'))))
        .map_or(b',', |l| {
            if l.matches('\t').count() > l.matches(',').count() {
                b'\t'
            } else {
                b','
            }
        });
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        // No csv-level trimming (it rebuilds every record); callers trim the fields they read.
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    let mut map: Option<H> = None;
    let mut on_header = Some(on_header);
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(csv_error(file, &e));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = rec.position().map_or(0, |p| record_line(text, p));
        let first = rec.get(0).unwrap_or("").trim();
        match &map {
            None => {
                if is_header(&norm_header(first)) {
                    let cells: Vec<String> = rec.iter().map(norm_header).collect();
                    // (norm_header trims.)
                    let Some(f) = on_header.take() else { return };
                    match f(&cells, line, errors) {
                        Some(h) => map = Some(h),
                        None => return,
                    }
                }
            }
            Some(h) => {
                if first.is_empty() {
                    continue;
                }
                on_row(h, line, &rec, errors);
            }
        }
    }
    if map.is_none() && on_header.is_some() {
        errors.push(PlanError::file(
            file,
            format!("no header row found (expected the CMS {what} column headings)"),
        ));
    }
}

/// Finds the column whose normalised header satisfies `pred`.
pub(crate) fn find_col(cells: &[String], pred: impl Fn(&str) -> bool) -> Option<usize> {
    cells.iter().position(|c| pred(c))
}

// ---- value parsers: each error is a message naming the value and the rule --------------------

pub(crate) fn parse_code(s: &str) -> Result<ProcedureCode, String> {
    ProcedureCode::parse(s).map_err(|e| format!("{:?} {}", e.input, e.reason))
}

pub(crate) fn parse_modifiers(s: &str) -> Result<ModifierSet, String> {
    ModifierSet::parse(s)
}

pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let t = s.trim();
    let bad = || format!("{t:?} is not a date (use YYYY-MM-DD)");
    // Accept CMS's YYYYMMDD as well as ISO YYYY-MM-DD (fast path: large CMS tables).
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n = |r: std::ops::Range<usize>| t[r].parse::<i16>().map_err(|_| bad());
        let (y, m, d) = (n(0..4)?, n(4..6)?, n(6..8)?);
        let m = i8::try_from(m).map_err(|_| bad())?;
        let d = i8::try_from(d).map_err(|_| bad())?;
        return Date::new(y, m, d).map_err(|_| bad());
    }
    t.parse::<Date>().map_err(|_| bad())
}

pub(crate) fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" => Ok(false),
        _ => Err(format!("{s:?} is not true or false")),
    }
}

pub(crate) fn parse_u32(s: &str) -> Result<u32, String> {
    s.trim()
        .parse::<u32>()
        .map_err(|_| format!("{s:?} is not a whole number"))
}

pub(crate) fn parse_money(s: &str) -> Result<Money, String> {
    let m = Money::parse(s).map_err(|e| format!("{:?} {}", e.input, e.reason))?;
    if m.is_negative() {
        return Err(format!("{s:?} is negative"));
    }
    Ok(m)
}

/// A `|`-separated list, each item parsed by `item`.
pub(crate) fn parse_list<T>(
    s: &str,
    item: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    s.split('|')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(item)
        .collect()
}

pub(crate) fn parse_pos(s: &str) -> Result<PlaceOfService, String> {
    PlaceOfService::parse(s).map_err(|e| format!("{:?} {}", e.input, e.reason))
}

pub(crate) fn parse_revenue(s: &str) -> Result<RevenueCode, String> {
    RevenueCode::parse(s).map_err(|e| format!("{:?} {}", e.input, e.reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_count_comment_lines() {
        let text = "# a comment\ncode,rate\n# another\nH0004,12.x\nH0005,3\n";
        let mut errors = Vec::new();
        let mut seen = Vec::new();
        read_table(
            Path::new("t.csv"),
            text,
            &[req("code"), req("rate")],
            &mut errors,
            |r| {
                seen.push(r.line);
                r.required("rate", parse_money);
            },
        );
        assert_eq!(seen, vec![4, 5]);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].to_string(),
            "t.csv:4: rate: \"12.x\" is not a number"
        );
    }

    #[test]
    fn unknown_and_missing_columns_are_named() {
        let mut errors = Vec::new();
        read_table(
            Path::new("t.csv"),
            "code,rat\nH0004,1\n",
            &[req("code"), req("rate")],
            &mut errors,
            |_| panic!("no rows when the header is bad"),
        );
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text[0].starts_with("t.csv:1: rat: unknown column"),
            "{text:?}"
        );
        assert_eq!(
            text[1],
            "t.csv:1: rate: required column is missing from the header"
        );
    }

    #[test]
    fn dates_accept_iso_and_cms_forms() {
        assert_eq!(parse_date("20260101"), parse_date("2026-01-01"));
        assert!(parse_date("2026-13-01").is_err());
    }
}
