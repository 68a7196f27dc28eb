//! Radios: choose one of several options.

use serde::Deserialize;

use crate::common::{Attributes, composed_component, falsy_is_none, falsy_items, lenient_string};
use crate::components::choices::{Choices, Chosen};
use crate::components::{ChoiceItem, ErrorMessage, Fieldset, FormGroup, Hint, Legend};

/// ```
/// use beacon_govuk::components::{ChoiceItem, Legend, Radios};
///
/// let stage = Radios::new("stage")
///     .legend(Legend::text("What stage is the idea at?"))
///     .item(ChoiceItem::new("new", "New"))
///     .item(ChoiceItem::new("trial", "In trial"))
///     .value("trial");
/// assert!(stage.to_string().contains(r#"value="trial" checked"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Radios {
    /// Prefix of the items' ids; defaults to `name`.
    pub id_prefix: Option<String>,
    pub name: String,
    /// Items; `None` entries are skipped but still count for default ids.
    #[serde(deserialize_with = "falsy_items")]
    pub items: Vec<Option<ChoiceItem>>,
    /// The chosen item's value.
    #[serde(deserialize_with = "lenient_string")]
    pub value: Option<String>,
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

impl Radios {
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

    /// Side by side, for two short options such as Yes and No.
    pub fn inline(mut self) -> Self {
        self.classes = Some("govuk-radios--inline".to_owned());
        self
    }

    fn write_html(
        &self,
        writer: &mut dyn std::fmt::Write,
        values: &dyn askama::Values,
    ) -> askama::Result<()> {
        Choices {
            block: "govuk-radios",
            input_type: "radio",
            name: &self.name,
            id_prefix: self.id_prefix.as_deref(),
            items: &self.items,
            chosen: Chosen::One(self.value.as_deref()),
            described_by: None,
            fieldset: self.fieldset.as_ref(),
            hint: self.hint.as_ref(),
            error_message: self.error_message.as_ref(),
            form_group: &self.form_group,
            classes: self.classes.as_deref(),
            attributes: &self.attributes,
            describe_each_item: false,
        }
        .render_into(writer, values)
    }
}

composed_component!(Radios);
