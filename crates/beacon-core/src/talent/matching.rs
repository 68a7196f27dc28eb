//! What the matching engine is asked, and what explains its answers
//! (DESIGN.md §3.2 "Matching", §3.5).
//!
//! Staff records and vacancies arrive here as plain facts read from the
//! database; they become the engine's `Profile` and `Vacancy` (strengths in
//! the framework's position order, dates as Julian days, hours as minutes).
//! The engine's score is then kept with a structured explanation that a page
//! can put into any language: which strengths fit and by how much, which
//! essential qualifications are held, expired or missing, what training
//! closes a gap and how long it takes, and the grade, hours and location
//! checks.
use super::pool::{Held, guaranteed_interview};
use super::{Grade, PoolTier};
use beacon_match::score::{self, Component, Constraint, Place};
use beacon_match::sparse::{Edge, SparseProblem, solve_by_tier};
use beacon_match::{AssignError, Sense};
use std::cmp::Reverse;
use time::Date;

/// A member of staff in the engine's terms ([`profile`]), built once to be
/// scored against many vacancies with [`fit`].
pub type EngineProfile = score::Profile;
/// A vacancy in the engine's terms ([`vacancy`]).
pub type EngineVacancy = score::Vacancy;

/// A member of staff as matching sees them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StaffFacts {
    pub id: String,
    pub grade: Grade,
    pub weekly_minutes: u32,
    /// Easting and northing of home, when known.
    pub home: Option<(i32, i32)>,
    pub max_travel_km: Option<u32>,
    /// Where they work now.
    pub site: Option<String>,
    /// Other sites they can work at.
    pub work_sites: Vec<String>,
    pub preferred_areas: Vec<String>,
    /// Framework index (0-based, in position order) and level 0–5.
    pub strengths: Vec<(usize, u8)>,
    pub qualifications: Vec<Held>,
    /// Service area and months.
    pub experience: Vec<(String, u32)>,
}

/// An essential qualification a vacancy asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Essential {
    pub code: String,
    pub title: String,
    /// Days of training that close the gap; `None` when none can.
    pub training_days: Option<u32>,
}

/// A strength a vacancy would like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted {
    /// Framework index (0-based, in position order).
    pub index: usize,
    pub level: u8,
    pub weight: u8,
}

/// A vacancy as matching sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VacancyFacts {
    pub id: String,
    pub service_area: String,
    pub grade_min: Grade,
    pub grade_max: Grade,
    pub weekly_minutes: u32,
    pub site: String,
    pub location: Option<(i32, i32)>,
    pub remote: bool,
    pub training_limit_days: u32,
    pub essentials: Vec<Essential>,
    pub strengths: Vec<Wanted>,
    pub experience: Vec<(String, u32)>,
}

/// Lines of text, trimmed, without the empty ones (a staff record's other sites).
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Space-separated words (a staff record's preferred service areas).
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

/// The framework's 0-based index of each strength, from the positions of
/// its strengths: position order is the engine's order.
pub fn framework_index(positions: &[i32]) -> impl Fn(i32) -> Option<usize> + '_ {
    move |position| positions.iter().position(|&p| p == position)
}

fn place((easting, northing): (i32, i32)) -> Place {
    Place { easting, northing }
}

/// The engine's profile of a member of staff, for a framework of `strengths` strengths.
pub fn profile(staff: &StaffFacts, strengths: usize) -> score::Profile {
    let mut levels = vec![0u8; strengths];
    for &(index, level) in &staff.strengths {
        if let Some(slot) = levels.get_mut(index) {
            *slot = level.min(score::MAX_STRENGTH);
        }
    }
    let mut sites = staff.work_sites.clone();
    if let Some(site) = &staff.site
        && !sites.contains(site)
    {
        sites.push(site.clone());
    }
    score::Profile {
        id: staff.id.clone(),
        strengths: levels,
        qualifications: staff
            .qualifications
            .iter()
            .map(|q| score::Qualification {
                code: q.code.clone(),
                expires: q.expires_on.map(Date::to_julian_day),
            })
            .collect(),
        experience: staff
            .experience
            .iter()
            .map(|(area, months)| score::Experience {
                area: area.clone(),
                months: *months,
            })
            .collect(),
        grade: staff.grade,
        weekly_minutes: staff.weekly_minutes,
        home: staff.home.map(place),
        max_travel_km: staff.max_travel_km,
        sites,
        preferred_areas: staff.preferred_areas.clone(),
    }
}

