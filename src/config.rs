//! Configuration: the settings as read from flags and the environment
//! (`RawSettings` and the groups other commands share: `DatabaseArgs`,
//! `DataKeys`, `ContentDirs`), and their validation into `Settings`.
//!
//! Owns every setting's name, default and parser. Each parser reads one
//! setting and says, naming its variable, what is wrong in plain words;
//! `validate` runs them all and returns every problem at once, and
//! `navigator doctor` runs the same parsers as its checks. Secrets (the
//! token, the webhook secret, the data keys, a database password) are held
//! in types whose `Debug` does not show them. Must not connect to anything
//! (no database, no Telegram): what needs a connection is the doctor's.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use crate::handoff::WorkingHours;
use crate::handoff::escalation::Policy;
use crate::handoff::teams::Teams;
use crate::reports::WeeklySchedule;
use crate::storage::{DEFAULT_DATABASE_URL, Sealer, redact};
use crate::telegram::flood::FloodLimit;
use crate::telegram::pacing::RateLimits;
use crate::telegram::webhook::WebhookOptions;

const DEFAULT_WORKING_TIMEZONE: &str = "UTC";
const DEFAULT_WEEKLY_SUMMARY: &str = "off";
const DEFAULT_RETENTION_DAYS: u32 = 365;
const DEFAULT_LISTEN: &str = "0.0.0.0:8080";
const DEFAULT_COORDINATORS_LANGUAGE: &str = "en";
const DEFAULT_ESCALATE_AFTER: &str = "30m";
const DEFAULT_ESCALATE_URGENT_AFTER: &str = "10m";
const DEFAULT_LOCALES_DIR: &str = "locales";
const DEFAULT_DIALOGUES_DIR: &str = "dialogues";

/// How to make a data key, in every message about one.
const KEY_HINT: &str = "generate a key with echo \"k1:$(openssl rand -base64 32)\"";

// ----- what is read ----------------------------------------------------------

/// The database (`run`, `doctor` and every command that reads or writes it).
#[derive(clap::Args, Clone)]
pub struct DatabaseArgs {
    /// sqlite://FILE (default) or postgres://USER@HOST/DB.
    #[arg(
        long = "database-url",
        value_name = "DATABASE_URL",
        env = "DATABASE_URL",
        default_value = DEFAULT_DATABASE_URL,
        hide_env_values = true
    )]
    pub url: String,
}

impl fmt::Debug for DatabaseArgs {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseArgs")
            .field("url", &redact(&self.url))
            .finish()
    }
}

impl Default for DatabaseArgs {
    fn default() -> DatabaseArgs {
        DatabaseArgs {
            url: DEFAULT_DATABASE_URL.to_owned(),
        }
    }
}

/// The data keys: what patients write is encrypted at rest with them.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct DataKeys {
    /// `ID:BASE64` of 32 random bytes (`openssl rand -base64 32`).
    #[arg(long, env = "DATA_KEY", hide_env_values = true)]
    pub data_key: Option<SecretString>,
    /// Retired keys, comma-separated, still needed to read older data.
    #[arg(long, env = "DATA_KEYS_OLD", hide_env_values = true)]
    pub data_keys_old: Option<SecretString>,
    /// `production` refuses to start without DATA_KEY.
    #[arg(long = "env", env = "NAVIGATOR_ENV", value_enum, default_value_t = Environment::Development)]
    pub environment: Environment,
}

/// Where the bot runs: production insists on what protects patients' data.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Environment {
    #[default]
    Development,
    /// Refuses to start without DATA_KEY.
    Production,
}

/// The content: locales and dialogue trees.
#[derive(clap::Args, Clone, Debug)]
pub struct ContentDirs {
    /// Folder of Fluent locales, one subfolder per language.
    #[arg(long, env = "LOCALES_DIR", default_value = DEFAULT_LOCALES_DIR)]
    pub locales_dir: PathBuf,
    /// Folder of dialogue trees and the intake form.
    #[arg(long, env = "DIALOGUES_DIR", default_value = DEFAULT_DIALOGUES_DIR)]
    pub dialogues_dir: PathBuf,
}

