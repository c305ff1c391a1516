//! The outbox sender: delivers what the handlers queued, in order per
//! lane (a patient's chat, a case's topic, a case's card), within
//! Telegram's limits (see `pacing`). Waiting is never failing: our own
//! pacing and Telegram's 429s are waited out without touching the job, 5xx
//! and network errors are retried with backoff for as long as they last
//! (a job failing for an hour is *held*: shown in `/queue`, `navigator
//! doctor` and `/metrics`, still retried). Only a refusal that no retry can
//! change (a 403, a 400) ends a job undelivered, recorded with its reason;
//! a 403 from a patient also closes their case.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use teloxide::RequestError;
use teloxide::prelude::*;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::coordinators;
use super::delivery::{self, JobError};
use super::pacing::{Destination, Priority, Spend, Turn};
use super::{Shell, set_chat_commands};
use crate::intake::CaseRef;
use crate::reply::Reply;
use crate::storage::{ErasedTopic, OutboxJob, Undelivered, Work, job_update};

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
        case: CaseRef,
    },
    /// A note from the bot in a case's topic (Telegram HTML).
    TopicNote {
        case: CaseRef,
        html: String,
    },
    /// Close a case's topic (it reopens when someone posts there).
    CloseTopic {
        case: CaseRef,
    },
    /// Show the patient the command menu in their language.
    ChatCommands {
        locale: String,
    },
    /// Put a new case in the coordinators' queue.
    Enqueue {
        case: CaseRef,
    },
    /// The patient reopened their case.
    Reopened {
        case: CaseRef,
    },
    Rated {
        case: CaseRef,
        stars: u8,
    },
    /// Copy the patient's message (update `update_id`) to their case's topic.
    Relay {
        update_id: i64,
        /// The case whose topic it goes to (its lane); `None` in jobs
        /// queued before lanes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case: Option<CaseRef>,
    },
    /// Apply the patient's edit (update `update_id`) to the topic's copy.
    RelayEdit {
        update_id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case: Option<CaseRef>,
    },
    /// A coordinator's message (update `update_id`, in the case's topic),
    /// copied to the patient; in the patient's lane, after the notices of
    /// the change it made (writing takes a waiting case).
    ToPatient {
        update_id: i64,
        case: CaseRef,
    },
    /// A coordinator's edit (update `update_id`) of a message the patient
    /// has a copy of; after that copy, in the patient's lane.
    EditToPatient {
        update_id: i64,
        case: CaseRef,
    },
    /// A coordinator's ready reply (see `handoff::replies`), in the
    /// patient's language; in the patient's lane, after the notices of the
    /// change it made (sending takes a waiting case).
    ReadyReply {
        case: CaseRef,
        html: String,
        /// What stands for it in the topic (see `coordinators::ready_reply`).
        key: i64,
    },
    /// A reminder about a forgotten case, in its group's General topic
    /// (see `handoff::escalation`); the second, for everyone, with sound.
    Reminder {
        case: CaseRef,
        html: String,
        loud: bool,
    },
    /// A file made by the bot (the patient's data export).
    Document {
        name: String,
        content: String,
    },
    /// Erased cases' topics, deleted with everything in them (see
    /// `coordinators::erase_topics`). In the lane of the patient's latest
    /// case, behind a topic that may still be being made for it.
    EraseTopics {
        /// The lane's case; `None` when the patient had no case.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        case: Option<CaseRef>,
        topics: Vec<ErasedTopic>,
        cause: ErasureCause,
    },
    /// Queued before topics were deleted whole: done as `EraseTopics`.
    ErasureNotice {
        case: CaseRef,
        /// The case's group (`None` in jobs queued before teams: the default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<i64>,
        thread_id: Option<i64>,
        #[serde(default)]
        copies: Vec<i64>,
    },
    /// The case moved to another team: a note in its old topic, which closes.
    MovedOut {
        case: CaseRef,
        group: i64,
        thread_id: Option<i64>,
        html: String,
    },
    /// The last messages of the case's old topic, copied into its new one.
    History {
        case: CaseRef,
        from_group: i64,
        messages: Vec<i64>,
    },
}

/// Why cases were erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureCause {
    /// The patient asked (/delete): the coordinators are told.
    Patient,
    /// The retention period passed.
    Retention,
}

impl Job {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("jobs serialize")
    }
}

/// Where a job's order is kept. Jobs of one lane go one after another, in
/// the order they were queued; lanes do not wait for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lane {
    /// A private chat: a patient's screens, or a coordinator's presses.
    Chat(i64),
    /// A case's topic: its opening, the patient's messages, the notes.
    Topic(CaseRef),
    /// A case's card, redrawn (only its last state matters).
    Card(CaseRef),
}

impl Lane {
    /// Lanes into the coordinators' group share its budget.
    pub fn is_group(self) -> bool {
        !matches!(self, Lane::Chat(_))
    }
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lane::Chat(chat) => write!(f, "chat:{chat}"),
            Lane::Topic(case) => write!(f, "topic:{}", case.0),
            Lane::Card(case) => write!(f, "card:{}", case.0),
        }
    }
}

impl FromStr for Lane {
    type Err = String;

    fn from_str(text: &str) -> Result<Lane, String> {
        let (kind, id) = text
            .split_once(':')
            .ok_or_else(|| format!("not a lane: {text:?}"))?;
        let id: i64 = id.parse().map_err(|_| format!("not a lane: {text:?}"))?;
        match kind {
            "chat" => Ok(Lane::Chat(id)),
            "topic" => Ok(Lane::Topic(CaseRef(id))),
            "card" => Ok(Lane::Card(CaseRef(id))),
            _ => Err(format!("not a lane: {text:?}")),
        }
    }
}

impl Job {
    /// The lane of a job queued for `chat_id`.
    pub fn lane(&self, chat_id: i64) -> Lane {
        match self {
            Job::Reply { .. }
            | Job::EraseTopics { case: None, .. }
            | Job::AnswerCallback { .. }
            | Job::ChatCommands { .. }
            | Job::ToPatient { .. }
            | Job::EditToPatient { .. }
            | Job::ReadyReply { .. }
            | Job::Document { .. } => Lane::Chat(chat_id),
            Job::RefreshCard { case } => Lane::Card(*case),
            Job::TopicNote { case, .. }
            | Job::CloseTopic { case }
            | Job::Enqueue { case }
            | Job::Reopened { case }
            | Job::Rated { case, .. }
            | Job::ErasureNotice { case, .. }
            | Job::MovedOut { case, .. }
            | Job::Reminder { case, .. }
            | Job::History { case, .. } => Lane::Topic(*case),
            // Its case comes from the storage's erased topics, as a number.
            Job::EraseTopics {
                case: Some(case), ..
            } => Lane::Topic(*case),
            Job::Relay { case, .. } | Job::RelayEdit { case, .. } => match case {
                Some(case) => Lane::Topic(*case),
                // Queued before lanes: kept in its chat's order.
                None => Lane::Chat(chat_id),
            },
        }
    }

