//! Beacon's integration suite: the real app on port 0 with its own database.
//! Every scenario runs twice, on SQLite and on PostgreSQL (a fresh database
//! per test at `BEACON_TEST_POSTGRES`, default postgres://postgres@127.0.0.1:5432).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod accounts;
mod admin;
mod cli;
mod csrf;
mod email;
mod matrix;
mod ops;

// The innovation pipeline.
mod appraisal;
mod delivery;
mod ideas;
mod ideation;
mod panel;
mod participation;
mod portfolio;

// The talent pool and jobs market.
mod journey;
mod pool;
mod profiles;
mod vacancies;
mod workforce;

// The practice exchange.
mod exchange_cases;
mod exchange_federation;
mod exchange_search;
mod exchange_spread;
mod exchange_visits;
