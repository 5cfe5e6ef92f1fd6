//! How domain values become column values and back. Everything that is not an integer is text:
//! dates as ISO-8601 (`2026-01-31`), timestamps as RFC 3339 UTC with nine fractional digits
//! (`2026-01-31T09:00:00.000000000Z`, so text order is time order), money as the exact decimal
//! string (`1234.50`), enums by their storage spelling. Reading a value that does not parse is
//! [`StoreError::Invalid`], naming table, column and value.

use std::str::FromStr;

use accord_core::{Date, Money, Timestamp};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;

/// One bound parameter of a runtime-built statement.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// Text, or NULL.
    Text(Option<String>),
    /// An integer, or NULL.
    Int(Option<i64>),
    /// Bytes (BLOB on SQLite, BYTEA on PostgreSQL): compressed texts ([`pack`]), decision traces
    /// and remittance files.
    Blob(Vec<u8>),
    /// A NULL of a bytes column.
    NullBlob,
}

impl Value {
    pub(crate) fn text(s: impl Into<String>) -> Value {
        Value::Text(Some(s.into()))
    }
    pub(crate) fn opt_text<T: ToString>(v: Option<T>) -> Value {
        Value::Text(v.map(|x| x.to_string()))
    }
    pub(crate) fn int(i: i64) -> Value {
        Value::Int(Some(i))
    }
    pub(crate) fn date(d: Date) -> Value {
        Value::text(d.to_string())
    }
    pub(crate) fn opt_date(d: Option<Date>) -> Value {
        Value::opt_text(d)
    }
    pub(crate) fn opt_money(m: Option<Money>) -> Value {
        Value::Text(m.map(money_text))
    }
}

/// A long text compressed for storage (a size-prefixed LZ4 block of its UTF-8 bytes).
pub(crate) fn pack(text: &str) -> Vec<u8> {
    lz4_flex::compress_prepend_size(text.as_bytes())
}

/// A text [`pack`]ed back; bytes that are not a packed text are [`StoreError::Invalid`] naming
/// the table, column and row.
pub(crate) fn unpack(
    table: &'static str,
    column: &'static str,
    row: &str,
    bytes: &[u8],
) -> Result<String, StoreError> {
    let invalid = |reason: String| StoreError::Invalid {
        table,
        column,
        value: row.to_owned(),
        reason,
    };
    let raw = lz4_flex::decompress_size_prepended(bytes).map_err(|e| invalid(e.to_string()))?;
    String::from_utf8(raw).map_err(|e| invalid(e.to_string()))
}

/// Binds values in order onto a query.
pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    values: impl IntoIterator<Item = Value>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for v in values {
        q = match v {
            Value::Text(t) => q.bind(t),
            Value::Int(i) => q.bind(i),
            Value::Blob(b) => q.bind(b),
            Value::NullBlob => q.bind(Option::<Vec<u8>>::None),
        };
    }
    q
}

/// A JSON text as written from migration 0016 on: the plain column empty (`''`, so `IS NOT NULL`
/// still tells a claim with engine JSON) and the text LZ4-packed beside it; `None` is NULL in both.
pub(crate) fn packed_pair(text: Option<&str>) -> (Value, Value) {
    match text {
        Some(t) => (Value::text(""), Value::Blob(pack(t))),
        None => (Value::Text(None), Value::NullBlob),
    }
}

/// Money as stored: the exact decimal, scale kept (`80.50` stays `80.50`).
pub(crate) fn money_text(m: Money) -> String {
    m.amount().to_string()
}

/// A timestamp as stored: UTC, nine fractional digits, `Z`.
pub(crate) fn timestamp_text(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

/// Reads typed columns from one row of `table`, turning every failure into a [`StoreError`] that
/// names the table and column.
pub(crate) struct Cols<'r> {
    pub(crate) row: &'r AnyRow,
    pub(crate) table: &'static str,
}

