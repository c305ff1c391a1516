//! Group commit: the updates whose work starts together share one
//! transaction.
//!
//! Why: every statement is a round trip to the database (for SQLite, to the
//! thread of its one connection), and a transaction holds the connection
//! from BEGIN to COMMIT. One transaction of eight statements per update
//! capped the bot near a thousand updates a second however fast the rest
//! was. Here, the updates waiting when a transaction starts share it: their
//! inbox rows are locked and their patients' sessions loaded in one
//! statement each (on SQLite, with the BEGIN and the received updates'
//! rows, one round trip); each update's `Work` runs in turn (its sessions
//! and outgoing jobs are buffered); then one statement per table writes
//! what they buffered, with the outbox jobs delivered meanwhile, and one COMMIT
//! ends it. An update's own statements (a case taken, an audit entry) come
//! after a savepoint, so an update that fails is undone alone. Other writes
//! (`Storage::write`) run on this thread too, between groups: SQLite's one
//! connection is then never held by a task waiting for a turn on the bot's
//! runtime. A patient's update is worked here too, from its turn to its
//! commit (`GroupCommit::work_beside`): its `Work` then never crosses
//! between threads.
//!
//! Owns the order of the work and the group's statements; what an update
//! does is the caller's (`Work`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use anyhow::Context;
use futures::TryStreamExt;
use futures::future::BoxFuture;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Row};
use tokio::sync::{mpsc, oneshot};

use super::durable::{
    InboxRow, OutboxJob, UnitWrites, Work, in_list, job_id, placeholder_list, placeholder_rows,
};
use super::{Backend, LoadedSession, ROWS_PER_STATEMENT, Sealer, SessionWrite, sealing};
use crate::dialogue::Session;

/// Updates sharing one transaction at most: bounds how long the others
/// wait for their answers, and the size of the statements.
const MAX_GROUP: usize = 64;

/// Groups worked at once: SQLite has one connection; PostgreSQL overlaps
/// one group's round trips and commit with another's.
fn groups_at_once(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => 4,
    }
}

/// Earlier updates older than this no longer hold a chat back.
const ORDER_WINDOW_SECONDS: i64 = 30;

/// Told once the group's transaction is committed (or why it was not).
pub(super) type Committed = oneshot::Sender<Result<(), String>>;

/// A group's transaction, on a connection that the group commit keeps
/// from one group to the next (SQLite's).
///
/// Why not sqlx's `Transaction`: it ends by giving its connection back to
/// the pool, and sqlx 0.8's pool tests every connection given back with a
/// round trip (on SQLite, to the connection's thread and back), always,
/// and every one taken with another unless told not to. A group of
/// updates made six round trips; these were two of them. Here BEGIN,
/// COMMIT and ROLLBACK are statements; a transaction dropped unfinished
/// (a failed group, the bot stopping) closes its connection, which undoes it.
pub(super) struct GroupTx(Option<PoolConnection<Any>>);

impl std::ops::Deref for GroupTx {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &Self::Target {
        self.0
            .as_deref()
            .expect("a transaction has its connection until it ends")
    }
}

impl std::ops::DerefMut for GroupTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.0
            .as_deref_mut()
            .expect("a transaction has its connection until it ends")
    }
}

impl Drop for GroupTx {
    fn drop(&mut self) {
        if let Some(mut conn) = self.0.take() {
            // Neither committed nor rolled back: closing it undoes it.
            conn.close_on_drop();
        }
    }
}

/// A `Work` handed back to its group: the transaction, and what the
/// update left to write (`None`: given up).
pub(super) struct HandedBack {
    pub tx: GroupTx,
    pub savepoint: bool,
    pub done: Option<(UnitWrites, Committed)>,
}

/// An update's turn in a group.
pub(super) enum Turn {
    Ready(Box<Work>),
    /// Processed before (sent twice, or replayed).
    Processed,
    /// An earlier update of the same patient's chat is still unprocessed.
    EarlierPending,
}

enum Request {
    Update {
        update_id: i64,
        turn: oneshot::Sender<anyhow::Result<Turn>>,
    },
    /// Jobs the sender delivered: deleted from the outbox.
    Delivered { job_ids: Vec<i64>, done: Committed },
    /// Updates received (sealed), stored in the inbox with the coming
    /// group's writes: one commit for both, rather than one each. Those
    /// `expected` were handed to the dispatcher already (SQLite): their
    /// turns are asked for in a moment, and the group that stores them
    /// waits for them (`Expected`), so that they are stored and worked in
    /// one transaction.
    Store {
        updates: StoredUpdates,
        expected: Vec<i64>,
        done: StoreDone,
    },
    /// Another write, on its own (it commits by itself).
    Write(WriteJob),
    /// The storage closes: the connections kept are closed, and no more
    /// are kept.
    LetConnectionsGo(oneshot::Sender<()>),
    /// Updates just received, stored, and handed to the dispatcher
    /// (PostgreSQL): their turns are asked for in a moment (`Expected`).
    Expect(Vec<i64>),
}

/// How long a group waits, at most, for updates received with its own
/// (or, on SQLite, stored by it) that have not asked for their turns yet.
const EXPECTED_WAIT: std::time::Duration = std::time::Duration::from_millis(2);

/// An expected update that has not asked for its turn for this long is no
/// longer waited for (one the bot handled without a turn).
const EXPECTED_FOR: std::time::Duration = std::time::Duration::from_millis(100);

/// Updates received and handed to the dispatcher whose turns have not been
/// asked for yet, with when they were received.
///
/// Why: the updates of one `getUpdates` answer ask for their turns a few
/// hundred microseconds apart. On PostgreSQL (the updates stored already,
/// `Request::Expect`), a group that started at the first ask held one of
/// them, and the rest waited for its commit to start the next: two
/// commits, each with its round trips, where one would do. On SQLite
/// (stored by a group, `Request::Store`), the group that stored them
/// committed on its own, and the next one worked them: two commits on the
/// way of each update, and a third of the groups stored updates and
/// nothing else (docs/performance.md, session 12). A group waits for the
/// rest of its batch, or for the turns of the updates it stores, at most
/// `EXPECTED_WAIT`; those that have not come by then are not waited for
/// again. SQLite's one writer waits for nothing else: a group that waited
/// for turns of updates stored before idled (session 10).
#[derive(Default)]
struct Expected(HashMap<i64, std::time::Instant>);

impl Expected {
    fn add(&mut self, update_ids: Vec<i64>) {
        let now = std::time::Instant::now();
        self.0.extend(update_ids.into_iter().map(|id| (id, now)));
    }

    fn asked(&mut self, update_id: i64) {
        self.0.remove(&update_id);
    }

    /// Whether any update is still expected (received lately).
    fn any(&mut self) -> bool {
        self.0
            .retain(|_, received| received.elapsed() < EXPECTED_FOR);
        !self.0.is_empty()
    }

