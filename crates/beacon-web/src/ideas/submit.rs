//! Writing an idea: the form, the check page (with similar ideas and a
//! summary of the answers), submission, and the author's changes while the
//! idea waits to be screened.
use super::challenges::{answerable, text_error};
use super::{area_label, facet_label, kind_label, lever_label};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors};
use crate::i18n::Lang;
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_core::text::BoundedText;
use beacon_db::challenges::Challenge;
use beacon_db::entity::idea;
use beacon_db::ideas::{self, IdeaChanges, NewIdea};
use beacon_govuk::components::{
    CharacterCount, ChoiceItem, ErrorMessage, Input, Label, Legend, Radios, Select, SelectItem,
};
use serde::Deserialize;
use uuid::Uuid;

pub const MAX_TITLE: usize = 150;
pub const MAX_LONG: usize = 2000;
pub const MAX_MEASURE: usize = 300;
pub const MAX_BENEFIT: usize = 1000;
pub const MAX_PSEUDONYM: usize = 60;

/// A character count in the visitor's language.
pub(crate) fn counted(
    lang: Lang,
    name: &str,
    max: usize,
    label: &str,
    hint: &str,
    value: &str,
    error: Option<ErrorMessage>,
) -> CharacterCount {
    let mut count = CharacterCount::new(name, u32::try_from(max).unwrap_or(u32::MAX))
        .label(Label::text(label).classes("govuk-label--s"))
        .value(value)
        .rows(5)
        .error_message(error);
    if !hint.is_empty() {
        count = count.hint(hint);
    }
    count.textarea_description_text = Some(lang.t("ideas.count.description").to_owned());
    let plural = |key: &str| {
        ["zero", "one", "two", "few", "many", "other"]
            .into_iter()
            .map(|rule| {
                let specific = format!("ideas.count.{key}_{rule}");
                let text = crate::i18n::lookup(lang, &specific)
                    .unwrap_or_else(|| lang.t(&format!("ideas.count.{key}_other")));
                (rule.to_owned(), text.to_owned())
            })
            .collect()
    };
    count.characters_under_limit_text = Some(plural("under"));
    count.characters_over_limit_text = Some(plural("over"));
    count.characters_at_limit_text = Some(lang.t("ideas.count.at").to_owned());
    count
}

/// The idea form as posted. Every field is text; `parse` turns it into the
/// domain's types.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct IdeaForm {
    #[serde(default)]
    pub challenge: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub problem: String,
    #[serde(default)]
    pub proposal: String,
    #[serde(default)]
    pub service_area: String,
    #[serde(default)]
    pub measure_today: String,
    #[serde(default)]
    pub measure_aspiration: String,
    #[serde(default)]
    pub expected_benefit: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub facet: String,
    #[serde(default)]
    pub lever: String,
    #[serde(default)]
    pub pseudonym: String,
    /// On the check page: the answer to change (the form is shown again).
    #[serde(default)]
    pub change: String,
}

/// An idea form that has passed every check.
#[derive(Clone, Debug)]
pub struct ParsedIdea {
    pub changes: IdeaChanges,
}

fn text<const MAX: usize>(errors: &mut FormErrors, field: &str, raw: &str) -> Option<String> {
    match BoundedText::<MAX>::parse(raw) {
        Ok(t) => Some(t.into_string()),
        Err(e) => {
            errors.add(field, &text_error(&format!("ideas.error.{field}"), &e));
            None
        }
    }
}

impl IdeaForm {
    pub fn from_idea(idea: &idea::Model) -> Self {
        IdeaForm {
            challenge: idea.challenge_id.map(|c| c.to_string()).unwrap_or_default(),
            title: idea.title.clone(),
            problem: idea.problem.clone(),
            proposal: idea.proposal.clone(),
            service_area: idea.service_area.clone(),
            measure_today: idea.measure_today.clone(),
            measure_aspiration: idea.measure_aspiration.clone(),
            expected_benefit: idea.expected_benefit.clone(),
            kind: idea.kind.clone(),
            facet: idea.facet.clone(),
            lever: idea.lever.clone(),
            pseudonym: idea.pseudonym.clone().unwrap_or_default(),
            change: String::new(),
        }
    }

