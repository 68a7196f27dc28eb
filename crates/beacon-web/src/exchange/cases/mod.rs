//! Case studies: a council's own cases (write, draft from an evaluation,
//! attach files, publish at a level, withdraw), reading a case as whoever is
//! asking may read it, and the sector's moderation of anonymised text.
//!
//! - `write`: the case form, new (also from an idea's draft) and edit;
//! - `read`: a case's page, the council's list, attachments as files;
//! - `publish`: publishing at a level, withdrawing, the anonymised text;
//! - `files`: attaching files and removing them;
//! - `moderation`: sector administrators approve or refuse anonymised text.
//!
//! Who reads what: a council's own people read its published cases (and its
//! innovation leads its drafts) from `case_studies`; everyone else reads the
//! publication with the id asked for, if `readable_by` lets them, and gets
//! "not found" otherwise.
mod files;
mod moderation;
mod publish;
mod read;
mod write;

use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::routes::{Access, Route, route};
use crate::visitor::{Tenant, Visitor};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use beacon_core::exchange::{CaseStatus, LifecycleStage};
use beacon_core::permission::Capability;
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::pipeline::{EvidenceLevel, Facet, Outcome};
use beacon_db::entity::case_study;
use beacon_db::exchange::cases;
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    let lead = Access::Can(Capability::PublishCases);
    let sector = Access::SectorAdmin;
    vec![
        route(
            Method::GET,
            "/exchange/cases/new",
            lead,
            get(write::new_page),
        ),
        route(
            Method::POST,
            "/exchange/cases/new",
            lead,
            post(write::create),
        ),
        route(Method::GET, "/exchange/mine", lead, get(read::mine)),
        route(
            Method::GET,
            "/exchange/cases/{id}",
            Access::Public,
            get(read::show),
        ),
        route(
            Method::GET,
            "/exchange/cases/{id}/edit",
            lead,
            get(write::edit_page),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/edit",
            lead,
            post(write::save),
        ),
        route(
            Method::GET,
            "/exchange/cases/{id}/publish",
            lead,
            get(publish::publish_page),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/publish",
            lead,
            post(publish::publish),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/withdraw",
            lead,
            post(publish::withdraw),
        ),
        route(
            Method::GET,
            "/exchange/cases/{id}/anonymised",
            lead,
            get(publish::anonymised_page),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/anonymised",
            lead,
            post(publish::request_anonymised),
        ),
        route(
            Method::GET,
            "/exchange/cases/{id}/attachments",
            lead,
            get(files::show),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/attachments",
            lead,
            post(files::upload),
        ),
        route(
            Method::GET,
            "/exchange/cases/{id}/attachments/{file}",
            Access::Public,
            get(read::attachment),
        ),
        route(
            Method::POST,
            "/exchange/cases/{id}/attachments/{file}/remove",
            lead,
            post(files::remove),
        ),
        route(
            Method::GET,
            "/sector/moderation",
            sector,
            get(moderation::list),
        ),
        route(
            Method::GET,
            "/sector/moderation/{id}",
            sector,
            get(moderation::show),
        ),
        route(
            Method::POST,
            "/sector/moderation/{id}",
            sector,
            post(moderation::decide),
        ),
    ]
}

pub(crate) fn parse_id(raw: &str) -> Result<Uuid, AppError> {
    raw.parse::<Uuid>().map_err(|_| AppError::NotFound)
}

/// The council's own case for its innovation lead to change: "not found"
/// for anyone else's.
pub(crate) async fn own_case(
    state: &AppState,
    tenant: &Tenant,
    raw: &str,
) -> Result<case_study::Model, AppError> {
    tenant.require(Capability::PublishCases)?;
    let id = parse_id(raw)?;
    Ok(cases::case(state.db.conn(), tenant.org, id).await?)
}

pub(crate) fn case_path(id: Uuid) -> String {
    format!("/exchange/cases/{id}")
}

pub(crate) fn area_label(lang: Lang, key: &str) -> String {
    key.parse::<ServiceArea>()
        .map(|a| lang.t(&format!("ideas.area.{}", a.key())).to_owned())
        .unwrap_or_else(|_| key.to_owned())
}

pub(crate) fn facet_label(lang: Lang, key: &str) -> String {
    key.parse::<Facet>()
        .map(|f| lang.t(&format!("delivery.facet.{}", f.key())).to_owned())
        .unwrap_or_else(|_| key.to_owned())
}

pub(crate) fn outcome_label(lang: Lang, key: &str) -> String {
    key.parse::<Outcome>()
        .map(|o| lang.t(&format!("delivery.outcome.{}", o.key())).to_owned())
        .unwrap_or_else(|_| key.to_owned())
}

pub(crate) fn stage_label(lang: Lang, key: &str) -> String {
    key.parse::<LifecycleStage>()
        .map(|s| {
            lang.t(&format!("exchange.cases.stage.{}", s.key()))
                .to_owned()
        })
        .unwrap_or_else(|_| key.to_owned())
}

pub(crate) fn evidence_label(lang: Lang, level: i16) -> String {
    match u8::try_from(level).ok().and_then(EvidenceLevel::new) {
        Some(e) => crate::i18n::tf(
            lang,
            "delivery.evidence.label",
            &[
                ("level", &e.get().to_string()),
                (
                    "name",
                    lang.t(&format!("delivery.evidence.{}.name", e.get())),
                ),
            ],
        ),
        None => level.to_string(),
    }
}

pub(crate) fn status_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<CaseStatus>().map_or("", |s| {
        lang.t(&format!("exchange.cases.status.{}", s.key()))
    })
}

pub(crate) fn level_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<beacon_core::exchange::Level>()
        .map_or("", |l| lang.t(&format!("exchange.cases.level.{}", l.key())))
}

pub(crate) fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

#[derive(askama::Template)]
#[template(path = "exchange/cases/conflict.html")]
struct ConflictPage {
    shell: crate::shell::Shell,
    back: String,
    message: &'static str,
}

/// The answer when the case moved on because someone acted first: 409,
/// nothing written, a link back to it.
pub(crate) fn conflict(visitor: &Visitor, back: &str, key: &str) -> Result<Response, AppError> {
    let shell = crate::shell::Shell::new(
        visitor,
        back,
        visitor.lang.t("exchange.cases.conflict.title"),
    );
    let mut response = crate::public::page(&ConflictPage {
        shell,
        back: back.to_owned(),
        message: visitor.lang.t(key),
    })?;
    *response.status_mut() = StatusCode::CONFLICT;
    Ok(response)
}
