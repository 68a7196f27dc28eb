//! Exceptions to the recruitment freeze: the vacancy's manager asks, with a
//! reason, to recruit outside the pool before the freeze ends; HR approves
//! (the vacancy opens to all at once) or refuses. Both are recorded and shown
//! on the vacancy.
use super::{moved_on, own, refusal, vacancy_status};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors};
use crate::pipeline::format_date;
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::talent::vacancies::{self as rules, ExceptionStatus, parse_reason};
use beacon_db::entity::{freeze_exception, vacancy};
use beacon_db::{DbError, vacancies};
use beacon_govuk::components::{Button, ChoiceItem, Label, Legend, Radios, Textarea};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RequestForm {
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct DecideForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "vacancies/exception.html")]
struct ExceptionPage {
    shell: Shell,
    vacancy: vacancy::Model,
    exceptions: Vec<freeze_exception::Model>,
    may_ask: bool,
    may_decide: bool,
    request: RequestForm,
    decide: DecideForm,
    errors: FormErrors,
}

impl ExceptionPage {
    fn pool_until(&self) -> String {
        self.vacancy
            .pool_until
            .map(|d| {
                self.shell.tf(
                    "vacancies.vacancy.pool_until",
                    &[("date", &format_date(self.shell.lang, d))],
                )
            })
            .unwrap_or_default()
    }

