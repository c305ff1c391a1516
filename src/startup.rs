//! Startup: builds the whole bot from `Settings` in one place — content,
//! storage, the Bot API client, command menus, the dispatcher — and runs it.
//!
//! Owns wiring and lifecycle. Must not hold business rules.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use teloxide::dispatching::ShutdownToken;
use teloxide::prelude::*;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::content::Content;
use crate::handoff::WorkingHours;
use crate::handoff::teams::Teams;
use crate::reload::{self, LiveContent};
use crate::reports::WeeklySchedule;
use crate::storage::{Sealer, Storage};
use crate::telegram::flood::{FloodGuard, FloodLimit};
use crate::telegram::pacing::RateLimits;
use crate::telegram::polling::DurablePolling;
use crate::telegram::webhook::{self, WebhookOptions, WebhookServer};
use crate::telegram::{self, Shell};

/// What the bot needs to run; read from flags and the environment by `main`.
/// Its `Debug` leaves out the secrets (the token, the data keys).
#[derive(Clone)]
pub struct Settings {
    pub token: String,
    /// Bot API server (Telegram's by default; the emulator in tests).
    pub api_url: Option<url::Url>,
    pub database_url: String,
    pub coordinator_chat_id: Option<i64>,
    /// Several coordinators' groups with routing rules (see `handoff::teams`).
    pub teams_file: Option<PathBuf>,
    /// When coordinators are at work; outside it patients get a note.
    pub working_hours: Option<WorkingHours>,
    /// The team's time zone (`WORKING_TIMEZONE`): where reports' days start.
    pub time_zone: jiff::tz::TimeZone,
    /// When the weekly summary is posted in the group (`None`: never).
    pub weekly_summary: Option<WeeklySchedule>,
    /// Telegram's rate limits as the outbox sender applies them.
    pub rate_limits: RateLimits,
    /// Closed conversations are erased after this many days.
    pub retention_days: u32,
    /// When a patient's messages count as a flood.
    pub flood_limit: FloodLimit,
    /// The key that encrypts patients' data at rest (`ID:BASE64` of 32 bytes).
    pub data_key: Option<String>,
    /// Retired keys still needed to read older data, comma-separated.
    pub data_keys_old: Option<String>,
    /// Production refuses to start without a data key.
    pub production: bool,
    /// Receive updates by webhook instead of long polling.
    pub webhook: Option<WebhookOptions>,
    pub locales_dir: PathBuf,
    pub dialogues_dir: PathBuf,
    /// Where to serve Prometheus' `/metrics` (off when unset).
    pub metrics_listen: Option<std::net::SocketAddr>,
    /// The language coordinators read (a locale tag the catalog has).
    pub coordinators_language: String,
    /// When forgotten cases get reminders in the group (`None`: never).
    pub escalation: Option<crate::handoff::escalation::Policy>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret = |value: &Option<String>| value.as_ref().map(|_| "<set>");
        f.debug_struct("Settings")
            .field("token", &"<set>")
            .field("api_url", &self.api_url)
            .field("database_url", &crate::storage::redact(&self.database_url))
            .field("coordinator_chat_id", &self.coordinator_chat_id)
            .field("teams_file", &self.teams_file)
            .field("working_hours", &self.working_hours)
            .field("time_zone", &self.time_zone)
            .field("weekly_summary", &self.weekly_summary)
            .field("rate_limits", &self.rate_limits)
            .field("retention_days", &self.retention_days)
            .field("flood_limit", &self.flood_limit)
            .field("data_key", &secret(&self.data_key))
            .field("data_keys_old", &secret(&self.data_keys_old))
            .field("production", &self.production)
            .field("webhook", &self.webhook)
            .field("locales_dir", &self.locales_dir)
            .field("dialogues_dir", &self.dialogues_dir)
            .field("metrics_listen", &self.metrics_listen)
            .field("coordinators_language", &self.coordinators_language)
            .field("escalation", &self.escalation)
            .finish()
    }
}

/// How long a graceful stop keeps delivering what is in the outbox.
const DRAIN: Duration = Duration::from_secs(10);

/// A bot that is polling in the background.
pub struct RunningBot {
    shutdown: ShutdownToken,
    dispatcher: JoinHandle<()>,
    sender: JoinHandle<()>,
    purging: JoinHandle<()>,
    summary: Option<JoinHandle<()>>,
    reminders: Option<JoinHandle<()>>,
    stop_sending: CancellationToken,
    pub storage: Storage,
    /// The content served, reloaded when its files change.
    pub content: Arc<LiveContent>,
    /// The webhook server in webhook mode (its bound address, its secret).
    pub webhook: Option<WebhookServer>,
    /// Where `/metrics` is served, when it is.
    pub metrics_addr: Option<std::net::SocketAddr>,
    metrics: Option<JoinHandle<()>>,
    _watching: reload::Watching,
}

