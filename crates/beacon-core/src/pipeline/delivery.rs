//! Delivery: a funded idea's pilot (budget against actual, milestones, how it
//! is going) and its evaluation (what it really cost and saved, how it ended,
//! what was learnt, how strong the evidence is). DESIGN.md §3.1.
//!
//! Money is whole pence (`Pence`); percentages are `Decimal`, never floats.
use super::{EvidenceLevel, Outcome, Pence, vocabulary};
use crate::role::Role;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::Date;

vocabulary! {
    /// How a pilot update says the pilot is going: red, amber or green.
    Rag, "RAG status" {
        OnTrack => "on_track",
        AtRisk => "at_risk",
        OffTrack => "off_track",
    }
}

vocabulary! {
    /// Whether a pilot is still running. A finished pilot waits for (or has)
    /// its evaluation.
    PilotStatus, "pilot status" {
        Active => "active",
        Finished => "finished",
    }
}

vocabulary! {
    /// Where a milestone stands on a given day.
    MilestoneStatus, "milestone status" {
        Done => "done",
        Due => "due",
        Overdue => "overdue",
    }
}

/// Whether someone with these roles works inside the organisation, and so
/// may follow its pilots. Residents and partners see a pilot only when it is
/// their own idea or they are on its team.
pub fn is_internal(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| !matches!(r, Role::Resident | Role::Partner))
}

/// A milestone is done once it has a done date; otherwise it is due until the
/// end of its due date, and overdue from the day after.
pub fn milestone_status(due: Date, done: Option<Date>, today: Date) -> MilestoneStatus {
    match done {
        Some(_) => MilestoneStatus::Done,
        None if today > due => MilestoneStatus::Overdue,
        None => MilestoneStatus::Due,
    }
}

/// A pilot's budget against what it has spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BudgetPosition {
    pub budget: Pence,
    pub spent: Pence,
    /// Budget less spend; negative once overspent.
    pub remaining: Pence,
    /// How far spend is over budget; zero when within it.
    pub overspend: Pence,
    /// Spend as a percentage of the budget, to one decimal place. `None`
    /// when the budget is zero (any spend then is all overspend).
    pub percent_spent: Option<Decimal>,
}

impl BudgetPosition {
    /// The position given a budget and the amounts spent. Sums saturate
    /// rather than wrap, though no real pilot comes near `i64::MAX` pence.
    pub fn of(budget: Pence, spend: impl IntoIterator<Item = Pence>) -> Self {
        let spent = spend.into_iter().fold(0i64, i64::saturating_add);
        let remaining = budget.saturating_sub(spent);
        let overspend = spent.saturating_sub(budget).max(0);
        let percent_spent = (budget != 0).then(|| percent(spent, budget));
        Self {
            budget,
            spent,
            remaining,
            overspend,
            percent_spent,
        }
    }

    pub fn overspent(&self) -> bool {
        self.overspend > 0
    }

    /// The share of the budget spent, clamped to 0–100, for drawing a bar.
    pub fn bar_fill(&self) -> Decimal {
        match self.percent_spent {
            Some(p) => p.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED),
            None if self.spent > 0 => Decimal::ONE_HUNDRED,
            None => Decimal::ZERO,
        }
    }
}

/// `part` as a percentage of `whole` (non-zero), to one decimal place,
/// halves rounded away from zero. Always shown with that one place ("25.0"),
/// so figures side by side line up.
fn percent(part: Pence, whole: Pence) -> Decimal {
    let mut p = (Decimal::from(part) * Decimal::ONE_HUNDRED / Decimal::from(whole))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    p.rescale(1);
    // A tiny shortfall rounds to 0.0, not −0.0.
    if p.is_zero() {
        p.set_sign_positive(true);
    }
    p
}

/// Realised against expected for one kind of money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Variance {
    pub expected: Pence,
    pub realised: Pence,
    /// Realised less expected: positive when more was realised than expected.
    pub difference: Pence,
    /// The difference as a percentage of the expected sum, to one decimal
    /// place; `None` when nothing was expected.
    pub percent: Option<Decimal>,
}

