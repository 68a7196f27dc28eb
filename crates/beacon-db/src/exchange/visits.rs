//! Questions to the innovators and their answers, and hosted visits:
//! requests, the host's answer and schedule, the cap on numbers, and feedback
//! afterwards.
//!
//! A case is found for a reader through [`case_for`]: the reader's own case
//! from `case_studies`, anyone else's only through a publication they may
//! read (`publications::readable_by`). What the other council sees of the
//! host comes from the publication alone, so an anonymised case never names
//! its council here either.
use crate::audit::{self, Actor, Change};
use crate::entity::{
    case_publication, case_study, exchange_question, membership, organisation, person,
    visit_closure, visit_request, visit_slot,
};
use crate::exchange::publications::readable_by;
use crate::{DbError, Timestamp, outbox};
use beacon_core::exchange::Reader;
use beacon_core::exchange::visits::{Request, Schedule, VisitStatus};
use beacon_core::{OrgId, PersonId, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A case as a reader reaches it for questions and visits.
#[derive(Clone, Debug)]
pub struct CaseRef {
    /// The council's own case (never shown to another council).
    pub case_id: Uuid,
    /// The host council.
    pub host: OrgId,
    /// The id the reader knows the case by: the case's own for its council,
    /// the publication's for everyone else.
    pub link_id: Uuid,
    pub title: String,
    /// The host's name as the reader may see it: `None` for an anonymised
    /// case read by another council.
    pub host_name: Option<String>,
    pub anonymous: bool,
    /// The reader is in the host council.
    pub own: bool,
    /// The council's own case is not published (only its innovation leads
    /// may reach it).
    pub draft: bool,
}

/// The case with id `id` as `reader` may reach it: their council's own case,
/// or a publication of a local case they may read. Anything else is not
/// found.
pub async fn case_for<C: ConnectionTrait>(
    conn: &C,
    reader: &Reader,
    id: Uuid,
) -> Result<CaseRef, DbError> {
    let org = reader.org().ok_or(DbError::NotFound)?;
    if let Some(case) = case_study::Entity::find_by_id(id)
        .filter(case_study::Column::OrganisationId.eq(org.uuid()))
        .one(conn)
        .await?
    {
        let name = organisation::Entity::find_by_id(org.uuid())
            .one(conn)
            .await?
            .map(|o| o.name);
        return Ok(CaseRef {
            case_id: case.id,
            host: org,
            link_id: case.id,
            title: case.title,
            host_name: name,
            anonymous: case.anonymous,
            own: true,
            draft: case.status == beacon_core::exchange::CaseStatus::Draft.key(),
        });
    }
    let publication = case_publication::Entity::find_by_id(id)
        .filter(readable_by(reader))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    // A case fetched from another Beacon has no host here.
    let case_id = publication.case_id.ok_or(DbError::NotFound)?;
    let case = case_study::Entity::find_by_id(case_id)
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    Ok(CaseRef {
        case_id,
        host: OrgId::from_uuid(case.organisation_id),
        link_id: publication.id,
        title: publication.title,
        host_name: if publication.anonymous {
            None
        } else {
            publication.council_name
        },
        anonymous: publication.anonymous,
        own: false,
        draft: false,
    })
}

/// A case's title and link as another council sees it now, from its
/// publication; `None` once it is no longer published.
pub async fn published_view<C: ConnectionTrait>(
    conn: &C,
    case_id: Uuid,
) -> Result<Option<(Uuid, String, bool)>, DbError> {
    Ok(case_publication::Entity::find()
        .filter(case_publication::Column::CaseId.eq(case_id))
        .one(conn)
        .await?
        .map(|p| (p.id, p.title, p.anonymous)))
}

/// An email to write to the outbox with a change.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub calendar: Option<String>,
}

