//! Imports of staff, posts and vacancies, and workforce analytics (DESIGN.md §3.2).
//!
//! An import is checked against the organisation's records first (holders,
//! posts, accounts) and written only when every line is good, in the
//! caller's transaction, with one audit event giving the counts: the caller
//! commits only on `Imported::Done`, so a file lands whole or not at all.
//! Rows are matched by employee number and post reference, ignoring case
//! (payroll exports are not consistent about it), so importing the same file
//! twice changes nothing the second time.
//!
//! The analytics read the pool (a few hundred stays), journeys and reviews,
//! never every staff row; equality figures come from one grouped query.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    membership, person, placement_step, pool_member, post, staff, staff_equality, vacancy,
};
use crate::{DbError, Timestamp, talent_settings};
use beacon_core::talent::import::{
    Equality, ImportError, ImportKind, Located, PostRow, Problem, Rows, StaffRow, VacancyRow,
};
use beacon_core::talent::vacancies::{DesiredStrength, Essential, Experience};
use beacon_core::talent::{PoolStatus, PoolTier, VacancyStatus};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, JoinType, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use time::{Date, Duration};
use uuid::Uuid;

/// How many keys go in one `IN (…)` list.
const CHUNK: usize = 500;

/// What an import did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub kind: ImportKind,
    pub created: u64,
    pub updated: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Imported {
    Done(Summary),
    /// Nothing was written: these lines name records that do not exist or
    /// clash with ones that do.
    Refused(Vec<ImportError>),
}

/// Import parsed rows into `org`. Vacancies are raised by `raised_by`.
/// `progress` is told how many rows have been written so far.
pub async fn import<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    raised_by: Option<PersonId>,
    rows: &Rows,
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Imported, DbError> {
    let outcome = match rows {
        Rows::Staff(rows) => import_staff(conn, now, org, rows, progress).await?,
        Rows::Posts(rows) => import_posts(conn, now, org, rows, progress).await?,
        Rows::Vacancies(rows) => {
            let raised_by = raised_by.ok_or_else(|| {
                DbError::Corrupt("vacancies are imported on behalf of a person".into())
            })?;
            import_vacancies(conn, now, org, raised_by, rows, progress).await?
        }
    };
    if let Imported::Done(summary) = &outcome {
        #[derive(Serialize)]
        struct Event {
            kind: &'static str,
            rows: usize,
            created: u64,
            updated: u64,
        }
        audit::record(
            conn,
            now,
            actor,
            Change::new("workforce.imported", "import", Uuid::new_v4())
                .in_org(org)
                .after(Event {
                    kind: summary.kind.key(),
                    rows: rows.len(),
                    created: summary.created,
                    updated: summary.updated,
                }),
        )
        .await?;
    }
    Ok(outcome)
}

/// The key a row is matched by: employee numbers and post references are
/// the same whatever their case.
fn key(raw: &str) -> String {
    raw.to_lowercase()
}

fn keys(raw: &[String]) -> Vec<String> {
    let set: HashSet<String> = raw.iter().map(|r| key(r)).collect();
    set.into_iter().collect()
}

/// The organisation's staff with these employee numbers, by `key`.
async fn staff_by_number<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    numbers: &[String],
) -> Result<HashMap<String, staff::Model>, DbError> {
    let mut out = HashMap::new();
    for chunk in keys(numbers).chunks(CHUNK) {
        for s in staff::Entity::find()
            .filter(staff::Column::OrganisationId.eq(org.uuid()))
            .filter(
                Expr::expr(Func::lower(Expr::col(staff::Column::EmployeeNumber)))
                    .is_in(chunk.iter().cloned()),
            )
            .order_by_asc(staff::Column::CreatedAt)
            .all(conn)
            .await?
        {
            // Records made before numbers were matched this way may differ
            // only in case: the oldest is the one matched.
            out.entry(key(&s.employee_number)).or_insert(s);
        }
    }
    Ok(out)
}

