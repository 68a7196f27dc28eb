//! Demo data for the workforce analytics (DESIGN.md §3.2): equality
//! monitoring for every staff record, in proportions like a council
//! workforce's, and past stays in the pool (placed or left over the last 18
//! months) when the pool's own seed leaves the history thin. Works with
//! whatever the earlier seeders wrote, nothing included.
use crate::demo::{DemoOrg, Scale};
use beacon_core::talent::import::Equality;
use beacon_core::talent::{PoolStatus, PoolTier};
use beacon_db::DatabaseTransaction;
use beacon_db::workforce::{self as db, NewStay};
use std::collections::HashSet;
use time::{Duration, OffsetDateTime};

/// A repeatable pseudo-random number in 0..1000 for `n` and a salt.
fn roll(n: usize, salt: u64) -> u64 {
    let mut x =
        (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    x % 1000
}

/// The value whose cumulative share (per thousand) the roll falls under.
fn pick<T: std::str::FromStr>(roll: u64, table: &[(&'static str, u64)]) -> Option<T> {
    let mut sum = 0;
    for (key, share) in table {
        sum += share;
        if roll < sum {
            return key.parse().ok();
        }
    }
    None
}

// Roughly the shape of English local government's workforce: mostly women,
// an older age profile, and a share who prefer not to say.
const SEX: &[(&str, u64)] = &[("female", 740), ("male", 245), ("prefer_not_to_say", 15)];
const ETHNICITY: &[(&str, u64)] = &[
    ("white", 840),
    ("asian", 65),
    ("black", 40),
    ("mixed", 20),
    ("other", 10),
    ("prefer_not_to_say", 25),
];
const DISABILITY: &[(&str, u64)] = &[("no", 860), ("yes", 85), ("prefer_not_to_say", 55)];
const AGE: &[(&str, u64)] = &[
    ("16-24", 60),
    ("25-34", 180),
    ("35-44", 230),
    ("45-54", 270),
    ("55-64", 220),
    ("65+", 40),
];

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    scale: Scale,
) -> anyhow::Result<()> {
    let staff_ids = db::staff_ids(txn, council.org).await?;
    if staff_ids.is_empty() {
        return Ok(());
    }
    let recorded = db::equality_recorded(txn, council.org).await?;
    let salt = council.index as u64 + 1;
    let rows: Vec<(_, Equality)> = staff_ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !recorded.contains(id))
        .map(|(i, id)| {
            (
                *id,
                Equality {
                    sex: pick(roll(i, salt * 11), SEX),
                    ethnicity: pick(roll(i, salt * 13), ETHNICITY),
                    disability: pick(roll(i, salt * 17), DISABILITY),
                    age_band: pick(roll(i, salt * 19), AGE),
                },
            )
        })
        .collect();
    db::insert_equality(txn, council.org, &rows).await?;
    history(txn, now, council, scale, &staff_ids).await
}

/// Past stays, placed or left, spread over 18 months, when fewer than half
/// the wanted number are there already.
async fn history(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    scale: Scale,
    staff_ids: &[db::StaffId],
) -> anyhow::Result<()> {
    let wanted = match (scale, council.index) {
        (Scale::Full, 0) => 160,
        (Scale::Bench, 0) => 940,
        (Scale::Full | Scale::Bench, _) => 40,
        (Scale::Small, 0) => 30,
        (Scale::Small, _) => 12,
    };
    let today = now.date();
    let since = today - Duration::days(548);
    let stays = db::stay_statuses(txn, council.org).await?;
    let ended = stays
        .iter()
        .filter(|(_, s)| s == "placed" || s == "left")
        .count();
    if ended * 2 >= wanted {
        return Ok(());
    }
    let in_pool: HashSet<_> = stays.iter().map(|(id, _)| *id).collect();
    // From the end of the list, away from the records other seeders use first.
    let free: Vec<_> = staff_ids
        .iter()
        .rev()
        .filter(|id| !in_pool.contains(id))
        .take(wanted - ended)
        .copied()
        .collect();
    let salt = 100 + council.index as u64;
    let past: Vec<NewStay> = free
        .iter()
        .enumerate()
        .map(|(i, staff_id)| {
            let entered_on = since + Duration::days((roll(i, salt) * 420 / 1000) as i64);
            let days = 21 + (roll(i, salt + 1) * 150 / 1000) as i64;
            let ended_on = (entered_on + Duration::days(days)).min(today - Duration::days(1));
            let tier = match roll(i, salt + 3) {
                0..80 => PoolTier::Protected,
                80..750 => PoolTier::RoleRemoved,
                _ => PoolTier::Voluntary,
            };
            let placed = roll(i, salt + 2) < 780;
            NewStay {
                staff_id: *staff_id,
                tier,
                status: if placed {
                    PoolStatus::Placed
                } else {
                    PoolStatus::Left
                },
                entered_on,
                placed_on: placed.then_some(ended_on),
                left_on: (!placed).then_some(ended_on),
                redundancy_cost_pence: (tier != PoolTier::Voluntary)
                    .then(|| 800_000 + (roll(i, salt + 4) as i64) * 2_500),
                reason: "Service redesign".to_owned(),
            }
        })
        .collect();
    db::insert_stays(txn, now, council.org, &past).await?;
    Ok(())
}
