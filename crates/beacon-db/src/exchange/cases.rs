//! A council's own case studies: writing, drafting from an evaluation,
//! attachments, publishing at a level, withdrawing, and the moderation of the
//! anonymised text a safe-space case is published with.
//!
//! Every change is written with its audit event and its entry in the search
//! change log, in the caller's transaction. A publication is written only
//! here: when a case is published at partners or public level, rebuilt when
//! it is edited or republished, deleted when it is withdrawn or brought back
//! to internal.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    case_anonymised, case_attachment, case_audience, case_publication, case_study, case_tag,
    organisation,
};
use crate::exchange::search_log::{self, Target};
use crate::{DbError, Timestamp, organisations};
use beacon_core::OrgId;
use beacon_core::exchange::anonymise::{self, AnonymisedText, Projection};
use beacon_core::exchange::cases::{CaseMoney, Metadata, Sections, ValidCase, ValidFile};
use beacon_core::exchange::{CaseStatus, Funding, Level, ModerationStatus, Section};
use beacon_core::pipeline::EvidenceLevel;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

/// Why a publication could not be made.
pub const STALE: &str = "case version";
/// Anonymous publication before the anonymised text is approved.
pub const NOT_APPROVED: &str = "anonymised text not approved";
/// A moderation of text that is no longer waiting.
pub const ALREADY_MODERATED: &str = "already moderated";

fn corrupt(id: Uuid, e: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("case study {id}: {e}"))
}

/// The sections of a stored case, in page order.
pub fn sections_of(m: &case_study::Model) -> Sections {
    let mut s = Sections::default();
    for (section, text) in [
        (Section::Summary, &m.summary),
        (Section::Innovative, &m.innovative),
        (Section::Context, &m.context),
        (Section::Partners, &m.partners),
        (Section::Users, &m.users),
        (Section::Results, &m.results),
        (Section::Challenges, &m.challenges),
        (Section::Conditions, &m.conditions),
        (Section::Replication, &m.replication),
        (Section::Lessons, &m.lessons),
        (Section::Materials, &m.materials),
    ] {
        s.set(section, text.clone());
    }
    s
}

/// The sections of a publication, in page order.
pub fn publication_sections(m: &case_publication::Model) -> Sections {
    let mut s = Sections::default();
    for (section, text) in [
        (Section::Summary, &m.summary),
        (Section::Innovative, &m.innovative),
        (Section::Context, &m.context),
        (Section::Partners, &m.partners),
        (Section::Users, &m.users),
        (Section::Results, &m.results),
        (Section::Challenges, &m.challenges),
        (Section::Conditions, &m.conditions),
        (Section::Replication, &m.replication),
        (Section::Lessons, &m.lessons),
        (Section::Materials, &m.materials),
    ] {
        s.set(section, text.clone());
    }
    s
}

/// The anonymised text as stored.
pub fn anonymised_text(m: &case_anonymised::Model) -> AnonymisedText {
    let mut s = Sections::default();
    for (section, text) in [
        (Section::Summary, &m.summary),
        (Section::Innovative, &m.innovative),
        (Section::Context, &m.context),
        (Section::Partners, &m.partners),
        (Section::Users, &m.users),
        (Section::Results, &m.results),
        (Section::Challenges, &m.challenges),
        (Section::Conditions, &m.conditions),
        (Section::Replication, &m.replication),
        (Section::Lessons, &m.lessons),
        (Section::Materials, &m.materials),
    ] {
        s.set(section, text.clone());
    }
    AnonymisedText {
        title: m.title.clone(),
        sections: s,
    }
}

/// The metadata of a stored case.
pub fn metadata_of(m: &case_study::Model) -> Result<Metadata, DbError> {
    Ok(Metadata {
        service_area: m.service_area.parse().map_err(|e| corrupt(m.id, e))?,
        facet: m.facet.parse().map_err(|e| corrupt(m.id, e))?,
        stage: m.stage.parse().map_err(|e| corrupt(m.id, e))?,
        year: m.year,
        outcome: m.outcome.parse().map_err(|e| corrupt(m.id, e))?,
        evidence: u8::try_from(m.evidence_level)
            .ok()
            .and_then(EvidenceLevel::new)
            .ok_or_else(|| corrupt(m.id, "evidence level"))?,
        money: CaseMoney {
            cashable: m.cashable_savings_pence,
            non_cashable: m.non_cashable_savings_pence,
            social_value: m.social_value_pence,
            cost: m.cost_pence,
        },
    })
}

