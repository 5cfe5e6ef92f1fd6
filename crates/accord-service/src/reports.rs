//! The claims report (issue 9's claims part, shown on the staff dashboard): outcomes, the
//! auto-adjudication and clean-claim rates, denial reasons ranked, days from receipt to payment,
//! the share of clean claims paid within the plan's clean-claim days (PAY-07), and dollars by
//! program service. [`claims_report`] is pure; [`load_claims_report`] reads the store.

use std::collections::{BTreeMap, HashMap, HashSet};

use accord_core::{Date, Money};
use accord_store::{PaymentCycle, Store, StoredDecision};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ServiceError;
use crate::paid_claim_view::kind_of;
use accord_store::{PaidClaim, PaidLine};

/// One ranked denial reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DenialReason {
    /// Group and reason code, e.g. `CO-197`.
    pub code: String,
    /// Denied lines carrying it.
    pub lines: u64,
    /// Billed dollars on those lines.
    pub billed: Money,
}

/// The claims report for decisions made in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimsReport {
    /// First decision date.
    pub from: Date,
    /// Last decision date.
    pub to: Date,
    /// Claims decided.
    pub decided: u64,
    /// Claims by status (`processed_primary`, `denied`, `pended`, …).
    pub by_status: Vec<(String, u64)>,
    /// Decided by the rules alone: not pended and never touched by an examiner.
    pub auto_adjudicated: u64,
    /// Percent auto-adjudicated (2 places).
    pub auto_adjudication_percent: Decimal,
    /// Clean claims (CLM-01 clean-claim checks passed at receipt).
    pub clean: u64,
    /// Percent clean.
    pub clean_percent: Decimal,
    /// Denial reasons, most lines first (at most 10).
    pub top_denials: Vec<DenialReason>,
    /// Days from receipt to the payment cycle that remitted it: (upper bound label, claims).
    pub days_to_pay: Vec<(String, u64)>,
    /// Clean claims remitted within the plan's clean-claim days (PAY-07).
    pub clean_paid_within: u64,
    /// Clean claims remitted.
    pub clean_paid: u64,
    /// Percent of remitted clean claims paid within the clean-claim days.
    pub clean_paid_within_percent: Decimal,
    /// Billed, allowed and paid dollars.
    pub billed: Money,
    /// Allowed.
    pub allowed: Money,
    /// Paid (net of reversals).
    pub paid: Money,
    /// Paid dollars by procedure code, largest first (at most 10).
    pub paid_by_service: Vec<(String, Money)>,
}

fn pct(n: u64, d: u64) -> Decimal {
    if d == 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(d)).round_dp(2)
    }
}

/// The lean part of a stored decision the report reads.
#[derive(Debug, Deserialize)]
struct Lines {
    #[serde(default)]
    lines: Vec<Line>,
}

#[derive(Debug, Deserialize)]
struct Line {
    procedure: String,
    status: String,
    billed: Money,
    paid: Money,
    #[serde(default)]
    adjustments: Vec<Adj>,
}

#[derive(Debug, Deserialize)]
struct Adj {
    group: String,
    carc: String,
}

/// Buckets of days to pay, by upper bound.
const BUCKETS: &[(i64, &str)] = &[
    (7, "0-7"),
    (14, "8-14"),
    (30, "15-30"),
    (45, "31-45"),
    (60, "46-60"),
    (i64::MAX, "61+"),
];

