//! Runs `accord_claims::bench::run` with the default (published) sizes and prints the report:
//! `cargo run --release -p accord-claims --example bench_adjudicate [claims]`.

fn main() {
    let mut opts = accord_claims::bench::BenchOptions::default();
    if let Some(n) = std::env::args().nth(1).and_then(|a| a.parse().ok()) {
        opts.claims = n;
    }
    if let Some(reps) = std::env::args().nth(2).and_then(|a| a.parse::<u32>().ok()) {
        // Profiling aid: adjudicate the same claims `reps` times.
        let data = match accord_claims::bench::generate(&opts) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        };
        let t = std::time::Instant::now();
        let mut lines = 0;
        for _ in 0..reps {
            lines += data.adjudicate_all().lines;
        }
        println!("{lines} lines in {:.3} s", t.elapsed().as_secs_f64());
        std::mem::forget(data);
        return;
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
