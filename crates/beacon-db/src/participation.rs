//! Supports, comments, following, moderation and notifications.
//!
//! Every function takes the organisation, and an idea or comment of another
//! organisation is "not found". Changes write their audit event in the
//! caller's transaction.
//!
//! Transactions here write before they read. SQLite opens a transaction
//! without locks and upgrades it at its first write; a transaction that read
//! first can be refused that upgrade when another writer got in between,
//! whereas one that writes first simply queues behind the busy timeout. So a
//! support is inserted (or not, on conflict) and only then is the idea checked
//! to belong to the organisation: a wrong idea makes the whole transaction
//! fail, and the caller drops it uncommitted.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    challenge, idea, idea_comment, idea_follow, idea_support, membership, moderation_action,
    notification, one_time_token, person, report,
};
use crate::{DbError, Timestamp, outbox};
use beacon_core::pipeline::Audience;
use beacon_core::text::BoundedText;
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use time::Date;
use uuid::Uuid;

/// A comment: plain text, at most 2,000 characters.
pub type CommentBody = BoundedText<2000>;
/// Why something is reported, hidden or restored.
pub type Reason = BoundedText<1000>;

/// Line endings as browsers send them (`\r\n`) counted as one character, the
/// way the page's character count counts them.
pub fn normalise_newlines(raw: &str) -> String {
    raw.replace("\r\n", "\n")
}

/// What a report or a moderator's action is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Idea,
    Comment,
}

impl SubjectKind {
    pub const fn key(self) -> &'static str {
        match self {
            SubjectKind::Idea => "idea",
            SubjectKind::Comment => "comment",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "idea" => Some(SubjectKind::Idea),
            "comment" => Some(SubjectKind::Comment),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: Uuid,
}

impl Subject {
    pub fn idea(id: Uuid) -> Self {
        Self {
            kind: SubjectKind::Idea,
            id,
        }
    }

    pub fn comment(id: Uuid) -> Self {
        Self {
            kind: SubjectKind::Comment,
            id,
        }
    }
}

/// What became of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Open,
    Hidden,
    Restored,
    Dismissed,
}

impl ReportStatus {
    pub const fn key(self) -> &'static str {
        match self {
            ReportStatus::Open => "open",
            ReportStatus::Hidden => "hidden",
            ReportStatus::Restored => "restored",
            ReportStatus::Dismissed => "dismissed",
        }
    }
}

/// The idea, if it is in `org` and not hidden (nor merged into another).
async fn visible_idea<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<idea::Model, DbError> {
    idea::Entity::find_by_id(id)
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Hidden.eq(false))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Names to show for people, by id.
async fn names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, DbError> {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect())
}

async fn idea_titles<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, idea::Model>, DbError> {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect())
}

// ---------------------------------------------------------------------------
// Supports

