//! An organisation's administration: its people and their roles, invitations,
//! the audit log and the email outbox. Every query here is scoped to the
//! admin's current organisation; another organisation's people are "not found".
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::i18n::{Lang, tf};
use crate::limits::{Guarded, PeerAddr, client_address, record_failure, within_limits};
use crate::public::{here, page};
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::tokens::{random_token, token_hash};
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use beacon_core::account::{Email, EmailError, TokenPurpose};
use beacon_core::permission::Capability;
use beacon_core::{OrgId, PersonId, Role};
use beacon_db::audit::{self, Actor, AuditEntry, AuditFilter};
use beacon_db::people::{self, Member, RevokeError};
use beacon_db::{ConnectionTrait, outbox, tokens};
use beacon_govuk::components::{
    ChoiceItem, Label, Legend, NotificationBanner, Radios, Select, SelectItem,
};
use serde::Deserialize;
use time::macros::format_description;
use time::{Date, OffsetDateTime, Time};

const PER_PAGE: u64 = 25;

pub fn routes() -> Vec<Route> {
    let people = Access::Can(Capability::ManagePeople);
    vec![
        route(Method::GET, "/admin", people, get(overview)),
        route(Method::GET, "/admin/people", people, get(list_people)),
        route(Method::GET, "/admin/people/{id}", people, get(show_person)),
        route(
            Method::POST,
            "/admin/people/{id}/roles",
            people,
            post(grant_role),
        ),
        route(
            Method::POST,
            "/admin/people/{id}/roles/remove",
            people,
            post(revoke_role),
        ),
        route(
            Method::POST,
            "/admin/people/{id}/status",
            people,
            post(set_status),
        ),
        route(Method::GET, "/admin/invitations", people, get(invitations)),
        route(Method::POST, "/admin/invitations", people, post(invite)),
        route(
            Method::GET,
            "/admin/audit",
            Access::Can(Capability::ReadAudit),
            get(audit_log),
        ),
        route(
            Method::GET,
            "/admin/outbox",
            Access::Can(Capability::ReadOutbox),
            get(outbox_page),
        ),
    ]
}

fn role_label(lang: Lang, role: Role) -> &'static str {
    lang.t(&format!("role.{}", role.key()))
}

/// "22 Nov 2026 14:05", with the month in the visitor's language.
fn format_time(lang: Lang, at: &OffsetDateTime) -> String {
    let months: Vec<&str> = lang.t("common.months").split_whitespace().collect();
    let month = months
        .get(usize::from(u8::from(at.month())) - 1)
        .copied()
        .unwrap_or("");
    format!(
        "{} {month} {} {:02}:{:02}",
        at.day(),
        at.year(),
        at.hour(),
        at.minute()
    )
}

#[derive(Template)]
#[template(path = "admin/overview.html")]
struct Overview {
    shell: Shell,
    show_outbox: bool,
}

async fn overview(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
) -> Result<Response, AppError> {
    tenant.require(Capability::ManagePeople)?;
    let shell = Shell::new(
        &visitor,
        &here(&uri),
        tenant.organisation.name.clone() + " – " + visitor.lang.t("admin.title"),
    );
    page(&Overview {
        shell,
        show_outbox: state.config.smtp.is_none(),
    })
}

#[derive(Template)]
#[template(path = "admin/people.html")]
struct PeoplePage {
    shell: Shell,
    members: Vec<Member>,
    search: String,
    page: u64,
    pages: u64,
    total: u64,
}