    /// The group waited for them long enough.
    fn give_up(&mut self) {
        self.0.clear();
    }
}

/// Updates to store: (update id, chat, sealed payload), and when received.
pub(super) struct StoredUpdates {
    pub rows: Vec<(i64, Option<i64>, String)>,
    pub received_at: i64,
}

/// Told, once the group committed, which of the updates were new.
type StoreDone = oneshot::Sender<Result<Vec<i64>, String>>;

/// A write run on the group's thread; it reports its own result.
type WriteJob = Box<
    dyn for<'c> FnOnce(Result<&'c mut sqlx::AnyConnection, String>) -> BoxFuture<'c, ()> + Send,
>;

/// How many groups the group commit started since the bot started, by what
/// they held, and the turns they gave (`Storage::group_counts`; the
/// metrics endpoint shows them). Updates per group is how much each commit
/// serves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCounts {
    /// Groups that gave updates their turns (and stored or cleared what
    /// came with them).
    pub working: u64,
    /// Groups that stored received updates and worked none.
    pub storing: u64,
    /// Delivered jobs cleared on their own (one statement, no transaction).
    pub clearing: u64,
    /// Turns given, or answered (processed before, an earlier update
    /// pending).
    pub turns: u64,
}

#[derive(Default)]
struct Counters {
    working: std::sync::atomic::AtomicU64,
    storing: std::sync::atomic::AtomicU64,
    clearing: std::sync::atomic::AtomicU64,
    turns: std::sync::atomic::AtomicU64,
}

impl Counters {
    fn count(&self, gathered: &Gathered) {
        let kind = if !gathered.updates.is_empty() {
            &self.working
        } else if !gathered.stores.is_empty() {
            &self.storing
        } else if !gathered.delivered.is_empty() {
            &self.clearing
        } else {
            // Writes alone: each commits by itself, no group.
            return;
        };
        kind.fetch_add(1, Ordering::Relaxed);
        self.turns
            .fetch_add(gathered.updates.len() as u64, Ordering::Relaxed);
    }

    fn read(&self) -> GroupCounts {
        GroupCounts {
            working: self.working.load(Ordering::Relaxed),
            storing: self.storing.load(Ordering::Relaxed),
            clearing: self.clearing.load(Ordering::Relaxed),
            turns: self.turns.load(Ordering::Relaxed),
        }
    }
}

/// The way into the group commit (a task that owns its order).
#[derive(Clone)]
pub(super) struct GroupCommit {
    requests: mpsc::UnboundedSender<Request>,
    counters: Arc<Counters>,
    /// The group commit thread's runtime, where an update's work runs
    /// (`work_beside`).
    beside: tokio::runtime::Handle,
    watcher: Arc<std::sync::Mutex<Option<OutboxWatcher>>>,
    clearing: Clearing,
}

/// Delivered jobs whose deletion from the outbox has not committed yet,
/// and those whose deletion committed lately: a read that began before the
/// deletion committed still sees them, and must still skip them.
type Clearing = Arc<std::sync::Mutex<ClearingJobs>>;

/// How long a cleared job is still skipped: far longer than any read.
const CLEARED_SKIPPED_FOR: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Default)]
struct ClearingJobs {
    skipped: std::collections::HashSet<i64>,
    /// Deletions committed (or given up), oldest first.
    cleared: std::collections::VecDeque<(std::time::Instant, Vec<i64>)>,
}

impl ClearingJobs {
    fn clearing(&mut self, job_ids: &[i64]) {
        let now = std::time::Instant::now();
        while let Some((at, _)) = self.cleared.front()
            && now.duration_since(*at) >= CLEARED_SKIPPED_FOR
        {
            if let Some((_, ids)) = self.cleared.pop_front() {
                for id in ids {
                    self.skipped.remove(&id);
                }
            }
        }
        self.skipped.extend(job_ids.iter().copied());
    }

    fn cleared(&mut self, job_ids: &[i64]) {
        self.cleared
            .push_back((std::time::Instant::now(), job_ids.to_vec()));
    }
}

fn locked<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How long deliveries alone wait for updates to share their transaction
/// (nobody waits for them: `GroupCommit::clear_later`).
const DELIVERIES_WAIT: std::time::Duration = std::time::Duration::from_millis(10);

/// Who hears of the jobs a group committed: the outbox's sender.
pub(super) enum OutboxWatcher {
    /// Woken, to read the outbox (PostgreSQL: replicas share the outbox,
    /// and a job is only sent once claimed from it).
    Wake(Arc<tokio::sync::Notify>),
    /// Handed the jobs themselves (SQLite: one replica, so what it
    /// committed is all there is to send, and need not be read back).
    Jobs(mpsc::UnboundedSender<Vec<OutboxJob>>),
}

struct Database {
    pool: AnyPool,
    /// Connections kept between groups (see `GroupTx`); empty when they
    /// are not kept.
    kept: std::sync::Mutex<Vec<PoolConnection<Any>>>,
    /// False for a database in memory, and once the storage closes.
    keep_connections: std::sync::atomic::AtomicBool,
    backend: Backend,
    sealer: Option<Arc<Sealer>>,
    watcher: Arc<std::sync::Mutex<Option<OutboxWatcher>>>,
    clearing: Clearing,
    /// Updates whose storing failed (`Request::Store`): handed to the
    /// dispatcher already, they are not worked, since the poller fetches
    /// them again; until stored.
    unstored: std::sync::Mutex<std::collections::HashSet<i64>>,
}

impl Database {
    /// A connection of the group's: one kept from an earlier group, or a
    /// new one from the pool.
    async fn connection(&self) -> anyhow::Result<PoolConnection<Any>> {
        if let Some(conn) = locked(&self.kept).pop() {
            return Ok(conn);
        }
        let mut conn = self
            .pool
            .acquire()
            .await
            .context("cannot reach the database")?;
        if self.keep_connections.load(Ordering::Relaxed) {
            // Never given back to the pool: dropped (a group failed, or
            // the bot stops), it is closed, which undoes any transaction
            // left open on it.
            conn.close_on_drop();
        }
        Ok(conn)
    }

    /// These updates' storing failed (see `unstored`).
    fn not_stored(&self, update_ids: &[i64]) {
        locked(&self.unstored).extend(update_ids);
    }

    /// These updates are stored now (new ones: stored by this group).
    fn stored(&self, update_ids: &[i64]) {
        let mut unstored = locked(&self.unstored);
        for update_id in update_ids {
            unstored.remove(update_id);
        }
    }

    fn was_not_stored(&self, update_id: i64) -> bool {
        locked(&self.unstored).contains(&update_id)
    }

    /// Keeps a connection for the next group (outside any transaction).
    fn keep(&self, conn: PoolConnection<Any>) {
        if self.keep_connections.load(Ordering::Relaxed) {
            locked(&self.kept).push(conn);
        }
    }

