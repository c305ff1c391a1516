//! `spawn_bot()`: the emulator on a free port, a fresh database, and the real
//! dispatcher polling it — the whole bot, as in production, minus Telegram.

use std::path::Path;
use std::time::Duration;

use patient_navigator::config::Settings;
use patient_navigator::emulator::{Emulator, EmulatorOptions, UserHandle, UserSpec};
use patient_navigator::startup::{self, RunningBot};

use super::db::TestDb;

pub struct TestBot {
    pub emulator: Emulator,
    pub db: TestDb,
    pub settings: Settings,
    running: Option<RunningBot>,
}

/// A bot on SQLite.
pub async fn spawn_bot() -> TestBot {
    spawn_bot_on(TestDb::sqlite()).await
}

/// A bot on the given database.
pub async fn spawn_bot_on(db: TestDb) -> TestBot {
    spawn_bot_with(db, |_| {}).await
}

/// The real `navigator run` against the emulator, on `database_url`, with a
/// coordinators' group, unpaced, its output discarded (add webhook settings
/// to receive by webhook).
pub fn navigator_command(
    emulator: &Emulator,
    database_url: &str,
    coordinator_chat: i64,
) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_navigator"));
    command
        .arg("run")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TELOXIDE_TOKEN", emulator.token())
        .env("TELOXIDE_API_URL", emulator.api_url().as_str())
        .env("DATABASE_URL", database_url)
        .env("COORDINATOR_CHAT_ID", coordinator_chat.to_string())
        .env_remove("WORKING_HOURS")
        .env("NO_RATE_LIMITS", "true")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

/// The coordinators' forum supergroup in tests.
pub const COORDINATOR_CHAT: i64 = -1_001_234_567_890;

/// A bot with a coordinators' group (and any other settings changed).
pub async fn spawn_bot_with(db: TestDb, configure: impl FnOnce(&mut Settings)) -> TestBot {
    spawn_bot_in(db, None, configure).await
}

/// Telegram's limits in tests: every window multiplied by this (a group's
/// minute lasts 3 s), in the emulator and in the bot alike.
pub const LIMITS_SCALE: f64 = 0.05;

/// A bot with a coordinators' group against an emulator that enforces
/// Telegram's flood limits (scaled by [`LIMITS_SCALE`]), the bot pacing
/// itself to the same limits and slowing fast typists as in production.
pub async fn spawn_bot_at_telegram_limits(
    db: TestDb,
    configure: impl FnOnce(&mut Settings),
) -> TestBot {
    let flood = patient_navigator::emulator::FloodControl::telegram().scaled(LIMITS_SCALE);
    spawn_bot_in(db, Some(flood), |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.rate_limits =
            patient_navigator::telegram::pacing::RateLimits::default().scaled(LIMITS_SCALE);
        settings.flood_limit = patient_navigator::telegram::flood::FloodLimit::default();
        configure(settings);
    })
    .await
}

async fn spawn_bot_in(
    db: TestDb,
    flood_control: Option<patient_navigator::emulator::FloodControl>,
    configure: impl FnOnce(&mut Settings),
) -> TestBot {
    let options = EmulatorOptions {
        // Long enough for a group commit that waits for the disk (SQLite
        // FULL) on a loaded machine: shorter, stories read too early.
        quiet_period: Duration::from_millis(120),
        // teloxide itself waits 10 s after a 5xx before reporting it.
        reaction_timeout: Duration::from_secs(30),
        flood_control,
        ..EmulatorOptions::default()
    };
    let emulator = Emulator::start_with(options)
        .await
        .expect("emulator starts");
    let mut settings = settings_for(&emulator, &db.url);
    configure(&mut settings);
    if let Some(group) = settings.coordinator_chat_id {
        emulator.add_forum(group, "CancerFax coordinators");
    }
    let running = startup::start(settings.clone())
        .await
        .expect("the bot starts");
    TestBot {
        emulator,
        db,
        settings,
        running: Some(running),
    }
}

/// The settings of a bot against `emulator` on `database_url`: no group,
/// unpaced, English for coordinators, no reminders (tests change what
/// they need).
pub fn settings_for(emulator: &Emulator, database_url: &str) -> Settings {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Settings {
        token: emulator.token().into(),
        api_url: Some(emulator.api_url()),
        database_url: database_url.into(),
        coordinator_chat_id: None,
        teams_file: None,
        working_hours: None,
        time_zone: jiff::tz::TimeZone::UTC,
        weekly_summary: None,
        // Pacing is tested on its own; here it would only slow the stories.
        rate_limits: patient_navigator::telegram::pacing::RateLimits::unlimited(),
        retention_days: 365,
        flood_limit: patient_navigator::telegram::flood::FloodLimit::off(),
        data_key: None,
        data_keys_old: None,
        production: false,
        webhook: None,
        locales_dir: root.join("locales"),
        dialogues_dir: root.join("dialogues"),
        metrics_listen: None,
        coordinators_language: "en".to_owned(),
        escalation: None,
    }
}

impl TestBot {
    /// A patient in a private chat, with Telegram's language code.
    pub fn patient(&self, id: i64, first_name: &str, language_code: Option<&str>) -> UserHandle {
        self.emulator.private_user(UserSpec {
            id,
            first_name: first_name.to_owned(),
            language_code: language_code.map(str::to_owned),
            ..Default::default()
        })
    }

    /// A coordinator: a member of the coordinators' group, acting in it.
    pub fn coordinator(&self, id: i64, first_name: &str, username: &str) -> UserHandle {
        let user = self.emulator.private_user(UserSpec {
            id,
            first_name: first_name.to_owned(),
            username: Some(username.to_owned()),
            ..Default::default()
        });
        user.in_chat(
            self.settings
                .coordinator_chat_id
                .expect("a coordinators' group"),
        )
    }

    /// Kills the bot at once, as a crash would, and starts a new one on the
    /// same database and emulator.
    pub async fn crash_and_restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.kill();
        }
        let running = startup::start(self.settings.clone())
            .await
            .expect("the bot restarts");
        self.running = Some(running);
    }

    /// Waits until the running bot has applied or refused `count` reloads in all.
    pub async fn wait_for_reloads(&self, count: u64) -> patient_navigator::reload::ReloadStatus {
        let mut status = self.running.as_ref().expect("running").content.status();
        let reached = status.wait_for(|s| s.applied + s.refused >= count);
        tokio::time::timeout(Duration::from_secs(10), reached)
            .await
            .expect("the content was reloaded in time")
            .expect("the bot is running")
            .clone()
    }

    /// Where the running bot serves `/metrics`, if it does.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.running.as_ref()?.metrics_addr
    }

    /// Every Bot API call so far matched the spec (when the spec is present).
    pub fn assert_spec_clean(&self) {
        let violations = self.emulator.spec_violations();
        assert!(
            violations.is_empty(),
            "calls outside the Bot API spec: {violations:#?}"
        );
    }
}

impl Drop for TestBot {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            running.kill();
        }
    }
}
