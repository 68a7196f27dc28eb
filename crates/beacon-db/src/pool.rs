//! The talent pool and matching: members and their stays, what matching
//! needs of pool members and open vacancies, the shared pool of partner
//! organisations, and turning chosen pairs into invitations (DESIGN.md §3.2).
//!
//! Every query is filtered by the organisation. Matching loads the strengths,
//! qualifications and experience of pool members only, never of the whole
//! workforce.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    placement, pool_member, staff, staff_experience, staff_qualification, staff_strength, strength,
    vacancy, vacancy_essential, vacancy_experience, vacancy_strength,
};
use crate::journey::{self, Invitation};
use crate::{DbError, Timestamp};
use beacon_core::talent::matching::{Essential, StaffFacts, VacancyFacts, Wanted, lines, words};
use beacon_core::talent::pool::Held;
use beacon_core::talent::{Grade, PoolStatus, PoolTier, VacancyStatus};
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::Date;
use uuid::Uuid;

/// The pool list's filters, already allow-listed by the caller.
#[derive(Debug, Clone, Default)]
pub struct PoolFilter {
    pub tier: Option<PoolTier>,
    pub status: Option<PoolStatus>,
    /// A service-area key.
    pub area: Option<String>,
}

/// A stay in the pool with the member of staff it belongs to.
#[derive(Debug, Clone)]
pub struct Member {
    pub stay: pool_member::Model,
    pub staff: staff::Model,
}

fn grade(g: i32) -> Grade {
    Grade::try_from(g.clamp(0, 255)).unwrap_or(0)
}

fn minutes(m: i32) -> u32 {
    u32::try_from(m).unwrap_or(0)
}

async fn with_staff<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    stays: Vec<pool_member::Model>,
) -> Result<Vec<Member>, DbError> {
    let ids: Vec<Uuid> = stays.iter().map(|s| s.staff_id).collect();
    let mut staff: HashMap<Uuid, staff::Model> = staff::Entity::find()
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(stays
        .into_iter()
        .filter_map(|stay| {
            let staff = staff.remove(&stay.staff_id)?;
            Some(Member { stay, staff })
        })
        .collect())
}

/// One page of the pool, in priority order (protected, role removed,
/// voluntary; the stored tier keys sort that way), earliest entry first.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    filter: &PoolFilter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<Member>, u64), DbError> {
    let mut query =
        pool_member::Entity::find().filter(pool_member::Column::OrganisationId.eq(org.uuid()));
    if let Some(tier) = filter.tier {
        query = query.filter(pool_member::Column::Tier.eq(tier.key()));
    }
    if let Some(status) = filter.status {
        query = query.filter(pool_member::Column::Status.eq(status.key()));
    }
    if let Some(area) = &filter.area {
        query = query.filter(
            pool_member::Column::StaffId.in_subquery(
                Query::select()
                    .column(staff::Column::Id)
                    .from(staff::Entity)
                    .and_where(staff::Column::OrganisationId.eq(org.uuid()))
                    .and_where(staff::Column::ServiceArea.eq(area.as_str()))
                    .to_owned(),
            ),
        );
    }
    let total = query.clone().count(conn).await?;
    let stays = query
        .order_by_asc(pool_member::Column::Tier)
        .order_by_asc(pool_member::Column::EnteredOn)
        .order_by_asc(pool_member::Column::Id)
        .paginate(conn, per_page.max(1))
        .fetch_page(page.saturating_sub(1))
        .await?;
    Ok((with_staff(conn, org, stays).await?, total))
}

/// Staff of the organisation by employee number (exactly) or name (in part),
/// for choosing whom to add; at most `limit`.
pub async fn find_staff<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    query: &str,
    limit: u64,
) -> Result<Vec<staff::Model>, DbError> {
    let q = query.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(
            Condition::any()
                .add(staff::Column::EmployeeNumber.eq(q))
                .add(staff::Column::Name.contains(q)),
        )
        .filter(staff::Column::LeftOn.is_null())
        .order_by_asc(staff::Column::Name)
        .limit(limit)
        .all(conn)
        .await?)
}