/// The engine's view of a vacancy.
pub fn vacancy(v: &VacancyFacts) -> score::Vacancy {
    score::Vacancy {
        id: v.id.clone(),
        service_area: v.service_area.clone(),
        essential: v
            .essentials
            .iter()
            .map(|e| score::EssentialQualification {
                code: e.code.clone(),
                training_days: e.training_days,
            })
            .collect(),
        strengths: v
            .strengths
            .iter()
            .map(|w| score::DesiredStrength {
                strength: w.index,
                level: w.level.min(score::MAX_STRENGTH),
                weight: w.weight,
            })
            .collect(),
        experience: v
            .experience
            .iter()
            .map(|(area, months)| score::Experience {
                area: area.clone(),
                months: *months,
            })
            .collect(),
        grade_min: v.grade_min,
        grade_max: v.grade_max,
        weekly_minutes: v.weekly_minutes,
        site: v.site.clone(),
        location: v.location.map(place),
        remote: v.remote,
        training_limit_days: v.training_limit_days,
        training_days_per_strength_level: 10,
        weights: score::Weights::default(),
    }
}

/// How well one wanted strength fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StrengthFit {
    pub index: usize,
    pub wanted: u8,
    pub held: u8,
    pub weight: u8,
}

impl StrengthFit {
    pub fn meets(&self) -> bool {
        self.held >= self.wanted
    }
}

/// Where a person stands on an essential qualification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QualState {
    Held,
    Expired,
    Missing,
}

impl QualState {
    pub fn key(self) -> &'static str {
        match self {
            QualState::Held => "held",
            QualState::Expired => "expired",
            QualState::Missing => "missing",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EssentialCheck {
    pub code: String,
    pub title: String,
    pub state: QualState,
    /// Days of training that close the gap, when the state is not `Held`
    /// and training can.
    pub training_days: Option<u32>,
    /// Held, or closable by training.
    pub met: bool,
}

/// How the location check was met or failed.
#[derive(Debug, Clone, PartialEq)]
pub enum LocationCheck {
    Remote,
    /// The vacancy's site is one they can work at.
    Site,
    /// Distance from home in tenths of a kilometre, and how far they will travel.
    Distance {
        tenths_km: u32,
        limit_km: u32,
    },
    /// Neither a site of theirs nor a known distance.
    Unknown,
}

/// What a piece of training is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrainingFor {
    Qualification(String),
    Strength { index: usize, from: u8, to: u8 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Training {
    pub what: TrainingFor,
    pub days: u32,
}

/// One component of the score: its weight, the fit 0–1 and the points it adds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Part {
    pub component: Component,
    pub weight: u32,
    pub fit: f64,
    pub points: f64,
}

impl Part {
    pub fn key(&self) -> &'static str {
        match self.component {
            Component::Strengths => "strengths",
            Component::Experience => "experience",
            Component::Preferences => "preferences",
            Component::Training => "training",
        }
    }
}

/// A score with everything that explains it.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    /// Every hard constraint met.
    pub eligible: bool,
    /// The engine's score (out of 100, less training).
    pub score: f64,
    pub strengths: Vec<StrengthFit>,
    pub essentials: Vec<EssentialCheck>,
    pub grade_met: bool,
    pub hours_met: bool,
    pub location_met: bool,
    pub location: LocationCheck,
    pub training: Vec<Training>,
    pub training_days: u32,
    pub training_within_limit: bool,
    pub parts: Vec<Part>,
    /// Meets the essentials unaided at the same or a lower grade.
    pub guaranteed_interview: bool,
}

impl Explained {
    /// The score as a whole number for display (0 when not eligible).
    pub fn whole_score(&self) -> i64 {
        self.fit().whole_score()
    }
    /// The score in hundredths, the integer the assignment maximises.
    pub fn points(&self) -> i64 {
        self.fit().points()
    }
    pub fn missing(&self) -> impl Iterator<Item = &EssentialCheck> {
        self.essentials.iter().filter(|e| !e.met)
    }
}

