//! The practice exchange (DESIGN.md §3.3): questions to the innovators and
//! their answers, hosted visits (requests, the scheduled visits they are
//! booked onto, feedback), the cases a host has closed to new requests, and
//! a calendar attachment on outgoing email for the invitations.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::helpers::{fk, index, made_by};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A question from a member of one council about another council's
        // case. `organisation_id` is the host (the case's council).
        m.create_table(
            Table::create()
                .table("exchange_questions")
                .col(uuid("id").primary_key())
                .col(uuid("case_id"))
                .col(uuid("organisation_id"))
                .col(uuid("asker_organisation_id"))
                .col(uuid_null("asked_by"))
                .col(text("question"))
                .col(timestamp_with_time_zone("asked_at"))
                .col(text_null("answer"))
                .col(uuid_null("answered_by"))
                .col(timestamp_with_time_zone_null("answered_at"))
                .foreign_key(&mut fk("exchange_questions", "case_id", "case_studies"))
                .foreign_key(&mut fk(
                    "exchange_questions",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk(
                    "exchange_questions",
                    "asker_organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut made_by("exchange_questions", "asked_by"))
                .foreign_key(&mut made_by("exchange_questions", "answered_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("exchange_questions", &["case_id", "asked_at"], false))
            .await?;

        // A visit the host has scheduled. Several accepted requests may share
        // one up to its cap: `booked` only grows by a conditional update
        // (`booked + party <= cap`), so racing acceptances cannot pass it.
        // `sequence` rises with each change sent to the visitors' calendars.
        m.create_table(
            Table::create()
                .table("visit_slots")
                .col(uuid("id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid("case_id"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(string("location"))
                .col(integer("cap"))
                .col(integer("booked").default(0))
                .col(integer("sequence").default(0))
                .col(uuid_null("organised_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("visit_slots", "organisation_id", "organisations"))
                .foreign_key(&mut fk("visit_slots", "case_id", "case_studies"))
                .foreign_key(&mut made_by("visit_slots", "organised_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("visit_slots", &["case_id", "starts_at"], false))
            .await?;

        // A council's request to visit another council's case.
        m.create_table(
            Table::create()
                .table("visit_requests")
                .col(uuid("id").primary_key())
                .col(uuid("case_id"))
                .col(uuid("organisation_id"))
                .col(uuid("visitor_organisation_id"))
                .col(uuid_null("requested_by"))
                .col(integer("party_size"))
                .col(string("preferred_dates"))
                .col(text("purpose"))
                // requested, accepted, declined, withdrawn or cancelled
                .col(string("status"))
                .col(text("host_note").default(""))
                .col(uuid_null("slot_id"))
                .col(uuid_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(small_integer_null("feedback_rating"))
                .col(text_null("feedback"))
                .col(uuid_null("feedback_by"))
                .col(timestamp_with_time_zone_null("feedback_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("visit_requests", "case_id", "case_studies"))
                .foreign_key(&mut fk(
                    "visit_requests",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk(
                    "visit_requests",
                    "visitor_organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut fk("visit_requests", "slot_id", "visit_slots"))
                .foreign_key(&mut made_by("visit_requests", "requested_by"))
                .foreign_key(&mut made_by("visit_requests", "decided_by"))
                .foreign_key(&mut made_by("visit_requests", "feedback_by"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "visit_requests",
            &["organisation_id", "status"],
            false,
        ))
        .await?;
        m.create_index(index("visit_requests", &["visitor_organisation_id"], false))
            .await?;
        m.create_index(index("visit_requests", &["slot_id"], false))
            .await?;

        // Cases whose host takes no new visit requests for now.
        m.create_table(
            Table::create()
                .table("visit_closures")
                .col(uuid("case_id").primary_key())
                .col(uuid("organisation_id"))
                .col(uuid_null("closed_by"))
                .col(timestamp_with_time_zone("closed_at"))
                .foreign_key(&mut fk("visit_closures", "case_id", "case_studies"))
                .foreign_key(&mut fk(
                    "visit_closures",
                    "organisation_id",
                    "organisations",
                ))
                .foreign_key(&mut made_by("visit_closures", "closed_by"))
                .to_owned(),
        )
        .await?;

        // An iCalendar object sent with a message as a text/calendar part.
        m.alter_table(
            Table::alter()
                .table("outbox")
                .add_column(text_null("calendar"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("outbox")
                .drop_column("calendar")
                .to_owned(),
        )
        .await?;
        for t in [
            "visit_closures",
            "visit_requests",
            "visit_slots",
            "exchange_questions",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
