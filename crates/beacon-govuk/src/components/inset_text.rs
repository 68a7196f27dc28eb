//! Inset text: sets a quotation or an aside apart from the text around it.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields)]
#[template(path = "inset_text.html")]
pub struct InsetText {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub id: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl InsetText {
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

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(InsetText);
