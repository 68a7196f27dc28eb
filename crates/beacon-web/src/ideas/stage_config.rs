//! An organisation's stage configuration (`/pipeline/stages`): rename
//! stages, choose who may move ideas into each and what each requires, add
//! a stage of the organisation's own after a working stage, and remove one
//! that no idea is in. The rules of a valid pipeline are the core's
//! (`Pipeline::new`); this page turns their refusals into messages.
//!
//! The page holds three kinds of form, each posting to the same address:
//! the whole configuration (`action=save`), a new stage (`action=add`), and
//! a removal (`remove=KEY`, one small form per custom stage).
use super::{role_label, stage_name};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, tf};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::Role;
use beacon_core::permission::Capability;
use beacon_core::pipeline::stages::{
    MAX_NAME, Pipeline, PipelineError, Requirement, STOPPED, StageDef,
};
use beacon_core::text::{BoundedText, TextError};
use beacon_db::stages::{self, SaveError};
use beacon_govuk::components::{
    Checkboxes, ChoiceItem, Input, Label, Legend, NotificationBanner, Select, SelectItem,
};
use std::collections::BTreeMap;

struct StageView {
    number: usize,
    def: StageDef,
    /// The name as typed, kept when the form is shown again.
    name: String,
    title: String,
    custom: bool,
    ideas: u64,
}

#[derive(Template)]
#[template(path = "ideas/stages.html")]
struct StagesPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    stages: Vec<StageView>,
    working: Vec<(String, String)>,
    new_name: String,
    new_after: String,
}

impl StagesPage {
    fn name_input(&self, s: &StageView) -> Input {
        let field = format!("name_{}", s.def.key);
        Input::new(field.clone())
            .label(Label::text(
                self.shell
                    .tf("stages.name_label", &[("number", &s.number.to_string())]),
            ))
            .value(s.name.clone())
            .classes("govuk-!-width-two-thirds")
            .spellcheck(true)
            .error_message(self.errors.message(&field))
    }

    fn movers(&self, s: &StageView) -> Checkboxes {
        let lang = self.shell.lang;
        let field = format!("movers_{}", s.def.key);
        let mut c = Checkboxes::new(field.clone())
            .legend(
                Legend::text(tf(lang, "stages.movers", &[("stage", &s.title)]))
                    .classes("govuk-fieldset__legend--s"),
            )
            .small()
            .values(s.def.movers.iter().map(|r| r.key()))
            .error_message(self.errors.message(&field));
        for role in Role::ALL {
            c = c.item(ChoiceItem::new(role.key(), role_label(lang, role)));
        }
        c
    }

    fn requirements(&self, s: &StageView) -> Checkboxes {
        let lang = self.shell.lang;
        let field = format!("requirements_{}", s.def.key);
        let mut c = Checkboxes::new(field.clone())
            .legend(
                Legend::text(tf(lang, "stages.requirements", &[("stage", &s.title)]))
                    .classes("govuk-fieldset__legend--s"),
            )
            .small()
            .values(s.def.requirements.iter().map(|r| r.key()))
            .error_message(self.errors.message(&field));
        if s.def.key == STOPPED {
            c = c.hint(lang.t("stages.stopped_hint"));
        }
        for r in Requirement::ALL {
            c = c.item(ChoiceItem::new(
                r.key(),
                lang.t(&format!("stages.requirement.{}", r.key())),
            ));
        }
        c
    }

    fn new_name_input(&self) -> Input {
        Input::new("new_name")
            .label(Label::text(self.shell.t("stages.add.name")).classes("govuk-label--s"))
            .hint(self.shell.t("stages.add.name_hint"))
            .value(self.new_name.clone())
            .classes("govuk-!-width-two-thirds")
            .error_message(self.errors.message("new_name"))
    }

    fn after_select(&self) -> Select {
        let mut s = Select::new("new_after")
            .label(Label::text(self.shell.t("stages.add.after")).classes("govuk-label--s"))
            .value(self.new_after.clone())
            .error_message(self.errors.message("new_after"))
            .item(SelectItem::new("", self.shell.t("stages.add.choose")));
        for (key, name) in &self.working {
            s = s.item(SelectItem::new(key.clone(), name.clone()));
        }
        s
    }

    fn ideas_in(&self, s: &StageView) -> String {
        self.shell
            .tf("stages.ideas_in", &[("count", &s.ideas.to_string())])
    }
}

