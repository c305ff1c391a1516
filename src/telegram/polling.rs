//! Durable long polling: every update is stored in the inbox before
//! Telegram is told it arrived (the next getUpdates' offset confirms it), and
//! updates stored but not processed before a crash are handed out again at
//! start. Duplicates (the same update_id twice) are dropped here; the
//! handlers' unit of work makes processing exactly-once.

use std::convert::Infallible;
use std::time::Duration;

use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use teloxide::payloads::GetUpdatesSetters;
use teloxide::prelude::*;
use teloxide::stop::{StopToken, mk_stop_token};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use tokio::sync::mpsc;

use crate::storage::Storage;

/// How long one getUpdates long poll waits for news.
const LONG_POLL_SECONDS: u32 = 10;

/// How often the inbox is searched for updates left behind.
const SWEEP_EVERY: Duration = Duration::from_secs(2);
/// An update unprocessed this long after it was stored is left behind.
const ORPHAN_AFTER: Duration = Duration::from_secs(5);
/// One handed out and still unprocessed is handed out again after this.
const SWEEP_AGAIN_AFTER: Duration = Duration::from_secs(60);

/// An update read back from the inbox, to be handed out again (logged; one
/// that cannot be read is logged and skipped).
pub(crate) async fn stored_update(
    storage: &Storage,
    update_id: i64,
    payload: &str,
) -> Option<Update> {
    match serde_json::from_str::<Update>(payload) {
        Ok(update) => {
            tracing::info!(update_id, "handing out a stored update not processed yet");
            Some(update)
        }
        Err(err) => {
            // Never readable by this version: set aside at once, so that it
            // is neither handed out at every sweep nor in the sweep's way.
            tracing::error!(update_id, error = %err, "a stored update cannot be read; set aside");
            let why = format!("cannot be read as an update: {err}");
            if let Err(err) = storage.set_aside(update_id, &why).await {
                tracing::error!(
                    update_id,
                    error = format!("{err:#}"),
                    "cannot set the update aside"
                );
            }
            None
        }
    }
}

/// Hands out again updates stored but left unprocessed: by a replica that
/// stopped (replicas behind one webhook URL share the database), or
/// deferred behind an earlier update of their chat, or whose handling
/// failed. Oldest first, so a chat's updates come in order; the unit of
/// work makes a second attempt harmless. Ends when `hand_out` refuses.
pub(crate) async fn sweep_orphans<F, Fut>(storage: Storage, mut hand_out: F)
where
    F: FnMut(Update) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let mut handed: std::collections::HashMap<i64, tokio::time::Instant> = Default::default();
    loop {
        tokio::time::sleep(SWEEP_EVERY).await;
        let now = tokio::time::Instant::now();
        handed.retain(|_, at| now.duration_since(*at) < SWEEP_AGAIN_AFTER);
        let received_before = crate::storage::unix_now() - ORPHAN_AFTER.as_secs() as i64;
        let orphans = match storage.stale_updates(received_before, 100).await {
            Ok(orphans) => orphans,
            Err(err) => {
                tracing::warn!(
                    error = format!("{err:#}"),
                    "cannot look for updates left behind"
                );
                continue;
            }
        };
        for (update_id, payload) in orphans {
            if handed.contains_key(&update_id) {
                continue;
            }
            handed.insert(update_id, now);
            let Some(update) = stored_update(&storage, update_id, &payload).await else {
                continue;
            };
            if !hand_out(update).await {
                return;
            }
        }
    }
}

/// Feeds the dispatcher from background tasks that receive updates (the
/// durable poller, or the webhook server) through a channel.
pub struct ChannelListener {
    updates: mpsc::Receiver<Update>,
    stop: StopToken,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl ChannelListener {
    pub fn new(
        updates: mpsc::Receiver<Update>,
        stop: StopToken,
        tasks: Vec<tokio::task::JoinHandle<()>>,
    ) -> Self {
        ChannelListener {
            updates,
            stop,
            tasks,
        }
    }
}

impl Drop for ChannelListener {
    /// A dropped listener (a crash, a kill) leaves no receiver behind: one
    /// still confirming updates nobody handles would lose them.
    fn drop(&mut self) {
        self.stop.stop();
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl<'a> AsUpdateStream<'a> for ChannelListener {
    type StreamErr = Infallible;
    type Stream = BoxStream<'a, Result<Update, Infallible>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        futures::stream::poll_fn(move |cx| self.updates.poll_recv(cx))
            .map(Ok)
            .boxed()
    }
}

impl UpdateListener for ChannelListener {
    type Err = Infallible;

