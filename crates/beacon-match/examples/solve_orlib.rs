//! Benchmark driver for dense assignment: solves an OR-Library file several times in one
//! process (as the Python peers are timed) and prints the fastest solve and the optimum as
//! JSON, for `bench/match/compare.py`.
//!
//! Usage: solve_orlib FILE REPEATS

use std::time::Instant;

use beacon_match::{Sense, parse, solve_dense_i64};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, file, repeats] = args.as_slice() else {
        return Err("usage: solve_orlib FILE REPEATS".into());
    };
    let matrix = parse::orlib(&std::fs::read_to_string(file)?)?;
    let mut best = f64::INFINITY;
    let mut objective = 0;
    for _ in 0..repeats.parse::<usize>()? {
        let started = Instant::now();
        let solution = solve_dense_i64(&matrix, Sense::Minimise)?;
        best = best.min(started.elapsed().as_secs_f64());
        objective = solution.objective;
    }
    println!(
        "{}",
        serde_json::json!({ "solve_seconds": best, "objective": objective })
    );
    Ok(())
}
