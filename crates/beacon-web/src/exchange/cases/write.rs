//! The case form: a new case (blank, or started from an idea's draft case
//! study) and editing one. The edit carries the version it was opened at, so
//! two people editing at once cannot overwrite each other: the second gets
//! 409 and their text back.
use super::{
    area_label, case_path, evidence_label, facet_label, outcome_label, own_case, stage_label,
};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors};
use crate::pipeline::{parse_date, parse_pounds, pounds};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::exchange::cases::{CaseInput, CaseMoney, ValidCase, parse_case};
use beacon_core::exchange::{LifecycleStage, Section};
use beacon_core::permission::Capability;
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::pipeline::{EvidenceLevel, Facet, Outcome};
use beacon_db::entity::case_study;
use beacon_db::exchange::cases;
use beacon_db::{DbError, delivery};
use beacon_govuk::components::{
    Button, DateInput, Input, Label, Legend, Select, SelectItem, Textarea,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct CaseForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    idea: String,
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
    #[serde(default)]
    service_area: String,
    #[serde(default)]
    facet: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    cashable: String,
    #[serde(default)]
    non_cashable: String,
    #[serde(default)]
    social_value: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    funder: String,
    #[serde(default)]
    funding_programme: String,
    #[serde(default)]
    funding_amount: String,
    #[serde(default, rename = "funding_awarded-day")]
    awarded_day: String,
    #[serde(default, rename = "funding_awarded-month")]
    awarded_month: String,
    #[serde(default, rename = "funding_awarded-year")]
    awarded_year: String,
    #[serde(default)]
    tags: String,
}

impl CaseForm {
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

    fn section(&self, s: Section) -> &str {
        let i = Section::ALL.iter().position(|x| *x == s).unwrap_or(0);
        self.sections()[i]
    }

    fn set_section(&mut self, s: Section, text: String) {
        match s {
            Section::Summary => self.summary = text,
            Section::Innovative => self.innovative = text,
            Section::Context => self.context = text,
            Section::Partners => self.partners = text,
            Section::Users => self.users = text,
            Section::Results => self.results = text,
            Section::Challenges => self.challenges = text,
            Section::Conditions => self.conditions = text,
            Section::Replication => self.replication = text,
            Section::Lessons => self.lessons = text,
            Section::Materials => self.materials = text,
        }
    }

    /// The form as a stored case fills it.
    fn of_case(m: &case_study::Model, tags: &[String]) -> Self {
        let mut f = CaseForm {
            version: m.version.to_string(),
            title: m.title.clone(),
            service_area: m.service_area.clone(),
            facet: m.facet.clone(),
            stage: m.stage.clone(),
            year: m.year.to_string(),
            outcome: m.outcome.clone(),
            evidence: m.evidence_level.to_string(),
            cashable: money_text(m.cashable_savings_pence),
            non_cashable: money_text(m.non_cashable_savings_pence),
            social_value: money_text(m.social_value_pence),
            cost: money_text(m.cost_pence),
            funder: m.funder.clone(),
            funding_programme: m.funding_programme.clone(),
            funding_amount: m.funding_amount_pence.map(money_text).unwrap_or_default(),
            tags: tags.join(", "),
            ..CaseForm::default()
        };
        if let Some(d) = m.funding_awarded_on {
            f.awarded_day = d.day().to_string();
            f.awarded_month = u8::from(d.month()).to_string();
            f.awarded_year = d.year().to_string();
        }
        for (s, text) in cases::sections_of(m).iter() {
            f.set_section(s, text.to_owned());
        }
        f
    }
}

/// Pounds as the form shows them: empty for nothing, "1,250.50" otherwise.
fn money_text(pence: i64) -> String {
    if pence == 0 {
        String::new()
    } else {
        pounds(pence).trim_start_matches('£').to_owned()
    }
}

