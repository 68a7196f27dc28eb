//! On PostgreSQL, `idea_counts` kept once a statement, in key order, rather
//! than row by row (migration `m20261124_000042_idea_counts`).
//!
//! Row by row, a move adds to one count and takes from another, each row
//! locked until commit; two moves in opposite directions at once (one idea
//! hidden while another is restored, one sent on while another is sent back)
//! lock the same two counts in opposite orders and one of them is aborted as
//! a deadlock. Here each statement sums its changes per count from its
//! transition tables and applies them sorted by key, so every writer locks
//! counts in the same order. SQLite has a single writer and keeps its
//! triggers.
use super::helpers::per_backend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One function for the three triggers: a statement's new rows add one to
/// their count, its old rows take one away, and a count that nets to zero is
/// not touched at all.
const POSTGRES_UP: &[&str] = &[
    "DROP TRIGGER idea_counts_track ON ideas",
    "DROP FUNCTION idea_counts_track()",
    "DROP FUNCTION idea_counts_add(ideas, bigint)",
    "CREATE FUNCTION idea_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO idea_counts (organisation_id, challenge_key, stage, kind, visible, n)
            SELECT organisation_id,
                   coalesce(challenge_id, '00000000-0000-0000-0000-000000000000'::uuid),
                   stage, kind, NOT hidden AND merged_into IS NULL, count(*)
            FROM added
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 5, 3, 4, 2
            ON CONFLICT (organisation_id, visible, stage, kind, challenge_key)
            DO UPDATE SET n = idea_counts.n + excluded.n;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO idea_counts (organisation_id, challenge_key, stage, kind, visible, n)
            SELECT organisation_id,
                   coalesce(challenge_id, '00000000-0000-0000-0000-000000000000'::uuid),
                   stage, kind, NOT hidden AND merged_into IS NULL, -count(*)
            FROM removed
            GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 5, 3, 4, 2
            ON CONFLICT (organisation_id, visible, stage, kind, challenge_key)
            DO UPDATE SET n = idea_counts.n + excluded.n;
        ELSE
            INSERT INTO idea_counts (organisation_id, challenge_key, stage, kind, visible, n)
            SELECT organisation_id, challenge_key, stage, kind, visible, sum(delta)
            FROM (
                SELECT organisation_id,
                       coalesce(challenge_id, '00000000-0000-0000-0000-000000000000'::uuid)
                           AS challenge_key,
                       stage, kind, NOT hidden AND merged_into IS NULL AS visible, 1 AS delta
                FROM added
                UNION ALL
                SELECT organisation_id,
                       coalesce(challenge_id, '00000000-0000-0000-0000-000000000000'::uuid),
                       stage, kind, NOT hidden AND merged_into IS NULL, -1
                FROM removed
            ) AS changes
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(delta) <> 0 ORDER BY 1, 5, 3, 4, 2
            ON CONFLICT (organisation_id, visible, stage, kind, challenge_key)
            DO UPDATE SET n = idea_counts.n + excluded.n;
        END IF;
        RETURN NULL;
    END
    $$",
    // Transition tables rule out a column list, so every update of `ideas`
    // fires the trigger; one that changes no counted column nets to zero.
    "CREATE TRIGGER idea_counts_inserted AFTER INSERT ON ideas
        REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION idea_counts_apply()",
    "CREATE TRIGGER idea_counts_updated AFTER UPDATE ON ideas
        REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION idea_counts_apply()",
    "CREATE TRIGGER idea_counts_deleted AFTER DELETE ON ideas
        REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION idea_counts_apply()",
];

/// Back to the row-by-row triggers of `m20261124_000042_idea_counts`.
const POSTGRES_DOWN: &[&str] = &[
    "DROP TRIGGER idea_counts_deleted ON ideas",
    "DROP TRIGGER idea_counts_updated ON ideas",
    "DROP TRIGGER idea_counts_inserted ON ideas",
    "DROP FUNCTION idea_counts_apply()",
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
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        per_backend(m, &[], POSTGRES_UP).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        per_backend(m, &[], POSTGRES_DOWN).await
    }
}
