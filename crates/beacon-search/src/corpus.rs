//! Realistic case studies generated from a fixed seed, for the search
//! benchmark and for seeding large databases (the page benchmark). The same
//! seed always gives the same cases, on every machine.
//!
//! The text is built from council services' own vocabulary: a topic of a
//! service area, an approach that was tried, who it was for, what happened
//! and what was learned, so that realistic queries match a realistic share
//! of the cases.
use crate::document::{Document, Kind, Visibility};
use uuid::Uuid;

/// A small, fast, well-distributed generator (SplitMix64): the benchmark
/// needs the same cases everywhere, not cryptographic randomness.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// The councils the generated cases belong to.
pub const COUNCILS: [&str; 40] = [
    "Ashby Borough Council",
    "Barrowdale District Council",
    "Brackenford City Council",
    "Calderbrook Council",
    "Carnmoor County Council",
    "Dunmere Borough Council",
    "Eastwold District Council",
    "Elmsworth City Council",
    "Fairhaven Council",
    "Fenbridge District Council",
    "Glenarrow County Council",
    "Greystone Borough Council",
    "Harrowfield City Council",
    "Heathmoor District Council",
    "Ivybridge Vale Council",
    "Kestrel Bay Borough Council",
    "Kingsmead County Council",
    "Langdale District Council",
    "Larkhill City Council",
    "Marshfield Borough Council",
    "Millbrook Council",
    "Northwold County Council",
    "Oakhurst District Council",
    "Penmarric Borough Council",
    "Pinewood City Council",
    "Queensferry Council",
    "Ravensholme District Council",
    "Redcliffe Borough Council",
    "Saltmarsh County Council",
    "Sandbrook City Council",
    "Stoneleigh District Council",
    "Thornbury Borough Council",
    "Tidewater Council",
    "Upton Vale County Council",
    "Westmere District Council",
    "Whitcombe Borough Council",
    "Willowford City Council",
    "Wrenfield Council",
    "Yarrowby District Council",
    "Ystradmor County Borough Council",
];

/// Per service area (its key), the topics cases are about.
const AREAS: [(&str, &[&str]); 12] = [
    (
        "adult_social_care",
        &[
            "reablement after hospital discharge",
            "home care rounds",
            "carers' breaks",
            "dementia support",
            "direct payments",
            "social prescribing",
            "assistive technology in the home",
        ],
    ),
    (
        "childrens_services",
        &[
            "early help for families",
            "foster carer recruitment",
            "school transport",
            "care leavers' housing",
            "family hubs",
            "youth work",
        ],
    ),
    (
        "housing",
        &[
            "homelessness prevention",
            "temporary accommodation",
            "void repairs",
            "damp and mould",
            "energy efficiency retrofit",
            "tenancy sustainment",
        ],
    ),
    (
        "waste_and_recycling",
        &[
            "food waste collection",
            "fly-tipping",
            "bulky waste",
            "recycling contamination",
            "refuse collection rounds",
        ],
    ),
    (
        "highways_and_transport",
        &[
            "pothole repairs",
            "street lighting",
            "parking permits",
            "active travel",
            "community transport",
        ],
    ),
    (
        "planning",
        &[
            "planning applications",
            "local plan consultation",
            "enforcement complaints",
            "building control",
        ],
    ),
    (
        "libraries_and_culture",
        &[
            "library opening hours",
            "museum volunteers",
            "digital inclusion",
            "community hubs in libraries",
        ],
    ),
    (
        "revenues_and_benefits",
        &[
            "council tax collection",
            "housing benefit claims",
            "debt advice",
            "business rates relief",
        ],
    ),
    (
        "customer_services",
        &[
            "contact centre demand",
            "online forms",
            "complaints handling",
            "face-to-face enquiries",
        ],
    ),
    (
        "environmental_health",
        &[
            "food hygiene inspections",
            "noise complaints",
            "air quality",
            "licensing of market traders",
        ],
    ),
    (
        "parks_and_leisure",
        &[
            "leisure centre memberships",
            "park volunteers",
            "tree planting",
            "play areas",
        ],
    ),
    (
        "corporate_services",
        &[
            "recruitment and retention",
            "the HR service",
            "payroll",
            "procurement",
            "agency staff spending",
            "sickness absence",
        ],
    ),
];

