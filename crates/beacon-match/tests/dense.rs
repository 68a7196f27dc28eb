//! Dense assignment: scipy's test cases, edge cases, and random instances against brute
//! force, each answer checked by its optimality certificate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use beacon_match::certificate::verify_dense;
use beacon_match::{AssignError, Matrix, Sense, solve_dense, solve_dense_i64};
use proptest::prelude::*;

const INF: f64 = f64::INFINITY;

/// Ported from scipy's `linear_sum_assignment_test_cases` in
/// `scipy/sparse/csgraph/tests/test_matching.py` (BSD-3-Clause, The SciPy community),
/// which `scipy/optimize/tests/test_linear_assignment.py` runs against
/// `linear_sum_assignment`: each matrix, its expected cost per assigned row, for both signs
/// and transposed. scipy marks forbidden pairs with `inf` (`-inf` when maximising); here a
/// forbidden pair is `inf` whatever the sense, so the sign is applied to finite entries only.
fn scipy_cases() -> Vec<(Vec<Vec<f64>>, Vec<f64>)> {
    vec![
        (
            vec![
                vec![400., 150., 400.],
                vec![400., 450., 600.],
                vec![300., 225., 300.],
            ],
            vec![150., 400., 300.],
        ),
        (
            vec![
                vec![400., 150., 400., 1.],
                vec![400., 450., 600., 2.],
                vec![300., 225., 300., 3.],
            ],
            vec![150., 2., 300.],
        ),
        (
            vec![vec![10., 10., 8.], vec![9., 8., 1.], vec![9., 7., 4.]],
            vec![10., 1., 7.],
        ),
        (
            vec![
                vec![10., 10., 8., 11.],
                vec![9., 8., 1., 1.],
                vec![9., 7., 4., 10.],
            ],
            vec![10., 1., 4.],
        ),
        (
            vec![vec![10., INF, INF], vec![INF, INF, 1.], vec![INF, 7., INF]],
            vec![10., 1., 7.],
        ),
    ]
}

fn transpose(rows: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let cols = rows.first().map_or(0, Vec::len);
    (0..cols)
        .map(|j| rows.iter().map(|r| r[j]).collect())
        .collect()
}

#[test]
fn scipy_small_inputs() {
    for sign in [-1.0, 1.0] {
        let sense = if sign < 0.0 {
            Sense::Maximise
        } else {
            Sense::Minimise
        };
        for (rows, expected) in scipy_cases() {
            let signed: Vec<Vec<f64>> = rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|&c| if c == INF { c } else { sign * c })
                        .collect()
                })
                .collect();
            let mut expected: Vec<f64> = expected.iter().map(|c| sign * c).collect();

            let matrix = Matrix::from_rows(&signed).unwrap();
            let solution = solve_dense(&matrix, sense).unwrap();
            let got: Vec<f64> = solution
                .pairs
                .iter()
                .map(|&(r, c)| matrix.get(r, c))
                .collect();
            assert_eq!(got, expected, "{signed:?}");
            verify_dense(&matrix, sense, &solution, 0.0).unwrap();

            let transposed = Matrix::from_rows(&transpose(&signed)).unwrap();
            let solution = solve_dense(&transposed, sense).unwrap();
            let mut got: Vec<f64> = solution
                .pairs
                .iter()
                .map(|&(r, c)| transposed.get(r, c))
                .collect();
            got.sort_by(f64::total_cmp);
            expected.sort_by(f64::total_cmp);
            assert_eq!(got, expected, "transposed {signed:?}");
            verify_dense(&transposed, sense, &solution, 0.0).unwrap();
        }
    }
}

/// scipy's `test_linear_sum_assignment_input_nan` and `_input_neginf`.
#[test]
fn nan_and_negative_infinity_are_rejected() {
    for bad in [f64::NAN, f64::NEG_INFINITY] {
        let m =
            Matrix::from_rows(&[vec![1., 0., 0.], vec![0., bad, 0.], vec![0., 0., 1.]]).unwrap();
        assert_eq!(
            solve_dense(&m, Sense::Minimise),
            Err(AssignError::InvalidCost { row: 1, col: 1 })
        );
    }
}

