use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub employee_number: String,
    pub person_id: Option<Uuid>,
    pub name: String,
    pub email: Option<String>,
    pub job_title: String,
    pub grade: i32,
    pub weekly_minutes: i32,
    pub service_area: Option<String>,
    pub site: Option<String>,
    pub home_easting: Option<i32>,
    pub home_northing: Option<i32>,
    pub max_travel_km: Option<i32>,
    pub work_sites: String,
    pub preferred_areas: String,
    pub willing_to_trial: bool,
    pub available_from: Option<TimeDate>,
    pub started_on: Option<TimeDate>,
    pub left_on: Option<TimeDate>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
