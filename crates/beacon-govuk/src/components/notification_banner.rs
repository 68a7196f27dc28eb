//! Notification banner: news for the whole page, or the outcome of an action.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component, lenient_string};

/// ```
/// use beacon_govuk::components::NotificationBanner;
///
/// let saved = NotificationBanner::success("Idea submitted");
/// assert!(saved.to_string().contains(r#"role="alert""#));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
#[template(path = "notification_banner.html")]
pub struct NotificationBanner {
    pub text: Option<String>,
    /// Trusted HTML only, such as a heading and a link.
    pub html: Option<String>,
    /// "Important" ("Success" for a success banner) when not given.
    pub title_text: Option<String>,
    /// Trusted HTML only; it is written as it is.
    pub title_html: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub title_heading_level: Option<String>,
    /// `success` for the green banner that confirms an action.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `region` (or `alert` for success) when not given.
    pub role: Option<String>,
    pub title_id: Option<String>,
    /// Stops the script moving focus to a success banner on load.
    pub disable_auto_focus: Option<bool>,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl NotificationBanner {
    /// A blue banner with one line of news.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            ..Self::default()
        }
    }

    /// A green banner confirming that something worked.
    pub fn success(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            kind: Some("success".to_owned()),
            ..Self::default()
        }
    }

    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title_text = Some(title.into());
        self
    }

    fn is_success(&self) -> bool {
        self.kind.as_deref() == Some("success")
    }

    fn role_or_default(&self) -> &str {
        match self.role.non_empty() {
            Some(role) => role,
            None if self.is_success() => "alert",
            None => "region",
        }
    }

    fn title_content(&self) -> Content<'_> {
        let fallback = if self.is_success() {
            "Success"
        } else {
            "Important"
        };
        match (self.title_html.non_empty(), self.title_text.non_empty()) {
            (Some(html), _) => Content {
                text: None,
                html: Some(html),
            },
            (None, Some(text)) => Content {
                text: Some(text),
                html: None,
            },
            (None, None) => Content {
                text: Some(fallback),
                html: None,
            },
        }
    }

    fn title_id_or_default(&self) -> &str {
        self.title_id
            .non_empty()
            .unwrap_or("govuk-notification-banner-title")
    }

    fn heading_level(&self) -> &str {
        self.title_heading_level.non_empty().unwrap_or("2")
    }
}

html_safe_component!(NotificationBanner);
