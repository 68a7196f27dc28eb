//! Panels: declared conflicts, private weighted scores, funding decisions that
//! allocate from a challenge's pot and never beyond it.
//!
//! The rules are `beacon_core::pipeline::panel`'s; this module keeps the facts
//! and makes the rules hold when many requests arrive at once:
//! - one declaration per reviewer and idea (a unique index);
//! - one set of scores per reviewer (a conditional update that marks the
//!   declaration scored, and a unique index on the scores themselves);
//! - one decision per idea (a unique index), and money from a pot taken by a
//!   single conditional update in the decision's transaction, so that two
//!   decisions can never spend the same pound on SQLite or PostgreSQL.
//!
//! The functions that change things open their own transaction on whatever
//! they are given (a connection, or a transaction, where they nest as a
//! savepoint, as the demo seeding does). Transactions here start with their
//! write. On SQLite a transaction that
//! reads before it writes cannot wait for another writer (its snapshot goes
//! stale), so checks that need a consistent view run after the first write.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    challenge, challenge_criterion, funding_decision, idea, idea_move, panel_declaration,
    panel_score, person, pipeline_stage,
};
use crate::{DbError, Timestamp, appraisal, participation};
use beacon_core::pipeline::panel::{
    Comment, Decision, DeclineReason, FundingError, Interest, Mark, Pot, Score, Sheet, Standing,
    Weight, complete_sheet,
};
use beacon_core::pipeline::{FundingModel, Pence};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The stage in which the panel scores and decides.
pub const DECISION_STAGE: &str = "decision";
/// The stage before it: the panel may look ahead and declare interests.
pub const PREVIEW_STAGE: &str = "business_case";

#[derive(Debug, thiserror::Error)]
pub enum PanelError {
    #[error("not found")]
    NotFound,
    /// The idea is not at a stage where the panel may do this.
    #[error("the idea is not before the panel")]
    NotAtPanel,
    #[error("already declared")]
    AlreadyDeclared,
    /// The reviewer wrote the idea: they cannot declare that they have no
    /// interest in it.
    #[error("the reviewer wrote the idea")]
    OwnIdea,
    #[error("no declaration of interest yet")]
    NotDeclared,
    #[error("a conflict of interest was declared")]
    Conflicted,
    #[error("already scored")]
    AlreadyScored,
    /// The sheet does not score exactly the idea's criteria; the keys of
    /// those without a score.
    #[error("criteria without a score: {0:?}")]
    Incomplete(Vec<String>),
    #[error("no one has scored the idea yet")]
    NoScores,
    #[error("already decided")]
    AlreadyDecided,
    #[error(transparent)]
    Funding(#[from] FundingError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<DbErr> for PanelError {
    fn from(e: DbErr) -> Self {
        PanelError::Db(DbError::Database(e))
    }
}

/// One criterion an idea is scored against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Criterion {
    /// The challenge criterion's id, or a default criterion's key.
    pub key: String,
    /// The challenge's name for it; `None` for a default criterion, whose
    /// name is a translation (`panel.criterion.<key>`).
    pub name: Option<String>,
    pub weight: Weight,
}

/// The criteria of the idea's challenge in their order, or the default
/// criteria when it has none.
pub async fn criteria<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: &idea::Model,
) -> Result<Vec<Criterion>, DbError> {
    let mut out = Vec::new();
    if let Some(challenge) = idea.challenge_id {
        let rows = challenge_criterion::Entity::find()
            .filter(challenge_criterion::Column::OrganisationId.eq(org.uuid()))
            .filter(challenge_criterion::Column::ChallengeId.eq(challenge))
            .order_by_asc(challenge_criterion::Column::Position)
            .all(conn)
            .await?;
        for row in rows {
            let weight = Weight::new(i64::from(row.weight)).ok_or_else(|| {
                DbError::Corrupt(format!("criterion {} has weight {}", row.id, row.weight))
            })?;
            out.push(Criterion {
                key: row.id.to_string(),
                name: Some(row.name),
                weight,
            });
        }
    }
    if out.is_empty() {
        out = beacon_core::pipeline::panel::DEFAULT_CRITERIA
            .iter()
            .map(|key| Criterion {
                key: (*key).to_owned(),
                name: None,
                weight: Weight::ONE,
            })
            .collect();
    }
    Ok(out)
}

