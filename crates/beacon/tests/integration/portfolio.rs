//! The portfolio pages of the innovation pipeline.
use beacon_web::routes::Access;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    let _ = (method, path);
    None
}