    fn stop_token(&mut self) -> StopToken {
        self.stop.clone()
    }
}

/// The durable long poller.
pub struct DurablePolling;

impl DurablePolling {
    /// Starts polling in the background. Stopping the returned listener
    /// (the dispatcher does on shutdown) ends the poller after its current
    /// long poll; updates it has stored but not handed out stay in the inbox.
    pub async fn start(bot: Bot, storage: Storage) -> anyhow::Result<ChannelListener> {
        bot.delete_webhook().await?;
        let replay = storage.unprocessed_updates().await?;
        let mut offset = storage.last_update_id().await?.map_or(0, |last| last + 1);
        let (stop, flag) = mk_stop_token();
        let (sender, updates) = mpsc::channel(256);
        // A weak sender: the stream still ends when the poller stops.
        let weak = sender.downgrade();
        let sweep_storage = storage.clone();
        let replay_storage = storage.clone();
        let poller = tokio::spawn(async move {
            let mut flag = flag.fuse();
            for (update_id, payload) in &replay {
                let Some(update) = stored_update(&replay_storage, *update_id, payload).await else {
                    continue;
                };
                if sender.send(update).await.is_err() {
                    return;
                }
            }
            let mut failures = 0u32;
            loop {
                let poll = bot
                    .get_updates()
                    .offset(offset as i32)
                    .allowed_updates(super::webhook::ALLOWED_UPDATES.to_vec())
                    .timeout(LONG_POLL_SECONDS);
                let batch = futures::select! {
                    _ = flag => return,
                    batch = poll.into_future().fuse() => batch,
                };
                let updates = match batch {
                    Ok(updates) => {
                        failures = 0;
                        updates
                    }
                    Err(err) => {
                        crate::telemetry::telegram_error(&err);
                        failures += 1;
                        let wait = poll_backoff(&err, failures);
                        tracing::warn!(error = %err, wait_ms = wait.as_millis() as u64, "getUpdates failed");
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                };
                let mut readable = Vec::with_capacity(updates.len());
                for update in updates {
                    let update_id = i64::from(update.id.0);
                    offset = offset.max(update_id + 1);
                    if let teloxide::types::UpdateKind::Error(_) = update.kind {
                        // teloxide cannot read it (a kind newer than it, or a
                        // malformed one): nothing could handle it; not kept.
                        tracing::warn!(update_id, "an update teloxide cannot read was skipped");
                        continue;
                    }
                    readable.push(update);
                }
                let rows: Result<Vec<_>, serde_json::Error> = readable
                    .iter()
                    .map(|update| {
                        let chat_id = update.chat().map(|chat| chat.id.0);
                        Ok((
                            i64::from(update.id.0),
                            chat_id,
                            serde_json::to_string(update)?,
                        ))
                    })
                    .collect();
                // One statement for the whole batch: each is a round trip.
                let stored = match rows {
                    Ok(rows) => storage.stage_updates(&rows).await,
                    Err(err) => Err(err.into()),
                };
                match stored {
                    Ok(staged) => {
                        let first = readable.first().map(|update| i64::from(update.id.0));
                        for update in readable {
                            let update_id = i64::from(update.id.0);
                            if !staged.new.contains(&update_id) {
                                tracing::debug!(update_id, "duplicate update dropped");
                                continue;
                            }
                            if sender.send(update).await.is_err() {
                                return;
                            }
                        }
                        // Worked on already; on disk before the next poll
                        // confirms them.
                        if let Err(err) = storage.staged_on_disk(staged).await {
                            // Not confirmed: fetched again, and then not
                            // worked twice (dropped, or skipped at their turn,
                            // as stored before; or stored now, if they were lost).
                            tracing::error!(
                                error = format!("{err:#}"),
                                "cannot make sure updates are on disk; will fetch them again"
                            );
                            if let Some(first) = first {
                                offset = offset.min(first);
                            }
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                    Err(err) => {
                        // Not confirmed: Telegram sends them again on the next poll.
                        tracing::error!(
                            error = format!("{err:#}"),
                            "cannot store updates; will fetch them again"
                        );
                        if let Some(first) = readable.first() {
                            offset = offset.min(i64::from(first.id.0));
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        let sweep = tokio::spawn(sweep_orphans(sweep_storage, move |update| {
            let sender = weak.upgrade();
            async move {
                match sender {
                    Some(sender) => sender.send(update).await.is_ok(),
                    None => false,
                }
            }
        }));
        Ok(ChannelListener::new(updates, stop, vec![poller, sweep]))
    }
}

/// How long to wait after a failed `getUpdates`: what Telegram asked for
/// after a 429 (at least), else a backoff that grows with the failures.
fn poll_backoff(err: &teloxide::RequestError, failures: u32) -> Duration {
    let backoff = Duration::from_millis(250 * 2u64.pow(failures.min(6)));
    match err {
        teloxide::RequestError::RetryAfter(after) => after.duration().max(backoff),
        _ => backoff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_on_get_updates_waits_as_long_as_telegram_asked() {
        let retry = teloxide::RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(5));
        assert_eq!(poll_backoff(&retry, 1), Duration::from_secs(5));
        let network = teloxide::RequestError::Io(std::io::Error::other("reset").into());
        assert_eq!(poll_backoff(&network, 1), Duration::from_millis(500));
        assert_eq!(poll_backoff(&network, 20), Duration::from_millis(16_000));
    }
}
