//! How practice spreads: adoptions of a case into another council's pipeline
//! (and how they went), follows of service areas, councils and tags, and the
//! digests sent to followers.
//!
//! Everything read about a case here outside its council is read from its
//! publication, filtered by `publications::readable_by`. The source council
//! reads who adopted its case through [`adoptions_of_case`], which returns
//! only the adopter's council name, the date, the idea's stage and its
//! evaluated outcome: nothing else of the adopter's idea.
use super::publications::readable_by;
use crate::audit::{self, Actor, Change};
use crate::entity::{
    case_adoption, case_publication, case_study, evaluation, exchange_digest, exchange_follow,
    idea, membership, organisation, person,
};
use crate::ideas::{self, NewIdea};
use crate::people::Person;
use crate::{DbError, Timestamp};
use beacon_core::exchange::Reader;
use beacon_core::exchange::follow::{AdoptedText, Facts, Follow, Frequency, Source};
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_core::{OrgId, PersonId, Role};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

// ---------------------------------------------------------------- reading

/// The publication `id`, if `reader` may read it.
pub async fn readable<C: ConnectionTrait>(
    conn: &C,
    reader: &Reader,
    id: Uuid,
) -> Result<Option<case_publication::Model>, DbError> {
    Ok(case_publication::Entity::find_by_id(id)
        .filter(readable_by(reader))
        .one(conn)
        .await?)
}

/// The council a publication came from, for the server's own use (refusing
/// a council its own case, telling the source's innovation leads). Never
/// shown to the adopter of an anonymised case. `None` for another Beacon's.
pub async fn source_council<C: ConnectionTrait>(
    conn: &C,
    publication: &case_publication::Model,
) -> Result<Option<OrgId>, DbError> {
    if let Some(org) = publication.organisation_id {
        return Ok(Some(OrgId::from_uuid(org)));
    }
    let Some(case) = publication.case_id else {
        return Ok(None);
    };
    Ok(case_study::Entity::find_by_id(case)
        .one(conn)
        .await?
        .map(|c| OrgId::from_uuid(c.organisation_id)))
}

/// The reader a member of `org` is.
pub async fn reader_for<C: ConnectionTrait>(conn: &C, org: OrgId) -> Result<Reader, DbError> {
    Ok(Reader::Member {
        org,
        partners: crate::organisations::partners_of(conn, org).await?,
    })
}

// ---------------------------------------------------------------- adoption

/// `org`'s adoption of a publication, if it adopted it (or an earlier
/// publication of the same case).
pub async fn adoption_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    publication: &case_publication::Model,
) -> Result<Option<case_adoption::Model>, DbError> {
    let mut same = Condition::any().add(case_adoption::Column::PublicationId.eq(publication.id));
    if let Some(case) = publication.case_id {
        same = same.add(case_adoption::Column::SourceCaseId.eq(case));
    }
    Ok(case_adoption::Entity::find()
        .filter(case_adoption::Column::OrganisationId.eq(org.uuid()))
        .filter(same)
        .one(conn)
        .await?)
}

/// The adoption an idea of `org` came from, for its page.
pub async fn for_idea<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<case_adoption::Model>, DbError> {
    Ok(case_adoption::Entity::find()
        .filter(case_adoption::Column::OrganisationId.eq(org.uuid()))
        .filter(case_adoption::Column::IdeaId.eq(idea))
        .one(conn)
        .await?)
}

/// The idea form's limits, so an adopted idea can be edited like any other.
pub const IDEA_TITLE_MAX: usize = 150;
pub const IDEA_TEXT_MAX: usize = 2000;

/// The text an adopted idea starts from: the publication's, never the
/// source council's own case.
pub fn adopted_text(p: &case_publication::Model) -> AdoptedText {
    AdoptedText::from_publication(
        &Source {
            title: &p.title,
            summary: &p.summary,
            innovative: &p.innovative,
            context: &p.context,
            results: &p.results,
            conditions: &p.conditions,
        },
        IDEA_TITLE_MAX,
        IDEA_TEXT_MAX,
    )
}

/// The idea a publication becomes in the adopter's pipeline.
pub fn new_idea(p: &case_publication::Model, author: PersonId, area: ServiceArea) -> NewIdea {
    let text = adopted_text(p);
    NewIdea {
        challenge: None,
        author,
        pseudonym: None,
        title: text.title,
        problem: text.problem,
        proposal: text.proposal,
        service_area: area.key().to_owned(),
        measure_today: String::new(),
        measure_aspiration: String::new(),
        expected_benefit: text.expected_benefit,
        // Proven elsewhere: an incremental step, brought in as new insight.
        kind: IdeaKind::Incremental,
        facet: p
            .facet
            .parse::<Facet>()
            .unwrap_or(Facet::EnhancementOriented),
        lever: Lever::NewInsight,
    }
}

