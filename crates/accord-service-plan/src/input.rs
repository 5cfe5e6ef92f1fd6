//! Reading a new plan from JSON (the file `accord plan-of-care create` and `reassess` take; the
//! schema is in `docs/service-plans.md`). Every problem is reported, each naming its field as a
//! path (`lines[2].units`), and nothing panics on any input.

use std::fmt;

use accord_core::{Date, MemberId, Modifier, Npi, ProcedureCode, Units};
use serde_json::{Map, Value};

use crate::model::{DocumentStatus, Frequency, NoteKind, PlanId};
use crate::ops::{NewLine, NewNote, NewPlan};

/// One problem in the input, at a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path, e.g. `lines[0].units` (empty for the document as a whole).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// Every problem found in an input file, one per line when shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputErrors {
    /// The problems, in the order found.
    pub errors: Vec<FieldError>,
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl From<&InputErrors> for accord_core::ErrorCode {
    fn from(_: &InputErrors) -> Self {
        accord_core::ErrorCode::InvalidInput
    }
}

struct Reader {
    errors: Vec<FieldError>,
}

impl Reader {
    fn err(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    fn object<'a>(
        &mut self,
        path: &str,
        v: &'a Value,
        known: &[&str],
    ) -> Option<&'a Map<String, Value>> {
        let Some(map) = v.as_object() else {
            self.err(path, "must be an object");
            return None;
        };
        for k in map.keys() {
            if !known.contains(&k.as_str()) {
                let field = join(path, k);
                self.err(
                    &field,
                    format!("unknown field (expected one of: {})", known.join(", ")),
                );
            }
        }
        Some(map)
    }

    fn text(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        let field = join(path, key);
        match map.get(key) {
            None | Some(Value::Null) => {
                self.err(&field, "is required");
                None
            }
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.err(&field, format!("must be a string, not {}", kind(other)));
                None
            }
        }
    }

    fn opt_text(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<String> {
        match map.get(key) {
            None | Some(Value::Null) => None,
            Some(_) => self.text(map, path, key),
        }
    }

    fn parsed<T, E: fmt::Display>(
        &mut self,
        map: &Map<String, Value>,
        path: &str,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let s = self.text(map, path, key)?;
        match parse(&s) {
            Ok(v) => Some(v),
            Err(e) => {
                self.err(&join(path, key), e.to_string());
                None
            }
        }
    }

    fn date(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<Date> {
        self.parsed(map, path, key, |s| {
            s.trim()
                .parse::<Date>()
                .map_err(|_| format!("{s:?} is not a date (use YYYY-MM-DD)"))
        })
    }

    fn array<'a>(&mut self, map: &'a Map<String, Value>, path: &str, key: &str) -> &'a [Value] {
        match map.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(a)) => a,
            Some(other) => {
                self.err(
                    &join(path, key),
                    format!("must be an array, not {}", kind(other)),
                );
                &[]
            }
        }
    }

    fn units(&mut self, map: &Map<String, Value>, path: &str, key: &str) -> Option<Units> {
        let field = join(path, key);
        let parsed = match map.get(key) {
            None | Some(Value::Null) => {
                self.err(&field, "is required");
                return None;
            }
            // JSON numbers are read from their text, so 1.5 stays exactly 1.5.
            Some(Value::Number(n)) => Units::parse(&n.to_string()),
            Some(Value::String(s)) => Units::parse(s),
            Some(other) => {
                self.err(&field, format!("must be a number, not {}", kind(other)));
                return None;
            }
        };
        parsed.map_err(|e| self.err(&field, e.reason)).ok()
    }

    fn modifiers(&mut self, map: &Map<String, Value>, path: &str) -> Vec<Modifier> {
        let mut out = Vec::new();
        for (i, v) in self.array(map, path, "modifiers").iter().enumerate() {
            let field = format!("{}[{i}]", join(path, "modifiers"));
            match v.as_str().map(Modifier::parse) {
                Some(Ok(m)) => out.push(m),
                Some(Err(e)) => self.err(&field, e.to_string()),
                None => self.err(&field, format!("must be a string, not {}", kind(v))),
            }
        }
        if out.len() > 4 {
            self.err(&join(path, "modifiers"), "at most 4 modifiers");
        }
        out
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

const PLAN_FIELDS: &[&str] = &[
    "plan_id",
    "member_id",
    "plan_begin",
    "plan_end",
    "lines",
    "notes",
    "documents",
];
const LINE_FIELDS: &[&str] = &[
    "service",
    "modifiers",
    "provider_npi",
    "units",
    "frequency",
    "begin",
    "end",
];
const NOTE_FIELDS: &[&str] = &["kind", "author", "text"];
const DOCUMENT_FIELDS: &[&str] = &["name", "status"];

/// Reads one planned line (the same object `lines[]` holds), e.g. from an API body.
fn line(r: &mut Reader, v: &Value, path: &str) -> Option<NewLine> {
    let m = r.object(path, v, LINE_FIELDS)?;
    let service = r.parsed(m, path, "service", ProcedureCode::parse);
    let modifiers = r.modifiers(m, path);
    let provider = r.parsed(m, path, "provider_npi", Npi::parse);
    let units = r.units(m, path, "units");
    let frequency = r.parsed(m, path, "frequency", Frequency::parse);
    let begin = r.date(m, path, "begin");
    let end = r.date(m, path, "end");
    Some(NewLine {
        service: service?,
        modifiers,
        provider: provider?,
        units: units?,
        frequency: frequency?,
        begin: begin?,
        end: end?,
    })
}

impl NewPlan {
    /// Reads a new plan from JSON text, reporting every problem with its field.
    pub fn from_json(text: &str) -> Result<NewPlan, InputErrors> {
        let value: Value = serde_json::from_str(text).map_err(|e| InputErrors {
            errors: vec![FieldError {
                field: String::new(),
                message: format!(
                    "not valid JSON: {e} (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            }],
        })?;
        let mut r = Reader { errors: Vec::new() };
        let plan = Self::read(&mut r, &value);
        match plan {
            Some(p) if r.errors.is_empty() => Ok(p),
            _ => {
                if r.errors.is_empty() {
                    r.err("", "could not be read");
                }
                Err(InputErrors { errors: r.errors })
            }
        }
    }

    fn read(r: &mut Reader, value: &Value) -> Option<NewPlan> {
        let m = r.object("", value, PLAN_FIELDS)?;
        let id = match r.opt_text(m, "", "plan_id") {
            None => None,
            Some(s) => match PlanId::parse(&s) {
                Ok(id) => Some(id),
                Err(e) => {
                    r.err("plan_id", e.to_string());
                    None
                }
            },
        };
        let member = r.parsed(m, "", "member_id", MemberId::parse);
        let plan_begin = r.date(m, "", "plan_begin");
        let plan_end = r.date(m, "", "plan_end");
        let lines: Vec<Option<NewLine>> = r
            .array(m, "", "lines")
            .iter()
            .enumerate()
            .map(|(i, v)| line(r, v, &format!("lines[{i}]")))
            .collect();
        let mut notes = Vec::new();
        for (i, v) in r.array(m, "", "notes").iter().enumerate() {
            let path = format!("notes[{i}]");
            let Some(n) = r.object(&path, v, NOTE_FIELDS) else {
                continue;
            };
            let kind = r.parsed(n, &path, "kind", NoteKind::parse);
            let author = r.text(n, &path, "author");
            let text = r.text(n, &path, "text");
            if let (Some(kind), Some(author), Some(text)) = (kind, author, text) {
                notes.push(NewNote { kind, author, text });
            }
        }
        let mut documents = Vec::new();
        for (i, v) in r.array(m, "", "documents").iter().enumerate() {
            let path = format!("documents[{i}]");
            let Some(d) = r.object(&path, v, DOCUMENT_FIELDS) else {
                continue;
            };
            let name = r.text(d, &path, "name");
            let status = r.parsed(d, &path, "status", DocumentStatus::parse);
            if let (Some(name), Some(status)) = (name, status) {
                documents.push((name, status));
            }
        }
        Some(NewPlan {
            id,
            member: member?,
            plan_begin: plan_begin?,
            plan_end: plan_end?,
            lines: lines.into_iter().collect::<Option<Vec<_>>>()?,
            notes,
            documents,
        })
    }
}

impl NewLine {
    /// Reads one line object (the shape of an element of `lines`).
    pub fn from_json_value(value: &Value) -> Result<NewLine, InputErrors> {
        let mut r = Reader { errors: Vec::new() };
        match line(&mut r, value, "") {
            Some(l) if r.errors.is_empty() => Ok(l),
            _ => Err(InputErrors { errors: r.errors }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../docs/examples/service-plan.json");

    #[test]
    fn the_documented_example_reads() {
        let p = NewPlan::from_json(EXAMPLE).unwrap();
        assert_eq!(p.member.as_str(), "M0002");
        assert_eq!(p.lines.len(), 3);
        // It obeys the demo plan's rules too (H0047 is per diem there: 1 unit per calendar day).
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../plans/demo-illinois-bh");
        let plan = accord_plan::Plan::load(std::path::Path::new(dir)).unwrap();
        let policy = crate::Policy::from_plan(&plan);
        assert!(policy.is_per_diem(&p.lines[2].service));
        assert!(policy.is_priority_exempt(&p.lines[2].service));
        let id = p.id.clone().unwrap();
        let created = crate::create(id, &p, &policy, jiff::civil::date(2025, 12, 15)).unwrap();
        assert_eq!(created.plan.id.as_str(), "SP-2026-0001");
    }

    #[test]
    fn every_bad_field_is_named() {
        let text = r#"{
            "member_id": "M 1",
            "plan_begin": "2026-13-01",
            "plan_end": 20261231,
            "lines": [
                { "service": "H2015", "provider_npi": "1234567890", "units": 0,
                  "frequency": "fortnight", "begin": "2026-01-01", "end": "2026-12-31", "unit": 1 }
            ],
            "documents": [ { "name": "UCAT", "status": "done" } ],
            "extra": true
        }"#;
        let e = NewPlan::from_json(text).unwrap_err();
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        for f in [
            "extra",
            "member_id",
            "plan_begin",
            "plan_end",
            "lines[0].unit",
            "lines[0].provider_npi",
            "lines[0].units",
            "lines[0].frequency",
            "documents[0].status",
        ] {
            assert!(fields.contains(&f), "{f} missing from {e}");
        }
        assert!(
            e.to_string()
                .contains("lines[0].units: must be greater than zero"),
            "{e}"
        );
    }

    #[test]
    fn broken_json_says_where() {
        let e = NewPlan::from_json("{ \"member_id\": ").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
        let e = NewPlan::from_json("[]").unwrap_err();
        assert_eq!(e.to_string(), "must be an object");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn reading_never_panics(s in "\\PC{0,200}") {
                let _ = NewPlan::from_json(&s);
            }
        }
    }
}
