//! Generic header: the header for services that are not on GOV.UK, such as a
//! council's, with the organisation's name (or logo) in place of the crown.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component};

/// ```
/// use beacon_govuk::components::GenericHeader;
///
/// let header = GenericHeader::text("North Shire Council").url("/");
/// assert!(header.to_string().contains("North Shire Council"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "generic_header.html")]
pub struct GenericHeader {
    pub logo_text: Option<String>,
    /// Trusted HTML only, such as the council's logo as an image with alt text.
    pub logo_html: Option<String>,
    /// Where the logo links; `/` when not given.
    pub url: Option<String>,
    /// `govuk-width-container` when not given.
    pub container_classes: Option<String>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl GenericHeader {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            logo_text: Some(text.into()),
            ..Self::default()
        }
    }

    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    fn logo(&self) -> Content<'_> {
        Content::new(&self.logo_text, &self.logo_html)
    }

    fn url_or_default(&self) -> &str {
        self.url.non_empty().unwrap_or("/")
    }

    fn container(&self) -> &str {
        self.container_classes
            .non_empty()
            .unwrap_or("govuk-width-container")
    }
}

html_safe_component!(GenericHeader);
