//! The sector's moderation of anonymised text: a sector administrator reads
//! the text a council wants to publish without its name and approves it, or
//! sends it back with a note saying what still identifies the council.
use super::read::ListQuery;
use super::{conflict, parse_id};
use crate::app::AppState;
use crate::error::AppError;
use crate::exchange::paging;
use crate::forms::{Form, FormErrors, notice};
use crate::pipeline::format_date;
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{SectorAdmin, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::exchange::ModerationStatus;
use beacon_db::DbError;
use beacon_db::exchange::cases::{self, ForModeration};
use beacon_govuk::components::{
    Button, ChoiceItem, Label, Legend, NotificationBanner, Pagination, Radios, Textarea,
};
use serde::Deserialize;

fn status_text(visitor: &Visitor, key: &str) -> &'static str {
    visitor
        .lang
        .t(&format!("exchange.cases.moderation_status.{key}"))
}

#[derive(Template)]
#[template(path = "exchange/cases/moderation_list.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<ForModeration>,
    notice: Option<NotificationBanner>,
    pagination: Option<Pagination>,
}

impl ListPage {
    fn status(&self, key: &str) -> &'static str {
        self.shell
            .t(&format!("exchange.cases.moderation_status.{key}"))
    }

    fn requested(&self, r: &ForModeration) -> String {
        format_date(self.shell.lang, r.text.requested_at.date())
    }

    fn waiting(&self, key: &str) -> bool {
        key == ModerationStatus::Pending.key()
    }
}

pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
    _admin: SectorAdmin,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let found = cases::moderation_queue(
        state.db.conn(),
        paging::page_number(q.page.as_deref()),
        paging::PER_PAGE,
    )
    .await?;
    let shell = Shell::new(
        &visitor,
        "/sector/moderation",
        visitor.lang.t("exchange.cases.moderation.title"),
    )
    .crumb(visitor.lang.t("nav.sector"), "/sector");
    page(&ListPage {
        shell,
        rows: found.rows,
        notice: notice(visitor.lang, q.notice.as_deref()),
        pagination: paging::pagination(visitor.lang, "/sector/moderation", found.page, found.pages),
    })
}

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "exchange/cases/moderation.html")]
struct ShowPage {
    shell: Shell,
    row: ForModeration,
    status: &'static str,
    form: DecisionForm,
    errors: FormErrors,
}

impl ShowPage {
    fn t(&self, key: &str) -> &'static str {
        self.shell.t(&format!("exchange.cases.moderation.{key}"))
    }

    fn sections(&self) -> Vec<(&'static str, String)> {
        cases::anonymised_text(&self.row.text)
            .sections
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(s, t)| {
                (
                    self.shell.t(&format!("exchange.cases.section.{}", s.key())),
                    t.to_owned(),
                )
            })
            .collect()
    }

    fn waiting(&self) -> bool {
        self.row.text.status == ModerationStatus::Pending.key()
    }

    fn decision(&self) -> Radios {
        Radios::new("decision")
            .legend(Legend::text(self.t("decision")).classes("govuk-fieldset__legend--m"))
            .value(self.form.decision.clone())
            .error_message(self.errors.message("decision"))
            .item(ChoiceItem::new("approve", self.t("approve")).hint(self.t("approve_hint")))
            .item(ChoiceItem::new("refuse", self.t("refuse")).hint(self.t("refuse_hint")))
    }

    fn note(&self) -> Textarea {
        Textarea::new("note")
            .label(Label::text(self.t("note")).classes("govuk-label--s"))
            .hint(self.t("note_hint"))
            .value(self.form.note.clone())
            .rows(4)
            .error_message(self.errors.message("note"))
    }

    fn submit(&self) -> Button {
        Button::text(self.t("submit")).prevent_double_click()
    }
}

fn render(
    visitor: &Visitor,
    row: ForModeration,
    form: DecisionForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let status_code = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shell = Shell::new(
        visitor,
        &format!("/sector/moderation/{}", row.text.case_id),
        row.text.title.clone(),
    )
    .crumb(visitor.lang.t("nav.sector"), "/sector")
    .crumb(
        visitor.lang.t("exchange.cases.moderation.title"),
        "/sector/moderation",
    )
    .with_errors(!errors.is_empty());
    let status = status_text(visitor, &row.text.status);
    let mut response = page(&ShowPage {
        shell,
        row,
        status,
        form,
        errors,
    })?;
    *response.status_mut() = status_code;
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    _admin: SectorAdmin,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let row = cases::for_moderation(state.db.conn(), id).await?;
    let errors = FormErrors::new(visitor.lang);
    render(&visitor, row, DecisionForm::default(), errors)
}

/// The longest note.
const NOTE_MAX: usize = 2_000;

pub async fn decide(
    State(state): State<AppState>,
    visitor: Visitor,
    admin: SectorAdmin,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let row = cases::for_moderation(state.db.conn(), id).await?;
    let mut errors = FormErrors::new(visitor.lang);
    let approve = match form.decision.as_str() {
        "approve" => Some(true),
        "refuse" => Some(false),
        _ => {
            errors.add("decision", "exchange.cases.error.decision");
            None
        }
    };
    let note = form.note.trim().to_owned();
    if note.chars().count() > NOTE_MAX {
        errors.add("note", "exchange.cases.error.note_too_long");
    } else if approve == Some(false) && note.is_empty() {
        errors.add("note", "exchange.cases.error.note_missing");
    }
    let Some(approve) = approve.filter(|_| errors.is_empty()) else {
        return render(&visitor, row, form, errors);
    };
    let txn = state.db.begin_writing().await?;
    match cases::moderate(
        &txn,
        state.clock.now(),
        &admin.0.actor(),
        id,
        approve,
        &note,
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Conflict(_)) => {
            drop(txn);
            return conflict(
                &visitor,
                &format!("/sector/moderation/{id}"),
                "exchange.cases.conflict.moderated",
            );
        }
        Err(e) => return Err(e.into()),
    }
    txn.commit().await?;
    let key = if approve {
        "case_text_approved"
    } else {
        "case_text_refused"
    };
    Ok(Redirect::to(&format!("/sector/moderation?notice={key}")).into_response())
}

#[cfg(test)]
mod tests {
    use beacon_core::exchange::Section;

    #[test]
    fn every_section_has_a_heading_key() {
        for s in Section::ALL {
            assert!(
                crate::i18n::lookup(
                    crate::i18n::Lang::En,
                    &format!("exchange.cases.section.{}", s.key())
                )
                .is_some()
            );
        }
    }
}
