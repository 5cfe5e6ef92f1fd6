//! `cargo run --example x12check -- FILE…`: the check report and claim count, for quick looks.
fn main() {
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("cannot read {path}");
            continue;
        };
        let report = accord_x12::check::check_bytes(&bytes);
        let claims = accord_x12::r837::Reader837::new(&bytes[..])
            .filter(|c| c.is_ok())
            .count();
        println!(
            "{path}: accepted={} sets={} claims(check)={} claims(read)={claims}",
            report.all_accepted(),
            report.sets(),
            report.claims()
        );
        for l in report.error_lines().iter().take(12) {
            println!("  {l}");
        }
    }
}
