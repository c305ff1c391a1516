//! `navigator doctor`: checks a deployment before it goes live and says, in
//! plain words, what to fix — the token, the coordinators' group and the
//! bot's rights in it, the webhook, the database (reachable, migrated,
//! writable), the content files, the coordinators' language, the data keys
//! against the stored data, and the time settings.
//!
//! Owns the checks and their wording. Each check is a small function that
//! returns a `Check`; the report prints one line per check. The settings
//! are judged by `config`'s parsers, the ones `navigator run` uses, so that
//! the doctor and the bot never disagree on a value. Must not change
//! anything: Telegram is only asked (`getMe`, `getChat`, `getChatMember`,
//! `getWebhookInfo`), the database write is rolled back, nothing migrates.

use std::time::Duration;

use serde_json::json;
use teloxide::prelude::*;
use teloxide::types::{ChatFullInfoKind, ChatFullInfoPublicKind, ChatMemberKind, Me};

use secrecy::ExposeSecret;

use crate::check::{self, CheckOptions};
use crate::config::{self, RawSettings};
use crate::handoff::texts;
use crate::i18n::Catalog;
use crate::storage::health::{Inspection, SealedSample, SealingState};
use crate::storage::{HeldLane, Sealer};
use crate::telegram::sender::HOLD_AFTER_MS;

/// How one check went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Fine; what was found.
    Ok(String),
    /// Works, but worth a look; what and why.
    Warn(String),
    /// Must be fixed before going live; the problem and how to fix it.
    Fail(String),
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    pub outcome: Outcome,
}

impl Check {
    fn ok(name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Ok(detail.into()),
        }
    }
    fn warn(name: &'static str, hint: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Warn(hint.into()),
        }
    }
    fn fail(name: &'static str, hint: impl Into<String>) -> Check {
        Check {
            name,
            outcome: Outcome::Fail(hint.into()),
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Fail(_))
    }
}

/// Every check, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.checks.iter().any(Check::failed)
    }

    pub fn find(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|check| check.name == name)
    }

    /// One line per check: `✓`, `!` or `✗`, its name, what was found.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for check in &self.checks {
            let (mark, message) = match &check.outcome {
                Outcome::Ok(detail) => ("✓", detail),
                Outcome::Warn(hint) => ("!", hint),
                Outcome::Fail(hint) => ("✗", hint),
            };
            text.push_str(&format!("{mark} {}: {message}\n", check.name));
        }
        let failures = self.checks.iter().filter(|check| check.failed()).count();
        text.push_str(&match failures {
            0 => "Ready: every check passed.\n".to_owned(),
            1 => "1 check failed: fix it and run `navigator doctor` again.\n".to_owned(),
            n => format!("{n} checks failed: fix them and run `navigator doctor` again.\n"),
        });
        text
    }

    pub fn to_json(&self) -> serde_json::Value {
        let checks: Vec<_> = self
            .checks
            .iter()
            .map(|check| {
                let (status, message) = match &check.outcome {
                    Outcome::Ok(m) => ("ok", m),
                    Outcome::Warn(m) => ("warn", m),
                    Outcome::Fail(m) => ("fail", m),
                };
                json!({"name": check.name, "status": status, "message": message})
            })
            .collect();
        json!({"ok": !self.failed(), "checks": checks})
    }
}

/// How long one Bot API call may take before it counts as unreachable.
const API_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs every check.
pub async fn run(config: &RawSettings) -> Report {
    let mut checks = Vec::new();
    let (token_check, me) = token(config).await;
    let bot = me.as_ref().map(|(bot, me)| (bot.clone(), me.clone()));
    checks.push(token_check);
    checks.extend(coordinator_groups(config, bot.as_ref()).await);
    checks.push(webhook(config, bot.as_ref().map(|(bot, _)| bot)).await);
    checks.extend(database(config).await);
    checks.push(content(config));
    checks.push(coordinators_language(config));
    checks.push(time_settings(config));
    Report { checks }
}

