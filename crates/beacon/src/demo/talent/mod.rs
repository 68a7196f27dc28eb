//! Each demo council's workforce: the strengths framework, staff with their
//! profiles, posts and vacancies under review and open, a talent pool, people
//! on their way into new roles, and the imports and equality data behind the
//! analytics. Each part seeds its own tables, in this order, inside the
//! council's transaction.
mod journey;
mod pool;
mod profiles;
mod vacancies;
mod workforce;

use super::{DemoOrg, Scale};
use beacon_db::DatabaseTransaction;
use time::OffsetDateTime;

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
    scale: Scale,
) -> anyhow::Result<()> {
    profiles::seed(txn, now, council, scale).await?;
    vacancies::seed(txn, now, council, scale).await?;
    pool::seed(txn, now, council, scale).await?;
    journey::seed(txn, now, council, scale).await?;
    workforce::seed(txn, now, council, scale).await?;
    Ok(())
}
