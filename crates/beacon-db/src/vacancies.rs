//! Posts and vacancies, vacancy reviews and the recruitment freeze (DESIGN.md §3.2).
//!
//! Every query is filtered by the organisation; another organisation's post or
//! vacancy is `NotFound`, except where a partner reads a shared vacancy
//! (`shared_vacancy`). Each change is written with its audit event and, for a
//! vacancy, a line of its history (`vacancy_events`), in the caller's
//! transaction. Moves of a review are conditional updates on the status they
//! start from, so two HR approvals at once approve once.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    freeze_exception, person, pool_member, post, staff, strength, vacancy, vacancy_essential,
    vacancy_event, vacancy_experience, vacancy_strength,
};
use crate::{DbError, Timestamp};
use beacon_core::talent::vacancies::{
    Approval, DesiredStrength, Details, Essential, ExceptionStatus, Experience, NewPost, Review,
};
use beacon_core::talent::{PoolStatus, PostStatus, ReviewDecision, VacancyStatus};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::{Expr, Func, LikeExpr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

// ---------------------------------------------------------------------------
// Posts

#[derive(Clone, Debug, Default)]
pub struct PostFilter {
    pub service_area: Option<String>,
    pub status: Option<PostStatus>,
    /// Text found in the post's reference or its holder's name, any case.
    pub search: Option<String>,
}

pub struct PostPage {
    pub posts: Vec<post::Model>,
    pub total: u64,
    /// The names of the page's holders, by staff record.
    pub holders: HashMap<Uuid, String>,
}

/// A `LIKE` pattern that finds `term` anywhere, its wildcards taken literally.
fn contains(term: &str) -> LikeExpr {
    let escaped = term
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// A page of the organisation's posts, by reference.
pub async fn posts<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    filter: &PostFilter,
    page: u64,
    per_page: u64,
) -> Result<PostPage, DbError> {
    let mut query = post::Entity::find().filter(post::Column::OrganisationId.eq(org.uuid()));
    if let Some(area) = &filter.service_area {
        query = query.filter(post::Column::ServiceArea.eq(area.as_str()));
    }
    if let Some(status) = filter.status {
        query = query.filter(post::Column::Status.eq(status.key()));
    }
    if let Some(term) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let holders = Query::select()
            .column(staff::Column::Id)
            .from(staff::Entity)
            .and_where(staff::Column::OrganisationId.eq(org.uuid()))
            .and_where(Expr::expr(Func::lower(Expr::col(staff::Column::Name))).like(contains(term)))
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col(post::Column::Reference)))
                        .like(contains(term)),
                )
                .add(post::Column::HolderId.in_subquery(holders)),
        );
    }
    let total = query.clone().count(conn).await?;
    let posts = query
        .order_by_asc(post::Column::Reference)
        .paginate(conn, Ord::max(per_page, 1))
        .fetch_page(page.saturating_sub(1))
        .await?;
    let ids: Vec<Uuid> = posts.iter().filter_map(|p| p.holder_id).collect();
    let holders = if ids.is_empty() {
        HashMap::new()
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
    Ok(PostPage {
        posts,
        total,
        holders,
    })
}

pub async fn post<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<post::Model, DbError> {
    post::Entity::find_by_id(id)
        .filter(post::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Add a post. A reference already used in the organisation is a conflict.
pub async fn create_post<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    new: &NewPost,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    post::Entity::insert(post::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        reference: Set(new.reference.clone()),
        title: Set(new.title.clone()),
        service_area: Set(new.service_area.clone()),
        grade: Set(i32::from(new.grade)),
        weekly_minutes: Set(new.weekly_minutes),
        site: Set(new.site.clone()),
        easting: Set(None),
        northing: Set(None),
        remote: Set(false),
        annual_cost_pence: Set(new.annual_cost_pence),
        status: Set(PostStatus::Vacant.key().to_owned()),
        holder_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await
    .map_err(DbError::unique("post reference"))?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("post.create", "post", id)
            .in_org(org)
            .after(PostRecord::from(new)),
    )
    .await?;
    Ok(id)
}

#[derive(Serialize)]
struct PostRecord<'a> {
    reference: &'a str,
    title: &'a str,
    service_area: &'a str,
    grade: u8,
    weekly_minutes: i32,
    site: &'a str,
    annual_cost_pence: i64,
}