    /// How urgent it is where the group's budget is short.
    fn priority(&self) -> Priority {
        match self {
            Job::Enqueue { .. } | Job::Reopened { .. } => Priority::First,
            Job::Relay { .. } | Job::RelayEdit { .. } | Job::History { .. } => {
                Priority::PatientMessage
            }
            Job::TopicNote { .. }
            | Job::Reminder { .. }
            | Job::MovedOut { .. }
            | Job::CloseTopic { .. }
            | Job::Rated { .. }
            | Job::ErasureNotice { .. }
            | Job::EraseTopics { .. } => Priority::Note,
            Job::RefreshCard { .. } => Priority::Card,
            Job::Reply { .. }
            | Job::AnswerCallback { .. }
            | Job::ChatCommands { .. }
            | Job::ToPatient { .. }
            | Job::EditToPatient { .. }
            | Job::ReadyReply { .. }
            | Job::Document { .. } => Priority::First,
        }
    }

    /// Its kind, for the record of what was not delivered (never its content).
    fn kind(&self) -> &'static str {
        match self {
            Job::Reply { .. } => "reply",
            Job::AnswerCallback { .. } => "answer_callback",
            Job::RefreshCard { .. } => "refresh_card",
            Job::TopicNote { .. } => "topic_note",
            Job::CloseTopic { .. } => "close_topic",
            Job::ChatCommands { .. } => "chat_commands",
            Job::Enqueue { .. } => "enqueue",
            Job::Reopened { .. } => "reopened",
            Job::Rated { .. } => "rated",
            Job::Relay { .. } => "relay",
            Job::ToPatient { .. } => "to_patient",
            Job::EditToPatient { .. } => "edit_to_patient",
            Job::ReadyReply { .. } => "ready_reply",
            Job::Reminder { .. } => "reminder",
            Job::RelayEdit { .. } => "relay_edit",
            Job::Document { .. } => "document",
            Job::ErasureNotice { .. } => "erasure_notice",
            Job::EraseTopics { .. } => "erase_topics",
            Job::MovedOut { .. } => "moved_out",
            Job::History { .. } => "history",
        }
    }
}

/// Queues `job` for `chat_id` in the update's transaction, in its lane.
pub fn queue(work: &mut Work, chat_id: i64, job: &Job) {
    work.push(chat_id, job.lane(chat_id).to_string(), job.to_json());
}

/// How long a replica holds a job it is sending (PostgreSQL; after a crash
/// another replica sends it once the lease ends). Renewed while the job
/// waits for Telegram's limits.
const CLAIM_LEASE_MS: i64 = 30_000;

/// A job failing for this long is held: shown to people, still retried.
pub const HOLD_AFTER_MS: i64 = 3_600_000;
/// The longest pause between two tries of a failing job.
const LONGEST_BACKOFF: Duration = Duration::from_secs(300);

/// What happened to one job.
enum Done {
    Sent,
    /// Failed for a reason that may pass (5xx, network, database): retried.
    Failed(String),
    /// Refused for good: recorded undelivered.
    Refused(String),
}

/// The pause before the next try of a job that failed `attempts` times.
fn backoff(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.clamp(0, 16)).unwrap_or(16);
    Duration::from_secs(2)
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(LONGEST_BACKOFF)
}

/// Jobs read from the outbox at a time.
const READ_AT_ONCE: i64 = 500;
/// Private chats served at once (each holds an HTTP connection and buffers).
const PRIVATE_LANES_AT_ONCE: usize = 100;
/// Group lanes served at once: they mostly wait for the group's budget
/// (20 messages a minute), so a few dozen are plenty for the pacer to
/// share it fairly, and they never take the private chats' places.
const GROUP_LANES_AT_ONCE: usize = 40;

