//! `accord bench quality --store`: the quality measures read from a database (issue 9). The
//! synthetic population and history of `accord_quality::bench` are stored once as members, paid
//! claims and their decisions — the rows `accord report quality` reads — in large units of work
//! (setup, not timed); then the read into the engine's inputs
//! (`accord_service::reports::load_quality_inputs`, the report's own path) and the measures are
//! timed separately. Not a test: nothing here asserts a time.

use std::path::PathBuf;
use std::time::Instant;

use accord_claims::{Claim, ClaimKind, ClaimLine, Frequency, LineDocumentation};
use accord_core::{
    Icd10Code, MemberId, Money, Npi, PlaceOfService, ProcedureCode, Units, member::Member,
    member::Sex,
};
use accord_plan::Plan;
use accord_quality::{MemberInfo, ServiceRecord};
use accord_store::{ReceivedFile, Store, StoredClaim, StoredDecision};
use anyhow::Context;

use crate::failure::fail;

/// Members stored per unit of work (with their claims and decisions).
const MEMBERS_PER_UNIT: usize = 50_000;
/// At most this many lines on one stored claim (a month's visits on one bill).
const LINES_PER_CLAIM: usize = 4;
/// The procedure stored on an inpatient stay's line (the synthetic stay carries none).
const INPATIENT_PROCEDURE: &str = "99223";
/// The billing provider of every synthetic claim.
const BILLING_NPI: &str = "1234567893";
const SENDER: &str = "QBENCH";
const INTERCHANGE: &str = "000000001";

/// Arguments of the database mode of `accord bench quality`.
#[derive(Debug, Clone)]
pub struct StoreBenchOptions {
    /// Members.
    pub members: usize,
    /// Service records.
    pub lines: usize,
    /// Plan directory.
    pub plan_dir: PathBuf,
    /// Database URL (default: a new SQLite file in a temporary directory).
    pub bench_db: Option<String>,
    /// Keep the temporary directory.
    pub keep: bool,
}

/// Runs the benchmark through the database.
pub async fn run(opts: StoreBenchOptions) -> anyhow::Result<()> {
    let work = tempfile::Builder::new()
        .prefix("accord-qbench-")
        .tempdir()?;
    let db = opts
        .bench_db
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", work.path().join("bench.db").display()));
    let plan = Plan::load(&opts.plan_dir).map_err(fail)?;
    let store = Store::connect(&db).await.map_err(fail)?;

    // ---- setup (not timed): the population and its paid claims, unless already stored
    let counts = store.counts().await.map_err(fail)?;
    let stored_members = counts.get("members");
    if stored_members == 0 {
        let setup = Instant::now();
        let (members, records) =
            accord_quality::bench::histories(opts.members, opts.lines, 42, 2026);
        let (claims, lines) = load(&store, &members, &records).await?;
        println!(
            "setup: {} members, {lines} lines on {claims} paid claims stored in {:.1} s (not timed)",
            members.len(),
            setup.elapsed().as_secs_f64()
        );
    } else if stored_members == opts.members as u64 && counts.get("claims") > 0 {
        println!(
            "setup: reusing the {stored_members} members and {} claims already stored",
            counts.get("claims")
        );
    } else {
        anyhow::bail!(
            "the database holds {stored_members} members, not the {} asked for: give an empty \
             database, or the one a run with the same --members kept",
            opts.members
        );
    }

    // ---- timed: (a) the report's read path, (b) the measures
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_at_start = super::bench_pipeline::status_kib("VmRSS:");
    let t = Instant::now();
    let input = accord_service::reports::load_quality_inputs(&store, &plan, None)
        .await
        .map_err(fail)?;
    let read = t.elapsed().as_secs_f64();
    let period = accord_quality::Period {
        start: jiff::civil::date(2026, 1, 1),
        end: jiff::civil::date(2026, 12, 31),
    };
    let t = Instant::now();
    let report = accord_quality::measure_classified(&input.members, &input.records, period);
    let measured = t.elapsed().as_secs_f64();
    println!(
        "Quality measures from {:?} ({}): {} members, {} service records",
        store.backend(),
        store.url(),
        input.members.len(),
        input.records.len()
    );
    println!(
        "  read     {read:>7.2} s  {:>10.0} records/s",
        input.records.len() as f64 / read.max(1e-9)
    );
    println!(
        "  measures {measured:>7.2} s  {:>10.0} records/s",
        input.records.len() as f64 / measured.max(1e-9)
    );
    println!("  total    {:>7.2} s", read + measured);
    if let (Some(start), Some(peak)) = (rss_at_start, super::bench_pipeline::status_kib("VmHWM:")) {
        println!(
            "memory: {:.0} MiB resident before the read, peak {:.0} MiB",
            start as f64 / 1024.0,
            peak as f64 / 1024.0
        );
    }
    for r in &report.rates {
        println!(
            "  {:<16} {:>8} / {:<8} {:>7}%",
            r.measure, r.numerator, r.denominator, r.rate
        );
    }
    store.close().await;
    if opts.keep {
        let kept = work.keep();
        println!("kept {}", kept.display());
    }
    Ok(())
}