fn bot_for(config: &RawSettings, token: &str) -> Bot {
    let bot = Bot::new(token);
    match &config.api_url {
        Some(url) => bot.set_api_url(url.clone()),
        None => bot,
    }
}

async fn call<T>(
    request: impl std::future::IntoFuture<Output = Result<T, teloxide::RequestError>>,
) -> Result<T, String> {
    match tokio::time::timeout(API_TIMEOUT, request.into_future()).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => Err(format!("no answer in {} s", API_TIMEOUT.as_secs())),
    }
}

/// The token is set and Telegram accepts it (`getMe`).
async fn token(config: &RawSettings) -> (Check, Option<(Bot, Me)>) {
    const NAME: &str = "token";
    let token = match config::token(config.token.as_ref()) {
        Ok(token) => token,
        Err(err) => return (Check::fail(NAME, err.to_string()), None),
    };
    let bot = bot_for(config, token.expose_secret());
    match call(bot.get_me()).await {
        Ok(me) => (
            Check::ok(
                NAME,
                format!("Telegram accepts it: @{} (id {})", me.username(), me.id),
            ),
            Some((bot, me)),
        ),
        Err(err)
            if err.contains("nauthorized")
                || err.contains("Invalid bot token")
                || err.contains("Not Found") =>
        {
            (
                Check::fail(
                    NAME,
                    format!(
                        "Telegram refused the token ({err}): copy it again from @BotFather (/mybots → your bot → API Token) into TELOXIDE_TOKEN"
                    ),
                ),
                None,
            )
        }
        Err(err) => (
            Check::fail(
                NAME,
                format!(
                    "cannot reach the Bot API at {} ({err}): check the network, a proxy, or TELOXIDE_API_URL",
                    config
                        .api_url
                        .as_ref()
                        .map_or("https://api.telegram.org".to_owned(), ToString::to_string)
                ),
            ),
            None,
        ),
    }
}

/// Every team's group (one group without a teams file), each checked the
/// same way; with a teams file, a line for the file and each group's lines
/// name their team.
async fn coordinator_groups(config: &RawSettings, bot: Option<&(Bot, Me)>) -> Vec<Check> {
    const TEAMS: &str = "teams";
    let Some(file) = config.teams_file.as_deref() else {
        return coordinator_group(config.coordinator_chat_id, bot).await;
    };
    let teams = match config::teams(Some(file), config.coordinator_chat_id) {
        Ok(teams) => teams,
        Err(err) => return vec![Check::fail(TEAMS, err.to_string())],
    };
    let names: Vec<String> = teams
        .all()
        .iter()
        .map(|team| {
            let default = if team.default { " (default)" } else { "" };
            format!("{}{default}", team.name)
        })
        .collect();
    let mut checks = vec![Check::ok(
        TEAMS,
        format!("{} teams: {}", names.len(), names.join(", ")),
    )];
    for team in teams.all() {
        for mut check in coordinator_group(Some(team.group), bot).await {
            let (Outcome::Ok(message) | Outcome::Warn(message) | Outcome::Fail(message)) =
                &mut check.outcome;
            *message = format!("team “{}”: {message}", team.name);
            checks.push(check);
        }
    }
    checks
}

