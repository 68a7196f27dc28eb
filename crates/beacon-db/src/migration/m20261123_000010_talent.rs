//! The spine of the talent pool and jobs market (DESIGN.md §3.2): the
//! strengths framework, staff and their profiles, posts, vacancies and the
//! pool. The parts built on it (reviews, journeys, imports) add their own
//! tables in later migrations.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A framework's strengths keep their position for ever: profiles and
        // vacancies refer to them, and the engine reads levels in this order.
        // HR retires a strength rather than deleting it.
        m.create_table(
            Table::create()
                .table("strengths")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(integer("position"))
                .col(string("name"))
                .col(text("description"))
                .col(boolean("retired").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("strengths", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("strengths", &["organisation_id", "position"], true))
            .await?;

        // A member of staff as HR's records know them. A staff record need not
        // have an account (most of an 8,500-strong workforce will not sign in
        // at first); `person_id` links the two when they do.
        m.create_table(
            Table::create()
                .table("staff")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(string("employee_number"))
                .col(uuid_null("person_id"))
                .col(string("name"))
                .col(string_null("email"))
                .col(string("job_title"))
                .col(integer("grade"))
                .col(integer("weekly_minutes"))
                .col(string_null("service_area"))
                .col(string_null("site"))
                .col(integer_null("home_easting"))
                .col(integer_null("home_northing"))
                .col(integer_null("max_travel_km"))
                // Other sites the person can work at, one per line.
                .col(text("work_sites").default(""))
                // Service-area keys the person would like, space-separated.
                .col(text("preferred_areas").default(""))
                .col(boolean("willing_to_trial").default(true))
                .col(date_null("available_from"))
                .col(date_null("started_on"))
                .col(date_null("left_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("staff", "organisation_id", "organisations"))
                .foreign_key(&mut fk("staff", "person_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "staff",
            &["organisation_id", "employee_number"],
            true,
        ))
        .await?;
        m.create_index(index("staff", &["organisation_id", "person_id"], true))
            .await?;
        m.create_index(index("staff", &["organisation_id", "name"], false))
            .await?;

        // Equality monitoring, held apart so that only aggregate, suppressed
        // figures ever leave it.
        m.create_table(
            Table::create()
                .table("staff_equality")
                .col(uuid("staff_id").primary_key())
                .col(uuid("organisation_id"))
                .col(string_null("sex"))
                .col(string_null("ethnicity"))
                .col(string_null("disability"))
                .col(string_null("age_band"))
                .foreign_key(&mut fk("staff_equality", "staff_id", "staff"))
                .foreign_key(&mut fk(
                    "staff_equality",
                    "organisation_id",
                    "organisations",
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("staff_strengths")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("staff_id"))
                .col(uuid("strength_id"))
                .col(integer("level"))
                .col(timestamp_with_time_zone("assessed_at"))
                .foreign_key(&mut fk(
                    "staff_strengths",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("staff_strengths", "staff_id", "staff"))
                .foreign_key(&mut fk("staff_strengths", "strength_id", "strengths"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("staff_strengths", &["staff_id", "strength_id"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("staff_qualifications")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("staff_id"))
                // A stable code shared with vacancies ("driving_licence").
                .col(string("code"))
                .col(string("title"))
                .col(date_null("expires_on"))
                .foreign_key(&mut fk(
                    "staff_qualifications",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("staff_qualifications", "staff_id", "staff"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("staff_qualifications", &["staff_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("staff_experience")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("staff_id"))
                .col(string("role_title"))
                .col(string("service_area"))
                .col(integer("months"))
                .foreign_key(&mut fk(
                    "staff_experience",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("staff_experience", "staff_id", "staff"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("staff_experience", &["staff_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("posts")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(string("reference"))
                .col(string("title"))
                .col(string("service_area"))
                .col(integer("grade"))
                .col(integer("weekly_minutes"))
                .col(string("site"))
                .col(integer_null("easting"))
                .col(integer_null("northing"))
                .col(boolean("remote").default(false))
                // What the post costs a year, on-costs included.
                .col(big_integer("annual_cost_pence"))
                .col(string("status"))
                .col(uuid_null("holder_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("posts", "organisation_id", "organisations"))
                .foreign_key(&mut fk("posts", "holder_id", "staff"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("posts", &["organisation_id", "reference"], true))
            .await?;
        m.create_index(index("posts", &["organisation_id", "status"], false))
            .await?;
        m.create_index(index("posts", &["holder_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("vacancies")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid_null("post_id"))
                .col(string("title"))
                .col(text("summary"))
                .col(string("service_area"))
                .col(integer("grade_min"))
                .col(integer("grade_max"))
                .col(integer("weekly_minutes"))
                .col(string("site"))
                .col(integer_null("easting"))
                .col(integer_null("northing"))
                .col(boolean("remote").default(false))
                .col(integer("training_limit_days"))
                .col(string("status"))
                .col(string_null("review_decision"))
                .col(text_null("review_reason"))
                .col(big_integer_null("annual_saving_pence"))
                .col(uuid_null("approved_by"))
                .col(timestamp_with_time_zone_null("approved_at"))
                // The last day the vacancy is held for the pool.
                .col(date_null("pool_until"))
                .col(date_null("closes_on"))
                // Visible to the organisation's partners.
                .col(boolean("shared").default(false))
                .col(uuid("raised_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("vacancies", "organisation_id", "organisations"))
                .foreign_key(&mut fk("vacancies", "post_id", "posts"))
                .foreign_key(&mut fk("vacancies", "raised_by", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("vacancies", &["organisation_id", "status"], false))
            .await?;
        m.create_index(index("vacancies", &["post_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("vacancy_essentials")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("vacancy_id"))
                .col(string("code"))
                .col(string("title"))
                // Days of training that close the gap; null when none can.
                .col(integer_null("training_days"))
                .foreign_key(&mut fk(
                    "vacancy_essentials",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("vacancy_essentials", "vacancy_id", "vacancies"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("vacancy_essentials", &["vacancy_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("vacancy_strengths")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("vacancy_id"))
                .col(uuid("strength_id"))
                .col(integer("level"))
                .col(integer("weight"))
                .foreign_key(&mut fk(
                    "vacancy_strengths",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("vacancy_strengths", "vacancy_id", "vacancies"))
                .foreign_key(&mut fk("vacancy_strengths", "strength_id", "strengths"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "vacancy_strengths",
            &["vacancy_id", "strength_id"],
            true,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("vacancy_experience")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("vacancy_id"))
                .col(string("service_area"))
                .col(integer("months"))
                .foreign_key(&mut fk(
                    "vacancy_experience",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("vacancy_experience", "vacancy_id", "vacancies"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("vacancy_experience", &["vacancy_id"], false))
            .await?;

        // A stay in the pool. A person may come back to it later, so this is
        // one row per stay; `status` says where the stay has got to.
        m.create_table(
            Table::create()
                .table("pool_members")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("staff_id"))
                .col(string("tier"))
                .col(string("status"))
                .col(date("entered_on"))
                // Protection ends (e.g. 18 months after a birth); null when
                // the tier is not protected.
                .col(date_null("protected_until"))
                // Why the role was removed, in HR's words.
                .col(text("reason"))
                // The person agreed to be seen by partner organisations.
                .col(boolean("shared").default(false))
                .col(date_null("placed_on"))
                .col(date_null("left_on"))
                // The redundancy cost that placing this person avoids.
                .col(big_integer_null("redundancy_cost_pence"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("pool_members", "organisation_id", "organisations"))
                .foreign_key(&mut fk("pool_members", "staff_id", "staff"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("pool_members", &["organisation_id", "status"], false))
            .await?;
        m.create_index(index("pool_members", &["staff_id"], false))
            .await?;

        // A person's way into a vacancy, one row per person and vacancy; the
        // journey's part moves it along and keeps each step in
        // `placement_steps`.
        m.create_table(
            Table::create()
                .table("placements")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("vacancy_id"))
                .col(uuid("staff_id"))
                .col(uuid_null("pool_member_id"))
                .col(string("step"))
                // Who must act next, and since when.
                .col(uuid("owner_id"))
                .col(date("step_on"))
                .col(boolean("interview_guaranteed").default(false))
                .col(text_null("training_plan"))
                .col(date_null("trial_starts_on"))
                .col(date_null("trial_ends_on"))
                // The written agreement that extended the trial for retraining.
                .col(text_null("extension_agreement"))
                .col(text_null("outcome_note"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("placements", "organisation_id", "organisations"))
                .foreign_key(&mut fk("placements", "vacancy_id", "vacancies"))
                .foreign_key(&mut fk("placements", "staff_id", "staff"))
                .foreign_key(&mut fk("placements", "pool_member_id", "pool_members"))
                .foreign_key(&mut fk("placements", "owner_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("placements", &["vacancy_id", "staff_id"], true))
            .await?;
        m.create_index(index("placements", &["organisation_id", "step"], false))
            .await?;
        m.create_index(index("placements", &["staff_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("placement_steps")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("placement_id"))
                .col(string("step"))
                .col(uuid("owner_id"))
                .col(date("on_date"))
                .col(text("note").default(""))
                .col(uuid_null("actor_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "placement_steps",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("placement_steps", "placement_id", "placements"))
                .foreign_key(&mut fk("placement_steps", "owner_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "placement_steps",
            &["placement_id", "created_at"],
            false,
        ))
        .await?;

        // An organisation's talent settings; a missing row means the defaults
        // of `beacon_core::talent::Settings`.
        m.create_table(
            Table::create()
                .table("talent_settings")
                .col(uuid("organisation_id").primary_key())
                .col(integer("freeze_days"))
                .col(integer("trial_days"))
                .col(integer("training_limit_days"))
                .col(big_integer("recruitment_cost_pence"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "talent_settings",
                    "organisation_id",
                    "organisations",
                ))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "talent_settings",
            "placement_steps",
            "placements",
            "pool_members",
            "vacancy_experience",
            "vacancy_strengths",
            "vacancy_essentials",
            "vacancies",
            "posts",
            "staff_experience",
            "staff_qualifications",
            "staff_strengths",
            "staff_equality",
            "staff",
            "strengths",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
