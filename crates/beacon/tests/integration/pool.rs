//! The talent pool and matching: ranked candidates, opportunities and the pool's assignment proposal (DESIGN.md §3.2).
use beacon_web::routes::Access;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(_method: &str, _path: &str) -> Option<Access> {
    None
}
