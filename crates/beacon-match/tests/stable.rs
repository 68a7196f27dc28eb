//! Deferred acceptance: no blocking pairs, people-optimal among all stable matchings (by
//! brute force), and the optimum it is compared with is the true optimum.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use beacon_match::stable::{
    StableError, StableMatching, StableProblem, blocking_pairs, deferred_acceptance,
    stability_cost, totals,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Instance {
    persons: usize,
    posts: usize,
    person_prefs: Vec<(u32, u32, u32)>,
    post_prefs: Vec<(u32, u32, u32)>,
    capacity: Vec<u32>,
}

/// Random strict preferences: each side lists a random subset of the other in random
/// order, with gaps in the rank numbers as people leave them.
fn instance() -> impl Strategy<Value = Instance> {
    (1usize..=5, 1usize..=3).prop_flat_map(|(persons, posts)| {
        (
            prop::collection::vec(prop::collection::vec(any::<(bool, u8)>(), posts), persons),
            prop::collection::vec(prop::collection::vec(any::<(bool, u8)>(), persons), posts),
            prop::collection::vec(0u32..=2, posts),
        )
            .prop_map(move |(pp, qp, capacity)| {
                let lists = |table: Vec<Vec<(bool, u8)>>| {
                    let mut out = Vec::new();
                    for (a, row) in table.into_iter().enumerate() {
                        let mut listed: Vec<(u8, usize)> = row
                            .iter()
                            .enumerate()
                            .filter(|(_, (keep, _))| *keep)
                            .map(|(b, &(_, key))| (key, b))
                            .collect();
                        listed.sort();
                        for (k, (_, b)) in listed.into_iter().enumerate() {
                            out.push((a as u32, b as u32, 2 * k as u32 + 1));
                        }
                    }
                    out
                };
                Instance {
                    persons,
                    posts,
                    person_prefs: lists(pp),
                    post_prefs: lists(qp),
                    capacity,
                }
            })
    })
}

fn problem(i: &Instance) -> StableProblem {
    StableProblem::new(
        i.persons,
        i.posts,
        &i.person_prefs,
        &i.post_prefs,
        i.capacity.clone(),
    )
    .unwrap()
}

/// Every matching of acceptable pairs within capacity.
fn all_matchings(p: &StableProblem) -> Vec<StableMatching> {
    let mut options: Vec<Vec<usize>> = vec![Vec::new(); p.persons()];
    for (a, b) in p.acceptable() {
        options[a].push(b);
    }
    let mut out = Vec::new();
    let mut choice: Vec<Option<usize>> = vec![None; p.persons()];
    let mut load = vec![0u32; p.posts()];
    fn go(
        k: usize,
        p: &StableProblem,
        options: &[Vec<usize>],
        choice: &mut Vec<Option<usize>>,
        load: &mut Vec<u32>,
        out: &mut Vec<StableMatching>,
    ) {
        if k == p.persons() {
            out.push(StableMatching {
                pairs: (0..p.persons())
                    .filter_map(|a| choice[a].map(|b| (a, b)))
                    .collect(),
                unplaced: (0..p.persons()).filter(|&a| choice[a].is_none()).collect(),
            });
            return;
        }
        go(k + 1, p, options, choice, load, out);
        for &b in &options[k] {
            if load[b] < p.capacity(b) {
                load[b] += 1;
                choice[k] = Some(b);
                go(k + 1, p, options, choice, load, out);
                choice[k] = None;
                load[b] -= 1;
            }
        }
    }
    go(0, p, &options, &mut choice, &mut load, &mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn deferred_acceptance_is_stable_and_people_optimal(i in instance()) {
        let p = problem(&i);
        let da = deferred_acceptance(&p);
        prop_assert_eq!(blocking_pairs(&p, &da), vec![]);
        let rank_of = |m: &StableMatching, person: usize| {
            m.pairs.iter().find(|x| x.0 == person).map(|&(_, j)| p.person_rank(person, j).unwrap())
        };
        for m in all_matchings(&p).iter().filter(|m| blocking_pairs(&p, m).is_empty()) {
            for person in 0..p.persons() {
                // Unplaced ranks worst; in a stable matching nobody does better than with
                // people-proposing deferred acceptance.
                let da_rank = rank_of(&da, person).unwrap_or(u32::MAX);
                let other = rank_of(m, person).unwrap_or(u32::MAX);
                prop_assert!(da_rank <= other, "person {} gets {} but {} is stable", person, da_rank, other);
            }
        }
    }

    #[test]
    fn stability_cost_compares_with_the_true_optimum(i in instance()) {
        let p = problem(&i);
        let da = deferred_acceptance(&p);
        let cost = stability_cost(&p, &da).unwrap();
        let best = all_matchings(&p)
            .iter()
            .map(|m| totals(&p, &m.pairs))
            .max_by_key(|t| (t.placed, std::cmp::Reverse(t.person_rank_total + t.post_rank_total)))
            .unwrap();
        prop_assert_eq!(cost.optimum.placed, best.placed);
        prop_assert_eq!(
            cost.optimum.person_rank_total + cost.optimum.post_rank_total,
            best.person_rank_total + best.post_rank_total
        );
        prop_assert!(cost.fewer_placed >= 0);
        if cost.fewer_placed == 0 {
            prop_assert!(cost.extra_rank >= 0);
        }
    }
}

/// The blocking-pair search finds a pair that plainly blocks.
#[test]
fn a_blocking_pair_is_found() {
    // One post of capacity 1; both people want it, and it prefers person 1.
    let p = StableProblem::new(
        2,
        1,
        &[(0, 0, 1), (1, 0, 1)],
        &[(0, 1, 1), (0, 0, 2)],
        vec![1],
    )
    .unwrap();
    let wrong = StableMatching {
        pairs: vec![(0, 0)],
        unplaced: vec![1],
    };
    assert_eq!(blocking_pairs(&p, &wrong), vec![(1, 0)]);
    assert_eq!(deferred_acceptance(&p).pairs, vec![(1, 0)]);
}

#[test]
fn ties_are_refused() {
    let e = StableProblem::new(1, 2, &[(0, 0, 1), (0, 1, 1)], &[], vec![1, 1]).unwrap_err();
    assert_eq!(
        e,
        StableError::Tie {
            who: "person",
            index: 0,
            rank: 1
        }
    );
}
