//! People, their memberships and roles in organisations, and their passwords.
use crate::audit::{self, Actor, Change};
use crate::entity::{membership, organisation, person, session};
use crate::organisations::Organisation;
use crate::{DbError, Timestamp};
use beacon_core::account::Email;
use beacon_core::permission::{LastAdmin, check_revoke};
use beacon_core::text::DisplayName;
use beacon_core::{OrgId, PersonId, Role};
use sea_orm::sea_query::{Expr, Func, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ExprTrait,
    JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef,
};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: PersonId,
    pub email: String,
    pub display_name: String,
    pub sector_admin: bool,
    pub disabled: bool,
    pub created_at: Timestamp,
}

impl From<person::Model> for Person {
    fn from(m: person::Model) -> Self {
        Self {
            id: PersonId::from_uuid(m.id),
            email: m.email,
            display_name: m.display_name,
            sector_admin: m.sector_admin,
            disabled: m.disabled,
            created_at: m.created_at,
        }
    }
}

/// A person as the sign-in code needs them: with the password hash, which
/// nothing else should see.
pub struct Credentials {
    pub person: Person,
    pub password_hash: Option<String>,
}

/// A person seen from inside one organisation, with their roles there.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    pub person: Person,
    pub roles: Vec<Role>,
}

pub struct NewPerson<'a> {
    pub email: &'a Email,
    pub display_name: &'a DisplayName,
    pub password_hash: Option<String>,
    pub sector_admin: bool,
}

pub async fn create<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    now: Timestamp,
    new: NewPerson<'_>,
) -> Result<Person, DbError> {
    let model = person::Model {
        id: Uuid::new_v4(),
        email: new.email.as_str().to_owned(),
        display_name: new.display_name.as_str().to_owned(),
        password_changed_at: new.password_hash.as_ref().map(|_| now),
        password_hash: new.password_hash,
        sector_admin: new.sector_admin,
        disabled: false,
        created_at: now,
    };
    person::Entity::insert(person::ActiveModel::from(model.clone()))
        .exec_without_returning(txn)
        .await
        .map_err(DbError::unique("email"))?;
    let person = Person::from(model);
    audit::record(
        txn,
        now,
        actor,
        Change::new("person.create", "person", person.id).after(&person),
    )
    .await?;
    Ok(person)
}

pub async fn by_id<C: ConnectionTrait>(db: &C, id: PersonId) -> Result<Option<Person>, DbError> {
    Ok(person::Entity::find_by_id(id.uuid())
        .one(db)
        .await?
        .map(Person::from))
}

pub async fn by_email<C: ConnectionTrait>(
    db: &C,
    email: &Email,
) -> Result<Option<Person>, DbError> {
    Ok(credentials(db, email).await?.map(|c| c.person))
}

pub async fn credentials<C: ConnectionTrait>(
    db: &C,
    email: &Email,
) -> Result<Option<Credentials>, DbError> {
    Ok(person::Entity::find()
        .filter(person::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .map(|m| Credentials {
            password_hash: m.password_hash.clone(),
            person: Person::from(m),
        }))
}

pub async fn password_hash<C: ConnectionTrait>(
    db: &C,
    id: PersonId,
) -> Result<Option<String>, DbError> {
    Ok(person::Entity::find_by_id(id.uuid())
        .one(db)
        .await?
        .and_then(|m| m.password_hash))
}

/// Set a password and end every session of the person (PROMISES.md 14): a
/// changed password must lock out whoever knew the old one.
pub async fn set_password<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    now: Timestamp,
    id: PersonId,
    hash: String,
) -> Result<(), DbError> {
    let updated = person::Entity::update_many()
        .col_expr(person::Column::PasswordHash, Expr::value(Some(hash)))
        .col_expr(person::Column::PasswordChangedAt, Expr::value(Some(now)))
        .filter(person::Column::Id.eq(id.uuid()))
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    session::Entity::delete_many()
        .filter(session::Column::PersonId.eq(id.uuid()))
        .exec(txn)
        .await?;
    audit::record(
        txn,
        now,
        actor,
        Change::new("person.password_change", "person", id),
    )
    .await?;
    Ok(())
}

