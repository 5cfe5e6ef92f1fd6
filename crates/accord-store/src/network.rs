//! The provider network (issue 8): NET-04 record changes, NET-02 credentialing applications (each
//! a JSON document only `accord-network` interprets), NET-03 credentialing cycles, NET-07
//! exclusion screenings and their matches; and the updates that give sanctions, lapses and leave
//! their effect — ending a status span or a sanction — written in the caller's unit of work with
//! the new `provider_status` / `sanctions` rows, so `standing_on` reads them at once. Every change
//! writes its event.

use accord_core::provider::{Provider, SanctionLevel};
use accord_core::{Date, Npi};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value};
use crate::events::{NewEvent, PROVIDER};
use crate::providers::{
    PROVIDER_COLUMNS, SANCTION_COLUMNS, STATUS_COLUMNS, read_provider, read_sanction, read_status,
};
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

/// Entity name of credentialing-application events; the entity ID is the application number.
pub const APPLICATION: &str = "credentialing_application";
/// Entity name of exclusion-screening events; the entity ID is the screening number.
pub const SCREENING: &str = "exclusion_screening";

/// Event actions of this module.
pub mod action {
    /// NET-04 a change was reported.
    pub const CHANGE_REPORTED: &str = "change_reported";
    /// The provider record was updated (old and new).
    pub const PROVIDER_UPDATED: &str = "provider_updated";
    /// A status span was ended.
    pub const STATUS_ENDED: &str = "status_ended";
    /// A sanction's end date changed (extension, reinstatement).
    pub const SANCTION_ENDED: &str = "sanction_end_changed";
    /// NET-03 the cycle was set from a credentialing decision.
    pub const CYCLE_SET: &str = "credentialing_cycle_set";
    /// NET-07 a screening ran.
    pub const SCREENED: &str = "exclusion_screened";
    /// NET-07 a provider was found on the list.
    pub const MATCHED: &str = "exclusion_matched";
    /// NET-07 a match was reviewed.
    pub const REVIEWED: &str = "exclusion_reviewed";
}

/// NET-04 a change as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredChange {
    /// `npi/n`, numbered per provider.
    pub change_id: String,
    /// Whose record.
    pub npi: Npi,
    /// The change kind (`material`, `license_action`, …).
    pub kind: String,
    /// The field changed.
    pub field: String,
    /// The new value.
    pub value: String,
    /// Takes effect.
    pub effective: Date,
    /// Reported.
    pub reported: Date,
    /// The notice was due.
    pub due: Date,
    /// The notice came late.
    pub late: bool,
    /// In words.
    pub description: String,
}

/// A credentialing application as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredApplication {
    /// Application number, e.g. `CRD-2026-000001`.
    pub application_id: String,
    /// The applicant.
    pub npi: String,
    /// `initial` or `recredentialing`.
    pub cycle: String,
    /// Phase as of the last save (`gathering`, `ready_for_committee`, `decided`).
    pub phase: String,
    /// Received.
    pub received: Date,
    /// The committee's decision day.
    pub decided_on: Option<Date>,
    /// `approved` / `denied`.
    pub outcome: Option<String>,
    /// Saves so far (1 when received).
    pub revision: i64,
    /// The application as JSON.
    #[serde(skip)]
    pub document: String,
}

/// NET-03 a provider's last credentialing decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCycle {
    /// Whose.
    pub npi: Npi,
    /// The decision day.
    pub credentialed_on: Date,
    /// The application decided.
    pub application_id: String,
}

/// NET-07 a screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredScreening {
    /// `EXS-2026-000001`.
    pub screening_id: String,
    /// The day screened.
    pub screened_on: Date,
    /// The file's name.
    pub source: String,
    /// SHA-256 of the file.
    pub digest: String,
    /// Rows on the list.
    pub entries: i64,
    /// Providers screened.
    pub subjects: i64,
    /// Matches found.
    pub matches: i64,
    /// The list's own date, as published (`None` when not given or stored before version 12).
    pub list_date: Option<Date>,
    /// Who ran the screening (empty for screenings stored before version 12).
    pub screened_by: String,
    /// Matches confirmed (the provider suspended).
    pub confirmed: i64,
    /// Matches held for review.
    pub for_review: i64,
}