    /// Every answer checked, in the order of the page.
    pub fn parse(&self, lang: Lang) -> Result<ParsedIdea, FormErrors> {
        let mut e = FormErrors::new(lang);
        let title = text::<MAX_TITLE>(&mut e, "title", &self.title);
        let problem = text::<MAX_LONG>(&mut e, "problem", &self.problem);
        let proposal = text::<MAX_LONG>(&mut e, "proposal", &self.proposal);
        let area = self.service_area.parse::<ServiceArea>().ok();
        if area.is_none() {
            e.add("service_area", "ideas.error.service_area");
        }
        let today = text::<MAX_MEASURE>(&mut e, "measure_today", &self.measure_today);
        let aspiration =
            text::<MAX_MEASURE>(&mut e, "measure_aspiration", &self.measure_aspiration);
        let benefit = text::<MAX_BENEFIT>(&mut e, "expected_benefit", &self.expected_benefit);
        let kind = self.kind.parse::<IdeaKind>().ok();
        if kind.is_none() {
            e.add("kind", "ideas.error.kind");
        }
        let facet = self.facet.parse::<Facet>().ok();
        if facet.is_none() {
            e.add("facet", "ideas.error.facet");
        }
        let lever = self.lever.parse::<Lever>().ok();
        if lever.is_none() {
            e.add("lever", "ideas.error.lever");
        }
        let pseudonym = if self.pseudonym.trim().is_empty() {
            Some(None)
        } else {
            text::<MAX_PSEUDONYM>(&mut e, "pseudonym", &self.pseudonym).map(Some)
        };
        match (
            title, problem, proposal, area, today, aspiration, benefit, kind, facet, lever,
            pseudonym,
        ) {
            (
                Some(title),
                Some(problem),
                Some(proposal),
                Some(area),
                Some(measure_today),
                Some(measure_aspiration),
                Some(expected_benefit),
                Some(kind),
                Some(facet),
                Some(lever),
                Some(pseudonym),
            ) if e.is_empty() => Ok(ParsedIdea {
                changes: IdeaChanges {
                    pseudonym,
                    title,
                    problem,
                    proposal,
                    service_area: area.key().to_owned(),
                    measure_today,
                    measure_aspiration,
                    expected_benefit,
                    kind,
                    facet,
                    lever,
                },
            }),
            _ => Err(e),
        }
    }
}

// The form --------------------------------------------------------------------

#[derive(Template)]
#[template(path = "ideas/idea_form.html")]
struct FormPage {
    shell: Shell,
    errors: FormErrors,
    form: IdeaForm,
    challenge: Option<Challenge>,
    /// Open challenges the idea may answer, when none is chosen yet.
    open_challenges: Vec<Challenge>,
    action: String,
    heading: &'static str,
    submit: &'static str,
    editing: Option<Uuid>,
}

