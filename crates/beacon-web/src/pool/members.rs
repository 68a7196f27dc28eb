//! The pool's list with its filters, adding a member of staff, and one
//! member's page where HR changes their status, tier and protection.
use super::{area_name, status_label, tier_label};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, notice};
use crate::i18n::Lang;
use crate::pipeline::{format_date, parse_date, parse_pounds, pounds};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::permission::Capability;
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::talent::pool::{check_member, effective_tier, is_open, may_change_status};
use beacon_core::talent::{PoolStatus, PoolTier};
use beacon_db::DbError;
use beacon_db::entity::staff;
use beacon_db::pool::{self, Member, MemberChange, NewMember, PoolFilter};
use beacon_govuk::components::{
    Checkboxes, ChoiceItem, DateInput, DateInputItem, ErrorMessage, Input, Label, Legend,
    NotificationBanner, Radios, Select, SelectItem, Textarea,
};
use serde::Deserialize;
use time::Date;
use uuid::Uuid;

const PER_PAGE: u64 = 25;
const REASON_MAX: usize = 2000;

// ---------------------------------------------------------------------------
// The list

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    tier: Option<String>,
    status: Option<String>,
    area: Option<String>,
    page: Option<String>,
    notice: Option<String>,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "pool/list.html")]
struct ListPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    query: ListQuery,
    members: Vec<Member>,
    /// Open vacancies' ids and titles.
    vacancies: Vec<(Uuid, String)>,
    total: u64,
    page: u64,
    pages: u64,
    today: Date,
}

impl ListPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }
    fn select(&self, name: &str, any: &str, items: Vec<(String, String)>) -> Select {
        let value = match name {
            "tier" => self.query.tier.clone(),
            "status" => self.query.status.clone(),
            _ => self.query.area.clone(),
        };
        let mut s = Select::new(name)
            .label(
                Label::text(self.shell.t(&format!("pool.list.{name}"))).classes("govuk-label--s"),
            )
            .value(value.unwrap_or_default())
            .error_message(self.errors.message(name))
            .item(SelectItem::new("", self.shell.t(any)));
        for (k, v) in items {
            s = s.item(SelectItem::new(k, v));
        }
        s
    }
    fn tier_select(&self) -> Select {
        let items = PoolTier::ALL
            .iter()
            .map(|t| (t.key().to_owned(), tier_label(self.lang(), *t).to_owned()))
            .collect();
        self.select("tier", "pool.list.any_tier", items)
    }
    fn status_select(&self) -> Select {
        let items = PoolStatus::ALL
            .iter()
            .map(|s| (s.key().to_owned(), status_label(self.lang(), *s).to_owned()))
            .collect();
        self.select("status", "pool.list.any_status", items)
    }
    fn area_select(&self) -> Select {
        let items = ServiceArea::ALL
            .iter()
            .map(|a| (a.key().to_owned(), area_name(self.lang(), a.key())))
            .collect();
        self.select("area", "pool.list.any_area", items)
    }
    fn entered(&self, m: &Member) -> String {
        format_date(self.lang(), m.stay.entered_on)
    }
    fn days(&self, m: &Member) -> String {
        let end = m.stay.placed_on.or(m.stay.left_on).unwrap_or(self.today);
        (end - m.stay.entered_on).whole_days().max(0).to_string()
    }
    fn tier(&self, m: &Member) -> &'static str {
        member_tier(self.lang(), m, self.today)
    }
    fn status(&self, m: &Member) -> &'static str {
        m.stay
            .status
            .parse()
            .map_or("", |s: PoolStatus| status_label(self.lang(), s))
    }
    fn count(&self) -> String {
        self.shell
            .tf("pool.list.count", &[("count", &self.total.to_string())])
    }
    fn page_href(&self, page: u64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("tier", &self.query.tier),
            ("status", &self.query.status),
            ("area", &self.query.area),
        ] {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.append_pair("page", &page.to_string());
        format!("/talent?{}", q.finish())
    }
}

/// The tier that counts today, with the stored one when protection has ended.
fn member_tier(lang: Lang, m: &Member, today: Date) -> &'static str {
    m.stay.tier.parse().map_or("", |t: PoolTier| {
        tier_label(lang, effective_tier(t, m.stay.protected_until, today))
    })
}

