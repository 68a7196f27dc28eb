//! A person's journey into a vacancy (DESIGN.md §3.2): invited → interested →
//! assessed → offered → trial → placed, or returned to the pool from any step
//! before placed. Moves happen only in order and only by the right party
//! (PROMISES.md 6):
//!
//! | move | from | by |
//! |---|---|---|
//! | interested | invited | the person |
//! | declined (→ returned) | invited | the person |
//! | assessed | interested | HR or the vacancy's manager |
//! | offered | assessed | HR or the vacancy's manager; a training plan when the person has gaps |
//! | trial | offered | HR or the vacancy's manager, with the trial's start |
//! | placed | trial | HR, once the manager has recorded that the trial was passed |
//! | returned | any step before placed | HR; the manager before a trial starts |
//!
//! The trial is four calendar weeks by default (`Settings::trial_days`), the
//! statutory trial period of the Employment Rights Act 1996 s.138: the period
//! of four weeks *beginning with* the day the person starts, so its last day
//! is the 28th. It may be extended for retraining (s.138(6)) only by a written
//! agreement that says when the extended trial ends.
use super::JourneyStep;
use crate::pipeline::vocabulary;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

vocabulary! {
    /// What the vacancy's manager records at the end of a trial.
    TrialOutcome, "trial outcome" {
        Passed => "passed",
        NotPassed => "not_passed",
    }
}

/// A move someone asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    /// The person wants to go on.
    Interested,
    /// The person does not want to go on; they stay in the pool.
    Decline,
    Assess,
    Offer,
    StartTrial,
    Place,
    /// Back to the pool.
    Return,
}

impl Move {
    pub const ALL: [Move; 7] = [
        Move::Interested,
        Move::Decline,
        Move::Assess,
        Move::Offer,
        Move::StartTrial,
        Move::Place,
        Move::Return,
    ];

    /// The step the journey is at after the move.
    pub const fn target(self) -> JourneyStep {
        match self {
            Move::Interested => JourneyStep::Interested,
            Move::Decline | Move::Return => JourneyStep::Returned,
            Move::Assess => JourneyStep::Assessed,
            Move::Offer => JourneyStep::Offered,
            Move::StartTrial => JourneyStep::Trial,
            Move::Place => JourneyStep::Placed,
        }
    }

    pub const fn key(self) -> &'static str {
        match self {
            Move::Interested => "interested",
            Move::Decline => "decline",
            Move::Assess => "assess",
            Move::Offer => "offer",
            Move::StartTrial => "start_trial",
            Move::Place => "place",
            Move::Return => "return",
        }
    }

    pub fn parse(raw: &str) -> Option<Move> {
        Move::ALL.into_iter().find(|m| m.key() == raw)
    }

    /// The step the move must start from; `Return` starts from several.
    fn comes_from(self, step: JourneyStep) -> bool {
        use JourneyStep::*;
        match self {
            Move::Interested | Move::Decline => step == Invited,
            Move::Assess => step == Interested,
            Move::Offer => step == Assessed,
            Move::StartTrial => step == Offered,
            Move::Place => step == Trial,
            Move::Return => !is_final(step),
        }
    }
}

/// Placed and returned end a journey.
pub const fn is_final(step: JourneyStep) -> bool {
    matches!(step, JourneyStep::Placed | JourneyStep::Returned)
}

/// How the person asking stands to this journey. One person may be several
/// (an HR officer who raised the vacancy is also its manager).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Who {
    /// The member of staff whose journey it is.
    pub person: bool,
    /// Runs the talent pool.
    pub hr: bool,
    /// Raised the vacancy.
    pub manager: bool,
}

/// Why a move, outcome or extension was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not this party's move (a 403).
    #[error("not yours to take")]
    NotYours,
    /// Not from this step: someone moved it first, or it is out of order.
    #[error("not from this step")]
    OutOfOrder,
}

/// Whether `who` may make `mv` from `step`.
pub fn check_move(who: Who, step: JourneyStep, mv: Move) -> Result<JourneyStep, Refusal> {
    let party = match mv {
        Move::Interested | Move::Decline => who.person,
        Move::Assess | Move::Offer | Move::StartTrial => who.hr || who.manager,
        Move::Place => who.hr,
        Move::Return => {
            who.hr
                || (who.manager
                    && matches!(
                        step,
                        JourneyStep::Invited
                            | JourneyStep::Interested
                            | JourneyStep::Assessed
                            | JourneyStep::Offered
                    ))
        }
    };
    if !party {
        return Err(Refusal::NotYours);
    }
    if !mv.comes_from(step) {
        return Err(Refusal::OutOfOrder);
    }
    Ok(mv.target())
}

