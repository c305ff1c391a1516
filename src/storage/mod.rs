//! Storage: the database behind the bot, through sqlx's `Any` driver so that
//! one set of queries and migrations (`migrations/`) serves SQLite (the
//! embedded default) and PostgreSQL (production).
//!
//! Owns SQL and connection set-up. Must not know about Telegram or Fluent;
//! it stores the core's plain data types.

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor, Row};

use std::collections::BTreeMap;

pub mod backup;
mod durable;
mod escalations;
mod gauges;
mod group;
pub mod health;
mod maintenance;
pub use maintenance::Resealed;
mod reports;
pub mod sealing;

pub use durable::{Begun, HeldLane, OutboxJob, Undelivered, Work, job_update};
pub use escalations::ReminderRecord;
pub use gauges::{CASE_STATUSES, Gauges};
pub use sealing::Sealer;

use crate::dialogue::Session;
use crate::dialogue::engine::CaseLink;
use crate::handoff::{CaseStatus, CaseView, Coordinator};
use crate::intake::{Answer, CaseRef, Draft, Submission};

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
    /// Seals what patients write; `None` stores plaintext (development).
    sealer: Option<Arc<Sealer>>,
    group: group::GroupCommit,
    /// Coordinators stored lately, with their name and username then.
    coordinators_seen: Arc<std::sync::Mutex<CoordinatorsSeen>>,
}

type CoordinatorsSeen = std::collections::HashMap<i64, ((String, Option<String>), i64)>;

