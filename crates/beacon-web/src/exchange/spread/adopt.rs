//! "We want to try this": a member of a council adopts a case it may read
//! into its own pipeline, as an idea at the first stage whose text comes from
//! the publication. The source council's innovation leads are told by email
//! and see, on their case's adoptions page, who adopted it and how it went.
use super::{area_name, council_label};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors};
use crate::i18n::{Lang, tf};
use crate::ideas::paragraphs;
use crate::pipeline::format_date;
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::exchange::follow::AdoptedText;
use beacon_core::pipeline::Outcome;
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::{OrgId, Role};
use beacon_db::entity::case_publication;
use beacon_db::exchange::spread::{self as db, Adopted, AdoptionSeen};
use beacon_db::outbox;
use beacon_govuk::components::{Button, Label, Select, SelectItem};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct AdoptForm {
    #[serde(default)]
    service_area: String,
}

/// Where the visitor's council stands with a case.
enum Standing {
    /// Their own council's case: nothing to adopt.
    Own,
    /// Adopted already, as this idea.
    Adopted(Uuid),
    Open,
}

#[derive(Template)]
#[template(path = "exchange/spread/adopt.html")]
struct AdoptPage {
    shell: Shell,
    publication: case_publication::Model,
    council: String,
    standing: Standing,
    preview: AdoptedText,
    form: AdoptForm,
    errors: FormErrors,
}

impl AdoptPage {
    fn summary(&self) -> Vec<String> {
        paragraphs(&self.publication.summary)
    }
    fn is_own(&self) -> bool {
        matches!(self.standing, Standing::Own)
    }
    fn adopted_idea(&self) -> Option<Uuid> {
        match self.standing {
            Standing::Adopted(id) => Some(id),
            _ => None,
        }
    }
    fn area_select(&self) -> Select {
        let lang = self.shell.lang;
        let mut select = Select::new("service_area")
            .label(
                Label::text(lang.t("exchange.spread.adopt.service_area")).classes("govuk-label--s"),
            )
            .hint(lang.t("exchange.spread.adopt.service_area_hint"))
            .value(self.form.service_area.clone())
            .error_message(self.errors.message("service_area"))
            .item(SelectItem::new("", lang.t("exchange.spread.adopt.choose")));
        for a in ServiceArea::ALL {
            select = select.item(SelectItem::new(a.key(), area_name(lang, a.key())));
        }
        select
    }
    fn button(&self) -> Button {
        Button::text(self.shell.t("exchange.spread.adopt.submit")).prevent_double_click()
    }
}

