//! The practice exchange (DESIGN.md §3.3): other Beacons this one subscribes
//! to, and what was fetched from them. A fetched case is a publication with
//! `remote_source_id` set (the spine's `case_publications`); this table names
//! the source and records how its last fetch went.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{index, made_by};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("remote_sources")
                .col(uuid("id").primary_key())
                // `beacon` (another Beacon, by its address) or `library` (the
                // built-in case library, which has no address).
                .col(string("kind"))
                .col(string_null("base_url"))
                // As the source names itself (or "Case library").
                .col(string("name"))
                .col(uuid_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                // How the last fetch went: never, ok or refused, with the
                // refusal's key and detail (our words, never the source's).
                .col(string("last_status").default("never"))
                .col(string("last_error").default(""))
                .col(string("last_detail").default(""))
                .col(timestamp_with_time_zone_null("last_fetched_at"))
                .col(integer("case_count").default(0))
                // A server fetching this source holds it until then, so two
                // servers never fetch the same source at once.
                .col(timestamp_with_time_zone_null("claimed_until"))
                .foreign_key(&mut made_by("remote_sources", "created_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("remote_sources", &["base_url"], true))
            .await?;
        m.create_index(index("remote_sources", &["kind"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("remote_sources").to_owned())
            .await?;
        Ok(())
    }
}