impl Default for ContentDirs {
    fn default() -> ContentDirs {
        ContentDirs {
            locales_dir: DEFAULT_LOCALES_DIR.into(),
            dialogues_dir: DEFAULT_DIALOGUES_DIR.into(),
        }
    }
}

/// Webhook mode (long polling when no URL is given).
#[derive(clap::Args, Clone, Debug)]
pub struct WebhookArgs {
    /// Receive updates by webhook at this public HTTPS URL (a TLS proxy in
    /// front of --listen) instead of long polling.
    #[arg(long, env = "WEBHOOK_URL")]
    pub webhook_url: Option<String>,
    /// Where the webhook server listens; it serves the URL's path, /healthz
    /// and /readyz.
    #[arg(long, env = "WEBHOOK_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    /// The secret Telegram sends with each update (1-256 of A-Z a-z 0-9 _ -);
    /// a random one at each start when unset.
    #[arg(long, env = "WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<SecretString>,
}

impl Default for WebhookArgs {
    fn default() -> WebhookArgs {
        WebhookArgs {
            webhook_url: None,
            listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            webhook_secret: None,
        }
    }
}

/// Everything `navigator run` (and `doctor`) reads, as read: nothing is
/// judged yet (for the doctor, a bad value is a finding, not a refusal).
#[derive(clap::Args, Clone, Debug)]
pub struct RawSettings {
    /// Bot token from @BotFather.
    #[arg(long, env = "TELOXIDE_TOKEN", hide_env_values = true)]
    pub token: Option<SecretString>,
    /// Bot API server; Telegram's by default.
    #[arg(long, env = "TELOXIDE_API_URL")]
    pub api_url: Option<url::Url>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The coordinators' supergroup (used by the coordinator queue).
    #[arg(long, env = "COORDINATOR_CHAT_ID", allow_hyphen_values = true)]
    pub coordinator_chat_id: Option<i64>,
    /// Several coordinators' groups (teams) with routing rules, a YAML
    /// file (see the README); COORDINATOR_CHAT_ID is then the default team
    /// unless the file names one.
    #[arg(long = "teams", env = "TEAMS_FILE")]
    pub teams_file: Option<PathBuf>,
    /// When coordinators work, e.g. "Mon-Fri 09:00-18:00, Sat 10:00-13:00"
    /// (unset: always). Outside these hours patients get a note.
    #[arg(long, env = "WORKING_HOURS")]
    pub working_hours: Option<String>,
    /// Time zone of the working hours (IANA name, e.g. Europe/Madrid).
    #[arg(long, env = "WORKING_TIMEZONE", default_value = DEFAULT_WORKING_TIMEZONE)]
    pub working_timezone: String,
    /// When the weekly summary is posted in the coordinators' group, in
    /// WORKING_TIMEZONE: e.g. "mon 09:00", or "off".
    #[arg(long, env = "WEEKLY_SUMMARY", default_value = DEFAULT_WEEKLY_SUMMARY)]
    pub weekly_summary: String,
    /// Closed conversations (and their case details) are erased after
    /// this many days.
    #[arg(long, env = "RETENTION_DAYS", default_value_t = DEFAULT_RETENTION_DAYS)]
    pub retention_days: u32,
    /// Neither pace sends to Telegram's limits nor slow fast typists
    /// (only for machine-speed load against the local emulator).
    #[arg(long, env = "NO_RATE_LIMITS", hide = true)]
    pub no_rate_limits: bool,
    /// Telegram's limits with every window multiplied by this (e.g. 0.05:
    /// a group's minute lasts 3 s), against an emulator scaled alike, so
    /// that tests and benchmarks meet the limits in seconds.
    #[arg(
        long,
        env = "TELEGRAM_LIMITS_SCALE",
        hide = true,
        default_value_t = 1.0
    )]
    pub telegram_limits_scale: f64,
    #[command(flatten)]
    pub webhook: WebhookArgs,
    #[command(flatten)]
    pub keys: DataKeys,
    /// Print logs as JSON lines.
    #[arg(long, env = "LOG_JSON")]
    pub log_json: bool,
    /// Serve Prometheus metrics at /metrics on this address, e.g.
    /// 127.0.0.1:9090 (off when unset; keep it off the public internet).
    #[arg(long, env = "METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// The language the coordinators read (a locale tag, e.g. en, es):
    /// every text the bot writes in their group (`coordinators.ftl`).
    #[arg(long, env = "COORDINATORS_LANGUAGE", default_value = DEFAULT_COORDINATORS_LANGUAGE)]
    pub coordinators_language: String,
    /// A case waiting untaken, or a patient's message unanswered by the
    /// case's holder, this long in working hours gets a reminder in the
    /// group's General topic (a second one, for everyone, at twice the
    /// time), e.g. 30m, 1h; "off" for none.
    #[arg(long, env = "ESCALATE_AFTER", default_value = DEFAULT_ESCALATE_AFTER)]
    pub escalate_after: String,
    /// The same for an urgent case.
    #[arg(long, env = "ESCALATE_URGENT_AFTER", default_value = DEFAULT_ESCALATE_URGENT_AFTER)]
    pub escalate_urgent_after: String,
    #[command(flatten)]
    pub dirs: ContentDirs,
}

