//! The panel of DESIGN.md §3.1: reviewers declare conflicts, score a business
//! case privately against the challenge's weighted criteria, see the
//! aggregate only once they have scored, and a decision funds an idea from
//! the pot — never beyond it — or declines it with a reason.
//!
//! Everything here is arithmetic and rules; the database keeps the facts
//! (`beacon_db::panel`) and enforces the same rules under concurrency.
use super::{FundingModel, Pence};
use crate::text::{BoundedText, TextError};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A score on the panel's scale, 0 (no case made) to 5 (excellent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Score(u8);

impl Score {
    pub const MAX: u8 = 5;

    /// Every score, lowest first, as a form offers them.
    pub const ALL: [Score; 6] = [Score(0), Score(1), Score(2), Score(3), Score(4), Score(5)];

    pub fn new(value: u8) -> Option<Self> {
        (value <= Self::MAX).then_some(Score(value))
    }

    /// A score as a form sends it: one digit from 0 to 5, nothing else.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.as_bytes() {
            [d @ b'0'..=b'5'] => Some(Score(d - b'0')),
            _ => None,
        }
    }

    pub const fn get(self) -> u8 {
        self.0
    }

    /// The stable key of what the score means, for translations:
    /// `panel.scale.<key>` and `panel.scale.<key>_hint`.
    pub const fn descriptor(self) -> &'static str {
        match self.0 {
            0 => "none",
            1 => "poor",
            2 => "weak",
            3 => "adequate",
            4 => "good",
            _ => "excellent",
        }
    }

    pub fn decimal(self) -> Decimal {
        Decimal::from(self.0)
    }
}

/// How much a criterion counts. Weights are relative: 2 counts twice as much
/// as 1. A criterion may weigh nothing; a negative weight is not a weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Weight(u32);

impl Weight {
    /// The weight of each default criterion.
    pub const ONE: Weight = Weight(1);

    pub fn new(value: i64) -> Option<Self> {
        u32::try_from(value).ok().map(Weight)
    }

    pub const fn get(self) -> u32 {
        self.0
    }
}

/// Criteria used when an idea is outside a challenge, or its challenge names
/// none: each counts the same. Their names are translations,
/// `panel.criterion.<key>`.
pub const DEFAULT_CRITERIA: [&str; 4] = [
    "strategic_fit",
    "value_for_money",
    "deliverability",
    "evidence",
];

/// One criterion's score on a reviewer's sheet, with the weight it had when
/// it was scored (so that a later change to the criteria does not rewrite
/// what the panel saw).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark<K> {
    pub criterion: K,
    pub weight: Weight,
    pub score: Score,
}

/// A sheet's weighted total on the 0–5 scale: Σ weight × score ÷ Σ weight.
/// When every criterion weighs nothing, they count the same. `None` for an
/// empty sheet.
pub fn weighted_total<K>(marks: &[Mark<K>]) -> Option<Decimal> {
    if marks.is_empty() {
        return None;
    }
    let weights: Decimal = marks.iter().map(|m| Decimal::from(m.weight.get())).sum();
    if weights.is_zero() {
        let sum: Decimal = marks.iter().map(|m| m.score.decimal()).sum();
        return Some(sum / Decimal::from(marks.len()));
    }
    let sum: Decimal = marks
        .iter()
        .map(|m| Decimal::from(m.weight.get()) * m.score.decimal())
        .sum();
    Some(sum / weights)
}

/// Pair each criterion with the score given for it, in the criteria's
/// order. A sheet must be complete: the error lists every criterion that has
/// no score, so a form can say so beside each one.
pub fn complete_sheet<K: Clone>(
    criteria: &[(K, Weight)],
    mut score_for: impl FnMut(&K) -> Option<Score>,
) -> Result<Vec<Mark<K>>, Vec<K>> {
    let mut marks = Vec::with_capacity(criteria.len());
    let mut missing = Vec::new();
    for (criterion, weight) in criteria {
        match score_for(criterion) {
            Some(score) => marks.push(Mark {
                criterion: criterion.clone(),
                weight: *weight,
                score,
            }),
            None => missing.push(criterion.clone()),
        }
    }
    if missing.is_empty() && !marks.is_empty() {
        Ok(marks)
    } else {
        Err(missing)
    }
}

