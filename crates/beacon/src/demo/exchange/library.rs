//! The real cases of the seed documents, as public cases of the exchange's
//! library (`crate::library`, from `data/case-library.toml`).
use beacon_db::Db;
use time::OffsetDateTime;

pub async fn seed(db: &Db, now: OffsetDateTime) -> anyhow::Result<()> {
    crate::library::load(db, now).await?;
    Ok(())
}
