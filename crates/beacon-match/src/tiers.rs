//! Lexicographic priority tiers, exactly.
//!
//! "Place as many tier-1 people as possible, then as many tier-2, …, then the best total"
//! is solved as one assignment whose costs are pairs compared lexicographically: a
//! placement of a tier-`t` person costs `(-W_t, c)` with `W_t = B^(K-t)` and `B` one more
//! than the number of people, and staying unplaced costs `(0, 0)`. Because no tier can
//! place more than `B - 1` people, the first component of a total is the tier counts written
//! as digits in base `B`, so comparing totals compares the counts tier by tier and only
//! then the score. The integers are checked to fit, so nothing is rounded.

use std::cmp::Ordering;
use std::ops::{Add, Neg, Sub};

use serde::Serialize;

use crate::cost::Cost;

/// A cost compared first by its tier part, then by its score part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TierCost {
    pub tier: i128,
    pub score: i64,
}

impl PartialOrd for TierCost {
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TierCost {
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        self.tier
            .cmp(&other.tier)
            .then(self.score.cmp(&other.score))
    }
}

impl Add for TierCost {
    type Output = Self;
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Self {
            tier: self.tier + o.tier,
            score: self.score + o.score,
        }
    }
}

impl Sub for TierCost {
    type Output = Self;
    #[inline(always)]
    fn sub(self, o: Self) -> Self {
        Self {
            tier: self.tier - o.tier,
            score: self.score - o.score,
        }
    }
}

impl Neg for TierCost {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Self {
            tier: -self.tier,
            score: -self.score,
        }
    }
}

impl Cost for TierCost {
    const ZERO: Self = Self { tier: 0, score: 0 };
    const FORBIDDEN: Self = Self {
        tier: i128::MAX,
        score: i64::MAX,
    };
    #[inline(always)]
    fn is_forbidden(self) -> bool {
        self == Self::FORBIDDEN
    }
    fn in_range(self) -> bool {
        true
    }
    fn to_f64(self) -> f64 {
        self.score as f64
    }
}

/// The tier weights `W_1 … W_K` for `people` people in `tiers` tiers, or `None` when they
/// would not leave room for the sums the solver forms (a potential is a sum of at most
/// `2 × people` costs).
pub fn tier_weights(people: usize, tiers: usize) -> Option<Vec<i128>> {
    let base = i128::try_from(people).ok()?.checked_add(1)?;
    // Room for the largest weight times 2B, plus headroom for a few terms per expression.
    let mut top: i128 = 1;
    for _ in 0..tiers {
        top = top.checked_mul(base)?;
    }
    top.checked_mul(base)?.checked_mul(16)?;
    let mut weights = vec![0i128; tiers];
    let mut w: i128 = 1;
    for t in (0..tiers).rev() {
        weights[t] = w;
        w = w.checked_mul(base)?;
    }
    Some(weights)
}
