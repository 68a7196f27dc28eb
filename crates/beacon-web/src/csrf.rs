//! The guard against cross-site request forgery (PROMISES.md 9), applied to
//! every request that may change state, before routing, so no route can forget
//! it. A request must come from our own pages: not marked cross-site by the
//! browser, with an Origin (when sent) that is ours, and carrying the
//! visitor's token — in the form's `csrf_token` field, or an `X-CSRF-Token`
//! header for scripts.
use crate::error::AppError;
use crate::tokens::same_secret;
use crate::visitor::Visitor;
use crate::workforce::upload;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::Response;

pub const FIELD: &str = "csrf_token";
/// Forms are small; anything larger is refused before it is read.
const FORM_LIMIT: usize = 1024 * 1024;

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn same_origin(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return false;
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    let Some(host) = headers.get(HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let origin = origin.to_str().unwrap_or("null");
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin_host == host
}

pub async fn guard(request: Request, next: Next) -> Result<Response, AppError> {
    if is_safe(request.method()) {
        return Ok(next.run(request).await);
    }
    if !same_origin(request.headers()) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return Err(AppError::CrossSite);
    }
    let expected = request
        .extensions()
        .get::<Visitor>()
        .map(|v| v.csrf_token.clone())
        .ok_or_else(|| AppError::Internal("visitor middleware missing".into()))?;
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // A form with a file (an import) carries its token as one of its parts;
    // the body is passed on whole, for the page to read the file.
    if let Some(boundary) = upload::boundary(content_type) {
        let header = request
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let (parts, body) = request.into_parts();
        let bytes = to_bytes(body, upload::UPLOAD_LIMIT)
            .await
            .map_err(|_| AppError::BadRequest("upload too large".into()))?;
        let token = upload::parse(&bytes, &boundary)
            .and_then(|fields| {
                upload::field(&fields, FIELD).map(|t| String::from_utf8_lossy(t).into_owned())
            })
            .unwrap_or_default();
        let valid = same_secret(&token, &expected) || same_secret(&header, &expected);
        if expected.is_empty() || !valid {
            tracing::warn!(path = %parts.uri.path(), "upload without a valid CSRF token refused");
            return Err(AppError::CrossSite);
        }
        return Ok(next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await);
    }
    if !is_form {
        let header = request
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if expected.is_empty() || !same_secret(header, &expected) {
            return Err(AppError::CrossSite);
        }
        return Ok(next.run(request).await);
    }
    let (mut parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| AppError::BadRequest("form too large".into()))?;
    let (token, body) = take_token(&bytes);
    if expected.is_empty() || !same_secret(&token, &expected) {
        tracing::warn!(path = %parts.uri.path(), "form without a valid CSRF token refused");
        return Err(AppError::CrossSite);
    }
    // Handlers parse forms that reject unknown fields (PROMISES.md 5), so the
    // token is taken out before they see the body.
    parts.headers.insert(CONTENT_LENGTH, body.len().into());
    Ok(next.run(Request::from_parts(parts, Body::from(body))).await)
}

/// Split the token out of a form body, returning it and the rest of the body.
fn take_token(bytes: &[u8]) -> (String, String) {
    let mut token = String::new();
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(bytes) {
        if key == FIELD {
            token = value.into_owned();
        } else {
            rest.append_pair(&key, &value);
        }
    }
    (token, rest.finish())
}
