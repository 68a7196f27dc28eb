//! A person's journey into a vacancy: invited → interested → assessed →
//! offered → trial → placed, or back to the pool (DESIGN.md §3.2).
use crate::audit::{self, Actor, Change};
use crate::entity::{placement, placement_step, pool_member, staff, vacancy};
use crate::{DbError, Timestamp};
use beacon_core::talent::{JourneyStep, PoolStatus};
use beacon_core::{OrgId, PersonId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TryInsertResult,
};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// An invitation to a vacancy.
#[derive(Debug, Clone, Serialize)]
pub struct Invitation {
    pub vacancy: Uuid,
    pub staff: Uuid,
    /// Who takes the next step (usually the vacancy's manager or HR).
    pub owner: PersonId,
    /// A pool member meeting the essential criteria at the same or a lower
    /// grade is guaranteed an interview.
    pub interview_guaranteed: bool,
}

/// Invite a member of staff to a vacancy of the same organisation. Someone
/// already on their way into it is a conflict, however many invitations
/// arrive at once. Returns the placement's id.
pub async fn invite<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    today: Date,
    actor: &Actor,
    org: OrgId,
    invitation: &Invitation,
) -> Result<Uuid, DbError> {
    let vacancy_here = vacancy::Entity::find_by_id(invitation.vacancy)
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .is_some();
    let staff_here = staff::Entity::find_by_id(invitation.staff)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .is_some();
    if !vacancy_here || !staff_here {
        return Err(DbError::NotFound);
    }
    let stay = pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pool_member::Column::StaffId.eq(invitation.staff))
        .filter(pool_member::Column::Status.ne(PoolStatus::Left.key()))
        .filter(pool_member::Column::Status.ne(PoolStatus::Placed.key()))
        .one(conn)
        .await?;
    let id = Uuid::new_v4();
    let inserted = placement::Entity::insert(placement::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        vacancy_id: Set(invitation.vacancy),
        staff_id: Set(invitation.staff),
        pool_member_id: Set(stay.map(|s| s.id)),
        step: Set(JourneyStep::Invited.key().to_owned()),
        owner_id: Set(invitation.owner.uuid()),
        step_on: Set(today),
        interview_guaranteed: Set(invitation.interview_guaranteed),
        training_plan: Set(None),
        trial_starts_on: Set(None),
        trial_ends_on: Set(None),
        extension_agreement: Set(None),
        outcome_note: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .on_conflict_do_nothing_on([placement::Column::VacancyId, placement::Column::StaffId])
    .exec_without_returning(conn)
    .await?;
    if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Err(DbError::Conflict("placement"));
    }
    placement_step::Entity::insert(placement_step::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        placement_id: Set(id),
        step: Set(JourneyStep::Invited.key().to_owned()),
        owner_id: Set(invitation.owner.uuid()),
        on_date: Set(today),
        note: Set(String::new()),
        actor_id: Set(actor.id.map(PersonId::uuid)),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("journey.invite", "placement", id)
            .in_org(org)
            .after(invitation),
    )
    .await?;
    Ok(id)
}
