//! The `beacon` command line, as a library so the integration tests can seed
//! the demo and start the server exactly as the binary does.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod admin;
pub mod cli;
pub mod demo;
pub mod import;
pub mod library;
pub mod logging;
pub mod search;
pub mod server;
