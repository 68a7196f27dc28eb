//! HR's view of the workforce: find anyone by name or employee number (a
//! page at a time, searched in memory, so 50,000 staff stay quick), see their whole profile, and
//! correct their grade and hours.
use super::{ProfileView, page_number};
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
use beacon_core::OrgId;
use beacon_core::permission::Capability;
use beacon_core::talent::MAX_GRADE;
use beacon_core::talent::directory::Directory;
use beacon_core::talent::strengths::{format_hours, parse_count, parse_hours};
use beacon_db::entity::staff as staff_row;
use beacon_db::staff;
use beacon_govuk::components::{Button, Input, Label, NotificationBanner};
use serde::Deserialize;
use std::sync::Arc;
use uuid::Uuid;

const PER_PAGE: u64 = 25;

#[derive(Template)]
#[template(path = "profiles/people.html")]
struct PeoplePage {
    shell: Shell,
    people: Vec<staff_row::Model>,
    search: String,
    page: u64,
    pages: u64,
    total: u64,
}

impl PeoplePage {
    fn page_href(&self, page: u64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if !self.search.is_empty() {
            q.append_pair("q", &self.search);
        }
        q.append_pair("page", &page.to_string());
        format!("/talent/people?{}", q.finish())
    }

    fn area(&self, s: &staff_row::Model) -> &'static str {
        s.service_area
            .as_deref()
            .map_or("", |a| super::area_label(self.shell.lang, a))
    }

    fn search_input(&self) -> Input {
        Input::new("q")
            .label(Label::text(self.shell.t("profiles.people.search")).classes("govuk-label--s"))
            .hint(self.shell.t("profiles.people.search_hint"))
            .kind("search")
            .spellcheck(false)
            .value(self.search.clone())
            .classes("govuk-!-width-one-half")
    }

    fn search_button(&self) -> Button {
        Button::text(self.shell.t("profiles.people.search_submit")).secondary()
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PeopleQuery {
    q: Option<String>,
    page: Option<String>,
    lang: Option<String>,
}

/// The organisation's staff directory as of now, kept per talent change
/// stamp (`crate::stamped`): reading 50,000 names is done once per change,
/// not once per search.
async fn directory(state: &AppState, org: OrgId) -> Result<Arc<Directory>, AppError> {
    let today = state.clock.now().date();
    let stamp = beacon_db::talent_generation::current(state.db.conn(), org).await?;
    state
        .directories
        .get_or_read(org, (stamp, today), || async {
            Ok::<_, AppError>(Directory::new(staff::listings(state.db.conn(), org).await?))
        })
        .await
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(query): Query<PeopleQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let _ = query.lang;
    let lang = visitor.lang;
    let search: String = query
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect();
    let page_no = page_number(query.page.as_deref());
    let directory = directory(&state, tenant.org).await?;
    let found = directory.search(&search, page_no, PER_PAGE);
    let people = staff::in_order(state.db.conn(), tenant.org, &found.ids).await?;
    let mut path = form_urlencoded::Serializer::new(String::new());
    if !search.is_empty() {
        path.append_pair("q", &search);
    }
    if page_no > 1 {
        path.append_pair("page", &page_no.to_string());
    }
    let query_text = path.finish();
    let here = if query_text.is_empty() {
        "/talent/people".to_owned()
    } else {
        format!("/talent/people?{query_text}")
    };
    let shell = Shell::new(&visitor, &here, lang.t("profiles.people.title"));
    page(&PeoplePage {
        shell,
        people,
        search,
        page: page_no,
        pages: found.total.div_ceil(PER_PAGE).max(1),
        total: found.total,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ContractForm {
    #[serde(default)]
    grade: String,
    #[serde(default)]
    hours: String,
}

#[derive(Template)]
#[template(path = "profiles/person.html")]
struct PersonPage {
    shell: Shell,
    view: ProfileView,
    form: ContractForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl PersonPage {
    fn grade_input(&self) -> Input {
        Input::new("grade")
            .label(Label::text(self.shell.t("profiles.job.grade")).classes("govuk-label--s"))
            .hint(self.shell.tf(
                "profiles.contract.grade_hint",
                &[("max", &MAX_GRADE.to_string())],
            ))
            .inputmode("numeric")
            .spellcheck(false)
            .classes("govuk-input--width-2")
            .value(self.form.grade.clone())
            .error_message(self.errors.message("grade"))
    }

    fn hours_input(&self) -> Input {
        Input::new("hours")
            .label(Label::text(self.shell.t("profiles.contract.hours")).classes("govuk-label--s"))
            .hint(self.shell.t("profiles.contract.hours_hint"))
            .inputmode("decimal")
            .spellcheck(false)
            .classes("govuk-input--width-4")
            .value(self.form.hours.clone())
            .error_message(self.errors.message("hours"))
    }

    fn save_button(&self) -> Button {
        Button::text(self.shell.t("profiles.contract.save"))
    }
}

fn staff_id(raw: &str) -> Result<Uuid, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

async fn render_person(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    record: staff_row::Model,
    form: Option<ContractForm>,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let now = state.clock.now();
    let conn = state.db.conn();
    staff::ensure_framework(conn, tenant.org, now).await?;
    let form = form.unwrap_or_else(|| ContractForm {
        grade: record.grade.to_string(),
        hours: format_hours(u32::try_from(record.weekly_minutes).unwrap_or(0)),
    });
    let path = format!("/talent/people/{}", record.id);
    let shell = Shell::new(visitor, &path, record.name.clone())
        .crumb(lang.t("profiles.people.title"), "/talent/people")
        .with_errors(!errors.is_empty());
    let profile = staff::profile(conn, tenant.org, record).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page(&PersonPage {
        shell,
        view: ProfileView::new(lang, profile, now.date(), false),
        form,
        errors,
        notice: notice(lang, notice_key),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let _ = q.lang;
    let record = staff::find(state.db.conn(), tenant.org, staff_id(&id)?).await?;
    let errors = FormErrors::new(visitor.lang);
    render_person(
        &state,
        &visitor,
        &tenant,
        record,
        None,
        errors,
        q.notice.as_deref(),
    )
    .await
}

pub async fn save_contract(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<ContractForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let record = staff::find(state.db.conn(), tenant.org, staff_id(&id)?).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let grade = parse_count(&form.grade, u32::from(MAX_GRADE))
        .filter(|g| *g >= 1)
        .and_then(|g| u8::try_from(g).ok());
    if grade.is_none() {
        errors.add("grade", "profiles.contract.error.grade");
    }
    let minutes = parse_hours(&form.hours);
    if minutes.is_none() {
        errors.add("hours", "profiles.contract.error.hours");
    }
    let (Some(grade), Some(minutes)) = (grade, minutes) else {
        return render_person(&state, &visitor, &tenant, record, Some(form), errors, None).await;
    };
    let txn = state.db.begin_writing().await?;
    staff::set_contract(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        record.id,
        grade,
        minutes,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "/talent/people/{}?notice=contract_saved",
        record.id
    ))
    .into_response())
}
