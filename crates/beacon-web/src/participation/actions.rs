//! What any member does on an idea: support it, follow it, comment on it,
//! report it or one of its comments.
use super::idea_path;
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors};
use crate::i18n::{Lang, t, tf};
use crate::pipeline::idea_in;
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::text::TextError;
use beacon_db::entity::idea;
use beacon_db::participation::{self as db, CommentBody, Reason, Subject, normalise_newlines};
use beacon_govuk::components::{CharacterCount, ErrorMessage, Label};
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The most characters a comment may have.
pub const COMMENT_MAX: u32 = 2000;
/// The most characters a reason (for a report, a hide or a restore) may have.
pub const REASON_MAX: u32 = 1000;

/// A button that sends nothing but itself (and the CSRF token, which the
/// guard takes out before this sees the form).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NoFields {}

/// The idea, if the visitor may see it and it is open to participation:
/// hidden and merged ideas take no supports, follows, comments or reports.
pub(super) async fn open_idea(
    state: &AppState,
    tenant: &Tenant,
    raw: &str,
) -> Result<idea::Model, AppError> {
    let idea = idea_in(state, tenant, raw).await?;
    if idea.hidden || idea.merged_into.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(idea)
}

fn back_to(idea: Uuid, notice: &str) -> Response {
    Redirect::to(&format!("{}?notice={notice}", idea_path(idea))).into_response()
}

/// A GOV.UK character count in the visitor's language.
pub fn character_count(
    lang: Lang,
    name: &str,
    id: &str,
    max: u32,
    label: Label,
    value: &str,
    error: Option<ErrorMessage>,
) -> CharacterCount {
    let mut count = CharacterCount::new(name, max)
        .label(label)
        .value(value)
        .rows(6)
        .error_message(error);
    count.id = Some(id.to_owned());
    count.textarea_description_text = Some(t(lang, "participation.count.description").to_owned());
    let plural = |one: &str, other: &str| {
        BTreeMap::from([
            ("one".to_owned(), t(lang, one).to_owned()),
            ("other".to_owned(), t(lang, other).to_owned()),
        ])
    };
    count.characters_under_limit_text = Some(plural(
        "participation.count.under_one",
        "participation.count.under_other",
    ));
    count.characters_over_limit_text = Some(plural(
        "participation.count.over_one",
        "participation.count.over_other",
    ));
    count.characters_at_limit_text = Some(t(lang, "participation.count.at_limit").to_owned());
    count
}

/// The comment box, on the idea's page and on the page that shows its errors.
pub fn comment_box(lang: Lang, value: &str, error: Option<ErrorMessage>) -> CharacterCount {
    let mut count = character_count(
        lang,
        "body",
        "comment-body",
        COMMENT_MAX,
        Label::text(t(lang, "participation.comment.label")).classes("govuk-label--s"),
        value,
        error,
    );
    count.hint = Some(beacon_govuk::components::Hint::text(t(
        lang,
        "participation.comment.hint",
    )));
    count
}

