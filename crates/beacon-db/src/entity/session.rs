use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 of the token in the cookie, hex-encoded.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub person_id: Uuid,
    /// The organisation the person is acting in; checked against their
    /// memberships on every request.
    pub organisation_id: Option<Uuid>,
    pub csrf_token: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub last_seen_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
