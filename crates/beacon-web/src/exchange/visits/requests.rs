//! Visit requests: asking, the host's answer and schedule, the invitation,
//! and feedback afterwards.
use super::ics::{self, Invitation, Method};
use super::{add_problems, case, format_when, moved_on, parse_id};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, t};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::exchange::visits::{
    self as rules, MAX_CAP, MAX_TEXT, Move, Request, Schedule, Side, VisitStatus, parse_count,
    parse_optional, parse_rating, parse_text, uk_time,
};
use beacon_core::permission::Capability;
use beacon_db::DbError;
use beacon_db::entity::visit_slot;
use beacon_db::exchange::visits::{self as db, CaseRef, Mail, Visit};
use beacon_govuk::components::{
    Button, ChoiceItem, DateInput, Input, Label, Legend, NotificationBanner, Radios, Textarea,
};
use serde::Deserialize;
use time::{OffsetDateTime, PrimitiveDateTime, Time};

// ------------------------------------------------------------------ asking

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct NewForm {
    #[serde(default)]
    party_size: String,
    #[serde(default)]
    preferred_dates: String,
    #[serde(default)]
    purpose: String,
}

/// Why a case cannot be visited, if it cannot.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Barrier {
    None,
    Anonymised,
    Closed,
}

#[derive(Template)]
#[template(path = "exchange/visits/new.html")]
struct NewPage {
    shell: Shell,
    case: CaseRef,
    barrier: Barrier,
    form: NewForm,
    errors: FormErrors,
}

impl NewPage {
    fn is_open(&self) -> bool {
        self.barrier == Barrier::None
    }
    fn is_anonymised(&self) -> bool {
        self.barrier == Barrier::Anonymised
    }
    fn party_input(&self) -> Input {
        Input::new("party_size")
            .label(Label::text(self.shell.t("exchange.visits.new.party")).classes("govuk-label--s"))
            .hint(self.shell.t("exchange.visits.new.party_hint"))
            .classes("govuk-input--width-3")
            .inputmode("numeric")
            .value(self.form.party_size.clone())
            .error_message(self.errors.message("party_size"))
    }
    fn dates_input(&self) -> Input {
        Input::new("preferred_dates")
            .label(Label::text(self.shell.t("exchange.visits.new.dates")).classes("govuk-label--s"))
            .hint(self.shell.t("exchange.visits.new.dates_hint"))
            .value(self.form.preferred_dates.clone())
            .error_message(self.errors.message("preferred_dates"))
    }
    fn purpose_input(&self) -> Textarea {
        Textarea::new("purpose")
            .label(
                Label::text(self.shell.t("exchange.visits.new.purpose")).classes("govuk-label--s"),
            )
            .hint(self.shell.t("exchange.visits.new.purpose_hint"))
            .rows(5)
            .value(self.form.purpose.clone())
            .error_message(self.errors.message("purpose"))
    }
    fn button(&self) -> Button {
        Button::text(self.shell.t("exchange.visits.new.send"))
    }
}

