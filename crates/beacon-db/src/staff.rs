//! The strengths framework, the self-assessment and staff profiles (DESIGN.md §3.2).
//!
//! Every function takes the organisation and filters by it, so another
//! council's strength or staff record is "not found". Each change writes its
//! audit event in the caller's transaction. Audit events name what changed,
//! never the levels, qualifications or other profile content: only the person
//! and HR may see those (PROMISES.md 4, 22), and the audit log is read by
//! administrators.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    organisation, staff, staff_experience, staff_qualification, staff_strength, strength,
};
use crate::{DbError, Timestamp};
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::talent::Grade;
use beacon_core::talent::directory::Listing;
use beacon_core::talent::strengths::{DEFAULT_FRAMEWORK, StrengthText, same_name};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

/// Rows per bulk insert: well under SQLite's and PostgreSQL's limits on bound
/// parameters for the widest table here.
const CHUNK: usize = 500;

// ---------------------------------------------------------------------------
// The framework

/// Every change to a staff record starts here: a write that changes nothing,
/// so that changes to one record queue up instead of racing. On PostgreSQL it
/// locks the row; on SQLite it takes the write lock before the transaction
/// has read anything, so a second writer waits out the busy timeout rather
/// than failing on a stale snapshot. Another organisation's record is "not
/// found".
async fn lock_staff<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<staff::Model, DbError> {
    let locked = staff::Entity::update_many()
        .col_expr(
            staff::Column::UpdatedAt,
            Expr::col(staff::Column::UpdatedAt),
        )
        .filter(staff::Column::Id.eq(id))
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?
        .rows_affected;
    if locked == 0 {
        return Err(DbError::NotFound);
    }
    find(conn, org, id).await
}

/// As `lock_staff`, for the framework: changes to one organisation's
/// framework queue up on its organisation row.
async fn lock_framework<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<(), DbError> {
    organisation::Entity::update_many()
        .col_expr(
            organisation::Column::Name,
            Expr::col(organisation::Column::Name),
        )
        .filter(organisation::Column::Id.eq(org.uuid()))
        .exec(conn)
        .await?;
    Ok(())
}

/// Give the organisation the default framework if it has no strengths yet.
/// Safe to call on every use and from two requests at once: positions are
/// unique, so a second seeding inserts nothing.
pub async fn ensure_framework<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    now: Timestamp,
) -> Result<(), DbError> {
    let any = strength::Entity::find()
        .filter(strength::Column::OrganisationId.eq(org.uuid()))
        .limit(1)
        .one(conn)
        .await?;
    if any.is_some() {
        return Ok(());
    }
    let rows: Vec<strength::ActiveModel> = DEFAULT_FRAMEWORK
        .iter()
        .enumerate()
        .map(|(i, s)| strength::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX) + 1),
            name: Set(s.name.to_owned()),
            description: Set(s.description.to_owned()),
            retired: Set(false),
            created_at: Set(now),
        })
        .collect();
    strength::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([strength::Column::OrganisationId, strength::Column::Position])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    audit::record(
        conn,
        now,
        &Actor::system("beacon"),
        Change::new("strengths.seed", "organisation", org)
            .in_org(org)
            .after(serde_json::json!({ "strengths": DEFAULT_FRAMEWORK.len() })),
    )
    .await?;
    Ok(())
}