    /// Keeps no connection from now on, and closes those kept: the pool
    /// closes once every connection is back or closed.
    fn let_connections_go(&self) {
        self.keep_connections.store(false, Ordering::Relaxed);
        locked(&self.kept).clear();
    }

    /// Opens a transaction on a connection of the group's (PostgreSQL;
    /// SQLite's begins with its opening statement, `OPEN_SQLITE`).
    async fn begin(&self) -> anyhow::Result<GroupTx> {
        let mut conn = self.connection().await?;
        sqlx::query("BEGIN")
            .execute(&mut *conn)
            .await
            .context("cannot start a transaction")?;
        Ok(GroupTx(Some(conn)))
    }

    /// Commits, and keeps the connection for the next group.
    async fn commit(&self, mut tx: GroupTx) -> anyhow::Result<()> {
        sqlx::query("COMMIT")
            .execute(&mut *tx)
            .await
            .context("cannot commit")?;
        self.committed(tx);
        Ok(())
    }

    /// Keeps the connection of a transaction committed by a statement of
    /// its own.
    fn committed(&self, mut tx: GroupTx) {
        if let Some(conn) = tx.0.take() {
            self.keep(conn);
        }
    }

    /// Rolls back, and keeps the connection for the next group.
    async fn rollback(&self, mut tx: GroupTx) {
        if sqlx::query("ROLLBACK").execute(&mut *tx).await.is_ok()
            && let Some(conn) = tx.0.take()
        {
            self.keep(conn);
        }
    }

    fn cleared(&self, job_ids: &[i64]) {
        if job_ids.is_empty() {
            return;
        }
        locked(&self.clearing).cleared(job_ids);
    }

    /// Tells the sender of the jobs a group committed (handed over, not
    /// copied: the group has written them).
    fn announce(&self, jobs: Vec<(i64, i64, String, String)>) {
        if jobs.is_empty() {
            return;
        }
        let watcher = locked(&self.watcher);
        match watcher.as_ref() {
            Some(OutboxWatcher::Wake(wake)) => wake.notify_one(),
            Some(OutboxWatcher::Jobs(sender)) => {
                let jobs = jobs
                    .into_iter()
                    .map(|(id, chat_id, lane, job)| OutboxJob {
                        id,
                        chat_id,
                        lane,
                        job,
                        attempts: 0,
                        failing_since_ms: None,
                    })
                    .collect();
                // A sender gone (shutting down) reads the outbox at its next start.
                let _ = sender.send(jobs);
            }
            None => {}
        }
    }
}

impl GroupCommit {
    /// Starts the group commit on a thread of its own: its round trips to
    /// the database then never wait behind the bot's other tasks for a
    /// turn on the runtime (they did, and that was most of their time).
    /// `keep_connections`: whether the group keeps its connections between
    /// groups (see `GroupTx`): SQLite's, unless the database lives in
    /// memory (its one connection is the readers' too); otherwise a group
    /// takes one from the pool and gives it back.
    pub(super) fn start(
        pool: AnyPool,
        keep_connections: bool,
        backend: Backend,
        sealer: Option<Arc<Sealer>>,
    ) -> anyhow::Result<Self> {
        let (requests, receiver) = mpsc::unbounded_channel();
        let counters = Arc::new(Counters::default());
        let watcher = Arc::new(std::sync::Mutex::new(None));
        let clearing = Clearing::default();
        let database = Database {
            pool,
            kept: std::sync::Mutex::new(Vec::new()),
            keep_connections: keep_connections.into(),
            backend,
            sealer,
            watcher: watcher.clone(),
            clearing: clearing.clone(),
            unstored: Default::default(),
        };
        let mut runtime = tokio::runtime::Builder::new_current_thread();
        runtime.enable_time();
        if backend == Backend::Postgres {
            // Its connections' sockets. SQLite's connections answer through
            // channels: without an I/O driver the thread waits on a futex,
            // and a wake-up is cheaper than one through epoll and an eventfd.
            runtime.enable_io();
        }
        let runtime = runtime
            .build()
            .context("cannot start the group commit's runtime")?;
        let beside = runtime.handle().clone();
        std::thread::Builder::new()
            .name("group-commit".to_owned())
            .spawn({
                let counters = counters.clone();
                move || runtime.block_on(run(database, receiver, counters))
            })
            .context("cannot start the group commit's thread")?;
        Ok(GroupCommit {
            requests,
            counters,
            beside,
            watcher,
            clearing,
        })
    }