/// A member of staff of the organisation by employee number.
pub async fn staff_by_number<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    number: &str,
) -> Result<Option<staff::Model>, DbError> {
    Ok(staff::Entity::find()
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::EmployeeNumber.eq(number.trim()))
        .one(conn)
        .await?)
}

/// A new stay in the pool.
#[derive(Debug, Clone, Serialize)]
pub struct NewMember {
    pub staff: Uuid,
    pub tier: PoolTier,
    pub reason: String,
    pub protected_until: Option<Date>,
    pub shared: bool,
    pub redundancy_cost_pence: Option<i64>,
    pub entered_on: Date,
}

fn open_keys() -> [&'static str; 2] {
    [PoolStatus::Active.key(), PoolStatus::OnTrial.key()]
}

/// Adds a member of staff to the pool. Someone already in it (active or on
/// trial) is a conflict; another organisation's staff are not found.
pub async fn add<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    new: &NewMember,
) -> Result<Uuid, DbError> {
    let here = staff::Entity::find_by_id(new.staff)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?;
    if here.is_none() {
        return Err(DbError::NotFound);
    }
    let already = pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pool_member::Column::StaffId.eq(new.staff))
        .filter(pool_member::Column::Status.is_in(open_keys()))
        .count(conn)
        .await?;
    if already > 0 {
        return Err(DbError::Conflict("pool member"));
    }
    let id = Uuid::new_v4();
    pool_member::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        staff_id: Set(new.staff),
        tier: Set(new.tier.key().to_owned()),
        status: Set(PoolStatus::Active.key().to_owned()),
        entered_on: Set(new.entered_on),
        protected_until: Set(new.protected_until),
        reason: Set(new.reason.clone()),
        shared: Set(new.shared),
        placed_on: Set(None),
        left_on: Set(None),
        redundancy_cost_pence: Set(new.redundancy_cost_pence),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("pool.add", "pool_member", id)
            .in_org(org)
            .after(new),
    )
    .await?;
    Ok(id)
}

/// A stay of the organisation's pool, or `None` for anyone else's.
pub async fn member<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Option<Member>, DbError> {
    let Some(stay) = pool_member::Entity::find_by_id(id)
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(with_staff(conn, org, vec![stay]).await?.pop())
}

/// What HR changes about a stay.
#[derive(Debug, Clone, Serialize)]
pub struct MemberChange {
    pub status: PoolStatus,
    pub tier: PoolTier,
    pub protected_until: Option<Date>,
}

#[derive(Serialize)]
struct StaySnapshot<'a> {
    status: &'a str,
    tier: &'a str,
    protected_until: Option<Date>,
}

/// Changes a stay's status and tier; placing or leaving dates the stay.
pub async fn change<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    today: Date,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    change: &MemberChange,
) -> Result<(), DbError> {
    let stay = pool_member::Entity::find_by_id(id)
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let before = StaySnapshot {
        status: &stay.status.clone(),
        tier: &stay.tier.clone(),
        protected_until: stay.protected_until,
    };
    let before = serde_json::to_value(before).unwrap_or_default();
    let mut active = stay.into_active_model();
    active.status = Set(change.status.key().to_owned());
    active.tier = Set(change.tier.key().to_owned());
    active.protected_until = Set(change.protected_until);
    match change.status {
        PoolStatus::Placed => active.placed_on = Set(Some(today)),
        PoolStatus::Left => active.left_on = Set(Some(today)),
        _ => {}
    }
    active.updated_at = Set(now);
    active.update(conn).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("pool.change", "pool_member", id)
            .in_org(org)
            .before(before)
            .after(change),
    )
    .await?;
    Ok(())
}