impl RunningBot {
    /// Stops taking updates, finishes those in flight, then delivers the
    /// outbox for at most `DRAIN` (what remains is sent at the next start).
    pub async fn stop(self) {
        // Only starts the shutdown: the future `shutdown` returns misses the
        // wake-up when the dispatcher finishes before it is first polled
        // (teloxide 0.17), and then never resolves; the dispatcher's own task
        // is awaited instead. Before the dispatcher has started, it refuses.
        for _ in 0..250 {
            if self.shutdown.shutdown().is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let _ = self.dispatcher.await;
        if let Some(server) = &self.webhook {
            server.stopped().await;
        }
        self.stop_sending.cancel();
        let _ = self.sender.await;
        self.purging.abort();
        if let Some(metrics) = &self.metrics {
            metrics.abort();
        }
        if let Some(summary) = &self.summary {
            summary.abort();
        }
        if let Some(reminders) = &self.reminders {
            reminders.abort();
        }
        self.storage.close().await;
    }

    /// Stops at once, as a crash would (tests use it to simulate one).
    pub fn kill(self) {
        self.dispatcher.abort();
        self.sender.abort();
        self.purging.abort();
        if let Some(metrics) = &self.metrics {
            metrics.abort();
        }
        if let Some(summary) = &self.summary {
            summary.abort();
        }
        if let Some(reminders) = &self.reminders {
            reminders.abort();
        }
    }
}

/// Loads and validates everything, then starts polling and delivering in
/// the background.
pub async fn start(settings: Settings) -> anyhow::Result<RunningBot> {
    let content = Content::load(&settings.locales_dir, &settings.dialogues_dir)
        .map_err(|problems| anyhow::anyhow!("{problems}"))?;
    if content
        .catalog
        .find(&settings.coordinators_language)
        .is_none()
    {
        anyhow::bail!(
            "COORDINATORS_LANGUAGE “{}” is none of the locales in {} (e.g. en)",
            settings.coordinators_language,
            settings.locales_dir.display()
        );
    }
    let sealer = data_sealer(&settings)?;
    let storage = Storage::connect_sealed(&settings.database_url, sealer).await?;
    let mut bot = Bot::new(&settings.token);
    if let Some(api_url) = &settings.api_url {
        bot = bot.set_api_url(api_url.clone());
    }
    let me = bot
        .get_me()
        .await
        .context("the Bot API refused the token (getMe failed): check TELOXIDE_TOKEN")?;
    tracing::info!(bot = %me.username(), locales = content.catalog.locales().len(),
        nodes = content.trees.nodes().count(), backend = ?storage.backend(), "starting");
    telegram::register_commands(&bot, &content).await?;

    let live = LiveContent::new(content, &settings.locales_dir, &settings.dialogues_dir);
    let watching = reload::watch(live.clone()).context("cannot watch the content folders")?;
    let wake = Arc::new(Notify::new());
    let teams = Teams::load(settings.teams_file.as_deref(), settings.coordinator_chat_id)
        .map_err(|err| anyhow::anyhow!(err))?;
    if let Some(default) = teams.default_team() {
        storage.assign_default_group(default.group).await?;
    }
    for team in teams.all() {
        tracing::info!(team = %team.name, chat_id = team.group, default = team.default, "coordinators' team");
    }
    let summary_group = teams.default_team().map(|team| team.group);
    let shell = Arc::new(Shell {
        content: live.clone(),
        storage: storage.clone(),
        teams,
        hours: settings.working_hours.clone(),
        wake: wake.clone(),
        pacer: crate::telegram::pacing::Pacer::new(settings.rate_limits),
        retention_days: settings.retention_days,
        flood: FloodGuard::new(settings.flood_limit),
        report_zone: settings.time_zone.clone(),
        members: Default::default(),
        coordinators_language: settings.coordinators_language.clone(),
    });
    let purging = tokio::spawn(purge_periodically(storage.clone(), settings.retention_days));
    let (metrics_addr, metrics) = match settings.metrics_listen {
        Some(listen) => {
            let (addr, server) = crate::telemetry::serve(listen, storage.clone()).await?;
            (Some(addr), Some(server))
        }
        None => (None, None),
    };
    let summary = match (summary_group, settings.weekly_summary.clone()) {
        (Some(group), Some(schedule)) => Some(tokio::spawn(telegram::summary::run(
            bot.clone(),
            storage.clone(),
            ChatId(group),
            schedule,
        ))),
        _ => None,
    };
    let reminders = match settings.escalation {
        Some(policy) if !shell.teams.all().is_empty() => Some(tokio::spawn(
            telegram::reminders::run(shell.clone(), policy),
        )),
        _ => None,
    };
    let stop_sending = CancellationToken::new();
    let sender = tokio::spawn(telegram::sender::run(
        bot.clone(),
        shell.clone(),
        wake,
        stop_sending.clone(),
        DRAIN,
    ));
    let mut dispatcher = telegram::dispatcher(bot.clone(), shell);
    let shutdown = dispatcher.shutdown_token();
    let (dispatcher, webhook) = match settings.webhook.clone() {
        None => {
            let listener = DurablePolling::start(bot, storage.clone()).await?;
            let dispatcher = tokio::spawn(async move {
                dispatcher
                    .dispatch_with_listener(
                        listener,
                        LoggingErrorHandler::with_custom_text("getUpdates failed"),
                    )
                    .await;
            });
            (dispatcher, None)
        }
        Some(options) => {
            let (listener, server) = webhook::start(bot, storage.clone(), options).await?;
            let dispatcher = tokio::spawn(async move {
                dispatcher
                    .dispatch_with_listener(
                        listener,
                        LoggingErrorHandler::with_custom_text("the webhook listener failed"),
                    )
                    .await;
            });
            (dispatcher, Some(server))
        }
    };
    Ok(RunningBot {
        shutdown,
        dispatcher,
        sender,
        purging,
        summary,
        reminders,
        stop_sending,
        storage,
        content: live,
        webhook,
        metrics_addr,
        metrics,
        _watching: watching,
    })
}

/// The data key, required in production: without one, what patients write
/// would sit unencrypted in the database.
fn data_sealer(settings: &Settings) -> anyhow::Result<Option<Sealer>> {
    match Sealer::from_settings(
        settings.data_key.as_deref(),
        settings.data_keys_old.as_deref(),
    )? {
        Some(sealer) => Ok(Some(sealer)),
        None if settings.production => anyhow::bail!(
            "NAVIGATOR_ENV=production needs DATA_KEY: without it patients' answers and messages would be \
             stored unencrypted. Generate one with `openssl rand -base64 32` and keep it safe (see README: Data keys)"
        ),
        None => {
            tracing::warn!(
                "no DATA_KEY: patients' data is stored unencrypted (fine for development only)"
            );
            Ok(None)
        }
    }
}

/// Retention, hourly: closed cases past their time, old processed updates.
async fn purge_periodically(storage: Storage, days: u32) {
    loop {
        match storage
            .purge(crate::storage::unix_now(), days, retention_erasure)
            .await
        {
            Ok(0) => {}
            Ok(purged) => {
                tracing::info!(purged, days, "closed cases erased by the retention policy")
            }
            Err(err) => tracing::error!(error = %err, "retention purge failed"),
        }
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
}

/// The outbox job that deletes the topics of cases erased by retention.
pub fn retention_erasure(topics: &[crate::storage::ErasedTopic]) -> (i64, String, String) {
    let job = crate::telegram::sender::Job::EraseTopics {
        case: topics.last().map(|topic| topic.case),
        topics: topics.to_vec(),
        cause: crate::telegram::sender::ErasureCause::Retention,
    };
    let chat_id = topics.last().and_then(|topic| topic.group).unwrap_or(0);
    (chat_id, job.lane(chat_id).to_string(), job.to_json())
}

/// Runs until Ctrl-C or SIGTERM, then shuts down gracefully.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let running = start(settings).await?;
    wait_for_signal().await;
    tracing::info!("shutting down: finishing in-flight updates and the outbox");
    running.stop().await;
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_show_no_secret_when_logged() {
        let settings = Settings {
            token: "123456:TOKEN-SECRET".into(),
            api_url: None,
            database_url: "postgres://navigator:DB-SECRET@db/navigator".into(),
            coordinator_chat_id: Some(-100),
            teams_file: None,
            working_hours: None,
            time_zone: jiff::tz::TimeZone::UTC,
            weekly_summary: None,
            rate_limits: RateLimits::default(),
            retention_days: 365,
            flood_limit: FloodLimit::default(),
            data_key: Some("k1:KEY-SECRET".into()),
            data_keys_old: Some("k0:OLD-SECRET".into()),
            production: true,
            webhook: None,
            locales_dir: "locales".into(),
            dialogues_dir: "dialogues".into(),
            metrics_listen: None,
            coordinators_language: "en".into(),
            escalation: Some(crate::handoff::escalation::Policy::default()),
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(
            shown.contains("retention_days: 365") && shown.contains("db/navigator"),
            "{shown}"
        );
    }
}
