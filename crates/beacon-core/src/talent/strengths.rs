//! The strengths framework and the self-assessment.
//!
//! Each organisation keeps its own framework, which HR may edit. A new
//! organisation starts from the 36 strengths named in the Civil Service
//! Success Profiles strengths dictionary; the names are facts, the
//! descriptions below are Beacon's own.

/// Highest level of a strength: 0 means "not a strength", 5 "a real strength".
pub const MAX_LEVEL: u8 = 5;

/// A strength of the default framework: its name and a one-line description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultStrength {
    pub name: &'static str,
    pub description: &'static str,
}

const fn s(name: &'static str, description: &'static str) -> DefaultStrength {
    DefaultStrength { name, description }
}

/// The default framework, in its order.
pub const DEFAULT_FRAMEWORK: [DefaultStrength; 36] = [
    s(
        "Adaptable",
        "Takes changes of plan in stride and finds a way to keep the work going.",
    ),
    s(
        "Analytical",
        "Pulls data and evidence apart to find what is really going on.",
    ),
    s(
        "Catalyst",
        "Gets things moving and brings others along from the start.",
    ),
    s(
        "Challenger",
        "Asks why things are done as they are and proposes better ways.",
    ),
    s(
        "Change Agent",
        "Leads others through change and helps it stick.",
    ),
    s("Coach", "Helps colleagues find their own answers and grow."),
    s(
        "Courageous",
        "Speaks up and acts on what is right, even when it is hard.",
    ),
    s(
        "Decisive",
        "Makes timely decisions with the information available.",
    ),
    s(
        "Deliverer",
        "Sees work through to the end and keeps promises.",
    ),
    s(
        "Detail Conscious",
        "Notices the small things that make work accurate.",
    ),
    s(
        "Developer",
        "Builds other people's skills and confidence over time.",
    ),
    s(
        "Efficient",
        "Uses time and money carefully and removes waste.",
    ),
    s(
        "Emotionally Intelligent",
        "Reads feelings, their own and others', and responds well.",
    ),
    s(
        "Enabler",
        "Removes obstacles so that others can do their best work.",
    ),
    s("Explainer", "Makes complex things clear for any audience."),
    s(
        "Focused",
        "Keeps attention on what matters most, despite distractions.",
    ),
    s(
        "Improver",
        "Always looks for a better way to do the everyday work.",
    ),
    s(
        "Incisive Thinker",
        "Gets quickly to the heart of a problem.",
    ),
    s("Inclusive", "Makes sure every voice is heard and valued."),
    s(
        "Judgement",
        "Weighs options and risks to reach sound conclusions.",
    ),
    s("Mission", "Is driven by the purpose of public service."),
    s("Motivator", "Lifts the energy of those around them."),
    s(
        "Networker",
        "Builds relationships across teams and organisations.",
    ),
    s("Organiser", "Plans, arranges and keeps work in order."),
    s(
        "Persuasive",
        "Brings others round with reasons and evidence.",
    ),
    s("Precise", "Produces work that is exact and dependable."),
    s(
        "Problem Solver",
        "Finds practical answers to difficult problems.",
    ),
    s(
        "Relationship Builder",
        "Earns trust and keeps it over time.",
    ),
    s(
        "Resilient",
        "Recovers from setbacks and keeps going under pressure.",
    ),
    s("Responsible", "Owns their work and its consequences."),
    s(
        "Service Focused",
        "Puts residents and service users at the centre.",
    ),
    s(
        "Storyteller",
        "Uses stories to help people understand and remember.",
    ),
    s(
        "Strategic",
        "Sees the bigger picture and plans for the long term.",
    ),
    s("Team Leader", "Gives a team direction and support."),
    s("Team Player", "Works with others towards a shared goal."),
    s(
        "Visionary",
        "Imagines what could be and inspires others towards it.",
    ),
];

// ---------------------------------------------------------------------------
// The self-assessment

/// How many strengths one page of the questionnaire asks about.
pub const PER_PAGE: usize = 6;

/// The top answer of each question: answers run 0 to 4.
pub const MAX_ANSWER: u8 = 4;

/// One strength's two answers, each on a labelled five-point scale (0–4).
///
/// - `performance`: how well and how often you do it — "rarely", "sometimes",
///   "often", "most of the time", "almost always, and well";
/// - `energy`: how it leaves you — "it drains me", "it tires me a little",
///   "neither", "it energises me", "it energises me a lot".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub performance: u8,
    pub energy: u8,
}

