//! Accounts: signing in and out, changing a password, resetting a forgotten
//! one, accepting an invitation, and choosing the organisation to act in.
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::tf;
use crate::limits::{Guarded, PeerAddr, client_address, record_failure, within_limits};
use crate::password;
use crate::public::{here, page};
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::tokens::{random_token, token_hash};
use crate::visitor::{CSRF_COOKIE, SESSION_COOKIE, SignedIn, Visitor, expire_cookie, set_cookie};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use beacon_core::OrgId;
use beacon_core::account::{Email, EmailError, NewPassword, PasswordError, TokenPurpose};
use beacon_core::text::{DisplayName, TextError};
use beacon_db::audit::Actor;
use beacon_db::{attempts, outbox, people, sessions, tokens};
use beacon_govuk::components::NotificationBanner;
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/sign-in", Access::Public, get(sign_in_form)),
        route(Method::POST, "/sign-in", Access::Public, post(sign_in)),
        route(Method::POST, "/sign-out", Access::SignedIn, post(sign_out)),
        route(Method::GET, "/account", Access::SignedIn, get(account)),
        route(
            Method::POST,
            "/account/organisation",
            Access::SignedIn,
            post(switch_organisation),
        ),
        route(
            Method::GET,
            "/account/password",
            Access::SignedIn,
            get(password_form),
        ),
        route(
            Method::POST,
            "/account/password",
            Access::SignedIn,
            post(change_password),
        ),
        route(
            Method::GET,
            "/password-reset",
            Access::Public,
            get(reset_request_form),
        ),
        route(
            Method::POST,
            "/password-reset",
            Access::Public,
            post(request_reset),
        ),
        route(
            Method::GET,
            "/password-reset/{token}",
            Access::Public,
            get(reset_form),
        ),
        route(
            Method::POST,
            "/password-reset/{token}",
            Access::Public,
            post(reset_password),
        ),
        route(
            Method::GET,
            "/invitations/{token}",
            Access::Public,
            get(invitation_form),
        ),
        route(
            Method::POST,
            "/invitations/{token}",
            Access::Public,
            post(accept_invitation),
        ),
    ]
}

/// Start a session for `person` in a fresh id (never one the browser brought:
/// PROMISES.md 14), acting in their first organisation.
async fn start_session(state: &AppState, person: &people::Person) -> Result<HeaderMap, AppError> {
    let token = random_token();
    let memberships = people::memberships_of(state.db.conn(), person.id).await?;
    let org = memberships.first().map(|(o, _)| o.id);
    sessions::insert(
        state.db.conn(),
        &token_hash(&token),
        person.id,
        org,
        &random_token(),
        state.clock.now(),
    )
    .await?;
    let mut headers = HeaderMap::new();
    headers.append(SET_COOKIE, set_cookie(SESSION_COOKIE, &token, None));
    headers.append(SET_COOKIE, expire_cookie(CSRF_COOKIE));
    Ok(headers)
}

/// Only paths on this site, so a crafted link cannot send someone elsewhere
/// after they sign in.
fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\") => p,
        _ => "/",
    }
}