    /// Runs `work`, an update's work with its `Work`, on the group
    /// commit's thread.
    ///
    /// Why: a `Work` crosses from the group commit's thread to the update's
    /// task and back, and so does its commit's answer; each crossing wakes
    /// a sleeping thread. A crossing more per update cost 8% of the bot's
    /// CPU per update while browsing (docs/performance.md, session 11). On
    /// that thread the update's turn, its `Work` and its commit's answer
    /// are handed over within one thread, and only the work itself and its
    /// result cross. The work is what the update's task would have done
    /// between its turn and its commit's answer (the group waits for it
    /// either way), so nothing runs there that would not have held the
    /// group.
    pub(super) async fn work_beside<T: Send + 'static>(
        &self,
        work: impl std::future::Future<Output = T> + Send + 'static,
    ) -> anyhow::Result<T> {
        use tracing::Instrument;
        match self.beside.spawn(work.in_current_span()).await {
            Ok(done) => Ok(done),
            // Caught where the update's own task would have been: the
            // handler tree counts it against the update.
            Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
            Err(_) => anyhow::bail!("the database is closing"),
        }
    }

    pub(super) fn counts(&self) -> GroupCounts {
        self.counters.read()
    }

    /// From now on, `watcher` hears of every group's committed jobs.
    pub(super) fn watch(&self, watcher: OutboxWatcher) {
        *locked(&self.watcher) = Some(watcher);
    }

    /// Deletes delivered jobs with a coming group's writes, without
    /// waiting: meanwhile they are being cleared (`is_being_cleared`).
    pub(super) fn clear_later(&self, job_ids: Vec<i64>) {
        locked(&self.clearing).clearing(&job_ids);
        // Nobody waits for the answer.
        let (done, _) = oneshot::channel();
        if self
            .requests
            .send(Request::Delivered { job_ids, done })
            .is_err()
        {
            tracing::warn!(
                "the database is closed: delivered jobs are sent again at the next start"
            );
        }
    }

    pub(super) fn is_being_cleared(&self, job_id: i64) -> bool {
        locked(&self.clearing).skipped.contains(&job_id)
    }

    pub(super) async fn turn(&self, update_id: i64) -> anyhow::Result<Turn> {
        let (turn, answer) = oneshot::channel();
        self.requests
            .send(Request::Update { update_id, turn })
            .ok()
            .context("the database is closed")?;
        answer.await.context("the database is closed")?
    }

    /// Runs a write on the group's thread, between groups: its round trips
    /// to the database do not wait for turns on the bot's runtime while the
    /// one SQLite connection waits with them.
    pub(super) async fn write<T, F>(&self, write: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut sqlx::AnyConnection) -> BoxFuture<'c, anyhow::Result<T>>
            + Send
            + 'static,
    {
        let (done, answer) = oneshot::channel();
        let job: WriteJob = Box::new(move |conn| {
            Box::pin(async move {
                let result = match conn {
                    Ok(conn) => write(conn).await,
                    Err(why) => Err(anyhow::anyhow!("cannot reach the database: {why}")),
                };
                let _ = done.send(result);
            })
        });
        self.requests
            .send(Request::Write(job))
            .ok()
            .context("the database is closed")?;
        answer.await.context("the database is closed")?
    }

    /// Stores received updates in the inbox with the coming group's writes
    /// (or on their own when no update is being worked); returns, once
    /// committed, the ids that were new (not stored before).
    pub(super) async fn store(&self, updates: StoredUpdates) -> anyhow::Result<Vec<i64>> {
        self.store_soon(updates, Vec::new()).await
    }

    /// `store`, asked for now and answered by the future returned: the
    /// caller hands the `expected` updates to the dispatcher meanwhile,
    /// and the group that stores them waits a moment for their turns.
    pub(super) fn store_soon(
        &self,
        updates: StoredUpdates,
        expected: Vec<i64>,
    ) -> impl std::future::Future<Output = anyhow::Result<Vec<i64>>> + Send + 'static {
        self.ask_soon(|done| Request::Store {
            updates,
            expected,
            done,
        })
    }

    /// These updates were just stored (committed) and handed to the
    /// dispatcher: a group that starts meanwhile waits a moment for their
    /// turns (PostgreSQL).
    pub(super) fn expect(&self, update_ids: Vec<i64>) {
        if !update_ids.is_empty() {
            let _ = self.requests.send(Request::Expect(update_ids));
        }
    }

    pub(super) async fn delivered(&self, job_ids: Vec<i64>) -> anyhow::Result<()> {
        self.ask(|done| Request::Delivered { job_ids, done })
            .await
            .context("cannot clear a delivered job")
    }

    /// Closes the connections the group keeps (the groups still working
    /// close theirs when done): the pool can then close.
    pub(super) async fn let_connections_go(&self) {
        let (done, answer) = oneshot::channel();
        if self.requests.send(Request::LetConnectionsGo(done)).is_ok() {
            let _ = answer.await;
        }
    }

    /// Sends a request and waits for the group's answer to it.
    async fn ask<T: Send + 'static>(
        &self,
        request: impl FnOnce(oneshot::Sender<Result<T, String>>) -> Request,
    ) -> anyhow::Result<T> {
        self.ask_soon(request).await
    }

    /// Sends a request now; the future returned waits for the group's
    /// answer to it.
    fn ask_soon<T: Send + 'static>(
        &self,
        request: impl FnOnce(oneshot::Sender<Result<T, String>>) -> Request,
    ) -> impl std::future::Future<Output = anyhow::Result<T>> + Send + 'static {
        let (done, answer) = oneshot::channel();
        let sent = self.requests.send(request(done));
        async move {
            sent.ok().context("the database is closed")?;
            answer
                .await
                .context("the database is closed")?
                .map_err(|err| anyhow::anyhow!("{err}"))
        }
    }
}

/// Takes whatever waits, up to a group, and works it; again. What comes
/// while every group slot is busy waits for the next group.
async fn run(
    database: Database,
    mut requests: mpsc::UnboundedReceiver<Request>,
    counters: Arc<Counters>,
) {
    let database = Arc::new(database);
    let slots = Arc::new(tokio::sync::Semaphore::new(groups_at_once(
        database.backend,
    )));
    let mut expected = Expected::default();
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let Some(first) = requests.recv().await else {
            return;
        };
        let wait_until = tokio::time::Instant::now() + EXPECTED_WAIT;
        let mut gathered = Gathered::default();
        let mut next = Some(first);
        loop {
            while let Some(request) = next.take() {
                gathered.take(request, &database, &mut expected);
                if gathered.updates.len() < MAX_GROUP {
                    next = requests.try_recv().ok();
                }
                if next.is_none() && gathered.deliveries_alone() {
                    // Deliveries alone: an update coming soon shares its
                    // transaction with them rather than a statement of their own.
                    next = tokio::time::timeout(DELIVERIES_WAIT, requests.recv())
                        .await
                        .ok()
                        .flatten();
                }
            }
            // Updates received with these, or stored by this group, that
            // have not asked yet share its transaction rather than wait for
            // its commit.
            if (gathered.updates.is_empty() && gathered.stores.is_empty())
                || gathered.updates.len() >= MAX_GROUP
                || !expected.any()
            {
                break;
            }
            match tokio::time::timeout_at(wait_until, requests.recv()).await {
                Ok(Some(request)) => next = Some(request),
                Ok(None) => break,
                Err(_) => {
                    expected.give_up();
                    break;
                }
            }
        }
        if gathered.is_empty() {
            continue;
        }
        counters.count(&gathered);
        let Gathered {
            updates,
            delivered,
            stores,
            writes,
        } = gathered;
        let database = database.clone();
        tokio::spawn(async move {
            // The group first: a write may mark an update it stores (one
            // that needed nothing done, `Storage::mark_processed`).
            work_group(&database, stores, updates, delivered).await;
            run_writes(&database, writes).await;
            drop(slot);
        });
    }
}

/// The requests a group takes, as they came.
#[derive(Default)]
struct Gathered {
    updates: Vec<UpdateRequest>,
    delivered: Vec<(Vec<i64>, Committed)>,
    stores: Vec<(StoredUpdates, StoreDone)>,
    writes: Vec<WriteJob>,
}

impl Gathered {
    fn take(&mut self, request: Request, database: &Database, expected: &mut Expected) {
        match request {
            Request::Update { update_id, turn } => {
                expected.asked(update_id);
                self.updates.push((update_id, turn));
            }
            Request::Delivered { job_ids, done } => self.delivered.push((job_ids, done)),
            Request::Store {
                updates,
                expected: handed_out,
                done,
            } => {
                expected.add(handed_out);
                self.stores.push((updates, done));
            }
            Request::Write(write) => self.writes.push(write),
            Request::LetConnectionsGo(done) => {
                database.let_connections_go();
                let _ = done.send(());
            }
            Request::Expect(update_ids) => expected.add(update_ids),
        }
    }

    /// Nothing but delivered jobs to clear.
    fn deliveries_alone(&self) -> bool {
        self.only_deliveries() && !self.delivered.is_empty()
    }

    fn is_empty(&self) -> bool {
        self.only_deliveries() && self.delivered.is_empty()
    }

    /// No updates, stores or writes.
    fn only_deliveries(&self) -> bool {
        self.updates.is_empty() && self.writes.is_empty() && self.stores.is_empty()
    }
}

