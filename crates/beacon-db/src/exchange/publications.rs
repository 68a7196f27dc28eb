//! Publications: the projection of a case that leaves its council, and the
//! only thing read about a case outside it (PROMISES.md 21). Every query over
//! `case_publications` for a reader goes through [`readable_by`], so who may
//! read what is decided in one place.
use crate::entity::{case_audience, case_publication};
use beacon_core::exchange::{Level, Reader};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

/// The rows of `case_publications` that `reader` may read: every public one,
/// and the partners-level ones whose audience includes the reader's council.
/// The reader's own council reads its cases from `case_studies`, not here.
pub fn readable_by(reader: &Reader) -> Condition {
    let public = case_publication::Column::Level.eq(Level::Public.key());
    match reader.org() {
        None => Condition::all().add(public),
        Some(org) => Condition::any().add(public).add(
            Condition::all()
                .add(case_publication::Column::Level.eq(Level::Partners.key()))
                .add(
                    case_publication::Column::Id.in_subquery(
                        Query::select()
                            .column(case_audience::Column::PublicationId)
                            .from(case_audience::Entity)
                            .and_where(case_audience::Column::OrganisationId.eq(org.uuid()))
                            .to_owned(),
                    ),
                ),
        ),
    }
}

/// The reader a member of `org` is: acting for it, with its partners.
pub async fn reader_for<C: sea_orm::ConnectionTrait>(
    conn: &C,
    org: beacon_core::OrgId,
) -> Result<Reader, crate::DbError> {
    Ok(Reader::Member {
        org,
        partners: crate::organisations::partners_of(conn, org).await?,
    })
}

/// The publication with this id, if `reader` may read it.
pub async fn readable<C: sea_orm::ConnectionTrait>(
    conn: &C,
    reader: &Reader,
    id: uuid::Uuid,
) -> Result<Option<case_publication::Model>, crate::DbError> {
    use sea_orm::{EntityTrait, QueryFilter};
    Ok(case_publication::Entity::find_by_id(id)
        .filter(readable_by(reader))
        .one(conn)
        .await?)
}
