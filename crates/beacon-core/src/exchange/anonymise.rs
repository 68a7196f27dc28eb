//! The safe-space projection: what an anonymised case may say, built from the
//! moderated text only, never from the case's own fields (PROMISES.md 21).
//!
//! A council that wants to share a failure without its name writes the case
//! again, as it may be read by anyone: a title and the sections, in its own
//! words. A sector administrator approves that text. The publication is then
//! built from the approved text and the case's metadata (choices, year and
//! money, which name nobody), and from nothing else: not the case's title or
//! sections, not its tags or funder (free text that can name a place), not
//! its council, author or attachments.
use super::Section;
use super::cases::{Metadata, Problem, SECTION_MAX, Sections, TITLE_MAX, ValidCase, tidy};
use serde::Serialize;

/// The text an anonymised case is published with, as the council wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AnonymisedText {
    pub title: String,
    pub sections: Sections,
}

/// The sections anonymised text must have: enough to learn from a failure.
pub const ANONYMISED_SECTIONS: [Section; 3] =
    [Section::Summary, Section::Results, Section::Lessons];

/// Check anonymised text. `names` are the words it must not contain (the
/// council's name, its places): each is matched without regard to case.
pub fn parse_anonymised(
    title: &str,
    sections: [&str; 11],
    names: &[&str],
) -> Result<AnonymisedText, Vec<Problem>> {
    let mut problems = Vec::new();
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        problems.push(problem("title", "title_missing"));
    } else if title.chars().count() > TITLE_MAX {
        problems.push(problem("title", "title_too_long"));
    } else if names_in(&title, names) {
        problems.push(problem("title", "names_council"));
    }
    let mut out = Sections::default();
    for (section, raw) in Section::ALL.iter().zip(sections.iter()) {
        let text = tidy(raw);
        if text.chars().count() > SECTION_MAX {
            problems.push(problem(section.key(), "section_too_long"));
        } else if text.is_empty() && ANONYMISED_SECTIONS.contains(section) {
            problems.push(problem(section.key(), "section_missing"));
        } else if names_in(&text, names) {
            problems.push(problem(section.key(), "names_council"));
        }
        out.set(*section, text);
    }
    if problems.is_empty() {
        Ok(AnonymisedText {
            title,
            sections: out,
        })
    } else {
        Err(problems)
    }
}

fn problem(field: &str, key: &'static str) -> Problem {
    Problem {
        field: field.to_owned(),
        key,
    }
}

/// Whether `text` contains any of `names` (ignoring case); names shorter
/// than three characters are ignored, so initials cannot block every text.
pub fn names_in(text: &str, names: &[&str]) -> bool {
    let text = text.to_lowercase();
    names.iter().any(|n| {
        let n = n.trim().to_lowercase();
        n.chars().count() >= 3 && text.contains(&n)
    })
}

/// The words of a council's name that identify it (not "Council",
/// "Borough" and the like), for [`parse_anonymised`]'s `names`.
pub fn council_words(name: &str) -> Vec<String> {
    const GENERIC: &[&str] = &[
        "council",
        "borough",
        "county",
        "district",
        "city",
        "metropolitan",
        "royal",
        "the",
        "and",
        "of",
        "town",
        "unitary",
        "authority",
        "cyngor",
        "sir",
    ];
    let mut words = vec![name.trim().to_owned()];
    for w in name.split(|c: char| !c.is_alphanumeric() && c != '\'') {
        let lower = w.to_lowercase();
        if lower.chars().count() >= 3 && !GENERIC.contains(&lower.as_str()) {
            words.push(w.to_owned());
        }
    }
    words
}

/// What a publication says about a case. `council` is `None` for an
/// anonymised one, and then the text is the moderated text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Projection {
    pub council: Option<String>,
    pub anonymous: bool,
    pub title: String,
    pub sections: Sections,
    pub metadata: Metadata,
    pub funding: super::Funding,
    pub tags: Vec<String>,
}

/// The named projection: the case as its council wrote it, under its name.
pub fn named(case: &ValidCase, council: &str) -> Projection {
    Projection {
        council: Some(council.to_owned()),
        anonymous: false,
        title: case.title.clone(),
        sections: case.sections.clone(),
        metadata: case.metadata,
        funding: case.funding.clone(),
        tags: case.tags.clone(),
    }
}

/// The anonymised projection: the approved text and the metadata, and
/// nothing else. It takes no case, so it cannot copy the case's text.
pub fn anonymised(text: &AnonymisedText, metadata: &Metadata) -> Projection {
    Projection {
        council: None,
        anonymous: true,
        title: text.title.clone(),
        sections: text.sections.clone(),
        metadata: *metadata,
        // The funder and programme are free text that can name a place, and
        // an amount and date can find the grant in 360Giving data: none travel.
        funding: super::Funding {
            funder: String::new(),
            programme: String::new(),
            amount_pence: None,
            awarded_on: None,
        },
        tags: Vec::new(),
    }
}