/// What the group's updates buffered, written at its end.
#[derive(Default)]
struct GroupWrites {
    /// The last session saved per chat, with whether a draft was stored.
    sessions: BTreeMap<i64, (Session, bool)>,
    /// (outbox id, chat, lane, job)
    jobs: Vec<(i64, i64, String, String)>,
    processed: Vec<i64>,
    delivered: Vec<i64>,
    /// The updates' callers, told when their writes commit.
    waiting: Vec<Committed>,
    /// The sender's, told when the delivered jobs are cleared.
    delivered_waiting: Vec<Committed>,
    /// Received updates to store first; then the new ones' ids, told
    /// when committed.
    stores: Vec<(StoredUpdates, StoreDone)>,
    stored: Vec<(Vec<i64>, StoreDone)>,
}

impl GroupWrites {
    fn add(&mut self, writes: UnitWrites, committed: Committed) {
        if let Some((chat_id, session, draft_row)) = writes.session {
            self.sessions.insert(chat_id, (session, draft_row));
        }
        for (position, (chat_id, lane, job)) in writes.jobs.into_iter().enumerate() {
            self.jobs
                .push((job_id(writes.update_id, position), chat_id, lane, job));
        }
        if writes.in_inbox {
            self.processed.push(writes.update_id);
        }
        self.waiting.push(committed);
    }

    async fn finish(self, database: &Database, result: anyhow::Result<()>) {
        if result.is_ok() {
            database.cleared(&self.delivered);
        }
        match result {
            Ok(()) => {
                for committed in self.waiting.into_iter().chain(self.delivered_waiting) {
                    let _ = committed.send(Ok(()));
                }
                for (new, done) in self.stored {
                    database.stored(&new);
                    let _ = done.send(Ok(new));
                }
            }
            Err(err) => {
                tracing::error!(error = format!("{err:#}"), "a group's writes failed");
                self.fail(database, &format!("{err:#}")).await;
            }
        }
    }

    /// The updates' writes are undone; the delivered jobs are cleared on
    /// their own all the same: Telegram has those messages, and undoing
    /// their clearing would send them again.
    async fn fail(self, database: &Database, why: &str) {
        for committed in self.waiting {
            let _ = committed.send(Err(why.to_owned()));
        }
        let stores = self.stores.into_iter().map(|(updates, done)| {
            let ids: Vec<i64> = updates.rows.iter().map(|(id, _, _)| *id).collect();
            (ids, done)
        });
        for (update_ids, done) in stores.chain(self.stored) {
            database.not_stored(&update_ids);
            let _ = done.send(Err(format!("cannot store the updates: {why}")));
        }
        if self.delivered.is_empty() {
            return;
        }
        let cleared = delete_delivered_alone(database, &self.delivered).await;
        if let Err(err) = &cleared {
            tracing::error!(
                error = format!("{err:#}"),
                "delivered jobs cannot be cleared; they may be sent again"
            );
        }
        // Cleared or not, they are no longer being cleared: a job left in
        // the outbox is read and sent again once no longer skipped.
        database.cleared(&self.delivered);
        let cleared = cleared.map_err(|err| format!("{err:#}"));
        for committed in self.delivered_waiting {
            let _ = committed.send(cleared.clone());
        }
    }
}

type UpdateRequest = (i64, oneshot::Sender<anyhow::Result<Turn>>);

/// The group cannot go on: the updates not worked yet and those waiting
/// for the commit are told why.
async fn abandon(
    database: &Database,
    pending: impl IntoIterator<Item = UpdateRequest>,
    group: GroupWrites,
    why: &str,
) {
    for (_, turn) in pending {
        let _ = turn.send(Err(anyhow::anyhow!("{why}")));
    }
    group.fail(database, why).await;
}

/// The writes on their own, one after the other on one connection.
async fn run_writes(database: &Database, writes: Vec<WriteJob>) {
    if writes.is_empty() {
        return;
    }
    match database.connection().await {
        Ok(mut conn) => {
            for write in writes {
                write(Ok(&mut conn)).await;
            }
            database.keep(conn);
        }
        Err(err) => {
            for write in writes {
                write(Err(format!("{err:#}"))).await;
            }
        }
    }
}

async fn work_group(
    database: &Database,
    stores: Vec<(StoredUpdates, StoreDone)>,
    updates: Vec<UpdateRequest>,
    delivered: Vec<(Vec<i64>, Committed)>,
) {
    let mut group = GroupWrites {
        stores,
        ..GroupWrites::default()
    };
    for (job_ids, done) in delivered {
        group.delivered.extend(job_ids);
        group.delivered_waiting.push(done);
    }
    if updates.is_empty() && group.stores.is_empty() {
        if group.delivered_waiting.is_empty() {
            return;
        }
        // Deliveries alone: one statement, no transaction around it.
        let result = delete_delivered_alone(database, &group.delivered).await;
        return group.finish(database, result).await;
    }
    let ids: Vec<i64> = updates.iter().map(|(update_id, _)| *update_id).collect();
    let (mut tx, rows, mut sessions) = match open(database, &mut group, &ids).await {
        Ok(opened) => opened,
        Err(err) => return abandon(database, updates, group, &format!("{err:#}")).await,
    };
    let mut chats_in_group = std::collections::HashSet::new();
    // Once an update of the group has written statements of its own (a
    // coordinator closed a case, say), the sessions loaded at the start
    // may be stale: later updates load theirs inside the transaction.
    let mut changed = false;
    let mut pending = updates.into_iter();
    while let Some((update_id, turn)) = pending.next() {
        let row = rows.get(&update_id);
        let patient_chat = row
            .and_then(|row| row.chat_id)
            .and_then(crate::chats::private);
        if row.is_none() && database.was_not_stored(update_id) {
            let _ = turn.send(Err(anyhow::anyhow!(
                "update {update_id} was not stored: it is fetched again"
            )));
            continue;
        }
        let ready = match row {
            Some(row) if row.processed => Err(Turn::Processed),
            Some(row) if row.earlier_pending => Err(Turn::EarlierPending),
            // One update of a patient's chat per group: the next one sees
            // what this one wrote (it waits for the commit).
            _ if patient_chat.is_some_and(|chat| !chats_in_group.insert(chat)) => {
                Err(Turn::EarlierPending)
            }
            _ => Ok(()),
        };
        if let Err(answer) = ready {
            let _ = turn.send(Ok(answer));
            continue;
        }
        let preloaded = match patient_chat {
            Some(chat) if !changed => match sessions.remove(&chat) {
                // Left to the update's own work, which then fails alone
                // (and is set aside if it keeps failing).
                Some(Err(err)) => {
                    tracing::error!(
                        chat_id = chat,
                        error = format!("{err:#}"),
                        "a session cannot be loaded"
                    );
                    None
                }
                Some(Ok(loaded)) => Some((chat, Some(loaded))),
                None => Some((chat, None)),
            },
            _ => None,
        };
        let (back, handed_back) = oneshot::channel();
        let sealer = database.sealer.clone();
        let work = Work::new(tx, sealer, update_id, row.is_some(), preloaded, back);
        // A caller gone drops the work, which hands it back.
        let _ = turn.send(Ok(Turn::Ready(Box::new(work))));
        let Ok(handed) = handed_back.await else {
            // Only when the runtime shuts down: the transaction is gone.
            return abandon(database, pending, group, "the database is closing").await;
        };
        tx = handed.tx;
        match handed.done {
            Some((writes, committed)) => {
                changed |= handed.savepoint;
                group.add(writes, committed)
            }
            None if handed.savepoint => {
                let rolled_back = sqlx::query("ROLLBACK TO SAVEPOINT unit")
                    .execute(&mut *tx)
                    .await;
                if let Err(err) = rolled_back {
                    let why = format!("cannot undo a failed update: {err}");
                    return abandon(database, pending, group, &why).await;
                }
            }
            None => {}
        }
    }
    if group.waiting.is_empty() && group.delivered_waiting.is_empty() && group.stored.is_empty() {
        // Nothing to write (all processed before, or given up).
        database.rollback(tx).await;
        return;
    }
    let written = write_and_commit(database, tx, &group).await;
    if written.is_ok() {
        database.announce(std::mem::take(&mut group.jobs));
    }
    group.finish(database, written).await
}

