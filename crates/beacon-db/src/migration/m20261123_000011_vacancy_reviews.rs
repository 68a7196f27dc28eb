//! Vacancy reviews and the recruitment freeze (DESIGN.md §3.2): the
//! exceptions that let a vacancy go outside the pool early, and the history
//! of each vacancy's review as the vacancy's page shows it.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A manager's request to recruit outside the pool before the freeze
        // ends, and HR's answer. One row per request; at most one waits at a
        // time (checked under the vacancy's lock).
        m.create_table(
            Table::create()
                .table("freeze_exceptions")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("vacancy_id"))
                .col(text("reason"))
                .col(uuid("requested_by"))
                .col(timestamp_with_time_zone("requested_at"))
                // requested, approved or refused
                .col(string("status"))
                .col(uuid_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text("decision_note").default(""))
                .foreign_key(&mut fk(
                    "freeze_exceptions",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("freeze_exceptions", "vacancy_id", "vacancies"))
                .foreign_key(&mut fk("freeze_exceptions", "requested_by", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("freeze_exceptions", &["vacancy_id", "status"], false))
            .await?;

        // What happened to a vacancy's review, in order: started, approved,
        // sent back (with HR's reason), exceptions asked and decided.
        m.create_table(
            Table::create()
                .table("vacancy_events")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("vacancy_id"))
                .col(string("action"))
                .col(text("note").default(""))
                .col(uuid_null("actor_id"))
                .col(timestamp_with_time_zone("at"))
                .foreign_key(&mut fk(
                    "vacancy_events",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("vacancy_events", "vacancy_id", "vacancies"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("vacancy_events", &["vacancy_id", "at"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["vacancy_events", "freeze_exceptions"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