impl Answer {
    /// Both answers, if each is on the scale.
    pub fn new(performance: u8, energy: u8) -> Option<Self> {
        (performance <= MAX_ANSWER && energy <= MAX_ANSWER).then_some(Self {
            performance,
            energy,
        })
    }

    /// An answer as a form sends it ("0" to "4").
    pub fn parse_part(raw: &str) -> Option<u8> {
        match raw.trim() {
            "0" => Some(0),
            "1" => Some(1),
            "2" => Some(2),
            "3" => Some(3),
            "4" => Some(4),
            _ => None,
        }
    }

    /// The level, 0–5: a strength is what you do well and often *and* what
    /// energises you, with doing counting twice as much as energy. The
    /// weighted sum `2·performance + energy` (0–12) is scaled to 0–5 and
    /// rounded half up: `level = ⌊(5·(2p + e) + 6) / 12⌋`. So "almost
    /// always, and well" with "it energises me a lot" is 5, nothing at all is
    /// 0, and more of either answer never lowers the level.
    pub fn level(self) -> u8 {
        let weighted = 2 * u32::from(self.performance) + u32::from(self.energy);
        let level = (5 * weighted + 6) / 12;
        // At most 5 by construction; the `min` keeps the bound explicit.
        level.min(u32::from(MAX_LEVEL)) as u8
    }
}

/// How many pages a framework of `strengths` strengths takes (at least one).
pub fn pages(strengths: usize) -> usize {
    strengths.div_ceil(PER_PAGE).max(1)
}

/// The index range of the strengths on page `page` (1-based), or `None`
/// when there is no such page.
pub fn page_range(strengths: usize, page: usize) -> Option<std::ops::Range<usize>> {
    if page == 0 || page > pages(strengths) {
        return None;
    }
    let start = (page - 1) * PER_PAGE;
    Some(start..(start + PER_PAGE).min(strengths))
}

// ---------------------------------------------------------------------------
// Editing the framework

/// The longest name and description a strength may have.
pub const MAX_NAME: usize = 60;
pub const MAX_DESCRIPTION: usize = 300;

/// What is wrong with a strength HR typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrengthProblem {
    NameMissing,
    NameTooLong,
    DescriptionMissing,
    DescriptionTooLong,
}

impl StrengthProblem {
    pub const fn field(self) -> &'static str {
        match self {
            StrengthProblem::NameMissing | StrengthProblem::NameTooLong => "name",
            _ => "description",
        }
    }

    pub const fn key(self) -> &'static str {
        match self {
            StrengthProblem::NameMissing => "name_missing",
            StrengthProblem::NameTooLong => "name_too_long",
            StrengthProblem::DescriptionMissing => "description_missing",
            StrengthProblem::DescriptionTooLong => "description_too_long",
        }
    }
}

/// A strength's name and description, trimmed and within bounds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StrengthText {
    pub name: String,
    pub description: String,
}

/// Check a strength's name and description; every problem is reported.
pub fn validate_strength(
    name: &str,
    description: &str,
) -> Result<StrengthText, Vec<StrengthProblem>> {
    let name = name.trim();
    let description = description.trim();
    let mut problems = Vec::new();
    if name.is_empty() {
        problems.push(StrengthProblem::NameMissing);
    } else if name.chars().count() > MAX_NAME || name.contains(['\n', '\r']) {
        problems.push(StrengthProblem::NameTooLong);
    }
    if description.is_empty() {
        problems.push(StrengthProblem::DescriptionMissing);
    } else if description.chars().count() > MAX_DESCRIPTION {
        problems.push(StrengthProblem::DescriptionTooLong);
    }
    if problems.is_empty() {
        Ok(StrengthText {
            name: name.to_owned(),
            description: description.to_owned(),
        })
    } else {
        Err(problems)
    }
}

/// Two names are the same strength when they differ only in case and spaces.
pub fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

// ---------------------------------------------------------------------------
// Profiles: what a person or HR types in

/// Qualifications people commonly hold and vacancies ask for: a stable code
/// (shared with vacancies' essential qualifications) and its title.
pub const QUALIFICATIONS: [(&str, &str); 12] = [
    ("driving_licence", "Full UK driving licence"),
    ("dbs_enhanced", "Enhanced DBS check"),
    ("social_work_england", "Social Work England registration"),
    (
        "nmc_registration",
        "Nursing and Midwifery Council registration",
    ),
    (
        "hcpc_registration",
        "Health and Care Professions Council registration",
    ),
    ("first_aid", "First aid at work"),
    ("food_hygiene", "Food hygiene level 3"),
    ("cipfa", "CIPFA accountancy qualification"),
    ("rtpi", "Chartered membership of the RTPI"),
    ("cih", "Chartered Institute of Housing qualification"),
    ("hgv_c", "Category C (HGV) licence"),
    ("prince2", "PRINCE2 Practitioner"),
];

