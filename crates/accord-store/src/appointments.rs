//! Appointment-availability records (issue 9): a request for care and the appointment offered,
//! with its QM-02 urgency class and, for aftercare, the discharge it follows (QM-03). The store
//! keeps the urgency as text; `accord-quality` gives it meaning. Every record writes its event.

use accord_core::{Date, Npi, Timestamp};
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value, timestamp_text};
use crate::events::NewEvent;
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

/// Entity name of appointment events; the entity ID is the appointment number.
pub const APPOINTMENT: &str = "appointment";

/// Event action: an appointment-availability record was stored.
pub const RECORDED: &str = "appointment_recorded";

/// An appointment-availability record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAppointment {
    /// The record's number, unique.
    pub appointment_id: String,
    /// Member.
    pub member_id: String,
    /// Provider offering the appointment.
    pub provider_npi: Npi,
    /// When care was asked for.
    pub requested_at: Timestamp,
    /// The appointment offered, if any.
    pub offered_at: Option<Timestamp>,
    /// QM-02 urgency class, as spelled in import files (`urgent`, `routine`, …).
    pub urgency: String,
    /// QM-03: the discharge this is the aftercare for.
    pub discharge_date: Option<Date>,
}

const COLUMNS: &[&str] = &[
    "appointment_id",
    "member_id",
    "provider_npi",
    "requested_at",
    "offered_at",
    "urgency",
    "discharge_date",
];

fn read(row: &AnyRow) -> Result<StoredAppointment, StoreError> {
    let c = Cols {
        row,
        table: "appointments",
    };
    Ok(StoredAppointment {
        appointment_id: c.text("appointment_id")?,
        member_id: c.text("member_id")?,
        provider_npi: c.parsed("provider_npi", Npi::parse)?,
        requested_at: c.timestamp("requested_at")?,
        offered_at: c.opt_parsed("offered_at", |s| s.parse::<Timestamp>())?,
        urgency: c.text("urgency")?,
        discharge_date: c.opt_date("discharge_date")?,
    })
}

impl UnitOfWork {
    /// Stores appointment records, each with its `appointment_recorded` event. A number already on
    /// file is a conflict naming it.
    pub async fn insert_appointments(
        &mut self,
        records: &[StoredAppointment],
    ) -> Result<(), StoreError> {
        let rows = records
            .iter()
            .map(|a| {
                vec![
                    Value::text(a.appointment_id.as_str()),
                    Value::text(a.member_id.as_str()),
                    Value::text(a.provider_npi.as_str()),
                    Value::text(timestamp_text(a.requested_at)),
                    Value::opt_text(a.offered_at.map(timestamp_text)),
                    Value::text(a.urgency.as_str()),
                    Value::opt_date(a.discharge_date),
                ]
            })
            .collect();
        bulk::insert_rows(&mut self.tx, self.backend, "appointments", COLUMNS, rows).await?;
        let events = records
            .iter()
            .map(|a| NewEvent::of(APPOINTMENT, &a.appointment_id, RECORDED, a))
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }
}

impl Store {
    /// Appointment records requested from `from` (inclusive) to `to` (exclusive), by request time
    /// then number.
    pub async fn appointments_requested(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<StoredAppointment>, StoreError> {
        sqlx::query(&format!(
            "SELECT {} FROM appointments WHERE requested_at >= $1 AND requested_at < $2 \
             ORDER BY requested_at, appointment_id",
            COLUMNS.join(", ")
        ))
        .bind(timestamp_text(from))
        .bind(timestamp_text(to))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(read)
        .collect()
    }

    /// Aftercare records naming a discharge from `from` through `to`, by discharge then number.
    pub async fn aftercare_appointments(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<StoredAppointment>, StoreError> {
        sqlx::query(&format!(
            "SELECT {} FROM appointments WHERE discharge_date >= $1 AND discharge_date <= $2 \
             ORDER BY discharge_date, appointment_id",
            COLUMNS.join(", ")
        ))
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(read)
        .collect()
    }
}