async fn send<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    mails: &[Mail],
) -> Result<(), DbError> {
    for m in mails {
        outbox::enqueue_with_calendar(
            conn,
            now,
            Some(org),
            &m.to,
            &m.subject,
            &m.body,
            m.calendar.as_deref(),
        )
        .await?;
    }
    Ok(())
}

/// The email addresses of a council's innovation leads, who answer for its
/// cases.
pub async fn innovation_leads<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
) -> Result<Vec<String>, DbError> {
    let ids: Vec<Uuid> = membership::Entity::find()
        .filter(membership::Column::OrganisationId.eq(org.uuid()))
        .filter(membership::Column::Role.eq(Role::InnovationLead.key()))
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
        .map(|p| p.email)
        .collect())
}

/// A person's email address, to tell them of an answer or a visit.
pub async fn email_of<C: ConnectionTrait>(
    conn: &C,
    id: Option<Uuid>,
) -> Result<Option<String>, DbError> {
    let Some(id) = id else { return Ok(None) };
    Ok(person::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|p| !p.disabled)
        .map(|p| p.email))
}

async fn names<C: ConnectionTrait>(
    conn: &C,
    orgs: impl IntoIterator<Item = Uuid>,
) -> Result<BTreeMap<Uuid, String>, DbError> {
    let ids: Vec<Uuid> = orgs.into_iter().collect();
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

// ---------------------------------------------------------------- questions

/// A question as a page shows it.
#[derive(Clone, Debug)]
pub struct Question {
    pub row: exchange_question::Model,
    /// The asking council's name.
    pub asker_council: String,
    /// The asker's own name: only for the asker's council's eyes.
    pub asker_name: Option<String>,
}

/// Ask a question about a case; the host's innovation leads are emailed in
/// the same transaction.
#[allow(clippy::too_many_arguments)]
pub async fn ask<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    asker_org: OrgId,
    asker: PersonId,
    case: &CaseRef,
    question: &str,
    mails: &[Mail],
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    exchange_question::Entity::insert(exchange_question::ActiveModel {
        id: Set(id),
        case_id: Set(case.case_id),
        organisation_id: Set(case.host.uuid()),
        asker_organisation_id: Set(asker_org.uuid()),
        asked_by: Set(Some(asker.uuid())),
        question: Set(question.to_owned()),
        asked_at: Set(now),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("exchange.question.ask", "exchange_question", id).in_org(asker_org),
    )
    .await?;
    send(conn, now, asker_org, mails).await?;
    Ok(id)
}

/// A question to `host`'s cases; another council's is not found.
pub async fn question_in<C: ConnectionTrait>(
    conn: &C,
    host: OrgId,
    id: Uuid,
) -> Result<exchange_question::Model, DbError> {
    exchange_question::Entity::find_by_id(id)
        .filter(exchange_question::Column::OrganisationId.eq(host.uuid()))
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Answer a question once: a conditional update, so two leads answering at
/// once cannot both win (the second gets `Conflict`). The asker is emailed.
pub async fn answer<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    host: OrgId,
    id: Uuid,
    text: &str,
    mails: &[Mail],
) -> Result<(), DbError> {
    let done = exchange_question::Entity::update_many()
        .col_expr(
            exchange_question::Column::Answer,
            Expr::value(Some(text.to_owned())),
        )
        .col_expr(
            exchange_question::Column::AnsweredBy,
            Expr::value(actor.id.map(PersonId::uuid)),
        )
        .col_expr(
            exchange_question::Column::AnsweredAt,
            Expr::value(Some(now)),
        )
        .filter(exchange_question::Column::Id.eq(id))
        .filter(exchange_question::Column::OrganisationId.eq(host.uuid()))
        .filter(exchange_question::Column::Answer.is_null())
        .exec(conn)
        .await?;
    if done.rows_affected != 1 {
        return Err(DbError::Conflict("answered"));
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("exchange.question.answer", "exchange_question", id).in_org(host),
    )
    .await?;
    send(conn, now, host, mails).await
}

/// The questions about a case, oldest first: all of them for the host;
/// for another council, the answered ones and its own.
pub async fn questions<C: ConnectionTrait>(
    conn: &C,
    case: &CaseRef,
    reader_org: OrgId,
) -> Result<Vec<Question>, DbError> {
    let rows = exchange_question::Entity::find()
        .filter(exchange_question::Column::CaseId.eq(case.case_id))
        .order_by_asc(exchange_question::Column::AskedAt)
        .all(conn)
        .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|q| case.own || q.answer.is_some() || q.asker_organisation_id == reader_org.uuid())
        .collect();
    let councils = names(conn, rows.iter().map(|q| q.asker_organisation_id)).await?;
    let askers: BTreeMap<Uuid, String> = person::Entity::find()
        .filter(person::Column::Id.is_in(rows.iter().filter_map(|q| q.asked_by)))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.display_name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|q| Question {
            asker_council: councils
                .get(&q.asker_organisation_id)
                .cloned()
                .unwrap_or_default(),
            asker_name: (q.asker_organisation_id == reader_org.uuid())
                .then(|| q.asked_by.and_then(|id| askers.get(&id).cloned()))
                .flatten(),
            row: q,
        })
        .collect())
}

