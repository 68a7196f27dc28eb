//! Sparse assignment with capacities and tiers against brute force, each answer checked by
//! its certificate; and the sparse and dense solvers agreeing, as scipy checks its own two.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use beacon_match::certificate::{verify_sparse_all, verify_sparse_by_tier};
use beacon_match::sparse::{Edge, SparseProblem, solve_all, solve_by_tier};
use beacon_match::{AssignError, Matrix, Sense, solve_dense_i64};
use common::{SmallSparse, each_sparse_assignment};
use proptest::prelude::*;

fn problem(s: &SmallSparse, sense: Sense) -> SparseProblem {
    let edges = s
        .pairs
        .iter()
        .map(|&(p, j, c)| Edge {
            person: p as u32,
            post: j as u32,
            cost: c,
        })
        .collect();
    SparseProblem::new(s.persons, s.posts, edges, sense)
        .unwrap()
        .with_capacities(s.capacity.clone())
        .unwrap()
        .with_tiers(s.tier.clone())
        .unwrap()
}

fn small_sparse(max_tier: u16) -> impl Strategy<Value = SmallSparse> {
    (1usize..=6, 1usize..=4).prop_flat_map(move |(persons, posts)| {
        (
            prop::collection::btree_set((0..persons, 0..posts), 0..=persons * posts),
            prop::collection::vec(-9i64..=9, persons * posts),
            prop::collection::vec(0u32..=3, posts),
            prop::collection::vec(1u16..=max_tier, persons),
        )
            .prop_map(move |(set, costs, capacity, tier)| SmallSparse {
                persons,
                posts,
                pairs: set
                    .into_iter()
                    .enumerate()
                    .map(|(k, (p, j))| (p, j, costs[k]))
                    .collect(),
                capacity,
                tier,
            })
    })
}

fn better(maximise: bool, a: i64, b: i64) -> bool {
    if maximise { a > b } else { a < b }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Everyone placed: the optimum or "infeasible" exactly as brute force finds.
    #[test]
    fn placing_everyone_agrees_with_brute_force(s in small_sparse(1), maximise in any::<bool>()) {
        let sense = if maximise { Sense::Maximise } else { Sense::Minimise };
        let mut best: Option<i64> = None;
        each_sparse_assignment(&s, |_, placed, total| {
            if placed == s.persons && best.is_none_or(|b| better(maximise, total, b)) {
                best = Some(total);
            }
        });
        let p = problem(&s, sense);
        match (solve_all(&p), best) {
            (Ok(sol), Some(b)) => {
                prop_assert_eq!(sol.objective, b);
                prop_assert_eq!(verify_sparse_all(&p, &sol), Ok(()));
            }
            (Err(AssignError::Infeasible), None) => {}
            (got, want) => prop_assert!(false, "solver {:?}, brute force {:?}", got, want),
        }
    }

    /// Tiers: the placed counts are lexicographically greatest, tier by tier, and the total
    /// is the best among assignments with those counts.
    #[test]
    fn tiers_agree_with_brute_force(s in small_sparse(3), maximise in any::<bool>()) {
        let sense = if maximise { Sense::Maximise } else { Sense::Minimise };
        let mut best: Option<(Vec<usize>, i64)> = None;
        each_sparse_assignment(&s, |counts, _, total| {
            let wins = match &best {
                None => true,
                Some((bc, bt)) => counts > bc.as_slice()
                    || (counts == bc.as_slice() && better(maximise, total, *bt)),
            };
            if wins {
                best = Some((counts.to_vec(), total));
            }
        });
        let (counts, total) = best.unwrap();
        let p = problem(&s, sense);
        let sol = solve_by_tier(&p).unwrap();
        prop_assert_eq!(&sol.placed_by_tier, &counts);
        prop_assert_eq!(sol.objective, total);
        prop_assert_eq!(verify_sparse_by_tier(&p, &sol), Ok(()));
    }

    /// After scipy's `test_two_methods_give_same_result_on_many_sparse_inputs`: with unit
    /// capacities and a square matrix, the sparse solver and the dense one (missing pairs
    /// forbidden) agree on the optimum and on infeasibility.
    #[test]
    fn sparse_and_dense_agree(n in 1usize..=9, density in 0.1f64..1.0, seed in any::<u64>()) {
        let mut state = seed | 1;
        let mut next = move || { state ^= state << 13; state ^= state >> 7; state ^= state << 17; state };
        let mut dense = vec![i64::MAX; n * n];
        let mut edges = Vec::new();
        for i in 0..n {
            for j in 0..n {
                if (next() % 1000) as f64 / 1000.0 < density {
                    let c = (next() % 99 + 1) as i64;
                    dense[i * n + j] = c;
                    edges.push(Edge { person: i as u32, post: j as u32, cost: c });
                }
            }
        }
        let m = Matrix::new(n, n, dense).unwrap();
        let p = SparseProblem::new(n, n, edges, Sense::Minimise).unwrap();
        let a = solve_dense_i64(&m, Sense::Minimise).map(|s| s.objective);
        let b = solve_all(&p).map(|s| s.objective);
        prop_assert_eq!(a, b);
    }
}

#[test]
fn duplicate_pairs_are_refused() {
    let e = Edge {
        person: 0,
        post: 0,
        cost: 1,
    };
    assert_eq!(
        SparseProblem::new(1, 1, vec![e, e], Sense::Minimise).unwrap_err(),
        AssignError::DuplicatePair { person: 0, post: 0 }
    );
}

#[test]
fn more_people_than_places_is_infeasible_when_all_must_be_placed() {
    let edges = (0..3)
        .map(|p| Edge {
            person: p,
            post: 0,
            cost: 1,
        })
        .collect();
    let p = SparseProblem::new(3, 1, edges, Sense::Minimise)
        .unwrap()
        .with_capacities(vec![2])
        .unwrap();
    assert_eq!(solve_all(&p).unwrap_err(), AssignError::Infeasible);
    let sol = solve_by_tier(&p).unwrap();
    assert_eq!(sol.pairs.len(), 2);
    verify_sparse_by_tier(&p, &sol).unwrap();
}

/// Larger instances than brute force can check, against the dense solver: they exercise the
/// row reductions and many-person phases that tiny instances never reach.
#[test]
fn medium_instances_agree_with_the_dense_solver() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (n, degree, max_cost) in [(300, 5, 10), (300, 12, 1000), (500, 30, 3), (200, 200, 100)] {
        let mut dense = vec![i64::MAX; n * n];
        let mut edges = Vec::new();
        for i in 0..n {
            let mut posts = std::collections::BTreeSet::from([i]);
            while posts.len() < degree {
                posts.insert((next() % n as u64) as usize);
            }
            for j in posts {
                let c = (next() % max_cost + 1) as i64;
                dense[i * n + j] = c;
                edges.push(Edge {
                    person: i as u32,
                    post: j as u32,
                    cost: c,
                });
            }
        }
        for sense in [Sense::Minimise, Sense::Maximise] {
            let m = Matrix::new(n, n, dense.clone()).unwrap();
            let p = SparseProblem::new(n, n, edges.clone(), sense).unwrap();
            let want = solve_dense_i64(&m, sense).unwrap().objective;
            let all = solve_all(&p).unwrap();
            assert_eq!(all.objective, want, "n {n} degree {degree}");
            verify_sparse_all(&p, &all).unwrap();
            // With room for everyone the tiered solver places everyone at the same optimum.
            let by_tier = solve_by_tier(&p).unwrap();
            assert_eq!((by_tier.pairs.len(), by_tier.objective), (n, want));
            verify_sparse_by_tier(&p, &by_tier).unwrap();
        }
    }
}
