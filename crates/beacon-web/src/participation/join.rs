//! Residents' light account: a public page for a council with challenges open
//! to the public, where anyone can ask to take part. Asking sends an
//! invitation to the resident role through the usual invitation flow, so the
//! account is completed at `/invitations/{token}` like any other.
//!
//! The answer is the same whether or not the address already has an account,
//! so the page cannot be used to find out who has one; requests are limited
//! per address and per email address, and a second request for the same
//! address within the hour sends nothing more.
use crate::admin::{Invitation, send_invitation};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, notice};
use crate::limits::{Guarded, PeerAddr, client_address, record_failure, within_limits};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::Role;
use beacon_core::account::{Email, EmailError};
use beacon_core::text::{DisplayName, TextError};
use beacon_db::audit::Actor;
use beacon_db::entity::challenge;
use beacon_db::organisations::{self, Organisation};
use beacon_db::participation as db;
use beacon_govuk::components::NotificationBanner;
use serde::Deserialize;
use time::Duration;

/// A second request for the same address within this time sends nothing.
const RESEND_AFTER: Duration = Duration::hours(1);

#[derive(Template)]
#[template(path = "participation/join.html")]
struct JoinPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    organisation: Organisation,
    challenges: Vec<challenge::Model>,
    /// The visitor already belongs to this organisation.
    member: bool,
    name: String,
    email: String,
}

impl JoinPage {
    fn closes(&self, c: &challenge::Model) -> String {
        self.shell.tf(
            "participation.join.closes",
            &[(
                "date",
                crate::pipeline::format_date(self.shell.lang, c.closes_on).as_str(),
            )],
        )
    }

    fn action(&self) -> String {
        format!("/join/{}", self.organisation.slug)
    }
}

async fn organisation(state: &AppState, slug: &str) -> Result<Organisation, AppError> {
    organisations::by_slug(state.db.conn(), slug)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Default)]
struct Draft {
    name: String,
    email: String,
}

async fn join_page(
    state: &AppState,
    visitor: &Visitor,
    uri: &OriginalUri,
    org: Organisation,
    errors: FormErrors,
    draft: Draft,
    notice_key: Option<&str>,
) -> Result<JoinPage, AppError> {
    let lang = visitor.lang;
    let today = state.clock.now().date();
    let challenges = db::open_public_challenges(state.db.conn(), org.id, today).await?;
    let member = visitor
        .signed_in
        .as_ref()
        .is_some_and(|s| s.memberships.iter().any(|(o, _)| o.id == org.id));
    let title = crate::i18n::tf(
        lang,
        "participation.join.title",
        &[("organisation", &org.name)],
    );
    let shell = Shell::new(visitor, &here(uri), title).with_errors(!errors.is_empty());
    Ok(JoinPage {
        shell,
        notice: notice(lang, notice_key),
        errors,
        organisation: org,
        challenges,
        member,
        name: draft.name,
        email: draft.email,
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct JoinQuery {
    notice: Option<String>,
    lang: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: OriginalUri,
    Path(slug): Path<String>,
    Query(q): Query<JoinQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let org = organisation(&state, &slug).await?;
    let join = join_page(
        &state,
        &visitor,
        &uri,
        org,
        FormErrors::new(visitor.lang),
        Draft::default(),
        q.notice.as_deref(),
    )
    .await?;
    page(&join)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct JoinForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

async fn refuse(
    state: &AppState,
    visitor: &Visitor,
    uri: &OriginalUri,
    org: Organisation,
    errors: FormErrors,
    form: JoinForm,
    status: StatusCode,
) -> Result<Response, AppError> {
    let draft = Draft {
        name: form.name,
        email: form.email,
    };
    let join = join_page(state, visitor, uri, org, errors, draft, None).await?;
    let mut response = page(&join)?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn request(
    State(state): State<AppState>,
    visitor: Visitor,
    uri: OriginalUri,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    Path(slug): Path<String>,
    Form(form): Form<JoinForm>,
) -> Result<Response, AppError> {
    let org = organisation(&state, &slug).await?;
    let lang = visitor.lang;
    let today = state.clock.now().date();
    if db::open_public_challenges(state.db.conn(), org.id, today)
        .await?
        .is_empty()
    {
        // Nothing is open to the public: the page says so and offers no form.
        return refuse(
            &state,
            &visitor,
            &uri,
            org,
            FormErrors::new(lang),
            JoinForm::default(),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let mut errors = FormErrors::new(lang);
    let name = DisplayName::parse(&form.name);
    match &name {
        Err(TextError::Missing) => errors.add("name", "participation.join.error.name_missing"),
        Err(TextError::TooLong { .. }) => errors.add("name", "invitation.error.name_too_long"),
        Ok(_) => {}
    }
    let email = Email::parse(&form.email);
    match &email {
        Err(EmailError::Missing) => errors.add("email", "sign_in.error.email_missing"),
        Err(EmailError::Invalid) => errors.add("email", "sign_in.error.email_invalid"),
        Ok(_) => {}
    }
    let (Ok(_name), Ok(email), true) = (name, email, errors.is_empty()) else {
        return refuse(
            &state,
            &visitor,
            &uri,
            org,
            errors,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let address = client_address(&state, peer, &headers);
    if !within_limits(&state, Guarded::Join, Some(email.as_str()), &address).await? {
        errors.add("email", "participation.join.error.too_many");
        return refuse(
            &state,
            &visitor,
            &uri,
            org,
            errors,
            form,
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    let now = state.clock.now();
    if !db::recently_invited(
        state.db.conn(),
        org.id,
        email.as_str(),
        now - RESEND_AFTER,
        now,
    )
    .await?
    {
        let txn = state.db.begin_writing().await?;
        send_invitation(
            &txn,
            &state,
            lang,
            Invitation {
                org: org.id,
                org_name: &org.name,
                email: &email,
                role: Role::Resident,
            },
            &Actor::system("join"),
        )
        .await?;
        txn.commit().await?;
    }
    // Every request counts towards the limits, whether it sent anything or not.
    record_failure(&state, Guarded::Join, Some(email.as_str()), &address).await?;
    Ok(Redirect::to(&format!("/join/{}?notice=join_requested", org.slug)).into_response())
}
