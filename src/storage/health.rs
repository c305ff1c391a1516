//! A look at a database without changing it, for `navigator doctor`:
//! reachable, which migrations are applied, writable (a write that is
//! rolled back), and a sample of sealed values to try the data keys on.
//!
//! Unlike `Storage::connect`, nothing here migrates or creates files.

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Row};

use super::{Backend, MIGRATOR, backend_of, redact};

/// An open database, not migrated by opening it.
pub struct Inspection {
    pool: AnyPool,
    pub backend: Backend,
}

/// Migrations as the database records them, against this version's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MigrationState {
    /// Known to this version and applied.
    pub applied: usize,
    /// This version's migrations not applied yet: (version, description).
    pub pending: Vec<(i64, String)>,
    /// Applied versions this version does not know (a newer version ran).
    pub unknown: Vec<i64>,
    /// Applied, but the file changed since (checksum differs) or it failed.
    pub altered: Vec<i64>,
}

impl MigrationState {
    pub fn is_current(&self) -> bool {
        self.pending.is_empty() && self.unknown.is_empty() && self.altered.is_empty()
    }
}

/// A stored sealed value and its place (it opens only there).
#[derive(Debug, Clone)]
pub struct SealedSample {
    pub column: super::sealing::Column,
    pub key: i64,
    pub value: String,
}

/// How the values of the sealed columns are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SealingState {
    /// Values in plain (fine without a data key; refused with one).
    pub plain: i64,
    /// Sealed before values were bound to their row.
    pub unbound: i64,
    /// Bound, under an older key than the current one.
    pub older_key: i64,
}

impl Inspection {
    /// Opens the database as it is (a missing SQLite file is an error).
    pub async fn open(database_url: &str) -> anyhow::Result<Inspection> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(database_url)?;
        let url = match backend {
            Backend::Sqlite if !database_url.contains("mode=") => {
                let separator = if database_url.contains('?') { '&' } else { '?' };
                format!("{database_url}{separator}mode=rw")
            }
            _ => database_url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .with_context(|| format!("invalid DATABASE_URL ({})", redact(database_url)))?;
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {}", redact(database_url)))?;
        Ok(Inspection { pool, backend })
    }

    /// The applied migrations against this version's list.
    pub async fn migrations(&self) -> anyhow::Result<MigrationState> {
        let has_table = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = '_sqlx_migrations'
                 AND table_schema = current_schema()"
            }
        };
        let count: i64 = sqlx::query(has_table)
            .fetch_one(&self.pool)
            .await
            .context("cannot read the database's tables")?
            .try_get("n")?;
        let applied: Vec<(i64, bool, Vec<u8>)> = if count == 0 {
            Vec::new()
        } else {
            sqlx::query(
                "SELECT version, CAST(CASE WHEN success THEN 1 ELSE 0 END AS BIGINT) AS ok, checksum FROM _sqlx_migrations ORDER BY version",
            )
            .fetch_all(&self.pool)
            .await
            .context("cannot read the applied migrations")?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get("version")?,
                    row.try_get::<i64, _>("ok")? != 0,
                    row.try_get("checksum")?,
                ))
            })
            .collect::<anyhow::Result<_>>()?
        };
        let mut state = MigrationState::default();
        for migration in MIGRATOR.iter() {
            match applied
                .iter()
                .find(|(version, ..)| *version == migration.version)
            {
                None => state
                    .pending
                    .push((migration.version, migration.description.to_string())),
                Some((_, ok, checksum)) if !ok || checksum[..] != migration.checksum[..] => {
                    state.altered.push(migration.version)
                }
                Some(_) => state.applied += 1,
            }
        }
        state.unknown = applied
            .iter()
            .map(|(version, ..)| *version)
            .filter(|version| MIGRATOR.iter().all(|m| m.version != *version))
            .collect();
        Ok(state)
    }

    /// Creates and fills a scratch table in a transaction, then rolls it
    /// back: proves the database accepts writes without leaving a trace.
    pub async fn write_probe(&self) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot start a transaction")?;
        sqlx::query("CREATE TABLE navigator_doctor_probe (x BIGINT)")
            .execute(&mut *tx)
            .await
            .context("cannot create a table")?;
        sqlx::query("INSERT INTO navigator_doctor_probe (x) VALUES ($1)")
            .bind(1_i64)
            .execute(&mut *tx)
            .await
            .context("cannot write a row")?;
        tx.rollback().await.context("cannot roll back")?;
        Ok(())
    }

    /// Up to `per_column` sealed values of each column that may hold
    /// them, with their places. Needs a migrated database.
    pub async fn sealed_samples(&self, per_column: i64) -> anyhow::Result<Vec<SealedSample>> {
        let mut samples = Vec::new();
        for column in super::sealing::SEALED {
            let (table, name, key) = (column.table, column.name, column.key);
            let rows = sqlx::query(&format!(
                "SELECT {key} AS k, {name} AS v FROM {table} WHERE {name} LIKE 'enc%' LIMIT $1"
            ))
            .bind(per_column)
            .fetch_all(&self.pool)
            .await
            .with_context(|| format!("cannot read {table}.{name}"))?;
            for row in rows {
                samples.push(SealedSample {
                    column,
                    key: row.try_get("k")?,
                    value: row.try_get("v")?,
                });
            }
        }
        Ok(samples)
    }

    /// How the values of the sealed columns are kept, against the key
    /// with id `current` (counted in the database, not read).
    pub async fn sealing_state(&self, current: &str) -> anyhow::Result<SealingState> {
        let mut state = SealingState::default();
        for column in super::sealing::SEALED {
            let (table, name) = (column.table, column.name);
            let row = sqlx::query(&format!(
                "SELECT
                     COALESCE(SUM(CASE WHEN {name} NOT LIKE 'enc%' AND {name} <> '' THEN 1 ELSE 0 END), 0) AS plain,
                     COALESCE(SUM(CASE WHEN {name} LIKE 'enc1:%' THEN 1 ELSE 0 END), 0) AS unbound,
                     COALESCE(SUM(CASE WHEN {name} LIKE 'enc2:%' AND {name} NOT LIKE $1 THEN 1 ELSE 0 END), 0) AS older
                 FROM {table}"
            ))
            .bind(format!("enc2:{current}:%"))
            .fetch_one(&self.pool)
            .await
            .with_context(|| format!("cannot read {table}.{name}"))?;
            state.plain += row.try_get::<i64, _>("plain")?;
            state.unbound += row.try_get::<i64, _>("unbound")?;
            state.older_key += row.try_get::<i64, _>("older")?;
        }
        Ok(state)
    }

    /// Lanes of the outbox failing since before `since_ms` (held), and how
    /// many jobs Telegram refused for good since `refused_since_ms`.
    pub async fn delivery(
        &self,
        since_ms: i64,
        refused_since_ms: i64,
    ) -> anyhow::Result<(Vec<super::HeldLane>, i64)> {
        let held = super::durable::held_lanes_in(&self.pool, since_ms).await?;
        let refused: i64 = sqlx::query("SELECT COUNT(*) AS n FROM undelivered WHERE at_ms >= $1")
            .bind(refused_since_ms)
            .fetch_one(&self.pool)
            .await
            .context("cannot read the undelivered jobs")?
            .try_get("n")?;
        Ok((held, refused))
    }

    /// Updates set aside after failing again and again.
    pub async fn quarantined_updates(&self) -> anyhow::Result<i64> {
        super::durable::quarantined_in(&self.pool).await
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}