/// Support an idea. Returns whether this added a support: supporting twice,
/// or fifty times at once, leaves one (PROMISES.md 18). The unique index on
/// (idea, person) decides, on SQLite and PostgreSQL alike.
pub async fn support<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    person: PersonId,
) -> Result<bool, DbError> {
    let inserted = idea_support::Entity::insert(idea_support::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        person_id: Set(person.uuid()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([idea_support::Column::IdeaId, idea_support::Column::PersonId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    visible_idea(conn, org, idea).await?;
    if inserted == 1 {
        audit::record(
            conn,
            now,
            actor,
            Change::new("idea.support", "idea", idea).in_org(org),
        )
        .await?;
    }
    Ok(inserted == 1)
}

/// Withdraw a support. Returns whether there was one.
pub async fn withdraw_support<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    person: PersonId,
) -> Result<bool, DbError> {
    let deleted = idea_support::Entity::delete_many()
        .filter(idea_support::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_support::Column::IdeaId.eq(idea))
        .filter(idea_support::Column::PersonId.eq(person.uuid()))
        .exec(conn)
        .await?
        .rows_affected;
    visible_idea(conn, org, idea).await?;
    if deleted > 0 {
        audit::record(
            conn,
            now,
            actor,
            Change::new("idea.support_withdraw", "idea", idea).in_org(org),
        )
        .await?;
    }
    Ok(deleted > 0)
}

pub async fn support_count<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<u64, DbError> {
    Ok(idea_support::Entity::find()
        .filter(idea_support::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_support::Column::IdeaId.eq(idea))
        .count(conn)
        .await?)
}

/// Support counts for several ideas at once (for lists); ideas without
/// supports are absent.
pub async fn support_counts<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    ideas: &[Uuid],
) -> Result<BTreeMap<Uuid, u64>, DbError> {
    if ideas.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(Uuid, i64)> = idea_support::Entity::find()
        .select_only()
        .column(idea_support::Column::IdeaId)
        .column_as(Expr::col(idea_support::Column::Id).count(), "supports")
        .filter(idea_support::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_support::Column::IdeaId.is_in(ideas.iter().copied()))
        .group_by(idea_support::Column::IdeaId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

pub async fn has_supported<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    person: PersonId,
) -> Result<bool, DbError> {
    Ok(idea_support::Entity::find()
        .filter(idea_support::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_support::Column::IdeaId.eq(idea))
        .filter(idea_support::Column::PersonId.eq(person.uuid()))
        .count(conn)
        .await?
        > 0)
}

// ---------------------------------------------------------------------------
// Following

/// Follow an idea. Returns whether this started following it.
pub async fn follow<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    person: PersonId,
) -> Result<bool, DbError> {
    let inserted = idea_follow::Entity::insert(idea_follow::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        person_id: Set(person.uuid()),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([idea_follow::Column::IdeaId, idea_follow::Column::PersonId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    visible_idea(conn, org, idea).await?;
    if inserted == 1 {
        audit::record(
            conn,
            now,
            actor,
            Change::new("idea.follow", "idea", idea).in_org(org),
        )
        .await?;
    }
    Ok(inserted == 1)
}

/// Stop following an idea. Its author always follows it, whatever this says.
pub async fn unfollow<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    person: PersonId,
) -> Result<bool, DbError> {
    let deleted = idea_follow::Entity::delete_many()
        .filter(idea_follow::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_follow::Column::IdeaId.eq(idea))
        .filter(idea_follow::Column::PersonId.eq(person.uuid()))
        .exec(conn)
        .await?
        .rows_affected;
    visible_idea(conn, org, idea).await?;
    if deleted > 0 {
        audit::record(
            conn,
            now,
            actor,
            Change::new("idea.unfollow", "idea", idea).in_org(org),
        )
        .await?;
    }
    Ok(deleted > 0)
}

/// Whether the person follows the idea, as its author or by choice.
pub async fn is_following<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    person: PersonId,
) -> Result<bool, DbError> {
    Ok(followers(conn, org, idea).await?.contains(&person))
}

/// The people following an idea. Its author always follows it.
pub async fn followers<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Vec<PersonId>, DbError> {
    let Some(found) = idea::Entity::find_by_id(idea)
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    else {
        return Ok(Vec::new());
    };
    let mut people = vec![PersonId::from_uuid(found.author_id)];
    let follows = idea_follow::Entity::find()
        .filter(idea_follow::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_follow::Column::IdeaId.eq(idea))
        .order_by_asc(idea_follow::Column::CreatedAt)
        .all(conn)
        .await?;
    for f in follows {
        let id = PersonId::from_uuid(f.person_id);
        if !people.contains(&id) {
            people.push(id);
        }
    }
    Ok(people)
}

// ---------------------------------------------------------------------------
// Notifications

/// Tell people that something happened to an idea: a notification in the app
/// for each, and an email through the outbox, in the caller's transaction.
/// Each person is told once, however often they are listed; people who are
/// disabled or no longer belong to the organisation are skipped.
pub async fn notify<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    idea: Uuid,
    recipients: &[PersonId],
    subject: &str,
    body: &str,
) -> Result<(), DbError> {
    let wanted: BTreeSet<Uuid> = recipients.iter().map(|p| p.uuid()).collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let members: BTreeSet<Uuid> = membership::Entity::find()
        .filter(membership::Column::OrganisationId.eq(org.uuid()))
        .filter(membership::Column::PersonId.is_in(wanted.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.person_id)
        .collect();
    if members.is_empty() {
        return Ok(());
    }
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(members))
        .filter(person::Column::Disabled.eq(false))
        .order_by_asc(person::Column::Email)
        .all(conn)
        .await?;
    for p in people {
        notification::Entity::insert(notification::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            person_id: Set(p.id),
            idea_id: Set(idea),
            subject: Set(subject.to_owned()),
            body: Set(body.to_owned()),
            created_at: Set(now),
            read_at: Set(None),
        })
        .exec_without_returning(conn)
        .await?;
        outbox::enqueue(conn, now, Some(org), &p.email, subject, body).await?;
    }
    Ok(())
}

/// A notification in the app only, without an email: for the demo, which
/// has no mail server, and for imports of past activity.
#[allow(clippy::too_many_arguments)]
pub async fn notify_in_app_only<C: ConnectionTrait>(
    conn: &C,
    at: Timestamp,
    org: OrgId,
    idea: Uuid,
    person: PersonId,
    subject: &str,
    body: &str,
    read_at: Option<Timestamp>,
) -> Result<(), DbError> {
    notification::Entity::insert(notification::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        person_id: Set(person.uuid()),
        idea_id: Set(idea),
        subject: Set(subject.to_owned()),
        body: Set(body.to_owned()),
        created_at: Set(at),
        read_at: Set(read_at),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The organisation's visible ideas (neither hidden nor merged), oldest first.
pub async fn visible_ideas<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<idea::Model>, DbError> {
    Ok(idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Hidden.eq(false))
        .filter(idea::Column::MergedInto.is_null())
        .order_by_asc(idea::Column::CreatedAt)
        .order_by_asc(idea::Column::Title)
        .all(conn)
        .await?)
}

#[derive(Clone, Debug, Serialize)]
pub struct Notification {
    pub id: Uuid,
    pub idea: Uuid,
    pub subject: String,
    pub body: String,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

/// A person's notifications in one organisation. Notifications about an idea
/// that has since been hidden are kept back unless the person may still see
/// it: its author, or a moderator (`sees_hidden`). PROMISES.md 3.
fn notifications_of(
    org: OrgId,
    person: PersonId,
    sees_hidden: bool,
) -> sea_orm::Select<notification::Entity> {
    let mut query = notification::Entity::find()
        .filter(notification::Column::OrganisationId.eq(org.uuid()))
        .filter(notification::Column::PersonId.eq(person.uuid()));
    if !sees_hidden {
        query = query.filter(
            notification::Column::IdeaId.not_in_subquery(
                Query::select()
                    .column(idea::Column::Id)
                    .from(idea::Entity)
                    .and_where(idea::Column::OrganisationId.eq(org.uuid()))
                    .and_where(idea::Column::Hidden.eq(true))
                    .and_where(idea::Column::AuthorId.ne(person.uuid()))
                    .to_owned(),
            ),
        );
    }
    query
}

pub async fn notifications<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    person: PersonId,
    sees_hidden: bool,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Notification>, u64), DbError> {
    let query = notifications_of(org, person, sees_hidden);
    let total = query.clone().count(conn).await?;
    let rows = query
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_asc(notification::Column::Id)
        .paginate(conn, Ord::max(per_page, 1))
        .fetch_page(page.saturating_sub(1))
        .await?;
    Ok((
        rows.into_iter()
            .map(|n| Notification {
                id: n.id,
                idea: n.idea_id,
                subject: n.subject,
                body: n.body,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect(),
        total,
    ))
}

pub async fn unread_count<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    person: PersonId,
    sees_hidden: bool,
) -> Result<u64, DbError> {
    Ok(notifications_of(org, person, sees_hidden)
        .filter(notification::Column::ReadAt.is_null())
        .count(conn)
        .await?)
}

/// Which notifications to mark as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadScope {
    All,
    One(Uuid),
}

/// Mark a person's own notifications as read; returns how many changed. Only
/// ever touches the person's own rows in the organisation.
pub async fn mark_read<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    person: PersonId,
    scope: ReadScope,
) -> Result<u64, DbError> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(now)))
        .filter(notification::Column::OrganisationId.eq(org.uuid()))
        .filter(notification::Column::PersonId.eq(person.uuid()))
        .filter(notification::Column::ReadAt.is_null());
    if let ReadScope::One(id) = scope {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(conn).await?.rows_affected)
}

