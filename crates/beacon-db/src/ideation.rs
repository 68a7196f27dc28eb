//! Facilitated sessions: possibility thinking in timed rounds ("ten ways…
//! then ten more… then ten more") and cultural enquiry (today's culture, what
//! to keep, tomorrow's culture, the behaviours that get there). Participants
//! add ways while a round is open; the facilitator promotes the best to ideas.
//!
//! Every query takes the organisation; another organisation's session is "not
//! found". Changes write their audit event in the caller's transaction.
use crate::audit::{self, Actor, Change};
use crate::entity::{challenge, ideation_session, person, session_round, session_way};
use crate::ideas::{self, NewIdea};
use crate::{DbError, Timestamp};
use beacon_core::text::BoundedText;
use beacon_core::{OrgId, PersonId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::Duration;
use uuid::Uuid;

// ---------------------------------------------------------------------------
// The rules of a session. They are pure (no I/O) and tested below.

/// How a session runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Timed rounds of "ten ways…", then ten more, then ten more.
    PossibilityThinking,
    /// Mixed directorates and grades describe today's culture, what to keep,
    /// tomorrow's culture and the behaviours that get there: one round each.
    CulturalEnquiry,
}

impl Template {
    pub const ALL: [Template; 2] = [Template::PossibilityThinking, Template::CulturalEnquiry];

    pub const fn key(self) -> &'static str {
        match self {
            Template::PossibilityThinking => "possibility_thinking",
            Template::CulturalEnquiry => "cultural_enquiry",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        Template::ALL.into_iter().find(|t| t.key() == key)
    }

    /// How many rounds a session may have. Possibility thinking usually runs
    /// three; a facilitator may push on, within reason.
    pub const fn max_rounds(self) -> u32 {
        match self {
            Template::PossibilityThinking => 10,
            Template::CulturalEnquiry => 4,
        }
    }

    /// The template's prompt for the round at `position` (from 1), as a key
    /// the pages translate; `None` beyond the last round.
    pub fn prompt_key(self, position: u32) -> Option<&'static str> {
        if position == 0 || position > self.max_rounds() {
            return None;
        }
        Some(match (self, position) {
            (Template::PossibilityThinking, 1) => "ten_ways",
            (Template::PossibilityThinking, 2) => "ten_more",
            (Template::PossibilityThinking, _) => "and_ten_more",
            (Template::CulturalEnquiry, 1) => "culture_today",
            (Template::CulturalEnquiry, 2) => "culture_keep",
            (Template::CulturalEnquiry, 3) => "culture_tomorrow",
            (Template::CulturalEnquiry, _) => "culture_behaviours",
        })
    }
}

/// Where a session is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Created; no round opened yet.
    Draft,
    /// At least one round has been opened.
    Running,
    /// Closed by its facilitator: no more rounds or ways.
    Closed,
}

impl Status {
    pub const fn key(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Running => "running",
            Status::Closed => "closed",
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        [Status::Draft, Status::Running, Status::Closed]
            .into_iter()
            .find(|s| s.key() == key)
    }
}

/// How long a round stays open: one minute to an hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoundMinutes(u8);

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MinutesError {
    #[error("enter how many minutes")]
    Missing,
    #[error("enter a whole number of minutes")]
    NotANumber,
    #[error("a round lasts from 1 to 60 minutes")]
    OutOfRange,
}

impl RoundMinutes {
    pub const MIN: u8 = 1;
    pub const MAX: u8 = 60;
    /// What the form suggests.
    pub const SUGGESTED: u8 = 10;

    pub fn new(minutes: u8) -> Option<Self> {
        (Self::MIN..=Self::MAX)
            .contains(&minutes)
            .then_some(RoundMinutes(minutes))
    }

    pub fn parse(raw: &str) -> Result<Self, MinutesError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(MinutesError::Missing);
        }
        let digits = s.strip_prefix('-').unwrap_or(s);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MinutesError::NotANumber);
        }
        if s.starts_with('-') || digits.len() > 2 {
            return Err(MinutesError::OutOfRange);
        }
        let n: u8 = digits.parse().map_err(|_| MinutesError::NotANumber)?;
        RoundMinutes::new(n).ok_or(MinutesError::OutOfRange)
    }

    pub const fn get(self) -> u8 {
        self.0
    }

    pub fn duration(self) -> Duration {
        Duration::minutes(i64::from(self.0))
    }
}

