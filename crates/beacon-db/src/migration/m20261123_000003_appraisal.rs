//! The appraisal tables of the innovation pipeline: one business case per
//! idea, its options (business as usual always among them) and their cost and
//! benefit lines, each organisation's risk matrix, and each idea's risks.
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
                .table("appraisal_options")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(string("name"))
                .col(text("description"))
                .col(boolean("business_as_usual").default(false))
                .col(integer("position"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "appraisal_options",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("appraisal_options", "idea_id", "ideas"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("appraisal_options", &["idea_id", "position"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("appraisal_lines")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("option_id"))
                // Years from 0 (now) to 60, real prices, whole pence.
                .col(integer("year"))
                .col(string("category"))
                .col(string("description"))
                .col(big_integer("amount_pence"))
                // Where a social value's proxy comes from; required for them.
                .col(text_null("source"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "appraisal_lines",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("appraisal_lines", "option_id", "appraisal_options"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("appraisal_lines", &["option_id", "year"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("business_cases")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                // Chooses the discount schedule, so the case can be reproduced.
                .col(date("appraisal_date"))
                .col(string("project_type"))
                .col(integer("mitigation_percent").default(0))
                .col(text("mitigation_note"))
                .col(string_null("funding_model"))
                .col(text("non_monetised_benefits"))
                .col(uuid_null("preferred_option_id"))
                // The risk of not innovating: empty until written.
                .col(text("not_innovating"))
                .col(integer_null("not_innovating_likelihood"))
                .col(integer_null("not_innovating_impact"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "business_cases",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("business_cases", "idea_id", "ideas"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_business_cases_preferred_option_id")
                        .from("business_cases", "preferred_option_id")
                        .to("appraisal_options", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        // One business case per idea: two first edits at once cannot make two.
        m.create_index(index("business_cases", &["idea_id"], true))
            .await?;
        m.create_index(index("business_cases", &["organisation_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("risk_matrices")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(integer("size"))
                .col(integer("medium_from"))
                .col(integer("high_from"))
                .col(integer("very_high_from"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("risk_matrices", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("risk_matrices", &["organisation_id"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("risks")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(text("description"))
                .col(integer("likelihood"))
                .col(integer("impact"))
                .col(string("owner"))
                .col(string("response"))
                .col(text("mitigation"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("risks", "organisation_id", "organisations"))
                .foreign_key(&mut fk("risks", "idea_id", "ideas"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("risks", &["idea_id", "created_at"], false))
            .await?;
        m.create_index(index("risks", &["organisation_id"], false))
            .await?;
        Ok(())
    }
}
