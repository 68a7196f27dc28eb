//! The risk register of a business case (DESIGN.md §3.1, Audit Commission
//! R4): each risk scored likelihood × impact on the organisation's matrix
//! (5 × 5 by default, 3 × 3 to 7 × 7), rated low to very high by the
//! organisation's thresholds, with an owner and a response (tolerate, treat,
//! transfer, terminate). Beside the register stands the risk of *not*
//! innovating, scored on the same matrix.
use super::vocabulary;
use crate::text::{BoundedText, TextError};
use serde::{Deserialize, Serialize};

pub const MIN_SIZE: u8 = 3;
pub const MAX_SIZE: u8 = 7;
/// How many risks one register may hold.
pub const MAX_RISKS: usize = 100;

pub type Description = BoundedText<1000>;
pub type Owner = BoundedText<200>;
pub type Plan = BoundedText<2000>;

vocabulary! {
    /// How serious a score is.
    Rating, "rating" {
        Low => "low",
        Medium => "medium",
        High => "high",
        VeryHigh => "very_high",
    }
}

vocabulary! {
    /// What the business case will do about a risk.
    Response, "response" {
        /// Accept it as it is, watching it.
        Tolerate => "tolerate",
        /// Act to make it less likely or less harmful.
        Treat => "treat",
        /// Pass it to someone better placed: an insurer, a contractor.
        Transfer => "transfer",
        /// Stop or change the activity that causes it.
        Terminate => "terminate",
    }
}

impl Response {
    /// Treating or transferring a risk is a plan, so the plan must be written.
    pub const fn needs_plan(self) -> bool {
        matches!(self, Response::Treat | Response::Transfer)
    }
}

/// An organisation's risk matrix: its size and the scores from which a risk
/// is rated medium, high and very high (below `medium_from` it is low).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RiskMatrix {
    size: u8,
    medium_from: u8,
    high_from: u8,
    very_high_from: u8,
}

impl Default for RiskMatrix {
    /// 5 × 5: low 1–4, medium 5–9, high 10–14, very high 15–25.
    fn default() -> Self {
        RiskMatrix {
            size: 5,
            medium_from: 5,
            high_from: 10,
            very_high_from: 15,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MatrixError {
    #[error("the matrix must be from 3 × 3 to 7 × 7")]
    Size,
    #[error("the thresholds must rise: medium below high, high below very high")]
    Order,
    #[error("a threshold must be a score the matrix can give")]
    Range,
}

impl MatrixError {
    pub fn key(self) -> &'static str {
        match self {
            MatrixError::Size => "size",
            MatrixError::Order => "order",
            MatrixError::Range => "range",
        }
    }
}

impl RiskMatrix {
    /// Thresholds must rise strictly and lie between 2 (so a score of 1 is
    /// always low) and size² (so every rating can be reached).
    pub fn new(
        size: u8,
        medium_from: u8,
        high_from: u8,
        very_high_from: u8,
    ) -> Result<Self, MatrixError> {
        if !(MIN_SIZE..=MAX_SIZE).contains(&size) {
            return Err(MatrixError::Size);
        }
        let max = size * size;
        if [medium_from, high_from, very_high_from]
            .iter()
            .any(|t| !(2..=max).contains(t))
        {
            return Err(MatrixError::Range);
        }
        if !(medium_from < high_from && high_from < very_high_from) {
            return Err(MatrixError::Order);
        }
        Ok(RiskMatrix {
            size,
            medium_from,
            high_from,
            very_high_from,
        })
    }

    pub const fn size(&self) -> u8 {
        self.size
    }

    pub const fn medium_from(&self) -> u8 {
        self.medium_from
    }

    pub const fn high_from(&self) -> u8 {
        self.high_from
    }

    pub const fn very_high_from(&self) -> u8 {
        self.very_high_from
    }

    /// The highest score: size × size.
    pub const fn max_score(&self) -> u8 {
        self.size * self.size
    }

    /// A likelihood or impact from a form: a whole number from 1 to the size.
    pub fn level(&self, raw: &str) -> Result<u8, LevelError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(LevelError::Missing);
        }
        match s.parse::<u8>() {
            Ok(n) if (1..=self.size).contains(&n) => Ok(n),
            _ => Err(LevelError::OutOfRange),
        }
    }

