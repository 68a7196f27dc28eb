//! Pilots (milestones, budget against actual, measures, updates, team) and
//! evaluations (actuals, outcome, lessons, evidence level, case study draft).
//!
//! Every function takes the organisation and finds the idea inside it, so
//! another council's idea is "not found". Each change writes its audit event
//! in the caller's transaction. The rules (what a valid evaluation is, where a
//! milestone stands) are in `beacon_core::pipeline::delivery`.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    case_study_draft, evaluation, idea, idea_move, membership, person, pilot, pilot_milestone,
    pilot_spend, pilot_team_member, pilot_update, pipeline_stage,
};
use crate::ideas::idea_meets;
use crate::{DbError, Timestamp, participation};
use beacon_core::pipeline::delivery::{
    DEFAULT_STAGES, Money, PilotStatus, Rag, StageStep, Transfer, ValidEvaluation, at_or_after,
    is_internal, went_through,
};
use beacon_core::pipeline::{EvidenceLevel, Facet, Outcome, Pence};
use beacon_core::{OrgId, PersonId, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect, TryInsertResult,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use time::Date;
use uuid::Uuid;

/// Whether a save made a new record or changed the one there was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    Created,
    Changed,
}

// ---------------------------------------------------------------------------
// Where an idea stands

/// Which delivery pages apply to an idea.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// It is in the pilot stage or later and went through it (or has a
    /// pilot on record): an idea stopped at screening never had one.
    pub pilot: bool,
    /// It is in the evaluation stage or has ended.
    pub evaluation: bool,
}

const PILOT_STAGE: &str = "pilot";
const EVALUATION_STAGE: &str = "evaluation";

/// The organisation's stages in order, or the default ones if it has not
/// configured any.
async fn stage_order<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(String, bool)>, DbError> {
    let rows = pipeline_stage::Entity::find()
        .filter(pipeline_stage::Column::OrganisationId.eq(org.uuid()))
        .order_by_asc(pipeline_stage::Column::Position)
        .all(conn)
        .await?;
    if rows.is_empty() {
        return Ok(DEFAULT_STAGES
            .iter()
            .map(|s| (s.key.to_owned(), s.terminal))
            .collect());
    }
    Ok(rows.into_iter().map(|s| (s.key, s.terminal)).collect())
}

pub async fn progress<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: &idea::Model,
) -> Result<Progress, DbError> {
    let order = stage_order(conn, org).await?;
    let steps: Vec<StageStep<'_>> = order
        .iter()
        .map(|(key, terminal)| StageStep {
            key,
            terminal: *terminal,
        })
        .collect();
    let history: Vec<String> = idea_move::Entity::find()
        .select_only()
        .column(idea_move::Column::ToStage)
        .filter(idea_move::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_move::Column::IdeaId.eq(idea.id))
        .into_tuple()
        .all(conn)
        .await?;
    let history: Vec<&str> = history.iter().map(String::as_str).collect();
    let pilot = went_through(&steps, &idea.stage, &history, PILOT_STAGE)
        || (at_or_after(&steps, &idea.stage, PILOT_STAGE)
            && pilot_row(conn, org, idea.id).await?.is_some());
    Ok(Progress {
        pilot,
        evaluation: at_or_after(&steps, &idea.stage, EVALUATION_STAGE),
    })
}

/// The organisation's ideas in a stage, oldest first (the demo uses this to
/// find the ideas it gives pilots and evaluations).
pub async fn ideas_in_stage<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    stage: &str,
) -> Result<Vec<idea::Model>, DbError> {
    Ok(idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Stage.eq(stage))
        .order_by_asc(idea::Column::CreatedAt)
        .all(conn)
        .await?)
}

async fn idea_in<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<idea::Model, DbError> {
    crate::ideas::find(conn, org, idea)
        .await?
        .ok_or(DbError::NotFound)
}

/// Every change to an idea's delivery starts here: a write that changes
/// nothing, so that changes to one idea queue up instead of racing. On
/// PostgreSQL it locks the idea's row; on SQLite it takes the write lock
/// before the transaction has read anything, so a second writer waits out the
/// busy timeout rather than failing on a stale snapshot. Another
/// organisation's idea is "not found".
async fn lock_idea<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<idea::Model, DbError> {
    let locked = idea::Entity::update_many()
        .col_expr(idea::Column::Stage, Expr::col(idea::Column::Stage))
        .filter(idea::Column::Id.eq(idea))
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?
        .rows_affected;
    if locked == 0 {
        return Err(DbError::NotFound);
    }
    idea_in(conn, org, idea).await
}

// ---------------------------------------------------------------------------
// Pilots

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pilot {
    pub id: Uuid,
    pub idea: Uuid,
    pub starts_on: Date,
    pub ends_on: Date,
    pub budget_pence: Pence,
    pub baseline: String,
    pub success_measures: String,
    pub status: PilotStatus,
    pub finished_on: Option<Date>,
}

