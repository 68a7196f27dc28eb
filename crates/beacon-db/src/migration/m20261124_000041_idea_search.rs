//! A full-text index over ideas' titles and problems, for the ideas list's
//! search and the similar-ideas candidates (ARCHITECTURE.md, "Searching
//! ideas"). Each backend uses its own: SQLite an FTS5 table kept by
//! triggers, PostgreSQL a GIN index over the English `tsvector`. Both stem
//! English words, so "pothole" finds "potholes". The queries that read them
//! are in `beacon_db::idea_search`.
//!
//! On SQLite the FTS5 rows are numbered by `idea_search_keys`, whose integer
//! key is stable (an idea's own rowid is not: VACUUM may renumber a table
//! without an integer primary key). The triggers write in the statement's
//! transaction, so an idea is found the moment its transaction commits,
//! whichever code path wrote it.
use super::helpers::per_backend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE idea_search_keys (n INTEGER PRIMARY KEY, idea_id BLOB NOT NULL UNIQUE)",
    "CREATE VIRTUAL TABLE idea_search USING fts5(title, problem, tokenize = 'porter unicode61')",
    "CREATE TRIGGER idea_search_insert AFTER INSERT ON ideas BEGIN
        INSERT INTO idea_search_keys (idea_id) VALUES (new.id);
        INSERT INTO idea_search (rowid, title, problem)
            SELECT n, new.title, new.problem FROM idea_search_keys WHERE idea_id = new.id;
    END",
    "CREATE TRIGGER idea_search_update AFTER UPDATE OF title, problem ON ideas BEGIN
        UPDATE idea_search SET title = new.title, problem = new.problem
            WHERE rowid = (SELECT n FROM idea_search_keys WHERE idea_id = new.id);
    END",
    "CREATE TRIGGER idea_search_delete AFTER DELETE ON ideas BEGIN
        DELETE FROM idea_search
            WHERE rowid = (SELECT n FROM idea_search_keys WHERE idea_id = old.id);
        DELETE FROM idea_search_keys WHERE idea_id = old.id;
    END",
    "INSERT INTO idea_search_keys (idea_id) SELECT id FROM ideas",
    "INSERT INTO idea_search (rowid, title, problem)
        SELECT k.n, i.title, i.problem FROM idea_search_keys k JOIN ideas i ON i.id = k.idea_id",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER idea_search_delete",
    "DROP TRIGGER idea_search_update",
    "DROP TRIGGER idea_search_insert",
    "DROP TABLE idea_search",
    "DROP TABLE idea_search_keys",
];

/// The expression must match `idea_search::POSTGRES_DOCUMENT` exactly for
/// the planner to use the index.
const POSTGRES_UP: &[&str] = &["CREATE INDEX ix_ideas_search ON ideas
        USING gin (to_tsvector('english'::regconfig, title || ' ' || problem))"];

const POSTGRES_DOWN: &[&str] = &["DROP INDEX ix_ideas_search"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        per_backend(m, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        per_backend(m, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}
