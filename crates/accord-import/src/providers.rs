//! Provider files: one row per provider and service location; a provider with several locations
//! appears on several rows whose provider columns agree.

use std::collections::HashMap;

use accord_core::provider::{
    Location as ServiceLocation, NetworkStatus, PayToVendor, Provider, ProviderKind, StatusSpan,
};
use accord_core::{Npi, TaxId, VendorNumber};

use crate::row::{Row, records};
use crate::{Format, ImportErrors, Location, RowError};

/// Columns of a provider file, in `docs/import.md` order.
pub const PROVIDER_COLUMNS: &[&str] = &[
    "npi",
    "kind",
    "name",
    "tax_id",
    "specialty",
    "license_number",
    "license_expires",
    "facility_npi",
    "participating_from",
    "participating_to",
    "location_vendor_number",
    "location_name",
    "address",
    "city",
    "state",
    "zip",
    "pay_to_vendor_number",
];

const REQUIRED: &[&str] = &["npi", "kind", "name", "tax_id", "specialty"];

/// A validated provider file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderImport {
    /// Providers, in first-seen order.
    pub providers: Vec<Provider>,
    /// Their service locations.
    pub locations: Vec<ServiceLocation>,
    /// Their pay-to vendors.
    pub pay_to: Vec<PayToVendor>,
    /// Participation spans given by `participating_from`/`participating_to`.
    pub statuses: Vec<StatusSpan>,
}

struct ProviderRow {
    provider: Provider,
    status: Option<StatusSpan>,
    location: Option<ServiceLocation>,
    pay_to: Option<PayToVendor>,
}

/// Reads a provider file. Any bad row fails the whole file, with every problem listed.
pub fn read_providers(bytes: &[u8], format: Format) -> Result<ProviderImport, ImportErrors> {
    let records = records(bytes, format, REQUIRED)?;
    let mut out = ProviderImport::default();
    let mut errors: Vec<RowError> = Vec::new();
    let mut seen: HashMap<Npi, usize> = HashMap::new();
    let mut vendors: HashMap<VendorNumber, Location> = HashMap::new();
    for (location, fields) in &records {
        let mut row = Row::from_fields(location.clone(), fields);
        let parsed = read_row(&mut row);
        errors.append(&mut row.errors);
        let Some(p) = parsed else { continue };
        match seen.get(&p.provider.npi) {
            Some(idx) if out.providers[*idx] != p.provider => {
                errors.push(RowError {
                    location: location.clone(),
                    field: "npi".into(),
                    message: format!(
                        "provider {} appears again with different provider columns",
                        p.provider.npi
                    ),
                });
                continue;
            }
            Some(_) => {}
            None => {
                seen.insert(p.provider.npi.clone(), out.providers.len());
                if let Some(s) = p.status {
                    out.statuses.push(s);
                }
                out.providers.push(p.provider);
            }
        }
        if let Some(l) = p.location {
            if let Some(first) = vendors.insert(l.vendor_number.clone(), location.clone()) {
                errors.push(RowError {
                    location: location.clone(),
                    field: "location_vendor_number".into(),
                    message: format!("{} is already used ({first:?})", l.vendor_number),
                });
            }
            out.locations.push(l);
        }
        if let Some(pt) = p.pay_to
            && !out.pay_to.contains(&pt)
        {
            out.pay_to.push(pt);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportErrors(errors))
    }
}

