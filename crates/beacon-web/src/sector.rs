//! Sector administration: creating organisations (each with a first admin,
//! invited by email) and partnerships between them.
use crate::admin::{Invitation, send_invitation};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::public::{here, page};
use crate::routes::{Access, Route, route};
use crate::shell::Shell;
use crate::visitor::{SectorAdmin, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use beacon_core::account::{Email, EmailError};
use beacon_core::organisation::{OrgKind, OrgName, PartnershipName, Slug, SlugError};
use beacon_core::text::TextError;
use beacon_core::{OrgId, Role};
use beacon_db::DbError;
use beacon_db::organisations::{self, Organisation, Partnership};
use beacon_govuk::components::{Checkboxes, ChoiceItem, Legend, NotificationBanner, Radios};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        route(Method::GET, "/sector", Access::SectorAdmin, get(overview)),
        route(
            Method::GET,
            "/sector/organisations/new",
            Access::SectorAdmin,
            get(new_organisation),
        ),
        route(
            Method::POST,
            "/sector/organisations",
            Access::SectorAdmin,
            post(create_organisation),
        ),
        route(
            Method::GET,
            "/sector/partnerships/new",
            Access::SectorAdmin,
            get(new_partnership),
        ),
        route(
            Method::POST,
            "/sector/partnerships",
            Access::SectorAdmin,
            post(create_partnership),
        ),
    ]
}

#[derive(Template)]
#[template(path = "sector/overview.html")]
struct Overview {
    shell: Shell,
    organisations: Vec<Organisation>,
    partnerships: Vec<Partnership>,
    notice: Option<NotificationBanner>,
}

impl Overview {
    fn kind(&self, kind: &OrgKind) -> &'static str {
        self.shell.t(&format!("sector.kind.{}", kind.key()))
    }
}

async fn overview(
    State(state): State<AppState>,
    visitor: Visitor,
    _admin: SectorAdmin,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let shell = Shell::new(&visitor, &here(&uri), visitor.lang.t("sector.title"));
    page(&Overview {
        notice: notice(visitor.lang, q.notice.as_deref()),
        shell,
        organisations: organisations::all(state.db.conn()).await?,
        partnerships: organisations::partnerships(state.db.conn()).await?,
    })
}

#[derive(Template)]
#[template(path = "sector/new_organisation.html")]
struct NewOrganisationPage {
    shell: Shell,
    errors: FormErrors,
    form: OrganisationForm,
}

