//! HR's list of journeys, and a journey's page for HR and the vacancy's
//! manager: its history, and the form for the next step that is theirs.
use super::{date_input, step_class, step_label, uuid_or_404, with_status};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, tf};
use crate::pipeline::{format_date, parse_date};
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
    Facts, Move, MoveInput, Refusal, TrialOutcome, Who, check_extension, check_move, check_outcome,
    moves_for, validate_extension, validate_move, validate_outcome,
};
use beacon_db::journey::{self, Journey, Notice, Row};
use beacon_db::{DbError, talent_settings};
use beacon_govuk::components::{
    Button, ChoiceItem, DateInput, Label, Legend, NotificationBanner, PageItem, PageLink,
    Pagination, Radios, Select, SelectItem, Textarea,
};
use serde::Deserialize;

/// Journeys on a page of the list.
const PER_PAGE: u64 = 50;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    step: Option<String>,
    page: Option<String>,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "journey/list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<Row>,
    total: u64,
    step: Option<JourneyStep>,
    page: u64,
    pages: u64,
}

impl ListPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }

    fn step_select(&self) -> Select {
        let mut select = Select::new("step")
            .label(Label::text(self.shell.t("journey.list.filter")))
            .value(self.step.map(|s| s.key()).unwrap_or(""))
            .item(SelectItem::new("", self.shell.t("journey.list.any_step")));
        for step in JourneyStep::ALL {
            select = select.item(SelectItem::new(step.key(), step_label(self.lang(), *step)));
        }
        select
    }

    fn label(&self, step: &JourneyStep) -> &'static str {
        step_label(self.lang(), *step)
    }

    fn class(&self, step: &JourneyStep) -> &'static str {
        step_class(*step)
    }

    fn date(&self, d: &time::Date) -> String {
        format_date(self.lang(), *d)
    }

    fn trial(&self, row: &Row) -> String {
        match (row.trial_starts_on, row.trial_ends_on) {
            (Some(s), Some(e)) => self.shell.tf(
                "journey.trial.dates",
                &[("start", &self.date(&s)), ("end", &self.date(&e))],
            ),
            _ => String::new(),
        }
    }

    fn count(&self) -> String {
        self.shell
            .tf("journey.list.count", &[("count", &self.total.to_string())])
    }

    fn href(&self, page: u64) -> String {
        match self.step {
            Some(step) => format!("/talent/journeys?step={}&page={page}", step.key()),
            None => format!("/talent/journeys?page={page}"),
        }
    }

    fn pagination(&self) -> Option<Pagination> {
        if self.pages <= 1 {
            return None;
        }
        let mut p = Pagination {
            landmark_label: Some(self.shell.t("journey.list.pages").to_owned()),
            ..Pagination::default()
        };
        if self.page > 1 {
            p = p.previous(
                PageLink::new(self.href(self.page - 1)).text(self.shell.t("journey.list.previous")),
            );
        }
        for n in 1..=self.pages {
            if n == 1 || n == self.pages || n.abs_diff(self.page) <= 1 {
                let item = PageItem::number(n as u32, self.href(n));
                p = p.item(if n == self.page { item.current() } else { item });
            } else if n.abs_diff(self.page) == 2 {
                p = p.item(PageItem::ellipsis());
            }
        }
        if self.page < self.pages {
            p = p.next(
                PageLink::new(self.href(self.page + 1)).text(self.shell.t("journey.list.next")),
            );
        }
        Some(p)
    }
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    tenant.require(Capability::RunTalentPool)?;
    // An unknown step or page is ignored, never passed on (PROMISES.md 10).
    let step: Option<JourneyStep> = q.step.as_deref().and_then(|s| s.parse().ok());
    let wanted = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let found = journey::list(state.db.conn(), tenant.org, step, wanted, PER_PAGE).await?;
    let pages = found.total.div_ceil(PER_PAGE).max(1);
    let lang = visitor.lang;
    let path = match step {
        Some(s) => format!("/talent/journeys?step={}", s.key()),
        None => "/talent/journeys".to_owned(),
    };
    let shell = Shell::new(&visitor, &path, lang.t("journey.list.title"))
        .crumb(lang.t("nav.talent"), "/talent");
    page(&ListPage {
        shell,
        rows: found.rows,
        total: found.total,
        step,
        page: wanted.min(pages),
        pages,
    })
}

// ---------------------------------------------------------------------------
// A journey's page