impl<'a> From<&'a NewPost> for PostRecord<'a> {
    fn from(p: &'a NewPost) -> Self {
        Self {
            reference: &p.reference,
            title: &p.title,
            service_area: &p.service_area,
            grade: p.grade,
            weekly_minutes: p.weekly_minutes,
            site: &p.site,
            annual_cost_pence: p.annual_cost_pence,
        }
    }
}

/// The holder of a post, by name, when there is one.
pub async fn holder_name<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    holder: Option<Uuid>,
) -> Result<Option<String>, DbError> {
    let Some(holder) = holder else {
        return Ok(None);
    };
    Ok(staff::Entity::find_by_id(holder)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .map(|s| s.name))
}

fn live_statuses() -> [&'static str; 3] {
    [
        VacancyStatus::InReview.key(),
        VacancyStatus::PoolOnly.key(),
        VacancyStatus::External.key(),
    ]
}

/// The post's vacancies, newest first.
pub async fn vacancies_for_post<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    post_id: Uuid,
) -> Result<Vec<vacancy::Model>, DbError> {
    Ok(vacancy::Entity::find()
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy::Column::PostId.eq(post_id))
        .order_by_desc(vacancy::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// Take the post's row lock (a no-op update), so that checks made after it
/// see every other change to the post.
async fn lock_post<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<post::Model, DbError> {
    let locked = post::Entity::update_many()
        .col_expr(post::Column::Status, Expr::col(post::Column::Status))
        .filter(post::Column::Id.eq(id))
        .filter(post::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?
        .rows_affected;
    if locked == 0 {
        return Err(DbError::NotFound);
    }
    post(conn, org, id).await
}

async fn lock_vacancy<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<vacancy::Model, DbError> {
    let locked = vacancy::Entity::update_many()
        .col_expr(vacancy::Column::Status, Expr::col(vacancy::Column::Status))
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?
        .rows_affected;
    if locked == 0 {
        return Err(DbError::NotFound);
    }
    vacancy(conn, org, id).await
}

async fn event<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    vacancy_id: Uuid,
    action: &str,
    note: &str,
) -> Result<(), DbError> {
    vacancy_event::Entity::insert(vacancy_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(org.uuid()),
        vacancy_id: Set(vacancy_id),
        action: Set(action.to_owned()),
        note: Set(note.to_owned()),
        actor_id: Set(actor.id.map(PersonId::uuid)),
        at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// Start the review of a post: a vacancy in review with the manager's
/// decision, its details copied from the post. The post becomes vacant; a
/// deletion records the post's annual cost as the saving. A post with a live
/// vacancy already is a conflict, checked under the post's lock.
pub async fn start_review<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    post_id: Uuid,
    raised_by: PersonId,
    review: &Review,
) -> Result<Uuid, DbError> {
    let p = lock_post(conn, org, post_id).await?;
    if p.status == PostStatus::Deleted.key() {
        return Err(DbError::Conflict("post deleted"));
    }
    let live = vacancy::Entity::find()
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy::Column::PostId.eq(post_id))
        .filter(vacancy::Column::Status.is_in(live_statuses()))
        .count(conn)
        .await?;
    if live > 0 {
        return Err(DbError::Conflict("live vacancy"));
    }
    let saving = (review.decision == ReviewDecision::Delete).then_some(p.annual_cost_pence);
    let id = Uuid::new_v4();
    let settings = crate::talent_settings::get(conn, org).await?;
    vacancy::Entity::insert(vacancy::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        post_id: Set(Some(post_id)),
        title: Set(p.title.clone()),
        summary: Set(String::new()),
        service_area: Set(p.service_area.clone()),
        grade_min: Set(p.grade),
        grade_max: Set(p.grade),
        weekly_minutes: Set(p.weekly_minutes),
        site: Set(p.site.clone()),
        easting: Set(p.easting),
        northing: Set(p.northing),
        remote: Set(p.remote),
        training_limit_days: Set(i32::from(settings.training_limit_days)),
        status: Set(VacancyStatus::InReview.key().to_owned()),
        review_decision: Set(Some(review.decision.key().to_owned())),
        review_reason: Set(Some(review.reason.clone())),
        annual_saving_pence: Set(saving),
        approved_by: Set(None),
        approved_at: Set(None),
        pool_until: Set(None),
        closes_on: Set(None),
        shared: Set(false),
        raised_by: Set(raised_by.uuid()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    post::Entity::update_many()
        .col_expr(post::Column::Status, Expr::value(PostStatus::Vacant.key()))
        .col_expr(post::Column::HolderId, Expr::value(Option::<Uuid>::None))
        .col_expr(post::Column::UpdatedAt, Expr::value(now))
        .filter(post::Column::Id.eq(post_id))
        .filter(post::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    event(conn, now, actor, org, id, "started", &review.reason).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("vacancy.review", "vacancy", id)
            .in_org(org)
            .after(serde_json::json!({
                "post": post_id,
                "decision": review.decision.key(),
                "reason": review.reason,
                "annual_saving_pence": saving,
            })),
    )
    .await?;
    Ok(id)
}

/// A vacancy for a new role, in review until HR approves it.
pub async fn raise_new<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    raised_by: PersonId,
    details: &Details,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    vacancy::Entity::insert(vacancy::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        post_id: Set(None),
        title: Set(details.title.clone()),
        summary: Set(details.summary.clone()),
        service_area: Set(details.service_area.clone()),
        grade_min: Set(i32::from(details.grade_min)),
        grade_max: Set(i32::from(details.grade_max)),
        weekly_minutes: Set(details.weekly_minutes),
        site: Set(details.site.clone()),
        easting: Set(details.easting),
        northing: Set(details.northing),
        remote: Set(details.remote),
        training_limit_days: Set(i32::from(details.training_limit_days)),
        status: Set(VacancyStatus::InReview.key().to_owned()),
        review_decision: Set(None),
        review_reason: Set(None),
        annual_saving_pence: Set(None),
        approved_by: Set(None),
        approved_at: Set(None),
        pool_until: Set(None),
        closes_on: Set(None),
        shared: Set(details.shared),
        raised_by: Set(raised_by.uuid()),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    write_requirements(conn, org, id, details).await?;
    event(conn, now, actor, org, id, "raised", "").await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("vacancy.raise", "vacancy", id)
            .in_org(org)
            .after(details),
    )
    .await?;
    Ok(id)
}

async fn write_requirements<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
    details: &Details,
) -> Result<(), DbError> {
    replace_requirements(
        conn,
        org,
        id,
        Some(&details.essentials),
        Some(&details.strengths),
        Some(&details.experience),
    )
    .await
}

/// Replace what a vacancy asks for, list by list: a list given as `None` is
/// left as it is (an import whose file has no such column).
pub async fn replace_requirements<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
    essentials: Option<&[Essential]>,
    strengths: Option<&[DesiredStrength]>,
    experience: Option<&[Experience]>,
) -> Result<(), DbError> {
    if let Some(essentials) = essentials {
        vacancy_essential::Entity::delete_many()
            .filter(vacancy_essential::Column::VacancyId.eq(id))
            .filter(vacancy_essential::Column::OrganisationId.eq(org.uuid()))
            .exec(conn)
            .await?;
        write_essentials(conn, org, id, essentials).await?;
    }
    if let Some(strengths) = strengths {
        vacancy_strength::Entity::delete_many()
            .filter(vacancy_strength::Column::VacancyId.eq(id))
            .filter(vacancy_strength::Column::OrganisationId.eq(org.uuid()))
            .exec(conn)
            .await?;
        write_strengths(conn, org, id, strengths).await?;
    }
    if let Some(experience) = experience {
        vacancy_experience::Entity::delete_many()
            .filter(vacancy_experience::Column::VacancyId.eq(id))
            .filter(vacancy_experience::Column::OrganisationId.eq(org.uuid()))
            .exec(conn)
            .await?;
        write_experience(conn, org, id, experience).await?;
    }
    Ok(())
}

async fn write_essentials<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
    essentials: &[Essential],
) -> Result<(), DbError> {
    for e in essentials {
        vacancy_essential::Entity::insert(vacancy_essential::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            vacancy_id: Set(id),
            code: Set(e.code.clone()),
            title: Set(e.title.clone()),
            training_days: Set(e.training_days.map(i32::from)),
        })
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

async fn write_strengths<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
    strengths: &[DesiredStrength],
) -> Result<(), DbError> {
    for s in strengths {
        vacancy_strength::Entity::insert(vacancy_strength::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            vacancy_id: Set(id),
            strength_id: Set(s.strength),
            level: Set(i32::from(s.level)),
            weight: Set(i32::from(s.weight)),
        })
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

async fn write_experience<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
    experience: &[Experience],
) -> Result<(), DbError> {
    for x in experience {
        vacancy_experience::Entity::insert(vacancy_experience::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            vacancy_id: Set(id),
            service_area: Set(x.service_area.clone()),
            months: Set(x.months),
        })
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// Change a live vacancy's details and requirements.
pub async fn save_details<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    details: &Details,
) -> Result<(), DbError> {
    let before = lock_vacancy(conn, org, id).await?;
    vacancy::Entity::update_many()
        .col_expr(vacancy::Column::Title, Expr::value(details.title.clone()))
        .col_expr(
            vacancy::Column::Summary,
            Expr::value(details.summary.clone()),
        )
        .col_expr(
            vacancy::Column::ServiceArea,
            Expr::value(details.service_area.clone()),
        )
        .col_expr(
            vacancy::Column::GradeMin,
            Expr::value(i32::from(details.grade_min)),
        )
        .col_expr(
            vacancy::Column::GradeMax,
            Expr::value(i32::from(details.grade_max)),
        )
        .col_expr(
            vacancy::Column::WeeklyMinutes,
            Expr::value(details.weekly_minutes),
        )
        .col_expr(vacancy::Column::Site, Expr::value(details.site.clone()))
        .col_expr(vacancy::Column::Easting, Expr::value(details.easting))
        .col_expr(vacancy::Column::Northing, Expr::value(details.northing))
        .col_expr(vacancy::Column::Remote, Expr::value(details.remote))
        .col_expr(
            vacancy::Column::TrainingLimitDays,
            Expr::value(i32::from(details.training_limit_days)),
        )
        .col_expr(vacancy::Column::Shared, Expr::value(details.shared))
        .col_expr(vacancy::Column::UpdatedAt, Expr::value(now))
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    write_requirements(conn, org, id, details).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("vacancy.details", "vacancy", id)
            .in_org(org)
            .before(serde_json::json!({ "title": before.title, "status": before.status }))
            .after(details),
    )
    .await?;
    Ok(())
}

