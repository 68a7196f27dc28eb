//! The practice exchange (DESIGN.md §3.3).
//!
//! - `cases`: writing, publishing and reading case studies, their
//!   attachments, and the moderation of anonymised ones;
//! - `search`: finding cases, with facets and similar cases;
//! - `spread`: adopting a case into one's own pipeline, following, digests
//!   and Atom feeds;
//! - `visits`: questions to the innovators and hosted visits;
//! - `federation`: subscribing to another Beacon's public cases, and the
//!   public cases this one offers to others;
//! - `paging`: the pagination under the council's and the sector's lists.
//!
//! Outside its council a case is read only through its publication
//! (`beacon_db::exchange::publications`), whoever reads it and however.
mod cases;
pub(crate) mod federation;
mod paging;
mod search;
mod spread;
mod visits;

pub use spread::send_due_digests;
pub(crate) use spread::{AdoptedFrom, adopted_from};

use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    let mut routes = cases::routes();
    routes.extend(search::routes());
    routes.extend(spread::routes());
    routes.extend(visits::routes());
    routes.extend(federation::routes());
    routes
}
