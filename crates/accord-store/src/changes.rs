//! Changes to records already on file that a later import makes, and the events since an
//! instant that say which facts changed (REC-01: the claims decided on them may need deciding
//! again). Eligibility end dates change through [`UnitOfWork::end_eligibility`]; authorizations
//! through [`UnitOfWork::replace_authorization`] here.

use accord_core::Timestamp;
use serde_json::json;

use crate::StoreError;
use crate::adjudication::{AUTHORIZATION, StoredAuthorization};
use crate::codec::timestamp_text;
use crate::events::{Event, NewEvent, action, read_event};
use crate::store::{Store, UnitOfWork};

impl UnitOfWork {
    /// UM-04, CLM-07: replaces authorization `after.auth_id` (dates, units, services, provider)
    /// with `after`, recording an `authorization_changed` event with the record before and after.
    /// [`StoreError::NotFound`] when no authorization has that number.
    pub async fn replace_authorization(
        &mut self,
        after: &StoredAuthorization,
    ) -> Result<(), StoreError> {
        let before = sqlx::query(
            "SELECT auth_id, member_id, provider_npi, services, level_of_care, start_date, \
             end_date, units_authorized FROM authorizations WHERE auth_id = $1",
        )
        .bind(after.auth_id.as_str())
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(before) = before
            .as_ref()
            .map(crate::adjudication::read_authorization)
            .transpose()?
        else {
            return Err(StoreError::NotFound {
                entity: "authorization",
                key: format!("auth_id={}", after.auth_id),
            });
        };
        let services = serde_json::to_string(&after.services).map_err(|e| StoreError::Invalid {
            table: "authorizations",
            column: "services",
            value: after.auth_id.clone(),
            reason: e.to_string(),
        })?;
        sqlx::query(
            "UPDATE authorizations SET member_id = $1, provider_npi = $2, services = $3, \
             level_of_care = $4, start_date = $5, end_date = $6, units_authorized = $7 \
             WHERE auth_id = $8",
        )
        .bind(after.member_id.as_str())
        .bind(after.provider_npi.as_str())
        .bind(services)
        .bind(after.level_of_care.as_str())
        .bind(after.start.to_string())
        .bind(after.end.to_string())
        .bind(after.units_authorized.to_string())
        .bind(after.auth_id.as_str())
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("authorizations", e))?;
        self.write_events(vec![NewEvent {
            entity: AUTHORIZATION,
            entity_id: after.auth_id.clone(),
            action: action::AUTHORIZATION_CHANGED,
            data: json!({ "before": before, "after": after }).to_string(),
        }])
        .await
    }
}

impl Store {
    /// Events of `entity` with one of `actions` recorded at or after `from`, oldest first
    /// (REC-01: what changed since a date).
    pub async fn events_since(
        &self,
        entity: &str,
        actions: &[&str],
        from: Timestamp,
    ) -> Result<Vec<Event>, StoreError> {
        // Timestamps are stored as fixed-width UTC text, so text order is time order.
        let rows = sqlx::query(
            "SELECT id, at, actor, entity, entity_id, action, reason, data FROM events \
             WHERE entity = $1 AND at >= $2 ORDER BY id",
        )
        .bind(entity)
        .bind(timestamp_text(from))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for row in &rows {
            let e = read_event(row)?;
            if actions.contains(&e.action.as_str()) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// Tracking numbers of decided claims billed by `npi`, or with a history line (paid or
    /// pending) it rendered, in order (REC-01: what a change in its standing may affect).
    pub async fn decided_claims_of_provider(&self, npi: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT d.tracking AS tracking FROM decisions d JOIN claims c ON c.tracking = d.tracking \
             WHERE c.billing_npi = $1 \
             UNION SELECT h.tracking AS tracking FROM history_lines h WHERE h.rendering_npi = $1 \
             ORDER BY tracking",
        )
        .bind(npi)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                crate::codec::Cols {
                    row,
                    table: "decisions",
                }
                .text("tracking")
            })
            .collect()
    }
}
