//! For operators: health, metrics, and the GOV.UK Frontend assets.
use crate::app::AppState;
use crate::error::AppError;
use crate::routes::{Access, Route, route};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

pub fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/healthz", Access::Public, get(healthz)),
        route(Method::GET, "/metrics", Access::Public, get(metrics)),
        route(
            Method::GET,
            "/assets/{version}/{*path}",
            Access::Public,
            get(asset),
        ),
    ]
}

/// 200 with the database's name when it answers, 503 when it does not, so a
/// load balancer stops sending traffic to an instance that has lost it.
async fn healthz(State(state): State<AppState>) -> Response {
    let database = state.db.backend().name();
    match state.db.applied_migrations().await {
        Ok(migrations) => Json(json!({
            "status": "ok",
            "database": database,
            "migrations": migrations,
            "version": env!("CARGO_PKG_VERSION"),
        }))
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": database })),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Result<Response, AppError> {
    let pending = beacon_db::outbox::pending_count(state.db.conn()).await? as f64;
    let body = state.metrics.render(&[(
        "beacon_outbox_pending",
        "Emails waiting to be sent.",
        pending,
    )]);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response())
}

/// Assets are immutable under their version: a new build has a new version,
/// so browsers may keep them for a year. An old version is not served, so a
/// page and its stylesheet always match.
async fn asset(Path((version, path)): Path<(String, String)>) -> Result<Response, AppError> {
    if version != beacon_govuk::ASSET_VERSION {
        return Err(AppError::NotFound);
    }
    let asset = beacon_govuk::asset(&path).ok_or(AppError::NotFound)?;
    let mut response = ([(header::CONTENT_TYPE, asset.content_type)], asset.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