/// How often a coordinator's `seen_at` is refreshed while nothing else changed.
const COORDINATOR_SEEN_EVERY: i64 = 3600;

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
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // SQLite has one writer at a time, and a second connection
                // that finds the file locked waits in SQLite's busy handler,
                // which sleeps (1, 2, 5 … 100 ms): one connection queues
                // callers in the pool instead, in order, without sleeping.
                Backend::Sqlite => 1,
                Backend::Postgres => 10,
            })
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
            Backend::Sqlite if !url.contains(":memory:") => AnyPoolOptions::new()
                .max_connections(2)
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
        let sealer = sealer.map(Arc::new);
        Ok(Storage {
            group: group::GroupCommit::start(pool.clone(), backend, sealer.clone())?,
            pool,
            reader,
            backend,
            sealer,
            coordinators_seen: Default::default(),
        })
    }

    /// Retention: erases closed cases older than `days` (with their relay
    /// records), intake drafts abandoned as long, and processed updates
    /// older than a week (they hold message texts). The erased cases'
    /// topics are handed to `erase_topics`, whose outbox job (chat, lane,
    /// job) is queued in the same transaction: a crash cannot leave a topic
    /// behind. Returns how many cases were erased.
    pub async fn purge(
        &self,
        now: i64,
        days: u32,
        erase_topics: impl FnOnce(&[ErasedTopic]) -> (i64, String, String) + Send + 'static,
    ) -> anyhow::Result<u64> {
        let cutoff = now - i64::from(days) * 86_400;
        let sealer = self.sealer.clone();
        // On the writer's thread, like every other write (see ARCHITECTURE).
        let purged = self
            .write(move |conn| {
                Box::pin(async move {
                    use sqlx::Connection;
                    let mut tx = conn.begin().await.context("cannot start a transaction")?;
                    let cases = sqlx::query_scalar::<_, i64>(
                        "SELECT id FROM cases WHERE status = 'closed' AND closed_at < $1 ORDER BY id",
                    )
                    .bind(cutoff)
                    .fetch_all(&mut *tx)
                    .await
                    .context("cannot list the cases to purge")?
                    .into_iter()
                    .map(CaseRef)
                    .collect::<Vec<_>>();
                    let topics = erase_cases_in(&mut tx, &cases).await?;
                    if !topics.is_empty() {
                        let (chat_id, lane, job) = erase_topics(&topics);
                        // Jobs of updates have ids from their update's id;
                        // the retention's own come before them, by time.
                        let job_id = -unix_now_ms();
                        sqlx::query(
                            "INSERT INTO outbox (id, chat_id, lane, job, created_at) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(job_id)
                        .bind(chat_id)
                        .bind(lane)
                        .bind(sealing::seal(sealer.as_deref(), sealing::OUTBOX_JOB, job_id, &job)?)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .context("cannot queue the topics' deletion")?;
                    }
                    // A form left unfinished for as long is abandoned: its
                    // answers go too (the session then shows the menu, as
                    // after /cancel).
                    sqlx::query("DELETE FROM intake_drafts WHERE updated_at < $1")
                        .bind(cutoff)
                        .execute(&mut *tx)
                        .await
                        .context("cannot purge abandoned drafts")?;
                    sqlx::query(
                        "DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < $1",
                    )
                    .bind(now - 7 * 86_400)
                    .execute(&mut *tx)
                    .await
                    .context("cannot purge old updates")?;
                    tx.commit().await.context("cannot purge")?;
                    Ok(cases.len() as u64)
                })
            })
            .await?;
        if purged > 0 {
            self.scrub().await;
        }
        Ok(purged)
    }

    /// After an erasure, no byte of it stays in the SQLite files: deleted
    /// content is zeroed (`secure_delete`, set on the writing connection),
    /// and the write-ahead log, which still holds the pages as they were
    /// before, is checkpointed and truncated. (PostgreSQL keeps dead rows
    /// until a vacuum; there the data key, required in production, is
    /// what keeps them unreadable.) A checkpoint that readers hold up is
    /// tried again a few times, then left to the next one.
    pub async fn scrub(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        for _ in 0..20 {
            let checkpoint = self
                .write(|conn| {
                    Box::pin(async move {
                        let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                            .fetch_one(conn)
                            .await?;
                        Ok(row.try_get::<i64, _>(0)? == 0)
                    })
                })
                .await;
            match checkpoint {
                Ok(true) => return,
                Ok(false) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(err) => {
                    tracing::warn!(
                        error = format!("{err:#}"),
                        "the write-ahead log could not be checkpointed after an erasure"
                    );
                    return;
                }
            }
        }
        tracing::warn!("the write-ahead log stayed in use: it is truncated at the next checkpoint");
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

    pub async fn load_session(&self, chat_id: i64) -> anyhow::Result<Option<Session>> {
        let mut conn = self.reading().await?;
        load_session_in(&mut conn, self.sealer(), chat_id).await
    }

    pub async fn save_session(&self, chat_id: i64, session: &Session) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot start a transaction")?;
        save_session_in(&mut tx, self.sealer(), chat_id, session).await?;
        tx.commit().await.context("cannot save the session")?;
        Ok(())
    }

    /// Creates a case (waiting in the queue) and saves the session that
    /// opened it, atomically: a crash leaves either both or neither.
    pub async fn submit_case(
        &self,
        chat_id: i64,
        session: &Session,
        submission: &Submission,
    ) -> anyhow::Result<CaseRef> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot start a transaction")?;
        let reference = create_case_in(
            &mut tx,
            self.sealer(),
            chat_id,
            &session.locale,
            submission,
            None,
        )
        .await?;
        save_session_in(&mut tx, self.sealer(), chat_id, session).await?;
        tx.commit().await.context("cannot store the case")?;
        Ok(reference)
    }

    pub async fn case(&self, reference: CaseRef) -> anyhow::Result<Option<StoredCase>> {
        let row = sqlx::query(
            "SELECT id, chat_id, locale, status, answers, summary, consent_version, consent_at, created_at
             FROM cases WHERE id = $1",
        )
        .bind(reference.0)
        .fetch_optional(&self.reader)
        .await
        .context("cannot load the case")?;
        row.map(|row| {
            let id: i64 = row.try_get("id")?;
            let open = |column: sealing::Column| -> anyhow::Result<String> {
                sealing::open(
                    self.sealer(),
                    column,
                    id,
                    &row.try_get::<String, _>(column.name)?,
                )
            };
            let answers = open(sealing::CASE_ANSWERS)?;
            Ok(StoredCase {
                reference: CaseRef(id),
                chat_id: row.try_get("chat_id")?,
                locale: row.try_get("locale")?,
                status: row.try_get("status")?,
                answers: serde_json::from_str(&answers).context("unreadable case answers")?,
                summary: open(sealing::CASE_SUMMARY)?,
                consent_version: row.try_get("consent_version")?,
                consent_at: row.try_get("consent_at")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .transpose()
    }

    pub async fn cases_of(&self, chat_id: i64) -> anyhow::Result<Vec<CaseRef>> {
        let rows = sqlx::query("SELECT id FROM cases WHERE chat_id = $1 ORDER BY id")
            .bind(chat_id)
            .fetch_all(&self.reader)
            .await
            .context("cannot list cases")?;
        rows.iter()
            .map(|row| Ok(CaseRef(row.try_get("id")?)))
            .collect()
    }

    /// Erases what the patient gave us: drafts and case content. The session
    /// row (language, place in the menu) stays so the bot can still answer.
    pub async fn erase_patient_data(&self, chat_id: i64) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot start a transaction")?;
        erase_patient_data_in(&mut tx, chat_id).await?;
        tx.commit()
            .await
            .context("cannot erase the patient's data")?;
        Ok(())
    }

    /// Records that the patient blocked (or unblocked) the bot.
    pub async fn set_blocked(&self, chat_id: i64, blocked: bool) -> anyhow::Result<()> {
        self.execute_write(
            sqlx::query("UPDATE sessions SET blocked = $1, updated_at = $2 WHERE chat_id = $3")
                .bind(i64::from(blocked))
                .bind(unix_now())
                .bind(chat_id),
        )
        .await
        .context("cannot record the blocked state")?;
        Ok(())
    }

    pub async fn is_blocked(&self, chat_id: i64) -> anyhow::Result<bool> {
        let blocked = sqlx::query("SELECT blocked FROM sessions WHERE chat_id = $1")
            .bind(chat_id)
            .fetch_optional(&self.reader)
            .await
            .context("cannot read the blocked state")?
            .map(|row| row.try_get::<i64, _>("blocked"))
            .transpose()?;
        Ok(blocked.unwrap_or(0) != 0)
    }

    // ----- the coordinator queue -----

    pub async fn case_view(&self, reference: CaseRef) -> anyhow::Result<Option<CaseView>> {
        case_view_in(&mut *self.reading().await?, self.sealer(), reference).await
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

    async fn connection(&self) -> anyhow::Result<sqlx::pool::PoolConnection<sqlx::Any>> {
        self.pool
            .acquire()
            .await
            .context("cannot reach the database")
    }

    /// The case whose topic this is (topic ids are unique per group only).
    pub async fn case_in_thread(
        &self,
        group: i64,
        thread_id: i64,
    ) -> anyhow::Result<Option<CaseView>> {
        let row = sqlx::query(&format!(
            "{CASE_VIEW_SELECT} WHERE group_chat_id = $1 AND thread_id = $2 ORDER BY id DESC LIMIT 1"
        ))
        .bind(group)
        .bind(thread_id)
        .fetch_optional(&self.reader)
        .await
        .context("cannot find the topic's case")?;
        row.map(|row| case_view_of(&row, self.sealer())).transpose()
    }

    /// Waiting and assigned cases.
    pub async fn open_cases(&self) -> anyhow::Result<Vec<CaseView>> {
        let rows = sqlx::query(&format!(
            "{CASE_VIEW_SELECT} WHERE status <> 'closed' ORDER BY id"
        ))
        .fetch_all(&self.reader)
        .await
        .context("cannot list open cases")?;
        rows.iter()
            .map(|row| case_view_of(row, self.sealer()))
            .collect()
    }

    pub async fn case_documents(
        &self,
        reference: CaseRef,
    ) -> anyhow::Result<Vec<crate::intake::Document>> {
        let json: Option<String> = sqlx::query("SELECT documents FROM cases WHERE id = $1")
            .bind(reference.0)
            .fetch_optional(&self.reader)
            .await?
            .map(|row| row.try_get("documents"))
            .transpose()?;
        Ok(json
            .map(|json| sealing::open(self.sealer(), sealing::CASE_DOCUMENTS, reference.0, &json))
            .transpose()?
            .map(|json| serde_json::from_str(&json))
            .transpose()?
            .unwrap_or_default())
    }

    pub async fn set_topic(
        &self,
        reference: CaseRef,
        thread_id: i64,
        card_message_id: Option<i64>,
    ) -> anyhow::Result<bool> {
        let recorded = self.execute_write(
            sqlx::query(
                "UPDATE cases SET thread_id = $1, card_message_id = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(thread_id)
            .bind(card_message_id)
            .bind(unix_now())
            .bind(reference.0),
        )
        .await
        .context("cannot record the case's topic")?
        .rows_affected();
        Ok(recorded == 1)
    }

    pub async fn card_message(&self, reference: CaseRef) -> anyhow::Result<Option<i64>> {
        Ok(
            sqlx::query("SELECT card_message_id FROM cases WHERE id = $1")
                .bind(reference.0)
                .fetch_optional(&self.reader)
                .await?
                .map(|row| row.try_get::<Option<i64>, _>("card_message_id"))
                .transpose()?
                .flatten(),
        )
    }

    /// Assigns a waiting case to `who`. Exactly one of two simultaneous
    /// takes wins: the update only matches while the case is waiting.
    pub async fn take_case(
        &self,
        reference: CaseRef,
        who: &Coordinator,
    ) -> anyhow::Result<TakeOutcome> {
        take_case_in(
            &mut *self.connection().await?,
            self.sealer(),
            reference,
            who,
        )
        .await
    }

    /// Back to the queue (waiting again from now).
    pub async fn release_case(&self, reference: CaseRef) -> anyhow::Result<bool> {
        release_case_in(&mut *self.connection().await?, reference).await
    }

    pub async fn transfer_case(
        &self,
        reference: CaseRef,
        to: &Coordinator,
    ) -> anyhow::Result<bool> {
        transfer_case_in(&mut *self.connection().await?, reference, to).await
    }

    /// Closes an open case; `false` if it was already closed.
    pub async fn close_case(&self, reference: CaseRef) -> anyhow::Result<bool> {
        self.write(move |conn| Box::pin(close_case_in(conn, reference)))
            .await
    }

    /// A closed case back in the queue (the patient wrote again).
    pub async fn reopen_case(&self, reference: CaseRef) -> anyhow::Result<bool> {
        let mut conn = self.connection().await?;
        reopen_case_in(&mut conn, reference).await
    }

    pub async fn set_urgent(&self, reference: CaseRef, urgent: bool) -> anyhow::Result<()> {
        set_urgent_in(&mut *self.connection().await?, reference, urgent).await
    }

    pub async fn rate_case(
        &self,
        reference: CaseRef,
        chat_id: i64,
        stars: i64,
    ) -> anyhow::Result<bool> {
        let mut conn = self.connection().await?;
        rate_case_in(&mut conn, reference, chat_id, stars).await
    }

    pub async fn rating(&self, reference: CaseRef) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query("SELECT rating FROM cases WHERE id = $1")
            .bind(reference.0)
            .fetch_optional(&self.reader)
            .await?
            .map(|row| row.try_get::<Option<i64>, _>("rating"))
            .transpose()?
            .flatten())
    }

    /// Records the first coordinator reply (for reports); later ones keep it.
    pub async fn note_first_reply(&self, reference: CaseRef) -> anyhow::Result<()> {
        self.execute_write(
            sqlx::query(
                "UPDATE cases SET first_reply_at = $1 WHERE id = $2 AND first_reply_at IS NULL",
            )
            .bind(unix_now())
            .bind(reference.0),
        )
        .await?;
        Ok(())
    }

    /// Whether the out-of-hours note is due, marking it sent if so.
    pub async fn claim_off_hours_note(
        &self,
        reference: CaseRef,
        now: i64,
        interval: i64,
    ) -> anyhow::Result<bool> {
        let changed = self
            .execute_write(
                sqlx::query(
                    "UPDATE cases SET off_hours_noted_at = $1
             WHERE id = $2 AND (off_hours_noted_at IS NULL OR off_hours_noted_at <= $3)",
                )
                .bind(now)
                .bind(reference.0)
                .bind(now - interval),
            )
            .await?
            .rows_affected();
        Ok(changed == 1)
    }

    pub async fn remember_coordinator(
        &self,
        who: &Coordinator,
        username: Option<&str>,
    ) -> anyhow::Result<()> {
        let username = username.map(str::to_ascii_lowercase);
        let now = unix_now();
        let known = (who.name.clone(), username.clone());
        if let Ok(seen) = self.coordinators_seen.lock()
            && seen
                .get(&who.id)
                .is_some_and(|(same, at)| *same == known && now - at < COORDINATOR_SEEN_EVERY)
        {
            return Ok(()); // otherwise a write at every press and message
        }
        self.execute_write(
            sqlx::query(
                "INSERT INTO coordinators (id, name, username, seen_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, username = excluded.username, seen_at = excluded.seen_at",
            )
            .bind(who.id)
            .bind(who.name.clone())
            .bind(username.clone())
            .bind(now),
        )
        .await
        .context("cannot remember the coordinator")?;
        if let Ok(mut seen) = self.coordinators_seen.lock() {
            seen.insert(who.id, (known, now));
        }
        Ok(())
    }

    pub async fn coordinator_by_username(
        &self,
        username: &str,
    ) -> anyhow::Result<Option<Coordinator>> {
        // A username can pass from one person to another: the one who
        // used it last is meant.
        let row = sqlx::query(
            "SELECT id, name FROM coordinators WHERE username = $1 ORDER BY seen_at DESC LIMIT 1",
        )
        .bind(username.trim_start_matches('@').to_ascii_lowercase())
        .fetch_optional(&self.reader)
        .await?;
        row.map(|row| {
            Ok(Coordinator {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            })
        })
        .transpose()
    }

    /// Cases (and their relay records) from before a group was set, or
    /// from before teams, belong to the default group.
    pub async fn assign_default_group(&self, group: i64) -> anyhow::Result<()> {
        self.write(move |conn| {
            Box::pin(async move {
                for table in ["cases", "relayed_messages"] {
                    sqlx::query(&format!(
                        "UPDATE {table} SET group_chat_id = $1 WHERE group_chat_id IS NULL"
                    ))
                    .bind(group)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            })
        })
        .await
        .context("cannot assign cases to the default group")
    }

    /// A message relayed between the patient's chat and the case's topic
    /// in `group`.
    pub async fn record_relay(
        &self,
        reference: CaseRef,
        group: i64,
        patient_message_id: i64,
        topic_message_id: i64,
        from_patient: bool,
    ) -> anyhow::Result<()> {
        self.execute_write(
            sqlx::query(
                "INSERT INTO relayed_messages (case_id, patient_message_id, topic_message_id, from_patient, created_at, group_chat_id)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(reference.0)
            .bind(patient_message_id)
            .bind(topic_message_id)
            .bind(i64::from(from_patient))
            .bind(unix_now())
            .bind(group),
        )
        .await
        .context("cannot record the relayed message")?;
        Ok(())
    }

    /// The patient's latest message that reached the case's topic.
    pub async fn latest_patient_message(&self, reference: CaseRef) -> anyhow::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT MAX(patient_message_id) FROM relayed_messages WHERE case_id = $1 AND from_patient = 1",
        )
        .bind(reference.0)
        .fetch_one(&self.reader)
        .await
        .context("cannot read the relayed messages")
    }

    /// Several of the patient's messages went as one merged message.
    pub async fn record_relays(
        &self,
        reference: CaseRef,
        group: i64,
        pairs: &[(i64, i64)],
        from_patient: bool,
    ) -> anyhow::Result<()> {
        if pairs.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO relayed_messages (case_id, patient_message_id, topic_message_id, from_patient, created_at, group_chat_id) VALUES {}",
            durable::placeholder_rows(pairs.len(), 6)
        );
        let now = unix_now();
        let (case_id, pairs) = (reference.0, pairs.to_vec());
        self.write(move |conn| {
            Box::pin(async move {
                let mut insert = sqlx::query(&sql);
                for (patient_message_id, topic_message_id) in pairs {
                    insert = insert
                        .bind(case_id)
                        .bind(patient_message_id)
                        .bind(topic_message_id)
                        .bind(i64::from(from_patient))
                        .bind(now)
                        .bind(group);
                }
                Ok(insert.execute(conn).await?)
            })
        })
        .await
        .context("cannot record the relayed messages")?;
        Ok(())
    }

    /// The last `limit` messages of a case's topic in `group` that went
    /// between the patient and the coordinators, oldest first.
    pub async fn recent_topic_messages(
        &self,
        reference: CaseRef,
        group: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<i64>> {
        let rows = sqlx::query(
            "SELECT DISTINCT topic_message_id FROM relayed_messages WHERE case_id = $1 AND group_chat_id = $2
             ORDER BY topic_message_id DESC LIMIT $3",
        )
        .bind(reference.0)
        .bind(group)
        .bind(limit)
        .fetch_all(&self.reader)
        .await
        .context("cannot read the topic's messages")?;
        let mut ids = rows
            .iter()
            .map(|row| row.try_get("topic_message_id"))
            .collect::<Result<Vec<i64>, _>>()?;
        ids.reverse();
        Ok(ids)
    }

    /// Whether a topic message carries several of the patient's messages.
    pub async fn is_merged_copy(
        &self,
        reference: CaseRef,
        group: i64,
        topic_message_id: i64,
    ) -> anyhow::Result<bool> {
        let parts: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM relayed_messages
             WHERE case_id = $1 AND topic_message_id = $2 AND group_chat_id = $3",
        )
        .bind(reference.0)
        .bind(topic_message_id)
        .bind(group)
        .fetch_one(&self.reader)
        .await?
        .try_get("n")?;
        Ok(parts > 1)
    }

    /// The topic's copy of a message in the patient's chat.
    pub async fn topic_copy(
        &self,
        reference: CaseRef,
        group: i64,
        patient_message_id: i64,
    ) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query(
            "SELECT topic_message_id FROM relayed_messages
                        WHERE case_id = $1 AND patient_message_id = $2 AND group_chat_id = $3",
        )
        .bind(reference.0)
        .bind(patient_message_id)
        .bind(group)
        .fetch_optional(&self.reader)
        .await?
        .map(|row| row.try_get("topic_message_id"))
        .transpose()?)
    }

    /// The patient's copy of a message in the topic.
    pub async fn patient_copy(
        &self,
        reference: CaseRef,
        group: i64,
        topic_message_id: i64,
    ) -> anyhow::Result<Option<i64>> {
        // A merged message carries several: a reply to it answers the last.
        Ok(sqlx::query(
            "SELECT patient_message_id FROM relayed_messages
                        WHERE case_id = $1 AND topic_message_id = $2 AND group_chat_id = $3
                        ORDER BY patient_message_id DESC LIMIT 1",
        )
        .bind(reference.0)
        .bind(topic_message_id)
        .bind(group)
        .fetch_optional(&self.reader)
        .await?
        .map(|row| row.try_get("patient_message_id"))
        .transpose()?)
    }

    /// Appends to the audit log. Nothing in the bot edits or deletes it.
    pub async fn audit(
        &self,
        reference: Option<CaseRef>,
        actor: Option<&Coordinator>,
        action: &str,
        detail: &str,
    ) -> anyhow::Result<()> {
        let (actor, action, detail) = (actor.cloned(), action.to_owned(), detail.to_owned());
        self.write(move |conn| {
            Box::pin(
                async move { audit_in(conn, reference, actor.as_ref(), &action, &detail).await },
            )
        })
        .await
    }

    /// The audit trail of a case: (actor, action) in order.
    /// When `action` (with `detail`) was last done on the case, in unix
    /// milliseconds, if ever.
    pub async fn last_audited(
        &self,
        reference: CaseRef,
        action: &str,
        detail: &str,
    ) -> anyhow::Result<Option<i64>> {
        Ok(sqlx::query(
            "SELECT MAX(at_ms) AS at_ms FROM audit_log WHERE case_id = $1 AND action = $2 AND detail = $3",
        )
        .bind(reference.0)
        .bind(action)
        .bind(detail)
        .fetch_one(&self.reader)
        .await
        .context("cannot read the audit log")?
        .try_get("at_ms")?)
    }

    pub async fn audit_trail(&self, reference: CaseRef) -> anyhow::Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT actor_name, action FROM audit_log WHERE case_id = $1 ORDER BY at_ms",
        )
        .bind(reference.0)
        .fetch_all(&self.reader)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("actor_name")?, row.try_get("action")?)))
            .collect()
    }

    pub async fn close(&self) {
        self.pool.close().await;
        self.reader.close().await;
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

/// What happened to a "take" (decided on in `handoff::case`).
pub use crate::handoff::case::TakeOutcome;

const CASE_VIEW_SELECT: &str =
    "SELECT id, chat_id, locale, status, urgent, coordinator_id, coordinator_name, title, summary,
        queued_at, documents, thread_id, group_chat_id FROM cases";

/// What coordinators see of a sealed value that cannot be opened (a data
/// key missing here): the case stays listed and workable, not an error
/// that empties `/queue` or stops its card.
const UNREADABLE: &str = "⚠️ cannot be read here (a data key is missing: see navigator doctor)";

fn case_view_of(row: &sqlx::any::AnyRow, sealer: Option<&Sealer>) -> anyhow::Result<CaseView> {
    let reference = CaseRef(row.try_get("id")?);
    let open = |column: sealing::Column| -> anyhow::Result<String> {
        let stored: String = row.try_get(column.name)?;
        Ok(
            sealing::open(sealer, column, reference.0, &stored).unwrap_or_else(|err| {
                tracing::error!(case = %reference, column = column.name, error = format!("{err:#}"), "a case's sealed value cannot be opened");
                UNREADABLE.to_owned()
            }),
        )
    };
    let coordinator_id: Option<i64> = row.try_get("coordinator_id")?;
    let coordinator_name: Option<String> = row.try_get("coordinator_name")?;
    // File names (e.g. `Garcia_biopsy_EGFR.pdf`) are the patient's: sealed.
    let documents = open(sealing::CASE_DOCUMENTS)?;
    let documents: Vec<serde_json::Value> = serde_json::from_str(&documents).unwrap_or_default();
    Ok(CaseView {
        reference,
        chat_id: row.try_get("chat_id")?,
        locale: row.try_get("locale")?,
        status: CaseStatus::parse(&row.try_get::<String, _>("status")?),
        urgent: row.try_get::<i64, _>("urgent")? != 0,
        coordinator: coordinator_id
            .zip(coordinator_name)
            .map(|(id, name)| Coordinator { id, name }),
        title: open(sealing::CASE_TITLE)?,
        summary: open(sealing::CASE_SUMMARY)?,
        queued_at: row.try_get("queued_at")?,
        documents: documents.len(),
        thread_id: row.try_get("thread_id")?,
        group_chat_id: row.try_get("group_chat_id")?,
    })
}

/// A submitted case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    pub reference: CaseRef,
    pub chat_id: i64,
    pub locale: String,
    pub status: String,
    pub answers: BTreeMap<String, Answer>,
    pub summary: String,
    pub consent_version: String,
    pub consent_at: i64,
    pub created_at: i64,
}

