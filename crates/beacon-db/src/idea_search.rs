//! Full-text search over ideas' titles and problems, one condition on
//! `ideas.id` for both backends (migration `m20261124_000041_idea_search`):
//! SQLite's FTS5 table `idea_search` with the Porter stemmer, PostgreSQL's
//! English `tsvector` through a GIN index. The condition only narrows ideas
//! by their words; the caller's query keeps the organisation and visibility
//! rules, so search can never widen what a visitor sees.
use crate::entity::idea;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, DbBackend};

/// The most words of one search that are looked up.
pub const MAX_WORDS: usize = 16;

/// The indexed text, exactly as the PostgreSQL index is built on it.
const POSTGRES_DOCUMENT: &str =
    r#"to_tsvector('english'::regconfig, "ideas"."title" || ' ' || "ideas"."problem")"#;

/// Whether an idea must hold every word or any one of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Words {
    All,
    Any,
}

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

/// The condition "this idea's title or problem holds the words" (stemmed:
/// "pothole" finds "potholes"), or `None` when there are no words.
pub fn matching(backend: DbBackend, words: &[String], how: Words) -> Option<SimpleExpr> {
    if words.is_empty() {
        return None;
    }
    Some(match backend {
        DbBackend::Sqlite => {
            // Each word quoted, so FTS5 reads it as a word, never an operator.
            let joiner = match how {
                Words::All => " ",
                Words::Any => " OR ",
            };
            let query = words
                .iter()
                .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(joiner);
            idea::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .expr(Expr::cust("idea_search_keys.idea_id"))
                    .from(sea_orm::sea_query::Alias::new("idea_search"))
                    .and_where(Expr::cust_with_values(
                        "idea_search MATCH ? AND idea_search_keys.n = idea_search.rowid",
                        [query],
                    ))
                    .from(sea_orm::sea_query::Alias::new("idea_search_keys"))
                    .to_owned(),
            )
        }
        _ => {
            // One plainto_tsquery a word: it accepts any text, and stems
            // and drops stop words as the index did.
            let joiner = match how {
                Words::All => " && ",
                Words::Any => " || ",
            };
            let query = (1..=words.len())
                .map(|i| format!("plainto_tsquery('english'::regconfig, ${i})"))
                .collect::<Vec<_>>()
                .join(joiner);
            Expr::cust_with_values(
                format!("{POSTGRES_DOCUMENT} @@ ({query})"),
                words.iter().cloned(),
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn sqlite_words_are_quoted_so_none_is_an_operator() {
        let expr = matching(DbBackend::Sqlite, &words("NEAR OR pothole"), Words::All);
        let sql = sea_orm::sea_query::Query::select()
            .expr(Expr::val(1))
            .and_where(expr.unwrap_or_else(|| Expr::val(false)))
            .to_owned()
            .to_string(sea_orm::sea_query::SqliteQueryBuilder);
        assert!(sql.contains(r#"'"near" "or" "pothole"'"#), "{sql}");
    }

    #[test]
    fn no_words_no_condition() {
        assert!(matching(DbBackend::Postgres, &[], Words::Any).is_none());
    }
}