/// NET-07 a match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredMatch {
    /// `screening_id/line/npi`.
    pub match_id: String,
    /// The screening.
    pub screening_id: String,
    /// The provider.
    pub npi: Npi,
    /// `npi`, `name_and_birth_date`, `similar_name`, `business_name`.
    pub basis: String,
    /// `confirmed`, `pending_review`, `dismissed`.
    pub status: String,
    /// The list's row, as JSON.
    pub entry: String,
    /// Reviewer.
    pub reviewed_by: Option<String>,
    /// Reviewed.
    pub reviewed_on: Option<Date>,
    /// Reviewer's note.
    pub note: String,
}

const CHANGE_COLUMNS: &[&str] = &[
    "change_id",
    "npi",
    "kind",
    "field",
    "value",
    "effective_date",
    "reported_date",
    "due_date",
    "late",
    "description",
];
const APPLICATION_COLUMNS: &[&str] = &[
    "application_id",
    "npi",
    "cycle",
    "phase",
    "received",
    "decided_on",
    "outcome",
    "revision",
    "document",
];
const CYCLE_COLUMNS: &[&str] = &["npi", "credentialed_on", "application_id"];
const SCREENING_COLUMNS: &[&str] = &[
    "screening_id",
    "screened_on",
    "source",
    "digest",
    "entries",
    "subjects",
    "matches",
    "list_date",
    "screened_by",
    "confirmed",
    "for_review",
];
const COVERED_COLUMNS: &[&str] = &["screening_id", "npi"];
const MATCH_COLUMNS: &[&str] = &[
    "match_id",
    "screening_id",
    "npi",
    "basis",
    "status",
    "entry",
    "reviewed_by",
    "reviewed_on",
    "note",
];

fn read_change(row: &AnyRow) -> Result<StoredChange, StoreError> {
    let c = Cols {
        row,
        table: "provider_changes",
    };
    Ok(StoredChange {
        change_id: c.text("change_id")?,
        npi: c.parsed("npi", Npi::parse)?,
        kind: c.text("kind")?,
        field: c.text("field")?,
        value: c.text("value")?,
        effective: c.date("effective_date")?,
        reported: c.date("reported_date")?,
        due: c.date("due_date")?,
        late: c.int("late")? != 0,
        description: c.text("description")?,
    })
}

fn read_application(row: &AnyRow) -> Result<StoredApplication, StoreError> {
    let c = Cols {
        row,
        table: "credentialing_applications",
    };
    Ok(StoredApplication {
        application_id: c.text("application_id")?,
        npi: c.text("npi")?,
        cycle: c.text("cycle")?,
        phase: c.text("phase")?,
        received: c.date("received")?,
        decided_on: c.opt_date("decided_on")?,
        outcome: c.opt_text("outcome")?,
        revision: c.int("revision")?,
        document: c.text("document")?,
    })
}

fn read_cycle(row: &AnyRow) -> Result<StoredCycle, StoreError> {
    let c = Cols {
        row,
        table: "credentialing_cycles",
    };
    Ok(StoredCycle {
        npi: c.parsed("npi", Npi::parse)?,
        credentialed_on: c.date("credentialed_on")?,
        application_id: c.text("application_id")?,
    })
}

fn read_screening(row: &AnyRow) -> Result<StoredScreening, StoreError> {
    let c = Cols {
        row,
        table: "exclusion_screenings",
    };
    Ok(StoredScreening {
        screening_id: c.text("screening_id")?,
        screened_on: c.date("screened_on")?,
        source: c.text("source")?,
        digest: c.text("digest")?,
        entries: c.int("entries")?,
        subjects: c.int("subjects")?,
        matches: c.int("matches")?,
        list_date: c.opt_date("list_date")?,
        screened_by: c.text("screened_by")?,
        confirmed: c.int("confirmed")?,
        for_review: c.int("for_review")?,
    })
}

