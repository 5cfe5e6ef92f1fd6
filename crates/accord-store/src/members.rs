//! Members, eligibility spans (ELIG-01) and other coverage (ELIG-04).

use std::collections::HashSet;

use accord_core::member::{EligibilitySpan, Member, OtherCoverage, Program, Sex};
use accord_core::{Date, MemberId};
use serde_json::json;
use sqlx::any::AnyRow;

use crate::codec::{Cols, Value};
use crate::events::{MEMBER, NewEvent, action};
use crate::store::{Store, UnitOfWork};
use crate::{StoreError, bulk};

pub(crate) const MEMBER_COLUMNS: &[&str] = &[
    "member_id",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "zip",
    "family_size",
    "annual_income",
    "sud_consent",
];
pub(crate) const SPAN_COLUMNS: &[&str] = &[
    "member_id",
    "plan_code",
    "program",
    "start_date",
    "end_date",
];
pub(crate) const OC_COLUMNS: &[&str] = &[
    "member_id",
    "payer_order",
    "payer_name",
    "payer_id",
    "policy_number",
    "start_date",
    "end_date",
    "last_attested",
];

fn sex_str(s: Sex) -> &'static str {
    match s {
        Sex::F => "F",
        Sex::M => "M",
        Sex::U => "U",
    }
}

fn sex_parse(s: &str) -> Option<Sex> {
    match s {
        "F" => Some(Sex::F),
        "M" => Some(Sex::M),
        "U" => Some(Sex::U),
        _ => None,
    }
}

/// Refuses a batch that holds the same key twice, naming the key (the database would only say
/// that some key is taken).
pub(crate) fn unique_in_batch<'a>(
    table: &'static str,
    keys: impl Iterator<Item = String> + 'a,
) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    for k in keys {
        if !seen.insert(k.clone()) {
            return Err(StoreError::Conflict { table, key: k });
        }
    }
    Ok(())
}

impl UnitOfWork {
    /// Adds members, with one `member_added` event each.
    pub async fn insert_members(&mut self, members: &[Member]) -> Result<(), StoreError> {
        unique_in_batch(
            "members",
            members.iter().map(|m| format!("member_id={}", m.member_id)),
        )?;
        let rows = members
            .iter()
            .map(|m| {
                vec![
                    Value::text(m.member_id.as_str()),
                    Value::text(m.first_name.as_str()),
                    Value::text(m.last_name.as_str()),
                    Value::date(m.birth_date),
                    Value::text(sex_str(m.sex)),
                    Value::text(m.zip.as_str()),
                    Value::Int(m.family_size.map(i64::from)),
                    Value::opt_money(m.annual_income),
                    Value::int(i64::from(m.sud_consent)),
                ]
            })
            .collect();
        bulk::insert_rows(&mut self.tx, self.backend, "members", MEMBER_COLUMNS, rows).await?;
        let events = members
            .iter()
            .map(|m| NewEvent::of(MEMBER, m.member_id.as_str(), action::MEMBER_ADDED, m))
            .collect::<Result<_, _>>()?;
        self.write_events(events).await
    }

