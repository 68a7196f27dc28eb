//! Supports, comments, following, moderation and notifications.
use crate::{DbError, Timestamp};
use beacon_core::{OrgId, PersonId};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// The people following an idea. Its author always follows it.
pub async fn followers<C: ConnectionTrait>(
    _conn: &C,
    _org: OrgId,
    _idea: Uuid,
) -> Result<Vec<PersonId>, DbError> {
    Ok(Vec::new())
}

/// Tell people that something happened to an idea: a notification in the app
/// for each, and an email through the outbox, in the caller's transaction.
pub async fn notify<C: ConnectionTrait>(
    _conn: &C,
    _now: Timestamp,
    _org: OrgId,
    _idea: Uuid,
    _recipients: &[PersonId],
    _subject: &str,
    _body: &str,
) -> Result<(), DbError> {
    Ok(())
}
