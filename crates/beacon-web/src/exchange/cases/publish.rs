//! Publishing a case at a level (internal, partners, public), named or
//! anonymised; withdrawing it; and writing the anonymised text a sector
//! administrator approves before a case is published without its name.
use super::{case_path, conflict, own_case};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::exchange::anonymise::{council_words, parse_anonymised};
use beacon_core::exchange::cases::publish_problems;
use beacon_core::exchange::{Level, ModerationStatus, Section};
use beacon_db::DbError;
use beacon_db::entity::{case_anonymised, case_study};
use beacon_db::exchange::cases;
use beacon_govuk::components::{
    Button, ChoiceItem, ErrorLink, ErrorSummary, Input, Label, Legend, Radios, Textarea,
};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PublishForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    name: String,
}

#[derive(Template)]
#[template(path = "exchange/cases/publish.html")]
struct PublishPage {
    shell: Shell,
    case: case_study::Model,
    form: PublishForm,
    errors: FormErrors,
    /// Sections to write before publishing, as links to the edit page.
    missing: Vec<(String, String)>,
    approved: bool,
}

impl PublishPage {
    fn t(&self, key: &str) -> &'static str {
        self.shell.t(&format!("exchange.cases.publish.{key}"))
    }

    fn summary(&self) -> Option<ErrorSummary> {
        if self.errors.is_empty() && self.missing.is_empty() {
            return None;
        }
        let mut s = self
            .errors
            .summary()
            .unwrap_or_else(|| ErrorSummary::new(self.shell.t("common.error_summary_title")));
        for (text, href) in &self.missing {
            s = s.error(ErrorLink::new(text.clone(), href.clone()));
        }
        Some(s)
    }

    fn level_radios(&self) -> Radios {
        let mut r = Radios::new("level")
            .legend(Legend::text(self.t("level")).classes("govuk-fieldset__legend--m"))
            .value(self.form.level.clone())
            .error_message(self.errors.message("level"));
        for l in Level::ALL {
            r = r.item(
                ChoiceItem::new(
                    l.key(),
                    self.shell.t(&format!("exchange.cases.level.{}", l.key())),
                )
                .hint(
                    self.shell
                        .t(&format!("exchange.cases.level_hint.{}", l.key())),
                ),
            );
        }
        r
    }

    fn name_radios(&self) -> Radios {
        Radios::new("name")
            .legend(Legend::text(self.t("name")).classes("govuk-fieldset__legend--m"))
            .value(self.form.name.clone())
            .error_message(self.errors.message("name"))
            .item(ChoiceItem::new("named", self.t("named")).hint(self.t("named_hint")))
            .item(
                ChoiceItem::new("anonymised", self.t("anonymised")).hint(self.t("anonymised_hint")),
            )
    }

    fn submit(&self) -> Button {
        Button::text(self.t("submit")).prevent_double_click()
    }
}

fn missing_links(visitor: &Visitor, case: &case_study::Model) -> Vec<(String, String)> {
    publish_problems(&cases::sections_of(case))
        .into_iter()
        .map(|p| {
            (
                crate::i18n::tf(
                    visitor.lang,
                    "exchange.cases.error.needed_to_publish",
                    &[(
                        "section",
                        visitor
                            .lang
                            .t(&format!("exchange.cases.section.{}", p.field)),
                    )],
                ),
                format!("{}/edit#{}", case_path(case.id), p.field),
            )
        })
        .collect()
}

