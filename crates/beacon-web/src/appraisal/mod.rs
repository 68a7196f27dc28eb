//! The appraisal pages of the innovation pipeline (DESIGN.md §3.1): an idea's
//! business case (options side by side, optimism bias, NPV, benefit–cost
//! ratio, payback, the chart of cumulative discounted net value and what is
//! still missing), its risk register with the risk of not innovating, and
//! the organisation's risk matrix.
//!
//! Who may see a business case: its author and people who run the pipeline,
//! score cases or see the portfolio. Another member asking for a visible
//! idea's business case is refused (403): the idea itself is no secret in its
//! council, only its workings. Another council's idea, a hidden one and an id
//! that is no idea are "not found" (404), as everywhere. Who may change it:
//! the author while the idea is screened or at the business case stage, and
//! people who run the pipeline at any stage (`beacon_core::pipeline::appraisal`).
mod case;
mod chart;
mod matrix;
mod risks;

use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::{Lang, lookup};
use crate::pipeline::idea_in;
use crate::routes::{Access, Route, route};
use crate::visitor::Tenant;
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_core::pipeline::appraisal::{may_edit, may_view};
use beacon_core::pipeline::risk::Rating;
use beacon_db::entity::idea;
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    let member = Access::Member;
    vec![
        route(
            Method::GET,
            "/ideas/{id}/business-case",
            member,
            get(case::show),
        ),
        route(
            Method::GET,
            "/ideas/{id}/business-case/settings",
            member,
            get(case::settings_form),
        ),
        route(
            Method::POST,
            "/ideas/{id}/business-case/settings",
            member,
            post(case::save_settings),
        ),
        route(
            Method::GET,
            "/ideas/{id}/business-case/options",
            member,
            get(case::option_form),
        ),
        route(
            Method::POST,
            "/ideas/{id}/business-case/options",
            member,
            post(case::add_option),
        ),
        route(
            Method::POST,
            "/ideas/{id}/business-case/options/remove",
            member,
            post(case::remove_option),
        ),
        route(
            Method::GET,
            "/ideas/{id}/business-case/lines",
            member,
            get(case::line_form),
        ),
        route(
            Method::POST,
            "/ideas/{id}/business-case/lines",
            member,
            post(case::add_line),
        ),
        route(
            Method::POST,
            "/ideas/{id}/business-case/lines/remove",
            member,
            post(case::remove_line),
        ),
        route(Method::GET, "/ideas/{id}/risks", member, get(risks::show)),
        route(Method::POST, "/ideas/{id}/risks", member, post(risks::add)),
        route(
            Method::POST,
            "/ideas/{id}/risks/edit",
            member,
            post(risks::edit),
        ),
        route(
            Method::POST,
            "/ideas/{id}/risks/remove",
            member,
            post(risks::remove),
        ),
        route(
            Method::POST,
            "/ideas/{id}/risks/not-innovating",
            member,
            post(risks::not_innovating),
        ),
        route(
            Method::GET,
            "/pipeline/risk-matrix",
            Access::Can(Capability::RunPipeline),
            get(matrix::show),
        ),
        route(
            Method::POST,
            "/pipeline/risk-matrix",
            Access::Can(Capability::RunPipeline),
            post(matrix::save),
        ),
    ]
}

/// The request a page is drawn for.
struct Ctx<'a> {
    state: &'a AppState,
    visitor: &'a crate::visitor::Visitor,
    tenant: &'a Tenant,
    uri: &'a axum::extract::OriginalUri,
}

/// An idea whose business case the visitor may see, and whether they may
/// change it.
struct Scope {
    idea: idea::Model,
    may_edit: bool,
    is_author: bool,
}

impl Scope {
    fn require_edit(&self) -> Result<(), AppError> {
        if self.may_edit {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    fn base(&self) -> String {
        format!("/ideas/{}", self.idea.id)
    }
}

/// Find the idea (404 for another council's, a hidden one or a bad id),
/// then check that the visitor may see its business case (403).
async fn scope(state: &AppState, tenant: &Tenant, raw_id: &str) -> Result<Scope, AppError> {
    let idea = idea_in(state, tenant, raw_id).await?;
    let is_author = idea.author_id == tenant.who.person.id.uuid();
    if !may_view(&tenant.roles, is_author) {
        return Err(AppError::Forbidden);
    }
    let may_edit = may_edit(&tenant.roles, is_author, &idea.stage);
    Ok(Scope {
        idea,
        may_edit,
        is_author,
    })
}

/// The same, for a change: 403 unless the visitor may change the case.
async fn editable(state: &AppState, tenant: &Tenant, raw_id: &str) -> Result<Scope, AppError> {
    let scope = scope(state, tenant, raw_id).await?;
    scope.require_edit()?;
    Ok(scope)
}

/// An id from a form field: anything that is not one is "not found".
fn form_id(raw: &str) -> Result<Uuid, AppError> {
    raw.trim().parse().map_err(|_| AppError::NotFound)
}

/// The name of a stage in the visitor's language: ours for the default
/// stages, else the name the organisation gave it, else its key.
async fn stage_name(state: &AppState, tenant: &Tenant, lang: Lang, key: &str) -> String {
    if let Some(text) = lookup(lang, &format!("appraisal.stage.{key}")) {
        return text.to_owned();
    }
    beacon_db::appraisal::stage_name(state.db.conn(), tenant.org, key)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| key.to_owned())
}

/// The tag colour of a risk rating, always shown with its words.
fn rating_class(rating: Rating) -> &'static str {
    match rating {
        Rating::Low => "govuk-tag--green",
        Rating::Medium => "govuk-tag--yellow",
        Rating::High => "govuk-tag--orange",
        Rating::VeryHigh => "govuk-tag--red",
    }
}

fn rating_tag(lang: Lang, rating: Rating) -> beacon_govuk::components::Tag {
    beacon_govuk::components::Tag::text(lang.t(&format!("appraisal.rating.{}", rating.key())))
        .classes(rating_class(rating))
}