/// The report, pure: `examined` are the claims an examiner acted on; `cycles` give each cycle's
/// pay date (the day it ran); `clean_claim_days` is PAY-07's number.
pub fn claims_report(
    decisions: &[StoredDecision],
    cycles: &[PaymentCycle],
    examined: &HashSet<String>,
    from: Date,
    to: Date,
    clean_claim_days: u32,
) -> ClaimsReport {
    let pay_date: HashMap<i64, Date> = cycles
        .iter()
        .filter_map(|c| {
            let d = c.run_at.get(..10)?.parse::<Date>().ok()?;
            Some((c.cycle, d))
        })
        .collect();
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut denials: HashMap<String, (u64, Money)> = HashMap::new();
    let mut by_service: HashMap<String, Money> = HashMap::new();
    let mut buckets = vec![0u64; BUCKETS.len()];
    let (mut auto, mut clean, mut clean_paid, mut clean_within) = (0u64, 0u64, 0u64, 0u64);
    let (mut billed, mut allowed, mut paid) = (Money::ZERO, Money::ZERO, Money::ZERO);
    for d in decisions
        .iter()
        .filter(|d| d.decided_on >= from && d.decided_on <= to)
    {
        *by_status.entry(d.status.clone()).or_default() += 1;
        if d.status != "pended" && !examined.contains(&d.tracking) {
            auto += 1;
        }
        clean += u64::from(d.clean);
        billed += d.billed;
        allowed += d.allowed;
        paid += d.net_paid;
        if let Some(day) = d.cycle.and_then(|c| pay_date.get(&c)) {
            let days = accord_core::calendar::calendar_days_between(d.received_on, *day);
            let i = BUCKETS
                .iter()
                .position(|(max, _)| days <= *max)
                .unwrap_or(BUCKETS.len() - 1);
            buckets[i] += 1;
            if d.clean {
                clean_paid += 1;
                clean_within += u64::from(days <= i64::from(clean_claim_days));
            }
        }
        if let Ok(l) = serde_json::from_str::<Lines>(&d.decision) {
            for line in &l.lines {
                let e = by_service
                    .entry(line.procedure.clone())
                    .or_insert(Money::ZERO);
                *e += line.paid;
                if line.status == "denied" {
                    // The reason is the first adjustment that is not the fee-schedule write-off.
                    if let Some(a) = line.adjustments.iter().find(|a| a.carc != "45") {
                        let e = denials
                            .entry(format!("{}-{}", a.group, a.carc))
                            .or_insert((0, Money::ZERO));
                        e.0 += 1;
                        e.1 += line.billed;
                    }
                }
            }
        }
    }
    let decided: u64 = by_status.values().sum();
    let mut top: Vec<DenialReason> = denials
        .into_iter()
        .map(|(code, (lines, billed))| DenialReason {
            code,
            lines,
            billed,
        })
        .collect();
    top.sort_by(|a, b| b.lines.cmp(&a.lines).then(a.code.cmp(&b.code)));
    top.truncate(10);
    let mut services: Vec<(String, Money)> = by_service
        .into_iter()
        .filter(|(_, m)| !m.is_zero())
        .collect();
    services.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    services.truncate(10);
    ClaimsReport {
        from,
        to,
        decided,
        by_status: by_status.into_iter().collect(),
        auto_adjudicated: auto,
        auto_adjudication_percent: pct(auto, decided),
        clean,
        clean_percent: pct(clean, decided),
        top_denials: top,
        days_to_pay: BUCKETS
            .iter()
            .zip(buckets)
            .map(|((_, l), n)| ((*l).to_owned(), n))
            .collect(),
        clean_paid_within: clean_within,
        clean_paid,
        clean_paid_within_percent: pct(clean_within, clean_paid),
        billed,
        allowed,
        paid,
        paid_by_service: services,
    }
}

/// Reads what the report needs and computes it.
pub async fn load_claims_report(
    store: &Store,
    plan: &accord_plan::Plan,
    from: Date,
    to: Date,
) -> Result<ClaimsReport, ServiceError> {
    let decisions = store.decisions_between(from, to).await?;
    let cycles = store.payment_cycles().await?;
    let examined: HashSet<String> = store
        .entities_with_action(
            accord_store::events::CLAIM,
            accord_store::events::action::CLAIM_EXAMINED,
        )
        .await?
        .into_iter()
        .collect();
    Ok(claims_report(
        &decisions,
        &cycles,
        &examined,
        from,
        to,
        plan.config.remittance.clean_claim_days,
    ))
}

/// QM-01: the quality measures over paid claims, for a measurement period, with one provider's
/// rates beside the plan's: an event (stay, ED visit, AOD episode) counts for the provider when
/// the provider billed or rendered a service to the member on the event's date.
pub async fn load_provider_quality(
    store: &Store,
    plan: &accord_plan::Plan,
    npi: &accord_core::Npi,
    from: Date,
    to: Date,
) -> Result<accord_quality::provider::ProviderQuality, ServiceError> {
    let input = load_quality_inputs(store, plan, Some(npi)).await?;
    let report = accord_quality::measure_classified(
        &input.members,
        &input.records,
        accord_quality::Period {
            start: from,
            end: to,
        },
    );
    let name = store
        .book()
        .await?
        .providers
        .iter()
        .find(|p| p.npi == *npi)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    Ok(accord_quality::provider::provider_quality(
        npi.as_str(),
        &name,
        &report,
        &input.attributed,
    ))
}

/// QM-01: the quality measures over paid claims, for a measurement period. Value sets come from
/// the plan directory's `value_sets.csv`.
pub async fn load_quality_report(
    store: &Store,
    plan: &accord_plan::Plan,
    from: Date,
    to: Date,
) -> Result<accord_quality::QualityReport, ServiceError> {
    let input = load_quality_inputs(store, plan, None).await?;
    Ok(accord_quality::measure_classified(
        &input.members,
        &input.records,
        accord_quality::Period {
            start: from,
            end: to,
        },
    ))
}