impl Default for RawSettings {
    /// What `navigator run` reads with no flag and no variable set.
    fn default() -> RawSettings {
        RawSettings {
            token: None,
            api_url: None,
            database: DatabaseArgs::default(),
            coordinator_chat_id: None,
            teams_file: None,
            working_hours: None,
            working_timezone: DEFAULT_WORKING_TIMEZONE.to_owned(),
            weekly_summary: DEFAULT_WEEKLY_SUMMARY.to_owned(),
            retention_days: DEFAULT_RETENTION_DAYS,
            no_rate_limits: false,
            telegram_limits_scale: 1.0,
            webhook: WebhookArgs::default(),
            keys: DataKeys::default(),
            log_json: false,
            metrics_listen: None,
            coordinators_language: DEFAULT_COORDINATORS_LANGUAGE.to_owned(),
            escalate_after: DEFAULT_ESCALATE_AFTER.to_owned(),
            escalate_urgent_after: DEFAULT_ESCALATE_URGENT_AFTER.to_owned(),
            dirs: ContentDirs::default(),
        }
    }
}

// ----- what is validated -----------------------------------------------------

/// A database URL: its `Debug` and `Display` hide the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL with its password, for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> DatabaseUrl {
        DatabaseUrl(url)
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> DatabaseUrl {
        DatabaseUrl(url.to_owned())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&redact(&self.0), f)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

/// What the bot needs to run, validated (`validate`); tests build it
/// directly. Its `Debug` shows no secret.
#[derive(Clone, Debug)]
pub struct Settings {
    pub token: SecretString,
    /// Bot API server (Telegram's by default; the emulator in tests).
    pub api_url: Option<url::Url>,
    pub database_url: DatabaseUrl,
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
    pub data_key: Option<SecretString>,
    /// Retired keys still needed to read older data, comma-separated.
    pub data_keys_old: Option<SecretString>,
    /// Production refuses to start without a data key.
    pub production: bool,
    /// Receive updates by webhook instead of long polling.
    pub webhook: Option<WebhookOptions>,
    pub locales_dir: PathBuf,
    pub dialogues_dir: PathBuf,
    /// Where to serve Prometheus' `/metrics` (off when unset).
    pub metrics_listen: Option<SocketAddr>,
    /// The language coordinators read (a locale tag the catalog has).
    pub coordinators_language: String,
    /// When forgotten cases get reminders in the group (`None`: never).
    pub escalation: Option<Policy>,
}

/// One setting that is wrong: which (its variable) and what, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The environment variable, e.g. `WORKING_TIMEZONE`.
    pub setting: &'static str,
    /// The whole message; it names the setting.
    pub message: String,
}

