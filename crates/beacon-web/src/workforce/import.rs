//! `/talent/import`: HR chooses what the file holds and uploads it (a plain
//! form with a file, so it works without JavaScript). The file is checked
//! whole; any problem is listed by line and column and nothing is written.
//! A good file is written in one transaction and the page says what was
//! created and updated.
use super::upload;
use crate::app::AppState;
use crate::error::AppError;
use crate::forms::FormErrors;
use crate::i18n::{Lang, tf};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::body::to_bytes;
use axum::extract::{OriginalUri, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use beacon_core::permission::Capability;
use beacon_core::talent::import::{self as rules, ImportError, ImportKind};
use beacon_db::workforce::{self as db, Imported, Summary};
use beacon_govuk::components::{ChoiceItem, FileUpload, Label, Legend, Radios};

/// One problem as the page lists it.
pub struct ProblemRow {
    pub line: String,
    pub column: String,
    pub message: String,
}

/// How many problems the page lists; the count says how many there are.
const SHOWN: usize = 1000;

#[derive(Template)]
#[template(path = "workforce/import.html")]
struct ImportPage {
    shell: Shell,
    errors: FormErrors,
    kind: String,
    problems: Vec<ProblemRow>,
    problem_count: usize,
    file_name: String,
    done: Option<Summary>,
}

impl ImportPage {
    fn lang(&self) -> Lang {
        self.shell.lang
    }

    fn kind_radios(&self) -> Radios {
        let mut radios = Radios::new("kind")
            .legend(
                Legend::text(self.shell.t("workforce.import.kind"))
                    .classes("govuk-fieldset__legend--m"),
            )
            .value(self.kind.clone())
            .error_message(self.errors.message("kind"));
        for kind in ImportKind::ALL {
            let columns: Vec<String> = kind
                .columns()
                .iter()
                .map(|c| {
                    if c.required {
                        c.name.to_owned()
                    } else {
                        format!("{} ({})", c.name, self.shell.t("workforce.import.optional"))
                    }
                })
                .collect();
            radios = radios.item(
                ChoiceItem::new(
                    kind.key(),
                    self.shell.t(&format!("workforce.kind.{}", kind.key())),
                )
                .hint(tf(
                    self.lang(),
                    "workforce.import.columns",
                    &[("columns", &columns.join(", "))],
                )),
            );
        }
        radios
    }

    fn file_input(&self) -> FileUpload {
        FileUpload::new("file")
            .label(Label::text(self.shell.t("workforce.import.file")).classes("govuk-label--m"))
            .hint(self.shell.t("workforce.import.file_hint"))
            .error_message(self.errors.message("file"))
    }

    fn done_text(&self) -> String {
        match &self.done {
            Some(s) => tf(
                self.lang(),
                "workforce.import.done",
                &[
                    (
                        "kind",
                        self.shell.t(&format!("workforce.kind.{}", s.kind.key())),
                    ),
                    ("created", &s.created.to_string()),
                    ("updated", &s.updated.to_string()),
                ],
            ),
            None => String::new(),
        }
    }
}

fn render(
    visitor: &Visitor,
    uri: &OriginalUri,
    mut page_data: ImportPage,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    let title = if page_data.done.is_some() {
        lang.t("workforce.import.done_title")
    } else {
        lang.t("workforce.import.title")
    };
    page_data.shell = Shell::new(visitor, &here(uri), title)
        .with_errors(!page_data.errors.is_empty())
        .crumb(lang.t("workforce.crumb"), "/talent");
    let mut response = page(&page_data)?;
    *response.status_mut() = status;
    Ok(response)
}

fn empty(visitor: &Visitor, uri: &OriginalUri) -> ImportPage {
    ImportPage {
        shell: Shell::new(visitor, &here(uri), ""),
        errors: FormErrors::new(visitor.lang),
        kind: String::new(),
        problems: Vec::new(),
        problem_count: 0,
        file_name: String::new(),
        done: None,
    }
}

pub async fn form(
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let data = empty(&visitor, &uri);
    render(&visitor, &uri, data, StatusCode::OK)
}

/// A problem in the visitor's language.
pub fn problem_row(lang: Lang, e: &ImportError) -> ProblemRow {
    let args = e.problem.args();
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ProblemRow {
        line: if e.line == 0 {
            lang.t("workforce.import.whole_file").to_owned()
        } else {
            e.line.to_string()
        },
        column: e.column.clone().unwrap_or_default(),
        message: tf(
            lang,
            &format!("workforce.problem.{}", e.problem.key()),
            &borrowed,
        ),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    visitor: Visitor,
    tenant: Tenant,
    uri: OriginalUri,
    request: Request,
) -> Result<Response, AppError> {
    tenant.require(Capability::RunTalentPool)?;
    let lang = visitor.lang;
    let boundary = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(upload::boundary)
        .ok_or_else(|| AppError::BadRequest("the import form sends a file".into()))?;
    let bytes = to_bytes(request.into_body(), upload::UPLOAD_LIMIT)
        .await
        .map_err(|_| AppError::BadRequest("upload too large".into()))?;
    let parts = upload::parse(&bytes, &boundary)
        .ok_or_else(|| AppError::BadRequest("unreadable upload".into()))?;
    // No mass assignment: only the form's own fields.
    if let Some(p) = parts
        .iter()
        .find(|p| !matches!(p.name.as_str(), "kind" | "file" | crate::csrf::FIELD))
    {
        return Err(AppError::BadRequest(format!("unknown field {}", p.name)));
    }
    let mut data = empty(&visitor, &uri);
    let kind_raw = upload::field(&parts, "kind")
        .map(|k| {
            String::from_utf8_lossy(k)
                .chars()
                .take(20)
                .collect::<String>()
        })
        .unwrap_or_default();
    let kind = kind_raw.parse::<ImportKind>().ok();
    data.kind = kind.map(|k| k.key().to_owned()).unwrap_or_default();
    if kind.is_none() {
        data.errors.add("kind", "workforce.error.kind");
    }
    let file = parts
        .iter()
        .find(|p| p.name == "file" && p.filename.is_some());
    let file = match file {
        Some(f) if !(f.data.is_empty() && f.filename.as_deref() == Some("")) => Some(f),
        _ => {
            data.errors.add("file", "workforce.error.file");
            None
        }
    };
    let (Some(kind), Some(file)) = (kind, file) else {
        return render(&visitor, &uri, data, StatusCode::UNPROCESSABLE_ENTITY);
    };
    data.file_name = file
        .filename
        .clone()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect();
    let rows = match rules::parse(kind, &file.data) {
        Ok(rows) => rows,
        Err(errors) => return refuse(&visitor, &uri, data, &errors),
    };
    let txn = state.db.begin_writing().await?;
    let outcome = db::import(
        &txn,
        state.clock.now(),
        &tenant.who.actor(),
        tenant.org,
        Some(tenant.who.person.id),
        &rows,
        &mut |_| {},
    )
    .await?;
    match outcome {
        Imported::Done(summary) => {
            txn.commit().await?;
            data.done = Some(summary);
            render(&visitor, &uri, data, StatusCode::OK)
        }
        Imported::Refused(errors) => {
            txn.rollback().await?;
            let _ = lang;
            refuse(&visitor, &uri, data, &errors)
        }
    }
}

fn refuse(
    visitor: &Visitor,
    uri: &OriginalUri,
    mut data: ImportPage,
    errors: &[ImportError],
) -> Result<Response, AppError> {
    let lang = visitor.lang;
    data.problem_count = errors.len();
    data.problems = errors
        .iter()
        .take(SHOWN)
        .map(|e| problem_row(lang, e))
        .collect();
    let key = if errors.len() == 1 {
        "workforce.error.problem_one"
    } else {
        "workforce.error.problems"
    };
    data.errors.add_text(
        "file",
        tf(lang, key, &[("count", &errors.len().to_string())]),
    );
    render(visitor, uri, data, StatusCode::UNPROCESSABLE_ENTITY)
}
