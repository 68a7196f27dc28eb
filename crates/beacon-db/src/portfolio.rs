//! The portfolio: what an organisation's ideas add up to. Counts by stage,
//! service area, kind, facet and lever; the ideas themselves for the export;
//! the challenges' pots; and the organisation's target share of radical ideas.
//!
//! Hidden ideas and ideas merged into another are never counted or exported
//! (PROMISES.md 3). Every query takes the organisation.
use crate::audit::{self, Actor, Change};
use crate::entity::{challenge, idea, pipeline_stage, portfolio_target};
use crate::{DbError, Timestamp};
use beacon_core::pipeline::portfolio::RadicalTarget;
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use std::collections::BTreeMap;
use time::{Date, Month, OffsetDateTime, Time};
use uuid::Uuid;

/// What the portfolio is narrowed to. Both are checked against the
/// organisation's own challenges and years before they get here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub challenge: Option<Uuid>,
    pub year: Option<i32>,
}

fn year_bounds(year: i32) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let start = Date::from_calendar_date(year, Month::January, 1).ok()?;
    let end = Date::from_calendar_date(year.checked_add(1)?, Month::January, 1).ok()?;
    Some((
        start.with_time(Time::MIDNIGHT).assume_utc(),
        end.with_time(Time::MIDNIGHT).assume_utc(),
    ))
}

/// The condition "a visible idea of the organisation that the filter
/// selects", on the `ideas` table: for this module's queries, and for the
/// other parts' totals the portfolio narrows with it
/// (`appraisal::expected_totals_where`, `delivery::realised_totals_where`).
pub fn shown(org: OrgId, filter: Filter) -> Condition {
    let mut shown = Condition::all()
        .add(idea::Column::OrganisationId.eq(org.uuid()))
        .add(idea::Column::Hidden.eq(false))
        .add(idea::Column::MergedInto.is_null());
    if let Some(c) = filter.challenge {
        shown = shown.add(idea::Column::ChallengeId.eq(c));
    }
    if let Some((from, until)) = filter.year.and_then(year_bounds) {
        shown = shown
            .add(idea::Column::CreatedAt.gte(from))
            .add(idea::Column::CreatedAt.lt(until));
    }
    shown
}

/// The organisation's visible ideas, narrowed by the filter.
fn visible(org: OrgId, filter: Filter) -> Select<idea::Entity> {
    idea::Entity::find().filter(shown(org, filter))
}

/// How many visible ideas there are of each value of each dimension.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: u64,
    pub by_stage: Vec<(String, u64)>,
    pub by_service_area: Vec<(String, u64)>,
    pub by_kind: Vec<(String, u64)>,
    pub by_facet: Vec<(String, u64)>,
    pub by_lever: Vec<(String, u64)>,
}

/// Every dimension from one grouped read of the visible ideas, added up
/// here: one pass over the ideas rather than one a dimension. The index
/// `ix_ideas_portfolio` (migration `m20261124_000044_idea_read_indexes`) holds every column read, in the grouping's order, so
/// the read walks it without a sort or a table row (`COUNT(*)`, not a count
/// of ids, which that index does not hold).
pub async fn counts<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    filter: Filter,
) -> Result<Counts, DbError> {
    let groups: Vec<(String, String, String, String, String, i64)> = visible(org, filter)
        .select_only()
        .column(idea::Column::Stage)
        .column(idea::Column::ServiceArea)
        .column(idea::Column::Kind)
        .column(idea::Column::Facet)
        .column(idea::Column::Lever)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .group_by(idea::Column::Stage)
        .group_by(idea::Column::ServiceArea)
        .group_by(idea::Column::Kind)
        .group_by(idea::Column::Facet)
        .group_by(idea::Column::Lever)
        .into_tuple()
        .all(conn)
        .await?;
    let mut tallies: [BTreeMap<String, u64>; 5] = Default::default();
    let mut total = 0;
    for (stage, area, kind, facet, lever, n) in groups {
        let n = u64::try_from(n).unwrap_or(0);
        total += n;
        for (tally, key) in tallies.iter_mut().zip([stage, area, kind, facet, lever]) {
            *tally.entry(key).or_default() += n;
        }
    }
    let [by_stage, by_service_area, by_kind, by_facet, by_lever] = tallies.map(largest_first);
    Ok(Counts {
        total,
        by_stage,
        by_service_area,
        by_kind,
        by_facet,
        by_lever,
    })
}

/// Counts largest first, then by value.
fn largest_first(tally: BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = tally.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

/// One idea as the export shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdeaRow {
    pub id: Uuid,
    pub title: String,
    pub stage: String,
    pub service_area: String,
    pub kind: String,
    pub facet: String,
    pub lever: String,
    pub challenge: Option<Uuid>,
    pub created_at: Timestamp,
}

