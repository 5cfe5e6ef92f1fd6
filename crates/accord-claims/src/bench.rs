//! Throughput benchmark behind `accord bench adjudicate`: pure engine throughput on generated claims
//! against realistic reference data — a plan with 1,000 services and a 100,000-row NCCI table
//! (the demo plan plus synthetic rows), 100,000 members, 1,000,000 prior lines in history,
//! authorizations and a provider network. Only [`crate::adjudicate`] is timed.
//!
//! This is a measuring tool, not part of the pure engine: it writes the generated plan to a
//! temporary directory (loaded with `Plan::load`, then removed) and reads the clock.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use accord_core::member::{EligibilitySpan, Member, Program, Sex};
use accord_core::provider::{
    NetworkStatus, Provider, ProviderKind, Sanction, SanctionLevel, StatusSpan,
};
use accord_core::{
    Date, Icd10Code, MemberId, Modifier, Money, Npi, PlaceOfService, ProcedureCode, TaxId, Units,
};
use accord_plan::Plan;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::claim::{Claim, ClaimKind, ClaimLine, Frequency, LineDocumentation};
use crate::facts::{
    Authorization, AuthorizationBook, ClaimHistory, Facts, PriorLine, PriorStatus,
    ProviderDirectory, ProviderFacts, member_key,
};
use crate::hash::FastMap;
use crate::outcome::{ClaimStatus, Code, Group, LineStatus};

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Reading the base plan or writing the generated one failed.
    #[error("benchmark plan files in {dir}: {source}")]
    Io {
        /// The directory involved.
        dir: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The generated plan did not load.
    #[error("generated plan does not load: {0}")]
    Plan(String),
    /// A generated identifier was invalid (a bug in the generator).
    #[error("generated data is invalid: {0}")]
    Data(String),
}

/// Benchmark sizes and seed.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Base plan directory (default: the demo plan).
    pub plan_dir: PathBuf,
    /// Services in the generated plan (demo services plus synthetic ones).
    pub services: usize,
    /// NCCI PTP rows in the generated plan.
    pub ncci_rows: usize,
    /// Members.
    pub members: usize,
    /// Prior lines in claim history.
    pub history_lines: usize,
    /// Facilities (each with three staff clinicians).
    pub facilities: usize,
    /// Claims adjudicated (timed).
    pub claims: usize,
    /// RNG seed: the same seed generates the same data.
    pub seed: u64,
    /// Where to write the generated plan (default: the system temp directory).
    pub work_dir: Option<PathBuf>,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            plan_dir: PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../plans/demo-illinois-bh"
            )),
            services: 1_000,
            ncci_rows: 100_000,
            members: 100_000,
            history_lines: 1_000_000,
            facilities: 500,
            claims: 200_000,
            seed: 42,
            work_dir: None,
        }
    }
}

/// Counts of outcomes.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Tally {
    /// Claims adjudicated.
    pub claims: u64,
    /// Lines adjudicated.
    pub lines: u64,
    /// Lines paid.
    pub paid: u64,
    /// Lines partially paid.
    pub partially_paid: u64,
    /// Lines denied.
    pub denied: u64,
    /// Lines pended.
    pub pended: u64,
    /// Claims rejected (277CA).
    pub rejected_claims: u64,
    /// Trace entries produced.
    pub trace_steps: u64,
    /// Denials by CARC.
    pub carcs: Vec<(String, u64)>,
}

/// What the benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Services in the generated plan.
    pub services: usize,
    /// NCCI rows in the generated plan.
    pub ncci_rows: usize,
    /// Members.
    pub members: usize,
    /// History lines.
    pub history_lines: usize,
    /// Providers in the directory.
    pub providers: usize,
    /// Authorizations.
    pub authorizations: usize,
    /// Seconds spent generating and indexing the data (not timed in the throughput).
    pub setup_seconds: f64,
    /// Wall-clock seconds adjudicating.
    pub seconds: f64,
    /// CPU seconds of the adjudicating thread (from /proc; equal to `seconds` where unavailable).
    pub cpu_seconds: f64,
    /// Claim lines per wall-clock second (one thread).
    pub lines_per_second: f64,
    /// Claim lines per CPU second.
    pub lines_per_cpu_second: f64,
    /// Claims per wall-clock second.
    pub claims_per_second: f64,
    /// Outcome counts.
    pub tally: Tally,
}

