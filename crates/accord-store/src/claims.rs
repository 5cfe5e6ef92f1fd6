//! Claims received (CLM-01): the interchange they came in (recorded once per sender and ISA13, so a
//! resubmitted file creates no duplicate claims) and every claim with its tracking number, accepted
//! or rejected with its reasons. Stored before any acknowledgment is written.

use accord_core::Money;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value, money_text};
use crate::events::{CLAIM, NewEvent, action};
use crate::members::unique_in_batch;
use crate::store::{Store, UnitOfWork};
use crate::{Staged, StoreError, bulk};

const FILE_COLUMNS: &[&str] = &[
    "sender",
    "interchange_control",
    "file_name",
    "received_at",
    "claims",
];
const CLAIM_COLUMNS: &[&str] = &[
    "tracking",
    "sender",
    "interchange_control",
    "patient_control",
    "member_id",
    "billing_npi",
    "total_charge",
    "status",
    "reasons",
    "claim",
    "received_at",
    "claim_packed",
];

/// An interchange received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedFile {
    /// ISA06 (or the submitter's ID).
    pub sender: String,
    /// ISA13.
    pub interchange_control: String,
    /// The file name it arrived under.
    pub file_name: String,
    /// When it was received (RFC 3339).
    pub received_at: String,
    /// How many claims it held.
    pub claims: u64,
}

/// A claim as received: tracking number, who and what, and the intake outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredClaim {
    /// Accord's tracking number (the payer claim control number on the 277CA and 835).
    pub tracking: String,
    /// The interchange it came in.
    pub sender: String,
    /// ISA13 of that interchange.
    pub interchange_control: String,
    /// CLM01 as billed.
    pub patient_control: String,
    /// Member ID as billed, if present.
    pub member_id: Option<String>,
    /// Billing NPI as billed, if present.
    pub billing_npi: Option<String>,
    /// CLM02.
    pub total_charge: Money,
    /// `accepted` (into adjudication) or `rejected` (with reasons).
    pub status: String,
    /// Rejection reasons as JSON (an empty array when accepted).
    pub reasons: serde_json::Value,
    /// The engine's claim as JSON text, when accepted.
    pub claim: Option<String>,
    /// When it was received (RFC 3339).
    pub received_at: String,
}

fn read_file(row: &AnyRow) -> Result<ReceivedFile, StoreError> {
    let c = Cols {
        row,
        table: "received_files",
    };
    Ok(ReceivedFile {
        sender: c.text("sender")?,
        interchange_control: c.text("interchange_control")?,
        file_name: c.text("file_name")?,
        received_at: c.text("received_at")?,
        claims: c.small("claims")?,
    })
}

fn json(c: &Cols<'_>, column: &'static str, text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Invalid {
        table: c.table,
        column,
        value: text.chars().take(80).collect(),
        reason: e.to_string(),
    })
}

/// The engine JSON of a claim row that has it (`claim`, `claim_packed`).
pub(crate) fn claim_json(c: &Cols<'_>, tracking: &str) -> Result<String, StoreError> {
    claim_json_in(c, ("claim", "claim_packed"), tracking)
}

/// [`claim_json`] from columns named otherwise: `(text, packed)`.
pub(crate) fn claim_json_in(
    c: &Cols<'_>,
    (text, packed): (&'static str, &'static str),
    tracking: &str,
) -> Result<String, StoreError> {
    c.packed_text(text, packed, tracking)?
        .ok_or_else(|| StoreError::Invalid {
            table: "claims",
            column: "claim",
            value: tracking.to_owned(),
            reason: "the claim has no engine JSON".into(),
        })
}

fn read_claim(row: &AnyRow) -> Result<StoredClaim, StoreError> {
    let c = Cols {
        row,
        table: "claims",
    };
    let reasons = c.text("reasons")?;
    let tracking = c.text("tracking")?;

    Ok(StoredClaim {
        sender: c.text("sender")?,
        interchange_control: c.text("interchange_control")?,
        patient_control: c.text("patient_control")?,
        member_id: c.opt_text("member_id")?,
        billing_npi: c.opt_text("billing_npi")?,
        total_charge: c.opt_money("total_charge")?.unwrap_or(Money::ZERO),
        status: c.text("status")?,
        reasons: json(&c, "reasons", &reasons)?,
        claim: c.packed_text("claim", "claim_packed", &tracking)?,
        received_at: c.text("received_at")?,
        tracking,
    })
}