// ------------------------------------------------------------------- visits

/// Whether the host has closed a case to new visit requests.
pub async fn is_closed<C: ConnectionTrait>(conn: &C, case_id: Uuid) -> Result<bool, DbError> {
    Ok(visit_closure::Entity::find_by_id(case_id)
        .one(conn)
        .await?
        .is_some())
}

/// Close a case to new requests, or open it again.
pub async fn set_closed<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    host: OrgId,
    case_id: Uuid,
    closed: bool,
) -> Result<(), DbError> {
    visit_closure::Entity::delete_many()
        .filter(visit_closure::Column::CaseId.eq(case_id))
        .filter(visit_closure::Column::OrganisationId.eq(host.uuid()))
        .exec(conn)
        .await?;
    if closed {
        visit_closure::Entity::insert(visit_closure::ActiveModel {
            case_id: Set(case_id),
            organisation_id: Set(host.uuid()),
            closed_by: Set(actor.id.map(PersonId::uuid)),
            closed_at: Set(now),
        })
        .exec_without_returning(conn)
        .await?;
    }
    let action = if closed {
        "exchange.visits.close"
    } else {
        "exchange.visits.open"
    };
    audit::record(
        conn,
        now,
        actor,
        Change::new(action, "case_study", case_id).in_org(host),
    )
    .await
}

