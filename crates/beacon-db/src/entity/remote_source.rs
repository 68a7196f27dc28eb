use sea_orm::entity::prelude::*;

/// Another Beacon this one subscribes to, or the built-in case library.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "remote_sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub base_url: Option<String>,
    pub name: String,
    pub created_by: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub last_status: String,
    pub last_error: String,
    pub last_detail: String,
    pub last_fetched_at: Option<TimeDateTimeWithTimeZone>,
    pub case_count: i32,
    pub claimed_until: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
