//! Password input: a password field with a button to show what was typed.

use serde::Deserialize;

use crate::common::{Attributes, NonEmpty, composed_component, falsy_is_none};
use crate::components::form_group::Snippet;
use crate::components::{Button, ErrorMessage, FormGroup, Hint, Input, InputWrapper, Label};

/// ```
/// use beacon_govuk::components::{Label, PasswordInput};
///
/// let password = PasswordInput::new("password").label(Label::text("Password"));
/// assert!(password.to_string().contains(r#"autocomplete="current-password""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordInput {
    /// Defaults to `name`.
    pub id: Option<String>,
    pub name: String,
    pub value: Option<String>,
    pub disabled: bool,
    pub described_by: Option<String>,
    pub label: Label,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub error_message: Option<ErrorMessage>,
    pub form_group: FormGroup,
    pub classes: Option<String>,
    /// `current-password` when not given; `new-password` when choosing one.
    pub autocomplete: Option<String>,
    pub attributes: Attributes,
    pub button: PasswordButton,
    /// The words the script uses, for pages not in English.
    pub show_password_text: Option<String>,
    pub hide_password_text: Option<String>,
    pub show_password_aria_label_text: Option<String>,
    pub hide_password_aria_label_text: Option<String>,
    pub password_shown_announcement_text: Option<String>,
    pub password_hidden_announcement_text: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PasswordButton {
    pub classes: Option<String>,
}

impl PasswordInput {
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

    pub fn hint(mut self, text: impl Into<String>) -> Self {
        self.hint = Some(Hint::text(text));
        self
    }

    pub fn error_message(mut self, message: Option<ErrorMessage>) -> Self {
        self.error_message = message;
        self
    }

    /// For choosing a new password, so browsers offer to generate one.
    pub fn new_password(mut self) -> Self {
        self.autocomplete = Some("new-password".to_owned());
        self
    }

    /// The input this renders as, built as the macro builds it.
    pub fn to_input(&self) -> Result<Input, askama::Error> {
        let id = self.id.non_empty().unwrap_or(&self.name).to_owned();
        let mut data = Attributes::new().with("data-module", "govuk-password-input");
        for (key, message) in [
            ("show-password", &self.show_password_text),
            ("hide-password", &self.hide_password_text),
            (
                "show-password-aria-label",
                &self.show_password_aria_label_text,
            ),
            (
                "hide-password-aria-label",
                &self.hide_password_aria_label_text,
            ),
            (
                "password-shown-announcement",
                &self.password_shown_announcement_text,
            ),
            (
                "password-hidden-announcement",
                &self.password_hidden_announcement_text,
            ),
        ] {
            if let Some(message) = message.non_empty() {
                data = data.with(format!("data-i18n.{key}"), message);
            }
        }
        data = data.extend(&self.form_group.attributes);

        let mut button = Button::text(self.show_password_text.as_deref().unwrap_or("Show"))
            .classes("govuk-button--secondary govuk-password-input__toggle govuk-js-password-input-toggle");
        if let Some(extra) = self.button.classes.non_empty() {
            button = button.classes(extra);
        }
        button.kind = Some("button".to_owned());
        button.attributes = Attributes::new()
            .with("aria-controls", id.as_str())
            .with(
                "aria-label",
                self.show_password_aria_label_text
                    .as_deref()
                    .unwrap_or("Show password"),
            )
            .flag("hidden");
        let mut after = askama::Template::render(&button)?;
        if let Some(snippet) = &self.form_group.after_input {
            after.push_str(&snippet.content().to_string());
        }

        let group_classes = match self.form_group.classes.non_empty() {
            Some(extra) => format!("govuk-password-input {extra}"),
            None => "govuk-password-input".to_owned(),
        };
        let classes = match self.classes.non_empty() {
            Some(extra) => {
                format!("govuk-password-input__input govuk-js-password-input-input {extra}")
            }
            None => "govuk-password-input__input govuk-js-password-input-input".to_owned(),
        };
        Ok(Input {
            form_group: FormGroup {
                classes: Some(group_classes),
                attributes: data,
                before_input: self.form_group.before_input.clone(),
                after_input: Some(Snippet {
                    text: None,
                    html: Some(after),
                }),
                ..FormGroup::default()
            },
            input_wrapper: InputWrapper {
                classes: Some("govuk-password-input__wrapper".to_owned()),
                ..InputWrapper::default()
            },
            label: self.label.clone(),
            hint: self.hint.clone(),
            classes: Some(classes),
            error_message: self.error_message.clone(),
            id: Some(id),
            name: self.name.clone(),
            kind: Some("password".to_owned()),
            spellcheck: Some(false),
            autocapitalize: Some("none".to_owned()),
            autocomplete: Some(
                self.autocomplete
                    .non_empty()
                    .unwrap_or("current-password")
                    .to_owned(),
            ),
            value: self.value.clone(),
            disabled: self.disabled,
            described_by: self.described_by.clone(),
            attributes: self.attributes.clone(),
            ..Input::default()
        })
    }

    fn write_html(
        &self,
        writer: &mut dyn std::fmt::Write,
        values: &dyn askama::Values,
    ) -> askama::Result<()> {
        askama::Template::render_into_with_values(&self.to_input()?, writer, values)
    }
}

composed_component!(PasswordInput);
