//! The draft case study an evaluation becomes. It copies facts from the idea
//! and its evaluation (never who wrote or ran it) for the practice exchange,
//! which reviews and publishes drafts; nothing here is public.
use super::{evaluation_access, evidence_label, facet_label, outcome_label};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, NoticeQuery, notice};
use crate::i18n::tf;
use crate::pipeline::{format_date, pounds};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_db::DbError;
use beacon_db::delivery::{self, CaseStudyDraft, Saved};
use beacon_db::entity::idea;
use beacon_govuk::components::{Button, NotificationBanner, SummaryList, SummaryRow};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "delivery/case_study.html")]
struct CaseStudyPage {
    shell: Shell,
    idea: idea::Model,
    draft: Option<CaseStudyDraft>,
    has_evaluation: bool,
    notice: Option<NotificationBanner>,
    /// Asked to draft without an evaluation to draft from.
    refused: bool,
}

impl CaseStudyPage {
    fn summary(&self) -> Option<SummaryList> {
        let d = self.draft.as_ref()?;
        let lang = self.shell.lang;
        let t = |key: &str| self.shell.t(&format!("delivery.case_study.{key}"));
        let money = &d.money;
        // Written text keeps its paragraphs.
        let long = |key: &str, text: &str| {
            let mut row = SummaryRow::text(t(key), text.to_owned());
            row.value.classes = Some("beacon-preformatted".to_owned());
            row
        };
        Some(
            SummaryList::default()
                .row(SummaryRow::text(t("title_field"), d.title.clone()))
                .row(long("summary", &d.summary))
                .row(long("challenge", &d.challenge))
                .row(long("approach", &d.approach))
                .row(long("results", &d.results))
                .row(long(
                    "lessons",
                    if d.lessons.is_empty() {
                        t("no_lessons")
                    } else {
                        &d.lessons
                    },
                ))
                .row(SummaryRow::text(t("service_area"), d.service_area.clone()))
                .row(SummaryRow::text(t("facet"), facet_label(lang, d.facet)))
                .row(SummaryRow::text(
                    t("outcome"),
                    outcome_label(lang, d.outcome),
                ))
                .row(SummaryRow::text(
                    t("evidence"),
                    evidence_label(lang, d.evidence),
                ))
                .row(SummaryRow::text(t("cost"), pounds(money.cost)))
                .row(SummaryRow::text(t("cashable"), pounds(money.cashable)))
                .row(SummaryRow::text(
                    t("non_cashable"),
                    pounds(money.non_cashable),
                ))
                .row(SummaryRow::text(
                    t("social_value"),
                    pounds(money.social_value),
                )),
        )
    }

    fn drafted(&self) -> String {
        let Some(d) = &self.draft else {
            return String::new();
        };
        let drafted = format_date(self.shell.lang, d.created_at.date());
        if d.updated_at == d.created_at {
            self.shell
                .tf("delivery.case_study.drafted_on", &[("date", &drafted)])
        } else {
            self.shell.tf(
                "delivery.case_study.redrafted_on",
                &[
                    ("date", &drafted),
                    (
                        "updated",
                        &format_date(self.shell.lang, d.updated_at.date()),
                    ),
                ],
            )
        }
    }

    fn draft_button(&self) -> Button {
        let key = if self.draft.is_some() {
            "delivery.case_study.redraft"
        } else {
            "delivery.case_study.draft"
        };
        if self.draft.is_some() {
            Button::text(self.shell.t(key)).secondary()
        } else {
            Button::text(self.shell.t(key))
        }
    }
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    idea: idea::Model,
    notice_key: Option<&str>,
    refused: bool,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let conn = state.db.conn();
    let draft = delivery::case_study_draft(conn, tenant.org, idea.id).await?;
    let has_evaluation = delivery::evaluation(conn, tenant.org, idea.id)
        .await?
        .is_some();
    let path = format!("/ideas/{}/case-study", idea.id);
    let shell = Shell::new(
        visitor,
        &path,
        tf(lang, "delivery.case_study.title", &[("idea", &idea.title)]),
    )
    .crumb(lang.t("nav.ideas"), "/ideas")
    .crumb(idea.title.clone(), format!("/ideas/{}", idea.id))
    .crumb(
        lang.t("delivery.evaluation.heading"),
        format!("/ideas/{}/evaluation", idea.id),
    );
    let mut response = page(&CaseStudyPage {
        shell,
        idea,
        draft,
        has_evaluation,
        notice: notice(lang, notice_key),
        refused,
    })?;
    if refused {
        *response.status_mut() = StatusCode::CONFLICT;
    }
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let (idea, _) = evaluation_access(&state, &tenant, &id).await?;
    render(&state, &visitor, &tenant, idea, q.notice.as_deref(), false).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftForm {
    /// The button says what it does; an empty post does nothing.
    #[serde(default)]
    draft: String,
}

pub async fn draft(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    Form(form): Form<DraftForm>,
) -> Result<Response, AppError> {
    let (idea, _) = evaluation_access(&state, &tenant, &id).await?;
    if form.draft != "yes" {
        return Err(AppError::BadRequest("draft".into()));
    }
    let txn = state.db.begin_writing().await?;
    let saved = delivery::draft_case_study(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        idea.id,
    )
    .await;
    let key = match saved {
        Ok(Saved::Created) => "case_study_drafted",
        Ok(Saved::Changed) => "case_study_redrafted",
        // No evaluation yet: nothing to draft from.
        Err(DbError::NotFound) => {
            drop(txn);
            return render(&state, &visitor, &tenant, idea, None, true).await;
        }
        Err(e) => return Err(e.into()),
    };
    txn.commit().await?;
    Ok(Redirect::to(&format!("/ideas/{}/case-study?notice={key}", idea.id)).into_response())
}