/// Delivers the outbox until `stop`, then keeps draining for at most `drain`.
/// Lanes are served at once, each in order: a lane whose jobs are being
/// sent is not read again until they are done, and a lane that finishes
/// does not wait for the others (one slow lane holds back only itself).
///
/// On SQLite the jobs each update commits for a patient's chat come
/// straight from the commit (`Storage::watch_outbox`), in order, and are
/// sent without reading them back; the outbox is read at the start, for
/// the group's lanes, for what a lane left there (a retry), and twice a
/// second in case (`Announced` keeps the two ways in order).
pub async fn run(
    bot: Bot,
    shell: Arc<Shell>,
    wake: Arc<Notify>,
    stop: CancellationToken,
    drain: Duration,
) {
    let mut committed = shell.storage.watch_outbox(wake.clone());
    let mut announced = committed
        .as_ref()
        .map(|_| Announced::before_the_first_read());
    let mut deadline: Option<tokio::time::Instant> = None;
    // Tasks of their own: a lane's work may wait for the database, which
    // must not wait in turn for this loop.
    let mut lanes: JoinSet<bool> = JoinSet::new();
    // The lanes being sent to, by task.
    let mut sending: HashMap<tokio::task::Id, String> = HashMap::new();
    // Whether a read may find what the last one did not: jobs committed
    // since (a wake), jobs of a lane that was busy then (left out), jobs
    // left for want of room or past the limit, retries come due (the
    // timer). Otherwise a lane that finishes needs no read: one read per
    // wake, not one more per lane done.
    let mut read_again = true;
    let mut busy_at_read: HashSet<String> = HashSet::new();
    loop {
        if deadline.is_none() && stop.is_cancelled() {
            deadline = Some(tokio::time::Instant::now() + drain);
        }
        let now_ms = crate::storage::unix_now_ms();
        let mut busy: Vec<String> = sending.values().cloned().collect();
        let group_busy = busy
            .iter()
            .filter(|lane| lane.parse::<Lane>().is_ok_and(Lane::is_group))
            .count();
        let mut room = Room {
            private: PRIVATE_LANES_AT_ONCE.saturating_sub(busy.len() - group_busy),
            group: GROUP_LANES_AT_ONCE.saturating_sub(group_busy),
        };
        // What was announced first: it is older than what a read finds.
        let mut started = match announced.as_mut() {
            Some(announced) => announced.start(&mut room, &busy),
            None => Vec::new(),
        };
        if let Some(announced) = &announced {
            // Their jobs are in memory already, or theirs to send next.
            busy.extend(announced.waiting_lanes().map(str::to_owned));
            busy.extend(started.iter().map(|(lane, _)| lane.clone()));
        }
        let jobs = if !read_again || (room.private == 0 && room.group == 0) {
            Vec::new() // read again when a lane is done
        } else {
            busy_at_read = busy.iter().cloned().collect();
            match shell
                .storage
                .due_jobs(now_ms, READ_AT_ONCE, &busy, room.group > 0)
                .await
            {
                Ok(jobs) => {
                    read_again = jobs.len() as i64 >= READ_AT_ONCE;
                    if let Some(announced) = announced.as_mut() {
                        announced.read(&busy_at_read, read_again);
                    }
                    jobs
                }
                Err(err) => {
                    tracing::error!(error = format!("{err:#}"), "cannot read the outbox");
                    read_again = true;
                    Vec::new()
                }
            }
        };
        let nothing_waits = announced.as_ref().is_none_or(Announced::is_empty);
        if jobs.is_empty()
            && lanes.is_empty()
            && started.is_empty()
            && nothing_waits
            && deadline.is_some()
        {
            return; // drained
        }
        if deadline.is_some_and(|at| tokio::time::Instant::now() >= at) {
            tracing::warn!(
                "shutting down with messages still in the outbox; they are sent at the next start"
            );
            return;
        }
        let lanes_read: HashSet<&str> = jobs.iter().map(|job| job.lane.as_str()).collect();
        let lanes_read = lanes_read.len();
        let read = by_lane(jobs, room);
        read_again |= read.len() < lanes_read;
        if let Some(announced) = announced.as_mut() {
            for (_, queue) in &read {
                announced.read_started(queue);
            }
        }
        started.extend(read);
        for (lane, queue) in started {
            let (bot, shell) = (bot.clone(), shell.clone());
            let task = lanes.spawn(async move { run_lane(&bot, &shell, queue).await });
            sending.insert(task.id(), lane);
        }
        tokio::select! {
            Some(done) = lanes.join_next_with_id(), if !lanes.is_empty() => {
                // Every lane done meanwhile, before the next read.
                let mut done = Some(done);
                while let Some(result) = done {
                    let (task, finished) = match result {
                        Ok((task, finished)) => (task, finished),
                        Err(err) => {
                            tracing::error!(error = %err, "a lane's delivery stopped");
                            read_again = true;
                            (err.id(), false)
                        }
                    };
                    if let Some(lane) = sending.remove(&task) {
                        let read_needed = match announced.as_mut() {
                            Some(announced) => announced.ended(&lane, finished),
                            None => true,
                        };
                        read_again |= read_needed && busy_at_read.contains(&lane);
                        read_again |= !finished;
                    }
                    done = lanes.try_join_next_with_id();
                }
            }
            Some(jobs) = recv_committed(&mut committed) => {
                if let Some(announced) = announced.as_mut() {
                    let mut jobs = Some(jobs);
                    while let Some(batch) = jobs {
                        read_again |= announced.accept(batch);
                        jobs = committed.as_mut().and_then(|channel| channel.try_recv().ok());
                    }
                }
            }
            _ = wake.notified() => read_again = true,
            _ = stop.cancelled(), if deadline.is_none() => read_again = true,
            _ = tokio::time::sleep(Duration::from_millis(500)) => read_again = true,
        }
    }
}

/// The next jobs committed, or never when they are not announced.
async fn recv_committed(
    committed: &mut Option<tokio::sync::mpsc::UnboundedReceiver<Vec<OutboxJob>>>,
) -> Option<Vec<OutboxJob>> {
    match committed {
        Some(channel) => channel.recv().await,
        None => std::future::pending().await,
    }
}

/// Jobs held in memory at most: past it, announced jobs are left to be
/// read from the outbox (where they are anyway).
const ANNOUNCED_AT_MOST: usize = 10_000;

/// What the sender knows of the outbox without reading it (SQLite): the
/// jobs committed for patients' chats and not started yet, and the lanes
/// whose jobs must be read instead, so that a lane's jobs still go in
/// order when some are in memory and some only in the outbox.
///
/// Every announced job is in the outbox as well (committed): one dropped
/// here is read later, never lost.
#[derive(Default)]
struct Announced {
    /// Jobs not started yet, by lane, in order.
    waiting: HashMap<String, Vec<OutboxJob>>,
    /// The waiting lanes by their first job: the oldest starts first.
    order: std::collections::BTreeMap<i64, String>,
    waiting_jobs: usize,
    /// Lanes read from the outbox rather than from memory: a job of theirs
    /// is there (a retry), or was dropped from memory. `true` while the
    /// outbox may hold one of theirs that no read has seen.
    read_only: HashMap<String, bool>,
    /// Jobs started from a read lately, and when: a job both read and
    /// announced (a read can see a commit before its announcement comes)
    /// starts once. (Not "ids up to the newest": update ids, and so job
    /// ids, start again from a random number after a week without updates.)
    read_lately: HashMap<i64, std::time::Instant>,
    /// Until the first read (jobs from before the start), and while reads
    /// come back full, the outbox may hold jobs of any lane not seen yet.
    unread_backlog: bool,
}

impl Announced {
    fn before_the_first_read() -> Announced {
        Announced {
            unread_backlog: true,
            ..Announced::default()
        }
    }

    /// Takes in jobs just committed; `true` when some are to be read from
    /// the outbox instead (the group's, or of a lane read from there).
    fn accept(&mut self, jobs: Vec<OutboxJob>) -> bool {
        let mut read = false;
        for job in jobs {
            if job.lane.parse::<Lane>().is_ok_and(Lane::is_group) {
                read = true; // the group's lanes are always read
                continue;
            }
            if self.read_lately.contains_key(&job.id) {
                continue; // read and started already
            }
            if self.unread_backlog
                || self.read_only.contains_key(&job.lane)
                || self.waiting_jobs >= ANNOUNCED_AT_MOST
            {
                self.leave_in_outbox(&job.lane);
                read = true;
                continue;
            }
            let lane = self.waiting.entry(job.lane.clone()).or_default();
            if lane.is_empty() {
                self.order.insert(job.id, job.lane.clone());
            }
            lane.push(job);
            self.waiting_jobs += 1;
        }
        read
    }

    /// `lane`'s jobs are read from the outbox until a run of it ends with
    /// none left there; what waits in memory for it goes (it is there too).
    fn leave_in_outbox(&mut self, lane: &str) {
        self.read_only.insert(lane.to_owned(), true);
        if let Some(jobs) = self.waiting.remove(lane) {
            self.waiting_jobs -= jobs.len();
            if let Some(first) = jobs.first() {
                self.order.remove(&first.id);
            }
        }
    }

