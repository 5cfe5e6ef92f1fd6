//! One module per command group. Each is a thin shell: parse, read, call the library, print.

pub mod auth;
pub mod bench;
mod bench_pipeline;
mod bench_quality;
pub mod case;
pub mod claims;
pub mod demo;
mod demo_cases;
mod demo_claims;
mod demo_network;
mod demo_plan;
mod demo_um;
pub mod import;
pub mod pay;
pub mod plan;
pub mod plan_of_care;
pub mod provider;
pub mod quality;
pub mod serve;
pub mod status;
pub mod x12;

use std::future::Future;
use std::process::ExitCode;

use accord_store::Store;

use crate::failure::fail;

/// Runs an async command on a runtime made for it.
pub fn block_on<F: Future<Output = anyhow::Result<ExitCode>>>(f: F) -> anyhow::Result<ExitCode> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(f)
}

/// Opens (creating and migrating if needed) the database named by `--db`.
pub async fn open_store(url: &str) -> anyhow::Result<Store> {
    let store = Store::connect(url).await.map_err(fail)?;
    // The URL is logged redacted: a password never reaches the logs.
    tracing::info!(db = %store.url(), backend = store.backend().as_str(), "database open, migrations applied");
    Ok(store)
}
