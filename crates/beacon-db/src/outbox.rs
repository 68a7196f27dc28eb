//! Email waits here until a sender delivers it, so a message is never lost to
//! a mail server that is down: it is written in the same transaction as the
//! change that caused it and retried with back-off.
use crate::entity::outbox_message;
use crate::{DbError, Timestamp};
use beacon_core::OrgId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use time::Duration;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub id: Uuid,
    pub organisation: Option<OrgId>,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: Timestamp,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<Timestamp>,
    /// An iCalendar object to send as a `text/calendar` part.
    pub calendar: Option<String>,
}

impl From<outbox_message::Model> for Message {
    fn from(m: outbox_message::Model) -> Self {
        Self {
            id: m.id,
            organisation: m.organisation_id.map(OrgId::from_uuid),
            to_address: m.to_address,
            subject: m.subject,
            body: m.body,
            created_at: m.created_at,
            attempts: m.attempts,
            last_error: m.last_error,
            sent_at: m.sent_at,
            calendar: m.calendar,
        }
    }
}

pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    now: Timestamp,
    organisation: Option<OrgId>,
    to_address: &str,
    subject: &str,
    body: &str,
) -> Result<Uuid, DbError> {
    enqueue_with_calendar(db, now, organisation, to_address, subject, body, None).await
}

/// A message with an iCalendar object (an invitation, its update or its
/// cancellation) sent beside the text.
pub async fn enqueue_with_calendar<C: ConnectionTrait>(
    db: &C,
    now: Timestamp,
    organisation: Option<OrgId>,
    to_address: &str,
    subject: &str,
    body: &str,
    calendar: Option<&str>,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    outbox_message::Entity::insert(outbox_message::ActiveModel {
        id: Set(id),
        organisation_id: Set(organisation.map(OrgId::uuid)),
        to_address: Set(to_address.to_owned()),
        subject: Set(subject.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(now),
        next_attempt_at: Set(now),
        attempts: Set(0),
        last_error: Set(None),
        sent_at: Set(None),
        calendar: Set(calendar.map(str::to_owned)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// How long a claimed message is hidden from other senders while one sends it.
const CLAIM: Duration = Duration::minutes(5);

/// Claim up to `limit` messages that are due. Each claim is a conditional
/// update on `next_attempt_at`, so when several servers drain one outbox a
/// message goes to exactly one of them.
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    now: Timestamp,
    limit: u64,
) -> Result<Vec<Message>, DbError> {
    let due = outbox_message::Entity::find()
        .filter(outbox_message::Column::SentAt.is_null())
        .filter(outbox_message::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox_message::Column::NextAttemptAt)
        .limit(limit)
        .all(db)
        .await?;
    let mut claimed = Vec::new();
    for m in due {
        let won = outbox_message::Entity::update_many()
            .col_expr(
                outbox_message::Column::NextAttemptAt,
                Expr::value(now + CLAIM),
            )
            .filter(outbox_message::Column::Id.eq(m.id))
            .filter(outbox_message::Column::NextAttemptAt.eq(m.next_attempt_at))
            .filter(outbox_message::Column::SentAt.is_null())
            .exec(db)
            .await?;
        if won.rows_affected == 1 {
            claimed.push(Message::from(m));
        }
    }
    Ok(claimed)
}

pub async fn mark_sent<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    now: Timestamp,
) -> Result<(), DbError> {
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::SentAt, Expr::value(Some(now)))
        .col_expr(
            outbox_message::Column::Attempts,
            Expr::col(outbox_message::Column::Attempts).add(1),
        )
        .filter(outbox_message::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Record a failure and schedule a retry, backing off exponentially up to a day.
pub async fn mark_failed<C: ConnectionTrait>(
    db: &C,
    message: &Message,
    error: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    let exponent = u32::try_from(message.attempts.clamp(0, 12)).unwrap_or(12);
    let delay = Duration::minutes(1) * 2_i32.pow(exponent);
    let retry_at = now + delay.min(Duration::days(1));
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::NextAttemptAt, Expr::value(retry_at))
        .col_expr(
            outbox_message::Column::Attempts,
            Expr::col(outbox_message::Column::Attempts).add(1),
        )
        .col_expr(
            outbox_message::Column::LastError,
            Expr::value(Some(error.to_owned())),
        )
        .filter(outbox_message::Column::Id.eq(message.id))
        .exec(db)
        .await?;
    Ok(())
}

/// An organisation's messages, newest first. `None` lists the messages that
/// belong to no organisation (password resets), for sector admins only.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    org: Option<OrgId>,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Message>, u64), DbError> {
    let query = match org {
        Some(org) => outbox_message::Entity::find()
            .filter(outbox_message::Column::OrganisationId.eq(org.uuid())),
        None => {
            outbox_message::Entity::find().filter(outbox_message::Column::OrganisationId.is_null())
        }
    };
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(outbox_message::Column::CreatedAt)
        .paginate(db, Ord::max(per_page, 1))
        .fetch_page(page.saturating_sub(1))
        .await?;
    Ok((rows.into_iter().map(Message::from).collect(), total))
}

pub async fn pending_count<C: ConnectionTrait>(db: &C) -> Result<u64, DbError> {
    Ok(outbox_message::Entity::find()
        .filter(outbox_message::Column::SentAt.is_null())
        .count(db)
        .await?)
}

/// Drop an organisation's unsent messages. Only the demo calls this: its
/// seeded history is backdated, and no email may go out for events that never
/// happened.
pub async fn discard_unsent<C: ConnectionTrait>(
    db: &C,
    organisation: OrgId,
) -> Result<u64, DbError> {
    let result = outbox_message::Entity::delete_many()
        .filter(outbox_message::Column::OrganisationId.eq(organisation.uuid()))
        .filter(outbox_message::Column::SentAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
