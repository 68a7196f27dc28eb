use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_study_drafts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub idea_id: Uuid,
    pub title: String,
    pub summary: String,
    pub challenge: String,
    pub approach: String,
    pub results: String,
    pub lessons: String,
    pub service_area: String,
    pub facet: String,
    pub outcome: String,
    pub evidence_level: i16,
    pub cashable_savings_pence: i64,
    pub non_cashable_savings_pence: i64,
    pub social_value_pence: i64,
    pub cost_pence: i64,
    /// Always "draft" here; the practice exchange moves it on.
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
