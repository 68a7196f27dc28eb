//! Beacon's domain: the types and rules every other crate shares.
//!
//! Nothing here does I/O. The database crate stores these types, the web crate
//! renders them; the rules that decide what may happen live here so they can be
//! tested without either.
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod account;
pub mod exchange;
pub mod ids;
pub mod organisation;
pub mod permission;
pub mod pipeline;
pub mod role;
pub mod talent;
pub mod text;

pub use ids::{OrgId, PersonId};
pub use role::Role;