/// The challenge's pot, if the idea is in a challenge that has one.
pub async fn pot_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    challenge: Option<Uuid>,
) -> Result<Option<Pot>, DbError> {
    let Some(id) = challenge else {
        return Ok(None);
    };
    let Some(row) = find_challenge(conn, org, id).await? else {
        return Ok(None);
    };
    pot_in(&row)
}

fn pot_in(row: &challenge::Model) -> Result<Option<Pot>, DbError> {
    match row.pot_pence {
        None => Ok(None),
        Some(total) => Pot::new(total, row.allocated_pence)
            .map(Some)
            .ok_or_else(|| {
                DbError::Corrupt(format!(
                    "challenge {} has allocated {} of a pot of {total}",
                    row.id, row.allocated_pence
                ))
            }),
    }
}

/// The challenge, if it belongs to `org`.
pub async fn find_challenge<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Option<challenge::Model>, DbError> {
    Ok(challenge::Entity::find_by_id(id)
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?)
}

/// The organisation's name for a stage, if it has configured that stage.
pub async fn stage_name<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    key: &str,
) -> Result<Option<String>, DbError> {
    Ok(pipeline_stage::Entity::find()
        .filter(pipeline_stage::Column::OrganisationId.eq(org.uuid()))
        .filter(pipeline_stage::Column::Key.eq(key))
        .one(conn)
        .await?
        .map(|s| s.name))
}

/// What the idea's business case asks for, when the appraisal knows: the
/// preferred option's costs.
pub async fn asked<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<Pence>, DbError> {
    Ok(appraisal::expected_totals(conn, org)
        .await?
        .into_iter()
        .find(|t| t.idea == idea)
        .map(|t| t.cost_pence)
        .filter(|c| *c > 0))
}

/// A reviewer's declaration, as the panel sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Declaration {
    pub reviewer: PersonId,
    pub reviewer_name: String,
    pub conflict: bool,
    pub interest: String,
    pub declared_at: Timestamp,
    pub scored_at: Option<Timestamp>,
}

async fn declaration_row<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    reviewer: PersonId,
) -> Result<Option<panel_declaration::Model>, DbError> {
    Ok(panel_declaration::Entity::find()
        .filter(panel_declaration::Column::OrganisationId.eq(org.uuid()))
        .filter(panel_declaration::Column::IdeaId.eq(idea))
        .filter(panel_declaration::Column::ReviewerId.eq(reviewer.uuid()))
        .one(conn)
        .await?)
}

/// The reviewer's own declaration on the idea, if they have made one.
pub async fn own_declaration<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    reviewer: PersonId,
) -> Result<Option<Declaration>, DbError> {
    let Some(row) = declaration_row(conn, org, idea, reviewer).await? else {
        return Ok(None);
    };
    let names = names_of(conn, [row.reviewer_id]).await?;
    Ok(Some(declaration_from(row, &names)))
}

fn declaration_from(row: panel_declaration::Model, names: &BTreeMap<Uuid, String>) -> Declaration {
    Declaration {
        reviewer: PersonId::from_uuid(row.reviewer_id),
        reviewer_name: names.get(&row.reviewer_id).cloned().unwrap_or_default(),
        conflict: row.conflict,
        interest: row.interest,
        declared_at: row.declared_at,
        scored_at: row.scored_at,
    }
}

/// Every declaration on the idea, oldest first. Who declared a conflict is
/// not secret from the panel; their scores do not exist.
pub async fn declarations<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Vec<Declaration>, DbError> {
    let rows = panel_declaration::Entity::find()
        .filter(panel_declaration::Column::OrganisationId.eq(org.uuid()))
        .filter(panel_declaration::Column::IdeaId.eq(idea))
        .order_by_asc(panel_declaration::Column::DeclaredAt)
        .order_by_asc(panel_declaration::Column::Id)
        .all(conn)
        .await?;
    let names = names_of(conn, rows.iter().map(|r| r.reviewer_id)).await?;
    Ok(rows
        .into_iter()
        .map(|r| declaration_from(r, &names))
        .collect())
}

