//! Scoring a person against a vacancy, with every part explained.
//!
//! Hard constraints come first: essential qualifications (held and unexpired, or closable
//! by training within the limit), grade band, weekly hours, and location or travel. A
//! person who fails one is not scored. Then a weighted fit: strengths (0–5 against the
//! level wanted), experience, preferences, less the training the person would need as a
//! share of the limit (six months by default). Dates are whole days (for instance
//! `time::Date::to_julian_day`); the caller says what "today" is.

use serde::{Deserialize, Serialize};

/// Six months, in days: the default limit for closing gaps by training.
pub const DEFAULT_TRAINING_LIMIT_DAYS: u32 = 183;
/// Highest level on a strength's scale.
pub const MAX_STRENGTH: u8 = 5;

/// A place on a flat grid in metres (the British National Grid's eastings and northings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub easting: i32,
    pub northing: i32,
}

impl Place {
    /// Straight-line distance in metres.
    pub fn distance_m(self, other: Place) -> f64 {
        let dx = f64::from(self.easting) - f64::from(other.easting);
        let dy = f64::from(self.northing) - f64::from(other.northing);
        dx.hypot(dy)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualification {
    pub code: String,
    /// The last day it is valid, if it expires.
    #[serde(default)]
    pub expires: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experience {
    pub area: String,
    pub months: u32,
}

/// What a person brings. Only the person and HR see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    /// 0–5 for each strength of the framework, in the framework's order.
    pub strengths: Vec<u8>,
    #[serde(default)]
    pub qualifications: Vec<Qualification>,
    #[serde(default)]
    pub experience: Vec<Experience>,
    pub grade: u8,
    /// The most the person can work, in minutes a week.
    pub weekly_minutes: u32,
    #[serde(default)]
    pub home: Option<Place>,
    #[serde(default)]
    pub max_travel_km: Option<u32>,
    /// Sites the person can work at whatever the distance.
    #[serde(default)]
    pub sites: Vec<String>,
    /// Service areas the person would like to work in; none means no preference.
    #[serde(default)]
    pub preferred_areas: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EssentialQualification {
    pub code: String,
    /// Days of training that would close the gap; `None` when training cannot.
    #[serde(default)]
    pub training_days: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredStrength {
    /// Position in the framework.
    pub strength: usize,
    /// Level wanted, 1–5.
    pub level: u8,
    /// Relative weight, 0–255.
    pub weight: u8,
}

/// The weight of each component, in points; the score is out of their sum less the
/// training weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub strengths: u32,
    pub experience: u32,
    pub preferences: u32,
    pub training: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            strengths: 60,
            experience: 25,
            preferences: 15,
            training: 20,
        }
    }
}

fn default_limit() -> u32 {
    DEFAULT_TRAINING_LIMIT_DAYS
}
fn default_days_per_level() -> u32 {
    10
}

/// What a vacancy asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vacancy {
    pub id: String,
    pub service_area: String,
    #[serde(default)]
    pub essential: Vec<EssentialQualification>,
    #[serde(default)]
    pub strengths: Vec<DesiredStrength>,
    #[serde(default)]
    pub experience: Vec<Experience>,
    pub grade_min: u8,
    pub grade_max: u8,
    /// Minutes a week the post needs.
    pub weekly_minutes: u32,
    pub site: String,
    #[serde(default)]
    pub location: Option<Place>,
    /// Whether the work can be done from anywhere.
    #[serde(default)]
    pub remote: bool,
    #[serde(default = "default_limit")]
    pub training_limit_days: u32,
    /// Training days to raise a strength one level towards the level wanted.
    #[serde(default = "default_days_per_level")]
    pub training_days_per_strength_level: u32,
    #[serde(default)]
    pub weights: Weights,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    Qualification,
    Grade,
    Hours,
    Location,
    TrainingLimit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstraintCheck {
    pub constraint: Constraint,
    pub met: bool,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Component {
    Strengths,
    Experience,
    Preferences,
    Training,
}

/// One line of the explanation: the component's weight, how well the person does on it
/// (0–1), the points it adds (negative for training) and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComponentScore {
    pub component: Component,
    pub weight: u32,
    pub fit: f64,
    pub contribution: f64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingNeed {
    pub what: String,
    pub days: u32,
}

/// A scored match, explained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub person: String,
    pub vacancy: String,
    /// Whether every hard constraint is met; when not, `score` is zero and `components`
    /// is empty.
    pub eligible: bool,
    pub score: f64,
    pub constraints: Vec<ConstraintCheck>,
    pub components: Vec<ComponentScore>,
    pub training: Vec<TrainingNeed>,
}

fn check(
    constraints: &mut Vec<ConstraintCheck>,
    constraint: Constraint,
    met: bool,
    reason: String,
) {
    constraints.push(ConstraintCheck {
        constraint,
        met,
        reason,
    });
}

/// Scores `person` for `vacancy` as of `today` (a day number like the expiry dates).
pub fn score(person: &Profile, vacancy: &Vacancy, today: i32) -> Explanation {
    let mut constraints = Vec::new();
    let mut training = Vec::new();

    for need in &vacancy.essential {
        let held = person.qualifications.iter().find(|q| q.code == need.code);
        let valid = held.is_some_and(|q| q.expires.is_none_or(|e| e >= today));
        let state = match held {
            None => "not held",
            Some(_) if valid => "held",
            Some(_) => "expired",
        };
        match (valid, need.training_days) {
            (true, _) => check(
                &mut constraints,
                Constraint::Qualification,
                true,
                format!("{} held and valid", need.code),
            ),
            (false, Some(days)) => {
                training.push(TrainingNeed {
                    what: format!("qualification {}", need.code),
                    days,
                });
                check(
                    &mut constraints,
                    Constraint::Qualification,
                    true,
                    format!("{} {state}; training closes it in {days} days", need.code),
                );
            }
            (false, None) => check(
                &mut constraints,
                Constraint::Qualification,
                false,
                format!("{} {state}, and training cannot close it", need.code),
            ),
        }
    }

    let in_band = (vacancy.grade_min..=vacancy.grade_max).contains(&person.grade);
    check(
        &mut constraints,
        Constraint::Grade,
        in_band,
        format!(
            "grade {} {} the band {}–{}",
            person.grade,
            if in_band { "is within" } else { "is outside" },
            vacancy.grade_min,
            vacancy.grade_max
        ),
    );

    let hours_ok = person.weekly_minutes >= vacancy.weekly_minutes;
    check(
        &mut constraints,
        Constraint::Hours,
        hours_ok,
        format!(
            "can work {} a week; the post needs {}",
            hours(person.weekly_minutes),
            hours(vacancy.weekly_minutes)
        ),
    );

    let (location_ok, location_reason) = if vacancy.remote {
        (true, "the work can be done remotely".to_owned())
    } else if person.sites.contains(&vacancy.site) {
        (true, format!("can work at {}", vacancy.site))
    } else {
        match (person.home, vacancy.location, person.max_travel_km) {
            (Some(home), Some(site), Some(limit)) => {
                let km = home.distance_m(site) / 1000.0;
                (
                    km <= f64::from(limit),
                    format!(
                        "{} is {km:.1} km away; will travel {limit} km",
                        vacancy.site
                    ),
                )
            }
            _ => (
                false,
                format!(
                    "{} is not among the person's sites and no travel distance is known",
                    vacancy.site
                ),
            ),
        }
    };
    check(
        &mut constraints,
        Constraint::Location,
        location_ok,
        location_reason,
    );

    // Strength gaps: levels short of what is wanted.
    let mut wanted = 0u64;
    let mut met = 0u64;
    let mut gaps = Vec::new();
    let mut strong = Vec::new();
    for d in &vacancy.strengths {
        let have = person.strengths.get(d.strength).copied().unwrap_or(0);
        wanted += u64::from(d.weight) * u64::from(d.level);
        met += u64::from(d.weight) * u64::from(have.min(d.level));
        if have < d.level {
            let days = u32::from(d.level - have) * vacancy.training_days_per_strength_level;
            gaps.push(format!("strength {} at {have} of {}", d.strength, d.level));
            if days > 0 {
                training.push(TrainingNeed {
                    what: format!("strength {} from {have} to {}", d.strength, d.level),
                    days,
                });
            }
        } else {
            strong.push(d.strength.to_string());
        }
    }
    let training_days: u32 = training.iter().map(|t| t.days).sum();
    let within_limit = training_days <= vacancy.training_limit_days;
    check(
        &mut constraints,
        Constraint::TrainingLimit,
        within_limit,
        format!(
            "{training_days} days of training needed; the limit is {}",
            vacancy.training_limit_days
        ),
    );

    let eligible = constraints.iter().all(|c| c.met);
    let mut explanation = Explanation {
        person: person.id.clone(),
        vacancy: vacancy.id.clone(),
        eligible,
        score: 0.0,
        constraints,
        components: Vec::new(),
        training,
    };
    if !eligible {
        return explanation;
    }

    let w = vacancy.weights;
    let strength_fit = if wanted == 0 {
        1.0
    } else {
        met as f64 / wanted as f64
    };
    let strength_reason = if gaps.is_empty() {
        "meets every strength wanted".to_owned()
    } else {
        format!(
            "meets {} of {} strengths wanted; short on {}",
            strong.len(),
            vacancy.strengths.len(),
            gaps.join(", ")
        )
    };

    let mut experience_parts = Vec::new();
    let mut experience_sum = 0.0;
    for need in &vacancy.experience {
        let have: u32 = person
            .experience
            .iter()
            .filter(|e| e.area == need.area)
            .map(|e| e.months)
            .sum();
        experience_sum += if need.months == 0 {
            1.0
        } else {
            (f64::from(have) / f64::from(need.months)).min(1.0)
        };
        experience_parts.push(format!(
            "{} months of {} in {}",
            have, need.months, need.area
        ));
    }
    let experience_fit = if vacancy.experience.is_empty() {
        1.0
    } else {
        experience_sum / vacancy.experience.len() as f64
    };
    let experience_reason = if experience_parts.is_empty() {
        "no experience asked for".to_owned()
    } else {
        experience_parts.join("; ")
    };

    let (preference_fit, preference_reason) = if person.preferred_areas.is_empty() {
        (0.5, "no preference stated".to_owned())
    } else if person.preferred_areas.contains(&vacancy.service_area) {
        (
            1.0,
            format!("would like to work in {}", vacancy.service_area),
        )
    } else {
        (
            0.0,
            format!("{} is not among the preferred areas", vacancy.service_area),
        )
    };

    let training_share = if vacancy.training_limit_days == 0 {
        0.0
    } else {
        f64::from(training_days) / f64::from(vacancy.training_limit_days)
    };

    let line = |component, weight: u32, fit: f64, sign: f64, reason: String| ComponentScore {
        component,
        weight,
        fit,
        contribution: sign * f64::from(weight) * fit,
        reason,
    };
    explanation.components = vec![
        line(
            Component::Strengths,
            w.strengths,
            strength_fit,
            1.0,
            strength_reason,
        ),
        line(
            Component::Experience,
            w.experience,
            experience_fit,
            1.0,
            experience_reason,
        ),
        line(
            Component::Preferences,
            w.preferences,
            preference_fit,
            1.0,
            preference_reason,
        ),
        line(
            Component::Training,
            w.training,
            training_share,
            -1.0,
            format!(
                "{training_days} of {} days of training",
                vacancy.training_limit_days
            ),
        ),
    ];
    explanation.score = explanation.components.iter().map(|c| c.contribution).sum();
    explanation
}

fn hours(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        format!("{} hours", minutes / 60)
    } else {
        format!("{}h{:02}", minutes / 60, minutes % 60)
    }
}
