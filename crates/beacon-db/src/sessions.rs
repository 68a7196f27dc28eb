//! Signed-in sessions, stored here so that signing out, disabling an account or
//! changing a password ends them on the server (PROMISES.md 14).
use crate::entity::{person, session};
use crate::people::Person;
use crate::{DbError, Timestamp};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, JoinType, QueryFilter,
    QuerySelect, RelationDef,
};

#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub person: PersonId,
    pub organisation: Option<OrgId>,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

/// `id_hash` is the SHA-256 of the cookie's token; the token itself is never stored.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    person: PersonId,
    organisation: Option<OrgId>,
    csrf_token: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    session::Entity::insert(session::ActiveModel {
        id: Set(id_hash.to_owned()),
        person_id: Set(person.uuid()),
        organisation_id: Set(organisation.map(OrgId::uuid)),
        csrf_token: Set(csrf_token.to_owned()),
        created_at: Set(now),
        last_seen_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl From<session::Model> for SessionRecord {
    fn from(m: session::Model) -> Self {
        Self {
            person: PersonId::from_uuid(m.person_id),
            organisation: m.organisation_id.map(OrgId::from_uuid),
            csrf_token: m.csrf_token,
            created_at: m.created_at,
            last_seen_at: m.last_seen_at,
        }
    }
}

/// A session and its person in one read: every signed-in request starts
/// here, so it is one query rather than two.
pub async fn find_with_person<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
) -> Result<Option<(SessionRecord, Person)>, DbError> {
    let of_person: RelationDef = session::Entity::belongs_to(person::Entity)
        .from(session::Column::PersonId)
        .to(person::Column::Id)
        .into();
    Ok(session::Entity::find_by_id(id_hash.to_owned())
        .join(JoinType::InnerJoin, of_person)
        .select_also(person::Entity)
        .one(db)
        .await?
        .and_then(|(s, p)| Some((SessionRecord::from(s), Person::from(p?)))))
}

pub async fn touch<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: Timestamp,
) -> Result<(), DbError> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(now))
        .filter(session::Column::Id.eq(id_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_organisation<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    org: OrgId,
) -> Result<(), DbError> {
    session::Entity::update_many()
        .col_expr(
            session::Column::OrganisationId,
            Expr::value(Some(org.uuid())),
        )
        .filter(session::Column::Id.eq(id_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete<C: ConnectionTrait>(db: &C, id_hash: &str) -> Result<(), DbError> {
    session::Entity::delete_by_id(id_hash.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete_for_person<C: ConnectionTrait>(
    db: &C,
    person: PersonId,
) -> Result<u64, DbError> {
    Ok(session::Entity::delete_many()
        .filter(session::Column::PersonId.eq(person.uuid()))
        .exec(db)
        .await?
        .rows_affected)
}

/// Remove sessions idle since `idle_before` or created before `created_before`.
pub async fn purge<C: ConnectionTrait>(
    db: &C,
    idle_before: Timestamp,
    created_before: Timestamp,
) -> Result<u64, DbError> {
    Ok(session::Entity::delete_many()
        .filter(
            session::Column::LastSeenAt
                .lt(idle_before)
                .or(session::Column::CreatedAt.lt(created_before)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