/// One reviewer's scores on one idea, and whether they declared a conflict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet<R, K> {
    pub reviewer: R,
    pub conflicted: bool,
    pub marks: Vec<Mark<K>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewerTotal<R> {
    pub reviewer: R,
    pub total: Decimal,
}

/// What the panel scored one criterion, across the reviewers who count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriterionSummary<K> {
    pub criterion: K,
    /// The weight the criterion had when it was last scored.
    pub weight: Weight,
    pub mean: Decimal,
    pub min: Score,
    pub max: Score,
    pub count: usize,
}

/// The panel's view of an idea once a reviewer may see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aggregate<R, K> {
    /// Each counted reviewer's weighted total, in the order given.
    pub reviewers: Vec<ReviewerTotal<R>>,
    /// Reviewers left out because they declared a conflict.
    pub excluded: usize,
    /// Each criterion, in the order first seen.
    pub criteria: Vec<CriterionSummary<K>>,
    /// The mean of the reviewers' weighted totals.
    pub mean: Option<Decimal>,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    /// `max − min`: how far the panel is from agreeing.
    pub spread: Option<Decimal>,
}

impl<R, K> Aggregate<R, K> {
    pub fn is_empty(&self) -> bool {
        self.reviewers.is_empty()
    }
}

/// Aggregate the sheets of an idea. Reviewers who declared a conflict, and
/// empty sheets, do not count.
pub fn aggregate<R: Clone, K: Clone + PartialEq>(sheets: &[Sheet<R, K>]) -> Aggregate<R, K> {
    let mut reviewers = Vec::new();
    let mut excluded = 0;
    // (criterion, weight, sum, min, max, count)
    let mut criteria: Vec<(K, Weight, Decimal, Score, Score, usize)> = Vec::new();
    for sheet in sheets {
        if sheet.conflicted {
            excluded += 1;
            continue;
        }
        let Some(total) = weighted_total(&sheet.marks) else {
            continue;
        };
        reviewers.push(ReviewerTotal {
            reviewer: sheet.reviewer.clone(),
            total,
        });
        for mark in &sheet.marks {
            match criteria.iter_mut().find(|c| c.0 == mark.criterion) {
                Some(c) => {
                    c.1 = mark.weight;
                    c.2 += mark.score.decimal();
                    c.3 = c.3.min(mark.score);
                    c.4 = c.4.max(mark.score);
                    c.5 += 1;
                }
                None => criteria.push((
                    mark.criterion.clone(),
                    mark.weight,
                    mark.score.decimal(),
                    mark.score,
                    mark.score,
                    1,
                )),
            }
        }
    }
    let totals: Vec<Decimal> = reviewers.iter().map(|r| r.total).collect();
    let min = totals.iter().copied().min();
    let max = totals.iter().copied().max();
    let mean = (!totals.is_empty())
        .then(|| totals.iter().copied().sum::<Decimal>() / Decimal::from(totals.len()));
    Aggregate {
        reviewers,
        excluded,
        criteria: criteria
            .into_iter()
            .map(
                |(criterion, weight, sum, min, max, count)| CriterionSummary {
                    criterion,
                    weight,
                    mean: sum / Decimal::from(count),
                    min,
                    max,
                    count,
                },
            )
            .collect(),
        mean,
        min,
        max,
        spread: min.zip(max).map(|(lo, hi)| hi - lo),
    }
}

/// A mark on the 0–5 scale as people read it: two decimal places.
pub fn shown(value: Decimal) -> Decimal {
    value.round_dp(2)
}

/// Where a reviewer stands on one idea, which decides what they may do and
/// see (PROMISES.md 6): declare first; score only without a conflict; see
/// the others' scores and the aggregate only after scoring, so that no one
/// is swayed; with a conflict, see no scores at all and take no part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    Undeclared,
    Conflicted,
    /// Declared no conflict, not scored yet.
    Declared,
    Scored,
}

impl Standing {
    /// From what is recorded: the declaration (`Some(conflict)`) if any, and
    /// whether the reviewer's scores are in.
    pub fn from_record(declared: Option<bool>, scored: bool) -> Self {
        match (declared, scored) {
            (None, _) => Standing::Undeclared,
            (Some(true), _) => Standing::Conflicted,
            (Some(false), false) => Standing::Declared,
            (Some(false), true) => Standing::Scored,
        }
    }

    pub fn may_declare(self) -> bool {
        self == Standing::Undeclared
    }

    pub fn may_score(self) -> bool {
        self == Standing::Declared
    }

