//! Error summary: lists a form's errors at the top of the page, each linking to
//! its field.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component};

/// ```
/// use beacon_govuk::components::{ErrorSummary, ErrorLink};
///
/// let summary = ErrorSummary::new("There is a problem")
///     .error(ErrorLink::new("Enter your email address", "#email"));
/// assert!(summary.to_string().contains(r##"<a href="#email">"##));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "error_summary.html")]
pub struct ErrorSummary {
    pub title_text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub title_html: Option<String>,
    pub description_text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub description_html: Option<String>,
    pub error_list: Vec<ErrorLink>,
    /// Stops the script moving focus to the summary when the page loads.
    pub disable_auto_focus: Option<bool>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

/// One error in the summary, usually linking to the field it is about.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ErrorLink {
    /// `#` and the id of the field, so the link moves focus to it.
    pub href: Option<String>,
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub attributes: Attributes,
}

impl ErrorSummary {
    /// An empty summary; English pages use the title "There is a problem".
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title_text: Some(title.into()),
            ..Self::default()
        }
    }

    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description_text = Some(text.into());
        self
    }

    pub fn error(mut self, error: ErrorLink) -> Self {
        self.error_list.push(error);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.error_list.is_empty()
    }

    fn title(&self) -> Content<'_> {
        Content::new(&self.title_text, &self.title_html)
    }

    fn description_content(&self) -> Content<'_> {
        Content::new(&self.description_text, &self.description_html)
    }
}

impl ErrorLink {
    /// An error that links to `#field_id`.
    pub fn new(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            href: Some(href.into()),
            ..Self::default()
        }
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(ErrorSummary);
