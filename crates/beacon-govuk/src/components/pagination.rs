//! Pagination: links to the previous and next pages, and to numbered pages.

use askama::Template;
use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::Value;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component, lenient_string};

/// ```
/// use beacon_govuk::components::{PageItem, PageLink, Pagination};
///
/// let pages = Pagination::default()
///     .previous(PageLink::new("?page=1"))
///     .item(PageItem::number(1, "?page=1"))
///     .item(PageItem::number(2, "?page=2").current())
///     .next(PageLink::new("?page=3"));
/// assert!(pages.to_string().contains(r#"aria-current="page""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "pagination.html")]
pub struct Pagination {
    /// Numbered pages. Without any (`None`), the previous and next links are
    /// shown as large blocks, for a series of pages such as a guide.
    #[serde(deserialize_with = "page_items")]
    pub items: Option<Vec<PageItem>>,
    pub previous: Option<PageLink>,
    pub next: Option<PageLink>,
    /// The navigation's accessible name; "Pagination" when not given.
    pub landmark_label: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

/// A numbered page, or an ellipsis standing for the pages left out.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct PageItem {
    #[serde(deserialize_with = "lenient_string")]
    pub number: Option<String>,
    /// "Page {number}" when not given.
    pub visually_hidden_text: Option<String>,
    pub href: Option<String>,
    pub current: bool,
    pub ellipsis: bool,
    pub attributes: Attributes,
}

/// The previous or next page.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct PageLink {
    /// "Previous page" or "Next page" when not given.
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// The title of that page, shown under the link in block style.
    pub label_text: Option<String>,
    pub href: Option<String>,
    pub attributes: Attributes,
}

/// Reads the page items, leaving out `null` and empty entries as the macro does.
fn page_items<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Vec<PageItem>>, D::Error> {
    let Some(values) = Option::<Vec<Value>>::deserialize(deserializer)? else {
        return Ok(None);
    };
    values
        .into_iter()
        .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
        .map(|v| serde_json::from_value(v).map_err(serde::de::Error::custom))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

impl Pagination {
    pub fn previous(mut self, link: PageLink) -> Self {
        self.previous = Some(link);
        self
    }

    pub fn next(mut self, link: PageLink) -> Self {
        self.next = Some(link);
        self
    }

    pub fn item(mut self, item: PageItem) -> Self {
        self.items.get_or_insert_with(Vec::new).push(item);
        self
    }

    fn block_level(&self) -> bool {
        self.items.is_none() && (self.next.is_some() || self.previous.is_some())
    }

    fn landmark(&self) -> &str {
        self.landmark_label.non_empty().unwrap_or("Pagination")
    }

    fn linked(link: &Option<PageLink>) -> Option<&PageLink> {
        link.as_ref().filter(|l| l.href.non_empty().is_some())
    }
}

impl PageItem {
    pub fn number(number: u32, href: impl Into<String>) -> Self {
        Self {
            number: Some(number.to_string()),
            href: Some(href.into()),
            ..Self::default()
        }
    }

    pub fn ellipsis() -> Self {
        Self {
            ellipsis: true,
            ..Self::default()
        }
    }

    pub fn current(mut self) -> Self {
        self.current = true;
        self
    }

    fn aria_label(&self) -> String {
        match self.visually_hidden_text.as_deref() {
            Some(text) => text.to_owned(),
            None => format!("Page {}", self.number.as_deref().unwrap_or_default()),
        }
    }
}

impl PageLink {
    pub fn new(href: impl Into<String>) -> Self {
        Self {
            href: Some(href.into()),
            ..Self::default()
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    pub fn label_text(mut self, text: impl Into<String>) -> Self {
        self.label_text = Some(text.into());
        self
    }

    fn given(&self) -> Option<Content<'_>> {
        let content = Content::new(&self.text, &self.html);
        content.is_present().then_some(content)
    }
}

html_safe_component!(Pagination);