type Opened = (
    GroupTx,
    HashMap<i64, InboxRow>,
    HashMap<i64, anyhow::Result<LoadedSession>>,
);

/// Starts the group's transaction: the received updates stored, its
/// updates' inbox rows locked (with their chats, on PostgreSQL), and their
/// patients' sessions loaded.
async fn open(
    database: &Database,
    group: &mut GroupWrites,
    update_ids: &[i64],
) -> anyhow::Result<Opened> {
    if database.backend == Backend::Sqlite {
        return open_sqlite(database, group, update_ids).await;
    }
    let mut tx = database.begin().await?;
    match lock_and_load(database, &mut tx, group, update_ids).await {
        Ok((rows, sessions)) => Ok((tx, rows, sessions)),
        Err(err) => {
            database.rollback(tx).await;
            Err(err)
        }
    }
}

/// `open`'s statements after BEGIN, on PostgreSQL.
async fn lock_and_load(
    database: &Database,
    tx: &mut GroupTx,
    group: &mut GroupWrites,
    update_ids: &[i64],
) -> anyhow::Result<(
    HashMap<i64, InboxRow>,
    HashMap<i64, anyhow::Result<LoadedSession>>,
)> {
    let mut stores = std::mem::take(&mut group.stores).into_iter();
    while let Some((updates, done)) = stores.next() {
        match insert_updates(tx, &updates).await {
            Ok(new) => group.stored.push((new, done)),
            Err(err) => {
                // Told why with the rest, when the group is abandoned.
                group.stores.push((updates, done));
                group.stores.extend(stores);
                return Err(err);
            }
        }
    }
    let rows = lock_updates(tx, update_ids).await?;
    let mut chats: Vec<i64> = rows
        .values()
        .filter(|row| !row.processed && !row.earlier_pending)
        .filter_map(|row| row.chat_id)
        .collect();
    chats.sort_unstable();
    chats.dedup();
    if !chats.is_empty() {
        // In one order everywhere, so that two replicas never wait on
        // each other.
        let sql = format!(
            "SELECT pg_advisory_xact_lock(c) FROM
                 (SELECT c FROM (VALUES {}) AS v(c) ORDER BY c) AS ordered",
            placeholder_rows(chats.len(), 1)
        );
        let mut lock = sqlx::query(&sql);
        for chat in &chats {
            lock = lock.bind(*chat);
        }
        lock.fetch_all(&mut **tx)
            .await
            .context("cannot lock the chats")?;
    }
    let patients: Vec<i64> = chats
        .into_iter()
        .filter_map(crate::chats::private)
        .collect();
    let sessions = if patients.is_empty() {
        HashMap::new()
    } else {
        super::load_sessions_each_in(tx, database.sealer.as_deref(), &patients).await?
    };
    Ok((rows, sessions))
}

/// `open` on SQLite, in one round trip to the database thread: a statement
/// whose text never changes (`OPEN_SQLITE`). It loads the sessions of every
/// patient with an update in the group, also those whose update turns out
/// to be processed already (a few rows more, now and then, rather than a
/// round trip more every time).
async fn open_sqlite(
    database: &Database,
    group: &mut GroupWrites,
    update_ids: &[i64],
) -> anyhow::Result<Opened> {
    let mut conn = database.connection().await?;
    let stores = std::mem::take(&mut group.stores);
    let stored_rows: Vec<(i64, Option<i64>, &str, i64)> = stores
        .iter()
        .flat_map(|(updates, _)| {
            updates.rows.iter().map(|(update_id, chat_id, sealed)| {
                (*update_id, *chat_id, sealed.as_str(), updates.received_at)
            })
        })
        .collect();
    let opened = async {
        // `fetch_many` is deprecated for a later sqlx, which will not run
        // several statements in one query; sqlx 0.8 (which teloxide pins)
        // runs them in turn, and the group's writes rely on it too. It is
        // the one call that says where each statement's rows end.
        #[allow(deprecated)]
        let results: Vec<_> = sqlx::query(&OPEN_SQLITE)
            .bind(super::unix_now() - ORDER_WINDOW_SECONDS)
            .bind(serde_json::to_string(&stored_rows)?)
            .bind(serde_json::to_string(update_ids)?)
            .fetch_many(&mut *conn)
            .try_collect()
            .await
            .context("cannot start the group's transaction")?;
        // Each statement's rows, then its result: BEGIN, the stored
        // updates' ids, the inbox rows, the sessions.
        let mut statement = 0;
        let mut new = std::collections::HashSet::new();
        let mut rows = HashMap::with_capacity(update_ids.len());
        let mut sessions = HashMap::new();
        for result in results {
            match result {
                sqlx::Either::Left(_) => statement += 1,
                sqlx::Either::Right(row) => match statement {
                    1 => {
                        new.insert(row.try_get::<i64, _>(0)?);
                    }
                    2 => {
                        let (update_id, inbox_row) = inbox_row(&row)?;
                        rows.insert(update_id, inbox_row);
                    }
                    3 => {
                        let (chat_id, loaded) =
                            super::session_of_row(&row, database.sealer.as_deref())?;
                        sessions.insert(chat_id, loaded);
                    }
                    _ => anyhow::bail!("a row from statement {statement} of the group's opening"),
                },
            }
        }
        anyhow::Ok((new, rows, sessions))
    }
    .await;
    let tx = GroupTx(Some(conn));
    let (mut new, rows, sessions) = match opened {
        Ok(opened) => opened,
        Err(err) => {
            database.rollback(tx).await;
            // Told why with the rest, when the group is abandoned.
            group.stores = stores;
            return Err(err);
        }
    };
    for (updates, done) in stores {
        // A duplicate of one store's update in another is new once.
        let new_here = updates
            .rows
            .iter()
            .map(|(update_id, _, _)| *update_id)
            .filter(|update_id| new.remove(update_id))
            .collect();
        group.stored.push((new_here, done));
    }
    Ok((tx, rows, sessions))
}

