//! The business case page and the forms that change it: its settings, its
//! options and their lines. Business as usual is addressed as `bau` in
//! forms, so a line can be added to it before the case exists.
use super::chart::{self, Chart};
use super::{Ctx, Scope, editable, form_id, rating_tag, scope, stage_name};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, notice};
use crate::i18n::Lang;
use crate::pipeline::{format_date, parse_date, parse_pounds, pounds};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::pipeline::FundingModel;
use beacon_core::pipeline::appraisal::{
    self as rules, Appraisal, GREEN_BOOK_2003, LineCategory, MAX_LINES_PER_OPTION, MAX_OPTIONS,
    Mitigation, ProjectType, earliest_appraisal_date, parse_year, ratio_2dp, schedule_for,
    to_whole_pounds,
};
use beacon_core::text::{BoundedText, TextError};
use beacon_db::DbError;
use beacon_db::appraisal::{self as db, AppraisalOption, CaseView, NewLine, Settings};
use beacon_govuk::components::{
    ChoiceItem, Details, Input, Label, Legend, NotificationBanner, Radios, SummaryAction,
    SummaryList, SummaryRow, Table, TableCell, Textarea,
};
use rust_decimal::Decimal;
use serde::Deserialize;
use uuid::Uuid;

/// The value forms use for business as usual.
const BAU: &str = "bau";
/// The value of "not decided" and "not chosen" radios.
const NONE: &str = "none";

type OptionName = BoundedText<120>;
type OptionDescription = BoundedText<2000>;
type LineDescription = BoundedText<200>;
type Source = BoundedText<500>;
type Note = BoundedText<2000>;
type NonMonetised = BoundedText<5000>;

/// The query a business case page accepts.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    notice: Option<String>,
    lang: Option<String>,
    option: Option<String>,
}

fn option_name(lang: Lang, option: &AppraisalOption) -> String {
    if option.business_as_usual {
        lang.t("appraisal.bau").to_owned()
    } else {
        option.name.clone()
    }
}

fn option_value(option: &AppraisalOption) -> String {
    if option.business_as_usual {
        BAU.to_owned()
    } else {
        option.id.to_string()
    }
}

/// Whole pounds; the minus sign is joined to the figure so that a narrow
/// column never breaks "−£1,200" across two lines.
fn money(value: Decimal) -> String {
    pounds(to_whole_pounds(value)).replace("−£", "−\u{2060}£")
}

fn text_error(errors: &mut FormErrors, field: &str, prefix: &str, e: TextError) {
    match e {
        TextError::Missing => errors.add(field, &format!("{prefix}.missing")),
        TextError::TooLong { .. } => errors.add(field, &format!("{prefix}.too_long")),
    }
}

fn unprocessable(response: Result<Response, AppError>) -> Result<Response, AppError> {
    let mut response = response?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

fn shell_for(visitor: &Visitor, uri: &OriginalUri, scope: &Scope, title: String) -> Shell {
    let lang = visitor.lang;
    Shell::new(visitor, &here(uri), title)
        .crumb(lang.t("appraisal.crumb.ideas"), "/ideas")
        .crumb(scope.idea.title.clone(), scope.base())
}

// ---------------------------------------------------------------------------
// The business case page
// ---------------------------------------------------------------------------

struct MissingItem {
    text: &'static str,
    href: Option<String>,
}

struct LineRow {
    id: Uuid,
    year: u16,
    category: &'static str,
    description: String,
    amount: String,
    source: String,
}

struct OptionBlock {
    id: Uuid,
    anchor: String,
    name: String,
    description: String,
    business_as_usual: bool,
    preferred: bool,
    value: String,
    lines: Vec<LineRow>,
}

#[derive(Template)]
#[template(path = "appraisal/business_case.html")]
struct CasePage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    base: String,
    idea_title: String,
    stage_key: String,
    stage_name: String,
    may_edit: bool,
    is_author: bool,
    started: bool,
    missing: Vec<MissingItem>,
    settings: SummaryList,
    comparison: Option<Table>,
    non_monetised: String,
    chart: Option<Chart>,
    chart_table: Option<Table>,
    options: Vec<OptionBlock>,
    risk_count: usize,
    not_innovating: Option<beacon_govuk::components::Tag>,
    guidance: Details,
    can_add_option: bool,
}

impl CasePage {
    fn risk_count_text(&self) -> String {
        self.shell.tf(
            "appraisal.risks.count",
            &[("count", &self.risk_count.to_string())],
        )
    }

    fn lines_summary(&self, option: &OptionBlock) -> String {
        self.shell.tf(
            "appraisal.lines.summary",
            &[
                ("count", &option.lines.len().to_string()),
                ("option", &option.name),
            ],
        )
    }

    fn option_caption(&self, option: &OptionBlock) -> String {
        self.shell
            .tf("appraisal.lines.caption", &[("option", &option.name)])
    }
}

/// The guidance on the Green Book's conventions, in plain words.
#[derive(Template)]
#[template(path = "appraisal/guidance.html")]
struct Guidance {
    lang: Lang,
}

impl Guidance {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }
}

