//! `accord report access` (QM-02, QM-03) and `accord cob …` (PAY-05: sliding fee tier, amount
//! billable to the state, the fiscal-policy self-assessment).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use accord_core::{Date, ErrorCode, Money};
use accord_plan::Plan;
use accord_quality::AccessReport;
use accord_quality::self_assessment;
use accord_quality::state_funding::{self, OtherInsurance, StateService};
use anyhow::Context;

use super::open_store;
use crate::failure::{Failure, fail};

fn load_plan(dir: Option<&Path>) -> anyhow::Result<Plan> {
    let dir = super::demo_plan::locate(dir)?;
    Plan::load(&dir).map_err(fail)
}

fn invalid(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Failure {
        code: ErrorCode::InvalidInput,
        message: message.into(),
    })
}

/// `accord report access`.
pub async fn report_access(
    db: &str,
    from: Date,
    to: Date,
    format: &str,
    plan: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    if !matches!(format, "table" | "csv" | "json") {
        return Err(invalid(format!(
            "--format: {format:?} is not table, csv or json"
        )));
    }
    let plan = load_plan(plan)?;
    let store = open_store(db).await?;
    let r = accord_service::access::load_access_report(&store, &plan, from, to)
        .await
        .map_err(fail)?;
    store.close().await;
    match format {
        "json" => println!("{}", serde_json::to_string_pretty(&r)?),
        "csv" => print!("{}", access_csv(&r)),
        _ => print!("{}", access_table(&r)),
    }
    Ok(ExitCode::SUCCESS)
}