/// The moves `who` may make from `step`, in the order a page offers them.
pub fn moves_for(who: Who, step: JourneyStep) -> Vec<Move> {
    Move::ALL
        .into_iter()
        .filter(|m| check_move(who, step, *m).is_ok())
        .collect()
}

/// Only the vacancy's manager records how the trial went, and only during it.
pub fn check_outcome(who: Who, step: JourneyStep) -> Result<(), Refusal> {
    if !who.manager {
        return Err(Refusal::NotYours);
    }
    if step != JourneyStep::Trial {
        return Err(Refusal::OutOfOrder);
    }
    Ok(())
}

/// HR or the manager extend a running trial.
pub fn check_extension(who: Who, step: JourneyStep) -> Result<(), Refusal> {
    if !(who.hr || who.manager) {
        return Err(Refusal::NotYours);
    }
    if step != JourneyStep::Trial {
        return Err(Refusal::OutOfOrder);
    }
    Ok(())
}

/// The longest text a note, plan or agreement may be.
pub const MAX_TEXT: usize = 4_000;
/// An extended trial ends at most this many days after it started.
pub const MAX_TRIAL_DAYS: i64 = 365;

/// Something wrong with what was typed; `field()` names the form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("a training plan is needed: the person does not yet meet every requirement")]
    TrainingPlanRequired,
    #[error("the trial's start date is missing or not a real date")]
    StartMissing,
    #[error("the trial cannot start before the offer was made")]
    StartBeforeOffer,
    #[error("the trial must start within a year")]
    StartTooLate,
    #[error("choose whether the trial was passed")]
    OutcomeMissing,
    #[error("the trial outcome must be recorded as passed first")]
    NotPassed,
    #[error("the written agreement is needed")]
    AgreementRequired,
    #[error("the new end date is missing or not a real date")]
    EndMissing,
    #[error("the new end date must be after the trial's current end")]
    EndNotLater,
    #[error("an extended trial ends within a year of its start")]
    EndTooLate,
    #[error("say why")]
    ReasonRequired,
    #[error("the text is too long")]
    TooLong,
}

impl Problem {
    pub const fn key(self) -> &'static str {
        match self {
            Problem::TrainingPlanRequired => "training_plan_required",
            Problem::StartMissing => "start_missing",
            Problem::StartBeforeOffer => "start_before_offer",
            Problem::StartTooLate => "start_too_late",
            Problem::OutcomeMissing => "outcome_missing",
            Problem::NotPassed => "not_passed",
            Problem::AgreementRequired => "agreement_required",
            Problem::EndMissing => "end_missing",
            Problem::EndNotLater => "end_not_later",
            Problem::EndTooLate => "end_too_late",
            Problem::ReasonRequired => "reason_required",
            Problem::TooLong => "too_long",
        }
    }
}

/// The dates of a trial: it begins on `starts_on` and lasts `days` calendar
/// days including the first, so the default of 28 is four calendar weeks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialDates {
    pub starts_on: Date,
    pub ends_on: Date,
}

pub fn trial_dates(starts_on: Date, days: u16) -> TrialDates {
    let length = i64::from(days.max(1));
    TrialDates {
        starts_on,
        ends_on: starts_on + Duration::days(length - 1),
    }
}

/// What the journey knows when a move is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Facts {
    /// The person lacks an essential qualification or a desired strength
    /// level, so an offer must come with a plan to close the gap.
    pub has_gaps: bool,
    /// The day the journey reached its current step.
    pub step_on: Option<Date>,
    /// The manager's record of the trial, if any.
    pub outcome: Option<TrialOutcome>,
    pub trial_days: u16,
}

/// What the form gave for a move.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MoveInput<'a> {
    pub note: &'a str,
    pub training_plan: &'a str,
    /// `None` when the boxes were empty or not a real date.
    pub trial_start: Option<Date>,
}

/// A move ready to be written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidMove {
    pub mv: Move,
    pub to: JourneyStep,
    pub note: String,
    pub training_plan: Option<String>,
    pub trial: Option<TrialDates>,
}