/// SQLite's opening of a group (`open_sqlite`): `$1` the start of the
/// order window, `$2` the updates to store `[[id, chat, sealed payload,
/// received at], …]`, `$3` the group's update ids `[id, …]`. It takes the
/// write lock up front (IMMEDIATE): a read transaction upgraded later
/// fails when another writer came in between.
static OPEN_SQLITE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "BEGIN IMMEDIATE;
         INSERT INTO inbox (update_id, chat_id, payload, received_at)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each($2) WHERE true
             ON CONFLICT (update_id) DO NOTHING RETURNING update_id;
         {INBOX_ROWS_SELECT} WHERE i.update_id IN (SELECT value FROM json_each($3));
         {} WHERE s.chat_id IN
             (SELECT chat_id FROM inbox WHERE update_id IN (SELECT value FROM json_each($3))
              AND chat_id > 0 -- a private chat: chats::ChatKind
             );",
        super::SESSIONS_SELECT
    )
});

/// Stores received updates (those stored before are left as they are);
/// returns the ids that were new.
pub(super) async fn insert_updates(
    conn: &mut sqlx::AnyConnection,
    updates: &StoredUpdates,
) -> anyhow::Result<Vec<i64>> {
    let mut new = Vec::with_capacity(updates.rows.len());
    for chunk in updates.rows.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO inbox (update_id, chat_id, payload, received_at) VALUES {}
             ON CONFLICT (update_id) DO NOTHING RETURNING update_id",
            placeholder_rows(chunk.len(), 4)
        );
        let mut insert = sqlx::query_scalar(&sql);
        for (update_id, chat_id, sealed) in chunk {
            insert = insert
                .bind(*update_id)
                .bind(*chat_id)
                .bind(sealed.as_str())
                .bind(updates.received_at);
        }
        let stored: Vec<i64> = insert
            .fetch_all(&mut *conn)
            .await
            .context("cannot store the updates")?;
        new.extend(stored);
    }
    Ok(new)
}

/// The inbox rows of a group's updates, each with whether an earlier
/// update of the same patient's chat, received since `$1`, is still
/// unprocessed (the statements add which updates).
const INBOX_ROWS_SELECT: &str = "SELECT i.update_id, i.processed_at, i.chat_id,
        (SELECT COUNT(*) FROM inbox e
         WHERE i.chat_id > 0 -- a private chat: chats::ChatKind
           AND e.chat_id = i.chat_id AND e.update_id < i.update_id
           AND e.processed_at IS NULL AND e.received_at >= $1) AS earlier
     FROM inbox i";

fn inbox_row(row: &sqlx::any::AnyRow) -> anyhow::Result<(i64, InboxRow)> {
    Ok((
        row.try_get("update_id")?,
        InboxRow {
            processed: row.try_get::<Option<i64>, _>("processed_at")?.is_some(),
            chat_id: row.try_get("chat_id")?,
            earlier_pending: row.try_get::<i64, _>("earlier")? > 0,
        },
    ))
}

/// The updates' inbox rows, locked (PostgreSQL).
async fn lock_updates(
    tx: &mut GroupTx,
    update_ids: &[i64],
) -> anyhow::Result<HashMap<i64, InboxRow>> {
    let mut found = HashMap::with_capacity(update_ids.len());
    if update_ids.is_empty() {
        return Ok(found);
    }
    let sql = lock_updates_sql(in_list(update_ids).len());
    let mut query = sqlx::query(&sql).bind(super::unix_now() - ORDER_WINDOW_SECONDS);
    for update_id in in_list(update_ids) {
        query = query.bind(update_id);
    }
    let rows = query
        .fetch_all(&mut **tx)
        .await
        .context("cannot read the inbox")?;
    for row in rows {
        let (update_id, inbox_row) = inbox_row(&row)?;
        found.insert(update_id, inbox_row);
    }
    Ok(found)
}

/// `lock_updates`' statement for `count` updates (`$1` the order window's
/// start, then the update ids).
fn lock_updates_sql(count: usize) -> String {
    format!(
        "{INBOX_ROWS_SELECT} WHERE i.update_id IN ({}) FOR UPDATE OF i",
        placeholder_list(2, count)
    )
}

/// The outbox's and the inbox's part of the group's writes on SQLite:
/// `$1` the time, `$5` the jobs `[[id, chat_id, lane, sealed job], …]`,
/// `$6` the updates processed and `$7` the jobs delivered (`[id, …]`).
const QUEUE_WRITES_SQLITE: &str = "
    INSERT INTO outbox (id, chat_id, lane, job, created_at)
        SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, $1 FROM json_each($5);
    UPDATE inbox SET processed_at = $1 WHERE update_id IN (SELECT value FROM json_each($6));
    DELETE FROM outbox WHERE id IN (SELECT value FROM json_each($7));";

/// The same for PostgreSQL, a statement each (`$1` the time where used,
/// then the rows), in this order, each left out when it has no rows.
/// A list of ids is compared as an array (`= ANY (ARRAY (…))`), not with
/// `IN (SELECT …)`: the planner takes a set-returning function for 100
/// rows and may join them by hashing the whole table (a sequential scan of
/// the inbox for each group), where an array is an index condition.
const QUEUE_WRITES_POSTGRES: [&str; 3] = [
    "INSERT INTO outbox (id, chat_id, lane, job, created_at)
     SELECT (v ->> 0)::bigint, (v ->> 1)::bigint, v ->> 2, v ->> 3, $1
     FROM jsonb_array_elements($2::jsonb) AS r(v)",
    "UPDATE inbox SET processed_at = $1 WHERE update_id = ANY (ARRAY
         (SELECT value::bigint FROM jsonb_array_elements_text($2::jsonb)))",
    "DELETE FROM outbox WHERE id = ANY (ARRAY
         (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb)))",
];

/// The group's writes and its commit on SQLite: one statement whose text
/// never changes (the rows are JSON parameters), prepared once, and one
/// round trip to the database thread for all of them. If one of them
/// fails, the ones after it (the COMMIT too) do not run.
static GROUP_WRITES_SQLITE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{}{}\n    COMMIT;",
        *super::SESSION_WRITES_SQLITE,
        QUEUE_WRITES_SQLITE
    )
});

/// The group's buffered writes and the commit; rolled back if they fail.
async fn write_and_commit(
    database: &Database,
    mut tx: GroupTx,
    group: &GroupWrites,
) -> anyhow::Result<()> {
    match write(database, &mut tx, group).await {
        Ok(Commit::Done) => {
            database.committed(tx);
            Ok(())
        }
        Ok(Commit::Due) => database.commit(tx).await,
        Err(err) => {
            database.rollback(tx).await;
            Err(err)
        }
    }
}

