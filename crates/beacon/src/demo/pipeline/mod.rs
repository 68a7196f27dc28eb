//! Each demo council's living pipeline: challenges, ideas at every stage, a
//! business case, a funded pilot, an adopted idea with realised savings, a
//! stopped one with its lessons, and a facilitated session. Each part seeds
//! its own tables, in this order, inside the council's transaction.
mod appraisal;
mod delivery;
pub(super) mod ideas;
mod ideation;
mod panel;
pub(super) mod participation;

use super::DemoOrg;
use beacon_db::DatabaseTransaction;
use time::OffsetDateTime;

pub async fn seed(
    txn: &DatabaseTransaction,
    now: OffsetDateTime,
    council: &DemoOrg,
) -> anyhow::Result<()> {
    ideas::seed(txn, now, council).await?;
    participation::seed(txn, now, council).await?;
    appraisal::seed(txn, now, council).await?;
    panel::seed(txn, now, council).await?;
    delivery::seed(txn, now, council).await?;
    ideation::seed(txn, now, council).await?;
    // The notifications stay in the app; the emails for this made-up,
    // backdated history are never sent.
    beacon_db::outbox::discard_unsent(txn, council.org).await?;
    Ok(())
}
