//! `navigator review`: the review book, a folder of static HTML pages for
//! medical reviewers and translators. Every screen of every tree, every
//! question of the form with its choices and error texts, the conversation
//! around a case and every other message, each as the patient's phone
//! shows it (bubbles, buttons, right to left for Arabic), in a language
//! next to English, with the source paragraphs a content screen says, the
//! staleness of each message, and a sign-off page per language telling the
//! reviewer what to write in `locales/<lang>/signoff.toml`.
//!
//! Owns: the book's model (`book`) and its HTML (`html`). Reads the content,
//! `check`'s bookkeeping (sign-offs, the staleness lock) and the trees'
//! source texts; renders with the bot's own engines (`dialogue::handle`,
//! `intake::step`, `dialogue::engine::notices`), so the book shows what
//! patients get. May not write anywhere but the output folder, nor change
//! content, the lock or sign-offs: reviewers sign by committing a file.
//!
//! `build` and `html::pages` are pure; `write` does the I/O.

pub mod book;
pub mod html;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::check::Bookkeeping;
use crate::content::Content;
use crate::dialogue::sources::SourceText;

pub use book::{Book, build};

/// What `write` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub folder: PathBuf,
    pub pages: usize,
    pub locales: Vec<String>,
}

/// Reads the content and writes the book into `out` (created if needed;
/// the book's own files in it are replaced, nothing else is touched).
pub fn write(locales_dir: &Path, dialogues_dir: &Path, out: &Path) -> anyhow::Result<Written> {
    let content = Content::load(locales_dir, dialogues_dir).map_err(|problems| {
        anyhow::anyhow!("the content has problems (run `navigator check`):\n{problems}")
    })?;
    let bookkeeping = Bookkeeping::read(locales_dir);
    let mut sources = BTreeMap::new();
    for node in content.trees.nodes() {
        if let Some(source) = &node.source
            && !sources.contains_key(&source.file)
        {
            // Without the source, the book still shows every screen.
            if let Ok(text) = SourceText::read(&source.file) {
                sources.insert(source.file.clone(), text);
            }
        }
    }
    let book = build(&book::Inputs {
        content: &content,
        bookkeeping: &bookkeeping,
        sources: &sources,
    });
    let pages = html::pages(&book);
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (name, text) in &pages {
        let path = out.join(name);
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(Written {
        folder: out.to_path_buf(),
        pages: pages.len(),
        locales: book
            .locales
            .iter()
            .map(|locale| locale.tag.clone())
            .collect(),
    })
}
