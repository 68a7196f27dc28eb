//! Pages anyone may see: the home page, the accessibility statement, privacy
//! notice and cookies page, and the error pages.
use crate::error::{AppError, ErrorMarker, RETRY_AFTER_SECONDS};
use crate::i18n::Lang;
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::visitor::{LANG_COOKIE, Visitor, cookie};
use askama::Template;
use axum::Json;
use axum::extract::{OriginalUri, Request};
use axum::http::Method;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use beacon_core::Role;
use serde_json::json;

pub fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/", Access::Public, get(home)),
        route(
            Method::GET,
            "/accessibility",
            Access::Public,
            get(accessibility),
        ),
        route(Method::GET, "/privacy", Access::Public, get(privacy)),
        route(Method::GET, "/cookies", Access::Public, get(cookies)),
    ]
}

/// Render a page template into a response.
pub fn page(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

/// The path and query as the visitor asked for them, minus any `lang`.
pub fn here(uri: &OriginalUri) -> String {
    without_lang(uri.path(), uri.query())
}

fn without_lang(path: &str, query: Option<&str>) -> String {
    let query: Vec<_> = query
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(k, _)| k != "lang")
                .collect()
        })
        .unwrap_or_default();
    if query.is_empty() {
        return path.to_owned();
    }
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in query {
        out.append_pair(&k, &v);
    }
    format!("{path}?{}", out.finish())
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct Home {
    shell: Shell,
    organisations: Vec<(String, Vec<Role>, bool, String)>,
    can_admin: bool,
    sector_admin: bool,
}

impl Home {
    fn role_name(&self, role: &Role) -> &'static str {
        self.shell.t(&format!("role.{}", role.key()))
    }
}

async fn home(visitor: Visitor, uri: OriginalUri) -> Result<Response, AppError> {
    let shell = Shell::new(&visitor, &here(&uri), visitor.lang.t("home.title"));
    let (organisations, sector_admin) = match &visitor.signed_in {
        Some(who) => {
            let current = who.current.as_ref().map(|(o, _)| o.id);
            let orgs = who
                .memberships
                .iter()
                .map(|(o, roles)| {
                    (
                        o.name.clone(),
                        roles.clone(),
                        Some(o.id) == current,
                        o.id.to_string(),
                    )
                })
                .collect();
            (orgs, who.person.sector_admin)
        }
        None => (Vec::new(), false),
    };
    let can_admin = visitor.can(beacon_core::permission::Capability::ManagePeople);
    page(&Home {
        shell,
        organisations,
        can_admin,
        sector_admin,
    })
}

#[derive(Template)]
#[template(path = "public/static_page.html")]
struct StaticPage {
    shell: Shell,
    sections: Vec<(&'static str, Vec<&'static str>)>,
}

