//! Challenges: "How might we…" questions with an audience, dates, weighted
//! scoring criteria and, for an innovation challenge, a funding pot.
//! Every query takes the organisation; another organisation's challenge is
//! "not found".
use crate::audit::{self, Actor, Change};
use crate::entity::{challenge, challenge_criterion, idea, idea_move};
use crate::{DbError, Timestamp};
use beacon_core::pipeline::stages::DECISION;
use beacon_core::pipeline::{Audience, Pence};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use time::Date;
use uuid::Uuid;

/// At most this many scoring criteria per challenge.
pub const MAX_CRITERIA: usize = 6;

/// One weighted scoring criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub name: String,
    /// 1 to 100; weights are relative, so they need not add up to 100.
    pub weight: i32,
}

/// A challenge as the app sees it, with its criteria in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Challenge {
    pub id: Uuid,
    pub question: String,
    pub description: String,
    pub audience: Audience,
    pub opens_on: Date,
    pub closes_on: Date,
    pub innovation: bool,
    pub pot_pence: Option<Pence>,
    pub allocated_pence: Pence,
    pub created_by: Uuid,
    pub created_at: Timestamp,
    pub criteria: Vec<Criterion>,
}

/// Where a challenge is in its life on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Status {
    Upcoming,
    Open,
    Closed,
}

impl Status {
    pub const fn key(self) -> &'static str {
        match self {
            Status::Upcoming => "upcoming",
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

impl Challenge {
    /// Open from the first moment of `opens_on` to the last of `closes_on`.
    pub fn status(&self, today: Date) -> Status {
        if today < self.opens_on {
            Status::Upcoming
        } else if today > self.closes_on {
            Status::Closed
        } else {
            Status::Open
        }
    }

    fn from_model(m: challenge::Model, criteria: Vec<Criterion>) -> Result<Self, DbError> {
        Ok(Self {
            audience: m
                .audience
                .parse()
                .map_err(|_| DbError::Corrupt(format!("challenge audience {}", m.audience)))?,
            id: m.id,
            question: m.question,
            description: m.description,
            opens_on: m.opens_on,
            closes_on: m.closes_on,
            innovation: m.innovation,
            pot_pence: m.pot_pence,
            allocated_pence: m.allocated_pence,
            created_by: m.created_by,
            created_at: m.created_at,
            criteria,
        })
    }
}

/// What a challenge form says, already parsed and checked by the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChallengeInput {
    pub question: String,
    pub description: String,
    pub audience: Audience,
    pub opens_on: Date,
    pub closes_on: Date,
    pub innovation: bool,
    /// Only for an innovation challenge.
    pub pot_pence: Option<Pence>,
    pub criteria: Vec<Criterion>,
}

/// Why a change to a challenge was refused.
#[derive(Debug, thiserror::Error)]
pub enum ChallengeError {
    /// The pot would be smaller than what the panel has already allocated.
    #[error("the pot is smaller than the {0} pence already allocated")]
    PotBelowAllocated(Pence),
    /// Ideas of this challenge have reached the panel, whose scores use the
    /// criteria as they are.
    #[error("the criteria are in use by the panel")]
    CriteriaInUse,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sea_orm::DbErr> for ChallengeError {
    fn from(e: sea_orm::DbErr) -> Self {
        ChallengeError::Db(DbError::Database(e))
    }
}

async fn insert_criteria<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    challenge: Uuid,
    criteria: &[Criterion],
) -> Result<(), DbError> {
    for (position, c) in criteria.iter().enumerate() {
        challenge_criterion::Entity::insert(challenge_criterion::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            challenge_id: Set(challenge),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            name: Set(c.name.clone()),
            weight: Set(c.weight),
        })
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Store a new challenge and its criteria with an audit event, in the
/// caller's transaction.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    creator: PersonId,
    input: &ChallengeInput,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    challenge::Entity::insert(challenge::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        question: Set(input.question.clone()),
        description: Set(input.description.clone()),
        audience: Set(input.audience.key().to_owned()),
        opens_on: Set(input.opens_on),
        closes_on: Set(input.closes_on),
        innovation: Set(input.innovation),
        pot_pence: Set(input.pot_pence.filter(|_| input.innovation)),
        allocated_pence: Set(0),
        created_by: Set(creator.uuid()),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    insert_criteria(conn, org, id, &input.criteria).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("challenge.create", "challenge", id)
            .in_org(org)
            .after(input),
    )
    .await?;
    Ok(id)
}

/// Change a challenge, in the caller's transaction. The pot never drops
/// below what has been allocated from it (checked in the same statement that
/// changes it, so a decision made meanwhile cannot slip under it), and the
/// criteria stay as they are once any of the challenge's ideas has reached
/// the panel's decision stage.
pub async fn update<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    input: &ChallengeInput,
) -> Result<(), ChallengeError> {
    let before = find(conn, org, id).await?.ok_or(DbError::NotFound)?;
    let criteria_changed = before.criteria != input.criteria;
    if criteria_changed && criteria_in_use(conn, org, id).await? {
        return Err(ChallengeError::CriteriaInUse);
    }
    let pot = input.pot_pence.filter(|_| input.innovation);
    let floor = pot.unwrap_or(0);
    let updated = challenge::Entity::update_many()
        .col_expr(
            challenge::Column::Question,
            Expr::value(input.question.clone()),
        )
        .col_expr(
            challenge::Column::Description,
            Expr::value(input.description.clone()),
        )
        .col_expr(
            challenge::Column::Audience,
            Expr::value(input.audience.key()),
        )
        .col_expr(challenge::Column::OpensOn, Expr::value(input.opens_on))
        .col_expr(challenge::Column::ClosesOn, Expr::value(input.closes_on))
        .col_expr(challenge::Column::Innovation, Expr::value(input.innovation))
        .col_expr(challenge::Column::PotPence, Expr::value(pot))
        .filter(challenge::Column::Id.eq(id))
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .filter(challenge::Column::AllocatedPence.lte(floor))
        .exec(conn)
        .await?;
    if updated.rows_affected == 0 {
        let allocated = find(conn, org, id).await?.map_or(0, |c| c.allocated_pence);
        return Err(ChallengeError::PotBelowAllocated(allocated));
    }
    if criteria_changed {
        challenge_criterion::Entity::delete_many()
            .filter(challenge_criterion::Column::ChallengeId.eq(id))
            .filter(challenge_criterion::Column::OrganisationId.eq(org.uuid()))
            .exec(conn)
            .await?;
        insert_criteria(conn, org, id, &input.criteria).await?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("challenge.update", "challenge", id)
            .in_org(org)
            .before(&before)
            .after(input),
    )
    .await?;
    Ok(())
}

