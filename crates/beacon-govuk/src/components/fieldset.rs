//! Fieldset: groups related controls under a legend.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, html_safe_component};

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "fieldset.html")]
pub struct Fieldset {
    pub described_by: Option<String>,
    pub legend: Option<Legend>,
    pub classes: Option<String>,
    pub role: Option<String>,
    pub attributes: Attributes,
    /// The fieldset's contents: trusted HTML only, such as rendered components.
    pub html: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Legend {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub classes: Option<String>,
    /// Wraps the legend's text in an `<h1>`, for a page that asks one question.
    pub is_page_heading: bool,
}

impl Fieldset {
    pub fn legend(legend: Legend) -> Self {
        Self {
            legend: Some(legend),
            ..Self::default()
        }
    }

    /// Puts trusted HTML, such as rendered components, inside the fieldset.
    pub fn html(mut self, html: impl Into<String>) -> Self {
        self.html = Some(html.into());
        self
    }

    pub fn classes(mut self, classes: impl Into<String>) -> Self {
        self.classes = Some(classes.into());
        self
    }

    /// This fieldset around a component's own controls.
    pub(crate) fn wrapping(
        &self,
        html: String,
        described_by: Option<String>,
        role: Option<&str>,
    ) -> Self {
        let mut fieldset = self.clone();
        fieldset.html = Some(html);
        fieldset.described_by = described_by;
        if let Some(role) = role {
            fieldset.role = Some(role.to_owned());
        }
        fieldset
    }

    fn legend_content(&self) -> Option<(&Legend, Content<'_>)> {
        let legend = self.legend.as_ref()?;
        let content = Content::new(&legend.text, &legend.html);
        content.is_present().then_some((legend, content))
    }
}

impl Legend {
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
}

html_safe_component!(Fieldset);
