//! Adjudication records (issue 4): imported authorizations (CLM-07, UM-04), the current decision on
//! each claim with its explanation, and the claim-history lines later claims are judged against
//! (CLM-06, CLM-08, UM-01). The decision itself is the engine's JSON: this crate stores it and
//! never interprets it.

use accord_core::{Date, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value, money_text};
use crate::events::{CLAIM, NewEvent, action};
use crate::members::unique_in_batch;
use crate::store::{Store, UnitOfWork};
use crate::{Staged, StoreError, bulk};

/// Entity name of authorization events; the entity ID is the authorization number.
pub const AUTHORIZATION: &str = "authorization";

const AUTH_COLUMNS: &[&str] = &[
    "auth_id",
    "member_id",
    "provider_npi",
    "services",
    "level_of_care",
    "start_date",
    "end_date",
    "units_authorized",
];

const DECISION_COLUMNS: &[&str] = &[
    "tracking",
    "status",
    "member_id",
    "pay_to_npi",
    "received_on",
    "decided_on",
    "billed",
    "allowed",
    "paid",
    "net_paid",
    "patient_responsibility",
    "clean",
    "decision",
    "cycle",
    "decision_packed",
    "patient_control",
    "remittance_claim",
];

const TRACE_COLUMNS: &[&str] = &["tracking", "trace"];
const HISTORY_COLUMNS: &[&str] = &[
    "tracking",
    "line",
    "member_id",
    "rendering_npi",
    "procedure",
    "modifiers",
    "service_date",
    "units",
    "status",
    "auth_use",
];

/// The decision table's columns as a select list for a join where `decisions` is aliased `d`
/// (`d.tracking AS tracking, …`).
pub(crate) fn decision_columns_of_d() -> String {
    DECISION_COLUMNS
        .iter()
        .map(|c| format!("d.{c} AS {c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An approved authorization as imported (UM-04). Codes are kept as text: the shell parses them
/// into the engine's types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAuthorization {
    /// Authorization number.
    pub auth_id: String,
    /// Member ID.
    pub member_id: String,
    /// NPI of the provider authorized.
    pub provider_npi: String,
    /// Services authorized: procedure code and the modifiers that must be on the line.
    pub services: Vec<(String, Vec<String>)>,
    /// Level of care.
    pub level_of_care: String,
    /// First authorized date.
    pub start: Date,
    /// Last authorized date.
    pub end: Date,
    /// Units authorized.
    pub units_authorized: Decimal,
}

/// The current decision on one claim, with the amounts the payment cycle and reports read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDecision {
    /// Tracking number.
    pub tracking: String,
    /// Engine claim status (`processed_primary`, `denied`, `pended`, `reversal`, `rejected`…).
    pub status: String,
    /// Member ID, when the claim named one.
    pub member_id: Option<String>,
    /// The NPI the payment goes to (pay-to, else billing provider).
    pub pay_to_npi: String,
    /// When the claim was received.
    pub received_on: Date,
    /// When this decision was made.
    pub decided_on: Date,
    /// Total billed.
    pub billed: Money,
    /// Total allowed.
    pub allowed: Money,
    /// Total paid for this claim.
    pub paid: Money,
    /// Paid less any reversal it carries (CLM-10).
    pub net_paid: Money,
    /// Member responsibility.
    pub patient_responsibility: Money,
    /// PAY-07: a clean claim (decided without pending for a person).
    pub clean: bool,
    /// The engine's decision as JSON text (lines, adjustments, trace). Text, not a parsed tree:
    /// the store never interprets it, and callers parse it straight into their own types.
    /// Reads give the whole decision here, trace included, except where a read says it leaves
    /// the trace out (payment, reports, intake's look-up of an original): there the trace is
    /// empty.
    pub decision: String,
    /// On writes: the explanation trace's JSON, stored apart and compressed (`decision` then
    /// carries an empty trace, `"trace":[]`, as its last field). `None` keeps the trace inline
    /// in `decision`. Always `None` on reads.
    pub trace: Option<String>,
    /// The payment cycle that remitted it, once remitted.
    pub cycle: Option<i64>,
    /// PAY-06: what the claim's 835 needs of the claim, kept beside the decision (migration 17),
    /// when the writer had the claim in hand; `None` and the payment cycle reads the claim.
    /// Not part of the decision's serialized form.
    #[serde(skip)]
    pub remittance: Option<RemittanceFacts>,
}

/// What a claim's 835 needs of the claim itself (decision 0040).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemittanceFacts {
    /// CLM01 as billed.
    pub patient_control: String,
    /// The engine claim's remittance fields as JSON: an object with the engine claim's field
    /// names (`kind`, `frequency`, `member_id`, `place_of_service`, `bill_type`,
    /// `statement_from`, `statement_to`), so it reads as the claim's JSON would.
    pub claim: String,
}