pub fn variance(expected: Pence, realised: Pence) -> Variance {
    let difference = realised.saturating_sub(expected);
    Variance {
        expected,
        realised,
        difference,
        percent: (expected != 0).then(|| percent(difference, expected)),
    }
}

/// The money an evaluation records, or a business case expects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Money {
    pub cost: Pence,
    pub cashable: Pence,
    pub non_cashable: Pence,
    pub social_value: Pence,
}

/// Realised against expected, line by line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MoneyVariance {
    pub cost: Variance,
    pub cashable: Variance,
    pub non_cashable: Variance,
    pub social_value: Variance,
}

pub fn money_variance(expected: Money, realised: Money) -> MoneyVariance {
    MoneyVariance {
        cost: variance(expected.cost, realised.cost),
        cashable: variance(expected.cashable, realised.cashable),
        non_cashable: variance(expected.non_cashable, realised.non_cashable),
        social_value: variance(expected.social_value, realised.social_value),
    }
}

/// What a pilot's plan must satisfy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the pilot ends before it starts")]
    EndsBeforeStart,
    #[error("a pilot may run for at most five years")]
    TooLong,
}

/// The longest pilot the app accepts: anything longer is a programme, not a
/// pilot, and almost certainly a mistyped year.
pub const MAX_PILOT_DAYS: i64 = 5 * 366;

pub fn check_pilot_dates(starts_on: Date, ends_on: Date) -> Result<(), PlanError> {
    if ends_on < starts_on {
        return Err(PlanError::EndsBeforeStart);
    }
    if (ends_on - starts_on).whole_days() > MAX_PILOT_DAYS {
        return Err(PlanError::TooLong);
    }
    Ok(())
}

/// How long the written parts of an evaluation may be.
pub const RESULTS_MAX: usize = 5000;
pub const LESSONS_MAX: usize = 5000;
pub const TRANSFERS_TO_MAX: usize = 1000;

/// Lessons must be at least a sentence: this many words…
pub const LESSONS_MIN_WORDS: usize = 3;
/// …and this many characters.
pub const LESSONS_MIN_CHARS: usize = 15;

/// Whether text reads as at least a sentence: a few real words, not "n/a".
pub fn is_a_sentence(text: &str) -> bool {
    let text = text.trim();
    let words = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    words >= LESSONS_MIN_WORDS && text.chars().count() >= LESSONS_MIN_CHARS
}

/// Whether the learning transfers to other services or places, and to what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Transfer {
    No,
    Yes(String),
}

/// An evaluation as typed, after the web layer has parsed its choices.
#[derive(Clone, Debug, Default)]
pub struct EvaluationInput<'a> {
    pub money: Money,
    pub outcome: Option<Outcome>,
    pub results: &'a str,
    pub lessons: &'a str,
    pub evidence: Option<EvidenceLevel>,
    pub transfers: Option<bool>,
    pub transfers_to: &'a str,
}

/// An evaluation that may be recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidEvaluation {
    pub money: Money,
    pub outcome: Outcome,
    pub results: String,
    /// Empty only when the idea was adopted and nothing was written.
    pub lessons: String,
    pub evidence: EvidenceLevel,
    pub transfer: Transfer,
}

/// Each way an evaluation can be refused, named by the field it concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    #[error("choose how the pilot ended")]
    OutcomeMissing,
    #[error("describe what the pilot achieved")]
    ResultsMissing,
    #[error("the results are too long")]
    ResultsTooLong,
    #[error("lessons are required when an idea is stopped or only partly adopted")]
    LessonsMissing,
    #[error("lessons must be at least a sentence")]
    LessonsTooShort,
    #[error("the lessons are too long")]
    LessonsTooLong,
    #[error("choose the level of evidence")]
    EvidenceMissing,
    #[error("say whether the learning transfers")]
    TransfersMissing,
    #[error("say what the learning transfers to")]
    TransfersToMissing,
    #[error("what the learning transfers to is too long")]
    TransfersToTooLong,
}

