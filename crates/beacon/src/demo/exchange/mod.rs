//! The practice exchange in the demo: the real cases of the seed documents
//! (`library`), each demo council's own cases, one of them an anonymised
//! failure moderated by the sector administrator (`cases`), adoptions and
//! follows (`spread`), and questions and visits (`visits`). Seeded after the
//! partnership exists, since partners-level cases need it, in this order.
mod cases;
mod library;
mod spread;
mod visits;

use super::{DemoOrg, Scale};
use beacon_db::Db;
use beacon_db::people::Person;
use time::OffsetDateTime;

pub async fn seed(
    db: &Db,
    now: OffsetDateTime,
    councils: &[DemoOrg],
    moderator: &Person,
    scale: Scale,
) -> anyhow::Result<()> {
    library::seed(db, now).await?;
    cases::seed(db, now, councils, moderator, scale).await?;
    spread::seed(db, now, councils, scale).await?;
    visits::seed(db, now, councils, scale).await?;
    Ok(())
}
