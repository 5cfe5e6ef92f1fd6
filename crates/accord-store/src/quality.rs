//! Paid claims as the quality measures read them (QM-01; migration 0014, decision 0031).
//!
//! The measures need a handful of texts per claim: member, kind, NPIs, places of service, bill
//! type, dates, diagnoses and per line procedure, revenue code, dates, rendering NPI and place of
//! service. Reading them from the claim's JSON meant about 1 KB per claim through the database
//! driver and a JSON decode each; at ten million lines that was over two minutes. So every claim
//! stored with its engine JSON also gets a row in `quality_claims`: the tracking number, a `paid`
//! flag and a compact text record of exactly those fields ([`PaidClaim`], encoded by
//! [`encode`]). The record is written with the claim (a claim never changes after receipt:
//! corrections and voids are claims of their own), and the flag with the decision: every store
//! method that writes or changes a decision's status ([`UnitOfWork::insert_decisions`],
//! `save_decisions`, `mark_superseded`) sets it in the same transaction, so the flag is 1 exactly
//! when the claim's current decision is `processed_primary` or `processed_secondary` — the filter
//! [`Store::paid_claims_after`] applies to the JSON. CLM-10 leaves the original of a corrected or
//! void claim with its paid decision (the new claim's decision carries the reversal), so the
//! service also names the originals reversed ([`UnitOfWork::mark_reversed`], in the unit of work
//! that saves the reversing decision) and the read skips them: a voided claim leaves the read, a
//! corrected one is read once (the correction), a superseded one (replaced before it was paid)
//! was never paid. The JSON read (`paid_claims_after`) does not know about reversals.
//!
//! The read ([`Store::paid_claims_page`]) concatenates a page of records into one text in the
//! database (`group_concat` / `string_agg`), so a page of 20,000 claims is one row through the
//! driver, parsed here by hand. Members are read the same way ([`Store::member_birth_dates`]).
//!
//! A stored claim whose JSON does not give these fields (which intake never stores) gets a record
//! that names the problem, and reading it while the claim is paid is [`StoreError::Invalid`]
//! naming the claim, as decoding its JSON was. Databases made before migration 0014 are filled
//! from the stored claims when the migration runs (`backfill`), in its transaction: records
//! from the claims' JSON, the flag from the decisions' status, and the reversals from the
//! decisions that carry one (the only place the store reads a decision's JSON).
//!
//! Format of a record: fields separated by U+001F, header then one part per line, parts separated
//! by U+001E; records of a page separated by U+001D. Header: member, kind (`P`/`I`), billing,
//! rendering, attending, place of service, bill type, admission, discharge, statement from,
//! statement to, diagnoses (separated by U+001C). Line: procedure, revenue code, from, to,
//! rendering, place of service. An absent value is empty; a present text is escaped (`%`, control
//! characters as `%XX`) and an empty one is written `%`. Dates are ISO-8601.

use std::borrow::Cow;

use accord_core::Date;
use serde::Deserialize;
use sqlx::AnyConnection;

use crate::codec::{Cols, Value};
use crate::store::{Store, UnitOfWork};
use crate::url::Backend;
use crate::{StoreError, bulk};

pub(crate) const TABLE: &str = "quality_claims";
pub(crate) const COLUMNS: &[&str] = &["tracking", "paid", "record"];
/// The position of `paid` in [`COLUMNS`].
pub(crate) const PAID_COLUMN: usize = 1;
/// The decision statuses of a paid claim (the filter of [`Store::paid_claims_after`]).
pub(crate) const PAID_STATUSES: &[&str] = &["processed_primary", "processed_secondary"];

const CLAIM_SEP: char = '\u{1d}';
const PART_SEP: char = '\u{1e}';
const FIELD_SEP: char = '\u{1f}';
const LIST_SEP: char = '\u{1c}';
/// A record that is not a claim: the reason follows.
const BROKEN: char = '!';

/// Professional (837P) or institutional (837I), as the engine's claim JSON spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaidClaimKind {
    /// 837P.
    Professional,
    /// 837I.
    Institutional,
}