    pub fn sees_scores(self) -> bool {
        self == Standing::Scored
    }

    /// A reviewer with an interest in the idea takes no part in its funding.
    pub fn may_decide(self) -> bool {
        self != Standing::Conflicted
    }
}

/// What a reviewer says their interest in an idea is.
pub type Interest = BoundedText<2000>;
/// A reviewer's comment on one criterion.
pub type Comment = BoundedText<2000>;
/// Why an idea was not funded.
pub type DeclineReason = BoundedText<2000>;

/// An optional comment: blank is none, too long is an error.
pub fn optional_comment(raw: &str) -> Result<Option<Comment>, TextError> {
    match Comment::parse(raw) {
        Ok(c) => Ok(Some(c)),
        Err(TextError::Missing) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A challenge's pot: what it holds and what decisions have taken from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pot {
    total: Pence,
    allocated: Pence,
}

impl Pot {
    /// A pot that makes sense: nothing negative, nothing overspent.
    pub fn new(total: Pence, allocated: Pence) -> Option<Self> {
        (total >= 0 && allocated >= 0 && allocated <= total).then_some(Pot { total, allocated })
    }

    pub const fn total(self) -> Pence {
        self.total
    }

    pub const fn allocated(self) -> Pence {
        self.allocated
    }

    pub const fn remaining(self) -> Pence {
        self.total - self.allocated
    }

    /// Take `amount` from the pot, or refuse and leave it as it was.
    pub fn allocate(&mut self, amount: Pence) -> Result<(), FundingError> {
        if amount <= 0 {
            return Err(FundingError::NotPositive);
        }
        if amount > self.remaining() {
            return Err(FundingError::ExceedsPot {
                remaining: self.remaining(),
            });
        }
        self.allocated += amount;
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FundingError {
    #[error("the amount must be more than nothing")]
    NotPositive,
    /// Funding from a challenge pot was asked for an idea whose challenge
    /// has none (or that is in no challenge).
    #[error("there is no pot to fund this idea from")]
    NoPot,
    #[error("only {remaining} pence remain in the pot")]
    ExceedsPot { remaining: Pence },
    #[error("the business case asked for {asked} pence")]
    ExceedsAsk { asked: Pence },
}

/// A funding decision, checked: `Funded` only for a positive amount within
/// what the business case asked for (when known) and, when it comes from
/// the challenge's pot, within what remains in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Decision {
    Funded { amount: Pence, model: FundingModel },
    Declined { reason: String },
}

impl Decision {
    pub fn funded(
        amount: Pence,
        model: FundingModel,
        pot: Option<Pot>,
        asked: Option<Pence>,
    ) -> Result<Self, FundingError> {
        if amount <= 0 {
            return Err(FundingError::NotPositive);
        }
        // The pot first: what remains in it is what the panel most needs to know.
        if model == FundingModel::ChallengePot {
            let mut pot = pot.ok_or(FundingError::NoPot)?;
            pot.allocate(amount)?;
        }
        if let Some(asked) = asked.filter(|a| *a > 0)
            && amount > asked
        {
            return Err(FundingError::ExceedsAsk { asked });
        }
        Ok(Decision::Funded { amount, model })
    }

    pub fn declined(reason: DeclineReason) -> Self {
        Decision::Declined {
            reason: reason.into_string(),
        }
    }

    /// Stored in `funding_decisions.outcome`.
    pub const fn outcome_key(&self) -> &'static str {
        match self {
            Decision::Funded { .. } => "funded",
            Decision::Declined { .. } => "declined",
        }
    }

    /// What the decision takes from the challenge's pot.
    pub fn from_pot(&self) -> Option<Pence> {
        match self {
            Decision::Funded {
                amount,
                model: FundingModel::ChallengePot,
            } => Some(*amount),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::dec;

    fn mark(criterion: &'static str, weight: u32, score: u8) -> Mark<&'static str> {
        Mark {
            criterion,
            weight: Weight(weight),
            score: Score::new(score).unwrap(),
        }
    }

    fn sheet(
        reviewer: &'static str,
        conflicted: bool,
        marks: Vec<Mark<&'static str>>,
    ) -> Sheet<&'static str, &'static str> {
        Sheet {
            reviewer,
            conflicted,
            marks,
        }
    }

    #[test]
    fn scores_run_from_nought_to_five_and_parse_one_digit() {
        assert_eq!(Score::parse("0"), Score::new(0));
        assert_eq!(Score::parse("5"), Score::new(5));
        for bad in ["6", "-1", "", " 3", "3 ", "03", "3.0", "five", "٣"] {
            assert_eq!(Score::parse(bad), None, "{bad:?}");
        }
        assert!(Score::new(6).is_none());
        let keys: Vec<_> = Score::ALL.iter().map(|s| s.descriptor()).collect();
        assert_eq!(
            keys,
            ["none", "poor", "weak", "adequate", "good", "excellent"]
        );
    }

    #[test]
    fn weights_are_never_negative() {
        assert_eq!(Weight::new(-1), None);
        assert_eq!(Weight::new(0).map(Weight::get), Some(0));
        assert_eq!(Weight::new(i64::from(u32::MAX) + 1), None);
    }

    #[test]
    fn the_weighted_total_counts_each_criterion_by_its_weight() {
        // (3×4 + 1×2) ÷ 4 = 3.5
        let marks = [mark("impact", 3, 4), mark("cost", 1, 2)];
        assert_eq!(weighted_total(&marks), Some(dec!(3.5)));
        // Thirds stay exact enough to round as people expect.
        let marks = [mark("a", 1, 5), mark("b", 1, 4), mark("c", 1, 4)];
        assert_eq!(weighted_total(&marks).map(shown), Some(dec!(4.33)));
        assert_eq!(weighted_total::<&str>(&[]), None);
    }

    #[test]
    fn criteria_that_all_weigh_nothing_count_the_same() {
        let marks = [mark("a", 0, 5), mark("b", 0, 2)];
        assert_eq!(weighted_total(&marks), Some(dec!(3.5)));
        // One weightless criterion among others simply does not count.
        let marks = [mark("a", 0, 0), mark("b", 2, 4)];
        assert_eq!(weighted_total(&marks), Some(dec!(4)));
    }

    #[test]
    fn a_sheet_must_score_every_criterion() {
        let criteria = [
            ("impact", Weight(2)),
            ("cost", Weight(1)),
            ("risk", Weight(1)),
        ];
        let missing = complete_sheet(&criteria, |c| (*c == "impact").then_some(Score(4)));
        assert_eq!(missing, Err(vec!["cost", "risk"]));
        let full = complete_sheet(&criteria, |_| Score::new(3)).unwrap();
        assert_eq!(full.len(), 3);
        assert_eq!(full[0].weight, Weight(2));
        assert_eq!(
            complete_sheet::<&str>(&[], |_| Score::new(3)),
            Err(vec![]),
            "no criteria, no sheet"
        );
    }

    #[test]
    fn the_aggregate_leaves_out_reviewers_with_a_conflict() {
        let sheets = vec![
            sheet("ann", false, vec![mark("impact", 3, 4), mark("cost", 1, 2)]),
            sheet("bob", false, vec![mark("impact", 3, 2), mark("cost", 1, 2)]),
            sheet("cat", true, vec![mark("impact", 3, 5), mark("cost", 1, 5)]),
            sheet("dan", true, vec![]),
        ];
        let agg = aggregate(&sheets);
        assert_eq!(agg.excluded, 2);
        let names: Vec<_> = agg.reviewers.iter().map(|r| r.reviewer).collect();
        assert_eq!(names, ["ann", "bob"]);
        assert_eq!(agg.reviewers[0].total, dec!(3.5));
        assert_eq!(agg.reviewers[1].total, dec!(2));
        assert_eq!(agg.mean, Some(dec!(2.75)));
        assert_eq!(agg.min, Some(dec!(2)));
        assert_eq!(agg.max, Some(dec!(3.5)));
        assert_eq!(agg.spread, Some(dec!(1.5)));
        assert_eq!(agg.criteria.len(), 2);
        let impact = &agg.criteria[0];
        assert_eq!(impact.criterion, "impact");
        assert_eq!(impact.mean, dec!(3));
        assert_eq!(
            (impact.min, impact.max, impact.count),
            (Score(2), Score(4), 2)
        );
    }

    #[test]
    fn no_sheets_no_aggregate() {
        let agg = aggregate::<&str, &str>(&[]);
        assert!(agg.is_empty());
        assert_eq!(
            (agg.mean, agg.min, agg.max, agg.spread),
            (None, None, None, None)
        );
    }

    #[test]
    fn scores_are_seen_only_after_scoring_and_never_with_a_conflict() {
        use Standing::*;
        assert_eq!(Standing::from_record(None, false), Undeclared);
        assert_eq!(Standing::from_record(Some(true), false), Conflicted);
        // A conflict outranks any scores that somehow exist.
        assert_eq!(Standing::from_record(Some(true), true), Conflicted);
        assert_eq!(Standing::from_record(Some(false), false), Declared);
        assert_eq!(Standing::from_record(Some(false), true), Scored);
        for s in [Undeclared, Conflicted, Declared, Scored] {
            assert_eq!(s.sees_scores(), s == Scored);
            assert_eq!(s.may_score(), s == Declared);
            assert_eq!(s.may_declare(), s == Undeclared);
            assert_eq!(s.may_decide(), s != Conflicted);
        }
    }

    #[test]
    fn comments_are_optional_but_bounded() {
        assert_eq!(optional_comment("  "), Ok(None));
        assert_eq!(
            optional_comment(" Strong evidence ").map(|c| c.map(Comment::into_string)),
            Ok(Some("Strong evidence".to_owned()))
        );
        assert_eq!(
            optional_comment(&"x".repeat(2001)),
            Err(TextError::TooLong { max: 2000 })
        );
    }

    #[test]
    fn funding_from_the_pot_is_positive_and_within_what_remains() {
        let pot = Pot::new(100_000, 60_000);
        assert_eq!(pot.map(Pot::remaining), Some(40_000));
        let fund = |amount, model, pot, asked| Decision::funded(amount, model, pot, asked);
        use FundingModel::*;
        assert_eq!(
            fund(40_000, ChallengePot, pot, None),
            Ok(Decision::Funded {
                amount: 40_000,
                model: ChallengePot
            })
        );
        assert_eq!(
            fund(40_001, ChallengePot, pot, None),
            Err(FundingError::ExceedsPot { remaining: 40_000 })
        );
        assert_eq!(
            fund(0, ChallengePot, pot, None),
            Err(FundingError::NotPositive)
        );
        assert_eq!(
            fund(-5, ServiceBudget, None, None),
            Err(FundingError::NotPositive)
        );
        assert_eq!(fund(10, ChallengePot, None, None), Err(FundingError::NoPot));
        // Other money is not the pot's to limit, but the ask still is.
        assert!(fund(10_000_000, ServiceBudget, pot, None).is_ok());
        assert_eq!(
            fund(30_001, PartnerInvestment, pot, Some(30_000)),
            Err(FundingError::ExceedsAsk { asked: 30_000 })
        );
        assert_eq!(
            fund(35_000, ChallengePot, pot, Some(30_000)),
            Err(FundingError::ExceedsAsk { asked: 30_000 })
        );
        // Beyond both, the pot is what the panel hears about.
        assert_eq!(
            fund(50_000, ChallengePot, pot, Some(30_000)),
            Err(FundingError::ExceedsPot { remaining: 40_000 })
        );
        // An ask of nothing is no ask.
        assert!(fund(100, RiskReward, None, Some(0)).is_ok());
    }

    #[test]
    fn pots_that_make_no_sense_are_refused() {
        assert!(Pot::new(-1, 0).is_none());
        assert!(Pot::new(10, -1).is_none());
        assert!(Pot::new(10, 11).is_none());
        assert!(Pot::new(0, 0).is_some());
    }

    #[test]
    fn a_decision_names_its_outcome_and_what_it_takes_from_the_pot() {
        let funded = Decision::Funded {
            amount: 500,
            model: FundingModel::ChallengePot,
        };
        assert_eq!(funded.outcome_key(), "funded");
        assert_eq!(funded.from_pot(), Some(500));
        let budget = Decision::Funded {
            amount: 500,
            model: FundingModel::ServiceBudget,
        };
        assert_eq!(budget.from_pot(), None);
        let declined = Decision::declined(DeclineReason::parse("Not yet ready").unwrap());
        assert_eq!(declined.outcome_key(), "declined");
        assert_eq!(declined.from_pot(), None);
    }

    fn any_mark() -> impl Strategy<Value = Mark<u8>> {
        (0u8..6, 0u32..1000, 0u8..=5).prop_map(|(criterion, weight, score)| Mark {
            criterion,
            weight: Weight(weight),
            score: Score(score),
        })
    }

    fn any_sheet() -> impl Strategy<Value = Sheet<u8, u8>> {
        (
            any::<u8>(),
            any::<bool>(),
            prop::collection::vec(any_mark(), 0..6),
        )
            .prop_map(|(reviewer, conflicted, marks)| Sheet {
                reviewer,
                conflicted,
                marks,
            })
    }

    fn on_the_scale(d: Decimal) -> bool {
        d >= Decimal::ZERO && d <= Decimal::from(Score::MAX)
    }

    proptest! {
        #[test]
        fn every_weighted_total_is_on_the_scale(marks in prop::collection::vec(any_mark(), 1..8)) {
            let total = weighted_total(&marks).unwrap();
            prop_assert!(on_the_scale(total), "{total}");
            let lowest = marks.iter().map(|m| m.score).min().unwrap().decimal();
            let highest = marks.iter().map(|m| m.score).max().unwrap().decimal();
            prop_assert!(total >= lowest && total <= highest);
        }

        #[test]
        fn the_aggregate_is_on_the_scale_and_between_its_extremes(sheets in prop::collection::vec(any_sheet(), 0..8)) {
            let agg = aggregate(&sheets);
            for r in &agg.reviewers {
                prop_assert!(on_the_scale(r.total));
            }
            for c in &agg.criteria {
                prop_assert!(on_the_scale(c.mean));
                prop_assert!(c.mean >= c.min.decimal() && c.mean <= c.max.decimal());
            }
            match (agg.mean, agg.min, agg.max, agg.spread) {
                (Some(mean), Some(min), Some(max), Some(spread)) => {
                    prop_assert!(on_the_scale(mean) && on_the_scale(min) && on_the_scale(max));
                    prop_assert!(min <= mean && mean <= max);
                    prop_assert_eq!(spread, max - min);
                }
                (None, None, None, None) => prop_assert!(agg.reviewers.is_empty()),
                other => prop_assert!(false, "inconsistent aggregate {other:?}"),
            }
            prop_assert_eq!(agg.excluded, sheets.iter().filter(|s| s.conflicted).count());
        }

        #[test]
        fn conflicted_reviewers_never_move_the_aggregate(
            sheets in prop::collection::vec(any_sheet(), 0..6),
            conflicted in prop::collection::vec(any_sheet(), 1..4),
        ) {
            let clean: Vec<_> = sheets.into_iter().filter(|s| !s.conflicted).collect();
            let mut mixed = clean.clone();
            for (i, mut s) in conflicted.into_iter().enumerate() {
                s.conflicted = true;
                mixed.insert(i.min(mixed.len()), s);
            }
            let a = aggregate(&clean);
            let b = aggregate(&mixed);
            prop_assert_eq!(a.reviewers, b.reviewers);
            prop_assert_eq!(a.criteria, b.criteria);
            prop_assert_eq!(a.mean, b.mean);
            prop_assert_eq!(a.spread, b.spread);
        }

        #[test]
        fn allocations_never_exceed_the_pot(
            total in 0i64..10_000_000,
            asks in prop::collection::vec(-1_000i64..5_000_000, 0..40),
        ) {
            let mut pot = Pot::new(total, 0).unwrap();
            let mut granted = 0i64;
            for amount in asks {
                let before = pot;
                match pot.allocate(amount) {
                    Ok(()) => {
                        prop_assert!(amount > 0 && amount <= before.remaining());
                        granted += amount;
                    }
                    Err(_) => prop_assert_eq!(pot, before, "a refusal changes nothing"),
                }
                prop_assert!(pot.allocated() <= pot.total());
                prop_assert_eq!(pot.allocated(), granted);
            }
        }

        #[test]
        fn a_funded_decision_from_the_pot_fits_in_it(
            total in 0i64..1_000_000,
            spent in 0i64..1_000_000,
            amount in any::<i64>(),
            asked in prop::option::of(0i64..1_000_000),
        ) {
            let pot = Pot::new(total.max(spent), spent.min(total));
            if let Ok(decision) = Decision::funded(amount, FundingModel::ChallengePot, pot, asked) {
                let from_pot = decision.from_pot().unwrap();
                prop_assert!(from_pot > 0);
                prop_assert!(from_pot <= pot.unwrap().remaining());
                if let Some(asked) = asked.filter(|a| *a > 0) {
                    prop_assert!(from_pot <= asked);
                }
            }
        }
    }
}
