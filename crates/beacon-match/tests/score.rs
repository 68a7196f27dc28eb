//! Scoring: each hard constraint can fail on its own, the explanation adds up, and more of
//! a good thing never lowers a score.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use beacon_match::score::*;
use proptest::prelude::*;

fn vacancy() -> Vacancy {
    Vacancy {
        id: "v1".into(),
        service_area: "housing".into(),
        essential: vec![
            EssentialQualification {
                code: "licence".into(),
                training_days: None,
            },
            EssentialQualification {
                code: "first-aid".into(),
                training_days: Some(5),
            },
        ],
        strengths: vec![
            DesiredStrength {
                strength: 0,
                level: 4,
                weight: 3,
            },
            DesiredStrength {
                strength: 2,
                level: 3,
                weight: 1,
            },
        ],
        experience: vec![Experience {
            area: "housing".into(),
            months: 24,
        }],
        grade_min: 3,
        grade_max: 5,
        weekly_minutes: 30 * 60,
        site: "town hall".into(),
        location: Some(Place {
            easting: 530_000,
            northing: 180_000,
        }),
        remote: false,
        training_limit_days: DEFAULT_TRAINING_LIMIT_DAYS,
        training_days_per_strength_level: 10,
        weights: Weights::default(),
    }
}

fn person() -> Profile {
    Profile {
        id: "p1".into(),
        strengths: vec![4, 0, 3],
        qualifications: vec![
            Qualification {
                code: "licence".into(),
                expires: Some(1000),
            },
            Qualification {
                code: "first-aid".into(),
                expires: None,
            },
        ],
        experience: vec![Experience {
            area: "housing".into(),
            months: 36,
        }],
        grade: 4,
        weekly_minutes: 37 * 60 + 30,
        home: Some(Place {
            easting: 533_000,
            northing: 184_000,
        }),
        max_travel_km: Some(10),
        sites: vec![],
        preferred_areas: vec!["housing".into()],
    }
}

fn failed(e: &Explanation) -> Vec<Constraint> {
    e.constraints
        .iter()
        .filter(|c| !c.met)
        .map(|c| c.constraint)
        .collect()
}

#[test]
fn a_perfect_fit_scores_every_positive_point() {
    let e = score(&person(), &vacancy(), 900);
    assert!(e.eligible, "{e:#?}");
    assert_eq!(e.score, 100.0);
    let sum: f64 = e.components.iter().map(|c| c.contribution).sum();
    assert_eq!(sum, e.score);
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["components"][0]["component"], "strengths");
    assert_eq!(json["constraints"][0]["constraint"], "qualification");
}

#[test]
fn each_hard_constraint_fails_alone() {
    let v = vacancy();
    // The licence expired yesterday and training cannot replace it.
    let e = score(&person(), &v, 1001);
    assert_eq!(failed(&e), [Constraint::Qualification]);
    assert_eq!(e.score, 0.0);

    let mut p = person();
    p.grade = 6;
    assert_eq!(failed(&score(&p, &v, 0)), [Constraint::Grade]);

    let mut p = person();
    p.weekly_minutes = 20 * 60;
    assert_eq!(failed(&score(&p, &v, 0)), [Constraint::Hours]);

    let mut p = person();
    p.max_travel_km = Some(4); // the site is 5 km away
    assert_eq!(failed(&score(&p, &v, 0)), [Constraint::Location]);
    p.sites = vec!["town hall".into()];
    assert!(score(&p, &v, 0).eligible);

    let mut p = person();
    p.strengths = vec![0, 0, 0]; // 7 levels short at 10 days each is within 183...
    assert!(score(&p, &v, 0).eligible);
    let mut v2 = v.clone();
    v2.training_days_per_strength_level = 30; // ...but 210 days is not
    assert_eq!(failed(&score(&p, &v2, 0)), [Constraint::TrainingLimit]);
}

#[test]
fn a_trainable_gap_costs_points_not_eligibility() {
    let mut p = person();
    p.qualifications.retain(|q| q.code != "first-aid");
    let e = score(&p, &vacancy(), 0);
    assert!(e.eligible);
    assert_eq!(
        e.training,
        [TrainingNeed {
            what: "qualification first-aid".into(),
            days: 5
        }]
    );
    let training = e
        .components
        .iter()
        .find(|c| c.component == Component::Training)
        .unwrap();
    assert!((training.contribution - (-20.0 * 5.0 / 183.0)).abs() < 1e-12);
    assert!(e.score < 100.0);
}

proptest! {
    /// Raising any strength one level never lowers the score nor makes a person
    /// ineligible.
    #[test]
    fn stronger_never_scores_lower(levels in prop::collection::vec(0u8..=5, 3), which in 0usize..3) {
        let v = vacancy();
        let mut p = person();
        p.strengths = levels.clone();
        let before = score(&p, &v, 0);
        if p.strengths[which] < 5 {
            p.strengths[which] += 1;
        }
        let after = score(&p, &v, 0);
        prop_assert!(after.eligible >= before.eligible);
        prop_assert!(after.score >= before.score);
    }

    /// Contributions add up to the score, and the score stays within its bounds.
    #[test]
    fn explanations_add_up(levels in prop::collection::vec(0u8..=5, 3), months in 0u32..60, prefers in any::<bool>()) {
        let mut p = person();
        p.strengths = levels;
        p.experience[0].months = months;
        if !prefers { p.preferred_areas = vec!["parks".into()]; }
        let e = score(&p, &vacancy(), 0);
        let sum: f64 = e.components.iter().map(|c| c.contribution).sum();
        prop_assert!((sum - e.score).abs() < 1e-9);
        prop_assert!(e.score <= 100.0 && e.score >= -20.0);
    }
}
