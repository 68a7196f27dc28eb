//! Between Beacons: subscribing to another Beacon's public cases, and the
//! public cases this one offers.
//!
//! - `GET /api/exchange/cases` and `/api/exchange/cases/{id}`: the public
//!   feed (docs/federation.md), public publications made here only;
//! - `/sector/exchange/sources`: sector administrators subscribe to other
//!   Beacons, fetch them now or remove them; a background loop fetches each
//!   one periodically (`fetch::fetch_due`).
//!
//! Fetched cases are publications marked with their source; the case page
//! shows that mark through [`source_mark`] and no route edits them.
mod fetch;

pub use fetch::fetch_loop;

use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::Lang;
use crate::pipeline::format_date;
use crate::public::{here, page};
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::visitor::{SectorAdmin, Visitor};
use askama::Template;
use axum::Json;
use axum::extract::{OriginalUri, Path, Query, RawQuery, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use beacon_core::exchange::Section;
use beacon_core::exchange::federation::{
    Refusal, SCHEMA, SourceUrl, SourceUrlError, WireCase, WireFunding, WireInstance, WirePage,
    limits,
};
use beacon_db::entity::case_publication;
use beacon_db::exchange::federation::{self as store, Source, SourceMark};
use beacon_db::{ConnectionTrait, DbError};
use beacon_govuk::components::NotificationBanner;
use fetch::Fetched;
use serde::Deserialize;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn routes() -> Vec<Route> {
    vec![
        route(
            Method::GET,
            "/api/exchange/cases",
            Access::Public,
            get(api_cases),
        ),
        route(
            Method::GET,
            "/api/exchange/cases/{id}",
            Access::Public,
            get(api_case),
        ),
        route(
            Method::GET,
            "/sector/exchange/sources",
            Access::SectorAdmin,
            get(sources_page),
        ),
        route(
            Method::POST,
            "/sector/exchange/sources",
            Access::SectorAdmin,
            post(add_source),
        ),
        route(
            Method::POST,
            "/sector/exchange/sources/{id}/fetch",
            Access::SectorAdmin,
            post(fetch_now),
        ),
        route(
            Method::POST,
            "/sector/exchange/sources/{id}/remove",
            Access::SectorAdmin,
            post(remove_source),
        ),
    ]
}

// ---------------------------------------------------------------------------
// The marking of a fetched case, for the case page.

/// "From <source>" for a publication fetched from another Beacon or from the
/// case library, rendered as an inset; `None` for a case of this Beacon's
/// councils. The case page (`exchange::cases`) calls this and places the
/// result.
pub(crate) async fn source_mark<C: ConnectionTrait>(
    conn: &C,
    lang: Lang,
    publication: &case_publication::Model,
) -> Result<Option<String>, AppError> {
    let Some(mark) = store::source_of(conn, publication).await? else {
        return Ok(None);
    };
    Ok(Some(SourcePartial { lang, mark }.render()?))
}

#[derive(Template)]
#[template(path = "exchange/federation/source_mark.html")]
struct SourcePartial {
    lang: Lang,
    mark: SourceMark,
}

impl SourcePartial {
    fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    fn heading(&self) -> String {
        crate::i18n::tf(
            self.lang,
            "exchange.federation.mark.from",
            &[("name", &self.mark.name)],
        )
    }
}

// ---------------------------------------------------------------------------
// The feed offered to other Beacons.

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FeedQuery {
    cursor: Option<String>,
    limit: Option<String>,
    updated_since: Option<String>,
}

fn instance(state: &AppState) -> WireInstance {
    WireInstance {
        name: state.config.instance_name.clone(),
        url: state.config.public_url.clone(),
    }
}

fn wire(state: &AppState, p: &case_publication::Model) -> WireCase {
    let text = |s: &str| s.to_owned();
    let sections: BTreeMap<String, String> = Section::ALL
        .iter()
        .map(|s| {
            let value = match s {
                Section::Summary => text(&p.summary),
                Section::Innovative => text(&p.innovative),
                Section::Context => text(&p.context),
                Section::Partners => text(&p.partners),
                Section::Users => text(&p.users),
                Section::Results => text(&p.results),
                Section::Challenges => text(&p.challenges),
                Section::Conditions => text(&p.conditions),
                Section::Replication => text(&p.replication),
                Section::Lessons => text(&p.lessons),
                Section::Materials => text(&p.materials),
            };
            (s.key().to_owned(), value)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let funded = !p.funder.is_empty()
        || !p.funding_programme.is_empty()
        || p.funding_amount_pence.is_some()
        || p.funding_awarded_on.is_some();
    WireCase {
        id: p.id.to_string(),
        url: format!("{}/exchange/cases/{}", state.config.public_url, p.id),
        title: p.title.clone(),
        // Never a council for an anonymised case, whatever the row holds.
        council: if p.anonymous {
            None
        } else {
            p.council_name.clone()
        },
        anonymous: p.anonymous,
        sections,
        service_area: p.service_area.clone(),
        facet: p.facet.clone(),
        stage: p.stage.clone(),
        year: p.year,
        outcome: p.outcome.clone(),
        evidence_level: u8::try_from(p.evidence_level).unwrap_or(0),
        cashable_savings_pence: p.cashable_savings_pence,
        non_cashable_savings_pence: p.non_cashable_savings_pence,
        social_value_pence: p.social_value_pence,
        cost_pence: p.cost_pence,
        funding: funded.then(|| WireFunding {
            funder: p.funder.clone(),
            programme: p.funding_programme.clone(),
            amount_pence: p.funding_amount_pence,
            awarded_on: p.funding_awarded_on.map(|d| d.to_string()),
        }),
        tags: p
            .tags
            .lines()
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        published_at: p.published_at,
        updated_at: p.updated_at,
    }
}

fn json<T: serde::Serialize>(value: &T) -> Response {
    let mut response = Json(value).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

async fn api_cases(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let q: FeedQuery = serde_html_form::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| AppError::BadRequest("query".into()))?;
    let limit = match q.limit.as_deref() {
        None => limits::PAGE_SIZE_DEFAULT,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=limits::PAGE_SIZE).contains(n))
            .ok_or_else(|| AppError::BadRequest("limit".into()))?,
    };
    let after = q
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<Uuid>()
                .map_err(|_| AppError::BadRequest("cursor".into()))
        })
        .transpose()?;
    let since = q
        .updated_since
        .as_deref()
        .map(|s| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map_err(|_| AppError::BadRequest("updated_since".into()))
        })
        .transpose()?;
    let rows = store::offered(state.db.conn(), after, since, limit).await?;
    let next = (rows.len() as u64 == limit)
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    Ok(json(&WirePage {
        schema: SCHEMA.to_owned(),
        instance: instance(&state),
        cases: rows.iter().map(|p| wire(&state, p)).collect(),
        next,
    }))
}

