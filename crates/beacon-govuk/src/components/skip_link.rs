//! Skip link: the first link on a page, jumping past the header to the content.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields)]
#[template(path = "skip_link.html")]
pub struct SkipLink {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// `#content` when not given.
    pub href: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl SkipLink {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn href(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }

    fn href_or_default(&self) -> &str {
        self.href.non_empty().unwrap_or("#content")
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(SkipLink);