pub(crate) async fn save_session_in(
    tx: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_id: i64,
    session: &Session,
) -> anyhow::Result<()> {
    let write = SessionWrite {
        chat_id,
        session,
        draft_row: true,
    };
    save_sessions_in(tx, sealer, &[write], unix_now()).await
}

/// A session to store, and whether its chat had an intake draft stored
/// before (only then does a session without a draft need a DELETE).
pub(crate) struct SessionWrite<'a> {
    pub chat_id: i64,
    pub session: &'a Session,
    pub draft_row: bool,
}

/// Rows per multi-row statement (well under both databases' limit on
/// bound values).
const ROWS_PER_STATEMENT: usize = 200;

/// Stores sessions with their intake drafts: one statement per table for
/// all of them (each statement is a round trip to the database). At most
/// one write per chat.
pub(crate) async fn save_sessions_in(
    tx: &mut AnyConnection,
    sealer: Option<&Sealer>,
    writes: &[SessionWrite<'_>],
    now: i64,
) -> anyhow::Result<()> {
    for chunk in writes.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO sessions (chat_id, locale, locale_chosen, node, filling, blocked, created_at, updated_at)
             VALUES {}
             ON CONFLICT (chat_id) DO UPDATE SET
                 locale = excluded.locale,
                 locale_chosen = excluded.locale_chosen,
                 node = excluded.node,
                 filling = excluded.filling,
                 blocked = 0,
                 updated_at = excluded.updated_at",
            durable::placeholder_rows(chunk.len(), 8)
        );
        let mut upsert = sqlx::query(&sql);
        for write in chunk {
            let session = write.session;
            upsert = upsert
                .bind(write.chat_id)
                .bind(&session.locale)
                .bind(i64::from(session.locale_chosen))
                .bind(&session.node)
                .bind(i64::from(session.intake.is_filling()))
                .bind(0_i64)
                .bind(now)
                .bind(now);
        }
        upsert
            .execute(&mut *tx)
            .await
            .context("cannot save the sessions")?;
    }
    let drafts: Vec<(i64, String)> = writes
        .iter()
        .filter_map(|write| Some((write.chat_id, write.session.intake.draft()?)))
        .map(|(chat_id, draft)| {
            Ok((
                chat_id,
                sealing::seal(
                    sealer,
                    sealing::DRAFT,
                    chat_id,
                    &serde_json::to_string(draft)?,
                )?,
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    for chunk in drafts.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO intake_drafts (chat_id, draft, updated_at) VALUES {}
             ON CONFLICT (chat_id) DO UPDATE SET draft = excluded.draft, updated_at = excluded.updated_at",
            durable::placeholder_rows(chunk.len(), 3)
        );
        let mut upsert = sqlx::query(&sql);
        for (chat_id, sealed) in chunk {
            upsert = upsert.bind(*chat_id).bind(sealed).bind(now);
        }
        upsert
            .execute(&mut *tx)
            .await
            .context("cannot save the intake drafts")?;
    }
    let cleared: Vec<i64> = writes
        .iter()
        .filter(|write| write.session.intake.draft().is_none() && write.draft_row)
        .map(|write| write.chat_id)
        .collect();
    delete_keys_in(tx, "intake_drafts", "chat_id", &cleared)
        .await
        .context("cannot clear the intake drafts")
}

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
            durable::placeholder_list(1, chunk.len())
        );
        let mut delete = sqlx::query(&sql);
        for key in chunk {
            delete = delete.bind(*key);
        }
        delete.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A stored session, and whether an intake draft row was stored with it
