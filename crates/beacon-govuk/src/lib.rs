//! The GOV.UK Design System for Beacon: GOV.UK Frontend's built assets
//! ([`assets`]) and its components as typed structs rendered by askama
//! ([`components`]).
//!
//! # Assets
//!
//! `build.rs` builds `web/` with npm (GOV.UK Frontend with the council
//! branding: Arial, no GDS Transport, no crown) and embeds every file of
//! `web/dist`. Serve them under [`asset_url`]'s prefix with a year-long,
//! immutable cache: the prefix holds [`ASSET_VERSION`], a hash of the files,
//! so a new build gets new URLs. With axum, for example:
//!
//! ```ignore
//! async fn govuk_asset(Path((version, path)): Path<(String, String)>) -> Response {
//!     match beacon_govuk::asset(&path) {
//!         Some(asset) if version == beacon_govuk::ASSET_VERSION => (
//!             [
//!                 (CONTENT_TYPE, asset.content_type),
//!                 (CACHE_CONTROL, "public, max-age=31536000, immutable"),
//!             ],
//!             asset.bytes,
//!         )
//!             .into_response(),
//!         _ => StatusCode::NOT_FOUND.into_response(),
//!     }
//! }
//! // Router::new().route("/assets/{version}/{*path}", get(govuk_asset))
//! ```
//!
//! and in the layout (`init.js` starts GOV.UK Frontend's scripts without an
//! inline script, so the Content-Security-Policy can stay `script-src 'self'`):
//!
//! ```html
//! <link rel="stylesheet" href="{{ asset_url("app.css") }}">
//! <script type="module" src="{{ asset_url("init.js") }}"></script>
//! <link rel="manifest" href="{{ asset_url("assets/manifest.json") }}">
//! ```
//!
//! # Components
//!
//! Build a component with its constructor and builder methods (or a struct
//! literal with `..Default::default()`), and put it in an askama template with
//! a plain `{{ component }}`: see [`components`].
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod assets;
mod common;
pub mod components;

pub use assets::{ASSET_VERSION, Asset, asset, asset_url};
pub use common::{Attributes, Content};
