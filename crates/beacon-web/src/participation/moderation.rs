//! Moderation (the innovation lead): the queue of reported ideas and
//! comments, hiding and restoring them with a reason, dismissing reports, and
//! merging a duplicate idea into another.
use super::actions::{NoFields, REASON_MAX, character_count, open_idea};
use super::{idea_path, when};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, notice};
use crate::i18n::{Lang, tf};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::PersonId;
use beacon_core::permission::Capability;
use beacon_core::text::TextError;
use beacon_db::ConnectionTrait;
use beacon_db::participation::{
    self as db, MergeError, ModerationItem, Reason, SubjectKind, normalise_newlines,
};
use beacon_govuk::components::{
    CharacterCount, ChoiceItem, Label, Legend, NotificationBanner, Radios,
};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// How many ideas the merge page offers at once.
const CANDIDATES: u64 = 30;

/// Which form on the moderation page a field belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Act {
    Hide,
    Restore,
}

impl Act {
    fn field(self, id: Uuid) -> String {
        match self {
            Act::Hide => format!("hide-reason-{id}"),
            Act::Restore => format!("restore-reason-{id}"),
        }
    }
}

#[derive(Template)]
#[template(path = "participation/moderation.html")]
struct ModerationPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    reported: Vec<db::Reported>,
    hidden: Vec<ModerationItem>,
    merged: Vec<(Uuid, String, Uuid, String)>,
    /// An item the moderator came to hide from its page, when it has no open
    /// report (reported items have their own form in the queue).
    focus: Option<ModerationItem>,
    /// What was typed in the form that failed, by field id.
    draft: Option<(String, String)>,
}

impl ModerationPage {
    fn when(&self, at: &OffsetDateTime) -> String {
        when(self.shell.lang, at)
    }

    fn kind_label(&self, item: &ModerationItem) -> &'static str {
        match item.subject.kind {
            SubjectKind::Idea => self.shell.t("participation.moderation.kind_idea"),
            SubjectKind::Comment => self.shell.t("participation.moderation.kind_comment"),
        }
    }

    fn reason_box(&self, act: Act, item: &ModerationItem) -> CharacterCount {
        let lang = self.shell.lang;
        let field = act.field(item.subject.id);
        let label = match act {
            Act::Hide => "participation.moderation.hide_reason",
            Act::Restore => "participation.moderation.restore_reason",
        };
        let value = match &self.draft {
            Some((f, v)) if *f == field => v.as_str(),
            _ => "",
        };
        let mut count = character_count(
            lang,
            "reason",
            &field,
            REASON_MAX,
            Label::text(lang.t(label)).classes("govuk-label--s"),
            value,
            self.errors.message(&field),
        );
        count.rows = Some("3".into());
        count
    }

    fn hide_box(&self, item: &ModerationItem) -> CharacterCount {
        self.reason_box(Act::Hide, item)
    }

    fn restore_box(&self, item: &ModerationItem) -> CharacterCount {
        self.reason_box(Act::Restore, item)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    notice: Option<String>,
    lang: Option<String>,
    item: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn queue_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    focus: Option<ModerationItem>,
    errors: FormErrors,
    draft: Option<(String, String)>,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let conn = state.db.conn();
    let lang = visitor.lang;
    let reported = db::open_reports(conn, tenant.org).await?;
    // A focused item that is already in the queue, or already hidden, has its
    // form there.
    let focus = focus.filter(|f| {
        !f.hidden
            && f.merged_into.is_none()
            && !reported.iter().any(|r| r.item.subject == f.subject)
    });
    let shell = Shell::new(
        visitor,
        &here(uri),
        lang.t("participation.moderation.title"),
    )
    .with_errors(!errors.is_empty());
    let failed = !errors.is_empty();
    let mut response = page(&ModerationPage {
        shell,
        notice: notice(lang, notice_key),
        errors,
        reported,
        hidden: db::hidden_items(conn, tenant.org).await?,
        merged: db::merged_ideas(conn, tenant.org).await?,
        focus,
        draft,
    })?;
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub async fn queue(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<QueueQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Moderate)?;
    let _ = q.lang;
    let focus = match q.item.as_deref().map(str::parse::<Uuid>) {
        Some(Ok(id)) => db::moderation_item(state.db.conn(), tenant.org, id).await?,
        Some(Err(_)) => return Err(AppError::NotFound),
        None => None,
    };
    queue_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        focus,
        FormErrors::new(visitor.lang),
        None,
        q.notice.as_deref(),
    )
    .await
}