impl ConfigError {
    /// `problem` is prefixed with the setting's name unless it names it first.
    pub fn new(setting: &'static str, problem: impl Into<String>) -> ConfigError {
        let problem = problem.into();
        let message = if problem.starts_with(setting) {
            problem
        } else {
            format!("{setting}: {problem}")
        };
        ConfigError { setting, message }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Every problem `validate` found (the command line exits with 2 on them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for ConfigErrors {}

impl From<ConfigError> for ConfigErrors {
    fn from(error: ConfigError) -> ConfigErrors {
        ConfigErrors(vec![error])
    }
}

/// Every setting of `run`, each judged by its own parser; all problems at once.
pub fn validate(raw: &RawSettings) -> Result<Settings, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let found = &mut errors;
    let token = keep(found, token(raw.token.as_ref()));
    let database_url = keep(found, database_url(&raw.database.url));
    let time_zone = keep(found, time_zone(&raw.working_timezone));
    // Hours and summary name the zone again: judged only in a zone that exists.
    let (working_hours, weekly_summary) = match time_zone {
        Some(_) => (
            keep(
                found,
                working_hours(raw.working_hours.as_deref(), &raw.working_timezone),
            ),
            keep(
                found,
                weekly_summary(&raw.weekly_summary, &raw.working_timezone),
            ),
        ),
        None => (None, None),
    };
    let escalation = keep(
        found,
        escalation(&raw.escalate_after, &raw.escalate_urgent_after),
    );
    let webhook_url = keep(
        found,
        webhook_url(raw.webhook.webhook_url.as_deref(), raw.api_url.as_ref()),
    );
    let webhook_secret = keep(found, webhook_secret(raw.webhook.webhook_secret.as_ref()));
    let teams = keep(
        found,
        teams(raw.teams_file.as_deref(), raw.coordinator_chat_id),
    );
    let sealer = keep(found, data_keys(&raw.keys));
    if let Some(sealer) = &sealer {
        keep(
            found,
            production_needs_key(raw.keys.environment, sealer.is_some()),
        );
    }
    let coordinators_language = keep(found, coordinators_language(&raw.coordinators_language));
    let limits_scale = keep(found, limits_scale(raw.telegram_limits_scale));
    let (
        Some(token),
        Some(database_url),
        Some(time_zone),
        Some(working_hours),
        Some(weekly_summary),
        Some(escalation),
        Some(webhook_url),
        Some(webhook_secret),
        Some(_teams),
        Some(_sealer),
        Some(coordinators_language),
        Some(limits_scale),
    ) = (
        token,
        database_url,
        time_zone,
        working_hours,
        weekly_summary,
        escalation,
        webhook_url,
        webhook_secret,
        teams,
        sealer,
        coordinators_language,
        limits_scale,
    )
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let unpaced = raw.no_rate_limits;
    Ok(Settings {
        token,
        api_url: raw.api_url.clone(),
        database_url,
        coordinator_chat_id: raw.coordinator_chat_id,
        teams_file: raw.teams_file.clone(),
        working_hours,
        time_zone,
        weekly_summary,
        rate_limits: if unpaced {
            RateLimits::unlimited()
        } else {
            RateLimits::default().scaled(limits_scale)
        },
        retention_days: raw.retention_days,
        flood_limit: if unpaced {
            FloodLimit::off()
        } else {
            FloodLimit::default()
        },
        data_key: raw.keys.data_key.clone(),
        data_keys_old: raw.keys.data_keys_old.clone(),
        production: raw.keys.environment == Environment::Production,
        webhook: webhook_url.map(|url| WebhookOptions {
            secret_token: webhook_secret,
            ..WebhookOptions::new(url, raw.webhook.listen)
        }),
        locales_dir: raw.dirs.locales_dir.clone(),
        dialogues_dir: raw.dirs.dialogues_dir.clone(),
        metrics_listen: raw.metrics_listen,
        coordinators_language,
        escalation,
    })
}

/// The database and the data keys of a command that reads patients' data
/// (`export`, `report`, `seal`): the same parsers as `run`'s, both judged.
pub fn database_and_keys(
    database: &DatabaseArgs,
    keys: &DataKeys,
) -> Result<(DatabaseUrl, Option<Sealer>), ConfigErrors> {
    match (database_url(&database.url), data_keys(keys)) {
        (Ok(url), Ok(sealer)) => Ok((url, sealer)),
        (url, sealer) => Err(ConfigErrors(
            url.err().into_iter().chain(sealer.err()).collect(),
        )),
    }
}

/// The value, or `None` with its problem added to `errors`.
fn keep<T>(errors: &mut Vec<ConfigError>, result: Result<T, ConfigError>) -> Option<T> {
    result.map_err(|err| errors.push(err)).ok()
}

// ----- one parser per setting ------------------------------------------------

/// `TELOXIDE_TOKEN`: set (trimmed).
pub fn token(raw: Option<&SecretString>) -> Result<SecretString, ConfigError> {
    match raw.map(|token| token.expose_secret().trim()) {
        Some(token) if !token.is_empty() => Ok(SecretString::from(token)),
        _ => Err(ConfigError::new(
            "TELOXIDE_TOKEN",
            "TELOXIDE_TOKEN is not set: get one from @BotFather (/newbot, or /mybots → API Token)",
        )),
    }
}

/// `DATABASE_URL`: a SQLite or PostgreSQL URL.
pub fn database_url(raw: &str) -> Result<DatabaseUrl, ConfigError> {
    let url = raw.trim();
    if ["sqlite:", "postgres:", "postgresql:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
    {
        Ok(DatabaseUrl::from(url))
    } else {
        Err(ConfigError::new(
            "DATABASE_URL",
            format!(
                "DATABASE_URL must start with sqlite: or postgres: (got “{}”)",
                redact(url)
            ),
        ))
    }
}

/// `WORKING_TIMEZONE`: an IANA time zone.
pub fn time_zone(raw: &str) -> Result<jiff::tz::TimeZone, ConfigError> {
    let zone = raw.trim();
    jiff::tz::TimeZone::get(zone).map_err(|_| {
        ConfigError::new(
            "WORKING_TIMEZONE",
            format!(
                "WORKING_TIMEZONE “{zone}” is not an IANA time zone: use a name such as Europe/Madrid or UTC"
            ),
        )
    })
}

/// `WORKING_HOURS` in `zone` (unset or empty: always open).
pub fn working_hours(raw: Option<&str>, zone: &str) -> Result<Option<WorkingHours>, ConfigError> {
    raw.filter(|spec| !spec.trim().is_empty())
        .map(|spec| WorkingHours::parse(spec, zone.trim()))
        .transpose()
        .map_err(|err| ConfigError::new("WORKING_HOURS", err.to_string()))
}

/// `WEEKLY_SUMMARY` in `zone` (`off`: none).
pub fn weekly_summary(raw: &str, zone: &str) -> Result<Option<WeeklySchedule>, ConfigError> {
    WeeklySchedule::parse(raw, zone.trim())
        .map_err(|err| ConfigError::new("WEEKLY_SUMMARY", err.to_string()))
}

/// `ESCALATE_AFTER` and `ESCALATE_URGENT_AFTER` (`off`: no reminders).
pub fn escalation(after: &str, urgent_after: &str) -> Result<Option<Policy>, ConfigError> {
    Policy::parse(after, urgent_after).map_err(|message| {
        let setting = if message.starts_with("ESCALATE_URGENT_AFTER") {
            "ESCALATE_URGENT_AFTER"
        } else {
            "ESCALATE_AFTER"
        };
        ConfigError::new(setting, message)
    })
}

/// `WEBHOOK_URL` (unset or empty: long polling): a URL, HTTPS for Telegram
/// (a local Bot API server, `TELOXIDE_API_URL`, also takes plain HTTP).
pub fn webhook_url(
    raw: Option<&str>,
    api_url: Option<&url::Url>,
) -> Result<Option<url::Url>, ConfigError> {
    let Some(wanted) = raw.map(str::trim).filter(|url| !url.is_empty()) else {
        return Ok(None);
    };
    match url::Url::parse(wanted) {
        Err(err) => Err(ConfigError::new(
            "WEBHOOK_URL",
            format!("WEBHOOK_URL “{wanted}” is not a URL ({err})"),
        )),
        Ok(url) if url.scheme() != "https" && api_url.is_none() => Err(ConfigError::new(
            "WEBHOOK_URL",
            format!(
                "WEBHOOK_URL must be https:// for Telegram (got {})",
                url.scheme()
            ),
        )),
        Ok(url) => Ok(Some(url)),
    }
}

/// `WEBHOOK_SECRET` (unset or empty: a random one at each start): what
/// Telegram accepts, 1-256 of `A-Z a-z 0-9 _ -`.
pub fn webhook_secret(raw: Option<&SecretString>) -> Result<Option<String>, ConfigError> {
    let Some(secret) = raw
        .map(ExposeSecret::expose_secret)
        .filter(|secret| !secret.is_empty())
    else {
        return Ok(None);
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if secret.len() <= 256 && secret.chars().all(allowed) {
        Ok(Some(secret.to_owned()))
    } else {
        Err(ConfigError::new(
            "WEBHOOK_SECRET",
            "WEBHOOK_SECRET must be 1-256 characters of A-Z a-z 0-9 _ - (Telegram refuses others)",
        ))
    }
}

/// `TEAMS_FILE` with `COORDINATOR_CHAT_ID` as its default team.
pub fn teams(file: Option<&Path>, coordinator_chat_id: Option<i64>) -> Result<Teams, ConfigError> {
    Teams::load(file, coordinator_chat_id).map_err(|err| ConfigError::new("TEAMS_FILE", err))
}

/// `DATA_KEY` and `DATA_KEYS_OLD`: `None` without a key (an empty one is
/// none).
pub fn data_keys(raw: &DataKeys) -> Result<Option<Sealer>, ConfigError> {
    Sealer::from_settings(
        raw.data_key.as_ref().map(ExposeSecret::expose_secret),
        raw.data_keys_old.as_ref().map(ExposeSecret::expose_secret),
    )
    .map_err(|err| ConfigError::new("DATA_KEY", format!("{err:#}: {KEY_HINT}")))
}

/// `NAVIGATOR_ENV=production` insists on a data key: without one, what
/// patients write would sit unencrypted in the database.
pub fn production_needs_key(environment: Environment, has_key: bool) -> Result<(), ConfigError> {
    if environment == Environment::Production && !has_key {
        return Err(ConfigError::new(
            "DATA_KEY",
            format!(
                "NAVIGATOR_ENV=production needs DATA_KEY (the bot refuses to start without it: patients' answers and \
                 messages would be stored unencrypted): {KEY_HINT}, keep it in a secret store, set DATA_KEY (see README: Data keys)"
            ),
        ));
    }
    Ok(())
}

/// `COORDINATORS_LANGUAGE`: a locale tag (whether the catalog has it is
/// known once the content is loaded).
pub fn coordinators_language(raw: &str) -> Result<String, ConfigError> {
    let tag = raw.trim();
    match tag.parse::<unic_langid::LanguageIdentifier>() {
        Ok(_) if !tag.is_empty() => Ok(tag.to_owned()),
        _ => Err(ConfigError::new(
            "COORDINATORS_LANGUAGE",
            format!("COORDINATORS_LANGUAGE “{tag}” is not a locale tag (e.g. en, es)"),
        )),
    }
}

/// `TELEGRAM_LIMITS_SCALE`: a number above zero.
pub fn limits_scale(raw: f64) -> Result<f64, ConfigError> {
    if raw.is_finite() && raw > 0.0 {
        Ok(raw)
    } else {
        Err(ConfigError::new(
            "TELEGRAM_LIMITS_SCALE",
            format!("TELEGRAM_LIMITS_SCALE “{raw}” must be a number above zero"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    /// Settings that validate, with every secret set.
    fn raw() -> RawSettings {
        RawSettings {
            token: Some("123456:TOKEN-SECRET".into()),
            database: DatabaseArgs {
                url: "postgres://navigator:DB-SECRET@db/navigator".into(),
            },
            coordinator_chat_id: Some(-100),
            working_hours: Some("Mon-Fri 09:00-18:00".into()),
            working_timezone: "Europe/Madrid".into(),
            weekly_summary: "mon 09:00".into(),
            webhook: WebhookArgs {
                webhook_url: Some("https://bot.example.org/hook".into()),
                webhook_secret: Some("HOOK-SECRET".into()),
                ..WebhookArgs::default()
            },
            keys: DataKeys {
                data_key: Some(KEY_A.into()),
                data_keys_old: None,
                environment: Environment::Production,
            },
            ..RawSettings::default()
        }
    }

    #[test]
    fn settings_show_no_secret_when_logged() {
        let settings = validate(&raw()).unwrap();
        let shown = format!("{settings:?}");
        for secret in ["TOKEN-SECRET", "DB-SECRET", "HOOK-SECRET", "AAECAwQF"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("retention_days: 365") && shown.contains("db/navigator"),
            "{shown}"
        );
        let as_read = format!("{:?}", raw());
        for secret in ["TOKEN-SECRET", "DB-SECRET", "HOOK-SECRET", "AAECAwQF"] {
            assert!(!as_read.contains(secret), "{secret} in {as_read}");
        }
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let wrong = RawSettings {
            token: Some("  ".into()),
            database: DatabaseArgs {
                url: "mysql://db".into(),
            },
            working_timezone: "Mars/Olympus".into(),
            escalate_urgent_after: "soon".into(),
            webhook: WebhookArgs {
                webhook_url: Some("http://bot.example.org/hook".into()),
                webhook_secret: Some("no spaces".into()),
                ..WebhookArgs::default()
            },
            keys: DataKeys {
                data_key: Some("nonsense".into()),
                ..DataKeys::default()
            },
            coordinators_language: "not a tag!".into(),
            telegram_limits_scale: 0.0,
            ..RawSettings::default()
        };
        let errors = validate(&wrong).unwrap_err();
        let named: Vec<&str> = errors.iter().map(|err| err.setting).collect();
        assert_eq!(
            named,
            [
                "TELOXIDE_TOKEN",
                "DATABASE_URL",
                "WORKING_TIMEZONE",
                "ESCALATE_URGENT_AFTER",
                "WEBHOOK_URL",
                "WEBHOOK_SECRET",
                "DATA_KEY",
                "COORDINATORS_LANGUAGE",
                "TELEGRAM_LIMITS_SCALE",
            ]
        );
        for error in &errors {
            assert!(error.to_string().starts_with(error.setting), "{error}");
        }
        assert!(errors[2].message.contains("not an IANA time zone"));
        assert!(errors[6].message.contains("openssl rand -base64 32"));
    }

    #[test]
    fn keys_are_required_in_production_only() {
        let mut keys = DataKeys::default();
        assert!(matches!(data_keys(&keys), Ok(None)));
        assert!(production_needs_key(Environment::Development, false).is_ok());
        let missing = production_needs_key(Environment::Production, false).unwrap_err();
        assert!(missing.message.contains("needs DATA_KEY"), "{missing}");
        keys.data_key = Some("  ".into());
        assert!(matches!(data_keys(&keys), Ok(None)), "an empty key is none");
        keys.data_key = Some("nonsense".into());
        assert!(
            data_keys(&keys)
                .unwrap_err()
                .message
                .contains("openssl rand")
        );
        keys.data_key = Some(KEY_A.into());
        assert!(matches!(data_keys(&keys), Ok(Some(_))));
    }

    #[test]
    fn optional_settings_may_be_empty() {
        let settings = validate(&RawSettings {
            token: Some("123:abc".into()),
            working_hours: Some(" ".into()),
            webhook: WebhookArgs {
                webhook_url: Some(String::new()),
                webhook_secret: Some("".into()),
                ..WebhookArgs::default()
            },
            escalate_after: "off".into(),
            ..RawSettings::default()
        })
        .unwrap();
        assert!(settings.working_hours.is_none());
        assert!(settings.webhook.is_none());
        assert!(settings.escalation.is_none());
        assert!(settings.weekly_summary.is_none());
        assert_eq!(settings.database_url.expose(), DEFAULT_DATABASE_URL);
    }

    #[test]
    fn a_local_bot_api_server_takes_a_plain_http_webhook() {
        let local = url::Url::parse("http://127.0.0.1:8081").unwrap();
        assert!(webhook_url(Some("http://127.0.0.1:9000/hook"), Some(&local)).is_ok());
        assert!(webhook_url(Some("http://bot.example.org/hook"), None).is_err());
    }
}
