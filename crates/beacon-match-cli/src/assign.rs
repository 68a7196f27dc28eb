//! `beacon match assign`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use beacon_match::certificate::{verify_dense, verify_sparse_all, verify_sparse_by_tier};
use beacon_match::sparse::{Edge, SparseProblem, solve_all, solve_by_tier};
use beacon_match::{AssignError, Sense, parse, solve_dense_i64};
use serde_json::{Value, json};

use crate::{InputError, Outcome, read, spinner};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// J. E. Beasley's OR-Library: n, then the n×n integer costs row by row; minimised.
    Orlib,
    /// A header `person,post,score[,tier]` and one feasible pair a line.
    Csv,
}

#[derive(Debug, Clone, clap::Args)]
pub struct AssignArgs {
    /// The input's format.
    #[arg(long, value_enum)]
    pub format: Format,
    /// The problem file.
    #[arg(long)]
    pub input: PathBuf,
    /// CSV `post,capacity`; posts not listed take one person (csv format only).
    #[arg(long)]
    pub capacities: Option<PathBuf>,
    /// Maximise the total score instead of minimising the total cost.
    #[arg(long, visible_alias = "maximise")]
    pub maximize: bool,
    /// Every person must be placed: report "infeasible" otherwise (csv format only). By
    /// default as many people as possible are placed, tier by tier, then the total is
    /// optimised.
    #[arg(long)]
    pub require_all: bool,
}

pub fn execute(args: &AssignArgs) -> Result<Outcome, InputError> {
    let sense = if args.maximize {
        Sense::Maximise
    } else {
        Sense::Minimise
    };
    match args.format {
        Format::Orlib => {
            if args.capacities.is_some() || args.require_all {
                return Err(InputError::new(
                    &args.input,
                    0,
                    "--capacities and --require-all apply to --format csv only",
                ));
            }
            orlib(&args.input, sense)
        }
        Format::Csv => csv(args, sense),
    }
}

fn infeasible(e: &AssignError, seconds: f64) -> Outcome {
    Outcome {
        json: json!({
            "status": "infeasible",
            "message": e.to_string(),
            "solve_seconds": seconds,
        }),
        solved: false,
    }
}

fn orlib(file: &Path, sense: Sense) -> Result<Outcome, InputError> {
    let text = read(file)?;
    let matrix = parse::orlib(&text).map_err(|e| InputError::parse(file, e))?;
    let bar = spinner("solving");
    let started = Instant::now();
    let result = solve_dense_i64(&matrix, sense);
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    match result {
        Ok(solution) => {
            let verified = verify_dense(&matrix, sense, &solution, 0).is_ok();
            Ok(Outcome {
                json: json!({
                    "status": "optimal",
                    "objective": solution.objective,
                    "assigned": solution.pairs.len(),
                    "pairs": solution.pairs,
                    "solve_seconds": seconds,
                    "certificate_verified": verified,
                }),
                solved: true,
            })
        }
        Err(e @ AssignError::Infeasible) => Ok(infeasible(&e, seconds)),
        Err(e) => Err(InputError::new(file, 0, e.to_string())),
    }
}

/// An exact decimal: `scaled × 10^-decimals`.
fn decimal_json(scaled: i64, decimals: u32) -> Value {
    if decimals == 0 {
        return json!(scaled);
    }
    let text = format!(
        "{}{}.{:0width$}",
        if scaled < 0 { "-" } else { "" },
        scaled.unsigned_abs() / 10u64.pow(decimals),
        scaled.unsigned_abs() % 10u64.pow(decimals),
        width = decimals as usize
    );
    // Printed from the exact digits, so the JSON number is the exact decimal.
    text.parse::<serde_json::Number>()
        .map_or(Value::String(text), Value::Number)
}

fn csv(args: &AssignArgs, sense: Sense) -> Result<Outcome, InputError> {
    let file = &args.input;
    let text = read(file)?;
    let bar = spinner("reading pairs");
    let mut parsed = parse::pairs_csv(&text).map_err(|e| InputError::parse(file, e))?;
    drop(text);
    let mut capacity = vec![1u32; parsed.posts.len()];
    if let Some(cap_file) = &args.capacities {
        let rows =
            parse::capacities_csv(&read(cap_file)?).map_err(|e| InputError::parse(cap_file, e))?;
        let index: HashMap<&str, usize> = parsed
            .posts
            .iter()
            .enumerate()
            .map(|(k, p)| (p.as_str(), k))
            .collect();
        let mut extra = Vec::new();
        for (post, cap, _line) in rows {
            match index.get(post.as_str()) {
                Some(&k) => capacity[k] = cap,
                // A post nobody can take still appears in the answer's vocabulary.
                None => extra.push((post, cap)),
            }
        }
        for (post, cap) in extra {
            parsed.posts.push(post);
            capacity.push(cap);
        }
    }
    let edges = parsed
        .pairs
        .iter()
        .map(|&(p, j, c)| Edge {
            person: p,
            post: j,
            cost: c,
        })
        .collect();
    let mut problem = SparseProblem::new(parsed.people.len(), parsed.posts.len(), edges, sense)
        .and_then(|p| p.with_capacities(capacity))
        .map_err(|e| InputError::new(file, 0, e.to_string()))?;
    if let Some(tiers) = parsed.tiers.take() {
        problem = problem
            .with_tiers(tiers)
            .map_err(|e| InputError::new(file, 0, e.to_string()))?;
    }
    bar.set_message("solving");
    let started = Instant::now();
    let result = if args.require_all {
        solve_all(&problem).map(|s| {
            let seconds = started.elapsed().as_secs_f64();
            let verified = verify_sparse_all(&problem, &s).is_ok();
            (
                s.pairs,
                s.objective,
                s.unplaced,
                s.placed_by_tier,
                seconds,
                verified,
            )
        })
    } else {
        solve_by_tier(&problem).map(|s| {
            let seconds = started.elapsed().as_secs_f64();
            let verified = verify_sparse_by_tier(&problem, &s).is_ok();
            (
                s.pairs,
                s.objective,
                s.unplaced,
                s.placed_by_tier,
                seconds,
                verified,
            )
        })
    };
    bar.finish_and_clear();
    match result {
        Ok((pairs, objective, unplaced, placed_by_tier, seconds, verified)) => {
            let names: Vec<[&str; 2]> = pairs
                .iter()
                .map(|&(p, j)| [parsed.people[p].as_str(), parsed.posts[j].as_str()])
                .collect();
            let unplaced: Vec<&str> = unplaced
                .iter()
                .map(|&p| parsed.people[p].as_str())
                .collect();
            Ok(Outcome {
                json: json!({
                    "status": "optimal",
                    "objective": decimal_json(objective, parsed.decimals),
                    "assigned": names.len(),
                    "pairs": names,
                    "unplaced": unplaced,
                    "placed_by_tier": placed_by_tier,
                    "solve_seconds": seconds,
                    "certificate_verified": verified,
                }),
                solved: true,
            })
        }
        Err(e @ AssignError::Infeasible) => Ok(infeasible(&e, started.elapsed().as_secs_f64())),
        Err(e) => Err(InputError::new(file, 0, e.to_string())),
    }
}