pub(super) fn guidance(lang: Lang) -> Details {
    let html = Guidance { lang }.render().unwrap_or_default();
    Details::new(lang.t("appraisal.guidance.summary")).html(html)
}

fn appraisal_of(view: &CaseView) -> Option<Appraisal> {
    let case = view.case.as_ref()?;
    let schedule = schedule_for(case.appraisal_date).unwrap_or(&GREEN_BOOK_2003);
    let options: Vec<_> = view
        .options
        .iter()
        .map(AppraisalOption::for_appraisal)
        .collect();
    Some(rules::appraise(schedule, case.bias(), &options))
}

fn settings_list(lang: Lang, view: &CaseView, base: &str, may_edit: bool) -> SummaryList {
    let t = |k: &str| lang.t(k);
    let mut list = SummaryList::default();
    let Some(case) = &view.case else {
        return list;
    };
    let change = |anchor: &str, hidden: &str| {
        SummaryAction::new(
            t("appraisal.change"),
            format!("{base}/business-case/settings#{anchor}"),
        )
        .visually_hidden_text(hidden.to_lowercase())
    };
    let mut row = |key: &str, value: String, anchor: &str| {
        let label = t(key);
        let mut r = SummaryRow::text(label, value);
        // The schedule follows the appraisal date; it has no change link.
        if may_edit && !anchor.is_empty() {
            r = r.action(change(anchor, label));
        }
        list = std::mem::take(&mut list).row(r);
    };
    let schedule = schedule_for(case.appraisal_date).unwrap_or(&GREEN_BOOK_2003);
    row(
        "appraisal.settings.date",
        format_date(lang, case.appraisal_date),
        "appraisal-date-day",
    );
    row(
        "appraisal.settings.schedule",
        crate::i18n::tf(
            lang,
            &format!("appraisal.schedule.{}", schedule.key),
            &[("date", &format_date(lang, schedule.valid_from))],
        ),
        "",
    );
    row(
        "appraisal.settings.project_type",
        t(&format!(
            "appraisal.project_type.{}",
            case.project_type.key()
        ))
        .to_owned(),
        "project-type",
    );
    let bias = case.bias();
    row(
        "appraisal.settings.optimism_bias",
        crate::i18n::tf(
            lang,
            "appraisal.bias.summary",
            &[
                (
                    "upper",
                    &case.project_type.upper_bound_percent().to_string(),
                ),
                ("mitigation", &case.mitigation.percent().to_string()),
                ("applied", &bias.percent().to_string()),
            ],
        ),
        "mitigation",
    );
    if case.mitigation.percent() > 0 {
        row(
            "appraisal.settings.mitigation_note",
            case.mitigation_note.clone(),
            "mitigation-note",
        );
    }
    row(
        "appraisal.settings.funding_model",
        match case.funding_model {
            Some(f) => t(&format!("appraisal.funding.{}", f.key())).to_owned(),
            None => t("appraisal.not_decided").to_owned(),
        },
        "funding-model",
    );
    let preferred = case
        .preferred_option
        .and_then(|p| view.option(p))
        .map(|o| option_name(lang, o))
        .unwrap_or_else(|| t("appraisal.not_chosen").to_owned());
    row(
        "appraisal.settings.preferred_option",
        preferred,
        "preferred-option",
    );
    list
}