/// An allow-listed filter value: empty is "any", anything unknown an error.
fn allowed<T: std::str::FromStr>(
    errors: &mut FormErrors,
    field: &str,
    raw: &Option<String>,
) -> Option<T> {
    let raw = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let parsed = raw.parse().ok();
    if parsed.is_none() {
        errors.add(field, "pool.error.bad_filter");
    }
    parsed
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let _ = &query.lang;
    let lang = visitor.lang;
    let mut errors = FormErrors::new(lang);
    let filter = PoolFilter {
        tier: allowed(&mut errors, "tier", &query.tier),
        status: allowed(&mut errors, "status", &query.status),
        area: allowed::<ServiceArea>(&mut errors, "area", &query.area).map(|a| a.key().to_owned()),
    };
    let page_no = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let conn = state.db.conn();
    let (members, total) = pool::list(conn, tenant.org, &filter, page_no, PER_PAGE).await?;
    let vacancies = pool::open_vacancy_titles(conn, tenant.org).await?;
    let shell =
        Shell::new(&visitor, "/talent", lang.t("pool.list.title")).with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let mut response = page(&ListPage {
        shell,
        notice: notice(lang, query.notice.as_deref()),
        errors,
        query: query.clone(),
        members,
        vacancies,
        total,
        page: page_no,
        pages: total.div_ceil(PER_PAGE).max(1),
        today: state.clock.now().date(),
    })?;
    *response.status_mut() = status;
    Ok(response)
}

// ---------------------------------------------------------------------------
// Adding a member

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct NewQuery {
    q: Option<String>,
    staff: Option<String>,
    lang: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct NewForm {
    #[serde(default)]
    employee_number: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "protected_until-day")]
    day: String,
    #[serde(default, rename = "protected_until-month")]
    month: String,
    #[serde(default, rename = "protected_until-year")]
    year: String,
    #[serde(default)]
    shared: String,
    #[serde(default)]
    redundancy_cost: String,
}

#[derive(Template)]
#[template(path = "pool/new.html")]
struct NewPage {
    shell: Shell,
    errors: FormErrors,
    search: String,
    found: Vec<staff::Model>,
    searched: bool,
    form: NewForm,
}

fn date_input(
    lang: Lang,
    name: &str,
    legend: &str,
    hint: &str,
    (day, month, year): (&str, &str, &str),
    error: Option<ErrorMessage>,
) -> DateInput {
    let item = |part: &str, value: &str, width: u8| DateInputItem {
        name: Some(part.to_owned()),
        label: Some(lang.t(&format!("pool.date.{part}")).to_owned()),
        value: Some(value.to_owned()),
        classes: Some(format!("govuk-input--width-{width}")),
        ..DateInputItem::default()
    };
    let mut input = DateInput::new(name)
        .legend(Legend::text(legend).classes("govuk-fieldset__legend--s"))
        .hint(hint)
        .error_message(error);
    input.items = vec![
        Some(item("day", day, 2)),
        Some(item("month", month, 2)),
        Some(item("year", year, 4)),
    ];
    input
}

fn tier_radios(lang: Lang, value: &str, error: Option<ErrorMessage>) -> Radios {
    let mut r = Radios::new("tier")
        .legend(Legend::text(lang.t("pool.form.tier")).classes("govuk-fieldset__legend--s"))
        .value(value.to_owned())
        .error_message(error);
    for t in PoolTier::ALL {
        r = r.item(
            ChoiceItem::new(t.key(), tier_label(lang, *t))
                .hint(lang.t(&format!("pool.tier.{}_hint", t.key()))),
        );
    }
    r
}

