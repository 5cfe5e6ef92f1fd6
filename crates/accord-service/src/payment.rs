//! Running a payment cycle (PAY-06): decisions made through a date and not yet remitted are paid,
//! one 835 and one HTML voucher per pay-to provider; balances are offset, opened, demanded or sent
//! to collections (REC-01, REC-02); clean claims that waited too long are listed (PAY-07).
//!
//! The files are written into `cycle-NNNN.partial/` payee by payee (memory follows the largest
//! payee, not the cycle), then the cycle is recorded in one unit of work, then the directory is
//! renamed `cycle-NNNN/`: a cycle on record is never paid twice, and a failure part-way records
//! nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use accord_core::{Date, Npi, Timestamp};
use accord_plan::Plan;
use accord_store::{PackedRemittanceFile, PayableClaim, PaymentCycle, Store, StoredRemittance};
use accord_x12::write::Envelope;

use crate::ServiceError;
use crate::cycle::{CyclePlan, CycleRules, PayeePlan, plan_cycle};
use crate::remit::{PayeeInfo, PayerInfo, claim_payments, remittance};
use crate::voucher;

/// Payees read and made ahead of the one whose files are being written.
const READ_AHEAD: usize = 2;

/// How a cycle is run.
#[derive(Debug, Clone)]
pub struct CycleOptions {
    /// Pay decisions made on or before this date.
    pub through: Date,
    /// The payment (check or EFT) date.
    pub pay_date: Date,
    /// When, for the events and envelopes.
    pub at: Timestamp,
    /// Who, for the events.
    pub actor: String,
    /// Directory the cycle's files go in (a `cycle-NNNN` directory is made in it).
    pub out: PathBuf,
}

/// What a cycle did.
#[derive(Debug, Clone)]
pub struct CycleReport {
    /// The cycle as recorded.
    pub cycle: PaymentCycle,
    /// The plan it followed.
    pub plan: CyclePlan,
    /// Files written.
    pub files: Vec<PathBuf>,
}

