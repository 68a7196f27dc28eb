//! The practice exchange (DESIGN.md §3.3).
//!
//! - `cases`: a council's own case studies, their attachments, drafting from
//!   an evaluation, publishing, withdrawing, and the moderation of anonymised
//!   text;
//! - `publications`: what other councils, the public, feeds, the search index
//!   and other Beacons read, and the one condition that decides who reads
//!   which;
//! - `search_log`: the change log the search index follows;
//! - `spread`: adoptions into other councils' pipelines, follows and digests;
//! - `visits`: questions to the innovators and hosted visits;
//! - `federation`: other Beacons' public cases.
pub mod cases;
pub mod federation;
pub mod publications;
pub mod search_log;
pub mod spread;
pub mod visits;
