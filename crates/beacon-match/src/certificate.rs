//! Checks that dual potentials prove an assignment optimal. The solvers return
//! certificates; these functions are how tests (and sceptical callers) verify them without
//! trusting the solver.

use crate::cost::Cost;
use crate::dense::{DenseAssignment, Matrix, Sense};
use crate::sparse::{SparseAssignment, SparseProblem, tier_cost};
use crate::tiers::TierCost;

/// What is wrong with a claimed optimum.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CertificateError {
    #[error("pair ({row}, {col}) is forbidden or out of range")]
    BadPair { row: usize, col: usize },
    #[error("{line} {index} is assigned twice")]
    Repeated { line: &'static str, index: usize },
    #[error("{0} lines of the shorter side are left unassigned")]
    Uncovered(usize),
    #[error("dual infeasible at ({row}, {col}): potentials exceed the cost")]
    DualInfeasible { row: usize, col: usize },
    #[error("assigned pair ({row}, {col}) is not tight")]
    NotTight { row: usize, col: usize },
    #[error("{line} {index} breaks the sign condition of the longer side")]
    Sign { line: &'static str, index: usize },
    #[error("objective does not equal the total cost of the pairs")]
    Objective,
    #[error("the certificate has the wrong number of potentials")]
    Length,
}

/// Verifies a dense assignment against its matrix: a valid assignment covering the shorter
/// side, whose certificate is dual feasible with complementary slackness. `tolerance` is
/// zero for integer costs.
pub fn verify_dense<C: Cost>(
    matrix: &Matrix<C>,
    sense: Sense,
    solution: &DenseAssignment<C>,
    tolerance: C,
) -> Result<(), CertificateError> {
    let (rows, cols) = (matrix.rows(), matrix.cols());
    let cert = &solution.certificate;
    if cert.row_potentials.len() != rows || cert.col_potentials.len() != cols {
        return Err(CertificateError::Length);
    }
    let min_form = |c: C| match sense {
        Sense::Minimise => c,
        Sense::Maximise => -c,
    };
    let mut row_used = vec![false; rows];
    let mut col_used = vec![false; cols];
    let mut total = C::ZERO;
    for &(r, c) in &solution.pairs {
        if r >= rows || c >= cols || matrix.get(r, c).is_forbidden() {
            return Err(CertificateError::BadPair { row: r, col: c });
        }
        if std::mem::replace(&mut row_used[r], true) {
            return Err(CertificateError::Repeated {
                line: "row",
                index: r,
            });
        }
        if std::mem::replace(&mut col_used[c], true) {
            return Err(CertificateError::Repeated {
                line: "column",
                index: c,
            });
        }
        total = total + matrix.get(r, c);
        let slack = min_form(matrix.get(r, c)) - cert.row_potentials[r] - cert.col_potentials[c];
        if slack > tolerance || slack < -tolerance {
            return Err(CertificateError::NotTight { row: r, col: c });
        }
    }
    let diff = total - solution.objective;
    if diff > tolerance || diff < -tolerance {
        return Err(CertificateError::Objective);
    }
    if solution.pairs.len() != rows.min(cols) {
        return Err(CertificateError::Uncovered(
            rows.min(cols) - solution.pairs.len(),
        ));
    }
    for r in 0..rows {
        for c in 0..cols {
            let cost = matrix.get(r, c);
            if cost.is_forbidden() {
                continue;
            }
            if cert.row_potentials[r] + cert.col_potentials[c] - min_form(cost) > tolerance {
                return Err(CertificateError::DualInfeasible { row: r, col: c });
            }
        }
    }
    // On the longer side a line may stay unassigned, so its constraint is an inequality:
    // its potential must be non-positive, and zero when the line is unused.
    let longer: Option<(&'static str, &[C], &[bool])> = if rows > cols {
        Some(("row", &cert.row_potentials, &row_used))
    } else if cols > rows {
        Some(("column", &cert.col_potentials, &col_used))
    } else {
        None
    };
    if let Some((line, pots, used)) = longer {
        for (index, (&p, &u)) in pots.iter().zip(used).enumerate() {
            if p > tolerance || (!u && p < -tolerance) {
                return Err(CertificateError::Sign { line, index });
            }
        }
    }
    Ok(())
}

/// Verifies an answer of [`crate::sparse::solve_all`]: everyone placed on feasible pairs
/// within capacity, and the certificate dual feasible with complementary slackness.
pub fn verify_sparse_all(
    problem: &SparseProblem,
    solution: &SparseAssignment<i64>,
) -> Result<(), CertificateError> {
    if !solution.unplaced.is_empty() {
        return Err(CertificateError::Uncovered(solution.unplaced.len()));
    }
    let sign = match problem.sense() {
        Sense::Minimise => 1,
        Sense::Maximise => -1,
    };
    verify_sparse(problem, solution, |_, c| sign * c, None)
}

/// Verifies an answer of [`crate::sparse::solve_by_tier`] against the lexicographic costs
/// it is defined by.
pub fn verify_sparse_by_tier(
    problem: &SparseProblem,
    solution: &SparseAssignment<TierCost>,
) -> Result<(), CertificateError> {
    let mut bad = false;
    let result = verify_sparse(
        problem,
        solution,
        |p, c| {
            tier_cost(problem, p, c).unwrap_or_else(|| {
                bad = true;
                TierCost::ZERO
            })
        },
        Some(TierCost::ZERO),
    );
    if bad {
        return Err(CertificateError::Length);
    }
    result
}

#[allow(clippy::needless_range_loop)]
fn verify_sparse<C: Cost>(
    problem: &SparseProblem,
    solution: &SparseAssignment<C>,
    mut cost: impl FnMut(usize, i64) -> C,
    unplaced_cost: Option<C>,
) -> Result<(), CertificateError> {
    let cert = &solution.certificate;
    let (persons, posts) = (problem.persons(), problem.posts());
    let expected_unplaced = if unplaced_cost.is_some() { persons } else { 0 };
    if cert.person.len() != persons
        || cert.post.len() != posts
        || cert.unplaced.len() != expected_unplaced
    {
        return Err(CertificateError::Length);
    }
    let mut holds: Vec<Option<usize>> = vec![None; persons];
    let mut load = vec![0u32; posts];
    let mut total = 0i64;
    for &(p, j) in &solution.pairs {
        let Some(c) = (p < persons && j < posts)
            .then(|| problem.cost_of(p, j))
            .flatten()
        else {
            return Err(CertificateError::BadPair { row: p, col: j });
        };
        if holds[p].replace(j).is_some() {
            return Err(CertificateError::Repeated {
                line: "person",
                index: p,
            });
        }
        load[j] += 1;
        if load[j] > problem.capacity(j) {
            return Err(CertificateError::Repeated {
                line: "post beyond capacity",
                index: j,
            });
        }
        total += c;
    }
    if total != solution.objective {
        return Err(CertificateError::Objective);
    }
    let mut listed_unplaced = vec![false; persons];
    for &p in &solution.unplaced {
        if p >= persons || holds[p].is_some() || std::mem::replace(&mut listed_unplaced[p], true) {
            return Err(CertificateError::Repeated {
                line: "unplaced person",
                index: p,
            });
        }
    }
    if solution.pairs.len() + solution.unplaced.len() != persons {
        return Err(CertificateError::Uncovered(persons - solution.pairs.len()));
    }
    for p in 0..persons {
        let u = cert.person[p];
        for (j, c) in problem.pairs_of(p) {
            let slack = cost(p, c) - u - cert.post[j];
            if slack < C::ZERO {
                return Err(CertificateError::DualInfeasible { row: p, col: j });
            }
            if holds[p] == Some(j) && slack != C::ZERO {
                return Err(CertificateError::NotTight { row: p, col: j });
            }
        }
        if let Some(zero) = unplaced_cost {
            let w = cert.unplaced[p];
            let slack = zero - u - w;
            if slack < C::ZERO {
                return Err(CertificateError::DualInfeasible {
                    row: p,
                    col: posts + p,
                });
            }
            if holds[p].is_none() && slack != C::ZERO {
                return Err(CertificateError::NotTight {
                    row: p,
                    col: posts + p,
                });
            }
            // The "unplaced" column has capacity one: a negative potential needs it used.
            if w > C::ZERO || (w < C::ZERO && holds[p].is_some()) {
                return Err(CertificateError::Sign {
                    line: "unplaced column",
                    index: p,
                });
            }
        }
    }
    for j in 0..posts {
        let v = cert.post[j];
        if v > C::ZERO || (v < C::ZERO && load[j] < problem.capacity(j)) {
            return Err(CertificateError::Sign {
                line: "post",
                index: j,
            });
        }
    }
    Ok(())
}
