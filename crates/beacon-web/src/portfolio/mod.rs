//! The portfolio (DESIGN.md §3.1): the organisation's ideas counted by
//! stage, service area, kind, type and lever; the balance of incremental and
//! radical ideas against the organisation's target; expected against
//! realised savings and social value; and funding used from the challenges'
//! pots. Every chart has its figures in a table beside it, and the ideas can
//! be downloaded as CSV. Hidden and merged ideas are never counted.
pub(crate) mod chart;
pub(crate) mod csv;

use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, notice};
use crate::i18n::{Lang, lookup, tf};
use crate::ideation::term;
use crate::pipeline::pounds;
use crate::public::{here, page};
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use beacon_core::permission::Capability;
use beacon_core::pipeline::portfolio::{
    Balance, Figures, FundingUse, Pot, RadicalTarget, TargetError, Verdict, realised_share, total,
};
use beacon_core::pipeline::{Facet, IdeaKind, Lever};
use beacon_db::portfolio::{self as db, Counts, Filter};
use beacon_db::{appraisal, delivery};
use beacon_govuk::components::{Input, Label, NotificationBanner, Select, SelectItem};
use chart::{BarChart, Datum, GREEN, GREY};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    let view = Access::Can(Capability::ViewPortfolio);
    vec![
        route(Method::GET, "/portfolio", view, get(show)),
        route(Method::GET, "/portfolio.csv", view, get(download)),
        route(
            Method::POST,
            "/portfolio/target",
            Access::Can(Capability::RunPipeline),
            post(set_target),
        ),
    ]
}

/// The stages Beacon starts with, for naming ideas in an organisation that
/// has not stored its own.
const DEFAULT_STAGES: [&str; 8] = [
    "submitted",
    "screened",
    "business_case",
    "decision",
    "pilot",
    "evaluation",
    "adopted",
    "stopped",
];

/// "28%", or "28.6%" when the share is not whole.
fn percent(share: Decimal) -> String {
    format!("{}%", share.round_dp(1).normalize())
}

fn share_of(n: u64, total: u64) -> String {
    if total == 0 {
        return "–".to_owned();
    }
    percent(Decimal::from(n) * Decimal::ONE_HUNDRED / Decimal::from(total))
}

// ---------------------------------------------------------------------------
// Filters: allow-listed against the organisation's own challenges and years.

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PortfolioQuery {
    challenge: Option<String>,
    year: Option<String>,
    notice: Option<String>,
    lang: Option<String>,
}

struct Filters {
    filter: Filter,
    challenge_raw: String,
    year_raw: String,
    challenges: Vec<db::ChallengeRow>,
    years: Vec<i32>,
}

async fn filters(
    state: &AppState,
    tenant: &Tenant,
    query: &PortfolioQuery,
    errors: &mut FormErrors,
) -> Result<Filters, AppError> {
    let conn = state.db.conn();
    let challenges = db::challenges(conn, tenant.org).await?;
    let years = db::years(conn, tenant.org).await?;
    let challenge_raw: String = query
        .challenge
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .take(60)
        .collect();
    let year_raw: String = query
        .year
        .as_deref()
        .unwrap_or("")
        .trim()
        .chars()
        .take(10)
        .collect();
    let challenge = if challenge_raw.is_empty() {
        None
    } else {
        let found = challenge_raw
            .parse::<Uuid>()
            .ok()
            .filter(|id| challenges.iter().any(|c| c.id == *id));
        if found.is_none() {
            errors.add("challenge", "portfolio.error.challenge");
        }
        found
    };
    let year = if year_raw.is_empty() {
        None
    } else {
        let found = year_raw.parse::<i32>().ok().filter(|y| years.contains(y));
        if found.is_none() {
            errors.add("year", "portfolio.error.year");
        }
        found
    };
    Ok(Filters {
        filter: Filter { challenge, year },
        challenge_raw,
        year_raw,
        challenges,
        years,
    })
}

impl Filters {
    /// The query string that repeats these filters, for the download link.
    fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(c) = self.filter.challenge {
            q.append_pair("challenge", &c.to_string());
        }
        if let Some(y) = self.filter.year {
            q.append_pair("year", &y.to_string());
        }
        let q = q.finish();
        if q.is_empty() { q } else { format!("?{q}") }
    }

    /// The challenges whose pots count: the one chosen, or those opened in
    /// the chosen year, or all.
    fn pots(&self) -> Vec<&db::ChallengeRow> {
        self.challenges
            .iter()
            .filter(|c| c.pot_pence.is_some())
            .filter(|c| self.filter.challenge.is_none_or(|id| c.id == id))
            .filter(|c| self.filter.year.is_none_or(|y| c.opens_on.year() == y))
            .collect()
    }
}

