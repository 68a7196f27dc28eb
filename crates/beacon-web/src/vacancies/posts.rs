//! The organisation's posts: a list filtered by service area and status and
//! searched by reference or holder's name, a post's page with its vacancies,
//! and a form to add a post.
use super::{PER_PAGE, area_keys, area_label, decision_label, post_status_label, status_label};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::pipeline::{parse_pounds, pounds};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::talent::PostStatus;
use beacon_core::talent::vacancies::{PostInput, hours_text, parse_post};
use beacon_db::DbError;
use beacon_db::entity::{post, vacancy};
use beacon_db::vacancies::{self, PostFilter};
use beacon_govuk::components::{Button, Input, Label, NotificationBanner, Select, SelectItem};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    area: Option<String>,
    status: Option<String>,
    page: Option<String>,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "vacancies/posts.html")]
struct ListPage {
    shell: Shell,
    posts: Vec<post::Model>,
    holders: HashMap<Uuid, String>,
    total: u64,
    page: u64,
    pages: u64,
    q: String,
    area: String,
    status: String,
}

/// The longest search the list accepts; longer text is cut, not refused.
const MAX_SEARCH: usize = 100;

impl ListPage {
    fn search_input(&self) -> Input {
        Input::new("q")
            .label(Label::text(self.shell.t("vacancies.filter.search")))
            .hint(self.shell.t("vacancies.filter.search_hint"))
            .value(self.q.clone())
            .classes("govuk-!-width-two-thirds")
    }

    fn holder(&self, p: &post::Model) -> String {
        p.holder_id
            .and_then(|h| self.holders.get(&h))
            .cloned()
            .unwrap_or_default()
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

    fn status_select(&self) -> Select {
        let mut s = Select::new("status")
            .label(Label::text(self.shell.t("vacancies.filter.post_status")))
            .value(self.status.clone())
            .item(SelectItem::new("", self.shell.t("vacancies.filter.any")));
        for st in PostStatus::ALL {
            s = s.item(SelectItem::new(
                st.key(),
                post_status_label(self.shell.lang, st.key()),
            ));
        }
        s
    }

    fn area(&self, key: &str) -> String {
        area_label(self.shell.lang, key)
    }

    fn post_status(&self, key: &str) -> &'static str {
        post_status_label(self.shell.lang, key)
    }

    fn cost(&self, pence: &i64) -> String {
        pounds(*pence)
    }

    fn count(&self) -> String {
        self.shell.tf(
            "vacancies.posts.count",
            &[("count", &self.total.to_string())],
        )
    }

    fn page_href(&self, page: u64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            q.append_pair("q", &self.q);
        }
        if !self.area.is_empty() {
            q.append_pair("area", &self.area);
        }
        if !self.status.is_empty() {
            q.append_pair("status", &self.status);
        }
        q.append_pair("page", &page.to_string());
        format!("/posts?{}", q.finish())
    }
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let areas = area_keys();
    // Filters are allow-listed: anything unknown is ignored (PROMISES.md 10).
    let area = q.area.filter(|a| areas.contains(&a.as_str()));
    let status = q.status.and_then(|s| s.parse::<PostStatus>().ok());
    let page_no = q
        .page
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1 && *p <= 100_000)
        .unwrap_or(1);
    let search: String =
        q.q.unwrap_or_default()
            .trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_SEARCH)
            .collect();
    let filter = PostFilter {
        service_area: area.clone(),
        status,
        search: Some(search.clone()).filter(|s| !s.is_empty()),
    };
    let found = vacancies::posts(state.db.conn(), tenant.org, &filter, page_no, PER_PAGE).await?;
    let shell = Shell::new(&visitor, "/posts", visitor.lang.t("vacancies.posts.title"));
    page(&ListPage {
        shell,
        pages: found.total.div_ceil(PER_PAGE).max(1),
        total: found.total,
        posts: found.posts,
        holders: found.holders,
        page: page_no,
        q: search,
        area: area.unwrap_or_default(),
        status: status.map(|s| s.key().to_owned()).unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "vacancies/post.html")]
struct PostPage {
    shell: Shell,
    post: post::Model,
    holder: Option<String>,
    vacancies: Vec<vacancy::Model>,
    may_review: bool,
    notice: Option<NotificationBanner>,
}

