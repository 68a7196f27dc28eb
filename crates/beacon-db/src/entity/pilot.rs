use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pilots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub idea_id: Uuid,
    pub starts_on: TimeDate,
    pub ends_on: TimeDate,
    pub budget_pence: i64,
    pub baseline: String,
    pub success_measures: String,
    /// `beacon_core::pipeline::delivery::PilotStatus`
    pub status: String,
    pub finished_on: Option<TimeDate>,
    pub created_by: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
