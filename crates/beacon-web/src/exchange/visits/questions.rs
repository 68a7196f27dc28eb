//! Asking a case's innovators, and their answers.
use super::{add_problems, case, moved_on, parse_id};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::exchange::visits::{MAX_TEXT, parse_text};
use beacon_core::permission::Capability;
use beacon_db::DbError;
use beacon_db::exchange::visits::{self as db, CaseRef, Mail, Question};
use beacon_govuk::components::{Button, Label, NotificationBanner, Textarea};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct AskForm {
    #[serde(default)]
    question: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

#[derive(Template)]
#[template(path = "exchange/visits/questions.html")]
struct QuestionsPage {
    shell: Shell,
    case: CaseRef,
    questions: Vec<Question>,
    may_ask: bool,
    may_answer: bool,
    form: AskForm,
    /// The answer being written and the question it is for, when it is
    /// shown again with an error.
    answering: Option<(uuid::Uuid, String)>,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl QuestionsPage {
    fn question_input(&self) -> Textarea {
        Textarea::new("question")
            .label(
                Label::text(self.shell.t("exchange.visits.questions.ask"))
                    .classes("govuk-label--m"),
            )
            .hint(self.shell.t("exchange.visits.questions.ask_hint"))
            .rows(5)
            .value(self.form.question.clone())
            .error_message(self.errors.message("question"))
    }

    fn answer_input(&self, q: &Question) -> Textarea {
        let id = format!("answer-{}", q.row.id);
        let value = match &self.answering {
            Some((qid, text)) if *qid == q.row.id => text.clone(),
            _ => String::new(),
        };
        Textarea::new("answer")
            .id(id.clone())
            .label(
                Label::text(self.shell.t("exchange.visits.questions.answer"))
                    .classes("govuk-label--s"),
            )
            .rows(4)
            .value(value)
            .error_message(self.errors.message(&id))
    }

    fn ask_button(&self) -> Button {
        Button::text(self.shell.t("exchange.visits.questions.send"))
    }

    fn answer_button(&self) -> Button {
        Button::text(self.shell.t("exchange.visits.questions.send_answer"))
    }

    /// Who signs the answer: the host's name, or "the council" for an
    /// anonymised case read by another council.
    fn signed(&self) -> String {
        match &self.case.host_name {
            Some(name) if !self.case.anonymous || self.case.own => name.clone(),
            _ => self
                .shell
                .t("exchange.visits.questions.the_council")
                .to_owned(),
        }
    }

    fn asked_by(&self, q: &Question) -> String {
        match &q.asker_name {
            Some(name) => format!("{name}, {}", q.asker_council),
            None => q.asker_council.clone(),
        }
    }

    fn when(&self, at: &time::OffsetDateTime) -> String {
        crate::pipeline::format_date(self.shell.lang, at.date())
    }
}

#[allow(clippy::too_many_arguments)]
fn render(
    visitor: &Visitor,
    tenant: &Tenant,
    case: CaseRef,
    questions: Vec<Question>,
    form: AskForm,
    answering: Option<(uuid::Uuid, String)>,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
) -> Result<Response, AppError> {
    let path = format!("/exchange/cases/{}/questions", case.link_id);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shell = Shell::new(
        visitor,
        &path,
        visitor.lang.t("exchange.visits.questions.title"),
    )
    .crumb(visitor.lang.t("exchange.visits.exchange"), "/exchange")
    .crumb(
        case.title.clone(),
        format!("/exchange/cases/{}", case.link_id),
    )
    .with_errors(!errors.is_empty());
    let may_answer = case.own && tenant.require(Capability::PublishCases).is_ok();
    let mut response = page(&QuestionsPage {
        shell,
        may_ask: !case.own,
        may_answer,
        case,
        questions,
        form,
        answering,
        errors,
        notice,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn page_handler(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    id: &str,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let case = case(state, tenant, id).await?;
    let questions = db::questions(state.db.conn(), &case, tenant.org).await?;
    render(
        visitor,
        tenant,
        case,
        questions,
        AskForm::default(),
        None,
        FormErrors::new(visitor.lang),
        notice(visitor.lang, notice_key),
    )
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    page_handler(&state, &visitor, &tenant, &id, query.notice.as_deref()).await
}

pub async fn ask(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<AskForm>,
) -> Result<Response, AppError> {
    let case = case(&state, &tenant, &id).await?;
    if case.own {
        return Err(AppError::Forbidden);
    }
    let text = match parse_text("question", &form.question, MAX_TEXT) {
        Ok(t) => t,
        Err(p) => {
            let mut errors = FormErrors::new(visitor.lang);
            add_problems(&mut errors, &[p]);
            let questions = db::questions(state.db.conn(), &case, tenant.org).await?;
            return render(&visitor, &tenant, case, questions, form, None, errors, None);
        }
    };
    let conn = state.db.conn();
    let lang = visitor.lang;
    let link = format!(
        "{}/exchange/cases/{}/questions",
        state.config.public_url, case.case_id
    );
    // The host's own title, for the host's leads.
    let body = format!(
        "{}\n\n{}\n\n{}\n\n{link}",
        crate::i18n::t(lang, "exchange.visits.email.question_intro")
            .replace("{council}", &tenant.organisation.name)
            .replace("{title}", &case.title),
        text,
        crate::i18n::t(lang, "exchange.visits.email.answer_there"),
    );
    let subject = crate::i18n::t(lang, "exchange.visits.email.question_subject")
        .replace("{title}", &case.title);
    let mails: Vec<Mail> = db::innovation_leads(conn, case.host)
        .await?
        .into_iter()
        .map(|to| Mail {
            to,
            subject: subject.clone(),
            body: body.clone(),
            calendar: None,
        })
        .collect();
    let now = state.clock.now();
    let txn = beacon_db::begin_writing(conn).await?;
    db::ask(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        tenant.who.person.id,
        &case,
        &text,
        &mails,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "/exchange/cases/{}/questions?notice=exchange_question_sent",
        case.link_id
    ))
    .into_response())
}

pub async fn answer(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::PublishCases)?;
    let id = parse_id(&id)?;
    let conn = state.db.conn();
    let question = db::question_in(conn, tenant.org, id).await?;
    let back = format!("/exchange/cases/{}/questions", question.case_id);
    if question.answer.is_some() {
        return moved_on(&visitor, "exchange.visits.moved_on.answered", &back);
    }
    let text = match parse_text("answer", &form.answer, MAX_TEXT) {
        Ok(t) => t,
        Err(p) => {
            let field = format!("answer-{}", question.id);
            let mut errors = FormErrors::new(visitor.lang);
            errors.add(&field, &format!("exchange.visits.error.{}", p.key));
            let case = case(&state, &tenant, &question.case_id.to_string()).await?;
            let questions = db::questions(conn, &case, tenant.org).await?;
            let answering = Some((question.id, form.answer));
            return render(
                &visitor,
                &tenant,
                case,
                questions,
                AskForm::default(),
                answering,
                errors,
                None,
            );
        }
    };
    let lang = visitor.lang;
    // The asker reads the case through its publication: its title and
    // link, and for an anonymised case no council name.
    let (link_id, title, anonymous) = db::published_view(conn, question.case_id)
        .await?
        .unwrap_or((question.case_id, String::new(), true));
    let signed = if anonymous {
        crate::i18n::t(lang, "exchange.visits.questions.the_council").to_owned()
    } else {
        tenant.organisation.name.clone()
    };
    let mut mails = Vec::new();
    if let Some(to) = db::email_of(conn, question.asked_by).await? {
        mails.push(Mail {
            to,
            subject: crate::i18n::t(lang, "exchange.visits.email.answer_subject")
                .replace("{title}", &title),
            body: format!(
                "{}\n\n{}\n\n{}\n\n— {signed}\n\n{}/exchange/cases/{link_id}/questions",
                crate::i18n::t(lang, "exchange.visits.email.answer_intro"),
                question.question,
                text,
                state.config.public_url,
            ),
            calendar: None,
        });
    }
    let now = state.clock.now();
    let txn = beacon_db::begin_writing(conn).await?;
    match db::answer(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        id,
        &text,
        &mails,
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            return moved_on(&visitor, "exchange.visits.moved_on.answered", &back);
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!("{back}?notice=exchange_answer_sent")).into_response())
}