fn render_new(
    visitor: &Visitor,
    case: CaseRef,
    barrier: Barrier,
    form: NewForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let status = if barrier == Barrier::Anonymised {
        StatusCode::FORBIDDEN
    } else if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let path = format!("/exchange/cases/{}/visits/new", case.link_id);
    let shell = Shell::new(visitor, &path, visitor.lang.t("exchange.visits.new.title"))
        .crumb(visitor.lang.t("exchange.visits.exchange"), "/exchange")
        .crumb(
            case.title.clone(),
            format!("/exchange/cases/{}", case.link_id),
        )
        .with_errors(!errors.is_empty());
    let mut response = page(&NewPage {
        shell,
        case,
        barrier,
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

async fn visitable(
    state: &AppState,
    tenant: &Tenant,
    id: &str,
) -> Result<(CaseRef, Barrier), AppError> {
    let case = case(state, tenant, id).await?;
    // A council does not visit itself.
    if case.own {
        return Err(AppError::Forbidden);
    }
    let barrier = if case.anonymous {
        Barrier::Anonymised
    } else if db::is_closed(state.db.conn(), case.case_id).await? {
        Barrier::Closed
    } else {
        Barrier::None
    };
    Ok((case, barrier))
}

pub async fn new_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (case, barrier) = visitable(&state, &tenant, &id).await?;
    render_new(
        &visitor,
        case,
        barrier,
        NewForm::default(),
        FormErrors::new(visitor.lang),
    )
}

pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<NewForm>,
) -> Result<Response, AppError> {
    let (case, barrier) = visitable(&state, &tenant, &id).await?;
    match barrier {
        Barrier::None => {}
        Barrier::Anonymised => return Err(AppError::Forbidden),
        Barrier::Closed => {
            return moved_on(
                &visitor,
                "exchange.visits.new.closed",
                &format!("/exchange/cases/{}", case.link_id),
            );
        }
    }
    let request = match Request::parse(&form.party_size, &form.preferred_dates, &form.purpose) {
        Ok(r) => r,
        Err(problems) => {
            let mut errors = FormErrors::new(visitor.lang);
            add_problems(&mut errors, &problems);
            return render_new(&visitor, case, barrier, form, errors);
        }
    };
    let conn = state.db.conn();
    let lang = visitor.lang;
    let subject = t(lang, "exchange.visits.email.request_subject").replace("{title}", &case.title);
    let leads = db::innovation_leads(conn, case.host).await?;
    let now = state.clock.now();
    let txn = beacon_db::begin_writing(conn).await?;
    let visit_id = db::request(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        tenant.who.person.id,
        &case,
        &request,
        &[],
    )
    .await?;
    let body = format!(
        "{}\n\n{}\n\n{}/exchange/visits/{visit_id}",
        t(lang, "exchange.visits.email.request_intro")
            .replace("{council}", &tenant.organisation.name)
            .replace("{title}", &case.title)
            .replace("{party}", &request.party_size.to_string()),
        request.purpose,
        state.config.public_url,
    );
    let mails: Vec<Mail> = leads
        .into_iter()
        .map(|to| Mail {
            to,
            subject: subject.clone(),
            body: body.clone(),
            calendar: None,
        })
        .collect();
    db::tell(&txn, now, tenant.org, &mails).await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "/exchange/visits/{visit_id}?notice=exchange_visit_requested"
    ))
    .into_response())
}

// ---------------------------------------------------------------- the list

#[derive(Template)]
#[template(path = "exchange/visits/list.html")]
struct ListPage {
    shell: Shell,
    hosting: Vec<Visit>,
    visiting: Vec<Visit>,
    is_host: bool,
}

impl ListPage {
    fn status(&self, v: &Visit) -> &'static str {
        status_label(self.shell.lang, &v.row.status)
    }
    fn when(&self, v: &Visit) -> String {
        v.slot
            .as_ref()
            .map(|s| format_when(self.shell.lang, s.starts_at))
            .unwrap_or_default()
    }
}

pub(crate) fn status_label(lang: Lang, key: &str) -> &'static str {
    key.parse::<VisitStatus>().map_or("", |s| {
        lang.t(&format!("exchange.visits.status.{}", s.key()))
    })
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
) -> Result<Response, AppError> {
    let conn = state.db.conn();
    let is_host = tenant.require(Capability::PublishCases).is_ok();
    let hosting = if is_host {
        db::visits_of(conn, tenant.org, true).await?
    } else {
        Vec::new()
    };
    let visiting = db::visits_of(conn, tenant.org, false).await?;
    let shell = Shell::new(
        &visitor,
        "/exchange/visits",
        visitor.lang.t("exchange.visits.list.title"),
    )
    .crumb(visitor.lang.t("exchange.visits.exchange"), "/exchange");
    page(&ListPage {
        shell,
        hosting,
        visiting,
        is_host,
    })
}

// -------------------------------------------------------------- one visit

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    /// "new", or the id of a scheduled visit to join.
    #[serde(default)]
    slot: String,
    #[serde(default, rename = "start-day")]
    start_day: String,
    #[serde(default, rename = "start-month")]
    start_month: String,
    #[serde(default, rename = "start-year")]
    start_year: String,
    #[serde(default)]
    start_time: String,
    #[serde(default)]
    end_time: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    cap: String,
}

impl ActForm {
    /// The form prefilled from a scheduled visit, to change it.
    fn from_slot(slot: &visit_slot::Model) -> Self {
        let start = uk_time::to_local(slot.starts_at);
        let end = uk_time::to_local(slot.ends_at);
        Self {
            start_day: start.day().to_string(),
            start_month: u8::from(start.month()).to_string(),
            start_year: start.year().to_string(),
            start_time: format!("{:02}:{:02}", start.hour(), start.minute()),
            end_time: format!("{:02}:{:02}", end.hour(), end.minute()),
            location: slot.location.clone(),
            cap: slot.cap.to_string(),
            ..Self::default()
        }
    }
}