    /// Adds eligibility spans (ELIG-01), with one `eligibility_added` event each on the member.
    pub async fn insert_eligibility(
        &mut self,
        spans: &[EligibilitySpan],
    ) -> Result<(), StoreError> {
        unique_in_batch(
            "eligibility_spans",
            spans.iter().map(|s| {
                format!(
                    "member_id={} plan_code={} start={}",
                    s.member_id, s.plan_code, s.start
                )
            }),
        )?;
        let rows = spans
            .iter()
            .map(|s| {
                vec![
                    Value::text(s.member_id.as_str()),
                    Value::text(s.plan_code.as_str()),
                    Value::text(s.program.as_str()),
                    Value::date(s.start),
                    Value::opt_date(s.end),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "eligibility_spans",
            SPAN_COLUMNS,
            rows,
        )
        .await?;
        let events = spans
            .iter()
            .map(|s| NewEvent::of(MEMBER, s.member_id.as_str(), action::ELIGIBILITY_ADDED, s))
            .collect::<Result<_, _>>()?;
        self.write_events(events).await
    }

    /// Adds other-coverage records (ELIG-04), with one `other_coverage_added` event each.
    pub async fn insert_other_coverage(
        &mut self,
        coverage: &[OtherCoverage],
    ) -> Result<(), StoreError> {
        unique_in_batch(
            "other_coverage",
            coverage.iter().map(|c| {
                format!(
                    "member_id={} payer_order={} start={}",
                    c.member_id, c.payer_order, c.start
                )
            }),
        )?;
        let rows = coverage
            .iter()
            .map(|c| {
                vec![
                    Value::text(c.member_id.as_str()),
                    Value::int(i64::from(c.payer_order)),
                    Value::text(c.payer_name.as_str()),
                    Value::text(c.payer_id.as_str()),
                    Value::text(c.policy_number.as_str()),
                    Value::date(c.start),
                    Value::opt_date(c.end),
                    Value::opt_date(c.last_attested),
                ]
            })
            .collect();
        bulk::insert_rows(
            &mut self.tx,
            self.backend,
            "other_coverage",
            OC_COLUMNS,
            rows,
        )
        .await?;
        let events = coverage
            .iter()
            .map(|c| {
                NewEvent::of(
                    MEMBER,
                    c.member_id.as_str(),
                    action::OTHER_COVERAGE_ADDED,
                    c,
                )
            })
            .collect::<Result<_, _>>()?;
        self.write_events(events).await
    }

    /// ELIG-01: changes the end of one eligibility span (a retro termination, or an extension;
    /// `None` reopens it), and records an `eligibility_ended` event with the old and new end.
    /// [`StoreError::NotFound`] when the member has no span of `plan_code` starting on `start`;
    /// [`StoreError::Constraint`] when `new_end` is before the start.
    pub async fn end_eligibility(
        &mut self,
        member: &MemberId,
        plan_code: &str,
        start: Date,
        new_end: Option<Date>,
    ) -> Result<(), StoreError> {
        let key = || format!("member_id={member} plan_code={plan_code} start={start}");
        let row = sqlx::query(
            "SELECT member_id, plan_code, program, start_date, end_date FROM eligibility_spans \
             WHERE member_id = $1 AND plan_code = $2 AND start_date = $3",
        )
        .bind(member.as_str())
        .bind(plan_code)
        .bind(start.to_string())
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(row) = row else {
            return Err(StoreError::NotFound {
                entity: "eligibility span",
                key: key(),
            });
        };
        let old = read_span(&row)?;
        sqlx::query(
            "UPDATE eligibility_spans SET end_date = $1 \
             WHERE member_id = $2 AND plan_code = $3 AND start_date = $4",
        )
        .bind(new_end.map(|d| d.to_string()))
        .bind(member.as_str())
        .bind(plan_code)
        .bind(start.to_string())
        .execute(&mut *self.tx)
        .await
        .map_err(|e| StoreError::from_write("eligibility_spans", e))?;
        let data = json!({
            "plan_code": plan_code,
            "program": old.program,
            "start": start,
            "old_end": old.end,
            "new_end": new_end,
        });
        self.write_events(vec![NewEvent {
            entity: MEMBER,
            entity_id: member.to_string(),
            action: action::ELIGIBILITY_ENDED,
            data: data.to_string(),
        }])
        .await
    }
}

pub(crate) fn read_member(row: &AnyRow) -> Result<Member, StoreError> {
    let c = Cols {
        row,
        table: "members",
    };
    Ok(Member {
        member_id: c.parsed("member_id", MemberId::parse)?,
        first_name: c.text("first_name")?,
        last_name: c.text("last_name")?,
        birth_date: c.date("birth_date")?,
        sex: c.spelled("sex", sex_parse)?,
        zip: c.text("zip")?,
        family_size: c.opt_small("family_size")?,
        annual_income: c.opt_money("annual_income")?,
        sud_consent: c.int("sud_consent")? != 0,
    })
}

pub(crate) fn read_span(row: &AnyRow) -> Result<EligibilitySpan, StoreError> {
    let c = Cols {
        row,
        table: "eligibility_spans",
    };
    Ok(EligibilitySpan {
        member_id: c.parsed("member_id", MemberId::parse)?,
        plan_code: c.text("plan_code")?,
        program: c.spelled("program", Program::parse)?,
        start: c.date("start_date")?,
        end: c.opt_date("end_date")?,
    })
}

pub(crate) fn read_other_coverage(row: &AnyRow) -> Result<OtherCoverage, StoreError> {
    let c = Cols {
        row,
        table: "other_coverage",
    };
    Ok(OtherCoverage {
        member_id: c.parsed("member_id", MemberId::parse)?,
        payer_order: c.small("payer_order")?,
        payer_name: c.text("payer_name")?,
        payer_id: c.text("payer_id")?,
        policy_number: c.text("policy_number")?,
        start: c.date("start_date")?,
        end: c.opt_date("end_date")?,
        last_attested: c.opt_date("last_attested")?,
    })
}

impl Store {
    /// The member, if recorded.
    pub async fn get_member(&self, id: &MemberId) -> Result<Option<Member>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM members WHERE member_id = $1",
            MEMBER_COLUMNS.join(", ")
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(read_member).transpose()
    }

    /// ELIG-01: the member's eligibility spans, all plans, by start date.
    pub async fn eligibility(&self, id: &MemberId) -> Result<Vec<EligibilitySpan>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM eligibility_spans WHERE member_id = $1 ORDER BY start_date, plan_code",
            SPAN_COLUMNS.join(", ")
        ))
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_span).collect()
    }

    /// ELIG-04: the member's other coverage, by payer order then start date.
    pub async fn other_coverage(&self, id: &MemberId) -> Result<Vec<OtherCoverage>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM other_coverage WHERE member_id = $1 ORDER BY payer_order, start_date",
            OC_COLUMNS.join(", ")
        ))
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(read_other_coverage).collect()
    }
}
