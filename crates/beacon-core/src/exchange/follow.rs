//! How practice spreads: what a person may follow (service areas, named
//! councils, tags), which new publications a digest holds, when the next
//! digest is due, and the text an adopted idea starts from.
use crate::OrgId;
use crate::pipeline::stages::ServiceArea;
use crate::pipeline::vocabulary;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

vocabulary! {
    /// What kind of thing is followed.
    FollowKind, "follow kind" {
        /// A service area (`ServiceArea` key).
        Area => "area",
        /// A council, by its id. Only named publications carry one, so an
        /// anonymised case never reaches a council's followers as theirs.
        Council => "council",
        /// A free tag, lower case.
        Tag => "tag",
    }
}

vocabulary! {
    /// How often a follower's digest is sent.
    Frequency, "digest frequency" {
        Daily => "daily",
        Weekly => "weekly",
    }
}

impl Frequency {
    pub fn period(self) -> Duration {
        match self {
            Frequency::Daily => Duration::days(1),
            Frequency::Weekly => Duration::weeks(1),
        }
    }

    /// When the digest after one sent (or started) at `at` is due.
    pub fn next_after(self, at: OffsetDateTime) -> OffsetDateTime {
        at + self.period()
    }
}

/// The longest tag one may follow (tags on cases are short words).
pub const MAX_TAG: usize = 50;
/// How many things one person may follow.
pub const MAX_FOLLOWS: usize = 100;

/// One thing followed, parsed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Follow {
    Area(ServiceArea),
    Council(OrgId),
    Tag(String),
}

/// Why a follow was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FollowError {
    #[error("unknown kind")]
    Kind,
    #[error("missing value")]
    Missing,
    #[error("unknown value")]
    Unknown,
    #[error("tag too long")]
    TooLong,
}

impl FollowError {
    /// A key the web layer turns into a message.
    pub fn key(self) -> &'static str {
        match self {
            FollowError::Kind => "kind",
            FollowError::Missing => "missing",
            FollowError::Unknown => "unknown",
            FollowError::TooLong => "too_long",
        }
    }
}

/// A tag as stored: trimmed, lower case, inner runs of white space made one
/// space.
pub fn normalise_tag(raw: &str) -> String {
    raw.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Follow {
    /// Parse a kind and a value from a form. A council must be given by id;
    /// whether it exists is for the caller to check.
    pub fn parse(kind: &str, value: &str) -> Result<Self, FollowError> {
        let kind: FollowKind = kind.parse().map_err(|_| FollowError::Kind)?;
        let value = value.trim();
        if value.is_empty() {
            return Err(FollowError::Missing);
        }
        match kind {
            FollowKind::Area => value
                .parse::<ServiceArea>()
                .map(Follow::Area)
                .map_err(|_| FollowError::Unknown),
            FollowKind::Council => Uuid::parse_str(value)
                .map(|u| Follow::Council(OrgId::from_uuid(u)))
                .map_err(|_| FollowError::Unknown),
            FollowKind::Tag => {
                let tag = normalise_tag(value);
                if tag.chars().count() > MAX_TAG {
                    Err(FollowError::TooLong)
                } else if tag.chars().any(char::is_control) {
                    Err(FollowError::Unknown)
                } else {
                    Ok(Follow::Tag(tag))
                }
            }
        }
    }

    pub fn kind(&self) -> FollowKind {
        match self {
            Follow::Area(_) => FollowKind::Area,
            Follow::Council(_) => FollowKind::Council,
            Follow::Tag(_) => FollowKind::Tag,
        }
    }

    /// The value as stored beside the kind.
    pub fn value(&self) -> String {
        match self {
            Follow::Area(a) => a.key().to_owned(),
            Follow::Council(o) => o.uuid().to_string(),
            Follow::Tag(t) => t.clone(),
        }
    }

    /// Whether a publication with these facts is news for this follow.
    pub fn matches(&self, publication: &Facts<'_>) -> bool {
        match self {
            Follow::Area(a) => publication.service_area == a.key(),
            // An anonymised publication has no council, so it matches none.
            Follow::Council(o) => publication.council == Some(*o),
            Follow::Tag(t) => publication.tags.iter().any(|x| normalise_tag(x) == *t),
        }
    }
}

/// What a digest needs to know of a publication.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    pub service_area: &'a str,
    /// `None` for an anonymised or remote publication.
    pub council: Option<OrgId>,
    pub tags: Vec<&'a str>,
}

/// Whether a publication belongs in the digest of someone following
/// `follows`. (Whether they may read it at all is `readable_by`'s question,
/// asked before.)
pub fn wanted(follows: &[Follow], publication: &Facts<'_>) -> bool {
    follows.iter().any(|f| f.matches(publication))
}

/// The text an adopted idea starts from, drawn from the publication only
/// (never from the source council's own case), cut to the idea form's limits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdoptedText {
    pub title: String,
    pub problem: String,
    pub proposal: String,
    pub expected_benefit: String,
}

