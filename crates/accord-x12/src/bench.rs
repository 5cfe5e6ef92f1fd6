//! Throughput benchmark behind `accord bench x12`: generates a large 837 into a
//! temporary file, then times lexing, typed reading and the full check over it,
//! and reports MB/s, claims/s and peak resident memory (VmHWM).
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

    // Typed reading: every claim built.
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
