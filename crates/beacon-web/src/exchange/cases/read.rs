//! Reading a case: its page, as the visitor may read it; the council's own
//! list; and its attachments, served only through the checked handler here.
use super::{
    area_label, case_path, evidence_label, facet_label, level_label, outcome_label, parse_id,
    size_label, stage_label, status_label,
};
use crate::app::AppState;
use crate::error::AppError;
use crate::exchange::paging;
use crate::forms::{NoticeQuery, notice};
use crate::pipeline::{format_date, pounds};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::exchange::{CaseStatus, Reader, Section};
use beacon_core::permission::Capability;
use beacon_core::{OrgId, Role};
use beacon_db::entity::{case_anonymised, case_attachment, case_publication, case_study};
use beacon_db::exchange::cases::{self, AttachmentInfo};
use beacon_db::exchange::publications;
use beacon_govuk::components::{NotificationBanner, Pagination, SummaryList, SummaryRow};
use uuid::Uuid;

/// A file as a case's page lists it.
pub(crate) struct FileLink {
    pub href: String,
    pub name: String,
    pub size: String,
    pub shared: bool,
}

fn file_links(page_id: Uuid, files: &[AttachmentInfo]) -> Vec<FileLink> {
    files
        .iter()
        .map(|f| FileLink {
            href: format!("{}/attachments/{}", case_path(page_id), f.id),
            name: f.file_name.clone(),
            size: size_label(f.size_bytes),
            shared: f.shared,
        })
        .collect()
}

/// What the owner's innovation lead sees besides the case.
struct OwnerTools {
    version: i32,
    status: String,
    level: String,
    anonymous: bool,
    published: bool,
    moderation: Option<case_anonymised::Model>,
    /// The address other councils read the case at, once it is shared.
    shared_at: Option<String>,
}

/// The facts both kinds of page show, in one shape.
struct Facts {
    service_area: String,
    facet: String,
    stage: String,
    year: i32,
    outcome: String,
    evidence: i16,
    cost: i64,
    cashable: i64,
    non_cashable: i64,
    social_value: i64,
    funder: String,
    programme: String,
    funding_amount: Option<i64>,
    awarded_on: Option<time::Date>,
}

impl Facts {
    fn of_case(m: &case_study::Model) -> Self {
        Self {
            service_area: m.service_area.clone(),
            facet: m.facet.clone(),
            stage: m.stage.clone(),
            year: m.year,
            outcome: m.outcome.clone(),
            evidence: m.evidence_level,
            cost: m.cost_pence,
            cashable: m.cashable_savings_pence,
            non_cashable: m.non_cashable_savings_pence,
            social_value: m.social_value_pence,
            funder: m.funder.clone(),
            programme: m.funding_programme.clone(),
            funding_amount: m.funding_amount_pence,
            awarded_on: m.funding_awarded_on,
        }
    }

    fn of_publication(p: &case_publication::Model) -> Self {
        Self {
            service_area: p.service_area.clone(),
            facet: p.facet.clone(),
            stage: p.stage.clone(),
            year: p.year,
            outcome: p.outcome.clone(),
            evidence: p.evidence_level,
            cost: p.cost_pence,
            cashable: p.cashable_savings_pence,
            non_cashable: p.non_cashable_savings_pence,
            social_value: p.social_value_pence,
            funder: p.funder.clone(),
            programme: p.funding_programme.clone(),
            funding_amount: p.funding_amount_pence,
            awarded_on: p.funding_awarded_on,
        }
    }
}

#[derive(Template)]
#[template(path = "exchange/cases/show.html")]
struct ShowPage {
    shell: Shell,
    /// The id in this page's address: the case's for its council, the
    /// publication's for everyone else.
    id: Uuid,
    title: String,
    council: String,
    anonymous: bool,
    sections: Vec<(Section, String)>,
    facts: Facts,
    tags: Vec<String>,
    files: Vec<FileLink>,
    /// Signed in and acting for a council: the links to act on the case.
    member: bool,
    owner: Option<OwnerTools>,
    notice: Option<NotificationBanner>,
    /// "From <source>" for a case fetched from another Beacon or the case
    /// library, already rendered.
    source: Option<String>,
    /// Where this reader finds similar cases: only a case the search index
    /// holds for them has any, so a draft or withdrawn case has no link.
    similar: Option<String>,
}

