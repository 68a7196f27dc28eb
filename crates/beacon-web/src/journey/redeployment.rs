//! The redeployment team (DESIGN.md §3.2, Sunderland's SWITCH): people in
//! the pool who are not yet placed, allocated to projects, secondments and
//! the council's own innovation pilots while they wait, with start and end
//! dates. HR's page.
use super::{date_input, uuid_or_404, with_status};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, notice};
use crate::i18n::Lang;
use crate::pipeline::{format_date, parse_date};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::permission::Capability;
use beacon_core::talent::journey::{AssignmentInput, validate_assignment};
use beacon_core::talent::{AssignmentKind, PoolStatus};
use beacon_db::DbError;
use beacon_db::journey::{self, Assignment, NewAssignment, Unplaced};
use beacon_govuk::components::{
    Button, ChoiceItem, DateInput, Input, Label, Legend, NotificationBanner, PageLink, Pagination,
    Radios, Select, SelectItem,
};
use serde::Deserialize;
use uuid::Uuid;

const PER_PAGE: u64 = 50;
/// Running assignments shown at once.
const ASSIGNMENTS_SHOWN: u64 = 200;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RedeploymentQuery {
    notice: Option<String>,
    page: Option<String>,
    lang: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct AssignForm {
    #[serde(default)]
    employee_number: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    pilot: String,
    #[serde(rename = "starts-day", default)]
    starts_day: String,
    #[serde(rename = "starts-month", default)]
    starts_month: String,
    #[serde(rename = "starts-year", default)]
    starts_year: String,
    #[serde(rename = "ends-day", default)]
    ends_day: String,
    #[serde(rename = "ends-month", default)]
    ends_month: String,
    #[serde(rename = "ends-year", default)]
    ends_year: String,
}

#[derive(Template)]
#[template(path = "journey/redeployment.html")]
struct RedeploymentPage {
    shell: Shell,
    assignments: Vec<Assignment>,
    unplaced: Vec<Unplaced>,
    total: u64,
    page: u64,
    pages: u64,
    pilots: Vec<(Uuid, String)>,
    form: AssignForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

impl RedeploymentPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }

    fn date(&self, d: &time::Date) -> String {
        format_date(self.lang(), *d)
    }

    fn kind(&self, kind: &AssignmentKind) -> &'static str {
        self.shell
            .t(&format!("journey.redeployment.kind.{}", kind.key()))
    }

    fn status(&self, status: &PoolStatus) -> &'static str {
        self.shell
            .t(&format!("journey.redeployment.status.{}", status.key()))
    }

    fn count(&self) -> String {
        self.shell.tf(
            "journey.redeployment.count",
            &[("count", &self.total.to_string())],
        )
    }

    fn pilot_title(&self, a: &Assignment) -> Option<String> {
        let idea = a.idea?;
        self.pilots
            .iter()
            .find(|(id, _)| *id == idea)
            .map(|(_, t)| t.clone())
    }

    fn end_button(&self, a: &Assignment) -> Button {
        let mut b = Button::text(self.shell.t("journey.redeployment.end")).secondary();
        b.attributes = std::mem::take(&mut b.attributes).with(
            "aria-label",
            self.shell.tf(
                "journey.redeployment.end_label",
                &[("name", &a.staff_name), ("title", &a.title)],
            ),
        );
        b.classes = Some("govuk-button--secondary govuk-!-margin-bottom-0".to_owned());
        b
    }

    fn number_input(&self) -> Input {
        Input::new("employee_number")
            .label(
                Label::text(self.shell.t("journey.redeployment.employee_number"))
                    .classes("govuk-label--s"),
            )
            .hint(self.shell.t("journey.redeployment.employee_number_hint"))
            .classes("govuk-input--width-10")
            .spellcheck(false)
            .value(self.form.employee_number.clone())
            .error_message(self.errors.message("employee_number"))
    }

    fn kind_radios(&self) -> Radios {
        let mut radios = Radios::new("kind")
            .legend(
                Legend::text(self.shell.t("journey.redeployment.kind_question"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(self.form.kind.clone())
            .error_message(self.errors.message("kind"));
        for kind in AssignmentKind::ALL {
            radios = radios.item(ChoiceItem::new(kind.key(), self.kind(kind)));
        }
        radios
    }

    fn title_input(&self) -> Input {
        Input::new("title")
            .label(
                Label::text(self.shell.t("journey.redeployment.title_label"))
                    .classes("govuk-label--s"),
            )
            .hint(self.shell.t("journey.redeployment.title_hint"))
            .value(self.form.title.clone())
            .error_message(self.errors.message("title"))
    }

    fn pilot_select(&self) -> Select {
        let mut select = Select::new("pilot")
            .label(
                Label::text(self.shell.t("journey.redeployment.pilot")).classes("govuk-label--s"),
            )
            .hint(self.shell.t("journey.redeployment.pilot_hint"))
            .value(self.form.pilot.clone())
            .error_message(self.errors.message("pilot"))
            .item(SelectItem::new(
                "",
                self.shell.t("journey.redeployment.no_pilot"),
            ));
        for (id, title) in &self.pilots {
            select = select.item(SelectItem::new(id.to_string(), title.clone()));
        }
        select
    }

    fn starts_input(&self) -> DateInput {
        date_input(
            self.lang(),
            "starts",
            self.shell.t("journey.redeployment.starts"),
            self.shell.t("journey.redeployment.date_hint"),
            (
                &self.form.starts_day,
                &self.form.starts_month,
                &self.form.starts_year,
            ),
            self.errors.message("starts-day"),
        )
    }

    fn ends_input(&self) -> DateInput {
        date_input(
            self.lang(),
            "ends",
            self.shell.t("journey.redeployment.ends"),
            self.shell.t("journey.redeployment.date_hint"),
            (
                &self.form.ends_day,
                &self.form.ends_month,
                &self.form.ends_year,
            ),
            self.errors.message("ends-day"),
        )
    }

    fn submit(&self) -> Button {
        Button::text(self.shell.t("journey.redeployment.assign"))
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
                PageLink::new(format!("/talent/redeployment?page={}", self.page - 1))
                    .text(self.shell.t("journey.list.previous")),
            );
        }
        if self.page < self.pages {
            p = p.next(
                PageLink::new(format!("/talent/redeployment?page={}", self.page + 1))
                    .text(self.shell.t("journey.list.next")),
            );
        }
        Some(p)
    }
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    page_no: u64,
    form: AssignForm,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let conn = state.db.conn();
    let lang = visitor.lang;
    let found = journey::unplaced(conn, tenant.org, page_no, PER_PAGE).await?;
    let pages = found.total.div_ceil(PER_PAGE).max(1);
    let assignments = journey::current_assignments(conn, tenant.org, ASSIGNMENTS_SHOWN).await?;
    let pilots = journey::running_pilots(conn, tenant.org).await?;
    let path = if page_no > 1 {
        format!("/talent/redeployment?page={page_no}")
    } else {
        "/talent/redeployment".to_owned()
    };
    let shell = Shell::new(visitor, &path, lang.t("journey.redeployment.title"))
        .crumb(lang.t("nav.talent"), "/talent")
        .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let response = page(&RedeploymentPage {
        shell,
        assignments,
        unplaced: found.rows,
        total: found.total,
        page: page_no.min(pages),
        pages,
        pilots,
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
    Query(q): Query<RedeploymentQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    tenant.require(Capability::RunTalentPool)?;
    let page_no = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let errors = FormErrors::new(visitor.lang);
    render(
        &state,
        &visitor,
        &tenant,
        page_no,
        AssignForm::default(),
        errors,
        q.notice.as_deref(),
    )
    .await
}

pub async fn assign(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<AssignForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let mut errors = FormErrors::new(lang);
    let stay = if form.employee_number.trim().is_empty() {
        errors.add("employee_number", "journey.error.employee_missing");
        None
    } else {
        let found = journey::open_stay_by_number(conn, tenant.org, &form.employee_number).await?;
        if found.is_none() {
            errors.add("employee_number", "journey.error.not_in_pool");
        }
        found
    };
    let pilots = journey::running_pilots(conn, tenant.org).await?;
    let pilot: Option<Uuid> = form
        .pilot
        .parse()
        .ok()
        .filter(|id| pilots.iter().any(|(p, _)| p == id));
    let input = AssignmentInput {
        kind: form.kind.parse().ok(),
        title: &form.title,
        pilot,
        starts_on: parse_date(&form.starts_day, &form.starts_month, &form.starts_year),
        ends_on: parse_date(&form.ends_day, &form.ends_month, &form.ends_year),
    };
    let checked = validate_assignment(&input);
    if let Err(problems) = &checked {
        for (field, p) in problems {
            errors.add(field, &format!("journey.redeployment.error.{}", p.key()));
        }
    }
    let (valid, (staff, stay)) = match (checked, stay) {
        (Ok(valid), Some(stay)) if errors.is_empty() => (valid, stay),
        _ => return render(&state, &visitor, &tenant, 1, form, errors, None).await,
    };
    let now = state.clock.now();
    let txn = beacon_db::begin_writing(conn).await?;
    journey::assign(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        &NewAssignment {
            staff: staff.id,
            stay: stay.id,
            kind: valid.kind,
            title: valid.title,
            idea: valid.pilot,
            starts_on: valid.starts_on,
            ends_on: valid.ends_on,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/talent/redeployment?notice=journey_assigned").into_response())
}

pub async fn end(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(_form): Form<EndForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let id = uuid_or_404(&id)?;
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    match journey::end_assignment(&txn, now, now.date(), &tenant.who.actor(), tenant.org, id).await
    {
        Ok(()) => txn.commit().await?,
        // Ended already, by someone else a moment ago: the page says so.
        Err(DbError::Conflict(_)) => {
            return Ok(
                Redirect::to("/talent/redeployment?notice=journey_assignment_ended")
                    .into_response(),
            );
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to("/talent/redeployment?notice=journey_assignment_ended").into_response())
}

/// Ending an assignment takes nothing but the CSRF token.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EndForm {}
