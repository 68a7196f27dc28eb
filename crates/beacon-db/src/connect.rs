use crate::migration::Migrator;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub const fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection pool with its migrations applied.
#[derive(Clone, Debug)]
pub struct Db {
    conn: DatabaseConnection,
    backend: Backend,
}

/// SQLite has one writer and readers that do not block it (WAL), so a few
/// connections keep two cores busy; more would only queue inside SQLite.
const SQLITE_CONNECTIONS: u32 = 8;
const POSTGRES_CONNECTIONS: u32 = 16;

impl Db {
    /// Connect by URL (`sqlite://PATH` or `postgres://…`), then migrate: an
    /// upgrade needs no separate step.
    pub async fn connect(url: &str) -> Result<Self, DbErr> {
        let db = match Self::connect_without_migrating(url).await {
            Err(e) if is_missing_database(&e) => {
                create_postgres_database(url).await?;
                Self::connect_without_migrating(url).await?
            }
            other => other?,
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn connect_without_migrating(url: &str) -> Result<Self, DbErr> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(DbErr::Custom(
                "the database URL must start with sqlite:// or postgres://".into(),
            ));
        };
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10));
        if backend == Backend::Sqlite {
            // WAL with synchronous=FULL: an acknowledged write survives power loss
            // (PROMISES.md 23). The busy timeout lets writers queue instead of failing.
            options
                .max_connections(SQLITE_CONNECTIONS)
                .map_sqlx_sqlite_opts(|o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Full)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(10))
                });
        } else {
            options.max_connections(POSTGRES_CONNECTIONS);
        }
        let conn = Database::connect(options).await?;
        Ok(Self { conn, backend })
    }

    /// How many connections the pool holds at most. A request that finds
    /// them all busy for longer than the acquire timeout is refused as busy
    /// (503 with Retry-After), not failed.
    pub fn pool_size(&self) -> u32 {
        match self.backend {
            Backend::Sqlite => SQLITE_CONNECTIONS,
            Backend::Postgres => POSTGRES_CONNECTIONS,
        }
    }

    /// Refresh the statistics the query planner chooses indexes by.
    ///
    /// Without them SQLite takes every index to be selective, and reads "the
    /// organisation's rows" rather than twenty rows by primary key: at 50,000
    /// staff that lookup scanned them all (about 100 ms, against 0.1 ms with
    /// statistics). `analysis_limit` samples each index instead of reading it
    /// whole, so this stays well under a second on the largest database.
    /// PostgreSQL's autovacuum keeps its own statistics.
    pub async fn refresh_statistics(&self) -> Result<(), DbErr> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        // The limit is a setting of the connection: one transaction keeps
        // both statements on the same one.
        let txn = begin_writing(&self.conn).await?;
        txn.execute_unprepared("PRAGMA analysis_limit = 1000")
            .await?;
        txn.execute_unprepared("ANALYZE").await?;
        txn.commit().await
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// How many migrations have been applied, for `/healthz`.
    pub async fn applied_migrations(&self) -> Result<usize, DbErr> {
        Ok(Migrator::get_applied_migrations(&self.conn).await?.len())
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Begin a transaction that will write, holding SQLite's write lock from
    /// `BEGIN` (`BEGIN IMMEDIATE`); on PostgreSQL, an ordinary `BEGIN`.
    ///
    /// A deferred SQLite transaction that has read anything cannot wait for
    /// the write lock: it fails at once with "database is locked" when another
    /// writer holds it. Even a first statement that writes can read first:
    /// preparing an insert into `ideas` connects its triggers' full-text
    /// table, which reads that table's settings. Taken at `BEGIN`, the lock
    /// is waited for (up to the busy timeout) like any other.
    pub async fn begin_writing(&self) -> Result<DatabaseTransaction, DbErr> {
        begin_writing(&self.conn).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.conn.close().await
    }
}

/// [`Db::begin_writing`] for code that holds only the connection. Every
/// transaction that writes starts this way, so that on SQLite it waits its
/// turn for the write lock instead of failing when another writer is busy.
pub async fn begin_writing<C: TransactionTrait>(conn: &C) -> Result<C::Transaction, DbErr> {
    conn.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// PostgreSQL's "database does not exist" (SQLSTATE 3D000).
fn is_missing_database(e: &DbErr) -> bool {
    let text = e.to_string();
    text.contains("3D000") || (text.contains("database") && text.contains("does not exist"))
}

/// Create the database named in a PostgreSQL URL, through the server's
/// maintenance database, so that a first `beacon serve` needs no manual step.
async fn create_postgres_database(url: &str) -> Result<(), DbErr> {
    let (server, rest) = url
        .rsplit_once('/')
        .ok_or_else(|| DbErr::Custom("the PostgreSQL URL names no database".into()))?;
    let (name, query) = rest.split_once('?').map_or((rest, ""), |(n, q)| (n, q));
    let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !valid {
        return Err(DbErr::Custom(format!(
            "database {name:?} does not exist; create it (Beacon creates only names of letters, digits and _)"
        )));
    }
    let maintenance = if query.is_empty() {
        format!("{server}/postgres")
    } else {
        format!("{server}/postgres?{query}")
    };
    let admin = Database::connect(maintenance).await?;
    tracing::info!(database = name, "creating the PostgreSQL database");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    admin.close().await
}
