//! Similar ideas, so people build on what exists and duplicates can be merged
//! (DESIGN.md §3.1: "while typing, show similar ideas").
//!
//! Each text becomes two bags of features: its words (lower-cased, common
//! words left out, plurals and "-ing"/"-ed" endings trimmed) and the
//! three-letter pieces of those words, which forgive typos and other word
//! forms ("recycle", "recycling"). Features are weighted by TF-IDF over the
//! texts being compared, so a word every idea uses ("council") counts for
//! little and a rare one ("pothole") for a lot; the score is a weighted sum
//! of the cosine similarities of the two bags, between 0 and 1. A
//! candidate's title counts twice, because titles say what an idea is about.
use std::collections::HashMap;

/// One text to compare against: an idea's title and body (its problem).
#[derive(Clone, Copy, Debug)]
pub struct Document<'a, Id> {
    pub id: Id,
    pub title: &'a str,
    pub body: &'a str,
}

/// A candidate that resembles the query, and how much (0 to 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Match<Id> {
    pub id: Id,
    pub score: f64,
}

/// Below this, two texts merely share a common word or two.
pub const MIN_SCORE: f64 = 0.12;

const WORD_WEIGHT: f64 = 0.6;
const TRIGRAM_WEIGHT: f64 = 0.4;

/// Words that say nothing about what an idea is, in English and Welsh.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "being", "but", "by", "can", "could", "do", "does", "each", "for", "from", "get",
    "had", "has", "have", "how", "if", "in", "into", "is", "it", "its", "let", "like", "make",
    "many", "may", "might", "more", "most", "much", "must", "new", "no", "not", "of", "on", "one",
    "only", "or", "other", "our", "out", "over", "per", "should", "so", "some", "such", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "too", "up", "us", "use", "using", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "why", "will", "with", "would", "you", "your", // Welsh
    "ac", "ag", "am", "ar", "bod", "eu", "ei", "ein", "fel", "gan", "gyda", "hefyd", "i", "mae",
    "neu", "nid", "o", "pan", "sydd", "wedi", "y", "yn", "yr",
];

fn stem(word: &str) -> String {
    let n = word.chars().count();
    let strip = |suffix: &str| word[..word.len() - suffix.len()].to_owned();
    if n > 4 && word.ends_with("ies") {
        return strip("ies") + "y";
    }
    if n > 5 && word.ends_with("ing") {
        return strip("ing");
    }
    if n > 4 && word.ends_with("ed") && !word.ends_with("eed") {
        return strip("ed");
    }
    if n > 4
        && ["ses", "xes", "ches", "shes"]
            .iter()
            .any(|s| word.ends_with(s))
    {
        return strip("es");
    }
    if n > 3 && word.ends_with('s') && !word.ends_with("ss") && !word.ends_with("us") {
        return strip("s");
    }
    word.to_owned()
}

/// The words of a text that carry meaning, normalised.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

fn trigrams(words: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for w in words {
        let padded: Vec<char> = format!(" {w} ").chars().collect();
        for window in padded.windows(3) {
            out.push(window.iter().collect());
        }
    }
    out
}

/// A text's features with their counts.
struct Bags {
    words: HashMap<String, f64>,
    trigrams: HashMap<String, f64>,
}

impl Bags {
    fn new(title: &str, body: &str, title_weight: f64) -> Self {
        let mut bags = Bags {
            words: HashMap::new(),
            trigrams: HashMap::new(),
        };
        for (text, weight) in [(title, title_weight), (body, 1.0)] {
            let ws = words(text);
            for t in trigrams(&ws) {
                *bags.trigrams.entry(t).or_default() += weight;
            }
            for w in ws {
                *bags.words.entry(w).or_default() += weight;
            }
        }
        bags
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Inverse document frequencies over a set of bags.
fn idf<'a>(
    bags: impl Iterator<Item = &'a HashMap<String, f64>>,
    n: usize,
) -> HashMap<&'a str, f64> {
    let mut df: HashMap<&str, usize> = HashMap::new();
    for bag in bags {
        for key in bag.keys() {
            *df.entry(key.as_str()).or_default() += 1;
        }
    }
    let n = n as f64;
    df.into_iter()
        .map(|(k, d)| (k, ((1.0 + n) / (1.0 + d as f64)).ln() + 1.0))
        .collect()
}

fn weighted(bag: &HashMap<String, f64>, idf: &HashMap<&str, f64>) -> HashMap<String, f64> {
    bag.iter()
        .map(|(k, tf)| {
            (
                k.clone(),
                (1.0 + tf.ln()) * idf.get(k.as_str()).copied().unwrap_or(1.0),
            )
        })
        .collect()
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let dot: f64 = small
        .iter()
        .filter_map(|(k, x)| large.get(k).map(|y| x * y))
        .sum();
    let norm = |v: &HashMap<String, f64>| v.values().map(|x| x * x).sum::<f64>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 {
        0.0
    } else {
        (dot / denominator).clamp(0.0, 1.0)
    }
}

