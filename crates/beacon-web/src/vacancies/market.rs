//! The jobs market: the vacancies open to the visitor (and those held for the
//! pool when they are in it), reviews waiting for HR or raised by a manager,
//! partners' shared vacancies; and a vacancy's page.
use super::{
    PER_PAGE, Seen, area_keys, area_label, audience_label, decision_label, grades, is_hr, seen,
    status_label, today,
};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::notice;
use crate::pipeline::{format_date, pounds};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use beacon_core::Role;
use beacon_core::talent::VacancyStatus;
use beacon_core::talent::vacancies::{
    self as rules, Audience, ExceptionStatus, ListView, hours_text,
};
use beacon_db::entity::{freeze_exception, vacancy};
use beacon_db::organisations;
use beacon_db::vacancies::{self, HistoryLine, ListFilter, Listing, Requirements};
use beacon_govuk::components::{Label, NotificationBanner, Select, SelectItem};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    view: Option<String>,
    area: Option<String>,
    grade: Option<String>,
    page: Option<String>,
    notice: Option<String>,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "vacancies/list.html")]
struct ListPage {
    shell: Shell,
    view: ListView,
    views: Vec<ListView>,
    vacancies: Vec<vacancy::Model>,
    councils: HashMap<uuid::Uuid, String>,
    total: u64,
    page: u64,
    pages: u64,
    area: String,
    grade: String,
    may_raise: bool,
    today: time::Date,
    notice: Option<NotificationBanner>,
}

impl ListPage {
    fn view_label(&self, v: &ListView) -> &'static str {
        self.shell.t(&format!("vacancies.view.{}", v.key()))
    }

    fn view_href(&self, v: &ListView) -> String {
        format!("/vacancies?view={}", v.key())
    }

    fn is_partners(&self) -> bool {
        self.view == ListView::Partners
    }

    fn is_view(&self, v: &ListView) -> bool {
        *v == self.view
    }

    fn area_select(&self) -> Select {
        let mut s = Select::new("area")
            .label(Label::text(self.shell.t("vacancies.filter.area")))
            .value(self.area.clone())
            .item(SelectItem::new("", self.shell.t("vacancies.filter.any")));
        for key in area_keys() {
            s = s.item(SelectItem::new(key, area_label(self.shell.lang, key)));
        }
        s
    }

    fn grade_select(&self) -> Select {
        let mut s = Select::new("grade")
            .label(Label::text(self.shell.t("vacancies.filter.grade")))
            .value(self.grade.clone())
            .item(SelectItem::new("", self.shell.t("vacancies.filter.any")));
        for g in 1..=beacon_core::talent::MAX_GRADE {
            s = s.item(SelectItem::new(g.to_string(), g.to_string()));
        }
        s
    }

    fn area(&self, key: &str) -> String {
        area_label(self.shell.lang, key)
    }

    fn grades(&self, v: &vacancy::Model) -> String {
        grades(v)
    }

    fn council(&self, v: &vacancy::Model) -> &str {
        self.councils
            .get(&v.organisation_id)
            .map_or("", String::as_str)
    }

    fn state(&self, v: &vacancy::Model) -> String {
        let Ok(status) = v.status.parse::<VacancyStatus>() else {
            return String::new();
        };
        match rules::audience(status, v.pool_until, self.today) {
            Audience::Pool => match v.pool_until {
                Some(d) => self.shell.tf(
                    "vacancies.vacancy.pool_until",
                    &[("date", &format_date(self.shell.lang, d))],
                ),
                None => audience_label(self.shell.lang, Audience::Pool).to_owned(),
            },
            Audience::AllStaff => audience_label(self.shell.lang, Audience::AllStaff).to_owned(),
            _ => status_label(self.shell.lang, &v.status).to_owned(),
        }
    }

    fn count(&self) -> String {
        self.shell.tf(
            "vacancies.list.count",
            &[("count", &self.total.to_string())],
        )
    }

    fn page_href(&self, page: u64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("view", self.view.key());
        if !self.area.is_empty() {
            q.append_pair("area", &self.area);
        }
        if !self.grade.is_empty() {
            q.append_pair("grade", &self.grade);
        }
        q.append_pair("page", &page.to_string());
        format!("/vacancies?{}", q.finish())
    }
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let conn = state.db.conn();
    let today = today(&state);
    let me = tenant.who.person.id;
    let hr = is_hr(&tenant);
    let manager = tenant.roles.contains(&Role::Manager);
    let partners = organisations::partners_of(conn, tenant.org).await?;
    let mut views = vec![ListView::Open];
    if hr || manager {
        views.push(ListView::Reviews);
    }
    if !partners.is_empty() {
        views.push(ListView::Partners);
    }
    let view = Some(ListView::parse(q.view.as_deref()))
        .filter(|v| views.contains(v))
        .unwrap_or(ListView::Open);
    let areas = area_keys();
    let area = q.area.filter(|a| areas.contains(&a.as_str()));
    let grade = q
        .grade
        .and_then(|g| g.parse::<i32>().ok())
        .filter(|g| (1..=i32::from(beacon_core::talent::MAX_GRADE)).contains(g));
    let page_no = q
        .page
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let listing = match view {
        ListView::Open => Listing::Open {
            today,
            pool_too: hr || vacancies::in_pool(conn, tenant.org, me).await?,
        },
        ListView::Reviews if hr => Listing::AwaitingHr,
        ListView::Reviews => Listing::RaisedBy(me),
        ListView::Partners => Listing::Shared {
            partners: partners.clone(),
            today,
        },
    };
    let filter = ListFilter {
        service_area: area.clone(),
        grade,
    };
    let found = vacancies::list(conn, tenant.org, &listing, &filter, page_no, PER_PAGE).await?;
    let mut councils = HashMap::new();
    if view == ListView::Partners {
        for p in &partners {
            if let Some(o) = organisations::by_id(conn, *p).await? {
                councils.insert(p.uuid(), o.name);
            }
        }
    }
    let shell = Shell::new(
        &visitor,
        "/vacancies",
        visitor.lang.t("vacancies.list.title"),
    );
    page(&ListPage {
        shell,
        view,
        views,
        pages: found.total.div_ceil(PER_PAGE).max(1),
        total: found.total,
        vacancies: found.vacancies,
        councils,
        page: page_no,
        area: area.unwrap_or_default(),
        grade: grade.map(|g| g.to_string()).unwrap_or_default(),
        may_raise: manager || hr,
        today,
        notice: notice(visitor.lang, q.notice.as_deref()),
    })
}