/// A stored case as a valid case, with its tags.
pub fn valid_of(m: &case_study::Model, tags: Vec<String>) -> Result<ValidCase, DbError> {
    Ok(ValidCase {
        title: m.title.clone(),
        sections: sections_of(m),
        metadata: metadata_of(m)?,
        funding: Funding {
            funder: m.funder.clone(),
            programme: m.funding_programme.clone(),
            amount_pence: m.funding_amount_pence,
            awarded_on: m.funding_awarded_on,
        },
        tags,
    })
}

pub fn level_of(m: &case_study::Model) -> Result<Level, DbError> {
    m.level.parse().map_err(|e| corrupt(m.id, e))
}

pub fn status_of(m: &case_study::Model) -> Result<CaseStatus, DbError> {
    m.status.parse().map_err(|e| corrupt(m.id, e))
}

/// Set the case's own columns from a valid case.
fn fill(am: &mut case_study::ActiveModel, case: &ValidCase) {
    let s = &case.sections;
    am.title = Set(case.title.clone());
    am.summary = Set(s.get(Section::Summary).to_owned());
    am.innovative = Set(s.get(Section::Innovative).to_owned());
    am.context = Set(s.get(Section::Context).to_owned());
    am.partners = Set(s.get(Section::Partners).to_owned());
    am.users = Set(s.get(Section::Users).to_owned());
    am.results = Set(s.get(Section::Results).to_owned());
    am.challenges = Set(s.get(Section::Challenges).to_owned());
    am.conditions = Set(s.get(Section::Conditions).to_owned());
    am.replication = Set(s.get(Section::Replication).to_owned());
    am.lessons = Set(s.get(Section::Lessons).to_owned());
    am.materials = Set(s.get(Section::Materials).to_owned());
    let m = &case.metadata;
    am.service_area = Set(m.service_area.key().to_owned());
    am.facet = Set(m.facet.key().to_owned());
    am.stage = Set(m.stage.key().to_owned());
    am.year = Set(m.year);
    am.outcome = Set(m.outcome.key().to_owned());
    am.evidence_level = Set(i16::from(m.evidence.get()));
    am.cashable_savings_pence = Set(m.money.cashable);
    am.non_cashable_savings_pence = Set(m.money.non_cashable);
    am.social_value_pence = Set(m.money.social_value);
    am.cost_pence = Set(m.money.cost);
    am.funder = Set(case.funding.funder.clone());
    am.funding_programme = Set(case.funding.programme.clone());
    am.funding_amount_pence = Set(case.funding.amount_pence);
    am.funding_awarded_on = Set(case.funding.awarded_on);
}

/// What the audit log keeps of a case: what it says, not its files.
#[derive(Serialize)]
struct Audited<'a> {
    title: &'a str,
    level: &'a str,
    anonymous: bool,
    status: &'a str,
    version: i32,
}

fn audited(m: &case_study::Model) -> Audited<'_> {
    Audited {
        title: &m.title,
        level: &m.level,
        anonymous: m.anonymous,
        status: &m.status,
        version: m.version,
    }
}

async fn set_tags<C: ConnectionTrait>(
    conn: &C,
    case: Uuid,
    tags: &[String],
) -> Result<(), DbError> {
    case_tag::Entity::delete_many()
        .filter(case_tag::Column::CaseId.eq(case))
        .exec(conn)
        .await?;
    for tag in tags {
        case_tag::Entity::insert(case_tag::ActiveModel {
            case_id: Set(case),
            tag: Set(tag.clone()),
        })
        .exec_without_returning(conn)
        .await?;
    }
    Ok(())
}

/// A case's tags, in the order they were given (alphabetical when stored).
pub async fn tags<C: ConnectionTrait>(conn: &C, case: Uuid) -> Result<Vec<String>, DbError> {
    Ok(case_tag::Entity::find()
        .filter(case_tag::Column::CaseId.eq(case))
        .order_by_asc(case_tag::Column::Tag)
        .all(conn)
        .await?
        .into_iter()
        .map(|t| t.tag)
        .collect())
}

