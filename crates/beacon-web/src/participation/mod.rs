//! Supports, comments, following and moderation of ideas (DESIGN.md §3.1),
//! the notifications they send, and the public page where residents ask to
//! take part in a council's open challenges.
//!
//! Any member may support, follow, comment and report; moderators (the
//! innovation lead) hide and restore ideas and comments, dismiss reports and
//! merge duplicates. Every idea is found through `pipeline::idea_in`, so
//! another council's idea, or a hidden one, is "not found".
mod actions;
mod join;
mod moderation;
mod notifications;

use crate::app::AppState;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::visitor::Tenant;
use askama::Template;
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_db::entity::idea;
use beacon_db::participation::{self as db, Comment};
use time::OffsetDateTime;
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    let member = Access::Member;
    let moderate = Access::Can(Capability::Moderate);
    vec![
        route(
            Method::POST,
            "/ideas/{id}/support",
            member,
            post(actions::support),
        ),
        route(
            Method::POST,
            "/ideas/{id}/support/withdraw",
            member,
            post(actions::withdraw_support),
        ),
        route(
            Method::POST,
            "/ideas/{id}/follow",
            member,
            post(actions::follow),
        ),
        route(
            Method::POST,
            "/ideas/{id}/unfollow",
            member,
            post(actions::unfollow),
        ),
        route(
            Method::POST,
            "/ideas/{id}/comments",
            member,
            post(actions::add_comment),
        ),
        route(
            Method::GET,
            "/ideas/{id}/report",
            member,
            get(actions::report_form),
        ),
        route(
            Method::POST,
            "/ideas/{id}/report",
            member,
            post(actions::send_report),
        ),
        route(Method::GET, "/moderation", moderate, get(moderation::queue)),
        route(
            Method::POST,
            "/moderation/{id}/hide",
            moderate,
            post(moderation::hide),
        ),
        route(
            Method::POST,
            "/moderation/{id}/restore",
            moderate,
            post(moderation::restore),
        ),
        route(
            Method::POST,
            "/moderation/{id}/dismiss",
            moderate,
            post(moderation::dismiss),
        ),
        route(
            Method::GET,
            "/ideas/{id}/merge",
            moderate,
            get(moderation::merge_form),
        ),
        route(
            Method::POST,
            "/ideas/{id}/merge",
            moderate,
            post(moderation::merge),
        ),
        route(
            Method::GET,
            "/notifications",
            member,
            get(notifications::list),
        ),
        route(
            Method::POST,
            "/notifications/read",
            member,
            post(notifications::mark_read),
        ),
        route(Method::GET, "/join/{slug}", Access::Public, get(join::show)),
        route(
            Method::POST,
            "/join/{slug}",
            Access::Public,
            post(join::request),
        ),
    ]
}

/// Whether the visitor moderates their current organisation.
fn moderates(tenant: &Tenant) -> bool {
    Capability::Moderate.granted_by(&tenant.roles)
}

/// The idea's page, where every action here returns.
fn idea_path(idea: Uuid) -> String {
    format!("/ideas/{idea}")
}

/// "23 Nov 2026, 14:05", with the month in the visitor's language.
fn when(lang: Lang, at: &OffsetDateTime) -> String {
    format!(
        "{}, {:02}:{:02}",
        crate::pipeline::format_date(lang, at.date()),
        at.hour(),
        at.minute()
    )
}

/// The supports, follow button and comments shown on an idea's page. The
/// ideas page embeds it with `{{ participation }}`.
#[derive(Template)]
#[template(path = "participation/idea_panel.html")]
pub struct IdeaParticipation {
    pub shell: Shell,
    idea: Uuid,
    /// The idea is hidden or merged: only its author and moderators see this
    /// panel, and nobody can act on the idea.
    hidden: bool,
    hidden_reason: Option<String>,
    merged_into: Option<Uuid>,
    supports: u64,
    supported: bool,
    following: bool,
    is_author: bool,
    can_moderate: bool,
    comments: Vec<Comment>,
}

// The panel's own template escapes everything it shows, so the page that
// embeds it may write it as it is.
impl askama::filters::HtmlSafe for IdeaParticipation {}

impl IdeaParticipation {
    fn when(&self, at: &OffsetDateTime) -> String {
        when(self.shell.lang, at)
    }

