//! Finding cases: full text with facets (service area, facet, stage, outcome,
//! evidence level, council, year) and similar cases, over what the reader may
//! read. The index filters by the reader's council itself, so nothing a
//! reader may not read is ever fetched for a page.
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::i18n::Lang;
use crate::public::page;
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use beacon_govuk::components::{Input, Label};
use beacon_search::{Dimension, FacetCount, Filters, Found, Hit, Request, parse_filter};
use uuid::Uuid;

/// Results on a page.
pub const PER_PAGE: usize = 20;
/// The deepest page offered: beyond it, a narrower search helps more.
const MAX_PAGE: usize = 500;
/// The longest search text accepted.
const MAX_TEXT: usize = 200;
/// Council names offered as filters, the most frequent first.
const MAX_COUNCILS: usize = 30;
const SIMILAR: usize = 10;

pub fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/exchange", Access::Public, get(find)),
        route(
            Method::GET,
            "/exchange/cases/{id}/similar",
            Access::Public,
            get(similar),
        ),
    ]
}

/// The council the visitor acts for, if any: what the index filters by.
fn reader_org(visitor: &Visitor) -> Option<Uuid> {
    visitor
        .signed_in
        .as_ref()
        .and_then(|s| s.current.as_ref())
        .map(|(o, _)| o.id.uuid())
}

fn label(lang: Lang, dimension: Dimension, value: &str) -> String {
    let key = match dimension {
        Dimension::Area => format!("ideas.area.{value}"),
        Dimension::Council | Dimension::Year => return value.to_owned(),
        d => format!("exchange.search.{}.{value}", d.key()),
    };
    crate::i18n::lookup(lang, &key).map_or_else(|| value.to_owned(), str::to_owned)
}

/// A search as the query string asks for it, or the errors that make it
/// one no page of ours would send.
struct Asked {
    request: Request,
    errors: Vec<(String, String)>,
}

fn parse(lang: Lang, raw: Option<&str>) -> Asked {
    let mut request = Request {
        page: 1,
        per_page: PER_PAGE,
        ..Request::default()
    };
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut filters = Filters::new();
    let t = |key: &str| lang.t(key).to_owned();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        match key.as_ref() {
            "q" => {
                if value.chars().count() > MAX_TEXT {
                    errors.push(("q".into(), t("exchange.search.error.too_long")));
                } else {
                    request.text = value.trim().to_owned();
                }
            }
            "page" => match value.parse::<usize>() {
                Ok(p) if (1..=MAX_PAGE).contains(&p) => request.page = p,
                _ => errors.push(("q".into(), t("exchange.search.error.page"))),
            },
            "lang" => {}
            other => match Dimension::parse(other) {
                Some(d) => match parse_filter(d, &value) {
                    Some(v) => {
                        filters.entry(d).or_default().insert(v);
                    }
                    None => errors.push((
                        "q".into(),
                        lang_tf(
                            lang,
                            "exchange.search.error.value",
                            &[(
                                "name",
                                t(&format!("exchange.search.dimension.{}", d.key())).as_str(),
                            )],
                        ),
                    )),
                },
                None => errors.push((
                    "q".into(),
                    lang_tf(
                        lang,
                        "exchange.search.error.key",
                        &[("key", truncate(other, 40).as_str())],
                    ),
                )),
            },
        }
    }
    request.filters = filters;
    Asked { request, errors }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn lang_tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = lang.t(key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// One facet's checkboxes.
struct FacetGroup {
    dimension: Dimension,
    legend: &'static str,
    options: Vec<FacetOption>,
}

struct FacetOption {
    value: String,
    label: String,
    count: u64,
    selected: bool,
}

impl FacetGroup {
    fn key(&self) -> &'static str {
        self.dimension.key()
    }
}

/// A result as the page shows it.
struct Row {
    href: String,
    title: String,
    council: String,
    own: bool,
    area: String,
    year: i32,
    outcome: String,
    snippet: Vec<beacon_search::SnippetPart>,
}

fn row(lang: Lang, hit: &Hit) -> Row {
    Row {
        href: format!("/exchange/cases/{}", hit.id),
        title: hit.title.clone(),
        council: hit
            .council
            .clone()
            .unwrap_or_else(|| lang.t("exchange.search.anonymised").to_owned()),
        own: hit.kind == beacon_search::Kind::Case,
        area: label(lang, Dimension::Area, &hit.service_area),
        year: hit.year,
        outcome: label(lang, Dimension::Outcome, &hit.outcome),
        snippet: hit.snippet.clone(),
    }
}