impl TryFrom<pilot::Model> for Pilot {
    type Error = DbError;
    fn try_from(m: pilot::Model) -> Result<Self, DbError> {
        Ok(Self {
            status: m
                .status
                .parse()
                .map_err(|e| DbError::Corrupt(format!("pilot {}: {e}", m.id)))?,
            id: m.id,
            idea: m.idea_id,
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            budget_pence: m.budget_pence,
            baseline: m.baseline,
            success_measures: m.success_measures,
            finished_on: m.finished_on,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Milestone {
    pub id: Uuid,
    pub title: String,
    pub due_on: Date,
    pub done_on: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Spend {
    pub id: Uuid,
    pub spent_on: Date,
    pub description: String,
    pub amount_pence: Pence,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PilotUpdate {
    pub id: Uuid,
    /// `None` once the author has been erased.
    pub author: Option<PersonId>,
    pub author_name: Option<String>,
    pub body: String,
    pub rag: Rag,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TeamMember {
    /// The membership of the team, not the person.
    pub id: Uuid,
    pub person: PersonId,
    pub name: String,
    pub role: String,
    pub seconded: bool,
}

/// A pilot with everything recorded against it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PilotRecord {
    pub pilot: Pilot,
    /// By due date.
    pub milestones: Vec<Milestone>,
    /// By date spent.
    pub spend: Vec<Spend>,
    /// Newest first.
    pub updates: Vec<PilotUpdate>,
    /// By name.
    pub team: Vec<TeamMember>,
}

async fn pilot_row<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<pilot::Model>, DbError> {
    Ok(pilot::Entity::find()
        .filter(pilot::Column::OrganisationId.eq(org.uuid()))
        .filter(pilot::Column::IdeaId.eq(idea))
        .one(conn)
        .await?)
}

async fn existing_pilot<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<pilot::Model, DbError> {
    pilot_row(conn, org, idea).await?.ok_or(DbError::NotFound)
}

/// The idea's pilot, if it has one.
pub async fn pilot<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<Pilot>, DbError> {
    pilot_row(conn, org, idea)
        .await?
        .map(Pilot::try_from)
        .transpose()
}

/// Display names by person, for the people given.
async fn names<C: ConnectionTrait>(
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

/// The idea's pilot with its milestones, spend, updates and team.
pub async fn pilot_record<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<PilotRecord>, DbError> {
    let Some(row) = pilot_row(conn, org, idea).await? else {
        return Ok(None);
    };
    let pilot_id = row.id;
    let milestones = pilot_milestone::Entity::find()
        .filter(pilot_milestone::Column::OrganisationId.eq(org.uuid()))
        .filter(pilot_milestone::Column::PilotId.eq(pilot_id))
        .order_by_asc(pilot_milestone::Column::DueOn)
        .order_by_asc(pilot_milestone::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| Milestone {
            id: m.id,
            title: m.title,
            due_on: m.due_on,
            done_on: m.done_on,
        })
        .collect();
    let spend = pilot_spend::Entity::find()
        .filter(pilot_spend::Column::OrganisationId.eq(org.uuid()))
        .filter(pilot_spend::Column::PilotId.eq(pilot_id))
        .order_by_asc(pilot_spend::Column::SpentOn)
        .order_by_asc(pilot_spend::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| Spend {
            id: s.id,
            spent_on: s.spent_on,
            description: s.description,
            amount_pence: s.amount_pence,
        })
        .collect();
    let update_rows = pilot_update::Entity::find()
        .filter(pilot_update::Column::OrganisationId.eq(org.uuid()))
        .filter(pilot_update::Column::PilotId.eq(pilot_id))
        .order_by_desc(pilot_update::Column::CreatedAt)
        .order_by_desc(pilot_update::Column::Id)
        .all(conn)
        .await?;
    let team_rows = pilot_team_member::Entity::find()
        .filter(pilot_team_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pilot_team_member::Column::PilotId.eq(pilot_id))
        .all(conn)
        .await?;
    let names = names(
        conn,
        update_rows
            .iter()
            .filter_map(|u| u.author_id)
            .chain(team_rows.iter().map(|t| t.person_id)),
    )
    .await?;
    let updates = update_rows
        .into_iter()
        .map(|u| {
            Ok(PilotUpdate {
                rag: u
                    .rag
                    .parse()
                    .map_err(|e| DbError::Corrupt(format!("pilot update {}: {e}", u.id)))?,
                id: u.id,
                author: u.author_id.map(PersonId::from_uuid),
                author_name: u.author_id.and_then(|a| names.get(&a).cloned()),
                body: u.body,
                created_at: u.created_at,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    let mut team: Vec<TeamMember> = team_rows
        .into_iter()
        .map(|t| TeamMember {
            id: t.id,
            person: PersonId::from_uuid(t.person_id),
            name: names.get(&t.person_id).cloned().unwrap_or_default(),
            role: t.role,
            seconded: t.seconded,
        })
        .collect();
    team.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(Some(PilotRecord {
        pilot: Pilot::try_from(row)?,
        milestones,
        spend,
        updates,
        team,
    }))
}

/// Whether the person is on the team of the idea's pilot.
pub async fn is_on_team<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    person: PersonId,
) -> Result<bool, DbError> {
    let Some(pilot) = pilot_row(conn, org, idea).await? else {
        return Ok(false);
    };
    Ok(pilot_team_member::Entity::find()
        .filter(pilot_team_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pilot_team_member::Column::PilotId.eq(pilot.id))
        .filter(pilot_team_member::Column::PersonId.eq(person.uuid()))
        .one(conn)
        .await?
        .is_some())
}

/// A pilot's plan, already checked (`beacon_core::pipeline::delivery::check_pilot_dates`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PilotPlan {
    pub starts_on: Date,
    pub ends_on: Date,
    pub budget_pence: Pence,
    pub baseline: String,
    pub success_measures: String,
}

impl From<&pilot::Model> for PilotPlan {
    fn from(m: &pilot::Model) -> Self {
        Self {
            starts_on: m.starts_on,
            ends_on: m.ends_on,
            budget_pence: m.budget_pence,
            baseline: m.baseline.clone(),
            success_measures: m.success_measures.clone(),
        }
    }
}

/// Set up the idea's pilot, or change its plan if it has one. Two people
/// setting it up at once get one pilot: the second insert finds the first
/// and changes it instead.
pub async fn save_plan<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    plan: PilotPlan,
) -> Result<Saved, DbError> {
    lock_idea(conn, org, idea).await?;
    if pilot_row(conn, org, idea).await?.is_none() {
        let id = Uuid::new_v4();
        let inserted = pilot::Entity::insert(pilot::ActiveModel {
            id: Set(id),
            organisation_id: Set(org.uuid()),
            idea_id: Set(idea),
            starts_on: Set(plan.starts_on),
            ends_on: Set(plan.ends_on),
            budget_pence: Set(plan.budget_pence),
            baseline: Set(plan.baseline.clone()),
            success_measures: Set(plan.success_measures.clone()),
            status: Set(PilotStatus::Active.key().to_owned()),
            finished_on: Set(None),
            created_by: Set(actor.id.map(PersonId::uuid)),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .on_conflict_do_nothing_on([pilot::Column::IdeaId])
        .exec_without_returning(conn)
        .await?;
        if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            audit::record(
                conn,
                now,
                actor,
                Change::new("pilot.plan", "idea", idea)
                    .in_org(org)
                    .after(&plan),
            )
            .await?;
            return Ok(Saved::Created);
        }
    }
    let before = existing_pilot(conn, org, idea).await?;
    pilot::Entity::update_many()
        .col_expr(pilot::Column::StartsOn, Expr::value(plan.starts_on))
        .col_expr(pilot::Column::EndsOn, Expr::value(plan.ends_on))
        .col_expr(pilot::Column::BudgetPence, Expr::value(plan.budget_pence))
        .col_expr(pilot::Column::Baseline, Expr::value(plan.baseline.clone()))
        .col_expr(
            pilot::Column::SuccessMeasures,
            Expr::value(plan.success_measures.clone()),
        )
        .col_expr(pilot::Column::UpdatedAt, Expr::value(now))
        .filter(pilot::Column::Id.eq(before.id))
        .filter(pilot::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("pilot.replan", "idea", idea)
            .in_org(org)
            .before(PilotPlan::from(&before))
            .after(&plan),
    )
    .await?;
    Ok(Saved::Changed)
}

/// Mark the pilot finished. Finishing a finished pilot changes nothing and
/// returns false.
pub async fn finish_pilot<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    on: Date,
) -> Result<bool, DbError> {
    lock_idea(conn, org, idea).await?;
    let pilot = existing_pilot(conn, org, idea).await?;
    let changed = pilot::Entity::update_many()
        .col_expr(
            pilot::Column::Status,
            Expr::value(PilotStatus::Finished.key()),
        )
        .col_expr(pilot::Column::FinishedOn, Expr::value(Some(on)))
        .col_expr(pilot::Column::UpdatedAt, Expr::value(now))
        .filter(pilot::Column::Id.eq(pilot.id))
        .filter(pilot::Column::OrganisationId.eq(org.uuid()))
        .filter(pilot::Column::Status.eq(PilotStatus::Active.key()))
        .exec(conn)
        .await?
        .rows_affected
        > 0;
    if changed {
        audit::record(
            conn,
            now,
            actor,
            Change::new("pilot.finish", "idea", idea)
                .in_org(org)
                .after(serde_json::json!({ "finished_on": on })),
        )
        .await?;
    }
    Ok(changed)
}

pub async fn add_milestone<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    title: &str,
    due_on: Date,
) -> Result<Uuid, DbError> {
    lock_idea(conn, org, idea).await?;
    let pilot = existing_pilot(conn, org, idea).await?;
    let id = Uuid::new_v4();
    pilot_milestone::Entity::insert(pilot_milestone::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        pilot_id: Set(pilot.id),
        title: Set(title.to_owned()),
        due_on: Set(due_on),
        done_on: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("pilot.milestone_add", "milestone", id)
            .in_org(org)
            .after(serde_json::json!({ "idea": idea, "title": title, "due_on": due_on })),
    )
    .await?;
    Ok(id)
}

/// Mark a milestone of the idea's pilot done. One already done stays as it
/// was (false); a milestone of another pilot is "not found".
pub async fn complete_milestone<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    milestone: Uuid,
    done_on: Date,
) -> Result<bool, DbError> {
    lock_idea(conn, org, idea).await?;
    let pilot = existing_pilot(conn, org, idea).await?;
    let mine = pilot_milestone::Column::Id
        .eq(milestone)
        .and(pilot_milestone::Column::PilotId.eq(pilot.id))
        .and(pilot_milestone::Column::OrganisationId.eq(org.uuid()));
    let changed = pilot_milestone::Entity::update_many()
        .col_expr(pilot_milestone::Column::DoneOn, Expr::value(Some(done_on)))
        .filter(mine.clone())
        .filter(pilot_milestone::Column::DoneOn.is_null())
        .exec(conn)
        .await?
        .rows_affected
        > 0;
    if !changed {
        return match pilot_milestone::Entity::find()
            .filter(mine)
            .one(conn)
            .await?
        {
            Some(_) => Ok(false),
            None => Err(DbError::NotFound),
        };
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("pilot.milestone_done", "milestone", milestone)
            .in_org(org)
            .after(serde_json::json!({ "idea": idea, "done_on": done_on })),
    )
    .await?;
    Ok(true)
}

/// Something the pilot has spent, already checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewSpend {
    pub spent_on: Date,
    pub description: String,
    pub amount_pence: Pence,
}

pub async fn record_spend<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    spend: NewSpend,
) -> Result<Uuid, DbError> {
    lock_idea(conn, org, idea).await?;
    let pilot = existing_pilot(conn, org, idea).await?;
    let id = Uuid::new_v4();
    pilot_spend::Entity::insert(pilot_spend::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        pilot_id: Set(pilot.id),
        spent_on: Set(spend.spent_on),
        description: Set(spend.description.clone()),
        amount_pence: Set(spend.amount_pence),
        recorded_by: Set(actor.id.map(PersonId::uuid)),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("pilot.spend", "spend", id)
            .in_org(org)
            .after(serde_json::json!({ "idea": idea, "spend": spend })),
    )
    .await?;
    Ok(id)
}

/// An update on how the pilot is going, already checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewUpdate {
    pub author: PersonId,
    pub body: String,
    pub rag: Rag,
}

/// Post an update on the pilot. The caller notifies people
/// (`notify_audience`) in the same transaction.
pub async fn post_update<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    update: NewUpdate,
) -> Result<Uuid, DbError> {
    lock_idea(conn, org, idea).await?;
    let pilot = existing_pilot(conn, org, idea).await?;
    let id = Uuid::new_v4();
    pilot_update::Entity::insert(pilot_update::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        pilot_id: Set(pilot.id),
        author_id: Set(Some(update.author.uuid())),
        body: Set(update.body.clone()),
        rag: Set(update.rag.key().to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("pilot.update", "pilot_update", id)
            .in_org(org)
            .after(serde_json::json!({ "idea": idea, "rag": update.rag, "body": update.body })),
    )
    .await?;
    Ok(id)
}

/// Someone joining the pilot's team, already checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewTeamMember {
    pub person: PersonId,
    pub role: String,
    pub seconded: bool,
}

/// Add a member of the organisation to the pilot's team. Someone outside the
/// organisation is "not found"; someone already on the team is a conflict.
pub async fn add_team_member<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    member: NewTeamMember,
) -> Result<Uuid, DbError> {
    lock_idea(conn, org, idea).await?;
    let pilot = existing_pilot(conn, org, idea).await?;
    if crate::people::roles_in(conn, org, member.person)
        .await?
        .is_empty()
    {
        return Err(DbError::NotFound);
    }
    let id = Uuid::new_v4();
    let inserted = pilot_team_member::Entity::insert(pilot_team_member::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        pilot_id: Set(pilot.id),
        person_id: Set(member.person.uuid()),
        role: Set(member.role.clone()),
        seconded: Set(member.seconded),
        added_at: Set(now),
    })
    .on_conflict_do_nothing_on([
        pilot_team_member::Column::PilotId,
        pilot_team_member::Column::PersonId,
    ])
    .exec_without_returning(conn)
    .await?;
    if !matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Err(DbError::Conflict("team member"));
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("pilot.team_add", "idea", idea)
            .in_org(org)
            .after(&member),
    )
    .await?;
    Ok(id)
}