/// Stores `members` and `records` (grouped by member) as members, one interchange, accepted
/// claims and paid decisions, [`MEMBERS_PER_UNIT`] members per unit of work. Returns the claims
/// and lines stored.
async fn load(
    store: &Store,
    members: &[MemberInfo],
    records: &[ServiceRecord],
) -> anyhow::Result<(usize, usize)> {
    let at = jiff::Timestamp::now();
    let received_at = at.to_string();
    let received_on = jiff::civil::date(2027, 1, 15);
    let npi = Npi::parse(BILLING_NPI)?;
    let mut uow = store
        .begin("bench", "quality benchmark setup", at)
        .await
        .map_err(fail)?;
    uow.record_received_file(&ReceivedFile {
        sender: SENDER.into(),
        interchange_control: INTERCHANGE.into(),
        file_name: "synthetic".into(),
        received_at: received_at.clone(),
        claims: 0,
    })
    .await
    .map_err(fail)?;
    uow.commit().await.map_err(fail)?;

    let mut next = 0usize;
    let mut lines_stored = 0usize;
    let mut rest = records;
    for (unit, chunk) in members.chunks(MEMBERS_PER_UNIT).enumerate() {
        let last = (unit * MEMBERS_PER_UNIT + chunk.len()) as u32;
        let split = rest.partition_point(|r| r.member < last);
        let (mine, later) = rest.split_at(split);
        rest = later;
        let stored_members = chunk
            .iter()
            .map(|m| {
                Ok(Member {
                    member_id: MemberId::parse(&m.id)?,
                    first_name: "Bench".into(),
                    last_name: "Member".into(),
                    birth_date: m.birth_date,
                    sex: Sex::U,
                    zip: "60601".into(),
                    family_size: None,
                    annual_income: None,
                    sud_consent: true,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let mut claims = Vec::new();
        let mut decisions = Vec::new();
        for group in claim_groups(mine) {
            next += 1;
            let tracking = format!("Q{next:011}");
            let m = &members[group[0].member as usize];
            let claim = synthetic_claim(&tracking, &m.id, &npi, group, received_on)?;
            let charge = claim.total_charge();
            lines_stored += claim.lines.len();
            claims.push(StoredClaim {
                tracking: tracking.clone(),
                sender: SENDER.into(),
                interchange_control: INTERCHANGE.into(),
                patient_control: tracking.clone(),
                member_id: Some(m.id.clone()),
                billing_npi: Some(BILLING_NPI.into()),
                total_charge: charge,
                status: "accepted".into(),
                reasons: serde_json::json!([]),
                claim: Some(serde_json::to_string(&claim)?),
                received_at: received_at.clone(),
            });
            decisions.push(StoredDecision {
                tracking,
                status: "processed_primary".into(),
                member_id: Some(m.id.clone()),
                pay_to_npi: BILLING_NPI.into(),
                received_on,
                decided_on: received_on,
                billed: charge,
                allowed: charge,
                paid: charge,
                net_paid: charge,
                patient_responsibility: Money::ZERO,
                clean: true,
                decision: "{}".into(),
                trace: None,
                cycle: None,
                remittance: None,
            });
        }
        let mut uow = store
            .begin("bench", "quality benchmark setup", at)
            .await
            .map_err(fail)?;
        uow.insert_members(&stored_members).await.map_err(fail)?;
        uow.insert_claims(&claims).await.map_err(fail)?;
        uow.insert_decisions(&decisions).await.map_err(fail)?;
        uow.commit().await.map_err(fail)?;
    }
    Ok((next, lines_stored))
}

/// Groups one member's records into claims: an outpatient visit joins the member's previous
/// claim when it has the same place of service and principal diagnosis (so the claim's diagnoses
/// are each line's), up to [`LINES_PER_CLAIM`] lines; stays and ED visits are claims of their own.
fn claim_groups(records: &[ServiceRecord]) -> Vec<&[ServiceRecord]> {
    let mut groups = Vec::new();
    let mut start = 0;
    for i in 1..=records.len() {
        let split = i == records.len() || {
            let (a, b) = (&records[start], &records[i]);
            a.member != b.member
                || a.pos.as_deref() != Some("11")
                || a.pos != b.pos
                || a.diagnoses != b.diagnoses
                || i - start >= LINES_PER_CLAIM
        };
        if split {
            groups.push(&records[start..i]);
            start = i;
        }
    }
    groups
}

/// A professional claim with one line per record.
fn synthetic_claim(
    tracking: &str,
    member_id: &str,
    npi: &Npi,
    group: &[ServiceRecord],
    received: accord_core::Date,
) -> anyhow::Result<Claim> {
    let first = &group[0];
    let pos = first
        .pos
        .as_deref()
        .map(PlaceOfService::parse)
        .transpose()?;
    let lines = group
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let code = r.procedure.as_deref().unwrap_or(INPATIENT_PROCEDURE);
            Ok(ClaimLine {
                number: i as u32 + 1,
                procedure: ProcedureCode::parse(code)?,
                modifiers: Vec::new(),
                revenue_code: None,
                units: Units::parse("1")?,
                charge: Money::from_cents(10_000),
                service_from: r.from,
                service_to: (r.through != r.from).then_some(r.through),
                rendering_npi: None,
                place_of_service: None,
                other_payer_paid: None,
                self_pay_collected: Money::ZERO,
                documentation: LineDocumentation::default(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Claim {
        tracking: tracking.to_owned(),
        kind: ClaimKind::Professional,
        frequency: Frequency::Original,
        member_id: MemberId::parse(member_id)?,
        billing_npi: npi.clone(),
        rendering_npi: None,
        supervising_npi: None,
        attending_npi: None,
        pay_to_npi: None,
        place_of_service: pos,
        bill_type: None,
        admission_date: None,
        discharge_date: None,
        statement_from: None,
        statement_to: None,
        received,
        diagnoses: first
            .diagnoses
            .iter()
            .map(|d| Icd10Code::parse(d))
            .collect::<Result<_, _>>()
            .context("synthetic diagnosis")?,
        prior_auth_ref: None,
        emergency: false,
        other_payer: None,
        lines,
    })
}
