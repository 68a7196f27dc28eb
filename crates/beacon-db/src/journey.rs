//! A person's journey into a vacancy: invited → interested → assessed →
//! offered → trial → placed, or back to the pool (DESIGN.md §3.2).
//!
//! Every function takes the organisation and finds the journey inside it, so
//! another council's journey is "not found". Each move is a conditional
//! update on the step it starts from, written with its history row, its audit
//! event and the person's email in the caller's transaction. The rules (who
//! may take which step, trial dates) are in `beacon_core::talent::journey`.
//! The redeployment team's assignments live here too.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    assignment, idea, person, pilot, placement, placement_step, pool_member, post, staff,
    staff_qualification, staff_strength, trial_outcome, vacancy, vacancy_essential,
    vacancy_strength,
};
use crate::{DbError, Timestamp, outbox};
use beacon_core::pipeline::delivery::PilotStatus;
use beacon_core::talent::journey::{
    TrialDates, TrialOutcome, ValidExtension, ValidMove, ValidOutcome,
};
use beacon_core::talent::{AssignmentKind, JourneyStep, PoolStatus, PostStatus, VacancyStatus};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TryInsertResult,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::Date;
use uuid::Uuid;

/// A journey's id (its placement's), named for callers without `uuid`.
pub type JourneyId = Uuid;

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

/// `invite`, then tell the person by email (when their staff record has an
/// address), in the caller's transaction: what the pool's invitations use.
#[allow(clippy::too_many_arguments)]
pub async fn invite_and_tell<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    today: Date,
    actor: &Actor,
    org: OrgId,
    invitation: &Invitation,
    notice: &Notice,
) -> Result<Uuid, DbError> {
    let id = invite(conn, now, today, actor, org, invitation).await?;
    let email = staff::Entity::find_by_id(invitation.staff)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .and_then(|s| s.email);
    tell(conn, now, org, email.as_deref(), Some(notice)).await?;
    Ok(id)
}

// ---------------------------------------------------------------------------
// Reading journeys

/// A journey as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    pub id: Uuid,
    pub staff: Uuid,
    pub staff_name: String,
    pub vacancy: Uuid,
    pub vacancy_title: String,
    pub step: JourneyStep,
    pub step_on: Date,
    pub owner_name: Option<String>,
    pub trial_starts_on: Option<Date>,
    pub trial_ends_on: Option<Date>,
}

/// One page of lists, with how many there are in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
}

fn step_of(raw: &str) -> Result<JourneyStep, DbError> {
    raw.parse()
        .map_err(|_| DbError::Corrupt(format!("journey step {raw}")))
}

/// Display names by person, for the people given.
async fn person_names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<BTreeMap<Uuid, String>, DbError> {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(Uuid, String)> = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .column(person::Column::DisplayName)
        .filter(person::Column::Id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

async fn rows_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    placements: Vec<placement::Model>,
) -> Result<Vec<Row>, DbError> {
    let staff_ids: BTreeSet<Uuid> = placements.iter().map(|p| p.staff_id).collect();
    let vacancy_ids: BTreeSet<Uuid> = placements.iter().map(|p| p.vacancy_id).collect();
    let names: BTreeMap<Uuid, String> = if staff_ids.is_empty() {
        BTreeMap::new()
    } else {
        staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .column(staff::Column::Name)
            .filter(staff::Column::OrganisationId.eq(org.uuid()))
            .filter(staff::Column::Id.is_in(staff_ids))
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    let titles: BTreeMap<Uuid, String> = if vacancy_ids.is_empty() {
        BTreeMap::new()
    } else {
        vacancy::Entity::find()
            .select_only()
            .column(vacancy::Column::Id)
            .column(vacancy::Column::Title)
            .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
            .filter(vacancy::Column::Id.is_in(vacancy_ids))
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    let owners = person_names(conn, placements.iter().map(|p| p.owner_id)).await?;
    placements
        .into_iter()
        .map(|p| {
            Ok(Row {
                id: p.id,
                staff: p.staff_id,
                staff_name: names.get(&p.staff_id).cloned().unwrap_or_default(),
                vacancy: p.vacancy_id,
                vacancy_title: titles.get(&p.vacancy_id).cloned().unwrap_or_default(),
                step: step_of(&p.step)?,
                step_on: p.step_on,
                owner_name: owners.get(&p.owner_id).cloned(),
                trial_starts_on: p.trial_starts_on,
                trial_ends_on: p.trial_ends_on,
            })
        })
        .collect()
}

/// The organisation's journeys, most recently moved first, optionally at
/// one step; `page` counts from 1.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    step: Option<JourneyStep>,
    page: u64,
    per_page: u64,
) -> Result<Page<Row>, DbError> {
    let mut query = placement::Entity::find()
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .order_by_desc(placement::Column::StepOn)
        .order_by_asc(placement::Column::Id);
    if let Some(step) = step {
        query = query.filter(placement::Column::Step.eq(step.key()));
    }
    let pages = query.paginate(conn, per_page.max(1));
    let total = pages.num_items().await?;
    let placements = pages.fetch_page(page.saturating_sub(1)).await?;
    Ok(Page {
        rows: rows_of(conn, org, placements).await?,
        total,
    })
}

/// The journeys into one vacancy, most recently moved first: what the
/// vacancy's page shows its manager (names, steps and dates only).
pub async fn for_vacancy<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    vacancy: Uuid,
) -> Result<Vec<Row>, DbError> {
    let placements = placement::Entity::find()
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .filter(placement::Column::VacancyId.eq(vacancy))
        .order_by_desc(placement::Column::StepOn)
        .order_by_asc(placement::Column::Id)
        .limit(500)
        .all(conn)
        .await?;
    rows_of(conn, org, placements).await
}

/// The staff records of a person in the organisation (usually one).
async fn staff_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    person: PersonId,
) -> Result<Vec<Uuid>, DbError> {
    Ok(staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::PersonId.eq(person.uuid()))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The signed-in person's own journeys, most recent first.
pub async fn mine<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    person: PersonId,
) -> Result<Vec<Row>, DbError> {
    let staff = staff_of(conn, org, person).await?;
    if staff.is_empty() {
        return Ok(Vec::new());
    }
    let placements = placement::Entity::find()
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .filter(placement::Column::StaffId.is_in(staff))
        .order_by_desc(placement::Column::UpdatedAt)
        .limit(100)
        .all(conn)
        .await?;
    rows_of(conn, org, placements).await
}

