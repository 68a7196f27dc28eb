//! Details: a summary that opens to show more.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "details.html")]
pub struct Details {
    pub summary_text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub summary_html: Option<String>,
    pub text: Option<String>,
    /// Trusted HTML only, such as rendered components.
    pub html: Option<String>,
    pub id: Option<String>,
    pub open: bool,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl Details {
    pub fn new(summary: impl Into<String>) -> Self {
        Self {
            summary_text: Some(summary.into()),
            ..Self::default()
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    /// Trusted, already-escaped HTML only.
    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    pub fn open(mut self) -> Self {
        self.open = true;
        self
    }

    fn summary(&self) -> Content<'_> {
        Content::new(&self.summary_text, &self.summary_html)
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(Details);
