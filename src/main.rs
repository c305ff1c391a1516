//! The `navigator` command line (clap): each subcommand's arguments, read
//! once, handed to the module that does the work. No logic of its own.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use patient_navigator::check::{self, CheckOptions};
use patient_navigator::content::Content;
use patient_navigator::doctor;
use patient_navigator::export;
use patient_navigator::graph;
use patient_navigator::handoff::WorkingHours;
use patient_navigator::handoff::escalation::Policy;
#[cfg(feature = "emulator")]
use patient_navigator::preview::{self, ChatOptions};
use patient_navigator::report;
use patient_navigator::reports::WeeklySchedule;
#[cfg(feature = "emulator")]
use patient_navigator::review;
use patient_navigator::startup::{self, Settings};
use patient_navigator::storage::{DEFAULT_DATABASE_URL, Sealer, Storage, redact};
use patient_navigator::telegram::flood::FloodLimit;
use patient_navigator::telegram::pacing::RateLimits;
use patient_navigator::telegram::webhook::WebhookOptions;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "navigator",
    version,
    about = "CancerFax patient-navigation Telegram bot"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The data keys: what patients write is encrypted at rest with them.
#[derive(clap::Args, Clone)]
struct DataKeys {
    /// `ID:BASE64` of 32 random bytes (`openssl rand -base64 32`).
    #[arg(long, env = "DATA_KEY", hide_env_values = true)]
    data_key: Option<String>,
    /// Retired keys, comma-separated, still needed to read older data.
    #[arg(long, env = "DATA_KEYS_OLD", hide_env_values = true)]
    data_keys_old: Option<String>,
    /// `production` refuses to start without DATA_KEY.
    #[arg(long = "env", env = "NAVIGATOR_ENV", value_enum, default_value_t = Environment::Development)]
    environment: Environment,
}

/// Where the bot runs: production insists on what protects patients' data.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Environment {
    Development,
    /// Refuses to start without DATA_KEY.
    Production,
}

#[derive(clap::Args, Clone)]
struct ContentDirs {
    /// Folder of Fluent locales, one subfolder per language.
    #[arg(long, env = "LOCALES_DIR", default_value = "locales")]
    locales_dir: PathBuf,
    /// Folder of dialogue trees and the intake form.
    #[arg(long, env = "DIALOGUES_DIR", default_value = "dialogues")]
    dialogues_dir: PathBuf,
}

/// Webhook mode (long polling when no URL is given).
#[derive(clap::Args)]
struct WebhookArgs {
    /// Receive updates by webhook at this public HTTPS URL (a TLS proxy in
    /// front of --listen) instead of long polling.
    #[arg(long, env = "WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// Where the webhook server listens; it serves the URL's path, /healthz
    /// and /readyz.
    #[arg(long, env = "WEBHOOK_LISTEN", default_value = "0.0.0.0:8080")]
    listen: SocketAddr,
    /// The secret Telegram sends with each update (1-256 of A-Z a-z 0-9 _ -);
    /// a random one at each start when unset.
    #[arg(long, env = "WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: Option<String>,
}