impl BenchReport {
    /// A short human-readable summary.
    pub fn summary(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "reference data: {} services, {} NCCI rows, {} members, {} history lines, {} providers, {} authorizations (setup {:.1} s)",
            self.services,
            self.ncci_rows,
            self.members,
            self.history_lines,
            self.providers,
            self.authorizations,
            self.setup_seconds
        );
        let _ = writeln!(
            s,
            "adjudicated {} claims / {} lines in {:.3} s wall, {:.3} s CPU: {:.0} lines/s ({:.0} lines per CPU second), {:.0} claims/s",
            self.tally.claims,
            self.tally.lines,
            self.seconds,
            self.cpu_seconds,
            self.lines_per_second,
            self.lines_per_cpu_second,
            self.claims_per_second
        );
        let t = &self.tally;
        let _ = writeln!(
            s,
            "lines: {} paid, {} partially paid, {} denied, {} pended; {} claims rejected; {} trace steps",
            t.paid, t.partially_paid, t.denied, t.pended, t.rejected_claims, t.trace_steps
        );
        let carcs: Vec<String> = t.carcs.iter().map(|(c, n)| format!("{c}: {n}")).collect();
        let _ = writeln!(s, "adjustments by reason: {}", carcs.join(", "));
        s
    }
}

/// Generated reference data and claims.
pub struct Dataset {
    /// The generated plan.
    pub plan: Plan,
    /// Providers.
    pub providers: ProviderDirectory,
    /// Authorizations.
    pub authorizations: AuthorizationBook,
    /// Number of authorizations.
    pub authorization_count: usize,
    /// History.
    pub history: ClaimHistory,
    /// Members.
    pub members: Vec<Member>,
    /// Spans per member (same index as `members`).
    pub spans: Vec<Vec<EligibilitySpan>>,
    /// Index of each member by [`member_key`].
    pub member_index: FastMap<u128, usize>,
    /// Claims to adjudicate.
    pub claims: Vec<Claim>,
}

impl Dataset {
    /// The facts for one claim.
    pub fn facts_for(&self, claim: &Claim) -> Facts<'_> {
        let mut f = Facts::new(
            &self.plan,
            &self.providers,
            &self.authorizations,
            &self.history,
        );
        if let Some(&i) = self.member_index.get(&member_key(&claim.member_id)) {
            f.member = Some(&self.members[i]);
            f.spans = &self.spans[i];
        }
        f
    }

    /// Adjudicates every claim, counting outcomes.
    pub fn adjudicate_all(&self) -> Tally {
        let mut t = Tally::default();
        let mut carcs: HashMap<(Group, Code), u64> = HashMap::new();
        for c in &self.claims {
            let facts = self.facts_for(c);
            let d = crate::adjudicate(c, &facts, c.received);
            t.claims += 1;
            t.trace_steps += d.trace.len() as u64;
            if d.status == ClaimStatus::Rejected {
                t.rejected_claims += 1;
                t.lines += c.lines.len() as u64;
            }
            for l in &d.lines {
                t.lines += 1;
                match l.status {
                    LineStatus::Paid => t.paid += 1,
                    LineStatus::PartiallyPaid => t.partially_paid += 1,
                    LineStatus::Denied => t.denied += 1,
                    LineStatus::Pended => t.pended += 1,
                }
                for a in &l.adjustments {
                    *carcs.entry((a.group, a.carc.clone())).or_default() += 1;
                }
            }
        }
        let mut v: Vec<(String, u64)> = carcs
            .into_iter()
            .map(|((g, c), n)| (format!("{}-{c}", g.as_str()), n))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        t.carcs = v;
        t
    }
}