    /// The waiting lanes that may start now (not `busy`, within `room`),
    /// oldest first, with their jobs.
    fn start(&mut self, room: &mut Room, busy: &[String]) -> Vec<(String, Vec<OutboxJob>)> {
        let mut started = Vec::new();
        if room.private == 0 {
            return started;
        }
        let ready: Vec<(i64, String)> = self
            .order
            .iter()
            .filter(|(_, lane)| !busy.contains(lane))
            .take(room.private)
            .map(|(first, lane)| (*first, lane.clone()))
            .collect();
        for (first, lane) in ready {
            self.order.remove(&first);
            if let Some(jobs) = self.waiting.remove(&lane) {
                self.waiting_jobs -= jobs.len();
                room.private -= 1;
                started.push((lane, jobs));
            }
        }
        started
    }

    fn waiting_lanes(&self) -> impl Iterator<Item = &str> {
        self.waiting.keys().map(String::as_str)
    }

    fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// A read of the outbox saw every lane but `busy`; `full`: it came back
    /// with as many jobs as it asks for, so more may be unseen.
    fn read(&mut self, busy: &HashSet<String>, full: bool) {
        self.unread_backlog = full;
        for (lane, unseen) in &mut self.read_only {
            if !busy.contains(lane) {
                *unseen = false;
            }
        }
    }

    /// `jobs` start, read from the outbox.
    fn read_started(&mut self, jobs: &[OutboxJob]) {
        let now = std::time::Instant::now();
        if self.read_lately.len() >= ANNOUNCED_AT_MOST {
            // An announcement comes within moments of its commit.
            self.read_lately
                .retain(|_, at| now.duration_since(*at) < Duration::from_secs(60));
        }
        self.read_lately
            .extend(jobs.iter().map(|job| (job.id, now)));
    }

    /// A run of `lane` ended (`finished`: nothing of it left in the
    /// outbox); `true` when its next jobs are to be read.
    fn ended(&mut self, lane: &str, finished: bool) -> bool {
        if !finished {
            self.leave_in_outbox(lane);
            return true;
        }
        match self.read_only.get(lane) {
            Some(true) => true,
            Some(false) => {
                self.read_only.remove(lane);
                false
            }
            None => lane.parse::<Lane>().is_ok_and(Lane::is_group),
        }
    }
}

/// Lanes that may start now, private and in the group.
#[derive(Debug, Clone, Copy)]
struct Room {
    private: usize,
    group: usize,
}

