//! Hint: help text under a label or legend.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "hint.html")]
pub struct Hint {
    pub id: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
}

impl Hint {
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

    /// This hint with the id and extra classes a form control gives it.
    pub(crate) fn for_control(&self, id: String, base_class: Option<&str>) -> Self {
        let mut hint = self.clone();
        hint.id = Some(id);
        if let Some(base) = base_class {
            hint.classes = Some(match &self.classes {
                Some(extra) if !extra.is_empty() => format!("{base} {extra}"),
                _ => base.to_owned(),
            });
        }
        hint
    }
}

html_safe_component!(Hint);
