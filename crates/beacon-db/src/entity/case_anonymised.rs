use sea_orm::entity::prelude::*;

/// The text an anonymised case is published with, and its moderation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_anonymised")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub case_id: Uuid,
    pub organisation_id: Uuid,
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
    pub status: String,
    pub moderation_note: String,
    pub requested_by: Option<Uuid>,
    pub requested_at: TimeDateTimeWithTimeZone,
    pub moderated_by: Option<Uuid>,
    pub moderated_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
