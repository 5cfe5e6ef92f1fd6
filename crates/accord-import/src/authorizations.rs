//! Authorization files (CLM-07, UM-04): approved authorizations imported until the UM module
//! issues them. One row per authorized service; rows sharing an `auth_id` are one authorization
//! with several services and must agree on every other column.

use std::collections::HashMap;

use accord_core::{MemberId, Modifier, Npi, ProcedureCode};
use jiff::civil::Date;
use rust_decimal::Decimal;

use crate::row::{Row, records};
use crate::{Format, ImportErrors, RowError};

/// Columns of an authorization file, in `docs/import.md` order.
pub const AUTHORIZATION_COLUMNS: &[&str] = &[
    "auth_id",
    "member_id",
    "provider_npi",
    "procedure",
    "modifiers",
    "level_of_care",
    "start_date",
    "end_date",
    "units_authorized",
];

const REQUIRED: &[&str] = &[
    "auth_id",
    "member_id",
    "provider_npi",
    "procedure",
    "start_date",
    "end_date",
    "units_authorized",
];

/// One approved authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedAuthorization {
    /// Authorization number.
    pub auth_id: String,
    /// Member.
    pub member_id: MemberId,
    /// Provider authorized.
    pub provider_npi: Npi,
    /// Services with the modifiers that must be on the line.
    pub services: Vec<(ProcedureCode, Vec<Modifier>)>,
    /// Level of care (free text, e.g. `ASAM 3.5`).
    pub level_of_care: String,
    /// First date.
    pub start: Date,
    /// Last date.
    pub end: Date,
    /// Units authorized.
    pub units_authorized: Decimal,
}

/// Reads an authorization file. Any bad row fails the whole file, with every problem listed.
pub fn read_authorizations(
    bytes: &[u8],
    format: Format,
) -> Result<Vec<ImportedAuthorization>, ImportErrors> {
    let records = records(bytes, format, REQUIRED)?;
    let mut out: Vec<ImportedAuthorization> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut errors: Vec<RowError> = Vec::new();
    for (location, fields) in &records {
        let mut row = Row::from_fields(location.clone(), fields);
        let parsed = read_row(&mut row);
        errors.append(&mut row.errors);
        let Some(a) = parsed else { continue };
        match index.get(&a.auth_id) {
            None => {
                index.insert(a.auth_id.clone(), out.len());
                out.push(a);
            }
            Some(&i) => {
                let first = &mut out[i];
                let agrees = first.member_id == a.member_id
                    && first.provider_npi == a.provider_npi
                    && first.level_of_care == a.level_of_care
                    && first.start == a.start
                    && first.end == a.end
                    && first.units_authorized == a.units_authorized;
                if agrees {
                    first.services.extend(a.services);
                } else {
                    errors.push(RowError {
                        location: location.clone(),
                        field: "auth_id".into(),
                        message: format!(
                            "authorization {} appears again with different member, provider, level, dates or units",
                            a.auth_id
                        ),
                    });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportErrors(errors))
    }
}

fn read_row(row: &mut Row<'_>) -> Option<ImportedAuthorization> {
    let auth_id = row.text("auth_id").map(str::to_owned);
    let member_id = row.parse("member_id", MemberId::parse);
    let provider_npi = row.parse("provider_npi", Npi::parse);
    let procedure = row.parse("procedure", ProcedureCode::parse);
    let modifiers = row.parse_opt("modifiers", |s| {
        s.split_whitespace()
            .map(Modifier::parse)
            .collect::<Result<Vec<_>, _>>()
    });
    let level_of_care = row.opt_text("level_of_care").unwrap_or("").to_owned();
    let start = row.date("start_date");
    let end = row.date("end_date");
    let units = row.parse("units_authorized", |s| {
        s.parse::<Decimal>()
            .ok()
            .filter(|u| *u > Decimal::ZERO)
            .ok_or_else(|| format!("{s:?} is not a positive number of units"))
    });
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        row.error("end_date", format!("{e} is before start_date {s}"));
    }
    if !row.errors.is_empty() {
        return None;
    }
    Some(ImportedAuthorization {
        auth_id: auth_id?,
        member_id: member_id?,
        provider_npi: provider_npi?,
        services: vec![(procedure?, modifiers?.unwrap_or_default())],
        level_of_care,
        start: start?,
        end: end?,
        units_authorized: units?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "auth_id,member_id,provider_npi,procedure,modifiers,level_of_care,start_date,end_date,units_authorized\n";

    #[test]
    fn clm_07_rows_with_one_number_make_one_authorization_with_several_services() {
        let csv = format!(
            "{HEADER}PA-1,M1001,1234567893,H0019,,ASAM 3.5,2026-03-01,2026-03-31,30\n\
             PA-1,M1001,1234567893,H2019,HQ HE,ASAM 3.5,2026-03-01,2026-03-31,30\n"
        );
        let a = read_authorizations(csv.as_bytes(), Format::Csv).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].services.len(), 2);
        assert_eq!(a[0].services[1].1.len(), 2);
    }

    #[test]
    fn every_bad_row_is_named_with_its_field() {
        let csv = format!(
            "{HEADER}PA-1,M1001,1234567890,H0019,,,2026-03-01,2026-02-01,0\n\
             PA-2,M1001,1234567893,H0019,,,2026-03-01,2026-03-31,5\n\
             PA-2,M1002,1234567893,H0019,,,2026-03-01,2026-03-31,5\n"
        );
        let err = read_authorizations(csv.as_bytes(), Format::Csv)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2: provider_npi"), "{err}");
        assert!(err.contains("line 2: end_date"), "{err}");
        assert!(err.contains("line 2: units_authorized"), "{err}");
        assert!(err.contains("line 4: auth_id"), "{err}");
    }
}