/// Read the form into a valid case, or the errors to show.
fn parse(form: &CaseForm, this_year: i32, errors: &mut FormErrors) -> Option<ValidCase> {
    let mut money = CaseMoney::default();
    for (field, raw, slot) in [
        ("cashable", &form.cashable, &mut money.cashable),
        ("non_cashable", &form.non_cashable, &mut money.non_cashable),
        ("social_value", &form.social_value, &mut money.social_value),
        ("cost", &form.cost, &mut money.cost),
    ] {
        if raw.trim().is_empty() {
            continue;
        }
        match parse_pounds(raw) {
            Ok(p) => *slot = p,
            Err(e) => errors.add(field, e.key()),
        }
    }
    let funding_amount = if form.funding_amount.trim().is_empty() {
        None
    } else {
        match parse_pounds(&form.funding_amount) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.add("funding_amount", e.key());
                None
            }
        }
    };
    let date_typed = [&form.awarded_day, &form.awarded_month, &form.awarded_year]
        .iter()
        .any(|p| !p.trim().is_empty());
    let awarded = if date_typed {
        let d = parse_date(&form.awarded_day, &form.awarded_month, &form.awarded_year);
        if d.is_none() {
            errors.add("funding_awarded", "exchange.cases.error.date_invalid");
        }
        d
    } else {
        None
    };
    let input = CaseInput {
        title: &form.title,
        sections: form.sections(),
        service_area: &form.service_area,
        facet: &form.facet,
        stage: &form.stage,
        year: &form.year,
        outcome: &form.outcome,
        evidence: &form.evidence,
        money,
        funder: &form.funder,
        programme: &form.funding_programme,
        funding_amount,
        funding_awarded_on: awarded,
        tags: &form.tags,
    };
    match parse_case(&input, this_year) {
        Ok(case) if errors.is_empty() => Some(case),
        Ok(_) => None,
        Err(problems) => {
            for p in problems {
                errors.add(&p.field, &format!("exchange.cases.error.{}", p.key));
            }
            None
        }
    }
}

#[derive(Template)]
#[template(path = "exchange/cases/form.html")]
struct FormPage {
    shell: Shell,
    form: CaseForm,
    errors: FormErrors,
    action: String,
    editing: bool,
    /// The idea the case is drafted from, named.
    from_idea: Option<String>,
}