/// The publication if the visitor's council may read it, and where the
/// council stands with it. Anything else is "not found".
async fn standing(
    state: &AppState,
    tenant: &Tenant,
    raw: &str,
) -> Result<(case_publication::Model, Standing), AppError> {
    let id = Uuid::parse_str(raw).map_err(|_| AppError::NotFound)?;
    let conn = state.db.conn();
    let reader = db::reader_for(conn, tenant.org).await?;
    let publication = db::readable(conn, &reader, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if db::source_council(conn, &publication).await? == Some(tenant.org) {
        return Ok((publication, Standing::Own));
    }
    let standing = match db::adoption_of(conn, tenant.org, &publication).await? {
        Some(a) => Standing::Adopted(a.idea_id),
        None => Standing::Open,
    };
    Ok((publication, standing))
}

fn preview(p: &case_publication::Model) -> AdoptedText {
    db::adopted_text(p)
}

fn render(
    visitor: &Visitor,
    publication: case_publication::Model,
    standing: Standing,
    form: AdoptForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let path = format!("/exchange/cases/{}/adopt", publication.id);
    let shell = Shell::new(visitor, &path, lang.t("exchange.spread.adopt.title"))
        .crumb(lang.t("exchange.spread.exchange"), "/exchange")
        .crumb(
            publication.title.clone(),
            format!("/exchange/cases/{}", publication.id),
        )
        .with_errors(!errors.is_empty());
    let mut response = page(&AdoptPage {
        shell,
        council: council_label(lang, &publication),
        preview: preview(&publication),
        publication,
        standing,
        form,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn confirm(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (publication, standing) = standing(&state, &tenant, &id).await?;
    let form = AdoptForm {
        service_area: publication
            .service_area
            .parse::<ServiceArea>()
            .map(|a| a.key().to_owned())
            .unwrap_or_default(),
    };
    let errors = FormErrors::new(visitor.lang);
    render(
        &visitor,
        publication,
        standing,
        form,
        errors,
        StatusCode::OK,
    )
}

pub async fn adopt(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<AdoptForm>,
) -> Result<Response, AppError> {
    let (publication, standing) = standing(&state, &tenant, &id).await?;
    let lang = visitor.lang;
    match standing {
        Standing::Own => return Err(AppError::Forbidden),
        Standing::Adopted(_) => {
            let mut errors = FormErrors::new(lang);
            errors.add("service_area", "exchange.spread.adopt.error.already");
            return render(
                &visitor,
                publication,
                standing,
                form,
                errors,
                StatusCode::CONFLICT,
            );
        }
        Standing::Open => {}
    }
    let Ok(area) = form.service_area.parse::<ServiceArea>() else {
        let mut errors = FormErrors::new(lang);
        errors.add("service_area", "exchange.spread.adopt.error.service_area");
        return render(
            &visitor,
            publication,
            standing,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let new = db::new_idea(&publication, tenant.who.person.id, area);
    let now = state.clock.now();
    let conn = state.db.conn();
    let source = db::source_council(conn, &publication).await?;
    let txn = state.db.begin_writing().await?;
    let adopted = db::adopt(
        &txn,
        now,
        &tenant.who.actor(),
        tenant.org,
        &publication,
        new,
    )
    .await;
    let idea = match adopted {
        Ok(Adopted::Idea(idea)) => idea,
        // Another request of this council won the race: nothing of ours is kept.
        Ok(Adopted::Already) | Err(beacon_db::DbError::Conflict(_)) => {
            drop(txn);
            let (publication, standing) = self::standing(&state, &tenant, &id).await?;
            let mut errors = FormErrors::new(lang);
            errors.add("service_area", "exchange.spread.adopt.error.already");
            return render(
                &visitor,
                publication,
                standing,
                form,
                errors,
                StatusCode::CONFLICT,
            );
        }
        Err(e) => return Err(e.into()),
    };
    if let (Some(source), Some(case)) = (source, publication.case_id) {
        tell_the_source(&state, &txn, now, &tenant, source, case, &publication).await?;
    }
    txn.commit().await?;
    Ok(Redirect::to(&format!("/ideas/{idea}?notice=exchange_case_adopted")).into_response())
}

/// Email the source council's innovation leads, in English then Welsh.
async fn tell_the_source(
    state: &AppState,
    txn: &beacon_db::DatabaseTransaction,
    now: time::OffsetDateTime,
    tenant: &Tenant,
    source: OrgId,
    case: Uuid,
    publication: &case_publication::Model,
) -> Result<(), AppError> {
    let leads = db::people_with_role(txn, source, Role::InnovationLead).await?;
    if leads.is_empty() {
        return Ok(());
    }
    let link = format!(
        "{}/exchange/cases/{case}/adoptions",
        state.config.public_url
    );
    let args = [
        ("council", tenant.organisation.name.as_str()),
        ("case", publication.title.as_str()),
        ("link", link.as_str()),
    ];
    let both = |key: &str| {
        format!(
            "{}\n\n{}",
            tf(Lang::En, key, &args),
            tf(Lang::Cy, key, &args)
        )
    };
    let subject = format!(
        "{} / {}",
        tf(Lang::En, "exchange.spread.email.adopted_subject", &args),
        tf(Lang::Cy, "exchange.spread.email.adopted_subject", &args)
    );
    let body = both("exchange.spread.email.adopted_body");
    for lead in leads {
        outbox::enqueue(txn, now, Some(source), &lead.email, &subject, &body).await?;
    }
    Ok(())
}

/// What an adopted idea's page says of where it came from.
pub struct AdoptedFrom {
    pub title: String,
    pub href: String,
}

/// The case an idea of the visitor's council was adopted from, if any.
pub async fn adopted_from(
    state: &AppState,
    tenant: &Tenant,
    idea: Uuid,
) -> Result<Option<AdoptedFrom>, AppError> {
    Ok(db::for_idea(state.db.conn(), tenant.org, idea)
        .await?
        .map(|a| AdoptedFrom {
            title: a.case_title,
            href: format!("/exchange/cases/{}", a.publication_id),
        }))
}

#[derive(Template)]
#[template(path = "exchange/spread/adoptions.html")]
struct AdoptionsPage {
    shell: Shell,
    case_id: Uuid,
    title: String,
    adoptions: Vec<AdoptionSeen>,
}

impl AdoptionsPage {
    fn date(&self, a: &AdoptionSeen) -> String {
        format_date(self.shell.lang, a.adopted_at.date())
    }
    fn stage(&self, a: &AdoptionSeen) -> String {
        crate::i18n::lookup(self.shell.lang, &format!("ideas.stage.{}", a.stage))
            .map_or_else(|| a.stage.clone(), str::to_owned)
    }
    fn outcome(&self, a: &AdoptionSeen) -> &'static str {
        let lang = self.shell.lang;
        match a.outcome.as_deref().and_then(|o| o.parse::<Outcome>().ok()) {
            Some(o) => lang.t(&format!("exchange.spread.outcome.{}", o.key())),
            None => lang.t("exchange.spread.adoptions.not_evaluated"),
        }
    }
}

/// Who adopted the council's own case `id`, when, and how it went. Another
/// council's case is "not found".
pub async fn adoptions(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let (case, adoptions) = db::adoptions_of_case(state.db.conn(), tenant.org, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = visitor.lang;
    let shell = Shell::new(
        &visitor,
        &format!("/exchange/cases/{id}/adoptions"),
        lang.t("exchange.spread.adoptions.title"),
    )
    .crumb(lang.t("exchange.spread.exchange"), "/exchange")
    .crumb(case.title.clone(), format!("/exchange/cases/{id}"));
    page(&AdoptionsPage {
        shell,
        case_id: case.id,
        title: case.title,
        adoptions,
    })
}
