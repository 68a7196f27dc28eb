//! What a case study must hold: its sections and metadata, parsed from a
//! form into a valid case, and what must be true before it is published.
//!
//! A case is saved as a draft once it has a title, a summary and its
//! metadata; publishing asks for more of the story (what was innovative, the
//! context, the results and the lessons), since a case without them teaches
//! the sector little.
use super::{Funding, LifecycleStage, Section};
use crate::pipeline::stages::ServiceArea;
use crate::pipeline::{EvidenceLevel, Facet, Outcome};
use serde::Serialize;

/// The longest title.
pub const TITLE_MAX: usize = 150;
/// The longest section.
pub const SECTION_MAX: usize = 10_000;
/// The longest funder or programme name.
pub const FUNDING_TEXT_MAX: usize = 200;
/// How many tags a case may carry.
pub const TAGS_MAX: usize = 10;
/// The shortest and longest tag.
pub const TAG_MIN: usize = 2;
pub const TAG_MAX: usize = 40;
/// The earliest year a case may be about.
pub const YEAR_MIN: i32 = 2000;

/// The sections a draft needs.
pub const DRAFT_SECTIONS: [Section; 1] = [Section::Summary];
/// The sections a published case needs.
pub const PUBLISH_SECTIONS: [Section; 5] = [
    Section::Summary,
    Section::Innovative,
    Section::Context,
    Section::Results,
    Section::Lessons,
];

/// The text of the eleven sections, in page order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sections([String; 11]);

impl Sections {
    fn index(section: Section) -> usize {
        Section::ALL
            .iter()
            .position(|s| *s == section)
            .unwrap_or_default()
    }

    pub fn get(&self, section: Section) -> &str {
        &self.0[Self::index(section)]
    }

    pub fn set(&mut self, section: Section, text: impl Into<String>) {
        self.0[Self::index(section)] = text.into();
    }

    /// Each section with its text, in page order.
    pub fn iter(&self) -> impl Iterator<Item = (Section, &str)> {
        Section::ALL
            .iter()
            .copied()
            .zip(self.0.iter().map(String::as_str))
    }
}

/// Money a case reports, in pence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CaseMoney {
    pub cashable: i64,
    pub non_cashable: i64,
    pub social_value: i64,
    pub cost: i64,
}

/// What describes a case without telling its story: the choices, the year,
/// the money. These travel with an anonymised case too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Metadata {
    pub service_area: ServiceArea,
    pub facet: Facet,
    pub stage: LifecycleStage,
    pub year: i32,
    pub outcome: Outcome,
    pub evidence: EvidenceLevel,
    pub money: CaseMoney,
}

/// A case as typed. Money and the award date have been read by the web
/// layer (which reports its own errors for them); the rest is text.
#[derive(Clone, Debug, Default)]
pub struct CaseInput<'a> {
    pub title: &'a str,
    /// The text of each section, in `Section::ALL` order.
    pub sections: [&'a str; 11],
    pub service_area: &'a str,
    pub facet: &'a str,
    pub stage: &'a str,
    pub year: &'a str,
    pub outcome: &'a str,
    pub evidence: &'a str,
    pub money: CaseMoney,
    pub funder: &'a str,
    pub programme: &'a str,
    pub funding_amount: Option<i64>,
    pub funding_awarded_on: Option<time::Date>,
    pub tags: &'a str,
}

/// A case that may be saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidCase {
    pub title: String,
    pub sections: Sections,
    pub metadata: Metadata,
    pub funding: Funding,
    pub tags: Vec<String>,
}

/// One problem with a case, by form field and a stable key for its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub key: &'static str,
}

impl Problem {
    fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
        }
    }
}

/// Collapse runs of spaces inside a line and trim the text, keeping
/// paragraphs (line breaks are normalised to `\n`).
pub fn tidy(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.trim().to_owned()
}

/// Tags as typed: separated by commas or lines, trimmed, lower case, inner
/// spaces collapsed, duplicates dropped. Letters, digits, spaces and hyphens
/// only; 2 to 40 characters each; at most ten.
pub fn parse_tags(raw: &str) -> Result<Vec<String>, &'static str> {
    let mut tags: Vec<String> = Vec::new();
    for piece in raw.split([',', '\n', ';']) {
        let tag = piece
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if tag.is_empty() {
            continue;
        }
        if !tag
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        {
            return Err("tag_characters");
        }
        let len = tag.chars().count();
        if !(TAG_MIN..=TAG_MAX).contains(&len) {
            return Err("tag_length");
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > TAGS_MAX {
        return Err("too_many_tags");
    }
    Ok(tags)
}

fn choice<T: std::str::FromStr>(raw: &str, field: &str, problems: &mut Vec<Problem>) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        problems.push(Problem::new(field, "choose"));
        return None;
    }
    match raw.parse::<T>() {
        Ok(v) => Some(v),
        Err(_) => {
            problems.push(Problem::new(field, "choose"));
            None
        }
    }
}

