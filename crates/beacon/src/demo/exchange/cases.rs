//! Each demo council's own case studies, one of them an anonymised failure.
use super::super::{DemoOrg, Scale};
use beacon_db::Db;
use beacon_db::people::Person;
use time::OffsetDateTime;

pub async fn seed(
    _db: &Db,
    _now: OffsetDateTime,
    _councils: &[DemoOrg],
    _moderator: &Person,
    _scale: Scale,
) -> anyhow::Result<()> {
    Ok(())
}
