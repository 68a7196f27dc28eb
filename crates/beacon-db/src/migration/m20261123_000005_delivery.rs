//! Delivery: each funded idea's pilot (milestones, spend against budget,
//! updates, the team running it) and its evaluation, and the draft case study
//! an evaluation becomes. Nothing here is public: the practice exchange
//! publishes from the drafts after review.
//!
//! References to people who made a record (`created_by`, `author_id`,
//! `evaluated_by`…) are set to null when the person is erased, so the record
//! itself survives; a team membership goes with its person.
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
        m.create_table(
            Table::create()
                .table("pilots")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(big_integer("budget_pence"))
                .col(text("baseline"))
                .col(text("success_measures"))
                .col(string("status"))
                .col(date_null("finished_on"))
                .col(uuid_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("pilots", "organisation_id", "organisations"))
                .foreign_key(&mut fk("pilots", "idea_id", "ideas"))
                .foreign_key(&mut made_by("pilots", "created_by"))
                .to_owned(),
        )
        .await?;
        // One pilot per idea, even when two people set it up at once.
        m.create_index(index("pilots", &["idea_id"], true)).await?;
        m.create_index(index("pilots", &["organisation_id", "status"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("pilot_milestones")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("pilot_id"))
                .col(string("title"))
                .col(date("due_on"))
                .col(date_null("done_on"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("pilot_milestones", "pilot_id", "pilots"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pilot_milestones", &["pilot_id", "due_on"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("pilot_spend")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("pilot_id"))
                .col(date("spent_on"))
                .col(string("description"))
                .col(big_integer("amount_pence"))
                .col(uuid_null("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("pilot_spend", "pilot_id", "pilots"))
                .foreign_key(&mut made_by("pilot_spend", "recorded_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pilot_spend", &["pilot_id", "spent_on"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("pilot_updates")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("pilot_id"))
                .col(uuid_null("author_id"))
                .col(text("body"))
                // Red, amber, green: on_track, at_risk, off_track.
                .col(string("rag"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("pilot_updates", "pilot_id", "pilots"))
                .foreign_key(&mut made_by("pilot_updates", "author_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pilot_updates", &["pilot_id", "created_at"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("pilot_team")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("pilot_id"))
                .col(uuid("person_id"))
                .col(string("role"))
                // Seconded from the redeployment team (the talent pool).
                .col(boolean("seconded").default(false))
                .col(timestamp_with_time_zone("added_at"))
                .foreign_key(&mut fk("pilot_team", "pilot_id", "pilots"))
                .foreign_key(&mut fk("pilot_team", "person_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pilot_team", &["pilot_id", "person_id"], true))
            .await?;
        m.create_index(index("pilot_team", &["person_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("evaluations")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(big_integer("actual_cost_pence"))
                .col(big_integer("cashable_pence"))
                .col(big_integer("non_cashable_pence"))
                .col(big_integer("social_value_pence"))
                .col(string("outcome"))
                .col(text("results"))
                .col(text("lessons"))
                // Nesta Standards of Evidence, 1 to 5.
                .col(small_integer("evidence_level"))
                .col(boolean("transfers"))
                .col(text("transfers_to"))
                .col(uuid_null("evaluated_by"))
                .col(timestamp_with_time_zone("evaluated_at"))
                .foreign_key(&mut fk("evaluations", "organisation_id", "organisations"))
                .foreign_key(&mut fk("evaluations", "idea_id", "ideas"))
                .foreign_key(&mut made_by("evaluations", "evaluated_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("evaluations", &["idea_id"], true))
            .await?;
        m.create_index(index("evaluations", &["organisation_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("case_study_drafts")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(string("title"))
                .col(text("summary"))
                .col(text("challenge"))
                .col(text("approach"))
                .col(text("results"))
                .col(text("lessons"))
                .col(string("service_area"))
                .col(string("facet"))
                .col(string("outcome"))
                .col(small_integer("evidence_level"))
                .col(big_integer("cashable_savings_pence"))
                .col(big_integer("non_cashable_savings_pence"))
                .col(big_integer("social_value_pence"))
                .col(big_integer("cost_pence"))
                .col(string("status"))
                .col(uuid_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "case_study_drafts",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("case_study_drafts", "idea_id", "ideas"))
                .foreign_key(&mut made_by("case_study_drafts", "created_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("case_study_drafts", &["idea_id"], true))
            .await?;
        m.create_index(index(
            "case_study_drafts",
            &["organisation_id", "status"],
            false,
        ))
        .await?;
        Ok(())
    }
}