/// (even one this version could not read).
pub(crate) struct LoadedSession {
    pub session: Session,
    pub draft_row: bool,
}

pub(crate) async fn load_session_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_id: i64,
) -> anyhow::Result<Option<Session>> {
    let mut loaded = load_sessions_in(conn, sealer, &[chat_id]).await?;
    Ok(loaded.remove(&chat_id).map(|loaded| loaded.session))
}

/// The stored sessions of these chats (one statement per 200 chats).
pub(crate) async fn load_sessions_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_ids: &[i64],
) -> anyhow::Result<std::collections::HashMap<i64, LoadedSession>> {
    load_sessions_each_in(conn, sealer, chat_ids)
        .await?
        .into_iter()
        .map(|(chat_id, loaded)| Ok((chat_id, loaded?)))
        .collect()
}

/// The stored sessions of these chats, each loaded or not on its own: one
/// patient's unreadable draft fails that patient's update alone, not the
/// others loaded with it.
pub(crate) async fn load_sessions_each_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_ids: &[i64],
) -> anyhow::Result<std::collections::HashMap<i64, anyhow::Result<LoadedSession>>> {
    let mut sessions = std::collections::HashMap::with_capacity(chat_ids.len());
    for chunk in chat_ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT s.chat_id, s.locale, s.locale_chosen, s.node, s.filling, d.draft, c.id AS case_id, c.status AS case_status
             FROM sessions s
             LEFT JOIN intake_drafts d ON d.chat_id = s.chat_id
             LEFT JOIN cases c ON c.id = (SELECT MAX(id) FROM cases WHERE chat_id = s.chat_id)
             WHERE s.chat_id IN ({})",
            durable::placeholder_list(1, chunk.len())
        );
        let mut select = sqlx::query(&sql);
        for chat_id in chunk {
            select = select.bind(*chat_id);
        }
        let rows = select
            .fetch_all(&mut *conn)
            .await
            .context("cannot load the sessions")?;
        for row in rows {
            let chat_id: i64 = row.try_get("chat_id")?;
            sessions.insert(chat_id, session_of_row(&row, sealer, chat_id));
        }
    }
    Ok(sessions)
}

