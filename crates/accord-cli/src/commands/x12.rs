//! `accord x12 …` and `accord bench x12`: a thin shell over `accord_x12`. It reads files and
//! the clock (for the acknowledgments' envelope dates) and prints; the codec does the rest.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use accord_x12::ClaimKind;
use accord_x12::check::check;
use accord_x12::write::Envelope;

/// Professional or institutional.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Kind {
    /// 837P (005010X222A1).
    P,
    /// 837I (005010X223A2).
    I,
}

impl From<Kind> for ClaimKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::P => ClaimKind::Professional,
            Kind::I => ClaimKind::Institutional,
        }
    }
}

/// X12 commands.
#[derive(Debug, clap::Subcommand)]
pub enum X12Command {
    /// Check X12 files (envelopes and 837 implementation-guide rules) and report every error with
    /// its segment position. Exit 0 when every group is accepted, 1 otherwise.
    Check {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write the 999 (and a TA1 for interchange errors) for each file into this directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// First interchange control number of the acknowledgments written.
        #[arg(long, default_value_t = 1)]
        control: u32,
    },
    /// Print a file one segment per line with its envelope level and 837 loop.
    Show {
        /// The file.
        file: PathBuf,
    },
    /// Write a deterministic synthetic 837 with behavioral-health claims.
    Gen {
        /// Number of claims.
        #[arg(long, default_value_t = 100)]
        scale: u64,
        /// Seed: the same seed gives the same file.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// 837P or 837I.
        #[arg(long, value_enum, default_value_t = Kind::P)]
        kind: Kind,
        /// Output file (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Instead, write one example of every document the codec produces (999, TA1, 277CA, 835) into this directory.
        #[arg(long, conflicts_with = "out")]
        docs: Option<PathBuf>,
    },
}

/// Arguments of `accord bench x12`.
#[derive(Debug, clap::Args)]
pub struct X12BenchArgs {
    /// Size of the generated 837 in MB (at least 200 for the published figures).
    #[arg(long, default_value_t = 200)]
    mb: u64,
    /// 837P or 837I.
    #[arg(long, value_enum, default_value_t = Kind::P)]
    kind: Kind,
    /// Generator seed.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Skip the full TR3 check phase.
    #[arg(long)]
    no_check: bool,
    /// Directory for the temporary file (default: the system temp directory).
    #[arg(long)]
    dir: Option<PathBuf>,
}

/// The envelope of acknowledgments written now.
pub(crate) fn envelope_now(control: u32) -> Envelope {
    let now = jiff::Zoned::now();
    Envelope {
        date: now.date(),
        time: now.time(),
        interchange_control: control,
        group_control: control,
        ..Envelope::example()
    }
}

/// Runs an X12 command.
pub fn run(cmd: X12Command) -> anyhow::Result<ExitCode> {
    match cmd {
        X12Command::Check {
            files,
            out,
            control,
        } => {
            let mut reports = vec![];
            let mut next_control = control;
            for f in &files {
                let file = match File::open(f) {
                    Ok(file) => file,
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", f.display());
                        return Ok(ExitCode::from(2));
                    }
                };
                let report = check(BufReader::new(file));
                print!(
                    "{}",
                    accord_x12::report::render_check(&f.display().to_string(), &report)
                );
                if let Some(dir) = &out {
                    std::fs::create_dir_all(dir)?;
                    let stem = f
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let acks =
                        accord_x12::w999::acknowledgments(&report, &envelope_now(next_control));
                    next_control += acks.len() as u32;
                    for (name, body) in acks {
                        let path = dir.join(format!("{stem}.{name}"));
                        std::fs::write(&path, body)?;
                        println!("  wrote {}", path.display());
                    }
                }
                reports.push(report);
            }
            Ok(ExitCode::from(accord_x12::report::exit_status(&reports)))
        }
        X12Command::Show { file } => {
            let f = match File::open(&file) {
                Ok(f) => f,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", file.display());
                    return Ok(ExitCode::from(2));
                }
            };
            accord_x12::report::show(BufReader::new(f), std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        X12Command::Gen {
            scale,
            seed,
            kind,
            out,
            docs,
        } => {
            if let Some(dir) = docs {
                std::fs::create_dir_all(&dir)?;
                for (name, body) in accord_x12::sample_docs::all() {
                    let path = dir.join(name);
                    std::fs::write(&path, body)?;
                    println!("{}", path.display());
                }
                return Ok(ExitCode::SUCCESS);
            }
            let opts = accord_x12::generate::GenOptions {
                claims: scale,
                seed,
                kind: kind.into(),
            };
            match out {
                Some(path) => {
                    let bytes = accord_x12::generate::write_837(
                        BufWriter::new(File::create(&path)?),
                        &opts,
                    )?;
                    eprintln!("wrote {} ({scale} claims, {bytes} bytes)", path.display());
                }
                None => {
                    let mut stdout = BufWriter::new(std::io::stdout().lock());
                    accord_x12::generate::write_837(&mut stdout, &opts)?;
                    stdout.flush()?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs the X12 benchmark and prints its figures.
pub fn bench(args: &X12BenchArgs) -> anyhow::Result<()> {
    let opts = accord_x12::bench::BenchOptions {
        target_bytes: args.mb * 1_000_000,
        seed: args.seed,
        kind: args.kind.into(),
        dir: args.dir.clone(),
        include_check: !args.no_check,
    };
    let report = accord_x12::bench::run(&opts)?;
    println!("{report}");
    Ok(())
}