/// The forms of a journey's page, each with its own fields so that one
/// page can hold them all.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct StepForm {
    #[serde(rename = "move", default)]
    mv: String,
    /// The step the page showed, so a stale page cannot move a journey on.
    #[serde(default)]
    from: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    training_plan: String,
    #[serde(rename = "trial-start-day", default)]
    start_day: String,
    #[serde(rename = "trial-start-month", default)]
    start_month: String,
    #[serde(rename = "trial-start-year", default)]
    start_year: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct OutcomeForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    outcome_note: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExtensionForm {
    #[serde(default)]
    agreement: String,
    #[serde(rename = "extended-end-day", default)]
    day: String,
    #[serde(rename = "extended-end-month", default)]
    month: String,
    #[serde(rename = "extended-end-year", default)]
    year: String,
}

#[derive(Template)]
#[template(path = "journey/journey.html")]
struct JourneyPage {
    shell: Shell,
    journey: Journey,
    /// HR sees everything; the manager only names, steps and dates.
    hr: bool,
    forward: Option<Move>,
    may_return: bool,
    may_record_outcome: bool,
    may_extend: bool,
    step_form: StepForm,
    outcome_form: OutcomeForm,
    extension_form: ExtensionForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
    /// Someone else moved the journey first.
    conflict: bool,
    trial_days: u16,
}

