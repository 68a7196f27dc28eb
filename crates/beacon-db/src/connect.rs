use crate::migration::Migrator;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
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
            options.max_connections(8).map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        } else {
            options.max_connections(16);
        }
        let conn = Database::connect(options).await?;
        Ok(Self { conn, backend })
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

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(self) -> Result<(), DbErr> {
        self.conn.close().await
    }
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