/// Ask to visit a case; the host's innovation leads are emailed.
#[allow(clippy::too_many_arguments)]
pub async fn request<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    visitor: OrgId,
    person: PersonId,
    case: &CaseRef,
    request: &Request,
    mails: &[Mail],
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    visit_request::Entity::insert(visit_request::ActiveModel {
        id: Set(id),
        case_id: Set(case.case_id),
        organisation_id: Set(case.host.uuid()),
        visitor_organisation_id: Set(visitor.uuid()),
        requested_by: Set(Some(person.uuid())),
        party_size: Set(request.party_size),
        preferred_dates: Set(request.preferred_dates.clone()),
        purpose: Set(request.purpose.clone()),
        status: Set(VisitStatus::Requested.key().to_owned()),
        host_note: Set(String::new()),
        slot_id: Set(None),
        decided_by: Set(None),
        decided_at: Set(None),
        feedback_rating: Set(None),
        feedback: Set(None),
        feedback_by: Set(None),
        feedback_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    audit::record(
        conn,
        now,
        actor,
        Change::new("exchange.visit.request", "visit_request", id)
            .in_org(visitor)
            .after(serde_json::json!({ "party_size": request.party_size })),
    )
    .await?;
    send(conn, now, visitor, mails).await?;
    Ok(id)
}

/// A visit request as one side sees it.
#[derive(Clone, Debug)]
pub struct Visit {
    pub row: visit_request::Model,
    pub slot: Option<visit_slot::Model>,
    /// The reader's council hosts it (else it is the visitor).
    pub hosting: bool,
    pub host_name: String,
    pub visitor_name: String,
}

impl Visit {
    pub fn status(&self) -> Result<VisitStatus, DbError> {
        self.row
            .status
            .parse()
            .map_err(|_| DbError::Corrupt(format!("visit status {}", self.row.status)))
    }
}

async fn complete<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    rows: Vec<visit_request::Model>,
) -> Result<Vec<Visit>, DbError> {
    let councils = names(
        conn,
        rows.iter()
            .flat_map(|r| [r.organisation_id, r.visitor_organisation_id]),
    )
    .await?;
    let slots: BTreeMap<Uuid, visit_slot::Model> = visit_slot::Entity::find()
        .filter(visit_slot::Column::Id.is_in(rows.iter().filter_map(|r| r.slot_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| Visit {
            slot: r.slot_id.and_then(|id| slots.get(&id).cloned()),
            hosting: r.organisation_id == org.uuid(),
            host_name: councils
                .get(&r.organisation_id)
                .cloned()
                .unwrap_or_default(),
            visitor_name: councils
                .get(&r.visitor_organisation_id)
                .cloned()
                .unwrap_or_default(),
            row: r,
        })
        .collect())
}

/// A visit request that `org` hosts or asked for; anything else is not found.
pub async fn visit_in<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    id: Uuid,
) -> Result<Visit, DbError> {
    let row = visit_request::Entity::find_by_id(id)
        .filter(
            visit_request::Column::OrganisationId
                .eq(org.uuid())
                .or(visit_request::Column::VisitorOrganisationId.eq(org.uuid())),
        )
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)?;
    complete(conn, org, vec![row])
        .await?
        .pop()
        .ok_or(DbError::NotFound)
}

/// The requests `org` hosts (when `hosting`) or made, newest first.
pub async fn visits_of<C: ConnectionTrait>(
    conn: &C,
    org: OrgId,
    hosting: bool,
) -> Result<Vec<Visit>, DbError> {
    let column = if hosting {
        visit_request::Column::OrganisationId
    } else {
        visit_request::Column::VisitorOrganisationId
    };
    let rows = visit_request::Entity::find()
        .filter(column.eq(org.uuid()))
        .order_by_desc(visit_request::Column::CreatedAt)
        .all(conn)
        .await?;
    complete(conn, org, rows).await
}

/// The host's visits of a case still to come, which an accepted request may
/// join.
pub async fn upcoming_slots<C: ConnectionTrait>(
    conn: &C,
    host: OrgId,
    case_id: Uuid,
    now: Timestamp,
) -> Result<Vec<visit_slot::Model>, DbError> {
    Ok(visit_slot::Entity::find()
        .filter(visit_slot::Column::OrganisationId.eq(host.uuid()))
        .filter(visit_slot::Column::CaseId.eq(case_id))
        .filter(visit_slot::Column::StartsAt.gt(now))
        .order_by_asc(visit_slot::Column::StartsAt)
        .all(conn)
        .await?)
}

/// The accepted requests booked on a scheduled visit.
pub async fn booked_on<C: ConnectionTrait>(
    conn: &C,
    host: OrgId,
    slot: Uuid,
) -> Result<Vec<visit_request::Model>, DbError> {
    Ok(visit_request::Entity::find()
        .filter(visit_request::Column::OrganisationId.eq(host.uuid()))
        .filter(visit_request::Column::SlotId.eq(slot))
        .filter(visit_request::Column::Status.eq(VisitStatus::Accepted.key()))
        .all(conn)
        .await?)
}

