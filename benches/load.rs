//! Load benchmark: the real `navigator` binary, a bare teloxide echo bot and
//! a like-for-like bare teloxide bot, each a separate process talking to the
//! built-in Bot API emulator, driven by simulated patients (and
//! coordinators) in this process.
//!
//! `cargo bench --bench load` (options after `--`; `-- --help` lists them).
//!
//! `--scenario browse` (first by default): the headline figure, each bot
//! process's CPU time per update (`/proc/<pid>/stat`), as patients browse
//! (a /start, then presses through the content tree), the navigator beside
//! the like-for-like bot (the same Bot API work: a keyboard, an edit and a
//! callback answer per press, nothing stored), round after round with each
//! bot in turn; several navigator builds can be compared in one run. "×
//! like" is the ratio of the medians; "paired ×" the median of each
//! round's ratio (the bots of a round run back to back, so a slow moment of
//! the machine weighs on both).
//!
//! For each database backend the load scenario reports: CPU per update of
//! the journeys and of the fixed rate, start to first answered update
//! (with the seeded database), full journeys' updates per second and
//! update-to-reply latency, the latency at a fixed offered rate, peak RSS,
//! database size per case; then the echo bot's figures through the same
//! emulator, and our throughput as a ratio of the echo bot's.
//!
//! A journey: /start, two screens of the resistance tree, the whole intake
//! form with a PDF, submit; a coordinator takes the case from its card and
//! writes; the patient writes twice; the coordinator closes; the patient
//! rates. Steps wait for the bot's answer and then for a quiet moment, as a
//! person reading would (but at machine speed).
//!
//! `--scenario telegram-limits` runs (after the load scenario, or alone) the
//! bot at Telegram's flood limits instead: the emulator enforces them and
//! the bot paces itself, both with every window scaled by `--limits-scale`.
//! Patients write at a human pace (scaled alike) more than one group takes,
//! and it reports what reached the coordinators, how late, in how many
//! group messages, the 429s provoked, how fast a patient's /menu answers
//! meanwhile, and how long the backlog took to drain.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use patient_navigator::emulator::{
    Emulator, EmulatorOptions, FloodControl, RecordedCall, Sent, UserHandle, UserSpec,
};
use patient_navigator::storage::{Begun, Storage};
use serde_json::Value;
use sqlx::{Connection, Executor};
use tokio::sync::Notify;

/// The coordinators' forum supergroup.
const GROUP: i64 = -1_001_234_567_890;
/// A second team's group (telegram-limits with two teams).
const SECOND_GROUP: i64 = -1_001_234_567_891;
/// Set in the environment of a baseline bot's process (this binary again):
/// `echo` or `like` (the like-for-like bot).
const ROLE_ENV: &str = "LOAD_BENCH_ROLE";
/// How long any single wait may take before the run is declared stuck.
const STUCK: Duration = Duration::from_secs(120);

/// What a benchmark run does.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// Patients browsing the content tree (/start, then presses), the
    /// navigator beside a like-for-like bare teloxide bot: CPU per update.
    Browse,
    /// Journeys at machine speed, a fixed rate, the echo bot's baseline
    /// (no rate limits anywhere).
    Load,
    /// Patients at a human pace against Telegram's flood limits.
    TelegramLimits,
}

#[derive(Parser, Debug, Clone)]
#[command(about = "Load benchmark of the navigator bot against the Bot API emulator")]
struct Args {
    /// Scenarios to run, in this order: load, telegram-limits.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "browse,load,telegram-limits"
    )]
    scenario: Vec<Scenario>,
    /// Journeys in all, each a new patient; all run at once.
    #[arg(long, default_value_t = 1000)]
    journeys: usize,
    /// Cases stored before the bot starts (memory and start-up with a full database).
    #[arg(long, default_value_t = 10_000)]
    seed_cases: usize,
    /// Updates per second offered in the fixed-rate latency run.
    #[arg(long, default_value_t = 300)]
    rate: usize,
    /// Length of the fixed-rate run, seconds.
    #[arg(long, default_value_t = 10)]
    rate_seconds: u64,
    /// Database backends to run: sqlite, postgres; sqlite-normal is SQLite
    /// with synchronous=normal (commits not waited on disk).
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<String>,
    /// A PostgreSQL database to create the benchmark's database from.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
    postgres_admin_url: String,
    /// Quiet time, ms, that ends a step once the bot answered.
    #[arg(long, default_value_t = 15)]
    quiet_ms: u64,
    /// Start-ups measured (the median is reported).
    #[arg(long, default_value_t = 5)]
    starts: usize,
    /// telegram-limits: every window of Telegram's limits (in the emulator
    /// and the bot) and the patients' pace multiplied by this, so that a
    /// group's minute lasts 6 s at 0.1.
    #[arg(long, default_value_t = 0.1)]
    limits_scale: f64,
    /// telegram-limits: patients, each with a case (a topic) in one group.
    #[arg(long, default_value_t = 12)]
    limits_patients: usize,
    /// telegram-limits: texts each patient writes, one every 6 to 14 s of
    /// Telegram time.
    #[arg(long, default_value_t = 5)]
    limits_texts: usize,
    /// telegram-limits: seconds (real) to wait for the group to drain
    /// before reporting what arrived.
    #[arg(long, default_value_t = 600)]
    limits_timeout: u64,
    /// telegram-limits: runs with this many teams (1 or 2): with two, every
    /// other patient writes in Spanish and a Spanish team has its own group.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    limits_teams: Vec<usize>,
    /// browse: patients browsing at once in each round.
    #[arg(long, default_value_t = 50)]
    browse_users: usize,
    /// browse: updates each patient sends in a round (a /start, then presses).
    #[arg(long, default_value_t = 100)]
    browse_steps: usize,
    /// browse: rounds, each bot in turn in every round (medians reported).
    #[arg(long, default_value_t = 5)]
    browse_rounds: usize,
    /// Other `navigator` binaries to measure (e.g. one built with
    /// `--profile profiling` for a profiler); default: this build's. The
    /// first is the one of the load and telegram-limits scenarios; browse
    /// measures each (comma-separated) in turn, to compare builds in one run.
    #[arg(long, value_delimiter = ',')]
    navigator_bin: Vec<PathBuf>,
    /// Passed by `cargo bench`.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match std::env::var(ROLE_ENV).as_deref() {
        Ok("echo") => return runtime.block_on(echo_bot()),
        Ok("like") => return runtime.block_on(like_bot()),
        _ => {}
    }
    let args = Args::parse();
    runtime.block_on(run(args))
}

// ----- the baseline: a bare teloxide echo bot -----------------------------------

async fn echo_bot() -> anyhow::Result<()> {
    use teloxide::prelude::*;
    let token = std::env::var("TELOXIDE_TOKEN")?;
    let url = std::env::var("TELOXIDE_API_URL")?.parse()?;
    let bot = Bot::new(token).set_api_url(url);
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        bot.send_message(msg.chat.id, msg.text().unwrap_or("?"))
            .await?;
        respond(())
    });
    Dispatcher::builder(bot, handler).build().dispatch().await;
    Ok(())
}

// ----- the like-for-like baseline: a bare teloxide bot with a content tree -----

/// A screen's text, about the size of a content screen with its footer.
const LIKE_TEXT: &str = "<b>Targeted therapy resistance</b>\n\nWhen a targeted \
    therapy stops working, it is often because the cancer found another way to \
    grow. Knowing how can open other treatment options.\n\nChoose a topic below \
    to read more.\n\n<i>This is general information, not medical advice. In an \
    emergency, call your local emergency number.</i>";

/// Node `node`'s keyboard: four children (callback data `g:N`, as the
/// navigator's tree buttons), then Back and Main menu.
fn like_keyboard(node: u32) -> teloxide::types::InlineKeyboardMarkup {
    use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
    let child = |i: u32| {
        let target = (node * 4 + i) % 1000;
        vec![InlineKeyboardButton::callback(
            format!("Topic {target}"),
            format!("g:{target}"),
        )]
    };
    let mut rows: Vec<_> = (1..=4).map(child).collect();
    rows.push(vec![
        InlineKeyboardButton::callback("◀ Back", format!("g:{}", node / 4)),
        InlineKeyboardButton::callback("🏠 Main menu", "g:0"),
    ]);
    InlineKeyboardMarkup::new(rows)
}

