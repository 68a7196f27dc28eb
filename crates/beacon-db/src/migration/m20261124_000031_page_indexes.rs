//! Indexes that keep the busiest pages fast at the size of a large council
//! (docs/benchmarks.md, "Pages").
//!
//! - Ideas as the lists, counts and portfolio see them: the organisation's
//!   ideas that are neither hidden nor merged, then by stage and date, and
//!   carrying every column those queries group or filter by, so counting
//!   100,000 ideas reads this index rather than every idea's text.
//! - Staff by name with their employee number, the two columns the people
//!   search matches, so the search and its count read the index alone.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const IDEAS_VISIBLE: &str = "ix_ideas_visible";
const STAFF_SEARCH: &str = "ix_staff_search";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut ideas = Index::create();
        ideas.name(IDEAS_VISIBLE).table("ideas");
        for c in [
            "organisation_id",
            "hidden",
            "merged_into",
            "stage",
            "created_at",
            "id",
            "challenge_id",
            "kind",
            "service_area",
            "facet",
            "lever",
        ] {
            ideas.col(c);
        }
        m.create_index(ideas.to_owned()).await?;
        m.create_index(
            Index::create()
                .name(STAFF_SEARCH)
                .table("staff")
                .col("organisation_id")
                .col("name")
                .col("employee_number")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [(IDEAS_VISIBLE, "ideas"), (STAFF_SEARCH, "staff")] {
            m.drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