// ---------------------------------------------------------------------------
// Comments

#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    pub id: Uuid,
    pub idea: Uuid,
    pub author: PersonId,
    pub author_name: String,
    pub body: String,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    pub created_at: Timestamp,
}

/// Add a comment to a visible idea; returns its id.
pub async fn add_comment<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    author: PersonId,
    body: &CommentBody,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    idea_comment::Entity::insert(idea_comment::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        author_id: Set(author.uuid()),
        body: Set(body.as_str().to_owned()),
        hidden: Set(false),
        hidden_reason: Set(None),
        hidden_by: Set(None),
        hidden_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    visible_idea(conn, org, idea).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("comment.add", "comment", id)
            .in_org(org)
            .after(serde_json::json!({ "idea": idea, "body": body.as_str() })),
    )
    .await?;
    Ok(id)
}

async fn to_comments<C: ConnectionTrait>(
    conn: &C,
    rows: Vec<idea_comment::Model>,
) -> Result<Vec<Comment>, DbError> {
    let names = names(conn, rows.iter().map(|c| c.author_id)).await?;
    Ok(rows
        .into_iter()
        .map(|c| Comment {
            id: c.id,
            idea: c.idea_id,
            author: PersonId::from_uuid(c.author_id),
            author_name: names.get(&c.author_id).cloned().unwrap_or_default(),
            body: c.body,
            hidden: c.hidden,
            hidden_reason: c.hidden_reason,
            created_at: c.created_at,
        })
        .collect())
}

