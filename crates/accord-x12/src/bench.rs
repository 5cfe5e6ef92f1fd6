//! Throughput benchmark behind `accord bench x12`: generates a large 837 into a
//! temporary file, then times lexing, typed reading (borrowed views with every field
//! visited, then owned `Claim`s) and the full check over it, and reports MB/s,
//! claims/s and peak resident memory (VmHWM).
//!
//! This is a measuring tool, not part of the pure codec: it reads the clock and
//! the file system on purpose.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::PathBuf;
use std::time::Instant;

use crate::generate::{GenOptions, write_837};
use crate::model::ClaimKind;

#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Size of the generated file; at least 200 MB for the published figures.
    pub target_bytes: u64,
    pub seed: u64,
    pub kind: ClaimKind,
    /// Where to put the temporary file (default: the system temp directory).
    pub dir: Option<PathBuf>,
    /// Also time the full TR3 check (the 999 path).
    pub include_check: bool,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            target_bytes: 200 * 1024 * 1024,
            seed: 42,
            kind: ClaimKind::Professional,
            dir: None,
            include_check: true,
        }
    }
}

/// One measured phase.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Phase {
    pub name: &'static str,
    /// Wall-clock time.
    pub seconds: f64,
    pub mb_per_s: f64,
    pub claims_per_s: f64,
    /// CPU time of this thread (from /proc/thread-self/schedstat), which other processes on a
    /// busy machine do not inflate; equal to `seconds` where unavailable.
    pub cpu_seconds: f64,
    pub cpu_mb_per_s: f64,
    /// VmHWM after the phase, KiB.
    pub peak_rss_kib: u64,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BenchReport {
    pub file_bytes: u64,
    pub claims: u64,
    pub segments: u64,
    pub generate_seconds: f64,
    pub phases: Vec<Phase>,
    /// VmHWM at the start, KiB.
    pub start_rss_kib: u64,
    /// VmHWM at the end, KiB: flat in the file size because nothing holds the file.
    pub peak_rss_kib: u64,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "file: {:.1} MB, {} claims, {} segments (generated in {:.1} s)",
            self.file_bytes as f64 / 1e6,
            self.claims,
            self.segments,
            self.generate_seconds
        )?;
        for p in &self.phases {
            writeln!(
                f,
                "{:<10} wall {:>7.3} s {:>8.1} MB/s | cpu {:>7.3} s {:>8.1} MB/s | {:>9.0} claims/s (cpu) | peak RSS {:>6.1} MiB",
                p.name,
                p.seconds,
                p.mb_per_s,
                p.cpu_seconds,
                p.cpu_mb_per_s,
                p.claims_per_s,
                p.peak_rss_kib as f64 / 1024.0
            )?;
        }
        write!(
            f,
            "peak RSS: {:.1} MiB (at start {:.1} MiB)",
            self.peak_rss_kib as f64 / 1024.0,
            self.start_rss_kib as f64 / 1024.0
        )
    }
}

/// VmHWM (peak resident set) of this process in KiB; 0 where /proc is unavailable.
pub fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time consumed by the calling thread, in seconds (None where /proc is unavailable).
pub fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

struct Clock {
    wall: Instant,
    cpu: Option<f64>,
}

impl Clock {
    fn start() -> Self {
        Clock {
            wall: Instant::now(),
            cpu: thread_cpu_seconds(),
        }
    }
    fn stop(&self) -> (f64, f64) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = match (self.cpu, thread_cpu_seconds()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        };
        (wall, cpu)
    }
}

/// Estimates how many claims make `target` bytes, from a small sample.
fn claims_for(target: u64, seed: u64, kind: ClaimKind) -> io::Result<u64> {
    let sample = 2000;
    let bytes = write_837(
        io::sink(),
        &GenOptions {
            claims: sample,
            seed,
            kind,
        },
    )?;
    Ok((target as f64 / (bytes as f64 / sample as f64)).ceil() as u64)
}

/// Reads every claim of `src` as a [`ClaimView`] and visits every field a consumer
/// needing the whole claim would: each string (its length is summed, so nothing is
/// optimised away), each amount (already `Decimal`), each date parsed to a calendar
/// date. Returns the claims read and a checksum.
pub fn visit_file<R: std::io::Read>(src: R) -> Result<(u64, u64), crate::r837::ReadError> {
    let mut r = crate::r837::Reader837::new(src);
    let mut n = 0;
    let mut sum = 0u64;
    while let Some(v) = r.next_view()? {
        sum = sum.wrapping_add(visit_claim(&v));
        n += 1;
    }
    Ok((n, sum))
}

fn len(s: &str) -> u64 {
    s.len() as u64
}

fn olen(s: Option<&str>) -> u64 {
    s.map_or(0, len)
}

/// A small number derived from an amount: bounded so that summing a claim's fields cannot
/// overflow (hostile files carry amounts up to 28 digits).
fn money(d: rust_decimal::Decimal) -> u64 {
    (d.mantissa().unsigned_abs() % 1_000_003) as u64 + u64::from(d.scale())
}

