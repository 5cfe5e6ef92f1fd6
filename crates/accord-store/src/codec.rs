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
use crate::dictionary::Dictionary;

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

/// A long text compressed for storage: a four-byte little-endian header, then an LZ4 block of its
/// UTF-8 bytes. The header is the text's length; with its top bit set (decision 0038), the next
/// seven bits number the [`Dictionary`] the block was compressed against and the low 24 bits are
/// the length. No text stored before dictionaries had that bit set: it would have been 2 GiB long.
pub(crate) fn pack(text: &str) -> Vec<u8> {
    lz4_flex::compress_prepend_size(text.as_bytes())
}

/// The header bit that says a dictionary was used.
const WITH_DICTIONARY: u32 = 1 << 31;

/// Texts from this length on are packed without a dictionary (the header has 24 bits for it).
const DICTIONARY_MAX_LEN: usize = 1 << 24;

/// The length's bits in a header with [`WITH_DICTIONARY`] set.
const DICTIONARY_LEN_BITS: u32 = (1 << 24) - 1;

/// [`pack`] against `dictionary`: the same text in far fewer bytes when it resembles the
/// dictionary's sample (a claim's JSON, a decision's, a trace).
pub(crate) fn pack_with(dictionary: Dictionary, text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    if bytes.len() >= DICTIONARY_MAX_LEN {
        return pack(text);
    }
    // The length fits in 24 bits and the number in 7: the header keeps both.
    let header = WITH_DICTIONARY | u32::from(dictionary.number()) << 24 | bytes.len() as u32;
    // The block is made in a buffer kept by the thread, then copied into a vector of its exact
    // size: no buffer of the worst-case size zeroed, and none held while the row waits.
    SCRATCH.with_borrow_mut(|scratch| {
        let max = lz4_flex::block::get_maximum_output_size(bytes.len());
        if scratch.len() < max {
            scratch.resize(max, 0);
        }
        match lz4_flex::block::compress_into_with_dict(bytes, scratch, dictionary.bytes()) {
            Ok(n) => {
                let mut out = Vec::with_capacity(4 + n);
                out.extend_from_slice(&header.to_le_bytes());
                out.extend_from_slice(&scratch[..n]);
                out
            }
            // Cannot happen (the buffer has the block's maximum size); packed plainly all the same.
            Err(_) => pack(text),
        }
    })
}

thread_local! {
    /// [`pack_with`]'s working buffer.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
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
    let header = bytes
        .first_chunk::<4>()
        .map(|h| u32::from_le_bytes(*h))
        .ok_or_else(|| {
            invalid(format!(
                "{} bytes are too few for a packed text",
                bytes.len()
            ))
        })?;
    let raw = if header & WITH_DICTIONARY == 0 {
        lz4_flex::decompress_size_prepended(bytes)
    } else {
        let number = ((header >> 24) & 0x7f) as u8;
        let dictionary = Dictionary::numbered(number).ok_or_else(|| {
            invalid(format!(
                "packed against dictionary {number}, which is unknown"
            ))
        })?;
        let len = (header & DICTIONARY_LEN_BITS) as usize;
        lz4_flex::block::decompress_with_dict(&bytes[4..], len, dictionary.bytes())
    }
    .map_err(|e| invalid(e.to_string()))?;
    String::from_utf8(raw).map_err(|e| invalid(e.to_string()))
}

/// Binds values in order onto a query.
pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    values: impl IntoIterator<Item = Value>,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for v in values {
        q = match v {
            Value::Text(Some(t)) => q.bind(Moved::Text(t)),
            Value::Text(None) => q.bind(Option::<String>::None),
            Value::Int(i) => q.bind(i),
            Value::Blob(b) => q.bind(Moved::Blob(b)),
            Value::NullBlob => q.bind(Option::<Vec<u8>>::None),
        };
    }
    q
}

/// A text or blob handed to the driver by value. sqlx's `Any` encodes a `String` or `Vec<u8>` by
/// reference, copying it, even when it is given away; bulk inserts bind every row's texts once, so
/// this moves them instead (decision 0039).
enum Moved {
    Text(String),
    Blob(Vec<u8>),
}

impl Moved {
    fn kind(self) -> sqlx_core::any::AnyValueKind<'static> {
        use std::borrow::Cow;
        match self {
            Moved::Text(t) => sqlx_core::any::AnyValueKind::Text(Cow::Owned(t)),
            Moved::Blob(b) => sqlx_core::any::AnyValueKind::Blob(Cow::Owned(b)),
        }
    }
}