/// What the quality measures read: the members, the service records of paid claims (grouped by
/// member) and the plan's value sets.
pub struct QualityInputs {
    /// Members, indexed by `ClassifiedRecord::member`.
    pub members: Vec<accord_quality::MemberInfo>,
    /// Service records, classified by the value sets as they are read (no codes kept), sorted by
    /// member.
    pub records: Vec<accord_quality::ClassifiedRecord>,
    /// `value_sets.csv`.
    pub value_sets: accord_quality::ValueSets,
    /// With a provider asked for: (member ID, date) of every service on that provider's paid
    /// claims (billing or rendering), first and last date, the events attributed to it.
    pub attributed: HashSet<(String, Date)>,
}

/// Reads the members, the paid claims as service records, and the value sets; with `provider`,
/// also the (member, date) pairs of that provider's services.
pub async fn load_quality_inputs(
    store: &Store,
    plan: &accord_plan::Plan,
    provider: Option<&accord_core::Npi>,
) -> Result<QualityInputs, ServiceError> {
    let mut attributed: HashSet<(String, Date)> = HashSet::new();
    let path = plan.dir.join("value_sets.csv");
    let text = std::fs::read_to_string(&path).map_err(|source| ServiceError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let vs = accord_quality::ValueSets::parse(&text).map_err(|e| {
        ServiceError::invalid(
            path.display().to_string(),
            "value_sets.csv",
            e.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    // Members: ID and birth date only, a page per row through the driver.
    let people = store.member_birth_dates().await?;
    let mut index: HashMap<String, u32> = HashMap::with_capacity(people.len());
    let mut members = Vec::with_capacity(people.len());
    for (id, birth_date) in people {
        index.insert(id.clone(), members.len() as u32);
        members.push(accord_quality::MemberInfo { id, birth_date });
    }
    let mut records: Vec<accord_quality::ClassifiedRecord> = Vec::new();
    // The next page is read and decoded by a task while this one is classified: the database
    // and the decoding use one core, the classification the other. Two pages at most are in
    // memory.
    let fetch = |after: String| {
        let store = store.clone();
        tokio::spawn(async move { store.quality_page(&after, QUALITY_PAGE).await })
    };
    let mut classifier = accord_quality::Classifier::new(&vs);
    let mut next = Some(fetch(String::new()));
    while let Some(task) = next.take() {
        let read = task
            .await
            .map_err(|e| ServiceError::invalid("quality read", "page", e))??;
        let Some(page) = read else { break };
        next = Some(fetch(page.last.clone()));
        for (_, claim) in page.claims()? {
            add_paid_claim(
                &claim,
                &index,
                provider,
                &mut classifier,
                &mut records,
                &mut attributed,
            );
        }
    }
    records.sort_by_key(|r| r.member);
    Ok(QualityInputs {
        members,
        records,
        value_sets: vs,
        attributed,
    })
}

/// Paid claims per page of the quality read: one row of about 3 MB through the driver.
const QUALITY_PAGE: i64 = 20_000;

/// An optional text as `&str`.
fn text<S: AsRef<str>>(s: &Option<S>) -> Option<&str> {
    s.as_ref().map(AsRef::as_ref)
}

/// A paid claim's service records (an institutional claim's stay, then each line), classified
/// by the value sets from the claim's own text, and, with a provider asked for, the (member,
/// date) pairs of that provider's services. A claim of a member not on file is skipped.
fn add_paid_claim<S: AsRef<str>>(
    claim: &PaidClaim<S>,
    index: &HashMap<String, u32>,
    provider: Option<&accord_core::Npi>,
    classifier: &mut accord_quality::Classifier<'_>,
    records: &mut Vec<accord_quality::ClassifiedRecord>,
    attributed: &mut HashSet<(String, Date)>,
) {
    let id = claim.member_id.as_ref();
    let Some(&member) = index.get(id) else {
        return;
    };
    let billing = claim.billing_npi.as_ref();
    if let Some(npi) = provider {
        let npi = npi.as_str();
        let mine = |l: &PaidLine<S>| billing == npi || claim.rendering_for(l) == npi;
        for l in claim.lines.iter().filter(|l| mine(l)) {
            attributed.insert((id.to_owned(), l.service_from));
            attributed.insert((id.to_owned(), l.service_to.unwrap_or(l.service_from)));
        }
        if billing == npi {
            for d in [
                claim.admission_date,
                claim.discharge_date,
                claim.statement_from,
                claim.statement_to,
            ]
            .into_iter()
            .flatten()
            {
                attributed.insert((id.to_owned(), d));
            }
        }
    }
    let dx = claim.diagnoses.as_slice();
    if let (accord_claims::ClaimKind::Institutional, Some(bt)) =
        (kind_of(claim.kind), text(&claim.bill_type))
    {
        let from_d = claim.admission_date.or(claim.statement_from);
        let to_d = claim.discharge_date.or(claim.statement_to).or(from_d);
        if let (Some(a), Some(b)) = (from_d, to_d) {
            // The bill type's first three digits (facility, care, frequency's class).
            let bill_type = bt.get(..3).unwrap_or(bt);
            let codes = accord_quality::ServiceCodes {
                bill_type: Some(bill_type),
                revenue: claim.lines.first().and_then(|l| text(&l.revenue_code)),
                ..Default::default()
            };
            records.push(accord_quality::ClassifiedRecord {
                member,
                from: a,
                through: b,
                flags: classifier.classify(&codes, dx),
            });
        }
    }
    for l in &claim.lines {
        let codes = accord_quality::ServiceCodes {
            procedure: Some(l.procedure.as_ref()),
            pos: claim.place_for(l),
            bill_type: None,
            revenue: text(&l.revenue_code),
        };
        records.push(accord_quality::ClassifiedRecord {
            member,
            from: l.service_from,
            through: l.service_to.unwrap_or(l.service_from),
            flags: classifier.classify(&codes, dx),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(t: &str, status: &str, cycle: Option<i64>, lines: &str) -> StoredDecision {
        StoredDecision {
            tracking: t.into(),
            status: status.into(),
            member_id: Some("M1".into()),
            pay_to_npi: "1234567893".into(),
            received_on: "2026-10-01".parse().unwrap(),
            decided_on: "2026-10-02".parse().unwrap(),
            billed: Money::parse("100.00").unwrap(),
            allowed: Money::parse("80.00").unwrap(),
            paid: Money::parse("80.00").unwrap(),
            net_paid: Money::parse("80.00").unwrap(),
            patient_responsibility: Money::ZERO,
            clean: true,
            decision: format!(r#"{{"lines": [{lines}]}}"#),
            trace: None,
            cycle,
            remittance: None,
        }
    }

    #[test]
    fn pay_07_claims_report_counts_outcomes_denials_and_days_to_pay() {
        let denied = r#"{"procedure": "H0047", "status": "denied", "billed": "100.00", "paid": "0.00",
            "adjustments": [{"group": "CO", "carc": "197"}]}"#;
        let paid = r#"{"procedure": "H0004", "status": "paid", "billed": "100.00", "paid": "80.00",
            "adjustments": [{"group": "CO", "carc": "45"}]}"#;
        let ds = vec![
            decision("1", "denied", Some(1), denied),
            decision("2", "processed_primary", Some(1), paid),
            decision("3", "pended", None, paid),
            decision("4", "processed_primary", Some(2), paid),
        ];
        let cycles = vec![
            PaymentCycle {
                cycle: 1,
                through: "2026-10-05".parse().unwrap(),
                run_at: "2026-10-06T15:00:00Z".into(),
                remittances: 1,
                claims: 2,
                total: Money::ZERO,
            },
            PaymentCycle {
                cycle: 2,
                through: "2026-11-20".parse().unwrap(),
                run_at: "2026-11-20T15:00:00Z".into(),
                remittances: 1,
                claims: 1,
                total: Money::ZERO,
            },
        ];
        let examined: HashSet<String> = ["2".to_owned()].into();
        let r = claims_report(
            &ds,
            &cycles,
            &examined,
            "2026-10-01".parse().unwrap(),
            "2026-10-31".parse().unwrap(),
            30,
        );
        assert_eq!(r.decided, 4);
        assert_eq!(
            r.auto_adjudicated, 2,
            "the pended claim and the examined one are not automatic"
        );
        assert_eq!(
            r.top_denials,
            vec![DenialReason {
                code: "CO-197".into(),
                lines: 1,
                billed: Money::parse("100.00").unwrap()
            }]
        );
        // Received 10-01: cycle 1 ran 10-06 (5 days), cycle 2 ran 11-20 (50 days).
        assert_eq!(r.days_to_pay[0], ("0-7".to_owned(), 2));
        assert_eq!(r.days_to_pay[4], ("46-60".to_owned(), 1));
        assert_eq!((r.clean_paid_within, r.clean_paid), (2, 3));
        assert_eq!(r.paid_by_service[0].0, "H0004");
    }
}