/// Generates the data, adjudicates every claim on this thread, and reports.
pub fn run(opts: &BenchOptions) -> Result<BenchReport, BenchError> {
    let t0 = Instant::now();
    let data = generate(opts)?;
    let setup_seconds = t0.elapsed().as_secs_f64();
    let cpu0 = thread_cpu_seconds();
    let t1 = Instant::now();
    let tally = data.adjudicate_all();
    let seconds = t1.elapsed().as_secs_f64().max(1e-9);
    let cpu_seconds = match (cpu0, thread_cpu_seconds()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => seconds,
    };
    Ok(BenchReport {
        services: data.plan.services.len(),
        ncci_rows: data.plan.ncci.len(),
        members: data.members.len(),
        history_lines: data.history.len(),
        providers: data.providers.len(),
        authorizations: data.authorization_count,
        setup_seconds,
        seconds,
        cpu_seconds,
        lines_per_second: tally.lines as f64 / seconds,
        lines_per_cpu_second: tally.lines as f64 / cpu_seconds,
        claims_per_second: tally.claims as f64 / seconds,
        tally,
    })
}

/// CPU time of this thread in seconds, from /proc/thread-self/schedstat (Linux).
fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn io(dir: &Path) -> impl Fn(std::io::Error) -> BenchError + '_ {
    move |source| BenchError::Io {
        dir: dir.to_owned(),
        source,
    }
}

fn data_err(e: impl std::fmt::Display) -> BenchError {
    BenchError::Data(e.to_string())
}

/// The synthetic codes `S0000`… (HCPCS Level II form; none is in the demo plan).
fn synthetic_code(i: usize) -> String {
    format!("S{:04}", i % 10_000)
}

/// Writes the demo plan plus synthetic services, grid, fees, NCCI and MUE rows to `dir`.
fn write_plan(opts: &BenchOptions, dir: &Path) -> Result<usize, BenchError> {
    let base = &opts.plan_dir;
    let read = |name: &str| std::fs::read_to_string(base.join(name)).map_err(io(base));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut services = read("services.csv")?;
    let mut grid = read("auth_grid.csv")?;
    let mut fees = read("fee_schedule.csv")?;
    let mut ncci = read("ncci_ptp.csv")?;
    let mut mue = read("mue.csv")?;
    let demo_services = services
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("code,") && !l.trim().is_empty())
        .count();
    let synth = opts.services.saturating_sub(demo_services).max(1);
    for i in 0..synth {
        let c = synthetic_code(i);
        let _ = writeln!(
            services,
            "{c},,Synthetic service {i},15min,outpatient,16,,,false,,,false,2024-07-01,"
        );
        let (req, threshold) = match i % 4 {
            0 => ("prior_auth", "48"),
            1 => ("notification", ""),
            _ => ("none", ""),
        };
        let _ = writeln!(grid, "{c},,,{req},{threshold},false,Synthetic rule");
        let _ = writeln!(
            fees,
            "{c},,{}.{:02},15min,2024-07-01,,",
            10 + i % 40,
            i % 100
        );
        let _ = writeln!(
            mue,
            "{c},24,3 Date of Service Edit: Clinical,Clinical: Data"
        );
    }
    let existing = ncci
        .lines()
        .filter(|l| l.as_bytes().first().is_some_and(u8::is_ascii_digit))
        .count();
    let want = opts.ncci_rows.saturating_sub(existing);
    let per_col1 = want.div_ceil(synth).max(1);
    let mut written = 0;
    'outer: for c1 in 0..synth {
        for k in 1..=per_col1 {
            if written >= want {
                break 'outer;
            }
            let c2 = (c1 + k) % synth;
            if c2 == c1 {
                continue;
            }
            let ind = if k % 3 == 0 { 0 } else { 1 };
            let _ = writeln!(
                ncci,
                "{},{},,20130101,*,{ind},Synthetic edit",
                synthetic_code(c1),
                synthetic_code(c2)
            );
            written += 1;
        }
    }
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).map_err(io(dir));
    write("services.csv", &services)?;
    write("auth_grid.csv", &grid)?;
    write("fee_schedule.csv", &fees)?;
    write("ncci_ptp.csv", &ncci)?;
    write("mue.csv", &mue)?;
    write("plan.toml", &read("plan.toml")?)?;
    if let Ok(p) = read("poverty_guidelines.csv") {
        write("poverty_guidelines.csv", &p)?;
    }
    if let Ok(p) = read("remark_codes.csv") {
        write("remark_codes.csv", &p)?;
    }
    Ok(synth)
}