/// Take someone off the pilot's team, by their place on it.
pub async fn remove_team_member<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    member: Uuid,
) -> Result<(), DbError> {
    lock_idea(conn, org, idea).await?;
    let pilot = existing_pilot(conn, org, idea).await?;
    let mine = pilot_team_member::Column::Id
        .eq(member)
        .and(pilot_team_member::Column::PilotId.eq(pilot.id))
        .and(pilot_team_member::Column::OrganisationId.eq(org.uuid()));
    let Some(before) = pilot_team_member::Entity::find()
        .filter(mine.clone())
        .one(conn)
        .await?
    else {
        return Err(DbError::NotFound);
    };
    let removed = pilot_team_member::Entity::delete_many()
        .filter(mine)
        .exec(conn)
        .await?
        .rows_affected;
    if removed == 0 {
        return Err(DbError::NotFound);
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("pilot.team_remove", "idea", idea)
            .in_org(org)
            .before(NewTeamMember {
                person: PersonId::from_uuid(before.person_id),
                role: before.role,
                seconded: before.seconded,
            }),
    )
    .await?;
    Ok(())
}

/// Tell the idea's author and followers that something happened to its
/// pilot or evaluation, leaving out whoever did it. Only people who may see
/// the pilot are told: the author, the team, and followers who work inside
/// the organisation; a resident following a public idea hears of its stage
/// moves, not of its internal delivery.
pub async fn notify_audience<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    idea: &idea::Model,
    except: Option<PersonId>,
    subject: &str,
    body: &str,
) -> Result<(), DbError> {
    let author = PersonId::from_uuid(idea.author_id);
    let mut candidates: BTreeSet<PersonId> = participation::followers(conn, org, idea.id)
        .await?
        .into_iter()
        .collect();
    candidates.insert(author);
    if let Some(except) = except {
        candidates.remove(&except);
    }
    if candidates.is_empty() {
        return Ok(());
    }
    let team: BTreeSet<Uuid> = match pilot_row(conn, org, idea.id).await? {
        Some(pilot) => pilot_team_member::Entity::find()
            .select_only()
            .column(pilot_team_member::Column::PersonId)
            .filter(pilot_team_member::Column::OrganisationId.eq(org.uuid()))
            .filter(pilot_team_member::Column::PilotId.eq(pilot.id))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?
            .into_iter()
            .collect(),
        None => BTreeSet::new(),
    };
    let memberships: Vec<(Uuid, String)> = membership::Entity::find()
        .select_only()
        .column(membership::Column::PersonId)
        .column(membership::Column::Role)
        .filter(membership::Column::OrganisationId.eq(org.uuid()))
        .filter(membership::Column::PersonId.is_in(candidates.iter().map(|p| p.uuid())))
        .into_tuple()
        .all(conn)
        .await?;
    let mut roles: BTreeMap<Uuid, Vec<Role>> = BTreeMap::new();
    for (person, role) in memberships {
        if let Ok(role) = role.parse() {
            roles.entry(person).or_default().push(role);
        }
    }
    let recipients: Vec<PersonId> = candidates
        .into_iter()
        .filter(|p| {
            // Nobody outside the organisation, whatever a follow row says.
            let Some(held) = roles.get(&p.uuid()) else {
                return false;
            };
            *p == author || team.contains(&p.uuid()) || is_internal(held)
        })
        .collect();
    if recipients.is_empty() {
        return Ok(());
    }
    participation::notify(conn, now, org, idea.id, &recipients, subject, body).await
}

