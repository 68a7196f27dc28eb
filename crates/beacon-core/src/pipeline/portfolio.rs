//! The portfolio's rules (DESIGN.md §3.1): whether the balance of incremental
//! and radical ideas meets the organisation's target, what it would take to
//! meet it, and the sums of expected and realised money and of funding used.
//!
//! Councils that keep improving start with humble changes whose savings earn
//! permission for radical ones, and balance both kinds on purpose; the target
//! is the share of radical ideas they aim for.
use super::Pence;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The share of radical ideas an organisation aims for, in whole percent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RadicalTarget(u8);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    #[error("enter a percentage")]
    Missing,
    #[error("enter a whole number")]
    NotANumber,
    #[error("enter a percentage from 0 to 100")]
    OutOfRange,
}

impl RadicalTarget {
    /// Until an organisation sets its own: nearly a third radical.
    pub const DEFAULT: RadicalTarget = RadicalTarget(30);

    pub const fn new(percent: u8) -> Option<Self> {
        if percent <= 100 {
            Some(RadicalTarget(percent))
        } else {
            None
        }
    }

    pub const fn percent(self) -> u8 {
        self.0
    }

    /// A percentage as people type it: "30", " 30 ", "30%".
    pub fn parse(raw: &str) -> Result<Self, TargetError> {
        let s = raw.trim();
        let s = s.strip_suffix('%').unwrap_or(s).trim_end();
        if s.is_empty() {
            return Err(TargetError::Missing);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(
                if s.starts_with('-') && s[1..].bytes().all(|b| b.is_ascii_digit()) {
                    TargetError::OutOfRange
                } else {
                    TargetError::NotANumber
                },
            );
        }
        // Any run of digits longer than three is beyond 100 anyway.
        if s.len() > 3 {
            return Err(TargetError::OutOfRange);
        }
        let n: u16 = s.parse().map_err(|_| TargetError::NotANumber)?;
        u8::try_from(n)
            .ok()
            .and_then(RadicalTarget::new)
            .ok_or(TargetError::OutOfRange)
    }
}

impl Default for RadicalTarget {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How far from the target, in percentage points, still counts as on target:
/// one idea more or less should not flip a small portfolio's verdict.
pub const TOLERANCE_POINTS: u8 = 5;

/// How many ideas of each kind the portfolio holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    pub incremental: u64,
    pub radical: u64,
}

/// What the balance says against the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// There are no ideas to balance.
    NoIdeas,
    /// Within `TOLERANCE_POINTS` of the target.
    OnTarget,
    /// Too few radical ideas. `radical_needed` more radical ideas would bring
    /// the share up to the target; `None` when no number would (a target of
    /// 100% with any incremental idea in the portfolio).
    BelowTarget { radical_needed: Option<u64> },
    /// Too many radical ideas for the target (the portfolio leans on risky
    /// bets). `incremental_needed` more incremental ideas would bring the
    /// share down to it; `None` when no number would (a target of 0%).
    AboveTarget { incremental_needed: Option<u64> },
}

impl Balance {
    pub fn total(self) -> u64 {
        self.incremental.saturating_add(self.radical)
    }

    /// The radical share in percent (0 to 100), or `None` with no ideas.
    pub fn radical_share(self) -> Option<Decimal> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        Some(Decimal::from(self.radical) * Decimal::ONE_HUNDRED / Decimal::from(total))
    }

    pub fn against(self, target: RadicalTarget) -> Verdict {
        let Some(share) = self.radical_share() else {
            return Verdict::NoIdeas;
        };
        let goal = Decimal::from(target.percent());
        let tolerance = Decimal::from(TOLERANCE_POINTS);
        if share < goal - tolerance {
            Verdict::BelowTarget {
                radical_needed: self.radical_needed(target),
            }
        } else if share > goal + tolerance {
            Verdict::AboveTarget {
                incremental_needed: self.incremental_needed(target),
            }
        } else {
            Verdict::OnTarget
        }
    }

    /// The fewest radical ideas to add so that the share reaches the target:
    /// the least n with 100·(r + n) ≥ T·(total + n).
    fn radical_needed(self, target: RadicalTarget) -> Option<u64> {
        let t = u128::from(target.percent());
        let (r, total) = (u128::from(self.radical), u128::from(self.total()));
        let have = 100 * r;
        let want = t * total;
        if have >= want {
            return Some(0);
        }
        if t == 100 {
            return None;
        }
        let n = (want - have).div_ceil(100 - t);
        u64::try_from(n).ok()
    }

    /// The fewest incremental ideas to add so that the share falls to the
    /// target: the least m with 100·r ≤ T·(total + m).
    fn incremental_needed(self, target: RadicalTarget) -> Option<u64> {
        let t = u128::from(target.percent());
        let (r, total) = (u128::from(self.radical), u128::from(self.total()));
        let have = 100 * r;
        let want = t * total;
        if have <= want {
            return Some(0);
        }
        if t == 0 {
            return None;
        }
        let m = (have - want).div_ceil(t);
        u64::try_from(m).ok()
    }
}