/// One line of an adjudicated claim, as later claims see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    /// Tracking number of the claim.
    pub tracking: String,
    /// Line number.
    pub line: u32,
    /// Member ID.
    pub member_id: String,
    /// Rendering NPI.
    pub rendering_npi: String,
    /// Procedure code.
    pub procedure: String,
    /// Modifiers, space-separated.
    pub modifiers: String,
    /// Date of service.
    pub service_date: Date,
    /// Units paid (or billed, while pending).
    pub units: Decimal,
    /// Paid (`true`) or pending.
    pub paid: bool,
    /// CLM-07: authorizations this line used, with the units taken from each.
    pub authorizations: Vec<(String, Decimal)>,
}

fn decimal(c: &Cols<'_>, column: &'static str) -> Result<Decimal, StoreError> {
    c.parsed(column, |s: &str| s.parse::<Decimal>())
}

fn json(c: &Cols<'_>, column: &'static str) -> Result<serde_json::Value, StoreError> {
    let text = c.text(column)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Invalid {
        table: c.table,
        column,
        value: text.chars().take(80).collect(),
        reason: e.to_string(),
    })
}

pub(crate) fn read_authorization(row: &AnyRow) -> Result<StoredAuthorization, StoreError> {
    let c = Cols {
        row,
        table: "authorizations",
    };
    let services =
        serde_json::from_value(json(&c, "services")?).map_err(|e| StoreError::Invalid {
            table: "authorizations",
            column: "services",
            value: String::new(),
            reason: e.to_string(),
        })?;
    Ok(StoredAuthorization {
        auth_id: c.text("auth_id")?,
        member_id: c.text("member_id")?,
        provider_npi: c.text("provider_npi")?,
        services,
        level_of_care: c.text("level_of_care")?,
        start: c.date("start_date")?,
        end: c.date("end_date")?,
        units_authorized: decimal(&c, "units_authorized")?,
    })
}

pub(crate) fn read_decision(row: &AnyRow) -> Result<StoredDecision, StoreError> {
    let c = Cols {
        row,
        table: "decisions",
    };
    let tracking = c.text("tracking")?;
    Ok(StoredDecision {
        status: c.text("status")?,
        member_id: c.opt_text("member_id")?,
        pay_to_npi: c.text("pay_to_npi")?,
        received_on: c.date("received_on")?,
        decided_on: c.date("decided_on")?,
        billed: c.money("billed")?,
        allowed: c.money("allowed")?,
        paid: c.money("paid")?,
        net_paid: c.money("net_paid")?,
        patient_responsibility: c.money("patient_responsibility")?,
        clean: c.int("clean")? != 0,
        decision: c
            .packed_text("decision", "decision_packed", &tracking)?
            .unwrap_or_default(),
        trace: None,
        cycle: c.opt_int("cycle")?,
        remittance: match (
            c.opt_text("patient_control")?,
            c.opt_text("remittance_claim")?,
        ) {
            (Some(patient_control), Some(claim)) => Some(RemittanceFacts {
                patient_control,
                claim,
            }),
            _ => None,
        },
        tracking,
    })
}

/// `SELECT` of whole decisions (their traces spliced back by [`read_whole_decision`]): the
/// decision columns as `d`, the stored-apart trace as `t`. Callers add `WHERE`/`ORDER BY` on `d.`.
fn whole_decision_select() -> String {
    let cols = decision_columns_of_d();
    format!(
        "SELECT {cols}, t.trace AS trace FROM decisions d \
         LEFT JOIN decision_traces t ON t.tracking = d.tracking"
    )
}

/// A row of [`whole_decision_select`]: the decision with its trace back in place.
fn read_whole_decision(row: &AnyRow) -> Result<StoredDecision, StoreError> {
    let mut d = read_decision(row)?;
    let packed = Cols {
        row,
        table: "decision_traces",
    }
    .opt_blob("trace")?;
    if let Some(packed) = packed {
        let trace = crate::traces::unpack(&d.tracking, &packed)?;
        d.decision = crate::traces::splice(&d.tracking, std::mem::take(&mut d.decision), &trace)?;
    }
    Ok(d)
}

