//! The talent pool's rules (DESIGN.md §3.2): the order in which people are
//! offered a suitable vacancy, the guaranteed interview, what HR must give
//! when adding someone, and which status changes a stay allows.
//!
//! Priority follows the law: people protected under the Maternity and
//! Parental Leave etc. Regulations 1999 reg. 10 (as extended by the
//! Protection from Redundancy Act 2023) come first while their protection
//! lasts, then others whose role was removed, then voluntary movers.
use super::{Grade, PoolStatus, PoolTier};
use time::Date;

/// The tier that counts today: protection ends on `protected_until`, after
/// which a protected person stands with the others whose role was removed.
/// A protected tier without an end date counts as protected.
pub fn effective_tier(tier: PoolTier, protected_until: Option<Date>, today: Date) -> PoolTier {
    match (tier, protected_until) {
        (PoolTier::Protected, Some(until)) if until < today => PoolTier::RoleRemoved,
        (t, _) => t,
    }
}

/// The key pool members are put in order by: tier first, then the earliest
/// to enter the pool. Smaller comes first.
pub fn priority_key(
    tier: PoolTier,
    protected_until: Option<Date>,
    entered_on: Date,
    today: Date,
) -> (u32, Date) {
    (
        effective_tier(tier, protected_until, today).rank(),
        entered_on,
    )
}

/// A qualification a person holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub code: String,
    pub expires_on: Option<Date>,
}

/// Whether a pool member is guaranteed an interview for a vacancy: they meet
/// every essential criterion themselves (each qualification held and not
/// expired; training that could close a gap does not count) and the vacancy
/// is at the same grade as theirs or lower (its band starts at or below
/// their grade).
pub fn guaranteed_interview(
    own_grade: Grade,
    vacancy_grade_min: Grade,
    essentials: &[String],
    held: &[Held],
    today: Date,
) -> bool {
    vacancy_grade_min <= own_grade
        && essentials.iter().all(|code| {
            held.iter()
                .any(|h| &h.code == code && h.expires_on.is_none_or(|e| e >= today))
        })
}

/// What is wrong with a new pool member's details.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    #[error("a protected person needs the date their protection ends")]
    ProtectedUntilMissing,
    #[error("the protection must end today or later")]
    ProtectedUntilPast,
    #[error("a redundancy cost cannot be negative")]
    NegativeCost,
}

impl MemberError {
    /// The key of the message in the translations.
    pub fn key(self) -> &'static str {
        match self {
            MemberError::ProtectedUntilMissing => "pool.error.protected_until_missing",
            MemberError::ProtectedUntilPast => "pool.error.protected_until_past",
            MemberError::NegativeCost => "pool.error.negative_cost",
        }
    }
}

/// Checks the tier's dates and cost; returns the protection end date to
/// store (none unless the tier is protected).
pub fn check_member(
    tier: PoolTier,
    protected_until: Option<Date>,
    redundancy_cost_pence: Option<i64>,
    today: Date,
) -> Result<Option<Date>, MemberError> {
    if redundancy_cost_pence.is_some_and(|c| c < 0) {
        return Err(MemberError::NegativeCost);
    }
    match tier {
        PoolTier::Protected => match protected_until {
            None => Err(MemberError::ProtectedUntilMissing),
            Some(d) if d < today => Err(MemberError::ProtectedUntilPast),
            Some(d) => Ok(Some(d)),
        },
        _ => Ok(None),
    }
}

/// Whether a stay is still open: the person can be matched and invited.
pub fn is_open(status: PoolStatus) -> bool {
    matches!(status, PoolStatus::Active | PoolStatus::OnTrial)
}

