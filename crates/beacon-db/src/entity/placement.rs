use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "placements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub vacancy_id: Uuid,
    pub staff_id: Uuid,
    pub pool_member_id: Option<Uuid>,
    pub step: String,
    pub owner_id: Uuid,
    pub step_on: TimeDate,
    pub interview_guaranteed: bool,
    pub training_plan: Option<String>,
    pub trial_starts_on: Option<TimeDate>,
    pub trial_ends_on: Option<TimeDate>,
    pub extension_agreement: Option<String>,
    pub outcome_note: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
