//! Text input: one line of text, with its label, hint and error message.

use askama::Template;
use serde::Deserialize;

use crate::common::{
    Attributes, Content, falsy_is_none, html_safe_component, join_ids, lenient_string,
};
use crate::components::{ErrorMessage, FormGroup, Hint, Label};

/// ```
/// use beacon_govuk::components::{Input, Label};
///
/// let email = Input::new("email")
///     .label(Label::text("Email address"))
///     .kind("email")
///     .autocomplete("email")
///     .value("ada@example.org")
///     .error("Enter an email address in the correct format");
/// assert!(email.to_string().contains(r#"aria-describedby="email-error""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "input.html")]
pub struct Input {
    /// Defaults to `name`.
    pub id: Option<String>,
    pub name: String,
    /// The input's `type`; `text` when not given.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub inputmode: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub value: Option<String>,
    pub disabled: bool,
    /// Ids of other elements that describe the input, before its hint and error.
    pub described_by: Option<String>,
    pub label: Label,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub error_message: Option<ErrorMessage>,
    pub prefix: Option<Affix>,
    pub suffix: Option<Affix>,
    pub form_group: FormGroup,
    pub input_wrapper: InputWrapper,
    pub classes: Option<String>,
    pub autocomplete: Option<String>,
    pub autocapitalize: Option<String>,
    pub pattern: Option<String>,
    pub spellcheck: Option<bool>,
    pub attributes: Attributes,
}

/// Text, or trusted HTML, shown before or after the input, such as "£" or "kg".
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Affix {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InputWrapper {
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl Input {
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

    /// Sets the error message unless `message` is `None`, for forms that
    /// hold an optional error per field.
    pub fn error_message(mut self, message: Option<ErrorMessage>) -> Self {
        self.error_message = message;
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// The input's `type`, such as `email`, `tel` or `password`.
    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(kind.into());
        self
    }

    pub fn classes(mut self, classes: impl Into<String>) -> Self {
        self.classes = Some(classes.into());
        self
    }

    pub fn autocomplete(mut self, autocomplete: impl Into<String>) -> Self {
        self.autocomplete = Some(autocomplete.into());
        self
    }

    pub fn inputmode(mut self, inputmode: impl Into<String>) -> Self {
        self.inputmode = Some(inputmode.into());
        self
    }

    pub fn spellcheck(mut self, spellcheck: bool) -> Self {
        self.spellcheck = Some(spellcheck);
        self
    }

    pub fn prefix(mut self, text: impl Into<String>) -> Self {
        self.prefix = Some(Affix::text(text));
        self
    }

    pub fn suffix(mut self, text: impl Into<String>) -> Self {
        self.suffix = Some(Affix::text(text));
        self
    }

    pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes = self.attributes.with(name, value);
        self
    }

    fn control_id(&self) -> &str {
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

    fn input_classes(&self) -> String {
        let mut classes = String::from("govuk-input");
        if let Some(extra) = self.classes.as_deref().filter(|c| !c.is_empty()) {
            classes.push(' ');
            classes.push_str(extra);
        }
        if self.error_message.is_some() {
            classes.push_str(" govuk-input--error");
        }
        classes
    }

    fn present_affix(affix: &Option<Affix>) -> Option<&Affix> {
        affix.as_ref().filter(|a| a.content().is_present())
    }

    fn present_snippet(
        snippet: &Option<crate::components::form_group::Snippet>,
    ) -> Option<Content<'_>> {
        snippet
            .as_ref()
            .map(|s| s.content())
            .filter(|c| c.is_present())
    }

    fn before_input(&self) -> Option<Content<'_>> {
        Self::present_snippet(&self.form_group.before_input)
    }

    fn after_input(&self) -> Option<Content<'_>> {
        Self::present_snippet(&self.form_group.after_input)
    }

    fn has_wrapper(&self) -> bool {
        Self::present_affix(&self.prefix).is_some()
            || Self::present_affix(&self.suffix).is_some()
            || self.before_input().is_some()
            || self.after_input().is_some()
    }
}

impl Affix {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(Input);