/// A stored claim, as far as the quality measures need it: the texts the engine claim's JSON
/// holds (each value's canonical text, validated at intake). Unknown JSON fields are skipped.
///
/// The texts are `S`: owned (`String`, the default, as decoded from JSON or by [`decode`]) or
/// borrowed from a page of records ([`PaidClaimRef`], from [`QualityPage::claims`]), so the
/// report reads ten million lines without a `String` per field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaidClaim<S = String> {
    /// Professional or institutional.
    pub kind: PaidClaimKind,
    /// Member ID.
    pub member_id: S,
    /// Billing NPI.
    pub billing_npi: S,
    /// Claim-level rendering NPI.
    #[serde(default)]
    pub rendering_npi: Option<S>,
    /// Attending NPI (837I).
    #[serde(default)]
    pub attending_npi: Option<S>,
    /// Claim-level place of service.
    #[serde(default)]
    pub place_of_service: Option<S>,
    /// Type of bill (837I).
    #[serde(default)]
    pub bill_type: Option<S>,
    /// Admission date (837I).
    #[serde(default)]
    pub admission_date: Option<Date>,
    /// Discharge date (837I).
    #[serde(default)]
    pub discharge_date: Option<Date>,
    /// Statement period start (837I).
    #[serde(default)]
    pub statement_from: Option<Date>,
    /// Statement period end (837I).
    #[serde(default)]
    pub statement_to: Option<Date>,
    /// ICD-10-CM diagnoses, principal first.
    #[serde(default)]
    pub diagnoses: Vec<S>,
    /// Service lines.
    pub lines: Vec<PaidLine<S>>,
}

/// A service line of [`PaidClaim`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PaidLine<S = String> {
    /// HCPCS/CPT code.
    pub procedure: S,
    /// Revenue code (837I).
    #[serde(default)]
    pub revenue_code: Option<S>,
    /// First date of service.
    pub service_from: Date,
    /// Last date of service, when a range.
    #[serde(default)]
    pub service_to: Option<Date>,
    /// The line's rendering NPI.
    #[serde(default)]
    pub rendering_npi: Option<S>,
    /// The line's place of service.
    #[serde(default)]
    pub place_of_service: Option<S>,
}

/// A [`PaidClaim`] whose texts borrow a page's text (unescaped into a `String` only where the
/// record escaped them).
pub type PaidClaimRef<'p> = PaidClaim<Cow<'p, str>>;

impl<S: AsRef<str>> PaidClaim<S> {
    /// The line's rendering provider: the line's, else the claim's, else the attending, else the
    /// billing provider (as the engine claim's `rendering_for`).
    pub fn rendering_for<'c>(&'c self, line: &'c PaidLine<S>) -> &'c str {
        line.rendering_npi
            .as_ref()
            .or(self.rendering_npi.as_ref())
            .or(self.attending_npi.as_ref())
            .unwrap_or(&self.billing_npi)
            .as_ref()
    }

    /// The line's place of service, else the claim's (as the engine claim's `place_for`).
    pub fn place_for<'c>(&'c self, line: &'c PaidLine<S>) -> Option<&'c str> {
        line.place_of_service
            .as_ref()
            .or(self.place_of_service.as_ref())
            .map(AsRef::as_ref)
    }
}

