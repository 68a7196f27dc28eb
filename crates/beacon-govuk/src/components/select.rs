//! Select: choose one option from a drop-down list.

use askama::Template;
use serde::Deserialize;

use crate::common::{
    Attributes, Content, NonEmpty, falsy_is_none, falsy_items, html_safe_component, join_ids,
    lenient_string,
};
use crate::components::{ErrorMessage, FormGroup, Hint, Label};

/// ```
/// use beacon_govuk::components::{Label, Select, SelectItem};
///
/// let council = Select::new("council")
///     .label(Label::text("Council"))
///     .item(SelectItem::new("north", "North Shire"))
///     .item(SelectItem::new("south", "South Vale"))
///     .value("south");
/// assert!(council.to_string().contains(r#"value="south" selected"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "select.html")]
pub struct Select {
    /// Defaults to `name`.
    pub id: Option<String>,
    pub name: String,
    /// Options; `None` entries are skipped.
    #[serde(deserialize_with = "falsy_items")]
    pub items: Vec<Option<SelectItem>>,
    /// The selected option's value (or text, for options without a value).
    #[serde(deserialize_with = "lenient_string")]
    pub value: Option<String>,
    pub disabled: bool,
    /// Ids of other elements that describe the select, before its hint and error.
    pub described_by: Option<String>,
    pub label: Label,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub error_message: Option<ErrorMessage>,
    pub form_group: FormGroup,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelectItem {
    /// The submitted value; without one, browsers submit the text.
    #[serde(deserialize_with = "lenient_string")]
    pub value: Option<String>,
    pub text: String,
    /// Overrides the select's `value` for this option.
    pub selected: Option<bool>,
    pub disabled: bool,
    pub attributes: Attributes,
}

impl Select {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    pub fn label(mut self, label: Label) -> Self {
        self.label = label;
        self
    }

    pub fn item(mut self, item: SelectItem) -> Self {
        self.items.push(Some(item));
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
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

    fn control_id(&self) -> &str {
        self.id.non_empty().unwrap_or(&self.name)
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

    fn is_selected(&self, item: &SelectItem) -> bool {
        if item.selected == Some(true) {
            return true;
        }
        let effective = item.value.as_deref().unwrap_or(&item.text);
        match self.value.non_empty() {
            Some(value) => value == effective && item.selected != Some(false),
            None => false,
        }
    }

    fn before_input(&self) -> Option<Content<'_>> {
        self.form_group.before_input.as_ref().map(|s| s.content())
    }

    fn after_input(&self) -> Option<Content<'_>> {
        self.form_group.after_input.as_ref().map(|s| s.content())
    }
}

impl SelectItem {
    pub fn new(value: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            value: Some(value.into()),
            text: text.into(),
            ..Self::default()
        }
    }
}

html_safe_component!(Select);