#[allow(clippy::too_many_arguments)]
async fn stages_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    shown: &[StageDef],
    errors: FormErrors,
    (new_name, new_after): (String, String),
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let stored = stages::load(state.db.conn(), tenant.org).await?;
    let counts = stages::ideas_per_stage(state.db.conn(), tenant.org).await?;
    let views = shown
        .iter()
        .enumerate()
        .map(|(i, def)| StageView {
            number: i + 1,
            name: def.name.clone(),
            title: stage_name(lang, &stored, &def.key),
            custom: def.is_custom(),
            ideas: counts.get(&def.key).copied().unwrap_or(0),
            def: def.clone(),
        })
        .collect();
    let working = stored
        .stages()
        .iter()
        .filter(|s| !s.terminal)
        .map(|s| (s.key.clone(), stage_name(lang, &stored, &s.key)))
        .collect();
    let shell = Shell::new(visitor, &here(uri), lang.t("stages.title"))
        .crumb(lang.t("ideas.list.title"), "/ideas")
        .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page(&StagesPage {
        shell,
        notice: notice(lang, notice_key),
        errors,
        stages: views,
        working,
        new_name,
        new_after,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    let _ = q.lang;
    let pipeline = stages::load(state.db.conn(), tenant.org).await?;
    stages_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        pipeline.stages(),
        FormErrors::new(visitor.lang),
        (String::new(), String::new()),
        q.notice.as_deref(),
    )
    .await
}

/// What the posted form asks for.
enum Action {
    /// Every stage as the form has it: names as typed (trimmed), movers and
    /// requirements as ticked.
    Save(Vec<StageDef>),
    Add {
        name: String,
        after: String,
    },
    Remove(String),
}

/// Read the posted fields against the stored pipeline. A field our page
/// never sends, or a value that is not ours (an unknown role), is a 400:
/// the same rule as `deny_unknown_fields` for forms with fixed fields.
fn read(stored: &Pipeline, pairs: Vec<(String, String)>) -> Result<Action, AppError> {
    let bad = |what: &str| AppError::BadRequest(format!("stages form: {what}"));
    let mut action = None;
    let mut remove = None;
    let mut new_name = String::new();
    let mut new_after = String::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut movers: BTreeMap<String, Vec<Role>> = BTreeMap::new();
    let mut requirements: BTreeMap<String, Vec<Requirement>> = BTreeMap::new();
    let known = |key: &str| stored.stage(key).is_some();
    for (field, value) in pairs {
        if field == "action" {
            action = Some(value);
        } else if field == "remove" {
            remove = Some(value);
        } else if field == "new_name" {
            new_name = value;
        } else if field == "new_after" {
            new_after = value;
        } else if let Some(key) = field.strip_prefix("name_").filter(|k| known(k)) {
            names.insert(key.to_owned(), value);
        } else if let Some(key) = field.strip_prefix("movers_").filter(|k| known(k)) {
            let role = value.parse::<Role>().map_err(|_| bad("role"))?;
            let list = movers.entry(key.to_owned()).or_default();
            if !list.contains(&role) {
                list.push(role);
            }
        } else if let Some(key) = field.strip_prefix("requirements_").filter(|k| known(k)) {
            let r = value
                .parse::<Requirement>()
                .map_err(|_| bad("requirement"))?;
            let list = requirements.entry(key.to_owned()).or_default();
            if !list.contains(&r) {
                list.push(r);
            }
        } else {
            return Err(bad("unknown field"));
        }
    }
    match (action.as_deref(), remove) {
        (None, Some(key)) => Ok(Action::Remove(key)),
        (Some("add"), None) => Ok(Action::Add {
            name: new_name,
            after: new_after,
        }),
        (Some("save"), None) => {
            let stages = stored
                .stages()
                .iter()
                .map(|s| StageDef {
                    key: s.key.clone(),
                    name: names.get(&s.key).map_or("", |n| n.trim()).to_owned(),
                    requirements: {
                        let mut r = requirements.remove(&s.key).unwrap_or_default();
                        r.sort();
                        r
                    },
                    movers: {
                        let mut m = movers.remove(&s.key).unwrap_or_default();
                        m.sort();
                        m
                    },
                    terminal: s.terminal,
                })
                .collect();
            Ok(Action::Save(stages))
        }
        _ => Err(bad("no action")),
    }
}

pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    let lang = visitor.lang;
    let conn = state.db.conn();
    let stored = stages::load(conn, tenant.org).await?;
    let mut errors = FormErrors::new(lang);
    // What the page shows again if something is wrong.
    let mut shown: Vec<StageDef> = stored.stages().to_vec();
    let mut add_values = (String::new(), String::new());
    let (next, notice_key) = match read(&stored, pairs)? {
        Action::Save(stages) => {
            check_stages(lang, &stages, &mut errors);
            let draft = Pipeline::new(stages.clone());
            match draft {
                Ok(p) if errors.is_empty() => (Some(p), "stages_saved"),
                _ => {
                    if errors.is_empty() {
                        errors.add("name_submitted", "stages.error.invalid");
                    }
                    shown = stages;
                    (None, "")
                }
            }
        }
        Action::Add { name, after } => {
            let next = check_new(lang, &stored, &name, &after, &mut errors);
            add_values = (name, after);
            (next, "stage_added")
        }
        Action::Remove(key) => match stored.without_stage(&key) {
            Ok(p) => (Some(p), "stage_removed"),
            // Only our own page's buttons post this; anything else is tampering.
            Err(_) => return Err(AppError::BadRequest("stages form: remove".into())),
        },
    };
    let Some(pipeline) = next else {
        return stages_page(
            &state, &visitor, &tenant, &uri, &shown, errors, add_values, None,
        )
        .await;
    };
    let txn = beacon_db::begin_writing(conn).await?;
    match stages::save(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        &pipeline,
    )
    .await
    {
        Ok(()) => {
            txn.commit().await?;
            Ok(Redirect::to(&format!("/pipeline/stages?notice={notice_key}")).into_response())
        }
        Err(SaveError::StageInUse(key)) => {
            drop(txn);
            let name = stage_name(lang, &stored, &key);
            errors.add_text(
                &format!("name_{key}"),
                tf(lang, "stages.error.in_use", &[("stage", &name)]),
            );
            let mut response = stages_page(
                &state, &visitor, &tenant, &uri, &shown, errors, add_values, None,
            )
            .await?;
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(SaveError::Db(e)) => Err(e.into()),
    }
}

/// Every stage named (differently), with someone who may move ideas into
/// it; stopping always requires lessons.
fn check_stages(lang: Lang, stages: &[StageDef], errors: &mut FormErrors) {
    for (i, s) in stages.iter().enumerate() {
        let number = (i + 1).to_string();
        let args = [("number", number.as_str())];
        let field = format!("name_{}", s.key);
        match BoundedText::<MAX_NAME>::parse(&s.name) {
            Err(TextError::Missing) => {
                errors.add_text(&field, tf(lang, "stages.error.name_missing", &args));
            }
            Err(TextError::TooLong { .. }) => {
                errors.add_text(&field, tf(lang, "stages.error.name_too_long", &args));
            }
            Ok(name) => {
                let lower = name.as_str().to_lowercase();
                if stages[..i].iter().any(|o| o.name.to_lowercase() == lower) {
                    errors.add_text(&field, tf(lang, "stages.error.name_repeated", &args));
                }
            }
        }
        if s.movers.is_empty() {
            errors.add_text(
                &format!("movers_{}", s.key),
                tf(lang, "stages.error.movers", &args),
            );
        }
        if s.key == STOPPED && !s.requirements.contains(&Requirement::LessonsRecorded) {
            errors.add(&format!("requirements_{}", s.key), "stages.error.lessons");
        }
    }
}

/// The pipeline with the new stage, or `None` with the errors recorded.
fn check_new(
    lang: Lang,
    stored: &Pipeline,
    name: &str,
    after: &str,
    errors: &mut FormErrors,
) -> Option<Pipeline> {
    let parsed = match BoundedText::<MAX_NAME>::parse(name) {
        Err(TextError::Missing) => {
            errors.add("new_name", "stages.error.new_name_missing");
            None
        }
        Err(TextError::TooLong { .. }) => {
            errors.add("new_name", "stages.error.new_name_too_long");
            None
        }
        Ok(n) => {
            let lower = n.as_str().to_lowercase();
            let taken = stored.stages().iter().any(|s| {
                s.name.to_lowercase() == lower
                    || stage_name(lang, stored, &s.key).to_lowercase() == lower
            });
            if taken {
                errors.add("new_name", "stages.error.new_name_taken");
                None
            } else {
                Some(n)
            }
        }
    };
    if stored.stage(after).is_none_or(|s| s.terminal) {
        errors.add("new_after", "stages.error.after");
        return None;
    }
    match stored.with_custom_stage(after, parsed?.as_str()) {
        Ok(p) => Some(p),
        Err(PipelineError::TooManyStages) => {
            errors.add("new_name", "stages.error.too_many");
            None
        }
        Err(_) => {
            errors.add("new_after", "stages.error.after");
            None
        }
    }
}