/// Scores `staff` for `v` as of `today`, explained.
pub fn explain(
    staff: &StaffFacts,
    v: &VacancyFacts,
    framework_size: usize,
    today: Date,
) -> Explained {
    let person = profile(staff, framework_size);
    let engine = score::score(&person, &vacancy(v), today.to_julian_day());
    let met = |c: Constraint| {
        engine
            .constraints
            .iter()
            .filter(|k| k.constraint == c)
            .all(|k| k.met)
    };
    let mut training = Vec::new();
    let essentials = v
        .essentials
        .iter()
        .map(|e| {
            let held = staff.qualifications.iter().find(|q| q.code == e.code);
            let state = match held {
                None => QualState::Missing,
                Some(q) if q.expires_on.is_none_or(|d| d >= today) => QualState::Held,
                Some(_) => QualState::Expired,
            };
            let closes = (state != QualState::Held)
                .then_some(e.training_days)
                .flatten();
            if let Some(days) = closes {
                training.push(Training {
                    what: TrainingFor::Qualification(e.title.clone()),
                    days,
                });
            }
            EssentialCheck {
                code: e.code.clone(),
                title: e.title.clone(),
                state,
                training_days: closes,
                met: state == QualState::Held || closes.is_some(),
            }
        })
        .collect();
    let strengths: Vec<StrengthFit> = v
        .strengths
        .iter()
        .map(|w| StrengthFit {
            index: w.index,
            wanted: w.level.min(score::MAX_STRENGTH),
            held: person.strengths.get(w.index).copied().unwrap_or(0),
            weight: w.weight,
        })
        .collect();
    for s in &strengths {
        if !s.meets() {
            training.push(Training {
                what: TrainingFor::Strength {
                    index: s.index,
                    from: s.held,
                    to: s.wanted,
                },
                days: u32::from(s.wanted - s.held) * 10,
            });
        }
    }
    let training_days = training.iter().map(|t| t.days).sum();
    let location = if v.remote {
        LocationCheck::Remote
    } else if person.sites.contains(&v.site) {
        LocationCheck::Site
    } else {
        match (person.home, v.location.map(place), person.max_travel_km) {
            (Some(home), Some(site), Some(limit_km)) => LocationCheck::Distance {
                tenths_km: (home.distance_m(site) / 100.0).round() as u32,
                limit_km,
            },
            _ => LocationCheck::Unknown,
        }
    };
    let held: Vec<String> = v.essentials.iter().map(|e| e.code.clone()).collect();
    Explained {
        eligible: engine.eligible,
        score: engine.score,
        strengths,
        essentials,
        grade_met: met(Constraint::Grade),
        hours_met: met(Constraint::Hours),
        location_met: met(Constraint::Location),
        location,
        training,
        training_days,
        training_within_limit: met(Constraint::TrainingLimit),
        parts: engine
            .components
            .iter()
            .map(|c| Part {
                component: c.component,
                weight: c.weight,
                fit: c.fit,
                points: c.contribution,
            })
            .collect(),
        guaranteed_interview: guaranteed_interview(
            staff.grade,
            v.grade_min,
            &held,
            &staff.qualifications,
            today,
        ),
    }
}

/// The engine's verdict on one pair without the words that explain it: all
/// that ranking candidates and proposing an assignment need. For the same
/// pair it is the same as [`explain`]'s eligibility and score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub eligible: bool,
    /// The engine's score; 0 when not eligible.
    pub score: f64,
}

impl Fit {
    /// The score as a whole number for display.
    pub fn whole_score(&self) -> i64 {
        self.score.round() as i64
    }
    /// The score in hundredths, the integer the assignment maximises.
    pub fn points(&self) -> i64 {
        (self.score * 100.0).round() as i64
    }
}

impl Explained {
    pub fn fit(&self) -> Fit {
        Fit {
            eligible: self.eligible,
            score: self.score,
        }
    }
}