impl NewOrganisationPage {
    fn kind_radios(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("kind")
            .legend(
                Legend::text(lang.t("sector.organisation.kind"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .value(self.form.kind.clone())
            .error_message(self.errors.message("kind"));
        for kind in OrgKind::ALL {
            radios = radios.item(ChoiceItem::new(
                kind.key(),
                lang.t(&format!("sector.kind.{}", kind.key())),
            ));
        }
        radios
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    admin_email: String,
}

fn organisation_page(
    visitor: &Visitor,
    uri: &OriginalUri,
    errors: FormErrors,
    form: OrganisationForm,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let has_errors = !errors.is_empty();
    let shell = Shell::new(visitor, &here(uri), lang.t("sector.organisation.title"))
        .crumb(lang.t("sector.title"), "/sector")
        .with_errors(has_errors);
    let body = page(&NewOrganisationPage {
        shell,
        errors,
        form,
    })?;
    Ok(if has_errors {
        (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
    } else {
        body
    })
}

async fn new_organisation(
    visitor: Visitor,
    _admin: SectorAdmin,
    uri: OriginalUri,
) -> Result<Response, AppError> {
    organisation_page(
        &visitor,
        &uri,
        FormErrors::new(visitor.lang),
        OrganisationForm::default(),
    )
}

async fn create_organisation(
    State(state): State<AppState>,
    visitor: Visitor,
    SectorAdmin(admin): SectorAdmin,
    uri: OriginalUri,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::new(visitor.lang);
    let name = OrgName::parse(&form.name);
    match &name {
        Err(TextError::Missing) => errors.add("name", "sector.organisation.error.name_missing"),
        Err(TextError::TooLong { .. }) => {
            errors.add("name", "sector.organisation.error.name_too_long")
        }
        Ok(_) => {}
    }
    let slug = if form.slug.trim().is_empty() {
        Slug::from_name(&form.name)
    } else {
        Slug::parse(&form.slug)
    };
    if let Err(e) = &slug
        && (name.is_ok() || e == &SlugError::Invalid)
    {
        errors.add("slug", "sector.organisation.error.slug");
    }
    let kind = form.kind.parse::<OrgKind>();
    if kind.is_err() {
        errors.add("kind", "sector.organisation.error.kind");
    }
    let email = Email::parse(&form.admin_email);
    match &email {
        Err(EmailError::Missing) => {
            errors.add("admin_email", "sector.organisation.error.admin_missing")
        }
        Err(EmailError::Invalid) => errors.add("admin_email", "sign_in.error.email_invalid"),
        Ok(_) => {}
    }
    let (Ok(name), Ok(slug), Ok(kind), Ok(email), true) =
        (name, slug, kind, email, errors.is_empty())
    else {
        return organisation_page(&visitor, &uri, errors, form);
    };
    let actor = admin.actor();
    let txn = state.db.begin_writing().await?;
    let org = match organisations::create(&txn, &actor, state.clock.now(), &name, &slug, kind).await
    {
        Ok(org) => org,
        Err(DbError::Conflict(_)) => {
            errors.add("slug", "sector.organisation.error.taken");
            return organisation_page(&visitor, &uri, errors, form);
        }
        Err(e) => return Err(e.into()),
    };
    let invitation = Invitation {
        org: org.id,
        org_name: &org.name,
        email: &email,
        role: Role::Admin,
    };
    send_invitation(&txn, &state, visitor.lang, invitation, &actor).await?;
    txn.commit().await?;
    Ok(Redirect::to("/sector?notice=organisation_created").into_response())
}

#[derive(Template)]
#[template(path = "sector/new_partnership.html")]
struct NewPartnershipPage {
    shell: Shell,
    errors: FormErrors,
    name: String,
    chosen: Vec<String>,
    organisations: Vec<Organisation>,
}

impl NewPartnershipPage {
    fn member_checkboxes(&self) -> Checkboxes {
        let lang = self.shell.lang;
        let mut boxes = Checkboxes::new("members")
            .legend(
                Legend::text(lang.t("sector.partnership.members"))
                    .classes("govuk-fieldset__legend--s"),
            )
            .hint(lang.t("sector.partnership.members_hint"))
            .values(self.chosen.clone())
            .error_message(self.errors.message("members"));
        for org in &self.organisations {
            boxes = boxes.item(ChoiceItem::new(org.id.to_string(), org.name.clone()));
        }
        boxes
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PartnershipForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    members: Vec<String>,
}

async fn partnership_page(
    state: &AppState,
    visitor: &Visitor,
    uri: &OriginalUri,
    errors: FormErrors,
    form: PartnershipForm,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let has_errors = !errors.is_empty();
    let shell = Shell::new(visitor, &here(uri), lang.t("sector.partnership.title"))
        .crumb(lang.t("sector.title"), "/sector")
        .with_errors(has_errors);
    let organisations = organisations::all(state.db.conn()).await?;
    let body = page(&NewPartnershipPage {
        shell,
        errors,
        name: form.name,
        chosen: form.members,
        organisations,
    })?;
    Ok(if has_errors {
        (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
    } else {
        body
    })
}

async fn new_partnership(
    State(state): State<AppState>,
    visitor: Visitor,
    _admin: SectorAdmin,
    uri: OriginalUri,
) -> Result<Response, AppError> {
    partnership_page(
        &state,
        &visitor,
        &uri,
        FormErrors::new(visitor.lang),
        PartnershipForm::default(),
    )
    .await
}

async fn create_partnership(
    State(state): State<AppState>,
    visitor: Visitor,
    SectorAdmin(admin): SectorAdmin,
    uri: OriginalUri,
    Form(form): Form<PartnershipForm>,
) -> Result<Response, AppError> {
    let mut errors = FormErrors::new(visitor.lang);
    let name = PartnershipName::parse(&form.name);
    match &name {
        Err(TextError::Missing) => errors.add("name", "sector.partnership.error.name_missing"),
        Err(TextError::TooLong { .. }) => {
            errors.add("name", "sector.partnership.error.name_too_long")
        }
        Ok(_) => {}
    }
    let known: Vec<OrgId> = organisations::all(state.db.conn())
        .await?
        .into_iter()
        .map(|o| o.id)
        .collect();
    let mut members: Vec<OrgId> = form
        .members
        .iter()
        .filter_map(|m| m.parse().ok())
        .filter(|m| known.contains(m))
        .collect();
    members.sort();
    members.dedup();
    if members.len() != form.members.len() {
        return Err(AppError::BadRequest("unknown organisation".into()));
    }
    if members.len() < 2 {
        errors.add("members", "sector.partnership.error.members");
    }
    let (Ok(name), true) = (name, errors.is_empty()) else {
        return partnership_page(&state, &visitor, &uri, errors, form).await;
    };
    match organisations::create_partnership(
        state.db.conn(),
        &admin.actor(),
        state.clock.now(),
        &name,
        &members,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/sector?notice=partnership_created").into_response()),
        Err(DbError::Conflict(_)) => {
            errors.add("name", "sector.partnership.error.taken");
            partnership_page(&state, &visitor, &uri, errors, form).await
        }
        Err(e) => Err(e.into()),
    }
}
