use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A uniqueness rule was broken; the payload names what was duplicated.
    #[error("already exists: {0}")]
    Conflict(&'static str),
    #[error("not found")]
    NotFound,
    /// Stored data could not be read back as a domain value (a bug or a hand edit).
    #[error("corrupt record: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

impl DbError {
    /// Turn a unique-constraint failure into `Conflict(what)`; pass others on.
    pub(crate) fn unique(what: &'static str) -> impl FnOnce(DbErr) -> DbError {
        move |err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => DbError::Conflict(what),
            _ => DbError::Database(err),
        }
    }
}
