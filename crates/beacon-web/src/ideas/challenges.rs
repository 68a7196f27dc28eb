//! Challenges: the list by status, the page of one challenge with the ideas
//! answering it, and the form that creates or changes one.
use super::{audience_label, audiences, paragraphs, stage_tag};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::Lang;
use crate::pipeline::{format_date, parse_date, parse_pounds, pounds};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::permission::Capability;
use beacon_core::pipeline::Audience;
use beacon_core::pipeline::stages::Pipeline;
use beacon_core::text::BoundedText;
use beacon_db::challenges::{
    self, Challenge, ChallengeError, ChallengeInput, Criterion, MAX_CRITERIA, Status,
};
use beacon_db::entity::idea;
use beacon_db::stages;
use beacon_govuk::components::{
    ChoiceItem, DateInput, Input, Label, Legend, NotificationBanner, Radios, Tag,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use time::Date;
use uuid::Uuid;

const MAX_QUESTION: usize = 200;
const MAX_DESCRIPTION: usize = 3000;
const MAX_CRITERION: usize = 100;

/// The challenge, if it is the organisation's and the visitor's audience may
/// see it; "not found" otherwise.
async fn visible_challenge(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<Challenge, AppError> {
    let id: Uuid = raw_id.parse().map_err(|_| AppError::NotFound)?;
    let challenge = challenges::find(state.db.conn(), tenant.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !challenge.audience.admits(&tenant.roles) {
        return Err(AppError::NotFound);
    }
    Ok(challenge)
}

pub(crate) fn status_tag(lang: Lang, status: Status) -> Tag {
    let colour = match status {
        Status::Open => "govuk-tag--green",
        Status::Upcoming => "govuk-tag--blue",
        Status::Closed => "govuk-tag--grey",
    };
    Tag::text(lang.t(&format!("challenges.status.{}", status.key()))).classes(colour)
}

// The list ----------------------------------------------------------------

struct Row {
    challenge: Challenge,
    ideas: u64,
}

#[derive(Template)]
#[template(path = "ideas/challenges.html")]
struct ListPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    can_create: bool,
    sections: Vec<(Status, Vec<Row>)>,
}

impl ListPage {
    fn heading(&self, status: &Status) -> &'static str {
        self.shell.t(&format!("challenges.list.{}", status.key()))
    }
    fn audience(&self, audience: &Audience) -> &'static str {
        audience_label(self.shell.lang, *audience)
    }
    fn dates(&self, c: &Challenge) -> String {
        self.shell.tf(
            "challenges.dates",
            &[
                ("opens", &format_date(self.shell.lang, c.opens_on)),
                ("closes", &format_date(self.shell.lang, c.closes_on)),
            ],
        )
    }
    fn pot(&self, c: &Challenge) -> String {
        c.pot_pence.map(pounds).unwrap_or_default()
    }
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let conn = state.db.conn();
    let found = challenges::list(conn, tenant.org, &audiences(&tenant)).await?;
    let counts = beacon_db::ideas::count_by_challenge(conn, tenant.org).await?;
    let today = state.clock.now().date();
    let mut sections: Vec<(Status, Vec<Row>)> = [Status::Open, Status::Upcoming, Status::Closed]
        .into_iter()
        .map(|s| (s, Vec::new()))
        .collect();
    for challenge in found {
        let status = challenge.status(today);
        let ideas = counts.get(&challenge.id).copied().unwrap_or(0);
        if let Some((_, rows)) = sections.iter_mut().find(|(s, _)| *s == status) {
            rows.push(Row { challenge, ideas });
        }
    }
    // Upcoming challenges soonest first; the others newest first.
    if let Some((_, rows)) = sections.iter_mut().find(|(s, _)| *s == Status::Upcoming) {
        rows.sort_by_key(|r| r.challenge.opens_on);
    }
    let lang = visitor.lang;
    let shell = Shell::new(&visitor, &here(&uri), lang.t("challenges.list.title"));
    page(&ListPage {
        shell,
        notice: notice(lang, q.notice.as_deref()),
        can_create: tenant.require(Capability::RunPipeline).is_ok(),
        sections,
    })
}

// One challenge -----------------------------------------------------------

#[derive(Template)]
#[template(path = "ideas/challenge.html")]
struct ShowPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    challenge: Challenge,
    status: Status,
    ideas: Vec<idea::Model>,
    pipeline: Pipeline,
    can_edit: bool,
}

