//! Stages and their gates. Each organisation configures its stages; the
//! default is DESIGN.md §3.1's submitted → screened → business case →
//! decision → pilot → evaluation → adopted | stopped. A move is allowed only
//! by a role the target stage names, only in order, and only when the target
//! stage's requirements are met (PROMISES.md 6).
//!
//! # The shape of a pipeline
//!
//! A [`Pipeline`] is an ordered list of stages: the working (non-terminal)
//! stages first, in the order an idea travels them, then `adopted` and
//! `stopped`, the two terminal stages. The built-in stages (the default's
//! eight) are always there and keep their order, because other parts of the
//! app look for them by key: the panel decides ideas in `decision`, pilots run
//! in `pilot`, and so on. An organisation may rename any stage, choose who
//! may move ideas into it and what it requires, and add its own working
//! stages between the built-in ones (a "legal review" after `business_case`,
//! say). [`Pipeline::new`] refuses any list that breaks these rules.
//!
//! # The moves
//!
//! From a working stage an idea may go
//! - **forward** to the next stage in the list (from the last working stage,
//!   that is `adopted`);
//! - **back** one stage, with a written reason (a business case sent back to
//!   be finished, say);
//! - to **`stopped`**, always with a written reason.
//!
//! A terminal stage never moves. Every move, back moves included, needs one
//! of the target stage's movers and meets the target's requirements, so no
//! sequence of moves reaches a stage without passing its gate.
//!
//! # Stopping and its lessons
//!
//! `stopped` requires [`Requirement::LessonsRecorded`]: a council learns
//! most from what did not work (DESIGN.md §1). Where the lessons come from
//! depends on how far the idea got:
//! - an idea stopped **from `pilot` or later** was tried, so its lessons belong
//!   in its evaluation, and the requirement is met only when the evaluation's
//!   lessons are written ([`GateFacts::lessons_recorded`]);
//! - an idea stopped **before it reached `pilot`** has no evaluation and never
//!   will, so the written reason given with the move is its lessons: the move
//!   form asks for "why it stopped and what was learned", and the reason is
//!   recorded in the idea's history.
use crate::pipeline::Audience;
use crate::role::Role;
use serde::{Deserialize, Serialize};

super::vocabulary! {
    /// Something that must be true before an idea may enter a stage.
    Requirement, "requirement" {
        /// A business case with at least one option besides business as usual,
        /// cost and benefit lines, and a risk of not innovating.
        BusinessCaseComplete => "business_case_complete",
        /// The panel has recorded a funding decision.
        FundingDecided => "funding_decided",
        /// An evaluation with an outcome has been recorded.
        EvaluationRecorded => "evaluation_recorded",
        /// The evaluation's lessons are written (always required for "stopped").
        LessonsRecorded => "lessons_recorded",
    }
}

/// What the database knows about an idea when a move is asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateFacts {
    pub business_case_complete: bool,
    pub funding_decided: bool,
    pub evaluation_recorded: bool,
    pub lessons_recorded: bool,
}

impl GateFacts {
    pub fn meets(&self, requirement: Requirement) -> bool {
        match requirement {
            Requirement::BusinessCaseComplete => self.business_case_complete,
            Requirement::FundingDecided => self.funding_decided,
            Requirement::EvaluationRecorded => self.evaluation_recorded,
            Requirement::LessonsRecorded => self.lessons_recorded,
        }
    }
}

/// One stage of an organisation's pipeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageDef {
    /// Stable key, e.g. "business_case".
    pub key: String,
    pub name: String,
    pub requirements: Vec<Requirement>,
    /// Roles that may move an idea into this stage.
    pub movers: Vec<Role>,
    /// Adopted and stopped end the journey.
    pub terminal: bool,
}

impl StageDef {
    /// Whether the organisation added this stage (and so may remove it).
    pub fn is_custom(&self) -> bool {
        !BUILT_IN.contains(&self.key.as_str())
    }

    /// Whether any of `roles` may move an idea into this stage.
    pub fn movable_by(&self, roles: &[Role]) -> bool {
        self.movers.iter().any(|m| roles.contains(m))
    }
}

pub const SUBMITTED: &str = "submitted";
pub const SCREENED: &str = "screened";
pub const BUSINESS_CASE: &str = "business_case";
pub const DECISION: &str = "decision";
pub const PILOT: &str = "pilot";
pub const EVALUATION: &str = "evaluation";
pub const ADOPTED: &str = "adopted";
pub const STOPPED: &str = "stopped";

/// The built-in stages, in order. Every pipeline has them all.
pub const BUILT_IN: [&str; 8] = [
    SUBMITTED,
    SCREENED,
    BUSINESS_CASE,
    DECISION,
    PILOT,
    EVALUATION,
    ADOPTED,
    STOPPED,
];