/// Money an idea expects (from its business case) or realised (from its
/// evaluation). Sums saturate rather than wrap: a portfolio total that big is
/// already absurd, and a wrapped one would be a lie.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub cashable: Pence,
    pub non_cashable: Pence,
    pub social_value: Pence,
    pub cost: Pence,
}

impl Figures {
    /// Cashable and non-cashable savings together.
    pub fn savings(self) -> Pence {
        self.cashable.saturating_add(self.non_cashable)
    }

    pub fn plus(self, other: Figures) -> Figures {
        Figures {
            cashable: self.cashable.saturating_add(other.cashable),
            non_cashable: self.non_cashable.saturating_add(other.non_cashable),
            social_value: self.social_value.saturating_add(other.social_value),
            cost: self.cost.saturating_add(other.cost),
        }
    }
}

/// The sum of many ideas' figures.
pub fn total(items: impl IntoIterator<Item = Figures>) -> Figures {
    // Summing in i128 then clamping makes the result independent of order,
    // which step-by-step saturation would not be with mixed signs.
    let mut sum = [0i128; 4];
    for f in items {
        sum[0] += i128::from(f.cashable);
        sum[1] += i128::from(f.non_cashable);
        sum[2] += i128::from(f.social_value);
        sum[3] += i128::from(f.cost);
    }
    let clamp = |v: i128| Pence::try_from(v).unwrap_or(if v < 0 { Pence::MIN } else { Pence::MAX });
    Figures {
        cashable: clamp(sum[0]),
        non_cashable: clamp(sum[1]),
        social_value: clamp(sum[2]),
        cost: clamp(sum[3]),
    }
}

/// What share of an expected sum has been realised, in percent; `None` when
/// nothing was expected.
pub fn realised_share(expected: Pence, realised: Pence) -> Option<Decimal> {
    if expected <= 0 {
        return None;
    }
    Some(Decimal::from(realised) * Decimal::ONE_HUNDRED / Decimal::from(expected))
}

/// One challenge's pot and what has been allocated from it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pot {
    pub pot: Pence,
    pub allocated: Pence,
}

/// Funding used across pots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingUse {
    pub pot: Pence,
    pub allocated: Pence,
}

impl FundingUse {
    pub fn of(pots: impl IntoIterator<Item = Pot>) -> FundingUse {
        let (pot, allocated) = pots.into_iter().fold((0i128, 0i128), |(p, a), x| {
            (p + i128::from(x.pot), a + i128::from(x.allocated))
        });
        let clamp =
            |v: i128| Pence::try_from(v).unwrap_or(if v < 0 { Pence::MIN } else { Pence::MAX });
        FundingUse {
            pot: clamp(pot),
            allocated: clamp(allocated),
        }
    }

    /// What is left; never shown as less than nothing.
    pub fn remaining(self) -> Pence {
        self.pot.saturating_sub(self.allocated).max(0)
    }

