use sea_orm::entity::prelude::*;

/// What leaves a council: the only record of a case read outside it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_publications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub council_name: Option<String>,
    pub anonymous: bool,
    pub level: String,
    pub remote_source_id: Option<Uuid>,
    pub remote_id: Option<String>,
    pub source_url: Option<String>,
    pub title: String,
    pub summary: String,
    pub innovative: String,
    pub context: String,
    pub partners: String,
    pub users: String,
    pub results: String,
    pub challenges: String,
    pub conditions: String,
    pub replication: String,
    pub lessons: String,
    pub materials: String,
    pub service_area: String,
    pub facet: String,
    pub stage: String,
    pub year: i32,
    pub outcome: String,
    pub evidence_level: i16,
    pub cashable_savings_pence: i64,
    pub non_cashable_savings_pence: i64,
    pub social_value_pence: i64,
    pub cost_pence: i64,
    pub funder: String,
    pub funding_programme: String,
    pub funding_amount_pence: Option<i64>,
    pub funding_awarded_on: Option<TimeDate>,
    pub tags: String,
    pub published_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