/// Write a new draft case, internal until published.
pub async fn create<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    idea: Option<Uuid>,
    case: &ValidCase,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    let mut am = case_study::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        idea_id: Set(idea),
        level: Set(Level::Internal.key().to_owned()),
        anonymous: Set(false),
        status: Set(CaseStatus::Draft.key().to_owned()),
        version: Set(1),
        created_by: Set(actor.id.map(|p| p.uuid())),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(None),
        ..Default::default()
    };
    fill(&mut am, case);
    case_study::Entity::insert(am)
        .exec_without_returning(conn)
        .await?;
    set_tags(conn, id, &case.tags).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.create", "case_study", id)
            .in_org(org)
            .after(case),
    )
    .await?;
    search_log::changed(conn, now, Target::Case(id)).await?;
    Ok(id)
}

/// The organisation's case, or "not found" (also for another council's).
pub async fn case<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<case_study::Model, DbError> {
    case_study::Entity::find_by_id(id)
        .filter(case_study::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// The organisation's cases, newest change first; drafts and withdrawn
/// cases only when `all`.
pub async fn mine<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    all: bool,
) -> Result<Vec<case_study::Model>, DbError> {
    let mut q = case_study::Entity::find()
        .filter(case_study::Column::OrganisationId.eq(org.uuid()))
        .order_by_desc(case_study::Column::UpdatedAt);
    if !all {
        q = q.filter(case_study::Column::Status.eq(CaseStatus::Published.key()));
    }
    Ok(q.all(conn).await?)
}

/// One page of a list, and where it sits among the others.
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub total: u64,
    /// The page shown: the one asked for, or the last when that is past it.
    pub page: u64,
    pub pages: u64,
}

/// `page` (from 1) of `per_page` rows of `select`, in its order; a page past
/// the last shows the last.
async fn paged<C, E>(
    conn: &C,
    select: sea_orm::Select<E>,
    page: u64,
    per_page: u64,
) -> Result<Paged<E::Model>, DbError>
where
    C: ConnectionTrait,
    E: EntityTrait,
    E::Model: Sync,
{
    let paginator = select.paginate(conn, per_page.max(1));
    let total = paginator.num_items().await?;
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let page = page.clamp(1, pages);
    let rows = paginator.fetch_page(page - 1).await?;
    Ok(Paged {
        rows,
        total,
        page,
        pages,
    })
}

/// One page of all the organisation's cases (drafts and withdrawn ones
/// too), newest change first.
pub async fn mine_page<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    page: u64,
    per_page: u64,
) -> Result<Paged<case_study::Model>, DbError> {
    let select = case_study::Entity::find()
        .filter(case_study::Column::OrganisationId.eq(org.uuid()))
        .order_by_desc(case_study::Column::UpdatedAt)
        .order_by_asc(case_study::Column::Id);
    paged(conn, select, page, per_page).await
}

/// The organisation's case drafted from an idea, if there is one.
pub async fn for_idea<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    idea: Uuid,
) -> Result<Option<case_study::Model>, DbError> {
    Ok(case_study::Entity::find()
        .filter(case_study::Column::OrganisationId.eq(org.uuid()))
        .filter(case_study::Column::IdeaId.eq(idea))
        .one(conn)
        .await?)
}

/// Raise the version if it is still `version`; otherwise someone changed
/// the case first ("case version" conflict) or it is not the org's.
async fn bump<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
    version: i32,
    now: Timestamp,
) -> Result<case_study::Model, DbError> {
    let before = case(conn, org, id).await?;
    let done = case_study::Entity::update_many()
        .col_expr(case_study::Column::Version, Expr::value(version + 1))
        .col_expr(case_study::Column::UpdatedAt, Expr::value(now))
        .filter(case_study::Column::Id.eq(id))
        .filter(case_study::Column::OrganisationId.eq(org.uuid()))
        .filter(case_study::Column::Version.eq(version))
        .exec(conn)
        .await?;
    if done.rows_affected == 0 {
        return Err(DbError::Conflict(STALE));
    }
    Ok(before)
}