fn session_of_row(
    row: &sqlx::any::AnyRow,
    sealer: Option<&Sealer>,
    chat_id: i64,
) -> anyhow::Result<LoadedSession> {
    let stored_draft: Option<String> = row.try_get("draft")?;
    let draft_row = stored_draft.is_some();
    let draft: Option<String> = stored_draft
        .map(|stored| sealing::open(sealer, sealing::DRAFT, chat_id, &stored))
        .transpose()?;
    let draft = draft
        .map(|json| serde_json::from_str::<Draft>(&json))
        .transpose()
        // A draft this version cannot read is dropped, not a crash loop.
        .unwrap_or_else(|err| {
            tracing::error!(chat_id, error = %err, "unreadable intake draft dropped");
            None
        });
    let case_id: Option<i64> = row.try_get("case_id")?;
    let case_status: Option<String> = row.try_get("case_status")?;
    let case = case_id.zip(case_status).map(|(id, status)| CaseLink {
        reference: CaseRef(id),
        open: CaseStatus::parse(&status).is_open(),
    });
    let session = Session {
        case,
        locale: row.try_get("locale")?,
        locale_chosen: row.try_get::<i64, _>("locale_chosen")? != 0,
        node: row.try_get("node")?,
        // Filling without a draft (none stored, or unreadable) is no form.
        intake: crate::intake::FormState::from_parts(draft, row.try_get::<i64, _>("filling")? != 0),
    };
    Ok(LoadedSession { session, draft_row })
}

