//! Multi-row `INSERT … VALUES (…), (…)` in chunks that respect each backend's limit on bind
//! parameters. One statement per chunk; every full chunk has the same text, so the prepared
//! statement is reused.
//!
//! Chunk sizes differ by backend (see [`Backend::bulk_params`]). On SQLite a `$N` parameter is a
//! *named* parameter, found by a linear scan of every name, so binding a statement cost the square
//! of its parameter count and statements had to stay near 250 parameters; bulk inserts therefore
//! use anonymous `?` parameters there, bound by position, and carry 2,048 (adjudication went from
//! about 7,500 to 13,000 claims/s). PostgreSQL gains from large statements (fewer round trips).

use sqlx::AnyConnection;

use crate::StoreError;
use crate::codec::{Value, bind_all};
use crate::url::Backend;

/// At most this many rows per statement, whatever the parameter limit allows: larger statements
/// stop paying off and cost memory.
const MAX_ROWS: usize = 1_000;

/// Inserts `rows` (each with one value per column, in column order) into `table`. A database error
/// is classified with [`StoreError::from_write`].
pub(crate) async fn insert_rows(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &'static str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let per_chunk = (backend.bulk_params() / columns.len()).clamp(1, MAX_ROWS);
    let mut full_sql: Option<String> = None;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = rows.by_ref().take(per_chunk).collect();
        let sql = if chunk.len() == per_chunk {
            full_sql
                .get_or_insert_with(|| insert_sql(backend, table, columns, per_chunk))
                .clone()
        } else {
            insert_sql(backend, table, columns, chunk.len())
        };
        let q = bind_all(sqlx::query(&sql), chunk.into_iter().flatten());
        q.execute(&mut *conn)
            .await
            .map_err(|e| StoreError::from_write(table, e))?;
    }
    Ok(())
}

/// `n` parameter placeholders, numbered from `first` (`$3, $4`), or on SQLite anonymous (`?, ?`)
/// and bound by position (see [`insert_sql`]); the caller binds in the same order.
pub(crate) fn placeholders(backend: Backend, first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| match backend {
            Backend::Sqlite => "?".to_owned(),
            Backend::Postgres => format!("${i}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)` for `n` rows; on SQLite with anonymous `?`
/// parameters, which it binds by position (a `$N` is a *named* parameter there, looked up by a
/// scan of every name, so binding a statement cost the square of its parameter count).
fn insert_sql(backend: Backend, table: &str, columns: &[&str], n: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut p = 0;
    for r in 0..n {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            p += 1;
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&p.to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_across_rows() {
        use crate::url::Backend;
        assert_eq!(
            super::insert_sql(Backend::Postgres, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
        assert_eq!(
            super::insert_sql(Backend::Sqlite, "t", &["a", "b"], 2),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(super::placeholders(Backend::Postgres, 2, 3), "$2, $3, $4");
        assert_eq!(super::placeholders(Backend::Sqlite, 2, 3), "?, ?, ?");
    }
}
