//! One idea's page: every answer, who wrote it (or their pseudonym), its
//! stage and history, links to the later parts of the pipeline, supports and
//! comments, and for those who may move it, the form that does.
use super::{
    area_label, audience_label, author_label, date_time, facet_label, kind_label, lever_label,
    paragraphs, stage_name, stage_tag,
};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, tf};
use crate::participation::IdeaParticipation;
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::permission::Capability;
use beacon_core::pipeline::stages::{
    BUSINESS_CASE, DECISION, EVALUATION, GateFacts, MoveKind, MoveRefused, PILOT, Pipeline, STOPPED,
};
use beacon_core::{PersonId, Role};
use beacon_db::challenges::{self, Challenge};
use beacon_db::entity::idea;
use beacon_db::{DbError, gates, ideas, participation, stages};
use beacon_govuk::components::{ChoiceItem, Legend, NotificationBanner, Radios, Tag, Textarea};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The longest reason a move may carry.
const MAX_REASON: usize = 2000;

/// The idea, if the visitor may see it: in their organisation (hidden ones
/// only to moderators and the author, see `pipeline::idea_in`), and not
/// answering a challenge for an audience they are not part of.
pub(crate) async fn visible_idea(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<idea::Model, AppError> {
    crate::pipeline::idea_in(state, tenant, raw_id).await
}

struct HistoryRow {
    when: String,
    from: Option<String>,
    to: String,
    by: String,
    reason: String,
}

struct MoveOption {
    key: String,
    label: String,
    hint: String,
}

#[derive(Template)]
#[template(path = "ideas/idea.html")]
struct IdeaPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    idea: idea::Model,
    pipeline: Pipeline,
    author: String,
    challenge: Option<Challenge>,
    history: Vec<HistoryRow>,
    links: Vec<(&'static str, String)>,
    participation: IdeaParticipation,
    moves: Vec<MoveOption>,
    chosen: String,
    reason: String,
    can_edit: bool,
    adopted_from: Option<crate::exchange::AdoptedFrom>,
}

impl IdeaPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }
    fn stage(&self) -> Tag {
        stage_tag(self.lang(), &self.pipeline, &self.idea.stage)
    }
    fn text(&self, raw: &str) -> Vec<String> {
        paragraphs(raw)
    }
    fn rows(&self) -> Vec<(&'static str, String)> {
        let lang = self.lang();
        let i = &self.idea;
        vec![
            (
                lang.t("ideas.form.service_area"),
                area_label(lang, &i.service_area).to_owned(),
            ),
            (lang.t("ideas.show.measure_today"), i.measure_today.clone()),
            (
                lang.t("ideas.show.measure_aspiration"),
                i.measure_aspiration.clone(),
            ),
            (
                lang.t("ideas.form.expected_benefit"),
                i.expected_benefit.clone(),
            ),
            (
                lang.t("ideas.form.kind"),
                kind_label(lang, &i.kind).to_owned(),
            ),
            (
                lang.t("ideas.form.facet"),
                facet_label(lang, &i.facet).to_owned(),
            ),
            (
                lang.t("ideas.form.lever"),
                lever_label(lang, &i.lever).to_owned(),
            ),
            (lang.t("ideas.show.author"), self.author.clone()),
            (
                lang.t("ideas.show.submitted"),
                crate::pipeline::format_date(lang, i.created_at.date()),
            ),
        ]
    }
    fn audience(&self) -> &'static str {
        self.challenge
            .as_ref()
            .map_or("", |c| audience_label(self.lang(), c.audience))
    }
    fn move_radios(&self) -> Radios {
        let lang = self.lang();
        let mut radios = Radios::new("to")
            .legend(Legend::text(lang.t("ideas.move.to")).classes("govuk-fieldset__legend--s"))
            .value(self.chosen.clone())
            .error_message(self.errors.message("to"));
        for m in &self.moves {
            let mut item = ChoiceItem::new(m.key.clone(), m.label.clone());
            if !m.hint.is_empty() {
                item = item.hint(m.hint.clone());
            }
            radios = radios.item(item);
        }
        radios
    }
    fn reason_box(&self) -> Textarea {
        let lang = self.lang();
        Textarea::new("reason")
            .label(
                beacon_govuk::components::Label::text(lang.t("ideas.move.reason"))
                    .classes("govuk-label--s"),
            )
            .hint(lang.t("ideas.move.reason_hint"))
            .value(self.reason.clone())
            .rows(4)
            .error_message(self.errors.message("reason"))
    }
}