#[derive(Serialize)]
struct ReceivedEvent<'a> {
    sender: &'a str,
    interchange_control: &'a str,
    patient_control: &'a str,
    status: &'a str,
    total_charge: Money,
    reasons: &'a serde_json::Value,
}

impl UnitOfWork {
    /// CLM-01: records an interchange. A second file with the same sender and ISA13 is a
    /// [`StoreError::Conflict`]; callers check [`Store::received_file`] first to report it kindly.
    pub async fn record_received_file(&mut self, f: &ReceivedFile) -> Result<(), StoreError> {
        let row = vec![
            Value::text(f.sender.as_str()),
            Value::text(f.interchange_control.as_str()),
            Value::text(f.file_name.as_str()),
            Value::text(f.received_at.as_str()),
            Value::int(i64::try_from(f.claims).unwrap_or(i64::MAX)),
        ];
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "received_files",
            FILE_COLUMNS,
            vec![row],
        )
        .await
    }

    /// CLM-01: stores claims with their tracking numbers, one `claim_received` event each, and for
    /// each claim with engine JSON its `quality_claims` record (not paid until decided so),
    /// encoded from that JSON.
    pub async fn insert_claims(&mut self, claims: &[StoredClaim]) -> Result<(), StoreError> {
        self.insert_claims_with_records(claims, &vec![None; claims.len()])
            .await
    }

    /// [`UnitOfWork::insert_claims`], with each claim's quality record given by the caller
    /// (`records[i]` for `claims[i]`: intake encodes it from the engine claim it holds, with
    /// [`crate::quality::encode_claim`], rather than have the store decode the JSON it was just
    /// given). `None` for a claim with JSON falls back to decoding it; a record for a claim
    /// without JSON is ignored. Lengths that differ are [`StoreError::Invalid`].
    pub async fn insert_claims_with_records(
        &mut self,
        claims: &[StoredClaim],
        records: &[Option<String>],
    ) -> Result<(), StoreError> {
        let staged = stage_claims(claims, records)?;
        self.write_staged(staged).await
    }
}

/// The rows [`UnitOfWork::insert_claims_with_records`] writes, built without a unit of work (so
/// off the writer: decision 0033).
pub fn stage_claims(
    claims: &[StoredClaim],
    records: &[Option<String>],
) -> Result<Staged, StoreError> {
    if records.len() != claims.len() {
        return Err(StoreError::Invalid {
            table: "quality_claims",
            column: "record",
            value: format!("{} records", records.len()),
            reason: format!("{} claims were given", claims.len()),
        });
    }
    unique_in_batch(
        "claims",
        claims.iter().map(|c| format!("tracking={}", c.tracking)),
    )?;
    let rows = claims
        .iter()
        .map(|c| {
            // Migration 0016: the engine JSON packed (about half its size).
            let (claim, claim_packed) =
                crate::codec::packed_pair(crate::dictionary::Dictionary::Claim, c.claim.as_deref());
            vec![
                Value::text(c.tracking.as_str()),
                Value::text(c.sender.as_str()),
                Value::text(c.interchange_control.as_str()),
                Value::text(c.patient_control.as_str()),
                Value::opt_text(c.member_id.as_deref()),
                Value::opt_text(c.billing_npi.as_deref()),
                Value::text(money_text(c.total_charge)),
                Value::text(c.status.as_str()),
                Value::text(c.reasons.to_string()),
                claim,
                Value::text(c.received_at.as_str()),
                claim_packed,
            ]
        })
        .collect();
    // QM-01: the compact record the quality measures read, flagged paid with the decision.
    let quality = crate::quality::rows_of(
        claims
            .iter()
            .zip(records)
            .filter_map(|(c, r)| Some((c.tracking.as_str(), c.claim.as_deref()?, r.as_deref()))),
    );
    let events = claims
        .iter()
        .map(|c| {
            // The event is the audit line; the claim itself is in its row.
            NewEvent::of(
                CLAIM,
                c.tracking.clone(),
                action::CLAIM_RECEIVED,
                &ReceivedEvent {
                    sender: &c.sender,
                    interchange_control: &c.interchange_control,
                    patient_control: &c.patient_control,
                    status: &c.status,
                    total_charge: c.total_charge,
                    reasons: &c.reasons,
                },
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Staged {
        inserts: vec![
            ("claims", CLAIM_COLUMNS, rows),
            (crate::quality::TABLE, crate::quality::COLUMNS, quality),
        ],
        paid: Vec::new(),
        events,
    })
}

/// The interchange with a given sender ($1) and ISA13 ($2).
fn file_by_key_sql() -> String {
    format!(
        "SELECT {} FROM received_files WHERE sender = $1 AND interchange_control = $2",
        FILE_COLUMNS.join(", ")
    )
}

impl UnitOfWork {
    /// [`Store::received_file`], read inside this unit of work (so it sees what the unit of work
    /// wrote, and works on a single-connection database).
    pub async fn received_file(
        &mut self,
        sender: &str,
        control: &str,
    ) -> Result<Option<ReceivedFile>, StoreError> {
        let sql = file_by_key_sql();
        let row = sqlx::query(&sql)
            .bind(sender)
            .bind(control)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(read_file).transpose()
    }

    /// Sets how many claims an interchange held, once they are all stored (intake streams a file,
    /// so the count is known at its end).
    pub async fn set_received_file_claims(
        &mut self,
        sender: &str,
        control: &str,
        claims: u64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE received_files SET claims = $1 WHERE sender = $2 AND interchange_control = $3",
        )
        .bind(i64::try_from(claims).unwrap_or(i64::MAX))
        .bind(sender)
        .bind(control)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("received_files", e))?;
        Ok(())
    }
}