// ---------------------------------------------------------------------------
// The figures.

/// The expected and realised money of the ideas in view, by idea.
#[derive(Default)]
struct Money {
    expected: HashMap<Uuid, Figures>,
    realised: HashMap<Uuid, Figures>,
}

/// Read with the portfolio's own filter in the query, so only the ideas
/// with a business case or an evaluation are read, never every idea in view.
async fn money(state: &AppState, tenant: &Tenant, filter: Filter) -> Result<Money, AppError> {
    let conn = state.db.conn();
    let shown = || db::shown(tenant.org, filter);
    let expected = appraisal::expected_totals_where(conn, tenant.org, shown())
        .await?
        .into_iter()
        .map(|e| {
            (
                e.idea,
                Figures {
                    cashable: e.cashable_pence,
                    non_cashable: e.non_cashable_pence,
                    social_value: e.social_value_pence,
                    cost: e.cost_pence,
                },
            )
        })
        .collect();
    let realised = delivery::realised_totals_where(conn, tenant.org, shown())
        .await?
        .into_iter()
        .map(|r| {
            (
                r.idea,
                Figures {
                    cashable: r.cashable_pence,
                    non_cashable: r.non_cashable_pence,
                    social_value: r.social_value_pence,
                    cost: r.cost_pence,
                },
            )
        })
        .collect();
    Ok(Money { expected, realised })
}

fn stage_name(lang: Lang, key: &str, configured: &[(String, String)]) -> String {
    configured
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, name)| name.clone())
        .or_else(|| lookup(lang, &format!("portfolio.stage.{key}")).map(str::to_owned))
        .unwrap_or_else(|| key.replace('_', " "))
}

/// Counts in the organisation's stage order, every stage shown even when
/// empty, then any stage no longer configured.
fn stage_rows(
    lang: Lang,
    counts: &[(String, u64)],
    configured: &[(String, String)],
) -> Vec<(String, u64)> {
    let order: Vec<String> = if configured.is_empty() {
        DEFAULT_STAGES.iter().map(|s| (*s).to_owned()).collect()
    } else {
        configured.iter().map(|(k, _)| k.clone()).collect()
    };
    let mut rows: Vec<(String, u64)> = order
        .iter()
        .map(|key| {
            let n = counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
            (stage_name(lang, key, configured), n)
        })
        .collect();
    for (key, n) in counts {
        if !order.contains(key) {
            rows.push((stage_name(lang, key, configured), *n));
        }
    }
    rows
}

/// Counts for a closed vocabulary, in its own order, every value shown, then
/// anything stored that the vocabulary no longer knows.
fn vocabulary_rows(
    lang: Lang,
    group: &str,
    keys: &[&str],
    counts: &[(String, u64)],
) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = keys
        .iter()
        .map(|key| {
            let n = counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
            (term(lang, group, key), n)
        })
        .collect();
    for (key, n) in counts {
        if !keys.contains(&key.as_str()) {
            rows.push((term(lang, group, key), *n));
        }
    }
    rows
}

/// One dimension of the portfolio: a chart and its table.
struct Dimension {
    id: &'static str,
    heading: String,
    caption: String,
    column: String,
    rows: Vec<(String, String, String)>,
    chart: BarChart,
}

fn dimension(
    lang: Lang,
    id: &'static str,
    column_key: &str,
    rows: Vec<(String, u64)>,
    total: u64,
) -> Dimension {
    let heading = lang.t(&format!("portfolio.{id}.heading")).to_owned();
    let chart = BarChart::new(
        format!("chart-{id}"),
        heading.clone(),
        lang.t("portfolio.chart_description"),
        rows.iter()
            .map(|(label, n)| Datum::new(label.clone(), *n, n.to_string()))
            .collect(),
        None,
        None,
    );
    Dimension {
        id,
        caption: heading.clone(),
        heading,
        column: lang.t(column_key).to_owned(),
        rows: rows
            .into_iter()
            .map(|(label, n)| (label, n.to_string(), share_of(n, total)))
            .collect(),
        chart,
    }
}

struct MoneyRow {
    label: &'static str,
    expected: String,
    realised: String,
    share: String,
}

struct FundingRow {
    question: String,
    pot: String,
    allocated: String,
    remaining: String,
    used: String,
}