pub async fn support(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, AppError> {
    let idea = open_idea(&state, &tenant, &id).await?;
    let txn = state.db.begin_writing().await?;
    let added = db::support(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        tenant.who.person.id,
    )
    .await?;
    txn.commit().await?;
    Ok(back_to(
        idea.id,
        if added {
            "supported"
        } else {
            "already_supported"
        },
    ))
}

pub async fn withdraw_support(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, AppError> {
    let idea = open_idea(&state, &tenant, &id).await?;
    let txn = state.db.begin_writing().await?;
    db::withdraw_support(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        tenant.who.person.id,
    )
    .await?;
    txn.commit().await?;
    Ok(back_to(idea.id, "support_withdrawn"))
}

pub async fn follow(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, AppError> {
    let idea = open_idea(&state, &tenant, &id).await?;
    let txn = state.db.begin_writing().await?;
    db::follow(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        tenant.who.person.id,
    )
    .await?;
    txn.commit().await?;
    Ok(back_to(idea.id, "following"))
}

pub async fn unfollow(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, AppError> {
    let idea = open_idea(&state, &tenant, &id).await?;
    // The author always follows their own idea.
    if idea.author_id == tenant.who.person.id.uuid() {
        return Ok(back_to(idea.id, "author_follows"));
    }
    let txn = state.db.begin_writing().await?;
    db::unfollow(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        tenant.who.person.id,
    )
    .await?;
    txn.commit().await?;
    Ok(back_to(idea.id, "unfollowed"))
}

#[derive(Template)]
#[template(path = "participation/comment.html")]
struct CommentPage {
    shell: Shell,
    idea: Uuid,
    idea_title: String,
    errors: FormErrors,
    body: String,
}

impl CommentPage {
    fn comment_box(&self) -> CharacterCount {
        comment_box(
            self.shell.lang,
            &self.body,
            self.errors.message("comment-body"),
        )
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
}

pub async fn add_comment(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let idea = open_idea(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let text = normalise_newlines(&form.body);
    let body = match CommentBody::parse(&text) {
        Ok(body) => body,
        Err(e) => {
            let mut errors = FormErrors::new(lang);
            errors.add(
                "comment-body",
                match e {
                    TextError::Missing => "participation.comment.error.missing",
                    TextError::TooLong { .. } => "participation.comment.error.too_long",
                },
            );
            let shell = Shell::new(&visitor, &here(&uri), lang.t("participation.comment.title"))
                .back(idea_path(idea.id))
                .with_errors(true);
            let mut response = page(&CommentPage {
                shell,
                idea: idea.id,
                idea_title: idea.title,
                errors,
                body: text,
            })?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(response);
        }
    };
    let now = state.clock.now();
    let me = tenant.who.person.id;
    let txn = state.db.begin_writing().await?;
    db::add_comment(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        me,
        &body,
    )
    .await?;
    let recipients: Vec<_> = db::followers(&txn, tenant.org, idea.id)
        .await?
        .into_iter()
        .filter(|p| *p != me)
        .collect();
    let link = format!("{}{}", state.config.public_url, idea_path(idea.id));
    let subject = tf(
        lang,
        "participation.email.comment_subject",
        &[("title", &idea.title)],
    );
    let message = tf(
        lang,
        "participation.email.comment_body",
        &[
            ("name", &tenant.who.person.display_name),
            ("title", &idea.title),
            ("link", &link),
        ],
    );
    db::notify(
        &txn,
        now,
        tenant.org,
        idea.id,
        &recipients,
        &subject,
        &message,
    )
    .await?;
    txn.commit().await?;
    Ok(back_to(idea.id, "comment_added"))
}

#[derive(Template)]
#[template(path = "participation/report.html")]
struct ReportPage {
    shell: Shell,
    idea: Uuid,
    idea_title: String,
    /// The comment being reported, with its author's name; none for the idea.
    comment: Option<db::Comment>,
    errors: FormErrors,
    reason: String,
}

impl ReportPage {
    fn reason_box(&self) -> CharacterCount {
        let lang = self.shell.lang;
        let mut count = character_count(
            lang,
            "reason",
            "reason",
            REASON_MAX,
            Label::text(lang.t("participation.report.reason")).classes("govuk-label--s"),
            &self.reason,
            self.errors.message("reason"),
        );
        count.hint = Some(beacon_govuk::components::Hint::text(
            lang.t("participation.report.reason_hint"),
        ));
        count
    }

    fn action(&self) -> String {
        format!("{}/report", idea_path(self.idea))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    comment: Option<String>,
    lang: Option<String>,
}

/// The comment named in a report form or link: one of this idea's visible
/// comments, or "not found".
async fn reported_comment(
    state: &AppState,
    tenant: &Tenant,
    idea: Uuid,
    raw: &str,
) -> Result<Option<db::Comment>, AppError> {
    if raw.is_empty() {
        return Ok(None);
    }
    let id: Uuid = raw.parse().map_err(|_| AppError::NotFound)?;
    let comment = db::comment(state.db.conn(), tenant.org, id)
        .await?
        .filter(|c| c.idea == idea && !c.hidden)
        .ok_or(AppError::NotFound)?;
    Ok(Some(comment))
}

async fn report_page(
    visitor: &Visitor,
    uri: &OriginalUri,
    idea: &idea::Model,
    comment: Option<db::Comment>,
    errors: FormErrors,
    reason: String,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let title = if comment.is_some() {
        lang.t("participation.report.title_comment")
    } else {
        lang.t("participation.report.title_idea")
    };
    let shell = Shell::new(visitor, &here(uri), title)
        .back(idea_path(idea.id))
        .with_errors(!errors.is_empty());
    page(&ReportPage {
        shell,
        idea: idea.id,
        idea_title: idea.title.clone(),
        comment,
        errors,
        reason,
    })
}

pub async fn report_form(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let idea = open_idea(&state, &tenant, &id).await?;
    let comment =
        reported_comment(&state, &tenant, idea.id, q.comment.as_deref().unwrap_or("")).await?;
    report_page(
        &visitor,
        &uri,
        &idea,
        comment,
        FormErrors::new(visitor.lang),
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReportForm {
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reason: String,
}

pub async fn send_report(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<ReportForm>,
) -> Result<Response, AppError> {
    let idea = open_idea(&state, &tenant, &id).await?;
    let comment = reported_comment(&state, &tenant, idea.id, form.comment.trim()).await?;
    let text = normalise_newlines(&form.reason);
    let reason = match Reason::parse(&text) {
        Ok(reason) => reason,
        Err(e) => {
            let mut errors = FormErrors::new(visitor.lang);
            errors.add(
                "reason",
                match e {
                    TextError::Missing => "participation.report.error.missing",
                    TextError::TooLong { .. } => "participation.reason_too_long",
                },
            );
            let mut response = report_page(&visitor, &uri, &idea, comment, errors, text).await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(response);
        }
    };
    let subject = match &comment {
        Some(c) => Subject::comment(c.id),
        None => Subject::idea(idea.id),
    };
    let me = tenant.who.person.id;
    // Reporting the same thing twice adds nothing for the moderators to read.
    if !db::has_open_report(state.db.conn(), tenant.org, subject, me).await? {
        let txn = state.db.begin_writing().await?;
        db::report(
            &txn,
            state.clock.now(),
            &tenant.who.actor(),
            tenant.org,
            subject,
            me,
            &reason,
        )
        .await?;
        txn.commit().await?;
    }
    Ok(back_to(idea.id, "report_sent"))
}