/// Move a request from one state to another, only if it is still in the
/// first: the conditional update is the whole check, so of two racing
/// moves one wins and the other gets `Conflict`.
#[allow(clippy::too_many_arguments)]
async fn move_request<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    id: Uuid,
    from: VisitStatus,
    to: VisitStatus,
    note: Option<&str>,
    slot: Option<Uuid>,
) -> Result<(), DbError> {
    let mut update = visit_request::Entity::update_many()
        .col_expr(visit_request::Column::Status, Expr::value(to.key()))
        .col_expr(visit_request::Column::UpdatedAt, Expr::value(now))
        .filter(visit_request::Column::Id.eq(id))
        .filter(visit_request::Column::Status.eq(from.key()))
        .filter(
            visit_request::Column::OrganisationId
                .eq(org.uuid())
                .or(visit_request::Column::VisitorOrganisationId.eq(org.uuid())),
        );
    if let Some(note) = note {
        update = update
            .col_expr(
                visit_request::Column::HostNote,
                Expr::value(note.to_owned()),
            )
            .col_expr(
                visit_request::Column::DecidedBy,
                Expr::value(actor.id.map(PersonId::uuid)),
            )
            .col_expr(visit_request::Column::DecidedAt, Expr::value(Some(now)));
    }
    if let Some(slot) = slot {
        update = update.col_expr(visit_request::Column::SlotId, Expr::value(Some(slot)));
    }
    if update.exec(conn).await?.rows_affected != 1 {
        return Err(DbError::Conflict("visit moved on"));
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("exchange.visit.move", "visit_request", id)
            .in_org(org)
            .before(serde_json::json!({ "status": from.key() }))
            .after(serde_json::json!({ "status": to.key() })),
    )
    .await
}

/// Book `party` more people onto a scheduled visit if they fit under its
/// cap: one conditional update, so concurrent acceptances cannot pass it on
/// either database. `Conflict("full")` when they do not fit.
async fn book<C: ConnectionTrait>(
    conn: &C,
    host: OrgId,
    case_id: Uuid,
    slot: Uuid,
    party: i32,
) -> Result<(), DbError> {
    let done = visit_slot::Entity::update_many()
        .col_expr(
            visit_slot::Column::Booked,
            Expr::col(visit_slot::Column::Booked).add(party),
        )
        .filter(visit_slot::Column::Id.eq(slot))
        .filter(visit_slot::Column::OrganisationId.eq(host.uuid()))
        .filter(visit_slot::Column::CaseId.eq(case_id))
        .filter(
            Expr::col(visit_slot::Column::Booked)
                .add(party)
                .lte(Expr::col(visit_slot::Column::Cap)),
        )
        .exec(conn)
        .await?;
    if done.rows_affected == 1 {
        Ok(())
    } else {
        Err(DbError::Conflict("full"))
    }
}

