//! Imports of staff, posts and vacancies, talent settings, and workforce
//! analytics (DESIGN.md §3.2), all for HR (`RunTalentPool`).
pub(crate) mod analytics;
mod import;
mod settings;
pub mod upload;

// The portfolio's SVG bar chart and safe CSV writer: one implementation.
use crate::portfolio::{chart, csv};

use crate::routes::{Access, Route, route};
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::permission::Capability;

pub fn routes() -> Vec<Route> {
    let hr = Access::Can(Capability::RunTalentPool);
    vec![
        route(Method::GET, "/talent/import", hr, get(import::form)),
        route(Method::POST, "/talent/import", hr, post(import::upload)),
        route(Method::GET, "/talent/settings", hr, get(settings::show)),
        route(Method::POST, "/talent/settings", hr, post(settings::save)),
        route(Method::GET, "/talent/analytics", hr, get(analytics::show)),
        route(
            Method::GET,
            "/talent/analytics.csv",
            hr,
            get(analytics::download),
        ),
    ]
}
