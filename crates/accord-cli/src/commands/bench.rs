//! `accord bench …`: benchmarks that print figures for `docs/performance.md`. Not tests: nothing
//! here asserts a time.

use std::process::ExitCode;

use super::x12::{self, X12BenchArgs};

/// Benchmarks.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// X12 lexing and typed 837 reading: MB/s, claims/s and peak memory on a generated file.
    X12(X12BenchArgs),
}

/// Runs a benchmark.
pub fn run(cmd: BenchCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCommand::X12(args) => x12::bench(&args)?,
    }
    Ok(ExitCode::SUCCESS)
}
