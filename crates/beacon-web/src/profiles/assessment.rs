//! The self-assessment: for each strength of the framework, two questions on
//! labelled scales (how well and how often you do it; how it leaves you),
//! combined into a level 0–5 by `beacon_core::talent::strengths::Answer`.
//! Six strengths to a page; each page is saved as it is answered, so the
//! questionnaire works without JavaScript and can be left and resumed.
use super::own_record;
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors};
use crate::i18n::Lang;
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::talent::strengths::{Answer, MAX_ANSWER, page_range, pages};
use beacon_db::entity::strength;
use beacon_db::staff;
use beacon_govuk::components::{Button, ChoiceItem, Legend, Radios};
use serde::Deserialize;
use std::collections::HashMap;

/// One strength on the page, with its level so far.
struct Question {
    strength: strength::Model,
    level: Option<u8>,
}

#[derive(Template)]
#[template(path = "profiles/assessment.html")]
struct AssessmentPage {
    shell: Shell,
    page: usize,
    pages: usize,
    questions: Vec<Question>,
    /// Answers as submitted, by field name, when the page is shown again.
    answers: HashMap<String, String>,
    errors: FormErrors,
}

impl AssessmentPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }

    fn radios(&self, q: &Question, part: &str) -> Radios {
        let lang = self.lang();
        let name = format!("{part}-{}", q.strength.position);
        let mut radios = Radios::new(name.clone())
            .legend(
                Legend::text(crate::i18n::tf(
                    lang,
                    &format!("profiles.assessment.{part}.question"),
                    &[("strength", &q.strength.name)],
                ))
                .classes("govuk-fieldset__legend--s"),
            )
            .value(self.answers.get(&name).cloned().unwrap_or_default())
            .error_message(self.errors.message(&name));
        for n in 0..=MAX_ANSWER {
            radios = radios.item(ChoiceItem::new(
                n.to_string(),
                lang.t(&format!("profiles.assessment.{part}.{n}")),
            ));
        }
        radios
    }

    fn how(&self, q: &Question) -> Radios {
        self.radios(q, "how")
    }

    fn energy(&self, q: &Question) -> Radios {
        self.radios(q, "energy")
    }

    fn current(&self, q: &Question) -> String {
        match q.level {
            Some(l) => crate::i18n::tf(
                self.lang(),
                "profiles.assessment.current",
                &[("level", &l.to_string())],
            ),
            None => String::new(),
        }
    }

    fn progress(&self) -> String {
        crate::i18n::tf(
            self.lang(),
            "profiles.assessment.progress",
            &[
                ("page", &self.page.to_string()),
                ("pages", &self.pages.to_string()),
            ],
        )
    }

    fn submit(&self) -> Button {
        Button::text(self.shell.t(if self.page < self.pages {
            "profiles.assessment.next"
        } else {
            "profiles.assessment.finish"
        }))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct AssessmentQuery {
    page: Option<String>,
    lang: Option<String>,
}

/// The questions of page `page`, or "not found" for a page that is not there.
async fn questions(
    state: &AppState,
    tenant: &Tenant,
    staff_id: uuid::Uuid,
    page_no: usize,
) -> Result<(Vec<Question>, usize), AppError> {
    let conn = state.db.conn();
    let record = staff::find(conn, tenant.org, staff_id).await?;
    let profile = staff::profile(conn, tenant.org, record).await?;
    let total = profile.strengths.len();
    let range = page_range(total, page_no).ok_or(AppError::NotFound)?;
    let questions = profile
        .strengths
        .into_iter()
        .skip(range.start)
        .take(range.len())
        .map(|(strength, level)| Question { strength, level })
        .collect();
    Ok((questions, pages(total)))
}

async fn render(
    visitor: &Visitor,
    page_no: usize,
    pages: usize,
    questions: Vec<Question>,
    answers: HashMap<String, String>,
    errors: FormErrors,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let shell = Shell::new(
        visitor,
        &format!("/talent/profile/assessment?page={page_no}"),
        lang.t("profiles.assessment.title"),
    )
    .crumb(lang.t("profiles.title"), "/talent/profile")
    .with_errors(!errors.is_empty());
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut response = page(&AssessmentPage {
        shell,
        page: page_no,
        pages,
        questions,
        answers,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, AppError> {
    let _ = q.lang;
    let record = own_record(&state, &tenant)
        .await?
        .ok_or(AppError::NotFound)?;
    staff::ensure_framework(state.db.conn(), tenant.org, state.clock.now()).await?;
    let page_no = usize::try_from(super::page_number(q.page.as_deref())).unwrap_or(1);
    let (questions, pages) = questions(&state, &tenant, record.id, page_no).await?;
    let errors = FormErrors::new(visitor.lang);
    render(&visitor, page_no, pages, questions, HashMap::new(), errors).await
}

/// A page of answers. The field names depend on the page's strengths, so
/// the form is read as pairs and every name is checked against the page:
/// anything else is refused as a tampered form (PROMISES.md 5).
pub async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let record = own_record(&state, &tenant)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut answers: HashMap<String, String> = HashMap::new();
    for (name, value) in fields {
        if answers.insert(name, value).is_some() {
            return Err(AppError::BadRequest("repeated field".into()));
        }
    }
    let page_no = answers
        .remove("page")
        .and_then(|p| p.parse::<usize>().ok())
        .ok_or_else(|| AppError::BadRequest("page".into()))?;
    let (questions, pages) = questions(&state, &tenant, record.id, page_no).await?;
    let expected: Vec<String> = questions
        .iter()
        .flat_map(|q| {
            let p = q.strength.position;
            [format!("how-{p}"), format!("energy-{p}")]
        })
        .collect();
    if let Some(unknown) = answers.keys().find(|k| !expected.contains(k)) {
        return Err(AppError::BadRequest(format!(
            "unknown field {}",
            unknown.chars().take(40).collect::<String>()
        )));
    }
    let mut errors = FormErrors::new(visitor.lang);
    let mut levels = Vec::new();
    for q in &questions {
        let p = q.strength.position;
        let part = |name: String, errors: &mut FormErrors, key: &str| {
            let value = answers.get(&name).and_then(|v| Answer::parse_part(v));
            if value.is_none() {
                errors.add_text(
                    &name,
                    crate::i18n::tf(visitor.lang, key, &[("strength", &q.strength.name)]),
                );
            }
            value
        };
        let how = part(
            format!("how-{p}"),
            &mut errors,
            "profiles.assessment.error.how",
        );
        let energy = part(
            format!("energy-{p}"),
            &mut errors,
            "profiles.assessment.error.energy",
        );
        if let (Some(how), Some(energy)) = (how, energy)
            && let Some(answer) = Answer::new(how, energy)
        {
            levels.push((q.strength.id, answer.level()));
        }
    }
    if !errors.is_empty() {
        return render(&visitor, page_no, pages, questions, answers, errors).await;
    }
    let txn = state.db.begin_writing().await?;
    staff::save_levels(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        record.id,
        &levels,
    )
    .await?;
    txn.commit().await?;
    let next = if page_no < pages {
        format!("/talent/profile/assessment?page={}", page_no + 1)
    } else {
        "/talent/profile?notice=assessment_saved".to_owned()
    };
    Ok(Redirect::to(&next).into_response())
}