/// Edit a case the council has open at `version`. A published case's
/// publication follows at once.
pub async fn edit<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    version: i32,
    edited: &ValidCase,
) -> Result<(), DbError> {
    let before = bump(conn, org, id, version, now).await?;
    let before_case = valid_of(&before, tags(conn, id).await?)?;
    let mut am = case_study::ActiveModel {
        id: sea_orm::ActiveValue::Unchanged(id),
        ..Default::default()
    };
    fill(&mut am, edited);
    case_study::Entity::update(am).exec(conn).await?;
    set_tags(conn, id, &edited.tags).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.edit", "case_study", id)
            .in_org(org)
            .before(&before_case)
            .after(edited),
    )
    .await?;
    search_log::changed(conn, now, Target::Case(id)).await?;
    let after = case(conn, org, id).await?;
    if status_of(&after)? == CaseStatus::Published {
        republish(conn, now, &after).await?;
    }
    Ok(())
}

/// The publication of a case, if it has one.
pub async fn publication_of<C: ConnectionTrait>(
    conn: &C,
    case: Uuid,
) -> Result<Option<case_publication::Model>, DbError> {
    Ok(case_publication::Entity::find()
        .filter(case_publication::Column::CaseId.eq(case))
        .one(conn)
        .await?)
}

/// Rewrite the publication of a published case from what the case now is:
/// none for internal, named for a named case, and for an anonymised case the
/// approved text with the case's current metadata (if the text is waiting
/// for moderation again, the previously approved text stays).
async fn republish<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    m: &case_study::Model,
) -> Result<(), DbError> {
    let level = level_of(m)?;
    let existing = publication_of(conn, m.id).await?;
    if level == Level::Internal {
        if let Some(p) = existing {
            delete_publication(conn, now, p.id).await?;
        }
        return Ok(());
    }
    let org = OrgId::from_uuid(m.organisation_id);
    let projection = if m.anonymous {
        let metadata = metadata_of(m)?;
        let approved = case_anonymised::Entity::find_by_id(m.id)
            .one(conn)
            .await?
            .filter(|a| a.status == ModerationStatus::Approved.key());
        match (approved, &existing) {
            (Some(a), _) => anonymise::anonymised(&anonymised_text(&a), &metadata),
            (None, Some(p)) => {
                // Keep the text that was approved, with the new metadata.
                let text = AnonymisedText {
                    title: p.title.clone(),
                    sections: publication_sections(p),
                };
                anonymise::anonymised(&text, &metadata)
            }
            (None, None) => return Err(DbError::Conflict(NOT_APPROVED)),
        }
    } else {
        let council = organisation::Entity::find_by_id(m.organisation_id)
            .one(conn)
            .await?
            .ok_or(DbError::NotFound)?
            .name;
        let valid = valid_of(m, tags(conn, m.id).await?)?;
        anonymise::named(&valid, &council)
    };
    let published_at = m.published_at.unwrap_or(now);
    let id = write_publication(conn, now, published_at, m, level, &projection, existing).await?;
    set_audience(conn, id, level, org).await?;
    search_log::changed(conn, now, Target::Publication(id)).await?;
    Ok(())
}

