//! Criterion benchmark of the pure engine: adjudicating batches of generated claims against the
//! full-size reference data of `accord_claims::bench` (1,000 services, 100k NCCI rows, 100k
//! members, 1M history lines). `cargo bench -p accord-claims --bench adjudicate`.

use accord_claims::bench::{BenchOptions, generate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn adjudicate(c: &mut Criterion) {
    let opts = BenchOptions {
        claims: 2_000,
        ..BenchOptions::default()
    };
    let data = match generate(&opts) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("benchmark data could not be generated: {e}");
            return;
        }
    };
    let lines: usize = data.claims.iter().map(|c| c.lines.len()).sum();
    let mut g = c.benchmark_group("adjudicate");
    g.throughput(Throughput::Elements(lines as u64));
    g.sample_size(20);
    g.bench_function("2000_claims", |b| {
        b.iter(|| {
            let mut paid = accord_core::Money::ZERO;
            for claim in &data.claims {
                let facts = data.facts_for(claim);
                paid += accord_claims::adjudicate(claim, &facts, claim.received).paid;
            }
            paid
        })
    });
    g.finish();
}

criterion_group!(benches, adjudicate);
criterion_main!(benches);
