//! Date input: day, month and year as three small text inputs in a fieldset.

use std::collections::BTreeMap;

use askama::Template;
use serde::Deserialize;
use serde::de::Deserializer;

use crate::common::{
    Attributes, Content, NonEmpty, composed_component, falsy_is_none, falsy_items, join_ids,
    lenient_map, lenient_string,
};
use crate::components::{ErrorMessage, Fieldset, FormGroup, Hint, Input, Label, Legend};

/// ```
/// use beacon_govuk::components::{DateInput, Legend};
///
/// let started = DateInput::new("started")
///     .legend(Legend::text("When did the trial start?"))
///     .hint("For example, 27 3 2024")
///     .values("27", "3", "2024");
/// assert!(started.to_string().contains(r#"name="started-year""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct DateInput {
    /// The group's id; the inputs' ids are it, a dash and the part's name.
    pub id: String,
    /// Put before each input's name, with a dash: `started` gives `started-day`.
    pub name_prefix: Option<String>,
    /// Inputs to show instead of day, month and year; `None` entries are skipped.
    #[serde(deserialize_with = "falsy_items")]
    pub items: Vec<Option<DateInputItem>>,
    /// Values by input name (`day`, or `started-day` with a prefix).
    #[serde(deserialize_with = "lenient_map")]
    pub values: BTreeMap<String, String>,
    pub day: DatePart,
    pub month: DatePart,
    pub year: DatePart,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    #[serde(deserialize_with = "falsy_is_none")]
    pub error_message: Option<ErrorMessage>,
    pub form_group: FormGroup,
    #[serde(deserialize_with = "falsy_is_none")]
    pub fieldset: Option<Fieldset>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DateInputItem {
    /// Defaults to the group's id, a dash and the name.
    pub id: Option<String>,
    pub name: Option<String>,
    /// Defaults to the name with a capital letter.
    pub label: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub value: Option<String>,
    pub autocomplete: Option<String>,
    pub pattern: Option<String>,
    pub inputmode: Option<String>,
    pub classes: Option<String>,
    /// Marks this input as wrong, so only it (not all three) is outlined.
    pub error: Option<bool>,
    pub attributes: Attributes,
}

/// Whether the day, month or year input is shown, and how.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum DatePart {
    /// The standard input for this part.
    #[default]
    Standard,
    /// Not shown, as for a month and year without a day.
    Omitted,
    Custom(Box<DateInputItem>),
}

impl<'de> Deserialize<'de> for DatePart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match falsy_is_none(deserializer)? {
            Some(item) => Self::Custom(Box::new(item)),
            None => Self::Omitted,
        })
    }
}

#[derive(Template)]
#[template(path = "date_input.html")]
struct Inner<'a> {
    date: &'a DateInput,
    inputs: Vec<Input>,
}

#[derive(Template)]
#[template(path = "date_input_group.html")]
struct Group<'a> {
    date: &'a DateInput,
    fieldset: Option<Fieldset>,
    inner: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Day,
    Month,
    Year,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Day => "day",
            Kind::Month => "month",
            Kind::Year => "year",
        }
    }
}

