//! Sparse assignment of people to posts over a list of feasible pairs, posts with
//! capacities, each person placed at most once.
//!
//! The algorithm is the primal-dual (successive shortest path) method, with warm starts
//! that only ever hand it a feasible dual and tight pairs, so the answer is exact whatever
//! they manage:
//! 1. column reduction, when every post must fill (Jonker–Volgenant);
//! 2. a greedy pass placing each person on their cheapest post while it has room;
//! 3. when every post has one place and must fill, an ε-scaling auction (Bertsekas),
//!    keeping afterwards only the pairs that are exactly tight;
//! 4. augmenting row reduction (Jonker–Volgenant), generalised to capacities;
//! 5. phases: one Dijkstra on reduced costs from every free person at once, potentials
//!    moved so that the shortest augmenting paths become tight, then as many disjoint
//!    tight paths as a depth-first search finds.
//!
//! A post's occupants all share its potential, so a post of capacity `k` is one node, not
//! `k` copies, and the graph stays the size of the input. The final potentials are
//! returned as a certificate that [`crate::certificate`] checks.
//!
//! Two placements are offered:
//! - [`solve_all`]: every person must be placed, or the answer is
//!   [`AssignError::Infeasible`];
//! - [`solve_by_tier`]: place as many tier-1 people as possible, then tier 2, …, then
//!   optimise the total. Each person may stay unplaced through a private "unplaced" column,
//!   and the costs are the exact lexicographic pairs of [`crate::tiers`].

use serde::Serialize;

use crate::AssignError;
use crate::cost::{Cost, MAX_ABS_I64_COST, MAX_I64_DIMENSION};
use crate::dense::Sense;
use crate::tiers::{TierCost, tier_weights};

const NONE: u32 = u32::MAX;

/// A feasible pair and its cost (or score, when maximising).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub person: u32,
    pub post: u32,
    pub cost: i64,
}

/// People, posts and the feasible pairs between them, stored by person.
#[derive(Debug, Clone)]
pub struct SparseProblem {
    persons: usize,
    posts: usize,
    sense: Sense,
    /// `start[p]..start[p + 1]` are person `p`'s pairs.
    start: Vec<usize>,
    post: Vec<u32>,
    cost: Vec<i64>,
    capacity: Vec<u32>,
    /// 1 is served first.
    tier: Vec<u16>,
}

impl SparseProblem {
    /// Builds a problem in which every post has capacity 1 and every person is in tier 1.
    pub fn new(
        persons: usize,
        posts: usize,
        mut edges: Vec<Edge>,
        sense: Sense,
    ) -> Result<Self, AssignError> {
        if persons > MAX_I64_DIMENSION || posts > MAX_I64_DIMENSION {
            return Err(AssignError::TooLarge);
        }
        for e in &edges {
            if e.person as usize >= persons || e.post as usize >= posts {
                return Err(AssignError::PairOutOfRange {
                    person: e.person as usize,
                    post: e.post as usize,
                });
            }
            if e.cost.unsigned_abs() > MAX_ABS_I64_COST as u64 {
                return Err(AssignError::CostOutOfRange {
                    row: e.person as usize,
                    col: e.post as usize,
                    limit: MAX_ABS_I64_COST,
                });
            }
        }
        edges.sort_unstable_by_key(|e| (e.person, e.post));
        if let Some(w) = edges
            .windows(2)
            .find(|w| (w[0].person, w[0].post) == (w[1].person, w[1].post))
        {
            return Err(AssignError::DuplicatePair {
                person: w[0].person as usize,
                post: w[0].post as usize,
            });
        }
        let mut start = vec![0usize; persons + 1];
        for e in &edges {
            start[e.person as usize + 1] += 1;
        }
        for p in 0..persons {
            start[p + 1] += start[p];
        }
        Ok(Self {
            persons,
            posts,
            sense,
            start,
            post: edges.iter().map(|e| e.post).collect(),
            cost: edges.iter().map(|e| e.cost).collect(),
            capacity: vec![1; posts],
            tier: vec![1; persons],
        })
    }

    /// Sets every post's capacity (0 closes a post).
    pub fn with_capacities(mut self, capacity: Vec<u32>) -> Result<Self, AssignError> {
        if capacity.len() != self.posts {
            return Err(AssignError::Length {
                what: "capacities",
                expected: self.posts,
                got: capacity.len(),
            });
        }
        self.capacity = capacity;
        Ok(self)
    }