impl ShowPage {
    fn t(&self, key: &str) -> &'static str {
        self.shell.t(&format!("exchange.cases.show.{key}"))
    }

    fn heading(&self, s: &Section) -> &'static str {
        self.shell.t(&format!("exchange.cases.section.{}", s.key()))
    }

    fn facts(&self) -> SummaryList {
        let lang = self.shell.lang;
        let f = &self.facts;
        let t = |k: &str| self.shell.t(&format!("exchange.cases.form.{k}"));
        let mut list = SummaryList::default()
            .row(SummaryRow::text(self.t("council"), self.council.clone()))
            .row(SummaryRow::text(
                t("service_area"),
                area_label(lang, &f.service_area),
            ))
            .row(SummaryRow::text(t("facet"), facet_label(lang, &f.facet)))
            .row(SummaryRow::text(t("stage"), stage_label(lang, &f.stage)))
            .row(SummaryRow::text(t("year"), f.year.to_string()))
            .row(SummaryRow::text(
                t("outcome"),
                outcome_label(lang, &f.outcome),
            ))
            .row(SummaryRow::text(
                t("evidence"),
                evidence_label(lang, f.evidence),
            ))
            .row(SummaryRow::text(t("cost"), pounds(f.cost)))
            .row(SummaryRow::text(t("cashable"), pounds(f.cashable)))
            .row(SummaryRow::text(t("non_cashable"), pounds(f.non_cashable)))
            .row(SummaryRow::text(t("social_value"), pounds(f.social_value)));
        if !f.funder.is_empty() {
            list = list.row(SummaryRow::text(t("funder"), f.funder.clone()));
            if !f.programme.is_empty() {
                list = list.row(SummaryRow::text(
                    t("funding_programme"),
                    f.programme.clone(),
                ));
            }
            if let Some(a) = f.funding_amount {
                list = list.row(SummaryRow::text(t("funding_amount"), pounds(a)));
            }
            if let Some(d) = f.awarded_on {
                list = list.row(SummaryRow::text(t("funding_awarded"), format_date(lang, d)));
            }
        }
        list
    }

    fn status(&self) -> &'static str {
        self.owner
            .as_ref()
            .map_or("", |o| status_label(self.shell.lang, &o.status))
    }

    fn level(&self) -> String {
        let Some(o) = &self.owner else {
            return String::new();
        };
        let level = level_label(self.shell.lang, &o.level);
        if o.anonymous {
            format!("{level} ({})", self.t("anonymised"))
        } else {
            level.to_owned()
        }
    }

    fn moderation(&self) -> String {
        let Some(m) = self.owner.as_ref().and_then(|o| o.moderation.as_ref()) else {
            return String::new();
        };
        self.shell
            .t(&format!("exchange.cases.moderation_status.{}", m.status))
            .to_owned()
    }

    fn moderation_note(&self) -> String {
        self.owner
            .as_ref()
            .and_then(|o| o.moderation.as_ref())
            .map(|m| m.moderation_note.clone())
            .unwrap_or_default()
    }
}

/// The council the visitor acts for, with their roles there.
fn acting(visitor: &Visitor) -> Option<(OrgId, Vec<Role>)> {
    visitor
        .signed_in
        .as_ref()
        .and_then(|s| s.current.as_ref())
        .map(|(o, r)| (o.id, r.clone()))
}