/// Whether HR may move a stay from one status to another. A stay that has
/// ended (placed, or left the council) stays ended: coming back to the pool
/// is a new stay.
pub fn may_change_status(from: PoolStatus, to: PoolStatus) -> bool {
    is_open(from) && from != to
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn held(code: &str, expires_on: Option<Date>) -> Held {
        Held {
            code: code.to_owned(),
            expires_on,
        }
    }

    #[test]
    fn protection_lasts_until_its_end_date() {
        let t = PoolTier::Protected;
        assert_eq!(effective_tier(t, Some(TODAY), TODAY), PoolTier::Protected);
        assert_eq!(
            effective_tier(t, Some(date!(2026 - 11 - 22)), TODAY),
            PoolTier::RoleRemoved
        );
        assert_eq!(effective_tier(t, None, TODAY), PoolTier::Protected);
        assert_eq!(
            effective_tier(PoolTier::Voluntary, Some(date!(2030 - 1 - 1)), TODAY),
            PoolTier::Voluntary
        );
    }

    #[test]
    fn protected_then_role_removed_then_voluntary() {
        let early = date!(2025 - 1 - 1);
        let late = date!(2026 - 10 - 1);
        let mut members = [
            (
                "voluntary, early",
                priority_key(PoolTier::Voluntary, None, early, TODAY),
            ),
            (
                "removed, late",
                priority_key(PoolTier::RoleRemoved, None, late, TODAY),
            ),
            (
                "protected, late",
                priority_key(PoolTier::Protected, Some(date!(2027 - 6 - 1)), late, TODAY),
            ),
            (
                "removed, early",
                priority_key(PoolTier::RoleRemoved, None, early, TODAY),
            ),
        ];
        members.sort_by_key(|m| m.1);
        let order: Vec<_> = members.iter().map(|m| m.0).collect();
        assert_eq!(
            order,
            [
                "protected, late",
                "removed, early",
                "removed, late",
                "voluntary, early"
            ]
        );
    }

    #[test]
    fn guaranteed_interview_needs_every_essential_held_and_valid() {
        let essentials = vec!["driving_licence".to_owned(), "swe".to_owned()];
        let both = [held("driving_licence", None), held("swe", Some(TODAY))];
        assert!(guaranteed_interview(6, 5, &essentials, &both, TODAY));
        // Expired yesterday.
        let expired = [
            held("driving_licence", None),
            held("swe", Some(date!(2026 - 11 - 22))),
        ];
        assert!(!guaranteed_interview(6, 5, &essentials, &expired, TODAY));
        // Missing one: training that could close it does not count.
        assert!(!guaranteed_interview(6, 5, &essentials, &both[..1], TODAY));
        // No essentials: only the grade matters.
        assert!(guaranteed_interview(6, 6, &[], &[], TODAY));
    }

    #[test]
    fn guaranteed_interview_only_at_the_same_grade_or_lower() {
        assert!(guaranteed_interview(6, 6, &[], &[], TODAY));
        assert!(guaranteed_interview(6, 4, &[], &[], TODAY));
        assert!(!guaranteed_interview(6, 7, &[], &[], TODAY));
    }

    #[test]
    fn a_protected_member_needs_a_future_end_date() {
        assert_eq!(
            check_member(PoolTier::Protected, None, None, TODAY),
            Err(MemberError::ProtectedUntilMissing)
        );
        assert_eq!(
            check_member(PoolTier::Protected, Some(date!(2026 - 11 - 1)), None, TODAY),
            Err(MemberError::ProtectedUntilPast)
        );
        assert_eq!(
            check_member(PoolTier::Protected, Some(TODAY), None, TODAY),
            Ok(Some(TODAY))
        );
        // Other tiers keep no protection date.
        assert_eq!(
            check_member(PoolTier::RoleRemoved, Some(TODAY), Some(100), TODAY),
            Ok(None)
        );
        assert_eq!(
            check_member(PoolTier::Voluntary, None, Some(-1), TODAY),
            Err(MemberError::NegativeCost)
        );
    }

    #[test]
    fn ended_stays_stay_ended() {
        use PoolStatus::*;
        assert!(may_change_status(Active, OnTrial));
        assert!(may_change_status(OnTrial, Placed));
        assert!(may_change_status(Active, Left));
        assert!(!may_change_status(Active, Active));
        assert!(!may_change_status(Placed, Active));
        assert!(!may_change_status(Left, Active));
    }

    fn tier() -> impl Strategy<Value = PoolTier> {
        prop_oneof![
            Just(PoolTier::Protected),
            Just(PoolTier::RoleRemoved),
            Just(PoolTier::Voluntary)
        ]
    }

    proptest! {
        /// Protection never raises anyone above where their tier puts them,
        /// and only the protected tier can come first.
        #[test]
        fn effective_tier_never_outranks_the_stored_one(t in tier(), days in -400i64..400) {
            let until = TODAY + time::Duration::days(days);
            let e = effective_tier(t, Some(until), TODAY);
            prop_assert!(e.rank() >= t.rank());
            prop_assert_eq!(e == PoolTier::Protected, t == PoolTier::Protected && days >= 0);
        }

        /// Raising the vacancy's grade can only take a guarantee away.
        #[test]
        fn a_higher_grade_never_adds_a_guarantee(own in 1u8..20, min in 1u8..20) {
            let at = guaranteed_interview(own, min, &[], &[], TODAY);
            let above = guaranteed_interview(own, min + 1, &[], &[], TODAY);
            prop_assert!(!above || at);
        }
    }
}
