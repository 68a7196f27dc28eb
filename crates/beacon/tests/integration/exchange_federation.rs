//! Between Beacons: one instance subscribes to another's public cases, which stay read-only and marked with their source.
use beacon_web::routes::Access;

/// The access this part's routes declare, for the route matrix.
pub fn access(_method: &str, _path: &str) -> Option<Access> {
    None
}
