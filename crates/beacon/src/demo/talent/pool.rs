//! Demo data: the talent pool and matching: ranked candidates, opportunities and the pool's assignment proposal (DESIGN.md §3.2).
use crate::demo::{DemoOrg, Scale};
use beacon_db::DatabaseTransaction;
use time::OffsetDateTime;

pub async fn seed(
    _txn: &DatabaseTransaction,
    _now: OffsetDateTime,
    _council: &DemoOrg,
    _scale: Scale,
) -> anyhow::Result<()> {
    Ok(())
}