    fn status(&self, key: &str) -> &'static str {
        match ExceptionStatus::parse(key) {
            Some(s) => self
                .shell
                .t(&format!("vacancies.exception.status.{}", s.key())),
            None => "",
        }
    }

    fn reason_input(&self) -> Textarea {
        Textarea::new("reason")
            .label(
                Label::text(self.shell.t("vacancies.exception.reason")).classes("govuk-label--m"),
            )
            .hint(self.shell.t("vacancies.exception.reason_hint"))
            .rows(5)
            .value(self.request.reason.clone())
            .error_message(self.errors.message("reason"))
    }

    fn outcome_radios(&self) -> Radios {
        Radios::new("outcome")
            .legend(
                Legend::text(self.shell.t("vacancies.exception.decide"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .value(self.decide.outcome.clone())
            .error_message(self.errors.message("outcome"))
            .item(ChoiceItem::new(
                "approve",
                self.shell.t("vacancies.exception.approve"),
            ))
            .item(ChoiceItem::new(
                "refuse",
                self.shell.t("vacancies.exception.refuse"),
            ))
    }

    fn note_input(&self) -> Textarea {
        Textarea::new("note")
            .label(Label::text(self.shell.t("vacancies.exception.note")).classes("govuk-label--s"))
            .rows(3)
            .value(self.decide.note.clone())
            .error_message(self.errors.message("note"))
    }

    fn ask_button(&self) -> Button {
        Button::text(self.shell.t("vacancies.exception.ask"))
    }

    fn decide_button(&self) -> Button {
        Button::text(self.shell.t("vacancies.exception.submit"))
    }
}

struct Standing {
    vacancy: vacancy::Model,
    exceptions: Vec<freeze_exception::Model>,
    may_ask: bool,
    may_decide: bool,
    ask: Result<(), rules::Refusal>,
    decide: Result<(ExceptionStatus, beacon_core::talent::VacancyStatus), rules::Refusal>,
}

async fn standing(
    state: &AppState,
    tenant: &Tenant,
    raw: &str,
    approve: bool,
) -> Result<Standing, AppError> {
    let seen = own(state, tenant, raw).await?;
    let status = vacancy_status(&seen.vacancy)?;
    let exceptions = vacancies::exceptions(state.db.conn(), tenant.org, seen.vacancy.id).await?;
    let pending = exceptions
        .iter()
        .any(|e| e.status == ExceptionStatus::Requested.key());
    let ask = rules::may_request_exception(
        &tenant.roles,
        seen.viewer.raised_it,
        seen.audience,
        status,
        pending,
    );
    let decide = rules::decide_exception(&tenant.roles, status, pending, approve);
    Ok(Standing {
        may_ask: ask.is_ok(),
        may_decide: decide.is_ok(),
        vacancy: seen.vacancy,
        exceptions,
        ask,
        decide,
    })
}

fn render(
    visitor: &Visitor,
    s: Standing,
    request: RequestForm,
    decide: DecideForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let path = format!("/vacancies/{}/exception", s.vacancy.id);
    let shell = Shell::new(visitor, &path, visitor.lang.t("vacancies.exception.title"))
        .crumb(visitor.lang.t("nav.vacancies"), "/vacancies")
        .crumb(
            s.vacancy.title.clone(),
            format!("/vacancies/{}", s.vacancy.id),
        )
        .with_errors(!errors.is_empty());
    let mut response = page(&ExceptionPage {
        shell,
        vacancy: s.vacancy,
        exceptions: s.exceptions,
        may_ask: s.may_ask,
        may_decide: s.may_decide,
        request,
        decide,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn exception_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = standing(&state, &tenant, &id, true).await?;
    // The page is for the vacancy's manager and HR; others who can see the
    // vacancy have nothing to do here.
    if !(s.may_ask || s.may_decide || tenant.roles.contains(&beacon_core::Role::Hr))
        && s.vacancy.raised_by != tenant.who.person.id.uuid()
    {
        return Err(AppError::Forbidden);
    }
    let errors = FormErrors::new(visitor.lang);
    render(
        &visitor,
        s,
        RequestForm::default(),
        DecideForm::default(),
        errors,
    )
}

pub async fn request(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<RequestForm>,
) -> Result<Response, AppError> {
    let s = standing(&state, &tenant, &id, true).await?;
    if let Err(r) = s.ask {
        if r == rules::Refusal::WrongOrder && s.vacancy.raised_by == tenant.who.person.id.uuid() {
            return moved_on(&visitor, &format!("/vacancies/{}", s.vacancy.id));
        }
        return Err(refusal(r));
    }
    let reason = match parse_reason("reason", &form.reason) {
        Ok(r) => r,
        Err(problems) => {
            let mut errors = FormErrors::new(visitor.lang);
            for p in problems {
                errors.add(&p.field, &format!("vacancies.error.{}", p.key));
            }
            return render(&visitor, s, form, DecideForm::default(), errors);
        }
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    match vacancies::request_exception(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        s.vacancy.id,
        tenant.who.person.id,
        &reason,
    )
    .await
    {
        Ok(_) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            return moved_on(&visitor, &format!("/vacancies/{}", s.vacancy.id));
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "/vacancies/{}?notice=exception_requested",
        s.vacancy.id
    ))
    .into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<DecideForm>,
) -> Result<Response, AppError> {
    let approve = form.outcome == "approve";
    let s = standing(&state, &tenant, &id, approve).await?;
    let decision = match s.decide {
        Ok(d) => d,
        Err(rules::Refusal::WrongOrder) => {
            return moved_on(&visitor, &format!("/vacancies/{}", s.vacancy.id));
        }
        Err(r) => return Err(refusal(r)),
    };
    let mut errors = FormErrors::new(visitor.lang);
    if form.outcome != "approve" && form.outcome != "refuse" {
        errors.add("outcome", "vacancies.error.outcome");
    }
    let note = form.note.trim().to_owned();
    if form.outcome == "refuse" && note.is_empty() {
        errors.add("note", "vacancies.error.missing");
    }
    if note.chars().count() > rules::MAX_REASON {
        errors.add("note", "vacancies.error.too_long");
    }
    if !errors.is_empty() {
        return render(&visitor, s, RequestForm::default(), form, errors);
    }
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let done = vacancies::decide_exception(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        s.vacancy.id,
        decision,
        &note,
    )
    .await?;
    if !done {
        drop(txn);
        return moved_on(&visitor, &format!("/vacancies/{}", s.vacancy.id));
    }
    txn.commit().await?;
    let key = if approve {
        "exception_approved"
    } else {
        "exception_refused"
    };
    Ok(Redirect::to(&format!("/vacancies/{}?notice={key}", s.vacancy.id)).into_response())
}