impl NewPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }
    fn search_input(&self) -> Input {
        Input::new("q")
            .label(Label::text(self.shell.t("pool.new.search")).classes("govuk-label--s"))
            .hint(self.shell.t("pool.new.search_hint"))
            .kind("search")
            .spellcheck(false)
            .value(self.search.clone())
    }
    fn number_input(&self) -> Input {
        Input::new("employee_number")
            .label(Label::text(self.shell.t("pool.form.employee_number")).classes("govuk-label--s"))
            .classes("govuk-input--width-10")
            .spellcheck(false)
            .value(self.form.employee_number.clone())
            .error_message(self.errors.message("employee_number"))
    }
    fn tier_radios(&self) -> Radios {
        tier_radios(self.lang(), &self.form.tier, self.errors.message("tier"))
    }
    fn reason_input(&self) -> Textarea {
        Textarea::new("reason")
            .label(Label::text(self.shell.t("pool.form.reason")).classes("govuk-label--s"))
            .hint(self.shell.t("pool.form.reason_hint"))
            .value(self.form.reason.clone())
            .rows(4)
            .error_message(self.errors.message("reason"))
    }
    fn protected_input(&self) -> DateInput {
        date_input(
            self.lang(),
            "protected_until",
            self.shell.t("pool.form.protected_until"),
            self.shell.t("pool.form.protected_until_hint"),
            (&self.form.day, &self.form.month, &self.form.year),
            self.errors.message("protected_until-day"),
        )
    }
    fn shared_input(&self) -> Checkboxes {
        Checkboxes::new("shared")
            .legend(
                Legend::text(self.shell.t("pool.form.shared_legend"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .values(Some(self.form.shared.clone()).filter(|s| !s.is_empty()))
            .item(ChoiceItem::new("yes", self.shell.t("pool.form.shared")))
    }
    fn cost_input(&self) -> Input {
        Input::new("redundancy_cost")
            .label(Label::text(self.shell.t("pool.form.redundancy_cost")).classes("govuk-label--s"))
            .hint(self.shell.t("pool.form.redundancy_cost_hint"))
            .prefix("£")
            .classes("govuk-input--width-10")
            .inputmode("decimal")
            .spellcheck(false)
            .value(self.form.redundancy_cost.clone())
            .error_message(self.errors.message("redundancy_cost"))
    }
    fn choose_href(&self, s: &staff::Model) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("staff", &s.employee_number);
        format!("/talent/pool/new?{}", q.finish())
    }
}

fn render_new(
    visitor: &Visitor,
    errors: FormErrors,
    search: String,
    found: Vec<staff::Model>,
    form: NewForm,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let invalid = !errors.is_empty();
    let shell = Shell::new(visitor, "/talent/pool/new", lang.t("pool.new.title"))
        .with_errors(invalid)
        .crumb(lang.t("pool.list.title"), "/talent");
    let searched = !search.trim().is_empty();
    let mut response = page(&NewPage {
        shell,
        errors,
        search,
        found,
        searched,
        form,
    })?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

async fn new_page_get(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    query: NewQuery,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let search = query.q.unwrap_or_default();
    let found = pool::find_staff(state.db.conn(), tenant.org, &search, 20).await?;
    let form = NewForm {
        employee_number: query.staff.unwrap_or_default(),
        ..NewForm::default()
    };
    render_new(visitor, FormErrors::new(visitor.lang), search, found, form)
}

pub async fn new_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let _ = &query.lang;
    new_page_get(&state, &visitor, &tenant, query).await
}

/// Reads the new member's form into what the database takes, or the errors.
async fn read_new(
    state: &AppState,
    tenant: &Tenant,
    lang: Lang,
    form: &NewForm,
    today: Date,
) -> Result<Result<NewMember, FormErrors>, AppError> {
    let mut errors = FormErrors::new(lang);
    let number = form.employee_number.trim();
    let staff = if number.is_empty() {
        errors.add("employee_number", "pool.error.employee_number_missing");
        None
    } else {
        let found = pool::staff_by_number(state.db.conn(), tenant.org, number).await?;
        if found.is_none() {
            errors.add("employee_number", "pool.error.employee_number_unknown");
        }
        found
    };
    let tier = form.tier.parse::<PoolTier>().ok();
    if tier.is_none() {
        errors.add("tier", "pool.error.tier_missing");
    }
    let reason = form.reason.trim();
    if reason.is_empty() {
        errors.add("reason", "pool.error.reason_missing");
    } else if reason.chars().count() > REASON_MAX {
        errors.add("reason", "pool.error.reason_too_long");
    }
    let protected_until = read_date(&mut errors, (&form.day, &form.month, &form.year));
    let cost = if form.redundancy_cost.trim().is_empty() {
        None
    } else {
        match parse_pounds(&form.redundancy_cost) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.add("redundancy_cost", e.key());
                None
            }
        }
    };
    if !matches!(form.shared.as_str(), "" | "yes") {
        return Err(AppError::BadRequest("shared".into()));
    }
    let checked = match (tier, protected_until) {
        (Some(t), Ok(until)) => match check_member(t, until, cost, today) {
            Ok(until) => Some(until),
            Err(e) => {
                let field = match e {
                    beacon_core::talent::pool::MemberError::NegativeCost => "redundancy_cost",
                    _ => "protected_until-day",
                };
                errors.add(field, e.key());
                None
            }
        },
        _ => None,
    };
    match (staff, tier, checked) {
        (Some(staff), Some(tier), Some(protected_until)) if errors.is_empty() => {
            Ok(Ok(NewMember {
                staff: staff.id,
                tier,
                reason: reason.to_owned(),
                protected_until,
                shared: form.shared == "yes",
                redundancy_cost_pence: cost,
                entered_on: today,
            }))
        }
        _ => Ok(Err(errors)),
    }
}

