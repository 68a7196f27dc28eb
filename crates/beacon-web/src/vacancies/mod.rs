//! Posts and vacancies, vacancy reviews and the recruitment freeze (DESIGN.md §3.2).
//!
//! - `posts`: the organisation's posts, for managers and HR, and adding one;
//! - `review`: a manager's review of a vacant post, and HR's approval;
//! - `details`: a vacancy's details and requirements (and a new role);
//! - `market`: the jobs market's list and a vacancy's page;
//! - `exception`: going outside the pool before the freeze ends.
//!
//! Who may see a vacancy is decided in `beacon_core::talent::vacancies`: HR
//! and the manager who raised it always; the pool during the freeze; every
//! member of staff once it is over; partners' staff only a shared vacancy open
//! to all. Anything else, and everything of another organisation, is "not
//! found". Nothing here shows strengths of people, pool tiers or statuses.
mod details;
mod exception;
mod market;
mod posts;
mod review;

use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::routes::{Access, Route, route};
use crate::visitor::Tenant;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use beacon_core::Role;
use beacon_core::permission::Capability;
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::talent::vacancies::{Audience, Refusal, Viewer, audience, may_see};
use beacon_core::talent::{PostStatus, ReviewDecision, VacancyStatus};
use beacon_db::entity::vacancy;
use beacon_db::{organisations, vacancies};
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    let manage = Access::Can(Capability::ManageVacancies);
    let hr = Access::Can(Capability::RunTalentPool);
    let market = Access::Can(Capability::UseJobsMarket);
    vec![
        route(Method::GET, "/posts", manage, get(posts::list)),
        route(Method::GET, "/posts/new", manage, get(posts::new_page)),
        route(Method::POST, "/posts/new", manage, post(posts::create)),
        route(Method::GET, "/posts/{id}", manage, get(posts::show)),
        route(
            Method::GET,
            "/posts/{id}/review",
            manage,
            get(review::review_page),
        ),
        route(
            Method::POST,
            "/posts/{id}/review",
            manage,
            post(review::start),
        ),
        route(Method::GET, "/vacancies", market, get(market::list)),
        route(
            Method::GET,
            "/vacancies/new",
            manage,
            get(details::new_page),
        ),
        route(
            Method::POST,
            "/vacancies/new",
            manage,
            post(details::create),
        ),
        route(Method::GET, "/vacancies/{id}", market, get(market::show)),
        route(
            Method::GET,
            "/vacancies/{id}/edit",
            manage,
            get(details::edit_page),
        ),
        route(
            Method::POST,
            "/vacancies/{id}/edit",
            manage,
            post(details::save),
        ),
        route(
            Method::GET,
            "/vacancies/{id}/approve",
            hr,
            get(review::approve_page),
        ),
        route(
            Method::POST,
            "/vacancies/{id}/approve",
            hr,
            post(review::decide),
        ),
        route(
            Method::GET,
            "/vacancies/{id}/exception",
            manage,
            get(exception::exception_page),
        ),
        route(
            Method::POST,
            "/vacancies/{id}/exception",
            manage,
            post(exception::request),
        ),
        route(
            Method::POST,
            "/vacancies/{id}/exception/decide",
            hr,
            post(exception::decide),
        ),
    ]
}

/// Rows of a list page.
pub(crate) const PER_PAGE: u64 = 25;

pub(crate) fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    raw.parse::<Uuid>().map_err(|_| AppError::NotFound)
}

pub(crate) fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::WrongRole => AppError::Forbidden,
        // Out of order is answered by the pages themselves where a person
        // could reach it; a hand-made request gets a plain refusal.
        Refusal::WrongOrder => AppError::Forbidden,
    }
}

#[derive(askama::Template)]
#[template(path = "vacancies/moved_on.html")]
struct MovedOnPage {
    shell: crate::shell::Shell,
    back: String,
}

/// The answer when the record has moved on because someone acted first (two
/// HR officers approving at once): 409, nothing written, a link back.
pub(crate) fn moved_on(
    visitor: &crate::visitor::Visitor,
    back: &str,
) -> Result<Response, AppError> {
    let shell = crate::shell::Shell::new(visitor, back, visitor.lang.t("vacancies.moved_on.title"));
    let mut response = crate::public::page(&MovedOnPage {
        shell,
        back: back.to_owned(),
    })?;
    *response.status_mut() = StatusCode::CONFLICT;
    Ok(response)
}

/// The service areas a post or vacancy may be in, by key.
pub(crate) fn area_keys() -> Vec<&'static str> {
    ServiceArea::ALL.iter().map(|a| a.key()).collect()
}

