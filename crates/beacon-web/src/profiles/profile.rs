//! The signed-in person's own profile, and the pages where they keep it up
//! to date: qualifications, experience, and where and how they would work.
//! Grade and hours are HR's record: shown here, changed only by HR.
use super::{ProfileView, own_record, own_record_to_change};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::Lang;
use crate::pipeline::parse_date;
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::talent::strengths::{
    MAX_MONTHS, MAX_TRAVEL_KM, QUALIFICATIONS, parse_count, qualification_title,
};
use beacon_db::entity::staff;
use beacon_db::staff::{self as store, NewExperience, NewQualification, Preferences};
use beacon_govuk::components::{
    Button, Checkboxes, ChoiceItem, DateInput, DateInputItem, Input, Label, Legend,
    NotificationBanner, Radios, Select, SelectItem, Textarea,
};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

const ROLE_MAX: usize = 100;
const SITE_MAX: usize = 100;
const SITES_MAX: usize = 10;

#[derive(Template)]
#[template(path = "profiles/profile.html")]
struct ProfilePage {
    shell: Shell,
    view: ProfileView,
    notice: Option<NotificationBanner>,
}

#[derive(Template)]
#[template(path = "profiles/no_record.html")]
struct NoRecordPage {
    shell: Shell,
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let lang = visitor.lang;
    let Some(record) = own_record(&state, &tenant).await? else {
        let shell = Shell::new(&visitor, "/talent/profile", lang.t("profiles.title"));
        return page(&NoRecordPage { shell });
    };
    let conn = state.db.conn();
    let now = state.clock.now();
    store::ensure_framework(conn, tenant.org, now).await?;
    let profile = store::profile(conn, tenant.org, record).await?;
    let view = ProfileView::new(lang, profile, now.date(), true);
    let shell = Shell::new(&visitor, "/talent/profile", lang.t("profiles.title"));
    page(&ProfilePage {
        shell,
        view,
        notice: notice(lang, q.notice.as_deref()),
    })
}

