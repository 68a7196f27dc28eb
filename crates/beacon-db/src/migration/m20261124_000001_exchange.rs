//! The spine of the practice exchange (DESIGN.md §3.3): case studies, their
//! tags and attachments, the anonymised text a moderator approves, and the
//! publications that are all anyone outside the council ever reads. The parts
//! built on it (search, following and adoption, questions and visits, other
//! Beacons) add their own tables in later migrations.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{fk, index, made_by};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The sections of a case study, in `beacon_core::exchange::Section` order.
const SECTIONS: [&str; 11] = [
    "summary",
    "innovative",
    "context",
    "partners",
    "users",
    "results",
    "challenges",
    "conditions",
    "replication",
    "lessons",
    "materials",
];

fn with_sections(mut table: TableCreateStatement) -> TableCreateStatement {
    for s in SECTIONS {
        table.col(text(s).default(""));
    }
    table
}

/// The metadata a case and its publication both carry.
fn with_metadata(mut table: TableCreateStatement) -> TableCreateStatement {
    table
        .col(string("service_area"))
        .col(string("facet"))
        .col(string("stage"))
        .col(integer("year"))
        .col(string("outcome"))
        .col(small_integer("evidence_level"))
        .col(big_integer("cashable_savings_pence").default(0))
        .col(big_integer("non_cashable_savings_pence").default(0))
        .col(big_integer("social_value_pence").default(0))
        .col(big_integer("cost_pence").default(0))
        .col(string("funder").default(""))
        .col(string("funding_programme").default(""))
        .col(big_integer_null("funding_amount_pence"))
        .col(date_null("funding_awarded_on"));
    table
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A council's own case study, as its innovation lead writes it. It
        // never leaves the council: a publication does.
        let mut cases = Table::create();
        cases
            .table("case_studies")
            .col(uuid("id").primary_key())
            .col(uuid("organisation_id"))
            // The idea whose evaluation it was drafted from, if any.
            .col(uuid_null("idea_id"))
            .col(string("title"));
        let mut cases = with_metadata(with_sections(cases.to_owned()));
        cases
            // internal, partners or public
            .col(string("level"))
            // Published without the council's name (a "safe space" failure).
            .col(boolean("anonymous").default(false))
            // draft, published or withdrawn
            .col(string("status"))
            // Raised by every change, so two editors cannot overwrite each other.
            .col(integer("version").default(1))
            .col(uuid_null("created_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(timestamp_with_time_zone_null("published_at"))
            .foreign_key(&mut fk("case_studies", "organisation_id", "organisations"))
            .foreign_key(&mut fk("case_studies", "idea_id", "ideas"))
            .foreign_key(&mut made_by("case_studies", "created_by"));
        m.create_table(cases.to_owned()).await?;
        m.create_index(index("case_studies", &["organisation_id", "status"], false))
            .await?;
        m.create_index(index("case_studies", &["idea_id"], false))
            .await?;

        // Free tags, lower case, for search and following.
        m.create_table(
            Table::create()
                .table("case_tags")
                .col(uuid("case_id"))
                .col(string("tag"))
                .primary_key(Index::create().col("case_id").col("tag"))
                .foreign_key(&mut fk("case_tags", "case_id", "case_studies"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("case_tags", &["tag"], false)).await?;

        // Files that go with a case, kept in the database so backups and
        // erasure cover them and only a checked handler serves them
        // (PROMISES.md 12). `shared` files travel with the publication.
        m.create_table(
            Table::create()
                .table("case_attachments")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("case_id"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(big_integer("size_bytes"))
                .col(blob("content"))
                .col(boolean("shared").default(false))
                .col(uuid_null("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "case_attachments",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("case_attachments", "case_id", "case_studies"))
                .foreign_key(&mut made_by("case_attachments", "uploaded_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("case_attachments", &["case_id"], false))
            .await?;

        // The text an anonymised case is published with, written by the
        // council and approved by a sector administrator. Nothing else of the
        // case reaches the publication but its metadata.
        let mut anonymised = Table::create();
        anonymised
            .table("case_anonymised")
            .col(uuid("case_id").primary_key())
            .col(uuid("organisation_id"))
            .col(string("title"));
        let mut anonymised = with_sections(anonymised.to_owned());
        anonymised
            // pending, approved or refused
            .col(string("status"))
            .col(text("moderation_note").default(""))
            .col(uuid_null("requested_by"))
            .col(timestamp_with_time_zone("requested_at"))
            .col(uuid_null("moderated_by"))
            .col(timestamp_with_time_zone_null("moderated_at"))
            .foreign_key(&mut fk("case_anonymised", "case_id", "case_studies"))
            .foreign_key(&mut fk(
                "case_anonymised",
                "organisation_id",
                "organisations",
            ))
            .foreign_key(&mut made_by("case_anonymised", "requested_by"))
            .foreign_key(&mut made_by("case_anonymised", "moderated_by"));
        m.create_table(anonymised.to_owned()).await?;
        m.create_index(index("case_anonymised", &["status"], false))
            .await?;

        // What leaves a council: the projection written when a case is
        // published at partners or public level, or fetched from another
        // Beacon. Every read path outside the owning council reads this table
        // and nothing else. An anonymised publication has no organisation and
        // no council name; `case_id` ties it back for its owner only.
        let mut publications = Table::create();
        publications
            .table("case_publications")
            // Its own id, never the case's, so a shared link reveals nothing.
            .col(uuid("id").primary_key())
            .col(uuid_null("case_id"))
            .col(uuid_null("organisation_id"))
            .col(string_null("council_name"))
            .col(boolean("anonymous").default(false))
            // partners or public (internal cases are never published here)
            .col(string("level"))
            // Set for a case fetched from another Beacon (see the federation
            // migration), with its id and address there.
            .col(uuid_null("remote_source_id"))
            .col(string_null("remote_id"))
            .col(string_null("source_url"))
            .col(string("title"));
        let mut publications = with_metadata(with_sections(publications.to_owned()));
        publications
            // Lower-case tags, one a line.
            .col(text("tags").default(""))
            .col(timestamp_with_time_zone("published_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("case_publications", "case_id", "case_studies"))
            .foreign_key(&mut fk(
                "case_publications",
                "organisation_id",
                "organisations",
            ));
        m.create_table(publications.to_owned()).await?;
        m.create_index(index("case_publications", &["case_id"], true))
            .await?;
        m.create_index(index(
            "case_publications",
            &["level", "published_at"],
            false,
        ))
        .await?;
        m.create_index(index(
            "case_publications",
            &["remote_source_id", "remote_id"],
            true,
        ))
        .await?;

        // Who may read a partners-level publication: the owner's partners when
        // it was published (kept current when partnerships change). An
        // anonymised one is read through this list without naming its owner.
        m.create_table(
            Table::create()
                .table("case_audience")
                .col(uuid("publication_id"))
                .col(uuid("organisation_id"))
                .primary_key(Index::create().col("publication_id").col("organisation_id"))
                .foreign_key(&mut fk(
                    "case_audience",
                    "publication_id",
                    "case_publications",
                ))
                .foreign_key(&mut fk("case_audience", "organisation_id", "organisations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("case_audience", &["organisation_id"], false))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "case_audience",
            "case_publications",
            "case_anonymised",
            "case_attachments",
            "case_tags",
            "case_studies",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