/// Numbers and stores a new case, waiting in the queue.
pub(crate) async fn create_case_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_id: i64,
    locale: &str,
    submission: &Submission,
    group: Option<i64>,
) -> anyhow::Result<CaseRef> {
    let number: i64 =
        sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'case' RETURNING value")
            .fetch_one(&mut *conn)
            .await
            .context("cannot number the case")?
            .try_get("value")?;
    let now = unix_now();
    sqlx::query(
        "INSERT INTO cases (id, chat_id, locale, status, answers, summary, consent_version, consent_at,
                            title, documents, queued_at, created_at, updated_at, group_chat_id)
         VALUES ($1, $2, $3, 'waiting', $4, $5, $6, $7, $8, $9, $10, $10, $10, $11)",
    )
    .bind(number)
    .bind(chat_id)
    .bind(locale)
    .bind(sealing::seal(
        sealer,
        sealing::CASE_ANSWERS,
        number,
        &serde_json::to_string(&submission.answers)?,
    )?)
    .bind(sealing::seal(sealer, sealing::CASE_SUMMARY, number, &submission.summary)?)
    .bind(&submission.consent_version)
    .bind(submission.consent_at)
    .bind(sealing::seal(sealer, sealing::CASE_TITLE, number, &submission.title)?)
    .bind(sealing::seal(
        sealer,
        sealing::CASE_DOCUMENTS,
        number,
        &serde_json::to_string(&submission.documents)?,
    )?)
    .bind(now)
    .bind(group)
    .execute(&mut *conn)
    .await
    .context("cannot store the case")?;
    Ok(CaseRef(number))
}

