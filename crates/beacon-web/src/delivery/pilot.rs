//! The pilot page: its plan, budget against actual, milestones, measures,
//! updates and team, and the small forms that change them. Every form that
//! fails shows the whole page again with the errors and what was typed.
use super::{PilotAccess, format_moment, pilot_access, pilot_change_access, pounds_for_input};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, tf};
use crate::pipeline::{format_date, parse_date, parse_pounds, pounds};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::account::Email;
use beacon_core::pipeline::delivery::{
    BudgetPosition, MilestoneStatus, PilotStatus, PlanError, Rag, check_pilot_dates,
    milestone_status,
};
use beacon_db::delivery::{self, Milestone, NewSpend, NewTeamMember, NewUpdate, PilotRecord};
use beacon_db::entity::idea;
use beacon_db::{DbError, people};
use beacon_govuk::components::{
    Button, Checkboxes, ChoiceItem, DateInput, DateInputItem, ErrorMessage, Input, Label, Legend,
    NotificationBanner, Radios, Tag, Textarea,
};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

const TITLE_MAX: usize = 200;
const DESCRIPTION_MAX: usize = 200;
const UPDATE_MAX: usize = 2000;
const ROLE_MAX: usize = 100;
const MEASURE_MAX: usize = 2000;

// ---------------------------------------------------------------------------
// Reading fields

/// Trimmed text that must be present and at most `max` characters.
fn required_text(
    errors: &mut FormErrors,
    field: &str,
    raw: &str,
    max: usize,
    missing: &str,
    too_long: &str,
) -> Option<String> {
    let text = raw.trim();
    if text.is_empty() {
        errors.add(field, missing);
        None
    } else if text.chars().count() > max {
        errors.add(field, too_long);
        None
    } else {
        Some(text.to_owned())
    }
}

/// A date from the three boxes, reported against the day box.
fn required_date(
    errors: &mut FormErrors,
    field: &str,
    (day, month, year): (&str, &str, &str),
    missing: &str,
    invalid: &str,
) -> Option<Date> {
    if [day, month, year].iter().all(|p| p.trim().is_empty()) {
        errors.add(field, missing);
        return None;
    }
    let date = parse_date(day, month, year);
    if date.is_none() {
        errors.add(field, invalid);
    }
    date
}

fn money(errors: &mut FormErrors, field: &str, raw: &str) -> Option<i64> {
    match parse_pounds(raw) {
        Ok(pence) => Some(pence),
        Err(e) => {
            errors.add(field, e.key());
            None
        }
    }
}

fn form_uuid(raw: &str) -> Result<Uuid, AppError> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::BadRequest("not one of ours".into()))
}

