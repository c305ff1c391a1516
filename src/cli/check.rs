//! `navigator check` (the locale and dialogue files, a translation marked
//! up to date, the lock file brought up to date) and `navigator locales`
//! (the coverage table).
//!
//! Owns the printing. Must not hold a check (they are `crate::check`'s).

use super::{Failed, Format};
use crate::check::{self, CheckOptions};
use crate::config::ContentDirs;

/// What `navigator check` is asked to do.
pub enum Request {
    /// Check the files (only one locale's, with `Some`).
    Files { locale: Option<String> },
    /// Mark one translation as still right after an English change.
    Confirm { locale: String, message_id: String },
    /// Record every translation as made from the current English text.
    UpdateLock,
}

pub fn check(dirs: &ContentDirs, request: Request, format: Format) -> anyhow::Result<()> {
    match request {
        Request::Confirm { locale, message_id } => {
            check::confirm(&dirs.locales_dir, &locale, &message_id)?;
            println!("ok: the {locale} translation of “{message_id}” is marked up to date");
        }
        Request::UpdateLock => {
            let summary = check::update_lock(&dirs.locales_dir)?;
            println!("ok: {summary}");
        }
        Request::Files { locale } => {
            let report = check::run(
                &dirs.locales_dir,
                &dirs.dialogues_dir,
                &CheckOptions { locale },
            );
            match format {
                Format::Text => print!("{}", report.to_text()),
                Format::Json => super::print_json(&report.to_json()),
            }
            if report.has_errors() {
                return Err(Failed.into());
            }
        }
    }
    Ok(())
}

/// Per locale: translated, missing, outdated and obsolete messages.
pub fn locales(dirs: &ContentDirs) -> anyhow::Result<()> {
    let report = check::run(
        &dirs.locales_dir,
        &dirs.dialogues_dir,
        &CheckOptions::default(),
    );
    print!("{}", report.coverage_table());
    Ok(())
}
