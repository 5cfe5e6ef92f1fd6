//! [`Store`] (a pool on one database) and [`UnitOfWork`] (one transaction, with the actor, time
//! and reason every event it writes carries).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use accord_core::Timestamp;
use sha2::{Digest, Sha256};
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Column as _, Executor as _, Row, Transaction};

use crate::StoreError;
use crate::codec::timestamp_text;
use crate::migrate;
use crate::url::{Backend, DatabaseUrl};

/// The tables the store keeps, with their key columns (the digest orders rows by them), in the
/// order [`Store::counts`] and [`Store::content_digest`] visit them.
pub(crate) const TABLES: &[(&str, &[&str])] = &[
    ("members", &["member_id"]),
    (
        "eligibility_spans",
        &["member_id", "plan_code", "start_date"],
    ),
    (
        "other_coverage",
        &["member_id", "payer_order", "start_date"],
    ),
    ("providers", &["npi"]),
    ("locations", &["vendor_number"]),
    ("pay_to_vendors", &["npi", "vendor_number"]),
    ("provider_status", &["npi", "start_date"]),
    ("sanctions", &["npi", "level", "start_date"]),
    ("events", &["id"]),
    ("received_files", &["sender", "interchange_control"]),
    ("claims", &["tracking"]),
    ("authorizations", &["auth_id"]),
    ("decisions", &["tracking"]),
    ("decision_traces", &["tracking"]),
    ("history_lines", &["tracking", "line"]),
    ("payment_cycles", &["cycle"]),
    ("remittances", &["cycle", "pay_to_npi"]),
    ("provider_balances", &["pay_to_npi", "source"]),
    ("um_requests", &["request_id"]),
    ("admission_notifications", &["notification_id"]),
    ("staff_users", &["user_id"]),
    ("user_accounts", &["user_id"]),
    ("api_tokens", &["token_hash"]),
    ("access_log", &["id"]),
    ("remittance_files", &["cycle", "pay_to_npi", "kind"]),
    ("service_plans", &["plan_id"]),
    ("cases", &["case_id"]),
    ("provider_changes", &["change_id"]),
    ("credentialing_applications", &["application_id"]),
    ("credentialing_cycles", &["npi"]),
    ("exclusion_screenings", &["screening_id"]),
    ("exclusion_matches", &["match_id"]),
    ("appointments", &["appointment_id"]),
    ("exclusion_screened", &["screening_id", "npi"]),
    ("quality_claims", &["tracking"]),
];

/// Set on every SQLite connection: WAL (readers do not block the writer), foreign keys enforced,
/// wait up to 5 s for a lock instead of failing, and fsync at checkpoints only (safe with WAL).
/// For large runs (a million claims): a 64 MiB page cache per connection instead of SQLite's
/// 2 MiB, the database file read through a memory map (no copy per page read), and temporary
/// B-trees (sorts, indexes being built) kept in memory.
///
/// A database created from this version on has 16 KiB pages instead of SQLite's 4 KiB
/// (decision 0036): a file's unit of work writes gigabytes of log, and while it is open each page
/// read searches the log's index, whose length is counted in pages. The setting only takes on a
/// new, empty database; one created before keeps its page size.
const SQLITE_PRAGMAS: &[&str] = &[
    // First: once the journal is WAL the page size can no longer change.
    "PRAGMA page_size = 16384",
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA cache_size = -65536",
    "PRAGMA mmap_size = 68719476736",
    "PRAGMA temp_store = MEMORY",
    // Checkpoints run on a task of their own (`checkpoint_in_background`), not inside the commit
    // that fills the log: a large commit no longer waits for its pages to be copied back.
    "PRAGMA wal_autocheckpoint = 0",
];

/// How often the background checkpoint looks at the write-ahead log.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(200);

/// A connection pool on one Accord database, SQLite or PostgreSQL. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    url: DatabaseUrl,
    /// Held by every clone: the background checkpoint stops when the last clone is gone.
    _alive: Arc<()>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .finish()
    }
}

