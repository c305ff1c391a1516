//! The `navigator` subcommands' work, one module per command (or family of
//! commands): each turns its arguments into calls to the library and prints
//! the result, returning `anyhow::Result<()>`. `exit_code` is the one place
//! where an error becomes a message on stderr and an exit code.
//!
//! Owns printing and exit codes. Must not hold the rules of what it calls
//! (checks, figures, storage) nor read settings itself (that is `config`'s);
//! the clap definitions are `main.rs`'s.

use std::process::ExitCode;

use anyhow::Context;

use crate::config::ConfigErrors;

pub mod check;
pub mod database;
pub mod doctor;
pub mod export;
pub mod graph;
#[cfg(feature = "emulator")]
pub mod preview;
pub mod report;
pub mod run;

/// How `check` and `doctor` print their findings.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// A command ran to its end and printed what is wrong (`check`, `doctor`,
/// `graph` on broken content): it fails with nothing more to say.
#[derive(Debug)]
pub struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("problems were found (printed above)")
    }
}

impl std::error::Error for Failed {}

/// The exit code when settings are wrong (as for a wrong flag).
const SETTINGS_WRONG: u8 = 2;

/// The one way out of a command: 0 when it succeeded; 2 with every wrong
/// setting named, one per line; 1 with the error and its causes, unless the
/// command already printed what is wrong.
pub fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    let Err(err) = result else {
        return ExitCode::SUCCESS;
    };
    if let Some(ConfigErrors(errors)) = err.downcast_ref::<ConfigErrors>() {
        for error in errors {
            eprintln!("error: {error}");
        }
        return ExitCode::from(SETTINGS_WRONG);
    }
    if err.downcast_ref::<Failed>().is_none() {
        eprintln!("error: {err:#}");
    }
    ExitCode::FAILURE
}

/// Runs a command's async work to its end.
pub fn block_on<T>(
    work: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    tokio::runtime::Runtime::new()
        .context("cannot start the async runtime")?
        .block_on(work)
}

/// Findings as pretty JSON, one document.
fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