/// A coordinators' group: exists, a forum, the bot an administrator with
/// the rights the queue uses.
async fn coordinator_group(chat_id: Option<i64>, bot: Option<&(Bot, Me)>) -> Vec<Check> {
    const GROUP: &str = "coordinator group";
    const ADMIN: &str = "bot is administrator";
    const RIGHTS: &str = "bot's rights";
    const PRIVATE: &str = "group is private";
    let Some(chat_id) = chat_id else {
        return vec![Check::warn(
            GROUP,
            "COORDINATOR_CHAT_ID is not set: cases are stored but no coordinator sees them (see README: The coordinators' group)",
        )];
    };
    let Some((bot, me)) = bot else {
        return vec![Check::warn(GROUP, "not checked: the token does not work")];
    };
    let chat = match call(bot.get_chat(ChatId(chat_id))).await {
        Ok(chat) => chat,
        Err(err) if err.contains("chat not found") => {
            return vec![Check::fail(
                GROUP,
                format!(
                    "Telegram has no chat {chat_id} for this bot ({err}): check COORDINATOR_CHAT_ID (a supergroup's id starts with -100) and that the bot was added to the group"
                ),
            )];
        }
        Err(err) => return vec![Check::fail(GROUP, format!("getChat failed ({err})"))],
    };
    let title = chat.title().unwrap_or("untitled").to_owned();
    let mut checks = vec![match &chat.kind {
        ChatFullInfoKind::Public(public) => match &public.kind {
            ChatFullInfoPublicKind::Supergroup(group) if group.is_forum => {
                Check::ok(GROUP, format!("“{title}”, a supergroup with topics"))
            }
            ChatFullInfoPublicKind::Supergroup(_) => Check::fail(
                GROUP,
                format!(
                    "“{title}” has topics turned off: in the group's settings turn on Topics (each case gets its own topic)"
                ),
            ),
            _ => Check::fail(
                GROUP,
                format!(
                    "“{title}” is not a supergroup with topics: in the group's settings turn on Topics (this makes it a supergroup; its id then changes to -100…, update COORDINATOR_CHAT_ID)"
                ),
            ),
        },
        ChatFullInfoKind::Private(_) => {
            return vec![Check::fail(
                GROUP,
                format!(
                    "{chat_id} is a private chat, not a group: COORDINATOR_CHAT_ID must be the coordinators' supergroup"
                ),
            )];
        }
    }];
    // Every member of the group reads patients' messages: it must not be
    // one anyone can find and join.
    checks.push(match chat.username() {
        Some(username) => Check::fail(
            PRIVATE,
            format!(
                "“{title}” is public (@{username}): anyone can find it, join and read patients' messages. In the group's settings set Group type to Private, and invite coordinators with a link that needs approval"
            ),
        ),
        None => Check::ok(PRIVATE, "joined by invitation only"),
    });
    match call(bot.get_chat_member(ChatId(chat_id), me.id)).await {
        Ok(member) => match member.kind {
            ChatMemberKind::Owner(_) => {
                checks.push(Check::ok(ADMIN, "the bot owns the group"));
                checks.push(Check::ok(RIGHTS, "all (owner)"));
            }
            ChatMemberKind::Administrator(admin) => {
                checks.push(Check::ok(ADMIN, "yes"));
                let missing: Vec<&str> = [
                    (admin.can_manage_topics, "Manage topics"),
                    (admin.can_delete_messages, "Delete messages"),
                    (admin.can_pin_messages, "Pin messages"),
                ]
                .into_iter()
                .filter(|(has, _)| !has)
                .map(|(_, right)| right)
                .collect();
                checks.push(if missing.is_empty() {
                    Check::ok(RIGHTS, "Manage topics, Delete messages, Pin messages")
                } else {
                    Check::fail(
                        RIGHTS,
                        format!(
                            "the bot may not: {}. In the group: Administrators → @{} → turn on {}",
                            missing.join(", "),
                            me.username(),
                            missing.join(", ")
                        ),
                    )
                });
            }
            ChatMemberKind::Member(_) | ChatMemberKind::Restricted(_) => {
                checks.push(Check::fail(
                    ADMIN,
                    format!(
                        "the bot is a plain member of “{title}”: make @{} an administrator with Manage topics, Delete messages and Pin messages (it then also sees every message, which the relay needs)",
                        me.username()
                    ),
                ));
            }
            ChatMemberKind::Left | ChatMemberKind::Banned(_) => {
                checks.push(Check::fail(
                    ADMIN,
                    format!(
                        "the bot is not in “{title}”: add @{} to the group and make it an administrator",
                        me.username()
                    ),
                ));
            }
        },
        Err(err) => checks.push(Check::fail(
            ADMIN,
            format!("cannot read the bot's membership ({err}): add the bot to the group as an administrator"),
        )),
    }
    checks
}

