//! What radios and checkboxes share: their items, and the template that lays
//! them out inside a form group and, optionally, a fieldset.

use askama::Template;
use serde::Deserialize;

use crate::common::{
    Attributes, Content, NonEmpty, falsy_is_none, falsy_string, html_safe_component, join_ids,
    lenient_string,
};
use crate::components::{ErrorMessage, Fieldset, FormGroup, Hint, Label};

/// One radio or checkbox, or a divider ("or") between them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ChoiceItem {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// Defaults to the id prefix, then `-2`, `-3`… by position.
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub value: Option<String>,
    pub label: ItemLabel,
    #[serde(deserialize_with = "falsy_is_none")]
    pub hint: Option<Hint>,
    /// Makes this item a divider with this text instead of a control.
    pub divider: Option<String>,
    /// Overrides the component's `value` or `values` for this item.
    pub checked: Option<bool>,
    /// Content revealed when this item is chosen.
    pub conditional: Conditional,
    pub disabled: bool,
    pub attributes: Attributes,
    /// Checkboxes only: a name of its own instead of the component's.
    pub name: Option<String>,
    /// Checkboxes only: `exclusive` unticks the others ("None of these").
    pub behaviour: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ItemLabel {
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Conditional {
    /// Trusted HTML only, such as a rendered input.
    #[serde(deserialize_with = "falsy_string")]
    pub html: Option<String>,
}

impl ChoiceItem {
    pub fn new(value: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            value: Some(value.into()),
            text: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn divider(text: impl Into<String>) -> Self {
        Self {
            divider: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn hint(mut self, text: impl Into<String>) -> Self {
        self.hint = Some(Hint::text(text));
        self
    }

    pub fn checked(mut self, checked: bool) -> Self {
        self.checked = Some(checked);
        self
    }

    /// Reveals trusted HTML, such as a rendered input, when chosen.
    pub fn conditional(mut self, html: impl Into<String>) -> Self {
        self.conditional.html = Some(html.into());
        self
    }

    pub fn exclusive(mut self) -> Self {
        self.behaviour = Some("exclusive".to_owned());
        self
    }
}

/// Which items start chosen, when their own `checked` does not say.
pub(crate) enum Chosen<'a> {
    One(Option<&'a str>),
    Many(&'a [String]),
}

/// The parts of `Radios` and `Checkboxes` the shared templates need.
pub(crate) struct Choices<'a> {
    /// `govuk-radios` or `govuk-checkboxes`.
    pub block: &'static str,
    pub input_type: &'static str,
    pub name: &'a str,
    pub id_prefix: Option<&'a str>,
    pub items: &'a [Option<ChoiceItem>],
    pub chosen: Chosen<'a>,
    pub described_by: Option<&'a str>,
    pub fieldset: Option<&'a Fieldset>,
    pub hint: Option<&'a Hint>,
    pub error_message: Option<&'a ErrorMessage>,
    pub form_group: &'a FormGroup,
    pub classes: Option<&'a str>,
    pub attributes: &'a Attributes,
    /// Checkboxes repeat the group's description on each box outside a fieldset.
    pub describe_each_item: bool,
}

#[derive(Template)]
#[template(path = "choices_inner.html")]
struct Inner<'a> {
    choices: &'a Choices<'a>,
}

#[derive(Template)]
#[template(path = "choices_group.html")]
struct Group<'a> {
    choices: &'a Choices<'a>,
}

html_safe_component!(Inner<'_>);

impl<'a> Choices<'a> {
    pub fn render_into(
        &self,
        writer: &mut dyn std::fmt::Write,
        values: &dyn askama::Values,
    ) -> askama::Result<()> {
        Group { choices: self }.render_into_with_values(writer, values)
    }

    fn id_prefix(&self) -> &str {
        self.id_prefix
            .filter(|p| !p.is_empty())
            .unwrap_or(self.name)
    }

    fn hint_id(&self) -> Option<String> {
        self.hint.map(|_| format!("{}-hint", self.id_prefix()))
    }

    fn error_id(&self) -> Option<String> {
        self.error_message
            .map(|_| format!("{}-error", self.id_prefix()))
    }

    /// What describes the whole group: given ids, then hint, then error.
    fn group_described_by(&self) -> Option<String> {
        let given = self
            .fieldset
            .and_then(|f| f.described_by.non_empty())
            .or(self.described_by.filter(|d| !d.is_empty()));
        join_ids([given, self.hint_id().as_deref(), self.error_id().as_deref()])
    }

    fn hint_for_group(&self) -> Option<Hint> {
        Some(self.hint?.for_control(self.hint_id()?, None))
    }

    fn error_for_group(&self) -> Option<ErrorMessage> {
        Some(self.error_message?.for_control(self.error_id()?))
    }

    fn inner(&self) -> Inner<'_> {
        Inner { choices: self }
    }

    fn wrapped_in_fieldset(&self) -> askama::Result<Option<Fieldset>> {
        let Some(fieldset) = self.fieldset else {
            return Ok(None);
        };
        let inner = self.inner().render()?;
        Ok(Some(fieldset.wrapping(
            inner,
            self.group_described_by(),
            None,
        )))
    }

    fn snippet<'s>(snippet: &'s Option<crate::components::Snippet>) -> Option<Content<'s>> {
        snippet.as_ref().map(|s| s.content())
    }

    fn item_id(&self, item: &ChoiceItem, position: impl std::borrow::Borrow<usize>) -> String {
        let position = *position.borrow();
        match item.id.non_empty() {
            Some(id) => id.to_owned(),
            None if position > 1 => format!("{}-{position}", self.id_prefix()),
            None => self.id_prefix().to_owned(),
        }
    }

    fn item_name<'i>(&'i self, item: &'i ChoiceItem) -> &'i str {
        item.name.non_empty().unwrap_or(self.name)
    }

    fn is_checked(&self, item: &ChoiceItem) -> bool {
        if item.checked == Some(true) {
            return true;
        }
        let value = item.value.as_deref().unwrap_or_default();
        let chosen = match self.chosen {
            Chosen::One(Some(chosen)) if !chosen.is_empty() => chosen == value,
            Chosen::Many(values) if !values.is_empty() => values.iter().any(|v| v == value),
            _ => false,
        };
        chosen && item.checked != Some(false)
    }

    fn has_hint(item: &ChoiceItem) -> bool {
        item.hint.as_ref().is_some_and(|h| h.content().is_present())
    }

    fn item_described_by(&self, item: &ChoiceItem, id: &str) -> Option<String> {
        let hint_id = Self::has_hint(item).then(|| format!("{id}-item-hint"));
        let group = if self.describe_each_item && self.fieldset.is_none() {
            self.group_described_by()
        } else {
            None
        };
        join_ids([group.as_deref(), hint_id.as_deref()])
    }

    fn item_label(&self, item: &ChoiceItem, id: &str) -> Label {
        Label {
            text: item.text.clone(),
            html: item.html.clone(),
            classes: Some(with_base(
                &format!("{}__label", self.block),
                &item.label.classes,
            )),
            attributes: item.label.attributes.clone(),
            for_id: Some(id.to_owned()),
            ..Label::default()
        }
    }

    fn item_hint(&self, item: &ChoiceItem, id: &str) -> Option<Hint> {
        let hint = item.hint.as_ref().filter(|_| Self::has_hint(item))?;
        let base = format!("{}__hint", self.block);
        Some(hint.for_control(format!("{id}-item-hint"), Some(&base)))
    }
}

fn with_base(base: &str, extra: &Option<String>) -> String {
    match extra.non_empty() {
        Some(extra) => format!("{base} {extra}"),
        None => base.to_owned(),
    }
}
