//! Failed sign-in, reset and invitation attempts, counted per account and per
//! client address (PROMISES.md 15). Kept in the database so that several app
//! servers share one count.
use crate::entity::sign_in_attempt;
use crate::{DbError, Timestamp};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

pub fn account_key(email: &str) -> String {
    format!("account:{}", email.to_lowercase())
}

pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}

pub async fn record<C: ConnectionTrait>(
    db: &C,
    keys: &[String],
    now: Timestamp,
) -> Result<(), DbError> {
    for key in keys {
        sign_in_attempt::Entity::insert(sign_in_attempt::ActiveModel {
            id: NotSet,
            key: Set(key.clone()),
            at: Set(now),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

pub async fn count_since<C: ConnectionTrait>(
    db: &C,
    key: &str,
    since: Timestamp,
) -> Result<u64, DbError> {
    Ok(sign_in_attempt::Entity::find()
        .filter(sign_in_attempt::Column::Key.eq(key))
        .filter(sign_in_attempt::Column::At.gte(since))
        .count(db)
        .await?)
}

/// A successful sign-in forgives the account's earlier failures.
pub async fn clear<C: ConnectionTrait>(db: &C, key: &str) -> Result<(), DbError> {
    sign_in_attempt::Entity::delete_many()
        .filter(sign_in_attempt::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn purge<C: ConnectionTrait>(db: &C, before: Timestamp) -> Result<u64, DbError> {
    Ok(sign_in_attempt::Entity::delete_many()
        .filter(sign_in_attempt::Column::At.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