/// An idea's comments, oldest first; hidden ones only when asked for (for moderators).
pub async fn comments<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    include_hidden: bool,
) -> Result<Vec<Comment>, DbError> {
    let mut query = idea_comment::Entity::find()
        .filter(idea_comment::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_comment::Column::IdeaId.eq(idea));
    if !include_hidden {
        query = query.filter(idea_comment::Column::Hidden.eq(false));
    }
    let rows = query
        .order_by_asc(idea_comment::Column::CreatedAt)
        .order_by_asc(idea_comment::Column::Id)
        .all(conn)
        .await?;
    to_comments(conn, rows).await
}

pub async fn comment_count<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<u64, DbError> {
    Ok(idea_comment::Entity::find()
        .filter(idea_comment::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_comment::Column::IdeaId.eq(idea))
        .filter(idea_comment::Column::Hidden.eq(false))
        .count(conn)
        .await?)
}

/// One comment of the organisation, hidden or not.
pub async fn comment<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Option<Comment>, DbError> {
    let rows = idea_comment::Entity::find_by_id(id)
        .filter(idea_comment::Column::OrganisationId.eq(org.uuid()))
        .all(conn)
        .await?;
    Ok(to_comments(conn, rows).await?.into_iter().next())
}

// ---------------------------------------------------------------------------
// Reports

/// Whether the person already has an open report on this.
pub async fn has_open_report<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    subject: Subject,
    reporter: PersonId,
) -> Result<bool, DbError> {
    Ok(report::Entity::find()
        .filter(report::Column::OrganisationId.eq(org.uuid()))
        .filter(report::Column::SubjectId.eq(subject.id))
        .filter(report::Column::ReporterId.eq(reporter.uuid()))
        .filter(report::Column::Status.eq(ReportStatus::Open.key()))
        .count(conn)
        .await?
        > 0)
}

/// Check that a subject is in the organisation and visible.
async fn visible_subject<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    subject: Subject,
) -> Result<(), DbError> {
    match subject.kind {
        SubjectKind::Idea => visible_idea(conn, org, subject.id).await.map(|_| ()),
        SubjectKind::Comment => {
            let c = idea_comment::Entity::find_by_id(subject.id)
                .filter(idea_comment::Column::OrganisationId.eq(org.uuid()))
                .filter(idea_comment::Column::Hidden.eq(false))
                .one(conn)
                .await?
                .ok_or(DbError::NotFound)?;
            visible_idea(conn, org, c.idea_id).await.map(|_| ())
        }
    }
}

/// Report an idea or comment to the moderators.
pub async fn report<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    subject: Subject,
    reporter: PersonId,
    reason: &Reason,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    report::Entity::insert(report::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        subject_type: Set(subject.kind.key().to_owned()),
        subject_id: Set(subject.id),
        reporter_id: Set(reporter.uuid()),
        reason: Set(reason.as_str().to_owned()),
        status: Set(ReportStatus::Open.key().to_owned()),
        handled_by: Set(None),
        handled_at: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    visible_subject(conn, org, subject).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("report.add", "report", id)
            .in_org(org)
            .after(serde_json::json!({
                "subject_type": subject.kind,
                "subject_id": subject.id,
                "reason": reason.as_str(),
            })),
    )
    .await?;
    Ok(id)
}

/// An idea or comment as a moderator sees it.
#[derive(Clone, Debug, Serialize)]
pub struct ModerationItem {
    pub subject: Subject,
    /// The idea itself, or the idea the comment is on.
    pub idea: Uuid,
    pub idea_title: String,
    /// The comment's text; for an idea, its title.
    pub text: String,
    pub author_name: String,
    pub hidden: bool,
    /// For a hidden item, why it was hidden.
    pub hidden_reason: Option<String>,
    pub merged_into: Option<Uuid>,
}