impl EvaluationError {
    /// The form field the error belongs to.
    pub const fn field(self) -> &'static str {
        match self {
            EvaluationError::OutcomeMissing => "outcome",
            EvaluationError::ResultsMissing | EvaluationError::ResultsTooLong => "results",
            EvaluationError::LessonsMissing
            | EvaluationError::LessonsTooShort
            | EvaluationError::LessonsTooLong => "lessons",
            EvaluationError::EvidenceMissing => "evidence",
            EvaluationError::TransfersMissing => "transfers",
            EvaluationError::TransfersToMissing | EvaluationError::TransfersToTooLong => {
                "transfers_to"
            }
        }
    }

    /// A stable name, for translation keys.
    pub const fn key(self) -> &'static str {
        match self {
            EvaluationError::OutcomeMissing => "outcome_missing",
            EvaluationError::ResultsMissing => "results_missing",
            EvaluationError::ResultsTooLong => "results_too_long",
            EvaluationError::LessonsMissing => "lessons_missing",
            EvaluationError::LessonsTooShort => "lessons_too_short",
            EvaluationError::LessonsTooLong => "lessons_too_long",
            EvaluationError::EvidenceMissing => "evidence_missing",
            EvaluationError::TransfersMissing => "transfers_missing",
            EvaluationError::TransfersToMissing => "transfers_to_missing",
            EvaluationError::TransfersToTooLong => "transfers_to_too_long",
        }
    }
}

/// Whether lessons must be written for an outcome: a stopped or partly
/// adopted idea always teaches something, and the sector learns most from
/// what did not work.
pub const fn lessons_required(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Stopped | Outcome::Partly)
}

/// Check an evaluation; every problem is reported, in the order of the form.
pub fn validate_evaluation(
    input: &EvaluationInput<'_>,
) -> Result<ValidEvaluation, Vec<EvaluationError>> {
    let mut errors = Vec::new();
    if input.outcome.is_none() {
        errors.push(EvaluationError::OutcomeMissing);
    }
    let results = input.results.trim();
    if results.is_empty() {
        errors.push(EvaluationError::ResultsMissing);
    } else if results.chars().count() > RESULTS_MAX {
        errors.push(EvaluationError::ResultsTooLong);
    }
    let lessons = input.lessons.trim();
    let required = input.outcome.is_some_and(lessons_required);
    if lessons.chars().count() > LESSONS_MAX {
        errors.push(EvaluationError::LessonsTooLong);
    } else if required && lessons.is_empty() {
        errors.push(EvaluationError::LessonsMissing);
    } else if required && !is_a_sentence(lessons) {
        errors.push(EvaluationError::LessonsTooShort);
    }
    if input.evidence.is_none() {
        errors.push(EvaluationError::EvidenceMissing);
    }
    let transfers_to = input.transfers_to.trim();
    match input.transfers {
        None => errors.push(EvaluationError::TransfersMissing),
        Some(true) if transfers_to.is_empty() => {
            errors.push(EvaluationError::TransfersToMissing);
        }
        Some(true) if transfers_to.chars().count() > TRANSFERS_TO_MAX => {
            errors.push(EvaluationError::TransfersToTooLong);
        }
        Some(_) => {}
    }
    match (input.outcome, input.evidence, input.transfers) {
        (Some(outcome), Some(evidence), Some(transfers)) if errors.is_empty() => {
            Ok(ValidEvaluation {
                money: input.money,
                outcome,
                results: results.to_owned(),
                lessons: lessons.to_owned(),
                evidence,
                transfer: if transfers {
                    Transfer::Yes(transfers_to.to_owned())
                } else {
                    Transfer::No
                },
            })
        }
        _ => Err(errors),
    }
}

/// One stage of an organisation's pipeline, as far as delivery cares: its
/// key and whether it ends the journey. Listed in pipeline order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageStep<'a> {
    pub key: &'a str,
    pub terminal: bool,
}