/// Whether the journey is the person's own.
pub async fn is_own<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    person: PersonId,
    journey: &placement::Model,
) -> Result<bool, DbError> {
    Ok(staff_of(conn, org, person)
        .await?
        .contains(&journey.staff_id))
}

/// One step of a journey's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryStep {
    pub step: JourneyStep,
    pub on: Date,
    pub owner_name: Option<String>,
    pub actor_name: Option<String>,
    pub note: String,
}

/// The manager's record of the trial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub outcome: TrialOutcome,
    pub note: String,
    pub recorded_on: Date,
}

/// A journey with everything its page may show; the page decides what each
/// visitor sees of it.
#[derive(Clone, Debug)]
pub struct Journey {
    pub placement: placement::Model,
    pub step: JourneyStep,
    pub staff: staff::Model,
    pub vacancy: vacancy::Model,
    /// Who raised the vacancy: its manager.
    pub manager: PersonId,
    pub history: Vec<HistoryStep>,
    pub outcome: Option<Outcome>,
}

impl Journey {
    pub fn trial(&self) -> Option<TrialDates> {
        match (self.placement.trial_starts_on, self.placement.trial_ends_on) {
            (Some(starts_on), Some(ends_on)) => Some(TrialDates { starts_on, ends_on }),
            _ => None,
        }
    }
}

