//! Finding cases: full text with facets (service area, facet, stage, outcome,
//! evidence level, council, year) and similar cases, over what the reader may
//! read.
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
