//! Panel: the confirmation at the end of a transaction, or an interruption.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component, lenient_string};
use crate::components::Button;

/// ```
/// use beacon_govuk::components::Panel;
///
/// let done = Panel::new("Idea submitted").html("Your reference number<br><strong>HDJ2123F</strong>");
/// assert!(done.to_string().contains("govuk-panel--confirmation"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "panel.html")]
pub struct Panel {
    pub title_text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub title_html: Option<String>,
    /// 1 when not given.
    #[serde(deserialize_with = "lenient_string")]
    pub heading_level: Option<String>,
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// Buttons or links, shown only on an interruption panel.
    pub actions: Option<PanelActions>,
    /// `govuk-panel--interruption` makes an interruption panel.
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PanelActions {
    pub items: Vec<PanelAction>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

/// A link, or a button when it has no `href` or has `type: "button"`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PanelAction {
    pub text: String,
    pub href: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl Panel {
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title_text: Some(title.into()),
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

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }

    fn title(&self) -> Content<'_> {
        Content::new(&self.title_text, &self.title_html)
    }

    fn heading_level_or_default(&self) -> &str {
        self.heading_level.non_empty().unwrap_or("1")
    }

    fn is_interruption(&self) -> bool {
        self.classes
            .as_deref()
            .is_some_and(|c| c.contains("govuk-panel--interruption"))
    }

    fn shown_actions(&self) -> Option<&PanelActions> {
        self.actions.as_ref().filter(|_| self.is_interruption())
    }
}

impl PanelAction {
    fn as_button(&self) -> Option<Button> {
        let href = self.href.non_empty();
        if href.is_some() && self.kind.as_deref() != Some("button") {
            return None;
        }
        let mut button = Button::text(self.text.clone());
        button.kind = Some(self.kind.non_empty().unwrap_or("button").to_owned());
        button.classes = Some(match self.classes.non_empty() {
            Some(extra) => format!("govuk-button--inverse {extra}"),
            None => "govuk-button--inverse".to_owned(),
        });
        button.href = href.map(str::to_owned);
        button.attributes = self.attributes.clone();
        Some(button)
    }
}

html_safe_component!(Panel);
