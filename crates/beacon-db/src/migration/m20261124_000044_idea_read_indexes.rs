//! Two indexes on ideas for pages that read many of them at once
//! (docs/benchmarks.md, "Pages"):
//!
//! - `ix_ideas_portfolio`, for the portfolio's counts: the organisation's
//!   ideas that are neither hidden nor merged, in the order the portfolio
//!   groups them (stage, service area, kind, facet, lever), then the two
//!   columns it filters by (challenge, date). Its one grouped read walks
//!   this index in order, with no table rows and no sort of 100,000 entries;
//!   `ix_ideas_visible` has the date after the stage, so grouping from it
//!   needed both.
//! - `ix_ideas_by_id_shown`, for the ideas search: an idea by id with every
//!   column the ideas list filters and sorts by, so the full-text matches
//!   are checked, counted and put in order without reading their text.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &[&str]); 2] = [
    (
        "ix_ideas_portfolio",
        &[
            "organisation_id",
            "hidden",
            "merged_into",
            "stage",
            "service_area",
            "kind",
            "facet",
            "lever",
            "challenge_id",
            "created_at",
        ],
    ),
    (
        "ix_ideas_by_id_shown",
        &[
            "id",
            "organisation_id",
            "hidden",
            "merged_into",
            "challenge_id",
            "stage",
            "kind",
            "created_at",
        ],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, columns) in INDEXES {
            let mut index = Index::create();
            index.name(name).table("ideas");
            for c in columns {
                index.col(*c);
            }
            m.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            m.drop_index(Index::drop().name(name).table("ideas").to_owned())
                .await?;
        }
        Ok(())
    }
}
