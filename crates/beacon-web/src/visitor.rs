//! Who is asking: loaded once per request from the session cookie and put in
//! the request's extensions for the access rules, extractors and the shell.
//!
//! A session is checked against its person and organisation on every request
//! (PROMISES.md 2): a disabled person, a revoked membership or an expired
//! session is treated as signed out.
use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::tokens::{random_token, token_hash};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use beacon_core::permission::{Capability, Standing};
use beacon_core::{OrgId, Role};
use beacon_db::audit::Actor;
use beacon_db::organisations::Organisation;
use beacon_db::people::{self, Person};
use beacon_db::sessions;
use time::Duration;

pub const SESSION_COOKIE: &str = "__Host-beacon-session";
/// Before sign-in, forms are protected by a random value in this cookie that
/// the form must repeat (double submit); after sign-in, by the session's token.
pub const CSRF_COOKIE: &str = "__Host-beacon-csrf";
pub const LANG_COOKIE: &str = "__Host-beacon-lang";

#[derive(Clone, Debug)]
pub struct Visitor {
    pub lang: Lang,
    pub csrf_token: String,
    pub signed_in: Option<SignedIn>,
}

#[derive(Clone, Debug)]
pub struct SignedIn {
    pub session_hash: String,
    csrf_token: String,
    pub person: Person,
    /// Every organisation the person belongs to, with their roles there.
    pub memberships: Vec<(Organisation, Vec<Role>)>,
    /// The organisation they are acting in.
    pub current: Option<(Organisation, Vec<Role>)>,
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor::person(self.person.id, &self.person.email)
    }

    pub fn standing(&self) -> Standing {
        Standing {
            roles: self
                .current
                .as_ref()
                .map(|(_, r)| r.clone())
                .unwrap_or_default(),
            sector_admin: self.person.sector_admin,
        }
    }
}

impl Visitor {
    pub fn can(&self, capability: Capability) -> bool {
        self.signed_in
            .as_ref()
            .is_some_and(|s| s.standing().can(capability))
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `__Host-` cookie: Secure, HttpOnly, Path=/, no Domain, SameSite=Lax
/// (Lax so that a link from an email arrives signed in; every state change
/// is protected by CSRF tokens anyway).
pub fn set_cookie(name: &str, value: &str, max_age: Option<Duration>) -> HeaderValue {
    let age = max_age
        .map(|d| format!("; Max-Age={}", d.whole_seconds()))
        .unwrap_or_default();
    let text = format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax{age}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn expire_cookie(name: &str) -> HeaderValue {
    set_cookie(name, "", Some(Duration::ZERO))
}

async fn load_signed_in(state: &AppState, token: &str) -> Result<Option<SignedIn>, AppError> {
    let hash = token_hash(token);
    let Some((record, person)) = sessions::find_with_person(state.db.conn(), &hash).await? else {
        return Ok(None);
    };
    let now = state.clock.now();
    if !state
        .config
        .sessions
        .is_alive(record.created_at, record.last_seen_at, now)
    {
        sessions::delete(state.db.conn(), &hash).await?;
        return Ok(None);
    }
    if person.disabled {
        sessions::delete(state.db.conn(), &hash).await?;
        return Ok(None);
    }
    let memberships = people::memberships_of(state.db.conn(), person.id).await?;
    let current = record
        .organisation
        .and_then(|org| memberships.iter().find(|(o, _)| o.id == org).cloned())
        .or_else(|| memberships.first().cloned());
    // Writing last-seen on every request would make every page a write; a
    // minute's precision is plenty for an idle timeout of an hour.
    if now - record.last_seen_at > Duration::minutes(1) {
        sessions::touch(state.db.conn(), &hash, now).await?;
    }
    Ok(Some(SignedIn {
        session_hash: hash,
        csrf_token: record.csrf_token,
        person,
        memberships,
        current,
    }))
}

/// Middleware: resolve the visitor, and give a new visitor their CSRF cookie.
pub async fn resolve(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let headers = request.headers();
    // A `?lang=` link (the language switcher) chooses the language and is
    // remembered in a cookie; it changes nothing on the server.
    let chosen_lang = request
        .uri()
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang"))
        .and_then(|(_, v)| Lang::parse(&v));
    let lang = chosen_lang
        .or_else(|| cookie(headers, LANG_COOKIE).and_then(|c| Lang::parse(&c)))
        .unwrap_or_default();
    let signed_in = match cookie(headers, SESSION_COOKIE) {
        Some(token) => load_signed_in(&state, &token).await?,
        None => None,
    };
    let session_csrf = signed_in.as_ref().map(|s| s.csrf_token.clone());
    let anonymous_csrf = cookie(headers, CSRF_COOKIE).filter(|c| c.len() >= 32);
    // Signed-in forms carry the session's token; only visitors need the cookie.
    let new_anonymous_csrf = (signed_in.is_none() && anonymous_csrf.is_none()).then(random_token);
    let csrf_token = session_csrf
        .or_else(|| anonymous_csrf.clone())
        .or_else(|| new_anonymous_csrf.clone())
        .unwrap_or_default();
    let visitor = Visitor {
        lang,
        csrf_token,
        signed_in,
    };
    request.extensions_mut().insert(visitor.clone());
    let mut response = next.run(request).await;
    if let Some(token) = new_anonymous_csrf {
        response
            .headers_mut()
            .append(SET_COOKIE, set_cookie(CSRF_COOKIE, &token, None));
    }
    if let Some(lang) = chosen_lang {
        response.headers_mut().append(
            SET_COOKIE,
            set_cookie(LANG_COOKIE, lang.code(), Some(Duration::days(365))),
        );
    }
    // The error-page middleware outside renders in the visitor's language and shell.
    response.extensions_mut().insert(visitor);
    Ok(response)
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .ok_or_else(|| AppError::Internal("visitor middleware missing".into()))
    }
}

/// A signed-in person, or the request is refused.
impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Visitor::from_request_parts(parts, state)
            .await?
            .signed_in
            .ok_or(AppError::SignInRequired)
    }
}

/// A member acting inside their current organisation: every tenant query in a
/// handler takes `tenant.org`.
#[derive(Clone, Debug)]
pub struct Tenant {
    pub org: OrgId,
    pub organisation: Organisation,
    pub roles: Vec<Role>,
    pub who: SignedIn,
}

impl Tenant {
    pub fn require(&self, capability: Capability) -> Result<(), AppError> {
        if capability.granted_by(&self.roles) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let who = SignedIn::from_request_parts(parts, state).await?;
        let (organisation, roles) = who.current.clone().ok_or(AppError::Forbidden)?;
        Ok(Tenant {
            org: organisation.id,
            organisation,
            roles,
            who,
        })
    }
}

/// A sector administrator, or the request is refused.
#[derive(Clone, Debug)]
pub struct SectorAdmin(pub SignedIn);

impl<S: Send + Sync> FromRequestParts<S> for SectorAdmin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let who = SignedIn::from_request_parts(parts, state).await?;
        if who.person.sector_admin {
            Ok(SectorAdmin(who))
        } else {
            Err(AppError::Forbidden)
        }
    }
}
