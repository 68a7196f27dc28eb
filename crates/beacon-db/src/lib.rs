//! Storage for Beacon: SeaORM entities and migrations, and the queries the rest
//! of the app is allowed to make.
//!
//! One code path serves SQLite and PostgreSQL. Every function that touches
//! tenant data takes the organisation as an [`OrgId`](beacon_core::OrgId), so a
//! query without a tenant does not compile. Changes are written together with
//! their audit event, in one transaction.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod attempts;
pub mod audit;
mod connect;
pub mod entity;
mod error;
pub mod exchange;
pub mod migration;
pub mod organisations;
pub mod outbox;
pub mod people;
pub mod sessions;
pub mod tokens;

// The innovation pipeline (DESIGN.md §3.1).
pub mod appraisal;
pub mod challenges;
pub mod delivery;
pub mod gates;
pub mod idea_search;
pub mod ideas;
pub mod ideation;
pub mod panel;
pub mod participation;
pub mod portfolio;
pub mod stages;

// The talent pool and jobs market (DESIGN.md §3.2).
pub mod journey;
pub mod pool;
pub mod staff;
pub mod talent_generation;
pub mod talent_settings;
pub mod vacancies;
pub mod workforce;

pub use connect::{Backend, Db, begin_writing};
pub use error::{DbError, is_busy};
pub use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, TransactionTrait};

/// Time is passed in rather than read here, so tests can move the clock.
pub type Timestamp = time::OffsetDateTime;
