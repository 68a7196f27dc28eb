use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "posts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub reference: String,
    pub title: String,
    pub service_area: String,
    pub grade: i32,
    pub weekly_minutes: i32,
    pub site: String,
    pub easting: Option<i32>,
    pub northing: Option<i32>,
    pub remote: bool,
    pub annual_cost_pence: i64,
    pub status: String,
    pub holder_id: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
