//! The real cases of the seed documents, as public cases of the exchange's library.
use beacon_db::Db;
use time::OffsetDateTime;

pub async fn seed(_db: &Db, _now: OffsetDateTime) -> anyhow::Result<()> {
    Ok(())
}