/// The navigator's Bot API work on a content tree without anything else:
/// any message is answered with the home screen and its keyboard, a press
/// with an edit of that message to the pressed node plus the answer to the
/// callback query. No storage, no sessions.
async fn like_bot() -> anyhow::Result<()> {
    use teloxide::prelude::*;
    use teloxide::types::ParseMode;
    let token = std::env::var("TELOXIDE_TOKEN")?;
    let url = std::env::var("TELOXIDE_API_URL")?.parse()?;
    let bot = Bot::new(token).set_api_url(url);
    let handler = dptree::entry()
        .branch(
            Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
                bot.send_message(msg.chat.id, LIKE_TEXT)
                    .parse_mode(ParseMode::Html)
                    .reply_markup(like_keyboard(0))
                    .await?;
                respond(())
            }),
        )
        .branch(Update::filter_callback_query().endpoint(
            |bot: Bot, q: CallbackQuery| async move {
                let node = q
                    .data
                    .as_deref()
                    .and_then(|d| d.strip_prefix("g:"))
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                if let Some(message) = q.regular_message() {
                    // "Message is not modified" (Main menu on the home
                    // screen) is no reason to leave the spinner turning.
                    let _ = bot
                        .edit_message_text(message.chat.id, message.id, LIKE_TEXT)
                        .parse_mode(ParseMode::Html)
                        .reply_markup(like_keyboard(node))
                        .await;
                }
                bot.answer_callback_query(q.id).await?;
                respond(())
            },
        ));
    Dispatcher::builder(bot, handler).build().dispatch().await;
    Ok(())
}

// ----- following the bot's calls ---------------------------------------------------

/// Where a bot call belongs, for the simulated people waiting on it.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
enum Key {
    /// A call into a private chat.
    Chat(i64),
    /// A call into a topic of the coordinators' group.
    Thread(i64),
    /// A copy of (chat, message).
    Source(i64, i64),
    /// The answer to a callback query.
    Callback(String),
    /// A case card with its Take button, posted in the group.
    Cards,
}

#[derive(Default)]
struct Mailbox {
    calls: Vec<Arc<RecordedCall>>,
    notify: Arc<Notify>,
}

/// Sorts every successful bot call into mailboxes as the emulator records it.
#[derive(Default)]
struct Tracker {
    boxes: Mutex<HashMap<Key, Mailbox>>,
}

impl Tracker {
    fn start(emulator: Arc<Emulator>) -> (Arc<Tracker>, tokio::task::JoinHandle<()>) {
        let tracker = Arc::new(Tracker::default());
        let follower = tracker.clone();
        let task = tokio::spawn(async move {
            let mut activity = emulator.activity();
            let mut next = 0;
            loop {
                let (calls, upto) = emulator.calls_since(next);
                next = upto;
                for call in calls {
                    follower.sort(Arc::new(call));
                }
                if activity.changed().await.is_err() {
                    return;
                }
            }
        });
        (tracker, task)
    }

    fn sort(&self, call: Arc<RecordedCall>) {
        if call.status != 200 {
            return;
        }
        let p = &call.params;
        let mut keys = Vec::new();
        if let Some(chat) = p.get("chat_id").and_then(Value::as_i64) {
            if chat == GROUP {
                if let Some(thread) = p.get("message_thread_id").and_then(Value::as_i64) {
                    keys.push(Key::Thread(thread));
                }
                if call.method == "sendMessage" && p["reply_markup"].to_string().contains("q:take:")
                {
                    keys.push(Key::Cards);
                }
            } else {
                keys.push(Key::Chat(chat));
            }
        }
        if let (Some(from), Some(message)) = (
            p.get("from_chat_id").and_then(Value::as_i64),
            p.get("message_id").and_then(Value::as_i64),
        ) {
            keys.push(Key::Source(from, message));
        }
        if let Some(id) = p.get("callback_query_id").and_then(Value::as_str) {
            keys.push(Key::Callback(id.to_owned()));
        }
        let mut boxes = self.boxes.lock().unwrap();
        for key in keys {
            let mailbox = boxes.entry(key).or_default();
            mailbox.calls.push(call.clone());
            mailbox.notify.notify_one();
        }
    }

    /// The `seen`-th call under `key`, waiting up to `wait` for it.
    async fn next(&self, key: &Key, seen: &mut usize, wait: Duration) -> Option<Arc<RecordedCall>> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let notify = {
                let mut boxes = self.boxes.lock().unwrap();
                let mailbox = boxes.entry(key.clone()).or_default();
                if let Some(call) = mailbox.calls.get(*seen) {
                    *seen += 1;
                    return Some(call.clone());
                }
                mailbox.notify.clone()
            };
            if tokio::time::timeout_at(deadline, notify.notified())
                .await
                .is_err()
            {
                return None;
            }
        }
    }

    /// The first call under `key` made at or after `since`.
    async fn first_after(
        &self,
        key: &Key,
        seen: &mut usize,
        since: SystemTime,
    ) -> anyhow::Result<Arc<RecordedCall>> {
        loop {
            let call = self
                .next(key, seen, STUCK)
                .await
                .with_context(|| format!("no bot call for {key:?} within {STUCK:?}"))?;
            if call.at >= since {
                return Ok(call);
            }
        }
    }
}

/// Update-to-reply latencies and the number of updates sent, for one run.
#[derive(Default)]
struct Tally {
    latencies: Mutex<Vec<Duration>>,
    updates: AtomicUsize,
}

impl Tally {
    fn record(&self, posted: SystemTime, reply: &RecordedCall) {
        let latency = reply.at.duration_since(posted).unwrap_or_default();
        self.latencies.lock().unwrap().push(latency);
    }

    fn sent(&self) {
        self.updates.fetch_add(1, Ordering::Relaxed);
    }

