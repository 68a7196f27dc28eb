//! Other Beacons this one subscribes to: fetching their public cases,
//! storing them as read-only publications marked with their source; and the
//! public cases this Beacon offers to others.
//!
//! A fetched case is a row of `case_publications` with `remote_source_id`,
//! `remote_id` and `source_url` set, no case and no organisation. A fetch
//! replaces everything of its source in one transaction (new, changed and gone
//! cases together), logging each change for the search index.
use super::publications::readable_by;
use super::search_log::{self, Target};
use crate::Timestamp;
use crate::audit::{self, Actor, Change};
use crate::entity::{case_publication, remote_source};
use crate::error::DbError;
use beacon_core::exchange::federation::{RemoteCase, SourceUrl, limits};
use beacon_core::exchange::{Level, Reader, Section};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

/// The kind of a source.
pub const BEACON: &str = "beacon";
pub const LIBRARY: &str = "library";

/// A source as the sources page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub id: Uuid,
    pub kind: String,
    pub base_url: Option<String>,
    pub name: String,
    /// `never`, `ok` or `refused`.
    pub last_status: String,
    /// The refusal's key (`beacon_core::exchange::federation::Refusal::key`).
    pub last_error: String,
    pub last_detail: String,
    pub last_fetched_at: Option<Timestamp>,
    pub case_count: i32,
}

impl From<remote_source::Model> for Source {
    fn from(m: remote_source::Model) -> Self {
        Source {
            id: m.id,
            kind: m.kind,
            base_url: m.base_url,
            name: m.name,
            last_status: m.last_status,
            last_error: m.last_error,
            last_detail: m.last_detail,
            last_fetched_at: m.last_fetched_at,
            case_count: m.case_count,
        }
    }
}

/// How a publication is marked when it came from elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceMark {
    /// The source's name ("From <name>").
    pub name: String,
    /// The case's page at its source; `None` for the case library.
    pub url: Option<String>,
    pub library: bool,
}

/// The subscribed Beacons, by name (the library is not one of them).
pub async fn sources<C: ConnectionTrait>(conn: &C) -> Result<Vec<Source>, DbError> {
    Ok(remote_source::Entity::find()
        .filter(remote_source::Column::Kind.eq(BEACON))
        .order_by_asc(remote_source::Column::Name)
        .order_by_asc(remote_source::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Source::from)
        .collect())
}

pub async fn source<C: ConnectionTrait>(conn: &C, id: Uuid) -> Result<Option<Source>, DbError> {
    Ok(remote_source::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(Source::from))
}

/// Subscribe to another Beacon, named as it names itself.
pub async fn add_source(
    db: &DatabaseConnection,
    actor: &Actor,
    now: Timestamp,
    url: &SourceUrl,
    name: &str,
) -> Result<Source, DbError> {
    let txn = crate::begin_writing(db).await?;
    let row = remote_source::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(BEACON.to_owned()),
        base_url: Set(Some(url.as_str().to_owned())),
        name: Set(name.to_owned()),
        created_by: Set(actor.id.map(|p| p.uuid())),
        created_at: Set(now),
        last_status: Set("never".to_owned()),
        last_error: Set(String::new()),
        last_detail: Set(String::new()),
        last_fetched_at: Set(None),
        case_count: Set(0),
        claimed_until: Set(None),
    };
    let model = remote_source::Entity::insert(row)
        .exec_with_returning(&txn)
        .await
        .map_err(DbError::unique("source"))?;
    let source = Source::from(model);
    audit::record(
        &txn,
        now,
        actor,
        Change::new("exchange.source_added", "remote_source", source.id).after(&source),
    )
    .await?;
    txn.commit().await?;
    Ok(source)
}