/// Whether the visitor works inside the organisation (not a resident or a
/// partner): they see an idea's business case, pilot and evaluation.
fn insider(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| !matches!(r, Role::Resident | Role::Partner))
}

/// Links to the later parts of the pipeline that apply to how far the idea
/// has got and to the visitor's roles.
fn links(
    pipeline: &Pipeline,
    idea: &idea::Model,
    furthest: usize,
    tenant: &Tenant,
) -> Vec<(&'static str, String)> {
    let reached = |key: &str| pipeline.position(key).is_some_and(|p| furthest >= p);
    let roles = &tenant.roles;
    let author = idea.author_id == tenant.who.person.id.uuid();
    let can = |c: Capability| c.granted_by(roles);
    let lead = can(Capability::RunPipeline);
    let follows_work = author || insider(roles);
    let id = idea.id;
    let mut out = Vec::new();
    if reached(BUSINESS_CASE) && follows_work {
        out.push((
            "ideas.links.business_case",
            format!("/ideas/{id}/business-case"),
        ));
        out.push(("ideas.links.risks", format!("/ideas/{id}/risks")));
    }
    if reached(DECISION) && (lead || can(Capability::ScoreCases)) {
        out.push(("ideas.links.panel", format!("/ideas/{id}/panel")));
    }
    if reached(DECISION) && (lead || can(Capability::DecideFunding)) {
        // The decision is recorded on the panel page (its form posts to
        // `/ideas/{id}/decision`, which has no page of its own).
        out.push(("ideas.links.decision", format!("/ideas/{id}/panel#decide")));
    }
    if reached(PILOT) && follows_work {
        out.push(("ideas.links.pilot", format!("/ideas/{id}/pilot")));
    }
    if reached(EVALUATION) && follows_work {
        out.push(("ideas.links.evaluation", format!("/ideas/{id}/evaluation")));
    }
    let finished = pipeline.stage(&idea.stage).is_some_and(|s| s.terminal);
    if finished && reached(PILOT) && lead {
        out.push(("ideas.links.case_study", format!("/ideas/{id}/case-study")));
    }
    out
}

/// How the history names a person: an author with a pseudonym keeps it,
/// even in their own idea's history, for everyone who sees the pseudonym.
fn mover_label(
    lang: Lang,
    tenant: &Tenant,
    idea: &idea::Model,
    names: &HashMap<Uuid, String>,
    who: Option<Uuid>,
) -> String {
    match who {
        None => lang.t("ideas.show.by_system").to_owned(),
        Some(id) if id == idea.author_id => author_label(lang, tenant, idea, names),
        Some(id) => names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| lang.t("ideas.unknown_person").to_owned()),
    }
}

fn requirement_hint(
    lang: Lang,
    pipeline: &Pipeline,
    facts: &GateFacts,
    from: &str,
    to: &str,
) -> String {
    let Some(stage) = pipeline.stage(to) else {
        return String::new();
    };
    let unmet: Vec<&str> = stage
        .requirements
        .iter()
        .filter(|r| !facts.meets(**r))
        .filter(|r| {
            // Stopped before a pilot: the reason is the lessons.
            !(to == STOPPED && pipeline.before_pilot(from))
                || **r != beacon_core::pipeline::stages::Requirement::LessonsRecorded
        })
        .map(|r| lang.t(&format!("ideas.requirement.{}", r.key())))
        .collect();
    let mut hint = String::new();
    if to == STOPPED && pipeline.before_pilot(from) {
        hint.push_str(lang.t("ideas.move.stop_hint_early"));
    } else if to == STOPPED {
        hint.push_str(lang.t("ideas.move.stop_hint_late"));
    }
    if !unmet.is_empty() {
        if !hint.is_empty() {
            hint.push(' ');
        }
        hint.push_str(&tf(
            lang,
            "ideas.move.unmet",
            &[("needs", &unmet.join("; "))],
        ));
    }
    hint
}