/// An optional date from three boxes: empty is `None`, half-filled an error.
fn read_date(
    errors: &mut FormErrors,
    (day, month, year): (&str, &str, &str),
) -> Result<Option<Date>, ()> {
    if [day, month, year].iter().all(|p| p.trim().is_empty()) {
        return Ok(None);
    }
    match parse_date(day, month, year) {
        Some(d) => Ok(Some(d)),
        None => {
            errors.add("protected_until-day", "pool.error.date_invalid");
            Err(())
        }
    }
}

pub async fn add(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(form): Form<NewForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let lang = visitor.lang;
    let now = state.clock.now();
    let new = match read_new(&state, &tenant, lang, &form, now.date()).await? {
        Ok(new) => new,
        Err(errors) => return render_new(&visitor, errors, String::new(), Vec::new(), form),
    };
    let txn = state.db.begin_writing().await?;
    match pool::add(&txn, now, &tenant.who.actor(), tenant.org, &new).await {
        Ok(id) => {
            txn.commit().await?;
            Ok(
                Redirect::to(&format!("/talent/members/{id}?notice=pool_member_added"))
                    .into_response(),
            )
        }
        Err(DbError::Conflict(_)) => {
            drop(txn);
            let mut errors = FormErrors::new(lang);
            errors.add("employee_number", "pool.error.already_in_pool");
            render_new(&visitor, errors, String::new(), Vec::new(), form)
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------
// One member

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ChangeForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    tier: String,
    #[serde(default, rename = "protected_until-day")]
    day: String,
    #[serde(default, rename = "protected_until-month")]
    month: String,
    #[serde(default, rename = "protected_until-year")]
    year: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ShowQuery {
    notice: Option<String>,
    lang: Option<String>,
}

#[derive(Template)]
#[template(path = "pool/member.html")]
struct MemberPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    member: Member,
    strengths: Vec<(String, i32)>,
    form: ChangeForm,
    open: bool,
    today: Date,
}

impl MemberPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }
    fn rows(&self) -> Vec<(String, String)> {
        let lang = self.lang();
        let t = |k: &str| self.shell.t(&format!("pool.member.{k}")).to_owned();
        let s = &self.member.staff;
        let m = &self.member.stay;
        let mut rows = vec![
            (t("employee_number"), s.employee_number.clone()),
            (t("job_title"), s.job_title.clone()),
            (t("grade"), s.grade.to_string()),
            (
                t("service_area"),
                s.service_area
                    .as_deref()
                    .map(|a| area_name(lang, a))
                    .unwrap_or_default(),
            ),
            (t("entered"), format_date(lang, m.entered_on)),
            (
                t("days"),
                (m.placed_on.or(m.left_on).unwrap_or(self.today) - m.entered_on)
                    .whole_days()
                    .max(0)
                    .to_string(),
            ),
            (
                t("tier"),
                member_tier(lang, &self.member, self.today).to_owned(),
            ),
            (
                t("status"),
                m.status
                    .parse()
                    .map_or("", |st: PoolStatus| status_label(lang, st))
                    .to_owned(),
            ),
            (t("reason"), m.reason.clone()),
            (
                t("shared"),
                self.shell
                    .t(if m.shared {
                        "pool.member.shared_yes"
                    } else {
                        "pool.member.shared_no"
                    })
                    .to_owned(),
            ),
        ];
        if let Some(until) = m.protected_until {
            rows.push((t("protected_until"), format_date(lang, until)));
        }
        if let Some(cost) = m.redundancy_cost_pence {
            rows.push((t("redundancy_cost"), pounds(cost)));
        }
        rows
    }
    fn status_radios(&self) -> Radios {
        let lang = self.lang();
        let mut r = Radios::new("status")
            .legend(Legend::text(lang.t("pool.form.status")).classes("govuk-fieldset__legend--s"))
            .value(self.form.status.clone())
            .error_message(self.errors.message("status"));
        for s in PoolStatus::ALL {
            r = r.item(ChoiceItem::new(s.key(), status_label(lang, *s)));
        }
        r
    }
    fn tier_radios(&self) -> Radios {
        tier_radios(self.lang(), &self.form.tier, self.errors.message("tier"))
    }
    fn protected_input(&self) -> DateInput {
        date_input(
            self.lang(),
            "protected_until",
            self.shell.t("pool.form.protected_until"),
            self.shell.t("pool.form.protected_until_hint"),
            (&self.form.day, &self.form.month, &self.form.year),
            self.errors.message("protected_until-day"),
        )
    }
}

