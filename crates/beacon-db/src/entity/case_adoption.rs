use sea_orm::entity::prelude::*;

/// A case adopted into a council's pipeline as one of its ideas.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "case_adoptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The adopting council.
    pub organisation_id: Uuid,
    pub idea_id: Uuid,
    pub publication_id: Uuid,
    /// The source council's own case, for its adoptions page only.
    pub source_case_id: Option<Uuid>,
    /// The publication's title as the adopter read it.
    pub case_title: String,
    pub anonymous: bool,
    pub adopted_by: Option<Uuid>,
    pub adopted_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