impl PaidClaimRef<'_> {
    /// The same claim with texts of its own.
    pub fn into_owned(self) -> PaidClaim {
        let own = |s: Cow<'_, str>| s.into_owned();
        PaidClaim {
            kind: self.kind,
            member_id: own(self.member_id),
            billing_npi: own(self.billing_npi),
            rendering_npi: self.rendering_npi.map(own),
            attending_npi: self.attending_npi.map(own),
            place_of_service: self.place_of_service.map(own),
            bill_type: self.bill_type.map(own),
            admission_date: self.admission_date,
            discharge_date: self.discharge_date,
            statement_from: self.statement_from,
            statement_to: self.statement_to,
            diagnoses: self.diagnoses.into_iter().map(own).collect(),
            lines: self
                .lines
                .into_iter()
                .map(|l| PaidLine {
                    procedure: own(l.procedure),
                    revenue_code: l.revenue_code.map(own),
                    service_from: l.service_from,
                    service_to: l.service_to,
                    rendering_npi: l.rendering_npi.map(own),
                    place_of_service: l.place_of_service.map(own),
                })
                .collect(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

fn put_text(out: &mut String, s: &str) {
    if s.is_empty() {
        out.push('%');
        return;
    }
    for c in s.chars() {
        if c == '%' || u32::from(c) < 0x20 {
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
}

fn put_opt(out: &mut String, s: Option<&str>) {
    if let Some(s) = s {
        put_text(out, s);
    }
}

fn put_date(out: &mut String, d: Option<Date>) {
    if let Some(d) = d {
        out.push_str(&d.to_string());
    }
}

/// The compact record of a claim (see the module header).
pub fn encode_claim<S: AsRef<str>>(c: &PaidClaim<S>) -> String {
    let mut out = String::with_capacity(64 + 48 * c.lines.len());
    put_text(&mut out, c.member_id.as_ref());
    out.push(FIELD_SEP);
    out.push(match c.kind {
        PaidClaimKind::Professional => 'P',
        PaidClaimKind::Institutional => 'I',
    });
    out.push(FIELD_SEP);
    put_text(&mut out, c.billing_npi.as_ref());
    for o in [
        &c.rendering_npi,
        &c.attending_npi,
        &c.place_of_service,
        &c.bill_type,
    ] {
        out.push(FIELD_SEP);
        put_opt(&mut out, o.as_ref().map(AsRef::as_ref));
    }
    for d in [
        c.admission_date,
        c.discharge_date,
        c.statement_from,
        c.statement_to,
    ] {
        out.push(FIELD_SEP);
        put_date(&mut out, d);
    }
    out.push(FIELD_SEP);
    for (i, dx) in c.diagnoses.iter().enumerate() {
        if i > 0 {
            out.push(LIST_SEP);
        }
        put_text(&mut out, dx.as_ref());
    }
    for l in &c.lines {
        out.push(PART_SEP);
        put_text(&mut out, l.procedure.as_ref());
        out.push(FIELD_SEP);
        put_opt(&mut out, l.revenue_code.as_ref().map(AsRef::as_ref));
        out.push(FIELD_SEP);
        put_date(&mut out, Some(l.service_from));
        out.push(FIELD_SEP);
        put_date(&mut out, l.service_to);
        out.push(FIELD_SEP);
        put_opt(&mut out, l.rendering_npi.as_ref().map(AsRef::as_ref));
        out.push(FIELD_SEP);
        put_opt(&mut out, l.place_of_service.as_ref().map(AsRef::as_ref));
    }
    out
}

/// The record stored for a claim's JSON: its compact record, or, when the JSON does not give the
/// fields (never for a claim intake stored), `!` and the reason.
pub fn encode(claim_json: &str) -> String {
    match serde_json::from_str::<PaidClaim>(claim_json) {
        Ok(c) => encode_claim(&c),
        Err(e) => {
            let reason: String = e
                .to_string()
                .chars()
                .map(|c| if u32::from(c) < 0x20 { '?' } else { c })
                .collect();
            format!("{BROKEN}{reason}")
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

fn unescape(s: &str) -> Result<Cow<'_, str>, String> {
    if !s.contains('%') {
        return Ok(Cow::Borrowed(s));
    }
    if s == "%" {
        return Ok(Cow::Borrowed(""));
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let hex = rest
            .get(i + 1..i + 3)
            .ok_or_else(|| format!("bad escape in {s:?}"))?;
        let n = u32::from_str_radix(hex, 16).map_err(|_| format!("bad escape in {s:?}"))?;
        out.push(char::from_u32(n).ok_or_else(|| format!("bad escape in {s:?}"))?);
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

fn text<'p>(s: &'p str, what: &str) -> Result<Cow<'p, str>, String> {
    if s.is_empty() {
        return Err(format!("{what} is missing"));
    }
    unescape(s)
}

fn opt(s: &str) -> Result<Option<Cow<'_, str>>, String> {
    if s.is_empty() {
        Ok(None)
    } else {
        unescape(s).map(Some)
    }
}

/// `YYYY-MM-DD` read by hand (the common case), else by jiff.
fn date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0'))
        })
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
        && let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d))
        && let Ok(date) = Date::new(y, m, d)
    {
        return Ok(date);
    }
    s.parse::<Date>()
        .map_err(|e| format!("bad date {s:?}: {e}"))
}

fn opt_date(s: &str) -> Result<Option<Date>, String> {
    if s.is_empty() {
        Ok(None)
    } else {
        date(s).map(Some)
    }
}

fn fields<'a, const N: usize>(part: &'a str, what: &str) -> Result<[&'a str; N], String> {
    let mut out = [""; N];
    let mut it = part.split(FIELD_SEP);
    for slot in &mut out {
        *slot = it
            .next()
            .ok_or_else(|| format!("{what} has fewer than {N} fields"))?;
    }
    if it.next().is_some() {
        return Err(format!("{what} has more than {N} fields"));
    }
    Ok(out)
}

