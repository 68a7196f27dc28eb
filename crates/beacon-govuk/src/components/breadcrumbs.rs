//! Breadcrumbs: where the page sits in the site's hierarchy.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component};

/// ```
/// use beacon_govuk::components::{Breadcrumb, Breadcrumbs};
///
/// let trail = Breadcrumbs::default()
///     .item(Breadcrumb::link("Home", "/"))
///     .item(Breadcrumb::link("Ideas", "/ideas"));
/// assert!(trail.to_string().contains(r#"href="/ideas""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "breadcrumbs.html")]
pub struct Breadcrumbs {
    pub items: Vec<Breadcrumb>,
    /// Shows only the first and last items on small screens.
    pub collapse_on_mobile: bool,
    /// The navigation's accessible name; "Breadcrumb" when not given.
    pub label_text: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Breadcrumb {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    /// Without a link, the item is the current page.
    pub href: Option<String>,
    pub attributes: Attributes,
}

impl Breadcrumbs {
    pub fn item(mut self, item: Breadcrumb) -> Self {
        self.items.push(item);
        self
    }

    /// The accessible name in the page's language, such as Welsh "Briwsion bara".
    pub fn label_text(mut self, text: impl Into<String>) -> Self {
        self.label_text = Some(text.into());
        self
    }

    fn label(&self) -> &str {
        self.label_text.as_deref().unwrap_or("Breadcrumb")
    }
}

impl Breadcrumb {
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            href: Some(href.into()),
            ..Self::default()
        }
    }

    /// The current page, not linked.
    pub fn current(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }
}

html_safe_component!(Breadcrumbs);