/// The organisation's posts with these references, by `key`.
async fn posts_by_reference<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    references: &[String],
) -> Result<HashMap<String, post::Model>, DbError> {
    let mut out = HashMap::new();
    for chunk in keys(references).chunks(CHUNK) {
        for p in post::Entity::find()
            .filter(post::Column::OrganisationId.eq(org.uuid()))
            .filter(
                Expr::expr(Func::lower(Expr::col(post::Column::Reference)))
                    .is_in(chunk.iter().cloned()),
            )
            .order_by_asc(post::Column::CreatedAt)
            .all(conn)
            .await?
        {
            out.entry(key(&p.reference)).or_insert(p);
        }
    }
    Ok(out)
}

/// The members of `org` among the people with these emails, by email.
async fn members_by_email<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    emails: &[String],
) -> Result<HashMap<String, Uuid>, DbError> {
    let mut out = HashMap::new();
    for chunk in emails.chunks(CHUNK) {
        let people: Vec<(Uuid, String)> = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::Email)
            .filter(person::Column::Email.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(conn)
            .await?;
        let ids: Vec<Uuid> = people.iter().map(|(id, _)| *id).collect();
        let members: HashSet<Uuid> = membership::Entity::find()
            .select_only()
            .column(membership::Column::PersonId)
            .filter(membership::Column::OrganisationId.eq(org.uuid()))
            .filter(membership::Column::PersonId.is_in(ids))
            .into_tuple::<Uuid>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        for (id, email) in people {
            if members.contains(&id) {
                out.insert(email, id);
            }
        }
    }
    Ok(out)
}

fn minutes(m: u32) -> i32 {
    i32::try_from(m).unwrap_or(i32::MAX)
}