#[derive(Template)]
#[template(path = "portfolio/portfolio.html")]
struct PortfolioPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    challenge_raw: String,
    year_raw: String,
    challenges: Vec<(String, String)>,
    years: Vec<String>,
    csv_href: String,
    count_text: String,
    total: u64,
    // Balance.
    verdict: String,
    target: String,
    target_draft: String,
    can_set_target: bool,
    balance_chart: Option<BarChart>,
    kinds: Dimension,
    dimensions: Vec<Dimension>,
    // Money.
    money_rows: Vec<MoneyRow>,
    money_chart: Option<BarChart>,
    with_case: usize,
    with_evaluation: usize,
    // Funding.
    funding_rows: Vec<FundingRow>,
    funding_total: Option<FundingRow>,
    funding_chart: Option<BarChart>,
}

impl PortfolioPage {
    fn challenge_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut select = Select::new("challenge")
            .label(Label::text(lang.t("portfolio.filter.challenge")))
            .item(SelectItem::new(
                "",
                lang.t("portfolio.filter.all_challenges"),
            ))
            .value(self.challenge_raw.clone())
            .error_message(self.errors.message("challenge"));
        for (id, question) in &self.challenges {
            select = select.item(SelectItem::new(id.clone(), question.clone()));
        }
        select
    }

    fn year_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut select = Select::new("year")
            .label(Label::text(lang.t("portfolio.filter.year")))
            .item(SelectItem::new("", lang.t("portfolio.filter.all_years")))
            .value(self.year_raw.clone())
            .error_message(self.errors.message("year"));
        for y in &self.years {
            select = select.item(SelectItem::new(y.clone(), y.clone()));
        }
        select
    }

    fn target_input(&self) -> Input {
        let lang = self.shell.lang;
        Input::new("radical_percent")
            .label(Label::text(lang.t("portfolio.balance.target_label")).classes("govuk-label--s"))
            .hint(lang.t("portfolio.balance.target_hint"))
            .classes("govuk-input--width-3")
            .inputmode("numeric")
            .spellcheck(false)
            .suffix("%")
            .value(self.target_draft.clone())
            .error_message(self.errors.message("radical_percent"))
    }
}

fn verdict_text(lang: Lang, balance: Balance, target: RadicalTarget) -> String {
    let share = balance.radical_share().map(percent).unwrap_or_default();
    let goal = format!("{}%", target.percent());
    let args = |extra: Option<(&'static str, String)>| {
        let mut v = vec![("share", share.clone()), ("target", goal.clone())];
        v.extend(extra);
        v
    };
    let render = |key: &str, extra: Option<(&'static str, String)>| {
        let owned = args(extra);
        let borrowed: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
        tf(lang, key, &borrowed)
    };
    match balance.against(target) {
        Verdict::NoIdeas => lang.t("portfolio.balance.no_ideas").to_owned(),
        Verdict::OnTarget => render("portfolio.balance.on_target", None),
        Verdict::BelowTarget { radical_needed } => match radical_needed {
            Some(1) => render("portfolio.balance.below_one", None),
            Some(n) => render("portfolio.balance.below", Some(("count", n.to_string()))),
            None => render("portfolio.balance.below_unreachable", None),
        },
        Verdict::AboveTarget { incremental_needed } => match incremental_needed {
            Some(1) => render("portfolio.balance.above_one", None),
            Some(n) => render("portfolio.balance.above", Some(("count", n.to_string()))),
            None => render("portfolio.balance.above_unreachable", None),
        },
    }
}

/// "3 ideas in the portfolio", "1 idea matches these filters".
fn count_text(lang: Lang, total: u64, filtered: bool) -> String {
    let key = match (filtered, total == 1) {
        (false, false) => "portfolio.count",
        (false, true) => "portfolio.count_one",
        (true, false) => "portfolio.count_filtered",
        (true, true) => "portfolio.count_filtered_one",
    };
    tf(lang, key, &[("count", &total.to_string())])
}

fn count_of(counts: &[(String, u64)], key: &str) -> u64 {
    counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
}

fn to_chart_value(pence: i64) -> u64 {
    u64::try_from(pence.max(0)).unwrap_or(0)
}