#[derive(Template)]
#[template(path = "exchange/visits/show.html")]
struct ShowPage {
    shell: Shell,
    visit: Visit,
    title: String,
    /// The link to the case, as this side knows it (none once unpublished).
    case_link: Option<String>,
    host_lead: bool,
    may_accept: bool,
    may_cancel: bool,
    may_withdraw: bool,
    may_feedback: bool,
    closed: bool,
    open_slots: Vec<visit_slot::Model>,
    form: ActForm,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
}

fn parse_time(raw: &str) -> Option<Time> {
    let (h, m) = raw.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
}

impl ShowPage {
    fn status(&self) -> &'static str {
        status_label(self.shell.lang, &self.visit.row.status)
    }
    fn when(&self, at: &OffsetDateTime) -> String {
        format_when(self.shell.lang, *at)
    }
    fn until(&self, at: &OffsetDateTime) -> String {
        let local = uk_time::to_local(*at);
        format!("{:02}:{:02}", local.hour(), local.minute())
    }
    fn places(&self, s: &visit_slot::Model) -> String {
        self.shell.tf(
            "exchange.visits.show.places",
            &[
                ("booked", &s.booked.to_string()),
                ("cap", &s.cap.to_string()),
            ],
        )
    }
    fn rating(&self) -> String {
        self.visit
            .row
            .feedback_rating
            .map(|r| {
                self.shell.tf(
                    "exchange.visits.feedback.rated",
                    &[("rating", &r.to_string())],
                )
            })
            .unwrap_or_default()
    }
    fn slot_radios(&self) -> Radios {
        let mut radios = Radios::new("slot")
            .legend(
                Legend::text(self.shell.t("exchange.visits.show.which_visit"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(if self.form.slot.is_empty() {
                "new".to_owned()
            } else {
                self.form.slot.clone()
            })
            .error_message(self.errors.message("slot"));
        for s in &self.open_slots {
            radios = radios.item(ChoiceItem::new(
                s.id.to_string(),
                format!(
                    "{} – {}, {} ({})",
                    self.when(&s.starts_at),
                    self.until(&s.ends_at),
                    s.location,
                    self.places(s)
                ),
            ));
        }
        radios.item(ChoiceItem::new(
            "new",
            self.shell.t("exchange.visits.show.new_visit"),
        ))
    }
    fn date_input(&self) -> DateInput {
        DateInput::new("start")
            .legend(
                Legend::text(self.shell.t("exchange.visits.show.date"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .hint(self.shell.t("exchange.visits.show.date_hint"))
            .values(
                self.form.start_day.clone(),
                self.form.start_month.clone(),
                self.form.start_year.clone(),
            )
            .error_message(self.errors.message("start"))
    }
    fn time_input(&self, name: &str, key: &str) -> Input {
        let value = if name == "start_time" {
            &self.form.start_time
        } else {
            &self.form.end_time
        };
        Input::new(name)
            .label(Label::text(self.shell.t(key)).classes("govuk-label--s"))
            .hint(self.shell.t("exchange.visits.show.time_hint"))
            .classes("govuk-input--width-5")
            .value(value.clone())
            .error_message(self.errors.message(name))
    }
    fn start_time_input(&self) -> Input {
        self.time_input("start_time", "exchange.visits.show.start_time")
    }
    fn end_time_input(&self) -> Input {
        self.time_input("end_time", "exchange.visits.show.end_time")
    }
    fn location_input(&self) -> Input {
        Input::new("location")
            .label(
                Label::text(self.shell.t("exchange.visits.show.location"))
                    .classes("govuk-label--s"),
            )
            .value(self.form.location.clone())
            .error_message(self.errors.message("location"))
    }
    fn cap_input(&self) -> Input {
        Input::new("cap")
            .label(Label::text(self.shell.t("exchange.visits.show.cap")).classes("govuk-label--s"))
            .hint(self.shell.t("exchange.visits.show.cap_hint"))
            .classes("govuk-input--width-3")
            .inputmode("numeric")
            .value(self.form.cap.clone())
            .error_message(self.errors.message("cap"))
    }
    fn note_input(&self) -> Textarea {
        Textarea::new("note")
            .label(Label::text(self.shell.t("exchange.visits.show.note")).classes("govuk-label--s"))
            .hint(self.shell.t("exchange.visits.show.note_hint"))
            .rows(3)
            .value(self.form.note.clone())
            .error_message(self.errors.message("note"))
    }
    fn action_button(&self, action: &str, key: &str) -> Button {
        let b = Button::text(self.shell.t(key)).name_value("action", action);
        match action {
            "decline" | "cancel" | "withdraw" => b.warning(),
            "close" => b.secondary(),
            _ => b,
        }
    }
}

/// What the page shows and allows.
struct Seen {
    visit: Visit,
    title: String,
    case_link: Option<String>,
    host_lead: bool,
    status: VisitStatus,
    closed: bool,
}

async fn seen(state: &AppState, tenant: &Tenant, raw: &str) -> Result<Seen, AppError> {
    let id = parse_id(raw)?;
    let conn = state.db.conn();
    let visit = db::visit_in(conn, tenant.org, id).await?;
    let status = visit.status()?;
    let host_lead = visit.hosting && tenant.require(Capability::PublishCases).is_ok();
    let (title, case_link) = if visit.hosting {
        let own = super::case(state, tenant, &visit.row.case_id.to_string()).await?;
        (own.title, Some(format!("/exchange/cases/{}", own.link_id)))
    } else {
        match db::published_view(conn, visit.row.case_id).await? {
            Some((link, title, _)) => (title, Some(format!("/exchange/cases/{link}"))),
            None => (String::new(), None),
        }
    };
    let closed = db::is_closed(conn, visit.row.case_id).await?;
    Ok(Seen {
        visit,
        title,
        case_link,
        host_lead,
        status,
        closed,
    })
}

/// The person may act for their side: the host's innovation leads, or on
/// the visiting side its innovation leads and whoever made the request.
fn side_of(tenant: &Tenant, s: &Seen) -> Option<Side> {
    if s.visit.hosting {
        s.host_lead.then_some(Side::Host)
    } else if tenant.require(Capability::PublishCases).is_ok()
        || s.visit.row.requested_by == Some(tenant.who.person.id.uuid())
    {
        Some(Side::Visitor)
    } else {
        None
    }
}

async fn render_show(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    s: Seen,
    form: Option<ActForm>,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
) -> Result<Response, AppError> {
    let side = side_of(tenant, &s);
    let now = state.clock.now();
    let allowed = |mv| side.is_some_and(|side| rules::check(s.status, side, mv).is_ok());
    let may_accept = allowed(Move::Accept);
    let open_slots = if may_accept {
        db::upcoming_slots(state.db.conn(), tenant.org, s.visit.row.case_id, now)
            .await?
            .into_iter()
            .filter(|slot| rules::fits(slot.booked, s.visit.row.party_size, slot.cap))
            .collect()
    } else {
        Vec::new()
    };
    let form = form.unwrap_or_else(|| match (&s.visit.slot, allowed(Move::Reschedule)) {
        (Some(slot), true) => ActForm::from_slot(slot),
        _ => ActForm::default(),
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let path = format!("/exchange/visits/{}", s.visit.row.id);
    let shell = Shell::new(visitor, &path, visitor.lang.t("exchange.visits.show.title"))
        .crumb(
            visitor.lang.t("exchange.visits.list.title"),
            "/exchange/visits",
        )
        .with_errors(!errors.is_empty());
    let ends = s.visit.slot.as_ref().map(|slot| slot.ends_at);
    let mut response = page(&ShowPage {
        shell,
        may_accept,
        may_cancel: allowed(Move::Cancel),
        may_withdraw: allowed(Move::Withdraw),
        may_feedback: side == Some(Side::Visitor)
            && rules::may_give_feedback(s.status, ends, now)
            && s.visit.row.feedback_at.is_none(),
        host_lead: s.host_lead,
        closed: s.closed,
        title: s.title,
        case_link: s.case_link,
        visit: s.visit,
        open_slots,
        form,
        errors,
        notice,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let s = seen(&state, &tenant, &id).await?;
    let n = notice(visitor.lang, query.notice.as_deref());
    render_show(
        &state,
        &visitor,
        &tenant,
        s,
        None,
        FormErrors::new(visitor.lang),
        n,
    )
    .await
}

/// The schedule a host typed, in UK time, or the problems with it.
fn schedule_of(
    form: &ActForm,
    booked: i32,
    now: OffsetDateTime,
) -> Result<Schedule, Vec<rules::Problem>> {
    let mut problems = Vec::new();
    let date = crate::pipeline::parse_date(&form.start_day, &form.start_month, &form.start_year);
    if date.is_none() {
        problems.push(rules::Problem {
            field: "start",
            key: "bad_date",
        });
    }
    let start = parse_time(&form.start_time);
    if start.is_none() {
        problems.push(rules::Problem {
            field: "start_time",
            key: "bad_time",
        });
    }
    let end = parse_time(&form.end_time);
    if end.is_none() {
        problems.push(rules::Problem {
            field: "end_time",
            key: "bad_time",
        });
    }
    let cap = parse_count("cap", &form.cap, 1, MAX_CAP);
    if let Err(p) = &cap {
        problems.push(p.clone());
    }
    let (Some(date), Some(start), Some(end), Ok(cap)) = (date, start, end, cap) else {
        return Err(problems);
    };
    let starts = uk_time::from_local(PrimitiveDateTime::new(date, start));
    let ends = uk_time::from_local(PrimitiveDateTime::new(date, end));
    let (Some(starts), Some(ends)) = (starts, ends) else {
        return Err(vec![rules::Problem {
            field: "start_time",
            key: "clocks_change",
        }]);
    };
    Schedule::check(starts, ends, &form.location, cap, booked, now)
}

struct Calendars<'a> {
    state: &'a AppState,
    tenant: &'a Tenant,
    lang: Lang,
    title: &'a str,
}

impl Calendars<'_> {
    /// The invitation email for one visiting request.
    async fn mail(
        &self,
        visit: &beacon_db::entity::visit_request::Model,
        visitor_name: &str,
        slot: &visit_slot::Model,
        method: Method,
    ) -> Result<Option<Mail>, AppError> {
        let conn = self.state.db.conn();
        let Some(to) = db::email_of(conn, visit.requested_by).await? else {
            return Ok(None);
        };
        let calendar = invitation_text(
            self.state,
            &self.tenant.organisation.name,
            self.title,
            visitor_name,
            visit,
            slot,
            Some(&to),
            method,
        )
        .await?;
        let (subject_key, intro_key) = match method {
            Method::Request if slot.sequence == 0 => (
                "exchange.visits.email.accepted_subject",
                "exchange.visits.email.accepted_intro",
            ),
            Method::Request => (
                "exchange.visits.email.updated_subject",
                "exchange.visits.email.updated_intro",
            ),
            Method::Cancel => (
                "exchange.visits.email.cancelled_subject",
                "exchange.visits.email.cancelled_intro",
            ),
        };
        let body = format!(
            "{}\n\n{} – {}\n{}\n\n{}\n\n{}/exchange/visits/{}",
            t(self.lang, intro_key)
                .replace("{council}", &self.tenant.organisation.name)
                .replace("{title}", self.title),
            format_when(self.lang, slot.starts_at),
            {
                let l = uk_time::to_local(slot.ends_at);
                format!("{:02}:{:02}", l.hour(), l.minute())
            },
            slot.location,
            visit.host_note,
            self.state.config.public_url,
            visit.id,
        );
        Ok(Some(Mail {
            to,
            subject: t(self.lang, subject_key).replace("{title}", self.title),
            body,
            calendar: Some(calendar),
        }))
    }
}

/// The iCalendar text for a visiting request on a scheduled visit.
#[allow(clippy::too_many_arguments)]
async fn invitation_text(
    state: &AppState,
    host_name: &str,
    title: &str,
    visitor_name: &str,
    visit: &beacon_db::entity::visit_request::Model,
    slot: &visit_slot::Model,
    attendee: Option<&str>,
    method: Method,
) -> Result<String, AppError> {
    let organiser = match db::email_of(state.db.conn(), slot.organised_by).await? {
        Some(email) => email,
        None => format!(
            "no-reply@{}",
            state
                .config
                .public_url
                .split("://")
                .nth(1)
                .unwrap_or("beacon")
                .split([':', '/'])
                .next()
                .unwrap_or("beacon")
        ),
    };
    let summary = format!("{title} ({host_name})");
    let description = format!("{} ({}): {}", visitor_name, visit.party_size, visit.purpose);
    Ok(ics::render(&Invitation {
        slot,
        summary: &summary,
        description: &description,
        organiser_name: host_name,
        organiser_email: &organiser,
        attendee,
        method,
        now: state.clock.now(),
    }))
}

pub async fn act(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<ActForm>,
) -> Result<Response, AppError> {
    let s = seen(&state, &tenant, &id).await?;
    let side = side_of(&tenant, &s).ok_or(AppError::Forbidden)?;
    let mv = match form.action.as_str() {
        "accept" => Move::Accept,
        "decline" => Move::Decline,
        "withdraw" => Move::Withdraw,
        "cancel" => Move::Cancel,
        "reschedule" => Move::Reschedule,
        "close" | "open" if side == Side::Host => {
            return set_closed_for(&state, &tenant, &s, form.action == "close").await;
        }
        _ => return Err(AppError::BadRequest("unknown action".into())),
    };
    let back = format!("/exchange/visits/{}", s.visit.row.id);
    match rules::check(s.status, side, mv) {
        Ok(_) => {}
        Err(rules::Refusal::WrongSide) => return Err(AppError::Forbidden),
        Err(rules::Refusal::WrongState) => {
            return moved_on(&visitor, "exchange.visits.moved_on.visit", &back);
        }
    }
    let now = state.clock.now();
    let mut errors = FormErrors::new(visitor.lang);
    let note = match parse_optional("note", &form.note, MAX_TEXT) {
        Ok(n) => n,
        Err(p) => {
            add_problems(&mut errors, &[p]);
            String::new()
        }
    };
    if mv == Move::Decline && note.is_empty() {
        errors.add("note", "exchange.visits.error.note_needed");
    }
    // What to schedule, if anything.
    let join: Option<uuid::Uuid> =
        if mv == Move::Accept && form.slot != "new" && !form.slot.is_empty() {
            Some(
                form.slot
                    .parse()
                    .map_err(|_| AppError::BadRequest("slot".into()))?,
            )
        } else {
            None
        };
    let schedule = if (mv == Move::Accept && join.is_none()) || mv == Move::Reschedule {
        let booked = match (mv, &s.visit.slot) {
            (Move::Reschedule, Some(slot)) => slot.booked,
            _ => s.visit.row.party_size,
        };
        match schedule_of(&form, booked, now) {
            Ok(sc) => Some(sc),
            Err(problems) => {
                add_problems(&mut errors, &problems);
                None
            }
        }
    } else {
        None
    };
    if let (Move::Accept, None, Some(sc)) = (mv, join, &schedule)
        && !rules::fits(0, s.visit.row.party_size, sc.cap)
    {
        errors.add("cap", "exchange.visits.error.below_party");
    }
    if !errors.is_empty() {
        return render_show(&state, &visitor, &tenant, s, Some(form), errors, None).await;
    }
    let conn = state.db.conn();
    let actor = tenant.who.actor();
    let calendars = Calendars {
        state: &state,
        tenant: &tenant,
        lang: visitor.lang,
        title: &s.title,
    };
    let txn = beacon_db::begin_writing(conn).await?;
    let outcome: Result<&str, DbError> = async {
        match mv {
            Move::Accept => {
                let slot = match (join, &schedule) {
                    (Some(slot), _) => {
                        db::accept_into(&txn, now, &actor, tenant.org, &s.visit, slot, &note)
                            .await?
                    }
                    (None, Some(sc)) => {
                        db::accept_new(&txn, now, &actor, tenant.org, &s.visit, sc, &note).await?
                    }
                    (None, None) => return Err(DbError::NotFound),
                };
                let mut row = s.visit.row.clone();
                row.host_note = note.clone();
                if let Some(mail) = calendars
                    .mail(&row, &s.visit.visitor_name, &slot, Method::Request)
                    .await
                    .map_err(|e| DbError::Corrupt(e.to_string()))?
                {
                    db::tell(&txn, now, tenant.org, &[mail]).await?;
                }
                Ok("exchange_visit_accepted")
            }
            Move::Decline => {
                db::decline(&txn, now, &actor, tenant.org, s.visit.row.id, &note).await?;
                if let Some(to) = db::email_of(&txn, s.visit.row.requested_by).await? {
                    let mail = Mail {
                        to,
                        subject: t(visitor.lang, "exchange.visits.email.declined_subject")
                            .replace("{title}", &s.title),
                        body: format!(
                            "{}\n\n{}\n\n{}/exchange/visits/{}",
                            t(visitor.lang, "exchange.visits.email.declined_intro"),
                            note,
                            state.config.public_url,
                            s.visit.row.id
                        ),
                        calendar: None,
                    };
                    db::tell(&txn, now, tenant.org, &[mail]).await?;
                }
                Ok("exchange_visit_declined")
            }
            Move::Withdraw => {
                db::withdraw(&txn, now, &actor, tenant.org, s.visit.row.id).await?;
                Ok("exchange_visit_withdrawn")
            }
            Move::Cancel => {
                db::cancel(&txn, now, &actor, tenant.org, &s.visit).await?;
                if let Some(slot) = &s.visit.slot {
                    let mut slot = slot.clone();
                    slot.sequence += 1;
                    if let Some(mail) = calendars
                        .mail(&s.visit.row, &s.visit.visitor_name, &slot, Method::Cancel)
                        .await
                        .map_err(|e| DbError::Corrupt(e.to_string()))?
                    {
                        db::tell(&txn, now, tenant.org, &[mail]).await?;
                    }
                }
                Ok("exchange_visit_cancelled")
            }
            Move::Reschedule => {
                let (Some(slot), Some(sc)) = (&s.visit.slot, &schedule) else {
                    return Err(DbError::NotFound);
                };
                let slot = db::reschedule(&txn, now, &actor, tenant.org, slot.id, sc).await?;
                for row in db::booked_on(&txn, tenant.org, slot.id).await? {
                    let visitor_name = db::visit_in(&txn, tenant.org, row.id).await?.visitor_name;
                    if let Some(mail) = calendars
                        .mail(&row, &visitor_name, &slot, Method::Request)
                        .await
                        .map_err(|e| DbError::Corrupt(e.to_string()))?
                    {
                        db::tell(&txn, now, tenant.org, &[mail]).await?;
                    }
                }
                Ok("exchange_visit_rescheduled")
            }
        }
    }
    .await;
    match outcome {
        Ok(key) => {
            txn.commit().await?;
            Ok(Redirect::to(&format!("{back}?notice={key}")).into_response())
        }
        Err(DbError::Conflict("full")) => {
            drop(txn);
            moved_on(&visitor, "exchange.visits.moved_on.full", &back)
        }
        Err(DbError::Conflict(_)) => {
            drop(txn);
            moved_on(&visitor, "exchange.visits.moved_on.visit", &back)
        }
        Err(e) => Err(e.into()),
    }
}

async fn set_closed_for(
    state: &AppState,
    tenant: &Tenant,
    s: &Seen,
    closed: bool,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    db::set_closed(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        s.visit.row.case_id,
        closed,
    )
    .await?;
    txn.commit().await?;
    let key = if closed {
        "exchange_visits_closed"
    } else {
        "exchange_visits_opened"
    };
    Ok(Redirect::to(&format!("/exchange/visits/{}?notice={key}", s.visit.row.id)).into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct ClosedForm {
    #[serde(default)]
    closed: String,
}

/// Close one's own case to new visit requests, or open it again.
pub async fn set_closed(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<ClosedForm>,
) -> Result<Response, AppError> {
    let case = case(&state, &tenant, &id).await?;
    if !case.own {
        return Err(AppError::NotFound);
    }
    tenant.require(Capability::PublishCases)?;
    let closed = match form.closed.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::BadRequest("closed".into())),
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    db::set_closed(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        case.case_id,
        closed,
    )
    .await?;
    txn.commit().await?;
    let key = if closed {
        "exchange_visits_closed"
    } else {
        "exchange_visits_opened"
    };
    Ok(Redirect::to(&format!("/exchange/visits?notice={key}")).into_response())
}

// ------------------------------------------------------------- invitation

/// The visitor's invitation, from a checked handler and never cached
/// (PROMISES.md 12): the current version while the visit stands, the
/// cancellation once it is called off.
pub async fn invitation(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = seen(&state, &tenant, &id).await?;
    let slot = s.visit.slot.clone().ok_or(AppError::NotFound)?;
    let method = match s.status {
        VisitStatus::Accepted => Method::Request,
        VisitStatus::Cancelled => Method::Cancel,
        _ => return Err(AppError::NotFound),
    };
    let conn = state.db.conn();
    let attendee = if s.visit.hosting {
        None
    } else {
        db::email_of(conn, s.visit.row.requested_by).await?
    };
    let text = invitation_text(
        &state,
        &s.visit.host_name,
        &s.title,
        &s.visit.visitor_name,
        &s.visit.row,
        &slot,
        attendee.as_deref(),
        method,
    )
    .await?;
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"visit.ics\""),
    );
    Ok(response)
}

// --------------------------------------------------------------- feedback

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct FeedbackForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    feedback: String,
}

#[derive(Template)]
#[template(path = "exchange/visits/feedback.html")]
struct FeedbackPage {
    shell: Shell,
    visit: Visit,
    title: String,
    may_give: bool,
    form: FeedbackForm,
    errors: FormErrors,
}

impl FeedbackPage {
    fn rating_radios(&self) -> Radios {
        let mut radios = Radios::new("rating")
            .legend(
                Legend::text(self.shell.t("exchange.visits.feedback.rating"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .value(self.form.rating.clone())
            .error_message(self.errors.message("rating"));
        for n in (1..=5).rev() {
            radios = radios.item(ChoiceItem::new(
                n.to_string(),
                self.shell
                    .t(&format!("exchange.visits.feedback.rating_{n}")),
            ));
        }
        radios
    }
    fn text_input(&self) -> Textarea {
        Textarea::new("feedback")
            .label(
                Label::text(self.shell.t("exchange.visits.feedback.text"))
                    .classes("govuk-label--m"),
            )
            .rows(5)
            .value(self.form.feedback.clone())
            .error_message(self.errors.message("feedback"))
    }
    fn button(&self) -> Button {
        Button::text(self.shell.t("exchange.visits.feedback.send"))
    }
}

fn render_feedback(
    visitor: &Visitor,
    s: Seen,
    may_give: bool,
    form: FeedbackForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let path = format!("/exchange/visits/{}/feedback", s.visit.row.id);
    let shell = Shell::new(
        visitor,
        &path,
        visitor.lang.t("exchange.visits.feedback.title"),
    )
    .crumb(
        visitor.lang.t("exchange.visits.list.title"),
        "/exchange/visits",
    )
    .crumb(
        visitor.lang.t("exchange.visits.show.title"),
        format!("/exchange/visits/{}", s.visit.row.id),
    )
    .with_errors(!errors.is_empty());
    let mut response = page(&FeedbackPage {
        shell,
        title: s.title,
        visit: s.visit,
        may_give,
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

fn may_give(state: &AppState, tenant: &Tenant, s: &Seen) -> bool {
    side_of(tenant, s) == Some(Side::Visitor)
        && s.visit.row.feedback_at.is_none()
        && rules::may_give_feedback(
            s.status,
            s.visit.slot.as_ref().map(|slot| slot.ends_at),
            state.clock.now(),
        )
}

pub async fn feedback_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let s = seen(&state, &tenant, &id).await?;
    let may = may_give(&state, &tenant, &s);
    render_feedback(
        &visitor,
        s,
        may,
        FeedbackForm::default(),
        FormErrors::new(visitor.lang),
    )
}

pub async fn feedback(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<FeedbackForm>,
) -> Result<Response, AppError> {
    let s = seen(&state, &tenant, &id).await?;
    if s.visit.hosting || side_of(&tenant, &s).is_none() {
        return Err(AppError::Forbidden);
    }
    if !may_give(&state, &tenant, &s) {
        return moved_on(
            &visitor,
            "exchange.visits.moved_on.feedback",
            &format!("/exchange/visits/{}", s.visit.row.id),
        );
    }
    let rating = parse_rating(&form.rating);
    let text = parse_text("feedback", &form.feedback, MAX_TEXT);
    let (rating, text) = match (rating, text) {
        (Ok(r), Ok(t)) => (r, t),
        (r, t) => {
            let mut errors = FormErrors::new(visitor.lang);
            let problems: Vec<_> = [r.err(), t.err()].into_iter().flatten().collect();
            add_problems(&mut errors, &problems);
            return render_feedback(&visitor, s, true, form, errors);
        }
    };
    let now = state.clock.now();
    let txn = state.db.begin_writing().await?;
    match db::feedback(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        s.visit.row.id,
        rating,
        &text,
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            return moved_on(
                &visitor,
                "exchange.visits.moved_on.feedback",
                &format!("/exchange/visits/{}", s.visit.row.id),
            );
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "/exchange/visits/{}?notice=exchange_feedback_sent",
        s.visit.row.id
    ))
    .into_response())
}
