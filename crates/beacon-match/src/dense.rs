//! Dense linear assignment: Jonker–Volgenant (1987).
//!
//! Square problems start with JV's column reduction, reduction transfer and two rounds of
//! augmenting row reduction, which place most rows cheaply; every row still free is then
//! placed along a shortest augmenting path (Dijkstra on reduced costs). Rectangular problems
//! skip the start-up heuristics, whose potentials would break the sign conditions a
//! rectangular optimum needs, and go straight to shortest augmenting paths, as scipy does.
//!
//! Forbidden pairs are [`Cost::FORBIDDEN`] entries. They are never relaxed, so a problem
//! with no complete assignment is reported as [`AssignError::Infeasible`] rather than solved
//! with a "big M" that could leak into the answer.

use std::borrow::Cow;

use serde::Serialize;

use crate::AssignError;
use crate::cost::{Cost, MAX_I64_DIMENSION};

const NONE: usize = usize::MAX;

/// Whether the total cost is to be made as small or as large as possible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Sense {
    #[default]
    Minimise,
    Maximise,
}

/// A row-major matrix of costs; [`Cost::FORBIDDEN`] marks a pair that may not be assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix<C> {
    rows: usize,
    cols: usize,
    data: Vec<C>,
}

impl<C: Cost> Matrix<C> {
    pub fn new(rows: usize, cols: usize, data: Vec<C>) -> Result<Self, AssignError> {
        match rows.checked_mul(cols) {
            Some(len) if len == data.len() => Ok(Self { rows, cols, data }),
            _ => Err(AssignError::Shape {
                rows,
                cols,
                len: data.len(),
            }),
        }
    }

    /// Builds a matrix from rows, which must all have the same length.
    pub fn from_rows(rows: &[Vec<C>]) -> Result<Self, AssignError> {
        let cols = rows.first().map_or(0, Vec::len);
        let mut data = Vec::with_capacity(rows.len() * cols);
        for row in rows {
            if row.len() != cols {
                return Err(AssignError::Shape {
                    rows: rows.len(),
                    cols,
                    len: row.len(),
                });
            }
            data.extend_from_slice(row);
        }
        Self::new(rows.len(), cols, data)
    }

    pub fn rows(&self) -> usize {
        self.rows
    }
    pub fn cols(&self) -> usize {
        self.cols
    }
    pub fn get(&self, row: usize, col: usize) -> C {
        self.data[row * self.cols + col]
    }
    pub fn as_slice(&self) -> &[C] {
        &self.data
    }
}

/// Dual potentials proving a dense assignment optimal, for the minimisation form of the
/// problem (costs negated when maximising).
///
/// For every allowed pair `row[i] + col[j] <= c[i][j]`, with equality on assigned pairs; on
/// the longer side of a rectangular problem potentials are `<= 0` and zero where the line is
/// left unassigned. By weak duality no assignment can cost less.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DenseCertificate<C> {
    pub row_potentials: Vec<C>,
    pub col_potentials: Vec<C>,
}

/// An optimal assignment of a dense problem.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DenseAssignment<C> {
    /// `(row, column)` pairs, by row.
    pub pairs: Vec<(usize, usize)>,
    /// The total of the original costs over `pairs`.
    pub objective: C,
    pub certificate: DenseCertificate<C>,
}

