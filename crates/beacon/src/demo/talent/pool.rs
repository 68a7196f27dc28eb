//! Demo data: each council's talent pool. About 3 % of the staff seeded by
//! the profiles part (a few hundred in Northmere at full scale), across the
//! three priority tiers (some protected, with the date protection ends),
//! every status, entry dates over the last eighteen months, some agreeing to
//! be seen by partner councils; the demo `staff@` person is among them so
//! that they see their opportunities. Works with whatever staff there are,
//! none included.
use crate::demo::{DemoOrg, Scale};
use beacon_core::Role;
use beacon_core::talent::{PoolStatus, PoolTier};
use beacon_db::DatabaseTransaction;
use beacon_db::pool::{self, LoadedStay};
use time::{Duration, OffsetDateTime};

/// One in this many staff is in the pool: about 3 % of a full-size council;
/// more of the small test councils, so every kind of stay and journey has
/// people to show it.
const fn one_in(scale: Scale) -> usize {
    match scale {
        Scale::Full | Scale::Bench => 33,
        Scale::Small => 8,
    }
}

/// Reasons HR gives, in its own words.
const REASONS: [&str; 6] = [
    "The service was restructured and the role was removed.",
    "The team moved to a shared service with a partner council.",
    "The post was deleted when its funding ended.",
    "Two teams merged and one supervisor role was removed.",
    "The contact centre moved online and the role changed beyond recognition.",
    "Asked to move to a role with different hours.",
];

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    scale: Scale,
) -> anyhow::Result<()> {
    let rows = pool::current_staff(txn, council.org).await?;
    if rows.is_empty() {
        return Ok(());
    }
    let demo_staff = council.person(Role::Staff).ok().map(|p| p.uuid());
    // People with other demo accounts keep their roles; the staff member is
    // always in the pool.
    let other_accounts: Vec<_> = council
        .people
        .iter()
        .filter(|(role, _)| **role != Role::Staff)
        .map(|(_, p)| p.uuid())
        .collect();
    let mut chosen = Vec::new();
    for (i, (id, person)) in rows.iter().enumerate() {
        let is_demo_staff = person.is_some() && *person == demo_staff;
        let other = person.is_some_and(|p| other_accounts.contains(&p));
        if is_demo_staff || (!other && i % one_in(scale) == council.index % one_in(scale)) {
            chosen.push(*id);
        }
    }
    let today = now.date();
    let mut members = Vec::with_capacity(chosen.len());
    for (n, staff_id) in chosen.iter().enumerate() {
        let is_demo_staff = rows
            .iter()
            .any(|(id, p)| id == staff_id && p.is_some() && *p == demo_staff);
        // A spread that is the same at every run: 10 % protected, 25 %
        // voluntary, the rest with their role removed.
        let tier = match n % 20 {
            _ if is_demo_staff => PoolTier::RoleRemoved,
            0 | 10 => PoolTier::Protected,
            3 | 7 | 13 | 17 | 19 => PoolTier::Voluntary,
            _ => PoolTier::RoleRemoved,
        };
        let entered_on = today - Duration::days(((n * 37 + council.index * 11) % 540) as i64);
        let days_in = (today - entered_on).whole_days();
        let status = match n % 13 {
            _ if is_demo_staff => PoolStatus::Active,
            1 | 5 if days_in > 60 => PoolStatus::Placed,
            9 if days_in > 30 => PoolStatus::OnTrial,
            11 if days_in > 90 => PoolStatus::Left,
            _ => PoolStatus::Active,
        };
        let protected_until = (tier == PoolTier::Protected).then(|| {
            // Most protections run for months yet; a few have just ended.
            if n % 60 == 0 {
                today - Duration::days(5)
            } else {
                entered_on + Duration::days(540)
            }
        });
        let settled = entered_on + Duration::days(days_in.min(20 + (n as i64 % 90)));
        members.push(LoadedStay {
            staff: *staff_id,
            tier,
            status,
            entered_on,
            protected_until,
            reason: if tier == PoolTier::Voluntary {
                REASONS[5]
            } else {
                REASONS[n % 5]
            }
            .to_owned(),
            shared: is_demo_staff || n % 5 < 2,
            placed_on: (status == PoolStatus::Placed).then_some(settled),
            left_on: (status == PoolStatus::Left).then_some(settled),
            redundancy_cost_pence: (tier != PoolTier::Voluntary)
                .then(|| 800_000 + (n as i64 % 32) * 100_000),
        });
    }
    pool::load_many(txn, now, council.org, &members).await?;
    Ok(())
}