async fn names_of<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<BTreeMap<Uuid, String>, DbError> {
    let ids: BTreeSet<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect())
}

/// Where the reviewer stands on the idea: what they may do and see.
pub async fn standing<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    reviewer: PersonId,
) -> Result<Standing, DbError> {
    let row = declaration_row(conn, org, idea, reviewer).await?;
    Ok(Standing::from_record(
        row.as_ref().map(|r| r.conflict),
        row.as_ref().is_some_and(|r| r.scored_at.is_some()),
    ))
}

/// How many reviewers have submitted their scores on the idea.
pub async fn score_sets<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<u64, DbError> {
    Ok(panel_declaration::Entity::find()
        .filter(panel_declaration::Column::OrganisationId.eq(org.uuid()))
        .filter(panel_declaration::Column::IdeaId.eq(idea))
        .filter(panel_declaration::Column::ScoredAt.is_not_null())
        .count(conn)
        .await?)
}

async fn idea_at<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<idea::Model, PanelError> {
    crate::ideas::find(conn, org, id)
        .await?
        .ok_or(PanelError::NotFound)
}

/// What a reviewer declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Declared {
    NoConflict,
    Conflict(Interest),
}

/// Record the reviewer's declaration on the idea: once, while the idea is
/// at the business case or decision stage.
pub async fn declare<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    reviewer: PersonId,
    declared: Declared,
) -> Result<(), PanelError> {
    declare_with(db, now, actor, org, idea, reviewer, declared, When::Now).await
}

/// Whether the stage rules apply: always, except when recording what a
/// panel did before an idea moved on (`record_past`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum When {
    Now,
    Past,
}