/// A topic the coordinators had for an erased case: its current one, or
/// one it left behind when it moved to another team. Erasure deletes it in
/// Telegram, with every message in it (the card, the re-sent documents,
/// the patient's messages, the coordinators' replies, the bot's notes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErasedTopic {
    pub case: i64,
    /// `None`: the default team's group (cases from before teams).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<i64>,
    pub thread_id: i64,
}

/// What an erasure removed: the cases, and their topics to delete in
/// Telegram.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasure {
    pub cases: Vec<CaseRef>,
    pub topics: Vec<ErasedTopic>,
}

/// Deletes cases with their relay records and former topics, and returns
/// the topics they had (to be deleted in Telegram).
async fn erase_cases_in(
    conn: &mut AnyConnection,
    cases: &[CaseRef],
) -> anyhow::Result<Vec<ErasedTopic>> {
    let mut topics = Vec::new();
    for case in cases {
        let rows = sqlx::query(
            "SELECT group_chat_id, thread_id FROM cases WHERE id = $1 AND thread_id IS NOT NULL
             UNION ALL
             SELECT group_chat_id, thread_id FROM former_topics WHERE case_id = $1",
        )
        .bind(case.0)
        .fetch_all(&mut *conn)
        .await
        .context("cannot list the case's topics")?;
        for row in rows {
            topics.push(ErasedTopic {
                case: case.0,
                group: row.try_get("group_chat_id")?,
                thread_id: row.try_get("thread_id")?,
            });
        }
    }
    let ids: Vec<i64> = cases.iter().map(|case| case.0).collect();
    for table in ["relayed_messages", "former_topics"] {
        delete_keys_in(conn, table, "case_id", &ids)
            .await
            .with_context(|| format!("cannot erase the cases' {table}"))?;
    }
    delete_keys_in(conn, "cases", "id", &ids)
        .await
        .context("cannot erase the cases")?;
    Ok(topics)
}

/// Erases what the patient gave us — drafts, cases, relayed-message records,
/// stored updates — and keeps only an audit record that it happened.
pub(crate) async fn erase_patient_data_in(
    conn: &mut AnyConnection,
    chat_id: i64,
) -> anyhow::Result<Erasure> {
    let cases = sqlx::query_scalar::<_, i64>("SELECT id FROM cases WHERE chat_id = $1 ORDER BY id")
        .bind(chat_id)
        .fetch_all(&mut *conn)
        .await
        .context("cannot list the patient's cases")?
        .into_iter()
        .map(CaseRef)
        .collect::<Vec<_>>();
    let topics = erase_cases_in(conn, &cases).await?;
    for statement in [
        "DELETE FROM intake_drafts WHERE chat_id = $1",
        "DELETE FROM inbox WHERE chat_id = $1",
        "UPDATE sessions SET filling = 0 WHERE chat_id = $1",
    ] {
        sqlx::query(statement)
            .bind(chat_id)
            .execute(&mut *conn)
            .await
            .context("cannot erase the patient's data")?;
    }
    let at_ms = unix_now_ms();
    for case in &cases {
        sqlx::query(
            "INSERT INTO audit_log (at_ms, case_id, actor_id, actor_name, action, detail) VALUES ($1, $2, NULL, 'patient', 'erased', '')",
        )
        .bind(at_ms)
        .bind(case.0)
        .execute(&mut *conn)
        .await
        .context("cannot record the erasure")?;
    }
    Ok(Erasure { cases, topics })
}

/// Everything stored about a patient, for /mydata.
pub(crate) async fn patient_data_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_id: i64,
) -> anyhow::Result<serde_json::Value> {
    let session = load_session_in(conn, sealer, chat_id).await?;
    let cases = sqlx::query(
        "SELECT id, locale, status, answers, consent_version, consent_at, created_at, closed_at, rating
         FROM cases WHERE chat_id = $1 ORDER BY id",
    )
    .bind(chat_id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the patient's cases")?;
    let mut case_list = Vec::new();
    for row in cases {
        let reference = CaseRef(row.try_get("id")?);
        let answers = sealing::open(
            sealer,
            sealing::CASE_ANSWERS,
            reference.0,
            &row.try_get::<String, _>("answers")?,
        )?;
        let relayed: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM relayed_messages WHERE case_id = $1")
                .bind(reference.0)
                .fetch_one(&mut *conn)
                .await?
                .try_get("n")?;
        case_list.push(serde_json::json!({
            "reference": reference.to_string(),
            "status": row.try_get::<String, _>("status")?,
            "language": row.try_get::<String, _>("locale")?,
            "answers": serde_json::from_str::<serde_json::Value>(&answers).unwrap_or_default(),
            "consent": {"version": row.try_get::<String, _>("consent_version")?, "at": row.try_get::<i64, _>("consent_at")?},
            "created_at": row.try_get::<i64, _>("created_at")?,
            "closed_at": row.try_get::<Option<i64>, _>("closed_at")?,
            "rating": row.try_get::<Option<i64>, _>("rating")?,
            "messages_exchanged_with_coordinators": relayed,
        }));
    }
    Ok(serde_json::json!({
        "about": "Everything the CancerFax navigator bot stores about you.",
        "telegram_chat_id": chat_id,
        "language": session.as_ref().map(|s| s.locale.clone()),
        "language_chosen_by_you": session.as_ref().map(|s| s.locale_chosen),
        "case_details_in_progress": session.as_ref().and_then(|s| s.intake.draft()).map(|draft| &draft.answers),
        "cases": case_list,
    }))
}

pub(crate) async fn case_view_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    reference: CaseRef,
) -> anyhow::Result<Option<CaseView>> {
    let row = sqlx::query(&format!("{CASE_VIEW_SELECT} WHERE id = $1"))
        .bind(reference.0)
        .fetch_optional(&mut *conn)
        .await
        .context("cannot load the case")?;
    row.map(|row| case_view_of(&row, sealer)).transpose()
}

