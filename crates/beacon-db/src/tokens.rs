//! Single-use, expiring tokens for invitations and password resets
//! (PROMISES.md 16). Only a hash of each token is stored.
use crate::entity::one_time_token;
use crate::{DbError, Timestamp};
use beacon_core::account::TokenPurpose;
use beacon_core::{OrgId, PersonId, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct Token {
    pub purpose: TokenPurpose,
    pub email: String,
    pub person: Option<PersonId>,
    pub organisation: Option<OrgId>,
    pub role: Option<Role>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub used_at: Option<Timestamp>,
}

impl From<one_time_token::Model> for Token {
    fn from(m: one_time_token::Model) -> Self {
        Self {
            purpose: if m.purpose == TokenPurpose::Invitation.key() {
                TokenPurpose::Invitation
            } else {
                TokenPurpose::PasswordReset
            },
            email: m.email,
            person: m.person_id.map(PersonId::from_uuid),
            organisation: m.organisation_id.map(OrgId::from_uuid),
            role: m.role.and_then(|r| r.parse().ok()),
            created_at: m.created_at,
            expires_at: m.expires_at,
            used_at: m.used_at,
        }
    }
}

pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub purpose: TokenPurpose,
    pub email: &'a str,
    pub person: Option<PersonId>,
    pub organisation: Option<OrgId>,
    pub role: Option<Role>,
    pub created_by: Option<PersonId>,
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    now: Timestamp,
    new: NewToken<'_>,
) -> Result<(), DbError> {
    one_time_token::Entity::insert(one_time_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        token_hash: Set(new.token_hash.to_owned()),
        purpose: Set(new.purpose.key().to_owned()),
        email: Set(new.email.to_owned()),
        person_id: Set(new.person.map(PersonId::uuid)),
        organisation_id: Set(new.organisation.map(OrgId::uuid)),
        role: Set(new.role.map(|r| r.key().to_owned())),
        created_by: Set(new.created_by.map(PersonId::uuid)),
        created_at: Set(now),
        expires_at: Set(now + new.purpose.lifetime()),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// A usable token (unused, unexpired, of this purpose), without using it up:
/// for showing the form that will redeem it.
pub async fn peek<C: ConnectionTrait>(
    db: &C,
    token_hash: &str,
    purpose: TokenPurpose,
    now: Timestamp,
) -> Result<Option<Token>, DbError> {
    Ok(one_time_token::Entity::find()
        .filter(one_time_token::Column::TokenHash.eq(token_hash))
        .filter(one_time_token::Column::Purpose.eq(purpose.key()))
        .filter(one_time_token::Column::UsedAt.is_null())
        .filter(one_time_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
        .map(Token::from))
}

/// Use a token up. The conditional update is the whole check, so of two
/// requests racing with one token exactly one wins.
pub async fn redeem<C: ConnectionTrait>(
    txn: &C,
    token_hash: &str,
    purpose: TokenPurpose,
    now: Timestamp,
) -> Result<Option<Token>, DbError> {
    let claimed = one_time_token::Entity::update_many()
        .col_expr(one_time_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(one_time_token::Column::TokenHash.eq(token_hash))
        .filter(one_time_token::Column::Purpose.eq(purpose.key()))
        .filter(one_time_token::Column::UsedAt.is_null())
        .filter(one_time_token::Column::ExpiresAt.gt(now))
        .exec(txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(None);
    }
    Ok(one_time_token::Entity::find()
        .filter(one_time_token::Column::TokenHash.eq(token_hash))
        .one(txn)
        .await?
        .map(Token::from))
}

/// Invitations an organisation has sent, newest first.
pub async fn invitations<C: ConnectionTrait>(db: &C, org: OrgId) -> Result<Vec<Token>, DbError> {
    Ok(one_time_token::Entity::find()
        .filter(one_time_token::Column::OrganisationId.eq(org.uuid()))
        .filter(one_time_token::Column::Purpose.eq(TokenPurpose::Invitation.key()))
        .order_by_desc(one_time_token::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(Token::from)
        .collect())
}