/// The signed-in person's open stay in the pool, with their staff record.
pub async fn stay_of_person<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    person: PersonId,
) -> Result<Option<Member>, DbError> {
    let Some(me) = staff_of_person(conn, org, person).await? else {
        return Ok(None);
    };
    let stay = pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pool_member::Column::StaffId.eq(me.id))
        .filter(pool_member::Column::Status.is_in(open_keys()))
        .one(conn)
        .await?;
    Ok(stay.map(|stay| Member { stay, staff: me }))
}

/// The staff record of a person with an account, in the organisation.
pub async fn staff_of_person<C: ConnectionTrait>(
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

/// The organisation's strengths framework in position order: the engine's order.
pub async fn framework<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<strength::Model>, DbError> {
    Ok(strength::Entity::find()
        .filter(strength::Column::OrganisationId.eq(org.uuid()))
        .order_by_asc(strength::Column::Position)
        .all(conn)
        .await?)
}

/// Members available for matching: active stays.
pub async fn matchable<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Vec<Member>, DbError> {
    let stays = pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pool_member::Column::Status.eq(PoolStatus::Active.key()))
        .order_by_asc(pool_member::Column::Tier)
        .order_by_asc(pool_member::Column::EnteredOn)
        .all(conn)
        .await?;
    with_staff(conn, org, stays).await
}

/// Matching's facts for the given staff of `org`. `index` maps a strength's
/// id to its place in the framework the scores are against.
pub async fn staff_facts<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    people: &[&staff::Model],
    index: &HashMap<Uuid, usize>,
) -> Result<Vec<StaffFacts>, DbError> {
    let ids: Vec<Uuid> = people.iter().map(|s| s.id).collect();
    let mut levels: HashMap<Uuid, Vec<(usize, u8)>> = HashMap::new();
    let mut held: HashMap<Uuid, Vec<Held>> = HashMap::new();
    let mut experience: HashMap<Uuid, Vec<(String, u32)>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for s in staff_strength::Entity::find()
            .filter(staff_strength::Column::OrganisationId.eq(org.uuid()))
            .filter(staff_strength::Column::StaffId.is_in(chunk.to_vec()))
            .all(conn)
            .await?
        {
            if let Some(&i) = index.get(&s.strength_id) {
                let level = u8::try_from(s.level.clamp(0, 5)).unwrap_or(0);
                levels.entry(s.staff_id).or_default().push((i, level));
            }
        }
        for q in staff_qualification::Entity::find()
            .filter(staff_qualification::Column::OrganisationId.eq(org.uuid()))
            .filter(staff_qualification::Column::StaffId.is_in(chunk.to_vec()))
            .all(conn)
            .await?
        {
            held.entry(q.staff_id).or_default().push(Held {
                code: q.code,
                expires_on: q.expires_on,
            });
        }
        for e in staff_experience::Entity::find()
            .filter(staff_experience::Column::OrganisationId.eq(org.uuid()))
            .filter(staff_experience::Column::StaffId.is_in(chunk.to_vec()))
            .all(conn)
            .await?
        {
            experience
                .entry(e.staff_id)
                .or_default()
                .push((e.service_area, minutes(e.months)));
        }
    }
    Ok(people
        .iter()
        .map(|s| StaffFacts {
            id: s.id.to_string(),
            grade: grade(s.grade),
            weekly_minutes: minutes(s.weekly_minutes),
            home: s.home_easting.zip(s.home_northing),
            max_travel_km: s.max_travel_km.and_then(|k| u32::try_from(k).ok()),
            site: s.site.clone(),
            work_sites: lines(&s.work_sites),
            preferred_areas: words(&s.preferred_areas),
            strengths: levels.remove(&s.id).unwrap_or_default(),
            qualifications: held.remove(&s.id).unwrap_or_default(),
            experience: experience.remove(&s.id).unwrap_or_default(),
        })
        .collect())
}

