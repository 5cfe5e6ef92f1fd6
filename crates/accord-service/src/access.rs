//! QM-02 access standards and QM-03 aftercare (issue 9): storing appointment-availability records
//! and reading them back, with the inpatient discharges of paid claims, into the pure
//! `accord_quality::access` report.

use accord_core::{Date, Npi, Timestamp};
use accord_plan::Plan;
use accord_quality::{AccessReport, Appointment, Urgency};
use accord_store::{Store, StoredAppointment};

use crate::ServiceError;
use crate::reports::load_quality_inputs;

/// The store's form of validated appointment records (`accord-import` checked every field).
pub fn stored_appointments(
    records: &[Appointment],
) -> Result<Vec<StoredAppointment>, ServiceError> {
    records
        .iter()
        .map(|a| {
            Ok(StoredAppointment {
                appointment_id: a.appointment_id.clone(),
                member_id: a.member_id.clone(),
                provider_npi: Npi::parse(&a.provider_npi)
                    .map_err(|e| ServiceError::invalid(&a.appointment_id, "provider_npi", e))?,
                requested_at: a.requested_at,
                offered_at: a.offered_at,
                urgency: a.urgency.as_str().to_owned(),
                discharge_date: a.discharge_date,
            })
        })
        .collect()
}

/// Stores appointment records in one unit of work, each with its event.
pub async fn record_appointments(
    store: &Store,
    records: &[Appointment],
    actor: &str,
    reason: &str,
    now: Timestamp,
) -> Result<(), ServiceError> {
    let stored = stored_appointments(records)?;
    let mut uow = store.begin(actor, reason, now).await?;
    uow.insert_appointments(&stored).await?;
    uow.commit().await?;
    Ok(())
}

fn to_appointment(s: StoredAppointment) -> Result<Appointment, ServiceError> {
    let urgency = Urgency::parse(&s.urgency)
        .map_err(|e| ServiceError::invalid(&s.appointment_id, "urgency", e))?;
    Ok(Appointment {
        appointment_id: s.appointment_id,
        member_id: s.member_id,
        provider_npi: s.provider_npi.as_str().to_owned(),
        requested_at: s.requested_at,
        offered_at: s.offered_at,
        urgency,
        discharge_date: s.discharge_date,
    })
}

/// QM-02 and QM-03 for requests and discharges from `from` through `to` (plan time zone).
pub async fn load_access_report(
    store: &Store,
    plan: &Plan,
    from: Date,
    to: Date,
) -> Result<AccessReport, ServiceError> {
    let tz = plan.time_zone();
    // A day's margin each side in UTC covers any plan time zone; the pure report keeps the
    // requests whose local date is in the period.
    let utc_midnight = |d: Date, days: i64, field: &'static str| {
        d.checked_add(jiff::Span::new().days(days))
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC))
            .map(|z| z.timestamp())
            .map_err(|e| ServiceError::invalid(d.to_string(), field, e))
    };
    let requested = store
        .appointments_requested(utc_midnight(from, -1, "from")?, utc_midnight(to, 2, "to")?)
        .await?;
    let aftercare = store.aftercare_appointments(from, to).await?;
    let mut appointments: Vec<Appointment> = Vec::with_capacity(requested.len());
    for s in requested.into_iter().chain(aftercare) {
        if !appointments
            .iter()
            .any(|a| a.appointment_id == s.appointment_id)
        {
            appointments.push(to_appointment(s)?);
        }
    }
    let input = load_quality_inputs(store, plan, None).await?;
    let found = accord_quality::behavioral_discharges_classified(&input.records);
    let discharges: Vec<accord_quality::access::Discharge<'_>> = found
        .iter()
        .filter_map(|&(m, date)| {
            input
                .members
                .get(m as usize)
                .map(|info| accord_quality::access::Discharge {
                    member_id: info.id.as_str(),
                    date,
                })
        })
        .collect();
    Ok(accord_quality::access_report(
        &appointments,
        &discharges,
        &plan.config.access,
        plan.calendar(),
        tz,
        from,
        to,
    ))
}
