//! `beacon match stable`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use beacon_match::parse;
use beacon_match::stable::{
    StableError, StableProblem, blocking_pairs, deferred_acceptance, stability_cost,
};
use serde_json::json;

use crate::{InputError, Outcome, read, spinner};

#[derive(Debug, Clone, clap::Args)]
pub struct StableArgs {
    /// CSV `person,post,rank`: each person's acceptable posts, rank 1 the best.
    #[arg(long)]
    pub people: PathBuf,
    /// CSV `post,person,rank`: each post's acceptable people, rank 1 the best.
    #[arg(long)]
    pub posts: PathBuf,
    /// CSV `post,capacity`; posts not listed take one person.
    #[arg(long)]
    pub capacities: Option<PathBuf>,
}

type Rows = Vec<(String, String, u32, usize)>;

struct Names(Vec<String>, HashMap<String, u32>);

impl Names {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&k) = self.1.get(name) {
            return k;
        }
        let k = self.0.len() as u32;
        self.0.push(name.to_owned());
        self.1.insert(name.to_owned(), k);
        k
    }
}

pub fn execute(args: &StableArgs) -> Result<Outcome, InputError> {
    let people_rows = parse::preferences_csv(&read(&args.people)?, ["person", "post", "rank"])
        .map_err(|e| InputError::parse(&args.people, e))?;
    let post_rows = parse::preferences_csv(&read(&args.posts)?, ["post", "person", "rank"])
        .map_err(|e| InputError::parse(&args.posts, e))?;
    let mut persons = Names(Vec::new(), HashMap::new());
    let mut posts = Names(Vec::new(), HashMap::new());
    let person_prefs: Vec<_> = people_rows
        .iter()
        .map(|(a, b, r, _)| (persons.id(a), posts.id(b), *r))
        .collect();
    let post_prefs: Vec<_> = post_rows
        .iter()
        .map(|(a, b, r, _)| (posts.id(a), persons.id(b), *r))
        .collect();
    let mut capacity_rows = Vec::new();
    if let Some(file) = &args.capacities {
        capacity_rows =
            parse::capacities_csv(&read(file)?).map_err(|e| InputError::parse(file, e))?;
        for (post, _, _) in &capacity_rows {
            posts.id(post);
        }
    }
    let mut capacity = vec![1u32; posts.0.len()];
    for (post, cap, _) in &capacity_rows {
        capacity[posts.id(post) as usize] = *cap;
    }
    let problem = StableProblem::new(
        persons.0.len(),
        posts.0.len(),
        &person_prefs,
        &post_prefs,
        capacity,
    )
    .map_err(|e| locate(e, args, &people_rows, &post_rows, &persons, &posts))?;

    let bar = spinner("matching");
    let started = Instant::now();
    let matching = deferred_acceptance(&problem);
    let seconds = started.elapsed().as_secs_f64();
    bar.set_message("comparing with the optimum");
    let blocking = blocking_pairs(&problem, &matching).len();
    let cost = stability_cost(&problem, &matching)
        .map_err(|e| InputError::new(&args.people, 0, e.to_string()))?;
    bar.finish_and_clear();
    let named = |pairs: &[(usize, usize)]| -> Vec<[String; 2]> {
        pairs
            .iter()
            .map(|&(p, j)| [persons.0[p].clone(), posts.0[j].clone()])
            .collect()
    };
    Ok(Outcome {
        json: json!({
            "status": "stable",
            "assigned": matching.pairs.len(),
            "pairs": named(&matching.pairs),
            "unplaced": matching.unplaced.iter().map(|&p| &persons.0[p]).collect::<Vec<_>>(),
            "blocking_pairs": blocking,
            "solve_seconds": seconds,
            "stability_cost": {
                "stable": cost.stable,
                "optimum": cost.optimum,
                "optimum_pairs": named(&cost.optimum_pairs),
                "extra_rank": cost.extra_rank,
                "fewer_placed": cost.fewer_placed,
            },
        }),
        solved: true,
    })
}

/// Points a preference error at the line that causes it.
fn locate(
    e: StableError,
    args: &StableArgs,
    people_rows: &Rows,
    post_rows: &Rows,
    persons: &Names,
    posts: &Names,
) -> InputError {
    if let StableError::Tie { who, index, rank } = e {
        let (file, rows, owner): (&Path, _, &str) = if who == "person" {
            (&args.people, people_rows, &persons.0[index])
        } else {
            (&args.posts, post_rows, &posts.0[index])
        };
        let mut lines = rows
            .iter()
            .filter(|(a, _, r, _)| a == owner && *r == rank)
            .map(|row| row.3);
        let first = lines.next().unwrap_or(0);
        let line = lines.next().unwrap_or(first);
        return InputError::new(
            file,
            line,
            format!(
                "{owner:?} gives rank {rank} twice (also on line {first}); ranks must be strict"
            ),
        );
    }
    InputError::new(&args.people, 0, e.to_string())
}
