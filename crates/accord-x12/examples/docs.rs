//! `cargo run --example docs -- DIR`: writes one of every document the codec produces into DIR.
fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir)?;
    for (name, body) in accord_x12::sample_docs::all() {
        std::fs::write(std::path::Path::new(&dir).join(&name), body)?;
        println!("{dir}/{name}");
    }
    Ok(())
}