// ---------------------------------------------------------------------------
// Evaluations

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub idea: Uuid,
    pub money: Money,
    pub outcome: Outcome,
    pub results: String,
    pub lessons: String,
    pub evidence: EvidenceLevel,
    pub transfer: Transfer,
    pub evaluated_by: Option<PersonId>,
    pub evaluated_by_name: Option<String>,
    pub evaluated_at: Timestamp,
}

fn corrupt(what: &str, id: Uuid, e: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("{what} {id}: {e}"))
}

fn evidence_level(raw: i16, what: &str, id: Uuid) -> Result<EvidenceLevel, DbError> {
    u8::try_from(raw)
        .ok()
        .and_then(EvidenceLevel::new)
        .ok_or_else(|| corrupt(what, id, format!("evidence level {raw}")))
}

impl Evaluation {
    fn from_row(m: evaluation::Model, name: Option<String>) -> Result<Self, DbError> {
        Ok(Self {
            idea: m.idea_id,
            money: Money {
                cost: m.actual_cost_pence,
                cashable: m.cashable_pence,
                non_cashable: m.non_cashable_pence,
                social_value: m.social_value_pence,
            },
            outcome: m
                .outcome
                .parse()
                .map_err(|e| corrupt("evaluation", m.id, e))?,
            evidence: evidence_level(m.evidence_level, "evaluation", m.id)?,
            transfer: if m.transfers {
                Transfer::Yes(m.transfers_to)
            } else {
                Transfer::No
            },
            results: m.results,
            lessons: m.lessons,
            evaluated_by: m.evaluated_by.map(PersonId::from_uuid),
            evaluated_by_name: name,
            evaluated_at: m.evaluated_at,
        })
    }
}

