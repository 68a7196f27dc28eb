//! Ideas: written, listed, found similar, moved through the stages. Every
//! query takes the organisation; another organisation's idea is "not found".
use crate::audit::{self, Actor, Change};
use crate::entity::{idea, idea_move};
use crate::{DbError, Timestamp};
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_core::{OrgId, PersonId};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// The idea, if it belongs to `org`.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Option<idea::Model>, DbError> {
    Ok(idea::Entity::find_by_id(id)
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?)
}

/// A new idea, already checked by the caller (the web layer parses forms into
/// these fields; the ideation pages promote a way into one).
#[derive(Clone, Debug)]
pub struct NewIdea {
    pub challenge: Option<Uuid>,
    pub author: PersonId,
    pub pseudonym: Option<String>,
    pub title: String,
    pub problem: String,
    pub proposal: String,
    pub service_area: String,
    pub measure_today: String,
    pub measure_aspiration: String,
    pub expected_benefit: String,
    pub kind: IdeaKind,
    pub facet: Facet,
    pub lever: Lever,
}

/// The stage every idea starts in.
pub const FIRST_STAGE: &str = "submitted";

/// Store a new idea in its first stage, with the first entry of its history
/// and an audit event, in the caller's transaction.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    new: NewIdea,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    let model = idea::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        challenge_id: Set(new.challenge),
        author_id: Set(new.author.uuid()),
        pseudonym: Set(new.pseudonym),
        title: Set(new.title),
        problem: Set(new.problem),
        proposal: Set(new.proposal),
        service_area: Set(new.service_area),
        measure_today: Set(new.measure_today),
        measure_aspiration: Set(new.measure_aspiration),
        expected_benefit: Set(new.expected_benefit),
        kind: Set(new.kind.key().to_owned()),
        facet: Set(new.facet.key().to_owned()),
        lever: Set(new.lever.key().to_owned()),
        stage: Set(FIRST_STAGE.to_owned()),
        hidden: Set(false),
        merged_into: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    idea::Entity::insert(model)
        .exec_without_returning(conn)
        .await?;
    idea_move::Entity::insert(idea_move::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        idea_id: Set(id),
        from_stage: Set(None),
        to_stage: Set(FIRST_STAGE.to_owned()),
        reason: Set(String::new()),
        moved_by: Set(actor.id.map(PersonId::uuid)),
        moved_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("idea.submitted", "idea", id).in_org(org),
    )
    .await?;
    Ok(id)
}
