//! How many ideas an organisation has with one challenge, stage, kind and
//! visibility; kept by triggers on `ideas` (migration
//! `m20261124_000042_idea_counts`), never written by the app.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idea_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub visible: bool,
    #[sea_orm(primary_key, auto_increment = false)]
    pub stage: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    /// The challenge the ideas answer, or the nil uuid for none.
    #[sea_orm(primary_key, auto_increment = false)]
    pub challenge_key: Uuid,
    pub n: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
