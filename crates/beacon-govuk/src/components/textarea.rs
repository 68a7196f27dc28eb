//! Textarea: several lines of text, with its label, hint and error message.

use askama::Template;
use serde::Deserialize;

use crate::common::{
    Attributes, Content, falsy_is_none, html_safe_component, join_ids, lenient_string,
};
use crate::components::{ErrorMessage, FormGroup, Hint, Label};

/// ```
/// use beacon_govuk::components::{Label, Textarea};
///
/// let summary = Textarea::new("summary")
///     .label(Label::text("Summarise your idea"))
///     .hint("Do not include personal information")
///     .value("A <b>bold</b> plan");
/// assert!(!summary.to_string().contains("<b>"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "textarea.html")]
pub struct Textarea {
    /// Defaults to `name`.
    pub id: Option<String>,
    pub name: String,
    pub spellcheck: Option<bool>,
    /// Visible lines; 5 when not given.
    #[serde(deserialize_with = "lenient_string")]
    pub rows: Option<String>,
    pub value: Option<String>,
    pub disabled: bool,
    /// Ids of other elements that describe the textarea, before its hint and error.
    pub described_by: Option<String>,
    pub label: Label,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub error_message: Option<ErrorMessage>,
    pub form_group: FormGroup,
    pub classes: Option<String>,
    pub autocomplete: Option<String>,
    pub attributes: Attributes,
}

impl Textarea {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub fn label(mut self, label: Label) -> Self {
        self.label = label;
        self
    }

    pub fn hint(mut self, text: impl Into<String>) -> Self {
        self.hint = Some(Hint::text(text));
        self
    }

    pub fn error(mut self, text: impl Into<String>) -> Self {
        self.error_message = Some(ErrorMessage::text(text));
        self
    }

    pub fn error_message(mut self, message: Option<ErrorMessage>) -> Self {
        self.error_message = message;
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn rows(mut self, rows: u32) -> Self {
        self.rows = Some(rows.to_string());
        self
    }

    pub fn classes(mut self, classes: impl Into<String>) -> Self {
        self.classes = Some(classes.into());
        self
    }

    pub(crate) fn control_id(&self) -> &str {
        self.id
            .as_deref()
            .filter(|id| !id.is_empty())
            .unwrap_or(&self.name)
    }

    fn hint_id(&self) -> Option<String> {
        self.hint
            .as_ref()
            .map(|_| format!("{}-hint", self.control_id()))
    }

    fn error_id(&self) -> Option<String> {
        self.error_message
            .as_ref()
            .map(|_| format!("{}-error", self.control_id()))
    }

    fn aria_described_by(&self) -> Option<String> {
        join_ids([
            self.described_by.as_deref(),
            self.hint_id().as_deref(),
            self.error_id().as_deref(),
        ])
    }

    fn hint_for_control(&self) -> Option<Hint> {
        Some(self.hint.as_ref()?.for_control(self.hint_id()?, None))
    }

    fn error_for_control(&self) -> Option<ErrorMessage> {
        Some(self.error_message.as_ref()?.for_control(self.error_id()?))
    }

    fn rows_or_default(&self) -> &str {
        self.rows
            .as_deref()
            .filter(|r| !r.is_empty() && *r != "0")
            .unwrap_or("5")
    }

    fn before_input(&self) -> Option<Content<'_>> {
        self.form_group.before_input.as_ref().map(|s| s.content())
    }

    fn after_input(&self) -> Option<Content<'_>> {
        self.form_group.after_input.as_ref().map(|s| s.content())
    }
}

html_safe_component!(Textarea);
