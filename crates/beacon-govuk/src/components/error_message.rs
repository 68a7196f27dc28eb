//! Error message: says what is wrong with one answer, beside its control.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "error_message.html")]
pub struct ErrorMessage {
    pub id: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// Read out before the message; "Error" when not given, nothing when empty.
    pub visually_hidden_text: Option<String>,
}

impl ErrorMessage {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    /// Trusted, already-escaped HTML only.
    pub fn html(html: impl Into<String>) -> Self {
        Self {
            html: Some(html.into()),
            ..Self::default()
        }
    }

    /// The prefix for screen readers, such as Welsh "Gwall".
    pub fn visually_hidden_text(mut self, text: impl Into<String>) -> Self {
        self.visually_hidden_text = Some(text.into());
        self
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }

    fn prefix(&self) -> &str {
        self.visually_hidden_text.as_deref().unwrap_or("Error")
    }

    /// This message with the id a form control refers to it by.
    pub(crate) fn for_control(&self, id: String) -> Self {
        let mut message = self.clone();
        message.id = Some(id);
        message
    }
}

html_safe_component!(ErrorMessage);
