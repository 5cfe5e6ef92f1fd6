//! Where the demo plan comes from: `--plan DIR`, else `plans/demo-illinois-bh` in the current
//! directory (a checkout), else the copy embedded in the binary, written to `demo-out/plan/`.

use std::path::{Path, PathBuf};

use anyhow::Context;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/demo_plan.rs"));
}

/// The checkout-relative location of the demo plan.
pub const CHECKOUT_DIR: &str = "plans/demo-illinois-bh";
/// Where the embedded copy is written when no checkout is at hand.
pub const EXTRACT_DIR: &str = "demo-out/plan";

/// Finds (or writes out) the plan directory to load.
pub fn locate(explicit: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let checkout = Path::new(CHECKOUT_DIR);
    if checkout.join("plan.toml").is_file() {
        return Ok(checkout.to_path_buf());
    }
    anyhow::ensure!(
        !embedded::FILES.is_empty(),
        "no demo plan: pass --plan DIR (this binary was built without plans/demo-illinois-bh)"
    );
    let dir = Path::new(EXTRACT_DIR);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for (name, bytes) in embedded::FILES {
        let p = dir.join(name);
        std::fs::write(&p, bytes).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(dir.to_path_buf())
}