impl FormPage {
    fn t(&self, key: &str) -> &'static str {
        self.shell.t(&format!("exchange.cases.form.{key}"))
    }

    fn title_input(&self) -> Input {
        Input::new("title")
            .label(Label::text(self.t("title")).classes("govuk-label--m"))
            .value(self.form.title.clone())
            .error_message(self.errors.message("title"))
    }

    fn section_areas(&self) -> Vec<Textarea> {
        Section::ALL
            .iter()
            .map(|s| {
                let key = s.key();
                Textarea::new(key)
                    .label(
                        Label::text(self.shell.t(&format!("exchange.cases.section.{key}")))
                            .classes("govuk-label--s"),
                    )
                    .hint(self.shell.t(&format!("exchange.cases.section_hint.{key}")))
                    .value(self.form.section(*s).to_owned())
                    .rows(if *s == Section::Summary { 4 } else { 6 })
                    .error_message(self.errors.message(key))
            })
            .collect()
    }

    fn select(&self, name: &str, value: &str, items: Vec<(String, String)>) -> Select {
        let mut s = Select::new(name)
            .label(Label::text(self.t(name)))
            .value(value.to_owned())
            .error_message(self.errors.message(name))
            .item(SelectItem::new("", self.t("choose")));
        for (k, label) in items {
            s = s.item(SelectItem::new(k, label));
        }
        s
    }

    fn selects(&self) -> Vec<Select> {
        let lang = self.shell.lang;
        vec![
            self.select(
                "service_area",
                &self.form.service_area,
                ServiceArea::ALL
                    .iter()
                    .map(|a| (a.key().to_owned(), area_label(lang, a.key())))
                    .collect(),
            ),
            self.select(
                "facet",
                &self.form.facet,
                Facet::ALL
                    .iter()
                    .map(|f| (f.key().to_owned(), facet_label(lang, f.key())))
                    .collect(),
            ),
            self.select(
                "stage",
                &self.form.stage,
                LifecycleStage::ALL
                    .iter()
                    .map(|s| (s.key().to_owned(), stage_label(lang, s.key())))
                    .collect(),
            ),
            self.select(
                "outcome",
                &self.form.outcome,
                Outcome::ALL
                    .iter()
                    .map(|o| (o.key().to_owned(), outcome_label(lang, o.key())))
                    .collect(),
            ),
            self.select(
                "evidence",
                &self.form.evidence,
                EvidenceLevel::ALL
                    .iter()
                    .map(|e| {
                        (
                            e.get().to_string(),
                            evidence_label(lang, i16::from(e.get())),
                        )
                    })
                    .collect(),
            ),
        ]
    }

    fn year_input(&self) -> Input {
        Input::new("year")
            .label(Label::text(self.t("year")))
            .hint(self.t("year_hint"))
            .value(self.form.year.clone())
            .classes("govuk-input--width-4")
            .inputmode("numeric")
            .error_message(self.errors.message("year"))
    }

    fn money(&self, name: &str, value: &str) -> Input {
        Input::new(name)
            .label(Label::text(self.t(name)))
            .value(value.to_owned())
            .prefix("£")
            .classes("govuk-input--width-10")
            .inputmode("decimal")
            .error_message(self.errors.message(name))
    }

    fn money_inputs(&self) -> Vec<Input> {
        vec![
            self.money("cost", &self.form.cost),
            self.money("cashable", &self.form.cashable),
            self.money("non_cashable", &self.form.non_cashable),
            self.money("social_value", &self.form.social_value),
        ]
    }

    fn funding_inputs(&self) -> Vec<Input> {
        vec![
            Input::new("funder")
                .label(Label::text(self.t("funder")))
                .hint(self.t("funder_hint"))
                .value(self.form.funder.clone())
                .error_message(self.errors.message("funder")),
            Input::new("funding_programme")
                .label(Label::text(self.t("funding_programme")))
                .value(self.form.funding_programme.clone())
                .error_message(self.errors.message("funding_programme")),
            self.money("funding_amount", &self.form.funding_amount),
        ]
    }

    fn awarded_input(&self) -> DateInput {
        DateInput::new("funding_awarded")
            .legend(Legend::text(self.t("funding_awarded")).classes("govuk-fieldset__legend--s"))
            .hint(self.t("funding_awarded_hint"))
            .values(
                self.form.awarded_day.clone(),
                self.form.awarded_month.clone(),
                self.form.awarded_year.clone(),
            )
            .error_message(self.errors.message("funding_awarded"))
    }

    fn tags_input(&self) -> Input {
        Input::new("tags")
            .label(Label::text(self.t("tags")).classes("govuk-label--m"))
            .hint(self.t("tags_hint"))
            .value(self.form.tags.clone())
            .error_message(self.errors.message("tags"))
    }

    fn submit(&self) -> Button {
        Button::text(self.t(if self.editing { "save" } else { "create" })).prevent_double_click()
    }
}

struct Rendered {
    path: String,
    title: String,
    action: String,
    editing: bool,
    from_idea: Option<String>,
}