/// Polling needs no webhook; webhook mode needs ours.
async fn webhook(config: &RawSettings, bot: Option<&Bot>) -> Check {
    const NAME: &str = "webhook";
    let wanted = match config::webhook_url(
        config.webhook.webhook_url.as_deref(),
        config.api_url.as_ref(),
    ) {
        Ok(wanted) => wanted,
        Err(err) => return Check::fail(NAME, err.to_string()),
    };
    if let Err(err) = config::webhook_secret(config.webhook.webhook_secret.as_ref()) {
        return Check::fail(NAME, err.to_string());
    }
    let wanted = wanted.as_ref().map(url::Url::as_str);
    let Some(bot) = bot else {
        return Check::warn(NAME, "not checked: the token does not work");
    };
    let info = match call(bot.get_webhook_info()).await {
        Ok(info) => info,
        Err(err) => return Check::fail(NAME, format!("getWebhookInfo failed ({err})")),
    };
    let registered = info.url.as_ref().map(url::Url::as_str);
    match (wanted, registered) {
        (None, None) => Check::ok(NAME, "none set (long polling)"),
        (None, Some(url)) => Check::fail(
            NAME,
            format!(
                "a webhook is set ({url}) but WEBHOOK_URL is not: another deployment may be using this token in webhook mode. \
                 Stop it, or set WEBHOOK_URL here; `navigator run` in polling mode deletes the webhook at start"
            ),
        ),
        (Some(_), None) => Check::warn(
            NAME,
            "no webhook registered yet: `navigator run` registers WEBHOOK_URL at start",
        ),
        (Some(wanted), Some(url)) if url.trim_end_matches('/') != wanted.trim_end_matches('/') => {
            Check::fail(
                NAME,
                format!(
                    "Telegram delivers to {url}, not to WEBHOOK_URL {wanted}: another deployment may be using this token; stop it, then start this one (it registers its URL)"
                ),
            )
        }
        (Some(_), Some(url)) => match info.last_error_message {
            Some(error) => Check::warn(
                NAME,
                format!(
                    "{url} is registered, but Telegram's last delivery failed: {error} (is the TLS proxy in front of WEBHOOK_LISTEN up?)"
                ),
            ),
            None => Check::ok(
                NAME,
                format!(
                    "{url} is registered ({} update(s) pending)",
                    info.pending_update_count
                ),
            ),
        },
    }
}