impl sqlx::Type<sqlx::Any> for Moved {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }

    /// A text is bound as text and a blob as a blob, whichever [`Moved::type_info`] names.
    fn compatible(_: &sqlx::any::AnyTypeInfo) -> bool {
        true
    }
}

impl<'q> sqlx::Encode<'q, sqlx::Any> for Moved {
    fn encode(
        self,
        buf: &mut sqlx_core::any::AnyArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        buf.0.push(self.kind());
        Ok(sqlx::encode::IsNull::No)
    }

    fn encode_by_ref(
        &self,
        buf: &mut sqlx_core::any::AnyArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        let copy = match self {
            Moved::Text(t) => Moved::Text(t.clone()),
            Moved::Blob(b) => Moved::Blob(b.clone()),
        };
        buf.0.push(copy.kind());
        Ok(sqlx::encode::IsNull::No)
    }

    fn produces(&self) -> Option<sqlx::any::AnyTypeInfo> {
        Some(match self {
            Moved::Text(_) => <String as sqlx::Type<sqlx::Any>>::type_info(),
            Moved::Blob(_) => <Vec<u8> as sqlx::Type<sqlx::Any>>::type_info(),
        })
    }
}

/// A JSON text as written from migration 0016 on: the plain column empty (`''`, so `IS NOT NULL`
/// still tells a claim with engine JSON) and the text LZ4-packed beside it, against `dictionary`;
/// `None` is NULL in both.
pub(crate) fn packed_pair(dictionary: Dictionary, text: Option<&str>) -> (Value, Value) {
    match text {
        Some(t) => (Value::text(""), Value::Blob(pack_with(dictionary, t))),
        None => (Value::Text(None), Value::NullBlob),
    }
}

/// Money as stored: the exact decimal, scale kept (`80.50` stays `80.50`).
pub(crate) fn money_text(m: Money) -> String {
    m.exact_string()
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

    fn unpacked(bytes: &[u8]) -> Result<String, StoreError> {
        unpack("t", "c", "row 1", bytes)
    }

    /// A trace like the dictionary's sample packs to a fraction of its plain packing.
    #[test]
    fn a_text_like_its_dictionary_packs_small_and_back() {
        let sample = std::str::from_utf8(Dictionary::Trace.bytes()).unwrap();
        let text = sample
            .replace("2026-09-11", "2026-10-02")
            .replace("150", "175");
        let packed = pack_with(Dictionary::Trace, &text);
        assert!(
            packed.len() * 4 < pack(&text).len(),
            "{} bytes with the dictionary, {} without",
            packed.len(),
            pack(&text).len()
        );
        assert_eq!(unpacked(&packed).unwrap(), text);
    }

    /// Texts packed before dictionaries (no flag in the header) still read back.
    #[test]
    fn a_text_packed_without_a_dictionary_still_reads_back() {
        let text = r#"{"tracking":"T1","paid":"19.00"}"#;
        assert_eq!(unpacked(&pack(text)).unwrap(), text);
    }

    #[test]
    fn a_header_naming_an_unknown_dictionary_is_an_error_naming_the_row() {
        let mut packed = pack_with(Dictionary::Claim, "{}");
        packed[3] = 0x80 | 0x7f;
        let err = unpacked(&packed).unwrap_err().to_string();
        assert!(
            err.contains("dictionary 127") && err.contains("row 1"),
            "{err}"
        );
    }

    #[test]
    fn too_few_bytes_are_an_error() {
        let err = unpacked(&[1, 2]).unwrap_err().to_string();
        assert!(err.contains("too few"), "{err}");
    }

    proptest::proptest! {
        /// Any text survives packing against any dictionary, and without one.
        #[test]
        fn any_text_round_trips(text in ".{0,3000}", which in 0usize..3) {
            let dictionary = Dictionary::ALL[which];
            proptest::prop_assert_eq!(unpacked(&pack_with(dictionary, &text)).unwrap(), text.clone());
            proptest::prop_assert_eq!(unpacked(&pack(&text)).unwrap(), text);
        }

        /// Damaged bytes are an error or some text, never a panic.
        #[test]
        fn any_bytes_unpack_without_panicking(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let _ = unpacked(&bytes);
        }
    }
}
