//! How practice spreads: adopting a case into one's own pipeline, following
//! service areas, councils and tags, and Atom feeds.
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
