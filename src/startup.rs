//! Startup: builds the whole bot from validated `config::Settings` in one
//! place — content, storage, the Bot API client, command menus, the
//! dispatcher — and runs it.
//!
//! Owns wiring and lifecycle. Must not hold business rules, nor read or
//! judge settings (that is `config`'s).

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use teloxide::dispatching::ShutdownToken;
use teloxide::prelude::*;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use secrecy::ExposeSecret;

use crate::config::{self, Environment, Settings};
use crate::content::Content;
use crate::reload::{self, LiveContent};
use crate::storage::{Sealer, Storage};
use crate::telegram::flood::FloodGuard;
use crate::telegram::polling::DurablePolling;
use crate::telegram::webhook::{self, WebhookServer};
use crate::telegram::{self, Shell};

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
    let storage = Storage::connect_sealed(settings.database_url.expose(), sealer).await?;
    let mut bot = Bot::new(settings.token.expose_secret());
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
    let teams = config::teams(settings.teams_file.as_deref(), settings.coordinator_chat_id)?;
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
            shell.clone(),
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
/// would sit unencrypted in the database (the same parsers as `validate`,
/// for settings built without it, as tests and `navigator chat` do).
fn data_sealer(settings: &Settings) -> anyhow::Result<Option<Sealer>> {
    let keys = config::DataKeys {
        data_key: settings.data_key.clone(),
        data_keys_old: settings.data_keys_old.clone(),
        environment: if settings.production {
            Environment::Production
        } else {
            Environment::Development
        },
    };
    let sealer = config::data_keys(&keys)?;
    config::production_needs_key(keys.environment, sealer.is_some())?;
    if sealer.is_none() {
        tracing::warn!(
            "no DATA_KEY: patients' data is stored unencrypted (fine for development only)"
        );
    }
    Ok(sealer)
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