/// The council's own case, if the visitor may read it: published ones for
/// everyone in the council, the rest for its innovation leads.
async fn own_readable(
    state: &AppState,
    org: OrgId,
    roles: &[Role],
    id: Uuid,
) -> Result<Option<case_study::Model>, AppError> {
    match cases::case(state.db.conn(), org, id).await {
        Ok(m) => {
            let published = m.status == CaseStatus::Published.key();
            if published || Capability::PublishCases.granted_by(roles) {
                Ok(Some(m))
            } else {
                Err(AppError::NotFound)
            }
        }
        Err(beacon_db::DbError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn reader(state: &AppState, visitor: &Visitor) -> Result<Reader, AppError> {
    match acting(visitor) {
        Some((org, _)) => Ok(publications::reader_for(state.db.conn(), org).await?),
        None => Ok(Reader::Public),
    }
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let conn = state.db.conn();
    let lang = visitor.lang;
    let notice = notice(lang, q.notice.as_deref());
    let acting = acting(&visitor);
    if let Some((org, roles)) = &acting {
        if let Some(m) = own_readable(&state, *org, roles, id).await? {
            let tags = cases::tags(conn, m.id).await?;
            let lead = Capability::PublishCases.granted_by(roles);
            let files = cases::attachments(conn, *org, m.id).await?;
            let files: Vec<AttachmentInfo> = if lead {
                files
            } else {
                files.into_iter().filter(|f| f.shared).collect()
            };
            let owner = if lead {
                Some(OwnerTools {
                    version: m.version,
                    status: m.status.clone(),
                    level: m.level.clone(),
                    anonymous: m.anonymous,
                    published: m.status == CaseStatus::Published.key(),
                    moderation: cases::anonymised(conn, *org, m.id).await?,
                    shared_at: cases::publication_of(conn, m.id)
                        .await?
                        .map(|p| case_path(p.id)),
                })
            } else {
                None
            };
            let council = visitor
                .signed_in
                .as_ref()
                .and_then(|s| s.current.as_ref())
                .map(|(o, _)| o.name.clone())
                .unwrap_or_default();
            let shell = Shell::new(&visitor, &case_path(m.id), m.title.clone())
                .crumb(lang.t("nav.exchange"), "/exchange");
            let shell = if lead {
                shell.crumb(lang.t("exchange.cases.mine.title"), "/exchange/mine")
            } else {
                shell
            };
            return page(&ShowPage {
                shell,
                id: m.id,
                title: m.title.clone(),
                council,
                anonymous: false,
                sections: cases::sections_of(&m)
                    .iter()
                    .filter(|(_, t)| !t.is_empty())
                    .map(|(s, t)| (s, t.to_owned()))
                    .collect(),
                facts: Facts::of_case(&m),
                tags,
                files: file_links(m.id, &files),
                member: true,
                owner,
                notice,
                source: None,
                similar: (m.status == CaseStatus::Published.key())
                    .then(|| format!("{}/similar", case_path(m.id))),
            });
        }
        if let Some(case_id) = cases::own_case_of_publication(conn, *org, id).await? {
            return Ok(Redirect::to(&case_path(case_id)).into_response());
        }
    }
    let reader = reader(&state, &visitor).await?;
    let p = publications::readable(conn, &reader, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let files = cases::shared_attachments(conn, &p).await?;
    let council = if p.anonymous {
        lang.t("exchange.cases.show.anonymised_council").to_owned()
    } else {
        p.council_name.clone().unwrap_or_default()
    };
    let source = crate::exchange::federation::source_mark(conn, lang, &p).await?;
    let shell = Shell::new(&visitor, &case_path(p.id), p.title.clone())
        .crumb(lang.t("nav.exchange"), "/exchange");
    page(&ShowPage {
        shell,
        id: p.id,
        title: p.title.clone(),
        council,
        anonymous: p.anonymous,
        sections: cases::publication_sections(&p)
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(s, t)| (s, t.to_owned()))
            .collect(),
        facts: Facts::of_publication(&p),
        tags: p
            .tags
            .lines()
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
        files: file_links(p.id, &files),
        member: acting.is_some(),
        owner: None,
        notice,
        source,
        similar: Some(format!("{}/similar", case_path(p.id))),
    })
}

#[derive(Template)]
#[template(path = "exchange/cases/mine.html")]
struct MinePage {
    shell: Shell,
    cases: Vec<case_study::Model>,
    notice: Option<NotificationBanner>,
    pagination: Option<Pagination>,
}

impl MinePage {
    fn status(&self, key: &str) -> &'static str {
        status_label(self.shell.lang, key)
    }

    fn level(&self, c: &case_study::Model) -> String {
        let level = level_label(self.shell.lang, &c.level);
        if c.anonymous {
            format!(
                "{level} ({})",
                self.shell.t("exchange.cases.show.anonymised")
            )
        } else {
            level.to_owned()
        }
    }

    fn updated(&self, c: &case_study::Model) -> String {
        format_date(self.shell.lang, c.updated_at.date())
    }

    fn tag_class(&self, key: &str) -> &'static str {
        match key.parse::<CaseStatus>() {
            Ok(CaseStatus::Published) => "govuk-tag--green",
            Ok(CaseStatus::Withdrawn) => "govuk-tag--red",
            _ => "govuk-tag--grey",
        }
    }
}

/// A list's address: its notice and language, and which page.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub notice: Option<String>,
    pub lang: Option<String>,
    pub page: Option<String>,
}

pub async fn mine(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::PublishCases)?;
    let _ = q.lang;
    let found = cases::mine_page(
        state.db.conn(),
        tenant.org,
        paging::page_number(q.page.as_deref()),
        paging::PER_PAGE,
    )
    .await?;
    let lang = visitor.lang;
    let shell = Shell::new(
        &visitor,
        "/exchange/mine",
        lang.t("exchange.cases.mine.title"),
    )
    .crumb(lang.t("nav.exchange"), "/exchange");
    page(&MinePage {
        shell,
        cases: found.rows,
        notice: notice(lang, q.notice.as_deref()),
        pagination: paging::pagination(lang, "/exchange/mine", found.page, found.pages),
    })
}

/// A header-safe `filename` and its UTF-8 `filename*` (RFC 6266).
fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

fn file_response(file: case_attachment::Model) -> Result<Response, AppError> {
    let mut response = (StatusCode::OK, Body::from(file.content)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(&file.content_type)
            .map_err(|_| AppError::Internal("content type".into()))?,
    );
    headers.insert(
        CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition(&file.file_name))
            .map_err(|_| AppError::Internal("file name".into()))?,
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// A case's file: the council's own (all of them for its innovation leads,
/// the shared ones for everyone else in it), or a shared file of a named
/// publication the visitor may read. Never a file of an anonymised one.
pub async fn attachment(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let file = parse_id(&file)?;
    let conn = state.db.conn();
    if let Some((org, roles)) = acting(&visitor)
        && let Some(m) = own_readable(&state, org, &roles, id).await?
    {
        let f = cases::attachment(conn, org, m.id, file).await?;
        if !f.shared && !Capability::PublishCases.granted_by(&roles) {
            return Err(AppError::NotFound);
        }
        return file_response(f);
    }
    let reader = reader(&state, &visitor).await?;
    let p = publications::readable(conn, &reader, id)
        .await?
        .ok_or(AppError::NotFound)?;
    file_response(cases::shared_attachment(conn, &p, file).await?)
}