    /// Sets every person's priority tier: 1 is served first.
    pub fn with_tiers(mut self, tier: Vec<u16>) -> Result<Self, AssignError> {
        if tier.len() != self.persons {
            return Err(AssignError::Length {
                what: "tiers",
                expected: self.persons,
                got: tier.len(),
            });
        }
        if let Some(p) = tier.iter().position(|&t| t == 0) {
            return Err(AssignError::BadTier { person: p });
        }
        self.tier = tier;
        Ok(self)
    }

    pub fn persons(&self) -> usize {
        self.persons
    }
    pub fn posts(&self) -> usize {
        self.posts
    }
    pub fn sense(&self) -> Sense {
        self.sense
    }
    pub fn capacity(&self, post: usize) -> u32 {
        self.capacity[post]
    }
    pub fn tier(&self, person: usize) -> u16 {
        self.tier[person]
    }
    pub fn tiers(&self) -> usize {
        self.tier.iter().copied().max().unwrap_or(1) as usize
    }
    /// Person `p`'s pairs as `(post, cost)`.
    pub fn pairs_of(&self, person: usize) -> impl Iterator<Item = (usize, i64)> + '_ {
        let r = self.start[person]..self.start[person + 1];
        self.post[r.clone()]
            .iter()
            .zip(&self.cost[r])
            .map(|(&j, &c)| (j as usize, c))
    }
    /// The cost of a pair, if it is feasible.
    pub fn cost_of(&self, person: usize, post: usize) -> Option<i64> {
        let r = self.start[person]..self.start[person + 1];
        let k = self.post[r.clone()].binary_search(&(post as u32)).ok()?;
        Some(self.cost[r.start + k])
    }
    pub fn edges(&self) -> usize {
        self.post.len()
    }

    /// The cost in the minimisation form every solver works in.
    #[inline(always)]
    fn min_form(&self, c: i64) -> i64 {
        match self.sense {
            Sense::Minimise => c,
            Sense::Maximise => -c,
        }
    }
}

/// Dual potentials proving a sparse assignment optimal, in the solver's minimisation form:
/// for every feasible pair `person[p] + post[j] <= cost(p, j)`, equal when `p` holds `j`;
/// `post[j] <= 0`, and below zero only when the post is full. When people may stay
/// unplaced, `unplaced[p]` plays the same part for `p`'s "unplaced" column of cost zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SparseCertificate<C> {
    pub person: Vec<C>,
    pub post: Vec<C>,
    pub unplaced: Vec<C>,
}

/// An optimal sparse assignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SparseAssignment<C> {
    /// `(person, post)` pairs, by person.
    pub pairs: Vec<(usize, usize)>,
    /// Total of the input costs (or scores) over `pairs`.
    pub objective: i64,
    /// People placed in tier 1, 2, …
    pub placed_by_tier: Vec<usize>,
    pub unplaced: Vec<usize>,
    pub certificate: SparseCertificate<C>,
}

/// How the solver sees a pair's cost: plain integers, or tiered pairs.
trait Model {
    type C: Cost;
    fn edge(&self, person: usize, min_form_cost: i64) -> Self::C;
    /// The cost of leaving a person unplaced, when that is allowed.
    fn unplaced(&self) -> Option<Self::C>;
    /// A plain amount of score, as a cost.
    fn score(&self, amount: i64) -> Self::C;
}

struct Plain;
impl Model for Plain {
    type C = i64;
    #[inline(always)]
    fn edge(&self, _: usize, c: i64) -> i64 {
        c
    }
    fn unplaced(&self) -> Option<i64> {
        None
    }
    fn score(&self, amount: i64) -> i64 {
        amount
    }
}

struct Tiered<'a> {
    weight: Vec<i128>,
    tier: &'a [u16],
}
impl Model for Tiered<'_> {
    type C = TierCost;
    #[inline(always)]
    fn edge(&self, person: usize, c: i64) -> TierCost {
        TierCost {
            tier: -self.weight[self.tier[person] as usize - 1],
            score: c,
        }
    }
    fn unplaced(&self) -> Option<TierCost> {
        Some(TierCost::ZERO)
    }
    fn score(&self, amount: i64) -> TierCost {
        TierCost {
            tier: 0,
            score: amount,
        }
    }
}