async fn api_case(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    let p = store::offered_one(state.db.conn(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    #[derive(serde::Serialize)]
    struct One {
        schema: &'static str,
        instance: WireInstance,
        case: WireCase,
    }
    Ok(json(&One {
        schema: SCHEMA,
        instance: instance(&state),
        case: wire(&state, &p),
    }))
}

// ---------------------------------------------------------------------------
// The sources page.

#[derive(Template)]
#[template(path = "exchange/federation/sources.html")]
struct SourcesPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    base_url: String,
    sources: Vec<Source>,
}

impl SourcesPage {
    fn status(&self, source: &Source) -> &'static str {
        self.shell.t(&format!(
            "exchange.federation.status.{}",
            match source.last_status.as_str() {
                "ok" => "ok",
                "refused" => "refused",
                _ => "never",
            }
        ))
    }

    fn status_class(&self, source: &Source) -> &'static str {
        match source.last_status.as_str() {
            "ok" => "govuk-tag--green",
            "refused" => "govuk-tag--red",
            _ => "govuk-tag--grey",
        }
    }

    /// Why the last fetch was refused, in this page's words.
    fn reason(&self, source: &Source) -> String {
        if source.last_status != "refused" {
            return String::new();
        }
        let key = format!("exchange.federation.reason.{}", source.last_error);
        let text = crate::i18n::lookup(self.shell.lang, &key)
            .unwrap_or_else(|| self.shell.t("exchange.federation.reason.unreachable"));
        text.to_owned()
    }

    fn fetched_on(&self, source: &Source) -> String {
        source
            .last_fetched_at
            .map(|at| format_date(self.shell.lang, at.date()))
            .unwrap_or_default()
    }

    fn cases_text(&self, source: &Source) -> String {
        self.shell.tf(
            "exchange.federation.case_count",
            &[("count", &source.case_count.to_string())],
        )
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SourceForm {
    #[serde(default)]
    base_url: String,
}

async fn render_sources(
    state: &AppState,
    visitor: &Visitor,
    uri: &OriginalUri,
    errors: FormErrors,
    base_url: String,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let has_errors = !errors.is_empty();
    let shell = Shell::new(visitor, &here(uri), lang.t("exchange.federation.title"))
        .crumb(lang.t("sector.title"), "/sector")
        .with_errors(has_errors);
    let body = page(&SourcesPage {
        shell,
        notice: notice(lang, notice_key),
        errors,
        base_url,
        sources: store::sources(state.db.conn()).await?,
    })?;
    Ok(if has_errors {
        (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
    } else {
        body
    })
}

async fn sources_page(
    State(state): State<AppState>,
    visitor: Visitor,
    _admin: SectorAdmin,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    render_sources(
        &state,
        &visitor,
        &uri,
        FormErrors::new(visitor.lang),
        String::new(),
        q.notice.as_deref(),
    )
    .await
}

async fn add_source(
    State(state): State<AppState>,
    visitor: Visitor,
    SectorAdmin(admin): SectorAdmin,
    uri: OriginalUri,
    Form(form): Form<SourceForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::new(visitor.lang);
    let url = match SourceUrl::parse(&form.base_url) {
        Ok(url) => Some(url),
        Err(e) => {
            errors.add(
                "base_url",
                match e {
                    SourceUrlError::Missing => "exchange.federation.error.url_missing",
                    SourceUrlError::TooLong => "exchange.federation.error.url_too_long",
                    SourceUrlError::Scheme => "exchange.federation.error.url_scheme",
                    SourceUrlError::Credentials => "exchange.federation.error.url_credentials",
                    SourceUrlError::Malformed => "exchange.federation.error.url_malformed",
                },
            );
            None
        }
    };
    let name = match &url {
        Some(url) => match fetch::name_of(url, state.config.federation_private_addresses).await {
            Ok(name) => Some(name),
            Err(Refusal::PrivateAddress) => {
                errors.add("base_url", "exchange.federation.error.url_private");
                None
            }
            Err(refusal) => {
                let key = format!("exchange.federation.reason.{}", refusal.key());
                let text = crate::i18n::lookup(visitor.lang, &key)
                    .unwrap_or_else(|| visitor.lang.t("exchange.federation.reason.unreachable"));
                errors.add_text(
                    "base_url",
                    crate::i18n::tf(
                        visitor.lang,
                        "exchange.federation.error.url_unusable",
                        &[("reason", text)],
                    ),
                );
                None
            }
        },
        None => None,
    };
    let (Some(url), Some(name), true) = (url, name, errors.is_empty()) else {
        return render_sources(&state, &visitor, &uri, errors, form.base_url, None).await;
    };
    match store::add_source(
        state.db.conn(),
        &admin.actor(),
        state.clock.now(),
        &url,
        &name,
    )
    .await
    {
        Ok(source) => {
            // The first fetch happens at once, so the cases arrive with the
            // subscription; its outcome shows on the page either way.
            let notice = match fetch::fetch(&state, &source).await? {
                Fetched::Refused => "exchange_source_added_refused",
                _ => "exchange_source_added",
            };
            Ok(Redirect::to(&format!("/sector/exchange/sources?notice={notice}")).into_response())
        }
        Err(DbError::Conflict(_)) => {
            errors.add("base_url", "exchange.federation.error.url_taken");
            render_sources(&state, &visitor, &uri, errors, form.base_url, None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EmptyForm {}

async fn known_source(state: &AppState, id: &str) -> Result<Source, AppError> {
    let id: Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    store::source(state.db.conn(), id)
        .await?
        .filter(|s| s.kind == store::BEACON)
        .ok_or(AppError::NotFound)
}

async fn fetch_now(
    State(state): State<AppState>,
    _admin: SectorAdmin,
    Path(id): Path<String>,
    Form(EmptyForm {}): Form<EmptyForm>,
) -> Result<Response, AppError> {
    let source = known_source(&state, &id).await?;
    let notice = match fetch::fetch(&state, &source).await? {
        Fetched::Applied => "exchange_source_fetched",
        Fetched::Refused => "exchange_source_refused",
        Fetched::Busy => "exchange_source_busy",
    };
    Ok(Redirect::to(&format!("/sector/exchange/sources?notice={notice}")).into_response())
}

async fn remove_source(
    State(state): State<AppState>,
    SectorAdmin(admin): SectorAdmin,
    Path(id): Path<String>,
    Form(EmptyForm {}): Form<EmptyForm>,
) -> Result<Response, AppError> {
    let source = known_source(&state, &id).await?;
    store::remove_source(
        state.db.conn(),
        &admin.actor(),
        state.clock.now(),
        source.id,
    )
    .await?;
    Ok(Redirect::to("/sector/exchange/sources?notice=exchange_source_removed").into_response())
}
