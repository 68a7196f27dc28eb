//! Facilitated sessions. Any member may join one and add ways while a round is
//! open; only its facilitator (or someone who runs the pipeline) opens rounds,
//! closes it and promotes ways to ideas. Whether a round is open is decided
//! on the server, by the app's clock, when the way arrives.
use super::term;
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, lookup, tf};
use crate::pipeline::format_date;
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::PersonId;
use beacon_core::permission::Capability;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_core::text::{BoundedText, TextError};
use beacon_db::ideas::NewIdea;
use beacon_db::ideation::{
    self, MinutesError, PromoteError, Prompt, Question, Round, RoundMinutes, Session, SessionError,
    Status, Template as SessionTemplate, Title, Way, WayError, WayText,
};
use beacon_db::participation;
use beacon_govuk::components::{
    ChoiceItem, Input, Label, Legend, NotificationBanner, Radios, Select, SelectItem, Tag, Textarea,
};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

// ---------------------------------------------------------------------------
// Shared pieces.

fn session_id(raw: &str) -> Result<Uuid, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// The session, if it belongs to the visitor's organisation.
async fn session_in(state: &AppState, tenant: &Tenant, raw: &str) -> Result<Session, AppError> {
    ideation::find(state.db.conn(), tenant.org, session_id(raw)?)
        .await?
        .ok_or(AppError::NotFound)
}

/// Only the facilitator, or someone who runs the pipeline, controls a session.
fn may_control(tenant: &Tenant, session: &Session) -> bool {
    session.facilitator == tenant.who.person.id || Capability::RunPipeline.granted_by(&tenant.roles)
}

fn require_control(tenant: &Tenant, session: &Session) -> Result<(), AppError> {
    tenant.require(Capability::Facilitate)?;
    if may_control(tenant, session) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn template_label(lang: Lang, template: SessionTemplate) -> &'static str {
    lang.t(&format!("ideation.sessions.template.{}", template.key()))
}

fn status_tag(lang: Lang, status: Status) -> Tag {
    let class = match status {
        Status::Draft => "govuk-tag--grey",
        Status::Running => "govuk-tag--green",
        Status::Closed => "govuk-tag--blue",
    };
    Tag::text(lang.t(&format!("ideation.sessions.status.{}", status.key()))).classes(class)
}

/// A round's prompt in the reader's language, or the facilitator's own.
fn prompt_text(lang: Lang, round: &Round) -> String {
    if !round.prompt.is_empty() {
        return round.prompt.clone();
    }
    lookup(
        lang,
        &format!("ideation.sessions.prompt.{}", round.prompt_key),
    )
    .unwrap_or_default()
    .to_owned()
}

fn template_prompt(lang: Lang, template: SessionTemplate, position: u32) -> String {
    template
        .prompt_key(position)
        .and_then(|k| lookup(lang, &format!("ideation.sessions.prompt.{k}")))
        .unwrap_or_default()
        .to_owned()
}

fn count_ways(lang: Lang, n: usize) -> String {
    if n == 1 {
        lang.t("ideation.sessions.one_way").to_owned()
    } else {
        tf(
            lang,
            "ideation.sessions.n_ways",
            &[("count", &n.to_string())],
        )
    }
}

