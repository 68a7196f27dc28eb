use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// `idea` or `comment`.
    pub subject_type: String,
    pub subject_id: Uuid,
    pub reporter_id: Uuid,
    pub reason: String,
    /// `open`, `hidden`, `restored` or `dismissed`.
    pub status: String,
    pub handled_by: Option<Uuid>,
    pub handled_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
