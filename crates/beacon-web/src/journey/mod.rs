//! Journeys from invitation to placement, trials, and the redeployment team (DESIGN.md §3.2).
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
