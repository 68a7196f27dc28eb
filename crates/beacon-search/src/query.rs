//! What a search asks for and what it answers. Filter keys and values are
//! allow-listed here (PROMISES.md 10): a value that is not in the vocabulary
//! is refused before it reaches the index, and a council's name is matched
//! literally as one term, never parsed.
use crate::document::{Dimension, Kind};
use beacon_core::exchange::{LifecycleStage, Reader};
use beacon_core::pipeline::stages::ServiceArea;
use beacon_core::pipeline::{EvidenceLevel, Facet, Outcome};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The longest council name a filter accepts.
const MAX_COUNCIL: usize = 200;

/// Facet filters: within a dimension any value matches, across dimensions
/// all must.
pub type Filters = BTreeMap<Dimension, BTreeSet<String>>;

/// A search.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// The words typed; empty lists everything the reader may read, newest
    /// first.
    pub text: String,
    pub filters: Filters,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
}

/// One highlighted or plain stretch of a snippet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnippetPart {
    pub text: String,
    pub highlighted: bool,
}

/// One result.
#[derive(Clone, Debug)]
pub struct Hit {
    pub kind: Kind,
    pub id: Uuid,
    pub title: String,
    /// `None` for an anonymised case.
    pub council: Option<String>,
    pub service_area: String,
    pub facet: String,
    pub stage: String,
    pub outcome: String,
    pub evidence_level: i16,
    pub year: i32,
    pub snippet: Vec<SnippetPart>,
    pub score: f32,
}

/// How many results a facet value would give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
    pub selected: bool,
}

/// The answer to a search.
#[derive(Clone, Debug, Default)]
pub struct Found {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// Per dimension, each value's count under the other dimensions'
    /// filters (so ticking one more value of a dimension widens the search).
    pub facets: BTreeMap<Dimension, Vec<FacetCount>>,
    /// False when no case held every word, and the results are those
    /// holding any of them.
    pub all_words: bool,
}

/// The value of a filter if it is one the dimension allows, in its stored
/// form.
pub fn parse_filter(dimension: Dimension, value: &str) -> Option<String> {
    let value = value.trim();
    let known = match dimension {
        Dimension::Area => value.parse::<ServiceArea>().is_ok(),
        Dimension::Facet => value.parse::<Facet>().is_ok(),
        Dimension::Stage => value.parse::<LifecycleStage>().is_ok(),
        Dimension::Outcome => value.parse::<Outcome>().is_ok(),
        Dimension::Evidence => value
            .parse::<u8>()
            .ok()
            .and_then(EvidenceLevel::new)
            .is_some(),
        Dimension::Year => value.len() == 4 && value.parse::<u16>().is_ok_and(|y| y >= 1900),
        Dimension::Council => {
            !value.is_empty()
                && value.chars().count() <= MAX_COUNCIL
                && !value.chars().any(char::is_control)
        }
    };
    known.then(|| value.to_owned())
}

/// The council a reader acts for, if any.
pub fn reader_org(reader: &Reader) -> Option<Uuid> {
    reader.org().map(|o| o.uuid())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn filters_accept_only_their_vocabulary() {
        assert_eq!(
            parse_filter(Dimension::Area, "housing").as_deref(),
            Some("housing")
        );
        assert_eq!(parse_filter(Dimension::Area, "secret"), None);
        assert_eq!(parse_filter(Dimension::Evidence, "3").as_deref(), Some("3"));
        assert_eq!(parse_filter(Dimension::Evidence, "6"), None);
        assert_eq!(
            parse_filter(Dimension::Year, "2024").as_deref(),
            Some("2024")
        );
        assert_eq!(parse_filter(Dimension::Year, "24"), None);
        assert_eq!(
            parse_filter(Dimension::Stage, "implementing").as_deref(),
            Some("implementing")
        );
        assert_eq!(
            parse_filter(Dimension::Outcome, "stopped").as_deref(),
            Some("stopped")
        );
        assert_eq!(
            parse_filter(Dimension::Facet, "adaptive").as_deref(),
            Some("adaptive")
        );
        assert_eq!(parse_filter(Dimension::Council, ""), None);
        assert_eq!(parse_filter(Dimension::Council, "a\u{0}b"), None);
    }

    proptest! {
        /// Whatever arrives, parsing never panics, and what it accepts for a
        /// vocabulary dimension is one of that vocabulary's keys.
        #[test]
        fn any_text_is_refused_or_known(d in 0usize..7, s in "\\PC{0,40}") {
            let dimension = Dimension::ALL[d];
            if let Some(v) = parse_filter(dimension, &s) {
                match dimension {
                    Dimension::Area => prop_assert!(ServiceArea::ALL.iter().any(|a| a.key() == v)),
                    Dimension::Stage => prop_assert!(LifecycleStage::ALL.iter().any(|a| a.key() == v)),
                    Dimension::Evidence => prop_assert!(["1", "2", "3", "4", "5"].contains(&v.as_str())),
                    _ => prop_assert!(!v.is_empty()),
                }
            }
        }
    }
}
