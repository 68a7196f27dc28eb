//! Adoptions of cases into other councils' pipelines, and follows.
use super::super::{DemoOrg, Scale};
use beacon_db::Db;
use time::OffsetDateTime;

pub async fn seed(
    _db: &Db,
    _now: OffsetDateTime,
    _councils: &[DemoOrg],
    _scale: Scale,
) -> anyhow::Result<()> {
    Ok(())
}