fn text(raw: &str) -> Result<String, Problem> {
    let t = raw.trim();
    if t.chars().count() > MAX_TEXT {
        return Err(Problem::TooLong);
    }
    Ok(t.to_owned())
}

/// Check what was typed for a move whose order and party are already
/// checked. Returns every problem, each with its field.
pub fn validate_move(
    mv: Move,
    facts: &Facts,
    input: &MoveInput<'_>,
    today: Date,
) -> Result<ValidMove, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    let note = text(input.note).unwrap_or_else(|p| {
        problems.push(("note", p));
        String::new()
    });
    if mv == Move::Return && note.is_empty() {
        problems.push(("note", Problem::ReasonRequired));
    }
    let mut training_plan = None;
    if mv == Move::Offer {
        match text(input.training_plan) {
            Err(p) => problems.push(("training_plan", p)),
            Ok(plan) if plan.is_empty() && facts.has_gaps => {
                problems.push(("training_plan", Problem::TrainingPlanRequired))
            }
            Ok(plan) => training_plan = (!plan.is_empty()).then_some(plan),
        }
    }
    let mut trial = None;
    if mv == Move::StartTrial {
        match input.trial_start {
            None => problems.push(("trial-start-day", Problem::StartMissing)),
            Some(start) if facts.step_on.is_some_and(|offered| start < offered) => {
                problems.push(("trial-start-day", Problem::StartBeforeOffer))
            }
            Some(start) if start > today + Duration::days(MAX_TRIAL_DAYS) => {
                problems.push(("trial-start-day", Problem::StartTooLate))
            }
            Some(start) => trial = Some(trial_dates(start, facts.trial_days)),
        }
    }
    if mv == Move::Place && facts.outcome != Some(TrialOutcome::Passed) {
        problems.push(("note", Problem::NotPassed));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ValidMove {
        mv,
        to: mv.target(),
        note,
        training_plan,
        trial,
    })
}

/// The manager's record of a trial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidOutcome {
    pub outcome: TrialOutcome,
    pub note: String,
}

pub fn validate_outcome(
    outcome: Option<TrialOutcome>,
    note: &str,
) -> Result<ValidOutcome, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    if outcome.is_none() {
        problems.push(("outcome", Problem::OutcomeMissing));
    }
    let note = text(note).unwrap_or_else(|p| {
        problems.push(("outcome_note", p));
        String::new()
    });
    match outcome {
        Some(outcome) if problems.is_empty() => Ok(ValidOutcome { outcome, note }),
        _ => Err(problems),
    }
}

/// A trial extended for retraining by written agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidExtension {
    pub agreement: String,
    pub ends_on: Date,
}

pub fn validate_extension(
    current: TrialDates,
    agreement: &str,
    ends_on: Option<Date>,
) -> Result<ValidExtension, Vec<(&'static str, Problem)>> {
    let mut problems = Vec::new();
    match text(agreement) {
        Err(p) => problems.push(("agreement", p)),
        Ok(a) if a.is_empty() => problems.push(("agreement", Problem::AgreementRequired)),
        Ok(_) => {}
    }
    match ends_on {
        None => problems.push(("extended-end-day", Problem::EndMissing)),
        Some(end) if end <= current.ends_on => {
            problems.push(("extended-end-day", Problem::EndNotLater))
        }
        Some(end) if end > current.starts_on + Duration::days(MAX_TRIAL_DAYS - 1) => {
            problems.push(("extended-end-day", Problem::EndTooLate))
        }
        Some(_) => {}
    }
    match ends_on {
        Some(ends_on) if problems.is_empty() => Ok(ValidExtension {
            agreement: agreement.trim().to_owned(),
            ends_on,
        }),
        _ => Err(problems),
    }
}

/// The longest title an assignment may have.
pub const MAX_TITLE: usize = 200;

/// What the redeployment form gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignmentInput<'a> {
    pub kind: Option<super::AssignmentKind>,
    pub title: &'a str,
    /// The pilot's idea, chosen for a pilot assignment.
    pub pilot: Option<uuid::Uuid>,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
}

/// An assignment ready to be written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ValidAssignment {
    pub kind: super::AssignmentKind,
    pub title: String,
    pub pilot: Option<uuid::Uuid>,
    pub starts_on: Date,
    pub ends_on: Date,
}