#[allow(clippy::too_many_arguments)]
async fn declare_with<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    reviewer: PersonId,
    declared: Declared,
    when: When,
) -> Result<(), PanelError> {
    let found = idea_at(db, org, idea).await?;
    if when == When::Now && found.stage != DECISION_STAGE && found.stage != PREVIEW_STAGE {
        return Err(PanelError::NotAtPanel);
    }
    if declared == Declared::NoConflict && found.author_id == reviewer.uuid() {
        return Err(PanelError::OwnIdea);
    }
    let (conflict, interest) = match &declared {
        Declared::NoConflict => (false, String::new()),
        Declared::Conflict(i) => (true, i.as_str().to_owned()),
    };
    let txn = crate::begin_writing(db).await?;
    panel_declaration::Entity::insert(panel_declaration::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        reviewer_id: Set(reviewer.uuid()),
        conflict: Set(conflict),
        interest: Set(interest.clone()),
        declared_at: Set(now),
        scored_at: Set(None),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| match DbError::unique("declaration")(e) {
        DbError::Conflict(_) => PanelError::AlreadyDeclared,
        other => PanelError::Db(other),
    })?;
    audit::record(
        &txn,
        now,
        actor,
        Change::new("panel.declare", "idea", idea)
            .in_org(org)
            .after(serde_json::json!({
                "reviewer": reviewer,
                "conflict": conflict,
                "interest": interest,
            })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One criterion's score as a reviewer submits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Given {
    pub criterion: String,
    pub score: Score,
    pub comment: Option<Comment>,
}

/// Record a reviewer's complete set of scores on the idea: every criterion at
/// once, once. Refused without a declaration, with a conflict, a second
/// time, and when the sheet does not score exactly the idea's criteria.
pub async fn submit_scores<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    reviewer: PersonId,
    given: &[Given],
) -> Result<(), PanelError> {
    submit_scores_with(db, now, actor, org, idea, reviewer, given, When::Now).await
}

#[allow(clippy::too_many_arguments)]
async fn submit_scores_with<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    reviewer: PersonId,
    given: &[Given],
    when: When,
) -> Result<(), PanelError> {
    let found = idea_at(db, org, idea).await?;
    if when == When::Now && found.stage != DECISION_STAGE {
        return Err(PanelError::NotAtPanel);
    }
    let criteria = criteria(db, org, &found).await?;
    let keys: BTreeSet<&str> = criteria.iter().map(|c| c.key.as_str()).collect();
    if given.iter().any(|g| !keys.contains(g.criterion.as_str())) {
        return Err(PanelError::Incomplete(Vec::new()));
    }
    let weights: Vec<(String, Weight)> =
        criteria.iter().map(|c| (c.key.clone(), c.weight)).collect();
    let marks = complete_sheet(&weights, |key| {
        given.iter().find(|g| &g.criterion == key).map(|g| g.score)
    })
    .map_err(PanelError::Incomplete)?;

    let txn = crate::begin_writing(db).await?;
    // The whole "once, and only without a conflict" rule in one statement:
    // of fifty submissions at once, exactly one finds the row unscored.
    let claimed = panel_declaration::Entity::update_many()
        .col_expr(panel_declaration::Column::ScoredAt, Expr::value(Some(now)))
        .filter(panel_declaration::Column::OrganisationId.eq(org.uuid()))
        .filter(panel_declaration::Column::IdeaId.eq(idea))
        .filter(panel_declaration::Column::ReviewerId.eq(reviewer.uuid()))
        .filter(panel_declaration::Column::Conflict.eq(false))
        .filter(panel_declaration::Column::ScoredAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        let why = match declaration_row(&txn, org, idea, reviewer).await? {
            None => PanelError::NotDeclared,
            Some(d) if d.conflict => PanelError::Conflicted,
            Some(_) => PanelError::AlreadyScored,
        };
        txn.rollback().await?;
        return Err(why);
    }
    let rows: Vec<panel_score::ActiveModel> = marks
        .iter()
        .zip(0i32..)
        .map(|(mark, position)| {
            let criterion = criteria.iter().find(|c| c.key == mark.criterion);
            let comment = given
                .iter()
                .find(|g| g.criterion == mark.criterion)
                .and_then(|g| g.comment.as_ref())
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default();
            panel_score::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org.uuid()),
                idea_id: Set(idea),
                reviewer_id: Set(reviewer.uuid()),
                criterion: Set(mark.criterion.clone()),
                criterion_name: Set(criterion.and_then(|c| c.name.clone()).unwrap_or_default()),
                weight: Set(i32::try_from(mark.weight.get()).unwrap_or(i32::MAX)),
                position: Set(position),
                score: Set(i16::from(mark.score.get())),
                comment: Set(comment),
                scored_at: Set(now),
            }
        })
        .collect();
    panel_score::Entity::insert_many(rows)
        .exec_without_returning(&txn)
        .await
        .map_err(|e| match DbError::unique("scores")(e) {
            DbError::Conflict(_) => PanelError::AlreadyScored,
            other => PanelError::Db(other),
        })?;
    let recorded: Vec<_> = marks
        .iter()
        .map(|m| {
            serde_json::json!({
                "criterion": m.criterion,
                "weight": m.weight,
                "score": m.score,
            })
        })
        .collect();
    audit::record(
        &txn,
        now,
        actor,
        Change::new("panel.score", "idea", idea)
            .in_org(org)
            .after(serde_json::json!({ "reviewer": reviewer, "scores": recorded })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// One score as the panel sees it once it may.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreLine {
    pub criterion: String,
    /// Empty for a default criterion (translate `criterion`).
    pub criterion_name: String,
    pub weight: Weight,
    pub score: Score,
    pub comment: String,
}

/// A reviewer's submitted scores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReviewerSheet {
    pub reviewer: PersonId,
    pub name: String,
    pub conflicted: bool,
    pub scored_at: Option<Timestamp>,
    pub lines: Vec<ScoreLine>,
}

