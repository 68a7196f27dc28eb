use sea_orm::entity::prelude::*;

/// A follower's digest: how often, and what it has covered.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exchange_digests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub person_id: Uuid,
    /// The council the follower reads as.
    pub organisation_id: Option<Uuid>,
    pub frequency: String,
    pub covered_until: TimeDateTimeWithTimeZone,
    pub next_due_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
