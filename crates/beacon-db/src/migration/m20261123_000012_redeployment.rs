//! Journeys' trial outcomes and the redeployment team (DESIGN.md §3.2).
//!
//! A trial's outcome is the vacancy manager's record, kept apart from the
//! placement so that only the person and HR read it (PROMISES.md 4). An
//! assignment is what the redeployment team gives someone in the pool while
//! they are not placed: a project, a secondment, or one of the council's own
//! innovation pilots.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A reference to the person who made a record, kept when they are erased.
fn made_by(table: &'static str, column: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to("people", "id")
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One outcome per placement: the first record wins.
        m.create_table(
            Table::create()
                .table("trial_outcomes")
                .col(uuid("placement_id").primary_key())
                .col(uuid("organisation_id"))
                // `beacon_core::talent::journey::TrialOutcome`
                .col(string("outcome"))
                .col(text("note").default(""))
                .col(uuid_null("recorded_by"))
                .col(date("recorded_on"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("trial_outcomes", "placement_id", "placements"))
                .foreign_key(&mut fk(
                    "trial_outcomes",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut made_by("trial_outcomes", "recorded_by"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("assignments")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("staff_id"))
                .col(uuid_null("pool_member_id"))
                // `beacon_core::talent::AssignmentKind`
                .col(string("kind"))
                .col(string("title"))
                // The idea whose pilot they join, for a pilot assignment.
                .col(uuid_null("idea_id"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                // Set when the assignment is ended, early or on time.
                .col(date_null("ended_on"))
                .col(uuid_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("assignments", "organisation_id", "organisations"))
                .foreign_key(&mut fk("assignments", "staff_id", "staff"))
                .foreign_key(&mut fk("assignments", "pool_member_id", "pool_members"))
                .foreign_key(&mut fk("assignments", "idea_id", "ideas"))
                .foreign_key(&mut made_by("assignments", "created_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "assignments",
            &["organisation_id", "ended_on"],
            false,
        ))
        .await?;
        m.create_index(index("assignments", &["staff_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["assignments", "trial_outcomes"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
