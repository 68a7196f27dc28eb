//! Between Beacons: subscribing to another Beacon's public cases, and the
//! public cases this one offers.
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
