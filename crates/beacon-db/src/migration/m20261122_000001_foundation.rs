//! Organisations, partnerships, people, memberships, sessions, one-time tokens,
//! sign-in attempts, the email outbox and the audit log.
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
                .table("organisations")
                .col(uuid("id").primary_key())
                .col(string_uniq("slug"))
                .col(string("name"))
                .col(string("kind"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("partnerships")
                .col(uuid("id").primary_key())
                .col(string_uniq("name"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("partnership_members")
                .col(uuid("partnership_id"))
                .col(uuid("organisation_id"))
                .primary_key(Index::create().col("partnership_id").col("organisation_id"))
                .foreign_key(&mut fk(
                    "partnership_members",
                    "partnership_id",
                    "partnerships",
                ))
                .foreign_key(&mut fk(
                    "partnership_members",
                    "organisation_id",
                    "organisations",
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("people")
                .col(uuid("id").primary_key())
                .col(string_uniq("email"))
                .col(string("display_name"))
                .col(string_null("password_hash"))
                .col(boolean("sector_admin").default(false))
                .col(boolean("disabled").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("password_changed_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("memberships")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("person_id"))
                .col(string("role"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("memberships", "organisation_id", "organisations"))
                .foreign_key(&mut fk("memberships", "person_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "memberships",
            &["organisation_id", "person_id", "role"],
            true,
        ))
        .await?;
        m.create_index(index("memberships", &["person_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                // Only a hash of the session token is stored: a copy of the
                // database gives nobody a live session.
                .col(string("id").primary_key())
                .col(uuid("person_id"))
                .col(uuid_null("organisation_id"))
                .col(string("csrf_token"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("last_seen_at"))
                .foreign_key(&mut fk("sessions", "person_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions", &["person_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("one_time_tokens")
                .col(uuid("id").primary_key())
                .col(string_uniq("token_hash"))
                .col(string("purpose"))
                .col(string("email"))
                .col(uuid_null("person_id"))
                .col(uuid_null("organisation_id"))
                .col(string_null("role"))
                .col(uuid_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk(
                    "one_time_tokens",
                    "organisation_id",
                    "organisations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "one_time_tokens",
            &["organisation_id", "purpose"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("sign_in_attempts")
                .col(big_pk_auto("id"))
                .col(string("key"))
                .col(timestamp_with_time_zone("at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sign_in_attempts", &["key", "at"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("outbox")
                .col(uuid("id").primary_key())
                .col(uuid_null("organisation_id"))
                .col(string("to_address"))
                .col(string("subject"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(integer("attempts").default(0))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("outbox", &["sent_at", "next_attempt_at"], false))
            .await?;
        m.create_index(index("outbox", &["organisation_id", "created_at"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("audit_events")
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(uuid_null("organisation_id"))
                .col(uuid_null("actor_id"))
                .col(string("actor_label"))
                .col(string("action"))
                .col(string("subject_type"))
                .col(string("subject_id"))
                .col(text_null("before"))
                .col(text_null("after"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("audit_events", &["organisation_id", "at"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_events",
            "outbox",
            "sign_in_attempts",
            "one_time_tokens",
            "sessions",
            "memberships",
            "people",
            "partnership_members",
            "partnerships",
            "organisations",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
