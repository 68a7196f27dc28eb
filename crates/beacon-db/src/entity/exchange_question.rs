use sea_orm::entity::prelude::*;

/// A question to a case's innovators, and their answer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exchange_questions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    /// The host: the case's council.
    pub organisation_id: Uuid,
    pub asker_organisation_id: Uuid,
    pub asked_by: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub question: String,
    pub asked_at: TimeDateTimeWithTimeZone,
    #[sea_orm(column_type = "Text", nullable)]
    pub answer: Option<String>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
