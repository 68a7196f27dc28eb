//! HR's strengths framework: rename, describe, add, retire and restore.
//! Strengths are never deleted: their positions are permanent, because
//! profiles and vacancies refer to them and the engine reads levels in order.
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
use beacon_core::permission::Capability;
use beacon_core::talent::strengths::validate_strength;
use beacon_db::entity::strength;
use beacon_db::{DbError, staff};
use beacon_govuk::components::{Button, Input, Label, NotificationBanner, Textarea};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct StrengthForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

fn name_input(lang: crate::i18n::Lang, form: &StrengthForm, errors: &FormErrors) -> Input {
    Input::new("name")
        .label(Label::text(lang.t("profiles.framework.name")).classes("govuk-label--s"))
        .classes("govuk-!-width-two-thirds")
        .spellcheck(true)
        .value(form.name.clone())
        .error_message(errors.message("name"))
}

fn description_input(
    lang: crate::i18n::Lang,
    form: &StrengthForm,
    errors: &FormErrors,
) -> Textarea {
    Textarea::new("description")
        .label(Label::text(lang.t("profiles.framework.description")).classes("govuk-label--s"))
        .hint(lang.t("profiles.framework.description_hint"))
        .rows(3)
        .value(form.description.clone())
        .error_message(errors.message("description"))
}

#[derive(Template)]
#[template(path = "profiles/framework.html")]
struct FrameworkPage {
    shell: Shell,
    strengths: Vec<strength::Model>,
    form: StrengthForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl FrameworkPage {
    fn name_input(&self) -> Input {
        name_input(self.shell.lang, &self.form, &self.errors)
    }
    fn description_input(&self) -> Textarea {
        description_input(self.shell.lang, &self.form, &self.errors)
    }
    fn add_button(&self) -> Button {
        Button::text(self.shell.t("profiles.framework.add"))
    }
    fn active(&self) -> usize {
        self.strengths.iter().filter(|s| !s.retired).count()
    }
}

async fn render_list(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    form: StrengthForm,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let conn = state.db.conn();
    staff::ensure_framework(conn, tenant.org, state.clock.now()).await?;
    let strengths = staff::framework_all(conn, tenant.org).await?;
    let shell = Shell::new(
        visitor,
        "/talent/strengths",
        lang.t("profiles.framework.title"),
    )
    .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page(&FrameworkPage {
        shell,
        strengths,
        form,
        errors,
        notice: notice(lang, notice_key),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let _ = q.lang;
    let errors = FormErrors::new(visitor.lang);
    render_list(
        &state,
        &visitor,
        &tenant,
        StrengthForm::default(),
        errors,
        q.notice.as_deref(),
    )
    .await
}

pub async fn add(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<StrengthForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let mut errors = FormErrors::new(visitor.lang);
    let text = match validate_strength(&form.name, &form.description) {
        Ok(text) => text,
        Err(problems) => {
            for p in problems {
                errors.add(p.field(), &format!("profiles.framework.error.{}", p.key()));
            }
            return render_list(&state, &visitor, &tenant, form, errors, None).await;
        }
    };
    let txn = state.db.begin_writing().await?;
    match staff::add_strength(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        &text,
    )
    .await
    {
        Ok(_) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            errors.add("name", "profiles.framework.error.name_taken");
            return render_list(&state, &visitor, &tenant, form, errors, None).await;
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to("/talent/strengths?notice=strength_added").into_response())
}

#[derive(Template)]
#[template(path = "profiles/strength.html")]
struct StrengthPage {
    shell: Shell,
    strength: strength::Model,
    form: StrengthForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl StrengthPage {
    fn name_input(&self) -> Input {
        name_input(self.shell.lang, &self.form, &self.errors)
    }
    fn description_input(&self) -> Textarea {
        description_input(self.shell.lang, &self.form, &self.errors)
    }
    fn save_button(&self) -> Button {
        Button::text(self.shell.t("profiles.framework.save"))
    }
    fn retire_button(&self) -> Button {
        let key = if self.strength.retired {
            "profiles.framework.restore"
        } else {
            "profiles.framework.retire"
        };
        Button::text(self.shell.t(key)).secondary()
    }
}

fn strength_id(raw: &str) -> Result<Uuid, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

async fn render_strength(
    visitor: &Visitor,
    strength: strength::Model,
    form: Option<StrengthForm>,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let form = form.unwrap_or_else(|| StrengthForm {
        name: strength.name.clone(),
        description: strength.description.clone(),
    });
    let shell = Shell::new(
        visitor,
        &format!("/talent/strengths/{}", strength.id),
        crate::i18n::tf(
            lang,
            "profiles.framework.edit_title",
            &[("name", &strength.name)],
        ),
    )
    .crumb(lang.t("profiles.framework.title"), "/talent/strengths")
    .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page(&StrengthPage {
        shell,
        strength,
        form,
        errors,
        notice: notice(lang, notice_key),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn edit_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let _ = q.lang;
    let strength = staff::strength(state.db.conn(), tenant.org, strength_id(&id)?).await?;
    let errors = FormErrors::new(visitor.lang);
    render_strength(&visitor, strength, None, errors, q.notice.as_deref()).await
}

pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<StrengthForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let strength = staff::strength(state.db.conn(), tenant.org, strength_id(&id)?).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let text = match validate_strength(&form.name, &form.description) {
        Ok(text) => text,
        Err(problems) => {
            for p in problems {
                errors.add(p.field(), &format!("profiles.framework.error.{}", p.key()));
            }
            return render_strength(&visitor, strength, Some(form), errors, None).await;
        }
    };
    let txn = state.db.begin_writing().await?;
    match staff::edit_strength(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        strength.id,
        &text,
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            errors.add("name", "profiles.framework.error.name_taken");
            return render_strength(&visitor, strength, Some(form), errors, None).await;
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to("/talent/strengths?notice=strength_saved").into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetireForm {
    #[serde(default)]
    retired: String,
}

pub async fn retire(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<RetireForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let strength = staff::strength(state.db.conn(), tenant.org, strength_id(&id)?).await?;
    let retired = match form.retired.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("retired".into())),
    };
    let txn = state.db.begin_writing().await?;
    staff::set_retired(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        strength.id,
        retired,
    )
    .await?;
    txn.commit().await?;
    let key = if retired {
        "strength_retired"
    } else {
        "strength_restored"
    };
    Ok(Redirect::to(&format!("/talent/strengths?notice={key}")).into_response())
}
