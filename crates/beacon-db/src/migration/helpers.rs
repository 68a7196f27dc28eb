//! Small builders every migration shares.
use sea_orm_migration::prelude::*;

/// A foreign key from `from_table.column` to `to.id`, deleted with its parent.
pub fn fk(
    from_table: &'static str,
    column: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{column}"))
        .from(from_table, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// An index named after its table and columns.
pub fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_")))
        .table(table);
    for c in columns {
        stmt.col(*c);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

/// A foreign key to the person who made a row, cleared (not cascaded) when
/// the person is erased, so the record outlives its author.
pub fn made_by(table: &'static str, column: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to("people", "id")
        .on_delete(ForeignKeyAction::SetNull)
        .to_owned()
}

/// Run the statements written for the connection's backend, in order: for
/// what each backend does its own way (full-text search, triggers).
pub async fn per_backend(
    m: &SchemaManager<'_>,
    sqlite: &[&str],
    postgres: &[&str],
) -> Result<(), DbErr> {
    use sea_orm::{ConnectionTrait, DbBackend};
    let conn = m.get_connection();
    let statements = match conn.get_database_backend() {
        DbBackend::Sqlite => sqlite,
        _ => postgres,
    };
    for statement in statements {
        conn.execute_unprepared(statement).await?;
    }
    Ok(())
}
