//! `/talent/settings`: how long vacancies are held for the pool, the trial
//! period, the longest training that may close a gap, and what a hire from
//! outside costs (for the recruitment cost avoided). Limits are the core's.
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::pipeline::{MoneyError, parse_pounds, pounds};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::permission::Capability;
use beacon_core::talent::Settings;
use beacon_core::talent::analytics::{
    FREEZE_DAYS, RECRUITMENT_COST_MAX, SettingsError, TRAINING_LIMIT_DAYS, TRIAL_DAYS, parse_days,
    valid,
};
use beacon_db::talent_settings;
use beacon_govuk::components::{Input, Label, NotificationBanner};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct SettingsForm {
    #[serde(default)]
    freeze_days: String,
    #[serde(default)]
    trial_days: String,
    #[serde(default)]
    training_limit_days: String,
    #[serde(default)]
    recruitment_cost: String,
}

impl SettingsForm {
    fn of(s: &Settings) -> Self {
        Self {
            freeze_days: s.freeze_days.to_string(),
            trial_days: s.trial_days.to_string(),
            training_limit_days: s.training_limit_days.to_string(),
            recruitment_cost: pounds(s.recruitment_cost_pence).replacen('£', "", 1),
        }
    }
}

#[derive(Template)]
#[template(path = "workforce/settings.html")]
struct SettingsPage {
    shell: Shell,
    form: SettingsForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl SettingsPage {
    fn days(&self, field: &str, (min, max): (u16, u16)) -> Input {
        let value = match field {
            "freeze_days" => &self.form.freeze_days,
            "trial_days" => &self.form.trial_days,
            _ => &self.form.training_limit_days,
        };
        Input::new(field)
            .label(
                Label::text(self.shell.t(&format!("workforce.settings.{field}")))
                    .classes("govuk-label--s"),
            )
            .hint(self.shell.tf(
                &format!("workforce.settings.{field}_hint"),
                &[("min", &min.to_string()), ("max", &max.to_string())],
            ))
            .classes("govuk-input--width-4")
            .inputmode("numeric")
            .spellcheck(false)
            .suffix(self.shell.t("workforce.settings.days"))
            .value(value.clone())
            .error_message(self.errors.message(field))
    }

    fn inputs(&self) -> Vec<Input> {
        vec![
            self.days("freeze_days", FREEZE_DAYS),
            self.days("trial_days", TRIAL_DAYS),
            self.days("training_limit_days", TRAINING_LIMIT_DAYS),
            Input::new("recruitment_cost")
                .label(
                    Label::text(self.shell.t("workforce.settings.recruitment_cost"))
                        .classes("govuk-label--s"),
                )
                .hint(self.shell.t("workforce.settings.recruitment_cost_hint"))
                .prefix("£")
                .classes("govuk-input--width-10")
                .inputmode("decimal")
                .spellcheck(false)
                .value(self.form.recruitment_cost.clone())
                .error_message(self.errors.message("recruitment_cost")),
        ]
    }
}

fn render(
    visitor: &Visitor,
    uri: &OriginalUri,
    form: SettingsForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let shell = Shell::new(visitor, &here(uri), lang.t("workforce.settings.title"))
        .with_errors(!errors.is_empty())
        .crumb(lang.t("workforce.crumb"), "/talent");
    let bad = !errors.is_empty();
    let mut response = page(&SettingsPage {
        shell,
        form,
        errors,
        notice,
    })?;
    if bad {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let settings = talent_settings::get(state.db.conn(), tenant.org).await?;
    let banner = notice(visitor.lang, query.notice.as_deref());
    render(
        &visitor,
        &uri,
        SettingsForm::of(&settings),
        FormErrors::new(visitor.lang),
        banner,
    )
}

fn days_error(field: &str, e: SettingsError) -> String {
    let what = match e {
        SettingsError::Missing => "missing",
        SettingsError::NotAWholeNumber => "not_number",
        SettingsError::OutOfRange => "range",
    };
    format!("workforce.error.{field}_{what}")
}

pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let mut errors = FormErrors::new(visitor.lang);
    let mut day = |field: &str, raw: &str, range| match parse_days(raw, range) {
        Ok(n) => n,
        Err(e) => {
            errors.add(field, &days_error(field, e));
            0
        }
    };
    let freeze_days = day("freeze_days", &form.freeze_days, FREEZE_DAYS);
    let trial_days = day("trial_days", &form.trial_days, TRIAL_DAYS);
    let training_limit_days = day(
        "training_limit_days",
        &form.training_limit_days,
        TRAINING_LIMIT_DAYS,
    );
    let recruitment_cost_pence = match parse_pounds(&form.recruitment_cost) {
        Ok(p) if p <= RECRUITMENT_COST_MAX => p,
        Ok(_) | Err(MoneyError::TooLarge) => {
            errors.add("recruitment_cost", "workforce.error.cost_range");
            0
        }
        Err(MoneyError::Missing) => {
            errors.add("recruitment_cost", "workforce.error.cost_missing");
            0
        }
        Err(MoneyError::NotMoney | MoneyError::Negative) => {
            errors.add("recruitment_cost", "workforce.error.cost_not_money");
            0
        }
    };
    let settings = Settings {
        freeze_days,
        trial_days,
        training_limit_days,
        recruitment_cost_pence,
    };
    if !errors.is_empty() || !valid(&settings) {
        return render(&visitor, &uri, form, errors, None);
    }
    let txn = state.db.begin_writing().await?;
    talent_settings::set(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        settings,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/talent/settings?notice=talent_settings_saved").into_response())
}