/// Scores a pair already in the engine's terms (built once with [`profile`]
/// and [`vacancy`] for many pairs). A grade outside the band or too few
/// hours rules a pair out before the engine is asked: both are hard
/// constraints, and most pairs of a large pool fail one of them.
pub fn fit(person: &score::Profile, v: &score::Vacancy, today: Date) -> Fit {
    let in_band = (v.grade_min..=v.grade_max).contains(&person.grade);
    if !in_band || person.weekly_minutes < v.weekly_minutes {
        return Fit {
            eligible: false,
            score: 0.0,
        };
    }
    let engine = score::score(person, v, today.to_julian_day());
    Fit {
        eligible: engine.eligible,
        score: engine.score,
    }
}

/// The order candidates for one vacancy are shown in: those who meet every
/// hard constraint first; among them, protected people before others in the
/// pool before voluntary movers, as the law requires; then by score, best
/// first. Sort by this key ascending.
pub fn candidate_order(tier: PoolTier, f: Fit) -> (bool, u32, Reverse<i64>) {
    (!f.eligible, tier.rank(), Reverse(f.points()))
}

/// The order of a person's opportunities: eligible first, best score first.
pub fn opportunity_order(f: Fit) -> (bool, Reverse<i64>) {
    (!f.eligible, Reverse(f.points()))
}

/// One feasible pair for the assignment: a person, a vacancy, the pair's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub person: usize,
    pub vacancy: usize,
    pub points: i64,
}