async fn write_publication<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    published_at: Timestamp,
    m: &case_study::Model,
    level: Level,
    p: &Projection,
    existing: Option<case_publication::Model>,
) -> Result<Uuid, DbError> {
    let s = &p.sections;
    let md = &p.metadata;
    let id = existing.as_ref().map_or_else(Uuid::new_v4, |e| e.id);
    let am = case_publication::ActiveModel {
        id: Set(id),
        case_id: Set(Some(m.id)),
        // An anonymised publication stores no owner at all.
        organisation_id: Set((!p.anonymous).then_some(m.organisation_id)),
        council_name: Set(p.council.clone()),
        anonymous: Set(p.anonymous),
        level: Set(level.key().to_owned()),
        remote_source_id: Set(None),
        remote_id: Set(None),
        source_url: Set(None),
        title: Set(p.title.clone()),
        summary: Set(s.get(Section::Summary).to_owned()),
        innovative: Set(s.get(Section::Innovative).to_owned()),
        context: Set(s.get(Section::Context).to_owned()),
        partners: Set(s.get(Section::Partners).to_owned()),
        users: Set(s.get(Section::Users).to_owned()),
        results: Set(s.get(Section::Results).to_owned()),
        challenges: Set(s.get(Section::Challenges).to_owned()),
        conditions: Set(s.get(Section::Conditions).to_owned()),
        replication: Set(s.get(Section::Replication).to_owned()),
        lessons: Set(s.get(Section::Lessons).to_owned()),
        materials: Set(s.get(Section::Materials).to_owned()),
        service_area: Set(md.service_area.key().to_owned()),
        facet: Set(md.facet.key().to_owned()),
        stage: Set(md.stage.key().to_owned()),
        year: Set(md.year),
        outcome: Set(md.outcome.key().to_owned()),
        evidence_level: Set(i16::from(md.evidence.get())),
        cashable_savings_pence: Set(md.money.cashable),
        non_cashable_savings_pence: Set(md.money.non_cashable),
        social_value_pence: Set(md.money.social_value),
        cost_pence: Set(md.money.cost),
        funder: Set(p.funding.funder.clone()),
        funding_programme: Set(p.funding.programme.clone()),
        funding_amount_pence: Set(p.funding.amount_pence),
        funding_awarded_on: Set(p.funding.awarded_on),
        tags: Set(p.tags.join("\n")),
        published_at: Set(published_at),
        updated_at: Set(now),
    };
    if existing.is_some() {
        case_publication::Entity::update(am).exec(conn).await?;
    } else {
        case_publication::Entity::insert(am)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(id)
}

/// Who reads a partners-level publication: the owner's partners now.
async fn set_audience<C: ConnectionTrait>(
    conn: &C,
    publication: Uuid,
    level: Level,
    owner: OrgId,
) -> Result<(), DbError> {
    case_audience::Entity::delete_many()
        .filter(case_audience::Column::PublicationId.eq(publication))
        .exec(conn)
        .await?;
    if level == Level::Partners {
        for partner in organisations::partners_of(conn, owner).await? {
            case_audience::Entity::insert(case_audience::ActiveModel {
                publication_id: Set(publication),
                organisation_id: Set(partner.uuid()),
            })
            .exec_without_returning(conn)
            .await?;
        }
    }
    Ok(())
}

async fn delete_publication<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    id: Uuid,
) -> Result<(), DbError> {
    case_audience::Entity::delete_many()
        .filter(case_audience::Column::PublicationId.eq(id))
        .exec(conn)
        .await?;
    case_publication::Entity::delete_by_id(id)
        .exec(conn)
        .await?;
    search_log::changed(conn, now, Target::Publication(id)).await?;
    Ok(())
}

/// Publish a case the council has open at `version`, at `level`, named or
/// anonymised. Anonymised publication needs approved anonymised text and a
/// level beyond the council.
#[allow(clippy::too_many_arguments)]
pub async fn publish<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    version: i32,
    level: Level,
    anonymous: bool,
) -> Result<(), DbError> {
    let anonymous = anonymous && level != Level::Internal;
    if anonymous {
        let approved = case_anonymised::Entity::find_by_id(id)
            .filter(case_anonymised::Column::OrganisationId.eq(org.uuid()))
            .one(conn)
            .await?
            .is_some_and(|a| a.status == ModerationStatus::Approved.key());
        let already = publication_of(conn, id).await?.is_some_and(|p| p.anonymous);
        if !approved && !already {
            // Nothing changes, so the version is left alone.
            case(conn, org, id).await?;
            return Err(DbError::Conflict(NOT_APPROVED));
        }
    }
    let before = bump(conn, org, id, version, now).await?;
    // A case that changes between named and anonymised gets a new
    // publication, so no link or index entry ties the two together.
    if let Some(p) = publication_of(conn, id).await?
        && p.anonymous != anonymous
    {
        delete_publication(conn, now, p.id).await?;
    }
    case_study::Entity::update_many()
        .col_expr(
            case_study::Column::Status,
            Expr::value(CaseStatus::Published.key()),
        )
        .col_expr(case_study::Column::Level, Expr::value(level.key()))
        .col_expr(case_study::Column::Anonymous, Expr::value(anonymous))
        .col_expr(
            case_study::Column::PublishedAt,
            Expr::value(before.published_at.unwrap_or(now)),
        )
        .filter(case_study::Column::Id.eq(id))
        .exec(conn)
        .await?;
    let after = case(conn, org, id).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.publish", "case_study", id)
            .in_org(org)
            .before(audited(&before))
            .after(audited(&after)),
    )
    .await?;
    search_log::changed(conn, now, Target::Case(id)).await?;
    republish(conn, now, &after).await
}

