//! The strengths framework, the self-assessment and staff profiles (DESIGN.md §3.2).
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