/// A round takes ways from the moment it opens until the moment it closes.
pub fn round_is_open(opened_at: Timestamp, closes_at: Timestamp, now: Timestamp) -> bool {
    opened_at <= now && now < closes_at
}

/// Whole minutes left in a round, rounded up, so the last seconds read as
/// "1 minute"; `None` once it has closed.
pub fn minutes_left(closes_at: Timestamp, now: Timestamp) -> Option<i64> {
    let left = closes_at - now;
    if left <= Duration::ZERO {
        return None;
    }
    let seconds = left.whole_seconds() + i64::from(left.subsec_nanoseconds() > 0);
    Some((seconds + 59) / 60)
}

/// A session's title.
pub type Title = BoundedText<120>;
/// The question a session asks.
pub type Question = BoundedText<500>;
/// One way, as a participant writes it.
pub type WayText = BoundedText<500>;
/// A facilitator's own prompt for a round.
pub type Prompt = BoundedText<200>;

/// Ten ways a round is the method; fifty from one person in one round is a
/// stuck key or a script.
pub const MAX_WAYS_PER_PERSON_PER_ROUND: u64 = 50;

// ---------------------------------------------------------------------------
// Reading.

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Session {
    pub id: Uuid,
    pub template: Template,
    pub title: String,
    pub question: String,
    pub facilitator: PersonId,
    pub facilitator_name: String,
    pub status: Status,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Round {
    pub id: Uuid,
    pub position: u32,
    /// The template's prompt, to translate when `prompt` is empty.
    pub prompt_key: String,
    /// The facilitator's own prompt, if they wrote one.
    pub prompt: String,
    pub opened_at: Timestamp,
    pub closes_at: Timestamp,
}

impl Round {
    pub fn is_open(&self, now: Timestamp) -> bool {
        round_is_open(self.opened_at, self.closes_at, now)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Way {
    pub id: Uuid,
    pub round: Uuid,
    pub person: PersonId,
    pub author_name: String,
    pub text: String,
    pub promoted_idea: Option<Uuid>,
    pub created_at: Timestamp,
}

/// A session as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSummary {
    pub session: Session,
    pub latest_round: Option<Round>,
    pub ways: u64,
}

async fn names<C: ConnectionTrait>(
    conn: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<HashMap<Uuid, String>, DbError> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
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

fn session_from(
    m: ideation_session::Model,
    names: &HashMap<Uuid, String>,
) -> Result<Session, DbError> {
    Ok(Session {
        id: m.id,
        template: Template::parse(&m.template)
            .ok_or_else(|| DbError::Corrupt(format!("session template {}", m.template)))?,
        title: m.title,
        question: m.question,
        facilitator: PersonId::from_uuid(m.facilitator_id),
        facilitator_name: names.get(&m.facilitator_id).cloned().unwrap_or_default(),
        status: Status::parse(&m.status)
            .ok_or_else(|| DbError::Corrupt(format!("session status {}", m.status)))?,
        created_at: m.created_at,
        closed_at: m.closed_at,
    })
}

fn round_from(m: session_round::Model) -> Round {
    Round {
        id: m.id,
        position: u32::try_from(m.position).unwrap_or(0),
        prompt_key: m.prompt_key,
        prompt: m.prompt,
        opened_at: m.opened_at,
        closes_at: m.closes_at,
    }
}

/// The session, if it belongs to `org`.
pub async fn find<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Option<Session>, DbError> {
    let Some(m) = ideation_session::Entity::find_by_id(id)
        .filter(ideation_session::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let names = names(conn, [m.facilitator_id]).await?;
    session_from(m, &names).map(Some)
}

/// Every session of `org`, newest first, with its latest round and how many
/// ways it has gathered.
pub async fn list<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<SessionSummary>, DbError> {
    let sessions = ideation_session::Entity::find()
        .filter(ideation_session::Column::OrganisationId.eq(org.uuid()))
        .order_by_desc(ideation_session::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut latest: HashMap<Uuid, Round> = HashMap::new();
    for r in session_round::Entity::find()
        .filter(session_round::Column::OrganisationId.eq(org.uuid()))
        .order_by_asc(session_round::Column::Position)
        .all(conn)
        .await?
    {
        latest.insert(r.session_id, round_from(r));
    }
    let counts: HashMap<Uuid, i64> = session_way::Entity::find()
        .select_only()
        .column(session_way::Column::SessionId)
        .column_as(session_way::Column::Id.count(), "ways")
        .filter(session_way::Column::OrganisationId.eq(org.uuid()))
        .group_by(session_way::Column::SessionId)
        .into_tuple::<(Uuid, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let names = names(conn, sessions.iter().map(|s| s.facilitator_id)).await?;
    sessions
        .into_iter()
        .map(|m| {
            let id = m.id;
            Ok(SessionSummary {
                session: session_from(m, &names)?,
                latest_round: latest.remove(&id),
                ways: counts
                    .get(&id)
                    .copied()
                    .and_then(|n| u64::try_from(n).ok())
                    .unwrap_or(0),
            })
        })
        .collect()
}

/// The session's rounds, in order.
pub async fn rounds<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    session: Uuid,
) -> Result<Vec<Round>, DbError> {
    Ok(session_round::Entity::find()
        .filter(session_round::Column::OrganisationId.eq(org.uuid()))
        .filter(session_round::Column::SessionId.eq(session))
        .order_by_asc(session_round::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(round_from)
        .collect())
}

/// The session's ways, in the order they were added.
pub async fn ways<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    session: Uuid,
) -> Result<Vec<Way>, DbError> {
    let models = session_way::Entity::find()
        .filter(session_way::Column::OrganisationId.eq(org.uuid()))
        .filter(session_way::Column::SessionId.eq(session))
        .order_by_asc(session_way::Column::CreatedAt)
        .order_by_asc(session_way::Column::Id)
        .all(conn)
        .await?;
    let names = names(conn, models.iter().map(|w| w.person_id)).await?;
    Ok(models.into_iter().map(|m| way_from(m, &names)).collect())
}

fn way_from(m: session_way::Model, names: &HashMap<Uuid, String>) -> Way {
    Way {
        id: m.id,
        round: m.round_id,
        person: PersonId::from_uuid(m.person_id),
        author_name: names.get(&m.person_id).cloned().unwrap_or_default(),
        text: m.text,
        promoted_idea: m.promoted_idea_id,
        created_at: m.created_at,
    }
}

/// One way of the session, if both belong to `org`.
pub async fn way<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    session: Uuid,
    id: Uuid,
) -> Result<Option<Way>, DbError> {
    let Some(m) = session_way::Entity::find_by_id(id)
        .filter(session_way::Column::OrganisationId.eq(org.uuid()))
        .filter(session_way::Column::SessionId.eq(session))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let names = names(conn, [m.person_id]).await?;
    Ok(Some(way_from(m, &names)))
}

/// The organisation's challenges a promoted idea may answer, newest first.
pub async fn challenges<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<(Uuid, String)>, DbError> {
    Ok(challenge::Entity::find()
        .filter(challenge::Column::OrganisationId.eq(org.uuid()))
        .order_by_desc(challenge::Column::CreatedAt)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.question))
        .collect())
}

// ---------------------------------------------------------------------------
// Changing.

pub struct NewSession {
    pub template: Template,
    pub title: Title,
    pub question: Question,
    pub facilitator: PersonId,
}

/// Store a new session, not yet started, with its audit event.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    new: NewSession,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    let model = ideation_session::Model {
        id,
        organisation_id: org.uuid(),
        template: new.template.key().to_owned(),
        title: new.title.into_string(),
        question: new.question.into_string(),
        facilitator_id: new.facilitator.uuid(),
        status: Status::Draft.key().to_owned(),
        created_at: now,
        closed_at: None,
    };
    let after = serde_json::json!({
        "template": model.template,
        "title": model.title,
        "question": model.question,
        "facilitator": model.facilitator_id,
    });
    ideation_session::Entity::insert(ideation_session::ActiveModel::from(model))
        .exec_without_returning(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("session.create", "ideation_session", id)
            .in_org(org)
            .after(after),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("the session has closed")]
    Closed,
    #[error("the session has had all its rounds")]
    NoMoreRounds,
    /// Someone else opened the round at the same moment.
    #[error("the round was opened by someone else")]
    Race,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sea_orm::DbErr> for SessionError {
    fn from(e: sea_orm::DbErr) -> Self {
        SessionError::Db(DbError::Database(e))
    }
}

/// The session's row, locked for the rest of the transaction so that rounds
/// opening, ways arriving and the session closing happen one after another.
///
/// The lock is taken by writing the row before reading anything: on
/// PostgreSQL that locks it like `SELECT … FOR UPDATE`, and on SQLite it makes
/// the transaction a writer from its first statement, so a second writer
/// waits its turn (busy timeout) instead of failing on a stale snapshot.
async fn locked<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<ideation_session::Model, DbError> {
    let touched = ideation_session::Entity::update_many()
        .col_expr(
            ideation_session::Column::Status,
            Expr::col(ideation_session::Column::Status),
        )
        .filter(ideation_session::Column::Id.eq(id))
        .filter(ideation_session::Column::OrganisationId.eq(org.uuid()))
        .exec(conn)
        .await?;
    if touched.rows_affected == 0 {
        return Err(DbError::NotFound);
    }
    ideation_session::Entity::find_by_id(id)
        .filter(ideation_session::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Open the session's next round for `minutes`, ending the current round now
/// if it is still open. `prompt` replaces the template's prompt. When the
/// page that asked showed round `expected` as the next one, any other next
/// round (a second click, another facilitator first) is refused as a race
/// rather than opening one round more than was meant.
#[allow(clippy::too_many_arguments)]
pub async fn open_round<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    session: Uuid,
    minutes: RoundMinutes,
    prompt: Option<Prompt>,
    expected: Option<u32>,
) -> Result<Round, SessionError> {
    let row = locked(conn, org, session).await?;
    let template = Template::parse(&row.template)
        .ok_or_else(|| DbError::Corrupt(format!("session template {}", row.template)))?;
    if row.status == Status::Closed.key() {
        return Err(SessionError::Closed);
    }
    let existing = rounds(conn, org, session).await?;
    let position = existing.last().map_or(1, |r| r.position + 1);
    if expected.is_some_and(|e| e != position) {
        return Err(SessionError::Race);
    }
    let prompt_key = template
        .prompt_key(position)
        .ok_or(SessionError::NoMoreRounds)?;
    if let Some(current) = existing.last().filter(|r| r.is_open(now)) {
        session_round::Entity::update_many()
            .col_expr(session_round::Column::ClosesAt, Expr::value(now))
            .filter(session_round::Column::Id.eq(current.id))
            .exec(conn)
            .await?;
    }
    let round = session_round::Model {
        id: Uuid::new_v4(),
        organisation_id: org.uuid(),
        session_id: session,
        position: i32::try_from(position).unwrap_or(i32::MAX),
        prompt_key: prompt_key.to_owned(),
        prompt: prompt.map(BoundedText::into_string).unwrap_or_default(),
        opened_at: now,
        closes_at: now + minutes.duration(),
    };
    session_round::Entity::insert(session_round::ActiveModel::from(round.clone()))
        .exec_without_returning(conn)
        .await
        .map_err(|e| match DbError::unique("round")(e) {
            DbError::Conflict(_) => SessionError::Race,
            other => SessionError::Db(other),
        })?;
    if row.status == Status::Draft.key() {
        ideation_session::Entity::update_many()
            .col_expr(
                ideation_session::Column::Status,
                Expr::value(Status::Running.key()),
            )
            .filter(ideation_session::Column::Id.eq(session))
            .exec(conn)
            .await?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("session.round_open", "ideation_session", session)
            .in_org(org)
            .after(serde_json::json!({
                "position": position,
                "minutes": minutes.get(),
                "prompt": round.prompt,
            })),
    )
    .await?;
    Ok(round_from(round))
}

/// Close the session: its open round ends now and no more rounds or ways are
/// taken. Closing a closed session changes nothing and says so.
pub async fn close<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    session: Uuid,
) -> Result<(), SessionError> {
    let row = locked(conn, org, session).await?;
    if row.status == Status::Closed.key() {
        return Err(SessionError::Closed);
    }
    session_round::Entity::update_many()
        .col_expr(session_round::Column::ClosesAt, Expr::value(now))
        .filter(session_round::Column::SessionId.eq(session))
        .filter(session_round::Column::OrganisationId.eq(org.uuid()))
        .filter(session_round::Column::ClosesAt.gt(now))
        .exec(conn)
        .await?;
    ideation_session::Entity::update_many()
        .col_expr(
            ideation_session::Column::Status,
            Expr::value(Status::Closed.key()),
        )
        .col_expr(ideation_session::Column::ClosedAt, Expr::value(Some(now)))
        .filter(ideation_session::Column::Id.eq(session))
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("session.close", "ideation_session", session)
            .in_org(org)
            .before(serde_json::json!({ "status": row.status }))
            .after(serde_json::json!({ "status": Status::Closed.key() })),
    )
    .await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum WayError {
    /// No round is open: none has started, the last has closed, or the
    /// session is closed.
    #[error("no round is open")]
    NoOpenRound,
    #[error("too many ways from one person in this round")]
    TooMany,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sea_orm::DbErr> for WayError {
    fn from(e: sea_orm::DbErr) -> Self {
        WayError::Db(DbError::Database(e))
    }
}

/// Add a way to the session's open round, by `person`, at `now`.
pub async fn add_way<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    session: Uuid,
    person: PersonId,
    text: WayText,
) -> Result<Uuid, WayError> {
    let row = locked(conn, org, session).await?;
    if row.status != Status::Running.key() {
        return Err(WayError::NoOpenRound);
    }
    let round = session_round::Entity::find()
        .filter(session_round::Column::OrganisationId.eq(org.uuid()))
        .filter(session_round::Column::SessionId.eq(session))
        .order_by_desc(session_round::Column::Position)
        .one(conn)
        .await?
        .filter(|r| round_is_open(r.opened_at, r.closes_at, now))
        .ok_or(WayError::NoOpenRound)?;
    let mine = session_way::Entity::find()
        .filter(session_way::Column::RoundId.eq(round.id))
        .filter(session_way::Column::PersonId.eq(person.uuid()))
        .count(conn)
        .await?;
    if mine >= MAX_WAYS_PER_PERSON_PER_ROUND {
        return Err(WayError::TooMany);
    }
    let id = Uuid::new_v4();
    session_way::Entity::insert(session_way::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        session_id: Set(session),
        round_id: Set(round.id),
        person_id: Set(person.uuid()),
        text: Set(text.as_str().to_owned()),
        promoted_idea_id: Set(None),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("session.way_add", "session_way", id)
            .in_org(org)
            .after(serde_json::json!({ "session": session, "round": round.position })),
    )
    .await?;
    Ok(id)
}

#[derive(Debug, thiserror::Error)]
pub enum PromoteError {
    #[error("the way has already been promoted")]
    AlreadyPromoted,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sea_orm::DbErr> for PromoteError {
    fn from(e: sea_orm::DbErr) -> Self {
        PromoteError::Db(DbError::Database(e))
    }
}

/// Promote a way to an idea, written by the way's author (whatever `idea.author`
/// says), and record the idea on the way. Two facilitators promoting the same
/// way at once get one idea: the second finds the way taken and the caller's
/// transaction is rolled back, idea and all.
pub async fn promote<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    session: Uuid,
    way_id: Uuid,
    mut idea: NewIdea,
) -> Result<Uuid, PromoteError> {
    locked(conn, org, session).await?;
    let way = session_way::Entity::find_by_id(way_id)
        .filter(session_way::Column::OrganisationId.eq(org.uuid()))
        .filter(session_way::Column::SessionId.eq(session))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    if way.promoted_idea_id.is_some() {
        return Err(PromoteError::AlreadyPromoted);
    }
    idea.author = PersonId::from_uuid(way.person_id);
    let idea_id = ideas::create(conn, now, actor, org, idea).await?;
    let taken = session_way::Entity::update_many()
        .col_expr(
            session_way::Column::PromotedIdeaId,
            Expr::value(Some(idea_id)),
        )
        .filter(session_way::Column::Id.eq(way_id))
        .filter(session_way::Column::PromotedIdeaId.is_null())
        .exec(conn)
        .await?;
    if taken.rows_affected != 1 {
        return Err(PromoteError::AlreadyPromoted);
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("session.way_promote", "session_way", way_id)
            .in_org(org)
            .after(serde_json::json!({ "session": session, "idea": idea_id })),
    )
    .await?;
    Ok(idea_id)
}

/// Ways grouped by the round they were added in, rounds in order.
pub fn by_round<'a>(rounds: &'a [Round], ways: &'a [Way]) -> Vec<(&'a Round, Vec<&'a Way>)> {
    let mut grouped: BTreeMap<Uuid, Vec<&Way>> = BTreeMap::new();
    for w in ways {
        grouped.entry(w.round).or_default().push(w);
    }
    rounds
        .iter()
        .map(|r| (r, grouped.remove(&r.id).unwrap_or_default()))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::datetime;

    #[test]
    fn templates_and_statuses_round_trip_through_their_keys() {
        for t in Template::ALL {
            assert_eq!(Template::parse(t.key()), Some(t));
        }
        for s in [Status::Draft, Status::Running, Status::Closed] {
            assert_eq!(Status::parse(s.key()), Some(s));
        }
        assert_eq!(Template::parse("brainstorm"), None);
        assert_eq!(Status::parse("Running"), None);
    }

    #[test]
    fn possibility_thinking_asks_for_ten_then_ten_more() {
        let t = Template::PossibilityThinking;
        assert_eq!(t.prompt_key(0), None);
        assert_eq!(t.prompt_key(1), Some("ten_ways"));
        assert_eq!(t.prompt_key(2), Some("ten_more"));
        assert_eq!(t.prompt_key(3), Some("and_ten_more"));
        assert_eq!(t.prompt_key(10), Some("and_ten_more"));
        assert_eq!(t.prompt_key(11), None);
    }

    #[test]
    fn cultural_enquiry_has_its_four_questions() {
        let t = Template::CulturalEnquiry;
        let keys: Vec<_> = (1..=5).map(|p| t.prompt_key(p)).collect();
        assert_eq!(
            keys,
            vec![
                Some("culture_today"),
                Some("culture_keep"),
                Some("culture_tomorrow"),
                Some("culture_behaviours"),
                None
            ]
        );
    }

    #[test]
    fn rounds_last_one_minute_to_an_hour() {
        assert_eq!(RoundMinutes::parse("10").map(RoundMinutes::get), Ok(10));
        assert_eq!(RoundMinutes::parse(" 1 ").map(RoundMinutes::get), Ok(1));
        assert_eq!(RoundMinutes::parse("60").map(RoundMinutes::get), Ok(60));
        assert_eq!(RoundMinutes::parse(""), Err(MinutesError::Missing));
        assert_eq!(RoundMinutes::parse("0"), Err(MinutesError::OutOfRange));
        assert_eq!(RoundMinutes::parse("61"), Err(MinutesError::OutOfRange));
        assert_eq!(RoundMinutes::parse("-5"), Err(MinutesError::OutOfRange));
        assert_eq!(RoundMinutes::parse("900000"), Err(MinutesError::OutOfRange));
        assert_eq!(RoundMinutes::parse("ten"), Err(MinutesError::NotANumber));
        assert_eq!(RoundMinutes::parse("1.5"), Err(MinutesError::NotANumber));
        assert_eq!(RoundMinutes::parse("-"), Err(MinutesError::NotANumber));
        for n in 0..=255u8 {
            let parsed = RoundMinutes::parse(&n.to_string());
            assert_eq!(parsed.is_ok(), (1..=60).contains(&n), "{n}");
        }
    }

    #[test]
    fn a_round_is_open_from_its_opening_until_its_close() {
        let opened = datetime!(2026-11-23 10:00 UTC);
        let closes = datetime!(2026-11-23 10:10 UTC);
        assert!(!round_is_open(
            opened,
            closes,
            opened - Duration::seconds(1)
        ));
        assert!(round_is_open(opened, closes, opened));
        assert!(round_is_open(opened, closes, closes - Duration::seconds(1)));
        assert!(!round_is_open(opened, closes, closes));
        assert_eq!(minutes_left(closes, opened), Some(10));
        assert_eq!(
            minutes_left(closes, closes - Duration::seconds(61)),
            Some(2)
        );
        assert_eq!(minutes_left(closes, closes - Duration::seconds(1)), Some(1));
        assert_eq!(
            minutes_left(closes, closes - Duration::milliseconds(10)),
            Some(1)
        );
        assert_eq!(minutes_left(closes, closes), None);
    }

    #[test]
    fn ways_group_under_their_rounds() {
        let at = datetime!(2026-11-23 10:00 UTC);
        let round = |p: u32| Round {
            id: Uuid::new_v4(),
            position: p,
            prompt_key: "ten_ways".into(),
            prompt: String::new(),
            opened_at: at,
            closes_at: at,
        };
        let rounds = vec![round(1), round(2)];
        let way = |r: &Round, t: &str| Way {
            id: Uuid::new_v4(),
            round: r.id,
            person: PersonId::new(),
            author_name: String::new(),
            text: t.into(),
            promoted_idea: None,
            created_at: at,
        };
        let ways = vec![
            way(&rounds[1], "b"),
            way(&rounds[0], "a"),
            way(&rounds[1], "c"),
        ];
        let grouped = by_round(&rounds, &ways);
        let texts: Vec<Vec<&str>> = grouped
            .iter()
            .map(|(_, ws)| ws.iter().map(|w| w.text.as_str()).collect())
            .collect();
        assert_eq!(texts, vec![vec!["a"], vec!["b", "c"]]);
    }
}