/// The placement with this id in the organisation, or "not found".
pub async fn placement_in<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<placement::Model, DbError> {
    placement::Entity::find_by_id(id)
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

pub async fn find<C: ConnectionTrait>(conn: &C, org: OrgId, id: Uuid) -> Result<Journey, DbError> {
    let placement = placement_in(conn, org, id).await?;
    let staff = staff::Entity::find_by_id(placement.staff_id)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let vacancy = vacancy::Entity::find_by_id(placement.vacancy_id)
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let steps = placement_step::Entity::find()
        .filter(placement_step::Column::OrganisationId.eq(org.uuid()))
        .filter(placement_step::Column::PlacementId.eq(id))
        .order_by_asc(placement_step::Column::CreatedAt)
        .all(conn)
        .await?;
    let names = person_names(
        conn,
        steps
            .iter()
            .flat_map(|s| std::iter::once(s.owner_id).chain(s.actor_id)),
    )
    .await?;
    let history = steps
        .into_iter()
        .map(|s| {
            Ok(HistoryStep {
                step: step_of(&s.step)?,
                on: s.on_date,
                owner_name: names.get(&s.owner_id).cloned(),
                actor_name: s.actor_id.and_then(|a| names.get(&a).cloned()),
                note: s.note,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    let outcome = trial_outcome::Entity::find_by_id(id)
        .filter(trial_outcome::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .map(|o| {
            Ok::<_, DbError>(Outcome {
                outcome: o
                    .outcome
                    .parse()
                    .map_err(|_| DbError::Corrupt(format!("trial outcome {}", o.outcome)))?,
                note: o.note,
                recorded_on: o.recorded_on,
            })
        })
        .transpose()?;
    Ok(Journey {
        step: step_of(&placement.step)?,
        manager: PersonId::from_uuid(vacancy.raised_by),
        placement,
        staff,
        vacancy,
        history,
        outcome,
    })
}

/// Whether the person lacks something the vacancy asks for: an essential
/// qualification (missing or expired by `today`) or a desired strength at
/// the level wanted. An offer to them needs a training plan.
pub async fn has_gaps<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    journey: &Journey,
    today: Date,
) -> Result<bool, DbError> {
    let essentials: Vec<String> = vacancy_essential::Entity::find()
        .select_only()
        .column(vacancy_essential::Column::Code)
        .filter(vacancy_essential::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_essential::Column::VacancyId.eq(journey.vacancy.id))
        .into_tuple()
        .all(conn)
        .await?;
    let held: BTreeSet<String> = staff_qualification::Entity::find()
        .filter(staff_qualification::Column::OrganisationId.eq(org.uuid()))
        .filter(staff_qualification::Column::StaffId.eq(journey.staff.id))
        .all(conn)
        .await?
        .into_iter()
        .filter(|q| q.expires_on.is_none_or(|e| e >= today))
        .map(|q| q.code)
        .collect();
    if essentials.iter().any(|code| !held.contains(code)) {
        return Ok(true);
    }
    let wanted: Vec<(Uuid, i32)> = vacancy_strength::Entity::find()
        .select_only()
        .column(vacancy_strength::Column::StrengthId)
        .column(vacancy_strength::Column::Level)
        .filter(vacancy_strength::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_strength::Column::VacancyId.eq(journey.vacancy.id))
        .into_tuple()
        .all(conn)
        .await?;
    if wanted.is_empty() {
        return Ok(false);
    }
    let levels: BTreeMap<Uuid, i32> = staff_strength::Entity::find()
        .select_only()
        .column(staff_strength::Column::StrengthId)
        .column(staff_strength::Column::Level)
        .filter(staff_strength::Column::OrganisationId.eq(org.uuid()))
        .filter(staff_strength::Column::StaffId.eq(journey.staff.id))
        .into_tuple::<(Uuid, i32)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(wanted
        .iter()
        .any(|(strength, level)| levels.get(strength).copied().unwrap_or(0) < *level))
}

// ---------------------------------------------------------------------------
// Moving a journey

/// The email that tells the person what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub subject: String,
    pub body: String,
}

/// Email the member of staff, when their record has an address (the demo,
/// seeding the past, passes no notice).
async fn tell<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    staff_email: Option<&str>,
    notice: Option<&Notice>,
) -> Result<(), DbError> {
    let Some(notice) = notice else {
        return Ok(());
    };
    if let Some(to) = staff_email.map(str::trim).filter(|e| !e.is_empty()) {
        outbox::enqueue(conn, now, Some(org), to, &notice.subject, &notice.body).await?;
    }
    Ok(())
}

/// What the audit log keeps of a move: never the notes or plans, which are
/// HR content (PROMISES.md 22).
#[derive(Serialize)]
struct StepAudit {
    step: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    on: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trial: Option<TrialDates>,
}

/// Take a checked move from `from`. The update is conditional on the step
/// still being `from`, so of two moves made at once only one is written; the
/// other is a conflict and changes nothing. Writes the step's history row,
/// its audit event and the person's email, and what the move means for the
/// pool stay, the vacancy and the post.
#[allow(clippy::too_many_arguments)]
pub async fn advance<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    today: Date,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    from: JourneyStep,
    owner: PersonId,
    valid: &ValidMove,
    notice: Option<&Notice>,
) -> Result<(), DbError> {
    // The conditional update comes first: on SQLite it takes the write lock
    // before anything is read, so a second mover waits and then finds the
    // step gone, rather than failing on a stale snapshot.
    let mut update = placement::Entity::update_many()
        .col_expr(placement::Column::Step, Expr::value(valid.to.key()))
        .col_expr(placement::Column::OwnerId, Expr::value(owner.uuid()))
        .col_expr(placement::Column::StepOn, Expr::value(today))
        .col_expr(placement::Column::UpdatedAt, Expr::value(now));
    if let Some(plan) = &valid.training_plan {
        update = update.col_expr(placement::Column::TrainingPlan, Expr::value(plan.clone()));
    }
    if let Some(trial) = valid.trial {
        update = update
            .col_expr(
                placement::Column::TrialStartsOn,
                Expr::value(trial.starts_on),
            )
            .col_expr(placement::Column::TrialEndsOn, Expr::value(trial.ends_on));
    }
    if valid.to == JourneyStep::Placed || valid.to == JourneyStep::Returned {
        update = update.col_expr(
            placement::Column::OutcomeNote,
            Expr::value((!valid.note.is_empty()).then(|| valid.note.clone())),
        );
    }
    let moved = update
        .filter(placement::Column::Id.eq(id))
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .filter(placement::Column::Step.eq(from.key()))
        .exec(conn)
        .await?
        .rows_affected;
    if moved == 0 {
        placement_in(conn, org, id).await?;
        return Err(DbError::Conflict("journey step"));
    }
    let before = placement_in(conn, org, id).await?;
    placement_step::Entity::insert(placement_step::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        placement_id: Set(id),
        step: Set(valid.to.key().to_owned()),
        owner_id: Set(owner.uuid()),
        on_date: Set(today),
        note: Set(valid.note.clone()),
        actor_id: Set(actor.id.map(PersonId::uuid)),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    if let Some(stay) = before.pool_member_id {
        let status = match valid.to {
            JourneyStep::Trial => Some(PoolStatus::OnTrial),
            JourneyStep::Placed => Some(PoolStatus::Placed),
            JourneyStep::Returned => Some(PoolStatus::Active),
            _ => None,
        };
        if let Some(status) = status {
            let mut stay_update = pool_member::Entity::update_many()
                .col_expr(pool_member::Column::Status, Expr::value(status.key()))
                .col_expr(pool_member::Column::UpdatedAt, Expr::value(now));
            if status == PoolStatus::Placed {
                stay_update =
                    stay_update.col_expr(pool_member::Column::PlacedOn, Expr::value(today));
            }
            stay_update
                .filter(pool_member::Column::Id.eq(stay))
                .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
                // A stay that has ended (placed elsewhere, or left) stays ended.
                .filter(
                    pool_member::Column::Status
                        .is_in([PoolStatus::Active.key(), PoolStatus::OnTrial.key()]),
                )
                .exec(conn)
                .await?;
        }
    }
    if valid.to == JourneyStep::Placed {
        let vacancy = vacancy::Entity::find_by_id(before.vacancy_id)
            .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
            .one(conn)
            .await?
            .ok_or(DbError::NotFound)?;
        vacancy::Entity::update_many()
            .col_expr(
                vacancy::Column::Status,
                Expr::value(VacancyStatus::Filled.key()),
            )
            .col_expr(vacancy::Column::UpdatedAt, Expr::value(now))
            .filter(vacancy::Column::Id.eq(vacancy.id))
            .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
            .exec(conn)
            .await?;
        if let Some(post) = vacancy.post_id {
            post::Entity::update_many()
                .col_expr(post::Column::HolderId, Expr::value(before.staff_id))
                .col_expr(post::Column::Status, Expr::value(PostStatus::Filled.key()))
                .col_expr(post::Column::UpdatedAt, Expr::value(now))
                .filter(post::Column::Id.eq(post))
                .filter(post::Column::OrganisationId.eq(org.uuid()))
                .exec(conn)
                .await?;
        }
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("journey.step", "placement", id)
            .in_org(org)
            .before(StepAudit {
                step: from.key(),
                on: None,
                trial: None,
            })
            .after(StepAudit {
                step: valid.to.key(),
                on: Some(today),
                trial: valid.trial,
            }),
    )
    .await?;
    let email = staff::Entity::find_by_id(before.staff_id)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .and_then(|s| s.email);
    tell(conn, now, org, email.as_deref(), notice).await
}

/// The manager's record of how the trial went. Only while the journey is
/// at its trial: a second record revises the first (the manager may change
/// their mind until HR places the person), audited as a revision.
#[allow(clippy::too_many_arguments)]
pub async fn record_outcome<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    today: Date,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    outcome: &ValidOutcome,
) -> Result<(), DbError> {
    // A write that changes nothing but holds the journey at its trial.
    let held = placement::Entity::update_many()
        .col_expr(placement::Column::UpdatedAt, Expr::value(now))
        .filter(placement::Column::Id.eq(id))
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .filter(placement::Column::Step.eq(JourneyStep::Trial.key()))
        .exec(conn)
        .await?
        .rows_affected;
    if held == 0 {
        placement_in(conn, org, id).await?;
        return Err(DbError::Conflict("journey step"));
    }
    let inserted = trial_outcome::Entity::insert(trial_outcome::ActiveModel {
        placement_id: Set(id),
        organisation_id: Set(org.uuid()),
        outcome: Set(outcome.outcome.key().to_owned()),
        note: Set(outcome.note.clone()),
        recorded_by: Set(actor.id.map(PersonId::uuid)),
        recorded_on: Set(today),
        created_at: Set(now),
    })
    .on_conflict_do_nothing_on([trial_outcome::Column::PlacementId])
    .exec_without_returning(conn)
    .await?;
    if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return audit::record(
            conn,
            now,
            actor,
            Change::new("journey.trial_outcome", "placement", id)
                .in_org(org)
                .after(serde_json::json!({ "recorded_on": today })),
        )
        .await;
    }
    let before = trial_outcome::Entity::find_by_id(id)
        .filter(trial_outcome::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    trial_outcome::Entity::update_many()
        .col_expr(
            trial_outcome::Column::Outcome,
            Expr::value(outcome.outcome.key()),
        )
        .col_expr(
            trial_outcome::Column::Note,
            Expr::value(outcome.note.clone()),
        )
        .col_expr(
            trial_outcome::Column::RecordedBy,
            Expr::value(actor.id.map(PersonId::uuid)),
        )
        .col_expr(trial_outcome::Column::RecordedOn, Expr::value(today))
        .filter(trial_outcome::Column::PlacementId.eq(id))
        .filter(trial_outcome::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    // The outcome itself and its note are HR content: the log says that it
    // changed, by whom and when, not what it says (PROMISES.md 4, 22).
    audit::record(
        conn,
        now,
        actor,
        Change::new("journey.trial_outcome_revised", "placement", id)
            .in_org(org)
            .before(serde_json::json!({
                "recorded_on": before.recorded_on,
                "recorded_by": before.recorded_by,
            }))
            .after(serde_json::json!({
                "recorded_on": today,
                "recorded_by": actor.id.map(PersonId::uuid),
            })),
    )
    .await
}

/// Extend a running trial for retraining, by written agreement. Conditional
/// on the trial still ending when the page said it did.
#[allow(clippy::too_many_arguments)]
pub async fn extend_trial<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    current: TrialDates,
    extension: &ValidExtension,
    notice: Option<&Notice>,
) -> Result<(), DbError> {
    let extended = placement::Entity::update_many()
        .col_expr(
            placement::Column::TrialEndsOn,
            Expr::value(extension.ends_on),
        )
        .col_expr(
            placement::Column::ExtensionAgreement,
            Expr::value(extension.agreement.clone()),
        )
        .col_expr(placement::Column::UpdatedAt, Expr::value(now))
        .filter(placement::Column::Id.eq(id))
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .filter(placement::Column::Step.eq(JourneyStep::Trial.key()))
        .filter(placement::Column::TrialEndsOn.eq(current.ends_on))
        .exec(conn)
        .await?
        .rows_affected;
    if extended == 0 {
        placement_in(conn, org, id).await?;
        return Err(DbError::Conflict("trial"));
    }
    let before = placement_in(conn, org, id).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("journey.trial_extended", "placement", id)
            .in_org(org)
            .before(serde_json::json!({ "ends_on": current.ends_on }))
            .after(serde_json::json!({ "ends_on": extension.ends_on })),
    )
    .await?;
    let email = staff::Entity::find_by_id(before.staff_id)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .and_then(|s| s.email);
    tell(conn, now, org, email.as_deref(), notice).await
}

// ---------------------------------------------------------------------------
// The redeployment team

/// Someone in the pool and not yet placed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub stay: Uuid,
    pub staff: Uuid,
    pub employee_number: String,
    pub name: String,
    pub job_title: String,
    pub entered_on: Date,
    pub status: PoolStatus,
}

