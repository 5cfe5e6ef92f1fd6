//! The store's one error type, and how it maps onto Accord's error table.

use accord_core::ErrorCode;

use crate::url::DatabaseUrl;

/// Why a store operation failed. Whatever the variant, a failed unit of work was rolled back: the
/// database holds everything it committed and nothing of what it did not.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no backend this store knows, or is malformed.
    #[error("database URL {url}: {reason}")]
    Url {
        /// The URL, password hidden.
        url: DatabaseUrl,
        /// What is wrong with it.
        reason: String,
    },
    /// The record to change does not exist.
    #[error("{entity} {key} not found")]
    NotFound {
        /// The kind of record, e.g. `eligibility span`.
        entity: &'static str,
        /// Its key, e.g. `member_id=M1 plan_code=ACCORD start=2026-01-01`.
        key: String,
    },
    /// A record with the same key already exists (a unique violation).
    #[error("conflict in {table}: {key} already exists")]
    Conflict {
        /// The table.
        table: &'static str,
        /// The key that is taken, as precisely as the database or the batch tells it.
        key: String,
    },
    /// The record was changed by someone else since it was read (a save names the revision it
    /// replaces, and the record has moved on).
    #[error(
        "{entity} {key} was changed by someone else since it was read; read it again and redo the change"
    )]
    Stale {
        /// The kind of record, e.g. `service plan`.
        entity: &'static str,
        /// Its key.
        key: String,
    },
    /// The database refused a row for breaking a constraint other than uniqueness: a reference to
    /// a record that does not exist, or a check such as "a span ends on or after its start".
    #[error("{table}: {detail}")]
    Constraint {
        /// The table.
        table: &'static str,
        /// The database's description of the broken constraint.
        detail: String,
    },
    /// A value read from the database does not parse as the domain type it stands for.
    #[error("invalid value in {table}.{column}: {value:?}: {reason}")]
    Invalid {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The value found.
        value: String,
        /// Why it is not valid.
        reason: String,
    },
    /// The database failed or could not be reached.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A schema migration could not be applied, or the database's schema is not one this build
    /// knows.
    #[error("migration {version}: {reason}")]
    Migration {
        /// The migration version concerned.
        version: i64,
        /// What went wrong.
        reason: String,
    },
}

impl StoreError {
    /// Classifies a database error raised while writing to `table`: unique violations become
    /// [`StoreError::Conflict`], other constraint violations [`StoreError::Constraint`].
    pub(crate) fn from_write(table: &'static str, e: sqlx::Error) -> StoreError {
        use sqlx::error::ErrorKind;
        let sqlx::Error::Database(db) = &e else {
            return StoreError::Database(e);
        };
        // PostgreSQL says which key ("Key (member_id)=(M1) already exists."); SQLite names the
        // columns in its message.
        let detail = db
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .and_then(|pg| pg.detail().map(str::to_owned))
            .unwrap_or_else(|| db.message().to_owned());
        match db.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict { table, key: detail },
            ErrorKind::ForeignKeyViolation
            | ErrorKind::CheckViolation
            | ErrorKind::NotNullViolation => StoreError::Constraint {
                table,
                detail: format!("{}{}", db.message(), extra(&detail, db.message())),
            },
            _ => StoreError::Database(e),
        }
    }
}

fn extra(detail: &str, message: &str) -> String {
    if detail == message {
        String::new()
    } else {
        format!(" ({detail})")
    }
}

impl From<&StoreError> for ErrorCode {
    fn from(e: &StoreError) -> ErrorCode {
        match e {
            StoreError::Url { .. } => ErrorCode::InvalidConfiguration,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Conflict { .. } | StoreError::Stale { .. } => ErrorCode::Conflict,
            StoreError::Constraint { .. } => ErrorCode::InvalidInput,
            StoreError::Invalid { .. } => ErrorCode::Internal,
            StoreError::Database(_) | StoreError::Migration { .. } => ErrorCode::Storage,
        }
    }
}
