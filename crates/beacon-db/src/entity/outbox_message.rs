use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organisation_id: Option<Uuid>,
    pub to_address: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub next_attempt_at: TimeDateTimeWithTimeZone,
    pub attempts: i32,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub sent_at: Option<TimeDateTimeWithTimeZone>,
    /// An iCalendar object sent as a `text/calendar` part (a visit invitation).
    #[sea_orm(column_type = "Text", nullable)]
    pub calendar: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