pub async fn vacancy<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<vacancy::Model, DbError> {
    vacancy::Entity::find_by_id(id)
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// A vacancy of one of `orgs` (the reader's partners) marked shared; the
/// caller still decides whether it is open enough to show.
pub async fn shared_vacancy<C: ConnectionTrait>(
    conn: &C,
    orgs: &[OrgId],
    id: Uuid,
) -> Result<vacancy::Model, DbError> {
    if orgs.is_empty() {
        return Err(DbError::NotFound);
    }
    vacancy::Entity::find_by_id(id)
        .filter(vacancy::Column::OrganisationId.is_in(orgs.iter().map(|o| o.uuid())))
        .filter(vacancy::Column::Shared.eq(true))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// What a vacancy asks for.
pub struct Requirements {
    pub essentials: Vec<vacancy_essential::Model>,
    /// With the strength's name, in the framework's order.
    pub strengths: Vec<(vacancy_strength::Model, String)>,
    pub experience: Vec<vacancy_experience::Model>,
}

pub async fn requirements<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Requirements, DbError> {
    let essentials = vacancy_essential::Entity::find()
        .filter(vacancy_essential::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_essential::Column::VacancyId.eq(id))
        .order_by_asc(vacancy_essential::Column::Code)
        .all(conn)
        .await?;
    let rows = vacancy_strength::Entity::find()
        .filter(vacancy_strength::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_strength::Column::VacancyId.eq(id))
        .all(conn)
        .await?;
    let framework = strengths(conn, org).await?;
    let mut strengths_out = Vec::new();
    for s in &framework {
        if let Some(r) = rows.iter().find(|r| r.strength_id == s.id) {
            strengths_out.push((r.clone(), s.name.clone()));
        }
    }
    let experience = vacancy_experience::Entity::find()
        .filter(vacancy_experience::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_experience::Column::VacancyId.eq(id))
        .order_by_asc(vacancy_experience::Column::ServiceArea)
        .all(conn)
        .await?;
    Ok(Requirements {
        essentials,
        strengths: strengths_out,
        experience,
    })
}

/// The organisation's strengths framework in order, retired ones left out.
pub async fn strengths<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<strength::Model>, DbError> {
    Ok(strength::Entity::find()
        .filter(strength::Column::OrganisationId.eq(org.uuid()))
        .filter(strength::Column::Retired.eq(false))
        .order_by_asc(strength::Column::Position)
        .all(conn)
        .await?)
}

/// HR approves a review waiting for them. Returns false when it was no longer
/// waiting (someone approved or sent it back first): nothing is written.
pub async fn approve<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    approval: &Approval,
) -> Result<bool, DbError> {
    // The conditional update comes first: it takes the write lock (SQLite
    // cannot upgrade a read to a write under a concurrent writer) and decides
    // which of two approvals wins.
    let moved = vacancy::Entity::update_many()
        .col_expr(vacancy::Column::Status, Expr::value(approval.vacancy.key()))
        .col_expr(vacancy::Column::PoolUntil, Expr::value(approval.pool_until))
        .col_expr(
            vacancy::Column::ApprovedBy,
            Expr::value(actor.id.map(PersonId::uuid)),
        )
        .col_expr(vacancy::Column::ApprovedAt, Expr::value(Some(now)))
        .col_expr(vacancy::Column::UpdatedAt, Expr::value(now))
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy::Column::Status.eq(VacancyStatus::InReview.key()))
        .exec(conn)
        .await?
        .rows_affected
        > 0;
    if !moved {
        return Ok(false);
    }
    let v = vacancy(conn, org, id).await?;
    if let (Some(status), Some(post_id)) = (approval.post, v.post_id) {
        post::Entity::update_many()
            .col_expr(post::Column::Status, Expr::value(status.key()))
            .col_expr(post::Column::UpdatedAt, Expr::value(now))
            .filter(post::Column::Id.eq(post_id))
            .filter(post::Column::OrganisationId.eq(org.uuid()))
            .exec(conn)
            .await?;
    }
    event(conn, now, actor, org, id, "approved", "").await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("vacancy.approve", "vacancy", id)
            .in_org(org)
            .before(serde_json::json!({ "status": VacancyStatus::InReview.key() }))
            .after(serde_json::json!({
                "status": approval.vacancy.key(),
                "post_status": approval.post.map(PostStatus::key),
                "pool_until": approval.pool_until,
                "annual_saving_pence": v.annual_saving_pence,
            })),
    )
    .await?;
    Ok(true)
}

