//! Questions to the innovators and hosted visits.
//!
//! - `questions`: any member of a council that may read a case asks; the
//!   case's innovation leads are emailed and answer; the asker is emailed the
//!   answer. Answered questions are shown with the asking council's name,
//!   never the asker's own name outside their council.
//! - `visits`: a council asks to visit; the host accepts onto a scheduled
//!   visit (new or shared, up to its cap) or declines, reschedules or calls
//!   it off, and may close a case to new requests; the visitor gets an
//!   iCalendar invitation by email and from a checked download, and gives
//!   feedback once the visit is over.
//!
//! A case is reached through `beacon_db::exchange::visits::case_for`, which
//! reads another council's case only through a publication the reader may
//! read. An anonymised case can be asked about (the answer is signed "the
//! council") but never visited: a visit would reveal its council.
mod ics;
mod questions;
mod requests;

use crate::app::AppState;
use crate::error::AppError;
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use beacon_core::exchange::Reader;
use beacon_core::exchange::visits::Problem;
use beacon_core::permission::Capability;
use beacon_db::exchange::visits::{self as db, CaseRef};
use beacon_db::organisations;
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    let member = Access::Member;
    let lead = Access::Can(Capability::PublishCases);
    vec![
        route(
            Method::GET,
            "/exchange/cases/{id}/questions",
            member,
            get(questions::show),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/questions",
            member,
            post(questions::ask),
        ),
        route(
            Method::POST,
            "/exchange/questions/{id}/answer",
            lead,
            post(questions::answer),
        ),
        route(
            Method::GET,
            "/exchange/cases/{id}/visits/new",
            member,
            get(requests::new_page),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/visits/new",
            member,
            post(requests::create),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/visits/closed",
            lead,
            post(requests::set_closed),
        ),
        route(Method::GET, "/exchange/visits", member, get(requests::list)),
        route(
            Method::GET,
            "/exchange/visits/{id}",
            member,
            get(requests::show),
        ),
        route(
            Method::POST,
            "/exchange/visits/{id}",
            member,
            post(requests::act),
        ),
        route(
            Method::GET,
            "/exchange/visits/{id}/feedback",
            member,
            get(requests::feedback_page),
        ),
        route(
            Method::POST,
            "/exchange/visits/{id}/feedback",
            member,
            post(requests::feedback),
        ),
        route(
            Method::GET,
            "/exchange/visits/{id}/invitation.ics",
            member,
            get(requests::invitation),
        ),
    ]
}

pub(crate) fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    raw.parse::<Uuid>().map_err(|_| AppError::NotFound)
}

/// The visitor as a reader of shared cases.
pub(crate) async fn reader(state: &AppState, tenant: &Tenant) -> Result<Reader, AppError> {
    Ok(Reader::Member {
        org: tenant.org,
        partners: organisations::partners_of(state.db.conn(), tenant.org).await?,
    })
}

/// The case `raw` names, as the visitor may reach it; 404 otherwise.
pub(crate) async fn case(
    state: &AppState,
    tenant: &Tenant,
    raw: &str,
) -> Result<CaseRef, AppError> {
    let id = parse_id(raw)?;
    let reader = reader(state, tenant).await?;
    let case = db::case_for(state.db.conn(), &reader, id).await?;
    // A draft is for the council's innovation leads only (PROMISES.md 3).
    if case.draft && tenant.require(Capability::PublishCases).is_err() {
        return Err(AppError::NotFound);
    }
    Ok(case)
}

/// Record field problems from the core rules as form errors.
pub(crate) fn add_problems(errors: &mut crate::forms::FormErrors, problems: &[Problem]) {
    for p in problems {
        errors.add(p.field, &format!("exchange.visits.error.{}", p.key));
    }
}

#[derive(askama::Template)]
#[template(path = "exchange/visits/moved_on.html")]
struct MovedOnPage {
    shell: Shell,
    message: &'static str,
    back: String,
}

/// 409 with a link back, when someone else acted first or the visit is
/// full: nothing was written.
pub(crate) fn moved_on(visitor: &Visitor, key: &str, back: &str) -> Result<Response, AppError> {
    let shell = Shell::new(
        visitor,
        back,
        visitor.lang.t("exchange.visits.moved_on.title"),
    );
    let mut response = crate::public::page(&MovedOnPage {
        shell,
        message: visitor.lang.t(key),
        back: back.to_owned(),
    })?;
    *response.status_mut() = StatusCode::CONFLICT;
    Ok(response)
}

/// "1 Dec 2026, 10:00" in UK time.
pub(crate) fn format_when(lang: crate::i18n::Lang, at: time::OffsetDateTime) -> String {
    let local = beacon_core::exchange::visits::uk_time::to_local(at);
    format!(
        "{}, {:02}:{:02}",
        crate::pipeline::format_date(lang, local.date()),
        local.hour(),
        local.minute()
    )
}