impl Store {
    /// Connects to the database the URL names and brings its schema up to date.
    ///
    /// - `sqlite://path.db`: the file is created if missing; WAL journal, foreign keys on, busy
    ///   timeout 5 s.
    /// - `sqlite::memory:`: a private in-memory database on a single connection (tests); it lives
    ///   as long as the `Store`. With one connection, reading through the `Store` while a
    ///   [`UnitOfWork`] is open waits for it.
    /// - `postgres://user:password@host:port/db`: add `?options=-c%20search_path%3Dname` to use
    ///   a schema other than `public`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Self::connect_up_to(url, None).await
    }

    /// As [`Store::connect`], applying migrations only up to `version` (all when `None`). For
    /// upgrade tests and tools: a database made this way is upgraded by the next `connect`.
    pub async fn connect_up_to(url: &str, version: Option<i64>) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let url = DatabaseUrl::new(url.trim());
        let Some(backend) = url.backend() else {
            return Err(StoreError::Url {
                url,
                reason: "the scheme must be sqlite: or postgres://".into(),
            });
        };
        let pool = match backend {
            Backend::Sqlite => {
                let memory = url.is_sqlite_memory();
                let mut connect_url = url.expose().to_owned();
                if !memory && !connect_url.contains("mode=") {
                    connect_url.push(if connect_url.contains('?') { '&' } else { '?' });
                    connect_url.push_str("mode=rwc");
                }
                let opts = AnyPoolOptions::new().after_connect(|conn, _| {
                    Box::pin(async move {
                        for pragma in SQLITE_PRAGMAS {
                            conn.execute(*pragma).await?;
                        }
                        Ok(())
                    })
                });
                let opts = if memory {
                    opts.max_connections(1)
                        .min_connections(1)
                        .idle_timeout(None)
                        .max_lifetime(None)
                } else {
                    opts.max_connections(4)
                };
                opts.acquire_timeout(Duration::from_secs(30))
                    .connect(&connect_url)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .connect(url.expose())
                    .await?
            }
        };
        let now = timestamp_text(Timestamp::now());
        migrate::run(&pool, backend, version, &now).await?;
        let alive = Arc::new(());
        if backend == Backend::Sqlite && !url.is_sqlite_memory() {
            checkpoint_in_background(pool.clone(), Arc::downgrade(&alive));
        }
        Ok(Store {
            pool,
            backend,
            url,
            _alive: alive,
        })
    }

    /// Which backend this store is on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL connected to (password hidden when shown).
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Closes every connection; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The schema migrations applied to this database: (version, name), in order.
    pub async fn applied_migrations(&self) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(migrate::applied(&self.pool)
            .await?
            .into_iter()
            .map(|(v, n, _)| (v, n))
            .collect())
    }

    /// Starts a unit of work: one transaction whose events all carry `actor`, `reason` and `at`.
    /// Nothing is visible to others until [`UnitOfWork::commit`]; dropping it rolls back.
    pub async fn begin(
        &self,
        actor: &str,
        reason: &str,
        at: Timestamp,
    ) -> Result<UnitOfWork, StoreError> {
        let tx = match self.backend {
            // Take the write lock now rather than on the first write, so two writers queue on the
            // busy timeout instead of one failing to upgrade its read lock.
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(UnitOfWork {
            tx,
            backend: self.backend,
            actor: actor.to_owned(),
            reason: reason.to_owned(),
            at_text: timestamp_text(at),
        })
    }

    /// How many rows each table holds.
    pub async fn counts(&self) -> Result<TableCounts, StoreError> {
        let mut rows = Vec::with_capacity(TABLES.len());
        for (table, _) in TABLES {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table}"))
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
            rows.push((*table, u64::try_from(n).unwrap_or(0)));
        }
        Ok(TableCounts(rows))
    }

    /// A SHA-256 (hex) over every table's rows in primary-key order (ordered here, bytewise, not by
    /// the database's collation), events included. Two databases with the same contents have the
    /// same digest, whatever the backend: a demo run twice with the same seed and clock must give
    /// the same digest.
    pub async fn content_digest(&self) -> Result<String, StoreError> {
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        enum Cell {
            Null,
            Int(i64),
            Text(String),
            Bytes(Vec<u8>),
        }
        let mut hasher = Sha256::new();
        for (table, key) in TABLES {
            let rows = sqlx::query(&format!("SELECT * FROM {table}"))
                .fetch_all(&self.pool)
                .await?;
            let mut cells: Vec<Vec<Cell>> = Vec::with_capacity(rows.len());
            let mut key_idx: Vec<usize> = Vec::new();
            for row in &rows {
                if key_idx.is_empty() {
                    key_idx = key
                        .iter()
                        .filter_map(|k| row.columns().iter().position(|c| c.name() == *k))
                        .collect();
                }
                let mut r = Vec::with_capacity(row.len());
                for i in 0..row.len() {
                    let cell = match row.try_get::<Option<String>, _>(i) {
                        Ok(Some(s)) => Cell::Text(s),
                        Ok(None) => Cell::Null,
                        Err(_) => match row.try_get::<Option<i64>, _>(i) {
                            Ok(Some(n)) => Cell::Int(n),
                            Ok(None) => Cell::Null,
                            Err(_) => match row.try_get::<Option<Vec<u8>>, _>(i)? {
                                Some(b) => Cell::Bytes(b),
                                None => Cell::Null,
                            },
                        },
                    };
                    r.push(cell);
                }
                cells.push(r);
            }
            cells.sort_by(|a, b| {
                key_idx
                    .iter()
                    .map(|&i| a[i].cmp(&b[i]))
                    .find(|o| o.is_ne())
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            hasher.update(table.as_bytes());
            hasher.update(b"\n");
            for r in &cells {
                for c in r {
                    match c {
                        Cell::Null => hasher.update(b"N"),
                        Cell::Int(n) => {
                            hasher.update(b"I");
                            hasher.update(n.to_le_bytes());
                        }
                        Cell::Text(s) => {
                            hasher.update(b"T");
                            hasher.update((s.len() as u64).to_le_bytes());
                            hasher.update(s.as_bytes());
                        }
                        Cell::Bytes(b) => {
                            hasher.update(b"B");
                            hasher.update((b.len() as u64).to_le_bytes());
                            hasher.update(b);
                        }
                    }
                }
                hasher.update(b"\n");
            }
        }
        Ok(migrate::hex(&hasher.finalize()))
    }
}

/// Rows per table, in a stable order. `Display` prints one `table: rows` line per table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCounts(pub Vec<(&'static str, u64)>);

impl TableCounts {
    /// The row count of `table` (0 for a table the store does not have).
    pub fn get(&self, table: &str) -> u64 {
        self.0
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, n)| *n)
    }

    /// Rows in all tables together.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }
}