/// The index of each of the organisation's strengths in its framework.
pub fn own_index(framework: &[strength::Model]) -> HashMap<Uuid, usize> {
    framework
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect()
}

/// Vacancies the pool can be matched against: held for the pool or open.
pub async fn open_vacancies<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<vacancy::Model>, DbError> {
    Ok(open_by_title(org).all(conn).await?)
}

/// The same vacancies' ids and titles only, for a list of links: a large
/// council has a hundred or more open at once, and their whole rows carry
/// their descriptions.
pub async fn open_vacancy_titles<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(open_by_title(org)
        .select_only()
        .column(vacancy::Column::Id)
        .column(vacancy::Column::Title)
        .into_tuple()
        .all(conn)
        .await?)
}

fn open_by_title(org: OrgId) -> Select<vacancy::Entity> {
    vacancy::Entity::find()
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .filter(
            vacancy::Column::Status
                .is_in([VacancyStatus::PoolOnly.key(), VacancyStatus::External.key()]),
        )
        .order_by_asc(vacancy::Column::Title)
        .order_by_asc(vacancy::Column::Id)
}

/// One of the organisation's vacancies, or `None` for anyone else's.
pub async fn vacancy<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Option<vacancy::Model>, DbError> {
    Ok(vacancy::Entity::find_by_id(id)
        .filter(vacancy::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?)
}

/// Matching's facts for the organisation's vacancies.
pub async fn vacancy_facts<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    vacancies: &[vacancy::Model],
    index: &HashMap<Uuid, usize>,
) -> Result<Vec<VacancyFacts>, DbError> {
    let ids: Vec<Uuid> = vacancies.iter().map(|v| v.id).collect();
    let mut essentials: HashMap<Uuid, Vec<Essential>> = HashMap::new();
    let mut wanted: HashMap<Uuid, Vec<Wanted>> = HashMap::new();
    let mut experience: HashMap<Uuid, Vec<(String, u32)>> = HashMap::new();
    for e in vacancy_essential::Entity::find()
        .filter(vacancy_essential::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_essential::Column::VacancyId.is_in(ids.clone()))
        .order_by_asc(vacancy_essential::Column::Title)
        .all(conn)
        .await?
    {
        essentials.entry(e.vacancy_id).or_default().push(Essential {
            code: e.code,
            title: e.title,
            training_days: e.training_days.and_then(|d| u32::try_from(d).ok()),
        });
    }
    for s in vacancy_strength::Entity::find()
        .filter(vacancy_strength::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_strength::Column::VacancyId.is_in(ids.clone()))
        .all(conn)
        .await?
    {
        if let Some(&i) = index.get(&s.strength_id) {
            wanted.entry(s.vacancy_id).or_default().push(Wanted {
                index: i,
                level: u8::try_from(s.level.clamp(0, 5)).unwrap_or(0),
                weight: u8::try_from(s.weight.clamp(0, 255)).unwrap_or(0),
            });
        }
    }
    for e in vacancy_experience::Entity::find()
        .filter(vacancy_experience::Column::OrganisationId.eq(org.uuid()))
        .filter(vacancy_experience::Column::VacancyId.is_in(ids))
        .all(conn)
        .await?
    {
        experience
            .entry(e.vacancy_id)
            .or_default()
            .push((e.service_area, minutes(e.months)));
    }
    Ok(vacancies
        .iter()
        .map(|v| {
            let mut strengths = wanted.remove(&v.id).unwrap_or_default();
            strengths.sort_by_key(|w| w.index);
            VacancyFacts {
                id: v.id.to_string(),
                service_area: v.service_area.clone(),
                grade_min: grade(v.grade_min),
                grade_max: grade(v.grade_max),
                weekly_minutes: minutes(v.weekly_minutes),
                site: v.site.clone(),
                location: v.easting.zip(v.northing),
                remote: v.remote,
                training_limit_days: minutes(v.training_limit_days),
                essentials: essentials.remove(&v.id).unwrap_or_default(),
                strengths,
                experience: experience.remove(&v.id).unwrap_or_default(),
            }
        })
        .collect())
}