fn comparison_table(lang: Lang, view: &CaseView, appraisal: &Appraisal) -> Table {
    let t = |k: &str| lang.t(k);
    let preferred = view.case.as_ref().and_then(|c| c.preferred_option);
    let mut head = vec![TableCell::text(t("appraisal.compare.measure"))];
    for option in &view.options {
        let mut name = option_name(lang, option);
        if preferred == Some(option.id) {
            name = crate::i18n::tf(lang, "appraisal.compare.preferred", &[("option", &name)]);
        }
        head.push(TableCell::numeric(name));
    }
    let bias_label = crate::i18n::tf(
        lang,
        "appraisal.compare.bias",
        &[("percent", &appraisal.bias.percent().to_string())],
    );
    let o = &appraisal.options;
    let relative = |v: Option<Decimal>, bau: bool| {
        if bau {
            t("appraisal.compare.baseline").to_owned()
        } else {
            v.map(money).unwrap_or_default()
        }
    };
    let rows: Vec<(String, Vec<String>)> = vec![
        (
            t("appraisal.compare.costs_undiscounted").to_owned(),
            o.iter().map(|x| pounds(x.totals.costs())).collect(),
        ),
        (
            t("appraisal.compare.benefits_undiscounted").to_owned(),
            o.iter().map(|x| pounds(x.totals.benefits())).collect(),
        ),
        (
            t("appraisal.compare.pv_costs_before_bias").to_owned(),
            o.iter().map(|x| money(x.pv_costs_before_bias)).collect(),
        ),
        (bias_label, o.iter().map(|x| money(x.pv_bias)).collect()),
        (
            t("appraisal.compare.pv_costs").to_owned(),
            o.iter().map(|x| money(x.pv_costs)).collect(),
        ),
        (
            t("appraisal.compare.pv_cashable").to_owned(),
            o.iter().map(|x| money(x.pv_cashable)).collect(),
        ),
        (
            t("appraisal.compare.pv_non_cashable").to_owned(),
            o.iter().map(|x| money(x.pv_non_cashable)).collect(),
        ),
        (
            t("appraisal.compare.pv_social_value").to_owned(),
            o.iter().map(|x| money(x.pv_social_value)).collect(),
        ),
        (
            t("appraisal.compare.pv_benefits").to_owned(),
            o.iter().map(|x| money(x.pv_benefits)).collect(),
        ),
        (
            t("appraisal.compare.npv").to_owned(),
            o.iter().map(|x| money(x.npv)).collect(),
        ),
        (
            t("appraisal.compare.npv_vs_bau").to_owned(),
            o.iter()
                .map(|x| relative(x.npv_vs_bau, x.business_as_usual))
                .collect(),
        ),
        (
            t("appraisal.compare.npv_ex_social").to_owned(),
            o.iter()
                .map(|x| money(x.npv_excluding_social_value))
                .collect(),
        ),
        (
            t("appraisal.compare.npv_ex_social_vs_bau").to_owned(),
            o.iter()
                .map(|x| relative(x.npv_excluding_social_value_vs_bau, x.business_as_usual))
                .collect(),
        ),
        (
            t("appraisal.compare.bcr").to_owned(),
            o.iter()
                .map(|x| {
                    x.bcr
                        .map(ratio_2dp)
                        .unwrap_or_else(|| t("appraisal.compare.no_costs").to_owned())
                })
                .collect(),
        ),
        (
            t("appraisal.compare.payback").to_owned(),
            o.iter()
                .map(|x| match x.payback_year {
                    Some(y) => crate::i18n::tf(
                        lang,
                        "appraisal.compare.payback_year",
                        &[("year", &y.to_string())],
                    ),
                    None => t("appraisal.compare.no_payback").to_owned(),
                })
                .collect(),
        ),
    ];
    let mut table = Table::default()
        .caption(t("appraisal.compare.caption"))
        .head(head)
        .first_cell_is_header();
    table.caption_classes = Some("govuk-table__caption--m".to_owned());
    table.classes = Some("govuk-table--small-text-until-tablet".to_owned());
    for (label, values) in rows {
        let mut cells = vec![TableCell::text(label)];
        cells.extend(values.into_iter().map(TableCell::numeric));
        table = table.row(cells);
    }
    table
}

fn chart_parts(lang: Lang, view: &CaseView, appraisal: &Appraisal) -> (Chart, Table) {
    let series: Vec<(String, Vec<Decimal>)> = view
        .options
        .iter()
        .zip(&appraisal.options)
        .map(|(o, a)| (option_name(lang, o), a.cumulative.clone()))
        .collect();
    let chart = chart::build(&series, |p| money(Decimal::from(p)));
    let mut head = vec![TableCell::text(lang.t("appraisal.chart.year"))];
    head.extend(
        series
            .iter()
            .map(|(name, _)| TableCell::numeric(name.clone())),
    );
    let mut table = Table::default()
        .caption(lang.t("appraisal.chart.table_caption"))
        .head(head)
        .first_cell_is_header();
    table.classes = Some("govuk-table--small-text-until-tablet".to_owned());
    for year in 0..=usize::from(appraisal.horizon) {
        let mut cells = vec![TableCell::text(year.to_string())];
        cells.extend(series.iter().map(|(_, values)| {
            TableCell::numeric(values.get(year).copied().map(money).unwrap_or_default())
        }));
        table = table.row(cells);
    }
    (chart, table)
}

fn missing_items(lang: Lang, view: &CaseView, base: &str, may_edit: bool) -> Vec<MissingItem> {
    rules::missing(&view.facts())
        .into_iter()
        .map(|m| {
            let href = match m {
                rules::Missing::OptionBesidesBau => format!("{base}/business-case/options"),
                rules::Missing::CostAndBenefitLines => format!("{base}/business-case/lines"),
                rules::Missing::PreferredOption => {
                    format!("{base}/business-case/settings#preferred-option")
                }
                rules::Missing::FundingModel => {
                    format!("{base}/business-case/settings#funding-model")
                }
                rules::Missing::RiskOfNotInnovating => format!("{base}/risks#statement"),
                rules::Missing::RegisterRisk => format!("{base}/risks#description"),
            };
            MissingItem {
                text: lang.t(&format!("appraisal.missing.{}", m.key())),
                href: may_edit.then_some(href),
            }
        })
        .collect()
}

