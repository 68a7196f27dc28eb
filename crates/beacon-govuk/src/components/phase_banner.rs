//! Phase banner: says the service is new (alpha or beta) and asks for feedback.

use askama::Template;
use serde::Deserialize;

use crate::common::{Attributes, Content, NonEmpty, html_safe_component};
use crate::components::Tag;

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Template)]
#[serde(default, deny_unknown_fields)]
#[template(path = "phase_banner.html")]
pub struct PhaseBanner {
    pub text: Option<String>,
    /// Trusted HTML only, such as text with a feedback link.
    pub html: Option<String>,
    pub tag: Tag,
    pub classes: Option<String>,
    pub attributes: Attributes,
}

impl PhaseBanner {
    /// A banner with a phase tag ("Beta") and trusted HTML, usually a feedback link.
    pub fn html(phase: impl Into<String>, html: impl Into<String>) -> Self {
        Self {
            tag: Tag::text(phase),
            html: Some(html.into()),
            ..Self::default()
        }
    }

    pub fn content(&self) -> Content<'_> {
        Content::new(&self.text, &self.html)
    }

    fn phase_tag(&self) -> Tag {
        let mut tag = self.tag.clone();
        tag.classes = Some(match self.tag.classes.non_empty() {
            Some(extra) => format!("govuk-phase-banner__content__tag {extra}"),
            None => "govuk-phase-banner__content__tag".to_owned(),
        });
        tag.attributes = Default::default();
        tag
    }
}

html_safe_component!(PhaseBanner);
