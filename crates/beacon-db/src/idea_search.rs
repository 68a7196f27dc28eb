//! Full-text search over ideas' titles and problems for both backends
//! (migration `m20261124_000041_idea_search`): SQLite's FTS5 table
//! `idea_search` with the Porter stemmer, PostgreSQL's English `tsvector`
//! through a GIN index. [`narrow`] only narrows a query of ideas by their
//! words; the caller's query keeps the organisation and visibility rules, so
//! search can never widen what a visitor sees.
use crate::entity::idea;
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{DbBackend, QueryFilter, QuerySelect, Select};

/// The most words of one search that are looked up.
pub const MAX_WORDS: usize = 16;

/// The indexed text, exactly as the PostgreSQL index is built on it.
const POSTGRES_DOCUMENT: &str =
    r#"to_tsvector('english'::regconfig, "ideas"."title" || ' ' || "ideas"."problem")"#;

/// The words of what someone typed: runs of letters and digits, lower-cased,
/// without repeats, at most `MAX_WORDS`. Everything else (quotes, operators,
/// `%`) separates words, so nothing typed is read as query syntax.
pub fn words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        if !found.contains(&word) {
            found.push(word);
        }
        if found.len() == MAX_WORDS {
            break;
        }
    }
    found
}

/// `ideas` narrowed to the ideas whose title or problem holds every one of
/// `words` (stemmed: "pothole" finds "potholes"), or `None` when there are
/// no words.
pub fn narrow(
    ideas: Select<idea::Entity>,
    backend: DbBackend,
    words: &[String],
) -> Option<Select<idea::Entity>> {
    if words.is_empty() {
        return None;
    }
    Some(match backend {
        DbBackend::Sqlite => from_matches(ideas, words),
        _ => {
            // One plainto_tsquery a word: it accepts any text, and stems
            // and drops stop words as the index did.
            let query = (1..=words.len())
                .map(|i| format!("plainto_tsquery('english'::regconfig, ${i})"))
                .collect::<Vec<_>>()
                .join(" && ");
            ideas.filter(Expr::cust_with_values(
                format!("{POSTGRES_DOCUMENT} @@ ({query})"),
                words.iter().cloned(),
            ))
        }
    })
}

/// On SQLite the query is read from the full-text matches outwards: FTS5,
/// then each match's key, then its idea by id, where the caller's conditions
/// apply. `CROSS JOIN` holds SQLite's planner to that order. Left to itself,
/// it reads every idea of the organisation through the index on the
/// visibility columns (which it takes to be selective) and tests each
/// against the matches: 200–350 ms at 100,000 ideas for a word only three
/// ideas hold, against under a millisecond this way.
fn from_matches(mut ideas: Select<idea::Entity>, words: &[String]) -> Select<idea::Entity> {
    // Each word quoted, so FTS5 reads it as a word, never an operator.
    let query = words
        .iter()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ");
    QuerySelect::query(&mut ideas)
        .from_clear()
        .from(Alias::new("idea_search"))
        .cross_join(Alias::new("idea_search_keys"))
        .cross_join(idea::Entity)
        .and_where(Expr::cust_with_values("idea_search MATCH ?", [query]))
        .and_where(Expr::cust(
            r#"idea_search_keys.n = idea_search.rowid AND "ideas"."id" = idea_search_keys.idea_id"#,
        ));
    ideas
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{EntityTrait, QueryTrait};

    #[test]
    fn words_are_letters_and_digits_only() {
        assert_eq!(
            words("Potholes on the A38, \"again\" -- 50% worse!"),
            ["potholes", "on", "the", "a38", "again", "50", "worse"]
        );
        assert!(words("% _ \\ * \" OR").len() == 1, "only OR is a word");
        assert!(words("%").is_empty());
        assert_eq!(words("Ffordd ffordd FFORDD"), ["ffordd"]);
        assert_eq!(words(&"a ".repeat(100)).len(), 1);
        let many: String = (0..40).map(|i| format!("w{i} ")).collect();
        assert_eq!(words(&many).len(), MAX_WORDS);
    }

    fn sqlite_sql(text: &str) -> String {
        narrow(idea::Entity::find(), DbBackend::Sqlite, &words(text))
            .map(|q| q.build(DbBackend::Sqlite).to_string())
            .unwrap_or_default()
    }

    #[test]
    fn sqlite_words_are_quoted_so_none_is_an_operator() {
        let sql = sqlite_sql("NEAR OR pothole");
        assert!(sql.contains(r#"'"near" "or" "pothole"'"#), "{sql}");
    }

    #[test]
    fn sqlite_reads_from_the_matches_outwards() {
        let sql = sqlite_sql("pothole");
        assert!(
            sql.contains(r#"FROM "idea_search" CROSS JOIN "idea_search_keys" CROSS JOIN "ideas""#),
            "{sql}"
        );
    }

    #[test]
    fn no_words_no_narrowing() {
        assert!(narrow(idea::Entity::find(), DbBackend::Postgres, &[]).is_none());
    }
}