/// Check a case for saving; every problem is reported, in the order of the
/// form. `this_year` bounds the year (a case may be about next year's plan).
pub fn parse_case(input: &CaseInput<'_>, this_year: i32) -> Result<ValidCase, Vec<Problem>> {
    let mut problems = Vec::new();
    let title = input.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        problems.push(Problem::new("title", "title_missing"));
    } else if title.chars().count() > TITLE_MAX {
        problems.push(Problem::new("title", "title_too_long"));
    }
    let mut sections = Sections::default();
    for (section, raw) in Section::ALL.iter().zip(input.sections.iter()) {
        let text = tidy(raw);
        if text.chars().count() > SECTION_MAX {
            problems.push(Problem::new(section.key(), "section_too_long"));
        } else if text.is_empty() && DRAFT_SECTIONS.contains(section) {
            problems.push(Problem::new(section.key(), "section_missing"));
        }
        sections.set(*section, text);
    }
    let service_area = choice::<ServiceArea>(input.service_area, "service_area", &mut problems);
    let facet = choice::<Facet>(input.facet, "facet", &mut problems);
    let stage = choice::<LifecycleStage>(input.stage, "stage", &mut problems);
    let year = match input.year.trim().parse::<i32>() {
        Ok(y) if (YEAR_MIN..=this_year + 1).contains(&y) => Some(y),
        Ok(_) => {
            problems.push(Problem::new("year", "year_range"));
            None
        }
        Err(_) => {
            problems.push(Problem::new("year", "year_missing"));
            None
        }
    };
    let outcome = choice::<Outcome>(input.outcome, "outcome", &mut problems);
    let evidence = match input
        .evidence
        .trim()
        .parse::<u8>()
        .ok()
        .and_then(EvidenceLevel::new)
    {
        Some(e) => Some(e),
        None => {
            problems.push(Problem::new("evidence", "choose"));
            None
        }
    };
    let m = input.money;
    for (field, v) in [
        ("cashable", m.cashable),
        ("non_cashable", m.non_cashable),
        ("social_value", m.social_value),
        ("cost", m.cost),
    ] {
        if v < 0 {
            problems.push(Problem::new(field, "money_negative"));
        }
    }
    let funder = input
        .funder
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let programme = input
        .programme
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if funder.chars().count() > FUNDING_TEXT_MAX {
        problems.push(Problem::new("funder", "funding_text_too_long"));
    }
    if programme.chars().count() > FUNDING_TEXT_MAX {
        problems.push(Problem::new("funding_programme", "funding_text_too_long"));
    }
    if input.funding_amount.is_some_and(|a| a < 0) {
        problems.push(Problem::new("funding_amount", "money_negative"));
    }
    // An amount or a date without a funder names nobody (360Giving needs the
    // funding organisation).
    if funder.is_empty() && (input.funding_amount.is_some() || input.funding_awarded_on.is_some()) {
        problems.push(Problem::new("funder", "funder_missing"));
    }
    let tags = match parse_tags(input.tags) {
        Ok(t) => t,
        Err(key) => {
            problems.push(Problem::new("tags", key));
            Vec::new()
        }
    };
    match (service_area, facet, stage, year, outcome, evidence) {
        (
            Some(service_area),
            Some(facet),
            Some(stage),
            Some(year),
            Some(outcome),
            Some(evidence),
        ) if problems.is_empty() => Ok(ValidCase {
            title,
            sections,
            metadata: Metadata {
                service_area,
                facet,
                stage,
                year,
                outcome,
                evidence,
                money: m,
            },
            funding: Funding {
                funder,
                programme,
                amount_pence: input.funding_amount,
                awarded_on: input.funding_awarded_on,
            },
            tags,
        }),
        _ => Err(problems),
    }
}

/// What is missing before a case may be published: the sections the sector
/// needs to learn from it, by field.
pub fn publish_problems(sections: &Sections) -> Vec<Problem> {
    PUBLISH_SECTIONS
        .iter()
        .filter(|s| sections.get(**s).trim().is_empty())
        .map(|s| Problem::new(s.key(), "needed_to_publish"))
        .collect()
}

