//! Panels: declared conflicts, private weighted scores, funding decisions that
//! allocate from a challenge's pot and never beyond it.
use crate::DbError;
use beacon_core::OrgId;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// Whether a funding decision has been recorded for the idea.
pub async fn decided<C: ConnectionTrait>(
    _conn: &C,
    _org: OrgId,
    _idea: Uuid,
) -> Result<bool, DbError> {
    Ok(false)
}
