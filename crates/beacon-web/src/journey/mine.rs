//! The person's own journeys: where each has got to, and their answer to an
//! invitation. They see their training plan and trial outcome (PROMISES.md
//! 4 lets the person and HR see them); nobody else's journey is found.
use super::{step_class, step_label, uuid_or_404, with_status};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, tf};
use crate::pipeline::format_date;
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::permission::Capability;
use beacon_core::talent::JourneyStep;
use beacon_core::talent::journey::{
    Facts, Move, MoveInput, Refusal, Who, check_move, validate_move,
};
use beacon_db::DbError;
use beacon_db::journey::{self, Journey, Notice, Row};
use beacon_govuk::components::{Button, ChoiceItem, Legend, NotificationBanner, Radios};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "journey/mine.html")]
struct MinePage {
    shell: Shell,
    rows: Vec<Row>,
    notice: Option<NotificationBanner>,
}

impl MinePage {
    fn label(&self, step: &JourneyStep) -> &'static str {
        step_label(self.shell.lang, *step)
    }

    fn class(&self, step: &JourneyStep) -> &'static str {
        step_class(*step)
    }

    fn date(&self, d: &time::Date) -> String {
        format_date(self.shell.lang, *d)
    }

    fn invited(&self, row: &Row) -> bool {
        row.step == JourneyStep::Invited
    }
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    tenant.require(Capability::UseJobsMarket)?;
    let rows = journey::mine(state.db.conn(), tenant.org, tenant.who.person.id).await?;
    let lang = visitor.lang;
    let shell = Shell::new(&visitor, "/talent/journey", lang.t("journey.mine.title"));
    page(&MinePage {
        shell,
        rows,
        notice: notice(lang, q.notice.as_deref()),
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

#[derive(Template)]
#[template(path = "journey/own.html")]
struct OwnPage {
    shell: Shell,
    journey: Journey,
    form: AnswerForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl OwnPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }

    fn step_label(&self) -> &'static str {
        step_label(self.lang(), self.journey.step)
    }

    fn step_class(&self) -> &'static str {
        step_class(self.journey.step)
    }

    fn label(&self, step: &JourneyStep) -> &'static str {
        step_label(self.lang(), *step)
    }

    fn date(&self, d: &time::Date) -> String {
        format_date(self.lang(), *d)
    }

    fn invited(&self) -> bool {
        self.journey.step == JourneyStep::Invited
    }

    fn trial(&self) -> Option<String> {
        let t = self.journey.trial()?;
        Some(self.shell.tf(
            "journey.trial.dates",
            &[
                ("start", &self.date(&t.starts_on)),
                ("end", &self.date(&t.ends_on)),
            ],
        ))
    }

    fn outcome(&self) -> Option<String> {
        let o = self.journey.outcome.as_ref()?;
        Some(
            self.shell.tf(
                "journey.outcome.recorded",
                &[
                    (
                        "outcome",
                        self.shell
                            .t(&format!("journey.outcome.{}", o.outcome.key())),
                    ),
                    ("date", &self.date(&o.recorded_on)),
                ],
            ),
        )
    }

    fn answer_radios(&self) -> Radios {
        Radios::new("answer")
            .legend(
                Legend::text(self.shell.t("journey.own.question"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .hint(self.shell.t("journey.own.question_hint"))
            .value(self.form.answer.clone())
            .error_message(self.errors.message("answer"))
            .item(ChoiceItem::new(
                "interested",
                self.shell.t("journey.own.interested"),
            ))
            .item(ChoiceItem::new(
                "decline",
                self.shell.t("journey.own.decline"),
            ))
    }

    fn button(&self) -> Button {
        Button::text(self.shell.t("journey.own.button"))
    }
}

/// The journey, when it is the visitor's own; anyone else's is "not found".
async fn own_journey(state: &AppState, tenant: &Tenant, raw_id: &str) -> Result<Journey, AppError> {
    tenant.require(Capability::UseJobsMarket)?;
    let id = uuid_or_404(raw_id)?;
    let journey = journey::find(state.db.conn(), tenant.org, id).await?;
    if journey.staff.person_id != Some(tenant.who.person.id.uuid()) {
        return Err(AppError::NotFound);
    }
    Ok(journey)
}

fn render(
    visitor: &Visitor,
    journey: Journey,
    form: AnswerForm,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let path = format!("/talent/journey/{}", journey.placement.id);
    let shell = Shell::new(
        visitor,
        &path,
        tf(
            lang,
            "journey.own.title",
            &[("vacancy", &journey.vacancy.title)],
        ),
    )
    .crumb(lang.t("journey.mine.title"), "/talent/journey")
    .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let response = page(&OwnPage {
        shell,
        journey,
        form,
        errors,
        notice: notice(lang, notice_key),
    })?;
    Ok(with_status(response, status))
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let journey = own_journey(&state, &tenant, &id).await?;
    let errors = FormErrors::new(visitor.lang);
    render(
        &visitor,
        journey,
        AnswerForm::default(),
        errors,
        q.notice.as_deref(),
    )
}

pub async fn answer(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    let journey = own_journey(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let mv = match form.answer.as_str() {
        "interested" => Move::Interested,
        "decline" => Move::Decline,
        _ => {
            let mut errors = FormErrors::new(lang);
            errors.add("answer", "journey.error.answer_missing");
            return render(&visitor, journey, form, errors, None);
        }
    };
    let who = Who {
        person: true,
        ..Who::default()
    };
    match check_move(who, journey.step, mv) {
        Err(Refusal::NotYours) => return Err(AppError::Forbidden),
        Err(Refusal::OutOfOrder) => {
            let mut errors = FormErrors::new(lang);
            errors.add("answer", "journey.error.already_answered");
            return render(&visitor, journey, form, errors, None);
        }
        Ok(_) => {}
    }
    let today = state.clock.now().date();
    let valid = validate_move(mv, &Facts::default(), &MoveInput::default(), today)
        .map_err(|_| AppError::Internal("an answer needs nothing more".into()))?;
    let vacancy = journey.vacancy.title.clone();
    let notice_email = Notice {
        subject: tf(
            lang,
            "journey.email.subject",
            &[("vacancy", &vacancy), ("step", step_label(lang, valid.to))],
        ),
        body: tf(
            lang,
            &format!("journey.email.{}", valid.to.key()),
            &[
                ("name", &journey.staff.name),
                ("vacancy", &vacancy),
                (
                    "link",
                    &format!("{}/talent/journey", state.config.public_url),
                ),
            ],
        ),
    };
    // Interested: the manager assesses next. Declined: nobody need act, so
    // the step stays with whoever held it.
    let owner = match mv {
        Move::Interested => journey.manager,
        _ => beacon_core::PersonId::from_uuid(journey.placement.owner_id),
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let moved = journey::advance(
        &txn,
        now,
        today,
        &tenant.who.actor(),
        tenant.org,
        journey.placement.id,
        JourneyStep::Invited,
        owner,
        &valid,
        Some(&notice_email),
    )
    .await;
    match moved {
        Ok(()) => txn.commit().await?,
        Err(DbError::Conflict(_)) => {
            drop(txn);
            let fresh = journey::find(state.db.conn(), tenant.org, journey.placement.id).await?;
            let mut errors = FormErrors::new(lang);
            errors.add("answer", "journey.error.already_answered");
            return render(&visitor, fresh, form, errors, None);
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!(
        "/talent/journey/{}?notice=journey_answer_{}",
        journey.placement.id,
        mv.key()
    ))
    .into_response())
}