pub async fn set_name<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    now: Timestamp,
    id: PersonId,
    name: &DisplayName,
) -> Result<(), DbError> {
    let before = by_id(txn, id).await?.ok_or(DbError::NotFound)?;
    person::Entity::update_many()
        .col_expr(person::Column::DisplayName, Expr::value(name.as_str()))
        .filter(person::Column::Id.eq(id.uuid()))
        .exec(txn)
        .await?;
    audit::record(
        txn,
        now,
        actor,
        Change::new("person.rename", "person", id)
            .before(serde_json::json!({"display_name": before.display_name}))
            .after(serde_json::json!({"display_name": name.as_str()})),
    )
    .await
}

/// Disable or re-enable an account inside the organisation that asks. A
/// disabled account cannot sign in and loses its sessions at once.
pub async fn set_disabled(
    db: &DatabaseConnection,
    actor: &Actor,
    now: Timestamp,
    org: OrgId,
    id: PersonId,
    disabled: bool,
) -> Result<(), DbError> {
    let txn = crate::begin_writing(db).await?;
    if roles_in(&txn, org, id).await?.is_empty() {
        return Err(DbError::NotFound);
    }
    person::Entity::update_many()
        .col_expr(person::Column::Disabled, Expr::value(disabled))
        .filter(person::Column::Id.eq(id.uuid()))
        .exec(&txn)
        .await?;
    if disabled {
        session::Entity::delete_many()
            .filter(session::Column::PersonId.eq(id.uuid()))
            .exec(&txn)
            .await?;
    }
    let action = if disabled {
        "person.disable"
    } else {
        "person.enable"
    };
    audit::record(
        &txn,
        now,
        actor,
        Change::new(action, "person", id).in_org(org),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn roles_in<C: ConnectionTrait>(
    db: &C,
    org: OrgId,
    id: PersonId,
) -> Result<Vec<Role>, DbError> {
    let rows = membership::Entity::find()
        .filter(membership::Column::OrganisationId.eq(org.uuid()))
        .filter(membership::Column::PersonId.eq(id.uuid()))
        .all(db)
        .await?;
    let mut roles: Vec<Role> = rows
        .into_iter()
        .filter_map(|m| m.role.parse().ok())
        .collect();
    roles.sort();
    Ok(roles)
}

/// Every organisation the person belongs to, with their roles there.
pub async fn memberships_of<C: ConnectionTrait>(
    db: &C,
    id: PersonId,
) -> Result<Vec<(Organisation, Vec<Role>)>, DbError> {
    // One read of memberships and their organisations: every signed-in
    // request asks it.
    let of_organisation: RelationDef = membership::Entity::belongs_to(organisation::Entity)
        .from(membership::Column::OrganisationId)
        .to(organisation::Column::Id)
        .into();
    let rows = membership::Entity::find()
        .filter(membership::Column::PersonId.eq(id.uuid()))
        .join(JoinType::InnerJoin, of_organisation)
        .select_also(organisation::Entity)
        .order_by_asc(organisation::Column::Name)
        .order_by_asc(organisation::Column::Id)
        .all(db)
        .await?;
    let mut out: Vec<(Organisation, Vec<Role>)> = Vec::new();
    for (m, o) in rows {
        let (Some(o), Ok(role)) = (o, m.role.parse::<Role>()) else {
            continue;
        };
        match out.last_mut() {
            Some((org, roles)) if org.id.uuid() == o.id => roles.push(role),
            _ => out.push((Organisation::try_from(o)?, vec![role])),
        }
    }
    for (_, roles) in &mut out {
        roles.sort();
    }
    Ok(out)
}

pub struct MemberPage {
    pub members: Vec<Member>,
    pub total: u64,
}

/// The organisation's people, optionally narrowed by a search on name or email.
pub async fn members<C: ConnectionTrait>(
    db: &C,
    org: OrgId,
    search: Option<&str>,
    page: u64,
    per_page: u64,
) -> Result<MemberPage, DbError> {
    let ids_in_org = membership::Entity::find()
        .filter(membership::Column::OrganisationId.eq(org.uuid()))
        .all(db)
        .await?;
    let mut roles: BTreeMap<Uuid, Vec<Role>> = BTreeMap::new();
    for m in ids_in_org {
        if let Ok(role) = m.role.parse() {
            roles.entry(m.person_id).or_default().push(role);
        }
    }
    let mut query = person::Entity::find().filter(person::Column::Id.is_in(roles.keys().copied()));
    if let Some(term) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let escaped = term
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(person::Column::DisplayName)))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
                .or(Expr::col(person::Column::Email).like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    let total = query.clone().count(db).await?;
    let people = query
        .order_by_asc(person::Column::DisplayName)
        .order_by_asc(person::Column::Email)
        .paginate(db, Ord::max(per_page, 1))
        .fetch_page(page.saturating_sub(1))
        .await?;
    let members = people
        .into_iter()
        .map(|p| {
            let mut r = roles.remove(&p.id).unwrap_or_default();
            r.sort();
            Member {
                person: Person::from(p),
                roles: r,
            }
        })
        .collect();
    Ok(MemberPage { members, total })
}

/// A person as seen by `org`: `None` unless they are a member of it, so one
/// council can never read another's people through this call.
pub async fn member<C: ConnectionTrait>(
    db: &C,
    org: OrgId,
    id: PersonId,
) -> Result<Option<Member>, DbError> {
    let roles = roles_in(db, org, id).await?;
    if roles.is_empty() {
        return Ok(None);
    }
    Ok(by_id(db, id).await?.map(|person| Member { person, roles }))
}

/// Grant a role; granting one already held changes nothing and returns false.
pub async fn grant_role<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    now: Timestamp,
    org: OrgId,
    id: PersonId,
    role: Role,
) -> Result<bool, DbError> {
    let before = roles_in(txn, org, id).await?;
    if before.contains(&role) {
        return Ok(false);
    }
    membership::Entity::insert(membership::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        person_id: Set(id.uuid()),
        role: Set(role.key().to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(txn)
    .await
    .map_err(DbError::unique("role"))?;
    let mut after = before.clone();
    after.push(role);
    after.sort();
    audit::record(
        txn,
        now,
        actor,
        Change::new("role.grant", "person", id)
            .in_org(org)
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(true)
}

#[derive(Debug, thiserror::Error)]
pub enum RevokeError {
    #[error(transparent)]
    LastAdmin(#[from] LastAdmin),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sea_orm::DbErr> for RevokeError {
    fn from(e: sea_orm::DbErr) -> Self {
        RevokeError::Db(DbError::Database(e))
    }
}

/// Revoke a role, refusing to leave the organisation without an admin. The
/// admin rows are locked before they are counted, so two admins removing each
/// other at the same moment cannot leave none (SQLite serialises writers anyway).
pub async fn revoke_role(
    db: &DatabaseConnection,
    actor: &Actor,
    now: Timestamp,
    org: OrgId,
    id: PersonId,
    role: Role,
) -> Result<bool, RevokeError> {
    let txn = crate::begin_writing(db).await?;
    let before = roles_in(&txn, org, id).await?;
    if !before.contains(&role) {
        return Ok(false);
    }
    check_revoke(role, admin_count(&txn, org).await?)?;
    membership::Entity::delete_many()
        .filter(membership::Column::OrganisationId.eq(org.uuid()))
        .filter(membership::Column::PersonId.eq(id.uuid()))
        .filter(membership::Column::Role.eq(role.key()))
        .exec(&txn)
        .await?;
    let after: Vec<Role> = before.iter().copied().filter(|r| *r != role).collect();
    if after.is_empty() {
        // Without a role the person has left the organisation; their sessions
        // acting in it must not linger.
        session::Entity::delete_many()
            .filter(session::Column::PersonId.eq(id.uuid()))
            .filter(session::Column::OrganisationId.eq(org.uuid()))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        now,
        actor,
        Change::new("role.revoke", "person", id)
            .in_org(org)
            .before(&before)
            .after(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

async fn admin_count<C: ConnectionTrait>(db: &C, org: OrgId) -> Result<usize, DbError> {
    let admins = membership::Entity::find()
        .filter(membership::Column::OrganisationId.eq(org.uuid()))
        .filter(membership::Column::Role.eq(Role::Admin.key()))
        .lock_exclusive()
        .all(db)
        .await?;
    Ok(admins.len())
}

/// Everyone, for the command line's `admin list`.
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<Person>, DbError> {
    Ok(person::Entity::find()
        .order_by_asc(person::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(Person::from)
        .collect())
}
