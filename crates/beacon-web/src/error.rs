//! One error type for every handler, turned into a response in one place.
//! Internal detail is logged, never shown: error pages are generic (PROMISES.md 22).
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use beacon_db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 303 to the sign-in page (or 401 for the API).
    #[error("sign-in required")]
    SignInRequired,
    /// 403: signed in, but this is not theirs to see or do.
    #[error("forbidden")]
    Forbidden,
    /// 403: the request failed the cross-site request forgery check.
    #[error("cross-site request refused")]
    CrossSite,
    /// 404, also used for another organisation's records so that their
    /// existence is not revealed.
    #[error("not found")]
    NotFound,
    /// 400: a request no form of ours would send (a tampered field).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 503 with Retry-After: the database was too busy to answer in time
    /// (see `beacon_db::is_busy`). Nothing was written; asking again works.
    #[error("busy: {0}")]
    Busy(String),
    /// 500, with the cause logged.
    #[error("internal error: {0}")]
    Internal(String),
}

/// How long a refused visitor is asked to wait before trying again.
pub const RETRY_AFTER_SECONDS: u32 = 5;

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::SignInRequired => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            busy if busy.is_busy() => AppError::Busy(busy.to_string()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl From<crate::password::HashError> for AppError {
    fn from(e: crate::password::HashError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<beacon_db::DbErr> for AppError {
    fn from(e: beacon_db::DbErr) -> Self {
        if beacon_db::is_busy(&e) {
            AppError::Busy(e.to_string())
        } else {
            AppError::Internal(e.to_string())
        }
    }
}

/// Marks a response as an error for the error-page middleware, which renders
/// it in the shell (or as problem+json) with the visitor's language.
#[derive(Clone, Debug)]
pub struct ErrorMarker(pub std::sync::Arc<AppError>);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(cause) => tracing::error!(%cause, "request failed"),
            AppError::Busy(cause) => tracing::warn!(%cause, "request refused: database busy"),
            _ => {}
        }
        let mut response = self.status().into_response();
        response
            .extensions_mut()
            .insert(ErrorMarker(std::sync::Arc::new(self)));
        response
    }
}