async fn import_staff<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    rows: &[Located<StaffRow>],
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Imported, DbError> {
    let numbers: Vec<String> = rows.iter().map(|r| r.row.employee_number.clone()).collect();
    let existing = staff_by_number(conn, org, &numbers).await?;
    let emails: Vec<String> = rows.iter().filter_map(|r| r.row.email.clone()).collect();
    let accounts = members_by_email(conn, org, &emails).await?;
    // Accounts already linked to a staff record in this organisation.
    let mut linked: HashMap<Uuid, String> = HashMap::new();
    let account_ids: Vec<Uuid> = accounts.values().copied().collect();
    for chunk in account_ids.chunks(CHUNK) {
        for (person, number) in staff::Entity::find()
            .select_only()
            .column(staff::Column::PersonId)
            .column(staff::Column::EmployeeNumber)
            .filter(staff::Column::OrganisationId.eq(org.uuid()))
            .filter(staff::Column::PersonId.is_in(chunk.iter().copied()))
            .into_tuple::<(Option<Uuid>, String)>()
            .all(conn)
            .await?
        {
            if let Some(p) = person {
                linked.insert(p, number);
            }
        }
    }
    let mut errors = Vec::new();
    for r in rows {
        let Some(id) = r.row.email.as_ref().and_then(|e| accounts.get(e)) else {
            continue;
        };
        if let Some(number) = linked.get(id)
            && key(number) != key(&r.row.employee_number)
            && !numbers.iter().any(|n| key(n) == key(number))
        {
            errors.push(ImportError::new(r.line, Some("email"), Problem::EmailTaken));
        }
    }
    if !errors.is_empty() {
        return Ok(Imported::Refused(errors));
    }
    // Equality rows already there: each is updated rather than added, and
    // keeps the values of columns the file does not have.
    let ids: Vec<Uuid> = existing.values().map(|s| s.id).collect();
    let mut recorded: HashMap<Uuid, Equality> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for e in staff_equality::Entity::find()
            .filter(staff_equality::Column::OrganisationId.eq(org.uuid()))
            .filter(staff_equality::Column::StaffId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            recorded.insert(e.staff_id, equality_of(&e));
        }
    }
    let mut summary = Summary {
        kind: ImportKind::Staff,
        created: 0,
        updated: 0,
    };
    // People change records within the file (a number moving from one
    // account to another) only after the old link is cleared.
    for r in rows {
        if let Some(old) = existing.get(&key(&r.row.employee_number))
            && old.person_id.is_some()
        {
            let person = r.row.email.as_ref().and_then(|e| accounts.get(e)).copied();
            if person != old.person_id {
                staff::Entity::update_many()
                    .col_expr(
                        staff::Column::PersonId,
                        sea_orm::sea_query::Expr::value(Option::<Uuid>::None),
                    )
                    .filter(staff::Column::Id.eq(old.id))
                    .exec(conn)
                    .await?;
            }
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let row = &r.row;
        let person = row.email.as_ref().and_then(|e| accounts.get(e)).copied();
        let id = match existing.get(&key(&row.employee_number)) {
            Some(old) => {
                let model = staff::ActiveModel {
                    id: Set(old.id),
                    name: Set(row.name.clone()),
                    email: Set(row.email.clone()),
                    person_id: Set(person),
                    job_title: Set(row.job_title.clone()),
                    grade: Set(i32::from(row.grade)),
                    weekly_minutes: Set(minutes(row.weekly_minutes)),
                    service_area: Set(row.service_area.clone()),
                    site: Set(row.site.clone()),
                    started_on: Set(row.started_on),
                    left_on: Set(row.left_on),
                    updated_at: Set(now),
                    ..Default::default()
                };
                staff::Entity::update(model).exec(conn).await?;
                summary.updated += 1;
                old.id
            }
            None => {
                let id = Uuid::new_v4();
                staff::Entity::insert(staff::ActiveModel {
                    id: Set(id),
                    organisation_id: Set(org.uuid()),
                    employee_number: Set(row.employee_number.clone()),
                    person_id: Set(person),
                    name: Set(row.name.clone()),
                    email: Set(row.email.clone()),
                    job_title: Set(row.job_title.clone()),
                    grade: Set(i32::from(row.grade)),
                    weekly_minutes: Set(minutes(row.weekly_minutes)),
                    service_area: Set(row.service_area.clone()),
                    site: Set(row.site.clone()),
                    home_easting: Set(None),
                    home_northing: Set(None),
                    max_travel_km: Set(None),
                    work_sites: Set(String::new()),
                    preferred_areas: Set(String::new()),
                    willing_to_trial: Set(true),
                    available_from: Set(None),
                    started_on: Set(row.started_on),
                    left_on: Set(row.left_on),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .exec_without_returning(conn)
                .await?;
                summary.created += 1;
                id
            }
        };
        let before = recorded.get(&id).copied();
        let equality = row
            .equality
            .merged(row.equality_columns, before.unwrap_or_default());
        if before != Some(equality) {
            write_equality(conn, org, id, equality, before.is_some()).await?;
        }
        progress(i + 1);
    }
    Ok(Imported::Done(summary))
}

/// A stored equality row as the core's type; a value no longer in the
/// vocabulary reads as unrecorded.
fn equality_of(e: &staff_equality::Model) -> Equality {
    Equality {
        sex: e.sex.as_deref().and_then(|v| v.parse().ok()),
        ethnicity: e.ethnicity.as_deref().and_then(|v| v.parse().ok()),
        disability: e.disability.as_deref().and_then(|v| v.parse().ok()),
        age_band: e.age_band.as_deref().and_then(|v| v.parse().ok()),
    }
}

async fn write_equality<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    staff_id: Uuid,
    e: Equality,
    exists: bool,
) -> Result<(), DbError> {
    if e.is_empty() && !exists {
        return Ok(());
    }
    let model = staff_equality::ActiveModel {
        staff_id: Set(staff_id),
        organisation_id: Set(org.uuid()),
        sex: Set(e.sex.map(|v| v.key().to_owned())),
        ethnicity: Set(e.ethnicity.map(|v| v.key().to_owned())),
        disability: Set(e.disability.map(|v| v.key().to_owned())),
        age_band: Set(e.age_band.map(|v| v.key().to_owned())),
    };
    if exists {
        staff_equality::Entity::update(model).exec(conn).await?;
    } else {
        staff_equality::Entity::insert(model)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

async fn import_posts<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    rows: &[Located<PostRow>],
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Imported, DbError> {
    let references: Vec<String> = rows.iter().map(|r| r.row.reference.clone()).collect();
    let existing = posts_by_reference(conn, org, &references).await?;
    let holders: Vec<String> = rows.iter().filter_map(|r| r.row.holder.clone()).collect();
    let staff = staff_by_number(conn, org, &holders).await?;
    let errors: Vec<ImportError> = rows
        .iter()
        .filter(|r| {
            r.row
                .holder
                .as_ref()
                .is_some_and(|h| !staff.contains_key(&key(h)))
        })
        .map(|r| {
            ImportError::new(
                r.line,
                Some("holder_employee_number"),
                Problem::UnknownEmployee,
            )
        })
        .collect();
    if !errors.is_empty() {
        return Ok(Imported::Refused(errors));
    }
    let mut summary = Summary {
        kind: ImportKind::Posts,
        created: 0,
        updated: 0,
    };
    for (i, r) in rows.iter().enumerate() {
        let row = &r.row;
        let holder = row
            .holder
            .as_ref()
            .and_then(|h| staff.get(&key(h)))
            .map(|s| s.id);
        match existing.get(&key(&row.reference)) {
            Some(old) => {
                post::Entity::update(post::ActiveModel {
                    id: Set(old.id),
                    title: Set(row.title.clone()),
                    service_area: Set(row.service_area.clone()),
                    grade: Set(i32::from(row.grade)),
                    weekly_minutes: Set(minutes(row.weekly_minutes)),
                    site: Set(row.site.clone()),
                    remote: Set(row.remote),
                    annual_cost_pence: Set(row.annual_cost_pence),
                    status: Set(row.status.key().to_owned()),
                    holder_id: Set(holder),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .exec(conn)
                .await?;
                summary.updated += 1;
            }
            None => {
                post::Entity::insert(post::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    organisation_id: Set(org.uuid()),
                    reference: Set(row.reference.clone()),
                    title: Set(row.title.clone()),
                    service_area: Set(row.service_area.clone()),
                    grade: Set(i32::from(row.grade)),
                    weekly_minutes: Set(minutes(row.weekly_minutes)),
                    site: Set(row.site.clone()),
                    easting: Set(None),
                    northing: Set(None),
                    remote: Set(row.remote),
                    annual_cost_pence: Set(row.annual_cost_pence),
                    status: Set(row.status.key().to_owned()),
                    holder_id: Set(holder),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .exec_without_returning(conn)
                .await?;
                summary.created += 1;
            }
        }
        progress(i + 1);
    }
    Ok(Imported::Done(summary))
}

async fn import_vacancies<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    raised_by: PersonId,
    rows: &[Located<VacancyRow>],
    progress: &mut (dyn FnMut(usize) + Send),
) -> Result<Imported, DbError> {
    let references: Vec<String> = rows.iter().map(|r| r.row.post_reference.clone()).collect();
    let posts = posts_by_reference(conn, org, &references).await?;
    let settings = talent_settings::get(conn, org).await?;
    // The framework's strengths by name, ignoring case.
    let framework: HashMap<String, Uuid> = crate::vacancies::strengths(conn, org)
        .await?
        .into_iter()
        .map(|s| (s.name.to_lowercase(), s.id))
        .collect();
    let mut errors = Vec::new();
    let mut wanted: Vec<Requirements> = Vec::with_capacity(rows.len());
    for r in rows {
        if !posts.contains_key(&key(&r.row.post_reference)) {
            errors.push(ImportError::new(
                r.line,
                Some("post_reference"),
                Problem::UnknownPost,
            ));
        }
        match requirements_of(&r.row, &framework, settings.training_limit_days) {
            Ok(req) => wanted.push(req),
            Err(problems) => errors.extend(
                problems
                    .into_iter()
                    .map(|(column, p)| ImportError::new(r.line, Some(column), p)),
            ),
        }
    }
    if !errors.is_empty() {
        return Ok(Imported::Refused(errors));
    }
    // Each post's open vacancy, which a line updates rather than repeats.
    let post_ids: Vec<Uuid> = posts.values().map(|p| p.id).collect();
    let mut open: HashMap<Uuid, Uuid> = HashMap::new();
    for chunk in post_ids.chunks(CHUNK) {
        for (id, post_id) in vacancy::Entity::find()
            .select_only()
            .column(vacancy::Column::Id)
            .column(vacancy::Column::PostId)
            .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
            .filter(vacancy::Column::PostId.is_in(chunk.iter().copied()))
            .filter(
                vacancy::Column::Status
                    .is_not_in([VacancyStatus::Filled.key(), VacancyStatus::Withdrawn.key()]),
            )
            .into_tuple::<(Uuid, Option<Uuid>)>()
            .all(conn)
            .await?
        {
            if let Some(p) = post_id {
                open.insert(p, id);
            }
        }
    }
    let today = now.date();
    let pool_until = today + Duration::days(i64::from(settings.freeze_days));
    let mut summary = Summary {
        kind: ImportKind::Vacancies,
        created: 0,
        updated: 0,
    };
    for (i, (r, req)) in rows.iter().zip(&wanted).enumerate() {
        let row = &r.row;
        let Some(post) = posts.get(&key(&row.post_reference)) else {
            continue;
        };
        let held = (row.status == VacancyStatus::PoolOnly).then_some(pool_until);
        let id = match open.get(&post.id) {
            Some(&id) => {
                vacancy::Entity::update(vacancy::ActiveModel {
                    id: Set(id),
                    title: Set(row.title.clone()),
                    summary: Set(row.summary.clone()),
                    service_area: Set(row.service_area.clone()),
                    grade_min: Set(i32::from(row.grade_min)),
                    grade_max: Set(i32::from(row.grade_max)),
                    weekly_minutes: Set(minutes(row.weekly_minutes)),
                    site: Set(row.site.clone()),
                    remote: Set(row.remote),
                    status: Set(row.status.key().to_owned()),
                    closes_on: Set(row.closes_on),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .exec(conn)
                .await?;
                summary.updated += 1;
                id
            }
            None => {
                let id = Uuid::new_v4();
                vacancy::Entity::insert(vacancy::ActiveModel {
                    id: Set(id),
                    organisation_id: Set(org.uuid()),
                    post_id: Set(Some(post.id)),
                    title: Set(row.title.clone()),
                    summary: Set(row.summary.clone()),
                    service_area: Set(row.service_area.clone()),
                    grade_min: Set(i32::from(row.grade_min)),
                    grade_max: Set(i32::from(row.grade_max)),
                    weekly_minutes: Set(minutes(row.weekly_minutes)),
                    site: Set(row.site.clone()),
                    easting: Set(post.easting),
                    northing: Set(post.northing),
                    remote: Set(row.remote),
                    training_limit_days: Set(i32::from(settings.training_limit_days)),
                    status: Set(row.status.key().to_owned()),
                    review_decision: Set(None),
                    review_reason: Set(None),
                    annual_saving_pence: Set(None),
                    approved_by: Set(None),
                    approved_at: Set(None),
                    pool_until: Set(held),
                    closes_on: Set(row.closes_on),
                    shared: Set(false),
                    raised_by: Set(raised_by.uuid()),
                    created_at: Set(now),
                    updated_at: Set(now),
                })
                .exec_without_returning(conn)
                .await?;
                summary.created += 1;
                id
            }
        };
        crate::vacancies::replace_requirements(
            conn,
            org,
            id,
            req.essentials.as_deref(),
            req.strengths.as_deref(),
            req.experience.as_deref(),
        )
        .await?;
        progress(i + 1);
    }
    Ok(Imported::Done(summary))
}

/// What a line of a vacancies file asks for, in the vacancy's own terms;
/// `None` where the file has no such column.
struct Requirements {
    essentials: Option<Vec<Essential>>,
    strengths: Option<Vec<DesiredStrength>>,
    experience: Option<Vec<Experience>>,
}

/// Resolve a line's requirements against the organisation: strengths by
/// name in its framework, training within its limit.
fn requirements_of(
    row: &VacancyRow,
    framework: &HashMap<String, Uuid>,
    training_limit_days: u16,
) -> Result<Requirements, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    let essentials = row.essentials.as_ref().map(|items| {
        items
            .iter()
            .map(|e| Essential {
                code: e.code.clone(),
                title: e.title.clone(),
                training_days: e.training_days,
            })
            .collect::<Vec<_>>()
    });
    if essentials
        .iter()
        .flatten()
        .any(|e| e.training_days.is_some_and(|d| d > training_limit_days))
    {
        problems.push((
            "essential_qualifications",
            Problem::TrainingOverLimit {
                max: training_limit_days,
            },
        ));
    }
    let strengths = row.strengths.as_ref().map(|items| {
        items
            .iter()
            .filter_map(|s| {
                let id = framework.get(&s.name.to_lowercase()).copied();
                id.map(|strength| DesiredStrength {
                    strength,
                    level: s.level,
                    weight: s.weight,
                })
            })
            .collect::<Vec<_>>()
    });
    if let (Some(items), Some(found)) = (&row.strengths, &strengths)
        && items.len() != found.len()
    {
        problems.push(("desired_strengths", Problem::UnknownStrength));
    }
    let experience = row.experience.as_ref().map(|items| {
        items
            .iter()
            .map(|x| Experience {
                service_area: x.service_area.clone(),
                months: x.months,
            })
            .collect::<Vec<_>>()
    });
    if problems.is_empty() {
        Ok(Requirements {
            essentials,
            strengths,
            experience,
        })
    } else {
        Err(problems)
    }
}

// ---------------------------------------------------------------------------
// Analytics.

/// A stay in the pool with what the figures need of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StayRow {
    pub tier: String,
    pub status: String,
    pub entered_on: Date,
    pub placed_on: Option<Date>,
    pub left_on: Option<Date>,
    pub redundancy_cost_pence: Option<i64>,
}

impl StayRow {
    pub fn stay(&self) -> beacon_core::talent::analytics::Stay {
        beacon_core::talent::analytics::Stay {
            entered_on: self.entered_on,
            placed_on: self.placed_on,
            left_on: self.left_on,
        }
    }

    /// Placed, and their role had been removed: a redundancy avoided.
    pub fn redundancy_avoided(&self) -> bool {
        self.status == "placed" && self.tier != PoolTier::Voluntary.key()
    }
}

/// A stay's tier, status, dates and redundancy cost, as read.
type StayTuple = (
    String,
    String,
    Date,
    Option<Date>,
    Option<Date>,
    Option<i64>,
);
/// Sex, ethnicity, disability, age band, status, count.
type EqualityTuple = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    i64,
);

/// Every stay in the organisation's pool.
pub async fn stays<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Vec<StayRow>, DbError> {
    let rows: Vec<StayTuple> = pool_member::Entity::find()
        .select_only()
        .column(pool_member::Column::Tier)
        .column(pool_member::Column::Status)
        .column(pool_member::Column::EnteredOn)
        .column(pool_member::Column::PlacedOn)
        .column(pool_member::Column::LeftOn)
        .column(pool_member::Column::RedundancyCostPence)
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(tier, status, entered_on, placed_on, left_on, redundancy_cost_pence)| StayRow {
                tier,
                status,
                entered_on,
                placed_on,
                left_on,
                redundancy_cost_pence,
            },
        )
        .collect())
}

/// The trial, placed and returned steps of the organisation's journeys, as
/// (placement, step) in the order they were taken.
pub async fn trial_steps<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(placement_step::Entity::find()
        .select_only()
        .column(placement_step::Column::PlacementId)
        .column(placement_step::Column::Step)
        .filter(placement_step::Column::OrganisationId.eq(org.uuid()))
        .filter(placement_step::Column::Step.is_in(["trial", "placed", "returned"]))
        .order_by_asc(placement_step::Column::CreatedAt)
        .order_by_asc(placement_step::Column::OnDate)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Approved deletions of posts: how many, and their annual savings.
pub async fn deletion_savings<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<(u64, i64), DbError> {
    let savings: Vec<Option<i64>> = vacancy::Entity::find()
        .select_only()
        .column(vacancy::Column::AnnualSavingPence)
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy::Column::ReviewDecision.eq("delete"))
        .filter(vacancy::Column::ApprovedAt.is_not_null())
        .into_tuple()
        .all(conn)
        .await?;
    let total = savings
        .iter()
        .flatten()
        .fold(0i64, |sum, s| sum.saturating_add(*s));
    Ok((savings.len() as u64, total))
}

/// Stays counted by the person's equality data and the stay's status: one
/// row per combination present, with its count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EqualityCount {
    pub sex: Option<String>,
    pub ethnicity: Option<String>,
    pub disability: Option<String>,
    pub age_band: Option<String>,
    pub status: String,
    pub count: u64,
}

pub async fn equality_counts<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<EqualityCount>, DbError> {
    let join = pool_member::Entity::belongs_to(staff_equality::Entity)
        .from(pool_member::Column::StaffId)
        .to(staff_equality::Column::StaffId)
        .into();
    let rows: Vec<EqualityTuple> = pool_member::Entity::find()
        .select_only()
        .column(staff_equality::Column::Sex)
        .column(staff_equality::Column::Ethnicity)
        .column(staff_equality::Column::Disability)
        .column(staff_equality::Column::AgeBand)
        .column(pool_member::Column::Status)
        .column_as(pool_member::Column::Id.count(), "n")
        .join(JoinType::LeftJoin, join)
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .group_by(staff_equality::Column::Sex)
        .group_by(staff_equality::Column::Ethnicity)
        .group_by(staff_equality::Column::Disability)
        .group_by(staff_equality::Column::AgeBand)
        .group_by(pool_member::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(sex, ethnicity, disability, age_band, status, n)| EqualityCount {
                sex,
                ethnicity,
                disability,
                age_band,
                status,
                count: u64::try_from(n).unwrap_or(0),
            },
        )
        .collect())
}