/// Take a case down: it stays the council's, but nobody outside reads it.
pub async fn withdraw<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    version: i32,
) -> Result<(), DbError> {
    let before = bump(conn, org, id, version, now).await?;
    case_study::Entity::update_many()
        .col_expr(
            case_study::Column::Status,
            Expr::value(CaseStatus::Withdrawn.key()),
        )
        .filter(case_study::Column::Id.eq(id))
        .exec(conn)
        .await?;
    if let Some(p) = publication_of(conn, id).await? {
        delete_publication(conn, now, p.id).await?;
    }
    let after = case(conn, org, id).await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.withdraw", "case_study", id)
            .in_org(org)
            .before(audited(&before))
            .after(audited(&after)),
    )
    .await?;
    search_log::changed(conn, now, Target::Case(id)).await?;
    Ok(())
}

/// The anonymised text of the council's case, if any was written.
pub async fn anonymised<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    case: Uuid,
) -> Result<Option<case_anonymised::Model>, DbError> {
    Ok(case_anonymised::Entity::find_by_id(case)
        .filter(case_anonymised::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?)
}

/// Write (or rewrite) the anonymised text and ask for its moderation.
pub async fn request_anonymised<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    text: &AnonymisedText,
) -> Result<(), DbError> {
    case(conn, org, id).await?;
    let before = anonymised(conn, org, id).await?;
    let s = &text.sections;
    let am = case_anonymised::ActiveModel {
        case_id: Set(id),
        organisation_id: Set(org.uuid()),
        title: Set(text.title.clone()),
        summary: Set(s.get(Section::Summary).to_owned()),
        innovative: Set(s.get(Section::Innovative).to_owned()),
        context: Set(s.get(Section::Context).to_owned()),
        partners: Set(s.get(Section::Partners).to_owned()),
        users: Set(s.get(Section::Users).to_owned()),
        results: Set(s.get(Section::Results).to_owned()),
        challenges: Set(s.get(Section::Challenges).to_owned()),
        conditions: Set(s.get(Section::Conditions).to_owned()),
        replication: Set(s.get(Section::Replication).to_owned()),
        lessons: Set(s.get(Section::Lessons).to_owned()),
        materials: Set(s.get(Section::Materials).to_owned()),
        status: Set(ModerationStatus::Pending.key().to_owned()),
        moderation_note: Set(before
            .as_ref()
            .map(|b| b.moderation_note.clone())
            .unwrap_or_default()),
        requested_by: Set(actor.id.map(|p| p.uuid())),
        requested_at: Set(now),
        moderated_by: Set(None),
        moderated_at: Set(None),
    };
    if before.is_some() {
        case_anonymised::Entity::update(am).exec(conn).await?;
    } else {
        case_anonymised::Entity::insert(am)
            .exec_without_returning(conn)
            .await?;
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.anonymised_request", "case_study", id)
            .in_org(org)
            .before(before.as_ref().map(anonymised_text))
            .after(text),
    )
    .await?;
    search_log::changed(conn, now, Target::Case(id)).await?;
    Ok(())
}

/// Anonymised text waiting for (or past) moderation, with its council's
/// name, which only the moderator sees.
pub struct ForModeration {
    pub text: case_anonymised::Model,
    pub council: String,
    pub case_title: String,
}

/// One page of every anonymised text: waiting ones first, then the newest.
pub async fn moderation_queue<C: ConnectionTrait>(
    conn: &C,
    page: u64,
    per_page: u64,
) -> Result<Paged<ForModeration>, DbError> {
    // The key is one of ours, never input.
    let waiting_first = Expr::cust(format!(
        "CASE WHEN status = '{}' THEN 0 ELSE 1 END",
        ModerationStatus::Pending.key()
    ));
    let select = case_anonymised::Entity::find()
        .order_by(waiting_first, Order::Asc)
        .order_by_desc(case_anonymised::Column::RequestedAt)
        .order_by_asc(case_anonymised::Column::CaseId);
    let found = paged(conn, select, page, per_page).await?;
    let mut rows = Vec::with_capacity(found.rows.len());
    for text in found.rows {
        rows.push(for_moderation_row(conn, text).await?);
    }
    Ok(Paged {
        rows,
        total: found.total,
        page: found.page,
        pages: found.pages,
    })
}

async fn for_moderation_row<C: ConnectionTrait>(
    conn: &C,
    text: case_anonymised::Model,
) -> Result<ForModeration, DbError> {
    let council = organisation::Entity::find_by_id(text.organisation_id)
        .one(conn)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let case_title = case_study::Entity::find_by_id(text.case_id)
        .one(conn)
        .await?
        .map(|c| c.title)
        .unwrap_or_default();
    Ok(ForModeration {
        text,
        council,
        case_title,
    })
}

