//! Ideas: written, listed, found similar, moved through the stages. Every
//! query takes the organisation; another organisation's idea is "not found".
use crate::audit::{self, Actor, Change};
use crate::entity::{challenge, idea, idea_count, idea_move, person};
use crate::idea_search;
use crate::{DbError, Timestamp};
use beacon_core::pipeline::{Audience, Facet, IdeaKind, Lever};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::{Expr, Func, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::collections::{BTreeMap, HashMap};
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

/// What the ideas list may be narrowed to. The web layer allow-lists every
/// value before it gets here.
#[derive(Clone, Debug, Default)]
pub struct IdeaFilter {
    pub stage: Option<String>,
    pub kind: Option<IdeaKind>,
    pub challenge: Option<Uuid>,
    /// Words to find, every one, in the title or problem (stemmed, so
    /// "pothole" finds "potholes"); see `idea_search`.
    pub search: Option<String>,
    /// Ideas answering challenges for other audiences are left out.
    pub audiences: Vec<Audience>,
    /// Hidden and merged ideas are left out unless this is set (moderators).
    pub include_hidden: bool,
}

pub struct IdeaPage {
    pub ideas: Vec<idea::Model>,
    pub total: u64,
}

/// `%term%` for LIKE, with the user's `%`, `_` and `\` matching themselves.
fn like_pattern(term: &str) -> LikeExpr {
    let escaped = term
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

fn contains(column: idea::Column, term: &str) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col(column))).like(like_pattern(term))
}

/// "The idea that `column` names meets `ideas`", for another part's table
/// (business cases, evaluations): each row's idea is looked up by its key,
/// so a filter on ideas narrows that part's rows without reading the ids of
/// every idea it selects.
pub(crate) fn idea_meets<Col: ColumnTrait>(column: Col, ideas: Condition) -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(idea::Entity)
            .and_where(Expr::col(idea::Column::Id.as_column_ref()).equals(column.as_column_ref()))
            .cond_where(ideas)
            .to_owned(),
    )
}

/// Challenges of the organisation that the given audiences may not see.
async fn hidden_challenges<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    audiences: &[Audience],
) -> Result<Vec<Uuid>, DbError> {
    let visible: Vec<&str> = audiences.iter().map(|a| a.key()).collect();
    Ok(challenge::Entity::find()
        .select_only()
        .column(challenge::Column::Id)
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .filter(challenge::Column::Audience.is_not_in(visible))
        .into_tuple()
        .all(conn)
        .await?)
}

/// The ideas a visitor may see: the organisation's, not answering one of
/// `hidden_challenges` (for another audience), and (unless asked) not hidden
/// or merged.
fn visible(org: OrgId, hidden_challenges: &[Uuid], include_hidden: bool) -> Select<idea::Entity> {
    let mut query = idea::Entity::find().filter(idea::Column::OrganisationId.eq(org.uuid()));
    if !hidden_challenges.is_empty() {
        query = query.filter(
            Condition::any()
                .add(idea::Column::ChallengeId.is_null())
                .add(idea::Column::ChallengeId.is_not_in(hidden_challenges.to_vec())),
        );
    }
    if !include_hidden {
        query = query
            .filter(idea::Column::Hidden.eq(false))
            .filter(idea::Column::MergedInto.is_null());
    }
    query
}

