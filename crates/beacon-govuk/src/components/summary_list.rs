//! Summary list: pairs of keys and values, such as answers to check, each with
//! optional actions; optionally inside a summary card.

use askama::Template;
use serde::Deserialize;

use crate::common::{
    Attributes, Content, NonEmpty, falsy_items, html_safe_component, lenient_string,
};

/// ```
/// use beacon_govuk::components::{SummaryAction, SummaryList, SummaryRow};
///
/// let answers = SummaryList::default().row(
///     SummaryRow::text("Name", "Ada Lovelace")
///         .action(SummaryAction::new("Change", "/name").visually_hidden_text("name")),
/// );
/// assert!(answers.to_string().contains(r#"<span class="govuk-visually-hidden"> name</span>"#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields)]
#[template(path = "summary_list.html")]
pub struct SummaryList {
    /// Rows; `None` entries are skipped.
    #[serde(deserialize_with = "falsy_items")]
    pub rows: Vec<Option<SummaryRow>>,
    /// Puts the list in a card with a title and actions of its own.
    pub card: Option<SummaryCard>,
    /// `govuk-summary-list--no-border` removes the lines between rows.
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryRow {
    pub key: SummaryCell,
    pub value: SummaryCell,
    pub actions: Option<SummaryActions>,
    pub classes: Option<String>,
}

/// The key or the value of a row.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryCell {
    #[serde(deserialize_with = "lenient_string")]
    pub text: Option<String>,
    /// Trusted HTML only, such as a rendered tag or a list.
    pub html: Option<String>,
    pub classes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryActions {
    pub items: Vec<SummaryAction>,
    pub classes: Option<String>,
}

/// A link such as "Change", whose hidden text says what it changes.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct SummaryAction {
    pub href: String,
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// Read out after the link text, such as "name" in "Change name".
    pub visually_hidden_text: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryCard {
    pub title: Option<CardTitle>,
    pub actions: Option<SummaryActions>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct CardTitle {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// 2 when not given.
    #[serde(deserialize_with = "lenient_string")]
    pub heading_level: Option<String>,
    pub classes: Option<String>,
}

#[derive(Template)]
#[template(path = "summary_action.html")]
struct ActionLink<'a> {
    action: &'a SummaryAction,
    card_title: Option<Content<'a>>,
}

html_safe_component!(ActionLink<'_>);

impl SummaryList {
    pub fn row(mut self, row: SummaryRow) -> Self {
        self.rows.push(Some(row));
        self
    }

    pub fn card(mut self, card: SummaryCard) -> Self {
        self.card = Some(card);
        self
    }

    fn any_row_has_actions(&self) -> bool {
        self.rows
            .iter()
            .flatten()
            .any(|row| row.actions.as_ref().is_some_and(|a| !a.items.is_empty()))
    }

    fn card_title(&self) -> Option<Content<'_>> {
        let title = self.card.as_ref()?.title.as_ref()?;
        Some(Content::new(&title.text, &title.html))
    }

    fn link<'a>(&'a self, action: &'a SummaryAction) -> ActionLink<'a> {
        ActionLink {
            action,
            card_title: self.card_title(),
        }
    }
}

impl SummaryRow {
    /// A row with a plain-text key and value.
    pub fn text(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: SummaryCell::text(key),
            value: SummaryCell::text(value),
            ..Self::default()
        }
    }

    /// A row whose value is trusted HTML, such as a rendered tag.
    pub fn html(key: impl Into<String>, value_html: impl Into<String>) -> Self {
        Self {
            key: SummaryCell::text(key),
            value: SummaryCell {
                html: Some(value_html.into()),
                ..SummaryCell::default()
            },
            ..Self::default()
        }
    }

    pub fn action(mut self, action: SummaryAction) -> Self {
        self.actions
            .get_or_insert_with(SummaryActions::default)
            .items
            .push(action);
        self
    }

    fn action_items(&self) -> &[SummaryAction] {
        self.actions.as_ref().map_or(&[], |a| &a.items)
    }
}

impl SummaryCell {
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

impl SummaryAction {
    pub fn new(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            href: href.into(),
            ..Self::default()
        }
    }

    pub fn visually_hidden_text(mut self, text: impl Into<String>) -> Self {
        self.visually_hidden_text = Some(text.into());
        self
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

impl SummaryCard {
    pub fn title(title: impl Into<String>) -> Self {
        Self {
            title: Some(CardTitle {
                text: Some(title.into()),
                ..CardTitle::default()
            }),
            ..Self::default()
        }
    }

    pub fn action(mut self, action: SummaryAction) -> Self {
        self.actions
            .get_or_insert_with(SummaryActions::default)
            .items
            .push(action);
        self
    }

    fn action_items(&self) -> &[SummaryAction] {
        self.actions.as_ref().map_or(&[], |a| &a.items)
    }

    fn actions_classes(&self) -> Option<&str> {
        self.actions.as_ref().and_then(|a| a.classes.non_empty())
    }
}

impl CardTitle {
    fn level(&self) -> &str {
        self.heading_level.non_empty().unwrap_or("2")
    }

    fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(SummaryList);
