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
use teloxide::update_listeners::Polling;
use tokio::task::JoinHandle;

use crate::content::Content;
use crate::handoff::WorkingHours;
use crate::reload::{self, LiveContent};
use crate::storage::Storage;
use crate::telegram::{self, Shell};

/// How long one getUpdates long poll waits for news.
const LONG_POLL: Duration = Duration::from_secs(10);

/// What the bot needs to run; read from flags and the environment by `main`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub token: String,
    /// Bot API server (Telegram's by default; the emulator in tests).
    pub api_url: Option<url::Url>,
    pub database_url: String,
    pub coordinator_chat_id: Option<i64>,
    /// When coordinators are at work; outside it patients get a note.
    pub working_hours: Option<WorkingHours>,
    pub locales_dir: PathBuf,
    pub dialogues_dir: PathBuf,
}

/// A bot that is polling in the background.
pub struct RunningBot {
    shutdown: ShutdownToken,
    task: JoinHandle<()>,
    pub storage: Storage,
    /// The content served, reloaded when its files change.
    pub content: Arc<LiveContent>,
    _watching: reload::Watching,
}

impl RunningBot {
    /// Stops taking updates and waits for in-flight ones to finish.
    pub async fn stop(self) {
        if let Ok(done) = self.shutdown.shutdown() {
            done.await;
        }
        let _ = self.task.await;
        self.storage.close().await;
    }

    /// Stops at once, as a crash would (tests use it to simulate one).
    pub fn kill(self) {
        self.task.abort();
    }

    pub async fn wait(self) -> anyhow::Result<()> {
        self.task
            .await
            .context("the dispatcher stopped unexpectedly")
    }
}

/// Loads and validates everything, then starts polling in the background.
pub async fn start(settings: Settings) -> anyhow::Result<RunningBot> {
    let content = Content::load(&settings.locales_dir, &settings.dialogues_dir)
        .map_err(|problems| anyhow::anyhow!("{problems}"))?;
    let storage = Storage::connect(&settings.database_url).await?;
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
    let shell = Arc::new(Shell {
        content: live.clone(),
        storage: storage.clone(),
        coordinator_chat: settings.coordinator_chat_id.map(ChatId),
        hours: settings.working_hours.clone(),
    });
    let listener = Polling::builder(bot.clone())
        .timeout(LONG_POLL)
        .delete_webhook()
        .await
        .build();
    let mut dispatcher = telegram::dispatcher(bot, shell);
    let shutdown = dispatcher.shutdown_token();
    let task = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(
                listener,
                LoggingErrorHandler::with_custom_text("getUpdates failed"),
            )
            .await;
    });
    Ok(RunningBot {
        shutdown,
        task,
        storage,
        content: live,
        _watching: watching,
    })
}

/// Runs until Ctrl-C or SIGTERM, then shuts down gracefully.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    let running = start(settings).await?;
    let shutdown = running.shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down: finishing in-flight updates");
        if let Ok(done) = shutdown.shutdown() {
            done.await;
        }
    });
    running.wait().await
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
