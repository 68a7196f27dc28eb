use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evaluations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub idea_id: Uuid,
    pub actual_cost_pence: i64,
    pub cashable_pence: i64,
    pub non_cashable_pence: i64,
    pub social_value_pence: i64,
    /// `beacon_core::pipeline::Outcome`
    pub outcome: String,
    pub results: String,
    pub lessons: String,
    pub evidence_level: i16,
    pub transfers: bool,
    pub transfers_to: String,
    pub evaluated_by: Option<Uuid>,
    pub evaluated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