async fn member_in(state: &AppState, tenant: &Tenant, raw: &str) -> Result<Member, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let id: Uuid = raw.parse().map_err(|_| AppError::NotFound)?;
    pool::member(state.db.conn(), tenant.org, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn render_member(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    member: Member,
    errors: FormErrors,
    form: Option<ChangeForm>,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let conn = state.db.conn();
    let framework = pool::framework(conn, tenant.org).await?;
    let index = pool::own_index(&framework);
    let facts = pool::staff_facts(conn, tenant.org, &[&member.staff], &index).await?;
    let mut strengths: Vec<(String, i32)> = facts
        .first()
        .map(|f| {
            f.strengths
                .iter()
                .filter_map(|(i, level)| {
                    framework
                        .get(*i)
                        .map(|s| (s.name.clone(), i32::from(*level)))
                })
                .collect()
        })
        .unwrap_or_default();
    strengths.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let form = form.unwrap_or_else(|| {
        let until = member.stay.protected_until;
        ChangeForm {
            status: member.stay.status.clone(),
            tier: member.stay.tier.clone(),
            day: until.map(|d| d.day().to_string()).unwrap_or_default(),
            month: until
                .map(|d| u8::from(d.month()).to_string())
                .unwrap_or_default(),
            year: until.map(|d| d.year().to_string()).unwrap_or_default(),
        }
    });
    let open = member.stay.status.parse().is_ok_and(is_open);
    let invalid = !errors.is_empty();
    let path = format!("/talent/members/{}", member.stay.id);
    let shell = Shell::new(visitor, &path, member.staff.name.clone())
        .with_errors(invalid)
        .crumb(lang.t("pool.list.title"), "/talent");
    let mut response = page(&MemberPage {
        shell,
        notice: notice(lang, notice_key),
        errors,
        member,
        strengths,
        form,
        open,
        today: state.clock.now().date(),
    })?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, AppError> {
    let _ = &q.lang;
    let member = member_in(&state, &tenant, &id).await?;
    render_member(
        &state,
        &visitor,
        &tenant,
        member,
        FormErrors::new(visitor.lang),
        None,
        q.notice.as_deref(),
    )
    .await
}

pub async fn change(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, AppError> {
    let member = member_in(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    let now = state.clock.now();
    let today = now.date();
    let mut errors = FormErrors::new(lang);
    let current: Option<PoolStatus> = member.stay.status.parse().ok();
    let status = form.status.parse::<PoolStatus>().ok();
    if status.is_none() {
        errors.add("status", "pool.error.status_missing");
    }
    let tier = form.tier.parse::<PoolTier>().ok();
    if tier.is_none() {
        errors.add("tier", "pool.error.tier_missing");
    }
    // A stay that has ended stays ended: coming back is a new stay.
    let ended = current.is_some_and(|c| !is_open(c))
        || matches!((current, status), (Some(f), Some(t)) if f != t && !may_change_status(f, t));
    if ended {
        errors.add("status", "pool.error.stay_ended");
    }
    let until = read_date(&mut errors, (&form.day, &form.month, &form.year));
    let mut protected_until = None;
    if let (Some(t), Ok(until)) = (tier, until) {
        // An unchanged protection date may already lie in the past.
        let unchanged = until.is_some() && until == member.stay.protected_until;
        match check_member(t, until, None, today) {
            Ok(u) => protected_until = u,
            Err(_) if unchanged && t == PoolTier::Protected => protected_until = until,
            Err(e) => errors.add("protected_until-day", e.key()),
        }
    }
    let (Some(status), Some(tier)) = (status, tier) else {
        return render_member(&state, &visitor, &tenant, member, errors, Some(form), None).await;
    };
    if !errors.is_empty() {
        return render_member(&state, &visitor, &tenant, member, errors, Some(form), None).await;
    }
    let txn = state.db.begin_writing().await?;
    pool::change(
        &txn,
        now,
        today,
        &tenant.who.actor(),
        tenant.org,
        member.stay.id,
        &MemberChange {
            status,
            tier,
            protected_until,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "/talent/members/{}?notice=pool_member_changed",
        member.stay.id
    ))
    .into_response())
}