/// Demo services the generator bills, with units per line (max) and charge per unit.
const MIX: &[(&str, &str, u32, i64)] = &[
    ("T1016", "HE", 8, 25),
    ("H0004", "HF", 6, 30),
    ("H0004", "HE", 6, 30),
    ("H2015", "HE", 16, 25),
    ("H0031", "HE", 8, 30),
    ("H0032", "HE", 4, 30),
    ("90837", "", 1, 150),
    ("90834", "", 1, 110),
    ("99213", "", 1, 90),
    ("99214", "", 1, 130),
    ("H2011", "HE", 8, 45),
    ("H2017", "HE", 8, 15),
    ("90791", "", 1, 160),
];

struct Gen {
    rng: ChaCha8Rng,
    codes: Vec<(ProcedureCode, Vec<Modifier>, u32, i64)>,
    synth: Vec<ProcedureCode>,
    facilities: Vec<Npi>,
    staff: Vec<Npi>,
    base: Date,
}

impl Gen {
    fn pick_service(&mut self) -> (ProcedureCode, Vec<Modifier>, u32, i64) {
        if self.rng.gen_bool(0.2) && !self.synth.is_empty() {
            let i = self.rng.gen_range(0..self.synth.len().min(50));
            (self.synth[i].clone(), Vec::new(), 8, 20)
        } else {
            let i = self.rng.gen_range(0..self.codes.len());
            self.codes[i].clone()
        }
    }

    fn day(&mut self, from: i64, to: i64) -> Date {
        let n = self.rng.gen_range(from..to);
        self.base
            .checked_add(jiff::Span::new().days(n))
            .unwrap_or(self.base)
    }
}

