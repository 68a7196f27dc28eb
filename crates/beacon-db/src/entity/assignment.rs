use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub staff_id: Uuid,
    pub pool_member_id: Option<Uuid>,
    /// `beacon_core::talent::AssignmentKind`
    pub kind: String,
    pub title: String,
    pub idea_id: Option<Uuid>,
    pub starts_on: TimeDate,
    pub ends_on: TimeDate,
    pub ended_on: Option<TimeDate>,
    pub created_by: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
