//! A small versioned migration runner. Each backend has its own directory of numbered SQL files
//! (`migrations/sqlite`, `migrations/postgres`), embedded in the binary. Applied versions are
//! recorded in `schema_migrations` with a SHA-256 of the file, so a database is upgraded on
//! connect, an edited migration is detected, and a database newer than the build is refused.

use sha2::{Digest, Sha256};
use sqlx::{AnyPool, Executor as _, Row};

use crate::StoreError;
use crate::url::Backend;

/// One embedded migration.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its version, from the file name (`0002_…` is 2).
    pub version: i64,
    /// Its name, from the file name.
    pub name: &'static str,
    /// The SQL it runs.
    pub sql: &'static str,
}

macro_rules! migrations {
    ($dir:literal: $(($v:literal, $name:literal)),* $(,)?) => {
        &[$(Migration {
            version: $v,
            name: $name,
            sql: include_str!(concat!("../migrations/", $dir, "/", $name, ".sql")),
        }),*]
    };
}

const SQLITE: &[Migration] = migrations!("sqlite": (1, "0001_initial"), (2, "0002_events_by_entity"), (3, "0003_claims"), (4, "0004_adjudication"), (5, "0005_service_plans"), (6, "0006_um"), (7, "0007_cases"), (8, "0008_access"), (9, "0009_network"), (10, "0010_appointments"), (12, "0012_screening_schedule"), (13, "0013_decision_traces"), (14, "0014_quality_claims"), (15, "0015_remittance_files_packed"), (16, "0016_claims_and_decisions_packed"), (17, "0017_remittance_beside_decisions"));
const POSTGRES: &[Migration] = migrations!("postgres": (1, "0001_initial"), (2, "0002_events_by_entity"), (3, "0003_claims"), (4, "0004_adjudication"), (5, "0005_service_plans"), (6, "0006_um"), (7, "0007_cases"), (8, "0008_access"), (9, "0009_network"), (10, "0010_appointments"), (12, "0012_screening_schedule"), (13, "0013_decision_traces"), (14, "0014_quality_claims"), (15, "0015_remittance_files_packed"), (16, "0016_claims_and_decisions_packed"), (17, "0017_remittance_beside_decisions"));

/// The migration that adds `quality_claims`; a database that already holds claims gets their
/// records from their stored JSON in the migration's own transaction (Rust, not SQL: the compact
/// record is [`crate::quality::encode`]).
const QUALITY_CLAIMS: i64 = 14;

/// The migrations of a backend, in version order.
pub fn migrations(backend: Backend) -> &'static [Migration] {
    match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    }
}

fn checksum(sql: &str) -> String {
    hex(&Sha256::digest(sql.as_bytes()))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Applies every migration of `backend` up to `up_to` (all when `None`) that the database has not
/// applied yet, each in its own transaction together with its `schema_migrations` row.
pub(crate) async fn run(
    pool: &AnyPool,
    backend: Backend,
    up_to: Option<i64>,
    applied_at: &str,
) -> Result<(), StoreError> {
    pool.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version    BIGINT NOT NULL PRIMARY KEY,
            name       TEXT   NOT NULL,
            checksum   TEXT   NOT NULL,
            applied_at TEXT   NOT NULL
        )",
    )
    .await?;
    let known = migrations(backend);
    let applied = applied(pool).await?;
    for (version, name, sum) in &applied {
        let Some(m) = known.iter().find(|m| m.version == *version) else {
            return Err(StoreError::Migration {
                version: *version,
                reason: format!(
                    "the database has migration {name} which this build does not know: it was \
                     made by a newer version of Accord"
                ),
            });
        };
        if checksum(m.sql) != *sum {
            return Err(StoreError::Migration {
                version: *version,
                reason: format!("{name} was changed after it was applied (checksum differs)"),
            });
        }
    }
    for m in known {
        if up_to.is_some_and(|v| m.version > v) || applied.iter().any(|a| a.0 == m.version) {
            continue;
        }
        let fail = |e: sqlx::Error| StoreError::Migration {
            version: m.version,
            reason: format!("{}: {e}", m.name),
        };
        let mut tx = pool.begin().await?;
        // Plain text, no parameters: PostgreSQL runs it with the simple protocol, which allows a
        // file of several statements.
        (&mut *tx).execute(m.sql).await.map_err(fail)?;
        if m.version == QUALITY_CLAIMS {
            crate::quality::backfill(&mut tx, backend)
                .await
                .map_err(|e| StoreError::Migration {
                    version: m.version,
                    reason: format!(
                        "{}: filling quality_claims from the stored claims: {e}",
                        m.name
                    ),
                })?;
        }
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(m.version)
        .bind(m.name)
        .bind(checksum(m.sql))
        .bind(applied_at)
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
    }
    Ok(())
}

/// The applied migrations: version, name, checksum, in version order.
pub(crate) async fn applied(pool: &AnyPool) -> Result<Vec<(i64, String, String)>, StoreError> {
    let rows =
        sqlx::query("SELECT version, name, checksum FROM schema_migrations ORDER BY version")
            .fetch_all(pool)
            .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<i64, _>("version")?,
                r.try_get::<String, _>("name")?,
                r.try_get::<String, _>("checksum")?,
            ))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(StoreError::from)
}