impl PeoplePage {
    fn role(&self, role: &Role) -> &'static str {
        role_label(self.shell.lang, *role)
    }
    fn page_href(&self, page: u64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if !self.search.is_empty() {
            q.append_pair("q", &self.search);
        }
        q.append_pair("page", &page.to_string());
        format!("/admin/people?{}", q.finish())
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PeopleQuery {
    q: Option<String>,
    page: Option<String>,
    lang: Option<String>,
}

/// A page number from the address bar; anything else is the first page.
fn page_number(raw: Option<&str>) -> u64 {
    raw.and_then(|p| p.parse::<u64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

async fn list_people(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(query): Query<PeopleQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ManagePeople)?;
    let _ = query.lang;
    let search = query
        .q
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect::<String>();
    let page_no = page_number(query.page.as_deref());
    let found = people::members(
        state.db.conn(),
        tenant.org,
        Some(&search),
        page_no,
        PER_PAGE,
    )
    .await?;
    let shell = Shell::new(&visitor, &here(&uri), visitor.lang.t("admin.people.title"))
        .crumb(visitor.lang.t("admin.title"), "/admin");
    page(&PeoplePage {
        shell,
        members: found.members,
        search,
        page: page_no,
        pages: found.total.div_ceil(PER_PAGE).max(1),
        total: found.total,
    })
}

#[derive(Template)]
#[template(path = "admin/person.html")]
struct PersonPage {
    shell: Shell,
    member: Member,
    grantable: Vec<Role>,
    errors: FormErrors,
    notice: Option<NotificationBanner>,
    is_self: bool,
}

impl PersonPage {
    fn role(&self, role: &Role) -> &'static str {
        role_label(self.shell.lang, *role)
    }

    fn role_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut select = Select::new("role")
            .label(Label::text(lang.t("admin.person.add_role")).classes("govuk-label--s"))
            .item(SelectItem::new("", lang.t("admin.person.choose_role")))
            .error_message(self.errors.message("role"));
        for role in &self.grantable {
            select = select.item(SelectItem::new(role.key(), role_label(lang, *role)));
        }
        select
    }
}

fn person_id(raw: &str) -> Result<PersonId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// The person, if they belong to the admin's organisation; otherwise "not
/// found", whatever exists elsewhere.
async fn member_of(state: &AppState, org: OrgId, id: PersonId) -> Result<Member, AppError> {
    people::member(state.db.conn(), org, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn person_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    id: PersonId,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let member = member_of(state, tenant.org, id).await?;
    let lang = visitor.lang;
    let grantable = Role::ALL
        .into_iter()
        .filter(|r| !member.roles.contains(r))
        .collect();
    let shell = Shell::new(visitor, &here(uri), member.person.display_name.clone())
        .crumb(lang.t("admin.title"), "/admin")
        .crumb(lang.t("admin.people.title"), "/admin/people")
        .with_errors(!errors.is_empty());
    let is_self = member.person.id == tenant.who.person.id;
    page(&PersonPage {
        shell,
        member,
        grantable,
        errors,
        notice: notice(lang, notice_key),
        is_self,
    })
}

async fn show_person(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ManagePeople)?;
    let _ = q.lang;
    person_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        person_id(&id)?,
        FormErrors::new(visitor.lang),
        q.notice.as_deref(),
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn grant_role(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ManagePeople)?;
    let id = person_id(&id)?;
    member_of(&state, tenant.org, id).await?;
    let Ok(role) = form.role.parse::<Role>() else {
        let mut errors = FormErrors::new(visitor.lang);
        errors.add("role", "admin.person.error.role_missing");
        let mut response = person_page(&state, &visitor, &tenant, &uri, id, errors, None).await?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    };
    let txn = state.db.begin_writing().await?;
    people::grant_role(
        &txn,
        &tenant.who.actor(),
        state.clock.now(),
        tenant.org,
        id,
        role,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!("/admin/people/{id}?notice=role_granted")).into_response())
}

