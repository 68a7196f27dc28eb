//! The participation tables of the innovation pipeline: supports, comments,
//! follows, reports and what moderators did about them, and notifications.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One support per person and idea: the unique index is what makes a
        // second support (however many arrive at once) a no-op (PROMISES.md 18).
        m.create_table(
            Table::create()
                .table("idea_supports")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(uuid("person_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("idea_supports", "organisation_id", "organisations"))
                .foreign_key(&mut fk("idea_supports", "idea_id", "ideas"))
                .foreign_key(&mut fk("idea_supports", "person_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idea_supports", &["idea_id", "person_id"], true))
            .await?;
        m.create_index(index("idea_supports", &["person_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("idea_comments")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(uuid("author_id"))
                .col(text("body"))
                .col(boolean("hidden").default(false))
                .col(text_null("hidden_reason"))
                .col(uuid_null("hidden_by"))
                .col(timestamp_with_time_zone_null("hidden_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("idea_comments", "organisation_id", "organisations"))
                .foreign_key(&mut fk("idea_comments", "idea_id", "ideas"))
                .foreign_key(&mut fk("idea_comments", "author_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idea_comments", &["idea_id", "created_at"], false))
            .await?;
        m.create_index(index(
            "idea_comments",
            &["organisation_id", "hidden"],
            false,
        ))
        .await?;
        m.create_index(index("idea_comments", &["author_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("idea_follows")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(uuid("person_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("idea_follows", "organisation_id", "organisations"))
                .foreign_key(&mut fk("idea_follows", "idea_id", "ideas"))
                .foreign_key(&mut fk("idea_follows", "person_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("idea_follows", &["idea_id", "person_id"], true))
            .await?;
        m.create_index(index("idea_follows", &["person_id"], false))
            .await?;

        // A report names what it is about by kind and id (an idea or a
        // comment), so it has no foreign key to either; its status records
        // what a moderator did: open, hidden, restored or dismissed.
        m.create_table(
            Table::create()
                .table("reports")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(string("subject_type"))
                .col(uuid("subject_id"))
                .col(uuid("reporter_id"))
                .col(text("reason"))
                .col(string("status"))
                .col(uuid_null("handled_by"))
                .col(timestamp_with_time_zone_null("handled_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("reports", "organisation_id", "organisations"))
                .foreign_key(&mut fk("reports", "reporter_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "reports",
            &["organisation_id", "status", "created_at"],
            false,
        ))
        .await?;
        m.create_index(index("reports", &["subject_id", "status"], false))
            .await?;
        m.create_index(index("reports", &["reporter_id"], false))
            .await?;

        // Every hide, restore, dismissal and merge with its reason: the
        // moderation page shows why an item is hidden, and the audit log keeps
        // the same events.
        m.create_table(
            Table::create()
                .table("moderation_actions")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(string("subject_type"))
                .col(uuid("subject_id"))
                .col(string("action"))
                .col(text("reason"))
                .col(uuid_null("moderator_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "moderation_actions",
                    "organisation_id",
                    "organisations",
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "moderation_actions",
            &["subject_id", "created_at"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("notifications")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("person_id"))
                .col(uuid("idea_id"))
                .col(string("subject"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(&mut fk("notifications", "organisation_id", "organisations"))
                .foreign_key(&mut fk("notifications", "person_id", "people"))
                .foreign_key(&mut fk("notifications", "idea_id", "ideas"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "notifications",
            &["person_id", "organisation_id", "created_at"],
            false,
        ))
        .await?;
        m.create_index(index("notifications", &["idea_id"], false))
            .await?;
        Ok(())
    }
}