/// Runs one payment cycle.
pub async fn run_cycle(
    store: &Store,
    plan: &Plan,
    opts: &CycleOptions,
) -> Result<CycleReport, ServiceError> {
    let t0 = std::time::Instant::now();
    let number = store.next_cycle().await?;
    // The arithmetic needs only amounts and dates; each payee's claims are read in full when its
    // 835 is written, so memory follows the largest payee, not the cycle.
    let (decisions, waiting) = store.payable_and_waiting(opts.through).await?;
    let open = store.open_balances().await?;
    let rules = CycleRules {
        demand_after_days: plan.config.recovery.demand_after_days,
        collections_after_days: plan.config.recovery.collections_after_days,
        clean_claim_days: plan.config.remittance.clean_claim_days,
    };
    let cycle_plan = plan_cycle(number, opts.pay_date, &decisions, &waiting, &open, rules);
    let planned_in = t0.elapsed();
    let (mut reading, mut decoding, mut writing) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);

    let r = &plan.config.remittance;
    let (Some(line1), Some(city), Some(state), Some(zip)) = (
        r.payer_address.clone(),
        r.payer_city.clone(),
        r.payer_state.clone(),
        r.payer_zip.clone(),
    ) else {
        return Err(ServiceError::invalid(
            "plan.toml [remittance]",
            "payer_address",
            "payer_address, payer_city, payer_state and payer_zip are required: every 835 carries the payer's address",
        ));
    };
    let payer = PayerInfo {
        name: plan.config.name.clone(),
        payer_id: plan.config.payer_id.clone(),
        trn_originator: format!(
            "1{}",
            plan.config
                .remittance
                .payer_tax_id
                .as_deref()
                .unwrap_or("999999999")
        ),
        program: plan.config.program,
        address: accord_x12::model::Address {
            line1,
            line2: None,
            city,
            state: Some(state),
            postal_code: Some(zip),
            country: None,
        },
    };
    let dir = opts.out.join(format!("cycle-{number:04}"));
    // Files are written to a partial directory first and renamed once the cycle is recorded: a
    // failure part-way leaves no cycle on record and no directory that looks complete.
    let partial = opts.out.join(format!("cycle-{number:04}.partial"));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial).map_err(|source| ServiceError::Io {
        path: partial.display().to_string(),
        source,
    })?;
    let local = opts.at.to_zoned(plan.time_zone().clone());
    let files_of = Arc::new(PayeeFiles {
        number,
        payer,
        remarks: plan.remarks.clone(),
        pay_date: opts.pay_date,
        date: local.date(),
        time: local.time(),
        partial: partial.clone(),
    });
    let mut files: Vec<PathBuf> = Vec::new();
    let mut remittances = Vec::new();
    let mut kept = Vec::new();
    // Each payee is read (the database), and its 835 and voucher made (CPU) and written, by a task
    // of its own, READ_AHEAD + 1 at a time: the reads of some overlap the making of others, and
    // the making and writing run on both cores. This loop only collects them in payee order.
    // READ_AHEAD + 1 payees at most are in memory, so memory still follows the largest payees,
    // not the cycle.
    let make = |i: usize| {
        let p = cycle_plan.payees[i].clone();
        let (store, through, files_of) = (store.clone(), opts.through, files_of.clone());
        tokio::spawn(async move {
            let (payable, payee) = read_payee(store, p.pay_to_npi.clone(), through).await?;
            tokio::task::spawn_blocking(move || files_of.make(i, &p, payable, &payee))
                .await
                .map_err(|e| ServiceError::invalid("payment cycle", "payee", e))?
        })
    };
    let mut ahead: std::collections::VecDeque<_> = (0..cycle_plan.payees.len())
        .take(READ_AHEAD + 1)
        .map(make)
        .collect();
    for i in 0..cycle_plan.payees.len() {
        let t = std::time::Instant::now();
        let Some(this) = ahead.pop_front() else { break };
        if i + READ_AHEAD + 1 < cycle_plan.payees.len() {
            ahead.push_back(make(i + READ_AHEAD + 1));
        }
        let made = this
            .await
            .map_err(|e| ServiceError::invalid("payment cycle", "payee", e))??;
        reading += t.elapsed();
        decoding += made.decoding;
        writing += made.making;
        files.extend(made.names.iter().map(|name| dir.join(name)));
        kept.extend(made.kept);
        remittances.push(made.remittance);
    }
    write(
        &partial.join("exceptions.csv"),
        &exceptions_csv(&cycle_plan),
    )?;
    files.push(dir.join("exceptions.csv"));

    let cycle = PaymentCycle {
        cycle: number,
        through: opts.through,
        run_at: opts.at.to_string(),
        remittances: remittances.len() as u64,
        claims: cycle_plan.claim_count() as u64,
        total: cycle_plan.total(),
    };
    let remitted: Vec<String> = cycle_plan
        .payees
        .iter()
        .flat_map(|p| p.claims.iter().cloned())
        .collect();
    let t = std::time::Instant::now();
    let mut uow = store
        .begin(&opts.actor, &format!("payment cycle {number}"), opts.at)
        .await?;
    uow.record_cycle(&cycle, &remittances, &remitted).await?;
    uow.save_balances(&cycle_plan.balances).await?;
    let marking = t.elapsed();
    let t = std::time::Instant::now();
    uow.save_packed_remittance_files(&kept).await?;
    let keeping = t.elapsed();
    let t = std::time::Instant::now();
    uow.commit().await?;
    // Where the time went, for `-v` and the benchmark notes in docs/performance.md.
    tracing::info!(
        ?planned_in,
        ?reading,
        ?decoding,
        ?writing,
        ?marking,
        ?keeping,
        committing = ?t.elapsed(),
        claims = cycle_plan.claim_count(),
        "payment cycle"
    );

    let _ = std::fs::remove_dir_all(&dir);
    std::fs::rename(&partial, &dir).map_err(|source| ServiceError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    Ok(CycleReport {
        cycle,
        plan: cycle_plan,
        files,
    })
}

