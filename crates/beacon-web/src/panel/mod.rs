//! The panel pages of the innovation pipeline (DESIGN.md §3.1): the queue of
//! ideas before the panel, and for each idea the declaration of interests,
//! the private scoring, the aggregate (shown only after scoring) and the
//! funding decision.
mod forms;
mod page;

use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, tf};
use crate::pipeline::{idea_in, pounds};
use crate::public::{here, page as render};
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_core::pipeline::panel::{Decision, FundingError};
use beacon_db::entity::idea;
use beacon_db::panel::{self, Announcement, PanelError, Proposal};
use forms::{DecisionForm, DeclarationForm, ScoreDraft};

pub fn routes() -> Vec<Route> {
    let score = Access::Can(Capability::ScoreCases);
    vec![
        route(Method::GET, "/panel", score, get(queue)),
        route(Method::GET, "/ideas/{id}/panel", score, get(show)),
        route(
            Method::POST,
            "/ideas/{id}/panel/declaration",
            score,
            post(declare),
        ),
        route(
            Method::POST,
            "/ideas/{id}/panel/scores",
            score,
            post(submit_scores),
        ),
        route(
            Method::POST,
            "/ideas/{id}/decision",
            Access::Can(Capability::DecideFunding),
            post(decide),
        ),
    ]
}

async fn queue(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ScoreCases)?;
    let _ = q.lang;
    let groups = panel::queue(state.db.conn(), tenant.org, tenant.who.person.id).await?;
    let shell = Shell::new(&visitor, &here(&uri), visitor.lang.t("panel.queue.title"));
    render(&page::QueuePage::new(shell, groups))
}

/// What a refused form sent, so the page shows it back.
#[derive(Default)]
pub(super) struct Drafts {
    pub declaration: DeclarationForm,
    pub scores: ScoreDraft,
    pub decision: DecisionForm,
}

/// What the page says back after a request: a success notice, or the errors
/// of a refused form with what was typed in it.
pub(super) struct Feedback<'a> {
    pub errors: FormErrors,
    pub notice: Option<&'a str>,
    pub drafts: Drafts,
}

async fn idea_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    found: idea::Model,
    feedback: Feedback<'_>,
) -> Result<Response, AppError> {
    let Feedback {
        errors,
        notice: notice_key,
        drafts,
    } = feedback;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let me = tenant.who.person.id;
    let facts = page::Facts::load(state, tenant, lang, &found).await?;
    let standing = panel::standing(conn, tenant.org, found.id, me).await?;
    let own = panel::own_declaration(conn, tenant.org, found.id, me).await?;
    let visible = panel::visible_scores(conn, tenant.org, found.id, me).await?;
    let shell = Shell::new(
        visitor,
        &here(uri),
        tf(lang, "panel.idea.title", &[("title", &found.title)]),
    )
    .crumb(lang.t("panel.queue.title"), "/panel")
    .with_errors(!errors.is_empty());
    let can_decide = tenant
        .roles
        .iter()
        .any(|r| Capability::DecideFunding.roles().contains(r));
    let view = page::IdeaPage {
        notice: notice(lang, notice_key),
        declaration: page::DeclarationSection::new(lang, &found, own.as_ref(), &errors, &drafts),
        scoring: page::ScoringSection::new(
            lang,
            &found,
            standing,
            own.as_ref(),
            &facts.criteria,
            &errors,
            &drafts,
        ),
        scores: page::ScoresSection::new(lang, standing, visible, me),
        decision: if can_decide {
            Some(page::DecisionSection::new(
                lang, &found, standing, &facts, &errors, &drafts,
            ))
        } else {
            None
        },
        facts,
        idea_id: found.id,
        title: found.title,
        errors,
        shell,
    };
    render(&view)
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ScoreCases)?;
    let _ = q.lang;
    let found = idea_in(&state, &tenant, &id).await?;
    idea_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        found,
        Feedback {
            errors: FormErrors::new(visitor.lang),
            notice: q.notice.as_deref(),
            drafts: Drafts::default(),
        },
    )
    .await
}

/// The page again with the errors, answering `status`; nothing was written.
#[allow(clippy::too_many_arguments)]
async fn refused(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    found: idea::Model,
    errors: FormErrors,
    drafts: Drafts,
    status: StatusCode,
) -> Result<Response, AppError> {
    let feedback = Feedback {
        errors,
        notice: None,
        drafts,
    };
    let mut response = idea_page(state, visitor, tenant, uri, found, feedback).await?;
    *response.status_mut() = status;
    Ok(response)
}

fn back_to(idea: uuid::Uuid, notice: &str) -> Response {
    Redirect::to(&format!("/ideas/{idea}/panel?notice={notice}")).into_response()
}