/// Whether any idea of the challenge has ever entered the decision stage.
pub async fn criteria_in_use<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<bool, DbError> {
    let ideas: Vec<Uuid> = idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::ChallengeId.eq(id))
        .all(conn)
        .await?
        .into_iter()
        .map(|i| i.id)
        .collect();
    if ideas.is_empty() {
        return Ok(false);
    }
    let reached = idea_move::Entity::find()
        .filter(idea_move::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_move::Column::IdeaId.is_in(ideas))
        .filter(idea_move::Column::ToStage.eq(DECISION))
        .count(conn)
        .await?;
    Ok(reached > 0)
}

/// The challenge with its criteria, if it belongs to `org`.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Option<Challenge>, DbError> {
    let Some(model) = challenge::Entity::find_by_id(id)
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let criteria = challenge_criterion::Entity::find()
        .filter(challenge_criterion::Column::OrganisationId.eq(org.uuid()))
        .filter(challenge_criterion::Column::ChallengeId.eq(id))
        .order_by_asc(challenge_criterion::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| Criterion {
            name: c.name,
            weight: c.weight,
        })
        .collect();
    Challenge::from_model(model, criteria).map(Some)
}

/// The organisation's challenges for these audiences, newest first (by the
/// day they open), without their criteria.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    audiences: &[Audience],
) -> Result<Vec<Challenge>, DbError> {
    challenge::Entity::find()
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .filter(challenge::Column::Audience.is_in(audiences.iter().map(|a| a.key())))
        .order_by_desc(challenge::Column::OpensOn)
        .order_by_asc(challenge::Column::Question)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| Challenge::from_model(m, Vec::new()))
        .collect()
}
