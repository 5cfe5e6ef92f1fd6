//! Payment cycles (PAY-06): which decisions each cycle remitted, the remittance written per pay-to
//! provider, and the provider balances overpayments leave (REC-01) until later payments offset
//! them or a demand is made (REC-02).

use accord_core::{Date, Money};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::adjudication::{StoredDecision, read_decision};
use crate::codec::{Cols, Value, money_text};
use crate::events::{NewEvent, action};
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

/// Entity name of payment events; the entity ID is the pay-to NPI.
pub const PAYEE: &str = "payee";

const CYCLE_COLUMNS: &[&str] = &[
    "cycle",
    "through_date",
    "run_at",
    "remittances",
    "claims",
    "total",
];
const REMITTANCE_COLUMNS: &[&str] = &[
    "cycle",
    "pay_to_npi",
    "trace_number",
    "claims",
    "claim_payments",
    "offsets",
    "amount",
];
pub(crate) const BALANCE_COLUMNS: &[&str] = &[
    "pay_to_npi",
    "source",
    "opened_on",
    "original",
    "remaining",
    "demanded_on",
];

/// One payment cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentCycle {
    /// Cycle number, from 1.
    pub cycle: i64,
    /// Decisions made through this date were paid.
    pub through: Date,
    /// When the cycle ran (RFC 3339).
    pub run_at: String,
    /// Remittances (835 transaction sets) written.
    pub remittances: u64,
    /// Claims remitted.
    pub claims: u64,
    /// Money paid out (sum of BPR02).
    pub total: Money,
}

/// One remittance: a payment to one pay-to provider in one cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRemittance {
    /// Cycle number.
    pub cycle: i64,
    /// Pay-to NPI.
    pub pay_to_npi: String,
    /// TRN02 trace number.
    pub trace_number: String,
    /// Claims on it.
    pub claims: u64,
    /// Sum of claim payments (CLP04), reversals included.
    pub claim_payments: Money,
    /// Overpayments recovered (PLB WO), positive.
    pub offsets: Money,
    /// Paid (BPR02) = claim payments − offsets, never negative.
    pub amount: Money,
}

/// Money a pay-to provider owes the plan (REC-01).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderBalance {
    /// Pay-to NPI.
    pub pay_to_npi: String,
    /// What opened it, e.g. `cycle 3`.
    pub source: String,
    /// When it opened.
    pub opened_on: Date,
    /// The amount owed when it opened (positive).
    pub original: Money,
    /// What is still owed (zero once recovered).
    pub remaining: Money,
    /// When a demand letter was issued (REC-02).
    pub demanded_on: Option<Date>,
}

/// What the payment cycle's arithmetic needs of a decision (no JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimDue {
    /// Tracking number.
    pub tracking: String,
    /// Pay-to NPI.
    pub pay_to_npi: String,
    /// Received.
    pub received_on: Date,
    /// Net paid (reversals included).
    pub net_paid: Money,
    /// PAY-07: decided without a pend.
    pub clean: bool,
}

/// A decision due for payment, with what its remittance needs from the claim and the member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayableClaim {
    /// The decision.
    pub decision: StoredDecision,
    /// CLM01 as billed.
    pub patient_control: String,
    /// The engine claim as JSON text.
    pub claim: String,
    /// Member's last name, when the member is on record.
    pub last_name: Option<String>,
    /// Member's first name.
    pub first_name: Option<String>,
}

pub(crate) fn read_balance(row: &AnyRow) -> Result<ProviderBalance, StoreError> {
    let c = Cols {
        row,
        table: "provider_balances",
    };
    Ok(ProviderBalance {
        pay_to_npi: c.text("pay_to_npi")?,
        source: c.text("source")?,
        opened_on: c.date("opened_on")?,
        original: c.money("original")?,
        remaining: c.money("remaining")?,
        demanded_on: c.opt_date("demanded_on")?,
    })
}

fn read_due(row: &AnyRow) -> Result<ClaimDue, StoreError> {
    let c = Cols {
        row,
        table: "decisions",
    };
    Ok(ClaimDue {
        tracking: c.text("tracking")?,
        pay_to_npi: c.text("pay_to_npi")?,
        received_on: c.date("received_on")?,
        net_paid: c.money("net_paid")?,
        clean: c.int("clean")? != 0,
    })
}

fn read_cycle(row: &AnyRow) -> Result<PaymentCycle, StoreError> {
    let c = Cols {
        row,
        table: "payment_cycles",
    };
    Ok(PaymentCycle {
        cycle: c.int("cycle")?,
        through: c.date("through_date")?,
        run_at: c.text("run_at")?,
        remittances: c.small("remittances")?,
        claims: c.small("claims")?,
        total: c.money("total")?,
    })
}

fn count(n: u64) -> Value {
    Value::int(i64::try_from(n).unwrap_or(i64::MAX))
}