#[allow(clippy::too_many_arguments)]
async fn portfolio_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    query: PortfolioQuery,
    mut errors: FormErrors,
    target_draft: Option<String>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let conn = state.db.conn();
    let filters = filters(state, tenant, &query, &mut errors).await?;
    // With a filter the page cannot honour, show no figures rather than the
    // wrong ones.
    let bad_filter = errors.get("challenge").is_some() || errors.get("year").is_some();
    let counts = if bad_filter {
        Counts::default()
    } else {
        db::counts(conn, tenant.org, filters.filter).await?
    };
    let target = db::target(conn, tenant.org).await?;
    let configured = db::stages(conn, tenant.org).await?;
    let total_ideas = counts.total;

    // Balance.
    let balance = Balance {
        incremental: count_of(&counts.by_kind, IdeaKind::Incremental.key()),
        radical: count_of(&counts.by_kind, IdeaKind::Radical.key()),
    };
    let verdict = verdict_text(lang, balance, target);
    let balance_chart = balance.radical_share().map(|share| {
        let whole = u64::try_from(share.round().mantissa()).unwrap_or(0);
        BarChart::new(
            "chart-balance",
            lang.t("portfolio.balance.chart_title"),
            lang.t("portfolio.chart_description"),
            vec![
                Datum::new(
                    lang.t("portfolio.balance.radical_share"),
                    whole,
                    percent(share),
                ),
                Datum::new(
                    lang.t("portfolio.balance.target"),
                    u64::from(target.percent()),
                    format!("{}%", target.percent()),
                )
                .fill(GREY),
            ],
            Some(100),
            None,
        )
    });
    let kind_keys: Vec<&str> = IdeaKind::ALL.iter().map(|k| k.key()).collect();
    let kinds = dimension(
        lang,
        "kind",
        "portfolio.kind.column",
        vocabulary_rows(lang, "kind", &kind_keys, &counts.by_kind),
        total_ideas,
    );
    let facet_keys: Vec<&str> = Facet::ALL.iter().map(|k| k.key()).collect();
    let lever_keys: Vec<&str> = Lever::ALL.iter().map(|k| k.key()).collect();
    let dimensions = if total_ideas == 0 {
        Vec::new()
    } else {
        vec![
            dimension(
                lang,
                "stage",
                "portfolio.stage.column",
                stage_rows(lang, &counts.by_stage, &configured),
                total_ideas,
            ),
            dimension(
                lang,
                "service_area",
                "portfolio.service_area.column",
                // Stored as keys; people read the area's name.
                counts
                    .by_service_area
                    .iter()
                    .map(|(key, n)| {
                        let name = crate::ideas::area_label(lang, key);
                        (
                            if name.is_empty() {
                                key.clone()
                            } else {
                                name.to_owned()
                            },
                            *n,
                        )
                    })
                    .collect(),
                total_ideas,
            ),
            dimension(
                lang,
                "facet",
                "portfolio.facet.column",
                vocabulary_rows(lang, "facet", &facet_keys, &counts.by_facet),
                total_ideas,
            ),
            dimension(
                lang,
                "lever",
                "portfolio.lever.column",
                vocabulary_rows(lang, "lever", &lever_keys, &counts.by_lever),
                total_ideas,
            ),
        ]
    };

    // Expected against realised.
    let money = if bad_filter {
        Money::default()
    } else {
        money(state, tenant, filters.filter).await?
    };
    let expected = total(money.expected.values().copied());
    let realised = total(money.realised.values().copied());
    let share = |e: i64, r: i64| {
        realised_share(e, r)
            .map(percent)
            .unwrap_or_else(|| "–".into())
    };
    let money_rows = vec![
        MoneyRow {
            label: lang.t("portfolio.money.savings"),
            expected: pounds(expected.savings()),
            realised: pounds(realised.savings()),
            share: share(expected.savings(), realised.savings()),
        },
        MoneyRow {
            label: lang.t("portfolio.money.cashable"),
            expected: pounds(expected.cashable),
            realised: pounds(realised.cashable),
            share: share(expected.cashable, realised.cashable),
        },
        MoneyRow {
            label: lang.t("portfolio.money.non_cashable"),
            expected: pounds(expected.non_cashable),
            realised: pounds(realised.non_cashable),
            share: share(expected.non_cashable, realised.non_cashable),
        },
        MoneyRow {
            label: lang.t("portfolio.money.social_value"),
            expected: pounds(expected.social_value),
            realised: pounds(realised.social_value),
            share: share(expected.social_value, realised.social_value),
        },
        MoneyRow {
            label: lang.t("portfolio.money.cost"),
            expected: pounds(expected.cost),
            realised: pounds(realised.cost),
            share: share(expected.cost, realised.cost),
        },
    ];
    let any_money = expected != Figures::default() || realised != Figures::default();
    let money_chart = any_money.then(|| {
        BarChart::new(
            "chart-money",
            lang.t("portfolio.money.chart_title"),
            lang.t("portfolio.chart_description"),
            vec![
                Datum::new(
                    lang.t("portfolio.money.savings_expected"),
                    to_chart_value(expected.savings()),
                    pounds(expected.savings()),
                ),
                Datum::new(
                    lang.t("portfolio.money.savings_realised"),
                    to_chart_value(realised.savings()),
                    pounds(realised.savings()),
                )
                .fill(GREEN),
                Datum::new(
                    lang.t("portfolio.money.social_expected"),
                    to_chart_value(expected.social_value),
                    pounds(expected.social_value),
                ),
                Datum::new(
                    lang.t("portfolio.money.social_realised"),
                    to_chart_value(realised.social_value),
                    pounds(realised.social_value),
                )
                .fill(GREEN),
            ],
            None,
            None,
        )
    });

    // Funding used.
    let pots = filters.pots();
    let funding_row = |question: String, used: FundingUse| FundingRow {
        question,
        pot: pounds(used.pot),
        allocated: pounds(used.allocated),
        remaining: pounds(used.remaining()),
        used: used.used_share().map(percent).unwrap_or_else(|| "–".into()),
    };
    let per_pot: Vec<(String, FundingUse)> = pots
        .iter()
        .map(|c| {
            (
                c.question.clone(),
                FundingUse::of([Pot {
                    pot: c.pot_pence.unwrap_or(0),
                    allocated: c.allocated_pence,
                }]),
            )
        })
        .collect();
    let all_pots = FundingUse::of(per_pot.iter().map(|(_, u)| Pot {
        pot: u.pot,
        allocated: u.allocated,
    }));
    let funding_chart = (!per_pot.is_empty()).then(|| {
        BarChart::new(
            "chart-funding",
            lang.t("portfolio.funding.chart_title"),
            lang.t("portfolio.chart_description"),
            per_pot
                .iter()
                .map(|(q, u)| {
                    let share = u.used_share().unwrap_or(Decimal::ZERO);
                    Datum::new(
                        q.clone(),
                        u64::try_from(share.round().mantissa()).unwrap_or(0),
                        percent(share),
                    )
                })
                .collect(),
            Some(100),
            None,
        )
    });
    let funding_rows: Vec<FundingRow> = per_pot
        .into_iter()
        .map(|(q, u)| funding_row(q, u))
        .collect();
    let funding_total = (funding_rows.len() > 1)
        .then(|| funding_row(lang.t("portfolio.funding.total").to_owned(), all_pots));

    let title = lang.t("portfolio.title");
    let shell = Shell::new(visitor, &here(uri), title).with_errors(!errors.is_empty());
    let notice_banner = notice(lang, query.notice.as_deref());
    let _ = query.lang;
    let mut response = page(&PortfolioPage {
        notice: notice_banner,
        challenge_raw: filters.challenge_raw.clone(),
        year_raw: filters.year_raw.clone(),
        challenges: filters
            .challenges
            .iter()
            .map(|c| (c.id.to_string(), c.question.clone()))
            .collect(),
        years: filters.years.iter().map(i32::to_string).collect(),
        csv_href: format!("/portfolio.csv{}", filters.query()),
        count_text: count_text(lang, total_ideas, filters.filter != Filter::default()),
        total: total_ideas,
        verdict,
        target: format!("{}%", target.percent()),
        target_draft: target_draft.unwrap_or_else(|| target.percent().to_string()),
        can_set_target: tenant.require(Capability::RunPipeline).is_ok(),
        balance_chart,
        kinds,
        dimensions,
        money_rows,
        money_chart,
        with_case: money.expected.len(),
        with_evaluation: money.realised.len(),
        funding_rows,
        funding_total,
        funding_chart,
        errors,
        shell,
    })?;
    // A filter the page could not honour is bad input, like a form's.
    if bad_filter {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(query): Query<PortfolioQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ViewPortfolio)?;
    let errors = FormErrors::new(visitor.lang);
    portfolio_page(&state, &visitor, &tenant, &uri, query, errors, None).await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TargetForm {
    #[serde(default)]
    radical_percent: String,
}