/// The outcome of an adoption attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Adopted {
    /// The new idea's id.
    Idea(Uuid),
    /// This council had already adopted it (possibly a moment ago, in a race).
    Already,
}

/// Adopt `publication` into `org`'s pipeline: the idea (created through
/// `ideas::create`, audited, at the first stage) and the link, in the
/// caller's transaction. A second adoption by the same council is refused
/// by a unique index, so racing requests make one idea; the caller rolls
/// back on `Adopted::Already`. The caller checks [`adoption_of`] first for a
/// clear answer, and begins the transaction with `Db::begin_writing`, so on
/// SQLite racing adoptions queue for the write lock instead of failing.
pub async fn adopt<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    publication: &case_publication::Model,
    new: NewIdea,
) -> Result<Adopted, DbError> {
    let idea = ideas::create(conn, now, actor, org, new).await?;
    let id = Uuid::new_v4();
    let inserted = case_adoption::Entity::insert(case_adoption::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        publication_id: Set(publication.id),
        source_case_id: Set(publication.case_id),
        case_title: Set(publication.title.clone()),
        anonymous: Set(publication.anonymous),
        adopted_by: Set(actor.id.map(PersonId::uuid)),
        adopted_at: Set(now),
    })
    .exec_without_returning(conn)
    .await
    .map_err(DbError::unique("adoption"));
    match inserted {
        Ok(_) => {}
        Err(DbError::Conflict(_)) => return Ok(Adopted::Already),
        Err(e) => return Err(e),
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.adopted", "idea", idea)
            .in_org(org)
            .after(json!({ "publication": publication.id, "idea": idea })),
    )
    .await?;
    Ok(Adopted::Idea(idea))
}

/// One adoption of a council's case, as its source council sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdoptionSeen {
    pub council: String,
    pub adopted_at: Timestamp,
    /// The adopted idea's current stage key.
    pub stage: String,
    /// Its evaluated outcome (`pipeline::Outcome` key), once evaluated.
    pub outcome: Option<String>,
}

/// Who adopted `org`'s case `case`, newest first: `None` if the case is not
/// `org`'s. Reads only the adopting council's name, the idea's stage and the
/// evaluation's outcome.
pub async fn adoptions_of_case<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    case: Uuid,
) -> Result<Option<(case_study::Model, Vec<AdoptionSeen>)>, DbError> {
    let Some(own) = case_study::Entity::find_by_id(case)
        .filter(case_study::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let adoptions = case_adoption::Entity::find()
        .filter(case_adoption::Column::SourceCaseId.eq(case))
        .order_by_desc(case_adoption::Column::AdoptedAt)
        .all(conn)
        .await?;
    let ideas: Vec<Uuid> = adoptions.iter().map(|a| a.idea_id).collect();
    let orgs: Vec<Uuid> = adoptions.iter().map(|a| a.organisation_id).collect();
    let stages: HashMap<Uuid, String> = idea::Entity::find()
        .select_only()
        .column(idea::Column::Id)
        .column(idea::Column::Stage)
        .filter(idea::Column::Id.is_in(ideas.clone()))
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let outcomes: HashMap<Uuid, String> = evaluation::Entity::find()
        .select_only()
        .column(evaluation::Column::IdeaId)
        .column(evaluation::Column::Outcome)
        .filter(evaluation::Column::IdeaId.is_in(ideas))
        .into_tuple::<(Uuid, String)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let names: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(orgs))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let seen = adoptions
        .into_iter()
        .map(|a| AdoptionSeen {
            council: names.get(&a.organisation_id).cloned().unwrap_or_default(),
            adopted_at: a.adopted_at,
            stage: stages.get(&a.idea_id).cloned().unwrap_or_default(),
            outcome: outcomes.get(&a.idea_id).cloned(),
        })
        .collect();
    Ok(Some((own, seen)))
}

/// The enabled people holding `role` in `org`.
pub async fn people_with_role<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    role: Role,
) -> Result<Vec<Person>, DbError> {
    let ids: Vec<Uuid> = membership::Entity::find()
        .filter(membership::Column::OrganisationId.eq(org.uuid()))
        .filter(membership::Column::Role.eq(role.key()))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| m.person_id)
        .collect();
    Ok(person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .filter(person::Column::Disabled.eq(false))
        .order_by_asc(person::Column::Email)
        .all(conn)
        .await?
        .into_iter()
        .map(Person::from)
        .collect())
}

// ---------------------------------------------------------------- following

