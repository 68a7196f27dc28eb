//! The `govuk-form-group` wrapper that every form control sits in, and the
//! snippets of content that may go before or after its controls.

use serde::Deserialize;

use crate::common::{Attributes, Content};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct FormGroup {
    pub classes: Option<String>,
    pub attributes: Attributes,
    /// Before the control (input, textarea, select, character count).
    pub before_input: Option<Snippet>,
    /// After the control (input, textarea, select, character count).
    pub after_input: Option<Snippet>,
    /// Before the controls (radios, checkboxes, date input).
    pub before_inputs: Option<Snippet>,
    /// After the controls (radios, checkboxes, date input).
    pub after_inputs: Option<Snippet>,
}

/// Text, or trusted HTML, placed next to a control.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Snippet {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
}

impl FormGroup {
    pub fn classes(classes: impl Into<String>) -> Self {
        Self {
            classes: Some(classes.into()),
            ..Self::default()
        }
    }
}

impl Snippet {
    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}
