//! The GOV.UK Design System for Beacon: GOV.UK Frontend's built assets
//! ([`assets`]) and its components as typed structs rendered by askama
//! ([`components`]).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod assets;
mod common;
pub mod components;

pub use assets::{ASSET_VERSION, Asset, asset, asset_url};
pub use common::{Attributes, Content};