/// Reachable, migrated, writable; the data keys against sealed data.
async fn database(config: &RawSettings) -> Vec<Check> {
    const REACH: &str = "database";
    const MIGRATED: &str = "migrations";
    const WRITABLE: &str = "database writable";
    let mut checks = Vec::new();
    let keys = data_keys(config);
    let sealer = match keys {
        Ok(sealer) => {
            checks.push(match &sealer {
                Some(_) => Check::ok("data key", "set and well formed"),
                None => Check::warn(
                    "data key",
                    "DATA_KEY is not set: patients' data would be stored unencrypted (fine for development only; see README: Data keys)",
                ),
            });
            sealer
        }
        Err(hint) => {
            checks.push(Check::fail("data key", hint));
            None
        }
    };
    let url = match config::database_url(&config.database.url) {
        Ok(url) => url,
        Err(err) => {
            checks.push(Check::fail(REACH, err.to_string()));
            return checks;
        }
    };
    let inspection = match Inspection::open(url.expose()).await {
        Ok(inspection) => inspection,
        Err(err) => {
            let hint = if url.expose().starts_with("sqlite:") {
                "does the file exist? `navigator migrate` creates and migrates it"
            } else {
                "is the server up, the host, port, user, password and database name right?"
            };
            checks.push(Check::fail(REACH, format!("{err:#}: {hint}")));
            return checks;
        }
    };
    checks.push(Check::ok(
        REACH,
        format!("{url} answers ({:?})", inspection.backend),
    ));
    let migrated = match inspection.migrations().await {
        Ok(state) if state.is_current() => {
            checks.push(Check::ok(
                MIGRATED,
                format!("all {} applied", state.applied),
            ));
            true
        }
        Ok(state) => {
            let mut problems = Vec::new();
            if !state.pending.is_empty() {
                let list: Vec<String> = state
                    .pending
                    .iter()
                    .map(|(version, name)| format!("{version:04} {name}"))
                    .collect();
                problems.push(format!(
                    "{} not applied ({}): run `navigator migrate` (the bot also migrates at start)",
                    state.pending.len(),
                    list.join(", ")
                ));
            }
            if !state.unknown.is_empty() {
                problems.push(format!(
                    "applied by a newer version and unknown to this one: {:?}; run that version, or restore a backup made with this one",
                    state.unknown
                ));
            }
            if !state.altered.is_empty() {
                problems.push(format!(
                    "changed since they were applied (or failed): {:?}; migrations must never be edited — restore the original files",
                    state.altered
                ));
            }
            checks.push(Check::fail(MIGRATED, problems.join("; ")));
            state.pending.is_empty() && state.unknown.is_empty()
        }
        Err(err) => {
            checks.push(Check::fail(MIGRATED, format!("{err:#}")));
            false
        }
    };
    checks.push(match inspection.write_probe().await {
        Ok(()) => Check::ok(WRITABLE, "a test write was accepted (and rolled back)"),
        Err(err) => Check::fail(
            WRITABLE,
            format!("{err:#}: the database refuses writes — check the file's permissions (SQLite) or the user's grants (PostgreSQL)"),
        ),
    });
    if migrated {
        checks.push(match inspection.sealed_samples(5).await {
            Ok(samples) => existing_data(&samples, sealer.as_ref(), keys_given(config)),
            Err(err) => Check::fail("stored data opens", format!("{err:#}")),
        });
        if let Some(sealer) = &sealer {
            checks.push(match inspection.sealing_state(sealer.current_id()).await {
                Ok(state) => sealing_check(&state, sealer.current_id()),
                Err(err) => Check::fail(SEALED_IN_PLACE, format!("{err:#}")),
            });
        }
        let now_ms = crate::storage::unix_now_ms();
        let delivery = inspection
            .delivery(now_ms - HOLD_AFTER_MS, now_ms - 86_400_000)
            .await;
        checks.push(match delivery {
            Ok((held, refused)) => outbox_check(&held, refused, now_ms),
            Err(err) => Check::fail(OUTBOX, format!("{err:#}")),
        });
        checks.push(match inspection.quarantined_updates().await {
            Ok(0) => Check::ok(SET_ASIDE, "none"),
            Ok(count) => Check::warn(
                SET_ASIDE,
                format!(
                    "{count} update(s) were set aside: they failed again and again, or cannot be opened with the data keys (see the log's “set aside” and “a handler panicked” lines; table `inbox`, columns `quarantined_at` and `last_error`); the bot serves everyone else. Once fixed, `navigator replay` hands them back"
                ),
            ),
            Err(err) => Check::fail(SET_ASIDE, format!("{err:#}")),
        });
    }
    inspection.close().await;
    checks
}

const OUTBOX: &str = "outbox";
const SET_ASIDE: &str = "updates set aside";

/// Messages that Telegram has failed for over an hour are held (retried,
/// never deleted): a failure until they go. Refusals of the last day are
/// worth a look.
fn outbox_check(held: &[HeldLane], refused: i64, now_ms: i64) -> Check {
    if let Some(oldest) = held.first() {
        let jobs: i64 = held.iter().map(|lane| lane.jobs).sum();
        let hours = (now_ms - oldest.failing_since_ms) / 3_600_000;
        return Check::fail(
            OUTBOX,
            format!(
                "{jobs} message(s) in {} lane(s) held: failing for {hours} h or more (last error: {}); \
                 they are retried every few minutes and go out as soon as Telegram accepts them — \
                 check the error, the bot's rights in the coordinators' group, and Telegram's status",
                held.len(),
                oldest.last_error
            ),
        );
    }
    if refused > 0 {
        return Check::warn(
            OUTBOX,
            format!(
                "{refused} message(s) refused by Telegram for good in the last 24 h (table `undelivered`: \
                 where, what kind, why); most often patients who blocked the bot"
            ),
        );
    }
    Check::ok(OUTBOX, "nothing held, nothing refused in the last 24 h")
}

