//! Stages and their gates. Each organisation configures its stages; the
//! default is DESIGN.md §3.1's submitted → screened → business case →
//! decision → pilot → evaluation → adopted | stopped. A move is allowed only
//! by a role the target stage names, only in order, and only when the target
//! stage's requirements are met (PROMISES.md 6).
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
