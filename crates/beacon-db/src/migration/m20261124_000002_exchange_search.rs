//! The practice exchange (DESIGN.md §3.3): the search index's change log.
//! Every change to something a reader may find (a council's own case, a
//! publication) appends a row in the same transaction; each server's index
//! applies the rows after the last one it has seen, so several servers on one
//! database all catch up (PROMISES.md 24), and a rebuild starts from the
//! newest row.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("search_changes")
                .col(big_integer("seq").auto_increment().primary_key())
                // case or publication
                .col(string("kind"))
                .col(uuid("target_id"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("search_changes", &["at"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("search_changes").to_owned())
            .await?;
        Ok(())
    }
}
