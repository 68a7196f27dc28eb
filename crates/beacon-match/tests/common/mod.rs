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