fn day(x: Option<jiff::civil::Date>) -> u64 {
    x.map_or(0, |x| x.day() as u64 + x.year() as u64)
}

/// A date element other than a `DTP` (a birth date, BHT04, an adjudication date): its
/// length, and the date itself parsed as a consumer would (`CCYYMMDD`).
fn ymd(s: Option<&str>) -> u64 {
    s.map_or(0, |s| len(s) + day(crate::validate::parse_ccyymmdd(s)))
}

/// A date with its format qualifier (an `HI` composite's): `D8`, or `RD8` as a range.
fn fmt_date(format: Option<&str>, value: Option<&str>) -> u64 {
    let v = value.unwrap_or("");
    let parsed = match format {
        Some("RD8") => {
            day(v.get(..8).and_then(crate::validate::parse_ccyymmdd))
                + day(v.get(9..17).and_then(crate::validate::parse_ccyymmdd))
        }
        _ => day(crate::validate::parse_ccyymmdd(v)),
    };
    olen(format) + olen(value) + parsed
}

fn date(d: crate::view::DateView<'_>) -> u64 {
    len(d.qualifier) + len(d.format) + day(d.start()) + day(d.end())
}

fn entity(e: crate::view::EntityView<'_>) -> u64 {
    let mut h = len(e.entity_code()) + len(e.entity_type()) + len(e.name());
    h += olen(e.first_name()) + olen(e.middle_name()) + olen(e.suffix());
    h += olen(e.id_qualifier()) + olen(e.id()) + ymd(e.birth_date()) + olen(e.gender());
    if let Some(a) = e.address() {
        h += len(a.line1) + olen(a.line2) + len(a.city) + olen(a.state);
        h += olen(a.postal_code) + olen(a.country);
    }
    h += e
        .refs()
        .map(|r| len(r.qualifier) + len(r.value))
        .sum::<u64>();
    for c in e.contacts() {
        h += len(c.function()) + olen(c.name());
        h += c.numbers().map(|(a, b)| len(a) + len(b)).sum::<u64>();
    }
    h += e.taxonomy().map_or(0, |(a, b)| len(a) + len(b));
    h += e.dates().map(date).sum::<u64>();
    h + e.other_segments().map(len).sum::<u64>()
}

fn groups<'a>(g: impl Iterator<Item = crate::view::AdjustmentGroupView<'a>>) -> u64 {
    g.map(|g| {
        len(g.group())
            + g.adjustments()
                .map(|a| len(a.reason) + money(a.amount) + a.quantity.map_or(0, money))
                .sum::<u64>()
    })
    .sum()
}

/// Visits every field of a claim view (see [`visit_file`]).
pub fn visit_claim(v: &crate::view::ClaimView<'_>) -> u64 {
    let p = v.provenance();
    let mut h = len(p.interchange_control()) + len(p.group_control()) + len(p.set_control());
    h += len(p.version()) + len(p.bht_reference()) + ymd(Some(p.bht_date())) + len(p.bht_type());
    h += entity(v.submitter()) + entity(v.receiver());
    let b = v.billing();
    h += entity(b.provider()) + b.pay_to().map_or(0, entity) + b.pay_to_plan().map_or(0, entity);
    h += b.taxonomy().map_or(0, |(a, c)| len(a) + len(c));
    h += b.other_segments().map(len).sum::<u64>();
    let s = v.subscriber();
    h += len(s.responsibility()) + olen(s.relationship()) + olen(s.group_number());
    h += olen(s.group_name()) + olen(s.insurance_type()) + olen(s.claim_filing());
    h += entity(s.person()) + entity(s.payer()) + s.other_segments().map(len).sum::<u64>();
    if let Some(pt) = v.patient() {
        h += len(pt.relationship()) + entity(pt.person());
        h += pt.other_segments().map(len).sum::<u64>();
    }
    h += len(v.claim_id()) + money(v.total_charge()) + len(v.facility_code());
    h += len(v.facility_qualifier()) + len(v.frequency_code());
    h += olen(v.provider_signature()) + olen(v.assignment()) + olen(v.benefits_assigned());
    h += olen(v.release_of_information()) + olen(v.patient_signature_source());
    h += olen(v.related_causes()) + olen(v.special_program()) + olen(v.delay_reason());
    h += olen(v.admission_type()) + olen(v.admission_source()) + olen(v.patient_status());
    h += v.dates().map(date).sum::<u64>();
    for c in v.health_codes() {
        h += len(c.qualifier) + len(c.code) + fmt_date(c.date_format, c.date);
        h += c.amount.map_or(0, money) + olen(c.present_on_admission);
    }
    h += v
        .refs()
        .map(|r| len(r.qualifier) + len(r.value))
        .sum::<u64>();
    h += v.amounts().map(|(q, a)| len(q) + money(a)).sum::<u64>();
    h += v.notes().map(|(a, b)| len(a) + len(b)).sum::<u64>();
    h += v.providers().map(entity).sum::<u64>();
    for o in v.other_subscribers() {
        h += len(o.responsibility()) + len(o.relationship()) + olen(o.group_number());
        h += olen(o.group_name()) + olen(o.insurance_type()) + olen(o.claim_filing());
        h += groups(o.adjustments()) + o.payer_paid().map_or(0, money);
        h += o.amounts().map(|(q, a)| len(q) + money(a)).sum::<u64>();
        h += o.other_segments().map(len).sum::<u64>();
        h += o.subscriber().map_or(0, entity) + o.payer().map_or(0, entity);
        h += o.other_entities().map(entity).sum::<u64>();
    }
    for l in v.lines() {
        h += u64::from(l.line_number()) + olen(l.revenue_code());
        if let Some(pr) = l.procedure() {
            h += len(pr.qualifier()) + len(pr.code()) + olen(pr.description());
            h += pr.modifiers().map(len).sum::<u64>();
        }
        h += money(l.charge()) + len(l.unit_basis()) + l.units().map_or(0, money);
        h += olen(l.place_of_service()) + l.diagnosis_pointers().map(len).sum::<u64>();
        h += olen(l.emergency()) + l.non_covered().map_or(0, money);
        h += l.dates().map(date).sum::<u64>();
        h += l
            .refs()
            .map(|r| len(r.qualifier) + len(r.value))
            .sum::<u64>();
        h += l.amounts().map(|(q, a)| len(q) + money(a)).sum::<u64>();
        h += l.notes().map(|(a, b)| len(a) + len(b)).sum::<u64>();
        h += l.providers().map(entity).sum::<u64>();
        for a in l.adjudications() {
            h += len(a.payer_id()) + money(a.paid()) + len(a.procedure());
            h += olen(a.revenue_code()) + a.paid_units().map_or(0, money);
            h += olen(a.bundled_line()) + groups(a.adjustments());
            h += ymd(a.adjudication_date()) + a.other_segments().map(len).sum::<u64>();
        }
        h += l.other_segments().map(len).sum::<u64>();
    }
    h + v.other_segments().map(len).sum::<u64>()
}

