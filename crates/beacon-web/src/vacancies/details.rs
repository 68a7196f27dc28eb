//! A vacancy's details and requirements: what the role is, where, for how
//! many hours and at which grades; the essential qualifications (and the
//! training that closes a gap), desired strengths from the organisation's own
//! framework with a level and a weight, and experience. A manager also raises
//! a vacancy for a new role here; it is reviewed by HR like any other.
use super::{area_keys, area_label, own, refusal};
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
use beacon_core::talent::vacancies::{
    self as rules, DetailsInput, Row3, hours_text, parse_details,
};
use beacon_db::entity::{strength, vacancy};
use beacon_db::{talent_settings, vacancies};
use beacon_govuk::components::{
    Button, Checkboxes, ChoiceItem, Input, Label, Legend, Select, SelectItem, Textarea,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct DetailsForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    service_area: String,
    #[serde(default)]
    grade_min: String,
    #[serde(default)]
    grade_max: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    easting: String,
    #[serde(default)]
    northing: String,
    #[serde(default)]
    remote: Option<String>,
    #[serde(default)]
    training_limit: String,
    #[serde(default)]
    shared: Option<String>,
    #[serde(default)]
    essential_code: Vec<String>,
    #[serde(default)]
    essential_title: Vec<String>,
    #[serde(default)]
    essential_days: Vec<String>,
    #[serde(default)]
    strength_id: Vec<String>,
    #[serde(default)]
    strength_level: Vec<String>,
    #[serde(default)]
    strength_weight: Vec<String>,
    #[serde(default)]
    experience_area: Vec<String>,
    #[serde(default)]
    experience_months: Vec<String>,
}

/// Blank rows offered beyond those filled in.
const SPARE: usize = 2;
/// A form may not grow without limit.
const MAX_ROWS: usize = 40;

fn at(v: &[String], i: usize) -> &str {
    v.get(i).map_or("", String::as_str)
}

impl DetailsForm {
    async fn of(state: &AppState, tenant: &Tenant, v: &vacancy::Model) -> Result<Self, AppError> {
        let req = vacancies::requirements(state.db.conn(), tenant.org, v.id).await?;
        Ok(Self {
            title: v.title.clone(),
            summary: v.summary.clone(),
            service_area: v.service_area.clone(),
            grade_min: v.grade_min.to_string(),
            grade_max: v.grade_max.to_string(),
            hours: hours_text(v.weekly_minutes),
            site: v.site.clone(),
            easting: v.easting.map(|e| e.to_string()).unwrap_or_default(),
            northing: v.northing.map(|e| e.to_string()).unwrap_or_default(),
            remote: v.remote.then(|| "yes".to_owned()),
            training_limit: v.training_limit_days.to_string(),
            shared: v.shared.then(|| "yes".to_owned()),
            essential_code: req.essentials.iter().map(|e| e.code.clone()).collect(),
            essential_title: req.essentials.iter().map(|e| e.title.clone()).collect(),
            essential_days: req
                .essentials
                .iter()
                .map(|e| e.training_days.map(|d| d.to_string()).unwrap_or_default())
                .collect(),
            strength_id: req
                .strengths
                .iter()
                .map(|(s, _)| s.strength_id.to_string())
                .collect(),
            strength_level: req
                .strengths
                .iter()
                .map(|(s, _)| s.level.to_string())
                .collect(),
            strength_weight: req
                .strengths
                .iter()
                .map(|(s, _)| s.weight.to_string())
                .collect(),
            experience_area: req
                .experience
                .iter()
                .map(|x| x.service_area.clone())
                .collect(),
            experience_months: req
                .experience
                .iter()
                .map(|x| x.months.to_string())
                .collect(),
        })
    }

    fn essential_rows(&self) -> usize {
        (self
            .essential_code
            .len()
            .max(self.essential_title.len())
            .max(self.essential_days.len())
            + SPARE)
            .min(MAX_ROWS)
    }

    fn strength_rows(&self) -> usize {
        (self.strength_id.len() + SPARE).min(MAX_ROWS)
    }

    fn experience_rows(&self) -> usize {
        (self.experience_area.len().max(self.experience_months.len()) + SPARE).min(MAX_ROWS)
    }
}