/// The pool's unplaced people (active or on a trial), longest waiting first.
pub async fn unplaced<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    page: u64,
    per_page: u64,
) -> Result<Page<Unplaced>, DbError> {
    let pages = pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(
            pool_member::Column::Status
                .is_in([PoolStatus::Active.key(), PoolStatus::OnTrial.key()]),
        )
        .order_by_asc(pool_member::Column::EnteredOn)
        .order_by_asc(pool_member::Column::Id)
        .paginate(conn, per_page.max(1));
    let total = pages.num_items().await?;
    let stays = pages.fetch_page(page.saturating_sub(1)).await?;
    let ids: BTreeSet<Uuid> = stays.iter().map(|s| s.staff_id).collect();
    let staff: BTreeMap<Uuid, staff::Model> = if ids.is_empty() {
        BTreeMap::new()
    } else {
        staff::Entity::find()
            .filter(staff::Column::OrganisationId.eq(org.uuid()))
            .filter(staff::Column::Id.is_in(ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    };
    let rows = stays
        .into_iter()
        .filter_map(|s| {
            let person = staff.get(&s.staff_id)?;
            Some(Unplaced {
                stay: s.id,
                staff: s.staff_id,
                employee_number: person.employee_number.clone(),
                name: person.name.clone(),
                job_title: person.job_title.clone(),
                entered_on: s.entered_on,
                status: s.status.parse().unwrap_or(PoolStatus::Active),
            })
        })
        .collect();
    Ok(Page { rows, total })
}

/// An assignment as the redeployment page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub id: Uuid,
    pub staff: Uuid,
    pub staff_name: String,
    pub kind: AssignmentKind,
    pub title: String,
    pub idea: Option<Uuid>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub ended_on: Option<Date>,
}

/// Assignments still running (not ended), soonest to end first, at most
/// `limit` of them.
pub async fn current_assignments<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    limit: u64,
) -> Result<Vec<Assignment>, DbError> {
    let rows = assignment::Entity::find()
        .filter(assignment::Column::OrganisationId.eq(org.uuid()))
        .filter(assignment::Column::EndedOn.is_null())
        .order_by_asc(assignment::Column::EndsOn)
        .order_by_asc(assignment::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    let ids: BTreeSet<Uuid> = rows.iter().map(|a| a.staff_id).collect();
    let names: BTreeMap<Uuid, String> = if ids.is_empty() {
        BTreeMap::new()
    } else {
        staff::Entity::find()
            .select_only()
            .column(staff::Column::Id)
            .column(staff::Column::Name)
            .filter(staff::Column::OrganisationId.eq(org.uuid()))
            .filter(staff::Column::Id.is_in(ids))
            .into_tuple::<(Uuid, String)>()
            .all(conn)
            .await?
            .into_iter()
            .collect()
    };
    rows.into_iter()
        .map(|a| {
            Ok(Assignment {
                id: a.id,
                staff: a.staff_id,
                staff_name: names.get(&a.staff_id).cloned().unwrap_or_default(),
                kind: a
                    .kind
                    .parse()
                    .map_err(|_| DbError::Corrupt(format!("assignment kind {}", a.kind)))?,
                title: a.title,
                idea: a.idea_id,
                starts_on: a.starts_on,
                ends_on: a.ends_on,
                ended_on: a.ended_on,
            })
        })
        .collect()
}

/// The organisation's pilots that are running, with their ideas' titles,
/// for a pilot assignment.
pub async fn running_pilots<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(Uuid, String)>, DbError> {
    let ideas: Vec<Uuid> = pilot::Entity::find()
        .select_only()
        .column(pilot::Column::IdeaId)
        .filter(pilot::Column::OrganisationId.eq(org.uuid()))
        .filter(pilot::Column::Status.eq(PilotStatus::Active.key()))
        .into_tuple()
        .all(conn)
        .await?;
    if ideas.is_empty() {
        return Ok(Vec::new());
    }
    Ok(idea::Entity::find()
        .select_only()
        .column(idea::Column::Id)
        .column(idea::Column::Title)
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Id.is_in(ideas))
        .order_by_asc(idea::Column::Title)
        .into_tuple()
        .all(conn)
        .await?)
}