fn render(
    visitor: &Visitor,
    r: Rendered,
    form: CaseForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let shell = Shell::new(visitor, &r.path, r.title)
        .crumb(
            visitor.lang.t("exchange.cases.mine.title"),
            "/exchange/mine",
        )
        .with_errors(!errors.is_empty());
    let mut response = page(&FormPage {
        shell,
        form,
        errors,
        action: r.action,
        editing: r.editing,
        from_idea: r.from_idea,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

fn new_rendered(from_idea: Option<String>, visitor: &Visitor) -> Rendered {
    Rendered {
        path: "/exchange/cases/new".to_owned(),
        title: visitor.lang.t("exchange.cases.form.new_title").to_owned(),
        action: "/exchange/cases/new".to_owned(),
        editing: false,
        from_idea,
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NewQuery {
    idea: Option<String>,
    lang: Option<String>,
}

/// The idea's draft case study, if the idea is the council's and has one.
async fn idea_draft(
    state: &AppState,
    tenant: &Tenant,
    raw: &str,
) -> Result<(Uuid, delivery::CaseStudyDraft, String), AppError> {
    let id = super::parse_id(raw)?;
    let conn = state.db.conn();
    let draft = delivery::case_study_draft(conn, tenant.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let title = draft.title.clone();
    Ok((id, draft, title))
}

pub async fn new_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    tenant.require(Capability::PublishCases)?;
    let mut form = CaseForm {
        year: state.clock.now().year().to_string(),
        ..CaseForm::default()
    };
    let mut from = None;
    if let Some(raw) = q.idea.as_deref().filter(|r| !r.is_empty()) {
        let (id, d, title) = idea_draft(&state, &tenant, raw).await?;
        form.idea = id.to_string();
        form.title = d.title.clone();
        form.summary = d.summary.clone();
        form.context = d.challenge.clone();
        form.innovative = d.approach.clone();
        form.results = d.results.clone();
        form.lessons = d.lessons.clone();
        form.service_area = d.service_area.clone();
        form.facet = d.facet.key().to_owned();
        form.outcome = d.outcome.key().to_owned();
        form.evidence = d.evidence.get().to_string();
        form.stage = LifecycleStage::Evaluating.key().to_owned();
        form.cost = money_text(d.money.cost);
        form.cashable = money_text(d.money.cashable);
        form.non_cashable = money_text(d.money.non_cashable);
        form.social_value = money_text(d.money.social_value);
        from = Some(title);
    }
    let errors = FormErrors::new(visitor.lang);
    render(
        &visitor,
        new_rendered(from, &visitor),
        form,
        errors,
        StatusCode::OK,
    )
}

pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<CaseForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::PublishCases)?;
    if !form.version.is_empty() {
        return Err(AppError::BadRequest("a new case has no version".into()));
    }
    let (idea, from) = if form.idea.is_empty() {
        (None, None)
    } else {
        let (id, _, title) = idea_draft(&state, &tenant, &form.idea).await?;
        (Some(id), Some(title))
    };
    let now = state.clock.now();
    let mut errors = FormErrors::new(visitor.lang);
    let Some(case) = parse(&form, now.year(), &mut errors) else {
        return render(
            &visitor,
            new_rendered(from, &visitor),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let txn = state.db.begin_writing().await?;
    let id = cases::create(&txn, now, &tenant.who.actor(), tenant.org, idea, &case).await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=case_created", case_path(id))).into_response())
}

fn edit_rendered(m: &case_study::Model, visitor: &Visitor) -> Rendered {
    Rendered {
        path: format!("{}/edit", case_path(m.id)),
        title: format!(
            "{}: {}",
            visitor.lang.t("exchange.cases.form.edit_title"),
            m.title
        ),
        action: format!("{}/edit", case_path(m.id)),
        editing: true,
        from_idea: None,
    }
}

pub async fn edit_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let m = own_case(&state, &tenant, &id).await?;
    let tags = cases::tags(state.db.conn(), m.id).await?;
    let form = CaseForm::of_case(&m, &tags);
    render(
        &visitor,
        edit_rendered(&m, &visitor),
        form,
        FormErrors::new(visitor.lang),
        StatusCode::OK,
    )
}

pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<CaseForm>,
) -> Result<Response, AppError> {
    let m = own_case(&state, &tenant, &id).await?;
    let version: i32 = form
        .version
        .parse()
        .map_err(|_| AppError::BadRequest("version".into()))?;
    if !form.idea.is_empty() {
        return Err(AppError::BadRequest("an edit keeps its idea".into()));
    }
    let now = state.clock.now();
    let mut errors = FormErrors::new(visitor.lang);
    let Some(case) = parse(&form, now.year(), &mut errors) else {
        return render(
            &visitor,
            edit_rendered(&m, &visitor),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let txn = state.db.begin_writing().await?;
    match cases::edit(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        m.id,
        version,
        &case,
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            errors.add("title", "exchange.cases.error.stale");
            return render(
                &visitor,
                edit_rendered(&m, &visitor),
                form,
                errors,
                StatusCode::CONFLICT,
            );
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=case_saved", case_path(m.id))).into_response())
}
