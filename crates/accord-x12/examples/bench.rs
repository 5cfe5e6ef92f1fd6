//! `cargo run --release --example bench -- [MB] [p|i]`: the file-based benchmark (`accord bench x12`).
fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let mb: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(200);
    let kind = match args.get(2).map(String::as_str) {
        Some("i") => accord_x12::ClaimKind::Institutional,
        _ => accord_x12::ClaimKind::Professional,
    };
    let opts = accord_x12::bench::BenchOptions {
        target_bytes: mb * 1_000_000,
        kind,
        ..Default::default()
    };
    println!("{}", accord_x12::bench::run(&opts)?);
    Ok(())
}