/// What `person` follows, in a stable order.
pub async fn follows<C: ConnectionTrait>(
    conn: &C,
    person: PersonId,
) -> Result<Vec<Follow>, DbError> {
    let mut list: Vec<Follow> = exchange_follow::Entity::find()
        .filter(exchange_follow::Column::PersonId.eq(person.uuid()))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|row| Follow::parse(&row.kind, &row.value).ok())
        .collect();
    list.sort();
    Ok(list)
}

/// `person`'s digest settings, if they follow anything.
pub async fn digest<C: ConnectionTrait>(
    conn: &C,
    person: PersonId,
) -> Result<Option<exchange_digest::Model>, DbError> {
    Ok(exchange_digest::Entity::find_by_id(person.uuid())
        .one(conn)
        .await?)
}

/// Follow something, reading as a member of `org`, with digests at
/// `frequency`. Following the same thing again changes nothing but the
/// frequency. The first digest covers what is published from now on.
#[allow(clippy::too_many_arguments)]
pub async fn follow<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    person: PersonId,
    org: Option<OrgId>,
    what: &Follow,
    frequency: Frequency,
) -> Result<bool, DbError> {
    let exists = exchange_follow::Entity::find()
        .filter(exchange_follow::Column::PersonId.eq(person.uuid()))
        .filter(exchange_follow::Column::Kind.eq(what.kind().key()))
        .filter(exchange_follow::Column::Value.eq(what.value()))
        .one(conn)
        .await?
        .is_some();
    if !exists {
        exchange_follow::Entity::insert(exchange_follow::ActiveModel {
            id: Set(Uuid::new_v4()),
            person_id: Set(person.uuid()),
            kind: Set(what.kind().key().to_owned()),
            value: Set(what.value()),
            created_at: Set(now),
        })
        .exec_without_returning(conn)
        .await
        .map_err(DbError::unique("follow"))?;
    }
    set_frequency(conn, now, person, org, frequency).await?;
    if !exists {
        let change = Change::new("exchange.follow", "person", person.uuid())
            .after(json!({ "kind": what.kind().key(), "value": what.value() }));
        audit::record(conn, now, actor, in_org(change, org)).await?;
    }
    Ok(!exists)
}

fn in_org(change: Change, org: Option<OrgId>) -> Change {
    match org {
        Some(org) => change.in_org(org),
        None => change,
    }
}

/// Set how often `person`'s digest comes (creating it if needed), keeping
/// what it has covered; the next one falls due a period after the last.
pub async fn set_frequency<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    person: PersonId,
    org: Option<OrgId>,
    frequency: Frequency,
) -> Result<(), DbError> {
    let org = org.map(OrgId::uuid);
    match digest(conn, person).await? {
        Some(d) => {
            exchange_digest::Entity::update_many()
                .col_expr(
                    exchange_digest::Column::Frequency,
                    Expr::value(frequency.key()),
                )
                .col_expr(exchange_digest::Column::OrganisationId, Expr::value(org))
                .col_expr(
                    exchange_digest::Column::NextDueAt,
                    Expr::value(frequency.next_after(d.covered_until)),
                )
                .filter(exchange_digest::Column::PersonId.eq(person.uuid()))
                .exec(conn)
                .await?;
        }
        None => {
            exchange_digest::Entity::insert(exchange_digest::ActiveModel {
                person_id: Set(person.uuid()),
                organisation_id: Set(org),
                frequency: Set(frequency.key().to_owned()),
                covered_until: Set(now),
                next_due_at: Set(frequency.next_after(now)),
            })
            .exec_without_returning(conn)
            .await?;
        }
    }
    Ok(())
}

/// Stop following something; the digest goes when nothing is left.
pub async fn unfollow<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    person: PersonId,
    org: Option<OrgId>,
    what: &Follow,
) -> Result<bool, DbError> {
    let gone = exchange_follow::Entity::delete_many()
        .filter(exchange_follow::Column::PersonId.eq(person.uuid()))
        .filter(exchange_follow::Column::Kind.eq(what.kind().key()))
        .filter(exchange_follow::Column::Value.eq(what.value()))
        .exec(conn)
        .await?
        .rows_affected
        > 0;
    if gone {
        if follows(conn, person).await?.is_empty() {
            exchange_digest::Entity::delete_by_id(person.uuid())
                .exec(conn)
                .await?;
        }
        let change = Change::new("exchange.unfollow", "person", person.uuid())
            .before(json!({ "kind": what.kind().key(), "value": what.value() }));
        audit::record(conn, now, actor, in_org(change, org)).await?;
    }
    Ok(gone)
}

/// The councils one may follow, by name: every council on this Beacon but
/// `org` itself.
pub async fn councils<C: ConnectionTrait>(
    conn: &C,
    org: Option<OrgId>,
) -> Result<Vec<(OrgId, String)>, DbError> {
    Ok(crate::organisations::all(conn)
        .await?
        .into_iter()
        .filter(|o| Some(o.id) != org)
        .map(|o| (o.id, o.name))
        .collect())
}