/// The candidates that resemble `query_title` and `query_body`, best first,
/// at most `limit`, each scoring at least [`MIN_SCORE`]. Candidates that
/// score the same keep their order.
pub fn rank<Id: Clone>(
    query_title: &str,
    query_body: &str,
    candidates: &[Document<'_, Id>],
    limit: usize,
) -> Vec<Match<Id>> {
    let query = Bags::new(query_title, query_body, 1.0);
    if query.is_empty() || limit == 0 {
        return Vec::new();
    }
    let bags: Vec<Bags> = candidates
        .iter()
        .map(|c| Bags::new(c.title, c.body, 2.0))
        .collect();
    let n = bags.len() + 1;
    let word_idf = idf(bags.iter().map(|b| &b.words).chain([&query.words]), n);
    let trigram_idf = idf(bags.iter().map(|b| &b.trigrams).chain([&query.trigrams]), n);
    let q_words = weighted(&query.words, &word_idf);
    let q_trigrams = weighted(&query.trigrams, &trigram_idf);
    let mut matches: Vec<(usize, f64)> = bags
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let score = WORD_WEIGHT * cosine(&q_words, &weighted(&b.words, &word_idf))
                + TRIGRAM_WEIGHT * cosine(&q_trigrams, &weighted(&b.trigrams, &trigram_idf));
            (i, score.clamp(0.0, 1.0))
        })
        .filter(|(_, s)| *s >= MIN_SCORE)
        .collect();
    matches.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    matches
        .into_iter()
        .take(limit)
        .map(|(i, score)| Match {
            id: candidates[i].id.clone(),
            score,
        })
        .collect()
}

/// The longest distinct words of a text, for a database to narrow the
/// candidates before they are ranked here.
pub fn key_words(text: &str, how_many: usize) -> Vec<String> {
    let mut ws: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !STOP_WORDS.contains(&w.as_str()))
        .map(|w| {
            // The stem without its last letter still matches every form:
            // "recyc" finds recycle, recycling and recycled.
            let s = stem(&w);
            let keep = s.chars().count().saturating_sub(1).max(3);
            s.chars().take(keep).collect()
        })
        .collect();
    ws.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    ws.dedup();
    ws.truncate(how_many);
    ws
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn docs() -> Vec<Document<'static, u32>> {
        vec![
            Document {
                id: 1,
                title: "Report potholes with a photo from your phone",
                body: "Residents phone the contact centre to report potholes and we cannot \
                       see how bad they are before sending an inspector.",
            },
            Document {
                id: 2,
                title: "Open libraries on Sunday with self-service",
                body: "Families cannot visit the library at the weekend.",
            },
            Document {
                id: 3,
                title: "Food waste caddies for flats",
                body: "Flats have no food waste collection so recycling rates are low.",
            },
            Document {
                id: 4,
                title: "Council staff car sharing",
                body: "Council staff drive alone to the council offices.",
            },
        ]
    }

    #[test]
    fn finds_the_idea_about_the_same_thing() {
        let found = rank(
            "Pothole reporting app",
            "People should report a pothole with photos",
            &docs(),
            5,
        );
        assert_eq!(found.first().map(|m| m.id), Some(1), "{found:?}");
        assert!(found.iter().all(|m| m.id != 2));
    }

    #[test]
    fn word_forms_and_typos_still_match() {
        let found = rank("Recycled food wastes in flat blocks", "", &docs(), 5);
        assert_eq!(found.first().map(|m| m.id), Some(3), "{found:?}");
        let typo = rank("libary opening on sundays", "", &docs(), 5);
        assert_eq!(typo.first().map(|m| m.id), Some(2), "{typo:?}");
    }

    #[test]
    fn common_words_alone_are_not_similarity() {
        let found = rank(
            "The council should",
            "we could do this for the council",
            &docs(),
            5,
        );
        assert!(
            found.iter().all(|m| m.id != 1 && m.id != 2 && m.id != 3),
            "{found:?}"
        );
        assert!(rank("", "", &docs(), 5).is_empty());
        assert!(rank("the and of", "", &docs(), 5).is_empty());
        assert!(rank("pothole", "", &docs(), 0).is_empty());
    }

    #[test]
    fn the_same_text_scores_highest() {
        let d = docs();
        let found = rank(d[2].title, d[2].body, &d, 5);
        assert_eq!(found[0].id, 3);
        assert!(found[0].score > 0.9, "{found:?}");
    }

    #[test]
    fn stems_and_key_words() {
        assert_eq!(
            words("Potholes, reporting & libraries!"),
            ["pothole", "report", "library"]
        );
        assert_eq!(
            words("buses boxes grass status"),
            ["bus", "box", "grass", "status"]
        );
        assert_eq!(
            key_words("The recycling of food waste", 2),
            ["recyc", "wast"]
        );
        assert_eq!(key_words("a an the", 3), Vec::<String>::new());
    }

    proptest! {
        #[test]
        fn scores_are_bounded_sorted_and_limited(
            query in "\\PC{0,80}",
            texts in proptest::collection::vec(("\\PC{0,40}", "\\PC{0,120}"), 0..12),
            limit in 0usize..6,
        ) {
            let candidates: Vec<Document<'_, usize>> = texts
                .iter()
                .enumerate()
                .map(|(i, (t, b))| Document { id: i, title: t, body: b })
                .collect();
            let found = rank(&query, "", &candidates, limit);
            prop_assert!(found.len() <= limit);
            for m in &found {
                prop_assert!((MIN_SCORE..=1.0).contains(&m.score));
            }
            for pair in found.windows(2) {
                prop_assert!(pair[0].score >= pair[1].score);
            }
        }

        #[test]
        fn a_text_always_finds_itself(title in "[a-z]{5,10}( [a-z]{5,10}){1,5}") {
            let candidates = [
                Document { id: 0, title: "Open libraries on Sunday", body: "" },
                Document { id: 1, title: title.as_str(), body: "" },
            ];
            let found = rank(&title, "", &candidates, 2);
            prop_assert!(found.iter().any(|m| m.id == 1));
        }
    }
}
