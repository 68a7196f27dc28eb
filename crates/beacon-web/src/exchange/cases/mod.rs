//! Case studies: a council's own cases (write, draft from an evaluation,
//! attach files, publish at a level, withdraw), reading a case as whoever is
//! asking may read it, and the sector's moderation of anonymised text.
use crate::routes::Route;

pub fn routes() -> Vec<Route> {
    Vec::new()
}