async fn revoke_role(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Path(id): Path<String>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ManagePeople)?;
    let id = person_id(&id)?;
    member_of(&state, tenant.org, id).await?;
    let role: Role = form
        .role
        .parse()
        .map_err(|_| AppError::BadRequest("role".into()))?;
    match people::revoke_role(
        state.db.conn(),
        &tenant.who.actor(),
        state.clock.now(),
        tenant.org,
        id,
        role,
    )
    .await
    {
        Ok(_) => {
            // Someone who has just lost their last role here is no longer a
            // member, so their page is gone: back to the list.
            let still_member = people::member(state.db.conn(), tenant.org, id)
                .await?
                .is_some();
            let target = if still_member {
                format!("/admin/people/{id}?notice=role_revoked")
            } else {
                "/admin/people".to_owned()
            };
            Ok(Redirect::to(&target).into_response())
        }
        Err(RevokeError::LastAdmin(_)) => {
            let mut errors = FormErrors::new(visitor.lang);
            errors.add("remove-admin", "admin.person.error.last_admin");
            let mut response =
                person_page(&state, &visitor, &tenant, &uri, id, errors, None).await?;
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(RevokeError::Db(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusForm {
    status: String,
}

async fn set_status(
    State(state): State<AppState>,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ManagePeople)?;
    let id = person_id(&id)?;
    member_of(&state, tenant.org, id).await?;
    let disabled = match form.status.as_str() {
        "disabled" => true,
        "enabled" => false,
        _ => return Err(AppError::BadRequest("status".into())),
    };
    // An admin cannot lock themselves out.
    if disabled && id == tenant.who.person.id {
        return Err(AppError::BadRequest("cannot disable yourself".into()));
    }
    people::set_disabled(
        state.db.conn(),
        &tenant.who.actor(),
        state.clock.now(),
        tenant.org,
        id,
        disabled,
    )
    .await?;
    let key = if disabled {
        "account_disabled"
    } else {
        "account_enabled"
    };
    Ok(Redirect::to(&format!("/admin/people/{id}?notice={key}")).into_response())
}

#[derive(Template)]
#[template(path = "admin/invitations.html")]
struct InvitationsPage {
    shell: Shell,
    errors: FormErrors,
    email: String,
    role: String,
    sent: Vec<tokens::Token>,
    notice: Option<NotificationBanner>,
    now: OffsetDateTime,
}

impl InvitationsPage {
    fn roles(&self) -> Vec<(&'static str, &'static str)> {
        Role::ALL
            .into_iter()
            .map(|r| (r.key(), role_label(self.shell.lang, r)))
            .collect()
    }
    fn role_name(&self, role: &Option<Role>) -> &'static str {
        role.map(|r| role_label(self.shell.lang, r)).unwrap_or("")
    }
    fn status(&self, token: &tokens::Token) -> (&'static str, &'static str) {
        let lang = self.shell.lang;
        if token.used_at.is_some() {
            (lang.t("admin.invitations.accepted"), "govuk-tag--green")
        } else if token.expires_at <= self.now {
            (lang.t("admin.invitations.expired"), "govuk-tag--grey")
        } else {
            (lang.t("admin.invitations.pending"), "govuk-tag--blue")
        }
    }
    fn when(&self, at: &OffsetDateTime) -> String {
        format_time(self.shell.lang, at)
    }

    fn role_radios(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("role")
            .legend(
                Legend::text(lang.t("admin.invitations.role")).classes("govuk-fieldset__legend--s"),
            )
            .value(self.role.clone())
            .error_message(self.errors.message("role"));
        for (key, label) in self.roles() {
            radios = radios.item(ChoiceItem::new(key, label));
        }
        radios
    }
}

async fn invitations_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    errors: FormErrors,
    draft: InviteForm,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let (email, role) = (draft.email, draft.role);
    let lang = visitor.lang;
    let sent = tokens::invitations(state.db.conn(), tenant.org).await?;
    let shell = Shell::new(visitor, &here(uri), lang.t("admin.invitations.title"))
        .crumb(lang.t("admin.title"), "/admin")
        .with_errors(!errors.is_empty());
    page(&InvitationsPage {
        shell,
        errors,
        email,
        role,
        sent,
        notice: notice(lang, notice_key),
        now: state.clock.now(),
    })
}

async fn invitations(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ManagePeople)?;
    let _ = q.lang;
    invitations_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        FormErrors::new(visitor.lang),
        InviteForm::default(),
        q.notice.as_deref(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// Write an invitation and its email, in the caller's transaction.
/// An invitation to write: who is invited, where, as what.
pub(crate) struct Invitation<'a> {
    pub org: OrgId,
    pub org_name: &'a str,
    pub email: &'a Email,
    pub role: Role,
}

pub(crate) async fn send_invitation<C: ConnectionTrait>(
    txn: &C,
    state: &AppState,
    lang: Lang,
    invitation: Invitation<'_>,
    actor: &Actor,
) -> Result<(), AppError> {
    let Invitation {
        org,
        org_name,
        email,
        role,
    } = invitation;
    let token = random_token();
    let now = state.clock.now();
    tokens::insert(
        txn,
        now,
        tokens::NewToken {
            token_hash: &token_hash(&token),
            purpose: TokenPurpose::Invitation,
            email: email.as_str(),
            person: None,
            organisation: Some(org),
            role: Some(role),
            created_by: actor.id,
        },
    )
    .await?;
    let link = format!("{}/invitations/{token}", state.config.public_url);
    let body = tf(
        lang,
        "email.invitation.body",
        &[
            ("organisation", org_name),
            ("role", role_label(lang, role)),
            ("link", &link),
        ],
    );
    let subject = tf(
        lang,
        "email.invitation.subject",
        &[("organisation", org_name)],
    );
    outbox::enqueue(txn, now, Some(org), email.as_str(), &subject, &body).await?;
    audit::record(
        txn,
        now,
        actor,
        audit::Change::new("invitation.send", "invitation", email.as_str())
            .in_org(org)
            .after(serde_json::json!({ "email": email.as_str(), "role": role })),
    )
    .await?;
    Ok(())
}

async fn invite(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    PeerAddr(peer): PeerAddr,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ManagePeople)?;
    let mut errors = FormErrors::new(visitor.lang);
    let address = client_address(&state, peer, &headers);
    let sender = tenant.who.person.email.clone();
    if !within_limits(&state, Guarded::Invitation, Some(&sender), &address).await? {
        errors.add("email", "admin.invitations.error.too_many");
        let mut response =
            invitations_page(&state, &visitor, &tenant, &uri, errors, form, None).await?;
        *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return Ok(response);
    }
    let email = Email::parse(&form.email);
    match &email {
        Err(EmailError::Missing) => errors.add("email", "admin.invitations.error.email_missing"),
        Err(EmailError::Invalid) => errors.add("email", "sign_in.error.email_invalid"),
        Ok(_) => {}
    }
    let role = form.role.parse::<Role>();
    if role.is_err() {
        errors.add("role", "admin.invitations.error.role_missing");
    }
    let (Ok(email), Ok(role), true) = (email, role, errors.is_empty()) else {
        let mut response =
            invitations_page(&state, &visitor, &tenant, &uri, errors, form, None).await?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    };
    let txn = state.db.begin_writing().await?;
    let invitation = Invitation {
        org: tenant.org,
        org_name: &tenant.organisation.name,
        email: &email,
        role,
    };
    send_invitation(&txn, &state, visitor.lang, invitation, &tenant.who.actor()).await?;
    txn.commit().await?;
    // Every invitation sent counts towards the limit.
    record_failure(&state, Guarded::Invitation, Some(&sender), &address).await?;
    Ok(Redirect::to("/admin/invitations?notice=invitation_sent").into_response())
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    shell: Shell,
    entries: Vec<AuditEntry>,
    actions: Vec<String>,
    errors: FormErrors,
    action: String,
    actor: String,
    from: String,
    until: String,
    page: u64,
    pages: u64,
    total: u64,
}