/// Unsubscribe: the source and every case fetched from it go.
pub async fn remove_source(
    db: &DatabaseConnection,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
) -> Result<(), DbError> {
    let txn = crate::begin_writing(db).await?;
    let Some(source) = remote_source::Entity::find_by_id(id)
        .filter(remote_source::Column::Kind.eq(BEACON))
        .one(&txn)
        .await?
    else {
        return Err(DbError::NotFound);
    };
    let gone = fetched(&txn, id).await?;
    for p in &gone {
        search_log::changed(&txn, now, Target::Publication(p.id)).await?;
    }
    case_publication::Entity::delete_many()
        .filter(case_publication::Column::RemoteSourceId.eq(id))
        .exec(&txn)
        .await?;
    remote_source::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        now,
        actor,
        Change::new("exchange.source_removed", "remote_source", id).before(Source::from(source)),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Hold a source for one fetch until `until`; `false` when another fetch
/// (on this server or another) holds it.
pub async fn claim<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
    now: Timestamp,
    until: Timestamp,
) -> Result<bool, DbError> {
    let result = remote_source::Entity::update_many()
        .col_expr(remote_source::Column::ClaimedUntil, Expr::value(until))
        .filter(remote_source::Column::Id.eq(id))
        .filter(
            sea_orm::Condition::any()
                .add(remote_source::Column::ClaimedUntil.is_null())
                .add(remote_source::Column::ClaimedUntil.lt(now)),
        )
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The subscribed Beacons whose last fetch is older than the interval.
pub async fn due<C: ConnectionTrait>(conn: &C, now: Timestamp) -> Result<Vec<Source>, DbError> {
    let since = now - time::Duration::seconds(limits::FETCH_EVERY_SECS);
    Ok(remote_source::Entity::find()
        .filter(remote_source::Column::Kind.eq(BEACON))
        .filter(
            sea_orm::Condition::any()
                .add(remote_source::Column::LastFetchedAt.is_null())
                .add(remote_source::Column::LastFetchedAt.lt(since)),
        )
        .order_by_asc(remote_source::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(Source::from)
        .collect())
}

/// Record that a fetch was refused; nothing of the source's cases changes.
pub async fn record_refusal<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    id: Uuid,
    key: &str,
    detail: &str,
) -> Result<(), DbError> {
    remote_source::Entity::update_many()
        .col_expr(remote_source::Column::LastStatus, Expr::value("refused"))
        .col_expr(remote_source::Column::LastError, Expr::value(key))
        .col_expr(
            remote_source::Column::LastDetail,
            Expr::value(detail.chars().take(300).collect::<String>()),
        )
        .col_expr(remote_source::Column::LastFetchedAt, Expr::value(now))
        .col_expr(
            remote_source::Column::ClaimedUntil,
            Expr::value(Option::<Timestamp>::None),
        )
        .filter(remote_source::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// What one fetch changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// Every publication fetched from `source`.
async fn fetched<C: ConnectionTrait>(
    conn: &C,
    source: Uuid,
) -> Result<Vec<case_publication::Model>, DbError> {
    Ok(case_publication::Entity::find()
        .filter(case_publication::Column::RemoteSourceId.eq(source))
        .all(conn)
        .await?)
}

fn projection(
    id: Uuid,
    source: Uuid,
    base: Option<&SourceUrl>,
    case: &RemoteCase,
) -> case_publication::Model {
    let s = |section| case.section(section).to_owned();
    case_publication::Model {
        id,
        case_id: None,
        organisation_id: None,
        council_name: if case.anonymous {
            None
        } else {
            case.council.clone()
        },
        anonymous: case.anonymous,
        level: Level::Public.key().to_owned(),
        remote_source_id: Some(source),
        remote_id: Some(case.id.clone()),
        source_url: base.map(|b| b.case_page(&case.id)),
        title: case.title.clone(),
        summary: s(Section::Summary),
        innovative: s(Section::Innovative),
        context: s(Section::Context),
        partners: s(Section::Partners),
        users: s(Section::Users),
        results: s(Section::Results),
        challenges: s(Section::Challenges),
        conditions: s(Section::Conditions),
        replication: s(Section::Replication),
        lessons: s(Section::Lessons),
        materials: s(Section::Materials),
        service_area: case.service_area.key().to_owned(),
        facet: case.facet.key().to_owned(),
        stage: case.stage.key().to_owned(),
        year: case.year,
        outcome: case.outcome.key().to_owned(),
        evidence_level: i16::from(case.evidence.get()),
        cashable_savings_pence: case.cashable_savings_pence,
        non_cashable_savings_pence: case.non_cashable_savings_pence,
        social_value_pence: case.social_value_pence,
        cost_pence: case.cost_pence,
        funder: case.funding.funder.clone(),
        funding_programme: case.funding.programme.clone(),
        funding_amount_pence: case.funding.amount_pence,
        funding_awarded_on: case.funding.awarded_on,
        tags: case.tags.join("\n"),
        published_at: case.published_at,
        updated_at: case.updated_at,
    }
}

fn active(m: case_publication::Model) -> case_publication::ActiveModel {
    m.into()
}

/// Make `source`'s publications exactly `cases`, in one transaction: new
/// ones added, changed ones rewritten, ones gone at the source removed, each
/// logged for the search index; unchanged ones are left alone. Records the
/// fetch as successful and releases the claim.
pub async fn apply(
    db: &DatabaseConnection,
    now: Timestamp,
    source: Uuid,
    base: Option<&SourceUrl>,
    cases: &[RemoteCase],
) -> Result<Applied, DbError> {
    let txn = crate::begin_writing(db).await?;
    let existing = fetched(&txn, source).await?;
    let mut applied = Applied::default();
    for case in cases {
        let old = existing
            .iter()
            .find(|p| p.remote_id.as_deref() == Some(case.id.as_str()));
        match old {
            Some(old) => {
                let new = projection(old.id, source, base, case);
                if &new != old {
                    let row = active(new).reset_all();
                    case_publication::Entity::update(row).exec(&txn).await?;
                    search_log::changed(&txn, now, Target::Publication(old.id)).await?;
                    applied.changed += 1;
                }
            }
            None => {
                let new = projection(Uuid::new_v4(), source, base, case);
                let id = new.id;
                case_publication::Entity::insert(active(new))
                    .exec_without_returning(&txn)
                    .await?;
                search_log::changed(&txn, now, Target::Publication(id)).await?;
                applied.added += 1;
            }
        }
    }
    for old in &existing {
        if !cases
            .iter()
            .any(|c| old.remote_id.as_deref() == Some(c.id.as_str()))
        {
            search_log::changed(&txn, now, Target::Publication(old.id)).await?;
            case_publication::Entity::delete_by_id(old.id)
                .exec(&txn)
                .await?;
            applied.removed += 1;
        }
    }
    remote_source::Entity::update_many()
        .col_expr(remote_source::Column::LastStatus, Expr::value("ok"))
        .col_expr(remote_source::Column::LastError, Expr::value(""))
        .col_expr(remote_source::Column::LastDetail, Expr::value(""))
        .col_expr(remote_source::Column::LastFetchedAt, Expr::value(now))
        .col_expr(
            remote_source::Column::CaseCount,
            Expr::value(i32::try_from(cases.len()).unwrap_or(i32::MAX)),
        )
        .col_expr(
            remote_source::Column::ClaimedUntil,
            Expr::value(Option::<Timestamp>::None),
        )
        .filter(remote_source::Column::Id.eq(source))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(applied)
}

/// The built-in case library's source, created the first time it is asked for.
pub async fn library_source<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    name: &str,
) -> Result<Uuid, DbError> {
    if let Some(found) = remote_source::Entity::find()
        .filter(remote_source::Column::Kind.eq(LIBRARY))
        .one(conn)
        .await?
    {
        return Ok(found.id);
    }
    let id = Uuid::new_v4();
    remote_source::Entity::insert(remote_source::ActiveModel {
        id: Set(id),
        kind: Set(LIBRARY.to_owned()),
        base_url: Set(None),
        name: Set(name.to_owned()),
        created_by: Set(None),
        created_at: Set(now),
        last_status: Set("never".to_owned()),
        last_error: Set(String::new()),
        last_detail: Set(String::new()),
        last_fetched_at: Set(None),
        case_count: Set(0),
        claimed_until: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(id)
}

/// Where a publication came from, if not from a council of this Beacon.
pub async fn source_of<C: ConnectionTrait>(
    conn: &C,
    publication: &case_publication::Model,
) -> Result<Option<SourceMark>, DbError> {
    let Some(source) = publication.remote_source_id else {
        return Ok(None);
    };
    Ok(remote_source::Entity::find_by_id(source)
        .one(conn)
        .await?
        .map(|s| SourceMark {
            library: s.kind == LIBRARY,
            name: s.name,
            url: publication.source_url.clone(),
        }))
}

/// Whether a publication was fetched from elsewhere (and so is read-only here).
pub fn is_remote(publication: &case_publication::Model) -> bool {
    publication.remote_source_id.is_some()
}

/// The public cases this Beacon offers other Beacons: public publications
/// made here (never fetched ones), by id after `after`, changed since
/// `updated_since`.
pub async fn offered<C: ConnectionTrait>(
    conn: &C,
    after: Option<Uuid>,
    updated_since: Option<Timestamp>,
    limit: u64,
) -> Result<Vec<case_publication::Model>, DbError> {
    let mut query = case_publication::Entity::find()
        .filter(readable_by(&Reader::Public))
        .filter(case_publication::Column::Level.eq(Level::Public.key()))
        .filter(case_publication::Column::RemoteSourceId.is_null());
    if let Some(after) = after {
        query = query.filter(case_publication::Column::Id.gt(after));
    }
    if let Some(since) = updated_since {
        query = query.filter(case_publication::Column::UpdatedAt.gte(since));
    }
    Ok(query
        .order_by_asc(case_publication::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// One offered case, by its publication id.
pub async fn offered_one<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<case_publication::Model>, DbError> {
    Ok(case_publication::Entity::find_by_id(id)
        .filter(readable_by(&Reader::Public))
        .filter(case_publication::Column::Level.eq(Level::Public.key()))
        .filter(case_publication::Column::RemoteSourceId.is_null())
        .one(conn)
        .await?)
}
