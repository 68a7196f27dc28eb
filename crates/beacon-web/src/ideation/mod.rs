//! Facilitated sessions and the guidance pages of the innovation pipeline
//! (DESIGN.md §3.1): possibility thinking and cultural enquiry in timed
//! rounds, ways promoted to ideas, and plain-English guidance on innovation,
//! the stages, business cases, sessions and evidence.
mod guidance;
mod sessions;

use crate::routes::{Access, Route, route};
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::permission::Capability;

pub fn routes() -> Vec<Route> {
    let facilitate = Access::Can(Capability::Facilitate);
    vec![
        route(
            Method::GET,
            "/sessions",
            Access::Member,
            get(sessions::list),
        ),
        route(
            Method::GET,
            "/sessions/new",
            facilitate,
            get(sessions::new_form),
        ),
        route(
            Method::POST,
            "/sessions/new",
            facilitate,
            post(sessions::create),
        ),
        route(
            Method::GET,
            "/sessions/{id}",
            Access::Member,
            get(sessions::show),
        ),
        route(
            Method::POST,
            "/sessions/{id}/ways",
            Access::Member,
            post(sessions::add_way),
        ),
        route(
            Method::POST,
            "/sessions/{id}/rounds",
            facilitate,
            post(sessions::open_round),
        ),
        route(
            Method::POST,
            "/sessions/{id}/close",
            facilitate,
            post(sessions::close),
        ),
        route(
            Method::GET,
            "/sessions/{id}/promote",
            facilitate,
            get(sessions::promote_form),
        ),
        route(
            Method::POST,
            "/sessions/{id}/promote",
            facilitate,
            post(sessions::promote),
        ),
        route(
            Method::GET,
            "/guidance",
            Access::Member,
            get(guidance::index),
        ),
        route(
            Method::GET,
            "/guidance/{topic}",
            Access::Member,
            get(guidance::topic),
        ),
    ]
}

/// The label of a vocabulary value (kind, facet, lever) in the visitor's
/// language; the portfolio shares these.
pub(crate) fn term(lang: crate::i18n::Lang, group: &str, key: &str) -> String {
    crate::i18n::lookup(lang, &format!("ideation.{group}.{key}"))
        .map(str::to_owned)
        .unwrap_or_else(|| key.replace('_', " "))
}