/// Whether the group's writes committed too.
enum Commit {
    Done,
    Due,
}

/// The group's buffered writes (on SQLite, with the commit).
async fn write(
    database: &Database,
    tx: &mut GroupTx,
    group: &GroupWrites,
) -> anyhow::Result<Commit> {
    let now = super::unix_now();
    let sessions: Vec<SessionWrite> = group
        .sessions
        .iter()
        .map(|(chat_id, (session, draft_row))| SessionWrite {
            chat_id: *chat_id,
            session,
            draft_row: *draft_row,
        })
        .collect();
    let session_rows = super::session_rows(database.sealer.as_deref(), &sessions)?;
    let jobs = group
        .jobs
        .iter()
        .map(|(id, chat_id, lane, job)| {
            let sealed = sealing::seal(database.sealer.as_deref(), sealing::OUTBOX_JOB, *id, job)?;
            Ok((*id, *chat_id, lane.as_str(), sealed))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let jobs = serde_json::to_string(&jobs)?;
    let processed = serde_json::to_string(&group.processed)?;
    let delivered = serde_json::to_string(&group.delivered)?;
    match database.backend {
        Backend::Sqlite => {
            sqlx::query(&GROUP_WRITES_SQLITE)
                .bind(now)
                .bind(session_rows.sessions)
                .bind(session_rows.drafts)
                .bind(session_rows.cleared_drafts)
                .bind(jobs)
                .bind(processed)
                .bind(delivered)
                .execute(&mut **tx)
                .await
                .context("cannot write and commit the group's sessions and messages")?;
            Ok(Commit::Done)
        }
        Backend::Postgres => {
            // A statement per table: as one statement's common table
            // expressions, the answers at a fixed rate came later
            // (docs/performance.md, session 8).
            let [sessions, drafts, cleared_drafts] = &*super::SESSION_WRITES_POSTGRES;
            let [queue, mark, clear] = QUEUE_WRITES_POSTGRES;
            let statements: [(&str, _, _); 6] = [
                (sessions, Some(now), session_rows.sessions),
                (drafts, Some(now), session_rows.drafts),
                (cleared_drafts, None, session_rows.cleared_drafts),
                (queue, Some(now), jobs),
                (mark, Some(now), processed),
                (clear, None, delivered),
            ];
            for (sql, time, rows) in statements {
                if rows == "[]" {
                    continue;
                }
                let mut statement = sqlx::query(sql);
                if let Some(time) = time {
                    statement = statement.bind(time);
                }
                statement
                    .bind(rows)
                    .execute(&mut **tx)
                    .await
                    .context("cannot write the group's sessions and messages")?;
            }
            Ok(Commit::Due)
        }
    }
}

/// Deletes delivered jobs in a statement of their own (no transaction).
async fn delete_delivered_alone(database: &Database, job_ids: &[i64]) -> anyhow::Result<()> {
    let mut conn = database.connection().await?;
    delete_delivered(&mut conn, job_ids).await?;
    database.keep(conn);
    Ok(())
}

async fn delete_delivered(conn: &mut sqlx::AnyConnection, job_ids: &[i64]) -> anyhow::Result<()> {
    super::delete_keys_in(conn, "outbox", "id", job_ids)
        .await
        .context("cannot clear the delivered jobs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// The plan PostgreSQL makes for `sql` with these values bound.
    async fn plan(conn: &mut sqlx::AnyConnection, sql: &str, binds: &[&str]) -> String {
        // The plan as text, a line a row (sqlx's `Any` reads no JSON).
        let explain_sql = format!("EXPLAIN {sql}");
        let mut explain = sqlx::query_scalar::<_, String>(&explain_sql);
        for value in binds {
            explain = match value.parse::<i64>() {
                Ok(number) => explain.bind(number),
                Err(_) => explain.bind(value.to_string()),
            };
        }
        explain.fetch_all(conn).await.expect("explain").join("\n")
    }

    /// Each group reads and writes a few rows of the inbox and the outbox
    /// by their ids, and asks whether a chat has an earlier update still
    /// waiting. Under load the tables grow faster than statistics follow
    /// (a server without autovacuum never has any): the group's statements
    /// must reach their rows through an index whatever the planner believes,
    /// never by scanning a table (a whole inbox per group, 4 ms at 30,000
    /// rows: the fixed-rate benchmark's p50 was 21 ms with it, 4 without).
    #[tokio::test]
    async fn postgres_group_statements_reach_their_rows_by_index() {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set TEST_DATABASE_URL so storage is tested on PostgreSQL"
            );
            return;
        };
        sqlx::any::install_default_drivers();
        let name = format!("nav_test_plans_{}", std::process::id());
        let mut admin = sqlx::AnyConnection::connect(&admin_url)
            .await
            .expect("admin");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create database");
        let mut url = url::Url::parse(&admin_url).expect("a URL");
        url.set_path(&name);
        let storage = crate::storage::Storage::connect(url.as_str())
            .await
            .expect("connect and migrate");
        let mut conn = storage.pool().acquire().await.expect("a connection");
        // 30,000 updates of 3,000 chats, all processed but the last, as
        // after a busy hour; jobs as many; never analysed. Small rows: the
        // planner weighs a sequential scan by the table's pages.
        sqlx::query(
            "INSERT INTO inbox (update_id, chat_id, payload, received_at, processed_at)
             SELECT n, 1000 + n % 3000, '{}', n, CASE WHEN n < 30000 THEN n END
             FROM generate_series(1, 30000) AS n",
        )
        .execute(&mut *conn)
        .await
        .expect("updates");
        sqlx::query(
            "INSERT INTO outbox (id, chat_id, lane, job, created_at)
             SELECT n * 64, 1000 + n % 3000, 'chat:' || (1000 + n % 3000), '{}', n
             FROM generate_series(1, 30000) AS n",
        )
        .execute(&mut *conn)
        .await
        .expect("jobs");
        let plans = [
            plan(&mut conn, &lock_updates_sql(1), &["0", "30000"]).await,
            plan(&mut conn, QUEUE_WRITES_POSTGRES[1], &["1", "[30000]"]).await,
            plan(&mut conn, QUEUE_WRITES_POSTGRES[2], &["[64, 128]"]).await,
            plan(
                &mut conn,
                &super::super::SESSION_WRITES_POSTGRES[2],
                &["[1000, 1001]"],
            )
            .await,
        ];
        drop(conn);
        storage.close().await;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .expect("drop database");
        // `inbox_pending`: its entries of rows processed since stay until
        // a vacuum.
        let scans = ["Seq Scan on inbox", "Seq Scan on outbox", "inbox_pending"];
        let wrong: Vec<&String> = plans
            .iter()
            .filter(|plan| scans.iter().any(|scan| plan.contains(scan)))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