async fn render_publish(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    case: case_study::Model,
    form: PublishForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let approved = cases::anonymised(state.db.conn(), tenant.org, case.id)
        .await?
        .is_some_and(|a| a.status == ModerationStatus::Approved.key());
    let missing = missing_links(visitor, &case);
    let shell = Shell::new(
        visitor,
        &format!("{}/publish", case_path(case.id)),
        visitor.lang.t("exchange.cases.publish.title"),
    )
    .crumb(
        visitor.lang.t("exchange.cases.mine.title"),
        "/exchange/mine",
    )
    .crumb(case.title.clone(), case_path(case.id))
    .with_errors(!errors.is_empty() || !missing.is_empty());
    let mut response = page(&PublishPage {
        shell,
        case,
        form,
        errors,
        missing,
        approved,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn publish_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let case = own_case(&state, &tenant, &id).await?;
    let form = PublishForm {
        version: case.version.to_string(),
        level: case.level.clone(),
        name: if case.anonymous {
            "anonymised"
        } else {
            "named"
        }
        .to_owned(),
    };
    let errors = FormErrors::new(visitor.lang);
    render_publish(
        &state,
        &visitor,
        &tenant,
        case,
        form,
        errors,
        StatusCode::OK,
    )
    .await
}

pub async fn publish(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<PublishForm>,
) -> Result<Response, AppError> {
    let case = own_case(&state, &tenant, &id).await?;
    let version: i32 = form
        .version
        .parse()
        .map_err(|_| AppError::BadRequest("version".into()))?;
    let mut errors = FormErrors::new(visitor.lang);
    let level = form.level.parse::<Level>().ok();
    if level.is_none() {
        errors.add("level", "exchange.cases.error.level");
    }
    let anonymous = match form.name.as_str() {
        "named" => Some(false),
        "anonymised" => Some(true),
        _ => {
            errors.add("name", "exchange.cases.error.name");
            None
        }
    };
    let incomplete = !publish_problems(&cases::sections_of(&case)).is_empty();
    let (Some(level), Some(anonymous)) = (level, anonymous) else {
        return render_publish(
            &state,
            &visitor,
            &tenant,
            case,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if incomplete {
        return render_publish(
            &state,
            &visitor,
            &tenant,
            case,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if anonymous && level == Level::Internal {
        errors.add("name", "exchange.cases.error.anonymous_internal");
        return render_publish(
            &state,
            &visitor,
            &tenant,
            case,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let done = cases::publish(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        case.id,
        version,
        level,
        anonymous,
    )
    .await;
    match done {
        Ok(()) => {}
        Err(DbError::Conflict(cases::NOT_APPROVED)) => {
            drop(txn);
            errors.add("name", "exchange.cases.error.not_approved");
            return render_publish(
                &state,
                &visitor,
                &tenant,
                case,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(DbError::Conflict(_)) => {
            drop(txn);
            return conflict(
                &visitor,
                &case_path(case.id),
                "exchange.cases.conflict.stale",
            );
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=case_published", case_path(case.id))).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawForm {
    version: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Result<Response, AppError> {
    let case = own_case(&state, &tenant, &id).await?;
    let version: i32 = form
        .version
        .parse()
        .map_err(|_| AppError::BadRequest("version".into()))?;
    let txn = state.db.begin_writing().await?;
    match cases::withdraw(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        case.id,
        version,
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            return conflict(
                &visitor,
                &case_path(case.id),
                "exchange.cases.conflict.stale",
            );
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=case_withdrawn", case_path(case.id))).into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct AnonymisedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    innovative: String,
    #[serde(default)]
    context: String,
    #[serde(default)]
    partners: String,
    #[serde(default)]
    users: String,
    #[serde(default)]
    results: String,
    #[serde(default)]
    challenges: String,
    #[serde(default)]
    conditions: String,
    #[serde(default)]
    replication: String,
    #[serde(default)]
    lessons: String,
    #[serde(default)]
    materials: String,
}

impl AnonymisedForm {
    fn sections(&self) -> [&str; 11] {
        [
            &self.summary,
            &self.innovative,
            &self.context,
            &self.partners,
            &self.users,
            &self.results,
            &self.challenges,
            &self.conditions,
            &self.replication,
            &self.lessons,
            &self.materials,
        ]
    }

    fn of(m: &case_anonymised::Model) -> Self {
        Self {
            title: m.title.clone(),
            summary: m.summary.clone(),
            innovative: m.innovative.clone(),
            context: m.context.clone(),
            partners: m.partners.clone(),
            users: m.users.clone(),
            results: m.results.clone(),
            challenges: m.challenges.clone(),
            conditions: m.conditions.clone(),
            replication: m.replication.clone(),
            lessons: m.lessons.clone(),
            materials: m.materials.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "exchange/cases/anonymised.html")]
struct AnonymisedPage {
    shell: Shell,
    case: case_study::Model,
    form: AnonymisedForm,
    errors: FormErrors,
    existing: Option<case_anonymised::Model>,
}

impl AnonymisedPage {
    fn t(&self, key: &str) -> &'static str {
        self.shell.t(&format!("exchange.cases.anonymised.{key}"))
    }

    fn status(&self) -> &'static str {
        self.existing.as_ref().map_or("", |e| {
            self.shell
                .t(&format!("exchange.cases.moderation_status.{}", e.status))
        })
    }

    fn note(&self) -> String {
        self.existing
            .as_ref()
            .map(|e| e.moderation_note.clone())
            .unwrap_or_default()
    }

    fn title_input(&self) -> Input {
        Input::new("title")
            .label(Label::text(self.shell.t("exchange.cases.form.title")).classes("govuk-label--m"))
            .value(self.form.title.clone())
            .error_message(self.errors.message("title"))
    }

    fn areas(&self) -> Vec<Textarea> {
        let values = self.form.sections();
        Section::ALL
            .iter()
            .zip(values)
            .map(|(s, v)| {
                let key = s.key();
                Textarea::new(key)
                    .label(
                        Label::text(self.shell.t(&format!("exchange.cases.section.{key}")))
                            .classes("govuk-label--s"),
                    )
                    .value(v.to_owned())
                    .rows(5)
                    .error_message(self.errors.message(key))
            })
            .collect()
    }

    fn submit(&self) -> Button {
        Button::text(self.t("submit")).prevent_double_click()
    }
}

async fn render_anonymised(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    case: case_study::Model,
    form: Option<AnonymisedForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let existing = cases::anonymised(state.db.conn(), tenant.org, case.id).await?;
    let form = form.unwrap_or_else(|| {
        existing
            .as_ref()
            .map(AnonymisedForm::of)
            .unwrap_or_default()
    });
    let shell = Shell::new(
        visitor,
        &format!("{}/anonymised", case_path(case.id)),
        visitor.lang.t("exchange.cases.anonymised.title"),
    )
    .crumb(
        visitor.lang.t("exchange.cases.mine.title"),
        "/exchange/mine",
    )
    .crumb(case.title.clone(), case_path(case.id))
    .with_errors(!errors.is_empty());
    let mut response = page(&AnonymisedPage {
        shell,
        case,
        form,
        errors,
        existing,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn anonymised_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let case = own_case(&state, &tenant, &id).await?;
    let errors = FormErrors::new(visitor.lang);
    render_anonymised(
        &state,
        &visitor,
        &tenant,
        case,
        None,
        errors,
        StatusCode::OK,
    )
    .await
}

pub async fn request_anonymised(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<AnonymisedForm>,
) -> Result<Response, AppError> {
    let case = own_case(&state, &tenant, &id).await?;
    let words = council_words(&tenant.organisation.name);
    let names: Vec<&str> = words.iter().map(String::as_str).collect();
    let text = match parse_anonymised(&form.title, form.sections(), &names) {
        Ok(text) => text,
        Err(problems) => {
            let mut errors = FormErrors::new(visitor.lang);
            for p in problems {
                errors.add(&p.field, &format!("exchange.cases.error.{}", p.key));
            }
            return render_anonymised(
                &state,
                &visitor,
                &tenant,
                case,
                Some(form),
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let txn = state.db.begin_writing().await?;
    cases::request_anonymised(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        case.id,
        &text,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "{}?notice=case_anonymised_sent",
        case_path(case.id)
    ))
    .into_response())
}
