//! Guidance inside the app (DESIGN.md §3.1; Sunningdale recommendation 3:
//! people need to understand what innovation is and how it is supported).
//! The words live in the locale files, under `ideation.guidance.<topic>`, so
//! each page exists in English and Welsh with the same sections; this module
//! says which topics there are and in what order their sections come. A
//! section's paragraphs (`p1`, `p2`…) and list items (`li1`…) are read in
//! order until the next number is missing.
use crate::error::AppError;
use crate::forms::NoticeQuery;
use crate::i18n::{Lang, lookup};
use crate::public::{here, page};
use crate::shell::Shell;
use crate::visitor::{Tenant, Visitor};
use askama::Template;
use axum::extract::{OriginalUri, Path, Query};
use axum::response::Response;

/// One guidance page: its address and the sections it has, in order.
pub struct Topic {
    pub slug: &'static str,
    /// Its key under `ideation.guidance`.
    pub key: &'static str,
    pub sections: &'static [&'static str],
}

pub const TOPICS: &[Topic] = &[
    Topic {
        slug: "kinds-of-innovation",
        key: "kinds",
        sections: &["incremental", "radical", "balance", "choosing"],
    },
    Topic {
        slug: "innovation-types",
        key: "facets",
        sections: &[
            "intro",
            "enhancement_oriented",
            "mission_oriented",
            "adaptive",
            "anticipatory",
        ],
    },
    Topic {
        slug: "levers",
        key: "levers",
        sections: &[
            "intro",
            "new_insight",
            "new_customers",
            "new_suppliers",
            "new_resources",
        ],
    },
    Topic {
        slug: "stages",
        key: "stages",
        // Each stage's section takes the stage's key as its id, so other
        // pages can link to `/guidance/stages#pilot`.
        sections: &[
            "intro",
            "submitted",
            "screened",
            "business_case",
            "decision",
            "pilot",
            "evaluation",
            "adopted",
            "stopped",
        ],
    },
    Topic {
        slug: "business-case",
        key: "business_case",
        sections: &[
            "why",
            "options",
            "lines",
            "discounting",
            "optimism",
            "results",
            "risks",
            "funding",
        ],
    },
    Topic {
        slug: "possibility-thinking",
        key: "sessions",
        sections: &["what", "before", "during", "after", "cultural"],
    },
    Topic {
        slug: "evidence",
        key: "evidence",
        sections: &["intro", "levels", "using"],
    },
];

pub fn find(slug: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.slug == slug)
}

struct Section {
    id: &'static str,
    heading: Option<&'static str>,
    paragraphs: Vec<&'static str>,
    items: Vec<&'static str>,
}

fn numbered(lang: Lang, prefix: &str, stem: &str) -> Vec<&'static str> {
    (1..)
        .map_while(|n| lookup(lang, &format!("{prefix}.{stem}{n}")))
        .collect()
}

fn sections(lang: Lang, topic: &Topic) -> Vec<Section> {
    topic
        .sections
        .iter()
        .map(|id| {
            let prefix = format!("ideation.guidance.{}.{id}", topic.key);
            Section {
                id,
                heading: lookup(lang, &format!("{prefix}.heading")),
                paragraphs: numbered(lang, &prefix, "p"),
                items: numbered(lang, &prefix, "li"),
            }
        })
        .collect()
}

struct TopicLink {
    href: String,
    title: &'static str,
    summary: &'static str,
}

fn link(lang: Lang, topic: &Topic) -> TopicLink {
    let prefix = format!("ideation.guidance.{}", topic.key);
    TopicLink {
        href: format!("/guidance/{}", topic.slug),
        title: lang.t(&format!("{prefix}.title")),
        summary: lang.t(&format!("{prefix}.summary")),
    }
}

#[derive(Template)]
#[template(path = "ideation/guidance_index.html")]
struct IndexPage {
    shell: Shell,
    topics: Vec<TopicLink>,
}

pub async fn index(
    visitor: Visitor,
    _tenant: Tenant,
    uri: OriginalUri,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = (q.lang, q.notice);
    let lang = visitor.lang;
    let shell = Shell::new(&visitor, &here(&uri), lang.t("ideation.guidance.title"));
    page(&IndexPage {
        shell,
        topics: TOPICS.iter().map(|t| link(lang, t)).collect(),
    })
}

#[derive(Template)]
#[template(path = "ideation/guidance_topic.html")]
struct TopicPage {
    shell: Shell,
    summary: &'static str,
    sections: Vec<Section>,
    others: Vec<TopicLink>,
}

pub async fn topic(
    visitor: Visitor,
    _tenant: Tenant,
    uri: OriginalUri,
    Path(slug): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, AppError> {
    let _ = (q.lang, q.notice);
    let topic = find(&slug).ok_or(AppError::NotFound)?;
    let lang = visitor.lang;
    let this = link(lang, topic);
    let shell = Shell::new(&visitor, &here(&uri), this.title)
        .crumb(lang.t("ideation.guidance.title"), "/guidance");
    page(&TopicPage {
        shell,
        summary: this.summary,
        sections: sections(lang, topic),
        others: TOPICS
            .iter()
            .filter(|t| t.slug != topic.slug)
            .map(|t| link(lang, t))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_has_its_words_in_both_languages() {
        for lang in Lang::ALL {
            for topic in TOPICS {
                let prefix = format!("ideation.guidance.{}", topic.key);
                for part in ["title", "summary"] {
                    assert!(
                        lookup(lang, &format!("{prefix}.{part}")).is_some(),
                        "{prefix}.{part} in {lang:?}"
                    );
                }
                for section in sections(lang, topic) {
                    assert!(
                        !section.paragraphs.is_empty() || !section.items.is_empty(),
                        "{prefix}.{} has no words in {lang:?}",
                        section.id
                    );
                }
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_paragraphs() {
        for topic in TOPICS {
            let en = sections(Lang::En, topic);
            let cy = sections(Lang::Cy, topic);
            for (e, c) in en.iter().zip(&cy) {
                assert_eq!(
                    e.paragraphs.len(),
                    c.paragraphs.len(),
                    "{}.{}",
                    topic.key,
                    e.id
                );
                assert_eq!(e.items.len(), c.items.len(), "{}.{}", topic.key, e.id);
                assert_eq!(e.heading.is_some(), c.heading.is_some());
            }
        }
    }

    #[test]
    fn slugs_are_unique_and_unknown_ones_are_not_found() {
        for (i, a) in TOPICS.iter().enumerate() {
            assert!(TOPICS[i + 1..].iter().all(|b| b.slug != a.slug));
            assert_eq!(find(a.slug).map(|t| t.key), Some(a.key));
        }
        assert!(find("../admin").is_none());
        assert!(find("").is_none());
    }
}