pub(super) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let scope = scope(&state, &tenant, &id).await?;
    let _ = (q.lang, q.option);
    let lang = visitor.lang;
    let view = db::load(state.db.conn(), tenant.org, scope.idea.id).await?;
    let base = scope.base();
    let appraisal = appraisal_of(&view);
    let has_lines = view.options.iter().any(|o| !o.lines.is_empty());
    let (chart, chart_table) = match &appraisal {
        Some(a) if has_lines => {
            let (c, t) = chart_parts(lang, &view, a);
            (Some(c), Some(t))
        }
        _ => (None, None),
    };
    let preferred = view.case.as_ref().and_then(|c| c.preferred_option);
    let options = view
        .options
        .iter()
        .map(|o| OptionBlock {
            id: o.id,
            anchor: format!("option-{}", o.id),
            name: option_name(lang, o),
            description: o.description.clone(),
            business_as_usual: o.business_as_usual,
            preferred: preferred == Some(o.id),
            value: option_value(o),
            lines: o
                .lines
                .iter()
                .map(|l| LineRow {
                    id: l.id,
                    year: l.year,
                    category: lang.t(&format!("appraisal.category.{}", l.category.key())),
                    description: l.description.clone(),
                    amount: pounds(l.amount),
                    source: l.source.clone().unwrap_or_default(),
                })
                .collect(),
        })
        .collect();
    let not_innovating = view
        .case
        .as_ref()
        .and_then(|c| c.not_innovating.as_ref())
        .map(|n| rating_tag(lang, view.matrix.assess(n.likelihood, n.impact).rating));
    let title = crate::i18n::tf(lang, "appraisal.title_for", &[("idea", &scope.idea.title)]);
    let shell = shell_for(&visitor, &uri, &scope, title);
    page(&CasePage {
        notice: notice(lang, q.notice.as_deref()),
        idea_title: scope.idea.title.clone(),
        stage_name: stage_name(&state, &tenant, lang, &scope.idea.stage).await,
        stage_key: scope.idea.stage.clone(),
        may_edit: scope.may_edit,
        is_author: scope.is_author,
        started: view.case.is_some(),
        missing: missing_items(lang, &view, &base, scope.may_edit),
        settings: settings_list(lang, &view, &base, scope.may_edit),
        comparison: appraisal.as_ref().map(|a| comparison_table(lang, &view, a)),
        non_monetised: view
            .case
            .as_ref()
            .map(|c| c.non_monetised_benefits.clone())
            .unwrap_or_default(),
        chart,
        chart_table,
        options,
        risk_count: view.risks.len(),
        not_innovating,
        guidance: guidance(lang),
        can_add_option: view.options.len() < MAX_OPTIONS,
        base,
        shell,
    })
}

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct SettingsForm {
    #[serde(default, rename = "appraisal-date-day")]
    day: String,
    #[serde(default, rename = "appraisal-date-month")]
    month: String,
    #[serde(default, rename = "appraisal-date-year")]
    year: String,
    #[serde(default, rename = "project-type")]
    project_type: String,
    #[serde(default)]
    mitigation: String,
    #[serde(default, rename = "mitigation-note")]
    mitigation_note: String,
    #[serde(default, rename = "funding-model")]
    funding_model: String,
    #[serde(default, rename = "preferred-option")]
    preferred_option: String,
    #[serde(default, rename = "non-monetised")]
    non_monetised: String,
}