fn write(path: &Path, body: &str) -> Result<(), ServiceError> {
    std::fs::write(path, body).map_err(|source| ServiceError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// One payee's payable claims and its name and tax ID, for its 835.
async fn read_payee(
    store: Store,
    npi: String,
    through: Date,
) -> Result<(Vec<PayableClaim>, PayeeInfo), ServiceError> {
    let payable = store.payable_for(&npi, through).await?;
    let payee = payee_info(&store, &npi).await?;
    Ok((payable, payee))
}

/// What every payee's files share: the cycle, the payer and the plan's remark codes.
struct PayeeFiles {
    number: i64,
    payer: PayerInfo,
    remarks: accord_plan::RemarkCodes,
    pay_date: Date,
    date: jiff::civil::Date,
    time: jiff::civil::Time,
    /// The cycle's partial directory, where each payee's files are written.
    partial: PathBuf,
}

/// One payee's 835 and voucher, made and packed, with what the cycle records of them.
struct MadeFiles {
    /// The 835's and the voucher's file names, written in the cycle's partial directory.
    names: [String; 2],
    kept: [PackedRemittanceFile; 2],
    remittance: StoredRemittance,
    /// Time spent decoding its claims' decisions, and making, packing and writing its files.
    decoding: Duration,
    making: Duration,
}

impl PayeeFiles {
    /// The files of payee `i` of the cycle (pure: no database, no file system).
    fn make(
        &self,
        i: usize,
        p: &PayeePlan,
        payable: Vec<PayableClaim>,
        payee: &PayeeInfo,
    ) -> Result<MadeFiles, ServiceError> {
        let t = std::time::Instant::now();
        let planned: std::collections::HashSet<&str> =
            p.claims.iter().map(String::as_str).collect();
        let mut claims = Vec::new();
        for pc in payable {
            if planned.contains(pc.decision.tracking.as_str()) {
                claims.extend(claim_payments(&pc, self.payer.program)?);
            }
        }
        let decoding = t.elapsed();
        let t = std::time::Instant::now();
        let number = self.number;
        let trace = format!("{number:06}{:06}", i + 1);
        let remit = remittance(p, claims, &self.payer, payee, self.pay_date, trace.clone());
        let control = u32::try_from((number * 100_000 + i as i64 + 1) % 1_000_000_000).unwrap_or(1);
        let env = Envelope {
            sender_id: self.payer.payer_id.clone(),
            receiver_id: p.pay_to_npi.clone(),
            gs_sender: self.payer.payer_id.clone(),
            gs_receiver: p.pay_to_npi.clone(),
            date: self.date,
            time: self.time,
            interchange_control: control,
            group_control: control,
            usage: 'P',
            ..Envelope::example()
        };
        let x12 =
            accord_x12::w835::write_835(std::slice::from_ref(&remit), &env).map_err(|source| {
                ServiceError::Unbalanced {
                    payee: p.pay_to_npi.clone(),
                    source,
                }
            })?;
        let html = voucher::render(&remit, number, &self.remarks);
        // Packed now, stored with the cycle: a cycle holds a tenth of its files' bytes.
        let pack = |kind, content| PackedRemittanceFile::pack(number, &p.pay_to_npi, kind, content);
        let kept = [pack("835", &x12), pack("voucher", &html)];
        let npi = &p.pay_to_npi;
        let names = [format!("835-{npi}.x12"), format!("voucher-{npi}.html")];
        write(&self.partial.join(&names[0]), &x12)?;
        write(&self.partial.join(&names[1]), &html)?;
        Ok(MadeFiles {
            names,
            kept,
            remittance: StoredRemittance {
                cycle: number,
                pay_to_npi: p.pay_to_npi.clone(),
                trace_number: trace,
                claims: p.claims.len() as u64,
                claim_payments: p.claim_payments,
                offsets: p.offset_total(),
                amount: p.amount,
            },
            decoding,
            making: t.elapsed(),
        })
    }
}

async fn payee_info(store: &Store, npi: &str) -> Result<PayeeInfo, ServiceError> {
    let Ok(parsed) = Npi::parse(npi) else {
        return Ok(PayeeInfo {
            name: format!("NPI {npi}"),
            npi: npi.to_owned(),
            tax_id: None,
        });
    };
    if let Some(v) = store.pay_to(&parsed).await?.into_iter().next() {
        return Ok(PayeeInfo {
            name: v.name,
            npi: npi.to_owned(),
            tax_id: Some(v.tax_id.to_string()),
        });
    }
    let name = store
        .get_provider(&parsed)
        .await?
        .map(|p| p.name)
        .unwrap_or_else(|| format!("NPI {npi}"));
    Ok(PayeeInfo {
        name,
        npi: npi.to_owned(),
        tax_id: None,
    })
}

/// REC-02 demands and collections and PAY-07 late clean claims, one CSV.
pub fn exceptions_csv(p: &CyclePlan) -> String {
    let mut s = String::from("kind,pay_to_npi,reference,date,amount_or_days,rule\n");
    for b in &p.demands {
        s.push_str(&format!(
            "demand_letter,{},{},{},{},REC-02\n",
            b.pay_to_npi, b.source, b.opened_on, b.remaining
        ));
    }
    for b in &p.collections {
        s.push_str(&format!(
            "collections,{},{},{},{},REC-02\n",
            b.pay_to_npi,
            b.source,
            b.demanded_on.map(|d| d.to_string()).unwrap_or_default(),
            b.remaining
        ));
    }
    for l in &p.late_clean_claims {
        s.push_str(&format!(
            "{},{},{},{},{},PAY-07\n",
            if l.remitted {
                "clean_claim_paid_late"
            } else {
                "clean_claim_waiting"
            },
            l.pay_to_npi,
            l.tracking,
            l.received_on,
            l.days
        ));
    }
    s
}