fn static_page(
    visitor: &Visitor,
    uri: &OriginalUri,
    prefix: &'static str,
    sections: &[(&'static str, usize)],
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let shell = Shell::new(visitor, &here(uri), lang.t(&format!("{prefix}.title")));
    let sections = sections
        .iter()
        .map(|(section, paragraphs)| {
            let heading = lang.t(&format!("{prefix}.{section}.heading"));
            let body = (1..=*paragraphs)
                .map(|i| lang.t(&format!("{prefix}.{section}.p{i}")))
                .collect();
            (heading, body)
        })
        .collect();
    page(&StaticPage { shell, sections })
}

async fn accessibility(visitor: Visitor, uri: OriginalUri) -> Result<Response, AppError> {
    static_page(
        &visitor,
        &uri,
        "accessibility",
        &[
            ("intro", 2),
            ("how", 3),
            ("known", 1),
            ("feedback", 2),
            ("enforcement", 1),
            ("technical", 2),
            ("testing", 1),
        ],
    )
}

async fn privacy(visitor: Visitor, uri: OriginalUri) -> Result<Response, AppError> {
    static_page(
        &visitor,
        &uri,
        "privacy",
        &[
            ("who", 2),
            ("what", 2),
            ("why", 2),
            ("keep", 1),
            ("rights", 2),
            ("complain", 1),
        ],
    )
}

async fn cookies(visitor: Visitor, uri: OriginalUri) -> Result<Response, AppError> {
    static_page(
        &visitor,
        &uri,
        "cookies",
        &[("intro", 2), ("essential", 4), ("none", 1)],
    )
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[derive(Template)]
#[template(path = "public/error.html")]
struct ErrorPage {
    shell: Shell,
    key: &'static str,
}

impl ErrorPage {
    fn body(&self) -> &'static str {
        self.shell.t(&format!("{}.body", self.key))
    }
}

/// Middleware: give error responses their page, in the visitor's language, or
/// problem+json for API clients. Signing in is a redirect for browsers.
pub async fn error_pages(request: Request, next: Next) -> Response {
    let wants_json = request.uri().path().starts_with("/api/")
        || request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json") && !v.contains("text/html"));
    let path_and_query = without_lang(request.uri().path(), request.uri().query());
    let fallback_lang = cookie(request.headers(), LANG_COOKIE)
        .and_then(|c| Lang::parse(&c))
        .unwrap_or_default();
    let is_get = request.method() == Method::GET;
    let response = next.run(request).await;
    let status = response.status();
    let error = match response.extensions().get::<ErrorMarker>() {
        Some(ErrorMarker(e)) => e.clone(),
        // A panic caught below arrives as a bare 500.
        None if status == StatusCode::INTERNAL_SERVER_ERROR => {
            std::sync::Arc::new(AppError::Internal("panic".into()))
        }
        None => return response,
    };
    let visitor = response
        .extensions()
        .get::<Visitor>()
        .cloned()
        .unwrap_or(Visitor {
            lang: fallback_lang,
            csrf_token: String::new(),
            signed_in: None,
        });
    let request = Failed {
        status,
        wants_json,
        is_get,
        path_and_query,
    };
    let mut page = error_response(&request, &error, &visitor);
    // Cookies set on the way in (a language choice, a new visitor's CSRF
    // token) must survive the page being replaced.
    for cookie in response.headers().get_all(header::SET_COOKIE) {
        page.headers_mut()
            .append(header::SET_COOKIE, cookie.clone());
    }
    page
}

/// What the error page needs to know about the request that failed.
struct Failed {
    status: StatusCode,
    wants_json: bool,
    is_get: bool,
    path_and_query: String,
}

fn error_response(failed: &Failed, error: &AppError, visitor: &Visitor) -> Response {
    if matches!(error, AppError::SignInRequired) && !failed.wants_json {
        let target = if failed.is_get && failed.path_and_query.starts_with('/') {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("next", &failed.path_and_query);
            format!("/sign-in?{}", q.finish())
        } else {
            "/sign-in".to_owned()
        };
        return Redirect::to(&target).into_response();
    }
    let key = match error {
        AppError::SignInRequired => "error.sign_in",
        AppError::Forbidden => "error.forbidden",
        AppError::CrossSite => "error.cross_site",
        AppError::NotFound => "error.not_found",
        AppError::BadRequest(_) => "error.bad_request",
        AppError::Busy(_) => "error.busy",
        AppError::Internal(_) => "error.internal",
    };
    let mut page = error_page(failed, key, visitor);
    if matches!(error, AppError::Busy(_)) {
        page.headers_mut().insert(
            header::RETRY_AFTER,
            header::HeaderValue::from(RETRY_AFTER_SECONDS),
        );
    }
    page
}

/// The error's page in the shell, or its problem+json.
fn error_page(failed: &Failed, key: &'static str, visitor: &Visitor) -> Response {
    let lang = visitor.lang;
    let status = failed.status;
    if failed.wants_json {
        let body = json!({
            "type": "about:blank",
            "title": lang.t(&format!("{key}.title")),
            "status": status.as_u16(),
            "detail": lang.t(&format!("{key}.body")),
        });
        let mut out = (status, Json(body)).into_response();
        out.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        return out;
    }
    let shell = Shell::new(
        visitor,
        &failed.path_and_query,
        lang.t(&format!("{key}.title")),
    );
    match (ErrorPage { shell, key }).render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, "Sorry, there is a problem with the service.").into_response(),
    }
}