#[allow(clippy::too_many_arguments)]
async fn idea_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    idea: idea::Model,
    errors: FormErrors,
    chosen: String,
    reason: String,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let conn = state.db.conn();
    let pipeline = stages::load(conn, tenant.org).await?;
    let history = ideas::history(conn, tenant.org, idea.id).await?;
    let names = ideas::names(
        conn,
        history
            .iter()
            .filter_map(|m| m.moved_by)
            .chain([idea.author_id]),
    )
    .await?;
    let challenge = match idea.challenge_id {
        Some(c) => challenges::find(conn, tenant.org, c).await?,
        None => None,
    };
    let furthest = history
        .iter()
        .map(|m| m.to_stage.as_str())
        .chain([idea.stage.as_str()])
        .filter(|k| *k != STOPPED)
        .filter_map(|k| pipeline.position(k))
        .max()
        .unwrap_or(0);
    let moves = if idea.hidden || idea.merged_into.is_some() {
        Vec::new()
    } else {
        let facts = gates::facts(conn, tenant.org, idea.id).await?;
        pipeline
            .moves_from(&idea.stage)
            .into_iter()
            .filter(|(_, s)| s.movable_by(&tenant.roles))
            .map(|(kind, s)| {
                let name = stage_name(lang, &pipeline, &s.key);
                MoveOption {
                    key: s.key.clone(),
                    label: tf(
                        lang,
                        &format!("ideas.move.{}", kind.key()),
                        &[("stage", &name)],
                    ),
                    hint: requirement_hint(lang, &pipeline, &facts, &idea.stage, &s.key),
                }
            })
            .collect()
    };
    let history_rows = history
        .iter()
        .map(|m| HistoryRow {
            when: date_time(lang, m.moved_at),
            from: m
                .from_stage
                .as_deref()
                .map(|k| stage_name(lang, &pipeline, k)),
            to: stage_name(lang, &pipeline, &m.to_stage),
            by: mover_label(lang, tenant, &idea, &names, m.moved_by),
            reason: m.reason.clone(),
        })
        .collect();
    let author = author_label(lang, tenant, &idea, &names);
    let is_author = idea.author_id == tenant.who.person.id.uuid();
    let can_edit = is_author && idea.stage == ideas::FIRST_STAGE;
    let shell = Shell::new(visitor, &here(uri), idea.title.clone())
        .crumb(lang.t("ideas.list.title"), "/ideas")
        .with_errors(!errors.is_empty());
    let participation = crate::participation::for_idea(state, tenant, &shell, &idea).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let adopted_from = crate::exchange::adopted_from(state, tenant, idea.id).await?;
    let mut response = page(&IdeaPage {
        adopted_from,
        notice: notice(lang, notice_key),
        links: links(&pipeline, &idea, furthest, tenant),
        shell,
        errors,
        pipeline,
        author,
        challenge,
        history: history_rows,
        participation,
        moves,
        chosen,
        reason,
        can_edit,
        idea,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let idea = visible_idea(&state, &tenant, &id).await?;
    idea_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        idea,
        FormErrors::new(visitor.lang),
        String::new(),
        String::new(),
        q.notice.as_deref(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MoveForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

/// The message for a refused move, and the field it belongs to.
fn refusal(refused: &MoveRefused) -> (&'static str, String) {
    match refused {
        MoveRefused::ReasonMissing => ("reason", "ideas.move.error.reason_missing".into()),
        MoveRefused::RequirementUnmet(r) => ("to", format!("ideas.move.error.{}", r.key())),
        other => ("to", format!("ideas.move.error.{}", other.key())),
    }
}

/// Move an idea: the rule is checked in the core with the visitor's roles
/// and what the database knows about the idea; the move, its history entry,
/// its audit event and the notifications land together or not at all.
pub async fn move_idea(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Result<Response, AppError> {
    let idea = visible_idea(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let pipeline = stages::load(conn, tenant.org).await?;
    // Someone who may move ideas into none of the stages open to this one is
    // refused outright; the page never offered them the form.
    let may_move_any = pipeline
        .moves_from(&idea.stage)
        .iter()
        .any(|(_, s)| s.movable_by(&tenant.roles));
    if !may_move_any && !pipeline.stage(&idea.stage).is_some_and(|s| s.terminal) {
        return Err(AppError::Forbidden);
    }
    let reason = form.reason.trim().to_owned();
    let mut errors = FormErrors::new(lang);
    if form.to.is_empty() {
        errors.add("to", "ideas.move.error.to_missing");
    } else if reason.chars().count() > MAX_REASON {
        errors.add("reason", "ideas.move.error.reason_too_long");
    } else if idea.hidden || idea.merged_into.is_some() {
        errors.add("to", "ideas.move.error.not_active");
    } else {
        let facts = gates::facts(conn, tenant.org, idea.id).await?;
        if let Err(refused) =
            pipeline.check_move(&idea.stage, &form.to, &tenant.roles, &facts, &reason)
        {
            if refused == MoveRefused::RoleMayNotMove && !may_move_any {
                return Err(AppError::Forbidden);
            }
            let (field, key) = refusal(&refused);
            errors.add(field, &key);
        }
    }
    if !errors.is_empty() {
        return idea_page(
            &state,
            &visitor,
            &tenant,
            &uri,
            idea,
            errors,
            form.to,
            form.reason,
            None,
        )
        .await;
    }
    let kind = pipeline.kind_of(&idea.stage, &form.to);
    let now = state.clock.now();
    let txn = beacon_db::begin_writing(conn).await?;
    match ideas::move_stage(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        &idea.stage,
        &form.to,
        &reason,
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            let mut errors = FormErrors::new(lang);
            errors.add("to", "ideas.move.error.moved_meanwhile");
            let fresh = visible_idea(&state, &tenant, &id).await?;
            let mut response = idea_page(
                &state,
                &visitor,
                &tenant,
                &uri,
                fresh,
                errors,
                String::new(),
                form.reason,
                None,
            )
            .await?;
            *response.status_mut() = StatusCode::CONFLICT;
            return Ok(response);
        }
        Err(e) => return Err(e.into()),
    }
    let mut recipients: Vec<PersonId> = participation::followers(&txn, tenant.org, idea.id).await?;
    recipients.push(PersonId::from_uuid(idea.author_id));
    recipients.sort();
    recipients.dedup();
    recipients.retain(|p| *p != tenant.who.person.id);
    if !recipients.is_empty() {
        let (subject, body) = move_message(&state, &pipeline, &idea, &form.to, &reason, kind);
        participation::notify(&txn, now, tenant.org, idea.id, &recipients, &subject, &body).await?;
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!("/ideas/{}?notice=idea_moved", idea.id)).into_response())
}

/// The notification of a move, in English then Welsh: the people told may
/// read either, and a notification is written once for all of them.
fn move_message(
    state: &AppState,
    pipeline: &Pipeline,
    idea: &idea::Model,
    to: &str,
    reason: &str,
    kind: Option<MoveKind>,
) -> (String, String) {
    let link = format!("{}/ideas/{}", state.config.public_url, idea.id);
    let part = |lang: Lang| {
        let from = stage_name(lang, pipeline, &idea.stage);
        let to = stage_name(lang, pipeline, to);
        let args: [(&str, &str); 4] = [
            ("title", &idea.title),
            ("from", &from),
            ("to", &to),
            ("link", &link),
        ];
        let subject = tf(lang, "ideas.notify.subject", &args);
        let mut body = tf(
            lang,
            match kind {
                Some(MoveKind::Back) => "ideas.notify.body_back",
                Some(MoveKind::Stop) => "ideas.notify.body_stop",
                _ => "ideas.notify.body_forward",
            },
            &args,
        );
        if !reason.is_empty() {
            body.push_str("\n\n");
            body.push_str(&tf(lang, "ideas.notify.reason", &[("reason", reason)]));
        }
        body.push_str("\n\n");
        body.push_str(&tf(lang, "ideas.notify.link", &args));
        (subject, body)
    };
    let (en_subject, en_body) = part(Lang::En);
    let (cy_subject, cy_body) = part(Lang::Cy);
    (
        format!("{en_subject} / {cy_subject}"),
        format!("{en_body}\n\n---\n\n{cy_body}"),
    )
}
