//! `cargo run --release --example phase -- lex|view|read|check FILE`: one benchmark phase, for profiling.
//! `view` is the borrowed typed path with every field visited (`bench::visit_file`),
//! `read` the owned `Claim` path.
fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let file = std::fs::File::open(&args[2])?;
    let t = std::time::Instant::now();
    let n = match args[1].as_str() {
        "lex" => accord_x12::lexer::count_segments(file).map_err(std::io::Error::other)?,
        "view" => {
            accord_x12::bench::visit_file(file)
                .map_err(std::io::Error::other)?
                .0
        }
        "read" => accord_x12::Reader837::new(file).count() as u64,
        _ => accord_x12::check::check(file).claims(),
    };
    let len = std::fs::metadata(&args[2])?.len() as f64;
    let s = t.elapsed().as_secs_f64();
    println!("{n} items, {:.1} MB/s", len / 1e6 / s);
    Ok(())
}
