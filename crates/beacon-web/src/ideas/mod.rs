//! The ideas pages of the innovation pipeline (DESIGN.md §3.1): challenges,
//! ideas and their submission, an idea's page with its history and the form
//! that moves it between stages, and each organisation's stage configuration.
//!
//! The rules live in `beacon_core::pipeline::stages` (moves, gates,
//! audiences) and `similarity` (similar ideas); these handlers parse forms,
//! ask the rules, and store through `beacon_db`.
mod challenges;
mod idea_page;
mod list;
mod stage_config;
mod submit;

/// The idea if the visitor may see it: `pipeline::idea_in` plus the audience
/// of the challenge it answers. Other parts' idea pages may use it too.
pub(crate) use idea_page::visible_idea;

use crate::i18n::Lang;
use crate::routes::{Access, Route, route};
use crate::visitor::Tenant;
use axum::http::Method;
use axum::routing::{get, post};
use beacon_core::Role;
use beacon_core::permission::Capability;
use beacon_core::pipeline::stages::{Pipeline, ServiceArea};
use beacon_core::pipeline::{Audience, Facet, IdeaKind, Lever};
use beacon_db::entity::idea;
use beacon_govuk::components::Tag;
use std::collections::HashMap;
use time::OffsetDateTime;

pub fn routes() -> Vec<Route> {
    let lead = Access::Can(Capability::RunPipeline);
    let member = Access::Member;
    vec![
        route(Method::GET, "/challenges", member, get(challenges::list)),
        route(Method::GET, "/challenges/new", lead, get(challenges::new)),
        route(
            Method::POST,
            "/challenges/new",
            lead,
            post(challenges::create),
        ),
        route(
            Method::GET,
            "/challenges/{id}",
            member,
            get(challenges::show),
        ),
        route(
            Method::GET,
            "/challenges/{id}/edit",
            lead,
            get(challenges::edit),
        ),
        route(
            Method::POST,
            "/challenges/{id}/edit",
            lead,
            post(challenges::update),
        ),
        route(Method::GET, "/ideas", member, get(list::list)),
        route(Method::GET, "/ideas/similar", member, get(list::similar)),
        route(Method::GET, "/ideas/new", member, get(submit::new)),
        route(Method::POST, "/ideas/check", member, post(submit::check)),
        route(Method::POST, "/ideas", member, post(submit::create)),
        route(Method::GET, "/ideas/{id}", member, get(idea_page::show)),
        route(
            Method::POST,
            "/ideas/{id}/move",
            member,
            post(idea_page::move_idea),
        ),
        route(Method::GET, "/ideas/{id}/edit", member, get(submit::edit)),
        route(
            Method::POST,
            "/ideas/{id}/edit",
            member,
            post(submit::update),
        ),
        route(
            Method::GET,
            "/pipeline/stages",
            lead,
            get(stage_config::show),
        ),
        route(
            Method::POST,
            "/pipeline/stages",
            lead,
            post(stage_config::save),
        ),
    ]
}

/// The audiences of challenges the visitor may see.
pub(crate) fn audiences(tenant: &Tenant) -> Vec<Audience> {
    Audience::visible_to(&tenant.roles)
}

/// Whether the visitor runs the pipeline or moderates: they see who wrote a
/// pseudonymous idea.
pub(crate) fn sees_identities(tenant: &Tenant) -> bool {
    Capability::Moderate.granted_by(&tenant.roles)
        || Capability::RunPipeline.granted_by(&tenant.roles)
}

