//! Demo data: posts and vacancies, vacancy reviews and the recruitment freeze (DESIGN.md §3.2).
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