async fn declare(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<DeclarationForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ScoreCases)?;
    let found = idea_in(&state, &tenant, &id).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let drafts = |form| Drafts {
        declaration: form,
        ..Drafts::default()
    };
    let Some(declared) = form.parse(&mut errors) else {
        return refused(
            &state,
            &visitor,
            &tenant,
            &uri,
            found,
            errors,
            drafts(form),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let conflict = matches!(declared, panel::Declared::Conflict(_));
    let result = panel::declare(
        state.db.conn(),
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        found.id,
        tenant.who.person.id,
        declared,
    )
    .await;
    let key = match result {
        Ok(()) if conflict => return Ok(back_to(found.id, "panel_conflict_declared")),
        Ok(()) => return Ok(back_to(found.id, "panel_declared")),
        Err(PanelError::AlreadyDeclared) => "panel.declare.error.already",
        Err(PanelError::OwnIdea) => {
            errors.add("conflict", "panel.declare.error.own_idea");
            return refused(
                &state,
                &visitor,
                &tenant,
                &uri,
                found,
                errors,
                drafts(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(PanelError::NotAtPanel) => "panel.declare.error.closed",
        Err(other) => return Err(unexpected(other)),
    };
    errors.add("declare", key);
    refused(
        &state,
        &visitor,
        &tenant,
        &uri,
        found,
        errors,
        drafts(form),
        StatusCode::CONFLICT,
    )
    .await
}

async fn submit_scores(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ScoreCases)?;
    let found = idea_in(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let me = tenant.who.person.id;
    let criteria = panel::criteria(conn, tenant.org, &found).await?;
    let draft = ScoreDraft::read(pairs, &criteria)?;
    let mut errors = FormErrors::new(lang);
    // Whether this reviewer may score at all comes before what they typed:
    // a conflicted reviewer has no scoring form to correct.
    let standing = panel::standing(conn, tenant.org, found.id, me).await?;
    let state_error = if found.stage != panel::DECISION_STAGE {
        Some("panel.score.error.closed")
    } else {
        state_refusal(standing)
    };
    if let Some(key) = state_error {
        errors.add("score", key);
        return refused(
            &state,
            &visitor,
            &tenant,
            &uri,
            found,
            errors,
            Drafts::default(),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let drafts = |scores| Drafts {
        scores,
        ..Drafts::default()
    };
    let Some(given) = draft.parse(&criteria, lang, &mut errors) else {
        return refused(
            &state,
            &visitor,
            &tenant,
            &uri,
            found,
            errors,
            drafts(draft),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let result = panel::submit_scores(
        conn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        found.id,
        me,
        &given,
    )
    .await;
    let (key, status) = match result {
        Ok(()) => return Ok(back_to(found.id, "panel_scored")),
        // The form matched the criteria when it was read; they changed
        // before the scores were stored.
        Err(PanelError::Incomplete(_)) => ("panel.score.error.changed", StatusCode::CONFLICT),
        Err(PanelError::NotDeclared) => ("panel.score.error.not_declared", StatusCode::CONFLICT),
        Err(PanelError::Conflicted) => ("panel.score.error.conflicted", StatusCode::CONFLICT),
        Err(PanelError::AlreadyScored) => ("panel.score.error.already", StatusCode::CONFLICT),
        Err(PanelError::NotAtPanel) => ("panel.score.error.closed", StatusCode::CONFLICT),
        Err(other) => return Err(unexpected(other)),
    };
    errors.add("score", key);
    refused(
        &state,
        &visitor,
        &tenant,
        &uri,
        found,
        errors,
        drafts(draft),
        status,
    )
    .await
}

/// Why a reviewer in this standing may not score, if they may not.
fn state_refusal(standing: beacon_core::pipeline::panel::Standing) -> Option<&'static str> {
    use beacon_core::pipeline::panel::Standing::*;
    match standing {
        Declared => None,
        Undeclared => Some("panel.score.error.not_declared"),
        Conflicted => Some("panel.score.error.conflicted"),
        Scored => Some("panel.score.error.already"),
    }
}

async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::DecideFunding)?;
    let found = idea_in(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let me = tenant.who.person.id;
    let mut errors = FormErrors::new(lang);
    // Whether a decision may be made at all comes before what was typed.
    let standing = panel::standing(conn, tenant.org, found.id, me).await?;
    let state_error = if panel::decision(conn, tenant.org, found.id).await?.is_some() {
        Some("panel.decision.error.already")
    } else if found.stage != panel::DECISION_STAGE {
        Some("panel.decision.error.closed")
    } else if !standing.may_decide() {
        Some("panel.decision.error.conflicted")
    } else if panel::score_sets(conn, tenant.org, found.id).await? == 0 {
        Some("panel.decision.error.no_scores")
    } else {
        None
    };
    if let Some(key) = state_error {
        errors.add("decide", key);
        return refused(
            &state,
            &visitor,
            &tenant,
            &uri,
            found,
            errors,
            Drafts::default(),
            StatusCode::CONFLICT,
        )
        .await;
    }
    let drafts = |decision| Drafts {
        decision,
        ..Drafts::default()
    };
    let Some(proposal) = form.parse(&mut errors) else {
        return refused(
            &state,
            &visitor,
            &tenant,
            &uri,
            found,
            errors,
            drafts(form),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let funded = matches!(proposal, Proposal::Fund { .. });
    let announcement = announce(&found, &proposal);
    let result = panel::decide(
        conn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        found.id,
        me,
        proposal,
        &announcement,
    )
    .await;
    match result {
        Ok(_) if funded => return Ok(back_to(found.id, "panel_funded")),
        Ok(_) => return Ok(back_to(found.id, "panel_declined")),
        Err(PanelError::Funding(e)) => {
            let (field, text) = funding_error(lang, e);
            errors.add_text(field, text);
            return refused(
                &state,
                &visitor,
                &tenant,
                &uri,
                found,
                errors,
                drafts(form),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => {
            let key = match e {
                PanelError::AlreadyDecided => "panel.decision.error.already",
                PanelError::NotAtPanel => "panel.decision.error.closed",
                PanelError::Conflicted => "panel.decision.error.conflicted",
                PanelError::NoScores => "panel.decision.error.no_scores",
                other => return Err(unexpected(other)),
            };
            errors.add("decide", key);
        }
    }
    refused(
        &state,
        &visitor,
        &tenant,
        &uri,
        found,
        errors,
        drafts(form),
        StatusCode::CONFLICT,
    )
    .await
}

/// The field a funding error belongs to, and what it says.
fn funding_error(lang: Lang, e: FundingError) -> (&'static str, String) {
    match e {
        FundingError::NotPositive => ("amount", lang.t("panel.decision.error.amount_zero").into()),
        FundingError::NoPot => (
            "funding_model",
            lang.t("panel.decision.error.no_pot").into(),
        ),
        FundingError::ExceedsPot { remaining } => (
            "amount",
            tf(
                lang,
                "panel.decision.error.exceeds_pot",
                &[("remaining", &pounds(remaining))],
            ),
        ),
        FundingError::ExceedsAsk { asked } => (
            "amount",
            tf(
                lang,
                "panel.decision.error.exceeds_ask",
                &[("asked", &pounds(asked))],
            ),
        ),
    }
}

/// The notification sent to the idea's author and followers. People get it
/// in English and Welsh together, since the app does not know which each
/// reads, as bilingual councils write to the public.
fn announce(found: &idea::Model, proposal: &Proposal) -> Announcement {
    let title = found.title.as_str();
    let part = |lang: Lang| -> (String, String) {
        let subject = tf(lang, "panel.notify.subject", &[("title", title)]);
        let body = match proposal {
            Proposal::Fund { amount, model } => tf(
                lang,
                "panel.notify.funded",
                &[
                    ("title", title),
                    ("amount", &pounds(*amount)),
                    ("model", lang.t(&format!("panel.model.{}", model.key()))),
                ],
            ),
            Proposal::Decline(reason) => tf(
                lang,
                "panel.notify.declined",
                &[("title", title), ("reason", reason.as_str())],
            ),
        };
        (subject, body)
    };
    let (en_subject, en_body) = part(Lang::En);
    let (cy_subject, cy_body) = part(Lang::Cy);
    Announcement {
        subject: format!("{en_subject} / {cy_subject}"),
        body: format!("{en_body}\n\n{cy_body}"),
    }
}

fn unexpected(e: PanelError) -> AppError {
    match e {
        PanelError::NotFound => AppError::NotFound,
        PanelError::Db(db) => db.into(),
        other => AppError::Internal(other.to_string()),
    }
}

/// How a recorded decision reads: "Funded: £12,000 from the challenge's pot".
pub(super) fn decision_text(lang: Lang, decision: &Decision) -> String {
    match decision {
        Decision::Funded { amount, model } => tf(
            lang,
            "panel.decision.funded",
            &[
                ("amount", &pounds(*amount)),
                ("model", lang.t(&format!("panel.model.{}", model.key()))),
            ],
        ),
        Decision::Declined { .. } => lang.t("panel.decision.declined").to_owned(),
    }
}
