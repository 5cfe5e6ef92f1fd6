//! `cargo run --example gen837 -- CLAIMS SEED p|i > file.x12`: a synthetic 837 on stdout.
fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let claims = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(42);
    let kind = match args.get(3).map(String::as_str) {
        Some("i") => accord_x12::ClaimKind::Institutional,
        _ => accord_x12::ClaimKind::Professional,
    };
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    accord_x12::generate::write_837(
        out,
        &accord_x12::generate::GenOptions { claims, seed, kind },
    )?;
    Ok(())
}
