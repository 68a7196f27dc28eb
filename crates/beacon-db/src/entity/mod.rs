//! One module per table. Relations are followed with explicit, tenant-scoped
//! queries in the repository modules rather than through the ORM's loaders, so
//! every join visibly carries its organisation.
pub mod audit_event;
pub mod membership;
pub mod one_time_token;
pub mod organisation;
pub mod outbox_message;
pub mod partnership;
pub mod partnership_member;
pub mod person;
pub mod session;
pub mod sign_in_attempt;

// The innovation pipeline (DESIGN.md §3.1).
pub mod challenge;
pub mod challenge_criterion;
pub mod idea;
pub mod idea_move;
pub mod pipeline_stage;

// Supports, comments, following, moderation, notifications.

// Business cases and risk registers.

// Panels and funding decisions.

// Pilots and evaluations.

// Facilitated sessions.
pub mod ideation_session;
pub mod portfolio_target;
pub mod session_round;
pub mod session_way;