#[derive(Template)]
#[template(path = "vacancies/details.html")]
struct DetailsPage {
    shell: Shell,
    action: String,
    heading: &'static str,
    form: DetailsForm,
    errors: FormErrors,
    framework: Vec<strength::Model>,
    training_limit: u16,
}

/// One essential qualification's three boxes.
pub struct EssentialRow {
    legend: String,
    code: Input,
    title: Input,
    days: Input,
}

pub struct StrengthRow {
    legend: String,
    strength: Select,
    level: Select,
    weight: Select,
}

pub struct ExperienceRow {
    legend: String,
    area: Select,
    months: Input,
}

impl DetailsPage {
    fn t(&self, key: &str) -> &'static str {
        self.shell.t(&format!("vacancies.details.{key}"))
    }

    fn input(&self, field: &str, value: &str) -> Input {
        Input::new(field)
            .label(Label::text(self.t(field)).classes("govuk-label--s"))
            .value(value.to_owned())
            .error_message(self.errors.message(field))
    }

    fn title_input(&self) -> Input {
        self.input("title", &self.form.title)
    }

    fn summary_input(&self) -> Textarea {
        Textarea::new("summary")
            .label(Label::text(self.t("summary")).classes("govuk-label--s"))
            .hint(self.t("summary_hint"))
            .rows(5)
            .value(self.form.summary.clone())
            .error_message(self.errors.message("summary"))
    }

    fn area_select(&self, name: &str, id: &str, value: &str, label: &str) -> Select {
        let mut s = Select::new(name)
            .label(Label::text(label.to_owned()))
            .value(value.to_owned())
            .error_message(self.errors.message(id))
            .item(SelectItem::new("", self.shell.t("vacancies.choose")));
        s.id = Some(id.to_owned());
        for key in area_keys() {
            s = s.item(SelectItem::new(key, area_label(self.shell.lang, key)));
        }
        s
    }

    fn service_area_select(&self) -> Select {
        self.area_select(
            "service_area",
            "service_area",
            &self.form.service_area,
            self.t("service_area"),
        )
    }

    fn small_inputs(&self) -> Vec<Input> {
        vec![
            self.input("grade_min", &self.form.grade_min)
                .classes("govuk-input--width-3")
                .inputmode("numeric"),
            self.input("grade_max", &self.form.grade_max)
                .classes("govuk-input--width-3")
                .inputmode("numeric"),
            self.input("hours", &self.form.hours)
                .classes("govuk-input--width-4")
                .inputmode("decimal")
                .hint(self.t("hours_hint")),
            self.input("site", &self.form.site)
                .hint(self.t("site_hint")),
            self.input("easting", &self.form.easting)
                .classes("govuk-input--width-10")
                .inputmode("numeric")
                .hint(self.t("easting_hint")),
            self.input("northing", &self.form.northing)
                .classes("govuk-input--width-10")
                .inputmode("numeric"),
        ]
    }

    fn remote_box(&self) -> Checkboxes {
        Checkboxes::new("remote")
            .legend(Legend::text(self.t("remote_legend")).classes("govuk-fieldset__legend--s"))
            .values(self.form.remote.iter().cloned())
            .item(ChoiceItem::new("yes", self.t("remote")))
    }

    fn training_input(&self) -> Input {
        self.input("training_limit", &self.form.training_limit)
            .classes("govuk-input--width-4")
            .inputmode("numeric")
            .suffix(self.t("days"))
            .hint(self.shell.tf(
                "vacancies.details.training_limit_hint",
                &[("days", &self.training_limit.to_string())],
            ))
    }

    fn shared_box(&self) -> Checkboxes {
        Checkboxes::new("shared")
            .legend(Legend::text(self.t("shared_legend")).classes("govuk-fieldset__legend--s"))
            .values(self.form.shared.iter().cloned())
            .item(ChoiceItem::new("yes", self.t("shared")).hint(self.t("shared_hint")))
    }

    fn row_input(&self, name: &str, n: usize, value: &str) -> Input {
        let id = format!("{name}-{n}");
        Input::new(name)
            .id(id.clone())
            .label(Label::text(self.t(name)))
            .value(value.to_owned())
            .error_message(self.errors.message(&id))
    }

    fn essentials(&self) -> Vec<EssentialRow> {
        (0..self.form.essential_rows())
            .map(|i| {
                let n = i + 1;
                EssentialRow {
                    legend: self
                        .shell
                        .tf("vacancies.details.essential_n", &[("n", &n.to_string())]),
                    code: self
                        .row_input("essential_code", n, at(&self.form.essential_code, i))
                        .classes("govuk-input--width-20")
                        .spellcheck(false)
                        .hint(self.t("essential_code_hint")),
                    title: self.row_input("essential_title", n, at(&self.form.essential_title, i)),
                    days: self
                        .row_input("essential_days", n, at(&self.form.essential_days, i))
                        .classes("govuk-input--width-4")
                        .inputmode("numeric")
                        .suffix(self.t("days"))
                        .hint(self.t("essential_days_hint")),
                }
            })
            .collect()
    }

    fn level_select(&self, name: &str, n: usize, value: &str, max: u8) -> Select {
        let id = format!("{name}-{n}");
        let mut s = Select::new(name)
            .label(Label::text(self.t(name)))
            .value(value.to_owned())
            .error_message(self.errors.message(&id))
            .item(SelectItem::new("", self.shell.t("vacancies.choose")));
        s.id = Some(id);
        for l in 1..=max {
            s = s.item(SelectItem::new(l.to_string(), l.to_string()));
        }
        s
    }

    fn strengths(&self) -> Vec<StrengthRow> {
        (0..self.form.strength_rows())
            .map(|i| {
                let n = i + 1;
                let id = format!("strength_id-{n}");
                let mut strength = Select::new("strength_id")
                    .label(Label::text(self.t("strength_id")))
                    .value(at(&self.form.strength_id, i).to_owned())
                    .error_message(self.errors.message(&id))
                    .item(SelectItem::new("", self.t("no_strength")));
                strength.id = Some(id);
                for s in &self.framework {
                    strength = strength.item(SelectItem::new(s.id.to_string(), s.name.clone()));
                }
                StrengthRow {
                    legend: self
                        .shell
                        .tf("vacancies.details.strength_n", &[("n", &n.to_string())]),
                    strength,
                    level: self.level_select(
                        "strength_level",
                        n,
                        at(&self.form.strength_level, i),
                        beacon_core::talent::strengths::MAX_LEVEL,
                    ),
                    weight: self.level_select(
                        "strength_weight",
                        n,
                        at(&self.form.strength_weight, i),
                        rules::MAX_WEIGHT,
                    ),
                }
            })
            .collect()
    }

    fn experience(&self) -> Vec<ExperienceRow> {
        (0..self.form.experience_rows())
            .map(|i| {
                let n = i + 1;
                ExperienceRow {
                    legend: self
                        .shell
                        .tf("vacancies.details.experience_n", &[("n", &n.to_string())]),
                    area: self.area_select(
                        "experience_area",
                        &format!("experience_area-{n}"),
                        at(&self.form.experience_area, i),
                        self.t("experience_area"),
                    ),
                    months: self
                        .row_input("experience_months", n, at(&self.form.experience_months, i))
                        .classes("govuk-input--width-4")
                        .inputmode("numeric")
                        .suffix(self.t("months")),
                }
            })
            .collect()
    }

    fn submit(&self) -> Button {
        Button::text(self.t("submit"))
    }
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    existing: Option<&vacancy::Model>,
    form: DetailsForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let conn = state.db.conn();
    let framework = vacancies::strengths(conn, tenant.org).await?;
    let settings = talent_settings::get(conn, tenant.org).await?;
    let lang = visitor.lang;
    let (action, heading) = match existing {
        Some(v) => (
            format!("/vacancies/{}/edit", v.id),
            lang.t("vacancies.details.edit_title"),
        ),
        None => (
            "/vacancies/new".to_owned(),
            lang.t("vacancies.details.new_title"),
        ),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut shell =
        Shell::new(visitor, &action, heading).crumb(lang.t("nav.vacancies"), "/vacancies");
    if let Some(v) = existing {
        shell = shell.crumb(v.title.clone(), format!("/vacancies/{}", v.id));
    }
    let shell = shell.with_errors(!errors.is_empty());
    let mut response = page(&DetailsPage {
        shell,
        action,
        heading,
        form,
        errors,
        framework,
        training_limit: settings.training_limit_days,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

/// Check the form against the core's rules; errors go on the form.
async fn check(
    state: &AppState,
    tenant: &Tenant,
    form: &DetailsForm,
    errors: &mut FormErrors,
) -> Result<Option<rules::Details>, AppError> {
    let conn = state.db.conn();
    let framework: Vec<Uuid> = vacancies::strengths(conn, tenant.org)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let settings = talent_settings::get(conn, tenant.org).await?;
    if form.essential_code.len() > MAX_ROWS
        || form.strength_id.len() > MAX_ROWS
        || form.experience_area.len() > MAX_ROWS
    {
        return Err(AppError::BadRequest("too many rows".into()));
    }
    let essentials = (0..form.essential_code.len().max(form.essential_title.len()))
        .map(|i| {
            Row3(
                at(&form.essential_code, i),
                at(&form.essential_title, i),
                at(&form.essential_days, i),
            )
        })
        .collect();
    let strengths = (0..form.strength_id.len())
        .map(|i| {
            Row3(
                at(&form.strength_id, i),
                at(&form.strength_level, i),
                at(&form.strength_weight, i),
            )
        })
        .collect();
    let experience = (0..form.experience_area.len().max(form.experience_months.len()))
        .map(|i| {
            Row3(
                at(&form.experience_area, i),
                at(&form.experience_months, i),
                "",
            )
        })
        .collect();
    let input = DetailsInput {
        title: &form.title,
        summary: &form.summary,
        service_area: &form.service_area,
        grade_min: &form.grade_min,
        grade_max: &form.grade_max,
        hours: &form.hours,
        site: &form.site,
        easting: &form.easting,
        northing: &form.northing,
        remote: form.remote.as_deref() == Some("yes"),
        training_limit: &form.training_limit,
        shared: form.shared.as_deref() == Some("yes"),
        essentials,
        strengths,
        experience,
    };
    match parse_details(&input, &area_keys(), &framework, &settings) {
        Ok(d) => Ok(Some(d)),
        Err(problems) => {
            for p in problems {
                errors.add(&p.field, &format!("vacancies.error.{}", p.key));
            }
            Ok(None)
        }
    }
}

pub async fn new_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
) -> Result<Response, AppError> {
    rules::may_raise_new(&tenant.roles).map_err(refusal)?;
    let settings = talent_settings::get(state.db.conn(), tenant.org).await?;
    let form = DetailsForm {
        training_limit: settings.training_limit_days.to_string(),
        ..DetailsForm::default()
    };
    let errors = FormErrors::new(visitor.lang);
    render(&state, &visitor, &tenant, None, form, errors).await
}

pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<DetailsForm>,
) -> Result<Response, AppError> {
    rules::may_raise_new(&tenant.roles).map_err(refusal)?;
    let mut errors = FormErrors::new(visitor.lang);
    let Some(details) = check(&state, &tenant, &form, &mut errors).await? else {
        return render(&state, &visitor, &tenant, None, form, errors).await;
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let id = vacancies::raise_new(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        tenant.who.person.id,
        &details,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/vacancies/{id}?notice=vacancy_raised")).into_response())
}

/// The vacancy, if the visitor may change its details now.
async fn editable(
    state: &AppState,
    tenant: &Tenant,
    raw: &str,
) -> Result<vacancy::Model, AppError> {
    let seen = own(state, tenant, raw).await?;
    let status = super::vacancy_status(&seen.vacancy)?;
    rules::may_edit(seen.viewer, status).map_err(refusal)?;
    Ok(seen.vacancy)
}

pub async fn edit_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let v = editable(&state, &tenant, &id).await?;
    let form = DetailsForm::of(&state, &tenant, &v).await?;
    let errors = FormErrors::new(visitor.lang);
    render(&state, &visitor, &tenant, Some(&v), form, errors).await
}

pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<DetailsForm>,
) -> Result<Response, AppError> {
    let v = editable(&state, &tenant, &id).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let Some(details) = check(&state, &tenant, &form, &mut errors).await? else {
        return render(&state, &visitor, &tenant, Some(&v), form, errors).await;
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    vacancies::save_details(&txn, now, &tenant.who.actor(), tenant.org, v.id, &details).await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/vacancies/{}?notice=vacancy_saved", v.id)).into_response())
}