pub async fn for_moderation<C: ConnectionTrait>(
    conn: &C,
    case: Uuid,
) -> Result<ForModeration, DbError> {
    let text = case_anonymised::Entity::find_by_id(case)
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    for_moderation_row(conn, text).await
}

/// A sector administrator's decision on waiting text. Approval of text for a
/// case already published anonymously rebuilds its publication. Text that
/// is no longer waiting is "already moderated".
pub async fn moderate<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    case_id: Uuid,
    approve: bool,
    note: &str,
) -> Result<(), DbError> {
    let status = if approve {
        ModerationStatus::Approved
    } else {
        ModerationStatus::Refused
    };
    let row = case_anonymised::Entity::find_by_id(case_id)
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    let done = case_anonymised::Entity::update_many()
        .col_expr(case_anonymised::Column::Status, Expr::value(status.key()))
        .col_expr(case_anonymised::Column::ModerationNote, Expr::value(note))
        .col_expr(
            case_anonymised::Column::ModeratedBy,
            Expr::value(actor.id.map(|p| p.uuid())),
        )
        .col_expr(case_anonymised::Column::ModeratedAt, Expr::value(Some(now)))
        .filter(case_anonymised::Column::CaseId.eq(case_id))
        .filter(case_anonymised::Column::Status.eq(ModerationStatus::Pending.key()))
        .exec(conn)
        .await?;
    if done.rows_affected == 0 {
        return Err(DbError::Conflict(ALREADY_MODERATED));
    }
    let org = OrgId::from_uuid(row.organisation_id);
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.moderate", "case_study", case_id)
            .in_org(org)
            .after(serde_json::json!({ "status": status.key(), "note": note })),
    )
    .await?;
    search_log::changed(conn, now, Target::Case(case_id)).await?;
    if approve {
        let m = case(conn, org, case_id).await?;
        if m.anonymous && status_of(&m)? == CaseStatus::Published {
            republish(conn, now, &m).await?;
        }
    }
    Ok(())
}

/// An attachment without its bytes, for lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentInfo {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub shared: bool,
    pub created_at: Timestamp,
}

async fn attachment_infos<C: ConnectionTrait>(
    conn: &C,
    case: Uuid,
    shared_only: bool,
) -> Result<Vec<AttachmentInfo>, DbError> {
    let mut q = case_attachment::Entity::find()
        .select_only()
        .columns([
            case_attachment::Column::Id,
            case_attachment::Column::FileName,
            case_attachment::Column::ContentType,
            case_attachment::Column::SizeBytes,
            case_attachment::Column::Shared,
            case_attachment::Column::CreatedAt,
        ])
        .filter(case_attachment::Column::CaseId.eq(case))
        .order_by_asc(case_attachment::Column::CreatedAt)
        .order_by_asc(case_attachment::Column::FileName);
    if shared_only {
        q = q.filter(case_attachment::Column::Shared.eq(true));
    }
    let rows: Vec<(Uuid, String, String, i64, bool, Timestamp)> = q.into_tuple().all(conn).await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, file_name, content_type, size_bytes, shared, created_at)| AttachmentInfo {
                id,
                file_name,
                content_type,
                size_bytes,
                shared,
                created_at,
            },
        )
        .collect())
}

/// The council's attachments of its case.
pub async fn attachments<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    case_id: Uuid,
) -> Result<Vec<AttachmentInfo>, DbError> {
    case(conn, org, case_id).await?;
    attachment_infos(conn, case_id, false).await
}

/// The shared attachments a publication's readers get: a named
/// publication's shared files; none for an anonymised one.
pub async fn shared_attachments(
    conn: &impl ConnectionTrait,
    publication: &case_publication::Model,
) -> Result<Vec<AttachmentInfo>, DbError> {
    match (publication.anonymous, publication.case_id) {
        (false, Some(case)) => attachment_infos(conn, case, true).await,
        _ => Ok(Vec::new()),
    }
}

