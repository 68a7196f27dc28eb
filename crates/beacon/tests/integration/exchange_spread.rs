//! Adoption, follows, digests and Atom feeds.
use beacon_web::routes::Access;

/// The access this part's routes declare, for the route matrix.
pub fn access(_method: &str, _path: &str) -> Option<Access> {
    None
}