impl Store {
    /// The interchange received from `sender` with control number `control`, if any (CLM-01).
    pub async fn received_file(
        &self,
        sender: &str,
        control: &str,
    ) -> Result<Option<ReceivedFile>, StoreError> {
        let sql = file_by_key_sql();
        let row = sqlx::query(&sql)
            .bind(sender)
            .bind(control)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(read_file).transpose()
    }

    /// A claim by tracking number.
    pub async fn claim(&self, tracking: &str) -> Result<Option<StoredClaim>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM claims WHERE tracking = $1",
            CLAIM_COLUMNS.join(", ")
        ))
        .bind(tracking)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_claim).transpose()
    }

    /// The latest `limit` claims billed by one of `npis`, newest tracking number first (the
    /// provider portal's claim list).
    pub async fn claims_billed_by(
        &self,
        npis: &[String],
        limit: i64,
    ) -> Result<Vec<StoredClaim>, StoreError> {
        let mut out = Vec::new();
        for npi in npis {
            let rows = sqlx::query(&format!(
                "SELECT {} FROM claims WHERE billing_npi = $1 ORDER BY tracking DESC LIMIT $2",
                CLAIM_COLUMNS.join(", ")
            ))
            .bind(npi.as_str())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                out.push(read_claim(r)?);
            }
        }
        out.sort_by(|a, b| b.tracking.cmp(&a.tracking));
        out.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(out)
    }

    /// The engine claims (JSON text) of claims paid as primary or secondary, at most `limit` after
    /// tracking number `after`. The quality measures read `quality_claims` instead
    /// ([`Store::paid_claims_page`]); this JSON path is what tests check that table against (it
    /// still lists originals a correction or void reversed, which the table leaves out).
    pub async fn paid_claims_after(
        &self,
        after: &str,
        limit: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.tracking AS tracking, c.claim AS claim, c.claim_packed AS claim_packed FROM claims c JOIN decisions d ON d.tracking = c.tracking \
             WHERE c.tracking > $1 AND c.claim IS NOT NULL AND d.status IN ('processed_primary', 'processed_secondary') \
             ORDER BY c.tracking LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let c = Cols {
                    row: r,
                    table: "claims",
                };
                let tracking = c.text("tracking")?;
                let claim = claim_json(&c, &tracking)?;
                Ok((tracking, claim))
            })
            .collect()
    }

    /// How many claims have been received: the basis of the next tracking number.
    pub async fn claim_count(&self) -> Result<u64, StoreError> {
        use sqlx::Row as _;
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM claims")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
