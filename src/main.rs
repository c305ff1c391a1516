//! The `navigator` command line: clap's definition of the subcommands and
//! their flags, and the dispatch of each to its module in `cli`, whose
//! result `cli::exit_code` turns into the exit code.
//!
//! Owns the command line's shape. Must not do a command's work (that is
//! `cli`'s) nor define settings (the shared ones are `config`'s).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use patient_navigator::cli::{self, Format};
use patient_navigator::config::{ContentDirs, DataKeys, DatabaseArgs, RawSettings};

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

#[derive(Subcommand)]
enum Command {
    /// Run the bot (long polling, or a webhook with WEBHOOK_URL).
    Run(Box<RawSettings>),
    /// Check a deployment before it goes live (token, coordinators' group,
    /// webhook, database, content, keys, time settings); exits non-zero
    /// when something must be fixed. Takes the same settings as `run`.
    Doctor {
        #[command(flatten)]
        settings: Box<RawSettings>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Create the database if needed and apply its migrations (the bot also
    /// does this at start).
    Migrate {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Encrypt in place what is stored in plain (data from before DATA_KEY
    /// was set), sealed in the first format (not bound to its row), or
    /// under an older key, with DATA_KEY. Safe while the bot runs; the
    /// doctor's "data sealed in place" check says when it is needed.
    Seal {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        keys: DataKeys,
    },
    /// Hand the updates set aside (after failing again and again, or
    /// unreadable with the data keys) back to the bot, once what stopped
    /// them is fixed: the running bot takes them again, in order, within
    /// a minute. `navigator doctor` shows how many are set aside.
    Replay {
        #[command(flatten)]
        database: DatabaseArgs,
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
        format: cli::report::ReportFormat,
        /// CSV only: the per-case rows (`cases`) or the figures (`figures`).
        #[arg(long, value_enum, default_value = "cases")]
        table: cli::report::ReportTable,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
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
        format: Format,
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
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Restore a backup file into an empty database (SQLite or PostgreSQL).
    Restore {
        path: PathBuf,
        #[command(flatten)]
        database: DatabaseArgs,
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
        format: cli::graph::GraphFormat,
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
        format: cli::export::ExportFormat,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        keys: DataKeys,
        #[command(flatten)]
        dirs: ContentDirs,
    },
}

fn main() -> ExitCode {
    cli::exit_code(dispatch(Cli::parse().command))
}

fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Run(settings) => cli::run::run(&settings),
        Command::Doctor { settings, format } => cli::doctor::doctor(&settings, format),
        Command::Migrate { database } => cli::database::migrate(&database),
        Command::Seal { database, keys } => cli::database::seal(&database, &keys),
        Command::Replay { database } => cli::database::replay(&database),
        Command::Backup { path, database } => cli::database::backup(&database, &path),
        Command::Restore { path, database } => cli::database::restore(&database, &path),
        Command::Report {
            from,
            to,
            format,
            table,
            output,
            database,
            working_timezone,
            keys,
        } => cli::report::report(cli::report::Request {
            from,
            to,
            format,
            table,
            output,
            database,
            time_zone: working_timezone,
            keys,
        }),
        Command::Check {
            locale,
            format,
            confirm,
            update_lock,
            dirs,
        } => {
            let request = match confirm.as_deref() {
                Some([locale, message_id]) => cli::check::Request::Confirm {
                    locale: locale.clone(),
                    message_id: message_id.clone(),
                },
                _ if update_lock => cli::check::Request::UpdateLock,
                _ => cli::check::Request::Files { locale },
            };
            cli::check::check(&dirs, request, format)
        }
        Command::Locales { dirs } => cli::check::locales(&dirs),
        #[cfg(feature = "emulator")]
        Command::Chat { locale, dirs } => cli::preview::chat(locale, &dirs),
        Command::Graph {
            format,
            output,
            dirs,
        } => cli::graph::graph(format, output.as_deref(), &dirs),
        #[cfg(feature = "emulator")]
        Command::Review { out, dirs } => cli::preview::review(&dirs, &out),
        Command::Export {
            case,
            questionnaire,
            format,
            output,
            database,
            keys,
            dirs,
        } => cli::export::export(cli::export::Request {
            case: if questionnaire { None } else { case },
            format,
            output,
            database,
            keys,
            dirs,
        }),
    }
}
