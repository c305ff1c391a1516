//! The outbox sender: delivers what the handlers queued, in order per chat,
//! within Telegram's limits (about 1 message a second per chat with short
//! bursts, 20 a minute per group, 30 a second overall). A 429's
//! `retry_after` is obeyed, 5xx and network errors are retried with backoff,
//! a 403 stops delivery to that patient and closes their case.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use teloxide::RequestError;
use teloxide::prelude::*;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::coordinators;
use super::delivery;
use super::{Shell, set_chat_commands};
use crate::intake::CaseRef;
use crate::reply::Reply;

/// Something to send, waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// A message (or an edit) for the patient.
    Reply {
        reply: Reply,
    },
    /// Stop a button's spinner, with an optional notice.
    AnswerCallback {
        query_id: String,
        text: Option<String>,
        /// A notice the coordinator must dismiss (e.g. "already taken").
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        show_alert: bool,
    },
    /// Show a case's card as the case now stands.
    RefreshCard {
        case: i64,
    },
    /// A note from the bot in a case's topic (Telegram HTML).
    TopicNote {
        case: i64,
        html: String,
    },
    /// Close a case's topic (it reopens when someone posts there).
    CloseTopic {
        case: i64,
    },
    /// Show the patient the command menu in their language.
    ChatCommands {
        locale: String,
    },
    /// Put a new case in the coordinators' queue.
    Enqueue {
        case: i64,
    },
    /// The patient reopened their case.
    Reopened {
        case: i64,
    },
    Rated {
        case: i64,
        stars: u8,
    },
    /// Copy the patient's message (update `update_id`) to their case's topic.
    Relay {
        update_id: i64,
    },
    /// Apply the patient's edit (update `update_id`) to the topic's copy.
    RelayEdit {
        update_id: i64,
    },
    /// A file made by the bot (the patient's data export).
    Document {
        name: String,
        content: String,
    },
    /// The patient erased their data: tell the case's topic, delete the
    /// topic's copies of their messages, close the topic.
    ErasureNotice {
        case: i64,
        thread_id: Option<i64>,
        copies: Vec<i64>,
    },
}

impl Job {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("jobs serialize")
    }

    /// Whether Telegram counts it against the message rate limits.
    fn is_message(&self) -> bool {
        matches!(self, Job::Reply { reply } if reply.placement == crate::reply::Placement::New)
            || matches!(
                self,
                Job::Relay { .. } | Job::Document { .. } | Job::TopicNote { .. }
            )
    }
}

/// Retries before a job is given up (logged, never silently).
const MAX_ATTEMPTS: i64 = 8;

/// How long a replica holds a job it is sending (PostgreSQL; after a crash
/// another replica sends it once the lease ends).
const CLAIM_LEASE_MS: i64 = 30_000;

/// What happened to one job.
enum Done {
    Sent,
    /// Try again after this long.
    Later(Duration),
    /// Give up on it (logged).
    Drop(String),
}

/// Sliding-window limits, per chat and overall: (messages, window).
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub per_private_chat: (usize, Duration),
    pub per_group: (usize, Duration),
    pub overall: (usize, Duration),
}

impl RateLimits {
    /// No pacing: for the local emulator (tests, previews, benchmarks).
    pub fn unlimited() -> RateLimits {
        let lots = (usize::MAX, Duration::from_secs(1));
        RateLimits {
            per_private_chat: lots,
            per_group: lots,
            overall: lots,
        }
    }
}

impl Default for RateLimits {
    /// Telegram's documented limits, with a short burst allowed per chat.
    fn default() -> Self {
        RateLimits {
            per_private_chat: (3, Duration::from_secs(2)),
            per_group: (20, Duration::from_secs(60)),
            overall: (30, Duration::from_secs(1)),
        }
    }
}

/// Remembers recent sends to keep within the limits.
pub struct Limiter {
    limits: RateLimits,
    per_chat: HashMap<i64, VecDeque<Instant>>,
    overall: VecDeque<Instant>,
}

impl Limiter {
    pub fn new(limits: RateLimits) -> Limiter {
        Limiter {
            limits,
            per_chat: HashMap::new(),
            overall: VecDeque::new(),
        }
    }

    /// How long to wait before a message to `chat_id` may go (zero: now);
    /// records the send when it may go now.
    pub fn reserve(&mut self, chat_id: i64, now: Instant) -> Duration {
        let (limit, window) = if chat_id < 0 {
            self.limits.per_group
        } else {
            self.limits.per_private_chat
        };
        let chat = self.per_chat.entry(chat_id).or_default();
        let wait = wait_in_window(chat, limit, window, now).max(wait_in_window(
            &mut self.overall,
            self.limits.overall.0,
            self.limits.overall.1,
            now,
        ));
        if wait.is_zero() {
            chat.push_back(now);
            self.overall.push_back(now);
        }
        wait
    }
}