fn read_history(row: &AnyRow) -> Result<HistoryLine, StoreError> {
    let c = Cols {
        row,
        table: "history_lines",
    };
    Ok(HistoryLine {
        tracking: c.text("tracking")?,
        line: c.small("line")?,
        member_id: c.text("member_id")?,
        rendering_npi: c.text("rendering_npi")?,
        procedure: c.text("procedure")?,
        modifiers: c.text("modifiers")?,
        service_date: c.date("service_date")?,
        units: decimal(&c, "units")?,
        paid: c.text("status")? == "paid",
        authorizations: serde_json::from_value(json(&c, "auth_use")?).map_err(|e| {
            StoreError::Invalid {
                table: "history_lines",
                column: "auth_use",
                value: String::new(),
                reason: e.to_string(),
            }
        })?,
    })
}

fn decision_row(d: &StoredDecision) -> Vec<Value> {
    // Migration 0016: the decision JSON packed (about half its size).
    let (decision, decision_packed) =
        crate::codec::packed_pair(crate::dictionary::Dictionary::Decision, Some(&d.decision));
    vec![
        Value::text(d.tracking.as_str()),
        Value::text(d.status.as_str()),
        Value::opt_text(d.member_id.as_deref()),
        Value::text(d.pay_to_npi.as_str()),
        Value::date(d.received_on),
        Value::date(d.decided_on),
        Value::text(money_text(d.billed)),
        Value::text(money_text(d.allowed)),
        Value::text(money_text(d.paid)),
        Value::text(money_text(d.net_paid)),
        Value::text(money_text(d.patient_responsibility)),
        Value::int(i64::from(d.clean)),
        decision,
        Value::Int(d.cycle),
        decision_packed,
        Value::opt_text(d.remittance.as_ref().map(|r| r.patient_control.as_str())),
        Value::opt_text(d.remittance.as_ref().map(|r| r.claim.as_str())),
    ]
}

/// What a decision event records: the outcome and amounts, not the whole trace (the decision row
/// keeps that; the event is the audit line).
#[derive(Serialize)]
struct DecisionEvent<'a> {
    status: &'a str,
    decided_on: Date,
    billed: Money,
    paid: Money,
    net_paid: Money,
    patient_responsibility: Money,
}

