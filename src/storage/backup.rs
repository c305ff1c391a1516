//! Backups: a consistent online copy of a SQLite database (`VACUUM INTO`),
//! and a restore of such a copy into an empty database of either backend.
//! PostgreSQL backups use `pg_dump` (see README).

use anyhow::Context;
use sqlx::{Column, Row};

use super::{Backend, Storage};

/// Every table the migrations create, parents first (restore order).
pub const TABLES: &[&str] = &[
    "sessions",
    "intake_drafts",
    "counters",
    "cases",
    "coordinators",
    "relayed_messages",
    "audit_log",
    "inbox",
    "outbox",
    "weekly_summaries",
];

impl Storage {
    /// Writes a consistent copy of the live SQLite database to `path`.
    pub async fn backup_to(&self, path: &std::path::Path) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.backend == Backend::Sqlite,
            "for PostgreSQL use pg_dump (see README: Backups): pg_dump --format=custom \"$DATABASE_URL\" > navigator.dump"
        );
        anyhow::ensure!(
            !path.exists(),
            "{} already exists: choose a new file",
            path.display()
        );
        let target = path
            .to_str()
            .context("the backup path is not UTF-8")?
            .replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{target}'"))
            .execute(&self.pool)
            .await
            .context("cannot write the backup")?;
        crate::files::restrict(path).context("cannot make the backup private")?;
        Ok(())
    }

    /// Copies every row of `backup` (a SQLite backup file) into this
    /// database, which must be freshly migrated and empty.
    pub async fn restore_from(&self, backup: &Storage) -> anyhow::Result<u64> {
        let sessions: i64 = sqlx::query("SELECT COUNT(*) AS n FROM sessions")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let cases: i64 = sqlx::query("SELECT COUNT(*) AS n FROM cases")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        anyhow::ensure!(
            sessions == 0 && cases == 0,
            "the target database is not empty: restore only into a new database"
        );
        let mut tx = self.pool.begin().await?;
        // The migration seeded the counters; the backup's values replace them.
        sqlx::query("DELETE FROM counters")
            .execute(&mut *tx)
            .await?;
        let mut copied = 0;
        for table in TABLES {
            for row in dump_table(backup, table).await? {
                let columns: Vec<&str> = row.iter().map(|(name, _)| name.as_str()).collect();
                let placeholders: Vec<String> =
                    (1..=columns.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    columns.join(", "),
                    placeholders.join(", ")
                );
                let mut query = sqlx::query(&sql);
                for (_, value) in &row {
                    query = match value {
                        Value::Integer(n) => query.bind(*n),
                        Value::Text(text) => query.bind(text.clone()),
                        Value::Null => query.bind(Option::<i64>::None),
                    };
                }
                query
                    .execute(&mut *tx)
                    .await
                    .with_context(|| format!("cannot restore a row of {table}"))?;
                copied += 1;
            }
        }
        tx.commit().await.context("cannot commit the restore")?;
        Ok(copied)
    }
}

/// A column value as stored (the schema uses only BIGINT and TEXT).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Value {
    Integer(i64),
    Text(String),
    Null,
}

/// Every row of a table, columns in order, rows sorted (for comparisons).
pub async fn dump_table(
    storage: &Storage,
    table: &str,
) -> anyhow::Result<Vec<Vec<(String, Value)>>> {
    let rows = sqlx::query(&format!("SELECT * FROM {table}"))
        .fetch_all(storage.pool())
        .await
        .with_context(|| format!("cannot read {table}"))?;
    let mut dumped: Vec<Vec<(String, Value)>> = rows
        .iter()
        .map(|row| {
            row.columns()
                .iter()
                .map(|column| {
                    let i = column.ordinal();
                    let value = match row.try_get::<Option<i64>, _>(i) {
                        Ok(Some(n)) => Value::Integer(n),
                        Ok(None) => Value::Null,
                        Err(_) => match row.try_get::<Option<String>, _>(i) {
                            Ok(Some(text)) => Value::Text(text),
                            _ => Value::Null,
                        },
                    };
                    (column.name().to_owned(), value)
                })
                .collect()
        })
        .collect();
    dumped.sort();
    Ok(dumped)
}
