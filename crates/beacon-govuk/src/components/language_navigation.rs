//! Language navigation: switches the page between languages, such as English
//! and Welsh.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component};

/// ```
/// use beacon_govuk::components::{Language, LanguageNavigation};
///
/// let switcher = LanguageNavigation::default()
///     .item(Language::current("English", "en"))
///     .item(Language::link("Cymraeg", "cy", "?lang=cy").description("Newid yr iaith i Gymraeg"));
/// assert!(switcher.to_string().contains(r#"hreflang="cy""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "language_navigation.html")]
pub struct LanguageNavigation {
    pub items: Vec<Language>,
    /// The navigation's accessible name; "Language" when not given.
    pub aria_label: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

/// One language: the current one (or one without a link), or a link to
/// the page in another.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Language {
    /// The language's name in that language, such as "Cymraeg".
    pub text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub html: Option<String>,
    pub href: Option<String>,
    pub lang: Option<String>,
    /// Defaults to `lang`.
    pub href_lang: Option<String>,
    pub dir: Option<String>,
    pub current: bool,
    /// Read out after the name, such as "Change the language to Welsh".
    pub language_description_text: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl LanguageNavigation {
    pub fn item(mut self, item: Language) -> Self {
        self.items.push(item);
        self
    }

    fn label(&self) -> &str {
        self.aria_label.as_deref().unwrap_or("Language")
    }
}

impl Language {
    pub fn current(text: impl Into<String>, lang: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            lang: Some(lang.into()),
            current: true,
            ..Self::default()
        }
    }

    pub fn link(text: impl Into<String>, lang: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            lang: Some(lang.into()),
            href: Some(href.into()),
            ..Self::default()
        }
    }

    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.language_description_text = Some(text.into());
        self
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }

    fn is_current(&self) -> bool {
        self.current || self.href.non_empty().is_none()
    }

    fn hreflang(&self) -> Option<&str> {
        self.href_lang.non_empty().or(self.lang.non_empty())
    }
}

html_safe_component!(LanguageNavigation);