/// The open pool stay of the member of staff with this employee number.
pub async fn open_stay_by_number<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    employee_number: &str,
) -> Result<Option<(staff::Model, pool_member::Model)>, DbError> {
    let Some(person) = staff::Entity::find()
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::EmployeeNumber.eq(employee_number.trim()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let stay = pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pool_member::Column::StaffId.eq(person.id))
        .filter(
            pool_member::Column::Status
                .is_in([PoolStatus::Active.key(), PoolStatus::OnTrial.key()]),
        )
        .one(conn)
        .await?;
    Ok(stay.map(|s| (person, s)))
}

/// An assignment to write, already checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewAssignment {
    pub staff: Uuid,
    pub stay: Uuid,
    pub kind: AssignmentKind,
    pub title: String,
    /// For a pilot: the idea whose pilot they join.
    pub idea: Option<Uuid>,
    pub starts_on: Date,
    pub ends_on: Date,
}

/// Allocate someone in the pool to a project, secondment or pilot. For a
/// pilot, someone with an account joins the pilot's team as seconded.
pub async fn assign<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    new: &NewAssignment,
) -> Result<Uuid, DbError> {
    let person = staff::Entity::find_by_id(new.staff)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if let Some(idea) = new.idea {
        let running = pilot::Entity::find()
            .filter(pilot::Column::OrganisationId.eq(org.uuid()))
            .filter(pilot::Column::IdeaId.eq(idea))
            .filter(pilot::Column::Status.eq(PilotStatus::Active.key()))
            .one(conn)
            .await?;
        if running.is_none() {
            return Err(DbError::NotFound);
        }
        if let Some(account) = person.person_id.map(PersonId::from_uuid)
            && !crate::people::roles_in(conn, org, account)
                .await?
                .is_empty()
        {
            let joined = crate::delivery::add_team_member(
                conn,
                now,
                actor,
                org,
                idea,
                crate::delivery::NewTeamMember {
                    person: account,
                    role: new.title.clone(),
                    seconded: true,
                },
            )
            .await;
            match joined {
                Ok(_) | Err(DbError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    let id = Uuid::new_v4();
    assignment::Entity::insert(assignment::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        staff_id: Set(new.staff),
        pool_member_id: Set(Some(new.stay)),
        kind: Set(new.kind.key().to_owned()),
        title: Set(new.title.clone()),
        idea_id: Set(new.idea),
        starts_on: Set(new.starts_on),
        ends_on: Set(new.ends_on),
        ended_on: Set(None),
        created_by: Set(actor.id.map(PersonId::uuid)),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("redeployment.assign", "assignment", id)
            .in_org(org)
            .after(new),
    )
    .await?;
    Ok(id)
}

/// End a running assignment on `today`. An assignment already ended, or
/// another organisation's, changes nothing.
pub async fn end_assignment<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    today: Date,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
) -> Result<(), DbError> {
    let ended = assignment::Entity::update_many()
        .col_expr(assignment::Column::EndedOn, Expr::value(today))
        .col_expr(assignment::Column::UpdatedAt, Expr::value(now))
        .filter(assignment::Column::Id.eq(id))
        .filter(assignment::Column::OrganisationId.eq(org.uuid()))
        .filter(assignment::Column::EndedOn.is_null())
        .exec(conn)
        .await?
        .rows_affected;
    if ended == 0 {
        let exists = assignment::Entity::find_by_id(id)
            .filter(assignment::Column::OrganisationId.eq(org.uuid()))
            .one(conn)
            .await?
            .is_some();
        return Err(if exists {
            DbError::Conflict("assignment ended")
        } else {
            DbError::NotFound
        });
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("redeployment.end", "assignment", id)
            .in_org(org)
            .after(serde_json::json!({ "ended_on": today })),
    )
    .await
}

// ---------------------------------------------------------------------------
// What the demo and the tests read and seed

/// The organisation's open vacancies (held for the pool or open to all),
/// oldest first.
pub async fn open_vacancies<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    limit: u64,
) -> Result<Vec<vacancy::Model>, DbError> {
    Ok(vacancy::Entity::find()
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .filter(
            vacancy::Column::Status
                .is_in([VacancyStatus::PoolOnly.key(), VacancyStatus::External.key()]),
        )
        .order_by_asc(vacancy::Column::CreatedAt)
        .order_by_asc(vacancy::Column::Id)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Active pool stays of people on no journey yet, longest waiting first.
pub async fn stays_off_journeys<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    limit: u64,
) -> Result<Vec<pool_member::Model>, DbError> {
    let on_journeys: BTreeSet<Uuid> = placement::Entity::find()
        .select_only()
        .column(placement::Column::StaffId)
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .into_tuple::<Uuid>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    Ok(pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pool_member::Column::Status.eq(PoolStatus::Active.key()))
        .order_by_asc(pool_member::Column::EnteredOn)
        .order_by_asc(pool_member::Column::Id)
        .limit(limit)
        .all(conn)
        .await?
        .into_iter()
        .filter(|s| !on_journeys.contains(&s.staff_id))
        .collect())
}

/// The staff record of a person with an account, if they have one here.
pub async fn staff_record_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    person: PersonId,
) -> Result<Option<staff::Model>, DbError> {
    Ok(staff::Entity::find()
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::PersonId.eq(person.uuid()))
        .one(conn)
        .await?)
}

