use sea_orm::entity::prelude::*;

/// A council's request to visit another council's case.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub case_id: Uuid,
    /// The host: the case's council.
    pub organisation_id: Uuid,
    pub visitor_organisation_id: Uuid,
    pub requested_by: Option<Uuid>,
    pub party_size: i32,
    pub preferred_dates: String,
    #[sea_orm(column_type = "Text")]
    pub purpose: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub host_note: String,
    pub slot_id: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    pub feedback_rating: Option<i16>,
    #[sea_orm(column_type = "Text", nullable)]
    pub feedback: Option<String>,
    pub feedback_by: Option<Uuid>,
    pub feedback_at: Option<TimeDateTimeWithTimeZone>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub updated_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
