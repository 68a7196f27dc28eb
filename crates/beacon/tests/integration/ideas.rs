//! The ideas pages of the innovation pipeline: challenges, ideas, their
//! moves through the stages, and each organisation's stage configuration.
use crate::helpers::*;
use beacon_core::permission::Capability;
use beacon_web::routes::Access;

/// This feature's rows of the role × route × organisation matrix.
pub fn access(method: &str, path: &str) -> Option<Access> {
    use Access::*;
    let lead = Can(Capability::RunPipeline);
    Some(match (method, path) {
        ("GET", "/challenges" | "/challenges/{id}") => Member,
        ("GET" | "POST", "/challenges/new" | "/challenges/{id}/edit") => lead,
        ("GET", "/ideas" | "/ideas/similar" | "/ideas/new" | "/ideas/{id}") => Member,
        ("POST", "/ideas/check" | "/ideas" | "/ideas/{id}/move") => Member,
        ("GET" | "POST", "/ideas/{id}/edit") => Member,
        ("GET" | "POST", "/pipeline/stages") => lead,
        _ => return None,
    })
}