impl ReviewerSheet {
    /// The sheet as the aggregate rules take it.
    pub fn sheet(&self) -> Sheet<PersonId, String> {
        Sheet {
            reviewer: self.reviewer,
            conflicted: self.conflicted,
            marks: self
                .lines
                .iter()
                .map(|l| Mark {
                    criterion: l.criterion.clone(),
                    weight: l.weight,
                    score: l.score,
                })
                .collect(),
        }
    }
}

/// What of the panel's scores a reviewer may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Visible {
    /// Nothing yet (or, with a conflict, nothing ever): why.
    Hidden(Standing),
    /// Every reviewer's sheet, in the order they were declared.
    Shown(Vec<ReviewerSheet>),
}

/// The scores on the idea, but only for a reviewer who has submitted their
/// own: the rule lives with the data, so no page can show them early.
pub async fn visible_scores<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    viewer: PersonId,
) -> Result<Visible, DbError> {
    let standing = standing(conn, org, idea, viewer).await?;
    if !standing.sees_scores() {
        return Ok(Visible::Hidden(standing));
    }
    let declarations = declarations(conn, org, idea).await?;
    let rows = panel_score::Entity::find()
        .filter(panel_score::Column::OrganisationId.eq(org.uuid()))
        .filter(panel_score::Column::IdeaId.eq(idea))
        .order_by_asc(panel_score::Column::Position)
        .all(conn)
        .await?;
    let mut by_reviewer: BTreeMap<Uuid, Vec<ScoreLine>> = BTreeMap::new();
    for row in rows {
        let score = u8::try_from(row.score)
            .ok()
            .and_then(Score::new)
            .ok_or_else(|| DbError::Corrupt(format!("score {} is {}", row.id, row.score)))?;
        let weight = Weight::new(i64::from(row.weight))
            .ok_or_else(|| DbError::Corrupt(format!("score {} weighs {}", row.id, row.weight)))?;
        by_reviewer
            .entry(row.reviewer_id)
            .or_default()
            .push(ScoreLine {
                criterion: row.criterion,
                criterion_name: row.criterion_name,
                weight,
                score,
                comment: row.comment,
            });
    }
    let sheets = declarations
        .into_iter()
        .map(|d| ReviewerSheet {
            lines: by_reviewer.remove(&d.reviewer.uuid()).unwrap_or_default(),
            reviewer: d.reviewer,
            name: d.reviewer_name,
            conflicted: d.conflict,
            scored_at: d.scored_at,
        })
        .collect();
    Ok(Visible::Shown(sheets))
}

/// A recorded funding decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    pub idea: Uuid,
    pub challenge: Option<Uuid>,
    pub decision: Decision,
    pub decided_by: Option<PersonId>,
    pub decided_by_name: Option<String>,
    pub decided_at: Timestamp,
}

fn record_from(
    row: funding_decision::Model,
    names: &BTreeMap<Uuid, String>,
) -> Result<DecisionRecord, DbError> {
    let decision = match row.outcome.as_str() {
        "funded" => {
            let amount = row.amount_pence.ok_or_else(|| {
                DbError::Corrupt(format!("decision {} is funded with no amount", row.id))
            })?;
            let model: FundingModel = row
                .funding_model
                .as_deref()
                .unwrap_or_default()
                .parse()
                .map_err(|e| DbError::Corrupt(format!("decision {}: {e}", row.id)))?;
            Decision::Funded { amount, model }
        }
        "declined" => Decision::Declined {
            reason: row.reason.clone(),
        },
        other => {
            return Err(DbError::Corrupt(format!(
                "decision {} has outcome {other:?}",
                row.id
            )));
        }
    };
    Ok(DecisionRecord {
        idea: row.idea_id,
        challenge: row.challenge_id,
        decision,
        decided_by: row.decided_by.map(PersonId::from_uuid),
        decided_by_name: row.decided_by.and_then(|id| names.get(&id).cloned()),
        decided_at: row.decided_at,
    })
}

