//! Providers (NET-01), their locations and pay-to vendors (NET-01), network status spans (NET-08)
//! and sanctions (NET-05).

use accord_core::provider::{
    Location, NetworkStatus, PayToVendor, Provider, ProviderKind, Sanction, SanctionLevel,
    StatusSpan,
};
use accord_core::{Npi, TaxId, VendorNumber};
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value};
use crate::events::{NewEvent, PROVIDER, action};
use crate::members::unique_in_batch;
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

pub(crate) const PROVIDER_COLUMNS: &[&str] = &[
    "npi",
    "kind",
    "name",
    "tax_id",
    "specialty",
    "license_number",
    "license_expires",
    "facility_npi",
];
const LOCATION_COLUMNS: &[&str] = &[
    "vendor_number",
    "npi",
    "name",
    "address",
    "city",
    "state",
    "zip",
];
pub(crate) const PAY_TO_COLUMNS: &[&str] = &["npi", "vendor_number", "name", "tax_id"];
pub(crate) const STATUS_COLUMNS: &[&str] = &["npi", "status", "start_date", "end_date", "reason"];
pub(crate) const SANCTION_COLUMNS: &[&str] = &["npi", "level", "start_date", "end_date", "reason"];

impl UnitOfWork {
    /// Adds providers (NET-01), with one `provider_added` event each.
    pub async fn insert_providers(&mut self, providers: &[Provider]) -> Result<(), StoreError> {
        unique_in_batch(
            "providers",
            providers.iter().map(|p| format!("npi={}", p.npi)),
        )?;
        let rows = providers
            .iter()
            .map(|p| {
                vec![
                    Value::text(p.npi.as_str()),
                    Value::text(p.kind.as_str()),
                    Value::text(p.name.as_str()),
                    Value::text(p.tax_id.as_str()),
                    Value::text(p.specialty.as_str()),
                    Value::opt_text(p.license_number.as_deref()),
                    Value::opt_date(p.license_expires),
                    Value::opt_text(p.facility_npi.as_ref()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "providers",
            PROVIDER_COLUMNS,
            rows,
        )
        .await?;
        let events = providers
            .iter()
            .map(|p| NewEvent::of(PROVIDER, p.npi.as_str(), action::PROVIDER_ADDED, p))
            .collect::<Result<_, _>>()?;
        self.write_events(events).await
    }

    /// Adds service locations (NET-01), with one `location_added` event each on the provider.
    pub async fn insert_locations(&mut self, locations: &[Location]) -> Result<(), StoreError> {
        unique_in_batch(
            "locations",
            locations
                .iter()
                .map(|l| format!("vendor_number={}", l.vendor_number)),
        )?;
        let rows = locations
            .iter()
            .map(|l| {
                vec![
                    Value::text(l.vendor_number.as_str()),
                    Value::text(l.npi.as_str()),
                    Value::text(l.name.as_str()),
                    Value::text(l.address.as_str()),
                    Value::text(l.city.as_str()),
                    Value::text(l.state.as_str()),
                    Value::text(l.zip.as_str()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "locations",
            LOCATION_COLUMNS,
            rows,
        )
        .await?;
        let events = locations
            .iter()
            .map(|l| NewEvent::of(PROVIDER, l.npi.as_str(), action::LOCATION_ADDED, l))
            .collect::<Result<_, _>>()?;
        self.write_events(events).await
    }

    /// Adds pay-to vendors (NET-01), with one `pay_to_added` event each on the provider.
    pub async fn insert_pay_to(&mut self, vendors: &[PayToVendor]) -> Result<(), StoreError> {
        unique_in_batch(
            "pay_to_vendors",
            vendors
                .iter()
                .map(|v| format!("npi={} vendor_number={}", v.npi, v.vendor_number)),
        )?;
        let rows = vendors
            .iter()
            .map(|v| {
                vec![
                    Value::text(v.npi.as_str()),
                    Value::text(v.vendor_number.as_str()),
                    Value::text(v.name.as_str()),
                    Value::text(v.tax_id.as_str()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "pay_to_vendors",
            PAY_TO_COLUMNS,
            rows,
        )
        .await?;
        let events = vendors
            .iter()
            .map(|v| NewEvent::of(PROVIDER, v.npi.as_str(), action::PAY_TO_ADDED, v))
            .collect::<Result<_, _>>()?;
        self.write_events(events).await
    }

    /// Adds network status spans (NET-08), with one `status_added` event each on the provider.
    pub async fn insert_status_spans(&mut self, spans: &[StatusSpan]) -> Result<(), StoreError> {
        unique_in_batch(
            "provider_status",
            spans
                .iter()
                .map(|s| format!("npi={} start={}", s.npi, s.start)),
        )?;
        let rows = spans
            .iter()
            .map(|s| {
                vec![
                    Value::text(s.npi.as_str()),
                    Value::text(s.status.as_str()),
                    Value::date(s.start),
                    Value::opt_date(s.end),
                    Value::text(s.reason.as_str()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "provider_status",
            STATUS_COLUMNS,
            rows,
        )
        .await?;
        let events = spans
            .iter()
            .map(|s| NewEvent::of(PROVIDER, s.npi.as_str(), action::STATUS_ADDED, s))
            .collect::<Result<_, _>>()?;
        self.write_events(events).await
    }

    /// Records sanctions (NET-05), with one `sanction_added` event each on the provider.
    pub async fn insert_sanctions(&mut self, sanctions: &[Sanction]) -> Result<(), StoreError> {
        unique_in_batch(
            "sanctions",
            sanctions
                .iter()
                .map(|s| format!("npi={} level={} start={}", s.npi, s.level.as_str(), s.start)),
        )?;
        let rows = sanctions
            .iter()
            .map(|s| {
                vec![
                    Value::text(s.npi.as_str()),
                    Value::text(s.level.as_str()),
                    Value::date(s.start),
                    Value::opt_date(s.end),
                    Value::text(s.reason.as_str()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "sanctions",
            SANCTION_COLUMNS,
            rows,
        )
        .await?;
        let events = sanctions
            .iter()
            .map(|s| NewEvent::of(PROVIDER, s.npi.as_str(), action::SANCTION_ADDED, s))
            .collect::<Result<_, _>>()?;
        self.write_events(events).await
    }
}

pub(crate) fn read_provider(row: &AnyRow) -> Result<Provider, StoreError> {
    let c = Cols {
        row,
        table: "providers",
    };
    Ok(Provider {
        npi: c.parsed("npi", Npi::parse)?,
        kind: c.spelled("kind", ProviderKind::parse)?,
        name: c.text("name")?,
        tax_id: c.parsed("tax_id", TaxId::parse)?,
        specialty: c.text("specialty")?,
        license_number: c.opt_text("license_number")?,
        license_expires: c.opt_date("license_expires")?,
        facility_npi: c.opt_parsed("facility_npi", Npi::parse)?,
    })
}

fn read_location(row: &AnyRow) -> Result<Location, StoreError> {
    let c = Cols {
        row,
        table: "locations",
    };
    Ok(Location {
        vendor_number: c.parsed("vendor_number", VendorNumber::parse)?,
        npi: c.parsed("npi", Npi::parse)?,
        name: c.text("name")?,
        address: c.text("address")?,
        city: c.text("city")?,
        state: c.text("state")?,
        zip: c.text("zip")?,
    })
}

pub(crate) fn read_pay_to(row: &AnyRow) -> Result<PayToVendor, StoreError> {
    let c = Cols {
        row,
        table: "pay_to_vendors",
    };
    Ok(PayToVendor {
        vendor_number: c.parsed("vendor_number", VendorNumber::parse)?,
        npi: c.parsed("npi", Npi::parse)?,
        name: c.text("name")?,
        tax_id: c.parsed("tax_id", TaxId::parse)?,
    })
}

pub(crate) fn read_status(row: &AnyRow) -> Result<StatusSpan, StoreError> {
    let c = Cols {
        row,
        table: "provider_status",
    };
    Ok(StatusSpan {
        npi: c.parsed("npi", Npi::parse)?,
        status: c.spelled("status", NetworkStatus::parse)?,
        start: c.date("start_date")?,
        end: c.opt_date("end_date")?,
        reason: c.text("reason")?,
    })
}

pub(crate) fn read_sanction(row: &AnyRow) -> Result<Sanction, StoreError> {
    let c = Cols {
        row,
        table: "sanctions",
    };
    Ok(Sanction {
        npi: c.parsed("npi", Npi::parse)?,
        level: c.spelled("level", SanctionLevel::parse)?,
        start: c.date("start_date")?,
        end: c.opt_date("end_date")?,
        reason: c.text("reason")?,
    })
}

impl Store {
    /// The provider, if recorded.
    pub async fn get_provider(&self, npi: &Npi) -> Result<Option<Provider>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM providers WHERE npi = $1",
            PROVIDER_COLUMNS.join(", ")
        ))
        .bind(npi.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_provider).transpose()
    }

    /// NET-01: the provider's service locations, by vendor number.
    pub async fn locations(&self, npi: &Npi) -> Result<Vec<Location>, StoreError> {
        self.by_npi(
            "locations",
            LOCATION_COLUMNS,
            "vendor_number",
            npi,
            read_location,
        )
        .await
    }

    /// NET-01: the provider's pay-to vendors, by vendor number.
    pub async fn pay_to(&self, npi: &Npi) -> Result<Vec<PayToVendor>, StoreError> {
        self.by_npi(
            "pay_to_vendors",
            PAY_TO_COLUMNS,
            "vendor_number",
            npi,
            read_pay_to,
        )
        .await
    }

    /// NET-08: the provider's network status spans, by start date.
    pub async fn provider_statuses(&self, npi: &Npi) -> Result<Vec<StatusSpan>, StoreError> {
        self.by_npi(
            "provider_status",
            STATUS_COLUMNS,
            "start_date",
            npi,
            read_status,
        )
        .await
    }

    /// NET-05: the provider's sanctions, by start date then level.
    pub async fn sanctions(&self, npi: &Npi) -> Result<Vec<Sanction>, StoreError> {
        self.by_npi(
            "sanctions",
            SANCTION_COLUMNS,
            "start_date, level",
            npi,
            read_sanction,
        )
        .await
    }

    async fn by_npi<T>(
        &self,
        table: &str,
        columns: &[&str],
        order_by: &str,
        npi: &Npi,
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM {table} WHERE npi = $1 ORDER BY {order_by}",
            columns.join(", ")
        ))
        .bind(npi.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read).collect()
    }
}
