//! Pilots (milestones, budget against actual, measures, updates, team) and
//! evaluations (actuals, outcome, lessons, evidence level, case study draft).
use crate::DbError;
use beacon_core::OrgId;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

/// What the evaluation gate needs to know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvaluationState {
    /// An evaluation with an outcome exists.
    pub recorded: bool,
    /// Its lessons are written.
    pub lessons: bool,
}

pub async fn evaluation_state<C: ConnectionTrait>(
    _conn: &C,
    _org: OrgId,
    _idea: Uuid,
) -> Result<EvaluationState, DbError> {
    Ok(EvaluationState::default())
}

/// What an evaluated idea actually achieved, for the portfolio.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RealisedTotals {
    pub idea: Uuid,
    pub cashable_pence: i64,
    pub non_cashable_pence: i64,
    pub social_value_pence: i64,
    pub cost_pence: i64,
}

/// The realised totals of every evaluated idea in `org`.
pub async fn realised_totals<C: ConnectionTrait>(
    _conn: &C,
    _org: OrgId,
) -> Result<Vec<RealisedTotals>, DbError> {
    Ok(Vec::new())
}