/// `accord report quality --provider NPI`: the provider's rates beside the plan's.
pub async fn report_provider_quality(
    db: &str,
    from: Date,
    to: Date,
    format: &str,
    plan: Option<&Path>,
    npi: &str,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    if !matches!(format, "table" | "csv" | "json" | "html") {
        return Err(invalid(format!(
            "--format: {format:?} is not table, csv, json or html"
        )));
    }
    let npi = accord_core::Npi::parse(npi).map_err(|e| invalid(format!("--provider: {e}")))?;
    let plan = load_plan(plan)?;
    let store = open_store(db).await?;
    let q = accord_service::reports::load_provider_quality(&store, &plan, &npi, from, to)
        .await
        .map_err(fail)?;
    store.close().await;
    let text = match format {
        "html" => accord_quality::provider::render_html(&q),
        "json" => serde_json::to_string_pretty(&q)? + "\n",
        "csv" => {
            let mut s = String::from(
                "measure,provider_denominator,provider_numerator,provider_rate,plan_denominator,plan_rate\n",
            );
            for r in &q.rates {
                s.push_str(&format!(
                    "{},{},{},{},{},{}\n",
                    r.measure,
                    r.denominator,
                    r.numerator,
                    r.rate.map(|x| x.to_string()).unwrap_or_default(),
                    r.plan_denominator,
                    r.plan_rate
                ));
            }
            s
        }
        _ => {
            let mut s = format!(
                "Quality measures {from} to {to}: {} (NPI {}) against the plan (QM-01)\n",
                q.name, q.npi
            );
            for r in &q.rates {
                s.push_str(&format!(
                    "  {:<16} {:>6} / {:<6} {:>8}   plan {:>7}% of {}\n",
                    r.measure,
                    r.numerator,
                    r.denominator,
                    r.rate.map_or("-".to_owned(), |x| format!("{x}%")),
                    r.plan_rate,
                    r.plan_denominator
                ));
            }
            s
        }
    };
    match out {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            println!("wrote {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `accord report cob`.
pub async fn report_cob(db: &str, from: Date, to: Date, format: &str) -> anyhow::Result<ExitCode> {
    if !matches!(format, "table" | "json") {
        return Err(invalid(format!(
            "--format: {format:?} is not table or json"
        )));
    }
    let store = open_store(db).await?;
    let r = accord_service::state_funding::load_cob_report(&store, from, to)
        .await
        .map_err(fail)?;
    store.close().await;
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!("State-funded services decided {from} to {to} (PAY-05)");
        println!("  claims {}   lines {}", r.claims, r.lines);
        println!("  billed by providers        {:>14}", r.billed.to_string());
        println!("  state rate (allowed)       {:>14}", r.rate.to_string());
        println!(
            "  collections deducted       {:>14}   ({} lines: third-party; self-pay above the sliding fee scale)",
            r.collections_deducted.to_string(),
            r.lines_with_collections
        );
        println!(
            "  paid from state funds      {:>14}",
            r.paid_by_state.to_string()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One row per urgency class, then the aftercare row.
pub fn access_csv(r: &AccessReport) -> String {
    let mut s = String::from("measure,class,standard,denominator,numerator,percent\n");
    for c in &r.classes {
        s.push_str(&format!(
            "QM-02,{},{},{},{},{}\n",
            c.urgency, c.standard, c.requests, c.met, c.percent
        ));
    }
    let a = &r.aftercare;
    s.push_str(&format!(
        "QM-03,aftercare,{} days,{},{},{}\n",
        a.days, a.discharges, a.met, a.percent
    ));
    s
}

/// The report as people read it.
pub fn access_table(r: &AccessReport) -> String {
    let mut s = format!(
        "Access to care {} to {} (QM-02 standards; QM-03 aftercare)\n",
        r.start, r.end
    );
    s.push_str(&format!(
        "  {:<32} {:<18} {:>8} {:>8} {:>8}\n",
        "urgency class", "standard", "requests", "met", "percent"
    ));
    for c in &r.classes {
        // No requests is no rate, not 0%.
        let percent = if c.requests == 0 {
            "-".to_owned()
        } else {
            format!("{}%", c.percent)
        };
        s.push_str(&format!(
            "  {:<32} {:<18} {:>8} {:>8} {:>8}\n",
            c.urgency.as_str(),
            c.standard,
            c.requests,
            c.met,
            percent
        ));
    }
    let a = &r.aftercare;
    s.push_str(&format!(
        "  aftercare recorded at discharge, within {} days: {} of {} discharges ({}%)\n",
        a.days, a.met, a.discharges, a.percent
    ));
    let missed: Vec<String> = r
        .classes
        .iter()
        .flat_map(|c| c.members.iter().filter(|l| !l.met))
        .map(|l| l.appointment_id.clone())
        .collect();
    if !missed.is_empty() {
        s.push_str(&format!(
            "  outside the standard: {} (member lists: --format json)\n",
            missed.join(", ")
        ));
    }
    s
}

/// `accord cob …`: the state-funded (non-Medicaid) tools of PAY-05.
#[derive(Debug, clap::Subcommand)]
pub enum CobCommand {
    /// The member's sliding fee tier from annual household income and family size.
    Tier {
        /// Annual household income, e.g. 31300.
        #[arg(long)]
        income: String,
        /// People in the household.
        #[arg(long)]
        family_size: u32,
        /// Poverty-guideline year (poverty_guidelines.csv).
        #[arg(long)]
        year: i16,
        /// Plan directory (defaults to the demo plan).
        #[arg(long)]
        plan: Option<PathBuf>,
    },
    /// The amount billable to the state for one service.
    Billable {
        /// The state's rate for the service (payment in full).
        #[arg(long)]
        rate: String,
        /// Collected from insurers.
        #[arg(long, default_value = "0")]
        third_party: String,
        /// Collected from the member.
        #[arg(long, default_value = "0")]
        self_pay: String,
        /// The member is on the sliding fee scale (see `accord cob tier`).
        #[arg(long)]
        on_scale: bool,
        /// The insurer does not cover the service.
        #[arg(long)]
        not_covered: bool,
        /// With --not-covered: the insurer's denial is on file.
        #[arg(long)]
        denial_on_file: bool,
    },
    /// Score a provider's fiscal-policy self-assessment (17 items; answers as JSON) and list the
    /// items not met.
    SelfAssessment {
        /// `{"provider": "...", "answers": [{"item": 1, "answer": "yes|no|yes_but", "note": "..."}]}`
        file: PathBuf,
        /// table or json.
        #[arg(long, default_value = "table")]
        format: String,
    },
    /// Print the 17 items of the self-assessment.
    Items,
}

fn money(field: &str, s: &str) -> anyhow::Result<Money> {
    Money::parse(s).map_err(|e| invalid(format!("--{field}: {e}")))
}

/// Runs a `cob` command.
pub fn run_cob(cmd: CobCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        CobCommand::Tier {
            income,
            family_size,
            year,
            plan,
        } => {
            let plan = load_plan(plan.as_deref())?;
            let income = money("income", &income)?;
            let p = state_funding::sliding_fee_tier(
                &plan.poverty,
                &plan.config.sliding_fee,
                year,
                family_size,
                income,
            )
            .map_err(|e| invalid(e.to_string()))?;
            match &p.tier {
                Some(t) => println!(
                    "income {income} for a family of {family_size} is {}% of the {year} poverty guideline: tier {t}, member fee {}% of the rate; on the sliding fee scale (PAY-05: the provider keeps self-pay and bills the state 100% of the rate less third-party collections)",
                    p.percent_of_guideline, p.member_fee_percent
                ),
                None => println!(
                    "income {income} for a family of {family_size} is {}% of the {year} poverty guideline: above the sliding fee scale (PAY-05: self-pay is deducted like third-party collections)",
                    p.percent_of_guideline
                ),
            }
        }
        CobCommand::Billable {
            rate,
            third_party,
            self_pay,
            on_scale,
            not_covered,
            denial_on_file,
        } => {
            let s = StateService {
                rate: money("rate", &rate)?,
                third_party_collected: money("third-party", &third_party)?,
                self_pay_collected: money("self-pay", &self_pay)?,
                on_sliding_scale: on_scale,
                other_insurance: if not_covered {
                    OtherInsurance::NotCovered { denial_on_file }
                } else {
                    OtherInsurance::CoveredOrNone
                },
            };
            let b = state_funding::state_billable(&s).map_err(|e| invalid(e.to_string()))?;
            println!("billable to the state: {}\n  {}", b.billable, b.explanation);
        }
        CobCommand::SelfAssessment { file, format } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let answers = self_assessment::parse_answers(&text).map_err(|errs| {
                invalid(format!(
                    "{}: {}",
                    file.display(),
                    errs.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            })?;
            let s = self_assessment::score(&answers);
            if format == "json" {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                println!(
                    "Fiscal-policy self-assessment{}: {} of {} points ({}%), {} of 17 items met",
                    if s.provider.is_empty() {
                        String::new()
                    } else {
                        format!(" of {}", s.provider)
                    },
                    s.points,
                    s.max_points,
                    s.percent,
                    s.met
                );
                for u in &s.unmet {
                    let note = if u.note.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", u.note)
                    };
                    println!("  {:>2}. [{}] {}{note}", u.item, u.status, u.text);
                }
            }
        }
        CobCommand::Items => {
            for i in self_assessment::items() {
                println!("{:>2}. {}", i.number, i.text);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