fn status_of(errors: &FormErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

fn shell_for(visitor: &Visitor, path: &str, title_key: &str, errors: &FormErrors) -> Shell {
    let lang = visitor.lang;
    Shell::new(visitor, path, lang.t(title_key))
        .crumb(lang.t("profiles.title"), "/talent/profile")
        .with_errors(!errors.is_empty())
}

/// Day, month and year boxes, labelled in the page's language.
fn date_input(
    lang: Lang,
    name: &str,
    legend: &str,
    hint: &str,
    (day, month, year): (&str, &str, &str),
    error: Option<beacon_govuk::components::ErrorMessage>,
) -> DateInput {
    let item = |part: &str, value: &str, width: u8| DateInputItem {
        name: Some(part.to_owned()),
        label: Some(lang.t(&format!("profiles.date.{part}")).to_owned()),
        value: Some(value.to_owned()),
        classes: Some(format!("govuk-input--width-{width}")),
        ..DateInputItem::default()
    };
    let mut input = DateInput::new(name)
        .legend(Legend::text(legend).classes("govuk-fieldset__legend--s"))
        .hint(hint)
        .error_message(error);
    input.items = vec![
        Some(item("day", day, 2)),
        Some(item("month", month, 2)),
        Some(item("year", year, 4)),
    ];
    input
}

/// An optional date: all three boxes empty is none, otherwise it must be a
/// real date.
fn optional_date(day: &str, month: &str, year: &str) -> Result<Option<Date>, ()> {
    if day.trim().is_empty() && month.trim().is_empty() && year.trim().is_empty() {
        return Ok(None);
    }
    parse_date(day, month, year).map(Some).ok_or(())
}

fn date_parts(d: Option<Date>) -> (String, String, String) {
    d.map(|d| {
        (
            d.day().to_string(),
            u8::from(d.month()).to_string(),
            d.year().to_string(),
        )
    })
    .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Qualifications

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct QualificationForm {
    #[serde(default)]
    code: String,
    #[serde(default, rename = "expires-day")]
    expires_day: String,
    #[serde(default, rename = "expires-month")]
    expires_month: String,
    #[serde(default, rename = "expires-year")]
    expires_year: String,
}

#[derive(Template)]
#[template(path = "profiles/qualifications.html")]
struct QualificationsPage {
    shell: Shell,
    view: ProfileView,
    form: QualificationForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl QualificationsPage {
    fn code_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut select = Select::new("code")
            .label(Label::text(lang.t("profiles.qualification.which")).classes("govuk-label--s"))
            .value(self.form.code.clone())
            .error_message(self.errors.message("code"))
            .item(SelectItem::new("", lang.t("profiles.qualification.choose")));
        for (code, _) in QUALIFICATIONS {
            select = select.item(SelectItem::new(
                code,
                lang.t(&format!("profiles.qualification.code.{code}")),
            ));
        }
        select
    }

    fn expiry_input(&self) -> DateInput {
        let f = &self.form;
        date_input(
            self.shell.lang,
            "expires",
            self.shell.t("profiles.qualification.expiry"),
            self.shell.t("profiles.qualification.expiry_hint"),
            (&f.expires_day, &f.expires_month, &f.expires_year),
            self.errors.message("expires-day"),
        )
    }

    fn add_button(&self) -> Button {
        Button::text(self.shell.t("profiles.qualification.add"))
    }
}

async fn render_qualifications(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    record: staff::Model,
    form: QualificationForm,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let now = state.clock.now();
    let profile = store::profile(state.db.conn(), tenant.org, record).await?;
    let status = status_of(&errors);
    let mut response = page(&QualificationsPage {
        shell: shell_for(
            visitor,
            "/talent/profile/qualifications",
            "profiles.qualification.title",
            &errors,
        ),
        view: ProfileView::new(lang, profile, now.date(), true),
        form,
        errors,
        notice: notice(lang, notice_key),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn qualifications_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let record = own_record_to_change(&state, &tenant).await?;
    let errors = FormErrors::new(visitor.lang);
    render_qualifications(
        &state,
        &visitor,
        &tenant,
        record,
        QualificationForm::default(),
        errors,
        q.notice.as_deref(),
    )
    .await
}

pub async fn add_qualification(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<QualificationForm>,
) -> Result<Response, AppError> {
    let record = own_record_to_change(&state, &tenant).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let title = qualification_title(&form.code);
    if title.is_none() {
        errors.add("code", "profiles.qualification.error.code");
    }
    let expires = optional_date(&form.expires_day, &form.expires_month, &form.expires_year);
    if expires.is_err() {
        errors.add("expires-day", "profiles.qualification.error.expiry");
    }
    let (Some(title), Ok(expires_on)) = (title, expires) else {
        return render_qualifications(&state, &visitor, &tenant, record, form, errors, None).await;
    };
    let txn = state.db.begin_writing().await?;
    store::add_qualification(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        record.id,
        &NewQualification {
            code: form.code.clone(),
            title: title.to_owned(),
            expires_on,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/talent/profile/qualifications?notice=qualification_added").into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveForm {
    #[serde(default)]
    id: String,
}

pub async fn remove_qualification(
    State(state): State<AppState>,
    tenant: Tenant,
    Form(form): Form<RemoveForm>,
) -> Result<Response, AppError> {
    let record = own_record_to_change(&state, &tenant).await?;
    let id: Uuid = form.id.parse().map_err(|_| AppError::NotFound)?;
    let txn = state.db.begin_writing().await?;
    store::remove_qualification(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        record.id,
        id,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/talent/profile/qualifications?notice=qualification_removed").into_response())
}

// ---------------------------------------------------------------------------
// Experience

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ExperienceForm {
    #[serde(default)]
    role_title: String,
    #[serde(default)]
    service_area: String,
    #[serde(default)]
    months: String,
}

#[derive(Template)]
#[template(path = "profiles/experience.html")]
struct ExperiencePage {
    shell: Shell,
    view: ProfileView,
    form: ExperienceForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl ExperiencePage {
    fn role_input(&self) -> Input {
        Input::new("role_title")
            .label(Label::text(self.shell.t("profiles.experience.role")).classes("govuk-label--s"))
            .value(self.form.role_title.clone())
            .error_message(self.errors.message("role_title"))
    }

    fn area_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut select = Select::new("service_area")
            .label(Label::text(lang.t("profiles.experience.area")).classes("govuk-label--s"))
            .value(self.form.service_area.clone())
            .error_message(self.errors.message("service_area"))
            .item(SelectItem::new(
                "",
                lang.t("profiles.experience.choose_area"),
            ));
        for a in ServiceArea::ALL {
            select = select.item(SelectItem::new(a.key(), super::area_label(lang, a.key())));
        }
        select
    }

    fn months_input(&self) -> Input {
        Input::new("months")
            .label(
                Label::text(self.shell.t("profiles.experience.months")).classes("govuk-label--s"),
            )
            .hint(self.shell.t("profiles.experience.months_hint"))
            .inputmode("numeric")
            .spellcheck(false)
            .classes("govuk-input--width-4")
            .value(self.form.months.clone())
            .error_message(self.errors.message("months"))
    }

    fn add_button(&self) -> Button {
        Button::text(self.shell.t("profiles.experience.add"))
    }
}

async fn render_experience(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    record: staff::Model,
    form: ExperienceForm,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let now = state.clock.now();
    let profile = store::profile(state.db.conn(), tenant.org, record).await?;
    let status = status_of(&errors);
    let mut response = page(&ExperiencePage {
        shell: shell_for(
            visitor,
            "/talent/profile/experience",
            "profiles.experience.title",
            &errors,
        ),
        view: ProfileView::new(lang, profile, now.date(), true),
        form,
        errors,
        notice: notice(lang, notice_key),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn experience_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let record = own_record_to_change(&state, &tenant).await?;
    let errors = FormErrors::new(visitor.lang);
    render_experience(
        &state,
        &visitor,
        &tenant,
        record,
        ExperienceForm::default(),
        errors,
        q.notice.as_deref(),
    )
    .await
}

pub async fn add_experience(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<ExperienceForm>,
) -> Result<Response, AppError> {
    let record = own_record_to_change(&state, &tenant).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let role = form.role_title.trim();
    if role.is_empty() {
        errors.add("role_title", "profiles.experience.error.role_missing");
    } else if role.chars().count() > ROLE_MAX {
        errors.add("role_title", "profiles.experience.error.role_too_long");
    }
    let area = form.service_area.parse::<ServiceArea>().ok();
    if area.is_none() {
        errors.add("service_area", "profiles.experience.error.area");
    }
    let months = parse_count(&form.months, MAX_MONTHS).filter(|m| *m >= 1);
    if months.is_none() {
        errors.add("months", "profiles.experience.error.months");
    }
    let (Some(service_area), Some(months), true) = (area, months, errors.is_empty()) else {
        return render_experience(&state, &visitor, &tenant, record, form, errors, None).await;
    };
    let txn = state.db.begin_writing().await?;
    store::add_experience(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        record.id,
        &NewExperience {
            role_title: role.to_owned(),
            service_area,
            months,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/talent/profile/experience?notice=experience_added").into_response())
}

pub async fn remove_experience(
    State(state): State<AppState>,
    tenant: Tenant,
    Form(form): Form<RemoveForm>,
) -> Result<Response, AppError> {
    let record = own_record_to_change(&state, &tenant).await?;
    let id: Uuid = form.id.parse().map_err(|_| AppError::NotFound)?;
    let txn = state.db.begin_writing().await?;
    store::remove_experience(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        record.id,
        id,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/talent/profile/experience?notice=experience_removed").into_response())
}

// ---------------------------------------------------------------------------
// Preferences: other sites, travel, areas, trials, availability

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PreferencesForm {
    #[serde(default)]
    work_sites: String,
    #[serde(default)]
    max_travel_km: String,
    #[serde(default)]
    preferred_areas: Vec<String>,
    #[serde(default)]
    willing_to_trial: String,
    #[serde(default, rename = "available-day")]
    available_day: String,
    #[serde(default, rename = "available-month")]
    available_month: String,
    #[serde(default, rename = "available-year")]
    available_year: String,
}

impl PreferencesForm {
    fn of(p: &Preferences) -> Self {
        let (d, m, y) = date_parts(p.available_from);
        Self {
            work_sites: p.work_sites.join("\n"),
            max_travel_km: p.max_travel_km.map(|k| k.to_string()).unwrap_or_default(),
            preferred_areas: p
                .preferred_areas
                .iter()
                .map(|a| a.key().to_owned())
                .collect(),
            willing_to_trial: if p.willing_to_trial { "yes" } else { "no" }.to_owned(),
            available_day: d,
            available_month: m,
            available_year: y,
        }
    }
}

#[derive(Template)]
#[template(path = "profiles/preferences.html")]
struct PreferencesPage {
    shell: Shell,
    view: ProfileView,
    form: PreferencesForm,
    errors: FormErrors,
}

impl PreferencesPage {
    fn sites_input(&self) -> Textarea {
        Textarea::new("work_sites")
            .label(
                Label::text(self.shell.t("profiles.preferences.sites")).classes("govuk-label--s"),
            )
            .hint(self.shell.t("profiles.preferences.sites_hint"))
            .rows(4)
            .value(self.form.work_sites.clone())
            .error_message(self.errors.message("work_sites"))
    }

    fn travel_input(&self) -> Input {
        Input::new("max_travel_km")
            .label(
                Label::text(self.shell.t("profiles.preferences.travel")).classes("govuk-label--s"),
            )
            .hint(self.shell.t("profiles.preferences.travel_hint"))
            .inputmode("numeric")
            .spellcheck(false)
            .suffix("km")
            .classes("govuk-input--width-4")
            .value(self.form.max_travel_km.clone())
            .error_message(self.errors.message("max_travel_km"))
    }

    fn areas_checkboxes(&self) -> Checkboxes {
        let lang = self.shell.lang;
        let mut boxes = Checkboxes::new("preferred_areas")
            .legend(
                Legend::text(lang.t("profiles.preferences.areas"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .hint(lang.t("profiles.preferences.areas_hint"))
            .values(self.form.preferred_areas.clone())
            .error_message(self.errors.message("preferred_areas"))
            .small();
        for a in ServiceArea::ALL {
            boxes = boxes.item(ChoiceItem::new(a.key(), super::area_label(lang, a.key())));
        }
        boxes
    }

    fn trial_radios(&self) -> Radios {
        Radios::new("willing_to_trial")
            .legend(
                Legend::text(self.shell.t("profiles.preferences.trial"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .hint(self.shell.t("profiles.preferences.trial_hint"))
            .value(self.form.willing_to_trial.clone())
            .error_message(self.errors.message("willing_to_trial"))
            .inline()
            .item(ChoiceItem::new("yes", self.shell.t("profiles.yes")))
            .item(ChoiceItem::new("no", self.shell.t("profiles.no")))
    }

    fn available_input(&self) -> DateInput {
        let f = &self.form;
        date_input(
            self.shell.lang,
            "available",
            self.shell.t("profiles.preferences.available"),
            self.shell.t("profiles.preferences.available_hint"),
            (&f.available_day, &f.available_month, &f.available_year),
            self.errors.message("available-day"),
        )
    }

    fn save_button(&self) -> Button {
        Button::text(self.shell.t("profiles.preferences.save"))
    }
}

async fn render_preferences(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    record: staff::Model,
    form: Option<PreferencesForm>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let now = state.clock.now();
    let form = form.unwrap_or_else(|| PreferencesForm::of(&Preferences::of(&record)));
    let profile = store::profile(state.db.conn(), tenant.org, record).await?;
    let status = status_of(&errors);
    let mut response = page(&PreferencesPage {
        shell: shell_for(
            visitor,
            "/talent/profile/preferences",
            "profiles.preferences.title",
            &errors,
        ),
        view: ProfileView::new(lang, profile, now.date(), true),
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn preferences_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = (q.lang, q.notice);
    let record = own_record_to_change(&state, &tenant).await?;
    let errors = FormErrors::new(visitor.lang);
    render_preferences(&state, &visitor, &tenant, record, None, errors).await
}

/// The form as preferences, or the errors to show.
fn parse_preferences(form: &PreferencesForm, errors: &mut FormErrors) -> Option<Preferences> {
    let sites: Vec<String> = form
        .work_sites
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if sites.len() > SITES_MAX || sites.iter().any(|s| s.chars().count() > SITE_MAX) {
        errors.add("work_sites", "profiles.preferences.error.sites");
    }
    let travel = if form.max_travel_km.trim().is_empty() {
        Some(None)
    } else {
        parse_count(&form.max_travel_km, MAX_TRAVEL_KM).map(Some)
    };
    if travel.is_none() {
        errors.add("max_travel_km", "profiles.preferences.error.travel");
    }
    let mut areas = Vec::new();
    for key in &form.preferred_areas {
        match key.parse::<ServiceArea>() {
            Ok(a) if !areas.contains(&a) => areas.push(a),
            Ok(_) => {}
            // Only a tampered form sends an area we did not offer.
            Err(_) => errors.add("preferred_areas", "profiles.preferences.error.areas"),
        }
    }
    let willing = match form.willing_to_trial.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("willing_to_trial", "profiles.preferences.error.trial");
            None
        }
    };
    let available = optional_date(
        &form.available_day,
        &form.available_month,
        &form.available_year,
    );
    if available.is_err() {
        errors.add("available-day", "profiles.preferences.error.available");
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Preferences {
        work_sites: sites,
        max_travel_km: travel.flatten(),
        preferred_areas: areas,
        willing_to_trial: willing?,
        available_from: available.ok().flatten(),
    })
}

pub async fn save_preferences(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<PreferencesForm>,
) -> Result<Response, AppError> {
    let record = own_record_to_change(&state, &tenant).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let Some(prefs) = parse_preferences(&form, &mut errors) else {
        return render_preferences(&state, &visitor, &tenant, record, Some(form), errors).await;
    };
    let txn = state.db.begin_writing().await?;
    store::set_preferences(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        record.id,
        &prefs,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/talent/profile?notice=preferences_saved").into_response())
}
