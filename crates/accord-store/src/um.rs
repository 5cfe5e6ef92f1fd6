//! Utilization-management records (issue 5): authorization requests with their case document,
//! UM-07 admission notifications, plan staff with roles and reporting lines, and extending an
//! authorization on a continued stay (UM-08). The case document is JSON the UM engine owns; this
//! crate keeps the columns queues and reports look rows up by.

use accord_core::{Date, Timestamp};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value, timestamp_text};
use crate::events::NewEvent;
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

/// Entity name of authorization-request events; the entity ID is the request number.
pub const UM_REQUEST: &str = "um_request";
/// Entity name of admission-notification events.
pub const ADMISSION_NOTIFICATION: &str = "admission_notification";
/// Entity name of staff events; the entity ID is the user ID.
pub const STAFF: &str = "staff";

const REQUEST_COLUMNS: &[&str] = &[
    "request_id",
    "member_id",
    "servicing_npi",
    "status",
    "urgency",
    "review_type",
    "received_at",
    "due_at",
    "decided_at",
    "document",
];

const NOTIFICATION_COLUMNS: &[&str] = &[
    "notification_id",
    "member_id",
    "provider_npi",
    "admitted_at",
    "notified_at",
    "due_at",
    "late",
    "document",
];

const STAFF_COLUMNS: &[&str] = &["user_id", "name", "role", "reports_to"];

/// An authorization request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredUmRequest {
    /// Request number.
    pub request_id: String,
    /// Member.
    pub member_id: String,
    /// Servicing provider NPI.
    pub servicing_npi: String,
    /// Status (the UM engine's spelling).
    pub status: String,
    /// `urgent` / `non_urgent`.
    pub urgency: String,
    /// `prospective` / `concurrent` / `retrospective`.
    pub review_type: String,
    /// Receipt instant.
    pub received_at: Timestamp,
    /// Decision due (UM-02).
    pub due_at: Timestamp,
    /// When decided.
    pub decided_at: Option<Timestamp>,
    /// The whole case as JSON.
    #[serde(skip)]
    pub document: String,
}

/// A UM-07 admission notification as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredNotification {
    /// Notification number.
    pub notification_id: String,
    /// Member.
    pub member_id: String,
    /// Provider NPI.
    pub provider_npi: String,
    /// Admission instant.
    pub admitted_at: Timestamp,
    /// When the plan was told.
    pub notified_at: Timestamp,
    /// When it was due.
    pub due_at: Timestamp,
    /// Told late.
    pub late: bool,
    /// The notification as JSON.
    #[serde(skip)]
    pub document: String,
}

/// A member of the plan's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredStaff {
    /// Sign-in name.
    pub user_id: String,
    /// Full name.
    pub name: String,
    /// Role (the UM engine's spelling).
    pub role: String,
    /// Manager's user ID.
    pub reports_to: Option<String>,
}

fn read_request(row: &AnyRow) -> Result<StoredUmRequest, StoreError> {
    let c = Cols {
        row,
        table: "um_requests",
    };
    Ok(StoredUmRequest {
        request_id: c.text("request_id")?,
        member_id: c.text("member_id")?,
        servicing_npi: c.text("servicing_npi")?,
        status: c.text("status")?,
        urgency: c.text("urgency")?,
        review_type: c.text("review_type")?,
        received_at: c.timestamp("received_at")?,
        due_at: c.timestamp("due_at")?,
        decided_at: c.opt_parsed("decided_at", |s: &str| s.parse::<Timestamp>())?,
        document: c.text("document")?,
    })
}

fn read_notification(row: &AnyRow) -> Result<StoredNotification, StoreError> {
    let c = Cols {
        row,
        table: "admission_notifications",
    };
    Ok(StoredNotification {
        notification_id: c.text("notification_id")?,
        member_id: c.text("member_id")?,
        provider_npi: c.text("provider_npi")?,
        admitted_at: c.timestamp("admitted_at")?,
        notified_at: c.timestamp("notified_at")?,
        due_at: c.timestamp("due_at")?,
        late: c.int("late")? != 0,
        document: c.text("document")?,
    })
}

fn read_staff(row: &AnyRow) -> Result<StoredStaff, StoreError> {
    let c = Cols {
        row,
        table: "staff_users",
    };
    Ok(StoredStaff {
        user_id: c.text("user_id")?,
        name: c.text("name")?,
        role: c.text("role")?,
        reports_to: c.opt_text("reports_to")?,
    })
}

