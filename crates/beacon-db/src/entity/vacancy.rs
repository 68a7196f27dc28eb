use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "vacancies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub post_id: Option<Uuid>,
    pub title: String,
    pub summary: String,
    pub service_area: String,
    pub grade_min: i32,
    pub grade_max: i32,
    pub weekly_minutes: i32,
    pub site: String,
    pub easting: Option<i32>,
    pub northing: Option<i32>,
    pub remote: bool,
    pub training_limit_days: i32,
    pub status: String,
    pub review_decision: Option<String>,
    pub review_reason: Option<String>,
    pub annual_saving_pence: Option<i64>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<TimeDateTimeWithTimeZone>,
    pub pool_until: Option<TimeDate>,
    pub closes_on: Option<TimeDate>,
    pub shared: bool,
    pub raised_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
