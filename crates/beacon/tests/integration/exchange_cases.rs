//! Case studies: writing, drafting from an evaluation, attachments, publishing levels, withdrawal, and the moderation of anonymised cases; anonymity on every read path.
use beacon_web::routes::Access;

/// The access this part's routes declare, for the route matrix.
pub fn access(_method: &str, _path: &str) -> Option<Access> {
    None
}