/// A partner's pool member who agreed to be shared, as the viewing
/// organisation may see them: a name, the home council and what matching
/// needs. Never their tier or status.
#[derive(Debug, Clone)]
pub struct SharedMember {
    pub home: String,
    pub name: String,
    pub facts: StaffFacts,
}

/// One organisation's active pool members who agreed to be shared, with
/// their strengths in that organisation's own framework: what a partner's
/// matching reads of it, kept by the partner's server until the
/// organisation's talent change stamp moves.
#[derive(Debug, Clone)]
pub struct SharedPool {
    /// The organisation's strength names in position order.
    pub names: Vec<String>,
    /// Each member's name and facts, strengths indexed into `names`.
    pub members: Vec<(String, StaffFacts)>,
}

impl SharedPool {
    /// The members as a partner sees them: strengths put into the partner's
    /// framework (`names`, in position order) by name; a strength the
    /// partner's framework lacks is left out.
    pub fn seen_by(&self, home: &str, names: &[String]) -> Vec<SharedMember> {
        let by_name: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, name)| (name.as_str(), i))
            .collect();
        let theirs: Vec<Option<usize>> = self
            .names
            .iter()
            .map(|name| by_name.get(name.as_str()).copied())
            .collect();
        self.members
            .iter()
            .map(|(name, facts)| {
                let mut facts = facts.clone();
                facts.strengths = facts
                    .strengths
                    .iter()
                    .filter_map(|&(i, level)| theirs.get(i).copied().flatten().map(|j| (j, level)))
                    .collect();
                SharedMember {
                    home: home.to_owned(),
                    name: name.clone(),
                    facts,
                }
            })
            .collect()
    }
}

/// The organisation's active pool members who agreed to be shared with its
/// partners.
pub async fn shared_pool<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<SharedPool, DbError> {
    let framework = framework(conn, org).await?;
    let index = own_index(&framework);
    let stays = pool_member::Entity::find()
        .filter(pool_member::Column::OrganisationId.eq(org.uuid()))
        .filter(pool_member::Column::Status.eq(PoolStatus::Active.key()))
        .filter(pool_member::Column::Shared.eq(true))
        .all(conn)
        .await?;
    let members = with_staff(conn, org, stays).await?;
    let people: Vec<&staff::Model> = members.iter().map(|m| &m.staff).collect();
    let facts = staff_facts(conn, org, &people, &index).await?;
    Ok(SharedPool {
        names: framework.into_iter().map(|s| s.name).collect(),
        members: members
            .iter()
            .map(|m| m.staff.name.clone())
            .zip(facts)
            .collect(),
    })
}

/// Staff already on their way into each vacancy (any step), by vacancy.
pub async fn invited<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    vacancies: &[Uuid],
) -> Result<BTreeMap<Uuid, HashSet<Uuid>>, DbError> {
    let mut out: BTreeMap<Uuid, HashSet<Uuid>> = BTreeMap::new();
    for p in placement::Entity::find()
        .filter(placement::Column::OrganisationId.eq(org.uuid()))
        .filter(placement::Column::VacancyId.is_in(vacancies.to_vec()))
        .all(conn)
        .await?
    {
        out.entry(p.vacancy_id).or_default().insert(p.staff_id);
    }
    Ok(out)
}

/// A chosen pair to invite.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    pub vacancy: Uuid,
    pub staff: Uuid,
    pub interview_guaranteed: bool,
}

