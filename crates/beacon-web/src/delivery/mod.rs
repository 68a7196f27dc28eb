//! The delivery pages of the innovation pipeline (DESIGN.md §3.1): a funded
//! idea's pilot (`pilot`), its evaluation (`evaluation`), and the draft case
//! study an evaluation becomes (`case_study`).
//!
//! Who may see and do what:
//! - the pilot page is for people inside the organisation (residents and
//!   partners only when it is their own idea or they are on its team), and
//!   only once the idea has reached the pilot stage;
//! - changing the pilot is for the innovation lead, the idea's author and the
//!   pilot's team; everyone else who can see it gets 403;
//! - the evaluation and the case study are the innovation lead's.
//!
//! Another council's idea, or an idea not yet at the stage, is "not found".
mod case_study;
mod evaluation;
mod pilot;

use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::pipeline::idea_in;
use crate::routes::{Access, Route, route};
use crate::visitor::Tenant;
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_core::pipeline::delivery::is_internal;
use beacon_core::pipeline::{EvidenceLevel, Facet, Outcome};
use beacon_db::delivery;
use beacon_db::entity::idea;

pub fn routes() -> Vec<Route> {
    let lead = Access::Can(Capability::RunPipeline);
    vec![
        route(
            Method::GET,
            "/ideas/{id}/pilot",
            Access::Member,
            get(pilot::show),
        ),
        route(
            Method::GET,
            "/ideas/{id}/pilot/plan",
            Access::Member,
            get(pilot::plan_page),
        ),
        route(
            Method::POST,
            "/ideas/{id}/pilot/plan",
            Access::Member,
            post(pilot::save_plan),
        ),
        route(
            Method::POST,
            "/ideas/{id}/pilot/milestones",
            Access::Member,
            post(pilot::add_milestone),
        ),
        route(
            Method::POST,
            "/ideas/{id}/pilot/milestones/done",
            Access::Member,
            post(pilot::complete_milestone),
        ),
        route(
            Method::POST,
            "/ideas/{id}/pilot/spend",
            Access::Member,
            post(pilot::record_spend),
        ),
        route(
            Method::POST,
            "/ideas/{id}/pilot/updates",
            Access::Member,
            post(pilot::post_update),
        ),
        route(
            Method::POST,
            "/ideas/{id}/pilot/team",
            Access::Member,
            post(pilot::add_team_member),
        ),
        route(
            Method::POST,
            "/ideas/{id}/pilot/team/remove",
            Access::Member,
            post(pilot::remove_team_member),
        ),
        route(
            Method::POST,
            "/ideas/{id}/pilot/finish",
            Access::Member,
            post(pilot::finish),
        ),
        route(
            Method::GET,
            "/ideas/{id}/evaluation",
            lead,
            get(evaluation::show),
        ),
        route(
            Method::POST,
            "/ideas/{id}/evaluation",
            lead,
            post(evaluation::record),
        ),
        route(
            Method::GET,
            "/ideas/{id}/case-study",
            lead,
            get(case_study::show),
        ),
        route(
            Method::POST,
            "/ideas/{id}/case-study",
            lead,
            post(case_study::draft),
        ),
    ]
}

/// An idea whose pilot the visitor may see, and whether they may change it.
pub(crate) struct PilotAccess {
    pub idea: idea::Model,
    pub may_change: bool,
    /// The innovation lead, who also evaluates.
    pub runs_pipeline: bool,
    pub progress: delivery::Progress,
}

/// The idea's pilot as this visitor may see it, or "not found".
pub(crate) async fn pilot_access(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<PilotAccess, AppError> {
    let idea = idea_in(state, tenant, raw_id).await?;
    let conn = state.db.conn();
    let me = tenant.who.person.id;
    let author = idea.author_id == me.uuid();
    let team = delivery::is_on_team(conn, tenant.org, idea.id, me).await?;
    if !(is_internal(&tenant.roles) || author || team) {
        return Err(AppError::NotFound);
    }
    let progress = delivery::progress(conn, tenant.org, &idea).await?;
    if !progress.pilot {
        return Err(AppError::NotFound);
    }
    let runs_pipeline = Capability::RunPipeline.granted_by(&tenant.roles);
    Ok(PilotAccess {
        idea,
        may_change: runs_pipeline || author || team,
        runs_pipeline,
        progress,
    })
}

/// As `pilot_access`, for a change: those who may see but not change get 403.
pub(crate) async fn pilot_change_access(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<PilotAccess, AppError> {
    let access = pilot_access(state, tenant, raw_id).await?;
    if !access.may_change {
        return Err(AppError::Forbidden);
    }
    Ok(access)
}

/// The idea, for the innovation lead, once it has reached evaluation.
pub(crate) async fn evaluation_access(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<(idea::Model, delivery::Progress), AppError> {
    tenant.require(Capability::RunPipeline)?;
    let idea = idea_in(state, tenant, raw_id).await?;
    let progress = delivery::progress(state.db.conn(), tenant.org, &idea).await?;
    if !progress.evaluation {
        return Err(AppError::NotFound);
    }
    Ok((idea, progress))
}

pub(crate) fn outcome_label(lang: Lang, outcome: Outcome) -> &'static str {
    lang.t(&format!("delivery.outcome.{}", outcome.key()))
}

pub(crate) fn facet_label(lang: Lang, facet: Facet) -> &'static str {
    lang.t(&format!("delivery.facet.{}", facet.key()))
}

/// "Level 3: …" with Nesta's short name for the level.
pub(crate) fn evidence_label(lang: Lang, level: EvidenceLevel) -> String {
    crate::i18n::tf(
        lang,
        "delivery.evidence.label",
        &[
            ("level", &level.get().to_string()),
            (
                "name",
                lang.t(&format!("delivery.evidence.{}.name", level.get())),
            ),
        ],
    )
}

/// Pounds without the sign, for an input that shows "£" before it.
pub(crate) fn pounds_for_input(pence: i64) -> String {
    crate::pipeline::pounds(pence).replacen('£', "", 1)
}

/// "23 Nov 2026 at 14:05", in the visitor's language.
pub(crate) fn format_moment(lang: Lang, at: time::OffsetDateTime) -> String {
    crate::i18n::tf(
        lang,
        "delivery.moment",
        &[
            ("date", &crate::pipeline::format_date(lang, at.date())),
            ("time", &format!("{:02}:{:02}", at.hour(), at.minute())),
        ],
    )
}
