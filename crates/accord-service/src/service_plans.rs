//! Service plans against the store (SP-01..SP-06): read the plan, apply the command with the pure
//! rules of `accord-service-plan`, and save the new revision with its event in one unit of work.
//! The rules never see the store; the store never sees the rules. A change saved from a stale copy
//! (someone else changed the plan in between) is refused by the store as a conflict, so no change
//! is ever lost silently.

use accord_core::{Date, MemberId, Timestamp};
use accord_service_plan::{Applied, Command, NewPlan, PlanId, Policy, ServicePlan};
use accord_store::{PlanEvent, Store, StoredServicePlan};
use serde_json::json;

use crate::ServiceError;

/// Who changes a plan, when, and why.
#[derive(Debug, Clone)]
pub struct PlanActor {
    /// User name (case manager, supervisor, reviewer).
    pub actor: String,
    /// Why, for the event log; when empty, the change's own summary is used.
    pub reason: String,
    /// Today, in the plan's time zone (rules take dates, never the clock).
    pub today: Date,
    /// Now.
    pub at: Timestamp,
}

fn record(plan_id: &str) -> String {
    format!("service plan {plan_id}")
}

/// The stored form of a plan.
pub fn stored_form(plan: &ServicePlan) -> Result<StoredServicePlan, ServiceError> {
    let document = serde_json::to_string(plan)
        .map_err(|e| ServiceError::invalid(record(plan.id.as_str()), "document", e))?;
    Ok(StoredServicePlan {
        plan_id: plan.id.to_string(),
        member_id: plan.member.to_string(),
        status: plan.status.as_str().to_owned(),
        plan_begin: plan.plan_begin,
        plan_end: plan.plan_end,
        predecessor: plan.predecessor.as_ref().map(ToString::to_string),
        revision: i64::from(plan.revision),
        document,
    })
}

fn from_stored(row: &StoredServicePlan) -> Result<ServicePlan, ServiceError> {
    serde_json::from_str(&row.document)
        .map_err(|e| ServiceError::invalid(record(&row.plan_id), "document", e))
}

fn event(applied: &Applied) -> PlanEvent {
    PlanEvent {
        action: applied.change.action,
        data: json!({
            "summary": applied.change.summary,
            "lines": applied.change.lines,
            "revision": applied.plan.revision,
            "status": applied.plan.status.as_str(),
        }),
    }
}

fn reason<'a>(who: &'a PlanActor, applied: &'a Applied) -> &'a str {
    if who.reason.trim().is_empty() {
        &applied.change.summary
    } else {
        &who.reason
    }
}

/// The plan `plan_id`.
pub async fn load(store: &Store, plan_id: &str) -> Result<ServicePlan, ServiceError> {
    let id =
        PlanId::parse(plan_id).map_err(|e| ServiceError::invalid("service plan", "plan_id", e))?;
    let row = store
        .service_plan(id.as_str())
        .await?
        .ok_or_else(|| ServiceError::NotFound(format!("no service plan {id}")))?;
    from_stored(&row)
}

/// A member's plans, by plan year.
pub async fn list_for_member(
    store: &Store,
    member: &MemberId,
) -> Result<Vec<ServicePlan>, ServiceError> {
    store
        .service_plans_of_member(member.as_str())
        .await?
        .iter()
        .map(from_stored)
        .collect()
}

/// The ID for a new plan: the one asked for, else the next free `SP-nnnnnn`.
async fn new_id(store: &Store, asked: Option<&PlanId>) -> Result<PlanId, ServiceError> {
    if let Some(id) = asked {
        return Ok(id.clone());
    }
    let mut n = store.service_plan_count().await? + 1;
    loop {
        let id = PlanId::numbered(n);
        if store.service_plan(id.as_str()).await?.is_none() {
            return Ok(id);
        }
        n += 1;
    }
}

async fn member_on_record(store: &Store, member: &MemberId) -> Result<(), ServiceError> {
    if store.get_member(member).await?.is_none() {
        return Err(ServiceError::NotFound(format!(
            "member {member} is not on record; import the member first (`accord import members`)"
        )));
    }
    Ok(())
}

async fn insert(store: &Store, applied: &Applied, who: &PlanActor) -> Result<(), ServiceError> {
    let stored = stored_form(&applied.plan)?;
    let mut uow = store
        .begin(&who.actor, reason(who, applied), who.at)
        .await?;
    uow.insert_service_plan(&stored, &event(applied)).await?;
    uow.commit().await?;
    Ok(())
}

/// Creates a draft plan (SP-01) for a member on record.
pub async fn create(
    store: &Store,
    policy: &Policy,
    new: &NewPlan,
    who: &PlanActor,
) -> Result<Applied, ServiceError> {
    member_on_record(store, &new.member).await?;
    let id = new_id(store, new.id.as_ref()).await?;
    let applied = accord_service_plan::create(id, new, policy, who.today)?;
    insert(store, &applied, who).await?;
    Ok(applied)
}

/// SP-03: creates the reassessment plan of `previous_id`: a new plan with its own dates after the
/// previous plan year. A plan is reassessed once; later changes go to the reassessment plan.
pub async fn reassess(
    store: &Store,
    policy: &Policy,
    previous_id: &str,
    new: &NewPlan,
    who: &PlanActor,
) -> Result<Applied, ServiceError> {
    let previous = load(store, previous_id).await?;
    if let Some(next) = store
        .service_plan_successors(previous.id.as_str())
        .await?
        .first()
    {
        return Err(ServiceError::Refused(format!(
            "SP-03: plan {} was already reassessed by plan {next}; change that plan (an addendum) instead of creating another",
            previous.id
        )));
    }
    let id = new_id(store, new.id.as_ref()).await?;
    let applied = accord_service_plan::reassess(&previous, id, new, policy, who.today)?;
    insert(store, &applied, who).await?;
    Ok(applied)
}

/// Applies `cmd` to plan `plan_id` and saves the new revision with its event, in one unit of
/// work. A refusal changes nothing.
pub async fn change(
    store: &Store,
    policy: &Policy,
    plan_id: &str,
    cmd: &Command,
    who: &PlanActor,
) -> Result<Applied, ServiceError> {
    let plan = load(store, plan_id).await?;
    let applied = accord_service_plan::apply(&plan, cmd, policy, who.today)?;
    let stored = stored_form(&applied.plan)?;
    let mut uow = store
        .begin(&who.actor, reason(who, &applied), who.at)
        .await?;
    uow.update_service_plan(&stored, &event(&applied)).await?;
    uow.commit().await?;
    Ok(applied)
}