impl Cols<'_> {
    fn invalid(&self, column: &'static str, value: &str, reason: impl ToString) -> StoreError {
        StoreError::Invalid {
            table: self.table,
            column,
            value: value.to_owned(),
            reason: reason.to_string(),
        }
    }

    /// A JSON text kept packed (migration 0016): the text of `packed` unpacked when it is there,
    /// else the plain `text` column (rows from before the migration, and NULL for none). `key`
    /// names the row in errors.
    pub(crate) fn packed_text(
        &self,
        text: &'static str,
        packed: &'static str,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        match self.opt_blob(packed)? {
            Some(bytes) => unpack(self.table, packed, key, &bytes).map(Some),
            None => self.opt_text(text),
        }
    }

    pub(crate) fn opt_text(&self, column: &'static str) -> Result<Option<String>, StoreError> {
        self.row
            .try_get::<Option<String>, _>(column)
            .map_err(|e| self.invalid(column, "", e))
    }

    pub(crate) fn text(&self, column: &'static str) -> Result<String, StoreError> {
        self.opt_text(column)?
            .ok_or_else(|| self.invalid(column, "NULL", "must not be NULL"))
    }

    pub(crate) fn opt_blob(&self, column: &'static str) -> Result<Option<Vec<u8>>, StoreError> {
        self.row
            .try_get::<Option<Vec<u8>>, _>(column)
            .map_err(|e| self.invalid(column, "", e))
    }

    pub(crate) fn opt_int(&self, column: &'static str) -> Result<Option<i64>, StoreError> {
        self.row
            .try_get::<Option<i64>, _>(column)
            .map_err(|e| self.invalid(column, "", e))
    }

    pub(crate) fn int(&self, column: &'static str) -> Result<i64, StoreError> {
        self.opt_int(column)?
            .ok_or_else(|| self.invalid(column, "NULL", "must not be NULL"))
    }

    /// A text column parsed with `parse`, whose error is shown as the reason.
    pub(crate) fn parsed<T, E: ToString>(
        &self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, StoreError> {
        let s = self.text(column)?;
        parse(&s).map_err(|e| self.invalid(column, &s, e))
    }

    /// A nullable text column parsed with `parse`.
    pub(crate) fn opt_parsed<T, E: ToString>(
        &self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, StoreError> {
        match self.opt_text(column)? {
            None => Ok(None),
            Some(s) => parse(&s).map(Some).map_err(|e| self.invalid(column, &s, e)),
        }
    }

    /// A text column holding one of an enum's storage spellings.
    pub(crate) fn spelled<T>(
        &self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, StoreError> {
        self.parsed(column, |s| parse(s).ok_or("is not a known value"))
    }

    pub(crate) fn date(&self, column: &'static str) -> Result<Date, StoreError> {
        self.parsed(column, Date::from_str)
    }

    pub(crate) fn opt_date(&self, column: &'static str) -> Result<Option<Date>, StoreError> {
        self.opt_parsed(column, Date::from_str)
    }

    pub(crate) fn timestamp(&self, column: &'static str) -> Result<Timestamp, StoreError> {
        self.parsed(column, Timestamp::from_str)
    }

    pub(crate) fn opt_money(&self, column: &'static str) -> Result<Option<Money>, StoreError> {
        self.opt_parsed(column, |s| {
            rust_decimal::Decimal::from_str_exact(s).map(Money::new)
        })
    }

    /// A money column that must have a value (`NOT NULL` in the schema).
    pub(crate) fn money(&self, column: &'static str) -> Result<Money, StoreError> {
        self.opt_money(column)?
            .ok_or_else(|| self.invalid(column, "NULL", "a money column is NULL"))
    }

    /// An integer column that must fit the target type (e.g. `u8`).
    pub(crate) fn small<T: TryFrom<i64>>(&self, column: &'static str) -> Result<T, StoreError> {
        let i = self.int(column)?;
        T::try_from(i).map_err(|_| self.invalid(column, &i.to_string(), "out of range"))
    }

    pub(crate) fn opt_small<T: TryFrom<i64>>(
        &self,
        column: &'static str,
    ) -> Result<Option<T>, StoreError> {
        match self.opt_int(column)? {
            None => Ok(None),
            Some(i) => T::try_from(i)
                .map(Some)
                .map_err(|_| self.invalid(column, &i.to_string(), "out of range")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_fixed_width_so_text_order_is_time_order() {
        let a: Timestamp = "2026-01-31T09:00:00Z".parse().unwrap();
        let b: Timestamp = "2026-01-31T09:00:00.5Z".parse().unwrap();
        assert_eq!(timestamp_text(a), "2026-01-31T09:00:00.000000000Z");
        assert_eq!(timestamp_text(b), "2026-01-31T09:00:00.500000000Z");
        assert!(timestamp_text(a) < timestamp_text(b));
        assert_eq!(timestamp_text(b).parse::<Timestamp>().unwrap(), b);
    }

    #[test]
    fn money_keeps_its_exact_text() {
        assert_eq!(money_text(Money::from_cents(8050)), "80.50");
    }
}