/// Minimal records for the demo and the tests, when the parts that own the
/// staff, vacancy and pool tables have seeded nothing: a member of staff in
/// the pool, and a vacancy with its post. Real records come from those
/// parts' own pages and imports.
pub mod fixtures {
    use super::*;

    #[derive(Clone, Debug)]
    pub struct PoolPerson<'a> {
        pub employee_number: &'a str,
        pub name: &'a str,
        pub job_title: &'a str,
        pub email: Option<&'a str>,
        pub account: Option<PersonId>,
        pub tier: beacon_core::talent::PoolTier,
        pub entered_on: Date,
    }

    /// Returns the staff record's id and the pool stay's.
    pub async fn person_in_pool<C: ConnectionTrait>(
        conn: &C,
        now: Timestamp,
        org: OrgId,
        p: &PoolPerson<'_>,
    ) -> Result<(Uuid, Uuid), DbError> {
        let id = Uuid::new_v4();
        staff::Entity::insert(staff::ActiveModel {
            id: Set(id),
            organisation_id: Set(org.uuid()),
            employee_number: Set(p.employee_number.to_owned()),
            person_id: Set(p.account.map(PersonId::uuid)),
            name: Set(p.name.to_owned()),
            email: Set(p.email.map(str::to_owned)),
            job_title: Set(p.job_title.to_owned()),
            grade: Set(5),
            weekly_minutes: Set(37 * 60),
            service_area: Set(None),
            site: Set(Some("Town Hall".to_owned())),
            home_easting: Set(None),
            home_northing: Set(None),
            max_travel_km: Set(Some(20)),
            work_sites: Set(String::new()),
            preferred_areas: Set(String::new()),
            willing_to_trial: Set(true),
            available_from: Set(None),
            started_on: Set(None),
            left_on: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(conn)
        .await
        .map_err(DbError::unique("staff"))?;
        let stay = Uuid::new_v4();
        pool_member::Entity::insert(pool_member::ActiveModel {
            id: Set(stay),
            organisation_id: Set(org.uuid()),
            staff_id: Set(id),
            tier: Set(p.tier.key().to_owned()),
            status: Set(PoolStatus::Active.key().to_owned()),
            entered_on: Set(p.entered_on),
            protected_until: Set(None),
            reason: Set("The service was redesigned and the role removed.".to_owned()),
            shared: Set(false),
            placed_on: Set(None),
            left_on: Set(None),
            redundancy_cost_pence: Set(Some(2_000_000)),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(conn)
        .await?;
        Ok((id, stay))
    }

    #[derive(Clone, Debug)]
    pub struct Job<'a> {
        pub reference: &'a str,
        pub title: &'a str,
        pub service_area: &'a str,
        pub raised_by: PersonId,
        /// Essential qualification codes, none of them trainable.
        pub essentials: &'a [&'a str],
        pub created_at: Timestamp,
    }

    /// A vacant post and its vacancy, held for the pool. Returns the
    /// vacancy's id.
    pub async fn vacancy_with_post<C: ConnectionTrait>(
        conn: &C,
        now: Timestamp,
        org: OrgId,
        job: &Job<'_>,
    ) -> Result<Uuid, DbError> {
        let post_id = Uuid::new_v4();
        post::Entity::insert(post::ActiveModel {
            id: Set(post_id),
            organisation_id: Set(org.uuid()),
            reference: Set(job.reference.to_owned()),
            title: Set(job.title.to_owned()),
            service_area: Set(job.service_area.to_owned()),
            grade: Set(6),
            weekly_minutes: Set(37 * 60),
            site: Set("Town Hall".to_owned()),
            easting: Set(None),
            northing: Set(None),
            remote: Set(false),
            annual_cost_pence: Set(3_400_000),
            status: Set(PostStatus::Vacant.key().to_owned()),
            holder_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(conn)
        .await
        .map_err(DbError::unique("post"))?;
        let id = Uuid::new_v4();
        vacancy::Entity::insert(vacancy::ActiveModel {
            id: Set(id),
            organisation_id: Set(org.uuid()),
            post_id: Set(Some(post_id)),
            title: Set(job.title.to_owned()),
            summary: Set(format!("A {} post, held for the pool first.", job.title)),
            service_area: Set(job.service_area.to_owned()),
            grade_min: Set(4),
            grade_max: Set(7),
            weekly_minutes: Set(37 * 60),
            site: Set("Town Hall".to_owned()),
            easting: Set(None),
            northing: Set(None),
            remote: Set(false),
            training_limit_days: Set(180),
            status: Set(VacancyStatus::PoolOnly.key().to_owned()),
            review_decision: Set(Some("replace".to_owned())),
            review_reason: Set(None),
            annual_saving_pence: Set(None),
            approved_by: Set(None),
            approved_at: Set(None),
            pool_until: Set(Some(now.date() + time::Duration::days(28))),
            closes_on: Set(None),
            shared: Set(false),
            raised_by: Set(job.raised_by.uuid()),
            created_at: Set(job.created_at),
            updated_at: Set(now),
        })
        .exec_without_returning(conn)
        .await?;
        for code in job.essentials {
            crate::entity::vacancy_essential::Entity::insert(
                crate::entity::vacancy_essential::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    organisation_id: Set(org.uuid()),
                    vacancy_id: Set(id),
                    code: Set((*code).to_owned()),
                    title: Set((*code).replace('_', " ")),
                    training_days: Set(None),
                },
            )
            .exec_without_returning(conn)
            .await?;
        }
        Ok(id)
    }
}
