//! Posts and vacancies, vacancy reviews and the recruitment freeze (DESIGN.md §3.2).
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