/// The largest attachment: 10 MB.
pub const ATTACHMENT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// The longest file name kept.
pub const FILE_NAME_MAX: usize = 100;

/// A file that may be attached to a case: its name made safe, and the type
/// decided by us (from the allow-list, checked against the bytes), never by
/// the browser.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidFile {
    pub file_name: String,
    pub content_type: &'static str,
}

/// The types a case may carry: extension, content type, and the bytes the
/// file must start with (`None` for text, which must be UTF-8 instead).
const ALLOWED: &[(&str, &str, Option<&[u8]>)] = &[
    ("pdf", "application/pdf", Some(b"%PDF-")),
    ("png", "image/png", Some(b"\x89PNG\r\n\x1a\n")),
    ("jpg", "image/jpeg", Some(b"\xff\xd8\xff")),
    ("jpeg", "image/jpeg", Some(b"\xff\xd8\xff")),
    ("gif", "image/gif", Some(b"GIF8")),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some(b"PK\x03\x04"),
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some(b"PK\x03\x04"),
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some(b"PK\x03\x04"),
    ),
    (
        "odt",
        "application/vnd.oasis.opendocument.text",
        Some(b"PK\x03\x04"),
    ),
    (
        "ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        Some(b"PK\x03\x04"),
    ),
    ("doc", "application/msword", Some(b"\xd0\xcf\x11\xe0")),
    ("xls", "application/vnd.ms-excel", Some(b"\xd0\xcf\x11\xe0")),
    ("csv", "text/csv", None),
    ("txt", "text/plain", None),
];

/// A file name made safe to store and to send back in a header: the last
/// path component, letters, digits, spaces, dots, hyphens and underscores
/// only, no leading dots, at most 100 characters (keeping the extension).
pub fn sanitise_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned.trim_start_matches(['.', ' ']).to_owned();
    if cleaned.chars().count() <= FILE_NAME_MAX {
        return cleaned;
    }
    match cleaned.rsplit_once('.') {
        Some((stem, ext)) if ext.chars().count() <= 5 => {
            let keep = FILE_NAME_MAX - ext.chars().count() - 1;
            format!("{}.{ext}", stem.chars().take(keep).collect::<String>())
        }
        _ => cleaned.chars().take(FILE_NAME_MAX).collect(),
    }
}

