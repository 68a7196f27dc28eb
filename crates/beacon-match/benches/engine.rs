//! Criterion benchmarks of the engine's hot paths. The comparisons with scipy and `lap`
//! live in `bench/match/`; these track our own code from change to change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};

use beacon_match::rank::{StrengthMatrix, top_k_by_strengths};
use beacon_match::score::DesiredStrength;
use beacon_match::sparse::{Edge, SparseProblem, solve_all, solve_by_tier};
use beacon_match::{Sense, parse, solve_dense_i64};

/// A small, fast, reproducible generator (xorshift64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn dense(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/orlib/assign800.txt"
    );
    let matrix = parse::orlib(&std::fs::read_to_string(path).unwrap()).unwrap();
    c.bench_function("dense assign800", |b| {
        b.iter(|| solve_dense_i64(&matrix, Sense::Minimise).unwrap())
    });
}

fn sparse_edges(rng: &mut Rng, people: usize, posts: usize, degree: usize, max: u64) -> Vec<Edge> {
    let mut edges = Vec::with_capacity(people * degree);
    for p in 0..people {
        let mut chosen = std::collections::BTreeSet::new();
        if posts == people {
            chosen.insert(p as u32);
        }
        while chosen.len() < degree.min(posts) {
            chosen.insert(rng.below(posts as u64) as u32);
        }
        for j in chosen {
            edges.push(Edge {
                person: p as u32,
                post: j,
                cost: 1 + rng.below(max) as i64,
            });
        }
    }
    edges
}

fn sparse(c: &mut Criterion) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let n = 20_000;
    let square = SparseProblem::new(
        n,
        n,
        sparse_edges(&mut rng, n, n, 20, 1000),
        Sense::Minimise,
    )
    .unwrap();
    let posts = n / 10;
    let tiers: Vec<u16> = (0..n).map(|_| 1 + rng.below(3) as u16).collect();
    let tiered = SparseProblem::new(
        n,
        posts,
        sparse_edges(&mut rng, n, posts, 20, 100),
        Sense::Maximise,
    )
    .unwrap()
    .with_capacities(vec![10; posts])
    .unwrap()
    .with_tiers(tiers)
    .unwrap();
    let mut group = c.benchmark_group("sparse");
    group.sample_size(10);
    group.bench_function("square 20k × 20k, 20 a row", |b| {
        b.iter(|| solve_all(&square).unwrap())
    });
    group.bench_function("20k people × 2k posts of 10, 3 tiers", |b| {
        b.iter(|| solve_by_tier(&tiered).unwrap())
    });
    group.finish();
}

fn rank(c: &mut Criterion) {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let (people, strengths) = (1_000_000, 36);
    let levels: Vec<u8> = (0..people * strengths)
        .map(|_| rng.below(6) as u8)
        .collect();
    let matrix = StrengthMatrix::from_people(strengths, levels.chunks_exact(strengths)).unwrap();
    let wanted: Vec<DesiredStrength> = (0..strengths)
        .map(|s| DesiredStrength {
            strength: s,
            level: 1 + rng.below(5) as u8,
            weight: 1 + rng.below(255) as u8,
        })
        .collect();
    c.bench_function("rank top 20 of 1M × 36", |b| {
        b.iter(|| top_k_by_strengths(&matrix, &wanted, 20, None).unwrap())
    });
}

criterion_group!(benches, dense, sparse, rank);
criterion_main!(benches);