/// The title of a known qualification code.
pub fn qualification_title(code: &str) -> Option<&'static str> {
    QUALIFICATIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, t)| *t)
}

/// The longest a working week may be: 48 hours (the Working Time Regulations).
pub const MAX_WEEKLY_MINUTES: u32 = 48 * 60;
/// The longest experience one entry may claim: 50 years.
pub const MAX_MONTHS: u32 = 600;
/// The farthest a person may say they would travel.
pub const MAX_TRAVEL_KM: u32 = 300;

/// Hours a week as people type them ("37", "37.5", "22.25"), in minutes,
/// more than none and at most 48 hours; whole minutes only.
pub fn parse_hours(raw: &str) -> Option<u32> {
    let s = raw.trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || whole.len() > 2 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: u32 = whole.parse().ok()?;
    let hundredths: u32 = match frac.len() {
        0 => 0,
        1 => frac.parse::<u32>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    // Hundredths of an hour must be whole minutes (0.25 = 15, 0.5 = 30).
    let minutes_x100 = hundredths * 60;
    if !minutes_x100.is_multiple_of(100) {
        return None;
    }
    let minutes = hours * 60 + minutes_x100 / 100;
    (1..=MAX_WEEKLY_MINUTES)
        .contains(&minutes)
        .then_some(minutes)
}

/// Minutes a week as hours for a form or a page: "37", "37.5", "22.25".
pub fn format_hours(minutes: u32) -> String {
    let hours = minutes / 60;
    let rest = minutes % 60;
    if rest == 0 {
        return hours.to_string();
    }
    let hundredths = rest * 100 / 60;
    let s = format!("{hours}.{hundredths:02}");
    s.trim_end_matches('0').to_owned()
}

/// A whole number in a range, as typed.
pub fn parse_count(raw: &str, max: u32) -> Option<u32> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|n| *n <= max)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    #[test]
    fn the_default_framework_has_36_distinct_strengths() {
        let names: HashSet<_> = DEFAULT_FRAMEWORK.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), 36);
        assert!(DEFAULT_FRAMEWORK.iter().all(|s| !s.description.is_empty()));
    }

    #[test]
    fn the_extremes_are_0_and_5() {
        assert_eq!(Answer::new(0, 0).unwrap().level(), 0);
        assert_eq!(Answer::new(4, 4).unwrap().level(), 5);
        assert_eq!(Answer::new(2, 2).unwrap().level(), 3);
        assert_eq!(Answer::new(4, 0).unwrap().level(), 3);
        assert_eq!(Answer::new(0, 4).unwrap().level(), 2);
    }

    #[test]
    fn answers_off_the_scale_are_refused() {
        assert_eq!(Answer::new(5, 0), None);
        assert_eq!(Answer::new(0, 5), None);
        assert_eq!(Answer::parse_part("5"), None);
        assert_eq!(Answer::parse_part(""), None);
        assert_eq!(Answer::parse_part("-1"), None);
        assert_eq!(Answer::parse_part(" 3 "), Some(3));
    }

    /// Every one of the 25 answer combinations: in bounds, and one step up in
    /// either answer never lowers the level.
    #[test]
    fn every_combination_is_in_bounds_and_monotonic() {
        for p in 0..=MAX_ANSWER {
            for e in 0..=MAX_ANSWER {
                let level = Answer::new(p, e).unwrap().level();
                assert!(level <= MAX_LEVEL);
                if p < MAX_ANSWER {
                    assert!(Answer::new(p + 1, e).unwrap().level() >= level);
                }
                if e < MAX_ANSWER {
                    assert!(Answer::new(p, e + 1).unwrap().level() >= level);
                }
            }
        }
        // Every level is reachable.
        let reached: HashSet<u8> = (0..=MAX_ANSWER)
            .flat_map(|p| (0..=MAX_ANSWER).map(move |e| Answer::new(p, e).unwrap().level()))
            .collect();
        assert_eq!(reached.len(), usize::from(MAX_LEVEL) + 1);
    }

    #[test]
    fn the_default_framework_takes_six_pages() {
        assert_eq!(pages(36), 6);
        assert_eq!(page_range(36, 1), Some(0..6));
        assert_eq!(page_range(36, 6), Some(30..36));
        assert_eq!(page_range(36, 7), None);
        assert_eq!(page_range(36, 0), None);
        assert_eq!(page_range(37, 7), Some(36..37));
        assert_eq!(pages(0), 1);
    }

    #[test]
    fn strength_text_is_trimmed_and_bounded() {
        assert_eq!(
            validate_strength("  Curious ", " Asks questions. "),
            Ok(StrengthText {
                name: "Curious".into(),
                description: "Asks questions.".into()
            })
        );
        assert_eq!(
            validate_strength(" ", ""),
            Err(vec![
                StrengthProblem::NameMissing,
                StrengthProblem::DescriptionMissing
            ])
        );
        assert_eq!(
            validate_strength(&"x".repeat(MAX_NAME + 1), &"y".repeat(MAX_DESCRIPTION + 1)),
            Err(vec![
                StrengthProblem::NameTooLong,
                StrengthProblem::DescriptionTooLong
            ])
        );
        assert!(same_name("Team  player", "team player"));
        assert!(!same_name("Team player", "Team leader"));
    }

    proptest! {
        /// Whatever the answers, the level is in 0–5 and monotonic in both.
        #[test]
        fn levels_are_bounded_and_monotonic(p in 0u8..=4, e in 0u8..=4, dp in 0u8..=4, de in 0u8..=4) {
            let a = Answer::new(p, e).unwrap();
            let b = Answer::new((p + dp).min(MAX_ANSWER), (e + de).min(MAX_ANSWER)).unwrap();
            prop_assert!(a.level() <= MAX_LEVEL);
            prop_assert!(b.level() >= a.level());
        }

        /// Any text: either refused or trimmed and within bounds.
        #[test]
        fn valid_strength_text_is_within_bounds(name in "\\PC{0,80}", description in "\\PC{0,320}") {
            if let Ok(t) = validate_strength(&name, &description) {
                prop_assert!(!t.name.is_empty() && t.name.chars().count() <= MAX_NAME);
                prop_assert!(!t.description.is_empty() && t.description.chars().count() <= MAX_DESCRIPTION);
            }
        }

        /// The pages cover every strength exactly once.
        #[test]
        fn pages_cover_every_strength_once(n in 0usize..200) {
            let covered: usize = (1..=pages(n)).map(|p| page_range(n, p).unwrap().len()).sum();
            prop_assert_eq!(covered, n);
        }
    }

    #[test]
    fn hours_are_read_as_people_type_them() {
        assert_eq!(parse_hours("37"), Some(37 * 60));
        assert_eq!(parse_hours(" 37.5 "), Some(37 * 60 + 30));
        assert_eq!(parse_hours("22.25"), Some(22 * 60 + 15));
        assert_eq!(parse_hours("0"), None);
        assert_eq!(parse_hours("49"), None);
        assert_eq!(parse_hours("48"), Some(48 * 60));
        assert_eq!(parse_hours("37.3"), Some(37 * 60 + 18));
        assert_eq!(parse_hours("37.33"), None, "not a whole number of minutes");
        assert_eq!(parse_hours("abc"), None);
        assert_eq!(parse_hours(""), None);
        assert_eq!(parse_hours("-5"), None);
        assert_eq!(format_hours(37 * 60 + 30), "37.5");
        assert_eq!(format_hours(22 * 60 + 15), "22.25");
        assert_eq!(format_hours(37 * 60), "37");
    }

    #[test]
    fn counts_are_bounded() {
        assert_eq!(parse_count("12", MAX_MONTHS), Some(12));
        assert_eq!(parse_count("601", MAX_MONTHS), None);
        assert_eq!(parse_count("1e3", MAX_MONTHS), None);
        assert_eq!(parse_count("", MAX_MONTHS), None);
        assert_eq!(
            qualification_title("driving_licence"),
            Some("Full UK driving licence")
        );
        assert_eq!(qualification_title("nonsense"), None);
    }

    proptest! {
        /// Hours in quarter-hours survive a round trip through the page.
        #[test]
        fn hours_round_trip(quarters in 1u32..=192) {
            let minutes = quarters * 15;
            prop_assert_eq!(parse_hours(&format_hours(minutes)), Some(minutes));
        }
    }
}