/// A page of the organisation's ideas, newest first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    filter: &IdeaFilter,
    page: u64,
    per_page: u64,
) -> Result<IdeaPage, DbError> {
    let hidden = hidden_challenges(conn, org, &filter.audiences).await?;
    let mut query = visible(org, &hidden, filter.include_hidden);
    if let Some(stage) = &filter.stage {
        query = query.filter(idea::Column::Stage.eq(stage.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(idea::Column::Kind.eq(kind.key()));
    }
    if let Some(challenge) = filter.challenge {
        query = query.filter(idea::Column::ChallengeId.eq(challenge));
    }
    let search = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let per_page = Ord::max(per_page, 1);
    let Some(text) = search else {
        let total = counted(conn, org, filter, &hidden).await?;
        let ideas = newest_first(query)
            .paginate(conn, per_page)
            .fetch_page(page.saturating_sub(1))
            .await?;
        return Ok(IdeaPage { ideas, total });
    };
    let words = idea_search::words(text);
    let Some(matches) = idea_search::narrow(query, conn.get_database_backend(), &words) else {
        // Nothing that could be a word (say, only punctuation).
        return Ok(IdeaPage {
            ideas: Vec::new(),
            total: 0,
        });
    };
    let total = matches.clone().count(conn).await?;
    let ids: Vec<Uuid> = newest_first(matches)
        .select_only()
        .column(idea::Column::Id)
        .offset(page.saturating_sub(1).saturating_mul(per_page))
        .limit(per_page)
        .into_tuple()
        .all(conn)
        .await?;
    // Only the page's rows are read whole; filtering, counting and sorting
    // the matches read the index `ix_ideas_by_id_shown` (migration
    // `m20261124_000044_idea_read_indexes`), never every match's text.
    let ideas = if ids.is_empty() {
        Vec::new()
    } else {
        newest_first(idea::Entity::find().filter(idea::Column::Id.is_in(ids)))
            .all(conn)
            .await?
    };
    Ok(IdeaPage { ideas, total })
}

/// The list's order: newest first, then by id so that pages never overlap.
fn newest_first(query: Select<idea::Entity>) -> Select<idea::Entity> {
    query
        .order_by_desc(idea::Column::CreatedAt)
        .order_by_asc(idea::Column::Id)
}

/// How many ideas the list's filters (without a search) select, from the
/// counts the database keeps per challenge, stage, kind and visibility: a
/// few dozen rows, however many ideas there are.
async fn counted<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    filter: &IdeaFilter,
    hidden_challenges: &[Uuid],
) -> Result<u64, DbError> {
    let mut query = idea_count::Entity::find()
        .select_only()
        // SUM of a bigint is a numeric on PostgreSQL; cast it back.
        .expr(Expr::cust(r#"CAST(COALESCE(SUM("n"), 0) AS BIGINT)"#))
        .filter(idea_count::Column::OrganisationId.eq(org.uuid()));
    if !filter.include_hidden {
        query = query.filter(idea_count::Column::Visible.eq(true));
    }
    if let Some(stage) = &filter.stage {
        query = query.filter(idea_count::Column::Stage.eq(stage.as_str()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(idea_count::Column::Kind.eq(kind.key()));
    }
    if let Some(challenge) = filter.challenge {
        query = query.filter(idea_count::Column::ChallengeKey.eq(challenge));
    }
    if !hidden_challenges.is_empty() {
        // The nil key (no challenge) is never among them.
        query =
            query.filter(idea_count::Column::ChallengeKey.is_not_in(hidden_challenges.to_vec()));
    }
    let n: Option<i64> = query.into_tuple().one(conn).await?;
    Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// The visible ideas answering one challenge, newest first.
pub async fn for_challenge<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    challenge: Uuid,
) -> Result<Vec<idea::Model>, DbError> {
    Ok(idea::Entity::find()
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::ChallengeId.eq(challenge))
        .filter(idea::Column::Hidden.eq(false))
        .filter(idea::Column::MergedInto.is_null())
        .order_by_desc(idea::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// How many visible ideas answer each of the organisation's challenges.
pub async fn count_by_challenge<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<BTreeMap<Uuid, u64>, DbError> {
    let rows: Vec<(Option<Uuid>, i64)> = idea::Entity::find()
        .select_only()
        .column(idea::Column::ChallengeId)
        .column_as(idea::Column::Id.count(), "n")
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Hidden.eq(false))
        .filter(idea::Column::MergedInto.is_null())
        .group_by(idea::Column::ChallengeId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, n)| Some((c?, u64::try_from(n).unwrap_or(0))))
        .collect())
}

/// Visible ideas whose title or problem contains any of `words`, at most
/// `limit`, newest first: the candidates that `similarity::rank` then ranks.
///
/// Matched as substrings, not through the full-text index: the words are
/// `similarity::key_words`, stems cut short ("volunte", "recyc") so that one
/// finds every form of a word, and such a stem is rarely a whole word the
/// index holds.
pub async fn similar_candidates<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    audiences: &[Audience],
    words: &[String],
    limit: u64,
) -> Result<Vec<idea::Model>, DbError> {
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let mut any = Condition::any();
    for w in words {
        any = any
            .add(contains(idea::Column::Title, w))
            .add(contains(idea::Column::Problem, w));
    }
    let hidden = hidden_challenges(conn, org, audiences).await?;
    Ok(visible(org, &hidden, false)
        .filter(any)
        .order_by_desc(idea::Column::CreatedAt)
        .limit(limit)
        .all(conn)
        .await?)
}

/// An idea's history, oldest move first.
pub async fn history<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Vec<idea_move::Model>, DbError> {
    Ok(idea_move::Entity::find()
        .filter(idea_move::Column::OrganisationId.eq(org.uuid()))
        .filter(idea_move::Column::IdeaId.eq(idea))
        .order_by_asc(idea_move::Column::MovedAt)
        .all(conn)
        .await?)
}

/// Move an idea from stage `from` to stage `to`, recording the move in its
/// history and the audit log, in the caller's transaction. The caller has
/// checked the move with `Pipeline::check_move`; the update happens only if
/// the idea is still in `from`, so of two people moving the same idea at
/// once, one wins and the other gets `Conflict("stage")`.
#[allow(clippy::too_many_arguments)]
pub async fn move_stage<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    from: &str,
    to: &str,
    reason: &str,
) -> Result<(), DbError> {
    let updated = idea::Entity::update_many()
        .col_expr(idea::Column::Stage, Expr::value(to))
        .col_expr(idea::Column::UpdatedAt, Expr::value(now))
        .filter(idea::Column::Id.eq(id))
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::Stage.eq(from))
        .exec(conn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(match find(conn, org, id).await? {
            Some(_) => DbError::Conflict("stage"),
            None => DbError::NotFound,
        });
    }
    idea_move::Entity::insert(idea_move::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        idea_id: Set(id),
        from_stage: Set(Some(from.to_owned())),
        to_stage: Set(to.to_owned()),
        reason: Set(reason.to_owned()),
        moved_by: Set(actor.id.map(PersonId::uuid)),
        moved_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("idea.move", "idea", id)
            .in_org(org)
            .before(serde_json::json!({ "stage": from }))
            .after(serde_json::json!({ "stage": to, "reason": reason })),
    )
    .await
}

/// What an author may change while their idea waits to be screened.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct IdeaChanges {
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

/// Change an idea, only while it is in its first stage and only by its
/// author (checked in the update itself), with an audit event, in the
/// caller's transaction. `Conflict("stage")` when it has moved on.
pub async fn update_submitted<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    author: PersonId,
    changes: &IdeaChanges,
) -> Result<(), DbError> {
    let before = find(conn, org, id).await?.ok_or(DbError::NotFound)?;
    let updated = idea::Entity::update_many()
        .col_expr(
            idea::Column::Pseudonym,
            Expr::value(changes.pseudonym.clone()),
        )
        .col_expr(idea::Column::Title, Expr::value(changes.title.clone()))
        .col_expr(idea::Column::Problem, Expr::value(changes.problem.clone()))
        .col_expr(
            idea::Column::Proposal,
            Expr::value(changes.proposal.clone()),
        )
        .col_expr(
            idea::Column::ServiceArea,
            Expr::value(changes.service_area.clone()),
        )
        .col_expr(
            idea::Column::MeasureToday,
            Expr::value(changes.measure_today.clone()),
        )
        .col_expr(
            idea::Column::MeasureAspiration,
            Expr::value(changes.measure_aspiration.clone()),
        )
        .col_expr(
            idea::Column::ExpectedBenefit,
            Expr::value(changes.expected_benefit.clone()),
        )
        .col_expr(idea::Column::Kind, Expr::value(changes.kind.key()))
        .col_expr(idea::Column::Facet, Expr::value(changes.facet.key()))
        .col_expr(idea::Column::Lever, Expr::value(changes.lever.key()))
        .col_expr(idea::Column::UpdatedAt, Expr::value(now))
        .filter(idea::Column::Id.eq(id))
        .filter(idea::Column::OrganisationId.eq(org.uuid()))
        .filter(idea::Column::AuthorId.eq(author.uuid()))
        .filter(idea::Column::Stage.eq(FIRST_STAGE))
        .exec(conn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(DbError::Conflict("stage"));
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("idea.edit", "idea", id)
            .in_org(org)
            .before(serde_json::json!({
                "title": before.title,
                "problem": before.problem,
                "proposal": before.proposal,
                "service_area": before.service_area,
                "measure_today": before.measure_today,
                "measure_aspiration": before.measure_aspiration,
                "expected_benefit": before.expected_benefit,
                "kind": before.kind,
                "facet": before.facet,
                "lever": before.lever,
                "pseudonym": before.pseudonym,
            }))
            .after(changes),
    )
    .await
}

/// The display names of people, by id, for showing authors and movers.
pub async fn names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, DbError> {
    let mut ids: Vec<Uuid> = ids.into_iter().collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect())
}
