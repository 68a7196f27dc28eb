//! The delivery pages of the innovation pipeline (DESIGN.md §3.1).
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