/// HR sends a review back with a reason. False when it was no longer waiting.
pub async fn send_back<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    to: VacancyStatus,
    reason: &str,
) -> Result<bool, DbError> {
    let moved = vacancy::Entity::update_many()
        .col_expr(vacancy::Column::Status, Expr::value(to.key()))
        .col_expr(vacancy::Column::UpdatedAt, Expr::value(now))
        .filter(vacancy::Column::Id.eq(id))
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy::Column::Status.eq(VacancyStatus::InReview.key()))
        .exec(conn)
        .await?
        .rows_affected
        > 0;
    if !moved {
        return Ok(false);
    }
    event(conn, now, actor, org, id, "sent_back", reason).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("vacancy.send_back", "vacancy", id)
            .in_org(org)
            .after(serde_json::json!({ "status": to.key(), "reason": reason })),
    )
    .await?;
    Ok(true)
}

/// An email to the person who raised a vacancy (the manager whose review or
/// new role HR has decided on), written to the outbox in the caller's
/// transaction so it is sent only if the decision is kept. Nobody is told
/// when that person's account is disabled.
pub async fn tell_raiser<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    id: Uuid,
    subject: &str,
    body: impl FnOnce(&str) -> String,
) -> Result<(), DbError> {
    let v = vacancy(conn, org, id).await?;
    let Some(raiser) = person::Entity::find_by_id(v.raised_by).one(conn).await? else {
        return Ok(());
    };
    if raiser.disabled || raiser.email.trim().is_empty() {
        return Ok(());
    }
    crate::outbox::enqueue(
        conn,
        now,
        Some(org),
        &raiser.email,
        subject,
        &body(&raiser.display_name),
    )
    .await?;
    Ok(())
}