/// The idea or comment with this id in the organisation, hidden or not.
pub async fn moderation_item<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Option<ModerationItem>, DbError> {
    if let Some(i) = idea::Entity::find_by_id(id)
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    {
        let names = names(conn, [i.author_id]).await?;
        let hidden_reason = if i.hidden {
            last_reason(conn, org, i.id).await?
        } else {
            None
        };
        return Ok(Some(ModerationItem {
            subject: Subject::idea(i.id),
            idea: i.id,
            idea_title: i.title.clone(),
            text: i.title,
            author_name: names.get(&i.author_id).cloned().unwrap_or_default(),
            hidden: i.hidden,
            hidden_reason,
            merged_into: i.merged_into,
        }));
    }
    let Some(c) = comment(conn, org, id).await? else {
        return Ok(None);
    };
    let Some(on) = idea::Entity::find_by_id(c.idea)
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(ModerationItem {
        subject: Subject::comment(c.id),
        idea: on.id,
        idea_title: on.title,
        text: c.body,
        author_name: c.author_name,
        hidden: c.hidden,
        hidden_reason: c.hidden_reason,
        merged_into: None,
    }))
}

/// The reason given for the latest hide or merge of an item.
async fn last_reason<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    subject: Uuid,
) -> Result<Option<String>, DbError> {
    Ok(moderation_action::Entity::find()
        .filter(moderation_action::Column::OrganisationId.eq(org.uuid()))
        .filter(moderation_action::Column::SubjectId.eq(subject))
        .filter(moderation_action::Column::Action.is_in(["hide", "merge"]))
        .order_by_desc(moderation_action::Column::CreatedAt)
        .one(conn)
        .await?
        .map(|a| a.reason))
}

/// The hidden idea's reason, for its author and moderators.
pub async fn hidden_reason<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<String>, DbError> {
    last_reason(conn, org, idea).await
}

#[derive(Clone, Debug, Serialize)]
pub struct ReportLine {
    pub reporter_name: String,
    pub reason: String,
    pub created_at: Timestamp,
}

/// An item with its open reports, for the moderation queue.
#[derive(Clone, Debug, Serialize)]
pub struct Reported {
    pub item: ModerationItem,
    pub reports: Vec<ReportLine>,
}

/// The most items the moderation page lists in each section.
pub const QUEUE_LIMIT: u64 = 200;