async fn evaluation_row<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<evaluation::Model>, DbError> {
    Ok(evaluation::Entity::find()
        .filter(evaluation::Column::OrganisationId.eq(org.uuid()))
        .filter(evaluation::Column::IdeaId.eq(idea))
        .one(conn)
        .await?)
}

/// The idea's evaluation, if one has been recorded.
pub async fn evaluation<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<Evaluation>, DbError> {
    let Some(row) = evaluation_row(conn, org, idea).await? else {
        return Ok(None);
    };
    let name = match row.evaluated_by {
        Some(by) => names(conn, [by]).await?.remove(&by),
        None => None,
    };
    Evaluation::from_row(row, name).map(Some)
}

/// Record the idea's evaluation, or revise the one there is. The caller
/// notifies people (`notify_audience`) in the same transaction.
pub async fn record_evaluation<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    valid: &ValidEvaluation,
) -> Result<Saved, DbError> {
    lock_idea(conn, org, idea).await?;
    let (transfers, transfers_to) = match &valid.transfer {
        Transfer::Yes(to) => (true, to.clone()),
        Transfer::No => (false, String::new()),
    };
    let evaluated_by = actor.id.map(PersonId::uuid);
    let evidence = i16::from(valid.evidence.get());
    if evaluation_row(conn, org, idea).await?.is_none() {
        let inserted = evaluation::Entity::insert(evaluation::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            idea_id: Set(idea),
            actual_cost_pence: Set(valid.money.cost),
            cashable_pence: Set(valid.money.cashable),
            non_cashable_pence: Set(valid.money.non_cashable),
            social_value_pence: Set(valid.money.social_value),
            outcome: Set(valid.outcome.key().to_owned()),
            results: Set(valid.results.clone()),
            lessons: Set(valid.lessons.clone()),
            evidence_level: Set(evidence),
            transfers: Set(transfers),
            transfers_to: Set(transfers_to.clone()),
            evaluated_by: Set(evaluated_by),
            evaluated_at: Set(now),
        })
        .on_conflict_do_nothing_on([evaluation::Column::IdeaId])
        .exec_without_returning(conn)
        .await?;
        if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            audit::record(
                conn,
                now,
                actor,
                Change::new("evaluation.record", "idea", idea)
                    .in_org(org)
                    .after(valid),
            )
            .await?;
            return Ok(Saved::Created);
        }
    }
    let before = evaluation_row(conn, org, idea)
        .await?
        .ok_or(DbError::NotFound)?;
    let before_id = before.id;
    let before = Evaluation::from_row(before, None)?;
    evaluation::Entity::update_many()
        .col_expr(
            evaluation::Column::ActualCostPence,
            Expr::value(valid.money.cost),
        )
        .col_expr(
            evaluation::Column::CashablePence,
            Expr::value(valid.money.cashable),
        )
        .col_expr(
            evaluation::Column::NonCashablePence,
            Expr::value(valid.money.non_cashable),
        )
        .col_expr(
            evaluation::Column::SocialValuePence,
            Expr::value(valid.money.social_value),
        )
        .col_expr(
            evaluation::Column::Outcome,
            Expr::value(valid.outcome.key()),
        )
        .col_expr(
            evaluation::Column::Results,
            Expr::value(valid.results.clone()),
        )
        .col_expr(
            evaluation::Column::Lessons,
            Expr::value(valid.lessons.clone()),
        )
        .col_expr(evaluation::Column::EvidenceLevel, Expr::value(evidence))
        .col_expr(evaluation::Column::Transfers, Expr::value(transfers))
        .col_expr(evaluation::Column::TransfersTo, Expr::value(transfers_to))
        .col_expr(evaluation::Column::EvaluatedBy, Expr::value(evaluated_by))
        .col_expr(evaluation::Column::EvaluatedAt, Expr::value(now))
        .filter(evaluation::Column::Id.eq(before_id))
        .filter(evaluation::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("evaluation.revise", "idea", idea)
            .in_org(org)
            .before(serde_json::json!({
                "money": before.money,
                "outcome": before.outcome,
                "results": before.results,
                "lessons": before.lessons,
                "evidence": before.evidence,
                "transfer": before.transfer,
            }))
            .after(valid),
    )
    .await?;
    Ok(Saved::Changed)
}

