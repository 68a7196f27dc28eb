//! Search: full text, facets, similar cases, relevance on a set of real queries, what each reader may find, and the rebuild.
use beacon_web::routes::Access;

/// The access this part's routes declare, for the route matrix.
pub fn access(_method: &str, _path: &str) -> Option<Access> {
    None
}
