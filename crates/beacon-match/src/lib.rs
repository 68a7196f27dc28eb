//! Beacon's matching engine: it scores people against vacancies, ranks candidates, and
//! assigns people to posts optimally or stably. It does no I/O: callers pass text, numbers
//! and "today", and get back values they can serialise.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod certificate;
pub mod cost;
pub mod dense;
pub mod parse;
pub mod rank;
pub mod score;
pub mod sparse;
pub mod stable;
pub mod tiers;

pub use cost::Cost;
pub use dense::{DenseAssignment, DenseCertificate, Matrix, Sense, solve_dense, solve_dense_i64};

/// Why an assignment problem has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssignError {
    #[error("a {rows}×{cols} matrix needs {} costs, got {len}", rows * cols)]
    Shape {
        rows: usize,
        cols: usize,
        len: usize,
    },
    #[error("the cost at row {row}, column {col} is not a number or is infinite the wrong way")]
    InvalidCost { row: usize, col: usize },
    #[error("the cost at row {row}, column {col} is beyond ±{limit}")]
    CostOutOfRange { row: usize, col: usize, limit: i64 },
    #[error("the problem has more than 2^20 rows or columns")]
    TooLarge,
    #[error("pair (person {person}, post {post}) names a person or post that does not exist")]
    PairOutOfRange { person: usize, post: usize },
    #[error("pair (person {person}, post {post}) is given twice")]
    DuplicatePair { person: usize, post: usize },
    #[error("{what}: expected {expected} values, got {got}")]
    Length {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("person {person} has tier 0; tiers start at 1")]
    BadTier { person: usize },
    #[error("too many tiers for exact arithmetic with this many people")]
    TooManyTiers,
    #[error("infeasible: no assignment uses only allowed pairs and covers every required line")]
    Infeasible,
}
