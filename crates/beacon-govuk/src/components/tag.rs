//! Tag: a short status label, such as "In trial" or "Approved".

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, html_safe_component};

/// ```
/// use beacon_govuk::components::Tag;
///
/// let status = Tag::text("Approved").classes("govuk-tag--green");
/// assert!(status.to_string().contains("govuk-tag--green"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields)]
#[template(path = "tag.html")]
pub struct Tag {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// Colours, such as `govuk-tag--green` or `govuk-tag--grey`.
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl Tag {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn classes(mut self, classes: impl Into<String>) -> Self {
        self.classes = Some(classes.into());
        self
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(Tag);