#[derive(Template)]
#[template(path = "account/sign_in.html")]
struct SignInPage {
    shell: Shell,
    errors: FormErrors,
    email: String,
    next: String,
    notice: Option<NotificationBanner>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SignInQuery {
    next: Option<String>,
    notice: Option<String>,
    lang: Option<String>,
}

async fn sign_in_form(
    visitor: Visitor,
    uri: OriginalUri,
    Query(q): Query<SignInQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    if visitor.signed_in.is_some() {
        return Ok(Redirect::to(local_path(q.next.as_deref())).into_response());
    }
    let shell = Shell::new(&visitor, &here(&uri), visitor.lang.t("sign_in.title"));
    page(&SignInPage {
        notice: notice(visitor.lang, q.notice.as_deref()),
        shell,
        errors: FormErrors::new(visitor.lang),
        email: String::new(),
        next: q.next.unwrap_or_default(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn sign_in(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: OriginalUri,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let mut errors = FormErrors::new(lang);
    let email = Email::parse(&form.email);
    match &email {
        Err(EmailError::Missing) => errors.add("email", "sign_in.error.email_missing"),
        Err(EmailError::Invalid) => errors.add("email", "sign_in.error.email_invalid"),
        Ok(_) => {}
    }
    if form.password.is_empty() {
        errors.add("password", "sign_in.error.password_missing");
    }
    let address = client_address(&state, peer, &headers);
    let status;
    if let (Ok(email), true) = (&email, errors.is_empty()) {
        if !within_limits(&state, Guarded::SignIn, Some(email.as_str()), &address).await? {
            tracing::warn!(%address, "sign-in refused: too many failed attempts");
            errors.add("email", "sign_in.error.too_many");
            status = StatusCode::TOO_MANY_REQUESTS;
        } else {
            let credentials = people::credentials(state.db.conn(), email).await?;
            let (stored, person) = match credentials {
                Some(c) if !c.person.disabled => (c.password_hash, Some(c.person)),
                _ => (None, None),
            };
            if password::verify(form.password.clone(), stored).await
                && let Some(person) = person
            {
                attempts::clear(
                    state.db.conn(),
                    &Guarded::SignIn.account_key(email.as_str()),
                )
                .await?;
                tracing::info!(person = %person.id, "signed in");
                let cookies = start_session(&state, &person).await?;
                return Ok((cookies, Redirect::to(local_path(Some(&form.next)))).into_response());
            }
            tracing::info!(%address, "sign-in failed");
            record_failure(&state, Guarded::SignIn, Some(email.as_str()), &address).await?;
            errors.add("email", "sign_in.error.wrong");
            status = StatusCode::UNAUTHORIZED;
        }
    } else {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let shell = Shell::new(&visitor, &here(&uri), lang.t("sign_in.title")).with_errors(true);
    let body = page(&SignInPage {
        shell,
        errors,
        email: form.email.trim().to_owned(),
        next: form.next,
        notice: None,
    })?;
    Ok((status, body).into_response())
}

async fn sign_out(State(state): State<AppState>, who: SignedIn) -> Result<Response, AppError> {
    sessions::delete(state.db.conn(), &who.session_hash).await?;
    tracing::info!(person = %who.person.id, "signed out");
    let mut headers = HeaderMap::new();
    headers.append(SET_COOKIE, expire_cookie(SESSION_COOKIE));
    Ok((headers, Redirect::to("/")).into_response())
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    shell: Shell,
    who: SignedIn,
    notice: Option<NotificationBanner>,
}

async fn account(
    visitor: Visitor,
    who: SignedIn,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let shell = Shell::new(&visitor, &here(&uri), visitor.lang.t("account.title"));
    page(&AccountPage {
        notice: notice(visitor.lang, q.notice.as_deref()),
        shell,
        who,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchForm {
    organisation: String,
}

/// Act in another of one's organisations. Only organisations the person
/// belongs to are accepted.
async fn switch_organisation(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<SwitchForm>,
) -> Result<Response, AppError> {
    let org: OrgId = form
        .organisation
        .parse()
        .map_err(|_| AppError::BadRequest("organisation".into()))?;
    if !who.memberships.iter().any(|(o, _)| o.id == org) {
        return Err(AppError::Forbidden);
    }
    sessions::set_organisation(state.db.conn(), &who.session_hash, org).await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    shell: Shell,
    errors: FormErrors,
    /// Shown for a change; a reset or invitation already proved who they are.
    ask_current: bool,
    action: String,
    heading_key: &'static str,
    /// For an invitation: ask for their name.
    ask_name: bool,
    /// Ask for a new password (not when an invitation goes to an existing account).
    ask_new: bool,
    name: String,
    intro: String,
}

async fn password_form(visitor: Visitor, uri: OriginalUri) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let shell = Shell::new(&visitor, &here(&uri), lang.t("password.change_title")).back("/account");
    page(&PasswordPage {
        shell,
        errors: FormErrors::new(lang),
        ask_current: true,
        action: "/account/password".into(),
        heading_key: "password.change_title",
        ask_name: false,
        ask_new: true,
        name: String::new(),
        intro: String::new(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    #[serde(default)]
    name: String,
}

fn check_new_password(errors: &mut FormErrors, form: &PasswordForm) -> Option<NewPassword> {
    NewPassword::parse(&form.new_password, &form.confirm_password)
        .map_err(|e| {
            let (field, key) = match e {
                PasswordError::Missing => ("new_password", "password.error.missing"),
                PasswordError::TooShort => ("new_password", "password.error.too_short"),
                PasswordError::TooLong => ("new_password", "password.error.too_long"),
                PasswordError::TooCommon => ("new_password", "password.error.too_common"),
                PasswordError::Mismatch => ("confirm_password", "password.error.mismatch"),
            };
            errors.add(field, key);
        })
        .ok()
}

async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    who: SignedIn,
    uri: OriginalUri,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let mut errors = FormErrors::new(lang);
    if form.current_password.is_empty() {
        errors.add("current_password", "password.error.current_missing");
    } else {
        let stored = people::password_hash(state.db.conn(), who.person.id).await?;
        if !password::verify(form.current_password.clone(), stored).await {
            errors.add("current_password", "password.error.current_wrong");
        }
    }
    let new_password = check_new_password(&mut errors, &form);
    if let (Some(new_password), true) = (new_password, errors.is_empty()) {
        let hash = password::hash(new_password.expose().to_owned()).await?;
        let txn = state.db.begin_writing().await?;
        people::set_password(&txn, &who.actor(), state.clock.now(), who.person.id, hash).await?;
        txn.commit().await?;
        // Every other session has ended; this browser gets a new one.
        let cookies = start_session(&state, &who.person).await?;
        return Ok((cookies, Redirect::to("/account?notice=password_changed")).into_response());
    }
    let shell = Shell::new(&visitor, &here(&uri), lang.t("password.change_title"))
        .back("/account")
        .with_errors(true);
    let body = page(&PasswordPage {
        shell,
        errors,
        ask_current: true,
        action: "/account/password".into(),
        heading_key: "password.change_title",
        ask_name: false,
        ask_new: true,
        name: String::new(),
        intro: String::new(),
    })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

#[derive(Template)]
#[template(path = "account/reset_request.html")]
struct ResetRequestPage {
    shell: Shell,
    errors: FormErrors,
    email: String,
}

async fn reset_request_form(visitor: Visitor, uri: OriginalUri) -> Result<Response, AppError> {
    let shell =
        Shell::new(&visitor, &here(&uri), visitor.lang.t("reset.request_title")).back("/sign-in");
    page(&ResetRequestPage {
        shell,
        errors: FormErrors::new(visitor.lang),
        email: String::new(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetRequestForm {
    #[serde(default)]
    email: String,
}

#[derive(Template)]
#[template(path = "account/message.html")]
struct MessagePage {
    shell: Shell,
    heading: String,
    paragraphs: Vec<String>,
    link: Option<(String, String)>,
}

/// Always the same answer whether or not the address has an account, so the
/// form cannot be used to find out who has one.
async fn request_reset(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: OriginalUri,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    Form(form): Form<ResetRequestForm>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let email = match Email::parse(&form.email) {
        Ok(email) => email,
        Err(e) => {
            let mut errors = FormErrors::new(lang);
            errors.add(
                "email",
                if e == EmailError::Missing {
                    "sign_in.error.email_missing"
                } else {
                    "sign_in.error.email_invalid"
                },
            );
            let shell = Shell::new(&visitor, &here(&uri), lang.t("reset.request_title"))
                .back("/sign-in")
                .with_errors(true);
            let body = page(&ResetRequestPage {
                shell,
                errors,
                email: form.email,
            })?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
        }
    };
    let address = client_address(&state, peer, &headers);
    // Every request counts, so nobody can flood an inbox or the outbox.
    if within_limits(
        &state,
        Guarded::ResetRequest,
        Some(email.as_str()),
        &address,
    )
    .await?
    {
        record_failure(
            &state,
            Guarded::ResetRequest,
            Some(email.as_str()),
            &address,
        )
        .await?;
        if let Some(person) = people::by_email(state.db.conn(), &email)
            .await?
            .filter(|p| !p.disabled)
        {
            let token = random_token();
            let now = state.clock.now();
            let txn = state.db.begin_writing().await?;
            tokens::insert(
                &txn,
                now,
                tokens::NewToken {
                    token_hash: &token_hash(&token),
                    purpose: TokenPurpose::PasswordReset,
                    email: email.as_str(),
                    person: Some(person.id),
                    organisation: None,
                    role: None,
                    created_by: None,
                },
            )
            .await?;
            let link = format!("{}/password-reset/{token}", state.config.public_url);
            let body = tf(
                lang,
                "email.reset.body",
                &[("name", &person.display_name), ("link", &link)],
            );
            outbox::enqueue(
                &txn,
                now,
                None,
                email.as_str(),
                lang.t("email.reset.subject"),
                &body,
            )
            .await?;
            txn.commit().await?;
        }
    } else {
        tracing::warn!(%address, "password reset refused: too many requests");
    }
    let shell = Shell::new(&visitor, &here(&uri), lang.t("reset.sent_title"));
    page(&MessagePage {
        shell,
        heading: lang.t("reset.sent_title").into(),
        paragraphs: vec![
            tf(lang, "reset.sent_p1", &[("email", email.as_str())]),
            lang.t("reset.sent_p2").into(),
        ],
        link: None,
    })
}

/// Someone is trying link after link from one address.
fn too_many_link_attempts(visitor: &Visitor, uri: &OriginalUri) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let shell = Shell::new(visitor, &here(uri), lang.t("link.too_many_title"));
    let body = page(&MessagePage {
        shell,
        heading: lang.t("link.too_many_title").into(),
        paragraphs: vec![lang.t("link.too_many_p1").into()],
        link: None,
    })?;
    Ok((StatusCode::TOO_MANY_REQUESTS, body).into_response())
}

fn link_expired(visitor: &Visitor, uri: &OriginalUri) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let shell = Shell::new(visitor, &here(uri), lang.t("link.expired_title"));
    let body = page(&MessagePage {
        shell,
        heading: lang.t("link.expired_title").into(),
        paragraphs: vec![lang.t("link.expired_p1").into()],
        link: Some(("/password-reset".into(), lang.t("link.new_reset").into())),
    })?;
    Ok((StatusCode::NOT_FOUND, body).into_response())
}

fn reset_page(
    visitor: &Visitor,
    uri: &OriginalUri,
    token: &str,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let has_errors = !errors.is_empty();
    let shell =
        Shell::new(visitor, &here(uri), visitor.lang.t("reset.title")).with_errors(has_errors);
    page(&PasswordPage {
        shell,
        errors,
        ask_current: false,
        action: format!("/password-reset/{token}"),
        heading_key: "reset.title",
        ask_name: false,
        ask_new: true,
        name: String::new(),
        intro: String::new(),
    })
}

async fn reset_form(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: OriginalUri,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let usable = tokens::peek(
        state.db.conn(),
        &token_hash(&token),
        TokenPurpose::PasswordReset,
        state.clock.now(),
    )
    .await?;
    if usable.is_none() {
        return link_expired(&visitor, &uri);
    }
    reset_page(&visitor, &uri, &token, FormErrors::new(visitor.lang))
}

async fn reset_password(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: OriginalUri,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let address = client_address(&state, peer, &headers);
    if !within_limits(&state, Guarded::OneTimeLink, None, &address).await? {
        return too_many_link_attempts(&visitor, &uri);
    }
    let mut errors = FormErrors::new(visitor.lang);
    let Some(new_password) = check_new_password(&mut errors, &form) else {
        let mut response = reset_page(&visitor, &uri, &token, errors)?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    };
    let hash = password::hash(new_password.expose().to_owned()).await?;
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let Some(redeemed) =
        tokens::redeem(&txn, &token_hash(&token), TokenPurpose::PasswordReset, now).await?
    else {
        txn.rollback().await?;
        record_failure(&state, Guarded::OneTimeLink, None, &address).await?;
        return link_expired(&visitor, &uri);
    };
    let person = redeemed.person.ok_or(AppError::NotFound)?;
    people::set_password(
        &txn,
        &Actor::person(person, &redeemed.email),
        now,
        person,
        hash,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/sign-in?notice=password_reset").into_response())
}

async fn invitation_page(
    state: &AppState,
    visitor: &Visitor,
    uri: &OriginalUri,
    token: &str,
    invitation: &tokens::Token,
    errors: FormErrors,
    name: String,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let org_name = match invitation.organisation {
        Some(org) => beacon_db::organisations::by_id(state.db.conn(), org)
            .await?
            .map(|o| o.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let has_account = match Email::parse(&invitation.email) {
        Ok(email) => people::credentials(state.db.conn(), &email)
            .await?
            .is_some_and(|c| c.password_hash.is_some()),
        Err(_) => false,
    };
    let has_errors = !errors.is_empty();
    let shell = Shell::new(visitor, &here(uri), lang.t("invitation.title")).with_errors(has_errors);
    page(&PasswordPage {
        shell,
        errors,
        ask_current: false,
        action: format!("/invitations/{token}"),
        heading_key: "invitation.title",
        ask_name: !has_account,
        ask_new: !has_account,
        name,
        intro: tf(
            lang,
            if has_account {
                "invitation.intro_existing"
            } else {
                "invitation.intro"
            },
            &[("organisation", &org_name), ("email", &invitation.email)],
        ),
    })
}

async fn invitation_form(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: OriginalUri,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(invitation) = tokens::peek(
        state.db.conn(),
        &token_hash(&token),
        TokenPurpose::Invitation,
        state.clock.now(),
    )
    .await?
    else {
        return link_expired(&visitor, &uri);
    };
    invitation_page(
        &state,
        &visitor,
        &uri,
        &token,
        &invitation,
        FormErrors::new(visitor.lang),
        String::new(),
    )
    .await
}

/// Accepting an invitation creates the account (or, for someone who already
/// has one, only adds the role) and signs them in.
async fn accept_invitation(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: OriginalUri,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let address = client_address(&state, peer, &headers);
    if !within_limits(&state, Guarded::OneTimeLink, None, &address).await? {
        return too_many_link_attempts(&visitor, &uri);
    }
    let now = state.clock.now();
    let Some(invitation) = tokens::peek(
        state.db.conn(),
        &token_hash(&token),
        TokenPurpose::Invitation,
        now,
    )
    .await?
    else {
        record_failure(&state, Guarded::OneTimeLink, None, &address).await?;
        return link_expired(&visitor, &uri);
    };
    let email = Email::parse(&invitation.email)
        .map_err(|_| AppError::Internal("stored invitation email".into()))?;
    let credentials = people::credentials(state.db.conn(), &email).await?;
    let has_password = credentials
        .as_ref()
        .is_some_and(|c| c.password_hash.is_some());
    let existing = credentials.map(|c| c.person);
    let mut errors = FormErrors::new(visitor.lang);
    let mut new_password = None;
    let mut name = None;
    if !has_password {
        match DisplayName::parse(&form.name) {
            Ok(n) => name = Some(n),
            Err(TextError::Missing) => errors.add("name", "invitation.error.name_missing"),
            Err(TextError::TooLong { .. }) => errors.add("name", "invitation.error.name_too_long"),
        }
        new_password = check_new_password(&mut errors, &form);
    }
    if !errors.is_empty() {
        let mut response = invitation_page(
            &state,
            &visitor,
            &uri,
            &token,
            &invitation,
            errors,
            form.name,
        )
        .await?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    let hash = match new_password {
        Some(p) => Some(password::hash(p.expose().to_owned()).await?),
        None => None,
    };
    let txn = state.db.begin_writing().await?;
    let Some(redeemed) =
        tokens::redeem(&txn, &token_hash(&token), TokenPurpose::Invitation, now).await?
    else {
        txn.rollback().await?;
        return link_expired(&visitor, &uri);
    };
    let actor = Actor::system(&format!("invitation:{}", email.as_str()));
    let person = match existing {
        Some(p) => {
            if let (Some(hash), Some(name)) = (hash, &name) {
                people::set_name(&txn, &actor, now, p.id, name).await?;
                people::set_password(&txn, &actor, now, p.id, hash).await?;
            }
            p
        }
        None => {
            let name = name.ok_or_else(|| AppError::Internal("name checked above".into()))?;
            people::create(
                &txn,
                &actor,
                now,
                people::NewPerson {
                    email: &email,
                    display_name: &name,
                    password_hash: hash,
                    sector_admin: false,
                },
            )
            .await?
        }
    };
    if let (Some(org), Some(role)) = (redeemed.organisation, redeemed.role) {
        people::grant_role(&txn, &actor, now, org, person.id, role).await?;
    }
    txn.commit().await?;
    let cookies = start_session(&state, &person).await?;
    Ok((cookies, Redirect::to("/")).into_response())
}

/// Clean-up run by the background loop.
pub async fn purge_expired(state: &AppState) -> Result<(), AppError> {
    let now = state.clock.now();
    let policy = state.config.sessions;
    sessions::purge(state.db.conn(), now - policy.idle, now - policy.absolute).await?;
    attempts::purge(state.db.conn(), now - state.config.attempts.window).await?;
    Ok(())
}