    pub fn rating(&self, score: u8) -> Rating {
        if score >= self.very_high_from {
            Rating::VeryHigh
        } else if score >= self.high_from {
            Rating::High
        } else if score >= self.medium_from {
            Rating::Medium
        } else {
            Rating::Low
        }
    }

    /// Score and rate a likelihood and impact already on this matrix.
    pub fn assess(&self, likelihood: u8, impact: u8) -> Assessment {
        let likelihood = likelihood.clamp(1, self.size);
        let impact = impact.clamp(1, self.size);
        let score = likelihood * impact;
        Assessment {
            likelihood,
            impact,
            score,
            rating: self.rating(score),
        }
    }

    /// Whether the matrix may be resized to `size` while the organisation's
    /// registers use likelihoods or impacts up to `highest_in_use`: a risk
    /// must never fall off its matrix.
    pub fn fits(size: u8, highest_in_use: u8) -> bool {
        highest_in_use <= size
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LevelError {
    #[error("choose a level")]
    Missing,
    #[error("choose a level on the matrix")]
    OutOfRange,
}

impl LevelError {
    pub fn key(self) -> &'static str {
        match self {
            LevelError::Missing => "missing",
            LevelError::OutOfRange => "out_of_range",
        }
    }
}

/// A likelihood and impact, their score and rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub likelihood: u8,
    pub impact: u8,
    pub score: u8,
    pub rating: Rating,
}

/// One risk as typed into the form.
#[derive(Clone, Debug, Default)]
pub struct RiskDraft<'a> {
    pub description: &'a str,
    pub likelihood: &'a str,
    pub impact: &'a str,
    pub owner: &'a str,
    pub response: &'a str,
    pub mitigation: &'a str,
}

/// A risk that may go on the register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Risk {
    pub description: Description,
    pub likelihood: u8,
    pub impact: u8,
    pub owner: Owner,
    pub response: Response,
    /// What is done about it; required to treat or transfer.
    pub mitigation: Option<Plan>,
}

/// The fields of the risk form, in the order the form shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RiskField {
    Description,
    Likelihood,
    Impact,
    Owner,
    Response,
    Mitigation,
}

impl RiskField {
    pub const fn key(self) -> &'static str {
        match self {
            RiskField::Description => "description",
            RiskField::Likelihood => "likelihood",
            RiskField::Impact => "impact",
            RiskField::Owner => "owner",
            RiskField::Response => "response",
            RiskField::Mitigation => "mitigation",
        }
    }
}

/// What is wrong with a field: `missing`, `too_long`, `out_of_range`, or
/// `needs_plan` (a treated or transferred risk without its plan).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskProblem {
    pub field: RiskField,
    pub problem: &'static str,
}

fn text_problem(e: TextError) -> &'static str {
    match e {
        TextError::Missing => "missing",
        TextError::TooLong { .. } => "too_long",
    }
}

/// Parse a risk against the matrix, or say everything that is wrong with it.
pub fn parse_risk(matrix: &RiskMatrix, draft: &RiskDraft<'_>) -> Result<Risk, Vec<RiskProblem>> {
    let mut problems = Vec::new();
    let mut problem = |field, problem| problems.push(RiskProblem { field, problem });
    let description = Description::parse(draft.description)
        .map_err(|e| problem(RiskField::Description, text_problem(e)))
        .ok();
    let likelihood = matrix
        .level(draft.likelihood)
        .map_err(|e| problem(RiskField::Likelihood, e.key()))
        .ok();
    let impact = matrix
        .level(draft.impact)
        .map_err(|e| problem(RiskField::Impact, e.key()))
        .ok();
    let owner = Owner::parse(draft.owner)
        .map_err(|e| problem(RiskField::Owner, text_problem(e)))
        .ok();
    let response = draft
        .response
        .parse::<Response>()
        .map_err(|_| problem(RiskField::Response, "missing"))
        .ok();
    let mitigation = match Plan::parse(draft.mitigation) {
        Ok(plan) => Some(plan),
        Err(TextError::Missing) => {
            if response.is_some_and(Response::needs_plan) {
                problem(RiskField::Mitigation, "needs_plan");
            }
            None
        }
        Err(e) => {
            problem(RiskField::Mitigation, text_problem(e));
            None
        }
    };
    match (description, likelihood, impact, owner, response) {
        (Some(description), Some(likelihood), Some(impact), Some(owner), Some(response))
            if problems.is_empty() =>
        {
            Ok(Risk {
                description,
                likelihood,
                impact,
                owner,
                response,
                mitigation,
            })
        }
        _ => Err(problems),
    }
}