/// Items with open reports, the longest-waiting first.
pub async fn open_reports<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<Reported>, DbError> {
    let rows = report::Entity::find()
        .filter(report::Column::OrganisationId.eq(org.uuid()))
        .filter(report::Column::Status.eq(ReportStatus::Open.key()))
        .order_by_asc(report::Column::CreatedAt)
        .limit(QUEUE_LIMIT * 5)
        .all(conn)
        .await?;
    let reporters = names(conn, rows.iter().map(|r| r.reporter_id)).await?;
    let mut order: Vec<Uuid> = Vec::new();
    let mut lines: HashMap<Uuid, Vec<ReportLine>> = HashMap::new();
    for r in rows {
        if !lines.contains_key(&r.subject_id) {
            order.push(r.subject_id);
        }
        lines.entry(r.subject_id).or_default().push(ReportLine {
            reporter_name: reporters.get(&r.reporter_id).cloned().unwrap_or_default(),
            reason: r.reason,
            created_at: r.created_at,
        });
    }
    let mut out = Vec::new();
    for subject in order.into_iter().take(QUEUE_LIMIT as usize) {
        if let Some(item) = moderation_item(conn, org, subject).await? {
            out.push(Reported {
                item,
                reports: lines.remove(&subject).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// Hidden ideas (not merged ones) and hidden comments, most recently hidden first.
pub async fn hidden_items<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<ModerationItem>, DbError> {
    let ideas = idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Hidden.eq(true))
        .filter(idea::Column::MergedInto.is_null())
        .order_by_desc(idea::Column::UpdatedAt)
        .limit(QUEUE_LIMIT)
        .all(conn)
        .await?;
    let comments = idea_comment::Entity::find()
        .filter(idea_comment::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_comment::Column::Hidden.eq(true))
        .order_by_desc(idea_comment::Column::HiddenAt)
        .limit(QUEUE_LIMIT)
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for id in ideas
        .iter()
        .map(|i| i.id)
        .chain(comments.iter().map(|c| c.id))
    {
        if let Some(item) = moderation_item(conn, org, id).await? {
            out.push(item);
        }
    }
    Ok(out)
}

/// Ideas merged into others: (duplicate, its title, target, target's title).
pub async fn merged_ideas<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(Uuid, String, Uuid, String)>, DbError> {
    let merged = idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::MergedInto.is_not_null())
        .order_by_desc(idea::Column::UpdatedAt)
        .limit(QUEUE_LIMIT)
        .all(conn)
        .await?;
    let targets = idea_titles(conn, org, merged.iter().filter_map(|i| i.merged_into)).await?;
    Ok(merged
        .into_iter()
        .filter_map(|i| {
            let target = targets.get(&i.merged_into?)?;
            Some((i.id, i.title, target.id, target.title.clone()))
        })
        .collect())
}

async fn record_action<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    subject: Subject,
    action: &str,
    reason: &str,
) -> Result<(), DbError> {
    moderation_action::Entity::insert(moderation_action::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        subject_type: Set(subject.kind.key().to_owned()),
        subject_id: Set(subject.id),
        action: Set(action.to_owned()),
        reason: Set(reason.to_owned()),
        moderator_id: Set(actor.id.map(PersonId::uuid)),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Close the open reports on a subject with the given outcome.
async fn close_reports<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    subject: Subject,
    from: ReportStatus,
    to: ReportStatus,
) -> Result<u64, DbError> {
    Ok(report::Entity::update_many()
        .col_expr(report::Column::Status, Expr::value(to.key()))
        .col_expr(
            report::Column::HandledBy,
            Expr::value(actor.id.map(PersonId::uuid)),
        )
        .col_expr(report::Column::HandledAt, Expr::value(Some(now)))
        .filter(report::Column::OrganisationId.eq(org.uuid()))
        .filter(report::Column::SubjectId.eq(subject.id))
        .filter(report::Column::Status.eq(from.key()))
        .exec(conn)
        .await?
        .rows_affected)
}

/// Set an idea's or comment's hidden flag if it is not already so; returns
/// whether it changed.
async fn set_hidden<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    subject: Subject,
    hidden: bool,
    reason: &str,
) -> Result<bool, DbError> {
    let changed = match subject.kind {
        SubjectKind::Idea => {
            idea::Entity::update_many()
                .col_expr(idea::Column::Hidden, Expr::value(hidden))
                .col_expr(idea::Column::UpdatedAt, Expr::value(now))
                .filter(idea::Column::Id.eq(subject.id))
                .filter(idea::Column::OrganisationId.eq(org.uuid()))
                .filter(idea::Column::Hidden.eq(!hidden))
                // A merged idea stays hidden: its supports live on elsewhere.
                .filter(idea::Column::MergedInto.is_null())
                .exec(conn)
                .await?
                .rows_affected
        }
        SubjectKind::Comment => {
            let (by, at, why) = if hidden {
                (actor.id.map(PersonId::uuid), Some(now), Some(reason))
            } else {
                (None, None, None)
            };
            idea_comment::Entity::update_many()
                .col_expr(idea_comment::Column::Hidden, Expr::value(hidden))
                .col_expr(idea_comment::Column::HiddenBy, Expr::value(by))
                .col_expr(idea_comment::Column::HiddenAt, Expr::value(at))
                .col_expr(
                    idea_comment::Column::HiddenReason,
                    Expr::value(why.map(str::to_owned)),
                )
                .filter(idea_comment::Column::Id.eq(subject.id))
                .filter(idea_comment::Column::OrganisationId.eq(org.uuid()))
                .filter(idea_comment::Column::Hidden.eq(!hidden))
                .exec(conn)
                .await?
                .rows_affected
        }
    };
    Ok(changed == 1)
}

fn audit_action(kind: SubjectKind, hidden: bool) -> &'static str {
    match (kind, hidden) {
        (SubjectKind::Idea, true) => "idea.hide",
        (SubjectKind::Idea, false) => "idea.restore",
        (SubjectKind::Comment, true) => "comment.hide",
        (SubjectKind::Comment, false) => "comment.restore",
    }
}

/// Hide an idea or comment from everyone but moderators (and an idea's
/// author), closing its open reports. Returns false when it was already
/// hidden, and changes nothing then.
pub async fn hide<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    subject: Subject,
    reason: &Reason,
) -> Result<bool, DbError> {
    moderate(conn, now, actor, org, subject, true, reason).await
}

/// Show a hidden idea or comment again. Returns false when it was not hidden.
pub async fn restore<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    subject: Subject,
    reason: &Reason,
) -> Result<bool, DbError> {
    moderate(conn, now, actor, org, subject, false, reason).await
}