impl ShowPage {
    fn description(&self) -> Vec<String> {
        paragraphs(&self.challenge.description)
    }
    fn audience(&self) -> &'static str {
        audience_label(self.shell.lang, self.challenge.audience)
    }
    fn status_tag(&self) -> Tag {
        status_tag(self.shell.lang, self.status)
    }
    fn date(&self, d: &Date) -> String {
        format_date(self.shell.lang, *d)
    }
    fn pot(&self) -> String {
        pounds(self.challenge.pot_pence.unwrap_or(0))
    }
    fn allocated(&self) -> String {
        pounds(self.challenge.allocated_pence)
    }
    fn remaining(&self) -> String {
        pounds(
            self.challenge
                .pot_pence
                .unwrap_or(0)
                .saturating_sub(self.challenge.allocated_pence),
        )
    }
    fn stage(&self, key: &str) -> Tag {
        stage_tag(self.shell.lang, &self.pipeline, key)
    }
    fn submitted(&self, idea: &idea::Model) -> String {
        format_date(self.shell.lang, idea.created_at.date())
    }
    fn is_open(&self) -> bool {
        self.status == Status::Open
    }
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let challenge = visible_challenge(&state, &tenant, &id).await?;
    let conn = state.db.conn();
    let ideas = beacon_db::ideas::for_challenge(conn, tenant.org, challenge.id).await?;
    let pipeline = stages::load(conn, tenant.org).await?;
    let lang = visitor.lang;
    let shell = Shell::new(&visitor, &here(&uri), challenge.question.clone())
        .crumb(lang.t("challenges.list.title"), "/challenges");
    page(&ShowPage {
        shell,
        notice: notice(lang, q.notice.as_deref()),
        status: challenge.status(state.clock.now().date()),
        challenge,
        ideas,
        pipeline,
        can_edit: tenant.require(Capability::RunPipeline).is_ok(),
    })
}

// The form ------------------------------------------------------------------

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct ChallengeForm {
    #[serde(default)]
    question: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    audience: String,
    #[serde(default, rename = "opens-day")]
    opens_day: String,
    #[serde(default, rename = "opens-month")]
    opens_month: String,
    #[serde(default, rename = "opens-year")]
    opens_year: String,
    #[serde(default, rename = "closes-day")]
    closes_day: String,
    #[serde(default, rename = "closes-month")]
    closes_month: String,
    #[serde(default, rename = "closes-year")]
    closes_year: String,
    #[serde(default)]
    innovation: String,
    #[serde(default)]
    pot: String,
    /// One per row of the criteria table, in order; empty rows are skipped.
    #[serde(default)]
    criterion_name: Vec<String>,
    #[serde(default)]
    criterion_weight: Vec<String>,
}

impl ChallengeForm {
    fn from_challenge(c: &Challenge) -> Self {
        let (d, m, y) = date_parts(c.opens_on);
        let (cd, cm, cy) = date_parts(c.closes_on);
        ChallengeForm {
            question: c.question.clone(),
            description: c.description.clone(),
            audience: c.audience.key().to_owned(),
            opens_day: d,
            opens_month: m,
            opens_year: y,
            closes_day: cd,
            closes_month: cm,
            closes_year: cy,
            innovation: if c.innovation { "yes" } else { "no" }.to_owned(),
            pot: c.pot_pence.map(pounds).unwrap_or_default(),
            criterion_name: c.criteria.iter().map(|k| k.name.clone()).collect(),
            criterion_weight: c.criteria.iter().map(|k| k.weight.to_string()).collect(),
        }
    }

