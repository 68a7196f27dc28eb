//! Questions to the innovators and hosted visits, with their iCalendar invitations.
use beacon_web::routes::Access;

/// The access this part's routes declare, for the route matrix.
pub fn access(_method: &str, _path: &str) -> Option<Access> {
    None
}