impl JourneyPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }

    fn step(&self) -> JourneyStep {
        self.journey.step
    }

    fn step_label(&self) -> &'static str {
        step_label(self.lang(), self.journey.step)
    }

    fn label(&self, step: &JourneyStep) -> &'static str {
        step_label(self.lang(), *step)
    }

    fn step_class(&self) -> &'static str {
        step_class(self.journey.step)
    }

    fn date(&self, d: &time::Date) -> String {
        format_date(self.lang(), *d)
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

    fn outcome_label(&self) -> String {
        match &self.journey.outcome {
            Some(o) => self.shell.tf(
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
            None => self.shell.t("journey.outcome.none").to_owned(),
        }
    }

    /// What the manager sees of the outcome: that it was recorded, and when.
    fn outcome_recorded_on(&self) -> Option<String> {
        let o = self.journey.outcome.as_ref()?;
        Some(self.shell.tf(
            "journey.outcome.recorded_on",
            &[("date", &self.date(&o.recorded_on))],
        ))
    }

    fn asks_for_plan(&self, mv: &Move) -> bool {
        *mv == Move::Offer
    }

    fn asks_for_start(&self, mv: &Move) -> bool {
        *mv == Move::StartTrial
    }

    fn move_heading(&self, mv: &Move) -> &'static str {
        self.shell.t(&format!("journey.move.{}.heading", mv.key()))
    }

    fn move_button(&self, mv: &Move) -> Button {
        Button::text(self.shell.t(&format!("journey.move.{}.button", mv.key())))
    }

    fn note_input(&self, mv: &Move) -> Textarea {
        let (label, hint) = if *mv == Move::Place {
            ("journey.move.place.note", "journey.move.place.note_hint")
        } else {
            ("journey.note", "journey.note_hint")
        };
        Textarea::new("note")
            .label(Label::text(self.shell.t(label)).classes("govuk-label--s"))
            .hint(self.shell.t(hint))
            .rows(3)
            .value(self.step_form.note.clone())
            .error_message(self.errors.message("note"))
    }

    fn training_plan_input(&self) -> Textarea {
        Textarea::new("training_plan")
            .label(Label::text(self.shell.t("journey.training_plan")).classes("govuk-label--s"))
            .hint(self.shell.t("journey.training_plan_hint"))
            .rows(4)
            .value(self.step_form.training_plan.clone())
            .error_message(self.errors.message("training_plan"))
    }

    fn trial_start_input(&self) -> DateInput {
        date_input(
            self.lang(),
            "trial-start",
            self.shell.t("journey.trial.start"),
            &self.shell.tf(
                "journey.trial.start_hint",
                &[("days", &self.trial_days.to_string())],
            ),
            (
                &self.step_form.start_day,
                &self.step_form.start_month,
                &self.step_form.start_year,
            ),
            self.errors.message("trial-start-day"),
        )
    }

    fn reason_input(&self) -> Textarea {
        Textarea::new("reason")
            .label(
                Label::text(self.shell.t("journey.move.return.reason")).classes("govuk-label--s"),
            )
            .hint(self.shell.t("journey.move.return.reason_hint"))
            .rows(3)
            .value(self.step_form.reason.clone())
            .error_message(self.errors.message("reason"))
    }

    fn return_button(&self) -> Button {
        Button::text(self.shell.t("journey.move.return.button")).warning()
    }

    fn outcome_radios(&self) -> Radios {
        let mut radios = Radios::new("outcome")
            .legend(
                Legend::text(self.shell.t("journey.outcome.question"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(self.outcome_form.outcome.clone())
            .error_message(self.errors.message("outcome"));
        for o in TrialOutcome::ALL {
            radios = radios.item(ChoiceItem::new(
                o.key(),
                self.shell.t(&format!("journey.outcome.{}", o.key())),
            ));
        }
        radios
    }

    fn outcome_note_input(&self) -> Textarea {
        Textarea::new("outcome_note")
            .label(Label::text(self.shell.t("journey.outcome.note")).classes("govuk-label--s"))
            .hint(self.shell.t("journey.outcome.note_hint"))
            .rows(3)
            .value(self.outcome_form.outcome_note.clone())
            .error_message(self.errors.message("outcome_note"))
    }

    /// When an outcome is recorded already, the form changes it: what the
    /// page says about that, without showing the outcome itself.
    fn outcome_revision_intro(&self) -> Option<String> {
        let o = self.journey.outcome.as_ref()?;
        Some(self.shell.tf(
            "journey.outcome.revise_intro",
            &[("date", &self.date(&o.recorded_on))],
        ))
    }

    fn outcome_button(&self) -> Button {
        let key = if self.journey.outcome.is_some() {
            "journey.outcome.revise_button"
        } else {
            "journey.outcome.button"
        };
        Button::text(self.shell.t(key))
    }

    fn agreement_input(&self) -> Textarea {
        Textarea::new("agreement")
            .label(
                Label::text(self.shell.t("journey.extension.agreement")).classes("govuk-label--s"),
            )
            .hint(self.shell.t("journey.extension.agreement_hint"))
            .rows(4)
            .value(self.extension_form.agreement.clone())
            .error_message(self.errors.message("agreement"))
    }

    fn extended_end_input(&self) -> DateInput {
        date_input(
            self.lang(),
            "extended-end",
            self.shell.t("journey.extension.ends"),
            self.shell.t("journey.extension.ends_hint"),
            (
                &self.extension_form.day,
                &self.extension_form.month,
                &self.extension_form.year,
            ),
            self.errors.message("extended-end-day"),
        )
    }

    fn extension_button(&self) -> Button {
        Button::text(self.shell.t("journey.extension.button")).secondary()
    }
}

/// The journey, if the visitor is HR or the vacancy's manager; otherwise
/// "not found", so a manager learns nothing of other vacancies' journeys.
async fn journey_for(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<(Journey, Who), AppError> {
    tenant.require(Capability::ManageVacancies)?;
    let id = uuid_or_404(raw_id)?;
    let journey = journey::find(state.db.conn(), tenant.org, id).await?;
    let me = tenant.who.person.id;
    let who = Who {
        person: journey.staff.person_id == Some(me.uuid()),
        hr: Capability::RunTalentPool.granted_by(&tenant.roles),
        manager: journey.manager == me,
    };
    if !(who.hr || who.manager) {
        return Err(AppError::NotFound);
    }
    Ok((journey, who))
}

#[derive(Default)]
struct Shown {
    step_form: StepForm,
    outcome_form: OutcomeForm,
    extension_form: ExtensionForm,
    conflict: bool,
}

#[allow(clippy::too_many_arguments)]
async fn render(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    journey: Journey,
    who: Who,
    shown: Shown,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let settings = talent_settings::get(state.db.conn(), tenant.org).await?;
    let moves = moves_for(who, journey.step);
    let forward = moves.iter().copied().find(|m| {
        matches!(
            m,
            Move::Assess | Move::Offer | Move::StartTrial | Move::Place
        )
    });
    let path = format!("/talent/journeys/{}", journey.placement.id);
    let mut shell = Shell::new(
        visitor,
        &path,
        tf(
            lang,
            "journey.page.title",
            &[
                ("name", &journey.staff.name),
                ("vacancy", &journey.vacancy.title),
            ],
        ),
    );
    if who.hr {
        shell = shell
            .crumb(lang.t("nav.talent"), "/talent")
            .crumb(lang.t("journey.list.title"), "/talent/journeys");
    } else {
        shell = shell.crumb(lang.t("nav.vacancies"), "/vacancies");
    }
    let status = if shown.conflict {
        StatusCode::CONFLICT
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shell = shell.with_errors(!errors.is_empty());
    let response = page(&JourneyPage {
        shell,
        hr: who.hr,
        forward,
        may_return: moves.contains(&Move::Return),
        // A recorded outcome may be changed until HR places the person.
        may_record_outcome: check_outcome(who, journey.step).is_ok(),
        may_extend: check_extension(who, journey.step).is_ok() && journey.trial().is_some(),
        journey,
        step_form: shown.step_form,
        outcome_form: shown.outcome_form,
        extension_form: shown.extension_form,
        errors,
        notice: notice(lang, notice_key),
        conflict: shown.conflict,
        trial_days: settings.trial_days,
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
    let (journey, who) = journey_for(&state, &tenant, &id).await?;
    let errors = FormErrors::new(visitor.lang);
    render(
        &state,
        &visitor,
        &tenant,
        journey,
        who,
        Shown::default(),
        errors,
        q.notice.as_deref(),
    )
    .await
}

fn refused(refusal: Refusal) -> Option<AppError> {
    match refusal {
        Refusal::NotYours => Some(AppError::Forbidden),
        Refusal::OutOfOrder => None,
    }
}

/// The email telling the person where their journey has got to.
fn step_notice(lang: Lang, state: &AppState, journey: &Journey, to: JourneyStep) -> Notice {
    let vacancy = journey.vacancy.title.as_str();
    Notice {
        subject: tf(
            lang,
            "journey.email.subject",
            &[("vacancy", vacancy), ("step", step_label(lang, to))],
        ),
        body: tf(
            lang,
            &format!("journey.email.{}", to.key()),
            &[
                ("name", &journey.staff.name),
                ("vacancy", vacancy),
                (
                    "link",
                    &format!("{}/talent/journey", state.config.public_url),
                ),
            ],
        ),
    }
}

pub async fn take_step(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<StepForm>,
) -> Result<Response, AppError> {
    let (journey, who) = journey_for(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let mv = Move::parse(&form.mv).ok_or_else(|| AppError::BadRequest("move".into()))?;
    let from: JourneyStep = form
        .from
        .parse()
        .map_err(|_| AppError::BadRequest("from".into()))?;
    // Only HR and the manager move a journey here; the person answers on
    // their own page.
    let who_here = Who {
        person: false,
        ..who
    };
    let conflict = |journey, form| async {
        render(
            &state,
            &visitor,
            &tenant,
            journey,
            who,
            Shown {
                step_form: form,
                conflict: true,
                ..Shown::default()
            },
            FormErrors::new(lang),
            None,
        )
        .await
    };
    if let Err(refusal) = check_move(who_here, from, mv) {
        return match refused(refusal) {
            Some(e) => Err(e),
            None => conflict(journey, form).await,
        };
    }
    if from != journey.step {
        return conflict(journey, form).await;
    }
    let today = state.clock.now().date();
    let settings = talent_settings::get(state.db.conn(), tenant.org).await?;
    let facts = Facts {
        has_gaps: mv == Move::Offer
            && journey::has_gaps(state.db.conn(), tenant.org, &journey, today).await?,
        step_on: Some(journey.placement.step_on),
        outcome: journey.outcome.as_ref().map(|o| o.outcome),
        trial_days: settings.trial_days,
    };
    let input = MoveInput {
        note: if mv == Move::Return {
            &form.reason
        } else {
            &form.note
        },
        training_plan: &form.training_plan,
        trial_start: parse_date(&form.start_day, &form.start_month, &form.start_year),
    };
    let valid = match validate_move(mv, &facts, &input, today) {
        Ok(valid) => valid,
        Err(problems) => {
            let mut errors = FormErrors::new(lang);
            for (field, p) in problems {
                let field = if mv == Move::Return && field == "note" {
                    "reason"
                } else {
                    field
                };
                errors.add(field, &format!("journey.error.{}", p.key()));
            }
            let shown = Shown {
                step_form: form,
                ..Shown::default()
            };
            return render(&state, &visitor, &tenant, journey, who, shown, errors, None).await;
        }
    };
    let owner = match valid.to {
        JourneyStep::Placed | JourneyStep::Returned => tenant.who.person.id,
        _ => journey.manager,
    };
    let notice_email = step_notice(lang, &state, &journey, valid.to);
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let moved = journey::advance(
        &txn,
        now,
        today,
        &tenant.who.actor(),
        tenant.org,
        journey.placement.id,
        from,
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
            return conflict(fresh, form).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!(
        "/talent/journeys/{}?notice=journey_{}",
        journey.placement.id,
        valid.to.key()
    ))
    .into_response())
}

pub async fn record_outcome(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<OutcomeForm>,
) -> Result<Response, AppError> {
    let (journey, who) = journey_for(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    match check_outcome(who, journey.step) {
        Err(Refusal::NotYours) => return Err(AppError::Forbidden),
        Err(Refusal::OutOfOrder) => {
            let shown = Shown {
                outcome_form: form,
                conflict: true,
                ..Shown::default()
            };
            let errors = FormErrors::new(lang);
            return render(&state, &visitor, &tenant, journey, who, shown, errors, None).await;
        }
        Ok(()) => {}
    }
    let outcome = match validate_outcome(form.outcome.parse().ok(), &form.outcome_note) {
        Ok(o) => o,
        Err(problems) => {
            let mut errors = FormErrors::new(lang);
            for (field, p) in problems {
                errors.add(field, &format!("journey.error.{}", p.key()));
            }
            let shown = Shown {
                outcome_form: form,
                ..Shown::default()
            };
            return render(&state, &visitor, &tenant, journey, who, shown, errors, None).await;
        }
    };
    let notice = if journey.outcome.is_some() {
        "journey_outcome_revised"
    } else {
        "journey_outcome_recorded"
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let recorded = journey::record_outcome(
        &txn,
        now,
        now.date(),
        &tenant.who.actor(),
        tenant.org,
        journey.placement.id,
        &outcome,
    )
    .await;
    match recorded {
        Ok(()) => txn.commit().await?,
        Err(DbError::Conflict(_)) => {
            drop(txn);
            let fresh = journey::find(state.db.conn(), tenant.org, journey.placement.id).await?;
            let shown = Shown {
                conflict: true,
                ..Shown::default()
            };
            let errors = FormErrors::new(lang);
            return render(&state, &visitor, &tenant, fresh, who, shown, errors, None).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!(
        "/talent/journeys/{}?notice={notice}",
        journey.placement.id
    ))
    .into_response())
}

pub async fn extend(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<ExtensionForm>,
) -> Result<Response, AppError> {
    let (journey, who) = journey_for(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let current = match (check_extension(who, journey.step), journey.trial()) {
        (Err(Refusal::NotYours), _) => return Err(AppError::Forbidden),
        (Ok(()), Some(current)) => current,
        _ => {
            let shown = Shown {
                extension_form: form,
                conflict: true,
                ..Shown::default()
            };
            let errors = FormErrors::new(lang);
            return render(&state, &visitor, &tenant, journey, who, shown, errors, None).await;
        }
    };
    let ends_on = parse_date(&form.day, &form.month, &form.year);
    let extension = match validate_extension(current, &form.agreement, ends_on) {
        Ok(e) => e,
        Err(problems) => {
            let mut errors = FormErrors::new(lang);
            for (field, p) in problems {
                errors.add(field, &format!("journey.error.{}", p.key()));
            }
            let shown = Shown {
                extension_form: form,
                ..Shown::default()
            };
            return render(&state, &visitor, &tenant, journey, who, shown, errors, None).await;
        }
    };
    let notice_email = Notice {
        subject: tf(
            lang,
            "journey.email.extended_subject",
            &[("vacancy", &journey.vacancy.title)],
        ),
        body: tf(
            lang,
            "journey.email.extended",
            &[
                ("name", &journey.staff.name),
                ("vacancy", &journey.vacancy.title),
                ("end", &format_date(lang, extension.ends_on)),
            ],
        ),
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let extended = journey::extend_trial(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        journey.placement.id,
        current,
        &extension,
        Some(&notice_email),
    )
    .await;
    match extended {
        Ok(()) => txn.commit().await?,
        Err(DbError::Conflict(_)) => {
            drop(txn);
            let fresh = journey::find(state.db.conn(), tenant.org, journey.placement.id).await?;
            let shown = Shown {
                conflict: true,
                ..Shown::default()
            };
            let errors = FormErrors::new(lang);
            return render(&state, &visitor, &tenant, fresh, who, shown, errors, None).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!(
        "/talent/journeys/{}?notice=journey_trial_extended",
        journey.placement.id
    ))
    .into_response())
}