fn read_match(row: &AnyRow) -> Result<StoredMatch, StoreError> {
    let c = Cols {
        row,
        table: "exclusion_matches",
    };
    Ok(StoredMatch {
        match_id: c.text("match_id")?,
        screening_id: c.text("screening_id")?,
        npi: c.parsed("npi", Npi::parse)?,
        basis: c.text("basis")?,
        status: c.text("status")?,
        entry: c.text("entry")?,
        reviewed_by: c.opt_text("reviewed_by")?,
        reviewed_on: c.opt_date("reviewed_on")?,
        note: c.text("note")?,
    })
}

fn application_row(a: &StoredApplication) -> Vec<Value> {
    vec![
        Value::text(a.application_id.as_str()),
        Value::text(a.npi.as_str()),
        Value::text(a.cycle.as_str()),
        Value::text(a.phase.as_str()),
        Value::date(a.received),
        Value::opt_date(a.decided_on),
        Value::opt_text(a.outcome.as_deref()),
        Value::int(a.revision),
        Value::text(a.document.as_str()),
    ]
}

fn match_row(m: &StoredMatch) -> Vec<Value> {
    vec![
        Value::text(m.match_id.as_str()),
        Value::text(m.screening_id.as_str()),
        Value::text(m.npi.as_str()),
        Value::text(m.basis.as_str()),
        Value::text(m.status.as_str()),
        Value::text(m.entry.as_str()),
        Value::opt_text(m.reviewed_by.as_deref()),
        Value::opt_date(m.reviewed_on),
        Value::text(m.note.as_str()),
    ]
}

fn raw_event(
    entity: &'static str,
    id: impl Into<String>,
    action: &'static str,
    data: serde_json::Value,
) -> NewEvent {
    NewEvent {
        entity,
        entity_id: id.into(),
        action,
        data: data.to_string(),
    }
}