fn keys_given(config: &RawSettings) -> bool {
    config
        .keys
        .data_key
        .as_ref()
        .is_some_and(|key| !key.expose_secret().trim().is_empty())
}

/// The configured keys: `Ok(None)` without a key (an error in production).
fn data_keys(config: &RawSettings) -> Result<Option<Sealer>, String> {
    let sealer = config::data_keys(&config.keys).map_err(|err| err.to_string())?;
    config::production_needs_key(config.keys.environment, sealer.is_some())
        .map_err(|err| err.to_string())?;
    Ok(sealer)
}

const SEALED_IN_PLACE: &str = "data sealed in place";

/// With a data key, every stored value is sealed and bound to its row
/// under the current key; what is not is `navigator seal`'s to fix.
fn sealing_check(state: &SealingState, current: &str) -> Check {
    if state.plain > 0 || state.unbound > 0 {
        return Check::fail(
            SEALED_IN_PLACE,
            format!(
                "{} value(s) stored in plain and {} sealed in the first format (not bound to their row): \
                 the bot refuses plain values while a key is set. Run `navigator seal` (same DATA_KEY and DATABASE_URL) to encrypt them in place",
                state.plain, state.unbound
            ),
        );
    }
    if state.older_key > 0 {
        return Check::warn(
            SEALED_IN_PLACE,
            format!(
                "{} value(s) are still under an older key: `navigator seal` re-seals them under “{current}”, after which DATA_KEYS_OLD can go",
                state.older_key
            ),
        );
    }
    Check::ok(
        SEALED_IN_PLACE,
        format!("every value is sealed under “{current}” and bound to its row"),
    )
}

/// A sample of the sealed values opens with the configured keys.
fn existing_data(samples: &[SealedSample], sealer: Option<&Sealer>, key_given: bool) -> Check {
    const NAME: &str = "stored data opens";
    if samples.is_empty() {
        return Check::ok(NAME, "no encrypted data stored yet");
    }
    let ids = |values: &[&SealedSample]| {
        let mut ids: Vec<&str> = values
            .iter()
            .filter_map(|sample| crate::storage::sealing::kept(&sample.value).1)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.join(", ")
    };
    let Some(sealer) = sealer else {
        let all: Vec<&SealedSample> = samples.iter().collect();
        return Check::fail(
            NAME,
            if key_given {
                "not checked: the data key is unusable".to_owned()
            } else {
                format!(
                    "the database holds encrypted data (key id {}) but DATA_KEY is not set: set the key it was written with",
                    ids(&all)
                )
            },
        );
    };
    let failing: Vec<&SealedSample> = samples
        .iter()
        .filter(|sample| {
            sealer
                .open(sample.column, sample.key, &sample.value)
                .is_err()
        })
        .collect();
    if failing.is_empty() {
        Check::ok(
            NAME,
            format!("{} sampled encrypted value(s) open", samples.len()),
        )
    } else {
        Check::fail(
            NAME,
            format!(
                "{} of {} sampled encrypted values do not open with the configured keys (written with key id {}): \
                 set the key they were written with as DATA_KEY, or in DATA_KEYS_OLD after a rotation",
                failing.len(),
                samples.len(),
                ids(&failing)
            ),
        )
    }
}

/// The locale and dialogue files pass `navigator check`.
fn content(config: &RawSettings) -> Check {
    const NAME: &str = "content";
    let report = check::run(
        &config.dirs.locales_dir,
        &config.dirs.dialogues_dir,
        &CheckOptions::default(),
    );
    let errors: Vec<_> = report.errors().collect();
    match errors.first() {
        None => Check::ok(
            NAME,
            format!(
                "locales and dialogues pass `navigator check` ({} warning(s))",
                report.warnings().count()
            ),
        ),
        Some(first) => Check::fail(
            NAME,
            format!(
                "{} problem(s) in {} / {}; the bot refuses to start. First: {} {}. Run `navigator check` for the list",
                errors.len(),
                config.dirs.locales_dir.display(),
                config.dirs.dialogues_dir.display(),
                first.location(),
                first.message
            ),
        ),
    }
}