/// The idea's funding decision, if one has been made.
pub async fn decision<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<DecisionRecord>, DbError> {
    let Some(row) = funding_decision::Entity::find()
        .filter(funding_decision::Column::OrganisationId.eq(org.uuid()))
        .filter(funding_decision::Column::IdeaId.eq(idea))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let names = names_of(conn, row.decided_by).await?;
    record_from(row, &names).map(Some)
}

/// Whether the idea has been funded: the fact the gate into the pilot stage
/// needs (`Requirement::FundingDecided`). A declined idea has a decision too,
/// but it is not one that lets it into a pilot; `decision` tells them apart.
pub async fn decided<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<bool, DbError> {
    Ok(funding_decision::Entity::find()
        .filter(funding_decision::Column::OrganisationId.eq(org.uuid()))
        .filter(funding_decision::Column::IdeaId.eq(idea))
        .filter(funding_decision::Column::Outcome.eq("funded"))
        .count(conn)
        .await?
        > 0)
}

/// What the panel proposes for an idea.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proposal {
    Fund { amount: Pence, model: FundingModel },
    Decline(DeclineReason),
}

/// What the idea's author and followers are told of the decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Announcement {
    pub subject: String,
    pub body: String,
}

/// Decide on an idea at the decision stage that has at least one set of
/// scores, by a panel member without a conflict. Funding from the
/// challenge's pot is taken by one conditional update in the transaction
/// that records the decision, so concurrent decisions cannot overspend it.
#[allow(clippy::too_many_arguments)]
pub async fn decide<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    decider: PersonId,
    proposal: Proposal,
    announcement: &Announcement,
) -> Result<DecisionRecord, PanelError> {
    decide_with(
        db,
        now,
        actor,
        org,
        idea,
        decider,
        proposal,
        announcement,
        When::Now,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn decide_with<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    decider: PersonId,
    proposal: Proposal,
    announcement: &Announcement,
    when: When,
) -> Result<DecisionRecord, PanelError> {
    // Checked first for a clear answer, and again below where it counts.
    let found = idea_at(db, org, idea).await?;
    check_decidable(db, org, &found, decider, when).await?;
    if decision(db, org, idea).await?.is_some() {
        return Err(PanelError::AlreadyDecided);
    }
    let pot = pot_of(db, org, found.challenge_id).await?;
    let decision = match proposal {
        Proposal::Fund { amount, model } => {
            Decision::funded(amount, model, pot, asked(db, org, idea).await?)?
        }
        Proposal::Decline(reason) => Decision::declined(reason),
    };
    let (amount, model, reason) = match &decision {
        Decision::Funded { amount, model } => (Some(*amount), Some(model.key()), String::new()),
        Decision::Declined { reason } => (None, None, reason.clone()),
    };

    let txn = crate::begin_writing(db).await?;
    funding_decision::Entity::insert(funding_decision::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        challenge_id: Set(found.challenge_id),
        outcome: Set(decision.outcome_key().to_owned()),
        amount_pence: Set(amount),
        funding_model: Set(model.map(str::to_owned)),
        reason: Set(reason),
        decided_by: Set(Some(decider.uuid())),
        decided_at: Set(now),
    })
    .exec_without_returning(&txn)
    .await
    .map_err(|e| match DbError::unique("decision")(e) {
        DbError::Conflict(_) => PanelError::AlreadyDecided,
        other => PanelError::Db(other),
    })?;
    // Holding the write, look again: the idea may have moved, or the decider
    // declared a conflict, since the first look.
    let current = idea_at(&txn, org, idea).await?;
    if let Err(e) = check_decidable(&txn, org, &current, decider, when).await {
        txn.rollback().await?;
        return Err(e);
    }
    let mut allocation = serde_json::Value::Null;
    if let (Some(amount), Some(challenge)) = (decision.from_pot(), current.challenge_id) {
        let before = find_challenge(&txn, org, challenge).await?;
        let taken = challenge::Entity::update_many()
            .col_expr(
                challenge::Column::AllocatedPence,
                Expr::col(challenge::Column::AllocatedPence).add(amount),
            )
            .filter(challenge::Column::Id.eq(challenge))
            .filter(challenge::Column::OrganisationId.eq(org.uuid()))
            .filter(challenge::Column::PotPence.is_not_null())
            .filter(
                Expr::col(challenge::Column::AllocatedPence)
                    .add(amount)
                    .lte(Expr::col(challenge::Column::PotPence)),
            )
            .exec(&txn)
            .await?;
        if taken.rows_affected != 1 {
            let remaining = find_challenge(&txn, org, challenge)
                .await?
                .as_ref()
                .map(pot_in)
                .transpose()?
                .flatten()
                .map(Pot::remaining);
            txn.rollback().await?;
            return Err(match remaining {
                Some(remaining) => FundingError::ExceedsPot { remaining },
                None => FundingError::NoPot,
            }
            .into());
        }
        allocation = serde_json::json!({
            "challenge": challenge,
            "allocated_before": before.as_ref().map(|c| c.allocated_pence),
            "allocated_after": before.as_ref().map(|c| c.allocated_pence + amount),
        });
    } else if decision.from_pot().is_some() {
        txn.rollback().await?;
        return Err(FundingError::NoPot.into());
    }
    audit::record(
        &txn,
        now,
        actor,
        Change::new("panel.decide", "idea", idea)
            .in_org(org)
            .after(serde_json::json!({
                "decision": decision,
                "allocation": allocation,
            })),
    )
    .await?;
    let mut recipients = participation::followers(&txn, org, idea).await?;
    let author = PersonId::from_uuid(current.author_id);
    if !recipients.contains(&author) {
        recipients.insert(0, author);
    }
    participation::notify(
        &txn,
        now,
        org,
        idea,
        &recipients,
        &announcement.subject,
        &announcement.body,
    )
    .await?;
    txn.commit().await?;
    let names = names_of(db, [decider.uuid()]).await?;
    Ok(DecisionRecord {
        idea,
        challenge: current.challenge_id,
        decision,
        decided_by: Some(decider),
        decided_by_name: names.get(&decider.uuid()).cloned(),
        decided_at: now,
    })
}