impl FormPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }

    fn title_input(&self) -> Input {
        Input::new("title")
            .label(Label::text(self.shell.t("ideas.form.title")).classes("govuk-label--s"))
            .hint(self.shell.t("ideas.form.title_hint"))
            .value(self.form.title.clone())
            .error_message(self.errors.message("title"))
    }

    fn long(&self, name: &str, max: usize, value: &str) -> CharacterCount {
        counted(
            self.lang(),
            name,
            max,
            self.shell.t(&format!("ideas.form.{name}")),
            self.shell.t(&format!("ideas.form.{name}_hint")),
            value,
            self.errors.message(name),
        )
    }

    fn problem(&self) -> CharacterCount {
        self.long("problem", MAX_LONG, &self.form.problem)
    }

    fn proposal(&self) -> CharacterCount {
        self.long("proposal", MAX_LONG, &self.form.proposal)
    }

    fn benefit(&self) -> CharacterCount {
        self.long("expected_benefit", MAX_BENEFIT, &self.form.expected_benefit)
    }

    fn measure(&self, name: &str, value: &str) -> CharacterCount {
        let mut c = self.long(name, MAX_MEASURE, value).rows(2);
        c.label = Label::text(self.shell.t(&format!("ideas.form.{name}")));
        c
    }

    fn measure_today(&self) -> CharacterCount {
        self.measure("measure_today", &self.form.measure_today)
    }

    fn measure_aspiration(&self) -> CharacterCount {
        self.measure("measure_aspiration", &self.form.measure_aspiration)
    }

    fn area(&self) -> Select {
        let lang = self.lang();
        let mut select = Select::new("service_area")
            .label(Label::text(lang.t("ideas.form.service_area")).classes("govuk-label--s"))
            .value(self.form.service_area.clone())
            .error_message(self.errors.message("service_area"))
            .item(SelectItem::new("", lang.t("ideas.form.choose_area")));
        for a in ServiceArea::ALL {
            select = select.item(SelectItem::new(a.key(), area_label(lang, a.key())));
        }
        select
    }

    fn choices(&self, name: &str, value: &str, items: &[(&str, &str)]) -> Radios {
        let lang = self.lang();
        let mut radios = Radios::new(name)
            .legend(
                Legend::text(lang.t(&format!("ideas.form.{name}")))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(value)
            .error_message(self.errors.message(name));
        if let Some(hint) = crate::i18n::lookup(lang, &format!("ideas.form.{name}_hint")) {
            radios = radios.hint(hint);
        }
        for (key, label) in items {
            radios = radios.item(
                ChoiceItem::new(*key, *label).hint(lang.t(&format!("ideas.{name}_hint.{key}"))),
            );
        }
        radios
    }

    fn kind(&self) -> Radios {
        let lang = self.lang();
        let items: Vec<(&str, &str)> = IdeaKind::ALL
            .iter()
            .map(|k| (k.key(), kind_label(lang, k.key())))
            .collect();
        self.choices("kind", &self.form.kind, &items)
    }

    fn facet(&self) -> Radios {
        let lang = self.lang();
        let items: Vec<(&str, &str)> = Facet::ALL
            .iter()
            .map(|k| (k.key(), facet_label(lang, k.key())))
            .collect();
        self.choices("facet", &self.form.facet, &items)
    }

    fn lever(&self) -> Radios {
        let lang = self.lang();
        let items: Vec<(&str, &str)> = Lever::ALL
            .iter()
            .map(|k| (k.key(), lever_label(lang, k.key())))
            .collect();
        self.choices("lever", &self.form.lever, &items)
    }

    fn pseudonym(&self) -> Input {
        Input::new("pseudonym")
            .label(Label::text(self.shell.t("ideas.form.pseudonym")).classes("govuk-label--s"))
            .hint(self.shell.t("ideas.form.pseudonym_hint"))
            .value(self.form.pseudonym.clone())
            .autocomplete("off")
            .classes("govuk-!-width-one-half")
            .error_message(self.errors.message("pseudonym"))
    }

    fn challenge_select(&self) -> Select {
        let lang = self.lang();
        let mut select = Select::new("challenge")
            .label(Label::text(lang.t("ideas.form.challenge")).classes("govuk-label--s"))
            .hint(lang.t("ideas.form.challenge_hint"))
            .value(self.form.challenge.clone())
            .error_message(self.errors.message("challenge"))
            .item(SelectItem::new("", lang.t("ideas.form.no_challenge")));
        for c in &self.open_challenges {
            select = select.item(SelectItem::new(c.id.to_string(), c.question.clone()));
        }
        select
    }
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    errors: FormErrors,
    form: IdeaForm,
    challenge: Option<Challenge>,
    editing: Option<&idea::Model>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let (heading, submit, action) = match editing {
        Some(i) => (
            "ideas.form.edit_title",
            "ideas.form.save",
            format!("/ideas/{}/edit", i.id),
        ),
        None => (
            "ideas.form.new_title",
            "ideas.form.continue",
            "/ideas/check".to_owned(),
        ),
    };
    let open_challenges = if editing.is_none() && challenge.is_none() {
        super::challenges::open_for(state, tenant).await?
    } else {
        Vec::new()
    };
    let mut shell = Shell::new(visitor, &here(uri), lang.t(heading))
        .crumb(lang.t("ideas.list.title"), "/ideas")
        .with_errors(!errors.is_empty());
    if let Some(i) = editing {
        shell = shell.crumb(i.title.clone(), format!("/ideas/{}", i.id));
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
        challenge,
        open_challenges,
        action,
        heading: lang.t(heading),
        submit: lang.t(submit),
        editing: editing.map(|i| i.id),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NewQuery {
    challenge: Option<String>,
    lang: Option<String>,
}

pub async fn new(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let raw = q.challenge.unwrap_or_default();
    // A link to a challenge that is closed or not for this visitor is "not
    // found", as the challenge's own page would be.
    let challenge = answerable(&state, &tenant, &raw)
        .await
        .map_err(|_| AppError::NotFound)?;
    let form = IdeaForm {
        challenge: challenge
            .as_ref()
            .map(|c| c.id.to_string())
            .unwrap_or_default(),
        ..IdeaForm::default()
    };
    form_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        FormErrors::new(visitor.lang),
        form,
        challenge,
        None,
    )
    .await
}

/// Everything checked, or the form again with its errors.
async fn checked(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    form: &IdeaForm,
) -> Result<(ParsedIdea, Option<Challenge>), (FormErrors, Option<Challenge>)> {
    let challenge = answerable(state, tenant, &form.challenge).await;
    let parsed = form.parse(visitor.lang);
    match (parsed, challenge) {
        (Ok(p), Ok(c)) => Ok((p, c)),
        (Ok(_), Err(key)) => {
            let mut errors = FormErrors::new(visitor.lang);
            errors.add("challenge", key);
            Err((errors, None))
        }
        (Err(mut errors), Err(key)) => {
            let mut first = FormErrors::new(visitor.lang);
            first.add("challenge", key);
            // The challenge comes first on the page, so first in the summary.
            for field in [
                "title",
                "problem",
                "proposal",
                "service_area",
                "measure_today",
                "measure_aspiration",
                "expected_benefit",
                "kind",
                "facet",
                "lever",
                "pseudonym",
            ] {
                if let Some(m) = errors.get(field) {
                    first.add_text(field, m.to_owned());
                }
            }
            errors = first;
            Err((errors, None))
        }
        (Err(errors), Ok(c)) => Err((errors, c)),
    }
}

#[derive(Template)]
#[template(path = "ideas/idea_check.html")]
struct CheckPage {
    shell: Shell,
    form: IdeaForm,
    challenge: Option<Challenge>,
    similar: Vec<super::list::SimilarIdea>,
}

impl CheckPage {
    fn rows(&self) -> Vec<(&'static str, &'static str, String)> {
        let lang = self.shell.lang;
        let f = &self.form;
        let pseudonym = if f.pseudonym.trim().is_empty() {
            lang.t("ideas.check.no_pseudonym").to_owned()
        } else {
            f.pseudonym.trim().to_owned()
        };
        vec![
            (
                "title",
                lang.t("ideas.form.title"),
                f.title.trim().to_owned(),
            ),
            (
                "problem",
                lang.t("ideas.form.problem"),
                f.problem.trim().to_owned(),
            ),
            (
                "proposal",
                lang.t("ideas.form.proposal"),
                f.proposal.trim().to_owned(),
            ),
            (
                "service_area",
                lang.t("ideas.form.service_area"),
                area_label(lang, &f.service_area).to_owned(),
            ),
            (
                "measure_today",
                lang.t("ideas.form.measure_today"),
                f.measure_today.trim().to_owned(),
            ),
            (
                "measure_aspiration",
                lang.t("ideas.form.measure_aspiration"),
                f.measure_aspiration.trim().to_owned(),
            ),
            (
                "expected_benefit",
                lang.t("ideas.form.expected_benefit"),
                f.expected_benefit.trim().to_owned(),
            ),
            (
                "kind",
                lang.t("ideas.form.kind"),
                kind_label(lang, &f.kind).to_owned(),
            ),
            (
                "facet",
                lang.t("ideas.form.facet"),
                facet_label(lang, &f.facet).to_owned(),
            ),
            (
                "lever",
                lang.t("ideas.form.lever"),
                lever_label(lang, &f.lever).to_owned(),
            ),
            ("pseudonym", lang.t("ideas.form.pseudonym"), pseudonym),
        ]
    }

    /// The answers, carried to the final submission as hidden fields.
    fn hidden(&self) -> Vec<(&'static str, &str)> {
        let f = &self.form;
        vec![
            ("challenge", f.challenge.as_str()),
            ("title", f.title.as_str()),
            ("problem", f.problem.as_str()),
            ("proposal", f.proposal.as_str()),
            ("service_area", f.service_area.as_str()),
            ("measure_today", f.measure_today.as_str()),
            ("measure_aspiration", f.measure_aspiration.as_str()),
            ("expected_benefit", f.expected_benefit.as_str()),
            ("kind", f.kind.as_str()),
            ("facet", f.facet.as_str()),
            ("lever", f.lever.as_str()),
            ("pseudonym", f.pseudonym.as_str()),
        ]
    }
}

/// The page between the form and submission: similar ideas, and the answers
/// to check. Or the form again: with errors, or to change an answer.
pub async fn check(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Form(form): Form<IdeaForm>,
) -> Result<Response, AppError> {
    if !form.change.is_empty() {
        let challenge = answerable(&state, &tenant, &form.challenge)
            .await
            .ok()
            .flatten();
        let errors = FormErrors::new(visitor.lang);
        let mut form = form;
        form.change.clear();
        return form_page(
            &state, &visitor, &tenant, &uri, errors, form, challenge, None,
        )
        .await;
    }
    let (parsed, challenge) = match checked(&state, &visitor, &tenant, &form).await {
        Ok(ok) => ok,
        Err((errors, challenge)) => {
            return form_page(
                &state, &visitor, &tenant, &uri, errors, form, challenge, None,
            )
            .await;
        }
    };
    let similar = super::list::similar_to(
        &state,
        &tenant,
        visitor.lang,
        &parsed.changes.title,
        &parsed.changes.problem,
        None,
    )
    .await?;
    let lang = visitor.lang;
    let shell = Shell::new(&visitor, &here(&uri), lang.t("ideas.check.title"))
        .crumb(lang.t("ideas.list.title"), "/ideas");
    page(&CheckPage {
        shell,
        form,
        challenge,
        similar,
    })
}

pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Form(form): Form<IdeaForm>,
) -> Result<Response, AppError> {
    let (parsed, challenge) = match checked(&state, &visitor, &tenant, &form).await {
        Ok(ok) => ok,
        Err((errors, challenge)) => {
            return form_page(
                &state, &visitor, &tenant, &uri, errors, form, challenge, None,
            )
            .await;
        }
    };
    let c = parsed.changes;
    let new = NewIdea {
        challenge: challenge.map(|c| c.id),
        author: tenant.who.person.id,
        pseudonym: c.pseudonym,
        title: c.title,
        problem: c.problem,
        proposal: c.proposal,
        service_area: c.service_area,
        measure_today: c.measure_today,
        measure_aspiration: c.measure_aspiration,
        expected_benefit: c.expected_benefit,
        kind: c.kind,
        facet: c.facet,
        lever: c.lever,
    };
    let txn = state.db.begin_writing().await?;
    let id = ideas::create(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        new,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/ideas/{id}?notice=idea_submitted")).into_response())
}

/// The idea, if the visitor wrote it and it still waits to be screened.
async fn editable(
    state: &AppState,
    tenant: &Tenant,
    raw_id: &str,
) -> Result<idea::Model, AppError> {
    let idea = super::visible_idea(state, tenant, raw_id).await?;
    if idea.author_id != tenant.who.person.id.uuid() || idea.stage != ideas::FIRST_STAGE {
        return Err(AppError::Forbidden);
    }
    Ok(idea)
}

pub async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let idea = editable(&state, &tenant, &id).await?;
    form_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        FormErrors::new(visitor.lang),
        IdeaForm::from_idea(&idea),
        None,
        Some(&idea),
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<IdeaForm>,
) -> Result<Response, AppError> {
    let idea = editable(&state, &tenant, &id).await?;
    let parsed = match form.parse(visitor.lang) {
        Ok(p) => p,
        Err(errors) => {
            return form_page(
                &state,
                &visitor,
                &tenant,
                &uri,
                errors,
                form,
                None,
                Some(&idea),
            )
            .await;
        }
    };
    let txn = state.db.begin_writing().await?;
    match ideas::update_submitted(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        idea.id,
        tenant.who.person.id,
        &parsed.changes,
    )
    .await
    {
        Ok(()) => {}
        // Screened between loading the form and saving it.
        Err(beacon_db::DbError::Conflict(_)) => return Err(AppError::Forbidden),
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!("/ideas/{}?notice=idea_updated", idea.id)).into_response())
}