/// The idea or comment named in the path, in the moderator's organisation.
async fn item(state: &AppState, tenant: &Tenant, raw: &str) -> Result<ModerationItem, AppError> {
    let id: Uuid = raw.parse().map_err(|_| AppError::NotFound)?;
    db::moderation_item(state.db.conn(), tenant.org, id)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// The author of an idea or comment, to tell them what a moderator did.
async fn author_of<C: ConnectionTrait>(
    conn: &C,
    tenant: &Tenant,
    item: &ModerationItem,
) -> Result<Option<PersonId>, AppError> {
    Ok(match item.subject.kind {
        SubjectKind::Idea => beacon_db::ideas::find(conn, tenant.org, item.idea)
            .await?
            .map(|i| PersonId::from_uuid(i.author_id)),
        SubjectKind::Comment => db::comment(conn, tenant.org, item.subject.id)
            .await?
            .map(|c| c.author),
    })
}

fn moderation_email(
    lang: Lang,
    act: Act,
    item: &ModerationItem,
    reason: &str,
    link: &str,
) -> (String, String) {
    let (subject_key, body_key) = match (act, item.subject.kind) {
        (Act::Hide, SubjectKind::Idea) => (
            "participation.email.idea_hidden_subject",
            "participation.email.idea_hidden_body",
        ),
        (Act::Hide, SubjectKind::Comment) => (
            "participation.email.comment_hidden_subject",
            "participation.email.comment_hidden_body",
        ),
        (Act::Restore, SubjectKind::Idea) => (
            "participation.email.idea_restored_subject",
            "participation.email.idea_restored_body",
        ),
        (Act::Restore, SubjectKind::Comment) => (
            "participation.email.comment_restored_subject",
            "participation.email.comment_restored_body",
        ),
    };
    let args = [
        ("title", item.idea_title.as_str()),
        ("reason", reason),
        ("link", link),
    ];
    (tf(lang, subject_key, &args), tf(lang, body_key, &args))
}

async fn act_on(
    state: AppState,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    raw: String,
    form: ReasonForm,
    act: Act,
) -> Result<Response, AppError> {
    tenant.require(Capability::Moderate)?;
    let item = item(&state, &tenant, &raw).await?;
    // Hiding what is hidden, or restoring what is not, has nothing to ask.
    match act {
        Act::Hide if item.hidden => {
            return Ok(Redirect::to("/moderation?notice=already_hidden").into_response());
        }
        Act::Restore if !item.hidden || item.merged_into.is_some() => {
            return Ok(Redirect::to("/moderation?notice=not_hidden").into_response());
        }
        _ => {}
    }
    let field = act.field(item.subject.id);
    let text = normalise_newlines(&form.reason);
    let reason = match Reason::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            let mut errors = FormErrors::new(visitor.lang);
            errors.add(
                &field,
                match (e, act) {
                    (TextError::Missing, Act::Hide) => "participation.moderation.error.hide_reason",
                    (TextError::Missing, Act::Restore) => {
                        "participation.moderation.error.restore_reason"
                    }
                    (TextError::TooLong { .. }, _) => "participation.reason_too_long",
                },
            );
            return queue_page(
                &state,
                &visitor,
                &tenant,
                &uri,
                Some(item),
                errors,
                Some((field, text)),
                None,
            )
            .await;
        }
    };
    let now = state.clock.now();
    let actor = tenant.who.actor();
    let txn = state.db.begin_writing().await?;
    let changed = match act {
        Act::Hide => db::hide(&txn, now, &actor, tenant.org, item.subject, &reason).await?,
        Act::Restore => db::restore(&txn, now, &actor, tenant.org, item.subject, &reason).await?,
    };
    if changed && let Some(author) = author_of(&txn, &tenant, &item).await? {
        let link = format!("{}{}", state.config.public_url, idea_path(item.idea));
        let (subject, body) = moderation_email(visitor.lang, act, &item, reason.as_str(), &link);
        db::notify(&txn, now, tenant.org, item.idea, &[author], &subject, &body).await?;
    }
    txn.commit().await?;
    let key = match (act, changed) {
        (Act::Hide, true) => "item_hidden",
        (Act::Hide, false) => "already_hidden",
        (Act::Restore, true) => "item_restored",
        (Act::Restore, false) => "not_hidden",
    };
    Ok(Redirect::to(&format!("/moderation?notice={key}")).into_response())
}

