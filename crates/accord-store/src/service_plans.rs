//! Service plans (SP-01..SP-06): one row per plan with the columns plans are found by (ID,
//! member, status, plan year, predecessor) and the whole plan as a JSON document that only
//! `accord-service-plan` interprets. Every save writes the plan's event in the same unit of work
//! (entity `service_plan`, ID = plan ID), and a save made from a stale copy is refused.

use accord_core::Date;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value};
use crate::events::NewEvent;
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

/// Entity name of service-plan events; the entity ID is the plan ID.
pub const SERVICE_PLAN: &str = "service_plan";

const COLUMNS: &[&str] = &[
    "plan_id",
    "member_id",
    "status",
    "plan_begin",
    "plan_end",
    "predecessor",
    "revision",
    "document",
];

/// A service plan as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredServicePlan {
    /// Plan ID.
    pub plan_id: String,
    /// Member ID.
    pub member_id: String,
    /// Status: `draft`, `in_review`, `authorized` or `amending`.
    pub status: String,
    /// First day of the plan year.
    pub plan_begin: Date,
    /// Last day of the plan year.
    pub plan_end: Date,
    /// The plan a reassessment follows.
    pub predecessor: Option<String>,
    /// Changes applied so far (1 when created).
    pub revision: i64,
    /// The whole plan as JSON text.
    pub document: String,
}

/// The event written with a save: its action (e.g. `line_changed`) and data (the change).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanEvent {
    /// What happened, e.g. `line_changed`.
    pub action: &'static str,
    /// The change, as JSON.
    pub data: serde_json::Value,
}

fn read_plan(row: &AnyRow) -> Result<StoredServicePlan, StoreError> {
    let c = Cols {
        row,
        table: "service_plans",
    };
    Ok(StoredServicePlan {
        plan_id: c.text("plan_id")?,
        member_id: c.text("member_id")?,
        status: c.text("status")?,
        plan_begin: c.date("plan_begin")?,
        plan_end: c.date("plan_end")?,
        predecessor: c.opt_text("predecessor")?,
        revision: c.int("revision")?,
        document: c.text("document")?,
    })
}

fn event(plan: &StoredServicePlan, e: &PlanEvent) -> Result<NewEvent, StoreError> {
    NewEvent::of(SERVICE_PLAN, plan.plan_id.clone(), e.action, &e.data)
}

impl UnitOfWork {
    /// Stores a new plan and its event. A plan with the same ID is a [`StoreError::Conflict`].
    pub async fn insert_service_plan(
        &mut self,
        plan: &StoredServicePlan,
        e: &PlanEvent,
    ) -> Result<(), StoreError> {
        let row = vec![
            Value::text(plan.plan_id.as_str()),
            Value::text(plan.member_id.as_str()),
            Value::text(plan.status.as_str()),
            Value::date(plan.plan_begin),
            Value::date(plan.plan_end),
            Value::opt_text(plan.predecessor.as_deref()),
            Value::int(plan.revision),
            Value::text(plan.document.as_str()),
        ];
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "service_plans",
            COLUMNS,
            vec![row],
        )
        .await?;
        self.write_events(vec![event(plan, e)?]).await
    }

    /// Replaces a plan with its next revision and writes its event. The row must still be at
    /// `plan.revision - 1`: otherwise someone saved a change since this one was read, and the
    /// save is [`StoreError::Stale`] (read the plan again and redo the change). The plan's
    /// ID, member and plan year never change (SP-03), so they are not written.
    pub async fn update_service_plan(
        &mut self,
        plan: &StoredServicePlan,
        e: &PlanEvent,
    ) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE service_plans SET status = $1, revision = $2, document = $3 \
             WHERE plan_id = $4 AND revision = $5",
        )
        .bind(plan.status.as_str())
        .bind(plan.revision)
        .bind(plan.document.as_str())
        .bind(plan.plan_id.as_str())
        .bind(plan.revision - 1)
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("service_plans", e))?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Stale {
                entity: "service plan",
                key: plan.plan_id.clone(),
            });
        }
        self.write_events(vec![event(plan, e)?]).await
    }
}

impl Store {
    /// One plan by ID.
    pub async fn service_plan(
        &self,
        plan_id: &str,
    ) -> Result<Option<StoredServicePlan>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM service_plans WHERE plan_id = $1",
            COLUMNS.join(", ")
        ))
        .bind(plan_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_plan).transpose()
    }

    /// A member's plans, by plan year then ID.
    pub async fn service_plans_of_member(
        &self,
        member_id: &str,
    ) -> Result<Vec<StoredServicePlan>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM service_plans WHERE member_id = $1 ORDER BY plan_begin, plan_id",
            COLUMNS.join(", ")
        ))
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_plan).collect()
    }

    /// The plans that reassess `plan_id` (SP-03: at most one is expected).
    pub async fn service_plan_successors(&self, plan_id: &str) -> Result<Vec<String>, StoreError> {
        use sqlx::Row as _;
        let rows = sqlx::query(
            "SELECT plan_id FROM service_plans WHERE predecessor = $1 ORDER BY plan_id",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("plan_id").map_err(StoreError::from))
            .collect()
    }

    /// How many service plans are stored (for numbering new ones).
    pub async fn service_plan_count(&self) -> Result<u64, StoreError> {
        use sqlx::Row as _;
        let n: i64 = sqlx::query("SELECT COUNT(*) AS n FROM service_plans")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