/// Invites every chosen pair, each to be taken forward by the person who
/// raised the vacancy, and tells each person by email with the notice
/// `tell(their name, the vacancy's title)` gives; the first refusal (a pair
/// already invited, another organisation's record) is returned and the
/// caller rolls back.
pub async fn invite_all<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    today: Date,
    actor: &Actor,
    org: OrgId,
    choices: &[Choice],
    tell: impl Fn(&str, &str) -> journey::Notice,
) -> Result<Vec<Uuid>, DbError> {
    let mut made = Vec::with_capacity(choices.len());
    for c in choices {
        let v = vacancy(conn, org, c.vacancy)
            .await?
            .ok_or(DbError::NotFound)?;
        let person = staff::Entity::find_by_id(c.staff)
            .filter(staff::Column::OrganisationId.eq(org.uuid()))
            .one(conn)
            .await?
            .ok_or(DbError::NotFound)?;
        let id = journey::invite_and_tell(
            conn,
            now,
            today,
            actor,
            org,
            &Invitation {
                vacancy: c.vacancy,
                staff: c.staff,
                owner: PersonId::from_uuid(v.raised_by),
                interview_guaranteed: c.interview_guaranteed,
            },
            &tell(&person.name, &v.title),
        )
        .await?;
        made.push(id);
    }
    Ok(made)
}

/// Every current member of staff of the organisation, as `(staff id, person
/// id)` in employee-number order: what a bulk loader (the demo) picks from.
pub async fn current_staff<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(Uuid, Option<Uuid>)>, DbError> {
    Ok(staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::PersonId)
        .filter(staff::Column::OrganisationId.eq(org.uuid()))
        .filter(staff::Column::LeftOn.is_null())
        .order_by_asc(staff::Column::EmployeeNumber)
        .into_tuple()
        .all(conn)
        .await?)
}

/// A stay as a bulk loader gives it, at any status.
#[derive(Debug, Clone)]
pub struct LoadedStay {
    pub staff: Uuid,
    pub tier: PoolTier,
    pub status: PoolStatus,
    pub entered_on: Date,
    pub protected_until: Option<Date>,
    pub reason: String,
    pub shared: bool,
    pub placed_on: Option<Date>,
    pub left_on: Option<Date>,
    pub redundancy_cost_pence: Option<i64>,
}

/// Inserts many stays at once, in chunks (no audit: for seeding and loading
/// only, inside the loader's transaction).
pub async fn load_many<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    stays: &[LoadedStay],
) -> Result<(), DbError> {
    for chunk in stays.chunks(500) {
        let rows: Vec<pool_member::ActiveModel> = chunk
            .iter()
            .map(|s| pool_member::ActiveModel {
                id: Set(Uuid::new_v4()),
                organisation_id: Set(org.uuid()),
                staff_id: Set(s.staff),
                tier: Set(s.tier.key().to_owned()),
                status: Set(s.status.key().to_owned()),
                entered_on: Set(s.entered_on),
                protected_until: Set(s.protected_until),
                reason: Set(s.reason.clone()),
                shared: Set(s.shared),
                placed_on: Set(s.placed_on),
                left_on: Set(s.left_on),
                redundancy_cost_pence: Set(s.redundancy_cost_pence),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .collect();
        pool_member::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_shared_member_is_seen_in_the_readers_framework_by_name() {
        let pool = SharedPool {
            names: names(&["Seeing the Big Picture", "Leadership", "Resilience"]),
            members: vec![(
                "Ada Clark".to_owned(),
                StaffFacts {
                    grade: 7,
                    strengths: vec![(0, 4), (1, 2), (2, 5)],
                    ..StaffFacts::default()
                },
            )],
        };
        // The reader orders the framework differently and lacks "Leadership".
        let seen = pool.seen_by(
            "Eastvale",
            &names(&["Resilience", "Seeing the Big Picture"]),
        );
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].home, "Eastvale");
        assert_eq!(seen[0].name, "Ada Clark");
        assert_eq!(seen[0].facts.grade, 7);
        assert_eq!(seen[0].facts.strengths, vec![(1, 4), (0, 5)]);
    }
}