async fn check_decidable<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    found: &idea::Model,
    decider: PersonId,
    when: When,
) -> Result<(), PanelError> {
    if when == When::Now && found.stage != DECISION_STAGE {
        return Err(PanelError::NotAtPanel);
    }
    if !standing(conn, org, found.id, decider).await?.may_decide() {
        return Err(PanelError::Conflicted);
    }
    if score_sets(conn, org, found.id).await? == 0 {
        return Err(PanelError::NoScores);
    }
    Ok(())
}

/// One idea in the panel's queue.
#[derive(Clone, Debug)]
pub struct QueueItem {
    pub idea: idea::Model,
    /// Where the reviewer asking stands on it.
    pub standing: Standing,
    pub score_sets: u64,
    pub decision: Option<DecisionRecord>,
}

/// The queue's ideas of one challenge (or of no challenge).
#[derive(Clone, Debug)]
pub struct QueueGroup {
    pub challenge: Option<challenge::Model>,
    pub pot: Option<Pot>,
    pub items: Vec<QueueItem>,
}

/// Ideas before the panel (at the decision stage) and coming to it (at the
/// business case stage), grouped by challenge, with where `reviewer` stands
/// on each. Hidden and merged ideas are left out.
pub async fn queue<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    reviewer: PersonId,
) -> Result<Vec<QueueGroup>, DbError> {
    let ideas = idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Stage.is_in([DECISION_STAGE, PREVIEW_STAGE]))
        .filter(idea::Column::Hidden.eq(false))
        .filter(idea::Column::MergedInto.is_null())
        .order_by_asc(idea::Column::CreatedAt)
        .order_by_asc(idea::Column::Id)
        .all(conn)
        .await?;
    if ideas.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = ideas.iter().map(|i| i.id).collect();
    let declarations = panel_declaration::Entity::find()
        .filter(panel_declaration::Column::OrganisationId.eq(org.uuid()))
        .filter(panel_declaration::Column::IdeaId.is_in(ids.clone()))
        .all(conn)
        .await?;
    let decisions = funding_decision::Entity::find()
        .filter(funding_decision::Column::OrganisationId.eq(org.uuid()))
        .filter(funding_decision::Column::IdeaId.is_in(ids))
        .all(conn)
        .await?;
    let names = names_of(conn, decisions.iter().filter_map(|d| d.decided_by)).await?;
    let mut decided: BTreeMap<Uuid, DecisionRecord> = BTreeMap::new();
    for row in decisions {
        decided.insert(row.idea_id, record_from(row, &names)?);
    }
    let challenge_ids: BTreeSet<Uuid> = ideas.iter().filter_map(|i| i.challenge_id).collect();
    let challenges = challenge::Entity::find()
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .filter(challenge::Column::Id.is_in(challenge_ids))
        .order_by_asc(challenge::Column::Question)
        .all(conn)
        .await?;
    let mut groups: Vec<QueueGroup> = Vec::new();
    for c in challenges {
        groups.push(QueueGroup {
            pot: pot_in(&c)?,
            challenge: Some(c),
            items: Vec::new(),
        });
    }
    for found in ideas {
        let mine = declarations
            .iter()
            .find(|d| d.idea_id == found.id && d.reviewer_id == reviewer.uuid());
        let item = QueueItem {
            standing: Standing::from_record(
                mine.map(|d| d.conflict),
                mine.is_some_and(|d| d.scored_at.is_some()),
            ),
            score_sets: declarations
                .iter()
                .filter(|d| d.idea_id == found.id && d.scored_at.is_some())
                .count() as u64,
            decision: decided.remove(&found.id),
            idea: found,
        };
        let group = groups.iter_mut().find(|g| {
            g.challenge.as_ref().map(|c| c.id) == item.idea.challenge_id
                && item.idea.challenge_id.is_some()
        });
        match group {
            Some(g) => g.items.push(item),
            None => match groups.iter_mut().find(|g| g.challenge.is_none()) {
                Some(g) => g.items.push(item),
                None => groups.push(QueueGroup {
                    challenge: None,
                    pot: None,
                    items: vec![item],
                }),
            },
        }
    }
    groups.retain(|g| !g.items.is_empty());
    Ok(groups)
}