/// Reads a compact record back (the reverse of [`encode_claim`]); the error says what is wrong.
pub fn decode(record: &str) -> Result<PaidClaim, String> {
    decode_in_place(record).map(PaidClaimRef::into_owned)
}

/// [`decode`], the texts borrowing `record`.
pub fn decode_in_place(record: &str) -> Result<PaidClaimRef<'_>, String> {
    if let Some(reason) = record.strip_prefix(BROKEN) {
        return Err(format!(
            "the stored claim does not give the measures' fields: {reason}"
        ));
    }
    let mut parts = record.split(PART_SEP);
    let head = parts.next().unwrap_or_default();
    let [
        member,
        kind,
        billing,
        rendering,
        attending,
        pos,
        bill_type,
        adm,
        dis,
        sfrom,
        sto,
        dx,
    ] = fields::<12>(head, "the claim")?;
    let kind = match kind {
        "P" => PaidClaimKind::Professional,
        "I" => PaidClaimKind::Institutional,
        other => return Err(format!("unknown claim kind {other:?}")),
    };
    let diagnoses = if dx.is_empty() {
        Vec::new()
    } else {
        dx.split(LIST_SEP)
            .map(|d| text(d, "a diagnosis"))
            .collect::<Result<_, _>>()?
    };
    let lines = parts
        .map(|p| {
            let [procedure, revenue, from, to, rendering, pos] = fields::<6>(p, "a line")?;
            Ok(PaidLine {
                procedure: text(procedure, "a line's procedure")?,
                revenue_code: opt(revenue)?,
                service_from: date(from)?,
                service_to: opt_date(to)?,
                rendering_npi: opt(rendering)?,
                place_of_service: opt(pos)?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(PaidClaim {
        kind,
        member_id: text(member, "the member")?,
        billing_npi: text(billing, "the billing NPI")?,
        rendering_npi: opt(rendering)?,
        attending_npi: opt(attending)?,
        place_of_service: opt(pos)?,
        bill_type: opt(bill_type)?,
        admission_date: opt_date(adm)?,
        discharge_date: opt_date(dis)?,
        statement_from: opt_date(sfrom)?,
        statement_to: opt_date(sto)?,
        diagnoses,
        lines,
    })
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// The `quality_claims` rows of claims received (those with engine JSON), not paid yet: each
/// claim's compact record, as given, or else encoded from its JSON.
pub(crate) fn rows_of<'c>(
    claims: impl Iterator<Item = (&'c str, &'c str, Option<&'c str>)>,
) -> Vec<Vec<Value>> {
    claims
        .map(|(tracking, json, record)| {
            let record = record.map_or_else(|| encode(json), str::to_owned);
            vec![Value::text(tracking), Value::int(0), Value::text(record)]
        })
        .collect()
}

pub(crate) async fn insert(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: Vec<Vec<Value>>,
) -> Result<(), StoreError> {
    bulk::insert_rows(conn, backend, TABLE, COLUMNS, rows).await
}

/// Sets the `paid` flag of the claims `trackings` (a claim with no row, received without engine
/// JSON, is left alone).
pub(crate) async fn set_paid<'k>(
    conn: &mut AnyConnection,
    backend: Backend,
    trackings: impl Iterator<Item = &'k str>,
    paid: bool,
) -> Result<(), StoreError> {
    let keys: Vec<&str> = trackings.collect();
    for chunk in keys.chunks(500) {
        let sql = format!(
            "UPDATE {TABLE} SET paid = {} WHERE tracking IN ({})",
            i64::from(paid),
            bulk::placeholders(backend, 1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for k in chunk {
            q = q.bind(*k);
        }
        q.execute(&mut *conn)
            .await
            .map_err(|e| StoreError::from_write(TABLE, e))?;
    }
    Ok(())
}

/// Whether a decision status is a paid one.
pub(crate) fn is_paid(status: &str) -> bool {
    PAID_STATUSES.contains(&status)
}

fn paid_list() -> String {
    PAID_STATUSES
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The part of a decision's JSON that names the claim it reverses (CLM-10), read only by
/// [`backfill`].
#[derive(Deserialize)]
struct Reverses {
    #[serde(default)]
    reversal: Option<ReversalRef>,
}

#[derive(Deserialize)]
struct ReversalRef {
    original_tracking: String,
}

/// Migration 0014 on a database that already holds claims: a record for every claim with engine
/// JSON, flagged paid when its current decision is and reversed when a later claim's decision
/// reversed it, in the migration's transaction.
pub(crate) async fn backfill(conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    // Migration 0014 runs before 0016 packs the JSON texts; a database whose 0014 is applied again
    // (a repair) may hold both forms.
    let packed = has_column(conn, backend, "claims", "claim_packed").await?;
    let claim_cols = if packed {
        "claim, claim_packed"
    } else {
        "claim"
    };
    let mut after = String::new();
    loop {
        let page = sqlx::query(&format!(
            "SELECT tracking, {claim_cols} FROM claims WHERE tracking > $1 AND claim IS NOT NULL \
             ORDER BY tracking LIMIT 2000"
        ))
        .bind(after.as_str())
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = page.last() else { break };
        after = Cols {
            row: last,
            table: "claims",
        }
        .text("tracking")?;
        let mut claims = Vec::with_capacity(page.len());
        for row in &page {
            let c = Cols {
                row,
                table: "claims",
            };
            let tracking = c.text("tracking")?;
            let claim = if packed {
                crate::claims::claim_json(&c, &tracking)?
            } else {
                c.text("claim")?
            };
            claims.push((tracking, claim));
        }
        let rows = rows_of(claims.iter().map(|(t, j)| (t.as_str(), j.as_str(), None)));
        insert(conn, backend, rows).await?;
    }
    sqlx::query(&format!(
        "UPDATE {TABLE} SET paid = 1 WHERE tracking IN \
         (SELECT tracking FROM decisions WHERE status IN ({}))",
        paid_list()
    ))
    .execute(&mut *conn)
    .await
    .map_err(|e| StoreError::from_write(TABLE, e))?;
    // Only decisions of corrected and void claims name an original; the text filter keeps the
    // others on the database side.
    let rows = if packed {
        // A packed decision cannot be filtered by its text: every one is read.
        sqlx::query(
            "SELECT tracking, decision, decision_packed FROM decisions \
             WHERE decision LIKE '%original_tracking%' OR decision_packed IS NOT NULL \
             ORDER BY tracking",
        )
    } else {
        sqlx::query(
            "SELECT tracking, decision FROM decisions WHERE decision LIKE '%original_tracking%' \
             ORDER BY tracking",
        )
    }
    .fetch_all(&mut *conn)
    .await?;
    let mut reversals = Vec::new();
    for row in &rows {
        let c = Cols {
            row,
            table: "decisions",
        };
        let by = c.text("tracking")?;
        let text = if packed {
            c.packed_text("decision", "decision_packed", &by)?
                .unwrap_or_default()
        } else {
            c.text("decision")?
        };
        if !text.contains("original_tracking") {
            continue;
        }
        let r: Reverses = serde_json::from_str(&text).map_err(|e| StoreError::Invalid {
            table: "decisions",
            column: "decision",
            value: by.clone(),
            reason: e.to_string(),
        })?;
        if let Some(r) = r.reversal {
            reversals.push((r.original_tracking, by));
        }
    }
    set_reversed(conn, &reversals).await
}

/// Whether `table` has `column` (the schema as the migrations so far left it).
async fn has_column(
    conn: &mut AnyConnection,
    backend: Backend,
    table: &str,
    column: &str,
) -> Result<bool, StoreError> {
    let sql = match backend {
        Backend::Sqlite => "SELECT COUNT(*) AS n FROM pragma_table_info($1) WHERE name = $2",
        Backend::Postgres => {
            "SELECT COUNT(*) AS n FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2"
        }
    };
    use sqlx::Row as _;
    let n: i64 = sqlx::query(sql)
        .bind(table)
        .bind(column)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    Ok(n > 0)
}

/// Records `(original, by)`: claim `original` was reversed by claim `by`'s decision. A decision
/// that reverses its own claim's earlier payment (a remitted claim decided again) is no reversal
/// of another claim and is skipped.
async fn set_reversed(
    conn: &mut AnyConnection,
    reversals: &[(String, String)],
) -> Result<(), StoreError> {
    for (original, by) in reversals.iter().filter(|(o, b)| o != b) {
        sqlx::query(&format!(
            "UPDATE {TABLE} SET reversed_by = $1 WHERE tracking = $2"
        ))
        .bind(by.as_str())
        .bind(original.as_str())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::from_write(TABLE, e))?;
    }
    Ok(())
}

impl UnitOfWork {
    /// CLM-10: claim `original` was reversed by the decision on claim `by` (a corrected or void
    /// claim), saved in this unit of work: `(original, by)` pairs. The original keeps its paid
    /// decision, but the quality measures no longer read it. A pair naming the same claim twice
    /// (a remitted claim decided again reverses its own payment) is skipped.
    pub async fn mark_reversed(
        &mut self,
        reversals: &[(String, String)],
    ) -> Result<(), StoreError> {
        set_reversed(&mut self.tx, reversals).await
    }

    /// Sets the quality read's `paid` flag from each decision's status (called wherever a
    /// decision is written or its status changes).
    pub(crate) async fn flag_paid_claims<'k>(
        &mut self,
        decisions: impl Iterator<Item = (&'k str, bool)>,
    ) -> Result<(), StoreError> {
        let (paid, other): (Vec<_>, Vec<_>) = decisions.partition(|(_, p)| *p);
        set_paid(
            &mut self.tx,
            self.backend,
            paid.into_iter().map(|(t, _)| t),
            true,
        )
        .await?;
        set_paid(
            &mut self.tx,
            self.backend,
            other.into_iter().map(|(t, _)| t),
            false,
        )
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

impl Store {
    /// `(member ID, birth date)` of every member, by member ID: what the quality measures read
    /// about members, all in one row through the driver.
    pub async fn member_birth_dates(&self) -> Result<Vec<(String, Date)>, StoreError> {
        // One statement, one row: on SQLite the key's index gives the order; on PostgreSQL one
        // sort at most (paging it, a planner without statistics sorted the table for each page).
        let sql = match self.backend {
            Backend::Sqlite => {
                "SELECT group_concat(member_id || char(31) || birth_date, char(30)) AS page \
                 FROM (SELECT member_id, birth_date FROM members ORDER BY member_id) m"
            }
            Backend::Postgres => {
                "SELECT string_agg(member_id || chr(31) || birth_date, chr(30) ORDER BY member_id) \
                 AS page FROM members"
            }
        };
        let row = sqlx::query(sql).fetch_one(&self.pool).await?;
        let c = Cols {
            row: &row,
            table: "members",
        };
        let Some(page) = c.opt_text("page")? else {
            return Ok(Vec::new());
        };
        let mut out: Vec<(String, Date)> = Vec::new();
        for m in page.split(PART_SEP) {
            let (id, birth) = m.split_once(FIELD_SEP).unwrap_or((m, ""));
            let birth = date(birth).map_err(|reason| StoreError::Invalid {
                table: "members",
                column: "birth_date",
                value: format!("{id}: {birth}"),
                reason,
            })?;
            out.push((id.to_owned(), birth));
        }
        // The order is the key's; checked, since an aggregate does not promise it.
        if !out.is_sorted_by(|a, b| a.0 < b.0) {
            out.sort_by(|a, b| a.0.cmp(&b.0));
        }
        Ok(out)
    }

    /// Claims paid as primary or secondary (their current decision) and not reversed by a
    /// corrected or void claim (CLM-10), among the next `limit` claims after tracking number
    /// `after`, by tracking number, as the quality measures read them: the last tracking number
    /// the page covered and its claims (possibly none), or `None` past the last claim. Without
    /// reversals, the same claims as [`Store::paid_claims_after`], from `quality_claims` instead
    /// of the JSON. [`Store::quality_page`] reads the same page without a `String` per field.
    pub async fn paid_claims_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Option<(String, Vec<PaidClaim>)>, StoreError> {
        let Some(page) = self.quality_page(after, limit).await? else {
            return Ok(None);
        };
        let claims = page.claims()?.into_iter().map(|(_, c)| c.into_owned());
        Ok(Some((page.last.clone(), claims.collect())))
    }

    /// The page [`Store::paid_claims_page`] reads, as the one text the database gives; its
    /// claims are decoded in place by [`QualityPage::claims`].
    pub async fn quality_page(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Option<QualityPage>, StoreError> {
        // The inner query is a bare range of the primary key (`tracking > $1 ORDER BY tracking
        // LIMIT $2`), so both planners serve it from the key's index whatever their statistics
        // say (with a filter on `paid` inside it, PostgreSQL right after a bulk load estimated a
        // handful of rows and scanned and sorted the whole table for every page); the paid,
        // unreversed claims are picked in the aggregate. Each record comes behind its tracking
        // number, so the order is checked here rather than asked of the aggregate (an `ORDER BY`
        // inside `group_concat` makes SQLite sort the page again).
        const PICK: &str = "CASE WHEN paid = 1 AND reversed_by IS NULL THEN";
        let sql = match self.backend {
            Backend::Sqlite => format!(
                "SELECT max(tracking) AS last, sum({PICK} 1 ELSE 0 END) AS n, \
                 group_concat({PICK} tracking || char(31) || record END, char(29)) AS page \
                 FROM (SELECT tracking, paid, reversed_by, record FROM quality_claims \
                 WHERE tracking > $1 ORDER BY tracking LIMIT $2) q"
            ),
            Backend::Postgres => format!(
                "SELECT max(tracking) AS last, sum({PICK} 1 ELSE 0 END) AS n, \
                 string_agg({PICK} tracking || chr(31) || record END, chr(29)) AS page \
                 FROM (SELECT tracking, paid, reversed_by, record FROM quality_claims \
                 WHERE tracking > $1 ORDER BY tracking LIMIT $2) q"
            ),
        };
        let row = sqlx::query(&sql)
            .bind(after)
            .bind(limit)
            .fetch_one(&self.pool)
            .await?;
        let c = Cols {
            row: &row,
            table: TABLE,
        };
        let Some(last) = c.opt_text("last")? else {
            return Ok(None);
        };
        // A range with no paid claim in it: an empty page, and the next one starts after it.
        let Some(text) = c.opt_text("page")? else {
            return Ok(Some(QualityPage {
                after: after.to_owned(),
                last,
                count: 0,
                text: String::new(),
            }));
        };
        let count: usize = c.small("n")?;
        Ok(Some(QualityPage {
            after: after.to_owned(),
            last,
            count,
            text,
        }))
    }
}

/// A page of the quality read ([`Store::quality_page`]): the records of its paid claims, as one
/// text.
#[derive(Debug, Clone)]
pub struct QualityPage {
    after: String,
    /// The last tracking number the page covered; the next page starts after it.
    pub last: String,
    /// How many paid claims the database counted in the page.
    count: usize,
    /// `tracking U+001F record`, separated by U+001D.
    text: String,
}

impl QualityPage {
    /// The page's claims by tracking number, their texts borrowing the page. A record that does
    /// not decode, or a page that does not hold as many as the database counted, is
    /// [`StoreError::Invalid`] naming the claim or the range.
    pub fn claims(&self) -> Result<Vec<(&str, PaidClaimRef<'_>)>, StoreError> {
        if self.count == 0 {
            return Ok(Vec::new());
        }
        let mut claims: Vec<(&str, PaidClaimRef<'_>)> = Vec::with_capacity(self.count);
        let mut in_order = true;
        for item in self.text.split(CLAIM_SEP) {
            let (tracking, record) = item.split_once(FIELD_SEP).unwrap_or(("", item));
            let claim = decode_in_place(record).map_err(|reason| StoreError::Invalid {
                table: TABLE,
                column: "record",
                value: tracking.to_owned(),
                reason,
            })?;
            in_order &= claims.last().is_none_or(|(t, _)| *t < tracking);
            claims.push((tracking, claim));
        }
        if !in_order {
            claims.sort_by(|a, b| a.0.cmp(b.0));
        }
        if claims.len() != self.count {
            return Err(StoreError::Invalid {
                table: TABLE,
                column: "record",
                value: format!("claims after {} through {}", self.after, self.last),
                reason: format!("{} records read as {}", self.count, claims.len()),
            });
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim() -> PaidClaim {
        PaidClaim {
            kind: PaidClaimKind::Institutional,
            member_id: "M1001".into(),
            billing_npi: "1234567893".into(),
            rendering_npi: None,
            attending_npi: Some("1245319599".into()),
            place_of_service: Some("21".into()),
            bill_type: Some("0111".into()),
            admission_date: Some(Date::constant(2026, 3, 1)),
            discharge_date: Some(Date::constant(2026, 3, 9)),
            statement_from: None,
            statement_to: Some(Date::constant(2026, 3, 9)),
            diagnoses: vec!["F32.1".into(), "F1020".into()],
            lines: vec![
                PaidLine {
                    procedure: "H0004".into(),
                    revenue_code: Some("0100".into()),
                    service_from: Date::constant(2026, 3, 1),
                    service_to: Some(Date::constant(2026, 3, 9)),
                    rendering_npi: Some("1679576722".into()),
                    place_of_service: None,
                },
                PaidLine {
                    procedure: "90837".into(),
                    revenue_code: None,
                    service_from: Date::constant(2026, 3, 2),
                    service_to: None,
                    rendering_npi: None,
                    place_of_service: Some("11".into()),
                },
            ],
        }
    }

    /// QM-01: the compact record gives back every field of the claim, absent values absent.
    #[test]
    fn qm_01_record_round_trips() {
        let c = claim();
        assert_eq!(decode(&encode_claim(&c)).unwrap(), c);
        let mut bare = claim();
        bare.kind = PaidClaimKind::Professional;
        bare.attending_npi = None;
        bare.bill_type = None;
        bare.diagnoses.clear();
        bare.lines.truncate(1);
        assert_eq!(decode(&encode_claim(&bare)).unwrap(), bare);
    }

    /// Texts holding the separators, `%` or nothing at all come back as they were.
    #[test]
    fn odd_texts_are_escaped() {
        let mut c = claim();
        c.bill_type = Some("01\u{1e}1%".into());
        c.place_of_service = Some(String::new());
        c.diagnoses = vec![String::new(), "F\u{1c}32".into(), "%41".into()];
        c.lines[0].procedure = "H\u{1d}0004\u{1f}".into();
        let record = encode_claim(&c);
        assert!(!record.contains(CLAIM_SEP));
        assert_eq!(decode(&record).unwrap(), c);
    }

    /// JSON that does not give the fields is stored as a reason and read as an error.
    #[test]
    fn undecodable_json_is_an_error_when_read() {
        let record = encode("{\"kind\":\"professional\"}");
        assert!(record.starts_with(BROKEN));
        let err = decode(&record).unwrap_err();
        assert!(err.contains("missing field"), "{err}");
        assert!(decode("M1\u{1f}X").is_err());
        assert!(decode(&format!("{}\u{1e}H0004", encode_claim(&claim()))).is_err());
    }

    /// QM-01: a page's claims decode in place: plain texts borrow the page, escaped ones are
    /// unescaped; out-of-order records come back by tracking number; a count the page does not
    /// hold is an error naming the range.
    #[test]
    fn qm_01_page_claims_borrow_the_page() {
        let mut odd = claim();
        odd.member_id = "M%1".into();
        let text = format!(
            "T2{FIELD_SEP}{}{CLAIM_SEP}T1{FIELD_SEP}{}",
            encode_claim(&odd),
            encode_claim(&claim())
        );
        let page = |count| QualityPage {
            after: "T0".into(),
            last: "T9".into(),
            count,
            text: text.clone(),
        };
        let full = page(2);
        let claims = full.claims().unwrap();
        let tracking: Vec<&str> = claims.iter().map(|(t, _)| *t).collect();
        assert_eq!(tracking, ["T1", "T2"]);
        assert!(matches!(claims[0].1.member_id, Cow::Borrowed("M1001")));
        assert!(matches!(
            claims[0].1.lines[0].procedure,
            Cow::Borrowed("H0004")
        ));
        assert!(matches!(&claims[1].1.member_id, Cow::Owned(m) if m == "M%1"));
        assert_eq!(claims[0].1.clone().into_owned(), claim());
        assert_eq!(claims[1].1.clone().into_owned(), odd);
        let err = page(3).claims().unwrap_err().to_string();
        assert!(err.contains("T0") && err.contains("T9"), "{err}");
        let empty = QualityPage {
            count: 0,
            text: String::new(),
            ..page(0)
        };
        assert!(empty.claims().unwrap().is_empty());
    }

    #[test]
    fn dates_read_by_hand_or_by_jiff() {
        assert_eq!(date("2026-03-01").unwrap(), Date::constant(2026, 3, 1));
        assert!(date("2026-02-30").is_err());
        assert!(date("2026-3-1").is_err());
        assert!(date("").is_err());
    }
}
