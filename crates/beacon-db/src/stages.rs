//! Each organisation's pipeline stages. An organisation that has never
//! configured its stages uses the default of DESIGN.md §3.1
//! (`Pipeline::default_stages`); saving a configuration stores every stage.
use crate::audit::{self, Actor, Change};
use crate::entity::{idea, pipeline_stage};
use crate::{DbError, Timestamp};
use beacon_core::OrgId;
use beacon_core::Role;
use beacon_core::pipeline::stages::{Pipeline, Requirement, StageDef};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::BTreeMap;
use uuid::Uuid;

fn parse_list<T: std::str::FromStr>(raw: &str, what: &str) -> Result<Vec<T>, DbError> {
    raw.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| DbError::Corrupt(format!("{what} {s}")))
        })
        .collect()
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The organisation's pipeline: its stored stages, or the default.
pub async fn load<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Pipeline, DbError> {
    let rows = pipeline_stage::Entity::find()
        .filter(pipeline_stage::Column::OrganisationId.eq(org.uuid()))
        .order_by_asc(pipeline_stage::Column::Position)
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(Pipeline::default_stages());
    }
    let stages = rows
        .into_iter()
        .map(|r| {
            Ok(StageDef {
                requirements: parse_list::<Requirement>(&r.requirements, "requirement")?,
                movers: parse_list::<Role>(&r.movers, "role")?,
                key: r.key,
                name: r.name,
                terminal: r.terminal,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    Pipeline::new(stages).map_err(|e| DbError::Corrupt(format!("pipeline: {e}")))
}

/// How many of the organisation's ideas are in each stage.
pub async fn ideas_per_stage<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<BTreeMap<String, u64>, DbError> {
    let rows: Vec<(String, i64)> = idea::Entity::find()
        .select_only()
        .column(idea::Column::Stage)
        .column_as(idea::Column::Id.count(), "n")
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .group_by(idea::Column::Stage)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(stage, n)| (stage, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Why a configuration was not saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// A stage that would be removed still has ideas in it.
    #[error("ideas are still in stage {0}")]
    StageInUse(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sea_orm::DbErr> for SaveError {
    fn from(e: sea_orm::DbErr) -> Self {
        SaveError::Db(DbError::Database(e))
    }
}

/// Store the whole configuration, replacing the one before, with an audit
/// event, in the caller's transaction. Refused if a stage it leaves out
/// still has ideas in it.
pub async fn save<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    pipeline: &Pipeline,
) -> Result<(), SaveError> {
    let before = load(conn, org).await?;
    for old in before.stages() {
        if pipeline.stage(&old.key).is_none() {
            let left = idea::Entity::find()
                .filter(idea::Column::OrganisationId.eq(org.uuid()))
                .filter(idea::Column::Stage.eq(old.key.as_str()))
                .count(conn)
                .await?;
            if left > 0 {
                return Err(SaveError::StageInUse(old.key.clone()));
            }
        }
    }
    pipeline_stage::Entity::delete_many()
        .filter(pipeline_stage::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    for (position, stage) in pipeline.stages().iter().enumerate() {
        pipeline_stage::Entity::insert(pipeline_stage::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            key: Set(stage.key.clone()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            name: Set(stage.name.clone()),
            requirements: Set(join(&stage.requirements)),
            movers: Set(join(&stage.movers)),
            terminal: Set(stage.terminal),
        })
        .exec_without_returning(conn)
        .await
        .map_err(DbError::unique("stage"))?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("pipeline.configure", "organisation", org)
            .in_org(org)
            .before(before.stages())
            .after(pipeline.stages()),
    )
    .await?;
    Ok(())
}