/// The jobs of the lanes that fit in `room`, by lane, in order (the other
/// lanes' jobs are read again).
fn by_lane(jobs: Vec<OutboxJob>, mut room: Room) -> Vec<(String, Vec<OutboxJob>)> {
    let mut lanes: Vec<(String, Vec<OutboxJob>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for job in jobs {
        if let Some(slot) = index.get(&job.lane) {
            lanes[*slot].1.push(job);
            continue;
        }
        let room_left = if job.lane.parse::<Lane>().is_ok_and(Lane::is_group) {
            &mut room.group
        } else {
            &mut room.private
        };
        if *room_left == 0 {
            continue;
        }
        *room_left -= 1;
        index.insert(job.lane.clone(), lanes.len());
        lanes.push((job.lane.clone(), vec![job]));
    }
    lanes
}

/// What one step of a lane sends: one job, or several of the patient's
/// messages for their topic at once (merged under backlog).
enum Step {
    One(OutboxJob, Result<Job, serde_json::Error>),
    Relays(Vec<(OutboxJob, i64)>),
    /// A card redraw that a later one in the lane makes pointless.
    Superseded(OutboxJob),
}

/// Groups a lane's jobs into steps: card redraws but the last are skipped
/// (each draws the case as it is then), and consecutive relays of the
/// patient's messages go together.
fn steps(jobs: Vec<OutboxJob>) -> Vec<Step> {
    let parsed: Vec<(OutboxJob, Result<Job, serde_json::Error>)> = jobs
        .into_iter()
        .map(|job| {
            let parsed = serde_json::from_str(&job.job);
            (job, parsed)
        })
        .collect();
    let last_card = parsed
        .iter()
        .rposition(|(_, job)| matches!(job, Ok(Job::RefreshCard { .. })));
    let mut steps: Vec<Step> = Vec::new();
    for (position, (stored, job)) in parsed.into_iter().enumerate() {
        match job {
            Ok(Job::RefreshCard { .. }) if Some(position) != last_card => {
                steps.push(Step::Superseded(stored));
            }
            Ok(Job::Relay { update_id, .. }) => match steps.last_mut() {
                Some(Step::Relays(relays)) if relays[0].0.chat_id == stored.chat_id => {
                    relays.push((stored, update_id));
                }
                _ => steps.push(Step::Relays(vec![(stored, update_id)])),
            },
            job => steps.push(Step::One(stored, job)),
        }
    }
    steps
}

/// Sends a lane's jobs in order; `true` when it sent (or gave up for good)
/// every one, `false` when some are left in the outbox (a retry, another
/// replica's turn).
async fn run_lane(bot: &Bot, shell: &Shell, jobs: Vec<OutboxJob>) -> bool {
    let mut pending: VecDeque<Step> = steps(jobs).into();
    let mut finished = true;
    let mut held = Held::default();
    let mut sent = Vec::new();
    while let Some(mut step) = pending.pop_front() {
        let mut relays_turn = None;
        if let Step::Relays(relays) = &step {
            // Under backlog the topic's turn comes late: everything the
            // patient sent meanwhile goes in the same message, at once.
            let lane = relays[0].0.lane.clone();
            // The lane is read again: what was sent must be gone first.
            finish(shell, &mut sent).await;
            let turn = Turn::new(Priority::PatientMessage, lane.clone());
            pending = turn.clone().scope(gather_relays(shell, &lane)).await;
            relays_turn = Some(turn);
            match pending.pop_front() {
                Some(gathered) => step = gathered,
                None => break, // another replica took them
            }
        }
        let stored: Vec<&OutboxJob> = match &step {
            Step::One(stored, _) | Step::Superseded(stored) => vec![stored],
            Step::Relays(relays) => relays.iter().map(|(stored, _)| stored).collect(),
        };
        if !held.cover(shell, &step, &pending).await {
            finished = false;
            break; // another replica sends this lane now
        }
        // One update's delivered jobs are cleared together; those of an
        // earlier one do not wait while this one's wait for their turn.
        if sent
            .last()
            .is_some_and(|last| job_update(*last) != job_update(stored[0].id))
        {
            finish(shell, &mut sent).await;
        }
        let first = stored[0];
        let (lane, chat_id) = (first.lane.clone(), first.chat_id);
        let done = match &step {
            Step::Superseded(_) => Done::Sent,
            Step::One(_, Err(err)) => Done::Refused(format!("unreadable job: {err}")),
            Step::One(_, Ok(job)) => {
                let turn = Turn::new(job.priority(), lane.clone());
                // Boxed, as the relays below: inline, the Bot API calls'
                // futures made the lane's task 48.8 KB, copied whole at
                // every lane's start and held by up to 140 lanes at once;
                // boxed, 3.6 KB (docs/performance.md, session 12).
                let work = turn.scope(Box::pin(execute(bot, shell, chat_id, job)));
                keep_claimed(shell, &mut held, work).await
            }
            Step::Relays(relays) => {
                // The turn that reserved the group's slot when it gathered them.
                let turn = relays_turn
                    .take()
                    .unwrap_or_else(|| Turn::new(Priority::PatientMessage, lane.clone()));
                let update_ids: Vec<i64> = relays.iter().map(|(_, update)| *update).collect();
                let work = turn.scope(async {
                    outcome(
                        Box::pin(coordinators::relay_updates(
                            bot,
                            shell,
                            chat_id,
                            &update_ids,
                        ))
                        .await,
                    )
                });
                keep_claimed(shell, &mut held, work).await
            }
        };
        let kind = match &step {
            Step::One(_, Ok(job)) => job.kind(),
            Step::Relays(_) => "relay",
            Step::One(_, Err(_)) | Step::Superseded(_) => "unreadable",
        };
        for job in &stored {
            held.ids.remove(&job.id);
        }
        let go_on = settle(shell, &stored, kind, done, &mut sent).await;
        if sent.len() >= FINISH_AT_ONCE {
            finish(shell, &mut sent).await;
        }
        if !go_on {
            // A failure: the rest of this lane waits for its retry, in order.
            finished = false;
            break;
        }
    }
    // Before the lane is read again: what was sent must be gone by then.
    finish(shell, &mut sent).await;
    held.release(shell).await;
    finished
}

/// Delivered jobs of one update cleared at once, rather than one round trip
/// (and, alone, one commit) each: at most this many wait (a crash before
/// they are cleared sends them again, as a send in flight at a crash is).
const FINISH_AT_ONCE: usize = 8;

/// Clears the delivered jobs in `sent` from the outbox, in one request.
async fn finish(shell: &Shell, sent: &mut Vec<i64>) {
    let ids = std::mem::take(sent);
    if let Err(err) = shell.storage.finish_jobs(ids).await {
        tracing::error!(error = format!("{err:#}"), "cannot update the outbox");
    }
}

/// The jobs of a lane this replica has claimed and not settled yet
/// (PostgreSQL replicas; SQLite has one replica and claims nothing), all
/// until one time: one statement claims, renews or gives them back.
#[derive(Default)]
struct Held {
    ids: HashSet<i64>,
    until_ms: i64,
}

impl Held {
    /// Makes sure this replica holds `step`'s jobs for a while yet: when
    /// they are not claimed, claims them with the steps that follow up to
    /// the next relays (which read the lane again), in one statement; when
    /// they are, renews the claim if a third of the lease has passed (the
    /// steps before may have waited long for Telegram's limits). `false`
    /// when another replica holds one of them.
    async fn cover(&mut self, shell: &Shell, step: &Step, pending: &VecDeque<Step>) -> bool {
        let now_ms = crate::storage::unix_now_ms();
        let step_ids = step_job_ids(step);
        if step_ids.iter().all(|id| self.ids.contains(id)) {
            if self.until_ms - now_ms > CLAIM_LEASE_MS * 2 / 3 {
                return true;
            }
            return self.renew(shell, now_ms).await;
        }
        let ahead = pending
            .iter()
            .take_while(|step| !matches!(step, Step::Relays(_)))
            .flat_map(step_job_ids);
        let wanted: Vec<i64> = step_ids
            .into_iter()
            .chain(ahead)
            .filter(|id| !self.ids.contains(id))
            .collect();
        // Claimed together, so that they share one lease: the ones held
        // already are renewed to it (the same `now_ms`, the same end).
        if !self.ids.is_empty() && !self.renew(shell, now_ms).await {
            return false;
        }
        match shell
            .storage
            .claim_jobs(&wanted, now_ms, CLAIM_LEASE_MS)
            .await
        {
            Ok(Some(until_ms)) => {
                self.ids.extend(wanted);
                self.until_ms = until_ms;
                true
            }
            Ok(None) => false,
            Err(err) => {
                tracing::error!(error = format!("{err:#}"), "cannot claim jobs");
                false
            }
        }
    }

    /// Extends the claim on every job held; `false` when one of them is no
    /// longer this replica's.
    async fn renew(&mut self, shell: &Shell, now_ms: i64) -> bool {
        let ids: Vec<i64> = self.ids.iter().copied().collect();
        let until_ms = now_ms + CLAIM_LEASE_MS;
        match shell
            .storage
            .renew_claims(&ids, self.until_ms, until_ms)
            .await
        {
            Ok(renewed) => {
                if renewed {
                    self.until_ms = until_ms;
                }
                renewed
            }
            Err(err) => {
                tracing::warn!(error = format!("{err:#}"), "cannot renew claims on jobs");
                false
            }
        }
    }

    /// Gives back what is held and was not sent (the lane stopped).
    async fn release(self, shell: &Shell) {
        if self.ids.is_empty() {
            return;
        }
        let ids: Vec<i64> = self.ids.into_iter().collect();
        if let Err(err) = shell.storage.release_claims(&ids, self.until_ms).await {
            tracing::warn!(
                error = format!("{err:#}"),
                "cannot give back claims on jobs"
            );
        }
    }
}

fn step_job_ids(step: &Step) -> Vec<i64> {
    match step {
        Step::One(stored, _) | Step::Superseded(stored) => vec![stored.id],
        Step::Relays(relays) => relays.iter().map(|(stored, _)| stored.id).collect(),
    }
}

/// Waits for the turn of a topic's relays in its group's budget and
/// reserves it for the current turn's message, then reads again what waits
/// in the lane: more of the patient's messages came meanwhile.
async fn gather_relays(shell: &Shell, lane: &str) -> VecDeque<Step> {
    if let Ok(Lane::Topic(case)) = lane.parse::<Lane>()
        && let Some(group) = coordinators::group_of_case(shell, case).await
    {
        shell
            .pacer
            .reserve(Destination::Group(group), Spend::Messages(1))
            .await;
    }
    let now_ms = crate::storage::unix_now_ms();
    match shell
        .storage
        .due_jobs_of_lane(now_ms, READ_AT_ONCE, lane)
        .await
    {
        Ok(jobs) => steps(jobs).into(),
        Err(err) => {
            tracing::error!(%lane, error = format!("{err:#}"), "cannot read the lane");
            VecDeque::new()
        }
    }
}

/// Runs `work`, renewing the claim on the lane's jobs while it waits (a
/// 429 of 30 s must not let another replica send them too).
async fn keep_claimed(
    shell: &Shell,
    held: &mut Held,
    work: impl std::future::Future<Output = Done>,
) -> Done {
    tokio::pin!(work);
    let every = Duration::from_millis((CLAIM_LEASE_MS / 3) as u64);
    let mut renew = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            done = &mut work => return done,
            _ = renew.tick() => {
                if !held.renew(shell, crate::storage::unix_now_ms()).await {
                    tracing::warn!("cannot renew the claim on a lane's jobs");
                }
            }
        }
    }
}

