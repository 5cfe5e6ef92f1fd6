//! Criterion benchmarks: lexing, typed 837 reading and the TR3 check over a
//! generated in-memory 837P (about 10 MB). `accord bench x12` runs the larger
//! file-based benchmark (`accord_x12::bench::run`).

use accord_x12::generate::{GenOptions, write_837};
use accord_x12::model::ClaimKind;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn input(kind: ClaimKind, claims: u64) -> Vec<u8> {
    let mut buf = Vec::new();
    let _ = write_837(
        &mut buf,
        &GenOptions {
            claims,
            seed: 42,
            kind,
        },
    );
    buf
}

fn benches(c: &mut Criterion) {
    let p = input(ClaimKind::Professional, 10_000);
    let mut g = c.benchmark_group("837p");
    g.throughput(Throughput::Bytes(p.len() as u64));
    g.sample_size(10);
    g.bench_function("lex-slice", |b| {
        b.iter(|| accord_x12::SliceLexer::new(&p).count())
    });
    g.bench_function("lex-stream", |b| {
        b.iter(|| accord_x12::lexer::count_segments(&p[..]))
    });
    g.bench_function("read-claims", |b| {
        b.iter(|| accord_x12::Reader837::new(&p[..]).count())
    });
    // Borrowed views, every field visited (the `view-837` phase of `accord bench x12`).
    g.bench_function("view-claims", |b| {
        b.iter(|| accord_x12::bench::visit_file(&p[..]).map(|r| r.0))
    });
    g.bench_function("check", |b| {
        b.iter(|| accord_x12::check::check(&p[..]).claims())
    });
    g.finish();
    let i = input(ClaimKind::Institutional, 10_000);
    let mut g = c.benchmark_group("837i");
    g.throughput(Throughput::Bytes(i.len() as u64));
    g.sample_size(10);
    g.bench_function("read-claims", |b| {
        b.iter(|| accord_x12::Reader837::new(&i[..]).count())
    });
    g.finish();
}

criterion_group!(x12, benches);
criterion_main!(x12);