impl UnitOfWork {
    /// NET-04: records a reported change with its `change_reported` event on the provider.
    pub async fn insert_provider_change(&mut self, c: &StoredChange) -> Result<(), StoreError> {
        let row = vec![
            Value::text(c.change_id.as_str()),
            Value::text(c.npi.as_str()),
            Value::text(c.kind.as_str()),
            Value::text(c.field.as_str()),
            Value::text(c.value.as_str()),
            Value::date(c.effective),
            Value::date(c.reported),
            Value::date(c.due),
            Value::int(i64::from(c.late)),
            Value::text(c.description.as_str()),
        ];
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "provider_changes",
            CHANGE_COLUMNS,
            vec![row],
        )
        .await?;
        self.write_events(vec![NewEvent::of(
            PROVIDER,
            c.npi.as_str(),
            action::CHANGE_REPORTED,
            c,
        )?])
        .await
    }

    /// Replaces a provider record (same NPI) and writes `provider_updated` with old and new.
    pub async fn update_provider(&mut self, p: &Provider) -> Result<(), StoreError> {
        let old = sqlx::query(&format!(
            "SELECT {} FROM providers WHERE npi = $1",
            PROVIDER_COLUMNS.join(", ")
        ))
        .bind(p.npi.as_str())
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(old) = old.as_ref().map(read_provider).transpose()? else {
            return Err(StoreError::NotFound {
                entity: "provider",
                key: p.npi.to_string(),
            });
        };
        sqlx::query(
            "UPDATE providers SET kind = $1, name = $2, tax_id = $3, specialty = $4, \
             license_number = $5, license_expires = $6, facility_npi = $7 WHERE npi = $8",
        )
        .bind(p.kind.as_str())
        .bind(p.name.as_str())
        .bind(p.tax_id.as_str())
        .bind(p.specialty.as_str())
        .bind(p.license_number.as_deref())
        .bind(p.license_expires.map(|d| d.to_string()))
        .bind(p.facility_npi.as_ref().map(|n| n.to_string()))
        .bind(p.npi.as_str())
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("providers", e))?;
        self.write_events(vec![raw_event(
            PROVIDER,
            p.npi.as_str(),
            action::PROVIDER_UPDATED,
            json!({ "old": old, "new": p }),
        )])
        .await
    }

    /// Ends the status span of `npi` starting `start` on `end` (NET-03, NET-05, NET-08), with a
    /// `status_ended` event. Used with `insert_status_spans` in the same unit of work.
    pub async fn end_status_span(
        &mut self,
        npi: &Npi,
        start: Date,
        end: Date,
    ) -> Result<(), StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM provider_status WHERE npi = $1 AND start_date = $2",
            STATUS_COLUMNS.join(", ")
        ))
        .bind(npi.as_str())
        .bind(start.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(old) = row.as_ref().map(read_status).transpose()? else {
            return Err(StoreError::NotFound {
                entity: "status span",
                key: format!("npi={npi} start={start}"),
            });
        };
        sqlx::query("UPDATE provider_status SET end_date = $1 WHERE npi = $2 AND start_date = $3")
            .bind(end.to_string())
            .bind(npi.as_str())
            .bind(start.to_string())
            .execute(&mut *self.tx)
            .await
            .map_err(|e| StoreError::from_write("provider_status", e))?;
        self.write_events(vec![raw_event(
            PROVIDER,
            npi.as_str(),
            action::STATUS_ENDED,
            json!({ "status": old.status, "start": start, "old_end": old.end, "new_end": end }),
        )])
        .await
    }

    /// Sets the end of the sanction of `npi` at `level` starting `start` (NET-05 extension or
    /// reinstatement), with a `sanction_end_changed` event.
    pub async fn set_sanction_end(
        &mut self,
        npi: &Npi,
        level: SanctionLevel,
        start: Date,
        end: Option<Date>,
    ) -> Result<(), StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM sanctions WHERE npi = $1 AND level = $2 AND start_date = $3",
            SANCTION_COLUMNS.join(", ")
        ))
        .bind(npi.as_str())
        .bind(level.as_str())
        .bind(start.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(old) = row.as_ref().map(read_sanction).transpose()? else {
            return Err(StoreError::NotFound {
                entity: "sanction",
                key: format!("npi={npi} level={} start={start}", level.as_str()),
            });
        };
        sqlx::query(
            "UPDATE sanctions SET end_date = $1 WHERE npi = $2 AND level = $3 AND start_date = $4",
        )
        .bind(end.map(|d| d.to_string()))
        .bind(npi.as_str())
        .bind(level.as_str())
        .bind(start.to_string())
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("sanctions", e))?;
        self.write_events(vec![raw_event(
            PROVIDER,
            npi.as_str(),
            action::SANCTION_ENDED,
            json!({ "level": level, "start": start, "old_end": old.end, "new_end": end }),
        )])
        .await
    }

    /// Stores a new application with its event (`action`, `data`).
    pub async fn insert_application(
        &mut self,
        a: &StoredApplication,
        action: &'static str,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "credentialing_applications",
            APPLICATION_COLUMNS,
            vec![application_row(a)],
        )
        .await?;
        self.write_events(vec![raw_event(
            APPLICATION,
            a.application_id.clone(),
            action,
            data,
        )])
        .await
    }

    /// Replaces an application with its next revision and writes its event; a save from a stale
    /// copy (the row is not at `revision - 1`) is [`StoreError::Stale`].
    pub async fn update_application(
        &mut self,
        a: &StoredApplication,
        action: &'static str,
        data: serde_json::Value,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE credentialing_applications SET phase = $1, decided_on = $2, outcome = $3, \
             revision = $4, document = $5 WHERE application_id = $6 AND revision = $7",
        )
        .bind(a.phase.as_str())
        .bind(a.decided_on.map(|d| d.to_string()))
        .bind(a.outcome.as_deref())
        .bind(a.revision)
        .bind(a.document.as_str())
        .bind(a.application_id.as_str())
        .bind(a.revision - 1)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("credentialing_applications", e))?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Stale {
                entity: "credentialing application",
                key: a.application_id.clone(),
            });
        }
        self.write_events(vec![raw_event(
            APPLICATION,
            a.application_id.clone(),
            action,
            data,
        )])
        .await
    }

    /// NET-03: sets the provider's last credentialing decision (replacing the previous one).
    pub async fn set_cycle(&mut self, c: &StoredCycle) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM credentialing_cycles WHERE npi = $1")
            .bind(c.npi.as_str())
            .execute(&mut *self.tx)
            .await?;
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "credentialing_cycles",
            CYCLE_COLUMNS,
            vec![vec![
                Value::text(c.npi.as_str()),
                Value::date(c.credentialed_on),
                Value::text(c.application_id.as_str()),
            ]],
        )
        .await?;
        self.write_events(vec![NewEvent::of(
            PROVIDER,
            c.npi.as_str(),
            action::CYCLE_SET,
            c,
        )?])
        .await
    }

    /// NET-07: stores a screening, whom it covered and its matches, with an `exclusion_screened`
    /// event and one `exclusion_matched` event per match on its provider.
    pub async fn insert_screening(
        &mut self,
        s: &StoredScreening,
        covered: &[Npi],
        matches: &[StoredMatch],
    ) -> Result<(), StoreError> {
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "exclusion_screenings",
            SCREENING_COLUMNS,
            vec![vec![
                Value::text(s.screening_id.as_str()),
                Value::date(s.screened_on),
                Value::text(s.source.as_str()),
                Value::text(s.digest.as_str()),
                Value::int(s.entries),
                Value::int(s.subjects),
                Value::int(s.matches),
                Value::opt_date(s.list_date),
                Value::text(s.screened_by.as_str()),
                Value::int(s.confirmed),
                Value::int(s.for_review),
            ]],
        )
        .await?;
        if !covered.is_empty() {
            let mut npis: Vec<&Npi> = covered.iter().collect();
            npis.sort();
            npis.dedup();
            bulk::insert_rows(
                &mut self.tx,
                self.backend,
                "exclusion_screened",
                COVERED_COLUMNS,
                npis.into_iter()
                    .map(|n| {
                        vec![
                            Value::text(s.screening_id.as_str()),
                            Value::text(n.as_str()),
                        ]
                    })
                    .collect(),
            )
            .await?;
        }
        if !matches.is_empty() {
            bulk::insert_rows(
                &mut self.tx,
                self.backend,
                "exclusion_matches",
                MATCH_COLUMNS,
                matches.iter().map(match_row).collect(),
            )
            .await?;
        }
        let mut events = vec![NewEvent::of(
            SCREENING,
            s.screening_id.clone(),
            action::SCREENED,
            s,
        )?];
        for m in matches {
            events.push(NewEvent::of(PROVIDER, m.npi.as_str(), action::MATCHED, m)?);
        }
        self.write_events(events).await
    }

    /// NET-07: records the review of a match (its new status, reviewer, day, note).
    pub async fn review_match(&mut self, m: &StoredMatch) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE exclusion_matches SET status = $1, reviewed_by = $2, reviewed_on = $3, \
             note = $4 WHERE match_id = $5",
        )
        .bind(m.status.as_str())
        .bind(m.reviewed_by.as_deref())
        .bind(m.reviewed_on.map(|d| d.to_string()))
        .bind(m.note.as_str())
        .bind(m.match_id.as_str())
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("exclusion_matches", e))?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound {
                entity: "exclusion match",
                key: m.match_id.clone(),
            });
        }
        self.write_events(vec![NewEvent::of(
            PROVIDER,
            m.npi.as_str(),
            action::REVIEWED,
            m,
        )?])
        .await
    }
}