/// Solves a dense assignment problem exactly.
///
/// Every line of the shorter side is assigned once; lines of the longer side at most once.
pub fn solve_dense<C: Cost>(
    matrix: &Matrix<C>,
    sense: Sense,
) -> Result<DenseAssignment<C>, AssignError> {
    let has_forbidden = validate(matrix)?;
    let transposed = matrix.rows > matrix.cols;
    let (n, m) = if transposed {
        (matrix.cols, matrix.rows)
    } else {
        (matrix.rows, matrix.cols)
    };
    if n == 0 {
        return Ok(DenseAssignment {
            pairs: Vec::new(),
            objective: C::ZERO,
            certificate: DenseCertificate {
                row_potentials: vec![C::ZERO; matrix.rows],
                col_potentials: vec![C::ZERO; matrix.cols],
            },
        });
    }
    // Work on a minimisation problem with no more rows than columns; borrow when the
    // input already is one, since copying assign800 costs a good share of the solve.
    let work: Cow<'_, [C]> = if !transposed && sense == Sense::Minimise {
        Cow::Borrowed(&matrix.data)
    } else {
        let mut w = Vec::with_capacity(n * m);
        for i in 0..n {
            for j in 0..m {
                let c = if transposed {
                    matrix.get(j, i)
                } else {
                    matrix.get(i, j)
                };
                w.push(match sense {
                    _ if c.is_forbidden() => C::FORBIDDEN,
                    Sense::Minimise => c,
                    Sense::Maximise => -c,
                });
            }
        }
        Cow::Owned(w)
    };
    let mut jv = Jv::new(&work, n, m, has_forbidden);
    if n == m {
        jv.column_reduction()?;
        for _ in 0..2 {
            if jv.free.is_empty() {
                break;
            }
            jv.augmenting_row_reduction()?;
        }
    } else {
        jv.free = (0..n).collect();
    }
    jv.augment_free_rows()?;

    let row_pot: Vec<C> = (0..n)
        .map(|i| {
            let j = jv.x[i];
            work[i * m + j] - jv.v[j]
        })
        .collect();
    let mut pairs = Vec::with_capacity(n);
    let mut objective = C::ZERO;
    for (i, &j) in jv.x.iter().enumerate() {
        let (r, c) = if transposed { (j, i) } else { (i, j) };
        objective = objective + matrix.get(r, c);
        pairs.push((r, c));
    }
    pairs.sort_unstable();
    let (row_potentials, col_potentials) = if transposed {
        (jv.v, row_pot)
    } else {
        (row_pot, jv.v)
    };
    Ok(DenseAssignment {
        pairs,
        objective,
        certificate: DenseCertificate {
            row_potentials,
            col_potentials,
        },
    })
}

/// Checks every cost in one pass (it is a fair share of a fast solve) and says whether
/// any pair is forbidden.
fn validate<C: Cost>(matrix: &Matrix<C>) -> Result<bool, AssignError> {
    if C::RANGE_LIMIT.is_some()
        && (matrix.rows > MAX_I64_DIMENSION || matrix.cols > MAX_I64_DIMENSION)
    {
        return Err(AssignError::TooLarge);
    }
    let mut forbidden = false;
    for (k, &c) in matrix.data.iter().enumerate() {
        if c.is_forbidden() {
            forbidden = true;
        } else if !c.in_range() {
            let (row, col) = (k / matrix.cols, k % matrix.cols);
            return Err(match C::RANGE_LIMIT {
                Some(limit) => AssignError::CostOutOfRange { row, col, limit },
                None => AssignError::InvalidCost { row, col },
            });
        }
    }
    Ok(forbidden)
}

/// Solves an integer problem; costs beyond ±2^40 are refused so no sum can overflow.
pub fn solve_dense_i64(
    matrix: &Matrix<i64>,
    sense: Sense,
) -> Result<DenseAssignment<i64>, AssignError> {
    solve_dense(matrix, sense)
}

/// The solver's state, in the notation of Jonker and Volgenant: `x[row]` is the row's
/// column, `y[col]` the column's row, `v` the column potentials.
struct Jv<'a, C> {
    cost: &'a [C],
    n: usize,
    m: usize,
    x: Vec<usize>,
    y: Vec<usize>,
    v: Vec<C>,
    free: Vec<usize>,
    has_forbidden: bool,
}

enum Scan {
    /// A free column reached at the current minimum distance: the path ends there.
    Sink(usize),
    /// The new end of the settled-but-unscanned batch.
    Settled(usize),
}

