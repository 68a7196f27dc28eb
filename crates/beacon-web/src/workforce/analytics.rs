//! `/talent/analytics`: the pool's size month by month, time to placement,
//! placements, trials passed, redundancies avoided and their cost,
//! recruitment cost avoided, savings from deleted posts, and outcomes by
//! protected characteristic with counts under 10 suppressed (the rule is in
//! `beacon_core::talent::analytics::suppress`). Each chart has its table; the
//! figures can be downloaded as CSV, guarded against formulas.
use super::chart::{BarChart, Datum, GREEN, GREY};
use super::csv;
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::NoticeQuery;
use crate::i18n::{Lang, tf};
use crate::pipeline::pounds;
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use beacon_core::OrgId;
use beacon_core::permission::Capability;
use beacon_core::talent::analytics::{
    Cell, MonthFigures, Spread, Trials, by_month, group_steps, recruitment_avoided, suppress,
    time_to_placement, trials,
};
use beacon_core::talent::import::{AgeBand, Disability, Ethnicity, Sex};
use beacon_db::workforce::{self as db, EqualityCount};
use std::sync::Arc;
use time::Date;

/// How many months of history the page shows.
const MONTHS: u32 = 18;

/// The three outcomes of a stay, in the order of the columns.
const OUTCOMES: [&str; 3] = ["placed", "in_pool", "left"];

fn outcome_of(status: &str) -> usize {
    match status {
        "placed" => 0,
        "left" => 2,
        _ => 1,
    }
}

/// Everything the page and the download show.
struct Figures {
    in_pool: u64,
    months: Vec<MonthFigures>,
    placements: u64,
    time_to_placement: Option<Spread>,
    trials: Trials,
    redundancies_avoided: u64,
    redundancy_cost_pence: i64,
    recruitment_cost_each: i64,
    recruitment_avoided_pence: i64,
    posts_deleted: u64,
    deletion_savings_pence: i64,
    equality: Vec<EqualityTable>,
}

/// Outcomes by one protected characteristic, suppressed.
struct EqualityTable {
    id: &'static str,
    heading: String,
    rows: Vec<(String, Vec<String>)>,
    totals: Vec<String>,
}

fn shown(lang: Lang, c: Cell) -> String {
    match c {
        Cell::Count(n) => n.to_string(),
        Cell::Suppressed => lang.t("workforce.analytics.suppressed").to_owned(),
    }
}

/// The label key of an equality value: TOML keys cannot hold "+".
fn value_key(key: &str) -> String {
    key.replace('+', "_plus").replace('-', "_")
}

