//! Reads of the talent pages at the scale of a large council.
//!
//! The talent change stamp (`m20261124_000050_talent_generations`) now also
//! moves with the tables workforce analytics reads beyond matching's: the
//! equality monitoring data and the steps of journeys. Servers keep the
//! analytics' figures until the stamp moves, so every table behind them is
//! watched, with the same triggers.
//!
//! The pool's list is shown by tier, then date entered: an index in that
//! order gives a page without sorting every stay the council has had.
use super::helpers::index;
use super::m20261124_000050_talent_generations::{unwatch, watch};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables analytics reads that matching does not, each with an
/// `organisation_id` column.
const WATCHED: [&str; 2] = ["staff_equality", "placement_steps"];

/// The pool list's order within an organisation.
const POOL_ORDER: [&str; 4] = ["organisation_id", "tier", "entered_on", "id"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        watch(m, &WATCHED).await?;
        m.create_index(index("pool_members", &POOL_ORDER, false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name(format!("ix_pool_members_{}", POOL_ORDER.join("_")))
                .table("pool_members")
                .to_owned(),
        )
        .await?;
        unwatch(m, &WATCHED).await
    }
}