fn wait_in_window(
    sent: &mut VecDeque<Instant>,
    limit: usize,
    window: Duration,
    now: Instant,
) -> Duration {
    while sent
        .front()
        .is_some_and(|at| now.duration_since(*at) >= window)
    {
        sent.pop_front();
    }
    if sent.len() < limit {
        Duration::ZERO
    } else {
        window - now.duration_since(sent[sent.len() - limit])
    }
}

/// Jobs read from the outbox at a time.
const READ_AT_ONCE: i64 = 500;
/// Chats served at once (each holds an HTTP connection and its buffers).
const CHATS_AT_ONCE: usize = 100;

/// Delivers the outbox until `stop`, then keeps draining for at most `drain`.
/// Chats are served at once, each in order: a chat whose jobs are being
/// sent is not read again until they are done, and a chat that finishes
/// does not wait for the others (one slow chat holds back only itself).
pub async fn run(
    bot: Bot,
    shell: Arc<Shell>,
    wake: Arc<Notify>,
    stop: CancellationToken,
    drain: Duration,
) {
    let mut limiter = Limiter::new(shell.limits);
    let mut deadline: Option<tokio::time::Instant> = None;
    // Tasks of their own: a chat's work may wait for the database, which
    // must not wait in turn for this loop.
    let mut chats: JoinSet<()> = JoinSet::new();
    // The chats being sent to, by task.
    let mut sending: HashMap<tokio::task::Id, i64> = HashMap::new();
    loop {
        if deadline.is_none() && stop.is_cancelled() {
            deadline = Some(tokio::time::Instant::now() + drain);
        }
        let now_ms = crate::storage::unix_now_ms();
        let room = CHATS_AT_ONCE.saturating_sub(sending.len());
        let busy: Vec<i64> = sending.values().copied().collect();
        let jobs = match room {
            0 => Vec::new(), // read again when a chat is done
            _ => match shell.storage.due_jobs(now_ms, READ_AT_ONCE, &busy).await {
                Ok(jobs) => jobs,
                Err(err) => {
                    tracing::error!(error = %err, "cannot read the outbox");
                    Vec::new()
                }
            },
        };
        if jobs.is_empty() && chats.is_empty() && deadline.is_some() {
            return; // drained
        }
        if deadline.is_some_and(|at| tokio::time::Instant::now() >= at) {
            tracing::warn!(
                "shutting down with messages still in the outbox; they are sent at the next start"
            );
            return;
        }
        for (chat_id, queue) in paced_by_chat(&shell, &mut limiter, jobs, room) {
            let (bot, shell) = (bot.clone(), shell.clone());
            let task = chats.spawn(async move { run_chat(&bot, &shell, queue).await });
            sending.insert(task.id(), chat_id);
        }
        tokio::select! {
            Some(done) = chats.join_next_with_id(), if !chats.is_empty() => {
                // Every chat done meanwhile, before the next read.
                let mut done = Some(done);
                while let Some(result) = done {
                    let task = match result {
                        Ok((task, ())) => task,
                        Err(err) => {
                            tracing::error!(error = %err, "a chat's delivery stopped");
                            err.id()
                        }
                    };
                    sending.remove(&task);
                    done = chats.try_join_next_with_id();
                }
            }
            _ = wake.notified() => {}
            _ = stop.cancelled(), if deadline.is_none() => {}
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}

type PacedJob = (
    crate::storage::OutboxJob,
    Result<Job, serde_json::Error>,
    Duration,
);

/// The jobs of the first `chats` chats, by chat, in order, each with how
/// long the limits make it wait (the other chats' jobs are read again).
fn paced_by_chat(
    shell: &Shell,
    limiter: &mut Limiter,
    jobs: Vec<crate::storage::OutboxJob>,
    chats: usize,
) -> Vec<(i64, Vec<PacedJob>)> {
    let mut by_chat: Vec<(i64, Vec<PacedJob>)> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    for job in jobs {
        if !index.contains_key(&job.chat_id) && index.len() >= chats {
            continue;
        }
        let parsed: Result<Job, _> = serde_json::from_str(&job.job);
        let wait = match &parsed {
            Ok(parsed) if parsed.is_message() => {
                // A relay is a message in the coordinators' group.
                let target = match parsed {
                    Job::Relay { .. } => {
                        shell.coordinator_chat.map_or(job.chat_id, |group| group.0)
                    }
                    _ => job.chat_id,
                };
                limiter.reserve(target, Instant::now())
            }
            _ => Duration::ZERO,
        };
        let slot = *index.entry(job.chat_id).or_insert_with(|| {
            by_chat.push((job.chat_id, Vec::new()));
            by_chat.len() - 1
        });
        by_chat[slot].1.push((job, parsed, wait));
    }
    by_chat
}

async fn run_chat(bot: &Bot, shell: &Shell, jobs: Vec<PacedJob>) {
    for (stored, parsed, wait) in jobs {
        let now_ms = crate::storage::unix_now_ms();
        match shell
            .storage
            .claim_job(stored.id, now_ms, CLAIM_LEASE_MS)
            .await
        {
            Ok(true) => {}
            Ok(false) => break, // another replica sends this chat's messages now
            Err(err) => {
                tracing::error!(error = %err, "cannot claim a job");
                break;
            }
        }
        let done = match parsed {
            Err(err) => Done::Drop(format!("unreadable job: {err}")),
            Ok(_) if !wait.is_zero() => Done::Later(wait),
            Ok(job) => execute(bot, shell, stored.chat_id, &job).await,
        };
        let now_ms = crate::storage::unix_now_ms();
        let in_order = matches!(done, Done::Sent | Done::Drop(_));
        let result = match done {
            Done::Sent => shell.storage.finish_job(stored.id).await,
            Done::Later(_) | Done::Drop(_) if stored.attempts + 1 >= MAX_ATTEMPTS => {
                tracing::error!(
                    chat_id = stored.chat_id,
                    job = stored.id,
                    "a message was given up after {MAX_ATTEMPTS} attempts"
                );
                shell.storage.finish_job(stored.id).await
            }
            Done::Later(wait) => {
                shell
                    .storage
                    .retry_job(stored.id, now_ms + wait.as_millis() as i64)
                    .await
            }
            Done::Drop(reason) => {
                tracing::error!(chat_id = stored.chat_id, job = stored.id, %reason, "a message could not be delivered");
                shell.storage.finish_job(stored.id).await
            }
        };
        if let Err(err) = &result {
            tracing::error!(error = %err, "cannot update the outbox");
        }
        // After a delay, the rest of this chat waits for the next pass, in order.
        if !in_order || result.is_err() {
            break;
        }
    }
}

/// Runs a job at once, outside the outbox, with a few bounded retries.
pub(crate) async fn execute_now(bot: &Bot, shell: &Shell, chat_id: i64, job: &Job) {
    for _ in 0..NOW_ATTEMPTS {
        match execute(bot, shell, chat_id, job).await {
            Done::Sent => return,
            Done::Later(wait) => tokio::time::sleep(wait.min(NOW_LONGEST_WAIT)).await,
            Done::Drop(reason) => {
                tracing::warn!(chat_id, %reason, "a message sent at once was dropped");
                return;
            }
        }
    }
    tracing::warn!(chat_id, "a message sent at once kept failing; given up");
}

/// Tries of a job run at once, and the longest wait between them.
const NOW_ATTEMPTS: usize = 4;
const NOW_LONGEST_WAIT: Duration = Duration::from_secs(5);

async fn execute(bot: &Bot, shell: &Shell, chat_id: i64, job: &Job) -> Done {
    let chat = ChatId(chat_id);
    match job {
        Job::Reply { reply } => match delivery::deliver_once(bot, chat, reply).await {
            Ok(()) => Done::Sent,
            Err(err) if delivery::is_permanent_refusal(&err) => {
                patient_unreachable(bot, shell, chat_id).await;
                Done::Drop("the patient blocked the bot".to_owned())
            }
            Err(err) => failed(&err),
        },
        Job::AnswerCallback {
            query_id,
            text,
            show_alert,
        } => {
            use teloxide::payloads::AnswerCallbackQuerySetters;
            let mut request =
                bot.answer_callback_query(teloxide::types::CallbackQueryId(query_id.clone()));
            if let Some(text) = text {
                request = request.text(text);
            }
            if *show_alert {
                request = request.show_alert(true);
            }
            match request.await {
                Ok(_) => Done::Sent,
                // Too old: the spinner has stopped by itself; nothing to retry.
                Err(RequestError::Api(_)) => Done::Sent,
                Err(err) => failed(&err),
            }
        }
        Job::ChatCommands { locale } => {
            let content = shell.content.get();
            if let Some(locale) = content.catalog.find(locale) {
                set_chat_commands(bot, &content, chat, locale).await;
            }
            Done::Sent
        }
        Job::Enqueue { case } => {
            from_anyhow(coordinators::enqueue(bot, shell, CaseRef(*case)).await)
        }
        Job::Reopened { case } => {
            from_anyhow(coordinators::reopened(bot, shell, CaseRef(*case)).await)
        }
        Job::Rated { case, stars } => {
            from_anyhow(coordinators::rated(bot, shell, CaseRef(*case), *stars).await)
        }
        Job::Relay { update_id } => {
            from_anyhow(coordinators::relay_update(bot, shell, chat_id, *update_id, false).await)
        }
        Job::RelayEdit { update_id } => {
            from_anyhow(coordinators::relay_update(bot, shell, chat_id, *update_id, true).await)
        }
        Job::Document { name, content } => {
            let file = teloxide::types::InputFile::memory(content.clone().into_bytes())
                .file_name(name.clone());
            match bot.send_document(chat, file).await {
                Ok(_) => Done::Sent,
                Err(err) if delivery::is_permanent_refusal(&err) => {
                    patient_unreachable(bot, shell, chat_id).await;
                    Done::Drop("the patient blocked the bot".to_owned())
                }
                Err(err) => failed(&err),
            }
        }
        Job::RefreshCard { case } => {
            coordinators::refresh_card(bot, shell, CaseRef(*case)).await;
            Done::Sent
        }
        Job::TopicNote { case, html } => {
            from_anyhow(coordinators::note_in_topic(bot, shell, CaseRef(*case), html.clone()).await)
        }
        Job::CloseTopic { case } => {
            coordinators::close_topic(bot, shell, CaseRef(*case)).await;
            Done::Sent
        }
        Job::ErasureNotice {
            case,
            thread_id,
            copies,
        } => from_anyhow(
            coordinators::erasure_notice(bot, shell, CaseRef(*case), *thread_id, copies).await,
        ),
    }
}

async fn patient_unreachable(bot: &Bot, shell: &Shell, chat_id: i64) {
    if let Err(err) = shell.storage.set_blocked(chat_id, true).await {
        tracing::error!(chat_id, error = %err, "cannot record the blocked state");
    }
    if let Err(err) = coordinators::patient_blocked(bot, shell, chat_id).await {
        tracing::error!(chat_id, error = %err, "cannot tell the coordinators about a blocked patient");
    }
}

/// A direct call failed: counted, then classified.
fn failed(err: &RequestError) -> Done {
    crate::telemetry::telegram_error(err);
    classify(err)
}

/// Errors from helpers that retried (and counted) already.
fn classify(err: &RequestError) -> Done {
    match err {
        RequestError::RetryAfter(after) => Done::Later(after.duration()),
        err if delivery::is_transient(err) => Done::Later(Duration::from_secs(2)),
        other => Done::Drop(other.to_string()),
    }
}

fn from_anyhow(result: anyhow::Result<()>) -> Done {
    match result {
        Ok(()) => Done::Sent,
        Err(err) => match err.downcast_ref::<RequestError>() {
            Some(request) => classify(request),
            None => Done::Later(Duration::from_secs(2)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_gets_a_short_burst_then_waits() {
        let mut limiter = Limiter::new(RateLimits::default());
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.reserve(42, start), Duration::ZERO);
        }
        let wait = limiter.reserve(42, start);
        assert_eq!(wait, Duration::from_secs(2));
        assert_eq!(
            limiter.reserve(42, start + Duration::from_secs(2)),
            Duration::ZERO
        );
        assert_eq!(
            limiter.reserve(7, start),
            Duration::ZERO,
            "other chats are not held up"
        );
    }

    #[test]
    fn groups_get_twenty_a_minute_and_everyone_thirty_a_second() {
        let mut limiter = Limiter::new(RateLimits::default());
        let start = Instant::now();
        for i in 0..20 {
            assert_eq!(
                limiter.reserve(-100, start + Duration::from_millis(i * 60)),
                Duration::ZERO
            );
        }
        assert!(limiter.reserve(-100, start + Duration::from_secs(2)) > Duration::from_secs(50));
        let mut limiter = Limiter::new(RateLimits::default());
        for chat in 0..30 {
            assert_eq!(limiter.reserve(chat, start), Duration::ZERO);
        }
        assert_eq!(limiter.reserve(99, start), Duration::from_secs(1));
    }

    #[test]
    fn jobs_round_trip_through_json() {
        let job = Job::Relay { update_id: 7 };
        assert_eq!(serde_json::from_str::<Job>(&job.to_json()).unwrap(), job);
    }
}
