//! Facilitated sessions (possibility thinking and cultural enquiry): each
//! session's timed rounds and the ways participants add to them, some of which
//! are promoted to ideas; and each organisation's portfolio target, the share
//! of radical ideas it aims for.
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
                .table("ideation_sessions")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                // possibility_thinking | cultural_enquiry
                .col(string("template"))
                .col(string("title"))
                .col(text("question"))
                .col(uuid("facilitator_id"))
                // draft | running | closed
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                .foreign_key(&mut fk(
                    "ideation_sessions",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("ideation_sessions", "facilitator_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ideation_sessions",
            &["organisation_id", "created_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("session_rounds")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("session_id"))
                .col(integer("position"))
                // The template's prompt for this position, shown in the
                // reader's language, unless the facilitator wrote their own.
                .col(string("prompt_key"))
                .col(text("prompt"))
                .col(timestamp_with_time_zone("opened_at"))
                .col(timestamp_with_time_zone("closes_at"))
                .foreign_key(&mut fk("session_rounds", "session_id", "ideation_sessions"))
                .to_owned(),
        )
        .await?;
        // Two facilitators' clicks cannot open the same round twice.
        m.create_index(index("session_rounds", &["session_id", "position"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("session_ways")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("session_id"))
                .col(uuid("round_id"))
                .col(uuid("person_id"))
                .col(text("text"))
                .col(uuid_null("promoted_idea_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("session_ways", "session_id", "ideation_sessions"))
                .foreign_key(&mut fk("session_ways", "round_id", "session_rounds"))
                .foreign_key(&mut fk("session_ways", "person_id", "people"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_session_ways_promoted_idea_id")
                        .from("session_ways", "promoted_idea_id")
                        .to("ideas", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("session_ways", &["session_id", "created_at"], false))
            .await?;
        m.create_index(index("session_ways", &["round_id", "person_id"], false))
            .await?;
        m.create_index(index("session_ways", &["person_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("portfolio_targets")
                .col(uuid("organisation_id").primary_key())
                .col(integer("radical_percent"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(uuid_null("updated_by"))
                .foreign_key(&mut fk(
                    "portfolio_targets",
                    "organisation_id",
                    "organisations",
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