    fn percentiles(&self) -> Percentiles {
        let mut all = self.latencies.lock().unwrap().clone();
        all.sort();
        Percentiles::of(&all)
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Percentiles {
    p50: Duration,
    p95: Duration,
    p99: Duration,
}

impl Percentiles {
    fn of(sorted: &[Duration]) -> Percentiles {
        let at = |q: f64| {
            if sorted.is_empty() {
                return Duration::ZERO;
            }
            let index = (q * (sorted.len() - 1) as f64).round() as usize;
            sorted[index]
        };
        Percentiles {
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
        }
    }
}

// ----- simulated people ------------------------------------------------------------

/// A person in a chat with the bot, who waits for answers like a reader.
struct Person {
    user: UserHandle,
    key: Key,
    seen: usize,
    tracker: Arc<Tracker>,
    tally: Arc<Tally>,
    quiet: Duration,
}

impl Person {
    fn new(
        user: UserHandle,
        key: Key,
        tracker: &Arc<Tracker>,
        tally: &Arc<Tally>,
        quiet: Duration,
    ) -> Person {
        Person {
            user,
            key,
            seen: 0,
            tracker: tracker.clone(),
            tally: tally.clone(),
            quiet,
        }
    }

    /// Waits for the bot's first call under `key` after `posted`, records
    /// the latency, then waits for a quiet moment in this person's chat.
    async fn answered(
        &mut self,
        key: &Key,
        posted: SystemTime,
    ) -> anyhow::Result<Arc<RecordedCall>> {
        let first = if *key == self.key {
            self.tracker
                .first_after(key, &mut self.seen, posted)
                .await?
        } else {
            let mut seen = 0;
            self.tracker.first_after(key, &mut seen, posted).await?
        };
        self.tally.record(posted, &first);
        self.settle().await;
        Ok(first)
    }

    async fn settle(&mut self) {
        while self
            .tracker
            .next(&self.key, &mut self.seen, self.quiet)
            .await
            .is_some()
        {}
    }

    async fn say(&mut self, text: &str) -> anyhow::Result<Sent> {
        let posted = SystemTime::now();
        let sent = self.user.send_text(text).await;
        self.tally.sent();
        let key = self.key.clone();
        self.answered(&key, posted).await?;
        Ok(sent)
    }

    /// Sends a text that the bot copies elsewhere (no answer in this chat).
    async fn say_relayed(&mut self, text: &str) -> anyhow::Result<()> {
        let posted = SystemTime::now();
        let sent = self.user.send_text(text).await;
        self.tally.sent();
        let copy = Key::Source(self.user.chat_id(), sent.message_id);
        self.answered(&copy, posted).await?;
        Ok(())
    }

    async fn send_pdf(&mut self) -> anyhow::Result<()> {
        let posted = SystemTime::now();
        self.user
            .send_document("ct-report.pdf", "application/pdf")
            .await;
        self.tally.sent();
        let key = self.key.clone();
        self.answered(&key, posted).await?;
        Ok(())
    }

    /// Presses the newest button with this label, waiting for it to appear.
    async fn press(&mut self, label: &str) -> anyhow::Result<()> {
        let (message_id, data) = self.button(label).await?;
        let posted = SystemTime::now();
        let sent = self.user.send_callback(message_id, &data)?;
        self.tally.sent();
        let answer = Key::Callback(sent.callback_id.clone().unwrap_or_default());
        self.answered(&answer, posted).await?;
        Ok(())
    }

    /// Presses a content-tree button (callback data `g:…`) of the newest
    /// bot message that has some, the one at `pick` (in [0, 1)) of them.
    async fn press_tree(&mut self, pick: f64) -> anyhow::Result<()> {
        let deadline = Instant::now() + STUCK;
        let (message_id, data) = loop {
            let found = self.user.transcript().iter().rev().find_map(|m| {
                if !m.from_bot {
                    return None;
                }
                let tree: Vec<&String> = m
                    .buttons
                    .iter()
                    .flatten()
                    .filter_map(|b| b.callback_data.as_ref())
                    .filter(|d| d.starts_with("g:"))
                    .collect();
                let index = ((pick * tree.len() as f64) as usize).min(tree.len().checked_sub(1)?);
                Some((m.message_id, tree[index].clone()))
            });
            if let Some(found) = found {
                break found;
            }
            if Instant::now() > deadline {
                bail!("no tree button: {}", self.user.transcript_text());
            }
            let key = self.key.clone();
            self.tracker.next(&key, &mut self.seen, STUCK).await;
        };
        let posted = SystemTime::now();
        let sent = self.user.send_callback(message_id, &data)?;
        self.tally.sent();
        let answer = Key::Callback(sent.callback_id.clone().unwrap_or_default());
        self.answered(&answer, posted).await?;
        Ok(())
    }

    async fn button(&mut self, label: &str) -> anyhow::Result<(i64, String)> {
        let deadline = Instant::now() + STUCK;
        loop {
            let found = self.user.transcript().iter().rev().find_map(|m| {
                let button = m.button(label).filter(|_| m.from_bot)?;
                Some((m.message_id, button.callback_data.clone()?))
            });
            if let Some(found) = found {
                return Ok(found);
            }
            if Instant::now() > deadline {
                bail!("no button {label:?}: {}", self.user.transcript_text());
            }
            let key = self.key.clone();
            self.tracker.next(&key, &mut self.seen, STUCK).await;
        }
    }

    /// Waits for a call under this person's key that `matches`.
    async fn wait_for(
        &mut self,
        what: &str,
        matches: impl Fn(&RecordedCall) -> bool,
    ) -> anyhow::Result<()> {
        loop {
            let key = self.key.clone();
            let call = self
                .tracker
                .next(&key, &mut self.seen, STUCK)
                .await
                .with_context(|| format!("waited in vain for {what}"))?;
            if matches(&call) {
                return Ok(());
            }
        }
    }
}

/// One patient's whole journey.
async fn patient_journey(mut patient: Person) -> anyhow::Result<()> {
    patient.say("/start").await?;
    patient.press("📖 Targeted therapy resistance").await?;
    patient.press("How resistance develops").await?;
    patient.press("🏠 Main menu").await?;
    patient.press("📝 Request a case review").await?;
    patient.press("No, not right now").await?;
    patient.press("✅ I agree").await?;
    patient.press("I am the patient").await?;
    patient.say("Zoe").await?;
    patient.say("48").await?;
    patient.say("Canada").await?;
    patient.press("Lung").await?;
    patient.press("ALK").await?;
    patient.say("lorlatinib").await?;
    patient.press("No").await?;
    patient.press("Not yet").await?;
    patient.press("☐ Medical record review").await?;
    patient.press("✅ Done").await?;
    patient.send_pdf().await?;
    patient.press("✅ Done").await?;
    patient.press("Here in Telegram").await?;
    patient.press("✓ English").await?;
    patient.press("📨 Submit").await?;
    patient
        .wait_for("the coordinator's first message", |call| {
            call.method == "copyMessage" && call.params["from_chat_id"].as_i64() == Some(GROUP)
        })
        .await?;
    patient
        .say_relayed("Thank you. I have the biopsy report from March.")
        .await?;
    patient
        .say_relayed("When can we talk about next steps?")
        .await?;
    patient.press("5 ⭐").await?;
    Ok(())
}

/// A coordinator who takes a case from its card, writes, waits for the
/// patient's two messages and closes the case.
async fn coordinator_shift(
    emulator: Arc<Emulator>,
    tracker: Arc<Tracker>,
    tally: Arc<Tally>,
    card: Arc<RecordedCall>,
) -> anyhow::Result<()> {
    let thread = card.params["message_thread_id"]
        .as_i64()
        .context("a card outside a topic")?;
    let card_id = card.response["result"]["message_id"]
        .as_i64()
        .context("a card without id")?;
    let markup = card.params["reply_markup"].to_string();
    let take = markup
        .split('"')
        .find(|s| s.starts_with("q:take:"))
        .context("a card without Take")?
        .to_owned();
    let coordinator_id = 9_000 + thread % 7;
    let coordinator = emulator
        .private_user(UserSpec {
            id: coordinator_id,
            first_name: "Alex".into(),
            username: Some(format!("coordinator{coordinator_id}")),
            ..Default::default()
        })
        .in_chat(GROUP)
        .in_topic(thread);
    let topic = Key::Thread(thread);
    let mut seen = 0;

    let posted = SystemTime::now();
    let press = coordinator.send_callback(card_id, &take)?;
    tally.sent();
    let answer = Key::Callback(press.callback_id.clone().unwrap_or_default());
    let mut answer_seen = 0;
    tally.record(
        posted,
        &*tracker
            .first_after(&answer, &mut answer_seen, posted)
            .await?,
    );

    let posted = SystemTime::now();
    let hello = coordinator
        .send_text("Hello, I am your coordinator. Could you send the biopsy report?")
        .await;
    tally.sent();
    let mut copy_seen = 0;
    let copy = Key::Source(GROUP, hello.message_id);
    tally.record(
        posted,
        &*tracker.first_after(&copy, &mut copy_seen, posted).await?,
    );

    let mut relayed = 0;
    while relayed < 2 {
        let call = tracker
            .next(&topic, &mut seen, STUCK)
            .await
            .context("the patient's messages never reached the topic")?;
        if call.method == "copyMessage" {
            relayed += 1;
        }
    }
    let posted = SystemTime::now();
    coordinator.send_text("/close").await;
    tally.sent();
    tally.record(
        posted,
        &*tracker.first_after(&topic, &mut seen, posted).await?,
    );
    Ok(())
}

// ----- the runs -----------------------------------------------------------------------

struct Figures {
    /// The bot process's CPU time per update of the journeys, µs.
    cpu_per_update: f64,
    /// The same during the fixed-rate run.
    fixed_cpu_per_update: f64,
    updates: usize,
    seconds: f64,
    journeys: Percentiles,
    fixed_rate: Percentiles,
    fixed_rate_sent: usize,
    peak_rss_kib: Option<u64>,
    start: Option<Duration>,
    bytes_per_case: Option<f64>,
}

impl Figures {
    fn per_second(&self) -> f64 {
        self.updates as f64 / self.seconds
    }
}

/// The navigator binary of the load and telegram-limits scenarios.
fn navigator_bin(args: &Args) -> PathBuf {
    args.navigator_bin
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_navigator")))
}

/// A database for one backend run, dropped afterwards.
struct BenchDb {
    url: String,
    file: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

impl BenchDb {
    async fn create(backend: &str, admin_url: &str) -> anyhow::Result<BenchDb> {
        match backend {
            "sqlite" | "sqlite-normal" => {
                let dir = tempfile::tempdir()?;
                let mut url = format!("sqlite://{}", dir.path().join("bench.db").display());
                if backend == "sqlite-normal" {
                    // Commits not waited on disk (the default is FULL).
                    url.push_str("?synchronous=normal");
                }
                Ok(BenchDb {
                    url,
                    file: Some(dir),
                    postgres: None,
                })
            }
            "postgres" => {
                // One per bot: browse runs several navigators at once.
                static CREATED: AtomicUsize = AtomicUsize::new(0);
                let name = format!(
                    "nav_bench_{}_{}",
                    std::process::id(),
                    CREATED.fetch_add(1, Ordering::Relaxed)
                );
                let mut admin = sqlx::PgConnection::connect(admin_url)
                    .await
                    .context("PostgreSQL is not reachable (see --postgres-admin-url)")?;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
                    .await?;
                admin
                    .execute(format!("CREATE DATABASE {name}").as_str())
                    .await?;
                let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
                Ok(BenchDb {
                    url: format!("{base}/{name}"),
                    file: None,
                    postgres: Some((admin_url.to_owned(), name)),
                })
            }
            other => bail!("unknown backend {other} (sqlite or postgres)"),
        }
    }

    /// Bytes the database takes (SQLite: after a checkpoint).
    async fn size(&self) -> anyhow::Result<u64> {
        if let Some(dir) = &self.file {
            let path = dir.path().join("bench.db");
            let mut conn =
                sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await?;
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").await?;
            conn.close().await?;
            return Ok(std::fs::metadata(path)?.len());
        }
        let mut conn = sqlx::PgConnection::connect(&self.url).await?;
        let size: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
            .fetch_one(&mut conn)
            .await?;
        Ok(size as u64)
    }

    async fn drop_database(&self) -> anyhow::Result<()> {
        if let Some((admin_url, name)) = &self.postgres {
            let mut admin = sqlx::PgConnection::connect(admin_url).await?;
            admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await?;
        }
        Ok(())
    }
}

/// Stores `count` submitted cases, as earlier patients would have.
async fn seed(url: &str, count: usize) -> anyhow::Result<()> {
    use patient_navigator::dialogue::Session;
    use patient_navigator::intake::{Answer, Document, DocumentKind, Submission};
    let storage = Storage::connect(url).await?;
    let session = Session {
        locale: "en".into(),
        locale_chosen: false,
        node: "home".into(),
        intake: patient_navigator::intake::FormState::NoDraft,
        case: None,
    };
    let mut answers = std::collections::BTreeMap::new();
    answers.insert("writer".into(), Answer::Choice("patient".into()));
    answers.insert("first-name".into(), Answer::Text("Zoe".into()));
    answers.insert("age".into(), Answer::Integer(48));
    answers.insert("country".into(), Answer::Country("CA".into()));
    answers.insert("cancer".into(), Answer::Choice("lung".into()));
    answers.insert("driver".into(), Answer::Choice("alk".into()));
    answers.insert(
        "therapy".into(),
        Answer::Text("lorlatinib since 2024".into()),
    );
    answers.insert("progression".into(), Answer::Choice("no".into()));
    answers.insert("testing".into(), Answer::Choice("none".into()));
    answers.insert("help".into(), Answer::Multi(vec!["record-review".into()]));
    let documents = vec![Document {
        file_id: "BQACAgIAAxkBAAIBbench".into(),
        kind: DocumentKind::Pdf,
        name: Some("ct-report.pdf".into()),
        size: Some(182_000),
    }];
    answers.insert("documents".into(), Answer::Files(documents.clone()));
    answers.insert("language".into(), Answer::Language("en".into()));
    let submission = Submission {
        answers,
        consent_version: "2026-01".into(),
        consent_at: 1_780_000_000,
        summary: "<b>Writer:</b> the patient\n<b>First name:</b> Zoe\n<b>Age:</b> 48\n\
                  <b>Country:</b> Canada\n<b>Cancer:</b> Lung\n<b>Driver / biomarker:</b> ALK\n\
                  <b>Treatment:</b> lorlatinib since 2024\n<b>Progression:</b> No\n\
                  <b>Testing:</b> Not yet\n<b>Help wanted:</b> Medical record review"
            .into(),
        title: "Lung · ALK · Zoe".into(),
        documents,
    };
    // As the bot opens a case: in one update's work, with the session.
    for i in 0..count {
        let chat_id = 2_000_000 + i as i64;
        let Begun::Ready(mut work) = storage.begin_update((1 << 40) + i as i64).await? else {
            bail!("the seeding update {i} was not ready");
        };
        work.create_case(chat_id, &session.locale, &submission, None)
            .await?;
        work.save_session(chat_id, &session).await?;
        work.commit().await?;
    }
    storage.close().await;
    Ok(())
}

/// A bot process under test.
struct BotProcess {
    child: Child,
}

impl BotProcess {
    fn spawn(
        program: &Path,
        role: Option<&str>,
        emulator: &Emulator,
        db_url: &str,
        log: &Path,
        limits_scale: Option<f64>,
        teams_file: Option<&Path>,
    ) -> anyhow::Result<BotProcess> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut command = Command::new(program);
        match role {
            Some(role) => command.env(ROLE_ENV, role),
            None => command.arg("run"),
        };
        // Machine-speed load would only measure the pacer's waits; at
        // Telegram's limits the bot paces to the emulator's scaled windows.
        match limits_scale {
            Some(scale) => command.env("TELEGRAM_LIMITS_SCALE", scale.to_string()),
            None => command.env("NO_RATE_LIMITS", "true"),
        };
        if let Some(teams) = teams_file {
            command.env("TEAMS_FILE", teams);
        }
        let log = std::fs::File::create(log)?;
        let child = command
            .env("TELOXIDE_TOKEN", emulator.token())
            .env("TELOXIDE_API_URL", emulator.api_url().as_str())
            .env("DATABASE_URL", db_url)
            .env("COORDINATOR_CHAT_ID", GROUP.to_string())
            .env("RUST_LOG", "warn")
            .env("LOCALES_DIR", root.join("locales"))
            .env("DIALOGUES_DIR", root.join("dialogues"))
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot start {}", program.display()))?;
        Ok(BotProcess { child })
    }

    /// CPU time (user + system, every thread) the process used so far, µs,
    /// from `/proc/<pid>/stat` (in clock ticks, 10 ms apiece).
    fn cpu_micros(&self) -> anyhow::Result<u64> {
        let pid = self.child.id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .with_context(|| format!("no /proc/{pid}/stat"))?;
        // Fields after the command name (which may hold spaces): state is
        // the first, utime the 12th, stime the 13th.
        let after = stat
            .rsplit_once(')')
            .context("an unreadable /proc/<pid>/stat")?
            .1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |at: usize| -> anyhow::Result<u64> {
            fields
                .get(at)
                .context("a short /proc/<pid>/stat")?
                .parse::<u64>()
                .context("a non-numeric /proc/<pid>/stat field")
        };
        Ok((ticks(11)? + ticks(12)?) * 1_000_000 / clock_ticks())
    }

    /// Peak resident memory so far (VmHWM), KiB.
    fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    }

    /// SIGTERM, then waits for the exit (SIGKILL after 15 s).
    fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(15);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`; 100
/// on Linux).
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .filter(|&ticks| ticks > 0)
            .unwrap_or(100)
    })
}

/// A fresh emulator with the coordinators' forum, and its call follower.
async fn emulator(
    flood_control: Option<FloodControl>,
) -> anyhow::Result<(Arc<Emulator>, Arc<Tracker>, tokio::task::JoinHandle<()>)> {
    let emulator = Arc::new(
        Emulator::start_with(EmulatorOptions {
            // Under saturation an answer may come late; Telegram's 15 s
            // limit would only add errors to the figures.
            callback_query_timeout: None,
            // A case's opening waits for the bot to start (no answer
            // before); the limit only bounds a stuck run.
            reaction_timeout: STUCK,
            flood_control,
            ..EmulatorOptions::default()
        })
        .await?,
    );
    emulator.add_forum(GROUP, "Coordinators");
    let (tracker, follower) = Tracker::start(emulator.clone());
    Ok((emulator, tracker, follower))
}

fn patient(
    emulator: &Emulator,
    id: i64,
    tracker: &Arc<Tracker>,
    tally: &Arc<Tally>,
    quiet: Duration,
) -> Person {
    let user = emulator.private_user(UserSpec {
        id,
        first_name: "Zoe".into(),
        language_code: Some("en".into()),
        ..Default::default()
    });
    Person::new(user, Key::Chat(id), tracker, tally, quiet)
}

/// Time from starting the process to the bot's answer to a waiting /start.
async fn measure_start(
    program: &Path,
    role: Option<&str>,
    emulator: &Emulator,
    tracker: &Arc<Tracker>,
    db_url: &str,
    log: &Path,
    id: i64,
) -> anyhow::Result<(Duration, BotProcess)> {
    let tally = Arc::new(Tally::default());
    let person = patient(emulator, id, tracker, &tally, Duration::ZERO);
    let started = SystemTime::now();
    let process = BotProcess::spawn(program, role, emulator, db_url, log, None, None)?;
    person.user.send_text("/start").await;
    let mut seen = 0;
    let reply = tracker
        .first_after(&Key::Chat(id), &mut seen, started)
        .await
        .with_context(|| format!("the bot never answered; see {}", log.display()))?;
    Ok((reply.at.duration_since(started)?, process))
}

/// Every patient's journey at once, with coordinators taking the cases.
async fn journeys(
    emulator: &Arc<Emulator>,
    tracker: &Arc<Tracker>,
    args: &Args,
    first_id: i64,
) -> anyhow::Result<(Arc<Tally>, f64)> {
    let tally = Arc::new(Tally::default());
    let quiet = Duration::from_millis(args.quiet_ms);
    let started = Instant::now();
    let coordinators = {
        let (emulator, tracker, tally) = (emulator.clone(), tracker.clone(), tally.clone());
        let count = args.journeys;
        tokio::spawn(async move {
            let mut seen = 0;
            let mut shifts = Vec::new();
            for _ in 0..count {
                let card = tracker
                    .next(&Key::Cards, &mut seen, STUCK)
                    .await
                    .context("a case card never came")?;
                shifts.push(tokio::spawn(coordinator_shift(
                    emulator.clone(),
                    tracker.clone(),
                    tally.clone(),
                    card,
                )));
            }
            for shift in shifts {
                shift.await??;
            }
            anyhow::Ok(())
        })
    };
    let patients: Vec<_> = (0..args.journeys)
        .map(|i| {
            let person = patient(emulator, first_id + i as i64, tracker, &tally, quiet);
            tokio::spawn(patient_journey(person))
        })
        .collect();
    for journey in patients {
        journey.await??;
    }
    coordinators.await??;
    Ok((tally, started.elapsed().as_secs_f64()))
}

/// The echo bot's equivalent: each patient sends `steps` texts in turn.
async fn echo_journeys(
    emulator: &Arc<Emulator>,
    tracker: &Arc<Tracker>,
    args: &Args,
    steps: usize,
    first_id: i64,
) -> anyhow::Result<(Arc<Tally>, f64)> {
    let tally = Arc::new(Tally::default());
    let quiet = Duration::from_millis(args.quiet_ms);
    let started = Instant::now();
    let patients: Vec<_> = (0..args.journeys)
        .map(|i| {
            let mut person = patient(emulator, first_id + i as i64, tracker, &tally, quiet);
            tokio::spawn(async move {
                for step in 0..steps {
                    person.say(&format!("message {step}")).await?;
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for journey in patients {
        journey.await??;
    }
    Ok((tally, started.elapsed().as_secs_f64()))
}

/// Updates offered at a fixed rate, each by a patient once a second:
/// /start, then a tree button, alternately (echo: a text).
async fn fixed_rate(
    emulator: &Arc<Emulator>,
    tracker: &Arc<Tracker>,
    args: &Args,
    echo: bool,
    first_id: i64,
) -> anyhow::Result<Arc<Tally>> {
    let tally = Arc::new(Tally::default());
    let patients = args.rate.max(1);
    let interval = Duration::from_secs(1);
    let start = tokio::time::Instant::now() + Duration::from_millis(200);
    let tasks: Vec<_> = (0..patients)
        .map(|i| {
            let mut person = patient(
                emulator,
                first_id + i as i64,
                tracker,
                &tally,
                Duration::ZERO,
            );
            let offset = interval.mul_f64(i as f64 / patients as f64);
            let rounds = args.rate_seconds;
            tokio::spawn(async move {
                for round in 0..rounds {
                    tokio::time::sleep_until(start + offset + interval * round as u32).await;
                    if echo || round % 2 == 0 {
                        person.say("/start").await?;
                    } else {
                        person.press("📖 Targeted therapy resistance").await?;
                    }
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(tally)
}

/// Everything measured on one backend for one bot.
async fn measure(args: &Args, backend: &str, echo: bool, work: &Path) -> anyhow::Result<Figures> {
    let program: PathBuf = if echo {
        std::env::current_exe()?
    } else {
        navigator_bin(args)
    };
    let name = if echo { "echo" } else { "navigator" };
    let db = BenchDb::create(backend, &args.postgres_admin_url).await?;
    if !echo {
        eprintln!("[{backend}] seeding {} cases…", args.seed_cases);
        seed(&db.url, args.seed_cases).await?;
    }
    let size_before = if echo { 0 } else { db.size().await? };
    let (emulator, tracker, follower) = emulator(None).await?;
    let log = work.join(format!("{name}-{backend}.log"));

    let mut starts = Vec::new();
    let mut running = None;
    let count = args.starts.max(1);
    for i in 0..count {
        let (took, process) = measure_start(
            &program,
            echo.then_some("echo"),
            &emulator,
            &tracker,
            &db.url,
            &log,
            1_000 + i as i64,
        )
        .await?;
        starts.push(took);
        if i + 1 < count {
            process.stop();
        } else {
            running = Some(process);
        }
    }
    starts.sort();
    let start = starts[starts.len() / 2];
    let process = running.context("no bot running")?;

    eprintln!("[{backend}] {name}: {} journeys…", args.journeys);
    let cpu_before = process.cpu_micros()?;
    let (tally, seconds) = if echo {
        echo_journeys(&emulator, &tracker, args, 30, 100_000).await?
    } else {
        journeys(&emulator, &tracker, args, 100_000).await?
    };
    eprintln!(
        "[{backend}] {name}: {} updates/s offered for {} s…",
        args.rate, args.rate_seconds
    );
    let cpu_journeys = process.cpu_micros()? - cpu_before;
    let fixed = fixed_rate(&emulator, &tracker, args, echo, 500_000).await?;
    let cpu_fixed = process.cpu_micros()? - cpu_before - cpu_journeys;
    let peak_rss_kib = process.peak_rss_kib();
    process.stop();
    follower.abort();
    let bytes_per_case = if echo {
        None
    } else {
        let after = db.size().await?;
        Some(after.saturating_sub(size_before) as f64 / args.journeys.max(1) as f64)
    };
    db.drop_database().await?;
    let updates = tally.updates.load(Ordering::Relaxed);
    let fixed_rate_sent = fixed.updates.load(Ordering::Relaxed);
    Ok(Figures {
        cpu_per_update: cpu_journeys as f64 / updates.max(1) as f64,
        fixed_cpu_per_update: cpu_fixed as f64 / fixed_rate_sent.max(1) as f64,
        updates,
        seconds,
        journeys: tally.percentiles(),
        fixed_rate: fixed.percentiles(),
        fixed_rate_sent,
        peak_rss_kib,
        start: Some(start),
        bytes_per_case,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn print_row(backend: &str, name: &str, f: &Figures) {
    println!(
        "{backend:<9} {name:<10} {:>9.0} {:>9.0} {:>8} {:>8.1} {:>10.0}  {:>6} {:>6} {:>6}   {:>6} {:>6} {:>6}  {:>8}  {:>8}  {:>9}",
        f.cpu_per_update,
        f.fixed_cpu_per_update,
        f.updates,
        f.seconds,
        f.per_second(),
        ms(f.journeys.p50),
        ms(f.journeys.p95),
        ms(f.journeys.p99),
        ms(f.fixed_rate.p50),
        ms(f.fixed_rate.p95),
        ms(f.fixed_rate.p99),
        f.peak_rss_kib
            .map_or("-".into(), |k| format!("{:.1}", k as f64 / 1024.0)),
        f.start.map_or("-".into(), ms),
        f.bytes_per_case.map_or("-".into(), |b| format!("{b:.0}")),
    );
}

// ----- at Telegram's limits ---------------------------------------------------------

/// How long a /menu may wait for its answer before it counts as unanswered.
const MENU_WAIT: Duration = Duration::from_secs(30);

/// Everything measured at Telegram's limits on one backend.
struct LimitsFigures {
    /// Patients' texts sent, and those that reached the group (once or more).
    sent: usize,
    delivered: usize,
    /// Texts seen more than once in the group.
    duplicates: usize,
    /// Group messages carrying patients' texts.
    carriers: usize,
    /// 429s the bot provoked.
    refusals: usize,
    /// Patient's send to first seen in the group, real time.
    relay: Percentiles,
    /// /menu to its answer during the backlog, real time.
    menu: Percentiles,
    menus: usize,
    menus_unanswered: usize,
    /// Last patient's send to every text visible (None: not all arrived).
    drain: Option<Duration>,
}

impl LimitsFigures {
    fn meets(&self, scale: f64) -> [(&'static str, bool); 4] {
        [
            (
                "100% delivered",
                self.sent > 0 && self.delivered == self.sent,
            ),
            ("0 429s", self.refusals == 0),
            (
                "/menu p95 < 2 s",
                self.menus_unanswered == 0 && self.menu.p95 < Duration::from_secs(2),
            ),
            (
                "relay p95 < 60 s TG",
                self.relay.p95.as_secs_f64() / scale < 60.0,
            ),
        ]
    }
}

/// Patient `i`'s text `j`, unique so that its arrival can be told.
fn limits_text(i: usize, j: usize) -> String {
    format!("p{i} m{j}")
}

/// A repeatable number in [0, 1) from two (splitmix64): the same jitter on
/// every run, so that runs compare.
fn unit(a: u64, b: u64) -> f64 {
    let mut z = a
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(b.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

/// The patients' texts a group message carries: a merged message has one
/// line `HH:MM text` per part; a copied one is the text itself.
fn message_parts(text: &str) -> Vec<&str> {
    fn merged_part(line: &str) -> Option<&str> {
        let (time, text) = line.split_once(' ')?;
        let b = time.as_bytes();
        let is_time =
            b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&at| b[at].is_ascii_digit());
        is_time.then_some(text)
    }
    let parts: Option<Vec<&str>> = text.lines().map(merged_part).collect();
    match parts {
        Some(parts) if !parts.is_empty() => parts,
        _ => vec![text],
    }
}

/// One backend at Telegram's limits: the emulator enforcing them, the bot
/// pacing to them, both scaled in time by `--limits-scale`.
async fn telegram_limits(
    args: &Args,
    backend: &str,
    teams: usize,
    work: &Path,
) -> anyhow::Result<LimitsFigures> {
    let program = navigator_bin(args);
    let scale = args.limits_scale;
    let db = BenchDb::create(backend, &args.postgres_admin_url).await?;
    let flood = FloodControl::telegram().scaled(scale);
    let (emulator, tracker, follower) = emulator(Some(flood)).await?;
    let log = work.join(format!("navigator-limits-{backend}.log"));
    // Two teams: a Spanish team with a group of its own, the rest default.
    let groups: Vec<i64> = if teams >= 2 {
        vec![GROUP, SECOND_GROUP]
    } else {
        vec![GROUP]
    };
    let teams_file = (teams >= 2).then(|| work.join("teams.yaml"));
    if let Some(file) = &teams_file {
        emulator.add_forum(SECOND_GROUP, "Spanish desk");
        std::fs::write(
            file,
            format!(
                "teams:\n  - name: Spanish desk\n    group: {SECOND_GROUP}\n    languages: [es]\n  - name: General\n    group: {GROUP}\n    default: true\n"
            ),
        )?;
    }
    let process = BotProcess::spawn(
        &program,
        None,
        &emulator,
        &db.url,
        &log,
        Some(scale),
        teams_file.as_deref(),
    )?;
    eprintln!(
        "[{backend}] telegram limits ×{scale}, {teams} team(s): {} patients × {} texts…",
        args.limits_patients, args.limits_texts
    );
    let figures = limits_run(args, &emulator, &tracker, &log, &groups).await;
    process.stop();
    follower.abort();
    db.drop_database().await?;
    figures
}

/// Every message in the teams' groups.
fn group_messages(
    emulator: &Emulator,
    groups: &[i64],
) -> Vec<patient_navigator::emulator::ChatMessage> {
    groups
        .iter()
        .flat_map(|group| emulator.chat_transcript(*group))
        .collect()
}

async fn limits_run(
    args: &Args,
    emulator: &Arc<Emulator>,
    tracker: &Arc<Tracker>,
    log: &Path,
    groups: &[i64],
) -> anyhow::Result<LimitsFigures> {
    let scale = args.limits_scale;
    let count = args.limits_patients.max(1);
    let texts = args.limits_texts;
    let patients: Vec<UserHandle> = (0..count)
        .map(|i| {
            emulator.private_user(UserSpec {
                id: 700_000 + i as i64,
                first_name: format!("P{i}"),
                // With two teams, every other patient goes to the Spanish one.
                language_code: Some(
                    if groups.len() > 1 && i % 2 == 1 {
                        "es"
                    } else {
                        "en"
                    }
                    .into(),
                ),
                ..Default::default()
            })
        })
        .collect();
    // A case each, so a topic each in the one group. The scenario is
    // patients *after* handoff: their texts start once every case's topic
    // and card are in the group (the openings, two messages each, go first
    // by priority and would otherwise be counted as the texts' wait).
    for patient in &patients {
        let start = patient
            .try_say("/start")
            .await
            .with_context(|| format!("no answer to /start; see {}", log.display()))?;
        let last = start.last().context("/start answered nothing")?.message_id;
        // "Talk to a person" asks whether it is an emergency first.
        let press = patient.send_callback(last, "a:person")?;
        let asked = patient
            .try_reaction(&press)
            .await
            .context("no emergency question")?;
        let question = asked.last().context("no emergency question")?.message_id;
        let press = patient.send_callback(question, "p:no")?;
        patient
            .try_reaction(&press)
            .await
            .context("the case did not open")?;
    }

    let opened = Instant::now() + Duration::from_secs(args.limits_timeout);
    while group_messages(emulator, groups)
        .iter()
        .filter(|message| message.from_bot && !message.buttons.is_empty())
        .count()
        < count
    {
        if Instant::now() > opened {
            bail!("the cases' topics did not all open; see {}", log.display());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let deadline = Instant::now() + Duration::from_secs(args.limits_timeout);
    let expected: HashSet<String> = (0..count)
        .flat_map(|i| (0..texts).map(move |j| limits_text(i, j)))
        .collect();
    let backlog_over = Arc::new(AtomicBool::new(false));
    let sent_at: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();

    // First-seen times in the group, polled (what a coordinator would see).
    let watcher = {
        let (emulator, over) = (emulator.clone(), backlog_over.clone());
        let (expected, groups) = (expected.clone(), groups.to_vec());
        tokio::spawn(async move {
            let mut first_seen: HashMap<String, Instant> = HashMap::new();
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            loop {
                tick.tick().await;
                let now = Instant::now();
                for message in group_messages(&emulator, &groups) {
                    if !message.from_bot {
                        continue;
                    }
                    for part in message_parts(&message.text) {
                        if expected.contains(part) && !first_seen.contains_key(part) {
                            first_seen.insert(part.to_owned(), now);
                        }
                    }
                }
                if first_seen.len() == expected.len() || now > deadline {
                    break;
                }
            }
            over.store(true, Ordering::Relaxed);
            first_seen
        })
    };

    // A person's pace: one text every ~10 s (6 to 14) of Telegram time.
    let writers: Vec<_> = patients
        .iter()
        .enumerate()
        .map(|(i, patient)| {
            let (patient, sent_at) = (patient.clone(), sent_at.clone());
            tokio::spawn(async move {
                for j in 0..texts {
                    let pause = (6.0 + 8.0 * unit(i as u64, j as u64)) * scale;
                    tokio::time::sleep(Duration::from_secs_f64(pause)).await;
                    let text = limits_text(i, j);
                    sent_at.lock().unwrap().insert(text.clone(), Instant::now());
                    patient.send_text(&text).await;
                }
            })
        })
        .collect();

    // Meanwhile a patient (round robin) opens the menu every second: their
    // own screens must not wait behind the group's backlog. The bot's own
    // per-patient flood guard (8 texts in 10 real s) stays clear of it at
    // the defaults: 5 texts and a /menu every 12 s per patient.
    let menus = {
        let (tracker, over, patients) = (tracker.clone(), backlog_over.clone(), patients.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut unanswered = 0;
            let mut seen = vec![0; patients.len()];
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            for turn in 0.. {
                tick.tick().await;
                if over.load(Ordering::Relaxed) {
                    break;
                }
                let i = turn % patients.len();
                let key = Key::Chat(patients[i].chat_id());
                let posted = SystemTime::now();
                patients[i].send_text("/menu").await;
                // The menu is a new message; reactions and other calls in
                // the chat are not its answer.
                let until = Instant::now() + MENU_WAIT;
                let reply = loop {
                    let left = until.saturating_duration_since(Instant::now());
                    match tracker.next(&key, &mut seen[i], left).await {
                        Some(call) if call.method == "sendMessage" && call.at >= posted => {
                            break Some(call);
                        }
                        Some(_) => {}
                        None => break None,
                    }
                };
                match reply {
                    Some(call) => {
                        latencies.push(call.at.duration_since(posted).unwrap_or_default());
                    }
                    None => unanswered += 1,
                }
            }
            (latencies, unanswered)
        })
    };

    for writer in writers {
        writer.await?;
    }
    let first_seen = watcher.await?;
    let (mut menu_latencies, menus_unanswered) = menus.await?;
    // A late second copy would show only after the backlog: look again once
    // the group has been quiet for a while.
    tokio::time::sleep(Duration::from_secs_f64((60.0 * scale).clamp(1.0, 10.0))).await;

    let sent_at = sent_at.lock().unwrap().clone();
    let mut relay: Vec<Duration> = first_seen
        .iter()
        .filter_map(|(text, seen)| Some(seen.saturating_duration_since(*sent_at.get(text)?)))
        .collect();
    relay.sort();
    menu_latencies.sort();
    let last_send = sent_at.values().max().copied();
    let drain = match (last_send, first_seen.values().max()) {
        (Some(last_send), Some(last_seen)) if first_seen.len() == expected.len() => {
            Some(last_seen.saturating_duration_since(last_send))
        }
        _ => None,
    };
    let mut occurrences: HashMap<String, usize> = HashMap::new();
    let mut carriers = 0;
    for message in group_messages(emulator, groups) {
        let parts: Vec<&str> = message_parts(&message.text)
            .into_iter()
            .filter(|part| message.from_bot && expected.contains(*part))
            .collect();
        if !parts.is_empty() {
            carriers += 1;
        }
        for part in parts {
            *occurrences.entry(part.to_owned()).or_default() += 1;
        }
    }
    Ok(LimitsFigures {
        sent: sent_at.len(),
        delivered: first_seen.len(),
        duplicates: occurrences.values().map(|n| n.saturating_sub(1)).sum(),
        carriers,
        refusals: emulator.flood_refusals().len(),
        relay: Percentiles::of(&relay),
        menu: Percentiles::of(&menu_latencies),
        menus: menu_latencies.len() + menus_unanswered,
        menus_unanswered,
        drain,
    })
}

fn secs(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

fn print_limits(args: &Args, results: &[(String, LimitsFigures)]) {
    let scale = args.limits_scale;
    let telegram = |d: Duration| d.div_f64(scale);
    println!();
    println!(
        "Telegram's limits ×{scale} (TG = real ÷ {scale}): {} patients × {} texts, one every 6–14 s TG; a /menu every 1 s real during the backlog",
        args.limits_patients, args.limits_texts
    );
    println!(
        "{:<16} {:>9} {:>5} {:>5} {:>9}  {:>15}  {:>15}  {:>16}  {:>12}",
        "backend",
        "delivered",
        "dups",
        "429s",
        "msgs/text",
        "relay p50/95 s",
        "relay p50/95 ms",
        "/menu p50/95 ms",
        "drain s / ms",
    );
    for (backend, f) in results {
        println!(
            "{backend:<16} {:>9} {:>5} {:>5} {:>9.2}  {:>15}  {:>15}  {:>16}  {:>12}",
            format!("{}/{}", f.delivered, f.sent),
            f.duplicates,
            f.refusals,
            f.carriers as f64 / f.sent.max(1) as f64,
            format!(
                "{} / {}",
                secs(telegram(f.relay.p50)),
                secs(telegram(f.relay.p95))
            ),
            format!(
                "{:.0} / {:.0}",
                f.relay.p50.as_secs_f64() * 1000.0,
                f.relay.p95.as_secs_f64() * 1000.0
            ),
            format!("{} / {}", ms(f.menu.p50), ms(f.menu.p95)),
            f.drain.map_or("-".into(), |d| format!(
                "{} / {:.0}",
                secs(telegram(d)),
                d.as_secs_f64() * 1000.0
            )),
        );
    }
    println!(
        "targets: 100% delivered, 0 429s, /menu p95 < 2 s, relay p95 < 60 s TG (relay and drain in TG seconds / real ms); two teams at least halve relay p95"
    );
    for (label, two) in results
        .iter()
        .filter(|(label, _)| label.contains("/2 teams"))
    {
        let backend = label.split('/').next().unwrap_or_default();
        if let Some((_, one)) = results.iter().find(|(label, _)| label == backend) {
            let ratio = two.relay.p95.as_secs_f64() / one.relay.p95.as_secs_f64().max(1e-9);
            println!(
                "[{backend}] relay p95 with two teams / one team: {ratio:.2} {}",
                if ratio <= 0.5 { "✓" } else { "✗" }
            );
        }
    }
    for (backend, f) in results {
        let verdicts: Vec<String> = f
            .meets(scale)
            .iter()
            .map(|(target, met)| format!("{target} {}", if *met { "✓" } else { "✗" }))
            .collect();
        println!(
            "[{backend}] {}; {} /menu sent, {} unanswered within {MENU_WAIT:?}",
            verdicts.join(", "),
            f.menus,
            f.menus_unanswered
        );
    }
}

// ----- browsing: CPU per update beside the like-for-like bot ---------------------

/// A bot measured in the browse scenario: its process, emulator and database.
struct Contender {
    label: String,
    process: BotProcess,
    emulator: Arc<Emulator>,
    tracker: Arc<Tracker>,
    follower: tokio::task::JoinHandle<()>,
    db: Option<BenchDb>,
    rounds: Vec<BrowseRound>,
    latencies: Vec<Duration>,
}

/// One round of browsing by one bot.
struct BrowseRound {
    updates: usize,
    cpu_micros: u64,
    /// Bot API calls other than getUpdates.
    calls: usize,
    seconds: f64,
}

impl BrowseRound {
    fn cpu_per_update(&self) -> f64 {
        self.cpu_micros as f64 / self.updates.max(1) as f64
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

impl Contender {
    async fn start(
        args: &Args,
        label: String,
        program: &Path,
        role: Option<&str>,
        backend: &str,
        work: &Path,
    ) -> anyhow::Result<Contender> {
        let db = match role {
            None => Some(BenchDb::create(backend, &args.postgres_admin_url).await?),
            Some(_) => None,
        };
        let url = db.as_ref().map_or_else(String::new, |db| db.url.clone());
        let (emulator, tracker, follower) = emulator(None).await?;
        let log = work.join(format!("browse-{label}-{backend}.log"));
        let (_, process) =
            measure_start(program, role, &emulator, &tracker, &url, &log, 1_000).await?;
        Ok(Contender {
            label,
            process,
            emulator,
            tracker,
            follower,
            db,
            rounds: Vec::new(),
            latencies: Vec::new(),
        })
    }

    fn api_calls(&self) -> usize {
        let (calls, _) = self.emulator.calls_since(0);
        calls.iter().filter(|c| c.method != "getUpdates").count()
    }

    /// `users` new patients at once, each a /start then `steps - 1` presses.
    async fn round(&mut self, args: &Args, round: usize) -> anyhow::Result<()> {
        let tally = Arc::new(Tally::default());
        let quiet = Duration::from_millis(args.quiet_ms);
        let first_id = 10_000_000 + round as i64 * 100_000;
        let calls_before = self.api_calls();
        let cpu_before = self.process.cpu_micros()?;
        let started = Instant::now();
        let patients: Vec<_> = (0..args.browse_users)
            .map(|i| {
                let id = first_id + i as i64;
                let mut person = patient(&self.emulator, id, &self.tracker, &tally, quiet);
                let steps = args.browse_steps;
                tokio::spawn(async move {
                    person.say("/start").await?;
                    for step in 1..steps {
                        person.press_tree(unit(id as u64, step as u64)).await?;
                    }
                    anyhow::Ok(())
                })
            })
            .collect();
        for patient in patients {
            patient.await??;
        }
        let seconds = started.elapsed().as_secs_f64();
        // The last answers' bookkeeping (deleting sent jobs) is part of
        // their cost: let it finish before reading the clock.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let cpu_micros = self.process.cpu_micros()? - cpu_before;
        self.latencies
            .extend(tally.latencies.lock().unwrap().iter().copied());
        self.rounds.push(BrowseRound {
            updates: tally.updates.load(Ordering::Relaxed),
            cpu_micros,
            calls: self.api_calls() - calls_before,
            seconds,
        });
        Ok(())
    }

    fn cpu_per_update(&self) -> f64 {
        median(
            self.rounds
                .iter()
                .map(BrowseRound::cpu_per_update)
                .collect(),
        )
    }

    async fn stop(self) -> anyhow::Result<()> {
        self.process.stop();
        self.follower.abort();
        if let Some(db) = &self.db {
            db.drop_database().await?;
        }
        Ok(())
    }
}

/// Each navigator binary and the like-for-like bot browse in turn, round
/// after round, on every backend: the bots' CPU per update compared within
/// one run (the machine's other load changes between runs, not within a
/// round's turn).
async fn run_browse(args: &Args, work: &Path) -> anyhow::Result<()> {
    let like_bin = std::env::current_exe()?;
    let navigators: Vec<(String, PathBuf)> = if args.navigator_bin.is_empty() {
        vec![("navigator".into(), navigator_bin(args))]
    } else {
        args.navigator_bin
            .iter()
            .enumerate()
            .map(|(i, path)| (format!("navigator#{}", i + 1), path.clone()))
            .collect()
    };
    println!();
    println!(
        "Browsing: {} patients at once, each a /start then {} presses through the content tree; {} rounds, each bot in turn; a step ends after {} ms of quiet",
        args.browse_users,
        args.browse_steps.saturating_sub(1),
        args.browse_rounds,
        args.quiet_ms
    );
    if !args.navigator_bin.is_empty() {
        for (label, path) in &navigators {
            println!("{label}: {}", path.display());
        }
    }
    for backend in &args.backends {
        let mut contenders = vec![
            Contender::start(
                args,
                "like-for-like".into(),
                &like_bin,
                Some("like"),
                backend,
                work,
            )
            .await?,
        ];
        for (label, program) in &navigators {
            contenders
                .push(Contender::start(args, label.clone(), program, None, backend, work).await?);
        }
        for round in 0..args.browse_rounds.max(1) {
            eprintln!("[{backend}] browsing, round {}…", round + 1);
            for contender in &mut contenders {
                contender.round(args, round).await?;
            }
        }
        let base = contenders[0].cpu_per_update();
        let like_rounds: Vec<f64> = contenders[0]
            .rounds
            .iter()
            .map(BrowseRound::cpu_per_update)
            .collect();
        println!(
            "{:<9} {:<14} {:>11} {:>15} {:>8} {:>9} {:>10} {:>9} {:>8} {:>8}",
            "backend",
            "bot",
            "CPU µs/up",
            "rounds min–max",
            "× like",
            "paired ×",
            "calls/up",
            "updates/s",
            "p50 ms",
            "p99 ms"
        );
        for contender in &contenders {
            let per_update: Vec<f64> = contender
                .rounds
                .iter()
                .map(BrowseRound::cpu_per_update)
                .collect();
            // Each round runs the bots back to back: a round's ratio leaves
            // out what the machine did between rounds.
            let paired = median(
                per_update
                    .iter()
                    .zip(&like_rounds)
                    .map(|(own, like)| own / like.max(1e-9))
                    .collect(),
            );
            let low = per_update.iter().copied().fold(f64::INFINITY, f64::min);
            let high = per_update.iter().copied().fold(0.0, f64::max);
            let updates: usize = contender.rounds.iter().map(|r| r.updates).sum();
            let calls: usize = contender.rounds.iter().map(|r| r.calls).sum();
            let rate = median(
                contender
                    .rounds
                    .iter()
                    .map(|r| r.updates as f64 / r.seconds)
                    .collect(),
            );
            let mut latencies = contender.latencies.clone();
            latencies.sort();
            let latency = Percentiles::of(&latencies);
            println!(
                "{backend:<9} {:<14} {:>11.0} {:>15} {:>8.2} {:>9.2} {:>10.2} {:>9.0} {:>8} {:>8}",
                contender.label,
                contender.cpu_per_update(),
                format!("{low:.0}–{high:.0}"),
                contender.cpu_per_update() / base.max(1e-9),
                paired,
                calls as f64 / updates.max(1) as f64,
                rate,
                ms(latency.p50),
                ms(latency.p99),
            );
        }
        for contender in contenders {
            contender.stop().await?;
        }
    }
    Ok(())
}

async fn run(args: Args) -> anyhow::Result<()> {
    let work = tempfile::tempdir()?;
    if args.scenario.contains(&Scenario::Browse) {
        run_browse(&args, work.path()).await?;
    }
    if args.scenario.contains(&Scenario::Load) {
        run_load(&args, work.path()).await?;
    }
    if args.scenario.contains(&Scenario::TelegramLimits) {
        let mut results = Vec::new();
        for backend in &args.backends {
            for teams in &args.limits_teams {
                let figures = telegram_limits(&args, backend, *teams, work.path()).await?;
                let label = if *teams > 1 {
                    format!("{backend}/{teams} teams")
                } else {
                    backend.clone()
                };
                results.push((label, figures));
            }
        }
        print_limits(&args, &results);
    }
    Ok(())
}

/// Journeys, the fixed rate and the echo baseline on every backend.
async fn run_load(args: &Args, work: &Path) -> anyhow::Result<()> {
    let mut results = Vec::new();
    for backend in &args.backends {
        let ours = measure(args, backend, false, work).await?;
        let echo = measure(args, backend, true, work).await?;
        results.push((backend.clone(), ours, echo));
    }
    println!();
    println!(
        "{} journeys at once ({} cases stored first); fixed rate {} updates/s for {} s; a step ends after {} ms of quiet",
        args.journeys, args.seed_cases, args.rate, args.rate_seconds, args.quiet_ms
    );
    println!(
        "{:<9} {:<10} {:>9} {:>9} {:>8} {:>8} {:>10}  {:>20}   {:>20}  {:>8}  {:>8}  {:>9}",
        "backend",
        "bot",
        "CPU µs/up",
        "fixed µs",
        "updates",
        "seconds",
        "updates/s",
        "journey p50/95/99 ms",
        "fixed p50/95/99 ms",
        "RSS MiB",
        "start ms",
        "bytes/case"
    );
    for (backend, ours, echo) in &results {
        print_row(backend, "navigator", ours);
        print_row(backend, "echo", echo);
    }
    println!();
    for (backend, ours, echo) in &results {
        println!(
            "[{backend}] navigator / echo CPU per update: {:.2} ({:.0} / {:.0} µs)",
            ours.cpu_per_update / echo.cpu_per_update.max(1e-9),
            ours.cpu_per_update,
            echo.cpu_per_update,
        );
        println!(
            "[{backend}] navigator / echo throughput: {:.2} ({:.0} / {:.0} updates/s); fixed-rate run sent {} updates",
            ours.per_second() / echo.per_second(),
            ours.per_second(),
            echo.per_second(),
            ours.fixed_rate_sent,
        );
    }
    Ok(())
}