/// One line of a vacancy's history, with the actor's name.
pub struct HistoryLine {
    pub action: String,
    pub note: String,
    pub actor: Option<String>,
    pub at: Timestamp,
}

pub async fn history<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Vec<HistoryLine>, DbError> {
    let rows = vacancy_event::Entity::find()
        .filter(vacancy_event::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_event::Column::VacancyId.eq(id))
        .order_by_asc(vacancy_event::Column::At)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| HistoryLine {
            actor: r.actor_id.and_then(|a| {
                people
                    .iter()
                    .find(|p| p.id == a)
                    .map(|p| p.display_name.clone())
            }),
            action: r.action,
            note: r.note,
            at: r.at,
        })
        .collect())
}

/// A person's name, for "raised by".
pub async fn person_name<C: ConnectionTrait>(
    conn: &C,
    id: Uuid,
) -> Result<Option<String>, DbError> {
    Ok(person::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(|p| p.display_name))
}

// ---------------------------------------------------------------------------
// Exceptions to the freeze

pub async fn exceptions<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    vacancy_id: Uuid,
) -> Result<Vec<freeze_exception::Model>, DbError> {
    Ok(freeze_exception::Entity::find()
        .filter(freeze_exception::Column::OrganisationId.eq(org.uuid()))
        .filter(freeze_exception::Column::VacancyId.eq(vacancy_id))
        .order_by_asc(freeze_exception::Column::RequestedAt)
        .all(conn)
        .await?)
}

