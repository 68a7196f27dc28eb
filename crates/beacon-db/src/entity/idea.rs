use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ideas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub challenge_id: Option<Uuid>,
    pub author_id: Uuid,
    pub pseudonym: Option<String>,
    pub title: String,
    pub problem: String,
    pub proposal: String,
    pub service_area: String,
    pub measure_today: String,
    pub measure_aspiration: String,
    pub expected_benefit: String,
    pub kind: String,
    pub facet: String,
    pub lever: String,
    pub stage: String,
    pub hidden: bool,
    pub merged_into: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