/// Everything `navigator run` (and `doctor`) reads.
#[derive(clap::Args)]
struct RunArgs {
    /// Bot token from @BotFather.
    #[arg(long, env = "TELOXIDE_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Bot API server; Telegram's by default.
    #[arg(long, env = "TELOXIDE_API_URL")]
    api_url: Option<url::Url>,
    /// sqlite://FILE (default) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// The coordinators' supergroup (used by the coordinator queue).
    #[arg(long, env = "COORDINATOR_CHAT_ID", allow_hyphen_values = true)]
    coordinator_chat_id: Option<i64>,
    /// Several coordinators' groups (teams) with routing rules, a YAML
    /// file (see the README); COORDINATOR_CHAT_ID is then the default team
    /// unless the file names one.
    #[arg(long = "teams", env = "TEAMS_FILE")]
    teams_file: Option<PathBuf>,
    /// When coordinators work, e.g. "Mon-Fri 09:00-18:00, Sat 10:00-13:00"
    /// (unset: always). Outside these hours patients get a note.
    #[arg(long, env = "WORKING_HOURS")]
    working_hours: Option<String>,
    /// Time zone of the working hours (IANA name, e.g. Europe/Madrid).
    #[arg(long, env = "WORKING_TIMEZONE", default_value = "UTC")]
    working_timezone: String,
    /// When the weekly summary is posted in the coordinators' group, in
    /// WORKING_TIMEZONE: e.g. "mon 09:00", or "off".
    #[arg(long, env = "WEEKLY_SUMMARY", default_value = "off")]
    weekly_summary: String,
    /// Closed conversations (and their case details) are erased after
    /// this many days.
    #[arg(long, env = "RETENTION_DAYS", default_value_t = 365)]
    retention_days: u32,
    /// Neither pace sends to Telegram's limits nor slow fast typists
    /// (only for machine-speed load against the local emulator).
    #[arg(long, env = "NO_RATE_LIMITS", hide = true)]
    no_rate_limits: bool,
    /// Telegram's limits with every window multiplied by this (e.g. 0.05:
    /// a group's minute lasts 3 s), against an emulator scaled alike, so
    /// that tests and benchmarks meet the limits in seconds.
    #[arg(
        long,
        env = "TELEGRAM_LIMITS_SCALE",
        hide = true,
        default_value_t = 1.0
    )]
    telegram_limits_scale: f64,
    #[command(flatten)]
    webhook: Box<WebhookArgs>,
    #[command(flatten)]
    keys: Box<DataKeys>,
    /// Print logs as JSON lines.
    #[arg(long, env = "LOG_JSON")]
    log_json: bool,
    /// Serve Prometheus metrics at /metrics on this address, e.g.
    /// 127.0.0.1:9090 (off when unset; keep it off the public internet).
    #[arg(long, env = "METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    /// The language the coordinators read (a locale tag, e.g. en, es): the
    /// ready replies' buttons and the topic's copy of what was sent.
    #[arg(long, env = "COORDINATORS_LANGUAGE", default_value = "en")]
    coordinators_language: String,
    /// A case waiting untaken, or a patient's message unanswered by the
    /// case's holder, this long in working hours gets a reminder in the
    /// group's General topic (a second one, for everyone, at twice the
    /// time), e.g. 30m, 1h; "off" for none.
    #[arg(long, env = "ESCALATE_AFTER", default_value = "30m")]
    escalate_after: String,
    /// The same for an urgent case.
    #[arg(long, env = "ESCALATE_URGENT_AFTER", default_value = "10m")]
    escalate_urgent_after: String,
    #[command(flatten)]
    dirs: ContentDirs,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot (long polling, or a webhook with WEBHOOK_URL).
    Run(RunArgs),
    /// Check a deployment before it goes live (token, coordinators' group,
    /// webhook, database, content, keys, time settings); exits non-zero
    /// when something must be fixed. Takes the same settings as `run`.
    Doctor {
        #[command(flatten)]
        run: RunArgs,
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
    },
    /// Create the database if needed and apply its migrations (the bot also
    /// does this at start).
    Migrate {
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
    /// Encrypt in place what is stored in plain (data from before DATA_KEY
    /// was set), sealed in the first format (not bound to its row), or
    /// under an older key, with DATA_KEY. Safe while the bot runs; the
    /// doctor's "data sealed in place" check says when it is needed.
    Seal {
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
        #[command(flatten)]
        keys: DataKeys,
    },
    /// Hand the updates set aside (after failing again and again, or
    /// unreadable with the data keys) back to the bot, once what stopped
    /// them is fixed: the running bot takes them again, in order, within
    /// a minute. `navigator doctor` shows how many are set aside.
    Replay {
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
    /// The coordinators' figures for a period and one row per case (no
    /// names, no free text), as CSV or JSON.
    Report {
        /// First day, YYYY-MM-DD (in WORKING_TIMEZONE).
        #[arg(long)]
        from: jiff::civil::Date,
        /// Last day, YYYY-MM-DD, included.
        #[arg(long)]
        to: jiff::civil::Date,
        #[arg(long, value_enum, default_value = "csv")]
        format: ReportFormat,
        /// CSV only: the per-case rows (`cases`) or the figures (`figures`).
        #[arg(long, value_enum, default_value = "cases")]
        table: ReportTable,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
        #[arg(long, env = "WORKING_TIMEZONE", default_value = "UTC")]
        working_timezone: String,
        #[command(flatten)]
        keys: DataKeys,
    },
    /// Check the locale and dialogue files; exits non-zero on problems.
    Check {
        /// Only this locale (e.g. es, zh-Hans).
        #[arg(long)]
        locale: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
        /// Mark one translation as still right after an English change:
        /// `--confirm LOCALE MESSAGE-ID`.
        #[arg(long, num_args = 2, value_names = ["LOCALE", "MESSAGE_ID"])]
        confirm: Option<Vec<String>>,
        /// Record every translation as made from the current English text
        /// (after all English changes were translated).
        #[arg(long, conflicts_with = "confirm")]
        update_lock: bool,
        #[command(flatten)]
        dirs: ContentDirs,
    },
    /// A consistent online backup of the SQLite database into a new file
    /// (PostgreSQL: use pg_dump, see README).
    Backup {
        path: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
    /// Restore a backup file into an empty database (SQLite or PostgreSQL).
    Restore {
        path: PathBuf,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
    },
    /// Per locale: translated, missing, outdated and obsolete messages.
    Locales {
        #[command(flatten)]
        dirs: ContentDirs,
    },
    /// Talk to the bot in the terminal, as a patient would (built-in Bot API
    /// emulator: no token, no network). Reads the working files.
    #[cfg(feature = "emulator")]
    Chat {
        /// The patient's language, e.g. ar (en-XA / ar-XB: pseudo-locales).
        #[arg(long, default_value = "en")]
        locale: String,
        #[command(flatten)]
        dirs: ContentDirs,
    },
    /// Draw the dialogue trees and the intake form on one page.
    Graph {
        #[arg(long, value_enum, default_value = "mermaid")]
        format: GraphFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        dirs: ContentDirs,
    },
    /// Write the review book: every screen in every language next to
    /// English and the source, with staleness and a sign-off page per
    /// language (static HTML, one folder: open index.html in a browser).
    #[cfg(feature = "emulator")]
    Review {
        /// The folder to write (created if needed).
        #[arg(long, default_value = "review-book")]
        out: PathBuf,
        #[command(flatten)]
        dirs: ContentDirs,
    },
    /// Export a case's answers (FHIR QuestionnaireResponse or plain JSON),
    /// or the intake form as a FHIR Questionnaire.
    Export {
        /// The case reference, e.g. CF-000123.
        #[arg(long, required_unless_present = "questionnaire")]
        case: Option<String>,
        /// Write the FHIR Questionnaire generated from the form instead.
        #[arg(long, conflicts_with = "case")]
        questionnaire: bool,
        #[arg(long, value_enum, default_value = "fhir")]
        format: ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
        database_url: String,
        #[command(flatten)]
        keys: DataKeys,
        #[command(flatten)]
        dirs: ContentDirs,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Csv,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportTable {
    Cases,
    Figures,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    Fhir,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            locale,
            format,
            confirm,
            update_lock,
            dirs,
        } => check(&dirs, locale, format, confirm, update_lock),
        #[cfg(feature = "emulator")]
        Command::Chat { locale, dirs } => {
            let options = ChatOptions::stdio(locale, dirs.locales_dir, dirs.dialogues_dir);
            block_on(preview::run_chat(options))
        }
        Command::Graph {
            format,
            output,
            dirs,
        } => graph(format, output, &dirs),
        #[cfg(feature = "emulator")]
        Command::Review { out, dirs } => {
            match review::write(&dirs.locales_dir, &dirs.dialogues_dir, &out) {
                Ok(written) => {
                    println!(
                        "ok: review book of {} languages ({}) in {}: open {}",
                        written.locales.len(),
                        written.locales.join(", "),
                        written.folder.display(),
                        written.folder.join("index.html").display()
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    eprintln!("error: {err:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Backup { path, database_url } => block_on(async move {
            let storage = Storage::connect(&database_url).await?;
            storage.backup_to(&path).await?;
            println!("ok: backup written to {}", path.display());
            Ok(())
        }),
        Command::Restore { path, database_url } => block_on(async move {
            anyhow::ensure!(path.exists(), "{} does not exist", path.display());
            // Opening migrates an older backup up to this version first.
            let backup = Storage::connect(&format!("sqlite://{}", path.display())).await?;
            let target = Storage::connect(&database_url).await?;
            let rows = target.restore_from(&backup).await?;
            println!("ok: {rows} rows restored into {}", redact(&database_url));
            Ok(())
        }),
        Command::Locales { dirs } => {
            let report = check::run(
                &dirs.locales_dir,
                &dirs.dialogues_dir,
                &CheckOptions::default(),
            );
            print!("{}", report.coverage_table());
            ExitCode::SUCCESS
        }
        Command::Export {
            case,
            questionnaire,
            format,
            output,
            database_url,
            keys,
            dirs,
        } => {
            let request = export::Request {
                case: if questionnaire { None } else { case },
                fhir: matches!(format, ExportFormat::Fhir),
                output,
                database_url,
                data_key: keys.data_key,
                data_keys_old: keys.data_keys_old,
                locales_dir: dirs.locales_dir,
                dialogues_dir: dirs.dialogues_dir,
            };
            block_on(export::run(request))
        }
        Command::Run(args) => {
            init_logging(args.log_json);
            match settings_of(args) {
                Ok(settings) => run(settings),
                Err(code) => code,
            }
        }
        Command::Doctor { run, format } => {
            let config = doctor_config(&run);
            let report = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime.block_on(doctor::run(&config)),
                Err(err) => {
                    eprintln!("error: cannot start the async runtime: {err}");
                    return ExitCode::FAILURE;
                }
            };
            match format {
                CheckFormat::Text => print!("{}", report.to_text()),
                CheckFormat::Json => println!(
                    "{}",
                    serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
                ),
            }
            if report.failed() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Migrate { database_url } => block_on(async move {
            let storage = Storage::connect(&database_url).await?;
            storage.close().await;
            println!("ok: {} is migrated", redact(&database_url));
            Ok(())
        }),
        Command::Seal { database_url, keys } => block_on(async move {
            let sealer =
                Sealer::from_settings(keys.data_key.as_deref(), keys.data_keys_old.as_deref())?
                    .context("navigator seal needs DATA_KEY (the key to seal with)")?;
            let storage = Storage::connect_sealed(&database_url, Some(sealer)).await?;
            let done = storage.seal_in_place().await?;
            storage.close().await;
            println!(
                "ok: sealed {} value(s) stored in plain, {} in the first format, {} under an older key",
                done.plain, done.unbound, done.older_key
            );
            anyhow::ensure!(
                done.unopenable == 0,
                "{} value(s) open with none of the configured keys and were left as they are: add the key they were written with to DATA_KEYS_OLD and run again",
                done.unopenable
            );
            Ok(())
        }),
        Command::Replay { database_url } => block_on(async move {
            let storage = Storage::connect(&database_url).await?;
            let replayed = storage.replay_set_aside().await?;
            storage.close().await;
            println!("ok: {replayed} updates set aside are handed back to the bot");
            Ok(())
        }),
        Command::Report {
            from,
            to,
            format,
            table,
            output,
            database_url,
            working_timezone,
            keys,
        } => block_on(async move {
            let request = report::Request {
                from,
                to,
                json: matches!(format, ReportFormat::Json),
                figures_table: matches!(table, ReportTable::Figures),
                output,
                database_url,
                time_zone: working_timezone,
                data_key: keys.data_key,
                data_keys_old: keys.data_keys_old,
            };
            report::run(request).await
        }),
    }
}

/// The raw settings of `run`, for the doctor (which judges them itself).
fn doctor_config(args: &RunArgs) -> doctor::DoctorConfig {
    doctor::DoctorConfig {
        token: args.token.clone(),
        api_url: args.api_url.clone(),
        database_url: args.database_url.clone(),
        coordinator_chat_id: args.coordinator_chat_id,
        teams_file: args.teams_file.clone(),
        working_hours: args.working_hours.clone(),
        working_timezone: args.working_timezone.clone(),
        weekly_summary: Some(args.weekly_summary.clone()),
        webhook_url: args.webhook.webhook_url.clone(),
        data_key: args.keys.data_key.clone(),
        data_keys_old: args.keys.data_keys_old.clone(),
        production: args.keys.environment == Environment::Production,
        locales_dir: args.dirs.locales_dir.clone(),
        dialogues_dir: args.dirs.dialogues_dir.clone(),
    }
}

/// Validated settings of `run`, or the exit code after a plain message.
fn settings_of(args: RunArgs) -> Result<Settings, ExitCode> {
    let RunArgs {
        token,
        api_url,
        database_url,
        coordinator_chat_id,
        teams_file,
        working_hours,
        working_timezone,
        weekly_summary,
        no_rate_limits,
        telegram_limits_scale,
        retention_days,
        webhook,
        log_json: _,
        metrics_listen,
        coordinators_language,
        escalate_after,
        escalate_urgent_after,
        dirs,
        keys,
    } = args;
    let Some(token) = token.filter(|token| !token.trim().is_empty()) else {
        eprintln!(
            "error: TELOXIDE_TOKEN is not set.\n\
             Get a token from @BotFather in Telegram, then run:\n  \
             TELOXIDE_TOKEN=123456:ABC... navigator run"
        );
        return Err(ExitCode::from(2));
    };
    let working_hours = match working_hours
        .filter(|spec| !spec.trim().is_empty())
        .map(|spec| WorkingHours::parse(&spec, &working_timezone))
        .transpose()
    {
        Ok(hours) => hours,
        Err(err) => {
            eprintln!("error: {err}");
            return Err(ExitCode::from(2));
        }
    };
    let Ok(time_zone) = jiff::tz::TimeZone::get(working_timezone.trim()) else {
        eprintln!(
            "error: WORKING_TIMEZONE “{working_timezone}” is not an IANA time zone (e.g. Europe/Madrid)"
        );
        return Err(ExitCode::from(2));
    };
    let weekly_summary = match WeeklySchedule::parse(&weekly_summary, working_timezone.trim()) {
        Ok(schedule) => schedule,
        Err(err) => {
            eprintln!("error: {err}");
            return Err(ExitCode::from(2));
        }
    };
    let escalation = match Policy::parse(&escalate_after, &escalate_urgent_after) {
        Ok(policy) => policy,
        Err(err) => {
            eprintln!("error: {err}");
            return Err(ExitCode::from(2));
        }
    };
    let WebhookArgs {
        webhook_url,
        listen,
        webhook_secret,
    } = *webhook;
    let webhook = match webhook_url.filter(|url| !url.trim().is_empty()) {
        None => None,
        Some(url) => match url::Url::parse(url.trim()) {
            Ok(url) => Some(WebhookOptions {
                secret_token: webhook_secret.filter(|secret| !secret.is_empty()),
                ..WebhookOptions::new(url, listen)
            }),
            Err(err) => {
                eprintln!("error: WEBHOOK_URL is not a URL: {err}");
                return Err(ExitCode::from(2));
            }
        },
    };
    Ok(Settings {
        token,
        api_url,
        database_url,
        coordinator_chat_id,
        teams_file,
        working_hours,
        time_zone,
        weekly_summary,
        rate_limits: if no_rate_limits {
            RateLimits::unlimited()
        } else {
            RateLimits::default().scaled(telegram_limits_scale)
        },
        retention_days,
        flood_limit: if no_rate_limits {
            FloodLimit::off()
        } else {
            FloodLimit::default()
        },
        data_key: keys.data_key,
        data_keys_old: keys.data_keys_old,
        production: keys.environment == Environment::Production,
        webhook,
        locales_dir: dirs.locales_dir,
        dialogues_dir: dirs.dialogues_dir,
        metrics_listen,
        coordinators_language: coordinators_language.trim().to_owned(),
        escalation,
    })
}

fn run(settings: Settings) -> ExitCode {
    block_on(startup::run(settings))
}

fn check(
    dirs: &ContentDirs,
    locale: Option<String>,
    format: CheckFormat,
    confirm: Option<Vec<String>>,
    update_lock: bool,
) -> ExitCode {
    if let Some([locale, id]) = confirm.as_deref() {
        return match check::confirm(&dirs.locales_dir, locale, id) {
            Ok(()) => {
                println!("ok: the {locale} translation of “{id}” is marked up to date");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        };
    }
    if update_lock {
        return match check::update_lock(&dirs.locales_dir) {
            Ok(summary) => {
                println!("ok: {summary}");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        };
    }
    let report = check::run(
        &dirs.locales_dir,
        &dirs.dialogues_dir,
        &CheckOptions { locale },
    );
    match format {
        CheckFormat::Text => print!("{}", report.to_text()),
        CheckFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report.to_json()).unwrap_or_default()
        ),
    }
    if report.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs a command's async work and turns its error into a plain message.
fn block_on(work: impl std::future::Future<Output = anyhow::Result<()>>) -> ExitCode {
    match tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")
        .and_then(|runtime| runtime.block_on(work))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn graph(format: GraphFormat, output: Option<PathBuf>, dirs: &ContentDirs) -> ExitCode {
    let content = match Content::load(&dirs.locales_dir, &dirs.dialogues_dir) {
        Ok(content) => content,
        Err(problems) => {
            eprint!("{problems}");
            return ExitCode::FAILURE;
        }
    };
    let text = match format {
        GraphFormat::Mermaid => graph::mermaid(&content),
        GraphFormat::Dot => graph::dot(&content),
    };
    match output {
        Some(path) => match std::fs::write(&path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: cannot write {}: {err}", path.display());
                ExitCode::FAILURE
            }
        },
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
    }
}

fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,teloxide=warn,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
