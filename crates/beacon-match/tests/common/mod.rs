//! Brute-force solvers the property tests compare against: slow, obviously right.
#![allow(dead_code)]

/// The best total over every way to assign the shorter side of a dense matrix, `None` for
/// forbidden entries; `None` overall when no complete assignment exists.
pub fn brute_dense(costs: &[Vec<Option<i64>>], maximise: bool) -> Option<i64> {
    let rows = costs.len();
    let cols = costs.first().map_or(0, Vec::len);
    let transposed = rows > cols;
    let (n, m) = if transposed {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let at = |i: usize, j: usize| if transposed { costs[j][i] } else { costs[i][j] };
    let mut best: Option<i64> = None;
    let mut used = vec![false; m];
    #[allow(clippy::too_many_arguments)]
    fn go(
        i: usize,
        n: usize,
        m: usize,
        total: i64,
        used: &mut [bool],
        at: &dyn Fn(usize, usize) -> Option<i64>,
        maximise: bool,
        best: &mut Option<i64>,
    ) {
        if i == n {
            let better = best.is_none_or(|b| if maximise { total > b } else { total < b });
            if better {
                *best = Some(total);
            }
            return;
        }
        for j in 0..m {
            if let (false, Some(c)) = (used[j], at(i, j)) {
                used[j] = true;
                go(i + 1, n, m, total + c, used, at, maximise, best);
                used[j] = false;
            }
        }
    }
    go(0, n, m, 0, &mut used, &at, maximise, &mut best);
    best
}

/// A small sparse instance: pairs `(person, post, cost)`, capacities, tiers.
#[derive(Debug, Clone)]
pub struct SmallSparse {
    pub persons: usize,
    pub posts: usize,
    pub pairs: Vec<(usize, usize, i64)>,
    pub capacity: Vec<u32>,
    pub tier: Vec<u16>,
}

/// Every way to give each person one of their posts or nothing within capacities, as
/// (placed per tier, total). `visit` sees each.
pub fn each_sparse_assignment(s: &SmallSparse, mut visit: impl FnMut(&[usize], usize, i64)) {
    let tiers = s.tier.iter().copied().max().unwrap_or(1) as usize;
    let mut by_person: Vec<Vec<(usize, i64)>> = vec![vec![]; s.persons];
    for &(p, j, c) in &s.pairs {
        by_person[p].push((j, c));
    }
    let mut load = vec![0u32; s.posts];
    let mut counts = vec![0usize; tiers];
    #[allow(clippy::too_many_arguments)]
    fn go(
        p: usize,
        s: &SmallSparse,
        by_person: &[Vec<(usize, i64)>],
        load: &mut [u32],
        counts: &mut [usize],
        placed: usize,
        total: i64,
        visit: &mut dyn FnMut(&[usize], usize, i64),
    ) {
        if p == s.persons {
            visit(counts, placed, total);
            return;
        }
        go(p + 1, s, by_person, load, counts, placed, total, visit);
        for &(j, c) in &by_person[p] {
            if load[j] < s.capacity[j] {
                load[j] += 1;
                counts[s.tier[p] as usize - 1] += 1;
                go(
                    p + 1,
                    s,
                    by_person,
                    load,
                    counts,
                    placed + 1,
                    total + c,
                    visit,
                );
                counts[s.tier[p] as usize - 1] -= 1;
                load[j] -= 1;
            }
        }
    }
    go(0, s, &by_person, &mut load, &mut counts, 0, 0, &mut visit);
}