fn minutes_left_text(lang: Lang, minutes: i64) -> String {
    if minutes == 1 {
        lang.t("ideation.sessions.show.one_minute_left").to_owned()
    } else {
        tf(
            lang,
            "ideation.sessions.show.minutes_left",
            &[("minutes", &minutes.to_string())],
        )
    }
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

// ---------------------------------------------------------------------------
// The list.

struct SessionRow {
    href: String,
    title: String,
    template: &'static str,
    status: Tag,
    round: String,
    ways: String,
    facilitator: String,
    date: String,
}

#[derive(Template)]
#[template(path = "ideation/sessions.html")]
struct ListPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    open: Vec<SessionRow>,
    past: Vec<SessionRow>,
    can_start: bool,
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let lang = visitor.lang;
    let now = state.clock.now();
    let summaries = ideation::list(state.db.conn(), tenant.org).await?;
    let (mut open, mut past) = (Vec::new(), Vec::new());
    for s in summaries {
        let round = match &s.latest_round {
            None => lang.t("ideation.sessions.not_started").to_owned(),
            Some(r) if s.session.status == Status::Running && r.is_open(now) => tf(
                lang,
                "ideation.sessions.round_open",
                &[("n", &r.position.to_string())],
            ),
            Some(r) => tf(
                lang,
                "ideation.sessions.round_n",
                &[("n", &r.position.to_string())],
            ),
        };
        let date = s.session.closed_at.unwrap_or(s.session.created_at).date();
        let row = SessionRow {
            href: format!("/sessions/{}", s.session.id),
            title: s.session.title.clone(),
            template: template_label(lang, s.session.template),
            status: status_tag(lang, s.session.status),
            round,
            ways: s.ways.to_string(),
            facilitator: s.session.facilitator_name.clone(),
            date: format_date(lang, date),
        };
        if s.session.status == Status::Closed {
            past.push(row);
        } else {
            open.push(row);
        }
    }
    let shell = Shell::new(&visitor, &here(&uri), lang.t("ideation.sessions.title"));
    page(&ListPage {
        shell,
        notice: notice(lang, q.notice.as_deref()),
        open,
        past,
        can_start: tenant.require(Capability::Facilitate).is_ok(),
    })
}

// ---------------------------------------------------------------------------
// Starting a session.

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NewSessionForm {
    #[serde(default)]
    template: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    question: String,
}

#[derive(Template)]
#[template(path = "ideation/new_session.html")]
struct NewPage {
    shell: Shell,
    errors: FormErrors,
    form: NewSessionForm,
}

