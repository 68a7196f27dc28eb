use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pool_members")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub staff_id: Uuid,
    pub tier: String,
    pub status: String,
    pub entered_on: TimeDate,
    pub protected_until: Option<TimeDate>,
    pub reason: String,
    pub shared: bool,
    pub placed_on: Option<TimeDate>,
    pub left_on: Option<TimeDate>,
    pub redundancy_cost_pence: Option<i64>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