impl DateInput {
    /// Day, month and year inputs named `{name}-day` and so on, in a group
    /// with id `name`.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        Self {
            id: name.clone(),
            name_prefix: Some(name),
            ..Self::default()
        }
    }

    pub fn legend(mut self, legend: Legend) -> Self {
        self.fieldset = Some(Fieldset::legend(legend));
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

    /// The values as submitted, kept when the form is shown again.
    pub fn values(
        mut self,
        day: impl Into<String>,
        month: impl Into<String>,
        year: impl Into<String>,
    ) -> Self {
        let prefix = self.prefix();
        self.values.insert(format!("{prefix}day"), day.into());
        self.values.insert(format!("{prefix}month"), month.into());
        self.values.insert(format!("{prefix}year"), year.into());
        self
    }

    fn prefix(&self) -> String {
        self.name_prefix
            .non_empty()
            .map(|p| format!("{p}-"))
            .unwrap_or_default()
    }

    fn hint_id(&self) -> Option<String> {
        self.hint.as_ref().map(|_| format!("{}-hint", self.id))
    }

    fn error_id(&self) -> Option<String> {
        self.error_message
            .as_ref()
            .map(|_| format!("{}-error", self.id))
    }

    fn hint_for_group(&self) -> Option<Hint> {
        Some(self.hint.as_ref()?.for_control(self.hint_id()?, None))
    }

    fn error_for_group(&self) -> Option<ErrorMessage> {
        Some(self.error_message.as_ref()?.for_control(self.error_id()?))
    }

    fn snippet(snippet: &Option<crate::components::Snippet>) -> Option<Content<'_>> {
        snippet.as_ref().map(|s| s.content())
    }

    /// The standard item for a part, or the one given for it.
    fn part(&self, kind: Kind) -> Option<DateInputItem> {
        let (part, width) = match kind {
            Kind::Day => (&self.day, 2),
            Kind::Month => (&self.month, 2),
            Kind::Year => (&self.year, 4),
        };
        match part {
            DatePart::Standard => Some(DateInputItem {
                name: Some(kind.name().to_owned()),
                value: self.values.get(kind.name()).cloned(),
                classes: Some(format!("govuk-input--width-{width}")),
                ..DateInputItem::default()
            }),
            DatePart::Omitted => None,
            DatePart::Custom(item) => Some((**item).clone()),
        }
    }

    fn items(&self) -> Vec<(Option<Kind>, DateInputItem)> {
        let parts = [Kind::Day, Kind::Month, Kind::Year];
        if self.items.is_empty() {
            return parts
                .into_iter()
                .filter_map(|kind| Some((Some(kind), self.part(kind)?)))
                .collect();
        }
        self.items
            .iter()
            .flatten()
            .map(|item| {
                let kind = parts.into_iter().find(|kind| {
                    item.name.non_empty().is_some_and(|name| {
                        name == kind.name()
                            || self.part(*kind).and_then(|p| p.name).as_deref() == Some(name)
                    })
                });
                (kind, item.clone())
            })
            .collect()
    }

    fn inputs(&self) -> Vec<Input> {
        let items = self.items();
        let any_item_has_error = items.iter().any(|(_, item)| has_error(item));
        let prefix = self.prefix();
        items
            .into_iter()
            .map(|(kind, item)| {
                let mut name = item.name.clone().unwrap_or_default();
                let mut value = item.value.clone();
                let mut width = 2;
                if let Some(kind) = kind {
                    if name.is_empty() {
                        name = kind.name().to_owned();
                    }
                    if value.is_none() {
                        value = self.part(kind).and_then(|p| p.value);
                    }
                    if kind == Kind::Year {
                        width = 4;
                    }
                }
                let item_classes = item.classes.as_deref().unwrap_or_default();
                let mut classes = Vec::new();
                let outlined = has_error(&item)
                    || (item.error != Some(false)
                        && self.error_message.is_some()
                        && !any_item_has_error);
                if !item_classes.contains("govuk-input--error") && outlined {
                    classes.push("govuk-input--error".to_owned());
                }
                if !item_classes.contains("govuk-input--width-") {
                    classes.push(format!("govuk-input--width-{width}"));
                }
                if !item_classes.is_empty() {
                    classes.push(item_classes.to_owned());
                }
                let full_name = format!("{prefix}{name}");
                Input {
                    label: Label {
                        text: Some(item.label.clone().unwrap_or_else(|| capitalize(&name))),
                        classes: Some("govuk-date-input__label".to_owned()),
                        ..Label::default()
                    },
                    id: Some(
                        item.id
                            .non_empty()
                            .map(str::to_owned)
                            .unwrap_or_else(|| format!("{}-{name}", self.id)),
                    ),
                    classes: Some(format!("govuk-date-input__input {}", classes.join(" "))),
                    value: value.or_else(|| self.values.get(&full_name).cloned()),
                    name: full_name,
                    kind: Some("text".to_owned()),
                    inputmode: Some(item.inputmode.non_empty().unwrap_or("numeric").to_owned()),
                    autocomplete: item.autocomplete.clone(),
                    pattern: item.pattern.clone(),
                    attributes: item.attributes.clone(),
                    ..Input::default()
                }
            })
            .collect()
    }

    fn write_html(
        &self,
        writer: &mut dyn std::fmt::Write,
        values: &dyn askama::Values,
    ) -> askama::Result<()> {
        let inner = Inner {
            date: self,
            inputs: self.inputs(),
        }
        .render_with_values(values)?;
        let fieldset = self.fieldset.as_ref().map(|fieldset| {
            // A group role makes JAWS read the fieldset's description for text inputs.
            let described_by = join_ids([
                fieldset.described_by.as_deref(),
                self.hint_id().as_deref(),
                self.error_id().as_deref(),
            ]);
            fieldset.wrapping(inner.clone(), described_by, Some("group"))
        });
        Group {
            date: self,
            fieldset,
            inner,
        }
        .render_into_with_values(writer, values)
    }
}

fn has_error(item: &DateInputItem) -> bool {
    item.error == Some(true)
        || item
            .classes
            .as_deref()
            .is_some_and(|c| c.contains("govuk-input--error"))
}

/// Nunjucks' `capitalize`: the first letter upper case, the rest lower case.
fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

composed_component!(DateInput);