/// The visible ideas the filter selects, oldest first.
pub async fn ideas<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    filter: Filter,
) -> Result<Vec<IdeaRow>, DbError> {
    Ok(visible(org, filter)
        .order_by_asc(idea::Column::CreatedAt)
        .order_by_asc(idea::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| IdeaRow {
            id: m.id,
            title: m.title,
            stage: m.stage,
            service_area: m.service_area,
            kind: m.kind,
            facet: m.facet,
            lever: m.lever,
            challenge: m.challenge_id,
            created_at: m.created_at,
        })
        .collect())
}

/// The organisation's stages in order, as (key, name).
pub async fn stages<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(String, String)>, DbError> {
    Ok(pipeline_stage::Entity::find()
        .filter(pipeline_stage::Column::OrganisationId.eq(org.uuid()))
        .order_by_asc(pipeline_stage::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.key, s.name))
        .collect())
}

/// A challenge as the portfolio sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChallengeRow {
    pub id: Uuid,
    pub question: String,
    pub opens_on: Date,
    pub pot_pence: Option<i64>,
    pub allocated_pence: i64,
}

/// Every challenge of the organisation, newest first.
pub async fn challenges<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<ChallengeRow>, DbError> {
    Ok(challenge::Entity::find()
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .order_by_desc(challenge::Column::OpensOn)
        .order_by_asc(challenge::Column::Question)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| ChallengeRow {
            id: c.id,
            question: c.question,
            opens_on: c.opens_on,
            pot_pence: c.pot_pence,
            allocated_pence: c.allocated_pence,
        })
        .collect())
}

/// The years in which the organisation's visible ideas were submitted, from
/// the first to the last (the year filter's allowed values).
pub async fn years<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Vec<i32>, DbError> {
    let base = visible(org, Filter::default());
    let first = base
        .clone()
        .select_only()
        .column(idea::Column::CreatedAt)
        .order_by_asc(idea::Column::CreatedAt)
        .into_tuple::<OffsetDateTime>()
        .one(conn)
        .await?;
    let last = base
        .select_only()
        .column(idea::Column::CreatedAt)
        .order_by_desc(idea::Column::CreatedAt)
        .into_tuple::<OffsetDateTime>()
        .one(conn)
        .await?;
    Ok(match (first, last) {
        (Some(a), Some(b)) => (a.year()..=b.year()).rev().collect(),
        _ => Vec::new(),
    })
}

/// The organisation's target, or the default until it sets one.
pub async fn target<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<RadicalTarget, DbError> {
    let stored = portfolio_target::Entity::find_by_id(org.uuid())
        .one(conn)
        .await?;
    Ok(match stored {
        None => RadicalTarget::DEFAULT,
        Some(row) => u8::try_from(row.radical_percent)
            .ok()
            .and_then(RadicalTarget::new)
            .ok_or_else(|| DbError::Corrupt(format!("radical target {}", row.radical_percent)))?,
    })
}

/// Set the organisation's target, with its audit event. Setting the value it
/// already has changes nothing and returns false.
pub async fn set_target<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    new: RadicalTarget,
) -> Result<bool, DbError> {
    // Write before reading, so that on SQLite this transaction is a writer
    // from its first statement and a concurrent one waits rather than fails.
    portfolio_target::Entity::update_many()
        .col_expr(
            portfolio_target::Column::RadicalPercent,
            Expr::col(portfolio_target::Column::RadicalPercent),
        )
        .filter(portfolio_target::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    let existing = portfolio_target::Entity::find_by_id(org.uuid())
        .one(conn)
        .await?;
    let before = target(conn, org).await?;
    if existing.is_some() && before == new {
        return Ok(false);
    }
    let row = portfolio_target::ActiveModel {
        organisation_id: sea_orm::ActiveValue::Set(org.uuid()),
        radical_percent: sea_orm::ActiveValue::Set(i32::from(new.percent())),
        updated_at: sea_orm::ActiveValue::Set(now),
        updated_by: sea_orm::ActiveValue::Set(actor.id.map(PersonId::uuid)),
    };
    // One row per organisation; two people setting it at once both land, the
    // last one wins, and each is in the audit log.
    portfolio_target::Entity::insert(row)
        .on_conflict(
            OnConflict::column(portfolio_target::Column::OrganisationId)
                .update_columns([
                    portfolio_target::Column::RadicalPercent,
                    portfolio_target::Column::UpdatedAt,
                    portfolio_target::Column::UpdatedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("portfolio.target_set", "organisation", org)
            .in_org(org)
            .before(serde_json::json!({ "radical_percent": before.percent() }))
            .after(serde_json::json!({ "radical_percent": new.percent() })),
    )
    .await?;
    Ok(true)
}
