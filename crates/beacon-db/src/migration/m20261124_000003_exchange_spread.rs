//! The practice exchange (DESIGN.md §3.3): adoptions of cases into other
//! councils' pipelines, follows, and the digests sent to followers.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{fk, index, made_by};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A case adopted into a council's pipeline: the idea it became and
        // the publication it came from. The publication may be withdrawn
        // later, so its id is kept without a key, with the title the adopter
        // read; `source_case_id` lets the source council see who adopted its
        // case (and is cleared, not cascaded, if the case goes).
        m.create_table(
            Table::create()
                .table("case_adoptions")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("idea_id"))
                .col(uuid("publication_id"))
                .col(uuid_null("source_case_id"))
                .col(string("case_title"))
                // Adopted from an anonymised publication: the adopter is
                // never told its council.
                .col(boolean("anonymous").default(false))
                .col(uuid_null("adopted_by"))
                .col(timestamp_with_time_zone("adopted_at"))
                .foreign_key(&mut fk(
                    "case_adoptions",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("case_adoptions", "idea_id", "ideas"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_case_adoptions_source_case_id")
                        .from("case_adoptions", "source_case_id")
                        .to("case_studies", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(&mut made_by("case_adoptions", "adopted_by"))
                .to_owned(),
        )
        .await?;
        // One adoption of a publication per council, whoever races to it.
        m.create_index(index(
            "case_adoptions",
            &["organisation_id", "publication_id"],
            true,
        ))
        .await?;
        m.create_index(index("case_adoptions", &["source_case_id"], false))
            .await?;
        m.create_index(index("case_adoptions", &["idea_id"], true))
            .await?;

        // What a person follows: a service area, a council or a tag.
        m.create_table(
            Table::create()
                .table("exchange_follows")
                .col(uuid("id").primary_key())
                .col(uuid("person_id"))
                // area, council or tag
                .col(string("kind"))
                .col(string("value"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("exchange_follows", "person_id", "people"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "exchange_follows",
            &["person_id", "kind", "value"],
            true,
        ))
        .await?;

        // A follower's digest: how often, for which council they read as,
        // what the last one covered up to and when the next is due. A sender
        // claims a digest by moving `next_due_at` on with a conditional
        // update, so two servers never send the same one.
        m.create_table(
            Table::create()
                .table("exchange_digests")
                .col(uuid("person_id").primary_key())
                .col(uuid_null("organisation_id"))
                // daily or weekly
                .col(string("frequency"))
                .col(timestamp_with_time_zone("covered_until"))
                .col(timestamp_with_time_zone("next_due_at"))
                .foreign_key(&mut fk("exchange_digests", "person_id", "people"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_exchange_digests_organisation_id")
                        .from("exchange_digests", "organisation_id")
                        .to("organisations", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index("exchange_digests", &["next_due_at"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["exchange_digests", "exchange_follows", "case_adoptions"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
