//! Checks that dual potentials prove an assignment optimal. The solvers return
//! certificates; these functions are how tests (and sceptical callers) verify them without
//! trusting the solver.

use crate::cost::Cost;
use crate::dense::{DenseAssignment, Matrix, Sense};

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
