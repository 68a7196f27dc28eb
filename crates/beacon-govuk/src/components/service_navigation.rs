//! Service navigation: the service's name and its main sections, under the header.

use askama::Template;
use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::Value;

use crate::common::{Attributes, Content, NonEmpty, falsy_items, html_safe_component};

/// ```
/// use beacon_govuk::components::{NavigationItem, ServiceNavigation};
///
/// let nav = ServiceNavigation::default()
///     .service("Beacon", "/")
///     .item(NavigationItem::link("Ideas", "/ideas").current())
///     .item(NavigationItem::link("People", "/admin/people"));
/// assert!(nav.to_string().contains(r#"aria-current="page""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "service_navigation.html")]
pub struct ServiceNavigation {
    pub service_name: Option<String>,
    pub service_url: Option<String>,
    /// Sections; `None` entries are skipped.
    #[serde(deserialize_with = "falsy_items")]
    pub navigation: Vec<Option<NavigationItem>>,
    /// Hides the sections behind a menu button on small screens; by default
    /// when there is more than one.
    pub collapse_navigation_on_mobile: Option<bool>,
    /// "Menu" when not given.
    pub menu_button_text: Option<String>,
    pub menu_button_label: Option<String>,
    /// Defaults to the menu button's text.
    pub navigation_label: Option<String>,
    /// "navigation" when not given.
    pub navigation_id: Option<String>,
    pub navigation_classes: Option<String>,
    /// The region's accessible name; "Service information" when not given.
    pub aria_label: Option<String>,
    /// Trusted HTML placed around the navigation.
    pub slots: Slots,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct NavigationItem {
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub href: Option<String>,
    /// The section the current page is in.
    pub active: bool,
    /// The current page itself.
    pub current: bool,
    pub attributes: Attributes,
}

/// Trusted HTML for the places the component leaves open.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Slots {
    pub start: Option<String>,
    pub end: EndSlot,
    pub navigation_start: Option<String>,
    pub navigation_end: Option<String>,
}

/// The end slot; `align: "inline"` keeps it on the navigation's line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EndSlot {
    pub html: Option<String>,
    pub align: Option<String>,
}

impl<'de> Deserialize<'de> for EndSlot {
    /// The macro takes either the HTML itself or `{ html, align }`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            html: Option<String>,
            align: Option<String>,
        }
        match Value::deserialize(deserializer)? {
            Value::String(html) => Ok(Self {
                html: Some(html),
                align: None,
            }),
            Value::Null => Ok(Self::default()),
            value => {
                let full: Full = serde_json::from_value(value).map_err(serde::de::Error::custom)?;
                Ok(Self {
                    html: full.html,
                    align: full.align,
                })
            }
        }
    }
}

impl ServiceNavigation {
    pub fn service(mut self, name: impl Into<String>, url: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self.service_url = Some(url.into());
        self
    }

    pub fn item(mut self, item: NavigationItem) -> Self {
        self.navigation.push(Some(item));
        self
    }

    /// The navigation's words in the page's language, such as Welsh "Dewislen".
    pub fn menu_button_text(mut self, text: impl Into<String>) -> Self {
        self.menu_button_text = Some(text.into());
        self
    }

    fn items(&self) -> Vec<&NavigationItem> {
        self.navigation.iter().flatten().collect()
    }

    fn menu_text(&self) -> &str {
        self.menu_button_text.non_empty().unwrap_or("Menu")
    }

    fn menu_label(&self) -> Option<&str> {
        self.menu_button_label
            .non_empty()
            .filter(|label| *label != self.menu_text())
    }

    fn nav_label(&self) -> &str {
        self.navigation_label
            .non_empty()
            .unwrap_or(self.menu_text())
    }

    fn nav_id(&self) -> &str {
        self.navigation_id.non_empty().unwrap_or("navigation")
    }

    fn collapses(&self) -> bool {
        self.collapse_navigation_on_mobile
            .unwrap_or(self.items().len() > 1)
    }

    fn has_navigation(&self) -> bool {
        !self.items().is_empty()
            || self.slots.navigation_start.non_empty().is_some()
            || self.slots.navigation_end.non_empty().is_some()
    }

    fn end_inline(&self) -> bool {
        self.slots.end.align.as_deref() == Some("inline")
    }

    /// A service name or slot content makes the whole a labelled region.
    fn is_region(&self) -> bool {
        self.service_name.non_empty().is_some()
            || self.slots.start.non_empty().is_some()
            || self.slots.end.html.non_empty().is_some()
    }

    fn region_label(&self) -> &str {
        self.aria_label.as_deref().unwrap_or("Service information")
    }
}

impl NavigationItem {
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            href: Some(href.into()),
            ..Self::default()
        }
    }

    /// Marks this as the current page.
    pub fn current(mut self) -> Self {
        self.current = true;
        self
    }

    /// Marks this as the section the current page is in.
    pub fn active(mut self) -> Self {
        self.active = true;
        self
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }

    fn highlighted(&self) -> bool {
        self.active || self.current
    }

    fn aria_current(&self) -> &str {
        if self.current { "page" } else { "true" }
    }
}

html_safe_component!(ServiceNavigation);
