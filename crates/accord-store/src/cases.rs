//! Cases with deadlines (issue 6): appeals (APL), complaints (CMP), claim disputes and reviews
//! (DSP-01, REC-03), state-portal registrations and tickets (DSP-02..05), audits and recovery
//! (REC-02/04/05), credentialing appeals (NET-06). One row per case with the columns queues and
//! look-ups use, and the case as a JSON document (filing, receipt instant, every event in order)
//! that only `accord-cases` interprets. Every save writes the case's event in the same unit of
//! work (entity `case`, ID = case number), and a save made from a stale copy is refused.

use accord_core::Timestamp;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value, timestamp_text};
use crate::events::NewEvent;
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

/// Entity name of case events; the entity ID is the case number.
pub const CASE: &str = "case";

/// The phase a closed case is stored with.
pub const CLOSED: &str = "closed";

const COLUMNS: &[&str] = &[
    "case_id",
    "kind",
    "subject",
    "phase",
    "filed_at",
    "next_due",
    "closed_at",
    "revision",
    "document",
];

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredCase {
    /// Case number, e.g. `APL-2026-000001`.
    pub case_id: String,
    /// Kind (the case engine's spelling, e.g. `appeal`, `portal_ticket`).
    pub kind: String,
    /// What it is about, as looked up: an authorization or request number, a claim's tracking
    /// number, a provider's NPI or a contract term.
    pub subject: String,
    /// Phase as of the last save (the engine's spelling; `closed` once closed).
    pub phase: String,
    /// Receipt instant.
    pub filed_at: Timestamp,
    /// The earliest open clock's due instant as of the last save.
    pub next_due: Option<Timestamp>,
    /// When it closed.
    pub closed_at: Option<Timestamp>,
    /// Saves so far (1 when filed).
    pub revision: i64,
    /// The case (filing and events) as JSON text.
    #[serde(skip)]
    pub document: String,
}

/// The event written with a save: its action (e.g. `case_filed`, `assign_reviewer`) and data.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseEvent {
    /// What happened.
    pub action: &'static str,
    /// The change, as JSON.
    pub data: serde_json::Value,
}

fn read_case(row: &AnyRow) -> Result<StoredCase, StoreError> {
    let c = Cols {
        row,
        table: "cases",
    };
    Ok(StoredCase {
        case_id: c.text("case_id")?,
        kind: c.text("kind")?,
        subject: c.text("subject")?,
        phase: c.text("phase")?,
        filed_at: c.timestamp("filed_at")?,
        next_due: c.opt_parsed("next_due", |s: &str| s.parse::<Timestamp>())?,
        closed_at: c.opt_parsed("closed_at", |s: &str| s.parse::<Timestamp>())?,
        revision: c.int("revision")?,
        document: c.text("document")?,
    })
}

fn event(case: &StoredCase, e: &CaseEvent) -> Result<NewEvent, StoreError> {
    NewEvent::of(CASE, case.case_id.clone(), e.action, &e.data)
}

impl UnitOfWork {
    /// Stores a new case and its event. A case with the same number is a
    /// [`StoreError::Conflict`].
    pub async fn insert_case(
        &mut self,
        case: &StoredCase,
        e: &CaseEvent,
    ) -> Result<(), StoreError> {
        let row = vec![
            Value::text(case.case_id.as_str()),
            Value::text(case.kind.as_str()),
            Value::text(case.subject.as_str()),
            Value::text(case.phase.as_str()),
            Value::text(timestamp_text(case.filed_at)),
            Value::opt_text(case.next_due.map(timestamp_text)),
            Value::opt_text(case.closed_at.map(timestamp_text)),
            Value::int(case.revision),
            Value::text(case.document.as_str()),
        ];
        bulk::insert_rows(&mut self.tx, self.backend, "cases", COLUMNS, vec![row]).await?;
        self.write_events(vec![event(case, e)?]).await
    }

    /// Replaces a case with its next revision and writes its event. The row must still be at
    /// `case.revision - 1`, otherwise someone saved a change since this one was read and the save
    /// is [`StoreError::Stale`]. Number, kind, subject and receipt never change.
    pub async fn update_case(
        &mut self,
        case: &StoredCase,
        e: &CaseEvent,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE cases SET phase = $1, next_due = $2, closed_at = $3, revision = $4, \
             document = $5 WHERE case_id = $6 AND revision = $7",
        )
        .bind(case.phase.as_str())
        .bind(case.next_due.map(timestamp_text))
        .bind(case.closed_at.map(timestamp_text))
        .bind(case.revision)
        .bind(case.document.as_str())
        .bind(case.case_id.as_str())
        .bind(case.revision - 1)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("cases", e))?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Stale {
                entity: "case",
                key: case.case_id.clone(),
            });
        }
        self.write_events(vec![event(case, e)?]).await
    }
}

impl Store {
    async fn cases_where(
        &self,
        filter: &str,
        binds: &[&str],
    ) -> Result<Vec<StoredCase>, StoreError> {
        let sql = format!(
            "SELECT {} FROM cases{filter} ORDER BY filed_at, case_id",
            COLUMNS.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(*b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(read_case).collect()
    }

    /// One case by number.
    pub async fn case(&self, case_id: &str) -> Result<Option<StoredCase>, StoreError> {
        Ok(self
            .cases_where(" WHERE case_id = $1", &[case_id])
            .await?
            .pop())
    }

    /// Cases in one of `phases` (every case when empty), by receipt.
    pub async fn cases(&self, phases: &[&str]) -> Result<Vec<StoredCase>, StoreError> {
        if phases.is_empty() {
            return self.cases_where("", &[]).await;
        }
        let filter = format!(
            " WHERE phase IN ({})",
            (1..=phases.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        self.cases_where(&filter, phases).await
    }

    /// Cases not closed at their last save, by receipt (a closed case never reopens, so these
    /// are the only ones that can have clocks running).
    pub async fn open_cases(&self) -> Result<Vec<StoredCase>, StoreError> {
        self.cases_where(" WHERE phase <> $1", &[CLOSED]).await
    }

    /// Cases about `subject` (a request or claim number, an NPI, a contract term), by receipt.
    pub async fn cases_about(&self, subject: &str) -> Result<Vec<StoredCase>, StoreError> {
        self.cases_where(" WHERE subject = $1", &[subject]).await
    }

    /// Cases of one kind, by receipt.
    pub async fn cases_of_kind(&self, kind: &str) -> Result<Vec<StoredCase>, StoreError> {
        self.cases_where(" WHERE kind = $1", &[kind]).await
    }

    /// How many cases have numbers starting with `prefix` (for numbering new ones per kind and
    /// year, e.g. `APL-2026-`).
    pub async fn case_count_with_prefix(&self, prefix: &str) -> Result<u64, StoreError> {
        use sqlx::Row as _;
        // A key range rather than LIKE, whose escaping and case rules differ between backends:
        // every key starting with the prefix sorts (bytewise) from the prefix up to the prefix
        // with its last character incremented.
        let Some(last) = prefix.chars().last() else {
            return Ok(u64::try_from(self.cases(&[]).await?.len()).unwrap_or(0));
        };
        let above = char::from_u32(u32::from(last) + 1).unwrap_or(char::MAX);
        let upper = format!("{}{above}", &prefix[..prefix.len() - last.len_utf8()]);
        let n: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM cases WHERE case_id >= $1 AND case_id < $2")
                .bind(prefix)
                .bind(upper)
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
