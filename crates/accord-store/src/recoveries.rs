//! Recoveries opened by cases (REC-04 → REC-01): the provider balances whose source names the
//! case that opened them (`AUD-2026-000001 202611020000003`: the audit and the claim), so they are
//! the same balances the payment cycle offsets (PLB WO) and ages for demand letters (REC-02).

use crate::StoreError;
use crate::payments::{BALANCE_COLUMNS, ProviderBalance, read_balance};
use crate::store::Store;

/// The source of the balance a case opened for one claim: the case number, a space, the claim's
/// tracking number (the PLB reference on the 835).
pub fn recovery_source(case_id: &str, claim: &str) -> String {
    format!("{case_id} {claim}")
}

impl Store {
    /// Every provider balance a case opened (recovered ones too), oldest first.
    pub async fn balances_of_case(
        &self,
        case_id: &str,
    ) -> Result<Vec<ProviderBalance>, StoreError> {
        // A key range rather than LIKE (see `case_count_with_prefix`): every source of this
        // case starts with the case number and a space; '!' is the character after the space.
        let rows = sqlx::query(&format!(
            "SELECT {} FROM provider_balances WHERE source >= $1 AND source < $2 \
             ORDER BY opened_on, source",
            BALANCE_COLUMNS.join(", ")
        ))
        .bind(format!("{case_id} "))
        .bind(format!("{case_id}!"))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_balance).collect()
    }
}
