//! Warning text: something people must know, such as a legal consequence.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "warning_text.html")]
pub struct WarningText {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// Read out in place of the icon; "Warning" when not given.
    pub icon_fallback_text: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl WarningText {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    /// The words read out in place of the icon, such as Welsh "Rhybudd".
    pub fn icon_fallback_text(mut self, text: impl Into<String>) -> Self {
        self.icon_fallback_text = Some(text.into());
        self
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }

    fn fallback(&self) -> &str {
        self.icon_fallback_text.non_empty().unwrap_or("Warning")
    }
}

html_safe_component!(WarningText);
