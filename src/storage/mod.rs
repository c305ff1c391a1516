//! Storage: the database behind the bot, through sqlx's `Any` driver so that
//! one set of queries and migrations (`migrations/`) serves SQLite (the
//! embedded default) and PostgreSQL (production).
//!
//! This module owns connection set-up, backend detection and `Storage`
//! itself; each aggregate's SQL lives in its own module: `sessions`,
//! `cases`, `coordinators`, `relays`, `audit`, `retention` (purge, scrub,
//! erasure), the inbox, outbox and `Work` in `durable`, the group commit in
//! `group`. Must not know about Telegram or Fluent; it stores the core's
//! plain data types.

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor};

mod audit;
pub mod backup;
mod cases;
mod coordinators;
mod durable;
mod escalations;
mod gauges;
mod group;
pub mod health;
mod maintenance;
pub use maintenance::Resealed;
mod relays;
mod reports;
mod retention;
pub mod sealing;
mod sessions;

pub use cases::StoredCase;
pub(crate) use cases::{
    close_case_in, create_case_in, move_case_in, rate_case_in, release_case_in, reopen_case_in,
    set_urgent_in, take_case_in, transfer_case_in,
};
pub use durable::{Begun, HeldLane, OutboxJob, Staged, Undelivered, Work, job_update};
pub use escalations::ReminderRecord;
pub use gauges::{CASE_STATUSES, Gauges};
pub use group::GroupCounts;
pub use retention::{ErasedTopic, Erasure};
pub(crate) use retention::{erase_patient_data_in, patient_data_in};
pub use sealing::Sealer;
pub(crate) use sessions::{
    LoadedSession, SESSION_WRITES_POSTGRES, SESSION_WRITES_SQLITE, SESSIONS_SELECT, SessionWrite,
    load_session_in, load_sessions_each_in, load_sessions_in, session_of_row, session_rows,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The default database: a file next to where the bot runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://navigator.db";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Storage {
    pool: AnyPool,
    /// For reads that run often beside the writes (the outbox sender's):
    /// SQLite's readers do not wait for its one writer, nor it for them.
    reader: AnyPool,
    backend: Backend,
    /// PostgreSQL: for writes that need not wait for the disk
    /// (`leases_pool`): the sender's claims, the poller's staged updates.
    leases: Option<AnyPool>,
    /// Seals what patients write; `None` stores plaintext (development).
    sealer: Option<Arc<Sealer>>,
    group: group::GroupCommit,
    /// Coordinators stored lately, with their name and username then.
    coordinators_seen: Arc<std::sync::Mutex<coordinators::CoordinatorsSeen>>,
}

impl Storage {
    /// Connects (creating a SQLite file on first run) and applies migrations.
    pub async fn connect(database_url: &str) -> anyhow::Result<Storage> {
        Storage::connect_sealed(database_url, None).await
    }