/// An assignment has a kind, a title, dates in order, and a pilot exactly
/// when it is a pilot assignment.
pub fn validate_assignment(
    input: &AssignmentInput<'_>,
) -> Result<ValidAssignment, Vec<(&'static str, AssignmentProblem)>> {
    use AssignmentProblem as P;
    let mut problems = Vec::new();
    if input.kind.is_none() {
        problems.push(("kind", P::KindMissing));
    }
    let title = input.title.trim();
    if title.is_empty() {
        problems.push(("title", P::TitleMissing));
    } else if title.chars().count() > MAX_TITLE {
        problems.push(("title", P::TitleTooLong));
    }
    let is_pilot = input.kind == Some(super::AssignmentKind::Pilot);
    if is_pilot && input.pilot.is_none() {
        problems.push(("pilot", P::PilotMissing));
    }
    if input.starts_on.is_none() {
        problems.push(("starts-day", P::StartMissing));
    }
    match (input.starts_on, input.ends_on) {
        (_, None) => problems.push(("ends-day", P::EndMissing)),
        (Some(start), Some(end)) if end < start => problems.push(("ends-day", P::EndBeforeStart)),
        _ => {}
    }
    match (input.kind, input.starts_on, input.ends_on) {
        (Some(kind), Some(starts_on), Some(ends_on)) if problems.is_empty() => {
            Ok(ValidAssignment {
                kind,
                title: title.to_owned(),
                pilot: if is_pilot { input.pilot } else { None },
                starts_on,
                ends_on,
            })
        }
        _ => Err(problems),
    }
}

/// Something wrong with an assignment; `key()` names its message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AssignmentProblem {
    #[error("choose what kind of assignment it is")]
    KindMissing,
    #[error("enter what they will work on")]
    TitleMissing,
    #[error("the title is too long")]
    TitleTooLong,
    #[error("choose the pilot")]
    PilotMissing,
    #[error("enter the start date")]
    StartMissing,
    #[error("enter the end date")]
    EndMissing,
    #[error("the end date must not be before the start")]
    EndBeforeStart,
}