/// The organisation's active strengths, in framework order (the order the
/// matching engine reads levels in).
pub async fn framework<C: ConnectionTrait>(
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

/// Every strength, retired ones included, in framework order.
pub async fn framework_all<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<strength::Model>, DbError> {
    Ok(strength::Entity::find()
        .filter(strength::Column::OrganisationId.eq(org.uuid()))
        .order_by_asc(strength::Column::Position)
        .all(conn)
        .await?)
}

/// One strength of the organisation's framework.
pub async fn strength<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<strength::Model, DbError> {
    strength::Entity::find_by_id(id)
        .filter(strength::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

async fn name_taken<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, DbError> {
    Ok(framework_all(conn, org)
        .await?
        .iter()
        .any(|s| Some(s.id) != except && same_name(&s.name, name)))
}

/// Add a strength at the end of the framework. A name already used (retired
/// strengths included) is a conflict.
pub async fn add_strength<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    text: &StrengthText,
) -> Result<Uuid, DbError> {
    lock_framework(conn, org).await?;
    ensure_framework(conn, org, now).await?;
    if name_taken(conn, org, &text.name, None).await? {
        return Err(DbError::Conflict("strength name"));
    }
    let last: Option<i32> = strength::Entity::find()
        .select_only()
        .column_as(strength::Column::Position.max(), "last")
        .filter(strength::Column::OrganisationId.eq(org.uuid()))
        .into_tuple::<Option<i32>>()
        .one(conn)
        .await?
        .flatten();
    let id = Uuid::new_v4();
    let position = last.unwrap_or(0) + 1;
    strength::Entity::insert(strength::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        position: Set(position),
        name: Set(text.name.clone()),
        description: Set(text.description.clone()),
        retired: Set(false),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await
    .map_err(DbError::unique("strength position"))?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("strengths.add", "strength", id)
            .in_org(org)
            .after(serde_json::json!({ "position": position, "text": text })),
    )
    .await?;
    Ok(id)
}

/// Rename or describe a strength. Its position never changes.
pub async fn edit_strength<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    text: &StrengthText,
) -> Result<(), DbError> {
    lock_framework(conn, org).await?;
    let before = strength(conn, org, id).await?;
    if name_taken(conn, org, &text.name, Some(id)).await? {
        return Err(DbError::Conflict("strength name"));
    }
    strength::Entity::update_many()
        .col_expr(strength::Column::Name, Expr::value(text.name.clone()))
        .col_expr(
            strength::Column::Description,
            Expr::value(text.description.clone()),
        )
        .filter(strength::Column::Id.eq(id))
        .filter(strength::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("strengths.edit", "strength", id)
            .in_org(org)
            .before(serde_json::json!({ "name": before.name, "description": before.description }))
            .after(text),
    )
    .await?;
    Ok(())
}

/// Retire a strength (it leaves the questionnaire and new vacancies) or
/// restore it. Levels already given are kept. Returns whether it changed.
pub async fn set_retired<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    retired: bool,
) -> Result<bool, DbError> {
    lock_framework(conn, org).await?;
    strength(conn, org, id).await?;
    let changed = strength::Entity::update_many()
        .col_expr(strength::Column::Retired, Expr::value(retired))
        .filter(strength::Column::Id.eq(id))
        .filter(strength::Column::OrganisationId.eq(org.uuid()))
        .filter(strength::Column::Retired.eq(!retired))
        .exec(conn)
        .await?
        .rows_affected;
    if changed == 0 {
        return Ok(false);
    }
    let action = if retired {
        "strengths.retire"
    } else {
        "strengths.restore"
    };
    audit::record(
        conn,
        now,
        actor,
        Change::new(action, "strength", id)
            .in_org(org)
            .after(serde_json::json!({ "retired": retired })),
    )
    .await?;
    Ok(true)
}

// ---------------------------------------------------------------------------
// Staff records

/// The staff record linked to a person's account in the organisation.
pub async fn by_person<C: ConnectionTrait>(
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

/// A staff record of the organisation, or "not found".
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<staff::Model, DbError> {
    staff::Entity::find_by_id(id)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Every staff record of the organisation as the people search sees it
/// (`beacon_core::talent::directory`).
pub async fn listings<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Vec<Listing>, DbError> {
    let rows: Vec<(Uuid, String, String)> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::Name)
        .column(staff::Column::EmployeeNumber)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, employee_number)| Listing {
            id,
            name,
            employee_number,
        })
        .collect())
}

/// The organisation's staff records with these ids, in the order given;
/// ids of anyone else's are left out.
pub async fn in_order<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    ids: &[Uuid],
) -> Result<Vec<staff::Model>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_id: HashMap<Uuid, staff::Model> = staff::Entity::find()
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// A whole profile: the record, each active strength with the level given
/// (none when not yet assessed), qualifications and experience.
pub struct Profile {
    pub staff: staff::Model,
    pub strengths: Vec<(strength::Model, Option<u8>)>,
    pub qualifications: Vec<staff_qualification::Model>,
    pub experience: Vec<staff_experience::Model>,
}