/// What was tried.
const APPROACHES: [&str; 24] = [
    "an internal jobs market",
    "a shared service with neighbouring councils",
    "a recruitment partnership",
    "a culture change programme",
    "a Total Place budget pool",
    "a chatbot",
    "predictive analytics",
    "a digital self-service portal",
    "participatory budgeting",
    "co-production with residents",
    "a community hub",
    "behavioural insights",
    "a single front door",
    "outcome-based commissioning",
    "a volunteer network",
    "a mobile app",
    "a trusted assessor",
    "multi-disciplinary teams",
    "an invest-to-save fund",
    "route optimisation",
    "sensors and the internet of things",
    "a test-and-learn pilot",
    "a place-based partnership",
    "robotic process automation",
];

const USERS: [&str; 10] = [
    "older residents",
    "families on low incomes",
    "young people leaving care",
    "front-line staff",
    "small businesses",
    "tenants",
    "people with learning disabilities",
    "unpaid carers",
    "rural communities",
    "residents who are digitally excluded",
];

const RESULTS: [&str; 8] = [
    "Waiting times fell by {n}% in the first year.",
    "It saved £{k},000 a year, most of it cashable.",
    "Demand on the contact centre dropped by {n}%.",
    "{n}% of people said the service was better.",
    "Staff turnover fell from {m}% to {n}%.",
    "Repeat referrals fell by a third.",
    "Costs rose at first and then fell below the old level.",
    "The evaluation found no measurable change.",
];

const CHALLENGES: [&str; 8] = [
    "Data sharing agreements took months to sign.",
    "Managers were reluctant to give up control.",
    "The supplier's system could not talk to ours.",
    "Residents did not use it as much as we expected, and it failed to reach those most in need.",
    "Funding ended before the results were known.",
    "Trade unions needed to be involved much earlier.",
    "Partners had different budgets and timetables.",
    "Staff were worried about their jobs.",
];

const LESSONS: [&str; 8] = [
    "Start small, measure, then scale.",
    "Involve the people who will use it from the first day.",
    "Leadership has to model the culture it asks for.",
    "Agree the governance before moving people or money.",
    "A failure shared saves others the cost of repeating it.",
    "Count the whole place before pooling budgets.",
    "Trust front-line staff with decisions and budgets.",
    "Plan for the end of the pilot funding from the start.",
];

const TAGS: [&str; 16] = [
    "workforce",
    "digital",
    "partnership",
    "prevention",
    "early intervention",
    "shared services",
    "data",
    "volunteering",
    "climate",
    "cost of living",
    "failure",
    "co-production",
    "recruitment",
    "culture",
    "commissioning",
    "automation",
];

const FACETS: [&str; 4] = [
    "enhancement_oriented",
    "mission_oriented",
    "adaptive",
    "anticipatory",
];
const STAGES: [&str; 6] = [
    "identifying_problems",
    "generating_ideas",
    "developing_proposals",
    "implementing",
    "evaluating",
    "diffusing",
];

/// One generated case, before it becomes an index entry or a database row.
#[derive(Clone, Debug)]
pub struct Case {
    /// Index into [`COUNCILS`].
    pub council: usize,
    /// Published without its council's name.
    pub anonymous: bool,
    /// Public (most) or partners-level.
    pub public: bool,
    pub title: String,
    pub summary: String,
    /// innovative, context, partners, users, results, challenges,
    /// conditions, replication, lessons, materials.
    pub sections: [String; 10],
    pub tags: Vec<String>,
    pub service_area: &'static str,
    pub facet: &'static str,
    pub stage: &'static str,
    pub outcome: &'static str,
    pub evidence_level: i16,
    pub year: i32,
}

fn fill(template: &str, rng: &mut Rng) -> String {
    template
        .replace("{n}", &(5 + rng.below(60)).to_string())
        .replace("{m}", &(20 + rng.below(30)).to_string())
        .replace("{k}", &(20 + rng.below(900)).to_string())
}