impl UnitOfWork {
    /// PAY-06: records a payment cycle, its remittances (one `remitted` event per payee) and marks
    /// the decisions it carried as remitted.
    pub async fn record_cycle(
        &mut self,
        cycle: &PaymentCycle,
        remittances: &[StoredRemittance],
        remitted: &[String],
    ) -> Result<(), StoreError> {
        let row = vec![
            Value::int(cycle.cycle),
            Value::date(cycle.through),
            Value::text(cycle.run_at.as_str()),
            count(cycle.remittances),
            count(cycle.claims),
            Value::text(money_text(cycle.total)),
        ];
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "payment_cycles",
            CYCLE_COLUMNS,
            vec![row],
        )
        .await?;
        let rows = remittances
            .iter()
            .map(|r| {
                vec![
                    Value::int(r.cycle),
                    Value::text(r.pay_to_npi.as_str()),
                    Value::text(r.trace_number.as_str()),
                    count(r.claims),
                    Value::text(money_text(r.claim_payments)),
                    Value::text(money_text(r.offsets)),
                    Value::text(money_text(r.amount)),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "remittances",
            REMITTANCE_COLUMNS,
            rows,
        )
        .await?;
        // In key order: each chunk then updates rows that lie together (decisions are stored in
        // the order decided, which is tracking order), not rows scattered through the table in
        // payee order — at a million claims the table is larger than the cache.
        let mut remitted: Vec<&String> = remitted.iter().collect();
        remitted.sort_unstable();
        for chunk in remitted.chunks(500) {
            let first = bulk::placeholders(self.backend, 1, 1);
            let rest = bulk::placeholders(self.backend, 2, chunk.len());
            let sql = format!("UPDATE decisions SET cycle = {first} WHERE tracking IN ({rest})");
            let mut q = sqlx::query(&sql).bind(cycle.cycle);
            for t in chunk {
                q = q.bind(t.as_str());
            }
            q.execute(&mut *self.tx)
                .await
                .map_err(|e| StoreError::from_write("decisions", e))?;
        }
        let events = remittances
            .iter()
            .map(|r| NewEvent::of(PAYEE, r.pay_to_npi.clone(), action::REMITTED, r))
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }

    /// REC-01/REC-02: writes balances (a balance already on record under the same payee and
    /// source is replaced), one `balance_changed` event each.
    pub async fn save_balances(&mut self, balances: &[ProviderBalance]) -> Result<(), StoreError> {
        for b in balances {
            sqlx::query("DELETE FROM provider_balances WHERE pay_to_npi = $1 AND source = $2")
                .bind(b.pay_to_npi.as_str())
                .bind(b.source.as_str())
                .execute(&mut *self.tx)
                .await
                .map_err(|e| StoreError::from_write("provider_balances", e))?;
        }
        let rows = balances
            .iter()
            .map(|b| {
                vec![
                    Value::text(b.pay_to_npi.as_str()),
                    Value::text(b.source.as_str()),
                    Value::date(b.opened_on),
                    Value::text(money_text(b.original)),
                    Value::text(money_text(b.remaining)),
                    Value::opt_date(b.demanded_on),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "provider_balances",
            BALANCE_COLUMNS,
            rows,
        )
        .await?;
        let events = balances
            .iter()
            .map(|b| NewEvent::of(PAYEE, b.pay_to_npi.clone(), action::BALANCE_CHANGED, b))
            .collect::<Result<Vec<_>, _>>()?;
        self.write_events(events).await
    }
}

impl Store {
    /// The number the next payment cycle gets.
    pub async fn next_cycle(&self) -> Result<i64, StoreError> {
        use sqlx::Row as _;
        let n: Option<i64> = sqlx::query("SELECT MAX(cycle) AS n FROM payment_cycles")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(n.unwrap_or(0) + 1)
    }

    /// Every payment cycle, oldest first.
    pub async fn payment_cycles(&self) -> Result<Vec<PaymentCycle>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM payment_cycles ORDER BY cycle",
            CYCLE_COLUMNS.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_cycle).collect()
    }

    /// PAY-06: decisions made on or before `through` that no cycle has remitted and that go on an
    /// 835 (not pended, rejected or superseded), by payee then tracking number — the lean form the
    /// cycle's arithmetic needs, no JSON.
    pub async fn payable_due(&self, through: Date) -> Result<Vec<ClaimDue>, StoreError> {
        let rows = sqlx::query(
            "SELECT tracking, pay_to_npi, received_on, net_paid, clean FROM decisions \
             WHERE cycle IS NULL AND status NOT IN ('pended', 'rejected', 'superseded') \
             AND decided_on <= $1 ORDER BY pay_to_npi, tracking",
        )
        .bind(through.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_due).collect()
    }

    /// PAY-06 and PAY-07 in one read of the decisions no cycle has remitted: what
    /// [`Store::payable_due`] gives for `through`, and the clean claims decided after it that
    /// [`Store::clean_unremitted`] would add (by received date, then tracking number). A payment
    /// cycle needs both; one scan instead of two.
    pub async fn payable_and_waiting(
        &self,
        through: Date,
    ) -> Result<(Vec<ClaimDue>, Vec<ClaimDue>), StoreError> {
        // In chunks of the primary key (each continues where the last ended): a million driver
        // rows at once cost about a gigabyte for a moment. Sorted by payee here. `+cycle` keeps
        // SQLite off the `(cycle, pay_to_npi)` index, which would sort every unremitted
        // decision again for each chunk.
        const CHUNK: i64 = 50_000;
        let (mut due, mut waiting) = (Vec::new(), Vec::new());
        let mut after = String::new();
        loop {
            let rows = sqlx::query(
                "SELECT tracking, pay_to_npi, received_on, net_paid, clean, decided_on \
                 FROM decisions WHERE tracking > $1 AND +cycle IS NULL \
                 AND status NOT IN ('pended', 'rejected', 'superseded') \
                 ORDER BY tracking LIMIT $2",
            )
            .bind(after.as_str())
            .bind(CHUNK)
            .fetch_all(&self.pool)
            .await?;
            for row in &rows {
                let decided_on = Cols {
                    row,
                    table: "decisions",
                }
                .date("decided_on")?;
                let d = read_due(row)?;
                after.clone_from(&d.tracking);
                if decided_on <= through {
                    due.push(d);
                } else if d.clean {
                    waiting.push(d);
                }
            }
            if (rows.len() as i64) < CHUNK {
                break;
            }
        }
        due.sort_by(|a, b| (&a.pay_to_npi, &a.tracking).cmp(&(&b.pay_to_npi, &b.tracking)));
        waiting.sort_by(|a, b| (a.received_on, &a.tracking).cmp(&(b.received_on, &b.tracking)));
        Ok((due, waiting))
    }

    /// [`Store::payable_due`] for one payee, with what its 835 needs of each claim and member
    /// (decisions without the traces stored apart: a remittance never reads them).
    pub async fn payable_for(
        &self,
        pay_to_npi: &str,
        through: Date,
    ) -> Result<Vec<PayableClaim>, StoreError> {
        let cols = crate::adjudication::decision_columns_of_d();
        // Decision 0040: a decision with the claim's remittance facts beside it reads no claim
        // row; the `CASE` runs its look-up only for the others.
        let of_claim = |column: &str| {
            format!(
                "CASE WHEN d.remittance_claim IS NULL THEN \
                 (SELECT c.{column} FROM claims c WHERE c.tracking = d.tracking) END \
                 AS claim_{column}"
            )
        };
        let rows = sqlx::query(&format!(
            "SELECT {cols}, {}, {}, {}, \
             m.last_name AS last_name, m.first_name AS first_name \
             FROM decisions d \
             LEFT JOIN members m ON m.member_id = d.member_id \
             WHERE d.cycle IS NULL AND d.pay_to_npi = $1 \
             AND d.status NOT IN ('pended', 'rejected', 'superseded') \
             AND d.decided_on <= $2 ORDER BY d.tracking",
            of_claim("patient_control"),
            of_claim("claim"),
            of_claim("claim_packed"),
        ))
        .bind(pay_to_npi)
        .bind(through.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let c = Cols {
                    row,
                    table: "claims",
                };
                let mut decision = read_decision(row)?;
                let (patient_control, claim) = match decision.remittance.take() {
                    Some(r) => (r.patient_control, r.claim),
                    None => (
                        c.text("claim_patient_control")?,
                        crate::claims::claim_json_in(
                            &c,
                            ("claim_claim", "claim_claim_packed"),
                            &decision.tracking,
                        )?,
                    ),
                };
                Ok(PayableClaim {
                    decision,
                    patient_control,
                    claim,
                    last_name: c.opt_text("last_name")?,
                    first_name: c.opt_text("first_name")?,
                })
            })
            .collect()
    }

    /// REC-01: every provider balance with money still owed, oldest first.
    pub async fn open_balances(&self) -> Result<Vec<ProviderBalance>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM provider_balances ORDER BY opened_on, pay_to_npi, source",
            BALANCE_COLUMNS.join(", ")
        ))
        .fetch_all(&self.pool)
        .await?;
        let all = rows
            .iter()
            .map(read_balance)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(all
            .into_iter()
            .filter(|b| b.remaining > Money::ZERO)
            .collect())
    }

    /// PAY-07: clean claims decided but not yet remitted, oldest received first. (The payment
    /// cycle reads these with [`Store::payable_and_waiting`]; the store suite checks that read
    /// against this one and [`Store::payable_due`].)
    pub async fn clean_unremitted(&self) -> Result<Vec<ClaimDue>, StoreError> {
        let rows = sqlx::query(
            "SELECT tracking, pay_to_npi, received_on, net_paid, clean FROM decisions \
             WHERE cycle IS NULL AND clean = 1 \
             AND status NOT IN ('pended', 'rejected', 'superseded') \
             ORDER BY received_on, tracking",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_due).collect()
    }
}
