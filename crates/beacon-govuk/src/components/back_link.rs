//! Back link: returns to the previous page of a journey.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields)]
#[template(path = "back_link.html")]
pub struct BackLink {
    /// "Back" when not given.
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub href: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl BackLink {
    pub fn new(href: impl Into<String>) -> Self {
        Self {
            href: Some(href.into()),
            ..Self::default()
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    fn href_or_default(&self) -> &str {
        self.href.non_empty().unwrap_or("#")
    }

    fn content(&self) -> Content<'_> {
        Content {
            text: Some(self.text.non_empty().unwrap_or("Back")),
            html: self.html.as_deref(),
        }
    }
}

html_safe_component!(BackLink);