/// At most this many stages, so the stage list stays something people can read.
pub const MAX_STAGES: usize = 16;
/// A stage's name is at most this many characters.
pub const MAX_NAME: usize = 60;
/// A stage key is at most this many characters.
pub const MAX_KEY: usize = 40;

/// Why a list of stages is not a pipeline.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PipelineError {
    #[error("more than {MAX_STAGES} stages")]
    TooManyStages,
    #[error("stage key {0:?} is not lower-case letters, digits and underscores")]
    BadKey(String),
    #[error("two stages have the key {0:?}")]
    DuplicateKey(String),
    #[error("stage {0:?} has no name")]
    NameMissing(String),
    #[error("the name of stage {0:?} is too long")]
    NameTooLong(String),
    #[error("the built-in stage {0:?} is missing")]
    MissingBuiltIn(&'static str),
    #[error("the built-in stages are out of order")]
    BuiltInOutOfOrder,
    #[error("stage {0:?} must be terminal")]
    MustBeTerminal(&'static str),
    #[error("stage {0:?} may not be terminal: only adopted and stopped end the journey")]
    MustNotBeTerminal(String),
    #[error("the pipeline has no working stage")]
    NoWorkingStage,
    #[error("terminal stages must come after every working stage")]
    TerminalNotLast,
    #[error("nobody may move ideas into stage {0:?}")]
    NoMovers(String),
    #[error("a stage lists the same role or requirement twice")]
    Repeated(String),
    #[error("stopping an idea always requires its lessons")]
    StoppedWithoutLessons,
    #[error("there is no working stage {0:?} to add a stage after")]
    NoSuchWorkingStage(String),
    #[error("stage {0:?} is built in and cannot be removed")]
    BuiltInRemoval(String),
}

/// How an idea would move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MoveKind {
    /// To the next stage in order.
    Forward,
    /// Back one stage, with a reason.
    Back,
    /// To `stopped`, with a reason.
    Stop,
}

impl MoveKind {
    /// Whether a move of this kind needs a written reason.
    pub const fn needs_reason(self) -> bool {
        matches!(self, MoveKind::Back | MoveKind::Stop)
    }

    pub const fn key(self) -> &'static str {
        match self {
            MoveKind::Forward => "forward",
            MoveKind::Back => "back",
            MoveKind::Stop => "stop",
        }
    }
}

/// Why a move was refused. Each has a stable `key()` for messages.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoveRefused {
    #[error("there is no stage {0:?}")]
    UnknownStage(String),
    #[error("the idea has finished its journey")]
    Terminal,
    #[error("ideas move one stage at a time, forward or back, or stop")]
    NotInOrder,
    #[error("your roles may not move ideas into this stage")]
    RoleMayNotMove,
    #[error("this move needs a written reason")]
    ReasonMissing,
    #[error("requirement not met: {0}")]
    RequirementUnmet(Requirement),
}

impl MoveRefused {
    /// A stable key for the message that explains the refusal.
    pub fn key(&self) -> &'static str {
        match self {
            MoveRefused::UnknownStage(_) => "unknown_stage",
            MoveRefused::Terminal => "terminal",
            MoveRefused::NotInOrder => "not_in_order",
            MoveRefused::RoleMayNotMove => "role",
            MoveRefused::ReasonMissing => "reason_missing",
            MoveRefused::RequirementUnmet(r) => r.key(),
        }
    }
}

/// An organisation's stages, checked: see the module's documentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pipeline {
    stages: Vec<StageDef>,
}

fn stage(key: &str, name: &str, requirements: &[Requirement], terminal: bool) -> StageDef {
    StageDef {
        key: key.to_owned(),
        name: name.to_owned(),
        requirements: requirements.to_vec(),
        movers: vec![Role::InnovationLead],
        terminal,
    }
}

fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    key.len() <= MAX_KEY
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl Pipeline {
    /// DESIGN.md §3.1's default. The innovation lead runs the pipeline and may
    /// move ideas into every stage. The panel may also move an idea into
    /// `pilot`: that stage requires a funding decision, which only the panel
    /// records, so the panel can start the pilot as it decides instead of
    /// handing back to the lead. Stopping an idea stays with the lead, who
    /// writes down what was learned.
    pub fn default_stages() -> Pipeline {
        use Requirement::*;
        let mut pilot = stage(PILOT, "Pilot", &[FundingDecided], false);
        pilot.movers.push(Role::Panel);
        Pipeline {
            stages: vec![
                stage(SUBMITTED, "Submitted", &[], false),
                stage(SCREENED, "Screened", &[], false),
                stage(BUSINESS_CASE, "Business case", &[], false),
                stage(DECISION, "Decision", &[BusinessCaseComplete], false),
                pilot,
                stage(EVALUATION, "Evaluation", &[], false),
                stage(ADOPTED, "Adopted", &[EvaluationRecorded], true),
                stage(STOPPED, "Stopped", &[LessonsRecorded], true),
            ],
        }
    }

    /// A configured pipeline, if it keeps the rules in the module's
    /// documentation; the first broken rule otherwise.
    pub fn new(stages: Vec<StageDef>) -> Result<Pipeline, PipelineError> {
        if stages.len() > MAX_STAGES {
            return Err(PipelineError::TooManyStages);
        }
        for (i, s) in stages.iter().enumerate() {
            if !valid_key(&s.key) {
                return Err(PipelineError::BadKey(s.key.chars().take(MAX_KEY).collect()));
            }
            if stages[..i].iter().any(|o| o.key == s.key) {
                return Err(PipelineError::DuplicateKey(s.key.clone()));
            }
            if s.name.trim().is_empty() {
                return Err(PipelineError::NameMissing(s.key.clone()));
            }
            if s.name.chars().count() > MAX_NAME {
                return Err(PipelineError::NameTooLong(s.key.clone()));
            }
            if s.movers.is_empty() {
                return Err(PipelineError::NoMovers(s.key.clone()));
            }
            let mut movers = s.movers.clone();
            movers.sort();
            movers.dedup();
            let mut requirements = s.requirements.clone();
            requirements.sort();
            requirements.dedup();
            if movers.len() != s.movers.len() || requirements.len() != s.requirements.len() {
                return Err(PipelineError::Repeated(s.key.clone()));
            }
        }
        let mut last = None;
        for key in BUILT_IN {
            let at = stages
                .iter()
                .position(|s| s.key == key)
                .ok_or(PipelineError::MissingBuiltIn(key))?;
            if last.is_some_and(|l| at < l) {
                return Err(PipelineError::BuiltInOutOfOrder);
            }
            last = Some(at);
        }
        for s in &stages {
            let should_be_terminal = s.key == ADOPTED || s.key == STOPPED;
            if should_be_terminal && !s.terminal {
                return Err(PipelineError::MustBeTerminal(if s.key == ADOPTED {
                    ADOPTED
                } else {
                    STOPPED
                }));
            }
            if !should_be_terminal && s.terminal {
                return Err(PipelineError::MustNotBeTerminal(s.key.clone()));
            }
        }
        if stages.first().is_none_or(|s| s.terminal) {
            return Err(PipelineError::NoWorkingStage);
        }
        let first_terminal = stages.iter().position(|s| s.terminal);
        if first_terminal.is_some_and(|t| stages[t..].iter().any(|s| !s.terminal)) {
            return Err(PipelineError::TerminalNotLast);
        }
        let stopped = stages.iter().find(|s| s.key == STOPPED);
        if stopped.is_some_and(|s| !s.requirements.contains(&Requirement::LessonsRecorded)) {
            return Err(PipelineError::StoppedWithoutLessons);
        }
        Ok(Pipeline { stages })
    }

    pub fn stages(&self) -> &[StageDef] {
        &self.stages
    }

    pub fn into_stages(self) -> Vec<StageDef> {
        self.stages
    }

    pub fn stage(&self, key: &str) -> Option<&StageDef> {
        self.stages.iter().find(|s| s.key == key)
    }

    /// Where the stage comes in the list.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.key == key)
    }

    /// The stage's name, or its key for a stage that no longer exists.
    pub fn name<'a>(&'a self, key: &'a str) -> &'a str {
        self.stage(key).map_or(key, |s| s.name.as_str())
    }

    /// Whether an idea in stage `key` has not yet reached `pilot`.
    pub fn before_pilot(&self, key: &str) -> bool {
        match (self.position(key), self.position(PILOT)) {
            (Some(at), Some(pilot)) => at < pilot,
            _ => false,
        }
    }

    /// Whether an idea in stage `current` has got as far as `stage` on the way
    /// to adoption (a stopped idea has reached nothing further).
    pub fn reached(&self, current: &str, stage: &str) -> bool {
        match (self.position(current), self.position(stage)) {
            (Some(c), Some(s)) => c >= s && current != STOPPED,
            _ => false,
        }
    }

    /// How a move from `from` to `to` would go, if it is one the order allows.
    pub fn kind_of(&self, from: &str, to: &str) -> Option<MoveKind> {
        let at = self.position(from)?;
        let target = self.position(to)?;
        if self.stages[at].terminal {
            return None;
        }
        if to == STOPPED {
            Some(MoveKind::Stop)
        } else if target == at + 1 {
            Some(MoveKind::Forward)
        } else if at > 0 && target == at - 1 {
            Some(MoveKind::Back)
        } else {
            None
        }
    }

    /// The moves the order allows from `from`, forward first, then back,
    /// then stop; none from a terminal stage.
    pub fn moves_from(&self, from: &str) -> Vec<(MoveKind, &StageDef)> {
        let mut moves: Vec<(MoveKind, &StageDef)> = self
            .stages
            .iter()
            .filter_map(|s| self.kind_of(from, &s.key).map(|k| (k, s)))
            .collect();
        moves.sort_by_key(|(k, _)| match k {
            MoveKind::Forward => 0,
            MoveKind::Back => 1,
            MoveKind::Stop => 2,
        });
        moves
    }

    /// Whether a move is allowed: the reason for every refusal is in
    /// [`MoveRefused`]. `roles` are the mover's roles in the idea's
    /// organisation; `reason` is what they wrote.
    pub fn check_move(
        &self,
        from: &str,
        to: &str,
        roles: &[Role],
        facts: &GateFacts,
        reason: &str,
    ) -> Result<(), MoveRefused> {
        let from_stage = self
            .stage(from)
            .ok_or_else(|| MoveRefused::UnknownStage(from.chars().take(MAX_KEY).collect()))?;
        let to_stage = self
            .stage(to)
            .ok_or_else(|| MoveRefused::UnknownStage(to.chars().take(MAX_KEY).collect()))?;
        if from_stage.terminal {
            return Err(MoveRefused::Terminal);
        }
        let kind = self.kind_of(from, to).ok_or(MoveRefused::NotInOrder)?;
        if !to_stage.movable_by(roles) {
            return Err(MoveRefused::RoleMayNotMove);
        }
        let reason_given = !reason.trim().is_empty();
        if kind.needs_reason() && !reason_given {
            return Err(MoveRefused::ReasonMissing);
        }
        for &requirement in &to_stage.requirements {
            // Stopped before a pilot: the reason is the lessons (see above).
            let lessons_in_reason = requirement == Requirement::LessonsRecorded
                && kind == MoveKind::Stop
                && self.before_pilot(from)
                && reason_given;
            if !facts.meets(requirement) && !lessons_in_reason {
                return Err(MoveRefused::RequirementUnmet(requirement));
            }
        }
        Ok(())
    }

    /// A copy with a new working stage after `after`, named `name`, that the
    /// innovation lead may move ideas into and that requires nothing. Its key
    /// is made from the name and differs from every other key.
    pub fn with_custom_stage(&self, after: &str, name: &str) -> Result<Pipeline, PipelineError> {
        let at = self
            .position(after)
            .filter(|&i| !self.stages[i].terminal)
            .ok_or_else(|| PipelineError::NoSuchWorkingStage(after.chars().take(40).collect()))?;
        let key = self.fresh_key(name);
        let mut stages = self.stages.clone();
        stages.insert(
            at + 1,
            StageDef {
                key,
                name: name.trim().to_owned(),
                requirements: Vec::new(),
                movers: vec![Role::InnovationLead],
                terminal: false,
            },
        );
        Pipeline::new(stages)
    }

    /// A copy without the custom stage `key`. The caller checks that no idea
    /// is in it.
    pub fn without_stage(&self, key: &str) -> Result<Pipeline, PipelineError> {
        if BUILT_IN.contains(&key) {
            return Err(PipelineError::BuiltInRemoval(key.to_owned()));
        }
        let mut stages = self.stages.clone();
        let before = stages.len();
        stages.retain(|s| s.key != key);
        if stages.len() == before {
            return Err(PipelineError::NoSuchWorkingStage(
                key.chars().take(40).collect(),
            ));
        }
        Pipeline::new(stages)
    }

    fn fresh_key(&self, name: &str) -> String {
        let mut base = String::new();
        for c in name.trim().chars().flat_map(char::to_lowercase) {
            let c = match c {
                'a'..='z' | '0'..='9' => c,
                'â' | 'á' | 'à' | 'ä' => 'a',
                'ê' | 'é' | 'è' | 'ë' => 'e',
                'î' | 'í' | 'ì' | 'ï' => 'i',
                'ô' | 'ó' | 'ò' | 'ö' => 'o',
                'û' | 'ú' | 'ù' | 'ü' => 'u',
                'ŵ' | 'ẃ' | 'ẁ' | 'ẅ' => 'w',
                'ŷ' | 'ý' | 'ỳ' | 'ÿ' => 'y',
                _ => '_',
            };
            if c == '_' && (base.is_empty() || base.ends_with('_')) {
                continue;
            }
            base.push(c);
        }
        let mut base: String = base.trim_end_matches('_').chars().take(30).collect();
        if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
            base = format!("stage_{base}").trim_end_matches('_').to_owned();
        }
        let taken = |k: &str| BUILT_IN.contains(&k) || self.stage(k).is_some();
        if !taken(&base) {
            return base;
        }
        (2..)
            .map(|n| format!("{base}_{n}"))
            .find(|k| !taken(k))
            .unwrap_or(base)
    }
}