/// A waiting case to a coordinator, atomically: exactly one of two
/// coordinators pressing Take at once gets it.
pub(crate) async fn take_case_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    reference: CaseRef,
    who: &Coordinator,
) -> anyhow::Result<TakeOutcome> {
    let taken = sqlx::query(
        "UPDATE cases SET status = 'assigned', coordinator_id = $1, coordinator_name = $2, updated_at = $3,
                          assigned_at = COALESCE(assigned_at, $3), held_since = $3
         WHERE id = $4 AND status = 'waiting'",
    )
    .bind(who.id)
    .bind(&who.name)
    .bind(unix_now())
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot take the case")?
    .rows_affected();
    if taken == 1 {
        return Ok(TakeOutcome::Taken);
    }
    Ok(match case_view_in(conn, sealer, reference).await? {
        Some(CaseView {
            status: CaseStatus::Assigned,
            coordinator: Some(holder),
            ..
        }) => TakeOutcome::HeldBy(holder),
        Some(CaseView {
            status: CaseStatus::Closed,
            ..
        }) => TakeOutcome::Closed,
        _ => TakeOutcome::Gone,
    })
}

pub(crate) async fn release_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let changed = sqlx::query(
        "UPDATE cases SET status = 'waiting', coordinator_id = NULL, coordinator_name = NULL, queued_at = $1, updated_at = $1
         WHERE id = $2 AND status = 'assigned'",
    )
    .bind(now)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot release the case")?
    .rows_affected();
    Ok(changed == 1)
}

pub(crate) async fn transfer_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
    to: &Coordinator,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE cases SET status = 'assigned', coordinator_id = $1, coordinator_name = $2, updated_at = $3,
                          assigned_at = COALESCE(assigned_at, $3), held_since = $3
         WHERE id = $4 AND status <> 'closed'",
    )
    .bind(to.id)
    .bind(&to.name)
    .bind(unix_now())
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot transfer the case")?
    .rows_affected();
    Ok(changed == 1)
}

/// Moves an open case from the group `from` to another team's group `to`:
/// back in the queue there, with a new topic to be opened. The old topic is
/// left to the old team, and remembered for erasure.
pub(crate) async fn move_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
    from: i64,
    to: i64,
) -> anyhow::Result<bool> {
    if from == to {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO former_topics (case_id, group_chat_id, thread_id)
         SELECT id, $1, thread_id FROM cases
         WHERE id = $2 AND status <> 'closed' AND thread_id IS NOT NULL
         ON CONFLICT DO NOTHING",
    )
    .bind(from)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot remember the case's old topic")?;
    let now = unix_now();
    let changed = sqlx::query(
        "UPDATE cases SET group_chat_id = $1, thread_id = NULL, card_message_id = NULL, status = 'waiting',
                          coordinator_id = NULL, coordinator_name = NULL, queued_at = $2, updated_at = $2
         WHERE id = $3 AND status <> 'closed'",
    )
    .bind(to)
    .bind(now)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot move the case to another team")?
    .rows_affected();
    Ok(changed == 1)
}

pub(crate) async fn close_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let changed = sqlx::query(
        "UPDATE cases SET status = 'closed', closed_at = $1, updated_at = $1 WHERE id = $2 AND status <> 'closed'",
    )
    .bind(now)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot close the case")?
    .rows_affected();
    Ok(changed == 1)
}

pub(crate) async fn set_urgent_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
    urgent: bool,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE cases SET urgent = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(urgent))
        .bind(unix_now())
        .bind(reference.0)
        .execute(&mut *conn)
        .await
        .context("cannot mark the case")?;
    Ok(())
}

/// Appends to the audit log. Nothing in the bot edits or deletes it.
pub(crate) async fn audit_in(
    conn: &mut AnyConnection,
    reference: Option<CaseRef>,
    actor: Option<&Coordinator>,
    action: &str,
    detail: &str,
) -> anyhow::Result<()> {
    let at_ms = unix_now_ms();
    sqlx::query("INSERT INTO audit_log (at_ms, case_id, actor_id, actor_name, action, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(at_ms)
        .bind(reference.map(|r| r.0))
        .bind(actor.map(|a| a.id))
        .bind(actor.map_or("system", |a| a.name.as_str()))
        .bind(action)
        .bind(detail)
        .execute(&mut *conn)
        .await
        .context("cannot write the audit log")?;
    Ok(())
}

pub(crate) async fn reopen_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let changed = sqlx::query(
        "UPDATE cases SET status = 'waiting', coordinator_id = NULL, coordinator_name = NULL, closed_at = NULL,
                          rating = NULL, queued_at = $1, updated_at = $1
         WHERE id = $2 AND status = 'closed'",
    )
    .bind(now)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot reopen the case")?
    .rows_affected();
    Ok(changed == 1)
}

pub(crate) async fn rate_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
    chat_id: i64,
    stars: i64,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE cases SET rating = $1 WHERE id = $2 AND chat_id = $3 AND status = 'closed'",
    )
    .bind(stars)
    .bind(reference.0)
    .bind(chat_id)
    .execute(&mut *conn)
    .await
    .context("cannot record the rating")?
    .rows_affected();
    Ok(changed == 1)
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
