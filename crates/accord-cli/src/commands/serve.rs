//! `accord serve` (the web server on an existing database) and `accord user …` (sign-in accounts
//! and API tokens). Thin: the server is `accord-server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use accord_plan::Plan;
use accord_server::{AppState, NewAccount};
use accord_store::Store;
use anyhow::Context;

use super::open_store;
use crate::failure::fail;

/// Arguments of `accord serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Plan directory (defaults to the demo plan).
    #[arg(long)]
    pub plan: Option<PathBuf>,
}

/// Account commands.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Add (or replace) a sign-in account. The password is read from the environment variable
    /// ACCORD_PASSWORD, never from the command line (it would show in the process list).
    Add {
        /// Sign-in name.
        user_id: String,
        /// Name shown.
        #[arg(long)]
        name: String,
        /// provider, clinical_care_manager, psychiatrist, doctoral_psychologist, appeals_reviewer,
        /// claims_examiner, administrator, state_portal or auditor.
        #[arg(long)]
        role: String,
        /// Provider users: an NPI of their organisation (repeat for several).
        #[arg(long)]
        npi: Vec<String>,
    },
    /// Issue an API token for a system client acting as USER (printed once; only a digest is kept).
    Token {
        /// The account the token acts as.
        user_id: String,
        /// What it is for.
        #[arg(long, default_value = "api client")]
        label: String,
    },
    /// List accounts.
    List,
}

/// Serves `store` until the process is stopped. Cookies are `Secure` unless the address is
/// loopback (a browser would not send them back over plain HTTP otherwise).
pub async fn serve_store(store: Store, plan: Plan, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let secure = !addr.ip().is_loopback();
    println!("Serving on http://{addr}/  (API: http://{addr}/api/openapi.json; Ctrl-C stops)");
    accord_server::serve(listener, AppState::new(store, plan, secure))
        .await
        .context("server stopped")
}

/// Runs `accord serve`.
pub async fn run(db: &str, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let dir = super::demo_plan::locate(args.plan.as_deref())?;
    let plan = Plan::load(&dir).map_err(fail)?;
    let store = open_store(db).await?;
    serve_store(store, plan, args.addr).await?;
    Ok(ExitCode::SUCCESS)
}

/// Runs an `accord user` command.
pub async fn run_user(db: &str, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let store = open_store(db).await?;
    let now = jiff::Timestamp::now();
    match cmd {
        UserCommand::Add {
            user_id,
            name,
            role,
            npi,
        } => {
            let password = std::env::var("ACCORD_PASSWORD").map_err(|_| {
                anyhow::Error::new(crate::failure::Failure {
                    code: accord_core::ErrorCode::InvalidInput,
                    message: "set ACCORD_PASSWORD to the new account's password".into(),
                })
            })?;
            for n in &npi {
                accord_core::Npi::parse(n).map_err(|e| {
                    anyhow::Error::new(crate::failure::Failure {
                        code: accord_core::ErrorCode::InvalidInput,
                        message: format!("--npi: {e}"),
                    })
                })?;
            }
            let a = NewAccount {
                user_id: user_id.clone(),
                name,
                role,
                npis: npi,
                password,
                salt: None,
            };
            accord_server::save_accounts(&store, &[a], "administrator", now)
                .await
                .map_err(fail)?;
            println!("{user_id} saved");
        }
        UserCommand::Token { user_id, label } => {
            if store.account(&user_id).await.map_err(fail)?.is_none() {
                return Err(anyhow::Error::new(crate::failure::Failure {
                    code: accord_core::ErrorCode::NotFound,
                    message: format!("no account {user_id}"),
                }));
            }
            let t = accord_server::issue_token(&store, &user_id, &label, now)
                .await
                .map_err(fail)?;
            println!("{t}");
        }
        UserCommand::List => {
            for a in store.accounts().await.map_err(fail)? {
                println!(
                    "{:<12} {:<24} {:<22} {}",
                    a.user_id,
                    a.display_name,
                    a.role,
                    a.npis.join(",")
                );
            }
        }
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
