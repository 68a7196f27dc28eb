//! Stable matching: people-proposing deferred acceptance (Gale–Shapley) with post
//! capacities, as in the hospitals/residents problem. It gives every person the best post
//! they can have in any stable matching.
//!
//! A pair is acceptable only when each side ranks the other. A matching is stable when no
//! acceptable person and post would both rather have each other: the person is unplaced or
//! prefers the post, and the post has room or prefers the person to someone it holds.

use std::collections::BinaryHeap;

use serde::Serialize;

use crate::sparse::{Edge, SparseProblem, solve_by_tier};
use crate::{AssignError, Sense};

/// Why preferences cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StableError {
    #[error("{who} {index} gives rank {rank} to two choices; preferences must be strict")]
    Tie {
        who: &'static str,
        index: usize,
        rank: u32,
    },
    #[error("{who} {index} ranks {whom} {other} twice")]
    Repeated {
        who: &'static str,
        index: usize,
        whom: &'static str,
        other: usize,
    },
    #[error("a preference names a person or post that does not exist")]
    OutOfRange,
    #[error("capacities: expected {expected}, got {got}")]
    Capacities { expected: usize, got: usize },
}

/// Both sides' strict preferences over acceptable pairs, and post capacities.
#[derive(Debug, Clone)]
pub struct StableProblem {
    persons: usize,
    posts: usize,
    /// Each person's acceptable posts, best first, with the person's rank of each.
    person_list: Vec<Vec<(u32, u32)>>,
    /// Each post's rank of each acceptable person, sorted by person for lookup.
    post_rank: Vec<Vec<(u32, u32)>>,
    capacity: Vec<u32>,
}

/// One side's rankings: `(who, whom, rank)`, rank 1 the best.
pub type Ranking = (u32, u32, u32);

impl StableProblem {
    pub fn new(
        persons: usize,
        posts: usize,
        person_prefs: &[Ranking],
        post_prefs: &[Ranking],
        capacity: Vec<u32>,
    ) -> Result<Self, StableError> {
        if capacity.len() != posts {
            return Err(StableError::Capacities {
                expected: posts,
                got: capacity.len(),
            });
        }
        let by_owner = |prefs: &[Ranking], owners: usize, others: usize, who, whom| {
            let mut lists: Vec<Vec<(u32, u32)>> = vec![Vec::new(); owners];
            for &(a, b, rank) in prefs {
                if a as usize >= owners || b as usize >= others {
                    return Err(StableError::OutOfRange);
                }
                lists[a as usize].push((b, rank));
            }
            for (index, list) in lists.iter_mut().enumerate() {
                list.sort_unstable_by_key(|&(_, r)| r);
                if let Some(w) = list.windows(2).find(|w| w[0].1 == w[1].1) {
                    return Err(StableError::Tie {
                        who,
                        index,
                        rank: w[0].1,
                    });
                }
                let mut others: Vec<u32> = list.iter().map(|x| x.0).collect();
                others.sort_unstable();
                if let Some(w) = others.windows(2).find(|w| w[0] == w[1]) {
                    return Err(StableError::Repeated {
                        who,
                        index,
                        whom,
                        other: w[0] as usize,
                    });
                }
            }
            Ok(lists)
        };
        let person_all = by_owner(person_prefs, persons, posts, "person", "post")?;
        let mut post_rank = by_owner(post_prefs, posts, persons, "post", "person")?;
        for list in &mut post_rank {
            list.sort_unstable();
        }
        // Keep only posts that rank the person back.
        let person_list = person_all
            .into_iter()
            .enumerate()
            .map(|(p, list)| {
                list.into_iter()
                    .filter(|&(j, _)| rank_in(&post_rank[j as usize], p as u32).is_some())
                    .collect()
            })
            .collect();
        Ok(Self {
            persons,
            posts,
            person_list,
            post_rank,
            capacity,
        })
    }

    pub fn persons(&self) -> usize {
        self.persons
    }
    pub fn posts(&self) -> usize {
        self.posts
    }
    pub fn capacity(&self, post: usize) -> u32 {
        self.capacity[post]
    }
    /// The person's rank of the post, if the pair is acceptable to both.
    pub fn person_rank(&self, person: usize, post: usize) -> Option<u32> {
        self.person_list[person]
            .iter()
            .find(|&&(j, _)| j as usize == post)
            .map(|&(_, r)| r)
    }
    /// The post's rank of the person, if the pair is acceptable to both.
    pub fn post_rank(&self, post: usize, person: usize) -> Option<u32> {
        self.person_rank(person, post)?;
        rank_in(&self.post_rank[post], person as u32)
    }
    /// Every acceptable pair as `(person, post)`.
    pub fn acceptable(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.person_list
            .iter()
            .enumerate()
            .flat_map(|(p, l)| l.iter().map(move |&(j, _)| (p, j as usize)))
    }
}

fn rank_in(list: &[(u32, u32)], who: u32) -> Option<u32> {
    list.binary_search_by_key(&who, |&(p, _)| p)
        .ok()
        .map(|k| list[k].1)
}