impl AuditPage {
    fn action_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut select = Select::new("action")
            .label(Label::text(lang.t("admin.audit.action")))
            .item(SelectItem::new("", lang.t("admin.audit.any_action")))
            .value(self.action.clone())
            .error_message(self.errors.message("action"));
        for action in &self.actions {
            select = select.item(SelectItem::new(action.clone(), action.clone()));
        }
        select
    }

    fn when(&self, at: &OffsetDateTime) -> String {
        format_time(self.shell.lang, at)
    }
    fn page_href(&self, page: u64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("action", &self.action),
            ("actor", &self.actor),
            ("from", &self.from),
            ("until", &self.until),
        ] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        q.append_pair("page", &page.to_string());
        format!("/admin/audit?{}", q.finish())
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    until: Option<String>,
    page: Option<String>,
    lang: Option<String>,
}

fn parse_date(raw: &str) -> Result<Option<Date>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Date::parse(raw, format_description!("[year]-[month]-[day]"))
        .map(Some)
        .map_err(|_| ())
}

async fn audit_log(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ReadAudit)?;
    let _ = q.lang;
    let lang = visitor.lang;
    let actions = audit::actions(state.db.conn(), tenant.org).await?;
    let mut errors = FormErrors::new(lang);
    let action = q.action.unwrap_or_default();
    // Filter keys are allow-listed (PROMISES.md 10): an unknown action is an error.
    if !action.is_empty() && !actions.contains(&action) {
        errors.add("action", "admin.audit.error.action");
    }
    let from_raw = q.from.unwrap_or_default();
    let until_raw = q.until.unwrap_or_default();
    let from = parse_date(&from_raw).unwrap_or_else(|()| {
        errors.add("from", "admin.audit.error.date");
        None
    });
    let until = parse_date(&until_raw).unwrap_or_else(|()| {
        errors.add("until", "admin.audit.error.date");
        None
    });
    let actor = q
        .actor
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect::<String>();
    let filter = AuditFilter {
        action: (!action.is_empty() && errors.get("action").is_none()).then(|| action.clone()),
        actor: (!actor.trim().is_empty()).then(|| actor.trim().to_owned()),
        from: from.map(|d| d.with_time(Time::MIDNIGHT).assume_utc()),
        until: until.map(|d| {
            d.next_day()
                .unwrap_or(d)
                .with_time(Time::MIDNIGHT)
                .assume_utc()
        }),
    };
    let page_no = page_number(q.page.as_deref());
    let found = if errors.is_empty() {
        audit::list(state.db.conn(), tenant.org, &filter, page_no, PER_PAGE).await?
    } else {
        audit::AuditPage {
            entries: Vec::new(),
            total: 0,
        }
    };
    let shell = Shell::new(&visitor, &here(&uri), lang.t("admin.audit.title"))
        .crumb(lang.t("admin.title"), "/admin")
        .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = page(&AuditPage {
        shell,
        entries: found.entries,
        actions,
        errors,
        action,
        actor,
        from: from_raw,
        until: until_raw,
        page: page_no,
        pages: found.total.div_ceil(PER_PAGE).max(1),
        total: found.total,
    })?;
    Ok((status, body).into_response())
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    shell: Shell,
    messages: Vec<outbox::Message>,
    smtp_configured: bool,
}

impl OutboxPage {
    fn when(&self, at: &OffsetDateTime) -> String {
        format_time(self.shell.lang, at)
    }
}

async fn outbox_page(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::ReadOutbox)?;
    let _ = (q.lang, q.notice);
    let lang = visitor.lang;
    // With a mail server configured, messages are delivered and their links
    // are not for admins to read.
    let smtp_configured = state.config.smtp.is_some();
    let messages = if smtp_configured {
        Vec::new()
    } else {
        outbox::list(state.db.conn(), Some(tenant.org), 1, 50)
            .await?
            .0
    };
    let shell = Shell::new(&visitor, &here(&uri), lang.t("admin.outbox.title"))
        .crumb(lang.t("admin.title"), "/admin");
    page(&OutboxPage {
        shell,
        messages,
        smtp_configured,
    })
}