/// Runs the benchmark. See the module docs.
pub fn run(opts: &BenchOptions) -> io::Result<BenchReport> {
    let start_rss_kib = peak_rss_kib();
    let dir = opts.dir.clone().unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::Builder::new()
        .prefix("accord-x12-bench-")
        .suffix(".x12")
        .tempfile_in(dir)?;
    let path = tmp.path().to_path_buf();
    let claims = claims_for(opts.target_bytes, opts.seed, opts.kind)?;
    let t = Instant::now();
    let file_bytes = write_837(
        BufWriter::with_capacity(1 << 20, File::create(&path)?),
        &GenOptions {
            claims,
            seed: opts.seed,
            kind: opts.kind,
        },
    )?;
    let generate_seconds = t.elapsed().as_secs_f64();
    let mb = file_bytes as f64 / 1e6;
    let mut phases = vec![];
    let mut phase = |name: &'static str, (seconds, cpu_seconds): (f64, f64)| {
        phases.push(Phase {
            name,
            seconds,
            mb_per_s: mb / seconds.max(1e-9),
            claims_per_s: claims as f64 / cpu_seconds.max(1e-9),
            cpu_seconds,
            cpu_mb_per_s: mb / cpu_seconds.max(1e-9),
            peak_rss_kib: peak_rss_kib(),
        })
    };

    // Lexing: every segment found, nothing typed.
    let t = Clock::start();
    let segments = crate::lexer::count_segments(File::open(&path)?).map_err(io::Error::other)?;
    phase("lex", t.stop());

    // Typed reading, borrowed: every claim and line visited, every field typed.
    let t = Clock::start();
    let (read, _) = visit_file(File::open(&path)?).map_err(io::Error::other)?;
    phase("view-837", t.stop());
    if read != claims {
        return Err(io::Error::other(format!(
            "viewed {read} claims, generated {claims}"
        )));
    }

    // Typed reading, owned: every claim built as a `Claim`.
    let t = Clock::start();
    let mut read = 0u64;
    for c in crate::r837::Reader837::new(File::open(&path)?) {
        c.map_err(io::Error::other)?;
        read += 1;
    }
    phase("read-837", t.stop());
    if read != claims {
        return Err(io::Error::other(format!(
            "read {read} claims, generated {claims}"
        )));
    }

    if opts.include_check {
        let t = Clock::start();
        let report = crate::check::check(File::open(&path)?);
        phase("check-999", t.stop());
        if !report.all_accepted() {
            return Err(io::Error::other("generated file did not pass the check"));
        }
    }
    drop(tmp);
    Ok(BenchReport {
        file_bytes,
        claims,
        segments,
        generate_seconds,
        phases,
        start_rss_kib,
        peak_rss_kib: peak_rss_kib(),
    })
}