/// One of the council's attachments of its case, with its bytes.
pub async fn attachment<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    case_id: Uuid,
    file: Uuid,
) -> Result<case_attachment::Model, DbError> {
    case_attachment::Entity::find_by_id(file)
        .filter(case_attachment::Column::CaseId.eq(case_id))
        .filter(case_attachment::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// A shared attachment of a named publication, with its bytes.
pub async fn shared_attachment<C: ConnectionTrait>(
    conn: &C,
    publication: &case_publication::Model,
    file: Uuid,
) -> Result<case_attachment::Model, DbError> {
    let (false, Some(case)) = (publication.anonymous, publication.case_id) else {
        return Err(DbError::NotFound);
    };
    case_attachment::Entity::find_by_id(file)
        .filter(case_attachment::Column::CaseId.eq(case))
        .filter(case_attachment::Column::Shared.eq(true))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Attach a checked file to the council's case.
#[allow(clippy::too_many_arguments)]
pub async fn add_attachment<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    case_id: Uuid,
    file: &ValidFile,
    bytes: Vec<u8>,
    shared: bool,
) -> Result<Uuid, DbError> {
    case(conn, org, case_id).await?;
    let id = Uuid::new_v4();
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    case_attachment::Entity::insert(case_attachment::ActiveModel {
        id: Set(id),
        organisation_id: Set(org.uuid()),
        case_id: Set(case_id),
        file_name: Set(file.file_name.clone()),
        content_type: Set(file.content_type.to_owned()),
        size_bytes: Set(size),
        content: Set(bytes),
        shared: Set(shared),
        uploaded_by: Set(actor.id.map(|p| p.uuid())),
        created_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.attach", "case_study", case_id)
            .in_org(org)
            .after(serde_json::json!({
                "file": id,
                "name": file.file_name,
                "type": file.content_type,
                "size": size,
                "shared": shared,
            })),
    )
    .await?;
    search_log::changed(conn, now, Target::Case(case_id)).await?;
    if let Some(p) = publication_of(conn, case_id).await? {
        search_log::changed(conn, now, Target::Publication(p.id)).await?;
    }
    Ok(id)
}

/// Remove one of the council's attachments from its case. The bytes live in
/// this row only, so once it is gone no read path (the council's pages, a
/// publication's readers, the feeds) can serve them.
pub async fn remove_attachment<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    case_id: Uuid,
    file: Uuid,
) -> Result<(), DbError> {
    let before = attachment(conn, org, case_id, file).await?;
    case_attachment::Entity::delete_by_id(before.id)
        .exec(conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("case.detach", "case_study", case_id)
            .in_org(org)
            .before(serde_json::json!({
                "file": before.id,
                "name": before.file_name,
                "type": before.content_type,
                "size": before.size_bytes,
                "shared": before.shared,
            })),
    )
    .await?;
    search_log::changed(conn, now, Target::Case(case_id)).await?;
    if let Some(p) = publication_of(conn, case_id).await? {
        search_log::changed(conn, now, Target::Publication(p.id)).await?;
    }
    Ok(())
}

/// Keep the audiences of `org`'s partners-level publications current after
/// its partnerships change (named and anonymised alike: an anonymised
/// publication is found through its case, never through its own row).
pub async fn refresh_audiences<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
) -> Result<(), DbError> {
    let cases: Vec<Uuid> = case_study::Entity::find()
        .select_only()
        .column(case_study::Column::Id)
        .filter(case_study::Column::OrganisationId.eq(org.uuid()))
        .filter(case_study::Column::Status.eq(CaseStatus::Published.key()))
        .filter(case_study::Column::Level.eq(Level::Partners.key()))
        .into_tuple()
        .all(conn)
        .await?;
    for case_id in cases {
        if let Some(p) = publication_of(conn, case_id).await? {
            set_audience(conn, p.id, Level::Partners, org).await?;
            search_log::changed(conn, now, Target::Publication(p.id)).await?;
        }
    }
    Ok(())
}

/// The council's own case behind a publication id, so its own people are
/// sent to the case itself rather than to what others read.
pub async fn own_case_of_publication<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    publication: Uuid,
) -> Result<Option<Uuid>, DbError> {
    Ok(case_publication::Entity::find_by_id(publication)
        .select_only()
        .column(case_publication::Column::CaseId)
        .filter(
            case_publication::Column::CaseId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(case_study::Column::Id)
                    .from(case_study::Entity)
                    .and_where(case_study::Column::OrganisationId.eq(org.uuid()))
                    .to_owned(),
            ),
        )
        .into_tuple::<Option<Uuid>>()
        .one(conn)
        .await?
        .flatten())
}
