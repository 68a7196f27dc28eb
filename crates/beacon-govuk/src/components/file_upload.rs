//! File upload: choose one or more files to send with the form.

use std::collections::BTreeMap;

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, falsy_is_none, html_safe_component, join_ids};
use crate::components::{ErrorMessage, FormGroup, Hint, Label};

/// ```
/// use beacon_govuk::components::{FileUpload, Label};
///
/// let import = FileUpload::new("import").label(Label::text("Upload a CSV file"));
/// assert!(import.to_string().contains(r#"type="file""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "file_upload.html")]
pub struct FileUpload {
    /// Defaults to `name`.
    pub id: Option<String>,
    pub name: String,
    pub multiple: bool,
    pub disabled: bool,
    pub described_by: Option<String>,
    pub label: Label,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub error_message: Option<ErrorMessage>,
    pub form_group: FormGroup,
    pub classes: Option<String>,
    pub attributes: Attributes,
    /// Uses the script's drop zone and button in place of the browser's control.
    pub javascript: bool,
    pub wrapper_classes: Option<String>,
    pub wrapper_attributes: Attributes,
    /// The words the script uses, for pages not in English.
    pub choose_files_button_text: Option<String>,
    pub no_file_chosen_text: Option<String>,
    pub multiple_files_chosen_text: Option<BTreeMap<String, String>>,
    pub drop_instruction_text: Option<String>,
    pub entered_drop_zone_text: Option<String>,
    pub left_drop_zone_text: Option<String>,
}

impl FileUpload {
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

    fn before_input(&self) -> Option<Content<'_>> {
        self.form_group.before_input.as_ref().map(|s| s.content())
    }

    fn after_input(&self) -> Option<Content<'_>> {
        self.form_group.after_input.as_ref().map(|s| s.content())
    }

    /// The script's words as `data-i18n.*` attributes, then the wrapper's own.
    fn wrapper_attributes_all(&self) -> Attributes {
        let mut attributes = Attributes::new();
        for (key, message) in [
            ("choose-files-button", &self.choose_files_button_text),
            ("no-file-chosen", &self.no_file_chosen_text),
        ] {
            if let Some(message) = message.non_empty() {
                attributes = attributes.with(format!("data-i18n.{key}"), message);
            }
        }
        for (rule, message) in self.multiple_files_chosen_text.iter().flatten() {
            attributes = attributes.with(
                format!("data-i18n.multiple-files-chosen.{rule}"),
                message.as_str(),
            );
        }
        for (key, message) in [
            ("drop-instruction", &self.drop_instruction_text),
            ("entered-drop-zone", &self.entered_drop_zone_text),
            ("left-drop-zone", &self.left_drop_zone_text),
        ] {
            if let Some(message) = message.non_empty() {
                attributes = attributes.with(format!("data-i18n.{key}"), message);
            }
        }
        attributes.extend(&self.wrapper_attributes)
    }
}

html_safe_component!(FileUpload);
