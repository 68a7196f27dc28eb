//! The audit log: every change records who did it, in which organisation, what,
//! when, and the record before and after (PROMISES.md 22). Events are written in
//! the same transaction as the change they describe.
use crate::entity::audit_event;
use crate::{DbError, Timestamp};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

/// Who made a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<PersonId>,
    pub label: String,
}

impl Actor {
    pub fn person(id: PersonId, email: &str) -> Self {
        Self {
            id: Some(id),
            label: email.to_owned(),
        }
    }

    /// The command line, or the app acting on its own (demo seeding, jobs).
    pub fn system(label: &str) -> Self {
        Self {
            id: None,
            label: label.to_owned(),
        }
    }
}

/// One change, ready to record.
#[derive(Clone, Debug)]
pub struct Change {
    pub organisation: Option<OrgId>,
    pub action: &'static str,
    pub subject_type: &'static str,
    pub subject_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    pub fn new(
        action: &'static str,
        subject_type: &'static str,
        subject_id: impl ToString,
    ) -> Self {
        Self {
            organisation: None,
            action,
            subject_type,
            subject_id: subject_id.to_string(),
            before: None,
            after: None,
        }
    }

    pub fn in_org(mut self, org: OrgId) -> Self {
        self.organisation = Some(org);
        self
    }

    pub fn before(mut self, value: impl Serialize) -> Self {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn after(mut self, value: impl Serialize) -> Self {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

pub async fn record<C: ConnectionTrait>(
    conn: &C,
    at: Timestamp,
    actor: &Actor,
    change: Change,
) -> Result<(), DbError> {
    let event = audit_event::ActiveModel {
        id: NotSet,
        at: Set(at),
        organisation_id: Set(change.organisation.map(OrgId::uuid)),
        actor_id: Set(actor.id.map(PersonId::uuid)),
        actor_label: Set(actor.label.clone()),
        action: Set(change.action.to_owned()),
        subject_type: Set(change.subject_type.to_owned()),
        subject_id: Set(change.subject_id),
        before: Set(change.before.map(|v| v.to_string())),
        after: Set(change.after.map(|v| v.to_string())),
    };
    audit_event::Entity::insert(event)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// What the audit page may filter by. Every field is optional; the action is
/// matched exactly against the known list, the actor as a substring.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub from: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: Timestamp,
    pub actor_label: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl From<audit_event::Model> for AuditEntry {
    fn from(r: audit_event::Model) -> Self {
        Self {
            id: r.id,
            at: r.at,
            actor_label: r.actor_label,
            action: r.action,
            subject_type: r.subject_type,
            subject_id: r.subject_id,
            before: r.before,
            after: r.after,
        }
    }
}

pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    filter: &AuditFilter,
    page: u64,
    per_page: u64,
) -> Result<AuditPage, DbError> {
    let mut query =
        audit_event::Entity::find().filter(audit_event::Column::OrganisationId.eq(org.uuid()));
    if let Some(action) = &filter.action {
        query = query.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(actor) = &filter.actor {
        // LIKE with the user's text escaped, so `%` and `_` match themselves.
        let escaped = actor
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(
            Expr::expr(Func::lower(Expr::col(audit_event::Column::ActorLabel)))
                .like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::At.gte(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_event::Column::At.lt(until));
    }
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_desc(audit_event::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(conn)
        .await?;
    let entries = rows.into_iter().map(AuditEntry::from).collect();
    Ok(AuditPage { entries, total })
}

/// The actions that have happened in an organisation, for the filter's list.
pub async fn actions<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Vec<String>, DbError> {
    let rows: Vec<String> = audit_event::Entity::find()
        .select_only()
        .column(audit_event::Column::Action)
        .distinct()
        .filter(audit_event::Column::OrganisationId.eq(org.uuid()))
        .order_by_asc(audit_event::Column::Action)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows)
}

/// Events outside any organisation (sector administration), newest first.
pub async fn sector_events<C: ConnectionTrait>(
    conn: &C,
    limit: u64,
) -> Result<Vec<AuditEntry>, DbError> {
    let rows = audit_event::Entity::find()
        .filter(audit_event::Column::OrganisationId.is_null())
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// How many events there are in all.
pub async fn total<C: ConnectionTrait>(conn: &C) -> Result<u64, DbError> {
    Ok(audit_event::Entity::find().count(conn).await?)
}