pub async fn profile<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    staff: staff::Model,
) -> Result<Profile, DbError> {
    let framework = framework(conn, org).await?;
    let levels: HashMap<Uuid, u8> = staff_strength::Entity::find()
        .filter(staff_strength::Column::OrganisationId.eq(org.uuid()))
        .filter(staff_strength::Column::StaffId.eq(staff.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.strength_id, u8::try_from(l.level).unwrap_or(0)))
        .collect();
    let strengths = framework
        .into_iter()
        .map(|s| {
            let level = levels.get(&s.id).copied();
            (s, level)
        })
        .collect();
    let qualifications = staff_qualification::Entity::find()
        .filter(staff_qualification::Column::OrganisationId.eq(org.uuid()))
        .filter(staff_qualification::Column::StaffId.eq(staff.id))
        .order_by_asc(staff_qualification::Column::Title)
        .all(conn)
        .await?;
    let experience = staff_experience::Entity::find()
        .filter(staff_experience::Column::OrganisationId.eq(org.uuid()))
        .filter(staff_experience::Column::StaffId.eq(staff.id))
        .order_by_desc(staff_experience::Column::Months)
        .all(conn)
        .await?;
    Ok(Profile {
        staff,
        strengths,
        qualifications,
        experience,
    })
}

// ---------------------------------------------------------------------------
// The self-assessment

/// Save levels for some of the framework's strengths (one page of the
/// questionnaire). Each level replaces the one there was; two submits at
/// once both land, one row per strength. Strengths must be active ones of
/// the organisation's framework.
pub async fn save_levels<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    staff_id: Uuid,
    levels: &[(Uuid, u8)],
) -> Result<(), DbError> {
    lock_staff(conn, org, staff_id).await?;
    let active: Vec<Uuid> = framework(conn, org).await?.iter().map(|s| s.id).collect();
    if levels.iter().any(|(id, _)| !active.contains(id))
        || levels
            .iter()
            .any(|(_, l)| *l > beacon_core::talent::strengths::MAX_LEVEL)
    {
        return Err(DbError::NotFound);
    }
    if levels.is_empty() {
        return Ok(());
    }
    let rows: Vec<staff_strength::ActiveModel> = levels
        .iter()
        .map(|(strength_id, level)| staff_strength::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(org.uuid()),
            staff_id: Set(staff_id),
            strength_id: Set(*strength_id),
            level: Set(i32::from(*level)),
            assessed_at: Set(now),
        })
        .collect();
    staff_strength::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                staff_strength::Column::StaffId,
                staff_strength::Column::StrengthId,
            ])
            .update_columns([
                staff_strength::Column::Level,
                staff_strength::Column::AssessedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("profile.assessment", "staff", staff_id)
            .in_org(org)
            .after(serde_json::json!({ "strengths_assessed": levels.len() })),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// What the person keeps up to date

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewQualification {
    pub code: String,
    pub title: String,
    pub expires_on: Option<Date>,
}

pub async fn add_qualification<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    staff_id: Uuid,
    q: &NewQualification,
) -> Result<Uuid, DbError> {
    lock_staff(conn, org, staff_id).await?;
    let id = Uuid::new_v4();
    staff_qualification::Entity::insert(staff_qualification::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        staff_id: Set(staff_id),
        code: Set(q.code.clone()),
        title: Set(q.title.clone()),
        expires_on: Set(q.expires_on),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("profile.qualification_add", "staff", staff_id)
            .in_org(org)
            .after(serde_json::json!({ "qualification": id })),
    )
    .await?;
    Ok(id)
}

/// Remove one of the person's qualifications; another's is "not found".
pub async fn remove_qualification<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    staff_id: Uuid,
    id: Uuid,
) -> Result<(), DbError> {
    lock_staff(conn, org, staff_id).await?;
    let gone = staff_qualification::Entity::delete_many()
        .filter(staff_qualification::Column::Id.eq(id))
        .filter(staff_qualification::Column::StaffId.eq(staff_id))
        .filter(staff_qualification::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?
        .rows_affected;
    if gone == 0 {
        return Err(DbError::NotFound);
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("profile.qualification_remove", "staff", staff_id)
            .in_org(org)
            .before(serde_json::json!({ "qualification": id })),
    )
    .await?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewExperience {
    pub role_title: String,
    pub service_area: ServiceArea,
    pub months: u32,
}

pub async fn add_experience<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    staff_id: Uuid,
    e: &NewExperience,
) -> Result<Uuid, DbError> {
    lock_staff(conn, org, staff_id).await?;
    let id = Uuid::new_v4();
    staff_experience::Entity::insert(staff_experience::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        staff_id: Set(staff_id),
        role_title: Set(e.role_title.clone()),
        service_area: Set(e.service_area.key().to_owned()),
        months: Set(i32::try_from(e.months).unwrap_or(i32::MAX)),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("profile.experience_add", "staff", staff_id)
            .in_org(org)
            .after(serde_json::json!({ "experience": id })),
    )
    .await?;
    Ok(id)
}

pub async fn remove_experience<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    staff_id: Uuid,
    id: Uuid,
) -> Result<(), DbError> {
    lock_staff(conn, org, staff_id).await?;
    let gone = staff_experience::Entity::delete_many()
        .filter(staff_experience::Column::Id.eq(id))
        .filter(staff_experience::Column::StaffId.eq(staff_id))
        .filter(staff_experience::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?
        .rows_affected;
    if gone == 0 {
        return Err(DbError::NotFound);
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("profile.experience_remove", "staff", staff_id)
            .in_org(org)
            .before(serde_json::json!({ "experience": id })),
    )
    .await?;
    Ok(())
}

/// Where and how a person would work: theirs to change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Preferences {
    /// Sites besides their own they can work at.
    pub work_sites: Vec<String>,
    pub max_travel_km: Option<u32>,
    pub preferred_areas: Vec<ServiceArea>,
    pub willing_to_trial: bool,
    pub available_from: Option<Date>,
}