/// Cut `text` to at most `max` characters, on a word boundary where one is
/// near, marking the cut with an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    if let Some(space) = cut.rfind(char::is_whitespace)
        && space > cut.len() / 2
    {
        cut.truncate(space);
    }
    format!("{}…", cut.trim_end())
}

/// The first non-empty of `candidates`.
fn first_of<'a>(candidates: &[&'a str]) -> &'a str {
    candidates
        .iter()
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .unwrap_or("")
}

/// The sections of a publication an adopted idea draws on.
#[derive(Clone, Debug, Default)]
pub struct Source<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub innovative: &'a str,
    pub context: &'a str,
    pub results: &'a str,
    pub conditions: &'a str,
}

impl AdoptedText {
    /// `max_title` and `max_long` are the idea form's limits.
    pub fn from_publication(source: &Source<'_>, max_title: usize, max_long: usize) -> Self {
        AdoptedText {
            title: clip(source.title, max_title),
            problem: clip(first_of(&[source.context, source.summary]), max_long),
            proposal: clip(
                first_of(&[source.summary, source.innovative, source.title]),
                max_long,
            ),
            expected_benefit: clip(first_of(&[source.results, source.conditions]), max_long),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn follows_parse_and_refuse() {
        assert_eq!(
            Follow::parse("area", "housing"),
            Ok(Follow::Area(ServiceArea::Housing))
        );
        assert_eq!(
            Follow::parse("tag", "  Digital   Inclusion "),
            Ok(Follow::Tag("digital inclusion".into()))
        );
        let id = Uuid::from_u128(7);
        assert_eq!(
            Follow::parse("council", &id.to_string()),
            Ok(Follow::Council(OrgId::from_uuid(id)))
        );
        assert_eq!(Follow::parse("person", "x"), Err(FollowError::Kind));
        assert_eq!(Follow::parse("area", "  "), Err(FollowError::Missing));
        assert_eq!(Follow::parse("area", "moon"), Err(FollowError::Unknown));
        assert_eq!(
            Follow::parse("council", "northmere"),
            Err(FollowError::Unknown)
        );
        assert_eq!(
            Follow::parse("tag", &"x".repeat(MAX_TAG + 1)),
            Err(FollowError::TooLong)
        );
        assert_eq!(Follow::parse("tag", "a\u{7}b"), Err(FollowError::Unknown));
    }

    #[test]
    fn an_anonymised_publication_matches_no_council() {
        let org = OrgId::from_uuid(Uuid::from_u128(1));
        let anonymous = Facts {
            service_area: "housing",
            council: None,
            tags: vec!["Repairs"],
        };
        assert!(!Follow::Council(org).matches(&anonymous));
        assert!(Follow::Area(ServiceArea::Housing).matches(&anonymous));
        assert!(Follow::Tag("repairs".into()).matches(&anonymous));
        let named = Facts {
            council: Some(org),
            ..anonymous.clone()
        };
        assert!(Follow::Council(org).matches(&named));
        assert!(!wanted(&[], &named));
        assert!(!wanted(&[Follow::Area(ServiceArea::Planning)], &named));
    }

    #[test]
    fn digests_fall_due_after_their_period() {
        let t = OffsetDateTime::UNIX_EPOCH;
        assert_eq!(Frequency::Daily.next_after(t), t + Duration::days(1));
        assert_eq!(Frequency::Weekly.next_after(t), t + Duration::days(7));
    }

    #[test]
    fn adopted_text_comes_from_the_sections_given() {
        let text = AdoptedText::from_publication(
            &Source {
                title: "Shared repairs",
                summary: "One team for two councils.",
                context: "",
                results: "Saved money.",
                ..Source::default()
            },
            150,
            2000,
        );
        assert_eq!(text.title, "Shared repairs");
        assert_eq!(text.problem, "One team for two councils.");
        assert_eq!(text.proposal, "One team for two councils.");
        assert_eq!(text.expected_benefit, "Saved money.");
    }

    proptest! {
        #[test]
        fn clipped_text_fits(s in "\\PC{0,400}", max in 2usize..200) {
            let c = clip(&s, max);
            prop_assert!(c.chars().count() <= max);
        }

        #[test]
        fn parsed_follows_round_trip(kind in 0usize..3, raw in "[a-z ]{1,60}") {
            let kind = FollowKind::ALL[kind];
            let value = match kind {
                FollowKind::Area => ServiceArea::ALL[raw.len() % ServiceArea::ALL.len()].key().to_owned(),
                FollowKind::Council => Uuid::from_u128(raw.len() as u128).to_string(),
                FollowKind::Tag => raw.clone(),
            };
            if let Ok(f) = Follow::parse(kind.key(), &value) {
                prop_assert_eq!(f.kind(), kind);
                prop_assert_eq!(Follow::parse(kind.key(), &f.value()), Ok(f));
            }
        }
    }
}