/// Relaxes the columns not yet settled, `cols[hi..]`, through row `i` (reached at `mind`,
/// with `h` its reduced offset), moving any that reach `mind` into the batch to scan.
///
/// This loop is where a dense solve spends its time, so it indexes without bounds checks;
/// `FORBIDDEN` is a parameter so that matrices without forbidden pairs pay nothing for
/// them.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn scan<C: Cost, const FORBIDDEN: bool>(
    row: &[C],
    v: &[C],
    y: &[usize],
    d: &mut [C],
    pred: &mut [usize],
    cols: &mut [usize],
    i: usize,
    h: C,
    mind: C,
    mut hi: usize,
) -> Scan {
    let m = cols.len();
    assert!(row.len() == m && v.len() == m && y.len() == m && d.len() == m && pred.len() == m);
    // The range is fixed on entry; moving `hi` only gathers the new minima at its front.
    #[allow(clippy::mut_range_bound)]
    for k in hi..m {
        // SAFETY: `k < m`, and `cols` is a permutation of `0..m` (it starts as the
        // identity and is only ever permuted by swaps), so `jk < m`; every slice indexed
        // by `jk` has length `m`, as asserted above.
        unsafe {
            let jk = *cols.get_unchecked(k);
            let c = *row.get_unchecked(jk);
            if FORBIDDEN && c.is_forbidden() {
                continue;
            }
            let r = c - *v.get_unchecked(jk) - h;
            if r < *d.get_unchecked(jk) {
                *d.get_unchecked_mut(jk) = r;
                *pred.get_unchecked_mut(jk) = i;
                if r == mind {
                    if *y.get_unchecked(jk) == NONE {
                        return Scan::Sink(jk);
                    }
                    *cols.get_unchecked_mut(k) = *cols.get_unchecked(hi);
                    *cols.get_unchecked_mut(hi) = jk;
                    hi += 1;
                }
            }
        }
    }
    Scan::Settled(hi)
}

impl<'a, C: Cost> Jv<'a, C> {
    fn new(cost: &'a [C], n: usize, m: usize, has_forbidden: bool) -> Self {
        Self {
            cost,
            n,
            m,
            x: vec![NONE; n],
            y: vec![NONE; m],
            v: vec![C::ZERO; m],
            free: Vec::new(),
            has_forbidden,
        }
    }

