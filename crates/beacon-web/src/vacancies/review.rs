//! The vacancy review: the manager decides what happens to a vacant post
//! (replace, reorganise or delete, with a reason); HR approves it or sends it
//! back. The order and the roles are the core's rules (PROMISES.md 6).
use super::{decision_label, moved_on, own, refusal, today, vacancy_status};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors};
use crate::i18n::tf;
use crate::pipeline::pounds;
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::talent::vacancies::{self as rules, is_live, parse_reason, parse_review};
use beacon_core::talent::{PostStatus, ReviewDecision};
use beacon_db::entity::{post, vacancy};
use beacon_db::{DbError, talent_settings, vacancies};
use beacon_govuk::components::{Button, ChoiceItem, Label, Legend, Radios, Textarea};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "vacancies/review.html")]
struct ReviewPage {
    shell: Shell,
    post: post::Model,
    form: ReviewForm,
    errors: FormErrors,
}

impl ReviewPage {
    fn decision_radios(&self) -> Radios {
        let mut radios = Radios::new("decision")
            .legend(
                Legend::text(self.shell.t("vacancies.review.decision"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .value(self.form.decision.clone())
            .error_message(self.errors.message("decision"));
        for d in ReviewDecision::ALL {
            let hint = if *d == ReviewDecision::Delete {
                self.shell.tf(
                    "vacancies.review.delete_hint",
                    &[("saving", &pounds(self.post.annual_cost_pence))],
                )
            } else {
                self.shell
                    .t(&format!("vacancies.review.{}_hint", d.key()))
                    .to_owned()
            };
            radios = radios.item(
                ChoiceItem::new(
                    d.key(),
                    self.shell.t(&format!("vacancies.decision.{}", d.key())),
                )
                .hint(hint),
            );
        }
        radios
    }

    fn reason_input(&self) -> Textarea {
        Textarea::new("reason")
            .label(Label::text(self.shell.t("vacancies.review.reason")).classes("govuk-label--m"))
            .hint(self.shell.t("vacancies.review.reason_hint"))
            .rows(5)
            .value(self.form.reason.clone())
            .error_message(self.errors.message("reason"))
    }

    fn submit(&self) -> Button {
        Button::text(self.shell.t("vacancies.review.submit"))
    }
}

/// The post, if the visitor may start its review now.
async fn reviewable(state: &AppState, tenant: &Tenant, raw: &str) -> Result<post::Model, AppError> {
    let id = super::parse_id(raw)?;
    let conn = state.db.conn();
    let post = vacancies::post(conn, tenant.org, id).await?;
    let live = vacancies::vacancies_for_post(conn, tenant.org, id)
        .await?
        .iter()
        .any(|v| v.status.parse().is_ok_and(is_live));
    let status = post
        .status
        .parse::<PostStatus>()
        .map_err(|_| AppError::Internal(format!("post {} has status {}", post.id, post.status)))?;
    rules::may_start_review(&tenant.roles, status, live).map_err(refusal)?;
    Ok(post)
}

fn render(
    visitor: &Visitor,
    post: post::Model,
    form: ReviewForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let path = format!("/posts/{}/review", post.id);
    let shell = Shell::new(visitor, &path, visitor.lang.t("vacancies.review.title"))
        .crumb(visitor.lang.t("vacancies.posts.title"), "/posts")
        .crumb(post.title.clone(), format!("/posts/{}", post.id))
        .with_errors(!errors.is_empty());
    let mut response = page(&ReviewPage {
        shell,
        post,
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn review_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let post = reviewable(&state, &tenant, &id).await?;
    render(
        &visitor,
        post,
        ReviewForm::default(),
        FormErrors::new(visitor.lang),
    )
}

pub async fn start(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, AppError> {
    let post = reviewable(&state, &tenant, &id).await?;
    let review = match parse_review(&form.decision, &form.reason) {
        Ok(r) => r,
        Err(problems) => {
            let mut errors = FormErrors::new(visitor.lang);
            for p in problems {
                errors.add(&p.field, &format!("vacancies.error.{}", p.key));
            }
            return render(&visitor, post, form, errors);
        }
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let started = vacancies::start_review(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        post.id,
        tenant.who.person.id,
        &review,
    )
    .await;
    let vacancy = match started {
        Ok(v) => v,
        Err(DbError::Conflict(_)) => {
            drop(txn);
            return moved_on(&visitor, &format!("/posts/{}", post.id));
        }
        Err(e) => return Err(e.into()),
    };
    txn.commit().await?;
    Ok(Redirect::to(&format!("/vacancies/{vacancy}?notice=review_started")).into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ApproveForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "vacancies/approve.html")]
struct ApprovePage {
    shell: Shell,
    vacancy: vacancy::Model,
    raised_by: Option<String>,
    freeze_days: u16,
    form: ApproveForm,
    errors: FormErrors,
}

impl ApprovePage {
    fn decision(&self) -> &'static str {
        decision_label(self.shell.lang, self.vacancy.review_decision.as_deref())
    }

    fn saving(&self) -> Option<String> {
        self.vacancy.annual_saving_pence.map(pounds)
    }

    fn outcome_radios(&self) -> Radios {
        let freeze = self.freeze_days.to_string();
        Radios::new("outcome")
            .legend(
                Legend::text(self.shell.t("vacancies.approve.question"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .value(self.form.outcome.clone())
            .error_message(self.errors.message("outcome"))
            .item(
                ChoiceItem::new("approve", self.shell.t("vacancies.approve.approve")).hint(
                    if self.vacancy.review_decision.as_deref() == Some("delete") {
                        self.shell
                            .t("vacancies.approve.approve_delete_hint")
                            .to_owned()
                    } else {
                        self.shell
                            .tf("vacancies.approve.approve_hint", &[("days", &freeze)])
                    },
                ),
            )
            .item(
                ChoiceItem::new("send_back", self.shell.t("vacancies.approve.send_back"))
                    .hint(self.shell.t("vacancies.approve.send_back_hint")),
            )
    }

    fn note_input(&self) -> Textarea {
        Textarea::new("note")
            .label(Label::text(self.shell.t("vacancies.approve.note")).classes("govuk-label--s"))
            .hint(self.shell.t("vacancies.approve.note_hint"))
            .rows(4)
            .value(self.form.note.clone())
            .error_message(self.errors.message("note"))
    }

    fn submit(&self) -> Button {
        Button::text(self.shell.t("vacancies.approve.submit"))
    }
}

async fn render_approve(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    vacancy: vacancy::Model,
    form: ApproveForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let conn = state.db.conn();
    let raised_by = vacancies::person_name(conn, vacancy.raised_by).await?;
    let settings = talent_settings::get(conn, tenant.org).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let path = format!("/vacancies/{}/approve", vacancy.id);
    let shell = Shell::new(visitor, &path, visitor.lang.t("vacancies.approve.title"))
        .crumb(visitor.lang.t("nav.vacancies"), "/vacancies?view=reviews")
        .crumb(vacancy.title.clone(), format!("/vacancies/{}", vacancy.id))
        .with_errors(!errors.is_empty());
    let mut response = page(&ApprovePage {
        shell,
        vacancy,
        raised_by,
        freeze_days: settings.freeze_days,
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn approve_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let seen = own(&state, &tenant, &id).await?;
    let status = vacancy_status(&seen.vacancy)?;
    match rules::send_back(&tenant.roles, status) {
        Ok(_) => {}
        Err(rules::Refusal::WrongOrder) => {
            return moved_on(&visitor, &format!("/vacancies/{}", seen.vacancy.id));
        }
        Err(r) => return Err(refusal(r)),
    }
    let vacancy = seen.vacancy;
    let errors = FormErrors::new(visitor.lang);
    render_approve(
        &state,
        &visitor,
        &tenant,
        vacancy,
        ApproveForm::default(),
        errors,
    )
    .await
}

pub async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<ApproveForm>,
) -> Result<Response, AppError> {
    // One read: what HR decides on is what they saw. A decision that lost
    // a race is found by the conditional update below.
    let seen = own(&state, &tenant, &id).await?;
    let status = vacancy_status(&seen.vacancy)?;
    match rules::send_back(&tenant.roles, status) {
        Ok(_) => {}
        Err(rules::Refusal::WrongOrder) => {
            return moved_on(&visitor, &format!("/vacancies/{}", seen.vacancy.id));
        }
        Err(r) => return Err(refusal(r)),
    }
    let vacancy = seen.vacancy;
    let mut errors = FormErrors::new(visitor.lang);
    let outcome = form.outcome.as_str();
    if outcome != "approve" && outcome != "send_back" {
        errors.add("outcome", "vacancies.error.outcome");
    }
    let note = if outcome == "send_back" {
        match parse_reason("note", &form.note) {
            Ok(n) => n,
            Err(problems) => {
                for p in problems {
                    errors.add(&p.field, &format!("vacancies.error.{}", p.key));
                }
                String::new()
            }
        }
    } else {
        form.note.trim().to_owned()
    };
    if note.chars().count() > rules::MAX_REASON {
        errors.add("note", "vacancies.error.too_long");
    }
    if !errors.is_empty() {
        return render_approve(&state, &visitor, &tenant, vacancy, form, errors).await;
    }
    let now = state.clock.now();
    let actor = tenant.who.actor();
    // Read before the transaction: its first statement must be the write
    // that decides a race (SQLite cannot upgrade a read under a writer).
    let settings = talent_settings::get(state.db.conn(), tenant.org).await?;
    let txn = state.db.begin_writing().await?;
    let (moved, notice) = if outcome == "approve" {
        let decision = vacancy
            .review_decision
            .as_deref()
            .and_then(|d| d.parse::<ReviewDecision>().ok());
        let approval = rules::approve(&tenant.roles, status, decision, today(&state), &settings)
            .map_err(refusal)?;
        (
            vacancies::approve(&txn, now, &actor, tenant.org, vacancy.id, &approval).await?,
            "review_approved",
        )
    } else {
        let to = rules::send_back(&tenant.roles, status).map_err(refusal)?;
        (
            vacancies::send_back(&txn, now, &actor, tenant.org, vacancy.id, to, &note).await?,
            "review_sent_back",
        )
    };
    if !moved {
        drop(txn);
        return moved_on(&visitor, &format!("/vacancies/{}", vacancy.id));
    }
    let lang = visitor.lang;
    let link = format!("{}/vacancies/{}", state.config.public_url, vacancy.id);
    let decision = vacancy
        .review_decision
        .as_deref()
        .and_then(|d| d.parse::<ReviewDecision>().ok());
    let (subject, body) = match (outcome, decision) {
        ("approve", Some(d)) => ("approved_subject", format!("approved_{}", d.key())),
        ("approve", None) => ("approved_subject", "approved_role".to_owned()),
        _ => ("sent_back_subject", "sent_back".to_owned()),
    };
    let subject = tf(
        lang,
        &format!("vacancies.email.{subject}"),
        &[("title", &vacancy.title)],
    );
    vacancies::tell_raiser(&txn, now, tenant.org, vacancy.id, &subject, |name| {
        tf(
            lang,
            &format!("vacancies.email.{body}"),
            &[
                ("name", name),
                ("title", &vacancy.title),
                ("note", &note),
                ("link", &link),
            ],
        )
    })
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/vacancies/{}?notice={notice}", vacancy.id)).into_response())
}
