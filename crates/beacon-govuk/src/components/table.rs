//! Table: data in rows and columns.

use askama::Template;
use serde::Deserialize;

use crate::common::{
    Attributes, Content, NonEmpty, falsy_items, html_safe_component, lenient_string,
};

/// ```
/// use beacon_govuk::components::{Table, TableCell};
///
/// let ideas = Table::default()
///     .caption("Ideas by stage")
///     .head([TableCell::text("Stage"), TableCell::numeric("Ideas")])
///     .row([TableCell::text("Trial"), TableCell::numeric("4")]);
/// assert!(ideas.to_string().contains("govuk-table__cell--numeric"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "table.html")]
pub struct Table {
    pub caption: Option<String>,
    /// Such as `govuk-table__caption--m` for a medium heading.
    pub caption_classes: Option<String>,
    pub head: Option<Vec<TableCell>>,
    /// Rows; `None` entries are skipped.
    #[serde(deserialize_with = "falsy_items")]
    pub rows: Vec<Option<Vec<TableCell>>>,
    /// Makes the first cell of each row a row header.
    pub first_cell_is_header: bool,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TableCell {
    #[serde(deserialize_with = "lenient_string")]
    pub text: Option<String>,
    /// Trusted HTML only, such as a rendered tag or link.
    pub html: Option<String>,
    /// `numeric` aligns numbers to the right.
    pub format: Option<String>,
    pub classes: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub colspan: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub rowspan: Option<String>,
    pub attributes: Attributes,
}

impl Table {
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    pub fn head(mut self, cells: impl IntoIterator<Item = TableCell>) -> Self {
        self.head = Some(cells.into_iter().collect());
        self
    }

    pub fn row(mut self, cells: impl IntoIterator<Item = TableCell>) -> Self {
        self.rows.push(Some(cells.into_iter().collect()));
        self
    }

    pub fn first_cell_is_header(mut self) -> Self {
        self.first_cell_is_header = true;
        self
    }

    fn shown_head(&self) -> Option<&[TableCell]> {
        self.head.as_deref()
    }
}

impl TableCell {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    /// Trusted, already-escaped HTML only, such as a rendered component.
    pub fn html(html: impl Into<String>) -> Self {
        Self {
            html: Some(html.into()),
            ..Self::default()
        }
    }

    /// A number, aligned to the right.
    pub fn numeric(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            format: Some("numeric".to_owned()),
            ..Self::default()
        }
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(Table);
