//! The organisation's risk matrix: its size (3 × 3 to 7 × 7) and the scores
//! at which a risk becomes medium, high and very high.
use super::risks::{HeatMap, heat_map};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::permission::Capability;
use beacon_core::pipeline::risk::{MAX_SIZE, MIN_SIZE, RiskMatrix};
use beacon_db::appraisal::{self as db, MatrixChangeError};
use beacon_govuk::components::{ChoiceItem, Input, Label, Legend, NotificationBanner, Radios};
use serde::Deserialize;

#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub struct MatrixForm {
    #[serde(default)]
    size: String,
    #[serde(default, rename = "medium-from")]
    medium_from: String,
    #[serde(default, rename = "high-from")]
    high_from: String,
    #[serde(default, rename = "very-high-from")]
    very_high_from: String,
}

impl MatrixForm {
    fn of(m: &RiskMatrix) -> Self {
        MatrixForm {
            size: m.size().to_string(),
            medium_from: m.medium_from().to_string(),
            high_from: m.high_from().to_string(),
            very_high_from: m.very_high_from().to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "appraisal/risk_matrix.html")]
struct MatrixPage {
    shell: Shell,
    notice: Option<NotificationBanner>,
    errors: FormErrors,
    draft: MatrixForm,
    heat: HeatMap,
    current: String,
}

impl MatrixPage {
    fn size_radios(&self) -> Radios {
        let lang = self.shell.lang;
        let mut radios = Radios::new("size")
            .legend(
                Legend::text(lang.t("appraisal.matrix.size")).classes("govuk-fieldset__legend--s"),
            )
            .hint(lang.t("appraisal.matrix.size_hint"))
            .value(self.draft.size.clone())
            .error_message(self.errors.message("size"))
            .inline();
        for n in MIN_SIZE..=MAX_SIZE {
            radios = radios.item(ChoiceItem::new(
                n.to_string(),
                self.shell
                    .tf("appraisal.matrix.size_item", &[("n", &n.to_string())]),
            ));
        }
        radios
    }

    fn threshold(&self, name: &str, label: &str, value: &str) -> Input {
        let lang = self.shell.lang;
        Input::new(name)
            .label(Label::text(lang.t(label)).classes("govuk-label--s"))
            .value(value)
            .inputmode("numeric")
            .spellcheck(false)
            .classes("govuk-input--width-3")
            .error_message(self.errors.message(name))
    }
}

async fn matrix_page(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    uri: &OriginalUri,
    draft: Option<MatrixForm>,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let matrix = db::matrix(state.db.conn(), tenant.org).await?;
    let shell = Shell::new(visitor, &here(uri), lang.t("appraisal.matrix.title"))
        .with_errors(!errors.is_empty());
    let current = crate::i18n::tf(
        lang,
        "appraisal.matrix.current",
        &[
            ("size", &matrix.size().to_string()),
            ("medium", &matrix.medium_from().to_string()),
            ("high", &matrix.high_from().to_string()),
            ("very_high", &matrix.very_high_from().to_string()),
        ],
    );
    page(&MatrixPage {
        current,
        shell,
        notice: notice(lang, notice_key),
        errors,
        draft: draft.unwrap_or_else(|| MatrixForm::of(&matrix)),
        heat: heat_map(lang, &matrix, &[]),
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    let _ = q.lang;
    matrix_page(
        &state,
        &visitor,
        &tenant,
        &uri,
        None,
        FormErrors::new(visitor.lang),
        q.notice.as_deref(),
    )
    .await
}

/// A threshold as typed: a whole number.
fn number(raw: &str) -> Option<u8> {
    let s = raw.trim();
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse::<u8>().ok())
        .flatten()
}

pub(super) async fn save(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    Form(form): Form<MatrixForm>,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunPipeline)?;
    let lang = visitor.lang;
    let mut errors = FormErrors::new(lang);
    let size = number(&form.size).filter(|n| (MIN_SIZE..=MAX_SIZE).contains(n));
    if size.is_none() {
        errors.add("size", "appraisal.matrix.error.size");
    }
    let max = size.map(|s| s * s).unwrap_or(MAX_SIZE * MAX_SIZE);
    // Each threshold's own problem first, then whether they rise; reported
    // in the order of the fields on the page.
    let range = || {
        crate::i18n::tf(
            lang,
            "appraisal.matrix.error.range",
            &[("max", &max.to_string())],
        )
    };
    let threshold = |raw: &str| match number(raw) {
        None if raw.trim().is_empty() => Err(lang.t("appraisal.matrix.error.missing").to_owned()),
        Some(v) if (2..=max).contains(&v) => Ok(v),
        _ => Err(range()),
    };
    let mut problems: [Result<u8, String>; 3] = [
        threshold(&form.medium_from),
        threshold(&form.high_from),
        threshold(&form.very_high_from),
    ];
    if let (Ok(m), Ok(h)) = (&problems[0], &problems[1])
        && h <= m
    {
        problems[1] = Err(lang.t("appraisal.matrix.error.high_order").to_owned());
    }
    if let (Ok(h), Ok(v)) = (&problems[1], &problems[2])
        && v <= h
    {
        problems[2] = Err(lang.t("appraisal.matrix.error.very_high_order").to_owned());
    }
    let [medium, high, very_high] = problems;
    let mut take = |field: &str, result: Result<u8, String>| {
        result
            .map_err(|message| errors.add_text(field, message))
            .ok()
    };
    let medium = take("medium-from", medium);
    let high = take("high-from", high);
    let very_high = take("very-high-from", very_high);
    let matrix = match (size, medium, high, very_high) {
        (Some(s), Some(m), Some(h), Some(v)) if errors.is_empty() => {
            RiskMatrix::new(s, m, h, v).ok()
        }
        _ => None,
    };
    let Some(matrix) = matrix else {
        if errors.is_empty() {
            errors.add("size", "appraisal.matrix.error.size");
        }
        let mut response =
            matrix_page(&state, &visitor, &tenant, &uri, Some(form), errors, None).await?;
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    };
    let txn = state.db.begin_writing().await?;
    match db::set_matrix(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        matrix,
    )
    .await
    {
        Ok(()) => {}
        Err(MatrixChangeError::InUse(level)) => {
            drop(txn);
            errors.add_text(
                "size",
                crate::i18n::tf(
                    lang,
                    "appraisal.matrix.error.in_use",
                    &[("level", &level.to_string())],
                ),
            );
            let mut response =
                matrix_page(&state, &visitor, &tenant, &uri, Some(form), errors, None).await?;
            *response.status_mut() = StatusCode::CONFLICT;
            return Ok(response);
        }
        Err(MatrixChangeError::Db(e)) => return Err(e.into()),
    }
    txn.commit().await?;
    Ok(Redirect::to("/pipeline/risk-matrix?notice=risk_matrix_saved").into_response())
}