impl UnitOfWork {
    /// UM-04: records approved authorizations, one `authorization_added` event each.
    pub async fn insert_authorizations(
        &mut self,
        auths: &[StoredAuthorization],
    ) -> Result<(), StoreError> {
        unique_in_batch(
            "authorizations",
            auths.iter().map(|a| format!("auth_id={}", a.auth_id)),
        )?;
        let rows = auths
            .iter()
            .map(|a| {
                Ok(vec![
                    Value::text(a.auth_id.as_str()),
                    Value::text(a.member_id.as_str()),
                    Value::text(a.provider_npi.as_str()),
                    Value::text(serde_json::to_string(&a.services).map_err(|e| {
                        StoreError::Invalid {
                            table: "authorizations",
                            column: "services",
                            value: a.auth_id.clone(),
                            reason: e.to_string(),
                        }
                    })?),
                    Value::text(a.level_of_care.as_str()),
                    Value::date(a.start),
                    Value::date(a.end),
                    Value::text(a.units_authorized.to_string()),
                ])
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "authorizations",
            AUTH_COLUMNS,
            rows,
        )
        .await?;
        let events = auths
            .iter()
            .map(|a| {
                NewEvent::of(
                    AUTHORIZATION,
                    a.auth_id.clone(),
                    action::AUTHORIZATION_ADDED,
                    a,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }

    /// Stores decisions (a claim decided again replaces its row), one `claim_adjudicated` event
    /// each, under this unit of work's actor and reason. The quality read's `paid` flag follows
    /// the new status.
    pub async fn save_decisions(&mut self, decisions: &[StoredDecision]) -> Result<(), StoreError> {
        self.delete_where(
            "decision_traces",
            "tracking",
            decisions.iter().map(|d| &d.tracking),
        )
        .await?;
        self.delete_where(
            "decisions",
            "tracking",
            decisions.iter().map(|d| &d.tracking),
        )
        .await?;
        self.insert_decisions(decisions).await
    }

    /// Stores first decisions: a claim that already has one is a [`StoreError::Conflict`] (use
    /// [`UnitOfWork::save_decisions`] to decide a claim again). One `claim_adjudicated` event each.
    pub async fn insert_decisions(
        &mut self,
        decisions: &[StoredDecision],
    ) -> Result<(), StoreError> {
        let staged = stage_decisions(decisions)?;
        self.write_staged(staged).await
    }

    /// Replaces the history lines of the claims named in `claims` with `lines` (CLM-10: a reversed
    /// claim's lines are removed; a re-decided claim's lines are rewritten).
    pub async fn replace_history(
        &mut self,
        claims: &[String],
        lines: &[HistoryLine],
    ) -> Result<(), StoreError> {
        self.delete_where("history_lines", "tracking", claims.iter())
            .await?;
        self.write_staged(stage_history(lines)).await
    }

    /// CLM-10: pended claims that a corrected or void claim replaced leave the pend queue: their
    /// status becomes `superseded` (never paid), one `claim_superseded` event each.
    pub async fn mark_superseded(&mut self, trackings: &[String]) -> Result<(), StoreError> {
        for t in trackings {
            sqlx::query("UPDATE decisions SET status = 'superseded' WHERE tracking = $1")
                .bind(t.as_str())
                .execute(&mut *self.tx)
                .await
                .map_err(|e| StoreError::from_write("decisions", e))?;
        }
        self.flag_paid_claims(trackings.iter().map(|t| (t.as_str(), false)))
            .await?;
        let events = trackings
            .iter()
            .map(|t| {
                NewEvent::of(
                    CLAIM,
                    t.clone(),
                    action::CLAIM_SUPERSEDED,
                    &serde_json::json!({ "status": "superseded" }),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }

    /// The decision JSON of claim `tracking`, read inside this unit of work, without its trace
    /// when the trace is stored apart (intake needs the lines and amounts of an original).
    pub async fn decision_json(&mut self, tracking: &str) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT decision, decision_packed FROM decisions WHERE tracking = $1")
                .bind(tracking)
                .fetch_optional(&mut *self.tx)
                .await?;
        Ok(row
            .as_ref()
            .map(|row| {
                Cols {
                    row,
                    table: "decisions",
                }
                .packed_text("decision", "decision_packed", tracking)
            })
            .transpose()?
            .flatten())
    }

    /// When claim `tracking`'s current decision was remitted: the `run_at` instant of the payment
    /// cycle that paid it (CLM-10's window runs from it), or `None` if it was never remitted.
    pub async fn remitted_at(&mut self, tracking: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query(
            "SELECT p.run_at AS run_at FROM decisions d JOIN payment_cycles p ON p.cycle = d.cycle WHERE d.tracking = $1",
        )
        .bind(tracking)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref()
            .map(|row| {
                Cols {
                    row,
                    table: "payment_cycles",
                }
                .text("run_at")
            })
            .transpose()
    }

    /// Deletes the rows of `table` whose `column` is one of `keys`, in chunks.
    pub(crate) async fn delete_where<'k>(
        &mut self,
        table: &'static str,
        column: &str,
        keys: impl Iterator<Item = &'k String>,
    ) -> Result<(), StoreError> {
        let keys: Vec<&String> = keys.collect();
        for chunk in keys.chunks(500) {
            let placeholders = bulk::placeholders(self.backend, 1, chunk.len());
            let sql = format!("DELETE FROM {table} WHERE {column} IN ({placeholders})");
            let mut q = sqlx::query(&sql);
            for k in chunk {
                q = q.bind(k.as_str());
            }
            q.execute(&mut *self.tx)
                .await
                .map_err(|e| StoreError::from_write(table, e))?;
        }
        Ok(())
    }
}

impl Store {
    /// Decisions made from `from` through `to` (decision dates), by tracking number (reports),
    /// without the traces stored apart.
    pub async fn decisions_between(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<StoredDecision>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM decisions WHERE decided_on >= $1 AND decided_on <= $2 ORDER BY tracking",
            DECISION_COLUMNS.join(", ")
        ))
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_decision).collect()
    }

    /// Every authorization on record, by number.
    pub async fn authorizations(&self) -> Result<Vec<StoredAuthorization>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM authorizations ORDER BY auth_id",
            AUTH_COLUMNS.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_authorization).collect()
    }