/// Record what a panel did for an idea that has since moved on (a pilot or
/// later): a reviewer's declaration of no interest, their scores and the
/// decision. For demo data and for bringing in a council's earlier
/// decisions. Every rule holds except the stage rule: one declaration, one
/// set of scores, one decision, and money from the pot only while it lasts.
#[allow(clippy::too_many_arguments)]
pub async fn record_past<D: ConnectionTrait + TransactionTrait>(
    db: &D,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Uuid,
    reviewer: PersonId,
    given: &[Given],
    proposal: Proposal,
    announcement: &Announcement,
) -> Result<DecisionRecord, PanelError> {
    declare_with(
        db,
        now,
        actor,
        org,
        idea,
        reviewer,
        Declared::NoConflict,
        When::Past,
    )
    .await?;
    submit_scores_with(db, now, actor, org, idea, reviewer, given, When::Past).await?;
    decide_with(
        db,
        now,
        actor,
        org,
        idea,
        reviewer,
        proposal,
        announcement,
        When::Past,
    )
    .await
}

/// Every idea of the organisation that was not merged into another, oldest
/// first: what the demo's panel looks through for its past work.
pub async fn ideas_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<idea::Model>, DbError> {
    Ok(idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::MergedInto.is_null())
        .order_by_asc(idea::Column::CreatedAt)
        .order_by_asc(idea::Column::Id)
        .all(conn)
        .await?)
}

/// Whether the idea's history shows it entering `stage`.
pub async fn has_been_at<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
    stage: &str,
) -> Result<bool, DbError> {
    Ok(idea_move::Entity::find()
        .filter(idea_move::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_move::Column::IdeaId.eq(idea))
        .filter(idea_move::Column::ToStage.eq(stage))
        .count(conn)
        .await?
        > 0)
}
