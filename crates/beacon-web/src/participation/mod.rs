//! Supports, comments, following and moderation of ideas (DESIGN.md §3.1).
use crate::app::AppState;
use crate::error::AppError;
use crate::routes::Route;
use crate::shell::Shell;
use crate::visitor::Tenant;
use askama::Template;
use beacon_db::entity::idea;

pub fn routes() -> Vec<Route> {
    Vec::new()
}

/// The supports, follow button and comments shown on an idea's page. The
/// ideas page embeds it with `{{ participation }}`.
#[derive(Template)]
#[template(path = "participation/idea_panel.html")]
pub struct IdeaParticipation {
    pub shell: Shell,
}

pub async fn for_idea(
    _state: &AppState,
    _tenant: &Tenant,
    shell: &Shell,
    _idea: &idea::Model,
) -> Result<IdeaParticipation, AppError> {
    Ok(IdeaParticipation {
        shell: shell.clone(),
    })
}
