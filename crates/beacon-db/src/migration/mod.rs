//! Schema migrations. They run by themselves at start, so an upgrade is a
//! restart. Never edit a released migration: add a new one.
use sea_orm_migration::prelude::*;

mod helpers;
mod m20261122_000001_foundation;
mod m20261123_000001_pipeline;
mod m20261123_000002_participation;
mod m20261123_000003_appraisal;
mod m20261123_000004_panel;
mod m20261123_000005_delivery;
mod m20261123_000006_sessions;
mod m20261123_000010_talent;
mod m20261123_000011_vacancy_reviews;
mod m20261123_000012_redeployment;
mod m20261124_000001_exchange;
mod m20261124_000002_exchange_search;
mod m20261124_000003_exchange_spread;
mod m20261124_000004_exchange_visits;
mod m20261124_000005_exchange_federation;
mod m20261124_000031_page_indexes;
mod m20261124_000041_idea_search;
mod m20261124_000042_idea_counts;
mod m20261124_000043_idea_counts_by_statement;
mod m20261124_000044_idea_read_indexes;
mod m20261124_000050_talent_generations;
mod m20261124_000051_talent_reads;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261123_000001_pipeline::Migration),
            Box::new(m20261123_000002_participation::Migration),
            Box::new(m20261123_000003_appraisal::Migration),
            Box::new(m20261123_000004_panel::Migration),
            Box::new(m20261123_000005_delivery::Migration),
            Box::new(m20261123_000006_sessions::Migration),
            Box::new(m20261123_000010_talent::Migration),
            Box::new(m20261123_000011_vacancy_reviews::Migration),
            Box::new(m20261123_000012_redeployment::Migration),
            Box::new(m20261124_000001_exchange::Migration),
            Box::new(m20261124_000002_exchange_search::Migration),
            Box::new(m20261124_000003_exchange_spread::Migration),
            Box::new(m20261124_000004_exchange_visits::Migration),
            Box::new(m20261124_000005_exchange_federation::Migration),
            Box::new(m20261124_000031_page_indexes::Migration),
            Box::new(m20261124_000041_idea_search::Migration),
            Box::new(m20261124_000042_idea_counts::Migration),
            Box::new(m20261124_000043_idea_counts_by_statement::Migration),
            Box::new(m20261124_000044_idea_read_indexes::Migration),
            Box::new(m20261124_000050_talent_generations::Migration),
            Box::new(m20261124_000051_talent_reads::Migration),
        ]
    }
}
