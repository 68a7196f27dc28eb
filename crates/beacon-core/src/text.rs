//! Short pieces of user text that must be present and not too long.
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("missing")]
    Missing,
    #[error("too long")]
    TooLong { max: usize },
}

/// Trimmed, non-empty text of at most `MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct BoundedText<const MAX: usize>(String);

impl<const MAX: usize> BoundedText<MAX> {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(TextError::Missing);
        }
        if trimmed.chars().count() > MAX {
            return Err(TextError::TooLong { max: MAX });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A person's name as they want it shown.
pub type DisplayName = BoundedText<100>;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_and_refuses_blank() {
        assert_eq!(
            DisplayName::parse("  Ada  ").map(|n| n.into_string()),
            Ok("Ada".into())
        );
        assert_eq!(DisplayName::parse(" \t\n"), Err(TextError::Missing));
    }

    proptest! {
        #[test]
        fn never_longer_than_its_bound(s in "\\PC{0,150}") {
            if let Ok(t) = BoundedText::<20>::parse(&s) {
                prop_assert!(t.as_str().chars().count() <= 20);
                prop_assert_eq!(t.as_str(), s.trim());
            }
        }
    }
}