/// Check an uploaded file; the key names the problem.
pub fn check_attachment(raw_name: &str, bytes: &[u8]) -> Result<ValidFile, &'static str> {
    if bytes.is_empty() {
        return Err("file_empty");
    }
    if bytes.len() > ATTACHMENT_MAX_BYTES {
        return Err("file_too_large");
    }
    let file_name = sanitise_file_name(raw_name);
    let ext = file_name
        .rsplit_once('.')
        .map(|(stem, e)| (stem, e.to_lowercase()));
    let Some((stem, ext)) = ext.filter(|(stem, _)| !stem.is_empty()) else {
        return Err("file_type");
    };
    let _ = stem;
    let Some((_, content_type, magic)) = ALLOWED.iter().find(|(e, _, _)| *e == ext) else {
        return Err("file_type");
    };
    let fits = match magic {
        Some(m) => bytes.starts_with(m),
        None => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
    };
    if !fits {
        return Err("file_mismatch");
    }
    Ok(ValidFile {
        file_name,
        content_type,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use proptest::prelude::*;

    fn input() -> CaseInput<'static> {
        CaseInput {
            title: "  Assistive  technology first ",
            sections: [
                "Sensors before care packages.",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            service_area: "adult_social_care",
            facet: "enhancement_oriented",
            stage: "evaluating",
            year: "2025",
            outcome: "adopted",
            evidence: "3",
            money: CaseMoney {
                cashable: 12_000_000,
                ..CaseMoney::default()
            },
            tags: "Telecare, falls ,TELECARE",
            ..CaseInput::default()
        }
    }

    #[test]
    fn a_draft_needs_a_title_a_summary_and_its_metadata() {
        let case = parse_case(&input(), 2026).unwrap();
        assert_eq!(case.title, "Assistive technology first");
        assert_eq!(case.tags, vec!["telecare", "falls"]);
        assert_eq!(case.metadata.year, 2025);
        assert_eq!(case.metadata.evidence.get(), 3);

        let empty = CaseInput::default();
        let problems = parse_case(&empty, 2026).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "title",
                "summary",
                "service_area",
                "facet",
                "stage",
                "year",
                "outcome",
                "evidence"
            ]
        );
    }

    #[test]
    fn bad_values_are_refused_by_field() {
        let mut i = input();
        i.service_area = "social_care";
        i.year = "1999";
        i.evidence = "6";
        i.money.cost = -1;
        i.funding_amount = Some(500_000);
        let fields: Vec<_> = parse_case(&i, 2026)
            .unwrap_err()
            .into_iter()
            .map(|p| (p.field, p.key))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("service_area".to_owned(), "choose"),
                ("year".to_owned(), "year_range"),
                ("evidence".to_owned(), "choose"),
                ("cost".to_owned(), "money_negative"),
                ("funder".to_owned(), "funder_missing"),
            ]
        );
        let mut long = input();
        let title = "x".repeat(TITLE_MAX + 1);
        long.title = &title;
        assert_eq!(
            parse_case(&long, 2026).unwrap_err()[0].key,
            "title_too_long"
        );
    }

    #[test]
    fn tags_are_normalised_and_limited() {
        assert_eq!(
            parse_tags("  Digital   Inclusion,\nfalls;").unwrap(),
            vec!["digital inclusion", "falls"]
        );
        assert_eq!(parse_tags("").unwrap(), Vec::<String>::new());
        assert_eq!(parse_tags("<script>").unwrap_err(), "tag_characters");
        assert_eq!(parse_tags("a").unwrap_err(), "tag_length");
        let many = (0..11)
            .map(|i| format!("tag{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(parse_tags(&many).unwrap_err(), "too_many_tags");
    }

    #[test]
    fn publishing_needs_the_story() {
        let case = parse_case(&input(), 2026).unwrap();
        let missing: Vec<_> = publish_problems(&case.sections)
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(missing, vec!["innovative", "context", "results", "lessons"]);
        let mut full = case.sections.clone();
        for s in PUBLISH_SECTIONS {
            full.set(s, "Written.");
        }
        assert!(publish_problems(&full).is_empty());
    }

    #[test]
    fn only_allowed_files_whose_bytes_match_are_kept() {
        let pdf = b"%PDF-1.7 rest";
        let ok = check_attachment("C:\\Users\\me\\Evaluation report.PDF", pdf).unwrap();
        assert_eq!(ok.file_name, "Evaluation report.PDF");
        assert_eq!(ok.content_type, "application/pdf");
        assert_eq!(
            check_attachment("report.pdf", b"<html>"),
            Err("file_mismatch")
        );
        assert_eq!(check_attachment("page.html", b"<html>"), Err("file_type"));
        assert_eq!(check_attachment("noext", b"text"), Err("file_type"));
        assert_eq!(check_attachment(".pdf", pdf), Err("file_type"));
        assert_eq!(check_attachment("a.csv", b""), Err("file_empty"));
        assert_eq!(check_attachment("a.txt", b"ok\0"), Err("file_mismatch"));
        let big = vec![b'a'; ATTACHMENT_MAX_BYTES + 1];
        assert_eq!(check_attachment("a.txt", &big), Err("file_too_large"));
        assert_eq!(
            check_attachment("../../etc/\"x\";.csv", b"a,b")
                .unwrap()
                .file_name,
            "_x__.csv"
        );
    }

    proptest! {
        /// A kept file name never carries a path, a quote or a control
        /// character, and is never longer than the limit.
        #[test]
        fn file_names_are_safe(raw in "\\PC{0,300}") {
            let name = sanitise_file_name(&raw);
            prop_assert!(name.chars().count() <= FILE_NAME_MAX);
            prop_assert!(!name.contains(['/', '\\', '"', '\'', ';']));
            prop_assert!(!name.chars().any(char::is_control));
            prop_assert!(!name.starts_with('.'));
        }

        /// Whatever is typed as tags, what is kept is lower case, trimmed,
        /// unique and within the limits.
        #[test]
        fn kept_tags_are_always_tidy(raw in "[A-Za-z0-9 ,\\-]{0,200}") {
            if let Ok(tags) = parse_tags(&raw) {
                prop_assert!(tags.len() <= TAGS_MAX);
                for t in &tags {
                    prop_assert_eq!(t, &t.to_lowercase());
                    prop_assert_eq!(t.trim(), t.as_str());
                    prop_assert!((TAG_MIN..=TAG_MAX).contains(&t.chars().count()));
                    prop_assert_eq!(tags.iter().filter(|x| *x == t).count(), 1);
                }
            }
        }
    }
}