impl Default for Pipeline {
    fn default() -> Self {
        Pipeline::default_stages()
    }
}

impl Audience {
    /// Whether someone with these roles may see and answer a challenge for
    /// this audience. Public challenges are for everyone in the organisation;
    /// staff challenges for everyone inside the council (not residents or
    /// partners); partners' challenges for partners and everyone inside.
    pub fn admits(self, roles: &[Role]) -> bool {
        roles.iter().any(|&role| match self {
            Audience::Public => true,
            Audience::Staff => !matches!(role, Role::Resident | Role::Partner),
            Audience::Partners => role != Role::Resident,
        })
    }

    /// The audiences someone with these roles may see.
    pub fn visible_to(roles: &[Role]) -> Vec<Audience> {
        Audience::ALL
            .iter()
            .copied()
            .filter(|a| a.admits(roles))
            .collect()
    }
}

super::vocabulary! {
    /// The council services an idea can be about. Kept short and general so
    /// that every council recognises its own structure in it.
    ServiceArea, "service area" {
        AdultSocialCare => "adult_social_care",
        ChildrensServices => "childrens_services",
        Housing => "housing",
        WasteAndRecycling => "waste_and_recycling",
        HighwaysAndTransport => "highways_and_transport",
        Planning => "planning",
        LibrariesAndCulture => "libraries_and_culture",
        RevenuesAndBenefits => "revenues_and_benefits",
        CustomerServices => "customer_services",
        EnvironmentalHealth => "environmental_health",
        ParksAndLeisure => "parks_and_leisure",
        CorporateServices => "corporate_services",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    const LEAD: &[Role] = &[Role::InnovationLead];
    const ALL_FACTS: GateFacts = GateFacts {
        business_case_complete: true,
        funding_decided: true,
        evaluation_recorded: true,
        lessons_recorded: true,
    };

    fn p() -> Pipeline {
        Pipeline::default_stages()
    }

    #[test]
    fn the_default_is_a_valid_pipeline() {
        let stages = p().into_stages();
        assert_eq!(
            stages.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(),
            BUILT_IN
        );
        assert_eq!(Pipeline::new(stages.clone()), Ok(Pipeline { stages }));
    }

    #[test]
    fn ideas_move_forward_one_stage_at_a_time() {
        let p = p();
        assert_eq!(
            p.check_move(SUBMITTED, SCREENED, LEAD, &GateFacts::default(), ""),
            Ok(())
        );
        assert_eq!(
            p.check_move(SUBMITTED, BUSINESS_CASE, LEAD, &ALL_FACTS, "skip"),
            Err(MoveRefused::NotInOrder)
        );
        assert_eq!(
            p.check_move(SCREENED, SCREENED, LEAD, &ALL_FACTS, "again"),
            Err(MoveRefused::NotInOrder)
        );
        assert_eq!(
            p.check_move(EVALUATION, ADOPTED, LEAD, &ALL_FACTS, ""),
            Ok(())
        );
    }

    #[test]
    fn gates_refuse_until_their_requirement_is_met() {
        let p = p();
        assert_eq!(
            p.check_move(BUSINESS_CASE, DECISION, LEAD, &GateFacts::default(), ""),
            Err(MoveRefused::RequirementUnmet(
                Requirement::BusinessCaseComplete
            ))
        );
        let facts = GateFacts {
            business_case_complete: true,
            ..GateFacts::default()
        };
        assert_eq!(
            p.check_move(BUSINESS_CASE, DECISION, LEAD, &facts, ""),
            Ok(())
        );
        assert_eq!(
            p.check_move(DECISION, PILOT, LEAD, &facts, ""),
            Err(MoveRefused::RequirementUnmet(Requirement::FundingDecided))
        );
        assert_eq!(
            p.check_move(EVALUATION, ADOPTED, LEAD, &facts, ""),
            Err(MoveRefused::RequirementUnmet(
                Requirement::EvaluationRecorded
            ))
        );
    }

    #[test]
    fn only_movers_move() {
        let p = p();
        for role in Role::ALL {
            let allowed = p.check_move(SUBMITTED, SCREENED, &[role], &ALL_FACTS, "");
            assert_eq!(
                allowed.is_ok(),
                role == Role::InnovationLead,
                "{role} screening"
            );
        }
        // The panel may start a funded pilot, but not stop an idea.
        assert_eq!(
            p.check_move(DECISION, PILOT, &[Role::Panel], &ALL_FACTS, ""),
            Ok(())
        );
        assert_eq!(
            p.check_move(DECISION, STOPPED, &[Role::Panel], &ALL_FACTS, "no"),
            Err(MoveRefused::RoleMayNotMove)
        );
        assert_eq!(
            p.check_move(SCREENED, BUSINESS_CASE, &[], &ALL_FACTS, ""),
            Err(MoveRefused::RoleMayNotMove)
        );
    }

    #[test]
    fn stepping_back_needs_a_reason_and_goes_one_stage() {
        let p = p();
        assert_eq!(
            p.check_move(DECISION, BUSINESS_CASE, LEAD, &ALL_FACTS, "  "),
            Err(MoveRefused::ReasonMissing)
        );
        assert_eq!(
            p.check_move(DECISION, BUSINESS_CASE, LEAD, &ALL_FACTS, "costs missing"),
            Ok(())
        );
        assert_eq!(
            p.check_move(DECISION, SCREENED, LEAD, &ALL_FACTS, "too far"),
            Err(MoveRefused::NotInOrder)
        );
        // A step back still passes the gate of the stage it enters.
        let no_funding = GateFacts {
            funding_decided: false,
            ..ALL_FACTS
        };
        assert_eq!(
            p.check_move(EVALUATION, PILOT, LEAD, &no_funding, "more data"),
            Err(MoveRefused::RequirementUnmet(Requirement::FundingDecided))
        );
        assert!(
            p.moves_from(SUBMITTED)
                .iter()
                .all(|(k, _)| *k != MoveKind::Back)
        );
    }

    #[test]
    fn stopping_before_a_pilot_takes_its_lessons_from_the_reason() {
        let p = p();
        let none = GateFacts::default();
        assert_eq!(
            p.check_move(SCREENED, STOPPED, LEAD, &none, ""),
            Err(MoveRefused::ReasonMissing)
        );
        assert_eq!(
            p.check_move(
                SCREENED,
                STOPPED,
                LEAD,
                &none,
                "Duplicates the 2024 pilot; lesson: search first"
            ),
            Ok(())
        );
        assert_eq!(
            p.check_move(DECISION, STOPPED, LEAD, &none, "Not funded"),
            Ok(())
        );
        // Once piloted, the evaluation must hold the lessons.
        assert_eq!(
            p.check_move(PILOT, STOPPED, LEAD, &none, "It did not work"),
            Err(MoveRefused::RequirementUnmet(Requirement::LessonsRecorded))
        );
        let lessons = GateFacts {
            lessons_recorded: true,
            ..none
        };
        assert_eq!(
            p.check_move(EVALUATION, STOPPED, LEAD, &lessons, "See the evaluation"),
            Ok(())
        );
    }

    #[test]
    fn terminal_stages_never_move() {
        let p = p();
        for from in [ADOPTED, STOPPED] {
            for to in BUILT_IN {
                assert_eq!(
                    p.check_move(from, to, LEAD, &ALL_FACTS, "reopen"),
                    Err(MoveRefused::Terminal)
                );
            }
            assert!(p.moves_from(from).is_empty());
        }
    }

    #[test]
    fn unknown_stages_are_refused() {
        let p = p();
        assert_eq!(
            p.check_move("limbo", SCREENED, LEAD, &ALL_FACTS, ""),
            Err(MoveRefused::UnknownStage("limbo".into()))
        );
        assert_eq!(
            p.check_move(SUBMITTED, "limbo", LEAD, &ALL_FACTS, ""),
            Err(MoveRefused::UnknownStage("limbo".into()))
        );
    }

    #[test]
    fn moves_from_lists_forward_back_and_stop() {
        let p = p();
        let moves: Vec<_> = p
            .moves_from(DECISION)
            .into_iter()
            .map(|(k, s)| (k, s.key.as_str()))
            .collect();
        assert_eq!(
            moves,
            vec![
                (MoveKind::Forward, PILOT),
                (MoveKind::Back, BUSINESS_CASE),
                (MoveKind::Stop, STOPPED)
            ]
        );
        let last: Vec<_> = p
            .moves_from(EVALUATION)
            .into_iter()
            .map(|(k, s)| (k, s.key.as_str()))
            .collect();
        assert_eq!(
            last,
            vec![
                (MoveKind::Forward, ADOPTED),
                (MoveKind::Back, PILOT),
                (MoveKind::Stop, STOPPED)
            ]
        );
    }

    #[test]
    fn configuration_is_validated() {
        let base = p().into_stages();
        let with = |f: &dyn Fn(&mut Vec<StageDef>)| {
            let mut s = base.clone();
            f(&mut s);
            Pipeline::new(s)
        };
        assert_eq!(
            with(&|s| s[1].key = "submitted".into()),
            Err(PipelineError::DuplicateKey("submitted".into()))
        );
        assert_eq!(
            with(&|s| s[1].key = "Screened!".into()),
            Err(PipelineError::BadKey("Screened!".into()))
        );
        assert_eq!(
            with(&|s| s[2].name = "   ".into()),
            Err(PipelineError::NameMissing(BUSINESS_CASE.into()))
        );
        assert_eq!(
            with(&|s| s[2].name = "x".repeat(61)),
            Err(PipelineError::NameTooLong(BUSINESS_CASE.into()))
        );
        assert_eq!(
            with(&|s| {
                s.remove(6);
            }),
            Err(PipelineError::MissingBuiltIn(ADOPTED))
        );
        assert_eq!(
            with(&|s| s.swap(1, 2)),
            Err(PipelineError::BuiltInOutOfOrder)
        );
        assert_eq!(
            with(&|s| s[7].terminal = false),
            Err(PipelineError::MustBeTerminal(STOPPED))
        );
        assert_eq!(
            with(&|s| s[5].terminal = true),
            Err(PipelineError::MustNotBeTerminal(EVALUATION.into()))
        );
        assert_eq!(
            with(&|s| s[3].movers.clear()),
            Err(PipelineError::NoMovers(DECISION.into()))
        );
        assert_eq!(
            with(&|s| s[3].movers.push(Role::InnovationLead)),
            Err(PipelineError::Repeated(DECISION.into()))
        );
        assert_eq!(
            with(&|s| s[7].requirements.clear()),
            Err(PipelineError::StoppedWithoutLessons)
        );
        assert_eq!(
            Pipeline::new(Vec::new()),
            Err(PipelineError::MissingBuiltIn(SUBMITTED))
        );
        let too_many = (0..MAX_STAGES + 1).fold(p(), |acc, i| {
            acc.with_custom_stage(SUBMITTED, &format!("Step {i}"))
                .unwrap_or(acc)
        });
        assert_eq!(too_many.stages().len(), MAX_STAGES);
        assert_eq!(
            too_many.with_custom_stage(SUBMITTED, "One more"),
            Err(PipelineError::TooManyStages)
        );
    }

    #[test]
    fn custom_stages_are_added_after_working_stages_and_removed() {
        let p = p();
        let q = p.with_custom_stage(BUSINESS_CASE, "Legal review").unwrap();
        assert_eq!(q.position("legal_review"), Some(3));
        assert!(q.stage("legal_review").unwrap().is_custom());
        assert_eq!(
            q.check_move(BUSINESS_CASE, DECISION, LEAD, &ALL_FACTS, ""),
            Err(MoveRefused::NotInOrder)
        );
        assert_eq!(
            q.check_move(
                BUSINESS_CASE,
                "legal_review",
                LEAD,
                &GateFacts::default(),
                ""
            ),
            Ok(())
        );
        // The same name again gets a key of its own; odd names still make keys.
        let r = q.with_custom_stage(SCREENED, "Legal review").unwrap();
        assert!(r.stage("legal_review_2").is_some());
        let s = r
            .with_custom_stage(EVALUATION, "Adolygiad ariannol – cam 2")
            .unwrap();
        assert!(s.stage("adolygiad_ariannol_cam_2").is_some());
        let t = s.with_custom_stage(EVALUATION, "2 weeks' wait").unwrap();
        assert!(t.stage("stage_2_weeks_wait").is_some());
        let u = t.with_custom_stage(EVALUATION, "Stopped").unwrap();
        assert!(u.stage("stopped_2").is_some());
        assert_eq!(
            p.with_custom_stage(ADOPTED, "After"),
            Err(PipelineError::NoSuchWorkingStage(ADOPTED.into()))
        );
        assert_eq!(q.without_stage("legal_review"), Ok(p.clone()));
        assert_eq!(
            q.without_stage(DECISION),
            Err(PipelineError::BuiltInRemoval(DECISION.into()))
        );
    }

    #[test]
    fn audiences_admit_the_right_roles() {
        use Role::*;
        for role in Role::ALL {
            assert!(Audience::Public.admits(&[role]));
            assert_eq!(
                Audience::Staff.admits(&[role]),
                !matches!(role, Resident | Partner),
                "{role}"
            );
            assert_eq!(
                Audience::Partners.admits(&[role]),
                role != Resident,
                "{role}"
            );
        }
        assert!(!Audience::Public.admits(&[]));
        assert!(Audience::Staff.admits(&[Resident, Staff]));
        assert_eq!(Audience::visible_to(&[Resident]), vec![Audience::Public]);
    }

    #[test]
    fn service_areas_parse_back() {
        for a in ServiceArea::ALL {
            assert_eq!(a.key().parse::<ServiceArea>(), Ok(*a));
        }
        assert!("social_care".parse::<ServiceArea>().is_err());
    }

    fn arb_roles() -> impl Strategy<Value = Vec<Role>> {
        proptest::sample::subsequence(Role::ALL.to_vec(), 0..=3)
    }

    fn arb_facts() -> impl Strategy<Value = GateFacts> {
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c, d)| {
            GateFacts {
                business_case_complete: a,
                funding_decided: b,
                evaluation_recorded: c,
                lessons_recorded: d,
            }
        })
    }

    /// The default with zero to three custom stages in random places.
    fn arb_pipeline() -> impl Strategy<Value = Pipeline> {
        proptest::collection::vec((0usize..6, "[A-Za-z ]{1,12}"), 0..=3).prop_map(|adds| {
            adds.into_iter().fold(p(), |acc, (at, name)| {
                let after = acc
                    .stages()
                    .iter()
                    .filter(|s| !s.terminal)
                    .nth(at)
                    .map(|s| s.key.clone())
                    .unwrap_or_else(|| SUBMITTED.to_owned());
                acc.with_custom_stage(&after, &name).unwrap_or(acc)
            })
        })
    }

    proptest! {
        /// Whatever is asked, by whomever, with whatever facts: an idea's
        /// furthest stage grows one stage at a time, every stage it enters
        /// had its gate met at entry, and once terminal it stays put.
        #[test]
        fn no_sequence_of_moves_skips_a_gate(
            pipeline in arb_pipeline(),
            asks in proptest::collection::vec(
                (0usize..16, arb_roles(), arb_facts(), prop_oneof![Just(""), Just("because")]),
                0..60,
            ),
        ) {
            let keys: Vec<String> = pipeline.stages().iter().map(|s| s.key.clone()).collect();
            let mut current = SUBMITTED.to_owned();
            let mut furthest = 0usize;
            for (target, roles, facts, reason) in asks {
                let to = &keys[target % keys.len()];
                let result = pipeline.check_move(&current, to, &roles, &facts, reason);
                let from_terminal = pipeline.stage(&current).unwrap().terminal;
                if from_terminal {
                    prop_assert_eq!(result, Err(MoveRefused::Terminal));
                    continue;
                }
                if result.is_err() { continue }
                let kind = pipeline.kind_of(&current, to).unwrap();
                let stage = pipeline.stage(to).unwrap();
                prop_assert!(stage.movable_by(&roles));
                for &r in &stage.requirements {
                    let by_reason = r == Requirement::LessonsRecorded
                        && kind == MoveKind::Stop
                        && pipeline.before_pilot(&current)
                        && !reason.is_empty();
                    prop_assert!(facts.meets(r) || by_reason, "entered {} without {}", to, r);
                }
                if kind.needs_reason() {
                    prop_assert!(!reason.is_empty());
                }
                let at = pipeline.position(to).unwrap();
                if to != STOPPED {
                    prop_assert!(at <= furthest + 1, "skipped from {} to {}", furthest, at);
                    furthest = furthest.max(at);
                }
                current = to.clone();
            }
        }

        /// The innovation lead, with every fact true, can always take an idea
        /// from submission to adoption, one forward move at a time.
        #[test]
        fn every_valid_pipeline_leads_to_adoption(pipeline in arb_pipeline()) {
            let mut current = SUBMITTED.to_owned();
            let mut steps = 0;
            while current != ADOPTED {
                let moves = pipeline.moves_from(&current);
                let (kind, next) = moves[0];
                prop_assert_eq!(kind, MoveKind::Forward);
                prop_assert!(pipeline.check_move(&current, &next.key, LEAD, &ALL_FACTS, "").is_ok());
                current = next.key.clone();
                steps += 1;
                prop_assert!(steps < MAX_STAGES);
            }
        }

        /// Storing a pipeline as its stages and reading it back gives it again.
        #[test]
        fn a_valid_pipeline_survives_being_rebuilt(pipeline in arb_pipeline()) {
            let stages = pipeline.clone().into_stages();
            prop_assert_eq!(Pipeline::new(stages), Ok(pipeline));
        }

        /// Arbitrary keys never panic the checks, and unknown ones are named.
        #[test]
        fn arbitrary_keys_are_refused_cleanly(from in "\\PC{0,50}", to in "\\PC{0,50}") {
            let p = p();
            if let Err(MoveRefused::UnknownStage(k)) = p.check_move(&from, &to, LEAD, &ALL_FACTS, "x") {
                prop_assert!(k.chars().count() <= MAX_KEY);
            }
        }
    }
}
