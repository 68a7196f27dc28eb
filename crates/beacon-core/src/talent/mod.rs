//! The talent pool and internal jobs market of DESIGN.md §3.2: the vocabulary
//! every part of it shares. The rules live in the submodules: `strengths` (the
//! framework and the self-assessment), `vacancies` (reviews and the recruitment
//! freeze), `pool` (priority and the guaranteed interview), `matching` (what
//! the engine is asked), `journey` (steps and trial periods), `analytics`
//! (figures and the suppression of small numbers).
//!
//! Each vocabulary type has a stable `key()` stored in the database and used in
//! forms and translations; anything else is refused.
pub mod analytics;
pub mod directory;
pub mod import;
pub mod journey;
pub mod matching;
pub mod pool;
pub mod strengths;
pub mod vacancies;

use crate::pipeline::{Pence, vocabulary};
use serde::{Deserialize, Serialize};

/// A pay grade on the council's own scale, 1 (lowest) to 20.
pub type Grade = u8;
pub const MAX_GRADE: Grade = 20;

vocabulary! {
    /// Where a person stands in the order of offers (DESIGN.md §3.2). The
    /// order of the variants is the order of priority.
    PoolTier, "pool tier" {
        /// Protected by the Maternity and Parental Leave etc. Regulations 1999
        /// reg. 10, as extended by the Protection from Redundancy Act 2023:
        /// offered a suitable vacancy before anyone else.
        Protected => "protected",
        /// Their role was removed.
        RoleRemoved => "role_removed",
        /// They asked to move.
        Voluntary => "voluntary",
    }
}

impl PoolTier {
    /// The engine's tier number: 1 is placed first.
    pub const fn rank(self) -> u32 {
        match self {
            PoolTier::Protected => 1,
            PoolTier::RoleRemoved => 2,
            PoolTier::Voluntary => 3,
        }
    }
}

vocabulary! {
    /// Where a pool member is. Nobody is ever described as "at risk".
    PoolStatus, "pool status" {
        Active => "active",
        OnTrial => "on_trial",
        Placed => "placed",
        /// Left the council (resigned, retired, or redundancy took effect).
        Left => "left",
    }
}

vocabulary! {
    /// Whether a post is held, empty, or gone.
    PostStatus, "post status" {
        Filled => "filled",
        Vacant => "vacant",
        /// Removed by a vacancy review; kept for the record of savings.
        Deleted => "deleted",
    }
}

vocabulary! {
    /// A vacancy's life: reviewed, held for the pool, then open to all.
    VacancyStatus, "vacancy status" {
        /// The manager has decided what to do; HR has not yet approved.
        InReview => "in_review",
        /// Held for the pool during the recruitment freeze.
        PoolOnly => "pool_only",
        /// Open outside the pool, after the freeze or by an approved exception.
        External => "external",
        Filled => "filled",
        Withdrawn => "withdrawn",
    }
}

vocabulary! {
    /// What a manager decides when a post falls vacant.
    ReviewDecision, "review decision" {
        Replace => "replace",
        Reorganise => "reorganise",
        /// The post goes; its annual cost is recorded as a saving.
        Delete => "delete",
    }
}

vocabulary! {
    /// A person's way into a vacancy (DESIGN.md §3.2 "Journey").
    JourneyStep, "journey step" {
        Invited => "invited",
        Interested => "interested",
        Assessed => "assessed",
        Offered => "offered",
        Trial => "trial",
        Placed => "placed",
        /// Back to the pool: they declined, were not offered, or the trial did
        /// not work out.
        Returned => "returned",
    }
}

vocabulary! {
    /// What the redeployment team gives a person while they are not placed.
    AssignmentKind, "assignment kind" {
        Project => "project",
        Secondment => "secondment",
        /// A pilot of the innovation pipeline.
        Pilot => "pilot",
    }
}

/// An organisation's talent settings, with the defaults DESIGN.md §3.2 gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// How long a vacancy is held for the pool before it may go outside.
    pub freeze_days: u16,
    /// The trial period: four calendar weeks, the statutory trial of the
    /// Employment Rights Act 1996 s.138.
    pub trial_days: u16,
    /// The longest training that may close a gap: six months.
    pub training_limit_days: u16,
    /// What filling a post from outside costs (advertising, agency, time),
    /// counted as avoided for each placement from the pool.
    pub recruitment_cost_pence: Pence,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            freeze_days: 28,
            trial_days: 28,
            training_limit_days: beacon_match::score::DEFAULT_TRAINING_LIMIT_DAYS as u16,
            // Set by each council; this default is a placeholder a council is
            // asked to replace on the settings page.
            recruitment_cost_pence: 300_000,
        }
    }
}