impl Projection {
    /// Every piece of text the projection carries, for checks.
    pub fn texts(&self) -> Vec<&str> {
        let mut out = vec![self.title.as_str()];
        out.extend(self.sections.iter().map(|(_, t)| t));
        out.push(&self.funding.funder);
        out.push(&self.funding.programme);
        out.extend(self.tags.iter().map(String::as_str));
        if let Some(c) = &self.council {
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::exchange::cases::{CaseInput, parse_case};
    use proptest::prelude::*;

    fn sections_with(summary: &str, results: &str, lessons: &str) -> [String; 11] {
        let mut s: [String; 11] = Default::default();
        s[0] = summary.to_owned();
        s[5] = results.to_owned();
        s[9] = lessons.to_owned();
        s
    }

    fn refs(s: &[String; 11]) -> [&str; 11] {
        std::array::from_fn(|i| s[i].as_str())
    }

    #[test]
    fn anonymised_text_needs_the_lessons_and_may_not_name_the_council() {
        let ok = sections_with("A chatbot.", "Few used it.", "Ask residents first.");
        let text = parse_anonymised("A chatbot nobody used", refs(&ok), &["Northmere"]).unwrap();
        assert_eq!(text.sections.get(Section::Lessons), "Ask residents first.");

        let named = sections_with("NORTHMERE built a chatbot.", "Few used it.", "");
        let problems = parse_anonymised("", refs(&named), &["Northmere"]).unwrap_err();
        let got: Vec<_> = problems.iter().map(|p| (p.field.as_str(), p.key)).collect();
        assert_eq!(
            got,
            vec![
                ("title", "title_missing"),
                ("summary", "names_council"),
                ("lessons", "section_missing")
            ]
        );
        assert!(!names_in("an AI pilot", &["AI"]), "short names are ignored");
        assert_eq!(
            council_words("Aske Vale District Council"),
            vec!["Aske Vale District Council", "Aske", "Vale"]
        );
    }

    #[test]
    fn the_anonymised_projection_has_no_council_tags_or_funder() {
        let mut input = CaseInput {
            title: "Northmere's chatbot",
            service_area: "customer_services",
            facet: "adaptive",
            stage: "evaluating",
            year: "2024",
            outcome: "stopped",
            evidence: "2",
            funder: "Northmere Community Fund",
            funding_amount: Some(1_000_000),
            tags: "northmere, chatbot",
            ..CaseInput::default()
        };
        input.sections[0] = "Northmere built a chatbot.";
        let case = parse_case(&input, 2026).unwrap();
        let named = named(&case, "Northmere Council");
        assert_eq!(named.council.as_deref(), Some("Northmere Council"));
        let ok = sections_with("A chatbot.", "Few used it.", "Ask residents first.");
        let text = parse_anonymised("A chatbot nobody used", refs(&ok), &["Northmere"]).unwrap();
        let p = anonymised(&text, &case.metadata);
        assert!(p.anonymous && p.council.is_none() && p.tags.is_empty());
        assert_eq!(p.metadata, case.metadata);
        for t in p.texts() {
            assert!(!t.to_lowercase().contains("northmere"), "{t}");
        }
    }

    proptest! {
        /// No field of the case's own text ever appears in an anonymised
        /// projection built from different text: the case's words are drawn
        /// from letters, the anonymised text's from digits.
        #[test]
        fn an_anonymised_projection_never_carries_the_cases_text(
            own in proptest::collection::vec("[A-Z]{6,12}", 11),
            title in "[A-Z]{6,12}",
            tags in proptest::collection::vec("[A-Z]{3,8}", 0..5),
            funder in "[A-Z]{6,12}",
            anon in proptest::collection::vec("[0-9 .]{0,30}", 11),
            anon_title in "[0-9]{3,20}",
        ) {
            let tag_text = tags.join(",");
            let mut input = CaseInput {
                title: &title,
                service_area: "housing",
                facet: "adaptive",
                stage: "implementing",
                year: "2025",
                outcome: "partly",
                evidence: "2",
                funder: &funder,
                tags: &tag_text,
                ..CaseInput::default()
            };
            for (i, s) in own.iter().enumerate() {
                input.sections[i] = s;
            }
            let case = parse_case(&input, 2026).unwrap();
            let mut anon_sections: [String; 11] = Default::default();
            for (i, s) in anon.iter().enumerate() {
                anon_sections[i] = s.clone();
            }
            for i in [0, 5, 9] {
                if anon_sections[i].trim().is_empty() {
                    anon_sections[i] = "2024.".to_owned();
                }
            }
            let text = parse_anonymised(&anon_title, refs(&anon_sections), &[&title]).unwrap();
            let p = anonymised(&text, &case.metadata);
            let own_words: Vec<String> = own
                .iter()
                .cloned()
                .chain([title.clone(), funder.clone()])
                .chain(case.tags.iter().cloned())
                .collect();
            for t in p.texts() {
                for w in &own_words {
                    prop_assert!(!t.contains(w.as_str()), "{} leaked into {}", w, t);
                    prop_assert!(!t.to_lowercase().contains(&w.to_lowercase()), "{} leaked into {}", w, t);
                }
            }
            prop_assert!(p.council.is_none());
        }
    }
}
