//! Business cases: options (business as usual always among them), cost and
//! benefit lines by year, optimism bias, the risk register.
use crate::DbError;
use beacon_core::OrgId;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// Whether the idea's business case meets the gate requirement
/// `BusinessCaseComplete` (see `beacon_core::pipeline::stages`).
pub async fn is_complete<C: ConnectionTrait>(
    _conn: &C,
    _org: OrgId,
    _idea: Uuid,
) -> Result<bool, DbError> {
    Ok(false)
}

/// What an idea's business case expects, for the portfolio: the preferred
/// option's undiscounted totals over its appraisal period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExpectedTotals {
    pub idea: Uuid,
    pub cashable_pence: i64,
    pub non_cashable_pence: i64,
    pub social_value_pence: i64,
    pub cost_pence: i64,
}

/// The expected totals of every idea in `org` that has a business case.
pub async fn expected_totals<C: ConnectionTrait>(
    _conn: &C,
    _org: OrgId,
) -> Result<Vec<ExpectedTotals>, DbError> {
    Ok(Vec::new())
}
