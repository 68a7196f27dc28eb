//! The talent pool and matching: ranked candidates, opportunities and the pool's assignment proposal (DESIGN.md §3.2).
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