impl UnitOfWork {
    /// Stores requests (a request saved again replaces its row), one event each with `action`
    /// (e.g. `um_request_received`, `um_request_decided`) and the row's summary as data.
    pub async fn save_um_requests(
        &mut self,
        requests: &[StoredUmRequest],
        action: &'static str,
    ) -> Result<(), StoreError> {
        let ids: Vec<String> = requests.iter().map(|r| r.request_id.clone()).collect();
        self.delete_where("um_requests", "request_id", ids.iter())
            .await?;
        let rows = requests
            .iter()
            .map(|r| {
                vec![
                    Value::text(r.request_id.as_str()),
                    Value::text(r.member_id.as_str()),
                    Value::text(r.servicing_npi.as_str()),
                    Value::text(r.status.as_str()),
                    Value::text(r.urgency.as_str()),
                    Value::text(r.review_type.as_str()),
                    Value::text(timestamp_text(r.received_at)),
                    Value::text(timestamp_text(r.due_at)),
                    Value::opt_text(r.decided_at.map(timestamp_text)),
                    Value::text(r.document.as_str()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "um_requests",
            REQUEST_COLUMNS,
            rows,
        )
        .await?;
        let events = requests
            .iter()
            .map(|r| NewEvent::of(UM_REQUEST, r.request_id.clone(), action, r))
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }

    /// Records UM-07 admission notifications, one `admission_notified` event each.
    pub async fn insert_notifications(
        &mut self,
        notes: &[StoredNotification],
    ) -> Result<(), StoreError> {
        let rows = notes
            .iter()
            .map(|n| {
                vec![
                    Value::text(n.notification_id.as_str()),
                    Value::text(n.member_id.as_str()),
                    Value::text(n.provider_npi.as_str()),
                    Value::text(timestamp_text(n.admitted_at)),
                    Value::text(timestamp_text(n.notified_at)),
                    Value::text(timestamp_text(n.due_at)),
                    Value::int(i64::from(n.late)),
                    Value::text(n.document.as_str()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "admission_notifications",
            NOTIFICATION_COLUMNS,
            rows,
        )
        .await?;
        let events = notes
            .iter()
            .map(|n| {
                NewEvent::of(
                    ADMISSION_NOTIFICATION,
                    n.notification_id.clone(),
                    "admission_notified",
                    n,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }

    /// Adds or replaces staff users, one `staff_saved` event each.
    pub async fn save_staff(&mut self, staff: &[StoredStaff]) -> Result<(), StoreError> {
        let ids: Vec<String> = staff.iter().map(|s| s.user_id.clone()).collect();
        self.delete_where("staff_users", "user_id", ids.iter())
            .await?;
        let rows = staff
            .iter()
            .map(|s| {
                vec![
                    Value::text(s.user_id.as_str()),
                    Value::text(s.name.as_str()),
                    Value::text(s.role.as_str()),
                    Value::opt_text(s.reports_to.clone()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "staff_users",
            STAFF_COLUMNS,
            rows,
        )
        .await?;
        let events = staff
            .iter()
            .map(|s| NewEvent::of(STAFF, s.user_id.clone(), "staff_saved", s))
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }

    /// UM-08: a continued stay extends an authorization to `new_end` with `extra_units` more
    /// units; one `authorization_extended` event.
    pub async fn extend_authorization(
        &mut self,
        auth_id: &str,
        new_end: Date,
        extra_units: Decimal,
        by_request: &str,
    ) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT units_authorized FROM authorizations WHERE auth_id = $1")
            .bind(auth_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                entity: "authorization",
                key: format!("auth_id={auth_id}"),
            });
        };
        let c = Cols {
            row: &row,
            table: "authorizations",
        };
        let units = c.parsed("units_authorized", Decimal::from_str_exact)? + extra_units;
        sqlx::query(
            "UPDATE authorizations SET end_date = $1, units_authorized = $2 WHERE auth_id = $3",
        )
        .bind(new_end.to_string())
        .bind(units.to_string())
        .bind(auth_id)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("authorizations", e))?;
        #[derive(Serialize)]
        struct Extended<'a> {
            end_date: Date,
            units_authorized: Decimal,
            by_request: &'a str,
        }
        self.write_events(vec![NewEvent::of(
            crate::adjudication::AUTHORIZATION,
            auth_id,
            "authorization_extended",
            &Extended {
                end_date: new_end,
                units_authorized: units,
                by_request,
            },
        )?])
        .await
    }
}

impl Store {
    /// One request by number.
    pub async fn um_request(&self, id: &str) -> Result<Option<StoredUmRequest>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM um_requests WHERE request_id = $1",
            REQUEST_COLUMNS.join(", ")
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_request).transpose()
    }

    /// Requests with one of `statuses` (every request when empty), by due instant.
    pub async fn um_requests(&self, statuses: &[&str]) -> Result<Vec<StoredUmRequest>, StoreError> {
        let filter = if statuses.is_empty() {
            String::new()
        } else {
            format!(
                " WHERE status IN ({})",
                (1..=statuses.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let sql = format!(
            "SELECT {} FROM um_requests{filter} ORDER BY due_at, request_id",
            REQUEST_COLUMNS.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for s in statuses {
            q = q.bind(*s);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(read_request).collect()
    }

    /// How many requests are on record (request numbers are issued in sequence).
    pub async fn um_request_count(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::Row::try_get(
            &sqlx::query("SELECT COUNT(*) AS n FROM um_requests")
                .fetch_one(&self.pool)
                .await?,
            "n",
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Every admission notification, by admission instant.
    pub async fn admission_notifications(&self) -> Result<Vec<StoredNotification>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM admission_notifications ORDER BY admitted_at, notification_id",
            NOTIFICATION_COLUMNS.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_notification).collect()
    }

    /// One staff user.
    pub async fn staff_user(&self, user_id: &str) -> Result<Option<StoredStaff>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM staff_users WHERE user_id = $1",
            STAFF_COLUMNS.join(", ")
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_staff).transpose()
    }

    /// Every staff user, by user ID.
    pub async fn staff_users(&self) -> Result<Vec<StoredStaff>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM staff_users ORDER BY user_id",
            STAFF_COLUMNS.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_staff).collect()
    }
}