fn result(rng: &mut Rng) -> String {
    let template = *rng.pick(&RESULTS);
    fill(template, rng)
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `n` cases from `seed`.
pub fn cases(seed: u64, n: usize) -> Vec<Case> {
    let mut rng = Rng::new(seed);
    (0..n).map(|_| case(&mut rng)).collect()
}

fn case(rng: &mut Rng) -> Case {
    let (area, topics) = *rng.pick(&AREAS);
    let topic = *rng.pick(topics);
    let approach = *rng.pick(&APPROACHES);
    let users = *rng.pick(&USERS);
    let other_topic = *rng.pick(topics);
    let outcome = match rng.below(10) {
        0..=5 => "adopted",
        6..=7 => "partly",
        _ => "stopped",
    };
    let title = match rng.below(3) {
        0 => format!("{} for {topic}", capitalise(approach)),
        1 => format!("{}: trying {approach}", capitalise(topic)),
        _ => format!("Rethinking {topic} with {approach}"),
    };
    let summary = format!(
        "We tried {approach} to improve {topic} for {users}. {}",
        result(rng)
    );
    let sections = [
        format!(
            "Instead of handling {topic} case by case, {approach} brought the work together. \
             It had not been tried for {other_topic} in the county before."
        ),
        format!(
            "Demand for {topic} had grown every year while budgets fell. {}",
            result(rng)
        ),
        format!(
            "We worked with the health service, the voluntary sector and {} neighbouring councils.",
            2 + rng.below(4)
        ),
        format!("The service was designed with {users} and the staff who support them."),
        format!("{} {}", result(rng), result(rng)),
        format!("{} {}", rng.pick(&CHALLENGES), rng.pick(&CHALLENGES)),
        "Senior sponsorship, a small budget for the pilot, and time for staff to learn.".to_owned(),
        format!("Other councils could copy the approach for {other_topic}."),
        format!("{} {}", rng.pick(&LESSONS), rng.pick(&LESSONS)),
        "The evaluation report and the project plan are available on request.".to_owned(),
    ];
    let mut tags: Vec<String> = (0..1 + rng.below(3))
        .map(|_| (*rng.pick(&TAGS)).to_owned())
        .collect();
    if outcome == "stopped" && rng.chance(50) {
        tags.push("failure".to_owned());
    }
    tags.sort();
    tags.dedup();
    Case {
        council: rng.below(COUNCILS.len()),
        anonymous: outcome == "stopped" && rng.chance(30),
        public: rng.chance(85),
        title,
        summary,
        sections,
        tags,
        service_area: area,
        facet: FACETS[rng.below(FACETS.len())],
        stage: STAGES[rng.below(STAGES.len())],
        outcome,
        evidence_level: 1 + rng.below(5) as i16,
        year: 2012 + rng.below(14) as i32,
    }
}

/// The id of generated council `i`, stable across runs.
pub fn council_id(i: usize) -> Uuid {
    Uuid::from_u128(0xBEAC_0000_0000_0000_0000_0000_0000_0000 + i as u128)
}

impl Case {
    /// The entry a publication of this case makes, with `id`. A
    /// partners-level case is read by the next two councils in the list.
    pub fn publication(&self, id: Uuid, published: i64) -> Document {
        let owner = council_id(self.council);
        let visibility = if self.public {
            Visibility::Public
        } else {
            Visibility::Councils(vec![
                council_id((self.council + 1) % COUNCILS.len()),
                council_id((self.council + 2) % COUNCILS.len()),
            ])
        };
        Document {
            kind: Kind::Publication,
            id,
            case_ref: None,
            owner: (!self.anonymous).then_some(owner),
            council: (!self.anonymous).then(|| COUNCILS[self.council].to_owned()),
            visibility,
            title: self.title.clone(),
            summary: self.summary.clone(),
            sections: self.sections.to_vec(),
            tags: self.tags.clone(),
            service_area: self.service_area.to_owned(),
            facet: self.facet.to_owned(),
            stage: self.stage.to_owned(),
            outcome: self.outcome.to_owned(),
            evidence_level: self.evidence_level,
            year: self.year,
            published,
        }
    }
}

/// The fixed queries of the benchmark: what people type into the exchange.
pub const QUERIES: [&str; 24] = [
    "internal jobs market",
    "shared service",
    "culture change",
    "recruitment partnership",
    "total place",
    "chatbot failed",
    "temporary accommodation",
    "reablement hospital discharge",
    "predictive analytics",
    "community hubs",
    "participatory budgeting",
    "council tax",
    "fly-tipping",
    "social prescribing",
    "school transport",
    "planning applications",
    "energy efficiency retrofit",
    "volunteers",
    "food waste",
    "agency staff",
    "digital inclusion older residents",
    "homelessness prevention",
    "trusted assessor",
    "street lighting",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_cases() {
        let a = cases(7, 50);
        let b = cases(7, 50);
        assert_eq!(
            a.iter().map(|c| c.title.clone()).collect::<Vec<_>>(),
            b.iter().map(|c| c.title.clone()).collect::<Vec<_>>()
        );
        assert_ne!(cases(8, 1)[0].summary, a[0].summary);
    }

    #[test]
    fn an_anonymised_case_makes_an_entry_with_no_council() {
        let mut c = cases(1, 1).remove(0);
        c.anonymous = true;
        let d = c.publication(Uuid::nil(), 0);
        assert_eq!(d.owner, None);
        assert_eq!(d.council, None);
        assert!(
            d.facet_values()
                .iter()
                .all(|(dim, _)| *dim != crate::Dimension::Council)
        );
    }
}