    /// The member's history lines, by date of service (UM-01 thresholds, UM-09 sessions).
    pub async fn history_lines_of_member(
        &self,
        member_id: &str,
    ) -> Result<Vec<HistoryLine>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM history_lines WHERE member_id = $1 ORDER BY service_date, tracking, line",
            HISTORY_COLUMNS.join(", ")
        ))
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_history).collect()
    }

    /// Every history line, by claim and line.
    pub async fn history_lines(&self) -> Result<Vec<HistoryLine>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM history_lines ORDER BY tracking, line",
            HISTORY_COLUMNS.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_history).collect()
    }

    /// Accepted claims with no decision yet, in tracking-number order (the order they arrived),
    /// at most `limit` of them after tracking number `after` (`""` for the first page): tracking
    /// number and the engine claim as JSON text.
    pub async fn claims_awaiting_decision(
        &self,
        after: &str,
        limit: u32,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            // A range on the primary key, so each page starts where the last ended instead of
            // scanning from the first claim (a LEFT JOIN form made the run quadratic).
            "SELECT c.tracking AS tracking, c.claim AS claim, c.claim_packed AS claim_packed FROM claims c \
             WHERE c.tracking > $1 AND c.status = 'accepted' \
             AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.tracking = c.tracking) \
             ORDER BY c.tracking LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let c = Cols {
                    row,
                    table: "claims",
                };
                let tracking = c.text("tracking")?;
                let claim = crate::claims::claim_json(&c, &tracking)?;
                Ok((tracking, claim))
            })
            .collect()
    }

    /// The current decision on a claim, if it has one.
    pub async fn decision(&self, tracking: &str) -> Result<Option<StoredDecision>, StoreError> {
        let row = sqlx::query(&format!(
            "{} WHERE d.tracking = $1",
            whole_decision_select()
        ))
        .bind(tracking)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_whole_decision).transpose()
    }

    /// Tracking numbers of the member's decided claims, in order (REC-01: what a retroactive
    /// eligibility change may affect).
    pub async fn decided_claims_of_member(
        &self,
        member_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query("SELECT tracking FROM decisions WHERE member_id = $1 ORDER BY tracking")
                .bind(member_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Cols {
                    row,
                    table: "decisions",
                }
                .text("tracking")
            })
            .collect()
    }

    /// Decisions with status `status`, by tracking number (e.g. the pend queue).
    pub async fn decisions_with_status(
        &self,
        status: &str,
    ) -> Result<Vec<StoredDecision>, StoreError> {
        let rows = sqlx::query(&format!(
            "{} WHERE d.status = $1 ORDER BY d.tracking",
            whole_decision_select()
        ))
        .bind(status)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_whole_decision).collect()
    }
}

/// The rows of history lines (CLM-06, CLM-08), built without a unit of work (decision 0033).
pub fn stage_history<'a>(lines: impl IntoIterator<Item = &'a HistoryLine>) -> Staged {
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                Value::text(l.tracking.as_str()),
                Value::int(i64::from(l.line)),
                Value::text(l.member_id.as_str()),
                Value::text(l.rendering_npi.as_str()),
                Value::text(l.procedure.as_str()),
                Value::text(l.modifiers.as_str()),
                Value::date(l.service_date),
                Value::text(l.units.to_string()),
                Value::text(if l.paid { "paid" } else { "pending" }),
                Value::text(
                    serde_json::to_string(&l.authorizations).unwrap_or_else(|_| "[]".into()),
                ),
            ]
        })
        .collect();
    Staged {
        inserts: vec![("history_lines", HISTORY_COLUMNS, rows)],
        ..Staged::default()
    }
}

/// The rows [`UnitOfWork::insert_decisions`] writes, built without a unit of work (so off the
/// writer: decision 0033): decision rows, their traces compressed, the quality read's paid flags
/// and one `claim_adjudicated` event each.
pub fn stage_decisions<D: std::borrow::Borrow<StoredDecision>>(
    decisions: &[D],
) -> Result<Staged, StoreError> {
    let decisions: Vec<&StoredDecision> = decisions.iter().map(|d| d.borrow()).collect();
    unique_in_batch(
        "decisions",
        decisions.iter().map(|d| format!("tracking={}", d.tracking)),
    )?;
    let rows = decisions.iter().map(|d| decision_row(d)).collect();
    let traces = decisions
        .iter()
        .filter_map(|d| {
            let trace = d.trace.as_deref()?;
            Some(vec![
                Value::text(d.tracking.as_str()),
                Value::Blob(crate::codec::pack_with(
                    crate::dictionary::Dictionary::Trace,
                    trace,
                )),
            ])
        })
        .collect();
    // QM-01: the quality read follows the claim's current decision.
    let paid = decisions
        .iter()
        .map(|d| (d.tracking.clone(), crate::quality::is_paid(&d.status)))
        .collect();
    let events = decisions
        .iter()
        .map(|d| {
            NewEvent::of(
                CLAIM,
                d.tracking.clone(),
                action::CLAIM_ADJUDICATED,
                &DecisionEvent {
                    status: &d.status,
                    decided_on: d.decided_on,
                    billed: d.billed,
                    paid: d.paid,
                    net_paid: d.net_paid,
                    patient_responsibility: d.patient_responsibility,
                },
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Staged {
        inserts: vec![
            ("decisions", DECISION_COLUMNS, rows),
            ("decision_traces", TRACE_COLUMNS, traces),
        ],
        paid,
        events,
    })
}