/// The manager asks to go outside the pool. One request waits at a time: a
/// second is a conflict, checked under the vacancy's lock.
pub async fn request_exception<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    vacancy_id: Uuid,
    requested_by: PersonId,
    reason: &str,
) -> Result<Uuid, DbError> {
    let v = lock_vacancy(conn, org, vacancy_id).await?;
    if v.status != VacancyStatus::PoolOnly.key() {
        return Err(DbError::Conflict("not held for the pool"));
    }
    let pending = freeze_exception::Entity::find()
        .filter(freeze_exception::Column::OrganisationId.eq(org.uuid()))
        .filter(freeze_exception::Column::VacancyId.eq(vacancy_id))
        .filter(freeze_exception::Column::Status.eq(ExceptionStatus::Requested.key()))
        .count(conn)
        .await?;
    if pending > 0 {
        return Err(DbError::Conflict("exception pending"));
    }
    let id = Uuid::new_v4();
    freeze_exception::Entity::insert(freeze_exception::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        vacancy_id: Set(vacancy_id),
        reason: Set(reason.to_owned()),
        requested_by: Set(requested_by.uuid()),
        requested_at: Set(now),
        status: Set(ExceptionStatus::Requested.key().to_owned()),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(String::new()),
    })
    .exec_without_returning(conn)
    .await?;
    event(
        conn,
        now,
        actor,
        org,
        vacancy_id,
        "exception_requested",
        reason,
    )
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("vacancy.exception_request", "vacancy", vacancy_id)
            .in_org(org)
            .after(serde_json::json!({ "exception": id, "reason": reason })),
    )
    .await?;
    Ok(id)
}