    /// The share of the pots allocated, in percent; `None` with no pot.
    pub fn used_share(self) -> Option<Decimal> {
        realised_share(self.pot, self.allocated)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn target(p: u8) -> RadicalTarget {
        RadicalTarget::new(p).unwrap()
    }

    #[test]
    fn targets_parse_as_people_type_them() {
        assert_eq!(RadicalTarget::parse("30"), Ok(target(30)));
        assert_eq!(RadicalTarget::parse(" 45% "), Ok(target(45)));
        assert_eq!(RadicalTarget::parse("0"), Ok(target(0)));
        assert_eq!(RadicalTarget::parse("100"), Ok(target(100)));
        assert_eq!(RadicalTarget::parse(""), Err(TargetError::Missing));
        assert_eq!(RadicalTarget::parse("%"), Err(TargetError::Missing));
        assert_eq!(RadicalTarget::parse("101"), Err(TargetError::OutOfRange));
        assert_eq!(RadicalTarget::parse("-5"), Err(TargetError::OutOfRange));
        assert_eq!(
            RadicalTarget::parse("99999999999"),
            Err(TargetError::OutOfRange)
        );
        assert_eq!(RadicalTarget::parse("thirty"), Err(TargetError::NotANumber));
        assert_eq!(RadicalTarget::parse("30.5"), Err(TargetError::NotANumber));
        assert_eq!(RadicalTarget::default().percent(), 30);
    }

    #[test]
    fn a_balanced_portfolio_is_on_target() {
        let b = Balance {
            incremental: 7,
            radical: 3,
        };
        assert_eq!(b.radical_share(), Some(Decimal::from(30)));
        assert_eq!(b.against(target(30)), Verdict::OnTarget);
        // 30% is within five points of 35% and of 25%.
        assert_eq!(b.against(target(35)), Verdict::OnTarget);
        assert_eq!(b.against(target(25)), Verdict::OnTarget);
    }

    #[test]
    fn too_few_radical_ideas_says_how_many_more() {
        let b = Balance {
            incremental: 9,
            radical: 1,
        };
        // 10% against 30%: three more radical ideas make 4 of 13 (30.8%).
        assert_eq!(
            b.against(target(30)),
            Verdict::BelowTarget {
                radical_needed: Some(3)
            }
        );
        assert_eq!(
            b.against(target(100)),
            Verdict::BelowTarget {
                radical_needed: None
            }
        );
    }

    #[test]
    fn too_many_radical_ideas_says_how_many_incremental_would_balance() {
        let b = Balance {
            incremental: 1,
            radical: 4,
        };
        // 80% against 30%: 4 of 14 is 28.6%, 4 of 13 is 30.8%.
        assert_eq!(
            b.against(target(30)),
            Verdict::AboveTarget {
                incremental_needed: Some(9)
            }
        );
        assert_eq!(
            b.against(target(0)),
            Verdict::AboveTarget {
                incremental_needed: None
            }
        );
    }

    #[test]
    fn no_ideas_is_no_verdict() {
        assert_eq!(Balance::default().against(target(30)), Verdict::NoIdeas);
        assert_eq!(Balance::default().radical_share(), None);
    }

    #[test]
    fn totals_add_every_column_and_savings_join_two() {
        let a = Figures {
            cashable: 100,
            non_cashable: 50,
            social_value: 7,
            cost: 20,
        };
        let b = Figures {
            cashable: 1,
            non_cashable: 2,
            social_value: 3,
            cost: 4,
        };
        let t = total([a, b]);
        assert_eq!(t, a.plus(b));
        assert_eq!(t.savings(), 153);
        assert_eq!(total([]), Figures::default());
        let huge = Figures {
            cashable: Pence::MAX,
            ..Figures::default()
        };
        assert_eq!(total([huge, huge]).cashable, Pence::MAX);
    }

    #[test]
    fn funding_use_sums_pots() {
        let used = FundingUse::of([
            Pot {
                pot: 10_000,
                allocated: 2_500,
            },
            Pot {
                pot: 0,
                allocated: 0,
            },
        ]);
        assert_eq!(used.remaining(), 7_500);
        assert_eq!(used.used_share(), Some(Decimal::from(25)));
        assert_eq!(FundingUse::default().used_share(), None);
        assert_eq!(realised_share(200, 300), Some(Decimal::from(150)));
    }

    fn share_at_least(radical: u128, total: u128, t: u128) -> bool {
        100 * radical >= t * total
    }

    fn share_at_most(radical: u128, total: u128, t: u128) -> bool {
        100 * radical <= t * total
    }

    proptest! {
        #[test]
        fn every_percentage_round_trips(p in 0u8..=100) {
            prop_assert_eq!(RadicalTarget::parse(&p.to_string()), Ok(target(p)));
        }

        #[test]
        fn nothing_above_a_hundred_parses(p in 101u32..100_000) {
            prop_assert_eq!(RadicalTarget::parse(&p.to_string()), Err(TargetError::OutOfRange));
        }

        #[test]
        fn parsing_never_panics(s in ".{0,12}") {
            let _ = RadicalTarget::parse(&s);
        }

        #[test]
        fn the_share_is_a_percentage(incremental in 0u64..10_000, radical in 0u64..10_000) {
            let b = Balance { incremental, radical };
            match b.radical_share() {
                None => prop_assert_eq!(b.total(), 0),
                Some(s) => prop_assert!(s >= Decimal::ZERO && s <= Decimal::ONE_HUNDRED),
            }
        }

        #[test]
        fn the_verdict_follows_the_distance_from_target(
            incremental in 0u64..5_000, radical in 0u64..5_000, t in 0u8..=100,
        ) {
            let b = Balance { incremental, radical };
            let verdict = b.against(target(t));
            let Some(share) = b.radical_share() else {
                prop_assert_eq!(verdict, Verdict::NoIdeas);
                return Ok(());
            };
            let distance = share - Decimal::from(t);
            let tol = Decimal::from(TOLERANCE_POINTS);
            match verdict {
                Verdict::OnTarget => prop_assert!(distance.abs() <= tol),
                Verdict::BelowTarget { .. } => prop_assert!(distance < -tol),
                Verdict::AboveTarget { .. } => prop_assert!(distance > tol),
                Verdict::NoIdeas => prop_assert!(false, "ideas exist"),
            }
        }

        #[test]
        fn the_radical_ideas_needed_are_just_enough(
            incremental in 1u64..5_000, radical in 0u64..5_000, t in 0u8..=100,
        ) {
            let b = Balance { incremental, radical };
            let (r, total, tt) = (u128::from(radical), u128::from(b.total()), u128::from(t));
            if let Verdict::BelowTarget { radical_needed } = b.against(target(t)) {
                match radical_needed {
                    None => prop_assert_eq!(t, 100),
                    Some(n) => {
                        let n = u128::from(n);
                        prop_assert!(n >= 1);
                        prop_assert!(share_at_least(r + n, total + n, tt));
                        prop_assert!(!share_at_least(r + n - 1, total + n - 1, tt));
                    }
                }
            }
        }

        #[test]
        fn the_incremental_ideas_needed_are_just_enough(
            incremental in 0u64..5_000, radical in 1u64..5_000, t in 0u8..=100,
        ) {
            let b = Balance { incremental, radical };
            let (r, total, tt) = (u128::from(radical), u128::from(b.total()), u128::from(t));
            if let Verdict::AboveTarget { incremental_needed } = b.against(target(t)) {
                match incremental_needed {
                    None => prop_assert_eq!(t, 0),
                    Some(m) => {
                        let m = u128::from(m);
                        prop_assert!(m >= 1);
                        prop_assert!(share_at_most(r, total + m, tt));
                        prop_assert!(!share_at_most(r, total + m - 1, tt));
                    }
                }
            }
        }

        #[test]
        fn totals_do_not_depend_on_order(
            items in proptest::collection::vec(
                (-1_000_000_000i64..1_000_000_000, 0i64..1_000_000_000, 0i64..1_000_000_000, 0i64..1_000_000_000),
                0..30,
            )
        ) {
            let figures: Vec<Figures> = items
                .iter()
                .map(|&(cashable, non_cashable, social_value, cost)| Figures { cashable, non_cashable, social_value, cost })
                .collect();
            let forward = total(figures.iter().copied());
            let backward = total(figures.iter().rev().copied());
            prop_assert_eq!(forward, backward);
            let expect: i128 = items.iter().map(|i| i128::from(i.0)).sum();
            prop_assert_eq!(i128::from(forward.cashable), expect);
            prop_assert_eq!(
                forward,
                figures.iter().fold(Figures::default(), |a, f| a.plus(*f))
            );
        }

        #[test]
        fn totals_clamp_instead_of_wrapping(a in 0i64..=i64::MAX, b in 0i64..=i64::MAX) {
            let t = total([
                Figures { social_value: a, ..Figures::default() },
                Figures { social_value: b, ..Figures::default() },
            ]);
            prop_assert!(t.social_value >= a.max(b));
        }

        #[test]
        fn funding_left_plus_used_is_the_pot(
            pots in proptest::collection::vec((0i64..100_000_000_000, 0i64..100_000_000_000), 0..20)
        ) {
            let pots: Vec<Pot> = pots.into_iter().map(|(pot, a)| Pot { pot, allocated: a.min(pot) }).collect();
            let used = FundingUse::of(pots.iter().copied());
            prop_assert_eq!(used.remaining() + used.allocated, used.pot);
            if let Some(share) = used.used_share() {
                prop_assert!(share >= Decimal::ZERO && share <= Decimal::ONE_HUNDRED);
            }
        }
    }
}