/// `COORDINATORS_LANGUAGE` is a locale tag (or the bot refuses to start)
/// whose `coordinators.ftl` is shipped (or coordinators read English).
fn coordinators_language(config: &RawSettings) -> Check {
    const NAME: &str = "coordinators' language";
    let tag = match config::coordinators_language(&config.coordinators_language) {
        Ok(tag) => tag,
        Err(err) => return Check::fail(NAME, err.to_string()),
    };
    let Ok(catalog) = Catalog::load(&config.dirs.locales_dir) else {
        return Check::warn(
            NAME,
            format!(
                "COORDINATORS_LANGUAGE “{tag}” cannot be checked: the locales do not load (see content)"
            ),
        );
    };
    let shipped = catalog
        .find(&tag)
        .filter(|locale| !catalog.ids_in_file(locale, texts::FILE).is_empty());
    match shipped {
        Some(_) => Check::ok(NAME, format!("coordinators read {tag}")),
        None => {
            let with_texts: Vec<String> = catalog
                .locales()
                .iter()
                .filter(|locale| !catalog.ids_in_file(locale, texts::FILE).is_empty())
                .map(|locale| locale.tag())
                .collect();
            Check::warn(
                NAME,
                format!(
                    "COORDINATORS_LANGUAGE “{tag}” has no {} in {}: coordinators read English. Choose one of {}, or have it translated",
                    texts::FILE,
                    config.dirs.locales_dir.display(),
                    with_texts.join(", ")
                ),
            )
        }
    }
}

