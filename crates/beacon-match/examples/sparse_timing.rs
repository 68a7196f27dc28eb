use beacon_match::Sense;
use beacon_match::sparse::{Edge, SparseProblem, solve_all, solve_by_tier};
use std::time::Instant;

fn main() {
    let mut state = 0x9E3779B97F4A7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n = 100_000usize;
    let mut edges = Vec::new();
    for i in 0..n {
        let mut posts = std::collections::BTreeSet::new();
        posts.insert(i);
        while posts.len() < 50 {
            posts.insert((next() % n as u64) as usize);
        }
        for j in posts {
            edges.push(Edge {
                person: i as u32,
                post: j as u32,
                cost: (next() % 1000 + 1) as i64,
            });
        }
    }
    let p = SparseProblem::new(n, n, edges, Sense::Minimise).unwrap();
    let t = Instant::now();
    let s = solve_all(&p).unwrap();
    println!("square: {} in {:?}", s.objective, t.elapsed());

    let posts = 10_000usize;
    let mut edges = Vec::new();
    let mut tiers = Vec::new();
    for i in 0..n {
        let mut ps = std::collections::BTreeSet::new();
        while ps.len() < 50 {
            ps.insert((next() % posts as u64) as usize);
        }
        for j in ps {
            edges.push(Edge {
                person: i as u32,
                post: j as u32,
                cost: (next() % 100 + 1) as i64,
            });
        }
        tiers.push(match next() % 100 {
            0..5 => 1,
            5..30 => 2,
            _ => 3,
        });
    }
    let p = SparseProblem::new(n, posts, edges, Sense::Maximise)
        .unwrap()
        .with_capacities(vec![10; posts])
        .unwrap()
        .with_tiers(tiers)
        .unwrap();
    let t = Instant::now();
    let s = solve_by_tier(&p).unwrap();
    println!(
        "tiers: {} {:?} in {:?}",
        s.objective,
        s.placed_by_tier,
        t.elapsed()
    );
}
