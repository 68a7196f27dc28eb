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

/// Store the organisation's settings, which the caller has checked with
/// `beacon_core::talent::analytics::valid`, with an audit event giving the
/// settings before and after.
pub async fn set<C: ConnectionTrait>(
    conn: &C,
    now: crate::Timestamp,
    actor: &crate::audit::Actor,
    org: OrgId,
    settings: Settings,
) -> Result<(), DbError> {
    use sea_orm::ActiveValue::Set;
    let before = get(conn, org).await?;
    let exists = talent_settings::Entity::find_by_id(org.uuid())
        .one(conn)
        .await?
        .is_some();
    let model = talent_settings::ActiveModel {
        organisation_id: Set(org.uuid()),
        freeze_days: Set(i32::from(settings.freeze_days)),
        trial_days: Set(i32::from(settings.trial_days)),
        training_limit_days: Set(i32::from(settings.training_limit_days)),
        recruitment_cost_pence: Set(settings.recruitment_cost_pence),
        updated_at: Set(now),
    };
    if exists {
        talent_settings::Entity::update(model).exec(conn).await?;
    } else {
        talent_settings::Entity::insert(model)
            .exec_without_returning(conn)
            .await?;
    }
    crate::audit::record(
        conn,
        now,
        actor,
        crate::audit::Change::new("talent_settings.changed", "talent_settings", org.uuid())
            .in_org(org)
            .before(before)
            .after(settings),
    )
    .await
}