#[derive(Template)]
#[template(path = "vacancies/vacancy.html")]
struct VacancyPage {
    shell: Shell,
    seen: Seen,
    requirements: Requirements,
    /// Shown to HR and the vacancy's manager only.
    history: Vec<HistoryLine>,
    exceptions: Vec<freeze_exception::Model>,
    raised_by: Option<String>,
    /// Who is on the way into this vacancy: name, step and date only, for
    /// HR and the vacancy's manager (PROMISES.md 4).
    journeys: Vec<beacon_db::journey::Row>,
    /// HR may rank the talent pool against it.
    may_match: bool,
    may_edit: bool,
    may_approve: bool,
    may_ask_exception: bool,
    may_decide_exception: bool,
    notice: Option<NotificationBanner>,
}

impl VacancyPage {
    fn v(&self) -> &vacancy::Model {
        &self.seen.vacancy
    }

    fn manages(&self) -> bool {
        self.seen.viewer.same_org && (self.seen.viewer.hr || self.seen.viewer.raised_it)
    }

    fn area(&self) -> String {
        area_label(self.shell.lang, &self.v().service_area)
    }

    fn area_of(&self, key: &str) -> String {
        area_label(self.shell.lang, key)
    }

    fn grades(&self) -> String {
        grades(self.v())
    }

    fn hours(&self) -> String {
        hours_text(self.v().weekly_minutes)
    }

