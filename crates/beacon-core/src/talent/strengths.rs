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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_default_framework_has_36_distinct_strengths() {
        let names: HashSet<_> = DEFAULT_FRAMEWORK.iter().map(|s| s.name).collect();
        assert_eq!(names.len(), 36);
        assert!(DEFAULT_FRAMEWORK.iter().all(|s| !s.description.is_empty()));
    }
}
