//! The change log the search index follows: every change to what a reader
//! may find is written here in the same transaction as the change, and each
//! server's index applies it in order (`changes_after`), re-reading the
//! target from the database. The database stays the source of truth.
use crate::Timestamp;
use crate::entity::search_change;
use crate::error::DbError;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// What changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A council's own case (what its own people find).
    Case(Uuid),
    /// A publication (what everyone else finds).
    Publication(Uuid),
}

impl Target {
    fn parts(self) -> (&'static str, Uuid) {
        match self {
            Target::Case(id) => ("case", id),
            Target::Publication(id) => ("publication", id),
        }
    }

    fn from_row(row: &search_change::Model) -> Option<Self> {
        match row.kind.as_str() {
            "case" => Some(Target::Case(row.target_id)),
            "publication" => Some(Target::Publication(row.target_id)),
            _ => None,
        }
    }
}

/// Record that `target` changed. Call it inside the transaction that
/// changes it, so the index never misses a committed change.
pub async fn changed<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    target: Target,
) -> Result<(), DbError> {
    let (kind, id) = target.parts();
    search_change::Entity::insert(search_change::ActiveModel {
        seq: NotSet,
        kind: Set(kind.to_owned()),
        target_id: Set(id),
        at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Up to `limit` changes after `seq`, oldest first, with their sequence
/// numbers.
pub async fn changes_after<C: ConnectionTrait>(
    conn: &C,
    seq: i64,
    limit: u64,
) -> Result<Vec<(i64, Target)>, DbError> {
    Ok(search_change::Entity::find()
        .filter(search_change::Column::Seq.gt(seq))
        .order_by_asc(search_change::Column::Seq)
        .limit(limit)
        .all(conn)
        .await?
        .iter()
        .filter_map(|row| Target::from_row(row).map(|t| (row.seq, t)))
        .collect())
}

/// The newest sequence number, where a rebuild starts following from.
pub async fn latest<C: ConnectionTrait>(conn: &C) -> Result<i64, DbError> {
    Ok(search_change::Entity::find()
        .order_by_desc(search_change::Column::Seq)
        .one(conn)
        .await?
        .map_or(0, |row| row.seq))
}
