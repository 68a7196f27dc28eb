//! Attaching files to a case: a plain multipart form that works without
//! JavaScript, and removing them again. The type is decided from an allow-list and checked against
//! the file's first bytes; the name is made safe; the file is kept in the
//! database and served only through the checked handler in `read`.
use super::{case_path, own_case, parse_id, size_label};
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::{Form, FormErrors, NoticeQuery, notice};
use crate::public::page;
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use crate::workforce::upload;
use askama::Template;
use axum::body::to_bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Redirect, Response};
use beacon_core::exchange::cases::check_attachment;
use beacon_db::entity::case_study;
use beacon_db::exchange::cases::{self, AttachmentInfo};
use beacon_govuk::components::{
    Button, Checkboxes, ChoiceItem, FileUpload, Label, Legend, NotificationBanner,
};

#[derive(Template)]
#[template(path = "exchange/cases/attachments.html")]
struct FilesPage {
    shell: Shell,
    case: case_study::Model,
    files: Vec<AttachmentInfo>,
    errors: FormErrors,
    shared: bool,
    notice: Option<NotificationBanner>,
}

impl FilesPage {
    fn t(&self, key: &str) -> &'static str {
        self.shell.t(&format!("exchange.cases.files.{key}"))
    }

    fn size(&self, bytes: &i64) -> String {
        size_label(*bytes)
    }

    fn file_input(&self) -> FileUpload {
        FileUpload::new("file")
            .label(Label::text(self.t("file")).classes("govuk-label--m"))
            .hint(self.t("file_hint"))
            .error_message(self.errors.message("file"))
    }

    fn shared_box(&self) -> Checkboxes {
        Checkboxes::new("shared")
            .legend(Legend::text(self.t("sharing")).classes("govuk-fieldset__legend--s"))
            .item(
                ChoiceItem::new("yes", self.t("shared_label"))
                    .hint(self.t("shared_hint"))
                    .checked(self.shared),
            )
    }

    fn submit(&self) -> Button {
        Button::text(self.t("submit")).prevent_double_click()
    }
}

async fn render(
    state: &AppState,
    visitor: &Visitor,
    tenant: &Tenant,
    case: case_study::Model,
    errors: FormErrors,
    shared: bool,
    notice_key: Option<&str>,
) -> Result<Response, AppError> {
    let files = cases::attachments(state.db.conn(), tenant.org, case.id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let shell = Shell::new(
        visitor,
        &format!("{}/attachments", case_path(case.id)),
        visitor.lang.t("exchange.cases.files.title"),
    )
    .crumb(
        visitor.lang.t("exchange.cases.mine.title"),
        "/exchange/mine",
    )
    .crumb(case.title.clone(), case_path(case.id))
    .with_errors(!errors.is_empty());
    let mut response = page(&FilesPage {
        shell,
        case,
        files,
        errors,
        shared,
        notice: notice(visitor.lang, notice_key),
    })?;
    *response.status_mut() = status;
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
    let case = own_case(&state, &tenant, &id).await?;
    let errors = FormErrors::new(visitor.lang);
    render(
        &state,
        &visitor,
        &tenant,
        case,
        errors,
        false,
        q.notice.as_deref(),
    )
    .await
}

pub async fn upload(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    Path(id): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let case = own_case(&state, &tenant, &id).await?;
    let boundary = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(upload::boundary)
        .ok_or_else(|| AppError::BadRequest("the attachment form sends a file".into()))?;
    let bytes = to_bytes(request.into_body(), upload::UPLOAD_LIMIT)
        .await
        .map_err(|_| AppError::BadRequest("upload too large".into()))?;
    let parts = upload::parse(&bytes, &boundary)
        .ok_or_else(|| AppError::BadRequest("unreadable upload".into()))?;
    // No mass assignment: only the form's own fields.
    if let Some(p) = parts
        .iter()
        .find(|p| !matches!(p.name.as_str(), "file" | "shared" | crate::csrf::FIELD))
    {
        return Err(AppError::BadRequest(format!("unknown field {}", p.name)));
    }
    let shared = match upload::field(&parts, "shared") {
        None => false,
        Some(b"yes") => true,
        Some(_) => return Err(AppError::BadRequest("shared".into())),
    };
    let mut errors = FormErrors::new(visitor.lang);
    let file = parts
        .iter()
        .find(|p| p.name == "file" && p.filename.as_deref().is_some_and(|f| !f.is_empty()));
    let Some(file) = file else {
        errors.add("file", "exchange.cases.error.file_missing");
        return render(&state, &visitor, &tenant, case, errors, shared, None).await;
    };
    let name = file.filename.clone().unwrap_or_default();
    let valid = match check_attachment(&name, &file.data) {
        Ok(v) => v,
        Err(key) => {
            errors.add("file", &format!("exchange.cases.error.{key}"));
            return render(&state, &visitor, &tenant, case, errors, shared, None).await;
        }
    };
    let data = file.data.clone();
    drop(parts);
    let txn = state.db.begin_writing().await?;
    cases::add_attachment(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        case.id,
        &valid,
        data,
        shared,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/attachments?notice=case_file_added",
        case_path(case.id)
    ))
    .into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RemoveForm {}

/// Remove a file from the council's case: another council's case or file is
/// "not found", like every other part of a case it cannot read.
pub async fn remove(
    State(state): State<AppState>,
    tenant: Tenant,
    Path((id, file)): Path<(String, String)>,
    Form(RemoveForm {}): Form<RemoveForm>,
) -> Result<Response, AppError> {
    let case = own_case(&state, &tenant, &id).await?;
    let file = parse_id(&file)?;
    let txn = state.db.begin_writing().await?;
    cases::remove_attachment(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        case.id,
        file,
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/attachments?notice=case_file_removed",
        case_path(case.id)
    ))
    .into_response())
}
