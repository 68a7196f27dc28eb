//! Benchmark driver for the strengths ranking: reads a raw matrix of levels (one byte per
//! strength, person by person) and a query, ranks the top k several times, and prints the
//! fastest time and the answer as JSON, for `bench/match/compare.py` to set beside numpy.
//!
//! Usage: rank_strengths MATRIX PEOPLE STRENGTHS QUERY K REPEATS
//! where QUERY is a file of `level weight` lines, one per strength.

use std::time::Instant;

use beacon_match::rank::{StrengthMatrix, top_k_by_strengths};
use beacon_match::score::DesiredStrength;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, matrix, people, strengths, query, k, repeats] = args.as_slice() else {
        return Err("usage: rank_strengths MATRIX PEOPLE STRENGTHS QUERY K REPEATS".into());
    };
    let (people, strengths): (usize, usize) = (people.parse()?, strengths.parse()?);
    let (k, repeats): (usize, usize) = (k.parse()?, repeats.parse()?);
    let bytes = std::fs::read(matrix)?;
    if bytes.len() != people * strengths {
        return Err("the matrix file has the wrong size".into());
    }
    let m = StrengthMatrix::from_people(strengths, bytes.chunks_exact(strengths))?;
    drop(bytes);
    let mut wanted = Vec::new();
    for (strength, line) in std::fs::read_to_string(query)?.lines().enumerate() {
        let mut it = line.split_whitespace();
        let level: u8 = it.next().ok_or("level")?.parse()?;
        let weight: u8 = it.next().ok_or("weight")?.parse()?;
        wanted.push(DesiredStrength {
            strength,
            level,
            weight,
        });
    }
    let mut best = f64::INFINITY;
    let mut answer = Vec::new();
    for _ in 0..repeats {
        let started = Instant::now();
        answer = top_k_by_strengths(&m, &wanted, k, None)?;
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{}",
        serde_json::json!({ "solve_seconds": best, "top": answer })
    );
    Ok(())
}