impl Store {
    async fn rows<T>(
        &self,
        sql: &str,
        binds: &[&str],
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(*b);
        }
        q.fetch_all(&self.pool).await?.iter().map(read).collect()
    }

    /// NET-04: the provider's reported changes, by effective date.
    pub async fn provider_changes(&self, npi: &Npi) -> Result<Vec<StoredChange>, StoreError> {
        self.rows(
            &format!(
                "SELECT {} FROM provider_changes WHERE npi = $1 ORDER BY effective_date, change_id",
                CHANGE_COLUMNS.join(", ")
            ),
            &[npi.as_str()],
            read_change,
        )
        .await
    }

    /// One application by number.
    pub async fn application(&self, id: &str) -> Result<Option<StoredApplication>, StoreError> {
        Ok(self
            .rows(
                &format!(
                    "SELECT {} FROM credentialing_applications WHERE application_id = $1",
                    APPLICATION_COLUMNS.join(", ")
                ),
                &[id],
                read_application,
            )
            .await?
            .pop())
    }

    /// Applications of one provider (every application when `None`), by receipt then number.
    pub async fn applications(
        &self,
        npi: Option<&Npi>,
    ) -> Result<Vec<StoredApplication>, StoreError> {
        let cols = APPLICATION_COLUMNS.join(", ");
        match npi {
            Some(n) => {
                self.rows(
                    &format!(
                        "SELECT {cols} FROM credentialing_applications WHERE npi = $1 \
                         ORDER BY received, application_id"
                    ),
                    &[n.as_str()],
                    read_application,
                )
                .await
            }
            None => {
                self.rows(
                    &format!(
                        "SELECT {cols} FROM credentialing_applications \
                         ORDER BY received, application_id"
                    ),
                    &[],
                    read_application,
                )
                .await
            }
        }
    }

    /// NET-03: every provider's last credentialing decision, by NPI.
    pub async fn credentialing_cycles(&self) -> Result<Vec<StoredCycle>, StoreError> {
        self.rows(
            &format!(
                "SELECT {} FROM credentialing_cycles ORDER BY npi",
                CYCLE_COLUMNS.join(", ")
            ),
            &[],
            read_cycle,
        )
        .await
    }

    /// NET-07: screenings so far, by number.
    pub async fn exclusion_screenings(&self) -> Result<Vec<StoredScreening>, StoreError> {
        self.rows(
            &format!(
                "SELECT {} FROM exclusion_screenings ORDER BY screening_id",
                SCREENING_COLUMNS.join(", ")
            ),
            &[],
            read_screening,
        )
        .await
    }

    /// NET-07: whom each screening covered, as (screening number, NPI), by screening then NPI.
    pub async fn exclusion_screened(&self) -> Result<Vec<(String, Npi)>, StoreError> {
        fn read(row: &AnyRow) -> Result<(String, Npi), StoreError> {
            let c = Cols {
                row,
                table: "exclusion_screened",
            };
            Ok((c.text("screening_id")?, c.parsed("npi", Npi::parse)?))
        }
        self.rows(
            "SELECT screening_id, npi FROM exclusion_screened ORDER BY screening_id, npi",
            &[],
            read,
        )
        .await
    }

    /// NET-04: every provider's reported changes, by the day reported, then NPI and number.
    pub async fn all_provider_changes(&self) -> Result<Vec<StoredChange>, StoreError> {
        self.rows(
            &format!(
                "SELECT {} FROM provider_changes ORDER BY reported_date, npi, change_id",
                CHANGE_COLUMNS.join(", ")
            ),
            &[],
            read_change,
        )
        .await
    }

    /// NET-07: matches with `status` (every match when `None`), by NPI then number.
    pub async fn exclusion_matches(
        &self,
        status: Option<&str>,
    ) -> Result<Vec<StoredMatch>, StoreError> {
        let cols = MATCH_COLUMNS.join(", ");
        match status {
            Some(s) => {
                self.rows(
                    &format!(
                        "SELECT {cols} FROM exclusion_matches WHERE status = $1 \
                         ORDER BY npi, match_id"
                    ),
                    &[s],
                    read_match,
                )
                .await
            }
            None => {
                self.rows(
                    &format!("SELECT {cols} FROM exclusion_matches ORDER BY npi, match_id"),
                    &[],
                    read_match,
                )
                .await
            }
        }
    }
}
