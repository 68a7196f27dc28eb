//! Journeys from invitation to placement, trials, and the redeployment team
//! (DESIGN.md §3.2).
//!
//! Who may see and do what:
//! - `/talent/journeys` lists every journey, for HR;
//! - a journey's page is for HR and the vacancy's manager; the manager sees
//!   the person's name, the step and its dates, never their strengths, pool
//!   tier, training plan or trial outcome (PROMISES.md 4), and takes the
//!   steps that are theirs (`beacon_core::talent::journey`);
//! - `/talent/journey` is the person's own: they answer an invitation;
//! - `/talent/redeployment` is HR's: people in the pool not yet placed, and
//!   their projects, secondments and pilots.
//!
//! Another council's journey or assignment, a manager's look at someone
//! else's vacancy and a person's at someone else's journey are "not found".
mod manage;
mod mine;
mod redeployment;

use crate::i18n::Lang;
use crate::routes::{Access, Route, route};
use axum::http::Method;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_core::talent::JourneyStep;
use beacon_govuk::components::{DateInput, DateInputItem, ErrorMessage, Legend};

pub fn routes() -> Vec<Route> {
    let hr = Access::Can(Capability::RunTalentPool);
    let vacancies = Access::Can(Capability::ManageVacancies);
    let staff = Access::Can(Capability::UseJobsMarket);
    vec![
        route(Method::GET, "/talent/journeys", hr, get(manage::list)),
        route(
            Method::GET,
            "/talent/journeys/{id}",
            vacancies,
            get(manage::show),
        ),
        route(
            Method::POST,
            "/talent/journeys/{id}",
            vacancies,
            post(manage::take_step),
        ),
        route(
            Method::POST,
            "/talent/journeys/{id}/return",
            vacancies,
            post(manage::take_step),
        ),
        route(
            Method::POST,
            "/talent/journeys/{id}/outcome",
            vacancies,
            post(manage::record_outcome),
        ),
        route(
            Method::POST,
            "/talent/journeys/{id}/extension",
            vacancies,
            post(manage::extend),
        ),
        route(Method::GET, "/talent/journey", staff, get(mine::list)),
        route(Method::GET, "/talent/journey/{id}", staff, get(mine::show)),
        route(
            Method::POST,
            "/talent/journey/{id}",
            staff,
            post(mine::answer),
        ),
        route(
            Method::GET,
            "/talent/redeployment",
            hr,
            get(redeployment::show),
        ),
        route(
            Method::POST,
            "/talent/redeployment",
            hr,
            post(redeployment::assign),
        ),
        route(
            Method::POST,
            "/talent/redeployment/{id}/end",
            hr,
            post(redeployment::end),
        ),
    ]
}

pub(crate) fn step_label(lang: Lang, step: JourneyStep) -> &'static str {
    lang.t(&format!("journey.step.{}", step.key()))
}

/// A tag's colour for each step.
pub(crate) fn step_class(step: JourneyStep) -> &'static str {
    match step {
        JourneyStep::Invited => "govuk-tag--blue",
        JourneyStep::Interested | JourneyStep::Assessed => "govuk-tag--light-blue",
        JourneyStep::Offered => "govuk-tag--purple",
        JourneyStep::Trial => "govuk-tag--yellow",
        JourneyStep::Placed => "govuk-tag--green",
        JourneyStep::Returned => "govuk-tag--grey",
    }
}

pub(crate) fn uuid_or_404(raw: &str) -> Result<uuid::Uuid, crate::error::AppError> {
    raw.parse().map_err(|_| crate::error::AppError::NotFound)
}

pub(crate) fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

/// A GOV.UK date input whose labels are in the page's language.
pub(crate) fn date_input(
    lang: Lang,
    name: &str,
    legend: &str,
    hint: &str,
    (day, month, year): (&str, &str, &str),
    error: Option<ErrorMessage>,
) -> DateInput {
    let item = |part: &str, value: &str, width: u8| DateInputItem {
        name: Some(part.to_owned()),
        label: Some(lang.t(&format!("journey.date.{part}")).to_owned()),
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
