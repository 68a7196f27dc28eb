//! Questions to the innovators and hosted visits.
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