impl NewPage {
    fn template_radios(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("template")
            .legend(
                Legend::text(lang.t("ideation.sessions.new.template"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .value(self.form.template.clone())
            .error_message(self.errors.message("template"));
        for t in SessionTemplate::ALL {
            radios = radios.item(
                ChoiceItem::new(t.key(), template_label(lang, t))
                    .hint(lang.t(&format!("ideation.sessions.template_hint.{}", t.key()))),
            );
        }
        radios
    }

    fn title_input(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("title")
            .label(Label::text(lang.t("ideation.sessions.new.name")).classes("govuk-label--m"))
            .hint(lang.t("ideation.sessions.new.name_hint"))
            .value(self.form.title.clone())
            .error_message(self.errors.message("title"))
    }

    fn question_input(&self) -> Textarea {
        let lang = self.shell.lang;
        Textarea::new("question")
            .label(Label::text(lang.t("ideation.sessions.new.question")).classes("govuk-label--m"))
            .hint(lang.t("ideation.sessions.new.question_hint"))
            .rows(3)
            .value(self.form.question.clone())
            .error_message(self.errors.message("question"))
    }
}

fn new_page(
    visitor: &Visitor,
    uri: &OriginalUri,
    errors: FormErrors,
    form: NewSessionForm,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let shell = Shell::new(visitor, &here(uri), lang.t("ideation.sessions.new.title"))
        .crumb(lang.t("ideation.sessions.title"), "/sessions")
        .with_errors(!errors.is_empty());
    page(&NewPage {
        shell,
        errors,
        form,
    })
}

pub async fn new_form(
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Facilitate)?;
    let _ = (q.lang, q.notice);
    new_page(
        &visitor,
        &uri,
        FormErrors::new(visitor.lang),
        NewSessionForm::default(),
    )
}

fn text_error(errors: &mut FormErrors, field: &str, error: TextError, missing: &str, long: &str) {
    match error {
        TextError::Missing => errors.add(field, missing),
        TextError::TooLong { .. } => errors.add(field, long),
    }
}

pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Form(form): Form<NewSessionForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Facilitate)?;
    let mut errors = FormErrors::new(visitor.lang);
    let template = SessionTemplate::parse(&form.template);
    if template.is_none() {
        errors.add("template", "ideation.sessions.new.error.template");
    }
    let title = Title::parse(&form.title)
        .map_err(|e| {
            text_error(
                &mut errors,
                "title",
                e,
                "ideation.sessions.new.error.title_missing",
                "ideation.sessions.new.error.title_too_long",
            )
        })
        .ok();
    let question = Question::parse(&form.question)
        .map_err(|e| {
            text_error(
                &mut errors,
                "question",
                e,
                "ideation.sessions.new.error.question_missing",
                "ideation.sessions.new.error.question_too_long",
            )
        })
        .ok();
    let (Some(template), Some(title), Some(question)) = (template, title, question) else {
        let response = new_page(&visitor, &uri, errors, form)?;
        return Ok(with_status(response, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let txn = state.db.begin_writing().await?;
    let id = ideation::create(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        ideation::NewSession {
            template,
            title,
            question,
            facilitator: tenant.who.person.id,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/sessions/{id}?notice=session_created")).into_response())
}

// ---------------------------------------------------------------------------
// A session's page.

struct WayView {
    text: String,
    /// Only the facilitator sees who wrote each way; participants add freely.
    author: Option<String>,
    mine: bool,
    idea_href: Option<String>,
    promote_href: Option<String>,
}

struct RoundView {
    position: u32,
    prompt: String,
    count: String,
    ways: Vec<WayView>,
}

/// The round people are in now, or were in last.
struct Current {
    position: u32,
    prompt: String,
    /// Whole minutes left, rounded up; `None` once it has closed.
    minutes_left: Option<String>,
}

struct NextRound {
    position: u32,
    default_prompt: String,
}

/// What the person typed into one of the page's forms, to show again.
#[derive(Default)]
struct Drafts {
    way: String,
    /// A way that arrived after its round had closed: shown back to its
    /// author so that nothing they wrote is lost.
    refused_way: Option<String>,
    minutes: String,
    prompt: String,
}

#[derive(Template)]
#[template(path = "ideation/session.html")]
struct ShowPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    session: Session,
    template: &'static str,
    status: Tag,
    state_text: String,
    current: Option<Current>,
    rounds: Vec<RoundView>,
    total_ways: String,
    can_add: bool,
    can_control: bool,
    next_round: Option<NextRound>,
    drafts: Drafts,
}

impl ShowPage {
    fn way_input(&self) -> Textarea {
        let lang = self.shell.lang;
        let label = self
            .current
            .as_ref()
            .map(|c| c.prompt.clone())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| lang.t("ideation.sessions.show.add_way").to_owned());
        Textarea::new("way")
            .label(Label::text(label).classes("govuk-label--s"))
            .hint(lang.t("ideation.sessions.show.add_way_hint"))
            .rows(3)
            .value(self.drafts.way.clone())
            .error_message(self.errors.message("way"))
    }

    fn minutes_input(&self) -> Input {
        let lang = self.shell.lang;
        let value = if self.drafts.minutes.is_empty() {
            RoundMinutes::SUGGESTED.to_string()
        } else {
            self.drafts.minutes.clone()
        };
        Input::new("minutes")
            .label(Label::text(lang.t("ideation.sessions.show.minutes")))
            .hint(lang.t("ideation.sessions.show.minutes_hint"))
            .classes("govuk-input--width-3")
            .inputmode("numeric")
            .spellcheck(false)
            .suffix(lang.t("ideation.sessions.show.minutes_suffix"))
            .value(value)
            .error_message(self.errors.message("minutes"))
    }

    fn prompt_input(&self, next: &NextRound) -> Input {
        let lang = self.shell.lang;
        Input::new("prompt")
            .label(Label::text(lang.t("ideation.sessions.show.prompt")))
            .hint(tf(
                lang,
                "ideation.sessions.show.prompt_hint",
                &[("prompt", &next.default_prompt)],
            ))
            .value(self.drafts.prompt.clone())
            .error_message(self.errors.message("prompt"))
    }

    fn open_label(&self, next: &NextRound) -> String {
        tf(
            self.shell.lang,
            "ideation.sessions.show.open_round",
            &[("n", &next.position.to_string())],
        )
    }
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    session: Session,
    errors: FormErrors,
    drafts: Drafts,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let now = state.clock.now();
    let conn = state.db.conn();
    let rounds = ideation::rounds(conn, tenant.org, session.id).await?;
    let ways = ideation::ways(conn, tenant.org, session.id).await?;
    let can_control =
        may_control(tenant, &session) && tenant.require(Capability::Facilitate).is_ok();
    let me = tenant.who.person.id;
    let latest = rounds.last();
    let open_round = latest.filter(|r| session.status == Status::Running && r.is_open(now));
    let current = latest.map(|r| Current {
        position: r.position,
        prompt: prompt_text(lang, r),
        minutes_left: open_round
            .and_then(|r| ideation::minutes_left(r.closes_at, now))
            .map(|m| minutes_left_text(lang, m)),
    });
    let state_text = match (session.status, latest, open_round) {
        (Status::Closed, _, _) => lang.t("ideation.sessions.show.session_closed").to_owned(),
        (_, None, _) => lang.t("ideation.sessions.show.waiting_first").to_owned(),
        (_, Some(_), Some(_)) => String::new(),
        (_, Some(r), None) => tf(
            lang,
            "ideation.sessions.show.waiting_next",
            &[("n", &r.position.to_string())],
        ),
    };
    let round_views = ideation::by_round(&rounds, &ways)
        .into_iter()
        .map(|(round, ways)| RoundView {
            position: round.position,
            prompt: prompt_text(lang, round),
            count: count_ways(lang, ways.len()),
            ways: ways
                .into_iter()
                .map(|w| way_view(w, &session, me, can_control))
                .collect(),
        })
        .collect();
    let next_position = latest.map_or(1, |r| r.position + 1);
    let next_round = (can_control && session.status != Status::Closed)
        .then(|| {
            session
                .template
                .prompt_key(next_position)
                .map(|_| NextRound {
                    position: next_position,
                    default_prompt: template_prompt(lang, session.template, next_position),
                })
        })
        .flatten();
    let shell = Shell::new(visitor, &here(uri), session.title.clone())
        .crumb(lang.t("ideation.sessions.title"), "/sessions")
        .with_errors(!errors.is_empty());
    page(&ShowPage {
        shell,
        notice: notice(lang, notice_key),
        errors,
        template: template_label(lang, session.template),
        status: status_tag(lang, session.status),
        state_text,
        current,
        rounds: round_views,
        total_ways: count_ways(lang, ways.len()),
        can_add: open_round.is_some(),
        can_control,
        next_round,
        drafts,
        session,
    })
}

fn way_view(way: &Way, session: &Session, me: PersonId, can_control: bool) -> WayView {
    WayView {
        text: way.text.clone(),
        author: can_control.then(|| way.author_name.clone()),
        mine: way.person == me,
        idea_href: way.promoted_idea.map(|id| format!("/ideas/{id}")),
        promote_href: (can_control && way.promoted_idea.is_none())
            .then(|| format!("/sessions/{}/promote?way={}", session.id, way.id)),
    }
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
    let session = session_in(&state, &tenant, &id).await?;
    show_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        session,
        FormErrors::new(visitor.lang),
        Drafts::default(),
        q.notice.as_deref(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct WayForm {
    #[serde(default)]
    way: String,
}

pub async fn add_way(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<WayForm>,
) -> Result<Response, AppError> {
    let session = session_in(&state, &tenant, &id).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let text = WayText::parse(&form.way)
        .map_err(|e| {
            text_error(
                &mut errors,
                "way",
                e,
                "ideation.sessions.show.error.way_missing",
                "ideation.sessions.show.error.way_too_long",
            )
        })
        .ok();
    let Some(text) = text else {
        let drafts = Drafts {
            way: form.way,
            ..Drafts::default()
        };
        let response = show_page(
            &state, &visitor, &tenant, &uri, session, errors, drafts, None,
        )
        .await?;
        return Ok(with_status(response, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let txn = state.db.begin_writing().await?;
    let added = ideation::add_way(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        session.id,
        tenant.who.person.id,
        text,
    )
    .await;
    let (key, drafts) = match added {
        Ok(_) => {
            txn.commit().await?;
            return Ok(
                Redirect::to(&format!("/sessions/{}?notice=way_added", session.id)).into_response(),
            );
        }
        Err(WayError::NoOpenRound) => (
            "ideation.sessions.show.error.round_closed",
            Drafts {
                refused_way: Some(form.way.trim().to_owned()),
                way: form.way,
                ..Drafts::default()
            },
        ),
        Err(WayError::TooMany) => (
            "ideation.sessions.show.error.too_many",
            Drafts {
                way: form.way,
                ..Drafts::default()
            },
        ),
        Err(WayError::Db(e)) => return Err(e.into()),
    };
    drop(txn);
    errors.add("way", key);
    let response = show_page(
        &state, &visitor, &tenant, &uri, session, errors, drafts, None,
    )
    .await?;
    Ok(with_status(response, StatusCode::CONFLICT))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RoundForm {
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    prompt: String,
    /// The round the page offered to open, so a second click cannot open
    /// the one after it.
    #[serde(default)]
    round: String,
}

pub async fn open_round(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<RoundForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Facilitate)?;
    let session = session_in(&state, &tenant, &id).await?;
    require_control(&tenant, &session)?;
    let mut errors = FormErrors::new(visitor.lang);
    let minutes = RoundMinutes::parse(&form.minutes)
        .map_err(|e| {
            errors.add(
                "minutes",
                match e {
                    MinutesError::Missing => "ideation.sessions.show.error.minutes_missing",
                    MinutesError::NotANumber => "ideation.sessions.show.error.minutes_not_number",
                    MinutesError::OutOfRange => "ideation.sessions.show.error.minutes_range",
                },
            )
        })
        .ok();
    let prompt = if form.prompt.trim().is_empty() {
        Some(None)
    } else {
        Prompt::parse(&form.prompt)
            .map(Some)
            .map_err(|_| errors.add("prompt", "ideation.sessions.show.error.prompt_too_long"))
            .ok()
    };
    let drafts = Drafts {
        minutes: form.minutes.clone(),
        prompt: form.prompt.clone(),
        ..Drafts::default()
    };
    let (Some(minutes), Some(prompt)) = (minutes, prompt) else {
        let response = show_page(
            &state, &visitor, &tenant, &uri, session, errors, drafts, None,
        )
        .await?;
        return Ok(with_status(response, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let txn = state.db.begin_writing().await?;
    let opened = ideation::open_round(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        session.id,
        minutes,
        prompt,
        form.round.trim().parse::<u32>().ok(),
    )
    .await;
    let (field, key) = match opened {
        Ok(_) => {
            txn.commit().await?;
            return Ok(
                Redirect::to(&format!("/sessions/{}?notice=round_opened", session.id))
                    .into_response(),
            );
        }
        Err(SessionError::Closed) => (
            "session-state",
            "ideation.sessions.show.error.session_closed",
        ),
        Err(SessionError::NoMoreRounds) => (
            "session-state",
            "ideation.sessions.show.error.no_more_rounds",
        ),
        Err(SessionError::Race) => ("minutes", "ideation.sessions.show.error.race"),
        Err(SessionError::Db(e)) => return Err(e.into()),
    };
    drop(txn);
    errors.add(field, key);
    // Read the session again: what happened meanwhile is what the page shows.
    let session = session_in(&state, &tenant, &id).await?;
    let response = show_page(
        &state, &visitor, &tenant, &uri, session, errors, drafts, None,
    )
    .await?;
    Ok(with_status(response, StatusCode::CONFLICT))
}

/// Closing takes no fields; any field is a tampered form.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CloseForm {}

pub async fn close(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(_form): Form<CloseForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Facilitate)?;
    let session = session_in(&state, &tenant, &id).await?;
    require_control(&tenant, &session)?;
    let txn = state.db.begin_writing().await?;
    match ideation::close(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        session.id,
    )
    .await
    {
        Ok(()) => {
            txn.commit().await?;
            Ok(
                Redirect::to(&format!("/sessions/{}?notice=session_closed", session.id))
                    .into_response(),
            )
        }
        Err(SessionError::Db(e)) => Err(e.into()),
        Err(_) => {
            drop(txn);
            let mut errors = FormErrors::new(visitor.lang);
            errors.add(
                "session-state",
                "ideation.sessions.show.error.session_closed",
            );
            let response = show_page(
                &state,
                &visitor,
                &tenant,
                &uri,
                session,
                errors,
                Drafts::default(),
                None,
            )
            .await?;
            Ok(with_status(response, StatusCode::CONFLICT))
        }
    }
}

// ---------------------------------------------------------------------------
// Promoting a way to an idea.

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PromoteQuery {
    way: Option<String>,
    lang: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PromoteForm {
    #[serde(default)]
    way: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    proposal: String,
    #[serde(default)]
    service_area: String,
    #[serde(default)]
    measure_today: String,
    #[serde(default)]
    measure_aspiration: String,
    #[serde(default)]
    expected_benefit: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    facet: String,
    #[serde(default)]
    lever: String,
    #[serde(default)]
    challenge: String,
}

type IdeaTitle = BoundedText<150>;
type LongText = BoundedText<5000>;
type ServiceArea = BoundedText<100>;
/// The optional fields of an idea: at most this many characters.
const MAX_OPTIONAL: usize = 2000;

struct Candidate {
    id: Uuid,
    text: String,
    author: String,
}

#[derive(Template)]
#[template(path = "ideation/promote.html")]
struct PromotePage {
    shell: Shell,
    errors: FormErrors,
    session: Session,
    form: PromoteForm,
    candidates: Vec<Candidate>,
    challenges: Vec<(Uuid, String)>,
}

impl PromotePage {
    /// A field's label or hint.
    fn t(&self, key: &str) -> &'static str {
        self.shell
            .t(&format!("ideation.sessions.promote.field.{key}"))
    }

    fn way_radios(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("way")
            .legend(Legend::text(self.t("way")).classes("govuk-fieldset__legend--m"))
            .value(self.form.way.clone())
            .error_message(self.errors.message("way"));
        for c in &self.candidates {
            radios = radios.item(ChoiceItem::new(c.id.to_string(), c.text.clone()).hint(tf(
                lang,
                "ideation.sessions.show.by",
                &[("name", &c.author)],
            )));
        }
        radios
    }

    fn input(&self, name: &str, value: &str) -> Input {
        Input::new(name)
            .label(Label::text(self.t(name)).classes("govuk-label--s"))
            .value(value)
            .error_message(self.errors.message(name))
    }

    fn title_input(&self) -> Input {
        self.input("title", &self.form.title)
    }

    fn service_area_input(&self) -> Input {
        self.input("service_area", &self.form.service_area)
            .hint(self.t("service_area_hint"))
            .classes("govuk-!-width-two-thirds")
    }

    fn area(&self, name: &str, value: &str, rows: u32) -> Textarea {
        Textarea::new(name)
            .label(Label::text(self.t(name)).classes("govuk-label--s"))
            .rows(rows)
            .value(value)
            .error_message(self.errors.message(name))
    }

    fn problem_input(&self) -> Textarea {
        self.area("problem", &self.form.problem, 4)
    }

    fn proposal_input(&self) -> Textarea {
        self.area("proposal", &self.form.proposal, 5)
    }

    fn measure_today_input(&self) -> Textarea {
        self.area("measure_today", &self.form.measure_today, 2)
            .hint(self.t("measure_today_hint"))
    }

    fn measure_aspiration_input(&self) -> Textarea {
        self.area("measure_aspiration", &self.form.measure_aspiration, 2)
            .hint(self.t("measure_aspiration_hint"))
    }

    fn expected_benefit_input(&self) -> Textarea {
        self.area("expected_benefit", &self.form.expected_benefit, 3)
            .hint(self.t("expected_benefit_hint"))
    }

    fn vocabulary(&self, name: &str, keys: &[&'static str], value: &str) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new(name)
            .legend(Legend::text(self.t(name)).classes("govuk-fieldset__legend--s"))
            .value(value)
            .error_message(self.errors.message(name));
        for key in keys {
            radios = radios.item(ChoiceItem::new(*key, term(lang, name, key)).hint(term(
                lang,
                &format!("{name}_hint"),
                key,
            )));
        }
        radios
    }

    fn kind_radios(&self) -> Radios {
        let keys: Vec<_> = IdeaKind::ALL.iter().map(|k| k.key()).collect();
        self.vocabulary("kind", &keys, &self.form.kind)
    }

    fn facet_radios(&self) -> Radios {
        let keys: Vec<_> = Facet::ALL.iter().map(|k| k.key()).collect();
        self.vocabulary("facet", &keys, &self.form.facet)
    }

    fn lever_radios(&self) -> Radios {
        let keys: Vec<_> = Lever::ALL.iter().map(|k| k.key()).collect();
        self.vocabulary("lever", &keys, &self.form.lever)
    }

    fn challenge_select(&self) -> Select {
        let mut select = Select::new("challenge")
            .label(Label::text(self.t("challenge")).classes("govuk-label--s"))
            .item(SelectItem::new("", self.t("no_challenge")))
            .value(self.form.challenge.clone())
            .error_message(self.errors.message("challenge"));
        for (id, question) in &self.challenges {
            select = select.item(SelectItem::new(id.to_string(), question.clone()));
        }
        select
    }
}

async fn promote_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    session: Session,
    errors: FormErrors,
    form: PromoteForm,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let conn = state.db.conn();
    let candidates = ideation::ways(conn, tenant.org, session.id)
        .await?
        .into_iter()
        .filter(|w| w.promoted_idea.is_none())
        .map(|w| Candidate {
            id: w.id,
            text: w.text,
            author: w.author_name,
        })
        .collect();
    let challenges = ideation::challenges(conn, tenant.org).await?;
    let shell = Shell::new(
        visitor,
        &here(uri),
        lang.t("ideation.sessions.promote.title"),
    )
    .crumb(lang.t("ideation.sessions.title"), "/sessions")
    .crumb(session.title.clone(), format!("/sessions/{}", session.id))
    .with_errors(!errors.is_empty());
    page(&PromotePage {
        shell,
        errors,
        session,
        form,
        candidates,
        challenges,
    })
}

pub async fn promote_form(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<PromoteQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Facilitate)?;
    let _ = q.lang;
    let session = session_in(&state, &tenant, &id).await?;
    require_control(&tenant, &session)?;
    let mut form = PromoteForm::default();
    // A way chosen from the session page fills in what it can.
    let chosen = match q.way.as_deref().map(str::parse::<Uuid>) {
        Some(Ok(way)) => ideation::way(state.db.conn(), tenant.org, session.id, way).await?,
        _ => None,
    };
    if let Some(way) = chosen.filter(|w| w.promoted_idea.is_none()) {
        form.way = way.id.to_string();
        form.title = way
            .text
            .chars()
            .take(150)
            .collect::<String>()
            .trim()
            .to_owned();
        form.proposal = way.text;
        form.problem = session.question.clone();
    }
    promote_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        session,
        FormErrors::new(visitor.lang),
        form,
    )
    .await
}

fn optional(errors: &mut FormErrors, field: &str, raw: &str) -> String {
    let value = raw.trim();
    if value.chars().count() > MAX_OPTIONAL {
        errors.add(field, "ideation.sessions.promote.error.too_long_2000");
    }
    value.to_owned()
}

pub async fn promote(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<PromoteForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::Facilitate)?;
    let session = session_in(&state, &tenant, &id).await?;
    require_control(&tenant, &session)?;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let mut errors = FormErrors::new(lang);
    let way = match form.way.parse::<Uuid>() {
        Ok(way) => ideation::way(conn, tenant.org, session.id, way).await?,
        Err(_) => None,
    };
    let way = match way {
        None => {
            errors.add("way", "ideation.sessions.promote.error.way");
            None
        }
        Some(w) if w.promoted_idea.is_some() => {
            errors.add("way", "ideation.sessions.promote.error.already");
            None
        }
        Some(w) => Some(w),
    };
    let e = "ideation.sessions.promote.error";
    let title = IdeaTitle::parse(&form.title)
        .map_err(|err| {
            text_error(
                &mut errors,
                "title",
                err,
                &format!("{e}.title_missing"),
                &format!("{e}.title_too_long"),
            )
        })
        .ok();
    let problem = LongText::parse(&form.problem)
        .map_err(|err| {
            text_error(
                &mut errors,
                "problem",
                err,
                &format!("{e}.problem_missing"),
                &format!("{e}.too_long_5000"),
            )
        })
        .ok();
    let proposal = LongText::parse(&form.proposal)
        .map_err(|err| {
            text_error(
                &mut errors,
                "proposal",
                err,
                &format!("{e}.proposal_missing"),
                &format!("{e}.too_long_5000"),
            )
        })
        .ok();
    let service_area = ServiceArea::parse(&form.service_area)
        .map_err(|err| {
            text_error(
                &mut errors,
                "service_area",
                err,
                &format!("{e}.service_area_missing"),
                &format!("{e}.service_area_too_long"),
            )
        })
        .ok();
    let measure_today = optional(&mut errors, "measure_today", &form.measure_today);
    let measure_aspiration = optional(&mut errors, "measure_aspiration", &form.measure_aspiration);
    let expected_benefit = optional(&mut errors, "expected_benefit", &form.expected_benefit);
    let kind = form.kind.parse::<IdeaKind>().ok();
    if kind.is_none() {
        errors.add("kind", "ideation.sessions.promote.error.kind");
    }
    let facet = form.facet.parse::<Facet>().ok();
    if facet.is_none() {
        errors.add("facet", "ideation.sessions.promote.error.facet");
    }
    let lever = form.lever.parse::<Lever>().ok();
    if lever.is_none() {
        errors.add("lever", "ideation.sessions.promote.error.lever");
    }
    // The challenge is optional, and must be one of this organisation's.
    let challenge = if form.challenge.is_empty() {
        None
    } else {
        let known = ideation::challenges(conn, tenant.org).await?;
        let found = form
            .challenge
            .parse::<Uuid>()
            .ok()
            .filter(|id| known.iter().any(|(c, _)| c == id));
        if found.is_none() {
            errors.add("challenge", "ideation.sessions.promote.error.challenge");
        }
        found
    };
    let (
        Some(way),
        Some(title),
        Some(problem),
        Some(proposal),
        Some(service_area),
        Some(kind),
        Some(facet),
        Some(lever),
        true,
    ) = (
        way,
        title,
        problem,
        proposal,
        service_area,
        kind,
        facet,
        lever,
        errors.is_empty(),
    )
    else {
        let response = promote_page(&state, &visitor, &tenant, &uri, session, errors, form).await?;
        return Ok(with_status(response, StatusCode::UNPROCESSABLE_ENTITY));
    };
    let now = state.clock.now();
    let idea = NewIdea {
        challenge,
        // Replaced by the way's author inside `promote`: the credit is theirs.
        author: way.person,
        pseudonym: None,
        title: title.into_string(),
        problem: problem.into_string(),
        proposal: proposal.into_string(),
        service_area: service_area.into_string(),
        measure_today,
        measure_aspiration,
        expected_benefit,
        kind,
        facet,
        lever,
    };
    let idea_title = idea.title.clone();
    let txn = state.db.begin_writing().await?;
    match ideation::promote(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        session.id,
        way.id,
        idea,
    )
    .await
    {
        Ok(idea_id) => {
            tell_author(
                &txn,
                now,
                lang,
                &tenant,
                &session,
                idea_id,
                way.person,
                &idea_title,
            )
            .await?;
            txn.commit().await?;
            Ok(
                Redirect::to(&format!("/sessions/{}?notice=way_promoted", session.id))
                    .into_response(),
            )
        }
        Err(PromoteError::AlreadyPromoted) => {
            drop(txn);
            errors.add("way", "ideation.sessions.promote.error.already");
            let form = PromoteForm {
                way: String::new(),
                ..form
            };
            let response =
                promote_page(&state, &visitor, &tenant, &uri, session, errors, form).await?;
            Ok(with_status(response, StatusCode::CONFLICT))
        }
        Err(PromoteError::Db(e)) => Err(e.into()),
    }
}

/// The way's author hears that their way is now an idea, in the same
/// transaction as the promotion.
#[allow(clippy::too_many_arguments)]
async fn tell_author(
    txn: &beacon_db::DatabaseTransaction,
    now: OffsetDateTime,
    lang: Lang,
    tenant: &Tenant,
    session: &Session,
    idea: Uuid,
    author: PersonId,
    title: &str,
) -> Result<(), AppError> {
    let subject = tf(
        lang,
        "ideation.sessions.promote.notify_subject",
        &[("title", title)],
    );
    let body = tf(
        lang,
        "ideation.sessions.promote.notify_body",
        &[
            ("session", &session.title),
            ("title", title),
            ("organisation", &tenant.organisation.name),
        ],
    );
    participation::notify(txn, now, tenant.org, idea, &[author], &subject, &body).await?;
    Ok(())
}