impl PostPage {
    fn area(&self) -> String {
        area_label(self.shell.lang, &self.post.service_area)
    }
    fn post_status(&self) -> &'static str {
        post_status_label(self.shell.lang, &self.post.status)
    }
    fn cost(&self) -> String {
        pounds(self.post.annual_cost_pence)
    }
    fn hours(&self) -> String {
        hours_text(self.post.weekly_minutes)
    }
    fn status(&self, key: &str) -> &'static str {
        status_label(self.shell.lang, key)
    }
    fn decision(&self, v: &vacancy::Model) -> &'static str {
        decision_label(self.shell.lang, v.review_decision.as_deref())
    }
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let id = super::parse_id(&id)?;
    let conn = state.db.conn();
    let post = vacancies::post(conn, tenant.org, id).await?;
    let holder = vacancies::holder_name(conn, tenant.org, post.holder_id).await?;
    let list = vacancies::vacancies_for_post(conn, tenant.org, id).await?;
    let live = list.iter().any(|v| {
        v.status
            .parse()
            .is_ok_and(beacon_core::talent::vacancies::is_live)
    });
    let may_review = post.status.parse::<PostStatus>().is_ok_and(|s| {
        beacon_core::talent::vacancies::may_start_review(&tenant.roles, s, live).is_ok()
    });
    let shell = Shell::new(&visitor, &format!("/posts/{id}"), post.title.clone())
        .crumb(visitor.lang.t("vacancies.posts.title"), "/posts");
    page(&PostPage {
        shell,
        notice: notice(visitor.lang, q.notice.as_deref()),
        post,
        holder,
        vacancies: list,
        may_review,
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct PostForm {
    #[serde(default)]
    reference: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    service_area: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    site: String,
    #[serde(default)]
    annual_cost: String,
}

#[derive(Template)]
#[template(path = "vacancies/post_new.html")]
struct NewPostPage {
    shell: Shell,
    form: PostForm,
    errors: FormErrors,
}

impl NewPostPage {
    fn input(&self, field: &str, value: &str, width: &str) -> Input {
        Input::new(field)
            .label(Label::text(
                self.shell.t(&format!("vacancies.post.{field}")),
            ))
            .value(value.to_owned())
            .classes(width.to_owned())
            .error_message(self.errors.message(field))
    }

    fn inputs_before(&self) -> Vec<Input> {
        vec![
            self.input("reference", &self.form.reference, "govuk-input--width-10"),
            self.input("title", &self.form.title, ""),
        ]
    }

    fn area_select(&self) -> Select {
        let mut s = Select::new("service_area")
            .label(Label::text(self.shell.t("vacancies.post.service_area")))
            .value(self.form.service_area.clone())
            .error_message(self.errors.message("service_area"))
            .item(SelectItem::new("", self.shell.t("vacancies.choose")));
        for key in area_keys() {
            s = s.item(SelectItem::new(key, area_label(self.shell.lang, key)));
        }
        s
    }

    fn inputs_after(&self) -> Vec<Input> {
        vec![
            self.input("grade", &self.form.grade, "govuk-input--width-3")
                .inputmode("numeric")
                .hint(self.shell.t("vacancies.post.grade_hint")),
            self.input("hours", &self.form.hours, "govuk-input--width-4")
                .inputmode("decimal")
                .hint(self.shell.t("vacancies.post.hours_hint")),
            self.input("site", &self.form.site, ""),
            self.input(
                "annual_cost",
                &self.form.annual_cost,
                "govuk-input--width-10",
            )
            .prefix("£")
            .inputmode("decimal")
            .hint(self.shell.t("vacancies.post.annual_cost_hint")),
        ]
    }

    fn submit(&self) -> Button {
        Button::text(self.shell.t("vacancies.post.submit"))
    }
}

fn render_new(visitor: &Visitor, form: PostForm, errors: FormErrors) -> Result<Response, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shell = Shell::new(
        visitor,
        "/posts/new",
        visitor.lang.t("vacancies.post.new_title"),
    )
    .crumb(visitor.lang.t("vacancies.posts.title"), "/posts")
    .with_errors(!errors.is_empty());
    let mut response = page(&NewPostPage {
        shell,
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn new_page(visitor: Visitor, _tenant: Tenant) -> Result<Response, AppError> {
    let errors = FormErrors::new(visitor.lang);
    render_new(&visitor, PostForm::default(), errors)
}

pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<PostForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::new(visitor.lang);
    let cost = parse_pounds(&form.annual_cost).ok();
    let input = PostInput {
        reference: &form.reference,
        title: &form.title,
        service_area: &form.service_area,
        grade: &form.grade,
        hours: &form.hours,
        site: &form.site,
        annual_cost_pence: cost,
    };
    let new = match parse_post(&input, &area_keys()) {
        Ok(new) => new,
        Err(problems) => {
            for p in problems {
                errors.add(&p.field, &format!("vacancies.error.{}", p.key));
            }
            return render_new(&visitor, form, errors);
        }
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    let id = match vacancies::create_post(&txn, now, &tenant.who.actor(), tenant.org, &new).await {
        Ok(id) => id,
        Err(DbError::Conflict(_)) => {
            drop(txn);
            errors.add("reference", "vacancies.error.reference_taken");
            return render_new(&visitor, form, errors);
        }
        Err(e) => return Err(e.into()),
    };
    txn.commit().await?;
    Ok(Redirect::to(&format!("/posts/{id}?notice=post_added")).into_response())
}
