//! A change stamp per organisation for what the matching pages read
//! (ARCHITECTURE.md, "The talent pool and jobs market").
//!
//! `talent_generations` holds one counter per organisation, raised by a
//! trigger on every insert, update and delete of the tables the pool's
//! matching reads: the strengths framework, staff and their strengths,
//! qualifications and experience, vacancies and their requirements, pool
//! stays and placements. Servers keep what they computed from those tables
//! and recompute it when the counter has moved. A trigger rather than a call
//! in each write path, so no write can forget it: imports, the demo's bulk
//! loads and hand-written SQL raise it too, always in the writer's own
//! transaction.
//!
//! SQLite raises the counter once a row. PostgreSQL raises it once a
//! statement, from the statement's transition table, so a bulk load does
//! not update the same row thousands of times in one transaction.
use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table whose rows the matching pages read, each with an
/// `organisation_id` column.
const WATCHED: [&str; 11] = [
    "strengths",
    "staff",
    "staff_strengths",
    "staff_qualifications",
    "staff_experience",
    "vacancies",
    "vacancy_essentials",
    "vacancy_strengths",
    "vacancy_experience",
    "pool_members",
    "placements",
];

/// Trigger events: (name suffix, SQL event, the row or transition table
/// that holds the organisation).
const EVENTS: [(&str, &str, &str); 3] = [
    ("ins", "INSERT", "NEW"),
    ("upd", "UPDATE", "NEW"),
    ("del", "DELETE", "OLD"),
];

const PG_FUNCTION: &str = r"
CREATE FUNCTION talent_generation_raise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO talent_generations (organisation_id, generation)
    SELECT DISTINCT organisation_id, 1 FROM talent_changed_rows ORDER BY organisation_id
    ON CONFLICT (organisation_id)
    DO UPDATE SET generation = talent_generations.generation + 1;
    RETURN NULL;
END
$$";

fn trigger_name(table: &str, suffix: &str) -> String {
    format!("tg_{table}_talent_{suffix}")
}

fn sqlite_trigger(table: &str, suffix: &str, event: &str, row: &str) -> String {
    format!(
        "CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN \
         INSERT INTO talent_generations (organisation_id, generation) \
         VALUES ({row}.organisation_id, 1) \
         ON CONFLICT (organisation_id) DO UPDATE SET generation = generation + 1; \
         END",
        name = trigger_name(table, suffix),
    )
}

fn postgres_trigger(table: &str, suffix: &str, event: &str, row: &str) -> String {
    format!(
        "CREATE TRIGGER {name} AFTER {event} ON {table} \
         REFERENCING {row} TABLE AS talent_changed_rows \
         FOR EACH STATEMENT EXECUTE FUNCTION talent_generation_raise()",
        name = trigger_name(table, suffix),
    )
}

/// Raise the stamp on every insert, update and delete of `tables` (each
/// with an `organisation_id` column).
pub(super) async fn watch(m: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    let db = m.get_connection();
    let backend = db.get_database_backend();
    for table in tables {
        for (suffix, event, row) in EVENTS {
            let sql = match backend {
                DbBackend::Postgres => postgres_trigger(table, suffix, event, row),
                _ => sqlite_trigger(table, suffix, event, row),
            };
            db.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

/// Undo [`watch`].
pub(super) async fn unwatch(m: &SchemaManager<'_>, tables: &[&str]) -> Result<(), DbErr> {
    let db = m.get_connection();
    let backend = db.get_database_backend();
    for table in tables {
        for (suffix, _, _) in EVENTS {
            let name = trigger_name(table, suffix);
            let sql = match backend {
                DbBackend::Postgres => format!("DROP TRIGGER IF EXISTS {name} ON {table}"),
                _ => format!("DROP TRIGGER IF EXISTS {name}"),
            };
            db.execute_unprepared(&sql).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key: the counter may outlive nothing it counts, and a
        // cascade deleting an organisation's rows must not be refused for it.
        m.create_table(
            Table::create()
                .table("talent_generations")
                .col(uuid("organisation_id").primary_key())
                .col(big_integer("generation"))
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        let backend = db.get_database_backend();
        if backend == DbBackend::Postgres {
            db.execute_unprepared(PG_FUNCTION).await?;
        }
        watch(m, &WATCHED).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        unwatch(m, &WATCHED).await?;
        let db = m.get_connection();
        let backend = db.get_database_backend();
        if backend == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION IF EXISTS talent_generation_raise()")
                .await?;
        }
        m.drop_table(Table::drop().table("talent_generations").to_owned())
            .await?;
        Ok(())
    }
}