    /// Connects with a data key: patients' texts are encrypted at rest.
    pub async fn connect_sealed(
        database_url: &str,
        sealer: Option<Sealer>,
    ) -> anyhow::Result<Storage> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(database_url)?;
        let (url, synchronous) = match backend {
            Backend::Sqlite => {
                let (url, synchronous) = sqlite_synchronous(database_url)?;
                (sqlite_url_creating_file(&url), synchronous)
            }
            Backend::Postgres => (database_url.to_owned(), "NORMAL"),
        };
        let options = AnyConnectOptions::from_str(&url)
            .with_context(|| format!("invalid DATABASE_URL ({})", redact(database_url)))?;
        let in_memory = url.contains(":memory:");
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // SQLite has one writer at a time, and a second connection
                // that finds the file locked waits in SQLite's busy handler,
                // which sleeps (1, 2, 5 … 100 ms). The bot writes on one
                // connection, the group commit's, which keeps it: a second
                // is for a caller holding the pool itself (a command, a
                // test). In memory, the one connection is the database.
                Backend::Sqlite if in_memory => 1,
                Backend::Sqlite => 2,
                Backend::Postgres => 10,
            })
            // A SQLite file's connection does not go stale, and sqlx's test
            // of a connection taken is a round trip to its thread.
            .test_before_acquire(backend == Backend::Postgres)
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute(format!("PRAGMA synchronous = {synchronous}").as_str())
                            .await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // Erased data is overwritten, not left in free pages.
                        conn.execute("PRAGMA secure_delete = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {}", redact(database_url)))?;
        MIGRATOR
            .run(&pool)
            .await
            .context("cannot apply database migrations")?;
        let reader = match backend {
            Backend::Sqlite if !in_memory => AnyPoolOptions::new()
                .max_connections(2)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(5))
                .after_connect(|conn, _meta| {
                    Box::pin(async move {
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        Ok(())
                    })
                })
                .connect_with(AnyConnectOptions::from_str(&url)?)
                .await
                .with_context(|| format!("cannot open the database {}", redact(database_url)))?,
            // One in-memory database per connection: readers would see another.
            _ => pool.clone(),
        };
        let leases = match backend {
            Backend::Postgres => Some(leases_pool(&url)?),
            Backend::Sqlite => None,
        };
        let sealer = sealer.map(Arc::new);
        Ok(Storage {
            group: group::GroupCommit::start(
                pool.clone(),
                // PostgreSQL's groups take a connection from the pool each:
                // kept, its answers at a fixed rate came later in every run
                // (docs/performance.md, session 9).
                backend == Backend::Sqlite && !in_memory,
                backend,
                sealer.clone(),
            )?,
            pool,
            reader,
            backend,
            leases,
            sealer,
            coordinators_seen: Default::default(),
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub(crate) fn sealer(&self) -> Option<&Sealer> {
        self.sealer.as_deref()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Runs a write on the group commit's thread (see `group.rs`): where
    /// the one SQLite connection is used, without waiting for turns on the
    /// bot's runtime while holding it.
    async fn write<T, F>(&self, write: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(
                &'c mut AnyConnection,
            ) -> futures::future::BoxFuture<'c, anyhow::Result<T>>
            + Send
            + 'static,
    {
        self.group.write(write).await
    }

    /// One statement written through `write`.
    async fn execute_write(
        &self,
        statement: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>>,
    ) -> anyhow::Result<sqlx::any::AnyQueryResult> {
        self.write(move |conn| Box::pin(async move { Ok(statement.execute(conn).await?) }))
            .await
    }

    /// A connection for reads only (they never wait for the writer).
    async fn reading(&self) -> anyhow::Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        self.reader
            .acquire()
            .await
            .context("cannot reach the database")
    }

    pub async fn close(&self) {
        // The group commit works its requests in order, one group at a time
        // on SQLite: once this (empty) delivery is cleared, so are those
        // cleared without waiting before it (`finish_jobs`).
        if self.backend == Backend::Sqlite {
            let flushed = self.group.delivered(Vec::new()).await;
            if let Err(err) = flushed {
                tracing::warn!(
                    error = format!("{err:#}"),
                    "the last writes may not have finished"
                );
            }
        }
        self.group.let_connections_go().await;
        self.pool.close().await;
        self.reader.close().await;
        if let Some(leases) = &self.leases {
            leases.close().await;
        }
    }
}

fn backend_of(database_url: &str) -> anyhow::Result<Backend> {
    if database_url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        anyhow::bail!(
            "DATABASE_URL must start with sqlite: or postgres: (got {})",
            redact(database_url)
        )
    }
}

/// SQLite refuses to open a missing file unless asked to create it.
/// SQLite's durability, from the URL's `synchronous=` parameter (which
/// SQLite's own URL parser does not know, so it is taken out): `full`, the
/// default (every commit is on disk before it returns, so an update
/// confirmed to Telegram survives a power loss; it costs 13% of the
/// throughput, see the README), or `normal` (a power loss may lose the
/// last commits, never corrupt the file).
fn sqlite_synchronous(database_url: &str) -> anyhow::Result<(String, &'static str)> {
    let Some((base, query)) = database_url.split_once('?') else {
        return Ok((database_url.to_owned(), "FULL"));
    };
    let mut synchronous = "FULL";
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("synchronous", value)) => {
                synchronous = match value.to_ascii_lowercase().as_str() {
                    "normal" => "NORMAL",
                    "full" => "FULL",
                    _ => anyhow::bail!(
                        "DATABASE_URL: synchronous={value} is not known: use synchronous=normal or synchronous=full"
                    ),
                };
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, synchronous))
}