/// Generates the plan, the reference data and the claims (deterministic for a seed).
pub fn generate(opts: &BenchOptions) -> Result<Dataset, BenchError> {
    let dir = opts
        .work_dir
        .clone()
        .unwrap_or_else(std::env::temp_dir)
        .join(format!(
            "accord-claims-bench-{}-{}",
            std::process::id(),
            opts.seed
        ));
    let synth_n = write_plan(opts, &dir)?;
    let plan = Plan::load(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    let plan = plan.map_err(|e| BenchError::Plan(e.to_string()))?;

    let mut codes = Vec::new();
    for (c, m, u, ch) in MIX {
        let mods = if m.is_empty() {
            Vec::new()
        } else {
            vec![Modifier::parse(m).map_err(data_err)?]
        };
        codes.push((ProcedureCode::parse(c).map_err(data_err)?, mods, *u, *ch));
    }
    let synth = (0..synth_n.min(200))
        .map(|i| ProcedureCode::parse(&synthetic_code(i)).map_err(data_err))
        .collect::<Result<Vec<_>, _>>()?;
    let base: Date = jiff::civil::date(2026, 1, 1);
    let tin = TaxId::parse("12-3456789").map_err(data_err)?;
    let since = jiff::civil::date(2020, 1, 1);

    let nf = opts.facilities.max(1);
    let facilities: Vec<Npi> = (0..nf)
        .map(|i| Npi::from_first_nine(900_000_000 + i as u32))
        .collect();
    let staff: Vec<Npi> = (0..nf * 3)
        .map(|i| Npi::from_first_nine(100_000_000 + i as u32))
        .collect();
    let mut providers = ProviderDirectory::new();
    for (i, f) in facilities.iter().enumerate() {
        let sanctions = if i % 100 == 99 {
            vec![Sanction {
                npi: f.clone(),
                level: SanctionLevel::Suspension,
                start: jiff::civil::date(2026, 2, 1),
                end: Some(jiff::civil::date(2026, 2, 28)),
                reason: "billing audit".into(),
            }]
        } else {
            Vec::new()
        };
        providers.insert(ProviderFacts {
            provider: Provider {
                npi: f.clone(),
                kind: ProviderKind::Facility,
                name: format!("Agency {i}"),
                tax_id: tin.clone(),
                specialty: "cmhc".into(),
                license_number: Some(format!("L{i}")),
                license_expires: Some(jiff::civil::date(2030, 12, 31)),
                facility_npi: None,
            },
            statuses: vec![StatusSpan {
                npi: f.clone(),
                status: NetworkStatus::Participating,
                start: since,
                end: None,
                reason: "credentialed".into(),
            }],
            sanctions,
        });
    }
    for (i, s) in staff.iter().enumerate() {
        providers.insert(ProviderFacts {
            provider: Provider {
                npi: s.clone(),
                kind: ProviderKind::Individual,
                name: format!("Clinician {i}"),
                tax_id: tin.clone(),
                specialty: "lcsw".into(),
                license_number: Some(format!("C{i}")),
                license_expires: Some(jiff::civil::date(2030, 12, 31)),
                facility_npi: Some(facilities[i % nf].clone()),
            },
            statuses: Vec::new(),
            sanctions: Vec::new(),
        });
    }

    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(opts.seed),
        codes,
        synth,
        facilities,
        staff,
        base,
    };

    let nm = opts.members.max(1);
    let mut members = Vec::with_capacity(nm);
    let mut spans = Vec::with_capacity(nm);
    let mut member_index = FastMap::with_capacity_and_hasher(nm, Default::default());
    let plan_code = plan.config.plan_code.clone();
    for i in 0..nm {
        let id = MemberId::parse(&format!("M{i:08}")).map_err(data_err)?;
        let end = if i % 20 == 0 {
            Some(jiff::civil::date(2026, 2, 14))
        } else {
            None
        };
        spans.push(vec![EligibilitySpan {
            member_id: id.clone(),
            plan_code: plan_code.clone(),
            program: if i % 10 == 0 {
                Program::StateFunded
            } else {
                Program::Medicaid
            },
            start: jiff::civil::date(2025, 1, 1),
            end,
        }]);
        member_index.insert(member_key(&id), i);
        members.push(Member {
            member_id: id,
            first_name: "Test".into(),
            last_name: format!("Member{i}"),
            birth_date: jiff::civil::date(1980, 1, 1),
            sex: Sex::U,
            zip: "60601".into(),
            family_size: Some(1 + (i % 5) as u8),
            annual_income: Some(Money::from_cents(1_000_000 + (i as i64 % 50) * 100_000)),
            sud_consent: true,
        });
    }

    let home = |m: usize, g: &Gen| m % g.facilities.len();
    let mut auths = Vec::new();
    for (m, member) in members.iter().enumerate() {
        if m % 2 == 0 {
            let f = g.facilities[home(m, &g)].clone();
            let h2017 = (g.codes[11].0.clone(), g.codes[11].1.clone());
            let p90837 = (g.codes[6].0.clone(), Vec::new());
            auths.push(Authorization {
                id: format!("PA{m}"),
                member: member.member_id.clone(),
                provider: f,
                services: vec![h2017, p90837],
                level_of_care: "outpatient".into(),
                start: jiff::civil::date(2026, 1, 1),
                end: jiff::civil::date(2026, 6, 30),
                units_authorized: Decimal::from(40),
                units_used: Decimal::from(m % 30),
            });
        }
    }
    let authorization_count = auths.len();

    let mut history = Vec::with_capacity(opts.history_lines);
    for k in 0..opts.history_lines {
        let m = k % nm;
        let (code, modifiers, max_units, _) = g.pick_service();
        let units = g.rng.gen_range(1..=max_units);
        let fi = if g.rng.gen_bool(0.8) {
            home(m, &g)
        } else {
            g.rng.gen_range(0..g.facilities.len())
        };
        let rendering = g.staff[fi * 3 + g.rng.gen_range(0..3)].clone();
        let date = g.day(-90, 75);
        history.push(PriorLine {
            member: members[m].member_id.clone(),
            rendering,
            code,
            modifiers,
            date,
            units: Decimal::from(units),
            status: if g.rng.gen_bool(0.95) {
                PriorStatus::Paid
            } else {
                PriorStatus::Pending
            },
            tracking: format!("H{k}"),
        });
    }
    let history = ClaimHistory::new(history);

    let dx = Icd10Code::parse("F33.1").map_err(data_err)?;
    let pos11 = PlaceOfService::parse("11").map_err(data_err)?;
    let pos53 = PlaceOfService::parse("53").map_err(data_err)?;
    let mut claims = Vec::with_capacity(opts.claims);
    for k in 0..opts.claims {
        let m = g.rng.gen_range(0..nm);
        let fi = if g.rng.gen_bool(0.8) {
            home(m, &g)
        } else {
            g.rng.gen_range(0..g.facilities.len())
        };
        let rendering = g.staff[fi * 3 + g.rng.gen_range(0..3)].clone();
        let dos = g.day(0, 80);
        let received = dos
            .checked_add(jiff::Span::new().days(g.rng.gen_range(1..100)))
            .unwrap_or(dos);
        let nlines = g.rng.gen_range(1..=4);
        let mut lines = Vec::with_capacity(nlines);
        for n in 0..nlines {
            let (procedure, modifiers, max_units, per_unit) = g.pick_service();
            let units = g.rng.gen_range(1..=max_units);
            let line_dos = if g.rng.gen_bool(0.7) {
                dos
            } else {
                dos.checked_add(jiff::Span::new().days(n as i64))
                    .unwrap_or(dos)
            };
            lines.push(ClaimLine {
                number: n as u32 + 1,
                procedure,
                modifiers,
                revenue_code: None,
                units: Units::whole(units).map_err(data_err)?,
                charge: Money::from_cents(per_unit * 100 * i64::from(units)),
                service_from: line_dos,
                service_to: None,
                rendering_npi: None,
                place_of_service: None,
                other_payer_paid: None,
                self_pay_collected: Money::ZERO,
                documentation: LineDocumentation {
                    start_stop_recorded: if g.rng.gen_bool(0.95) {
                        Some(true)
                    } else {
                        None
                    },
                    performed_by_trainee: false,
                },
            });
        }
        claims.push(Claim {
            tracking: format!("C{k:09}"),
            kind: ClaimKind::Professional,
            frequency: Frequency::Original,
            member_id: members[m].member_id.clone(),
            billing_npi: g.facilities[fi].clone(),
            rendering_npi: Some(rendering),
            supervising_npi: None,
            attending_npi: None,
            pay_to_npi: None,
            place_of_service: Some(if g.rng.gen_bool(0.7) {
                pos11.clone()
            } else {
                pos53.clone()
            }),
            bill_type: None,
            admission_date: None,
            discharge_date: None,
            statement_from: None,
            statement_to: None,
            received,
            diagnoses: vec![dx.clone()],
            prior_auth_ref: None,
            emergency: false,
            other_payer: None,
            lines,
        });
    }

    Ok(Dataset {
        plan,
        providers,
        authorizations: AuthorizationBook::new(auths),
        authorization_count,
        history,
        members,
        spans,
        member_index,
        claims,
    })
}
