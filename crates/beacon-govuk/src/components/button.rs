//! Button: a `<button>`, or a link styled as one when it has an `href`.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component, lenient_string};

/// ```
/// use beacon_govuk::components::Button;
///
/// let save = Button::text("Save and continue");
/// let start = Button::text("Start now").href("/ideas/new").start();
/// assert!(save.to_string().contains(r#"type="submit""#));
/// assert!(start.to_string().contains("govuk-button--start"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "button.html")]
pub struct Button {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub name: Option<String>,
    /// The button's `type`; `submit` when not given.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub value: Option<String>,
    pub disabled: bool,
    /// Makes a link instead of a button.
    pub href: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
    /// Asks the script to ignore a second click within a second.
    pub prevent_double_click: Option<bool>,
    pub is_start_button: bool,
    pub id: Option<String>,
}

impl Button {
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

    pub fn href(mut self, href: impl Into<String>) -> Self {
        self.href = Some(href.into());
        self
    }

    /// A secondary button (grey).
    pub fn secondary(self) -> Self {
        self.classes("govuk-button--secondary")
    }

    /// A warning button (red), for actions that destroy something.
    pub fn warning(self) -> Self {
        self.classes("govuk-button--warning")
    }

    pub fn start(mut self) -> Self {
        self.is_start_button = true;
        self
    }

    pub fn classes(mut self, classes: impl Into<String>) -> Self {
        let classes = classes.into();
        self.classes = Some(match self.classes.take() {
            Some(existing) if !existing.is_empty() => format!("{existing} {classes}"),
            _ => classes,
        });
        self
    }

    pub fn name_value(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self.value = Some(value.into());
        self
    }

    pub fn prevent_double_click(mut self) -> Self {
        self.prevent_double_click = Some(true);
        self
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }

    fn class_names(&self) -> String {
        let mut classes = String::from("govuk-button");
        if let Some(extra) = self.classes.as_deref().filter(|c| !c.is_empty()) {
            classes.push(' ');
            classes.push_str(extra);
        }
        if self.is_start_button {
            classes.push_str(" govuk-button--start");
        }
        classes
    }

    fn has_html(&self) -> bool {
        self.html.as_deref().is_some_and(|h| !h.is_empty())
    }
}

html_safe_component!(Button);