fn sqlite_url_creating_file(database_url: &str) -> String {
    if database_url.contains("mode=") || database_url.contains(":memory:") {
        database_url.to_owned()
    } else if database_url.contains('?') {
        format!("{database_url}&mode=rwc")
    } else {
        format!("{database_url}?mode=rwc")
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(database_url: &str) -> String {
    match url::Url::parse(database_url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => database_url.to_owned(),
    }
}

/// PostgreSQL connections whose commits do not wait for the write-ahead
/// log to reach the disk (`synchronous_commit = off`), for the sender's
/// claims on outbox jobs (taken, renewed, given back) and the poller's
/// staged updates (`Storage::stage_updates`, which says how they reach
/// the disk before they are confirmed or answered). A claim is visible
/// to the other replicas once committed, as any; only a crash of the
/// database itself can lose one that committed in its last moment, and
/// then a message being sent may be sent again, as one in flight at any
/// crash is. Every claim waiting for the disk was a flush between an
/// update's commit and its answer. Opened when first needed.
fn leases_pool(url: &str) -> anyhow::Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(2)
        // No round trip to test a connection before each claim: a claim or
        // a staging that fails on a connection the server closed is tried
        // again (the sender's next pass, the poller's next poll), and sqlx
        // closes that connection when it comes back.
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute("SET synchronous_commit = off").await?;
                Ok(())
            })
        })
        .connect_lazy_with(AnyConnectOptions::from_str(url)?))
}

/// What happened to a "take" (decided on in `handoff::case`).
pub use crate::handoff::case::TakeOutcome;

/// Rows per multi-row statement (well under both databases' limit on
/// bound values).
const ROWS_PER_STATEMENT: usize = 200;

/// Deletes the rows of `table` whose `column` is one of `keys` (a statement
/// per 200 keys).
pub(crate) async fn delete_keys_in(
    conn: &mut AnyConnection,
    table: &str,
    column: &str,
    keys: &[i64],
) -> anyhow::Result<()> {
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "DELETE FROM {table} WHERE {column} IN ({})",
            durable::placeholder_list(1, durable::in_list(chunk).len())
        );
        let mut delete = sqlx::query(&sql);
        for key in durable::in_list(chunk) {
            delete = delete.bind(key);
        }
        delete.execute(&mut *conn).await?;
    }
    Ok(())
}

pub fn unix_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://bot:s3cret@db:5432/nav"),
            "postgres://bot:***@db:5432/nav"
        );
        assert_eq!(redact("sqlite://navigator.db"), "sqlite://navigator.db");
    }

    #[test]
    fn sqlite_durability_is_read_from_the_url_and_taken_out_of_it() {
        assert_eq!(
            sqlite_synchronous("sqlite://a.db").unwrap(),
            ("sqlite://a.db".to_owned(), "FULL")
        );
        assert_eq!(
            sqlite_synchronous("sqlite://a.db?synchronous=normal&mode=rwc").unwrap(),
            ("sqlite://a.db?mode=rwc".to_owned(), "NORMAL")
        );
        assert_eq!(
            sqlite_synchronous("sqlite://a.db?synchronous=Normal").unwrap(),
            ("sqlite://a.db".to_owned(), "NORMAL")
        );
        let err = sqlite_synchronous("sqlite://a.db?synchronous=off").unwrap_err();
        assert!(
            err.to_string().contains("synchronous=off is not known"),
            "{err}"
        );
    }

    #[test]
    fn sqlite_files_are_created_on_first_run() {
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db?x=1"),
            "sqlite://a.db?x=1&mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
    }

    #[test]
    fn unknown_schemes_are_refused_clearly() {
        let err = backend_of("mysql://x").unwrap_err().to_string();
        assert!(
            err.contains("must start with sqlite: or postgres:"),
            "{err}"
        );
    }
}