fn groups(lang: Lang, found: &Found) -> Vec<FacetGroup> {
    Dimension::ALL
        .into_iter()
        .map(|d| {
            let mut counts: Vec<FacetCount> = found.facets.get(&d).cloned().unwrap_or_default();
            match d {
                Dimension::Year => counts.sort_by(|a, b| b.value.cmp(&a.value)),
                Dimension::Council => {
                    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.value.cmp(&b.value)));
                    let mut kept: Vec<FacetCount> = Vec::new();
                    for c in counts {
                        if c.selected || kept.len() < MAX_COUNCILS {
                            kept.push(c);
                        }
                    }
                    counts = kept;
                }
                _ => counts.sort_by_key(|c| vocabulary_order(d, &c.value)),
            }
            FacetGroup {
                dimension: d,
                legend: lang.t(&format!("exchange.search.dimension.{}", d.key())),
                options: counts
                    .into_iter()
                    .filter(|c| c.count > 0 || c.selected)
                    .map(|c| FacetOption {
                        label: label(lang, d, &c.value),
                        value: c.value,
                        count: c.count,
                        selected: c.selected,
                    })
                    .collect(),
            }
        })
        .filter(|g| !g.options.is_empty())
        .collect()
}

fn vocabulary_order(d: Dimension, value: &str) -> usize {
    use beacon_core::exchange::LifecycleStage;
    use beacon_core::pipeline::stages::ServiceArea;
    use beacon_core::pipeline::{Facet, Outcome};
    let keys: Vec<&str> = match d {
        Dimension::Area => ServiceArea::ALL.iter().map(|a| a.key()).collect(),
        Dimension::Facet => Facet::ALL.iter().map(|a| a.key()).collect(),
        Dimension::Stage => LifecycleStage::ALL.iter().map(|a| a.key()).collect(),
        Dimension::Outcome => Outcome::ALL.iter().map(|a| a.key()).collect(),
        Dimension::Evidence => vec!["1", "2", "3", "4", "5"],
        _ => Vec::new(),
    };
    keys.iter().position(|k| *k == value).unwrap_or(usize::MAX)
}

/// The Atom feed that goes with a search: a service area's own feed when
/// one area is all that is asked for, the whole exchange's otherwise.
fn feed_for(lang: Lang, request: &Request) -> (String, String) {
    let areas = request.filters.get(&Dimension::Area);
    let only_area = request.text.is_empty()
        && request
            .filters
            .iter()
            .all(|(d, v)| *d == Dimension::Area || v.is_empty());
    match areas
        .filter(|a| a.len() == 1 && only_area)
        .and_then(|a| a.iter().next())
    {
        Some(area) => (
            crate::i18n::tf(
                lang,
                "exchange.spread.feed.area_title",
                &[("area", &label(lang, Dimension::Area, area))],
            ),
            format!("/exchange/areas/{area}/feed.atom"),
        ),
        None => (
            lang.t("exchange.spread.feed.title").to_owned(),
            "/exchange/feed.atom".to_owned(),
        ),
    }
}

#[derive(Template)]
#[template(path = "exchange/search/index.html")]
struct SearchPage {
    shell: Shell,
    text: String,
    errors: FormErrors,
    total: usize,
    all_words: bool,
    rows: Vec<Row>,
    groups: Vec<FacetGroup>,
    page: usize,
    pages: usize,
    request: Request,
}

impl SearchPage {
    fn search_box(&self) -> Input {
        Input::new("q")
            .kind("search")
            .label(Label::text(self.shell.t("exchange.search.label")).classes("govuk-label--m"))
            .hint(self.shell.t("exchange.search.hint"))
            .classes("govuk-!-width-two-thirds")
            .value(self.text.clone())
            .error_message(self.errors.message("q"))
    }

    fn count(&self) -> String {
        let key = match (self.total, self.text.is_empty()) {
            (1, _) => "exchange.search.count_one",
            (_, true) => "exchange.search.count_all",
            _ => "exchange.search.count",
        };
        let n = self.total.to_string();
        self.shell.tf(key, &[("count", n.as_str())])
    }

