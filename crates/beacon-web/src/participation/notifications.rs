//! A person's own notifications in their current organisation.
use super::{idea_path, moderates, when};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, notice};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_db::participation::{self as db, Notification, ReadScope};
use beacon_govuk::components::NotificationBanner;
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

const PER_PAGE: u64 = 20;

#[derive(Template)]
#[template(path = "participation/notifications.html")]
struct NotificationsPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    notifications: Vec<Notification>,
    unread: u64,
    page: u64,
    pages: u64,
}

impl NotificationsPage {
    fn when(&self, at: &OffsetDateTime) -> String {
        when(self.shell.lang, at)
    }

    fn idea_href(&self, idea: &Uuid) -> String {
        idea_path(*idea)
    }

    fn unread_text(&self) -> String {
        match self.unread {
            0 => self
                .shell
                .t("participation.notifications.none_unread")
                .to_owned(),
            1 => self
                .shell
                .t("participation.notifications.one_unread")
                .to_owned(),
            n => self.shell.tf(
                "participation.notifications.unread",
                &[("count", n.to_string().as_str())],
            ),
        }
    }

    fn page_href(&self, page: u64) -> String {
        format!("/notifications?page={page}")
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    notice: Option<String>,
    lang: Option<String>,
    page: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let conn = state.db.conn();
    let me = tenant.who.person.id;
    let sees_hidden = moderates(&tenant);
    let page_no = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let (notifications, total) =
        db::notifications(conn, tenant.org, me, sees_hidden, page_no, PER_PAGE).await?;
    let unread = db::unread_count(conn, tenant.org, me, sees_hidden).await?;
    let lang = visitor.lang;
    let shell = Shell::new(
        &visitor,
        &here(&uri),
        lang.t("participation.notifications.title"),
    );
    page(&NotificationsPage {
        shell,
        notice: notice(lang, q.notice.as_deref()),
        notifications,
        unread,
        page: page_no,
        pages: total.div_ceil(PER_PAGE).max(1),
    })
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReadForm {
    /// One notification's id…
    #[serde(default)]
    id: String,
    /// …or `yes` for all of them.
    #[serde(default)]
    all: String,
}

pub async fn mark_read(
    State(state): State<AppState>,
    tenant: Tenant,
    Form(form): Form<ReadForm>,
) -> Result<Response, AppError> {
    let scope = if form.all == "yes" {
        ReadScope::All
    } else {
        let id: Uuid = form
            .id
            .trim()
            .parse()
            .map_err(|_| AppError::BadRequest("notification".into()))?;
        ReadScope::One(id)
    };
    db::mark_read(
        state.db.conn(),
        state.clock.now(),
        tenant.org,
        tenant.who.person.id,
        scope,
    )
    .await?;
    Ok(Redirect::to("/notifications?notice=notifications_read").into_response())
}