impl SettingsForm {
    fn from_view(view: &CaseView) -> Self {
        let Some(case) = &view.case else {
            return SettingsForm {
                mitigation: "0".into(),
                funding_model: NONE.into(),
                preferred_option: NONE.into(),
                ..SettingsForm::default()
            };
        };
        SettingsForm {
            day: case.appraisal_date.day().to_string(),
            month: u8::from(case.appraisal_date.month()).to_string(),
            year: case.appraisal_date.year().to_string(),
            project_type: case.project_type.key().to_owned(),
            mitigation: case.mitigation.percent().to_string(),
            mitigation_note: case.mitigation_note.clone(),
            funding_model: case
                .funding_model
                .map(|f| f.key().to_owned())
                .unwrap_or_else(|| NONE.into()),
            preferred_option: case
                .preferred_option
                .and_then(|p| view.option(p))
                .map(option_value)
                .unwrap_or_else(|| NONE.into()),
            non_monetised: case.non_monetised_benefits.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "appraisal/settings.html")]
struct SettingsPage {
    shell: Shell,
    base: String,
    errors: FormErrors,
    draft: SettingsForm,
    options: Vec<(String, String)>,
}

impl SettingsPage {
    fn date(&self) -> beacon_govuk::components::DateInput {
        let lang = self.shell.lang;
        beacon_govuk::components::DateInput::new("appraisal-date")
            .legend(
                Legend::text(lang.t("appraisal.settings.date"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .hint(lang.t("appraisal.settings.date_hint"))
            .values(
                self.draft.day.clone(),
                self.draft.month.clone(),
                self.draft.year.clone(),
            )
            .error_message(self.errors.message("appraisal-date-day"))
    }

    fn project_type(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("project-type")
            .legend(
                Legend::text(lang.t("appraisal.settings.project_type"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .hint(lang.t("appraisal.settings.project_type_hint"))
            .value(self.draft.project_type.clone())
            .error_message(self.errors.message("project-type"));
        for p in ProjectType::ALL {
            radios = radios.item(
                ChoiceItem::new(
                    p.key(),
                    lang.t(&format!("appraisal.project_type.{}", p.key())),
                )
                .hint(crate::i18n::tf(
                    lang,
                    &format!("appraisal.project_type_hint.{}", p.key()),
                    &[("percent", &p.upper_bound_percent().to_string())],
                )),
            );
        }
        radios
    }

    fn mitigation(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("mitigation")
            .label(Label::text(lang.t("appraisal.settings.mitigation")).classes("govuk-label--m"))
            .hint(lang.t("appraisal.settings.mitigation_hint"))
            .value(self.draft.mitigation.clone())
            .suffix("%")
            .inputmode("numeric")
            .spellcheck(false)
            .classes("govuk-input--width-3")
            .error_message(self.errors.message("mitigation"))
    }

    fn mitigation_note(&self) -> Textarea {
        let lang = self.shell.lang;
        Textarea::new("mitigation-note")
            .label(
                Label::text(lang.t("appraisal.settings.mitigation_note")).classes("govuk-label--s"),
            )
            .hint(lang.t("appraisal.settings.mitigation_note_hint"))
            .value(self.draft.mitigation_note.clone())
            .rows(4)
            .error_message(self.errors.message("mitigation-note"))
    }

    fn funding_model(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("funding-model")
            .legend(
                Legend::text(lang.t("appraisal.settings.funding_model"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .value(self.draft.funding_model.clone())
            .error_message(self.errors.message("funding-model"));
        for f in FundingModel::ALL {
            radios = radios.item(
                ChoiceItem::new(f.key(), lang.t(&format!("appraisal.funding.{}", f.key())))
                    .hint(lang.t(&format!("appraisal.funding_hint.{}", f.key()))),
            );
        }
        radios
            .item(ChoiceItem::divider(lang.t("appraisal.or")))
            .item(ChoiceItem::new(NONE, lang.t("appraisal.not_decided")))
    }

    fn preferred_option(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("preferred-option")
            .legend(
                Legend::text(lang.t("appraisal.settings.preferred_option"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .hint(lang.t("appraisal.settings.preferred_option_hint"))
            .value(self.draft.preferred_option.clone())
            .error_message(self.errors.message("preferred-option"));
        for (value, name) in &self.options {
            radios = radios.item(ChoiceItem::new(value.clone(), name.clone()));
        }
        if !self.options.is_empty() {
            radios = radios.item(ChoiceItem::divider(lang.t("appraisal.or")));
        }
        radios.item(ChoiceItem::new(NONE, lang.t("appraisal.not_chosen")))
    }

    fn non_monetised(&self) -> Textarea {
        let lang = self.shell.lang;
        Textarea::new("non-monetised")
            .label(
                Label::text(lang.t("appraisal.settings.non_monetised")).classes("govuk-label--m"),
            )
            .hint(lang.t("appraisal.settings.non_monetised_hint"))
            .value(self.draft.non_monetised.clone())
            .rows(6)
            .error_message(self.errors.message("non-monetised"))
    }
}

async fn settings_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    scope: &Scope,
    draft: Option<SettingsForm>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let view = db::load(state.db.conn(), tenant.org, scope.idea.id).await?;
    let mut options: Vec<(String, String)> = view
        .options
        .iter()
        .map(|o| (option_value(o), option_name(lang, o)))
        .collect();
    if options.is_empty() {
        // Business as usual exists from the first change; it can be chosen
        // (the case for doing nothing) from the start.
        options.push((BAU.into(), lang.t("appraisal.bau").into()));
    }
    let draft = draft.unwrap_or_else(|| SettingsForm::from_view(&view));
    let shell = shell_for(
        visitor,
        uri,
        scope,
        lang.t("appraisal.settings.title").into(),
    )
    .crumb(
        lang.t("appraisal.title"),
        format!("{}/business-case", scope.base()),
    )
    .with_errors(!errors.is_empty());
    page(&SettingsPage {
        shell,
        base: scope.base(),
        errors,
        draft,
        options,
    })
}

pub(super) async fn settings_form(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let _ = (q.lang, q.notice, q.option);
    let scope = editable(&state, &tenant, &id).await?;
    settings_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        &scope,
        None,
        FormErrors::new(visitor.lang),
    )
    .await
}

/// What the preferred option radio said.
enum Preferred {
    None,
    BusinessAsUsual,
    Option(Uuid),
}

pub(super) async fn save_settings(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let scope = editable(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let mut errors = FormErrors::new(lang);
    let today = state.clock.now().date();

    let date_typed = [&form.day, &form.month, &form.year]
        .iter()
        .any(|p| !p.trim().is_empty());
    let date = match parse_date(&form.day, &form.month, &form.year) {
        None if !date_typed => {
            errors.add("appraisal-date-day", "appraisal.error.date_missing");
            None
        }
        None => {
            errors.add("appraisal-date-day", "appraisal.error.date_invalid");
            None
        }
        Some(d) if d < earliest_appraisal_date() => {
            errors.add("appraisal-date-day", "appraisal.error.date_too_early");
            None
        }
        Some(d) if d > today => {
            errors.add("appraisal-date-day", "appraisal.error.date_future");
            None
        }
        Some(d) => Some(d),
    };
    let project_type = form.project_type.parse::<ProjectType>().ok();
    if project_type.is_none() {
        errors.add("project-type", "appraisal.error.project_type");
    }
    let mitigation = Mitigation::parse(&form.mitigation)
        .map_err(|e| {
            errors.add(
                "mitigation",
                &format!("appraisal.error.mitigation.{}", e.key()),
            )
        })
        .ok();
    let note = form.mitigation_note.trim();
    let note = if note.is_empty() {
        if mitigation.is_some_and(|m| m.percent() > 0) {
            errors.add("mitigation-note", "appraisal.error.note.missing");
        }
        String::new()
    } else {
        Note::parse(note)
            .map(BoundedText::into_string)
            .unwrap_or_else(|e| {
                text_error(&mut errors, "mitigation-note", "appraisal.error.note", e);
                String::new()
            })
    };
    let funding_model = match form.funding_model.as_str() {
        NONE => Some(None),
        other => other.parse::<FundingModel>().ok().map(Some),
    };
    if funding_model.is_none() {
        errors.add("funding-model", "appraisal.error.funding_model");
    }
    let view = db::load(state.db.conn(), tenant.org, scope.idea.id).await?;
    let preferred = match form.preferred_option.as_str() {
        NONE => Some(Preferred::None),
        BAU => Some(Preferred::BusinessAsUsual),
        other => other
            .parse::<Uuid>()
            .ok()
            .filter(|id| view.option(*id).is_some_and(|o| !o.business_as_usual))
            .map(Preferred::Option),
    };
    if preferred.is_none() {
        errors.add("preferred-option", "appraisal.error.preferred_option");
    }
    let non_monetised = match form.non_monetised.trim() {
        "" => String::new(),
        text => NonMonetised::parse(text)
            .map(BoundedText::into_string)
            .unwrap_or_else(|e| {
                text_error(
                    &mut errors,
                    "non-monetised",
                    "appraisal.error.non_monetised",
                    e,
                );
                String::new()
            }),
    };
    let (
        Some(appraisal_date),
        Some(project_type),
        Some(mitigation),
        Some(funding_model),
        Some(preferred),
        true,
    ) = (
        date,
        project_type,
        mitigation,
        funding_model,
        preferred,
        errors.is_empty(),
    )
    else {
        return unprocessable(
            settings_page(&state, &visitor, &tenant, &uri, &scope, Some(form), errors).await,
        );
    };
    let now = state.clock.now();
    let actor = tenant.who.actor();
    let txn = state.db.begin_writing().await?;
    let preferred_option = match preferred {
        Preferred::None => None,
        Preferred::BusinessAsUsual => {
            Some(db::business_as_usual(&txn, now, &actor, tenant.org, scope.idea.id).await?)
        }
        Preferred::Option(id) => Some(id),
    };
    db::save_settings(
        &txn,
        now,
        &actor,
        tenant.org,
        scope.idea.id,
        &Settings {
            appraisal_date,
            project_type,
            mitigation,
            mitigation_note: if mitigation.percent() > 0 {
                note
            } else {
                String::new()
            },
            funding_model,
            non_monetised_benefits: non_monetised,
            preferred_option,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/business-case?notice=business_case_saved",
        scope.base()
    ))
    .into_response())
}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct OptionForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Template)]
#[template(path = "appraisal/option.html")]
struct OptionPage {
    shell: Shell,
    base: String,
    errors: FormErrors,
    draft: OptionForm,
}

impl OptionPage {
    fn name(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("name")
            .label(Label::text(lang.t("appraisal.option.name")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.option.name_hint"))
            .value(self.draft.name.clone())
            .error_message(self.errors.message("name"))
    }

    fn description(&self) -> Textarea {
        let lang = self.shell.lang;
        Textarea::new("description")
            .label(Label::text(lang.t("appraisal.option.description")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.option.description_hint"))
            .value(self.draft.description.clone())
            .rows(5)
            .error_message(self.errors.message("description"))
    }
}

async fn option_page(
    visitor: &Visitor,
    uri: &OriginalUri,
    scope: &Scope,
    draft: OptionForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let shell = shell_for(visitor, uri, scope, lang.t("appraisal.option.title").into())
        .crumb(
            lang.t("appraisal.title"),
            format!("{}/business-case", scope.base()),
        )
        .with_errors(!errors.is_empty());
    page(&OptionPage {
        shell,
        base: scope.base(),
        errors,
        draft,
    })
}

pub(super) async fn option_form(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let _ = (q.lang, q.notice, q.option);
    let scope = editable(&state, &tenant, &id).await?;
    option_page(
        &visitor,
        &uri,
        &scope,
        OptionForm::default(),
        FormErrors::new(visitor.lang),
    )
    .await
}

pub(super) async fn add_option(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<OptionForm>,
) -> Result<Response, AppError> {
    let scope = editable(&state, &tenant, &id).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let name = OptionName::parse(&form.name)
        .map_err(|e| text_error(&mut errors, "name", "appraisal.error.option_name", e))
        .ok();
    let description = OptionDescription::parse(&form.description)
        .map_err(|e| {
            text_error(
                &mut errors,
                "description",
                "appraisal.error.option_description",
                e,
            )
        })
        .ok();
    if let Some(n) = &name
        && n.as_str().eq_ignore_ascii_case(db::BUSINESS_AS_USUAL)
    {
        errors.add("name", "appraisal.error.option_name.bau");
    }
    let (Some(name), Some(description), true) = (name, description, errors.is_empty()) else {
        return unprocessable(option_page(&visitor, &uri, &scope, form, errors).await);
    };
    let txn = state.db.begin_writing().await?;
    match db::add_option(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        scope.idea.id,
        name.as_str(),
        description.as_str(),
    )
    .await
    {
        Ok(option) => {
            txn.commit().await?;
            Ok(Redirect::to(&format!(
                "{}/business-case?notice=option_added#option-{option}",
                scope.base()
            ))
            .into_response())
        }
        Err(DbError::Conflict(_)) => {
            drop(txn);
            errors.add("name", "appraisal.error.option_name.too_many");
            unprocessable(option_page(&visitor, &uri, &scope, form, errors).await)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RemoveOptionForm {
    #[serde(default)]
    option: String,
}

pub(super) async fn remove_option(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<RemoveOptionForm>,
) -> Result<Response, AppError> {
    let scope = editable(&state, &tenant, &id).await?;
    let option = form_id(&form.option)?;
    let txn = state.db.begin_writing().await?;
    match db::remove_option(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        scope.idea.id,
        option,
    )
    .await
    {
        Ok(()) => {}
        // Business as usual is always among the options; our pages offer no
        // button to remove it.
        Err(DbError::Conflict(_)) => {
            return Err(AppError::BadRequest("business as usual stays".into()));
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/business-case?notice=option_removed",
        scope.base()
    ))
    .into_response())
}

// ---------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct LineForm {
    #[serde(default)]
    option: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    source: String,
}

#[derive(Template)]
#[template(path = "appraisal/line.html")]
struct LinePage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    base: String,
    errors: FormErrors,
    draft: LineForm,
    options: Vec<(String, String)>,
    /// The chosen option's lines so far, to see what is left to add.
    so_far: Option<Table>,
}

impl LinePage {
    fn option(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("option")
            .legend(
                Legend::text(lang.t("appraisal.line.option")).classes("govuk-fieldset__legend--s"),
            )
            .value(self.draft.option.clone())
            .error_message(self.errors.message("option"));
        for (value, name) in &self.options {
            radios = radios.item(ChoiceItem::new(value.clone(), name.clone()));
        }
        radios
    }

    fn year(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("year")
            .label(Label::text(lang.t("appraisal.line.year")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.line.year_hint"))
            .value(self.draft.year.clone())
            .inputmode("numeric")
            .spellcheck(false)
            .classes("govuk-input--width-3")
            .error_message(self.errors.message("year"))
    }

    fn category(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("category")
            .legend(
                Legend::text(lang.t("appraisal.line.category"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(self.draft.category.clone())
            .error_message(self.errors.message("category"));
        for (i, c) in LineCategory::ALL.iter().enumerate() {
            if i == 2 {
                radios = radios.item(ChoiceItem::divider(lang.t("appraisal.or")));
            }
            radios = radios.item(
                ChoiceItem::new(c.key(), lang.t(&format!("appraisal.category.{}", c.key())))
                    .hint(lang.t(&format!("appraisal.category_hint.{}", c.key()))),
            );
        }
        radios
    }

    fn description(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("description")
            .label(Label::text(lang.t("appraisal.line.description")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.line.description_hint"))
            .value(self.draft.description.clone())
            .error_message(self.errors.message("description"))
    }

    fn amount(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("amount")
            .label(Label::text(lang.t("appraisal.line.amount")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.line.amount_hint"))
            .value(self.draft.amount.clone())
            .prefix("£")
            .spellcheck(false)
            .classes("govuk-input--width-10")
            .error_message(self.errors.message("amount"))
    }

    fn source(&self) -> Textarea {
        let lang = self.shell.lang;
        Textarea::new("source")
            .label(Label::text(lang.t("appraisal.line.source")).classes("govuk-label--s"))
            .hint(lang.t("appraisal.line.source_hint"))
            .value(self.draft.source.clone())
            .rows(2)
            .error_message(self.errors.message("source"))
    }
}

async fn line_page(
    ctx: &Ctx<'_>,
    scope: &Scope,
    draft: LineForm,
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
    let view = db::load(state.db.conn(), tenant.org, scope.idea.id).await?;
    let mut options: Vec<(String, String)> = view
        .options
        .iter()
        .map(|o| (option_value(o), option_name(lang, o)))
        .collect();
    if view.options.iter().all(|o| !o.business_as_usual) {
        options.insert(0, (BAU.into(), lang.t("appraisal.bau").into()));
    }
    let chosen = view
        .options
        .iter()
        .find(|o| option_value(o) == draft.option);
    let so_far = chosen.filter(|o| !o.lines.is_empty()).map(|o| {
        let mut table = Table::default()
            .caption(crate::i18n::tf(
                lang,
                "appraisal.lines.caption",
                &[("option", &option_name(lang, o))],
            ))
            .head([
                TableCell::text(lang.t("appraisal.lines.col_year")),
                TableCell::text(lang.t("appraisal.lines.col_category")),
                TableCell::text(lang.t("appraisal.lines.col_description")),
                TableCell::numeric(lang.t("appraisal.lines.col_amount")),
            ])
            .first_cell_is_header();
        table.caption_classes = Some("govuk-table__caption--s".to_owned());
        for l in &o.lines {
            table = table.row([
                TableCell::text(l.year.to_string()),
                TableCell::text(lang.t(&format!("appraisal.category.{}", l.category.key()))),
                TableCell::text(l.description.clone()),
                TableCell::numeric(pounds(l.amount)),
            ]);
        }
        table
    });
    let shell = shell_for(visitor, uri, scope, lang.t("appraisal.line.title").into())
        .crumb(
            lang.t("appraisal.title"),
            format!("{}/business-case", scope.base()),
        )
        .with_errors(!errors.is_empty());
    page(&LinePage {
        shell,
        notice: notice(lang, notice_key),
        base: scope.base(),
        errors,
        draft,
        options,
        so_far,
    })
}

pub(super) async fn line_form(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let scope = editable(&state, &tenant, &id).await?;
    let draft = LineForm {
        option: q.option.unwrap_or_default(),
        ..LineForm::default()
    };
    line_page(
        &Ctx {
            state: &state,
            visitor: &visitor,
            tenant: &tenant,
            uri: &uri,
        },
        &scope,
        draft,
        FormErrors::new(visitor.lang),
        q.notice.as_deref(),
    )
    .await
}

pub(super) async fn add_line(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<LineForm>,
) -> Result<Response, AppError> {
    let scope = editable(&state, &tenant, &id).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let view = db::load(state.db.conn(), tenant.org, scope.idea.id).await?;
    let option = match form.option.as_str() {
        BAU => Some(None),
        other => other
            .parse::<Uuid>()
            .ok()
            .filter(|id| view.option(*id).is_some_and(|o| !o.business_as_usual))
            .map(Some),
    };
    if option.is_none() {
        errors.add("option", "appraisal.error.line_option");
    }
    let year = parse_year(&form.year)
        .map_err(|e| errors.add("year", &format!("appraisal.error.year.{}", e.key())))
        .ok();
    let category = form.category.parse::<LineCategory>().ok();
    if category.is_none() {
        errors.add("category", "appraisal.error.category");
    }
    let description = LineDescription::parse(&form.description)
        .map_err(|e| {
            text_error(
                &mut errors,
                "description",
                "appraisal.error.line_description",
                e,
            )
        })
        .ok();
    let amount = match parse_pounds(&form.amount) {
        Ok(0) => {
            errors.add("amount", "appraisal.error.amount_zero");
            None
        }
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("amount", e.key());
            None
        }
    };
    let source = match (form.source.trim(), category) {
        ("", Some(c)) if c.needs_source() => {
            errors.add("source", "appraisal.error.source.missing");
            None
        }
        ("", _) => None,
        (text, _) => Source::parse(text)
            .map_err(|e| text_error(&mut errors, "source", "appraisal.error.source", e))
            .ok()
            .map(BoundedText::into_string),
    };
    if let Some(Some(o)) = option
        && view
            .option(o)
            .is_some_and(|o| o.lines.len() >= MAX_LINES_PER_OPTION)
    {
        errors.add("option", "appraisal.error.too_many_lines");
    }
    let (Some(option), Some(year), Some(category), Some(description), Some(amount), true) = (
        option,
        year,
        category,
        description,
        amount,
        errors.is_empty(),
    ) else {
        return unprocessable(
            line_page(
                &Ctx {
                    state: &state,
                    visitor: &visitor,
                    tenant: &tenant,
                    uri: &uri,
                },
                &scope,
                form,
                errors,
                None,
            )
            .await,
        );
    };
    let now = state.clock.now();
    let actor = tenant.who.actor();
    let txn = state.db.begin_writing().await?;
    let option = match option {
        Some(id) => id,
        None => db::business_as_usual(&txn, now, &actor, tenant.org, scope.idea.id).await?,
    };
    let line = NewLine {
        year,
        category,
        description: description.into_string(),
        amount,
        source,
    };
    match db::add_line(&txn, now, &actor, tenant.org, scope.idea.id, option, &line).await {
        Ok(_) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            errors.add("option", "appraisal.error.too_many_lines");
            return unprocessable(
                line_page(
                    &Ctx {
                        state: &state,
                        visitor: &visitor,
                        tenant: &tenant,
                        uri: &uri,
                    },
                    &scope,
                    form,
                    errors,
                    None,
                )
                .await,
            );
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    // Back to the form for the same option: a business case has many lines.
    Ok(Redirect::to(&format!(
        "{}/business-case/lines?option={}&notice=line_added",
        scope.base(),
        form.option
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RemoveLineForm {
    #[serde(default)]
    line: String,
}

pub(super) async fn remove_line(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<RemoveLineForm>,
) -> Result<Response, AppError> {
    let scope = editable(&state, &tenant, &id).await?;
    let line = form_id(&form.line)?;
    let txn = state.db.begin_writing().await?;
    db::remove_line(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        scope.idea.id,
        line,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/business-case?notice=line_removed",
        scope.base()
    ))
    .into_response())
}