fn equality_table(
    lang: Lang,
    id: &'static str,
    keys: &[&'static str],
    counts: &[EqualityCount],
    value: impl Fn(&EqualityCount) -> Option<&str>,
) -> EqualityTable {
    // One row per known value, and one for "not recorded" (nothing stored,
    // or a value outside the list).
    let mut grid = vec![vec![0u64; OUTCOMES.len()]; keys.len() + 1];
    for c in counts {
        let row = value(c)
            .and_then(|v| keys.iter().position(|k| *k == v))
            .unwrap_or(keys.len());
        grid[row][outcome_of(&c.status)] += c.count;
    }
    let s = suppress(&grid);
    let mut labels: Vec<String> = keys
        .iter()
        .map(|k| {
            lang.t(&format!("workforce.equality.{id}.{}", value_key(k)))
                .to_owned()
        })
        .collect();
    labels.push(lang.t("workforce.equality.not_recorded").to_owned());
    let rows = labels
        .into_iter()
        .enumerate()
        .map(|(r, label)| {
            let mut cells: Vec<String> = s.cells[r].iter().map(|c| shown(lang, *c)).collect();
            cells.push(shown(lang, s.row_totals[r]));
            (label, cells)
        })
        .collect();
    let mut totals: Vec<String> = s.column_totals.iter().map(|c| shown(lang, *c)).collect();
    totals.push(shown(lang, s.total));
    EqualityTable {
        id,
        heading: lang
            .t(&format!("workforce.equality.{id}.heading"))
            .to_owned(),
        rows,
        totals,
    }
}

/// What the page reads from the tables the talent change stamp watches:
/// kept per organisation until the stamp moves (see `crate::stamped`), so
/// that a page of the pool's history does not rescan it on every request.
pub(crate) struct Reads {
    stays: Vec<db::StayRow>,
    steps: Vec<Vec<String>>,
    posts_deleted: u64,
    deletion_savings_pence: i64,
    counts: Vec<EqualityCount>,
}

impl Reads {
    async fn read(state: &AppState, org: OrgId) -> Result<Self, AppError> {
        let conn = state.db.conn();
        let stays = db::stays(conn, org).await?;
        let steps = group_steps(db::trial_steps(conn, org).await?);
        let (posts_deleted, deletion_savings_pence) = db::deletion_savings(conn, org).await?;
        let counts = db::equality_counts(conn, org).await?;
        Ok(Self {
            stays,
            steps,
            posts_deleted,
            deletion_savings_pence,
            counts,
        })
    }

    /// The organisation's reads as of now.
    async fn current(state: &AppState, org: OrgId, today: Date) -> Result<Arc<Self>, AppError> {
        let stamp = beacon_db::talent_generation::current(state.db.conn(), org).await?;
        state
            .analytics
            .get_or_read(org, (stamp, today), || Self::read(state, org))
            .await
    }
}

async fn figures(
    state: &AppState,
    lang: Lang,
    org: OrgId,
    today: Date,
) -> Result<Figures, AppError> {
    let reads = Reads::current(state, org, today).await?;
    let settings = beacon_db::talent_settings::get(state.db.conn(), org).await?;
    let Reads {
        stays,
        steps,
        posts_deleted,
        deletion_savings_pence,
        counts,
    } = &*reads;
    let (posts_deleted, deletion_savings_pence) = (*posts_deleted, *deletion_savings_pence);
    let plain: Vec<_> = stays.iter().map(db::StayRow::stay).collect();
    let placements = stays.iter().filter(|s| s.status == "placed").count() as u64;
    let avoided: Vec<&db::StayRow> = stays.iter().filter(|s| s.redundancy_avoided()).collect();
    let sex: Vec<&'static str> = Sex::ALL.iter().map(|v| v.key()).collect();
    let ethnicity: Vec<&'static str> = Ethnicity::ALL.iter().map(|v| v.key()).collect();
    let disability: Vec<&'static str> = Disability::ALL.iter().map(|v| v.key()).collect();
    let age: Vec<&'static str> = AgeBand::ALL.iter().map(|v| v.key()).collect();
    Ok(Figures {
        in_pool: stays
            .iter()
            .filter(|s| s.status == "active" || s.status == "on_trial")
            .count() as u64,
        months: by_month(&plain, today, MONTHS),
        placements,
        time_to_placement: time_to_placement(&plain),
        trials: trials(steps.iter().map(Vec::as_slice)),
        redundancies_avoided: avoided.len() as u64,
        redundancy_cost_pence: avoided
            .iter()
            .filter_map(|s| s.redundancy_cost_pence)
            .fold(0i64, i64::saturating_add),
        recruitment_cost_each: settings.recruitment_cost_pence,
        recruitment_avoided_pence: recruitment_avoided(placements, settings.recruitment_cost_pence),
        posts_deleted,
        deletion_savings_pence,
        equality: vec![
            equality_table(lang, "sex", &sex, counts, |c| c.sex.as_deref()),
            equality_table(lang, "ethnicity", &ethnicity, counts, |c| {
                c.ethnicity.as_deref()
            }),
            equality_table(lang, "disability", &disability, counts, |c| {
                c.disability.as_deref()
            }),
            equality_table(lang, "age_band", &age, counts, |c| c.age_band.as_deref()),
        ],
    })
}

fn month_label(lang: Lang, m: &MonthFigures) -> String {
    let months: Vec<&str> = lang.t("common.months").split_whitespace().collect();
    let name = months
        .get(usize::from(u8::from(m.month)) - 1)
        .copied()
        .unwrap_or("");
    format!("{name} {}", m.year)
}

fn days(lang: Lang, n: i64) -> String {
    if n == 1 {
        lang.t("workforce.analytics.one_day").to_owned()
    } else {
        tf(
            lang,
            "workforce.analytics.days",
            &[("count", &n.to_string())],
        )
    }
}

/// A headline figure: what it is, its value, and a note.
struct Headline {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "workforce/analytics.html")]
struct AnalyticsPage {
    shell: Shell,
    headlines: Vec<Headline>,
    months: Vec<(String, String, String, String, String)>,
    size_chart: BarChart,
    money_chart: Option<BarChart>,
    placement_text: String,
    equality: Vec<EqualityTable>,
}

fn headlines(lang: Lang, f: &Figures) -> Vec<Headline> {
    let h = |key: &str, value: String| Headline {
        label: lang.t(&format!("workforce.analytics.{key}")).to_owned(),
        value,
    };
    vec![
        h("in_pool", f.in_pool.to_string()),
        h("placements", f.placements.to_string()),
        h(
            "median_time",
            f.time_to_placement
                .map(|s| days(lang, s.median))
                .unwrap_or_else(|| "–".into()),
        ),
        h("trials_passed", f.trials.passed.to_string()),
        h("trials_not_passed", f.trials.not_passed.to_string()),
        h("trials_running", f.trials.running.to_string()),
        h("redundancies_avoided", f.redundancies_avoided.to_string()),
        h("redundancy_cost", pounds(f.redundancy_cost_pence)),
        h("recruitment_avoided", pounds(f.recruitment_avoided_pence)),
        h("posts_deleted", f.posts_deleted.to_string()),
        h("deletion_savings", pounds(f.deletion_savings_pence)),
    ]
}

