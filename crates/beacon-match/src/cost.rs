//! The numbers the solvers work in.
//!
//! The solvers are generic so that the same, tested code runs on exact integers (`i64`),
//! on floating point (`f64`, for callers who have real-valued costs, as scipy does) and on
//! the lexicographic tier costs of [`crate::tiers::TierCost`].

use std::fmt::Debug;
use std::ops::{Add, Neg, Sub};

/// A totally ordered abelian group (for the values the solvers meet) with a marker for a
/// forbidden pair.
pub trait Cost:
    Copy
    + PartialOrd
    + PartialEq
    + Debug
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Neg<Output = Self>
{
    const ZERO: Self;
    /// Marks a pair that may not be assigned in a dense matrix; never a valid cost.
    const FORBIDDEN: Self;
    fn is_forbidden(self) -> bool;
    /// Whether a cost that is not forbidden is one the solvers accept: for integers, small
    /// enough that no sum overflows; for floats, a number below infinity.
    fn in_range(self) -> bool;
    /// The bound `in_range` enforces on integers, reported in errors.
    const RANGE_LIMIT: Option<i64> = None;
    /// Lossy conversion for display (JSON output, ratios); never used for decisions.
    fn to_f64(self) -> f64;
}

impl Cost for i64 {
    const ZERO: Self = 0;
    const FORBIDDEN: Self = i64::MAX;
    #[inline(always)]
    fn is_forbidden(self) -> bool {
        self == i64::MAX
    }
    #[inline(always)]
    fn in_range(self) -> bool {
        self.unsigned_abs() <= MAX_ABS_I64_COST as u64
    }
    const RANGE_LIMIT: Option<i64> = Some(MAX_ABS_I64_COST);
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl Cost for f64 {
    const ZERO: Self = 0.0;
    const FORBIDDEN: Self = f64::INFINITY;
    #[inline(always)]
    fn is_forbidden(self) -> bool {
        self == f64::INFINITY
    }
    #[inline(always)]
    fn in_range(self) -> bool {
        // Rejects NaN and minus infinity: no cost can be better than every other.
        self > f64::NEG_INFINITY
    }
    fn to_f64(self) -> f64 {
        self
    }
}

/// Largest magnitude of an `i64` cost we accept. With at most 2^20 rows a total, a
/// shortest-path distance or a dual potential stays below 2^61, so no sum can overflow.
pub const MAX_ABS_I64_COST: i64 = 1 << 40;
/// Largest number of rows (and of columns) for `i64` problems, for the same reason.
pub const MAX_I64_DIMENSION: usize = 1 << 20;
