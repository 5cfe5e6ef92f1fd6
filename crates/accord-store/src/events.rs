//! The append-only `events` table: every change to any record is one event with actor, time,
//! reason and the data of the change. It is the audit trail and the history the portal shows.
//!
//! Events are grouped by the record a person looks at: member-area changes (the member, its
//! eligibility spans, its other coverage) have `entity = "member"` and the member ID; provider-area
//! changes (the provider, locations, pay-to vendors, status spans, sanctions) have
//! `entity = "provider"` and the NPI. The `action` says what changed (see [`action`]).

use accord_core::Timestamp;
use serde::Serialize;

use crate::codec::{Cols, Value};
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

/// The `action` of the events this crate writes.
pub mod action {
    /// A member record was added.
    pub const MEMBER_ADDED: &str = "member_added";
    /// An eligibility span was added (ELIG-01).
    pub const ELIGIBILITY_ADDED: &str = "eligibility_added";
    /// An eligibility span's end date was changed, e.g. a retro termination (ELIG-01).
    pub const ELIGIBILITY_ENDED: &str = "eligibility_ended";
    /// An other-coverage record was added (ELIG-04).
    pub const OTHER_COVERAGE_ADDED: &str = "other_coverage_added";
    /// A provider record was added (NET-01).
    pub const PROVIDER_ADDED: &str = "provider_added";
    /// A service location was added (NET-01).
    pub const LOCATION_ADDED: &str = "location_added";
    /// A pay-to vendor was added (NET-01).
    pub const PAY_TO_ADDED: &str = "pay_to_added";
    /// A network status span was added (NET-08).
    pub const STATUS_ADDED: &str = "status_added";
    /// A sanction was recorded (NET-05).
    pub const SANCTION_ADDED: &str = "sanction_added";
    /// A claim was received and given its tracking number (CLM-01).
    pub const CLAIM_RECEIVED: &str = "claim_received";
    /// An authorization was recorded (UM-04).
    pub const AUTHORIZATION_ADDED: &str = "authorization_added";
    /// An authorization's dates, units, services or provider were changed (UM-04, REC-01).
    pub const AUTHORIZATION_CHANGED: &str = "authorization_changed";
    /// A claim was adjudicated, or decided again (issue 4).
    pub const CLAIM_ADJUDICATED: &str = "claim_adjudicated";
    /// A pended claim was replaced or voided by a later claim before it was paid (CLM-10).
    pub const CLAIM_SUPERSEDED: &str = "claim_superseded";
    /// A claims examiner acted on a pended claim (approve, deny, ask for records).
    pub const CLAIM_EXAMINED: &str = "claim_examined";
    /// A payment cycle remitted to a payee (PAY-06).
    pub const REMITTED: &str = "remitted";
    /// A provider balance opened, was offset, or was demanded (REC-01, REC-02).
    pub const BALANCE_CHANGED: &str = "balance_changed";
}

/// The `entity` of member-area events.
pub const MEMBER: &str = "member";
/// The `entity` of provider-area events.
pub const PROVIDER: &str = "provider";
/// Entity name of claim events; the entity ID is the tracking number.
pub const CLAIM: &str = "claim";

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Position in the log; increases with every event.
    pub id: i64,
    /// When the change was made (the unit of work's time).
    pub at: Timestamp,
    /// Who made it: a user, a feed, a job.
    pub actor: String,
    /// The kind of record it belongs to, e.g. `member`.
    pub entity: String,
    /// Which record, e.g. the member ID.
    pub entity_id: String,
    /// What changed, e.g. `eligibility_ended`.
    pub action: String,
    /// Why.
    pub reason: String,
    /// The change itself, e.g. the record added or the old and new end date.
    pub data: serde_json::Value,
}

/// An event about to be written by a unit of work.
#[derive(Debug)]
pub(crate) struct NewEvent {
    pub(crate) entity: &'static str,
    pub(crate) entity_id: String,
    pub(crate) action: &'static str,
    pub(crate) data: String,
}

impl NewEvent {
    /// An event whose data is `record` as JSON.
    pub(crate) fn of<T: Serialize>(
        entity: &'static str,
        entity_id: impl Into<String>,
        action: &'static str,
        record: &T,
    ) -> Result<NewEvent, StoreError> {
        Ok(NewEvent {
            entity,
            entity_id: entity_id.into(),
            action,
            data: to_json(record)?,
        })
    }
}

fn to_json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Invalid {
        table: "events",
        column: "data",
        value: String::new(),
        reason: format!("cannot serialise: {e}"),
    })
}

const COLUMNS: &[&str] = &[
    "at",
    "actor",
    "entity",
    "entity_id",
    "action",
    "reason",
    "data",
];

impl UnitOfWork {
    /// Writes events in this unit of work, in order.
    pub(crate) async fn write_events(&mut self, events: Vec<NewEvent>) -> Result<(), StoreError> {
        let rows = events
            .into_iter()
            .map(|e| {
                vec![
                    Value::text(self.at_text.clone()),
                    Value::text(self.actor.clone()),
                    Value::text(e.entity),
                    Value::text(e.entity_id),
                    Value::text(e.action),
                    Value::text(self.reason.clone()),
                    Value::text(e.data),
                ]
            })
            .collect();
        bulk::insert_rows(&mut self.tx, self.backend, "events", COLUMNS, rows).await
    }

    /// Records an event that is not the side effect of an insert here: a decision, a notice, a
    /// change made by another area. It carries this unit of work's actor, time and reason.
    pub async fn record_event(
        &mut self,
        entity: &str,
        entity_id: &str,
        action: &str,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        let row = vec![
            Value::text(self.at_text.clone()),
            Value::text(self.actor.clone()),
            Value::text(entity),
            Value::text(entity_id),
            Value::text(action),
            Value::text(self.reason.clone()),
            Value::text(to_json(&data)?),
        ];
        bulk::insert_rows(&mut self.tx, self.backend, "events", COLUMNS, vec![row]).await
    }
}

impl Store {
    /// The IDs of `entity` records that have at least one event with `action` (e.g. every claim
    /// an examiner acted on), in ID order.
    pub async fn entities_with_action(
        &self,
        entity: &str,
        action: &str,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT entity_id FROM events WHERE entity = $1 AND action = $2 ORDER BY entity_id",
        )
        .bind(entity)
        .bind(action)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| sqlx::Row::try_get::<String, _>(r, "entity_id").map_err(StoreError::from))
            .collect()
    }
}

impl Store {
    /// Every event of one record, oldest first.
    pub async fn events_for(
        &self,
        entity: &str,
        entity_id: &str,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, entity, entity_id, action, reason, data FROM events \
             WHERE entity = $1 AND entity_id = $2 ORDER BY id",
        )
        .bind(entity)
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_event).collect()
    }
}

pub(crate) fn read_event(row: &sqlx::any::AnyRow) -> Result<Event, StoreError> {
    let c = Cols {
        row,
        table: "events",
    };
    Ok(Event {
        id: c.int("id")?,
        at: c.timestamp("at")?,
        actor: c.text("actor")?,
        entity: c.text("entity")?,
        entity_id: c.text("entity_id")?,
        action: c.text("action")?,
        reason: c.text("reason")?,
        data: c.parsed("data", |s| serde_json::from_str::<serde_json::Value>(s))?,
    })
}
