//! Runs `accord_claims::bench::run` with the default (published) sizes and prints the report:
//! `cargo run --release -p accord-claims --example bench_adjudicate [claims]`.

fn main() {
    let mut opts = accord_claims::bench::BenchOptions::default();
    if let Some(n) = std::env::args().nth(1).and_then(|a| a.parse().ok()) {
        opts.claims = n;
    }
    match accord_claims::bench::run(&opts) {
        Ok(r) => {
            print!("{}", r.summary());
            println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
