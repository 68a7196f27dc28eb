//! Beacon's web app. Routers are grouped by feature (`account`, `admin`,
//! `sector`, `public`, `ops`, and the innovation pipeline's `ideas`,
//! `participation`, `appraisal`, `panel`, `delivery`, `ideation`,
//! `portfolio`, which share `pipeline`); every route is declared in [`routes`] with the
//! access it needs, which is enforced by one middleware and checked by the
//! role × route × organisation matrix in the tests.
//!
//! A request passes through: tracing and metrics → security headers → the
//! visitor (session, language, CSRF token) → the CSRF guard for anything that
//! changes state → routing → the route's access rule → the handler, which
//! parses its form into domain types, calls `beacon-db`, and renders a page.
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod account;
mod admin;
pub mod app;
mod appraisal;
pub mod clock;
pub mod config;
mod csrf;
mod delivery;
pub mod email;
mod error;
mod forms;
pub mod i18n;
mod ideas;
mod ideation;
mod limits;
mod metrics;
mod ops;
mod panel;
mod participation;
pub mod password;
mod pipeline;
mod portfolio;
mod public;
pub mod routes;
mod sector;
mod secure_headers;
mod shell;
mod stamped;
mod tokens;
mod visitor;

// The talent pool and jobs market (DESIGN.md §3.2).
mod journey;
mod pool;
mod profiles;
mod vacancies;
mod workforce;

// The practice exchange (DESIGN.md §3.3).
mod exchange;

pub use app::{AppState, build_router, serve};
pub use clock::Clock;
pub use config::{Config, SmtpConfig};
pub use error::AppError;
pub use exchange::send_due_digests;