    #[inline(always)]
    fn row(&self, i: usize) -> &'a [C] {
        &self.cost[i * self.m..(i + 1) * self.m]
    }

    /// Column reduction and reduction transfer (square problems only).
    #[allow(clippy::needless_range_loop)]
    fn column_reduction(&mut self) -> Result<(), AssignError> {
        let n = self.n;
        let mut min_row = vec![NONE; n];
        let mut col_min = vec![C::FORBIDDEN; n];
        for i in 0..n {
            // A forbidden entry is the largest value there is, so it never wins a minimum.
            for ((&c, best), who) in self.row(i).iter().zip(&mut col_min).zip(&mut min_row) {
                if c < *best {
                    *best = c;
                    *who = i;
                }
            }
        }
        if min_row.contains(&NONE) {
            return Err(AssignError::Infeasible);
        }
        self.v = col_min;
        let mut unique = vec![true; n];
        // Scan columns from the last, as JV do, so ties go to the lowest column.
        for j in (0..n).rev() {
            let i = min_row[j];
            if self.x[i] == NONE {
                self.x[i] = j;
                self.y[j] = i;
            } else {
                unique[i] = false;
            }
        }
        for i in 0..n {
            let j = self.x[i];
            if j == NONE {
                self.free.push(i);
            } else if unique[i] {
                // Transfer the row's slack to its column so the row's second-best column
                // becomes as attractive as its own.
                let mut best: Option<C> = None;
                for (j2, &c) in self.row(i).iter().enumerate() {
                    if j2 != j && !c.is_forbidden() {
                        let r = c - self.v[j2];
                        if best.is_none_or(|b| r < b) {
                            best = Some(r);
                        }
                    }
                }
                if let Some(b) = best {
                    self.v[j] = self.v[j] - b;
                }
            }
        }
        Ok(())
    }

    /// Augmenting row reduction: a free row takes its cheapest column, lowering that
    /// column's potential so the displaced row tends to move on cheaply.
    fn augmenting_row_reduction(&mut self) -> Result<(), AssignError> {
        let n = self.n;
        let mut free = std::mem::take(&mut self.free);
        let mut current = 0;
        let mut new_free = 0;
        let mut rr_count = 0usize;
        while current < free.len() {
            rr_count += 1;
            let free_i = free[current];
            current += 1;
            let mut j1 = NONE;
            let mut u1 = C::FORBIDDEN;
            let mut j2 = NONE;
            let mut u2 = C::FORBIDDEN;
            for (j, (&c, &vj)) in self.row(free_i).iter().zip(&self.v).enumerate() {
                if c.is_forbidden() {
                    continue;
                }
                let r = c - vj;
                if j2 == NONE || r < u2 {
                    if j1 != NONE && r >= u1 {
                        u2 = r;
                        j2 = j;
                    } else {
                        u2 = u1;
                        j2 = j1;
                        u1 = r;
                        j1 = j;
                    }
                }
            }
            if j1 == NONE {
                return Err(AssignError::Infeasible);
            }
            let mut i0 = self.y[j1];
            let lowers = j2 != NONE && u1 < u2;
            if rr_count < current * n {
                if lowers {
                    self.v[j1] = self.v[j1] - (u2 - u1);
                } else if i0 != NONE && j2 != NONE {
                    j1 = j2;
                    i0 = self.y[j2];
                }
                if i0 != NONE {
                    if lowers {
                        current -= 1;
                        free[current] = i0;
                    } else {
                        free[new_free] = i0;
                        new_free += 1;
                    }
                }
            } else if i0 != NONE {
                free[new_free] = i0;
                new_free += 1;
            }
            if i0 != NONE {
                self.x[i0] = NONE;
            }
            self.x[free_i] = j1;
            self.y[j1] = free_i;
        }
        free.truncate(new_free);
        self.free = free;
        Ok(())
    }

    fn augment_free_rows(&mut self) -> Result<(), AssignError> {
        let free = std::mem::take(&mut self.free);
        let mut d = vec![C::ZERO; self.m];
        let mut pred = vec![0usize; self.m];
        let mut cols: Vec<usize> = (0..self.m).collect();
        for &start in &free {
            let mut j = self.shortest_path(start, &mut d, &mut pred, &mut cols)?;
            loop {
                let i = pred[j];
                self.y[j] = i;
                let next = std::mem::replace(&mut self.x[i], j);
                if i == start {
                    break;
                }
                j = next;
            }
        }
        Ok(())
    }

    /// Dijkstra from `start` over reduced costs, settling columns in batches of equal
    /// distance; returns the free column that ends the path and updates the potentials.
    fn shortest_path(
        &mut self,
        start: usize,
        d: &mut [C],
        pred: &mut [usize],
        cols: &mut [usize],
    ) -> Result<usize, AssignError> {
        let m = self.m;
        for (j, &c) in self.row(start).iter().enumerate() {
            d[j] = if c.is_forbidden() {
                C::FORBIDDEN
            } else {
                c - self.v[j]
            };
            pred[j] = start;
        }
        for (k, c) in cols.iter_mut().enumerate() {
            *c = k;
        }
        // cols[..lo] are settled and scanned, cols[lo..hi] settled at distance `mind` and
        // waiting to be scanned, cols[hi..] not yet settled.
        let mut lo = 0;
        let mut hi = 0;
        let mut n_ready = 0;
        let mut mind = C::ZERO;
        let sink = 'search: loop {
            if lo == hi {
                n_ready = lo;
                mind = d[cols[hi]];
                // The range is fixed on entry: moving `hi` only gathers the minima at the
                // front of what remains.
                #[allow(clippy::mut_range_bound)]
                for k in hi..m {
                    let j = cols[k];
                    let dj = d[j];
                    if dj <= mind {
                        if dj < mind {
                            hi = lo;
                            mind = dj;
                        }
                        cols[k] = cols[hi];
                        cols[hi] = j;
                        hi += 1;
                    }
                }
                if mind.is_forbidden() {
                    return Err(AssignError::Infeasible);
                }
                for &j in &cols[lo..hi] {
                    if self.y[j] == NONE {
                        break 'search j;
                    }
                }
            }
            let j = cols[lo];
            lo += 1;
            let i = self.y[j];
            let row = self.row(i);
            let h = row[j] - self.v[j] - mind;
            let scanned = if self.has_forbidden {
                scan::<C, true>(row, &self.v, &self.y, d, pred, cols, i, h, mind, hi)
            } else {
                scan::<C, false>(row, &self.v, &self.y, d, pred, cols, i, h, mind, hi)
            };
            match scanned {
                Scan::Sink(jk) => break 'search jk,
                Scan::Settled(new_hi) => hi = new_hi,
            }
        };
        for &j in &cols[..n_ready] {
            self.v[j] = self.v[j] + d[j] - mind;
        }
        Ok(sink)
    }
}
