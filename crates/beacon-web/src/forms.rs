//! Form plumbing: parsing a posted body into an explicit type that rejects
//! unknown fields (PROMISES.md 5), and collecting the errors a page shows in
//! its GOV.UK error summary and beside each field.
use crate::error::AppError;
use crate::i18n::{Lang, t};
use axum::extract::{FromRequest, Request};
use beacon_govuk::components::{ErrorLink, ErrorSummary};
use serde::de::DeserializeOwned;

/// A form body parsed into `T`. A body that does not fit `T` (an unknown or
/// repeated field, a tampered value) is a 400: our own pages never send one.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, _: &S) -> Result<Self, AppError> {
        let bytes = axum::body::to_bytes(request.into_body(), 1024 * 1024)
            .await
            .map_err(|_| AppError::BadRequest("unreadable form".into()))?;
        serde_html_form::from_bytes(&bytes)
            .map(Form)
            .map_err(|e| AppError::BadRequest(format!("form: {e}")))
    }
}

/// Errors found in a submitted form, in the order of the fields on the page.
#[derive(Clone, Debug, Default)]
pub struct FormErrors {
    lang: Lang,
    errors: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new(lang: Lang) -> Self {
        Self {
            lang,
            errors: Vec::new(),
        }
    }

    /// Record the error for a field, by translation key; the first error for a
    /// field wins.
    pub fn add(&mut self, field: &str, key: &str) {
        self.add_text(field, t(self.lang, key).to_owned());
    }

    pub fn add_text(&mut self, field: &str, text: String) {
        if self.get(field).is_none() {
            self.errors.push((field.to_owned(), text));
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The summary at the top of the page: each message links to its field.
    pub fn summary(&self) -> Option<ErrorSummary> {
        if self.errors.is_empty() {
            return None;
        }
        let mut summary = ErrorSummary::new(t(self.lang, "common.error_summary_title"));
        for (field, message) in &self.errors {
            summary = summary.error(ErrorLink::new(message.clone(), format!("#{field}")));
        }
        Some(summary)
    }
}

impl FormErrors {
    /// The message to show beside a field, for a component's `error_message`.
    pub fn message(&self, field: &str) -> Option<beacon_govuk::components::ErrorMessage> {
        // The hidden prefix a screen reader announces, in the page's language.
        self.get(field).map(|message| {
            beacon_govuk::components::ErrorMessage::text(message)
                .visually_hidden_text(t(self.lang, "common.error_hidden"))
        })
    }
}

/// The success notice a redirect asks a page to show, by key. Only keys with
/// a text under `notice.` in the catalogues are shown, so a crafted link
/// cannot put words on the page. Features add their notices to their own
/// catalogue files.
pub fn notice(
    lang: Lang,
    key: Option<&str>,
) -> Option<beacon_govuk::components::NotificationBanner> {
    let key =
        key.filter(|k| !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))?;
    let text = crate::i18n::lookup(lang, &format!("notice.{key}"))?;
    Some(beacon_govuk::components::NotificationBanner::success(text))
}

/// The query a page that shows notices accepts: the notice's key, and the
/// language switcher's `lang` (read by the visitor middleware).
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct NoticeQuery {
    pub notice: Option<String>,
    pub lang: Option<String>,
}
