//! Appointment-availability files (QM-02, QM-03): one row per request for care, with the
//! appointment offered. Times are RFC 3339 instants (`2026-03-02T15:00:00Z`,
//! `2026-03-02T09:00:00-06:00`) or local times without an offset (`2026-03-02T09:00`), which are
//! read in the plan's time zone.

use std::collections::HashMap;

use accord_core::{MemberId, Npi, Timestamp};
use accord_quality::{Appointment, Urgency};
use jiff::tz::TimeZone;

use crate::row::{Row, records};
use crate::{Format, ImportErrors, RowError};

/// Columns of an appointment file, in `docs/import.md` order.
pub const APPOINTMENT_COLUMNS: &[&str] = &[
    "appointment_id",
    "member_id",
    "provider_npi",
    "requested_at",
    "offered_at",
    "urgency",
    "discharge_date",
];

const REQUIRED: &[&str] = &[
    "appointment_id",
    "member_id",
    "provider_npi",
    "requested_at",
    "urgency",
];

/// Reads an appointment file; times without an offset are in `tz`. Any bad row fails the whole
/// file, with every problem listed.
pub fn read_appointments(
    bytes: &[u8],
    format: Format,
    tz: &TimeZone,
) -> Result<Vec<Appointment>, ImportErrors> {
    let records = records(bytes, format, REQUIRED)?;
    let mut out = Vec::with_capacity(records.len());
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut errors: Vec<RowError> = Vec::new();
    for (location, fields) in &records {
        let mut row = Row::from_fields(location.clone(), fields);
        let parsed = read_row(&mut row, tz);
        if let Some(a) = &parsed {
            let here = location_text(location);
            if let Some(first) = seen.insert(a.appointment_id.clone(), here) {
                row.error(
                    "appointment_id",
                    format!("{} is already in this file ({first})", a.appointment_id),
                );
            }
        }
        errors.append(&mut row.errors);
        out.extend(parsed);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportErrors(errors))
    }
}

fn location_text(l: &crate::Location) -> String {
    match l {
        crate::Location::File => "file".into(),
        crate::Location::Line(n) => format!("line {n}"),
        crate::Location::Record(n) => format!("record {n}"),
    }
}

/// An instant with an offset, or a local time in the plan's zone.
fn parse_time(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    s.parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(tz.clone()).ok())
        .map(|z| z.timestamp())
        .ok_or_else(|| {
            format!(
                "{s:?} is not a time (use 2026-03-02T09:00 in the plan's time zone, or RFC 3339)"
            )
        })
}

fn read_row(row: &mut Row<'_>, tz: &TimeZone) -> Option<Appointment> {
    let appointment_id = row.text("appointment_id").map(str::to_owned);
    let member_id = row.parse("member_id", MemberId::parse);
    let provider_npi = row.parse("provider_npi", Npi::parse);
    let requested_at = row.parse("requested_at", |s| parse_time(s, tz));
    let offered_at = row.parse_opt("offered_at", |s| parse_time(s, tz));
    let urgency = row.parse("urgency", Urgency::parse);
    let discharge_date = row.opt_date("discharge_date");
    if let (Some(r), Some(Some(o))) = (requested_at, offered_at)
        && o < r
    {
        row.error("offered_at", format!("{o} is before requested_at {r}"));
    }
    if !row.errors.is_empty() {
        return None;
    }
    Some(Appointment {
        appointment_id: appointment_id?,
        member_id: member_id?.to_string(),
        provider_npi: provider_npi?.as_str().to_owned(),
        requested_at: requested_at?,
        offered_at: offered_at?,
        urgency: urgency?,
        discharge_date: discharge_date?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chicago() -> TimeZone {
        TimeZone::get("America/Chicago").unwrap()
    }

    #[test]
    fn qm_02_appointments_read_local_and_utc_times() {
        let csv = "appointment_id,member_id,provider_npi,requested_at,offered_at,urgency,discharge_date\n\
                   AP-1,M100,1234567893,2026-03-02T09:00,2026-03-03T15:00:00Z,urgent,\n\
                   AP-2,M100,1234567893,2026-05-04T16:00,,routine,2026-05-04\n";
        let v = read_appointments(csv.as_bytes(), Format::Csv, &chicago()).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].requested_at.to_string(), "2026-03-02T15:00:00Z");
        assert_eq!(v[0].urgency, Urgency::Urgent);
        assert_eq!(v[1].offered_at, None);
        assert_eq!(v[1].discharge_date, Some(jiff::civil::date(2026, 5, 4)));
    }

    #[test]
    fn qm_02_every_bad_field_is_named_with_its_line() {
        let csv = "appointment_id,member_id,provider_npi,requested_at,offered_at,urgency,discharge_date\n\
                   AP-1,M100,123,2026-03-02T09:00,2026-03-01T09:00,soon,2026-13-01\n\
                   AP-2,M100,1234567893,yesterday,,urgent,\n\
                   AP-3,M100,1234567893,2026-03-02T09:00,,urgent,\n\
                   AP-3,M100,1234567893,2026-03-02T09:00,,urgent,\n";
        let e = read_appointments(csv.as_bytes(), Format::Csv, &chicago()).unwrap_err();
        let text = e.to_string();
        let fields: Vec<String> = e.0.iter().map(|r| r.to_string()).collect();
        assert!(
            fields
                .iter()
                .any(|f| f.starts_with("line 2: provider_npi:")),
            "{text}"
        );
        assert!(
            fields
                .iter()
                .any(|f| f.starts_with("line 2: urgency: \"soon\" is not an urgency class")),
            "{text}"
        );
        assert!(
            fields
                .iter()
                .any(|f| f.starts_with("line 2: discharge_date:")),
            "{text}"
        );
        assert!(
            fields
                .iter()
                .any(|f| f.starts_with("line 3: requested_at:")),
            "{text}"
        );
        assert!(
            fields
                .iter()
                .any(|f| f
                    .starts_with("line 5: appointment_id: AP-3 is already in this file (line 4)")),
            "{text}"
        );
        let before = read_appointments(
            "appointment_id,member_id,provider_npi,requested_at,offered_at,urgency\nAP-9,M1,1234567893,2026-03-02T09:00,2026-03-01T09:00,urgent\n".as_bytes(),
            Format::Csv,
            &chicago(),
        )
        .unwrap_err();
        assert!(
            before.to_string().starts_with("line 2: offered_at:"),
            "{before}"
        );
    }
}
