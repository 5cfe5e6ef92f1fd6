//! Everything the claims engine reads about members and providers, loaded in one pass per table
//! ([`Store::book`]): the adjudication shell indexes it once and judges every claim against it,
//! instead of asking the database per claim.

use accord_core::member::{EligibilitySpan, Member, OtherCoverage};
use accord_core::provider::{PayToVendor, Provider, Sanction, StatusSpan};
use sqlx::any::AnyRow;

use crate::StoreError;
use crate::members::{
    MEMBER_COLUMNS, OC_COLUMNS, SPAN_COLUMNS, read_member, read_other_coverage, read_span,
};
use crate::providers::{
    PAY_TO_COLUMNS, PROVIDER_COLUMNS, SANCTION_COLUMNS, STATUS_COLUMNS, read_pay_to, read_provider,
    read_sanction, read_status,
};
use crate::store::Store;

/// Members, eligibility, other coverage, providers, status spans, sanctions and pay-to vendors, in
/// key order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Book {
    /// Members by ID.
    pub members: Vec<Member>,
    /// Eligibility spans by member, then start.
    pub spans: Vec<EligibilitySpan>,
    /// Other coverage by member, payer order, start.
    pub other_coverage: Vec<OtherCoverage>,
    /// Providers by NPI.
    pub providers: Vec<Provider>,
    /// Network status spans by NPI, then start.
    pub statuses: Vec<StatusSpan>,
    /// Sanctions by NPI, then start.
    pub sanctions: Vec<Sanction>,
    /// Pay-to vendors by NPI, then vendor number.
    pub pay_to: Vec<PayToVendor>,
}

impl Store {
    /// Loads the whole [`Book`].
    pub async fn book(&self) -> Result<Book, StoreError> {
        Ok(Book {
            members: self
                .all("members", MEMBER_COLUMNS, "member_id", read_member)
                .await?,
            spans: self
                .all(
                    "eligibility_spans",
                    SPAN_COLUMNS,
                    "member_id, start_date, plan_code",
                    read_span,
                )
                .await?,
            other_coverage: self
                .all(
                    "other_coverage",
                    OC_COLUMNS,
                    "member_id, payer_order, start_date",
                    read_other_coverage,
                )
                .await?,
            providers: self
                .all("providers", PROVIDER_COLUMNS, "npi", read_provider)
                .await?,
            statuses: self
                .all(
                    "provider_status",
                    STATUS_COLUMNS,
                    "npi, start_date",
                    read_status,
                )
                .await?,
            sanctions: self
                .all(
                    "sanctions",
                    SANCTION_COLUMNS,
                    "npi, start_date, level",
                    read_sanction,
                )
                .await?,
            pay_to: self
                .all(
                    "pay_to_vendors",
                    PAY_TO_COLUMNS,
                    "npi, vendor_number",
                    read_pay_to,
                )
                .await?,
        })
    }

    async fn all<T>(
        &self,
        table: &str,
        columns: &[&str],
        order_by: &str,
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM {table} ORDER BY {order_by}",
            columns.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read).collect()
    }
}