/// scipy's `test_linear_sum_assignment_input_inf`: a column with no allowed pair.
#[test]
fn forbidden_column_is_infeasible() {
    let mut rows = vec![vec![0.0; 3]; 3];
    for (i, row) in rows.iter_mut().enumerate() {
        row[i] = 1.0;
        row[0] = INF;
    }
    let m = Matrix::from_rows(&rows).unwrap();
    assert_eq!(
        solve_dense(&m, Sense::Minimise),
        Err(AssignError::Infeasible)
    );
}

/// scipy's `test_constant_cost_matrix` (its issue #11602): a constant matrix is solved, and
/// every one of its assignments is optimal.
#[test]
fn constant_cost_matrix() {
    let m = Matrix::new(8, 8, vec![1i64; 64]).unwrap();
    let solution = solve_dense_i64(&m, Sense::Minimise).unwrap();
    assert_eq!(solution.objective, 8);
    verify_dense(&m, Sense::Minimise, &solution, 0).unwrap();
}

/// scipy's `test_linear_sum_assignment_trivial_cost`: empty sides give empty answers.
#[test]
fn trivial_shapes() {
    for (r, c) in [(0, 0), (2, 0), (0, 3)] {
        let m = Matrix::new(r, c, vec![]).unwrap();
        let solution = solve_dense_i64(&m, Sense::Minimise).unwrap();
        assert!(solution.pairs.is_empty());
        verify_dense(&m, Sense::Minimise, &solution, 0).unwrap();
    }
}

#[test]
fn out_of_range_integer_costs_are_refused() {
    let m = Matrix::new(1, 2, vec![0, 1i64 << 41]).unwrap();
    assert!(matches!(
        solve_dense_i64(&m, Sense::Minimise),
        Err(AssignError::CostOutOfRange { row: 0, col: 1, .. })
    ));
}

fn small_matrix() -> impl Strategy<Value = Vec<Vec<Option<i64>>>> {
    (1usize..=6, 1usize..=6, 0u32..=3).prop_flat_map(|(r, c, forbid_weight)| {
        let cell = prop_oneof![
            8 => (-20i64..=20).prop_map(Some),
            forbid_weight => Just(None),
        ];
        prop::collection::vec(prop::collection::vec(cell, c), r)
    })
}

fn to_matrix(cells: &[Vec<Option<i64>>]) -> Matrix<i64> {
    let rows: Vec<Vec<i64>> = cells
        .iter()
        .map(|r| r.iter().map(|c| c.unwrap_or(i64::MAX)).collect())
        .collect();
    Matrix::from_rows(&rows).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Square and rectangular, minimise and maximise, with forbidden pairs: the optimum
    /// equals brute force, the certificate holds, and infeasibility is reported exactly
    /// when brute force finds no complete assignment.
    #[test]
    fn dense_agrees_with_brute_force(cells in small_matrix(), maximise in any::<bool>()) {
        let sense = if maximise { Sense::Maximise } else { Sense::Minimise };
        let matrix = to_matrix(&cells);
        let expected = common::brute_dense(&cells, maximise);
        match (solve_dense_i64(&matrix, sense), expected) {
            (Ok(solution), Some(best)) => {
                prop_assert_eq!(solution.objective, best);
                prop_assert_eq!(verify_dense(&matrix, sense, &solution, 0), Ok(()));
            }
            (Err(AssignError::Infeasible), None) => {}
            (got, want) => prop_assert!(false, "solver {:?}, brute force {:?}", got, want),
        }
    }

    /// Integer-valued floats must give the same optimum as integers.
    #[test]
    fn float_and_integer_solvers_agree(cells in small_matrix()) {
        let matrix = to_matrix(&cells);
        let floats: Vec<Vec<f64>> = cells.iter()
            .map(|r| r.iter().map(|c| c.map_or(INF, |c| c as f64)).collect())
            .collect();
        let fm = Matrix::from_rows(&floats).unwrap();
        let a = solve_dense_i64(&matrix, Sense::Minimise).map(|s| s.objective as f64);
        let b = solve_dense(&fm, Sense::Minimise).map(|s| s.objective);
        prop_assert_eq!(a, b);
    }
}
