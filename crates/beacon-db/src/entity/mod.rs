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
pub mod idea_count;
pub mod idea_move;
pub mod pipeline_stage;

// Supports, comments, following, moderation, notifications.
pub mod idea_comment;
pub mod idea_follow;
pub mod idea_support;
pub mod moderation_action;
pub mod notification;
pub mod report;

// Business cases and risk registers.
pub mod appraisal_line;
pub mod appraisal_option;
pub mod business_case;
pub mod risk;
pub mod risk_matrix;

// Panels and funding decisions.
pub mod funding_decision;
pub mod panel_declaration;
pub mod panel_score;

// Pilots and evaluations.
pub mod case_study_draft;
pub mod evaluation;
pub mod pilot;
pub mod pilot_milestone;
pub mod pilot_spend;
pub mod pilot_team_member;
pub mod pilot_update;

// Facilitated sessions.
pub mod ideation_session;
pub mod portfolio_target;
pub mod session_round;
pub mod session_way;

// The talent pool and jobs market (DESIGN.md §3.2).
pub mod placement;
pub mod placement_step;
pub mod pool_member;
pub mod post;
pub mod staff;
pub mod staff_equality;
pub mod staff_experience;
pub mod staff_qualification;
pub mod staff_strength;
pub mod strength;
pub mod talent_generation;
pub mod talent_settings;
pub mod vacancy;
pub mod vacancy_essential;
pub mod vacancy_experience;
pub mod vacancy_strength;

// Vacancy reviews.
pub mod freeze_exception;
pub mod vacancy_event;

// Redeployment.
pub mod assignment;
pub mod trial_outcome;

// The practice exchange (DESIGN.md §3.3).
pub mod case_adoption;
pub mod case_anonymised;
pub mod case_attachment;
pub mod case_audience;
pub mod case_publication;
pub mod case_study;
pub mod case_tag;
pub mod exchange_digest;
pub mod exchange_follow;
pub mod remote_source;
pub mod search_change;

// Questions and hosted visits.
pub mod exchange_question;
pub mod visit_closure;
pub mod visit_request;
pub mod visit_slot;
