//! Who may sign in, and what they looked at (issue 7, SEC-01): user accounts with an argon2
//! password hash and the NPIs a provider user is scoped to, API tokens kept as SHA-256 digests,
//! and the access log — one row per read or write of member data through the server.

use accord_core::Timestamp;
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value, timestamp_text};
use crate::events::NewEvent;
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

/// Entity name of account events; the entity ID is the user ID.
pub const ACCOUNT: &str = "account";

const ACCOUNT_COLUMNS: &[&str] = &[
    "user_id",
    "display_name",
    "role",
    "npis",
    "password_hash",
    "created_at",
];

const LOG_COLUMNS: &[&str] = &[
    "at",
    "user_id",
    "role",
    "action",
    "entity",
    "entity_id",
    "member_id",
    "reason",
    "outcome",
];

/// A user account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAccount {
    /// Sign-in name.
    pub user_id: String,
    /// Name shown.
    pub display_name: String,
    /// Role (the server's spelling).
    pub role: String,
    /// Provider users: the organisation's NPIs they may see.
    pub npis: Vec<String>,
    /// argon2 PHC string. Never logged, never in events.
    #[serde(skip)]
    pub password_hash: String,
    /// When created.
    pub created_at: Timestamp,
}

/// One access to member data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRecord {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub user_id: String,
    /// In which role.
    pub role: String,
    /// `read` or `write` (and the operation, e.g. `read eligibility`).
    pub action: String,
    /// The kind of record (`member`, `authorization_request`, `claim`).
    pub entity: String,
    /// Its key.
    pub entity_id: String,
    /// The member concerned, when there is one.
    pub member_id: Option<String>,
    /// Why (the purpose given, or the endpoint).
    pub reason: String,
    /// `allowed`, `denied` or `withheld` (SEC-02).
    pub outcome: String,
}

fn read_account(row: &AnyRow) -> Result<StoredAccount, StoreError> {
    let c = Cols {
        row,
        table: "user_accounts",
    };
    Ok(StoredAccount {
        user_id: c.text("user_id")?,
        display_name: c.text("display_name")?,
        role: c.text("role")?,
        npis: c.parsed("npis", |s| serde_json::from_str::<Vec<String>>(s))?,
        password_hash: c.text("password_hash")?,
        created_at: c.timestamp("created_at")?,
    })
}

fn read_log(row: &AnyRow) -> Result<AccessRecord, StoreError> {
    let c = Cols {
        row,
        table: "access_log",
    };
    Ok(AccessRecord {
        at: c.timestamp("at")?,
        user_id: c.text("user_id")?,
        role: c.text("role")?,
        action: c.text("action")?,
        entity: c.text("entity")?,
        entity_id: c.text("entity_id")?,
        member_id: c.opt_text("member_id")?,
        reason: c.text("reason")?,
        outcome: c.text("outcome")?,
    })
}

impl UnitOfWork {
    /// Adds or replaces accounts, one `account_saved` event each (without the hash).
    pub async fn save_accounts(&mut self, accounts: &[StoredAccount]) -> Result<(), StoreError> {
        let ids: Vec<String> = accounts.iter().map(|a| a.user_id.clone()).collect();
        self.delete_where("user_accounts", "user_id", ids.iter())
            .await?;
        let rows = accounts
            .iter()
            .map(|a| {
                Ok(vec![
                    Value::text(a.user_id.as_str()),
                    Value::text(a.display_name.as_str()),
                    Value::text(a.role.as_str()),
                    Value::text(serde_json::to_string(&a.npis).map_err(|e| {
                        StoreError::Invalid {
                            table: "user_accounts",
                            column: "npis",
                            value: a.user_id.clone(),
                            reason: e.to_string(),
                        }
                    })?),
                    Value::text(a.password_hash.as_str()),
                    Value::text(timestamp_text(a.created_at)),
                ])
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "user_accounts",
            ACCOUNT_COLUMNS,
            rows,
        )
        .await?;
        let events = accounts
            .iter()
            .map(|a| NewEvent::of(ACCOUNT, a.user_id.clone(), "account_saved", a))
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }

    /// Records an API token by its digest.
    pub async fn save_token(
        &mut self,
        token_hash: &str,
        user_id: &str,
        label: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "api_tokens",
            &["token_hash", "user_id", "label", "created_at"],
            vec![vec![
                Value::text(token_hash),
                Value::text(user_id),
                Value::text(label),
                Value::text(timestamp_text(at)),
            ]],
        )
        .await?;
        #[derive(Serialize)]
        struct Token<'a> {
            label: &'a str,
        }
        self.write_events(vec![NewEvent::of(
            ACCOUNT,
            user_id,
            "api_token_issued",
            &Token { label },
        )?])
        .await
    }
}

/// A file a payment cycle sent a payee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemittanceFile {
    /// Cycle number.
    pub cycle: i64,
    /// Payee.
    pub pay_to_npi: String,
    /// `835` or `voucher`.
    pub kind: String,
    /// The file as sent.
    #[serde(skip)]
    pub content: String,
}

/// A [`RemittanceFile`] compressed as the store keeps it ([`RemittanceFile::packed`]): a payment
/// cycle packs each file as soon as it is written, so it holds about a tenth of the bytes until
/// the cycle is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedRemittanceFile {
    /// Cycle number.
    pub cycle: i64,
    /// Payee.
    pub pay_to_npi: String,
    /// `835` or `voucher`.
    pub kind: String,
    /// The file's text, LZ4-compressed (size-prefixed block).
    packed: Vec<u8>,
}