/// Accept a request onto a new scheduled visit. Returns the visit.
#[allow(clippy::too_many_arguments)]
pub async fn accept_new<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    host: OrgId,
    visit: &Visit,
    schedule: &Schedule,
    note: &str,
) -> Result<visit_slot::Model, DbError> {
    let slot = visit_slot::Model {
        id: Uuid::new_v4(),
        organisation_id: host.uuid(),
        case_id: visit.row.case_id,
        starts_at: schedule.starts_at,
        ends_at: schedule.ends_at,
        location: schedule.location.clone(),
        cap: schedule.cap,
        booked: 0,
        sequence: 0,
        organised_by: actor.id.map(PersonId::uuid),
        created_at: now,
        updated_at: now,
    };
    visit_slot::Entity::insert(visit_slot::ActiveModel {
        id: Set(slot.id),
        organisation_id: Set(slot.organisation_id),
        case_id: Set(slot.case_id),
        starts_at: Set(slot.starts_at),
        ends_at: Set(slot.ends_at),
        location: Set(slot.location.clone()),
        cap: Set(slot.cap),
        booked: Set(0),
        sequence: Set(0),
        organised_by: Set(slot.organised_by),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(conn)
    .await?;
    accept_into(conn, now, actor, host, visit, slot.id, note).await
}

/// Accept a request onto a visit already scheduled for the same case, if
/// its party fits under the cap.
pub async fn accept_into<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    host: OrgId,
    visit: &Visit,
    slot: Uuid,
    note: &str,
) -> Result<visit_slot::Model, DbError> {
    // The write comes first: on SQLite a transaction that reads before it
    // writes cannot take the write lock while another writer holds it.
    book(conn, host, visit.row.case_id, slot, visit.row.party_size).await?;
    move_request(
        conn,
        now,
        actor,
        host,
        visit.row.id,
        VisitStatus::Requested,
        VisitStatus::Accepted,
        Some(note),
        Some(slot),
    )
    .await?;
    visit_slot::Entity::find_by_id(slot)
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Decline a request with a note.
pub async fn decline<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    host: OrgId,
    id: Uuid,
    note: &str,
) -> Result<(), DbError> {
    move_request(
        conn,
        now,
        actor,
        host,
        id,
        VisitStatus::Requested,
        VisitStatus::Declined,
        Some(note),
        None,
    )
    .await
}

/// The visiting council takes back a request the host has not answered.
pub async fn withdraw<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    visitor: OrgId,
    id: Uuid,
) -> Result<(), DbError> {
    move_request(
        conn,
        now,
        actor,
        visitor,
        id,
        VisitStatus::Requested,
        VisitStatus::Withdrawn,
        None,
        None,
    )
    .await
}

/// Call off an accepted visit for one request (either side); its places
/// are freed on the scheduled visit.
pub async fn cancel<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    org: OrgId,
    visit: &Visit,
) -> Result<(), DbError> {
    move_request(
        conn,
        now,
        actor,
        org,
        visit.row.id,
        VisitStatus::Accepted,
        VisitStatus::Cancelled,
        None,
        None,
    )
    .await?;
    if let Some(slot) = visit.row.slot_id {
        visit_slot::Entity::update_many()
            .col_expr(
                visit_slot::Column::Booked,
                Expr::col(visit_slot::Column::Booked).sub(visit.row.party_size),
            )
            .col_expr(
                visit_slot::Column::Sequence,
                Expr::col(visit_slot::Column::Sequence).add(1),
            )
            .filter(visit_slot::Column::Id.eq(slot))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Change the time, place or cap of a scheduled visit. The sequence rises,
/// so calendars take the update; the cap may not fall below those booked
/// (`Conflict("full")`). Returns the visit as it now is.
pub async fn reschedule<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    host: OrgId,
    slot: Uuid,
    schedule: &Schedule,
) -> Result<visit_slot::Model, DbError> {
    let done = visit_slot::Entity::update_many()
        .col_expr(
            visit_slot::Column::StartsAt,
            Expr::value(schedule.starts_at),
        )
        .col_expr(visit_slot::Column::EndsAt, Expr::value(schedule.ends_at))
        .col_expr(
            visit_slot::Column::Location,
            Expr::value(schedule.location.clone()),
        )
        .col_expr(visit_slot::Column::Cap, Expr::value(schedule.cap))
        .col_expr(
            visit_slot::Column::Sequence,
            Expr::col(visit_slot::Column::Sequence).add(1),
        )
        .col_expr(visit_slot::Column::UpdatedAt, Expr::value(now))
        .filter(visit_slot::Column::Id.eq(slot))
        .filter(visit_slot::Column::OrganisationId.eq(host.uuid()))
        .filter(visit_slot::Column::Booked.lte(schedule.cap))
        .exec(conn)
        .await?;
    if done.rows_affected != 1 {
        return Err(DbError::Conflict("full"));
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("exchange.visit.reschedule", "visit_slot", slot).in_org(host),
    )
    .await?;
    visit_slot::Entity::find_by_id(slot)
        .one(conn)
        .await?
        .ok_or(DbError::NotFound)
}

/// Record the visiting council's feedback once.
pub async fn feedback<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    actor: &Actor,
    visitor: OrgId,
    id: Uuid,
    rating: i16,
    text: &str,
) -> Result<(), DbError> {
    let done = visit_request::Entity::update_many()
        .col_expr(
            visit_request::Column::FeedbackRating,
            Expr::value(Some(rating)),
        )
        .col_expr(
            visit_request::Column::Feedback,
            Expr::value(Some(text.to_owned())),
        )
        .col_expr(
            visit_request::Column::FeedbackBy,
            Expr::value(actor.id.map(PersonId::uuid)),
        )
        .col_expr(visit_request::Column::FeedbackAt, Expr::value(Some(now)))
        .filter(visit_request::Column::Id.eq(id))
        .filter(visit_request::Column::VisitorOrganisationId.eq(visitor.uuid()))
        .filter(visit_request::Column::Status.eq(VisitStatus::Accepted.key()))
        .filter(visit_request::Column::FeedbackAt.is_null())
        .exec(conn)
        .await?;
    if done.rows_affected != 1 {
        return Err(DbError::Conflict("feedback given"));
    }
    audit::record(
        conn,
        now,
        actor,
        Change::new("exchange.visit.feedback", "visit_request", id)
            .in_org(visitor)
            .after(serde_json::json!({ "rating": rating })),
    )
    .await
}

