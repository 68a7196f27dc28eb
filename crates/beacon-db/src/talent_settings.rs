//! An organisation's talent settings (freeze and trial lengths, training
//! limit, recruitment cost), or the defaults when it has set none.
use crate::DbError;
use crate::entity::talent_settings;
use beacon_core::OrgId;
use beacon_core::talent::Settings;
use sea_orm::{ConnectionTrait, EntityTrait};

/// The organisation's settings, or the defaults.
pub async fn get<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Settings, DbError> {
    let defaults = Settings::default();
    let Some(row) = talent_settings::Entity::find_by_id(org.uuid())
        .one(conn)
        .await?
    else {
        return Ok(defaults);
    };
    let days = |v: i32, fallback: u16| u16::try_from(v).unwrap_or(fallback);
    Ok(Settings {
        freeze_days: days(row.freeze_days, defaults.freeze_days),
        trial_days: days(row.trial_days, defaults.trial_days),
        training_limit_days: days(row.training_limit_days, defaults.training_limit_days),
        recruitment_cost_pence: row.recruitment_cost_pence,
    })
}