/// The time zone, working hours, weekly summary and reminders parse.
fn time_settings(config: &RawSettings) -> Check {
    const NAME: &str = "time settings";
    let zone = config.working_timezone.trim();
    if let Err(err) = config::time_zone(zone) {
        return Check::fail(NAME, err.to_string());
    }
    let mut found = vec![format!("time zone {zone}")];
    match config::working_hours(config.working_hours.as_deref(), zone) {
        Ok(Some(_)) => found.push(format!(
            "working hours {}",
            config.working_hours.as_deref().unwrap_or_default()
        )),
        Ok(None) => found.push("always open".to_owned()),
        Err(err) => return Check::fail(NAME, err.to_string()),
    }
    match config::weekly_summary(&config.weekly_summary, zone) {
        Ok(Some(schedule)) => found.push(format!("weekly summary {schedule}")),
        Ok(None) => found.push("no weekly summary".to_owned()),
        Err(err) => return Check::fail(NAME, err.to_string()),
    }
    match config::escalation(&config.escalate_after, &config.escalate_urgent_after) {
        Ok(Some(_)) => found.push(format!(
            "reminders after {} ({} when urgent)",
            config.escalate_after.trim(),
            config.escalate_urgent_after.trim()
        )),
        Ok(None) => found.push("no reminders".to_owned()),
        Err(err) => return Check::fail(NAME, err.to_string()),
    }
    Check::ok(NAME, found.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const KEY_B: &str = "b:HxsdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    #[test]
    fn keys_are_required_in_production_only() {
        let mut config = RawSettings::default();
        assert!(matches!(data_keys(&config), Ok(None)));
        config.keys.environment = config::Environment::Production;
        assert!(data_keys(&config).unwrap_err().contains("needs DATA_KEY"));
        config.keys.data_key = Some("nonsense".into());
        assert!(data_keys(&config).unwrap_err().contains("openssl rand"));
        config.keys.data_key = Some(KEY_A.into());
        assert!(matches!(data_keys(&config), Ok(Some(_))));
    }

    #[test]
    fn sealed_data_must_open_with_the_configured_keys() {
        let a = Sealer::from_config(KEY_A, None).unwrap();
        let b = Sealer::from_config(KEY_B, None).unwrap();
        use crate::storage::sealing::CASE_TITLE;
        let sample = |key: i64, text: &str| SealedSample {
            column: CASE_TITLE,
            key,
            value: a.seal(CASE_TITLE, key, text).unwrap(),
        };
        let samples = vec![sample(1, "x"), sample(2, "y")];
        assert!(matches!(
            existing_data(&samples, Some(&a), true).outcome,
            Outcome::Ok(_)
        ));
        let wrong = existing_data(&samples, Some(&b), true);
        assert!(wrong.failed());
        assert!(
            format!("{:?}", wrong.outcome).contains("2 of 2"),
            "{wrong:?}"
        );
        assert!(
            format!("{:?}", wrong.outcome).contains("key id a"),
            "{wrong:?}"
        );
        let none = existing_data(&samples, None, false);
        assert!(format!("{:?}", none.outcome).contains("DATA_KEY is not set"));
        assert!(!existing_data(&[], None, false).failed());
        // A value moved to another row does not open there.
        let mut moved = sample(1, "x");
        moved.key = 2;
        assert!(existing_data(&[moved], Some(&a), true).failed());
    }

    #[test]
    fn plain_or_unbound_values_point_to_navigator_seal() {
        let state = |plain, unbound, older_key| SealingState {
            plain,
            unbound,
            older_key,
        };
        let failed = sealing_check(&state(3, 1, 0), "a");
        assert!(failed.failed());
        assert!(format!("{:?}", failed.outcome).contains("Run `navigator seal`"));
        assert!(matches!(
            sealing_check(&state(0, 0, 2), "a").outcome,
            Outcome::Warn(_)
        ));
        assert!(matches!(
            sealing_check(&state(0, 0, 0), "a").outcome,
            Outcome::Ok(_)
        ));
    }

    #[test]
    fn time_settings_are_checked_together() {
        let mut config = RawSettings {
            working_timezone: "Europe/Madrid".into(),
            working_hours: Some("Mon-Fri 09:00-18:00".into()),
            weekly_summary: "mon 09:00".into(),
            ..RawSettings::default()
        };
        assert!(!time_settings(&config).failed());
        config.working_timezone = "Europe/Atlantis".into();
        let check = time_settings(&config);
        assert!(format!("{:?}", check.outcome).contains("not an IANA time zone"));
        config.working_timezone = "UTC".into();
        config.weekly_summary = "someday".into();
        assert!(time_settings(&config).failed());
        config.weekly_summary = "off".into();
        config.escalate_after = "soon".into();
        let check = time_settings(&config);
        assert!(format!("{:?}", check.outcome).contains("ESCALATE_AFTER"));
    }

    #[test]
    fn the_coordinators_language_must_be_shipped() {
        let mut config = RawSettings::default();
        config.dirs.locales_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        config.coordinators_language = "es".into();
        let check = coordinators_language(&config);
        assert_eq!(check.outcome, Outcome::Ok("coordinators read es".into()));
        config.coordinators_language = "de".into();
        let Outcome::Warn(hint) = coordinators_language(&config).outcome else {
            panic!("German is not shipped");
        };
        assert!(hint.contains("coordinators read English"), "{hint}");
        assert!(hint.contains("en, ") && hint.contains("zh-Hans"), "{hint}");
        config.coordinators_language = "not a tag!".into();
        assert!(coordinators_language(&config).failed());
    }

    #[test]
    fn the_text_report_has_one_line_per_check_and_a_verdict() {
        let report = Report {
            checks: vec![
                Check::ok("token", "fine"),
                Check::warn("webhook", "hmm"),
                Check::fail("database", "down: start it"),
            ],
        };
        assert!(report.failed());
        assert_eq!(
            report.to_text(),
            "✓ token: fine\n! webhook: hmm\n✗ database: down: start it\n1 check failed: fix it and run `navigator doctor` again.\n"
        );
        assert_eq!(report.to_json()["ok"], false);
        assert_eq!(report.to_json()["checks"][2]["status"], "fail");
    }
}