/// Records how the step went; `true` when the lane may go on.
/// Delivered jobs are left in `sent`, for `finish` to clear together.
async fn settle(
    shell: &Shell,
    jobs: &[&OutboxJob],
    kind: &'static str,
    done: Done,
    sent: &mut Vec<i64>,
) -> bool {
    let now_ms = crate::storage::unix_now_ms();
    let mut go_on = true;
    for job in jobs {
        let result = match &done {
            Done::Sent => {
                sent.push(job.id);
                Ok(())
            }
            Done::Failed(error) => {
                go_on = false;
                let retry_at = now_ms + backoff(job.attempts).as_millis() as i64;
                let held = job
                    .failing_since_ms
                    .is_some_and(|since| now_ms - since >= HOLD_AFTER_MS);
                if held {
                    tracing::error!(chat_id = job.chat_id, job = job.id, lane = %job.lane, %error, "a message is held: it has failed for over an hour (retried)");
                } else {
                    tracing::warn!(chat_id = job.chat_id, job = job.id, lane = %job.lane, %error, "a message failed; retried later");
                }
                crate::telemetry::job_failed();
                shell
                    .storage
                    .retry_job(job.id, retry_at, now_ms, error)
                    .await
            }
            Done::Refused(reason) => {
                tracing::error!(chat_id = job.chat_id, job = job.id, lane = %job.lane, kind, %reason, "a message was refused for good");
                crate::telemetry::job_undelivered(kind);
                shell
                    .storage
                    .give_up_job(Undelivered {
                        job_id: job.id,
                        chat_id: job.chat_id,
                        lane: &job.lane,
                        kind,
                        reason,
                    })
                    .await
            }
        };
        if let Err(err) = result {
            tracing::error!(
                job = job.id,
                error = format!("{err:#}"),
                "cannot update the outbox"
            );
            go_on = false;
        }
    }
    go_on
}

