//! `accord plan …`: check a plan configuration directory.

use std::path::PathBuf;
use std::process::ExitCode;

use accord_core::ErrorCode;
use accord_plan::Plan;

/// Plan commands.
#[derive(Debug, clap::Subcommand)]
pub enum PlanCommand {
    /// Validate a plan directory and print its summary. On failure, lists every problem in every
    /// file as `file:line: field: message` and exits with the invalid-configuration code.
    Check {
        /// The plan directory, e.g. plans/demo-illinois-bh.
        dir: PathBuf,
    },
}

/// Runs a plan command.
pub fn run(cmd: PlanCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        PlanCommand::Check { dir } => match Plan::load(&dir) {
            Ok(plan) => {
                println!("{}", plan.summary());
                Ok(ExitCode::SUCCESS)
            }
            Err(errors) => {
                for e in &errors {
                    eprintln!("{e}");
                }
                let code = ErrorCode::from(&errors);
                eprintln!(
                    "{} problem{} in plan {} ({code})",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" },
                    dir.display()
                );
                Ok(ExitCode::from(code.info().exit_code))
            }
        },
    }
}
