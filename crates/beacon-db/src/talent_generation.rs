//! An organisation's change stamp for what the matching pages read: the
//! strengths framework, staff and their profiles, vacancies and their
//! requirements, pool stays and placements. Triggers raise it in the same
//! transaction as every change to those tables (migration
//! `m20261124_000050_talent_generations`). Read the stamp *before* reading
//! those tables: what is read afterwards is at least as new as the stamp, so
//! a result labelled with it is never older than its label. When the stamp
//! has moved, compute again.
use crate::DbError;
use crate::entity::talent_generation;
use beacon_core::OrgId;
use sea_orm::{ConnectionTrait, EntityTrait};

/// The organisation's stamp now: 0 before its first change.
pub async fn current<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<i64, DbError> {
    Ok(talent_generation::Entity::find_by_id(org.uuid())
        .one(conn)
        .await?
        .map_or(0, |row| row.generation))
}