    /// The form as the rules see it, or every problem with it.
    fn parse(&self, lang: Lang, today: Option<Date>) -> Result<ChallengeInput, FormErrors> {
        let mut errors = FormErrors::new(lang);
        let question = match BoundedText::<MAX_QUESTION>::parse(&self.question) {
            Ok(q) => Some(q.into_string()),
            Err(e) => {
                errors.add("question", &text_error("challenges.error.question", &e));
                None
            }
        };
        let description = match BoundedText::<MAX_DESCRIPTION>::parse(&self.description) {
            Ok(d) => Some(d.into_string()),
            Err(e) => {
                errors.add(
                    "description",
                    &text_error("challenges.error.description", &e),
                );
                None
            }
        };
        let audience = self.audience.parse::<Audience>().ok();
        if audience.is_none() {
            errors.add("audience", "challenges.error.audience");
        }
        let opens = date_field(
            &mut errors,
            "opens-day",
            "challenges.error.opens",
            (&self.opens_day, &self.opens_month, &self.opens_year),
        );
        let closes = date_field(
            &mut errors,
            "closes-day",
            "challenges.error.closes",
            (&self.closes_day, &self.closes_month, &self.closes_year),
        );
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            errors.add("closes-day", "challenges.error.closes_before_opens");
        }
        if let (Some(today), Some(c)) = (today, closes)
            && c < today
        {
            errors.add("closes-day", "challenges.error.closes_past");
        }
        let innovation = match self.innovation.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                errors.add("innovation", "challenges.error.innovation");
                None
            }
        };
        let pot = if innovation == Some(true) {
            match parse_pounds(&self.pot) {
                Ok(0) => {
                    errors.add("pot", "challenges.error.pot_zero");
                    None
                }
                Ok(p) => Some(p),
                Err(e) => {
                    errors.add("pot", e.key());
                    None
                }
            }
        } else {
            None
        };
        let mut criteria = Vec::new();
        let rows = self.criterion_name.len().max(self.criterion_weight.len());
        for i in 0..rows.min(MAX_CRITERIA) {
            let name = self.criterion_name.get(i).map_or("", |s| s.trim());
            let weight = self.criterion_weight.get(i).map_or("", |s| s.trim());
            if name.is_empty() && weight.is_empty() {
                continue;
            }
            let n = (i + 1).to_string();
            let name_id = format!("criterion-name-{n}");
            let weight_id = format!("criterion-weight-{n}");
            let parsed_name = match BoundedText::<MAX_CRITERION>::parse(name) {
                Ok(t) => Some(t.into_string()),
                Err(e) => {
                    errors.add_text(
                        &name_id,
                        crate::i18n::tf(
                            lang,
                            &text_error("challenges.error.criterion_name", &e),
                            &[("number", &n)],
                        ),
                    );
                    None
                }
            };
            let parsed_weight = weight.parse::<i32>().ok().filter(|w| (1..=100).contains(w));
            if parsed_weight.is_none() {
                errors.add_text(
                    &weight_id,
                    crate::i18n::tf(lang, "challenges.error.criterion_weight", &[("number", &n)]),
                );
            }
            if let (Some(name), Some(weight)) = (parsed_name, parsed_weight) {
                if criteria
                    .iter()
                    .any(|c: &Criterion| c.name.eq_ignore_ascii_case(&name))
                {
                    errors.add_text(
                        &name_id,
                        crate::i18n::tf(
                            lang,
                            "challenges.error.criterion_repeated",
                            &[("number", &n)],
                        ),
                    );
                } else {
                    criteria.push(Criterion { name, weight });
                }
            }
        }
        if innovation == Some(true)
            && criteria.is_empty()
            && errors.get("criterion-name-1").is_none()
        {
            errors.add("criterion-name-1", "challenges.error.criteria_needed");
        }
        match (question, description, audience, opens, closes, innovation) {
            (
                Some(question),
                Some(description),
                Some(audience),
                Some(opens_on),
                Some(closes_on),
                Some(innovation),
            ) if errors.is_empty() => Ok(ChallengeInput {
                question,
                description,
                audience,
                opens_on,
                closes_on,
                innovation,
                pot_pence: pot,
                criteria,
            }),
            _ => Err(errors),
        }
    }
}

fn date_parts(date: Date) -> (String, String, String) {
    (
        date.day().to_string(),
        u8::from(date.month()).to_string(),
        date.year().to_string(),
    )
}

/// The message key for a text that is missing or too long.
pub(crate) fn text_error(prefix: &str, e: &beacon_core::text::TextError) -> String {
    match e {
        beacon_core::text::TextError::Missing => format!("{prefix}_missing"),
        beacon_core::text::TextError::TooLong { .. } => format!("{prefix}_too_long"),
    }
}

fn date_field(
    errors: &mut FormErrors,
    id: &str,
    key: &str,
    (day, month, year): (&str, &str, &str),
) -> Option<Date> {
    if day.trim().is_empty() && month.trim().is_empty() && year.trim().is_empty() {
        errors.add(id, &format!("{key}_missing"));
        return None;
    }
    let date = parse_date(day, month, year);
    if date.is_none() {
        errors.add(id, &format!("{key}_invalid"));
    }
    date
}