impl fmt::Display for TableCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.0.iter().map(|(t, _)| t.len()).max().unwrap_or(0);
        for (i, (t, n)) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{t:<width$} {n:>9}")?;
        }
        Ok(())
    }
}

/// SQLite: copies the write-ahead log back into the database file every [`CHECKPOINT_EVERY`],
/// from a connection of its own, while the store is open. `PASSIVE` never waits for readers or
/// writers: it copies what is committed and not still read, and the log is reused from its start
/// once it has all been copied. (SQLite would otherwise checkpoint inside the commit that grew the
/// log past 1,000 pages, so that commit — a whole 837 file's — would wait for the copy.) The last
/// connection to close checkpoints what is left.
fn checkpoint_in_background(pool: AnyPool, alive: std::sync::Weak<()>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(CHECKPOINT_EVERY).await;
            if alive.strong_count() == 0 || pool.is_closed() {
                break;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                if !pool.is_closed() {
                    tracing::warn!(error = %e, "background checkpoint failed");
                }
                break;
            }
        }
    });
}

/// One transaction. Every insert and change writes its events (actor, time and reason from
/// [`Store::begin`]) in the same transaction, so the record and its history commit together or
/// not at all. Dropped without [`UnitOfWork::commit`], it rolls back.
pub struct UnitOfWork {
    pub(crate) tx: Transaction<'static, Any>,
    pub(crate) backend: Backend,
    pub(crate) actor: String,
    pub(crate) reason: String,
    pub(crate) at_text: String,
}

impl fmt::Debug for UnitOfWork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnitOfWork")
            .field("backend", &self.backend)
            .field("actor", &self.actor)
            .field("reason", &self.reason)
            .field("at", &self.at_text)
            .finish()
    }
}

impl UnitOfWork {
    /// Makes everything done in this unit of work durable and visible.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Undoes everything done in this unit of work (dropping it does the same).
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}
