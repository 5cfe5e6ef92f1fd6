//! `accord status`: what the database holds.

use std::process::ExitCode;

use accord_store::DatabaseUrl;

use super::open_store;
use crate::failure::fail;

/// Prints the database's row counts.
pub async fn run(db: &str) -> anyhow::Result<ExitCode> {
    let store = open_store(db).await?;
    let counts = store.counts().await.map_err(fail)?;
    println!("database: {}", DatabaseUrl::new(db));
    println!("{counts}");
    // Closing the pool lets SQLite checkpoint and remove its -wal/-shm files.
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