pub async fn hide(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, AppError> {
    act_on(state, visitor, tenant, uri, id, form, Act::Hide).await
}

pub async fn restore(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<ReasonForm>,
) -> Result<Response, AppError> {
    act_on(state, visitor, tenant, uri, id, form, Act::Restore).await
}

pub async fn dismiss(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(_): Form<NoFields>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Moderate)?;
    let item = item(&state, &tenant, &id).await?;
    let txn = state.db.begin_writing().await?;
    db::dismiss(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        item.subject,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/moderation?notice=reports_dismissed").into_response())
}

#[derive(Template)]
#[template(path = "participation/merge.html")]
struct MergePage {
    shell: Shell,
    idea: Uuid,
    idea_title: String,
    candidates: Vec<(Uuid, String)>,
    search: String,
    errors: FormErrors,
    into: String,
    reason: String,
}

impl MergePage {
    fn target_radios(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("into")
            .legend(
                Legend::text(lang.t("participation.merge.into"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(self.into.clone())
            .error_message(self.errors.message("into"));
        for (id, title) in &self.candidates {
            radios = radios.item(ChoiceItem::new(id.to_string(), title.clone()));
        }
        radios
    }

    fn reason_box(&self) -> CharacterCount {
        let lang = self.shell.lang;
        let mut count = character_count(
            lang,
            "reason",
            "reason",
            REASON_MAX,
            Label::text(lang.t("participation.merge.reason")).classes("govuk-label--s"),
            &self.reason,
            self.errors.message("reason"),
        );
        count.rows = Some("3".into());
        count
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MergeQuery {
    q: Option<String>,
    lang: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn merge_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    idea: &beacon_db::entity::idea::Model,
    search: String,
    errors: FormErrors,
    into: String,
    reason: String,
) -> Result<Response, AppError> {
    let conn = state.db.conn();
    let mut candidates =
        db::merge_candidates(conn, tenant.org, idea.id, Some(search.as_str()), CANDIDATES).await?;
    // The idea already chosen stays on offer, whatever the list shows.
    if let Ok(chosen) = into.parse::<Uuid>()
        && !candidates.iter().any(|(id, _)| *id == chosen)
        && db::is_merge_candidate(conn, tenant.org, idea.id, chosen).await?
        && let Some(found) = beacon_db::ideas::find(conn, tenant.org, chosen).await?
    {
        candidates.insert(0, (found.id, found.title));
    }
    let lang = visitor.lang;
    let shell = Shell::new(visitor, &here(uri), lang.t("participation.merge.title"))
        .back(idea_path(idea.id))
        .with_errors(!errors.is_empty());
    let failed = !errors.is_empty();
    let mut response = page(&MergePage {
        shell,
        idea: idea.id,
        idea_title: idea.title.clone(),
        candidates,
        search,
        errors,
        into,
        reason,
    })?;
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub async fn merge_form(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<MergeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Moderate)?;
    let _ = q.lang;
    let idea = open_idea(&state, &tenant, &id).await?;
    let search: String = q.q.unwrap_or_default().chars().take(100).collect();
    merge_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        &idea,
        search,
        FormErrors::new(visitor.lang),
        String::new(),
        String::new(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
    #[serde(default)]
    reason: String,
}

pub async fn merge(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<MergeForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Moderate)?;
    let idea = open_idea(&state, &tenant, &id).await?;
    let conn = state.db.conn();
    let lang = visitor.lang;
    let mut errors = FormErrors::new(lang);
    let target = match form.into.trim().parse::<Uuid>() {
        Ok(t) if db::is_merge_candidate(conn, tenant.org, idea.id, t).await? => Some(t),
        _ => {
            errors.add("into", "participation.merge.error.into");
            None
        }
    };
    let text = normalise_newlines(&form.reason);
    let reason = match Reason::parse(&text) {
        Ok(r) => Some(r),
        Err(TextError::Missing) => {
            errors.add("reason", "participation.merge.error.reason");
            None
        }
        Err(TextError::TooLong { .. }) => {
            errors.add("reason", "participation.reason_too_long");
            None
        }
    };
    let (Some(target), Some(reason), true) = (target, reason, errors.is_empty()) else {
        return merge_page(
            &state,
            &visitor,
            &tenant,
            &uri,
            &idea,
            String::new(),
            errors,
            form.into,
            text,
        )
        .await;
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let merged = match db::merge(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        target,
        &reason,
    )
    .await
    {
        Ok(m) => m,
        Err(MergeError::BadTarget) => {
            txn.rollback().await?;
            let mut errors = FormErrors::new(lang);
            errors.add("into", "participation.merge.error.into");
            return merge_page(
                &state,
                &visitor,
                &tenant,
                &uri,
                &idea,
                String::new(),
                errors,
                form.into,
                text,
            )
            .await;
        }
        Err(MergeError::Db(e)) => return Err(e.into()),
    };
    let link = format!("{}{}", state.config.public_url, idea_path(target));
    let args = [
        ("duplicate", merged.duplicate_title.as_str()),
        ("target", merged.target_title.as_str()),
        ("reason", reason.as_str()),
        ("link", link.as_str()),
    ];
    db::notify(
        &txn,
        now,
        tenant.org,
        target,
        &[merged.duplicate_author],
        &tf(lang, "participation.email.merged_yours_subject", &args),
        &tf(lang, "participation.email.merged_yours_body", &args),
    )
    .await?;
    if merged.target_author != merged.duplicate_author {
        db::notify(
            &txn,
            now,
            tenant.org,
            target,
            &[merged.target_author],
            &tf(lang, "participation.email.merged_into_subject", &args),
            &tf(lang, "participation.email.merged_into_body", &args),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=merged", idea_path(target))).into_response())
}