/// HR decides the waiting exception. False when none was waiting any more.
pub async fn decide_exception<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    vacancy_id: Uuid,
    (outcome, to): (ExceptionStatus, VacancyStatus),
    note: &str,
) -> Result<bool, DbError> {
    lock_vacancy(conn, org, vacancy_id).await?;
    let decided = freeze_exception::Entity::update_many()
        .col_expr(freeze_exception::Column::Status, Expr::value(outcome.key()))
        .col_expr(
            freeze_exception::Column::DecidedBy,
            Expr::value(actor.id.map(PersonId::uuid)),
        )
        .col_expr(freeze_exception::Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(
            freeze_exception::Column::DecisionNote,
            Expr::value(note.to_owned()),
        )
        .filter(freeze_exception::Column::OrganisationId.eq(org.uuid()))
        .filter(freeze_exception::Column::VacancyId.eq(vacancy_id))
        .filter(freeze_exception::Column::Status.eq(ExceptionStatus::Requested.key()))
        .exec(conn)
        .await?
        .rows_affected
        > 0;
    if !decided {
        return Ok(false);
    }
    vacancy::Entity::update_many()
        .col_expr(vacancy::Column::Status, Expr::value(to.key()))
        .col_expr(vacancy::Column::UpdatedAt, Expr::value(now))
        .filter(vacancy::Column::Id.eq(vacancy_id))
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy::Column::Status.eq(VacancyStatus::PoolOnly.key()))
        .exec(conn)
        .await?;
    let action = match outcome {
        ExceptionStatus::Approved => "exception_approved",
        _ => "exception_refused",
    };
    event(conn, now, actor, org, vacancy_id, action, note).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("vacancy.exception_decide", "vacancy", vacancy_id)
            .in_org(org)
            .after(
                serde_json::json!({ "outcome": outcome.key(), "status": to.key(), "note": note }),
            ),
    )
    .await?;
    Ok(true)
}

// ---------------------------------------------------------------------------
// The pool, as far as the freeze needs it

/// Whether the person has a staff record here with an active (or on-trial)
/// stay in the pool.
pub async fn in_pool<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    person: PersonId,
) -> Result<bool, DbError> {
    let Some(me) = staff::Entity::find()
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::PersonId.eq(person.uuid()))
        .one(conn)
        .await?
    else {
        return Ok(false);
    };
    Ok(pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pool_member::Column::StaffId.eq(me.id))
        .filter(
            pool_member::Column::Status
                .is_in([PoolStatus::Active.key(), PoolStatus::OnTrial.key()]),
        )
        .count(conn)
        .await?
        > 0)
}

// ---------------------------------------------------------------------------
// The jobs market's list

/// Which vacancies a list shows.
#[derive(Clone, Debug)]
pub enum Listing {
    /// Open to the viewer on `today`: to all staff, or held for the pool when
    /// the viewer is in it (or is HR).
    Open { today: Date, pool_too: bool },
    /// Waiting for HR.
    AwaitingHr,
    /// Raised by this person, in any state.
    RaisedBy(PersonId),
    /// Shared by these partner organisations and open to all their staff.
    Shared { partners: Vec<OrgId>, today: Date },
}

#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub service_area: Option<String>,
    pub grade: Option<i32>,
}

pub struct VacancyPage {
    pub vacancies: Vec<vacancy::Model>,
    pub total: u64,
}

fn open_condition(today: Date, pool_too: bool) -> Condition {
    let frozen = Condition::all().add(vacancy::Column::Status.eq(VacancyStatus::PoolOnly.key()));
    let frozen = if pool_too {
        frozen
    } else {
        frozen.add(vacancy::Column::PoolUntil.lt(today))
    };
    Condition::any()
        .add(vacancy::Column::Status.eq(VacancyStatus::External.key()))
        .add(frozen)
}