/// Who wrote an idea, as this visitor may see it: the pseudonym for everyone
/// but the author and the innovation team, who see both.
pub(crate) fn author_label(
    lang: Lang,
    tenant: &Tenant,
    idea: &idea::Model,
    names: &HashMap<uuid::Uuid, String>,
) -> String {
    let name = names
        .get(&idea.author_id)
        .cloned()
        .unwrap_or_else(|| lang.t("ideas.unknown_person").to_owned());
    match idea.pseudonym.as_deref().filter(|p| !p.is_empty()) {
        None => name,
        Some(pseudonym) => {
            let is_author = idea.author_id == tenant.who.person.id.uuid();
            if is_author || sees_identities(tenant) {
                crate::i18n::tf(
                    lang,
                    "ideas.author_with_pseudonym",
                    &[("name", &name), ("pseudonym", pseudonym)],
                )
            } else {
                pseudonym.to_owned()
            }
        }
    }
}

/// A stage's name in the visitor's language. Built-in stages that keep their
/// default name are translated; names an organisation chose are shown as
/// they wrote them.
pub(crate) fn stage_name(lang: Lang, pipeline: &Pipeline, key: &str) -> String {
    let default = Pipeline::default_stages();
    match (pipeline.stage(key), default.stage(key)) {
        (Some(s), Some(d)) if s.name == d.name => lang.t(&format!("ideas.stage.{key}")).to_owned(),
        (Some(s), _) => s.name.clone(),
        (None, Some(_)) => lang.t(&format!("ideas.stage.{key}")).to_owned(),
        (None, None) => key.to_owned(),
    }
}

/// A tag for a stage, coloured by how far along it is.
pub(crate) fn stage_tag(lang: Lang, pipeline: &Pipeline, key: &str) -> Tag {
    let colour = match key {
        "submitted" => "govuk-tag--blue",
        "screened" => "govuk-tag--light-blue",
        "business_case" => "govuk-tag--purple",
        "decision" => "govuk-tag--yellow",
        "pilot" => "govuk-tag--turquoise",
        "evaluation" => "govuk-tag--orange",
        "adopted" => "govuk-tag--green",
        "stopped" => "govuk-tag--red",
        _ => "govuk-tag--pink",
    };
    Tag::text(stage_name(lang, pipeline, key)).classes(colour)
}

pub(crate) fn kind_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<IdeaKind>()
        .map_or("", |k| lang.t(&format!("ideas.kind.{}", k.key())))
}

pub(crate) fn facet_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<Facet>()
        .map_or("", |f| lang.t(&format!("ideas.facet.{}", f.key())))
}

pub(crate) fn lever_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<Lever>()
        .map_or("", |l| lang.t(&format!("ideas.lever.{}", l.key())))
}

pub(crate) fn area_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<ServiceArea>()
        .map_or("", |a| lang.t(&format!("ideas.area.{}", a.key())))
}

pub(crate) fn audience_label(lang: Lang, audience: Audience) -> &'static str {
    lang.t(&format!("challenges.audience.{}", audience.key()))
}

pub(crate) fn role_label(lang: Lang, role: Role) -> &'static str {
    lang.t(&format!("role.{}", role.key()))
}

/// "22 Nov 2026 14:05", in the visitor's language.
pub(crate) fn date_time(lang: Lang, at: OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        crate::pipeline::format_date(lang, at.date()),
        at.hour(),
        at.minute()
    )
}

/// Paragraphs of user text, split on blank lines, for templates to print
/// one `<p>` each (askama escapes every one).
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines() {
        assert_eq!(
            paragraphs("One\nstill one\n\n\n  Two  \n\n"),
            vec!["One\nstill one", "Two"]
        );
    }

    #[test]
    fn default_stage_names_are_translated_and_chosen_names_kept() {
        let mut stages = Pipeline::default_stages().into_stages();
        stages[1].name = "Triage".into();
        let pipeline = Pipeline::new(stages).unwrap_or_default();
        assert_eq!(stage_name(Lang::Cy, &pipeline, "screened"), "Triage");
        assert_ne!(stage_name(Lang::Cy, &pipeline, "submitted"), "Submitted");
        assert_eq!(stage_name(Lang::En, &pipeline, "submitted"), "Submitted");
        assert_eq!(stage_name(Lang::En, &pipeline, "gone"), "gone");
    }
}
