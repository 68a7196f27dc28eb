use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "funding_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub idea_id: Uuid,
    pub challenge_id: Option<Uuid>,
    pub outcome: String,
    pub amount_pence: Option<i64>,
    pub funding_model: Option<String>,
    pub reason: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