impl AssignmentProblem {
    pub const fn key(self) -> &'static str {
        match self {
            AssignmentProblem::KindMissing => "kind_missing",
            AssignmentProblem::TitleMissing => "title_missing",
            AssignmentProblem::TitleTooLong => "title_too_long",
            AssignmentProblem::PilotMissing => "pilot_missing",
            AssignmentProblem::StartMissing => "start_missing",
            AssignmentProblem::EndMissing => "end_missing",
            AssignmentProblem::EndBeforeStart => "end_before_start",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use JourneyStep::*;
    use proptest::prelude::*;
    use time::Month;

    const PERSON: Who = Who {
        person: true,
        hr: false,
        manager: false,
    };
    const HR: Who = Who {
        person: false,
        hr: true,
        manager: false,
    };
    const MANAGER: Who = Who {
        person: false,
        hr: false,
        manager: true,
    };
    const NOBODY: Who = Who {
        person: false,
        hr: false,
        manager: false,
    };

    fn date(d: u8) -> Date {
        Date::from_calendar_date(2026, Month::December, d).unwrap()
    }

    #[test]
    fn the_whole_journey_in_order_by_the_right_people() {
        assert_eq!(
            check_move(PERSON, Invited, Move::Interested),
            Ok(Interested)
        );
        assert_eq!(check_move(MANAGER, Interested, Move::Assess), Ok(Assessed));
        assert_eq!(check_move(HR, Assessed, Move::Offer), Ok(Offered));
        assert_eq!(check_move(MANAGER, Offered, Move::StartTrial), Ok(Trial));
        assert_eq!(check_move(HR, Trial, Move::Place), Ok(Placed));
    }

    #[test]
    fn each_party_keeps_to_its_own_moves() {
        assert_eq!(
            check_move(HR, Invited, Move::Interested),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            check_move(MANAGER, Invited, Move::Decline),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            check_move(PERSON, Interested, Move::Assess),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            check_move(MANAGER, Trial, Move::Place),
            Err(Refusal::NotYours)
        );
        assert_eq!(
            check_move(MANAGER, Trial, Move::Return),
            Err(Refusal::NotYours)
        );
        assert_eq!(check_move(HR, Trial, Move::Return), Ok(Returned));
        assert_eq!(check_move(PERSON, Invited, Move::Decline), Ok(Returned));
    }

    #[test]
    fn steps_are_not_skipped_or_repeated() {
        assert_eq!(
            check_move(HR, Interested, Move::Offer),
            Err(Refusal::OutOfOrder)
        );
        assert_eq!(
            check_move(HR, Invited, Move::Place),
            Err(Refusal::OutOfOrder)
        );
        assert_eq!(
            check_move(PERSON, Interested, Move::Interested),
            Err(Refusal::OutOfOrder)
        );
        assert_eq!(
            check_move(HR, Placed, Move::Return),
            Err(Refusal::OutOfOrder)
        );
        assert_eq!(
            check_move(HR, Returned, Move::Return),
            Err(Refusal::OutOfOrder)
        );
    }

    #[test]
    fn only_the_manager_records_the_trial_during_it() {
        assert_eq!(check_outcome(MANAGER, Trial), Ok(()));
        assert_eq!(check_outcome(HR, Trial), Err(Refusal::NotYours));
        assert_eq!(check_outcome(PERSON, Trial), Err(Refusal::NotYours));
        assert_eq!(check_outcome(MANAGER, Offered), Err(Refusal::OutOfOrder));
        assert_eq!(check_extension(HR, Trial), Ok(()));
        assert_eq!(check_extension(PERSON, Trial), Err(Refusal::NotYours));
        assert_eq!(check_extension(HR, Placed), Err(Refusal::OutOfOrder));
    }

    #[test]
    fn a_trial_is_four_calendar_weeks_beginning_with_its_first_day() {
        let t = trial_dates(date(1), 28);
        assert_eq!(t.ends_on, date(28));
        assert_eq!(trial_dates(date(1), 0).ends_on, date(1));
    }

    #[test]
    fn an_offer_to_someone_with_gaps_needs_a_training_plan() {
        let facts = Facts {
            has_gaps: true,
            ..Facts::default()
        };
        let input = MoveInput::default();
        assert_eq!(
            validate_move(Move::Offer, &facts, &input, date(1)).unwrap_err(),
            vec![("training_plan", Problem::TrainingPlanRequired)]
        );
        let planned = MoveInput {
            training_plan: "  Six weeks' shadowing  ",
            ..MoveInput::default()
        };
        let valid = validate_move(Move::Offer, &facts, &planned, date(1)).unwrap();
        assert_eq!(valid.training_plan.as_deref(), Some("Six weeks' shadowing"));
        let no_gaps = Facts::default();
        assert!(validate_move(Move::Offer, &no_gaps, &input, date(1)).is_ok());
    }

    #[test]
    fn a_trial_starts_on_or_after_the_offer() {
        let facts = Facts {
            step_on: Some(date(10)),
            trial_days: 28,
            ..Facts::default()
        };
        let early = MoveInput {
            trial_start: Some(date(9)),
            ..MoveInput::default()
        };
        assert_eq!(
            validate_move(Move::StartTrial, &facts, &early, date(10)).unwrap_err(),
            vec![("trial-start-day", Problem::StartBeforeOffer)]
        );
        let missing = MoveInput::default();
        assert_eq!(
            validate_move(Move::StartTrial, &facts, &missing, date(10)).unwrap_err(),
            vec![("trial-start-day", Problem::StartMissing)]
        );
        let ok = MoveInput {
            trial_start: Some(date(14)),
            ..MoveInput::default()
        };
        let valid = validate_move(Move::StartTrial, &facts, &ok, date(10)).unwrap();
        assert_eq!(
            valid.trial,
            Some(TrialDates {
                starts_on: date(14),
                ends_on: Date::from_calendar_date(2027, Month::January, 10).unwrap()
            })
        );
    }

    #[test]
    fn placing_needs_a_passed_trial_and_returning_needs_a_reason() {
        let mut facts = Facts::default();
        let input = MoveInput::default();
        assert_eq!(
            validate_move(Move::Place, &facts, &input, date(1)).unwrap_err(),
            vec![("note", Problem::NotPassed)]
        );
        facts.outcome = Some(TrialOutcome::NotPassed);
        assert!(validate_move(Move::Place, &facts, &input, date(1)).is_err());
        facts.outcome = Some(TrialOutcome::Passed);
        assert!(validate_move(Move::Place, &facts, &input, date(1)).is_ok());
        assert_eq!(
            validate_move(Move::Return, &facts, &input, date(1)).unwrap_err(),
            vec![("note", Problem::ReasonRequired)]
        );
    }

    #[test]
    fn an_extension_needs_a_written_agreement_and_a_later_end() {
        let trial = trial_dates(date(1), 28);
        assert_eq!(
            validate_extension(trial, " ", None).unwrap_err(),
            vec![
                ("agreement", Problem::AgreementRequired),
                ("extended-end-day", Problem::EndMissing)
            ]
        );
        assert_eq!(
            validate_extension(trial, "Agreed", Some(date(28))).unwrap_err(),
            vec![("extended-end-day", Problem::EndNotLater)]
        );
        let late = date(1) + Duration::days(MAX_TRIAL_DAYS);
        assert_eq!(
            validate_extension(trial, "Agreed", Some(late)).unwrap_err(),
            vec![("extended-end-day", Problem::EndTooLate)]
        );
        let ok = validate_extension(trial, "Agreed in writing", Some(date(31))).unwrap();
        assert_eq!(ok.ends_on, date(31));
    }

    #[test]
    fn an_outcome_must_be_chosen() {
        assert_eq!(
            validate_outcome(None, "").unwrap_err(),
            vec![("outcome", Problem::OutcomeMissing)]
        );
        assert!(validate_outcome(Some(TrialOutcome::Passed), "Went well").is_ok());
    }

    #[test]
    fn an_assignment_has_a_kind_a_title_dates_in_order_and_a_pilot_when_it_is_one() {
        use crate::talent::AssignmentKind;
        assert_eq!(
            validate_assignment(&AssignmentInput::default())
                .unwrap_err()
                .len(),
            4
        );
        let pilot = AssignmentInput {
            kind: Some(AssignmentKind::Pilot),
            title: "Data analyst",
            pilot: None,
            starts_on: Some(date(2)),
            ends_on: Some(date(1)),
        };
        assert_eq!(
            validate_assignment(&pilot).unwrap_err(),
            vec![
                ("pilot", AssignmentProblem::PilotMissing),
                ("ends-day", AssignmentProblem::EndBeforeStart)
            ]
        );
        let project = AssignmentInput {
            kind: Some(AssignmentKind::Project),
            pilot: Some(uuid::Uuid::nil()),
            ends_on: Some(date(20)),
            ..pilot
        };
        let valid = validate_assignment(&project).unwrap();
        assert_eq!(valid.pilot, None, "only a pilot assignment names a pilot");
    }

    fn step() -> impl Strategy<Value = JourneyStep> {
        prop::sample::select(JourneyStep::ALL.to_vec())
    }

    fn who() -> impl Strategy<Value = Who> {
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(person, hr, manager)| Who {
            person,
            hr,
            manager,
        })
    }

