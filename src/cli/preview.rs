//! `navigator chat` (the bot in the terminal, against the built-in
//! emulator) and `navigator review` (the review book): the two commands
//! that show the content as patients meet it. Only with the `emulator`
//! feature.
//!
//! Owns the printing. Must not render screens (that is `preview`'s and
//! `review`'s).

use std::path::Path;

use crate::config::ContentDirs;
use crate::preview::{self, ChatOptions};

/// Talk to the bot as a patient whose Telegram app is in `locale`.
pub fn chat(locale: String, dirs: &ContentDirs) -> anyhow::Result<()> {
    let options = ChatOptions::stdio(locale, &dirs.locales_dir, &dirs.dialogues_dir);
    super::block_on(preview::run_chat(options))
}

/// Write the review book into `out`.
pub fn review(dirs: &ContentDirs, out: &Path) -> anyhow::Result<()> {
    let written = crate::review::write(&dirs.locales_dir, &dirs.dialogues_dir, out)?;
    println!(
        "ok: review book of {} languages ({}) in {}: open {}",
        written.locales.len(),
        written.locales.join(", "),
        written.folder.display(),
        written.folder.join("index.html").display()
    );
    Ok(())
}
