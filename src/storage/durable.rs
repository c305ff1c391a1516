//! The inbox and the outbox: updates stored before Telegram is told they
//! arrived, processed exactly once; what must be sent stored in the same
//! transaction as the change that caused it, until it is delivered.

use anyhow::Context;
use sqlx::{AnyConnection, Row};

use super::{Storage, unix_now};
use crate::dialogue::Session;
use crate::handoff::Coordinator;
use crate::intake::{CaseRef, Submission};
use crate::storage::TakeOutcome;

/// Jobs one update may queue (part of the outbox id).
const JOBS_PER_UPDATE: i64 = 64;

/// How long an update waits for an earlier one of its chat that another
/// replica received, before it is deferred to the orphan sweep.
const ORDER_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
const ORDER_POLL: std::time::Duration = std::time::Duration::from_millis(25);
/// Earlier updates older than this no longer hold a chat back.
const ORDER_WINDOW_SECONDS: i64 = 30;

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` values: a multi-row
/// INSERT, one statement (each statement is a round trip to the database).
fn placeholder_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let values: Vec<String> = (1..=columns)
                .map(|column| format!("${}", row * columns + column))
                .collect();
            format!("({})", values.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the inbox says about an update whose work starts.
struct InboxRow {
    processed: bool,
    /// The chat it came from (patients' chats are positive).
    chat_id: Option<i64>,
    earlier_pending: bool,
}

/// A queued job as the sender reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxJob {
    pub id: i64,
    pub chat_id: i64,
    pub job: String,
    pub attempts: i64,
}

impl Storage {
    /// Stores an update before its offset is confirmed. `false` when it was
    /// already stored (Telegram sent it again).
    pub async fn store_update(
        &self,
        update_id: i64,
        chat_id: Option<i64>,
        payload: &str,
    ) -> anyhow::Result<bool> {
        let stored = self
            .store_updates(&[(update_id, chat_id, payload.to_owned())])
            .await?;
        Ok(stored.contains(&update_id))
    }

    /// Stores a batch of updates (one getUpdates answer) in one statement;
    /// returns the ids that were new (not stored before).
    pub async fn store_updates(
        &self,
        updates: &[(i64, Option<i64>, String)],
    ) -> anyhow::Result<Vec<i64>> {
        if updates.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "INSERT INTO inbox (update_id, chat_id, payload, received_at) VALUES {}
             ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            placeholder_rows(updates.len(), 4)
        );
        let now = unix_now();
        let mut insert = sqlx::query(&sql);
        for (update_id, chat_id, payload) in updates {
            insert = insert
                .bind(*update_id)
                .bind(*chat_id)
                .bind(super::sealing::seal(self.sealer(), payload)?)
                .bind(now);
        }
        let stored = insert
            .fetch_all(&self.pool)
            .await
            .context("cannot store the updates")?;
        stored
            .iter()
            .map(|row| Ok(row.try_get("update_id")?))
            .collect()
    }

    /// Updates stored but not processed (a crash came in between), in order.
    pub async fn unprocessed_updates(&self) -> anyhow::Result<Vec<(i64, String)>> {
        self.stale_updates(i64::MAX, i64::MAX).await
    }

    /// The highest update id ever stored (to resume polling after it).
    pub async fn last_update_id(&self) -> anyhow::Result<Option<i64>> {
        let row = sqlx::query("SELECT MAX(update_id) AS last FROM inbox")
            .fetch_one(&self.pool)
            .await
            .context("cannot read the inbox")?;
        Ok(row.try_get("last")?)
    }

    pub async fn update_payload(&self, update_id: i64) -> anyhow::Result<Option<String>> {
        sqlx::query("SELECT payload FROM inbox WHERE update_id = $1")
            .bind(update_id)
            .fetch_optional(&self.pool)
            .await?
            .map(|row| row.try_get::<String, _>("payload"))
            .transpose()?
            .map(|payload| super::sealing::open(self.sealer(), &payload))
            .transpose()
    }

    /// Starts the work of one update.
    /// SQLite takes its write lock up front (`BEGIN IMMEDIATE`): a read
    /// transaction upgraded later fails when another writer came in between.
    /// PostgreSQL, possibly shared by several replicas, locks the update's
    /// row (the same update is never worked on twice at once) and the chat
    /// (an advisory lock: one update of a chat at a time), and lets an
    /// earlier update of the chat that another replica holds go first: it
    /// waits for it a little, then defers (the orphan sweep hands both out
    /// again, in order, once the earlier one is processed or orphaned).
    /// Hold a `Work` only for database work, never across network calls.
    pub async fn begin_update(&self, update_id: i64) -> anyhow::Result<Begun> {
        let mut waited = std::time::Duration::ZERO;
        loop {
            let mut tx = self.begin_write().await?;
            let Some(found) = self.lock_update(&mut tx, update_id).await? else {
                return Ok(Begun::Ready(self.work(tx, update_id, false)));
            };
            if found.processed {
                return Ok(Begun::Processed);
            }
            if let (Some(chat_id), super::Backend::Postgres) = (found.chat_id, self.backend) {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(chat_id)
                    .execute(&mut *tx)
                    .await
                    .context("cannot lock the chat")?;
            }
            if found.earlier_pending {
                tx.rollback().await.context("cannot end a transaction")?;
                if waited >= ORDER_WAIT {
                    return Ok(Begun::Deferred);
                }
                tokio::time::sleep(ORDER_POLL).await;
                waited += ORDER_POLL;
                continue;
            }
            return Ok(Begun::Ready(self.work(tx, update_id, true)));
        }
    }

    fn work(
        &self,
        tx: sqlx::Transaction<'static, sqlx::Any>,
        update_id: i64,
        in_inbox: bool,
    ) -> Work {
        Work {
            tx,
            sealer: self.sealer.clone(),
            update_id,
            jobs: Vec::new(),
            in_inbox,
            draft_loaded: None,
        }
    }

    async fn begin_write(&self) -> anyhow::Result<sqlx::Transaction<'static, sqlx::Any>> {
        let begin = match self.backend {
            super::Backend::Sqlite => "BEGIN IMMEDIATE",
            super::Backend::Postgres => "BEGIN",
        };
        self.pool
            .begin_with(begin)
            .await
            .context("cannot start a transaction")
    }

    /// An update's inbox row, locked, with whether an earlier update of
    /// the same patient's chat, received recently, is still unprocessed
    /// (one query: each is a round trip to the database).
    async fn lock_update(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        update_id: i64,
    ) -> anyhow::Result<Option<InboxRow>> {
        const SELECT: &str = "SELECT i.processed_at, i.chat_id,
                (SELECT COUNT(*) FROM inbox e
                 WHERE i.chat_id > 0 AND e.chat_id = i.chat_id AND e.update_id < i.update_id
                   AND e.processed_at IS NULL AND e.received_at >= $2) AS earlier
             FROM inbox i WHERE i.update_id = $1";
        let query = match self.backend {
            super::Backend::Sqlite => SELECT.to_owned(),
            super::Backend::Postgres => format!("{SELECT} FOR UPDATE OF i"),
        };
        let row = sqlx::query(&query)
            .bind(update_id)
            .bind(unix_now() - ORDER_WINDOW_SECONDS)
            .fetch_optional(&mut **tx)
            .await
            .context("cannot read the inbox")?;
        row.map(|row| {
            Ok(InboxRow {
                processed: row.try_get::<Option<i64>, _>("processed_at")?.is_some(),
                chat_id: row.try_get("chat_id")?,
                earlier_pending: row.try_get::<i64, _>("earlier")? > 0,
            })
        })
        .transpose()
    }

    /// Updates stored before `received_before` and still not processed (a
    /// crash, a replica that stopped, a deferred update), oldest first.
    pub async fn stale_updates(
        &self,
        received_before: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT update_id, payload FROM inbox WHERE processed_at IS NULL AND received_at < $1
             ORDER BY update_id LIMIT $2",
        )
        .bind(received_before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .context("cannot read the inbox")?;
        rows.iter()
            .map(|row| {
                let payload =
                    super::sealing::open(self.sealer(), &row.try_get::<String, _>("payload")?)?;
                Ok((row.try_get("update_id")?, payload))
            })
            .collect()
    }

    /// Whether an update was processed (for handlers whose side effects are
    /// network calls: they check first and mark after, at least once).
    pub async fn is_processed(&self, update_id: i64) -> anyhow::Result<bool> {
        let row = sqlx::query("SELECT processed_at FROM inbox WHERE update_id = $1")
            .bind(update_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get::<Option<i64>, _>("processed_at")?.is_some(),
            None => false,
        })
    }

    pub async fn mark_processed(&self, update_id: i64) -> anyhow::Result<()> {
        sqlx::query("UPDATE inbox SET processed_at = $1 WHERE update_id = $2")
            .bind(unix_now())
            .bind(update_id)
            .execute(&self.pool)
            .await
            .context("cannot mark the update processed")?;
        Ok(())
    }

    /// Jobs due now, oldest first; not those behind an earlier job of their
    /// chat that waits for a retry or that another replica is sending, so
    /// that each chat's messages keep their order.
    pub async fn due_jobs(&self, now_ms: i64, limit: i64) -> anyhow::Result<Vec<OutboxJob>> {
        let rows = sqlx::query(
            "SELECT o.id, o.chat_id, o.job, o.attempts FROM outbox o
             WHERE o.not_before_ms <= $1 AND o.claimed_until_ms <= $1
               AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = o.chat_id AND e.id < o.id
                               AND (e.not_before_ms > $1 OR e.claimed_until_ms > $1))
             ORDER BY o.id LIMIT $2",
        )
        .bind(now_ms)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .context("cannot read the outbox")?;
        rows.iter()
            .map(|row| {
                Ok(OutboxJob {
                    id: row.try_get("id")?,
                    chat_id: row.try_get("chat_id")?,
                    job: super::sealing::open(self.sealer(), &row.try_get::<String, _>("job")?)?,
                    attempts: row.try_get("attempts")?,
                })
            })
            .collect()
    }

    pub async fn outbox_depth(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM outbox")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    /// Claims a job for `lease_ms` before sending it; `false` when another
    /// replica holds it. A SQLite file serves one process: nothing to claim.
    pub async fn claim_job(&self, id: i64, now_ms: i64, lease_ms: i64) -> anyhow::Result<bool> {
        if self.backend == super::Backend::Sqlite {
            return Ok(true);
        }
        let claimed = sqlx::query(
            "UPDATE outbox SET claimed_until_ms = $1 WHERE id = $2 AND claimed_until_ms <= $3",
        )
        .bind(now_ms + lease_ms)
        .bind(id)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .context("cannot claim a job")?
        .rows_affected();
        Ok(claimed == 1)
    }

    pub async fn finish_job(&self, id: i64) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM outbox WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .context("cannot clear a delivered job")?;
        Ok(())
    }

    pub async fn retry_job(&self, id: i64, not_before_ms: i64) -> anyhow::Result<()> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, not_before_ms = $1, claimed_until_ms = 0 WHERE id = $2")
            .bind(not_before_ms)
            .bind(id)
            .execute(&self.pool)
            .await
            .context("cannot reschedule a job")?;
        Ok(())
    }
}

/// What starting an update's work found.
pub enum Begun {
    Ready(Work),
    /// Processed before (Telegram sent it twice, or it was replayed).
    Processed,
    /// An earlier update of the same chat is still unprocessed (another
    /// replica holds it): this one stays in the inbox for the orphan sweep.
    Deferred,
}

/// All the database work of one update, committed at once: its effects,
/// its session, its outgoing jobs, and the mark that it was processed.
pub struct Work {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    sealer: Option<std::sync::Arc<super::Sealer>>,
    update_id: i64,
    jobs: Vec<(i64, String)>,
    /// Updates replayed from elsewhere (tests) may not be in the inbox.
    in_inbox: bool,
    /// Whether the session loaded in this work had an intake draft.
    draft_loaded: Option<bool>,
}

impl Work {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub async fn load_session(&mut self, chat_id: i64) -> anyhow::Result<Option<Session>> {
        let session = super::load_session_in(&mut self.tx, self.sealer.as_deref(), chat_id).await?;
        self.draft_loaded = Some(session.as_ref().is_some_and(|s| s.intake.is_some()));
        Ok(session)
    }

    pub async fn save_session(&mut self, chat_id: i64, session: &Session) -> anyhow::Result<()> {
        if session.intake.is_none() && self.draft_loaded == Some(false) {
            // No draft before, none now: nothing to clear (a round trip saved).
            let now = unix_now();
            return super::save_session_row(&mut self.tx, chat_id, session, now).await;
        }
        super::save_session_in(&mut self.tx, self.sealer.as_deref(), chat_id, session).await
    }

    pub async fn create_case(
        &mut self,
        chat_id: i64,
        locale: &str,
        submission: &Submission,
    ) -> anyhow::Result<CaseRef> {
        super::create_case_in(
            &mut self.tx,
            self.sealer.as_deref(),
            chat_id,
            locale,
            submission,
        )
        .await
    }

    pub async fn reopen_case(&mut self, reference: CaseRef) -> anyhow::Result<bool> {
        super::reopen_case_in(&mut self.tx, reference).await
    }

    pub async fn erase_patient_data(
        &mut self,
        chat_id: i64,
    ) -> anyhow::Result<Vec<super::ErasedCase>> {
        super::erase_patient_data_in(&mut self.tx, chat_id).await
    }

    pub async fn patient_data(&mut self, chat_id: i64) -> anyhow::Result<serde_json::Value> {
        super::patient_data_in(&mut self.tx, self.sealer.as_deref(), chat_id).await
    }

    pub async fn rate_case(
        &mut self,
        reference: CaseRef,
        chat_id: i64,
        stars: i64,
    ) -> anyhow::Result<bool> {
        super::rate_case_in(&mut self.tx, reference, chat_id, stars).await
    }

    pub async fn take_case(
        &mut self,
        reference: CaseRef,
        who: &Coordinator,
    ) -> anyhow::Result<TakeOutcome> {
        super::take_case_in(&mut self.tx, self.sealer.as_deref(), reference, who).await
    }

    pub async fn release_case(&mut self, reference: CaseRef) -> anyhow::Result<bool> {
        super::release_case_in(&mut self.tx, reference).await
    }

    pub async fn transfer_case(
        &mut self,
        reference: CaseRef,
        to: &Coordinator,
    ) -> anyhow::Result<bool> {
        super::transfer_case_in(&mut self.tx, reference, to).await
    }

    pub async fn close_case(&mut self, reference: CaseRef) -> anyhow::Result<bool> {
        super::close_case_in(&mut self.tx, reference).await
    }

    pub async fn set_urgent(&mut self, reference: CaseRef, urgent: bool) -> anyhow::Result<()> {
        super::set_urgent_in(&mut self.tx, reference, urgent).await
    }

    /// A coordinator's action in the audit log, in this update's transaction.
    pub async fn audit_case(
        &mut self,
        reference: CaseRef,
        who: Option<&Coordinator>,
        action: &str,
        detail: &str,
    ) -> anyhow::Result<()> {
        super::audit_in(&mut self.tx, Some(reference), who, action, detail).await
    }

    /// Appends to the audit log inside this update's transaction.
    pub async fn audit(&mut self, actor: &str, action: &str) -> anyhow::Result<()> {
        let at_ms = super::unix_now_ms();
        sqlx::query("INSERT INTO audit_log (at_ms, case_id, actor_id, actor_name, action, detail) VALUES ($1, NULL, NULL, $2, $3, '')")
            .bind(at_ms)
            .bind(actor)
            .bind(action)
            .execute(&mut *self.tx)
            .await
            .context("cannot write the audit log")?;
        Ok(())
    }

    /// Queues something to send once the work is committed.
    pub fn push(&mut self, chat_id: i64, job: String) {
        self.jobs.push((chat_id, job));
    }

    pub async fn commit(mut self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.jobs.len() as i64 <= JOBS_PER_UPDATE,
            "too many jobs for one update"
        );
        let now = unix_now();
        if !self.jobs.is_empty() {
            let sql = format!(
                "INSERT INTO outbox (id, chat_id, job, created_at) VALUES {}",
                placeholder_rows(self.jobs.len(), 4)
            );
            let mut insert = sqlx::query(&sql);
            for (position, (chat_id, job)) in self.jobs.iter().enumerate() {
                insert = insert
                    .bind(self.update_id * JOBS_PER_UPDATE + position as i64)
                    .bind(*chat_id)
                    .bind(super::sealing::seal(self.sealer.as_deref(), job)?)
                    .bind(now);
            }
            insert
                .execute(&mut *self.tx)
                .await
                .context("cannot queue the messages")?;
        }
        if self.in_inbox {
            sqlx::query("UPDATE inbox SET processed_at = $1 WHERE update_id = $2")
                .bind(now)
                .bind(self.update_id)
                .execute(&mut *self.tx)
                .await
                .context("cannot mark the update processed")?;
        }
        self.tx.commit().await.context("cannot commit the update")?;
        Ok(())
    }
}