async fn moderate<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    subject: Subject,
    hidden: bool,
    reason: &Reason,
) -> Result<bool, DbError> {
    if !set_hidden(conn, now, actor, org, subject, hidden, reason.as_str()).await? {
        return Ok(false);
    }
    let reports = if hidden {
        close_reports(
            conn,
            now,
            actor,
            org,
            subject,
            ReportStatus::Open,
            ReportStatus::Hidden,
        )
        .await?
    } else {
        close_reports(
            conn,
            now,
            actor,
            org,
            subject,
            ReportStatus::Hidden,
            ReportStatus::Restored,
        )
        .await?
    };
    let action = if hidden { "hide" } else { "restore" };
    record_action(conn, now, actor, org, subject, action, reason.as_str()).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new(
            audit_action(subject.kind, hidden),
            subject.kind.key(),
            subject.id,
        )
        .in_org(org)
        .before(serde_json::json!({ "hidden": !hidden }))
        .after(serde_json::json!({
            "hidden": hidden,
            "reason": reason.as_str(),
            "reports": reports,
        })),
    )
    .await?;
    Ok(true)
}

/// Close the open reports on an item without hiding it; returns how many.
pub async fn dismiss<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    subject: Subject,
) -> Result<u64, DbError> {
    let closed = close_reports(
        conn,
        now,
        actor,
        org,
        subject,
        ReportStatus::Open,
        ReportStatus::Dismissed,
    )
    .await?;
    if closed > 0 {
        record_action(conn, now, actor, org, subject, "dismiss", "").await?;
        audit::record(
            conn,
            now,
            actor,
            Change::new("report.dismiss", subject.kind.key(), subject.id)
                .in_org(org)
                .after(serde_json::json!({ "reports": closed })),
        )
        .await?;
    }
    Ok(closed)
}

// ---------------------------------------------------------------------------
// Merging duplicates

/// What a merge did, and whom to tell.
#[derive(Clone, Debug, Serialize)]
pub struct Merged {
    pub duplicate_title: String,
    pub target_title: String,
    pub duplicate_author: PersonId,
    pub target_author: PersonId,
    /// Supports that moved to the target (people who supported both count once).
    pub moved_supports: u64,
    pub moved_follows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The target is the duplicate itself, hidden, merged, or not in the organisation.
    #[error("cannot merge into that idea")]
    BadTarget,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sea_orm::DbErr> for MergeError {
    fn from(e: sea_orm::DbErr) -> Self {
        MergeError::Db(DbError::Database(e))
    }
}

/// Merge a duplicate idea into another: the duplicate is marked as merged
/// and hidden from lists, and its supports and follows move to the target
/// without counting anyone twice. The caller notifies both authors.
pub async fn merge<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    duplicate: Uuid,
    target: Uuid,
    reason: &Reason,
) -> Result<Merged, MergeError> {
    if duplicate == target {
        return Err(MergeError::BadTarget);
    }
    let claimed = idea::Entity::update_many()
        .col_expr(idea::Column::MergedInto, Expr::value(Some(target)))
        .col_expr(idea::Column::Hidden, Expr::value(true))
        .col_expr(idea::Column::UpdatedAt, Expr::value(now))
        .filter(idea::Column::Id.eq(duplicate))
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Hidden.eq(false))
        .filter(idea::Column::MergedInto.is_null())
        .exec(conn)
        .await?
        .rows_affected;
    if claimed != 1 {
        return Err(DbError::NotFound.into());
    }
    let dup = idea::Entity::find_by_id(duplicate)
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let into = match visible_idea(conn, org, target).await {
        Ok(i) => i,
        Err(DbError::NotFound) => return Err(MergeError::BadTarget),
        Err(e) => return Err(e.into()),
    };

    let mut moved_supports = 0;
    let supports = idea_support::Entity::find()
        .filter(idea_support::Column::IdeaId.eq(duplicate))
        .all(conn)
        .await?;
    for s in supports {
        moved_supports += idea_support::Entity::insert(idea_support::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            idea_id: Set(target),
            person_id: Set(s.person_id),
            created_at: Set(s.created_at),
        })
        .on_conflict(
            OnConflict::columns([idea_support::Column::IdeaId, idea_support::Column::PersonId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    idea_support::Entity::delete_many()
        .filter(idea_support::Column::IdeaId.eq(duplicate))
        .exec(conn)
        .await?;

    // The duplicate's followers, its author among them, now follow the target.
    let mut moved_follows = 0;
    let mut follow_people: Vec<(Uuid, Timestamp)> = idea_follow::Entity::find()
        .filter(idea_follow::Column::IdeaId.eq(duplicate))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.person_id, f.created_at))
        .collect();
    follow_people.push((dup.author_id, now));
    for (person, since) in follow_people {
        if person == into.author_id {
            continue;
        }
        moved_follows += idea_follow::Entity::insert(idea_follow::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            idea_id: Set(target),
            person_id: Set(person),
            created_at: Set(since),
        })
        .on_conflict(
            OnConflict::columns([idea_follow::Column::IdeaId, idea_follow::Column::PersonId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    }
    idea_follow::Entity::delete_many()
        .filter(idea_follow::Column::IdeaId.eq(duplicate))
        .exec(conn)
        .await?;

    record_action(
        conn,
        now,
        actor,
        org,
        Subject::idea(duplicate),
        "merge",
        reason.as_str(),
    )
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("idea.merge", "idea", duplicate)
            .in_org(org)
            .before(serde_json::json!({ "merged_into": null, "hidden": false }))
            .after(serde_json::json!({
                "merged_into": target,
                "hidden": true,
                "reason": reason.as_str(),
                "moved_supports": moved_supports,
                "moved_follows": moved_follows,
            })),
    )
    .await?;
    Ok(Merged {
        duplicate_title: dup.title,
        target_title: into.title,
        duplicate_author: PersonId::from_uuid(dup.author_id),
        target_author: PersonId::from_uuid(into.author_id),
        moved_supports,
        moved_follows,
    })
}

/// Ideas a duplicate could be merged into: visible ones of the organisation
/// other than itself, optionally whose title contains `search`, newest first.
pub async fn merge_candidates<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    duplicate: Uuid,
    search: Option<&str>,
    limit: u64,
) -> Result<Vec<(Uuid, String)>, DbError> {
    let mut query = idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Hidden.eq(false))
        .filter(idea::Column::MergedInto.is_null())
        .filter(idea::Column::Id.ne(duplicate));
    if let Some(term) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let escaped = term
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(
            Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                idea::Column::Title,
            )))
            .like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    Ok(query
        .order_by_desc(idea::Column::CreatedAt)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .map(|i| (i.id, i.title))
        .collect())
}