    fn support_text(&self) -> String {
        match self.supports {
            0 => self.shell.t("participation.panel.no_supports").to_owned(),
            1 => self.shell.t("participation.panel.one_support").to_owned(),
            n => self.shell.tf(
                "participation.panel.supports",
                &[("count", n.to_string().as_str())],
            ),
        }
    }

    fn comments_heading(&self) -> String {
        let visible = self.comments.iter().filter(|c| !c.hidden).count();
        self.shell.tf(
            "participation.panel.comments_heading",
            &[("count", visible.to_string().as_str())],
        )
    }

    fn comment_box(&self) -> beacon_govuk::components::CharacterCount {
        actions::comment_box(self.shell.lang, "", None)
    }
}

pub async fn for_idea(
    state: &AppState,
    tenant: &Tenant,
    shell: &Shell,
    idea: &idea::Model,
) -> Result<IdeaParticipation, AppError> {
    let conn = state.db.conn();
    let me = tenant.who.person.id;
    let can_moderate = moderates(tenant);
    let hidden_reason = if idea.hidden {
        db::hidden_reason(conn, tenant.org, idea.id).await?
    } else {
        None
    };
    Ok(IdeaParticipation {
        shell: shell.clone(),
        idea: idea.id,
        hidden: idea.hidden,
        hidden_reason,
        merged_into: idea.merged_into,
        supports: db::support_count(conn, tenant.org, idea.id).await?,
        supported: db::has_supported(conn, tenant.org, idea.id, me).await?,
        following: db::is_following(conn, tenant.org, idea.id, me).await?,
        is_author: idea.author_id == me.uuid(),
        can_moderate,
        comments: db::comments(conn, tenant.org, idea.id, can_moderate).await?,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::visitor::Visitor;
    use askama::Template;
    use beacon_core::PersonId;

    fn panel(lang: Lang, comments: Vec<Comment>, can_moderate: bool) -> IdeaParticipation {
        let visitor = Visitor {
            lang,
            csrf_token: "token".into(),
            signed_in: None,
        };
        IdeaParticipation {
            shell: Shell::new(&visitor, "/ideas/x", "Idea"),
            idea: Uuid::nil(),
            hidden: false,
            hidden_reason: None,
            merged_into: None,
            supports: 3,
            supported: false,
            following: false,
            is_author: false,
            can_moderate,
            comments,
        }
    }

    fn comment(body: &str, hidden: bool) -> Comment {
        Comment {
            id: Uuid::new_v4(),
            idea: Uuid::nil(),
            author: PersonId::from_uuid(Uuid::nil()),
            author_name: "<b>Eve</b>".into(),
            body: body.into(),
            hidden,
            hidden_reason: hidden.then(|| "<i>spam</i>".to_owned()),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn comments_and_names_are_text() {
        let html = panel(
            Lang::En,
            vec![comment(
                "<script>alert(1)</script>\n<img src=x onerror=alert(2)>",
                false,
            )],
            false,
        )
        .render()
        .unwrap();
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img src=x"));
        assert!(!html.contains("<b>Eve</b>"));
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
        assert!(html.contains("3 people support this idea."));
        assert!(html.contains("action=\"/ideas/00000000-0000-0000-0000-000000000000/support\""));
        assert!(html.contains("name=\"csrf_token\" value=\"token\""));
        assert!(html.contains("maxlength") || html.contains("data-maxlength=\"2000\""));
    }

    #[test]
    fn hidden_comments_show_their_reason_to_moderators_only() {
        let hidden = vec![comment("Buy now", true)];
        let moderator = panel(Lang::En, hidden.clone(), true).render().unwrap();
        assert!(moderator.contains("Buy now") && moderator.contains("&#60;i&#62;spam"));
        assert!(
            moderator.contains("Comments (0)"),
            "hidden ones are not counted"
        );
    }

    #[test]
    fn the_panel_speaks_welsh() {
        let html = panel(Lang::Cy, vec![], false).render().unwrap();
        assert!(html.contains("Cefnogi'r syniad hwn") || html.contains("Cefnogi&#39;r syniad hwn"));
        assert!(html.contains("Gallwch roi hyd at 2000 nod"));
    }
}
