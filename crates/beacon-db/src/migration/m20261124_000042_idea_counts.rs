//! How many ideas each organisation has, by challenge, stage, kind and
//! whether they are visible (neither hidden nor merged), kept by triggers on
//! `ideas`, so the ideas list counts a few dozen rows rather than every idea
//! (ARCHITECTURE.md, "Counting ideas").
//!
//! Triggers rather than code: ideas are written by several parts (submitted,
//! edited, moved, hidden, merged, seeded in bulk), and a count kept in the
//! database's own transaction cannot miss one of them or drift. An idea
//! answering no challenge is counted under the nil uuid, since a key column
//! cannot be null.
use super::helpers::per_backend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "CREATE TABLE idea_counts (
        organisation_id BLOB NOT NULL,
        challenge_key BLOB NOT NULL,
        stage TEXT NOT NULL,
        kind TEXT NOT NULL,
        visible BOOLEAN NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (organisation_id, visible, stage, kind, challenge_key)
    )",
    "CREATE TRIGGER idea_counts_insert AFTER INSERT ON ideas BEGIN
        INSERT INTO idea_counts VALUES (new.organisation_id,
            coalesce(new.challenge_id, zeroblob(16)), new.stage, new.kind,
            new.hidden = 0 AND new.merged_into IS NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    END",
    "CREATE TRIGGER idea_counts_update
        AFTER UPDATE OF organisation_id, challenge_id, stage, kind, hidden, merged_into ON ideas
    BEGIN
        UPDATE idea_counts SET n = n - 1
            WHERE organisation_id = old.organisation_id
              AND challenge_key = coalesce(old.challenge_id, zeroblob(16))
              AND stage = old.stage AND kind = old.kind
              AND visible = (old.hidden = 0 AND old.merged_into IS NULL);
        INSERT INTO idea_counts VALUES (new.organisation_id,
            coalesce(new.challenge_id, zeroblob(16)), new.stage, new.kind,
            new.hidden = 0 AND new.merged_into IS NULL, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    END",
    "CREATE TRIGGER idea_counts_delete AFTER DELETE ON ideas BEGIN
        UPDATE idea_counts SET n = n - 1
            WHERE organisation_id = old.organisation_id
              AND challenge_key = coalesce(old.challenge_id, zeroblob(16))
              AND stage = old.stage AND kind = old.kind
              AND visible = (old.hidden = 0 AND old.merged_into IS NULL);
    END",
    "INSERT INTO idea_counts
        SELECT organisation_id, coalesce(challenge_id, zeroblob(16)), stage, kind,
               hidden = 0 AND merged_into IS NULL, count(*)
        FROM ideas GROUP BY 1, 2, 3, 4, 5",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER idea_counts_delete",
    "DROP TRIGGER idea_counts_update",
    "DROP TRIGGER idea_counts_insert",
    "DROP TABLE idea_counts",
];

const POSTGRES_UP: &[&str] = &[
    "CREATE TABLE idea_counts (
        organisation_id uuid NOT NULL,
        challenge_key uuid NOT NULL,
        stage text NOT NULL,
        kind text NOT NULL,
        visible boolean NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (organisation_id, visible, stage, kind, challenge_key)
    )",
    "CREATE FUNCTION idea_counts_add(idea ideas, delta bigint) RETURNS void LANGUAGE sql AS $$
        INSERT INTO idea_counts VALUES (idea.organisation_id,
            coalesce(idea.challenge_id, '00000000-0000-0000-0000-000000000000'::uuid),
            idea.stage, idea.kind, NOT idea.hidden AND idea.merged_into IS NULL, delta)
        ON CONFLICT (organisation_id, visible, stage, kind, challenge_key)
        DO UPDATE SET n = idea_counts.n + excluded.n
    $$",
    "CREATE FUNCTION idea_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM idea_counts_add(OLD, -1);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM idea_counts_add(NEW, 1);
        END IF;
        RETURN NULL;
    END
    $$",
    "CREATE TRIGGER idea_counts_track
        AFTER INSERT OR DELETE OR UPDATE OF organisation_id, challenge_id, stage, kind, hidden, merged_into
        ON ideas FOR EACH ROW EXECUTE FUNCTION idea_counts_track()",
    "INSERT INTO idea_counts
        SELECT organisation_id,
               coalesce(challenge_id, '00000000-0000-0000-0000-000000000000'::uuid),
               stage, kind, NOT hidden AND merged_into IS NULL, count(*)
        FROM ideas GROUP BY 1, 2, 3, 4, 5",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER idea_counts_track ON ideas",
    "DROP FUNCTION idea_counts_track()",
    "DROP FUNCTION idea_counts_add(ideas, bigint)",
    "DROP TABLE idea_counts",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        per_backend(m, SQLITE_UP, POSTGRES_UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        per_backend(m, SQLITE_DOWN, POSTGRES_DOWN).await
    }
}
