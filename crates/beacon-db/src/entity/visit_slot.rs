use sea_orm::entity::prelude::*;

/// A visit the host has scheduled, shared by accepted requests up to its cap.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_slots")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub case_id: Uuid,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub ends_at: TimeDateTimeWithTimeZone,
    pub location: String,
    pub cap: i32,
    pub booked: i32,
    pub sequence: i32,
    pub organised_by: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