impl Preferences {
    pub fn of(s: &staff::Model) -> Self {
        Self {
            work_sites: s
                .work_sites
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
            max_travel_km: s.max_travel_km.and_then(|k| u32::try_from(k).ok()),
            preferred_areas: s
                .preferred_areas
                .split_whitespace()
                .filter_map(|k| k.parse().ok())
                .collect(),
            willing_to_trial: s.willing_to_trial,
            available_from: s.available_from,
        }
    }
}

fn areas_text(areas: &[ServiceArea]) -> String {
    areas.iter().map(|a| a.key()).collect::<Vec<_>>().join(" ")
}

pub async fn set_preferences<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    staff_id: Uuid,
    p: &Preferences,
) -> Result<(), DbError> {
    lock_staff(conn, org, staff_id).await?;
    staff::Entity::update_many()
        .col_expr(
            staff::Column::WorkSites,
            Expr::value(p.work_sites.join("\n")),
        )
        .col_expr(
            staff::Column::MaxTravelKm,
            Expr::value(p.max_travel_km.and_then(|k| i32::try_from(k).ok())),
        )
        .col_expr(
            staff::Column::PreferredAreas,
            Expr::value(areas_text(&p.preferred_areas)),
        )
        .col_expr(
            staff::Column::WillingToTrial,
            Expr::value(p.willing_to_trial),
        )
        .col_expr(staff::Column::AvailableFrom, Expr::value(p.available_from))
        .col_expr(staff::Column::UpdatedAt, Expr::value(now))
        .filter(staff::Column::Id.eq(staff_id))
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("profile.preferences", "staff", staff_id)
            .in_org(org)
            .after(serde_json::json!({ "changed": "preferences" })),
    )
    .await?;
    Ok(())
}