// ---------------------------------------------------------------------------
// For the demo seeder: equality data and past stays, written in bulk.

/// A staff record's id.
pub type StaffId = Uuid;

/// The ids of the organisation's staff, by employee number.
pub async fn staff_ids<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Vec<Uuid>, DbError> {
    Ok(staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .order_by_asc(staff::Column::EmployeeNumber)
        .into_tuple()
        .all(conn)
        .await?)
}

/// One member of staff's equality data, when any is recorded.
pub async fn equality_of_staff<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    staff_id: Uuid,
) -> Result<Option<Equality>, DbError> {
    Ok(staff_equality::Entity::find_by_id(staff_id)
        .filter(staff_equality::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .map(|e| equality_of(&e)))
}

/// The staff whose equality data is recorded.
pub async fn equality_recorded<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<HashSet<Uuid>, DbError> {
    Ok(staff_equality::Entity::find()
        .select_only()
        .column(staff_equality::Column::StaffId)
        .filter(staff_equality::Column::OrganisationId.eq(org.uuid()))
        .into_tuple::<Uuid>()
        .all(conn)
        .await?
        .into_iter()
        .collect())
}

/// Record equality data for staff who have none.
pub async fn insert_equality<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    rows: &[(Uuid, Equality)],
) -> Result<(), DbError> {
    for chunk in rows.chunks(400) {
        let models: Vec<staff_equality::ActiveModel> = chunk
            .iter()
            .map(|(id, e)| staff_equality::ActiveModel {
                staff_id: Set(*id),
                organisation_id: Set(org.uuid()),
                sex: Set(e.sex.map(|v| v.key().to_owned())),
                ethnicity: Set(e.ethnicity.map(|v| v.key().to_owned())),
                disability: Set(e.disability.map(|v| v.key().to_owned())),
                age_band: Set(e.age_band.map(|v| v.key().to_owned())),
            })
            .collect();
        if models.is_empty() {
            continue;
        }
        staff_equality::Entity::insert_many(models)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Each stay's member of staff and status.
pub async fn stay_statuses<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(pool_member::Entity::find()
        .select_only()
        .column(pool_member::Column::StaffId)
        .column(pool_member::Column::Status)
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .into_tuple()
        .all(conn)
        .await?)
}

/// A stay in the pool to record in bulk (the demo's history, tests).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStay {
    pub staff_id: Uuid,
    pub tier: PoolTier,
    pub status: PoolStatus,
    pub entered_on: Date,
    pub placed_on: Option<Date>,
    pub left_on: Option<Date>,
    pub redundancy_cost_pence: Option<i64>,
    pub reason: String,
}

pub async fn insert_stays<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    stays: &[NewStay],
) -> Result<(), DbError> {
    for chunk in stays.chunks(200) {
        let models: Vec<pool_member::ActiveModel> = chunk
            .iter()
            .map(|s| pool_member::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org.uuid()),
                staff_id: Set(s.staff_id),
                tier: Set(s.tier.key().to_owned()),
                status: Set(s.status.key().to_owned()),
                entered_on: Set(s.entered_on),
                protected_until: Set(
                    (s.tier == PoolTier::Protected).then(|| s.entered_on + Duration::days(540))
                ),
                reason: Set(s.reason.clone()),
                shared: Set(false),
                placed_on: Set(s.placed_on),
                left_on: Set(s.left_on),
                redundancy_cost_pence: Set(s.redundancy_cost_pence),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect();
        if models.is_empty() {
            continue;
        }
        pool_member::Entity::insert_many(models)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}
