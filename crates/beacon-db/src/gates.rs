//! Gathers what a stage gate needs to know about an idea from the parts of
//! the pipeline that own each fact.
use crate::{DbError, appraisal, delivery, panel};
use beacon_core::OrgId;
use beacon_core::pipeline::stages::GateFacts;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

pub async fn facts<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<GateFacts, DbError> {
    let evaluation = delivery::evaluation_state(conn, org, idea).await?;
    Ok(GateFacts {
        business_case_complete: appraisal::is_complete(conn, org, idea).await?,
        funding_decided: panel::decided(conn, org, idea).await?,
        evaluation_recorded: evaluation.recorded,
        lessons_recorded: evaluation.lessons,
    })
}