    proptest! {
        /// Whatever anyone asks, a journey only ever moves one step forward
        /// in order, or back to the pool, and never leaves placed or returned.
        #[test]
        fn moves_only_go_forward_one_step_or_back_to_the_pool(
            who in who(),
            from in step(),
            mv in prop::sample::select(Move::ALL.to_vec()),
        ) {
            if let Ok(to) = check_move(who, from, mv) {
                prop_assert!(!is_final(from));
                let order = |s: JourneyStep| JourneyStep::ALL.iter().position(|x| *x == s).unwrap();
                prop_assert!(to == Returned || order(to) == order(from) + 1);
            }
            prop_assert!(check_move(NOBODY, from, mv).is_err());
        }

        /// Walking any sequence of moves from an invitation, every step
        /// reached was reached through every step before it.
        #[test]
        fn no_sequence_skips_a_step(moves in prop::collection::vec(prop::sample::select(Move::ALL.to_vec()), 0..12)) {
            let everyone = Who { person: true, hr: true, manager: true };
            let mut at = Invited;
            let mut seen = vec![Invited];
            for mv in moves {
                if let Ok(to) = check_move(everyone, at, mv) {
                    at = to;
                    seen.push(to);
                }
            }
            if at == Placed {
                prop_assert_eq!(seen, vec![Invited, Interested, Assessed, Offered, Trial, Placed]);
            }
        }

        /// A trial of n days ends n−1 days after it starts.
        #[test]
        fn trial_length(days in 1u16..400, offset in 0i64..3000) {
            let start = date(1) + Duration::days(offset);
            let t = trial_dates(start, days);
            prop_assert_eq!((t.ends_on - t.starts_on).whole_days(), i64::from(days) - 1);
        }
    }
}
