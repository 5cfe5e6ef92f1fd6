//! The measurement behind `accord bench um`: automatic decisions on complete requests, in process,
//! one core. Each [`crate::case::receive`] call (clock, screening, criteria, decision) is timed
//! on its own, so the report gives the latency distribution (p50, p99, max) as well as decisions
//! per second. This module reads the clock; the engine it measures does not.

use std::time::Instant;

use accord_core::member::{EligibilitySpan, Program};
use accord_core::provider::Standing;
use accord_core::{Date, Icd10Code, MemberId, Modifier, Npi, ProcedureCode};
use accord_plan::Plan;
use jiff::Timestamp;
use serde::Serialize;

use crate::case::{Context, Status, receive};
use crate::request::{AuthRequest, ClinicalInfo, RequestedService, ReviewType, Risk, Urgency};
use crate::screen::UmFacts;

/// What the run measured.
#[derive(Debug, Clone, Serialize)]
pub struct UmBenchReport {
    /// Requests decided.
    pub requests: usize,
    /// Approved automatically (the rest went to review).
    pub auto_approved: usize,
    /// Wall time of the whole loop, seconds.
    pub seconds: f64,
    /// Decisions per second on one core.
    pub per_second: f64,
    /// Median latency, microseconds.
    pub p50_us: f64,
    /// 99th percentile latency, microseconds.
    pub p99_us: f64,
    /// Worst latency, microseconds.
    pub max_us: f64,
}

/// Decides `n` complete residential and intensive-outpatient requests that meet the demo plan's
/// criteria and reports throughput and latency.
pub fn run(plan: &Plan, n: usize) -> Result<UmBenchReport, String> {
    let cx = Context::of(plan);
    let start = Date::new(2026, 3, 2).map_err(|e| e.to_string())?;
    let received: Timestamp = "2026-03-01T15:00:00Z"
        .parse()
        .map_err(|e: jiff::Error| e.to_string())?;
    let members: Vec<MemberId> = (0..1000)
        .map(|i| MemberId::parse(&format!("M{:06}", 100_000 + i)))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let spans: Vec<Vec<EligibilitySpan>> = members
        .iter()
        .map(|m| {
            vec![EligibilitySpan {
                member_id: m.clone(),
                plan_code: plan.config.plan_code.clone(),
                program: Program::Medicaid,
                start: Date::new(2025, 1, 1).unwrap_or(start),
                end: None,
            }]
        })
        .collect();
    let npi = Npi::from_first_nine(123_456_789);
    let standing = Standing {
        may_receive_authorizations: true,
        claims_payable: true,
        reasons: Vec::new(),
    };
    let hf = Modifier::parse("HF").map_err(|e| e.to_string())?;
    let kinds = [
        ("residential", "H0047", "3.5", 14u32),
        ("intensive_outpatient", "H0015", "2.1", 36),
    ];
    let mut requests = Vec::with_capacity(n);
    for i in 0..n {
        let (level, code, asam, units) = kinds[i % kinds.len()];
        requests.push(AuthRequest {
            id: format!("UM-BENCH-{i}"),
            member_id: members[i % members.len()].clone(),
            requesting_npi: npi.clone(),
            servicing_npi: npi.clone(),
            level_of_care: level.into(),
            services: vec![RequestedService {
                code: ProcedureCode::parse(code).map_err(|e| e.to_string())?,
                modifiers: vec![hf.clone()],
                units,
            }],
            start,
            end: start.saturating_add(jiff::Span::new().days(i64::from(units.min(14)) - 1)),
            diagnoses: vec![Icd10Code::parse("F10.20").map_err(|e| e.to_string())?],
            urgency: if i % 3 == 0 {
                Urgency::Urgent
            } else {
                Urgency::NonUrgent
            },
            review_type: ReviewType::Prospective,
            emergency: false,
            extends_authorization: None,
            in_course_of_treatment: false,
            clinical: ClinicalInfo {
                risk: Some(Risk::default()),
                substance_use: Some("alcohol daily, last use yesterday".into()),
                medical: Some("hypertension".into()),
                treatment_plan: Some("14 days residential, then IOP".into()),
                discharge_plan: Some("step down to IOP".into()),
                asam_level: Some(asam.into()),
                ..ClinicalInfo::default()
            },
            attachments: Vec::new(),
            received_at: received,
        });
    }
    let mut lat = Vec::with_capacity(n);
    let mut approved = 0;
    let t0 = Instant::now();
    for (i, r) in requests.into_iter().enumerate() {
        let facts = UmFacts {
            plan,
            spans: &spans[i % spans.len()],
            servicing: Some(&standing),
            units_used_this_year: &[],
            sessions_with_provider: &[],
            in_course_of_treatment: false,
        };
        let t = Instant::now();
        let case = receive(cx, r, &facts, None).map_err(|e| e.to_string())?;
        lat.push(t.elapsed().as_nanos() as u64);
        approved += usize::from(case.status == Status::Approved);
        std::hint::black_box(&case);
    }
    let secs = t0.elapsed().as_secs_f64();
    lat.sort_unstable();
    let q = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    Ok(UmBenchReport {
        requests: n,
        auto_approved: approved,
        seconds: secs,
        per_second: n as f64 / secs.max(1e-9),
        p50_us: q(0.50),
        p99_us: q(0.99),
        max_us: lat.last().copied().unwrap_or(0) as f64 / 1000.0,
    })
}