    fn option_id(&self, group: &FacetGroup, i: &usize) -> String {
        format!("filter-{}-{}", group.key(), i)
    }

    fn clear_href(&self) -> String {
        if self.request.text.is_empty() {
            return "/exchange".to_owned();
        }
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("q", &self.request.text);
        format!("/exchange?{}", q.finish())
    }

    fn page_href(&self, page: usize) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if !self.request.text.is_empty() {
            q.append_pair("q", &self.request.text);
        }
        for (d, values) in &self.request.filters {
            for v in values {
                q.append_pair(d.key(), v);
            }
        }
        if page > 1 {
            q.append_pair("page", &page.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            "/exchange".to_owned()
        } else {
            format!("/exchange?{q}")
        }
    }

    fn has_filters(&self) -> bool {
        self.request.filters.values().any(|v| !v.is_empty())
    }

    fn page_of(&self) -> String {
        let (page, pages) = (self.page.to_string(), self.pages.to_string());
        self.shell.tf(
            "common.page_of",
            &[("page", page.as_str()), ("pages", pages.as_str())],
        )
    }
}

/// Run a search on a blocking thread: it is CPU work of a few milliseconds
/// over a large index, and on the runtime's few worker threads it would hold
/// up every other request meanwhile.
async fn off_the_runtime<T: Send + 'static>(
    search: impl FnOnce() -> Result<T, beacon_search::SearchError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(search)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

async fn find(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let asked = parse(lang, raw.as_deref());
    let index = state.search.clone();
    let (reader, request) = (reader_org(&visitor), asked.request.clone());
    let found = off_the_runtime(move || index.search(reader, &request)).await?;
    let pages = found.total.div_ceil(PER_PAGE).clamp(1, MAX_PAGE);
    // A query no page of ours sends: one message, on the search box, where a
    // new search starts.
    let mut errors = FormErrors::new(lang);
    for (field, message) in asked.errors {
        errors.add_text(&field, message);
    }
    let bad = !errors.is_empty();
    let (feed_title, feed_href) = feed_for(lang, &asked.request);
    let shell = Shell::new(&visitor, "/exchange", lang.t("exchange.search.title"))
        .with_errors(bad)
        .feed(feed_title, feed_href);
    let mut response = page(&SearchPage {
        shell,
        text: asked.request.text.clone(),
        errors,
        total: found.total,
        all_words: found.all_words,
        rows: found.hits.iter().map(|h| row(lang, h)).collect(),
        groups: groups(lang, &found),
        page: asked.request.page,
        pages,
        request: asked.request,
    })?;
    if bad {
        *response.status_mut() = StatusCode::BAD_REQUEST;
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "exchange/search/similar.html")]
struct SimilarPage {
    shell: Shell,
    source: Row,
    rows: Vec<Row>,
}

async fn similar(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let index = state.search.clone();
    let reader = reader_org(&visitor);
    let Some((source, hits)) = off_the_runtime(move || index.similar(reader, id, SIMILAR)).await?
    else {
        return Err(AppError::NotFound);
    };
    let source = row(lang, &source);
    let shell = Shell::new(
        &visitor,
        &format!("/exchange/cases/{id}/similar"),
        lang.t("exchange.search.similar.title"),
    )
    .crumb(lang.t("exchange.search.title"), "/exchange")
    .crumb(source.title.clone(), source.href.clone());
    page(&SimilarPage {
        shell,
        source,
        rows: hits.iter().map(|h| row(lang, h)).collect(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_query_string_is_allow_listed() {
        let asked = parse(
            Lang::En,
            Some("q=shared+HR&area=housing&area=planning&year=2024&page=2"),
        );
        assert!(asked.errors.is_empty());
        assert_eq!(asked.request.text, "shared HR");
        assert_eq!(asked.request.page, 2);
        assert_eq!(asked.request.filters[&Dimension::Area].len(), 2);
        let asked = parse(Lang::En, Some("q=x&sort=secret&area=nowhere&page=0"));
        assert_eq!(asked.errors.len(), 3);
        assert!(asked.errors.iter().all(|(field, _)| field == "q"));
        assert!(asked.request.filters.is_empty());
        assert_eq!(asked.request.page, 1);
    }
}
