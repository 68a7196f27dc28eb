//! Organisations: councils and the partner bodies they work with.
use crate::text::{BoundedText, TextError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Council,
    /// A partner body: another public body, a supplier or a charity.
    Partner,
}

impl OrgKind {
    pub const ALL: [OrgKind; 2] = [OrgKind::Council, OrgKind::Partner];
    pub const fn key(self) -> &'static str {
        match self {
            OrgKind::Council => "council",
            OrgKind::Partner => "partner",
        }
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for OrgKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        OrgKind::ALL.into_iter().find(|k| k.key() == s).ok_or(())
    }
}

pub type OrgName = BoundedText<120>;
pub type PartnershipName = BoundedText<120>;

/// The short name used in addresses and exports: lower-case letters, digits and
/// single hyphens, 2–40 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Slug(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("missing")]
    Missing,
    #[error("invalid")]
    Invalid,
}

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(SlugError::Missing);
        }
        let well_formed = (2..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-')
            && !s.contains("--");
        if well_formed {
            Ok(Self(s.to_owned()))
        } else {
            Err(SlugError::Invalid)
        }
    }

    /// A slug suggested from a name, for forms that leave it blank.
    pub fn from_name(name: &str) -> Result<Self, SlugError> {
        let mut out = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed: String = out.trim_end_matches('-').chars().take(40).collect();
        Self::parse(trimmed.trim_end_matches('-'))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keep `TextError` reachable from here for forms that validate names.
pub type NameError = TextError;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs() {
        assert!(Slug::parse("north-mere").is_ok());
        assert_eq!(Slug::parse(""), Err(SlugError::Missing));
        for bad in ["A", "a", "north--mere", "-x", "x-", "north mere", "café"] {
            assert_eq!(Slug::parse(bad), Err(SlugError::Invalid), "{bad}");
        }
        assert_eq!(
            Slug::from_name("Borough of Northmere & Vale").map(|s| s.as_str().to_owned()),
            Ok("borough-of-northmere-vale".to_owned())
        );
    }

    proptest! {
        #[test]
        fn a_suggested_slug_is_always_valid(name in "\\PC{0,80}") {
            if let Ok(slug) = Slug::from_name(&name) {
                prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
            }
        }
    }
}