    fn state(&self) -> String {
        match (self.seen.audience, self.v().pool_until) {
            (Audience::Pool, Some(d)) => self.shell.tf(
                "vacancies.vacancy.pool_until",
                &[("date", &format_date(self.shell.lang, d))],
            ),
            (a @ Audience::AllStaff, _) => audience_label(self.shell.lang, a).to_owned(),
            _ => status_label(self.shell.lang, &self.v().status).to_owned(),
        }
    }

    fn decision(&self) -> &'static str {
        decision_label(self.shell.lang, self.v().review_decision.as_deref())
    }

    fn saving(&self) -> Option<String> {
        self.v().annual_saving_pence.map(pounds)
    }

    fn grid(&self) -> Option<String> {
        match (self.v().easting, self.v().northing) {
            (Some(e), Some(n)) => Some(format!("{e}, {n}")),
            _ => None,
        }
    }

    fn days(&self, d: &Option<i32>) -> String {
        match d {
            Some(d) => self.shell.tf(
                "vacancies.vacancy.training_days",
                &[("days", &d.to_string())],
            ),
            None => self.shell.t("vacancies.vacancy.no_training").to_owned(),
        }
    }

    fn limit(&self) -> String {
        self.days(&Some(self.v().training_limit_days))
    }

    fn history_action(&self, action: &str) -> &'static str {
        self.shell.t(&format!("vacancies.history.{action}"))
    }

    fn when(&self, at: &time::OffsetDateTime) -> String {
        format_date(self.shell.lang, at.date())
    }

    fn when_date(&self, on: &time::Date) -> String {
        format_date(self.shell.lang, *on)
    }

    fn step_label(&self, step: &beacon_core::talent::JourneyStep) -> &'static str {
        self.shell.t(&format!("journey.step.{}", step.key()))
    }

    fn exception_status(&self, key: &str) -> &'static str {
        match ExceptionStatus::parse(key) {
            Some(s) => self
                .shell
                .t(&format!("vacancies.exception.status.{}", s.key())),
            None => "",
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<crate::forms::NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let seen = seen(&state, &tenant, &id).await?;
    let conn = state.db.conn();
    let org = beacon_core::OrgId::from_uuid(seen.vacancy.organisation_id);
    let requirements = vacancies::requirements(conn, org, seen.vacancy.id).await?;
    let manages = seen.viewer.same_org && (seen.viewer.hr || seen.viewer.raised_it);
    let (history, exceptions, raised_by, journeys) = if manages {
        (
            vacancies::history(conn, tenant.org, seen.vacancy.id).await?,
            vacancies::exceptions(conn, tenant.org, seen.vacancy.id).await?,
            vacancies::person_name(conn, seen.vacancy.raised_by).await?,
            beacon_db::journey::for_vacancy(conn, tenant.org, seen.vacancy.id).await?,
        )
    } else {
        (Vec::new(), Vec::new(), None, Vec::new())
    };
    let may_match = seen.viewer.same_org && seen.viewer.hr;
    let status = super::vacancy_status(&seen.vacancy)?;
    let pending = exceptions
        .iter()
        .any(|e| e.status == ExceptionStatus::Requested.key());
    let may_edit = rules::may_edit(seen.viewer, status).is_ok();
    let may_approve = seen.viewer.same_org && rules::send_back(&tenant.roles, status).is_ok();
    let may_ask_exception = seen.viewer.same_org
        && rules::may_request_exception(
            &tenant.roles,
            seen.viewer.raised_it,
            seen.audience,
            status,
            pending,
        )
        .is_ok();
    let may_decide_exception = seen.viewer.same_org
        && rules::decide_exception(&tenant.roles, status, pending, true).is_ok();
    let shell = Shell::new(
        &visitor,
        &format!("/vacancies/{}", seen.vacancy.id),
        seen.vacancy.title.clone(),
    )
    .crumb(visitor.lang.t("nav.vacancies"), "/vacancies");
    page(&VacancyPage {
        shell,
        seen,
        requirements,
        history,
        exceptions,
        raised_by,
        journeys,
        may_match,
        may_edit,
        may_approve,
        may_ask_exception,
        may_decide_exception,
        notice: notice(visitor.lang, q.notice.as_deref()),
    })
}