fn read_row(row: &mut Row<'_>) -> Option<ProviderRow> {
    let npi = row.parse("npi", Npi::parse);
    let kind = row.parse("kind", |s| {
        ProviderKind::parse(s).ok_or("must be individual, group or facility")
    });
    let name = row.text("name").map(str::to_owned);
    let tax_id = row.parse("tax_id", TaxId::parse);
    let specialty = row.text("specialty").map(str::to_owned);
    let license_number = row.opt_text("license_number").map(str::to_owned);
    let license_expires = row.opt_date("license_expires");
    let facility_npi = row.parse_opt("facility_npi", Npi::parse);
    let from = row.opt_date("participating_from");
    let to = row.opt_date("participating_to");
    let vendor = row.parse_opt("location_vendor_number", VendorNumber::parse);
    let pay_to_vendor = row.parse_opt("pay_to_vendor_number", VendorNumber::parse);
    if let (Some(Some(f)), Some(Some(t))) = (from, to)
        && t < f
    {
        row.error(
            "participating_to",
            format!("{t} is before participating_from {f}"),
        );
    }
    if matches!(to, Some(Some(_))) && matches!(from, Some(None)) {
        row.error(
            "participating_from",
            "is required when participating_to is given",
        );
    }
    let location = match vendor {
        Some(Some(v)) => {
            let mut need = |f: &str| row.text(f).map(str::to_owned);
            let (n, a, c, s, z) = (
                need("location_name"),
                need("address"),
                need("city"),
                need("state"),
                need("zip"),
            );
            Some((v, n?, a?, c?, s?, z?))
        }
        _ => None,
    };
    if !row.errors.is_empty() {
        return None;
    }
    let provider = Provider {
        npi: npi?,
        kind: kind?,
        name: name?,
        tax_id: tax_id?,
        specialty: specialty?,
        license_number,
        license_expires: license_expires?,
        facility_npi: facility_npi?,
    };
    let status = from.flatten().map(|start| StatusSpan {
        npi: provider.npi.clone(),
        status: NetworkStatus::Participating,
        start,
        end: to.flatten(),
        reason: "imported".into(),
    });
    let location = location.map(|(v, name, address, city, state, zip)| ServiceLocation {
        vendor_number: v,
        npi: provider.npi.clone(),
        name,
        address,
        city,
        state,
        zip,
    });
    let pay_to = pay_to_vendor.flatten().map(|v| PayToVendor {
        vendor_number: v,
        npi: provider.npi.clone(),
        name: provider.name.clone(),
        tax_id: provider.tax_id.clone(),
    });
    Some(ProviderRow {
        provider,
        status,
        location,
        pay_to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "npi,kind,name,tax_id,specialty,license_number,license_expires,facility_npi,participating_from,participating_to,location_vendor_number,location_name,address,city,state,zip,pay_to_vendor_number\n";

    #[test]
    fn net_01_provider_with_two_locations() {
        let csv = format!(
            "{HEADER}1234567893,facility,Prairie CMHC,36-1234567,cmhc,,,,2020-01-01,,A12345,Prairie Main,1 Main St,Peoria,IL,61602,P00001\n\
             1234567893,facility,Prairie CMHC,36-1234567,cmhc,,,,2020-01-01,,A12346,Prairie East,9 Oak Ave,Peoria,IL,61602,P00001\n"
        );
        let p = read_providers(csv.as_bytes(), Format::Csv).unwrap();
        assert_eq!(p.providers.len(), 1);
        assert_eq!(p.locations.len(), 2);
        assert_eq!(p.pay_to.len(), 1);
        assert_eq!(p.statuses.len(), 1);
    }

    #[test]
    fn net_01_bad_npi_and_vendor_number_are_named() {
        let csv = format!(
            "{HEADER}1234567890,facility,X,36-1234567,cmhc,,,,,,12345,L,1 Main,Peoria,IL,61602,\n"
        );
        let e = read_providers(csv.as_bytes(), Format::Csv)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2: npi: NPI \"1234567890\": check digit is 0, expected 3"),
            "{e}"
        );
        assert!(e.contains("line 2: location_vendor_number:"), "{e}");
    }

    #[test]
    fn a_location_needs_its_address() {
        let csv = format!("{HEADER}1234567893,individual,Dr A,36-1234567,lcsw,,,,,,A12345,,,,,,\n");
        let e = read_providers(csv.as_bytes(), Format::Csv)
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2: address: is required"), "{e}");
    }
}
