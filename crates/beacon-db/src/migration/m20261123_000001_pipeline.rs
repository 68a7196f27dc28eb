//! The innovation pipeline's spine: challenges with their scoring criteria,
//! each organisation's stages, ideas, and the history of every stage move.
//! Later migrations hang supports, business cases, panels, pilots and
//! evaluations off `ideas`.
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
                .table("challenges")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(string("question"))
                .col(text("description"))
                .col(string("audience"))
                .col(date("opens_on"))
                .col(date("closes_on"))
                // An innovation challenge has a pot, business cases and a panel.
                .col(boolean("innovation").default(false))
                .col(big_integer_null("pot_pence"))
                // Money already allocated from the pot. Decisions add to it
                // with a conditional update, so the pot is never overspent.
                .col(big_integer("allocated_pence").default(0))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("challenges", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "challenges",
            &["organisation_id", "closes_on"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("challenge_criteria")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("challenge_id"))
                .col(integer("position"))
                .col(string("name"))
                .col(integer("weight"))
                .foreign_key(&mut fk("challenge_criteria", "challenge_id", "challenges"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "challenge_criteria",
            &["challenge_id", "position"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("pipeline_stages")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(string("key"))
                .col(integer("position"))
                .col(string("name"))
                // Gate requirements and the roles that may move an idea
                // into this stage, as comma-separated keys.
                .col(string("requirements"))
                .col(string("movers"))
                .col(boolean("terminal").default(false))
                .foreign_key(&mut fk(
                    "pipeline_stages",
                    "organisation_id",
                    "organisations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pipeline_stages", &["organisation_id", "key"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("ideas")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid_null("challenge_id"))
                .col(uuid("author_id"))
                // Shown to the public instead of the author's name when set;
                // moderators always see the author.
                .col(string_null("pseudonym"))
                .col(string("title"))
                .col(text("problem"))
                .col(text("proposal"))
                .col(string("service_area"))
                .col(text("measure_today"))
                .col(text("measure_aspiration"))
                .col(text("expected_benefit"))
                .col(string("kind"))
                .col(string("facet"))
                .col(string("lever"))
                .col(string("stage"))
                .col(boolean("hidden").default(false))
                .col(uuid_null("merged_into"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("ideas", "organisation_id", "organisations"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_ideas_challenge_id")
                        .from("ideas", "challenge_id")
                        .to("challenges", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(&mut fk("ideas", "author_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ideas", &["organisation_id", "stage"], false))
            .await?;
        m.create_index(index("ideas", &["organisation_id", "created_at"], false))
            .await?;
        m.create_index(index("ideas", &["challenge_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("idea_moves")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(string_null("from_stage"))
                .col(string("to_stage"))
                .col(text("reason"))
                .col(uuid_null("moved_by"))
                .col(timestamp_with_time_zone("moved_at"))
                .foreign_key(&mut fk("idea_moves", "idea_id", "ideas"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idea_moves", &["idea_id", "moved_at"], false))
            .await?;
        Ok(())
    }
}