/// The default stages of DESIGN.md §3.1, for an organisation that has not
/// configured its own.
pub const DEFAULT_STAGES: [StageStep<'static>; 8] = [
    StageStep::open("submitted"),
    StageStep::open("screened"),
    StageStep::open("business_case"),
    StageStep::open("decision"),
    StageStep::open("pilot"),
    StageStep::open("evaluation"),
    StageStep::end("adopted"),
    StageStep::end("stopped"),
];

impl<'a> StageStep<'a> {
    pub const fn open(key: &'a str) -> Self {
        Self {
            key,
            terminal: false,
        }
    }
    pub const fn end(key: &'a str) -> Self {
        Self {
            key,
            terminal: true,
        }
    }
}

/// The position of a stage in the pipeline, terminal stages counting after
/// every other stage whatever their position in the list.
fn rank(stages: &[StageStep<'_>], key: &str) -> Option<(bool, usize)> {
    stages
        .iter()
        .position(|s| s.key == key)
        .map(|i| (stages[i].terminal, i))
}

/// Whether an idea in stage `current` is at `target` or a stage after it.
/// An idea that has ended (adopted or stopped) is after every open stage.
/// An unknown stage is never at or after anything.
pub fn at_or_after(stages: &[StageStep<'_>], current: &str, target: &str) -> bool {
    match (rank(stages, current), rank(stages, target)) {
        (Some(c), Some(t)) => c >= t,
        _ => false,
    }
}

/// Whether an idea went through `target`: it is at or after it and, if it has
/// ended, its history passed through `target` or an open stage after it. An
/// idea stopped at screening never had a pilot, though "stopped" comes later.
pub fn went_through(
    stages: &[StageStep<'_>],
    current: &str,
    history: &[&str],
    target: &str,
) -> bool {
    let Some((current_terminal, _)) = rank(stages, current) else {
        return false;
    };
    if !current_terminal {
        return at_or_after(stages, current, target);
    }
    if rank(stages, target).is_some_and(|(terminal, _)| terminal) {
        return current == target || history.contains(&target);
    }
    history.iter().any(|stage| {
        rank(stages, stage).is_some_and(|(terminal, _)| !terminal)
            && at_or_after(stages, stage, target)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::dec;
    use time::macros::date;

    #[test]
    fn milestones_are_due_until_their_day_ends() {
        let due = date!(2026 - 03 - 31);
        assert_eq!(
            milestone_status(due, None, date!(2026 - 03 - 30)),
            MilestoneStatus::Due
        );
        assert_eq!(milestone_status(due, None, due), MilestoneStatus::Due);
        assert_eq!(
            milestone_status(due, None, date!(2026 - 04 - 01)),
            MilestoneStatus::Overdue
        );
        // Done late is still done.
        assert_eq!(
            milestone_status(due, Some(date!(2026 - 05 - 01)), date!(2026 - 06 - 01)),
            MilestoneStatus::Done
        );
    }

    #[test]
    fn budget_against_actual() {
        let p = BudgetPosition::of(2_500_000, [1_000_000, 250_050]);
        assert_eq!(p.spent, 1_250_050);
        assert_eq!(p.remaining, 1_249_950);
        assert_eq!(p.overspend, 0);
        assert!(!p.overspent());
        assert_eq!(p.percent_spent, Some(dec!(50.0)));
        assert_eq!(p.bar_fill(), dec!(50.0));

        let over = BudgetPosition::of(1_000_000, [900_000, 200_000]);
        assert!(over.overspent());
        assert_eq!(over.remaining, -100_000);
        assert_eq!(over.overspend, 100_000);
        assert_eq!(over.percent_spent, Some(dec!(110.0)));
        assert_eq!(over.bar_fill(), dec!(100));

        let nothing = BudgetPosition::of(0, []);
        assert_eq!(nothing.percent_spent, None);
        assert_eq!(nothing.bar_fill(), Decimal::ZERO);
        assert!(!nothing.overspent());
        let unbudgeted = BudgetPosition::of(0, [5]);
        assert!(unbudgeted.overspent());
        assert_eq!(unbudgeted.bar_fill(), dec!(100));
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        // 1/3 → 33.3; 1/8 → 12.5; 1/16 → 6.25 → 6.3
        assert_eq!(
            BudgetPosition::of(300, [100]).percent_spent,
            Some(dec!(33.3))
        );
        assert_eq!(
            BudgetPosition::of(800, [100]).percent_spent,
            Some(dec!(12.5))
        );
        assert_eq!(
            BudgetPosition::of(1600, [100]).percent_spent,
            Some(dec!(6.3))
        );
    }

    #[test]
    fn realised_against_expected() {
        let v = variance(1_000_000, 1_200_000);
        assert_eq!(v.difference, 200_000);
        assert_eq!(v.percent, Some(dec!(20.0)));
        assert_eq!(v.percent.map(|p| p.to_string()), Some("20.0".to_owned()));
        let short = variance(1_000_000, 250_000);
        assert_eq!(short.difference, -750_000);
        assert_eq!(short.percent, Some(dec!(-75.0)));
        assert_eq!(variance(0, 500).percent, None);
        let tiny = variance(1_000_000, 999_999).percent.unwrap();
        assert_eq!(tiny.to_string(), "0.0");
        let m = money_variance(
            Money {
                cost: 100,
                cashable: 200,
                non_cashable: 0,
                social_value: 50,
            },
            Money {
                cost: 150,
                cashable: 100,
                non_cashable: 10,
                social_value: 50,
            },
        );
        assert_eq!(m.cost.percent, Some(dec!(50.0)));
        assert_eq!(m.cashable.percent, Some(dec!(-50.0)));
        assert_eq!(m.non_cashable.percent, None);
        assert_eq!(m.social_value.difference, 0);
    }

    #[test]
    fn pilot_dates() {
        assert_eq!(
            check_pilot_dates(date!(2026 - 01 - 01), date!(2026 - 01 - 01)),
            Ok(())
        );
        assert_eq!(
            check_pilot_dates(date!(2026 - 02 - 01), date!(2026 - 01 - 31)),
            Err(PlanError::EndsBeforeStart)
        );
        assert_eq!(
            check_pilot_dates(date!(2026 - 01 - 01), date!(2036 - 01 - 01)),
            Err(PlanError::TooLong)
        );
    }

    fn complete<'a>() -> EvaluationInput<'a> {
        EvaluationInput {
            money: Money::default(),
            outcome: Some(Outcome::Adopted),
            results: "Missed bin collections fell by a third.",
            lessons: "",
            evidence: EvidenceLevel::new(3),
            transfers: Some(false),
            transfers_to: "",
        }
    }

    #[test]
    fn an_adopted_idea_needs_no_lessons() {
        let valid = validate_evaluation(&complete()).unwrap();
        assert_eq!(valid.lessons, "");
        assert_eq!(valid.transfer, Transfer::No);
    }

    #[test]
    fn a_stopped_idea_needs_lessons() {
        let input = EvaluationInput {
            outcome: Some(Outcome::Stopped),
            ..complete()
        };
        assert_eq!(
            validate_evaluation(&input),
            Err(vec![EvaluationError::LessonsMissing])
        );
        let with = EvaluationInput {
            lessons: "  Residents wanted a phone call, not an app.  ",
            ..input
        };
        assert_eq!(
            validate_evaluation(&with).unwrap().lessons,
            "Residents wanted a phone call, not an app."
        );
    }

    #[test]
    fn a_partly_adopted_idea_needs_at_least_a_sentence() {
        for lessons in ["", "n/a", "Nothing.", "see notes", "a b c"] {
            let input = EvaluationInput {
                outcome: Some(Outcome::Partly),
                lessons,
                ..complete()
            };
            let errors = validate_evaluation(&input).unwrap_err();
            assert_eq!(errors.len(), 1, "{lessons:?}");
            assert_eq!(errors[0].field(), "lessons");
        }
        let input = EvaluationInput {
            outcome: Some(Outcome::Partly),
            lessons: "Only the east depot had the staff to run it.",
            ..complete()
        };
        assert!(validate_evaluation(&input).is_ok());
    }

    #[test]
    fn transfers_needs_a_description_when_yes() {
        let input = EvaluationInput {
            transfers: Some(true),
            transfers_to: "   ",
            ..complete()
        };
        assert_eq!(
            validate_evaluation(&input),
            Err(vec![EvaluationError::TransfersToMissing])
        );
        let input = EvaluationInput {
            transfers: Some(true),
            transfers_to: "Any council with a garden waste round",
            ..complete()
        };
        assert_eq!(
            validate_evaluation(&input).unwrap().transfer,
            Transfer::Yes("Any council with a garden waste round".into())
        );
        // A description typed before choosing "no" is not kept.
        let input = EvaluationInput {
            transfers: Some(false),
            transfers_to: "something",
            ..complete()
        };
        assert_eq!(validate_evaluation(&input).unwrap().transfer, Transfer::No);
    }

    #[test]
    fn an_empty_evaluation_reports_every_problem_in_form_order() {
        let errors = validate_evaluation(&EvaluationInput::default()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                EvaluationError::OutcomeMissing,
                EvaluationError::ResultsMissing,
                EvaluationError::EvidenceMissing,
                EvaluationError::TransfersMissing,
            ]
        );
        let fields: Vec<_> = errors.iter().map(|e| e.field()).collect();
        assert_eq!(fields, ["outcome", "results", "evidence", "transfers"]);
    }

    #[test]
    fn stages_at_or_after() {
        let s = &DEFAULT_STAGES;
        assert!(at_or_after(s, "pilot", "pilot"));
        assert!(at_or_after(s, "evaluation", "pilot"));
        assert!(at_or_after(s, "adopted", "evaluation"));
        assert!(at_or_after(s, "stopped", "evaluation"));
        assert!(!at_or_after(s, "decision", "pilot"));
        assert!(!at_or_after(s, "pilot", "evaluation"));
        assert!(!at_or_after(s, "nonsense", "pilot"));
        assert!(!at_or_after(s, "pilot", "nonsense"));
    }

    #[test]
    fn an_ended_idea_went_through_what_its_history_shows() {
        let s = &DEFAULT_STAGES;
        assert!(went_through(s, "pilot", &[], "pilot"));
        assert!(!went_through(s, "decision", &["pilot"], "pilot"));
        let early = ["submitted", "screened", "stopped"];
        assert!(!went_through(s, "stopped", &early, "pilot"));
        let full = [
            "submitted",
            "screened",
            "business_case",
            "decision",
            "pilot",
            "stopped",
        ];
        assert!(went_through(s, "stopped", &full, "pilot"));
        assert!(!went_through(s, "stopped", &full, "evaluation"));
        assert!(went_through(
            s,
            "adopted",
            &["evaluation", "adopted"],
            "pilot"
        ));
        assert!(went_through(s, "adopted", &[], "adopted"));
        assert!(!went_through(s, "adopted", &[], "stopped"));
    }

    #[test]
    fn residents_and_partners_are_not_internal() {
        assert!(!is_internal(&[]));
        assert!(!is_internal(&[Role::Resident]));
        assert!(!is_internal(&[Role::Partner, Role::Resident]));
        assert!(is_internal(&[Role::Resident, Role::Staff]));
        for role in Role::ALL {
            assert_eq!(
                is_internal(&[role]),
                role != Role::Resident && role != Role::Partner
            );
        }
    }

    #[test]
    fn keys_parse_back() {
        for r in Rag::ALL {
            assert_eq!(r.key().parse::<Rag>(), Ok(*r));
        }
        for s in PilotStatus::ALL {
            assert_eq!(s.key().parse::<PilotStatus>(), Ok(*s));
        }
        assert!("green".parse::<Rag>().is_err());
    }

    proptest! {
        #[test]
        fn spent_and_remaining_add_up_to_the_budget(
            budget in 0i64..100_000_000_000,
            spend in proptest::collection::vec(0i64..10_000_000_000, 0..40),
        ) {
            let p = BudgetPosition::of(budget, spend.iter().copied());
            prop_assert_eq!(p.spent, spend.iter().sum::<i64>());
            prop_assert_eq!(p.spent + p.remaining, budget);
            prop_assert_eq!(p.overspent(), p.spent > budget);
            prop_assert_eq!(p.overspend, (p.spent - budget).max(0));
            prop_assert!(p.bar_fill() >= Decimal::ZERO && p.bar_fill() <= Decimal::ONE_HUNDRED);
            if let Some(pct) = p.percent_spent {
                // Within rounding of the exact share, and 100 exactly at budget.
                let exact = Decimal::from(p.spent) * Decimal::ONE_HUNDRED / Decimal::from(budget);
                prop_assert!((pct - exact).abs() <= dec!(0.05));
                if p.spent <= budget {
                    prop_assert!(pct <= Decimal::ONE_HUNDRED);
                } else {
                    prop_assert!(pct >= Decimal::ONE_HUNDRED);
                }
            }
        }

        #[test]
        fn variance_is_realised_less_expected(
            expected in -1_000_000_000i64..100_000_000_000,
            realised in -1_000_000_000i64..100_000_000_000,
        ) {
            let v = variance(expected, realised);
            prop_assert_eq!(v.expected + v.difference, realised);
            prop_assert_eq!(v.percent.is_none(), expected == 0);
            if let (Some(p), true) = (v.percent, expected > 0) {
                // Against a positive expectation, the percentage has the
                // difference's sign (or rounds to zero).
                prop_assert!(v.difference >= 0 || p <= Decimal::ZERO);
                prop_assert!(v.difference <= 0 || p >= Decimal::ZERO);
            }
        }

        #[test]
        fn milestone_status_follows_the_calendar(
            due_offset in -400i64..400,
            done in proptest::option::of(-400i64..400),
        ) {
            let today = date!(2026 - 06 - 15);
            let due = today + time::Duration::days(due_offset);
            let done = done.map(|d| today + time::Duration::days(d));
            let status = milestone_status(due, done, today);
            prop_assert_eq!(status == MilestoneStatus::Done, done.is_some());
            prop_assert_eq!(status == MilestoneStatus::Overdue, done.is_none() && due < today);
        }

        #[test]
        fn required_lessons_are_always_a_sentence(
            lessons in "\\PC{0,80}",
            outcome in proptest::sample::select(Outcome::ALL),
        ) {
            let input = EvaluationInput { outcome: Some(outcome), lessons: &lessons, ..complete() };
            match validate_evaluation(&input) {
                Ok(v) => {
                    prop_assert_eq!(v.lessons.as_str(), lessons.trim());
                    if lessons_required(outcome) {
                        prop_assert!(is_a_sentence(&v.lessons));
                    }
                }
                Err(errors) => {
                    prop_assert!(lessons_required(outcome));
                    prop_assert!(errors.iter().all(|e| e.field() == "lessons"));
                }
            }
        }

        #[test]
        fn a_valid_evaluation_keeps_its_choices(
            level in 1u8..=5,
            outcome in proptest::sample::select(Outcome::ALL),
            transfers in any::<bool>(),
            cost in 0i64..1_000_000_000,
        ) {
            let input = EvaluationInput {
                money: Money { cost, ..Money::default() },
                outcome: Some(outcome),
                lessons: "What we learnt will help the next team.",
                evidence: EvidenceLevel::new(level),
                transfers: Some(transfers),
                transfers_to: "Other districts",
                ..complete()
            };
            let v = validate_evaluation(&input).unwrap();
            prop_assert_eq!(v.outcome, outcome);
            prop_assert_eq!(v.evidence.get(), level);
            prop_assert_eq!(v.money.cost, cost);
            prop_assert_eq!(matches!(v.transfer, Transfer::Yes(_)), transfers);
        }
    }
}