fn to_chart(pence: i64) -> u64 {
    u64::try_from(pence.max(0)).unwrap_or(0)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let _ = (&query.notice, &query.lang);
    let lang = visitor.lang;
    let f = figures(&state, lang, tenant.org, state.clock.now().date()).await?;
    let size_chart = BarChart::new(
        "chart-pool-size",
        lang.t("workforce.analytics.size_chart"),
        lang.t("workforce.analytics.chart_description"),
        f.months
            .iter()
            .map(|m| Datum::new(month_label(lang, m), m.size, m.size.to_string()))
            .collect(),
        None,
        None,
    );
    let money_total = f.redundancy_cost_pence != 0
        || f.recruitment_avoided_pence != 0
        || f.deletion_savings_pence != 0;
    let money_chart = money_total.then(|| {
        BarChart::new(
            "chart-money",
            lang.t("workforce.analytics.money_chart"),
            lang.t("workforce.analytics.chart_description"),
            vec![
                Datum::new(
                    lang.t("workforce.analytics.redundancy_cost"),
                    to_chart(f.redundancy_cost_pence),
                    pounds(f.redundancy_cost_pence),
                ),
                Datum::new(
                    lang.t("workforce.analytics.recruitment_avoided"),
                    to_chart(f.recruitment_avoided_pence),
                    pounds(f.recruitment_avoided_pence),
                )
                .fill(GREEN),
                Datum::new(
                    lang.t("workforce.analytics.deletion_savings"),
                    to_chart(f.deletion_savings_pence),
                    pounds(f.deletion_savings_pence),
                )
                .fill(GREY),
            ],
            None,
            None,
        )
    });
    let placement_text = match f.time_to_placement {
        Some(s) => tf(
            lang,
            "workforce.analytics.spread",
            &[
                ("count", &s.count.to_string()),
                ("median", &days(lang, s.median)),
                ("lower", &days(lang, s.lower_quartile)),
                ("upper", &days(lang, s.upper_quartile)),
                ("shortest", &days(lang, s.shortest)),
                ("longest", &days(lang, s.longest)),
            ],
        ),
        None => lang.t("workforce.analytics.no_placements").to_owned(),
    };
    let shell = Shell::new(&visitor, &here(&uri), lang.t("workforce.analytics.title"))
        .crumb(lang.t("workforce.crumb"), "/talent");
    page(&AnalyticsPage {
        shell,
        headlines: headlines(lang, &f),
        months: f
            .months
            .iter()
            .map(|m| {
                (
                    month_label(lang, m),
                    m.entered.to_string(),
                    m.placed.to_string(),
                    m.left.to_string(),
                    m.size.to_string(),
                )
            })
            .collect(),
        size_chart,
        money_chart,
        placement_text,
        equality: f.equality,
    })
}

pub async fn download(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let _ = (&query.notice, &query.lang);
    let lang = visitor.lang;
    let today = state.clock.now().date();
    let f = figures(&state, lang, tenant.org, today).await?;
    let mut out = csv::Csv::new();
    let t = |key: &str| csv::text_cell(lang.t(&format!("workforce.analytics.{key}")));
    out.record([t("figure"), t("value")]);
    for h in headlines(lang, &f) {
        out.record([csv::text_cell(&h.label), csv::text_cell(&h.value)]);
    }
    out.record([
        t("recruitment_cost_each"),
        csv::pounds_cell(f.recruitment_cost_each),
    ]);
    out.record(Vec::<String>::new());
    out.record([t("month"), t("entered"), t("placed"), t("left"), t("size")]);
    for m in &f.months {
        out.record([
            csv::text_cell(&month_label(lang, m)),
            csv::number_cell(&m.entered.to_string()),
            csv::number_cell(&m.placed.to_string()),
            csv::number_cell(&m.left.to_string()),
            csv::number_cell(&m.size.to_string()),
        ]);
    }
    for table in &f.equality {
        out.record(Vec::<String>::new());
        let mut head = vec![csv::text_cell(&table.heading)];
        head.extend(
            OUTCOMES
                .iter()
                .map(|o| t(&format!("outcome_{o}")))
                .chain([t("total")]),
        );
        out.record(head);
        for (label, cells) in &table.rows {
            let mut row = vec![csv::text_cell(label)];
            row.extend(cells.iter().map(|c| csv::text_cell(c)));
            out.record(row);
        }
        let mut row = vec![t("total")];
        row.extend(table.totals.iter().map(|c| csv::text_cell(c)));
        out.record(row);
    }
    let filename = format!("talent-analytics-{}-{today}.csv", tenant.organisation.slug);
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