pub(crate) fn area_label(lang: Lang, key: &str) -> String {
    key.parse::<ServiceArea>()
        .map(|a| lang.t(&format!("ideas.area.{}", a.key())).to_owned())
        .unwrap_or_else(|_| key.to_owned())
}

pub(crate) fn status_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<VacancyStatus>()
        .map_or("", |s| lang.t(&format!("vacancies.status.{}", s.key())))
}

pub(crate) fn post_status_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<PostStatus>().map_or("", |s| {
        lang.t(&format!("vacancies.post_status.{}", s.key()))
    })
}

pub(crate) fn decision_label(lang: Lang, key: Option<&str>) -> &'static str {
    match key.and_then(|k| k.parse::<ReviewDecision>().ok()) {
        Some(d) => lang.t(&format!("vacancies.decision.{}", d.key())),
        None => lang.t("vacancies.decision.new_role"),
    }
}

pub(crate) fn audience_label(lang: Lang, a: Audience) -> &'static str {
    lang.t(match a {
        Audience::Review => "vacancies.audience.review",
        Audience::Pool => "vacancies.audience.pool",
        Audience::AllStaff => "vacancies.audience.all_staff",
        Audience::Closed => "vacancies.audience.closed",
    })
}

pub(crate) fn grades(v: &vacancy::Model) -> String {
    if v.grade_min == v.grade_max {
        v.grade_min.to_string()
    } else {
        format!("{}–{}", v.grade_min, v.grade_max)
    }
}

pub(crate) fn is_hr(tenant: &Tenant) -> bool {
    tenant.roles.contains(&Role::Hr)
}

/// A vacancy as the visitor may see it.
pub(crate) struct Seen {
    pub vacancy: vacancy::Model,
    pub viewer: Viewer,
    pub audience: Audience,
    /// The council's name when the vacancy is a partner's.
    pub partner: Option<String>,
}

pub(crate) fn today(state: &AppState) -> time::Date {
    state.clock.now().date()
}

/// The vacancy, if the visitor may see it: their own organisation's under
/// the freeze's rules, or a partner's shared one open to all staff.
pub(crate) async fn seen(state: &AppState, tenant: &Tenant, raw: &str) -> Result<Seen, AppError> {
    let id = parse_id(raw)?;
    let conn = state.db.conn();
    let today = today(state);
    let me = tenant.who.person.id;
    match vacancies::vacancy(conn, tenant.org, id).await {
        Ok(v) => {
            let status = v.status.parse::<VacancyStatus>().map_err(|_| {
                AppError::Internal(format!("vacancy {} has status {}", v.id, v.status))
            })?;
            let audience = audience(status, v.pool_until, today);
            let mut viewer = Viewer {
                same_org: true,
                hr: is_hr(tenant),
                raised_it: v.raised_by == me.uuid(),
                in_pool: false,
            };
            if audience == Audience::Pool && !viewer.hr && !viewer.raised_it {
                viewer.in_pool = vacancies::in_pool(conn, tenant.org, me).await?;
            }
            if !may_see(viewer, audience, v.shared) {
                return Err(AppError::NotFound);
            }
            Ok(Seen {
                vacancy: v,
                viewer,
                audience,
                partner: None,
            })
        }
        Err(beacon_db::DbError::NotFound) => {
            let partners = organisations::partners_of(conn, tenant.org).await?;
            let v = vacancies::shared_vacancy(conn, &partners, id).await?;
            let status = v
                .status
                .parse::<VacancyStatus>()
                .map_err(|_| AppError::NotFound)?;
            let audience = audience(status, v.pool_until, today);
            let viewer = Viewer::default();
            if !may_see(viewer, audience, v.shared) {
                return Err(AppError::NotFound);
            }
            let name = organisations::by_id(conn, beacon_core::OrgId::from_uuid(v.organisation_id))
                .await?
                .map(|o| o.name);
            Ok(Seen {
                vacancy: v,
                viewer,
                audience,
                partner: name,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// The visitor's own organisation's vacancy, for a change; 404 otherwise
/// (a partner's shared vacancy is read-only).
pub(crate) async fn own(state: &AppState, tenant: &Tenant, raw: &str) -> Result<Seen, AppError> {
    let seen = seen(state, tenant, raw).await?;
    if !seen.viewer.same_org {
        return Err(AppError::NotFound);
    }
    Ok(seen)
}

pub(crate) fn vacancy_status(v: &vacancy::Model) -> Result<VacancyStatus, AppError> {
    v.status
        .parse::<VacancyStatus>()
        .map_err(|_| AppError::Internal(format!("vacancy {} has status {}", v.id, v.status)))
}