/// Places every person, minimising (or maximising) the total; infeasible when that cannot
/// be done.
pub fn solve_all(problem: &SparseProblem) -> Result<SparseAssignment<i64>, AssignError> {
    Ssp::new(problem, Plain).run()
}

/// Places as many tier-1 people as possible, then tier 2, …, then optimises the total.
pub fn solve_by_tier(problem: &SparseProblem) -> Result<SparseAssignment<TierCost>, AssignError> {
    let weight = tier_weights(problem.persons, problem.tiers()).ok_or(AssignError::TooManyTiers)?;
    Ssp::new(
        problem,
        Tiered {
            weight,
            tier: &problem.tier,
        },
    )
    .run()
}

/// The weights `solve_by_tier` uses, for checking its certificate.
pub fn tier_cost(problem: &SparseProblem, person: usize, cost: i64) -> Option<TierCost> {
    let weight = tier_weights(problem.persons, problem.tiers())?;
    Some(
        Tiered {
            weight,
            tier: &problem.tier,
        }
        .edge(person, problem.min_form(cost)),
    )
}

/// A binary min-heap keyed by cost; `std`'s needs `Ord`, which `f64`-like costs lack.
struct Heap<C> {
    items: Vec<(C, u32)>,
}

impl<C: Cost> Heap<C> {
    #[inline]
    fn push(&mut self, key: C, value: u32) {
        let mut k = self.items.len();
        self.items.push((key, value));
        while k > 0 {
            let parent = (k - 1) / 2;
            if self.items[parent].0 <= key {
                break;
            }
            self.items.swap(k, parent);
            k = parent;
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<(C, u32)> {
        let last = self.items.pop()?;
        if self.items.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.items[0], last);
        let n = self.items.len();
        let mut k = 0;
        loop {
            let l = 2 * k + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let c = if r < n && self.items[r].0 < self.items[l].0 {
                r
            } else {
                l
            };
            if self.items[c].0 < self.items[k].0 {
                self.items.swap(c, k);
                k = c;
            } else {
                break;
            }
        }
        Some(top)
    }
}

const UNSEEN: u8 = 0;
const LABELLED: u8 = 1;
const SETTLED: u8 = 2;

struct Ssp<'a, M: Model> {
    problem: &'a SparseProblem,
    model: M,
    /// Posts, then (when people may stay unplaced) one "unplaced" column per person.
    columns: usize,
    v: Vec<M::C>,
    assigned: Vec<u32>,
    assigned_cost: Vec<M::C>,
    load: Vec<u32>,
    room: Vec<u32>,
    slot_start: Vec<usize>,
    members: Vec<u32>,
    slot_of: Vec<u32>,
    d: Vec<M::C>,
    state: Vec<u8>,
    touched: Vec<u32>,
    settled: Vec<u32>,
    heap: Heap<M::C>,
    /// Free people's potentials; a placed person's is implied by their pair.
    u_free: Vec<M::C>,
    /// Phase in which a person was last tried by the depth-first search.
    visited: Vec<u32>,
    /// Where each person's search resumes within the phase.
    arc: Vec<usize>,
    phase: u32,
}

impl<'a, M: Model> Ssp<'a, M> {
    fn new(problem: &'a SparseProblem, model: M) -> Self {
        let posts = problem.posts;
        let columns = if model.unplaced().is_some() {
            posts + problem.persons
        } else {
            posts
        };
        // A post never holds more people than have a pair with it, so slots are bounded
        // by the input even when a capacity is huge.
        let mut degree = vec![0u32; posts];
        for &j in &problem.post {
            degree[j as usize] += 1;
        }
        let room: Vec<u32> = degree
            .iter()
            .zip(&problem.capacity)
            .map(|(&d, &c)| d.min(c))
            .collect();
        let mut slot_start = vec![0usize; posts + 1];
        for j in 0..posts {
            slot_start[j + 1] = slot_start[j] + room[j] as usize;
        }
        Self {
            problem,
            columns,
            v: vec![M::C::ZERO; columns],
            assigned: vec![NONE; problem.persons],
            assigned_cost: vec![M::C::ZERO; problem.persons],
            load: vec![0; posts],
            members: vec![NONE; slot_start[posts]],
            slot_start,
            room,
            slot_of: vec![NONE; problem.persons],
            d: vec![M::C::FORBIDDEN; columns],
            state: vec![UNSEEN; columns],
            touched: Vec::new(),
            settled: Vec::new(),
            heap: Heap { items: Vec::new() },
            u_free: vec![M::C::ZERO; problem.persons],
            visited: vec![0; problem.persons],
            arc: vec![0; problem.persons],
            phase: 0,
            model,
        }
    }

