//! The panel tables of the innovation pipeline: each reviewer's declaration
//! of interest, their private scores, and the one funding decision per idea.
//! Unique indexes carry the rules that must hold under concurrent requests:
//! one declaration and one set of scores per reviewer (PROMISES.md 18), one
//! decision per idea.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("panel_declarations")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(uuid("reviewer_id"))
                .col(boolean("conflict"))
                // What the interest is; empty when there is none.
                .col(text("interest"))
                .col(timestamp_with_time_zone("declared_at"))
                // Set, once, by the conditional update that lets a reviewer
                // without a conflict submit their scores.
                .col(timestamp_with_time_zone_null("scored_at"))
                .foreign_key(&mut fk(
                    "panel_declarations",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("panel_declarations", "idea_id", "ideas"))
                .foreign_key(&mut fk("panel_declarations", "reviewer_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "panel_declarations",
            &["idea_id", "reviewer_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "panel_declarations",
            &["organisation_id", "reviewer_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("panel_scores")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(uuid("reviewer_id"))
                // A challenge criterion's id, or the key of a default criterion.
                .col(string("criterion"))
                // The criterion's name and weight as the reviewer saw them, so
                // that later edits to the criteria do not rewrite past scores.
                // The name is empty for a default criterion (it is translated).
                .col(string("criterion_name"))
                .col(integer("weight"))
                .col(integer("position"))
                .col(small_integer("score"))
                .col(text("comment"))
                .col(timestamp_with_time_zone("scored_at"))
                .foreign_key(&mut fk("panel_scores", "organisation_id", "organisations"))
                .foreign_key(&mut fk("panel_scores", "idea_id", "ideas"))
                .foreign_key(&mut fk("panel_scores", "reviewer_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "panel_scores",
            &["idea_id", "reviewer_id", "criterion"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("funding_decisions")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(uuid_null("challenge_id"))
                // "funded" or "declined".
                .col(string("outcome"))
                .col(big_integer_null("amount_pence"))
                .col(string_null("funding_model"))
                .col(text("reason"))
                .col(uuid_null("decided_by"))
                .col(timestamp_with_time_zone("decided_at"))
                .foreign_key(&mut fk(
                    "funding_decisions",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("funding_decisions", "idea_id", "ideas"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_funding_decisions_challenge_id")
                        .from("funding_decisions", "challenge_id")
                        .to("challenges", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_funding_decisions_decided_by")
                        .from("funding_decisions", "decided_by")
                        .to("people", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("funding_decisions", &["idea_id"], true))
            .await?;
        m.create_index(index(
            "funding_decisions",
            &["organisation_id", "decided_at"],
            false,
        ))
        .await?;
        Ok(())
    }
}
