//! The inbox and the outbox: updates stored before Telegram is told they
//! arrived, processed exactly once; what must be sent stored in the same
//! transaction as the change that caused it, until it is delivered.

use std::collections::HashSet;

use anyhow::Context;
use sqlx::{AnyConnection, Row};

use super::{Storage, unix_now};
use crate::dialogue::Session;
use crate::handoff::Coordinator;
use crate::intake::{CaseRef, Submission};
use crate::storage::TakeOutcome;

/// Failures of one update before it is set aside.
const QUARANTINE_AFTER: i64 = 3;

/// How long an outbox job that cannot be opened waits before it is read
/// again (the key may come back with a corrected configuration).
const UNREADABLE_RETRY_MS: i64 = 300_000;

/// Jobs one update may queue (part of the outbox id).
const JOBS_PER_UPDATE: i64 = 64;

/// How long an update waits for an earlier one of its chat that another
/// replica received, before it is deferred to the orphan sweep.
const ORDER_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
const ORDER_POLL: std::time::Duration = std::time::Duration::from_millis(25);

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` values: a multi-row
/// INSERT, one statement (each statement is a round trip to the database).
pub(super) fn placeholder_rows(rows: usize, columns: usize) -> String {
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

/// `$from, $from+1, …`: `count` placeholders for an `IN (…)` list.
/// The values of an `IN (…)` list, padded to a power of two by repeating
/// the last one (which changes nothing the list matches): the statement's
/// text then takes one of a few shapes, which each connection prepares once
/// and keeps. A list of every length would be a statement of its own for
/// each length, prepared again as others push it out of the cache.
pub(super) fn in_list<T: Clone>(values: &[T]) -> Vec<T> {
    let mut padded = values.to_vec();
    if let Some(last) = values.last() {
        padded.resize(values.len().next_power_of_two(), last.clone());
    }
    padded
}

pub(super) fn placeholder_list(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the inbox says about an update whose work starts.
pub(super) struct InboxRow {
    pub processed: bool,
    /// The chat it came from (patients' chats are positive).
    pub chat_id: Option<i64>,
    pub earlier_pending: bool,
}

/// A queued job as the sender reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxJob {
    pub id: i64,
    pub chat_id: i64,
    /// Where its order is kept (see `telegram::sender::Lane`).
    pub lane: String,
    pub job: String,
    /// Failed tries so far (waiting for Telegram's limits is not one).
    pub attempts: i64,
    /// When it started failing, if it is failing.
    pub failing_since_ms: Option<i64>,
}

/// Jobs that keep failing, by lane: what `navigator doctor`, `/metrics`
/// and the coordinators' `/queue` show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLane {
    pub lane: String,
    pub jobs: i64,
    pub failing_since_ms: i64,
    pub last_error: String,
}

/// A batch of updates staged by the poller (`Storage::stage_updates`).
pub struct Staged {
    /// The updates to hand to the dispatcher now.
    pub new: Vec<i64>,
    on_disk: OnDisk,
}

/// What `Storage::staged_on_disk` waits for.
enum OnDisk {
    /// Nothing was staged.
    Already,
    /// SQLite: the commit of the group that stores them.
    Committing(futures::future::BoxFuture<'static, anyhow::Result<Vec<i64>>>),
    /// PostgreSQL: committed; a write that waits for the disk, up to the
    /// last of them.
    Flush(i64),
}

/// A job ended undelivered: the lane, what kind, and why (never the content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undelivered<'a> {
    pub job_id: i64,
    pub chat_id: i64,
    pub lane: &'a str,
    pub kind: &'a str,
    pub reason: &'a str,
}

impl Storage {
    /// The updates' rows as stored: (update id, chat, sealed payload).
    fn sealed_updates(
        &self,
        updates: &[(i64, Option<i64>, String)],
    ) -> anyhow::Result<Vec<(i64, Option<i64>, String)>> {
        updates
            .iter()
            .map(|(update_id, chat_id, payload)| {
                Ok((
                    *update_id,
                    *chat_id,
                    super::sealing::seal(
                        self.sealer(),
                        super::sealing::UPDATE_PAYLOAD,
                        *update_id,
                        payload,
                    )?,
                ))
            })
            .collect()
    }

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

    /// Stores a batch of updates (one getUpdates answer), committed with
    /// the coming group's writes (`group::Request::Store`); returns, once
    /// committed, the ids that were new (not stored before).
    pub async fn store_updates(
        &self,
        updates: &[(i64, Option<i64>, String)],
    ) -> anyhow::Result<Vec<i64>> {
        if updates.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.sealed_updates(updates)?;
        self.group
            .store(super::group::StoredUpdates {
                rows,
                received_at: unix_now(),
            })
            .await
            .context("cannot store the updates")
    }

    /// Stores a batch of updates (one getUpdates answer) so that they can
    /// be worked at once: the caller hands `Staged::new` to the dispatcher
    /// now, and awaits `staged_on_disk` before its next getUpdates
    /// confirms them to Telegram.
    ///
    /// SQLite: asked of the group commit, not awaited; the group that
    /// stores them waits a moment for their turns, so that they are stored
    /// and worked in one transaction (`group::Expected`). All are handed
    /// out: one stored before is skipped at its turn (processed), and one
    /// whose storing fails is refused at its turn (it is fetched again).
    /// PostgreSQL: committed without waiting for the disk (`leases_pool`):
    /// visible at once, and on disk before any answer to them is sent,
    /// since the commit of the group that works them flushes the log up to
    /// its own record, beyond theirs. Their answers then wait for one
    /// flush, not two. Only the new ones are handed out, and the group that
    /// starts with the first of them waits a moment for the others.
    pub async fn stage_updates(
        &self,
        updates: &[(i64, Option<i64>, String)],
    ) -> anyhow::Result<Staged> {
        if updates.is_empty() {
            return Ok(Staged {
                new: Vec::new(),
                on_disk: OnDisk::Already,
            });
        }
        let rows = self.sealed_updates(updates)?;
        let received_at = unix_now();
        let Some(leases) = &self.leases else {
            let handed_out: Vec<i64> = updates.iter().map(|(update_id, _, _)| *update_id).collect();
            let committing = self.group.store_soon(
                super::group::StoredUpdates { rows, received_at },
                turns_asked_soon(updates, &handed_out),
            );
            return Ok(Staged {
                new: handed_out,
                on_disk: OnDisk::Committing(Box::pin(committing)),
            });
        };
        let mut conn = leases
            .acquire()
            .await
            .context("cannot reach the database")?;
        let new = super::group::insert_updates(
            &mut conn,
            &super::group::StoredUpdates { rows, received_at },
        )
        .await?;
        self.group.expect(turns_asked_soon(updates, &new));
        let last = updates.iter().map(|(update_id, _, _)| *update_id).max();
        Ok(Staged {
            new,
            on_disk: last.map_or(OnDisk::Already, OnDisk::Flush),
        })
    }

    /// Returns once the staged updates are on disk (SQLite: once the group
    /// that stores them committed; PostgreSQL: a write that waits for the
    /// disk, which flushes the log up to it; its row is nobody else's, so
    /// that no group's work waits for it).
    pub async fn staged_on_disk(&self, staged: Staged) -> anyhow::Result<()> {
        match staged.on_disk {
            OnDisk::Already => Ok(()),
            OnDisk::Committing(committing) => {
                committing.await.context("cannot store the updates")?;
                Ok(())
            }
            OnDisk::Flush(last_update_id) => {
                sqlx::query(
                    "INSERT INTO counters (name, value) VALUES ('inbox-on-disk', $1)
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                )
                .bind(last_update_id)
                .execute(&self.pool)
                .await
                .context("cannot make sure the updates are on disk")?;
                Ok(())
            }
        }
    }

    /// Updates stored but not processed (a crash came in between), in order.
    pub async fn unprocessed_updates(&self) -> anyhow::Result<Vec<(i64, String)>> {
        self.stale_updates(i64::MAX, i64::MAX).await
    }

    /// Handling the update failed (a handler panicked): counted; at the
    /// `QUARANTINE_AFTER`th failure the update is set aside (marked
    /// processed, kept with its error). `true` when it was set aside now.
    pub async fn update_failed(&self, update_id: i64, error: &str) -> anyhow::Result<bool> {
        let now = unix_now();
        let row = self
            .write({
                let error = error.to_owned();
                move |conn| {
                    Box::pin(async move {
                        Ok(sqlx::query(
                            "UPDATE inbox SET failures = failures + 1, last_error = $1,
                                    quarantined_at = CASE WHEN failures + 1 >= $2 THEN $3 ELSE NULL END,
                                    processed_at = CASE WHEN failures + 1 >= $2 THEN $3 ELSE NULL END
                             WHERE update_id = $4 AND processed_at IS NULL
                             RETURNING quarantined_at",
                        )
                        .bind(error)
                        .bind(QUARANTINE_AFTER)
                        .bind(now)
                        .bind(update_id)
                        .fetch_optional(conn)
                        .await?)
                    })
                }
            })
            .await
            .context("cannot record a failed update")?;
        Ok(match row {
            Some(row) => row.try_get::<Option<i64>, _>("quarantined_at")?.is_some(),
            None => false,
        })
    }

    /// Updates set aside after failing again and again (still stored).
    pub async fn quarantined_updates(&self) -> anyhow::Result<i64> {
        quarantined_in(&self.reader).await
    }

    /// The highest update id ever stored (to resume polling after it).
    pub async fn last_update_id(&self) -> anyhow::Result<Option<i64>> {
        let row = sqlx::query("SELECT MAX(update_id) AS last FROM inbox")
            .fetch_one(&self.reader)
            .await
            .context("cannot read the inbox")?;
        Ok(row.try_get("last")?)
    }

    pub async fn update_payload(&self, update_id: i64) -> anyhow::Result<Option<String>> {
        sqlx::query("SELECT payload FROM inbox WHERE update_id = $1")
            .bind(update_id)
            .fetch_optional(&self.reader)
            .await?
            .map(|row| row.try_get::<String, _>("payload"))
            .transpose()?
            .map(|payload| {
                super::sealing::open(
                    self.sealer(),
                    super::sealing::UPDATE_PAYLOAD,
                    update_id,
                    &payload,
                )
            })
            .transpose()
    }

    /// Runs `work` (which begins an update with `begin_update` and commits
    /// it) where the update's transaction is worked, on the group commit's
    /// thread, saving two crossings between threads per update (see
    /// `group::GroupCommit::work_beside`). `work` must do nothing but
    /// its update's database work and what decides it: no network calls,
    /// no other storage calls while it holds the `Work`.
    pub async fn work_beside<T: Send + 'static>(
        &self,
        work: impl std::future::Future<Output = T> + Send + 'static,
    ) -> anyhow::Result<T> {
        self.group.work_beside(work).await
    }

    /// Starts the work of one update, in a transaction it may share with
    /// other updates' work (group commit, `group.rs`): SQLite's write lock
    /// is taken up front (`BEGIN IMMEDIATE`); PostgreSQL, possibly shared by
    /// several replicas, locks the update's row (the same update is never
    /// worked on twice at once) and its chat (an advisory lock: one update
    /// of a chat at a time). An earlier update of the same patient's chat,
    /// still unprocessed (another replica holds it), goes first: this one
    /// waits for it a little, then is deferred (the orphan sweep hands both
    /// out again, in order, once the earlier one is processed or orphaned).
    /// Hold a `Work` only for database work, never across network calls:
    /// the other updates of its transaction wait for it.
    pub async fn begin_update(&self, update_id: i64) -> anyhow::Result<Begun> {
        let mut waited = std::time::Duration::ZERO;
        loop {
            match self.group.turn(update_id).await? {
                super::group::Turn::Ready(work) => return Ok(Begun::Ready(work)),
                super::group::Turn::Processed => return Ok(Begun::Processed),
                super::group::Turn::EarlierPending if waited >= ORDER_WAIT => {
                    return Ok(Begun::Deferred);
                }
                super::group::Turn::EarlierPending => {
                    tokio::time::sleep(ORDER_POLL).await;
                    waited += ORDER_POLL;
                }
            }
        }
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
        .fetch_all(&self.reader)
        .await
        .context("cannot read the inbox")?;
        let mut updates = Vec::with_capacity(rows.len());
        for row in rows {
            let update_id: i64 = row.try_get("update_id")?;
            let payload: String = row.try_get("payload")?;
            match super::sealing::open(
                self.sealer(),
                super::sealing::UPDATE_PAYLOAD,
                update_id,
                &payload,
            ) {
                Ok(payload) => updates.push((update_id, payload)),
                Err(err) => {
                    // A key removed too early, or a replica with a newer
                    // one: this update alone waits (set aside, replayable
                    // once the key is back), the others go on.
                    tracing::error!(
                        update_id,
                        error = format!("{err:#}"),
                        "a stored update cannot be opened; set aside"
                    );
                    self.set_aside(update_id, &format!("cannot be opened: {err:#}"))
                        .await?;
                }
            }
        }
        Ok(updates)
    }

    /// Sets an update aside at once (it can never be handled as it is):
    /// marked processed, with its error, for `navigator doctor` and
    /// `navigator replay`.
    pub async fn set_aside(&self, update_id: i64, error: &str) -> anyhow::Result<()> {
        let now = unix_now();
        self.execute_write(
            sqlx::query(
                "UPDATE inbox SET failures = failures + 1, last_error = $1, quarantined_at = $2, processed_at = $2
                 WHERE update_id = $3 AND processed_at IS NULL",
            )
            .bind(error.to_owned())
            .bind(now)
            .bind(update_id),
        )
        .await
        .context("cannot set the update aside")?;
        Ok(())
    }

    /// Hands the updates set aside back to the bot (after a fix: a data
    /// key restored, a new version): they are unprocessed again, and the
    /// running bot's sweep takes them in order. Returns how many.
    pub async fn replay_set_aside(&self) -> anyhow::Result<u64> {
        Ok(self
            .execute_write(sqlx::query(
                "UPDATE inbox SET processed_at = NULL, quarantined_at = NULL, failures = 0
                 WHERE quarantined_at IS NOT NULL",
            ))
            .await
            .context("cannot hand the updates set aside back")?
            .rows_affected())
    }

    /// When the oldest update still unprocessed was stored (readiness: a
    /// stuck bot leaves them waiting). On a reading connection.
    pub async fn oldest_unprocessed_update(&self) -> anyhow::Result<Option<i64>> {
        let row =
            sqlx::query("SELECT MIN(received_at) AS oldest FROM inbox WHERE processed_at IS NULL")
                .fetch_one(&self.reader)
                .await
                .context("cannot read the inbox")?;
        Ok(row.try_get("oldest")?)
    }

    /// Whether an update was processed (for handlers whose side effects are
    /// network calls: they check first and mark after, at least once).
    pub async fn is_processed(&self, update_id: i64) -> anyhow::Result<bool> {
        let row = sqlx::query("SELECT processed_at FROM inbox WHERE update_id = $1")
            .bind(update_id)
            .fetch_optional(&self.reader)
            .await?;
        Ok(match row {
            Some(row) => row.try_get::<Option<i64>, _>("processed_at")?.is_some(),
            None => false,
        })
    }

    pub async fn mark_processed(&self, update_id: i64) -> anyhow::Result<()> {
        self.execute_write(
            sqlx::query("UPDATE inbox SET processed_at = $1 WHERE update_id = $2")
                .bind(unix_now())
                .bind(update_id),
        )
        .await
        .context("cannot mark the update processed")?;
        Ok(())
    }

    /// Jobs due now, oldest first, but for the lanes in `busy` (being sent
    /// now), and only private chats' lanes unless `with_group`; not those
    /// behind an earlier job of their lane that waits for a retry or that
    /// another replica is sending, so that each lane keeps its order.
    pub async fn due_jobs(
        &self,
        now_ms: i64,
        limit: i64,
        busy: &[String],
        with_group: bool,
    ) -> anyhow::Result<Vec<OutboxJob>> {
        let mut filters = String::new();
        let busy = in_list(busy);
        if !busy.is_empty() {
            filters.push_str(&format!(
                " AND o.lane NOT IN ({})",
                placeholder_list(3, busy.len())
            ));
        }
        if !with_group {
            filters.push_str(" AND o.lane LIKE 'chat:%'");
        }
        self.due_jobs_matching(now_ms, limit, &filters, &busy).await
    }

    /// The due jobs of one lane, in order (what waits in it now).
    pub async fn due_jobs_of_lane(
        &self,
        now_ms: i64,
        limit: i64,
        lane: &str,
    ) -> anyhow::Result<Vec<OutboxJob>> {
        self.due_jobs_matching(now_ms, limit, " AND o.lane = $3", &[lane.to_owned()])
            .await
    }

    /// Due jobs that also pass `filters` (SQL from `$3` on, bound to `binds`).
    async fn due_jobs_matching(
        &self,
        now_ms: i64,
        limit: i64,
        filters: &str,
        binds: &[String],
    ) -> anyhow::Result<Vec<OutboxJob>> {
        let sql = format!(
            "SELECT o.id, o.chat_id, o.lane, o.job, o.attempts, o.failing_since_ms FROM outbox o
             WHERE o.not_before_ms <= $1 AND o.claimed_until_ms <= $1{filters}
               AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.lane = o.lane AND e.id < o.id
                               AND (e.not_before_ms > $1 OR e.claimed_until_ms > $1))
             ORDER BY o.id LIMIT $2"
        );
        let mut select = sqlx::query(&sql).bind(now_ms).bind(limit);
        for value in binds {
            select = select.bind(value.clone());
        }
        let rows = select
            .fetch_all(&self.reader)
            .await
            .context("cannot read the outbox")?;
        let mut jobs = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            if self.group.is_being_cleared(id) {
                continue; // delivered; its deletion has not committed yet
            }
            let stored: String = row.try_get("job")?;
            let job = match super::sealing::open(
                self.sealer(),
                super::sealing::OUTBOX_JOB,
                id,
                &stored,
            ) {
                Ok(job) => job,
                Err(err) => {
                    // One row that cannot be opened (a key removed too early,
                    // a replica with a newer key) must not stop the others:
                    // it is held, visible, and tried again later.
                    tracing::error!(
                        job = id,
                        error = format!("{err:#}"),
                        "an outbox job cannot be opened; held"
                    );
                    let error = format!("cannot be opened: {err:#}");
                    self.retry_job(id, now_ms + UNREADABLE_RETRY_MS, now_ms, &error)
                        .await?;
                    continue;
                }
            };
            jobs.push(OutboxJob {
                id,
                chat_id: row.try_get("chat_id")?,
                lane: row.try_get("lane")?,
                job,
                attempts: row.try_get("attempts")?,
                failing_since_ms: row.try_get("failing_since_ms")?,
            });
        }
        Ok(jobs)
    }

    pub async fn outbox_depth(&self) -> anyhow::Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM outbox")
            .fetch_one(&self.reader)
            .await?
            .try_get("n")?)
    }

    /// Claims the jobs `ids` for `lease_ms` before sending them (PostgreSQL:
    /// replicas share the outbox), all in one statement (each statement on
    /// its own is a commit waiting for the disk). `Some(until)`: every one
    /// was free and is this replica's until then; `None`: another replica
    /// holds one of them, and none is kept. SQLite has one replica: nothing
    /// to claim.
    pub async fn claim_jobs(
        &self,
        ids: &[i64],
        now_ms: i64,
        lease_ms: i64,
    ) -> anyhow::Result<Option<i64>> {
        let until_ms = now_ms + lease_ms;
        if self.backend == super::Backend::Sqlite || ids.is_empty() {
            return Ok(Some(until_ms));
        }
        let sql = format!(
            "UPDATE outbox SET claimed_until_ms = $1 WHERE claimed_until_ms <= $2 AND id IN ({})",
            placeholder_list(3, in_list(ids).len())
        );
        let claimed = self
            .execute_on_ids(sql, [until_ms, now_ms], ids)
            .await
            .context("cannot claim jobs")?;
        if claimed == ids.len() as u64 {
            return Ok(Some(until_ms));
        }
        if claimed > 0 {
            // Some were free: given back, so that they wait for nothing.
            self.release_claims(ids, until_ms).await?;
        }
        Ok(None)
    }

    /// Extends this replica's claim on `ids` (until `until_ms`) to
    /// `new_until_ms`, in one statement, while they wait for Telegram's
    /// limits: `false` when one of them is no longer this replica's (its
    /// lease ran out and another replica took it).
    pub async fn renew_claims(
        &self,
        ids: &[i64],
        until_ms: i64,
        new_until_ms: i64,
    ) -> anyhow::Result<bool> {
        if self.backend == super::Backend::Sqlite || ids.is_empty() {
            return Ok(true);
        }
        let sql = format!(
            "UPDATE outbox SET claimed_until_ms = $1 WHERE claimed_until_ms = $2 AND id IN ({})",
            placeholder_list(3, in_list(ids).len())
        );
        let renewed = self
            .execute_on_ids(sql, [new_until_ms, until_ms], ids)
            .await
            .context("cannot renew claims on jobs")?;
        Ok(renewed == ids.len() as u64)
    }

    /// Gives back jobs this replica claimed (until `until_ms`) and did not
    /// send (their lane stopped at a failure): their next try, here or on
    /// another replica, need not wait for the lease to run out.
    pub async fn release_claims(&self, ids: &[i64], until_ms: i64) -> anyhow::Result<()> {
        if self.backend == super::Backend::Sqlite || ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE outbox SET claimed_until_ms = 0 WHERE claimed_until_ms = $1 AND id IN ({})",
            placeholder_list(2, in_list(ids).len())
        );
        self.execute_on_ids(sql, [until_ms], ids)
            .await
            .context("cannot give back claims on jobs")?;
        Ok(())
    }

    /// Runs a claim's `sql` with `values` then `ids` bound, on the leases'
    /// connections (PostgreSQL only: SQLite claims nothing); the rows it
    /// changed.
    async fn execute_on_ids<const N: usize>(
        &self,
        sql: String,
        values: [i64; N],
        ids: &[i64],
    ) -> anyhow::Result<u64> {
        let leases = self
            .leases
            .as_ref()
            .context("claims are for PostgreSQL's replicas")?;
        let mut statement = sqlx::query(&sql);
        for value in values.into_iter().chain(in_list(ids)) {
            statement = statement.bind(value);
        }
        Ok(statement.execute(leases).await?.rows_affected())
    }

    /// A delivered job leaves the outbox (with the next group of updates'
    /// writes: one statement for all the jobs delivered meanwhile).
    pub async fn finish_job(&self, id: i64) -> anyhow::Result<()> {
        self.finish_jobs(vec![id]).await
    }

    /// The sender hears of the jobs each update commits from now on:
    /// `wake` is notified, or, on SQLite, where this process is the only
    /// one sending, the jobs themselves come through the returned channel
    /// (in the order they were committed), and the outbox need not be read
    /// for them. Jobs queued by other writes are announced by their
    /// callers, through `wake`.
    pub fn watch_outbox(
        &self,
        wake: std::sync::Arc<tokio::sync::Notify>,
    ) -> Option<tokio::sync::mpsc::UnboundedReceiver<Vec<OutboxJob>>> {
        match self.backend {
            super::Backend::Postgres => {
                self.group.watch(super::group::OutboxWatcher::Wake(wake));
                None
            }
            super::Backend::Sqlite => {
                let (jobs, committed) = tokio::sync::mpsc::unbounded_channel();
                self.group.watch(super::group::OutboxWatcher::Jobs(jobs));
                Some(committed)
            }
        }
    }

    /// Delivered jobs leave the outbox, in one request to the group commit
    /// (one statement, with the next group's writes). On SQLite the sender
    /// does not wait for it: until the deletion commits, the jobs are
    /// "being cleared" and no read of this process returns them (the only
    /// process sending; a crash meanwhile sends them again at the next
    /// start, as a send in flight at a crash is). PostgreSQL's replicas
    /// share the outbox: there the sender waits.
    pub async fn finish_jobs(&self, ids: Vec<i64>) -> anyhow::Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        match self.backend {
            super::Backend::Sqlite => {
                self.group.clear_later(ids);
                Ok(())
            }
            super::Backend::Postgres => self.group.delivered(ids).await,
        }
    }

    /// A try failed for a reason that may pass (a 5xx, the network, the
    /// database): the job is tried again from `not_before_ms`, and
    /// remembers since when and why it fails.
    pub async fn retry_job(
        &self,
        id: i64,
        not_before_ms: i64,
        now_ms: i64,
        error: &str,
    ) -> anyhow::Result<()> {
        self.execute_write(
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, not_before_ms = $1, claimed_until_ms = 0,
                        failing_since_ms = COALESCE(failing_since_ms, $2), last_error = $3
                 WHERE id = $4",
            )
            .bind(not_before_ms)
            .bind(now_ms)
            .bind(error.to_owned())
            .bind(id),
        )
        .await
        .context("cannot reschedule a job")?;
        Ok(())
    }

    /// Telegram refused a job for good: it leaves the outbox, and what was
    /// not delivered is recorded with the reason, in one transaction.
    pub async fn give_up_job(&self, undelivered: Undelivered<'_>) -> anyhow::Result<()> {
        let Undelivered {
            job_id,
            chat_id,
            lane,
            kind,
            reason,
        } = undelivered;
        let (lane, kind, reason) = (lane.to_owned(), kind.to_owned(), reason.to_owned());
        let now_ms = super::unix_now_ms();
        self.write(move |conn| {
            Box::pin(async move {
                let mut tx = sqlx::Connection::begin(conn).await?;
                sqlx::query(
                    "INSERT INTO undelivered (id, chat_id, lane, kind, reason, at_ms)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                )
                .bind(job_id)
                .bind(chat_id)
                .bind(lane)
                .bind(kind)
                .bind(reason)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM outbox WHERE id = $1")
                    .bind(job_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            })
        })
        .await
        .context("cannot record an undelivered job")
    }

    /// Lanes whose first failing job has been failing since before
    /// `since_ms`: held, retried, and shown to people until they go.
    pub async fn held_lanes(&self, since_ms: i64) -> anyhow::Result<Vec<HeldLane>> {
        held_lanes_in(&self.reader, since_ms).await
    }

    /// Jobs refused for good since `since_ms`.
    pub async fn undelivered_since(&self, since_ms: i64) -> anyhow::Result<i64> {
        Ok(
            sqlx::query("SELECT COUNT(*) AS n FROM undelivered WHERE at_ms >= $1")
                .bind(since_ms)
                .fetch_one(&self.reader)
                .await
                .context("cannot read the undelivered jobs")?
                .try_get("n")?,
        )
    }
}

/// How many updates are set aside (see `Storage::update_failed`).
pub(super) async fn quarantined_in(pool: &sqlx::AnyPool) -> anyhow::Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) AS n FROM inbox WHERE quarantined_at IS NOT NULL")
            .fetch_one(pool)
            .await
            .context("cannot count the set-aside updates")?
            .try_get("n")?,
    )
}

/// The held lanes (see `Storage::held_lanes`), from any pool (the doctor
/// reads them without opening `Storage`).
pub(super) async fn held_lanes_in(
    pool: &sqlx::AnyPool,
    since_ms: i64,
) -> anyhow::Result<Vec<HeldLane>> {
    let rows = sqlx::query(
        "SELECT lane, COUNT(*) AS jobs, MIN(failing_since_ms) AS since, MAX(last_error) AS error
         FROM outbox WHERE failing_since_ms IS NOT NULL AND failing_since_ms < $1
         GROUP BY lane ORDER BY MIN(failing_since_ms)",
    )
    .bind(since_ms)
    .fetch_all(pool)
    .await
    .context("cannot read the held jobs")?;
    rows.iter()
        .map(|row| {
            Ok(HeldLane {
                lane: row.try_get("lane")?,
                jobs: row.try_get("jobs")?,
                failing_since_ms: row.try_get("since")?,
                last_error: row
                    .try_get::<Option<String>, _>("error")?
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// What starting an update's work found.
pub enum Begun {
    Ready(Box<Work>),
    /// Processed before (Telegram sent it twice, or it was replayed).
    Processed,
    /// An earlier update of the same chat is still unprocessed (another
    /// replica holds it): this one stays in the inbox for the orphan sweep.
    Deferred,
}

/// All the database work of one update, committed at once: its effects,
/// its session, its outgoing jobs, and the mark that it was processed.
/// Sessions and jobs are buffered and written with those of the other
/// updates sharing the transaction; a statement of the update's own (a
/// case taken, an audit entry) first sets a savepoint, so that a failure
/// undoes this update's work alone.
pub struct Work {
    /// `None` only once handed back to the group commit.
    tx: Option<super::group::GroupTx>,
    sealer: Option<std::sync::Arc<super::Sealer>>,
    /// The patient's session, loaded with those of the whole group.
    preloaded: Option<(i64, Option<super::LoadedSession>)>,
    writes: UnitWrites,
    /// Whether the draft of the session loaded here was stored.
    draft_row: Option<(i64, bool)>,
    savepoint: bool,
    back: Option<tokio::sync::oneshot::Sender<super::group::HandedBack>>,
}

/// What one update's work leaves for the group's writes.
#[derive(Default)]
pub(super) struct UnitWrites {
    pub update_id: i64,
    /// Updates replayed from elsewhere (tests) may not be in the inbox.
    pub in_inbox: bool,
    /// The session saved, and whether its chat had a draft stored before.
    pub session: Option<(i64, Session, bool)>,
    /// (chat, lane, job)
    pub jobs: Vec<(i64, String, String)>,
}

impl Work {
    pub(super) fn new(
        tx: super::group::GroupTx,
        sealer: Option<std::sync::Arc<super::Sealer>>,
        update_id: i64,
        in_inbox: bool,
        preloaded: Option<(i64, Option<super::LoadedSession>)>,
        back: tokio::sync::oneshot::Sender<super::group::HandedBack>,
    ) -> Work {
        Work {
            tx: Some(tx),
            sealer,
            preloaded,
            writes: UnitWrites {
                update_id,
                in_inbox,
                ..UnitWrites::default()
            },
            draft_row: None,
            savepoint: false,
            back: Some(back),
        }
    }

    /// The transaction, for a statement of this update's own (after a
    /// savepoint that its failure rolls back to).
    async fn conn(&mut self) -> anyhow::Result<&mut AnyConnection> {
        let tx = self.tx.as_mut().context("the work was handed back")?;
        if !self.savepoint {
            sqlx::query("SAVEPOINT unit")
                .execute(&mut **tx)
                .await
                .context("cannot set a savepoint")?;
            self.savepoint = true;
        }
        Ok(&mut **tx)
    }

    pub async fn load_session(&mut self, chat_id: i64) -> anyhow::Result<Option<Session>> {
        let loaded = match self.preloaded.take() {
            Some((chat, loaded)) if chat == chat_id => loaded,
            _ => {
                let sealer = self.sealer.clone();
                let conn = self.conn().await?;
                super::load_sessions_in(conn, sealer.as_deref(), &[chat_id])
                    .await?
                    .remove(&chat_id)
            }
        };
        let draft_row = loaded.as_ref().is_some_and(|loaded| loaded.draft_row);
        self.draft_row = Some((chat_id, draft_row));
        Ok(loaded.map(|loaded| loaded.session))
    }

    /// Saved with the group's other sessions, at the commit.
    pub async fn save_session(&mut self, chat_id: i64, session: &Session) -> anyhow::Result<()> {
        let draft_row = match self.draft_row {
            Some((chat, draft_row)) if chat == chat_id => draft_row,
            _ => true, // not loaded here: a stored draft may need clearing
        };
        self.writes.session = Some((chat_id, session.clone(), draft_row));
        Ok(())
    }

    /// Stores a new case, in `group` (its team's), or in none yet.
    pub async fn create_case(
        &mut self,
        chat_id: i64,
        locale: &str,
        submission: &Submission,
        group: Option<i64>,
    ) -> anyhow::Result<CaseRef> {
        let sealer = self.sealer.clone();
        super::create_case_in(
            self.conn().await?,
            sealer.as_deref(),
            chat_id,
            locale,
            submission,
            group,
        )
        .await
    }

    /// Moves an open case from the group `from` to `to` (see `move_case_in`).
    pub async fn move_case(
        &mut self,
        reference: CaseRef,
        from: i64,
        to: i64,
    ) -> anyhow::Result<bool> {
        super::move_case_in(self.conn().await?, reference, from, to).await
    }

    pub async fn reopen_case(&mut self, reference: CaseRef) -> anyhow::Result<bool> {
        super::reopen_case_in(self.conn().await?, reference).await
    }

    pub async fn erase_patient_data(&mut self, chat_id: i64) -> anyhow::Result<super::Erasure> {
        super::erase_patient_data_in(self.conn().await?, chat_id).await
    }

    pub async fn patient_data(&mut self, chat_id: i64) -> anyhow::Result<serde_json::Value> {
        let sealer = self.sealer.clone();
        super::patient_data_in(self.conn().await?, sealer.as_deref(), chat_id).await
    }

    pub async fn rate_case(
        &mut self,
        reference: CaseRef,
        chat_id: i64,
        stars: i64,
    ) -> anyhow::Result<bool> {
        super::rate_case_in(self.conn().await?, reference, chat_id, stars).await
    }

    pub async fn take_case(
        &mut self,
        reference: CaseRef,
        who: &Coordinator,
    ) -> anyhow::Result<TakeOutcome> {
        let sealer = self.sealer.clone();
        super::take_case_in(self.conn().await?, sealer.as_deref(), reference, who).await
    }

    pub async fn release_case(&mut self, reference: CaseRef) -> anyhow::Result<bool> {
        super::release_case_in(self.conn().await?, reference).await
    }

    pub async fn transfer_case(
        &mut self,
        reference: CaseRef,
        to: &Coordinator,
    ) -> anyhow::Result<bool> {
        super::transfer_case_in(self.conn().await?, reference, to).await
    }

    pub async fn close_case(&mut self, reference: CaseRef) -> anyhow::Result<bool> {
        super::close_case_in(self.conn().await?, reference).await
    }

    pub async fn set_urgent(&mut self, reference: CaseRef, urgent: bool) -> anyhow::Result<()> {
        super::set_urgent_in(self.conn().await?, reference, urgent).await
    }

    /// A coordinator's action in the audit log, in this update's transaction.
    pub async fn audit_case(
        &mut self,
        reference: CaseRef,
        who: Option<&Coordinator>,
        action: &str,
        detail: &str,
    ) -> anyhow::Result<()> {
        let actor = super::audit::Actor::or_system(who);
        super::audit::append(self.conn().await?, Some(reference), actor, action, detail).await
    }

    /// Appends to the audit log inside this update's transaction.
    pub async fn audit(&mut self, actor: &str, action: &str) -> anyhow::Result<()> {
        let actor = super::audit::Actor::Named(actor);
        super::audit::append(self.conn().await?, None, actor, action, "").await
    }

    /// Queues something to send once the work is committed.
    pub fn push(&mut self, chat_id: i64, lane: String, job: String) {
        self.writes.jobs.push((chat_id, lane, job));
    }

    /// Hands the work back to its group, and waits for the group's commit.
    pub async fn commit(mut self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.writes.jobs.len() as i64 <= JOBS_PER_UPDATE,
            "too many jobs for one update"
        );
        let (committed, outcome) = tokio::sync::oneshot::channel();
        let writes = std::mem::take(&mut self.writes);
        self.hand_back(Some((writes, committed)));
        outcome
            .await
            .context("the database work was dropped")?
            .map_err(|err| anyhow::anyhow!("cannot commit the update: {err}"))
    }

    fn hand_back(&mut self, done: Option<(UnitWrites, super::group::Committed)>) {
        if let (Some(tx), Some(back)) = (self.tx.take(), self.back.take()) {
            // The group waits on this channel; it is gone only when the
            // runtime shuts down, and the transaction is then dropped too.
            let _ = back.send(super::group::HandedBack {
                tx,
                savepoint: self.savepoint,
                done,
            });
        }
    }
}

impl Drop for Work {
    /// Work given up (an error, a panic): the group rolls back to this
    /// update's savepoint and goes on with the others.
    fn drop(&mut self) {
        self.hand_back(None);
    }
}

/// Outbox ids keep each update's jobs in order, after earlier updates'.
pub(super) fn job_id(update_id: i64, position: usize) -> i64 {
    update_id * JOBS_PER_UPDATE + position as i64
}

/// Of a batch of updates just stored (`new`), those whose turns are asked
/// for as soon as the dispatcher has them: a patient's first update in the
/// batch. A chat's next one waits for the one before it (the dispatcher
/// runs a chat's updates in order), and the coordinators' group's updates
/// may need no turn at all.
fn turns_asked_soon(updates: &[(i64, Option<i64>, String)], new: &[i64]) -> Vec<i64> {
    let new: HashSet<i64> = new.iter().copied().collect();
    let mut chats = HashSet::new();
    updates
        .iter()
        .filter(|(update_id, chat_id, _)| {
            new.contains(update_id)
                && chat_id
                    .and_then(crate::chats::private)
                    .is_some_and(|chat| chats.insert(chat))
        })
        .map(|(update_id, _, _)| *update_id)
        .collect()
}

/// The update that queued the outbox job `id` (what `job_id` made it from).
pub fn job_update(id: i64) -> i64 {
    id.div_euclid(JOBS_PER_UPDATE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_s_turns_asked_soon_are_each_patient_s_first_new_update() {
        let payload = String::new;
        let batch = [
            (10, Some(501), payload()),                // stored before: not handed out
            (11, Some(501), payload()),                // this chat's first new one
            (12, Some(501), payload()),                // waits for 11
            (13, Some(-1_001_234_567_890), payload()), // the coordinators' group
            (14, None, payload()),                     // no chat
            (15, Some(502), payload()),
        ];
        assert_eq!(turns_asked_soon(&batch, &[11, 12, 13, 14, 15]), [11, 15]);
        assert!(turns_asked_soon(&batch, &[]).is_empty());
    }

    #[test]
    fn an_in_list_takes_one_of_a_few_lengths_and_matches_the_same_values() {
        assert!(in_list::<i64>(&[]).is_empty());
        assert_eq!(in_list(&[7]), [7]);
        assert_eq!(in_list(&[1, 2, 3]), [1, 2, 3, 3]);
        assert_eq!(in_list(&[1, 2, 3, 4]), [1, 2, 3, 4]);
        let five = in_list(&[1, 2, 3, 4, 5]);
        assert_eq!(five.len(), 8);
        let distinct: std::collections::BTreeSet<i64> = five.into_iter().collect();
        assert_eq!(distinct, (1..=5).collect());
        let lengths: std::collections::BTreeSet<usize> =
            (1..=200).map(|n| in_list(&vec![0; n]).len()).collect();
        assert_eq!(lengths.len(), 9, "1, 2, 4 … 256: {lengths:?}");
    }
}
