use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "business_cases")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub idea_id: Uuid,
    pub appraisal_date: TimeDate,
    pub project_type: String,
    pub mitigation_percent: i32,
    pub mitigation_note: String,
    pub funding_model: Option<String>,
    pub non_monetised_benefits: String,
    pub preferred_option_id: Option<Uuid>,
    pub not_innovating: String,
    pub not_innovating_likelihood: Option<i32>,
    pub not_innovating_impact: Option<i32>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