/// What the evaluation gate needs to know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvaluationState {
    /// An evaluation with an outcome exists.
    pub recorded: bool,
    /// Its lessons are written.
    pub lessons: bool,
}

pub async fn evaluation_state<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<EvaluationState, DbError> {
    Ok(match evaluation_row(conn, org, idea).await? {
        // Every stored evaluation has an outcome: it was checked on the way in.
        Some(row) => EvaluationState {
            recorded: row.outcome.parse::<Outcome>().is_ok(),
            lessons: !row.lessons.trim().is_empty(),
        },
        None => EvaluationState::default(),
    })
}

/// What an evaluated idea actually achieved, for the portfolio.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RealisedTotals {
    pub idea: Uuid,
    pub cashable_pence: i64,
    pub non_cashable_pence: i64,
    pub social_value_pence: i64,
    pub cost_pence: i64,
}

/// The realised totals of every evaluated idea in `org`.
pub async fn realised_totals<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<RealisedTotals>, DbError> {
    realised_totals_where(conn, org, Condition::all()).await
}

/// The same for the evaluated ideas that meet `ideas`, a condition on the
/// `ideas` table checked in the query (see
/// `appraisal::expected_totals_where`).
pub async fn realised_totals_where<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    ideas: Condition,
) -> Result<Vec<RealisedTotals>, DbError> {
    Ok(evaluation::Entity::find()
        .filter(evaluation::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_meets(evaluation::Column::IdeaId, ideas))
        .order_by_asc(evaluation::Column::EvaluatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|e| RealisedTotals {
            idea: e.idea_id,
            cashable_pence: e.cashable_pence,
            non_cashable_pence: e.non_cashable_pence,
            social_value_pence: e.social_value_pence,
            cost_pence: e.actual_cost_pence,
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Case study drafts

/// A draft case study for the practice exchange. It holds only facts copied
/// from the idea and its evaluation: never who wrote the idea, who ran the
/// pilot, or anything from its updates, spend or comments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseStudyDraft {
    pub id: Uuid,
    pub idea: Uuid,
    pub title: String,
    pub summary: String,
    pub challenge: String,
    pub approach: String,
    pub results: String,
    pub lessons: String,
    pub service_area: String,
    pub facet: Facet,
    pub outcome: Outcome,
    pub evidence: EvidenceLevel,
    /// Realised cost and savings.
    pub money: Money,
    pub status: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What a draft's status is when this part writes it.
pub const DRAFT: &str = "draft";

impl TryFrom<case_study_draft::Model> for CaseStudyDraft {
    type Error = DbError;
    fn try_from(m: case_study_draft::Model) -> Result<Self, DbError> {
        Ok(Self {
            facet: m
                .facet
                .parse()
                .map_err(|e| corrupt("case study", m.id, e))?,
            outcome: m
                .outcome
                .parse()
                .map_err(|e| corrupt("case study", m.id, e))?,
            evidence: evidence_level(m.evidence_level, "case study", m.id)?,
            money: Money {
                cost: m.cost_pence,
                cashable: m.cashable_savings_pence,
                non_cashable: m.non_cashable_savings_pence,
                social_value: m.social_value_pence,
            },
            id: m.id,
            idea: m.idea_id,
            title: m.title,
            summary: m.summary,
            challenge: m.challenge,
            approach: m.approach,
            results: m.results,
            lessons: m.lessons,
            service_area: m.service_area,
            status: m.status,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

async fn draft_row<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<case_study_draft::Model>, DbError> {
    Ok(case_study_draft::Entity::find()
        .filter(case_study_draft::Column::OrganisationId.eq(org.uuid()))
        .filter(case_study_draft::Column::IdeaId.eq(idea))
        .one(conn)
        .await?)
}

/// The idea's draft case study, if one has been drafted.
pub async fn case_study_draft<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<CaseStudyDraft>, DbError> {
    draft_row(conn, org, idea)
        .await?
        .map(CaseStudyDraft::try_from)
        .transpose()
}

/// The facts a draft copies, from the idea and its evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct DraftFacts {
    title: String,
    summary: String,
    challenge: String,
    approach: String,
    results: String,
    lessons: String,
    service_area: String,
    facet: String,
    outcome: String,
    evidence_level: i16,
    cashable_savings_pence: i64,
    non_cashable_savings_pence: i64,
    social_value_pence: i64,
    cost_pence: i64,
}

impl DraftFacts {
    fn of(idea: &idea::Model, evaluation: &evaluation::Model) -> Self {
        Self {
            title: idea.title.clone(),
            summary: idea.expected_benefit.clone(),
            challenge: idea.problem.clone(),
            approach: idea.proposal.clone(),
            results: evaluation.results.clone(),
            lessons: evaluation.lessons.clone(),
            service_area: idea.service_area.clone(),
            facet: idea.facet.clone(),
            outcome: evaluation.outcome.clone(),
            evidence_level: evaluation.evidence_level,
            cashable_savings_pence: evaluation.cashable_pence,
            non_cashable_savings_pence: evaluation.non_cashable_pence,
            social_value_pence: evaluation.social_value_pence,
            cost_pence: evaluation.actual_cost_pence,
        }
    }

    fn of_draft(d: &case_study_draft::Model) -> Self {
        Self {
            title: d.title.clone(),
            summary: d.summary.clone(),
            challenge: d.challenge.clone(),
            approach: d.approach.clone(),
            results: d.results.clone(),
            lessons: d.lessons.clone(),
            service_area: d.service_area.clone(),
            facet: d.facet.clone(),
            outcome: d.outcome.clone(),
            evidence_level: d.evidence_level,
            cashable_savings_pence: d.cashable_savings_pence,
            non_cashable_savings_pence: d.non_cashable_savings_pence,
            social_value_pence: d.social_value_pence,
            cost_pence: d.cost_pence,
        }
    }
}

/// Draft the idea's case study from its evaluation, or redraft the one there
/// is from the facts as they are now. Without an evaluation there is nothing
/// to draft from: "not found".
pub async fn draft_case_study<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
) -> Result<Saved, DbError> {
    let idea = lock_idea(conn, org, idea).await?;
    let evaluation = evaluation_row(conn, org, idea.id)
        .await?
        .ok_or(DbError::NotFound)?;
    let facts = DraftFacts::of(&idea, &evaluation);
    if draft_row(conn, org, idea.id).await?.is_none() {
        let inserted = case_study_draft::Entity::insert(case_study_draft::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            idea_id: Set(idea.id),
            title: Set(facts.title.clone()),
            summary: Set(facts.summary.clone()),
            challenge: Set(facts.challenge.clone()),
            approach: Set(facts.approach.clone()),
            results: Set(facts.results.clone()),
            lessons: Set(facts.lessons.clone()),
            service_area: Set(facts.service_area.clone()),
            facet: Set(facts.facet.clone()),
            outcome: Set(facts.outcome.clone()),
            evidence_level: Set(facts.evidence_level),
            cashable_savings_pence: Set(facts.cashable_savings_pence),
            non_cashable_savings_pence: Set(facts.non_cashable_savings_pence),
            social_value_pence: Set(facts.social_value_pence),
            cost_pence: Set(facts.cost_pence),
            status: Set(DRAFT.to_owned()),
            created_by: Set(actor.id.map(PersonId::uuid)),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .on_conflict_do_nothing_on([case_study_draft::Column::IdeaId])
        .exec_without_returning(conn)
        .await?;
        if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
            audit::record(
                conn,
                now,
                actor,
                Change::new("case_study.draft", "idea", idea.id)
                    .in_org(org)
                    .after(&facts),
            )
            .await?;
            return Ok(Saved::Created);
        }
    }
    let before = draft_row(conn, org, idea.id)
        .await?
        .ok_or(DbError::NotFound)?;
    case_study_draft::Entity::update_many()
        .col_expr(
            case_study_draft::Column::Title,
            Expr::value(facts.title.clone()),
        )
        .col_expr(
            case_study_draft::Column::Summary,
            Expr::value(facts.summary.clone()),
        )
        .col_expr(
            case_study_draft::Column::Challenge,
            Expr::value(facts.challenge.clone()),
        )
        .col_expr(
            case_study_draft::Column::Approach,
            Expr::value(facts.approach.clone()),
        )
        .col_expr(
            case_study_draft::Column::Results,
            Expr::value(facts.results.clone()),
        )
        .col_expr(
            case_study_draft::Column::Lessons,
            Expr::value(facts.lessons.clone()),
        )
        .col_expr(
            case_study_draft::Column::ServiceArea,
            Expr::value(facts.service_area.clone()),
        )
        .col_expr(
            case_study_draft::Column::Facet,
            Expr::value(facts.facet.clone()),
        )
        .col_expr(
            case_study_draft::Column::Outcome,
            Expr::value(facts.outcome.clone()),
        )
        .col_expr(
            case_study_draft::Column::EvidenceLevel,
            Expr::value(facts.evidence_level),
        )
        .col_expr(
            case_study_draft::Column::CashableSavingsPence,
            Expr::value(facts.cashable_savings_pence),
        )
        .col_expr(
            case_study_draft::Column::NonCashableSavingsPence,
            Expr::value(facts.non_cashable_savings_pence),
        )
        .col_expr(
            case_study_draft::Column::SocialValuePence,
            Expr::value(facts.social_value_pence),
        )
        .col_expr(
            case_study_draft::Column::CostPence,
            Expr::value(facts.cost_pence),
        )
        .col_expr(case_study_draft::Column::UpdatedAt, Expr::value(now))
        .filter(case_study_draft::Column::Id.eq(before.id))
        .filter(case_study_draft::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("case_study.redraft", "idea", idea.id)
            .in_org(org)
            .before(DraftFacts::of_draft(&before))
            .after(&facts),
    )
    .await?;
    Ok(Saved::Changed)
}