async fn set_target(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Form(form): Form<TargetForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    let target = match RadicalTarget::parse(&form.radical_percent) {
        Ok(t) => t,
        Err(e) => {
            let mut errors = FormErrors::new(visitor.lang);
            errors.add(
                "radical_percent",
                match e {
                    TargetError::Missing => "portfolio.error.target_missing",
                    TargetError::NotANumber => "portfolio.error.target_not_number",
                    TargetError::OutOfRange => "portfolio.error.target_range",
                },
            );
            let mut response = portfolio_page(
                &state,
                &visitor,
                &tenant,
                &uri,
                PortfolioQuery::default(),
                errors,
                Some(form.radical_percent),
            )
            .await?;
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(response);
        }
    };
    let txn = state.db.begin_writing().await?;
    db::set_target(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        target,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/portfolio?notice=target_saved#balance").into_response())
}

// ---------------------------------------------------------------------------
// The download.

async fn download(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(query): Query<PortfolioQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ViewPortfolio)?;
    let lang = visitor.lang;
    let _ = (&query.notice, &query.lang);
    let mut errors = FormErrors::new(lang);
    let filters = filters(&state, &tenant, &query, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::BadRequest("portfolio filter".into()));
    }
    let conn = state.db.conn();
    let ideas = db::ideas(conn, tenant.org, filters.filter).await?;
    let money = money(&state, &tenant, filters.filter).await?;
    let configured = db::stages(conn, tenant.org).await?;
    let questions: HashMap<Uuid, &str> = filters
        .challenges
        .iter()
        .map(|c| (c.id, c.question.as_str()))
        .collect();
    let mut out = csv::Csv::new();
    out.record(
        [
            "id",
            "title",
            "stage",
            "service_area",
            "kind",
            "facet",
            "lever",
            "challenge",
            "submitted",
            "expected_cashable",
            "expected_non_cashable",
            "expected_social_value",
            "expected_cost",
            "realised_cashable",
            "realised_non_cashable",
            "realised_social_value",
            "realised_cost",
        ]
        .into_iter()
        .map(|k| csv::text_cell(lang.t(&format!("portfolio.csv.{k}")))),
    );
    let figures = |f: Option<&Figures>| -> Vec<String> {
        match f {
            Some(f) => vec![
                csv::pounds_cell(f.cashable),
                csv::pounds_cell(f.non_cashable),
                csv::pounds_cell(f.social_value),
                csv::pounds_cell(f.cost),
            ],
            None => vec![String::new(); 4],
        }
    };
    for idea in &ideas {
        let mut cells = vec![
            csv::text_cell(&idea.id.to_string()),
            csv::text_cell(&idea.title),
            csv::text_cell(&stage_name(lang, &idea.stage, &configured)),
            csv::text_cell(&idea.service_area),
            csv::text_cell(&term(lang, "kind", &idea.kind)),
            csv::text_cell(&term(lang, "facet", &idea.facet)),
            csv::text_cell(&term(lang, "lever", &idea.lever)),
            csv::text_cell(
                idea.challenge
                    .and_then(|c| questions.get(&c).copied())
                    .unwrap_or(""),
            ),
            csv::number_cell(&idea.created_at.date().to_string()),
        ];
        cells.extend(figures(money.expected.get(&idea.id)));
        cells.extend(figures(money.realised.get(&idea.id)));
        out.record(cells);
    }
    let filename = format!(
        "portfolio-{}-{}.csv",
        tenant.organisation.slug,
        state.clock.now().date()
    );
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        out.finish(),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_drop_needless_decimals() {
        assert_eq!(percent(Decimal::from(30)), "30%");
        assert_eq!(percent(Decimal::new(28571, 3)), "28.6%");
        assert_eq!(share_of(1, 3), "33.3%");
        assert_eq!(share_of(0, 0), "–");
    }

    #[test]
    fn stages_follow_the_configured_order_and_keep_strays() {
        let configured = vec![
            ("submitted".to_owned(), "Submitted".to_owned()),
            ("pilot".to_owned(), "Pilot".to_owned()),
        ];
        let counts = vec![("pilot".to_owned(), 2), ("retired".to_owned(), 1)];
        let rows = stage_rows(Lang::En, &counts, &configured);
        assert_eq!(
            rows,
            vec![
                ("Submitted".to_owned(), 0),
                ("Pilot".to_owned(), 2),
                ("retired".to_owned(), 1)
            ]
        );
        // Without configured stages, the defaults in the visitor's language.
        let rows = stage_rows(Lang::Cy, &[], &[]);
        assert_eq!(rows.len(), DEFAULT_STAGES.len());
        assert!(rows.iter().all(|(name, n)| !name.is_empty() && *n == 0));
    }
}