/// Whether `target` is a visible idea of the organisation other than `duplicate`.
pub async fn is_merge_candidate<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    duplicate: Uuid,
    target: Uuid,
) -> Result<bool, DbError> {
    Ok(target != duplicate
        && idea::Entity::find_by_id(target)
            .filter(idea::Column::OrganisationId.eq(org.uuid()))
            .filter(idea::Column::Hidden.eq(false))
            .filter(idea::Column::MergedInto.is_null())
            .count(conn)
            .await?
            > 0)
}

// ---------------------------------------------------------------------------
// Residents joining

/// Challenges open to the public today, closing soonest first.
pub async fn open_public_challenges<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    today: Date,
) -> Result<Vec<challenge::Model>, DbError> {
    Ok(challenge::Entity::find()
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .filter(challenge::Column::Audience.eq(Audience::Public.key()))
        .filter(challenge::Column::OpensOn.lte(today))
        .filter(challenge::Column::ClosesOn.gte(today))
        .order_by_asc(challenge::Column::ClosesOn)
        .order_by_asc(challenge::Column::Question)
        .all(conn)
        .await?)
}

/// Whether an invitation to the organisation went to this address since
/// `since` and is still unused, so that asking again does not send another.
pub async fn recently_invited<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    email: &str,
    since: Timestamp,
    now: Timestamp,
) -> Result<bool, DbError> {
    Ok(one_time_token::Entity::find()
        .filter(one_time_token::Column::OrganisationId.eq(org.uuid()))
        .filter(
            one_time_token::Column::Purpose
                .eq(beacon_core::account::TokenPurpose::Invitation.key()),
        )
        .filter(one_time_token::Column::Email.eq(email))
        .filter(one_time_token::Column::UsedAt.is_null())
        .filter(
            Condition::all()
                .add(one_time_token::Column::CreatedAt.gte(since))
                .add(one_time_token::Column::ExpiresAt.gt(now)),
        )
        .count(conn)
        .await?
        > 0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn newlines_count_once() {
        let typed = "a\r\nb";
        assert_eq!(normalise_newlines(typed), "a\nb");
        let long = "x\r\n".repeat(1000);
        // 2,000 characters as the page counts them: accepted.
        assert!(CommentBody::parse(&normalise_newlines(&long)).is_ok());
        assert!(CommentBody::parse(&long).is_err());
    }

    #[test]
    fn subject_kinds_have_stable_keys() {
        for kind in [SubjectKind::Idea, SubjectKind::Comment] {
            assert_eq!(SubjectKind::parse(kind.key()), Some(kind));
        }
        assert_eq!(SubjectKind::parse("person"), None);
    }
}