/// HR corrects a person's grade and hours (the person cannot).
pub async fn set_contract<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    staff_id: Uuid,
    grade: Grade,
    weekly_minutes: u32,
) -> Result<(), DbError> {
    lock_staff(conn, org, staff_id).await?;
    staff::Entity::update_many()
        .col_expr(staff::Column::Grade, Expr::value(i32::from(grade)))
        .col_expr(
            staff::Column::WeeklyMinutes,
            Expr::value(i32::try_from(weekly_minutes).unwrap_or(i32::MAX)),
        )
        .col_expr(staff::Column::UpdatedAt, Expr::value(now))
        .filter(staff::Column::Id.eq(staff_id))
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("profile.contract", "staff", staff_id)
            .in_org(org)
            .after(serde_json::json!({ "changed": ["grade", "hours"] })),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Bulk loading (the demo; imports may use it too)

/// A staff record with its profile, ready to insert.
#[derive(Clone, Debug)]
pub struct NewStaff {
    pub employee_number: String,
    pub person: Option<PersonId>,
    pub name: String,
    pub email: Option<String>,
    pub job_title: String,
    pub grade: Grade,
    pub weekly_minutes: u32,
    pub service_area: Option<ServiceArea>,
    pub site: Option<String>,
    pub home: Option<(i32, i32)>,
    pub preferences: Preferences,
    pub started_on: Option<Date>,
    /// Levels in the order of the active framework; empty when not assessed.
    pub levels: Vec<u8>,
    pub qualifications: Vec<NewQualification>,
    pub experience: Vec<NewExperience>,
}

/// Insert many staff records with their profiles, in chunks, with one audit
/// event for the lot. Returns the new records' ids in order.
pub async fn insert_many<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    people: &[NewStaff],
) -> Result<Vec<Uuid>, DbError> {
    ensure_framework(conn, org, now).await?;
    let framework = framework(conn, org).await?;
    let ids: Vec<Uuid> = people.iter().map(|_| Uuid::new_v4()).collect();
    for (chunk, chunk_ids) in people.chunks(CHUNK).zip(ids.chunks(CHUNK)) {
        let rows: Vec<staff::ActiveModel> = chunk
            .iter()
            .zip(chunk_ids)
            .map(|(s, id)| staff::ActiveModel {
                id: Set(*id),
                organisation_id: Set(org.uuid()),
                employee_number: Set(s.employee_number.clone()),
                person_id: Set(s.person.map(PersonId::uuid)),
                name: Set(s.name.clone()),
                email: Set(s.email.clone()),
                job_title: Set(s.job_title.clone()),
                grade: Set(i32::from(s.grade)),
                weekly_minutes: Set(i32::try_from(s.weekly_minutes).unwrap_or(i32::MAX)),
                service_area: Set(s.service_area.map(|a| a.key().to_owned())),
                site: Set(s.site.clone()),
                home_easting: Set(s.home.map(|h| h.0)),
                home_northing: Set(s.home.map(|h| h.1)),
                max_travel_km: Set(s
                    .preferences
                    .max_travel_km
                    .and_then(|k| i32::try_from(k).ok())),
                work_sites: Set(s.preferences.work_sites.join("\n")),
                preferred_areas: Set(areas_text(&s.preferences.preferred_areas)),
                willing_to_trial: Set(s.preferences.willing_to_trial),
                available_from: Set(s.preferences.available_from),
                started_on: Set(s.started_on),
                left_on: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect();
        staff::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await
            .map_err(DbError::unique("employee number"))?;
    }
    let mut levels = Vec::new();
    let mut quals = Vec::new();
    let mut experience = Vec::new();
    for (s, id) in people.iter().zip(&ids) {
        for (strength, level) in framework.iter().zip(&s.levels) {
            levels.push(staff_strength::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org.uuid()),
                staff_id: Set(*id),
                strength_id: Set(strength.id),
                level: Set(i32::from(Ord::min(
                    *level,
                    beacon_core::talent::strengths::MAX_LEVEL,
                ))),
                assessed_at: Set(now),
            });
        }
        for q in &s.qualifications {
            quals.push(staff_qualification::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org.uuid()),
                staff_id: Set(*id),
                code: Set(q.code.clone()),
                title: Set(q.title.clone()),
                expires_on: Set(q.expires_on),
            });
        }
        for e in &s.experience {
            experience.push(staff_experience::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org.uuid()),
                staff_id: Set(*id),
                role_title: Set(e.role_title.clone()),
                service_area: Set(e.service_area.key().to_owned()),
                months: Set(i32::try_from(e.months).unwrap_or(i32::MAX)),
            });
        }
    }
    for chunk in levels.chunks(CHUNK * 2) {
        staff_strength::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    for chunk in quals.chunks(CHUNK) {
        staff_qualification::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    for chunk in experience.chunks(CHUNK) {
        staff_experience::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("staff.load", "organisation", org)
            .in_org(org)
            .after(serde_json::json!({ "staff": people.len() })),
    )
    .await?;
    Ok(ids)
}