impl PackedRemittanceFile {
    /// `content`, the file of `kind` sent to `pay_to_npi` in `cycle`, packed (without copying the
    /// text into a [`RemittanceFile`] first).
    pub fn pack(cycle: i64, pay_to_npi: &str, kind: &str, content: &str) -> PackedRemittanceFile {
        PackedRemittanceFile {
            cycle,
            pay_to_npi: pay_to_npi.to_owned(),
            kind: kind.to_owned(),
            packed: crate::codec::pack(content),
        }
    }
}

impl RemittanceFile {
    /// The file packed for [`UnitOfWork::save_packed_remittance_files`].
    pub fn packed(&self) -> PackedRemittanceFile {
        PackedRemittanceFile::pack(self.cycle, &self.pay_to_npi, &self.kind, &self.content)
    }
}

impl UnitOfWork {
    /// PAY-06: keeps the files a cycle sent (835s and vouchers), in the cycle's unit of work,
    /// each compressed (migration 0015: `content` empty, the file in `packed`).
    pub async fn save_remittance_files(
        &mut self,
        files: &[RemittanceFile],
    ) -> Result<(), StoreError> {
        let packed: Vec<PackedRemittanceFile> = files.iter().map(RemittanceFile::packed).collect();
        self.save_packed_remittance_files(&packed).await
    }

    /// [`UnitOfWork::save_remittance_files`] for files already packed.
    pub async fn save_packed_remittance_files(
        &mut self,
        files: &[PackedRemittanceFile],
    ) -> Result<(), StoreError> {
        let rows = files
            .iter()
            .map(|f| {
                vec![
                    Value::int(f.cycle),
                    Value::text(f.pay_to_npi.as_str()),
                    Value::text(f.kind.as_str()),
                    Value::text(""),
                    Value::Blob(f.packed.clone()),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "remittance_files",
            &["cycle", "pay_to_npi", "kind", "content", "packed"],
            rows,
        )
        .await
    }
}

impl Store {
    /// The remittance files of these payees (content left empty), newest cycle first.
    pub async fn remittance_files_for(
        &self,
        npis: &[String],
    ) -> Result<Vec<RemittanceFile>, StoreError> {
        let mut out = Vec::new();
        for npi in npis {
            let rows = sqlx::query(
                "SELECT cycle, pay_to_npi, kind FROM remittance_files WHERE pay_to_npi = $1 ORDER BY cycle DESC, kind",
            )
            .bind(npi.as_str())
            .fetch_all(&self.pool)
            .await?;
            for row in &rows {
                let c = Cols {
                    row,
                    table: "remittance_files",
                };
                out.push(RemittanceFile {
                    cycle: c.int("cycle")?,
                    pay_to_npi: c.text("pay_to_npi")?,
                    kind: c.text("kind")?,
                    content: String::new(),
                });
            }
        }
        out.sort_by(|a, b| {
            b.cycle
                .cmp(&a.cycle)
                .then(a.pay_to_npi.cmp(&b.pay_to_npi))
                .then(a.kind.cmp(&b.kind))
        });
        Ok(out)
    }

    /// One remittance file as sent (unpacked, or as a row from before migration 0015 holds it).
    pub async fn remittance_file(
        &self,
        cycle: i64,
        npi: &str,
        kind: &str,
    ) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT content, packed FROM remittance_files WHERE cycle = $1 AND pay_to_npi = $2 AND kind = $3",
        )
        .bind(cycle)
        .bind(npi)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let c = Cols {
            row: &row,
            table: "remittance_files",
        };
        match c.opt_blob("packed")? {
            Some(bytes) => {
                let key = format!("cycle {cycle}, {npi}, {kind}");
                crate::codec::unpack("remittance_files", "packed", &key, &bytes).map(Some)
            }
            None => c.text("content").map(Some),
        }
    }

    /// One account.
    pub async fn account(&self, user_id: &str) -> Result<Option<StoredAccount>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM user_accounts WHERE user_id = $1",
            ACCOUNT_COLUMNS.join(", ")
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_account).transpose()
    }

    /// Every account, by user ID.
    pub async fn accounts(&self) -> Result<Vec<StoredAccount>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM user_accounts ORDER BY user_id",
            ACCOUNT_COLUMNS.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_account).collect()
    }

    /// The account an API token (by digest) belongs to.
    pub async fn account_for_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<StoredAccount>, StoreError> {
        let row = sqlx::query("SELECT user_id FROM api_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let user: String = sqlx::Row::try_get(&row, "user_id")?;
        self.account(&user).await
    }

    /// Writes access records (SEC-01) in one transaction.
    pub async fn log_access(&self, records: &[AccessRecord]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let rows = records
            .iter()
            .map(|r| {
                vec![
                    Value::text(timestamp_text(r.at)),
                    Value::text(r.user_id.as_str()),
                    Value::text(r.role.as_str()),
                    Value::text(r.action.as_str()),
                    Value::text(r.entity.as_str()),
                    Value::text(r.entity_id.as_str()),
                    Value::opt_text(r.member_id.clone()),
                    Value::text(r.reason.as_str()),
                    Value::text(r.outcome.as_str()),
                ]
            })
            .collect();
        bulk::insert_rows(&mut tx, self.backend, "access_log", LOG_COLUMNS, rows).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The access log about a member, oldest first (what the plan shows an auditor).
    pub async fn access_log_for_member(
        &self,
        member_id: &str,
    ) -> Result<Vec<AccessRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM access_log WHERE member_id = $1 ORDER BY id",
            LOG_COLUMNS.join(", ")
        ))
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_log).collect()
    }

    /// The whole access log, oldest first, at most `limit` rows.
    pub async fn access_log(&self, limit: i64) -> Result<Vec<AccessRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM access_log ORDER BY id LIMIT $1",
            LOG_COLUMNS.join(", ")
        ))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_log).collect()
    }
}