/// The pool's optimal assignment proposal: at most one vacancy each and one
/// person per vacancy, placing every protected person that can be placed,
/// then every other pool member, then voluntary movers, then the best total
/// score. `tiers[p]` is person `p`'s tier today. Returns `(person, vacancy)`
/// pairs by person.
pub fn propose(
    tiers: &[PoolTier],
    vacancies: usize,
    pairs: &[Pair],
) -> Result<Vec<(usize, usize)>, AssignError> {
    if tiers.is_empty() || vacancies == 0 || pairs.is_empty() {
        return Ok(Vec::new());
    }
    let edges = pairs
        .iter()
        .map(|p| Edge {
            person: p.person as u32,
            post: p.vacancy as u32,
            cost: p.points,
        })
        .collect();
    let problem = SparseProblem::new(tiers.len(), vacancies, edges, Sense::Maximise)?
        .with_tiers(tiers.iter().map(|t| t.rank() as u16).collect())?;
    Ok(solve_by_tier(&problem)?.pairs)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn person(id: &str, grade: Grade, levels: &[(usize, u8)]) -> StaffFacts {
        StaffFacts {
            id: id.to_owned(),
            grade,
            weekly_minutes: 37 * 60,
            site: Some("Town Hall".to_owned()),
            strengths: levels.to_vec(),
            ..StaffFacts::default()
        }
    }

    fn post(grade_min: Grade) -> VacancyFacts {
        VacancyFacts {
            id: "v".to_owned(),
            service_area: "housing".to_owned(),
            grade_min,
            grade_max: grade_min + 2,
            weekly_minutes: 30 * 60,
            site: "Town Hall".to_owned(),
            training_limit_days: 183,
            strengths: vec![
                Wanted {
                    index: 0,
                    level: 4,
                    weight: 3,
                },
                Wanted {
                    index: 2,
                    level: 3,
                    weight: 1,
                },
            ],
            ..VacancyFacts::default()
        }
    }

    #[test]
    fn profiles_put_strengths_in_framework_order() {
        let p = profile(&person("a", 5, &[(2, 4), (0, 1), (9, 3)]), 4);
        assert_eq!(p.strengths, vec![1, 0, 4, 0]);
        assert!(p.sites.contains(&"Town Hall".to_owned()));
        let idx = framework_index(&[10, 20, 30]);
        assert_eq!(idx(20), Some(1));
        assert_eq!(idx(25), None);
    }

    #[test]
    fn dates_become_julian_days() {
        let mut s = person("a", 5, &[]);
        s.qualifications = vec![Held {
            code: "x".into(),
            expires_on: Some(TODAY),
        }];
        let p = profile(&s, 1);
        assert_eq!(p.qualifications[0].expires, Some(TODAY.to_julian_day()));
    }

    #[test]
    fn the_explanation_says_which_strengths_fit_and_what_training_closes_the_gap() {
        let s = person("a", 5, &[(0, 2), (2, 5)]);
        let e = explain(&s, &post(4), 3, TODAY);
        assert!(e.eligible);
        assert_eq!(
            e.strengths,
            vec![
                StrengthFit {
                    index: 0,
                    wanted: 4,
                    held: 2,
                    weight: 3
                },
                StrengthFit {
                    index: 2,
                    wanted: 3,
                    held: 5,
                    weight: 1
                }
            ]
        );
        assert_eq!(
            e.training,
            vec![Training {
                what: TrainingFor::Strength {
                    index: 0,
                    from: 2,
                    to: 4
                },
                days: 20
            }]
        );
        assert_eq!(e.training_days, 20);
        assert!(e.grade_met && e.hours_met && e.location_met);
        assert_eq!(e.location, LocationCheck::Site);
        let total: f64 = e.parts.iter().map(|p| p.points).sum();
        assert!((total - e.score).abs() < 1e-9);
        assert!(e.guaranteed_interview);
    }

    #[test]
    fn missing_essentials_are_named_and_training_can_close_them() {
        let mut v = post(4);
        v.essentials = vec![
            Essential {
                code: "driving_licence".into(),
                title: "Driving licence".into(),
                training_days: None,
            },
            Essential {
                code: "first_aid".into(),
                title: "First aid".into(),
                training_days: Some(3),
            },
        ];
        let mut s = person("a", 5, &[(0, 4), (2, 3)]);
        let e = explain(&s, &v, 3, TODAY);
        assert!(!e.eligible);
        assert_eq!(e.essentials[0].state, QualState::Missing);
        assert!(!e.essentials[0].met);
        assert_eq!(e.essentials[1].training_days, Some(3));
        assert!(e.essentials[1].met);
        assert!(!e.guaranteed_interview);
        s.qualifications = vec![Held {
            code: "driving_licence".into(),
            expires_on: Some(date!(2026 - 1 - 1)),
        }];
        let e = explain(&s, &v, 3, TODAY);
        assert_eq!(e.essentials[0].state, QualState::Expired);
        s.qualifications[0].expires_on = None;
        let e = explain(&s, &v, 3, TODAY);
        assert!(e.eligible);
        // First aid is closed by training, so no guarantee.
        assert!(!e.guaranteed_interview);
    }

    #[test]
    fn grade_hours_and_location_are_checked() {
        let mut s = person("a", 9, &[]);
        s.weekly_minutes = 20 * 60;
        s.site = Some("Depot".into());
        s.home = Some((400_000, 300_000));
        s.max_travel_km = Some(5);
        let mut v = post(4);
        v.location = Some((400_000, 310_000));
        let e = explain(&s, &v, 3, TODAY);
        assert!(!e.eligible);
        assert!(!e.grade_met && !e.hours_met && !e.location_met);
        assert_eq!(
            e.location,
            LocationCheck::Distance {
                tenths_km: 100,
                limit_km: 5
            }
        );
        v.remote = true;
        assert_eq!(explain(&s, &v, 3, TODAY).location, LocationCheck::Remote);
    }

    #[test]
    fn protected_candidates_come_first_then_by_score() {
        let v = post(4);
        let strong = explain(&person("s", 5, &[(0, 5), (2, 5)]), &v, 3, TODAY);
        let weak = explain(&person("w", 5, &[(0, 1)]), &v, 3, TODAY);
        let out = explain(&person("o", 12, &[(0, 5)]), &v, 3, TODAY);
        let mut list = [
            ("voluntary strong", PoolTier::Voluntary, &strong),
            ("ineligible protected", PoolTier::Protected, &out),
            ("removed strong", PoolTier::RoleRemoved, &strong),
            ("protected weak", PoolTier::Protected, &weak),
            ("removed weak", PoolTier::RoleRemoved, &weak),
        ];
        list.sort_by_key(|(_, t, e)| candidate_order(*t, e.fit()));
        let names: Vec<_> = list.iter().map(|x| x.0).collect();
        assert_eq!(
            names,
            [
                "protected weak",
                "removed strong",
                "removed weak",
                "voluntary strong",
                "ineligible protected"
            ]
        );
    }

    #[test]
    fn the_proposal_places_protected_people_before_a_better_total() {
        // One vacancy: the voluntary mover scores far higher, but the
        // protected person must be placed.
        let tiers = [PoolTier::Voluntary, PoolTier::Protected];
        let pairs = [
            Pair {
                person: 0,
                vacancy: 0,
                points: 9_000,
            },
            Pair {
                person: 1,
                vacancy: 0,
                points: 100,
            },
        ];
        assert_eq!(propose(&tiers, 1, &pairs).unwrap(), vec![(1, 0)]);
        // With two vacancies both are placed, the best total.
        let pairs = [
            Pair {
                person: 0,
                vacancy: 0,
                points: 9_000,
            },
            Pair {
                person: 1,
                vacancy: 0,
                points: 100,
            },
            Pair {
                person: 1,
                vacancy: 1,
                points: 50,
            },
        ];
        assert_eq!(propose(&tiers, 2, &pairs).unwrap(), vec![(0, 0), (1, 1)]);
        assert!(propose(&[], 2, &[]).unwrap().is_empty());
    }

    proptest! {
        /// The explanation's parts add up to the score, and the engine's
        /// eligibility agrees with the checks shown.
        #[test]
        fn explanations_add_up(
            levels in proptest::collection::vec(0u8..=5, 3),
            grade in 1u8..12,
            hours in 10u32..40,
        ) {
            let mut s = person("p", grade, &levels.iter().copied().enumerate().collect::<Vec<_>>());
            s.weekly_minutes = hours * 60;
            let e = explain(&s, &post(4), 3, TODAY);
            let total: f64 = e.parts.iter().map(|p| p.points).sum();
            prop_assert!((total - e.score).abs() < 1e-9);
            let all = e.grade_met && e.hours_met && e.location_met && e.training_within_limit
                && e.essentials.iter().all(|x| x.met);
            prop_assert_eq!(all, e.eligible);
        }

        /// Scoring without the explanation agrees with the explanation,
        /// whichever constraint rules a pair out.
        #[test]
        fn fits_agree_with_explanations(
            levels in proptest::collection::vec(0u8..=5, 3),
            grade in 1u8..12,
            hours in 10u32..40,
            site in 0usize..3,
            held in proptest::collection::vec(0usize..3, 0..3),
            essential in 0usize..4,
            trainable in proptest::option::of(0u32..200),
            remote in proptest::bool::ANY,
        ) {
            let codes = ["a", "b", "c"];
            let mut s = person("p", grade, &levels.iter().copied().enumerate().collect::<Vec<_>>());
            s.weekly_minutes = hours * 60;
            s.site = Some(["Town Hall", "Depot", "Library"][site].to_owned());
            s.qualifications = held.iter().map(|&i| Held { code: codes[i].into(), expires_on: None }).collect();
            let mut v = post(4);
            v.remote = remote;
            if let Some(code) = codes.get(essential) {
                v.essentials = vec![Essential { code: (*code).into(), title: "A".into(), training_days: trainable }];
            }
            let e = explain(&s, &v, 3, TODAY);
            prop_assert_eq!(fit(&profile(&s, 3), &vacancy(&v), TODAY), e.fit());
        }

        /// Nobody is placed twice, no vacancy twice, and only feasible pairs.
        #[test]
        fn proposals_are_matchings(
            tiers in proptest::collection::vec(0u8..3, 1..8),
            raw in proptest::collection::vec((0usize..8, 0usize..5, 0i64..10_000), 0..30),
        ) {
            let tiers: Vec<PoolTier> = tiers.iter().map(|t| PoolTier::ALL[*t as usize]).collect();
            let mut seen = std::collections::BTreeSet::new();
            let pairs: Vec<Pair> = raw.into_iter()
                .filter(|(p, v, _)| *p < tiers.len() && seen.insert((*p, *v)))
                .map(|(person, vacancy, points)| Pair { person, vacancy, points })
                .collect();
            let chosen = propose(&tiers, 5, &pairs).unwrap();
            let mut people = std::collections::BTreeSet::new();
            let mut posts = std::collections::BTreeSet::new();
            for (p, v) in &chosen {
                prop_assert!(people.insert(*p));
                prop_assert!(posts.insert(*v));
                prop_assert!(pairs.iter().any(|x| x.person == *p && x.vacancy == *v));
            }
        }
    }
}