/// The risk of not innovating: what happens if the council carries on as it
/// is, how likely and how bad.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotInnovating {
    pub statement: Description,
    pub likelihood: u8,
    pub impact: u8,
}

/// Parse the risk of not innovating, or say what is wrong, by field.
pub fn parse_not_innovating(
    matrix: &RiskMatrix,
    statement: &str,
    likelihood: &str,
    impact: &str,
) -> Result<NotInnovating, Vec<RiskProblem>> {
    let mut problems = Vec::new();
    let statement = Description::parse(statement)
        .map_err(|e| {
            problems.push(RiskProblem {
                field: RiskField::Description,
                problem: text_problem(e),
            })
        })
        .ok();
    let likelihood = matrix
        .level(likelihood)
        .map_err(|e| {
            problems.push(RiskProblem {
                field: RiskField::Likelihood,
                problem: e.key(),
            })
        })
        .ok();
    let impact = matrix
        .level(impact)
        .map_err(|e| {
            problems.push(RiskProblem {
                field: RiskField::Impact,
                problem: e.key(),
            })
        })
        .ok();
    match (statement, likelihood, impact) {
        (Some(statement), Some(likelihood), Some(impact)) => Ok(NotInnovating {
            statement,
            likelihood,
            impact,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_default_is_five_by_five() {
        let m = RiskMatrix::default();
        assert_eq!(m.size(), 5);
        assert_eq!(m.max_score(), 25);
        assert_eq!(RiskMatrix::new(5, 5, 10, 15), Ok(m));
        // 1–4 low, 5–9 medium, 10–14 high, 15–25 very high.
        assert_eq!(m.rating(1), Rating::Low);
        assert_eq!(m.rating(4), Rating::Low);
        assert_eq!(m.rating(5), Rating::Medium);
        assert_eq!(m.rating(9), Rating::Medium);
        assert_eq!(m.rating(10), Rating::High);
        assert_eq!(m.rating(15), Rating::VeryHigh);
        assert_eq!(m.rating(25), Rating::VeryHigh);
    }

    #[test]
    fn score_is_likelihood_times_impact() {
        let m = RiskMatrix::default();
        // Likely (4) and moderate (3): 4 × 3 = 12, high.
        let a = m.assess(4, 3);
        assert_eq!((a.score, a.rating), (12, Rating::High));
        // Rare (1) and catastrophic (5): 5, medium.
        assert_eq!(m.assess(1, 5).rating, Rating::Medium);
        assert_eq!(m.assess(5, 5).score, 25);
    }

    #[test]
    fn matrices_are_three_to_seven_with_rising_thresholds() {
        assert_eq!(RiskMatrix::new(2, 2, 3, 4), Err(MatrixError::Size));
        assert_eq!(RiskMatrix::new(8, 5, 10, 15), Err(MatrixError::Size));
        assert_eq!(RiskMatrix::new(5, 10, 10, 15), Err(MatrixError::Order));
        assert_eq!(RiskMatrix::new(5, 12, 10, 15), Err(MatrixError::Order));
        assert_eq!(RiskMatrix::new(5, 5, 10, 26), Err(MatrixError::Range));
        assert_eq!(RiskMatrix::new(5, 1, 10, 15), Err(MatrixError::Range));
        let small = RiskMatrix::new(3, 3, 5, 7).unwrap();
        assert_eq!(small.level("3"), Ok(3));
        assert_eq!(small.level("4"), Err(LevelError::OutOfRange));
        assert_eq!(small.level("0"), Err(LevelError::OutOfRange));
        assert_eq!(small.level("x"), Err(LevelError::OutOfRange));
        assert_eq!(small.level(" "), Err(LevelError::Missing));
        assert!(RiskMatrix::new(7, 6, 20, 36).is_ok());
        assert!(RiskMatrix::fits(4, 4) && !RiskMatrix::fits(4, 5));
    }

    proptest! {
        /// Ratings never fall as the score rises, the lowest score is low and
        /// the highest is very high.
        #[test]
        fn ratings_rise_with_the_score(size in MIN_SIZE..=MAX_SIZE, a in 2u8..=49, b in 2u8..=49, c in 2u8..=49) {
            let mut t = [a, b, c];
            t.sort_unstable();
            if let Ok(m) = RiskMatrix::new(size, t[0], t[1], t[2]) {
                prop_assert_eq!(m.rating(1), Rating::Low);
                prop_assert_eq!(m.rating(m.max_score()), Rating::VeryHigh);
                for s in 1..m.max_score() {
                    prop_assert!(m.rating(s) <= m.rating(s + 1));
                }
                for l in 1..=size {
                    for i in 1..=size {
                        let x = m.assess(l, i);
                        prop_assert_eq!(x.score, l * i);
                        prop_assert!(x.score >= 1 && x.score <= m.max_score());
                    }
                }
            }
        }
    }

    fn draft<'a>() -> RiskDraft<'a> {
        RiskDraft {
            description: "Crews resist the new rounds",
            likelihood: "3",
            impact: "4",
            owner: "Head of Waste Services",
            response: "treat",
            mitigation: "Design the rounds with the crews; pay for their time",
        }
    }

    #[test]
    fn a_risk_parses() {
        let risk = parse_risk(&RiskMatrix::default(), &draft()).unwrap();
        assert_eq!((risk.likelihood, risk.impact), (3, 4));
        assert_eq!(risk.response, Response::Treat);
        assert_eq!(risk.owner.as_str(), "Head of Waste Services");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let empty = RiskDraft::default();
        let problems = parse_risk(&RiskMatrix::default(), &empty).unwrap_err();
        let fields: Vec<_> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            vec![
                RiskField::Description,
                RiskField::Likelihood,
                RiskField::Impact,
                RiskField::Owner,
                RiskField::Response
            ]
        );
        // Treating a risk without saying how.
        let mut d = draft();
        d.mitigation = "  ";
        let problems = parse_risk(&RiskMatrix::default(), &d).unwrap_err();
        assert_eq!(
            problems,
            vec![RiskProblem {
                field: RiskField::Mitigation,
                problem: "needs_plan"
            }]
        );
        // Tolerating it needs no plan.
        d.response = "tolerate";
        assert!(
            parse_risk(&RiskMatrix::default(), &d)
                .unwrap()
                .mitigation
                .is_none()
        );
        // An impact off the matrix.
        let mut d = draft();
        d.impact = "6";
        assert_eq!(
            parse_risk(&RiskMatrix::default(), &d).unwrap_err()[0],
            RiskProblem {
                field: RiskField::Impact,
                problem: "out_of_range"
            }
        );
        // An unknown response.
        let mut d = draft();
        d.response = "ignore";
        assert_eq!(
            parse_risk(&RiskMatrix::default(), &d).unwrap_err()[0].field,
            RiskField::Response
        );
    }

    #[test]
    fn the_risk_of_not_innovating_has_its_own_score() {
        let m = RiskMatrix::default();
        let r = parse_not_innovating(&m, "Costs keep rising with demand", "4", "4").unwrap();
        assert_eq!(m.assess(r.likelihood, r.impact).rating, Rating::VeryHigh);
        let problems = parse_not_innovating(&m, "", "", "9").unwrap_err();
        assert_eq!(
            problems.iter().map(|p| p.problem).collect::<Vec<_>>(),
            vec!["missing", "missing", "out_of_range"]
        );
    }
}
