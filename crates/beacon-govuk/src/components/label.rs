//! Label: names a single form control.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "label.html")]
pub struct Label {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub classes: Option<String>,
    /// Wraps the label in an `<h1>`, for a page that asks one question.
    pub is_page_heading: bool,
    pub attributes: Attributes,
    /// The id of the control this labels.
    #[serde(rename = "for")]
    pub for_id: Option<String>,
}

impl Label {
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

    pub fn classes(mut self, classes: impl Into<String>) -> Self {
        self.classes = Some(classes.into());
        self
    }

    pub fn page_heading(mut self) -> Self {
        self.is_page_heading = true;
        self
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }

    /// This label pointed at the control with `id`.
    pub(crate) fn for_control(&self, id: &str) -> Self {
        let mut label = self.clone();
        label.for_id = Some(id.to_owned());
        label
    }
}

html_safe_component!(Label);