/// Runs a job at once, outside the outbox, with a few bounded retries
/// (Telegram's 429s are waited out in `pacing`, not counted here).
pub(crate) async fn execute_now(bot: &Bot, shell: &Shell, chat_id: i64, job: &Job) {
    for attempt in 0..NOW_ATTEMPTS {
        match execute(bot, shell, chat_id, job).await {
            Done::Sent => return,
            Done::Failed(error) => {
                tracing::warn!(chat_id, %error, "a message sent at once failed; trying again");
                tokio::time::sleep(backoff(attempt as i64).min(NOW_LONGEST_WAIT)).await;
            }
            Done::Refused(reason) => {
                tracing::warn!(chat_id, %reason, "a message sent at once was refused");
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
        Job::Reply { reply } => {
            match delivery::deliver_once(bot, &shell.pacer, chat, reply).await {
                Ok(()) => Done::Sent,
                Err(err) if delivery::is_permanent_refusal(&err) => {
                    patient_unreachable(bot, shell, chat_id).await;
                    Done::Refused("the patient blocked the bot".to_owned())
                }
                Err(err) => failed(&err),
            }
        }
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
        Job::Enqueue { case } => outcome(coordinators::enqueue(bot, shell, *case).await),
        Job::Reopened { case } => outcome(coordinators::reopened(bot, shell, *case).await),
        Job::Rated { case, stars } => outcome(coordinators::rated(bot, shell, *case, *stars).await),
        Job::Relay { update_id, .. } => {
            outcome(coordinators::relay_updates(bot, shell, chat_id, &[*update_id]).await)
        }
        Job::RelayEdit { update_id, .. } => {
            outcome(coordinators::relay_edit(bot, shell, chat_id, *update_id).await)
        }
        Job::ToPatient { update_id, case } => {
            outcome(coordinators::to_patient(bot, shell, *update_id, *case).await)
        }
        Job::EditToPatient { update_id, case } => {
            outcome(coordinators::edit_to_patient(bot, shell, *update_id, *case).await)
        }
        Job::ReadyReply { case, html, key } => {
            outcome(coordinators::ready_reply(bot, shell, *case, html, *key).await)
        }
        Job::Reminder { html, loud, .. } => {
            outcome(coordinators::remind(bot, shell, chat, html, *loud).await)
        }
        Job::Document { name, content } => {
            let sent = shell
                .pacer
                .call(Destination::Private(chat), Spend::Messages(1), || {
                    let file = teloxide::types::InputFile::memory(content.clone().into_bytes())
                        .file_name(name.clone());
                    bot.send_document(chat, file).into_future()
                })
                .await;
            match sent {
                Ok(_) => Done::Sent,
                Err(err) if delivery::is_permanent_refusal(&err) => {
                    patient_unreachable(bot, shell, chat_id).await;
                    Done::Refused("the patient blocked the bot".to_owned())
                }
                Err(err) => failed(&err),
            }
        }
        Job::RefreshCard { case } => {
            coordinators::refresh_card(bot, shell, *case).await;
            Done::Sent
        }
        Job::TopicNote { case, html } => {
            outcome(coordinators::note_in_topic(bot, shell, *case, html.clone()).await)
        }
        Job::CloseTopic { case } => {
            coordinators::close_topic(bot, shell, *case).await;
            Done::Sent
        }
        Job::EraseTopics { topics, cause, .. } => {
            outcome(coordinators::erase_topics(bot, shell, topics, *cause).await)
        }
        Job::ErasureNotice {
            case,
            group,
            thread_id,
            ..
        } => {
            let topics: Vec<ErasedTopic> = thread_id
                .iter()
                .map(|thread_id| ErasedTopic {
                    case: *case,
                    group: *group,
                    thread_id: *thread_id,
                })
                .collect();
            outcome(coordinators::erase_topics(bot, shell, &topics, ErasureCause::Patient).await)
        }
        Job::MovedOut {
            case,
            group,
            thread_id,
            html,
        } => outcome(
            coordinators::moved_out(bot, shell, *case, ChatId(*group), *thread_id, html).await,
        ),
        Job::History {
            case,
            from_group,
            messages,
        } => outcome(
            coordinators::copy_history(bot, shell, *case, ChatId(*from_group), messages).await,
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

/// Whether a failure may pass (tried again) or is a refusal for good.
fn classify(err: &RequestError) -> Done {
    match err {
        // Only where a call bypassed the pacer: waiting, not failing.
        RequestError::RetryAfter(after) => {
            Done::Failed(format!("Telegram asked to wait {}s", after.seconds()))
        }
        err if delivery::is_transient(err) => Done::Failed(err.to_string()),
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => Done::Refused(err.to_string()),
        // Anything else the client reports (a body it could not read...)
        // may pass: tried again, never dropped.
        other => Done::Failed(other.to_string()),
    }
}

/// What a job's failure means for it.
fn outcome(result: Result<(), JobError>) -> Done {
    match result {
        Ok(()) => Done::Sent,
        Err(JobError::CaseErased(case)) => {
            tracing::debug!(%case, "nothing to send: the case was erased");
            Done::Sent
        }
        Err(JobError::Telegram(err)) => classify(&err),
        // The database or our own bookkeeping: may pass.
        Err(JobError::Other(err)) => Done::Failed(format!("{err:#}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn announced_job(id: i64, lane: &str) -> OutboxJob {
        OutboxJob {
            id,
            chat_id: 42,
            lane: lane.to_owned(),
            job: String::new(),
            attempts: 0,
            failing_since_ms: None,
        }
    }

    fn ids(started: &[(String, Vec<OutboxJob>)]) -> Vec<(String, Vec<i64>)> {
        started
            .iter()
            .map(|(lane, jobs)| (lane.clone(), jobs.iter().map(|job| job.id).collect()))
            .collect()
    }

    fn room() -> Room {
        Room {
            private: 10,
            group: 10,
        }
    }

    /// After the first read, with nothing left in the outbox.
    fn after_a_read() -> Announced {
        let mut announced = Announced::before_the_first_read();
        announced.read(&HashSet::new(), false);
        announced
    }

    #[test]
    fn announced_jobs_start_by_lane_oldest_first_and_never_twice() {
        let mut announced = after_a_read();
        let read = announced.accept(vec![
            announced_job(10, "chat:2"),
            announced_job(11, "chat:1"),
            announced_job(12, "chat:2"),
        ]);
        assert!(!read, "a patient's jobs need no read");
        let started = announced.start(&mut room(), &[]);
        assert_eq!(
            ids(&started),
            [("chat:2".into(), vec![10, 12]), ("chat:1".into(), vec![11])]
        );
        assert!(announced.is_empty());
        assert!(!announced.ended("chat:2", true), "nothing left to read");
        // A read saw job 13 before its announcement came: it starts once.
        announced.read_started(&[announced_job(13, "chat:2")]);
        assert!(!announced.accept(vec![announced_job(13, "chat:2")]));
        assert!(announced.start(&mut room(), &[]).is_empty());
        // After a week without updates their ids start again lower.
        assert!(!announced.accept(vec![announced_job(3, "chat:2")]));
        assert_eq!(
            ids(&announced.start(&mut room(), &[])),
            [("chat:2".into(), vec![3])]
        );
    }

    #[test]
    fn a_busy_lane_s_jobs_wait_and_room_is_shared() {
        let mut announced = after_a_read();
        announced.accept(vec![
            announced_job(10, "chat:1"),
            announced_job(11, "chat:2"),
        ]);
        let mut one = Room {
            private: 1,
            group: 0,
        };
        let started = announced.start(&mut one, &["chat:1".to_owned()]);
        assert_eq!(ids(&started), [("chat:2".into(), vec![11])]);
        assert_eq!(one.private, 0);
        assert_eq!(announced.waiting_lanes().collect::<Vec<_>>(), ["chat:1"]);
        assert!(
            announced
                .start(&mut room(), &["chat:1".to_owned()])
                .is_empty()
        );
        assert_eq!(
            ids(&announced.start(&mut room(), &[])),
            [("chat:1".into(), vec![10])]
        );
    }

    #[test]
    fn the_group_s_jobs_and_jobs_before_the_first_read_are_read() {
        let mut announced = Announced::before_the_first_read();
        assert!(
            announced.accept(vec![announced_job(10, "chat:1")]),
            "from before the start"
        );
        announced.read(&HashSet::new(), false);
        assert!(announced.accept(vec![announced_job(20, "topic:7")]));
        assert!(announced.accept(vec![announced_job(21, "card:7")]));
        // The lane whose job was left to the read stays read, until a run
        // of it that the read started ends with nothing left.
        assert!(announced.accept(vec![announced_job(11, "chat:1")]));
        assert!(announced.start(&mut room(), &[]).is_empty());
        assert!(
            announced.ended("chat:1", true),
            "job 11 came after that read"
        );
        announced.read(&HashSet::new(), false);
        assert!(!announced.ended("chat:1", true));
        assert!(!announced.accept(vec![announced_job(12, "chat:1")]));
        assert_eq!(
            ids(&announced.start(&mut room(), &[])),
            [("chat:1".into(), vec![12])]
        );
    }

    #[test]
    fn a_lane_that_left_a_job_for_its_retry_is_read_until_it_is_sent() {
        let mut announced = after_a_read();
        announced.accept(vec![announced_job(10, "chat:1")]);
        assert_eq!(announced.start(&mut room(), &[]).len(), 1);
        // Committed while job 10 is being tried: waits in memory...
        announced.accept(vec![announced_job(11, "chat:1")]);
        // ...until job 10 fails and stays in the outbox for its retry: then
        // job 11 must not overtake it from memory.
        assert!(announced.ended("chat:1", false));
        assert!(announced.is_empty());
        assert!(announced.accept(vec![announced_job(12, "chat:1")]));
        assert!(announced.start(&mut room(), &[]).is_empty());
        // A read while the lane is busy does not see it.
        announced.read(&HashSet::from(["chat:1".to_owned()]), false);
        assert!(announced.ended("chat:1", true));
        announced.read(&HashSet::new(), false);
        assert!(
            !announced.ended("chat:1", true),
            "all sent, from the outbox"
        );
        assert!(!announced.accept(vec![announced_job(13, "chat:1")]));
    }

    #[test]
    fn a_full_read_or_a_full_memory_leaves_announced_jobs_to_the_outbox() {
        let mut announced = Announced::before_the_first_read();
        announced.read(&HashSet::new(), true);
        assert!(
            announced.accept(vec![announced_job(10, "chat:1")]),
            "more to read"
        );
        announced.read(&HashSet::new(), false);
        let many: Vec<OutboxJob> = (0..ANNOUNCED_AT_MOST as i64)
            .map(|n| announced_job(100 + n, &format!("chat:{}", 1000 + n)))
            .collect();
        assert!(!announced.accept(many));
        assert!(announced.accept(vec![announced_job(99_999, "chat:5")]));
    }

    fn stored(id: i64, job: &Job) -> OutboxJob {
        OutboxJob {
            id,
            chat_id: 42,
            lane: job.lane(42).to_string(),
            job: job.to_json(),
            attempts: 0,
            failing_since_ms: None,
        }
    }

    #[test]
    fn lanes_split_a_patient_s_screens_from_their_case_s_topic_and_card() {
        let reply = Job::Reply {
            reply: Reply::new(
                "hi".into(),
                crate::reply::Keyboard::None,
                crate::reply::Placement::New,
            ),
        };
        assert_eq!(reply.lane(42), Lane::Chat(42));
        let relay = Job::Relay {
            update_id: 1,
            case: Some(CaseRef(7)),
        };
        assert_eq!(relay.lane(42), Lane::Topic(CaseRef(7)));
        assert_eq!(
            Job::RefreshCard { case: CaseRef(7) }.lane(42),
            Lane::Card(CaseRef(7))
        );
        for lane in [
            Lane::Chat(-5),
            Lane::Topic(CaseRef(7)),
            Lane::Card(CaseRef(9)),
        ] {
            assert_eq!(lane.to_string().parse::<Lane>(), Ok(lane));
        }
        assert!("topic:x".parse::<Lane>().is_err());
        // A relay queued before lanes keeps its chat's order.
        let old: Job = serde_json::from_str(r#"{"job":"relay","update_id":3}"#).unwrap();
        assert_eq!(old.lane(42), Lane::Chat(42));
    }

    #[test]
    fn steps_merge_consecutive_relays_and_keep_only_the_last_card() {
        let jobs = vec![
            stored(1, &Job::Enqueue { case: CaseRef(7) }),
            stored(
                2,
                &Job::Relay {
                    update_id: 10,
                    case: Some(CaseRef(7)),
                },
            ),
            stored(
                3,
                &Job::Relay {
                    update_id: 11,
                    case: Some(CaseRef(7)),
                },
            ),
            stored(
                4,
                &Job::TopicNote {
                    case: CaseRef(7),
                    html: "n".into(),
                },
            ),
            stored(
                5,
                &Job::Relay {
                    update_id: 12,
                    case: Some(CaseRef(7)),
                },
            ),
            stored(6, &Job::RefreshCard { case: CaseRef(7) }),
            stored(7, &Job::RefreshCard { case: CaseRef(7) }),
        ];
        let shape: Vec<String> = steps(jobs)
            .iter()
            .map(|step| match step {
                Step::One(job, _) => format!("one {}", job.id),
                Step::Superseded(job) => format!("skip {}", job.id),
                Step::Relays(relays) => format!(
                    "relays {:?}",
                    relays.iter().map(|(_, update)| *update).collect::<Vec<_>>()
                ),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "one 1",
                "relays [10, 11]",
                "one 4",
                "relays [12]",
                "skip 6",
                "one 7"
            ]
        );
    }

    #[test]
    fn group_lanes_never_take_private_chats_places() {
        let mut jobs = Vec::new();
        for case in 0..5 {
            jobs.push(stored(
                case,
                &Job::Enqueue {
                    case: CaseRef(case),
                },
            ));
        }
        jobs.push(stored(
            99,
            &Job::ChatCommands {
                locale: "en".into(),
            },
        ));
        let lanes = by_lane(
            jobs,
            Room {
                private: 1,
                group: 2,
            },
        );
        let names: Vec<&str> = lanes.iter().map(|(lane, _)| lane.as_str()).collect();
        assert_eq!(names, ["topic:0", "topic:1", "chat:42"]);
    }

    #[test]
    fn waiting_is_not_failing_and_only_refusals_end_a_job() {
        let retry = RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(30));
        assert!(matches!(classify(&retry), Done::Failed(_)));
        let server = RequestError::Api(teloxide::ApiError::Unknown("Internal Server Error".into()));
        assert!(matches!(classify(&server), Done::Failed(_)));
        let refused = RequestError::Api(teloxide::ApiError::Unknown(
            "Bad Request: message text is empty".into(),
        ));
        assert!(matches!(classify(&refused), Done::Refused(_)));
        assert!(matches!(
            outcome(Err(anyhow::anyhow!("database is locked").into())),
            Done::Failed(_)
        ));
        assert!(matches!(
            outcome(Err(JobError::CaseErased(CaseRef(7)))),
            Done::Sent
        ));
        assert!(matches!(outcome(Err(refused.into())), Done::Refused(_)));
        assert!(matches!(outcome(Err(server.into())), Done::Failed(_)));
        assert_eq!(backoff(0), Duration::from_secs(2));
        assert_eq!(backoff(3), Duration::from_secs(16));
        assert_eq!(backoff(40), LONGEST_BACKOFF);
    }

    #[test]
    fn jobs_round_trip_through_json() {
        let job = Job::Relay {
            update_id: 7,
            case: Some(CaseRef(3)),
        };
        assert_eq!(serde_json::from_str::<Job>(&job.to_json()).unwrap(), job);
    }

    /// Jobs already in the outbox carry their case as a bare number: they
    /// still read, as the same job, and are written as they were.
    #[test]
    fn stored_jobs_keep_their_case_as_a_number() {
        for (stored, job) in [
            (
                r#"{"job":"refresh_card","case":7}"#,
                Job::RefreshCard { case: CaseRef(7) },
            ),
            (
                r#"{"job":"topic_note","case":7,"html":"n"}"#,
                Job::TopicNote {
                    case: CaseRef(7),
                    html: "n".into(),
                },
            ),
            (
                r#"{"job":"rated","case":12,"stars":5}"#,
                Job::Rated {
                    case: CaseRef(12),
                    stars: 5,
                },
            ),
            (
                r#"{"job":"relay","update_id":3,"case":7}"#,
                Job::Relay {
                    update_id: 3,
                    case: Some(CaseRef(7)),
                },
            ),
            (
                r#"{"job":"to_patient","update_id":3,"case":7}"#,
                Job::ToPatient {
                    update_id: 3,
                    case: CaseRef(7),
                },
            ),
        ] {
            assert_eq!(
                serde_json::from_str::<Job>(stored).unwrap(),
                job,
                "{stored}"
            );
            assert_eq!(job.to_json(), stored);
        }
    }
}