// ---------------------------------------------------------------- digests

/// Digests due at `now`, oldest first.
pub async fn due<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    limit: u64,
) -> Result<Vec<exchange_digest::Model>, DbError> {
    Ok(exchange_digest::Entity::find()
        .filter(exchange_digest::Column::NextDueAt.lte(now))
        .order_by_asc(exchange_digest::Column::NextDueAt)
        .limit(limit)
        .all(conn)
        .await?)
}

/// Claim a due digest: one conditional update moves it on to cover up to
/// `now`, so of two servers only one wins it. Call it in the transaction
/// that writes the digest's email.
pub async fn claim<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    d: &exchange_digest::Model,
) -> Result<bool, DbError> {
    let frequency: Frequency = d
        .frequency
        .parse()
        .map_err(|_| DbError::Corrupt(format!("digest frequency {}", d.frequency)))?;
    let won = exchange_digest::Entity::update_many()
        .col_expr(exchange_digest::Column::CoveredUntil, Expr::value(now))
        .col_expr(
            exchange_digest::Column::NextDueAt,
            Expr::value(frequency.next_after(now)),
        )
        .filter(exchange_digest::Column::PersonId.eq(d.person_id))
        .filter(exchange_digest::Column::NextDueAt.eq(d.next_due_at))
        .exec(conn)
        .await?;
    Ok(won.rows_affected == 1)
}

/// The reader a digest is written for: the member they follow as, while
/// they still belong to that council; otherwise the public.
pub async fn digest_reader<C: ConnectionTrait>(
    conn: &C,
    d: &exchange_digest::Model,
) -> Result<Reader, DbError> {
    let Some(org) = d.organisation_id else {
        return Ok(Reader::Public);
    };
    let member = membership::Entity::find()
        .filter(membership::Column::OrganisationId.eq(org))
        .filter(membership::Column::PersonId.eq(d.person_id))
        .one(conn)
        .await?
        .is_some();
    if member {
        reader_for(conn, OrgId::from_uuid(org)).await
    } else {
        Ok(Reader::Public)
    }
}

/// The facts of a publication a follow is matched against.
pub fn facts(p: &case_publication::Model) -> Facts<'_> {
    Facts {
        service_area: &p.service_area,
        council: if p.anonymous {
            None
        } else {
            p.organisation_id.map(OrgId::from_uuid)
        },
        tags: p.tags.lines().filter(|t| !t.trim().is_empty()).collect(),
    }
}

/// Publications `reader` may read, published after `since` and at or before
/// `until`, that match `follows`, newest first (at most `limit`).
pub async fn news<C: ConnectionTrait>(
    conn: &C,
    reader: &Reader,
    follows: &[Follow],
    since: Timestamp,
    until: Timestamp,
    limit: usize,
) -> Result<Vec<case_publication::Model>, DbError> {
    Ok(case_publication::Entity::find()
        .filter(readable_by(reader))
        .filter(case_publication::Column::PublishedAt.gt(since))
        .filter(case_publication::Column::PublishedAt.lte(until))
        .order_by_desc(case_publication::Column::PublishedAt)
        .order_by_asc(case_publication::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter(|p| beacon_core::exchange::follow::wanted(follows, &facts(p)))
        .take(limit)
        .collect())
}

// ---------------------------------------------------------------- feeds

/// What a public feed is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct FeedFilter {
    pub area: Option<String>,
    pub tag: Option<String>,
}

/// The newest public publications (never partners-level ones), newest
/// first, for a feed anyone may read.
pub async fn public_feed<C: ConnectionTrait>(
    conn: &C,
    filter: &FeedFilter,
    limit: usize,
) -> Result<Vec<case_publication::Model>, DbError> {
    let mut query = case_publication::Entity::find().filter(readable_by(&Reader::Public));
    if let Some(area) = &filter.area {
        query = query.filter(case_publication::Column::ServiceArea.eq(area.as_str()));
    }
    if let Some(tag) = &filter.tag {
        // A coarse match in SQL, made exact below.
        let escaped = tag
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        query = query.filter(
            Expr::col(case_publication::Column::Tags)
                .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
        );
    }
    Ok(query
        .order_by_desc(case_publication::Column::PublishedAt)
        .order_by_asc(case_publication::Column::Id)
        .limit((limit * 4) as u64)
        .all(conn)
        .await?
        .into_iter()
        .filter(|p| {
            filter.tag.as_ref().is_none_or(|t| {
                p.tags
                    .lines()
                    .any(|x| beacon_core::exchange::follow::normalise_tag(x) == *t)
            })
        })
        .take(limit)
        .collect())
}
