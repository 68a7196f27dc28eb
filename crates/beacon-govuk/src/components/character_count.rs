//! Character count: a textarea that tells people how much more they may write.

use std::collections::BTreeMap;

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, composed_component, falsy_is_none, lenient_string};
use crate::components::form_group::Snippet;
use crate::components::{ErrorMessage, FormGroup, Hint, Label, Textarea};

/// ```
/// use beacon_govuk::components::{CharacterCount, Label};
///
/// let pitch = CharacterCount::new("pitch", 500).label(Label::text("Your pitch"));
/// assert!(pitch.to_string().contains("You can enter up to 500 characters"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct CharacterCount {
    /// Defaults to `name`.
    pub id: Option<String>,
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub rows: Option<String>,
    pub value: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub maxlength: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub maxwords: Option<String>,
    /// Percentage of the limit at which the count appears.
    #[serde(deserialize_with = "lenient_string")]
    pub threshold: Option<String>,
    pub label: Label,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub error_message: Option<ErrorMessage>,
    pub form_group: FormGroup,
    pub classes: Option<String>,
    pub attributes: Attributes,
    pub spellcheck: Option<bool>,
    pub count_message: CountMessage,
    /// "characters" or "words"; follows `maxwords` when not given.
    pub count_type: Option<String>,
    /// Shown without JavaScript; `%{count}` stands for the limit.
    pub textarea_description_text: Option<String>,
    pub characters_under_limit_text: Option<BTreeMap<String, String>>,
    pub characters_at_limit_text: Option<String>,
    pub characters_over_limit_text: Option<BTreeMap<String, String>>,
    pub words_under_limit_text: Option<BTreeMap<String, String>>,
    pub words_at_limit_text: Option<String>,
    pub words_over_limit_text: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CountMessage {
    pub classes: Option<String>,
}

impl CharacterCount {
    /// A count of characters up to `maxlength`.
    pub fn new(name: impl Into<String>, maxlength: u32) -> Self {
        Self {
            name: name.into(),
            maxlength: Some(maxlength.to_string()),
            ..Self::default()
        }
    }

    /// A count of words up to `maxwords`.
    pub fn words(name: impl Into<String>, maxwords: u32) -> Self {
        Self {
            name: name.into(),
            maxwords: Some(maxwords.to_string()),
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

    fn write_html(
        &self,
        writer: &mut dyn std::fmt::Write,
        values: &dyn askama::Values,
    ) -> askama::Result<()> {
        self.to_textarea()?.render_into_with_values(writer, values)
    }

    /// The textarea this renders as, built as the macro builds it.
    pub fn to_textarea(&self) -> Result<Textarea, askama::Error> {
        let id = self
            .id
            .clone()
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| self.name.clone());
        let maxwords = self
            .maxwords
            .as_deref()
            .filter(|m| !m.is_empty() && *m != "0");
        let maxlength = self
            .maxlength
            .as_deref()
            .filter(|m| !m.is_empty() && *m != "0");
        let count_type = self
            .count_type
            .as_deref()
            .filter(|c| !c.is_empty())
            .or(maxwords.map(|_| "words"));
        let limit = maxwords.or(maxlength);
        let description = self
            .textarea_description_text
            .clone()
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| {
                let unit = if count_type == Some("words") {
                    "words"
                } else {
                    "characters"
                };
                format!("You can enter up to %{{count}} {unit}")
            });

        let message_classes = match self.count_message.classes.as_deref() {
            Some(extra) if !extra.is_empty() => format!("govuk-character-count__message {extra}"),
            _ => "govuk-character-count__message".to_owned(),
        };
        let message = Hint {
            id: Some(format!("{id}-info")),
            classes: Some(message_classes),
            text: limit.map(|limit| description.replace("%{count}", limit)),
            ..Hint::default()
        };
        let mut after = message.render()?;
        if let Some(snippet) = &self.form_group.after_input {
            after.push_str(&snippet.content().to_string());
        }

        let mut data = Attributes::new().with("data-module", "govuk-character-count");
        for (name, value) in [
            ("data-maxlength", &self.maxlength),
            ("data-maxwords", &self.maxwords),
            ("data-threshold", &self.threshold),
        ] {
            if let Some(value) = value {
                data = data.with(name, value.as_str());
            }
        }
        if let Some(count_type) = count_type {
            data = data.with("data-count-type", count_type);
        }
        if limit.is_none()
            && let Some(text) = self
                .textarea_description_text
                .as_deref()
                .filter(|t| !t.is_empty())
        {
            data = data.with("data-i18n.textarea-description.other", text);
        }
        let plurals = [
            ("characters-under-limit", &self.characters_under_limit_text),
            ("characters-over-limit", &self.characters_over_limit_text),
            ("words-under-limit", &self.words_under_limit_text),
            ("words-over-limit", &self.words_over_limit_text),
        ];
        let singles = [
            ("characters-at-limit", &self.characters_at_limit_text),
            ("words-at-limit", &self.words_at_limit_text),
        ];
        for (key, messages) in plurals {
            for (rule, message) in messages.iter().flatten() {
                data = data.with(format!("data-i18n.{key}.{rule}"), message.as_str());
            }
        }
        for (key, message) in singles {
            if let Some(message) = message.as_deref().filter(|m| !m.is_empty()) {
                data = data.with(format!("data-i18n.{key}"), message);
            }
        }
        data = data.extend(&self.form_group.attributes);

        let group_classes = match self.form_group.classes.as_deref() {
            Some(extra) if !extra.is_empty() => format!("govuk-character-count {extra}"),
            _ => "govuk-character-count".to_owned(),
        };
        let textarea_classes = match self.classes.as_deref() {
            Some(extra) if !extra.is_empty() => format!("govuk-js-character-count {extra}"),
            _ => "govuk-js-character-count".to_owned(),
        };
        Ok(Textarea {
            id: Some(id.clone()),
            name: self.name.clone(),
            described_by: Some(format!("{id}-info")),
            rows: self.rows.clone(),
            spellcheck: self.spellcheck,
            value: self.value.clone(),
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
            classes: Some(textarea_classes),
            label: self.label.clone(),
            hint: self.hint.clone(),
            error_message: self.error_message.clone(),
            attributes: self.attributes.clone(),
            ..Textarea::default()
        })
    }
}

composed_component!(CharacterCount);
