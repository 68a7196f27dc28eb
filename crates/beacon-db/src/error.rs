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

impl DbError {
    /// Whether the database could not serve this request now but may in a
    /// moment; see [`is_busy`].
    pub fn is_busy(&self) -> bool {
        matches!(self, DbError::Database(e) if is_busy(e))
    }
}

/// Whether an error means "busy, try again", not "broken": no pooled
/// connection came free in time, SQLite's one writer stayed busy past the
/// busy timeout (or a reader's snapshot went stale when it tried to write),
/// or PostgreSQL gave up a transaction to a serialisation conflict or a
/// deadlock. The transaction was rolled back, so nothing was written.
pub fn is_busy(err: &DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::{ConnAcquireErr, RuntimeErr};
    let sqlx = match err {
        DbErr::ConnectionAcquire(ConnAcquireErr::Timeout) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e.as_ref(),
        _ => return false,
    };
    match sqlx {
        Sqlx::PoolTimedOut => true,
        Sqlx::Database(e) => {
            if e.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
                .is_some()
            {
                // Extended result codes keep the primary code in the low
                // byte: SQLITE_BUSY (5) and SQLITE_LOCKED (6) and their kinds.
                let code = e.code().and_then(|c| c.parse::<i32>().ok());
                matches!(code.map(|c| c & 0xff), Some(5 | 6))
            } else if e
                .try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>()
                .is_some()
            {
                matches!(e.code().as_deref(), Some("40001" | "40P01"))
            } else {
                false
            }
        }
        _ => false,
    }
}