    #[inline(always)]
    fn has_room(&self, j: usize) -> bool {
        // An "unplaced" column is only reachable from its own person, who is never sitting
        // in it while being moved, so it always has room.
        j >= self.problem.posts || self.load[j] < self.room[j]
    }

    fn join(&mut self, j: usize, person: u32, cost: M::C) {
        self.assigned[person as usize] = j as u32;
        self.assigned_cost[person as usize] = cost;
        if j < self.problem.posts {
            let k = self.load[j];
            self.members[self.slot_start[j] + k as usize] = person;
            self.slot_of[person as usize] = k;
            self.load[j] = k + 1;
        }
    }

    fn leave(&mut self, j: usize, person: u32) {
        if j < self.problem.posts {
            let k = self.slot_of[person as usize] as usize;
            let last = self.load[j] as usize - 1;
            let moved = self.members[self.slot_start[j] + last];
            self.members[self.slot_start[j] + k] = moved;
            self.slot_of[moved as usize] = k as u32;
            self.load[j] = last as u32;
        }
    }

    fn run(mut self) -> Result<SparseAssignment<M::C>, AssignError> {
        let problem = self.problem;
        // Serve tier 1 first: the answer does not depend on the order, but earlier tiers
        // then find their posts without being displaced later.
        let mut order: Vec<u32> = (0..problem.persons as u32).collect();
        order.sort_by_key(|&p| problem.tier[p as usize]);
        let mut free = Vec::new();
        let every_post_fills = self.model.unplaced().is_none()
            && self.room == problem.capacity
            && self.room.iter().map(|&r| r as usize).sum::<usize>() == problem.persons;
        if every_post_fills {
            self.reduce_columns();
        }
        for &p in &order {
            if !self.place_greedily(p as usize)? {
                free.push(p);
            }
        }
        if every_post_fills && self.room.iter().all(|&r| r == 1) && !free.is_empty() {
            free = self.auction();
        }
        // JV run two rounds; more keep paying while each places a good share of those
        // left, and cost little next to a shortest-path phase.
        for _ in 0..8 {
            let before = free.len();
            if before == 0 {
                break;
            }
            free = self.reduce_rows(free)?;
            if free.len() * 20 > before * 19 {
                break;
            }
        }
        while !free.is_empty() {
            self.shortest_paths_from(&free)?;
            free.retain(|&p| !self.augment_from(p as usize));
        }
        Ok(self.finish())
    }

