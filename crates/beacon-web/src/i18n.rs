//! English and Welsh. Strings live in `locales/en.toml` and `locales/cy.toml`,
//! and, for each pipeline feature, in `locales/{en,cy}/FEATURE.toml`; all are
//! compiled into the binary and merged. A test fails if either language lacks
//! a key the other has. Features add their strings to both languages.
use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    Cy,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Cy];

    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language's name in itself, as a language switcher shows it.
    pub const fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Cy => "Cymraeg",
        }
    }

    pub fn t(self, key: &str) -> &'static str {
        t(self, key)
    }
}

type Catalogue = HashMap<String, String>;

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

fn load(source: &str) -> Catalogue {
    let mut out = Catalogue::new();
    // The catalogues are compiled in and checked by tests, so a parse failure
    // is a build defect; an empty catalogue then shows keys, never a crash.
    if let Ok(table) = source.parse::<toml::Table>() {
        flatten("", &table, &mut out);
    }
    out
}

/// Every catalogue file of one language, in the order they are merged.
macro_rules! sources {
    ($lang:literal) => {
        [
            include_str!(concat!("../locales/", $lang, ".toml")),
            include_str!(concat!("../locales/", $lang, "/ideas.toml")),
            include_str!(concat!("../locales/", $lang, "/participation.toml")),
            include_str!(concat!("../locales/", $lang, "/appraisal.toml")),
            include_str!(concat!("../locales/", $lang, "/panel.toml")),
            include_str!(concat!("../locales/", $lang, "/delivery.toml")),
            include_str!(concat!("../locales/", $lang, "/ideation.toml")),
            include_str!(concat!("../locales/", $lang, "/portfolio.toml")),
            include_str!(concat!("../locales/", $lang, "/profiles.toml")),
            include_str!(concat!("../locales/", $lang, "/vacancies.toml")),
            include_str!(concat!("../locales/", $lang, "/pool.toml")),
            include_str!(concat!("../locales/", $lang, "/journey.toml")),
            include_str!(concat!("../locales/", $lang, "/workforce.toml")),
            include_str!(concat!("../locales/", $lang, "/exchange_cases.toml")),
            include_str!(concat!("../locales/", $lang, "/exchange_search.toml")),
            include_str!(concat!("../locales/", $lang, "/exchange_spread.toml")),
            include_str!(concat!("../locales/", $lang, "/exchange_visits.toml")),
            include_str!(concat!("../locales/", $lang, "/exchange_federation.toml")),
        ]
    };
}

const EN_SOURCES: [&str; 18] = sources!("en");
const CY_SOURCES: [&str; 18] = sources!("cy");

fn load_all(sources: &[&str]) -> Catalogue {
    let mut out = Catalogue::new();
    for source in sources {
        out.extend(load(source));
    }
    out
}

static CATALOGUES: LazyLock<[Catalogue; 2]> =
    LazyLock::new(|| [load_all(&EN_SOURCES), load_all(&CY_SOURCES)]);

fn catalogue(lang: Lang) -> &'static Catalogue {
    match lang {
        Lang::En => &CATALOGUES[0],
        Lang::Cy => &CATALOGUES[1],
    }
}

/// The text for `key`, falling back to English, then to the key itself.
pub fn t(lang: Lang, key: &str) -> &'static str {
    catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::En).get(key))
        .map(String::as_str)
        .unwrap_or_else(|| {
            tracing::warn!(key, "missing translation");
            ""
        })
}

/// The text for `key` if either catalogue has it, without logging a miss.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    catalogue(lang)
        .get(key)
        .or_else(|| catalogue(Lang::En).get(key))
        .map(String::as_str)
}

/// The text for `key` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn both_catalogues_parse_and_have_the_same_keys() {
        for (lang, sources) in [("en", EN_SOURCES), ("cy", CY_SOURCES)] {
            for (i, source) in sources.iter().enumerate() {
                assert!(
                    source.parse::<toml::Table>().is_ok(),
                    "catalogue {i} of {lang} does not parse"
                );
            }
        }
        let en: BTreeSet<_> = catalogue(Lang::En).keys().collect();
        let cy: BTreeSet<_> = catalogue(Lang::Cy).keys().collect();
        let only_en: Vec<_> = en.difference(&cy).collect();
        let only_cy: Vec<_> = cy.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in Welsh: {only_en:?}");
        assert!(only_cy.is_empty(), "missing in English: {only_cy:?}");
        assert!(en.len() > 50);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            tf(Lang::En, "sign_in.heading", &[]),
            t(Lang::En, "sign_in.heading")
        );
        assert!(tf(Lang::Cy, "footer.licence", &[]).len() > 5);
    }
}
