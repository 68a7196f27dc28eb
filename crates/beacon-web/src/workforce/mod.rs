//! Imports of staff, posts and vacancies, and workforce analytics (DESIGN.md §3.2).
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
