//! Demo data for the pipeline's panel part.
use crate::demo::DemoOrg;
use beacon_db::DatabaseTransaction;
use time::OffsetDateTime;

pub async fn seed(
    _txn: &DatabaseTransaction,
    _now: OffsetDateTime,
    _council: &DemoOrg,
) -> anyhow::Result<()> {
    Ok(())
}