/// A GOV.UK date input whose labels are in the page's language.
fn date_input(
    lang: Lang,
    name: &str,
    legend: &str,
    hint: &str,
    (day, month, year): (&str, &str, &str),
    error: Option<ErrorMessage>,
) -> DateInput {
    let item = |part: &str, value: &str, width: u8| DateInputItem {
        name: Some(part.to_owned()),
        label: Some(lang.t(&format!("delivery.date.{part}")).to_owned()),
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

fn redirect_to_pilot(idea: Uuid, notice: &str) -> Response {
    Redirect::to(&format!("/ideas/{idea}/pilot?notice={notice}")).into_response()
}

fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

/// The idea's pilot must exist before anything is recorded against it.
async fn require_pilot(
    state: &AppState,
    tenant: &Tenant,
    idea: &idea::Model,
) -> Result<(), AppError> {
    match delivery::pilot(state.db.conn(), tenant.org, idea.id).await? {
        Some(_) => Ok(()),
        None => Err(AppError::NotFound),
    }
}

// ---------------------------------------------------------------------------
// The forms on the pilot page, as typed

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct MilestoneForm {
    #[serde(default, rename = "milestone-title")]
    title: String,
    #[serde(default, rename = "milestone-due-day")]
    day: String,
    #[serde(default, rename = "milestone-due-month")]
    month: String,
    #[serde(default, rename = "milestone-due-year")]
    year: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct SpendForm {
    #[serde(default, rename = "spend-date-day")]
    day: String,
    #[serde(default, rename = "spend-date-month")]
    month: String,
    #[serde(default, rename = "spend-date-year")]
    year: String,
    #[serde(default, rename = "spend-description")]
    description: String,
    #[serde(default, rename = "spend-amount")]
    amount: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct UpdateForm {
    #[serde(default, rename = "update-rag")]
    rag: String,
    #[serde(default, rename = "update-body")]
    body: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct TeamForm {
    #[serde(default, rename = "team-email")]
    email: String,
    #[serde(default, rename = "team-role")]
    role: String,
    #[serde(default, rename = "team-seconded")]
    seconded: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDoneForm {
    #[serde(default)]
    milestone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveMemberForm {
    #[serde(default)]
    member: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinishForm {
    /// The button says what it does; an empty post does nothing.
    #[serde(default)]
    finish: String,
}

/// What was typed into each form, shown again when one is refused.
#[derive(Default)]
struct Drafts {
    milestone: MilestoneForm,
    spend: SpendForm,
    update: UpdateForm,
    team: TeamForm,
}

// ---------------------------------------------------------------------------
// The pilot page

#[derive(Template)]
#[template(path = "delivery/pilot.html")]
struct PilotPage {
    shell: Shell,
    idea: idea::Model,
    record: Option<PilotRecord>,
    budget: Option<BudgetPosition>,
    today: Date,
    may_change: bool,
    may_evaluate: bool,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    drafts: Drafts,
}

impl PilotPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }

    fn date(&self, date: &Date) -> String {
        format_date(self.lang(), *date)
    }

    fn moment(&self, at: &time::OffsetDateTime) -> String {
        format_moment(self.lang(), *at)
    }

    fn finished_on(&self, date: &Date) -> String {
        self.shell
            .tf("delivery.pilot.finished_on", &[("date", &self.date(date))])
    }

    fn dates(&self, pilot: &delivery::Pilot) -> String {
        self.shell.tf(
            "delivery.pilot.from_to",
            &[
                ("start", &self.date(&pilot.starts_on)),
                ("end", &self.date(&pilot.ends_on)),
            ],
        )
    }

    fn byline(&self, update: &delivery::PilotUpdate) -> String {
        let when = self.moment(&update.created_at);
        match &update.author_name {
            Some(name) => self
                .shell
                .tf("delivery.update.by", &[("name", name), ("when", &when)]),
            None => self
                .shell
                .tf("delivery.update.by_former", &[("when", &when)]),
        }
    }

    fn overdue_warning(&self) -> String {
        match self.overdue_count() {
            1 => self.shell.t("delivery.milestone.overdue_one").to_owned(),
            n => self.shell.tf(
                "delivery.milestone.overdue_many",
                &[("count", &n.to_string())],
            ),
        }
    }

    fn is_active(&self, pilot: &delivery::Pilot) -> bool {
        pilot.status == PilotStatus::Active
    }

    fn set_up_button(&self) -> Button {
        self.button("delivery.pilot.set_up")
            .href(format!("/ideas/{}/pilot/plan", self.idea.id))
    }

    fn money(&self, pence: &i64) -> String {
        pounds(*pence)
    }

    fn status_tag(&self, status: &PilotStatus) -> Tag {
        let (key, colour) = match status {
            PilotStatus::Active => ("delivery.pilot.status.active", "govuk-tag--blue"),
            PilotStatus::Finished => ("delivery.pilot.status.finished", "govuk-tag--grey"),
        };
        Tag::text(self.shell.t(key)).classes(colour)
    }

    fn milestone_status(&self, m: &Milestone) -> MilestoneStatus {
        milestone_status(m.due_on, m.done_on, self.today)
    }

    fn milestone_tag(&self, m: &Milestone) -> Tag {
        let status = self.milestone_status(m);
        let colour = match status {
            MilestoneStatus::Done => "govuk-tag--green",
            MilestoneStatus::Due => "govuk-tag--blue",
            MilestoneStatus::Overdue => "govuk-tag--red",
        };
        let text = match (status, m.done_on) {
            (MilestoneStatus::Done, Some(done)) => self.shell.tf(
                "delivery.milestone.status.done_on",
                &[("date", &self.date(&done))],
            ),
            _ => self
                .shell
                .t(&format!("delivery.milestone.status.{}", status.key()))
                .to_owned(),
        };
        Tag::text(text).classes(colour)
    }

    fn rag_tag(&self, rag: &Rag) -> Tag {
        let colour = match rag {
            Rag::OnTrack => "govuk-tag--green",
            Rag::AtRisk => "govuk-tag--yellow",
            Rag::OffTrack => "govuk-tag--red",
        };
        Tag::text(self.shell.t(&format!("delivery.rag.{}", rag.key()))).classes(colour)
    }

    /// How the latest update says the pilot is going.
    fn latest_rag(&self) -> Option<Tag> {
        let update = self.record.as_ref()?.updates.first()?;
        Some(self.rag_tag(&update.rag))
    }

    fn overdue_count(&self) -> usize {
        self.record.as_ref().map_or(0, |r| {
            r.milestones
                .iter()
                .filter(|m| self.milestone_status(m) == MilestoneStatus::Overdue)
                .count()
        })
    }

    /// The bar's filled share, 0–100, for the SVG's width attribute.
    fn bar_fill(&self) -> String {
        self.budget
            .map(|b| b.bar_fill().round_dp(1).normalize().to_string())
            .unwrap_or_else(|| "0".to_owned())
    }

    fn bar_colour(&self) -> &'static str {
        // GOV.UK blue, or red once overspent; both have 3:1 contrast
        // against the light grey track (WCAG 1.4.11).
        match self.budget {
            Some(b) if b.overspent() => "#d4351c",
            _ => "#1d70b8",
        }
    }

    fn percent_spent(&self) -> String {
        match self.budget.and_then(|b| b.percent_spent) {
            Some(p) => format!("{p}%"),
            None => self.shell.t("delivery.budget.no_budget").to_owned(),
        }
    }

    fn bar_description(&self) -> String {
        let Some(b) = self.budget else {
            return String::new();
        };
        self.shell.tf(
            "delivery.budget.bar",
            &[
                ("spent", &pounds(b.spent)),
                ("budget", &pounds(b.budget)),
                ("percent", &self.percent_spent()),
            ],
        )
    }

    fn milestone_title_input(&self) -> Input {
        Input::new("milestone-title")
            .label(Label::text(self.shell.t("delivery.milestone.title")))
            .value(self.drafts.milestone.title.clone())
            .error_message(self.errors.message("milestone-title"))
    }

    fn milestone_due_input(&self) -> DateInput {
        let d = &self.drafts.milestone;
        date_input(
            self.lang(),
            "milestone-due",
            self.shell.t("delivery.milestone.due"),
            self.shell.t("delivery.date.hint_future"),
            (&d.day, &d.month, &d.year),
            self.errors.message("milestone-due-day"),
        )
    }

    fn spend_date_input(&self) -> DateInput {
        let d = &self.drafts.spend;
        date_input(
            self.lang(),
            "spend-date",
            self.shell.t("delivery.spend.date"),
            self.shell.t("delivery.date.hint_past"),
            (&d.day, &d.month, &d.year),
            self.errors.message("spend-date-day"),
        )
    }

    fn spend_description_input(&self) -> Input {
        Input::new("spend-description")
            .label(Label::text(self.shell.t("delivery.spend.description")))
            .hint(self.shell.t("delivery.spend.description_hint"))
            .value(self.drafts.spend.description.clone())
            .error_message(self.errors.message("spend-description"))
    }

    fn spend_amount_input(&self) -> Input {
        Input::new("spend-amount")
            .label(Label::text(self.shell.t("delivery.spend.amount")))
            .prefix("£")
            .inputmode("decimal")
            .spellcheck(false)
            .classes("govuk-input--width-10")
            .value(self.drafts.spend.amount.clone())
            .error_message(self.errors.message("spend-amount"))
    }

    fn update_rag_radios(&self) -> Radios {
        let mut radios = Radios::new("update-rag")
            .legend(
                Legend::text(self.shell.t("delivery.update.rag"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(self.drafts.update.rag.clone())
            .error_message(self.errors.message("update-rag"));
        for rag in Rag::ALL {
            radios = radios.item(
                ChoiceItem::new(
                    rag.key(),
                    self.shell.t(&format!("delivery.rag.{}", rag.key())),
                )
                .hint(self.shell.t(&format!("delivery.rag.{}_hint", rag.key()))),
            );
        }
        radios
    }

    fn update_body_input(&self) -> Textarea {
        Textarea::new("update-body")
            .label(Label::text(self.shell.t("delivery.update.body")).classes("govuk-label--s"))
            .hint(tf(
                self.lang(),
                "delivery.update.body_hint",
                &[("max", &UPDATE_MAX.to_string())],
            ))
            .value(self.drafts.update.body.clone())
            .error_message(self.errors.message("update-body"))
    }

    fn team_email_input(&self) -> Input {
        Input::new("team-email")
            .label(Label::text(self.shell.t("delivery.team.email")))
            .hint(self.shell.t("delivery.team.email_hint"))
            .kind("email")
            .autocomplete("off")
            .spellcheck(false)
            .value(self.drafts.team.email.clone())
            .error_message(self.errors.message("team-email"))
    }

    fn team_role_input(&self) -> Input {
        Input::new("team-role")
            .label(Label::text(self.shell.t("delivery.team.role")))
            .hint(self.shell.t("delivery.team.role_hint"))
            .value(self.drafts.team.role.clone())
            .error_message(self.errors.message("team-role"))
    }

    fn team_seconded_box(&self) -> Checkboxes {
        let mut boxes = Checkboxes::new("team-seconded").item(
            ChoiceItem::new("yes", self.shell.t("delivery.team.seconded_label"))
                .hint(self.shell.t("delivery.team.seconded_hint")),
        );
        if self.drafts.team.seconded == "yes" {
            boxes = boxes.values(["yes"]);
        }
        boxes.small()
    }

    fn button(&self, key: &str) -> Button {
        Button::text(self.shell.t(key))
    }
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    access: PilotAccess,
    errors: FormErrors,
    drafts: Drafts,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let idea = access.idea;
    let record = delivery::pilot_record(state.db.conn(), tenant.org, idea.id).await?;
    let budget = record
        .as_ref()
        .map(|r| BudgetPosition::of(r.pilot.budget_pence, r.spend.iter().map(|s| s.amount_pence)));
    let path = format!("/ideas/{}/pilot", idea.id);
    let shell = Shell::new(
        visitor,
        &path,
        tf(lang, "delivery.pilot.title", &[("idea", &idea.title)]),
    )
    .crumb(lang.t("nav.ideas"), "/ideas")
    .crumb(idea.title.clone(), format!("/ideas/{}", idea.id))
    .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = page(&PilotPage {
        shell,
        idea,
        record,
        budget,
        today: state.clock.now().date(),
        may_change: access.may_change,
        may_evaluate: access.runs_pipeline && access.progress.evaluation,
        notice: notice(lang, notice_key),
        errors,
        drafts,
    })?;
    Ok(with_status(body, status))
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let access = pilot_access(&state, &tenant, &id).await?;
    let errors = FormErrors::new(visitor.lang);
    render(
        &state,
        &visitor,
        &tenant,
        access,
        errors,
        Drafts::default(),
        q.notice.as_deref(),
    )
    .await
}

pub async fn add_milestone(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<MilestoneForm>,
) -> Result<Response, AppError> {
    let access = pilot_change_access(&state, &tenant, &id).await?;
    require_pilot(&state, &tenant, &access.idea).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let title = required_text(
        &mut errors,
        "milestone-title",
        &form.title,
        TITLE_MAX,
        "delivery.milestone.error.title_missing",
        "delivery.milestone.error.title_too_long",
    );
    let due = required_date(
        &mut errors,
        "milestone-due-day",
        (&form.day, &form.month, &form.year),
        "delivery.milestone.error.due_missing",
        "delivery.date.error.invalid",
    );
    let (Some(title), Some(due)) = (title, due) else {
        let drafts = Drafts {
            milestone: form,
            ..Drafts::default()
        };
        return render(&state, &visitor, &tenant, access, errors, drafts, None).await;
    };
    let txn = state.db.begin_writing().await?;
    delivery::add_milestone(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        access.idea.id,
        &title,
        due,
    )
    .await?;
    txn.commit().await?;
    Ok(redirect_to_pilot(access.idea.id, "pilot_milestone_added"))
}

pub async fn complete_milestone(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<MilestoneDoneForm>,
) -> Result<Response, AppError> {
    let access = pilot_change_access(&state, &tenant, &id).await?;
    let milestone = form_uuid(&form.milestone)?;
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    delivery::complete_milestone(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        access.idea.id,
        milestone,
        now.date(),
    )
    .await?;
    txn.commit().await?;
    Ok(redirect_to_pilot(access.idea.id, "pilot_milestone_done"))
}

pub async fn record_spend(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<SpendForm>,
) -> Result<Response, AppError> {
    let access = pilot_change_access(&state, &tenant, &id).await?;
    require_pilot(&state, &tenant, &access.idea).await?;
    let now = state.clock.now();
    let mut errors = FormErrors::new(visitor.lang);
    let spent_on = required_date(
        &mut errors,
        "spend-date-day",
        (&form.day, &form.month, &form.year),
        "delivery.spend.error.date_missing",
        "delivery.date.error.invalid",
    )
    .filter(|d| {
        let past = *d <= now.date();
        if !past {
            errors.add("spend-date-day", "delivery.spend.error.date_future");
        }
        past
    });
    let description = required_text(
        &mut errors,
        "spend-description",
        &form.description,
        DESCRIPTION_MAX,
        "delivery.spend.error.description_missing",
        "delivery.spend.error.description_too_long",
    );
    let amount = money(&mut errors, "spend-amount", &form.amount).filter(|a| {
        if *a == 0 {
            errors.add("spend-amount", "delivery.spend.error.amount_zero");
        }
        *a > 0
    });
    let (Some(spent_on), Some(description), Some(amount_pence)) = (spent_on, description, amount)
    else {
        let drafts = Drafts {
            spend: form,
            ..Drafts::default()
        };
        return render(&state, &visitor, &tenant, access, errors, drafts, None).await;
    };
    let txn = state.db.begin_writing().await?;
    delivery::record_spend(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        access.idea.id,
        NewSpend {
            spent_on,
            description,
            amount_pence,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(redirect_to_pilot(access.idea.id, "pilot_spend_recorded"))
}

pub async fn post_update(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<UpdateForm>,
) -> Result<Response, AppError> {
    let access = pilot_change_access(&state, &tenant, &id).await?;
    require_pilot(&state, &tenant, &access.idea).await?;
    let lang = visitor.lang;
    let mut errors = FormErrors::new(lang);
    let rag = form.rag.parse::<Rag>().ok();
    if rag.is_none() {
        errors.add("update-rag", "delivery.update.error.rag_missing");
    }
    let body = required_text(
        &mut errors,
        "update-body",
        &form.body,
        UPDATE_MAX,
        "delivery.update.error.body_missing",
        "delivery.update.error.body_too_long",
    );
    let (Some(rag), Some(body)) = (rag, body) else {
        let drafts = Drafts {
            update: form,
            ..Drafts::default()
        };
        return render(&state, &visitor, &tenant, access, errors, drafts, None).await;
    };
    let idea = &access.idea;
    let now = state.clock.now();
    let me = &tenant.who.person;
    let subject = tf(
        lang,
        "delivery.notify.update_subject",
        &[("idea", &idea.title)],
    );
    let message = tf(
        lang,
        "delivery.notify.update_body",
        &[
            ("name", &me.display_name),
            ("idea", &idea.title),
            ("rag", lang.t(&format!("delivery.rag.{}", rag.key()))),
            ("body", &body),
            (
                "link",
                &format!("{}/ideas/{}/pilot", state.config.public_url, idea.id),
            ),
        ],
    );
    let txn = state.db.begin_writing().await?;
    delivery::post_update(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        NewUpdate {
            author: me.id,
            body,
            rag,
        },
    )
    .await?;
    delivery::notify_audience(&txn, now, tenant.org, idea, Some(me.id), &subject, &message).await?;
    txn.commit().await?;
    Ok(redirect_to_pilot(idea.id, "pilot_update_posted"))
}

pub async fn add_team_member(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<TeamForm>,
) -> Result<Response, AppError> {
    let access = pilot_change_access(&state, &tenant, &id).await?;
    require_pilot(&state, &tenant, &access.idea).await?;
    let seconded = match form.seconded.as_str() {
        "" => false,
        "yes" => true,
        _ => return Err(AppError::BadRequest("seconded".into())),
    };
    let conn = state.db.conn();
    let mut errors = FormErrors::new(visitor.lang);
    // Only someone in this organisation can join; whether the address belongs
    // to someone elsewhere is not said.
    let person = match Email::parse(&form.email) {
        Err(beacon_core::account::EmailError::Missing) => {
            errors.add("team-email", "delivery.team.error.email_missing");
            None
        }
        Err(beacon_core::account::EmailError::Invalid) => {
            errors.add("team-email", "sign_in.error.email_invalid");
            None
        }
        Ok(email) => {
            let member = match people::by_email(conn, &email).await? {
                Some(p) => people::member(conn, tenant.org, p.id).await?,
                None => None,
            };
            if member.is_none() {
                errors.add_text(
                    "team-email",
                    tf(
                        visitor.lang,
                        "delivery.team.error.not_member",
                        &[("organisation", &tenant.organisation.name)],
                    ),
                );
            }
            member
        }
    };
    let role = required_text(
        &mut errors,
        "team-role",
        &form.role,
        ROLE_MAX,
        "delivery.team.error.role_missing",
        "delivery.team.error.role_too_long",
    );
    let (Some(person), Some(role)) = (person, role) else {
        let drafts = Drafts {
            team: form,
            ..Drafts::default()
        };
        return render(&state, &visitor, &tenant, access, errors, drafts, None).await;
    };
    let txn = beacon_db::begin_writing(conn).await?;
    let added = delivery::add_team_member(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        access.idea.id,
        NewTeamMember {
            person: person.person.id,
            role,
            seconded,
        },
    )
    .await;
    match added {
        Ok(_) => {
            txn.commit().await?;
            Ok(redirect_to_pilot(access.idea.id, "pilot_team_member_added"))
        }
        Err(DbError::Conflict(_)) => {
            drop(txn);
            errors.add("team-email", "delivery.team.error.already");
            let drafts = Drafts {
                team: form,
                ..Drafts::default()
            };
            render(&state, &visitor, &tenant, access, errors, drafts, None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_team_member(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<RemoveMemberForm>,
) -> Result<Response, AppError> {
    let access = pilot_change_access(&state, &tenant, &id).await?;
    let member = form_uuid(&form.member)?;
    let txn = state.db.begin_writing().await?;
    delivery::remove_team_member(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        access.idea.id,
        member,
    )
    .await?;
    txn.commit().await?;
    // Someone who took themselves off the team may no longer see the pilot.
    match pilot_access(&state, &tenant, &id).await {
        Ok(_) => Ok(redirect_to_pilot(
            access.idea.id,
            "pilot_team_member_removed",
        )),
        Err(_) => Ok(Redirect::to(&format!("/ideas/{}", access.idea.id)).into_response()),
    }
}

pub async fn finish(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<FinishForm>,
) -> Result<Response, AppError> {
    let access = pilot_change_access(&state, &tenant, &id).await?;
    if form.finish != "yes" {
        return Err(AppError::BadRequest("finish".into()));
    }
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    delivery::finish_pilot(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        access.idea.id,
        now.date(),
    )
    .await?;
    txn.commit().await?;
    Ok(redirect_to_pilot(access.idea.id, "pilot_finished"))
}

// ---------------------------------------------------------------------------
// Setting up the pilot, or changing its plan

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PlanForm {
    #[serde(default, rename = "starts-day")]
    starts_day: String,
    #[serde(default, rename = "starts-month")]
    starts_month: String,
    #[serde(default, rename = "starts-year")]
    starts_year: String,
    #[serde(default, rename = "ends-day")]
    ends_day: String,
    #[serde(default, rename = "ends-month")]
    ends_month: String,
    #[serde(default, rename = "ends-year")]
    ends_year: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    baseline: String,
    #[serde(default)]
    success_measures: String,
}

impl PlanForm {
    fn of(plan: &delivery::Pilot) -> Self {
        let parts = |d: Date| {
            (
                d.day().to_string(),
                u8::from(d.month()).to_string(),
                d.year().to_string(),
            )
        };
        let (starts_day, starts_month, starts_year) = parts(plan.starts_on);
        let (ends_day, ends_month, ends_year) = parts(plan.ends_on);
        Self {
            starts_day,
            starts_month,
            starts_year,
            ends_day,
            ends_month,
            ends_year,
            budget: pounds_for_input(plan.budget_pence),
            baseline: plan.baseline.clone(),
            success_measures: plan.success_measures.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "delivery/plan.html")]
struct PlanPage {
    shell: Shell,
    idea: idea::Model,
    existing: bool,
    form: PlanForm,
    errors: FormErrors,
}

impl PlanPage {
    fn starts_input(&self) -> DateInput {
        let f = &self.form;
        date_input(
            self.shell.lang,
            "starts",
            self.shell.t("delivery.plan.starts"),
            self.shell.t("delivery.date.hint_any"),
            (&f.starts_day, &f.starts_month, &f.starts_year),
            self.errors.message("starts-day"),
        )
    }

    fn ends_input(&self) -> DateInput {
        let f = &self.form;
        date_input(
            self.shell.lang,
            "ends",
            self.shell.t("delivery.plan.ends"),
            self.shell.t("delivery.date.hint_any"),
            (&f.ends_day, &f.ends_month, &f.ends_year),
            self.errors.message("ends-day"),
        )
    }

    fn budget_input(&self) -> Input {
        Input::new("budget")
            .label(Label::text(self.shell.t("delivery.plan.budget")).classes("govuk-label--s"))
            .hint(self.shell.t("delivery.plan.budget_hint"))
            .prefix("£")
            .inputmode("decimal")
            .spellcheck(false)
            .classes("govuk-input--width-10")
            .value(self.form.budget.clone())
            .error_message(self.errors.message("budget"))
    }

    fn baseline_input(&self) -> Textarea {
        Textarea::new("baseline")
            .label(Label::text(self.shell.t("delivery.plan.baseline")).classes("govuk-label--s"))
            .hint(self.shell.t("delivery.plan.baseline_hint"))
            .value(self.form.baseline.clone())
            .error_message(self.errors.message("baseline"))
    }

    fn measures_input(&self) -> Textarea {
        Textarea::new("success_measures")
            .label(Label::text(self.shell.t("delivery.plan.measures")).classes("govuk-label--s"))
            .hint(self.shell.t("delivery.plan.measures_hint"))
            .value(self.form.success_measures.clone())
            .error_message(self.errors.message("success_measures"))
    }
}

async fn render_plan(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    idea: idea::Model,
    form: Option<PlanForm>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let existing = delivery::pilot(state.db.conn(), tenant.org, idea.id).await?;
    let title_key = if existing.is_some() {
        "delivery.plan.change_title"
    } else {
        "delivery.plan.title"
    };
    let path = format!("/ideas/{}/pilot/plan", idea.id);
    let shell = Shell::new(visitor, &path, lang.t(title_key))
        .crumb(lang.t("nav.ideas"), "/ideas")
        .crumb(idea.title.clone(), format!("/ideas/{}", idea.id))
        .crumb(
            lang.t("delivery.pilot.heading"),
            format!("/ideas/{}/pilot", idea.id),
        )
        .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // A new plan starts from the performance gap the idea set out to close.
    let form = form
        .or_else(|| existing.as_ref().map(PlanForm::of))
        .unwrap_or_else(|| PlanForm {
            baseline: idea.measure_today.clone(),
            success_measures: idea.measure_aspiration.clone(),
            ..PlanForm::default()
        });
    let body = page(&PlanPage {
        shell,
        idea,
        existing: existing.is_some(),
        form,
        errors,
    })?;
    Ok(with_status(body, status))
}

pub async fn plan_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = (q.lang, q.notice);
    let access = pilot_change_access(&state, &tenant, &id).await?;
    let errors = FormErrors::new(visitor.lang);
    render_plan(&state, &visitor, &tenant, access.idea, None, errors).await
}

pub async fn save_plan(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<PlanForm>,
) -> Result<Response, AppError> {
    let access = pilot_change_access(&state, &tenant, &id).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let starts_on = required_date(
        &mut errors,
        "starts-day",
        (&form.starts_day, &form.starts_month, &form.starts_year),
        "delivery.plan.error.starts_missing",
        "delivery.date.error.invalid",
    );
    let ends_on = required_date(
        &mut errors,
        "ends-day",
        (&form.ends_day, &form.ends_month, &form.ends_year),
        "delivery.plan.error.ends_missing",
        "delivery.date.error.invalid",
    );
    if let (Some(s), Some(e)) = (starts_on, ends_on) {
        match check_pilot_dates(s, e) {
            Ok(()) => {}
            Err(PlanError::EndsBeforeStart) => {
                errors.add("ends-day", "delivery.plan.error.ends_before_start");
            }
            Err(PlanError::TooLong) => errors.add("ends-day", "delivery.plan.error.too_long"),
        }
    }
    let budget = money(&mut errors, "budget", &form.budget);
    let baseline = required_text(
        &mut errors,
        "baseline",
        &form.baseline,
        MEASURE_MAX,
        "delivery.plan.error.baseline_missing",
        "delivery.plan.error.baseline_too_long",
    );
    let measures = required_text(
        &mut errors,
        "success_measures",
        &form.success_measures,
        MEASURE_MAX,
        "delivery.plan.error.measures_missing",
        "delivery.plan.error.measures_too_long",
    );
    let (Some(starts_on), Some(ends_on), Some(budget_pence), Some(baseline), Some(measures), true) = (
        starts_on,
        ends_on,
        budget,
        baseline,
        measures,
        errors.is_empty(),
    ) else {
        return render_plan(&state, &visitor, &tenant, access.idea, Some(form), errors).await;
    };
    let txn = state.db.begin_writing().await?;
    let saved = delivery::save_plan(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        access.idea.id,
        delivery::PilotPlan {
            starts_on,
            ends_on,
            budget_pence,
            baseline,
            success_measures: measures,
        },
    )
    .await?;
    txn.commit().await?;
    let key = match saved {
        delivery::Saved::Created => "pilot_set_up",
        delivery::Saved::Changed => "pilot_plan_changed",
    };
    Ok(redirect_to_pilot(access.idea.id, key))
}
