//! An idea's risk register, scored on the organisation's matrix, and the
//! risk of not innovating beside it.
use super::{Ctx, Scope, editable, form_id, rating_class, rating_tag, scope};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, notice};
use crate::i18n::Lang;
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::pipeline::risk::{
    MAX_RISKS, Response as RiskResponse, RiskDraft, RiskMatrix, RiskProblem, parse_not_innovating,
    parse_risk,
};
use beacon_db::DbError;
use beacon_db::appraisal::{self as db, CaseView, StoredRisk};
use beacon_govuk::components::{
    ChoiceItem, Input, Label, Legend, NotificationBanner, Radios, Tag, Textarea,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RisksQuery {
    notice: Option<String>,
    lang: Option<String>,
    edit: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct RiskForm {
    /// Only when changing a risk: which one.
    #[serde(default)]
    risk: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    likelihood: String,
    #[serde(default)]
    impact: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    response: String,
    #[serde(default)]
    mitigation: String,
}

impl RiskForm {
    fn from_stored(r: &StoredRisk) -> Self {
        RiskForm {
            risk: r.id.to_string(),
            description: r.description.clone(),
            likelihood: r.likelihood.to_string(),
            impact: r.impact.to_string(),
            owner: r.owner.clone(),
            response: r.response.key().to_owned(),
            mitigation: r.mitigation.clone(),
        }
    }

    fn draft(&self) -> RiskDraft<'_> {
        RiskDraft {
            description: &self.description,
            likelihood: &self.likelihood,
            impact: &self.impact,
            owner: &self.owner,
            response: &self.response,
            mitigation: &self.mitigation,
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct NotInnovatingForm {
    #[serde(default)]
    statement: String,
    #[serde(default, rename = "statement-likelihood")]
    likelihood: String,
    #[serde(default, rename = "statement-impact")]
    impact: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RemoveRiskForm {
    #[serde(default)]
    risk: String,
}

struct RiskRow {
    id: Uuid,
    number: usize,
    description: String,
    likelihood: u8,
    impact: u8,
    score_text: String,
    rating: Tag,
    owner: String,
    response: &'static str,
    mitigation: String,
}

pub(super) struct HeatCell {
    pub score: u8,
    pub rating: &'static str,
    pub class: &'static str,
    pub risks: String,
}

pub(super) struct HeatRow {
    pub label: String,
    pub cells: Vec<HeatCell>,
}

pub(super) struct HeatMap {
    pub impacts: Vec<String>,
    pub rows: Vec<HeatRow>,
}

/// The matrix as a table: likelihood down (highest first), impact across,
/// each cell its score and rating, and the risks that sit in it.
pub(super) fn heat_map(lang: Lang, matrix: &RiskMatrix, risks: &[(usize, u8, u8)]) -> HeatMap {
    let label = |key: &str, level: u8| crate::i18n::tf(lang, key, &[("level", &level.to_string())]);
    let impacts = (1..=matrix.size())
        .map(|i| label("appraisal.heat.impact", i))
        .collect();
    let rows = (1..=matrix.size())
        .rev()
        .map(|likelihood| HeatRow {
            label: label("appraisal.heat.likelihood", likelihood),
            cells: (1..=matrix.size())
                .map(|impact| {
                    let a = matrix.assess(likelihood, impact);
                    HeatCell {
                        score: a.score,
                        rating: lang.t(&format!("appraisal.rating.{}", a.rating.key())),
                        class: rating_class(a.rating),
                        risks: risks
                            .iter()
                            .filter(|(_, l, i)| *l == likelihood && *i == impact)
                            .map(|(n, _, _)| format!("R{n}"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    }
                })
                .collect(),
        })
        .collect();
    HeatMap { impacts, rows }
}

/// "Likelihood 4 × impact 3 = 12".
fn score_detail(lang: Lang, likelihood: u8, impact: u8, score: u8) -> String {
    crate::i18n::tf(
        lang,
        "appraisal.risk.score_detail",
        &[
            ("likelihood", &likelihood.to_string()),
            ("impact", &impact.to_string()),
            ("score", &score.to_string()),
        ],
    )
}

#[derive(Template)]
#[template(path = "appraisal/risks.html")]
struct RisksPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    base: String,
    idea_title: String,
    may_edit: bool,
    size: u8,
    rows: Vec<RiskRow>,
    heat: HeatMap,
    intro: String,
    not_innovating: Option<(String, String, Tag)>,
    statement: NotInnovatingForm,
    risk: RiskForm,
    editing: Option<usize>,
    errors: FormErrors,
    can_add: bool,
}

impl RisksPage {
    fn level_radios(&self, name: &str, legend: &str, hint: &str, value: &str) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new(name)
            .legend(Legend::text(lang.t(legend)).classes("govuk-fieldset__legend--s"))
            .hint(self.shell.tf(hint, &[("size", &self.size.to_string())]))
            .value(value)
            .error_message(self.errors.message(name))
            .inline();
        for level in 1..=self.size {
            radios = radios.item(ChoiceItem::new(level.to_string(), level.to_string()));
        }
        radios
    }

    fn statement(&self) -> Textarea {
        let lang = self.shell.lang;
        Textarea::new("statement")
            .label(
                Label::text(lang.t("appraisal.not_innovating.statement")).classes("govuk-label--s"),
            )
            .hint(lang.t("appraisal.not_innovating.statement_hint"))
            .value(self.statement.statement.clone())
            .rows(4)
            .error_message(self.errors.message("statement"))
    }

    fn statement_likelihood(&self) -> Radios {
        self.level_radios(
            "statement-likelihood",
            "appraisal.risk.likelihood",
            "appraisal.risk.likelihood_hint",
            &self.statement.likelihood,
        )
    }

    fn statement_impact(&self) -> Radios {
        self.level_radios(
            "statement-impact",
            "appraisal.risk.impact",
            "appraisal.risk.impact_hint",
            &self.statement.impact,
        )
    }

    fn description(&self) -> Textarea {
        let lang = self.shell.lang;
        Textarea::new("description")
            .label(Label::text(lang.t("appraisal.risk.description")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.risk.description_hint"))
            .value(self.risk.description.clone())
            .rows(3)
            .error_message(self.errors.message("description"))
    }

    fn likelihood(&self) -> Radios {
        self.level_radios(
            "likelihood",
            "appraisal.risk.likelihood",
            "appraisal.risk.likelihood_hint",
            &self.risk.likelihood,
        )
    }

    fn impact(&self) -> Radios {
        self.level_radios(
            "impact",
            "appraisal.risk.impact",
            "appraisal.risk.impact_hint",
            &self.risk.impact,
        )
    }

    fn owner(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("owner")
            .label(Label::text(lang.t("appraisal.risk.owner")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.risk.owner_hint"))
            .value(self.risk.owner.clone())
            .error_message(self.errors.message("owner"))
    }

    fn response(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("response")
            .legend(
                Legend::text(lang.t("appraisal.risk.response"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(self.risk.response.clone())
            .error_message(self.errors.message("response"));
        for r in RiskResponse::ALL {
            radios = radios.item(
                ChoiceItem::new(r.key(), lang.t(&format!("appraisal.response.{}", r.key())))
                    .hint(lang.t(&format!("appraisal.response_hint.{}", r.key()))),
            );
        }
        radios
    }

    fn mitigation(&self) -> Textarea {
        let lang = self.shell.lang;
        Textarea::new("mitigation")
            .label(Label::text(lang.t("appraisal.risk.mitigation")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.risk.mitigation_hint"))
            .value(self.risk.mitigation.clone())
            .rows(3)
            .error_message(self.errors.message("mitigation"))
    }

    fn form_title(&self) -> String {
        match self.editing {
            Some(n) => self
                .shell
                .tf("appraisal.risk.edit_title", &[("number", &n.to_string())]),
            None => self.shell.t("appraisal.risk.add_title").to_owned(),
        }
    }
}

/// What the page shows besides the two forms.
struct Drafts {
    statement: Option<NotInnovatingForm>,
    risk: Option<RiskForm>,
    /// The risk being changed, if any.
    editing: Option<Uuid>,
}

async fn risks_page(
    ctx: &Ctx<'_>,
    scope: &Scope,
    drafts: Drafts,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let Ctx {
        state,
        visitor,
        tenant,
        uri,
    } = *ctx;
    let lang = visitor.lang;
    let view: CaseView = db::load(state.db.conn(), tenant.org, scope.idea.id).await?;
    let matrix = view.matrix;
    let rows: Vec<RiskRow> = view
        .risks
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let a = matrix.assess(r.likelihood, r.impact);
            RiskRow {
                id: r.id,
                number: i + 1,
                description: r.description.clone(),
                likelihood: r.likelihood,
                impact: r.impact,
                score_text: crate::i18n::tf(
                    lang,
                    "appraisal.risk.score_short",
                    &[
                        ("likelihood", &r.likelihood.to_string()),
                        ("impact", &r.impact.to_string()),
                        ("score", &a.score.to_string()),
                    ],
                ),
                rating: rating_tag(lang, a.rating),
                owner: r.owner.clone(),
                response: lang.t(&format!("appraisal.response.{}", r.response.key())),
                mitigation: r.mitigation.clone(),
            }
        })
        .collect();
    let placed: Vec<(usize, u8, u8)> = rows
        .iter()
        .map(|r| (r.number, r.likelihood, r.impact))
        .collect();
    let stored = view.case.as_ref().and_then(|c| c.not_innovating.clone());
    let not_innovating = stored.as_ref().map(|n| {
        let a = matrix.assess(n.likelihood, n.impact);
        (
            n.statement.clone(),
            score_detail(lang, n.likelihood, n.impact, a.score),
            rating_tag(lang, a.rating),
        )
    });
    let statement = drafts.statement.unwrap_or_else(|| match &stored {
        Some(n) => NotInnovatingForm {
            statement: n.statement.clone(),
            likelihood: n.likelihood.to_string(),
            impact: n.impact.to_string(),
        },
        None => NotInnovatingForm::default(),
    });
    let editing = drafts
        .editing
        .and_then(|id| rows.iter().find(|r| r.id == id).map(|r| r.number));
    let risk = drafts.risk.unwrap_or_default();
    let title = crate::i18n::tf(
        lang,
        "appraisal.risks.title_for",
        &[("idea", &scope.idea.title)],
    );
    let shell = Shell::new(visitor, &here(uri), title)
        .crumb(lang.t("appraisal.crumb.ideas"), "/ideas")
        .crumb(scope.idea.title.clone(), scope.base())
        .crumb(
            lang.t("appraisal.title"),
            format!("{}/business-case", scope.base()),
        )
        .with_errors(!errors.is_empty());
    page(&RisksPage {
        shell,
        notice: notice(lang, notice_key),
        base: scope.base(),
        idea_title: scope.idea.title.clone(),
        may_edit: scope.may_edit,
        size: matrix.size(),
        heat: heat_map(lang, &matrix, &placed),
        intro: crate::i18n::tf(
            lang,
            "appraisal.risks.intro",
            &[("size", &matrix.size().to_string())],
        ),
        can_add: rows.len() < MAX_RISKS,
        rows,
        not_innovating,
        statement,
        risk,
        editing,
        errors,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<RisksQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let scope = scope(&state, &tenant, &id).await?;
    let mut drafts = Drafts {
        statement: None,
        risk: None,
        editing: None,
    };
    if let Some(raw) = q.edit.as_deref() {
        scope.require_edit()?;
        let risk_id = form_id(raw)?;
        let risk = db::risk(state.db.conn(), tenant.org, scope.idea.id, risk_id)
            .await?
            .ok_or(AppError::NotFound)?;
        drafts.risk = Some(RiskForm::from_stored(&risk));
        drafts.editing = Some(risk_id);
    }
    risks_page(
        &Ctx {
            state: &state,
            visitor: &visitor,
            tenant: &tenant,
            uri: &uri,
        },
        &scope,
        drafts,
        FormErrors::new(visitor.lang),
        q.notice.as_deref(),
    )
    .await
}

fn add_problems(errors: &mut FormErrors, prefix: &str, ids: &[&str; 6], problems: &[RiskProblem]) {
    for p in problems {
        let field = p.field as usize;
        let id = ids.get(field).copied().unwrap_or("description");
        errors.add(id, &format!("{prefix}.{}.{}", p.field.key(), p.problem));
    }
}

const RISK_IDS: [&str; 6] = [
    "description",
    "likelihood",
    "impact",
    "owner",
    "response",
    "mitigation",
];

async fn save_risk(
    state: AppState,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    raw_id: String,
    form: RiskForm,
    changing: bool,
) -> Result<Response, AppError> {
    let scope = editable(&state, &tenant, &raw_id).await?;
    let editing = if changing {
        let id = form_id(&form.risk)?;
        db::risk(state.db.conn(), tenant.org, scope.idea.id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        Some(id)
    } else {
        if !form.risk.is_empty() {
            return Err(AppError::BadRequest("a new risk has no id".into()));
        }
        None
    };
    let matrix = db::matrix(state.db.conn(), tenant.org).await?;
    let parsed = parse_risk(&matrix, &form.draft());
    let rerender = |errors: FormErrors, form: RiskForm| {
        let (state, visitor, tenant, uri) = (&state, &visitor, &tenant, &uri);
        let scope = &scope;
        async move {
            let mut response = risks_page(
                &Ctx {
                    state,
                    visitor,
                    tenant,
                    uri,
                },
                scope,
                Drafts {
                    statement: None,
                    risk: Some(form),
                    editing,
                },
                errors,
                None,
            )
            .await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok::<_, AppError>(response)
        }
    };
    let risk = match parsed {
        Ok(risk) => risk,
        Err(problems) => {
            let mut errors = FormErrors::new(visitor.lang);
            add_problems(&mut errors, "appraisal.risk.error", &RISK_IDS, &problems);
            return rerender(errors, form).await;
        }
    };
    let now = state.clock.now();
    let actor = tenant.who.actor();
    let txn = state.db.begin_writing().await?;
    let key = match editing {
        Some(id) => {
            db::update_risk(&txn, now, &actor, tenant.org, scope.idea.id, id, &risk).await?;
            "risk_updated"
        }
        None => match db::add_risk(&txn, now, &actor, tenant.org, scope.idea.id, &risk).await {
            Ok(_) => "risk_added",
            Err(DbError::Conflict(_)) => {
                drop(txn);
                let mut errors = FormErrors::new(visitor.lang);
                errors.add("description", "appraisal.risk.error.too_many");
                return rerender(errors, form).await;
            }
            Err(e) => return Err(e.into()),
        },
    };
    txn.commit().await?;
    Ok(Redirect::to(&format!("{}/risks?notice={key}", scope.base())).into_response())
}

pub(super) async fn add(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<RiskForm>,
) -> Result<Response, AppError> {
    save_risk(state, visitor, tenant, uri, id, form, false).await
}

pub(super) async fn edit(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<RiskForm>,
) -> Result<Response, AppError> {
    save_risk(state, visitor, tenant, uri, id, form, true).await
}

pub(super) async fn remove(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<RemoveRiskForm>,
) -> Result<Response, AppError> {
    let scope = editable(&state, &tenant, &id).await?;
    let risk = form_id(&form.risk)?;
    let txn = state.db.begin_writing().await?;
    db::remove_risk(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        scope.idea.id,
        risk,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("{}/risks?notice=risk_removed", scope.base())).into_response())
}

const STATEMENT_IDS: [&str; 6] = [
    "statement",
    "statement-likelihood",
    "statement-impact",
    "statement",
    "statement",
    "statement",
];

pub(super) async fn not_innovating(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<NotInnovatingForm>,
) -> Result<Response, AppError> {
    let scope = editable(&state, &tenant, &id).await?;
    let matrix = db::matrix(state.db.conn(), tenant.org).await?;
    let statement =
        match parse_not_innovating(&matrix, &form.statement, &form.likelihood, &form.impact) {
            Ok(s) => s,
            Err(problems) => {
                let mut errors = FormErrors::new(visitor.lang);
                add_problems(
                    &mut errors,
                    "appraisal.not_innovating.error",
                    &STATEMENT_IDS,
                    &problems,
                );
                let mut response = risks_page(
                    &Ctx {
                        state: &state,
                        visitor: &visitor,
                        tenant: &tenant,
                        uri: &uri,
                    },
                    &scope,
                    Drafts {
                        statement: Some(form),
                        risk: None,
                        editing: None,
                    },
                    errors,
                    None,
                )
                .await?;
                *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                return Ok(response);
            }
        };
    let txn = state.db.begin_writing().await?;
    db::set_not_innovating(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        scope.idea.id,
        &statement,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/risks?notice=not_innovating_saved",
        scope.base()
    ))
    .into_response())
}