pub async fn list<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    listing: &Listing,
    filter: &ListFilter,
    page: u64,
    per_page: u64,
) -> Result<VacancyPage, DbError> {
    let mut query = vacancy::Entity::find();
    query = match listing {
        Listing::Open { today, pool_too } => query
            .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
            .filter(open_condition(*today, *pool_too)),
        Listing::AwaitingHr => query
            .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
            .filter(vacancy::Column::Status.eq(VacancyStatus::InReview.key())),
        Listing::RaisedBy(me) => query
            .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
            .filter(vacancy::Column::RaisedBy.eq(me.uuid())),
        Listing::Shared { partners, today } => query
            .filter(vacancy::Column::OrganisationId.is_in(partners.iter().map(|o| o.uuid())))
            .filter(vacancy::Column::Shared.eq(true))
            .filter(open_condition(*today, false)),
    };
    if let Some(area) = &filter.service_area {
        query = query.filter(vacancy::Column::ServiceArea.eq(area.as_str()));
    }
    if let Some(g) = filter.grade {
        query = query
            .filter(vacancy::Column::GradeMin.lte(g))
            .filter(vacancy::Column::GradeMax.gte(g));
    }
    let total = query.clone().count(conn).await?;
    let vacancies = query
        .order_by_desc(vacancy::Column::UpdatedAt)
        .order_by_asc(vacancy::Column::Id)
        .paginate(conn, Ord::max(per_page, 1))
        .fetch_page(page.saturating_sub(1))
        .await?;
    Ok(VacancyPage { vacancies, total })
}

// ---------------------------------------------------------------------------
// Demo and import support

/// What a post is made from: a staff record's job.
#[derive(Clone, Debug)]
pub struct StaffJob {
    pub id: Uuid,
    pub job_title: String,
    pub grade: i32,
    pub weekly_minutes: i32,
    pub service_area: Option<String>,
    pub site: Option<String>,
}

/// id, job title, grade, weekly minutes, service area, site.
type StaffJobRow = (Uuid, String, i32, i32, Option<String>, Option<String>);

/// Every current staff record's job, for making one post each.
pub async fn staff_jobs<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<StaffJob>, DbError> {
    let rows: Vec<StaffJobRow> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::JobTitle)
        .column(staff::Column::Grade)
        .column(staff::Column::WeeklyMinutes)
        .column(staff::Column::ServiceArea)
        .column(staff::Column::Site)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::LeftOn.is_null())
        .order_by_asc(staff::Column::EmployeeNumber)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, job_title, grade, weekly_minutes, service_area, site)| StaffJob {
                id,
                job_title,
                grade,
                weekly_minutes,
                service_area,
                site,
            },
        )
        .collect())
}

/// A post as a bulk load writes it.
#[derive(Clone, Debug)]
pub struct PostRow {
    pub reference: String,
    pub title: String,
    pub service_area: String,
    pub grade: i32,
    pub weekly_minutes: i32,
    pub site: String,
    pub annual_cost_pence: i64,
    pub status: PostStatus,
    pub holder: Option<Uuid>,
}

/// Insert posts in batches, with one audit event for the load. Returns the
/// new ids in the order given.
pub async fn insert_posts<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    rows: &[PostRow],
) -> Result<Vec<Uuid>, DbError> {
    let mut ids = Vec::with_capacity(rows.len());
    // Each row has 16 columns; 500 rows stay under SQLite's parameter limit.
    for chunk in rows.chunks(500) {
        let models: Vec<post::ActiveModel> = chunk
            .iter()
            .map(|r| {
                let id = Uuid::new_v4();
                ids.push(id);
                post::ActiveModel {
                    id: Set(id),
                    organisation_id: Set(org.uuid()),
                    reference: Set(r.reference.clone()),
                    title: Set(r.title.clone()),
                    service_area: Set(r.service_area.clone()),
                    grade: Set(r.grade),
                    weekly_minutes: Set(r.weekly_minutes),
                    site: Set(r.site.clone()),
                    easting: Set(None),
                    northing: Set(None),
                    remote: Set(false),
                    annual_cost_pence: Set(r.annual_cost_pence),
                    status: Set(r.status.key().to_owned()),
                    holder_id: Set(r.holder),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
            })
            .collect();
        post::Entity::insert_many(models)
            .exec_without_returning(conn)
            .await
            .map_err(DbError::unique("post reference"))?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("post.load", "organisation", org.uuid())
            .in_org(org)
            .after(serde_json::json!({ "posts": rows.len() })),
    )
    .await?;
    Ok(ids)
}