#[derive(Template)]
#[template(path = "ideas/challenge_form.html")]
struct FormPage {
    shell: Shell,
    errors: FormErrors,
    form: ChallengeForm,
    action: String,
    heading: &'static str,
    submit: &'static str,
    /// Money already allocated from the pot, when editing.
    allocated: Option<i64>,
}

impl FormPage {
    fn question(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("question")
            .label(Label::text(lang.t("challenges.form.question")).classes("govuk-label--s"))
            .hint(lang.t("challenges.form.question_hint"))
            .value(self.form.question.clone())
            .error_message(self.errors.message("question"))
    }

    fn description(&self) -> beacon_govuk::components::CharacterCount {
        super::submit::counted(
            self.shell.lang,
            "description",
            MAX_DESCRIPTION,
            self.shell.t("challenges.form.description"),
            self.shell.t("challenges.form.description_hint"),
            &self.form.description,
            self.errors.message("description"),
        )
    }

    fn audience(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("audience")
            .legend(
                Legend::text(lang.t("challenges.form.audience"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(self.form.audience.clone())
            .error_message(self.errors.message("audience"));
        for a in [Audience::Public, Audience::Staff, Audience::Partners] {
            radios = radios.item(
                ChoiceItem::new(a.key(), audience_label(lang, a))
                    .hint(lang.t(&format!("challenges.audience_hint.{}", a.key()))),
            );
        }
        radios
    }

    fn date(&self, name: &str, legend: &str, values: (&str, &str, &str)) -> DateInput {
        let lang = self.shell.lang;
        let mut input = DateInput::new(name)
            .legend(Legend::text(lang.t(legend)).classes("govuk-fieldset__legend--s"))
            .hint(lang.t("challenges.form.date_hint"))
            .values(values.0, values.1, values.2)
            .error_message(self.errors.message(&format!("{name}-day")));
        input.day = day_part(lang, "day");
        input.month = day_part(lang, "month");
        input.year = day_part(lang, "year");
        input
    }

    fn opens(&self) -> DateInput {
        let f = &self.form;
        self.date(
            "opens",
            "challenges.form.opens",
            (&f.opens_day, &f.opens_month, &f.opens_year),
        )
    }

    fn closes(&self) -> DateInput {
        let f = &self.form;
        self.date(
            "closes",
            "challenges.form.closes",
            (&f.closes_day, &f.closes_month, &f.closes_year),
        )
    }

    /// Yes or no. The pot is a field of its own after it rather than a
    /// conditional reveal, whose `aria-expanded` on a radio axe refuses.
    fn innovation(&self) -> Radios {
        let lang = self.shell.lang;
        Radios::new("innovation")
            .legend(
                Legend::text(lang.t("challenges.form.innovation"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .hint(lang.t("challenges.form.innovation_hint"))
            .value(self.form.innovation.clone())
            .error_message(self.errors.message("innovation"))
            .item(ChoiceItem::new("yes", lang.t("challenges.form.yes")))
            .item(ChoiceItem::new("no", lang.t("challenges.form.no")))
    }

    fn pot(&self) -> Input {
        let lang = self.shell.lang;
        let mut pot = Input::new("pot")
            .label(Label::text(lang.t("challenges.form.pot")).classes("govuk-label--s"))
            .hint(match self.allocated {
                Some(a) if a > 0 => self.shell.tf(
                    "challenges.form.pot_hint_allocated",
                    &[("allocated", &pounds(a))],
                ),
                _ => lang.t("challenges.form.pot_hint").to_owned(),
            })
            .prefix("£")
            .inputmode("decimal")
            .spellcheck(false)
            .classes("govuk-input--width-10")
            .value(self.form.pot.clone())
            .error_message(self.errors.message("pot"));
        pot.autocomplete = Some("off".into());
        pot
    }

    fn criteria(&self) -> Vec<(Input, Input)> {
        (0..MAX_CRITERIA)
            .map(|i| {
                let n = (i + 1).to_string();
                let name_id = format!("criterion-name-{n}");
                let weight_id = format!("criterion-weight-{n}");
                let name = Input::new("criterion_name")
                    .id(name_id.clone())
                    .label(Label::text(
                        self.shell
                            .tf("challenges.form.criterion", &[("number", &n)]),
                    ))
                    .value(self.form.criterion_name.get(i).cloned().unwrap_or_default())
                    .error_message(self.errors.message(&name_id));
                let weight = Input::new("criterion_weight")
                    .id(weight_id.clone())
                    .label(Label::text(
                        self.shell
                            .tf("challenges.form.criterion_weight", &[("number", &n)]),
                    ))
                    .inputmode("numeric")
                    .spellcheck(false)
                    .classes("govuk-input--width-3")
                    .value(
                        self.form
                            .criterion_weight
                            .get(i)
                            .cloned()
                            .unwrap_or_default(),
                    )
                    .error_message(self.errors.message(&weight_id));
                (name, weight)
            })
            .collect()
    }
}

fn day_part(lang: Lang, part: &str) -> beacon_govuk::components::DatePart {
    beacon_govuk::components::DatePart::Custom(Box::new(beacon_govuk::components::DateInputItem {
        label: Some(lang.t(&format!("challenges.form.date_{part}")).to_owned()),
        ..Default::default()
    }))
}

fn form_page(
    visitor: &Visitor,
    uri: &OriginalUri,
    errors: FormErrors,
    form: ChallengeForm,
    editing: Option<&Challenge>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let (heading, submit, action) = match editing {
        Some(c) => (
            "challenges.form.edit_title",
            "challenges.form.save",
            format!("/challenges/{}/edit", c.id),
        ),
        None => (
            "challenges.form.new_title",
            "challenges.form.create",
            "/challenges/new".to_owned(),
        ),
    };
    let mut shell = Shell::new(visitor, &here(uri), lang.t(heading))
        .crumb(lang.t("challenges.list.title"), "/challenges")
        .with_errors(!errors.is_empty());
    if let Some(c) = editing {
        shell = shell.crumb(c.question.clone(), format!("/challenges/{}", c.id));
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page(&FormPage {
        shell,
        errors,
        form,
        action,
        heading: lang.t(heading),
        submit: lang.t(submit),
        allocated: editing.map(|c| c.allocated_pence),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn new(visitor: Visitor, tenant: Tenant, uri: OriginalUri) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    form_page(
        &visitor,
        &uri,
        FormErrors::new(visitor.lang),
        ChallengeForm::default(),
        None,
    )
}

pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Form(form): Form<ChallengeForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    if form.criterion_name.len() > MAX_CRITERIA || form.criterion_weight.len() > MAX_CRITERIA {
        return Err(AppError::BadRequest("too many criteria".into()));
    }
    let now = state.clock.now();
    let input = match form.parse(visitor.lang, Some(now.date())) {
        Ok(input) => input,
        Err(errors) => return form_page(&visitor, &uri, errors, form, None),
    };
    let txn = state.db.begin_writing().await?;
    let id = challenges::create(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        tenant.who.person.id,
        &input,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/challenges/{id}?notice=challenge_created")).into_response())
}

/// The challenge to edit: the organisation's, whatever its audience (the
/// innovation lead sees every audience).
async fn own_challenge(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<Challenge, AppError> {
    let id: Uuid = raw_id.parse().map_err(|_| AppError::NotFound)?;
    challenges::find(state.db.conn(), tenant.org, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    let challenge = own_challenge(&state, &tenant, &id).await?;
    let form = ChallengeForm::from_challenge(&challenge);
    form_page(
        &visitor,
        &uri,
        FormErrors::new(visitor.lang),
        form,
        Some(&challenge),
    )
}

pub async fn update(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<ChallengeForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    let challenge = own_challenge(&state, &tenant, &id).await?;
    if form.criterion_name.len() > MAX_CRITERIA || form.criterion_weight.len() > MAX_CRITERIA {
        return Err(AppError::BadRequest("too many criteria".into()));
    }
    let input = match form.parse(visitor.lang, None) {
        Ok(input) => input,
        Err(errors) => return form_page(&visitor, &uri, errors, form, Some(&challenge)),
    };
    let txn = state.db.begin_writing().await?;
    let result = challenges::update(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        challenge.id,
        &input,
    )
    .await;
    let mut errors = FormErrors::new(visitor.lang);
    match result {
        Ok(()) => {
            txn.commit().await?;
            return Ok(Redirect::to(&format!(
                "/challenges/{}?notice=challenge_updated",
                challenge.id
            ))
            .into_response());
        }
        Err(ChallengeError::PotBelowAllocated(allocated)) => errors.add_text(
            "pot",
            crate::i18n::tf(
                visitor.lang,
                "challenges.error.pot_below_allocated",
                &[("allocated", &pounds(allocated))],
            ),
        ),
        Err(ChallengeError::CriteriaInUse) => {
            errors.add("criterion-name-1", "challenges.error.criteria_in_use");
        }
        Err(ChallengeError::Db(e)) => return Err(e.into()),
    }
    drop(txn);
    let mut response = form_page(&visitor, &uri, errors, form, Some(&challenge))?;
    *response.status_mut() = StatusCode::CONFLICT;
    Ok(response)
}

/// Challenges an idea may answer today: open, and for the visitor's audience.
pub(crate) async fn open_for(
    state: &AppState,
    tenant: &Tenant,
) -> Result<Vec<Challenge>, AppError> {
    let today = state.clock.now().date();
    Ok(
        challenges::list(state.db.conn(), tenant.org, &audiences(tenant))
            .await?
            .into_iter()
            .filter(|c| c.status(today) == Status::Open)
            .collect(),
    )
}

/// The challenge an idea form names, if it may be answered by this visitor
/// today: `Err` with the message key otherwise.
pub(crate) async fn answerable(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<Option<Challenge>, &'static str> {
    if raw_id.trim().is_empty() {
        return Ok(None);
    }
    let Ok(challenge) = visible_challenge(state, tenant, raw_id.trim()).await else {
        return Err("ideas.error.challenge_unknown");
    };
    if challenge.status(state.clock.now().date()) != Status::Open {
        return Err("ideas.error.challenge_closed");
    }
    Ok(Some(challenge))
}

/// Challenge questions by id, for lists that name them.
pub(crate) async fn questions(
    state: &AppState,
    tenant: &Tenant,
) -> Result<BTreeMap<Uuid, String>, AppError> {
    Ok(
        challenges::list(state.db.conn(), tenant.org, &audiences(tenant))
            .await?
            .into_iter()
            .map(|c| (c.id, c.question))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ChallengeForm {
        ChallengeForm {
            question: "How might we cut missed bin collections?".into(),
            description: "Missed bins are our top complaint.".into(),
            audience: "public".into(),
            opens_day: "1".into(),
            opens_month: "12".into(),
            opens_year: "2026".into(),
            closes_day: "31".into(),
            closes_month: "1".into(),
            closes_year: "2027".into(),
            innovation: "yes".into(),
            pot: "£250,000".into(),
            criterion_name: vec!["Savings".into(), "".into(), "Reach".into()],
            criterion_weight: vec!["60".into(), "".into(), "40".into()],
        }
    }

    #[test]
    fn a_good_form_parses() {
        let input = good()
            .parse(Lang::En, None)
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(input.pot_pence, Some(25_000_000));
        assert_eq!(input.criteria.len(), 2);
        assert_eq!(input.criteria[1].name, "Reach");
    }

    #[test]
    fn dates_must_be_real_and_in_order() {
        let mut form = good();
        form.closes_year = "2026".into();
        form.closes_month = "11".into();
        let errors = form.parse(Lang::En, None).err().unwrap_or_default();
        assert!(errors.get("closes-day").is_some());
        let mut form = good();
        form.opens_day = "31".into();
        form.opens_month = "2".into();
        let errors = form.parse(Lang::En, None).err().unwrap_or_default();
        assert!(errors.get("opens-day").is_some());
    }

    #[test]
    fn an_innovation_challenge_needs_a_pot_and_criteria() {
        let mut form = good();
        form.pot = "0".into();
        form.criterion_name.clear();
        form.criterion_weight.clear();
        let errors = form.parse(Lang::En, None).err().unwrap_or_default();
        assert!(errors.get("pot").is_some());
        assert!(errors.get("criterion-name-1").is_some());
        form.innovation = "no".into();
        form.pot = "rubbish".into();
        let input = form
            .parse(Lang::En, None)
            .unwrap_or_else(|_| unreachable!());
        assert_eq!(input.pot_pence, None);
    }

    #[test]
    fn criteria_weights_run_from_one_to_a_hundred() {
        let mut form = good();
        form.criterion_weight[0] = "101".into();
        form.criterion_name[1] = "Risk".into();
        let errors = form.parse(Lang::En, None).err().unwrap_or_default();
        assert!(errors.get("criterion-weight-1").is_some());
        assert!(errors.get("criterion-weight-2").is_some());
    }
}