/// A matching: each person's post, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StableMatching {
    /// `(person, post)` pairs, by person.
    pub pairs: Vec<(usize, usize)>,
    pub unplaced: Vec<usize>,
}

/// People-proposing deferred acceptance.
pub fn deferred_acceptance(problem: &StableProblem) -> StableMatching {
    let mut next = vec![0usize; problem.persons];
    // Each post's held proposals as a max-heap on the post's rank, so the least wanted
    // holder is the one to drop.
    let mut held: Vec<BinaryHeap<(u32, u32)>> = vec![BinaryHeap::new(); problem.posts];
    let mut free: Vec<u32> = (0..problem.persons as u32).rev().collect();
    while let Some(p) = free.pop() {
        let list = &problem.person_list[p as usize];
        let Some(&(j, _)) = list.get(next[p as usize]) else {
            continue;
        };
        next[p as usize] += 1;
        let j = j as usize;
        let Some(rank) = rank_in(&problem.post_rank[j], p) else {
            free.push(p);
            continue;
        };
        let heap = &mut held[j];
        if (heap.len() as u32) < problem.capacity[j] {
            heap.push((rank, p));
        } else if heap.peek().is_some_and(|&(worst, _)| rank < worst) {
            if let Some((_, dropped)) = heap.pop() {
                free.push(dropped);
            }
            heap.push((rank, p));
        } else {
            free.push(p);
        }
    }
    let mut post_of = vec![None; problem.persons];
    for (j, heap) in held.iter().enumerate() {
        for &(_, p) in heap {
            post_of[p as usize] = Some(j);
        }
    }
    StableMatching {
        pairs: post_of
            .iter()
            .enumerate()
            .filter_map(|(p, j)| j.map(|j| (p, j)))
            .collect(),
        unplaced: post_of
            .iter()
            .enumerate()
            .filter_map(|(p, j)| j.is_none().then_some(p))
            .collect(),
    }
}

/// Every pair that would rather have each other than what the matching gives them.
pub fn blocking_pairs(problem: &StableProblem, matching: &StableMatching) -> Vec<(usize, usize)> {
    let mut post_of = vec![None; problem.persons];
    let mut holders: Vec<Vec<usize>> = vec![Vec::new(); problem.posts];
    for &(p, j) in &matching.pairs {
        post_of[p] = Some(j);
        holders[j].push(p);
    }
    let mut blocking = Vec::new();
    for (p, j) in problem.acceptable() {
        let person_wants = match post_of[p] {
            None => true,
            Some(k) if k == j => false,
            Some(k) => problem.person_rank(p, j) < problem.person_rank(p, k),
        };
        if !person_wants {
            continue;
        }
        let room = (holders[j].len() as u32) < problem.capacity[j];
        let rank = problem.post_rank(j, p);
        let post_wants = room || holders[j].iter().any(|&q| rank < problem.post_rank(j, q));
        if post_wants {
            blocking.push((p, j));
        }
    }
    blocking
}

/// Totals of a matching: how many placed, and the sums of both sides' ranks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MatchingTotals {
    pub placed: usize,
    pub person_rank_total: u64,
    pub post_rank_total: u64,
}

/// What stability costs: the stable matching beside the optimum that places as many
/// people as possible and then minimises the sum of both sides' ranks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StabilityCost {
    pub stable: MatchingTotals,
    pub optimum: MatchingTotals,
    pub optimum_pairs: Vec<(usize, usize)>,
    /// Stable minus optimal, in summed ranks of both sides (never negative when as many
    /// are placed).
    pub extra_rank: i64,
    pub fewer_placed: i64,
}

pub fn totals(problem: &StableProblem, pairs: &[(usize, usize)]) -> MatchingTotals {
    let mut t = MatchingTotals {
        placed: pairs.len(),
        person_rank_total: 0,
        post_rank_total: 0,
    };
    for &(p, j) in pairs {
        t.person_rank_total += u64::from(problem.person_rank(p, j).unwrap_or(0));
        t.post_rank_total += u64::from(problem.post_rank(j, p).unwrap_or(0));
    }
    t
}

pub fn stability_cost(
    problem: &StableProblem,
    matching: &StableMatching,
) -> Result<StabilityCost, AssignError> {
    let edges = problem
        .acceptable()
        .map(|(p, j)| Edge {
            person: p as u32,
            post: j as u32,
            cost: i64::from(problem.person_rank(p, j).unwrap_or(0))
                + i64::from(problem.post_rank(j, p).unwrap_or(0)),
        })
        .collect();
    let assignment = SparseProblem::new(problem.persons, problem.posts, edges, Sense::Minimise)?
        .with_capacities(problem.capacity.clone())?;
    let optimum = solve_by_tier(&assignment)?;
    let stable = totals(problem, &matching.pairs);
    let best = totals(problem, &optimum.pairs);
    Ok(StabilityCost {
        extra_rank: (stable.person_rank_total + stable.post_rank_total) as i64
            - (best.person_rank_total + best.post_rank_total) as i64,
        fewer_placed: best.placed as i64 - stable.placed as i64,
        stable,
        optimum: best,
        optimum_pairs: optimum.pairs,
    })
}