    /// A warm start by Bertsekas's auction with ε-scaling, for one-place posts that must
    /// all fill (so potentials may take any sign). People bid for posts, raising prices by
    /// their margin over their second choice plus ε, while ε falls to 1; prices end close
    /// to optimal. Only pairs that are exactly tight are then kept, so the exact phases
    /// that follow start from a feasible dual and repair what is left; if the auction runs
    /// over its budget (as on a problem with no complete assignment), they simply have
    /// more to do.
    fn auction(&mut self) -> Vec<u32> {
        let problem = self.problem;
        let persons = problem.persons;
        let spread = problem
            .cost
            .iter()
            .map(|&c| problem.min_form(c))
            .fold((i64::MAX, i64::MIN), |(lo, hi), c| (lo.min(c), hi.max(c)));
        let range = (spread.1 - spread.0).max(1);
        let mut eps = (range / 8).max(1);
        let mut budget = 64 * persons + 1024;
        'stages: loop {
            for p in 0..persons {
                let j = self.assigned[p];
                if j != NONE {
                    self.leave(j as usize, p as u32);
                    self.assigned[p] = NONE;
                }
            }
            let mut queue: Vec<u32> = (0..persons as u32).rev().collect();
            while let Some(i) = queue.pop() {
                if budget == 0 {
                    break 'stages;
                }
                budget -= 1;
                let i = i as usize;
                let (mut w1, mut j1, mut c1) = (M::C::FORBIDDEN, NONE as usize, M::C::ZERO);
                let mut w2 = M::C::FORBIDDEN;
                for k in problem.start[i]..problem.start[i + 1] {
                    let j = problem.post[k] as usize;
                    let c = self.model.edge(i, problem.min_form(problem.cost[k]));
                    let w = c - self.v[j];
                    if w < w1 {
                        w2 = w1;
                        (w1, j1, c1) = (w, j, c);
                    } else if w < w2 {
                        w2 = w;
                    }
                }
                if j1 == NONE as usize {
                    break 'stages;
                }
                let step = if w2.is_forbidden() {
                    M::C::ZERO
                } else {
                    w2 - w1
                };
                self.v[j1] = self.v[j1] - step - self.model.score(eps);
                if self.load[j1] == 1 {
                    let holder = self.members[self.slot_start[j1]];
                    self.leave(j1, holder);
                    self.assigned[holder as usize] = NONE;
                    queue.push(holder);
                }
                self.join(j1, i as u32, c1);
            }
            if eps == 1 {
                break;
            }
            eps = (eps / 6).max(1);
        }
        // Keep only exactly tight pairs; everyone else starts the exact phases free.
        let mut free = Vec::new();
        for p in 0..persons {
            let j = self.assigned[p];
            let mut best = M::C::FORBIDDEN;
            for k in problem.start[p]..problem.start[p + 1] {
                let c = self.model.edge(p, problem.min_form(problem.cost[k]));
                let w = c - self.v[problem.post[k] as usize];
                if w < best {
                    best = w;
                }
            }
            let tight = j != NONE && self.assigned_cost[p] - self.v[j as usize] == best;
            if !tight {
                if j != NONE {
                    self.leave(j as usize, p as u32);
                    self.assigned[p] = NONE;
                }
                free.push(p as u32);
            }
        }
        free
    }

    /// Column reduction (Jonker–Volgenant): when every post must end up full, its capacity
    /// constraint is an equality and its potential may start anywhere, so start it at its
    /// cheapest pair. Many people then find a tight post with room straight away.
    fn reduce_columns(&mut self) {
        let problem = self.problem;
        let mut seen = vec![false; problem.posts];
        for p in 0..problem.persons {
            for k in problem.start[p]..problem.start[p + 1] {
                let j = problem.post[k] as usize;
                let c = self.model.edge(p, problem.min_form(problem.cost[k]));
                if !seen[j] || c < self.v[j] {
                    self.v[j] = c;
                    seen[j] = true;
                }
            }
        }
    }

    /// Puts a person on their cheapest pair (by reduced cost) if that post has room. No
    /// one is placed yet, so the person's potential can be that cheapest reduced cost:
    /// every reduced cost stays non-negative and the placed pair is tight.
    fn place_greedily(&mut self, p: usize) -> Result<bool, AssignError> {
        let problem = self.problem;
        let mut best: Option<(M::C, usize)> = None;
        let mut best_has_room = false;
        for k in problem.start[p]..problem.start[p + 1] {
            let j = problem.post[k] as usize;
            let c = self.model.edge(p, problem.min_form(problem.cost[k])) - self.v[j];
            let room = self.has_room(j);
            let better = match best {
                None => true,
                Some((b, _)) => c < b || (c == b && room && !best_has_room),
            };
            if better {
                best = Some((c, j));
                best_has_room = room;
            }
        }
        match best {
            Some((r, j)) if best_has_room => {
                let cost = r + self.v[j];
                // Unplaced costs zero; a pair only wins if it is cheaper than that.
                if self.model.unplaced().is_some_and(|u| u <= cost) {
                    return Ok(false);
                }
                self.join(j, p as u32, cost);
                Ok(true)
            }
            Some(_) => Ok(false),
            None if self.model.unplaced().is_some() => Ok(false),
            None => Err(AssignError::Infeasible),
        }
    }

    /// Augmenting row reduction (Jonker–Volgenant), generalised to posts with capacities.
    ///
    /// A free person takes their cheapest column. If it is full, its potential drops by as
    /// much as keeps the dual feasible, up to the gap to the person's second choice, and
    /// the occupant most ready to leave is displaced and bids next. Every step keeps the
    /// dual feasible and held pairs tight, so the exact phase that follows starts from
    /// here; it only does the cheap part of the work sooner. The work is bounded as in JV,
    /// since ties can make bids go round in circles.
    fn reduce_rows(&mut self, free: Vec<u32>) -> Result<Vec<u32>, AssignError> {
        let mut list = free;
        let mut current = 0usize;
        let mut left = Vec::new();
        let mut count = 0usize;
        let limit = self.problem.persons.max(1);
        while current < list.len() {
            count += 1;
            let i = list[current] as usize;
            current += 1;
            let mut first: Option<(M::C, usize, M::C)> = None;
            let mut second: Option<(M::C, usize, M::C)> = None;
            for k in 0..self.column_count(i) {
                let (j, c) = self.column_of(i, k);
                let r = c - self.v[j];
                match first {
                    Some((u1, _, _)) if r >= u1 => {
                        if second.is_none_or(|(u2, _, _)| r < u2) {
                            second = Some((r, j, c));
                        }
                    }
                    _ => {
                        second = first;
                        first = Some((r, j, c));
                    }
                }
            }
            let Some((u1, j1, c1)) = first else {
                return Err(AssignError::Infeasible);
            };
            if self.has_room(j1) {
                self.join(j1, i as u32, c1);
                continue;
            }
            let Some((leaver, others)) = self.leaver(j1) else {
                // A closed post: nobody to displace.
                left.push(i as u32);
                continue;
            };
            // How far the post's potential may drop: to the bidder's second choice, but
            // not past what the occupants who stay can absorb.
            let mut delta = second.map(|(u2, _, _)| u2 - u1);
            if let Some(o) = others {
                delta = Some(delta.map_or(o, |d| if o < d { o } else { d }));
            }
            // An unbounded drop means nobody else can use the post: no price to set.
            let delta = delta.filter(|d| !d.is_forbidden());
            let within_budget = count < current.saturating_mul(limit);
            match delta {
                Some(d) if within_budget && d > M::C::ZERO => {
                    self.v[j1] = self.v[j1] - d;
                    self.displace(j1, leaver, i, c1);
                    // The displaced bids next, while prices are fresh (JV's order).
                    current -= 1;
                    list[current] = leaver as u32;
                }
                _ => {
                    // A tie: no price moves. Take the second choice if it has room,
                    // otherwise take the first and leave the displaced for later.
                    if let Some((_, j2, c2)) =
                        second.filter(|&(u2, j2, _)| u2 == u1 && self.has_room(j2))
                    {
                        self.join(j2, i as u32, c2);
                    } else if delta.is_some() || others.is_none() {
                        self.displace(j1, leaver, i, c1);
                        left.push(leaver as u32);
                    } else {
                        left.push(i as u32);
                    }
                }
            }
        }
        Ok(left)
    }

    /// The occupant of full post `j` most ready to leave: the one whose reduced cost would
    /// rise least before another column suits them as well. Returns who they are and the
    /// smallest slack among the others (`None` when alone).
    fn leaver(&self, j: usize) -> Option<(usize, Option<M::C>)> {
        let lo = self.slot_start[j];
        let hi = lo + self.load[j] as usize;
        let mut best: Option<(M::C, usize)> = None;
        let mut runner_up: Option<M::C> = None;
        let single = hi - lo == 1;
        for s in lo..hi {
            let m = self.members[s] as usize;
            // Alone, the occupant leaves whatever their slack: no need to compute it.
            let slack = if single {
                M::C::ZERO
            } else {
                let own = self.assigned_cost[m] - self.v[j];
                let mut alt = M::C::FORBIDDEN;
                for k in 0..self.column_count(m) {
                    let (jj, c) = self.column_of(m, k);
                    if jj != j {
                        let r = c - self.v[jj];
                        if r < alt {
                            alt = r;
                        }
                    }
                }
                if alt.is_forbidden() { alt } else { alt - own }
            };
            match best {
                None => best = Some((slack, m)),
                Some((b, _)) if slack < b => {
                    runner_up = Some(b);
                    best = Some((slack, m));
                }
                Some(_) => {
                    if runner_up.is_none_or(|r| slack < r) {
                        runner_up = Some(slack);
                    }
                }
            }
        }
        let (_, m) = best?;
        Some((m, runner_up))
    }

    fn displace(&mut self, j: usize, leaver: usize, bidder: usize, cost: M::C) {
        self.leave(j, leaver as u32);
        self.assigned[leaver] = NONE;
        self.join(j, bidder as u32, cost);
    }

    /// Each of `person`'s columns as `(column, cost)`, the "unplaced" column last.
    #[inline(always)]
    fn column_count(&self, person: usize) -> usize {
        let p = self.problem;
        p.start[person + 1] - p.start[person] + usize::from(self.model.unplaced().is_some())
    }

    #[inline(always)]
    fn column_of(&self, person: usize, k: usize) -> (usize, M::C) {
        let p = self.problem;
        let e = p.start[person] + k;
        if e < p.start[person + 1] {
            let c = self.model.edge(person, p.min_form(p.cost[e]));
            (p.post[e] as usize, c)
        } else {
            (
                p.posts + person,
                self.model.unplaced().unwrap_or(M::C::ZERO),
            )
        }
    }

    /// One Dijkstra from every free person at once (the primal-dual method): finds the
    /// length `D` of the shortest augmenting paths and moves the potentials so that exactly
    /// those paths become tight, keeping every reduced cost non-negative.
    fn shortest_paths_from(&mut self, free: &[u32]) -> Result<(), AssignError> {
        for &p in free {
            let p = p as usize;
            let mut best: Option<M::C> = None;
            for k in 0..self.column_count(p) {
                let (j, c) = self.column_of(p, k);
                let r = c - self.v[j];
                if best.is_none_or(|b| r < b) {
                    best = Some(r);
                }
            }
            // Someone with no pair, who must be placed, cannot be.
            self.u_free[p] = best.ok_or(AssignError::Infeasible)?;
        }
        let mut found = None;
        for &p in free {
            let p = p as usize;
            let base = -self.u_free[p];
            if let Some(j) = self.scan_person(p, base, Some(M::C::ZERO)) {
                found = Some((j, M::C::ZERO));
                break;
            }
        }
        let (_sink, dist) = match found {
            Some(f) => f,
            None => loop {
                let Some((dj, j)) = self.heap.pop() else {
                    self.reset_search();
                    return Err(AssignError::Infeasible);
                };
                let j = j as usize;
                if self.state[j] == SETTLED || dj > self.d[j] {
                    continue;
                }
                if self.has_room(j) {
                    break (j, dj);
                }
                self.state[j] = SETTLED;
                self.settled.push(j as u32);
                let lo = self.slot_start[j];
                let hi = lo + self.load[j] as usize;
                let mut found = None;
                for k in lo..hi {
                    let i = self.members[k] as usize;
                    let base = dj - self.assigned_cost[i] + self.v[j];
                    if let Some(s) = self.scan_person(i, base, Some(dj)) {
                        found = Some(s);
                        break;
                    }
                }
                if let Some(s) = found {
                    break (s, dj);
                }
            },
        };
        for k in 0..self.settled.len() {
            let j = self.settled[k] as usize;
            self.v[j] = self.v[j] + self.d[j] - dist;
        }
        for &p in free {
            self.u_free[p as usize] = self.u_free[p as usize] + dist;
        }
        self.reset_search();
        self.phase += 1;
        Ok(())
    }

    /// Relaxes every pair of `person`, who is reached at `base` (the distance of their
    /// column less their reduced cost). Returns a column with room reached at distance
    /// `floor`, which no other column can beat, to end the search early.
    #[inline]
    fn scan_person(&mut self, person: usize, base: M::C, floor: Option<M::C>) -> Option<usize> {
        let problem = self.problem;
        let own = self.assigned[person] as usize;
        let range = problem.start[person]..problem.start[person + 1];
        for (&j, &raw) in problem.post[range.clone()].iter().zip(&problem.cost[range]) {
            let j = j as usize;
            if self.state[j] == SETTLED || j == own {
                continue;
            }
            let c = self.model.edge(person, problem.min_form(raw));
            if let Some(found) = self.relax(j, base + c - self.v[j], floor) {
                return Some(found);
            }
        }
        if let Some(c) = self.model.unplaced() {
            let j = problem.posts + person;
            if self.state[j] != SETTLED && j != own {
                return self.relax(j, base + c - self.v[j], floor);
            }
        }
        None
    }

    #[inline(always)]
    fn relax(&mut self, j: usize, nd: M::C, floor: Option<M::C>) -> Option<usize> {
        if nd < self.d[j] {
            if self.state[j] == UNSEEN {
                self.state[j] = LABELLED;
                self.touched.push(j as u32);
            }
            self.d[j] = nd;
            if floor.is_some_and(|f| nd <= f) && self.has_room(j) {
                return Some(j);
            }
            self.heap.push(nd, j as u32);
        }
        None
    }

    /// Looks for a tight augmenting path from free person `start` by depth-first search,
    /// never reusing a person moved or tried in this phase, and applies it.
    fn augment_from(&mut self, start: usize) -> bool {
        if self.visited[start] == self.phase {
            return false;
        }
        self.visited[start] = self.phase;
        self.arc[start] = 0;
        // Each frame is a person and the column they are trying to move to.
        let mut stack: Vec<(usize, usize)> = vec![(start, NONE as usize)];
        while let Some(&(x, _)) = stack.last() {
            let mut next = None;
            let own = self.assigned[x] as usize;
            let u = match self.assigned[x] {
                NONE => self.u_free[x],
                k => self.assigned_cost[x] - self.v[k as usize],
            };
            let count = self.column_count(x);
            while self.arc[x] < count {
                let (j, c) = self.column_of(x, self.arc[x]);
                if j == own || c - u - self.v[j] != M::C::ZERO {
                    self.arc[x] += 1;
                    continue;
                }
                if self.has_room(j) {
                    next = Some((j, c, None));
                    break;
                }
                let lo = self.slot_start[j];
                let hi = lo + self.load[j] as usize;
                match self.members[lo..hi]
                    .iter()
                    .find(|&&m| self.visited[m as usize] != self.phase)
                {
                    Some(&m) => {
                        next = Some((j, c, Some(m as usize)));
                        break;
                    }
                    None => self.arc[x] += 1,
                }
            }
            match next {
                None => {
                    stack.pop();
                }
                Some((j, _, Some(m))) => {
                    self.visited[m] = self.phase;
                    self.arc[m] = 0;
                    if let Some(top) = stack.last_mut() {
                        top.1 = j;
                    }
                    stack.push((m, NONE as usize));
                }
                Some((j, _, None)) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 = j;
                    }
                    // Move everyone on the path one column along, deepest first so each
                    // takes a slot just freed.
                    for &(person, column) in stack.iter().rev() {
                        let (_, c) = self.column_of(person, self.arc[person]);
                        let old = self.assigned[person];
                        if old != NONE {
                            self.leave(old as usize, person as u32);
                        }
                        self.join(column, person as u32, c);
                    }
                    return true;
                }
            }
        }
        false
    }

    fn reset_search(&mut self) {
        for &j in &self.touched {
            self.d[j as usize] = M::C::FORBIDDEN;
            self.state[j as usize] = UNSEEN;
        }
        self.touched.clear();
        self.settled.clear();
        self.heap.items.clear();
    }

    fn finish(self) -> SparseAssignment<M::C> {
        let problem = self.problem;
        let posts = problem.posts;
        let mut pairs = Vec::new();
        let mut unplaced = Vec::new();
        let mut objective = 0i64;
        let mut placed_by_tier = vec![0usize; problem.tiers()];
        let mut person_pot = Vec::with_capacity(problem.persons);
        for p in 0..problem.persons {
            let j = self.assigned[p] as usize;
            person_pot.push(if self.assigned[p] == NONE {
                M::C::ZERO
            } else {
                self.assigned_cost[p] - self.v[j]
            });
            if j < posts {
                pairs.push((p, j));
                objective += problem.cost_of(p, j).unwrap_or(0);
                placed_by_tier[problem.tier[p] as usize - 1] += 1;
            } else {
                unplaced.push(p);
            }
        }
        let unplaced_pot = if self.columns > posts {
            self.v[posts..].to_vec()
        } else {
            Vec::new()
        };
        let mut v = self.v;
        v.truncate(posts);
        // Column reduction may leave positive post potentials. When every post is full,
        // shifting all post potentials down and all person potentials up by the same
        // amount changes no reduced cost and, with as many places as people, not the dual
        // objective either; it restores the sign the capacity constraints ask for.
        let top = v.iter().fold(M::C::ZERO, |a, &b| if b > a { b } else { a });
        if top > M::C::ZERO {
            for x in &mut v {
                *x = *x - top;
            }
            for u in &mut person_pot {
                *u = *u + top;
            }
        }
        SparseAssignment {
            pairs,
            objective,
            placed_by_tier,
            unplaced,
            certificate: SparseCertificate {
                person: person_pot,
                post: v,
                unplaced: unplaced_pot,
            },
        }
    }
}