/// Write emails with a change, in its transaction.
pub async fn tell<C: ConnectionTrait>(
    conn: &C,
    now: Timestamp,
    org: OrgId,
    mails: &[Mail],
) -> Result<(), DbError> {
    send(conn, now, org, mails).await
}

/// A published case made directly, for the tests and the demo of questions
/// and visits, which do not depend on how cases are written.
pub mod fixtures {
    use super::*;
    use crate::entity::case_audience;
    use beacon_core::exchange::{CaseStatus, Level};

    pub struct Shared<'a> {
        pub title: &'a str,
        pub level: Level,
        pub anonymous: bool,
        /// Who reads a partners-level publication.
        pub audience: &'a [OrgId],
    }

    /// A case of `org`, published: returns the case's id and the
    /// publication's.
    pub async fn published_case<C: ConnectionTrait>(
        conn: &C,
        now: Timestamp,
        org: OrgId,
        shared: &Shared<'_>,
    ) -> Result<(Uuid, Uuid), DbError> {
        let council = organisation::Entity::find_by_id(org.uuid())
            .one(conn)
            .await?
            .ok_or(DbError::NotFound)?;
        let case_id = Uuid::new_v4();
        let summary = format!("How {} worked.", shared.title);
        case_study::Entity::insert(case_study::ActiveModel {
            id: Set(case_id),
            organisation_id: Set(org.uuid()),
            idea_id: Set(None),
            title: Set(shared.title.to_owned()),
            summary: Set(summary.clone()),
            innovative: Set(String::new()),
            context: Set(String::new()),
            partners: Set(String::new()),
            users: Set(String::new()),
            results: Set(String::new()),
            challenges: Set(String::new()),
            conditions: Set(String::new()),
            replication: Set(String::new()),
            lessons: Set(String::new()),
            materials: Set(String::new()),
            service_area: Set("housing".into()),
            facet: Set("enhancement_oriented".into()),
            stage: Set("implementing".into()),
            year: Set(now.year()),
            outcome: Set("adopted".into()),
            evidence_level: Set(2),
            cashable_savings_pence: Set(0),
            non_cashable_savings_pence: Set(0),
            social_value_pence: Set(0),
            cost_pence: Set(0),
            funder: Set(String::new()),
            funding_programme: Set(String::new()),
            funding_amount_pence: Set(None),
            funding_awarded_on: Set(None),
            level: Set(shared.level.key().to_owned()),
            anonymous: Set(shared.anonymous),
            status: Set(CaseStatus::Published.key().to_owned()),
            version: Set(1),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            published_at: Set(Some(now)),
        })
        .exec_without_returning(conn)
        .await?;
        let publication_id = Uuid::new_v4();
        let (owner, name, title) = if shared.anonymous {
            (
                None,
                None,
                format!("A council's {}", shared.title.to_lowercase()),
            )
        } else {
            (
                Some(org.uuid()),
                Some(council.name),
                shared.title.to_owned(),
            )
        };
        case_publication::Entity::insert(case_publication::ActiveModel {
            id: Set(publication_id),
            case_id: Set(Some(case_id)),
            organisation_id: Set(owner),
            council_name: Set(name),
            anonymous: Set(shared.anonymous),
            level: Set(shared.level.key().to_owned()),
            remote_source_id: Set(None),
            remote_id: Set(None),
            source_url: Set(None),
            title: Set(title),
            summary: Set(summary),
            innovative: Set(String::new()),
            context: Set(String::new()),
            partners: Set(String::new()),
            users: Set(String::new()),
            results: Set(String::new()),
            challenges: Set(String::new()),
            conditions: Set(String::new()),
            replication: Set(String::new()),
            lessons: Set(String::new()),
            materials: Set(String::new()),
            service_area: Set("housing".into()),
            facet: Set("enhancement_oriented".into()),
            stage: Set("implementing".into()),
            year: Set(now.year()),
            outcome: Set("adopted".into()),
            evidence_level: Set(2),
            cashable_savings_pence: Set(0),
            non_cashable_savings_pence: Set(0),
            social_value_pence: Set(0),
            cost_pence: Set(0),
            funder: Set(String::new()),
            funding_programme: Set(String::new()),
            funding_amount_pence: Set(None),
            funding_awarded_on: Set(None),
            tags: Set(String::new()),
            published_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(conn)
        .await?;
        if shared.level == Level::Partners {
            for reader in shared.audience {
                case_audience::Entity::insert(case_audience::ActiveModel {
                    publication_id: Set(publication_id),
                    organisation_id: Set(reader.uuid()),
                })
                .exec_without_returning(conn)
                .await?;
            }
        }
        crate::exchange::search_log::changed(
            conn,
            now,
            crate::exchange::search_log::Target::Case(case_id),
        )
        .await?;
        crate::exchange::search_log::changed(
            conn,
            now,
            crate::exchange::search_log::Target::Publication(publication_id),
        )
        .await?;
        Ok((case_id, publication_id))
    }

    /// The oldest public, named publication of a council's own cases.
    pub async fn first_public_case<C: ConnectionTrait>(
        conn: &C,
        org: OrgId,
    ) -> Result<Option<Uuid>, DbError> {
        Ok(case_publication::Entity::find()
            .filter(case_publication::Column::OrganisationId.eq(org.uuid()))
            .filter(case_publication::Column::Anonymous.eq(false))
            .filter(case_publication::Column::Level.eq(Level::Public.key()))
            .filter(case_publication::Column::CaseId.is_not_null())
            .order_by_asc(case_publication::Column::PublishedAt)
            .one(conn)
            .await?
            .map(|p| p.id))
    }

    /// Put a scheduled visit in the past (for feedback), as time passing
    /// would.
    pub async fn move_slot<C: ConnectionTrait>(
        conn: &C,
        slot: Uuid,
        starts_at: Timestamp,
        ends_at: Timestamp,
    ) -> Result<(), DbError> {
        visit_slot::Entity::update_many()
            .col_expr(visit_slot::Column::StartsAt, Expr::value(starts_at))
            .col_expr(visit_slot::Column::EndsAt, Expr::value(ends_at))
            .filter(visit_slot::Column::Id.eq(slot))
            .exec(conn)
            .await?;
        Ok(())
    }
}
