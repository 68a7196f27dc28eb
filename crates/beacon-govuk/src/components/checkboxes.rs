//! Checkboxes: choose any of several options.

use serde::Deserialize;

use crate::common::{Attributes, composed_component, falsy_is_none, falsy_items};
use crate::components::choices::{Choices, Chosen};
use crate::components::{ChoiceItem, ErrorMessage, Fieldset, FormGroup, Hint, Legend};

/// ```
/// use beacon_govuk::components::{ChoiceItem, Legend, Checkboxes};
///
/// let stage = Checkboxes::new("stage")
///     .legend(Legend::text("What stage is the idea at?"))
///     .item(ChoiceItem::new("new", "New"))
///     .item(ChoiceItem::new("trial", "In trial"))
///     .values(["trial"]);
/// assert!(stage.to_string().contains(r#"value="trial" checked"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Checkboxes {
    /// Prefix of the items' ids; defaults to `name`.
    pub id_prefix: Option<String>,
    pub name: String,
    /// Items; `None` entries are skipped but still count for default ids.
    #[serde(deserialize_with = "falsy_items")]
    pub items: Vec<Option<ChoiceItem>>,
    /// The chosen items' values.
    pub values: Vec<String>,
    /// Ids of other elements that describe the group, before its hint and error.
    pub described_by: Option<String>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub fieldset: Option<Fieldset>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub error_message: Option<ErrorMessage>,
    pub form_group: FormGroup,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl Checkboxes {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    pub fn legend(mut self, legend: Legend) -> Self {
        self.fieldset = Some(Fieldset::legend(legend));
        self
    }

    pub fn item(mut self, item: ChoiceItem) -> Self {
        self.items.push(Some(item));
        self
    }

    pub fn values(mut self, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.values = values.into_iter().map(Into::into).collect();
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

    /// Smaller boxes, for filters beside search results.
    pub fn small(mut self) -> Self {
        self.classes = Some("govuk-checkboxes--small".to_owned());
        self
    }

    fn write_html(
        &self,
        writer: &mut dyn std::fmt::Write,
        values: &dyn askama::Values,
    ) -> askama::Result<()> {
        Choices {
            block: "govuk-checkboxes",
            input_type: "checkbox",
            name: &self.name,
            id_prefix: self.id_prefix.as_deref(),
            items: &self.items,
            chosen: Chosen::Many(&self.values),
            described_by: self.described_by.as_deref(),
            fieldset: self.fieldset.as_ref(),
            hint: self.hint.as_ref(),
            error_message: self.error_message.as_ref(),
            form_group: &self.form_group,
            classes: self.classes.as_deref(),
            attributes: &self.attributes,
            describe_each_item: true,
        }
        .render_into(writer, values)
    }
}

composed_component!(Checkboxes);
